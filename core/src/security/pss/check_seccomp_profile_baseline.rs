//! `check_seccompProfile_baseline.go`: no `Unconfined` seccomp profile. Before
//! v1.19 the alpha annotations are judged; from v1.19 the fields.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::SeccompProfile;

use super::Level;
use super::helpers::{Outcome, fail, go_quote, join_quote, pluralize};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("seccompProfile_baseline", Level::Baseline, 0, None, check);

const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

/// The profile types both seccomp checks allow.
pub(super) fn valid_seccomp_type(profile: &SeccompProfile) -> bool {
    profile.type_ == "RuntimeDefault" || profile.type_ == "Localhost"
}

fn check(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor < 19 { annotations(pod) } else { forbidden_types(pod) }
}

fn annotations(pod: &PodView<'_>) -> Outcome {
    let valid = |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
    let mut forbidden = BTreeSet::new();
    let mut paths = Vec::new();
    if let Some(value) = pod.annotation(POD_ANNOTATION)
        && !valid(value)
    {
        forbidden.insert(format!("{POD_ANNOTATION}={}", go_quote(value)));
        paths.push(format!("metadata.annotations.{POD_ANNOTATION}"));
    }
    for c in &pod.containers {
        let key = format!("{CONTAINER_ANNOTATION_PREFIX}{}", c.name);
        if let Some(value) = pod.annotation(&key)
            && !valid(value)
        {
            forbidden.insert(format!("{key}={}", go_quote(value)));
            paths.push(format!("metadata.annotations.{key}"));
        }
    }
    if forbidden.is_empty() {
        return None;
    }
    let list: Vec<String> = forbidden.into_iter().collect();
    fail(
        "seccompProfile",
        format!("forbidden {} {}", pluralize("annotation", "annotations", list.len()), list.join(", ")),
        paths,
    )
}

/// A seccomp profile type other than RuntimeDefault or Localhost set on the pod
/// or a container (the restricted check fails such pods the same way).
pub(super) fn forbidden_types(pod: &PodView<'_>) -> Outcome {
    let mut values = BTreeSet::new();
    let offenders = pod.pod_then_containers(
        "seccompProfile.type",
        |sc| sc.seccomp_profile.as_ref(),
        |sc| sc.seccomp_profile.as_ref(),
        |profile: &SeccompProfile| {
            let forbidden = !valid_seccomp_type(profile);
            if forbidden {
                values.insert(profile.type_.as_str());
            }
            forbidden
        },
    );
    if offenders.is_empty() {
        return None;
    }
    let values: Vec<&str> = values.into_iter().collect();
    fail(
        "seccompProfile",
        format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            offenders.setters().join(" and "),
            join_quote(&values)
        ),
        offenders.paths,
    )
}
