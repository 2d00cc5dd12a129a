//! The HPA timeline benchmark (issue budget: ≤ 5 ms native): one HPA over 24 h
//! at a 15 s sync period — 5 760 reconciles — with two metrics (cpu and memory
//! utilization) and a daily load cycle that drives it between 2 and 100
//! replicas. Loading the manifests is outside the measurement; admission of
//! every created pod is inside it.
//!
//! `cargo bench -p kubeplay-core --bench hpa`

use std::fmt::Write as _;

use criterion::{Criterion, criterion_group, criterion_main};
use kubeplay_core::scaling::hpa::simulation::simulate;
use kubeplay_core::{Input, load};

/// A day of load: 96 quarter-hour steps of a cycle between 2 % and 100 % of
/// what 100 pods at their target would use, with a lunch spike.
fn day_manifests() -> String {
    let mut cpu = String::new();
    let mut memory = String::new();
    for quarter in 0..96i64 {
        // A triangle wave peaking at 13:00, plus a spike at 12:00–12:15.
        let hour_x4 = quarter;
        let distance = (hour_x4 - 52).abs();
        let mut percent = (100 - distance * 2).clamp(2, 100);
        if quarter == 48 {
            percent = 100;
        }
        // 100 pods × 500m × 70 % = 35 cores at 100 %.
        let cpu_milli = 35_000 * percent / 100;
        let memory_mi = 100 * 200 * percent / 100 + 100;
        let sep = if quarter == 0 { "" } else { ", " };
        let _ = write!(cpu, "{sep}{{at: {}s, value: {cpu_milli}m}}", quarter * 900);
        let _ = write!(memory, "{sep}{{at: {}s, value: {memory_mi}Mi}}", quarter * 900);
    }
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata: {{name: api}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: api}}}}
  template:
    metadata: {{labels: {{app: api}}}}
    spec:
      containers:
      - {{name: api, image: api:1, resources: {{requests: {{cpu: 500m, memory: 256Mi}}}}}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: api}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: api}}
  minReplicas: 2
  maxReplicas: 100
  metrics:
  - type: Resource
    resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}
  - type: Resource
    resource: {{name: memory, target: {{type: Utilization, averageUtilization: 80}}}}
  behavior:
    scaleDown: {{stabilizationWindowSeconds: 300}}
---
apiVersion: kubeplay.dev/v1alpha1
kind: HPASimulation
metadata: {{name: day}}
spec:
  duration: 24h
  load:
  - metric: cpu
    total: [{cpu}]
  - metric: memory
    total: [{memory}]
"
    )
}

fn bench(c: &mut Criterion) {
    let text = day_manifests();
    let loading = load(&[Input::new("day.yaml", &text)]);
    assert!(loading.diagnostics.is_empty(), "{:?}", loading.diagnostics);
    let run = simulate(&loading.inventory);
    let timeline = run.timeline.expect("the day runs");
    assert_eq!(timeline.steps.len(), 5760);
    assert_eq!(timeline.peak_replicas(), 100);
    let mut group = c.benchmark_group("hpa");
    group.sample_size(20);
    group.bench_function("24 h at 15 s, 2 metrics, up to 100 replicas (simulate)", |b| {
        b.iter(|| simulate(&loading.inventory))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
