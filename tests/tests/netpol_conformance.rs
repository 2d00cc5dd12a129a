//! The NetworkPolicy conformance corpus (`tests/netpol/`) against the reference
//! evaluator: every case must pass, and every case must be in the passing list.

use kubeplay_tests::netpol_cases::{assert_corpus, case_files, read_passing_list, run_corpus};
use kubeplay_tests::netpol_ref::ref_evaluator;

#[test]
fn reference_evaluator_passes_every_listed_suite() {
    assert_corpus("reference.passing", &ref_evaluator);
}

#[test]
fn reference_evaluator_passes_the_whole_corpus_and_the_list_names_it_all() {
    let outcomes = run_corpus(&ref_evaluator);
    let failures: Vec<String> = outcomes
        .iter()
        .filter_map(|(suite, outcome)| outcome.as_ref().err().map(|e| format!("{suite}:\n{e}")))
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    let listed = read_passing_list("reference.passing").expect("passing list");
    let missing: Vec<String> = case_files().into_iter().filter(|f| !listed.contains(f)).collect();
    assert!(missing.is_empty(), "add to tests/netpol/reference.passing: {missing:?}");
}

/// Every upstream e2e scenario (48 at 008b3652959c), every recipe with a
/// policy (14) and the hand-written cases of `spec/` are present.
#[test]
fn corpus_is_complete() {
    let files = case_files();
    let count = |dir: &str| files.iter().filter(|f| f.starts_with(dir)).count();
    assert!(count("e2e/") >= 48, "e2e cases: {}", count("e2e/"));
    assert!(count("recipes/") >= 14, "recipe cases: {}", count("recipes/"));
    assert!(count("spec/") >= 26, "spec cases: {}", count("spec/"));
}

/// The runner must actually compare: an evaluator that allows everything fails
/// a deny case, naming the cell.
#[test]
fn runner_reports_each_differing_cell() {
    let path = kubeplay_tests::netpol_cases::corpus_root().join("e2e/default-deny-ingress.yaml");
    let case = kubeplay_tests::netpol_cases::load_case(&path).expect("case loads");
    let allow_all = |inventory: &kubeplay_core::model::Inventory, port: u16, protocol: &str, externals: &[String]| {
        let (ids, _) = ref_evaluator(inventory, port, protocol, externals);
        let n = ids.len();
        (ids, vec![vec![true; n]; n])
    };
    let report = kubeplay_tests::netpol_cases::run_case(&case, &allow_all).expect_err("must fail");
    assert!(report.contains("y/a -> x/b: expected denied, got allowed"), "{report}");
    assert!(report.contains("6 cell(s) differ"), "{report}");
}
