//! Deterministic layout of the traffic graph (pixel geometry and SVG paths),
//! computed in the worker so the page only draws: namespaces as boxes in a grid, their pods and
//! workloads in a grid inside (a dozen services make a wide box, not a tall
//! column), external peers in their own box, edges as curves between node
//! borders. Label widths are estimated from character counts, and boxes are
//! sized to the longest label, so labels never overlap. A namespace whose
//! members all reach each other on every port is marked open instead of
//! drawing n² curves, and so is a pair of namespaces (one arrow between the
//! boxes). Large graphs collapse to one node per namespace, placed on a ring.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_core::netpol::graph::{Graph, NodeKind, describe_ranges};

use crate::worker::protocol::{
    EdgeCurve as LayoutEdge, GroupBox as LayoutGroup, GroupEdge, NodeBox as LayoutNode, Ports, TrafficView as Layout,
};

/// Above this many nodes, the picture shows namespaces instead of workloads.
pub const AGGREGATE_ABOVE: usize = kubeplay_core::netpol::graph::DRAWN_NODES_MAX;

const NODE_HEIGHT: f64 = 46.0;
const NODE_GAP: f64 = 26.0;
/// Between columns of nodes inside a namespace (room for curves to pass).
const NODE_GAP_X: f64 = 34.0;
/// At most this many columns of nodes inside one namespace.
const MAX_NODE_COLUMNS: usize = 5;
const GROUP_PADDING: f64 = 18.0;
const GROUP_HEADER: f64 = 30.0;
const GROUP_GAP_X: f64 = 90.0;
const GROUP_GAP_Y: f64 = 50.0;
const CHAR_WIDTH: f64 = 7.6;
const MIN_NODE_WIDTH: f64 = 120.0;
const MARGIN: f64 = 24.0;
/// At most this many namespace boxes side by side.
const MAX_COLUMNS: usize = 3;

fn display_name(id: &str) -> String {
    let without_ns = id.split_once('/').map_or(id, |(_, rest)| rest);
    without_ns.split('[').next().unwrap_or(without_ns).to_owned()
}

fn kind_of(kind: NodeKind) -> String {
    match kind {
        NodeKind::External => "external".to_owned(),
        other => other.as_str().to_owned(),
    }
}

/// The traffic picture of an analysed inventory, laid out (see [`AGGREGATE_ABOVE`]).
pub fn traffic(engine: &kubeplay_core::netpol::Engine, inventory: &kubeplay_core::model::Inventory) -> Layout {
    let picture = kubeplay_core::netpol::graph::picture(engine, inventory, AGGREGATE_ABOVE);
    if picture.by_namespace { layout_ring(&picture.graph) } else { layout(&picture.graph, &picture.replicas) }
}

/// Lays out `graph` as it is; `replicas` maps node ids to replica counts for the label.
pub fn layout(graph: &Graph, replicas: &BTreeMap<String, i32>) -> Layout {
    layout_plain(graph, replicas)
}

