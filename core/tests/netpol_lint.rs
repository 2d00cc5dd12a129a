//! Lint findings with their exact lines.

use kubeplay_core::netpol::lint::lint;
use kubeplay_core::netpol::{Engine, NetpolOptions};
use kubeplay_core::{Input, load};

fn findings(name: &str, text: &str) -> Vec<(String, usize, String)> {
    let loading = load(&[Input::new(name, text)]);
    assert!(loading.diagnostics.iter().all(|d| !d.is_error()), "{:?}", loading.diagnostics);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    lint(&engine, &loading.inventory).into_iter().map(|d| (d.code, d.location.span.line, d.message)).collect()
}

fn codes_at(found: &[(String, usize, String)]) -> Vec<(&str, usize)> {
    found.iter().map(|(c, l, _)| (c.as_str(), *l)).collect()
}

#[test]
fn training_multi_tier_policy() {
    let text = include_str!("netpol-lint/multi-tier.yaml");
    let found = findings("multi-tier.yaml", text);
    let codes = codes_at(&found);
    // `namespaceSelector: {matchLabels: {name: monitoring}}` starts on line 20.
    assert!(codes.contains(&("netpol-namespace-label-unmatched", 20)), "{found:#?}");
    // The TCP/53 port entry starts on line 37.
    assert!(codes.contains(&("netpol-dns-tcp-only", 37)), "{found:#?}");
    let ns = found.iter().find(|f| f.0 == "netpol-namespace-label-unmatched").unwrap();
    assert!(ns.2.contains("kubernetes.io/metadata.name"), "{}", ns.2);
    assert!(ns.2.contains("`name`"), "{}", ns.2);
    assert_eq!(found.len(), 2, "{found:#?}");
}

const PODS: &str = r#"
{apiVersion: v1, kind: Pod, metadata: {name: a, namespace: x, labels: {app: a}}, spec: {containers: [{name: c, image: i, ports: [{containerPort: 80, name: http}]}]}}
---
{apiVersion: v1, kind: Pod, metadata: {name: b, namespace: x, labels: {app: b}}, spec: {containers: [{name: c, image: i}]}}
"#;

fn with_pods(policy: &str) -> Vec<(String, usize, String)> {
    findings("case.yaml", &format!("{PODS}---\n{policy}"))
}

#[test]
fn selects_nothing_and_peer_selects_nothing() {
    let found = with_pods(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector: {matchLabels: {app: nope}}\n  ingress:\n  - from:\n    - podSelector: {matchLabels: {app: ghost}}\n",
    );
    let codes = codes_at(&found);
    assert!(codes.contains(&("netpol-selects-nothing", 10)), "{found:#?}");
    assert!(codes.contains(&("netpol-peer-selects-nothing", 13)), "{found:#?}");
}

/// netpol.md §35: selectors never match hostNetwork pods. A policy or peer
/// whose labels only hostNetwork pods carry selects nothing, and says why
/// (kube-prometheus's node-exporter policy is one: its DaemonSet runs on the
/// host network).
#[test]
fn selecting_only_host_network_pods_says_so() {
    let exporter = r#"
{apiVersion: apps/v1, kind: DaemonSet, metadata: {name: exporter, namespace: x}, spec: {selector: {matchLabels: {app: exporter}}, template: {metadata: {labels: {app: exporter}}, spec: {hostNetwork: true, containers: [{name: c, image: i}]}}}}
---
{apiVersion: v1, kind: Pod, metadata: {name: agent, namespace: "y", labels: {app: exporter}}, spec: {hostNetwork: true, containers: [{name: c, image: i}]}}
"#;
    let found = findings(
        "case.yaml",
        &format!(
            "{PODS}---{exporter}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: x}}\nspec:\n  podSelector: {{matchLabels: {{app: exporter}}}}\n  ingress:\n  - from:\n    - podSelector: {{matchLabels: {{app: ghost}}}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: q, namespace: x}}\nspec:\n  podSelector: {{matchLabels: {{app: a}}}}\n  ingress:\n  - from:\n    - namespaceSelector: {{}}\n      podSelector: {{matchLabels: {{app: exporter}}}}\n"
        ),
    );
    let selects: Vec<&str> = found.iter().filter(|f| f.0 == "netpol-selects-nothing").map(|f| f.2.as_str()).collect();
    assert_eq!(
        selects,
        [
            "NetworkPolicy x/p selects no pod: in namespace x only hostNetwork pods match podSelector app=exporter (x/exporter[DaemonSet]), and NetworkPolicy never selects those (their traffic is the node's), so the policy has no effect."
        ],
        "{found:#?}"
    );
    let peers: Vec<&str> =
        found.iter().filter(|f| f.0 == "netpol-peer-selects-nothing").map(|f| f.2.as_str()).collect();
    // p's peer matches nothing at all; q's would match the DaemonSet's pods and y/agent.
    assert_eq!(peers.len(), 2, "{found:#?}");
    assert!(
        peers[0].starts_with("this from peer matches no pod: nothing in namespace x has labels app=ghost."),
        "{}",
        peers[0]
    );
    assert_eq!(
        peers[1],
        "this from peer matches no pod: in namespaces matching {} (everything) only hostNetwork pods have labels app=exporter (x/exporter[DaemonSet], y/agent), and peers never match those (their traffic is the node's). It allows nothing; an ipBlock of the nodes' addresses does."
    );
}

