//! Findings: every diagnostic (loading, admission, and later the policy and
//! security engines), filterable by severity; clicking one selects its lines.

use kubeplay_core::{Diagnostic, Severity};
use yew::prelude::*;

use crate::state::Analysis;

#[derive(Properties, PartialEq)]
pub struct FindingsProps {
    /// Its report's diagnostics are the page's copy: at most `worker::DIAGNOSTICS_SHOWN`, errors first.
    pub analysis: Analysis,
    pub hidden: Vec<Severity>,
    pub on_toggle: Callback<Severity>,
    pub on_select: Callback<(usize, usize)>,
}

/// Renders `backticked` parts of a message as code.
pub fn message_html(message: &str) -> Html {
    html! { <>{ for message.split('`').enumerate().map(|(i, part)| if i % 2 == 1 { html! { <code>{part}</code> } } else { html! { {part} } }) }</> }
}

#[function_component(FindingsView)]
pub fn findings_view(props: &FindingsProps) -> Html {
    let diagnostics = &props.analysis.outcome.report.diagnostics;
    let totals = &props.analysis.outcome.totals;
    let count = |severity: Severity| match severity {
        Severity::Error => totals.diagnostics_by_severity[0],
        Severity::Warning => totals.diagnostics_by_severity[1],
        Severity::Info => totals.diagnostics_by_severity[2],
    };
    let mut shown: Vec<&Diagnostic> = diagnostics.iter().filter(|d| !props.hidden.contains(&d.severity)).collect();
    shown.sort_by_key(|d| (d.severity, d.line, d.column));
    html! {
        <div class="findings">
            <div class="filters" role="group" aria-label="Show severities">
                { for [Severity::Error, Severity::Warning, Severity::Info].into_iter().map(|severity| {
                    let on = !props.hidden.contains(&severity);
                    let onclick = { let on_toggle = props.on_toggle.clone(); Callback::from(move |_: MouseEvent| on_toggle.emit(severity)) };
                    html! {
                        <button class={classes!("filter", format!("sev-{}", severity.as_str()), on.then_some("on"))}
                            aria-pressed={on.to_string()} {onclick}>
                            {format!("{} {}", count(severity), match severity { Severity::Error => "errors", Severity::Warning => "warnings", Severity::Info => "info" })}
                        </button>
                    }
                }) }
            </div>
            if totals.diagnostics > diagnostics.len() {
                <p class="note">{format!("Showing {} of {} findings, errors first; the JSON download has them all.", diagnostics.len(), totals.diagnostics)}</p>
            }
            if diagnostics.is_empty() {
                <p class="empty">{"No problems found. Everything loaded."}</p>
            } else {
                <ul class="diagnostic-list" role="list" data-testid="findings">
                    { for shown.into_iter().map(|d| {
                        let (line, end_line) = (d.line, d.end_line.max(d.line));
                        let onclick = { let on_select = props.on_select.clone(); Callback::from(move |_: MouseEvent| on_select.emit((line, end_line))) };
                        let onkeydown = { let on_select = props.on_select.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" || e.key() == " " { e.prevent_default(); on_select.emit((line, end_line)) }) };
                        let severity = d.severity.as_str();
                        html! {
                            <li class={classes!("diagnostic", format!("sev-{severity}"))} tabindex="0" role="button"
                                aria-label={format!("{severity} at line {line}: {}", d.message)}
                                data-line={line.to_string()} data-code={d.code.clone()} {onclick} {onkeydown}>
                                <span class="badge">{severity}</span>
                                <span class="where">{format!("line {line}:{}", d.column)}{ if d.doc > 0 { format!(" · doc {}", d.doc) } else { String::new() } }</span>
                                <span class="code-id">{&d.code}</span>
                                <span class="message">{message_html(&d.message)}</span>
                                if let Some(path) = &d.path { <span class="path">{path}</span> }
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
