//! One metric's replica proposal: upstream's `ReplicaCalculator`
//! (`pkg/controller/podautoscaler/replica_calculator.go`) and the ratios of
//! `pkg/controller/podautoscaler/metrics/utilization.go` (`hpa.md §3`).
//!
//! Arithmetic as upstream: sums and averages in int64 milli-units (summed
//! exactly here, then held to int64 as the newer big-integer upstream code
//! does), utilization a truncated int32 percent, ratios float64, and
//! `int32(math.Ceil(..))` where upstream rounds.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::pods::{GroupRules, PodGroup, PodInfo, PodMetrics, PodPhase, PodSamples, pod_request};

/// `Tolerances` (`replica_calculator.go`): a ratio r is within when
/// `1 - scale_down <= r <= 1 + scale_up` (`hpa.md §3.3`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tolerances {
    pub scale_down: f64,
    pub scale_up: f64,
}

impl Default for Tolerances {
    fn default() -> Self {
        Tolerances { scale_down: 0.1, scale_up: 0.1 }
    }
}

impl Tolerances {
    pub fn is_within(&self, usage_ratio: f64) -> bool {
        (1.0 - self.scale_down) <= usage_ratio && usage_ratio <= (1.0 + self.scale_up)
    }
}

/// `int32(math.Ceil(x))`; out-of-range values saturate (Go leaves them
/// implementation-defined; newer upstream clamps to MaxInt32).
pub(crate) fn ceil_i32(x: f64) -> i32 {
    x.ceil() as i32
}

fn clamp_i64(x: i128) -> i64 {
    i64::try_from(x).unwrap_or(if x < 0 { i64::MIN } else { i64::MAX })
}

/// A Resource / ContainerResource utilization proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UtilizationProposal {
    pub replicas: i32,
    /// The truncated percent (`currentAverageUtilization`).
    pub utilization: i32,
    /// The average usage in milli-units (`currentAverageValue`).
    pub raw_average: i64,
}

/// A proposal from a raw value (AverageValue, Pods, Object, External).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageProposal {
    pub replicas: i32,
    /// The usage reported in the status, in milli-units.
    pub usage: i64,
}

/// Sums over a metrics map as upstream's ratio functions read it: every
/// sample's usage and their count (`len(metrics)`), and apart the usage and
/// requests of the samples whose pod has a request (`GetResourceUtilizationRatio`
/// skips the others). Sums are exact; only the results are held to int64.
#[derive(Debug, Clone, Copy, Default)]
struct Totals {
    usage: i128,
    samples: usize,
    usage_with_request: i128,
    requests: i128,
    with_request: i128,
}

impl Totals {
    fn add(&mut self, usage: i64, request: Option<i64>) {
        self.usage += i128::from(usage);
        self.samples += 1;
        if let Some(request) = request {
            self.usage_with_request += i128::from(usage);
            self.requests += i128::from(request);
            self.with_request += 1;
        }
    }

    /// `GetResourceUtilizationRatio`: (ratio, truncated percent, average milli).
    fn utilization_ratio(&self, target_utilization: i32) -> Result<(f64, i32, i64), String> {
        if self.requests == 0 {
            return Err("no metrics returned matched known pods".to_string());
        }
        let percentage = self.usage_with_request * 100 / self.requests;
        let utilization = i32::try_from(percentage).unwrap_or(if percentage < 0 { i32::MIN } else { i32::MAX });
        let average = clamp_i64(self.usage_with_request / self.with_request.max(1));
        Ok((f64::from(utilization) / f64::from(target_utilization), utilization, average))
    }

    /// `GetMetricUsageRatio`: (ratio, average milli).
    fn usage_ratio(&self, target_usage: i64) -> (f64, i64) {
        let count = i128::try_from(self.samples).unwrap_or(i128::MAX).max(1);
        let usage = clamp_i64(self.usage / count);
        (usage as f64 / target_usage as f64, usage)
    }
}

/// `GetResourceUtilizationRatio`: (ratio, truncated percent, average milli).
pub fn resource_utilization_ratio(
    metrics: &PodMetrics,
    requests: &BTreeMap<String, i64>,
    target_utilization: i32,
) -> Result<(f64, i32, i64), String> {
    let mut totals = Totals::default();
    for (pod, metric) in metrics {
        totals.add(metric.value, requests.get(pod).copied());
    }
    totals.utilization_ratio(target_utilization)
}

/// `GetMetricUsageRatio`: (ratio, average milli).
pub fn metric_usage_ratio(metrics: &PodMetrics, target_usage: i64) -> (f64, i64) {
    let mut totals = Totals::default();
    for metric in metrics.values() {
        totals.add(metric.value, None);
    }
    totals.usage_ratio(target_usage)
}

