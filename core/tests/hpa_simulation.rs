//! The HPA timeline (`docs/semantics/hpa.md §5`) on the case files of
//! `core/tests/cases/hpa-sim/`: each holds `manifests` (with an HPASimulation)
//! and `expect`, or a list of `cases` of both. `expect` keys:
//! - `replicas`: `{t: n}` — the target's pods after each reconcile, a step
//!   function of t checked at every step;
//! - `steps`: entries of the JSON contract (`kubeplay hpa --format json`) by
//!   `t`; every key given must equal the step's (a subset match);
//! - `steps_count`, `summary`, `behavior`: as in the contract;
//! - `diagnostics`: `[code, line]` pairs of every loading and simulation
//!   diagnostic, in order; `no_timeline: true` when nothing may run.

use std::path::Path;

use kubeplay_core::render::hpa::json;
use kubeplay_core::scaling::hpa::simulation::simulate;
use kubeplay_core::{Input, load};
use serde_json::Value as Json;
use serde_yaml::Value;

/// Every key of `want` equals `got`'s (recursively for mappings; lists of
/// the same length item by item).
fn assert_subset(want: &Json, got: &Json, context: &str) {
    match (want, got) {
        (Json::Object(want), Json::Object(got)) => {
            for (key, value) in want {
                let actual = got.get(key).unwrap_or_else(|| panic!("{context}: no key {key} in {got:?}"));
                assert_subset(value, actual, &format!("{context}.{key}"));
            }
        }
        (Json::Array(want), Json::Array(got)) => {
            assert_eq!(want.len(), got.len(), "{context}: length of {got:?}");
            for (i, (w, g)) in want.iter().zip(got).enumerate() {
                assert_subset(w, g, &format!("{context}[{i}]"));
            }
        }
        _ => assert_eq!(want, got, "{context}"),
    }
}

fn run_case(label: &str, manifests: &str, expect: &Value) {
    let loading = load(&[Input::new("manifests.yaml", manifests)]);
    let run = simulate(&loading.inventory);
    let contract = serde_json::to_value(json(run.timeline.as_ref())).expect("contract serialises");
    let expect: Json = serde_json::to_value(expect).expect("expect as JSON");
    let diagnostics: Vec<Json> = loading
        .diagnostics
        .iter()
        .chain(&run.diagnostics)
        .map(|d| serde_json::json!([d.code, d.location.span.line]))
        .collect();
    if let Some(want) = expect.get("diagnostics") {
        assert_eq!(&Json::Array(diagnostics.clone()), want, "{label}: diagnostics");
    }
    if expect.get("no_timeline").and_then(Json::as_bool) == Some(true) {
        assert!(run.timeline.is_none(), "{label}: a timeline ran");
        assert_eq!(contract["steps"], serde_json::json!([]), "{label}");
        assert_eq!(contract["hpa"], Json::Null, "{label}");
        return;
    }
    let steps = contract["steps"].as_array().unwrap_or_else(|| panic!("{label}: no steps; {diagnostics:?}"));
    if let Some(count) = expect.get("steps_count") {
        assert_eq!(Some(steps.len() as u64), count.as_u64(), "{label}: steps");
    }
    if let Some(changes) = expect.get("replicas").and_then(Json::as_object) {
        let mut changes: Vec<(i64, i64)> =
            changes.iter().map(|(t, n)| (t.parse().expect("t is a number"), n.as_i64().expect("replicas"))).collect();
        changes.sort();
        for step in steps {
            let t = step["t"].as_i64().expect("t");
            let want = changes.iter().rev().find(|(at, _)| *at <= t).map(|(_, n)| *n);
            if let Some(want) = want {
                assert_eq!(step["replicas"].as_i64(), Some(want), "{label}: replicas at t = {t}");
            }
        }
    }
    for want in expect.get("steps").and_then(Json::as_array).into_iter().flatten() {
        let t = want["t"].as_i64().expect("expected step has t");
        let step =
            steps.iter().find(|s| s["t"].as_i64() == Some(t)).unwrap_or_else(|| panic!("{label}: no step at {t}"));
        assert_subset(want, step, &format!("{label}: step t = {t}"));
    }
    for key in ["summary", "behavior", "target", "hpa"] {
        if let Some(want) = expect.get(key) {
            assert_subset(want, &contract[key], &format!("{label}: {key}"));
        }
    }
}

