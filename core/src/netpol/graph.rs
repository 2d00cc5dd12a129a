//! The reachability graph: nodes are pods, workload
//! representatives and external peers (each ipBlock CIDR written in a policy,
//! plus `external:any` for an address no ipBlock names); an edge carries every
//! (protocol, port range) on which the source may open a connection to the
//! destination. Computed once per port atom at class level, then expanded.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, Reversed};
use serde::{Deserialize, Serialize};

use super::Protocol;
use super::endpoint::{EndpointRef, UNNAMED_RANGE};
use super::engine::Engine;
use super::ip::{IpRange, parse_cidr};
use super::policy::PeerKind;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GraphNode {
    pub id: String,
    /// `Pod`, `Deployment` (any workload kind), `Namespace` or `External`.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub kind: NodeKind,
    pub namespace: Option<String>,
    pub ingress_isolated: bool,
    pub egress_isolated: bool,
}

/// What a graph node stands for. Serialised as the name the graph JSON has
/// always carried: the object's kind (`Pod`, `Deployment`), `Namespace` for
/// every pod of a namespace drawn as one node, or `External`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum NodeKind {
    /// A Pod, or one representative pod of a workload.
    Object(crate::model::Kind),
    /// All pods of one namespace (the namespace graph).
    Namespace,
    /// Addresses outside the cluster.
    External,
}

impl NodeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Object(kind) => kind.as_str(),
            NodeKind::Namespace => "Namespace",
            NodeKind::External => "External",
        }
    }
}

impl std::fmt::Display for NodeKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for NodeKind {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for NodeKind {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        match name.as_str() {
            "External" => Ok(NodeKind::External),
            "Namespace" => Ok(NodeKind::Namespace),
            other => crate::model::Kind::from_name(other)
                .map(NodeKind::Object)
                .ok_or_else(|| serde::de::Error::custom(format!("unknown graph node kind `{other}`"))),
        }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PortRange {
    pub protocol: Protocol,
    pub first: u16,
    pub last: u16,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GraphEdge {
    pub from: String,
    pub to: String,
    /// Merged, sorted allowed ranges; every port of all three protocols when `all`.
    pub connections: Vec<PortRange>,
    pub all: bool,
}

impl GraphEdge {
    /// Whether the source may open a connection on this destination port and protocol.
    pub fn carries(&self, port: u16, protocol: Protocol) -> bool {
        self.all || self.connections.iter().any(|c| c.protocol == protocol && c.first <= port && port <= c.last)
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

enum Node {
    Cluster(usize),
    /// A namespace standing for its endpoints ([`build_by_namespace`]).
    Namespace,
    External(IpRange),
    AnyExternal,
}

/// A range no ipBlock covers: only peer-less rules allow it.
const UNNAMED: IpRange = UNNAMED_RANGE;

/// Past this many pod-level edges [`build`] refuses: the list would be quadratic
/// in the pods (10 000 unisolated pods are 10⁸ edges) and no picture of it is
/// readable. [`build_by_namespace`] answers at any size.
pub const MAX_EDGES: u64 = 1_000_000;

/// The pod-level graph would have more than [`MAX_EDGES`] edges.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooLarge {
    /// How many edges it would have (between cluster endpoints, before external peers).
    pub edges: u64,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the pod-level graph would have {} edges (more than {MAX_EDGES}); group it by namespace instead",
            self.edges
        )
    }
}

/// The external nodes: each ipBlock CIDR any policy names, then `external:any`.
fn external_nodes(engine: &Engine) -> Vec<(GraphNode, Node)> {
    let mut cidrs: BTreeSet<String> = BTreeSet::new();
    for policy in &engine.policies {
        for rule in policy.ingress.iter().chain(policy.egress.iter()).flatten() {
            for peer in rule.peers.iter().flatten() {
                if let PeerKind::IpBlock { cidr, .. } = &peer.kind {
                    cidrs.insert(cidr.clone());
                }
            }
        }
    }
    let external = |reference: EndpointRef| GraphNode {
        id: reference.to_string(),
        kind: NodeKind::External,
        namespace: None,
        ingress_isolated: false,
        egress_isolated: false,
    };
    let mut nodes: Vec<(GraphNode, Node)> = cidrs
        .into_iter()
        .filter_map(|cidr| {
            let range = parse_cidr(&cidr).ok()?;
            Some((external(EndpointRef::External(cidr)), Node::External(range)))
        })
        .collect();
    nodes.push((external(EndpointRef::AnyExternal), Node::AnyExternal));
    nodes
}

/// Class × class verdicts of one port view, row-major.
fn class_matrix(engine: &Engine, view: &super::engine::PortView) -> Vec<bool> {
    let classes = engine.class_count();
    let mut allowed = vec![false; classes * classes];
    for s in 0..classes {
        for d in 0..classes {
            if let Some(slot) = allowed.get_mut(s * classes + d) {
                *slot = engine.class_allowed(view, s as u32, d as u32);
            }
        }
    }
    allowed
}

/// How many endpoint → endpoint edges the pod-level graph has: pairs of distinct
/// endpoints allowed on at least one port. Counted at class level, so it costs
/// classes², not pods².
pub fn pod_edge_count(engine: &Engine) -> u64 {
    let classes = engine.class_count();
    let mut any = vec![false; classes * classes];
    for (protocol, first, _) in engine.atoms() {
        let view = engine.view(first, protocol);
        for (slot, allowed) in any.iter_mut().zip(class_matrix(engine, &view)) {
            *slot |= allowed;
        }
    }
    let size = |c: usize| engine.members(c as u32).len() as u64;
    let mut edges = 0u64;
    for s in 0..classes {
        for d in 0..classes {
            if any.get(s * classes + d).copied().unwrap_or(false) {
                // Within one class, every member but itself.
                let pairs = if s == d { size(s) * size(s).saturating_sub(1) } else { size(s) * size(d) };
                edges = edges.saturating_add(pairs);
            }
        }
    }
    edges
}

/// Appends one allowed atom to a sorted list of ranges, merging adjacent ones.
fn push_atom(list: &mut Vec<PortRange>, protocol: Protocol, first: u16, last: u16) {
    match list.last_mut() {
        Some(prev) if prev.protocol == protocol && u32::from(prev.last) + 1 == u32::from(first) => prev.last = last,
        _ => list.push(PortRange { protocol, first, last }),
    }
}

/// Every port of all three protocols.
fn is_everything(list: &[PortRange]) -> bool {
    [Protocol::TCP, Protocol::UDP, Protocol::SCTP]
        .iter()
        .all(|p| list.iter().any(|r| r.protocol == *p && r.first == 1 && r.last == 65535))
}

/// Edges from allowed ranges by (from, to) node index.
fn edges_between(nodes: &[(GraphNode, Node)], connections: BTreeMap<(usize, usize), Vec<PortRange>>) -> Vec<GraphEdge> {
    connections
        .into_iter()
        .filter_map(|((i, j), list)| {
            Some(GraphEdge {
                from: nodes.get(i)?.0.id.clone(),
                to: nodes.get(j)?.0.id.clone(),
                all: is_everything(&list),
                connections: list,
            })
        })
        .collect()
}

/// The pod-level graph: one node per endpoint and external peer. Refuses past
/// [`MAX_EDGES`] edges (checked at class level before anything is expanded).
pub fn build(engine: &Engine) -> Result<Graph, TooLarge> {
    let edges = pod_edge_count(engine);
    if edges > MAX_EDGES {
        return Err(TooLarge { edges });
    }
    let mut nodes: Vec<(GraphNode, Node)> = engine
        .endpoints
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let isolation = engine.isolation(i);
            (
                GraphNode {
                    id: e.id.clone(),
                    kind: e.node_kind(),
                    namespace: Some(e.namespace.clone()),
                    ingress_isolated: isolation.ingress,
                    egress_isolated: isolation.egress,
                },
                Node::Cluster(i),
            )
        })
        .collect();
    nodes.extend(external_nodes(engine));