/// The pods joined with their samples (by position: [`PodSamples`]) and
/// grouped as `groupPods` does.
struct Joined {
    /// Per pod, in the pods' order: its group and its sample's value (0 without one).
    entries: Vec<(PodGroup, i64)>,
    /// Values of the samples that name no pod: upstream keeps them in its
    /// metrics map, so they count in averages and in `len(metrics)`, never
    /// against a request.
    extra: Vec<i64>,
    ready: usize,
    unready: usize,
    missing: usize,
}

impl Joined {
    /// The samples a ratio starts from (ready pods' and the extra ones: upstream's
    /// map once unready and ignored pods' samples are deleted), each pod's
    /// request from `request_of`.
    fn ready_totals(&self, request_of: impl Fn(usize) -> Option<i64>) -> Totals {
        let mut totals = Totals::default();
        for (i, (group, value)) in self.entries.iter().enumerate() {
            if *group == PodGroup::Ready {
                totals.add(*value, request_of(i));
            }
        }
        for value in &self.extra {
            totals.add(*value, None);
        }
        totals
    }
}

/// `calculateRequests` over a reconcile's pods: each pod's request (milli) in
/// the pods' order, or the first pod's error.
pub type PodRequests = Result<Vec<i64>, String>;

/// `calculateRequests` per pod in the pods' order (see [`pod_request`]).
pub fn calculate_pod_requests(
    pods: &[PodInfo],
    container: &str,
    resource: &str,
    pod_level_resources: bool,
) -> PodRequests {
    pods.iter().map(|pod| pod_request(pod, container, resource, pod_level_resources)).collect()
}

/// The controller flags the calculator reads (`hpa.md §1`), in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReplicaCalculator {
    pub cpu_initialization_period: i64,
    pub delay_of_initial_readiness_status: i64,
    /// Feature PodLevelResources: pod-level requests stand for the containers'.
    pub pod_level_resources: bool,
}

impl Default for ReplicaCalculator {
    fn default() -> Self {
        ReplicaCalculator {
            cpu_initialization_period: 300,
            delay_of_initial_readiness_status: 30,
            pod_level_resources: true,
        }
    }
}

impl ReplicaCalculator {
    /// `GetResourceReplicas`: a Resource / ContainerResource metric with a
    /// Utilization target. `metrics` are the pods' samples (already summed over
    /// the pod's containers, or of `container` alone).
    #[allow(clippy::too_many_arguments)]
    pub fn resource_replicas(
        &self,
        now: i64,
        current_replicas: i32,
        target_utilization: i32,
        resource: &str,
        tolerances: Tolerances,
        pods: &[PodInfo],
        metrics: &PodSamples,
        container: &str,
    ) -> Result<UtilizationProposal, String> {
        self.resource_replicas_with_requests(
            now,
            current_replicas,
            target_utilization,
            resource,
            tolerances,
            pods,
            metrics,
            container,
            None,
        )
    }

    /// [`Self::resource_replicas`] with `calculateRequests`' answer for `pods`
    /// (see [`self::calculate_pod_requests`]) when the caller keeps it from one
    /// reconcile to the next; `None`: computed here.
    #[allow(clippy::too_many_arguments)]
    pub fn resource_replicas_with_requests(
        &self,
        now: i64,
        current_replicas: i32,
        target_utilization: i32,
        resource: &str,
        tolerances: Tolerances,
        pods: &[PodInfo],
        metrics: &PodSamples,
        container: &str,
        known: Option<&PodRequests>,
    ) -> Result<UtilizationProposal, String> {
        if metrics.is_empty() {
            return Err(format!(
                "unable to get metrics for resource {resource}: no metrics returned from resource metrics API"
            ));
        }
        let joined = self.ready_samples(now, resource, pods, metrics)?;
        let computed;
        let requests: &[i64] = match known {
            Some(known) => known.as_deref().map_err(Clone::clone)?,
            None => {
                computed = calculate_pod_requests(pods, container, resource, self.pod_level_resources)?;
                &computed
            }
        };
        let request_of = |i: usize| requests.get(i).copied();
        let totals = joined.ready_totals(request_of);
        let (usage_ratio, utilization, raw) = totals.utilization_ratio(target_utilization)?;
        let proposal = |replicas| UtilizationProposal { replicas, utilization, raw_average: raw };

        // Scale-down: a missing pod uses max(100%, target) of its request.
        let fallback = i64::from(target_utilization.max(100));
        let missing_usage = |i: usize| clamp_i64(i128::from(request_of(i).unwrap_or(0)) * i128::from(fallback) / 100);
        let ratio_of = |totals: &Totals| Ok(totals.utilization_ratio(target_utilization)?.0);
        let replicas = settle_replicas(
            current_replicas,
            usage_ratio,
            tolerances,
            &joined,
            totals,
            request_of,
            missing_usage,
            ratio_of,
        )?;
        Ok(proposal(replicas))
    }

