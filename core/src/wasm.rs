//! The JS API (feature `wasm`): a few functions that take text and return plain JS
//! objects of the same shape the CLI prints as JSON. Errors in the input are
//! diagnostics inside the result, never exceptions.

use wasm_bindgen::prelude::*;

use crate::load::Input;

fn to_js<T: serde::Serialize>(value: &T) -> JsValue {
    // serde_json then JSON.parse keeps one serializer (no serde-wasm-bindgen) and
    // gives exactly the CLI's JSON shape.
    match serde_json::to_string(value) {
        Ok(json) => js_sys::JSON::parse(&json).unwrap_or(JsValue::NULL),
        Err(_) => JsValue::NULL,
    }
}

/// `analyze(text)` → `{ kubeplay, objects: [...], diagnostics: [...] }`.
#[wasm_bindgen]
pub fn analyze(text: &str) -> JsValue {
    to_js(&crate::analyze(&[Input::new("input.yaml", text)]))
}

/// `analyzeFiles([{name, text}, ...])` → the same report over several named texts.
#[wasm_bindgen(js_name = analyzeFiles)]
pub fn analyze_files(files: JsValue) -> JsValue {
    let parsed: Vec<NamedText> = js_sys::JSON::stringify(&files)
        .ok()
        .and_then(|s| s.as_string())
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let inputs: Vec<Input<'_>> = parsed.iter().map(|f| Input::new(&f.name, &f.text)).collect();
    to_js(&crate::analyze(&inputs))
}

/// The kubeplay version and the Kubernetes version whose semantics it follows.
#[wasm_bindgen]
pub fn version() -> JsValue {
    to_js(&serde_json::json!({ "kubeplay": crate::VERSION, "kubernetes": crate::KUBERNETES_VERSION }))
}

#[derive(serde::Deserialize)]
struct NamedText {
    name: String,
    text: String,
}
