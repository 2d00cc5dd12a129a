//! The analysis runs in a Web Worker, so the page never freezes. This module is
//! both ends of it.
//!
//! The worker is this same wasm module instantiated a second time: `web/worker.js`
//! imports the page's JS glue and is handed the already compiled
//! `WebAssembly.Module`, so nothing is downloaded or compiled twice; `main` sees
//! there is no window and renders nothing. The worker keeps the last analysis
//! (the NetworkPolicy engine and the full report) and answers the page's
//! questions about it — a truth table, an explanation, a download — so only what
//! the page draws crosses between threads, however large the input.
//!
//! Where no worker can start, [`AnalysisClient`] answers in the page's thread
//! with the same code.

use std::cell::RefCell;
use std::rc::Rc;

use kubeplay_core::diagnostic::Area;
use kubeplay_core::examples::ExerciseStatus;
use kubeplay_core::layout::Layout;
use kubeplay_core::netpol::explain::{ExplainQuery, Explanation};
use kubeplay_core::netpol::graph::Graph;
use kubeplay_core::netpol::{Probe, ProbeQuery, Protocol};
use kubeplay_core::report::Stage;
use kubeplay_core::{Diagnostic, Input, Report, Severity};
use serde::{Deserialize, Serialize};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use crate::state::FlowQuery;

/// The page lists at most this many findings, and the editor marks at most this many diagnostics.
pub const FINDINGS_SHOWN: usize = 2_000;
/// Security cards drawn; the rest are counted.
pub const WORKLOADS_SHOWN: usize = 200;
/// Admission decisions listed; the rest are counted.
pub const ADMISSIONS_SHOWN: usize = 500;
/// Object and per-endpoint lists kept in the page's copy of the report.
const LISTS_SHOWN: usize = 500;
/// A truth table is drawn up to this many endpoints (the CLI prints any size).
pub const MATRIX_MAX_ENDPOINTS: usize = 80;

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExportFormat {
    Json,
    Markdown,
}

/// What the page asks. `run` numbers analyses; answers name the run they are about.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub enum Request {
    Analyze { run: u32, text: String, example: Option<String> },
    Probe { run: u32, port: u16, protocol: Protocol },
    Explain { run: u32, query: FlowQuery },
    Export { run: u32, format: ExportFormat },
}

/// One step of an analysis, for the progress bar.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    Reading,
    Analysing(Stage),
    Drawing,
}

impl Step {
    pub const COUNT: usize = 2 + Stage::ALL.len();

    /// 0-based position among [`Step::COUNT`] steps.
    pub fn index(self) -> usize {
        match self {
            Step::Reading => 0,
            Step::Analysing(stage) => 1 + Stage::ALL.iter().position(|s| *s == stage).unwrap_or(0),
            Step::Drawing => Step::COUNT - 1,
        }
    }

    pub fn label(self) -> String {
        match self {
            Step::Reading => "reading manifests".to_owned(),
            Step::Analysing(stage) => format!("checking {}", stage.label()),
            Step::Drawing => "laying out the traffic graph".to_owned(),
        }
    }
}

/// Full sizes of the lists the page's report copy may cut.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct Totals {
    pub objects: usize,
    /// Every finding (`report::findings`): diagnostics and best-practice findings.
    pub findings: usize,
    /// Errors, warnings, info.
    pub findings_by_severity: [usize; 3],
    /// In `Area::ALL` order.
    pub findings_by_area: [usize; 4],
    pub workloads: usize,
    pub restricted_failing: usize,
    pub admissions: usize,
    pub rejected: usize,
}

/// What one analysis gives the page.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Outcome {
    pub run: u32,
    /// The report with long lists cut to what the page draws; [`Outcome::totals`] has the full counts.
    pub report: Report,
    /// Every finding (each knows its area), cut like the report's lists (errors first).
    pub findings: Vec<Diagnostic>,
    pub totals: Totals,
    pub exercise: Option<ExerciseStatus>,
    pub graph: Graph,
    pub layout: Layout,
    /// The port the matrix opens at.
    pub suggested_port: (u16, Protocol),
    /// Wall time of the analysis in the worker.
    pub elapsed_ms: u32,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub enum ProbeAnswer {
    Table(Probe),
    TooMany { endpoints: usize },
}

