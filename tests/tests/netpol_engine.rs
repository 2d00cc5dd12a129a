//! The core NetworkPolicy engine against the ground truth: the transcribed
//! upstream e2e suite, the recipes and the hand-written cases (`tests/netpol/`), and the
//! independent reference evaluator on randomized clusters.

use kubeplay_core::model::Inventory;
use kubeplay_core::netpol::{NetpolOptions, ProbeQuery, probe};
use kubeplay_tests::netpol_cases::{assert_corpus, case_files, read_passing_list};
use kubeplay_tests::netpol_random::{random_cluster, random_probe};
use kubeplay_tests::netpol_ref::ref_evaluator;

fn engine(inventory: &Inventory, port: u16, protocol: &str, externals: &[String]) -> (Vec<String>, Vec<Vec<bool>>) {
    let query = ProbeQuery {
        port,
        protocol: protocol.parse().unwrap_or_else(|_| panic!("protocol {protocol}")),
        externals: externals.to_vec(),
    };
    let result = probe(inventory, &NetpolOptions::default(), &query);
    (result.pods, result.allowed)
}

#[test]
fn engine_passes_every_listed_suite() {
    assert_corpus("engine.passing", &engine);
}

/// The engine's passing list names the whole corpus (it may only grow; today it
/// is complete).
#[test]
fn engine_passing_list_is_the_whole_corpus() {
    let listed = read_passing_list("engine.passing").expect("passing list");
    let missing: Vec<String> = case_files().into_iter().filter(|f| !listed.contains(f)).collect();
    assert!(missing.is_empty(), "not yet in tests/netpol/engine.passing: {missing:?}");
}

/// The class-level engine and the pair-by-pair reference evaluator agree on
/// randomized clusters, cell by cell.
#[test]
fn engine_agrees_with_the_reference_on_random_clusters() {
    for seed in 0..300u64 {
        let text = random_cluster(seed);
        let inventory = kubeplay_core::load(&[kubeplay_core::Input::new("random.yaml", &text)]).inventory;
        for round in 0..3 {
            let query = random_probe(seed * 7 + round);
            let expected = ref_evaluator(&inventory, query.port, query.protocol, &query.externals);
            let actual = engine(&inventory, query.port, query.protocol, &query.externals);
            assert_eq!(actual.0, expected.0, "seed {seed}: ids differ");
            for (i, row) in expected.1.iter().enumerate() {
                for (j, cell) in row.iter().enumerate() {
                    assert_eq!(
                        actual.1[i][j], *cell,
                        "seed {seed}, {}/{}: {} -> {} (reference says {cell})\n{text}",
                        query.port, query.protocol, expected.0[i], expected.0[j]
                    );
                }
            }
        }
    }
}
