//! The JSON contracts of `kubeplay quantity` and `kubeplay admit` (README.md),
//! checked field by field against the built binary.

use std::process::Command;

use serde_json::{Value, json};

fn kubeplay(args: &[&str]) -> (i32, Value) {
    let output = Command::new(env!("CARGO_BIN_EXE_kubeplay")).args(args).output().expect("kubeplay runs");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}"));
    (output.status.code().unwrap_or(-1), json)
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

#[test]
fn quantity_json_contract() {
    let (code, out) = kubeplay(&["quantity", "--format", "json", "--", "1.5Gi", "1e3", "-1.5", "10E", "1K"]);
    assert_eq!(code, 1, "an invalid input makes the exit status 1");
    let rows = out.as_array().expect("a JSON array, one row per input");
    assert_eq!(rows.len(), 5);
    for row in rows {
        assert_eq!(keys(row), ["canonical", "error", "input", "milli_value", "valid", "value"]);
    }
    assert_eq!(
        rows[0],
        json!({"input": "1.5Gi", "valid": true, "canonical": "1536Mi", "milli_value": 1_610_612_736_000_i64, "value": 1_610_612_736, "error": null})
    );
    assert_eq!(
        rows[1],
        json!({"input": "1e3", "valid": true, "canonical": "1e3", "milli_value": 1_000_000, "value": 1000, "error": null})
    );
    assert_eq!(
        rows[2],
        json!({"input": "-1.5", "valid": true, "canonical": "-1500m", "milli_value": -1500, "value": -2, "error": null})
    );
    // Values that do not fit an i64 are null.
    assert_eq!(
        rows[3],
        json!({"input": "10E", "valid": true, "canonical": "10E", "milli_value": null, "value": null, "error": null})
    );
    assert_eq!(
        rows[4],
        json!({"input": "1K", "valid": false, "canonical": null, "milli_value": null, "value": null, "error": "unable to parse quantity's suffix"})
    );

    let (code, _) = kubeplay(&["quantity", "--format", "json", "250m"]);
    assert_eq!(code, 0);
}

const MANIFESTS: &str = r#"apiVersion: v1
kind: ResourceQuota
metadata: {name: production-quota, namespace: production}
spec:
  hard: {requests.cpu: "1", pods: "100"}
---
apiVersion: v1
kind: LimitRange
metadata: {name: production-limits, namespace: production}
spec:
  limits:
  - type: Container
    max: {cpu: "4", memory: 8Gi}
    min: {cpu: 100m, memory: 128Mi}
    default: {cpu: 500m, memory: 512Mi}
    defaultRequest: {cpu: 250m, memory: 256Mi}
---
apiVersion: v1
kind: Namespace
metadata: {name: production}
---
apiVersion: v1
kind: Pod
metadata: {name: bare, namespace: production}
spec:
  containers: [{name: app, image: nginx}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: production}
spec:
  replicas: 4
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
"#;

