//! The disruption lab's drain/PDB sequence against the independent
//! second-by-second reference (`kubeplay_tests::drain_ref`) on random small
//! clusters: every eviction call (time, pod, code), when the drain completes,
//! and where every pod ends up.

use kubeplay_core::resilience::{Options, simulate};
use kubeplay_core::{Input, load};
use kubeplay_tests::drain_ref::{Budget, RefCluster, RefNode, RefOutcome, manifests, reference};
use proptest::prelude::*;

fn engine(cluster: &RefCluster) -> RefOutcome {
    let text = manifests(cluster);
    let loading = load(&[Input { name: "random.yaml", bytes: text.as_bytes() }]);
    assert!(loading.diagnostics.iter().all(|d| !d.is_error()), "{text}\n{:?}", loading.diagnostics);
    let report = simulate(&loading.inventory, Options::default()).unwrap_or_else(|e| panic!("{text}\n{}", e.message));
    RefOutcome {
        evictions: report.evictions.iter().map(|e| (e.t, e.pod.clone(), e.code)).collect(),
        drained_at: report.drains[0].completed_at,
        final_pods: report.final_state.pods.iter().map(|p| (p.name.clone(), p.node.clone(), p.ready)).collect(),
    }
}

fn cluster() -> impl Strategy<Value = RefCluster> {
    (
        proptest::collection::vec((0usize..3, 1i64..=4), 2..=4),
        1i64..=5,
        prop_oneof![Just(250i64), Just(500), Just(1000), Just(1500)],
        prop_oneof![(0i64..=5).prop_map(Budget::MinAvailable), (0i64..=2).prop_map(Budget::MaxUnavailable)],
        0usize..4,
    )
        .prop_map(|(nodes, replicas, cpu_milli, budget, drained)| {
            let nodes: Vec<RefNode> = nodes
                .into_iter()
                .enumerate()
                .map(|(i, (zone, cores))| RefNode {
                    name: format!("node-{i}"),
                    zone: format!("z{zone}"),
                    cpu_milli: cores * 1000,
                })
                .collect();
            let drained = drained % nodes.len();
            RefCluster { nodes, replicas, cpu_milli, budget, drained, horizon: 40 }
        })
}

/// The worked example of disruption.md §8.3 through the reference itself.
#[test]
fn reference_reproduces_the_worked_example() {
    let c = RefCluster {
        nodes: vec![
            RefNode { name: "node-1".into(), zone: "east-a".into(), cpu_milli: 4000 },
            RefNode { name: "node-2".into(), zone: "east-b".into(), cpu_milli: 4000 },
        ],
        replicas: 3,
        cpu_milli: 500,
        budget: Budget::MinAvailable(2),
        drained: 0,
        horizon: 30,
    };
    let outcome = reference(&c);
    assert_eq!(
        outcome.evictions,
        vec![(0, "api-0".into(), 201), (0, "api-2".into(), 429), (5, "api-2".into(), 429), (10, "api-2".into(), 201)]
    );
    assert_eq!(outcome.drained_at, Some(11));
    assert_eq!(outcome, engine(&c));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn engine_agrees_with_the_reference(c in cluster()) {
        let expected = reference(&c);
        let actual = engine(&c);
        prop_assert_eq!(&actual, &expected, "{}", manifests(&c));
    }
}
