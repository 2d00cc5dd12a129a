//! pkg/apis/node/validation/validation.go: RuntimeClasses.

use k8s_openapi::api::node::v1::RuntimeClass;

use super::field::{invalid, quoted};
use super::resources::container_resource_name_problems;
use super::{Found, rule};
use crate::load::NameRule;
use crate::quantity::Quantity;
use crate::source::join_key;

/// `ValidateRuntimeClass`: the handler is a DNS-1123 label (the CRI names a
/// runtime handler so), and `validateOverhead`, which reuses the container
/// resource checks on `overhead.podFixed`: container resource names, no
/// quantity below zero.
pub fn runtime_class(class: &RuntimeClass, out: &mut Vec<Found>) {
    for problem in NameRule::Dns1123Label.problems(&class.handler) {
        out.push(Found::new(
            rule::RUNTIME_CLASS,
            "handler".into(),
            invalid("handler", &quoted(&class.handler), &problem),
        ));
    }
    let pod_fixed = class.overhead.as_ref().and_then(|o| o.pod_fixed.as_ref());
    for (name, raw) in pod_fixed.into_iter().flatten() {
        // ValidateContainerResourceRequirements names the list `limits` under
        // the path it is given (`overhead`), not `podFixed`.
        let at = format!("overhead.limits[{name}]");
        let located = join_key("overhead.podFixed", name);
        for problem in container_resource_name_problems(name) {
            out.push(Found::new(rule::RUNTIME_CLASS, located.clone(), invalid(&at, &quoted(name), &problem)));
        }
        // A quantity that does not parse is refused when decoding, not here.
        let Ok(q) = Quantity::parse(raw.0.trim()) else { continue };
        if q.sign() < 0 {
            out.push(Found::new(
                rule::RUNTIME_CLASS,
                located,
                invalid(&at, &quoted(&q.canonical()), "must be greater than or equal to 0"),
            ));
        }
    }
}
