//! Explain one connection: the verdict and both sides of it (the source's
//! egress, the destination's ingress), each naming the policy, rule, peer and
//! port that allowed it or saying that none did; clicking a rule selects its
//! YAML lines in the editor.

use kubeplay_core::netpol::explain::{DecidedBy, Explanation, SideExplanation};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ExplainProps {
    pub explanation: Result<Explanation, String>,
    pub on_select: Callback<(usize, usize)>,
    pub on_close: Callback<()>,
}

fn side(title: &str, side: &SideExplanation, on_select: &Callback<(usize, usize)>) -> Html {
    html! {
        <div class={classes!("side", if side.allowed { "allowed" } else { "denied" })}>
            <h4>{title}{" — "}{ if side.allowed { "allows" } else { "denies" } }</h4>
            <p>{&side.text}</p>
            if !side.matches.is_empty() {
                <ul class="rules">
                    { for side.matches.iter().map(|m| {
                        let (line, end_line) = (m.location.span.line, m.location.span.end_line.max(m.location.span.line));
                        let on_select = on_select.clone();
                        let onclick = Callback::from(move |_: MouseEvent| on_select.emit((line, end_line)));
                        html! { <li><button class="link rule" {onclick} data-line={line.to_string()}>{&m.text}{format!(" (lines {line}–{end_line})")}</button></li> }
                    }) }
                </ul>
            }
            if side.matches.is_empty() && !side.policies.is_empty() {
                <ul class="rules">
                    { for side.policies.iter().map(|p| {
                        let (line, end_line) = (p.location.span.line, p.location.span.end_line.max(p.location.span.line));
                        let on_select = on_select.clone();
                        let onclick = Callback::from(move |_: MouseEvent| on_select.emit((line, end_line)));
                        html! { <li><button class="link rule" {onclick} data-line={line.to_string()}>{format!("policy {} selects it (line {line})", p.policy)}</button></li> }
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
                        if e.decided_by == DecidedBy::Policies {
                            {side("Egress from the source", &e.egress, &props.on_select)}
                            {side("Ingress to the destination", &e.ingress, &props.on_select)}
                        }
                        { for e.notes.iter().map(|n| html! { <p class="note">{n}</p> }) }
                    </>
                },
            } }
        </aside>
    }
}
