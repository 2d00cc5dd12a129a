//! Services: a Service is never a policy subject or peer
//! (`docs/semantics/netpol.md` §31); traffic to it is DNAT'ed to a backend pod and its targetPort, and
//! policy applies there. This resolves Service → backends and ports so flows
//! read "default/frontend → default/api:5000 via Service api:80".

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Service;
use serde::{Deserialize, Serialize};

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::Protocol;
use super::endpoint::EndpointRef;
use super::engine::Engine;
use super::explain::{ExplainError, Explanation, explain_endpoints, resolve_endpoint, unknown_endpoint};
use crate::model::{Inventory, Kind, Object, ObjectRef};
use crate::source::Location;

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ServiceBackend {
    pub endpoint: String,
    /// The pod port traffic lands on; `None` when a named targetPort does not
    /// resolve on this backend (the backend then gets no traffic on this port).
    pub target_port: Option<u16>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ServicePortMap {
    pub name: Option<String>,
    pub port: u16,
    pub protocol: Protocol,
    /// targetPort as written (a number or a container port name); defaults to `port`.
    pub target: String,
    pub backends: Vec<ServiceBackend>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ServiceInfo {
    /// `ns/name[Service]`.
    pub id: String,
    pub namespace: String,
    pub name: String,
    pub ports: Vec<ServicePortMap>,
    #[serde(serialize_with = "crate::render::contract::explanation")]
    pub location: Location,
}

/// Whether a Service sends traffic to pods with these labels (in its namespace):
/// every pair of its selector matches. A Service without a selector (endpoints
/// managed by hand, or ExternalName) selects no pods.
pub fn selects_pods(service: &Service, labels: &BTreeMap<String, String>) -> bool {
    service
        .spec
        .as_ref()
        .and_then(|s| s.selector.as_ref())
        .filter(|selector| !selector.is_empty())
        .is_some_and(|selector| selector.iter().all(|(k, v)| labels.get(k) == Some(v)))
}

/// Every Service with a selector, its backends and port mapping.
pub fn services(engine: &Engine, inventory: &Inventory) -> Vec<ServiceInfo> {
    let mut out = Vec::new();
    for loaded in &inventory.objects {
        let Object::Service(service) = &loaded.object else {
            continue;
        };
        let namespace = loaded.namespace().unwrap_or(crate::model::DEFAULT_NAMESPACE).to_owned();
        let spec = service.spec.as_ref();
        let backends: Vec<&super::Endpoint> =
            engine.endpoints.iter().filter(|e| e.namespace == namespace && selects_pods(service, &e.labels)).collect();
        let mut ports = Vec::new();
        for port in spec.and_then(|s| s.ports.as_ref()).into_iter().flatten() {
            let Ok(number) = u16::try_from(port.port) else {
                continue;
            };
            let Ok(protocol) = port.protocol.as_deref().unwrap_or("TCP").parse::<Protocol>() else {
                continue;
            };
            // targetPort: a number, a container port name resolved per backend, or
            // (omitted) the same as `port`.
            let (target, named) = match &port.target_port {
                None => (number.to_string(), None),
                Some(IntOrString::Int(t)) => (t.to_string(), None),
                Some(IntOrString::String(name)) => (name.clone(), Some(name.as_str())),
            };
            let fixed = match &port.target_port {
                Some(IntOrString::Int(t)) => u16::try_from(*t).ok(),
                _ => Some(number),
            };
            let resolve = |e: &super::Endpoint| match named {
                Some(name) => e.resolve(name, protocol),
                None => fixed,
            };
            ports.push(ServicePortMap {
                name: port.name.clone(),
                port: number,
                protocol,
                target,
                backends: backends
                    .iter()
                    .map(|e| ServiceBackend { endpoint: e.id.clone(), target_port: resolve(e) })
                    .collect(),
            });
        }
        out.push(ServiceInfo {
            id: loaded.id(),
            namespace,
            name: loaded.name().to_owned(),
            ports,
            location: loaded.origin.location("metadata.name"),
        });
    }
    crate::sort::sort_by(&mut out, |a, b| a.id.cmp(&b.id));
    out
}

/// One hop through a Service, attached to an explanation.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ServiceHop {
    pub service: String,
    pub service_port: u16,
    pub target_port: u16,
    /// "default/frontend → default/api:5000 via Service api:80".
    pub flow: String,
}

/// An explanation for each backend of `service` reached on its `service_port`.
pub fn explain_via_service(
    engine: &Engine,
    inventory: &Inventory,
    from: &EndpointRef,
    service: &ObjectRef,
    service_port: u16,
    protocol: Protocol,
) -> Result<Vec<(ServiceHop, Explanation)>, ExplainError> {
    let source = resolve_endpoint(engine, from)?;
    let all = services(engine, inventory);
    let info = all
        .iter()
        .find(|s| {
            service.kind == Kind::Service
                && service.namespace.as_deref() == Some(s.namespace.as_str())
                && service.name == s.name
        })
        .ok_or_else(|| ExplainError::UnknownService {
            id: service.to_string(),
            known: all.iter().map(|s| s.id.clone()).collect(),
        })?;
    let port = info.ports.iter().find(|p| p.port == service_port && p.protocol == protocol).ok_or_else(|| {
        ExplainError::UnknownServicePort {
            service: service.to_string(),
            port: service_port,
            protocol,
            known: info.ports.iter().map(|p| format!("{}/{}", p.port, p.protocol)).collect(),
        }
    })?;
    if port.backends.is_empty() {
        return Err(ExplainError::NoBackends { service: service.to_string() });
    }
    let mut out = Vec::new();
    for backend in &port.backends {
        let Some(target) = backend.target_port else {
            continue;
        };
        let destination = engine
            .endpoint_index(&backend.endpoint)
            .and_then(|i| engine.endpoints.get(i))
            .ok_or_else(|| unknown_endpoint(engine, backend.endpoint.clone()))?;
        let flow = format!("{} → {}:{target} via Service {}:{service_port}", source.id, destination.id, info.name);
        let mut explanation = explain_endpoints(engine, &source, destination, target, protocol);
        explanation.summary = format!("{flow}. {}", explanation.summary);
        out.push((ServiceHop { service: info.id.clone(), service_port, target_port: target, flow }, explanation));
    }
    if out.is_empty() {
        return Err(ExplainError::TargetPortUnresolved { service: service.to_string(), target: port.target.clone() });
    }
    Ok(out)
}

/// One backend's explanation when the destination is a Service: the
/// `kubeplay explain --format json` list entry.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct ServiceExplanation {
    pub via_service: ServiceHop,
    pub explanation: Explanation,
}

