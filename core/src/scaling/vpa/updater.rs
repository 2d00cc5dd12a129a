//! The updater (`vpa.md §4`): which pods are candidates (upstream's
//! `pkg/updater/priority/priority_processor.go` and
//! `update_priority_calculator.go`), in which order, and how many one loop
//! may evict or resize (`pkg/updater/restriction/`).

use super::capping::{ContainerResources, PodResourcePolicy, Processed};

/// The updater's flags (`pkg/updater/config/config.go`) with their defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct UpdaterConfig {
    /// `--min-replicas` (the VPA's `updatePolicy.minReplicas` wins).
    pub min_replicas: i64,
    /// `--eviction-tolerance`.
    pub eviction_tolerance: f64,
    /// `--pod-update-threshold`.
    pub pod_update_threshold: f64,
    /// `--in-recommendation-bounds-eviction-lifetime-threshold`.
    pub pod_lifetime_update_threshold_ms: i64,
    /// `--evict-after-oom-threshold`.
    pub evict_after_oom_threshold_ms: i64,
    /// `--in-place-skip-disruption-budget`.
    pub in_place_skip_disruption_budget: bool,
}

impl Default for UpdaterConfig {
    fn default() -> Self {
        UpdaterConfig {
            min_replicas: 2,
            eviction_tolerance: 0.5,
            pod_update_threshold: 0.1,
            pod_lifetime_update_threshold_ms: 12 * 60 * 60 * 1000,
            evict_after_oom_threshold_ms: 10 * 60 * 1000,
            in_place_skip_disruption_budget: false,
        }
    }
}

/// `PodPriority`.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PodPriority {
    pub outside_recommended_range: bool,
    pub scale_up: bool,
    pub resource_diff: f64,
}

impl PodPriority {
    /// `Less`: a pod that wants to grow comes first, then the larger difference.
    pub fn less(&self, other: &PodPriority) -> bool {
        if self.scale_up != other.scale_up {
            return other.scale_up;
        }
        self.resource_diff < other.resource_diff
    }
}

/// The last termination of a container (`lastState.terminated`).
#[derive(Clone, Debug, PartialEq)]
pub struct Termination {
    pub container: String,
    pub reason: String,
    pub started_ms: Option<i64>,
    pub finished_ms: Option<i64>,
}

/// A running pod as the updater reads it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct UpdaterPod {
    pub name: String,
    /// Current requests and limits per container.
    pub containers: Vec<ContainerResources>,
    /// The `vpaObservedContainers` annotation, when present and parsable.
    pub observed_containers: Option<Vec<String>>,
    pub start_time_ms: Option<i64>,
    pub terminations: Vec<Termination>,
    /// `status.phase: Pending`.
    pub pending: bool,
}

impl UpdaterPod {
    fn observes(&self, container: &str) -> bool {
        self.observed_containers.as_ref().is_none_or(|names| names.iter().any(|n| n == container))
    }
}

/// `GetUpdatePriority` over the processed recommendation.
pub fn update_priority(pod: &UpdaterPod, processed: Option<&Processed>) -> PodPriority {
    let mut priority = PodPriority::default();
    let mut total_request: std::collections::BTreeMap<&str, i64> = Default::default();
    let mut total_recommended: std::collections::BTreeMap<&str, i64> = Default::default();
    let recommendations = processed.map(|p| p.recommendations.as_slice()).unwrap_or_default();
    for container in &pod.containers {
        if !pod.observes(&container.name) {
            continue;
        }
        let Some(recommendation) = recommendations.iter().find(|r| r.container_name == container.name) else {
            continue;
        };
        for (resource, recommended) in &recommendation.target {
            let recommended_milli = recommended.milli_value().unwrap_or(i64::MAX);
            let total = total_recommended.entry(resource.as_str()).or_default();
            *total = total.saturating_add(recommended_milli);
            match container.requests.get(resource) {
                Some(request) => {
                    let request_milli = request.milli_value().unwrap_or(i64::MAX);
                    let total = total_request.entry(resource.as_str()).or_default();
                    *total = total.saturating_add(request_milli);
                    if recommended_milli > request_milli {
                        priority.scale_up = true;
                    }
                    let below = recommendation.lower_bound.get(resource).is_some_and(|lower| request < lower);
                    let above = recommendation.upper_bound.get(resource).is_some_and(|upper| request > upper);
                    if below || above {
                        priority.outside_recommended_range = true;
                    }
                }
                // Upstream treats a container without a request as requesting 0.
                None => {
                    priority.scale_up = true;
                    priority.outside_recommended_range = true;
                }
            }
        }
    }
    for (resource, recommended) in &total_recommended {
        let request = (total_request.get(resource).copied().unwrap_or(0) as f64).max(1.0);
        priority.resource_diff += (request - *recommended as f64).abs() / request;
    }
    priority
}