    let mut connections: BTreeMap<(usize, usize), Vec<PortRange>> = BTreeMap::new();
    let classes = engine.class_count();
    for (protocol, first, last) in engine.atoms() {
        let view = engine.view(first, protocol);
        let class_allowed = class_matrix(engine, &view);
        for (i, (_, from)) in nodes.iter().enumerate() {
            for (j, (_, to)) in nodes.iter().enumerate() {
                if i == j {
                    continue;
                }
                let allowed = match (from, to) {
                    (Node::Cluster(s), Node::Cluster(d)) => {
                        match (engine.class_of().get(*s), engine.class_of().get(*d)) {
                            // Node traffic is part of the class verdict (node names are in class keys).
                            (Some(&a), Some(&b)) => {
                                class_allowed.get(a as usize * classes + b as usize).copied().unwrap_or(false)
                            }
                            _ => false,
                        }
                    }
                    (Node::Cluster(s), Node::External(range)) => engine.to_external_allowed(&view, *s, range),
                    (Node::Cluster(s), Node::AnyExternal) => engine.to_external_allowed(&view, *s, &UNNAMED),
                    (Node::External(range), Node::Cluster(d)) => engine.from_external_allowed(&view, *d, range),
                    (Node::AnyExternal, Node::Cluster(d)) => engine.from_external_allowed(&view, *d, &UNNAMED),
                    // Traffic between outside addresses is not the cluster's business.
                    _ => false,
                };
                if allowed {
                    push_atom(connections.entry((i, j)).or_default(), protocol, first, last);
                }
            }
        }
    }
    let edges = edges_between(&nodes, connections);
    Ok(Graph { nodes: nodes.into_iter().map(|(n, _)| n).collect(), edges })
}

