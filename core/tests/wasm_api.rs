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
    let report = kubeplay_core::wasm::analyze(JsValue::from_str(text));
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
    let report = kubeplay_core::wasm::analyze(JsValue::from_str("\u{0}\u{1}: [[[{{{ &a *b"));
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

/// A caller passing the wrong shapes gets an error value saying what was expected,
/// not an empty report (issue 15, item 5).
#[wasm_bindgen_test]
fn wrong_argument_shapes_get_an_error_value() {
    let undefined = kubeplay_core::wasm::analyze_files(JsValue::UNDEFINED);
    assert_eq!(get(&undefined, "objects"), JsValue::UNDEFINED);
    let message = get(&undefined, "error").as_string().expect("an error message");
    assert!(message.starts_with("analyzeFiles expects an array of {name, text} objects"), "{message}");
    for json in [
        r#""apiVersion: v1""#,
        r#"{"name":"a.yaml","text":"kind: Pod"}"#,
        r#"[{"name":"a.yaml"}]"#,
        r#"[1, 2]"#,
        "null",
    ] {
        let answer = kubeplay_core::wasm::analyze_files(js_sys::JSON::parse(json).unwrap());
        let message = get(&answer, "error").as_string().unwrap_or_else(|| panic!("{json}: no error"));
        assert!(message.starts_with("analyzeFiles expects an array of {name, text} objects"), "{json}: {message}");
        assert_eq!(get(&answer, "diagnostics"), JsValue::UNDEFINED, "{json}");
    }
    let answer = kubeplay_core::wasm::analyze(JsValue::from_f64(7.0));
    assert_eq!(get(&answer, "error").as_string().as_deref(), Some("analyze expects a string, got number"));
    let answer = kubeplay_core::wasm::analyze(JsValue::NULL);
    assert_eq!(get(&answer, "error").as_string().as_deref(), Some("analyze expects a string, got object"));
    // The right shapes still answer with a report.
    let files = js_sys::JSON::parse("[]").unwrap();
    assert!(js_sys::Array::is_array(&get(&kubeplay_core::wasm::analyze_files(files), "objects")));
}

#[wasm_bindgen_test]
fn version_names_kubernetes() {
    let version = kubeplay_core::wasm::version();
    assert_eq!(get(&version, "kubernetes").as_string().as_deref(), Some(kubeplay_core::KUBERNETES_VERSION));
}
