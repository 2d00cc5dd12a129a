//! `check_runAsUser.go` (v1.23): UID 0 anywhere fails; `hostUsers: false`
//! exempts from v1.35.

use super::Level;
use super::helpers::{Outcome, fail};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("runAsUser", Level::Restricted, 23, None, check);

fn check(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 35 && pod.user_namespaced() {
        return None;
    }
    let root = pod.pod_then_containers(
        "runAsUser",
        |sc| sc.run_as_user.as_ref(),
        |sc| sc.run_as_user.as_ref(),
        |uid| *uid == 0,
    );
    if root.is_empty() {
        return None;
    }
    fail("runAsUser=0", format!("{} must not set runAsUser=0", root.setters().join(" and ")), root.paths)
}
