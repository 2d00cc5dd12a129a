//! `kubeplay check` end to end: the JSON contract (README.md) field by field, the
//! version flag, SARIF 2.1.0 (validated against the full OASIS schema), and the
//! text rendering.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn case(name: &str) -> String {
    format!("{}/../tests/cases/security/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn kubeplay(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kubeplay")).args(args).output().expect("run kubeplay");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> (i32, Value) {
    let (code, stdout, stderr) = kubeplay(args);
    let value = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{stderr}"));
    (code, value)
}

fn keys(value: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = value.as_object().expect("object").keys().map(String::as_str).collect();
    keys.sort_unstable();
    keys
}

const TRAINING_RESTRICTED_MESSAGE: &str = "violates PodSecurity \"restricted:latest\": allowPrivilegeEscalation != false (container \"app\" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container \"app\" must set securityContext.capabilities.drop=[\"ALL\"]), seccompProfile (pod or container \"app\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\")";

#[test]
fn json_contract_field_by_field_for_the_training_pod() {
    let file = case("training-psp.yaml");
    let (code, out) = json(&["check", "--format", "json", &file]);
    assert_eq!(code, 1, "a workload failing restricted exits 1");
    assert_eq!(keys(&out), ["workloads"]);
    let workloads = out["workloads"].as_array().expect("workloads array");
    assert_eq!(workloads.len(), 1, "one entry per Pod (the PSP is no workload)");
    let w = &workloads[0];
    assert_eq!(keys(w), ["findings", "id", "psp", "pss", "pss_messages"]);
    assert_eq!(w["id"], "default/secure-app");

    assert_eq!(keys(&w["pss"]), ["baseline", "restricted"]);
    assert_eq!(keys(&w["pss"]["baseline"]), ["failing", "pass"]);
    assert_eq!(w["pss"]["baseline"]["pass"], true);
    assert_eq!(w["pss"]["baseline"]["failing"], serde_json::json!([]));
    assert_eq!(keys(&w["pss"]["restricted"]), ["failing", "pass"]);
    assert_eq!(w["pss"]["restricted"]["pass"], false);
    assert_eq!(
        w["pss"]["restricted"]["failing"],
        serde_json::json!(["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"])
    );

    assert_eq!(keys(&w["pss_messages"]), ["baseline", "restricted"]);
    assert!(w["pss_messages"]["baseline"].is_null());
    assert_eq!(w["pss_messages"]["restricted"], TRAINING_RESTRICTED_MESSAGE);

    let psp = w["psp"].as_array().expect("psp array");
    assert_eq!(psp.len(), 1);
    assert_eq!(psp[0]["policy"], "restricted");
    assert_eq!(psp[0]["admitted"], false);
    assert_eq!(psp[0]["chosen"], false);
    assert_eq!(
        psp[0]["errors"],
        serde_json::json!([
            "pod.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Forbidden: seccomp may not be set",
            "pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/app]: Forbidden: seccomp may not be set"
        ])
    );
    // The mutated pod shows the policy's defaults.
    let mutated = &psp[0]["mutated_pod"]["spec"]["containers"][0]["securityContext"];
    assert_eq!(mutated["allowPrivilegeEscalation"], false);
    assert_eq!(mutated["capabilities"]["drop"], serde_json::json!(["NET_RAW", "SYS_ADMIN"]));

    let findings = w["findings"].as_array().expect("findings array");
    assert!(!findings.is_empty());
    for f in findings {
        assert_eq!(keys(f), ["column", "doc", "file", "fix", "id", "line", "message", "severity"]);
        assert!(f["id"].is_string() && f["message"].is_string() && f["fix"].is_string());
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap_or("")));
        assert_eq!(f["file"], file.as_str());
        assert_eq!(f["doc"], 2, "the pod is the second document");
        assert!(f["line"].as_u64().is_some_and(|l| l >= 26) && f["column"].as_u64().is_some_and(|c| c >= 1));
    }
    let seccomp = findings.iter().find(|f| f["id"] == "seccomp-profile-missing").expect("seccomp finding");
    assert_eq!(seccomp["line"], 37, "the container `- name: app` line");
    assert_eq!(seccomp["fix"], "securityContext:\n  seccompProfile:\n    type: RuntimeDefault");
}

