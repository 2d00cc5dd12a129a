//! Usage histograms (`vpa.md §2`): upstream's `util/histogram_options.go`,
//! `util/histogram.go` and `util/decaying_histogram.go`.
//!
//! Weights are float64 as upstream's; a bucket lighter than `epsilon` counts as
//! empty. Upstream panics on a negative weight or scale factor; here those
//! inputs are ignored (callers never produce them).

/// How values map to buckets.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum HistogramOptions {
    /// Buckets of `bucket_size` from 0; the last one starts at or above the maximum.
    Linear { num_buckets: usize, bucket_size: f64, epsilon: f64 },
    /// Bucket n starts at `first × (ratio^n − 1) / (ratio − 1)`.
    Exponential { num_buckets: usize, first_bucket_size: f64, ratio: f64, epsilon: f64 },
}

impl HistogramOptions {
    /// `NewLinearHistogramOptions`; `None` unless every argument is positive.
    pub fn linear(max_value: f64, bucket_size: f64, epsilon: f64) -> Option<Self> {
        if !(max_value > 0.0 && bucket_size > 0.0 && epsilon > 0.0) {
            return None;
        }
        let num_buckets = (max_value / bucket_size).ceil() as usize + 1;
        Some(HistogramOptions::Linear { num_buckets, bucket_size, epsilon })
    }

    /// `NewExponentialHistogramOptions`; `None` unless the sizes are positive and `ratio > 1`.
    pub fn exponential(max_value: f64, first_bucket_size: f64, ratio: f64, epsilon: f64) -> Option<Self> {
        if !(max_value > 0.0 && first_bucket_size > 0.0 && ratio > 1.0 && epsilon > 0.0) {
            return None;
        }
        let num_buckets = log(ratio, max_value * (ratio - 1.0) / first_bucket_size + 1.0).ceil() as usize + 1;
        Some(HistogramOptions::Exponential { num_buckets, first_bucket_size, ratio, epsilon })
    }

    /// CPU in cores: first bucket 0.01, up to 1000 cores, 5% growth, epsilon 1e-4
    /// (`model/aggregations_config.go`).
    pub fn cpu() -> Self {
        Self::exponential(1000.0, 0.01, 1.05, 0.001 * 0.1).unwrap_or(HistogramOptions::Linear {
            num_buckets: 1,
            bucket_size: 1.0,
            epsilon: 1.0,
        })
    }

    /// Memory in bytes: first bucket 1e7, up to 1e12, 5% growth, epsilon 1e-4.
    pub fn memory() -> Self {
        Self::exponential(1e12, 1e7, 1.05, 0.001 * 0.1).unwrap_or(HistogramOptions::Linear {
            num_buckets: 1,
            bucket_size: 1.0,
            epsilon: 1.0,
        })
    }

    pub fn num_buckets(&self) -> usize {
        match *self {
            HistogramOptions::Linear { num_buckets, .. } | HistogramOptions::Exponential { num_buckets, .. } => {
                num_buckets
            }
        }
    }

    pub fn epsilon(&self) -> f64 {
        match *self {
            HistogramOptions::Linear { epsilon, .. } | HistogramOptions::Exponential { epsilon, .. } => epsilon,
        }
    }

    /// The bucket a value falls in, clamped to the first and last bucket.
    pub fn find_bucket(&self, value: f64) -> usize {
        let last = self.num_buckets().saturating_sub(1);
        match *self {
            HistogramOptions::Linear { bucket_size, .. } => {
                let bucket = (value / bucket_size) as i64;
                bucket.clamp(0, last as i64) as usize
            }
            HistogramOptions::Exponential { first_bucket_size, ratio, .. } => {
                if value.is_nan() || value < first_bucket_size {
                    return 0;
                }
                let bucket = log(ratio, value * (ratio - 1.0) / first_bucket_size + 1.0) as i64;
                bucket.clamp(0, last as i64) as usize
            }
        }
    }

    /// Where a bucket starts (bucket 0 at 0).
    pub fn bucket_start(&self, bucket: usize) -> f64 {
        match *self {
            HistogramOptions::Linear { bucket_size, .. } => bucket as f64 * bucket_size,
            HistogramOptions::Exponential { first_bucket_size, ratio, .. } => {
                if bucket == 0 {
                    0.0
                } else {
                    first_bucket_size * (ratio.powf(bucket as f64) - 1.0) / (ratio - 1.0)
                }
            }
        }
    }
}

/// `log_base(x)` as upstream computes it: `ln x / ln base`.
fn log(base: f64, x: f64) -> f64 {
    x.ln() / base.ln()
}

