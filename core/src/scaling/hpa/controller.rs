//! One reconcile of the HPA controller (`reconcileAutoscaler`,
//! `computeReplicasForMetrics`, `computeReplicasForMetric` and the
//! `computeStatusFor*Metric` functions of
//! `pkg/controller/podautoscaler/horizontal.go`; `hpa.md §2`), with the state
//! the controller keeps per HPA between reconciles.

use std::borrow::Cow;

use k8s_openapi::api::autoscaling::v2::{
    HPAScalingRules, HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
    ResourceMetricSource,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::{Deserialize, Serialize};

use super::behavior::{
    ScaleEvent, TimestampedRecommendation, convert_desired_replicas_with_behavior_rate,
    convert_desired_replicas_with_rules, effective_behavior, longest_policy_period, stabilize_recommendation,
    stabilize_recommendation_with_behaviors, store_scale_event,
};
use super::pods::{PodInfo, PodSamples};
use super::replica_calculator::{PodRequests, ReplicaCalculator, Tolerances};
use crate::quantity::Quantity;

/// The kube-controller-manager flags (`hpa.md §1`), durations in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ControllerConfig {
    pub sync_period: i64,
    pub tolerance: f64,
    pub downscale_stabilization_window: i64,
    pub cpu_initialization_period: i64,
    pub initial_readiness_delay: i64,
    /// Feature HPAConfigurableTolerance (beta, on by default since 1.34):
    /// `behavior.scale{Up,Down}.tolerance` replace the flag.
    pub configurable_tolerance: bool,
    /// Feature PodLevelResources.
    pub pod_level_resources: bool,
}

impl Default for ControllerConfig {
    fn default() -> Self {
        ControllerConfig {
            sync_period: 15,
            tolerance: 0.1,
            downscale_stabilization_window: 300,
            cpu_initialization_period: 300,
            initial_readiness_delay: 30,
            configurable_tolerance: true,
            pod_level_resources: true,
        }
    }
}

/// What the metrics APIs answered for one entry of `spec.metrics`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum MetricReading {
    /// Per-pod samples (Resource, ContainerResource, Pods metrics), already
    /// reduced to the pod (or to the named container), in the order of
    /// [`ReconcileInput::pods`] ([`PodSamples::from_named`] joins name-keyed ones).
    Pods(PodSamples),
    /// The described object's value (Object metrics), milli-units.
    Object(i64),
    /// The matching series' values (External metrics), milli-units.
    External(Vec<i64>),
    /// The metrics API failed with this message.
    Unavailable(String),
}

/// One reconcile's view of the world.
#[derive(Debug, Clone, Copy)]
pub struct ReconcileInput<'a> {
    pub now: i64,
    /// The HPA's namespace (it appears in upstream's error messages).
    pub namespace: &'a str,
    /// The target's scale `spec.replicas`.
    pub spec_replicas: i32,
    /// The target's scale `status.replicas`.
    pub status_replicas: i32,
    /// The pods the target's selector matches.
    pub pods: &'a [PodInfo],
    /// One reading per entry of the (defaulted) `spec.metrics`, in order;
    /// a missing entry counts as an unavailable metric.
    pub metrics: &'a [MetricReading],
    /// Per entry of `spec.metrics`, in order: `calculateRequests` over `pods`
    /// for a Utilization metric's resource and container, when the caller
    /// keeps it between reconciles (the simulation does); a missing entry or
    /// `None`: computed from `pods`.
    pub requests: &'a [Option<PodRequests>],
    /// A caller's promise that lets the controller skip the replica
    /// calculator: two reconciles with the same `Some` generation have the
    /// same `spec.metrics`, the same `pods` with the same `groupPods` groups at
    /// their `now`, and the same readings (sample timestamps aside). The
    /// metrics' proposals are then those of the previous reconcile, when its
    /// replica counts and tolerances were the same too. `None`: always computed.
    pub readings_generation: Option<u64>,
}

/// A status condition as the controller sets it. Borrowed text where the
/// controller's is fixed, so a reconcile allocates only the messages it formats.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: Cow<'static, str>,
    pub status: Cow<'static, str>,
    pub reason: Cow<'static, str>,
    pub message: Cow<'static, str>,
}