fn layout_plain(graph: &Graph, replicas: &BTreeMap<String, i32>) -> Layout {
    // Groups in a stable order: namespaces by name, external last.
    let mut grouped: BTreeMap<(bool, String), Vec<usize>> = BTreeMap::new();
    for (index, node) in graph.nodes.iter().enumerate() {
        let external = node.namespace.is_none();
        let name = node.namespace.clone().unwrap_or_else(|| "external".to_owned());
        grouped.entry((external, name)).or_default().push(index);
    }
    for members in grouped.values_mut() {
        kubeplay_core::sort::sort_by(members, |a, b| graph.nodes[*a].id.cmp(&graph.nodes[*b].id));
    }

    let detail_of = |index: usize| -> String {
        let node = &graph.nodes[index];
        let kind = kind_of(node.kind);
        let kind = match replicas.get(&node.id) {
            Some(n) => format!("{kind} ×{n}"),
            None => kind,
        };
        let isolation = match (node.ingress_isolated, node.egress_isolated) {
            (true, true) => "ingress+egress isolated",
            (true, false) => "ingress isolated",
            (false, true) => "egress isolated",
            (false, false) => "not isolated",
        };
        format!("{kind} · {isolation}")
    };
    let label_width = |index: usize| -> f64 {
        let label = display_name(&graph.nodes[index].id).chars().count() as f64 * CHAR_WIDTH;
        // The detail line is set smaller (11px against 13px).
        let detail = detail_of(index).chars().count() as f64 * CHAR_WIDTH * 0.85;
        (label.max(detail) + 28.0).max(MIN_NODE_WIDTH)
    };

    // Size each group, then place groups in rows of columns.
    struct Sized {
        name: String,
        external: bool,
        members: Vec<usize>,
        node_width: f64,
        width: f64,
        height: f64,
    }
    let sized: Vec<Sized> = grouped
        .into_iter()
        .map(|((external, name), members)| {
            let node_width = members.iter().map(|&i| label_width(i)).fold(0.0_f64, f64::max);
            let (columns, rows) = node_grid(members.len(), node_width);
            let inner = columns as f64 * node_width + (columns.saturating_sub(1)) as f64 * NODE_GAP_X;
            // Room for the header's "· open to each other" note where there could be one.
            let note = if members.len() >= 2 { 22 } else { 0 };
            let title = (name.chars().count() + 12 + note) as f64 * CHAR_WIDTH * 0.85;
            let width = inner.max(title) + 2.0 * GROUP_PADDING;
            let height =
                GROUP_HEADER + GROUP_PADDING + rows as f64 * NODE_HEIGHT + (rows.saturating_sub(1)) as f64 * NODE_GAP;
            Sized { name, external, members, node_width, width, height }
        })
        .collect();

    // A squarish grid: 2 boxes side by side, 3–4 in two columns, 5–9 in three.
    let columns = (1..=MAX_COLUMNS).find(|c| c * c >= sized.len()).unwrap_or(MAX_COLUMNS).max(sized.len().min(2));
    let mut column_widths = vec![0.0_f64; columns];
    for (index, group) in sized.iter().enumerate() {
        let column = index % columns;
        column_widths[column] = column_widths[column].max(group.width);
    }
    let mut row_heights = vec![0.0_f64; sized.len().div_ceil(columns)];
    for (index, group) in sized.iter().enumerate() {
        row_heights[index / columns] = row_heights[index / columns].max(group.height);
    }

    let mut layout = Layout::default();
    let mut positions: BTreeMap<String, (f64, f64, f64, f64)> = BTreeMap::new();
    for (index, group) in sized.iter().enumerate() {
        let (column, row) = (index % columns, index / columns);
        let x = MARGIN + column_widths[..column].iter().map(|w| w + GROUP_GAP_X).sum::<f64>();
        let y = MARGIN + row_heights[..row].iter().map(|h| h + GROUP_GAP_Y).sum::<f64>();
        let width = column_widths[column];
        layout.groups.push(LayoutGroup {
            name: group.name.clone(),
            x,
            y,
            width,
            height: group.height,
            external: group.external,
            open: false,
        });
        let (node_columns, _) = node_grid(group.members.len(), group.node_width);
        // Nodes share the box's width: a lone column fills it, a grid spreads over it.
        let node_width = if node_columns == 1 { width - 2.0 * GROUP_PADDING } else { group.node_width };
        let spare =
            (width - 2.0 * GROUP_PADDING - node_columns as f64 * node_width - (node_columns - 1) as f64 * NODE_GAP_X)
                .max(0.0);
        let gap_x = if node_columns > 1 { NODE_GAP_X + spare / (node_columns - 1) as f64 } else { 0.0 };
        for (slot, &member) in group.members.iter().enumerate() {
            let node = &graph.nodes[member];
            let (column, row) = (slot % node_columns, slot / node_columns);
            let node_x = x + GROUP_PADDING + column as f64 * (node_width + gap_x);
            let node_y = y + GROUP_HEADER + row as f64 * (NODE_HEIGHT + NODE_GAP);
            let detail = detail_of(member);
            positions.insert(node.id.clone(), (node_x, node_y, node_width, NODE_HEIGHT));
            layout.nodes.push(LayoutNode {
                id: node.id.clone(),
                label: display_name(&node.id),
                detail,
                group: group.name.clone(),
                x: node_x,
                y: node_y,
                width: node_width,
                height: NODE_HEIGHT,
                ingress_isolated: node.ingress_isolated,
                egress_isolated: node.egress_isolated,
            });
        }
    }
    let used_columns: Vec<f64> = column_widths.iter().copied().filter(|w| *w > 0.0).collect();
    layout.width =
        MARGIN * 2.0 + used_columns.iter().sum::<f64>() + GROUP_GAP_X * used_columns.len().saturating_sub(1) as f64;
    layout.height =
        MARGIN * 2.0 + row_heights.iter().sum::<f64>() + GROUP_GAP_Y * row_heights.len().saturating_sub(1) as f64;

    draw_edges(graph, &positions, &mut layout, false);
    bundle(graph, &mut layout);
    layout
}

