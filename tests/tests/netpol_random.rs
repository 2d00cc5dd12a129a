//! The random cluster generator: its output loads cleanly, is deterministic, and
//! the reference evaluator runs on it and keeps the invariants every answer must
//! have. The lead's agreement test compares the engine on the same clusters.

use kubeplay_core::{Input, Severity, load};
use kubeplay_tests::netpol_random::{RandomShape, random_cluster, random_cluster_with, random_probe};
use kubeplay_tests::netpol_ref::ref_probe;

const CLUSTERS: u64 = 200;

fn load_clean(yaml: &str, seed: u64) -> kubeplay_core::model::Inventory {
    let loading = load(&[Input::new("random.yaml", yaml)]);
    let problems: Vec<String> = loading
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error || d.code == "unknown-field")
        .map(|d| format!("{}:{}: {} ({})", d.location.file, d.location.span.line, d.message, d.code))
        .collect();
    assert!(
        problems.is_empty(),
        "seed {seed}: generated cluster does not load cleanly:\n{}\n{yaml}",
        problems.join("\n")
    );
    loading.inventory
}

/// Bigger shapes load cleanly too, with unique pod IPs.
#[test]
fn larger_shapes_load_cleanly_with_unique_pod_ips() {
    let shape = RandomShape { max_namespaces: 6, max_pods: 400, max_policies: 40 };
    for seed in 0..5 {
        let yaml = random_cluster_with(seed, &shape);
        let inventory = load_clean(&yaml, seed);
        let mut ips: Vec<String> = inventory
            .pods()
            .filter(|(_, pod)| pod.spec.as_ref().and_then(|s| s.host_network) != Some(true))
            .filter_map(|(_, pod)| pod.status.as_ref().and_then(|s| s.pod_ip.clone()))
            .collect();
        let count = ips.len();
        ips.sort();
        ips.dedup();
        assert_eq!(ips.len(), count, "seed {seed}: duplicate pod IPs");
        assert!(count > 20, "seed {seed}: only {count} pods with IPs");
    }
}

#[test]
fn generator_is_deterministic_and_varied() {
    assert_eq!(random_cluster(7), random_cluster(7));
    assert_eq!(random_probe(7), random_probe(7));
    assert_ne!(random_cluster(7), random_cluster(8));
}

#[test]
fn reference_evaluator_runs_on_random_clusters_and_keeps_invariants() {
    let mut policies = 0;
    let mut denied_cells = 0;
    let mut allowed_cells = 0;
    for seed in 0..CLUSTERS {
        let yaml = random_cluster(seed);
        let inventory = load_clean(&yaml, seed);
        policies += inventory.network_policies().count();
        for probe_seed in 0..3 {
            let probe = random_probe(seed * 3 + probe_seed);
            let result = ref_probe(&inventory, probe.port, probe.protocol, &probe.externals)
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
            let n = result.pods.len();
            assert_eq!(result.allowed.len(), n, "seed {seed}");
            assert!(result.pods.windows(2).all(|w| w[0] < w[1]), "seed {seed}: ids sorted and unique");
            for (i, row) in result.allowed.iter().enumerate() {
                assert_eq!(row.len(), n, "seed {seed}");
                assert!(row[i], "seed {seed}: loopback {} must be allowed", result.pods[i]);
                for (j, cell) in row.iter().enumerate() {
                    let both_external =
                        result.pods[i].starts_with("external:") && result.pods[j].starts_with("external:");
                    assert!(!both_external || *cell, "seed {seed}: external to external is always allowed");
                    if *cell { allowed_cells += 1 } else { denied_cells += 1 }
                }
            }
        }
    }
    // The generator must exercise policies, and the answers must not be trivial.
    assert!(policies > 200, "only {policies} policies in {CLUSTERS} clusters");
    assert!(denied_cells > 1000 && allowed_cells > 1000, "denied {denied_cells}, allowed {allowed_cells}");
}

/// Metamorphic check: policies are a union (netpol.md §7), so adding an allow-all
/// policy for both directions to every namespace makes every pair allowed.
#[test]
fn adding_allow_all_everywhere_allows_everything() {
    for seed in 0..CLUSTERS / 2 {
        let mut yaml = random_cluster(seed);
        let namespaces: Vec<String> = load_clean(&yaml, seed).namespaces.iter().map(|n| n.name.clone()).collect();
        for namespace in namespaces {
            yaml.push_str(&format!(
                "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: allow-everything, namespace: {namespace}}}\nspec:\n  podSelector: {{}}\n  policyTypes: [Ingress, Egress]\n  ingress: [{{}}]\n  egress: [{{}}]\n"
            ));
        }
        let inventory = load_clean(&yaml, seed);
        let probe = random_probe(seed);
        let result = ref_probe(&inventory, probe.port, probe.protocol, &probe.externals).expect("probe");
        assert!(result.allowed.iter().flatten().all(|c| *c), "seed {seed}: {:?}", result);
    }
}

/// Metamorphic check: with every policy removed nothing is isolated.
#[test]
fn without_policies_everything_is_allowed() {
    for seed in 0..CLUSTERS / 2 {
        let yaml: String = random_cluster(seed)
            .split("---\n")
            .filter(|doc| !doc.contains("kind: NetworkPolicy"))
            .collect::<Vec<_>>()
            .join("---\n");
        let inventory = load_clean(&yaml, seed);
        assert_eq!(inventory.network_policies().count(), 0);
        let probe = random_probe(seed);
        let result = ref_probe(&inventory, probe.port, probe.protocol, &probe.externals).expect("probe");
        assert!(result.allowed.iter().flatten().all(|c| *c), "seed {seed}");
    }
}
