//! Arguments shared by the NetworkPolicy subcommands.

use clap::Args;
use kubeplay_core::netpol::{NetpolOptions, Protocol, UnknownProtocol};

#[derive(Args, Debug)]
pub struct PolicyOptions {
    /// Do not let ipBlock match in-cluster pod IPs (Cilium / np-guard behaviour);
    /// by default it does, as the upstream e2e suite expects.
    #[arg(long)]
    pub ipblock_ignores_pod_ips: bool,
}

impl PolicyOptions {
    pub fn options(&self) -> NetpolOptions {
        NetpolOptions { ip_block_matches_pod_ips: !self.ipblock_ignores_pod_ips }
    }
}

pub fn parse_protocol(text: &str) -> Result<Protocol, String> {
    text.parse().map_err(|e: UnknownProtocol| e.to_string())
}

/// `80/TCP`, `53/udp` or `80` (TCP).
pub fn parse_port_protocol(text: &str) -> Result<(u16, Protocol), String> {
    let (port, protocol) = match text.split_once('/') {
        Some((port, protocol)) => (port, parse_protocol(protocol)?),
        None => (text, Protocol::TCP),
    };
    let port: u16 = port
        .parse()
        .ok()
        .filter(|p| *p >= 1)
        .ok_or_else(|| format!("`{text}`: the port must be a number from 1 to 65535, e.g. 80/TCP"))?;
    Ok((port, protocol))
}
