//! The traffic graph: namespaces as boxes, workloads and pods as nodes (with
//! replica counts), allowed flows as edges with particles moving along them,
//! denied flows on demand as red dashes. The layout comes from the worker
//! (`crate::layout`), so it is deterministic. Click a node to light its
//! blast radius and who can reach it; click an edge to explain it. Wheel zooms,
//! dragging pans. Compare mode colours the flows a change added, removed or
//! changed against a baseline (the text as it was, or a pasted one) and lists
//! them; each explains itself before and after.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_core::netpol::diff::{ChangeKind, EndpointChange};
use kubeplay_core::netpol::{EndpointRef, Protocol};
use yew::prelude::*;

use crate::state::{Analysis, CompareChoice, FlowQuery};
use crate::worker::protocol::{CHANGES_SHOWN, ChangeRow, DiffView};

/// Above this many allowed edges, edges are drawn without particles.
const MAX_ANIMATED_EDGES: usize = 80;

#[derive(Properties, PartialEq)]
pub struct TrafficProps {
    pub analysis: Analysis,
    pub focus: Option<String>,
    pub port: (u16, Protocol),
    /// A baseline is set (its diff may still be on its way).
    pub comparing: bool,
    /// The diff of the baseline and this analysis.
    pub comparison: Option<Result<DiffView, String>>,
    pub on_compare: Callback<CompareChoice>,
    pub on_focus: Callback<Option<String>>,
    pub on_explain: Callback<FlowQuery>,
}

#[derive(Clone, Copy, PartialEq)]
struct View {
    scale: f64,
    x: f64,
    y: f64,
}

