//! The JS API's `value` is what the CLI prints: each `kubeplay_core::api`
//! function, given the same texts and the options that mirror the flags, must
//! answer `ok` with the very bytes `kubeplay <command> --format json` writes to
//! standard output (and the CLI's problems as its diagnostics). Run over every
//! training example and the CLI's own diff and generate cases.

use std::path::Path;
use std::process::Command;

use kubeplay_core::api::{self, Answer};
use serde_json::{Value, json};

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

/// Standard output of `kubeplay ARGS`, run from the repository root.
fn kubeplay(args: &[&str]) -> String {
    let output = Command::new(env!("CARGO_BIN_EXE_kubeplay")).args(args).current_dir(root()).output().unwrap();
    String::from_utf8(output.stdout).unwrap()
}

/// `[{name, text}]` with the names the CLI is given (paths from the root).
fn files(paths: &[&str]) -> Value {
    let texts: Vec<Value> =
        paths.iter().map(|p| json!({ "name": p, "text": std::fs::read_to_string(root().join(p)).unwrap() })).collect();
    Value::Array(texts)
}

/// The answer is `ok` and its value plus a line break is the CLI's stdout.
#[track_caller]
fn same(answer: &Answer, args: &[&str]) -> String {
    let value = answer.value().unwrap_or_else(|| panic!("{args:?}: {answer:?}"));
    let printed = kubeplay(args);
    assert_eq!(format!("{value}\n"), printed, "kubeplay {}", args.join(" "));
    value.to_owned()
}

