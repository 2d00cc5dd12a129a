//! Data-driven security cases: every `tests/cases/security/X.yaml` is analysed and
//! compared with the expectations in `X.expect.json`. Keys (all optional per
//! workload): `baseline`/`restricted` (failing check ids, in order),
//! `restricted_message`, `admission_rejected`, `admission_rejection`,
//! `admission_warnings`, `api_warnings`, `audit_violations`, `psp_chosen`, `psp_rejection`,
//! `psp_mutations`, `psp_errors`, `psp_provider_errors` ({policy: [..]} each),
//! `psp_authorized` ({policy: bool}), `psp_access_note`,
//! `findings_include` (`id` or `id@line`), `findings_severity`,
//! `findings_message` and `findings_fix` ({id: value} of the first finding with
//! that id),
//! `findings_exclude` (ids); top level: `pss_version`, `psp_problems`,
//! `namespace_warnings` ({namespace: [lines]}), `objects` ({`ns/name[Kind]`:
//! the `findings_*` keys} for Services, budgets and autoscalers) and
//! `objects_without_findings` (ids).

use std::path::{Path, PathBuf};

use kubeplay_core::Diagnostic;
use kubeplay_core::netpol::{Engine, NetpolOptions};
use kubeplay_core::security::pss::PolicyVersion;
use kubeplay_core::security::{Options, SecuritySection, WorkloadSecurity, analyze};
use serde_json::Value;

fn cases_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("cases/security")
}

fn run_case(manifest: &Path, expect: &Value) -> SecuritySection {
    let text = std::fs::read(manifest).expect("case file");
    let name = format!("tests/cases/security/{}", manifest.file_name().unwrap_or_default().to_string_lossy());
    let loading = kubeplay_core::load(&[kubeplay_core::Input { name: &name, bytes: &text }]);
    let errors: Vec<String> = loading.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_text()).collect();
    assert!(errors.is_empty(), "{name} does not load cleanly: {errors:?}");
    let pss_version = expect
        .get("pss_version")
        .and_then(Value::as_str)
        .map_or(PolicyVersion::Latest, |v| PolicyVersion::parse(v).expect("valid pss_version"));
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    analyze(&loading.inventory, &engine, &Options { pss_version })
}

fn strings(value: &Value) -> Vec<String> {
    value.as_array().map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect()).unwrap_or_default()
}

fn check_workload(case: &str, w: &WorkloadSecurity, expect: &Value, problems: &mut Vec<String>) {
    let mut fail = |what: String| problems.push(format!("{case} {}: {what}", w.id));
    if let Some(ids) = expect.get("baseline")
        && w.baseline.failing != strings(ids)
    {
        fail(format!("baseline failing {:?}, expected {ids}", w.baseline.failing));
    }
    if let Some(ids) = expect.get("restricted")
        && w.restricted.failing != strings(ids)
    {
        fail(format!("restricted failing {:?}, expected {ids}", w.restricted.failing));
    }
    if let Some(message) = expect.get("restricted_message")
        && w.restricted.message.as_deref() != message.as_str()
    {
        fail(format!("restricted message {:?}, expected {message}", w.restricted.message));
    }
    if let Some(rejected) = expect.get("admission_rejected").and_then(Value::as_bool)
        && w.admission.rejected != rejected
    {
        fail(format!("admission rejected = {}, expected {rejected}", w.admission.rejected));
    }
    if let Some(rejection) = expect.get("admission_rejection")
        && w.admission.rejection.as_deref() != rejection.as_str()
    {
        fail(format!("admission rejection {:?}, expected {rejection}", w.admission.rejection));
    }
    if let Some(warnings) = expect.get("admission_warnings")
        && w.admission.warnings != strings(warnings)
    {
        fail(format!("admission warnings {:?}, expected {warnings}", w.admission.warnings));
    }
    if let Some(warnings) = expect.get("api_warnings")
        && w.api_warnings != strings(warnings)
    {
        fail(format!("API warnings {:?}, expected {warnings}", w.api_warnings));
    }
    if let Some(audit) = expect.get("audit_violations") {
        let got = w.admission.audit_annotations.get("pod-security.kubernetes.io/audit-violations");
        if got.map(String::as_str) != audit.as_str() {
            fail(format!("audit violations {got:?}, expected {audit}"));
        }
    }
    if let Some(chosen) = expect.get("psp_chosen") {
        let got = w.psp.as_ref().and_then(|d| d.chosen.clone());
        if got.as_deref() != chosen.as_str() {
            fail(format!("psp chosen {got:?}, expected {chosen}"));
        }
    }
    if let Some(rejection) = expect.get("psp_rejection") {
        let got = w.psp.as_ref().and_then(|d| d.rejection.clone());
        if got.as_deref() != rejection.as_str() {
            fail(format!("psp rejection {got:?}, expected {rejection}"));
        }
    }
    for (policy, expected) in expect.get("psp_authorized").and_then(Value::as_object).into_iter().flatten() {
        let got = w.psp.as_ref().and_then(|d| d.evaluations.iter().find(|e| &e.policy == policy)).map(|e| e.authorized);
        if got != expected.as_bool() {
            fail(format!("psp {policy} authorized {got:?}, expected {expected}"));
        }
    }
    if let Some(note) = expect.get("psp_access_note") {
        let got = w.psp.as_ref().and_then(|d| d.access.as_ref()).map(|a| a.note.clone());
        if got.as_deref() != note.as_str() {
            fail(format!("psp access note {got:?}, expected {note}"));
        }
    }
    for (key, what) in
        [("psp_mutations", "mutations"), ("psp_errors", "errors"), ("psp_provider_errors", "provider errors")]
    {
        for (policy, expected) in expect.get(key).and_then(Value::as_object).into_iter().flatten() {
            let got =
                w.psp.as_ref().and_then(|d| d.evaluations.iter().find(|e| &e.policy == policy)).map(|e| match key {
                    "psp_mutations" => e.mutations.clone(),
                    "psp_errors" => e.errors.clone(),
                    _ => e.provider_errors.clone(),
                });
            if got.as_ref() != Some(&strings(expected)) {
                fail(format!("psp {policy} {what} {got:?}, expected {expected}"));
            }
        }
    }
    check_findings(&w.findings, expect, &mut fail);
}

