//! Scaling: the HPA timeline of the input's `HPASimulation` — replicas actual,
//! desired and proposed by the metrics, each metric against its target, the
//! reconciles a stabilization window, a rate limit or a quota held back — with
//! load presets and sliders that rewrite the simulation in the editor, so a share
//! link and `kubeplay hpa` reproduce what the chart shows.

use std::rc::Rc;

use yew::prelude::*;

use crate::chart::{Scale, duration_label, step_path, ticks, time_ticks};
use crate::worker::protocol::{HpaStepView, HpaTimelineView, LoadShape};

const WIDTH: f64 = 720.0;
const REPLICAS_HEIGHT: f64 = 220.0;
const METRIC_HEIGHT: f64 = 130.0;
const LEFT: f64 = 44.0;
const RIGHT: f64 = 16.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 26.0;

// The views are shared (`Rc`) and compared by address: a view is never changed in
// place, so the same address is the same view, and a re-render neither copies a
// timeline's steps nor walks them.

#[derive(Properties)]
pub struct ScalingProps {
    pub view: Rc<crate::worker::protocol::ScalingView>,
    /// Drawn ahead of the analysis of its text (a load control moved); said in
    /// `data-drawn-from` for the browser tests.
    #[prop_or_default]
    pub preview: bool,
    /// The load the simulation asks for, rewritten by a preset or a slider: the new `HPASimulation` document.
    pub on_simulation: Callback<String>,
}

impl PartialEq for ScalingProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.view, &other.view)
            && self.preview == other.preview
            && self.on_simulation == other.on_simulation
    }
}

#[function_component(ScalingView)]
pub fn scaling_view(props: &ScalingProps) -> Html {
    let vpas = props.view.vpas.iter().map(|panel| html! { <super::vpa::VpaPanel panel={panel.clone()} /> });
    let drawn_from = if props.preview { "preview" } else { "analysis" };
    let Some(timeline) = &props.view.hpa else {
        let note = props.view.note.clone().unwrap_or_else(|| "No HorizontalPodAutoscaler in the input.".to_owned());
        let start = props.view.unsimulated.as_ref().map(|hpa| {
            let (namespace, name) = hpa.split_once('/').unwrap_or(("default", hpa.as_str()));
            let document = format!(
                "apiVersion: kubeplay.dev/v1alpha1\nkind: HPASimulation\nmetadata:\n  name: {name}-lab\n  namespace: {namespace}\nspec:\n  hpa: {name}\n  duration: 900s\n"
            );
            let on_simulation = props.on_simulation.clone();
            let onclick = Callback::from(move |_| on_simulation.emit(document.clone()));
            html! { <button class="action" data-action="add-simulation" {onclick}>{format!("Simulate {hpa} over 15 minutes")}</button> }
        });
        return html! {
            <div class="scaling" data-drawn-from={drawn_from}>
                <div class="empty"><p>{note}</p>{ for start }</div>
                { for vpas }
            </div>
        };
    };
    html! {
        <div class="scaling" data-drawn-from={drawn_from}>
            <header class="scaling-head">
                <h3>{format!("{} → {}", timeline.hpa, timeline.target)}</h3>
                <p class="muted">{format!(
                    "min {} · max {} · reconcile every {} · {} simulated",
                    timeline.min_replicas, timeline.max_replicas,
                    duration_label(f64::from(timeline.sync_period)), duration_label(f64::from(timeline.duration)),
                )}</p>
                <ul class="behavior">{ for timeline.behavior.iter().map(|line| html! { <li>{line}</li> }) }</ul>
            </header>
            <LoadControls timeline={timeline.clone()} on_simulation={props.on_simulation.clone()} />
            <HpaChart timeline={timeline.clone()} />
            <Claims timeline={timeline.clone()} />
            { for vpas }
        </div>
    }
}

#[derive(Properties)]
struct TimelineProps {
    timeline: Rc<HpaTimelineView>,
}

impl PartialEq for TimelineProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline)
    }
}

