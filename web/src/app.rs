//! The top-level component: owns the state and every effect — reading the URL on
//! start, the analysis client (a Web Worker) and what it answers, debouncing
//! analyses, asking for truth tables and explanations, downloads, and keeping the
//! URL in step with the view.

use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::components::editor::Editor;
use crate::components::findings::FindingsView;
use crate::components::lesson::LessonView;
use crate::components::resources::ResourcesView;
use crate::components::toolbar::Toolbar;
use crate::state::{
    Action, Analysis, AppState, CompareChoice, Comparison, FixAnswer, FlowQuery, GenerateAnswer, ProbeResult, Progress,
    ScalingPreview, Tab,
};
use crate::url;
use crate::worker::client::{AnalysisClient, Received};
use crate::worker::protocol::{ExportFormat, Response, Step};
use kubeplay_core::render::share;

/// Wait this long after the last keystroke before re-analysing, when analyses are slow.
const DEBOUNCE_MS: u32 = 250;
/// An analysis quicker than the debounce is redone at once on every edit: at
/// worst one such analysis of a stale text runs before the newest (latest
/// wins), which costs less than waiting out the debounce would.
const QUICK_MS: u32 = DEBOUNCE_MS;

/// A first visit opens this example, so the page shows something at once.
pub const DEFAULT_EXAMPLE: &str = "multi-tier-policy";

