//! The things traffic flows between: Pods, one representative pod per workload
//! (netpol.md §39: template labels and ports, no IP), and external addresses.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use k8s_openapi::api::core::v1::PodSpec;

use super::Protocol;
use super::ip::{Addr, CidrError, IpRange, parse_addr, parse_ip_or_cidr};
use crate::model::{Inventory, Loaded, Object, ObjectRef, ObjectRefError};

/// What traffic flows between, by reference. Its text form is the id the CLI
/// prints and reads: an [`ObjectRef`] (`ns/name` for Pods, `ns/name[Kind]` for
/// workloads), `external:<address or CIDR>`, or `external:any`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EndpointRef {
    /// A Pod, or a workload standing for its pods.
    Object(ObjectRef),
    /// Addresses outside the cluster, as written: an IP address or a CIDR (not
    /// checked here: see [`EndpointRef::range`]).
    External(String),
    /// Any address outside the cluster that no ipBlock names.
    AnyExternal,
}

const EXTERNAL_PREFIX: &str = "external:";
const ANY: &str = "any";

impl EndpointRef {
    /// An external endpoint for an address or CIDR as written; `any` is [`EndpointRef::AnyExternal`].
    pub fn external(address: &str) -> EndpointRef {
        if address == ANY { EndpointRef::AnyExternal } else { EndpointRef::External(address.to_owned()) }
    }

    pub fn is_external(&self) -> bool {
        !matches!(self, EndpointRef::Object(_))
    }

    /// The addresses an external endpoint stands for: its address or CIDR, or
    /// for [`EndpointRef::AnyExternal`] a range no ipBlock overlaps (only rules
    /// without peers allow it). `None` for cluster objects.
    pub fn range(&self) -> Option<Result<IpRange, CidrError>> {
        match self {
            EndpointRef::Object(_) => None,
            EndpointRef::External(address) => Some(parse_ip_or_cidr(address)),
            EndpointRef::AnyExternal => Some(Ok(UNNAMED_RANGE)),
        }
    }
}

/// A range no ipBlock covers or overlaps (`lo > hi`): the addresses of
/// [`EndpointRef::AnyExternal`].
pub const UNNAMED_RANGE: IpRange = IpRange { v6: true, lo: u128::MAX, hi: 0 };

impl fmt::Display for EndpointRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointRef::Object(object) => object.fmt(f),
            EndpointRef::External(address) => write!(f, "{EXTERNAL_PREFIX}{address}"),
            EndpointRef::AnyExternal => write!(f, "{EXTERNAL_PREFIX}{ANY}"),
        }
    }
}

impl FromStr for EndpointRef {
    type Err = ObjectRefError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.strip_prefix(EXTERNAL_PREFIX) {
            Some(address) => Ok(EndpointRef::external(address)),
            None => text.parse().map(EndpointRef::Object),
        }
    }
}

/// A container port that has a name, as named NetworkPolicy ports resolve it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NamedPort {
    pub name: String,
    pub protocol: Protocol,
    pub number: u16,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Endpoint {
    pub reference: EndpointRef,
    /// The reference's text form, kept because endpoints are sorted and looked up by it.
    pub id: String,
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

    /// What the endpoint is as a graph node: its object's kind, or external.
    pub fn node_kind(&self) -> crate::netpol::graph::NodeKind {
        use crate::netpol::graph::NodeKind;
        match &self.reference {
            EndpointRef::Object(object) => NodeKind::Object(object.kind),
            EndpointRef::External(_) | EndpointRef::AnyExternal => NodeKind::External,
        }
    }

    /// The number a named port resolves to on this endpoint, if it has it.
    pub fn resolve(&self, name: &str, protocol: Protocol) -> Option<u16> {
        self.ports.iter().find(|p| p.name == name && p.protocol == protocol).map(|p| p.number)
    }

    pub fn has_named_port(&self, name: &str, protocol: Protocol, number: u16) -> bool {
        self.ports.iter().any(|p| p.name == name && p.protocol == protocol && p.number == number)
    }

    /// An endpoint outside the cluster covering `range`.
    pub fn external(reference: EndpointRef, range: IpRange) -> Endpoint {
        let name = match &reference {
            EndpointRef::External(address) => address.clone(),
            EndpointRef::AnyExternal => ANY.to_owned(),
            EndpointRef::Object(object) => object.name.clone(),
        };
        Endpoint {
            id: reference.to_string(),
            reference,
            object: None,
            namespace: String::new(),
            name,
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
    let mut out: Vec<Endpoint> =
        inventory.objects.iter().enumerate().filter_map(|(index, loaded)| object_endpoint(index, loaded)).collect();
    crate::sort::sort_by(&mut out, |a, b| a.id.cmp(&b.id));
    out
}

/// The endpoint one object of the inventory (at `index`) stands for, if any.
pub(crate) fn object_endpoint(index: usize, loaded: &Loaded) -> Option<Endpoint> {
    if let Object::Pod(pod) = &loaded.object {
        let phase = pod.status.as_ref().and_then(|s| s.phase.as_deref());
        if matches!(phase, Some("Succeeded" | "Failed")) {
            return None;
        }
    }
    let workload = loaded.workload()?;
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
    let reference = EndpointRef::Object(loaded.reference());
    Some(Endpoint {
        id: reference.to_string(),
        reference,
        object: Some(index),
        namespace: workload.namespace.to_owned(),
        name: workload.name.to_owned(),
        labels,
        ports: spec.map(container_ports).unwrap_or_default(),
        ips,
        range: None,
        host_network: spec.and_then(|s| s.host_network).unwrap_or(false),
        node: spec.and_then(|s| s.node_name.clone()),
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_ids_print_back_as_read() {
        for id in ["default/web", "default/api[Deployment]", "external:10.0.0.1", "external:10.0.0.0/8", "external:any"]
        {
            let reference: EndpointRef = id.parse().unwrap();
            assert_eq!(reference.to_string(), id);
        }
        assert_eq!("external:any".parse::<EndpointRef>().unwrap(), EndpointRef::AnyExternal);
        let range = EndpointRef::external("10.0.0.0/8").range().unwrap().unwrap();
        assert_eq!((range.lo, range.hi), (0x0a00_0000, 0x0aff_ffff));
        assert_eq!(
            EndpointRef::external("nowhere").range().unwrap().unwrap_err().to_string(),
            "`nowhere` is neither an IP address nor a CIDR"
        );
        assert!("default/web".parse::<EndpointRef>().unwrap().range().is_none());
    }
}
