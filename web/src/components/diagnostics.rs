//! The diagnostics list: one row per finding, worst first; clicking a row (or
//! pressing Enter on it) selects its line in the editor.

use kubeplay_core::Diagnostic;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DiagnosticsProps {
    pub diagnostics: Vec<Diagnostic>,
    pub object_count: usize,
    pub stale: bool,
    pub on_select: Callback<(usize, usize)>,
}

#[function_component(DiagnosticsPane)]
pub fn diagnostics_pane(props: &DiagnosticsProps) -> Html {
    let errors = props.diagnostics.iter().filter(|d| d.is_error()).count();
    let others = props.diagnostics.len() - errors;
    let mut sorted: Vec<&Diagnostic> = props.diagnostics.iter().collect();
    sorted.sort_by_key(|d| (d.severity, d.line, d.column));
    let summary = format!(
        "{} object{} loaded · {} error{} · {} warning{}/info",
        props.object_count,
        if props.object_count == 1 { "" } else { "s" },
        errors,
        if errors == 1 { "" } else { "s" },
        others,
        if others == 1 { "" } else { "s" },
    );
    html! {
        <div class="diagnostics">
            <div class="pane-header">
                <h2>{"Diagnostics"}</h2>
                <span class={classes!("summary", props.stale.then_some("stale"))} aria-live="polite" data-testid="summary">{summary}</span>
            </div>
            if sorted.is_empty() {
                <p class="empty">{"No problems found. Everything loaded."}</p>
            } else {
                <ul class="diagnostic-list" role="list">
                    { for sorted.into_iter().map(|d| {
                        let on_select = props.on_select.clone();
                        let (line, column) = (d.line, d.column);
                        let onclick = { let on_select = on_select.clone(); Callback::from(move |_: MouseEvent| on_select.emit((line, column))) };
                        let onkeydown = Callback::from(move |e: KeyboardEvent| if e.key() == "Enter" || e.key() == " " { e.prevent_default(); on_select.emit((line, column)) });
                        let severity = d.severity.as_str();
                        html! {
                            <li class={classes!("diagnostic", format!("sev-{severity}"))} tabindex="0" role="button"
                                aria-label={format!("{severity} at line {line}: {}", d.message)}
                                data-line={line.to_string()} {onclick} {onkeydown}>
                                <span class="badge">{severity}</span>
                                <span class="where">{format!("line {line}:{column}")}{ if d.doc > 0 { format!(" · doc {}", d.doc) } else { String::new() } }</span>
                                <span class="code-id">{&d.code}</span>
                                <span class="message">{&d.message}</span>
                                if let Some(path) = &d.path { if !path.is_empty() { <span class="path">{path}</span> } }
                            </li>
                        }
                    }) }
                </ul>
            }
        </div>
    }
}
