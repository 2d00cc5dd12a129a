//! pkg/apis/policy/validation/validation.go: PodDisruptionBudget specs.

use k8s_openapi::api::policy::v1::PodDisruptionBudget;

use super::field::{invalid, positive_int_or_percent};
use super::{Found, rule};

/// `ValidatePodDisruptionBudgetSpec`: at most one of minAvailable and
/// maxUnavailable, each a non-negative number or a percentage up to 100%.
pub fn pod_disruption_budget(pdb: &PodDisruptionBudget, out: &mut Vec<Found>) {
    let Some(spec) = &pdb.spec else { return };
    if spec.min_available.is_some() && spec.max_unavailable.is_some() {
        // Upstream prints the whole spec with `%#v`; its pointers print as
        // addresses, which kubeplay cannot know, so they are written `0x…`.
        let pointer = |set: bool, ty: &str| if set { format!("(*{ty})(0x…)") } else { format!("(*{ty})(nil)") };
        let value = format!(
            "policy.PodDisruptionBudgetSpec{{MinAvailable:{}, Selector:{}, MaxUnavailable:{}, UnhealthyPodEvictionPolicy:{}}}",
            pointer(true, "intstr.IntOrString"),
            pointer(spec.selector.is_some(), "v1.LabelSelector"),
            pointer(true, "intstr.IntOrString"),
            pointer(spec.unhealthy_pod_eviction_policy.is_some(), "policy.UnhealthyPodEvictionPolicyType"),
        );
        out.push(Found::new(
            rule::PDB_BUDGET,
            "spec.maxUnavailable".into(),
            invalid("spec", &value, "minAvailable and maxUnavailable cannot be both set"),
        ));
    }
    for (field, value) in [("minAvailable", &spec.min_available), ("maxUnavailable", &spec.max_unavailable)] {
        if let Some(value) = value {
            let at = format!("spec.{field}");
            for message in positive_int_or_percent(&at, value, true) {
                out.push(Found::new(rule::PDB_BUDGET, at.clone(), message));
            }
        }
    }
}
