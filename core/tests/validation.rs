//! Server-side validation against upstream's validation test cases, transcribed
//! as manifests: each `tests/validation/NAME.yaml` is loaded as file
//! `NAME.yaml` and its validation findings (the codes of
//! `kubeplay_core::validation::RULES`) are compared with `NAME.expected`, a
//! plain-text snapshot reviewed like code (`UPDATE_EXPECT=1 cargo test -p
//! kubeplay-core --test validation` rewrites it). `valid.yaml` holds objects
//! the API server accepts and must have no finding at all. NetworkPolicy
//! refusals (`netpol-invalid`, from the policy compiler) are snapshotted too.

use std::fmt::Write as _;
use std::path::Path;

use kubeplay_core::validation::RULES;
use kubeplay_core::{Input, Severity, load};

fn render(name: &str, text: &str) -> String {
    let loading = load(&[Input::new(name, text)]);
    let mut out = String::new();
    // NetworkPolicies are validated by their compiler (`netpol-invalid`).
    let engine =
        kubeplay_core::netpol::Engine::new(&loading.inventory, &kubeplay_core::netpol::NetpolOptions::default());
    let validation = loading.diagnostics.iter().filter(|d| RULES.iter().any(|r| r.id == d.code));
    for d in validation.chain(engine.diagnostics.iter().filter(|d| d.code == "netpol-invalid")) {
        let path = d.location.path.as_deref().unwrap_or_default();
        let _ = writeln!(out, "{} @ {path}", d.to_text());
    }
    out
}

fn cases() -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validation");
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("cases").flatten().map(|e| e.path()).collect();
    entries.retain(|p| p.extension().is_some_and(|e| e == "yaml"));
    entries.sort();
    entries
}

#[test]
fn validation_cases_match_their_snapshots() {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut failures = Vec::new();
    for path in cases() {
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        let actual = render(&name, &std::fs::read_to_string(&path).expect("case"));
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &actual).expect("write snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("{name}:\n--- expected\n{expected}--- actual\n{actual}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn accepted_objects_get_no_validation_finding() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/validation/valid.yaml");
    let text = std::fs::read_to_string(path).expect("valid.yaml");
    let loading = load(&[Input::new("valid.yaml", &text)]);
    assert_eq!(loading.inventory.objects.len(), 22);
    let errors: Vec<String> = loading.diagnostics.iter().map(|d| d.to_text()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The example, exactly: an error with upstream's message, located on
/// the template's labels.
#[test]
fn selector_template_mismatch_is_upstreams_error_on_the_template_labels() {
    let text = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels: {app: web}\n  template:\n    metadata:\n      labels: {app: other}\n    spec:\n      containers:\n      - {name: web, image: nginx}\n";
    let loading = load(&[Input::new("d.yaml", text)]);
    let [d] = loading.diagnostics.as_slice() else { panic!("{:#?}", loading.diagnostics) };
    assert_eq!(d.severity, Severity::Error);
    assert_eq!(d.code, "selector-template-mismatch");
    assert_eq!(
        d.message,
        "Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: {\"app\":\"other\"}: `selector` does not match template `labels`"
    );
    assert_eq!((d.location.span.line, d.location.span.column), (10, 7));
    assert_eq!(d.location.path.as_deref(), Some("spec.template.metadata.labels"));
}

#[test]
fn every_rule_has_a_case_and_ids_are_unique() {
    let all: String =
        cases().iter().map(|p| std::fs::read_to_string(p.with_extension("expected")).unwrap_or_default()).collect();
    for rule in RULES {
        assert!(all.contains(&format!("[{}]", rule.id)), "no case for {}", rule.id);
        assert_eq!(RULES.iter().filter(|r| r.id == rule.id).count(), 1, "{}", rule.id);
    }
}
