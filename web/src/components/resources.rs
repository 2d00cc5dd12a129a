//! Resources: quota usage bars per namespace, every pod with more than one
//! container as the kubelet runs it (start and stop order, the request sum,
//! ports, shared volumes), then every admission decision in apply order with
//! the effective requests/limits after LimitRange defaulting.

use yew::prelude::*;

use crate::components::findings::message_html;
use crate::state::Analysis;
use kubeplay_core::pods::{PodAnatomy, Role};

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
            if !resources.pods.is_empty() {
                <section class="pods" aria-label="Pods with several containers">
                    <h3>{format!("Containers, as the kubelet runs them — {} pods with more than one", resources.pods_total)}</h3>
                    if resources.pods_total > resources.pods.len() {
                        <p class="note">{format!("Showing the first {} of {}.", resources.pods.len(), resources.pods_total)}</p>
                    }
                    { for resources.pods.iter().map(anatomy) }
                </section>
            }
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

fn role_class(role: Role) -> &'static str {
    match role {
        Role::Init => "role-init",
        Role::Sidecar => "role-sidecar",
        Role::App => "role-app",
    }
}

/// One pod: its containers by role, start and stop order, the request sum
/// with its numbers, who reaches which port, which volumes are shared.
fn anatomy(pod: &PodAnatomy) -> Html {
    let role_of = |name: &str| pod.containers.iter().find(|c| c.name == name).map_or(Role::App, |c| c.role);
    let chip = |name: &String| {
        let role = role_of(name);
        html! { <span class={classes!("chip", role_class(role))} title={role.label()}>{name}</span> }
    };
    let phases = |title: &str, phases: &[kubeplay_core::pods::Phase]| {
        html! {
            <div class="phases">
                <h5>{title}</h5>
                <ol>
                    { for phases.iter().map(|p| html! {
                        <li><span class="chips">{ for p.containers.iter().map(chip) }</span><span class="what">{&p.what}</span></li>
                    }) }
                </ol>
            </div>
        }
    };
    html! {
        <article class="anatomy" data-object={pod.object.clone()}>
            <h4>
                <span class="object">{&pod.object}</span>
                <span class="legend">
                    { for pod.containers.iter().map(|c| html! {
                        <span class={classes!("chip", role_class(c.role))} title={c.image.clone().unwrap_or_default()}>
                            {format!("{} · {}", c.name, c.role.label())}
                        </span>
                    }) }
                </span>
            </h4>
            <div class="order">
                { phases("Start", &pod.start) }
                { phases("Stop", &pod.stop) }
            </div>
            <table class="sum">
                <caption>{"Requests the scheduler and quota count"}</caption>
                <thead><tr><th>{"resource"}</th><th>{"running together"}</th><th>{"init footprints"}</th><th>{"pod"}</th></tr></thead>
                <tbody>
                { for pod.requests.iter().map(|r| html! {
                    <tr data-resource={r.resource.clone()}>
                        <th scope="row">{&r.resource}</th>
                        <td>{&r.running}</td>
                        <td>
                            if r.init.is_empty() { {"—"} }
                            { for r.init.iter().map(|line| html! { <div>{line}</div> }) }
                        </td>
                        <td class="pod-total" title={r.formula.clone()}><strong>{&r.pod}</strong><div class="formula">{&r.formula}</div></td>
                    </tr>
                }) }
                </tbody>
            </table>
            if !pod.ports.is_empty() {
                <table class="ports">
                    <caption>{"Ports (containers share the pod's network)"}</caption>
                    <thead><tr><th>{"port"}</th><th>{"served by"}</th><th>{"reached by"}</th></tr></thead>
                    <tbody>
                    { for pod.ports.iter().map(|p| html! {
                        <tr>
                            <td>{format!("{}/{}{}", p.port, p.protocol, p.name.as_deref().map(|n| format!(" ({n})")).unwrap_or_default())}</td>
                            <td>{ match &p.container { Some(name) => chip(name), None => html! { <em>{"no container declares it"}</em> } } }</td>
                            <td>{ if p.reached_by.is_empty() { "—".to_owned() } else { p.reached_by.join(", ") } }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
            if !pod.volumes.is_empty() {
                <ul class="volumes" aria-label="Volumes">
                    { for pod.volumes.iter().map(|v| html! {
                        <li>
                            <span class="volume">{format!("{} ({})", v.name, v.source)}</span>
                            { for v.mounts.iter().map(|m| html! {
                                <span class={classes!("mount", if m.writable { "rw" } else { "ro" })}>
                                    {chip(&m.container)}{format!(" {} {}", m.path, if m.writable { "read-write" } else { "read-only" })}
                                </span>
                            }) }
                        </li>
                    }) }
                </ul>
            }
            if !pod.notes.is_empty() {
                <ul class="anatomy-notes">{ for pod.notes.iter().map(|n| html! { <li>{n}</li> }) }</ul>
            }
        </article>
    }
}
