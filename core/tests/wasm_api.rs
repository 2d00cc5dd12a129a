//! The JS API, run by wasm-bindgen-test in Node and in headless Chromium
//! (`WASM_BINDGEN_USE_BROWSER=1`): the tagged answers through the JS surface.
//! The functions themselves are tested natively (`api.rs`, and
//! `cli/tests/api_values.rs` for the values). Native builds compile this file
//! to nothing.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

use kubeplay_core::wasm;
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

const PODS: &str = "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: web}}\nspec: {containers: [{name: c, image: nginx}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: db, namespace: shop, labels: {app: db}}\nspec: {containers: [{name: c, image: postgres}]}\n";

fn get(value: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(key)).expect("property")
}

fn js(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn files() -> JsValue {
    let files = js_sys::Array::new();
    let file = js_sys::Object::new();
    js_sys::Reflect::set(&file, &"name".into(), &"pods.yaml".into()).unwrap();
    js_sys::Reflect::set(&file, &"text".into(), &PODS.into()).unwrap();
    files.push(&file);
    files.into()
}

/// `{ok: true, value, diagnostics}`: the value.
#[track_caller]
fn value(answer: &JsValue) -> JsValue {
    assert_eq!(get(answer, "ok"), JsValue::TRUE, "{:?}", js_sys::JSON::stringify(answer));
    assert!(js_sys::Array::is_array(&get(answer, "diagnostics")));
    assert_eq!(get(answer, "error"), JsValue::UNDEFINED);
    get(answer, "value")
}

/// `{ok: false, error}`: the message.
#[track_caller]
fn error(answer: &JsValue) -> String {
    assert_eq!(get(answer, "ok"), JsValue::FALSE);
    assert_eq!(get(answer, "value"), JsValue::UNDEFINED);
    get(answer, "error").as_string().expect("an error message")
}

#[wasm_bindgen_test]
fn analyze_returns_the_report_and_located_diagnostics() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: three\n";
    let answer = wasm::analyze(JsValue::from_str(text));
    let report = value(&answer);
    let objects = js_sys::Array::from(&get(&report, "objects"));
    assert_eq!(objects.length(), 1);
    assert_eq!(get(&objects.get(0), "kind").as_string().as_deref(), Some("Namespace"));
    let diagnostics = js_sys::Array::from(&get(&answer, "diagnostics"));
    assert_eq!(diagnostics.length(), 1);
    let diagnostic = diagnostics.get(0);
    assert_eq!(get(&diagnostic, "code").as_string().as_deref(), Some("schema-type"));
    assert_eq!(get(&diagnostic, "file").as_string().as_deref(), Some("input.yaml"));
    assert_eq!(get(&diagnostic, "line").as_f64(), Some(11.0));
    assert_eq!(get(&diagnostic, "path").as_string().as_deref(), Some("spec.replicas"));
    // analyzeFiles is the same function.
    let files = js(r#"[{"name":"a.yaml","text":"kind: Pod"}]"#);
    let diagnostics = js_sys::Array::from(&get(&wasm::analyze_files(files), "diagnostics"));
    assert_eq!(get(&diagnostics.get(0), "file").as_string().as_deref(), Some("a.yaml"));
}

#[wasm_bindgen_test]
fn garbage_is_answered_with_error_diagnostics() {
    let answer = wasm::analyze(JsValue::from_str("\u{0}\u{1}: [[[{{{ &a *b"));
    value(&answer);
    let diagnostics = js_sys::Array::from(&get(&answer, "diagnostics"));
    assert!(diagnostics.length() >= 1);
    assert_eq!(get(&diagnostics.get(0), "severity").as_string().as_deref(), Some("error"));
}

#[wasm_bindgen_test]
fn one_value_per_family() {
    let none = JsValue::UNDEFINED;
    // Traffic.
    let probe = value(&wasm::probe(files(), js(r#"{"port": 80, "protocol": "tcp"}"#)));
    assert_eq!(js_sys::Array::from(&get(&probe, "pods")).length(), 2);
    assert_eq!(get(&probe, "protocol").as_string().as_deref(), Some("TCP"));
    let explanation = value(&wasm::explain(files(), js(r#"{"from": "shop/web", "to": "shop/db", "port": 5432}"#)));
    assert_eq!(get(&explanation, "allowed"), JsValue::TRUE);
    let graph = value(&wasm::graph(files(), none.clone()));
    assert!(js_sys::Array::is_array(&get(&graph, "nodes")));
    let diff = value(&wasm::diff(files(), files(), none.clone()));
    assert_eq!(js_sys::Array::from(&get(&diff, "changes")).length(), 0);
    let fix = value(&wasm::fix(files(), js(r#"{"from": "shop/web", "to": "shop/db", "port": 5432, "want": "deny"}"#)));
    assert_eq!(get(&fix, "now"), JsValue::TRUE);
    let flows = JsValue::from_str("flows: [{from: shop/web, to: shop/db, port: 5432}]");
    let generated = value(&wasm::generate(files(), flows, none.clone()));
    assert!(js_sys::Array::from(&get(&generated, "policies")).length() >= 1);
    // Security, resources, scaling, resilience.
    let check = value(&wasm::check(files(), js(r#"{"pssVersion": "latest"}"#)));
    assert!(js_sys::Array::is_array(&get(&check, "workloads")));
    let sarif = value(&wasm::check(files(), js(r#"{"format": "sarif"}"#)));
    assert_eq!(get(&sarif, "version").as_string().as_deref(), Some("2.1.0"));
    let admission = value(&wasm::admit(files()));
    assert!(js_sys::Array::is_array(&get(&admission, "objects")));
    let quantities = value(&wasm::quantity(js(r#"["1.5Gi"]"#)));
    assert_eq!(get(&js_sys::Array::from(&quantities).get(0), "canonical").as_string().as_deref(), Some("1536Mi"));
    value(&wasm::hpa(files()));
    value(&wasm::vpa(files()));
    value(&wasm::disrupt(files()));
    value(&wasm::failover(files()));
    let version = value(&wasm::version());
    assert_eq!(get(&version, "kubernetes").as_string().as_deref(), Some(kubeplay_core::KUBERNETES_VERSION));
}

/// A caller's mistake is `{ok: false, error}` naming the argument, never an
/// exception and never an empty report.
#[wasm_bindgen_test]
fn argument_errors_name_the_argument() {
    assert!(error(&wasm::analyze(JsValue::from_f64(7.0))).starts_with("analyze: files: invalid type"));
    assert!(error(&wasm::analyze_files(JsValue::UNDEFINED)).starts_with("analyze: files: invalid type: null"));
    let message = error(&wasm::analyze(js(r#"[{"name":"a.yaml"}]"#)));
    assert!(message.starts_with("analyze: files[0]: missing field `text`"), "{message}");
    let message = error(&wasm::probe(files(), js(r#"{"port": 0}"#)));
    assert!(message.starts_with("probe: options.port: `0`: the port must be a number from 1 to 65535"), "{message}");
    let message =
        error(&wasm::explain(files(), js(r#"{"from": "shop/web", "to": "shop/db", "port": 80, "protocol": "icmp"}"#)));
    assert!(message.starts_with("explain: options.protocol: unknown protocol `icmp`"), "{message}");
    let message =
        error(&wasm::fix(files(), js(r#"{"from": "shop/nope", "to": "shop/db", "port": 80, "want": "allow"}"#)));
    assert!(message.starts_with("fix: options.from: no pod or workload `shop/nope`"), "{message}");
    // A value JSON cannot write.
    let function = js_sys::Function::new_no_args("return 1");
    let message = error(&wasm::graph(files(), function.into()));
    assert!(message.starts_with("graph: options: a value JSON cannot write"), "{message}");
    // Half a surrogate pair is no Unicode text: said so, naming the argument,
    // wherever the half sits (serde_json's own messages differ by position).
    for text in [r#""kind: Pod\n# \ud800""#, r#""x \ud800 then more""#, r#""x \udc00""#] {
        let lone = js_sys::JSON::parse(text).expect("a JS string");
        let message = error(&wasm::analyze(lone));
        assert!(message.starts_with("analyze: files: a string holds a lone UTF-16 surrogate"), "{text}: {message}");
    }
    // A whole pair, and a backslash followed by `ud800` as text, are fine.
    for text in [r#""x \ud83d\ude00""#, r#""x \\ud800""#] {
        let answer = wasm::analyze(js_sys::JSON::parse(text).expect("a JS string"));
        assert_eq!(get(&answer, "ok").as_bool(), Some(true), "{text}");
    }
}
