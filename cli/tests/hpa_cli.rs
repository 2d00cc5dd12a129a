//! `kubeplay hpa`: the JSON contract of `docs/semantics/hpa.md §5` field by
//! field and in order, the text table, and the exit statuses.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("repo root").to_path_buf()
}

/// The manifests of a case file of `core/tests/cases/hpa-sim/`, written out.
fn case_manifests(case: &str) -> String {
    let text = std::fs::read_to_string(repo().join("core/tests/cases/hpa-sim").join(case)).expect("case file");
    let value: serde_yaml::Value = serde_yaml::from_str(&text).expect("case YAML");
    let manifests = value["manifests"].as_str().expect("manifests");
    write(case, manifests)
}

fn write(name: &str, text: &str) -> String {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("hpa-{name}"));
    std::fs::write(&path, text).expect("write");
    path.to_str().expect("utf-8").to_owned()
}

fn kubeplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeplay")).args(args).output().expect("run kubeplay")
}

fn keys(value: &serde_json::Value) -> Vec<&str> {
    value.as_object().expect("an object").keys().map(String::as_str).collect()
}

#[test]
fn json_contract_of_the_worked_timeline() {
    let file = case_manifests("worked-timeline.yaml");
    let out = kubeplay(&["hpa", "--format", "json", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    // Field order as the contract shows it (serde_json::Value sorts keys, so read the text).
    let order = ["\"hpa\"", "\"target\"", "\"behavior\"", "\"steps\"", "\"summary\""];
    let positions: Vec<usize> = order.iter().map(|k| text.find(k).expect(k)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "top-level order {positions:?}");
    let step_order = [
        "\"t\"",
        "\"currentReplicas\"",
        "\"metrics\"",
        "\"metricDesired\"",
        "\"desiredReplicas\"",
        "\"replicas\"",
        "\"conditions\"",
        "\"quota\"",
    ];
    let first_step = &text[text.find("\"steps\"").expect("steps")..];
    let positions: Vec<usize> = step_order.iter().map(|k| first_step.find(k).expect(k)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "step order {positions:?}");
    let metric_order =
        ["\"name\"", "\"type\"", "\"utilization\"", "\"average\"", "\"value\"", "\"proposal\"", "\"error\""];
    let first_metric = &first_step[first_step.find("\"metrics\"").expect("metrics")..];
    let positions: Vec<usize> = metric_order.iter().map(|k| first_metric.find(k).expect(k)).collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "metric order {positions:?}");

    let json: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    assert_eq!(json["hpa"], serde_json::json!({"namespace": "default", "name": "api-hpa"}));
    assert_eq!(json["target"], "default/api[Deployment]");
    assert_eq!(
        json["behavior"],
        serde_json::json!({
            "scaleDown": {"policies": [{"periodSeconds": 60, "type": "Pods", "value": 1}], "selectPolicy": "Max", "stabilizationWindowSeconds": 60},
            "scaleUp": {"policies": [{"periodSeconds": 60, "type": "Pods", "value": 4}], "selectPolicy": "Max", "stabilizationWindowSeconds": 0}
        })
    );
    let steps = json["steps"].as_array().expect("steps");
    assert_eq!(steps.len(), 40, "t = 0, 15, … 585");
    assert!(steps.iter().enumerate().all(|(i, s)| s["t"] == serde_json::json!(i * 15)));
    let first = &steps[0];
    assert_eq!(
        keys(first),
        ["conditions", "currentReplicas", "desiredReplicas", "metricDesired", "metrics", "quota", "replicas", "t"]
    );
    assert_eq!(
        first["metrics"][0],
        serde_json::json!({"name": "cpu", "type": "Resource", "utilization": 233, "average": "1166m", "value": null, "proposal": 10, "error": null})
    );
    assert_eq!(first["metricDesired"], 10);
    assert_eq!(first["desiredReplicas"], 7);
    assert_eq!(first["replicas"], 7);
    assert_eq!(
        first["conditions"],
        serde_json::json!({
            "AbleToScale": {"status": "True", "reason": "SucceededRescale"},
            "ScalingActive": {"status": "True", "reason": "ValidMetricFound"},
            "ScalingLimited": {"status": "True", "reason": "ScaleUpLimit"}
        })
    );
    assert_eq!(first["quota"], serde_json::Value::Null);
    let replicas: Vec<i64> = steps.iter().map(|s| s["replicas"].as_i64().expect("replicas")).collect();
    assert_eq!(&replicas[..5], [7, 7, 7, 7, 10]);
    assert_eq!(replicas[11], 9, "t = 165");
    assert_eq!(replicas[35], 3, "t = 525");
    assert_eq!(json["summary"], serde_json::json!({"peakReplicas": 10, "finalReplicas": 3, "firstAtMax": 60}));
    let summary_text = &text[text.find("\"summary\"").expect("summary")..];
    let positions: Vec<usize> = ["\"peakReplicas\"", "\"finalReplicas\"", "\"firstAtMax\""]
        .iter()
        .map(|k| summary_text.find(k).expect(k))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "summary order");
}

