//! Data-driven checks of the NetworkPolicy semantics, one case per rule of
//! `docs/semantics/netpol.md`: `tests/netpol/*.yaml` hold manifests and
//! expected verdicts. Each verdict is checked three ways: the class-level probe,
//! the pairwise explanation, and (for invalid policies) the diagnostics.

use std::collections::BTreeMap;

use kubeplay_core::netpol::explain::{ExplainQuery, explain};
use kubeplay_core::netpol::{Engine, NetpolOptions, ProbeQuery, Protocol, probe_engine};
use kubeplay_core::{Input, load};
use serde::Deserialize;

#[derive(Deserialize)]
struct CaseFile {
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    rule: String,
    manifests: String,
    #[serde(default)]
    ip_block_matches_pod_ips: Option<bool>,
    #[serde(default)]
    diagnostics: Vec<String>,
    #[serde(default)]
    expect: Vec<Expectation>,
}

#[derive(Deserialize)]
struct Expectation {
    port: u16,
    #[serde(default = "tcp")]
    protocol: String,
    #[serde(default)]
    externals: Vec<String>,
    #[serde(default)]
    allow: Vec<String>,
    #[serde(default)]
    deny: Vec<String>,
    /// Endpoints that must not appear at all (terminated pods, netpol.md §36).
    #[serde(default)]
    absent: Vec<String>,
}

fn tcp() -> String {
    "TCP".to_owned()
}

fn run_file(path: &std::path::Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let file: CaseFile = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut failures = Vec::new();
    for case in file.cases {
        let loading = load(&[Input::new(&case.name, &case.manifests)]);
        let load_errors: Vec<_> = loading.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_text()).collect();
        assert!(load_errors.is_empty(), "{}: manifests do not load: {load_errors:?}", case.name);
        let mut options = NetpolOptions::default();
        if let Some(flag) = case.ip_block_matches_pod_ips {
            options.ip_block_matches_pod_ips = flag;
        }
        let engine = Engine::new(&loading.inventory, &options);
        let mut codes: Vec<String> = engine.diagnostics.iter().map(|d| d.code.clone()).collect();
        codes.sort();
        codes.dedup();
        let mut expected_codes = case.diagnostics.clone();
        expected_codes.sort();
        if codes != expected_codes {
            failures.push(format!(
                "{} (rule {}): diagnostics {codes:?}, expected {expected_codes:?}",
                case.name, case.rule
            ));
        }
        for expectation in &case.expect {
            let protocol: Protocol = expectation.protocol.parse().unwrap();
            let query = ProbeQuery { port: expectation.port, protocol, externals: expectation.externals.clone() };
            let probe = probe_engine(&engine, &query);
            for id in &expectation.absent {
                if probe.pods.contains(id) {
                    failures.push(format!("{}: `{id}` should not take part", case.name));
                }
            }
            let mut sorted = probe.pods.clone();
            sorted.sort();
            assert_eq!(sorted, probe.pods, "{}: probe ids must be sorted", case.name);
            let index: BTreeMap<&str, usize> = probe.pods.iter().enumerate().map(|(i, p)| (p.as_str(), i)).collect();
            for (pairs, want) in [(&expectation.allow, true), (&expectation.deny, false)] {
                for pair in pairs {
                    let (from, to) = pair.split_once(" -> ").unwrap_or_else(|| panic!("bad pair `{pair}`"));
                    let (Some(&i), Some(&j)) = (index.get(from), index.get(to)) else {
                        failures.push(format!("{}: unknown endpoint in `{pair}`; have {:?}", case.name, probe.pods));
                        continue;
                    };
                    let got = probe.allowed[i][j];
                    if got != want {
                        failures.push(format!(
                            "{} (rule {}): {pair} on {}/{protocol}: probe says {got}, expected {want}",
                            case.name, case.rule, expectation.port
                        ));
                    }
                    let explanation = ExplainQuery::parse(&engine, from, to, expectation.port, protocol)
                        .and_then(|query| explain(&engine, &query));
                    match explanation {
                        Ok(e) if e.allowed == want => {}
                        Ok(e) => failures.push(format!(
                            "{} (rule {}): {pair} on {}/{protocol}: explain says {}, expected {want}: {}",
                            case.name, case.rule, expectation.port, e.allowed, e.summary
                        )),
                        Err(e) => failures.push(format!("{}: explain failed for {pair}: {e}", case.name)),
                    }
                }
            }
        }
    }
    failures
}

#[test]
fn every_rule_case_holds() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/netpol");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty());
    let mut failures = Vec::new();
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "yaml")) {
        failures.extend(run_file(file));
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
}
