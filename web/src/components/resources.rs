//! Resources: quota usage bars per namespace, then every admission decision in
//! apply order with the effective requests/limits after LimitRange defaulting.

use yew::prelude::*;

use crate::components::findings::message_html;
use crate::state::Analysis;

#[derive(Properties, PartialEq)]
pub struct ResourcesProps {
    /// Its report is the page's copy: decisions may be cut to the first few hundred.
    pub analysis: Analysis,
}

#[function_component(ResourcesView)]
pub fn resources_view(props: &ResourcesProps) -> Html {
    let resources = &props.analysis.outcome.resources;
    if resources.decisions.is_empty() {
        return html! { <p class="empty">{"No objects to admit."}</p> };
    }
    let (total, rejected) = (props.analysis.outcome.counts.admissions, props.analysis.outcome.counts.rejected);
    html! {
        <div class="resources">
            { for resources.quotas.iter().map(|quota| html! {
                <section class="quota" aria-label={format!("Quota {} in {}", quota.name, quota.namespace)}>
                    <h3>{format!("{} / {}", quota.namespace, quota.name)}</h3>
                    <table class="usage">
                        <tbody>
                        { for quota.rows.iter().map(|row| {
                            let (resource, used, hard, pct) = (&row.resource, &row.used, &row.hard, row.percent);
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
                if total > resources.decisions.len() {
                    <p class="note">{format!("Showing the first {} of {total}; the JSON download has every decision.", resources.decisions.len())}</p>
                }
                <ol class="decision-list">
                    { for resources.decisions.iter().map(|d| {
                        let ok = d.admitted;
                        html! {
                            <li class={classes!("decision", if ok { "admitted" } else { "rejected" })} data-name={d.name.clone()}>
                                <div class="decision-head">
                                    <span class="verdict">{ if ok { "admitted" } else { "rejected" } }</span>
                                    <span class="object">{format!("{} {}{}", d.kind, d.namespace.as_deref().map(|n| format!("{n}/")).unwrap_or_default(), d.name)}</span>
                                </div>
                                if let Some(message) = &d.message { <p class="decision-message">{message_html(message)}</p> }
                                if !d.containers.is_empty() {
                                    <table class="effective">
                                        <thead><tr><th>{"container"}</th><th>{"requests"}</th><th>{"limits"}</th></tr></thead>
                                        <tbody>
                                        { for d.containers.iter().map(|c| html! {
                                            <tr><td>{&c.name}</td><td>{&c.requests}</td><td>{&c.limits}</td></tr>
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
