//! A plain, pair-by-pair NetworkPolicy evaluator: the ground truth the fast
//! engine in `kubeplay_core::netpol` is checked against.
//!
//! Written directly from `docs/semantics/netpol.md` (cited below as
//! `netpol.md §N`). It shares no code with the engine and optimises nothing:
//! for every (source, destination) pair it walks every policy, rule, peer and
//! port entry. Keep it that way — its value is that it is obviously right.

use std::collections::BTreeMap;
use std::net::IpAddr;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::api::networking::v1::{IPBlock, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use kubeplay_core::model::{Inventory, NAMESPACE_NAME_LABEL, Object};

/// The same shape as the engine's `Probe`; `serde_json::to_string` gives the
/// `kubeplay probe` JSON contract, keys in contract order.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RefProbe {
    pub port: u16,
    pub protocol: String,
    /// Sorted ids: `ns/name` for Pods, `ns/name[Kind]` for workloads,
    /// `external:<arg>` for each external peer.
    pub pods: Vec<String>,
    /// `allowed[i][j]`: `pods[i]` may open a connection to `pods[j]`.
    pub allowed: Vec<Vec<bool>>,
}

/// Why a probe cannot be evaluated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RefError {
    /// Only TCP, UDP and SCTP exist (netpol.md §25, case-sensitive).
    Protocol(String),
    /// An `--external` argument that is neither an IP nor a CIDR.
    External(String),
}

impl std::fmt::Display for RefError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RefError::Protocol(p) => {
                write!(f, "unknown protocol {p:?} (expected TCP, UDP or SCTP)")
            }
            RefError::External(e) => {
                write!(f, "external peer {e:?} is neither an IP address nor a CIDR")
            }
        }
    }
}

/// A closed range of addresses of one family. IPv4 and IPv6 never mix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Range {
    v6: bool,
    first: u128,
    last: u128,
}

/// One endpoint of the matrix.
#[derive(Clone, Debug)]
enum Endpoint {
    Pod(PodView),
    External { id: String, range: Range },
}

/// What policy evaluation needs to know about a pod (or a workload's representative pod).
#[derive(Clone, Debug)]
struct PodView {
    id: String,
    namespace: String,
    labels: BTreeMap<String, String>,
    /// (name, protocol, number) of every container port (netpol.md §28, §32).
    named_ports: Vec<(String, String, i32)>,
    /// `status.podIP` and `status.podIPs` (netpol.md §22); workloads have none.
    ips: Vec<Range>,
    host_network: bool,
    node_name: Option<String>,
}

impl Endpoint {
    fn id(&self) -> &str {
        match self {
            Endpoint::Pod(p) => &p.id,
            Endpoint::External { id, .. } => id,
        }
    }
}

/// Evaluates who may open a connection to whom on `port`/`protocol`.
pub fn ref_probe(inventory: &Inventory, port: u16, protocol: &str, externals: &[String]) -> Result<RefProbe, RefError> {
    if !matches!(protocol, "TCP" | "UDP" | "SCTP") {
        return Err(RefError::Protocol(protocol.to_owned()));
    }
    let mut endpoints: Vec<Endpoint> = pods_of(inventory).into_iter().map(Endpoint::Pod).collect();
    for external in externals {
        let range = parse_ip_or_cidr(external).ok_or_else(|| RefError::External(external.clone()))?;
        endpoints.push(Endpoint::External { id: format!("external:{external}"), range });
    }
    endpoints.sort_by(|a, b| a.id().cmp(b.id()));
    endpoints.dedup_by(|a, b| a.id() == b.id());
    let policies: Vec<&NetworkPolicy> = inventory.network_policies().map(|(_, p)| p).collect();
    let allowed = endpoints
        .iter()
        .map(|from| {
            endpoints.iter().map(|to| connection_allowed(inventory, &policies, from, to, port, protocol)).collect()
        })
        .collect();
    Ok(RefProbe {
        port,
        protocol: protocol.to_owned(),
        pods: endpoints.iter().map(|e| e.id().to_owned()).collect(),
        allowed,
    })
}

/// The closure shape the conformance runner takes (see `netpol_cases`).
pub fn ref_evaluator(
    inventory: &Inventory,
    port: u16,
    protocol: &str,
    externals: &[String],
) -> (Vec<String>, Vec<Vec<bool>>) {
    match ref_probe(inventory, port, protocol, externals) {
        Ok(probe) => (probe.pods, probe.allowed),
        Err(error) => panic!("reference evaluator: {error}"),
    }
}

