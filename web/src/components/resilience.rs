//! Resilience: the disruption lab played back. Regions → zones → nodes → pods
//! as a map, pods coloured by state; user regions with their traffic to the
//! regions serving them; a timeline to play, pause and step through the
//! scenario's instants; budgets, alerts, events and the drain's console; and a
//! fault palette that adds steps to the `ChaosScenario` in the editor, so a
//! share link and `kubeplay disrupt` / `kubeplay failover` replay the page.
//! Every state shown is core's (`resilience::traffic::lab::playback`).

use std::collections::BTreeMap;
use std::rc::Rc;

use kubeplay_core::k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use kubeplay_core::resilience::scenario::Step;
use yew::prelude::*;

use crate::chart::{Scale, duration_label, ticks};
use crate::state::Analysis;
use crate::worker::protocol::{Frame, PodLook, ResilienceView as View};

const ZONE_WIDTH: f64 = 156.0;
const NODE_PAD: f64 = 8.0;
const DOT: f64 = 15.0;
const DOTS_PER_ROW: usize = 8;
const REGION_HEAD: f64 = 26.0;
const ZONE_HEAD: f64 = 18.0;
const GAP: f64 = 14.0;
const USERS_HEIGHT: f64 = 96.0;
/// Simulated seconds per real second, the speeds offered.
const SPEEDS: [f64; 4] = [5.0, 15.0, 30.0, 60.0];
/// Lines the events and console panels show, newest first.
const SHOWN_LINES: usize = 60;

#[derive(Properties, PartialEq)]
pub struct ResilienceProps {
    pub analysis: Analysis,
    /// The rewritten `ChaosScenario` document, for the editor.
    pub on_scenario: Callback<String>,
}

/// Where everything stands on the map; computed once per analysis.
#[derive(Debug, PartialEq)]
struct Geometry {
    width: f64,
    height: f64,
    regions: Vec<Placed>,
    zones: Vec<Placed>,
    nodes: BTreeMap<String, Placed>,
    /// Where unbound (Pending) pods wait.
    pending: Placed,
}

#[derive(Clone, Debug, PartialEq)]
struct Placed {
    name: String,
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

fn geometry(view: &View) -> Geometry {
    // Room for the most pods a node ever holds.
    let mut most: BTreeMap<&str, usize> = BTreeMap::new();
    let mut most_pending: usize = 0;
    for frame in &view.frames {
        let mut count: BTreeMap<&str, usize> = BTreeMap::new();
        let mut pending = 0;
        for pod in &frame.pods {
            match &pod.node {
                Some(node) => *count.entry(node.as_str()).or_insert(0) += 1,
                None => pending += 1,
            }
        }
        for (node, n) in count {
            let entry = most.entry(node).or_insert(0);
            *entry = (*entry).max(n);
        }
        most_pending = most_pending.max(pending);
    }
    let node_height = |name: &str| {
        let rows = most.get(name).copied().unwrap_or(0).div_ceil(DOTS_PER_ROW).max(1);
        33.0 + rows as f64 * DOT + NODE_PAD
    };
    let top = if view.user_regions.is_empty() { 0.0 } else { USERS_HEIGHT };
    let mut x = 0.0;
    let (mut regions, mut zones, mut nodes) = (Vec::new(), Vec::new(), BTreeMap::new());
    let mut tallest: f64 = 0.0;
    for region in &view.regions {
        let start = x;
        let mut bottom: f64 = top + REGION_HEAD;
        for zone in &region.zones {
            let mut y = top + REGION_HEAD + ZONE_HEAD;
            for node in &zone.nodes {
                let height = node_height(node);
                nodes.insert(
                    node.clone(),
                    Placed { name: node.clone(), x: x + 6.0, y, width: ZONE_WIDTH - 12.0, height },
                );
                y += height + 6.0;
            }
            zones.push(Placed {
                name: zone.name.clone(),
                x: x + 2.0,
                y: top + REGION_HEAD,
                width: ZONE_WIDTH - 4.0,
                height: y - top - REGION_HEAD,
            });
            bottom = bottom.max(y);
            x += ZONE_WIDTH;
        }
        let height = bottom - top + 4.0;
        tallest = tallest.max(height);
        regions.push(Placed { name: region.name.clone(), x: start, y: top, width: x - start, height });
        x += GAP;
    }
    for region in &mut regions {
        region.height = tallest;
    }
    let width = (x - GAP).max(ZONE_WIDTH);
    let pending_rows = most_pending.div_ceil(DOTS_PER_ROW * 3).max(1);
    let pending = Placed {
        name: "Pending".to_owned(),
        x: 0.0,
        y: top + tallest + 10.0,
        width,
        height: if most_pending == 0 { 0.0 } else { 24.0 + pending_rows as f64 * DOT },
    };
    let height = pending.y + pending.height + 4.0;
    Geometry { width, height, regions, zones, nodes, pending }
}

/// Playback: where the cursor is (seconds, `-1` at rest), playing or not, how fast.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Player {
    cursor: f64,
    playing: bool,
    speed: f64,
}