fn examples() -> Vec<String> {
    let mut paths: Vec<String> = std::fs::read_dir(root().join("core/src/examples"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .map(|n| format!("core/src/examples/{n}"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 10, "{paths:?}");
    paths
}

/// Every function that takes manifests, with several options, on `path`;
/// whether the input had two endpoints for `explain` and `fix`.
fn every_analysis(path: &str) -> bool {
    let input = files(&[path]);
    let none = Value::Null;
    same(&api::analyze(&input), &["analyze", "--format", "json", path]);
    same(&api::admit(&input), &["admit", "--format", "json", path]);
    same(&api::check(&input, &none), &["check", "--format", "json", path]);
    same(
        &api::check(&input, &json!({"format": "sarif", "pssVersion": "v1.24"})),
        &["check", "--format", "sarif", "--pss-version", "v1.24", path],
    );
    same(&api::graph(&input, &none), &["graph", "--format", "json", path]);
    same(
        &api::graph(&input, &json!({"group": "namespace"})),
        &["graph", "--format", "json", "--group", "namespace", path],
    );
    same(&api::hpa(&input), &["hpa", "--format", "json", path]);
    same(&api::vpa(&input), &["vpa", "--format", "json", path]);
    same(&api::disrupt(&input), &["disrupt", "--format", "json", path]);
    same(&api::failover(&input), &["failover", "--format", "json", path]);
    let probe = same(
        &api::probe(&input, &json!({"port": 80, "protocol": "tcp"})),
        &["probe", "--format", "json", "--port", "80", "--protocol", "tcp", path],
    );
    same(
        &api::probe(&input, &json!({"port": 53, "protocol": "UDP", "externals": ["10.0.0.0/8"]})),
        &["probe", "--format", "json", "--port", "53", "--protocol", "UDP", "--external", "10.0.0.0/8", path],
    );
    // The first two endpoints of the probe, as the contracts pick them.
    let pods: Vec<String> = serde_json::from_str::<Value>(&probe).unwrap()["pods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap().to_owned())
        .collect();
    let Some(from) = pods.first().map(String::as_str) else { return false };
    let to = pods.get(1).map_or(from, String::as_str);
    same(
        &api::explain(&input, &json!({"from": from, "to": to, "port": 80})),
        &["explain", "--format", "json", "--from", from, "--to", to, "--port", "80/TCP", path],
    );
    same(
        &api::graph(&input, &json!({"blastRadius": from})),
        &["graph", "--format", "json", "--blast-radius", from, path],
    );
    same(
        &api::graph(&input, &json!({"whoCanReach": to, "ipblockIgnoresPodIps": true})),
        &["graph", "--format", "json", "--who-can-reach", to, "--ipblock-ignores-pod-ips", path],
    );
    if from != to {
        for want in ["allow", "deny"] {
            same(
                &api::fix(&input, &json!({"from": from, "to": to, "port": 80, "want": want})),
                &["fix", "--format", "json", "--from", from, "--to", to, "--port", "80/TCP", "--want", want, path],
            );
        }
    }
    from != to
}

#[test]
fn every_analysis_of_every_example_answers_what_the_cli_prints() {
    let fixed = examples().iter().filter(|path| every_analysis(path)).count();
    // Seven examples have two endpoints or more: fix ran on each of them.
    assert!(fixed >= 7, "{fixed}");
}

/// The `.yaml` files of a directory of the repository, sorted.
fn yaml_files(dir: &str) -> Vec<String> {
    let mut paths: Vec<String> = std::fs::read_dir(root().join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml"))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    paths.sort();
    assert!(!paths.is_empty(), "{dir}");
    paths
}

#[test]
fn every_analysis_of_the_security_cases_answers_what_the_cli_prints() {
    for path in yaml_files("tests/cases/security") {
        every_analysis(&path);
    }
}

#[test]
fn the_labs_cases_answer_what_the_cli_prints() {
    for path in yaml_files("core/tests/cases/vpa/sim") {
        same(&api::vpa(&files(&[&path])), &["vpa", "--format", "json", &path]);
    }
    for path in yaml_files("core/tests/cases/disruption") {
        same(&api::disrupt(&files(&[&path])), &["disrupt", "--format", "json", &path]);
        same(&api::failover(&files(&[&path])), &["failover", "--format", "json", &path]);
    }
    // The HPA cases wrap their manifests (one, or one per case): written out,
    // under the same name for both.
    let scratch = Path::new(env!("CARGO_TARGET_TMPDIR")).join("api-values-hpa");
    std::fs::create_dir_all(&scratch).unwrap();
    let mut simulated = 0;
    for path in yaml_files("core/tests/cases/hpa-sim") {
        let case: serde_yaml::Value =
            serde_yaml::from_str(&std::fs::read_to_string(root().join(&path)).unwrap()).unwrap();
        let cases = case["cases"].as_sequence().cloned().unwrap_or_else(|| vec![case.clone()]);
        for (i, case) in cases.iter().enumerate() {
            let manifests = case["manifests"].as_str().unwrap();
            let stem = Path::new(&path).file_stem().unwrap().to_str().unwrap();
            let file = scratch.join(format!("{stem}-{i}.yaml"));
            std::fs::write(&file, manifests).unwrap();
            let name = file.to_str().unwrap();
            let input = json!([{"name": name, "text": manifests}]);
            same(&api::hpa(&input), &["hpa", "--format", "json", name]);
            same(&api::analyze(&input), &["analyze", "--format", "json", name]);
            simulated += 1;
        }
    }
    assert!(simulated >= 6, "{simulated}");
}

#[test]
fn a_service_destination_is_explained_per_backend_as_the_cli_does() {
    let path = "core/src/examples/chaos-engineering.yaml";
    let options = json!({"from": "shop/web-east[Deployment]", "to": "shop/web[Service]", "port": 80});
    let value = same(
        &api::explain(&files(&[path]), &options),
        &[
            "explain",
            "--format",
            "json",
            "--from",
            "shop/web-east[Deployment]",
            "--to",
            "shop/web[Service]",
            "--port",
            "80/TCP",
            path,
        ],
    );
    assert!(value.starts_with('['), "{value}");
}

#[test]
fn quantities_answer_what_the_cli_prints() {
    let list = ["1.5Gi", "250m", "1e3", "abc", "-1", "9223372036854775808", ""];
    let mut args = vec!["quantity", "--format", "json", "--"];
    args.extend(list);
    same(&api::quantity(&json!(list)), &args);
}

#[test]
fn diff_and_generate_answer_what_the_cli_prints() {
    let (before, after) = ("cli/tests/diff/before.yaml", "cli/tests/diff/after.yaml");
    let answer = api::diff(&files(&[before]), &files(&[after]), &Value::Null);
    same(&answer, &["diff", "--format", "json", "--before", before, "--after", after]);
    let answer = api::diff(&files(&[before]), &files(&[after]), &json!({"ipblockIgnoresPodIps": true}));
    same(&answer, &["diff", "--format", "json", "--before", before, "--after", after, "--ipblock-ignores-pod-ips"]);

    let example = "core/src/examples/multi-tier-policy.yaml";
    let flows = "cli/tests/diff/flows.yaml";
    let text = std::fs::read_to_string(root().join(flows)).unwrap();
    let args = ["generate", "--format", "json", "--flows", flows, example];
    same(&api::generate(&files(&[example]), &Value::String(text), &Value::Null), &args);
    // The flows document as an object reads as its text does.
    let object = json!({"flows": [
        {"from": "default/frontend[Deployment]", "to": "default/api[Deployment]", "port": 5000, "protocol": "TCP"},
        {"from": "default/api[Deployment]", "to": "default/database[StatefulSet]", "port": 5432},
        {"from": "monitoring/prometheus[Deployment]", "to": "default/api[Deployment]", "port": 5000},
    ]});
    same(&api::generate(&files(&[example]), &object, &Value::Null), &args);
}

#[test]
fn a_lab_that_cannot_run_answers_the_cli_refusal_with_the_located_diagnostic() {
    let path = "core/tests/cases/disruption/bad-horizon.yaml";
    let answer = api::disrupt(&files(&[path]));
    let value = same(&answer, &["disrupt", "--format", "json", path]);
    assert!(value.starts_with(r#"{"error":"ChaosScenario lab: spec.settings.horizonSeconds"#), "{value}");
    assert!(answer.diagnostics().iter().any(|d| d.code == "chaos-scenario-invalid" && d.location.file == path));
    // A manifest that did not load is refused with the first error as the message.
    let broken = json!([{"name": "broken.yaml", "text": "apiVersion: v1\nkind: Pod\nmetadata: {name: [x]}\n"}]);
    for answer in [api::disrupt(&broken), api::failover(&broken)] {
        let value: Value = serde_json::from_str(answer.value().unwrap()).unwrap();
        assert!(value["error"].as_str().unwrap().starts_with("broken.yaml:3:"), "{value}");
        assert!(answer.diagnostics().iter().any(|d| d.is_error()));
    }
}

#[test]
fn the_diagnostics_are_the_ones_the_cli_reports() {
    let path = "cli/tests/diff/broken.yaml";
    let answer = api::probe(&files(&[path]), &json!({"port": 80}));
    let output = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(["probe", "--port", "80", path])
        .current_dir(root())
        .output()
        .unwrap();
    let stderr = String::from_utf8(output.stderr).unwrap();
    let errors: Vec<String> = answer.diagnostics().iter().filter(|d| d.is_error()).map(|d| d.to_text()).collect();
    assert!(!errors.is_empty());
    assert_eq!(stderr.lines().collect::<Vec<_>>(), errors);
}
