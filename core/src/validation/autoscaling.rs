//! pkg/apis/autoscaling/validation/validation.go: HorizontalPodAutoscaler specs,
//! as `ValidateHorizontalPodAutoscaler` checks one on create, on the
//! autoscaling/v2 object as loaded (an autoscaling/v1 object is checked on its
//! converted form, `scaling::hpa::v1::to_v2`).
//!
//! Feature gates, at their Kubernetes 1.35 defaults: HPAScaleToZero off (alpha),
//! so `minReplicas` is at least 1; HPAConfigurableTolerance on (beta since
//! 1.35, alpha and off in 1.34, where the registry strategy's
//! `dropDisabledFields` removes a `tolerance` on create instead of validating
//! it); HPAContainerMetrics GA.
//!
//! The API server defaults an autoscaling/v2 object before validating it
//! (`SetDefaults_HorizontalPodAutoscaler`): no metrics become a CPU
//! utilization metric, and an unset (not an empty) `policies` list of a
//! `behavior` direction takes the default policies. Neither default can be
//! refused, so only what the user wrote is checked here.

use k8s_openapi::api::autoscaling::v2::{
    ContainerResourceMetricSource, CrossVersionObjectReference, ExternalMetricSource, HPAScalingRules,
    HorizontalPodAutoscaler, MetricIdentifier, MetricSpec, MetricTarget, ObjectMetricSource, PodsMetricSource,
    ResourceMetricSource,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use super::field::{forbidden, invalid, json_string, not_supported, quoted, required};
use super::resources::container_resource_name_problems;
use super::{Found, Rule, rule};
use crate::load::NameRule;
use crate::quantity::Quantity;

/// `MaxStabilizationWindowSeconds`.
const MAX_STABILIZATION_WINDOW_SECONDS: i32 = 3600;
/// `MaxPeriodSeconds`.
const MAX_PERIOD_SECONDS: i32 = 1800;
/// `validMetricSourceTypesList` (a sorted set).
const METRIC_SOURCE_TYPES: [&str; 5] = ["ContainerResource", "External", "Object", "Pods", "Resource"];
/// `validSelectPolicyTypesList` (a sorted set).
const SELECT_POLICIES: [&str; 3] = ["Disabled", "Max", "Min"];
/// `validPolicyTypesList` (a sorted set).
const POLICY_TYPES: [&str; 2] = ["Percent", "Pods"];

fn push(out: &mut Vec<Found>, rule: &'static Rule, at: &str, message: String) {
    out.push(Found::new(rule, at.to_owned(), message));
}

/// `validateHorizontalPodAutoscalerSpec`: minReplicas at least 1 (0 only with
/// the alpha HPAScaleToZero gate), maxReplicas at least 1 and at least
/// minReplicas, the target reference (`ValidateCrossVersionObjectReference`),
/// the metrics (`validateMetrics`) and the behavior (`validateBehavior`), in
/// upstream's order.
pub fn horizontal_pod_autoscaler(hpa: &HorizontalPodAutoscaler, out: &mut Vec<Found>) {
    let spec = &hpa.spec;
    if let Some(min) = spec.min_replicas.filter(|m| *m < 1) {
        let at = "spec.minReplicas";
        push(out, rule::HPA_REPLICAS, at, invalid(at, &min.to_string(), "must be greater than or equal to 1"));
    }
    let at = "spec.maxReplicas";
    if spec.max_replicas < 1 {
        push(out, rule::HPA_REPLICAS, at, invalid(at, &spec.max_replicas.to_string(), "must be greater than 0"));
    }
    if spec.min_replicas.is_some_and(|min| spec.max_replicas < min) {
        let message = invalid(at, &spec.max_replicas.to_string(), "must be greater than or equal to `minReplicas`");
        push(out, rule::HPA_REPLICAS, at, message);
    }
    // The registry strategy lets only a ReplicationController, the one
    // scalable kind of the core group, name no API group.
    let core_kind = spec.scale_target_ref.kind == "ReplicationController";
    object_reference(&spec.scale_target_ref, "spec.scaleTargetRef", core_kind, rule::HPA_SCALE_TARGET, out);
    metrics(spec.metrics.as_deref().unwrap_or_default(), spec.min_replicas, out);
    if let Some(behavior) = &spec.behavior {
        for (direction, rules) in [("scaleUp", &behavior.scale_up), ("scaleDown", &behavior.scale_down)] {
            if let Some(rules) = rules {
                scaling_rules(rules, &format!("spec.behavior.{direction}"), out);
            }
        }
    }
}

/// Where a finding of an autoscaling/v1 object is located: its one metric is
/// `spec.targetCPUUtilizationPercentage`, which the conversion turns into
/// `spec.metrics[0]` (the message keeps the converted path, as the API server
/// reports it); every other field has the same path in both versions.
pub fn v1_location(path: &str) -> String {
    if path.starts_with("spec.metrics[0]") || path == "spec.metrics" {
        "spec.targetCPUUtilizationPercentage".to_owned()
    } else {
        path.to_owned()
    }
}

/// `ValidateCrossVersionObjectReference`: a kind and a name, each a valid path
/// segment (`IsValidPathSegmentName`: not `.` or `..`, no `/` or `%`), then
/// the apiVersion (`ValidateAPIVersion`, kubernetes/kubernetes#132537): one
/// `schema.ParseGroupVersion` reads, naming an API group unless
/// `empty_group_allowed` (the options `validationOptionsForHorizontalPodAutoscaler`
/// gives a create: a ReplicationController target and every Object metric's
/// described object may omit the group).
fn object_reference(
    reference: &CrossVersionObjectReference,
    base: &str,
    empty_group_allowed: bool,
    rule: &'static Rule,
    out: &mut Vec<Found>,
) {
    for (field, value) in [("kind", &reference.kind), ("name", &reference.name)] {
        let at = format!("{base}.{field}");
        if value.is_empty() {
            push(out, rule, &at, required(&at, ""));
        } else {
            for problem in NameRule::PathSegment.problems(value) {
                push(out, rule, &at, invalid(&at, &quoted(value), &problem));
            }
        }
    }
    let api_version = reference.api_version.as_deref().unwrap_or_default();
    let problem = match group_of(api_version) {
        Err(problem) => Some(problem),
        Ok(group) if group.is_empty() && !empty_group_allowed => Some("apiVersion must specify API group".to_owned()),
        Ok(_) => None,
    };
    if let Some(problem) = problem {
        let at = format!("{base}.apiVersion");
        push(out, rule, &at, invalid(&at, &quoted(api_version), &problem));
    }
}

/// `schema.ParseGroupVersion`'s group: none for an empty text or `/`, the
/// text before the one `/`, an error for more than one.
fn group_of(api_version: &str) -> Result<&str, String> {
    match api_version.split_once('/') {
        _ if api_version.is_empty() || api_version == "/" => Ok(""),
        None => Ok(""),
        Some((group, version)) if !version.contains('/') => Ok(group),
        Some(_) => Err(format!("unexpected GroupVersion string: {api_version}")),
    }
}

/// `validateMetrics`: each metric (`validateMetricSpec`), then, when
/// minReplicas is 0, at least one Object or External metric (checked whatever
/// the HPAScaleToZero gate; the defaulted CPU metric is neither).
fn metrics(metrics: &[MetricSpec], min_replicas: Option<i32>, out: &mut Vec<Found>) {
    for (i, metric) in metrics.iter().enumerate() {
        metric_spec(metric, &format!("spec.metrics[{i}]"), out);
    }
    if min_replicas == Some(0) && !metrics.iter().any(|m| matches!(m.type_.as_str(), "Object" | "External")) {
        let at = "spec.metrics";
        let message =
            forbidden(at, "must specify at least one Object or External metric to support scaling to zero replicas");
        push(out, rule::HPA_METRIC, at, message);
    }
}

/// `validateMetricSpec`: a supported type; the sources that are set, of which
/// only the first (in the order object, external, pods, resource,
/// containerResource) is validated; the source the type names set; no other.
/// An unknown type is reported unsupported twice, as upstream's final switch
/// repeats the first check. Upstream reports the extra sources in its set's
/// (random) iteration order; here they come in the order above.
fn metric_spec(metric: &MetricSpec, base: &str, out: &mut Vec<Found>) {
    let rule = rule::HPA_METRIC;
    let type_at = format!("{base}.type");
    let source_type = metric.type_.as_str();
    let unsupported = || not_supported(&type_at, &json_string(source_type), &METRIC_SOURCE_TYPES);
    if source_type.is_empty() {
        push(out, rule, &type_at, required(&type_at, "must specify a metric source type"));
    }
    if !METRIC_SOURCE_TYPES.contains(&source_type) {
        push(out, rule, &type_at, unsupported());
    }
    let mut present: Vec<&str> = Vec::new();
    let mut first = |field: &'static str, set: bool| {
        if set {
            present.push(field);
        }
        set && present.len() == 1
    };
    let at = |field: &str| format!("{base}.{field}");
    if first("object", metric.object.is_some())
        && let Some(source) = &metric.object
    {
        object_source(source, &at("object"), out);
    }
    if first("external", metric.external.is_some())
        && let Some(source) = &metric.external
    {
        external_source(source, &at("external"), out);
    }
    if first("pods", metric.pods.is_some())
        && let Some(source) = &metric.pods
    {
        pods_source(source, &at("pods"), out);
    }
    if first("resource", metric.resource.is_some())
        && let Some(source) = &metric.resource
    {
        resource_source(source, &at("resource"), out);
    }
    if first("containerResource", metric.container_resource.is_some())
        && let Some(source) = &metric.container_resource
    {
        container_resource_source(source, &at("containerResource"), out);
    }
    let expected = match source_type {
        "Object" => Some(("object", metric.object.is_some())),
        "Pods" => Some(("pods", metric.pods.is_some())),
        "Resource" => Some(("resource", metric.resource.is_some())),
        "External" => Some(("external", metric.external.is_some())),
        "ContainerResource" => Some(("containerResource", metric.container_resource.is_some())),
        _ => None,
    };
    match expected {
        Some((field, false)) => {
            let source_at = at(field);
            push(out, rule, &source_at, required(&source_at, "must populate information for the given metric source"));
        }
        Some(_) => {}
        None => push(out, rule, &type_at, unsupported()),
    }
    if present.len() != 1 {
        for field in present.into_iter().filter(|f| expected.is_none_or(|(e, _)| e != *f)) {
            let source_at = at(field);
            push(out, rule, &source_at, forbidden(&source_at, "must populate the given metric source only"));
        }
    }
}

