//! VPA lab benchmark (figures in `docs/performance.md`): one VPA over eight
//! days of one-minute samples for three containers (34 560 samples), usage
//! following a daily cycle hour by hour. Times the simulation (recommender,
//! admission capping, updater) on a loaded inventory, and load plus simulation.
//!
//! `cargo bench -p kubeplay-core --bench vpa`

use criterion::{Criterion, criterion_group, criterion_main};

#[path = "vpa_gen.rs"]
mod vpa_gen;
use kubeplay_core::load::{Input, load};
use kubeplay_core::scaling::vpa::simulate;

fn bench(c: &mut Criterion) {
    let text = vpa_gen::manifests();
    let loading = load(&[Input::new("bench.yaml", &text)]);
    assert!(loading.diagnostics.iter().all(|d| !d.is_error()), "{:?}", loading.diagnostics);
    let mut group = c.benchmark_group("vpa 8 days x 1-minute samples x 3 containers");
    group.sample_size(20);
    group.bench_function("simulate (loaded inventory)", |b| b.iter(|| simulate(&loading.inventory)));
    group.bench_function("load + simulate", |b| {
        b.iter(|| simulate(&load(&[Input::new("bench.yaml", &text)]).inventory))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