enum PlayerAction {
    Toggle { first: f64, end: f64 },
    Tick { seconds: f64, end: f64 },
    Seek(f64),
    Speed(f64),
}

impl Reducible for Player {
    type Action = PlayerAction;

    fn reduce(self: Rc<Self>, action: PlayerAction) -> Rc<Self> {
        let mut next = *self;
        match action {
            PlayerAction::Toggle { first, end } => {
                next.playing = !self.playing;
                // Playing from the end starts over.
                if next.playing && self.cursor >= end {
                    next.cursor = first;
                }
            }
            PlayerAction::Tick { seconds, end } => {
                if !self.playing {
                    return self;
                }
                next.cursor = (self.cursor.max(0.0) + seconds * self.speed).min(end);
                if next.cursor >= end {
                    next.playing = false;
                }
            }
            PlayerAction::Seek(t) => {
                next.cursor = t;
                next.playing = false;
            }
            PlayerAction::Speed(speed) => next.speed = speed,
        }
        Rc::new(next)
    }
}

/// The frame shown at `cursor`: the last instant at or before it.
fn frame_at(frames: &[Frame], cursor: f64) -> usize {
    frames.partition_point(|f| (f.t as f64) <= cursor).saturating_sub(1)
}

fn time_label(t: i64) -> String {
    if t < 0 { "at rest".to_owned() } else { format!("t = {}", duration_label(t as f64)) }
}

fn rps(value: f64) -> String {
    if (value - value.round()).abs() < 0.05 { format!("{value:.0}") } else { format!("{value:.1}") }
}

