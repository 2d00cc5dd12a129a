//! The top-level component: owns the state and the effects (debounced analysis).

use gloo_timers::callback::Timeout;
use kubeplay_core::Input;
use yew::prelude::*;

use crate::components::diagnostics::DiagnosticsPane;
use crate::components::editor::Editor;
use crate::state::{Action, AppState};

/// Wait this long after the last keystroke before re-analysing.
const DEBOUNCE_MS: u32 = 250;

const STARTER: &str = include_str!("../examples/starter.yaml");

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| AppState::new(STARTER.to_owned()));

    // Re-analyse shortly after the text stops changing.
    {
        let dispatcher = state.dispatcher();
        let text = state.text.clone();
        let first_run = state.report.is_none();
        use_effect_with(text, move |text| {
            let text = text.clone();
            let run = move || {
                let report = kubeplay_core::analyze(&[Input::new("manifest.yaml", &text)]);
                dispatcher.dispatch(Action::Analyzed { text, report });
            };
            let timeout = if first_run {
                run();
                None
            } else {
                Some(Timeout::new(DEBOUNCE_MS, run))
            };
            move || drop(timeout)
        });
    }

    let on_edit = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(Action::Edit(text)))
    };
    let on_select = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(line, column): (usize, usize)| dispatcher.dispatch(Action::GoToLine { line, column }))
    };
    let diagnostics = state.report.as_ref().map(|r| r.diagnostics.clone()).unwrap_or_default();
    let object_count = state.report.as_ref().map_or(0, |r| r.objects.len());

    html! {
        <div class="app">
            <header class="topbar">
                <h1 class="brand">{"kubeplay"}</h1>
                <span class="tagline">{"Kubernetes policy playground — paste manifests, see what the cluster would do"}</span>
                <span class="version" title="kubeplay version and the Kubernetes version whose semantics it follows">
                    {format!("v{} · Kubernetes {}", kubeplay_core::VERSION, kubeplay_core::KUBERNETES_VERSION)}
                </span>
            </header>
            <main class="panes">
                <section class="pane editor-pane" aria-label="Manifests">
                    <Editor
                        text={state.text.clone()}
                        diagnostics={diagnostics.clone()}
                        selection={state.selection}
                        on_edit={on_edit}
                    />
                </section>
                <section class="pane side-pane" aria-label="Diagnostics">
                    <DiagnosticsPane
                        diagnostics={diagnostics}
                        object_count={object_count}
                        stale={state.is_stale()}
                        on_select={on_select}
                    />
                </section>
            </main>
        </div>
    }
}