    /// `GetRawResourceReplicas` (Resource / ContainerResource with an
    /// AverageValue target) and `GetMetricReplicas` (Pods metrics): both
    /// `calcPlainMetricReplicas`. `resource` is the resource name, or "" for a
    /// Pods metric (only "cpu" gets the CPU readiness rules).
    #[allow(clippy::too_many_arguments)]
    pub fn plain_metric_replicas(
        &self,
        now: i64,
        current_replicas: i32,
        target_usage: i64,
        resource: &str,
        tolerances: Tolerances,
        pods: &[PodInfo],
        metrics: &PodSamples,
    ) -> Result<UsageProposal, String> {
        let joined = self.ready_samples(now, resource, pods, metrics)?;
        let totals = joined.ready_totals(|_| None);
        let (usage_ratio, usage) = totals.usage_ratio(target_usage);
        let proposal = |replicas| UsageProposal { replicas, usage };

        // Scale-down: a missing pod uses exactly the target.
        let missing_usage = |_: usize| target_usage;
        let ratio_of = |totals: &Totals| Ok(totals.usage_ratio(target_usage).0);
        let replicas = settle_replicas(
            current_replicas,
            usage_ratio,
            tolerances,
            &joined,
            totals,
            |_| None,
            missing_usage,
            ratio_of,
        )?;
        Ok(proposal(replicas))
    }

    /// The samples of the pods that count: pods grouped, ignored and unready
    /// pods' samples left out (the common head of upstream's `GetResourceReplicas`
    /// and `calcPlainMetricReplicas`).
    fn ready_samples(
        &self,
        now: i64,
        resource: &str,
        pods: &[PodInfo],
        metrics: &PodSamples,
    ) -> Result<Joined, String> {
        if pods.is_empty() {
            return Err("no pods returned by selector while calculating replica count".to_string());
        }
        let rules = GroupRules {
            resource,
            cpu_initialization_period: self.cpu_initialization_period,
            delay_of_initial_readiness_status: self.delay_of_initial_readiness_status,
            now,
        };
        let mut joined =
            Joined { entries: Vec::with_capacity(pods.len()), extra: Vec::new(), ready: 0, unready: 0, missing: 0 };
        let cpu = resource == "cpu";
        for (i, pod) in pods.iter().enumerate() {
            let metric = metrics.of_pod(i);
            let group = rules.group_with(pod, metric, cpu);
            match group {
                PodGroup::Ready => joined.ready += 1,
                PodGroup::Unready => joined.unready += 1,
                PodGroup::Missing => joined.missing += 1,
                PodGroup::Ignored => {}
            }
            joined.entries.push((group, metric.map_or(0, |m| m.value)));
        }
        joined.extra = metrics.extra_values(pods.len()).collect();
        if joined.ready + joined.extra.len() == 0 {
            return Err("did not receive metrics for targeted pods (pods might be unready)".to_string());
        }
        Ok(joined)
    }

    /// `GetObjectMetricReplicas`: an Object metric with a Value target.
    pub fn object_metric_replicas(
        &self,
        current_replicas: i32,
        target_usage: i64,
        usage: i64,
        tolerances: Tolerances,
        pods: &[PodInfo],
    ) -> Result<UsageProposal, String> {
        let usage_ratio = usage as f64 / target_usage as f64;
        let replicas = usage_ratio_replica_count(current_replicas, usage_ratio, tolerances, pods)?;
        Ok(UsageProposal { replicas, usage })
    }

    /// `GetObjectPerPodMetricReplicas`: an Object metric with an AverageValue
    /// target, against the target's `status.replicas`.
    pub fn object_per_pod_metric_replicas(
        &self,
        status_replicas: i32,
        target_average_usage: i64,
        usage: i64,
        tolerances: Tolerances,
    ) -> UsageProposal {
        per_pod_replicas(status_replicas, target_average_usage, usage, tolerances)
    }

    /// `GetExternalMetricReplicas`: an External metric with a Value target; the
    /// values of every matching series are summed.
    pub fn external_metric_replicas(
        &self,
        current_replicas: i32,
        target_usage: i64,
        values: &[i64],
        tolerances: Tolerances,
        pods: &[PodInfo],
    ) -> Result<UsageProposal, String> {
        let usage = clamp_i64(values.iter().map(|v| i128::from(*v)).sum());
        let usage_ratio = usage as f64 / target_usage as f64;
        let replicas = usage_ratio_replica_count(current_replicas, usage_ratio, tolerances, pods)?;
        Ok(UsageProposal { replicas, usage })
    }

