//! End-to-end admission cases: every `tests/cases/admission/*.yaml` holds manifests
//! (applied in order), the expected decision sequence, quota usage and findings.
//!
//! `decisions` must match the whole sequence: each entry names `kind` (default
//! Pod) and `name`, or a run `name: web-{i}` with `from`/`to` (inclusive); any
//! other field given (`result`, `reason`, `message`, `annotation`, `effective`,
//! `pod_requests`) must equal the decision's JSON field. `load_errors` lists
//! the codes of the loader's error diagnostics, when a case has any.

use kubeplay_core::admission::admit;
use kubeplay_core::{Input, load};
use serde_json::Value as Json;
use serde_yaml::Value;

fn expand(expected: &[Value]) -> Vec<(String, String, serde_yaml::Mapping)> {
    let mut out = Vec::new();
    for entry in expected {
        let map = entry.as_mapping().expect("decision entry is a mapping").clone();
        let kind = entry["kind"].as_str().unwrap_or("Pod").to_owned();
        let name = entry["name"].as_str().expect("decision name").to_owned();
        match (entry["from"].as_u64(), entry["to"].as_u64()) {
            (Some(from), Some(to)) => {
                for i in from..=to {
                    let mut map = map.clone();
                    let message = map.get("message").and_then(Value::as_str).map(|m| m.replace("{i}", &i.to_string()));
                    if let Some(message) = message {
                        map.insert("message".into(), message.into());
                    }
                    out.push((kind.clone(), name.replace("{i}", &i.to_string()), map));
                }
            }
            _ => out.push((kind, name, map)),
        }
    }
    out
}

fn run_case(file: &str, text: &str) {
    let case: Value = serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{file}: {e}"));
    let manifests = case["manifests"].as_str().expect("manifests text");
    let loading = load(&[Input::new("manifests.yaml", manifests)]);
    // `load_errors` lists the codes of the loader's errors in order (objects the
    // API server's validation refuses); without it the manifests load cleanly.
    let errors: Vec<&str> = loading.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.code.as_str()).collect();
    let expected_errors: Vec<&str> =
        case["load_errors"].as_sequence().into_iter().flatten().map(|c| c.as_str().expect("error code")).collect();
    assert_eq!(errors, expected_errors, "{file}: the loader's errors");
    let admitted = admit(&loading.inventory);
    let decisions = serde_json::to_value(&admitted.admission.objects).expect("decisions serialise");
    let decisions = decisions.as_array().expect("array");

    let expected = expand(case["decisions"].as_sequence().expect("decisions list"));
    let actual_ids: Vec<String> = decisions
        .iter()
        .map(|d| format!("{}/{}", d["kind"].as_str().unwrap_or(""), d["name"].as_str().unwrap_or("")))
        .collect();
    let expected_ids: Vec<String> = expected.iter().map(|(k, n, _)| format!("{k}/{n}")).collect();
    assert_eq!(actual_ids, expected_ids, "{file}: decision sequence");
    for ((kind, name, fields), decision) in expected.iter().zip(decisions) {
        for (key, value) in fields {
            let key = key.as_str().expect("field name");
            if matches!(key, "kind" | "name" | "from" | "to") {
                continue;
            }
            let want: Json = serde_json::to_value(value).expect("YAML value as JSON");
            assert_eq!(decision[key], want, "{file}: {kind} {name}: {key}");
        }
    }

    if let Some(quotas) = case["quotas"].as_mapping() {
        for (name, want) in quotas {
            let name = name.as_str().expect("quota name");
            let quota = admitted
                .admission
                .quotas
                .iter()
                .find(|q| q.name == name)
                .unwrap_or_else(|| panic!("{file}: no quota {name}"));
            let used = serde_json::to_value(&quota.used).expect("used");
            let want: Json = serde_json::to_value(&want["used"]).expect("used as JSON");
            assert_eq!(used, want, "{file}: quota {name} used");
        }
    }

    // Admission files its findings under resources and the scaling lab (`hpa-exceeds-quota`)
    // under scaling, each where it makes them (no area is guessed from a code's prefix).
    let cluster = kubeplay_core::admission::Cluster::new(&loading.inventory);
    assert!(admitted.findings.iter().all(|d| d.area == kubeplay_core::Area::Resources), "{file}");
    let scaling = kubeplay_core::scaling::hpa::findings::findings(&loading.inventory, &cluster);
    assert!(scaling.iter().all(|d| d.area == kubeplay_core::Area::Scaling), "{file}");
    let mut all_findings = admitted.findings.clone();
    all_findings.extend(scaling);
    let findings: Vec<(String, usize, String)> =
        all_findings.iter().map(|d| (d.code.clone(), d.location.span.line, d.message.clone())).collect();
    let expected_findings: Vec<(String, usize, String)> = case["findings"]
        .as_sequence()
        .map(|list| {
            list.iter()
                .map(|f| {
                    (
                        f["code"].as_str().expect("code").to_owned(),
                        usize::try_from(f["line"].as_u64().expect("line")).expect("line fits"),
                        f["message"].as_str().expect("message").to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(findings, expected_findings, "{file}: findings");
}

#[test]
fn admission_cases() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/admission");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("case directory")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 5, "expected the admission case files in {dir:?}");
    for path in files {
        let text = std::fs::read_to_string(&path).expect("readable case");
        run_case(&path.display().to_string(), &text);
    }
}
