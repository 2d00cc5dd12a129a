//! `check_privileged.go`: no container may set `privileged: true`.

use super::Level;
use super::helpers::{Outcome, containers_phrase, fail};
use super::registry::CheckDef;
use super::visitor::{ContainerView, PodView};

pub(super) const CHECK: CheckDef = CheckDef::new("privileged", Level::Baseline, 0, None, check);

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let bad: Vec<&ContainerView<'_>> =
        pod.containers.iter().filter(|c| c.security_context.and_then(|sc| sc.privileged) == Some(true)).collect();
    if bad.is_empty() {
        return None;
    }
    let names: Vec<&str> = bad.iter().map(|c| c.name).collect();
    fail(
        "privileged",
        format!("{} must not set securityContext.privileged=true", containers_phrase(&names)),
        bad.iter().map(|c| c.sc_path("privileged")).collect(),
    )
}
