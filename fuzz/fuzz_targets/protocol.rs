//! The analysis worker's message handling (`Analyser::answer` of
//! `web/src/worker/analyser.rs`, what `worker_request` runs for every message the
//! page posts) on any text: messages separated by NUL bytes go to one analyser
//! in turn, as a page would send them. Asserts: no panic; every message is
//! answered; a message that is no request gets `Unreadable` and nothing else; a
//! request ends with its own answer (an analysis with `Analyzed`, or with
//! `Compared` after it while a baseline is set).

#![no_main]

use kubeplay_fuzz::worker::analyser::Analyser;
use kubeplay_fuzz::worker::protocol::{Request, Response};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut analyser = Analyser::default();
    for message in data.split(|b| *b == 0).take(8) {
        // Messages are JS strings, so always valid Unicode by the time they arrive.
        let message = String::from_utf8_lossy(message);
        let mut answers = Vec::new();
        analyser.answer(&message, &mut |response| answers.push(response), &|| 0.0);
        let last = answers.last().expect("every message is answered");
        match serde_json::from_str::<Request>(&message) {
            Err(_) => assert!(
                matches!(answers.as_slice(), [Response::Unreadable { .. }]),
                "not a request, answered {answers:?}"
            ),
            Ok(request) => {
                let fits = match request {
                    // While comparing, the analysis is followed by its diff with the baseline.
                    Request::Analyze { .. } => {
                        answers.iter().any(|a| matches!(a, Response::Analyzed(_)))
                            && matches!(last, Response::Analyzed(_) | Response::Compared { .. })
                    }
                    Request::Probe { .. } => matches!(last, Response::Probed { .. }),
                    Request::Explain { .. } => matches!(last, Response::Explained { .. }),
                    Request::Export { .. } => matches!(last, Response::Exported { .. }),
                    Request::Fix { .. } => matches!(last, Response::Fixed { .. }),
                    Request::ApplyFix { .. } => matches!(last, Response::FixApplied { .. }),
                    Request::Generate { .. } => matches!(last, Response::Generated { .. }),
                    Request::Compare { .. } => matches!(last, Response::Compared { .. }),
                    Request::Simulate { preview, .. } => {
                        matches!(last, Response::Simulated { preview: answered, .. } if *answered == preview)
                    }
                };
                assert!(fits, "{message:?} was answered {last:?}");
            }
        }
    }
});