/// The traffic pane's usual shape (width over height): a namespace box is laid
/// out close to it, so the picture fills the pane and labels keep their size.
const PANE_RATIO: f64 = 1.55;

/// Columns and rows of nodes inside a namespace of `members` nodes `node_width`
/// wide: the grid whose box is closest in shape to the pane (fewest columns on
/// a tie), at most [`MAX_NODE_COLUMNS`].
fn node_grid(members: usize, node_width: f64) -> (usize, usize) {
    let members = members.max(1);
    let shape = |columns: usize| {
        let rows = members.div_ceil(columns);
        let width = columns as f64 * node_width + (columns - 1) as f64 * NODE_GAP_X + 2.0 * GROUP_PADDING;
        let height = GROUP_HEADER + GROUP_PADDING + rows as f64 * NODE_HEIGHT + (rows - 1) as f64 * NODE_GAP;
        ((width / height) / PANE_RATIO).ln().abs()
    };
    let mut best = 1;
    for columns in 2..=MAX_NODE_COLUMNS.min(members) {
        if shape(columns) < shape(best) {
            best = columns;
        }
    }
    (best, members.div_ceil(best))
}

/// Marks open namespaces (every member reaches every other on every port) and
/// namespace pairs where every member of one reaches every member of the other
/// on every port (at least two such edges): their workload edges are `bundled`
/// (kept for reachability and explanations, not drawn) and the pair gets one
/// [`GroupEdge`]. External peers are never bundled.
fn bundle(graph: &Graph, layout: &mut Layout) {
    let open_pairs: BTreeSet<(&str, &str)> =
        graph.edges.iter().filter(|e| e.all).map(|e| (e.from.as_str(), e.to.as_str())).collect();
    let mut members: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for node in &graph.nodes {
        if let Some(namespace) = node.namespace.as_deref() {
            members.entry(namespace).or_default().push(node.id.as_str());
        }
    }
    let all_open =
        |from: &[&str], to: &[&str]| from.iter().all(|a| to.iter().all(|b| a == b || open_pairs.contains(&(*a, *b))));
    let mut bundled: BTreeSet<(&str, &str)> = BTreeSet::new();
    for group in layout.groups.iter_mut().filter(|g| !g.external) {
        let Some(inside) = members.get(group.name.as_str()) else { continue };
        if inside.len() >= 2 && all_open(inside, inside) {
            group.open = true;
            for a in inside {
                for b in inside.iter().filter(|b| *b != a) {
                    bundled.insert((a, b));
                }
            }
        }
    }
    let boxes: BTreeMap<&str, (f64, f64, f64, f64)> = layout
        .groups
        .iter()
        .filter(|g| !g.external)
        .map(|g| (g.name.as_str(), (g.x, g.y, g.width, g.height)))
        .collect();
    let mut group_edges = Vec::new();
    for (from, from_members) in &members {
        for (to, to_members) in &members {
            // One arrow for one edge saves nothing: a lone pair keeps its own curve.
            if from == to || from_members.len() * to_members.len() < 2 || !all_open(from_members, to_members) {
                continue;
            }
            let (Some(a), Some(b)) = (boxes.get(from), boxes.get(to)) else { continue };
            let both_ways = all_open(to_members, from_members);
            for x in from_members {
                for y in to_members {
                    bundled.insert((x, y));
                }
            }
            group_edges.push(GroupEdge {
                from: (*from).to_owned(),
                to: (*to).to_owned(),
                path: curve(*a, *b, both_ways),
                edges: from_members.len() * to_members.len(),
            });
        }
    }
    for edge in &mut layout.edges {
        edge.bundled = bundled.contains(&(edge.from.as_str(), edge.to.as_str()));
    }
    layout.group_edges = group_edges;
}

