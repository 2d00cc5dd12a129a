//! The seccomp strategy of the PSP admission plugin (`seccomp/strategy.go`): it
//! reads and writes the alpha profile annotations. `allowedProfileNames` is split
//! on commas without trimming (a trailing comma allows "no profile"); `*` allows any.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Pod;

pub const SECCOMP_ALLOWED_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/allowedProfileNames";
pub const SECCOMP_DEFAULT_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/defaultProfileName";
const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

pub(super) struct SeccompStrategy<'a> {
    default_profile: Option<&'a String>,
    allowed: Option<Vec<&'a str>>,
    allowed_text: &'a str,
}

impl<'a> SeccompStrategy<'a> {
    /// From the policy's annotations.
    pub(super) fn new(annotations: Option<&'a BTreeMap<String, String>>) -> Self {
        let text = annotations.and_then(|a| a.get(SECCOMP_ALLOWED_ANNOTATION));
        SeccompStrategy {
            default_profile: annotations.and_then(|a| a.get(SECCOMP_DEFAULT_ANNOTATION)),
            allowed: text.map(|t| t.split(',').collect()),
            allowed_text: text.map_or("", String::as_str),
        }
    }

    /// `Generate`, on the pod only (containers inherit it): the default profile for
    /// a pod with neither the annotation nor the field. Returns the mutation made.
    pub(super) fn generate(&self, pod: &mut Pod) -> Option<String> {
        let default = self.default_profile?;
        let has_field =
            pod.spec.as_ref().and_then(|s| s.security_context.as_ref()).is_some_and(|sc| sc.seccomp_profile.is_some());
        // The annotation map exists from here on, even when nothing is added: the
        // mutated pod prints `annotations: {}` then, as the plugin's copy does.
        let annotations = pod.metadata.annotations.get_or_insert_with(Default::default);
        if annotations.contains_key(POD_ANNOTATION) || has_field {
            return None;
        }
        annotations.insert(POD_ANNOTATION.to_owned(), default.clone());
        Some(format!("metadata.annotations[{POD_ANNOTATION}]: set to {default:?}"))
    }

    /// `ValidatePod`: the pod annotation.
    pub(super) fn validate_pod(&self, pod_annotations: &BTreeMap<String, String>) -> Option<String> {
        self.validate(POD_ANNOTATION, pod_annotations.get(POD_ANNOTATION).map_or("", String::as_str))
    }

    /// `ValidateContainer`: `profileForContainer` reads the container annotation,
    /// else the pod's.
    pub(super) fn validate_container(
        &self,
        container: &str,
        pod_annotations: &BTreeMap<String, String>,
    ) -> Option<String> {
        let key = format!("{CONTAINER_PREFIX}{container}");
        let profile = pod_annotations.get(&key).or(pod_annotations.get(POD_ANNOTATION)).map_or("", String::as_str);
        self.validate(&key, profile)
    }

    /// "Absence of this annotation means that the default cannot be changed": with
    /// no allowed profiles, any profile is forbidden.
    fn validate(&self, annotation_key: &str, profile: &str) -> Option<String> {
        let field = format!("pod.metadata.annotations[{annotation_key}]");
        let any = self.allowed.as_ref().is_some_and(|a| a.contains(&"*"));
        let listed: Vec<&str> = self.allowed.iter().flatten().copied().filter(|p| *p != "*").collect();
        if !any && listed.is_empty() && !profile.is_empty() {
            return Some(format!("{field}: Forbidden: seccomp may not be set"));
        }
        let allowed = (listed.is_empty() && profile.is_empty()) || any || listed.contains(&profile);
        (!allowed).then(|| {
            format!(
                "{field}: Forbidden: {profile} is not an allowed seccomp profile. Valid values are {}",
                self.allowed_text
            )
        })
    }
}
