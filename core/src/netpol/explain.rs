//! Explanations: for one (source, destination, port, protocol), the
//! verdict and both halves of it, down to the policy, rule, peer and port entry
//! and their lines. This evaluates the pair directly from the compiled policies,
//! without the class machinery, so tests can hold the two against each other.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::Protocol;
use super::endpoint::{Endpoint, EndpointRef};
use super::engine::Engine;
use super::ip::{CidrError, IpRange, RangeSet};
use super::policy::{Direction, NamespaceScope, Peer, PeerKind, Policy, PortSpec, Rule};
use super::selector::Op;
use crate::source::Location;

#[derive(Clone, Debug)]
pub struct ExplainQuery {
    pub from: EndpointRef,
    pub to: EndpointRef,
    pub port: u16,
    pub protocol: Protocol,
}

impl ExplainQuery {
    /// A query from ids as a person typed them or the page sent them; each must
    /// name an endpoint of the engine (or be an external address).
    pub fn parse(engine: &Engine, from: &str, to: &str, port: u16, protocol: Protocol) -> Result<Self, ExplainError> {
        Ok(ExplainQuery { from: parse_endpoint(engine, from)?, to: parse_endpoint(engine, to)?, port, protocol })
    }
}

/// Why a connection could not be explained.
#[derive(Clone, Debug, PartialEq)]
pub enum ExplainError {
    /// No pod or workload has this id (or the text is no id at all).
    UnknownEndpoint {
        id: String,
        /// The first few ids the engine knows, as a hint.
        known: Vec<String>,
    },
    /// An `external:` endpoint whose address is neither an IP address nor a CIDR.
    BadAddress(CidrError),
    /// No Service with a selector has this id.
    UnknownService { id: String, known: Vec<String> },
    /// The Service has no such port.
    UnknownServicePort {
        service: String,
        port: u16,
        protocol: Protocol,
        /// The ports it has, `80/TCP`.
        known: Vec<String>,
    },
    /// The Service selects no pods.
    NoBackends { service: String },
    /// A named targetPort that no backend has.
    TargetPortUnresolved { service: String, target: String },
}

impl fmt::Display for ExplainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExplainError::UnknownEndpoint { id, known } => write!(
                f,
                "no pod or workload `{id}` (ids look like `ns/name` for Pods, `ns/name[Deployment]` for workloads, `external:10.0.0.1`); known: {}",
                known.join(", ")
            ),
            ExplainError::BadAddress(error) => error.fmt(f),
            ExplainError::UnknownService { id, known } => {
                write!(f, "no Service `{id}` (known: {})", known.join(", "))
            }
            ExplainError::UnknownServicePort { service, port, protocol, known } => {
                write!(f, "Service {service} has no port {port}/{protocol} (it has {})", known.join(", "))
            }
            ExplainError::NoBackends { service } => {
                write!(f, "Service {service} selects no pods, so traffic to it goes nowhere")
            }
            ExplainError::TargetPortUnresolved { service, target } => write!(
                f,
                "targetPort `{target}` of Service {service} resolves on none of its pods (no container port with that name and protocol)"
            ),
        }
    }
}

impl std::error::Error for ExplainError {}

