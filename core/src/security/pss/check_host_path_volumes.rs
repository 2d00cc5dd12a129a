//! `check_hostPathVolumes.go`: no hostPath volume.

use super::Level;
use super::helpers::{Outcome, fail, join_quote, pluralize};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("hostPathVolumes", Level::Baseline, 0, None, check);

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for (i, v) in pod.spec.volumes.iter().flatten().enumerate() {
        if v.host_path.is_some() {
            names.push(v.name.as_str());
            paths.push(format!("spec.volumes[{i}].hostPath"));
        }
    }
    if names.is_empty() {
        return None;
    }
    fail("hostPath volumes", format!("{} {}", pluralize("volume", "volumes", names.len()), join_quote(&names)), paths)
}
