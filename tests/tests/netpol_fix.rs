//! Verified fixes on random clusters: every proposed fix, applied by this test
//! to the manifest text as written (an RFC 6902 patch on the object's YAML
//! document, or a new document), must give the wanted verdict under the
//! independent reference evaluator, and its side effects must be exactly the
//! other in-cluster pairs whose verdict on that port changes. Fixes come in
//! the documented order. The page's edit of the text (`netpol::apply`) exists
//! for every fix and gives the same truth table as the patched documents.

use kubeplay_core::netpol::apply::apply_fix;
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
    let loaded = inventory(yaml);
    let loading = load(&[Input::new("random.yaml", yaml)]);
    let before = ref_probe(&loaded, query.port, query.protocol.as_str(), &[]).unwrap();
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
        let edited = apply_fix(yaml, "random.yaml", &loading, f)
            .unwrap_or_else(|| panic!("{label}: no text edit for {:?} {:?}", f.kind, f.patch));
        let through_text = ref_probe(&inventory(&edited), query.port, query.protocol.as_str(), &[]).unwrap();
        assert_eq!(
            (&through_text.pods, &through_text.allowed),
            (&after.pods, &after.allowed),
            "{label}: the text edit for {:?} differs from the patch",
            f.kind
        );
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
            .to_vec()
            .into_iter()
            .map(|e| {
                assert_eq!((e.port, e.protocol), (query.port, query.protocol), "{label}");
                (e.source.to_string(), e.destination.to_string(), e.before, e.after)
            })
            .collect();
        assert_eq!(listed, changed, "{label}: side effects of {:?} {:?}", f.kind, f.patch);
        assert_eq!(f.side_effects.len(), listed.len(), "{label}: the count of side effects of {:?}", f.kind);
    }
    report.fixes.len()
}

#[test]
fn every_fix_reaches_the_wanted_verdict_under_the_reference_evaluator() {
    let (mut queries, mut fixes, mut allow_fixed, mut deny_fixed) = (0, 0, 0, 0);
    for seed in 0..100 {
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
    assert!(queries > 150, "{queries}");
    assert!(allow_fixed > 15 && deny_fixed > 15, "allow {allow_fixed}, deny {deny_fixed}, {fixes} fixes");
}

/// Every single edit of a small space: one label set (any key and value of the
/// generator's vocabulary) or removed on any pod, workload template or
/// declared namespace, or one rule removed; with the reference evaluator's
/// verdict and side-effect count for each.
fn exhaustive_single_edits(yaml: &str, query: &FixQuery) -> Vec<(String, usize)> {
    let docs = documents(yaml);
    let loaded = inventory(yaml);
    let before = ref_probe(&loaded, query.port, query.protocol.as_str(), &[]).unwrap();
    let mut out = Vec::new();
    let mut try_edit = |description: String, edited: Vec<Value>| {
        let patched = join(&edited);
        let loading = load(&[Input::new("random.yaml", &patched)]);
        if loading.diagnostics.iter().any(|d| d.severity == Severity::Error) {
            return;
        }
        let after = ref_probe(&loading.inventory, query.port, query.protocol.as_str(), &[]).unwrap();
        if !after.pods.contains(&query.from) || !after.pods.contains(&query.to) {
            return;
        }
        if cell(&after, &query.from, &query.to) != query.want {
            return;
        }
        let mut effects = 0;
        for (i, from) in before.pods.iter().enumerate() {
            for (j, to) in before.pods.iter().enumerate() {
                if i != j && !(from == &query.from && to == &query.to) && before.allowed[i][j] != cell(&after, from, to)
                {
                    effects += 1;
                }
            }
        }
        out.push((description, effects));
    };
    for (index, doc) in docs.iter().enumerate() {
        let kind = doc["kind"].as_str().unwrap_or("");
        let pointer = match kind {
            "Pod" | "Namespace" => "/metadata/labels",
            "Deployment" | "StatefulSet" | "DaemonSet" => "/spec/template/metadata/labels",
            "NetworkPolicy" => {
                for direction in ["ingress", "egress"] {
                    for rule in 0..doc["spec"][direction].as_array().map_or(0, Vec::len) {
                        let mut edited = docs.clone();
                        edited[index]["spec"][direction].as_array_mut().unwrap().remove(rule);
                        try_edit(format!("{} remove {direction}[{rule}]", object_id(doc)), edited);
                    }
                }
                continue;
            }
            _ => continue,
        };
        let labels = doc.pointer(pointer).cloned().unwrap_or(Value::Object(Default::default()));
        for key in ["app", "tier", "env", "team"] {
            for value in ["a", "b", "c"] {
                let mut edited = docs.clone();
                let mut map = labels.as_object().cloned().unwrap_or_default();
                map.insert(key.to_owned(), Value::from(value));
                *edited[index]
                    .pointer_mut(pointer.rsplit_once('/').unwrap().0)
                    .unwrap()
                    .as_object_mut()
                    .unwrap()
                    .entry("labels")
                    .or_insert(Value::Null) = Value::Object(map);
                try_edit(format!("{} set {key}={value}", object_id(doc)), edited);
            }
            if labels.get(key).is_some() {
                let mut edited = docs.clone();
                edited[index].pointer_mut(pointer).unwrap().as_object_mut().unwrap().remove(key);
                try_edit(format!("{} remove {key}", object_id(doc)), edited);
            }
        }
    }
    out
}

/// Minimality: on small clusters, no single edit of the exhaustive space
/// reaches the wanted verdict with fewer side effects than the first fix, and
/// when one reaches it at all, fixes are proposed.
#[test]
fn the_first_fix_has_no_more_side_effects_than_any_single_edit() {
    let mut compared = 0;
    for seed in 0..60 {
        let yaml = random_cluster(seed);
        let inventory = inventory(&yaml);
        let probe = ref_probe(&inventory, 80, "TCP", &[]).unwrap();
        if probe.pods.len() < 2 {
            continue;
        }
        let mut rng = Rng::new(seed ^ 0x3141);
        for _ in 0..2 {
            let i = rng.below(probe.pods.len());
            let j = (i + 1 + rng.below(probe.pods.len() - 1)) % probe.pods.len();
            let port = *rng.pick(&[80u16, 81, 443, 8080]);
            let protocol = *rng.pick(&[Protocol::TCP, Protocol::UDP]);
            let want = rng.chance(50);
            let query = FixQuery { from: probe.pods[i].clone(), to: probe.pods[j].clone(), port, protocol, want };
            let report = fix(&inventory, &NetpolOptions::default(), &query).unwrap();
            if report.now == want {
                continue;
            }
            let label = format!("seed {seed} {} → {} {port}/{protocol} want {want}", query.from, query.to);
            let edits = exhaustive_single_edits(&yaml, &query);
            let Some(best) = edits.iter().min_by_key(|(_, n)| *n) else { continue };
            let first = report.fixes.first().unwrap_or_else(|| panic!("{label}: no fix, but `{}` reaches it", best.0));
            assert!(
                first.side_effects.len() <= best.1,
                "{label}: first fix {:?} has {} side effects, `{}` has {}",
                first.patch,
                first.side_effects.len(),
                best.0,
                best.1
            );
            compared += 1;
        }
    }
    assert!(compared > 12, "only {compared} queries compared");
}
