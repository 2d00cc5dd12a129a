//! `check_procMount_restricted.go` (v1.35): the baseline rule without the
//! user-namespace relaxation.

use super::Level;
use super::check_proc_mount_baseline::non_default_proc_mounts;
use super::helpers::Outcome;
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef =
    CheckDef::new("procMount_restricted", Level::Restricted, 35, Some("procMount"), check);

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    non_default_proc_mounts(pod)
}