#[derive(Serialize, Deserialize, Debug)]
pub enum Response {
    Progress {
        run: u32,
        step: Step,
        elapsed_ms: u32,
    },
    Analyzed(Box<Outcome>),
    Probed {
        run: u32,
        port: u16,
        protocol: Protocol,
        answer: ProbeAnswer,
    },
    Explained {
        run: u32,
        query: FlowQuery,
        explanation: Box<Result<Explanation, String>>,
    },
    Exported {
        format: ExportFormat,
        text: String,
    },
    /// The worker stopped in the middle of this analysis (out of memory, most likely).
    Failed {
        run: u32,
        message: String,
    },
}

/// The last analysis, kept where it ran.
struct Kept {
    run: u32,
    report: Report,
    engine: kubeplay_core::netpol::Engine,
}

/// The analysing side: answers requests about the last analysis.
#[derive(Default)]
pub struct Analyser {
    kept: Option<Kept>,
}

/// At most `budget` findings, shared fairly between areas (a hundred thousand
/// best-practice findings must not hide the NetworkPolicy lint): each area gets
/// an equal share, and what one does not use goes to the others. Within an area
/// errors come first, then warnings, then info; the result is in line order.
fn cut_fairly(mut all: Vec<Diagnostic>, budget: usize) -> Vec<Diagnostic> {
    if all.len() <= budget {
        return all;
    }
    all.sort_by_key(|f| f.severity);
    let mut by_area: Vec<Vec<Diagnostic>> = Area::ALL.iter().map(|_| Vec::new()).collect();
    for finding in all {
        let index = Area::ALL.iter().position(|a| *a == finding.area).unwrap_or(0);
        if let Some(list) = by_area.get_mut(index) {
            list.push(finding);
        }
    }
    let mut take = vec![0usize; by_area.len()];
    let mut left = budget;
    loop {
        let open: Vec<usize> = (0..by_area.len()).filter(|&a| take[a] < by_area[a].len()).collect();
        if open.is_empty() || left == 0 {
            break;
        }
        let share = (left / open.len()).max(1);
        for a in open {
            let extra = share.min(by_area[a].len() - take[a]).min(left);
            take[a] += extra;
            left -= extra;
        }
    }
    let mut kept: Vec<Diagnostic> =
        by_area.into_iter().zip(take).flat_map(|(list, n)| list.into_iter().take(n)).collect();
    kept.sort_by(|a, b| a.position().cmp(&b.position()));
    kept
}

/// The page's copy of a report: every count is kept in [`Totals`], long lists are cut.
fn for_the_page(report: &Report) -> (Report, Vec<Diagnostic>, Totals) {
    let findings: Vec<Diagnostic> = kubeplay_core::report::findings(report).into_iter().cloned().collect();
    let severity = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let area = |a: Area| findings.iter().filter(|f| f.area == a).count();
    let totals = Totals {
        objects: report.objects.len(),
        findings: findings.len(),
        findings_by_severity: [severity(Severity::Error), severity(Severity::Warning), severity(Severity::Info)],
        findings_by_area: Area::ALL.map(area),
        workloads: report.security.workloads.len(),
        restricted_failing: report.security.workloads.iter().filter(|w| !w.restricted.pass).count(),
        admissions: report.admission.objects.len(),
        rejected: report
            .admission
            .objects
            .iter()
            .filter(|d| d.result == kubeplay_core::admission::Outcome::Rejected)
            .count(),
    };
    let mut page = report.clone();
    // Errors first, so a cut never hides one behind info (the sorts are stable: lines stay in order).
    page.diagnostics.sort_by_key(|d| d.severity);
    page.diagnostics.truncate(FINDINGS_SHOWN);
    page.diagnostics.sort_by(|a, b| a.position().cmp(&b.position()));
    page.objects.truncate(LISTS_SHOWN);
    page.security.workloads.truncate(WORKLOADS_SHOWN);
    page.admission.objects.truncate(ADMISSIONS_SHOWN);
    page.netpol.not_isolated_ingress.truncate(LISTS_SHOWN);
    page.netpol.not_isolated_egress.truncate(LISTS_SHOWN);
    page.netpol.reachability.truncate(LISTS_SHOWN);
    page.netpol.service_flows.truncate(LISTS_SHOWN);
    let findings = cut_fairly(findings, FINDINGS_SHOWN);
    (page, findings, totals)
}

