//! pkg/apis/autoscaling/validation/validation.go: HorizontalPodAutoscaler specs.

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;

use super::field::{invalid, required};
use super::{Found, rule};

/// `ValidateHorizontalPodAutoscalerSpec`: minReplicas at least 1 (0 only with
/// the alpha HPAScaleToZero gate, off by default), maxReplicas at least 1 and
/// at least minReplicas, and a target kind and name.
pub fn horizontal_pod_autoscaler(hpa: &HorizontalPodAutoscaler, out: &mut Vec<Found>) {
    let spec = &hpa.spec;
    if let Some(min) = spec.min_replicas.filter(|m| *m < 1) {
        let at = "spec.minReplicas";
        out.push(Found::new(
            rule::HPA_REPLICAS,
            at.into(),
            invalid(at, &min.to_string(), "must be greater than or equal to 1"),
        ));
    }
    let at = "spec.maxReplicas";
    if spec.max_replicas < 1 {
        out.push(Found::new(
            rule::HPA_REPLICAS,
            at.into(),
            invalid(at, &spec.max_replicas.to_string(), "must be greater than 0"),
        ));
    }
    if spec.min_replicas.is_some_and(|min| spec.max_replicas < min) {
        out.push(Found::new(
            rule::HPA_REPLICAS,
            at.into(),
            invalid(at, &spec.max_replicas.to_string(), "must be greater than or equal to `minReplicas`"),
        ));
    }
    for (field, value) in [("kind", &spec.scale_target_ref.kind), ("name", &spec.scale_target_ref.name)] {
        if value.is_empty() {
            let at = format!("spec.scaleTargetRef.{field}");
            out.push(Found::new(rule::HPA_REPLICAS, at.clone(), required(&at, "")));
        }
    }
}
