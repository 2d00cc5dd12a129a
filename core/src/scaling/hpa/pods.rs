//! The pods an HPA's selector matches and their metric samples, grouped as
//! upstream's `groupPods` and requested as `calculateRequests`
//! (`pkg/controller/podautoscaler/replica_calculator.go`; `hpa.md §3.1`).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// `status.phase` of a pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PodPhase {
    Pending,
    #[default]
    Running,
    Succeeded,
    Failed,
    Unknown,
}

/// The pod's `Ready` condition: its status and when it last changed (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadyCondition {
    pub status: bool,
    pub last_transition_time: i64,
}

/// One container's requests, in milli-units by resource name.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerRequests {
    pub name: String,
    #[serde(default)]
    pub requests: BTreeMap<String, i64>,
    /// An init container with `restartPolicy: Always` (a native sidecar).
    #[serde(default)]
    pub restartable: bool,
}

/// What the replica calculator reads of a pod.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodInfo {
    pub name: String,
    #[serde(default)]
    pub phase: PodPhase,
    /// `metadata.deletionTimestamp` is set.
    #[serde(default)]
    pub deleting: bool,
    /// `status.startTime` (seconds); `None` when the pod has none.
    #[serde(default)]
    pub start_time: Option<i64>,
    /// The `Ready` condition; `None` when the pod has none.
    #[serde(default)]
    pub ready: Option<ReadyCondition>,
    #[serde(default)]
    pub containers: Vec<ContainerRequests>,
    /// Init containers; only restartable ones (native sidecars) have their
    /// requests counted with the containers'.
    #[serde(default)]
    pub init_containers: Vec<ContainerRequests>,
    /// Pod-level `spec.resources.requests` (milli), used when set and the metric
    /// names no container (feature PodLevelResources).
    #[serde(default)]
    pub pod_requests: Option<BTreeMap<String, i64>>,
}

impl PodInfo {
    /// `podutil.IsPodReady`: a Ready condition with status True.
    pub fn is_ready(&self) -> bool {
        self.ready.is_some_and(|c| c.status)
    }
}

/// One pod's sample from the metrics API: a milli-value, when it was taken and
/// over which window (seconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodMetric {
    pub value: i64,
    #[serde(default)]
    pub timestamp: i64,
    #[serde(default)]
    pub window: i64,
}

/// Samples by pod name (`PodMetricsInfo`).
pub type PodMetrics = BTreeMap<String, PodMetric>;

/// Per-pod samples as the replica calculator reads them: joined with the
/// reconcile's pods by position instead of by name. `by_pod[i]` is the sample
/// of the `i`-th pod (`None`: the metrics API returned none for it); `extra`
/// holds the samples that name no pod, which upstream keeps in its map (they
/// count in averages and in `len(metrics)`, never against a request). Entries
/// of `by_pod` past the last pod count as such samples too.
///
/// The simulation fills it in the pods' order; [`PodSamples::from_named`]
/// builds it from name-keyed samples (`PodMetricsInfo`), as upstream's tests
/// and the `pods:` mode give them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSamples {
    #[serde(default)]
    pub by_pod: Vec<Option<PodMetric>>,
    #[serde(default)]
    pub extra: Vec<PodMetric>,
}

impl PodSamples {
    /// Name-keyed samples joined with `pods`: each pod's sample looked up once
    /// by its name (pod names are unique, as in one namespace); the samples no
    /// pod is named after, in name order, become `extra`.
    pub fn from_named(pods: &[PodInfo], metrics: &PodMetrics) -> Self {
        let by_pod: Vec<Option<PodMetric>> = pods.iter().map(|p| metrics.get(&p.name).copied()).collect();
        let matched = by_pod.iter().flatten().count();
        let extra = if matched < metrics.len() {
            let names: BTreeSet<&str> = pods.iter().map(|p| p.name.as_str()).collect();
            metrics.iter().filter(|(name, _)| !names.contains(name.as_str())).map(|(_, m)| *m).collect()
        } else {
            Vec::new()
        };
        PodSamples { by_pod, extra }
    }

    /// Whether the metrics API returned no sample at all.
    pub fn is_empty(&self) -> bool {
        self.extra.is_empty() && self.by_pod.iter().all(Option::is_none)
    }

    /// The sample of the `i`-th pod, if any.
    pub fn of_pod(&self, i: usize) -> Option<&PodMetric> {
        self.by_pod.get(i).and_then(Option::as_ref)
    }

    /// The values of the samples that name none of the first `pods` pods.
    pub fn extra_values(&self, pods: usize) -> impl Iterator<Item = i64> + '_ {
        let past = self.by_pod.get(pods..).unwrap_or_default().iter().flatten();
        self.extra.iter().chain(past).map(|m| m.value)
    }
}

/// The result of `groupPods`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PodGroups {
    pub ready_pod_count: usize,
    pub unready: BTreeSet<String>,
    pub missing: BTreeSet<String>,
    pub ignored: BTreeSet<String>,
}

