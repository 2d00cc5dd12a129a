//! `kind: HPASimulation` (kubeplay.dev/v1alpha1): what the simulated metrics
//! pipeline reports and how the controller is configured (`hpa.md §5`). The
//! serde types model the document as written (every field serialises back, so
//! the loader's round trip finds unknown fields); [`Scenario::parse`] checks
//! it and turns it into numbers, with a located diagnostic for each problem.

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use super::controller::ControllerConfig;
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::quantity::Quantity;
use crate::source::Origin;

/// More reconciles than this are refused (`hpa.md §5`, bad input).
pub const MAX_RECONCILES: i64 = 100_000;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HPASimulation {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: HPASimulationSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HPASimulationSpec {
    /// Which HPA of the simulation's namespace (optional when there is one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hpa: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Scalar>,
    /// kube-controller-manager flags by their upstream names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<BTreeMap<String, Scalar>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_ready_seconds: Option<Scalar>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub load: Option<Vec<MetricLoad>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pods: Option<Vec<PodSample>>,
}

/// A YAML scalar as written: durations and quantities may be numbers or text.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Scalar {
    Int(i64),
    Float(f64),
    Text(String),
}

impl Scalar {
    fn text(&self) -> String {
        match self {
            Scalar::Int(i) => i.to_string(),
            Scalar::Float(f) => f.to_string(),
            Scalar::Text(s) => s.clone(),
        }
    }
}

/// One metric's load as a step function of time.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetricLoad {
    pub metric: String,
    /// Summed over the pods reporting metrics, shared evenly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total: Option<Vec<LoadStep>>,
    /// Each pod reporting metrics.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_pod: Option<Vec<LoadStep>>,
    /// An Object or External metric's value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Vec<LoadStep>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LoadStep {
    pub at: Scalar,
    pub value: Scalar,
}

/// One pod's state and samples for the single-reconcile mode.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodSample {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<BTreeMap<String, Scalar>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleting: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_seconds_ago: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready_seconds_ago: Option<i64>,
}

/// How a load is shared among pods.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoadShape {
    Total,
    PerPod,
    Value,
}

impl LoadShape {
    pub fn field(self) -> &'static str {
        match self {
            LoadShape::Total => "total",
            LoadShape::PerPod => "perPod",
            LoadShape::Value => "value",
        }
    }
}

/// A checked load: steps `(at seconds, milli-value)` in strictly increasing time.
#[derive(Clone, Debug, PartialEq)]
pub struct Load {
    pub metric: String,
    pub shape: LoadShape,
    pub steps: Vec<(i64, i64)>,
    /// Index in `spec.load`, to locate later findings.
    pub index: usize,
}

impl Load {
    /// The step in force at `t`; `None` before the first step.
    pub fn at(&self, t: i64) -> Option<i64> {
        let after = self.steps.partition_point(|(at, _)| *at <= t);
        after.checked_sub(1).map(|i| self.steps[i].1)
    }
}

/// A checked pod sample.
#[derive(Clone, Debug, PartialEq)]
pub struct PodState {
    pub name: String,
    /// Milli-values by metric name.
    pub usage: BTreeMap<String, i64>,
    pub ready: bool,
    pub phase: super::pods::PodPhase,
    pub deleting: bool,
    pub started_seconds_ago: i64,
    pub ready_seconds_ago: i64,
    pub index: usize,
}

/// A checked `HPASimulation`.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub namespace: String,
    pub hpa: Option<String>,
    pub duration: i64,
    pub config: ControllerConfig,
    pub pod_ready_seconds: i64,
    pub loads: Vec<Load>,
    pub pods: Option<Vec<PodState>>,
}

/// The flags kubeplay reads, by their kube-controller-manager names.
pub const FLAGS: &[&str] = &[
    "horizontal-pod-autoscaler-sync-period",
    "horizontal-pod-autoscaler-tolerance",
    "horizontal-pod-autoscaler-downscale-stabilization",
    "horizontal-pod-autoscaler-cpu-initialization-period",
    "horizontal-pod-autoscaler-initial-readiness-delay",
];

/// A Go-style duration of whole seconds: `90`, `90s`, `1m30s`, `1.5m`, `2h`.
/// Units `s`, `m`, `h` (a bare number is seconds).
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    if trimmed.starts_with('-') {
        return Err(format!("duration {text:?} is negative; durations count seconds from t = 0"));
    }
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if body.is_empty() {
        return Err("empty duration; write it as 90s, 15m or 1h".to_owned());
    }
    let bad = || format!("cannot parse duration {text:?}; write it as 90s, 15m, 1h30m (units s, m, h)");
    if body.bytes().all(|b| b.is_ascii_digit()) {
        return body.parse::<i64>().map_err(|_| bad());
    }
    let mut total_millis: i128 = 0;
    let mut rest = body;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        let (number, tail) = rest.split_at(number_len);
        let unit_len = tail.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(tail.len());
        let (unit, next) = tail.split_at(unit_len);
        let scale: i128 = match unit {
            "s" => 1000,
            "m" => 60_000,
            "h" => 3_600_000,
            "ms" => 1,
            _ => return Err(bad()),
        };
        let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
        if whole.is_empty() && fraction.is_empty() || fraction.contains('.') || whole.len() > 12 {
            return Err(bad());
        }
        let whole: i128 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| bad())? };
        let mut millis = whole * scale;
        let mut place = scale;
        for digit in fraction.chars().take(12) {
            place /= 10;
            millis += i128::from(digit.to_digit(10).ok_or_else(bad)?) * place;
        }
        total_millis += millis;
        rest = next;
    }
    if total_millis % 1000 != 0 {
        return Err(format!("duration {text:?} is not a whole number of seconds; kubeplay simulates whole seconds"));
    }
    i64::try_from(total_millis / 1000).map_err(|_| bad())
}

