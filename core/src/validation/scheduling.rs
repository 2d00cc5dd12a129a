//! pkg/apis/scheduling/validation/validation.go: PriorityClasses. Names with
//! the reserved `system-` prefix are checked by the loader
//! (`load/validate.rs`), which knows the two system classes.

use k8s_openapi::api::scheduling::v1::PriorityClass;

use super::field::{forbidden, not_supported, quoted, required};
use super::{Found, rule};

/// `scheduling.HighestUserDefinablePriority`: above it only the system classes.
const HIGHEST_USER_DEFINABLE_PRIORITY: i64 = 1_000_000_000;

/// `ValidatePriorityClass`: a user-defined class's value at most one billion,
/// and `ValidatePreemptionPolicy`.
pub fn priority_class(class: &PriorityClass, out: &mut Vec<Found>) {
    let name = class.metadata.name.as_deref().unwrap_or_default();
    if !name.starts_with("system-") && i64::from(class.value.unwrap_or_default()) > HIGHEST_USER_DEFINABLE_PRIORITY {
        out.push(Found::new(
            rule::PRIORITY_CLASS,
            "value".into(),
            forbidden(
                "value",
                &format!("maximum allowed value of a user defined priority is {HIGHEST_USER_DEFINABLE_PRIORITY}"),
            ),
        ));
    }
    let at = "preemptionPolicy";
    match class.preemption_policy.as_deref() {
        None | Some("PreemptLowerPriority" | "Never") => {}
        Some("") => out.push(Found::new(rule::PRIORITY_CLASS, at.into(), required(at, ""))),
        Some(policy) => out.push(Found::new(
            rule::PRIORITY_CLASS,
            at.into(),
            not_supported(at, &quoted(policy), &["PreemptLowerPriority", "Never"]),
        )),
    }
}