/// The step under the pointer: index into `steps`.
fn step_at(steps: &[HpaStepView], t: f64) -> Option<usize> {
    if steps.is_empty() {
        return None;
    }
    let index = steps.partition_point(|s| f64::from(s.t) <= t);
    Some(index.saturating_sub(1))
}

#[function_component(HpaChart)]
fn hpa_chart(props: &TimelineProps) -> Html {
    let timeline = &props.timeline;
    let hovered = use_state(|| None::<usize>);
    let steps = &timeline.steps;
    let end = f64::from(timeline.duration.max(1));
    let x = Scale::new((0.0, end), (LEFT, WIDTH - RIGHT));
    let highest = steps
        .iter()
        .flat_map(|s| [s.replicas, s.desired, s.metric_desired.unwrap_or(0)])
        .chain([timeline.max_replicas])
        .max()
        .unwrap_or(1);
    let (y_ticks, y_top) = ticks(f64::from(highest) + 1.0, 5);
    let y = Scale::new((0.0, y_top), (REPLICAS_HEIGHT - BOTTOM, TOP));
    let x_ticks = time_ticks(end, 6);
    let series = |value: &dyn Fn(&HpaStepView) -> Option<f64>| -> String {
        let samples: Vec<(f64, Option<f64>)> = steps.iter().map(|s| (f64::from(s.t), value(s))).collect();
        step_path(&samples, end, &x, &y)
    };
    let replicas = series(&|s| Some(f64::from(s.replicas)));
    let desired = series(&|s| Some(f64::from(s.desired)));
    let proposed = series(&|s| s.metric_desired.map(f64::from));
    let limit_line = |value: i32, class: &'static str, label: String| {
        let py = y.map(f64::from(value));
        html! {
            <g class={classes!("limit", class)}>
                <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={py.to_string()} y2={py.to_string()} />
                <text x={(WIDTH - RIGHT - 4.0).to_string()} y={(py - 4.0).to_string()} text-anchor="end">{label}</text>
            </g>
        }
    };
    let onmove = {
        let hovered = hovered.clone();
        let timeline = props.timeline.clone();
        Callback::from(move |e: MouseEvent| {
            let Some(svg) = e.current_target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            else {
                return;
            };
            let rect = svg.get_bounding_client_rect();
            if rect.width() <= 0.0 {
                return;
            }
            // The SVG scales to its box: map the pointer back into viewBox units.
            let px = (f64::from(e.client_x()) - rect.left()) * WIDTH / rect.width();
            hovered.set(step_at(&timeline.steps, x.invert(px)));
        })
    };
    let onleave = {
        let hovered = hovered.clone();
        Callback::from(move |_| hovered.set(None))
    };
    // A mark where a hold begins (a quota refusal marks every reconcile it happens at).
    let marks = steps.iter().enumerate().filter_map(|(i, s)| {
        let px = x.map(f64::from(s.t));
        let previous = i.checked_sub(1).and_then(|p| steps.get(p));
        let reason = s.limited_by.as_ref().map(|(reason, _)| reason);
        if s.quota.is_some() {
            Some(html! { <circle class="mark quota" cx={px.to_string()} cy={y.map(f64::from(s.replicas)).to_string()} r="4"><title>{"quota refused pods"}</title></circle> })
        } else if let Some(reason) = reason.filter(|r| previous.and_then(|p| p.limited_by.as_ref()).map(|(p, _)| p) != Some(*r)) {
            let class = if reason.contains("Stabilized") {
                "stabilized"
            } else if reason.starts_with("Failed") || reason.starts_with("Invalid") {
                "held"
            } else {
                "rate"
            };
            Some(html! { <rect class={classes!("mark", class)} x={(px - 3.0).to_string()} y={(y.map(f64::from(s.desired)) - 3.0).to_string()} width="6" height="6"><title>{reason.clone()}</title></rect> })
        } else {
            None
        }
    });
    let cursor = hovered.and_then(|i| steps.get(i)).map(|s| {
        let px = x.map(f64::from(s.t));
        html! { <line class="cursor" x1={px.to_string()} x2={px.to_string()} y1={TOP.to_string()} y2={(REPLICAS_HEIGHT - BOTTOM).to_string()} /> }
    });
    html! {
        <section class="hpa-chart" aria-label="Replicas over time">
            <div class="legend">
                <span class="key replicas">{"replicas"}</span>
                <span class="key desired">{"desired (after behavior)"}</span>
                <span class="key proposed">{"metrics' proposal"}</span>
                <span class="key stabilized">{"stabilized"}</span>
                <span class="key rate">{"rate or min/max limit"}</span>
                <span class="key held">{"metric invalid"}</span>
                <span class="key quota">{"quota refused"}</span>
            </div>
            <svg class="chart" viewBox={format!("0 0 {WIDTH} {REPLICAS_HEIGHT}")} role="img"
                 aria-label="Replicas, desired replicas and the metrics' proposal per reconcile"
                 onmousemove={onmove} onmouseleave={onleave}>
                { for y_ticks.iter().map(|v| {
                    let py = y.map(*v);
                    html! { <g class="tick"><line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={py.to_string()} y2={py.to_string()} /><text x={(LEFT - 6.0).to_string()} y={(py + 4.0).to_string()} text-anchor="end">{v.to_string()}</text></g> }
                }) }
                { for x_ticks.iter().filter(|t| **t <= end).map(|t| {
                    let px = x.map(*t);
                    html! { <text class="tick" x={px.to_string()} y={(REPLICAS_HEIGHT - 8.0).to_string()} text-anchor="middle">{duration_label(*t)}</text> }
                }) }
                { limit_line(timeline.max_replicas, "max", format!("max {}", timeline.max_replicas)) }
                { limit_line(timeline.min_replicas, "min", format!("min {}", timeline.min_replicas)) }
                <path class="series proposed" d={proposed} />
                <path class="series desired" d={desired} />
                <path class="series replicas" d={replicas} />
                { for marks }
                { for cursor }
            </svg>
            { for (0..timeline.metrics.len()).map(|index| html! {
                <MetricChart timeline={props.timeline.clone()} {index} hovered={*hovered} />
            }) }
            <StepDetail timeline={timeline.clone()} index={*hovered} />
        </section>
    }
}

