//! The disruption lab (`core/src/resilience`) against case files in
//! `core/tests/cases/disruption/`: each `NAME.yaml` is a plain input (what
//! `kubeplay disrupt NAME.yaml` reads) and `NAME.expect.json` maps JSON
//! pointers into the report (`docs/semantics/disruption.md` §10) to the value
//! expected there; `"error"` holds the message of an invalid input. Cases
//! transcribed from upstream tests name the test in their first comment line.

use std::path::Path;

use kubeplay_core::resilience::{Options, simulate};
use kubeplay_core::{Input, load};
use serde_json::Value;

fn cases_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/disruption")
}

/// The report as JSON, or `{"error": message}`.
fn run(file: &Path) -> Value {
    let text = std::fs::read(file).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let loading = load(&[Input { name: &name, bytes: &text }]);
    if let Some(error) = loading.diagnostics.iter().find(|d| d.is_error()) {
        return serde_json::json!({ "error": error.to_text() });
    }
    match simulate(&loading.inventory, Options::default()) {
        Ok(report) => serde_json::to_value(&report).unwrap(),
        Err(error) => serde_json::json!({ "error": error.message }),
    }
}

#[test]
fn every_case_meets_its_expectations() {
    let mut files: Vec<_> = std::fs::read_dir(cases_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "expected the disruption corpus, found {} files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let expect_path = file.with_extension("expect.json");
        let expect: Value = serde_json::from_str(
            &std::fs::read_to_string(&expect_path).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display())),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let report = run(file);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let Value::Object(expectations) = expect else { panic!("{name}: expectations must be an object") };
        assert!(!expectations.is_empty(), "{name}: no expectation");
        for (pointer, expected) in expectations {
            let actual = if pointer == "error" { report.get("error") } else { report.pointer(&pointer) };
            if actual != Some(&expected) {
                failures.push(format!(
                    "{name} {pointer}:\n  expected {expected}\n  actual   {}",
                    actual.map_or_else(|| "(absent)".to_owned(), Value::to_string)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} expectation(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// The same input twice gives the same report: the lab is deterministic.
#[test]
fn reports_are_deterministic() {
    let file = cases_dir().join("drain-with-pdb.yaml");
    assert_eq!(run(&file), run(&file));
}

/// `analyze` reports the resilience findings, located at the field they are about.
#[test]
fn findings_are_located() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/resilience-findings/findings.yaml");
    let text = std::fs::read(&path).unwrap();
    let loading = load(&[Input { name: "findings.yaml", bytes: &text }]);
    let report = kubeplay_core::analyze_loading(&loading);
    let found: Vec<(String, usize, kubeplay_core::Area)> = report
        .diagnostics
        .iter()
        .filter(|d| d.area == kubeplay_core::Area::Resilience)
        .map(|d| (d.code.clone(), d.location.span.line, d.area))
        .collect();
    let resilience = kubeplay_core::Area::Resilience;
    assert_eq!(
        found,
        vec![
            ("pdb-blocks-drain".to_owned(), 24, resilience),
            ("pdb-min-available-at-hpa-min".to_owned(), 24, resilience),
            ("replicas-in-one-zone".to_owned(), 42, resilience),
        ]
    );
    let blocks = report.diagnostics.iter().find(|d| d.code == "pdb-blocks-drain").unwrap();
    assert!(blocks.message.contains("Cannot evict pod as it would violate the pod's disruption budget."));
    assert_eq!(blocks.fix.as_deref(), Some("spec:\n  maxUnavailable: 1"));
    // The single replica is the best-practice rule's, reported once.
    let single: Vec<_> =
        kubeplay_core::report::findings(&report).into_iter().filter(|d| d.code == "single-replica").collect();
    assert_eq!(single.len(), 1);
}
