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
        // The same cluster with one more policy, which opens a port between two
        // deployments (the first such policy that changes something).
        let opened = (0..pods.min(200))
            .step_by(7)
            .filter_map(|n| netpol_gen::opening_policy(&cluster, n))
            .map(|policy| {
                let mut more = cluster.policies.clone();
                more.push(policy);
                Engine::build(
                    Default::default(),
                    cluster.endpoints.clone(),
                    more,
                    Vec::new(),
                    cluster.namespaces.clone(),
                )
            })
            .find(|opened| !diff(&before, opened).changes.is_empty())
            .expect("an added policy opens flows");
        let (removed, added) = (diff(&before, &after).changes.len(), diff(&before, &opened).changes.len());
        eprintln!("{pods} pods: {removed} changes without the middle policy, {added} with the opening one");
        let mut group = c.benchmark_group(format!("netpol diff {pods} pods x {policies} policies"));
        group.sample_size(10);
        group.bench_function("diff of inputs differing by one policy (engines built)", |b| {
            b.iter(|| diff(&before, &after))
        });
        group.bench_function("diff of inputs differing by one policy that opens a port (engines built)", |b| {
            b.iter(|| diff(&before, &opened))
        });
        group.bench_function("diff with itself (nothing changed)", |b| b.iter(|| diff(&before, &before)));
        group.finish();
    }
}

/// The playground's large-paste test cluster as YAML text (20 namespaces; five
/// pods per app, four tiers; each policy selects one app and admits one tier
/// on the named port `http`), so fix and generate start from a loaded inventory.
fn text_cluster(pods: usize, policies: usize) -> String {
    let mut docs = Vec::new();
    for ns in 0..20 {
        docs.push(format!(
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns{ns}\n  labels:\n    env: e{}\n",
            ns % 3
        ));
    }
    for i in 0..pods {
        docs.push(format!(
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod{i}\n  namespace: ns{}\n  labels:\n    app: app{}\n    tier: t{}\n\
             spec:\n  containers:\n  - name: main\n    image: nginx:1.27\n    ports:\n    - containerPort: 8080\n      name: http\n",
            i % 20,
            i / 5,
            i % 4
        ));
    }
    let apps = (pods / 5).max(1);
    for p in 0..policies {
        let (namespace, app, tier) = (p % 20, (p * 7) % apps, p % 4);
        // Line by line: a string continuation would eat the indentation.
        docs.push(
            [
                "apiVersion: networking.k8s.io/v1".to_owned(),
                "kind: NetworkPolicy".to_owned(),
                "metadata:".to_owned(),
                format!("  name: np{p}"),
                format!("  namespace: ns{namespace}"),
                "spec:".to_owned(),
                "  podSelector:".to_owned(),
                "    matchLabels:".to_owned(),
                format!("      app: app{app}"),
                "  ingress:".to_owned(),
                "  - from:".to_owned(),
                "    - podSelector:".to_owned(),
                "        matchLabels:".to_owned(),
                format!("          tier: t{tier}"),
                "    ports:".to_owned(),
                "    - port: http".to_owned(),
                String::new(),
            ]
            .join("\n"),
        );
    }
    docs.join("---\n")
}

fn fix_and_generate(c: &mut Criterion) {
    use kubeplay_core::netpol::fix::{FixQuery, fix_with_engine};
    use kubeplay_core::netpol::generate::{Flow, FlowPort, FlowProtocol, Flows, generate};
    use kubeplay_core::netpol::{NetpolOptions, Protocol};
    let options = NetpolOptions::default();
    for (pods, policies) in sizes() {
        let text = text_cluster(pods, policies);
        let loading = kubeplay_core::load(&[kubeplay_core::Input::new("bench.yaml", &text)]);
        assert!(loading.diagnostics.iter().all(|d| !d.is_error()), "the generated text loads");
        let engine = Engine::new(&loading.inventory, &options);
        // pod0 (app0, tier t0, ns0) is selected by np0, which admits tier t0 only: pod1 (t1) is denied.
        let query = FixQuery {
            from: "ns1/pod1".to_owned(),
            to: "ns0/pod0".to_owned(),
            port: 8080,
            protocol: Protocol::TCP,
            want: true,
        };
        // The query must be answered with fixes, or the figure would time an error.
        let report = fix_with_engine(&loading.inventory, &engine, &options, &query).expect("the pair resolves");
        assert!(
            !report.now && !report.fixes.is_empty(),
            "a denied pair with fixes: now {}, {} fixes",
            report.now,
            report.fixes.len()
        );
        eprintln!(
            "{} fixes for {} → {} ({} side effects in all)",
            report.fixes.len(),
            query.from,
            query.to,
            report.fixes.iter().map(|f| f.side_effects.len()).sum::<usize>()
        );
        let mut group = c.benchmark_group(format!("netpol fix {pods} pods x {policies} policies"));
        group.sample_size(10);
        group.bench_function("fixes for one denied pair, each verified (engine built)", |b| {
            b.iter(|| fix_with_engine(&loading.inventory, &engine, &options, &query))
        });
        group.finish();
    }
    // Generation: 200 wanted flows among 1 000 pods.
    let text = text_cluster(1_000, 100);
    let loading = kubeplay_core::load(&[kubeplay_core::Input::new("bench.yaml", &text)]);
    let flows = Flows {
        flows: (0..200)
            .map(|i| Flow {
                from: format!("ns{}/pod{}", (i * 7) % 1000 % 20, (i * 7) % 1000),
                to: format!("ns{}/pod{}", (i * 13 + 5) % 1000 % 20, (i * 13 + 5) % 1000),
                port: FlowPort(8080),
                protocol: FlowProtocol(Protocol::TCP),
            })
            .collect(),
        dns: true,
    };
    let generated = generate(&loading.inventory, &options, &flows).expect("generated");
    eprintln!("{} policies generated for {} flows", generated.len(), flows.flows.len());
    let mut group = c.benchmark_group("netpol generate 1000 pods");
    group.sample_size(10);
    group.bench_function("200 wanted flows, verified", |b| b.iter(|| generate(&loading.inventory, &options, &flows)));
    group.finish();
}

criterion_group!(benches, bench, fix_and_generate);
criterion_main!(benches);
