//! The class-level engine and the pair-by-pair explanation must agree on every
//! pair of randomized clusters: different code paths (class sets and label
//! indexes versus direct selector matching) over the same compiled policies.

use kubeplay_core::netpol::explain::{explain_endpoints, resolve_endpoint};
use kubeplay_core::netpol::{Endpoint, Engine, NetpolOptions, ProbeQuery, Protocol, probe_engine};
use kubeplay_core::{Input, load};
use proptest::prelude::*;

/// Quoted: an unquoted `y` is the boolean true for kubectl (YAML 1.1).
const NAMESPACES: [&str; 3] = ["\"x\"", "\"y\"", "\"z\""];
const VALUES: [&str; 3] = ["a", "b", "c"];

fn selector() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{}".to_owned()),
        (0..3usize).prop_map(|v| format!("{{matchLabels: {{app: {}}}}}", VALUES[v])),
        (0..3usize).prop_map(|v| format!("{{matchLabels: {{tier: {}}}}}", VALUES[v])),
        (0..3usize, 0..3usize)
            .prop_map(|(a, t)| format!("{{matchLabels: {{app: {}, tier: {}}}}}", VALUES[a], VALUES[t])),
        (0..3usize)
            .prop_map(|v| format!("{{matchExpressions: [{{key: tier, operator: NotIn, values: [{}]}}]}}", VALUES[v])),
        Just("{matchExpressions: [{key: tier, operator: DoesNotExist}]}".to_owned()),
        Just("{matchExpressions: [{key: app, operator: Exists}]}".to_owned()),
    ]
}

fn namespace_selector() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{}".to_owned()),
        (0..3usize).prop_map(|n| format!("{{matchLabels: {{ns: {}}}}}", NAMESPACES[n])),
        (0..3usize).prop_map(|n| format!("{{matchLabels: {{kubernetes.io/metadata.name: {}}}}}", NAMESPACES[n])),
        Just("{matchLabels: {name: monitoring}}".to_owned()),
    ]
}

fn peer() -> impl Strategy<Value = String> {
    prop_oneof![
        selector().prop_map(|s| format!("{{podSelector: {s}}}")),
        namespace_selector().prop_map(|n| format!("{{namespaceSelector: {n}}}")),
        (selector(), namespace_selector()).prop_map(|(s, n)| format!("{{podSelector: {s}, namespaceSelector: {n}}}")),
        Just("{ipBlock: {cidr: 10.0.0.0/24}}".to_owned()),
        Just("{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.0.0/25]}}".to_owned()),
        Just("{ipBlock: {cidr: 0.0.0.0/0}}".to_owned()),
    ]
}

fn port() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("{port: 80}".to_owned()),
        Just("{port: 81, protocol: UDP}".to_owned()),
        Just("{port: 79, endPort: 81}".to_owned()),
        Just("{port: web}".to_owned()),
        Just("{port: web, protocol: UDP}".to_owned()),
        Just("{protocol: UDP}".to_owned()),
        Just("{}".to_owned()),
    ]
}

fn rule(peer_key: &'static str) -> impl Strategy<Value = String> {
    (
        proptest::option::of(proptest::collection::vec(peer(), 0..3)),
        proptest::option::of(proptest::collection::vec(port(), 0..3)),
    )
        .prop_map(move |(peers, ports)| {
            let mut parts = Vec::new();
            if let Some(peers) = peers {
                parts.push(format!("{peer_key}: [{}]", peers.join(", ")));
            }
            if let Some(ports) = ports {
                parts.push(format!("ports: [{}]", ports.join(", ")));
            }
            format!("{{{}}}", parts.join(", "))
        })
}

fn policy(index: usize) -> impl Strategy<Value = String> {
    (
        0..3usize,
        selector(),
        proptest::option::of(proptest::collection::vec(rule("from"), 0..3)),
        proptest::option::of(proptest::collection::vec(rule("to"), 0..3)),
        0..4usize,
    )
        .prop_map(move |(ns, pod_selector, ingress, egress, types)| {
            let mut spec = vec![format!("podSelector: {pod_selector}")];
            if let Some(rules) = ingress {
                spec.push(format!("ingress: [{}]", rules.join(", ")));
            }
            if let Some(rules) = egress {
                spec.push(format!("egress: [{}]", rules.join(", ")));
            }
            match types {
                1 => spec.push("policyTypes: [Ingress]".to_owned()),
                2 => spec.push("policyTypes: [Egress]".to_owned()),
                3 => spec.push("policyTypes: [Ingress, Egress]".to_owned()),
                _ => {}
            }
            format!(
                "{{apiVersion: networking.k8s.io/v1, kind: NetworkPolicy, metadata: {{name: p{index}, namespace: {}}}, spec: {{{}}}}}",
                NAMESPACES[ns],
                spec.join(", ")
            )
        })
}