/// A quantity (`600m`, `300Mi`, `30`) as a milli-value.
fn parse_milli(value: &Scalar) -> Result<i64, String> {
    let text = value.text();
    let quantity = Quantity::parse(&text).map_err(|e| format!("{text:?} is not a quantity: {e}"))?;
    quantity.milli_value().ok_or_else(|| format!("{text:?} is too large for a milli-value"))
}

struct Checker<'a> {
    origin: &'a Origin,
    diagnostics: &'a mut Vec<Diagnostic>,
    ok: bool,
}

impl Checker<'_> {
    fn error(&mut self, path: &str, code: &str, message: String) {
        self.ok = false;
        self.diagnostics.push(Diagnostic::at(Area::Input, self.origin, path, Severity::Error, code, message));
    }

    fn warning(&mut self, path: &str, code: &str, message: String) {
        self.diagnostics.push(Diagnostic::at(Area::Input, self.origin, path, Severity::Warning, code, message));
    }

    fn duration(&mut self, value: &Scalar, path: &str) -> Option<i64> {
        match parse_duration(&value.text()) {
            Ok(seconds) => Some(seconds),
            Err(message) => {
                self.error(path, "hpasim-bad-duration", message);
                None
            }
        }
    }
}

impl Scenario {
    /// Checks the document; `None` when a problem keeps it from running (the
    /// diagnostics say which).
    pub fn parse(sim: &HPASimulation, origin: &Origin, diagnostics: &mut Vec<Diagnostic>) -> Option<Scenario> {
        let mut check = Checker { origin, diagnostics, ok: true };
        let spec = &sim.spec;
        let mut config = ControllerConfig::default();
        for (flag, value) in spec.flags.iter().flatten() {
            let path = format!("spec.flags.{flag}");
            let seconds = |check: &mut Checker<'_>| check.duration(value, &path);
            match flag.as_str() {
                "horizontal-pod-autoscaler-sync-period" => {
                    if let Some(s) = seconds(&mut check) {
                        if s == 0 {
                            check.error(&path, "hpasim-bad-duration", "the sync period must be at least 1s".to_owned());
                        }
                        config.sync_period = s;
                    }
                }
                "horizontal-pod-autoscaler-tolerance" => match value.text().trim().parse::<f64>() {
                    Ok(t) if t.is_finite() && t >= 0.0 => config.tolerance = t,
                    _ => check.error(
                        &path,
                        "hpasim-bad-flag",
                        format!("the tolerance must be a non-negative number such as \"0.1\", not {:?}", value.text()),
                    ),
                },
                "horizontal-pod-autoscaler-downscale-stabilization" => {
                    if let Some(s) = seconds(&mut check) {
                        config.downscale_stabilization_window = s;
                    }
                }
                "horizontal-pod-autoscaler-cpu-initialization-period" => {
                    if let Some(s) = seconds(&mut check) {
                        config.cpu_initialization_period = s;
                    }
                }
                "horizontal-pod-autoscaler-initial-readiness-delay" => {
                    if let Some(s) = seconds(&mut check) {
                        config.initial_readiness_delay = s;
                    }
                }
                other => check.error(
                    &path,
                    "hpasim-bad-flag",
                    format!("unknown flag {other:?}; kubeplay reads {}", FLAGS.join(", ")),
                ),
            }
        }
        let duration = match &spec.duration {
            Some(value) => check.duration(value, "spec.duration").unwrap_or(0),
            None if spec.pods.is_some() => 1,
            None => {
                check.error(
                    "spec",
                    "hpasim-bad-duration",
                    "the simulation has no `duration` (e.g. 900s); it runs one reconcile per sync period while t < duration".to_owned(),
                );
                0
            }
        };
        if config.sync_period > 0 {
            let reconciles = duration.saturating_add(config.sync_period - 1) / config.sync_period;
            if reconciles > MAX_RECONCILES {
                check.error(
                    "spec.duration",
                    "hpasim-too-many-reconciles",
                    format!(
                        "{reconciles} reconciles ({duration}s every {}s) is more than the {MAX_RECONCILES} kubeplay simulates; shorten the duration or lengthen the sync period",
                        config.sync_period
                    ),
                );
            }
        }
        let pod_ready_seconds = match &spec.pod_ready_seconds {
            Some(value) => check.duration(value, "spec.podReadySeconds").unwrap_or(0),
            None => 0,
        };
        let mut loads = Vec::new();
        for (index, load) in spec.load.iter().flatten().enumerate() {
            let base = format!("spec.load[{index}]");
            let shapes: Vec<(LoadShape, &Vec<LoadStep>)> = [
                (LoadShape::Total, load.total.as_ref()),
                (LoadShape::PerPod, load.per_pod.as_ref()),
                (LoadShape::Value, load.value.as_ref()),
            ]
            .into_iter()
            .filter_map(|(shape, steps)| steps.map(|s| (shape, s)))
            .collect();
            let [(shape, steps)] = shapes.as_slice() else {
                check.error(
                    &base,
                    "hpasim-bad-load",
                    format!("load for {:?} must give exactly one of `total`, `perPod` or `value`", load.metric),
                );
                continue;
            };
            let mut parsed = Vec::new();
            let mut previous: Option<i64> = None;
            for (j, step) in steps.iter().enumerate() {
                let path = format!("{base}.{}[{j}]", shape.field());
                let Some(at) = check.duration(&step.at, &format!("{path}.at")) else { continue };
                if let Some(before) = previous
                    && at <= before
                {
                    check.error(
                        &format!("{path}.at"),
                        "hpasim-samples-out-of-order",
                        format!("step at {at}s comes after a step at {before}s; steps must be in increasing time"),
                    );
                    continue;
                }
                previous = Some(at);
                match parse_milli(&step.value) {
                    Ok(v) if v < 0 => check.error(
                        &format!("{path}.value"),
                        "hpasim-bad-load",
                        format!("a load cannot be negative ({})", step.value.text()),
                    ),
                    Ok(v) => parsed.push((at, v)),
                    Err(message) => check.error(&format!("{path}.value"), "hpasim-bad-load", message),
                }
            }
            if loads.iter().any(|l: &Load| l.metric == load.metric) {
                check.warning(
                    &format!("{base}.metric"),
                    "hpasim-duplicate-load",
                    format!("a second load for {:?}; the first one is used", load.metric),
                );
                continue;
            }
            loads.push(Load { metric: load.metric.clone(), shape: *shape, steps: parsed, index });
        }
        let pods = spec.pods.as_ref().map(|pods| {
            let mut out = Vec::new();
            for (index, pod) in pods.iter().enumerate() {
                let base = format!("spec.pods[{index}]");
                let mut usage = BTreeMap::new();
                for (metric, value) in pod.usage.iter().flatten() {
                    match parse_milli(value) {
                        Ok(v) => {
                            usage.insert(metric.clone(), v);
                        }
                        Err(message) => check.error(&format!("{base}.usage.{metric}"), "hpasim-bad-load", message),
                    }
                }
                use super::pods::PodPhase;
                let phase = match pod.phase.as_deref().unwrap_or("Running") {
                    "Pending" => PodPhase::Pending,
                    "Running" => PodPhase::Running,
                    "Succeeded" => PodPhase::Succeeded,
                    "Failed" => PodPhase::Failed,
                    "Unknown" => PodPhase::Unknown,
                    other => {
                        check.error(
                            &format!("{base}.phase"),
                            "hpasim-bad-pod",
                            format!("unknown pod phase {other:?} (Pending, Running, Succeeded, Failed, Unknown)"),
                        );
                        PodPhase::Running
                    }
                };
                let started = pod.started_seconds_ago.unwrap_or(3600);
                if started < 0 || pod.ready_seconds_ago.is_some_and(|r| r < 0) {
                    check.error(
                        &base,
                        "hpasim-bad-pod",
                        "`startedSecondsAgo` and `readySecondsAgo` count back from t = 0 and cannot be negative"
                            .to_owned(),
                    );
                }
                out.push(PodState {
                    name: pod.name.clone(),
                    usage,
                    ready: pod.ready.unwrap_or(true),
                    phase,
                    deleting: pod.deleting.unwrap_or(false),
                    started_seconds_ago: started.max(0),
                    ready_seconds_ago: pod.ready_seconds_ago.unwrap_or(started).max(0),
                    index,
                });
            }
            out
        });
        if !check.ok {
            return None;
        }
        Some(Scenario {
            name: sim.metadata.name.clone().unwrap_or_default(),
            namespace: sim.metadata.namespace.clone().unwrap_or_else(|| crate::model::DEFAULT_NAMESPACE.to_owned()),
            hpa: spec.hpa.clone(),
            duration,
            config,
            pod_ready_seconds,
            loads,
            pods,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::parse_duration;

    #[test]
    fn durations_read_as_go_writes_them() {
        assert_eq!(parse_duration("900s"), Ok(900));
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("1.5m"), Ok(90));
        assert_eq!(parse_duration("45"), Ok(45));
        assert_eq!(parse_duration("0s"), Ok(0));
        assert!(parse_duration("-5s").unwrap_err().contains("negative"));
        assert!(parse_duration("5d").is_err());
        assert!(parse_duration("abc").is_err());
        assert!(parse_duration("1500ms").unwrap_err().contains("whole number"));
        assert!(parse_duration("99999999999999999h").is_err());
    }
}
