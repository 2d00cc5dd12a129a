//! `check_seLinuxOptions.go`: only the container types may be set (and
//! `container_engine_t` from v1.31); `user` and `role` may not; `level` is free.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::SELinuxOptions;

use super::Level;
use super::helpers::{Outcome, fail, join_quote, pluralize};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("seLinuxOptions", Level::Baseline, 0, None, check);

fn check(pod: &PodView<'_>, minor: u32) -> Outcome {
    let mut allowed_types = vec!["", "container_t", "container_init_t", "container_kvm_t"];
    if minor >= 31 {
        allowed_types.push("container_engine_t");
    }
    let mut bad_types = BTreeSet::new();
    let mut set_user = false;
    let mut set_role = false;
    let offenders = pod.pod_then_containers(
        "seLinuxOptions",
        |sc| sc.se_linux_options.as_ref(),
        |sc| sc.se_linux_options.as_ref(),
        |opts: &SELinuxOptions| {
            let mut forbidden = false;
            let type_ = opts.type_.as_deref().unwrap_or("");
            if !allowed_types.contains(&type_) {
                forbidden = true;
                bad_types.insert(type_.to_owned());
            }
            if opts.user.as_deref().is_some_and(|u| !u.is_empty()) {
                forbidden = true;
                set_user = true;
            }
            if opts.role.as_deref().is_some_and(|r| !r.is_empty()) {
                forbidden = true;
                set_role = true;
            }
            forbidden
        },
    );
    if offenders.is_empty() {
        return None;
    }
    let mut data = Vec::new();
    if !bad_types.is_empty() {
        let types: Vec<String> = bad_types.into_iter().collect();
        data.push(format!("{} {}", pluralize("type", "types", types.len()), join_quote(&types)));
    }
    if set_user {
        data.push("user may not be set".to_owned());
    }
    if set_role {
        data.push("role may not be set".to_owned());
    }
    fail(
        "seLinuxOptions",
        format!(
            "{} set forbidden securityContext.seLinuxOptions: {}",
            offenders.setters().join(" and "),
            data.join("; ")
        ),
        offenders.paths,
    )
}