#[function_component(ResilienceView)]
pub fn resilience_view(props: &ResilienceProps) -> Html {
    let outcome = props.analysis.outcome.clone();
    let view = &outcome.resilience;
    let geometry = use_memo(props.analysis.clone(), |analysis| geometry(&analysis.outcome.resilience));
    let player = use_reducer(|| Player { cursor: -1.0, playing: false, speed: 15.0 });
    let end = view.frames.last().map_or(0.0, |f| f.t as f64);
    {
        let dispatcher = player.dispatcher();
        use_effect_with(player.playing, move |playing| {
            let interval = playing.then(|| {
                let mut last = js_sys::Date::now();
                gloo_timers::callback::Interval::new(16, move || {
                    let now = js_sys::Date::now();
                    let seconds = ((now - last) / 1000.0).clamp(0.0, 0.25);
                    last = now;
                    dispatcher.dispatch(PlayerAction::Tick { seconds, end });
                })
            });
            move || drop(interval)
        });
    }
    if view.frames.is_empty() {
        let note = view.note.clone().unwrap_or_else(|| "Nothing to play.".to_owned());
        return html! { <div class="empty resilience-empty"><p>{note}</p></div> };
    }
    let index = frame_at(&view.frames, player.cursor);
    let frame = &view.frames[index];
    let t = frame.t;
    let first = view.frames.first().map_or(-1.0, |f| f.t as f64);
    let seek = |i: usize| {
        let dispatcher = player.dispatcher();
        let target = view.frames.get(i).map(|f| f.t as f64);
        Callback::from(move |_| {
            if let Some(target) = target {
                dispatcher.dispatch(PlayerAction::Seek(target))
            }
        })
    };
    let on_toggle = {
        let dispatcher = player.dispatcher();
        Callback::from(move |_| dispatcher.dispatch(PlayerAction::Toggle { first, end }))
    };
    let on_slider = {
        let dispatcher = player.dispatcher();
        let instants: Vec<f64> = view.frames.iter().map(|f| f.t as f64).collect();
        Callback::from(move |e: InputEvent| {
            let input = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok());
            if let Some(i) = input.and_then(|input| input.value().parse::<usize>().ok())
                && let Some(t) = instants.get(i)
            {
                dispatcher.dispatch(PlayerAction::Seek(*t));
            }
        })
    };
    let on_speed = {
        let dispatcher = player.dispatcher();
        Callback::from(move |e: Event| {
            let select = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok());
            if let Some(speed) = select.and_then(|s| s.value().parse::<f64>().ok()) {
                dispatcher.dispatch(PlayerAction::Speed(speed));
            }
        })
    };
    let at_for_palette = t.max(0);
    html! {
        <div class="resilience" data-frame={index.to_string()} data-t={t.to_string()} data-playing={player.playing.to_string()}>
            <header class="resilience-head">
                <h3>{ view.scenario.as_ref().and_then(|s| s.metadata.name.clone()).map_or("Resilience lab".to_owned(), |n| format!("ChaosScenario {n}")) }</h3>
                <p class="muted">{format!(
                    "{} · {} simulated{}{}",
                    view.topology, duration_label(view.horizon as f64),
                    view.mode.as_ref().map_or(String::new(), |m| format!(" · GlobalLoadBalancer in {m} mode")),
                    if view.cut { " · later instants cut" } else { "" },
                )}</p>
            </header>
            <FailoverStory analysis={props.analysis.clone()} />
            <div class="timeline" role="group" aria-label="Timeline">
                <button class="action" data-action="step-back" aria-label="Previous instant" onclick={seek(index.saturating_sub(1))}>{"◀ prev"}</button>
                <button class="action play" data-action="play" aria-label={if player.playing { "Pause" } else { "Play" }} onclick={on_toggle}>{ if player.playing { "⏸ pause" } else { "▶ play" } }</button>
                <button class="action" data-action="step-forward" aria-label="Next instant" onclick={seek((index + 1).min(view.frames.len() - 1))}>{"next ▶"}</button>
                <input type="range" class="scrubber" min="0" max={(view.frames.len() - 1).to_string()} value={index.to_string()} oninput={on_slider} aria-label="Instant" />
                <output class="clock">{time_label(t)}</output>
                <select class="speed" aria-label="Speed" onchange={on_speed}>
                    { for SPEEDS.iter().map(|s| html! { <option value={s.to_string()} selected={(*s - player.speed).abs() < 0.01}>{format!("{s}× ")}</option> }) }
                </select>
            </div>
            <MapView analysis={props.analysis.clone()} {geometry} {index} />
            <Legend />
            <div class="resilience-panels">
                <Gauges analysis={props.analysis.clone()} {index} />
                <Alerts analysis={props.analysis.clone()} {t} />
                <Lines title="Events" class="events" analysis={props.analysis.clone()} console=false {t} />
                <Lines title="Console" class="console" analysis={props.analysis.clone()} console=true {t} />
            </div>
            <Palette analysis={props.analysis.clone()} at={at_for_palette} on_scenario={props.on_scenario.clone()} />
            <Mesh analysis={props.analysis.clone()} />
            <details class="simplifications">
                <summary>{"Simplifications of this lab"}</summary>
                <ul>{ for view.simplifications.iter().map(|s| html! { <li>{s}</li> }) }</ul>
            </details>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct OutcomeProps {
    analysis: Analysis,
}

/// The material's failover story with this run's numbers.
#[function_component(FailoverStory)]
fn failover_story(props: &OutcomeProps) -> Html {
    let view = &props.analysis.outcome.resilience;
    if view.failover.is_empty() {
        return html! {};
    }
    html! {
        <section class="story" aria-label="Failover">
            { for view.failover.iter().map(|f| {
                let needed: Vec<String> = f.endpoints_needed.iter().map(|(region, n)| match n {
                    Some(n) => format!("{region} needs {n} endpoints"),
                    None => format!("{region}: no rate per endpoint"),
                }).collect();
                html! {
                    <div class="story-card" data-region={f.region.clone()}>
                        <strong>{format!("{} fails at {}", f.region, duration_label(f.failed_at as f64))}</strong>
                        <ul>
                            <li>{format!("detected at {} (+{})", duration_label(f.detected_at as f64), duration_label((f.detected_at - f.failed_at) as f64))}</li>
                            <li>{format!("failover complete by {} (+{})", duration_label(f.complete_by as f64), duration_label((f.complete_by - f.failed_at) as f64))}</li>
                            <li>{format!("{} rps moved; survivors can serve {} of {} rps", rps(f.moved_rps), rps(f.survivor_capacity_rps), rps(f.total_demand_rps))}</li>
                            if let Some(load) = f.survivor_load {
                                <li class={classes!((load > 1.0).then_some("over"))} data-survivor-load={format!("{:.0}", load * 100.0)}>{format!("survivor load {:.0} %", load * 100.0)}</li>
                            }
                            if f.shortfall_rps > 0.0 {
                                <li class="over">{format!("short by {} rps — {}", rps(f.shortfall_rps), needed.join(", "))}</li>
                            } else {
                                <li class="ok">{format!("no shortfall ({})", needed.join(", "))}</li>
                            }
                        </ul>
                    </div>
                }
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct MapProps {
    analysis: Analysis,
    geometry: Rc<Geometry>,
    index: usize,
}

#[function_component(MapView)]
fn map_view(props: &MapProps) -> Html {
    let view = &props.analysis.outcome.resilience;
    let g = &props.geometry;
    let Some(frame) = view.frames.get(props.index) else { return html! {} };
    // Pods per node in name order, so a pod keeps its seat while others come and go.
    let mut seats: BTreeMap<Option<&str>, Vec<&crate::worker::protocol::PodDot>> = BTreeMap::new();
    for pod in &frame.pods {
        seats.entry(pod.node.as_deref()).or_default().push(pod);
    }
    let dot = |pod: &crate::worker::protocol::PodDot, x: f64, y: f64| {
        let delayed = (pod.delay_ms > 0)
            .then(|| html! { <circle class="delay-ring" cx={x.to_string()} cy={y.to_string()} r="7.5" /> });
        html! {
            <g class={classes!("pod", pod.look.class())} data-pod={format!("{}/{}", pod.namespace, pod.name)} data-look={pod.look.class()}>
                <title>{format!("{}/{} — {}{}", pod.namespace, pod.name, pod.look.label(), if pod.delay_ms > 0 { format!(", +{} ms netem delay", pod.delay_ms) } else { String::new() })}</title>
                <circle cx={x.to_string()} cy={y.to_string()} r="5.5" />
                { for delayed }
            </g>
        }
    };
    let node_boxes = g.nodes.values().map(|placed| {
        let look = frame.nodes.iter().find(|n| n.name == placed.name);
        let down = look.is_some_and(|n| n.down);
        let not_ready = look.is_some_and(|n| n.ready != "True");
        let cordoned = look.is_some_and(|n| n.cordoned);
        let status = match (down, not_ready, cordoned) {
            (true, true, _) => "down · NotReady",
            (true, false, _) => "down · API: Ready",
            (false, true, _) => "NotReady",
            (false, false, true) => "cordoned",
            _ => "Ready",
        };
        let pods = seats.get(&Some(placed.name.as_str())).cloned().unwrap_or_default();
        let taints = look.map(|n| n.taints.join(", ")).unwrap_or_default();
        html! {
            <g class={classes!("node", down.then_some("down"), not_ready.then_some("not-ready"), cordoned.then_some("cordoned"))} data-node={placed.name.clone()}>
                <title>{format!("{} — {status}{}", placed.name, if taints.is_empty() { String::new() } else { format!(" — taints: {taints}") })}</title>
                <rect x={placed.x.to_string()} y={placed.y.to_string()} width={placed.width.to_string()} height={placed.height.to_string()} rx="5" />
                <text class="node-name" x={(placed.x + 6.0).to_string()} y={(placed.y + 13.0).to_string()}>{&placed.name}</text>
                <text class="node-status" x={(placed.x + 6.0).to_string()} y={(placed.y + 25.0).to_string()}>{status}</text>
                { for pods.iter().enumerate().map(|(i, pod)| {
                    let x = placed.x + 10.0 + (i % DOTS_PER_ROW) as f64 * DOT;
                    let y = placed.y + 37.0 + (i / DOTS_PER_ROW) as f64 * DOT;
                    dot(pod, x, y)
                }) }
            </g>
        }
    });
    let pending = seats.get(&None).cloned().unwrap_or_default();
    let pending_tray = (!pending.is_empty()).then(|| {
        let p = &g.pending;
        html! {
            <g class="pending-tray">
                <rect x={p.x.to_string()} y={p.y.to_string()} width={p.width.to_string()} height={p.height.to_string()} rx="6" />
                <text x={(p.x + 8.0).to_string()} y={(p.y + 14.0).to_string()}>{format!("Pending — no node fits ({})", pending.len())}</text>
                { for pending.iter().enumerate().map(|(i, pod)| {
                    let per_row = DOTS_PER_ROW * 3;
                    dot(pod, p.x + 12.0 + (i % per_row) as f64 * DOT, p.y + 28.0 + (i / per_row) as f64 * DOT)
                }) }
            </g>
        }
    });
    // Traffic: each user region above, a band to every region that serves it.
    let users = &view.user_regions;
    let user_x = |i: usize| g.width * (i as f64 + 0.5) / users.len().max(1) as f64;
    let region_of = |name: &str| g.regions.iter().find(|r| r.name == name);
    let total: f64 = frame.routing.iter().flat_map(|r| r.allocations.iter().map(|(_, v)| *v)).sum::<f64>().max(1.0);
    let flows = frame.routing.iter().enumerate().flat_map(|(u, route)| {
        let ux = user_x(u);
        route
            .allocations
            .iter()
            .filter_map(|(region, value)| {
                let r = region_of(region)?;
                let (x1, y1) = (ux, 40.0);
                let (x2, y2) = (r.x + r.width / 2.0 + (u as f64 - 0.5) * 18.0, r.y);
                let width = 1.5 + 9.0 * value / total;
                let failing = frame.regions.iter().find(|l| &l.region == region).is_some_and(|l| !l.serving);
                let path = format!("M{x1:.1},{y1:.1} C{x1:.1},{:.1} {x2:.1},{:.1} {x2:.1},{y2:.1}", y1 + 30.0, y2 - 30.0);
                let (mx, my) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0 + 4.0);
                Some(html! {
                    <g class={classes!("flow", failing.then_some("failing"))} data-from={route.user_region.clone()} data-to={region.clone()}>
                        <path d={path} stroke-width={format!("{width:.1}")} />
                        <text class="flow-label" x={format!("{mx:.1}")} y={format!("{my:.1}")} text-anchor="middle">{format!("{} rps", rps(*value))}</text>
                    </g>
                })
            })
            .collect::<Vec<_>>()
    });
    let user_boxes = frame.routing.iter().enumerate().map(|(u, route)| {
        let x = user_x(u);
        let errors = route.error_rps + route.unserved_rps;
        let detail = match (route.latency_ms, errors > 0.0) {
            (Some(ms), false) => format!("{} ms", rps(ms)),
            (Some(ms), true) => format!("{} ms · {} rps fail", rps(ms), rps(errors)),
            (None, _) => format!("{} rps fail", rps(errors)),
        };
        html! {
            <g class={classes!("user-region", (errors > 0.0).then_some("errors"))} data-user={route.user_region.clone()}>
                <rect x={(x - 70.0).to_string()} y="2" width="140" height="38" rx="19" />
                <text x={x.to_string()} y="18" text-anchor="middle" class="user-name">{&route.user_region}</text>
                <text x={x.to_string()} y="33" text-anchor="middle" class="user-detail">{detail}</text>
            </g>
        }
    });
    html! {
        <svg class="resilience-map" viewBox={format!("-4 -2 {:.0} {:.0}", g.width + 8.0, g.height + 4.0)} role="img" aria-label="Regions, zones, nodes and pods">
            { for g.regions.iter().map(|r| {
                let load = frame.regions.iter().find(|l| l.region == r.name);
                let label = load.map(|l| {
                    let util = l.utilization.map_or(String::new(), |u| format!(" · {:.0} %", u * 100.0));
                    format!("{} / {} rps{util}{}", rps(l.load_rps), rps(l.capacity_rps), if l.healthy { "" } else { " · unhealthy" })
                }).unwrap_or_default();
                let over = load.and_then(|l| l.utilization).is_some_and(|u| u > 1.0);
                let api_down = load.is_some_and(|l| !l.api_reachable);
                html! {
                    <g class={classes!("region", over.then_some("over"), api_down.then_some("api-down"))} data-region={r.name.clone()}>
                        <rect x={r.x.to_string()} y={r.y.to_string()} width={r.width.to_string()} height={r.height.to_string()} rx="8" />
                        <text class="region-name" x={(r.x + 8.0).to_string()} y={(r.y + 17.0).to_string()}>{ if r.name.is_empty() { "(no region)".to_owned() } else { r.name.clone() } }</text>
                        <text class="region-load" x={(r.x + r.width - 8.0).to_string()} y={(r.y + 17.0).to_string()} text-anchor="end">{label}</text>
                    </g>
                }
            }) }
            { for g.zones.iter().map(|z| html! {
                <g class="zone">
                    <rect x={z.x.to_string()} y={z.y.to_string()} width={z.width.to_string()} height={z.height.to_string()} rx="6" />
                    <text x={(z.x + 6.0).to_string()} y={(z.y + 13.0).to_string()}>{ if z.name.is_empty() { "(no zone)".to_owned() } else { z.name.clone() } }</text>
                </g>
            }) }
            { for node_boxes }
            { for pending_tray }
            { for flows }
            { for user_boxes }
        </svg>
    }
}

#[function_component(Legend)]
fn legend() -> Html {
    html! {
        <div class="legend pod-legend">
            { for PodLook::ALL.iter().map(|look| html! {
                <span class={classes!("key", look.class())}><svg viewBox="0 0 12 12" width="12" height="12" aria-hidden="true"><circle class="swatch" cx="6" cy="6" r="5" /></svg>{look.label()}</span>
            }) }
            <span class="key delayed"><svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true"><circle class="delay-ring" cx="8" cy="8" r="6.5" /></svg>{"netem delay"}</span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct IndexProps {
    analysis: Analysis,
    index: usize,
}

/// PodDisruptionBudgets: allowed disruptions now, and over the run.
#[function_component(Gauges)]
fn gauges(props: &IndexProps) -> Html {
    let view = &props.analysis.outcome.resilience;
    if view.pdbs.is_empty() {
        return html! {};
    }
    const W: f64 = 220.0;
    const H: f64 = 44.0;
    let frames = &view.frames;
    let x = Scale::new((0.0, (frames.len().max(2) - 1) as f64), (2.0, W - 2.0));
    html! {
        <section class="panel gauges" aria-label="PodDisruptionBudgets">
            <h4>{"Disruption budgets"}</h4>
            { for view.pdbs.iter().enumerate().map(|(b, name)| {
                let now = frames.get(props.index).and_then(|f| f.pdbs.get(b));
                let highest = frames.iter().filter_map(|f| f.pdbs.get(b)).map(|g| g.allowed.max(g.expected)).max().unwrap_or(1).max(1);
                let (_, top) = ticks(highest as f64, 2);
                let y = Scale::new((0.0, top.max(1.0)), (H - 4.0, 4.0));
                let mut path = String::new();
                for (i, f) in frames.iter().enumerate() {
                    if let Some(g) = f.pdbs.get(b) {
                        let (px, py) = (x.map(i as f64), y.map(g.allowed as f64));
                        path.push_str(&format!("{}{px:.1},{py:.1}", if path.is_empty() { "M" } else { " L" }));
                    }
                }
                let cursor = x.map(props.index as f64);
                html! {
                    <div class={classes!("gauge", now.is_some_and(|g| g.allowed == 0).then_some("blocked"))} data-pdb={name.clone()} data-allowed={now.map(|g| g.allowed.to_string())}>
                        <div class="gauge-text">
                            <code>{name}</code>
                            { for now.map(|g| html! { <span>{format!("{} disruption{} allowed · {} of {} healthy (needs {})", g.allowed, if g.allowed == 1 { "" } else { "s" }, g.current, g.expected, g.desired)}</span> }) }
                        </div>
                        <svg viewBox={format!("0 0 {W} {H}")} class="sparkline" role="img" aria-label={format!("{name}: allowed disruptions over the run")}>
                            <line class="axis" x1="2" x2={(W - 2.0).to_string()} y1={y.map(0.0).to_string()} y2={y.map(0.0).to_string()} />
                            <path d={path} />
                            <line class="cursor" x1={cursor.to_string()} x2={cursor.to_string()} y1="2" y2={(H - 2.0).to_string()} />
                        </svg>
                    </div>
                }
            }) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct TimeProps {
    analysis: Analysis,
    t: i64,
}

#[function_component(Alerts)]
fn alerts(props: &TimeProps) -> Html {
    let view = &props.analysis.outcome.resilience;
    if view.alerts.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel alerts" aria-label="Alerts">
            <h4>{"Alerts"}</h4>
            <ul>
            { for view.alerts.iter().map(|a| {
                let state = a.state_at(props.t);
                let when = match (a.pending_at, a.firing_at, a.resolved_at) {
                    (_, _, Some(r)) => format!("resolved at {}", duration_label(r as f64)),
                    (_, Some(f), None) => format!("fires at {}", duration_label(f as f64)),
                    (Some(p), None, None) => format!("pending from {}, never fires", duration_label(p as f64)),
                    (None, None, None) => "never fires in this run".to_owned(),
                };
                html! { <li class={classes!("alert", state)} data-alert={a.name.clone()} data-state={state}><span class="alert-state">{state}</span>{" "}<code>{&a.name}</code><span class="muted">{format!(" — {when}")}</span></li> }
            }) }
            </ul>
            if view.topology == "ClusterPerRegion" {
                <p class="note">{"Each region is its own cluster: an alert on a workload is evaluated by that region's control plane and stops with it."}</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct LinesProps {
    title: &'static str,
    class: &'static str,
    analysis: Analysis,
    /// The drain's console, else the events.
    console: bool,
    t: i64,
}

/// Lines up to the cursor, newest last and in view.
#[function_component(Lines)]
fn lines(props: &LinesProps) -> Html {
    let view = &props.analysis.outcome.resilience;
    let lines = if props.console { &view.console } else { &view.events };
    if lines.is_empty() {
        return html! {};
    }
    let shown = lines.partition_point(|l| l.t <= props.t);
    let up_to_now = lines.get(..shown).unwrap_or_default();
    let recent = up_to_now.iter().rev().take(SHOWN_LINES).collect::<Vec<_>>();
    // A long drain would scroll its own command out of the console: the commands
    // older than the newest lines stay, below a gap.
    let older = up_to_now.len().saturating_sub(SHOWN_LINES);
    let commands = if props.console {
        up_to_now[..older].iter().rev().filter(|l| l.text.starts_with("$ ")).collect::<Vec<_>>()
    } else {
        Vec::new()
    };
    let current = props.t;
    html! {
        <section class={classes!("panel", "lines", props.class)} aria-label={props.title}>
            <h4>{props.title}{format!(" ({shown}/{})", lines.len())}</h4>
            <ol reversed=true>
                { for recent.into_iter().map(|l| html! {
                    <li class={classes!(l.bad.then_some("bad"), (l.t == current).then_some("now"))}><span class="at">{duration_label(l.t as f64)}</span><span class="text">{&l.text}</span></li>
                }) }
                if !commands.is_empty() {
                    <li class="gap" aria-hidden="true">{"…"}</li>
                }
                { for commands.into_iter().map(|l| html! {
                    <li><span class="at">{duration_label(l.t as f64)}</span><span class="text">{&l.text}</span></li>
                }) }
            </ol>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PaletteProps {
    analysis: Analysis,
    at: i64,
    on_scenario: Callback<String>,
}

/// The faults the palette offers, with the step action each writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    Drain,
    KillPod,
    NodeFailure,
    ZoneFailure,
    RegionFailure,
    Delay,
    FailRequests,
}

impl Fault {
    pub const ALL: [Fault; 7] = [
        Fault::Drain,
        Fault::KillPod,
        Fault::NodeFailure,
        Fault::ZoneFailure,
        Fault::RegionFailure,
        Fault::Delay,
        Fault::FailRequests,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Fault::Drain => "drain",
            Fault::KillPod => "kill-pod",
            Fault::NodeFailure => "fail-node",
            Fault::ZoneFailure => "fail-zone",
            Fault::RegionFailure => "fail-region",
            Fault::Delay => "delay",
            Fault::FailRequests => "fail-requests",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Fault::Drain => "drain a node",
            Fault::KillPod => "kill a pod",
            Fault::NodeFailure => "fail a node",
            Fault::ZoneFailure => "fail a zone",
            Fault::RegionFailure => "fail a region",
            Fault::Delay => "add 100 ms delay",
            Fault::FailRequests => "make an app fail requests",
        }
    }

    /// The choices for the fault's target.
    pub fn targets(self, targets: &crate::worker::protocol::Targets) -> Vec<String> {
        match self {
            Fault::Drain | Fault::NodeFailure => targets.nodes.clone(),
            Fault::ZoneFailure => targets.zones.clone(),
            Fault::RegionFailure => targets.regions.clone(),
            Fault::KillPod | Fault::Delay | Fault::FailRequests => {
                targets.workloads.iter().map(|w| format!("{}/{}", w.namespace, w.name)).collect()
            }
        }
    }
}

/// The step a fault writes at second `at` on `target`; `seed` picks which pod a kill takes.
pub fn fault_step(
    fault: Fault,
    target: &str,
    at: i64,
    seed: i64,
    targets: &crate::worker::protocol::Targets,
) -> Option<Step> {
    let workload = || {
        let (namespace, name) = target.split_once('/')?;
        targets.workloads.iter().find(|w| w.namespace == namespace && w.name == name)
    };
    let selecting = |action: &str| {
        let w = workload()?;
        Some(Step {
            at,
            action: action.to_owned(),
            namespace: Some(w.namespace.clone()),
            label_selector: Some(LabelSelector { match_labels: Some(w.labels.clone()), ..LabelSelector::default() }),
            ..Step::default()
        })
    };
    let named = |action: &str| Step { at, action: action.to_owned(), ..Step::default() };
    match fault {
        Fault::Drain => Some(Step { node: Some(target.to_owned()), ignore_daemonsets: Some(true), ..named("Drain") }),
        Fault::NodeFailure => Some(Step { node: Some(target.to_owned()), ..named("NodeFailure") }),
        Fault::ZoneFailure => Some(Step { zone: Some(target.to_owned()), ..named("ZoneFailure") }),
        Fault::RegionFailure => Some(Step { region: Some(target.to_owned()), ..named("RegionFailure") }),
        Fault::KillPod => selecting("KillPod").map(|s| Step { seed: Some(seed), ..s }),
        Fault::Delay => selecting("NetemDelay").map(|s| Step { delay_ms: Some(100), ..s }),
        Fault::FailRequests => selecting("FailRequests"),
    }
}

#[function_component(Palette)]
fn palette(props: &PaletteProps) -> Html {
    let view = &props.analysis.outcome.resilience;
    let fault = use_state(|| Fault::Drain);
    let target = use_state(|| None::<String>);
    let choices = fault.targets(&view.targets);
    let chosen = target.as_ref().filter(|t| choices.contains(t)).or(choices.first()).cloned();
    let Some(scenario) = view.scenario.clone() else { return html! {} };
    let on_fault = |f: Fault| {
        let (fault, target) = (fault.clone(), target.clone());
        Callback::from(move |_| {
            fault.set(f);
            target.set(None);
        })
    };
    let on_target = {
        let target = target.clone();
        Callback::from(move |e: Event| {
            let select = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(t).ok());
            if let Some(select) = select {
                target.set(Some(select.value()));
            }
        })
    };
    let on_add = {
        let (fault, chosen, targets, at, on_scenario) =
            (*fault, chosen.clone(), view.targets.clone(), props.at, props.on_scenario.clone());
        Callback::from(move |_| {
            let Some(chosen) = &chosen else { return };
            let mut scenario = scenario.clone();
            let kills = scenario
                .spec
                .as_ref()
                .and_then(|s| s.steps.as_ref())
                .map_or(0, |steps| steps.iter().filter(|s| s.action == "KillPod").count());
            if let Some(step) = fault_step(fault, chosen, at, kills as i64, &targets) {
                scenario.insert_step(step);
                on_scenario.emit(scenario.document());
            }
        })
    };
    html! {
        <section class="palette" aria-label="Fault palette">
            <h4>{"Break something"}</h4>
            <div class="faults" role="group" aria-label="Faults">
                { for Fault::ALL.into_iter().map(|f| html! {
                    <button class={classes!("action", (*fault == f).then_some("active"))} data-fault={f.id()} onclick={on_fault(f)}>{f.label()}</button>
                }) }
            </div>
            <div class="fault-target">
                <select aria-label="Target" class="target" onchange={on_target} disabled={choices.is_empty()}>
                    { for choices.iter().map(|c| html! { <option value={c.clone()} selected={Some(c) == chosen.as_ref()}>{c}</option> }) }
                </select>
                <button class="action primary" data-action="add-fault" onclick={on_add} disabled={chosen.is_none()}>
                    {format!("add at {} to the ChaosScenario", duration_label(props.at as f64))}
                </button>
            </div>
            <p class="muted">{"Adds a step to the ChaosScenario in the editor: a share link, kubeplay disrupt and kubeplay failover replay it."}</p>
        </section>
    }
}

#[function_component(Mesh)]
fn mesh(props: &OutcomeProps) -> Html {
    let view = &props.analysis.outcome.resilience;
    if view.mesh.is_empty() {
        return html! {};
    }
    html! {
        <section class="panel mesh" aria-label="Mesh">
            <h4>{"Mesh locality (end of the run)"}</h4>
            { for view.mesh.iter().map(|m| html! {
                <div class="mesh-client" data-client={m.client.clone()} data-errors={format!("{:.3}", m.error_fraction)}>
                    <p><code>{&m.client}</code>{" → "}<code>{&m.host}</code>{format!(" · {:.0} % of requests fail", m.error_fraction * 100.0)}
                        { if m.ejected.is_empty() { " · nothing ejected".to_owned() } else { format!(" · ejected: {}", m.ejected.join(", ")) } }</p>
                    <table class="effective">
                        <thead><tr><th>{"priority"}</th><th>{"localities"}</th><th>{"healthy"}</th><th>{"load"}</th></tr></thead>
                        <tbody>{ for m.priorities.iter().map(|(p, localities, healthy, load)| html! {
                            <tr><td>{p}</td><td>{localities}</td><td>{healthy}</td><td>{format!("{load} %")}</td></tr>
                        }) }</tbody>
                    </table>
                </div>
            }) }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::worker::protocol::{Targets, WorkloadTarget};

    #[test]
    fn faults_write_the_steps_the_lab_reads() {
        let targets = Targets {
            nodes: vec!["node-1".into()],
            zones: vec!["east-a".into()],
            regions: vec!["east".into()],
            workloads: vec![WorkloadTarget {
                namespace: "shop".into(),
                name: "web".into(),
                labels: [("app".to_owned(), "web".to_owned())].into(),
            }],
        };
        let drain = fault_step(Fault::Drain, "node-1", 30, 0, &targets).expect("a step");
        assert_eq!(
            (drain.action.as_str(), drain.node.as_deref(), drain.ignore_daemonsets),
            ("Drain", Some("node-1"), Some(true))
        );
        let kill = fault_step(Fault::KillPod, "shop/web", 0, 2, &targets).expect("a step");
        assert_eq!((kill.namespace.as_deref(), kill.seed), (Some("shop"), Some(2)));
        assert_eq!(kill.label_selector.and_then(|s| s.match_labels).map(|l| l.len()), Some(1));
        assert_eq!(fault_step(Fault::Delay, "shop/web", 0, 0, &targets).and_then(|s| s.delay_ms), Some(100));
        assert!(fault_step(Fault::FailRequests, "shop/nope", 0, 0, &targets).is_none());
        for fault in Fault::ALL {
            assert!(!fault.targets(&targets).is_empty(), "{fault:?}");
        }
    }

    #[test]
    fn the_frame_shown_is_the_last_instant_at_or_before_the_cursor() {
        let frame = |t: i64| Frame { t, pods: vec![], nodes: vec![], pdbs: vec![], regions: vec![], routing: vec![] };
        let frames = vec![frame(-1), frame(0), frame(10), frame(60)];
        assert_eq!(frame_at(&frames, -1.0), 0);
        assert_eq!(frame_at(&frames, 9.9), 1);
        assert_eq!(frame_at(&frames, 10.0), 2);
        assert_eq!(frame_at(&frames, 900.0), 3);
    }
}