impl Analyser {
    /// Answers one request; `emit` sends answers (and progress) back, `now_ms` is a clock.
    pub fn handle(&mut self, request: Request, emit: &mut dyn FnMut(Response), now_ms: &dyn Fn() -> f64) {
        match request {
            Request::Analyze { run, text, example } => {
                let start = now_ms();
                let elapsed = || (now_ms() - start).max(0.0) as u32;
                emit(Response::Progress { run, step: Step::Reading, elapsed_ms: 0 });
                let loading = kubeplay_core::load(&[Input::new("manifest.yaml", &text)]);
                let analysis = kubeplay_core::report::analyze_with_progress(&loading, &mut |stage| {
                    emit(Response::Progress { run, step: Step::Analysing(stage), elapsed_ms: elapsed() })
                });
                let exercise = example
                    .as_deref()
                    .and_then(|id| kubeplay_core::examples::check_exercise(id, &loading.inventory, &analysis));
                emit(Response::Progress { run, step: Step::Drawing, elapsed_ms: elapsed() });
                let kubeplay_core::report::Analysis { report, engine } = analysis;
                let (graph, layout) = kubeplay_core::layout::traffic(&engine, &loading.inventory);
                let suggested_port = kubeplay_core::layout::suggested_port(&engine, &loading.inventory);
                let (page_report, findings, totals) = for_the_page(&report);
                self.kept = Some(Kept { run, report, engine });
                emit(Response::Analyzed(Box::new(Outcome {
                    run,
                    report: page_report,
                    findings,
                    totals,
                    exercise,
                    graph,
                    layout,
                    suggested_port,
                    elapsed_ms: elapsed(),
                })));
            }
            Request::Probe { port, protocol, .. } => {
                let Some(kept) = &self.kept else { return };
                let endpoints = kept.engine.endpoints.len();
                let answer = if endpoints > MATRIX_MAX_ENDPOINTS {
                    ProbeAnswer::TooMany { endpoints }
                } else {
                    let query = ProbeQuery { port, protocol, externals: Vec::new() };
                    ProbeAnswer::Table(kubeplay_core::netpol::probe_engine(&kept.engine, &query))
                };
                emit(Response::Probed { run: kept.run, port, protocol, answer });
            }
            Request::Explain { query, .. } => {
                let Some(kept) = &self.kept else { return };
                let explanation = ExplainQuery::parse(&kept.engine, &query.from, &query.to, query.port, query.protocol)
                    .and_then(|core_query| kubeplay_core::netpol::explain::explain(&kept.engine, &core_query))
                    .map_err(|e| e.to_string());
                emit(Response::Explained { run: kept.run, query, explanation: Box::new(explanation) });
            }
            Request::Export { format, .. } => {
                let Some(kept) = &self.kept else { return };
                let text = match format {
                    // Pretty-printed through a `Value`: serialising the report with a second
                    // formatter would compile every report type's serializer twice.
                    ExportFormat::Json => serde_json::to_string(&kept.report)
                        .ok()
                        .and_then(|compact| serde_json::from_str::<serde_json::Value>(&compact).ok())
                        .and_then(|value| serde_json::to_string_pretty(&value).ok())
                        .unwrap_or_default(),
                    ExportFormat::Markdown => kubeplay_core::render::markdown::report(&kept.report),
                };
                emit(Response::Exported { format, text });
            }
        }
    }
}

fn performance_now() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

// ---- the worker's side ----------------------------------------------------

thread_local! {
    static WORKER_ANALYSER: RefCell<Analyser> = RefCell::new(Analyser::default());
}

/// True inside the analysis worker (no window, a dedicated worker scope).
pub fn in_worker() -> bool {
    js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>().is_ok()
}

/// Called by `web/worker.js` with each JSON request from the page.
#[wasm_bindgen]
pub fn worker_request(message: &str) {
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else { return };
    let Ok(request) = serde_json::from_str::<Request>(message) else { return };
    let mut emit = |response: Response| {
        if let Ok(json) = serde_json::to_string(&response) {
            let _ = scope.post_message(&JsValue::from_str(&json));
        }
    };
    WORKER_ANALYSER.with(|analyser| analyser.borrow_mut().handle(request, &mut emit, &performance_now));
}

