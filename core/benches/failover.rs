//! The traffic lab's timeline: three regions (east, west, central), 10
//! endpoints each behind one Service, three user regions, east failing at 600
//! and recovering at 1800, a netem delay on west at 900, observed every second
//! for one hour, in Proxy and DNS mode (issue target: ≤ 50 ms native;
//! figures in docs/performance.md). Loading the manifests is included.

use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use kubeplay_core::Input;
use kubeplay_core::resilience::traffic::failover;

const REGIONS: [&str; 3] = ["east", "west", "central"];

fn manifests(mode: &str) -> String {
    let mut text = String::new();
    for region in REGIONS {
        for zone in ["a", "b"] {
            let _ = write!(
                text,
                "apiVersion: v1\nkind: Node\nmetadata:\n  name: {region}-{zone}\n  labels: {{topology.kubernetes.io/region: {region}, topology.kubernetes.io/zone: {region}-{zone}}}\n---\n"
            );
        }
        let _ = write!(
            text,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api-{region}, namespace: production}}\nspec:\n  replicas: 10\n  selector: {{matchLabels: {{app: api, region: {region}}}}}\n  template:\n    metadata: {{labels: {{app: api, region: {region}}}}}\n    spec:\n      nodeSelector: {{topology.kubernetes.io/region: {region}}}\n      containers: [{{name: api, image: api:1}}]\n---\n"
        );
    }
    let observe: Vec<String> = (0..=3600).map(|t| t.to_string()).collect();
    let _ = write!(
        text,
        "apiVersion: v1\nkind: Service\nmetadata: {{name: api, namespace: production}}\nspec: {{selector: {{app: api}}, ports: [{{port: 80}}]}}\n---\n\
         apiVersion: kubeplay.dev/v1alpha1\nkind: GlobalLoadBalancer\nmetadata: {{name: global}}\nspec:\n  mode: {mode}\n  sessionAffinity: {{type: ClientIP, ttlSeconds: 600}}\n  backends:\n\
         \x20 - {{region: east, service: production/api, maxRatePerEndpoint: 100}}\n\
         \x20 - {{region: west, service: production/api, maxRatePerEndpoint: 100, capacityScaler: 0.8}}\n\
         \x20 - {{region: central, service: production/api, maxRatePerEndpoint: 100, processingMs: 3}}\n\
         \x20 userRegions:\n\
         \x20 - {{name: users-east, rps: 900, rttMs: {{east: 20, west: 70, central: 40}}}}\n\
         \x20 - {{name: users-west, rps: 700, rttMs: {{east: 70, west: 15, central: 35}}}}\n\
         \x20 - {{name: users-central, rps: 500, rttMs: {{east: 40, west: 35, central: 10}}}}\n---\n\
         apiVersion: kubeplay.dev/v1alpha1\nkind: ChaosScenario\nmetadata: {{name: hour}}\nspec:\n  settings: {{horizonSeconds: 3600}}\n  observeAt: [{}]\n  steps:\n\
         \x20 - {{at: 600, action: RegionFailure, region: east}}\n\
         \x20 - {{at: 900, action: NetemDelay, namespace: production, labelSelector: {{matchLabels: {{region: west}}}}, delayMs: 100}}\n\
         \x20 - {{at: 1800, action: NodeRecover, region: east}}\n",
        observe.join(", ")
    );
    text
}

fn bench(c: &mut Criterion) {
    for mode in ["Proxy", "DNS"] {
        let text = manifests(mode);
        let inputs = [Input::new("hour.yaml", &text)];
        let (report, _) = failover(&inputs).expect("the bench scenario is valid");
        assert_eq!(report.timeline.len(), 3601);
        assert_eq!(report.failover.len(), 1);
        c.bench_function(&format!("failover {mode}: 3 regions, 1 hour observed every second"), |b| {
            b.iter(|| failover(&inputs))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
