//! `check_windowsHostProcess.go`: no `windowsOptions.hostProcess: true`.

use super::Level;
use super::helpers::{Outcome, fail};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef = CheckDef::new("windowsHostProcess", Level::Baseline, 0, None, check);

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let offenders = pod.pod_then_containers(
        "windowsOptions.hostProcess",
        |sc| sc.windows_options.as_ref().and_then(|w| w.host_process.as_ref()),
        |sc| sc.windows_options.as_ref().and_then(|w| w.host_process.as_ref()),
        |host_process| *host_process,
    );
    if offenders.is_empty() {
        return None;
    }
    fail(
        "hostProcess",
        format!("{} must not set securityContext.windowsOptions.hostProcess=true", offenders.setters().join(" and ")),
        offenders.paths,
    )
}