#[function_component(TrafficView)]
pub fn traffic_view(props: &TrafficProps) -> Html {
    let layout = &props.analysis.outcome.traffic;
    let view = use_state(|| View { scale: 1.0, x: 0.0, y: 0.0 });
    let drag = use_mut_ref(|| None::<(f64, f64)>);
    let show_denied = use_state(|| false);
    let namespace = use_state(|| None::<String>);
    let port_only = use_state(|| false);
    // Traffic to and from outside the cluster is on demand: for pods no policy
    // isolates it is every pod, and it would hide the rest.
    let show_external = use_state(|| false);

    // Blast radius (everything reachable transitively) and who can reach the focus.
    let (reach, reached_by): (BTreeSet<String>, BTreeSet<String>) = match &props.focus {
        Some(id) => (layout.reachable(id, true), layout.reachable(id, false)),
        None => (BTreeSet::new(), BTreeSet::new()),
    };
    let (port, protocol) = props.port;
    let carries_port =
        |from: &str, to: &str| layout.edges.iter().any(|e| e.from == from && e.to == to && e.carries(port, protocol));
    let visible_node = |id: &str, group: &str| {
        namespace.as_deref().is_none_or(|ns| ns == group) || id == props.focus.as_deref().unwrap_or("")
    };
    let node_group = |id: &str| layout.nodes.iter().find(|n| n.id == id).map(|n| n.group.clone()).unwrap_or_default();
    let is_external = |id: &str| id.parse::<EndpointRef>().is_ok_and(|r| r.is_external());
    let edge_visible = |from: &str, to: &str| {
        (*show_external || props.focus.as_deref().is_some_and(is_external) || !(is_external(from) || is_external(to)))
            && (namespace.is_none() || visible_node(from, &node_group(from)) || visible_node(to, &node_group(to)))
            && (!*port_only || carries_port(from, to))
    };

    let onwheel = {
        let view = view.clone();
        Callback::from(move |e: WheelEvent| {
            e.prevent_default();
            let factor = if e.delta_y() < 0.0 { 1.1 } else { 1.0 / 1.1 };
            view.set(View { scale: (view.scale * factor).clamp(0.3, 4.0), ..*view });
        })
    };
    let onmousedown = {
        let drag = drag.clone();
        Callback::from(move |e: MouseEvent| {
            *drag.borrow_mut() = Some((f64::from(e.client_x()), f64::from(e.client_y())))
        })
    };
    let onmousemove = {
        let (drag, view) = (drag.clone(), view.clone());
        Callback::from(move |e: MouseEvent| {
            let start = *drag.borrow();
            if let Some((sx, sy)) = start {
                let (cx, cy) = (f64::from(e.client_x()), f64::from(e.client_y()));
                view.set(View { x: view.x + (cx - sx) / view.scale, y: view.y + (cy - sy) / view.scale, ..*view });
                *drag.borrow_mut() = Some((cx, cy));
            }
        })
    };
    let onmouseup = {
        let drag = drag.clone();
        Callback::from(move |_: MouseEvent| *drag.borrow_mut() = None)
    };
    let zoom = |factor: f64| {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(View { scale: (view.scale * factor).clamp(0.3, 4.0), ..*view }))
    };
    let reset = {
        let view = view.clone();
        Callback::from(move |_: MouseEvent| view.set(View { scale: 1.0, x: 0.0, y: 0.0 }))
    };
    let toggle_denied = {
        let show_denied = show_denied.clone();
        Callback::from(move |_: Event| show_denied.set(!*show_denied))
    };
    let toggle_external = {
        let show_external = show_external.clone();
        Callback::from(move |_: Event| show_external.set(!*show_external))
    };
    let toggle_port = {
        let port_only = port_only.clone();
        Callback::from(move |_: Event| port_only.set(!*port_only))
    };
    let on_namespace = {
        let namespace = namespace.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() {
                let value = select.value();
                namespace.set((!value.is_empty()).then_some(value));
            }
        })
    };

    // Compare mode: each changed pair's kind, for colouring its edge.
    let compare_open = use_state(|| false);
    let pasted = use_state(String::new);
    let diff = props.comparison.as_ref().and_then(|c| c.as_ref().ok());
    let changed: BTreeMap<(&str, &str), ChangeKind> = diff
        .map(|d| d.rows.iter().map(|r| ((r.source.as_str(), r.destination.as_str()), r.kind)).collect())
        .unwrap_or_default();
    let diff_class = |from: &str, to: &str| -> Option<&'static str> {
        if !props.comparing {
            return None;
        }
        Some(match changed.get(&(from, to)) {
            Some(ChangeKind::Added) => "diff-added",
            Some(ChangeKind::Removed) => "diff-removed",
            Some(ChangeKind::Changed) => "diff-changed",
            None => "diff-same",
        })
    };
    let compare_controls = {
        let choose = |choice: CompareChoice| {
            let on_compare = props.on_compare.clone();
            let compare_open = compare_open.clone();
            Callback::from(move |_: MouseEvent| {
                compare_open.set(false);
                on_compare.emit(choice.clone())
            })
        };
        let toggle = {
            let compare_open = compare_open.clone();
            Callback::from(move |_: MouseEvent| compare_open.set(!*compare_open))
        };
        let on_paste = {
            let pasted = pasted.clone();
            Callback::from(move |e: InputEvent| {
                if let Some(area) = e.target_dyn_into::<web_sys::HtmlTextAreaElement>() {
                    pasted.set(area.value());
                }
            })
        };
        let compare_pasted = {
            let (on_compare, compare_open, pasted) = (props.on_compare.clone(), compare_open.clone(), pasted.clone());
            Callback::from(move |_: MouseEvent| {
                compare_open.set(false);
                on_compare.emit(CompareChoice::Pasted((*pasted).clone()))
            })
        };
        html! {
            <>
                if props.comparing {
                    <button class="action" onclick={choose(CompareChoice::Stop)} data-testid="compare-stop">{"Stop comparing"}</button>
                } else {
                    <button class="action" onclick={toggle} aria-expanded={compare_open.to_string()} data-testid="compare">{"Compare…"}</button>
                }
                if *compare_open && !props.comparing {
                    <div class="compare-menu" data-testid="compare-menu">
                        <p>{"Compare the traffic of two versions of the manifests: every pair whose allowed connections differ, coloured on the graph and listed, each explained before and after."}</p>
                        <button class="action primary" onclick={choose(CompareChoice::Current)} data-testid="compare-current">{"Keep this text as “before”, then edit"}</button>
                        <p class="or">{"or paste the “before” manifests:"}</p>
                        <textarea class="compare-paste" rows="6" spellcheck="false" oninput={on_paste} value={(*pasted).clone()} aria-label="The manifests before the change" data-testid="compare-paste" />
                        <button class="action" onclick={compare_pasted} disabled={pasted.trim().is_empty()} data-testid="compare-pasted">{"Compare with the pasted text"}</button>
                    </div>
                }
            </>
        }
    };
    let change_list = || -> Html {
        let Some(comparison) = &props.comparison else {
            return html! { if props.comparing { <p class="note compare-summary">{"Comparing…"}</p> } };
        };
        let d = match comparison {
            Err(message) => return html! { <p class="error">{message}</p> },
            Ok(d) => d,
        };
        let total = d.added + d.removed + d.changed;
        let row = |r: &ChangeRow| {
            let query = r.at.map(|(port, protocol)| FlowQuery {
                from: r.source.clone(),
                to: r.destination.clone(),
                port,
                protocol,
            });
            let on_explain = props.on_explain.clone();
            let onclick = Callback::from(move |_: MouseEvent| {
                if let Some(query) = &query {
                    on_explain.emit(query.clone())
                }
            });
            let (kind, sign) = match r.kind {
                ChangeKind::Added => ("added", "+"),
                ChangeKind::Removed => ("removed", "−"),
                ChangeKind::Changed => ("changed", "~"),
            };
            let endpoint = match r.endpoint {
                Some(EndpointChange::Added) => " (new endpoint)",
                Some(EndpointChange::Removed) => " (endpoint gone)",
                None => "",
            };
            html! {
                <li class={classes!("change", kind)} data-from={r.source.clone()} data-to={r.destination.clone()} data-kind={kind}>
                    <button class="link" {onclick} title="Explain before and after">
                        <span class="sign">{sign}</span>
                        <span class="pair">{format!("{} → {}{endpoint}", r.source, r.destination)}</span>
                        <span class="sets">{format!("{} ⇒ {}", r.before, r.after)}</span>
                    </button>
                </li>
            }
        };
        html! {
            <div class="compare" data-testid="comparison">
                <p class="compare-summary">
                    if total == 0 && d.endpoints_added.is_empty() && d.endpoints_removed.is_empty() {
                        {"No flow differs from the baseline yet: edit the manifests and the changes appear here."}
                    } else {
                        <span class="count added">{format!("+{} added", d.added)}</span>
                        <span class="count removed">{format!("−{} removed", d.removed)}</span>
                        <span class="count changed">{format!("~{} changed", d.changed)}</span>
                        if !d.endpoints_added.is_empty() || !d.endpoints_removed.is_empty() {
                            <span class="count">{format!("endpoints: {} new, {} gone", d.endpoints_added.len(), d.endpoints_removed.len())}</span>
                        }
                    }
                    if d.baseline_errors > 0 {
                        <span class="count">{format!("the baseline has {} error(s); what loaded is compared", d.baseline_errors)}</span>
                    }
                </p>
                if total > 0 {
                    <ul class="changes">{ for d.rows.iter().map(row) }</ul>
                    if total > d.rows.len() {
                        <p class="note">{format!("The first {CHANGES_SHOWN} of {total} changes (kubeplay diff lists them all).")}</p>
                    }
                }
            </div>
        }
    };

    let (width, height) = (layout.width.max(200.0), layout.height.max(120.0));
    let w = width / view.scale;
    let h = height / view.scale;
    let view_box = format!("{:.1} {:.1} {:.1} {:.1}", (width - w) / 2.0 - view.x, (height - h) / 2.0 - view.y, w, h);
    let focus = props.focus.clone();
    let lit = |id: &str| focus.as_deref().is_none_or(|f| f == id || reach.contains(id) || reached_by.contains(id));
    let edge_lit = |from: &str, to: &str| {
        focus.as_deref().is_none_or(|f| {
            (from == f || reach.contains(from)) && reach.contains(to)
                || (to == f || reached_by.contains(to)) && reached_by.contains(from)
        })
    };

    // Explain an edge at the chosen port when it carries it, else at its first allowed port.
    let explain_port = |from: &str, to: &str| -> (u16, Protocol) {
        if carries_port(from, to) {
            return (port, protocol);
        }
        layout
            .edges
            .iter()
            .find(|e| e.from == from && e.to == to)
            .and_then(|e| e.ports.first())
            .map_or((port, protocol), |c| (c.first, c.protocol))
    };
    // Particles on a few dozen edges show flow; on hundreds they are noise (and work).
    let animate = layout.edges.len() <= MAX_ANIMATED_EDGES;
    let edge = |e: &crate::worker::protocol::EdgeCurve, index: usize| {
        let (port, protocol) = explain_port(&e.from, &e.to);
        let query = FlowQuery { from: e.from.clone(), to: e.to.clone(), port, protocol };
        let on_explain = props.on_explain.clone();
        let onclick = Callback::from(move |_: MouseEvent| on_explain.emit(query.clone()));
        let class = classes!(
            "edge",
            if e.allowed { "allowed" } else { "denied" },
            (!edge_lit(&e.from, &e.to)).then_some("dim"),
            diff_class(&e.from, &e.to)
        );
        let duration = format!("{:.1}s", 2.2 + (index % 5) as f64 * 0.3);
        html! {
            <g class={class} data-from={e.from.clone()} data-to={e.to.clone()} {onclick}>
                <title>{format!("{} → {}: {}", e.from, e.to, e.label)}</title>
                <path class="edge-hit" d={e.path.clone()} />
                <path class="edge-line" d={e.path.clone()} marker-end={if e.allowed { "url(#arrow)" } else { "url(#arrow-denied)" }} />
                if e.allowed && animate {
                    <circle class="particle" r="3">
                        <animateMotion dur={duration} repeatCount="indefinite" path={e.path.clone()} />
                    </circle>
                }
            </g>
        }
    };

    html! {
        <div class="traffic">
            <div class="traffic-controls">
                <label>{"Namespace "}
                    <select onchange={on_namespace} aria-label="Show namespace">
                        <option value="" selected={namespace.is_none()}>{"all"}</option>
                        // Per-namespace pictures need no boxes: each node is its namespace.
                { for layout.groups.iter().filter(|g| !layout.aggregated && (!g.external || *show_external || props.focus.as_deref().is_some_and(is_external))).map(|g| html! { <option value={g.name.clone()} selected={namespace.as_deref() == Some(g.name.as_str())}>{&g.name}</option> }) }
                    </select>
                </label>
                <label><input type="checkbox" checked={*port_only} onchange={toggle_port} />{format!(" only {port}/{}", protocol.as_str())}</label>
                <label><input type="checkbox" checked={*show_denied} onchange={toggle_denied} data-testid="show-denied" />{" denied"}</label>
                <label><input type="checkbox" checked={*show_external} onchange={toggle_external} data-testid="show-external" />{" outside the cluster"}</label>
                <span class="spacer"></span>
                <button class="action" onclick={zoom(1.25)} aria-label="Zoom in">{"+"}</button>
                <button class="action" onclick={zoom(0.8)} aria-label="Zoom out">{"−"}</button>
                <button class="action" onclick={reset}>{"Reset"}</button>
                {compare_controls}
            </div>
            {change_list()}
            if layout.aggregated {
                <p class="note">{"Large input: one node per namespace."}</p>
            }
            <svg class="graph" viewBox={view_box} role="img" aria-label="Traffic graph: who can reach whom"
                {onwheel} {onmousedown} {onmousemove} onmouseup={onmouseup.clone()} onmouseleave={onmouseup}>
                <defs>
                    <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
                    </marker>
                    // For the namespace arrows: sized in pixels, not in (thick) stroke widths.
                    <marker id="arrow-group" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="14" markerHeight="14" markerUnits="userSpaceOnUse" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head group" />
                    </marker>
                    <marker id="arrow-denied" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                        <path d="M0,0 L10,5 L0,10 z" class="arrow-head denied" />
                    </marker>
                </defs>
                // Per-namespace pictures need no boxes: each node is its namespace.
                { for layout.groups.iter().filter(|g| !layout.aggregated && (!g.external || *show_external || props.focus.as_deref().is_some_and(is_external))).map(|g| html! {
                    <g class={classes!("ns", g.external.then_some("external"), g.open.then_some("open"))} data-namespace={g.name.clone()}>
                        <rect x={format!("{:.1}", g.x)} y={format!("{:.1}", g.y)} width={format!("{:.1}", g.width)} height={format!("{:.1}", g.height)} rx="12" />
                        <text x={format!("{:.1}", g.x + 14.0)} y={format!("{:.1}", g.y + 20.0)} class="ns-label">
                            { if g.external { "outside the cluster".to_owned() } else { format!("namespace {}", g.name) } }
                            if g.open {
                                <tspan class="ns-open">{" · open to each other"}</tspan>
                                <title>{"Every workload here reaches every other on every port: those flows are not drawn one by one"}</title>
                            }
                        </text>
                    </g>
                }) }
                if *show_denied {
                    { for layout.denied.iter().enumerate().filter(|(_, e)| edge_visible(&e.from, &e.to)).map(|(i, e)| edge(e, i)) }
                } else if props.comparing {
                    // Flows the change removed: denied now, drawn in compare mode.
                    { for layout.denied.iter().enumerate().filter(|(_, e)| changed.get(&(e.from.as_str(), e.to.as_str())) == Some(&ChangeKind::Removed) && edge_visible(&e.from, &e.to)).map(|(i, e)| edge(e, i)) }
                }
                // Bundled edges (inside an open namespace, or under a namespace arrow) are drawn
                // only where they matter: touching the focused node, or changed in compare mode.
                { for layout.group_edges.iter().filter(|g| {
                    namespace.as_deref().is_none_or(|ns| ns == g.from || ns == g.to) && props.focus.is_none()
                }).map(|g| html! {
                    // In compare mode the changed flows are drawn one by one; the arrows fade.
                    <g class={classes!("group-edge", props.comparing.then_some("diff-same"))} data-from={g.from.clone()} data-to={g.to.clone()}>
                        <title>{format!("Every workload in {} reaches every workload in {} on every port ({} flows)", g.from, g.to, g.edges)}</title>
                        <path class="edge-line" d={g.path.clone()} marker-end="url(#arrow-group)" />
                    </g>
                }) }
                { for layout.edges.iter().enumerate().filter(|(_, e)| {
                    edge_visible(&e.from, &e.to)
                        && (!e.bundled
                            || props.focus.as_deref().is_some_and(|f| f == e.from || f == e.to)
                            || matches!(diff_class(&e.from, &e.to), Some("diff-added" | "diff-changed")))
                }).map(|(i, e)| edge(e, i)) }
                { for layout.nodes.iter().filter(|n| !is_external(&n.id) || *show_external || props.focus.as_deref().is_some_and(is_external)).map(|n| {
                    let id = n.id.clone();
                    let on_focus = props.on_focus.clone();
                    let onclick = Callback::from(move |e: MouseEvent| { e.stop_propagation(); on_focus.emit(Some(id.clone())) });
                    let isolation = match (n.ingress_isolated, n.egress_isolated) {
                        (true, true) => "ingress+egress isolated",
                        (true, false) => "ingress isolated",
                        (false, true) => "egress isolated",
                        (false, false) => "not isolated",
                    };
                    let class = classes!(
                        "node",
                        (n.ingress_isolated || n.egress_isolated).then_some("isolated"),
                        (props.focus.as_deref() == Some(n.id.as_str())).then_some("focus"),
                        (!lit(&n.id)).then_some("dim"),
                        reach.contains(&n.id).then_some("reach"),
                        reached_by.contains(&n.id).then_some("reached-by"),
                    );
                    html! {
                        <g {class} data-id={n.id.clone()} {onclick} tabindex="0" role="button" aria-label={format!("{} ({isolation})", n.id)}>
                            <title>{format!("{} — {isolation}", n.id)}</title>
                            <rect x={format!("{:.1}", n.x)} y={format!("{:.1}", n.y)} width={format!("{:.1}", n.width)} height={format!("{:.1}", n.height)} rx="8" />
                            <text x={format!("{:.1}", n.x + 12.0)} y={format!("{:.1}", n.y + 19.0)} class="node-label">{&n.label}</text>
                            <text x={format!("{:.1}", n.x + 12.0)} y={format!("{:.1}", n.y + 36.0)} class="node-detail">{&n.detail}</text>
                        </g>
                    }
                }) }
            </svg>
            <p class="legend">
                if props.comparing {
                    <span class="key diff-added"></span>{"added"}
                    <span class="key diff-removed"></span>{"removed"}
                    <span class="key diff-changed"></span>{"changed"}
                }
                <span class="key allowed"></span>{"allowed (particles flow)"}
                <span class="key denied"></span>{"denied"}
                <span class="key isolated"></span>{"isolated by a policy"}
                {" · click a node for its blast radius, an edge to explain it"}
            </p>
        </div>
    }
}
