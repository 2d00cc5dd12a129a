//! Application state as a `Reducible` with an `Action` enum (yew's todomvc shape):
//! components dispatch actions; I/O (analysis runs, timers, the URL) lives in the
//! top-level effects of `app.rs`.

use std::rc::Rc;

use kubeplay_core::Area;
use kubeplay_core::Severity;
use kubeplay_core::netpol::Protocol;
use yew::Reducible;

pub use crate::worker::protocol::FlowQuery;
use crate::worker::protocol::{DiffView, ExplainView, FixView, GeneratedView, MatrixView, Outcome, ScalingView, Step};

/// The views on the right, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Lesson,
    Traffic,
    Matrix,
    Findings,
    Resources,
    Security,
    Scaling,
    Resilience,
    Interview,
    Checklist,
}

impl Tab {
    pub const ALL: [Tab; 10] = [
        Tab::Lesson,
        Tab::Traffic,
        Tab::Matrix,
        Tab::Findings,
        Tab::Resources,
        Tab::Security,
        Tab::Scaling,
        Tab::Resilience,
        Tab::Interview,
        Tab::Checklist,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Tab::Lesson => "lesson",
            Tab::Traffic => "traffic",
            Tab::Matrix => "matrix",
            Tab::Findings => "findings",
            Tab::Resources => "resources",
            Tab::Security => "security",
            Tab::Scaling => "scaling",
            Tab::Resilience => "resilience",
            Tab::Interview => "interview",
            Tab::Checklist => "checklist",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Lesson => "Lesson",
            Tab::Traffic => "Traffic",
            Tab::Matrix => "Matrix",
            Tab::Findings => "Findings",
            Tab::Resources => "Resources",
            Tab::Security => "Security",
            Tab::Scaling => "Scaling",
            Tab::Resilience => "Resilience",
            Tab::Interview => "Interview",
            Tab::Checklist => "Checklist",
        }
    }

    pub fn from_id(id: &str) -> Option<Tab> {
        Tab::ALL.into_iter().find(|t| t.id() == id)
    }
}

/// A line range the editor should select and scroll to (set by clicking a finding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineSelection {
    pub line: usize,
    pub end_line: usize,
    /// Bumped on every request, so clicking the same finding twice moves the cursor again.
    pub serial: u32,
}

/// One analysis as the page has it (see `worker::protocol::Outcome`). Shared, never
/// copied; two are equal only when they are the same run.
#[derive(Clone, Debug)]
pub struct Analysis {
    /// The text that was analysed (the editor may have moved on).
    pub text: Rc<str>,
    pub outcome: Rc<Outcome>,
}

impl PartialEq for Analysis {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.outcome, &other.outcome)
    }
}

/// The Scaling view of a text drawn ahead of its analysis (a load control moved).
#[derive(Clone, Debug)]
pub struct ScalingPreview {
    /// The text it was drawn from.
    pub text: Rc<str>,
    pub scaling: Rc<ScalingView>,
    /// Milliseconds the page's own thread spent making it (`None`: the worker made
    /// it); the page shows it in `data-preview-ms` for the browser test's timing.
    pub made_in_page_ms: Option<f64>,
}

impl PartialEq for ScalingPreview {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.scaling, &other.scaling)
    }
}

impl Analysis {
    pub fn run(&self) -> u32 {
        self.outcome.run
    }
}

/// Where a running analysis has got to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Progress {
    pub run: u32,
    pub step: Step,
    pub elapsed_ms: u32,
}

/// The truth table of one port, for one analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeResult {
    pub run: u32,
    pub port: u16,
    pub protocol: Protocol,
    /// The table, or why there is none.
    pub answer: Rc<Result<MatrixView, String>>,
}

/// An explanation as the worker answered it, or why there is none; with the
/// same flow in the baseline when comparing.
pub type ExplainAnswer = (FlowQuery, Result<ExplainView, String>, Option<Result<ExplainView, String>>);

/// What the compare control asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum CompareChoice {
    /// The editor's text now is the "before".
    Current,
    /// A pasted text is the "before".
    Pasted(String),
    Stop,
}

