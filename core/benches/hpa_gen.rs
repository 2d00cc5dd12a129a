//! The HPA benchmark's input, shared by `benches/hpa.rs` (native, criterion)
//! and `tests/wasm_scaling_bench.rs` (wasm): one HPA over 24 h at a 15 s sync
//! period, two metrics, a daily load cycle between 2 and 100 replicas.

use std::fmt::Write as _;

/// Reconciles in the simulated day (24 h / 15 s).
pub const RECONCILES: usize = 5760;
/// The most pods at any point of the day (`maxReplicas`).
pub const PEAK_REPLICAS: i32 = 100;

/// A day of load: 96 quarter-hour steps of a cycle between 2 % and 100 % of
/// what 100 pods at their target would use, with a lunch spike.
pub fn day_manifests() -> String {
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
