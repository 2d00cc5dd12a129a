//! The capabilities strategy (`capabilities/capabilities.go`): case-sensitive
//! names; `*` in `allowedCapabilities` skips every capability check.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Capabilities, SecurityContext};

use super::go_values::go_capability_slice;
use crate::model::PodSecurityPolicySpec;

pub(super) struct CapabilitiesStrategy<'a> {
    default_add: &'a [String],
    required_drop: &'a [String],
    allowed: &'a [String],
}

impl<'a> CapabilitiesStrategy<'a> {
    pub(super) fn new(psp: &'a PodSecurityPolicySpec) -> Self {
        CapabilitiesStrategy {
            default_add: psp.default_add_capabilities.as_deref().unwrap_or_default(),
            required_drop: psp.required_drop_capabilities.as_deref().unwrap_or_default(),
            allowed: psp.allowed_capabilities.as_deref().unwrap_or_default(),
        }
    }

    /// `Generate`: default adds (unless the container drops them) and required
    /// drops are merged in; a changed list is written back as a sorted set.
    /// `path` is the container's (`spec.containers[0]`).
    pub(super) fn generate(&self, path: &str, sc: &mut SecurityContext, mutations: &mut Vec<String>) {
        if self.default_add.is_empty() && self.required_drop.is_empty() {
            return;
        }
        let current = sc.capabilities.clone().unwrap_or_default();
        let container_add: BTreeSet<String> = current.add.iter().flatten().cloned().collect();
        let container_drop: BTreeSet<String> = current.drop.iter().flatten().cloned().collect();
        let mut combined_add = container_add.clone();
        combined_add.extend(self.default_add.iter().filter(|c| !container_drop.contains(*c)).cloned());
        let mut combined_drop = container_drop.clone();
        combined_drop.extend(self.required_drop.iter().cloned());
        if combined_add.len() == container_add.len() && combined_drop.len() == container_drop.len() {
            return;
        }
        for cap in combined_add.difference(&container_add) {
            mutations.push(format!("{path}.securityContext.capabilities.add: added {cap}"));
        }
        for cap in combined_drop.difference(&container_drop) {
            mutations.push(format!("{path}.securityContext.capabilities.drop: added {cap}"));
        }
        let list = |set: BTreeSet<String>| (!set.is_empty()).then(|| set.into_iter().collect::<Vec<_>>());
        sc.capabilities = Some(Capabilities { add: list(combined_add), drop: list(combined_drop) });
    }

    /// `Validate` at `sc_path` (`spec.containers[0].securityContext`).
    pub(super) fn validate(&self, sc_path: &str, capabilities: Option<&Capabilities>) -> Vec<String> {
        let mut errors = Vec::new();
        match capabilities {
            None if !self.required_drop.is_empty() => {
                errors.push(format!(
                    "{sc_path}.capabilities: Invalid value: \"null\": required capabilities are not set on the securityContext"
                ));
            }
            Some(caps) if !self.allowed.iter().any(|c| c == "*") => {
                for cap in caps.add.iter().flatten() {
                    if !self.default_add.contains(cap) && !self.allowed.contains(cap) {
                        errors.push(format!(
                            "{sc_path}.capabilities.add: Invalid value: {cap:?}: capability may not be added"
                        ));
                    }
                }
                let drop = caps.drop.as_deref().unwrap_or_default();
                for required in self.required_drop {
                    if !drop.contains(required) {
                        errors.push(format!(
                            "{sc_path}.capabilities.drop: Invalid value: {}: {required} is required to be dropped but was not found",
                            go_capability_slice(drop)
                        ));
                    }
                }
            }
            _ => {}
        }
        errors
    }
}