#[derive(Properties)]
struct MetricProps {
    timeline: Rc<HpaTimelineView>,
    /// Which of the timeline's metrics.
    index: usize,
    hovered: Option<usize>,
}

impl PartialEq for MetricProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline) && self.index == other.index && self.hovered == other.hovered
    }
}

#[function_component(MetricChart)]
fn metric_chart(props: &MetricProps) -> Html {
    let Some(track) = props.timeline.metrics.get(props.index) else { return html! {} };
    let steps = &props.timeline.steps;
    let end = f64::from(props.timeline.duration.max(1));
    let x = Scale::new((0.0, end), (LEFT, WIDTH - RIGHT));
    let values: Vec<(f64, Option<f64>)> =
        steps.iter().map(|s| (f64::from(s.t), s.metrics.get(props.index).and_then(|m| m.value))).collect();
    let highest = values.iter().filter_map(|(_, v)| *v).chain(track.target).fold(0.0, f64::max);
    let (y_ticks, y_top) = ticks(highest * 1.1, 3);
    let y = Scale::new((0.0, y_top), (METRIC_HEIGHT - BOTTOM, TOP));
    let path = step_path(&values, end, &x, &y);
    let unit = if track.utilization { "%" } else { "" };
    let target = track.target.map(|target| {
        let py = y.map(target);
        html! {
            <g class="limit target">
                <line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={py.to_string()} y2={py.to_string()} />
                <text x={(WIDTH - RIGHT - 4.0).to_string()} y={(py - 4.0).to_string()} text-anchor="end">{format!("target {}", track.target_label)}</text>
            </g>
        }
    });
    let cursor = props.hovered.and_then(|i| steps.get(i)).map(|s| {
        let px = x.map(f64::from(s.t));
        html! { <line class="cursor" x1={px.to_string()} x2={px.to_string()} y1={TOP.to_string()} y2={(METRIC_HEIGHT - BOTTOM).to_string()} /> }
    });
    html! {
        <svg class="chart metric" viewBox={format!("0 0 {WIDTH} {METRIC_HEIGHT}")} role="img"
             aria-label={format!("{} ({}) against its target", track.name, track.kind)}>
            <text class="chart-title" x={LEFT.to_string()} y="11">{format!("{} · {}", track.name, track.kind)}</text>
            { for y_ticks.iter().map(|v| {
                let py = y.map(*v);
                html! { <g class="tick"><line x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={py.to_string()} y2={py.to_string()} /><text x={(LEFT - 6.0).to_string()} y={(py + 4.0).to_string()} text-anchor="end">{format!("{v}{unit}")}</text></g> }
            }) }
            { for target }
            <path class="series metric-value" d={path} />
            { for cursor }
        </svg>
    }
}

