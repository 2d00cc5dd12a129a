//! Findings: every located finding — loading diagnostics, NetworkPolicy lint,
//! admission (quota and limits) and best practices — filterable by severity and
//! by the analysis it came from; clicking one selects its lines.

use kubeplay_core::Area;
use kubeplay_core::Severity;
use yew::prelude::*;

use crate::state::Analysis;

#[derive(Properties, PartialEq)]
pub struct FindingsProps {
    /// Its findings are the page's copy: at most `FINDINGS_SHOWN`, errors first.
    pub analysis: Analysis,
    pub hidden: Vec<Severity>,
    pub hidden_areas: Vec<Area>,
    pub on_toggle: Callback<Severity>,
    pub on_toggle_area: Callback<Area>,
    pub on_select: Callback<(usize, usize)>,
}

/// Renders `backticked` parts of a message as code.
pub fn message_html(message: &str) -> Html {
    html! { <>{ for message.split('`').enumerate().map(|(i, part)| if i % 2 == 1 { html! { <code>{part}</code> } } else { html! { {part} } }) }</> }
}

#[function_component(FindingsView)]
pub fn findings_view(props: &FindingsProps) -> Html {
    let findings = &props.analysis.outcome.findings;
    let totals = &props.analysis.outcome.counts;
    let count = |severity: Severity| match severity {
        Severity::Error => totals.findings_by_severity[0],
        Severity::Warning => totals.findings_by_severity[1],
        Severity::Info => totals.findings_by_severity[2],
    };
    let mut shown: Vec<_> = findings
        .iter()
        .filter(|f| !props.hidden.contains(&f.severity) && !props.hidden_areas.contains(&f.area))
        .collect();
    // Worst first; within a severity, input and policy findings before the many best-practice ones.
    kubeplay_core::sort::sort_by_key(&mut shown, |f| {
        (f.severity, f.area, f.location.span.line, f.location.span.column)
    });
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
            <div class="filters areas" role="group" aria-label="Show findings from">
                { for Area::ALL.into_iter().enumerate().map(|(index, area)| {
                    let on = !props.hidden_areas.contains(&area);
                    let onclick = { let on_toggle = props.on_toggle_area.clone(); Callback::from(move |_: MouseEvent| on_toggle.emit(area)) };
                    html! {
                        <button class={classes!("filter", "area", on.then_some("on"))} aria-pressed={on.to_string()}
                            data-area={area.label().to_owned()} {onclick}>
                            {format!("{} {}", area.label(), totals.findings_by_area[index])}
                        </button>
                    }
                }) }
            </div>
            if totals.findings > findings.len() {
                <p class="note">{format!("Showing {} of {} findings, shared between areas, errors first; the JSON download has them all.", findings.len(), totals.findings)}</p>
            }
            if findings.is_empty() {
                <p class="empty">{"No problems found. Everything loaded."}</p>
            } else {
                <ul class="diagnostic-list" role="list" data-testid="findings">
                    { for shown.into_iter().map(|d| {
                        let (line, end_line) = (d.location.span.line, d.location.span.end_line.max(d.location.span.line));
                        let onclick = { let on_select = props.on_select.clone(); Callback::from(move |_: MouseEvent| on_select.emit((line, end_line))) };
                        let onkeydown = { let on_select = props.on_select.clone(); Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" || e.key() == " " { e.prevent_default(); on_select.emit((line, end_line)) }) };
                        let severity = d.severity.as_str();
                        html! {
                            <li class={classes!("diagnostic", format!("sev-{severity}"))} tabindex="0" role="button"
                                aria-label={format!("{severity} at line {line}: {}", d.message)}
                                data-line={line.to_string()} data-code={d.code.clone()} data-area={d.area.label().to_owned()} {onclick} {onkeydown}>
                                <span class="badge">{severity}</span>
                                <span class="where">{format!("line {line}:{}", d.location.span.column)}{ if d.location.doc > 0 { format!(" · doc {}", d.location.doc) } else { String::new() } }</span>
                                <span class="code-id">{&d.code}</span>
                                <span class="message">{message_html(&d.message)}</span>
                                if let Some(path) = &d.location.path { <span class="path">{path}</span> }
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