/// `validateObjectSource`: the described object, the metric, the target, and
/// a value or an averageValue.
fn object_source(source: &ObjectMetricSource, base: &str, out: &mut Vec<Found>) {
    object_reference(&source.described_object, &format!("{base}.describedObject"), true, rule::HPA_METRIC, out);
    metric_identifier(&source.metric, base, out);
    metric_target(&source.target, base, out);
    if source.target.value.is_none() && source.target.average_value.is_none() {
        let at = format!("{base}.target.averageValue");
        push(out, rule::HPA_METRIC, &at, required(&at, "must set either a target value or averageValue"));
    }
}

/// `validateExternalSource`: the metric, the target, and exactly one of a
/// value and an averageValue.
fn external_source(source: &ExternalMetricSource, base: &str, out: &mut Vec<Found>) {
    metric_identifier(&source.metric, base, out);
    metric_target(&source.target, base, out);
    let target = &source.target;
    if target.value.is_none() && target.average_value.is_none() {
        let at = format!("{base}.target.averageValue");
        let message = required(&at, "must set either a target value for metric or a per-pod target");
        push(out, rule::HPA_METRIC, &at, message);
    }
    if target.value.is_some() && target.average_value.is_some() {
        let at = format!("{base}.target.value");
        let message = forbidden(&at, "may not set both a target value for metric and a per-pod target");
        push(out, rule::HPA_METRIC, &at, message);
    }
}

