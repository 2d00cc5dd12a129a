//! pkg/apis/node/validation/validation.go: RuntimeClasses.

use k8s_openapi::api::node::v1::RuntimeClass;

use super::field::{invalid, quoted};
use super::{Found, rule};
use crate::load::NameRule;

/// `ValidateRuntimeClass`: the handler is a DNS-1123 label (the CRI names a
/// runtime handler so), and `validateOverhead`, which reuses the container
/// resource checks on `overhead.podFixed` (`resources::overhead`).
pub fn runtime_class(class: &RuntimeClass, out: &mut Vec<Found>) {
    for problem in NameRule::Dns1123Label.problems(&class.handler) {
        out.push(Found::new(
            rule::RUNTIME_CLASS,
            "handler".into(),
            invalid("handler", &quoted(&class.handler), &problem),
        ));
    }
    if let Some(pod_fixed) = class.overhead.as_ref().and_then(|o| o.pod_fixed.as_ref()) {
        // ValidateContainerResourceRequirements names the list `limits` under
        // the path it is given (`overhead`), not `podFixed`.
        super::resources::overhead(pod_fixed, "overhead", "overhead.podFixed", rule::RUNTIME_CLASS, out);
    }
}