/// One representative pod per Pod and per workload (netpol.md §39); pods in phase
/// Succeeded or Failed take no part (netpol.md §36).
fn pods_of(inventory: &Inventory) -> Vec<PodView> {
    let mut pods = Vec::new();
    for loaded in &inventory.objects {
        let Some(workload) = loaded.workload() else {
            continue;
        };
        let mut ips = Vec::new();
        if let Object::Pod(pod) = &loaded.object {
            let status = pod.status.as_ref();
            if status.and_then(|s| s.phase.as_deref()).is_some_and(|p| p == "Succeeded" || p == "Failed") {
                continue;
            }
            let pod_ip = status.and_then(|s| s.pod_ip.as_deref());
            let pod_ips = status.and_then(|s| s.pod_ips.as_ref()).into_iter().flatten().map(|p| p.ip.as_str());
            for ip in pod_ip.into_iter().chain(pod_ips) {
                if let Some(range) = parse_ip(ip)
                    && !ips.contains(&range)
                {
                    ips.push(range);
                }
            }
        }
        let template = workload.template.as_ref();
        let labels = template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
        let spec = template.spec.as_ref();
        pods.push(PodView {
            id: loaded.id(),
            namespace: workload.namespace.to_owned(),
            labels,
            named_ports: spec.map(named_ports).unwrap_or_default(),
            ips,
            host_network: spec.and_then(|s| s.host_network).unwrap_or(false),
            node_name: spec.and_then(|s| s.node_name.clone()).filter(|n| !n.is_empty()),
        });
    }
    pods
}

/// Named container ports of the app containers and of native sidecars
/// (init containers with `restartPolicy: Always`), netpol.md §32.
fn named_ports(spec: &PodSpec) -> Vec<(String, String, i32)> {
    let sidecars = spec.init_containers.iter().flatten().filter(|c| c.restart_policy.as_deref() == Some("Always"));
    spec.containers
        .iter()
        .chain(sidecars)
        .flat_map(|c| c.ports.iter().flatten())
        .filter_map(|p| {
            let name = p.name.clone()?;
            // ContainerPort.protocol defaults to TCP (core/v1 defaults.go).
            Some((name, p.protocol.clone().unwrap_or_else(|| "TCP".to_owned()), p.container_port))
        })
        .collect()
}

fn connection_allowed(
    inventory: &Inventory,
    policies: &[&NetworkPolicy],
    from: &Endpoint,
    to: &Endpoint,
    port: u16,
    protocol: &str,
) -> bool {
    // Loopback is always allowed (netpol.md §34, convention).
    if from.id() == to.id() {
        return true;
    }
    match (from, to) {
        // Two externals: no policy applies to either (contract).
        (Endpoint::External { .. }, Endpoint::External { .. }) => true,
        // Traffic between a pod and a hostNetwork pod on its node is node traffic (netpol.md §24, §35).
        (Endpoint::Pod(a), Endpoint::Pod(b)) if (a.host_network || b.host_network) && same_node(a, b) => true,
        _ => {
            direction_allows(inventory, policies, Direction::Egress, from, to, port, protocol)
                && direction_allows(inventory, policies, Direction::Ingress, from, to, port, protocol)
        }
    }
}

fn same_node(a: &PodView, b: &PodView) -> bool {
    a.node_name.is_some() && a.node_name == b.node_name
}

/// One rule of an applying policy: the policy's namespace, its peers
/// (`from`/`to`) and its ports.
type Rule<'a> = (String, Option<&'a Vec<NetworkPolicyPeer>>, Option<&'a Vec<NetworkPolicyPort>>);

#[derive(Clone, Copy, PartialEq, Eq)]
enum Direction {
    Ingress,
    Egress,
}