/// Where `groupPods` puts one pod.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PodGroup {
    /// Deleted or Failed.
    Ignored,
    /// Pending, or (for CPU) not yet past the readiness rules.
    Unready,
    /// No sample.
    Missing,
    /// Counted with its sample.
    Ready,
}

/// The readiness settings `groupPods` reads: the controller's flags and the
/// reconcile's `time.Now()`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupRules<'a> {
    pub resource: &'a str,
    pub cpu_initialization_period: i64,
    pub delay_of_initial_readiness_status: i64,
    pub now: i64,
}

impl GroupRules<'_> {
    /// `groupPods`' decision for one pod with its sample, if it has one:
    /// ignored (deleted or Failed), unready (Pending; for CPU the readiness
    /// rules of `hpa.md §3.1` step 2), missing (no sample), or ready.
    pub fn group(&self, pod: &PodInfo, metric: Option<&PodMetric>) -> PodGroup {
        self.group_with(pod, metric, self.resource == "cpu")
    }

    /// [`Self::group`] with `resource == "cpu"` compared once by the caller, not once per pod.
    pub(crate) fn group_with(&self, pod: &PodInfo, metric: Option<&PodMetric>, cpu: bool) -> PodGroup {
        if pod.deleting || pod.phase == PodPhase::Failed {
            return PodGroup::Ignored;
        }
        if pod.phase == PodPhase::Pending {
            return PodGroup::Unready;
        }
        let Some(metric) = metric else { return PodGroup::Missing };
        if cpu {
            let unready = match (pod.ready, pod.start_time) {
                (Some(condition), Some(start)) => {
                    if start.saturating_add(self.cpu_initialization_period) > self.now {
                        // Within the initialization period: unready, or no full
                        // metric window since the last readiness change.
                        !condition.status
                            || metric.timestamp < condition.last_transition_time.saturating_add(metric.window)
                    } else {
                        // Afterwards: unready and it has never been ready.
                        !condition.status
                            && start.saturating_add(self.delay_of_initial_readiness_status)
                                > condition.last_transition_time
                    }
                }
                _ => true,
            };
            if unready {
                return PodGroup::Unready;
            }
        }
        PodGroup::Ready
    }
}

/// `groupPods` (`replica_calculator.go`): the pods by [`GroupRules::group`],
/// by name, and the count of ready ones. `now` stands for upstream's `time.Now()`.
pub fn group_pods(
    pods: &[PodInfo],
    metrics: &PodMetrics,
    resource: &str,
    cpu_initialization_period: i64,
    delay_of_initial_readiness_status: i64,
    now: i64,
) -> PodGroups {
    let rules = GroupRules { resource, cpu_initialization_period, delay_of_initial_readiness_status, now };
    let mut groups = PodGroups::default();
    for pod in pods {
        let set = match rules.group(pod, metrics.get(&pod.name)) {
            PodGroup::Ignored => &mut groups.ignored,
            PodGroup::Unready => &mut groups.unready,
            PodGroup::Missing => &mut groups.missing,
            PodGroup::Ready => {
                groups.ready_pod_count += 1;
                continue;
            }
        };
        set.insert(pod.name.clone());
    }
    groups
}

/// `calculateRequests`: each pod's request for `resource` in milli-units, by
/// pod name (see [`pod_request`]).
pub fn calculate_requests(
    pods: &[PodInfo],
    container: &str,
    resource: &str,
    pod_level_resources: bool,
) -> Result<BTreeMap<String, i64>, String> {
    let mut requests = BTreeMap::new();
    for pod in pods {
        requests.insert(pod.name.clone(), pod_request(pod, container, resource, pod_level_resources)?);
    }
    Ok(requests)
}

/// One pod's part of `calculateRequests`: the pod-level request when set and
/// no container is named, else the sum over the containers and native
/// sidecars (only `container` when one is named).
pub fn pod_request(pod: &PodInfo, container: &str, resource: &str, pod_level_resources: bool) -> Result<i64, String> {
    match (&pod.pod_requests, container.is_empty() && pod_level_resources) {
        (Some(pod_requests), true) if !pod_requests.is_empty() => match pod_requests.get(resource) {
            Some(value) => Ok(*value),
            None => Err(format!("missing pod-level request for {resource} in Pod {}", pod.name)),
        },
        _ => container_requests(pod, container, resource),
    }
}

/// `calculatePodRequestsFromContainers`.
fn container_requests(pod: &PodInfo, container: &str, resource: &str) -> Result<i64, String> {
    let mut request: i64 = 0;
    let sidecars = pod.init_containers.iter().filter(|c| c.restartable);
    for c in pod.containers.iter().chain(sidecars) {
        if container.is_empty() || container == c.name {
            let Some(value) = c.requests.get(resource) else {
                return Err(format!("missing request for {resource} in container {} of Pod {}", c.name, pod.name));
            };
            request = request.saturating_add(*value);
        }
        if container == c.name {
            return Ok(request);
        }
    }
    if !container.is_empty() {
        return Err(format!("container {container} not found in Pod {}", pod.name));
    }
    Ok(request)
}
