//! Deterministic generated clusters of realistic shape for the NetworkPolicy
//! benchmarks: namespaces labelled `env` and `team`; deployments of
//! 3–6 replicas whose pods carry `app`, `tier`, `team` and a per-pod
//! `pod-template-hash`; most policies select one deployment and allow 1–3 peers
//! (same namespace, cross-namespace by label, or an ipBlock); some restrict
//! egress to a database plus DNS; every tenth namespace has a default deny.
//! Shared by `benches/netpol.rs` and `examples/netpol_scale.rs`.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::sync::Arc;

use kubeplay_core::model::{Kind, ObjectRef};
use kubeplay_core::netpol::endpoint::{Endpoint, EndpointRef, NamedPort};
use kubeplay_core::netpol::engine::NamespaceEntry;
use kubeplay_core::netpol::ip::{RangeSet, parse_cidr};
use kubeplay_core::netpol::policy::{NamespaceScope, Peer, PeerKind, Policy, PortEntry, PortSpec, Rule};
use kubeplay_core::netpol::selector::{Op, Requirement, Selector};
use kubeplay_core::netpol::{Engine, NetpolOptions, Protocol};
use kubeplay_core::source::{Location, Origin, SourceMap, Span};

const TIERS: [&str; 4] = ["frontend", "api", "db", "cache"];
const ENVS: [&str; 3] = ["prod", "staging", "dev"];

/// A small linear congruential generator: the same cluster on every run.
pub struct Lcg(pub u64);

impl Lcg {
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

fn labels(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| ((*k).to_owned(), v.clone())).collect()
}

fn eq(key: &str, value: &str) -> Selector {
    Selector { requirements: vec![Requirement { key: key.to_owned(), op: Op::In(vec![value.to_owned()]) }] }
}

pub struct Cluster {
    pub endpoints: Vec<Endpoint>,
    pub policies: Vec<Policy>,
    pub namespaces: Vec<NamespaceEntry>,
}

impl Cluster {
    pub fn engine(&self) -> Engine {
        Engine::build(
            NetpolOptions::default(),
            self.endpoints.clone(),
            self.policies.clone(),
            Vec::new(),
            self.namespaces.clone(),
        )
    }
}

pub fn generate(pods: usize, policies: usize) -> Cluster {
    let mut rng = Lcg(pods as u64 * 31 + policies as u64);
    let namespace_count = (pods / 500).max(2);
    let mut namespaces: Vec<NamespaceEntry> = (0..namespace_count)
        .map(|i| {
            let name = format!("ns-{i:04}");
            NamespaceEntry {
                labels: labels(&[
                    ("kubernetes.io/metadata.name", name.clone()),
                    ("env", ENVS[i % 3].to_owned()),
                    ("team", format!("team-{}", i % 20)),
                ]),
                name,
            }
        })
        .collect();
    namespaces.push(NamespaceEntry {
        name: "kube-system".to_owned(),
        labels: labels(&[("kubernetes.io/metadata.name", "kube-system".to_owned())]),
    });
    namespaces.sort_by(|a, b| a.name.cmp(&b.name));

    // Deployments: (namespace, app, tier) and their pods.
    let mut deployments: Vec<(String, String, &str)> = Vec::new();
    let mut endpoints = Vec::with_capacity(pods);
    while endpoints.len() < pods {
        let d = deployments.len();
        let ns = format!("ns-{:04}", rng.below(namespace_count));
        let tier = TIERS[rng.below(4)];
        let app = format!("app-{d}");
        let replicas = 3 + rng.below(4);
        for r in 0..replicas {
            if endpoints.len() >= pods {
                break;
            }
            let octets = endpoints.len();
            let reference = EndpointRef::Object(ObjectRef {
                kind: Kind::Pod,
                namespace: Some(ns.clone()),
                name: format!("{app}-{r}"),
            });
            endpoints.push(Endpoint {
                id: reference.to_string(),
                reference,
                object: None,
                namespace: ns.clone(),
                name: format!("{app}-{r}"),
                labels: labels(&[
                    ("app", app.clone()),
                    ("tier", tier.to_owned()),
                    ("team", format!("team-{}", d % 20)),
                    ("pod-template-hash", format!("h{d}x{r}")),
                ]),
                ports: vec![NamedPort { name: "http".to_owned(), protocol: Protocol::TCP, number: 8080 }],
                ips: vec![kubeplay_core::netpol::ip::Addr {
                    v6: false,
                    value: u128::from(0x0a00_0000u32 + octets as u32),
                }],
                range: None,
                host_network: false,
                node: Some(format!("node-{}", octets % 50)),
            });
        }
        deployments.push((ns, app, tier));
    }
    endpoints.sort_by(|a, b| a.id.cmp(&b.id));

    let origin = Origin {
        location: Location::new("generated.yaml", 1, Span::point(1, 1), Some(String::new())),
        source_map: Arc::new(SourceMap::default()),
    };
    let port = |index: usize, spec: PortSpec, protocol: Protocol| PortEntry { index, protocol, spec };
    let mut out = Vec::with_capacity(policies);
    for p in 0..policies {
        let (ns, app, _) = &deployments[rng.below(deployments.len())];
        let mut ingress = Vec::new();
        let mut egress = None;
        let selector;
        if p % 10 == 0 {
            // A default deny for the namespace.
            selector = Selector::default();
            egress = (p % 20 == 0).then(Vec::new);
        } else {
            selector = eq("app", app);
            let mut peers = Vec::new();
            for peer_index in 0..1 + rng.below(3) {
                let kind = match rng.below(10) {
                    0..=4 => {
                        let (_, other, _) = &deployments[rng.below(deployments.len())];
                        PeerKind::Pods { namespaces: NamespaceScope::Own, pods: eq("app", other) }
                    }
                    5..=7 => PeerKind::Pods {
                        namespaces: NamespaceScope::Selector(eq("env", ENVS[rng.below(3)])),
                        pods: eq("tier", TIERS[rng.below(4)]),
                    },
                    8 => PeerKind::Pods {
                        namespaces: NamespaceScope::Selector(eq("team", &format!("team-{}", rng.below(20)))),
                        pods: Selector::default(),
                    },
                    _ => {
                        let cidr = format!("10.{}.0.0/16", rng.below(4));
                        let mut addresses = RangeSet::default();
                        if let Ok(range) = parse_cidr(&cidr) {
                            addresses.add(range);
                        }
                        PeerKind::IpBlock { cidr, addresses }
                    }
                };
                peers.push(Peer { index: peer_index, kind });
            }
            let ports = if rng.below(2) == 0 {
                vec![port(0, PortSpec::Range(8080, 8080), Protocol::TCP)]
            } else {
                vec![port(0, PortSpec::Named("http".to_owned()), Protocol::TCP)]
            };
            ingress.push(Rule { index: 0, peers: Some(peers), ports: Some(ports) });
            if rng.below(5) == 0 {
                let (_, db, _) = &deployments[rng.below(deployments.len())];
                egress = Some(vec![
                    Rule {
                        index: 0,
                        peers: Some(vec![Peer {
                            index: 0,
                            kind: PeerKind::Pods { namespaces: NamespaceScope::Own, pods: eq("app", db) },
                        }]),
                        ports: Some(vec![port(0, PortSpec::Range(5432, 5432), Protocol::TCP)]),
                    },
                    Rule {
                        index: 1,
                        peers: Some(vec![Peer {
                            index: 0,
                            kind: PeerKind::Pods {
                                namespaces: NamespaceScope::Selector(eq("kubernetes.io/metadata.name", "kube-system")),
                                pods: Selector::default(),
                            },
                        }]),
                        ports: Some(vec![
                            port(0, PortSpec::Range(53, 53), Protocol::UDP),
                            port(1, PortSpec::Range(53, 53), Protocol::TCP),
                        ]),
                    },
                ]);
            }
        }
        out.push(Policy {
            object: p,
            namespace: ns.clone(),
            name: format!("policy-{p}"),
            selector,
            ingress: Some(ingress),
            egress,
            explicit_types: true,
            origin: origin.clone(),
        });
    }
    Cluster { endpoints, policies: out, namespaces }
}

