//! The `runAsUser` strategies (`user/{mustrunas,nonroot,runasany}.go`), judged on
//! a container's effective values (its own, else the pod's).

use super::go_values::go_ranges;
use crate::model::{IdRange, RunAsStrategyOptions};

/// A rule the API would refuse counts as `RunAsAny` (see `policy_problems`).
#[derive(Clone, Copy, Debug)]
pub(super) enum UserStrategy<'a> {
    RunAsAny,
    MustRunAs(&'a [IdRange]),
    MustRunAsNonRoot,
}

/// What a user strategy sets on a container that gives neither value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum UserDefault {
    RunAsUser(i64),
    RunAsNonRoot,
}

impl<'a> UserStrategy<'a> {
    pub(super) fn of(options: Option<&'a RunAsStrategyOptions>) -> Self {
        let ranges = options.and_then(|o| o.ranges.as_deref()).unwrap_or_default();
        match options.map(|o| o.rule.as_str()) {
            Some("MustRunAs") => UserStrategy::MustRunAs(ranges),
            Some("MustRunAsNonRoot") => UserStrategy::MustRunAsNonRoot,
            _ => UserStrategy::RunAsAny,
        }
    }

    /// `Generate`: MustRunAs defaults the UID to the min of the first range;
    /// MustRunAsNonRoot marks the container `runAsNonRoot` when it says nothing.
    pub(super) fn generate(self, user: Option<i64>, non_root: Option<bool>) -> Option<UserDefault> {
        match self {
            UserStrategy::MustRunAs(ranges) if user.is_none() => ranges.first().map(|r| UserDefault::RunAsUser(r.min)),
            UserStrategy::MustRunAsNonRoot if user.is_none() && non_root.is_none() => Some(UserDefault::RunAsNonRoot),
            _ => None,
        }
    }

    /// `Validate` at `sc_path` (`spec.containers[0].securityContext`): nonroot.go
    /// reports the first problem only.
    pub(super) fn validate(self, sc_path: &str, user: Option<i64>, non_root: Option<bool>) -> Option<String> {
        match self {
            UserStrategy::RunAsAny => None,
            UserStrategy::MustRunAsNonRoot => {
                if user.is_none() && non_root.is_none() {
                    Some(format!("{sc_path}.runAsNonRoot: Required value: must be true"))
                } else if non_root == Some(false) {
                    Some(format!("{sc_path}.runAsNonRoot: Invalid value: false: must be true"))
                } else if user == Some(0) {
                    Some(format!("{sc_path}.runAsUser: Invalid value: 0: running with the root UID is forbidden"))
                } else {
                    None
                }
            }
            UserStrategy::MustRunAs(ranges) => match user {
                None => Some(format!("{sc_path}.runAsUser: Required value")),
                Some(uid) if !ranges.iter().any(|r| r.min <= uid && uid <= r.max) => Some(format!(
                    "{sc_path}.runAsUser: Invalid value: {uid}: must be in the ranges: {}",
                    go_ranges(ranges)
                )),
                Some(_) => None,
            },
        }
    }
}