#[test]
fn simulation_cases() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases/hpa-sim");
    let mut files: Vec<_> = std::fs::read_dir(&dir).expect("case dir").map(|e| e.expect("entry").path()).collect();
    files.sort();
    let mut ran = 0;
    for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "yaml")) {
        let name = file.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(file).expect("read case");
        let case: Value = serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        if let Some(manifests) = case["manifests"].as_str() {
            run_case(&name, manifests, &case["expect"]);
            ran += 1;
        }
        for sub in case["cases"].as_sequence().into_iter().flatten() {
            let label = format!("{name}: {}", sub["name"].as_str().unwrap_or("?"));
            run_case(&label, sub["manifests"].as_str().expect("manifests"), &sub["expect"]);
            ran += 1;
        }
    }
    assert!(ran >= 5, "only {ran} cases ran");
}

/// The training material's HPA (`core/src/examples/hpa.yaml`: no behavior, so
/// the legacy path) under a spike, against its claim that an HPA "scales up
/// 1–4 pods per minute, down 1 pod per minute".
fn material_under_spike(extra_template_memory: bool) -> kubeplay_core::scaling::hpa::simulation::Timeline {
    let example = kubeplay_core::examples::example("hpa").expect("the hpa example");
    // The example's own manifests, without its lesson's HPASimulation: this test drives its own spike.
    let mut yaml: String = example
        .yaml
        .split("\n---\n")
        .filter(|document| !document.contains("kind: HPASimulation"))
        .collect::<Vec<_>>()
        .join("\n---\n");
    yaml.push('\n');
    if extra_template_memory {
        yaml = yaml.replace("            cpu: 250m\n", "            cpu: 250m\n            memory: 256Mi\n");
        assert!(yaml.contains("memory: 256Mi"), "the example's requests moved");
    }
    yaml.push_str(
        "---\napiVersion: kubeplay.dev/v1alpha1\nkind: HPASimulation\nmetadata: {name: spike}\nspec:\n  duration: 900s\n  load:\n  - metric: cpu\n    total: [{at: 0s, value: 300m}, {at: 60s, value: 2500m}, {at: 300s, value: 300m}]\n  - metric: memory\n    total: [{at: 0s, value: 300Mi}]\n",
    );
    let loading = load(&[Input::new("hpa.yaml", &yaml)]);
    let run = simulate(&loading.inventory);
    assert!(run.diagnostics.is_empty(), "{:?}", run.diagnostics);
    run.timeline.expect("the spike runs")
}

fn replicas_at(timeline: &kubeplay_core::scaling::hpa::simulation::Timeline, t: i64) -> i32 {
    timeline.steps.iter().find(|s| s.t == t).map(|s| s.replicas).expect("a step at t")
}

#[test]
fn the_material_spike_reaches_max_in_15_seconds_not_1_to_4_pods_a_minute() {
    let timeline = material_under_spike(true);
    assert!(timeline.behavior.is_none(), "the material's HPA has no behavior: the legacy path");
    // Before the spike: 40 % of the cpu request wants 2 pods; minReplicas holds 3.
    assert_eq!(replicas_at(&timeline, 45), 3);
    // The spike (333 %, 15 pods wanted): max(2 × 3, 4) = 6 at once, then 10
    // one sync period later — 7 pods in 15 s, where "1–4 per minute" would
    // take two minutes or more.
    assert_eq!(replicas_at(&timeline, 60), 6);
    assert_eq!(replicas_at(&timeline, 75), 10);
    assert_eq!(timeline.first_at_max(), Some(75));
    // Down: nothing for 5 minutes after the last high recommendation (t = 285),
    // then straight to minReplicas in one step — not "1 pod per minute".
    assert_eq!(replicas_at(&timeline, 585), 10);
    assert_eq!(replicas_at(&timeline, 600), 3);
}

