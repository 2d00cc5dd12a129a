//! `check_seccompProfile_restricted.go` (v1.19): a valid profile on the pod or on
//! every container; annotations are not read. Windows pods exempt from v1.25.

use super::Level;
use super::check_seccomp_profile_baseline::{forbidden_types, valid_seccomp_type};
use super::helpers::{Outcome, containers_phrase, fail};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef =
    CheckDef::new("seccompProfile_restricted", Level::Restricted, 19, Some("seccompProfile_baseline"), check);

fn check(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 25 && pod.is_windows() {
        return None;
    }
    // An explicitly forbidden type fails with the baseline check's own message.
    let explicit = forbidden_types(pod);
    if explicit.is_some() {
        return explicit;
    }
    if pod.security_context().and_then(|sc| sc.seccomp_profile.as_ref()).is_some_and(valid_seccomp_type) {
        return None;
    }
    let implicit = pod.containers_without("seccompProfile", |sc| sc.seccomp_profile.as_ref());
    if implicit.is_empty() {
        return None;
    }
    fail(
        "seccompProfile",
        format!(
            "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
            containers_phrase(&implicit.containers)
        ),
        implicit.paths,
    )
}
