//! NetworkPolicy analysis: who can open a connection to whom, on which port and
//! protocol, and why. Semantics follow `docs/semantics/netpol.md` (cited in comments
//! as `netpol.md §N`), which cites upstream for each rule.
//!
//! - [`policy`]: NetworkPolicies compiled with upstream defaulting and validation;
//! - [`endpoint`]: pods, workload representatives, external addresses;
//! - [`engine`]: equivalence classes and class-level allow sets;
//! - [`probe`]: the truth table `kubeplay probe` prints.

pub mod apply;
pub mod classes;
pub mod connections;
pub mod diff;
pub mod endpoint;
pub mod engine;
pub mod explain;
pub mod fix;
pub mod generate;
pub mod graph;
pub mod ip;
pub mod lint;
pub mod needs;
pub mod policy;
pub mod selector;
pub mod service;
pub mod summary;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use endpoint::{Endpoint, EndpointRef};
pub use engine::Engine;

use crate::model::Inventory;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
#[allow(clippy::upper_case_acronyms)]
pub enum Protocol {
    TCP,
    UDP,
    SCTP,
}

impl Protocol {
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::TCP => "TCP",
            Protocol::UDP => "UDP",
            Protocol::SCTP => "SCTP",
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A protocol name other than TCP, UDP or SCTP.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownProtocol {
    pub text: String,
}

impl fmt::Display for UnknownProtocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown protocol `{}` (expected TCP, UDP or SCTP)", self.text)
    }
}

impl std::error::Error for UnknownProtocol {}

impl FromStr for Protocol {
    type Err = UnknownProtocol;

    /// Case-insensitive, for command lines; policies themselves are checked
    /// case-sensitively when compiled.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_uppercase().as_str() {
            "TCP" => Ok(Protocol::TCP),
            "UDP" => Ok(Protocol::UDP),
            "SCTP" => Ok(Protocol::SCTP),
            _ => Err(UnknownProtocol { text: text.to_owned() }),
        }
    }
}

/// A destination port as the front ends take it (`--port`, the JS API's
/// `port`): 1 to 65535. `given` is the argument as written, for the message.
pub fn port_number(port: i64, given: &str) -> Result<u16, String> {
    u16::try_from(port).ok().filter(|p| *p >= 1).ok_or_else(|| format!("`{given}`: {PORT_RULE}"))
}

/// What [`port_number`] and [`parse_port_protocol`] say of a port outside the range.
const PORT_RULE: &str = "the port must be a number from 1 to 65535, e.g. 80/TCP";

/// `80/TCP`, `53/udp` or `80` (TCP): the CLI's `--port` of `explain` and `fix`.
pub fn parse_port_protocol(text: &str) -> Result<(u16, Protocol), String> {
    let (port, protocol) = match text.split_once('/') {
        Some((port, protocol)) => (port, protocol.parse().map_err(|e: UnknownProtocol| e.to_string())?),
        None => (text, Protocol::TCP),
    };
    let port = port.parse::<i64>().map_err(|_| format!("`{text}`: {PORT_RULE}"))?;
    Ok((port_number(port, text)?, protocol))
}

/// Conventions where CNIs differ (the rules marked [convention] in `docs/semantics/netpol.md`).
#[derive(Clone, Debug)]
pub struct NetpolOptions {
    /// netpol.md §22: ipBlock matches in-cluster pod IPs (upstream e2e). Off gives the
    /// Cilium / np-guard behaviour, where only selectors match pods.
    pub ip_block_matches_pod_ips: bool,
}

impl Default for NetpolOptions {
    fn default() -> Self {
        NetpolOptions { ip_block_matches_pod_ips: true }
    }
}

#[derive(Clone, Debug)]
pub struct ProbeQuery {
    pub port: u16,
    pub protocol: Protocol,
    /// IP addresses or CIDRs as given, each becoming an external endpoint
    /// ([`EndpointRef::external`]).
    pub externals: Vec<String>,
}

/// The truth table of one port and protocol; `allowed[i][j]`: `pods[i]` may open
/// a connection to `pods[j]`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Probe {
    pub port: u16,
    pub protocol: Protocol,
    pub pods: Vec<String>,
    pub allowed: Vec<Vec<bool>>,
}

/// Where a probe row or column comes from.
enum Slot {
    Cluster(usize),
    /// An address range outside the cluster. An `--external` argument that is
    /// not an address (or is `any`) gets [`endpoint::UNNAMED_RANGE`]: it
    /// matches no ipBlock.
    External(ip::IpRange),
}

/// Computes the probe truth table. External arguments that are not IPs or CIDRs
/// are kept as rows that only reach other externals and non-isolated pods.
pub fn probe(inventory: &Inventory, options: &NetpolOptions, query: &ProbeQuery) -> Probe {
    let engine = Engine::new(inventory, options);
    probe_engine(&engine, query)
}

pub fn probe_engine(engine: &Engine, query: &ProbeQuery) -> Probe {
    let view = engine.view(query.port, query.protocol);
    let mut slots: Vec<(String, Slot)> =
        engine.endpoints.iter().enumerate().map(|(i, e)| (e.id.clone(), Slot::Cluster(i))).collect();
    for external in &query.externals {
        let reference = EndpointRef::external(external);
        let range = reference.range().and_then(Result::ok).unwrap_or(endpoint::UNNAMED_RANGE);
        let id = reference.to_string();
        if slots.iter().any(|(existing, _)| *existing == id) {
            continue;
        }
        slots.push((id, Slot::External(range)));
    }
    crate::sort::sort_by(&mut slots, |a, b| a.0.cmp(&b.0));
    let allowed = slots
        .iter()
        .enumerate()
        .map(|(i, (_, from))| {
            slots
                .iter()
                .enumerate()
                .map(|(j, (_, to))| {
                    if i == j {
                        return true;
                    }
                    match (from, to) {
                        (Slot::Cluster(s), Slot::Cluster(d)) => engine.allowed(&view, *s, *d),
                        (Slot::Cluster(s), Slot::External(range)) => engine.to_external_allowed(&view, *s, range),
                        (Slot::External(range), Slot::Cluster(d)) => engine.from_external_allowed(&view, *d, range),
                        // Externals are never isolated (reference contract).
                        _ => true,
                    }
                })
                .collect()
        })
        .collect();
    Probe { port: query.port, protocol: query.protocol, pods: slots.into_iter().map(|(id, _)| id).collect(), allowed }
}
