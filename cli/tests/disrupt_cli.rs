//! `kubeplay disrupt` (`docs/semantics/disruption.md` §10): the JSON contract
//! field by field on the §8.3 drain and the §9 alert example, the text report,
//! and exit status 2 with `{"error": …}` for an invalid scenario.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn case(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/cases/disruption").join(name)
}

fn kubeplay(args: &[&str], file: &PathBuf) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeplay")).args(args).arg(file).output().expect("run kubeplay")
}

fn json(file: &str) -> Value {
    let out = kubeplay(&["disrupt", "--format", "json"], &case(file));
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// The object's keys, compared as a set (serde_json's map sorts them; the
/// printed order is checked on the raw text in `keys_print_in_contract_order`).
fn keys(value: &Value) -> std::collections::BTreeSet<&str> {
    value.as_object().expect("an object").keys().map(String::as_str).collect()
}

fn assert_keys(value: &Value, expected: &[&str]) {
    assert_eq!(keys(value), expected.iter().copied().collect(), "keys of {value}");
}

#[test]
fn report_has_every_documented_field() {
    let report = json("drain-with-pdb.yaml");
    assert_keys(
        &report,
        &["settings", "initial", "final", "snapshots", "events", "evictions", "drains", "scheduling", "alerts"],
    );
    assert_keys(
        &report["settings"],
        &[
            "startTime",
            "horizonSeconds",
            "nodeMonitorGracePeriodSeconds",
            "nodeEvictionRate",
            "secondaryNodeEvictionRate",
            "unhealthyZoneThreshold",
            "largeClusterSizeThreshold",
            "defaultNotReadyTolerationSeconds",
            "defaultUnreachableTolerationSeconds",
            "evictErrorRetryDelaySeconds",
            "podShutdownSeconds",
            "podStartupSeconds",
            "alertEvaluationIntervalSeconds",
            "topology",
            "observeAt",
        ],
    );
    assert_eq!(report["settings"]["horizonSeconds"], 30);
    assert_eq!(report["settings"]["nodeEvictionRate"], 0.1);
    assert_eq!(report["settings"]["topology"], "SingleCluster");
    // STATE.
    let state = &report["snapshots"]["20"];
    assert_keys(state, &["t", "pods", "pdbs", "nodes", "workloads"]);
    assert_eq!(state["t"], 20);
    assert_keys(&state["pods"][0], &["namespace", "name", "node", "phase", "ready", "deleting"]);
    assert_keys(
        &state["pdbs"][0],
        &[
            "namespace",
            "name",
            "expectedPods",
            "desiredHealthy",
            "currentHealthy",
            "disruptionsAllowed",
            "disruptedPods",
            "unmanagedPods",
            "condition",
            "events",
        ],
    );
    assert_eq!(
        state["pdbs"][0]["condition"],
        serde_json::json!({"type": "DisruptionAllowed", "status": "True", "reason": "SufficientPods"})
    );
    assert_keys(&state["nodes"][0], &["name", "ready", "unschedulable", "taints"]);
    assert_eq!(
        state["nodes"][0],
        serde_json::json!({"name": "node-1", "ready": "True", "unschedulable": true, "taints": []})
    );
    assert_keys(
        &state["workloads"][0],
        &["kind", "namespace", "name", "desired", "ready", "readyByZone", "readyByRegion"],
    );
    assert_eq!(state["workloads"][0]["readyByRegion"], serde_json::json!({"east": 3}));
    // Events, evictions, drains, scheduling.
    assert_eq!(report["events"][0], serde_json::json!({"t": 0, "type": "Cordon", "node": "node-1"}));
    assert_keys(
        &report["evictions"][1],
        &["t", "namespace", "pod", "pdb", "code", "allowed", "decremented", "dryRun", "message", "causes", "drain"],
    );
    assert_eq!(report["evictions"][1]["causes"][0]["reason"], "DisruptionBudget");
    let drain = &report["drains"][0];
    assert_keys(
        drain,
        &[
            "node",
            "flags",
            "startedAt",
            "completedAt",
            "result",
            "toEvict",
            "ignored",
            "skipped",
            "warnings",
            "errors",
            "stdout",
            "stderr",
        ],
    );
    assert_keys(
        &drain["flags"],
        &[
            "ignoreDaemonsets",
            "deleteEmptydirData",
            "force",
            "disableEviction",
            "gracePeriodSeconds",
            "timeoutSeconds",
            "skipWaitForDeleteTimeoutSeconds",
            "podSelector",
        ],
    );
    assert_eq!(drain["startedAt"], 0);
    assert_eq!(drain["completedAt"], 11);
    assert_keys(&report["scheduling"][0], &["t", "namespace", "pod", "node", "message", "filters"]);
}

#[test]
fn keys_print_in_contract_order() {
    let out = kubeplay(&["disrupt", "--format", "json"], &case("drain-with-pdb.yaml"));
    let text = String::from_utf8(out.stdout).unwrap();
    let top: Vec<usize> =
        ["settings", "initial", "final", "snapshots", "events", "evictions", "drains", "scheduling", "alerts"]
            .iter()
            .map(|k| text.find(&format!("\n  \"{k}\": ")).unwrap_or_else(|| panic!("{k} at the top level")))
            .collect();
    assert!(top.windows(2).all(|w| w[0] < w[1]), "{top:?}");
}

#[test]
fn alerts_follow_prometheus_for_semantics() {
    let report = json("alert-zone-loss.yaml");
    assert_eq!(
        report["alerts"],
        serde_json::json!([{"name": "ApiDegraded", "state": "inactive", "pendingAt": 60, "firingAt": 120, "resolvedAt": 360, "activeSince": null}])
    );
    let kinds: Vec<&str> = report["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["type"].as_str())
        .filter(|k| k.starts_with("Alert"))
        .collect();
    assert_eq!(kinds, ["AlertPending", "AlertFiring", "AlertResolved"]);
}

#[test]
fn text_is_time_ordered_with_kubectl_lines() {
    let out = kubeplay(&["disrupt"], &case("drain-with-pdb.yaml"));
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "t=0      Cordon node/node-1");
    assert!(lines.contains(&"t=0      $ node/node-1 cordoned"));
    assert!(lines.contains(&"t=11     $ node/node-1 drained"));
    let times: Vec<i64> = lines
        .iter()
        .take_while(|l| l.starts_with("t="))
        .map(|l| l[2..].split_whitespace().next().unwrap().parse().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] <= w[1]), "time-ordered: {times:?}");
}

