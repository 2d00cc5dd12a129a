//! The `kubeplay hpa` outputs (`docs/semantics/hpa.md §5`): the JSON contract
//! other tools parse, field for field and in this order, and the text
//! timeline table.

use std::fmt::Write as _;

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscalerBehavior;
use serde::Serialize;

use crate::scaling::hpa::controller::Condition;
use crate::scaling::hpa::simulation::{QuotaRefusal, Step, Timeline};

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HpaReport"))]
#[derive(Serialize, Debug)]
pub struct HpaJson<'a> {
    pub hpa: Option<HpaName<'a>>,
    /// The target's id (`default/api[Deployment]`).
    pub target: Option<String>,
    /// The HPA's `spec.behavior` as given (a Kubernetes object).
    #[cfg_attr(feature = "ts", ts(type = "JsonValue"))]
    pub behavior: Option<&'a HorizontalPodAutoscalerBehavior>,
    pub steps: Vec<StepJson<'a>>,
    pub summary: SummaryJson,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Debug)]
pub struct HpaName<'a> {
    pub namespace: &'a str,
    pub name: &'a str,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HpaStep"))]
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct StepJson<'a> {
    pub t: i64,
    pub current_replicas: i32,
    pub metrics: Vec<MetricJson<'a>>,
    pub metric_desired: Option<i32>,
    pub desired_replicas: i32,
    pub replicas: i32,
    pub conditions: ConditionsJson<'a>,
    pub quota: Option<&'a QuotaRefusal>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HpaMetric"))]
#[derive(Serialize, Debug)]
pub struct MetricJson<'a> {
    pub name: &'a str,
    #[serde(rename = "type")]
    pub type_: &'a str,
    pub utilization: Option<i32>,
    pub average: Option<&'a str>,
    pub value: Option<&'a str>,
    pub proposal: Option<i32>,
    pub error: Option<&'a str>,
}

/// The three conditions the controller sets, `null` until first set.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HpaConditions"))]
#[derive(Serialize, Debug)]
pub struct ConditionsJson<'a> {
    #[serde(rename = "AbleToScale")]
    pub able_to_scale: Option<ConditionJson<'a>>,
    #[serde(rename = "ScalingActive")]
    pub scaling_active: Option<ConditionJson<'a>>,
    #[serde(rename = "ScalingLimited")]
    pub scaling_limited: Option<ConditionJson<'a>>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HpaCondition"))]
#[derive(Serialize, Debug)]
pub struct ConditionJson<'a> {
    pub status: &'a str,
    pub reason: &'a str,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "HpaSummary"))]
#[derive(Serialize, Debug)]
#[serde(rename_all = "camelCase")]
pub struct SummaryJson {
    pub peak_replicas: Option<i32>,
    pub final_replicas: Option<i32>,
    pub first_at_max: Option<i64>,
}

fn condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<ConditionJson<'a>> {
    conditions.iter().find(|c| c.type_ == type_).map(|c| ConditionJson { status: &c.status, reason: &c.reason })
}

fn step_json(step: &Step) -> StepJson<'_> {
    StepJson {
        t: step.t,
        current_replicas: step.current_replicas,
        metrics: step
            .metrics
            .iter()
            .map(|m| MetricJson {
                name: &m.name,
                type_: &m.type_,
                utilization: m.utilization,
                average: m.average.as_deref(),
                value: m.value.as_deref(),
                proposal: m.proposal,
                error: m.error.as_deref(),
            })
            .collect(),
        metric_desired: step.metric_desired,
        desired_replicas: step.desired_replicas,
        replicas: step.replicas,
        conditions: ConditionsJson {
            able_to_scale: condition(&step.conditions, "AbleToScale"),
            scaling_active: condition(&step.conditions, "ScalingActive"),
            scaling_limited: condition(&step.conditions, "ScalingLimited"),
        },
        quota: step.quota.as_ref(),
    }
}