/// Both sides of a connection must agree (netpol.md §8). For `Egress` the policies
/// of `from` are consulted and peers are matched against `to`; for `Ingress` the
/// other way round. Named ports always resolve on `to` (netpol.md §28).
fn direction_allows(
    inventory: &Inventory,
    policies: &[&NetworkPolicy],
    direction: Direction,
    from: &Endpoint,
    to: &Endpoint,
    port: u16,
    protocol: &str,
) -> bool {
    let (subject, peer) = match direction {
        Direction::Egress => (from, to),
        Direction::Ingress => (to, from),
    };
    // Externals are never isolated (contract); hostNetwork pods never either (netpol.md §35).
    let Endpoint::Pod(subject) = subject else {
        return true;
    };
    if subject.host_network {
        return true;
    }
    let applying: Vec<&NetworkPolicy> =
        policies.iter().copied().filter(|p| selects(p, subject) && effective_types(p).contains(&direction)).collect();
    // netpol.md §1: a pod no policy selects for this direction is not isolated.
    if applying.is_empty() {
        return true;
    }
    // The rules of every applying policy, each with its policy's namespace: a
    // union (netpol.md §7, §11). Each rule pairs its own peers with its own ports.
    let mut rules: Vec<Rule<'_>> = Vec::new();
    for policy in &applying {
        let Some(spec) = policy.spec.as_ref() else {
            continue;
        };
        let namespace = policy.metadata.namespace.clone().unwrap_or_else(|| "default".to_owned());
        match direction {
            Direction::Ingress => rules
                .extend(spec.ingress.iter().flatten().map(|r| (namespace.clone(), r.from.as_ref(), r.ports.as_ref()))),
            Direction::Egress => {
                rules.extend(spec.egress.iter().flatten().map(|r| (namespace.clone(), r.to.as_ref(), r.ports.as_ref())))
            }
        }
    }
    match peer {
        Endpoint::Pod(peer_pod) => rules.iter().any(|(namespace, peers, ports)| {
            ports_match(*ports, to, port, protocol) && peers_match_pod(inventory, *peers, namespace, peer_pod)
        }),
        Endpoint::External { range, .. } => {
            // The external CIDR is allowed only if every address in it is covered by
            // the union of the matching rules' address sets (contract, convention).
            let covered: Vec<Range> = rules
                .iter()
                .filter(|(_, _, ports)| ports_match(*ports, to, port, protocol))
                .flat_map(|(_, peers, _)| peer_addresses(*peers))
                .collect();
            covers(&covered, *range)
        }
    }
}

/// netpol.md §4, §5: explicit policyTypes win; otherwise Ingress, plus Egress only when
/// egress rules exist.
fn effective_types(policy: &NetworkPolicy) -> Vec<Direction> {
    let spec = policy.spec.as_ref();
    let explicit = spec.and_then(|s| s.policy_types.as_ref()).filter(|t| !t.is_empty());
    match explicit {
        Some(types) => types
            .iter()
            .filter_map(|t| match t.as_str() {
                "Ingress" => Some(Direction::Ingress),
                "Egress" => Some(Direction::Egress),
                _ => None,
            })
            .collect(),
        None => {
            let mut types = vec![Direction::Ingress];
            if spec.and_then(|s| s.egress.as_ref()).is_some_and(|e| !e.is_empty()) {
                types.push(Direction::Egress);
            }
            types
        }
    }
}

/// netpol.md §2, §3: same namespace, and the pod selector (absent = empty = all) matches.
/// Selectors never match hostNetwork pods (netpol.md §35).
fn selects(policy: &NetworkPolicy, pod: &PodView) -> bool {
    let namespace = policy.metadata.namespace.as_deref().unwrap_or("default");
    if namespace != pod.namespace || pod.host_network {
        return false;
    }
    match policy.spec.as_ref().and_then(|s| s.pod_selector.as_ref()) {
        None => true,
        Some(selector) => selector_matches(selector, &pod.labels),
    }
}

/// netpol.md §10: an absent or empty peer list matches everything; otherwise any peer (netpol.md §11).
fn peers_match_pod(
    inventory: &Inventory,
    peers: Option<&Vec<NetworkPolicyPeer>>,
    policy_namespace: &str,
    pod: &PodView,
) -> bool {
    match peers {
        None => true,
        Some(peers) if peers.is_empty() => true,
        Some(peers) => peers.iter().any(|peer| peer_matches_pod(inventory, peer, policy_namespace, pod)),
    }
}

