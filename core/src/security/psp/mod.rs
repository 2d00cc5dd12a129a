//! PodSecurityPolicy (policy/v1beta1, removed in Kubernetes 1.25) simulated as the
//! admission plugin decided: for each policy, copy the pod, apply the policy's
//! defaults (mutation), validate the copy; prefer a policy that admits the pod
//! unchanged, else the first by name that admits the mutated pod.
//!
//! Laid out as upstream's `pkg/security/podsecuritypolicy/` (v1.22–v1.24 shape)
//! is: `provider.rs` (`provider.go`: `MutatePod`, `mutateContainer`,
//! `ValidatePod`, `validatePodVolumes`, `validateContainer`), `factory.rs`
//! (`factory.go`), one file per strategy (`capabilities`, `user`, `group`,
//! `selinux`, `sysctl`, `seccomp`, `apparmor`), `util.rs` (host paths), and
//! `validation.rs` (the policy object's own API validation). The decision is
//! `plugin/pkg/admission/security/podsecuritypolicy/admission.go` with
//! kubernetes/kubernetes#52849 (policy order). Messages follow that last plugin:
//! `PodSecurityPolicy: unable to admit pod: [...]`, seccomp errors on
//! `pod.metadata.annotations[...]` (not the older v1.6 wording `unable to
//! validate against any pod security policy`). Evaluated: privileged, capabilities, volumes
//! with hostPath prefixes (read-only too), flexVolume and CSI driver lists, host
//! namespaces and ports, runAsUser, runAsGroup, fsGroup, supplementalGroups,
//! seLinux, sysctls, procMount, readOnlyRootFilesystem, privilege escalation,
//! runtimeClass, seccomp and AppArmor annotations. Which policies a pod may use
//! (RBAC `use`) is the caller's to say: see `rbac.rs`. Semantics:
//! `docs/semantics/pod-security-policy.md`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

mod apparmor;
mod capabilities;
mod factory;
mod go_values;
mod group;
mod migration;
mod provider;
mod seccomp;
mod selinux;
mod sysctl;
mod user;
mod util;
mod validation;

pub use apparmor::{APPARMOR_ALLOWED_ANNOTATION, APPARMOR_DEFAULT_ANNOTATION};
pub use migration::{MigrationRow, migration_table};
pub use seccomp::{SECCOMP_ALLOWED_ANNOTATION, SECCOMP_DEFAULT_ANNOTATION};
pub use sysctl::PSP_SAFE_SYSCTLS;
pub use validation::policy_problems;

use crate::model::PodSecurityPolicySpec;

/// A policy as given to the simulation.
#[derive(Clone, Copy, Debug)]
pub struct PolicyRef<'a> {
    pub name: &'a str,
    pub annotations: Option<&'a BTreeMap<String, String>>,
    pub spec: &'a PodSecurityPolicySpec,
}

/// One policy's verdict on one pod.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PspEvaluation {
    pub policy: String,
    /// The (mutated) pod validates against this policy.
    pub admitted: bool,
    /// The policy changed the pod (so it loses to any policy admitting it unchanged).
    pub mutating: bool,
    /// What the policy defaulted, e.g. `spec.containers[0].securityContext.allowPrivilegeEscalation: set to false`.
    pub mutations: Vec<String>,
    /// Field errors in upstream's wording.
    pub errors: Vec<String>,
    /// This policy is the one the admission plugin would pick.
    pub chosen: bool,
    /// The pod after this policy's defaults (only when it changed something).
    #[cfg_attr(feature = "ts", ts(type = "JsonValue"))]
    pub mutated_pod: Option<serde_json::Value>,
    /// Why the admission plugin cannot build a provider from this policy (e.g.
    /// `ranges must be supplied for MustRunAs`): it is skipped, never admits.
    #[serde(default)]
    pub provider_errors: Vec<String>,
    /// The pod's service account may `use` this policy (RBAC; always true when the
    /// input grants nothing). An unauthorized policy is evaluated but neither chosen
    /// nor quoted in the rejection.
    #[serde(default = "authorized_by_default")]
    pub authorized: bool,
}

fn authorized_by_default() -> bool {
    true
}

/// The decision over all policies for one pod.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PspDecision {
    pub evaluations: Vec<PspEvaluation>,
    pub chosen: Option<String>,
    /// `pods "p" is forbidden: PodSecurityPolicy: unable to admit pod: [...]`.
    pub rejection: Option<String>,
    /// The pod as admitted (mutations applied, `kubernetes.io/psp` annotation set).
    #[cfg_attr(feature = "ts", ts(type = "JsonValue"))]
    pub mutated_pod: Option<serde_json::Value>,
    /// How the usable policies were chosen (RBAC `use`, or all assumed usable).
    #[serde(default)]
    pub access: Option<super::rbac::PolicyAccess>,
}