/// The id of a namespace's node in [`build_by_namespace`]'s graph.
pub fn namespace_node_id(namespace: &str, endpoints: usize) -> String {
    format!("{namespace}/{endpoints} endpoints")
}

/// One node per namespace (named by [`namespace_node_id`]) and one per external
/// peer; an edge where some endpoint of one may reach some endpoint of the other,
/// carrying every port any such pair is allowed on. Traffic within a namespace
/// is left out. Computed from classes, never from pod pairs, so it answers at any
/// size. A namespace node counts as isolated when all its endpoints are.
pub fn build_by_namespace(engine: &Engine) -> Graph {
    // Namespace of each class, by its representative.
    let mut names: BTreeMap<&str, (usize, bool, bool)> = BTreeMap::new();
    for (i, e) in engine.endpoints.iter().enumerate() {
        let isolation = engine.isolation(i);
        let entry = names.entry(e.namespace.as_str()).or_insert((0, true, true));
        entry.0 += 1;
        entry.1 &= isolation.ingress;
        entry.2 &= isolation.egress;
    }
    let group_index: BTreeMap<&str, usize> = names.keys().enumerate().map(|(i, n)| (*n, i)).collect();
    let class_group: Vec<usize> = engine
        .classes()
        .iter()
        .map(|c| {
            let namespace = engine.endpoints.get(c.representative).map_or("", |e| e.namespace.as_str());
            group_index.get(namespace).copied().unwrap_or(0)
        })
        .collect();
    let mut nodes: Vec<(GraphNode, Node)> = names
        .iter()
        .map(|(name, (count, ingress, egress))| {
            (
                GraphNode {
                    id: namespace_node_id(name, *count),
                    kind: NodeKind::Namespace,
                    namespace: Some((*name).to_owned()),
                    ingress_isolated: *ingress,
                    egress_isolated: *egress,
                },
                Node::Namespace,
            )
        })
        .collect();
    let groups = nodes.len();
    nodes.extend(external_nodes(engine));

    // Classes by namespace, so each namespace pair stops at its first allowed class pair.
    let mut group_classes: Vec<Vec<u32>> = vec![Vec::new(); groups];
    for (class, group) in class_group.iter().enumerate() {
        if let Some(members) = group_classes.get_mut(*group) {
            members.push(class as u32);
        }
    }
    let mut connections: BTreeMap<(usize, usize), Vec<PortRange>> = BTreeMap::new();
    let classes = engine.class_count();
    for (protocol, first, last) in engine.atoms() {
        let view = engine.view(first, protocol);
        let mut found = vec![false; nodes.len() * nodes.len()];
        for (from, sources) in group_classes.iter().enumerate() {
            for (to, destinations) in group_classes.iter().enumerate() {
                if from != to {
                    found[from * nodes.len() + to] =
                        sources.iter().any(|&s| destinations.iter().any(|&d| engine.class_allowed(&view, s, d)));
                }
            }
        }
        for s in 0..classes {
            let from = class_group.get(s).copied().unwrap_or(0);
            let representative = engine.classes().get(s).map_or(0, |c| c.representative);
            for (x, (_, node)) in nodes.iter().enumerate().skip(groups) {
                let range = match node {
                    Node::External(range) => range,
                    Node::AnyExternal => &UNNAMED,
                    Node::Cluster(_) | Node::Namespace => continue,
                };
                if !found[from * nodes.len() + x] && engine.to_external_allowed(&view, representative, range) {
                    found[from * nodes.len() + x] = true;
                }
                if !found[x * nodes.len() + from] && engine.from_external_allowed(&view, representative, range) {
                    found[x * nodes.len() + from] = true;
                }
            }
        }
        for (index, hit) in found.into_iter().enumerate() {
            if hit {
                let pair = (index / nodes.len(), index % nodes.len());
                push_atom(connections.entry(pair).or_default(), protocol, first, last);
            }
        }
    }
    let edges = edges_between(&nodes, connections);
    Graph { nodes: nodes.into_iter().map(|(n, _)| n).collect(), edges }
}

impl Graph {
    fn petgraph(&self) -> (DiGraph<usize, ()>, BTreeMap<&str, NodeIndex>) {
        let mut graph = DiGraph::new();
        let mut index = BTreeMap::new();
        for (i, node) in self.nodes.iter().enumerate() {
            index.insert(node.id.as_str(), graph.add_node(i));
        }
        for edge in &self.edges {
            if let (Some(a), Some(b)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) {
                graph.add_edge(*a, *b, ());
            }
        }
        (graph, index)
    }