/// One metric's outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricProposal {
    /// Upstream's description, e.g. "cpu resource utilization (percentage of request)".
    pub name: String,
    pub replicas: Option<i32>,
    /// Truncated percent for Utilization targets.
    pub utilization: Option<i32>,
    /// Average value (milli) for per-pod metrics, the value for Object/External Value targets.
    pub value: Option<i64>,
    pub error: Option<String>,
}

/// The decision of one reconcile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileOutcome {
    pub current_replicas: i32,
    /// The largest valid proposal (`metricDesiredReplicas`), when metrics ran.
    pub metric_desired_replicas: Option<i32>,
    /// After stabilization, rate limits and min/max; equals current when not scaling.
    pub desired_replicas: i32,
    pub rescale: bool,
    pub rescale_reason: String,
    pub metrics: Vec<MetricProposal>,
    pub conditions: Vec<Condition>,
    /// The error `reconcileAutoscaler` returns (metrics that failed).
    pub error: Option<String>,
}

/// The controller's memory of one HPA: recommendations (seeded on the first
/// reconcile) and scale events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HpaController {
    pub config: ControllerConfig,
    pub recommendations: Vec<TimestampedRecommendation>,
    pub scale_up_events: Vec<ScaleEvent>,
    pub scale_down_events: Vec<ScaleEvent>,
    pub seeded: bool,
    /// The last reconcile's `spec.behavior` with the stabilization flag it was
    /// defaulted with, and the result: a cache, not state upstream keeps.
    #[serde(skip)]
    behavior_cache: Option<BehaviorCache>,
    /// The last `computeReplicasForMetrics` and what it was computed from
    /// (see [`ReconcileInput::readings_generation`]): a cache, not upstream state.
    #[serde(skip)]
    metrics_memo: Option<MetricsMemo>,
}

/// What [`HpaController::compute_replicas_for_metrics`] answered, and for which input.
#[derive(Debug, Clone, PartialEq)]
struct MetricsMemo {
    generation: u64,
    spec_replicas: i32,
    status_replicas: i32,
    tolerances: Tolerances,
    answer: (Option<i32>, Option<usize>, Option<String>),
    proposals: Vec<MetricProposal>,
    /// The ScalingActive condition it set.
    condition: Option<Condition>,
}

#[derive(Debug, Clone, PartialEq)]
struct BehaviorCache {
    spec: HorizontalPodAutoscalerBehavior,
    downscale_stabilization_window: i64,
    effective: HorizontalPodAutoscalerBehavior,
}

fn set_condition(
    conditions: &mut Vec<Condition>,
    type_: &'static str,
    status: bool,
    reason: &'static str,
    message: impl Into<Cow<'static, str>>,
) {
    let condition = Condition {
        type_: Cow::Borrowed(type_),
        status: Cow::Borrowed(if status { "True" } else { "False" }),
        reason: Cow::Borrowed(reason),
        message: message.into(),
    };
    put_condition(conditions, condition);
}

/// Sets `condition`, replacing the one of its type.
fn put_condition(conditions: &mut Vec<Condition>, condition: Condition) {
    match conditions.iter_mut().find(|c| c.type_ == condition.type_) {
        Some(slot) => *slot = condition,
        None => conditions.push(condition),
    }
}

/// API defaulting of `spec.metrics` (`v2/defaults.go`): none means CPU at 80%.
pub fn defaulted_metrics(spec: &HorizontalPodAutoscalerSpec) -> Vec<MetricSpec> {
    metric_specs(spec).into_owned()
}

/// [`defaulted_metrics`], borrowed when the spec has metrics.
fn metric_specs(spec: &HorizontalPodAutoscalerSpec) -> Cow<'_, [MetricSpec]> {
    match &spec.metrics {
        Some(metrics) if !metrics.is_empty() => Cow::Borrowed(metrics),
        _ => Cow::Owned(vec![MetricSpec {
            type_: "Resource".to_string(),
            resource: Some(ResourceMetricSource {
                name: "cpu".to_string(),
                target: MetricTarget {
                    type_: "Utilization".to_string(),
                    average_utilization: Some(80),
                    ..MetricTarget::default()
                },
            }),
            ..MetricSpec::default()
        }]),
    }
}

