//! The disruption lab at scale (issue's target: 1 000 nodes in 3 regions,
//! 30 000 pods, 500 PodDisruptionBudgets, one zone failure whose pods are all
//! rescheduled). Sizes from `DISRUPTION_BENCH_SIZE` (`nodes x pods x budgets`),
//! default `1000x30000x500`.
//!
//! `cargo bench -p kubeplay-core --bench disruption`

use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use kubeplay_core::resilience::{Options, simulate};
use kubeplay_core::{Input, load};

fn size() -> (usize, usize, usize) {
    let text = std::env::var("DISRUPTION_BENCH_SIZE").unwrap_or_else(|_| "1000x30000x500".to_owned());
    let parts: Vec<usize> = text.split('x').filter_map(|p| p.trim().parse().ok()).collect();
    match parts[..] {
        [nodes, pods, budgets] => (nodes, pods, budgets),
        _ => (1000, 30_000, 500),
    }
}

/// Nodes spread over three regions of one zone each (so the failed zone's pods
/// all need new homes), one Deployment and one budget per `pods / budgets`
/// replicas, and a scenario that loses `east-a` at 0 until every pod is evicted
/// (the NoExecute taint reaches a node every 10 s).
fn manifests(nodes: usize, pods: usize, budgets: usize) -> String {
    let regions = ["east", "west", "north"];
    let mut out = String::new();
    for i in 0..nodes {
        let region = regions[i % 3];
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\n  labels: {{topology.kubernetes.io/region: {region}, topology.kubernetes.io/zone: {region}-a}}\nstatus:\n  allocatable: {{cpu: \"64\", memory: 256Gi, pods: \"110\"}}\n---\n"
        );
    }
    let replicas = pods / budgets.max(1);
    for b in 0..budgets {
        let _ = write!(
            out,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{b}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: app-{b}}}}}\n  template:\n    metadata: {{labels: {{app: app-{b}}}}}\n    spec:\n      containers:\n      - {{name: c, image: \"app:1\", resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: app-{b}}}\nspec:\n  maxUnavailable: 1\n  selector: {{matchLabels: {{app: app-{b}}}}}\n---\n"
        );
    }
    let horizon = 350 + 10 * (nodes / 3 + 1) + 20;
    let _ = write!(
        out,
        "apiVersion: kubeplay.dev/v1alpha1\nkind: ChaosScenario\nmetadata: {{name: zone-loss}}\nspec:\n  settings: {{horizonSeconds: {horizon}}}\n  steps:\n  - {{at: 0, action: ZoneFailure, zone: east-a}}\n"
    );
    out
}

fn bench(c: &mut Criterion) {
    let (nodes, pods, budgets) = size();
    let text = manifests(nodes, pods, budgets);
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
