//! The JS API, run by wasm-bindgen-test in Node and in headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`). Native builds compile this file to nothing.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).expect("property")
}

#[wasm_bindgen_test]
fn analyze_returns_objects_and_located_diagnostics() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: three\n";
    let report = kubeplay_core::wasm::analyze(text);
    let objects = js_sys::Array::from(&get(&report, "objects"));
    assert_eq!(objects.length(), 1);
    assert_eq!(get(&objects.get(0), "kind").as_string().as_deref(), Some("Namespace"));
    let diagnostics = js_sys::Array::from(&get(&report, "diagnostics"));
    assert_eq!(diagnostics.length(), 1);
    let diagnostic = diagnostics.get(0);
    assert_eq!(get(&diagnostic, "code").as_string().as_deref(), Some("schema-type"));
    assert_eq!(get(&diagnostic, "doc").as_f64(), Some(2.0));
    assert_eq!(get(&diagnostic, "line").as_f64(), Some(11.0));
    assert_eq!(get(&diagnostic, "path").as_string().as_deref(), Some("spec.replicas"));
}

#[wasm_bindgen_test]
fn analyze_never_throws_on_garbage() {
    let report = kubeplay_core::wasm::analyze("\u{0}\u{1}: [[[{{{ &a *b");
    let diagnostics = js_sys::Array::from(&get(&report, "diagnostics"));
    assert!(diagnostics.length() >= 1);
    assert_eq!(get(&diagnostics.get(0), "severity").as_string().as_deref(), Some("error"));
}

#[wasm_bindgen_test]
fn analyze_files_names_each_file() {
    let files = js_sys::JSON::parse(r#"[{"name":"a.yaml","text":"kind: Pod"},{"name":"b.yaml","text":"apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}"}]"#).unwrap();
    let report = kubeplay_core::wasm::analyze_files(files);
    let diagnostics = js_sys::Array::from(&get(&report, "diagnostics"));
    assert_eq!(get(&diagnostics.get(0), "file").as_string().as_deref(), Some("a.yaml"));
    let objects = js_sys::Array::from(&get(&report, "objects"));
    assert_eq!(get(&objects.get(0), "file").as_string().as_deref(), Some("b.yaml"));
}

#[wasm_bindgen_test]
fn version_names_kubernetes() {
    let version = kubeplay_core::wasm::version();
    assert_eq!(get(&version, "kubernetes").as_string().as_deref(), Some(kubeplay_core::KUBERNETES_VERSION));
}