/// What `explain` answers: one explanation, or one per backend when the
/// destination names a Service (`ns/name[Service]`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum ConnectionExplanation {
    Direct(Box<Explanation>),
    ViaService(Vec<ServiceExplanation>),
}

/// Why a connection could not be explained, with the argument that caused it
/// (`from`, `to` or `port`), so each front end can name it in its own terms.
#[derive(Clone, Debug, PartialEq)]
pub struct ExplainFailure {
    pub argument: &'static str,
    pub error: ExplainError,
}

/// Explains `from` → `to` on `port`/`protocol`, where `to` may name a Service
/// (then `port` is the Service port and each backend is explained at its
/// targetPort): the one decision behind `kubeplay explain` and the JS API.
pub fn explain_connection(
    engine: &Engine,
    inventory: &Inventory,
    from: &str,
    to: &str,
    port: u16,
    protocol: Protocol,
) -> Result<ConnectionExplanation, ExplainFailure> {
    let at = |argument: &'static str| move |error: ExplainError| ExplainFailure { argument, error };
    let source = super::explain::parse_endpoint(engine, from).map_err(at("from"))?;
    if let Ok(service) = to.parse::<ObjectRef>()
        && service.kind == Kind::Service
    {
        let hops = explain_via_service(engine, inventory, &source, &service, port, protocol).map_err(|error| {
            let argument = match error {
                ExplainError::UnknownEndpoint { .. } | ExplainError::BadAddress(_) => "from",
                ExplainError::UnknownServicePort { .. } => "port",
                _ => "to",
            };
            ExplainFailure { argument, error }
        })?;
        let list = hops
            .into_iter()
            .map(|(via_service, explanation)| ServiceExplanation { via_service, explanation })
            .collect();
        return Ok(ConnectionExplanation::ViaService(list));
    }
    let destination = super::explain::parse_endpoint(engine, to).map_err(at("to"))?;
    let source = resolve_endpoint(engine, &source).map_err(at("from"))?;
    let destination = resolve_endpoint(engine, &destination).map_err(at("to"))?;
    Ok(ConnectionExplanation::Direct(Box::new(explain_endpoints(engine, &source, &destination, port, protocol))))
}
