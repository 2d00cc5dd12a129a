//! The page's side: starts the worker (or, where none can start, answers in the
//! page's thread with the same [`Analyser`]), sends requests, and hands every
//! answer to the page — an analysis together with the text it is about.

use std::cell::RefCell;
use std::rc::Rc;

use kubeplay_core::netpol::Protocol;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::analyser::{Analyser, scaling_preview};
use super::entry::performance_now;
use super::protocol::{ExportFormat, FlowQuery, Outcome, Request, Response, ScalingView};
use super::runs::{Analysis, Preview, Runs};

/// The largest text whose Scaling preview is drawn in the page's thread: the
/// training examples are 2–7 KB, loaded and simulated in about 2 ms in wasm.
const PREVIEW_IN_PAGE_MAX_BYTES: usize = 16 * 1024;

/// What the page is told.
pub enum Received {
    /// An analysis, with the text it analysed (the editor may have moved on).
    Analysis { text: Rc<str>, outcome: Box<Outcome> },
    /// The Scaling view alone, with the text it was drawn from.
    Preview { text: Rc<str>, scaling: Rc<ScalingView> },
    /// Anything else the worker said (an analysis nobody waits for any more is dropped).
    Other(Response),
}

/// Where requests go: the worker, or (where none can start) this thread.
enum Backend {
    Worker {
        worker: web_sys::Worker,
        // Kept alive as long as the worker.
        _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
        _on_error: Closure<dyn FnMut(web_sys::Event)>,
        /// The worker has said it is up; an error before that means workers cannot run here.
        ready: bool,
    },
    InThread(Box<Analyser>),
}

struct ClientState {
    backend: Option<Backend>,
    runs: Runs<Analysis>,
    previews: Runs<Preview>,
}

