//! The disruption lab (`core/src/resilience`) against case files in
//! `core/tests/cases/disruption/`: each `NAME.yaml` is a plain input (what
//! `kubeplay disrupt NAME.yaml` reads) and `NAME.expect.json` maps JSON
//! pointers into the report (`docs/semantics/disruption.md` §10) to the value
//! expected there; `"error"` holds the message of an invalid input. Cases
//! transcribed from upstream tests name the test in their first comment line.

use std::path::Path;

use kubeplay_core::resilience::{Options, simulate};
use kubeplay_core::{Input, load};
use serde_json::Value;

fn cases_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/disruption")
}

/// The report as JSON, or `{"error": message}`.
fn run(file: &Path) -> Value {
    let text = std::fs::read(file).unwrap();
    let name = file.file_name().unwrap().to_string_lossy().into_owned();
    let loading = load(&[Input { name: &name, bytes: &text }]);
    if let Some(error) = loading.diagnostics.iter().find(|d| d.is_error()) {
        return serde_json::json!({ "error": error.to_text() });
    }
    match simulate(&loading.inventory, Options::default()) {
        Ok(report) => serde_json::to_value(&report).unwrap(),
        Err(error) => serde_json::json!({ "error": error.message }),
    }
}

#[test]
fn every_case_meets_its_expectations() {
    let mut files: Vec<_> = std::fs::read_dir(cases_dir())
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 15, "expected the disruption corpus, found {} files", files.len());
    let mut failures = Vec::new();
    for file in &files {
        let expect_path = file.with_extension("expect.json");
        let expect: Value = serde_json::from_str(
            &std::fs::read_to_string(&expect_path).unwrap_or_else(|e| panic!("{}: {e}", expect_path.display())),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", expect_path.display()));
        let report = run(file);
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let Value::Object(expectations) = expect else { panic!("{name}: expectations must be an object") };
        assert!(!expectations.is_empty(), "{name}: no expectation");
        for (pointer, expected) in expectations {
            let actual = if pointer == "error" { report.get("error") } else { report.pointer(&pointer) };
            if actual != Some(&expected) {
                failures.push(format!(
                    "{name} {pointer}:\n  expected {expected}\n  actual   {}",
                    actual.map_or_else(|| "(absent)".to_owned(), Value::to_string)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} expectation(s) failed:\n{}", failures.len(), failures.join("\n"));
}

/// The same input twice gives the same report: the lab is deterministic.
#[test]
fn reports_are_deterministic() {
    let file = cases_dir().join("drain-with-pdb.yaml");
    assert_eq!(run(&file), run(&file));
}

/// `analyze` reports the resilience findings, located at the field they are about.
#[test]
fn findings_are_located() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/resilience-findings/findings.yaml");
    let text = std::fs::read(&path).unwrap();
    let loading = load(&[Input { name: "findings.yaml", bytes: &text }]);
    let report = kubeplay_core::analyze_loading(&loading);
    let found: Vec<(String, usize, kubeplay_core::Area)> = report
        .diagnostics
        .iter()
        .filter(|d| d.area == kubeplay_core::Area::Resilience)
        .map(|d| (d.code.clone(), d.location.span.line, d.area))
        .collect();
    let resilience = kubeplay_core::Area::Resilience;
    assert_eq!(
        found,
        vec![
            ("pdb-blocks-drain".to_owned(), 24, resilience),
            ("pdb-min-available-at-hpa-min".to_owned(), 24, resilience),
            ("replicas-in-one-zone".to_owned(), 42, resilience),
        ]
    );
    let blocks = report.diagnostics.iter().find(|d| d.code == "pdb-blocks-drain").unwrap();
    assert!(blocks.message.contains("Cannot evict pod as it would violate the pod's disruption budget."));
    assert_eq!(blocks.fix.as_deref(), Some("spec:\n  maxUnavailable: 1"));
    // The single replica is the best-practice rule's, reported once.
    let single: Vec<_> =
        kubeplay_core::report::findings(&report).into_iter().filter(|d| d.code == "single-replica").collect();
    assert_eq!(single.len(), 1);
}

mod hostile {
    //! Random scenarios, valid or not: the lab answers with a report or an
    //! error, never a panic, and finishes.
    use kubeplay_core::resilience::{Options, simulate};
    use kubeplay_core::{Input, load};
    use proptest::prelude::*;

    /// Every action core accepts, and one it does not.
    fn actions() -> Vec<&'static str> {
        kubeplay_core::resilience::scenario::ACTIONS.iter().copied().chain(["Explode"]).collect()
    }

    fn step() -> impl Strategy<Value = String> {
        (-5i64..400, 0usize..actions().len(), 0usize..4, any::<bool>(), any::<bool>(), -3i64..5).prop_map(
            |(at, action, target, flag, dry, seed)| {
                format!(
                    "  - {{at: {at}, action: {}, node: n{target}, zone: z{target}, region: r{target}, pod: api-{target}, ignoreDaemonsets: {flag}, force: {flag}, deleteEmptydirData: {dry}, dryRun: {dry}, seed: {seed}, timeoutSeconds: {}, labelSelector: {{matchLabels: {{app: api}}}}, delayMs: 5}}\n",
                    actions()[action],
                    seed.max(0) * 7
                )
            },
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

        #[test]
        fn never_panics(
            nodes in 1usize..4,
            replicas in 0i64..6,
            min_available in -1i64..4,
            mut steps in proptest::collection::vec((any::<u8>(), step()), 0..8),
            per_region in any::<bool>(),
            sorted in any::<bool>(),
        ) {
            if sorted {
                steps.sort_by_key(|(k, _)| *k);
            }
            let mut text = String::new();
            for n in 0..nodes {
                text.push_str(&format!(
                    "apiVersion: v1\nkind: Node\nmetadata: {{name: n{n}, labels: {{topology.kubernetes.io/region: r{}, topology.kubernetes.io/zone: z{n}}}}}\nstatus: {{allocatable: {{cpu: \"1\", pods: \"4\"}}}}\n---\n",
                    n % 2
                ));
            }
            text.push_str(&format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: api}}}}\n  template:\n    metadata: {{labels: {{app: api}}}}\n    spec:\n      nodeSelector: {{topology.kubernetes.io/region: r0}}\n      containers: [{{name: c, image: \"a:1\", resources: {{requests: {{cpu: 300m}}}}}}]\n---\n"
            ));
            if min_available >= 0 {
                text.push_str(&format!(
                    "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: api}}\nspec: {{minAvailable: {min_available}, selector: {{matchLabels: {{app: api}}}}}}\n---\n"
                ));
            }
            let topology = if per_region { "ClusterPerRegion" } else { "SingleCluster" };
            text.push_str(&format!(
                "apiVersion: kubeplay.dev/v1alpha1\nkind: ChaosScenario\nmetadata: {{name: lab}}\nspec:\n  settings: {{horizonSeconds: 600, topology: {topology}}}\n  observeAt: [0, 100]\n  alerts: [{{name: a, condition: ReadyReplicasBelow, threshold: 2, workload: {{kind: Deployment, name: api}}, forSeconds: 30}}]\n  steps:\n"
            ));
            for (_, s) in &steps {
                text.push_str(s);
            }
            let loading = load(&[Input { name: "random.yaml", bytes: text.as_bytes() }]);
            match simulate(&loading.inventory, Options { timeline: true, ..Options::default() }) {
                Ok(report) => {
                    prop_assert!(report.events.windows(2).all(|w| w[0].t <= w[1].t));
                    prop_assert!(report.timeline.windows(2).all(|w| w[0].t < w[1].t));
                }
                Err(error) => prop_assert!(!error.message.is_empty()),
            }
            // analyze (with the resilience findings) never fails either.
            let _ = kubeplay_core::analyze_loading(&loading);
        }
    }
}
