//! Application state as a `Reducible` with an `Action` enum (yew's todomvc shape):
//! components dispatch actions; I/O (analysis runs, timers, the URL) lives in the
//! top-level effects of `app.rs`.

use std::rc::Rc;

use kubeplay_core::Report;
use kubeplay_core::Severity;
use kubeplay_core::examples::ExerciseStatus;
use kubeplay_core::netpol::Protocol;
use yew::Reducible;

/// The views on the right, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Lesson,
    Traffic,
    Matrix,
    Findings,
    Resources,
    Security,
}

impl Tab {
    pub const ALL: [Tab; 6] = [Tab::Lesson, Tab::Traffic, Tab::Matrix, Tab::Findings, Tab::Resources, Tab::Security];

    pub fn id(self) -> &'static str {
        match self {
            Tab::Lesson => "lesson",
            Tab::Traffic => "traffic",
            Tab::Matrix => "matrix",
            Tab::Findings => "findings",
            Tab::Resources => "resources",
            Tab::Security => "security",
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

/// The NetworkPolicy engine of one analysis with its graph and picture. Shared,
/// never copied; two are equal only when they are the same run.
pub struct Traffic {
    pub engine: kubeplay_core::netpol::Engine,
    pub graph: kubeplay_core::netpol::graph::Graph,
    pub layout: kubeplay_core::layout::Layout,
    /// The port the matrix opens at (`kubeplay_core::layout::suggested_port`).
    pub suggested_port: (u16, Protocol),
}

impl std::fmt::Debug for Traffic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Traffic({} nodes)", self.layout.nodes.len())
    }
}

#[derive(Clone, Debug)]
pub struct SharedTraffic(pub Rc<Traffic>);

impl PartialEq for SharedTraffic {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// A connection to explain: from, to, port, protocol.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlowQuery {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: Protocol,
}

/// What one analysis run produced for the current text.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub text: String,
    pub report: Report,
    pub exercise: Option<ExerciseStatus>,
    pub traffic: SharedTraffic,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub text: String,
    pub analysis: Option<Analysis>,
    pub selection: Option<LineSelection>,
    pub tab: Tab,
    /// The training example the text came from, if any.
    pub example: Option<&'static str>,
    /// Severities hidden in the findings view.
    pub hidden_severities: Vec<Severity>,
    /// Embedded in another page (`?embed`): no chrome.
    pub embed: bool,
    pub read_only: bool,
    /// The port and protocol the matrix probes and flows are explained at.
    pub port: Option<(u16, Protocol)>,
    /// The flow whose explanation is open.
    pub explain: Option<FlowQuery>,
    /// The graph node whose blast radius is lit.
    pub focus: Option<String>,
}

pub enum Action {
    Edit(String),
    Analyzed(Box<Analysis>),
    Select { line: usize, end_line: usize },
    ShowTab(Tab),
    OpenExample(&'static str),
    ToggleSeverity(Severity),
    SetPort(u16, Protocol),
    Explain(Option<FlowQuery>),
    Focus(Option<String>),
}

impl AppState {
    pub fn is_stale(&self) -> bool {
        self.analysis.as_ref().is_none_or(|a| a.text != self.text)
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(text) => next.text = text,
            Action::Analyzed(analysis) => next.analysis = Some(*analysis),
            Action::Select { line, end_line } => {
                let serial = self.selection.map_or(0, |s| s.serial.wrapping_add(1));
                next.selection = Some(LineSelection { line, end_line: end_line.max(line), serial });
            }
            Action::ShowTab(tab) => next.tab = tab,
            Action::OpenExample(id) => {
                if let Some(example) = kubeplay_core::examples::example(id) {
                    next.text = example.yaml.to_owned();
                    next.example = Some(example.id);
                    next.selection = None;
                    next.explain = None;
                    next.focus = None;
                    next.port = None;
                }
            }
            Action::SetPort(port, protocol) => next.port = Some((port, protocol)),
            Action::Explain(query) => next.explain = query,
            Action::Focus(id) => next.focus = if self.focus == id { None } else { id },
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
