//! The NetworkPolicy subcommands, run as a user runs them.

use std::process::Command;

fn kubeplay(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const TRAINING: &str = "core/tests/netpol-lint/multi-tier.yaml";

#[test]
fn probe_json_contract() {
    let (code, stdout, stderr) =
        kubeplay(&["probe", TRAINING, "--port", "5000", "--protocol", "tcp", "--external", "8.8.8.8"]);
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let object = value.as_object().unwrap();
    let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
    keys.sort();
    assert_eq!(keys, ["allowed", "pods", "port", "protocol"]);
    assert_eq!(value["port"], 5000);
    assert_eq!(value["protocol"], "TCP");
    assert_eq!(
        value["pods"],
        serde_json::json!([
            "default/api",
            "default/database",
            "default/frontend",
            "external:8.8.8.8",
            "monitoring/prometheus"
        ])
    );
    // frontend (row 2) may reach api (column 0); database (row 1) may not.
    assert_eq!(value["allowed"][2][0], true);
    assert_eq!(value["allowed"][1][0], false);
    assert_eq!(value["allowed"][3][0], false);
}

#[test]
fn probe_table_marks() {
    let (code, stdout, _) = kubeplay(&["probe", "--format", "table", TRAINING, "--port", "5000", "--protocol", "TCP"]);
    assert_eq!(code, 0);
    let row = stdout.lines().find(|l| l.starts_with("| default/database ")).unwrap();
    let cells: Vec<&str> = row.split('|').map(str::trim).filter(|c| !c.is_empty()).collect();
    assert_eq!(cells, ["default/database", "X", ".", ".", "."]);
}

#[test]
fn probe_rejects_bad_external() {
    let (code, _, stderr) = kubeplay(&["probe", TRAINING, "--port", "80", "--external", "not-an-ip"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not-an-ip"), "{stderr}");
}

#[test]
fn explain_text_and_json() {
    let (code, stdout, _) =
        kubeplay(&["explain", TRAINING, "--from", "default/frontend", "--to", "default/api", "--port", "5000/TCP"]);
    assert_eq!(code, 0);
    assert!(stdout.starts_with("ALLOWED: default/frontend → default/api on 5000/TCP"), "{stdout}");
    assert!(stdout.contains("multi-tier.yaml:17 (spec.ingress[0].from[0])"), "{stdout}");
    let (_, stdout, _) = kubeplay(&[
        "explain",
        TRAINING,
        "--from",
        "default/database",
        "--to",
        "default/api",
        "--port",
        "5000",
        "--format",
        "json",
    ]);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(value["allowed"], false);
    assert_eq!(value["ingress"]["isolated"], true);
    assert_eq!(value["ingress"]["policies"][0]["policy"], "default/multi-tier-policy");
}

#[test]
fn graph_formats() {
    let (code, stdout, _) = kubeplay(&["graph", TRAINING, "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("\"default/frontend\" -> \"default/api\" [label=\"TCP 5000\"];"), "{stdout}");
    let (_, stdout, _) = kubeplay(&["graph", TRAINING, "--format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert!(value["nodes"].as_array().unwrap().len() >= 5);
    let (_, stdout, _) = kubeplay(&["graph", TRAINING, "--who-can-reach", "default/api"]);
    assert!(stdout.lines().any(|l| l == "default/frontend"), "{stdout}");
}

#[test]
fn analyze_shows_netpol_findings() {
    let (_, stdout, _) = kubeplay(&["analyze", TRAINING]);
    assert!(stdout.contains("warning[netpol-namespace-label-unmatched]"), "{stdout}");
    assert!(stdout.contains(":37:"), "{stdout}");
    assert!(stdout.contains("NetworkPolicy: 1 policies"), "{stdout}");
}

#[test]
fn graph_of_a_large_cluster_is_refused_per_pod_and_answered_per_namespace() {
    let pods: Vec<String> = (0..1100)
        .map(|i| {
            format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns{}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n", i % 2)
        })
        .collect();
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("open-cluster-1100.yaml");
    std::fs::write(&path, pods.join("---\n")).unwrap();
    let path = path.to_str().unwrap();

    let (code, stdout, stderr) = kubeplay(&["graph", path, "--format", "json"]);
    assert_eq!(code, 2, "{stdout}");
    assert!(stderr.contains("would have 1208900 edges (more than 1000000)"), "{stderr}");
    assert!(stderr.contains("--group namespace"), "{stderr}");

    let (code, stdout, stderr) = kubeplay(&["graph", path, "--format", "json", "--group", "namespace"]);
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let ids: Vec<&str> = value["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["ns0/550 endpoints", "ns1/550 endpoints", "external:any"]);
    assert_eq!(value["edges"].as_array().unwrap().len(), 6);
}
