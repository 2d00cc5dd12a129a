//! Arguments shared by the NetworkPolicy subcommands.

use clap::Args;
pub use kubeplay_core::netpol::parse_port_protocol;
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
