//! Verified fixes on random clusters: every proposed fix, applied by this test
//! to the manifest text as written (an RFC 6902 patch on the object's YAML
//! document, or a new document), must give the wanted verdict under the
//! independent reference evaluator, and its side effects must be exactly the
//! other in-cluster pairs whose verdict on that port changes. Fixes come in
//! the documented order.

use kubeplay_core::netpol::fix::{FixQuery, FixReport, apply_patch, fix};
use kubeplay_core::netpol::{NetpolOptions, Protocol};
use kubeplay_core::{Input, Severity, load};
use kubeplay_tests::netpol_mutate::{documents, join};
use kubeplay_tests::netpol_random::{Rng, random_cluster};
use kubeplay_tests::netpol_ref::{RefProbe, ref_probe};
use serde_json::Value;

fn inventory(yaml: &str) -> kubeplay_core::model::Inventory {
    let loading = load(&[Input::new("random.yaml", yaml)]);
    let errors: Vec<&str> =
        loading.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.message.as_str()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{yaml}");
    loading.inventory
}

/// `namespace/name[Kind]` or `name[Kind]` of a document.
fn object_id(doc: &Value) -> String {
    let kind = doc["kind"].as_str().unwrap_or("");
    let name = doc["metadata"]["name"].as_str().unwrap_or("");
    if kind == "Namespace" {
        format!("{name}[{kind}]")
    } else {
        format!("{}/{name}[{kind}]", doc["metadata"]["namespace"].as_str().unwrap_or("default"))
    }
}

fn cell(probe: &RefProbe, from: &str, to: &str) -> bool {
    let i = probe.pods.iter().position(|p| p == from).expect("source in probe");
    let j = probe.pods.iter().position(|p| p == to).expect("destination in probe");
    probe.allowed[i][j]
}

fn check(yaml: &str, query: &FixQuery, report: &FixReport, label: &str) -> usize {
    let before = ref_probe(&inventory(yaml), query.port, query.protocol.as_str(), &[]).unwrap();
    assert_eq!(report.now, cell(&before, &query.from, &query.to), "{label}: now");
    let keys: Vec<(usize, usize, usize)> = report
        .fixes
        .iter()
        .map(|f| (f.side_effects.len(), f.patch.len(), serde_json::to_string(&f.patch).unwrap().len()))
        .collect();
    assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{label}: fixes out of order {keys:?}");
    if report.now == report.want {
        assert!(report.fixes.is_empty(), "{label}: fixes for a verdict already reached");
    }
    for f in &report.fixes {
        let mut docs = documents(yaml);
        match docs.iter().position(|d| object_id(d) == f.object) {
            Some(index) => {
                assert!(f.file.is_some() && f.line.is_some(), "{label}: {} has no place", f.object);
                docs[index] = apply_patch(&docs[index], &f.patch)
                    .unwrap_or_else(|| panic!("{label}: patch does not apply to {}: {:?}", f.object, f.patch));
            }
            None => {
                assert_eq!((f.file.as_ref(), f.line), (None, None), "{label}: new {} with a place", f.object);
                let new = apply_patch(&serde_json::json!({}), &f.patch).expect("patch applies to {}");
                assert_eq!(object_id(&new), f.object, "{label}");
                docs.push(new);
            }
        }
        let patched = join(&docs);
        let after = ref_probe(&inventory(&patched), query.port, query.protocol.as_str(), &[]).unwrap();
        assert_eq!(cell(&after, &query.from, &query.to), query.want, "{label}: {:?} does not reach it", f.kind);
        // Side effects: every other cluster pair whose verdict changed.
        let mut changed = Vec::new();
        for (i, from) in before.pods.iter().enumerate() {
            for (j, to) in before.pods.iter().enumerate() {
                if i == j || (from == &query.from && to == &query.to) {
                    continue;
                }
                let (x, y) = (before.allowed[i][j], cell(&after, from, to));
                if x != y {
                    changed.push((from.clone(), to.clone(), x, y));
                }
            }
        }
        let listed: Vec<(String, String, bool, bool)> = f
            .side_effects
            .iter()
            .map(|e| {
                assert_eq!((e.port, e.protocol), (query.port, query.protocol), "{label}");
                (e.source.clone(), e.destination.clone(), e.before, e.after)
            })
            .collect();
        assert_eq!(listed, changed, "{label}: side effects of {:?} {:?}", f.kind, f.patch);
    }
    report.fixes.len()
}

#[test]
fn every_fix_reaches_the_wanted_verdict_under_the_reference_evaluator() {
    let (mut queries, mut fixes, mut allow_fixed, mut deny_fixed) = (0, 0, 0, 0);
    for seed in 0..150 {
        let yaml = random_cluster(seed);
        let inventory = inventory(&yaml);
        let probe = ref_probe(&inventory, 80, "TCP", &[]).unwrap();
        if probe.pods.len() < 2 {
            continue;
        }
        let mut rng = Rng::new(seed ^ 0xF1C5);
        for _ in 0..2 {
            let i = rng.below(probe.pods.len());
            let j = (i + 1 + rng.below(probe.pods.len() - 1)) % probe.pods.len();
            let port = *rng.pick(&[53u16, 80, 81, 443, 8080, 9090]);
            let protocol = *rng.pick(&[Protocol::TCP, Protocol::UDP, Protocol::SCTP]);
            let want = rng.chance(50);
            let query = FixQuery { from: probe.pods[i].clone(), to: probe.pods[j].clone(), port, protocol, want };
            let report = fix(&inventory, &NetpolOptions::default(), &query).unwrap();
            let label = format!("seed {seed} {} → {} {port}/{protocol} want {want}", query.from, query.to);
            let count = check(&yaml, &query, &report, &label);
            queries += 1;
            fixes += count;
            if report.now != want && count > 0 {
                if want { allow_fixed += 1 } else { deny_fixed += 1 }
            }
        }
    }
    assert!(queries > 250, "{queries}");
    assert!(allow_fixed > 20 && deny_fixed > 20, "allow {allow_fixed}, deny {deny_fixed}, {fixes} fixes");
}
