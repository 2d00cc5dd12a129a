//! `check_hostNamespaces.go`: no `hostNetwork`, `hostPID` or `hostIPC`.

use super::Level;
use super::helpers::{Outcome, fail};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("hostNamespaces", Level::Baseline, 0, None, check);

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut set = Vec::new();
    let mut paths = Vec::new();
    for (on, text, field) in [
        (pod.spec.host_network, "hostNetwork=true", "spec.hostNetwork"),
        (pod.spec.host_pid, "hostPID=true", "spec.hostPID"),
        (pod.spec.host_ipc, "hostIPC=true", "spec.hostIPC"),
    ] {
        if on == Some(true) {
            set.push(text);
            paths.push(field.to_owned());
        }
    }
    if set.is_empty() { None } else { fail("host namespaces", set.join(", "), paths) }
}
