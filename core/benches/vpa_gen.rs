//! The VPA benchmark's input, shared by `benches/vpa.rs` (native, criterion)
//! and `tests/wasm_scaling_bench.rs` (wasm): one VPA over eight days of
//! one-minute samples for three containers.

use std::fmt::Write as _;

/// A Deployment of one pod with three containers, its VPA, and a VPASimulation
/// with one usage range per container and hour.
pub fn manifests() -> String {
    let mut text = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: shop}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: shop}}\n  template:\n    metadata: {labels: {app: shop}}\n    spec:\n      containers:\n",
    );
    for name in ["web", "worker", "cache"] {
        let _ = writeln!(
            text,
            "      - {{name: {name}, image: shop:1, resources: {{requests: {{cpu: 200m, memory: 256Mi}}, limits: {{cpu: 400m, memory: 512Mi}}}}}}"
        );
    }
    text.push_str("---\napiVersion: autoscaling.k8s.io/v1\nkind: VerticalPodAutoscaler\nmetadata: {name: shop}\nspec:\n  targetRef: {apiVersion: apps/v1, kind: Deployment, name: shop}\n  updatePolicy: {updateMode: Recreate, minReplicas: 1}\n");
    text.push_str(
        "---\napiVersion: kubeplay.dev/v1alpha1\nkind: VPASimulation\nmetadata: {name: week}\nspec:\n  usage:\n",
    );
    for (index, name) in ["web", "worker", "cache"].iter().enumerate() {
        for hour in 0..8 * 24 {
            // A daily cycle: quiet nights, busy afternoons.
            let phase = (hour % 24) as f64 / 24.0 * std::f64::consts::TAU;
            let cpu = 80.0 + 60.0 * phase.sin() + 20.0 * index as f64;
            let memory = 180.0 + 40.0 * phase.cos() + 30.0 * index as f64;
            let _ = writeln!(
                text,
                "  - {{container: {name}, from: {hour}h, to: {}h, cpu: {}m, memory: {}Mi}}",
                hour + 1,
                cpu.round(),
                memory.round()
            );
        }
    }
    text
}