/// One node per namespace (and external peer) on a ring, in name order from the
/// top, clockwise: every pair has a clear chord however dense the graph, and no
/// label can overlap another (the circumference leaves each node its width).
fn layout_ring(graph: &Graph) -> Layout {
    let mut order: Vec<usize> = (0..graph.nodes.len()).collect();
    kubeplay_core::sort::sort_by_key(&mut order, |&i| (graph.nodes[i].namespace.is_none(), graph.nodes[i].id.clone()));
    let label_of = |i: usize| -> String {
        let node = &graph.nodes[i];
        node.namespace.clone().unwrap_or_else(|| display_name(&node.id))
    };
    let detail_of = |i: usize| -> String {
        let node = &graph.nodes[i];
        if node.namespace.is_none() {
            return "external".to_owned();
        }
        let members = node.id.rsplit_once('/').map_or("", |(_, count)| count);
        match (node.ingress_isolated, node.egress_isolated) {
            (true, true) => format!("{members} · all isolated"),
            (true, false) => format!("{members} · ingress isolated"),
            (false, true) => format!("{members} · egress isolated"),
            (false, false) => members.to_owned(),
        }
    };
    let width_of = |i: usize| -> f64 {
        let label = label_of(i).chars().count() as f64 * CHAR_WIDTH;
        let detail = detail_of(i).chars().count() as f64 * CHAR_WIDTH * 0.85;
        (label.max(detail) + 28.0).max(MIN_NODE_WIDTH)
    };
    let widest = order.iter().map(|&i| width_of(i)).fold(MIN_NODE_WIDTH, f64::max);
    let count = order.len().max(1) as f64;
    // Room on the circumference for each node's width plus a gap.
    let radius = ((widest + 40.0) * count / std::f64::consts::TAU).max(180.0);
    let (cx, cy) = (MARGIN + widest / 2.0 + radius, MARGIN + NODE_HEIGHT / 2.0 + radius);
    let mut layout = Layout {
        aggregated: true,
        width: 2.0 * (MARGIN + radius) + widest,
        height: 2.0 * (MARGIN + radius) + NODE_HEIGHT,
        ..Layout::default()
    };
    let mut positions: BTreeMap<String, (f64, f64, f64, f64)> = BTreeMap::new();
    for (slot, &i) in order.iter().enumerate() {
        let node = &graph.nodes[i];
        let angle = -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * slot as f64 / count;
        let width = width_of(i);
        let (x, y) = (cx + radius * angle.cos() - width / 2.0, cy + radius * angle.sin() - NODE_HEIGHT / 2.0);
        let group = node.namespace.clone().unwrap_or_else(|| "external".to_owned());
        if !layout.groups.iter().any(|g| g.name == group) {
            layout.groups.push(LayoutGroup {
                name: group.clone(),
                x,
                y,
                width,
                height: NODE_HEIGHT,
                external: node.namespace.is_none(),
                open: false,
            });
        }
        positions.insert(node.id.clone(), (x, y, width, NODE_HEIGHT));
        layout.nodes.push(LayoutNode {
            id: node.id.clone(),
            label: label_of(i),
            detail: detail_of(i),
            group,
            x,
            y,
            width,
            height: NODE_HEIGHT,
            ingress_isolated: node.ingress_isolated,
            egress_isolated: node.egress_isolated,
        });
    }
    draw_edges(graph, &positions, &mut layout, true);
    layout
}

