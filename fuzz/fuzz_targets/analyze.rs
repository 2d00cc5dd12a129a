//! The whole analysis (`report::analyze_keeping_engine`: NetworkPolicy, admission,
//! Pod Security and PSP, best practices, HPA and VPA findings and their
//! simulations, resilience findings) over manifests of every kind — written by
//! the generator or taken from the corpus's case files — plus the renderers.
//! Asserts: no panic, every finding located in the input.

#![no_main]

use kubeplay_core::report::{analyze_keeping_engine, findings};
use kubeplay_core::{Input, load};
use kubeplay_fuzz::check::{Text, assert_diagnostics_located, assert_located};
use kubeplay_fuzz::generator::{Gen, NAMES, NAMESPACES, to_text};
use kubeplay_fuzz::input::text;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fn generate(g: &mut Gen<'_, '_>) -> String {
    let mut documents: Vec<Value> = Vec::new();
    for _ in 0..g.below(12) {
        documents.push(g.any_object());
    }
    // An autoscaled Deployment with its simulation now and then, so the labs run.
    if g.chance(30) {
        let namespace = g.pick(NAMESPACES);
        let name = g.pick(NAMES);
        documents.push(g.scaled_deployment(name, namespace));
        if g.chance(60) {
            documents.push(g.hpa("h", name, namespace));
            documents.push(g.hpa_simulation("h", namespace));
        } else {
            documents.push(g.vpa("v", name, namespace));
            documents.push(g.vpa_simulation());
        }
    }
    if g.chance(10) {
        documents.push(g.chaos_scenario(&[]));
    }
    if g.chance(10) {
        documents.push(g.global_load_balancer());
    }
    to_text(g, &documents)
}

fuzz_target!(|data: &[u8]| {
    let bytes = text(data, generate);
    let texts = [Text { name: "fuzz.yaml", bytes: &bytes }];
    let loading = load(&[Input { name: "fuzz.yaml", bytes: &bytes }]);
    let analysis = analyze_keeping_engine(&loading);
    let report = &analysis.report;
    assert_diagnostics_located(&report.diagnostics, &texts);
    for finding in findings(report) {
        assert_located(&finding.location, &texts, &format!("finding {}", finding.code));
    }
    // Every output format renders whatever the report holds.
    let _ = kubeplay_core::render::markdown::report(report);
    let _ = kubeplay_core::render::sarif::log(&report.security);
    let _ = serde_json::to_string(&kubeplay_core::render::check::output(&report.security));
    if let Some(run) = &analysis.hpa_simulation {
        let _ = serde_json::to_string(&kubeplay_core::render::hpa::json(run.timeline.as_ref()));
        if let Some(timeline) = &run.timeline {
            let _ = kubeplay_core::render::hpa::text(timeline);
        }
    }
    let _ = serde_json::to_string(report);
});
