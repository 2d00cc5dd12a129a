//! The AppArmor strategy (`apparmor/strategy.go`): profile annotations per
//! container, constrained only when the policy has the allowed-profiles annotation.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;

pub const APPARMOR_ALLOWED_ANNOTATION: &str = "apparmor.security.beta.kubernetes.io/allowedProfileNames";
pub const APPARMOR_DEFAULT_ANNOTATION: &str = "apparmor.security.beta.kubernetes.io/defaultProfileName";
const CONTAINER_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

pub(super) struct AppArmorStrategy<'a> {
    /// The default profile (an empty one sets nothing).
    default_profile: Option<&'a String>,
    /// The comma-separated allowed profiles.
    allowed: Option<&'a String>,
}

impl<'a> AppArmorStrategy<'a> {
    /// From the policy's annotations.
    pub(super) fn new(annotations: Option<&'a BTreeMap<String, String>>) -> Self {
        AppArmorStrategy {
            default_profile: annotations.and_then(|a| a.get(APPARMOR_DEFAULT_ANNOTATION)).filter(|d| !d.is_empty()),
            allowed: annotations.and_then(|a| a.get(APPARMOR_ALLOWED_ANNOTATION)),
        }
    }

    /// `Generate`, as provider.go's mutateContainer calls it for init then regular
    /// containers: a container without a profile annotation gets the default.
    pub(super) fn generate(&self, pod: &mut Pod, mutations: &mut Vec<String>) {
        let Some(default) = self.default_profile else {
            return;
        };
        let names: Vec<String> = pod
            .spec
            .iter()
            .flat_map(|s| s.init_containers.iter().flatten().chain(s.containers.iter()))
            .map(|c| c.name.clone())
            .collect();
        let pod_annotations = pod.metadata.annotations.get_or_insert_with(Default::default);
        for name in names {
            let key = format!("{CONTAINER_PREFIX}{name}");
            if pod_annotations.get(&key).is_none_or(String::is_empty) {
                pod_annotations.insert(key.clone(), default.clone());
                mutations.push(format!("metadata.annotations[{key}]: set to {default:?}"));
            }
        }
    }

    /// `Validate`: a container without a profile is refused before the list is
    /// consulted (so a trailing comma does not allow "unset").
    pub(super) fn validate(&self, container: &str, pod_annotations: &BTreeMap<String, String>) -> Option<String> {
        let allowed = self.allowed?;
        let key = format!("{CONTAINER_PREFIX}{container}");
        let profile = pod_annotations.get(&key).map_or("", String::as_str);
        if profile.is_empty() {
            Some(format!("pod.metadata.annotations[{key}]: Forbidden: AppArmor profile must be set"))
        } else if !allowed.split(',').any(|a| a == profile) {
            Some(format!(
                "pod.metadata.annotations[{key}]: Forbidden: {profile} is not an allowed profile. Allowed values: {allowed:?}"
            ))
        } else {
            None
        }
    }
}
