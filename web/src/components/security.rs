//! Security: per Pod and workload template, the Pod Security Standards verdict
//! at baseline and restricted (with upstream's message), the PodSecurityPolicy
//! decision, and best-practice findings with their YAML fixes. Clicking a
//! failure or finding selects its lines.

use yew::prelude::*;

use crate::components::findings::message_html;
use crate::state::Analysis;
use crate::worker::protocol::PspView;

#[derive(Properties, PartialEq)]
pub struct SecurityProps {
    /// Its report is the page's copy: workloads may be cut to the first few hundred.
    pub analysis: Analysis,
    pub on_select: Callback<(usize, usize)>,
}

fn verdict(level: &str, pass: bool) -> Html {
    html! {
        <span class={classes!("pss", if pass { "pass" } else { "fail" })} data-level={level.to_owned()}>
            {format!("{level}: {}", if pass { "pass" } else { "fail" })}
        </span>
    }
}

#[function_component(SecurityView)]
pub fn security_view(props: &SecurityProps) -> Html {
    let security = &props.analysis.outcome.security;
    let totals = &props.analysis.outcome.counts;
    if security.workloads.is_empty() {
        return html! { <p class="empty">{"No pods or workload templates to check."}</p> };
    }
    let select = |line: usize, end_line: usize| {
        let on_select = props.on_select.clone();
        Callback::from(move |_: MouseEvent| on_select.emit((line, end_line.max(line))))
    };
    html! {
        <div class="security">
            <p class="note">{format!("Pod Security Standards {} — as the API server's PodSecurity admission checks them.", security.pss_version)}</p>
            if totals.workloads > security.workloads.len() {
                <p class="note">{format!("{} of {} pods and templates fail restricted; showing the first {}. The JSON download has them all.", totals.restricted_failing, totals.workloads, security.workloads.len())}</p>
            }
            { for security.workloads.iter().map(|w| html! {
                <section class="workload" data-id={w.id.clone()} aria-label={format!("Security of {}", w.id)}>
                    <div class="workload-head">
                        <button class="link" onclick={select(w.line, w.line)}>{&w.id}</button>
                        {verdict("baseline", w.baseline_pass)}
                        {verdict("restricted", w.restricted_pass)}
                    </div>
                    if let Some(message) = &w.restricted_message {
                        <p class="pss-message">{message}</p>
                    }
                    if !w.failures.is_empty() {
                        <ul class="failures">
                            { for w.failures.iter().map(|f| html! {
                                <li><button class="link" onclick={select(f.line, f.end_line)}>
                                    <code>{&f.id}</code>{format!(" — {} (line {})", f.reason, f.line)}
                                </button></li>
                            }) }
                        </ul>
                    }
                    if let Some(psp) = &w.psp {
                        <p class={classes!("psp", if matches!(psp, PspView::Rejected(_)) { "fail" } else { "pass" })}>
                            <strong>{"PodSecurityPolicy: "}</strong>
                            { match psp {
                                PspView::Rejected(rejection) => html! { {rejection} },
                                PspView::AdmittedBy(chosen) => html! { {format!("admitted by {chosen}")} },
                                PspView::NoneApplies => html! { {"no policy applies"} },
                            } }
                        </p>
                    }
                    if !w.practices.is_empty() {
                        <details class="practices">
                            <summary>{format!("{} best-practice finding{}", w.practices.len(), if w.practices.len() == 1 { "" } else { "s" })}</summary>
                            <ul>
                                { for w.practices.iter().map(|f| html! {
                                    <li class={format!("sev-{}", f.severity.as_str())}>
                                        <button class="link" onclick={select(f.line, f.end_line)}>
                                            <span class="badge">{f.severity.as_str()}</span>{" "}<code>{&f.id}</code>{" "}{message_html(&f.message)}
                                        </button>
                                        if !f.fix.is_empty() { <pre class="fix">{&f.fix}</pre> }
                                    </li>
                                }) }
                            </ul>
                        </details>
                    }
                </section>
            }) }
        </div>
    }
}