impl From<CidrError> for ExplainError {
    fn from(error: CidrError) -> Self {
        ExplainError::BadAddress(error)
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PolicyRef {
    /// `namespace/name` of the NetworkPolicy.
    pub policy: String,
    #[serde(serialize_with = "crate::render::contract::explanation")]
    #[cfg_attr(feature = "ts", ts(as = "crate::render::contract::shapes::ExplanationLocation"))]
    pub location: Location,
}

/// One rule that allowed the traffic: which peer and which port entry matched
/// (`None` when the rule has no peers, or no ports, and so matches all).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct RuleMatch {
    pub policy: String,
    pub rule: usize,
    pub peer: Option<usize>,
    pub port: Option<usize>,
    #[serde(serialize_with = "crate::render::contract::explanation")]
    #[cfg_attr(feature = "ts", ts(as = "crate::render::contract::shapes::ExplanationLocation"))]
    pub location: Location,
    pub text: String,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct SideExplanation {
    pub direction: Direction,
    /// The endpoint this side is about: the source for egress, the destination for ingress.
    pub endpoint: String,
    pub isolated: bool,
    pub allowed: bool,
    /// Policies that select the endpoint and govern this direction.
    pub policies: Vec<PolicyRef>,
    /// Rules that allow the connection.
    pub matches: Vec<RuleMatch>,
    pub text: String,
}

/// What decided a verdict.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum DecidedBy {
    /// A pod talking to itself: always allowed.
    Loopback,
    /// Traffic between a hostNetwork pod and its own node: always allowed.
    NodeTraffic,
    /// The NetworkPolicies on both sides.
    Policies,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Explanation {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: Protocol,
    pub allowed: bool,
    pub decided_by: DecidedBy,
    pub egress: SideExplanation,
    pub ingress: SideExplanation,
    pub summary: String,
    /// Where tools and CNIs disagree on something this verdict relied on.
    pub notes: Vec<String>,
}

pub(super) fn unknown_endpoint(engine: &Engine, id: String) -> ExplainError {
    ExplainError::UnknownEndpoint { id, known: engine.endpoints.iter().take(20).map(|e| e.id.clone()).collect() }
}

/// Reads an endpoint id (see [`EndpointRef`]) and checks that it names an
/// endpoint: the edge where ids typed by a person or sent by the page come in.
pub fn parse_endpoint(engine: &Engine, id: &str) -> Result<EndpointRef, ExplainError> {
    let reference: EndpointRef = id.parse().map_err(|_| unknown_endpoint(engine, id.to_owned()))?;
    resolve_endpoint(engine, &reference)?;
    Ok(reference)
}

/// The endpoint a reference names: one of the engine's, or an external one.
pub fn resolve_endpoint(engine: &Engine, reference: &EndpointRef) -> Result<Endpoint, ExplainError> {
    match reference.range() {
        Some(range) => Ok(Endpoint::external(reference.clone(), range?)),
        None => engine
            .endpoints
            .iter()
            .find(|e| e.reference == *reference)
            .cloned()
            .ok_or_else(|| unknown_endpoint(engine, reference.to_string())),
    }
}

pub fn explain(engine: &Engine, query: &ExplainQuery) -> Result<Explanation, ExplainError> {
    let from = resolve_endpoint(engine, &query.from)?;
    let to = resolve_endpoint(engine, &query.to)?;
    Ok(explain_endpoints(engine, &from, &to, query.port, query.protocol))
}

pub fn explain_endpoints(
    engine: &Engine,
    from: &Endpoint,
    to: &Endpoint,
    port: u16,
    protocol: Protocol,
) -> Explanation {
    let mut notes = Vec::new();
    let egress = side(engine, Direction::Egress, from, to, port, protocol, &mut notes);
    let ingress = side(engine, Direction::Ingress, to, from, port, protocol, &mut notes);
    let what = format!("{} → {} on {port}/{protocol}", from.id, to.id);
    let (allowed, decided_by, summary) = if from.reference == to.reference {
        notes.push(
            "Loopback: a pod can always reach itself (docs/semantics/netpol.md §34; whether a pod may block its own IP is undefined upstream, kubernetes#95879)."
                .to_owned(),
        );
        (true, DecidedBy::Loopback, format!("ALLOWED: {what}. A pod can always talk to itself; policies do not apply."))
    } else if !from.is_external() && !to.is_external() && engine.is_node_traffic(from, to) {
        notes.push(
            "hostNetwork: most CNIs treat a hostNetwork pod's traffic as node traffic, which is always allowed to and from pods on that node (docs/semantics/netpol.md §24, §35); behaviour is officially undefined."
                .to_owned(),
        );
        (
            true,
            DecidedBy::NodeTraffic,
            format!(
                "ALLOWED: {what}. One side uses the host network on the same node, and traffic between a pod and its own node is always allowed."
            ),
        )
    } else {
        let allowed = egress.allowed && ingress.allowed;
        let verdict = if allowed { "ALLOWED" } else { "DENIED" };
        let why = match (egress.allowed, ingress.allowed) {
            (true, true) => "both the source may send it and the destination may receive it".to_owned(),
            (false, true) => format!("{} may not send it (egress), even though {} would accept it", from.id, to.id),
            (true, false) => format!("{} does not accept it (ingress)", to.id),
            (false, false) => "neither the source's egress nor the destination's ingress allows it".to_owned(),
        };
        (allowed, DecidedBy::Policies, format!("{verdict}: {what}, because {why}. {} {}", egress.text, ingress.text))
    };
    notes.sort();
    notes.dedup();
    Explanation {
        from: from.id.clone(),
        to: to.id.clone(),
        port,
        protocol,
        allowed,
        decided_by,
        egress,
        ingress,
        summary,
        notes,
    }
}

/// Whether `policy` selects `endpoint` (netpol.md §2, §3, §35).
pub fn selects(policy: &Policy, endpoint: &Endpoint) -> bool {
    !endpoint.is_external()
        && !endpoint.host_network
        && policy.namespace == endpoint.namespace
        && policy.selector.matches(&endpoint.labels)
}

fn namespace_labels<'e>(engine: &'e Engine, name: &str) -> Option<&'e BTreeMap<String, String>> {
    engine.namespaces.iter().find(|n| n.name == name).map(|n| &n.labels)
}