fn milli(quantity: &k8s_openapi::apimachinery::pkg::api::resource::Quantity) -> Result<i64, String> {
    Quantity::parse(&quantity.0)
        .ok()
        .and_then(|q| q.milli_value())
        .ok_or_else(|| format!("quantities must match the regular expression: {:?}", quantity.0))
}

/// `AsApproximateFloat64` of a tolerance.
fn approximate_f64(quantity: &k8s_openapi::apimachinery::pkg::api::resource::Quantity) -> Option<f64> {
    Quantity::parse(&quantity.0).ok().and_then(|q| q.scaled_value(-9)).map(|nano| nano as f64 / 1e9)
}

/// Go's `%+v` of a `*metav1.LabelSelector` (its generated `String()`).
fn selector_string(selector: Option<&LabelSelector>) -> String {
    let Some(selector) = selector else { return "nil".to_string() };
    let mut labels = String::from("map[string]string{");
    for (k, v) in selector.match_labels.iter().flatten() {
        labels.push_str(&format!("{k}: {v},"));
    }
    labels.push('}');
    let mut expressions = String::from("[]LabelSelectorRequirement{");
    for e in selector.match_expressions.iter().flatten() {
        let values = e.values.as_deref().unwrap_or_default().join(" ");
        expressions.push_str(&format!(
            "LabelSelectorRequirement{{Key:{},Operator:{},Values:[{values}],}},",
            e.key, e.operator
        ));
    }
    expressions.push('}');
    format!("&LabelSelector{{MatchLabels:{labels},MatchExpressions:{expressions},}}")
}

struct MetricFailure {
    /// The ScalingActive=False reason (`FailedGet*Metric`).
    reason: &'static str,
    condition_error: String,
    error: String,
}

impl HpaController {
    pub fn new(config: ControllerConfig) -> Self {
        HpaController { config, ..HpaController::default() }
    }

    fn calculator(&self) -> ReplicaCalculator {
        ReplicaCalculator {
            cpu_initialization_period: self.config.cpu_initialization_period,
            delay_of_initial_readiness_status: self.config.initial_readiness_delay,
            pod_level_resources: self.config.pod_level_resources,
        }
    }

    /// `tolerancesForHpa`: the flag, or the HPA's own per direction.
    pub fn tolerances_for(&self, behavior: Option<&HorizontalPodAutoscalerBehavior>) -> Tolerances {
        let mut t = Tolerances { scale_down: self.config.tolerance, scale_up: self.config.tolerance };
        let Some(behavior) = behavior.filter(|_| self.config.configurable_tolerance) else { return t };
        if let Some(v) = behavior.scale_down.as_ref().and_then(|r| r.tolerance.as_ref()).and_then(approximate_f64) {
            t.scale_down = v;
        }
        if let Some(v) = behavior.scale_up.as_ref().and_then(|r| r.tolerance.as_ref()).and_then(approximate_f64) {
            t.scale_up = v;
        }
        t
    }