#[test]
fn the_material_hpa_as_written_never_scales_down() {
    // The example's containers request no memory: the memory metric is invalid
    // at every reconcile, so the controller scales up on cpu but refuses to
    // scale down (hpa.md §2.1).
    let timeline = material_under_spike(false);
    assert_eq!(replicas_at(&timeline, 75), 10);
    let last = timeline.steps.last().expect("steps");
    assert_eq!(last.replicas, 10);
    let memory = &last.metrics[1];
    assert_eq!(memory.proposal, None);
    assert!(
        memory.error.as_deref().is_some_and(|e| e.contains("missing request for memory in container api")),
        "{memory:?}"
    );
    let active = last.conditions.iter().find(|c| c.type_ == "ScalingActive").expect("ScalingActive");
    assert_eq!((&*active.status, &*active.reason), ("False", "FailedGetResourceMetric"));
}

#[test]
fn an_autoscaling_v1_hpa_loads_as_the_v2_object_the_api_server_serves() {
    let v1 = "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: ns}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  maxReplicas: 5\n  targetCPUUtilizationPercentage: 65\n";
    let v2 = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: ns}\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 1\n  maxReplicas: 5\n  metrics:\n  - type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 65}}\n";
    let a = load(&[Input::new("v1.yaml", v1)]);
    let b = load(&[Input::new("v2.yaml", v2)]);
    assert!(a.diagnostics.is_empty() && b.diagnostics.is_empty(), "{:?} {:?}", a.diagnostics, b.diagnostics);
    assert_eq!(a.inventory.objects[0].object, b.inventory.objects[0].object);
    // Without a target the metrics stay empty and default to cpu at 80 % (v2 defaults).
    let bare = v1.replace("  targetCPUUtilizationPercentage: 65\n", "");
    let c = load(&[Input::new("v1.yaml", &bare)]);
    let kubeplay_core::model::Object::HorizontalPodAutoscaler(hpa) = &c.inventory.objects[0].object else {
        panic!("an HPA")
    };
    assert_eq!(hpa.spec.metrics, None);
    let metrics = kubeplay_core::scaling::hpa::controller::defaulted_metrics(&hpa.spec);
    assert_eq!(metrics[0].resource.as_ref().and_then(|r| r.target.average_utilization), Some(80));
    // v1 has no `metrics`: the field is unknown there.
    let wrong = v1.replace("  targetCPUUtilizationPercentage: 65\n", "  metrics: []\n");
    let d = load(&[Input::new("v1.yaml", &wrong)]);
    assert_eq!(d.diagnostics.iter().map(|x| x.code.as_str()).collect::<Vec<_>>(), ["unknown-field"]);
}

/// Hostile numbers end in diagnostics or a bounded run, never a panic or a hang.
#[test]
fn hostile_simulations_stay_bounded() {
    let manifests = |replicas: &str, max: &str, spec: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: a}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: a}}}}\n  template:\n    metadata: {{labels: {{app: a}}}}\n    spec: {{containers: [{{name: a, image: a, resources: {{requests: {{cpu: 1m}}}}}}]}}\n---\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: a}}\nspec:\n  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: a}}\n  maxReplicas: {max}\n---\napiVersion: kubeplay.dev/v1alpha1\nkind: HPASimulation\nmetadata: {{name: s}}\nspec:\n{spec}"
        )
    };
    let cases = [
        // 100 000 reconciles of 1 000 pods: stopped by the sample budget.
        manifests(
            "1000",
            "2147483647",
            "  duration: 1500000s\n  load: [{metric: cpu, total: [{at: 0s, value: 9e15}]}]\n",
        ),
        manifests(
            "2147483647",
            "2147483647",
            "  duration: 60s\n  podReadySeconds: 9223372036854775807\n  load: [{metric: cpu, perPod: [{at: 0s, value: 9e15}]}]\n",
        ),
        manifests("3", "10", "  duration: 60s\n  flags: {horizontal-pod-autoscaler-tolerance: NaN}\n"),
        manifests("3", "10", "  duration: 60s\n  load: [{metric: cpu, total: [{at: 0s, value: 1e30}]}]\n"),
        manifests(
            "3",
            "10",
            "  pods: [{name: a-0, usage: {cpu: 5}, startedSecondsAgo: 9223372036854775807, readySecondsAgo: 9223372036854775807}]\n",
        ),
        manifests("0", "10", "  duration: 99999999999999999999h\n"),
    ];
    for (i, text) in cases.iter().enumerate() {
        let start = std::time::Instant::now();
        let loading = load(&[Input::new("hostile.yaml", text)]);
        let run = simulate(&loading.inventory);
        if i == 0 {
            assert!(run.diagnostics.iter().any(|d| d.code == "hpasim-stopped"), "{:?}", run.diagnostics);
        }
        let _ = serde_json::to_string(&json(run.timeline.as_ref())).expect("serialises");
        assert!(start.elapsed().as_secs() < 120, "took {:?}", start.elapsed());
    }
}