/// Evaluates a pod against every policy and picks one as the plugin did, among
/// those `authorized` says the pod may use (admission.go `computeSecurityContext`:
/// every policy is tried, only authorized ones count).
pub fn decide(
    pod_name: &str,
    metadata: &ObjectMeta,
    spec: &PodSpec,
    policies: &[PolicyRef<'_>],
    authorized: &dyn Fn(&str) -> bool,
) -> PspDecision {
    let mut sorted: Vec<&PolicyRef<'_>> = policies.iter().collect();
    crate::sort::sort_by(&mut sorted, |a, b| a.name.cmp(b.name));
    let mut evaluations = Vec::new();
    let mut pods = Vec::new();
    for policy in &sorted {
        let (pod, mut evaluation) = evaluate(metadata, spec, policy);
        evaluation.authorized = authorized(policy.name);
        evaluations.push(evaluation);
        pods.push(pod);
    }
    // Prefer a policy that admits the pod unchanged; else the first by name that
    // admits the mutated pod (kubernetes/kubernetes#52849).
    let chosen = evaluations
        .iter()
        .position(|e| e.admitted && e.authorized && !e.mutating)
        .or_else(|| evaluations.iter().position(|e| e.admitted && e.authorized));
    let mut decision = PspDecision { evaluations, chosen: None, rejection: None, mutated_pod: None, access: None };
    match chosen {
        Some(i) => {
            if let (Some(e), Some(pod)) = (decision.evaluations.get_mut(i), pods.get_mut(i)) {
                e.chosen = true;
                pod.metadata
                    .annotations
                    .get_or_insert_with(Default::default)
                    .insert("kubernetes.io/psp".to_owned(), e.policy.clone());
                if pod.metadata.name.is_none() {
                    pod.metadata.name = Some(pod_name.to_owned());
                }
                decision.chosen = Some(e.policy.clone());
                decision.mutated_pod = serde_json::to_value(&*pod).ok();
            }
        }
        None => {
            let errors: Vec<String> =
                decision.evaluations.iter().filter(|e| e.authorized).flat_map(|e| e.errors.iter().cloned()).collect();
            // admission.go: no providers (none given, or none could be built), or the
            // errors of every policy.
            let no_providers = decision.evaluations.iter().all(|e| !e.provider_errors.is_empty());
            decision.rejection = Some(if no_providers {
                format!(
                    "pods {pod_name:?} is forbidden: PodSecurityPolicy: no providers available to validate pod request"
                )
            } else {
                format!(
                    "pods {pod_name:?} is forbidden: PodSecurityPolicy: unable to admit pod: [{}]",
                    errors.join(" ")
                )
            });
        }
    }
    decision
}

/// Mutates a copy of the pod with one policy's defaults, then validates the copy.
fn evaluate(metadata: &ObjectMeta, spec: &PodSpec, policy: &PolicyRef<'_>) -> (Pod, PspEvaluation) {
    let mut pod = Pod { metadata: metadata.clone(), spec: Some(spec.clone()), status: None };
    let mut evaluation = PspEvaluation {
        policy: policy.name.to_owned(),
        admitted: false,
        mutating: false,
        mutations: Vec::new(),
        errors: Vec::new(),
        chosen: false,
        mutated_pod: None,
        provider_errors: Vec::new(),
        authorized: true,
    };
    let provider = match factory::new_provider(policy) {
        Ok(provider) => provider,
        Err(errors) => {
            evaluation.provider_errors = errors;
            return (pod, evaluation);
        }
    };
    evaluation.mutations = provider.mutate_pod(&mut pod);
    evaluation.errors = provider.validate_pod(&pod);
    evaluation.admitted = evaluation.errors.is_empty();
    evaluation.mutating = !evaluation.mutations.is_empty();
    if evaluation.mutating {
        evaluation.mutated_pod = serde_json::to_value(&pod).ok();
    }
    (pod, evaluation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_policies_reject_with_an_empty_list() {
        let d = decide("p", &ObjectMeta::default(), &PodSpec::default(), &[], &|_| true);
        assert_eq!(
            d.rejection.as_deref(),
            Some("pods \"p\" is forbidden: PodSecurityPolicy: no providers available to validate pod request")
        );
    }
}
