//! `check_capabilities_baseline.go`: only the container runtime's default
//! capabilities may be added, spelled exactly (`chown` and `CAP_CHOWN` fail).

use std::collections::BTreeSet;

use super::Level;
use super::helpers::{Outcome, containers_phrase, fail, join_quote};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("capabilities_baseline", Level::Baseline, 0, None, check);

const DEFAULT_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut caps = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        let Some(capabilities) = c.security_context.and_then(|sc| sc.capabilities.as_ref()) else {
            continue;
        };
        let mut valid = true;
        for (i, cap) in capabilities.add.iter().flatten().enumerate() {
            if !DEFAULT_CAPABILITIES.contains(&cap.as_str()) {
                valid = false;
                caps.insert(cap.as_str());
                paths.push(c.sc_path(&format!("capabilities.add[{i}]")));
            }
        }
        if !valid {
            names.push(c.name);
        }
    }
    if names.is_empty() {
        return None;
    }
    let caps: Vec<&str> = caps.into_iter().collect();
    fail(
        "non-default capabilities",
        format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&names),
            join_quote(&caps)
        ),
        paths,
    )
}
