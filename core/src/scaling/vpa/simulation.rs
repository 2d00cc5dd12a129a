//! The VPA lab (`vpa.md §7`): a `kind: VPASimulation` document (apiVersion
//! `kubeplay.dev/v1alpha1`) describing usage over time, run through the
//! recommender, the admission controller's capping and the updater for every
//! VerticalPodAutoscaler of the input.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{LimitRange, Pod, PodSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::{Deserialize, Serialize};

use super::aggregate::{AggregateContainerState, AggregationsConfig, ContainerState, Peak};
use super::capping::{
    ContainerPolicy, ContainerResources, LimitRangeItem, PodResourcePolicy, Processed, admit_container, process_for_pod,
};
use super::estimator::{CPU, ContainerRecommendation, MEMORY, RecommenderConfig};
use super::output::{PodOutput, RecommendationOutput, UpdateOutput, UsageHistogram, VpaId, VpaOutput};
use super::updater::{self, GroupStats, Termination, UpdaterConfig, UpdaterPod};
use crate::admission::ResourceList;
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Inventory, Loaded, Object, VerticalPodAutoscaler};
use crate::netpol::selector::Selector;
use crate::quantity::Quantity;
use crate::source::Origin;

/// Events one simulation may hold; more is refused with a diagnostic.
pub const MAX_SAMPLES: u64 = 1_000_000;

/// Where an unset `spec.start` puts the clock.
pub const DEFAULT_START: &str = "2026-01-01T00:00:00Z";

/// `kind: VPASimulation`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VpaSimulation {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default)]
    pub spec: VpaSimulationSpec,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpaSimulationSpec {
    /// RFC 3339; every other time is an offset from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// The updater's clock, an offset; default: the end of the usage.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub now: Option<Offset>,
    /// Recommender and updater flags by their upstream names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags: Option<BTreeMap<String, serde_json::Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Vec<UsageRange>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples: Option<Vec<UsageSample>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ooms: Option<Vec<OomEvent>>,
}

/// A duration from the start: `90s`, `1h30m`, `8d`, or a number of seconds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Offset {
    Seconds(i64),
    Text(String),
}

/// Constant usage from `from` (default 0) to `to` (exclusive), one sample every `every` (default 1m).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageRange {
    /// A pod name, or `*` (the default) for every pod of the VPA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    pub container: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<Offset>,
    pub to: Offset,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<Offset>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<K8sQuantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<K8sQuantity>,
}

/// One usage sample.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UsageSample {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    pub container: String,
    pub t: Offset,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu: Option<K8sQuantity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<K8sQuantity>,
}

/// An OOM kill: terminated at `t`, seen by the recommender at `at` (default `t`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OomEvent {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    pub container: String,
    pub t: Offset,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Offset>,
    /// Default: the container's memory request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory_request: Option<K8sQuantity>,
}

/// Parses `90s`, `1h30m`, `1.5h`, `8d`, `250ms` into milliseconds (Go's
/// `time.ParseDuration` units plus `d`). Negative durations are refused.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("an empty duration".to_owned());
    }
    if trimmed.starts_with('-') {
        return Err(format!("`{trimmed}` is negative; offsets and periods count forward from the start"));
    }
    let body = trimmed.strip_prefix('+').unwrap_or(trimmed);
    if body == "0" {
        return Ok(0);
    }
    let bad = || format!("`{trimmed}` is not a duration (write e.g. `90s`, `1h30m`, `8d`)");
    let mut total: f64 = 0.0;
    let mut rest = body;
    while !rest.is_empty() {
        let number_len = rest.find(|c: char| !(c.is_ascii_digit() || c == '.')).unwrap_or(rest.len());
        if number_len == 0 {
            return Err(bad());
        }
        let number: f64 = rest[..number_len].parse().map_err(|_| bad())?;
        rest = &rest[number_len..];
        let unit_len = rest.find(|c: char| c.is_ascii_digit() || c == '.').unwrap_or(rest.len());
        let unit_ms = match &rest[..unit_len] {
            "ms" => 1.0,
            "s" => 1_000.0,
            "m" => 60_000.0,
            "h" => 3_600_000.0,
            "d" => 86_400_000.0,
            _ => return Err(bad()),
        };
        rest = &rest[unit_len..];
        total += number * unit_ms;
    }
    // About 290 million years: beyond that the i64 milliseconds overflow.
    if !total.is_finite() || total > 9.0e18 {
        return Err(format!("`{trimmed}` is too long"));
    }
    Ok(total.round() as i64)
}