/// Whether a peer matches an in-cluster endpoint (netpol.md §13–16, §22, §35).
pub fn peer_matches(engine: &Engine, policy: &Policy, peer: &Peer, endpoint: &Endpoint) -> bool {
    if endpoint.is_external() {
        return false;
    }
    match &peer.kind {
        PeerKind::Pods { namespaces, pods } => {
            if endpoint.host_network {
                return false;
            }
            let namespace_ok = match namespaces {
                NamespaceScope::Own => endpoint.namespace == policy.namespace,
                NamespaceScope::Selector(selector) => {
                    namespace_labels(engine, &endpoint.namespace).is_some_and(|labels| selector.matches(labels))
                }
            };
            namespace_ok && pods.matches(&endpoint.labels)
        }
        PeerKind::IpBlock { addresses, .. } => {
            (engine.options.ip_block_matches_pod_ips || endpoint.host_network)
                && endpoint.ips.iter().any(|a| addresses.contains(*a))
        }
    }
}

/// Which port entry of a rule matches (`Some(None)`: the rule has no ports).
/// Named ports resolve on the destination (netpol.md §28).
fn matching_port(rule: &Rule, destination: &Endpoint, port: u16, protocol: Protocol) -> Option<Option<usize>> {
    let Some(entries) = &rule.ports else {
        return Some(None);
    };
    entries
        .iter()
        .find(|entry| match &entry.spec {
            PortSpec::Named(name) => entry.protocol == protocol && destination.has_named_port(name, protocol, port),
            _ => entry.matches_number(port, protocol),
        })
        .map(|entry| Some(entry.index))
}

