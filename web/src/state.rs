//! Application state as a `Reducible` with an `Action` enum (yew's todomvc shape):
//! components dispatch actions; I/O (analysis runs, timers) lives in top-level effects.

use std::rc::Rc;

use kubeplay_core::Report;
use yew::Reducible;

/// A line the editor should select and scroll to (set by clicking a finding).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LineSelection {
    pub line: usize,
    pub column: usize,
    /// Bumped on every request, so clicking the same finding twice moves the cursor again.
    pub serial: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    pub text: String,
    /// Text the current report was computed from.
    pub analyzed_text: String,
    pub report: Option<Report>,
    pub selection: Option<LineSelection>,
}

pub enum Action {
    Edit(String),
    Analyzed { text: String, report: Report },
    GoToLine { line: usize, column: usize },
}

impl AppState {
    pub fn new(text: String) -> Self {
        AppState { text, analyzed_text: String::new(), report: None, selection: None }
    }

    pub fn is_stale(&self) -> bool {
        self.text != self.analyzed_text
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Edit(text) => next.text = text,
            Action::Analyzed { text, report } => {
                next.analyzed_text = text;
                next.report = Some(report);
            }
            Action::GoToLine { line, column } => {
                let serial = self.selection.map_or(0, |s| s.serial.wrapping_add(1));
                next.selection = Some(LineSelection { line, column, serial });
            }
        }
        Rc::new(next)
    }
}