#[test]
fn pss_version_pins_the_policy() {
    let file = case("training-psp.yaml");
    let failing = |version: &str| {
        let (_, out) = json(&["check", "--format", "json", "--pss-version", version, &file]);
        (
            out["workloads"][0]["pss"]["restricted"]["failing"].clone(),
            out["workloads"][0]["pss_messages"]["restricted"].clone(),
        )
    };
    // v1.21: no capabilities_restricted yet (v1.22).
    let (ids, message) = failing("v1.21");
    assert_eq!(ids, serde_json::json!(["allowPrivilegeEscalation", "seccompProfile_restricted"]));
    assert!(message.as_str().is_some_and(|m| m.starts_with("violates PodSecurity \"restricted:v1.21\": ")));
    // v1.18: seccomp is judged by annotation, and runtime/default is allowed.
    assert_eq!(failing("v1.18").0, serde_json::json!(["allowPrivilegeEscalation"]));
    // v1.7: allowPrivilegeEscalation did not exist; the pod passes restricted.
    let (ids, message) = failing("v1.7");
    assert_eq!(ids, serde_json::json!([]));
    assert!(message.is_null());
    // Newer than the library knows: clamped to the newest policy, printed as given.
    let (ids, message) = failing("v1.99");
    assert_eq!(
        ids,
        serde_json::json!(["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"])
    );
    assert!(message.as_str().is_some_and(|m| m.contains("\"restricted:v1.99\"")));
}

#[test]
fn invalid_pss_version_is_a_usage_error() {
    for bad in ["1.25", "v1.025", "v2.0", "newest"] {
        let (code, _, stderr) = kubeplay(&["check", "--pss-version", bad, &case("training-psp.yaml")]);
        assert_eq!(code, 2, "{bad}: {stderr}");
    }
}

#[test]
fn workload_templates_get_an_entry_with_kind_in_the_id() {
    let (_, out) = json(&["check", "--format", "json", &case("namespace-enforce.yaml")]);
    let ids: Vec<&str> = out["workloads"].as_array().expect("array").iter().filter_map(|w| w["id"].as_str()).collect();
    assert_eq!(ids, ["prod/good", "prod/bad", "prod/web[Deployment]"]);
    let web = &out["workloads"][2];
    assert_eq!(web["pss"]["baseline"]["failing"], serde_json::json!(["hostPathVolumes"]));
    assert!(
        web["pss"]["restricted"]["failing"].as_array().is_some_and(|a| a.contains(&Value::from("restrictedVolumes")))
    );
}