    fn ids(&self, graph: &DiGraph<usize, ()>, found: Vec<NodeIndex>) -> Vec<String> {
        let mut ids: Vec<String> = found
            .into_iter()
            .filter_map(|n| graph.node_weight(n))
            .filter_map(|i| self.nodes.get(*i))
            .map(|n| n.id.clone())
            .collect();
        ids.sort();
        ids
    }

    /// Everything `id` can reach, directly or through other nodes (on any port).
    pub fn blast_radius(&self, id: &str) -> Option<Vec<String>> {
        let (graph, index) = self.petgraph();
        let start = *index.get(id)?;
        let mut bfs = Bfs::new(&graph, start);
        let mut found = Vec::new();
        while let Some(n) = bfs.next(&graph) {
            if n != start {
                found.push(n);
            }
        }
        Some(self.ids(&graph, found))
    }

    /// Everything that can reach `id`, directly or through other nodes.
    pub fn who_can_reach(&self, id: &str) -> Option<Vec<String>> {
        let (graph, index) = self.petgraph();
        let start = *index.get(id)?;
        let reversed = Reversed(&graph);
        let mut bfs = Bfs::new(reversed, start);
        let mut found = Vec::new();
        while let Some(n) = bfs.next(reversed) {
            if n != start {
                found.push(n);
            }
        }
        Some(self.ids(&graph, found))
    }
}

/// `TCP 80, 8000-8010; UDP 53`.
pub fn describe_ranges(ranges: &[PortRange]) -> String {
    let mut by_protocol: BTreeMap<Protocol, Vec<String>> = BTreeMap::new();
    for r in ranges {
        let text = if r.first == 1 && r.last == 65535 {
            "all".to_owned()
        } else if r.first == r.last {
            r.first.to_string()
        } else {
            format!("{}-{}", r.first, r.last)
        };
        by_protocol.entry(r.protocol).or_default().push(text);
    }
    by_protocol.into_iter().map(|(p, list)| format!("{p} {}", list.join(", "))).collect::<Vec<_>>().join("; ")
}

/// The graph a front end draws for an analysed inventory, with replica counts
/// of its workload nodes.
#[derive(Clone, Debug, PartialEq)]
pub struct Picture {
    pub graph: Graph,
    /// Workload node id → replicas (empty per namespace).
    pub replicas: BTreeMap<String, i32>,
    /// One node per namespace ([`build_by_namespace`]): the input has more than
    /// `max_nodes` endpoints, or its workload graph would.
    pub by_namespace: bool,
}

/// How many nodes a drawn graph has at most before it is drawn per namespace:
/// the playground's traffic view, and `group: auto` (`kubeplay graph --group
/// auto`, the `<kube-play>` element) through [`picture`].
pub const DRAWN_NODES_MAX: usize = 60;

/// The graph worth drawing: per workload when it has at most `max_nodes`
/// nodes, else per namespace, so its size never depends on the pods.
pub fn picture(engine: &Engine, inventory: &crate::model::Inventory, max_nodes: usize) -> Picture {
    let by_namespace = || Picture { graph: build_by_namespace(engine), replicas: BTreeMap::new(), by_namespace: true };
    if engine.endpoints.len() > max_nodes {
        return by_namespace();
    }
    let graph = match build(engine) {
        Ok(graph) if graph.nodes.len() <= max_nodes => graph,
        _ => return by_namespace(),
    };
    let replicas = inventory
        .workloads()
        .filter_map(|w| Some((w.loaded.id(), w.replicas?)))
        .filter(|(id, _)| id.contains('['))
        .collect();
    Picture { graph, replicas, by_namespace: false }
}

/// A port worth probing first: the first numeric port of the first ingress rule
/// (what the policies were written to open), else the lowest single port any
/// policy names (TCP preferred), else 80/TCP.
pub fn suggested_port(engine: &Engine, inventory: &crate::model::Inventory) -> (u16, Protocol) {
    use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
    let ingress_port = inventory.network_policies().find_map(|(_, policy)| {
        let rules = policy.spec.as_ref()?.ingress.as_ref()?;
        rules.iter().flat_map(|r| r.ports.iter().flatten()).find_map(|p| match p.port {
            Some(IntOrString::Int(n)) => {
                let port = u16::try_from(n).ok().filter(|n| *n > 0)?;
                let protocol = p.protocol.as_deref().unwrap_or("TCP").parse().ok()?;
                Some((port, protocol))
            }
            _ => None,
        })
    });
    if let Some(found) = ingress_port {
        return found;
    }
    let atoms = engine.atoms();
    let single = |protocol| atoms.iter().find(|(p, first, last)| *p == protocol && first == last && *first > 0);
    single(Protocol::TCP)
        .or_else(|| atoms.iter().find(|(_, first, last)| first == last && *first > 0))
        .map_or((80, Protocol::TCP), |(p, first, _)| (*first, *p))
}