#[derive(Properties)]
struct DetailProps {
    timeline: Rc<HpaTimelineView>,
    index: Option<usize>,
}

impl PartialEq for DetailProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline) && self.index == other.index
    }
}

/// The numbers of the reconcile under the pointer (the last one otherwise).
#[function_component(StepDetail)]
fn step_detail(props: &DetailProps) -> Html {
    let steps = &props.timeline.steps;
    let Some(step) = props.index.or(steps.len().checked_sub(1)).and_then(|i| steps.get(i)) else {
        return html! {};
    };
    html! {
        <div class="step-detail" aria-live="polite">
            <p><strong>{format!("t = {}", duration_label(f64::from(step.t)))}</strong>
               {format!(" · {} → {} replicas (desired {}, metrics propose {})",
                    step.current, step.replicas, step.desired,
                    step.metric_desired.map_or("nothing".to_owned(), |d| d.to_string()))}</p>
            <table class="effective">
                <thead><tr><th>{"metric"}</th><th>{"current"}</th><th>{"target"}</th><th>{"proposal"}</th></tr></thead>
                <tbody>
                { for props.timeline.metrics.iter().zip(&step.metrics).map(|(track, point)| html! {
                    <tr>
                        <td>{&track.name}</td>
                        <td>{&point.label}</td>
                        <td>{&track.target_label}</td>
                        <td>{ match (&point.proposal, &point.error) {
                            (Some(p), _) => p.to_string(),
                            (None, Some(error)) => error.clone(),
                            (None, None) => "—".to_owned(),
                        } }</td>
                    </tr>
                }) }
                </tbody>
            </table>
            if let Some((reason, message)) = &step.limited_by { <p class="note"><code>{reason}</code>{": "}{message}</p> }
            if let Some(message) = &step.quota { <p class="note quota-note">{message}</p> }
        </div>
    }
}

