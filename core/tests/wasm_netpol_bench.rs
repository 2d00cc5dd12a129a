//! The NetworkPolicy engine in wasm: the same generated clusters as
//! `benches/netpol.rs`, built and viewed inside wasm32 under Node (or headless
//! Chromium with WASM_BINDGEN_USE_BROWSER=1). It checks that the wasm engine
//! gives the same verdicts as the pairwise evaluator on sampled pairs and prints
//! the times; run it with `scripts/bench-wasm.sh` (release profile), not as part
//! of the test command. Figures go to docs/performance.md.
#![cfg(all(target_arch = "wasm32", feature = "wasm"))]

#[path = "../benches/netpol_gen.rs"]
mod netpol_gen;

use kubeplay_core::netpol::Protocol;
use wasm_bindgen_test::*;

fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[wasm_bindgen_test]
fn netpol_engine_in_wasm() {
    for (pods, policies) in [(1_000, 100), (10_000, 1_000), (30_000, 3_000), (100_000, 10_000)] {
        let cluster = netpol_gen::generate(pods, policies);
        let rounds = if pods <= 10_000 { 5 } else { 3 };
        let mut best_build = f64::MAX;
        let mut best_view = f64::MAX;
        let mut best_clone = f64::MAX;
        // The first round also pays for growing the wasm memory.
        let mut first = None;
        let mut engine = None;
        for _ in 0..rounds {
            // The input is cloned outside the timed build, as criterion does natively.
            let cloned_at = now_ms();
            let (endpoints, policy_list, namespaces) =
                (cluster.endpoints.clone(), cluster.policies.clone(), cluster.namespaces.clone());
            let start = now_ms();
            best_clone = best_clone.min(start - cloned_at);
            let built = kubeplay_core::netpol::Engine::build(
                Default::default(),
                endpoints,
                policy_list,
                Vec::new(),
                namespaces,
            );
            let built_at = now_ms();
            let view = built.build_view(8080, Protocol::TCP);
            let viewed_at = now_ms();
            if first.is_none() {
                first = Some((built_at - start, viewed_at - built_at));
            }
            best_build = best_build.min(built_at - start);
            best_view = best_view.min(viewed_at - built_at);
            engine = Some((built, view));
        }
        let (engine, view) = engine.expect("at least one round");
        // The wasm engine answers like the pairwise evaluator on sampled pairs.
        let mut rng = netpol_gen::Lcg(7);
        let n = engine.endpoints.len();
        for _ in 0..200 {
            let (s, d) = (rng.below(n), rng.below(n));
            let expected =
                netpol_gen::pairwise_allowed(&engine, &engine.endpoints[s], &engine.endpoints[d], 8080, Protocol::TCP);
            assert_eq!(engine.allowed(&view, s, d), expected, "{pods}x{policies}: pair {s} -> {d}");
        }
        let (first_build, first_view) = first.unwrap_or_default();
        console_log!(
            "wasm netpol {pods} pods x {policies} policies: build {best_build:.1} ms, view {best_view:.1} ms, total {:.1} ms (best of {rounds}; first round {first_build:.1} + {first_view:.1} ms; cloning the input, not timed in build: {best_clone:.1} ms)",
            best_build + best_view
        );
    }
}
