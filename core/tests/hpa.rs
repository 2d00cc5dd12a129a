//! The HPA engine (`core/src/scaling/hpa`) against upstream's own cases,
//! transcribed into `core/tests/hpa/*.yaml` (each names the upstream test it
//! comes from), and the worked example of `docs/semantics/hpa.md §4.4`.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_core::quantity::Quantity;
use kubeplay_core::scaling::hpa::pods::{ContainerRequests, group_pods};
use kubeplay_core::scaling::hpa::{
    PodInfo, PodMetric, PodPhase, ReadyCondition, ReplicaCalculator, Tolerances,
};
use serde::Deserialize;

/// Go's zero time, in seconds from the Unix epoch.
const ZERO_TIME: i64 = -62_135_596_800;

fn load<T: for<'de> Deserialize<'de>>(file: &str) -> Vec<T> {
    let path = format!("{}/tests/hpa/{file}", env!("CARGO_MANIFEST_DIR"));
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
                    Some(r) if i < r.requests.len() => {
                        BTreeMap::from([(r.name.clone(), milli(&r.requests[i]))])
                    }
                    _ => BTreeMap::new(),
                };
                let container = |name: &str| ContainerRequests {
                    name: name.to_string(),
                    requests: requests.clone(),
                };
                PodInfo {
                    name: format!("test-pod-{i}"),
                    phase: self.pod_phase.get(i).copied().unwrap_or(PodPhase::Running),
                    deleting: self.pod_deletion_timestamp.get(i).copied().unwrap_or(false),
                    start_time: Some(
                        self.pod_start_time.get(i).map_or(ZERO_TIME, |t| t.seconds(now)),
                    ),
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
            let name = resource
                .pod_names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("test-pod-{i}"));
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
                &metrics,
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
                    calc.plain_metric_replicas(now, current, metric.target_usage, "", tol, &pods, &per_pod)
                }
                MetricType::Object => {
                    calc.object_metric_replicas(current, metric.target_usage, first, tol, &pods)
                }
                MetricType::ObjectPerPod => {
                    Ok(calc.object_per_pod_metric_replicas(current, metric.per_pod_target_usage, first, tol))
                }
                MetricType::External => {
                    calc.external_metric_replicas(current, metric.target_usage, &metric.levels, tol, &pods)
                }
                MetricType::ExternalPerPod => Ok(calc.external_per_pod_metric_replicas(
                    current,
                    metric.per_pod_target_usage,
                    &metric.levels,
                    tol,
                )),
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
                    failures.push(format!(
                        "{}: (replicas, value, utilization) = {got:?}, want {want:?}",
                        case.name
                    ));
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
    let path = format!("{}/tests/hpa/behavior.yaml", env!("CARGO_MANIFEST_DIR"));
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
        let (replicas, condition, _) = convert_desired_replicas_with_rules(case.current, case.desired, case.min, case.max);
        assert_eq!((replicas, condition), (case.expected, case.condition.as_str()), "{}", case.name);
    }
}