fn pod(index: usize) -> impl Strategy<Value = String> {
    (0..3usize, 0..4usize, 0..4usize, 0..3usize, any::<bool>(), 0..3usize).prop_map(
        move |(ns, app, tier, web, has_ip, host)| {
            let mut labels = Vec::new();
            if app < 3 {
                labels.push(format!("app: {}", VALUES[app]));
            }
            if tier < 3 {
                labels.push(format!("tier: {}", VALUES[tier]));
            }
            let ports = match web {
                0 => "[{containerPort: 80, name: web}]",
                1 => "[{containerPort: 81, name: web, protocol: UDP}, {containerPort: 80}]",
                _ => "[]",
            };
            let status = if has_ip { format!(", status: {{podIP: 10.0.{}.{}}}", index % 2, index + 1) } else { String::new() };
            let host = match host {
                0 => ", hostNetwork: true, nodeName: n1",
                1 => ", nodeName: n1",
                _ => ", nodeName: n2",
            };
            format!(
                "{{apiVersion: v1, kind: Pod, metadata: {{name: p{index}, namespace: {}, labels: {{{}}}}}, spec: {{containers: [{{name: c, image: i, ports: {ports}}}]{host}}}{status}}}",
                NAMESPACES[ns],
                labels.join(", ")
            )
        },
    )
}

fn cluster() -> impl Strategy<Value = String> {
    let pods = (1..7usize).prop_flat_map(|n| (0..n).map(pod).collect::<Vec<_>>());
    let policies = (0..5usize).prop_flat_map(|n| (0..n).map(policy).collect::<Vec<_>>());
    (pods, policies).prop_map(|(pods, policies)| {
        let mut docs: Vec<String> = NAMESPACES
            .iter()
            .map(|n| format!("{{apiVersion: v1, kind: Namespace, metadata: {{name: {n}, labels: {{ns: {n}}}}}}}"))
            .collect();
        docs.extend(pods);
        docs.extend(policies);
        docs.join("\n---\n")
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn classes_and_pairs_agree(text in cluster(), ip_option in any::<bool>()) {
        let loading = load(&[Input::new("random.yaml", &text)]);
        let errors: Vec<_> = loading.diagnostics.iter().filter(|d| d.is_error()).map(|d| d.to_text()).collect();
        prop_assert!(errors.is_empty(), "{errors:?}\n{text}");
        let options = NetpolOptions { ip_block_matches_pod_ips: ip_option };
        let engine = Engine::new(&loading.inventory, &options);
        let externals = vec!["10.0.0.7".to_owned(), "10.0.0.0/24".to_owned(), "10.0.0.128/25".to_owned(), "192.168.0.0/16".to_owned()];
        for (port, protocol) in [(80, Protocol::TCP), (81, Protocol::UDP), (79, Protocol::TCP), (53, Protocol::UDP), (80, Protocol::SCTP)] {
            let probe = probe_engine(&engine, &ProbeQuery { port, protocol, externals: externals.clone() });
            let endpoint = |id: &str| -> Endpoint { resolve_endpoint(&engine, &id.parse().unwrap()).unwrap() };
            for (i, from) in probe.pods.iter().enumerate() {
                for (j, to) in probe.pods.iter().enumerate() {
                    let (from, to) = (endpoint(from), endpoint(to));
                    let e = explain_endpoints(&engine, &from, &to, port, protocol);
                    let external_pair = from.is_external() && to.is_external();
                    let expected = if external_pair { true } else { e.allowed };
                    prop_assert_eq!(probe.allowed[i][j], expected, "{} -> {} on {}/{}: {}\n{}", from.id, to.id, port, protocol, e.summary, text);
                }
            }
        }
    }
}