// ---- the page's side ------------------------------------------------------

/// Where requests go: the worker, or (where none can start) this thread.
enum Backend {
    Worker {
        worker: web_sys::Worker,
        // Kept alive as long as the worker.
        _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
        _on_error: Closure<dyn FnMut(web_sys::Event)>,
    },
    InThread(Box<Analyser>),
}

struct ClientState {
    backend: Option<Backend>,
    /// The analysis being computed, if any, and the newest one waiting for it.
    in_flight: Option<u32>,
    waiting: Option<Request>,
    next_run: u32,
    /// The analysis request in flight, to send again if the worker never starts.
    sent: Option<Request>,
    /// The worker has said it is up; an error before that means workers cannot run here.
    ready: bool,
}

/// The page's handle on the analysis. Analyses are latest-wins: while one runs,
/// newer texts replace each other and only the newest is sent when it ends.
#[derive(Clone)]
pub struct AnalysisClient {
    state: Rc<RefCell<ClientState>>,
    on_response: Rc<dyn Fn(Response)>,
}

impl PartialEq for AnalysisClient {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.state, &other.state)
    }
}

/// The URL of the page's JS glue, from the preload link Trunk writes.
fn glue_url() -> Option<String> {
    let document = web_sys::window()?.document()?;
    let link = document.query_selector("link[rel=modulepreload]").ok()??;
    Some(link.dyn_into::<web_sys::HtmlLinkElement>().ok()?.href())
}

impl AnalysisClient {
    /// Starts the worker (falling back to this thread); `on_response` receives every answer.
    pub fn start(on_response: impl Fn(Response) + 'static) -> AnalysisClient {
        let client = AnalysisClient {
            state: Rc::new(RefCell::new(ClientState {
                backend: None,
                in_flight: None,
                waiting: None,
                next_run: 1,
                sent: None,
                ready: false,
            })),
            on_response: Rc::new(on_response),
        };
        let backend = client.start_worker().unwrap_or_else(|| Backend::InThread(Box::default()));
        client.state.borrow_mut().backend = Some(backend);
        client
    }

    /// Whether analyses run off the page's thread.
    pub fn in_worker(&self) -> bool {
        matches!(self.state.borrow().backend, Some(Backend::Worker { .. }))
    }

