//! The reachability graph as Graphviz DOT.

use crate::netpol::graph::{Graph, NodeKind, describe_ranges};

/// Graphviz DOT: isolated nodes drawn with a double border, edges labelled
/// with their ports.
pub fn graph(graph: &Graph) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::from("digraph netpol {\n  rankdir=LR;\n  node [shape=box, fontname=\"sans-serif\"];\n");
    for node in &graph.nodes {
        let shape = if node.kind == NodeKind::External { "ellipse" } else { "box" };
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
    for edge in &graph.edges {
        let label = if edge.all { "all".to_owned() } else { describe_ranges(&edge.connections) };
        out.push_str(&format!("  {} -> {} [label={}];\n", quote(&edge.from), quote(&edge.to), quote(&label)));
    }
    out.push_str("}\n");
    out
}