/// Policies generated for the picked flows, for the run they were generated on.
#[derive(Clone, Debug, PartialEq)]
pub struct GenerateAnswer {
    pub run: u32,
    pub answer: Result<GeneratedView, String>,
}

/// The connectivity diff for one analysis.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    pub run: u32,
    pub answer: Result<DiffView, String>,
}

/// Fixes for a flow as the worker answered them, for the run they were found on.
#[derive(Clone, Debug, PartialEq)]
pub struct FixAnswer {
    pub run: u32,
    pub query: FlowQuery,
    pub want: bool,
    pub answer: Result<FixView, String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// The editor's text (shared: it may be megabytes, and the state is copied per action).
    pub text: Rc<str>,
    pub analysis: Option<Analysis>,
    pub selection: Option<LineSelection>,
    pub tab: Tab,
    /// The training example the text came from, if any.
    pub example: Option<&'static str>,
    /// The lesson open (an id of `kubeplay_core::lessons::LESSONS`), if any.
    pub lesson: Option<&'static str>,
    /// Interview questions whose task the learner has solved (kept in the browser's
    /// local storage by an effect of `app.rs`; never sent anywhere).
    pub solved: Vec<&'static str>,
    /// Whether the stored progress has been read (nothing is written before it is).
    pub progress_loaded: bool,
    /// Severities hidden in the findings view.
    pub hidden_severities: Vec<Severity>,
    /// Areas (the analysis a finding came from) hidden in the findings view.
    pub hidden_areas: Vec<Area>,
    /// Embedded in another page (`?embed`): no chrome.
    pub embed: bool,
    pub read_only: bool,
    /// The port and protocol the matrix probes and flows are explained at.
    pub port: Option<(u16, Protocol)>,
    /// The flow whose explanation is open.
    pub explain: Option<FlowQuery>,
    /// Its explanation, once the analysis has answered.
    pub explanation: Option<Rc<ExplainAnswer>>,
    /// Fixes asked for from the explain panel: the flow and the verdict wanted, until answered.
    pub fix_asked: Option<(FlowQuery, bool)>,
    /// The last fixes found.
    pub fixes: Option<Rc<FixAnswer>>,
    /// Flows picked in the matrix, to generate policies for.
    pub picked: Vec<FlowQuery>,
    /// The policies generated for them.
    pub generated: Option<Rc<GenerateAnswer>>,
    /// The "before" text the traffic is compared with, if any.
    pub baseline: Option<Rc<str>>,
    /// Its diff with the last analysis.
    pub comparison: Option<Rc<Comparison>>,
    /// The truth table last computed.
    pub probe: Option<ProbeResult>,
    /// The analysis running now, if any.
    pub progress: Option<Progress>,
    /// Why the last analysis did not finish.
    pub failure: Option<String>,
    /// Why the last download (or another question to the worker) had no answer.
    pub notice: Option<String>,
    /// The graph node whose blast radius is lit.
    pub focus: Option<String>,
    /// The Scaling view of the editor's text drawn ahead of its analysis (a load
    /// control rewrote the `HPASimulation`); shown while that analysis is on its way.
    pub scaling_preview: Option<ScalingPreview>,
}