    /// `GetExternalPerPodMetricReplicas`: an External metric with an
    /// AverageValue target.
    pub fn external_per_pod_metric_replicas(
        &self,
        status_replicas: i32,
        target_usage_per_pod: i64,
        values: &[i64],
        tolerances: Tolerances,
    ) -> UsageProposal {
        let usage = clamp_i64(values.iter().map(|v| i128::from(*v)).sum());
        per_pod_replicas(status_replicas, target_usage_per_pod, usage, tolerances)
    }
}

/// The AverageValue arithmetic of `GetObjectPerPodMetricReplicas` and
/// `GetExternalPerPodMetricReplicas`.
fn per_pod_replicas(status_replicas: i32, target_per_pod: i64, usage: i64, tolerances: Tolerances) -> UsageProposal {
    let mut replicas = status_replicas;
    let usage_ratio = usage as f64 / (target_per_pod as f64 * f64::from(status_replicas));
    if !tolerances.is_within(usage_ratio) {
        replicas = ceil_i32(usage as f64 / target_per_pod as f64);
    }
    let average = (usage as f64 / f64::from(status_replicas)).ceil() as i64;
    UsageProposal { replicas, usage: average }
}

/// `getUsageRatioReplicaCount`: with replicas, tolerance then
/// `ceil(ratio × ready pods)` (Running and Ready); from zero, `ceil(ratio)`.
fn usage_ratio_replica_count(
    current_replicas: i32,
    usage_ratio: f64,
    tolerances: Tolerances,
    pods: &[PodInfo],
) -> Result<i32, String> {
    if current_replicas == 0 {
        return Ok(ceil_i32(usage_ratio));
    }
    if tolerances.is_within(usage_ratio) {
        return Ok(current_replicas);
    }
    if pods.is_empty() {
        return Err(
            "unable to calculate ready pods: no pods returned by selector while calculating replica count".to_string()
        );
    }
    let ready = pods.iter().filter(|p| p.phase == PodPhase::Running && p.is_ready()).count();
    Ok(ceil_i32(usage_ratio * ready as f64))
}

/// From the ready pods' usage ratio to a replica count, as upstream's
/// `GetResourceReplicas` and `calcPlainMetricReplicas` both do: the fast path
/// when no pod is missing and no unready pod holds a scale-up back; otherwise
/// missing pods count as `missing_usage` on a scale-down and as zero on a
/// scale-up, unready pods as zero on a scale-up, and the ratio is recomputed
/// with `ratio_of`; a recomputed ratio within tolerance, across 1, or a count
/// moving against it keeps the current replicas.
#[allow(clippy::too_many_arguments)]
fn settle_replicas(
    current_replicas: i32,
    usage_ratio: f64,
    tolerances: Tolerances,
    joined: &Joined,
    mut totals: Totals,
    request_of: impl Fn(usize) -> Option<i64>,
    missing_usage: impl Fn(usize) -> i64,
    ratio_of: impl Fn(&Totals) -> Result<f64, String>,
) -> Result<i32, String> {
    let scale_up_with_unready = joined.unready > 0 && usage_ratio > 1.0;
    if !scale_up_with_unready && joined.missing == 0 {
        if tolerances.is_within(usage_ratio) {
            return Ok(current_replicas);
        }
        // Fast path: the multiplier is the number of ready pods.
        return Ok(ceil_i32(usage_ratio * joined.ready as f64));
    }
    for (i, (group, _)) in joined.entries.iter().enumerate() {
        match group {
            PodGroup::Missing if usage_ratio < 1.0 => totals.add(missing_usage(i), request_of(i)),
            PodGroup::Missing if usage_ratio > 1.0 => totals.add(0, request_of(i)),
            PodGroup::Unready if scale_up_with_unready => totals.add(0, request_of(i)),
            _ => {}
        }
    }
    let new_usage_ratio = ratio_of(&totals)?;

    if tolerances.is_within(new_usage_ratio)
        || (usage_ratio < 1.0 && new_usage_ratio > 1.0)
        || (usage_ratio > 1.0 && new_usage_ratio < 1.0)
    {
        return Ok(current_replicas);
    }
    let new_replicas = ceil_i32(new_usage_ratio * totals.samples as f64);
    if (new_usage_ratio < 1.0 && new_replicas > current_replicas)
        || (new_usage_ratio > 1.0 && new_replicas < current_replicas)
    {
        // The count of pods considered would move against the ratio
        // (a rolling update's surge pods).
        return Ok(current_replicas);
    }
    Ok(new_replicas)
}
