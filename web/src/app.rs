//! The top-level component: owns the state and every effect — reading the URL on
//! start, the debounced analysis, and keeping the URL in step with the view.

use gloo_timers::callback::Timeout;
use kubeplay_core::Input;
use yew::prelude::*;

use crate::components::editor::Editor;
use crate::components::findings::FindingsView;
use crate::components::lesson::LessonView;
use crate::components::resources::ResourcesView;
use crate::components::toolbar::Toolbar;
use crate::state::{Action, Analysis, AppState, Tab};
use crate::{share, url};

/// Wait this long after the last keystroke before re-analysing.
const DEBOUNCE_MS: u32 = 250;

/// A first visit opens this example, so the page shows something at once.
pub const DEFAULT_EXAMPLE: &str = "multi-tier-policy";

fn analyse(text: &str, example: Option<&str>) -> Analysis {
    let loading = kubeplay_core::load(&[Input::new("manifest.yaml", text)]);
    let report = kubeplay_core::analyze_loading(&loading);
    let exercise = example.and_then(|id| kubeplay_core::examples::check_exercise(id, &loading.inventory, &report));
    Analysis { text: text.to_owned(), report, exercise }
}

fn initial_state() -> AppState {
    let start = url::read_start();
    let mut state = AppState {
        text: String::new(),
        analysis: None,
        selection: None,
        tab: Tab::Lesson,
        example: None,
        hidden_severities: Vec::new(),
        embed: start.embed,
        read_only: start.read_only,
    };
    if let Some(shared) = start.shared {
        state.text = shared.text;
        state.example = shared.example.as_deref().and_then(kubeplay_core::examples::example).map(|e| e.id);
        state.tab = Tab::from_id(&shared.tab).unwrap_or(Tab::Lesson);
        state.selection = shared.line.map(|line| crate::state::LineSelection { line, end_line: line, serial: 0 });
    } else {
        let id = start.example.as_deref().unwrap_or(DEFAULT_EXAMPLE);
        let example = kubeplay_core::examples::example(id)
            .or_else(|| kubeplay_core::examples::example(DEFAULT_EXAMPLE))
            .expect("the default example exists");
        state.text = example.yaml.to_owned();
        state.example = Some(example.id);
    }
    if let Some(tab) = start.view.as_deref().and_then(Tab::from_id) {
        state.tab = tab;
    }
    state
}

#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(initial_state);

    // Re-analyse shortly after the text stops changing (at once the first time).
    {
        let dispatcher = state.dispatcher();
        let first_run = state.analysis.is_none();
        let example = state.example;
        use_effect_with((state.text.clone(), example), move |(text, example)| {
            let text = text.clone();
            let example = *example;
            let run = move || dispatcher.dispatch(Action::Analyzed(analyse(&text, example)));
            let timeout = if first_run {
                run();
                None
            } else {
                Some(Timeout::new(DEBOUNCE_MS, run))
            };
            move || drop(timeout)
        });
    }

    // Keep `?example=…&view=…` in the address bar (not the text: that is what share links are for).
    {
        let embed = state.embed;
        use_effect_with((state.example, state.tab), move |(example, tab)| {
            if !embed {
                url::show_view(*example, tab.id());
            }
        });
    }

    let dispatch = |make: fn(String) -> Action| {
        let dispatcher = state.dispatcher();
        Callback::from(move |value: String| dispatcher.dispatch(make(value)))
    };
    let on_edit = dispatch(Action::Edit);
    let on_select = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(line, end_line): (usize, usize)| dispatcher.dispatch(Action::Select { line, end_line }))
    };
    let on_tab = {
        let dispatcher = state.dispatcher();
        Callback::from(move |tab: Tab| dispatcher.dispatch(Action::ShowTab(tab)))
    };
    let on_example = {
        let dispatcher = state.dispatcher();
        Callback::from(move |id: &'static str| dispatcher.dispatch(Action::OpenExample(id)))
    };
    let on_toggle_severity = {
        let dispatcher = state.dispatcher();
        Callback::from(move |severity| dispatcher.dispatch(Action::ToggleSeverity(severity)))
    };
    let share_link = {
        let state = state.clone();
        Callback::from(move |_: ()| {
            let shared = share::SharedState {
                text: state.text.clone(),
                tab: state.tab.id().to_owned(),
                example: state.example.map(str::to_owned),
                line: state.selection.map(|s| s.line),
            };
            url::share_url(&share::encode(&shared))
        })
    };

    let diagnostics = state.analysis.as_ref().map(|a| a.report.diagnostics.clone()).unwrap_or_default();
    let view = match (&state.analysis, state.tab) {
        (None, _) => html! { <p class="empty">{"Analysing…"}</p> },
        (Some(analysis), Tab::Lesson) => html! {
            <LessonView example={state.example} exercise={analysis.exercise.clone()} on_example={on_example.clone()} />
        },
        (Some(analysis), Tab::Findings) => html! {
            <FindingsView
                diagnostics={analysis.report.diagnostics.clone()}
                hidden={state.hidden_severities.clone()}
                on_toggle={on_toggle_severity}
                on_select={on_select.clone()}
            />
        },
        (Some(analysis), Tab::Resources) => html! {
            <ResourcesView admission={analysis.report.admission.clone()} />
        },
        (Some(analysis), Tab::Security) => html! {
            <crate::components::security::SecurityView security={analysis.report.security.clone()} on_select={on_select.clone()} />
        },
    };
    let report = state.analysis.as_ref().map(|a| a.report.clone());

    html! {
        <div class={classes!("app", state.embed.then_some("embedded"))}>
            if !state.embed {
                <Toolbar example={state.example} on_example={on_example} share_link={share_link} report={report.clone()} />
            }
            <main class="panes">
                <section class="pane editor-pane" aria-label="Manifests">
                    <Editor
                        text={state.text.clone()}
                        diagnostics={diagnostics}
                        selection={state.selection}
                        read_only={state.read_only}
                        on_edit={on_edit}
                    />
                </section>
                <section class="pane side-pane" aria-label="Analysis">
                    <crate::components::tabs::Tabs current={state.tab} on_tab={on_tab} report={report} stale={state.is_stale()} />
                    <div class="view" role="tabpanel" id={format!("panel-{}", state.tab.id())} aria-labelledby={format!("tab-{}", state.tab.id())}>
                        {view}
                    </div>
                </section>
            </main>
        </div>
    }
}