pub enum Action {
    Edit(String),
    /// Replace the document of this kind (or append one): a control rewrote an object of ours.
    ReplaceDocument {
        kind: &'static str,
        document: String,
    },
    Analyzed(Analysis),
    /// The Scaling view of a text, drawn ahead of its analysis.
    Previewed(ScalingPreview),
    /// An edit with the Scaling view of its text (a load control moved; a small text).
    EditPreviewed(ScalingPreview),
    Progressed(Progress),
    Failed {
        run: u32,
        message: String,
    },
    Probed(ProbeResult),
    Explained(Box<ExplainAnswer>),
    /// Pick a flow in the matrix, or put it back.
    TogglePick(FlowQuery),
    ClearPicks,
    Generated(Rc<GenerateAnswer>),
    Compare(CompareChoice),
    Compared(Rc<Comparison>),
    /// Ask for the fixes that give the open flow this verdict.
    AskFix(bool),
    Fixed(Rc<FixAnswer>),
    Notice(Option<String>),
    Select {
        line: usize,
        end_line: usize,
    },
    ShowTab(Tab),
    OpenExample(&'static str),
    /// Open a lesson: its example in the editor and the lesson view.
    OpenLesson(&'static str),
    /// Put the open example's original text back.
    ResetExample,
    /// The stored interview progress, read from local storage.
    ProgressLoaded(Vec<String>),
    ResetProgress,
    ToggleSeverity(Severity),
    ToggleArea(Area),
    SetPort(u16, Protocol),
    Explain(Option<FlowQuery>),
    Focus(Option<String>),
}

impl AppState {
    /// No text, no analysis, the Traffic tab, nothing picked, asked or hidden.
    pub fn empty() -> AppState {
        AppState {
            text: Rc::from(""),
            analysis: None,
            selection: None,
            tab: Tab::Traffic,
            example: None,
            lesson: None,
            solved: Vec::new(),
            progress_loaded: false,
            hidden_severities: Vec::new(),
            hidden_areas: Vec::new(),
            embed: false,
            read_only: false,
            port: None,
            explain: None,
            explanation: None,
            fix_asked: None,
            fixes: None,
            picked: Vec::new(),
            generated: None,
            baseline: None,
            comparison: None,
            probe: None,
            progress: None,
            failure: None,
            notice: None,
            focus: None,
            scaling_preview: None,
        }
    }

    /// Adds solved interview questions (each once).
    fn solve(&mut self, ids: impl Iterator<Item = &'static str>) {
        for id in ids {
            if !self.solved.contains(&id) {
                self.solved.push(id);
            }
        }
    }

    fn open_example(&mut self, id: &str) {
        if let Some(example) = kubeplay_core::examples::example(id) {
            self.text = Rc::from(example.yaml);
            self.example = Some(example.id);
            self.selection = None;
            self.explain = None;
            self.explanation = None;
            self.focus = None;
            self.port = None;
        }
    }

    pub fn is_stale(&self) -> bool {
        self.analysis.as_ref().is_none_or(|a| *a.text != *self.text)
    }

    /// The fixes for the open flow, when they were found on the analysis shown.
    pub fn current_fixes(&self) -> Option<&FixAnswer> {
        let answer = self.fixes.as_deref()?;
        let run = self.analysis.as_ref()?.run();
        (answer.run == run && Some(&answer.query) == self.explain.as_ref()).then_some(answer)
    }

    /// The open explanation, when it answers the flow asked about.
    pub fn current_explanation(&self) -> Option<&Result<ExplainView, String>> {
        let answer = self.explanation.as_deref()?;
        (Some(&answer.0) == self.explain.as_ref()).then_some(&answer.1)
    }

    /// The open flow in the baseline, when comparing.
    pub fn current_before(&self) -> Option<&Result<ExplainView, String>> {
        let answer = self.explanation.as_deref()?;
        self.baseline.as_ref()?;
        (Some(&answer.0) == self.explain.as_ref()).then_some(answer.2.as_ref()).flatten()
    }

    /// The policies generated on the analysis shown.
    pub fn current_generated(&self) -> Option<&Result<GeneratedView, String>> {
        let generated = self.generated.as_deref()?;
        (Some(generated.run) == self.analysis.as_ref().map(Analysis::run)).then_some(&generated.answer)
    }

    /// The Scaling view to draw, and whether it is a preview: the preview of the
    /// editor's text while its analysis is on its way, else the analysis's.
    pub fn scaling_view(&self) -> Option<(Rc<ScalingView>, bool)> {
        let analysis = self.analysis.as_ref()?;
        match &self.scaling_preview {
            Some(preview) if preview.text == self.text && analysis.text != self.text => {
                Some((preview.scaling.clone(), true))
            }
            _ => Some((analysis.outcome.scaling.clone(), false)),
        }
    }

    /// The text the editor shows: the analysed text while a load control's edit
    /// is only previewed (a slider being dragged), else the text. The editor
    /// then follows when the control rests and the analysis arrives, instead of
    /// re-laying out its whole text in every frame of the drag (2.5-4 ms of
    /// each frame in a Chromium trace); its marks stay on the text they are for.
    pub fn editor_text(&self) -> Rc<str> {
        match self.analysis.as_ref() {
            Some(analysis) if self.control_previewed() && analysis.text != self.text => analysis.text.clone(),
            _ => self.text.clone(),
        }
    }

    /// Whether the text is a load control's edit, already drawn by its preview
    /// made in the page (`made_in_page_ms`; only a control's edit is previewed
    /// there, so what the reader types never counts).
    pub fn control_previewed(&self) -> bool {
        self.scaling_preview.as_ref().is_some_and(|p| p.text == self.text && p.made_in_page_ms.is_some())
    }

    /// The diff for the analysis shown, when comparing.
    pub fn current_comparison(&self) -> Option<&Result<DiffView, String>> {
        self.baseline.as_ref()?;
        let comparison = self.comparison.as_deref()?;
        (Some(comparison.run) == self.analysis.as_ref().map(Analysis::run)).then_some(&comparison.answer)
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(text) => next.text = Rc::from(text),
            Action::ReplaceDocument { kind, document } => {
                next.text = Rc::from(crate::documents::replace_document(&self.text, kind, &document));
            }
            Action::EditPreviewed(preview) => {
                next.text = preview.text.clone();
                next.scaling_preview = Some(preview);
            }
            Action::Previewed(preview) => {
                if preview.text == self.text {
                    next.scaling_preview = Some(preview);
                }
            }
            Action::Analyzed(analysis) => {
                if self.progress.is_some_and(|p| p.run <= analysis.run()) {
                    next.progress = None;
                }
                // A task done on the text is solved for good (until the learner resets).
                next.solve(
                    analysis
                        .outcome
                        .tasks
                        .iter()
                        .filter(|(_, done)| *done)
                        .filter_map(|(id, _)| kubeplay_core::lessons::interview::question(id))
                        .map(|q| q.id),
                );
                next.failure = None;
                next.analysis = Some(analysis);
            }
            Action::Progressed(progress) => {
                // A newer analysis has started: the old failure is no longer the news.
                next.failure = None;
                next.progress = Some(progress);
            }
            Action::Failed { run, message } => {
                if self.progress.is_some_and(|p| p.run <= run) {
                    next.progress = None;
                }
                next.failure = Some(message);
            }
            Action::Probed(probe) => next.probe = Some(probe),
            Action::Explained(answer) => next.explanation = Some(Rc::new(*answer)),
            Action::TogglePick(flow) => {
                // The table stays on the port picked at, whatever the next analysis would suggest.
                next.port.get_or_insert((flow.port, flow.protocol));
                if let Some(index) = next.picked.iter().position(|f| *f == flow) {
                    next.picked.remove(index);
                } else {
                    next.picked.push(flow);
                }
                next.generated = None;
            }
            Action::ClearPicks => {
                next.picked.clear();
                next.generated = None;
            }
            Action::Generated(answer) => next.generated = Some(answer),
            Action::Compare(choice) => {
                next.baseline = match choice {
                    CompareChoice::Current => Some(self.text.clone()),
                    CompareChoice::Pasted(text) => Some(Rc::from(text)),
                    CompareChoice::Stop => None,
                };
                next.comparison = None;
            }
            Action::Compared(comparison) => next.comparison = Some(comparison),
            Action::AskFix(want) => {
                next.fix_asked = self.explain.clone().map(|query| (query, want));
                next.fixes = None;
            }
            Action::Fixed(answer) => {
                next.fix_asked = None;
                next.fixes = Some(answer);
            }
            Action::Notice(notice) => next.notice = notice,
            Action::Select { line, end_line } => {
                let serial = self.selection.map_or(0, |s| s.serial.wrapping_add(1));
                next.selection = Some(LineSelection { line, end_line: end_line.max(line), serial });
            }
            Action::ShowTab(tab) => next.tab = tab,
            Action::OpenExample(id) => {
                next.open_example(id);
                // An example outside the open lesson closes it.
                let in_lesson = next
                    .lesson
                    .and_then(kubeplay_core::lessons::lesson)
                    .is_some_and(|l| l.example.is_none() || l.example == Some(id) || l.variants.contains(&id));
                if !in_lesson {
                    next.lesson = None;
                }
            }
            Action::OpenLesson(id) => {
                if let Some(lesson) = kubeplay_core::lessons::lesson(id) {
                    next.lesson = Some(lesson.id);
                    if let Some(example) = lesson.example {
                        next.open_example(example);
                    }
                    next.tab = Tab::Lesson;
                }
            }
            Action::ResetExample => {
                if let Some(id) = self.example {
                    next.open_example(id);
                }
            }
            Action::ProgressLoaded(ids) => {
                next.progress_loaded = true;
                next.solve(ids.iter().filter_map(|id| kubeplay_core::lessons::interview::question(id)).map(|q| q.id));
            }
            Action::ResetProgress => next.solved.clear(),
            Action::SetPort(port, protocol) => next.port = Some((port, protocol)),
            Action::Explain(query) => next.explain = query,
            Action::Focus(id) => next.focus = if self.focus == id { None } else { id },
            Action::ToggleArea(area) => {
                if let Some(index) = next.hidden_areas.iter().position(|a| *a == area) {
                    next.hidden_areas.remove(index);
                } else {
                    next.hidden_areas.push(area);
                }
            }
            Action::ToggleSeverity(severity) => {
                if let Some(index) = next.hidden_severities.iter().position(|s| *s == severity) {
                    next.hidden_severities.remove(index);
                } else {
                    next.hidden_severities.push(severity);
                }
            }
        }
        Rc::new(next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state() -> Rc<AppState> {
        Rc::new(AppState::empty())
    }

    #[test]
    fn a_lesson_opens_its_example_and_reset_brings_the_original_back() {
        let opened = state().reduce(Action::OpenLesson("pod-security"));
        assert_eq!(
            (opened.lesson, opened.example, opened.tab),
            (Some("pod-security"), Some("restricted-psp"), Tab::Lesson)
        );
        let original = kubeplay_core::examples::example("restricted-psp").map(|e| e.yaml).unwrap_or_default();
        assert_eq!(&*opened.text, original);
        let edited = opened.reduce(Action::Edit("kind: Pod\n".to_owned()));
        let reset = edited.reduce(Action::ResetExample);
        assert_eq!(&*reset.text, original);
        assert_eq!(reset.lesson, Some("pod-security"));
        // A variant keeps the lesson; another example closes it.
        let multi = reset.reduce(Action::OpenLesson("multi-region")).reduce(Action::OpenExample("multi-region-dns"));
        assert_eq!((multi.lesson, multi.example), (Some("multi-region"), Some("multi-region-dns")));
        let away = multi.reduce(Action::OpenExample("hpa"));
        assert_eq!((away.lesson, away.example), (None, Some("hpa")));
        // Unknown lessons change nothing.
        assert_eq!(away.clone().reduce(Action::OpenLesson("nope")).lesson, None);
    }

    #[test]
    fn picking_toggles_flows_pins_the_port_and_drops_stale_generations() {
        let flow = |port| FlowQuery { from: "a/x".to_owned(), to: "a/y".to_owned(), port, protocol: Protocol::TCP };
        let picked = state().reduce(Action::TogglePick(flow(5000))).reduce(Action::TogglePick(flow(53)));
        assert_eq!(picked.picked, [flow(5000), flow(53)]);
        // The first pick pins the table's port; later picks on other ports do not move it.
        assert_eq!(picked.port, Some((5000, Protocol::TCP)));
        let again = picked.reduce(Action::TogglePick(flow(5000)));
        assert_eq!(again.picked, [flow(53)]);
        let answer = GenerateAnswer { run: 1, answer: Err("x".to_owned()) };
        let generated = again.reduce(Action::Generated(Rc::new(answer)));
        assert!(generated.generated.is_some());
        let cleared = generated.reduce(Action::ClearPicks);
        assert!(cleared.picked.is_empty() && cleared.generated.is_none());
    }

    #[test]
    fn a_preview_is_shown_until_the_analysis_of_its_text_arrives() {
        use crate::worker::analyser::Analyser;
        use crate::worker::protocol::{Request, Response};
        let analyse = |text: &Rc<str>| {
            let mut answers = Vec::new();
            let request = Request::Analyze { run: 1, text: text.to_string(), example: Some("hpa".to_owned()) };
            Analyser::default().handle(request, &mut |r| answers.push(r), &|| 0.0);
            let outcome = answers.into_iter().find_map(|r| match r {
                Response::Analyzed(outcome) => Some(outcome),
                _ => None,
            });
            Analysis { text: text.clone(), outcome: Rc::new(*outcome.expect("analysed")) }
        };
        let opened = state().reduce(Action::OpenExample("hpa"));
        let first = analyse(&opened.text);
        let shown = opened.clone().reduce(Action::Analyzed(first.clone()));
        let document =
            "apiVersion: kubeplay.dev/v1alpha1\nkind: HPASimulation\nmetadata: {name: s}\nspec: {duration: 120s}\n";
        let edited = crate::documents::replace_document(&shown.text, "HPASimulation", document);
        let moved = shown.clone().reduce(Action::Edit(edited));
        assert!(moved.text.contains("duration: 120s"));
        // A preview of an older text is dropped; the analysis shown is still the old one's.
        let preview = |text: &Rc<str>| ScalingPreview {
            text: text.clone(),
            scaling: Rc::new(ScalingView::default()),
            made_in_page_ms: None,
        };
        let stale = moved.clone().reduce(Action::Previewed(preview(&opened.text)));
        assert!(stale.scaling_preview.is_none());
        let (view, is_preview) = stale.scaling_view().expect("a view");
        assert!(!is_preview && Rc::ptr_eq(&view, &first.outcome.scaling));
        // The preview of the editor's text is drawn until that text's analysis arrives.
        let ahead = preview(&moved.text);
        let previewed = moved.clone().reduce(Action::Previewed(ahead.clone()));
        let (view, is_preview) = previewed.scaling_view().expect("a view");
        assert!(is_preview && Rc::ptr_eq(&view, &ahead.scaling));
        // A worker's preview (of any edit) leaves the editor on the text as typed.
        assert_eq!(previewed.editor_text(), moved.text);
        // An edit that comes with its preview shows it at once.
        let together = shown.clone().reduce(Action::EditPreviewed(ahead.clone()));
        assert_eq!(together.text, moved.text);
        let (view, is_preview) = together.scaling_view().expect("a view");
        assert!(is_preview && Rc::ptr_eq(&view, &ahead.scaling));
        // A load control's edit, previewed in the page: the editor keeps the
        // analysed text (and its marks) until the analysis of the new one.
        let dragged =
            shown.clone().reduce(Action::EditPreviewed(ScalingPreview { made_in_page_ms: Some(2.0), ..ahead.clone() }));
        assert_eq!(dragged.text, moved.text);
        assert_eq!(dragged.editor_text(), shown.text);
        let rested = dragged.reduce(Action::Analyzed(analyse(&moved.text)));
        assert_eq!(rested.editor_text(), moved.text);
        let second = analyse(&previewed.text);
        let caught_up = previewed.reduce(Action::Analyzed(second.clone()));
        let (view, preview) = caught_up.scaling_view().expect("a view");
        assert!(!preview && Rc::ptr_eq(&view, &second.outcome.scaling));
    }

    #[test]
    fn interview_progress_merges_the_stored_ids_once_and_resets() {
        let loaded = state().reduce(Action::ProgressLoaded(vec![
            "dns-over-tcp".to_owned(),
            "not-a-question".to_owned(),
            "dns-over-tcp".to_owned(),
        ]));
        assert!(loaded.progress_loaded);
        assert_eq!(loaded.solved, ["dns-over-tcp"]);
        assert!(loaded.reduce(Action::ResetProgress).solved.is_empty());
    }
}
