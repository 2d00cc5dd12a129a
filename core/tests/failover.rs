//! The traffic lab (`core/src/resilience/traffic`) against
//! `docs/semantics/multi-region.md`: the §9 story in both modes with its
//! Kubernetes column (the disruption lab's events), and the rules of
//! §4–§7 as `kubeplay failover` scenarios (`cases/failover/scenarios.yaml`),
//! Envoy's priority load and Istio's locality priorities transcribed from
//! their tests, outlier ejection's cap, and the N+1 finding in `analyze`.

use std::collections::BTreeMap;

use kubeplay_core::resilience::traffic::mesh::{self, LocalityPolicy, MeshHost};
use kubeplay_core::resilience::traffic::{Ratio, failover};
use serde::Deserialize;
use serde_json::Value;

fn case_file(name: &str) -> String {
    let path = format!("{}/tests/cases/failover/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---------------------------------------------------------------- scenarios

#[derive(Deserialize)]
struct Scenarios {
    bases: BTreeMap<String, String>,
    cases: Vec<Scenario>,
}

#[derive(Deserialize)]
struct Scenario {
    name: String,
    #[serde(default)]
    base: Option<String>,
    manifests: String,
    #[serde(default)]
    expect: Option<serde_yaml::Value>,
    #[serde(default)]
    error: Option<String>,
    /// Events of `cluster.events` that must occur, in this order.
    #[serde(default, rename = "clusterEvents")]
    cluster_events: Vec<serde_yaml::Value>,
    /// Event types that must not occur in `cluster.events`.
    #[serde(default, rename = "noClusterEvents")]
    no_cluster_events: Vec<String>,
}

fn scenarios() -> Scenarios {
    serde_yaml::from_str(&case_file("scenarios.yaml")).unwrap()
}

fn manifests_of(scenarios: &Scenarios, case: &Scenario) -> String {
    let base = case.base.as_ref().map(|b| scenarios.bases[b].clone()).unwrap_or_default();
    format!("{base}{}", case.manifests)
}

/// `expected` is a part of `actual`: the keys of every object given, lists of
/// the same length item by item; `timeline` entries matched by `t`.
fn assert_part(expected: &Value, actual: &Value, path: &str, failures: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(have)) => {
            for (key, value) in want {
                let child = format!("{path}.{key}");
                match have.get(key) {
                    None => failures.push(format!("{child}: missing")),
                    Some(have_value) if key == "timeline" => assert_timeline(value, have_value, &child, failures),
                    Some(have_value) => assert_part(value, have_value, &child, failures),
                }
            }
            // An object given in full (no key) must be empty.
            if want.is_empty() && !have.is_empty() {
                failures.push(format!("{path}: expected {{}}, got {actual}"));
            }
        }
        (Value::Array(want), Value::Array(have)) => {
            if want.len() != have.len() {
                failures.push(format!("{path}: expected {} items, got {}: {actual}", want.len(), have.len()));
                return;
            }
            for (index, (w, h)) in want.iter().zip(have).enumerate() {
                assert_part(w, h, &format!("{path}[{index}]"), failures);
            }
        }
        (Value::Number(w), Value::Number(h)) if w.as_f64() == h.as_f64() => {}
        _ if expected == actual => {}
        _ => failures.push(format!("{path}: expected {expected}, got {actual}")),
    }
}

fn assert_timeline(expected: &Value, actual: &Value, path: &str, failures: &mut Vec<String>) {
    let (Some(want), Some(have)) = (expected.as_array(), actual.as_array()) else {
        failures.push(format!("{path}: not a list"));
        return;
    };
    for entry in want {
        let t = &entry["t"];
        match have.iter().find(|h| &h["t"] == t) {
            Some(found) => assert_part(entry, found, &format!("{path}[t={t}]"), failures),
            None => failures.push(format!("{path}: no entry at t={t}")),
        }
    }
}

/// `clusterEvents` occur in `events` in their order, each matching the keys it
/// gives; no event has a type of `noClusterEvents`.
fn assert_events(case: &Scenario, events: &Value, failures: &mut Vec<String>) {
    let events = events.as_array().map(Vec::as_slice).unwrap_or_default();
    let mut next = 0;
    for wanted in &case.cluster_events {
        let wanted: Value = serde_json::to_value(wanted).unwrap();
        let matches = |event: &Value| {
            let mut mismatches = Vec::new();
            assert_part(&wanted, event, "", &mut mismatches);
            mismatches.is_empty()
        };
        match events[next..].iter().position(matches) {
            Some(offset) => next += offset + 1,
            None => failures.push(format!("{}: no event {wanted} after event {next} in {events:?}", case.name)),
        }
    }
    for event in events {
        if case.no_cluster_events.iter().any(|kind| event["type"] == kind.as_str()) {
            failures.push(format!("{}: unexpected event {event}", case.name));
        }
    }
}

