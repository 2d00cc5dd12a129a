//! Explain one connection: the verdict and both sides of it (the source's
//! egress, the destination's ingress), each naming the policy, rule, peer and
//! port that allowed it or saying that none did; clicking a rule selects its
//! YAML lines in the editor. "How do I allow (block) this?" lists the smallest
//! verified edits that flip the verdict (`kubeplay fix`), each with what else
//! it changes and an Apply button that writes it into the editor.

use yew::prelude::*;

use crate::state::FixAnswer;
use crate::worker::protocol::{ExplainView, FixOption, SideView};

#[derive(Properties, PartialEq)]
pub struct ExplainProps {
    pub explanation: Result<ExplainView, String>,
    /// The same flow in the baseline, when comparing.
    pub before: Option<Result<ExplainView, String>>,
    /// Fixes found for this flow on the analysis shown.
    pub fixes: Option<FixAnswer>,
    /// Fixes have been asked for and not answered yet.
    pub fixing: bool,
    /// The analysis shown is of the editor's text (an edit can be written into it).
    pub can_apply: bool,
    pub on_select: Callback<(usize, usize)>,
    pub on_close: Callback<()>,
    /// Ask for the fixes that give the flow this verdict.
    pub on_fix: Callback<bool>,
    /// Write fix `index` into the editor.
    pub on_apply_fix: Callback<usize>,
}

fn fix_card(fix: &FixOption, props: &ExplainProps) -> Html {
    let apply = {
        let on_apply = props.on_apply_fix.clone();
        let index = fix.index;
        Callback::from(move |_: MouseEvent| on_apply.emit(index))
    };
    // The object's first line (the fix names the object, not the lines it changes).
    let locate = fix.line.map(|line| {
        let on_select = props.on_select.clone();
        Callback::from(move |_: MouseEvent| on_select.emit((line, line)))
    });
    html! {
        <li class="fix-option" data-fix-kind={fix.kind.clone()}>
            <div class="fix-head">
                <span class="fix-title">{&fix.title}</span>
                if let (Some(line), Some(onclick)) = (fix.line, locate) {
                    <button class="link" {onclick}>{format!("line {line}")}</button>
                } else {
                    <span class="fix-new">{"new document"}</span>
                }
                <button class="apply" onclick={apply} disabled={!props.can_apply}
                    title={if props.can_apply { "Write this change into the editor" } else { "Wait for the analysis of the current text" }}>{"Apply"}</button>
            </div>
            <pre class="fix-yaml">{&fix.yaml}</pre>
            if fix.side_effects.is_empty() {
                <p class="fix-effects none">{"No other flow on this port changes."}</p>
            } else {
                <ul class="fix-effects">
                    { for fix.side_effects.iter().map(|e| html! { <li>{e}</li> }) }
                </ul>
            }
        </li>
    }
}

/// The flow in the baseline: its verdict and both sides, so a change explains itself twice.
fn before_section(before: &Result<ExplainView, String>, now: bool, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <section class="before" data-testid="explain-before">
            { match before {
                Err(message) => html! { <p class="note">{format!("In the baseline: {message}")}</p> },
                Ok(b) => html! {
                    <>
                        <h4 class={if b.allowed { "verdict-allowed" } else { "verdict-denied" }}>
                            {format!("In the baseline: {}{}", if b.allowed { "allowed" } else { "denied" },
                                if b.allowed == now { " (unchanged)" } else { " — this change flips it" })}
                        </h4>
                        { for b.sides.iter().map(|s| side(s, on_select)) }
                    </>
                },
            } }
        </section>
    }
}

/// The "How do I …?" button, or the fixes it found.
fn fixes_section(e: &ExplainView, props: &ExplainProps, section: &NodeRef) -> Html {
    let want = !e.allowed;
    let question = if want { "How do I allow this?" } else { "How do I block this?" };
    let answer = props.fixes.as_ref().filter(|f| f.want == want);
    let ask = {
        let on_fix = props.on_fix.clone();
        Callback::from(move |_: MouseEvent| on_fix.emit(want))
    };
    html! {
        <section class="fixes" data-testid="fixes" ref={section.clone()}>
            { match answer.map(|a| &a.answer) {
                None => html! {
                    <button class="ask-fix" onclick={ask} disabled={props.fixing}>
                        { if props.fixing { "Looking for the smallest change…" } else { question } }
                    </button>
                },
                Some(Err(message)) => html! { <p class="error">{message}</p> },
                Some(Ok(view)) => html! {
                    <>
                        <h4>{question}</h4>
                        if view.fixes.is_empty() {
                            <p class="note">{ if want {
                                "No single change to one object allows it (when both the source's egress and the destination's ingress block it, each side needs its own change)."
                            } else {
                                "No single change to one object blocks it."
                            } }</p>
                        } else {
                            <p class="note">{"Each change below was checked by analysing the edited manifests again; the fewest side effects first."}</p>
                            <ol class="fix-list">{ for view.fixes.iter().map(|f| fix_card(f, props)) }</ol>
                            if view.more > 0 {
                                <p class="note">{format!("{} more (kubeplay fix lists them all).", view.more)}</p>
                            }
                        }
                    </>
                },
            } }
        </section>
    }
}

fn side(side: &SideView, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <div class={classes!("side", if side.allowed { "allowed" } else { "denied" })}>
            <h4>{&side.title}{" — "}{ if side.allowed { "allows" } else { "denies" } }</h4>
            <p>{&side.text}</p>
            if !side.lines.is_empty() {
                <ul class="rules">
                    { for side.lines.iter().map(|rule| {
                        let (line, end_line) = (rule.line, rule.end_line);
                        let on_select = on_select.clone();
                        let onclick = Callback::from(move |_: MouseEvent| on_select.emit((line, end_line)));
                        html! { <li><button class="link rule" {onclick} data-line={line.to_string()}>{&rule.text}</button></li> }
                    }) }
                </ul>
            }
        </div>
    }
}
#[function_component(ExplainPanel)]
pub fn explain_panel(props: &ExplainProps) -> Html {
    // Fixes arrive below the explanation: bring them into view.
    let section = use_node_ref();
    {
        let section = section.clone();
        let answered = props.fixes.as_ref().map(|f| (f.run, f.want));
        use_effect_with(answered, move |answered| {
            if answered.is_some()
                && let Some(element) = section.cast::<web_sys::Element>()
            {
                element.scroll_into_view_with_bool(true);
            }
        });
    }
    let onclick = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    html! {
        <aside class={classes!("explain", props.fixes.is_some().then_some("with-fixes"))} aria-label="Explanation" data-testid="explain">
            <button class="close" aria-label="Close the explanation" {onclick}>{"×"}</button>
            { match &props.explanation {
                Err(message) => html! { <p class="error">{message}</p> },
                Ok(e) => html! {
                    <>
                        <h3 class={if e.allowed { "verdict-allowed" } else { "verdict-denied" }}>
                            {format!("{} → {} on {}/{}: {}", e.from, e.to, e.port, e.protocol.as_str(), if e.allowed { "allowed" } else { "denied" })}
                        </h3>
                        <p class="explain-summary">{&e.summary}</p>
                        { for e.sides.iter().map(|s| side(s, &props.on_select)) }
                        if let Some(before) = &props.before {
                            { before_section(before, e.allowed, &props.on_select) }
                        }
                        { for e.notes.iter().map(|n| html! { <p class="note">{n}</p> }) }
                        { fixes_section(e, props, &section) }
                    </>
                },
            } }
        </aside>
    }
}