/// Allowed edges as curves (pairs allowed both ways bend apart), then every
/// other ordered pair as a denied edge, bent to its own side so it never covers
/// an allowed one. `skip_outside_pairs` leaves out pairs of two external peers.
fn draw_edges(
    graph: &Graph,
    positions: &BTreeMap<String, (f64, f64, f64, f64)>,
    layout: &mut Layout,
    skip_outside_pairs: bool,
) {
    let allowed: BTreeSet<(&str, &str)> = graph.edges.iter().map(|e| (e.from.as_str(), e.to.as_str())).collect();
    for edge in &graph.edges {
        if edge.from == edge.to {
            continue;
        }
        let (Some(a), Some(b)) = (positions.get(&edge.from), positions.get(&edge.to)) else { continue };
        let reverse = allowed.contains(&(edge.to.as_str(), edge.from.as_str()));
        layout.edges.push(LayoutEdge {
            from: edge.from.clone(),
            to: edge.to.clone(),
            path: curve(*a, *b, reverse),
            label: if edge.all { "all ports".to_owned() } else { describe_ranges(&edge.connections) },
            allowed: true,
            all: edge.all,
            ports: edge
                .connections
                .iter()
                .map(|c| Ports { protocol: c.protocol, first: c.first, last: c.last })
                .collect(),
            bundled: false,
        });
    }
    for from in &graph.nodes {
        for to in &graph.nodes {
            if from.id == to.id
                || allowed.contains(&(from.id.as_str(), to.id.as_str()))
                || (skip_outside_pairs && from.namespace.is_none() && to.namespace.is_none())
            {
                continue;
            }
            let (Some(a), Some(b)) = (positions.get(&from.id), positions.get(&to.id)) else { continue };
            layout.denied.push(LayoutEdge {
                from: from.id.clone(),
                to: to.id.clone(),
                path: curve(*a, *b, true),
                label: "denied".to_owned(),
                allowed: false,
                all: false,
                ports: Vec::new(),
                bundled: false,
            });
        }
    }
}

