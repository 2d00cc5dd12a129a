//! The worker's side: `web/worker.js` starts this same wasm module in a
//! dedicated worker, calls [`worker_started`] once it is up, then hands every
//! message to [`worker_request`]. Each answer goes back with `postMessage`.

use std::cell::RefCell;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;

use super::analyser::Analyser;
use super::protocol::Response;

thread_local! {
    static WORKER_ANALYSER: RefCell<Analyser> = RefCell::new(Analyser::default());
}

/// Milliseconds since the page or worker started (0 where there is no clock).
pub fn performance_now() -> f64 {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()
        .and_then(|p| p.dyn_into::<web_sys::Performance>().ok())
        .map_or(0.0, |p| p.now())
}

/// True inside the analysis worker (no window, a dedicated worker scope).
pub fn in_worker() -> bool {
    js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>().is_ok()
}

fn post(response: &Response) {
    let Ok(scope) = js_sys::global().dyn_into::<web_sys::DedicatedWorkerGlobalScope>() else { return };
    if let Ok(json) = serde_json::to_string(response) {
        let _ = scope.post_message(&JsValue::from_str(&json));
    }
}

/// Called by `web/worker.js` once the module is instantiated: the page may send requests.
#[wasm_bindgen]
pub fn worker_started() {
    post(&Response::Ready);
}

/// Called by `web/worker.js` with each JSON request from the page.
#[wasm_bindgen]
pub fn worker_request(message: &str) {
    WORKER_ANALYSER
        .with(|analyser| analyser.borrow_mut().answer(message, &mut |response| post(&response), &performance_now));
}