/// A cluster dump holds a hostNetwork pod per node (kube-proxy): the finding
/// names three and counts the rest.
#[test]
fn host_network_pods_are_named_three_at_most() {
    let proxies: Vec<String> = (0..5)
        .map(|i| format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: proxy-{i}, namespace: x, labels: {{k8s-app: proxy}}}}\nspec: {{hostNetwork: true, containers: [{{name: c, image: i}}]}}\n"))
        .collect();
    let found = findings(
        "case.yaml",
        &format!(
            "{PODS}---\n{}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: x}}\nspec:\n  podSelector: {{matchLabels: {{k8s-app: proxy}}}}\n",
            proxies.join("---\n")
        ),
    );
    let message = &found.iter().find(|f| f.0 == "netpol-selects-nothing").expect("a finding").2;
    assert!(message.contains("(x/proxy-0, x/proxy-1, x/proxy-2 and 2 more)"), "{message}");
}

#[test]
fn named_port_unresolved_and_rules_ignored() {
    let found = with_pods(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  ingress:\n  - ports:\n    - port: http\n  egress:\n  - to:\n    - podSelector: {matchLabels: {app: b}}\n    ports:\n    - port: http\n",
    );
    let codes = codes_at(&found);
    assert!(codes.contains(&("netpol-rules-ignored", 12)), "{found:#?}");
    assert!(codes.contains(&("netpol-named-port-unresolved", 19)), "{found:#?}");
    assert!(codes.contains(&("netpol-dns-blocked", 15)), "{found:#?}");
}

#[test]
fn empty_egress_without_policy_types() {
    let found = with_pods(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector: {}\n  egress: []\n",
    );
    assert!(codes_at(&found).contains(&("netpol-egress-not-enforced", 11)), "{found:#?}");
}

#[test]
fn allow_all_shadows_narrower_rules() {
    let found = with_pods(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector: {}\n  ingress:\n  - {}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: q, namespace: x}\nspec:\n  podSelector: {matchLabels: {app: a}}\n  ingress:\n  - ports: [{port: 80}]\n",
    );
    let shadow = found.iter().find(|f| f.0 == "netpol-allow-all-shadows").expect("shadow finding");
    assert_eq!(shadow.1, 12);
    assert!(shadow.2.contains("x/q ingress rule 0"), "{}", shadow.2);
}

#[test]
fn invalid_policy_is_an_error_at_its_field() {
    let found = with_pods(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec:\n  podSelector: {}\n  ingress:\n  - ports:\n    - port: 80\n      protocol: tcp\n",
    );
    assert!(codes_at(&found).contains(&("netpol-invalid", 14)), "{found:#?}");
}

/// A namespace selected by its name label (`kubernetes.io/metadata.name`, which
/// the API server puts on every namespace) that the input does not hold: right
/// on a cluster, so an info saying the input lacks it, not a warning to write
/// the selector the policy already has. A selector by other labels still warns.
#[test]
fn namespace_selected_by_name_but_not_in_the_input() {
    let found = with_pods(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: dns, namespace: x}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n      podSelector: {matchLabels: {k8s-app: kube-dns}}\n  - to:\n    - namespaceSelector:\n        matchExpressions: [{key: kubernetes.io/metadata.name, operator: In, values: [a, b]}]\n  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system, team: core}}\n",
    );
    let codes = codes_at(&found);
    assert!(codes.contains(&("netpol-namespace-not-in-input", 14)), "{found:#?}");
    assert!(codes.contains(&("netpol-namespace-not-in-input", 17)), "{found:#?}");
    // Name and another label: a real namespace carries only its name unless labelled.
    assert!(codes.contains(&("netpol-namespace-label-unmatched", 20)), "{found:#?}");
    let kube_system = found.iter().find(|f| f.1 == 14).unwrap();
    assert_eq!(
        kube_system.2,
        "namespaceSelector selects namespace kube-system, which is not in the input, so here this peer matches nothing. On a cluster that has it, the API server's `kubernetes.io/metadata.name` label makes the peer match the pods there with labels k8s-app=kube-dns: add those objects to the input to see that traffic."
    );
    let two = found.iter().find(|f| f.1 == 17).unwrap();
    assert!(two.2.starts_with("namespaceSelector selects namespaces a, b, none of which is in the input"), "{}", two.2);
    assert!(two.2.contains("match every pod there"), "{}", two.2);

    // The same selector with kube-system in the input matches it: no finding.
    let found = with_pods(
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: kube-system}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: dns, namespace: x}\nspec:\n  podSelector: {}\n  policyTypes: [Egress]\n  egress:\n  - to:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}\n",
    );
    assert!(!found.iter().any(|f| f.0.starts_with("netpol-namespace")), "{found:#?}");
}