/// `validatePodsSource`: the metric, the target, and an averageValue.
fn pods_source(source: &PodsMetricSource, base: &str, out: &mut Vec<Found>) {
    metric_identifier(&source.metric, base, out);
    metric_target(&source.target, base, out);
    if source.target.average_value.is_none() {
        let at = format!("{base}.target.averageValue");
        push(out, rule::HPA_METRIC, &at, required(&at, "must specify a positive target averageValue"));
    }
}

/// `validateResourceSource`: a resource name (any: upstream checks only that
/// it is set), the target, and exactly one of an averageUtilization and an
/// averageValue.
fn resource_source(source: &ResourceMetricSource, base: &str, out: &mut Vec<Found>) {
    if source.name.is_empty() {
        let at = format!("{base}.name");
        push(out, rule::HPA_METRIC, &at, required(&at, "must specify a resource name"));
    }
    metric_target(&source.target, base, out);
    utilization_or_value(&source.target, base, out);
}

/// `validateContainerResourceSource`: a container resource name
/// (`ValidateContainerResourceName` of pkg/apis/core/v1/validation), a
/// container that is a DNS-1123 label, the target, and exactly one of an
/// averageUtilization and an averageValue.
fn container_resource_source(source: &ContainerResourceMetricSource, base: &str, out: &mut Vec<Found>) {
    let rule = rule::HPA_METRIC;
    let at = format!("{base}.name");
    if source.name.is_empty() {
        push(out, rule, &at, required(&at, "must specify a resource name"));
    } else {
        // A `core.ResourceName` is printed as JSON since Kubernetes 1.34
        // (the field error tries encoding/json before fmt.Stringer), so
        // quoted like a string.
        for problem in container_resource_name_problems(&source.name) {
            push(out, rule, &at, invalid(&at, &quoted(&source.name), &problem));
        }
    }
    let at = format!("{base}.container");
    if source.container.is_empty() {
        push(out, rule, &at, required(&at, "must specify a container"));
    } else {
        for problem in NameRule::Dns1123Label.problems(&source.container) {
            push(out, rule, &at, invalid(&at, &quoted(&source.container), &problem));
        }
    }
    metric_target(&source.target, base, out);
    utilization_or_value(&source.target, base, out);
}

