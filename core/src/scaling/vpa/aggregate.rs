//! What the recommender keeps per container (`vpa.md §2`): upstream's
//! `model/aggregate_container_state.go` (histograms shared by the pods of one
//! label set) and `model/container.go` (one container instance's memory
//! window and OOM bookkeeping).

use super::histogram::{DecayingHistogram, HistogramOptions};

/// Milliseconds in a day.
pub const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// The recommender's model constants and their flag-overridable values
/// (`model/aggregations_config.go`, `pkg/recommender/config/config.go`).
#[derive(Clone, Debug, PartialEq)]
pub struct AggregationsConfig {
    /// `--memory-aggregation-interval` (24 h).
    pub memory_aggregation_interval_ms: i64,
    /// `--cpu-histogram-decay-half-life` (24 h).
    pub cpu_half_life_ms: i64,
    /// `--memory-histogram-decay-half-life` (24 h).
    pub memory_half_life_ms: i64,
    /// `--oom-bump-up-ratio` (1.2).
    pub oom_bump_up_ratio: f64,
    /// `--oom-min-bump-up-bytes` (100 MiB).
    pub oom_min_bump_up_bytes: f64,
}

impl Default for AggregationsConfig {
    fn default() -> Self {
        AggregationsConfig {
            memory_aggregation_interval_ms: DAY_MS,
            cpu_half_life_ms: DAY_MS,
            memory_half_life_ms: DAY_MS,
            oom_bump_up_ratio: 1.2,
            oom_min_bump_up_bytes: 100.0 * 1024.0 * 1024.0,
        }
    }
}

/// Every CPU sample weighs this much (`minSampleWeight`; constant since 2025).
pub const CPU_SAMPLE_WEIGHT: f64 = 0.1;

/// The largest amount the recommender writes (`MaxResourceAmount`, 1e14).
pub const MAX_RESOURCE_AMOUNT: i64 = 100_000_000_000_000;

/// `resourceAmountFromFloat`: clamp to [0, 1e14], then truncate. NaN ends at 0.
pub fn amount_from_float(value: f64) -> i64 {
    if value.is_nan() || value < 0.0 {
        0
    } else if value > MAX_RESOURCE_AMOUNT as f64 {
        MAX_RESOURCE_AMOUNT
    } else {
        value as i64
    }
}

/// `ScaleResource`: `amount × factor` through a float, truncated.
pub fn scale_amount(amount: i64, factor: f64) -> i64 {
    amount_from_float(amount as f64 * factor)
}

/// The histograms and sample statistics shared by the containers of one
/// aggregation key, or merged for one VPA container name.
#[derive(Clone, Debug, PartialEq)]
pub struct AggregateContainerState {
    pub cpu: DecayingHistogram,
    pub memory_peaks: DecayingHistogram,
    /// First and last CPU sample start; `None` before any CPU sample.
    pub first_sample_start_ms: Option<i64>,
    pub last_sample_start_ms: Option<i64>,
    /// CPU samples only: they drive the confidence of both resources.
    pub total_samples_count: u64,
}

impl AggregateContainerState {
    pub fn new(config: &AggregationsConfig) -> Self {
        AggregateContainerState {
            cpu: DecayingHistogram::new(HistogramOptions::cpu(), config.cpu_half_life_ms),
            memory_peaks: DecayingHistogram::new(HistogramOptions::memory(), config.memory_half_life_ms),
            first_sample_start_ms: None,
            last_sample_start_ms: None,
            total_samples_count: 0,
        }
    }

    /// A CPU usage sample in millicores (`addCPUSample` of the aggregate).
    pub fn add_cpu_sample(&mut self, millicores: i64, time_ms: i64) {
        self.cpu.add_sample(millicores as f64 / 1000.0, CPU_SAMPLE_WEIGHT, time_ms);
        if self.first_sample_start_ms.is_none_or(|first| time_ms < first) {
            self.first_sample_start_ms = Some(time_ms);
        }
        if self.last_sample_start_ms.is_none_or(|last| time_ms > last) {
            self.last_sample_start_ms = Some(time_ms);
        }
        self.total_samples_count += 1;
    }

    /// A memory peak in bytes, timestamped at its window's end.
    pub fn add_memory_peak(&mut self, bytes: i64, time_ms: i64) {
        self.memory_peaks.add_sample(bytes as f64, 1.0, time_ms);
    }

    pub fn subtract_memory_peak(&mut self, bytes: i64, time_ms: i64) {
        self.memory_peaks.subtract_sample(bytes as f64, 1.0, time_ms);
    }