/// `12h`, `1d`, `90s`: the shortest exact spelling of a duration.
pub fn format_duration(ms: i64) -> String {
    let units = [("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000)];
    if ms == 0 {
        return "0s".to_owned();
    }
    let mut out = String::new();
    let mut rest = ms;
    for (unit, size) in units {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    if rest > 0 {
        out.push_str(&format!("{rest}ms"));
    }
    out
}

fn offset_ms(offset: &Offset) -> Result<i64, String> {
    match offset {
        Offset::Seconds(seconds) if *seconds < 0 => {
            Err(format!("`{seconds}` is negative; offsets and periods count forward from the start"))
        }
        Offset::Seconds(seconds) => seconds.checked_mul(1000).ok_or_else(|| format!("`{seconds}` is too long")),
        Offset::Text(text) => parse_duration(text),
    }
}

/// The VPA's update modes as the CRD spells them (`vpa.md §4`).
pub const UPDATE_MODES: [&str; 6] = ["Off", "Initial", "Recreate", "InPlaceOrRecreate", "InPlace", "Auto"];

/// The VPA's effective mode: the default `Recreate` when unset, `None` when
/// the CRD would refuse the value.
pub fn update_mode(vpa: &VerticalPodAutoscaler) -> Option<&str> {
    match vpa.spec.as_ref().and_then(|s| s.update_policy.as_ref()).and_then(|p| p.update_mode.as_deref()) {
        None => Some("Recreate"),
        Some(mode) => UPDATE_MODES.contains(&mode).then_some(mode),
    }
}

/// The outcome of `kubeplay vpa`: one result per VPA, and the input's problems.
#[derive(Clone, Debug, Default)]
pub struct VpaRun {
    pub vpas: Vec<VpaOutput>,
    pub diagnostics: Vec<Diagnostic>,
}

/// The settings of one run, from the simulation's flags.
#[derive(Clone, Debug, Default)]
struct Settings {
    recommender: RecommenderConfig,
    aggregations: AggregationsConfig,
    updater: UpdaterConfig,
}

/// One parsed usage event.
#[derive(Clone, Debug)]
enum EventKind {
    Sample { cpu_millis: Option<i64>, memory_bytes: Option<i64> },
    Oom { termination_ms: i64, request_bytes: Option<i64> },
}

#[derive(Clone, Debug)]
struct Source {
    /// `None`: every pod.
    pod: Option<String>,
    container: String,
    /// Path of the entry (`spec.usage[0]`), for diagnostics.
    path: String,
}

#[derive(Clone, Debug)]
struct Event {
    time_ms: i64,
    /// Samples before OOMs at equal times.
    rank: u8,
    sequence: usize,
    source: usize,
    kind: EventKind,
}

/// The usage of a simulation, parsed and checked.
#[derive(Clone, Debug, Default)]
struct Usage {
    sources: Vec<Source>,
    events: Vec<Event>,
    start_ms: i64,
    now_ms: i64,
}

fn diagnostic(origin: &Origin, path: &str, severity: Severity, code: &str, message: String) -> Diagnostic {
    Diagnostic::at(Area::Input, origin, path, severity, code, message)
}

fn parse_quantity(
    q: Option<&K8sQuantity>,
    milli: bool,
    origin: &Origin,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<i64> {
    let q = q?;
    match Quantity::parse(&q.0) {
        Ok(parsed) if parsed.sign() < 0 => {
            diagnostics.push(diagnostic(
                origin,
                path,
                Severity::Error,
                "vpa-simulation-quantity",
                format!("`{}` is negative; usage cannot be", q.0),
            ));
            None
        }
        Ok(parsed) => Some(if milli { parsed.milli_value() } else { parsed.value() }.unwrap_or(i64::MAX)),
        Err(error) => {
            diagnostics.push(diagnostic(
                origin,
                path,
                Severity::Error,
                "vpa-simulation-quantity",
                format!("`{}` is not a quantity: {error}", q.0),
            ));
            None
        }
    }
}

fn flag_number(value: &serde_json::Value) -> Option<f64> {
    match value {
        serde_json::Value::Number(n) => n.as_f64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn flag_bool(value: &serde_json::Value) -> Option<bool> {
    match value {
        serde_json::Value::Bool(b) => Some(*b),
        serde_json::Value::String(s) => s.parse().ok(),
        _ => None,
    }
}

fn flag_duration(value: &serde_json::Value) -> Result<i64, String> {
    match value {
        serde_json::Value::String(s) => parse_duration(s),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(seconds) => offset_ms(&Offset::Seconds(seconds)),
            None => Err(format!("`{n}` is not a duration")),
        },
        other => Err(format!("`{other}` is not a duration")),
    }
}

/// Reads the flags; unknown names and bad values are diagnostics.
fn settings(
    flags: Option<&BTreeMap<String, serde_json::Value>>,
    origin: &Origin,
    diagnostics: &mut Vec<Diagnostic>,
) -> Settings {
    let mut s = Settings::default();
    for (name, value) in flags.into_iter().flatten() {
        let path = format!("spec.flags.{name}");
        let mut bad = |message: String| {
            diagnostics.push(diagnostic(origin, &path, Severity::Error, "vpa-simulation-flag", message));
        };
        let number = || flag_number(value).filter(|n| n.is_finite());
        let fraction = |bad: &mut dyn FnMut(String), target: &mut f64| match number() {
            Some(n) if n >= 0.0 => *target = n,
            _ => bad(format!("--{name} must be a non-negative number, found {value}")),
        };
        let duration = |bad: &mut dyn FnMut(String), target: &mut i64| match flag_duration(value) {
            Ok(ms) if ms > 0 => *target = ms,
            Ok(_) => bad(format!("--{name} must be longer than 0")),
            Err(message) => bad(format!("--{name}: {message}")),
        };
        let integer = |bad: &mut dyn FnMut(String), target: &mut i64| match number() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && n < 9.0e18 => *target = n as i64,
            _ => bad(format!("--{name} must be a non-negative integer, found {value}")),
        };
        let r = &mut s.recommender;
        match name.as_str() {
            "target-cpu-percentile" => fraction(&mut bad, &mut r.target_cpu_percentile),
            "target-memory-percentile" => fraction(&mut bad, &mut r.target_memory_percentile),
            "recommendation-lower-bound-cpu-percentile" => fraction(&mut bad, &mut r.lower_bound_cpu_percentile),
            "recommendation-upper-bound-cpu-percentile" => fraction(&mut bad, &mut r.upper_bound_cpu_percentile),
            "recommendation-lower-bound-memory-percentile" => {
                fraction(&mut bad, &mut r.lower_bound_memory_percentile)
            }
            "recommendation-upper-bound-memory-percentile" => {
                fraction(&mut bad, &mut r.upper_bound_memory_percentile)
            }
            "recommendation-margin-fraction" => fraction(&mut bad, &mut r.margin_fraction),
            "pod-recommendation-min-cpu-millicores" => fraction(&mut bad, &mut r.pod_min_cpu_millicores),
            "pod-recommendation-min-memory-mb" => fraction(&mut bad, &mut r.pod_min_memory_mb),
            "confidence-interval-cpu" => duration(&mut bad, &mut r.confidence_interval_cpu_ms),
            "confidence-interval-memory" => duration(&mut bad, &mut r.confidence_interval_memory_ms),
            "round-cpu-millicores" => integer(&mut bad, &mut r.round_cpu_millicores),
            "round-memory-bytes" => integer(&mut bad, &mut r.round_memory_bytes),
            "cpu-integer-post-processor-enabled" => match flag_bool(value) {
                Some(b) => r.cpu_integer_post_processor = b,
                None => bad(format!("--{name} must be true or false, found {value}")),
            },
            "container-recommendation-max-allowed-cpu" | "container-recommendation-max-allowed-memory" => {
                let text = match value {
                    serde_json::Value::String(t) => t.clone(),
                    other => other.to_string(),
                };
                match Quantity::parse(&text) {
                    Ok(q) => {
                        let resource = if name.ends_with("cpu") { CPU } else { MEMORY };
                        r.global_max_allowed.insert(resource.to_owned(), q);
                    }
                    Err(error) => bad(format!("--{name}: `{text}` is not a quantity: {error}")),
                }
            }
            "memory-aggregation-interval" => duration(&mut bad, &mut s.aggregations.memory_aggregation_interval_ms),
            "cpu-histogram-decay-half-life" => duration(&mut bad, &mut s.aggregations.cpu_half_life_ms),
            "memory-histogram-decay-half-life" => duration(&mut bad, &mut s.aggregations.memory_half_life_ms),
            "oom-bump-up-ratio" => fraction(&mut bad, &mut s.aggregations.oom_bump_up_ratio),
            "oom-min-bump-up-bytes" => fraction(&mut bad, &mut s.aggregations.oom_min_bump_up_bytes),
            "min-replicas" => integer(&mut bad, &mut s.updater.min_replicas),
            "eviction-tolerance" => fraction(&mut bad, &mut s.updater.eviction_tolerance),
            "pod-update-threshold" => fraction(&mut bad, &mut s.updater.pod_update_threshold),
            "in-recommendation-bounds-eviction-lifetime-threshold" => {
                duration(&mut bad, &mut s.updater.pod_lifetime_update_threshold_ms)
            }
            "evict-after-oom-threshold" => duration(&mut bad, &mut s.updater.evict_after_oom_threshold_ms),
            "in-place-skip-disruption-budget" => match flag_bool(value) {
                Some(b) => s.updater.in_place_skip_disruption_budget = b,
                None => bad(format!("--{name} must be true or false, found {value}")),
            },
            _ => diagnostics.push(diagnostic(
                origin,
                &path,
                Severity::Error,
                "vpa-simulation-flag",
                format!("kubeplay does not know the flag --{name} (recommender and updater flags are spelled as upstream's, e.g. recommendation-margin-fraction, min-replicas)"),
            )),
        }
    }
    s
}

/// Parses the simulation's usage into events, checking durations, order and the sample limit.
fn parse_usage(spec: &VpaSimulationSpec, origin: &Origin, diagnostics: &mut Vec<Diagnostic>) -> Usage {
    let mut usage = Usage::default();
    let start_text = spec.start.as_deref().unwrap_or(DEFAULT_START);
    usage.start_ms = match start_text.parse::<k8s_openapi::jiff::Timestamp>() {
        Ok(ts) => ts.as_millisecond(),
        Err(error) => {
            diagnostics.push(diagnostic(
                origin,
                "spec.start",
                Severity::Error,
                "vpa-simulation-time",
                format!("`{start_text}` is not an RFC 3339 time ({error}); the simulation starts at {DEFAULT_START}"),
            ));
            DEFAULT_START.parse::<k8s_openapi::jiff::Timestamp>().map(|t| t.as_millisecond()).unwrap_or(0)
        }
    };
    let offset = |value: &Offset, path: String, diagnostics: &mut Vec<Diagnostic>| match offset_ms(value) {
        Ok(ms) => Some(ms),
        Err(message) => {
            diagnostics.push(diagnostic(origin, &path, Severity::Error, "vpa-simulation-duration", message));
            None
        }
    };
    let mut end_ms = 0i64;
    // Count before generating, so that a huge range answers at once.
    let mut planned: u64 = 0;
    let mut ranges = Vec::new();
    for (index, range) in spec.usage.iter().flatten().enumerate() {
        let path = format!("spec.usage[{index}]");
        let from = match &range.from {
            Some(value) => offset(value, format!("{path}.from"), diagnostics),
            None => Some(0),
        };
        let to = offset(&range.to, format!("{path}.to"), diagnostics);
        let every = match &range.every {
            Some(value) => offset(value, format!("{path}.every"), diagnostics),
            None => Some(60_000),
        };
        let (Some(from), Some(to), Some(every)) = (from, to, every) else { continue };
        if every == 0 {
            diagnostics.push(diagnostic(
                origin,
                &format!("{path}.every"),
                Severity::Error,
                "vpa-simulation-duration",
                "`every` must be longer than 0".to_owned(),
            ));
            continue;
        }
        if to < from {
            diagnostics.push(diagnostic(
                origin,
                &format!("{path}.to"),
                Severity::Error,
                "vpa-simulation-order",
                format!("`to` ({}) is before `from` ({})", format_duration(to), format_duration(from)),
            ));
            continue;
        }
        let count = u64::try_from((to - from).div_euclid(every) + i64::from((to - from).rem_euclid(every) != 0))
            .unwrap_or(u64::MAX);
        planned = planned.saturating_add(count);
        end_ms = end_ms.max(to);
        ranges.push((index, path, from, to, every));
    }
    planned = planned.saturating_add(spec.samples.as_ref().map_or(0, |s| s.len() as u64));
    planned = planned.saturating_add(spec.ooms.as_ref().map_or(0, |s| s.len() as u64));
    if planned > MAX_SAMPLES {
        diagnostics.push(diagnostic(
            origin,
            "spec",
            Severity::Error,
            "limit-vpa-samples",
            format!(
                "the simulation has {planned} samples, more than the limit of {MAX_SAMPLES}; it was not run (sample less often with `every`)"
            ),
        ));
        usage.now_ms = usage.start_ms;
        return usage;
    }
    let mut sequence = 0;
    for (index, path, from, to, every) in ranges {
        let range = &spec.usage.as_deref().unwrap_or_default()[index];
        let cpu = parse_quantity(range.cpu.as_ref(), true, origin, &format!("{path}.cpu"), diagnostics);
        let memory = parse_quantity(range.memory.as_ref(), false, origin, &format!("{path}.memory"), diagnostics);
        let source = usage.sources.len();
        usage.sources.push(Source { pod: pod_filter(range.pod.as_deref()), container: range.container.clone(), path });
        let mut t = from;
        while t < to {
            usage.events.push(Event {
                time_ms: t,
                rank: 0,
                sequence,
                source,
                kind: EventKind::Sample { cpu_millis: cpu, memory_bytes: memory },
            });
            sequence += 1;
            t = match t.checked_add(every) {
                Some(next) => next,
                None => break,
            };
        }
    }
    let mut last_by_series: HashMap<(Option<String>, String), (i64, usize)> = HashMap::new();
    for (index, sample) in spec.samples.iter().flatten().enumerate() {
        let path = format!("spec.samples[{index}]");
        let Some(t) = offset(&sample.t, format!("{path}.t"), diagnostics) else { continue };
        let key = (pod_filter(sample.pod.as_deref()), sample.container.clone());
        if let Some((previous, previous_index)) = last_by_series.get(&key)
            && t < *previous
        {
            diagnostics.push(diagnostic(
                origin,
                &format!("{path}.t"),
                Severity::Warning,
                "vpa-simulation-order",
                format!(
                    "this sample ({}) is listed after a later one (spec.samples[{previous_index}] at {}); samples are applied in time order",
                    format_duration(t),
                    format_duration(*previous)
                ),
            ));
        }
        last_by_series.insert(key, (t, index));
        let cpu = parse_quantity(sample.cpu.as_ref(), true, origin, &format!("{path}.cpu"), diagnostics);
        let memory = parse_quantity(sample.memory.as_ref(), false, origin, &format!("{path}.memory"), diagnostics);
        let source = usage.sources.len();
        usage.sources.push(Source {
            pod: pod_filter(sample.pod.as_deref()),
            container: sample.container.clone(),
            path,
        });
        end_ms = end_ms.max(t);
        usage.events.push(Event {
            time_ms: t,
            rank: 0,
            sequence,
            source,
            kind: EventKind::Sample { cpu_millis: cpu, memory_bytes: memory },
        });
        sequence += 1;
    }
    for (index, oom) in spec.ooms.iter().flatten().enumerate() {
        let path = format!("spec.ooms[{index}]");
        let Some(t) = offset(&oom.t, format!("{path}.t"), diagnostics) else { continue };
        let at = match &oom.at {
            Some(value) => match offset(value, format!("{path}.at"), diagnostics) {
                Some(at) => at,
                None => continue,
            },
            None => t,
        };
        let request =
            parse_quantity(oom.memory_request.as_ref(), false, origin, &format!("{path}.memoryRequest"), diagnostics);
        let source = usage.sources.len();
        usage.sources.push(Source { pod: pod_filter(oom.pod.as_deref()), container: oom.container.clone(), path });
        end_ms = end_ms.max(at);
        usage.events.push(Event {
            time_ms: at,
            rank: 1,
            sequence,
            source,
            kind: EventKind::Oom { termination_ms: usage.start_ms.saturating_add(t), request_bytes: request },
        });
        sequence += 1;
    }
    crate::sort::sort_by_key(&mut usage.events, |e| (e.time_ms, e.rank, e.sequence));
    for event in &mut usage.events {
        event.time_ms = usage.start_ms.saturating_add(event.time_ms);
    }
    let now = match &spec.now {
        Some(value) => offset(value, "spec.now".to_owned(), diagnostics).unwrap_or(end_ms),
        None => end_ms,
    };
    usage.now_ms = usage.start_ms.saturating_add(now);
    usage
}

fn pod_filter(pod: Option<&str>) -> Option<String> {
    pod.filter(|p| *p != "*").map(str::to_owned)
}

/// A pod of a VPA: its labels and containers as the recommender, admission
/// and updater read them.
#[derive(Clone, Debug)]
struct VpaPod {
    name: String,
    labels: BTreeMap<String, String>,
    /// Spec resources (what a recreated pod starts from).
    spec_containers: Vec<ContainerResources>,
    updater: UpdaterPod,
    /// Whether the pod is live (not Succeeded or Failed).
    live: bool,
}

fn resources_of(spec: Option<&PodSpec>, bad: &mut Vec<String>) -> Vec<ContainerResources> {
    spec.map(|s| s.containers.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|c| {
            let resources = c.resources.as_ref();
            ContainerResources {
                name: c.name.clone(),
                requests: parse_list(resources.and_then(|r| r.requests.as_ref()), "", bad),
                limits: parse_list(resources.and_then(|r| r.limits.as_ref()), "", bad),
            }
        })
        .collect()
}

fn timestamp_ms(time: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::Time>) -> Option<i64> {
    time.map(|t| t.0.as_millisecond())
}

fn vpa_pod_from_manifest(pod: &Pod) -> VpaPod {
    let mut bad = Vec::new();
    let spec_containers = resources_of(pod.spec.as_ref(), &mut bad);
    let status = pod.status.as_ref();
    let mut current = spec_containers.clone();
    let mut terminations = Vec::new();
    for cs in status.and_then(|s| s.container_statuses.as_ref()).into_iter().flatten() {
        if let Some(resources) = &cs.resources
            && let Some(container) = current.iter_mut().find(|c| c.name == cs.name)
        {
            container.requests = parse_list(resources.requests.as_ref(), "", &mut bad);
            container.limits = parse_list(resources.limits.as_ref(), "", &mut bad);
        }
        if let Some(terminated) = cs.last_state.as_ref().and_then(|s| s.terminated.as_ref()) {
            terminations.push(Termination {
                container: cs.name.clone(),
                reason: terminated.reason.clone().unwrap_or_default(),
                started_ms: timestamp_ms(terminated.started_at.as_ref()),
                finished_ms: timestamp_ms(terminated.finished_at.as_ref()),
            });
        }
    }
    let phase = status.and_then(|s| s.phase.as_deref()).unwrap_or("Running");
    let observed = pod
        .metadata
        .annotations
        .as_ref()
        .and_then(|a| a.get("vpaObservedContainers"))
        .map(|v| v.split(',').map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()).collect());
    let name = pod.metadata.name.clone().unwrap_or_default();
    VpaPod {
        name: name.clone(),
        labels: pod.metadata.labels.clone().unwrap_or_default(),
        spec_containers,
        updater: UpdaterPod {
            name,
            containers: current,
            observed_containers: observed,
            start_time_ms: timestamp_ms(status.and_then(|s| s.start_time.as_ref())),
            terminations,
            pending: phase == "Pending",
        },
        live: phase != "Succeeded" && phase != "Failed",
    }
}

/// The VPA's target: its selector, pod template and replica count.
struct Target<'a> {
    selector: Option<&'a LabelSelector>,
    template: Option<&'a k8s_openapi::api::core::v1::PodTemplateSpec>,
    replicas: Option<i32>,
}

fn target_of<'a>(inventory: &'a Inventory, namespace: &str, kind: &str, name: &str) -> Option<Target<'a>> {
    inventory.objects.iter().find_map(|o| {
        if o.namespace() != Some(namespace) || o.name() != name || o.kind().as_str() != kind {
            return None;
        }
        match &o.object {
            Object::Deployment(d) => Some(Target {
                selector: Some(&d.spec.selector),
                template: Some(&d.spec.template),
                replicas: Some(d.spec.replicas.unwrap_or(1)),
            }),
            Object::StatefulSet(s) => Some(Target {
                selector: Some(&s.spec.selector),
                template: Some(&s.spec.template),
                replicas: Some(s.spec.replicas.unwrap_or(1)),
            }),
            Object::ReplicaSet(r) => Some(Target {
                selector: Some(&r.spec.selector),
                template: r.spec.template.as_ref(),
                replicas: Some(r.spec.replicas.unwrap_or(1)),
            }),
            Object::DaemonSet(d) => {
                Some(Target { selector: Some(&d.spec.selector), template: Some(&d.spec.template), replicas: None })
            }
            _ => None,
        }
    })
}

