//! Data-driven loading tests (rust-analyzer's `check(input, expect)` style): each
//! `tests/load/NAME.yaml` is loaded as file `NAME.yaml`, and the objects and
//! diagnostics are compared with `tests/load/NAME.expected`, a plain-text snapshot
//! reviewed like code. `UPDATE_EXPECT=1 cargo test -p kubeplay-core --test loading`
//! rewrites the snapshots; review the diff before committing.

use std::fmt::Write as _;
use std::path::Path;

use kubeplay_core::{Input, load};

fn render(name: &str, text: &str) -> String {
    let loading = load(&[Input::new(name, text)]);
    let mut out = String::from("objects:\n");
    for object in &loading.inventory.objects {
        let _ = writeln!(
            out,
            "  {} {} (doc {}, line {})",
            object.object.api_version(),
            object.id(),
            object.origin.location.doc,
            object.origin.location.span.line
        );
    }
    out.push_str("namespaces:\n");
    for ns in &loading.inventory.namespaces {
        let labels: Vec<String> = ns.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let _ = writeln!(
            out,
            "  {} [{}]{}",
            ns.name,
            labels.join(", "),
            if ns.declared_by.is_some() { "" } else { " (implicit)" }
        );
    }
    out.push_str("diagnostics:\n");
    for d in &loading.diagnostics {
        let path = d.location.path.as_deref().map(|p| format!(" @ {p}")).unwrap_or_default();
        let _ = writeln!(out, "  doc {} {}{}", d.location.doc, d.to_text(), path);
    }
    out
}

#[test]
fn load_cases_match_their_snapshots() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/load");
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut entries: Vec<_> = std::fs::read_dir(&dir).expect("tests/load").flatten().map(|e| e.path()).collect();
    entries.sort();
    let mut failures = Vec::new();
    let mut cases = 0;
    for path in entries.iter().filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json")) {
        cases += 1;
        let name = path.file_name().and_then(|n| n.to_str()).expect("name");
        let text = std::fs::read_to_string(path).expect("case text");
        let actual = render(name, &text);
        let expected_path = path.with_extension("expected");
        if update {
            std::fs::write(&expected_path, &actual).expect("write snapshot");
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != actual {
            failures.push(format!("--- {name}: expected\n{expected}--- actual\n{actual}"));
        }
    }
    assert!(cases >= 10, "the case directory holds the cases");
    assert!(failures.is_empty(), "snapshots differ (UPDATE_EXPECT=1 to rewrite):\n{}", failures.join("\n"));
}
