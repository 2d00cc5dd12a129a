//! `kubeplay failover`'s JSON contract field by field
//! (`docs/semantics/multi-region.md`, the CLI section): keys sorted, the shapes
//! of `timeline`, `regions`, `routing`, `failover` and `mesh`, `cluster` as
//! `kubeplay disrupt` prints it, exit status 0 with a report and 2 with
//! `{"error": …}`; and the text table.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

fn scenario(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/cases/failover/scenarios.yaml");
    let file: serde_yaml::Value = serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let case = file["cases"].as_sequence().unwrap().iter().find(|c| c["name"].as_str() == Some(name)).unwrap();
    let base = case["base"].as_str().map(|b| file["bases"][b].as_str().unwrap().to_owned()).unwrap_or_default();
    format!("{base}{}", case["manifests"].as_str().unwrap())
}

fn run(text: &str, format: &str) -> Output {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("failover_cli");
    std::fs::create_dir_all(&dir).unwrap();
    // One file per distinct input, so tests running in parallel never share one.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&(text, format), &mut hasher);
    let file = dir.join(format!("{:016x}.yaml", std::hash::Hasher::finish(&hasher)));
    std::fs::write(&file, text).unwrap();
    Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(["failover", "--format", format])
        .arg(&file)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn keys(value: &Value) -> Vec<&str> {
    value.as_object().unwrap().keys().map(String::as_str).collect()
}

/// The printed JSON, and a check that its keys were printed sorted: parsing
/// and printing again (serde_json's map sorts) gives the same text.
fn report(text: &str) -> Value {
    let output = run(text, "json");
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let value: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(serde_json::to_string_pretty(&value).unwrap(), stdout.trim_end(), "keys are printed sorted");
    value
}

#[test]
fn proxy_story_report_has_the_contract_shape_and_numbers() {
    let text = scenario("seed-story-proxy").replace("observeAt: [0, 5, 9, 10, 50, 150, 350]", "observeAt: [10]");
    let report = report(&text);
    assert_eq!(keys(&report), ["cluster", "failover", "healthCheck", "mesh", "mode", "timeline"]);
    assert_eq!(report["mode"], "Proxy");
    assert_eq!(report["healthCheck"], json!({"intervalSeconds": 5, "unhealthyThreshold": 2, "healthyThreshold": 2}));
    let timeline = report["timeline"].as_array().unwrap();
    assert_eq!(timeline.len(), 1);
    let at10 = &timeline[0];
    assert_eq!(keys(at10), ["overloadRps", "regions", "routing", "t"]);
    assert_eq!(at10["t"], 10);
    assert_eq!(
        at10["regions"],
        json!([
            {"region": "east", "apiReachable": true, "readyEndpoints": 3, "lbHealthyEndpoints": 0,
             "capacityRps": 0, "healthy": false, "serving": false, "loadRps": 0, "utilization": null},
            {"region": "west", "apiReachable": true, "readyEndpoints": 3, "lbHealthyEndpoints": 3,
             "capacityRps": 300, "healthy": true, "serving": true, "loadRps": 450, "utilization": 1.5}
        ])
    );
    assert_eq!(
        at10["routing"],
        json!([
            {"userRegion": "users-east", "allocations": {"west": 250}, "errorRps": 0, "unservedRps": 0, "meanLatencyMs": 70},
            {"userRegion": "users-west", "allocations": {"west": 200}, "errorRps": 0, "unservedRps": 0, "meanLatencyMs": 15}
        ])
    );
    assert_eq!(at10["overloadRps"], json!({"west": 150}));
    assert_eq!(
        report["failover"],
        json!([{"region": "east", "failedAt": 0, "detectedAt": 10, "completeBy": 10, "movedRps": 250,
                "sessionsBrokenRps": 0, "totalDemandRps": 450, "survivorCapacityRps": 300, "shortfallRps": 150,
                "endpointsNeededPerSurvivor": {"west": 5}}])
    );
    assert_eq!(report["mesh"], json!([]));
    // The cluster the timeline came from: the disruption lab's `final` STATE
    // and events, exactly as `kubeplay disrupt` prints them (keys sorted here).
    assert_eq!(keys(&report["cluster"]), ["events", "final"]);
    let disrupt = disrupt_report(&text);
    assert_eq!(report["cluster"]["final"], disrupt["final"]);
    assert_eq!(report["cluster"]["events"], disrupt["events"]);
    let last = &report["cluster"]["final"];
    assert_eq!(keys(last), ["nodes", "pdbs", "pods", "t", "workloads"]);
    assert_eq!(last["t"], 900);
    assert_eq!(keys(&last["pods"][0]), ["deleting", "name", "namespace", "node", "phase", "ready"]);
    assert_eq!(keys(&last["nodes"][0]), ["name", "ready", "taints", "unschedulable"]);
    assert_eq!(
        last["pods"][3],
        json!({"namespace": "production", "name": "api-east-3", "node": null, "phase": "Pending", "ready": false, "deleting": false})
    );
    let events = report["cluster"]["events"].as_array().unwrap();
    assert_eq!(events[0], json!({"t": 0, "type": "NodeDown", "node": "e1"}));
    let of_type = |kind: &str| events.iter().filter(|e| e["type"] == kind).cloned().collect::<Vec<_>>();
    assert_eq!(
        of_type("NodeNotReady"),
        [
            json!({"t": 50, "type": "NodeNotReady", "node": "e1", "message": "Kubelet stopped posting node status."}),
            json!({"t": 50, "type": "NodeNotReady", "node": "e2", "message": "Kubelet stopped posting node status."})
        ]
    );
    assert_eq!(
        of_type("AlertPending").into_iter().chain(of_type("AlertFiring")).collect::<Vec<_>>(),
        [
            json!({"t": 60, "type": "AlertPending", "alert": "ApiEastDegraded"}),
            json!({"t": 120, "type": "AlertFiring", "alert": "ApiEastDegraded"})
        ]
    );
    let pending = of_type("FailedScheduling");
    assert_eq!(pending.len(), 3);
    assert_eq!(
        pending[0],
        json!({"t": 350, "type": "FailedScheduling", "namespace": "production", "pod": "api-east-3",
               "message": "0/4 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 2 node(s) had untolerated taint(s)."})
    );
}

/// `kubeplay disrupt --format json` on the same input.
fn disrupt_report(text: &str) -> Value {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("failover_cli");
    std::fs::create_dir_all(&dir).unwrap();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&(text, "disrupt"), &mut hasher);
    let file = dir.join(format!("{:016x}.yaml", std::hash::Hasher::finish(&hasher)));
    std::fs::write(&file, text).unwrap();
    let output =
        Command::new(env!("CARGO_BIN_EXE_kubeplay")).args(["disrupt", "--format", "json"]).arg(&file).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn cluster_per_region_story_never_fires_the_alert_inside_east() {
    let report = report(&scenario("seed-story-cluster-per-region"));
    let events = report["cluster"]["events"].as_array().unwrap();
    assert!(events.contains(&json!({"t": 0, "type": "ControlPlaneDown", "region": "east"})), "{events:?}");
    assert!(!events.iter().any(|e| e["type"] == "AlertFiring" || e["type"] == "AlertPending"), "{events:?}");
    assert!(!events.iter().any(|e| e["type"] == "NodeNotReady"), "east's API keeps its last state: {events:?}");
    // The load balancer does not care: east is out of rotation at 10.
    assert_eq!(report["failover"][0]["detectedAt"], 10);
    assert_eq!(report["timeline"][1]["regions"][0]["apiReachable"], false);
}

#[test]
fn dns_story_reports_null_lb_health_and_fractions_to_six_decimals() {
    let text = scenario("seed-story-dns").replace("observeAt: [10, 89, 90, 120, 149, 150]", "observeAt: [149]");
    let report = report(&text);
    assert_eq!(report["mode"], "DNS");
    let east = &report["timeline"][0]["regions"][0];
    assert_eq!(east["lbHealthyEndpoints"], Value::Null);
    assert_eq!(report["timeline"][0]["routing"][0]["allocations"], json!({"east": 4.166667, "west": 245.833333}));
    assert_eq!(report["failover"][0]["completeBy"], 150);
}

#[test]
fn mesh_entries_have_the_contract_shape() {
    let report = report(&scenario("mesh-contract-example"));
    assert_eq!(report["mode"], Value::Null);
    assert_eq!(report["healthCheck"], Value::Null);
    assert_eq!(report["timeline"], json!([{"t": 0, "regions": [], "routing": [], "overloadRps": {}}]));
    assert_eq!(report["failover"], json!([]));
    assert_eq!(
        report["mesh"],
        json!([{"host": "helloworld.sample.svc.cluster.local", "client": "curl", "ejected": [],
                "priorities": [{"priority": 0, "localities": ["region1/zone1"], "hosts": 1, "healthy": 1,
                                "health": 100, "load": 100, "panic": false}],
                "hostShare": {"helloworld-r1z1": 1}, "errorFraction": 0}])
    );
}

#[test]
fn invalid_input_exits_2_with_an_error_object() {
    for (name, message) in [
        ("bad-mode", "GlobalLoadBalancer spec.mode must be Proxy or DNS, got Anycast"),
        ("bad-two-global-load-balancers", "at most one GlobalLoadBalancer per input, got 2"),
        ("bad-unknown-region", "ChaosScenario s: spec.steps[0].region: no node in region \"north\""),
        ("bad-mesh-client", "ChaosScenario meshClients[0]: pod sample/sleep does not exist"),
    ] {
        let output = run(&scenario(name), "json");
        assert_eq!(output.status.code(), Some(2), "{name}");
        let value: Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(value, json!({"error": message}), "{name}");
        // Located on stderr, as `kubeplay disrupt` does.
        let stderr = String::from_utf8(output.stderr).unwrap();
        assert!(stderr.contains("error[") && stderr.contains(message), "{name}: {stderr}");
    }
    // A manifest that did not load is refused rather than silently left out.
    let broken = format!(
        "{}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: x}}\nspec: {{replicas: many}}\n",
        scenario("seed-story-proxy")
    );
    let output = run(&broken, "json");
    assert_eq!(output.status.code(), Some(2));
    let value: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(value["error"].as_str().is_some_and(|e| e.contains("error[")), "{value}");
}

#[test]
fn text_prints_a_table_per_observed_time() {
    let output = run(&scenario("seed-story-proxy"), "text");
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(text.starts_with("global load balancer: Proxy mode, health checks every 5s"), "{text}");
    for t in ["t=0s", "t=5s", "t=9s", "t=10s", "t=150s"] {
        assert!(text.lines().any(|l| l == t), "{t} in {text}");
    }
    let at10 = text.split("t=10s\n").nth(1).unwrap();
    let west = at10.lines().find(|l| l.trim_start().starts_with("west")).unwrap();
    assert_eq!(
        west.split_whitespace().collect::<Vec<_>>(),
        ["west", "up", "3", "3", "300", "yes", "yes", "450", "1.5"]
    );
    assert!(at10.contains("overload: west 150 rps above capacity"), "{at10}");
    assert!(text.contains("failover of east: failed at 0s, detected at 10s, complete by 10s"), "{text}");
    assert!(text.contains("endpoints needed per survivor: west 5"), "{text}");
    // The cluster's events, as `kubeplay disrupt --format text` prints them.
    let cluster = text.split("cluster events:\n").nth(1).unwrap();
    assert!(cluster.lines().any(|l| l == "t=120    AlertFiring alert/ApiEastDegraded"), "{cluster}");
    assert!(
        cluster
            .lines()
            .any(|l| l.starts_with("t=350    FailedScheduling pod/production/api-east-3 — 0/4 nodes are available")),
        "{cluster}"
    );
}
