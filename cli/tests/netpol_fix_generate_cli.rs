//! `kubeplay fix` and `kubeplay generate`, run as a user runs them: the JSON
//! contracts, the training example's fix, and bad input (exit 2, the argument
//! or line named; exit 1 for flows no selector can express).

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

const EXAMPLE: &str = "core/src/examples/multi-tier-policy.yaml";
const PROMETHEUS: &str = "monitoring/prometheus[Deployment]";
const API: &str = "default/api[Deployment]";

#[test]
fn the_training_example_labels_the_namespace_first() {
    let (code, stdout, stderr) =
        kubeplay(&["fix", EXAMPLE, "--from", PROMETHEUS, "--to", API, "--port", "5000/TCP", "--want", "allow"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with(r#"{"now":false,"want":true,"fixes":[{"kind":"add-label","object":"monitoring[Namespace]","patch":[{"op":"add","path":"/metadata/labels","value":{"name":"monitoring"}}],"yaml":"labels:\n  name: monitoring\n","file":"core/src/examples/multi-tier-policy.yaml","line":3,"side_effects":[]}"#), "{stdout}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let fixes = value["fixes"].as_array().unwrap();
    // Then selecting the namespace by its name label: no wide-open rule comes first.
    assert_eq!(fixes[1]["kind"], "add-peer");
    assert_eq!(
        fixes[1]["patch"],
        serde_json::json!([{"op": "add", "path": "/spec/ingress/0/from/-",
            "value": {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}}}}])
    );
    for fix in fixes {
        let keys: Vec<&str> = fix.as_object().unwrap().keys().map(String::as_str).collect();
        let mut expected = vec!["file", "kind", "line", "object", "patch", "side_effects", "yaml"];
        expected.sort();
        assert_eq!(keys, expected);
    }
    let new_policy = fixes.iter().find(|f| f["kind"] == "new-policy").expect("a new policy is among the fixes");
    assert_eq!(
        (new_policy["file"].clone(), new_policy["line"].clone()),
        (serde_json::Value::Null, serde_json::Value::Null)
    );
    assert_eq!(new_policy["patch"][0]["path"], "");
}

#[test]
fn deny_fix_lists_its_side_effects_and_text_output() {
    let (code, stdout, stderr) = kubeplay(&[
        "fix",
        EXAMPLE,
        "--from",
        "default/frontend[Deployment]",
        "--to",
        API,
        "--port",
        "5000/TCP",
        "--want",
        "deny",
        "--format",
        "text",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with(
        "default/frontend[Deployment] → default/api[Deployment] on 5000/TCP: now allowed, wanted denied\n"
    ));
    assert!(stdout.contains(
        "1. remove-rule on default/multi-tier-policy[NetworkPolicy] (core/src/examples/multi-tier-policy.yaml:"
    ));
    assert!(
        stdout.contains("also: default/frontend[Deployment] → default/database[StatefulSet] becomes denied"),
        "{stdout}"
    );
    // Already as wanted: nothing to change.
    let (code, stdout, _) = kubeplay(&[
        "fix",
        EXAMPLE,
        "--from",
        "default/frontend[Deployment]",
        "--to",
        API,
        "--port",
        "5000",
        "--want",
        "allow",
    ]);
    assert_eq!((code, stdout.as_str()), (0, "{\"now\":true,\"want\":true,\"fixes\":[]}\n"));
}

#[test]
fn fix_bad_input_exits_2_naming_the_argument() {
    let base = ["fix", EXAMPLE, "--want", "allow", "--to", API];
    let run = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend(extra);
        kubeplay(&args)
    };
    let (code, _, stderr) = run(&["--from", "default/nothing", "--port", "80"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--from: no pod or workload `default/nothing`"), "{stderr}");
    for (port, says) in [("0/TCP", "1 to 65535"), ("70000", "1 to 65535"), ("80/HTTP", "unknown protocol `HTTP`")] {
        let (code, _, stderr) = run(&["--from", PROMETHEUS, "--port", port]);
        assert_eq!(code, 2, "{port}");
        assert!(stderr.contains("--port") && stderr.contains(says), "{port}: {stderr}");
    }
    let (code, _, stderr) = run(&["--from", API, "--port", "80"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("may always reach itself"), "{stderr}");
}

#[test]
fn generate_prints_verified_policies() {
    let flows = "cli/tests/diff/flows.yaml";
    let (code, stdout, stderr) = kubeplay(&["generate", EXAMPLE, "--flows", flows, "--format", "json"]);
    assert_eq!(code, 0, "{stderr}");
    let value: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let policies = value["policies"].as_array().unwrap();
    let names: Vec<String> = policies
        .iter()
        .map(|p| {
            format!("{}/{}", p["metadata"]["namespace"].as_str().unwrap(), p["metadata"]["name"].as_str().unwrap())
        })
        .collect();
    assert_eq!(
        names,
        [
            "default/default-deny",
            "kube-system/default-deny",
            "monitoring/default-deny",
            "default/allow-tier-api",
            "default/allow-tier-database",
            "default/allow-tier-frontend",
            "kube-system/allow-k8s-app-kube-dns",
            "monitoring/allow-app-prometheus",
        ]
    );
    // api's two sources share one rule, on its named port.
    assert_eq!(
        policies[3]["spec"]["ingress"],
        serde_json::json!([{"from": [
            {"podSelector": {"matchLabels": {"tier": "frontend"}}},
            {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "monitoring"}},
             "podSelector": {"matchLabels": {"app": "prometheus"}}}
        ], "ports": [{"port": "http", "protocol": "TCP"}]}])
    );
    let (code, yaml, _) = kubeplay(&["generate", EXAMPLE, "--flows", flows]);
    assert_eq!(code, 0);
    assert!(yaml.starts_with("# Denies all traffic to and from pods in default, except DNS"));
    assert_eq!(yaml.matches("\n---\n").count(), 7);
    // The generated policies, applied in place of the example's own, give exactly the flows.
    let dir = std::env::temp_dir().join(format!("kubeplay-generate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let without: String =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../core/src/examples/multi-tier-policy.yaml"))
            .unwrap()
            .split("\n---\n")
            .filter(|d| !d.contains("kind: NetworkPolicy"))
            .collect::<Vec<_>>()
            .join("\n---\n");
    let (a, b) = (dir.join("pods.yaml"), dir.join("policies.yaml"));
    std::fs::write(&a, without).unwrap();
    std::fs::write(&b, &yaml).unwrap();
    let (code, stdout, _) = kubeplay(&["probe", a.to_str().unwrap(), b.to_str().unwrap(), "--port", "5000"]);
    assert_eq!(code, 0);
    let probe: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let pods: Vec<&str> = probe["pods"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
    let at = |id: &str| pods.iter().position(|p| *p == id).unwrap();
    for (i, from) in pods.iter().enumerate() {
        for (j, to) in pods.iter().enumerate() {
            let wanted = i == j || (*to == API && (*from == PROMETHEUS || *from == "default/frontend[Deployment]"));
            assert_eq!(probe["allowed"][at(from)][at(to)], wanted, "{from} → {to}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn generate_bad_input() {
    let cases = [
        ("cli/tests/diff/bad-port.yaml", "bad-port.yaml: line 2, column 3: flows[0]: port 70000 is outside 1–65535"),
        (
            "cli/tests/diff/bad-protocol.yaml",
            "line 2, column 3: flows[0]: unknown protocol `HTTP` (expected TCP, UDP or SCTP)",
        ),
        ("cli/tests/diff/bad-shape.yaml", "line 1, column 1: unknown field `flow`, expected `flows` or `dns`"),
        ("cli/tests/diff/bad-id.yaml", "bad-id.yaml: flows[0].from: no pod or workload `default/nothing`"),
        ("cli/tests/diff/missing.yaml", "cannot read cli/tests/diff/missing.yaml"),
    ];
    for (flows, says) in cases {
        let (code, stdout, stderr) = kubeplay(&["generate", EXAMPLE, "--flows", flows]);
        assert_eq!(code, 2, "{flows}: {stderr}");
        assert!(stdout.is_empty(), "{flows}");
        assert!(stderr.contains(says), "{flows}: {stderr}");
    }
    let (code, stdout, stderr) =
        kubeplay(&["generate", "cli/tests/diff/twins.yaml", "--flows", "cli/tests/diff/twins-flows.yaml"]);
    assert_eq!(code, 1);
    assert!(stdout.is_empty());
    assert!(stderr.contains("x/a1 and x/a2 have the same namespace and labels"), "{stderr}");
}
