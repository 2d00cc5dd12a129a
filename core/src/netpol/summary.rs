//! The NetworkPolicy section of the analyze report: isolation per endpoint,
//! namespaces without a default deny, reachability counts and Service flows.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::endpoint::EndpointRef;
use super::engine::Engine;
use super::graph;
use super::service::services;
use crate::model::Inventory;

/// Above this many pods and workloads the report leaves out the per-endpoint
/// reachability and Service flows (use `kubeplay graph` / `probe` for those).
pub const SUMMARY_ENDPOINT_LIMIT: usize = 300;

/// At most this many Service flows are listed.
pub const SERVICE_FLOW_LIMIT: usize = 1000;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct NetpolSummary {
    /// Pods and workloads taking part (terminated pods left out).
    pub endpoints: usize,
    /// Valid NetworkPolicies.
    pub policies: usize,
    /// Equivalence classes the engine grouped the endpoints into.
    pub classes: usize,
    /// Endpoints that accept traffic from anywhere (no policy isolates their ingress).
    pub not_isolated_ingress: Vec<String>,
    /// Endpoints that may send anywhere.
    pub not_isolated_egress: Vec<String>,
    /// Namespaces with pods but without a default deny for both directions
    /// ([`super::policy::Policy::is_default_deny`]).
    pub namespaces_without_default_deny: Vec<NamespaceDefaultDeny>,
    /// Per endpoint, on any port (empty above [`SUMMARY_ENDPOINT_LIMIT`]).
    pub reachability: Vec<EndpointReach>,
    /// "default/frontend → default/api:5000 via Service api:80" for each allowed flow.
    pub service_flows: Vec<String>,
    /// True when the endpoint count exceeded the limit and details were skipped.
    pub truncated: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct NamespaceDefaultDeny {
    pub namespace: String,
    pub ingress: bool,
    pub egress: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct EndpointReach {
    pub id: String,
    pub ingress_isolated: bool,
    pub egress_isolated: bool,
    /// Other endpoints it may open a connection to, on some port.
    pub can_reach: usize,
    /// Other endpoints that may open a connection to it.
    pub reachable_from: usize,
    /// An address outside every ipBlock may connect to it.
    pub open_to_internet: bool,
}

pub fn summarize(engine: &Engine, inventory: &Inventory) -> NetpolSummary {
    let mut summary = NetpolSummary {
        endpoints: engine.endpoints.len(),
        policies: engine.policies.len(),
        classes: engine.class_count(),
        ..NetpolSummary::default()
    };
    for (i, e) in engine.endpoints.iter().enumerate() {
        let isolation = engine.isolation(i);
        if !isolation.ingress {
            summary.not_isolated_ingress.push(e.id.clone());
        }
        if !isolation.egress {
            summary.not_isolated_egress.push(e.id.clone());
        }
    }
    let default_deny = engine.default_deny_by_namespace();
    let namespaces: BTreeSet<&str> = engine.endpoints.iter().map(|e| e.namespace.as_str()).collect();
    summary.namespaces_without_default_deny = namespaces
        .into_iter()
        .map(|n| (n, default_deny.get(n).copied().unwrap_or_default()))
        .filter(|(_, deny)| !(deny.ingress && deny.egress))
        .map(|(n, deny)| NamespaceDefaultDeny { namespace: n.to_owned(), ingress: deny.ingress, egress: deny.egress })
        .collect();
    if engine.endpoints.len() > SUMMARY_ENDPOINT_LIMIT {
        summary.truncated = true;
        return summary;
    }
    let Ok(graph) = graph::build(engine) else {
        summary.truncated = true;
        return summary;
    };
    let mut out_degree: BTreeMap<&str, usize> = BTreeMap::new();
    let mut in_degree: BTreeMap<&str, usize> = BTreeMap::new();
    let mut internet: BTreeMap<&str, bool> = BTreeMap::new();
    let any_external = EndpointRef::AnyExternal.to_string();
    let in_cluster = |id: &str| engine.endpoint_index(id).is_some();
    for edge in &graph.edges {
        if edge.from == any_external {
            internet.insert(edge.to.as_str(), true);
        }
        if !in_cluster(&edge.from) || !in_cluster(&edge.to) {
            continue;
        }
        *out_degree.entry(edge.from.as_str()).or_default() += 1;
        *in_degree.entry(edge.to.as_str()).or_default() += 1;
    }
    summary.reachability = engine
        .endpoints
        .iter()
        .enumerate()
        .map(|(i, e)| EndpointReach {
            id: e.id.clone(),
            ingress_isolated: engine.isolation(i).ingress,
            egress_isolated: engine.isolation(i).egress,
            can_reach: out_degree.get(e.id.as_str()).copied().unwrap_or(0),
            reachable_from: in_degree.get(e.id.as_str()).copied().unwrap_or(0),
            open_to_internet: internet.get(e.id.as_str()).copied().unwrap_or(false),
        })
        .collect();
    for service in services(engine, inventory) {
        for port in &service.ports {
            for backend in &port.backends {
                let (Some(target), Some(d)) = (backend.target_port, engine.endpoint_index(&backend.endpoint)) else {
                    continue;
                };
                let view = engine.view(target, port.protocol);
                for (s, source) in engine.endpoints.iter().enumerate() {
                    if summary.service_flows.len() >= SERVICE_FLOW_LIMIT {
                        summary.truncated = true;
                        return summary;
                    }
                    if s != d && engine.allowed(&view, s, d) {
                        summary.service_flows.push(format!(
                            "{} → {}:{target} via Service {}:{}",
                            source.id, backend.endpoint, service.name, port.port
                        ));
                    }
                }
            }
        }
    }
    summary
}