/// Bucket weights (`histogram.go`).
#[derive(Clone, Debug, PartialEq)]
pub struct Histogram {
    options: HistogramOptions,
    bucket_weight: Vec<f64>,
    total_weight: f64,
    /// First non-empty bucket, or the last bucket when empty.
    min_bucket: usize,
    /// Last non-empty bucket, or 0 when empty.
    max_bucket: usize,
}

impl Histogram {
    pub fn new(options: HistogramOptions) -> Self {
        let buckets = options.num_buckets().max(1);
        Histogram {
            options,
            bucket_weight: vec![0.0; buckets],
            total_weight: 0.0,
            min_bucket: buckets - 1,
            max_bucket: 0,
        }
    }

    pub fn options(&self) -> &HistogramOptions {
        &self.options
    }

    pub fn total_weight(&self) -> f64 {
        self.total_weight
    }

    /// Every bucket's weight, for drawing.
    pub fn bucket_weights(&self) -> &[f64] {
        &self.bucket_weight
    }

    pub fn add_sample(&mut self, value: f64, weight: f64) {
        if weight.is_nan() || weight < 0.0 {
            return;
        }
        let bucket = self.options.find_bucket(value);
        self.bucket_weight[bucket] += weight;
        self.total_weight += weight;
        let epsilon = self.options.epsilon();
        if bucket < self.min_bucket && self.bucket_weight[bucket] >= epsilon {
            self.min_bucket = bucket;
        }
        if bucket > self.max_bucket && self.bucket_weight[bucket] >= epsilon {
            self.max_bucket = bucket;
        }
    }

    pub fn subtract_sample(&mut self, value: f64, weight: f64) {
        if weight.is_nan() || weight < 0.0 {
            return;
        }
        let bucket = self.options.find_bucket(value);
        let epsilon = self.options.epsilon();
        // A bucket is never left with a negative weight.
        let weight = if weight > self.bucket_weight[bucket] - epsilon { self.bucket_weight[bucket] } else { weight };
        self.total_weight -= weight;
        self.bucket_weight[bucket] -= weight;
        self.update_min_and_max_bucket();
    }

    /// Adds every sample of another histogram with the same options.
    pub fn merge(&mut self, other: &Histogram) {
        if self.options != other.options {
            return;
        }
        if other.min_bucket <= other.max_bucket {
            for bucket in other.min_bucket..=other.max_bucket {
                self.bucket_weight[bucket] += other.bucket_weight[bucket];
            }
        }
        self.total_weight += other.total_weight;
        self.min_bucket = self.min_bucket.min(other.min_bucket);
        self.max_bucket = self.max_bucket.max(other.max_bucket);
    }

    /// The end of the bucket where the cumulative weight reaches `p × total`
    /// (the start of the last bucket if it is that one); 0 when empty.
    pub fn percentile(&self, percentile: f64) -> f64 {
        if self.is_empty() {
            return 0.0;
        }
        let threshold = percentile * self.total_weight;
        let mut partial_sum = 0.0;
        let mut bucket = self.min_bucket;
        while bucket < self.max_bucket {
            partial_sum += self.bucket_weight[bucket];
            if partial_sum >= threshold {
                break;
            }
            bucket += 1;
        }
        if bucket < self.options.num_buckets() - 1 {
            self.options.bucket_start(bucket + 1)
        } else {
            self.options.bucket_start(bucket)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.bucket_weight[self.min_bucket] < self.options.epsilon()
    }

    /// Upstream's `Equals`: same options and bounds, weights within 1e-15.
    pub fn equals(&self, other: &Histogram) -> bool {
        if self.options != other.options || self.min_bucket != other.min_bucket || self.max_bucket != other.max_bucket {
            return false;
        }
        (self.min_bucket..=self.max_bucket)
            .all(|bucket| (self.bucket_weight[bucket] - other.bucket_weight[bucket]).abs() <= 1e-15)
    }

    /// Multiplies every weight (percentiles are unchanged); buckets may become empty.
    fn scale(&mut self, factor: f64) {
        if factor.is_nan() || factor < 0.0 {
            return;
        }
        if self.min_bucket <= self.max_bucket {
            for bucket in self.min_bucket..=self.max_bucket {
                self.bucket_weight[bucket] *= factor;
            }
        }
        self.total_weight *= factor;
        self.update_min_and_max_bucket();
    }

    fn update_min_and_max_bucket(&mut self) {
        let epsilon = self.options.epsilon();
        let last = self.options.num_buckets().max(1) - 1;
        while self.bucket_weight[self.min_bucket] < epsilon && self.min_bucket < last {
            self.min_bucket += 1;
        }
        while self.bucket_weight[self.max_bucket] < epsilon && self.max_bucket > 0 {
            self.max_bucket -= 1;
        }
    }
}

/// When a sample is more than this many half-lives after the reference time,
/// the reference moves forward (`maxDecayExponent`).
const MAX_DECAY_EXPONENT: i64 = 100;

/// A histogram whose samples lose half their weight every `half_life`
/// (`decaying_histogram.go`): a sample at t weighs `w × 2^((t − ref) / halfLife)`,
/// `ref` a multiple of the half-life moved forward (rescaling every weight) to
/// keep the exponent small. Times are milliseconds on the caller's clock.
#[derive(Clone, Debug, PartialEq)]
pub struct DecayingHistogram {
    histogram: Histogram,
    half_life_ms: i64,
    /// `None` until the first sample: upstream starts at Go's zero time, so its
    /// first sample always moves the reference.
    reference_ms: Option<i64>,
}

impl DecayingHistogram {
    /// A half-life below 1 ms is taken as 1 ms.
    pub fn new(options: HistogramOptions, half_life_ms: i64) -> Self {
        DecayingHistogram { histogram: Histogram::new(options), half_life_ms: half_life_ms.max(1), reference_ms: None }
    }

