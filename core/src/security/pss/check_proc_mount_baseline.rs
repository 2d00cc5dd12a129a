//! `check_procMount_baseline.go`: only the `Default` procMount; from v1.35 any
//! is allowed in a user namespace (`hostUsers: false`).

use std::collections::BTreeSet;

use super::Level;
use super::helpers::{Outcome, containers_phrase, fail, join_quote};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("procMount", Level::Baseline, 0, None, check);

fn check(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 35 && pod.user_namespaced() {
        return None;
    }
    non_default_proc_mounts(pod)
}

/// The containers setting a procMount other than `Default`: the baseline check
/// and its restricted twin word it alike.
pub(super) fn non_default_proc_mounts(pod: &PodView<'_>) -> Outcome {
    let mut names = Vec::new();
    let mut types = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        if let Some(pm) = c.security_context.and_then(|sc| sc.proc_mount.as_deref())
            && pm != "Default"
        {
            names.push(c.name);
            types.insert(pm);
            paths.push(c.sc_path("procMount"));
        }
    }
    if names.is_empty() {
        return None;
    }
    let types: Vec<&str> = types.into_iter().collect();
    fail(
        "procMount",
        format!("{} must not set securityContext.procMount to {}", containers_phrase(&names), join_quote(&types)),
        paths,
    )
}
