//! pkg/apis/policy/validation/validation.go: PodDisruptionBudget specs.

use k8s_openapi::api::policy::v1::PodDisruptionBudget;

use super::field::{int_or_string, invalid, label_selector, positive_int_or_percent};
use super::selector::{Checks, label_selector as label_selector_checks};
use super::{Found, rule};

/// `ValidatePodDisruptionBudgetSpec`: at most one of minAvailable and
/// maxUnavailable, each a non-negative number or a percentage up to 100%;
/// then the selector (`ValidateLabelSelector`).
pub fn pod_disruption_budget(pdb: &PodDisruptionBudget, out: &mut Vec<Found>) {
    let Some(spec) = &pdb.spec else { return };
    if spec.min_available.is_some() && spec.max_unavailable.is_some() {
        // Upstream prints the whole (internal, untagged) spec as JSON.
        let optional = |value: Option<String>| value.unwrap_or_else(|| "null".to_owned());
        let value = format!(
            "{{\"MinAvailable\":{},\"Selector\":{},\"MaxUnavailable\":{},\"UnhealthyPodEvictionPolicy\":{}}}",
            optional(spec.min_available.as_ref().map(int_or_string)),
            optional(spec.selector.as_ref().map(label_selector)),
            optional(spec.max_unavailable.as_ref().map(int_or_string)),
            optional(
                spec.unhealthy_pod_eviction_policy.as_ref().map(|p| serde_json::Value::String(p.clone()).to_string())
            ),
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
    if let Some(selector) = &spec.selector {
        label_selector_checks(selector, "spec.selector", Checks::All, rule::LABEL_SELECTOR, out);
    }
}
