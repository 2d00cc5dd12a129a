//! The VPA lab with bounded time: a Deployment, VerticalPodAutoscalers (update
//! modes, resource policies), LimitRanges, and a `VPASimulation` (usage ranges,
//! samples, OOMs, flags) — or a case file as written. Asserts: no panic; every
//! problem located; libFuzzer's `-timeout` catches a run that hangs (the lab
//! counts its samples against `MAX_SAMPLES` before generating any).

#![no_main]

use kubeplay_core::scaling::vpa::simulate;
use kubeplay_core::{Input, load};
use kubeplay_fuzz::check::{Text, assert_diagnostics_located};
use kubeplay_fuzz::generator::{Gen, to_text};
use kubeplay_fuzz::input::text;
use libfuzzer_sys::fuzz_target;

fn generate(g: &mut Gen<'_, '_>) -> String {
    let namespace = g.pick(&["default", "ns1"]);
    let mut documents = vec![g.scaled_deployment("api", namespace)];
    for _ in 0..1 + g.below(2) {
        let target = if g.chance(90) { "api" } else { "other" };
        documents.push(g.vpa("v", target, namespace));
    }
    if g.chance(25) {
        documents.push(g.limit_range());
    }
    if g.chance(15) {
        documents.push(g.hpa("h", "api", namespace));
    }
    documents.push(g.vpa_simulation());
    to_text(g, &documents)
}

fuzz_target!(|data: &[u8]| {
    let bytes = text(data, generate);
    let loading = load(&[Input { name: "fuzz.yaml", bytes: &bytes }]);
    let run = simulate(&loading.inventory);
    assert_diagnostics_located(&run.diagnostics, &[Text { name: "fuzz.yaml", bytes: &bytes }]);
    let _ = serde_json::to_string(&run.vpas);
});