/// A policy that opens a new flow: the `n`th pod's deployment lets its pods
/// talk to each other on TCP 9090, a port no generated policy names, in and
/// out (most namespaces have an egress default deny), so every ordered pair of
/// its pods changes unless another policy already allowed them that port.
pub fn opening_policy(cluster: &Cluster, n: usize) -> Option<Policy> {
    let pod = cluster.endpoints.get(n)?;
    let app = pod.labels.get("app")?;
    let origin = cluster.policies.first()?.origin.clone();
    let rule = Rule {
        index: 0,
        peers: Some(vec![Peer {
            index: 0,
            kind: PeerKind::Pods { namespaces: NamespaceScope::Own, pods: eq("app", app) },
        }]),
        ports: Some(vec![PortEntry { index: 0, protocol: Protocol::TCP, spec: PortSpec::Range(9090, 9090) }]),
    };
    Some(Policy {
        object: cluster.policies.len(),
        namespace: pod.namespace.clone(),
        name: "opening".to_owned(),
        selector: eq("app", app),
        ingress: Some(vec![rule.clone()]),
        egress: Some(vec![rule]),
        explicit_types: true,
        origin,
    })
}

/// A plain pair-by-pair verdict (what np-guard and cyclonus do per pair), for
/// the ratio in docs/performance.md.
pub fn pairwise_allowed(engine: &Engine, from: &Endpoint, to: &Endpoint, port: u16, protocol: Protocol) -> bool {
    use kubeplay_core::netpol::explain::{peer_matches, selects};
    use kubeplay_core::netpol::policy::Direction;
    let side = |direction: Direction, subject: &Endpoint, other: &Endpoint| {
        let mut isolated = false;
        for policy in &engine.policies {
            let Some(rules) = policy.rules(direction) else {
                continue;
            };
            if !selects(policy, subject) {
                continue;
            }
            isolated = true;
            for rule in rules {
                let port_ok = match &rule.ports {
                    None => true,
                    Some(entries) => entries.iter().any(|e| match &e.spec {
                        PortSpec::Named(name) => e.protocol == protocol && to.has_named_port(name, protocol, port),
                        _ => e.matches_number(port, protocol),
                    }),
                };
                let peer_ok = match &rule.peers {
                    None => true,
                    Some(peers) => peers.iter().any(|p| peer_matches(engine, policy, p, other)),
                };
                if port_ok && peer_ok {
                    return true;
                }
            }
        }
        !isolated
    };
    from.id == to.id || (side(Direction::Egress, from, to) && side(Direction::Ingress, to, from))
}
