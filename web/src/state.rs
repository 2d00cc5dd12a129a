//! Application state as a `Reducible` with an `Action` enum (yew's todomvc shape):
//! components dispatch actions; I/O (analysis runs, timers, the URL) lives in the
//! top-level effects of `app.rs`.

use std::rc::Rc;

use kubeplay_core::Report;
use kubeplay_core::Severity;
use kubeplay_core::examples::ExerciseStatus;
use yew::Reducible;

/// The views on the right, in tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Tab {
    Lesson,
    Findings,
    Resources,
    Security,
}

impl Tab {
    pub const ALL: [Tab; 4] = [Tab::Lesson, Tab::Findings, Tab::Resources, Tab::Security];

    pub fn id(self) -> &'static str {
        match self {
            Tab::Lesson => "lesson",
            Tab::Findings => "findings",
            Tab::Resources => "resources",
            Tab::Security => "security",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Tab::Lesson => "Lesson",
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

/// What one analysis run produced for the current text.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub text: String,
    pub report: Report,
    pub exercise: Option<ExerciseStatus>,
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
}

pub enum Action {
    Edit(String),
    Analyzed(Analysis),
    Select { line: usize, end_line: usize },
    ShowTab(Tab),
    OpenExample(&'static str),
    ToggleSeverity(Severity),
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
            Action::Analyzed(analysis) => next.analysis = Some(analysis),
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
