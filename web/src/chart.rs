//! Geometry for the time-series charts (the HPA timeline): linear scales, "nice"
//! axis ticks and step-function paths. Pure functions of numbers, so the page can
//! redraw a chart within a frame when a slider moves and the geometry is tested
//! natively.

/// A linear map from a data interval onto a pixel interval (either may be reversed:
/// a y axis maps its bottom value onto the larger pixel coordinate).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl Scale {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        // An empty domain (one sample, a constant series) still maps somewhere sensible.
        let domain = if (domain.1 - domain.0).abs() < f64::EPSILON { (domain.0, domain.0 + 1.0) } else { domain };
        Scale { domain, range }
    }

    pub fn map(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        r0 + (value - d0) / (d1 - d0) * (r1 - r0)
    }

    /// The data value at a pixel coordinate (for hover).
    pub fn invert(&self, pixel: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if (r1 - r0).abs() < f64::EPSILON {
            return d0;
        }
        d0 + (pixel - r0) / (r1 - r0) * (d1 - d0)
    }
}

/// Axis ticks from 0 to at least `max`, about `wanted` of them, on a 1-2-5 step.
/// Returns the ticks and the axis top (the last tick).
pub fn ticks(max: f64, wanted: usize) -> (Vec<f64>, f64) {
    let max = if max.is_finite() && max > 0.0 { max } else { 1.0 };
    let wanted = wanted.max(1) as f64;
    let raw = max / wanted;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step =
        [1.0, 2.0, 5.0, 10.0].into_iter().map(|m| m * magnitude).find(|step| *step >= raw).unwrap_or(10.0 * magnitude);
    let count = (max / step).ceil() as usize;
    let values: Vec<f64> = (0..=count).map(|i| i as f64 * step).collect();
    let top = values.last().copied().unwrap_or(max);
    (values, top)
}

/// Time axis ticks from 0 to `end` seconds on steps a reader counts in (15 s, 30 s, 1 min,
/// 2 min, 5 min, 10 min, 15 min, 30 min, 1 h, …), about `wanted` of them.
pub fn time_ticks(end: f64, wanted: usize) -> Vec<f64> {
    let end = if end.is_finite() && end > 0.0 { end } else { 60.0 };
    let raw = end / wanted.max(1) as f64;
    const STEPS: [f64; 14] =
        [15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0, 7200.0, 10800.0, 21600.0, 43200.0, 86400.0];
    let step = STEPS.into_iter().find(|s| *s >= raw).unwrap_or(86400.0 * (raw / 86400.0).ceil());
    (0..).map(|i| i as f64 * step).take_while(|t| *t <= end + 1e-9).collect()
}

/// An SVG path for a value held from each sample's time until the next one's
/// (a step function), ending at `end`. Samples must be in time order; `None`
/// values break the line (a metric with no valid value that reconcile).
pub fn step_path(samples: &[(f64, Option<f64>)], end: f64, x: &Scale, y: &Scale) -> String {
    let mut path = String::new();
    let mut drawing = false;
    for (i, (t, value)) in samples.iter().enumerate() {
        let next = samples.get(i + 1).map_or(end, |(t, _)| *t);
        match value {
            Some(v) => {
                let (x0, x1, py) = (x.map(*t), x.map(next), y.map(*v));
                if drawing {
                    path.push_str(&format!("V{py:.1}H{x1:.1}"));
                } else {
                    path.push_str(&format!("M{x0:.1} {py:.1}H{x1:.1}"));
                }
                drawing = true;
            }
            None => drawing = false,
        }
    }
    path
}

/// Format seconds as the chart's axis does: `90s`, `5m`, `1h30m`.
pub fn duration_label(seconds: f64) -> String {
    let s = seconds.round().max(0.0) as u64;
    match s {
        s if s < 120 => format!("{s}s"),
        s if s < 3600 => {
            if s % 60 == 0 {
                format!("{}m", s / 60)
            } else {
                format!("{}m{}s", s / 60, s % 60)
            }
        }
        s => {
            let (h, m) = (s / 3600, (s % 3600) / 60);
            if m == 0 { format!("{h}h") } else { format!("{h}h{m}m") }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scale_maps_and_inverts_reversed_ranges() {
        let y = Scale::new((0.0, 10.0), (200.0, 0.0));
        assert_eq!(y.map(0.0), 200.0);
        assert_eq!(y.map(10.0), 0.0);
        assert_eq!(y.map(5.0), 100.0);
        assert_eq!(y.invert(50.0), 7.5);
    }

    #[test]
    fn a_constant_domain_does_not_divide_by_zero() {
        let x = Scale::new((3.0, 3.0), (0.0, 100.0));
        assert_eq!(x.map(3.0), 0.0);
        assert!(x.map(4.0).is_finite());
    }

    #[test]
    fn ticks_step_one_two_five() {
        assert_eq!(ticks(10.0, 5), (vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0], 10.0));
        assert_eq!(ticks(7.0, 4), (vec![0.0, 2.0, 4.0, 6.0, 8.0], 8.0));
        assert_eq!(ticks(900.0, 6).0, vec![0.0, 200.0, 400.0, 600.0, 800.0, 1000.0]);
        // Degenerate input still gives an axis.
        assert_eq!(ticks(0.0, 5).1, 1.0);
        assert_eq!(ticks(f64::NAN, 5).1, 1.0);
    }

    #[test]
    fn step_path_holds_each_value_until_the_next_sample() {
        let x = Scale::new((0.0, 30.0), (0.0, 300.0));
        let y = Scale::new((0.0, 10.0), (100.0, 0.0));
        let path = step_path(&[(0.0, Some(3.0)), (15.0, Some(7.0))], 30.0, &x, &y);
        assert_eq!(path, "M0.0 70.0H150.0V30.0H300.0");
    }

    #[test]
    fn a_missing_value_breaks_the_line() {
        let x = Scale::new((0.0, 30.0), (0.0, 300.0));
        let y = Scale::new((0.0, 10.0), (100.0, 0.0));
        let path = step_path(&[(0.0, Some(1.0)), (10.0, None), (20.0, Some(2.0))], 30.0, &x, &y);
        assert_eq!(path, "M0.0 90.0H100.0M200.0 80.0H300.0");
    }

    #[test]
    fn time_ticks_fall_on_round_minutes() {
        assert_eq!(time_ticks(1200.0, 6), vec![0.0, 300.0, 600.0, 900.0, 1200.0]);
        assert_eq!(time_ticks(900.0, 6), vec![0.0, 300.0, 600.0, 900.0]);
        assert_eq!(time_ticks(60.0, 4), vec![0.0, 15.0, 30.0, 45.0, 60.0]);
        assert_eq!(time_ticks(86400.0, 6), vec![0.0, 21600.0, 43200.0, 64800.0, 86400.0]);
    }

    #[test]
    fn durations_read_like_the_spec() {
        assert_eq!(duration_label(90.0), "90s");
        assert_eq!(duration_label(300.0), "5m");
        assert_eq!(duration_label(525.0), "8m45s");
        assert_eq!(duration_label(5400.0), "1h30m");
        assert_eq!(duration_label(86400.0), "24h");
    }
}
