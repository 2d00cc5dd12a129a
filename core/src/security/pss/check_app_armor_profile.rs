//! `check_appArmorProfile.go`: the AppArmor profile fields (pod and containers)
//! and the beta annotations may only name the runtime default or a local profile.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::AppArmorProfile;

use super::Level;
use super::helpers::{Outcome, go_quote, join_quote, pluralize};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("appArmorProfile", Level::Baseline, 0, None, check);

const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut values = BTreeSet::new();
    let offenders = pod.pod_then_containers(
        "appArmorProfile.type",
        |sc| sc.app_armor_profile.as_ref(),
        |sc| sc.app_armor_profile.as_ref(),
        |profile: &AppArmorProfile| {
            let forbidden = profile.type_ != "RuntimeDefault" && profile.type_ != "Localhost";
            if forbidden {
                values.insert(profile.type_.clone());
            }
            forbidden
        },
    );
    let mut setters = offenders.setters();
    let mut paths = offenders.paths;
    let mut value_list: Vec<String> = values.into_iter().collect();
    let mut forbidden_annotations = Vec::new();
    for (key, value) in pod.annotations() {
        let allowed = value.is_empty() || value == "runtime/default" || value.starts_with("localhost/");
        if key.starts_with(ANNOTATION_PREFIX) && !allowed {
            forbidden_annotations.push(format!("{key}={}", go_quote(value)));
            paths.push(format!("metadata.annotations.{key}"));
        }
    }
    if !forbidden_annotations.is_empty() {
        forbidden_annotations.sort();
        let count = forbidden_annotations.len();
        value_list.extend(forbidden_annotations);
        setters.push(pluralize("annotation", "annotations", count).to_owned());
    }
    if setters.is_empty() {
        return None;
    }
    Some((
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", value_list.len()).to_owned(),
        format!("{} must not set AppArmor profile type to {}", setters.join(" and "), join_quote(&value_list)),
        paths,
    ))
}