/// Offers `contents` as a file download (a Blob URL; nothing leaves the browser).
fn download(name: &str, mime: &str, contents: &str) {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(contents));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else { return };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else { return };
    if let Some(anchor) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    {
        anchor.set_href(&url);
        anchor.set_download(name);
        anchor.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// Turns the analysis client's answers into actions (and downloads).
fn on_receive(received: Received, dispatcher: &UseReducerDispatcher<AppState>) {
    let response = match received {
        Received::Analysis { text, outcome } => {
            return dispatcher.dispatch(Action::Analyzed(Analysis { text, outcome: Rc::new(*outcome) }));
        }
        Received::Preview { text, scaling } => {
            return dispatcher.dispatch(Action::Previewed(ScalingPreview { text, scaling, made_in_page_ms: None }));
        }
        Received::Other(response) => response,
    };
    match response {
        // Said to the client, which handles them.
        Response::Ready | Response::StartFailed { .. } | Response::Analyzed(_) | Response::Simulated { .. } => {}
        Response::Progress { run, step, elapsed_ms } => {
            dispatcher.dispatch(Action::Progressed(Progress { run, step, elapsed_ms }))
        }
        Response::Failed { run, message } => dispatcher.dispatch(Action::Failed { run, message }),
        Response::Probed { run, port, protocol, answer } => {
            dispatcher.dispatch(Action::Probed(ProbeResult { run, port, protocol, answer: Rc::new(answer) }))
        }
        Response::Explained { query, explanation, before, .. } => {
            dispatcher.dispatch(Action::Explained(Box::new((query, explanation, before.map(|b| *b)))))
        }
        Response::Generated { run, answer } => {
            dispatcher.dispatch(Action::Generated(Rc::new(GenerateAnswer { run, answer })))
        }
        Response::Compared { run, comparison } => {
            if let Some(answer) = comparison {
                dispatcher.dispatch(Action::Compared(Rc::new(Comparison { run, answer })))
            }
        }
        Response::Fixed { run, query, want, answer } => {
            dispatcher.dispatch(Action::Fixed(Rc::new(FixAnswer { run, query, want, answer })))
        }
        Response::FixApplied { text: Ok(text), .. } => {
            dispatcher.dispatch(Action::Notice(None));
            dispatcher.dispatch(Action::Edit(text));
        }
        Response::FixApplied { text: Err(message), .. } => {
            dispatcher.dispatch(Action::Notice(Some(format!("The fix was not applied: {message}."))))
        }
        Response::Exported { format, text: Ok(text), .. } => {
            dispatcher.dispatch(Action::Notice(None));
            match format {
                ExportFormat::Json => download("kubeplay-report.json", "application/json", &text),
                ExportFormat::Markdown => download("kubeplay-report.md", "text/markdown", &text),
            }
        }
        Response::Exported { text: Err(message), .. } => {
            dispatcher.dispatch(Action::Notice(Some(format!("The download failed: {message}."))))
        }
        Response::Unreadable { message } => dispatcher
            .dispatch(Action::Notice(Some(format!("The analysis worker misunderstood a message: {message}.")))),
    }
}

fn initial_state() -> AppState {
    let start = url::read_start();
    let mut state = AppState { embed: start.embed, read_only: start.read_only, ..AppState::empty() };
    if let Some(shared) = start.shared {
        state.text = Rc::from(shared.text);
        state.example = shared.example.as_deref().and_then(kubeplay_core::examples::example).map(|e| e.id);
        state.tab = Tab::from_id(&shared.tab).unwrap_or(Tab::Traffic);
        state.selection = shared.line.map(|line| crate::state::LineSelection { line, end_line: line, serial: 0 });
    } else {
        // `?lesson=<id>` opens the lesson's example (or one of its variants, when `example` names one).
        let lesson = start.lesson.as_deref().and_then(kubeplay_core::lessons::lesson);
        if let Some(lesson) = lesson {
            state.lesson = Some(lesson.id);
            state.tab = Tab::Lesson;
        }
        let requested = start
            .example
            .as_deref()
            .filter(|e| lesson.is_none_or(|l| l.example.is_none() || l.example == Some(*e) || l.variants.contains(e)));
        let id = requested.or(lesson.and_then(|l| l.example)).unwrap_or(DEFAULT_EXAMPLE);
        let example = kubeplay_core::examples::example(id)
            .or_else(|| kubeplay_core::examples::example(DEFAULT_EXAMPLE))
            .expect("the default example exists");
        state.text = Rc::from(example.yaml);
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

    // The analysis client lives as long as the page; its answers become actions.
    let client = {
        let dispatcher = state.dispatcher();
        use_memo((), move |_| AnalysisClient::start(move |received| on_receive(received, &dispatcher)))
    };

    // Re-analyse on every edit: at once when the last analysis was quick (and the
    // first time, and when an example is opened), else shortly after the text
    // stops changing, so typing into a large input does not queue slow analyses.
    let analysed_example = use_mut_ref(|| None::<Option<&'static str>>);
    {
        let example = state.example;
        let opened = *analysed_example.borrow() != Some(example);
        *analysed_example.borrow_mut() = Some(example);
        let quick = state.analysis.as_ref().is_none_or(|a| a.outcome.elapsed_ms < QUICK_MS);
        // A load control's edit is already drawn (its preview, made here): its analysis
        // waits until the control rests, because the page reading a whole analysis
        // (~10 ms) between an edit and the next frame is what made frames late while
        // dragging (docs/performance.md, "The slider").
        let at_once = (quick && !state.control_previewed()) || opened;
        let client = client.clone();
        use_effect_with((state.text.clone(), example), move |(text, example)| {
            let (text, example) = (text.clone(), *example);
            let run = move || {
                client.analyze(text, example);
            };
            let timeout = if at_once {
                run();
                None
            } else {
                Some(Timeout::new(DEBOUNCE_MS, run))
            };
            move || drop(timeout)
        });
    }

    let run = state.analysis.as_ref().map(Analysis::run);
    let port = state.port.or_else(|| state.analysis.as_ref().map(|a| a.outcome.suggested_port));
    let port = port.unwrap_or((80, kubeplay_core::netpol::Protocol::TCP));

    // The matrix's truth table, asked for when its view is open and the analysis or port changes.
    {
        let client = client.clone();
        let wanted = (state.tab == Tab::Matrix).then_some(run).flatten();
        use_effect_with((wanted, port), move |(wanted, (port, protocol))| {
            if let Some(run) = wanted {
                client.probe(*run, *port, *protocol);
            }
        });
    }
    // The baseline the traffic is compared with: told to the worker whenever it changes
    // (it then compares every analysis with it). Declared before the explanation's effect,
    // so a new baseline reaches the worker before the explanation is asked again.
    {
        let client = client.clone();
        let first = use_mut_ref(|| true);
        use_effect_with(state.baseline.clone(), move |baseline| {
            // Nothing to say before a baseline was ever set.
            if !std::mem::take(&mut *first.borrow_mut()) || baseline.is_some() {
                client.compare(run.unwrap_or(0), baseline.as_deref().map(str::to_owned));
            }
        });
    }
    // The open explanation, asked for again when the analysis (or the baseline) changes under it.
    {
        let client = client.clone();
        use_effect_with((state.explain.clone(), run, state.baseline.clone()), move |(query, run, _)| {
            if let (Some(query), Some(run)) = (query, run) {
                client.explain(*run, query.clone());
            }
        });
    }

    // Fixes, asked for from the explain panel on the analysis shown.
    {
        let client = client.clone();
        use_effect_with((state.fix_asked.clone(), run), move |(asked, run)| {
            if let (Some((query, want)), Some(run)) = (asked, run) {
                client.fix(*run, query.clone(), *want);
            }
        });
    }

    // Keep `?lesson=…` or `?example=…&view=…` in the address bar (not the text: that is what share links are for).
    {
        let embed = state.embed;
        use_effect_with((state.example, state.tab, state.lesson), move |(example, tab, lesson)| {
            if !embed {
                url::show_view(*example, tab.id(), *lesson);
            }
        });
    }
    // Interview progress: read from local storage once, written back whenever it changes
    // (never before it was read, so a first render cannot wipe it). Nothing is sent anywhere.
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |_| dispatcher.dispatch(Action::ProgressLoaded(url::read_progress())));
    }
    use_effect_with((state.solved.clone(), state.progress_loaded), |(solved, loaded)| {
        if *loaded {
            url::write_progress(solved);
        }
    });

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
    let on_lesson = {
        let dispatcher = state.dispatcher();
        Callback::from(move |id: &'static str| dispatcher.dispatch(Action::OpenLesson(id)))
    };
    let on_reset = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: ()| dispatcher.dispatch(Action::ResetExample))
    };
    let on_reset_progress = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: ()| dispatcher.dispatch(Action::ResetProgress))
    };
    let edited = state.example.and_then(kubeplay_core::examples::example).is_some_and(|e| *state.text != *e.yaml);
    let interview = |analysis: &Analysis| {
        crate::components::interview::interview_view(crate::components::interview::InterviewProps {
            example: state.example,
            tasks: &analysis.outcome.tasks,
            solved: &state.solved,
            embed: state.embed,
            on_example: on_example.clone(),
            on_lesson: on_lesson.clone(),
            on_reset: on_reset_progress.clone(),
        })
    };
    let checklist = |analysis: &Analysis, only: Option<&'static str>| {
        crate::components::checklist::checklist_view(crate::components::checklist::ChecklistProps {
            analysis,
            only,
            on_select: &on_select,
        })
    };
    let on_toggle_area = {
        let dispatcher = state.dispatcher();
        Callback::from(move |area| dispatcher.dispatch(Action::ToggleArea(area)))
    };
    let on_toggle_severity = {
        let dispatcher = state.dispatcher();
        Callback::from(move |severity| dispatcher.dispatch(Action::ToggleSeverity(severity)))
    };
    let share_link = {
        let state = state.clone();
        Callback::from(move |_: ()| {
            let shared = share::SharedState {
                text: state.text.to_string(),
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
    let on_compare = {
        let dispatcher = state.dispatcher();
        Callback::from(move |choice: CompareChoice| dispatcher.dispatch(Action::Compare(choice)))
    };
    let on_focus = {
        let dispatcher = state.dispatcher();
        Callback::from(move |id: Option<String>| dispatcher.dispatch(Action::Focus(id)))
    };
    let on_port = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(port, protocol)| dispatcher.dispatch(Action::SetPort(port, protocol)))
    };
    let on_download = {
        let client = client.clone();
        Callback::from(move |format: ExportFormat| {
            if let Some(run) = run {
                client.export(run, format);
            }
        })
    };
    let explanation = state.current_explanation().cloned();
    let fixes = state.current_fixes().cloned();
    let fixing = state.fix_asked.is_some();
    let on_fix = {
        let dispatcher = state.dispatcher();
        Callback::from(move |want: bool| dispatcher.dispatch(Action::AskFix(want)))
    };
    let on_apply_fix = {
        let client = client.clone();
        let stale = state.is_stale();
        Callback::from(move |index: usize| {
            if let (Some(run), false) = (run, stale) {
                client.apply_fix(run, index);
            }
        })
    };
    let probe = state.probe.clone().filter(|p| Some(p.run) == run && (p.port, p.protocol) == port);
    let view = match (&state.analysis, state.tab) {
        (None, _) => {
            html! { <p class="empty">{ state.failure.clone().unwrap_or_else(|| "Analysing…".to_owned()) }</p> }
        }
        (Some(analysis), Tab::Lesson) => {
            let inner = match state.lesson {
                Some("interview") => interview(analysis),
                Some(only @ ("best-practices" | "key-takeaways")) => checklist(analysis, Some(only)),
                _ => html! {},
            };
            html! {
                <LessonView example={state.example} lesson={state.lesson} exercise={analysis.outcome.exercise.clone()}
                    notes={analysis.outcome.notes.clone()} {edited} embed={state.embed}
                    on_example={on_example.clone()} on_lesson={on_lesson.clone()} on_reset={on_reset.clone()}>
                    {inner}
                </LessonView>
            }
        }
        (Some(analysis), Tab::Interview) => interview(analysis),
        (Some(analysis), Tab::Checklist) => checklist(analysis, None),
        (Some(analysis), Tab::Traffic) => html! {
            <crate::components::traffic::TrafficView analysis={analysis.clone()} focus={state.focus.clone()} {port}
                comparing={state.baseline.is_some()} comparison={state.current_comparison().cloned()}
                on_compare={on_compare.clone()} on_focus={on_focus} on_explain={on_explain.clone()} />
        },
        (Some(_), Tab::Matrix) => {
            let on_pick = {
                let dispatcher = state.dispatcher();
                Callback::from(move |flow: FlowQuery| dispatcher.dispatch(Action::TogglePick(flow)))
            };
            let on_clear_picks = {
                let dispatcher = state.dispatcher();
                Callback::from(move |_: ()| dispatcher.dispatch(Action::ClearPicks))
            };
            let on_generate = {
                let (client, picked) = (client.clone(), state.picked.clone());
                Callback::from(move |dns: bool| {
                    if let Some(run) = run {
                        client.generate(run, picked.clone(), dns);
                    }
                })
            };
            let on_use_generated = {
                let dispatcher = state.dispatcher();
                Callback::from(move |text: String| {
                    dispatcher.dispatch(Action::Edit(text));
                    dispatcher.dispatch(Action::ClearPicks);
                })
            };
            html! {
                <crate::components::matrix::MatrixView {probe} {port} on_port={on_port} on_explain={on_explain.clone()}
                    picked={state.picked.clone()} generated={state.current_generated().cloned()}
                    can_edit={!state.is_stale() && !state.read_only}
                    {on_pick} {on_clear_picks} {on_generate} {on_use_generated} />
            }
        }
        (Some(analysis), Tab::Findings) => html! {
            <FindingsView
                analysis={analysis.clone()}
                hidden={state.hidden_severities.clone()}
                hidden_areas={state.hidden_areas.clone()}
                on_toggle={on_toggle_severity}
                {on_toggle_area}
                on_select={on_select.clone()}
            />
        },
        (Some(analysis), Tab::Resources) => html! {
            <ResourcesView analysis={analysis.clone()} />
        },
        (Some(analysis), Tab::Security) => html! {
            <crate::components::security::SecurityView analysis={analysis.clone()} on_select={on_select.clone()} />
        },
        (Some(analysis), Tab::Scaling) => {
            let (dispatcher, client, text) = (state.dispatcher(), client.clone(), state.text.clone());
            // A load control rewrote the HPASimulation. Its Scaling view is made (or asked
            // for) here, before the page re-renders for the edit and asks for the analysis
            // (an effect): a small text's edit and chart are drawn in one render, so the
            // chart follows the slider within a frame. Only this document changes, so a
            // text one render old gives the same result.
            let on_simulation = Callback::from(move |document: String| {
                let edited: Rc<str> = Rc::from(crate::documents::replace_document(&text, "HPASimulation", &document));
                let started = crate::worker::entry::performance_now();
                match client.preview_here(&edited) {
                    Some(scaling) => dispatcher.dispatch(Action::EditPreviewed(ScalingPreview {
                        text: edited,
                        scaling: Rc::new(scaling),
                        made_in_page_ms: Some(crate::worker::entry::performance_now() - started),
                    })),
                    None => {
                        dispatcher.dispatch(Action::Edit(edited.to_string()));
                        client.simulate(edited);
                    }
                }
            });
            let (view, preview) = state.scaling_view().unwrap_or_else(|| (analysis.outcome.scaling.clone(), false));
            html! { <crate::components::scaling::ScalingView {view} {preview} {on_simulation} /> }
        }
        (Some(analysis), Tab::Resilience) => {
            let dispatcher = state.dispatcher();
            let on_scenario = Callback::from(move |document: String| {
                dispatcher.dispatch(Action::ReplaceDocument { kind: "ChaosScenario", document })
            });
            html! { <crate::components::resilience::ResilienceView analysis={analysis.clone()} {on_scenario} /> }
        }
    };
    // The progress of an analysis newer than the one shown.
    let progress = state.progress.filter(|p| run.is_none_or(|shown| p.run > shown));

    html! {
        <div class={classes!("app", state.embed.then_some("embedded"))}
            data-analysis={if client.in_worker() { "worker" } else { "page" }}
            data-elapsed-ms={state.analysis.as_ref().map(|a| a.outcome.elapsed_ms.to_string())}
            data-step-ms={state.analysis.as_ref().map(|a| a.outcome.step_ms.iter().map(u32::to_string).collect::<Vec<_>>().join(","))}
            data-preview-ms={state.scaling_preview.as_ref().and_then(|p| p.made_in_page_ms).map(|ms| format!("{ms:.1}"))}
            data-state={match (state.is_stale(), &state.failure) {
                (false, _) => "ready",
                (true, None) => "analysing",
                (true, Some(_)) => "failed",
            }}>
            if !state.embed {
                <Toolbar example={state.example} lesson={state.lesson} on_lesson={on_lesson.clone()} on_example={on_example} share_link={share_link} on_download={on_download} can_download={run.is_some()} />
            }
            <main class="panes">
                <section class="pane editor-pane" aria-label="Manifests">
                    <Editor
                        text={state.editor_text()}
                        analysis={state.analysis.clone()}
                        selection={state.selection}
                        read_only={state.read_only}
                        on_edit={on_edit}
                    />
                </section>
                <section class="pane side-pane" aria-label="Analysis">
                    <crate::components::tabs::Tabs current={state.tab} on_tab={on_tab} analysis={state.analysis.clone()} stale={state.is_stale()} analysing={progress.is_some()} />
                    if let Some(progress) = progress {
                        // Invisible for its first moments (CSS), so quick analyses do not flicker.
                        <div class="progress" role="status" data-testid="progress" data-step={(progress.step.index() + 1).to_string()}>
                            <progress max={Step::COUNT.to_string()} value={(progress.step.index() + 1).to_string()} aria-label="Analysis progress"></progress>
                            <span>{format!("Analysing: {} (step {} of {})…", progress.step.label(), progress.step.index() + 1, Step::COUNT)}</span>
                        </div>
                    }
                    if let Some(notice) = &state.notice {
                        <p class="failure" role="alert">{notice}</p>
                    }
                    if let (Some(failure), Some(_)) = (&state.failure, &state.analysis) {
                        <p class="failure" role="alert">{format!("The last edit was not analysed: {failure}. Showing the previous analysis.")}</p>
                    }
                    <div class={classes!("view", progress.is_some().then_some("stale"))} role="tabpanel" id={format!("panel-{}", state.tab.id())} aria-labelledby={format!("tab-{}", state.tab.id())}>
                        {view}
                    </div>
                    if let Some(explanation) = explanation {
                        <crate::components::explain::ExplainPanel {explanation} before={state.current_before().cloned()} {fixes} {fixing} can_apply={!state.is_stale() && !state.read_only}
                            on_select={on_select.clone()} on_close={on_close_explain} {on_fix} {on_apply_fix} />
                    }
                </section>
            </main>
        </div>
    }
}