/// `findings_include`, `findings_severity`, `findings_message`, `findings_fix`
/// and `findings_exclude` against one workload's or object's findings.
fn check_findings(findings: &[Diagnostic], expect: &Value, fail: &mut impl FnMut(String)) {
    for wanted in strings(expect.get("findings_include").unwrap_or(&Value::Null)) {
        let (id, line) = match wanted.split_once('@') {
            Some((id, line)) => (id.to_owned(), line.parse::<usize>().ok()),
            None => (wanted.clone(), None),
        };
        let found = findings.iter().any(|f| f.code == id && line.is_none_or(|l| f.location.span.line == l));
        if !found {
            let have: Vec<String> = findings.iter().map(|f| format!("{}@{}", f.code, f.location.span.line)).collect();
            fail(format!("missing finding {wanted}; have {have:?}"));
        }
    }
    for (key, what) in [("findings_severity", "severity"), ("findings_message", "message"), ("findings_fix", "fix")] {
        for (id, expected) in expect.get(key).and_then(Value::as_object).into_iter().flatten() {
            let got = findings.iter().find(|f| &f.code == id).map(|f| match key {
                "findings_severity" => f.severity.as_str().to_owned(),
                "findings_fix" => f.fix.clone().unwrap_or_default(),
                _ => f.message.clone(),
            });
            if got.as_deref() != expected.as_str() {
                fail(format!("finding {id} {what} {got:?}, expected {expected}"));
            }
        }
    }
    for unwanted in strings(expect.get("findings_exclude").unwrap_or(&Value::Null)) {
        if findings.iter().any(|f| f.code == unwanted) {
            fail(format!("unexpected finding {unwanted}"));
        }
    }
}

#[test]
fn every_security_case_matches_its_expectations() {
    let mut manifests: Vec<PathBuf> = std::fs::read_dir(cases_dir())
        .expect("cases dir")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    manifests.sort();
    assert!(manifests.len() >= 5, "security cases present");
    let mut problems = Vec::new();
    for manifest in &manifests {
        let expect_path = manifest.with_extension("expect.json");
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(&expect_path).expect("expect file")).expect("expect JSON");
        let case = manifest.file_name().unwrap_or_default().to_string_lossy().to_string();
        let section = run_case(manifest, &expect);
        let expected = expect.get("workloads").and_then(Value::as_object).cloned().unwrap_or_default();
        let ids: Vec<&str> = section.workloads.iter().map(|w| w.id.as_str()).collect();
        for (id, workload_expect) in &expected {
            match section.workloads.iter().find(|w| &w.id == id) {
                Some(w) => check_workload(&case, w, workload_expect, &mut problems),
                None => problems.push(format!("{case}: no workload {id} (have {ids:?})")),
            }
        }
        // Objects that are not workloads: findings by `ns/name[Kind]`, and
        // the objects that must have none.
        for (id, object_expect) in expect.get("objects").and_then(Value::as_object).into_iter().flatten() {
            match section.objects.iter().find(|o| &o.id == id) {
                Some(o) => check_findings(&o.findings, object_expect, &mut |what| {
                    problems.push(format!("{case} {id}: {what}"));
                }),
                None => problems.push(format!("{case}: object {id} has no findings")),
            }
        }
        for id in strings(expect.get("objects_without_findings").unwrap_or(&Value::Null)) {
            if let Some(o) = section.objects.iter().find(|o| o.id == id) {
                let codes: Vec<&str> = o.findings.iter().map(|f| f.code.as_str()).collect();
                problems.push(format!("{case} {id}: unexpected findings {codes:?}"));
            }
        }
        if let Some(namespaces) = expect.get("namespace_warnings").and_then(Value::as_object) {
            for (name, expected) in namespaces {
                let got = section.namespaces.iter().find(|n| &n.name == name).map(|n| n.label_warnings.clone());
                if got.as_ref() != Some(&strings(expected)) {
                    problems.push(format!("{case}: namespace {name} label warnings {got:?}, expected {expected}"));
                }
            }
        }
        if let Some(policies) = expect.get("psp_problems").and_then(Value::as_object) {
            for (name, expected) in policies {
                let got = section.psp_policies.iter().find(|p| &p.name == name).map(|p| p.problems.clone());
                if got.as_ref() != Some(&strings(expected)) {
                    problems.push(format!("{case}: PSP {name} problems {got:?}, expected {expected}"));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
