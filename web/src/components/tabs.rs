//! The view tabs: a WAI-ARIA tablist; arrow keys move between tabs.

use yew::prelude::*;

use crate::state::{Analysis, Tab};

#[derive(Properties, PartialEq)]
pub struct TabsProps {
    pub current: Tab,
    pub on_tab: Callback<Tab>,
    pub analysis: Option<Analysis>,
    pub stale: bool,
    /// A long analysis is running (its progress is drawn by the app below the tabs).
    pub analysing: bool,
}

#[function_component(Tabs)]
pub fn tabs(props: &TabsProps) -> Html {
    let count = |tab: Tab| -> Option<usize> {
        let outcome = &props.analysis.as_ref()?.outcome;
        match tab {
            Tab::Findings => Some(outcome.counts.findings),
            Tab::Resources => Some(outcome.counts.admissions),
            Tab::Security => Some(outcome.counts.restricted_failing),
            Tab::Traffic => Some(outcome.counts.endpoints),
            Tab::Lesson | Tab::Matrix | Tab::Scaling | Tab::Resilience | Tab::Interview | Tab::Checklist => None,
        }
    };
    let onkeydown = {
        let on_tab = props.on_tab.clone();
        let current = props.current;
        Callback::from(move |e: KeyboardEvent| {
            let index = Tab::ALL.iter().position(|t| *t == current).unwrap_or(0);
            let next = match e.key().as_str() {
                "ArrowRight" => (index + 1) % Tab::ALL.len(),
                "ArrowLeft" => (index + Tab::ALL.len() - 1) % Tab::ALL.len(),
                "Home" => 0,
                "End" => Tab::ALL.len() - 1,
                _ => return,
            };
            e.prevent_default();
            on_tab.emit(Tab::ALL[next]);
            if let Some(element) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id(&format!("tab-{}", Tab::ALL[next].id())))
            {
                use wasm_bindgen::JsCast;
                if let Ok(element) = element.dyn_into::<web_sys::HtmlElement>() {
                    let _ = element.focus();
                }
            }
        })
    };
    html! {
        <div class="tabs" role="tablist" aria-label="Views" {onkeydown}>
            { for Tab::ALL.into_iter().map(|tab| {
                let selected = tab == props.current;
                let onclick = { let on_tab = props.on_tab.clone(); Callback::from(move |_: MouseEvent| on_tab.emit(tab)) };
                html! {
                    <button role="tab" id={format!("tab-{}", tab.id())} class={classes!("tab", selected.then_some("selected"))}
                        aria-selected={selected.to_string()} aria-controls={format!("panel-{}", tab.id())}
                        tabindex={if selected { "0" } else { "-1" }} {onclick}>
                        {tab.label()}
                        if let Some(n) = count(tab) { <span class="count">{n}</span> }
                    </button>
                }
            }) }
            if props.stale && !props.analysing {
                <span class="stale-note" aria-live="polite">{"updating…"}</span>
            }
        </div>
    }
}