    pub fn histogram(&self) -> &Histogram {
        &self.histogram
    }

    pub fn reference_ms(&self) -> Option<i64> {
        self.reference_ms
    }

    pub fn add_sample(&mut self, value: f64, weight: f64, time_ms: i64) {
        let factor = self.decay_factor(time_ms);
        self.histogram.add_sample(value, weight * factor);
    }

    pub fn subtract_sample(&mut self, value: f64, weight: f64, time_ms: i64) {
        let factor = self.decay_factor(time_ms);
        self.histogram.subtract_sample(value, weight * factor);
    }

    pub fn percentile(&self, percentile: f64) -> f64 {
        self.histogram.percentile(percentile)
    }

    pub fn is_empty(&self) -> bool {
        self.histogram.is_empty()
    }

    /// Aligns the older reference with the younger one, then adds the weights.
    pub fn merge(&mut self, other: &DecayingHistogram) {
        if self.half_life_ms != other.half_life_ms {
            return;
        }
        let mut other = other.clone();
        match (self.reference_ms, other.reference_ms) {
            (Some(mine), Some(theirs)) if mine < theirs => self.shift_reference(theirs),
            (Some(mine), Some(theirs)) if theirs < mine => other.shift_reference(mine),
            (None, Some(theirs)) => self.shift_reference(theirs),
            _ => {}
        }
        self.histogram.merge(&other.histogram);
    }

    /// Upstream's `Equals`: same half-life, reference and weights.
    pub fn equals(&self, other: &DecayingHistogram) -> bool {
        self.half_life_ms == other.half_life_ms
            && self.reference_ms == other.reference_ms
            && self.histogram.equals(&other.histogram)
    }

    fn shift_reference(&mut self, new_reference_ms: i64) {
        // Round to a multiple of the half-life, half away from the past (Go's `Time.Round`).
        let half = self.half_life_ms;
        let rounded = round_to_multiple(new_reference_ms, half);
        if let Some(old) = self.reference_ms {
            let exponent = ((old as f64 - rounded as f64) / half as f64 + 0.5).floor();
            self.histogram.scale(2f64.powf(exponent));
        } else {
            // From Go's zero time the factor is 2^-(millions): every weight becomes 0.
            self.histogram.scale(0.0);
        }
        self.reference_ms = Some(rounded);
    }

    fn decay_factor(&mut self, time_ms: i64) -> f64 {
        let too_late = match self.reference_ms {
            None => true,
            Some(reference) => time_ms > reference.saturating_add(self.half_life_ms.saturating_mul(MAX_DECAY_EXPONENT)),
        };
        if too_late {
            self.shift_reference(time_ms);
        }
        let reference = self.reference_ms.unwrap_or(time_ms);
        ((time_ms as f64 - reference as f64) / self.half_life_ms as f64).exp2()
    }
}

/// The multiple of `step` nearest to `value`, halves rounded up (Go's `Time.Round`
/// from a zero time a whole number of days before the Unix epoch).
fn round_to_multiple(value: i64, step: i64) -> i64 {
    let floor = value.div_euclid(step) * step;
    let rest = value - floor;
    if rest.saturating_mul(2) >= step { floor.saturating_add(step) } else { floor }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_and_memory_options_have_176_buckets() {
        assert_eq!(HistogramOptions::cpu().num_buckets(), 176);
        assert_eq!(HistogramOptions::memory().num_buckets(), 176);
        assert_eq!(HistogramOptions::cpu().find_bucket(0.045), 4);
        assert_eq!(HistogramOptions::memory().find_bucket(188_743_680.0), 13);
    }
}
