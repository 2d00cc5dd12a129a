//! The sysctl strategy (`sysctl/mustmatchpatterns.go`).

use k8s_openapi::api::core::v1::Sysctl;

use crate::model::PodSecurityPolicySpec;

/// The sysctls the PSP admission plugin always allows
/// (`SafeSysctlAllowlist`, v1.22–v1.24).
pub const PSP_SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];

/// A sysctl pattern: a name, or a prefix ending in `*` (`kernel.*`, or `*` for all).
fn sysctl_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// `Validate`: forbidden first (even a safe sysctl can be forbidden), then the
/// safe set, then `allowedUnsafeSysctls`.
pub(super) fn validate(psp: &PodSecurityPolicySpec, sysctls: &[Sysctl]) -> Vec<String> {
    let forbidden = psp.forbidden_sysctls.as_deref().unwrap_or_default();
    let allowed_unsafe = psp.allowed_unsafe_sysctls.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    for (i, sysctl) in sysctls.iter().enumerate() {
        let name = sysctl.name.as_str();
        let path = format!("pod.spec.securityContext.sysctls[{i}]");
        if forbidden.iter().any(|p| sysctl_matches(p, name)) {
            out.push(format!("{path}: Forbidden: sysctl {name:?} is not allowed"));
        } else if !PSP_SAFE_SYSCTLS.contains(&name) && !allowed_unsafe.iter().any(|p| sysctl_matches(p, name)) {
            out.push(format!("{path}: Forbidden: unsafe sysctl {name:?} is not allowed"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctl_patterns_are_names_or_star_prefixes() {
        assert!(sysctl_matches("kernel.*", "kernel.msgmax"));
        assert!(sysctl_matches("*", "net.core.somaxconn"));
        assert!(!sysctl_matches("kernel.msg", "kernel.msgmax"));
        assert!(sysctl_matches("kernel.msgmax", "kernel.msgmax"));
    }
}
