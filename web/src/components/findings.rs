//! Findings: every located finding — loading diagnostics, NetworkPolicy lint,
//! admission (quota and limits) and best practices — filterable by severity and
//! by the analysis it came from; clicking one selects its lines. A finding's
//! rule id opens its card from the rule reference (`kubeplay rules`,
//! `docs/rules.md`): what the rule checks, why it matters, the upstream
//! function and the same check in other tools, as the worker sends them.

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
    let rules = &props.analysis.outcome.rules;
    // The row whose rule card is open: `code@line:column`.
    let open_card = use_state(|| None::<String>);
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
                        let key = format!("{}@{line}:{}", d.code, d.location.span.column);
                        let card = rules.iter().find(|r| r.id == d.code);
                        let is_open = card.is_some() && open_card.as_deref() == Some(key.as_str());
                        let card_id = format!("rule-card-{}", key.replace(['@', ':'], "-"));
                        let toggle = {
                            let open_card = open_card.clone();
                            let key = key.clone();
                            Callback::from(move |e: MouseEvent| {
                                e.stop_propagation();
                                open_card.set(if open_card.as_deref() == Some(key.as_str()) { None } else { Some(key.clone()) });
                            })
                        };
                        // Enter and Space press the button, not the row.
                        let keep_keys = Callback::from(|e: KeyboardEvent| e.stop_propagation());
                        let inside_card = Callback::from(|e: MouseEvent| e.stop_propagation());
                        html! {
                            <li class={classes!("diagnostic", format!("sev-{severity}"))} tabindex="0" role="button"
                                aria-label={format!("{severity} at line {line}: {}", d.message)}
                                data-line={line.to_string()} data-code={d.code.clone()} data-area={d.area.label().to_owned()} {onclick} {onkeydown}>
                                <span class="badge">{severity}</span>
                                <span class="where">{format!("line {line}:{}", d.location.span.column)}{ if d.location.doc > 0 { format!(" · doc {}", d.location.doc) } else { String::new() } }</span>
                                if card.is_some() {
                                    <button class="code-id rule-link" aria-expanded={is_open.to_string()} aria-controls={card_id.clone()}
                                        title="What this rule checks" onclick={toggle} onkeydown={keep_keys.clone()}>{&d.code}</button>
                                } else {
                                    <span class="code-id">{&d.code}</span>
                                }
                                <span class="message">{message_html(&d.message)}</span>
                                if let Some(fix) = &d.fix {
                                    <details class="finding-fix" onclick={inside_card.clone()} onkeydown={keep_keys.clone()}>
                                        <summary>{"fix"}</summary>
                                        <pre class="fix">{fix}</pre>
                                    </details>
                                }
                                if let Some(path) = &d.location.path { <span class="path">{path}</span> }
                                if let Some(card) = card.filter(|_| is_open) {
                                    <div class="rule-card" id={card_id} data-testid="rule-card" onclick={inside_card} onkeydown={keep_keys}>
                                        <div class="rule-head"><code>{&card.id}</code>{format!(" · rule, {} by default", card.severity.as_str())}</div>
                                        <p><strong>{"Checks: "}</strong>{message_html(&card.checks)}</p>
                                        <p><strong>{"Why it matters: "}</strong>{&card.why}</p>
                                        if let Some(upstream) = &card.upstream { <p><strong>{"Upstream: "}</strong>{upstream}</p> }
                                        if !card.equivalents.is_empty() { <p><strong>{"Same check in: "}</strong>{card.equivalents.join("; ")}</p> }
                                    </div>
                                }
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