fn peer_matches_pod(inventory: &Inventory, peer: &NetworkPolicyPeer, policy_namespace: &str, pod: &PodView) -> bool {
    if let Some(block) = &peer.ip_block {
        // netpol.md §22: ipBlock matches the pod's own IPs; a pod without one never matches.
        let set = ip_block_addresses(block);
        return pod.ips.iter().any(|ip| covers(&set, *ip));
    }
    if peer.pod_selector.is_none() && peer.namespace_selector.is_none() {
        // `{}` is rejected by validation (netpol.md §12); it matches nothing here.
        return false;
    }
    if pod.host_network {
        return false; // netpol.md §35
    }
    let namespace_ok = match &peer.namespace_selector {
        // netpol.md §13: podSelector alone means the policy's namespace.
        None => pod.namespace == policy_namespace,
        // netpol.md §14, §16: select namespaces by their labels (always incl. the name label).
        Some(selector) => {
            let labels = inventory
                .namespace(&pod.namespace)
                .map(|n| n.labels.clone())
                .unwrap_or_else(|| BTreeMap::from([(NAMESPACE_NAME_LABEL.to_owned(), pod.namespace.clone())]));
            selector_matches(selector, &labels)
        }
    };
    // netpol.md §15: both selectors in one peer are ANDed.
    namespace_ok && peer.pod_selector.as_ref().is_none_or(|s| selector_matches(s, &pod.labels))
}

/// The addresses a peer list admits from outside the cluster: everything for an
/// absent or empty list (netpol.md §10), `cidr − except` for ipBlock peers, nothing
/// for selector peers (netpol.md §14).
fn peer_addresses(peers: Option<&Vec<NetworkPolicyPeer>>) -> Vec<Range> {
    match peers {
        None => everything(),
        Some(peers) if peers.is_empty() => everything(),
        Some(peers) => peers.iter().filter_map(|p| p.ip_block.as_ref()).flat_map(ip_block_addresses).collect(),
    }
}

fn everything() -> Vec<Range> {
    vec![Range { v6: false, first: 0, last: u32::MAX as u128 }, Range { v6: true, first: 0, last: u128::MAX }]
}

/// netpol.md §20, §21: `cidr` minus its own `except` entries. An unparsable CIDR admits nothing.
fn ip_block_addresses(block: &IPBlock) -> Vec<Range> {
    let Some(cidr) = parse_cidr(&block.cidr) else {
        return Vec::new();
    };
    let mut set = vec![cidr];
    for except in block.except.iter().flatten() {
        if let Some(hole) = parse_cidr(except) {
            set = set.into_iter().flat_map(|r| subtract(r, hole)).collect();
        }
    }
    set
}

fn subtract(range: Range, hole: Range) -> Vec<Range> {
    if range.v6 != hole.v6 || hole.last < range.first || hole.first > range.last {
        return vec![range];
    }
    let mut out = Vec::new();
    if hole.first > range.first {
        out.push(Range { last: hole.first - 1, ..range });
    }
    if hole.last < range.last {
        out.push(Range { first: hole.last + 1, ..range });
    }
    out
}

/// Whether the union of `set` contains every address of `target`.
fn covers(set: &[Range], target: Range) -> bool {
    let mut pieces: Vec<Range> = set.iter().copied().filter(|r| r.v6 == target.v6).collect();
    pieces.sort();
    let mut next = target.first; // first address not yet known to be covered
    for piece in pieces {
        if piece.first > next {
            return false;
        }
        if piece.last >= next {
            if piece.last >= target.last {
                return true;
            }
            next = piece.last + 1;
        }
    }
    false
}

/// netpol.md §25–30: an absent or empty list matches every port and protocol; an
/// entry matches when its protocol (default TCP) is the connection's and its
/// port (absent = all) is the number, the range `[port, endPort]`, or a name the
/// destination pod declares with that protocol and number.
fn ports_match(ports: Option<&Vec<NetworkPolicyPort>>, to: &Endpoint, port: u16, protocol: &str) -> bool {
    let Some(ports) = ports.filter(|p| !p.is_empty()) else {
        return true;
    };
    ports.iter().any(|entry| {
        if entry.protocol.as_deref().unwrap_or("TCP") != protocol {
            return false;
        }
        match &entry.port {
            None => true,
            Some(IntOrString::Int(number)) => match entry.end_port {
                Some(end) => *number <= i32::from(port) && i32::from(port) <= end,
                None => *number == i32::from(port),
            },
            Some(IntOrString::String(name)) => match to {
                Endpoint::Pod(pod) => pod
                    .named_ports
                    .iter()
                    .any(|(n, p, number)| n == name && p == protocol && *number == i32::from(port)),
                Endpoint::External { .. } => false,
            },
        }
    })
}

