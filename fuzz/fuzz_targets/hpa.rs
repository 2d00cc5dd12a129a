//! The HPA lab with bounded time: a Deployment, its HorizontalPodAutoscaler (v2 or
//! v1, every metric type, behaviors), LimitRange and ResourceQuota now and then,
//! and an `HPASimulation` (durations, flags, loads, pod samples) — or a case file
//! as written. Asserts: no panic; every problem located; a run never takes more
//! reconciles than `MAX_RECONCILES` (+1 for t = 0) nor more than its duration
//! allows; the same steps when every reconcile computes its proposals afresh;
//! libFuzzer's `-timeout` (scripts/fuzz.sh) catches a run that hangs.

#![no_main]

use kubeplay_core::scaling::hpa::scenario::MAX_RECONCILES;
use kubeplay_core::scaling::hpa::simulation::{Options, simulate, simulate_with};
use kubeplay_core::{Input, load};
use kubeplay_fuzz::check::{Text, assert_diagnostics_located};
use kubeplay_fuzz::generator::{Gen, to_text};
use kubeplay_fuzz::input::text;
use libfuzzer_sys::fuzz_target;

fn generate(g: &mut Gen<'_, '_>) -> String {
    let namespace = g.pick(&["default", "ns1"]);
    let mut documents = vec![g.scaled_deployment("api", namespace), g.hpa("h", "api", namespace)];
    if g.chance(25) {
        documents.push(g.limit_range());
    }
    if g.chance(25) {
        documents.push(g.resource_quota());
    }
    let hpa = if g.chance(95) { "h" } else { "missing" };
    documents.push(g.hpa_simulation(hpa, namespace));
    to_text(g, &documents)
}

fuzz_target!(|data: &[u8]| {
    let bytes = text(data, generate);
    let loading = load(&[Input { name: "fuzz.yaml", bytes: &bytes }]);
    let run = simulate(&loading.inventory);
    // Reusing the last proposals while nothing the calculator reads has moved changes no step.
    assert_eq!(run, simulate_with(&loading.inventory, Options { reuse_readings: false }));
    assert_diagnostics_located(&run.diagnostics, &[Text { name: "fuzz.yaml", bytes: &bytes }]);
    if let Some(timeline) = &run.timeline {
        let steps = timeline.steps.len() as i64;
        assert!(steps <= MAX_RECONCILES + 1, "{steps} reconciles, past the limit of {MAX_RECONCILES}");
        if timeline.sync_period > 0 {
            assert!(
                steps <= timeline.duration / timeline.sync_period + 1,
                "{steps} reconciles in {} s at one per {} s",
                timeline.duration,
                timeline.sync_period
            );
        }
        let _ = kubeplay_core::render::hpa::text(timeline);
    }
});
