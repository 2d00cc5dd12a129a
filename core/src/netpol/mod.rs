//! NetworkPolicy analysis: who can open a connection to whom, on which port and
//! protocol, and why. Semantics follow `docs/semantics/netpol.md` (cited in comments
//! as `netpol.md §N`), which cites upstream for each rule.
//!
//! - [`policy`]: NetworkPolicies compiled with upstream defaulting and validation;
//! - [`endpoint`]: pods, workload representatives, external addresses;
//! - [`engine`]: equivalence classes and class-level allow sets;
//! - [`probe`]: the truth table `kubeplay probe` prints.

pub mod classes;
pub mod endpoint;
pub mod engine;
pub mod explain;
pub mod graph;
pub mod ip;
pub mod lint;
pub mod policy;
pub mod selector;
pub mod service;
pub mod summary;

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

pub use endpoint::Endpoint;
pub use engine::Engine;

use crate::model::Inventory;

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

impl FromStr for Protocol {
    type Err = String;

    /// Case-insensitive, for command lines; policies themselves are checked
    /// case-sensitively when compiled.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.to_ascii_uppercase().as_str() {
            "TCP" => Ok(Protocol::TCP),
            "UDP" => Ok(Protocol::UDP),
            "SCTP" => Ok(Protocol::SCTP),
            _ => Err(format!("unknown protocol `{text}` (expected TCP, UDP or SCTP)")),
        }
    }
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
    /// IP addresses or CIDRs, each becoming an `external:<arg>` endpoint.
    pub externals: Vec<String>,
}

/// The truth table of one port and protocol; `allowed[i][j]`: `pods[i]` may open
/// a connection to `pods[j]`.
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
    External(ip::IpRange),
    /// An `--external` argument that is not an address: it matches nothing.
    Unparsable,
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
        let id = format!("external:{external}");
        if slots.iter().any(|(existing, _)| *existing == id) {
            continue;
        }
        let slot = match ip::parse_ip_or_cidr(external) {
            Ok(range) => Slot::External(range),
            Err(_) => Slot::Unparsable,
        };
        slots.push((id, slot));
    }
    slots.sort_by(|a, b| a.0.cmp(&b.0));
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
                        (Slot::Cluster(s), Slot::Unparsable) => engine.to_external_allowed(&view, *s, &EMPTY_RANGE),
                        (Slot::Unparsable, Slot::Cluster(d)) => engine.from_external_allowed(&view, *d, &EMPTY_RANGE),
                        // Externals are never isolated (reference contract).
                        _ => true,
                    }
                })
                .collect()
        })
        .collect();
    Probe { port: query.port, protocol: query.protocol, pods: slots.into_iter().map(|(id, _)| id).collect(), allowed }
}

/// A range no ipBlock covers (lo > hi): only "all externals" rules allow it.
const EMPTY_RANGE: ip::IpRange = ip::IpRange { v6: true, lo: u128::MAX, hi: 0 };
