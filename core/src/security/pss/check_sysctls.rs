//! `check_sysctls.go`: only the safe sysctls of the policy version; names are
//! listed unquoted, in spec order.

use super::Level;
use super::helpers::{Outcome, fail};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("sysctls", Level::Baseline, 0, None, check);

/// The safe set, each with the policy minor version that added it.
const SAFE_SYSCTLS: &[(u32, &str)] = &[
    (0, "kernel.shm_rmid_forced"),
    (0, "net.ipv4.ip_local_port_range"),
    (0, "net.ipv4.tcp_syncookies"),
    (0, "net.ipv4.ping_group_range"),
    (0, "net.ipv4.ip_unprivileged_port_start"),
    (27, "net.ipv4.ip_local_reserved_ports"),
    (29, "net.ipv4.tcp_keepalive_time"),
    (29, "net.ipv4.tcp_fin_timeout"),
    (29, "net.ipv4.tcp_keepalive_intvl"),
    (29, "net.ipv4.tcp_keepalive_probes"),
    (32, "net.ipv4.tcp_rmem"),
    (32, "net.ipv4.tcp_wmem"),
    (37, "net.ipv4.tcp_slow_start_after_idle"),
    (37, "net.ipv4.tcp_notsent_lowat"),
];

/// Whether a sysctl is in the safe set at a policy minor version.
pub fn is_safe_sysctl(name: &str, minor: u32) -> bool {
    SAFE_SYSCTLS.iter().any(|&(since, n)| since <= minor && n == name)
}

fn check(pod: &PodView<'_>, minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for (i, s) in pod.security_context().and_then(|sc| sc.sysctls.as_ref()).into_iter().flatten().enumerate() {
        if !is_safe_sysctl(&s.name, minor) {
            names.push(s.name.as_str());
            paths.push(format!("spec.securityContext.sysctls[{i}].name"));
        }
    }
    if names.is_empty() { None } else { fail("forbidden sysctls", names.join(", "), paths) }
}
