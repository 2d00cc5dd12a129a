//! The things traffic flows between: Pods, one representative pod per workload
//! (netpol.md §39: template labels and ports, no IP), and external addresses.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;

use super::Protocol;
use super::ip::{Addr, IpRange, parse_addr};
use crate::model::{Inventory, Object};

/// A container port that has a name, as named NetworkPolicy ports resolve it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NamedPort {
    pub name: String,
    pub protocol: Protocol,
    pub number: u16,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    /// `ns/name` (Pod), `ns/name[Kind]` (workload) or `external:<arg>`.
    pub id: String,
    /// `Pod`, a workload kind, or `External`.
    pub kind: &'static str,
    /// Index into `Inventory::objects`; `None` for externals.
    pub object: Option<usize>,
    /// Empty for externals.
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// Every container port (named or not) of app containers and native sidecars.
    pub ports: Vec<NamedPort>,
    pub ips: Vec<Addr>,
    /// The address range of an external endpoint.
    pub range: Option<IpRange>,
    pub host_network: bool,
    pub node: Option<String>,
}

impl Endpoint {
    pub fn is_external(&self) -> bool {
        self.range.is_some()
    }

    /// The number a named port resolves to on this endpoint, if it has it.
    pub fn resolve(&self, name: &str, protocol: Protocol) -> Option<u16> {
        self.ports.iter().find(|p| p.name == name && p.protocol == protocol).map(|p| p.number)
    }

    pub fn has_named_port(&self, name: &str, protocol: Protocol, number: u16) -> bool {
        self.ports.iter().any(|p| p.name == name && p.protocol == protocol && p.number == number)
    }

    pub fn external(arg: &str, range: IpRange) -> Endpoint {
        Endpoint {
            id: format!("external:{arg}"),
            kind: "External",
            object: None,
            namespace: String::new(),
            name: arg.to_owned(),
            labels: BTreeMap::new(),
            ports: Vec::new(),
            ips: Vec::new(),
            range: Some(range),
            host_network: false,
            node: None,
        }
    }
}

/// Pods (except those in phase Succeeded or Failed, netpol.md §36) and one
/// representative per other workload, sorted by id.
pub fn endpoints(inventory: &Inventory) -> Vec<Endpoint> {
    let mut out = Vec::new();
    for (index, loaded) in inventory.objects.iter().enumerate() {
        if let Object::Pod(pod) = &loaded.object {
            let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
            if matches!(phase, Some("Succeeded" | "Failed")) {
                continue;
            }
        }
        let Some(workload) = loaded.workload() else {
            continue;
        };
        let template = workload.template.as_ref();
        let labels = template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
        let spec = template.spec.as_ref();
        let mut ips = Vec::new();
        if let Object::Pod(pod) = &loaded.object
            && let Some(status) = &pod.status
        {
            let texts = status.pod_ip.iter().chain(status.pod_ips.iter().flatten().map(|p| &p.ip));
            ips.extend(texts.filter_map(|t| parse_addr(t)));
        }
        ips.sort();
        ips.dedup();
        out.push(Endpoint {
            id: loaded.id(),
            kind: loaded.kind(),
            object: Some(index),
            namespace: workload.namespace.to_owned(),
            name: workload.name.to_owned(),
            labels,
            ports: spec.map(container_ports).unwrap_or_default(),
            ips,
            range: None,
            host_network: spec.and_then(|s| s.host_network).unwrap_or(false),
            node: spec.and_then(|s| s.node_name.clone()),
        });
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

/// Ports of app containers plus native sidecars (init containers with
/// `restartPolicy: Always`), netpol.md §32; plain init containers have exited.
pub fn container_ports(spec: &PodSpec) -> Vec<NamedPort> {
    let sidecars = spec.init_containers.iter().flatten().filter(|c| c.restart_policy.as_deref() == Some("Always"));
    let mut ports: Vec<NamedPort> = spec
        .containers
        .iter()
        .chain(sidecars)
        .flat_map(|c| c.ports.iter().flatten())
        .filter_map(|p| {
            let protocol = match p.protocol.as_deref() {
                None => Protocol::TCP,
                Some(text) => text.parse().ok()?,
            };
            Some(NamedPort {
                name: p.name.clone().unwrap_or_default(),
                protocol,
                number: u16::try_from(p.container_port).ok()?,
            })
        })
        .collect();
    ports.sort();
    ports.dedup();
    ports
}
