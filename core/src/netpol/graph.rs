//! The reachability graph (issue 3 §3): nodes are pods, workload
//! representatives and external peers (each ipBlock CIDR written in a policy,
//! plus `external:any` for an address no ipBlock names); an edge carries every
//! (protocol, port range) on which the source may open a connection to the
//! destination. Computed once per port atom at class level, then expanded.

use std::collections::{BTreeMap, BTreeSet};

use petgraph::graph::{DiGraph, NodeIndex};
use petgraph::visit::{Bfs, Reversed};
use serde::{Deserialize, Serialize};

use super::Protocol;
use super::engine::Engine;
use super::ip::{IpRange, parse_cidr};
use super::policy::PeerKind;

/// The id of the node standing for any address outside every ipBlock.
pub const ANY_EXTERNAL: &str = "external:any";

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct GraphNode {
    pub id: String,
    /// `Pod`, a workload kind, or `External`.
    pub kind: String,
    pub namespace: Option<String>,
    pub ingress_isolated: bool,
    pub egress_isolated: bool,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PortRange {
    pub protocol: Protocol,
    pub first: u16,
    pub last: u16,
}

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

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Graph {
    pub nodes: Vec<GraphNode>,
    pub edges: Vec<GraphEdge>,
}

enum Node {
    Cluster(usize),
    External(IpRange),
    AnyExternal,
}

/// A range no ipBlock covers: only peer-less rules allow it.
const UNNAMED: IpRange = IpRange { v6: true, lo: u128::MAX, hi: 0 };

pub fn build(engine: &Engine) -> Graph {
    let mut nodes: Vec<(GraphNode, Node)> = engine
        .endpoints
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let class = engine.class_of.get(i).copied().unwrap_or(0) as usize;
            (
                GraphNode {
                    id: e.id.clone(),
                    kind: e.kind.to_owned(),
                    namespace: Some(e.namespace.clone()),
                    ingress_isolated: engine.ingress_isolated.get(class).copied().unwrap_or(false),
                    egress_isolated: engine.egress_isolated.get(class).copied().unwrap_or(false),
                },
                Node::Cluster(i),
            )
        })
        .collect();
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
    let external = |id: String| GraphNode {
        id,
        kind: "External".to_owned(),
        namespace: None,
        ingress_isolated: false,
        egress_isolated: false,
    };
    for cidr in cidrs {
        if let Ok(range) = parse_cidr(&cidr) {
            nodes.push((external(format!("external:{cidr}")), Node::External(range)));
        }
    }
    nodes.push((external(ANY_EXTERNAL.to_owned()), Node::AnyExternal));

    let mut connections: BTreeMap<(usize, usize), Vec<PortRange>> = BTreeMap::new();
    let classes = engine.class_count();
    for (protocol, first, last) in engine.atoms() {
        let view = engine.view(first, protocol);
        let mut class_allowed = vec![false; classes * classes];
        for s in 0..classes {
            for d in 0..classes {
                if let Some(slot) = class_allowed.get_mut(s * classes + d) {
                    *slot = engine.class_allowed(&view, s as u32, d as u32);
                }
            }
        }
        for (i, (_, from)) in nodes.iter().enumerate() {
            for (j, (_, to)) in nodes.iter().enumerate() {
                if i == j {
                    continue;
                }
                let allowed = match (from, to) {
                    (Node::Cluster(s), Node::Cluster(d)) => {
                        match (engine.class_of.get(*s), engine.class_of.get(*d)) {
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
                    let list = connections.entry((i, j)).or_default();
                    match list.last_mut() {
                        Some(prev) if prev.protocol == protocol && u32::from(prev.last) + 1 == u32::from(first) => {
                            prev.last = last;
                        }
                        _ => list.push(PortRange { protocol, first, last }),
                    }
                }
            }
        }
    }
    let full = |list: &Vec<PortRange>| {
        [Protocol::TCP, Protocol::UDP, Protocol::SCTP]
            .iter()
            .all(|p| list.iter().any(|r| r.protocol == *p && r.first == 1 && r.last == 65535))
    };
    let edges = connections
        .into_iter()
        .filter_map(|((i, j), list)| {
            Some(GraphEdge {
                from: nodes.get(i)?.0.id.clone(),
                to: nodes.get(j)?.0.id.clone(),
                all: full(&list),
                connections: list,
            })
        })
        .collect();
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

    /// Graphviz DOT: isolated nodes drawn with a double border, edges labelled
    /// with their ports.
    pub fn to_dot(&self) -> String {
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        let mut out = String::from("digraph netpol {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n");
        for node in &self.nodes {
            let shape = if node.kind == "External" { "ellipse" } else { "box" };
            let peripheries = if node.ingress_isolated || node.egress_isolated { 2 } else { 1 };
            let label = match (node.ingress_isolated, node.egress_isolated) {
                (true, true) => format!("{}\\n(ingress+egress isolated)", node.id),
                (true, false) => format!("{}\\n(ingress isolated)", node.id),
                (false, true) => format!("{}\\n(egress isolated)", node.id),
                (false, false) => node.id.clone(),
            };
            out.push_str(&format!(
                "  {} [shape={shape}, peripheries={peripheries}, label=\"{}\"];\n",
                quote(&node.id),
                label.replace('"', "\\\"")
            ));
        }
        for edge in &self.edges {
            let label = if edge.all { "all".to_owned() } else { describe_ranges(&edge.connections) };
            out.push_str(&format!("  {} -> {} [label={}];\n", quote(&edge.from), quote(&edge.to), quote(&label)));
        }
        out.push_str("}\n");
        out
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
