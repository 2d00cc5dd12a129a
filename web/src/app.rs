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
use crate::state::{Action, Analysis, AppState, FlowQuery, SharedTraffic, Tab, Traffic};
use crate::{share, url};

/// Wait this long after the last keystroke before re-analysing.
const DEBOUNCE_MS: u32 = 250;

/// A first visit opens this example, so the page shows something at once.
pub const DEFAULT_EXAMPLE: &str = "multi-tier-policy";

fn analyse(text: &str, example: Option<&str>) -> Analysis {
    let loading = kubeplay_core::load(&[Input::new("manifest.yaml", text)]);
    let analysis = kubeplay_core::report::analyze_keeping_engine(&loading);
    let exercise = example.and_then(|id| kubeplay_core::examples::check_exercise(id, &loading.inventory, &analysis));
    let kubeplay_core::report::Analysis { report, engine } = analysis;
    let (graph, layout) = kubeplay_core::layout::traffic(&engine, &loading.inventory);
    let suggested_port = kubeplay_core::layout::suggested_port(&engine, &loading.inventory);
    let traffic = SharedTraffic(std::rc::Rc::new(Traffic { engine, graph, layout, suggested_port }));
    Analysis { text: text.to_owned(), report, exercise, traffic }
}

fn initial_state() -> AppState {
    let start = url::read_start();
    let mut state = AppState {
        text: String::new(),
        analysis: None,
        selection: None,
        tab: Tab::Traffic,
        example: None,
        hidden_severities: Vec::new(),
        embed: start.embed,
        read_only: start.read_only,
        port: None,
        explain: None,
        focus: None,
    };
    if let Some(shared) = start.shared {
        state.text = shared.text;
        state.example = shared.example.as_deref().and_then(kubeplay_core::examples::example).map(|e| e.id);
        state.tab = Tab::from_id(&shared.tab).unwrap_or(Tab::Traffic);
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

    // Re-analyse shortly after the text stops changing; at once the first time and
    // when an example is opened (no typing to wait for).
    let analysed_example = use_mut_ref(|| None::<Option<&'static str>>);
    {
        let dispatcher = state.dispatcher();
        let example = state.example;
        let opened = *analysed_example.borrow() != Some(example);
        *analysed_example.borrow_mut() = Some(example);
        let first_run = state.analysis.is_none() || opened;
        use_effect_with((state.text.clone(), example), move |(text, example)| {
            let text = text.clone();
            let example = *example;
            let run = move || dispatcher.dispatch(Action::Analyzed(Box::new(analyse(&text, example))));
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

    let on_explain = {
        let dispatcher = state.dispatcher();
        Callback::from(move |query: FlowQuery| dispatcher.dispatch(Action::Explain(Some(query))))
    };
    let on_close_explain = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: ()| dispatcher.dispatch(Action::Explain(None)))
    };
    let on_focus = {
        let dispatcher = state.dispatcher();
        Callback::from(move |id: Option<String>| dispatcher.dispatch(Action::Focus(id)))
    };
    let on_port = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(port, protocol)| dispatcher.dispatch(Action::SetPort(port, protocol)))
    };
    let port = state.port.or_else(|| state.analysis.as_ref().map(|a| a.traffic.0.suggested_port));
    let port = port.unwrap_or((80, kubeplay_core::netpol::Protocol::TCP));
    let explanation = match (&state.analysis, &state.explain) {
        (Some(analysis), Some(q)) => {
            let query = kubeplay_core::netpol::explain::ExplainQuery {
                from: q.from.clone(),
                to: q.to.clone(),
                port: q.port,
                protocol: q.protocol,
            };
            Some(kubeplay_core::netpol::explain::explain(&analysis.traffic.0.engine, &query))
        }
        _ => None,
    };
    let diagnostics = state.analysis.as_ref().map(|a| a.report.diagnostics.clone()).unwrap_or_default();
    let view = match (&state.analysis, state.tab) {
        (None, _) => html! { <p class="empty">{"Analysing…"}</p> },
        (Some(analysis), Tab::Lesson) => html! {
            <LessonView example={state.example} exercise={analysis.exercise.clone()} on_example={on_example.clone()} />
        },
        (Some(analysis), Tab::Traffic) => html! {
            <crate::components::traffic::TrafficView traffic={analysis.traffic.clone()} focus={state.focus.clone()} {port}
                on_focus={on_focus} on_explain={on_explain.clone()} />
        },
        (Some(analysis), Tab::Matrix) => html! {
            <crate::components::matrix::MatrixView traffic={analysis.traffic.clone()} {port} on_port={on_port} on_explain={on_explain.clone()} />
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
                    if let Some(explanation) = explanation {
                        <crate::components::explain::ExplainPanel {explanation} on_select={on_select.clone()} on_close={on_close_explain} />
                    }
                </section>
            </main>
        </div>
    }
}
