//! `kubeplay vpa`: the JSON contract of `docs/semantics/vpa.md §7` field by
//! field on the worked example, one object or `{"vpas": [...]}`, the text
//! form, and the exit statuses.

use std::path::PathBuf;
use std::process::{Command, Output};

fn repo(path: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(path).to_string_lossy().into_owned()
}

fn kubeplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kubeplay")).args(args).output().expect("kubeplay runs")
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn keys(value: &serde_json::Value) -> Vec<&str> {
    value.as_object().expect("an object").keys().map(String::as_str).collect()
}

#[test]
fn the_worked_example_prints_every_field_of_the_contract_in_order() {
    let output = kubeplay(&["vpa", "--format", "json", &repo("core/tests/cases/vpa/sim/worked-example-auto.yaml")]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    // Field order as the contract lists it (serde_json keeps the printed order here).
    let text = String::from_utf8_lossy(&output.stdout);
    let positions: Vec<usize> =
        ["\"vpa\"", "\"recommendation\"", "\"pods\"", "\"updateOrder\"", "\"acted\"", "\"peaks\""]
            .iter()
            .map(|k| text.find(k).unwrap_or_else(|| panic!("{k} missing")))
            .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");

    let v = json(&output);
    let mut top = keys(&v);
    top.sort_unstable();
    assert_eq!(top, ["acted", "peaks", "pods", "recommendation", "updateOrder", "vpa"]);
    assert_eq!(v["vpa"], serde_json::json!({"namespace": "default", "name": "api-vpa"}));

    let recommendations = v["recommendation"]["containerRecommendations"].as_array().unwrap();
    assert_eq!(recommendations.len(), 1);
    let r = &recommendations[0];
    let mut rkeys = keys(r);
    rkeys.sort_unstable();
    assert_eq!(rkeys, ["containerName", "lowerBound", "target", "uncappedTarget", "upperBound"]);
    assert_eq!(r["containerName"], "api");
    assert_eq!(r["target"], serde_json::json!({"cpu": "63m", "memory": "250Mi"}));
    assert_eq!(r["lowerBound"], serde_json::json!({"cpu": "62m", "memory": "250Mi"}));
    assert_eq!(r["upperBound"], serde_json::json!({"cpu": "70m", "memory": "250Mi"}));
    assert_eq!(r["uncappedTarget"], serde_json::json!({"cpu": "63m", "memory": "250Mi"}));

    let pods = v["pods"].as_array().unwrap();
    assert_eq!(pods.iter().map(|p| p["name"].as_str().unwrap()).collect::<Vec<_>>(), ["api-0", "api-1", "api-2"]);
    let pod = &pods[0];
    let mut pkeys = keys(pod);
    pkeys.sort_unstable();
    assert_eq!(pkeys, ["annotations", "limits", "name", "requests", "update"]);
    assert_eq!(pod["requests"], serde_json::json!({"api": {"cpu": "63m", "memory": "250Mi"}}));
    assert_eq!(pod["limits"], serde_json::json!({"api": {}}));
    assert_eq!(pod["annotations"], serde_json::json!({}));
    let update = &pod["update"];
    let mut ukeys = keys(update);
    ukeys.sort_unstable();
    assert_eq!(
        ukeys,
        ["action", "candidate", "outsideRecommendedRange", "quickOOM", "reason", "resourceDiff", "scaleUp"]
    );
    assert_eq!(update["candidate"], true);
    assert_eq!(update["action"], "evict");
    assert_eq!(update["outsideRecommendedRange"], true);
    assert_eq!(update["scaleUp"], false);
    assert_eq!(update["resourceDiff"].as_f64(), Some(0.37 + 0.0234375));
    assert_eq!(update["quickOOM"], false);
    assert!(update["reason"].as_str().unwrap().contains("outside"));
    assert_eq!(pods[1]["update"]["action"], "none");

    assert_eq!(v["updateOrder"], serde_json::json!(["api-0", "api-1", "api-2"]));
    assert_eq!(v["acted"], serde_json::json!(["api-0"]));
    let peaks = v["peaks"]["api-0/api"].as_array().unwrap();
    assert_eq!(peaks.len(), 8);
    assert_eq!(peaks[0], serde_json::json!([86400, 188743680, false]));
}

#[test]
fn several_vpas_print_a_list_and_errors_exit_1_with_the_json_printed() {
    let output = kubeplay(&["vpa", "--format", "json", &repo("core/tests/cases/vpa/sim/bad-input.yaml")]);
    assert_eq!(output.status.code(), Some(1));
    let v = json(&output);
    assert_eq!(keys(&v), ["vpas"]);
    assert_eq!(v["vpas"].as_array().unwrap().len(), 2);
    assert_eq!(v["vpas"][1]["recommendation"], serde_json::Value::Null);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[vpa-simulation-duration]"), "{stderr}");
}

#[test]
fn the_material_vpa_is_refused_by_the_crd_and_exits_1() {
    let output = kubeplay(&["vpa", "--format", "json", &repo("core/tests/cases/vpa/sim/worked-example.yaml")]);
    assert_eq!(output.status.code(), Some(1));
    let v = json(&output);
    assert_eq!(v["recommendation"]["containerRecommendations"][0]["target"]["cpu"], "63m");
    assert_eq!(v["acted"], serde_json::json!([]));
    assert!(String::from_utf8_lossy(&output.stderr).contains("Unsupported value: \"auto\""));
}

#[test]
fn text_is_a_readable_table() {
    let output = kubeplay(&["vpa", &repo("core/tests/cases/vpa/sim/worked-example-auto.yaml")]);
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("VerticalPodAutoscaler default/api-vpa"), "{text}");
    assert!(text.contains("cpu=63m,memory=250Mi"), "{text}");
    assert!(text.contains("acted this loop: api-0"), "{text}");
}

#[test]
fn a_missing_file_is_a_usage_error() {
    assert_eq!(kubeplay(&["vpa", "/nonexistent/kubeplay-vpa.yaml"]).status.code(), Some(2));
}