/// One side: `subject` is the endpoint whose policies apply (the source for
/// egress, the destination for ingress); `other` is the far end.
fn side(
    engine: &Engine,
    direction: Direction,
    subject: &Endpoint,
    other: &Endpoint,
    port: u16,
    protocol: Protocol,
    notes: &mut Vec<String>,
) -> SideExplanation {
    let destination = if direction == Direction::Egress { other } else { subject };
    let word = direction.field();
    let mut policies = Vec::new();
    let mut matches = Vec::new();
    // For an external far end, ipBlocks of all matching rules together must cover it.
    let mut external_union = RangeSet::default();
    let mut external_all = false;
    for policy in &engine.policies {
        let Some(rules) = policy.rules(direction) else {
            continue;
        };
        if !selects(policy, subject) {
            continue;
        }
        policies.push(PolicyRef { policy: policy.id(), location: policy.origin.location("metadata.name") });
        for rule in rules {
            let Some(port_index) = matching_port(rule, destination, port, protocol) else {
                continue;
            };
            let rule_path = format!("spec.{word}[{}]", rule.index);
            let port_text = match port_index.and_then(|i| rule.ports.as_ref()?.iter().find(|e| e.index == i)) {
                Some(entry) => {
                    if let PortSpec::Named(name) = &entry.spec {
                        notes.push(format!(
                            "Named port `{name}` was resolved on the destination {} to {port}/{protocol} (docs/semantics/netpol.md §28).",
                            destination.id
                        ));
                    }
                    if let PortSpec::Range(lo, hi) = entry.spec
                        && lo != hi
                    {
                        notes.push(
                            "endPort: a CNI without endPort support enforces only `port` (docs/semantics/netpol.md §30).".to_owned(),
                        );
                    }
                    format!("port entry {} ({})", entry.index, entry.describe())
                }
                None => "any port (the rule lists no ports)".to_owned(),
            };
            let Some(peers) = &rule.peers else {
                external_all = true;
                matches.push(RuleMatch {
                    policy: policy.id(),
                    rule: rule.index,
                    peer: None,
                    port: port_index,
                    location: policy.origin.location(&rule_path),
                    text: format!(
                        "{word} rule {} of {} has no `{}` list, so it matches everyone (in and outside the cluster), on {port_text}",
                        rule.index,
                        policy.id(),
                        direction.peers_field()
                    ),
                });
                continue;
            };
            for peer in peers {
                let peer_path = format!("{rule_path}.{}[{}]", direction.peers_field(), peer.index);
                let (matched, what) = if let Some(range) = other.range {
                    match &peer.kind {
                        PeerKind::IpBlock { cidr, addresses } => {
                            let overlaps = addresses.ranges().iter().any(|r| overlap(r, &range));
                            if overlaps {
                                external_union.union_with(addresses);
                            }
                            (overlaps, format!("ipBlock {cidr}"))
                        }
                        PeerKind::Pods { .. } => (false, String::new()),
                    }
                } else {
                    let matched = peer_matches(engine, policy, peer, other);
                    if matched {
                        note_peer(peer, other, notes);
                    }
                    (matched, describe_peer(policy, peer))
                };
                if matched {
                    matches.push(RuleMatch {
                        policy: policy.id(),
                        rule: rule.index,
                        peer: Some(peer.index),
                        port: port_index,
                        location: policy.origin.location(&peer_path),
                        text: format!(
                            "{word} rule {}, peer {} ({what}) of {} matches {}, on {port_text}",
                            rule.index,
                            peer.index,
                            policy.id(),
                            other.id
                        ),
                    });
                }
            }
        }
    }
    let isolated = !policies.is_empty();
    let allowed = if !isolated {
        true
    } else if let Some(range) = other.range {
        external_all || external_union.covers(&range)
    } else {
        !matches.is_empty()
    };
    let names: Vec<String> =
        policies.iter().map(|p| format!("{} ({}:{})", p.policy, p.location.file, p.location.span.line)).collect();
    let (sends, role) = if direction == Direction::Egress { ("send", "outgoing") } else { ("receive", "incoming") };
    let text = if subject.is_external() {
        format!("{} is outside the cluster; policies do not restrict its {role} traffic.", subject.id)
    } else if subject.host_network && !isolated {
        format!("{} uses the host network, which policies do not isolate (docs/semantics/netpol.md §35).", subject.id)
    } else if !isolated {
        format!(
            "{word}: no NetworkPolicy with {} in its policyTypes selects {}, so it may {sends} anything.",
            if direction == Direction::Egress { "Egress" } else { "Ingress" },
            subject.id
        )
    } else if allowed {
        let how: Vec<&str> = matches.iter().map(|m| m.text.as_str()).collect();
        format!("{word}: {} is isolated by {}; allowed because {}.", subject.id, names.join(", "), how.join("; "))
    } else if other.is_external() && !matches.is_empty() {
        format!(
            "{word}: {} is isolated by {}; some ipBlocks overlap {} but together they do not cover all of it, so it is not allowed.",
            subject.id,
            names.join(", "),
            other.id
        )
    } else {
        format!(
            "{word}: {} is isolated by {}, and none of their {word} rules matches {} on {port}/{protocol}, so it is dropped (policies only add allowances; nothing else allows it).",
            subject.id,
            names.join(", "),
            other.id
        )
    };
    SideExplanation { direction, endpoint: subject.id.clone(), isolated, allowed, policies, matches, text }
}

fn overlap(a: &IpRange, b: &IpRange) -> bool {
    a.v6 == b.v6 && a.lo <= b.hi && b.lo <= a.hi
}

fn describe_peer(policy: &Policy, peer: &Peer) -> String {
    match &peer.kind {
        PeerKind::IpBlock { cidr, .. } => format!("ipBlock {cidr}"),
        PeerKind::Pods { namespaces, pods } => {
            let ns = match namespaces {
                NamespaceScope::Own => format!("in namespace {}", policy.namespace),
                NamespaceScope::Selector(s) => format!("in namespaces matching {}", s.describe()),
            };
            format!("pods matching {} {ns}", pods.describe())
        }
    }
}

fn note_peer(peer: &Peer, matched: &Endpoint, notes: &mut Vec<String>) {
    match &peer.kind {
        PeerKind::IpBlock { .. } => notes.push(format!(
            "ipBlock matched the pod IP of {}: upstream e2e expects this, but Cilium and np-guard never match pod IPs with ipBlock (docs/semantics/netpol.md §22; option ip_block_matches_pod_ips).",
            matched.id
        )),
        PeerKind::Pods { pods, .. } => {
            for r in &pods.requirements {
                if matches!(r.op, Op::NotIn(_)) && !matched.labels.contains_key(&r.key) {
                    notes.push(format!(
                        "NotIn on `{}` matched {} although it lacks the key, as Kubernetes does; cyclonus would not match it (docs/semantics/netpol.md §18).",
                        r.key, matched.id
                    ));
                }
            }
        }
    }
}