    /// One reconcile (`reconcileAutoscaler`). Updates the recommendations and
    /// scale events as upstream does and returns the decision.
    pub fn reconcile(&mut self, spec: &HorizontalPodAutoscalerSpec, input: ReconcileInput<'_>) -> ReconcileOutcome {
        let now = input.now;
        let current_replicas = input.spec_replicas;
        let mut conditions = Vec::new();
        set_condition(
            &mut conditions,
            "AbleToScale",
            true,
            "SucceededGetScale",
            "the HPA controller was able to get the target's current scale",
        );
        // recordInitialRecommendation
        if !self.seeded {
            self.seeded = true;
            self.recommendations = vec![TimestampedRecommendation { recommendation: current_replicas, timestamp: now }];
        }
        let min_replicas = spec.min_replicas.unwrap_or(1);
        let max_replicas = spec.max_replicas;
        let window = self.config.downscale_stabilization_window;
        let cached = match (spec.behavior.as_ref(), self.behavior_cache.take()) {
            (Some(b), Some(cache)) if cache.spec == *b && cache.downscale_stabilization_window == window => Some(cache),
            (Some(b), _) => Some(BehaviorCache {
                spec: b.clone(),
                downscale_stabilization_window: window,
                effective: effective_behavior(b, window),
            }),
            (None, _) => None,
        };
        let behavior = cached.as_ref().map(|c| &c.effective);

        let mut outcome = ReconcileOutcome {
            current_replicas,
            metric_desired_replicas: None,
            desired_replicas: 0,
            rescale: true,
            rescale_reason: String::new(),
            metrics: Vec::new(),
            conditions: Vec::new(),
            error: None,
        };
        let mut desired_replicas: i32 = 0;
        if current_replicas == 0 && min_replicas != 0 {
            outcome.rescale = false;
            set_condition(
                &mut conditions,
                "ScalingActive",
                false,
                "ScalingDisabled",
                "scaling is disabled since the replica count of the target is zero",
            );
        } else if current_replicas > max_replicas {
            outcome.rescale_reason = "Current number of replicas above Spec.MaxReplicas".to_string();
            desired_replicas = max_replicas;
        } else if current_replicas < min_replicas {
            outcome.rescale_reason = "Current number of replicas below Spec.MinReplicas".to_string();
            desired_replicas = min_replicas;
        } else {
            let tolerances = self.tolerances_for(behavior);
            let (metric_desired, metric_index, error) =
                self.replicas_for_metrics(spec, input, tolerances, &mut outcome.metrics, &mut conditions);
            outcome.error = error;
            let Some(metric_desired) = metric_desired else {
                // Nothing can be decided this cycle.
                outcome.rescale = false;
                outcome.desired_replicas = current_replicas;
                outcome.conditions = conditions;
                self.behavior_cache = cached;
                return outcome;
            };
            outcome.metric_desired_replicas = Some(metric_desired);
            let mut rescale_metric = "";
            if metric_desired > desired_replicas {
                desired_replicas = metric_desired;
                rescale_metric = metric_index.and_then(|i| outcome.metrics.get(i)).map_or("", |p| p.name.as_str());
            }
            if desired_replicas > current_replicas {
                outcome.rescale_reason = format!("{rescale_metric} above target");
            }
            if desired_replicas < current_replicas {
                outcome.rescale_reason = "All metrics below target".to_string();
            }
            desired_replicas = match behavior {
                None => self.normalize_desired_replicas(
                    current_replicas,
                    desired_replicas,
                    min_replicas,
                    max_replicas,
                    now,
                    &mut conditions,
                ),
                Some(behavior) => self.normalize_desired_replicas_with_behaviors(
                    behavior,
                    current_replicas,
                    desired_replicas,
                    min_replicas,
                    max_replicas,
                    now,
                    &mut conditions,
                ),
            };
            outcome.rescale = desired_replicas != current_replicas;
        }

        if outcome.rescale {
            set_condition(
                &mut conditions,
                "AbleToScale",
                true,
                "SucceededRescale",
                format!("the HPA controller was able to update the target scale to {desired_replicas}"),
            );
            self.store_scale_event(behavior, current_replicas, desired_replicas, now);
        } else {
            desired_replicas = current_replicas;
        }
        outcome.desired_replicas = desired_replicas;
        outcome.conditions = conditions;
        self.behavior_cache = cached;
        outcome
    }

    /// [`Self::compute_replicas_for_metrics`], or its last answer again when
    /// the caller's readings generation says nothing it reads has changed.
    fn replicas_for_metrics(
        &mut self,
        spec: &HorizontalPodAutoscalerSpec,
        input: ReconcileInput<'_>,
        tolerances: Tolerances,
        proposals: &mut Vec<MetricProposal>,
        conditions: &mut Vec<Condition>,
    ) -> (Option<i32>, Option<usize>, Option<String>) {
        let Some(generation) = input.readings_generation else {
            self.metrics_memo = None;
            return self.compute_replicas_for_metrics(spec, input, tolerances, proposals, conditions);
        };
        if let Some(memo) = &self.metrics_memo
            && memo.generation == generation
            && memo.spec_replicas == input.spec_replicas
            && memo.status_replicas == input.status_replicas
            && memo.tolerances == tolerances
        {
            proposals.extend(memo.proposals.iter().cloned());
            if let Some(condition) = &memo.condition {
                put_condition(conditions, condition.clone());
            }
            return memo.answer.clone();
        }
        let first = proposals.len();
        let answer = self.compute_replicas_for_metrics(spec, input, tolerances, proposals, conditions);
        self.metrics_memo = Some(MetricsMemo {
            generation,
            spec_replicas: input.spec_replicas,
            status_replicas: input.status_replicas,
            tolerances,
            answer: answer.clone(),
            proposals: proposals.get(first..).unwrap_or_default().to_vec(),
            condition: conditions.iter().find(|c| c.type_ == "ScalingActive").cloned(),
        });
        answer
    }

