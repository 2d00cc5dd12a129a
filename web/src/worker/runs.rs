//! Run bookkeeping, in one place: which analysis is computing, which text waits
//! for it, and which text each answer is about. Analyses are latest-wins: while
//! one runs, newer texts replace each other and only the newest is sent when it
//! ends. Scaling previews are numbered and sent the same way, apart from
//! analyses. Pure, so it is tested natively.

use std::rc::Rc;

use super::protocol::Request;

/// What is asked of the worker, latest-wins: an analysis or a Scaling preview.
pub trait Ask: Clone {
    /// The request that asks it, numbered `number`.
    fn request(&self, number: u32) -> Request;
}

/// An analysis asked for: its text and the example it came from.
#[derive(Clone, Debug, PartialEq)]
pub struct Analysis {
    pub text: Rc<str>,
    pub example: Option<String>,
}

impl Ask for Analysis {
    fn request(&self, run: u32) -> Request {
        Request::Analyze { run, text: self.text.to_string(), example: self.example.clone() }
    }
}

/// The Scaling view of a text alone ([`Request::Simulate`]), asked when a load control rewrote it.
#[derive(Clone, Debug, PartialEq)]
pub struct Preview {
    pub text: Rc<str>,
}

impl Ask for Preview {
    fn request(&self, preview: u32) -> Request {
        Request::Simulate { preview, text: self.text.to_string() }
    }
}

/// One kind of request's bookkeeping: numbers, the one in flight, the newest waiting.
#[derive(Debug)]
pub struct Runs<T> {
    next_run: u32,
    /// Sent and not answered yet.
    in_flight: Option<(u32, T)>,
    /// The newest, waiting for the one in flight.
    waiting: Option<(u32, T)>,
}

impl<T> Default for Runs<T> {
    fn default() -> Self {
        Runs { next_run: 1, in_flight: None, waiting: None }
    }
}

impl<T: Ask> Runs<T> {
    /// Numbers a new request; it replaces any still waiting.
    pub fn ask(&mut self, asked: T) -> u32 {
        let run = self.next_run;
        self.next_run = run.wrapping_add(1);
        self.waiting = Some((run, asked));
        run
    }

    /// The request to send now: the waiting one, when none is in flight.
    pub fn next_to_send(&mut self) -> Option<Request> {
        if self.in_flight.is_some() {
            return None;
        }
        let (run, asked) = self.waiting.take()?;
        let request = asked.request(run);
        self.in_flight = Some((run, asked));
        Some(request)
    }

    /// `run` was answered: what it asked, unless it is not the one in flight
    /// (an answer to a forgotten run).
    pub fn answered(&mut self, run: u32) -> Option<T> {
        if self.in_flight.as_ref().is_some_and(|(r, _)| *r == run) {
            return self.in_flight.take().map(|(_, asked)| asked);
        }
        None
    }

    /// The worker died mid-request: the run that is lost (it is not asked again).
    pub fn lose(&mut self) -> Option<u32> {
        self.in_flight.take().map(|(run, _)| run)
    }

    /// The request in flight must be asked again elsewhere (no worker can run
    /// here): it waits again, unless a newer one already does.
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

    fn analysis(text: &str, example: Option<&str>) -> Analysis {
        Analysis { text: Rc::from(text), example: example.map(str::to_owned) }
    }

    fn run_of(request: Option<Request>) -> Option<u32> {
        match request? {
            Request::Analyze { run, .. } => Some(run),
            other => panic!("not an analysis: {other:?}"),
        }
    }

    #[test]
    fn the_newest_text_waits_while_one_runs_and_answers_name_their_text() {
        let mut runs = Runs::default();
        let first = runs.ask(analysis("a", Some("ex")));
        assert_eq!(
            runs.next_to_send(),
            Some(Request::Analyze { run: first, text: "a".into(), example: Some("ex".into()) })
        );
        // Two edits while it runs: only the newer is ever sent.
        let second = runs.ask(analysis("ab", None));
        let third = runs.ask(analysis("abc", None));
        assert!(second < third);
        assert_eq!(runs.next_to_send(), None);
        assert_eq!(runs.answered(first).map(|a| a.text).as_deref(), Some("a"));
        assert_eq!(runs.answered(first), None, "answered once");
        assert_eq!(run_of(runs.next_to_send()), Some(third));
        assert_eq!(runs.answered(second), None, "the replaced run is never answered");
        assert_eq!(runs.answered(third).map(|a| a.text).as_deref(), Some("abc"));
        assert_eq!(runs.next_to_send(), None);
    }

    #[test]
    fn a_lost_run_is_reported_once_and_a_retried_one_is_sent_again() {
        let mut runs = Runs::default();
        let lost = runs.ask(analysis("big", None));
        runs.next_to_send();
        assert_eq!(runs.lose(), Some(lost));
        assert_eq!(runs.lose(), None);
        assert_eq!(runs.next_to_send(), None, "a lost run is not asked again");

        let retried = runs.ask(analysis("x", None));
        runs.next_to_send();
        runs.retry();
        assert_eq!(run_of(runs.next_to_send()), Some(retried));
        // A newer text that waits wins over the retried one.
        let newer = runs.ask(analysis("y", None));
        runs.retry();
        assert_eq!(run_of(runs.next_to_send()), Some(newer));
    }

    #[test]
    fn previews_are_numbered_apart_and_latest_wins() {
        let mut previews = Runs::default();
        let first = previews.ask(Preview { text: Rc::from("a") });
        assert_eq!(previews.next_to_send(), Some(Request::Simulate { preview: first, text: "a".into() }));
        let _replaced = previews.ask(Preview { text: Rc::from("ab") });
        let newest = previews.ask(Preview { text: Rc::from("abc") });
        assert_eq!(previews.next_to_send(), None, "one preview at a time");
        assert_eq!(previews.answered(first).map(|p| p.text).as_deref(), Some("a"));
        assert_eq!(previews.next_to_send(), Some(Request::Simulate { preview: newest, text: "abc".into() }));
    }
}