/// netpol.md §17, §18 (apimachinery `Requirement.Matches`): everything is ANDed; NotIn
/// and DoesNotExist match a missing key; an unknown operator matches nothing.
pub fn selector_matches(selector: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let labels_ok = selector.match_labels.iter().flatten().all(|(k, v)| labels.get(k) == Some(v));
    let expressions_ok = selector.match_expressions.iter().flatten().all(|e| {
        let value = labels.get(&e.key);
        let values = e.values.as_deref().unwrap_or_default();
        match e.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    labels_ok && expressions_ok
}

fn parse_ip(text: &str) -> Option<Range> {
    let ip: IpAddr = text.trim().parse().ok()?;
    let (v6, value) = match ip {
        IpAddr::V4(v4) => (false, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (true, u128::from(v6)),
    };
    Some(Range { v6, first: value, last: value })
}

/// `a.b.c.d/n` with host bits masked ("sloppy", netpol.md §20).
fn parse_cidr(text: &str) -> Option<Range> {
    let (address, bits) = text.trim().split_once('/')?;
    let base = parse_ip(address)?;
    let bits: u32 = bits.parse().ok()?;
    let width = if base.v6 { 128 } else { 32 };
    if bits > width {
        return None;
    }
    let host_bits = width - bits;
    let host_mask: u128 = if host_bits == 128 { u128::MAX } else { (1u128 << host_bits) - 1 };
    let first = base.first & !host_mask;
    Some(Range { v6: base.v6, first, last: first | host_mask })
}

fn parse_ip_or_cidr(text: &str) -> Option<Range> {
    if text.contains('/') { parse_cidr(text) } else { parse_ip(text) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probe_serialises_to_the_cli_json_contract() {
        let text = "apiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: x}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: x}\nspec: {podSelector: {matchLabels: {}}}\n";
        let loading = kubeplay_core::load(&[kubeplay_core::Input::new("t.yaml", text)]);
        let probe = ref_probe(&loading.inventory, 80, "TCP", &["203.0.113.0/24".to_owned()]).unwrap();
        assert_eq!(
            serde_json::to_string(&probe).unwrap(),
            r#"{"port":80,"protocol":"TCP","pods":["external:203.0.113.0/24","x/a","x/b"],"allowed":[[true,false,false],[true,true,false],[true,false,true]]}"#
        );
        assert_eq!(ref_probe(&loading.inventory, 80, "tcp", &[]), Err(RefError::Protocol("tcp".into())));
        assert!(matches!(ref_probe(&loading.inventory, 80, "TCP", &["nope".into()]), Err(RefError::External(_))));
    }

    #[test]
    fn cidr_parsing_masks_host_bits_and_covers_its_range() {
        let r = parse_cidr("10.1.2.3/8").unwrap();
        assert_eq!(r, Range { v6: false, first: 10 << 24, last: (10 << 24) | 0x00ff_ffff });
        assert!(parse_cidr("10.0.0.0/33").is_none());
        assert_eq!(parse_cidr("0.0.0.0/0").unwrap().last, u32::MAX as u128);
        assert_eq!(parse_cidr("::/0").unwrap().last, u128::MAX);
    }

    #[test]
    fn except_removes_only_its_hole_and_coverage_sees_the_gap() {
        let block = IPBlock { cidr: "10.0.0.0/24".into(), except: Some(vec!["10.0.0.128/25".into()]) };
        let set = ip_block_addresses(&block);
        assert!(covers(&set, parse_cidr("10.0.0.0/25").unwrap()));
        assert!(!covers(&set, parse_cidr("10.0.0.0/24").unwrap()));
        assert!(!covers(&set, parse_ip("10.0.0.200").unwrap()));
        // Two adjacent halves cover the whole.
        let halves = [parse_cidr("10.0.0.0/25").unwrap(), parse_cidr("10.0.0.128/25").unwrap()];
        assert!(covers(&halves, parse_cidr("10.0.0.0/24").unwrap()));
        // Families never mix.
        assert!(!covers(&everything()[..1], parse_ip("::1").unwrap()));
    }
}