    fn start_worker(&self) -> Option<Backend> {
        let glue = glue_url()?;
        let options = web_sys::WorkerOptions::new();
        options.set_type(web_sys::WorkerType::Module);
        let worker = web_sys::Worker::new_with_options("./worker.js", &options).ok()?;
        let on_message = {
            let client = self.clone();
            Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
                let Some(json) = event.data().as_string() else { return };
                match serde_json::from_str::<Response>(&json) {
                    Ok(response) => client.receive(response),
                    Err(_) if json == "worker-ready" => client.state.borrow_mut().ready = true,
                    Err(_) if json.starts_with("worker-failed:") => client.fall_back(),
                    Err(_) => {}
                }
            })
        };
        let on_error = {
            let client = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
                let ready = client.state.borrow().ready;
                if ready { client.restart() } else { client.fall_back() }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let start = js_sys::Object::new();
        js_sys::Reflect::set(&start, &"glue".into(), &JsValue::from_str(&glue)).ok()?;
        js_sys::Reflect::set(&start, &"module".into(), &wasm_bindgen::module()).ok()?;
        worker.post_message(&start).ok()?;
        Some(Backend::Worker { worker, _on_message: on_message, _on_error: on_error })
    }

    /// The worker died while it was running: say which analysis was lost, and
    /// start a fresh worker for what comes next (never redo it in the page's
    /// thread, where the same input would take the page down).
    fn restart(&self) {
        let lost = {
            let mut state = self.state.borrow_mut();
            if let Some(Backend::Worker { worker, .. }) = &state.backend {
                worker.terminate();
            }
            state.ready = false;
            state.backend = None;
            state.sent = None;
            state.in_flight.take()
        };
        let backend = self.start_worker().unwrap_or_else(|| Backend::InThread(Box::default()));
        self.state.borrow_mut().backend = Some(backend);
        if let Some(run) = lost {
            (self.on_response)(Response::Failed {
                run,
                message: "the analysis stopped before it finished (the input may be too large for this browser)"
                    .to_owned(),
            });
        }
        self.pump();
    }

    /// No worker can run here: answer in this thread from now on, and redo the
    /// analysis that was sent to it.
    fn fall_back(&self) {
        {
            let mut state = self.state.borrow_mut();
            if let Some(Backend::Worker { worker, .. }) = &state.backend {
                worker.terminate();
            }
            state.backend = Some(Backend::InThread(Box::default()));
            state.in_flight = None;
            let lost = state.sent.take();
            if state.waiting.is_none() {
                state.waiting = lost;
            }
        };
        self.pump();
    }

    /// Asks for an analysis of `text`; returns its run number.
    pub fn analyze(&self, text: String, example: Option<&str>) -> u32 {
        let run = {
            let mut state = self.state.borrow_mut();
            let run = state.next_run;
            state.next_run = run.wrapping_add(1);
            state.waiting = Some(Request::Analyze { run, text, example: example.map(str::to_owned) });
            run
        };
        self.pump();
        run
    }

    pub fn probe(&self, run: u32, port: u16, protocol: Protocol) {
        self.send(Request::Probe { run, port, protocol });
    }

    pub fn explain(&self, run: u32, query: FlowQuery) {
        self.send(Request::Explain { run, query });
    }

    pub fn export(&self, run: u32, format: ExportFormat) {
        self.send(Request::Export { run, format });
    }

    /// Sends the waiting analysis when none is running.
    fn pump(&self) {
        let request = {
            let mut state = self.state.borrow_mut();
            if state.in_flight.is_some() {
                return;
            }
            let Some(request) = state.waiting.take() else { return };
            if let Request::Analyze { run, .. } = &request {
                state.in_flight = Some(*run);
                state.sent = Some(request.clone());
            }
            request
        };
        self.send(request);
    }

    fn send(&self, request: Request) {
        let in_thread = {
            let state = self.state.borrow();
            match &state.backend {
                Some(Backend::Worker { worker, .. }) => {
                    if let Ok(json) = serde_json::to_string(&request) {
                        let _ = worker.post_message(&JsValue::from_str(&json));
                    }
                    false
                }
                _ => true,
            }
        };
        if in_thread {
            // Answer after this event, as a worker would, so callers never see a re-entrant answer.
            let client = self.clone();
            gloo_timers::callback::Timeout::new(0, move || {
                let mut answers = Vec::new();
                if let Some(Backend::InThread(analyser)) = &mut client.state.borrow_mut().backend {
                    analyser.handle(request, &mut |r| answers.push(r), &performance_now);
                }
                for answer in answers {
                    client.receive(answer);
                }
            })
            .forget();
        }
    }

    fn receive(&self, response: Response) {
        if let Response::Analyzed(outcome) = &response {
            let done = {
                let mut state = self.state.borrow_mut();
                let done = state.in_flight == Some(outcome.run);
                if done {
                    state.in_flight = None;
                    state.sent = None;
                }
                done
            };
            (self.on_response)(response);
            if done {
                self.pump();
            }
            return;
        }
        (self.on_response)(response);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(analyser: &mut Analyser, request: Request) -> Vec<Response> {
        let mut answers = Vec::new();
        analyser.handle(request, &mut |r| answers.push(r), &|| 0.0);
        answers
    }

    fn example(id: &str) -> String {
        kubeplay_core::examples::example(id).unwrap().yaml.to_owned()
    }

    #[test]
    fn an_analysis_reports_every_step_in_order_then_its_outcome() {
        let mut analyser = Analyser::default();
        let text = example("multi-tier-policy");
        let answers =
            ask(&mut analyser, Request::Analyze { run: 7, text, example: Some("multi-tier-policy".to_owned()) });
        let steps: Vec<usize> = answers
            .iter()
            .filter_map(|a| match a {
                Response::Progress { run: 7, step, .. } => Some(step.index()),
                _ => None,
            })
            .collect();
        assert_eq!(steps, (0..Step::COUNT).collect::<Vec<_>>());
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!("no outcome: {answers:?}") };
        assert_eq!(outcome.run, 7);
        assert!(outcome.exercise.is_some());
        assert_eq!(outcome.totals.findings, outcome.findings.len());
        assert_eq!(outcome.totals.findings_by_area.iter().sum::<usize>(), outcome.totals.findings);
        assert!(
            outcome
                .graph
                .edges
                .iter()
                .any(|e| e.from == "default/frontend[Deployment]" && e.to == "default/api[Deployment]")
        );

        // Questions about the kept analysis.
        let answers = ask(&mut analyser, Request::Probe { run: 7, port: 5000, protocol: Protocol::TCP });
        let [Response::Probed { run: 7, answer: ProbeAnswer::Table(probe), .. }] = answers.as_slice() else {
            panic!("{answers:?}")
        };
        assert!(probe.pods.len() >= 3);
        let query =
            FlowQuery { from: probe.pods[0].clone(), to: probe.pods[1].clone(), port: 5000, protocol: Protocol::TCP };
        let answers = ask(&mut analyser, Request::Explain { run: 7, query: query.clone() });
        let [Response::Explained { query: answered, explanation, .. }] = answers.as_slice() else {
            panic!("{answers:?}")
        };
        assert_eq!(*answered, query);
        assert!(explanation.is_ok(), "{explanation:?}");
        let answers = ask(&mut analyser, Request::Export { run: 7, format: ExportFormat::Json });
        let [Response::Exported { text, .. }] = answers.as_slice() else { panic!("{answers:?}") };
        let full: Report = serde_json::from_str(text).unwrap();
        assert_eq!(kubeplay_core::report::findings(&full).len(), outcome.totals.findings);
    }

    #[test]
    fn large_reports_reach_the_page_cut_with_full_totals() {
        let pods: Vec<String> = (0..300)
            .map(|i| {
                format!(
                    "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns{}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n",
                    i % 3
                )
            })
            .collect();
        let mut analyser = Analyser::default();
        let answers = ask(&mut analyser, Request::Analyze { run: 1, text: pods.join("---\n"), example: None });
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!() };
        assert_eq!(outcome.totals.workloads, 300);
        assert_eq!(outcome.totals.restricted_failing, 300);
        assert_eq!(outcome.report.security.workloads.len(), WORKLOADS_SHOWN);
        // 300 pods × a dozen best-practice findings: cut to what the page lists, errors first.
        assert!(outcome.totals.findings > FINDINGS_SHOWN);
        assert_eq!(outcome.findings.len(), FINDINGS_SHOWN);
        // Every area that has findings keeps some.
        for (index, area) in Area::ALL.iter().enumerate() {
            let shown = outcome.findings.iter().filter(|f| f.area == *area).count();
            assert_eq!(shown > 0, outcome.totals.findings_by_area[index] > 0, "{area:?}");
        }
        // Too many endpoints for a drawn table: the page is told how many instead.
        let answers = ask(&mut analyser, Request::Probe { run: 1, port: 80, protocol: Protocol::TCP });
        assert!(matches!(
            answers.as_slice(),
            [Response::Probed { answer: ProbeAnswer::TooMany { endpoints: 300 }, .. }]
        ));
        // The picture is per namespace.
        assert!(outcome.layout.aggregated);
    }
}