/// The Resource and ContainerResource sources' last two checks.
fn utilization_or_value(target: &MetricTarget, base: &str, out: &mut Vec<Found>) {
    if target.average_utilization.is_none() && target.average_value.is_none() {
        let at = format!("{base}.target.averageUtilization");
        let message = required(&at, "must set either a target raw value or a target utilization");
        push(out, rule::HPA_METRIC, &at, message);
    }
    if target.average_utilization.is_some() && target.average_value.is_some() {
        let at = format!("{base}.target.averageValue");
        let message = forbidden(&at, "may not set both a target raw value and a target utilization");
        push(out, rule::HPA_METRIC, &at, message);
    }
}

/// `validateMetricIdentifier` on `<base>.metric`: a name that is a valid path
/// segment (the selector is not checked).
fn metric_identifier(metric: &MetricIdentifier, base: &str, out: &mut Vec<Found>) {
    let at = format!("{base}.metric.name");
    if metric.name.is_empty() {
        push(out, rule::HPA_METRIC, &at, required(&at, "must specify a metric name"));
    } else {
        for problem in NameRule::PathSegment.problems(&metric.name) {
            push(out, rule::HPA_METRIC, &at, invalid(&at, &quoted(&metric.name), &problem));
        }
    }
}

/// A `*resource.Quantity` as a field error prints it since Kubernetes 1.34:
/// `Quantity` is no fmt.Stringer (its `String` has a pointer receiver), so
/// JSON, the quoted canonical text. `None` for a text that does not parse
/// (refused when decoding, not here).
fn quantity(raw: &K8sQuantity) -> Option<(Quantity, String)> {
    let parsed = Quantity::parse(raw.0.trim()).ok()?;
    let text = json_string(&parsed.canonical());
    Some((parsed, text))
}