/// The page's handle on the analysis (latest-wins, see [`Runs`]).
#[derive(Clone)]
pub struct AnalysisClient {
    state: Rc<RefCell<ClientState>>,
    on_receive: Rc<dyn Fn(Received)>,
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
    /// Starts the worker (falling back to this thread); `on_receive` gets every answer.
    pub fn start(on_receive: impl Fn(Received) + 'static) -> AnalysisClient {
        let client = AnalysisClient {
            state: Rc::new(RefCell::new(ClientState {
                backend: None,
                runs: Runs::default(),
                previews: Runs::default(),
            })),
            on_receive: Rc::new(on_receive),
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
                let response = match event.data().as_string().map(|json| serde_json::from_str::<Response>(&json)) {
                    Some(Ok(response)) => response,
                    Some(Err(error)) => Response::Unreadable { message: format!("not a response: {error}") },
                    None => Response::Unreadable { message: "a message that is no text".to_owned() },
                };
                client.receive(response);
            })
        };
        let on_error = {
            let client = self.clone();
            Closure::<dyn FnMut(web_sys::Event)>::new(move |_: web_sys::Event| {
                let ready = matches!(client.state.borrow().backend, Some(Backend::Worker { ready: true, .. }));
                if ready { client.restart() } else { client.fall_back() }
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        let start = js_sys::Object::new();
        js_sys::Reflect::set(&start, &"glue".into(), &JsValue::from_str(&glue)).ok()?;
        js_sys::Reflect::set(&start, &"module".into(), &wasm_bindgen::module()).ok()?;
        worker.post_message(&start).ok()?;
        Some(Backend::Worker { worker, _on_message: on_message, _on_error: on_error, ready: false })
    }

    fn terminate_worker(&self) {
        if let Some(Backend::Worker { worker, .. }) = &self.state.borrow().backend {
            worker.terminate();
        }
    }

    /// The worker died while it was running: say which analysis was lost, and
    /// start a fresh worker for what comes next (never redo it in the page's
    /// thread, where the same input would take the page down).
    fn restart(&self) {
        self.terminate_worker();
        let lost = {
            let mut state = self.state.borrow_mut();
            state.backend = None;
            state.previews.lose();
            state.runs.lose()
        };
        let backend = self.start_worker().unwrap_or_else(|| Backend::InThread(Box::default()));
        self.state.borrow_mut().backend = Some(backend);
        if let Some(run) = lost {
            (self.on_receive)(Received::Other(Response::Failed {
                run,
                message: "the analysis stopped before it finished (the input may be too large for this browser)"
                    .to_owned(),
            }));
        }
        self.pump();
    }

    /// No worker can run here: answer in this thread from now on, and redo the
    /// analysis that was sent to it.
    fn fall_back(&self) {
        self.terminate_worker();
        {
            let mut state = self.state.borrow_mut();
            state.backend = Some(Backend::InThread(Box::default()));
            state.runs.retry();
            state.previews.retry();
        }
        self.pump();
    }

    /// Asks for an analysis of `text`; returns its run number.
    pub fn analyze(&self, text: Rc<str>, example: Option<&str>) -> u32 {
        let run = self.state.borrow_mut().runs.ask(Analysis { text, example: example.map(str::to_owned) });
        self.pump();
        run
    }

    /// The Scaling view of `text` alone, drawn here and now when the text is of a
    /// training example's size (a few milliseconds, no round trip to a worker that
    /// may be busy); `None` for a larger one (ask the worker: [`Self::simulate`]).
    pub fn preview_here(&self, text: &str) -> Option<ScalingView> {
        (text.len() <= PREVIEW_IN_PAGE_MAX_BYTES).then(|| scaling_preview(text))
    }

    /// Asks the worker for the Scaling view of `text` alone; answered before the
    /// analysis of the same text when called before [`Self::analyze`].
    pub fn simulate(&self, text: Rc<str>) {
        self.state.borrow_mut().previews.ask(Preview { text });
        self.pump();
    }

    pub fn probe(&self, run: u32, port: u16, protocol: Protocol) {
        self.send(Request::Probe { run, port, protocol });
    }

    pub fn explain(&self, run: u32, query: FlowQuery) {
        self.send(Request::Explain { run, query });
    }

    pub fn fix(&self, run: u32, query: FlowQuery, want: bool) {
        self.send(Request::Fix { run, query, want });
    }

    pub fn generate(&self, run: u32, flows: Vec<FlowQuery>, dns: bool) {
        self.send(Request::Generate { run, flows, dns });
    }

    pub fn compare(&self, run: u32, before: Option<String>) {
        self.send(Request::Compare { run, before });
    }

    pub fn apply_fix(&self, run: u32, index: usize) {
        self.send(Request::ApplyFix { run, index });
    }

    pub fn export(&self, run: u32, format: ExportFormat) {
        self.send(Request::Export { run, format });
    }

    /// Sends the waiting preview and analysis, each when none of its kind is running.
    fn pump(&self) {
        let preview = self.state.borrow_mut().previews.next_to_send();
        if let Some(request) = preview {
            self.send(request);
        }
        let analysis = self.state.borrow_mut().runs.next_to_send();
        if let Some(request) = analysis {
            self.send(request);
        }
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
        match response {
            Response::Ready => {
                if let Some(Backend::Worker { ready, .. }) = &mut self.state.borrow_mut().backend {
                    *ready = true;
                }
            }
            Response::StartFailed { .. } => self.fall_back(),
            Response::Analyzed(outcome) => {
                let asked = self.state.borrow_mut().runs.answered(outcome.run);
                if let Some(Analysis { text, .. }) = asked {
                    (self.on_receive)(Received::Analysis { text, outcome });
                }
                self.pump();
            }
            Response::Simulated { preview, scaling } => {
                let asked = self.state.borrow_mut().previews.answered(preview);
                if let Some(Preview { text }) = asked {
                    (self.on_receive)(Received::Preview { text, scaling });
                }
                self.pump();
            }
            Response::Failed { run, message } => {
                self.state.borrow_mut().runs.answered(run);
                (self.on_receive)(Received::Other(Response::Failed { run, message }));
                self.pump();
            }
            other => (self.on_receive)(Received::Other(other)),
        }
    }
}