/// One generated HPA lab for [`reusing_proposals_changes_no_step`]: the metric
/// kinds, pod start-up delays, CPU readiness flags, behaviors and quotas that
/// decide when a reconcile's readings are those of the last one.
fn reuse_case(seed: u64) -> String {
    // A small deterministic generator (splitmix64): no randomness in the test run.
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(1);
    let mut next = move |n: u64| {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % n
    };
    let metrics = [
        (
            "cpu",
            "- type: Resource\n    resource: {name: cpu, target: {type: Utilization, averageUtilization: 60}}",
            "total",
        ),
        (
            "memory",
            "- type: Resource\n    resource: {name: memory, target: {type: AverageValue, averageValue: 200Mi}}",
            "perPod",
        ),
        (
            "cpu",
            "- type: ContainerResource\n    containerResource: {name: cpu, container: app, target: {type: Utilization, averageUtilization: 70}}",
            "total",
        ),
        (
            "rps",
            "- type: Pods\n    pods: {metric: {name: rps}, target: {type: AverageValue, averageValue: \"10\"}}",
            "perPod",
        ),
        (
            "queue",
            "- type: Object\n    object: {metric: {name: queue}, describedObject: {apiVersion: v1, kind: Service, name: q}, target: {type: Value, value: \"30\"}}",
            "value",
        ),
        (
            "lag",
            "- type: External\n    external: {metric: {name: lag}, target: {type: AverageValue, averageValue: \"5\"}}",
            "value",
        ),
    ];
    let first = next(metrics.len() as u64) as usize;
    let second = next(metrics.len() as u64) as usize;
    let mut chosen = vec![metrics[first]];
    if second != first && metrics[second].0 != metrics[first].0 && next(3) > 0 {
        chosen.push(metrics[second]);
    }
    let min = 1 + next(3);
    let max = min + 1 + next(12);
    let behavior = match next(3) {
        0 => String::new(),
        1 => "  behavior:\n    scaleDown: {stabilizationWindowSeconds: 30}\n".to_string(),
        _ => "  behavior:\n    scaleUp: {policies: [{type: Pods, value: 1, periodSeconds: 30}]}\n    scaleDown: {stabilizationWindowSeconds: 0, policies: [{type: Percent, value: 50, periodSeconds: 15}]}\n".to_string(),
    };
    let mut loads = String::new();
    for (name, _, shape) in &chosen {
        let mut steps = Vec::new();
        let mut at = 0;
        for _ in 0..1 + next(5) {
            let value = match *shape {
                "total" => format!("{}m", next(6000)),
                "perPod" if *name == "memory" => format!("{}Mi", 50 + next(400)),
                _ => format!("{}", next(60)),
            };
            steps.push(format!("{{at: {at}s, value: \"{value}\"}}"));
            at += 15 * (1 + next(12)) + next(15);
        }
        loads.push_str(&format!("  - metric: {name}\n    {shape}: [{}]\n", steps.join(", ")));
    }
    let quota = if next(4) == 0 {
        format!(
            "---\napiVersion: v1\nkind: ResourceQuota\nmetadata: {{name: q}}\nspec: {{hard: {{pods: \"{}\"}}}}\n",
            min + 1 + next(6)
        )
    } else {
        String::new()
    };
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: api}}
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers:
      - {{name: app, image: api:1, resources: {{requests: {{cpu: 250m, memory: 128Mi}}}}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: api}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: api}}
  minReplicas: {min}
  maxReplicas: {max}
  metrics:
  {metrics}
{behavior}{quota}---
apiVersion: kubeplay.dev/v1alpha1
kind: HPASimulation
metadata: {{name: reuse}}
spec:
  duration: {duration}s
  podReadySeconds: {ready}
  flags:
    horizontal-pod-autoscaler-sync-period: {sync}s
    horizontal-pod-autoscaler-cpu-initialization-period: {init}s
    horizontal-pod-autoscaler-initial-readiness-delay: {delay}s
  load:
{loads}",
        replicas = min + next(max - min + 1),
        metrics = chosen.iter().map(|m| m.1).collect::<Vec<_>>().join("\n  "),
        duration = 300 + next(1500),
        ready = [0, 5, 10, 15, 20, 45, 90][next(7) as usize],
        sync = [5, 10, 15, 30][next(4) as usize],
        // CPU initialization periods that end before, inside and after the
        // first metric window after Ready.
        init = [0, 10, 15, 20, 60, 300][next(6) as usize],
        delay = [0, 30][next(2) as usize],
    )
}