    /// `computeReplicasForMetrics`: the largest valid proposal; `None` when
    /// every metric failed, or some failed and the rest would scale down.
    /// Returns (replicas, metric name, error).
    fn compute_replicas_for_metrics(
        &self,
        spec: &HorizontalPodAutoscalerSpec,
        input: ReconcileInput<'_>,
        tolerances: Tolerances,
        proposals: &mut Vec<MetricProposal>,
        conditions: &mut Vec<Condition>,
    ) -> (Option<i32>, Option<usize>, Option<String>) {
        let metric_specs = metric_specs(spec);
        let mut replicas: i32 = 0;
        // Index in `proposals` of the metric that sets `replicas`.
        let mut metric: Option<usize> = None;
        let mut invalid_count = 0usize;
        let mut first_failure: Option<MetricFailure> = None;
        // Made only for a missing reading, not at every reconcile.
        let mut unavailable = None;
        for (i, metric_spec) in metric_specs.iter().enumerate() {
            let reading = match input.metrics.get(i) {
                Some(reading) => reading,
                None => {
                    &*unavailable.get_or_insert_with(|| MetricReading::Unavailable("no metrics returned".to_string()))
                }
            };
            let known_requests = input.requests.get(i).and_then(Option::as_ref);
            match self.compute_replicas_for_metric(metric_spec, reading, known_requests, input, tolerances) {
                Ok(proposal) => {
                    let r = proposal.replicas.unwrap_or(0);
                    if replicas == 0 || r > replicas {
                        replicas = r;
                        metric = Some(proposals.len());
                    }
                    proposals.push(proposal);
                }
                Err((name, failure)) => {
                    proposals.push(MetricProposal {
                        name,
                        replicas: None,
                        utilization: None,
                        value: None,
                        error: Some(failure.error.clone()),
                    });
                    if invalid_count == 0 {
                        first_failure = Some(failure);
                    }
                    invalid_count += 1;
                }
            }
        }
        let error = first_failure.as_ref().map(|f| {
            format!(
                "invalid metrics ({invalid_count} invalid out of {}), first error is: {}",
                metric_specs.len(),
                f.error
            )
        });
        if let Some(failure) = &first_failure
            && (invalid_count >= metric_specs.len() || replicas < input.spec_replicas)
        {
            set_condition(
                conditions,
                "ScalingActive",
                false,
                failure.reason,
                format!("the HPA was unable to compute the replica count: {}", failure.condition_error),
            );
            return (None, None, error);
        }
        let name = metric.and_then(|i| proposals.get(i)).map_or("", |p| p.name.as_str());
        set_condition(
            conditions,
            "ScalingActive",
            true,
            "ValidMetricFound",
            format!("the HPA was able to successfully calculate a replica count from {name}"),
        );
        (Some(replicas), metric, error)
    }

