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
    explain(&engine, &ExplainQuery::parse(&engine, from, to, port, Protocol::TCP).unwrap()).unwrap()
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
    let unknown = ExplainQuery::parse(&engine, "x/nobody", "x/server", 80, Protocol::TCP).unwrap_err();
    assert_eq!(
        unknown.to_string(),
        "no pod or workload `x/nobody` (ids look like `ns/name` for Pods, `ns/name[Deployment]` for workloads, `external:10.0.0.1`); known: x/client, x/server"
    );
    // Text that is no id at all is reported the same way, as typed.
    let not_an_id = ExplainQuery::parse(&engine, "x/client", "server[Foo]", 80, Protocol::TCP).unwrap_err();
    assert!(not_an_id.to_string().starts_with("no pod or workload `server[Foo]`"), "{not_an_id}");
    let bad_address = ExplainQuery::parse(&engine, "external:10.0.0/8", "x/server", 80, Protocol::TCP).unwrap_err();
    assert_eq!(bad_address.to_string(), "`10.0.0/8` is not a CIDR: `10.0.0` is not an IP address");
}

#[test]
fn anywhere_outside_is_an_endpoint() {
    // `external:any` (the graph's node for addresses no ipBlock names) is matched
    // only by rules without peers: here nothing allows it into x/server.
    let e = run("external:any", "x/server", 8080);
    assert!(!e.allowed);
    assert_eq!(e.from, "external:any");
    assert!(e.ingress.matches.is_empty(), "{:?}", e.ingress.matches);
    // x/server's egress is not isolated; x/client's is, by a policy with no rules.
    assert!(run("x/server", "external:any", 8080).allowed);
    assert!(!run("x/client", "external:any", 8080).allowed);
}