    /// `MergeContainerState`: the VPA's view of one container name.
    pub fn merge(&mut self, other: &AggregateContainerState) {
        self.cpu.merge(&other.cpu);
        self.memory_peaks.merge(&other.memory_peaks);
        self.first_sample_start_ms = match (self.first_sample_start_ms, other.first_sample_start_ms) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        self.last_sample_start_ms = match (self.last_sample_start_ms, other.last_sample_start_ms) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.total_samples_count += other.total_samples_count;
    }

    /// `getConfidence`: min(history in days, samples / 1440) over CPU samples.
    pub fn confidence(&self, confidence_interval_ms: i64) -> f64 {
        let lifespan_ms = match (self.first_sample_start_ms, self.last_sample_start_ms) {
            (Some(first), Some(last)) => last - first,
            _ => 0,
        };
        let interval = confidence_interval_ms.max(1) as f64;
        let lifespan = lifespan_ms as f64 / interval;
        let minutes_per_interval = interval / 60_000.0;
        let samples = self.total_samples_count as f64 / minutes_per_interval;
        lifespan.min(samples)
    }
}

/// One memory peak entered in the histogram, for the debug output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Peak {
    pub window_end_ms: i64,
    pub bytes: i64,
    pub from_oom: bool,
}

/// One container instance (`ContainerState`): the samples' order checks and
/// its current memory window.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContainerState {
    last_cpu_sample_start_ms: Option<i64>,
    memory_peak: i64,
    oom_peak: i64,
    /// End (exclusive) of the current memory window; `None` before any memory sample.
    window_end_ms: Option<i64>,
    last_memory_sample_start_ms: Option<i64>,
    /// The peaks entered, latest value per window.
    pub peaks: Vec<Peak>,
}

impl ContainerState {
    /// A CPU sample; dropped (false) when negative or not strictly after the previous one.
    pub fn add_cpu_sample(&mut self, aggregate: &mut AggregateContainerState, millicores: i64, time_ms: i64) -> bool {
        if millicores < 0 || self.last_cpu_sample_start_ms.is_some_and(|last| time_ms <= last) {
            return false;
        }
        aggregate.add_cpu_sample(millicores, time_ms);
        self.last_cpu_sample_start_ms = Some(time_ms);
        true
    }

    /// A memory working-set sample (`addMemorySample`); OOM samples skip the order check.
    pub fn add_memory_sample(
        &mut self,
        aggregate: &mut AggregateContainerState,
        config: &AggregationsConfig,
        bytes: i64,
        time_ms: i64,
        is_oom: bool,
    ) -> bool {
        if bytes < 0 || (!is_oom && self.last_memory_sample_start_ms.is_some_and(|last| time_ms < last)) {
            return false;
        }
        self.last_memory_sample_start_ms = Some(time_ms);
        let window_end = *self.window_end_ms.get_or_insert(time_ms);
        let mut add_new_peak = false;
        if time_ms < window_end {
            let old_max = self.memory_peak.max(self.oom_peak);
            // A window whose peak is 0 keeps it (upstream checks `oldMaxMem != 0`).
            if old_max != 0 && bytes > old_max {
                aggregate.subtract_memory_peak(old_max, window_end);
                add_new_peak = true;
            }
        } else {
            let interval = config.memory_aggregation_interval_ms.max(1);
            let elapsed = time_ms - window_end;
            let shift = (elapsed - elapsed % interval).saturating_add(interval);
            self.window_end_ms = Some(window_end.saturating_add(shift));
            self.memory_peak = 0;
            self.oom_peak = 0;
            add_new_peak = true;
        }
        if add_new_peak {
            let window_end = self.window_end_ms.unwrap_or(time_ms);
            aggregate.add_memory_peak(bytes, window_end);
            if is_oom {
                self.oom_peak = bytes;
            } else {
                self.memory_peak = bytes;
            }
            let peak = Peak { window_end_ms: window_end, bytes, from_oom: is_oom };
            match self.peaks.last_mut() {
                Some(last) if last.window_end_ms == window_end => *last = peak,
                _ => self.peaks.push(peak),
            }
        }
        true
    }

    /// `RecordOOM`: an OOM kill at `time_ms` of a container requesting
    /// `request_bytes`; false when older than one window before the latest one.
    pub fn record_oom(
        &mut self,
        aggregate: &mut AggregateContainerState,
        config: &AggregationsConfig,
        time_ms: i64,
        request_bytes: i64,
    ) -> bool {
        if let Some(window_end) = self.window_end_ms
            && time_ms < window_end.saturating_sub(config.memory_aggregation_interval_ms)
        {
            return false;
        }
        // The previous OOM peak is left out so that repeated OOMs do not compound.
        let used = request_bytes.max(self.memory_peak);
        let needed = used
            .saturating_add(amount_from_float(config.oom_min_bump_up_bytes))
            .max(scale_amount(used, config.oom_bump_up_ratio));
        self.add_memory_sample(aggregate, config, needed, time_ms, true)
    }
}
