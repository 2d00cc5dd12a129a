//! The recommender's estimator chain and status writing (`vpa.md §3.1`,
//! `§3.2`): upstream's `logic/recommender.go`, `logic/estimator.go`,
//! `model/types.go` and the post-processors of `routines/`.

use std::collections::BTreeMap;

use super::aggregate::{AggregateContainerState, DAY_MS, amount_from_float, scale_amount};
use super::capping::{PodResourcePolicy, cap_to_policy};
use crate::admission::ResourceList;
use crate::quantity::{Format, Quantity};

pub const CPU: &str = "cpu";
pub const MEMORY: &str = "memory";

/// The recommender's flags (`pkg/recommender/config/config.go`) with their defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct RecommenderConfig {
    pub target_cpu_percentile: f64,
    pub target_memory_percentile: f64,
    pub lower_bound_cpu_percentile: f64,
    pub lower_bound_memory_percentile: f64,
    pub upper_bound_cpu_percentile: f64,
    pub upper_bound_memory_percentile: f64,
    /// `--recommendation-margin-fraction`.
    pub margin_fraction: f64,
    /// `--pod-recommendation-min-cpu-millicores`.
    pub pod_min_cpu_millicores: f64,
    /// `--pod-recommendation-min-memory-mb` (MiB, as upstream multiplies by 1024²).
    pub pod_min_memory_mb: f64,
    pub confidence_interval_cpu_ms: i64,
    pub confidence_interval_memory_ms: i64,
    /// `--round-cpu-millicores`, `--round-memory-bytes` (1 = none).
    pub round_cpu_millicores: i64,
    pub round_memory_bytes: i64,
    /// `--cpu-integer-post-processor-enabled`.
    pub cpu_integer_post_processor: bool,
    /// `--container-recommendation-max-allowed-cpu` / `-memory`.
    pub global_max_allowed: ResourceList,
}

impl Default for RecommenderConfig {
    fn default() -> Self {
        RecommenderConfig {
            target_cpu_percentile: 0.9,
            target_memory_percentile: 0.9,
            lower_bound_cpu_percentile: 0.5,
            lower_bound_memory_percentile: 0.5,
            upper_bound_cpu_percentile: 0.95,
            upper_bound_memory_percentile: 0.95,
            margin_fraction: 0.15,
            pod_min_cpu_millicores: 25.0,
            pod_min_memory_mb: 250.0,
            confidence_interval_cpu_ms: DAY_MS,
            confidence_interval_memory_ms: DAY_MS,
            round_cpu_millicores: 1,
            round_memory_bytes: 1,
            cpu_integer_post_processor: false,
            global_max_allowed: ResourceList::new(),
        }
    }
}

/// CPU in millicores and memory in bytes; `None` where the resource is not controlled.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Amounts {
    pub cpu: Option<i64>,
    pub memory: Option<i64>,
}

/// One container's estimate before it becomes quantities.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Estimate {
    pub target: Amounts,
    pub lower_bound: Amounts,
    pub upper_bound: Amounts,
}

/// `CPUAmountFromCores`.
pub fn cpu_amount_from_cores(cores: f64) -> i64 {
    amount_from_float(cores * 1000.0)
}

/// `WithMargin`: `base + int(base × fraction)`.
pub fn with_margin(base: i64, fraction: f64) -> i64 {
    base.saturating_add(scale_amount(base, fraction))
}

/// `WithConfidenceMultiplier`: `int(base × (1 + multiplier/c)^exponent)`.
pub fn with_confidence(base: i64, multiplier: f64, exponent: f64, confidence: f64) -> i64 {
    scale_amount(base, (1.0 + multiplier / confidence).powf(exponent))
}

impl RecommenderConfig {
    /// `GetRecommendedPodResources`: one estimate per container name, with the
    /// per-pod minimum split across all of them. `controlled` names the
    /// resources each container's policy controls (`FilterControlledResources`).
    pub fn estimate(
        &self,
        containers: &BTreeMap<String, (AggregateContainerState, Vec<String>)>,
    ) -> BTreeMap<String, Estimate> {
        let mut out = BTreeMap::new();
        if containers.is_empty() {
            return out;
        }
        let fraction = 1.0 / containers.len() as f64;
        let min_cpu = scale_amount(cpu_amount_from_cores(self.pod_min_cpu_millicores * 0.001), fraction);
        let min_memory = scale_amount(amount_from_float(self.pod_min_memory_mb * 1024.0 * 1024.0), fraction);
        for (name, (state, controlled)) in containers {
            let cpu = |percentile: f64| cpu_amount_from_cores(state.cpu.percentile(percentile));
            let memory = |percentile: f64| amount_from_float(state.memory_peaks.percentile(percentile));
            let cpu_confidence = state.confidence(self.confidence_interval_cpu_ms);
            let memory_confidence = state.confidence(self.confidence_interval_memory_ms);
            let margin = self.margin_fraction;
            let target_cpu = with_margin(cpu(self.target_cpu_percentile), margin).max(min_cpu);
            let target_memory = with_margin(memory(self.target_memory_percentile), margin).max(min_memory);
            let lower_cpu =
                with_confidence(with_margin(cpu(self.lower_bound_cpu_percentile), margin), 0.001, -2.0, cpu_confidence)
                    .max(min_cpu);
            let lower_memory = with_confidence(
                with_margin(memory(self.lower_bound_memory_percentile), margin),
                0.001,
                -2.0,
                memory_confidence,
            )
            .max(min_memory);
            let upper_cpu =
                with_confidence(with_margin(cpu(self.upper_bound_cpu_percentile), margin), 1.0, 1.0, cpu_confidence)
                    .max(min_cpu);
            let upper_memory = with_confidence(
                with_margin(memory(self.upper_bound_memory_percentile), margin),
                1.0,
                1.0,
                memory_confidence,
            )
            .max(min_memory);
            let has = |resource: &str| controlled.iter().any(|c| c == resource);
            let pick =
                |cpu: i64, memory: i64| Amounts { cpu: has(CPU).then_some(cpu), memory: has(MEMORY).then_some(memory) };
            out.insert(
                name.clone(),
                Estimate {
                    target: pick(target_cpu, target_memory),
                    lower_bound: pick(lower_cpu, lower_memory),
                    upper_bound: pick(upper_cpu, upper_memory),
                },
            );
        }
        out
    }