/// The controller skips the replica calculator while the pods, their groups
/// and the loads stay as they were (`ReconcileInput::readings_generation`): on
/// generated labs, on every case file and on the example, every step is the
/// same as when each reconcile computes its proposals.
#[test]
fn reusing_proposals_changes_no_step() {
    use kubeplay_core::scaling::hpa::simulation::{Options, simulate_with};
    let check = |label: &str, text: &str| -> usize {
        let loading = load(&[Input::new("case.yaml", text)]);
        let reused = simulate_with(&loading.inventory, Options { reuse_readings: true });
        let computed = simulate_with(&loading.inventory, Options { reuse_readings: false });
        if let (Some(reused), Some(computed)) = (&reused.timeline, &computed.timeline) {
            let differs = reused.steps.iter().zip(&computed.steps).find(|(a, b)| a != b);
            assert!(differs.is_none(), "{label}: the first step that differs: {differs:#?}\n{text}");
        }
        assert_eq!(reused, computed, "{label}\n{text}");
        reused.timeline.map_or(0, |t| t.steps.len())
    };
    let mut steps = 0;
    let mut scaled = 0;
    for seed in 0..300 {
        let text = reuse_case(seed);
        let loading = load(&[Input::new("case.yaml", &text)]);
        assert!(
            loading.diagnostics.iter().all(|d| d.severity != kubeplay_core::Severity::Error),
            "seed {seed}: {:?}\n{text}",
            loading.diagnostics
        );
        let run = simulate_with(&loading.inventory, Options { reuse_readings: false });
        let timeline =
            run.timeline.as_ref().unwrap_or_else(|| panic!("seed {seed} runs: {:?}\n{text}", run.diagnostics));
        if timeline.steps.iter().any(|s| s.replicas != timeline.initial_replicas) {
            scaled += 1;
        }
        steps += check(&format!("seed {seed}"), &text);
    }
    // The generated labs scale (not only hold their replicas), so reuse is tried across changes.
    assert!(scaled > 150, "only {scaled} of 300 generated labs scaled");
    assert!(steps > 10_000, "{steps} steps");
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/cases/hpa-sim")).expect("cases") {
        let path = entry.expect("entry").path();
        let case: Value = serde_yaml::from_str(&std::fs::read_to_string(&path).expect("read")).expect("case");
        let nested = case.get("cases").and_then(Value::as_sequence).cloned().unwrap_or_default();
        for case in std::iter::once(&case).chain(&nested) {
            if let Some(manifests) = case.get("manifests").and_then(Value::as_str) {
                check(&path.display().to_string(), manifests);
            }
        }
    }
    check("the hpa example", include_str!("../src/examples/hpa.yaml"));
    let day = hpa_gen::day_manifests();
    assert_eq!(check("the benchmark's day", &day), hpa_gen::RECONCILES);
    let loading = load(&[Input::new("day.yaml", &day)]);
    let timeline = simulate(&loading.inventory).timeline.expect("the day runs");
    assert_eq!(timeline.peak_replicas(), hpa_gen::PEAK_REPLICAS);
}

#[path = "../benches/hpa_gen.rs"]
mod hpa_gen;
