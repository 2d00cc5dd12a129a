//! `check_allowPrivilegeEscalation.go` (v1.8): every container must set
//! `allowPrivilegeEscalation: false` (unset fails); Windows pods exempt from v1.25.

use super::Level;
use super::helpers::{Outcome, containers_phrase, fail};
use super::registry::CheckDef;
use super::visitor::{ContainerView, PodView};

pub(super) const CHECK: CheckDef = CheckDef::new("allowPrivilegeEscalation", Level::Restricted, 8, None, check);

fn check(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 25 && pod.is_windows() {
        return None;
    }
    let bad: Vec<&ContainerView<'_>> = pod
        .containers
        .iter()
        .filter(|c| c.security_context.and_then(|sc| sc.allow_privilege_escalation) != Some(false))
        .collect();
    if bad.is_empty() {
        return None;
    }
    let names: Vec<&str> = bad.iter().map(|c| c.name).collect();
    fail(
        "allowPrivilegeEscalation != false",
        format!("{} must set securityContext.allowPrivilegeEscalation=false", containers_phrase(&names)),
        bad.iter().map(|c| c.sc_path("allowPrivilegeEscalation")).collect(),
    )
}