#[function_component(Claims)]
fn claims(props: &TimelineProps) -> Html {
    let steps = &props.timeline.steps;
    // The first decrease after the peak: display arithmetic over the run (the largest increase
    // within a minute is core's, the same figure the lesson's goal checks).
    let most_in_a_minute = props.timeline.most_added_in_a_minute;
    let peak_at = steps.iter().position(|s| s.replicas == props.timeline.peak_replicas);
    let first_down = peak_at.and_then(|p| steps[p..].iter().find(|s| s.replicas < s.current)).map(|s| s.t);
    // What the valid metrics want, even when another metric's failure keeps the HPA from acting.
    let asks_fewer = |s: &HpaStepView| {
        s.metric_desired.or_else(|| s.metrics.iter().filter_map(|m| m.proposal).max()).is_some_and(|d| d < s.current)
    };
    let load_drop = peak_at.and_then(|p| steps[p..].iter().find(|s| asks_fewer(s)).map(|s| s.t));
    html! {
        <aside class="claims" aria-label="The training material's claims">
            <h4>{"The material says"}</h4>
            <blockquote>{"HPA scales up 1–4 pods per minute, down 1 pod per minute."}</blockquote>
            <h4>{"This run"}</h4>
            <ul>
                <li>{format!("Largest increase within one minute: +{most_in_a_minute} replicas.")}</li>
                <li>{ match (load_drop, first_down) {
                    (Some(drop), Some(down)) => format!(
                        "A metric first asked for fewer replicas at {}; the first pod was removed at {} ({} later).",
                        duration_label(f64::from(drop)), duration_label(f64::from(down)), duration_label(f64::from(down.saturating_sub(drop)))),
                    (Some(drop), None) => format!(
                        "A metric asked for fewer replicas at {}, but no pod was removed before the run ended.",
                        duration_label(f64::from(drop))),
                    _ => "The load never asked for fewer replicas in this run.".to_owned(),
                } }</li>
                <li>{ match props.timeline.first_at_max {
                    Some(t) => format!("Reached maxReplicas ({}) at {}.", props.timeline.max_replicas, duration_label(f64::from(t))),
                    None => format!("Never reached maxReplicas ({}).", props.timeline.max_replicas),
                } }</li>
            </ul>
            if props.timeline.legacy {
                <p class="muted">{"Without behavior, the controller allows max(2 × current, 4) replicas at every reconcile up, and scales down only when every recommendation of the last 300 s (the downscale stabilization window) is lower."}</p>
            } else {
                <p class="muted">{"With behavior, each direction has its own stabilization window and rate policies; the defaults allow max(+4 pods, +100 %) every 15 s up and wait 300 s before scaling down."}</p>
            }
        </aside>
    }
}

/// The load shapes the presets write, as multiples of the load the HPA aims at with `minReplicas` pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Preset {
    Steady,
    Spike,
    Ramp,
    DailyCycle,
    CrossesTarget,
}

impl Preset {
    pub const ALL: [Preset; 5] =
        [Preset::Steady, Preset::Spike, Preset::Ramp, Preset::DailyCycle, Preset::CrossesTarget];

    pub fn label(self) -> &'static str {
        match self {
            Preset::Steady => "steady",
            Preset::Spike => "spike",
            Preset::Ramp => "ramp",
            Preset::DailyCycle => "daily cycle",
            Preset::CrossesTarget => "crosses the target",
        }
    }

    /// `(at seconds, multiple of the target load)` steps over `duration` seconds, for a peak `peak` times the target.
    pub fn load(self, duration: u32, peak: f64) -> Vec<(u32, f64)> {
        let at = |fraction: f64| ((f64::from(duration) * fraction) as u32 / 15) * 15;
        match self {
            Preset::Steady => vec![(0, 1.0)],
            Preset::Spike => vec![(0, 0.6), (at(0.1), peak), (at(0.4), 0.6)],
            Preset::Ramp => {
                (0..=8).map(|i| (at(f64::from(i) / 10.0), 0.5 + (peak - 0.5) * f64::from(i) / 8.0)).collect()
            }
            Preset::DailyCycle => (0..24)
                .map(|hour| {
                    let phase = (f64::from(hour) - 14.0) / 24.0 * std::f64::consts::TAU;
                    (at(f64::from(hour) / 24.0), 0.4 + (peak - 0.4) * (0.5 + 0.5 * phase.cos()))
                })
                .collect(),
            Preset::CrossesTarget => vec![(0, 0.9), (at(0.2), 1.05), (at(0.5), 1.2)],
        }
    }
}

#[derive(Properties)]
struct ControlProps {
    timeline: Rc<HpaTimelineView>,
    on_simulation: Callback<String>,
}

impl PartialEq for ControlProps {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.timeline, &other.timeline) && self.on_simulation == other.on_simulation
    }
}

