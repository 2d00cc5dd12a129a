//! One benchmark size end to end, for docs/performance.md: class-level analysis
//! time (Engine::build + one Engine::view), the pair-by-pair evaluator's time on
//! a sample of pairs extrapolated to all pairs, and peak memory (VmHWM: the
//! whole process — generated input, engine, one view, allocator overhead).
//!
//! `cargo run --release -p kubeplay-core --example netpol_scale -- 10000 1000`

use std::time::Instant;

use kubeplay_core::netpol::Protocol;

#[path = "../benches/netpol_gen.rs"]
mod netpol_gen;

fn peak_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

fn main() {
    let args: Vec<usize> = std::env::args().skip(1).filter_map(|a| a.parse().ok()).collect();
    let (pods, policies) = match args.as_slice() {
        [pods, policies, ..] => (*pods, *policies),
        _ => (10_000, 1_000),
    };
    // Each run generates its cluster and moves it into the engine, after the
    // previous engine (and the input it owns) is dropped: the process holds one
    // copy of the input, as a front end that loads and analyses would.
    let mut generated = 0.0;
    let mut best = f64::MAX;
    let mut classes = 0;
    let runs: usize =
        std::env::var("NETPOL_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(if pods >= 100_000 { 3 } else { 7 });
    let mut engine = None;
    for run in 0..runs {
        drop(engine.take());
        let netpol_gen::Cluster { endpoints, policies: policy_list, namespaces } = netpol_gen::generate(pods, policies);
        if run == 0 {
            generated = peak_mib().unwrap_or(0.0);
        }
        let start = Instant::now();
        let built =
            kubeplay_core::netpol::Engine::build(Default::default(), endpoints, policy_list, Vec::new(), namespaces);
        let built_ms = start.elapsed().as_secs_f64() * 1000.0;
        let view = built.view(8080, Protocol::TCP);
        if std::env::var_os("NETPOL_BREAKDOWN").is_some() {
            eprintln!("build {built_ms:.2} ms, view {:.2} ms", start.elapsed().as_secs_f64() * 1000.0 - built_ms);
        }
        let elapsed = start.elapsed().as_secs_f64() * 1000.0;
        std::hint::black_box(&view);
        classes = built.class_count();
        best = best.min(elapsed);
        engine = Some(built);
    }
    let peak = peak_mib().unwrap_or(0.0);
    let Some(engine) = engine else { return };
    if std::env::var_os("NETPOL_LINT").is_some() {
        let start = Instant::now();
        let findings = kubeplay_core::netpol::lint::lint(&engine, &Default::default());
        let mut codes = std::collections::BTreeMap::<&str, usize>::new();
        for f in &findings {
            *codes.entry(f.code.as_str()).or_default() += 1;
        }
        eprintln!("lint {:.1} ms, findings {codes:?}", start.elapsed().as_secs_f64() * 1000.0);
    }
    // Pairwise: a fixed sample of pairs, extrapolated to pods².
    let sample: usize = std::env::var("NETPOL_PAIR_SAMPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let mut rng = netpol_gen::Lcg(7);
    let start = Instant::now();
    let mut allowed = 0usize;
    for _ in 0..sample {
        let a = &engine.endpoints[rng.below(engine.endpoints.len())];
        let b = &engine.endpoints[rng.below(engine.endpoints.len())];
        allowed += usize::from(netpol_gen::pairwise_allowed(&engine, a, b, 8080, Protocol::TCP));
    }
    let per_pair_ms = start.elapsed().as_secs_f64() * 1000.0 / sample as f64;
    let pairwise_ms = per_pair_ms * (pods as f64) * (pods as f64);
    println!(
        "pods={pods} policies={policies} classes={classes} class_level_ms={best:.2} pods_x_policies_per_ms={:.3e} pairwise_ms_extrapolated={pairwise_ms:.0} ratio={:.0} peak_mib={peak:.0} (after generating the input {generated:.0}) sample_allowed={allowed}/{sample}",
        (pods as f64) * (policies as f64) / best,
        pairwise_ms / best
    );
}