/// A curve from the border of box `a` to the border of box `b`. When the pair has
/// edges both ways each bends to its own side, so the two never overlap.
fn curve(a: (f64, f64, f64, f64), b: (f64, f64, f64, f64), both_ways: bool) -> String {
    let centre = |(x, y, w, h): (f64, f64, f64, f64)| (x + w / 2.0, y + h / 2.0);
    let (ca, cb) = (centre(a), centre(b));
    let border = |(x, y, w, h): (f64, f64, f64, f64), toward: (f64, f64)| {
        let (cx, cy) = (x + w / 2.0, y + h / 2.0);
        let (dx, dy) = (toward.0 - cx, toward.1 - cy);
        if dx == 0.0 && dy == 0.0 {
            return (cx, cy);
        }
        // Scale to the box edge (a little outside, for the arrow head).
        let sx = if dx != 0.0 { (w / 2.0 + 4.0) / dx.abs() } else { f64::INFINITY };
        let sy = if dy != 0.0 { (h / 2.0 + 4.0) / dy.abs() } else { f64::INFINITY };
        let s = sx.min(sy);
        (cx + dx * s, cy + dy * s)
    };
    let (start, end) = (border(a, cb), border(b, ca));
    let (dx, dy) = (end.0 - start.0, end.1 - start.1);
    let length = (dx * dx + dy * dy).sqrt().max(1.0);
    // Bend perpendicular to the line. Pairs stacked in one column bend out past
    // the boxes between them; pairs with edges both ways bend to opposite sides.
    let same_column = (ca.0 - cb.0).abs() < 1.0;
    let bend = if same_column {
        0.45 * length + 45.0
    } else if both_ways {
        0.16 * length
    } else {
        0.06 * length
    };
    let (nx, ny) = (-dy / length, dx / length);
    let control = ((start.0 + end.0) / 2.0 + nx * bend, (start.1 + end.1) / 2.0 + ny * bend);
    format!("M{:.1},{:.1} Q{:.1},{:.1} {:.1},{:.1}", start.0, start.1, control.0, control.1, end.0, end.1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use kubeplay_core::netpol::graph::{GraphEdge, GraphNode};

    fn node(id: &str, namespace: Option<&str>) -> GraphNode {
        GraphNode {
            id: id.to_owned(),
            kind: if namespace.is_some() {
                NodeKind::Object(kubeplay_core::model::Kind::Deployment)
            } else {
                NodeKind::External
            },
            namespace: namespace.map(str::to_owned),
            ingress_isolated: false,
            egress_isolated: false,
        }
    }

    fn overlaps(a: &LayoutNode, b: &LayoutNode) -> bool {
        a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height
    }

    #[test]
    fn nodes_never_overlap_and_layout_is_deterministic() {
        let graph = Graph {
            nodes: vec![
                node("default/api[Deployment]", Some("default")),
                node("default/a-very-long-frontend-name[Deployment]", Some("default")),
                node("monitoring/prometheus[Deployment]", Some("monitoring")),
                node("kube-system/coredns[Deployment]", Some("kube-system")),
                node("team-x/worker[Deployment]", Some("team-x")),
                node("external:any", None),
            ],
            edges: vec![GraphEdge {
                from: "default/api[Deployment]".into(),
                to: "monitoring/prometheus[Deployment]".into(),
                connections: vec![],
                all: true,
            }],
        };
        let first = layout(&graph, &BTreeMap::from([("default/api[Deployment]".to_owned(), 3)]));
        assert_eq!(first, layout(&graph, &BTreeMap::from([("default/api[Deployment]".to_owned(), 3)])));
        for (i, a) in first.nodes.iter().enumerate() {
            for b in &first.nodes[i + 1..] {
                assert!(!overlaps(a, b), "{} overlaps {}", a.id, b.id);
            }
            assert!(a.width >= a.label.chars().count() as f64 * CHAR_WIDTH, "{} fits its label", a.id);
            assert!(a.x + a.width <= first.width && a.y + a.height <= first.height + 0.5);
        }
        assert_eq!(
            first.nodes.iter().find(|n| n.label == "api").map(|n| n.detail.as_str()),
            Some("Deployment ×3 · not isolated")
        );
        for node in &first.nodes {
            assert!(
                node.width >= node.detail.chars().count() as f64 * CHAR_WIDTH * 0.85,
                "{} fits its detail",
                node.id
            );
        }
        assert_eq!(first.groups.last().map(|g| g.name.as_str()), Some("external"));
        assert_eq!(first.edges.len(), 1);
        assert_eq!(first.denied.len(), 6 * 5 - 1);
    }

    #[test]
    fn a_dozen_open_services_make_one_wide_open_box_and_open_namespace_pairs_one_arrow() {
        let shop: Vec<String> = (0..12).map(|i| format!("shop/service-{i:02}[Deployment]")).collect();
        let mut nodes: Vec<GraphNode> = shop.iter().map(|id| node(id, Some("shop"))).collect();
        nodes.push(node("tools/debug[Deployment]", Some("tools")));
        nodes.push(node("tools/load[Deployment]", Some("tools")));
        let all = |from: &str, to: &str| GraphEdge { from: from.into(), to: to.into(), connections: vec![], all: true };
        let mut edges = Vec::new();
        for a in &shop {
            for b in shop.iter().filter(|b| *b != a) {
                edges.push(all(a, b));
            }
        }
        // tools reaches every shop service; shop reaches only tools/debug; tools' own pair is one-way.
        for t in ["tools/debug[Deployment]", "tools/load[Deployment]"] {
            for b in &shop {
                edges.push(all(t, b));
            }
        }
        for a in &shop {
            edges.push(all(a, "tools/debug[Deployment]"));
        }
        edges.push(all("tools/debug[Deployment]", "tools/load[Deployment]"));
        let picture = layout(&Graph { nodes, edges }, &BTreeMap::new());
        let group = |name: &str| picture.groups.iter().find(|g| g.name == name).unwrap();
        let (shop_box, tools_box) = (group("shop"), group("tools"));
        assert!(shop_box.open && !tools_box.open);
        // A grid shaped like the pane, not one column of twelve.
        let columns: BTreeSet<i64> =
            picture.nodes.iter().filter(|n| n.group == "shop").map(|n| n.x.round() as i64).collect();
        assert!(columns.len() >= 2, "{columns:?}");
        let ratio = shop_box.width / shop_box.height;
        assert!((1.0..2.5).contains(&ratio), "shaped for the pane: {ratio}");
        for (i, a) in picture.nodes.iter().enumerate() {
            for b in &picture.nodes[i + 1..] {
                assert!(!overlaps(a, b), "{} overlaps {}", a.id, b.id);
            }
        }
        // 132 edges inside the shop and 24 from tools are bundled; the rest are drawn.
        let drawn: Vec<(&str, &str)> =
            picture.edges.iter().filter(|e| !e.bundled).map(|e| (e.from.as_str(), e.to.as_str())).collect();
        assert_eq!(picture.edges.iter().filter(|e| e.bundled).count(), 132 + 24);
        assert_eq!(drawn.len(), 12 + 1, "{drawn:?}");
        assert!(drawn.contains(&("tools/debug[Deployment]", "tools/load[Deployment]")));
        let arrows: Vec<(&str, &str, usize)> =
            picture.group_edges.iter().map(|g| (g.from.as_str(), g.to.as_str(), g.edges)).collect();
        assert_eq!(arrows, [("tools", "shop", 24)]);
        // Every edge is still there for reachability and explanations.
        assert_eq!(picture.edges.len(), 132 + 24 + 12 + 1);
    }

    #[test]
    fn a_ring_of_namespaces_has_no_overlap_and_fits_the_picture() {
        let mut nodes: Vec<GraphNode> = (0..20)
            .map(|i| {
                let namespace = format!("ns{i}");
                GraphNode { id: format!("{namespace}/20 endpoints"), ..node("", Some(&namespace)) }
            })
            .collect();
        nodes.push(node("external:any", None));
        let edges = (0..20)
            .map(|i| GraphEdge {
                from: format!("ns{i}/20 endpoints"),
                to: format!("ns{}/20 endpoints", (i + 7) % 20),
                connections: vec![],
                all: true,
            })
            .collect();
        let graph = Graph { nodes, edges };
        let picture = layout_ring(&graph);
        assert!(picture.aggregated);
        assert_eq!(picture.nodes.len(), 21);
        assert_eq!(picture.nodes.iter().find(|n| n.id == "ns0/20 endpoints").map(|n| n.label.as_str()), Some("ns0"));
        for (i, a) in picture.nodes.iter().enumerate() {
            assert!(a.x >= 0.0 && a.y >= 0.0 && a.x + a.width <= picture.width && a.y + a.height <= picture.height);
            for b in &picture.nodes[i + 1..] {
                let apart =
                    a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
                assert!(apart, "{} overlaps {}", a.id, b.id);
            }
        }
        assert_eq!(picture.edges.len(), 20);
        assert!(picture.edges.iter().all(|e| e.carries(8080, kubeplay_core::netpol::Protocol::TCP)));
        // Pairs of two external peers get no denied edge; every other ordered pair does.
        assert_eq!(picture.denied.len(), 21 * 20 - 20);
        assert_eq!(picture, layout_ring(&graph));
    }
}
