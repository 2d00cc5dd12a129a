//! Connectivity diff, verified fixes and generation benchmarks (figures in
//! `docs/performance.md`). Sizes come from `NETPOL_BENCH_SIZES` (`pods x
//! policies`), default `10000x1000`.
//!
//! `cargo bench -p kubeplay-core --bench netpol_diff`

use criterion::{Criterion, criterion_group, criterion_main};
use kubeplay_core::netpol::Engine;
use kubeplay_core::netpol::diff::diff;

#[path = "netpol_gen.rs"]
mod netpol_gen;

fn sizes() -> Vec<(usize, usize)> {
    let text = std::env::var("NETPOL_BENCH_SIZES").unwrap_or_else(|_| "10000x1000".to_owned());
    text.split(',')
        .filter_map(|s| {
            let (pods, policies) = s.trim().split_once('x')?;
            Some((pods.parse().ok()?, policies.parse().ok()?))
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    for (pods, policies) in sizes() {
        let cluster = netpol_gen::generate(pods, policies);
        let before = cluster.engine();
        // The same cluster without one policy (the middle one).
        let mut fewer = cluster.policies.clone();
        if !fewer.is_empty() {
            fewer.remove(fewer.len() / 2);
        }
        let after =
            Engine::build(Default::default(), cluster.endpoints.clone(), fewer, Vec::new(), cluster.namespaces.clone());
        let mut group = c.benchmark_group(format!("netpol diff {pods} pods x {policies} policies"));
        group.sample_size(10);
        group.bench_function("diff of inputs differing by one policy (engines built)", |b| {
            b.iter(|| diff(&before, &after))
        });
        group.bench_function("diff with itself (nothing changed)", |b| b.iter(|| diff(&before, &before)));
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
