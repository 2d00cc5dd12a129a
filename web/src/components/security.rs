//! Security: per Pod and workload template, the Pod Security Standards verdict
//! at baseline and restricted (with upstream's message), the PodSecurityPolicy
//! decision, and best-practice findings with their YAML fixes. Clicking a
//! failure or finding selects its lines.

use yew::prelude::*;

use crate::components::findings::message_html;
use crate::state::Analysis;

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
    let security = &props.analysis.outcome.report.security;
    let totals = &props.analysis.outcome.totals;
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
                        <button class="link" onclick={select(w.location.span.line, w.location.span.line)}>{&w.id}</button>
                        {verdict("baseline", w.baseline.pass)}
                        {verdict("restricted", w.restricted.pass)}
                    </div>
                    if let Some(message) = w.restricted.message.as_ref().filter(|_| !w.restricted.pass) {
                        <p class="pss-message">{message}</p>
                    }
                    if !w.restricted.failures.is_empty() {
                        <ul class="failures">
                            { for w.restricted.failures.iter().map(|f| html! {
                                <li><button class="link" onclick={select(f.location.span.line, f.location.span.end_line)}>
                                    <code>{&f.id}</code>{format!(" — {} (line {})", f.reason, f.location.span.line)}
                                </button></li>
                            }) }
                        </ul>
                    }
                    if let Some(psp) = &w.psp {
                        <p class={classes!("psp", if psp.rejection.is_some() { "fail" } else { "pass" })}>
                            <strong>{"PodSecurityPolicy: "}</strong>
                            { match (&psp.rejection, &psp.chosen) {
                                (Some(rejection), _) => html! { {rejection} },
                                (None, Some(chosen)) => html! { {format!("admitted by {chosen}")} },
                                (None, None) => html! { {"no policy applies"} },
                            } }
                        </p>
                    }
                    if !w.findings.is_empty() {
                        <details class="practices">
                            <summary>{format!("{} best-practice finding{}", w.findings.len(), if w.findings.len() == 1 { "" } else { "s" })}</summary>
                            <ul>
                                { for w.findings.iter().map(|f| html! {
                                    <li class={format!("sev-{}", f.severity.as_str())}>
                                        <button class="link" onclick={select(f.location.span.line, f.location.span.end_line)}>
                                            <span class="badge">{f.severity.as_str()}</span>{" "}<code>{&f.code}</code>{" "}{message_html(&f.message)}
                                        </button>
                                        if let Some(fix) = &f.fix { <pre class="fix">{fix}</pre> }
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
