//! The disruption lab in wasm: the bench's cluster (`benches/disruption_gen.rs`,
//! shared, not copied: 1 000 nodes, 30 000 pods, 500 budgets, a zone lost at 0),
//! loaded and simulated inside wasm32 under Node (or headless Chromium with
//! WASM_BINDGEN_USE_BROWSER=1). It checks that every pod of the failed zone is
//! rescheduled, as the native bench does, and prints the time to load and the
//! time to simulate; it asserts no time. Run it with
//! `bash scripts/bench-wasm.sh disruption` (release profile), not as part of the
//! test command. Figures go to docs/performance.md.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

#[path = "../benches/disruption_gen.rs"]
mod disruption_gen;

use kubeplay_core::resilience::{Options, simulate};
use kubeplay_core::{Input, load};
use wasm_bindgen_test::*;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
fn zone_failure_at_scale_in_wasm() {
    let (nodes, pods, budgets) = disruption_gen::DEFAULT_SIZE;
    let text = disruption_gen::manifests(nodes, pods, budgets);
    for round in 0..3 {
        let start = now_ms();
        let loading = load(&[Input::new("bench.yaml", &text)]);
        let loaded = now_ms();
        let run = simulate(&loading.inventory, Options::default()).expect("the bench scenario is valid");
        let simulated = now_ms();
        let in_failed_zone =
            |node: &str| node.strip_prefix("node-").and_then(|i| i.parse::<usize>().ok()).is_some_and(|i| i % 3 == 0);
        let lost = run.initial.pods.iter().filter(|p| p.node.as_deref().is_some_and(in_failed_zone)).count();
        let rescheduled = run.scheduling.iter().filter(|r| r.t > 0 && r.node.is_some()).count();
        assert_eq!(rescheduled, lost, "every pod of the failed zone is rescheduled");
        console_log!(
            "wasm disruption {nodes} nodes x {pods} pods x {budgets} budgets, round {round}: load {:.0} ms, simulate {:.0} ms, total {:.0} ms ({} pods, {lost} rescheduled)",
            loaded - start,
            simulated - loaded,
            simulated - start,
            run.initial.pods.len()
        );
    }
}
