//! Explanations: both sides, rule/peer/port indexes, locations, cross-tool notes.

use kubeplay_core::netpol::explain::{ExplainQuery, explain};
use kubeplay_core::netpol::{Engine, NetpolOptions, Protocol};
use kubeplay_core::{Input, load};

const TEXT: &str = "\
{apiVersion: v1, kind: Pod, metadata: {name: client, namespace: x, labels: {app: client}}, spec: {containers: [{name: c, image: i}]}, status: {podIP: 10.0.0.5}}
---
{apiVersion: v1, kind: Pod, metadata: {name: server, namespace: x, labels: {app: server}}, spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080, name: http}]}]}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: server-in, namespace: x}
spec:
  podSelector: {matchLabels: {app: server}}
  ingress:
  - from:
    - podSelector: {matchExpressions: [{key: env, operator: NotIn, values: [prod]}]}
    ports:
    - port: 9999
    - port: http
  - from:
    - ipBlock: {cidr: 10.0.0.0/24}
    ports:
    - port: 8080
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: client-out, namespace: x}
spec:
  podSelector: {matchLabels: {app: client}}
  policyTypes: [Egress]
";

fn run(from: &str, to: &str, port: u16) -> kubeplay_core::netpol::explain::Explanation {
    let loading = load(&[Input::new("e.yaml", TEXT)]);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    explain(&engine, &ExplainQuery { from: from.to_owned(), to: to.to_owned(), port, protocol: Protocol::TCP }).unwrap()
}

#[test]
fn both_sides_with_rules_and_lines() {
    let e = run("x/client", "x/server", 8080);
    assert!(!e.allowed, "client egress is denied");
    assert!(e.egress.isolated && !e.egress.allowed);
    assert_eq!(e.egress.policies[0].policy, "x/client-out");
    assert_eq!(e.egress.policies[0].location.span.line, 23);
    assert!(e.ingress.isolated && e.ingress.allowed);
    // Rule 0 via peer 0 and the named port entry 1; rule 1 via the ipBlock.
    let found: Vec<(usize, Option<usize>, Option<usize>, usize)> =
        e.ingress.matches.iter().map(|m| (m.rule, m.peer, m.port, m.location.span.line)).collect();
    assert_eq!(found, vec![(0, Some(0), Some(1), 12), (1, Some(0), Some(0), 17)]);
    assert!(e.summary.starts_with("DENIED"));
    assert!(e.summary.contains("x/client may not send it (egress)"), "{}", e.summary);
    assert!(e.notes.iter().any(|n| n.contains("NotIn")), "{:?}", e.notes);
    assert!(e.notes.iter().any(|n| n.contains("ipBlock matched the pod IP")), "{:?}", e.notes);
    assert!(e.notes.iter().any(|n| n.contains("Named port `http`")), "{:?}", e.notes);
}

#[test]
fn external_sources_and_unknown_ids() {
    let e = run("external:10.0.0.9", "x/server", 8080);
    assert!(e.allowed);
    assert_eq!(e.ingress.matches.len(), 1);
    let e = run("external:10.0.1.9", "x/server", 8080);
    assert!(!e.allowed);
    let loading = load(&[Input::new("e.yaml", TEXT)]);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    let error = explain(
        &engine,
        &ExplainQuery { from: "x/nobody".to_owned(), to: "x/server".to_owned(), port: 80, protocol: Protocol::TCP },
    )
    .unwrap_err();
    assert!(error.contains("x/nobody"), "{error}");
}
