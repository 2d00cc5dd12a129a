//! One definition of a default deny: the report's NetworkPolicy summary
//! (`namespaces_without_default_deny`) and the best-practice finding
//! `namespace-without-default-deny` give the same answer for every namespace,
//! and that answer is `Policy::is_default_deny`: an empty podSelector governing
//! the direction with no rule for it, in a policy the API server accepts.

use kubeplay_core::{Input, analyze};

/// One namespace per shape of policy, each with one pod; the expected
/// (ingress, egress) default denies of each namespace.
const CASES: &[(&str, &str, (bool, bool))] = &[
    ("deny-ingress", "podSelector: {}\n  policyTypes: [Ingress]", (true, false)),
    ("deny-both", "podSelector: {}\n  policyTypes: [Ingress, Egress]", (true, true)),
    // No policyTypes and `egress: []`: [Ingress] only.
    ("egress-empty-list", "podSelector: {}\n  egress: []", (true, false)),
    // `policyTypes: []` is defaulted like an absent list: egress rules add Egress,
    // and that direction has a rule, so only ingress is denied by default.
    (
        "types-empty-list",
        "podSelector: {}\n  policyTypes: []\n  egress: [{ports: [{port: 53, protocol: UDP}]}]",
        (true, false),
    ),
    // The documented "allow all ingress": isolates every pod but allows everything.
    ("allow-all", "podSelector: {}\n  ingress: [{}]", (false, false)),
    // Rules that allow some traffic: not a default deny.
    ("same-namespace", "podSelector: {}\n  ingress: [{from: [{podSelector: {}}]}]", (false, false)),
    // Selects only some pods.
    ("some-pods", "podSelector: {matchLabels: {app: db}}\n  policyTypes: [Ingress, Egress]", (false, false)),
    // Rejected by the API server (unknown policy type): it never exists.
    ("invalid", "podSelector: {}\n  policyTypes: [Ingress, Sideways]", (false, false)),
    ("no-policy", "", (false, false)),
];

fn manifests() -> String {
    let mut text = String::new();
    for (namespace, spec, _) in CASES {
        if !spec.is_empty() {
            text.push_str(&format!(
                "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: policy\n  namespace: {namespace}\nspec:\n  {spec}\n"
            ));
        }
        text.push_str(&format!(
            "---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: app\n  namespace: {namespace}\n  labels: {{app: app}}\nspec:\n  containers: [{{name: app, image: app:1.0.0}}]\n"
        ));
    }
    text
}

#[test]
fn summary_and_best_practices_share_one_default_deny() {
    let text = manifests();
    let report = analyze(&[Input::new("default-deny.yaml", &text)]);
    let netpol_errors: Vec<&str> =
        report.diagnostics.iter().filter(|d| d.code == "netpol-invalid").map(|d| d.message.as_str()).collect();
    assert_eq!(netpol_errors.len(), 1, "only the `invalid` namespace's policy is rejected: {netpol_errors:?}");
    for (namespace, _, (ingress, egress)) in CASES {
        let summary = report.netpol.namespaces_without_default_deny.iter().find(|n| n.namespace == *namespace);
        let from_summary = summary.map_or((true, true), |n| (n.ingress, n.egress));
        assert_eq!(from_summary, (*ingress, *egress), "summary of namespace {namespace}");
        let workload = report.security.workloads.iter().find(|w| w.namespace == *namespace).expect("the pod");
        let finding = workload.findings.iter().any(|f| f.code == "namespace-without-default-deny");
        assert_eq!(!finding, from_summary.0, "best practice and summary disagree on ingress in {namespace}");
    }
}
