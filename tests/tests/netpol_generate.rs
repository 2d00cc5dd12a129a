//! Generated policies on random clusters and random wanted flow sets: on the
//! input without its own policies plus the generated ones, the reference
//! evaluator's truth table is exactly the wanted flows (plus DNS to kube-dns)
//! on every port a flow names, on 53, and on a port no flow names; or, when two
//! pods with the same namespace and labels are treated differently, the
//! error names two such pods.

use std::collections::BTreeSet;

use kubeplay_core::netpol::apply::replace_policies;
use kubeplay_core::netpol::generate::{
    Flow, FlowPort, FlowProtocol, Flows, GenerateError, Generated, generate, to_yaml, verify,
};
use kubeplay_core::netpol::{NetpolOptions, Protocol};
use kubeplay_core::{Input, Severity, load};
use kubeplay_tests::netpol_mutate::{documents, join};
use kubeplay_tests::netpol_random::{Rng, random_cluster};
use kubeplay_tests::netpol_ref::ref_probe;
use serde_json::Value;

fn load_clean(yaml: &str) -> kubeplay_core::model::Inventory {
    let loading = load(&[Input::new("random.yaml", yaml)]);
    let errors: Vec<&str> =
        loading.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.message.as_str()).collect();
    assert!(errors.is_empty(), "{errors:?}\n{yaml}");
    loading.inventory
}

/// The first pair the reference evaluator allows or denies against the wanted
/// flows (plus DNS to kube-dns), on every port a flow names, on 53, and on
/// ports no flow names.
fn first_unwanted(
    inventory: &kubeplay_core::model::Inventory,
    wanted: &BTreeSet<(String, String, Protocol, u16)>,
    dns: bool,
) -> Option<String> {
    let mut ports: BTreeSet<(Protocol, u16)> = wanted.iter().map(|w| (w.2, w.3)).collect();
    ports.extend([(Protocol::UDP, 53), (Protocol::TCP, 53), (Protocol::TCP, 12345), (Protocol::SCTP, 80)]);
    for (protocol, port) in ports {
        let probe = ref_probe(inventory, port, protocol.as_str(), &[]).unwrap();
        for (i, from) in probe.pods.iter().enumerate() {
            for (j, to) in probe.pods.iter().enumerate() {
                if i == j {
                    continue;
                }
                let dns_flow = dns && port == 53 && protocol != Protocol::SCTP && to == "kube-system/coredns";
                let expected = wanted.contains(&(from.clone(), to.clone(), protocol, port)) || dns_flow;
                if probe.allowed[i][j] != expected {
                    return Some(format!("{from} → {to} on {port}/{protocol}: allowed {}", probe.allowed[i][j]));
                }
            }
        }
    }
    None
}

/// Namespace and labels of each probe id, from the documents.
fn identity(docs: &[Value], id: &str) -> Option<(String, String)> {
    docs.iter().find_map(|d| {
        let kind = d["kind"].as_str()?;
        let namespace = d["metadata"]["namespace"].as_str().unwrap_or("default");
        let name = d["metadata"]["name"].as_str()?;
        let (own, labels) = if kind == "Pod" {
            (format!("{namespace}/{name}"), &d["metadata"]["labels"])
        } else {
            (format!("{namespace}/{name}[{kind}]"), &d["spec"]["template"]["metadata"]["labels"])
        };
        (own == id).then(|| (namespace.to_owned(), labels.to_string()))
    })
}

