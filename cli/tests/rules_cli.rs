//! `kubeplay rules`: the Markdown is `docs/rules.md` byte for byte, the JSON
//! lists every rule with its area, severity and what it checks.

use std::process::Command;

fn kubeplay(args: &[&str]) -> (i32, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_kubeplay")).args(args).output().expect("run kubeplay");
    (output.status.code().unwrap_or(-1), String::from_utf8(output.stdout).expect("utf-8"))
}

#[test]
fn markdown_is_docs_rules_md() {
    let (status, md) = kubeplay(&["rules", "--format", "md"]);
    assert_eq!(status, 0);
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules.md")).expect("docs/rules.md");
    assert_eq!(md, doc);
}

#[test]
fn json_lists_validation_and_best_practice_rules() {
    let (status, json) = kubeplay(&["rules", "--format", "json"]);
    assert_eq!(status, 0);
    let rules: Vec<serde_json::Value> = serde_json::from_str(&json).expect("json");
    let mismatch = rules.iter().find(|r| r["id"] == "selector-template-mismatch").expect("validation rule");
    assert_eq!((mismatch["area"].as_str(), mismatch["severity"].as_str()), (Some("input"), Some("error")));
    let strategy = rules.iter().find(|r| r["id"] == "deployment-strategy-recreate").expect("practice rule");
    assert_eq!(strategy["area"], "security");
    assert_eq!(strategy["equivalents"]["kube-score"][0], "deployment-strategy");
    let (status, text) = kubeplay(&["rules"]);
    assert_eq!(status, 0);
    assert_eq!(text.lines().count(), rules.len());
}