/// `validateMetricTarget` on `<base>.target`: a type of Utilization, Value or
/// AverageValue (a named string type, so printed as JSON), a value and an
/// averageValue above zero, an averageUtilization of at least 1.
fn metric_target(target: &MetricTarget, base: &str, out: &mut Vec<Found>) {
    let rule = rule::HPA_METRIC;
    let at = format!("{base}.target.type");
    if target.type_.is_empty() {
        push(out, rule, &at, required(&at, "must specify a metric target type"));
    }
    if !matches!(target.type_.as_str(), "Utilization" | "Value" | "AverageValue") {
        let message = invalid(&at, &json_string(&target.type_), "must be either Utilization, Value, or AverageValue");
        push(out, rule, &at, message);
    }
    for (field, value) in [("value", &target.value), ("averageValue", &target.average_value)] {
        if let Some((_, text)) = value.as_ref().and_then(quantity).filter(|(q, _)| q.sign() != 1) {
            let at = format!("{base}.target.{field}");
            push(out, rule, &at, invalid(&at, &text, "must be positive"));
        }
    }
    if let Some(utilization) = target.average_utilization.filter(|u| *u < 1) {
        let at = format!("{base}.target.averageUtilization");
        push(out, rule, &at, invalid(&at, &utilization.to_string(), "must be greater than 0"));
    }
}

/// `validateScalingRules` for one direction of `spec.behavior`: a
/// stabilization window of 0 to 3600 seconds, a selectPolicy of Max, Min or
/// Disabled, at least one policy (an empty list: an unset one is defaulted),
/// each valid (`validateScalingPolicy`), and a tolerance not below zero.
fn scaling_rules(rules: &HPAScalingRules, base: &str, out: &mut Vec<Found>) {
    let rule = rule::HPA_BEHAVIOR;
    if let Some(window) = rules.stabilization_window_seconds {
        let at = format!("{base}.stabilizationWindowSeconds");
        if window < 0 {
            push(out, rule, &at, invalid(&at, &window.to_string(), "must be greater than or equal to zero"));
        }
        if window > MAX_STABILIZATION_WINDOW_SECONDS {
            let detail = format!("must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}");
            push(out, rule, &at, invalid(&at, &window.to_string(), &detail));
        }
    }
    if let Some(select) = rules.select_policy.as_deref().filter(|p| !SELECT_POLICIES.contains(p)) {
        let at = format!("{base}.selectPolicy");
        push(out, rule, &at, not_supported(&at, &json_string(select), &SELECT_POLICIES));
    }
    let policies_at = format!("{base}.policies");
    if let Some(policies) = &rules.policies {
        if policies.is_empty() {
            push(out, rule, &policies_at, required(&policies_at, "must specify at least one Policy"));
        }
        for (i, policy) in policies.iter().enumerate() {
            // validateScalingPolicy
            let at = |field: &str| format!("{policies_at}[{i}].{field}");
            if !POLICY_TYPES.contains(&policy.type_.as_str()) {
                let type_at = at("type");
                push(out, rule, &type_at, not_supported(&type_at, &json_string(&policy.type_), &POLICY_TYPES));
            }
            if policy.value <= 0 {
                let value_at = at("value");
                push(out, rule, &value_at, invalid(&value_at, &policy.value.to_string(), "must be greater than zero"));
            }
            let period_at = at("periodSeconds");
            let period = policy.period_seconds.to_string();
            if policy.period_seconds <= 0 {
                push(out, rule, &period_at, invalid(&period_at, &period, "must be greater than zero"));
            }
            if policy.period_seconds > MAX_PERIOD_SECONDS {
                let detail = format!("must be less than or equal to {MAX_PERIOD_SECONDS}");
                push(out, rule, &period_at, invalid(&period_at, &period, &detail));
            }
        }
    }
    // The text as upstream's TestValidateHorizontalPodAutoscalerConfigurableToleranceEnabled
    // expects it ("greater or equal to zero", not ValidateNonnegativeQuantity's).
    if let Some((_, text)) = rules.tolerance.as_ref().and_then(quantity).filter(|(q, _)| q.sign() < 0) {
        let at = format!("{base}.tolerance");
        push(out, rule, &at, invalid(&at, &text, "must be greater or equal to zero"));
    }
}
