//! The scaling lab in wasm: the same generated inputs as `benches/hpa.rs` and
//! `benches/vpa.rs` (their generators are shared, not copied), simulated inside
//! wasm32 under Node (or headless Chromium with WASM_BINDGEN_USE_BROWSER=1).
//! It checks what the simulations produce and prints the median time of the
//! simulation alone (the inventory is loaded once, outside the timing, as the
//! native benches do); it asserts no time. Run it with
//! `scripts/bench-wasm.sh` (release profile), not as part of the test command.
//! Figures go to docs/performance.md.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

#[path = "../benches/hpa_gen.rs"]
mod hpa_gen;
#[path = "../benches/vpa_gen.rs"]
mod vpa_gen;

use kubeplay_core::{Input, load};
use wasm_bindgen_test::*;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// Runs `run` `rounds` times; (median, best, first) in milliseconds.
fn time<T>(rounds: usize, mut run: impl FnMut() -> T) -> (f64, f64, f64) {
    let mut times: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = now_ms();
            std::hint::black_box(run());
            now_ms() - start
        })
        .collect();
    let first = times[0];
    times.sort_by(f64::total_cmp);
    (times[rounds / 2], times[0], first)
}

#[wasm_bindgen_test]
fn hpa_day_in_wasm() {
    let text = hpa_gen::day_manifests();
    let loading = load(&[Input::new("day.yaml", &text)]);
    assert!(loading.diagnostics.is_empty(), "{:?}", loading.diagnostics);
    let run = kubeplay_core::scaling::hpa::simulation::simulate(&loading.inventory);
    let timeline = run.timeline.expect("the day runs");
    assert_eq!(timeline.steps.len(), hpa_gen::RECONCILES);
    assert_eq!(timeline.peak_replicas(), hpa_gen::PEAK_REPLICAS);
    let rounds = 21;
    let (median, best, first) = time(rounds, || kubeplay_core::scaling::hpa::simulation::simulate(&loading.inventory));
    console_log!(
        "wasm hpa 24 h at 15 s, 2 metrics, up to 100 replicas (simulate): median {median:.1} ms, best {best:.1} ms of {rounds} (first {first:.1} ms)"
    );
}

#[wasm_bindgen_test]
fn vpa_eight_days_in_wasm() {
    let text = vpa_gen::manifests();
    let loading = load(&[Input::new("bench.yaml", &text)]);
    assert!(loading.diagnostics.iter().all(|d| !d.is_error()), "{:?}", loading.diagnostics);
    let run = kubeplay_core::scaling::vpa::simulate(&loading.inventory);
    assert!(run.diagnostics.iter().all(|d| !d.is_error()), "{:?}", run.diagnostics);
    assert_eq!(run.vpas.len(), 1);
    let recommendation = run.vpas[0].recommendation.as_ref().expect("a recommendation from eight days of usage");
    let mut containers: Vec<&str> =
        recommendation.container_recommendations.iter().map(|c| c.container_name.as_str()).collect();
    containers.sort_unstable();
    assert_eq!(containers, ["cache", "web", "worker"]);
    // A cpu and a memory histogram per container.
    assert_eq!(run.vpas[0].usage.len(), 6);
    let rounds = 21;
    let (median, best, first) = time(rounds, || kubeplay_core::scaling::vpa::simulate(&loading.inventory));
    console_log!(
        "wasm vpa 8 days x 1-minute samples x 3 containers (simulate, inventory loaded): median {median:.1} ms, best {best:.1} ms of {rounds} (first {first:.1} ms)"
    );
}