#[test]
fn admit_json_contract() {
    let dir = std::env::temp_dir().join(format!("kubeplay-admit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("production.yaml");
    std::fs::write(&file, MANIFESTS).expect("write manifests");
    let (code, out) = kubeplay(&["admit", "--format", "json", file.to_str().expect("UTF-8 path")]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(code, 1, "a rejected object makes the exit status 1");

    assert_eq!(keys(&out), ["objects", "quotas"]);
    let objects = out["objects"].as_array().expect("objects array");
    let decision_keys =
        ["annotation", "effective", "kind", "message", "name", "namespace", "pod_requests", "reason", "result"];
    for decision in objects {
        assert_eq!(keys(decision), decision_keys);
    }
    let ids: Vec<(&str, &str)> =
        objects.iter().map(|d| (d["kind"].as_str().unwrap_or(""), d["name"].as_str().unwrap_or(""))).collect();
    assert_eq!(
        ids,
        [
            ("ResourceQuota", "production-quota"),
            ("LimitRange", "production-limits"),
            ("Namespace", "production"),
            ("Pod", "bare"),
            ("Deployment", "web"),
            ("Pod", "web-0"),
            ("Pod", "web-1"),
            ("Pod", "web-2"),
            ("Pod", "web-3"),
        ]
    );

    let limit_range = &objects[1];
    assert_eq!(
        limit_range["effective"],
        json!([{
            "type": "Container",
            "max": {"cpu": "4", "memory": "8Gi"},
            "min": {"cpu": "100m", "memory": "128Mi"},
            "default": {"cpu": "500m", "memory": "512Mi"},
            "defaultRequest": {"cpu": "250m", "memory": "256Mi"}
        }])
    );
    assert_eq!(limit_range["pod_requests"], Value::Null);

    // Cluster-scoped objects have a null namespace.
    assert_eq!(objects[2]["namespace"], Value::Null);
    assert_eq!(objects[2]["result"], "admitted");

    let bare = &objects[3];
    assert_eq!(bare["namespace"], "production");
    assert_eq!(bare["result"], "admitted");
    assert_eq!(bare["reason"], Value::Null);
    assert_eq!(bare["message"], Value::Null);
    assert_eq!(
        bare["annotation"],
        "LimitRanger plugin set: cpu, memory request for container app; cpu, memory limit for container app"
    );
    assert_eq!(
        bare["effective"],
        json!({"app": {"requests": {"cpu": "250m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}}})
    );
    assert_eq!(bare["pod_requests"], json!({"cpu": "250m", "memory": "256Mi"}));

    // 250m (bare) + 3 × 250m = 1: equality is allowed, the fourth replica is not.
    for pod in &objects[5..8] {
        assert_eq!(pod["result"], "admitted", "{pod}");
    }
    let fourth = &objects[8];
    assert_eq!(fourth["result"], "rejected");
    assert_eq!(fourth["reason"], "Forbidden");
    assert_eq!(
        fourth["message"],
        "pods \"web-3\" is forbidden: exceeded quota: production-quota, requested: requests.cpu=250m, used: requests.cpu=1, limited: requests.cpu=1"
    );

    let quotas = out["quotas"].as_array().expect("quotas array");
    assert_eq!(quotas.len(), 1);
    assert_eq!(keys(&quotas[0]), ["hard", "name", "namespace", "used"]);
    assert_eq!(
        quotas[0],
        json!({
            "namespace": "production",
            "name": "production-quota",
            "hard": {"pods": "100", "requests.cpu": "1"},
            "used": {"pods": "4", "requests.cpu": "1"}
        })
    );
}

#[test]
fn analyze_reports_admission() {
    let dir = std::env::temp_dir().join(format!("kubeplay-analyze-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("production.yaml");
    std::fs::write(&file, MANIFESTS).expect("write manifests");
    let (_, out) = kubeplay(&["analyze", "--format", "json", file.to_str().expect("UTF-8 path")]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out["admission"]["quotas"][0]["used"]["requests.cpu"], "1");
    let finding = out["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .find(|d| d["code"] == "admission-replicas-rejected")
        .expect("the partly fitting Deployment is reported");
    assert_eq!(finding["line"], 32, "points at spec.replicas");
    assert!(
        finding["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("Deployment web: 3 of 4 replicas fit; the 4th (web-3) is rejected")
    );
}

/// The text report names each admitted pod's requests, and says `none` for a
/// pod that has none (no LimitRange default), rather than an empty list.
#[test]
fn admit_text_names_pod_requests_or_none() {
    let dir = std::env::temp_dir().join(format!("kubeplay-admit-text-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("pods.yaml");
    std::fs::write(
        &file,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: besteffort}\nspec: {containers: [{name: c, image: nginx}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: sized}\nspec: {containers: [{name: c, image: nginx, resources: {requests: {cpu: 100m}}}]}\n",
    )
    .expect("write manifests");
    let output = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(["admit", file.to_str().expect("UTF-8 path")])
        .output()
        .expect("kubeplay runs");
    std::fs::remove_dir_all(&dir).ok();
    let text = String::from_utf8(output.stdout).expect("UTF-8 output");
    let lines: Vec<&str> = text.lines().map(str::trim).collect();
    let after = |pod: &str| {
        let at = lines.iter().position(|l| l.ends_with(pod)).unwrap_or_else(|| panic!("{pod} in:\n{text}"));
        lines[at + 1]
    };
    assert_eq!(after("Pod default/besteffort"), "pod requests: none", "{text}");
    assert_eq!(after("Pod default/sized"), "pod requests: cpu=100m", "{text}");
}
