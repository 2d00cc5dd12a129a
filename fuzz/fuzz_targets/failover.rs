//! The failover lab with bounded time: the disruption lab's cluster plus Services,
//! a `GlobalLoadBalancer` (Proxy or DNS, backends, user regions, health checks,
//! session affinity) and Istio DestinationRules, under a `ChaosScenario` — or a
//! case file as written. Asserts: no panic; a refusal is located in the input;
//! libFuzzer's `-timeout` catches a run that hangs.

#![no_main]

use kubeplay_core::resilience::traffic::lab::failover_inventory;
use kubeplay_core::{Input, load};
use kubeplay_fuzz::check::{Text, assert_diagnostics_located};
use kubeplay_fuzz::generator::{Gen, lab_cluster, to_text};
use kubeplay_fuzz::input::text;
use libfuzzer_sys::fuzz_target;

fn generate(g: &mut Gen<'_, '_>) -> String {
    let (mut documents, pods) = lab_cluster(g);
    documents.push(g.service());
    documents.push(g.global_load_balancer());
    if g.chance(30) {
        documents.push(g.destination_rule());
    }
    if g.chance(80) {
        documents.push(g.chaos_scenario(&pods));
    }
    to_text(g, &documents)
}

fuzz_target!(|data: &[u8]| {
    let bytes = text(data, generate);
    let loading = load(&[Input { name: "fuzz.yaml", bytes: &bytes }]);
    match failover_inventory(&loading.inventory) {
        Ok(report) => {
            let _ = report.to_json();
        }
        Err(error) => {
            assert!(!error.message.is_empty());
            if let Some(diagnostic) = &error.diagnostic {
                assert_diagnostics_located(
                    std::slice::from_ref(diagnostic),
                    &[Text { name: "fuzz.yaml", bytes: &bytes }],
                );
            }
        }
    }
});