    /// `ResourcesAsResourceList`: CPU from millicores as a decimal quantity,
    /// memory from bytes as a binary one, rounded up to the flags' multiples.
    pub fn to_resource_list(&self, amounts: Amounts) -> ResourceList {
        let mut list = ResourceList::new();
        if let Some(cpu) = amounts.cpu {
            list.insert(CPU.to_owned(), cpu_quantity(round_up_to_scale(cpu, self.round_cpu_millicores)));
        }
        if let Some(memory) = amounts.memory {
            list.insert(MEMORY.to_owned(), memory_quantity(round_up_to_scale(memory, self.round_memory_bytes)));
        }
        list
    }

    /// The status the recommender writes, sorted by container name: rounding,
    /// the integer-CPU post-processor where annotated, then the VPA's policy
    /// (target and bounds only; `uncappedTarget` keeps the estimate).
    pub fn status(
        &self,
        estimates: &BTreeMap<String, Estimate>,
        policy: &PodResourcePolicy,
        integer_cpu_containers: &[String],
    ) -> Vec<ContainerRecommendation> {
        estimates
            .iter()
            .map(|(name, estimate)| {
                let mut recommendation = ContainerRecommendation {
                    container_name: name.clone(),
                    target: self.to_resource_list(estimate.target),
                    lower_bound: self.to_resource_list(estimate.lower_bound),
                    upper_bound: self.to_resource_list(estimate.upper_bound),
                    uncapped_target: self.to_resource_list(estimate.target),
                };
                if self.cpu_integer_post_processor && integer_cpu_containers.iter().any(|c| c == name) {
                    for list in [
                        &mut recommendation.target,
                        &mut recommendation.lower_bound,
                        &mut recommendation.upper_bound,
                        &mut recommendation.uncapped_target,
                    ] {
                        round_cpu_to_whole_cores(list);
                    }
                }
                cap_to_policy(&mut recommendation, policy, &self.global_max_allowed);
                recommendation
            })
            .collect()
    }
}

/// One entry of `status.recommendation.containerRecommendations`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContainerRecommendation {
    pub container_name: String,
    pub target: ResourceList,
    pub lower_bound: ResourceList,
    pub upper_bound: ResourceList,
    pub uncapped_target: ResourceList,
}

/// `QuantityFromCPUAmount`: `NewScaledQuantity(millicores, -3)`.
pub fn cpu_quantity(millicores: i64) -> Quantity {
    Quantity::from_scaled(i128::from(millicores), -3, Format::DecimalSI).unwrap_or_else(Quantity::zero)
}

/// `QuantityFromMemoryAmount`: `NewQuantity(bytes, BinarySI)`.
pub fn memory_quantity(bytes: i64) -> Quantity {
    Quantity::from_scaled(i128::from(bytes), 0, Format::BinarySI).unwrap_or_else(Quantity::zero)
}

/// `RoundUpToScale`: a non-zero amount rounded up to a multiple of `scale`;
/// unchanged for a scale below 2 or on overflow.
pub fn round_up_to_scale(amount: i64, scale: i64) -> i64 {
    if scale <= 1 || amount == 0 {
        return amount;
    }
    let rest = amount.rem_euclid(scale);
    if rest == 0 { amount } else { amount.checked_add(scale - rest).unwrap_or(amount) }
}

/// The integer-CPU post-processor: CPU rounded up to whole cores.
fn round_cpu_to_whole_cores(list: &mut ResourceList) {
    if let Some(cpu) = list.get(CPU)
        && let Some(millis) = cpu.milli_value()
    {
        let cores = millis.div_euclid(1000) + i64::from(millis.rem_euclid(1000) != 0);
        list.insert(
            CPU.to_owned(),
            Quantity::from_scaled(i128::from(cores), 0, Format::DecimalSI).unwrap_or_else(Quantity::zero),
        );
    }
}
