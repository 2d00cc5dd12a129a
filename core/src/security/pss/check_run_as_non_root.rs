//! `check_runAsNonRoot.go`: an explicit `false` anywhere fails (even a pod-level
//! false every container overrides); otherwise each container needs its own or
//! the pod's `true`. `hostUsers: false` exempts from v1.35.

use super::Level;
use super::helpers::{Outcome, containers_phrase, fail};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("runAsNonRoot", Level::Restricted, 0, None, check);

fn check(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 35 && pod.user_namespaced() {
        return None;
    }
    let explicit = pod.pod_then_containers(
        "runAsNonRoot",
        |sc| sc.run_as_non_root.as_ref(),
        |sc| sc.run_as_non_root.as_ref(),
        |non_root| !*non_root,
    );
    if !explicit.is_empty() {
        return fail(
            "runAsNonRoot != true",
            format!("{} must not set securityContext.runAsNonRoot=false", explicit.setters().join(" and ")),
            explicit.paths,
        );
    }
    if pod.security_context().and_then(|sc| sc.run_as_non_root) == Some(true) {
        return None;
    }
    let implicit = pod.containers_without("runAsNonRoot", |sc| sc.run_as_non_root.as_ref());
    if implicit.is_empty() {
        return None;
    }
    fail(
        "runAsNonRoot != true",
        format!("pod or {} must set securityContext.runAsNonRoot=true", containers_phrase(&implicit.containers)),
        implicit.paths,
    )
}
