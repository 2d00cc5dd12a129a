//! The HPA timeline (`docs/semantics/hpa.md §5`) on the case files of
//! `core/tests/cases/hpa-sim/`: each holds `manifests` (with an HPASimulation)
//! and `expect`, or a list of `cases` of both. `expect` keys:
//! - `replicas`: `{t: n}` — the target's pods after each reconcile, a step
//!   function of t checked at every step;
//! - `steps`: entries of the JSON contract (`kubeplay hpa --format json`) by
//!   `t`; every key given must equal the step's (a subset match);
//! - `steps_count`, `summary`, `behavior`: as in the contract;
//! - `diagnostics`: `[code, line]` pairs of every loading and simulation
//!   diagnostic, in order; `no_timeline: true` when nothing may run.

use std::path::Path;

use kubeplay_core::render::hpa::json;
use kubeplay_core::scaling::hpa::simulation::simulate;
use kubeplay_core::{Input, load};
use serde_json::Value as Json;
use serde_yaml::Value;

/// Every key of `want` equals `got`'s (recursively for mappings; lists of
/// the same length item by item).
fn assert_subset(want: &Json, got: &Json, context: &str) {
    match (want, got) {
        (Json::Object(want), Json::Object(got)) => {
            for (key, value) in want {
                let actual = got.get(key).unwrap_or_else(|| panic!("{context}: no key {key} in {got:?}"));
                assert_subset(value, actual, &format!("{context}.{key}"));
            }
        }
        (Json::Array(want), Json::Array(got)) => {
            assert_eq!(want.len(), got.len(), "{context}: length of {got:?}");
            for (i, (w, g)) in want.iter().zip(got).enumerate() {
                assert_subset(w, g, &format!("{context}[{i}]"));
            }
        }
        _ => assert_eq!(want, got, "{context}"),
    }
}

fn run_case(label: &str, manifests: &str, expect: &Value) {
    let loading = load(&[Input::new("manifests.yaml", manifests)]);
    let run = simulate(&loading.inventory);
    let contract = serde_json::to_value(json(run.timeline.as_ref())).expect("contract serialises");
    let expect: Json = serde_json::to_value(expect).expect("expect as JSON");
    let diagnostics: Vec<Json> = loading
        .diagnostics
        .iter()
        .chain(&run.diagnostics)
        .map(|d| serde_json::json!([d.code, d.location.span.line]))
        .collect();
    if let Some(want) = expect.get("diagnostics") {
        assert_eq!(&Json::Array(diagnostics.clone()), want, "{label}: diagnostics");
    }
    if expect.get("no_timeline").and_then(Json::as_bool) == Some(true) {
        assert!(run.timeline.is_none(), "{label}: a timeline ran");
        assert_eq!(contract["steps"], serde_json::json!([]), "{label}");
        assert_eq!(contract["hpa"], Json::Null, "{label}");
        return;
    }
    let steps = contract["steps"].as_array().unwrap_or_else(|| panic!("{label}: no steps; {diagnostics:?}"));
    if let Some(count) = expect.get("steps_count") {
        assert_eq!(Some(steps.len() as u64), count.as_u64(), "{label}: steps");
    }
    if let Some(changes) = expect.get("replicas").and_then(Json::as_object) {
        let mut changes: Vec<(i64, i64)> =
            changes.iter().map(|(t, n)| (t.parse().expect("t is a number"), n.as_i64().expect("replicas"))).collect();
        changes.sort();
        for step in steps {
            let t = step["t"].as_i64().expect("t");
            let want = changes.iter().rev().find(|(at, _)| *at <= t).map(|(_, n)| *n);
            if let Some(want) = want {
                assert_eq!(step["replicas"].as_i64(), Some(want), "{label}: replicas at t = {t}");
            }
        }
    }
    for want in expect.get("steps").and_then(Json::as_array).into_iter().flatten() {
        let t = want["t"].as_i64().expect("expected step has t");
        let step =
            steps.iter().find(|s| s["t"].as_i64() == Some(t)).unwrap_or_else(|| panic!("{label}: no step at {t}"));
        assert_subset(want, step, &format!("{label}: step t = {t}"));
    }
    for key in ["summary", "behavior", "target", "hpa"] {
        if let Some(want) = expect.get(key) {
            assert_subset(want, &contract[key], &format!("{label}: {key}"));
        }
    }
}

#[test]
fn simulation_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/hpa-sim");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("case dir").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let mut ran = 0;
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "yaml")) {
        let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).expect("read case");
        let case: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(manifests) = case["manifests"].as_str() {
            run_case(&name, manifests, &case["expect"]);
            ran += 1;
        }
        for sub in case["cases"].as_sequence().into_iter().flatten() {
            let label = format!("{name}: {}", sub["name"].as_str().unwrap_or("?"));
            run_case(&label, sub["manifests"].as_str().expect("manifests"), &sub["expect"]);
            ran += 1;
        }
    }
    assert!(ran >= 5, "only {ran} cases ran");
}
