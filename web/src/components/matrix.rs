//! The truth table for one port and protocol (`.` allowed, `X` denied, as
//! cyclonus and the upstream e2e suite print it); every cell explains itself.
//! In pick mode cells are chosen instead (on any ports), and NetworkPolicies
//! are generated for exactly the picked flows (`kubeplay generate`), to put in
//! the editor in place of its own.

use kubeplay_core::netpol::Protocol;
use yew::prelude::*;

use crate::state::{FlowQuery, ProbeResult};
use crate::worker::protocol::{GeneratedView, MatrixView as Table};

#[derive(Properties, PartialEq)]
pub struct MatrixProps {
    /// The table for `port`, once the analysis has answered.
    pub probe: Option<ProbeResult>,
    pub port: (u16, Protocol),
    pub on_port: Callback<(u16, Protocol)>,
    pub on_explain: Callback<FlowQuery>,
    /// Flows picked for generation (any port).
    pub picked: Vec<FlowQuery>,
    /// Policies generated for them, on the analysis shown.
    pub generated: Option<Result<GeneratedView, String>>,
    /// The analysis shown is of the editor's text, and it may be edited.
    pub can_edit: bool,
    pub on_pick: Callback<FlowQuery>,
    pub on_clear_picks: Callback<()>,
    /// Generate, with DNS to kube-dns allowed or not.
    pub on_generate: Callback<bool>,
    /// Put this text (the generated policies in place of the input's) in the editor.
    pub on_use_generated: Callback<String>,
}

fn generation(props: &MatrixProps, dns: &UseStateHandle<bool>) -> Html {
    let toggle_dns = {
        let dns = dns.clone();
        Callback::from(move |_: Event| dns.set(!*dns))
    };
    let generate = {
        let (on_generate, dns) = (props.on_generate.clone(), **dns);
        Callback::from(move |_: MouseEvent| on_generate.emit(dns))
    };
    let clear = {
        let on_clear = props.on_clear_picks.clone();
        Callback::from(move |_: MouseEvent| on_clear.emit(()))
    };
    let count = props.picked.len();
    html! {
        <div class="generate" data-testid="generate">
            <p class="generate-bar">
                <span>{format!("{count} flow{} picked", if count == 1 { "" } else { "s" })}</span>
                <label title="Every selected pod may also send UDP and TCP 53 to pods labelled k8s-app: kube-dns in kube-system">
                    <input type="checkbox" checked={**dns} onchange={toggle_dns} />{" DNS to kube-dns"}</label>
                <button class="action primary" onclick={generate} disabled={count == 0} data-testid="generate-run">{"Generate policies for exactly these flows"}</button>
                <button class="action" onclick={clear} disabled={count == 0}>{"Clear"}</button>
            </p>
            if count > 0 {
                <p class="note picked-list">{ props.picked.iter().map(|f| format!("{} → {} {}/{}", f.from, f.to, f.port, f.protocol.as_str())).collect::<Vec<_>>().join(" · ") }</p>
            }
            { match &props.generated {
                None => html! {},
                Some(Err(message)) => html! { <p class="error" data-testid="generate-error">{message}</p> },
                Some(Ok(view)) => {
                    let use_text = view.text.clone().map(|text| {
                        let on_use = props.on_use_generated.clone();
                        Callback::from(move |_: MouseEvent| on_use.emit(text.clone()))
                    });
                    html! {
                        <div class="generated" data-testid="generated">
                            <p>
                                {format!("{} NetworkPolic{} allow exactly the picked flows{}, checked by the engine. ",
                                    view.policies, if view.policies == 1 { "y" } else { "ies" },
                                    if **dns { " and DNS" } else { "" })}
                                { match view.replaced {
                                    0 => "They are added to the editor.".to_owned(),
                                    1 => "They replace the editor's 1 NetworkPolicy.".to_owned(),
                                    n => format!("They replace the editor's {n} NetworkPolicies."),
                                } }
                            </p>
                            if let Some(onclick) = use_text {
                                <button class="action primary" {onclick} disabled={!props.can_edit} data-testid="generate-use">{"Put them in the editor"}</button>
                            } else {
                                <p class="note">{"The editor's policies could not be replaced in its text as it is: copy the YAML below."}</p>
                            }
                            <pre class="fix-yaml generated-yaml">{&view.yaml}</pre>
                        </div>
                    }
                }
            } }
        </div>
    }
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
    let picking = use_state(|| false);
    let dns = use_state(|| true);
    let toggle_picking = {
        let picking = picking.clone();
        Callback::from(move |_: Event| picking.set(!*picking))
    };
    html! {
        <div class="matrix">
            <div class="traffic-controls">
                <label>{"Port "}<input type="number" min="1" max="65535" value={port.to_string()} onchange={on_port_input} aria-label="Destination port" data-testid="matrix-port" /></label>
                <label>{"Protocol "}
                    <select onchange={on_protocol} aria-label="Protocol">
                        { for [Protocol::TCP, Protocol::UDP, Protocol::SCTP].into_iter().map(|p| html! { <option value={p.as_str()} selected={p == protocol}>{p.as_str()}</option> }) }
                    </select>
                </label>
                <label title="Click cells to pick flows, then generate NetworkPolicies for exactly those">
                    <input type="checkbox" checked={*picking} onchange={toggle_picking} data-testid="pick-flows" />{" pick flows"}</label>
                <span class="note">{ if *picking { "click cells to pick the flows to allow" } else { "rows: from · columns: to · . allowed · X denied" } }</span>
            </div>
            if *picking || !props.picked.is_empty() {
                { generation(props, &dns) }
            }
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
                                    let picked = props.picked.contains(&query);
                                    let onclick = if *picking {
                                        let on_pick = props.on_pick.clone();
                                        Callback::from(move |_: MouseEvent| on_pick.emit(query.clone()))
                                    } else {
                                        let on_explain = props.on_explain.clone();
                                        Callback::from(move |_: MouseEvent| on_explain.emit(query.clone()))
                                    };
                                    html! {
                                        <td class={classes!(if allowed { "yes" } else { "no" }, picked.then_some("picked"))}>
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