#[cfg(test)]
mod cut_tests {
    use super::*;

    fn finding(area: Area, severity: Severity, line: usize) -> Diagnostic {
        let location = kubeplay_core::Location::new("f", 1, kubeplay_core::source::Span::point(line, 1), None);
        Diagnostic::new(area, severity, "x", String::new(), location)
    }

    #[test]
    fn a_cut_shares_the_budget_between_areas_and_keeps_errors_first() {
        let mut all: Vec<Diagnostic> = (0..1000).map(|i| finding(Area::Security, Severity::Info, i)).collect();
        all.extend((0..30).map(|i| finding(Area::NetworkPolicy, Severity::Warning, 5000 + i)));
        all.push(finding(Area::Security, Severity::Error, 9999));
        let kept = cut_fairly(all, 100);
        assert_eq!(kept.len(), 100);
        // The lint keeps all 30 (under its share); security gets the rest, its one error first.
        assert_eq!(kept.iter().filter(|f| f.area == Area::NetworkPolicy).count(), 30);
        assert!(kept.iter().any(|f| f.severity == Severity::Error));
        assert!(kept.windows(2).all(|w| w[0].location.span.line <= w[1].location.span.line));
        // Under budget: nothing is cut.
        assert_eq!(cut_fairly(vec![finding(Area::Input, Severity::Info, 1)], 100).len(), 1);
    }
}
