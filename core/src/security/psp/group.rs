//! The group strategies shared by `runAsGroup`, `fsGroup` and `supplementalGroups`
//! (`group/{mustrunas,mayrunas,runasany}.go`).

use super::go_values::{go_int64_slice, go_ranges};
use crate::model::{IdRange, RunAsStrategyOptions};

/// A rule the API would refuse counts as `RunAsAny` (see `policy_problems`).
#[derive(Clone, Copy, Debug)]
pub(super) enum GroupStrategy<'a> {
    RunAsAny,
    MayRunAs(&'a [IdRange]),
    MustRunAs(&'a [IdRange]),
}

impl<'a> GroupStrategy<'a> {
    pub(super) fn of(options: Option<&'a RunAsStrategyOptions>) -> Self {
        let ranges = options.and_then(|o| o.ranges.as_deref()).unwrap_or_default();
        match options.map(|o| o.rule.as_str()) {
            Some("MustRunAs") => GroupStrategy::MustRunAs(ranges),
            Some("MayRunAs") => GroupStrategy::MayRunAs(ranges),
            _ => GroupStrategy::RunAsAny,
        }
    }

    /// `Generate`/`GenerateSingle`: MustRunAs gives the min of the first range;
    /// MayRunAs and RunAsAny leave the field unset.
    pub(super) fn default_group(self) -> Option<i64> {
        match self {
            GroupStrategy::MustRunAs(ranges) => ranges.first().map(|r| r.min),
            _ => None,
        }
    }

    /// `Validate`: MustRunAs needs at least one group; both range rules need every
    /// group inside a range. The bad value printed is the whole list (Go's %#v).
    pub(super) fn validate(self, path: &str, groups: Option<&[i64]>) -> Vec<String> {
        let ranges = match self {
            GroupStrategy::RunAsAny => return Vec::new(),
            GroupStrategy::MayRunAs(ranges) | GroupStrategy::MustRunAs(ranges) => ranges,
        };
        let value = go_int64_slice(groups);
        let mut out = Vec::new();
        if matches!(self, GroupStrategy::MustRunAs(_)) && groups.is_none_or(<[i64]>::is_empty) {
            out.push(format!(
                "{path}: Invalid value: {value}: unable to validate empty groups against required ranges"
            ));
        }
        for &group in groups.unwrap_or_default() {
            if !ranges.iter().any(|r| r.min <= group && group <= r.max) {
                out.push(format!(
                    "{path}: Invalid value: {value}: group {group} must be in the ranges: {}",
                    go_ranges(ranges)
                ));
            }
        }
        out
    }
}