/// The VPA's pods: the Pods of its namespace its target selects, else `<workload>-<i>` from the template.
fn pods_of(inventory: &Inventory, namespace: &str, workload: &str, target: &Target<'_>, start_ms: i64) -> Vec<VpaPod> {
    let selector = target.selector.and_then(|s| Selector::compile(s).ok());
    let mut pods: Vec<VpaPod> = match &selector {
        // An empty selector selects nothing for workloads (the API server refuses it anyway).
        Some(selector) if !selector.is_empty() => inventory
            .pods()
            .filter(|(loaded, _)| loaded.namespace() == Some(namespace) && selector.matches(loaded.labels()))
            .map(|(_, pod)| vpa_pod_from_manifest(pod))
            .collect(),
        _ => Vec::new(),
    };
    if pods.is_empty()
        && let Some(template) = target.template
    {
        let count = target.replicas.unwrap_or(1).clamp(0, crate::admission::MAX_SIMULATED_REPLICAS);
        for index in 0..count {
            let pod = Pod {
                metadata: ObjectMeta {
                    name: Some(format!("{workload}-{index}")),
                    labels: template.metadata.as_ref().and_then(|m| m.labels.clone()),
                    annotations: template.metadata.as_ref().and_then(|m| m.annotations.clone()),
                    ..ObjectMeta::default()
                },
                spec: template.spec.clone(),
                status: None,
            };
            let mut vpa_pod = vpa_pod_from_manifest(&pod);
            // Synthesised pods run from the start of the simulation.
            vpa_pod.updater.start_time_ms = Some(start_ms);
            pods.push(vpa_pod);
        }
    }
    pods
}

