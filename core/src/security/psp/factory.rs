//! Building a provider from a policy (`factory.go` `CreateStrategies` and the
//! strategy constructors). A policy whose strategies cannot be built is skipped
//! by the admission plugin, so it never admits anything; a rule the API would
//! refuse (`policy_problems`) is evaluated as `RunAsAny` instead.

use super::PolicyRef;
use super::apparmor::AppArmorStrategy;
use super::capabilities::CapabilitiesStrategy;
use super::group::GroupStrategy;
use super::provider::Provider;
use super::seccomp::SeccompStrategy;
use super::user::UserStrategy;
use crate::model::{PodSecurityPolicySpec, RunAsStrategyOptions};

/// The provider for a policy, or why the plugin could not build one.
pub(super) fn new_provider<'a>(policy: &PolicyRef<'a>) -> Result<Provider<'a>, Vec<String>> {
    let psp = policy.spec;
    let errors = strategy_errors(psp);
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Provider {
        psp,
        run_as_user: UserStrategy::of(psp.run_as_user.as_ref()),
        run_as_group: GroupStrategy::of(psp.run_as_group.as_ref()),
        fs_group: GroupStrategy::of(psp.fs_group.as_ref()),
        supplemental_groups: GroupStrategy::of(psp.supplemental_groups.as_ref()),
        se_linux: psp.se_linux.as_ref().filter(|s| s.rule == "MustRunAs").and_then(|s| s.se_linux_options.as_ref()),
        seccomp: SeccompStrategy::new(policy.annotations),
        app_armor: AppArmorStrategy::new(policy.annotations),
        capabilities: CapabilitiesStrategy::new(psp),
    })
}

/// The strategy constructors' refusals: range rules without ranges, SELinux
/// MustRunAs without options.
fn strategy_errors(psp: &PodSecurityPolicySpec) -> Vec<String> {
    let mut out = Vec::new();
    let no_ranges = |s: &RunAsStrategyOptions| s.ranges.as_ref().is_none_or(Vec::is_empty);
    if psp.run_as_user.as_ref().is_some_and(|s| s.rule == "MustRunAs" && no_ranges(s)) {
        out.push("MustRunAs requires at least one range".to_owned());
    }
    for strategy in [psp.run_as_group.as_ref(), psp.fs_group.as_ref(), psp.supplemental_groups.as_ref()] {
        if let Some(s) = strategy.filter(|s| matches!(s.rule.as_str(), "MustRunAs" | "MayRunAs") && no_ranges(s)) {
            out.push(format!("ranges must be supplied for {}", s.rule));
        }
    }
    if psp.se_linux.as_ref().is_some_and(|s| s.rule == "MustRunAs" && s.se_linux_options.is_none()) {
        out.push("MustRunAs requires SELinuxOptions".to_owned());
    }
    out
}
