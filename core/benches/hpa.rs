//! The HPA timeline benchmark (issue budget: ≤ 5 ms native): one HPA over 24 h
//! at a 15 s sync period — 5 760 reconciles — with two metrics (cpu and memory
//! utilization) and a daily load cycle that drives it between 2 and 100
//! replicas. Loading the manifests is outside the measurement; admission of
//! every created pod is inside it.
//!
//! `cargo bench -p kubeplay-core --bench hpa`

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "hpa_gen.rs"]
mod hpa_gen;
use kubeplay_core::scaling::hpa::simulation::simulate;
use kubeplay_core::{Input, load};

fn bench(c: &mut Criterion) {
    let text = hpa_gen::day_manifests();
    let loading = load(&[Input::new("day.yaml", &text)]);
    assert!(loading.diagnostics.is_empty(), "{:?}", loading.diagnostics);
    let run = simulate(&loading.inventory);
    let timeline = run.timeline.expect("the day runs");
    assert_eq!(timeline.steps.len(), hpa_gen::RECONCILES);
    assert_eq!(timeline.peak_replicas(), hpa_gen::PEAK_REPLICAS);
    let mut group = c.benchmark_group("hpa");
    group.sample_size(20);
    group.bench_function("24 h at 15 s, 2 metrics, up to 100 replicas (simulate)", |b| {
        b.iter(|| simulate(&loading.inventory))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