/// Presets and sliders. Each change writes a complete `HPASimulation` for the editor.
#[function_component(LoadControls)]
fn load_controls(props: &ControlProps) -> Html {
    let preset = use_state(|| Preset::Spike);
    let peak = use_state(|| 3.0_f64);
    let ready = use_state(|| 0_u32);
    let duration = use_state(|| props.timeline.duration.max(60));
    let emit = {
        let timeline = props.timeline.clone();
        let on_simulation = props.on_simulation.clone();
        move |preset: Preset, peak: f64, ready: u32, duration: u32| {
            on_simulation.emit(simulation_yaml(&timeline, preset, peak, ready, duration));
        }
    };
    let slider = |label: &'static str, min: f64, max: f64, step: f64, value: f64, text: String, on: Callback<f64>| {
        let oninput = Callback::from(move |e: InputEvent| {
            let input = e.target().and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(t).ok());
            if let Some(v) = input.and_then(|input| input.value().parse::<f64>().ok()) {
                on.emit(v);
            }
        });
        html! {
            <label class="slider">
                <span>{label}</span>
                <input type="range" min={min.to_string()} max={max.to_string()} step={step.to_string()} value={value.to_string()} {oninput} aria-label={label} />
                <output>{text}</output>
            </label>
        }
    };
    html! {
        <div class="load-controls">
            <div class="presets" role="group" aria-label="Load presets">
                { for Preset::ALL.into_iter().map(|p| {
                    let onclick = {
                        let (preset, emit, peak, ready, duration) = (preset.clone(), emit.clone(), *peak, *ready, *duration);
                        Callback::from(move |_| { preset.set(p); emit(p, peak, ready, duration); })
                    };
                    html! { <button class={classes!("action", (*preset == p).then_some("active"))} data-preset={p.label()} {onclick}>{p.label()}</button> }
                }) }
            </div>
            { slider("peak load", 0.5, 6.0, 0.25, *peak, format!("×{:.2} the target", *peak), {
                let (state, emit, p, r, d) = (peak.clone(), emit.clone(), *preset, *ready, *duration);
                Callback::from(move |v: f64| { state.set(v); emit(p, v, r, d); })
            }) }
            { slider("pod ready after", 0.0, 120.0, 5.0, f64::from(*ready), format!("{} s", *ready), {
                let (state, emit, p, k, d) = (ready.clone(), emit.clone(), *preset, *peak, *duration);
                Callback::from(move |v: f64| { state.set(v as u32); emit(p, k, v as u32, d); })
            }) }
            { slider("duration", 300.0, 7200.0, 300.0, f64::from(*duration), duration_label(f64::from(*duration)), {
                let (state, emit, p, k, r) = (duration.clone(), emit, *preset, *peak, *ready);
                Callback::from(move |v: f64| { state.set(v as u32); emit(p, k, r, v as u32); })
            }) }
        </div>
    }
}

/// The `HPASimulation` document for a preset: the first metric's load as a step function, the
/// other metrics held at 60 % of their target so that the first one drives the run.
pub fn simulation_yaml(timeline: &HpaTimelineView, preset: Preset, peak: f64, ready: u32, duration: u32) -> String {
    let (namespace, name) = timeline.hpa.split_once('/').unwrap_or(("default", timeline.hpa.as_str()));
    let mut yaml = format!(
        "apiVersion: kubeplay.dev/v1alpha1\nkind: HPASimulation\nmetadata:\n  name: {}\n  namespace: {namespace}\nspec:\n  hpa: {name}\n  duration: {duration}s\n  podReadySeconds: {ready}\n  load:\n",
        preset.label().replace(' ', "-"),
    );
    for (i, track) in timeline.metrics.iter().enumerate() {
        let Some(knob) = &track.load else { continue };
        let steps = if i == 0 { preset.load(duration, peak) } else { vec![(0, 0.6)] };
        let values: Vec<String> = steps
            .iter()
            .map(|(at, multiple)| format!("{{at: {at}s, value: \"{}\"}}", knob.unit.format(knob.at_target * multiple)))
            .collect();
        let shape = match knob.shape {
            LoadShape::Total => "total",
            LoadShape::Value => "value",
        };
        yaml.push_str(&format!("  - metric: {}\n    {shape}: [{}]\n", track.name, values.join(", ")));
    }
    yaml
}