#[test]
fn quota_refusals_and_invalid_metrics_in_the_contract() {
    let file = case_manifests("quota-refusal.yaml");
    let out = kubeplay(&["hpa", "--format", "json", &file]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["behavior"], serde_json::Value::Null, "no behavior: the legacy path");
    let quota = &json["steps"][1]["quota"];
    assert_eq!(keys(quota), ["created", "message", "requested"]);
    assert_eq!(quota["requested"], 4);
    assert_eq!(quota["created"], 1);
    assert!(quota["message"].as_str().expect("message").contains("exceeded quota: compute"));
    assert_eq!(json["summary"]["firstAtMax"], serde_json::Value::Null);

    // An External metric against a Value target prints `value`, not `average`;
    // an invalid metric prints `proposal: null` with its error.
    let manifests = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: q}
spec:
  replicas: 2
  selector: {matchLabels: {app: q}}
  template:
    metadata: {labels: {app: q}}
    spec: {containers: [{name: q, image: q}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: q}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: q}
  maxReplicas: 10
  metrics:
  - type: External
    external: {metric: {name: queue_depth}, target: {type: Value, value: '10'}}
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
---
apiVersion: kubeplay.dev/v1alpha1
kind: HPASimulation
metadata: {name: q}
spec:
  duration: 15s
  load:
  - metric: queue_depth
    value: [{at: 0s, value: '30'}]
  - metric: cpu
    total: [{at: 0s, value: 100m}]
";
    let file = write("external.yaml", manifests);
    let out = kubeplay(&["hpa", "--format", "json", &file]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let step = &json["steps"][0];
    assert_eq!(
        step["metrics"][0],
        serde_json::json!({"name": "queue_depth", "type": "External", "utilization": null, "average": null, "value": "30", "proposal": 6, "error": null})
    );
    let cpu = &step["metrics"][1];
    assert_eq!(cpu["proposal"], serde_json::Value::Null);
    assert!(
        cpu["error"].as_str().expect("error").contains("missing request for cpu in container q of Pod q-0"),
        "{cpu}"
    );
    // Some metric invalid, the rest scale up: it scales up (hpa.md §2.1).
    assert_eq!(step["metricDesired"], 6);
    assert_eq!(step["desiredReplicas"], 4, "legacy cap max(2 × 2, 4)");
}

#[test]
fn text_table_and_exit_statuses() {
    let file = case_manifests("worked-timeline.yaml");
    let out = kubeplay(&["hpa", &file]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.starts_with("default/api-hpa scales default/api[Deployment] (min 3, max 10; behavior)"), "{text}");
    assert!(text.contains("limited by"), "{text}");
    let row = text.lines().find(|l| l.trim_start().starts_with("0s")).expect("the t = 0 row");
    assert!(row.contains("233% → 10") && row.contains("ScaleUpLimit"), "{row}");
    assert!(text.contains("peak 10 replicas, final 3, at maxReplicas: t = 60s"), "{text}");

    // Bad input: the JSON is still printed (with nulls), the diagnostic on stderr, exit 1.
    let bad = write(
        "bad.yaml",
        "apiVersion: kubeplay.dev/v1alpha1\nkind: HPASimulation\nmetadata: {name: s}\nspec: {duration: -5s}\n",
    );
    let out = kubeplay(&["hpa", "--format", "json", &bad]);
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(
        json,
        serde_json::json!({"hpa": null, "target": null, "behavior": null, "steps": [], "summary": {"peakReplicas": null, "finalReplicas": null, "firstAtMax": null}})
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(":4:") && stderr.contains("error[hpasim-bad-duration]"), "{stderr}");

    // No HPASimulation at all: exit 1 with a message.
    let none = write("none.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n");
    let out = kubeplay(&["hpa", &none]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no HPASimulation"));

    // Usage and I/O errors: 2.
    assert_eq!(kubeplay(&["hpa", "--format", "yaml", &none]).status.code(), Some(2));
    assert_eq!(kubeplay(&["hpa", "/nonexistent/file.yaml"]).status.code(), Some(2));
}
