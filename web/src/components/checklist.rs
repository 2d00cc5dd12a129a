//! The material's best practices and key takeaways as a checklist run against
//! whatever is in the editor: each item followed or not (core decides), with
//! the findings that say why, a click away from their lines.

use kubeplay_core::lessons::checklist::{ITEMS, State};
use yew::prelude::*;

use crate::components::findings::message_html;
use crate::state::Analysis;

/// What the checklist needs (a plain function, not a component: it re-renders with the app).
pub struct ChecklistProps<'a> {
    pub analysis: &'a Analysis,
    /// Only the items of this lesson (`best-practices` or `key-takeaways`).
    pub only: Option<&'static str>,
    pub on_select: &'a Callback<(usize, usize)>,
}

/// At most this many findings are listed under one item.
const FINDINGS_PER_ITEM: usize = 3;

pub fn checklist_view(props: ChecklistProps<'_>) -> Html {
    let outcome = &props.analysis.outcome;
    let group = |lesson: &'static str, title: &'static str| {
        if props.only.is_some_and(|only| only != lesson) {
            return html! {};
        }
        html! {
            <section class="checklist-group" aria-label={title}>
                <h3>{title}</h3>
                <ul class="checklist" role="list">
                    { for ITEMS.iter().filter(|item| item.lesson == lesson).map(|item| {
                        let Some(verdict) = outcome.checklist.iter().find(|v| v.id == item.id) else { return html! {} };
                        let (state, tick, label) = match verdict.state {
                            State::Followed => ("followed", "✓", "followed"),
                            State::NotFollowed => ("not-followed", "✗", "not followed"),
                            State::NotApplicable => ("not-applicable", "–", "nothing to check"),
                        };
                        let rows: Vec<_> = outcome.findings.iter().filter(|f| verdict.findings.contains(&f.code)).collect();
                        html! {
                            <li class={classes!("check-item", state)} data-item={item.id} data-state={state}>
                                <span class="tick" aria-hidden="true">{tick}</span>
                                <div class="check-body">
                                    <p><strong>{item.text}</strong> <span class="check-state">{label}</span></p>
                                    <p class="detail">{message_html(&verdict.detail)}</p>
                                    if !rows.is_empty() {
                                        <ul class="check-findings">
                                            { for rows.iter().take(FINDINGS_PER_ITEM).map(|f| {
                                                let (line, end_line) = (f.location.span.line, f.location.span.end_line.max(f.location.span.line));
                                                let onclick = { let on_select = props.on_select.clone(); Callback::from(move |_: MouseEvent| on_select.emit((line, end_line))) };
                                                html! {
                                                    <li><button class="finding-link" data-code={f.code.clone()} {onclick} title="Select its lines in the editor">
                                                        <span class="code-id">{&f.code}</span>{format!(" line {line}: ")}{message_html(&f.message)}
                                                    </button></li>
                                                }
                                            }) }
                                            if rows.len() > FINDINGS_PER_ITEM {
                                                <li class="more">{format!("and {} more in Findings", rows.len() - FINDINGS_PER_ITEM)}</li>
                                            }
                                        </ul>
                                    }
                                </div>
                            </li>
                        }
                    }) }
                </ul>
            </section>
        }
    };
    html! {
        <div class="checklist-view" data-testid="checklist">
            if props.only.is_none() {
                <h2>{"The material's checklist, on your manifests"}</h2>
                <p class="summary-text">{"Each best practice and key takeaway of the material, checked against whatever is in the editor."}</p>
            }
            { group("best-practices", "Best practices summary") }
            { group("key-takeaways", "Key takeaways") }
        </div>
    }
}
