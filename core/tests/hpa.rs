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