/// The properties SARIF 2.1.0's schema requires (sarif-schema-2.1.0.json:
/// `sarifLog` requires version and runs; `run` requires tool; `tool` requires
/// driver; `toolComponent` requires name; `reportingDescriptor` requires id;
/// `result` requires message; `message` needs text; `region.startLine` ≥ 1).
#[test]
fn sarif_output_has_the_structure_the_2_1_0_schema_requires() {
    let files: Vec<String> = [
        "training-psp.yaml",
        "namespace-enforce.yaml",
        "best-practices.yaml",
        "training-sidecars.yaml",
        "netpol-coverage.yaml",
        "psp-mutating-wins.yaml",
    ]
    .iter()
    .map(|f| case(f))
    .collect();
    let mut args = vec!["check", "--format", "sarif"];
    args.extend(files.iter().map(String::as_str));
    let (_, sarif) = json(&args);
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().is_some_and(|s| s.contains("sarif") && s.contains("2.1.0")));
    let runs = sarif["runs"].as_array().expect("runs");
    assert_eq!(runs.len(), 1);
    let driver = &runs[0]["tool"]["driver"];
    assert_eq!(driver["name"], "kubeplay");
    let rules = driver["rules"].as_array().expect("rules");
    let rule_ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().expect("rule id")).collect();
    assert!(rule_ids.contains(&"pss/allowPrivilegeEscalation") && rule_ids.contains(&"sidecar-shared-volume-writable"));
    let results = runs[0]["results"].as_array().expect("results");
    assert!(!results.is_empty());
    for r in results {
        let rule_id = r["ruleId"].as_str().expect("ruleId");
        assert!(rule_ids.contains(&rule_id), "result rule {rule_id} is declared");
        assert!(["error", "warning", "note", "none"].contains(&r["level"].as_str().expect("level")));
        assert!(r["message"]["text"].as_str().is_some_and(|t| !t.is_empty()));
        let locations = r["locations"].as_array().expect("locations");
        assert!(!locations.is_empty());
        let physical = &locations[0]["physicalLocation"];
        assert!(physical["artifactLocation"]["uri"].as_str().is_some_and(|u| u.ends_with(".yaml")));
        assert!(physical["region"]["startLine"].as_u64().is_some_and(|l| l >= 1));
    }
    // Baseline violations are errors; restricted-only ones are warnings.
    let level_of = |rule: &str| results.iter().find(|r| r["ruleId"] == rule).map(|r| r["level"].clone());
    assert_eq!(level_of("pss/privileged"), Some(Value::from("error")));
    assert_eq!(level_of("pss/allowPrivilegeEscalation"), Some(Value::from("warning")));
}

/// The OASIS SARIF 2.1.0 JSON schema (draft-07), as the `serde-sarif` crate ships it
/// in its package (`src/schema.json`, which its build script reads). A dev-dependency
/// pinned to one version, so building this test has unpacked it in cargo's registry
/// sources; nothing is downloaded when the test runs. (Not `cargo metadata
/// --offline`: that resolves the whole workspace, and on a machine where only the
/// default members were ever built it stops at the web crate's undownloaded
/// dependencies.)
fn sarif_schema() -> serde_json::Value {
    let cargo_home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".cargo")))
        .expect("CARGO_HOME or HOME is set");
    let sources = cargo_home.join("registry/src");
    let dir: PathBuf = std::fs::read_dir(&sources)
        .unwrap_or_else(|e| panic!("cargo's registry sources at {}: {e}", sources.display()))
        .filter_map(Result::ok)
        .map(|registry| registry.path().join("serde-sarif-0.8.0"))
        .find(|dir| dir.join("Cargo.toml").is_file())
        .expect("serde-sarif 0.8.0, a dev-dependency of kubeplay-cli, is unpacked in cargo's registry sources");
    let text = std::fs::read_to_string(dir.join("src/schema.json")).expect("serde-sarif ships src/schema.json");
    let schema: Value = serde_json::from_str(&text).expect("schema JSON");
    assert_eq!(schema["title"], "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema");
    assert_eq!(schema["$schema"], "http://json-schema.org/draft-07/schema#");
    schema
}

/// Compiles the schema with boon (draft-07, format assertions on, no loader for
/// http: `$ref`s are all local) and returns a validator.
fn sarif_validator() -> impl Fn(&Value) -> Result<(), String> {
    let schema = sarif_schema();
    let id = schema["$id"].as_str().expect("schema $id").to_owned();
    let mut compiler = boon::Compiler::new();
    compiler.enable_format_assertions();
    compiler.add_resource(&id, schema).expect("add schema");
    let mut schemas = boon::Schemas::new();
    let index = compiler.compile(&id, &mut schemas).unwrap_or_else(|e| panic!("schema compiles: {e:#}"));
    move |log: &Value| schemas.validate(log, index).map_err(|e| format!("{e:#}"))
}

