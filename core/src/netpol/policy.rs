//! NetworkPolicy objects compiled into the form every analysis reads: defaults
//! applied (policyTypes, protocol), selectors compiled, ipBlocks as address sets.
//! A policy the API server would reject is reported and left out, because it
//! would never exist in a cluster.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::Protocol;
use super::ip::{IpRange, RangeSet, parse_cidr};
use super::selector::Selector;
use crate::diagnostic::{Area, Diagnostic, FieldError, Severity};
use crate::model::{Inventory, Loaded};
use crate::source::Origin;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    pub fn field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    pub fn peers_field(self) -> &'static str {
        match self {
            Direction::Ingress => "from",
            Direction::Egress => "to",
        }
    }
}

/// Which namespaces a pod peer looks in.
#[derive(Clone, Debug, PartialEq)]
pub enum NamespaceScope {
    /// No namespaceSelector: the policy's own namespace (netpol.md §13).
    Own,
    Selector(Selector),
}

#[derive(Clone, Debug, PartialEq)]
pub enum PeerKind {
    /// podSelector and/or namespaceSelector, ANDed (netpol.md §15); a missing podSelector is `{}`.
    Pods { namespaces: NamespaceScope, pods: Selector },
    /// `cidr` minus `except` (netpol.md §20).
    IpBlock { cidr: String, addresses: RangeSet },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Peer {
    pub index: usize,
    pub kind: PeerKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortSpec {
    /// `port` omitted: every port of the protocol (netpol.md §26).
    Any,
    /// `port`, or `port`..=`endPort` (netpol.md §30).
    Range(u16, u16),
    /// Resolved on the destination pod (netpol.md §28).
    Named(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortEntry {
    pub index: usize,
    pub protocol: Protocol,
    pub spec: PortSpec,
}

impl PortEntry {
    /// Whether the entry matches regardless of the destination (names aside).
    pub fn matches_number(&self, port: u16, protocol: Protocol) -> bool {
        self.protocol == protocol
            && match &self.spec {
                PortSpec::Any => true,
                PortSpec::Range(lo, hi) => *lo <= port && port <= *hi,
                PortSpec::Named(_) => false,
            }
    }

    pub fn describe(&self) -> String {
        match &self.spec {
            PortSpec::Any => format!("any {} port", self.protocol),
            PortSpec::Range(lo, hi) if lo == hi => format!("{}/{}", lo, self.protocol),
            PortSpec::Range(lo, hi) => format!("{lo}-{hi}/{}", self.protocol),
            PortSpec::Named(name) => format!("named port `{name}`/{}", self.protocol),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Rule {
    pub index: usize,
    /// `None`: `from`/`to` empty or omitted, every source or destination including
    /// outside the cluster (netpol.md §10).
    pub peers: Option<Vec<Peer>>,
    /// `None`: `ports` empty or omitted, every port and protocol.
    pub ports: Option<Vec<PortEntry>>,
}

/// How a rule's ports match a given destination port: not at all, for every
/// destination, or only for destinations whose named ports resolve to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortMatch<'a> {
    None,
    All,
    Named(Vec<(&'a str, Protocol)>),
}

impl Rule {
    pub fn port_match(&self, port: u16, protocol: Protocol) -> PortMatch<'_> {
        let Some(entries) = &self.ports else {
            return PortMatch::All;
        };
        let mut names = Vec::new();
        for entry in entries {
            if entry.matches_number(port, protocol) {
                return PortMatch::All;
            }
            if let PortSpec::Named(name) = &entry.spec
                && entry.protocol == protocol
            {
                names.push((name.as_str(), entry.protocol));
            }
        }
        if names.is_empty() { PortMatch::None } else { PortMatch::Named(names) }
    }

    /// A rule with neither peers nor ports: allows everything.
    pub fn allows_all(&self) -> bool {
        self.peers.is_none() && self.ports.is_none()
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Policy {
    /// Index into `Inventory::objects`.
    pub object: usize,
    pub namespace: String,
    pub name: String,
    pub selector: Selector,
    /// Rules of each direction the effective policyTypes include; `None` when the
    /// direction is not governed by this policy.
    pub ingress: Option<Vec<Rule>>,
    pub egress: Option<Vec<Rule>>,
    /// Whether `policyTypes` was written (rather than defaulted).
    pub explicit_types: bool,
    /// Where the policy was written, for locating explanations and findings.
    pub origin: Origin,
}

impl Policy {
    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }

    pub fn rules(&self, direction: Direction) -> Option<&Vec<Rule>> {
        match direction {
            Direction::Ingress => self.ingress.as_ref(),
            Direction::Egress => self.egress.as_ref(),
        }
    }

    /// The one definition of a default deny (netpol.md §43), after the "Default
    /// policies" of the upstream documentation: the policy selects every pod of its namespace and
    /// governs `direction` without a single rule, so by itself it allows nothing
    /// and only other policies' rules let traffic through. A namespace-wide policy
    /// with rules is not one: `ingress: [{}]` is the documented "allow all".
    pub fn is_default_deny(&self, direction: Direction) -> bool {
        self.selector.is_empty() && self.rules(direction).is_some_and(Vec::is_empty)
    }
}

/// Whether a namespace has a default deny ([`Policy::is_default_deny`]) for each direction.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DefaultDeny {
    pub ingress: bool,
    pub egress: bool,
}

/// Per namespace with at least one valid policy, its default denies; a namespace
/// missing from the map has none.
pub fn default_deny_by_namespace<'p>(policies: impl IntoIterator<Item = &'p Policy>) -> BTreeMap<&'p str, DefaultDeny> {
    let mut out: BTreeMap<&str, DefaultDeny> = BTreeMap::new();
    for policy in policies {
        let entry = out.entry(policy.namespace.as_str()).or_default();
        entry.ingress |= policy.is_default_deny(Direction::Ingress);
        entry.egress |= policy.is_default_deny(Direction::Egress);
    }
    out
}

/// Compiles every NetworkPolicy of the inventory; invalid ones become error
/// diagnostics (code `netpol-invalid`) and are left out.
pub fn compile(inventory: &Inventory) -> (Vec<Policy>, Vec<Diagnostic>) {
    let mut policies = Vec::new();
    let mut diagnostics = Vec::new();
    for (index, loaded) in inventory.objects.iter().enumerate() {
        match compile_object(index, loaded) {
            Some(Ok(policy)) => policies.push(policy),
            Some(Err(errors)) => diagnostics.extend(errors),
            None => {}
        }
    }
    (policies, diagnostics)
}

/// One object of the inventory (at `index`) as [`compile`] sees it: `None`
/// when it is no NetworkPolicy, its diagnostics when it is invalid.
pub(crate) fn compile_object(index: usize, loaded: &Loaded) -> Option<Result<Policy, Vec<Diagnostic>>> {
    let crate::model::Object::NetworkPolicy(policy) = &loaded.object else {
        return None;
    };
    let namespace = loaded.namespace().unwrap_or(crate::model::DEFAULT_NAMESPACE).to_owned();
    let mut errors: Vec<FieldError> = Vec::new();
    let compiled = compile_one(policy, index, namespace, loaded.name().to_owned(), &loaded.origin, &mut errors);
    if errors.is_empty() {
        return Some(Ok(compiled));
    }
    let diagnostics = errors
        .into_iter()
        .map(|error| {
            Diagnostic::at(
                Area::NetworkPolicy,
                &loaded.origin,
                &error.path,
                Severity::Error,
                "netpol-invalid",
                format!(
                    "NetworkPolicy {} is invalid: {}; kubeplay leaves the policy out",
                    crate::diagnostic::go_quote(loaded.name()),
                    error.message
                ),
            )
        })
        .collect();
    Some(Err(diagnostics))
}

/// A written rule: its peers (`from` or `to`) and its ports.
type RawRule<'a> = (Option<&'a Vec<NetworkPolicyPeer>>, Option<&'a Vec<NetworkPolicyPort>>);

fn compile_one(
    policy: &NetworkPolicy,
    object: usize,
    namespace: String,
    name: String,
    origin: &Origin,
    errors: &mut Vec<FieldError>,
) -> Policy {
    let default_spec = Default::default();
    let spec = policy.spec.as_ref().unwrap_or(&default_spec);
    let selector = match &spec.pod_selector {
        None => Selector::default(),
        Some(s) => Selector::compile(s).unwrap_or_else(|e| {
            errors.push(FieldError::new("spec.podSelector", e));
            Selector::default()
        }),
    };
    let written_types = spec.policy_types.clone().unwrap_or_default();
    let explicit_types = !written_types.is_empty();
    // defaults.go SetDefaults_NetworkPolicy: [Ingress], plus Egress only when
    // len(spec.egress) != 0 (netpol.md §4).
    let (has_ingress, has_egress) = if explicit_types {
        if written_types.len() > 2 {
            errors.push(FieldError::new("spec.policyTypes", "at most two policyTypes may be listed"));
        }
        for (i, t) in written_types.iter().enumerate() {
            if t != "Ingress" && t != "Egress" {
                errors.push(FieldError::new(
                    format!("spec.policyTypes[{i}]"),
                    format!("policyType `{t}` must be Ingress or Egress"),
                ));
            }
        }
        (written_types.iter().any(|t| t == "Ingress"), written_types.iter().any(|t| t == "Egress"))
    } else {
        (true, spec.egress.as_ref().is_some_and(|e| !e.is_empty()))
    };
    let mut compile_rules = |direction: Direction, rules: Vec<RawRule<'_>>| {
        rules
            .into_iter()
            .enumerate()
            .map(|(index, (peers, ports))| {
                let base = format!("spec.{}[{index}]", direction.field());
                Rule {
                    index,
                    peers: peers.filter(|p| !p.is_empty()).map(|peers| {
                        peers
                            .iter()
                            .enumerate()
                            .filter_map(|(i, peer)| {
                                compile_peer(peer, i, &format!("{base}.{}[{i}]", direction.peers_field()), errors)
                            })
                            .collect()
                    }),
                    ports: ports.filter(|p| !p.is_empty()).map(|ports| {
                        ports
                            .iter()
                            .enumerate()
                            .filter_map(|(i, port)| compile_port(port, i, &format!("{base}.ports[{i}]"), errors))
                            .collect()
                    }),
                }
            })
            .collect::<Vec<_>>()
    };
    let ingress_rules: Vec<_> = spec.ingress.iter().flatten().map(|r| (r.from.as_ref(), r.ports.as_ref())).collect();
    let egress_rules: Vec<_> = spec.egress.iter().flatten().map(|r| (r.to.as_ref(), r.ports.as_ref())).collect();
    // Ignored directions are still validated (the API server validates them too).
    let ingress = compile_rules(Direction::Ingress, ingress_rules);
    let egress = compile_rules(Direction::Egress, egress_rules);
    Policy {
        object,
        namespace,
        name,
        selector,
        ingress: has_ingress.then_some(ingress),
        egress: has_egress.then_some(egress),
        explicit_types,
        origin: origin.clone(),
    }
}

fn compile_peer(peer: &NetworkPolicyPeer, index: usize, path: &str, errors: &mut Vec<FieldError>) -> Option<Peer> {
    // validation.go ValidateNetworkPolicyPeer (netpol.md §12).
    // Messages are upstream's field errors (pkg/apis/networking/validation:
    // ValidateNetworkPolicyPeer, ValidateIPBlock, IsValidCIDRForLegacyField).
    use crate::validation::field;
    if let Some(block) = &peer.ip_block {
        if peer.pod_selector.is_some() || peer.namespace_selector.is_some() {
            errors.push(FieldError::new(path, field::forbidden(path, "may not specify both ipBlock and another peer")));
            return None;
        }
        let cidr_path = format!("{path}.ipBlock.cidr");
        if block.cidr.is_empty() {
            errors.push(FieldError::new(&cidr_path, field::required(&cidr_path, "")));
            return None;
        }
        let cidr = match parse_cidr(&block.cidr) {
            Ok(cidr) => cidr,
            Err(_) => {
                errors.push(FieldError::new(
                    &cidr_path,
                    field::invalid(&cidr_path, &field::quoted(&block.cidr), CIDR_INVALID),
                ));
                return None;
            }
        };
        let mut addresses = RangeSet::default();
        addresses.add(cidr);
        for (i, except) in block.except.iter().flatten().enumerate() {
            let except_path = format!("{path}.ipBlock.except[{i}]");
            let problem = match parse_cidr(except) {
                Ok(range) if is_strict_subset(&range, &cidr) => {
                    addresses.subtract(range);
                    continue;
                }
                Ok(_) => "must be a strict subset of `cidr`",
                Err(_) => CIDR_INVALID,
            };
            errors.push(FieldError::new(&except_path, field::invalid(&except_path, &field::quoted(except), problem)));
        }
        return Some(Peer { index, kind: PeerKind::IpBlock { cidr: block.cidr.clone(), addresses } });
    }
    if peer.pod_selector.is_none() && peer.namespace_selector.is_none() {
        errors.push(FieldError::new(path, field::required(path, "must specify a peer")));
        return None;
    }
    let mut compile_selector = |selector: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
                                field: &str| {
        selector.map(|s| {
            Selector::compile(s).unwrap_or_else(|e| {
                errors.push(FieldError::new(format!("{path}.{field}"), e));
                Selector::default()
            })
        })
    };
    let pods = compile_selector(peer.pod_selector.as_ref(), "podSelector").unwrap_or_default();
    let namespaces = match compile_selector(peer.namespace_selector.as_ref(), "namespaceSelector") {
        Some(selector) => NamespaceScope::Selector(selector),
        None => NamespaceScope::Own,
    };
    Some(Peer { index, kind: PeerKind::Pods { namespaces, pods } })
}

fn is_strict_subset(inner: &IpRange, outer: &IpRange) -> bool {
    inner.is_subset_of(outer) && inner != outer
}

/// `IsValidCIDRForLegacyField`'s message for a value that does not parse.
const CIDR_INVALID: &str = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

/// `ValidateNetworkPolicyPort`, every check and message as upstream has them
/// (pkg/apis/networking/validation/validation.go); a port with any error is left out.
fn compile_port(port: &NetworkPolicyPort, index: usize, path: &str, errors: &mut Vec<FieldError>) -> Option<PortEntry> {
    use crate::validation::field;
    let before = errors.len();
    let mut push = |field_path: String, message: String| errors.push(FieldError::new(field_path, message));
    // defaults.go SetDefaults_NetworkPolicyPort: protocol defaults to TCP (netpol.md §25).
    let protocol = match port.protocol.as_deref() {
        None | Some("TCP") => Protocol::TCP,
        Some("UDP") => Protocol::UDP,
        Some("SCTP") => Protocol::SCTP,
        Some(other) => {
            let protocol_path = format!("{path}.protocol");
            push(
                protocol_path.clone(),
                field::not_supported(&protocol_path, &field::quoted(other), &["TCP", "UDP", "SCTP"]),
            );
            Protocol::TCP
        }
    };
    let end_path = format!("{path}.endPort");
    let port_path = format!("{path}.port");
    let spec = match &port.port {
        None => {
            if let Some(end) = port.end_port {
                push(
                    end_path.clone(),
                    field::invalid(&end_path, &end.to_string(), "may not be specified when `port` is not specified"),
                );
            }
            PortSpec::Any
        }
        Some(IntOrString::Int(number)) => {
            for problem in field::port_num_problems(i64::from(*number)) {
                push(port_path.clone(), field::invalid(&port_path, &number.to_string(), &problem));
            }
            if let Some(end) = port.end_port {
                // Upstream prints the port, not endPort, as the value here.
                if end < *number {
                    push(
                        end_path.clone(),
                        field::invalid(&end_path, &number.to_string(), "must be greater than or equal to `port`"),
                    );
                }
                for problem in field::port_num_problems(i64::from(end)) {
                    push(end_path.clone(), field::invalid(&end_path, &end.to_string(), &problem));
                }
            }
            match (valid_port(*number), port.end_port.map(valid_port)) {
                (Some(lo), None) => PortSpec::Range(lo, lo),
                (Some(lo), Some(Some(hi))) => PortSpec::Range(lo, hi),
                _ => PortSpec::Any,
            }
        }
        Some(IntOrString::String(name)) => {
            if let Some(end) = port.end_port {
                push(
                    end_path.clone(),
                    field::invalid(&end_path, &end.to_string(), "may not be specified when `port` is non-numeric"),
                );
            }
            for problem in field::port_name_problems(name) {
                // A quoted number is a port name to the API server.
                let hint = if !name.is_empty() && name.bytes().all(|b| b.is_ascii_digit()) {
                    " (a quoted number is a port *name*: write it unquoted)"
                } else {
                    ""
                };
                push(
                    port_path.clone(),
                    format!("{}{hint}", field::invalid(&port_path, &field::quoted(name), &problem)),
                );
            }
            PortSpec::Named(name.clone())
        }
    };
    (errors.len() == before).then_some(PortEntry { index, protocol, spec })
}

fn valid_port(number: i32) -> Option<u16> {
    u16::try_from(number).ok().filter(|p| *p >= 1)
}