/// The contract's shape; every field `null` (and no steps) without a timeline.
pub fn json(timeline: Option<&Timeline>) -> HpaJson<'_> {
    match timeline {
        None => HpaJson {
            hpa: None,
            target: None,
            behavior: None,
            steps: Vec::new(),
            summary: SummaryJson { peak_replicas: None, final_replicas: None, first_at_max: None },
        },
        Some(timeline) => HpaJson {
            hpa: Some(HpaName {
                namespace: timeline.hpa.namespace.as_deref().unwrap_or_default(),
                name: &timeline.hpa.name,
            }),
            target: Some(timeline.target.to_string()),
            behavior: timeline.behavior.as_ref(),
            steps: timeline.steps.iter().map(step_json).collect(),
            summary: SummaryJson {
                peak_replicas: Some(timeline.peak_replicas()),
                final_replicas: Some(timeline.final_replicas()),
                first_at_max: timeline.first_at_max(),
            },
        },
    }
}

/// What held the step back, if anything: a rate or min/max limit, a
/// stabilization window, or metrics that could not be computed.
pub fn limiting_condition(step: &Step) -> &str {
    let find = |type_: &str| step.conditions.iter().find(|c| c.type_ == type_);
    if let Some(active) = find("ScalingActive").filter(|c| c.status == "False") {
        return &active.reason;
    }
    if let Some(limited) = find("ScalingLimited").filter(|c| c.status == "True") {
        return &limited.reason;
    }
    match find("AbleToScale") {
        Some(c) if c.reason.ends_with("Stabilized") => &c.reason,
        _ => "-",
    }
}

/// The timeline as a table: one row per reconcile.
pub fn text(timeline: &Timeline) -> String {
    let mut out = String::new();
    let path = if timeline.behavior.is_some() { "behavior" } else { "legacy path (no behavior)" };
    let _ = writeln!(
        out,
        "{}/{} scales {} (min {}, max {}; {path})",
        timeline.hpa.namespace.as_deref().unwrap_or_default(),
        timeline.hpa.name,
        timeline.target,
        timeline.min_replicas,
        timeline.max_replicas
    );
    let names: Vec<&str> =
        timeline.steps.first().map(|s| s.metrics.iter().map(|m| &*m.name).collect()).unwrap_or_default();
    let mut header = format!("{:>7}  {:>7}", "t", "current");
    for name in &names {
        let _ = write!(header, "  {:>16}", format!("{name} → replicas"));
    }
    let _ = write!(header, "  {:>7}  {:>8}  limited by", "desired", "replicas");
    let _ = writeln!(out, "{header}");
    for step in &timeline.steps {
        let mut row = format!("{:>6}s  {:>7}", step.t, step.current_replicas);
        for metric in &step.metrics {
            let reading = match (metric.utilization, &metric.average, &metric.value) {
                (Some(u), _, _) => format!("{u}%"),
                (None, Some(a), _) => a.to_string(),
                (None, None, Some(v)) => v.to_string(),
                _ => "?".to_owned(),
            };
            let cell = match metric.proposal {
                Some(p) => format!("{reading} → {p}"),
                None => "invalid".to_owned(),
            };
            let _ = write!(row, "  {cell:>16}");
        }
        let _ = write!(row, "  {:>7}  {:>8}  {}", step.desired_replicas, step.replicas, limiting_condition(step));
        let _ = writeln!(out, "{row}");
        for metric in step.metrics.iter().filter(|m| m.error.is_some()) {
            let _ = writeln!(out, "         {}: {}", metric.name, metric.error.as_deref().unwrap_or_default());
        }
        if let Some(quota) = &step.quota {
            let _ = writeln!(
                out,
                "         quota: {} of {} new pods created: {}",
                quota.created, quota.requested, quota.message
            );
        }
    }
    let first_at_max = timeline.first_at_max().map_or_else(|| "never".to_owned(), |t| format!("t = {t}s"));
    let _ = writeln!(
        out,
        "peak {} replicas, final {}, at maxReplicas: {first_at_max}",
        timeline.peak_replicas(),
        timeline.final_replicas()
    );
    out
}
