//! Run bookkeeping, in one place: which analysis is computing, which text waits
//! for it, and which text each answer is about. Analyses are latest-wins: while
//! one runs, newer texts replace each other and only the newest is sent when it
//! ends. Pure, so it is tested natively.

use std::rc::Rc;

use super::protocol::Request;

/// An analysis asked for: its run, its text and the example it came from.
#[derive(Clone, Debug, PartialEq)]
struct Asked {
    run: u32,
    text: Rc<str>,
    example: Option<String>,
}

impl Asked {
    fn request(&self) -> Request {
        Request::Analyze { run: self.run, text: self.text.to_string(), example: self.example.clone() }
    }
}

#[derive(Debug)]
pub struct Runs {
    next_run: u32,
    /// Sent and not answered yet.
    in_flight: Option<Asked>,
    /// The newest text, waiting for the one in flight.
    waiting: Option<Asked>,
}

impl Default for Runs {
    fn default() -> Self {
        Runs { next_run: 1, in_flight: None, waiting: None }
    }
}

impl Runs {
    /// Numbers a new analysis of `text`; it replaces any analysis still waiting.
    pub fn ask(&mut self, text: Rc<str>, example: Option<&str>) -> u32 {
        let run = self.next_run;
        self.next_run = run.wrapping_add(1);
        self.waiting = Some(Asked { run, text, example: example.map(str::to_owned) });
        run
    }

    /// The analysis to send now: the waiting one, when none is in flight.
    pub fn next_to_send(&mut self) -> Option<Request> {
        if self.in_flight.is_some() {
            return None;
        }
        let asked = self.waiting.take()?;
        let request = asked.request();
        self.in_flight = Some(asked);
        Some(request)
    }

    /// The analysis `run` was answered: the text it was about, unless it is
    /// not the one in flight (an answer to a forgotten run).
    pub fn answered(&mut self, run: u32) -> Option<Rc<str>> {
        if self.in_flight.as_ref().is_some_and(|a| a.run == run) {
            return self.in_flight.take().map(|a| a.text);
        }
        None
    }

    /// The worker died mid-analysis: the run that is lost (it is not asked again).
    pub fn lose(&mut self) -> Option<u32> {
        self.in_flight.take().map(|a| a.run)
    }

    /// The analysis in flight must be asked again elsewhere (no worker can run
    /// here): it waits again, unless a newer text already does.
    pub fn retry(&mut self) {
        if let Some(asked) = self.in_flight.take()
            && self.waiting.is_none()
        {
            self.waiting = Some(asked);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_of(request: Option<Request>) -> Option<u32> {
        match request? {
            Request::Analyze { run, .. } => Some(run),
            other => panic!("not an analysis: {other:?}"),
        }
    }

    #[test]
    fn the_newest_text_waits_while_one_runs_and_answers_name_their_text() {
        let mut runs = Runs::default();
        let first = runs.ask(Rc::from("a"), Some("ex"));
        assert_eq!(
            runs.next_to_send(),
            Some(Request::Analyze { run: first, text: "a".into(), example: Some("ex".into()) })
        );
        // Two edits while it runs: only the newer is ever sent.
        let second = runs.ask(Rc::from("ab"), None);
        let third = runs.ask(Rc::from("abc"), None);
        assert!(second < third);
        assert_eq!(runs.next_to_send(), None);
        assert_eq!(runs.answered(first).as_deref(), Some("a"));
        assert_eq!(runs.answered(first), None, "answered once");
        assert_eq!(run_of(runs.next_to_send()), Some(third));
        assert_eq!(runs.answered(second), None, "the replaced run is never answered");
        assert_eq!(runs.answered(third).as_deref(), Some("abc"));
        assert_eq!(runs.next_to_send(), None);
    }

    #[test]
    fn a_lost_run_is_reported_once_and_a_retried_one_is_sent_again() {
        let mut runs = Runs::default();
        let lost = runs.ask(Rc::from("big"), None);
        runs.next_to_send();
        assert_eq!(runs.lose(), Some(lost));
        assert_eq!(runs.lose(), None);
        assert_eq!(runs.next_to_send(), None, "a lost run is not asked again");

        let retried = runs.ask(Rc::from("x"), None);
        runs.next_to_send();
        runs.retry();
        assert_eq!(run_of(runs.next_to_send()), Some(retried));
        // A newer text that waits wins over the retried one.
        let newer = runs.ask(Rc::from("y"), None);
        runs.retry();
        assert_eq!(run_of(runs.next_to_send()), Some(newer));
    }
}
