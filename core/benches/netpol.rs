//! NetworkPolicy engine benchmarks (figures in `docs/performance.md`). Sizes come from
//! `NETPOL_BENCH_SIZES` (`pods x policies`, comma-separated), default
//! `1000x100,10000x1000,30000x3000`; add `100000x10000` on a machine with time.
//!
//! `cargo bench -p kubeplay-core --bench netpol`

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use kubeplay_core::netpol::Protocol;
use kubeplay_core::netpol::engine::Engine;

#[path = "netpol_gen.rs"]
mod netpol_gen;

fn sizes() -> Vec<(usize, usize)> {
    let text = std::env::var("NETPOL_BENCH_SIZES").unwrap_or_else(|_| "1000x100,10000x1000,30000x3000".to_owned());
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
        let mut group = c.benchmark_group(format!("netpol {pods} pods x {policies} policies"));
        group.sample_size(10);
        group.bench_function("classes+selectors (Engine::build)", |b| {
            b.iter_batched(
                || (cluster.endpoints.clone(), cluster.policies.clone(), cluster.namespaces.clone()),
                |(endpoints, policies, namespaces)| {
                    Engine::build(Default::default(), endpoints, policies, Vec::new(), namespaces)
                },
                BatchSize::LargeInput,
            )
        });
        let engine = cluster.engine();
        group.bench_function("allow sets for 8080/TCP (Engine::view)", |b| {
            b.iter(|| engine.build_view(8080, Protocol::TCP))
        });
        group.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
