//! The HPA engine (`core/src/scaling/hpa`) against upstream's own cases,
//! transcribed into `core/tests/cases/hpa/*.yaml` (each names the upstream test it
//! comes from), and the worked example of `docs/semantics/hpa.md §4.4`.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_core::quantity::Quantity;
use kubeplay_core::scaling::hpa::pods::{ContainerRequests, PodSamples, group_pods};
use kubeplay_core::scaling::hpa::{PodInfo, PodMetric, PodPhase, ReadyCondition, ReplicaCalculator, Tolerances};
use serde::Deserialize;

/// Go's zero time, in seconds from the Unix epoch.
const ZERO_TIME: i64 = -62_135_596_800;

fn load<T: for<'de> Deserialize<'de>>(file: &str) -> Vec<T> {
    let path = format!("{}/tests/cases/hpa/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// A time in a case file: seconds, or `zero`, `hot` (now), `cool` (3 minutes ago).
#[derive(Deserialize, Clone, Copy, Debug)]
#[serde(untagged)]
enum Time {
    Seconds(i64),
    Named(NamedTime),
}

#[derive(Deserialize, Clone, Copy, Debug)]
#[serde(rename_all = "lowercase")]
enum NamedTime {
    Zero,
    Hot,
    Cool,
}

impl Time {
    fn seconds(self, now: i64) -> i64 {
        match self {
            Time::Seconds(s) => s,
            Time::Named(NamedTime::Zero) => ZERO_TIME,
            Time::Named(NamedTime::Hot) => now,
            Time::Named(NamedTime::Cool) => now - 180,
        }
    }
}

// ---------------------------------------------------------------- replica calculator

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct ResourceInfo {
    name: String,
    requests: Vec<String>,
    #[serde(default)]
    pod_levels: Option<Vec<i64>>,
    #[serde(default)]
    levels: Option<Vec<Vec<i64>>>,
    #[serde(default)]
    pod_names: Vec<String>,
    target_utilization: i32,
    #[serde(default)]
    expected_utilization: i32,
    #[serde(default)]
    expected_value: i64,
}

#[derive(Deserialize, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
enum MetricType {
    #[default]
    Object,
    ObjectPerPod,
    External,
    ExternalPerPod,
    Pods,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct MetricInfo {
    #[serde(default, rename = "type")]
    type_: MetricType,
    #[allow(dead_code)]
    name: String,
    levels: Vec<i64>,
    #[serde(default)]
    target_usage: i64,
    #[serde(default)]
    per_pod_target_usage: i64,
    expected_usage: i64,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct ReplicaCalcCase {
    name: String,
    current_replicas: i32,
    #[serde(default)]
    expected_replicas: i32,
    #[serde(default)]
    expected_error: Option<String>,
    #[serde(default)]
    resource: Option<ResourceInfo>,
    #[serde(default)]
    metric: Option<MetricInfo>,
    #[serde(default)]
    container: String,
    #[serde(default)]
    pod_readiness: Vec<bool>,
    #[serde(default)]
    pod_start_time: Vec<Time>,
    #[serde(default)]
    pod_phase: Vec<PodPhase>,
    #[serde(default)]
    pod_deletion_timestamp: Vec<bool>,
}

fn milli(text: &str) -> i64 {
    Quantity::parse(text).unwrap().milli_value().unwrap()
}

impl ReplicaCalcCase {
    /// `prepareTestClientSet`: the pods the lister returns.
    fn pods(&self, now: i64) -> Vec<PodInfo> {
        let count = (self.current_replicas as usize).max(self.pod_phase.len());
        (0..count)
            .map(|i| {
                let requests: BTreeMap<String, i64> = match &self.resource {
                    Some(r) if i < r.requests.len() => BTreeMap::from([(r.name.clone(), milli(&r.requests[i]))]),
                    _ => BTreeMap::new(),
                };
                let container = |name: &str| ContainerRequests {
                    name: name.to_string(),
                    requests: requests.clone(),
                    restartable: false,
                };
                PodInfo {
                    name: format!("test-pod-{i}"),
                    phase: self.pod_phase.get(i).copied().unwrap_or(PodPhase::Running),
                    deleting: self.pod_deletion_timestamp.get(i).copied().unwrap_or(false),
                    start_time: Some(self.pod_start_time.get(i).map_or(ZERO_TIME, |t| t.seconds(now))),
                    ready: Some(ReadyCondition {
                        status: self.pod_readiness.get(i).copied().unwrap_or(true),
                        last_transition_time: ZERO_TIME,
                    }),
                    containers: vec![container("container1"), container("container2")],
                    ..PodInfo::default()
                }
            })
            .collect()
    }

    /// `prepareTestMetricsClient` + the resource metrics client: one sample per
    /// pod, the sum of its containers or the named container's (a pod without
    /// that container's sample is left out).
    fn resource_metrics(&self, resource: &ResourceInfo) -> BTreeMap<String, PodMetric> {
        let levels: Vec<Vec<i64>> = match (&resource.levels, &resource.pod_levels) {
            (Some(levels), _) => levels.clone(),
            (None, Some(per_pod)) => per_pod.iter().map(|l| vec![*l, *l]).collect(),
            (None, None) => Vec::new(),
        };
        let mut metrics = BTreeMap::new();
        for (i, containers) in levels.iter().enumerate() {
            let name = resource.pod_names.get(i).cloned().unwrap_or_else(|| format!("test-pod-{i}"));
            let value = if self.container.is_empty() {
                Some(containers.iter().sum())
            } else {
                let index: usize = self.container.trim_start_matches("container").parse().unwrap();
                containers.get(index - 1).copied()
            };
            if let Some(value) = value {
                metrics.insert(name, PodMetric { value, timestamp: ZERO_TIME, window: 60 });
            }
        }
        metrics
    }
}

#[test]
fn replica_calculator_cases() {
    let now = 0;
    let calc = ReplicaCalculator {
        cpu_initialization_period: 120,
        delay_of_initial_readiness_status: 10,
        pod_level_resources: true,
    };
    let tol = Tolerances::default();
    let cases: Vec<ReplicaCalcCase> = load("replica_calculator.yaml");
    assert!(cases.len() >= 60, "{} cases", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let pods = case.pods(now);
        let outcome: Result<(i32, i64, Option<i32>), String> = if let Some(resource) = &case.resource {
            let metrics = case.resource_metrics(resource);
            calc.resource_replicas(
                now,
                case.current_replicas,
                resource.target_utilization,
                &resource.name,
                tol,
                &pods,
                &PodSamples::from_named(&pods, &metrics),
                &case.container,
            )
            .map(|p| (p.replicas, p.raw_average, Some(p.utilization)))
        } else {
            let metric = case.metric.as_ref().unwrap();
            let per_pod: BTreeMap<String, PodMetric> = metric
                .levels
                .iter()
                .enumerate()
                .map(|(i, v)| (format!("test-pod-{i}"), PodMetric { value: *v, ..PodMetric::default() }))
                .collect();
            let first = metric.levels.first().copied().unwrap_or(0);
            let current = case.current_replicas;
            match metric.type_ {
                MetricType::Pods => {
                    let per_pod = PodSamples::from_named(&pods, &per_pod);
                    calc.plain_metric_replicas(now, current, metric.target_usage, "", tol, &pods, &per_pod)
                }
                MetricType::Object => calc.object_metric_replicas(current, metric.target_usage, first, tol, &pods),
                MetricType::ObjectPerPod => {
                    Ok(calc.object_per_pod_metric_replicas(current, metric.per_pod_target_usage, first, tol))
                }
                MetricType::External => {
                    calc.external_metric_replicas(current, metric.target_usage, &metric.levels, tol, &pods)
                }
                MetricType::ExternalPerPod => {
                    Ok(calc.external_per_pod_metric_replicas(current, metric.per_pod_target_usage, &metric.levels, tol))
                }
            }
            .map(|p| (p.replicas, p.usage, None))
        };
        match (&case.expected_error, outcome) {
            (Some(expected), Err(err)) if err.contains(expected.as_str()) => {}
            (Some(expected), other) => {
                failures.push(format!("{}: expected error {expected:?}, got {other:?}", case.name))
            }
            (None, Err(err)) => failures.push(format!("{}: unexpected error {err}", case.name)),
            (None, Ok((replicas, value, utilization))) => {
                let (expected_value, expected_utilization) = match (&case.resource, &case.metric) {
                    (Some(r), _) => (r.expected_value, Some(r.expected_utilization)),
                    (None, Some(m)) => (m.expected_usage, None),
                    _ => unreachable!(),
                };
                let got = (replicas, value, utilization);
                let want = (case.expected_replicas, expected_value, expected_utilization);
                if got != want {
                    failures.push(format!("{}: (replicas, value, utilization) = {got:?}, want {want:?}", case.name));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

// ---------------------------------------------------------------- groupPods

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct CaseReady {
    status: bool,
    last_transition_time: Time,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct CasePod {
    name: String,
    #[serde(default)]
    phase: PodPhase,
    #[serde(default)]
    start_time: Option<Time>,
    #[serde(default)]
    ready: Option<CaseReady>,
    #[serde(default)]
    deleting: bool,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct CaseMetric {
    value: i64,
    timestamp: Time,
    #[serde(default)]
    window: i64,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct GroupPodsCase {
    name: String,
    resource: String,
    pods: Vec<CasePod>,
    metrics: BTreeMap<String, CaseMetric>,
    expect_ready_pod_count: usize,
    #[serde(default)]
    expect_unready_pods: BTreeSet<String>,
    #[serde(default)]
    expect_missing_pods: BTreeSet<String>,
    #[serde(default)]
    expect_ignored_pods: BTreeSet<String>,
}

#[test]
fn group_pods_cases() {
    let now = 0;
    let cases: Vec<GroupPodsCase> = load("group_pods.yaml");
    assert!(cases.len() >= 10);
    for case in cases {
        let pods: Vec<PodInfo> = case
            .pods
            .iter()
            .map(|p| PodInfo {
                name: p.name.clone(),
                phase: p.phase,
                deleting: p.deleting,
                start_time: p.start_time.map(|t| t.seconds(now)),
                ready: p.ready.as_ref().map(|r| ReadyCondition {
                    status: r.status,
                    last_transition_time: r.last_transition_time.seconds(now),
                }),
                ..PodInfo::default()
            })
            .collect();
        let metrics = case
            .metrics
            .iter()
            .map(|(k, m)| {
                (k.clone(), PodMetric { value: m.value, timestamp: m.timestamp.seconds(now), window: m.window })
            })
            .collect();
        let groups = group_pods(&pods, &metrics, &case.resource, 120, 10, now);
        assert_eq!(groups.ready_pod_count, case.expect_ready_pod_count, "{}", case.name);
        assert_eq!(groups.unready, case.expect_unready_pods, "{}", case.name);
        assert_eq!(groups.missing, case.expect_missing_pods, "{}", case.name);
        assert_eq!(groups.ignored, case.expect_ignored_pods, "{}", case.name);
    }
}

// ---------------------------------------------------------------- behavior

use k8s_openapi::api::autoscaling::v2::{HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscalerBehavior};
use kubeplay_core::scaling::hpa::behavior::{
    convert_desired_replicas_with_behavior_rate, convert_desired_replicas_with_rules, generate_scale_down_rules,
    generate_scale_up_rules, replicas_change_per_period, stabilize_recommendation,
    stabilize_recommendation_with_behaviors,
};
use kubeplay_core::scaling::hpa::{ControllerConfig, HpaController, ScaleEvent, TimestampedRecommendation};

/// `generateScalingRules(pods, podsPeriod, percent, percentPeriod, window)`.
fn generate_scaling_rules(r: [i32; 5]) -> HPAScalingRules {
    let [pods, pods_period, percent, percent_period, window] = r;
    let mut policies = Vec::new();
    if pods != 0 {
        policies.push(HPAScalingPolicy { type_: "Pods".into(), value: pods, period_seconds: pods_period });
    }
    if percent != 0 {
        policies.push(HPAScalingPolicy { type_: "Percent".into(), value: percent, period_seconds: percent_period });
    }
    HPAScalingRules {
        stabilization_window_seconds: Some(window),
        select_policy: Some("Max".into()),
        policies: if policies.is_empty() { None } else { Some(policies) },
        ..HPAScalingRules::default()
    }
}

/// `generateEventsUniformDistribution(changes, period)` at now = 0.
fn uniform_events(changes: &[i32], period: i64) -> Vec<ScaleEvent> {
    let segment = period as f64 / changes.len() as f64;
    changes
        .iter()
        .enumerate()
        .map(|(i, change)| {
            let ago = (period as f64 - segment * (i as f64 + 1.0) + segment / 2.0) as i64;
            ScaleEvent { replica_change: *change, timestamp: -ago, outdated: false }
        })
        .collect()
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct RulesCase {
    name: String,
    current: i32,
    desired: i32,
    min: i32,
    max: i32,
    #[serde(default)]
    up: Option<[i32; 5]>,
    #[serde(default)]
    down: Option<[i32; 5]>,
    #[serde(default)]
    up_events: Option<(Vec<i32>, i64)>,
    #[serde(default)]
    down_events: Option<(Vec<i32>, i64)>,
    expected: i32,
    condition: String,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct StabilizeCase {
    name: String,
    recommendations: Vec<(i32, i64)>,
    #[serde(default)]
    current: i32,
    desired: i32,
    expected: i32,
    #[serde(default)]
    expected_recommendations: Option<Vec<i32>>,
    #[serde(default)]
    up_window: i32,
    #[serde(default)]
    down_window: i32,
    #[serde(default)]
    expected_log_length: Option<usize>,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct StoreEventsCase {
    name: String,
    replica_change: i32,
    previous: Vec<(i32, i64)>,
    expected: Vec<(i32, bool)>,
    #[serde(default)]
    rules: Option<[i32; 5]>,
    expected_change: i32,
}

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct BehaviorCases {
    scaling_with_rules: Vec<RulesCase>,
    stabilize_with_behaviors: Vec<StabilizeCase>,
    legacy_stabilize: Vec<StabilizeCase>,
    store_scale_events: Vec<StoreEventsCase>,
    convert_with_rules: Vec<RulesCase>,
}

fn behavior_cases() -> BehaviorCases {
    let path = format!("{}/tests/cases/hpa/behavior.yaml", env!("CARGO_MANIFEST_DIR"));
    serde_yaml::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
}

fn recommendations(list: &[(i32, i64)]) -> Vec<TimestampedRecommendation> {
    list.iter().map(|(r, ago)| TimestampedRecommendation { recommendation: *r, timestamp: -ago }).collect()
}

#[test]
fn scaling_with_rules_cases() {
    let cases = behavior_cases().scaling_with_rules;
    assert!(cases.len() >= 40);
    for case in cases {
        let up = generate_scale_up_rules(case.up.map(generate_scaling_rules).as_ref());
        let down = generate_scale_down_rules(case.down.map(generate_scaling_rules).as_ref());
        let up_events = case.up_events.as_ref().map(|(c, p)| uniform_events(c, *p)).unwrap_or_default();
        let down_events = case.down_events.as_ref().map(|(c, p)| uniform_events(c, *p)).unwrap_or_default();
        let (replicas, condition, _) = convert_desired_replicas_with_behavior_rate(
            &up,
            &down,
            &up_events,
            &down_events,
            case.min,
            case.max,
            case.current,
            case.desired,
            0,
        );
        assert_eq!((replicas, condition), (case.expected, case.condition.as_str()), "{}", case.name);
    }
}

#[test]
fn stabilize_with_behaviors_cases() {
    for case in behavior_cases().stabilize_with_behaviors {
        let mut recs = recommendations(&case.recommendations);
        let up = HPAScalingRules { stabilization_window_seconds: Some(case.up_window), ..Default::default() };
        let down = HPAScalingRules { stabilization_window_seconds: Some(case.down_window), ..Default::default() };
        let (r, _, _) = stabilize_recommendation_with_behaviors(&mut recs, &up, &down, case.current, case.desired, 0);
        assert_eq!(r, case.expected, "{}", case.name);
        if let Some(expected) = &case.expected_recommendations {
            let stored: Vec<i32> = recs.iter().map(|r| r.recommendation).collect();
            assert_eq!(&stored, expected, "{}", case.name);
        }
    }
}

#[test]
fn legacy_stabilize_cases() {
    for case in behavior_cases().legacy_stabilize {
        let mut recs = recommendations(&case.recommendations);
        let r = stabilize_recommendation(&mut recs, 300, case.desired, 0);
        assert_eq!(r, case.expected, "{}", case.name);
        assert_eq!(Some(recs.len()), case.expected_log_length, "{}", case.name);
    }
}

#[test]
fn store_scale_events_cases() {
    for case in behavior_cases().store_scale_events {
        let previous: Vec<ScaleEvent> = case
            .previous
            .iter()
            .map(|(c, ago)| ScaleEvent { replica_change: *c, timestamp: -ago, outdated: false })
            .collect();
        assert_eq!(replicas_change_per_period(60, &previous, 0), case.expected_change, "{}", case.name);
        let rules = case.rules.map(generate_scaling_rules);
        for up in [true, false] {
            let behavior = rules.as_ref().map(|r| HorizontalPodAutoscalerBehavior {
                scale_up: up.then(|| r.clone()),
                scale_down: (!up).then(|| r.clone()),
            });
            let mut controller = HpaController::new(ControllerConfig::default());
            let new = if up { 10 + case.replica_change } else { 10 - case.replica_change };
            if up {
                controller.scale_up_events = previous.clone();
            } else {
                controller.scale_down_events = previous.clone();
            }
            controller.store_scale_event(behavior.as_ref(), 10, new, 0);
            let events = if up { &controller.scale_up_events } else { &controller.scale_down_events };
            let got: Vec<(i32, bool)> = events.iter().map(|e| (e.replica_change, e.outdated)).collect();
            assert_eq!(got, case.expected, "{} (up: {up})", case.name);
        }
    }
}

#[test]
fn convert_with_rules_cases() {
    for case in behavior_cases().convert_with_rules {
        let (replicas, condition, _) =
            convert_desired_replicas_with_rules(case.current, case.desired, case.min, case.max);
        assert_eq!((replicas, condition), (case.expected, case.condition.as_str()), "{}", case.name);
    }
}

// ---------------------------------------------------------------- whole reconciles

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerSpec;
use kubeplay_core::scaling::hpa::{MetricReading, ReconcileInput, ReconcileOutcome};

fn spec(yaml: &str) -> HorizontalPodAutoscalerSpec {
    serde_yaml::from_str(yaml).unwrap()
}

/// Running, Ready for long, one container requesting `requests`.
fn steady_pod(name: &str, requests: &[(&str, i64)]) -> PodInfo {
    PodInfo {
        name: name.to_string(),
        start_time: Some(-3600),
        ready: Some(ReadyCondition { status: true, last_transition_time: -3600 }),
        containers: vec![ContainerRequests {
            name: "app".into(),
            requests: requests.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
            restartable: false,
        }],
        ..PodInfo::default()
    }
}

/// Every pod using `value` (milli) of a resource.
fn samples(pods: &[PodInfo], value: i64) -> MetricReading {
    let named = pods.iter().map(|p| (p.name.clone(), PodMetric { value, timestamp: 0, window: 60 })).collect();
    MetricReading::Pods(PodSamples::from_named(pods, &named))
}

fn condition<'a>(outcome: &'a ReconcileOutcome, type_: &str) -> (&'a str, &'a str) {
    let c = outcome.conditions.iter().find(|c| c.type_ == type_).unwrap();
    (&*c.status, &*c.reason)
}

const MEBI: i64 = 1024 * 1024 * 1000; // 1Mi in milli-units

/// The training material's HPA (`docs/semantics/hpa.md §4.4`).
fn training_hpa() -> HorizontalPodAutoscalerSpec {
    spec(
        r#"
scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
minReplicas: 3
maxReplicas: 10
metrics:
- type: Resource
  resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
- type: Resource
  resource: {name: memory, target: {type: Utilization, averageUtilization: 80}}
behavior:
  scaleUp: {policies: [{type: Pods, value: 4, periodSeconds: 60}]}
  scaleDown: {stabilizationWindowSeconds: 60, policies: [{type: Pods, value: 1, periodSeconds: 60}]}
"#,
    )
}

/// §4.4's single steps: one reconcile of a fresh controller at the given CPU
/// and memory utilization (requests 1 CPU and 100Mi per pod).
fn single_step(replicas: i32, cpu_percent: i64, memory_percent: i64) -> ReconcileOutcome {
    let pods: Vec<PodInfo> =
        (0..replicas).map(|i| steady_pod(&format!("web-{i}"), &[("cpu", 1000), ("memory", 100 * MEBI)])).collect();
    let metrics = [samples(&pods, cpu_percent * 10), samples(&pods, memory_percent * MEBI)];
    let mut controller = HpaController::new(ControllerConfig::default());
    controller.reconcile(
        &training_hpa(),
        ReconcileInput {
            now: 0,
            namespace: "default",
            spec_replicas: replicas,
            status_replicas: replicas,
            pods: &pods,
            metrics: &metrics,
            requests: &[],
            readings_generation: None,
        },
    )
}

#[test]
fn worked_example_single_steps() {
    // (replicas, cpu %, memory %) → (cpu proposal, memory proposal, desired)
    let steps = [
        ((3, 140, 80), (6, 3, 6)),
        ((3, 90, 80), (4, 3, 4)),
        ((3, 75, 80), (3, 3, 3)), // ratio 1.071: within tolerance
        ((3, 77, 80), (3, 3, 3)), // ratio exactly 1.1: still within
        ((3, 20, 80), (1, 3, 3)),
        // 300% proposes 18; the behavior's Pods 4 per 60 s lets 4 become 8
        // this cycle (maxReplicas 10 would allow 10).
        ((4, 300, 80), (18, 4, 8)),
        ((4, 35, 96), (2, 5, 5)),
    ];
    for ((replicas, cpu, memory), (cpu_proposal, memory_proposal, desired)) in steps {
        let outcome = single_step(replicas, cpu, memory);
        let proposals: Vec<Option<i32>> = outcome.metrics.iter().map(|m| m.replicas).collect();
        assert_eq!(proposals, vec![Some(cpu_proposal), Some(memory_proposal)], "{replicas} at cpu {cpu}%");
        assert_eq!(outcome.desired_replicas, desired, "{replicas} at cpu {cpu}%");
        assert_eq!(outcome.metrics[0].utilization, Some(cpu as i32));
        assert_eq!(outcome.metrics[0].name, "cpu resource utilization (percentage of request)");
    }
    let limited = single_step(4, 300, 80);
    assert_eq!(condition(&limited, "ScalingLimited"), ("True", "ScaleUpLimit"));
    assert_eq!(condition(&limited, "AbleToScale"), ("True", "SucceededRescale"));
    assert_eq!(limited.rescale_reason, "cpu resource utilization (percentage of request) above target");
}

/// §4.4's timeline: the metrics want 10 until t = 105 s and 3 afterwards, one
/// reconcile every 15 s. Driven by an External AverageValue metric (its
/// proposal is ceil(total / target), whatever the replica count).
#[test]
fn worked_example_timeline() {
    let hpa = spec(
        r#"
scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
minReplicas: 3
maxReplicas: 10
metrics:
- type: External
  external: {metric: {name: wanted}, target: {type: AverageValue, averageValue: "1"}}
behavior:
  scaleUp: {policies: [{type: Pods, value: 4, periodSeconds: 60}]}
  scaleDown: {stabilizationWindowSeconds: 60, policies: [{type: Pods, value: 1, periodSeconds: 60}]}
"#,
    );
    let mut controller = HpaController::new(ControllerConfig::default());
    let mut replicas = 3;
    let mut changes = Vec::new();
    for step in 0..=40 {
        let now = step * 15;
        let wanted = if now <= 105 { 10_000 } else { 3_000 };
        let metrics = [MetricReading::External(vec![wanted])];
        let outcome = controller.reconcile(
            &hpa,
            ReconcileInput {
                now,
                namespace: "default",
                spec_replicas: replicas,
                status_replicas: replicas,
                pods: &[],
                metrics: &metrics,
                requests: &[],
                readings_generation: None,
            },
        );
        if outcome.desired_replicas != replicas {
            changes.push((now, outcome.desired_replicas));
        }
        replicas = outcome.desired_replicas;
    }
    assert_eq!(changes, vec![(0, 7), (60, 10), (165, 9), (225, 8), (285, 7), (345, 6), (405, 5), (465, 4), (525, 3)]);
}

/// The defaults (`hpa.md §4.3`): with a 15 s sync every reconcile may add
/// max(4 pods, 100 %), and scaling down waits for the 300 s window.
#[test]
fn default_behavior_allows_max_of_four_pods_and_double_every_sync() {
    let hpa = spec(
        r#"
scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
maxReplicas: 100
metrics:
- type: External
  external: {metric: {name: wanted}, target: {type: AverageValue, averageValue: "1"}}
behavior: {}
"#,
    );
    let mut controller = HpaController::new(ControllerConfig::default());
    let mut replicas = 1;
    let mut path = vec![replicas];
    for step in 0..6 {
        let metrics = [MetricReading::External(vec![60_000])];
        let outcome = controller.reconcile(
            &hpa,
            ReconcileInput {
                now: step * 15,
                namespace: "default",
                spec_replicas: replicas,
                status_replicas: replicas,
                pods: &[],
                metrics: &metrics,
                requests: &[],
                readings_generation: None,
            },
        );
        replicas = outcome.desired_replicas;
        path.push(replicas);
    }
    // 1 → 5 (+4) → 10 (×2) → 20 → 40 → 60 (the metric) → 60.
    assert_eq!(path, vec![1, 5, 10, 20, 40, 60, 60]);
    // Now the load drops: nothing moves until the last 60 leaves the 300 s window.
    let mut first_drop = None;
    for step in 6..40 {
        let metrics = [MetricReading::External(vec![2_000])];
        let outcome = controller.reconcile(
            &hpa,
            ReconcileInput {
                now: step * 15,
                namespace: "default",
                spec_replicas: replicas,
                status_replicas: replicas,
                pods: &[],
                metrics: &metrics,
                requests: &[],
                readings_generation: None,
            },
        );
        if outcome.desired_replicas < replicas && first_drop.is_none() {
            first_drop = Some((step * 15, outcome.desired_replicas));
        }
        replicas = outcome.desired_replicas;
    }
    // The last "60" was recorded at t = 75; at t = 375 it is exactly 300 s old
    // and no longer counts: the default Percent 100 policy allows down to min (1)
    // and the metric wants 2.
    assert_eq!(first_drop, Some((375, 2)));
}

/// TestScaleUpOneMetricEmpty, TestNoScaleDownOneMetricInvalid and
/// TestNoScaleDownOneMetricEmpty (horizontal_test.go): an invalid metric does
/// not block a scale-up by the others, and blocks a scale-down.
#[test]
fn invalid_metrics_block_only_scale_down() {
    fn run(
        spec_replicas: i32,
        target: i32,
        levels: &[i64],
        extra: &str,
        extra_reading: MetricReading,
    ) -> ReconcileOutcome {
        let hpa = spec(&format!(
            r#"
scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: web}}
minReplicas: 2
maxReplicas: 6
metrics:
- type: Resource
  resource: {{name: cpu, target: {{type: Utilization, averageUtilization: {target}}}}}
- {extra}
"#
        ));
        let pods: Vec<PodInfo> = (0..levels.len()).map(|i| steady_pod(&format!("p-{i}"), &[("cpu", 1000)])).collect();
        let named = pods
            .iter()
            .zip(levels)
            .map(|(p, l)| (p.name.clone(), PodMetric { value: *l, timestamp: 0, window: 60 }))
            .collect();
        let cpu = MetricReading::Pods(PodSamples::from_named(&pods, &named));
        let metrics = [cpu, extra_reading];
        HpaController::new(ControllerConfig::default()).reconcile(
            &hpa,
            ReconcileInput {
                now: 0,
                namespace: "default",
                spec_replicas,
                status_replicas: spec_replicas,
                pods: &pods,
                metrics: &metrics,
                requests: &[],
                readings_generation: None,
            },
        )
    }
    let external =
        "{type: External, external: {metric: {name: qps, selector: {}}, target: {type: Value, value: 100m}}}";
    let failed = || MetricReading::Unavailable("something went wrong".to_string());

    // TestScaleUpOneMetricEmpty
    let up = run(3, 30, &[300, 400, 500], external, failed());
    assert_eq!(up.desired_replicas, 4);
    assert_eq!(condition(&up, "ScalingActive"), ("True", "ValidMetricFound"));
    assert_eq!(
        up.error.as_deref(),
        Some(
            "invalid metrics (1 invalid out of 2), first error is: failed to get external metric value: \
             unable to get external metric default/qps/&LabelSelector{MatchLabels:map[string]string{},MatchExpressions:[]LabelSelectorRequirement{},}: something went wrong"
        )
    );

    // TestNoScaleDownOneMetricInvalid
    let invalid = run(5, 50, &[100, 300, 500, 250, 250], "{type: CheddarCheese}", failed());
    assert_eq!(invalid.desired_replicas, 5);
    assert!(!invalid.rescale);
    assert_eq!(condition(&invalid, "AbleToScale"), ("True", "SucceededGetScale"));
    assert_eq!(condition(&invalid, "ScalingActive"), ("False", "InvalidMetricSourceType"));
    assert_eq!(invalid.conditions.len(), 2);

    // TestNoScaleDownOneMetricEmpty
    let empty = run(5, 50, &[100, 300, 500, 250, 250], external, failed());
    assert_eq!(empty.desired_replicas, 5);
    assert_eq!(condition(&empty, "AbleToScale"), ("True", "SucceededGetScale"));
    assert_eq!(condition(&empty, "ScalingActive"), ("False", "FailedGetExternalMetric"));
}

#[test]
fn out_of_range_and_zero_replicas_skip_the_metrics() {
    let hpa = training_hpa();
    let run = |replicas: i32| {
        HpaController::new(ControllerConfig::default()).reconcile(
            &hpa,
            ReconcileInput {
                now: 0,
                namespace: "default",
                spec_replicas: replicas,
                status_replicas: replicas,
                pods: &[],
                metrics: &[],
                requests: &[],
                readings_generation: None,
            },
        )
    };
    let above = run(12);
    assert_eq!(
        (above.desired_replicas, above.rescale_reason.as_str()),
        (10, "Current number of replicas above Spec.MaxReplicas")
    );
    let below = run(1);
    assert_eq!(
        (below.desired_replicas, below.rescale_reason.as_str()),
        (3, "Current number of replicas below Spec.MinReplicas")
    );
    let zero = run(0);
    assert_eq!(zero.desired_replicas, 0);
    assert_eq!(condition(&zero, "ScalingActive"), ("False", "ScalingDisabled"));
}

#[test]
fn missing_request_makes_the_metric_invalid_with_upstreams_message() {
    let hpa = spec(
        "{scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 5, metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]}",
    );
    let pods = vec![steady_pod("web-0", &[])];
    let metrics = [samples(&pods, 500)];
    let outcome = HpaController::new(ControllerConfig::default()).reconcile(
        &hpa,
        ReconcileInput {
            now: 0,
            namespace: "default",
            spec_replicas: 1,
            status_replicas: 1,
            pods: &pods,
            metrics: &metrics,
            requests: &[],
            readings_generation: None,
        },
    );
    let active = outcome.conditions.iter().find(|c| c.type_ == "ScalingActive").unwrap();
    assert_eq!(active.reason, "FailedGetResourceMetric");
    assert_eq!(
        active.message,
        "the HPA was unable to compute the replica count: failed to get cpu utilization: missing request for cpu in container app of Pod web-0"
    );
}

#[test]
fn per_hpa_tolerance_replaces_the_flag() {
    // 3 pods at 75% of a 70% target: ratio 1.071, within the default 10 %,
    // outside a 5 % scale-up tolerance.
    let mut hpa = training_hpa();
    let behavior = hpa.behavior.as_mut().unwrap();
    behavior.scale_up.as_mut().unwrap().tolerance =
        Some(k8s_openapi::apimachinery::pkg::api::resource::Quantity("0.05".into()));
    let pods: Vec<PodInfo> =
        (0..3).map(|i| steady_pod(&format!("web-{i}"), &[("cpu", 1000), ("memory", 100 * MEBI)])).collect();
    let metrics = [samples(&pods, 750), samples(&pods, 80 * MEBI)];
    let input = ReconcileInput {
        now: 0,
        namespace: "default",
        spec_replicas: 3,
        status_replicas: 3,
        pods: &pods,
        metrics: &metrics,
        requests: &[],
        readings_generation: None,
    };
    let outcome = HpaController::new(ControllerConfig::default()).reconcile(&hpa, input);
    assert_eq!(outcome.desired_replicas, 4);
    let gated = ControllerConfig { configurable_tolerance: false, ..ControllerConfig::default() };
    assert_eq!(HpaController::new(gated).reconcile(&hpa, input).desired_replicas, 3);
}

// ---------------------------------------------------------------- calculateRequests

#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
struct RequestsCase {
    name: String,
    pods: Vec<PodInfo>,
    #[serde(default)]
    container: String,
    resource: String,
    #[serde(default)]
    expected_requests: Option<BTreeMap<String, i64>>,
    #[serde(default)]
    expected_error: Option<String>,
}

#[test]
fn calculate_requests_cases() {
    let cases: Vec<RequestsCase> = load("calculate_requests.yaml");
    assert!(cases.len() >= 5);
    for case in cases {
        let got =
            kubeplay_core::scaling::hpa::pods::calculate_requests(&case.pods, &case.container, &case.resource, true);
        match (&case.expected_error, got) {
            (Some(expected), Err(err)) => assert_eq!(&err, expected, "{}", case.name),
            (None, Ok(requests)) => assert_eq!(Some(requests), case.expected_requests, "{}", case.name),
            (_, other) => panic!("{}: {other:?}", case.name),
        }
    }
}

/// Extreme inputs (zero and huge targets, values at the integer rails,
/// negative times) give an answer, never a panic: core's rule.
#[test]
fn extreme_inputs_never_panic() {
    let targets = ["0", "1m", "1", "9223372036854775807m", "1e18", "-5"];
    let values = [0i64, 1, -1, i64::MAX, i64::MIN];
    let replicas = [0i32, 1, 3, i32::MAX, -1];
    for target in targets {
        for value in values {
            for current in replicas {
                let hpa = spec(&format!(
                    r#"
scaleTargetRef: {{kind: Deployment, name: web}}
minReplicas: 0
maxReplicas: 2147483647
metrics:
- {{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 0}}}}}}
- {{type: Resource, resource: {{name: memory, target: {{type: AverageValue, averageValue: "{target}"}}}}}}
- {{type: Pods, pods: {{metric: {{name: qps}}, target: {{type: AverageValue, averageValue: "{target}"}}}}}}
- {{type: Object, object: {{describedObject: {{kind: Service, name: s}}, metric: {{name: hits}}, target: {{type: Value, value: "{target}"}}}}}}
- {{type: Object, object: {{describedObject: {{kind: Service, name: s}}, metric: {{name: hits}}, target: {{type: AverageValue, averageValue: "{target}"}}}}}}
- {{type: External, external: {{metric: {{name: q}}, target: {{type: Value, value: "{target}"}}}}}}
- {{type: External, external: {{metric: {{name: q}}, target: {{type: AverageValue, averageValue: "{target}"}}}}}}
- {{type: ContainerResource, containerResource: {{name: cpu, container: app, target: {{type: Utilization, averageUtilization: 2147483647}}}}}}
behavior:
  scaleUp: {{policies: [{{type: Percent, value: 2147483647, periodSeconds: 1}}, {{type: Pods, value: 2147483647, periodSeconds: 2147483647}}]}}
  scaleDown: {{selectPolicy: Min, policies: [{{type: Percent, value: -2147483648, periodSeconds: 0}}]}}
"#
                ));
                let pods = vec![
                    steady_pod("a", &[("cpu", value), ("memory", value)]),
                    PodInfo { name: "b".into(), start_time: Some(i64::MIN), ..PodInfo::default() },
                ];
                let sample = PodMetric { value, timestamp: i64::MAX, window: i64::MAX };
                let named = BTreeMap::from([("a".to_string(), sample), ("b".to_string(), sample)]);
                let per_pod = MetricReading::Pods(PodSamples::from_named(&pods, &named));
                let metrics = [
                    per_pod.clone(),
                    per_pod.clone(),
                    per_pod.clone(),
                    MetricReading::Object(value),
                    MetricReading::Object(value),
                    MetricReading::External(vec![value, value]),
                    MetricReading::External(vec![value; 3]),
                    per_pod,
                ];
                let mut controller = HpaController::new(ControllerConfig::default());
                for now in [i64::MIN, 0, i64::MAX] {
                    let outcome = controller.reconcile(
                        &hpa,
                        ReconcileInput {
                            now,
                            namespace: "default",
                            spec_replicas: current,
                            status_replicas: current,
                            pods: &pods,
                            metrics: &metrics,
                            requests: &[],
                            readings_generation: None,
                        },
                    );
                    assert_eq!(outcome.metrics.len(), if current > 0 { 8 } else { outcome.metrics.len() });
                }
            }
        }
    }
}