    /// `computeReplicasForMetric` and the `computeStatusFor*Metric` functions.
    /// On failure: the metric's description (may be empty) and the failure.
    fn compute_replicas_for_metric(
        &self,
        metric_spec: &MetricSpec,
        reading: &MetricReading,
        known_requests: Option<&PodRequests>,
        input: ReconcileInput<'_>,
        tolerances: Tolerances,
    ) -> Result<MetricProposal, (String, MetricFailure)> {
        let calc = self.calculator();
        let spec_replicas = input.spec_replicas;
        let ok = |name: String, replicas: i32, utilization: Option<i32>, value: i64| MetricProposal {
            name,
            replicas: Some(replicas),
            utilization,
            value: Some(value),
            error: None,
        };
        let fail = |name: String, reason: &'static str, condition_error: String, error: String| {
            (name, MetricFailure { reason, condition_error, error })
        };
        match metric_spec.type_.as_str() {
            "Resource" | "ContainerResource" => {
                let container_source = metric_spec.type_ == "ContainerResource";
                let (resource, container, target) = match (&metric_spec.resource, &metric_spec.container_resource) {
                    (Some(r), _) if !container_source => (r.name.as_str(), "", &r.target),
                    (_, Some(c)) if container_source => (c.name.as_str(), c.container.as_str(), &c.target),
                    _ => {
                        let err = format!("invalid {} metric source: the source is not set", metric_spec.type_);
                        return Err(fail(String::new(), "InvalidMetricSourceType", err.clone(), err));
                    }
                };
                let reason =
                    if container_source { "FailedGetContainerResourceMetric" } else { "FailedGetResourceMetric" };
                let inner = self.resource_metric(
                    resource,
                    container,
                    target,
                    reading,
                    known_requests,
                    input,
                    tolerances,
                    container_source,
                    &calc,
                );
                match inner {
                    Ok((name, replicas, utilization, value)) => Ok(ok(name, replicas, utilization, value)),
                    Err(err) => {
                        let err = format!("failed to get {resource} utilization: {err}");
                        // Formatted only on failure: most reconciles succeed.
                        let wrapped = if container_source {
                            format!("failed to get {container} container metric value: {err}")
                        } else {
                            format!("failed to get {resource} resource metric value: {err}")
                        };
                        Err(fail(String::new(), reason, err.clone(), wrapped))
                    }
                }
            }
            "Pods" => {
                let Some(source) = &metric_spec.pods else {
                    let err = "invalid pods metric source: the source is not set".to_string();
                    return Err(fail(String::new(), "FailedGetPodsMetric", err.clone(), err));
                };
                let name = format!("pods metric {}", source.metric.name);
                let result = source
                    .target
                    .average_value
                    .as_ref()
                    .ok_or_else(|| "invalid pods metric source: no average value target was set".to_string())
                    .and_then(milli)
                    .and_then(|target| match reading {
                        MetricReading::Pods(samples) if !samples.is_empty() => calc.plain_metric_replicas(
                            input.now,
                            spec_replicas,
                            target,
                            "",
                            tolerances,
                            input.pods,
                            samples,
                        ),
                        MetricReading::Unavailable(msg) => {
                            Err(format!("unable to get metric {}: {msg}", source.metric.name))
                        }
                        _ => Err(format!(
                            "unable to get metric {}: no metrics returned from custom metrics API",
                            source.metric.name
                        )),
                    });
                match result {
                    Ok(p) => Ok(ok(name, p.replicas, None, p.usage)),
                    Err(err) => Err(fail(
                        name,
                        "FailedGetPodsMetric",
                        err.clone(),
                        format!("failed to get pods metric value: {err}"),
                    )),
                }
            }
            "Object" => {
                let Some(source) = &metric_spec.object else {
                    let err = "invalid object metric source: the source is not set".to_string();
                    return Err(fail(String::new(), "FailedGetObjectMetric", err.clone(), err));
                };
                let described = &source.described_object;
                let value = match reading {
                    MetricReading::Object(v) => Ok(*v),
                    MetricReading::Unavailable(msg) => Err(msg.clone()),
                    _ => Err("no metrics returned from custom metrics API".to_string()),
                }
                // Upstream's arguments are out of order: "unable to get metric
                // <name>: <kind> on <namespace> <object>/<error>".
                .map_err(|msg| {
                    format!(
                        "unable to get metric {}: {} on {} {}/{msg}",
                        source.metric.name, described.kind, input.namespace, described.name
                    )
                });
                if let Some(target) = &source.target.value {
                    let name = format!("{} metric {}", described.kind, source.metric.name);
                    let result = value.and_then(|v| {
                        milli(target)
                            .and_then(|t| calc.object_metric_replicas(spec_replicas, t, v, tolerances, input.pods))
                    });
                    match result {
                        Ok(p) => Ok(ok(name, p.replicas, None, p.usage)),
                        Err(err) => Err(fail(
                            name,
                            "FailedGetObjectMetric",
                            err.clone(),
                            format!("failed to get object metric value: {err}"),
                        )),
                    }
                } else if let Some(target) = &source.target.average_value {
                    // Upstream names this proposal "external metric ..." too.
                    let name = format!(
                        "external metric {}({})",
                        source.metric.name,
                        selector_string(source.metric.selector.as_ref())
                    );
                    let result = value.and_then(|v| {
                        milli(target)
                            .map(|t| calc.object_per_pod_metric_replicas(input.status_replicas, t, v, tolerances))
                    });
                    match result {
                        Ok(p) => Ok(ok(name, p.replicas, None, p.usage)),
                        Err(err) => Err(fail(
                            name,
                            "FailedGetObjectMetric",
                            err.clone(),
                            format!(
                                "failed to get object metric value: failed to get {} object metric: {err}",
                                source.metric.name
                            ),
                        )),
                    }
                } else {
                    let err =
                        "invalid object metric source: neither a value target nor an average value target was set"
                            .to_string();
                    Err(fail(
                        String::new(),
                        "FailedGetObjectMetric",
                        err.clone(),
                        format!("failed to get object metric value: {err}"),
                    ))
                }
            }
            "External" => {
                let Some(source) = &metric_spec.external else {
                    let err = "invalid external metric source: the source is not set".to_string();
                    return Err(fail(String::new(), "FailedGetExternalMetric", err.clone(), err));
                };
                let name = format!(
                    "external metric {}({})",
                    source.metric.name,
                    selector_string(source.metric.selector.as_ref())
                );
                let values = match reading {
                    MetricReading::External(v) => Ok(v.clone()),
                    MetricReading::Object(v) => Ok(vec![*v]),
                    MetricReading::Unavailable(msg) => Err(msg.clone()),
                    MetricReading::Pods(_) => Err("no metrics returned from external metrics API".to_string()),
                }
                .map_err(|msg| {
                    format!(
                        "unable to get external metric {}/{}/{}: {msg}",
                        input.namespace,
                        source.metric.name,
                        selector_string(source.metric.selector.as_ref())
                    )
                });
                let result = if let Some(target) = &source.target.average_value {
                    values.and_then(|v| {
                        milli(target)
                            .map(|t| calc.external_per_pod_metric_replicas(input.status_replicas, t, &v, tolerances))
                    })
                } else if let Some(target) = &source.target.value {
                    values.and_then(|v| {
                        milli(target)
                            .and_then(|t| calc.external_metric_replicas(spec_replicas, t, &v, tolerances, input.pods))
                    })
                } else {
                    Err("invalid external metric source: neither a value target nor an average value target was set"
                        .to_string())
                };
                match result {
                    Ok(p) => Ok(ok(name, p.replicas, None, p.usage)),
                    Err(err) => Err(fail(
                        name,
                        "FailedGetExternalMetric",
                        err.clone(),
                        format!("failed to get external metric value: {err}"),
                    )),
                }
            }
            other => {
                let err = format!("unknown metric source type {other:?}");
                Err(fail(String::new(), "InvalidMetricSourceType", err.clone(), err))
            }
        }
    }

    /// `computeStatusForResourceMetricGeneric`: (name, replicas, utilization, value).
    #[allow(clippy::too_many_arguments)]
    fn resource_metric(
        &self,
        resource: &str,
        container: &str,
        target: &MetricTarget,
        reading: &MetricReading,
        known_requests: Option<&PodRequests>,
        input: ReconcileInput<'_>,
        tolerances: Tolerances,
        container_source: bool,
        calc: &ReplicaCalculator,
    ) -> Result<(String, i32, Option<i32>, i64), String> {
        let samples = match reading {
            MetricReading::Pods(samples) if !samples.is_empty() => samples,
            MetricReading::Unavailable(msg) => {
                return Err(format!("unable to get metrics for resource {resource}: {msg}"));
            }
            _ => {
                return Err(format!(
                    "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
                ));
            }
        };
        if let Some(average_value) = &target.average_value {
            let target_usage = milli(average_value)?;
            let p = calc.plain_metric_replicas(
                input.now,
                input.spec_replicas,
                target_usage,
                resource,
                tolerances,
                input.pods,
                samples,
            )?;
            return Ok((format!("{resource} resource"), p.replicas, None, p.usage));
        }
        let Some(target_utilization) = target.average_utilization else {
            return Err(
                "invalid resource metric source: neither an average utilization target nor an average value target was set"
                    .to_string(),
            );
        };
        let p = calc.resource_replicas_with_requests(
            input.now,
            input.spec_replicas,
            target_utilization,
            resource,
            tolerances,
            input.pods,
            samples,
            container,
            known_requests,
        )?;
        let name = if container_source {
            format!("{resource} container resource utilization (percentage of request)")
        } else {
            format!("{resource} resource utilization (percentage of request)")
        };
        Ok((name, p.replicas, Some(p.utilization), p.raw_average))
    }

    /// `normalizeDesiredReplicas` (no behavior).
    fn normalize_desired_replicas(
        &mut self,
        current_replicas: i32,
        prenormalized: i32,
        min_replicas: i32,
        max_replicas: i32,
        now: i64,
        conditions: &mut Vec<Condition>,
    ) -> i32 {
        let stabilized = stabilize_recommendation(
            &mut self.recommendations,
            self.config.downscale_stabilization_window,
            prenormalized,
            now,
        );
        if stabilized != prenormalized {
            set_condition(
                conditions,
                "AbleToScale",
                true,
                "ScaleDownStabilized",
                "recent recommendations were higher than current one, applying the highest recent recommendation",
            );
        } else {
            set_condition(conditions, "AbleToScale", true, "ReadyForNewScale", "recommended size matches current size");
        }
        let (desired, reason, message) =
            convert_desired_replicas_with_rules(current_replicas, stabilized, min_replicas, max_replicas);
        set_condition(conditions, "ScalingLimited", desired != stabilized, reason, message);
        desired
    }

    /// `normalizeDesiredReplicasWithBehaviors`.
    #[allow(clippy::too_many_arguments)]
    fn normalize_desired_replicas_with_behaviors(
        &mut self,
        behavior: &HorizontalPodAutoscalerBehavior,
        current_replicas: i32,
        prenormalized: i32,
        min_replicas: i32,
        max_replicas: i32,
        now: i64,
        conditions: &mut Vec<Condition>,
    ) -> i32 {
        let unset = HPAScalingRules::default();
        let scale_up = behavior.scale_up.as_ref().unwrap_or(&unset);
        let scale_down = behavior.scale_down.as_ref().unwrap_or(&unset);
        let (stabilized, reason, message) = stabilize_recommendation_with_behaviors(
            &mut self.recommendations,
            scale_up,
            scale_down,
            current_replicas,
            prenormalized,
            now,
        );
        if stabilized != prenormalized {
            set_condition(conditions, "AbleToScale", true, reason, message);
        } else {
            set_condition(conditions, "AbleToScale", true, "ReadyForNewScale", "recommended size matches current size");
        }
        let (desired, reason, message) = convert_desired_replicas_with_behavior_rate(
            scale_up,
            scale_down,
            &self.scale_up_events,
            &self.scale_down_events,
            min_replicas,
            max_replicas,
            current_replicas,
            stabilized,
            now,
        );
        set_condition(conditions, "ScalingLimited", desired != stabilized, reason, message);
        desired
    }

    /// `storeScaleEvent`: only on the behavior path.
    pub fn store_scale_event(
        &mut self,
        behavior: Option<&HorizontalPodAutoscalerBehavior>,
        prev_replicas: i32,
        new_replicas: i32,
        now: i64,
    ) {
        let Some(behavior) = behavior else { return };
        if new_replicas > prev_replicas {
            let period = behavior.scale_up.as_ref().map(longest_policy_period).unwrap_or(0);
            store_scale_event(&mut self.scale_up_events, period, new_replicas.saturating_sub(prev_replicas), now);
        } else {
            let period = behavior.scale_down.as_ref().map(longest_policy_period).unwrap_or(0);
            store_scale_event(&mut self.scale_down_events, period, prev_replicas.saturating_sub(new_replicas), now);
        }
    }
}
