//! The disruption lab with bounded time: Nodes in zones and regions, pods,
//! workloads, PodDisruptionBudgets and a `ChaosScenario` (every action, settings,
//! alerts) — or a case file as written — played with its per-instant timeline.
//! Asserts: no panic; a refused scenario is located in the input; time never
//! runs past the horizon; libFuzzer's `-timeout` catches a run that hangs.

#![no_main]

use kubeplay_core::resilience::validate::MAX_SECONDS;
use kubeplay_core::resilience::{Options, simulate};
use kubeplay_core::{Input, load};
use kubeplay_fuzz::check::{Text, assert_located};
use kubeplay_fuzz::generator::{Gen, lab_cluster, to_text};
use kubeplay_fuzz::input::text;
use libfuzzer_sys::fuzz_target;

fn generate(g: &mut Gen<'_, '_>) -> String {
    let (mut documents, pods) = lab_cluster(g);
    documents.push(g.chaos_scenario(&pods));
    to_text(g, &documents)
}

fuzz_target!(|data: &[u8]| {
    let bytes = text(data, generate);
    let texts = [Text { name: "fuzz.yaml", bytes: &bytes }];
    let loading = load(&[Input { name: "fuzz.yaml", bytes: &bytes }]);
    match simulate(&loading.inventory, Options { timeline: true, rows: true, skip_snapshots: false }) {
        Ok(run) => {
            assert!(run.final_state.t <= MAX_SECONDS, "the lab ran to t = {}", run.final_state.t);
            assert!(run.events.iter().all(|e| e.t <= run.final_state.t), "an event after the end");
            let _ = serde_json::to_string(&run);
        }
        Err(error) => {
            assert!(!error.message.is_empty());
            if let Some(location) = &error.location {
                assert_located(location, &texts, &error.message);
            }
        }
    }
});
