//! Which checks run at a level and version, in upstream's order
//! (`policy/registry.go`): each check's definition lives in its `check_*.rs`.

use std::collections::BTreeSet;

use super::Level;
use super::helpers::Outcome;
use super::visitor::PodView;
use super::{
    check_allow_privilege_escalation, check_app_armor_profile, check_capabilities_baseline,
    check_capabilities_restricted, check_host_namespaces, check_host_path_volumes, check_host_ports,
    check_host_probes_and_host_lifecycle, check_privileged, check_proc_mount_baseline, check_proc_mount_restricted,
    check_restricted_volumes, check_run_as_non_root, check_run_as_user, check_se_linux_options,
    check_seccomp_profile_baseline, check_seccomp_profile_restricted, check_sysctls, check_windows_host_process,
};

/// Static description of one check, for listings (`kubeplay check` text, the
/// migration view).
#[derive(Clone, Copy, Debug)]
pub struct CheckInfo {
    pub id: &'static str,
    pub level: Level,
    /// First policy minor version in which the check exists.
    pub since: u32,
    /// The baseline check this restricted check replaces at restricted.
    pub overrides: Option<&'static str>,
}

/// A check evaluated on a pod at an effective minor version.
pub(super) type RunFn = fn(&PodView<'_>, u32) -> Outcome;

/// One check: what it is, and how it runs (upstream's `policy.Check`).
pub(super) struct CheckDef {
    info: CheckInfo,
    run: RunFn,
}

impl CheckDef {
    pub(super) const fn new(
        id: &'static str,
        level: Level,
        since: u32,
        overrides: Option<&'static str>,
        run: RunFn,
    ) -> CheckDef {
        CheckDef { info: CheckInfo { id, level, since, overrides }, run }
    }
}

pub(super) struct ActiveCheck {
    pub(super) id: &'static str,
    pub(super) run: RunFn,
}

/// Baseline ids sorted, then restricted ids sorted: the order upstream reports in.
const CHECKS: &[CheckDef] = &[
    check_app_armor_profile::CHECK,
    check_capabilities_baseline::CHECK,
    check_host_namespaces::CHECK,
    check_host_path_volumes::CHECK,
    check_host_ports::CHECK,
    check_host_probes_and_host_lifecycle::CHECK,
    check_privileged::CHECK,
    check_proc_mount_baseline::CHECK,
    check_se_linux_options::CHECK,
    check_seccomp_profile_baseline::CHECK,
    check_sysctls::CHECK,
    check_windows_host_process::CHECK,
    check_allow_privilege_escalation::CHECK,
    check_capabilities_restricted::CHECK,
    check_proc_mount_restricted::CHECK,
    check_restricted_volumes::CHECK,
    check_run_as_non_root::CHECK,
    check_run_as_user::CHECK,
    check_seccomp_profile_restricted::CHECK,
];

/// All 19 checks, baseline first, each group sorted by id (upstream's order).
pub fn all_checks() -> Vec<CheckInfo> {
    CHECKS.iter().map(|c| c.info).collect()
}

/// Ids of the checks that run at a level and (effective) minor version, in order.
pub fn check_ids_for(level: Level, minor: u32) -> Vec<&'static str> {
    checks_for(level, minor).into_iter().map(|c| c.id).collect()
}

pub(super) fn checks_for(level: Level, minor: u32) -> Vec<ActiveCheck> {
    let active = |c: &&CheckDef| c.info.since <= minor;
    let overridden: BTreeSet<&str> = match level {
        Level::Restricted => CHECKS
            .iter()
            .filter(active)
            .filter(|c| c.info.level == Level::Restricted)
            .filter_map(|c| c.info.overrides)
            .collect(),
        _ => BTreeSet::new(),
    };
    let wanted = |c: &&CheckDef| match level {
        Level::Privileged => false,
        Level::Baseline => c.info.level == Level::Baseline,
        Level::Restricted => c.info.level == Level::Restricted || !overridden.contains(c.info.id),
    };
    CHECKS.iter().filter(active).filter(wanted).map(|c| ActiveCheck { id: c.info.id, run: c.run }).collect()
}
