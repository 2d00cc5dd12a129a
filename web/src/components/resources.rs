//! Resources: quota usage bars per namespace, then every admission decision in
//! apply order with the effective requests/limits after LimitRange defaulting.

use kubeplay_core::admission::{Effective, Outcome, ResourceList};
use kubeplay_core::quantity::Quantity;
use yew::prelude::*;

use crate::components::findings::message_html;
use crate::state::Analysis;

#[derive(Properties, PartialEq)]
pub struct ResourcesProps {
    /// Its report is the page's copy: decisions may be cut to the first few hundred.
    pub analysis: Analysis,
}

/// used / hard as a percentage for the bar (display only; exact values are printed).
fn percent(used: &Quantity, hard: &Quantity) -> f64 {
    match (used.milli_value(), hard.milli_value()) {
        (Some(u), Some(h)) if h > 0 => (u as f64 / h as f64 * 100.0).clamp(0.0, 100.0),
        (Some(u), Some(0)) if u > 0 => 100.0,
        _ => 0.0,
    }
}

fn resource_list(list: &ResourceList) -> String {
    if list.is_empty() {
        return "—".to_owned();
    }
    list.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}

#[function_component(ResourcesView)]
pub fn resources_view(props: &ResourcesProps) -> Html {
    let admission = &props.analysis.outcome.report.admission;
    if admission.objects.is_empty() {
        return html! { <p class="empty">{"No objects to admit."}</p> };
    }
    let (total, rejected) = (props.analysis.outcome.totals.admissions, props.analysis.outcome.totals.rejected);
    html! {
        <div class="resources">
            { for admission.quotas.iter().map(|quota| html! {
                <section class="quota" aria-label={format!("Quota {} in {}", quota.name, quota.namespace)}>
                    <h3>{format!("{} / {}", quota.namespace, quota.name)}</h3>
                    <table class="usage">
                        <tbody>
                        { for quota.hard.iter().map(|(resource, hard)| {
                            let zero = Quantity::zero();
                            let used = quota.used.get(resource).unwrap_or(&zero);
                            let pct = percent(used, hard);
                            let level = if pct >= 100.0 { "full" } else if pct >= 80.0 { "high" } else { "ok" };
                            html! {
                                <tr data-resource={resource.clone()}>
                                    <th scope="row">{resource}</th>
                                    <td class="bar-cell">
                                        <progress class={classes!("bar", level)} max="100" value={format!("{pct:.1}")} aria-label={format!("{resource}: {used} of {hard}")}></progress>
                                    </td>
                                    <td class="numbers">{format!("{used} / {hard}")}</td>
                                </tr>
                            }
                        }) }
                        </tbody>
                    </table>
                </section>
            }) }
            <section class="decisions" aria-label="Admission decisions in apply order">
                <h3>{format!("Admission, in apply order — {total} objects, {rejected} rejected")}</h3>
                if total > admission.objects.len() {
                    <p class="note">{format!("Showing the first {} of {total}; the JSON download has every decision.", admission.objects.len())}</p>
                }
                <ol class="decision-list">
                    { for admission.objects.iter().map(|d| {
                        let ok = d.result == Outcome::Admitted;
                        let containers = match &d.effective {
                            Some(Effective::Pod(containers)) => containers.clone(),
                            _ => Default::default(),
                        };
                        html! {
                            <li class={classes!("decision", if ok { "admitted" } else { "rejected" })} data-name={d.name.clone()}>
                                <div class="decision-head">
                                    <span class="verdict">{ if ok { "admitted" } else { "rejected" } }</span>
                                    <span class="object">{format!("{} {}{}", d.kind, d.namespace.as_deref().map(|n| format!("{n}/")).unwrap_or_default(), d.name)}</span>
                                </div>
                                if let Some(message) = &d.message { <p class="decision-message">{message_html(message)}</p> }
                                if !containers.is_empty() {
                                    <table class="effective">
                                        <thead><tr><th>{"container"}</th><th>{"requests"}</th><th>{"limits"}</th></tr></thead>
                                        <tbody>
                                        { for containers.iter().map(|(name, r)| html! {
                                            <tr><td>{name}</td><td>{resource_list(&r.requests)}</td><td>{resource_list(&r.limits)}</td></tr>
                                        }) }
                                        </tbody>
                                    </table>
                                }
                                if let Some(annotation) = &d.annotation { <p class="annotation">{annotation}</p> }
                            </li>
                        }
                    }) }
                </ol>
            </section>
        </div>
    }
}
