//! The VPA panel of the Scaling tab: per container and resource, the
//! recommender's usage histogram (decayed weights, log scale) with the
//! percentiles it reads and the bounds it writes, the request today beside
//! them; then what admission writes into a new pod and the updater's verdict
//! per pod. Every number comes from core's VPA simulation.

use yew::prelude::*;

use crate::worker::protocol::{BoundView, VpaPanelView, VpaResourceView};

const WIDTH: f64 = 720.0;
const HEIGHT: f64 = 150.0;
const LEFT: f64 = 16.0;
const RIGHT: f64 = 16.0;
/// Room above the bars for the marks' labels (three rows).
const TOP: f64 = 46.0;
const BOTTOM: f64 = 22.0;

#[derive(Properties)]
pub struct VpaPanelProps {
    pub panel: std::rc::Rc<VpaPanelView>,
}

/// By address, as the Scaling view's props: a panel is never changed in place.
impl PartialEq for VpaPanelProps {
    fn eq(&self, other: &Self) -> bool {
        std::rc::Rc::ptr_eq(&self.panel, &other.panel)
    }
}

#[function_component(VpaPanel)]
pub fn vpa_panel(props: &VpaPanelProps) -> Html {
    let panel = &props.panel;
    let mode = if panel.mode_valid {
        html! { <span class="mode">{format!("updateMode {}", panel.mode)}</span> }
    } else {
        html! { <span class="mode invalid">{format!("updateMode \"{}\" is refused by the CRD", panel.mode)}</span> }
    };
    let source = if panel.simulated {
        "Recommendation from the VPASimulation's usage, as the recommender computes it."
    } else {
        "No simulated usage for this VPA: the recommendation is its status as given (add a VPASimulation to compute one)."
    };
    html! {
        <section class="vpa-panel" data-vpa={panel.vpa.clone()} aria-label={format!("VerticalPodAutoscaler {}", panel.vpa)}>
            <header class="scaling-head">
                <h3>{format!("{} → {}", panel.vpa, panel.target)}</h3>
                <p class="muted">{mode}{" · "}{source}</p>
            </header>
            { for panel.containers.iter().map(|container| html! {
                <div class="vpa-container">
                    <h4>{format!("container {}", container.name)}</h4>
                    { for container.resources.iter().filter(|r| !r.buckets.is_empty()).map(|r| html! { <UsageChart resource={r.clone()} /> }) }
                    <table class="vpa-bounds">
                        <thead><tr><th>{"resource"}</th><th>{"request now"}</th><th>{"lower bound"}</th><th>{"target"}</th><th>{"upper bound"}</th><th>{"uncapped target"}</th></tr></thead>
                        <tbody>
                            { for container.resources.iter().map(|r| html! {
                                <tr data-resource={r.resource.clone()}>
                                    <td>{&r.resource}</td>
                                    <td>{text(&r.request)}</td>
                                    <td>{text(&r.lower_bound)}</td>
                                    <td class="target">{text(&r.target)}</td>
                                    <td>{text(&r.upper_bound)}</td>
                                    <td>{text(&r.uncapped_target)}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                    <ul class="vpa-reading">{ for container.resources.iter().filter_map(reading).map(|line| html! { <li>{line}</li> }) }</ul>
                </div>
            }) }
            if !panel.pods.is_empty() {
                <table class="vpa-pods">
                    <thead><tr><th>{"pod"}</th><th>{"admission writes (new pod)"}</th><th>{"updater"}</th></tr></thead>
                    <tbody>
                        { for panel.pods.iter().map(|pod| html! {
                            <tr data-pod={pod.name.clone()}>
                                <td>{&pod.name}</td>
                                <td class="mono">{pod.admitted.join("; ")}</td>
                                <td><span class={classes!("verdict", pod.action.clone())}>{&pod.action}</span>{" "}<span class="muted">{&pod.reason}</span></td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

fn text(bound: &Option<BoundView>) -> String {
    bound.as_ref().map_or_else(|| "—".to_owned(), |b| b.text.clone())
}

/// What the numbers say, in a line: the percentile read, the target written, against today's request.
fn reading(resource: &VpaResourceView) -> Option<String> {
    let target = resource.target.as_ref()?;
    let (_, percentile, raw) = resource.percentiles.iter().find(|(name, _, _)| name == "target")?;
    let percentile = format!("p{}", (percentile * 100.0).round());
    let usage = amount(&resource.resource, *raw);
    let direction = match &resource.request {
        Some(request) if target.value < request.value => {
            format!(" — below today's request of {}: lower it", request.text)
        }
        Some(request) if target.value > request.value => {
            format!(" — above today's request of {}: raise it", request.text)
        }
        Some(request) => format!(" — the same as today's request of {}", request.text),
        None => " — the pod template requests none today".to_owned(),
    };
    Some(format!(
        "{}: {percentile} of usage is {usage}; with the margin and the per-pod minimum the target is {}{direction}",
        resource.resource, target.text
    ))
}

/// A value in base units (cores, bytes) as a short label.
fn amount(resource: &str, value: f64) -> String {
    if resource == "cpu" {
        if value < 1.0 { format!("{:.1}m", value * 1000.0) } else { format!("{value:.2}") }
    } else {
        let mib = value / (1024.0 * 1024.0);
        if mib < 1024.0 { format!("{mib:.1}Mi") } else { format!("{:.2}Gi", mib / 1024.0) }
    }
}

#[derive(Properties, PartialEq)]
struct UsageProps {
    resource: VpaResourceView,
}

/// The histogram on a log axis (upstream's buckets grow by 5 % each, so every
/// bucket is as wide as the next), marks above it in three rows: today's
/// request; the bounds (a band from lower to upper, the target solid); the
/// percentiles read.
#[function_component(UsageChart)]
fn usage_chart(props: &UsageProps) -> Html {
    let r = &props.resource;
    let bounds = [&r.request, &r.lower_bound, &r.target, &r.upper_bound];
    let mut values: Vec<f64> = r.buckets.iter().flat_map(|b| [b[0], b[1]]).filter(|v| *v > 0.0).collect();
    values.extend(bounds.iter().filter_map(|b| b.as_ref().map(|b| b.value)).filter(|v| *v > 0.0));
    values.extend(r.percentiles.iter().map(|(_, _, v)| *v).filter(|v| *v > 0.0));
    let (Some(lowest), Some(highest)) =
        (values.iter().copied().reduce(f64::min), values.iter().copied().reduce(f64::max))
    else {
        return html! {};
    };
    let (lo, hi) = ((lowest / 1.4).log10(), (highest * 1.4).log10());
    let x = |v: f64| LEFT + (v.max(lowest / 1.4).log10() - lo) / (hi - lo).max(1e-9) * (WIDTH - LEFT - RIGHT);
    let tallest = r.buckets.iter().map(|b| b[2]).fold(0.0, f64::max).max(1e-9);
    let base = HEIGHT - BOTTOM;
    let bars = r.buckets.iter().map(|b| {
        let (x0, x1) = (x(b[0]), x(b[1]));
        let height = b[2] / tallest * (base - TOP);
        html! {
            <rect class="bucket" x={x0.to_string()} y={(base - height).to_string()} width={(x1 - x0).max(1.5).to_string()} height={height.to_string()}>
                <title>{format!("{} – {}: {:.1} % of the decayed weight", amount(&r.resource, b[0]), amount(&r.resource, b[1]), b[2] * 100.0)}</title>
            </rect>
        }
    });
    let mark = |value: f64, row: usize, class: &'static str, label: String| {
        let px = x(value);
        let label_y = 12.0 + row as f64 * 13.0;
        // Labels near the right edge read leftwards.
        let anchor = if px > WIDTH - 140.0 { "end" } else { "start" };
        let dx = if anchor == "end" { -4.0 } else { 4.0 };
        html! {
            <g class={classes!("vpa-mark", class)}>
                <line x1={px.to_string()} x2={px.to_string()} y1={(label_y - 9.0).to_string()} y2={base.to_string()} />
                <text x={(px + dx).to_string()} y={label_y.to_string()} text-anchor={anchor}>{label}</text>
            </g>
        }
    };
    let band = match (&r.lower_bound, &r.upper_bound) {
        (Some(lower), Some(upper)) if upper.value > 0.0 => {
            let (x0, x1) = (x(lower.value), x(upper.value));
            html! { <rect class="bound-band" x={x0.to_string()} y={TOP.to_string()} width={(x1 - x0).max(1.0).to_string()} height={(base - TOP).to_string()}><title>{format!("lower bound {} – upper bound {}", lower.text, upper.text)}</title></rect> }
        }
        _ => html! {},
    };
    let percentiles: Vec<String> = r
        .percentiles
        .iter()
        .map(|(name, p, v)| format!("{name} p{}: {}", (p * 100.0).round(), amount(&r.resource, *v)))
        .collect();
    let read_at = r.percentiles.iter().find(|(name, _, _)| name == "target").map(|(_, p, v)| {
        mark(*v, 2, "percentile", format!("p{} of usage {}", (p * 100.0).round(), amount(&r.resource, *v)))
    });
    let axis = [lowest, highest].map(|v| {
        let px = x(v);
        html! { <text class="tick" x={px.to_string()} y={(HEIGHT - 6.0).to_string()} text-anchor="middle">{amount(&r.resource, v)}</text> }
    });
    html! {
        <figure class="usage-chart" data-resource={r.resource.clone()}>
            <svg class="chart" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                 aria-label={format!("{} usage histogram with the recommendation's bounds; {}", r.resource, percentiles.join(", "))}>
                { band }
                { for bars }
                <line class="axis" x1={LEFT.to_string()} x2={(WIDTH - RIGHT).to_string()} y1={base.to_string()} y2={base.to_string()} />
                { for axis }
                { for r.request.as_ref().filter(|b| b.value > 0.0).map(|b| mark(b.value, 0, "request", format!("request now {}", b.text))) }
                { for r.target.as_ref().filter(|b| b.value > 0.0).map(|b| mark(b.value, 1, "target", format!("target {}", b.text))) }
                { for read_at }
            </svg>
            <figcaption class="muted">{format!("{} usage{}, decayed weights on a log scale; shaded: lower to upper bound", r.resource, if r.resource == "memory" { " (peak per aggregation window)" } else { "" })}</figcaption>
        </figure>
    }
}