#[test]
fn invalid_scenario_exits_2_with_error_json() {
    let out = kubeplay(&["disrupt", "--format", "json"], &case("bad-cluster-per-region-unpinned.yaml"));
    assert_eq!(out.status.code(), Some(2));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        value,
        serde_json::json!({"error": "topology ClusterPerRegion: Deployment production/api must select exactly one region (nodeSelector or required node affinity on topology.kubernetes.io/region)"})
    );
    // The location goes to standard error, as a diagnostic.
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("bad-cluster-per-region-unpinned.yaml:"), "{stderr}");
    assert!(stderr.contains("error[chaos-scenario-invalid]"), "{stderr}");
}

/// A Deployment whose template holds a quantity that does not parse is refused
/// by the API server as it decodes it: it never exists, so the lab refuses the
/// input (exit 2) as it refuses one that did not load, naming the field, and
/// `admit` refuses the Deployment itself rather than admitting it and
/// rejecting its pods.
#[test]
fn a_workload_with_an_unparsable_quantity_is_refused() {
    let dir = std::env::temp_dir().join(format!("kubeplay-disrupt-quantity-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("bad-quantity.yaml");
    std::fs::write(
        &file,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: default}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec:\n      containers:\n      - {name: c, image: nginx, resources: {requests: {cpu: abc}}}\n",
    )
    .unwrap();
    let message = "Deployment \"web\" is invalid: spec.template.spec.containers[0].resources.requests[cpu]: Invalid value: \"abc\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

    let out = kubeplay(&["disrupt", "--format", "json"], &file);
    assert_eq!(out.status.code(), Some(2));
    let value: Value = serde_json::from_slice(&out.stdout).unwrap();
    let error = value["error"].as_str().expect("an error");
    assert!(error.ends_with(&format!(":11:45: error[admission-invalid]: {message}")), "{error}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("error[admission-invalid]"), "{stderr}");

    let out = kubeplay(&["admit"], &file);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().next(), Some("REJECTED Deployment default/web"), "{stdout}");
    assert!(stdout.contains(message), "{stdout}");
    assert!(!stdout.contains("web-0"), "no pods are created: {stdout}");
    std::fs::remove_dir_all(&dir).ok();
}