fn parse_resource_list(
    map: Option<&BTreeMap<String, K8sQuantity>>,
    origin: &Origin,
    path: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ResourceList> {
    let map = map?;
    let mut list = ResourceList::new();
    for (resource, q) in map {
        match Quantity::parse(&q.0) {
            Ok(parsed) => {
                list.insert(resource.clone(), parsed);
            }
            Err(error) => diagnostics.push(diagnostic(
                origin,
                &format!("{path}.{resource}"),
                Severity::Error,
                "vpa-quantity",
                format!("`{}` is not a quantity: {error}", q.0),
            )),
        }
    }
    Some(list)
}

/// `spec.resourcePolicy`, quantities parsed.
pub fn resource_policy(
    vpa: &VerticalPodAutoscaler,
    origin: &Origin,
    diagnostics: &mut Vec<Diagnostic>,
) -> PodResourcePolicy {
    let Some(policy) = vpa.spec.as_ref().and_then(|s| s.resource_policy.as_ref()) else {
        return PodResourcePolicy::default();
    };
    let containers = policy
        .container_policies
        .iter()
        .flatten()
        .enumerate()
        .map(|(index, p)| {
            let path = format!("spec.resourcePolicy.containerPolicies[{index}]");
            ContainerPolicy {
                container_name: p.container_name.clone().unwrap_or_default(),
                mode_off: p.mode.as_deref() == Some("Off"),
                min_allowed: parse_resource_list(
                    p.min_allowed.as_ref(),
                    origin,
                    &format!("{path}.minAllowed"),
                    diagnostics,
                ),
                max_allowed: parse_resource_list(
                    p.max_allowed.as_ref(),
                    origin,
                    &format!("{path}.maxAllowed"),
                    diagnostics,
                ),
                controlled_resources: p.controlled_resources.clone(),
                requests_only: p.controlled_values.as_deref() == Some("RequestsOnly"),
            }
        })
        .collect();
    PodResourcePolicy { present: true, containers }
}

fn status_recommendation(
    vpa: &VerticalPodAutoscaler,
    origin: &Origin,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<ContainerRecommendation>> {
    let recommendation = vpa.status.as_ref()?.recommendation.as_ref()?;
    let list = |map: Option<&BTreeMap<String, K8sQuantity>>, path: String, diagnostics: &mut Vec<Diagnostic>| {
        parse_resource_list(map, origin, &path, diagnostics).unwrap_or_default()
    };
    Some(
        recommendation
            .container_recommendations
            .iter()
            .flatten()
            .enumerate()
            .map(|(index, r)| {
                let path = format!("status.recommendation.containerRecommendations[{index}]");
                ContainerRecommendation {
                    container_name: r.container_name.clone(),
                    target: list(r.target.as_ref(), format!("{path}.target"), diagnostics),
                    lower_bound: list(r.lower_bound.as_ref(), format!("{path}.lowerBound"), diagnostics),
                    upper_bound: list(r.upper_bound.as_ref(), format!("{path}.upperBound"), diagnostics),
                    uncapped_target: list(r.uncapped_target.as_ref(), format!("{path}.uncappedTarget"), diagnostics),
                }
            })
            .collect(),
    )
}

/// The namespace's LimitRange items of one type, merged as the VPA does.
fn limit_range_item(inventory: &Inventory, namespace: &str, limit_type: &str) -> Option<LimitRangeItem> {
    let mut bad = Vec::new();
    let mut items = Vec::new();
    for loaded in inventory.objects.iter().filter(|o| o.namespace() == Some(namespace)) {
        let Object::LimitRange(lr) = &loaded.object else { continue };
        let lr: &LimitRange = lr;
        for item in lr.spec.iter().flat_map(|s| &s.limits) {
            if item.type_ != limit_type {
                continue;
            }
            let parse =
                |m: Option<&BTreeMap<String, K8sQuantity>>, bad: &mut Vec<_>| m.map(|m| parse_list(Some(m), "", bad));
            items.push((
                parse(item.min.as_ref(), &mut bad),
                parse(item.max.as_ref(), &mut bad),
                parse(item.default.as_ref(), &mut bad),
            ));
        }
    }
    LimitRangeItem::merge(&items)
}

/// Runs every VPA of the inventory against the (first) VPASimulation.
pub fn simulate(inventory: &Inventory) -> VpaRun {
    let mut run = VpaRun::default();
    let simulations: Vec<(&Loaded, &VpaSimulation)> = inventory
        .objects
        .iter()
        .filter_map(|o| match &o.object {
            Object::VPASimulation(s) => Some((o, s.as_ref())),
            _ => None,
        })
        .collect();
    for (loaded, _) in simulations.iter().skip(1) {
        run.diagnostics.push(diagnostic(
            &loaded.origin,
            "",
            Severity::Warning,
            "vpa-simulation-duplicate",
            format!("only the first VPASimulation is run; `{}` is ignored", loaded.name()),
        ));
    }
    let (settings, usage, sim_origin) = match simulations.first() {
        Some((loaded, sim)) => {
            let settings = settings(sim.spec.flags.as_ref(), &loaded.origin, &mut run.diagnostics);
            let usage = parse_usage(&sim.spec, &loaded.origin, &mut run.diagnostics);
            (settings, usage, Some(&loaded.origin))
        }
        None => {
            let start = DEFAULT_START.parse::<k8s_openapi::jiff::Timestamp>().map(|t| t.as_millisecond()).unwrap_or(0);
            (Settings::default(), Usage { start_ms: start, now_ms: start, ..Usage::default() }, None)
        }
    };
    let mut source_used = vec![(false, false); usage.sources.len()];
    for loaded in &inventory.objects {
        let Object::VerticalPodAutoscaler(vpa) = &loaded.object else { continue };
        let output =
            simulate_one(inventory, sim_origin, loaded, vpa, &settings, &usage, &mut source_used, &mut run.diagnostics);
        run.vpas.push(output);
    }
    if let Some(origin) = sim_origin {
        for (source, (pod_found, container_found)) in usage.sources.iter().zip(&source_used) {
            if !pod_found {
                let which = source.pod.as_deref().map_or("any pod".to_owned(), |p| format!("a pod named `{p}`"));
                run.diagnostics.push(diagnostic(
                    origin,
                    &format!("{}.pod", source.path),
                    Severity::Error,
                    "vpa-simulation-unknown-pod",
                    format!("no VerticalPodAutoscaler of the input targets {which}; this usage was not applied"),
                ));
            } else if !container_found {
                run.diagnostics.push(diagnostic(
                    origin,
                    &format!("{}.container", source.path),
                    Severity::Error,
                    "vpa-simulation-unknown-container",
                    format!("the VPA's pods have no container `{}`; this usage was not applied", source.container),
                ));
            }
        }
    }
    crate::sort::sort_by(&mut run.diagnostics, |a, b| a.position().cmp(&b.position()));
    run
}

#[allow(clippy::too_many_arguments)]
fn simulate_one(
    inventory: &Inventory,
    sim_origin: Option<&Origin>,
    loaded: &Loaded,
    vpa: &VerticalPodAutoscaler,
    settings: &Settings,
    usage: &Usage,
    source_used: &mut [(bool, bool)],
    diagnostics: &mut Vec<Diagnostic>,
) -> VpaOutput {
    let namespace = loaded.namespace().unwrap_or(crate::model::DEFAULT_NAMESPACE);
    let id = VpaId { namespace: namespace.to_owned(), name: loaded.name().to_owned() };
    let origin = &loaded.origin;
    // Its quantity problems are findings of `analyze` (see `findings`).
    let policy = resource_policy(vpa, origin, &mut Vec::new());
    let target_ref = vpa.spec.as_ref().map(|s| &s.target_ref);
    let target = target_ref.and_then(|r| target_of(inventory, namespace, &r.kind, &r.name));
    // A missing target is one of the VPA findings (`findings`).
    let Some(target) = target else {
        let status = status_recommendation(vpa, origin, diagnostics);
        return VpaOutput::empty(id, status.as_deref());
    };
    let workload = target_ref.map(|r| r.name.as_str()).unwrap_or_default();
    let pods = pods_of(inventory, namespace, workload, &target, usage.start_ms);

    // Recommender: one aggregate per (pod labels, container), one state per
    // container instance; each usage source is routed to them once.
    let mut aggregates: Vec<(String, AggregateContainerState)> = Vec::new();
    let mut aggregate_index: HashMap<(&BTreeMap<String, String>, &str), usize> = HashMap::new();
    let mut states: Vec<(usize, String, ContainerState)> = Vec::new();
    let mut state_index: HashMap<(usize, &str), usize> = HashMap::new();
    let mut routes: Vec<Vec<(usize, usize, i64)>> = vec![Vec::new(); usage.sources.len()];
    for (source_index, source) in usage.sources.iter().enumerate() {
        for (pod_index, pod) in pods.iter().enumerate() {
            if source.pod.as_ref().is_some_and(|p| *p != pod.name) {
                continue;
            }
            source_used[source_index].0 = true;
            let Some(spec) = pod.spec_containers.iter().find(|c| c.name == source.container) else { continue };
            source_used[source_index].1 = true;
            let aggregate = *aggregate_index.entry((&pod.labels, spec.name.as_str())).or_insert_with(|| {
                aggregates.push((spec.name.clone(), AggregateContainerState::new(&settings.aggregations)));
                aggregates.len() - 1
            });
            let state = *state_index.entry((pod_index, spec.name.as_str())).or_insert_with(|| {
                states.push((pod_index, spec.name.clone(), ContainerState::default()));
                states.len() - 1
            });
            let request = spec.requests.get(MEMORY).and_then(Quantity::value).unwrap_or(0);
            routes[source_index].push((aggregate, state, request));
        }
    }
    // A sample applied to three pods counts three times.
    let applied: u64 = usage.events.iter().map(|e| routes[e.source].len() as u64).sum();
    let any_usage = applied > 0 && applied <= MAX_SAMPLES;
    if applied > MAX_SAMPLES
        && let Some(sim_origin) = sim_origin
    {
        diagnostics.push(diagnostic(
            sim_origin,
            "spec",
            Severity::Error,
            "limit-vpa-samples",
            format!(
                "the usage applies {applied} samples to the pods of VPA `{}`, more than the limit of {MAX_SAMPLES}; its recommendation was not computed",
                loaded.name()
            ),
        ));
    }
    if any_usage {
        for event in &usage.events {
            for &(aggregate, state, spec_request) in &routes[event.source] {
                let aggregate = &mut aggregates[aggregate].1;
                let state = &mut states[state].2;
                match &event.kind {
                    EventKind::Sample { cpu_millis, memory_bytes } => {
                        if let Some(cpu) = cpu_millis {
                            state.add_cpu_sample(aggregate, *cpu, event.time_ms);
                        }
                        if let Some(memory) = memory_bytes {
                            state.add_memory_sample(aggregate, &settings.aggregations, *memory, event.time_ms, false);
                        }
                    }
                    EventKind::Oom { termination_ms, request_bytes } => {
                        let request = request_bytes.unwrap_or(spec_request);
                        state.record_oom(aggregate, &settings.aggregations, *termination_ms, request);
                    }
                }
            }
        }
    }

    let mut histograms = Vec::new();
    let status = if any_usage {
        // Every container name of every pod, `mode: Off` excluded, merged by name.
        let mut merged: BTreeMap<String, (AggregateContainerState, Vec<String>)> = BTreeMap::new();
        for pod in &pods {
            for container in &pod.spec_containers {
                if policy.is_off(&container.name) {
                    continue;
                }
                merged.entry(container.name.clone()).or_insert_with(|| {
                    (AggregateContainerState::new(&settings.aggregations), policy.controlled_resources(&container.name))
                });
            }
        }
        for (container, aggregate) in &aggregates {
            if let Some((state, _)) = merged.get_mut(container) {
                state.merge(aggregate);
            }
        }
        let config = &settings.recommender;
        for (container, (state, _)) in &merged {
            let resources = [
                (
                    CPU,
                    &state.cpu,
                    config.lower_bound_cpu_percentile,
                    config.target_cpu_percentile,
                    config.upper_bound_cpu_percentile,
                ),
                (
                    MEMORY,
                    &state.memory_peaks,
                    config.lower_bound_memory_percentile,
                    config.target_memory_percentile,
                    config.upper_bound_memory_percentile,
                ),
            ];
            for (resource, histogram, lower, target, upper) in resources {
                let percentiles = [("lowerBound", lower), ("target", target), ("upperBound", upper)];
                histograms.push(UsageHistogram::of(container, resource, histogram, percentiles));
            }
        }
        let estimates = settings.recommender.estimate(&merged);
        let integer_cpu: Vec<String> = vpa
            .metadata
            .annotations
            .iter()
            .flatten()
            .filter_map(|(key, value)| {
                let container = key.strip_prefix("vpa-post-processor.kubernetes.io/")?.strip_suffix("_integerCPU")?;
                (value == "true").then(|| container.to_owned())
            })
            .collect();
        Some(settings.recommender.status(&estimates, &policy, &integer_cpu))
    } else {
        status_recommendation(vpa, origin, diagnostics)
    };

    let mode = update_mode(vpa);
    let container_lr = limit_range_item(inventory, namespace, "Container");
    let pod_lr = limit_range_item(inventory, namespace, "Pod");
    let updating = matches!(mode, Some("Recreate" | "Auto" | "InPlaceOrRecreate" | "InPlace"));
    let in_place = matches!(mode, Some("InPlaceOrRecreate" | "InPlace"));
    let mut outputs = Vec::new();
    let mut candidates = Vec::new();
    for (index, pod) in pods.iter().enumerate() {
        let mut output = PodOutput { name: pod.name.clone(), ..PodOutput::default() };
        // Admission: a (re)created pod starts from its spec.
        let admitted_processed = (mode.is_some() && mode != Some("Off"))
            .then(|| {
                process_for_pod(
                    status.as_deref(),
                    &policy,
                    &pod.spec_containers,
                    container_lr.as_ref(),
                    pod_lr.as_ref(),
                )
            })
            .flatten();
        for container in &pod.spec_containers {
            let admitted = admit_container(container, admitted_processed.as_ref(), &policy, container_lr.as_ref());
            let mut notes = admitted_processed
                .as_ref()
                .and_then(|p| p.annotations.get(&container.name).cloned())
                .unwrap_or_default();
            notes.extend(admitted.limit_annotations);
            output.requests.insert(container.name.clone(), quantities(&admitted.requests));
            output.limits.insert(container.name.clone(), quantities(&admitted.limits));
            if !notes.is_empty() {
                output.annotations.insert(container.name.clone(), notes);
            }
        }
        // Updater: the pod as it runs now.
        let processed: Option<Processed> = process_for_pod(
            status.as_deref(),
            &policy,
            &pod.updater.containers,
            container_lr.as_ref(),
            pod_lr.as_ref(),
        );
        let verdict = updater::evaluate(&pod.updater, processed.as_ref(), &policy, &settings.updater, usage.now_ms);
        let reason = match mode {
            None => format!(
                "updateMode {} is not one the CRD accepts ({}); the API server would not store this VPA",
                crate::diagnostic::go_quote(
                    vpa.spec
                        .as_ref()
                        .and_then(|s| s.update_policy.as_ref())
                        .and_then(|p| p.update_mode.as_deref())
                        .unwrap_or_default()
                ),
                UPDATE_MODES.join(", ")
            ),
            Some(m) if !updating => format!("{}; updateMode {m} leaves running pods alone", verdict.reason),
            _ => verdict.reason.clone(),
        };
        if verdict.candidate && updating {
            candidates.push((index, verdict.priority));
        }
        output.update = UpdateOutput {
            candidate: verdict.candidate,
            action: "none".to_owned(),
            outside_recommended_range: verdict.priority.outside_recommended_range,
            scale_up: verdict.priority.scale_up,
            resource_diff: verdict.priority.resource_diff,
            quick_oom: verdict.quick_oom,
            reason,
        };
        outputs.push(output);
    }
    let ordered = updater::order(&candidates);
    let live = pods.iter().filter(|p| p.live).count() as i64;
    let pending = pods.iter().filter(|p| p.live && p.updater.pending).count() as i64;
    let required = vpa
        .spec
        .as_ref()
        .and_then(|s| s.update_policy.as_ref())
        .and_then(|p| p.min_replicas)
        .map_or(settings.updater.min_replicas, i64::from);
    let below_min = live < required && !(in_place && settings.updater.in_place_skip_disruption_budget);
    let configured = target.replicas.map_or(live, i64::from);
    let mut stats = GroupStats::new(configured, live, pending, settings.updater.eviction_tolerance);
    let updater_pods: Vec<UpdaterPod> = pods.iter().map(|p| p.updater.clone()).collect();
    let acted = updater::act(&ordered, &updater_pods, &mut stats, below_min);
    for &index in &ordered {
        let output = &mut outputs[index];
        if acted.contains(&index) {
            output.update.action = if in_place { "in-place" } else { "evict" }.to_owned();
        } else if below_min {
            output
                .update
                .reason
                .push_str(&format!("; not acted on: {live} live pod(s), fewer than min-replicas {required}"));
        } else {
            output.update.reason.push_str("; not acted on this loop: the eviction tolerance is used up");
        }
    }
    let mut peaks = BTreeMap::new();
    for (pod_index, container, state) in &states {
        if state.peaks.is_empty() {
            continue;
        }
        let rows: Vec<(i64, i64, bool)> = state
            .peaks
            .iter()
            .map(|Peak { window_end_ms, bytes, from_oom }| {
                ((window_end_ms - usage.start_ms).div_euclid(1000), *bytes, *from_oom)
            })
            .collect();
        peaks.insert(format!("{}/{container}", pods[*pod_index].name), rows);
    }
    VpaOutput {
        vpa: id,
        recommendation: status.as_deref().map(RecommendationOutput::of),
        pods: outputs,
        update_order: ordered.iter().map(|&i| pods[i].name.clone()).collect(),
        acted: acted.iter().map(|&i| pods[i].name.clone()).collect(),
        peaks,
        usage: histograms,
    }
}

/// A resource list of a manifest; unparsable quantities (reported by the
/// admission analysis) are left out.
fn parse_list(map: Option<&BTreeMap<String, K8sQuantity>>, _path: &str, bad: &mut Vec<String>) -> ResourceList {
    let mut list = ResourceList::new();
    for (resource, q) in map.into_iter().flatten() {
        match Quantity::parse(&q.0) {
            Ok(parsed) => {
                list.insert(resource.clone(), parsed);
            }
            Err(_) => bad.push(resource.clone()),
        }
    }
    list
}

/// A resource list as canonical quantity strings.
pub fn quantities(list: &ResourceList) -> BTreeMap<String, String> {
    list.iter().map(|(k, v)| (k.clone(), v.canonical())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_as_go_writes_them_plus_days() {
        assert_eq!(parse_duration("90s"), Ok(90_000));
        assert_eq!(parse_duration("1h30m"), Ok(5_400_000));
        assert_eq!(parse_duration("1.5h"), Ok(5_400_000));
        assert_eq!(parse_duration("8d"), Ok(8 * 86_400_000));
        assert_eq!(parse_duration("250ms"), Ok(250));
        assert_eq!(parse_duration("0"), Ok(0));
        assert!(parse_duration("-5m").unwrap_err().contains("negative"));
        for bad in ["", "soon", "5", "5x", "m5", "1e9h", "99999999999999999999d"] {
            assert!(parse_duration(bad).is_err(), "{bad}");
        }
        assert_eq!(format_duration(12 * 3_600_000), "12h");
        assert_eq!(format_duration(90_500), "1m30s500ms");
        assert!(offset_ms(&Offset::Seconds(-1)).is_err());
    }

    /// The histograms behind the worked example's 63m / 250Mi: steady 45m / 180Mi
    /// usage fills one CPU bucket and one memory-peak bucket, and every percentile
    /// the estimator reads is that bucket's end.
    #[test]
    fn usage_histograms_hold_the_worked_example() {
        let text = include_str!("../../../tests/cases/vpa/sim/worked-example.yaml");
        let loading = crate::load(&[crate::Input::new("worked-example.yaml", text)]);
        let run = simulate(&loading.inventory);
        let usage = &run.vpas[0].usage;
        let of = |resource: &str| usage.iter().find(|h| h.container == "api" && h.resource == resource).unwrap();
        let (cpu, memory) = (of("cpu"), of("memory"));
        assert_eq!(usage.len(), 2);
        assert_eq!(cpu.buckets.len(), 1);
        assert!(cpu.buckets[0].start <= 0.045 && 0.045 < cpu.buckets[0].end, "{cpu:?}");
        let mib180 = 180.0 * 1024.0 * 1024.0;
        assert_eq!(memory.buckets.len(), 1);
        assert!(memory.buckets[0].start <= mib180 && mib180 < memory.buckets[0].end, "{memory:?}");
        let names: Vec<&str> = cpu.percentiles.iter().map(|(name, _, _)| name.as_str()).collect();
        assert_eq!(names, ["lowerBound", "target", "upperBound"]);
        for histogram in [cpu, memory] {
            for (_, _, value) in &histogram.percentiles {
                assert_eq!(*value, histogram.buckets[0].end);
            }
        }
        // The JSON contract does not carry them.
        let json = serde_json::to_value(&run.vpas[0]).unwrap();
        assert!(json.get("usage").is_none());
    }
}
