//! Explain one connection: the verdict and both sides of it (the source's
//! egress, the destination's ingress), each naming the policy, rule, peer and
//! port that allowed it or saying that none did; clicking a rule selects its
//! YAML lines in the editor.

use yew::prelude::*;

use crate::worker::protocol::{ExplainView, SideView};

#[derive(Properties, PartialEq)]
pub struct ExplainProps {
    pub explanation: Result<ExplainView, String>,
    pub on_select: Callback<(usize, usize)>,
    pub on_close: Callback<()>,
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
    let onclick = {
        let on_close = props.on_close.clone();
        Callback::from(move |_: MouseEvent| on_close.emit(()))
    };
    html! {
        <aside class="explain" aria-label="Explanation" data-testid="explain">
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
                        { for e.notes.iter().map(|n| html! { <p class="note">{n}</p> }) }
                    </>
                },
            } }
        </aside>
    }
}