#[test]
fn sarif_output_validates_against_the_full_sarif_2_1_0_schema() {
    let validate = sarif_validator();
    // Every security case, one at a time and all in one log.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/cases/security");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("cases dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert!(files.len() >= 10);
    let mut runs = vec![files.clone()];
    runs.extend(files.iter().map(|f| vec![f.clone()]));
    for run in &runs {
        let mut args = vec!["check", "--format", "sarif"];
        args.extend(run.iter().map(String::as_str));
        let (_, sarif) = json(&args);
        if let Err(e) = validate(&sarif) {
            panic!("SARIF of {run:?} is not valid SARIF 2.1.0:\n{e}");
        }
    }
    // File names that are not URI references as they stand: space, `#`, non-ASCII,
    // a colon in the first segment, and standard input.
    let tmp = std::env::temp_dir().join(format!("kubeplay-sarif-{}", std::process::id()));
    let odd = tmp.join("dir with space").join("a:b #1 é.yaml");
    std::fs::create_dir_all(odd.parent().expect("parent")).expect("temp dir");
    std::fs::copy(case("training-psp.yaml"), &odd).expect("copy case");
    let (_, sarif) = json(&["check", "--format", "sarif", &odd.to_string_lossy()]);
    let _ = std::fs::remove_dir_all(&tmp);
    validate(&sarif).unwrap_or_else(|e| panic!("odd file name:\n{e}"));
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone();
    assert!(uri.as_str().is_some_and(|u| u.ends_with("/dir%20with%20space/a%3Ab%20%231%20%C3%A9.yaml")), "{uri}");
    let stdin = std::fs::read(case("training-psp.yaml")).expect("case");
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubeplay"))
        .args(["check", "--format", "sarif", "-"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run kubeplay");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), &stdin).expect("write stdin");
    let out = child.wait_with_output().expect("kubeplay output");
    let sarif: Value = serde_json::from_slice(&out.stdout).expect("SARIF JSON");
    validate(&sarif).unwrap_or_else(|e| panic!("standard input:\n{e}"));

    // The validator does reject what the schema forbids (not a vacuous pass).
    let (_, mut sarif) = json(&["check", "--format", "sarif", &case("training-psp.yaml")]);
    assert!(validate(&sarif).is_ok());
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = Value::from(0);
    assert!(validate(&sarif).is_err(), "startLine 0 is below the schema's minimum");
    sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = Value::from(1);
    sarif["runs"][0]["results"][0]["level"] = Value::from("critical");
    assert!(validate(&sarif).is_err(), "level is an enum");
}

#[test]
fn text_output_explains_pss_admission_and_psp() {
    let (code, stdout, _) = kubeplay(&["check", &case("training-psp.yaml")]);
    assert_eq!(code, 1);
    assert!(stdout.contains("default/secure-app"));
    assert!(stdout.contains("baseline   pass"));
    assert!(
        stdout.contains("restricted FAIL allowPrivilegeEscalation, capabilities_restricted, seccompProfile_restricted")
    );
    assert!(stdout.contains(TRAINING_RESTRICTED_MESSAGE));
    assert!(stdout.contains("PodSecurityPolicy: pods \"secure-app\" is forbidden: PodSecurityPolicy: unable to admit pod: [pod.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]: Forbidden: seccomp may not be set pod.metadata.annotations[container.seccomp.security.alpha.kubernetes.io/app]: Forbidden: seccomp may not be set]"));
    assert!(stdout.contains("spec.seLinux.rule: Unsupported value"));
}

#[test]
fn analyze_report_carries_the_security_section() {
    let (_, report) = json(&["analyze", "--format", "json", &case("training-psp.yaml")]);
    let security = &report["security"];
    assert_eq!(security["pss_version"], "latest");
    assert_eq!(security["workloads"][0]["id"], "default/secure-app");
    assert_eq!(security["workloads"][0]["restricted"]["message"], TRAINING_RESTRICTED_MESSAGE);
    assert!(security["psp_migration"].as_array().is_some_and(|rows| {
        rows.iter().any(|r| r["field"] == "requiredDropCapabilities" && r["checks"][0] == "capabilities_restricted")
    }));
}
