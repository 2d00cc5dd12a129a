//! The truth table for one port and protocol (`.` allowed, `X` denied, as
//! cyclonus and the upstream e2e suite print it); every cell explains itself.

use kubeplay_core::netpol::Protocol;
use yew::prelude::*;

use crate::state::{FlowQuery, ProbeResult};
use crate::worker::protocol::MatrixView as Table;

#[derive(Properties, PartialEq)]
pub struct MatrixProps {
    /// The table for `port`, once the analysis has answered.
    pub probe: Option<ProbeResult>,
    pub port: (u16, Protocol),
    pub on_port: Callback<(u16, Protocol)>,
    pub on_explain: Callback<FlowQuery>,
}

#[function_component(MatrixView)]
pub fn matrix_view(props: &MatrixProps) -> Html {
    let (port, protocol) = props.port;
    let on_port_input = {
        let on_port = props.on_port.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>()
                && let Ok(value) = input.value().parse::<u16>()
                && value > 0
            {
                on_port.emit((value, protocol));
            }
        })
    };
    let on_protocol = {
        let on_port = props.on_port.clone();
        Callback::from(move |e: Event| {
            if let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>()
                && let Ok(protocol) = select.value().parse::<Protocol>()
            {
                on_port.emit((port, protocol));
            }
        })
    };
    let short = |id: &str| id.to_owned();
    html! {
        <div class="matrix">
            <div class="traffic-controls">
                <label>{"Port "}<input type="number" min="1" max="65535" value={port.to_string()} onchange={on_port_input} aria-label="Destination port" data-testid="matrix-port" /></label>
                <label>{"Protocol "}
                    <select onchange={on_protocol} aria-label="Protocol">
                        { for [Protocol::TCP, Protocol::UDP, Protocol::SCTP].into_iter().map(|p| html! { <option value={p.as_str()} selected={p == protocol}>{p.as_str()}</option> }) }
                    </select>
                </label>
                <span class="note">{"rows: from · columns: to · . allowed · X denied"}</span>
            </div>
            { match props.probe.as_ref().map(|p| p.answer.as_ref()) {
                None => html! { <p class="note">{"Probing…"}</p> },
                Some(Err(message)) => html! { <p class="note error">{message}</p> },
                Some(Ok(Table::TooMany { endpoints })) => html! {
                    <p class="note">{format!("{endpoints} endpoints: too many to draw; use `kubeplay probe` for the full table.")}</p>
                },
                Some(Ok(Table::Table { endpoints, allowed })) => html! {
                <div class="matrix-scroll">
                    <table class="truth-table" data-testid="matrix">
                        <thead><tr><th></th>{ for endpoints.iter().map(|p| html! { <th scope="col" class="col-head"><span>{short(p)}</span></th> }) }</tr></thead>
                        <tbody>
                        { for endpoints.iter().enumerate().map(|(i, from)| html! {
                            <tr>
                                <th scope="row">{short(from)}</th>
                                { for endpoints.iter().enumerate().map(|(j, to)| {
                                    let allowed = allowed.get(i).and_then(|row| row.get(j)).copied().unwrap_or(false);
                                    let query = FlowQuery { from: from.clone(), to: to.clone(), port, protocol };
                                    let on_explain = props.on_explain.clone();
                                    let onclick = Callback::from(move |_: MouseEvent| on_explain.emit(query.clone()));
                                    html! {
                                        <td class={if allowed { "yes" } else { "no" }}>
                                            <button {onclick} data-from={from.clone()} data-to={to.clone()}
                                                aria-label={format!("{from} to {to}: {}", if allowed { "allowed" } else { "denied" })}>
                                                { if allowed { "." } else { "X" } }
                                            </button>
                                        </td>
                                    }
                                }) }
                            </tr>
                        }) }
                        </tbody>
                    </table>
                </div>
            },
            } }
        </div>
    }
}