#[test]
fn scenarios_follow_the_semantics() {
    let scenarios = scenarios();
    let mut failures = Vec::new();
    for case in &scenarios.cases {
        let text = manifests_of(&scenarios, case);
        let inputs = [kubeplay_core::Input::new("manifests.yaml", &text)];
        match (failover(&inputs), &case.error, &case.expect) {
            (Ok((report, _)), None, Some(expect)) => {
                let expected: Value = serde_json::to_value(expect).unwrap();
                let actual = report.to_json();
                assert_part(&expected, &actual, &case.name, &mut failures);
                assert_events(case, &actual["cluster"]["events"], &mut failures);
            }
            (Err(message), Some(error), None) => {
                if &message != error {
                    failures.push(format!("{}: expected error {error:?}, got {message:?}", case.name));
                }
            }
            (Ok(_), Some(error), _) => failures.push(format!("{}: expected error {error:?}, got a report", case.name)),
            (Err(message), None, _) => failures.push(format!("{}: unexpected error {message:?}", case.name)),
            _ => failures.push(format!("{}: a case needs exactly one of expect and error", case.name)),
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

/// §9's checkable claims, derived from the Proxy and DNS timelines second by
/// second: 2 500 failed requests with a proxy against 30 000 with DNS.
#[test]
fn seed_story_failed_requests_while_failing_over() {
    let scenarios = scenarios();
    for (name, expected) in [("seed-story-proxy", 2_500), ("seed-story-dns", 30_000)] {
        let case = scenarios.cases.iter().find(|c| c.name == name).unwrap();
        let text = manifests_of(&scenarios, case).replace("observeAt: [", "observeAt: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 58, 59, 60, 61, 62, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100, 101, 102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 126, 127, 128, 129, 130, 131, 132, 133, 134, 135, 136, 137, 138, 139, 140, 141, 142, 143, 144, 145, 146, 147, 148, 149, 150, 151, ");
        let (report, _) = failover(&[kubeplay_core::Input::new("story.yaml", &text)]).unwrap();
        let failing = |t: i64| -> Ratio {
            let observation = report.timeline.iter().find(|o| o.t == t).unwrap();
            observation.routing.iter().map(|r| r.error_rps + r.unserved_rps).sum()
        };
        // Until detection the errors are constant per second; after it (DNS)
        // they fall linearly as resolver caches expire, so each second counts
        // the mean of its two ends.
        let detected = report.failover[0].detected_at;
        let complete = report.failover[0].complete_by;
        let before: Ratio = (0..detected).map(failing).sum();
        let during: Ratio = (detected..complete).map(|t| (failing(t) + failing(t + 1)) / Ratio::int(2)).sum();
        assert_eq!(failing(complete), Ratio::ZERO, "{name}: nothing fails once failover is complete");
        assert_eq!(before + during, Ratio::int(expected), "{name}");
    }
}

// ---------------------------------------------------------------- Envoy and Istio

#[derive(Deserialize)]
struct LoadCase {
    name: String,
    levels: Vec<(u64, u64)>,
    #[serde(rename = "panicThreshold")]
    panic_threshold: u64,
    load: Vec<u64>,
    panic: Vec<bool>,
}

#[test]
fn envoy_priority_load_matches_upstream_tests() {
    #[derive(Deserialize)]
    struct File {
        cases: Vec<LoadCase>,
    }
    let file: File = serde_yaml::from_str(&case_file("envoy_priority_load.yaml")).unwrap();
    for case in file.cases {
        let result = mesh::priority_loads(&case.levels, case.panic_threshold);
        let load: Vec<u64> = result.iter().map(|(_, l, _)| *l).collect();
        let panic: Vec<bool> = result.iter().map(|(_, _, p)| *p).collect();
        assert_eq!((load, panic), (case.load.clone(), case.panic.clone()), "{}", case.name);
        assert_eq!(result.iter().map(|(_, l, _)| l).sum::<u64>(), 100, "{}: loads add up to 100", case.name);
    }
}

#[derive(Deserialize, Clone, Default)]
struct HostSpec {
    #[serde(default)]
    name: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    zone: String,
    #[serde(default)]
    subzone: String,
    #[serde(default)]
    labels: BTreeMap<String, String>,
}

impl HostSpec {
    fn host(&self, failing: bool) -> MeshHost {
        MeshHost {
            name: self.name.clone(),
            region: self.region.clone(),
            zone: self.zone.clone(),
            subzone: self.subzone.clone(),
            labels: self.labels.clone(),
            failing,
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PriorityCase {
    name: String,
    hosts: Vec<HostSpec>,
    #[serde(default)]
    failover: Vec<(String, String)>,
    #[serde(default)]
    failover_priority: Vec<String>,
    #[serde(default)]
    enabled: Option<bool>,
    #[serde(default)]
    outlier_detection: Option<bool>,
    #[serde(default)]
    client_labels: BTreeMap<String, String>,
    priorities: Vec<usize>,
}

#[test]
fn istio_locality_priorities_match_upstream_tests() {
    #[derive(Deserialize)]
    struct File {
        client: HostSpec,
        cases: Vec<PriorityCase>,
    }
    let file: File = serde_yaml::from_str(&case_file("istio_priorities.yaml")).unwrap();
    for case in file.cases {
        let policy = LocalityPolicy {
            outlier_detection: case.outlier_detection.unwrap_or(true),
            enabled: case.enabled,
            failover: case.failover.clone(),
            failover_priority: case.failover_priority.clone(),
            ..Default::default()
        };
        let client = HostSpec { labels: case.client_labels.clone(), ..file.client.clone() }.host(false);
        let hosts: Vec<MeshHost> = case.hosts.iter().map(|h| h.host(false)).collect();
        let priorities = mesh::compact(&mesh::raw_priorities(&policy, &client, &hosts));
        assert_eq!(priorities, case.priorities, "{}", case.name);
    }
}

#[test]
fn outlier_ejection_is_capped_by_max_ejection_percent() {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Case {
        name: String,
        hosts: usize,
        failing: Vec<usize>,
        #[serde(default)]
        max_ejection_percent: Option<u64>,
        #[serde(default)]
        outlier_detection: Option<bool>,
        ejected: Vec<usize>,
    }
    #[derive(Deserialize)]
    struct File {
        cases: Vec<Case>,
    }
    let file: File = serde_yaml::from_str(&case_file("outlier_ejection.yaml")).unwrap();
    for case in file.cases {
        let policy = LocalityPolicy {
            outlier_detection: case.outlier_detection.unwrap_or(true),
            max_ejection_percent: case.max_ejection_percent,
            ..Default::default()
        };
        let hosts: Vec<MeshHost> = (0..case.hosts)
            .map(|i| HostSpec { name: format!("host-{i:02}"), ..Default::default() }.host(case.failing.contains(&i)))
            .collect();
        assert_eq!(mesh::ejected(&policy, &hosts), case.ejected, "{}", case.name);
    }
}

// ---------------------------------------------------------------- the finding

#[test]
fn analyze_reports_the_n_plus_one_shortfall_on_the_global_load_balancer() {
    let scenarios = scenarios();
    let case = scenarios.cases.iter().find(|c| c.name == "seed-story-proxy").unwrap();
    let text = manifests_of(&scenarios, case);
    let report = kubeplay_core::analyze(&[kubeplay_core::Input::new("story.yaml", &text)]);
    let findings: Vec<_> = report.diagnostics.iter().filter(|d| d.code == "glb-n-plus-one").collect();
    assert_eq!(findings.len(), 2, "one per region that could fail: {findings:#?}");
    let east = findings.iter().find(|d| d.message.starts_with("if region east fails")).unwrap();
    assert_eq!(
        east.message,
        "if region east fails, west can carry 300 of the 450 rps users send: 150 rps short (N+1). \
         Ready endpoints each surviving region needs to carry an equal share of all demand: west 5 (has 3)"
    );
    assert_eq!(east.area, kubeplay_core::Area::Resilience);
    assert_eq!(east.severity, kubeplay_core::Severity::Warning);
    assert_eq!(east.location.path.as_deref(), Some("spec.backends[0]"));
    let glb_line = text.lines().position(|l| l.contains("- {region: east, service")).unwrap() + 1;
    assert_eq!(east.location.span.line, glb_line);
    assert!(east.fix.as_deref().unwrap().contains("replicas: 5"), "{:?}", east.fix);

    // Sized N+1 (5 per region), the finding is gone.
    let sized = text.replace("replicas: 3", "replicas: 5");
    let report = kubeplay_core::analyze(&[kubeplay_core::Input::new("story.yaml", &sized)]);
    assert!(report.diagnostics.iter().all(|d| d.code != "glb-n-plus-one"), "{:#?}", report.diagnostics);
}

#[test]
fn analyze_locates_invalid_global_load_balancers() {
    let text =
        "apiVersion: kubeplay.dev/v1alpha1\nkind: GlobalLoadBalancer\nmetadata: {name: g}\nspec:\n  mode: Anycast\n";
    let report = kubeplay_core::analyze(&[kubeplay_core::Input::new("glb.yaml", text)]);
    let error = report.diagnostics.iter().find(|d| d.code == "glb-invalid-field").unwrap();
    assert_eq!(error.message, "GlobalLoadBalancer spec.mode must be Proxy or DNS, got Anycast");
    assert_eq!((error.location.span.line, error.location.path.as_deref()), (5, Some("spec.mode")));
}

#[test]
fn destination_rules_load_in_every_served_version_without_unknown_field_warnings() {
    for version in ["v1", "v1beta1", "v1alpha3"] {
        let text = format!(
            "apiVersion: networking.istio.io/{version}\nkind: DestinationRule\nmetadata: {{name: r, namespace: s}}\nspec:\n  host: r\n  subsets: [{{name: v1, labels: {{version: v1}}}}]\n  trafficPolicy:\n    connectionPool: {{http: {{maxRequestsPerConnection: 1}}}}\n    outlierDetection: {{consecutive5xxErrors: 1, interval: 1s}}\n"
        );
        let loading = kubeplay_core::load(&[kubeplay_core::Input::new("dr.yaml", &text)]);
        assert_eq!(loading.inventory.objects.len(), 1, "{version}: {:#?}", loading.diagnostics);
        assert!(loading.diagnostics.is_empty(), "{version}: {:#?}", loading.diagnostics);
    }
}
