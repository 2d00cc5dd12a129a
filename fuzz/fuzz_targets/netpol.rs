//! Differential: random clusters (namespaces with labels, pods with IPs and named
//! ports, workloads, NetworkPolicies with every peer and port shape) through the
//! class-level engine and through the pair-by-pair reference evaluator of the
//! tests crate (`tests/src/netpol_ref.rs`); any cell on which they disagree is a
//! crash. Clusters the loader or the engine finds invalid are not compared (the
//! reference reads valid policies only), but the engine still runs on them.

#![no_main]

use arbitrary::Unstructured;
use kubeplay_core::netpol::{Engine, NetpolOptions, ProbeQuery, Protocol, probe_engine};
use kubeplay_core::{Input, Severity, load};
use kubeplay_fuzz::generator::{Gen, to_text};
use kubeplay_fuzz::netpol_ref::ref_probe;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let mut g = Gen::new(&mut u);
    g.hostile = g.chance(10);
    let mut documents: Vec<Value> = Vec::new();
    for _ in 0..g.below(3) {
        documents.push(g.namespace_object());
    }
    for _ in 0..1 + g.below(6) {
        documents.push(if g.chance(70) { g.pod() } else { g.workload() });
    }
    for _ in 0..g.below(5) {
        documents.push(g.network_policy());
    }
    let port = g.pick(&[80u16, 443, 53, 8080, 9090, 81, 1, 65535]);
    let protocol = g.pick(&[Protocol::TCP, Protocol::UDP, Protocol::SCTP]);
    let externals: Vec<String> = (0..g.below(3))
        .map(|_| g.pick(&["10.0.0.1", "10.1.0.0/16", "192.168.0.1", "0.0.0.0/0", "fd00::1"]).to_owned())
        .collect();
    let text = to_text(&mut g, &documents);

    let loading = load(&[Input::new("fuzz.yaml", &text)]);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    let query = ProbeQuery { port, protocol, externals: externals.clone() };
    let actual = probe_engine(&engine, &query);
    let invalid = loading.diagnostics.iter().chain(&engine.diagnostics).any(|d| d.severity == Severity::Error);
    if invalid {
        return;
    }
    let expected = ref_probe(&loading.inventory, port, protocol.as_str(), &externals).expect("reference probe");
    assert_eq!(actual.pods, expected.pods, "endpoints differ\n{text}");
    for (i, row) in expected.allowed.iter().enumerate() {
        for (j, cell) in row.iter().enumerate() {
            assert_eq!(
                actual.allowed[i][j], *cell,
                "{port}/{protocol}: {} -> {}: engine says {}, reference {cell}\n{text}",
                expected.pods[i], expected.pods[j], actual.allowed[i][j]
            );
        }
    }
});