#[test]
fn generated_policies_give_exactly_the_wanted_flows() {
    let (mut generated, mut refused, mut dns_checked, mut caught) = (0, 0, 0, 0);
    for seed in 0..120 {
        let cluster = random_cluster(seed);
        // No hostNetwork pods (no selector matches them) and no finished pods.
        let mut docs: Vec<Value> = documents(&cluster)
            .into_iter()
            .filter(|d| d["spec"]["hostNetwork"] != Value::Bool(true))
            .filter(|d| !matches!(d["status"]["phase"].as_str(), Some("Succeeded" | "Failed")))
            .collect();
        let mut rng = Rng::new(seed ^ 0x6E6E);
        let with_dns_server = rng.chance(60);
        if with_dns_server {
            docs.push(serde_json::json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": "coredns", "namespace": "kube-system", "labels": {"k8s-app": "kube-dns"}},
                "spec": {"containers": [{"name": "coredns", "image": "coredns", "ports": [
                    {"name": "dns", "containerPort": 53, "protocol": "UDP"},
                    {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"}]}]},
            }));
        }
        let yaml = join(&docs);
        let inventory = load_clean(&yaml);
        let ids = ref_probe(&inventory, 80, "TCP", &[]).unwrap().pods;
        if ids.len() < 2 {
            continue;
        }
        let mut flows = Vec::new();
        for _ in 0..1 + rng.below(6) {
            let from = rng.pick(&ids).clone();
            let to = rng.pick(&ids).clone();
            let port = *rng.pick(&[80u16, 443, 8080, 9090]);
            let protocol = *rng.pick(&[Protocol::TCP, Protocol::TCP, Protocol::UDP]);
            flows.push(Flow { from, to, port: FlowPort(port), protocol: FlowProtocol(protocol) });
        }
        let dns = rng.chance(50);
        let request = Flows { flows: flows.clone(), dns };
        let label = format!("seed {seed}");
        match generate(&inventory, &NetpolOptions::default(), &request) {
            Err(GenerateError::Indistinguishable { wanted, unwanted, .. }) => {
                assert_ne!(wanted, unwanted);
                assert_eq!(
                    identity(&docs, &wanted),
                    identity(&docs, &unwanted),
                    "{label}: {wanted} and {unwanted} differ"
                );
                refused += 1;
            }
            Err(other) => panic!("{label}: {other}"),
            Ok(policies) => {
                let mut with: Vec<Value> = docs.iter().filter(|d| d["kind"] != "NetworkPolicy").cloned().collect();
                with.extend(policies.iter().map(|g| g.policy.clone()));
                let applied = load_clean(&join(&with));
                // The page's route: the input's text with its policies replaced gives the same table.
                let through_text = replace_policies(
                    &yaml,
                    "random.yaml",
                    &load(&[Input::new("random.yaml", &yaml)]),
                    &to_yaml(&policies),
                    policies.len(),
                )
                .unwrap_or_else(|| panic!("{label}: the policies could not be replaced in the text"));
                let text_inventory = load_clean(&through_text);
                for (protocol, port) in [(Protocol::TCP, 80), (Protocol::UDP, 53), (Protocol::TCP, 9090)] {
                    let a = ref_probe(&applied, port, protocol.as_str(), &[]).unwrap();
                    let b = ref_probe(&text_inventory, port, protocol.as_str(), &[]).unwrap();
                    assert_eq!(
                        (a.pods, a.allowed),
                        (b.pods, b.allowed),
                        "{label}: the text route differs on {port}/{protocol}"
                    );
                }
                let wanted: BTreeSet<(String, String, Protocol, u16)> = flows
                    .iter()
                    .filter(|f| f.from != f.to)
                    .map(|f| (f.from.clone(), f.to.clone(), f.protocol.0, f.port.0))
                    .collect();
                if let Some(wrong) = first_unwanted(&applied, &wanted, dns) {
                    panic!("{label}: {wrong}");
                }
                // Verification is what stands between a bug and the user: broken
                // on purpose (a policy dropped, or one namespace opened), the
                // policies must be refused wherever the reference sees the damage.
                let options = NetpolOptions::default();
                assert_eq!(verify(&inventory, &options, &policies, &request), Ok(()), "{label}");
                let mut dropped = policies.clone();
                dropped.remove(rng.below(policies.len()));
                let mut opened = policies.clone();
                let someone: &String = rng.pick(&ids);
                let (namespace, _) = identity(&docs, someone).unwrap_or_default();
                opened.push(Generated {
                    policy: serde_json::json!({
                        "apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                        "metadata": {"name": "open", "namespace": namespace},
                        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [{}], "egress": [{}]},
                    }),
                    comment: String::new(),
                });
                for (what, broken) in [("dropped", &dropped), ("opened", &opened)] {
                    let mut with: Vec<Value> = docs.iter().filter(|d| d["kind"] != "NetworkPolicy").cloned().collect();
                    with.extend(broken.iter().map(|g| g.policy.clone()));
                    if let Some(wrong) = first_unwanted(&load_clean(&join(&with)), &wanted, dns) {
                        let verdict = verify(&inventory, &options, broken, &request);
                        assert!(
                            matches!(verdict, Err(GenerateError::Unverified { .. })),
                            "{label}: a policy {what} ({wrong}) passed verification: {verdict:?}"
                        );
                        caught += 1;
                    }
                }
                generated += 1;
                dns_checked += usize::from(dns && with_dns_server);
            }
        }
    }
    assert!(
        generated > 30 && refused > 5 && dns_checked > 10 && caught > 60,
        "generated {generated}, refused {refused}, dns {dns_checked}, broken and refused {caught}"
    );
}
