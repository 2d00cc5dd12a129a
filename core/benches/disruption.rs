//! The disruption lab at scale (issue's target: 1 000 nodes in 3 regions,
//! 30 000 pods, 500 PodDisruptionBudgets, one zone failure whose pods are all
//! rescheduled). Sizes from `DISRUPTION_BENCH_SIZE` (`nodes x pods x budgets`),
//! default `1000x30000x500`.
//!
//! `cargo bench -p kubeplay-core --bench disruption`

#[path = "disruption_gen.rs"]
mod disruption_gen;

use criterion::{Criterion, criterion_group, criterion_main};
use kubeplay_core::resilience::{Options, simulate};
use kubeplay_core::{Input, load};

fn size() -> (usize, usize, usize) {
    let text = std::env::var("DISRUPTION_BENCH_SIZE").unwrap_or_else(|_| "1000x30000x500".to_owned());
    let parts: Vec<usize> = text.split('x').filter_map(|p| p.trim().parse().ok()).collect();
    match parts[..] {
        [nodes, pods, budgets] => (nodes, pods, budgets),
        _ => disruption_gen::DEFAULT_SIZE,
    }
}

fn bench(c: &mut Criterion) {
    let (nodes, pods, budgets) = size();
    let text = disruption_gen::manifests(nodes, pods, budgets);
    let loading = load(&[Input { name: "bench.yaml", bytes: text.as_bytes() }]);
    // The run must do what it measures: every pod of the failed zone (nodes
    // `node-<3k>`) rescheduled before the horizon.
    let run = simulate(&loading.inventory, Options::default()).expect("the bench scenario is valid");
    let in_failed_zone =
        |node: &str| node.strip_prefix("node-").and_then(|i| i.parse::<usize>().ok()).is_some_and(|i| i % 3 == 0);
    let lost = run.initial.pods.iter().filter(|p| p.node.as_deref().is_some_and(in_failed_zone)).count();
    let rescheduled = run.scheduling.iter().filter(|r| r.t > 0 && r.node.is_some()).count();
    assert_eq!(rescheduled, lost, "every pod of the failed zone is rescheduled");
    eprintln!("{} pods, {lost} on the failed zone, {rescheduled} rescheduled", run.initial.pods.len());
    let mut group = c.benchmark_group(format!("disruption {nodes} nodes x {pods} pods x {budgets} budgets"));
    group.sample_size(10);
    group.bench_function("zone failure (simulate)", |b| {
        b.iter(|| simulate(&loading.inventory, Options::default()).map(|r| r.events.len()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
