//! API validation of a policy object itself (`pkg/apis/policy/validation`:
//! `validatePSPRunAsUser`, …): upstream refuses to create such a PSP; kubeplay
//! reports it and evaluates the policy with `RunAsAny` in place.

use super::go_values::go_id_range_slice;
use crate::model::PodSecurityPolicySpec;

/// The problems, in upstream's wording.
pub fn policy_problems(spec: &PodSecurityPolicySpec) -> Vec<String> {
    let mut out = Vec::new();
    let rule = |name: &str, value: Option<&str>, supported: &str, out: &mut Vec<String>| {
        let value = value.unwrap_or("");
        if !supported.split(", ").any(|s| s.trim_matches('"') == value) {
            out.push(format!("spec.{name}.rule: Unsupported value: {value:?}: supported values: {supported}"));
        }
    };
    rule("seLinux", spec.se_linux.as_ref().map(|s| s.rule.as_str()), "\"MustRunAs\", \"RunAsAny\"", &mut out);
    rule(
        "runAsUser",
        spec.run_as_user.as_ref().map(|s| s.rule.as_str()),
        "\"MustRunAs\", \"MustRunAsNonRoot\", \"RunAsAny\"",
        &mut out,
    );
    rule(
        "supplementalGroups",
        spec.supplemental_groups.as_ref().map(|s| s.rule.as_str()),
        "\"MayRunAs\", \"MustRunAs\", \"RunAsAny\"",
        &mut out,
    );
    rule(
        "fsGroup",
        spec.fs_group.as_ref().map(|s| s.rule.as_str()),
        "\"MayRunAs\", \"MustRunAs\", \"RunAsAny\"",
        &mut out,
    );
    // validatePSPRunAsGroup: optional; its rules are listed unsorted, and the
    // range rules need a range.
    if let Some(group) = spec.run_as_group.as_ref() {
        let ranges = group.ranges.as_deref().unwrap_or_default();
        match group.rule.as_str() {
            "RunAsAny" if !ranges.is_empty() => out.push(format!(
                "spec.runAsGroup.ranges: Invalid value: {}: Ranges must be empty",
                go_id_range_slice(group.ranges.as_deref())
            )),
            "MustRunAs" | "MayRunAs" if ranges.is_empty() => out.push(format!(
                "spec.runAsGroup.ranges: Invalid value: {}: must provide at least one range",
                go_id_range_slice(group.ranges.as_deref())
            )),
            "RunAsAny" | "MustRunAs" | "MayRunAs" => {}
            other => out.push(format!(
                "spec.runAsGroup.rule: Unsupported value: {other:?}: supported values: \"MustRunAs\", \"RunAsAny\", \"MayRunAs\""
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_policy_without_rules_is_flagged_as_upstream_validation_would() {
        let problems = policy_problems(&PodSecurityPolicySpec::default());
        assert_eq!(problems.len(), 4);
        assert_eq!(
            problems[0],
            "spec.seLinux.rule: Unsupported value: \"\": supported values: \"MustRunAs\", \"RunAsAny\""
        );
    }
}