/// The updater's verdict on one pod.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    pub candidate: bool,
    pub priority: PodPriority,
    pub quick_oom: bool,
    pub reason: String,
}

/// `UpdatePriorityCalculator.AddPod`: whether the pod may be updated now.
pub fn evaluate(
    pod: &UpdaterPod,
    processed: Option<&Processed>,
    policy: &PodResourcePolicy,
    config: &UpdaterConfig,
    now_ms: i64,
) -> Verdict {
    let priority = update_priority(pod, processed);
    let quick_oom = pod.terminations.iter().any(|t| {
        pod.observes(&t.container)
            && !policy.is_off(&t.container)
            && t.reason == "OOMKilled"
            && match (t.started_ms, t.finished_ms) {
                (Some(started), Some(finished)) => finished - started < config.evict_after_oom_threshold_ms,
                // Go's zero time: a missing start makes the run look endless, a
                // missing finish makes it negative.
                (None, Some(_)) => false,
                (_, None) => true,
            }
    });
    let verdict = |candidate: bool, reason: String| Verdict { candidate, priority, quick_oom, reason };
    if !priority.outside_recommended_range && !quick_oom {
        let Some(start) = pod.start_time_ms else {
            return verdict(false, "within the recommended range; the pod has no status.startTime".to_owned());
        };
        if now_ms < start.saturating_add(config.pod_lifetime_update_threshold_ms) {
            return verdict(
                false,
                format!(
                    "within the recommended range and younger than {}",
                    super::simulation::format_duration(config.pod_lifetime_update_threshold_ms)
                ),
            );
        }
        if priority.resource_diff < config.pod_update_threshold {
            return verdict(
                false,
                format!(
                    "within the recommended range; resource diff {:.3} is below the pod-update-threshold {}",
                    priority.resource_diff, config.pod_update_threshold
                ),
            );
        }
        return verdict(
            true,
            format!(
                "older than {} and resource diff {:.3} ≥ {}",
                super::simulation::format_duration(config.pod_lifetime_update_threshold_ms),
                priority.resource_diff,
                config.pod_update_threshold
            ),
        );
    }
    if quick_oom && priority.resource_diff == 0.0 {
        return verdict(false, "OOM-killed quickly, but the resources would not change".to_owned());
    }
    if priority.outside_recommended_range {
        verdict(true, "a request is outside [lowerBound, upperBound]".to_owned())
    } else {
        verdict(true, "a container was OOM-killed soon after starting".to_owned())
    }
}

/// Candidates in update order (`GetSortedPods`): highest priority first; equal
/// priorities keep their input order (upstream's order is unspecified there).
pub fn order(candidates: &[(usize, PodPriority)]) -> Vec<usize> {
    let mut sorted = candidates.to_vec();
    crate::sort::sort_by(&mut sorted, |(_, a), (_, b)| {
        if b.less(a) {
            std::cmp::Ordering::Less
        } else if a.less(b) {
            std::cmp::Ordering::Greater
        } else {
            std::cmp::Ordering::Equal
        }
    });
    sorted.into_iter().map(|(i, _)| i).collect()
}

/// One controller's replica group (`singleGroupStats`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GroupStats {
    /// The controller's replica count.
    pub configured: i64,
    pub running: i64,
    pub eviction_tolerance: i64,
    pub evicted: i64,
}

impl GroupStats {
    pub fn new(configured: i64, live: i64, pending: i64, tolerance_fraction: f64) -> Self {
        GroupStats {
            configured,
            running: live - pending,
            eviction_tolerance: (configured as f64 * tolerance_fraction) as i64,
            evicted: 0,
        }
    }

    /// `isPodDisruptable`.
    pub fn is_pod_disruptable(&self) -> bool {
        let should_be_alive = self.configured - self.eviction_tolerance;
        let actually_alive = self.running - self.evicted;
        actually_alive > should_be_alive
            || (self.configured == self.running && self.eviction_tolerance == 0 && self.evicted == 0)
    }
}

/// Which of the ordered candidates one loop evicts or resizes: none when the
/// controller has fewer live pods than `min_replicas` (unless skipped), else as
/// many as the eviction tolerance allows (pending pods always).
pub fn act(ordered: &[usize], pods: &[UpdaterPod], stats: &mut GroupStats, below_min_replicas: bool) -> Vec<usize> {
    if below_min_replicas {
        return Vec::new();
    }
    let mut acted = Vec::new();
    for &index in ordered {
        let pod = &pods[index];
        if pod.pending {
            acted.push(index);
            continue;
        }
        if stats.is_pod_disruptable() {
            stats.evicted += 1;
            acted.push(index);
        }
    }
    acted
}
