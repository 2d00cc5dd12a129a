//! The disruption lab's bench input, shared by `benches/disruption.rs` (native,
//! criterion) and `tests/wasm_disruption_bench.rs` (wasm32), so both run the
//! same cluster.
#![allow(dead_code)]

use std::fmt::Write as _;

/// The target: 1 000 nodes, 30 000 pods, 500 PodDisruptionBudgets.
pub const DEFAULT_SIZE: (usize, usize, usize) = (1000, 30_000, 500);

/// Nodes spread over three regions of one zone each (so the failed zone's pods
/// all need new homes), one Deployment and one budget per `pods / budgets`
/// replicas, and a scenario that loses `east-a` at 0 until every pod is evicted
/// (the NoExecute taint reaches a node every 10 s).
pub fn manifests(nodes: usize, pods: usize, budgets: usize) -> String {
    let regions = ["east", "west", "north"];
    let mut out = String::new();
    for i in 0..nodes {
        let region = regions[i % 3];
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: node-{i}\n  labels: {{topology.kubernetes.io/region: {region}, topology.kubernetes.io/zone: {region}-a}}\nstatus:\n  allocatable: {{cpu: \"64\", memory: 256Gi, pods: \"110\"}}\n---\n"
        );
    }
    let replicas = pods / budgets.max(1);
    for b in 0..budgets {
        let _ = write!(
            out,
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: app-{b}}}\nspec:\n  replicas: {replicas}\n  selector: {{matchLabels: {{app: app-{b}}}}}\n  template:\n    metadata: {{labels: {{app: app-{b}}}}}\n    spec:\n      containers:\n      - {{name: c, image: \"app:1\", resources: {{requests: {{cpu: 100m, memory: 128Mi}}}}}}\n---\napiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: app-{b}}}\nspec:\n  maxUnavailable: 1\n  selector: {{matchLabels: {{app: app-{b}}}}}\n---\n"
        );
    }
    let horizon = 350 + 10 * (nodes / 3 + 1) + 20;
    let _ = write!(
        out,
        "apiVersion: kubeplay.dev/v1alpha1\nkind: ChaosScenario\nmetadata: {{name: zone-loss}}\nspec:\n  settings: {{horizonSeconds: {horizon}}}\n  steps:\n  - {{at: 0, action: ZoneFailure, zone: east-a}}\n"
    );
    out
}
