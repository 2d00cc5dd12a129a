//! `spec.behavior`: API defaulting (`pkg/apis/autoscaling/v2/defaults.go`),
//! stabilization, rate limits and the legacy path without behavior
//! (`pkg/controller/podautoscaler/horizontal.go`; `hpa.md §4`).

use k8s_openapi::api::autoscaling::v2::{HPAScalingPolicy, HPAScalingRules, HorizontalPodAutoscalerBehavior};
use serde::{Deserialize, Serialize};

use super::replica_calculator::ceil_i32;

/// A metric proposal the controller remembers (`timestampedRecommendation`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimestampedRecommendation {
    pub recommendation: i32,
    pub timestamp: i64,
}

/// A scale the controller made (`timestampedScaleEvent`): the size of the
/// change and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ScaleEvent {
    pub replica_change: i32,
    pub timestamp: i64,
    #[serde(default)]
    pub outdated: bool,
}

pub const SELECT_MAX: &str = "Max";
pub const SELECT_MIN: &str = "Min";
pub const SELECT_DISABLED: &str = "Disabled";
pub const POLICY_PODS: &str = "Pods";
pub const POLICY_PERCENT: &str = "Percent";

fn policy(type_: &str, value: i32, period_seconds: i32) -> HPAScalingPolicy {
    HPAScalingPolicy { type_: type_.to_string(), value, period_seconds }
}

/// `GenerateHPAScaleUpRules`: each unset field from the defaults
/// (window 0, Max, [Pods 4 / 15 s, Percent 100 / 15 s]).
pub fn generate_scale_up_rules(rules: Option<&HPAScalingRules>) -> HPAScalingRules {
    let mut out = rules.cloned().unwrap_or_default();
    if out.stabilization_window_seconds.is_none() {
        out.stabilization_window_seconds = Some(0);
    }
    if out.select_policy.is_none() {
        out.select_policy = Some(SELECT_MAX.to_string());
    }
    if out.policies.is_none() {
        out.policies = Some(vec![policy(POLICY_PODS, 4, 15), policy(POLICY_PERCENT, 100, 15)]);
    }
    out
}

/// `GenerateHPAScaleDownRules`: Max and [Percent 100 / 15 s]; the window stays
/// unset (the controller fills it from its flag).
pub fn generate_scale_down_rules(rules: Option<&HPAScalingRules>) -> HPAScalingRules {
    let mut out = rules.cloned().unwrap_or_default();
    if out.select_policy.is_none() {
        out.select_policy = Some(SELECT_MAX.to_string());
    }
    if out.policies.is_none() {
        out.policies = Some(vec![policy(POLICY_PERCENT, 100, 15)]);
    }
    out
}

/// `SetDefaults_HorizontalPodAutoscalerBehavior` plus the controller's
/// `maybeInitScaleDownStabilizationWindow` (an unset scale-down window takes
/// the `--horizontal-pod-autoscaler-downscale-stabilization` flag).
pub fn effective_behavior(
    behavior: &HorizontalPodAutoscalerBehavior,
    downscale_stabilization_window: i64,
) -> HorizontalPodAutoscalerBehavior {
    let scale_up = generate_scale_up_rules(behavior.scale_up.as_ref());
    let mut scale_down = generate_scale_down_rules(behavior.scale_down.as_ref());
    if scale_down.stabilization_window_seconds.is_none() {
        scale_down.stabilization_window_seconds =
            Some(i32::try_from(downscale_stabilization_window).unwrap_or(i32::MAX));
    }
    HorizontalPodAutoscalerBehavior { scale_up: Some(scale_up), scale_down: Some(scale_down) }
}

fn window(rules: &HPAScalingRules) -> i64 {
    i64::from(rules.stabilization_window_seconds.unwrap_or(0))
}

/// `stabilizeRecommendationWithBehaviors`: the recommendation moved only as far
/// as every recommendation of each window allows; the unstabilized proposal is
/// stored, reusing an entry older than both windows. Returns (recommendation,
/// reason, message).
pub fn stabilize_recommendation_with_behaviors(
    recommendations: &mut Vec<TimestampedRecommendation>,
    scale_up: &HPAScalingRules,
    scale_down: &HPAScalingRules,
    current_replicas: i32,
    desired_replicas: i32,
    now: i64,
) -> (i32, &'static str, &'static str) {
    let up_cutoff = now.saturating_sub(window(scale_up));
    let down_cutoff = now.saturating_sub(window(scale_down));
    let mut up_recommendation = desired_replicas;
    let mut down_recommendation = desired_replicas;
    let mut old_sample = None;
    for (i, rec) in recommendations.iter().enumerate() {
        if rec.timestamp > up_cutoff {
            up_recommendation = up_recommendation.min(rec.recommendation);
        }
        if rec.timestamp > down_cutoff {
            down_recommendation = down_recommendation.max(rec.recommendation);
        }
        if rec.timestamp < up_cutoff && rec.timestamp < down_cutoff {
            old_sample = Some(i);
        }
    }
    let mut recommendation = current_replicas;
    if recommendation < up_recommendation {
        recommendation = up_recommendation;
    }
    if recommendation > down_recommendation {
        recommendation = down_recommendation;
    }
    store_recommendation(recommendations, old_sample, desired_replicas, now);
    if desired_replicas >= current_replicas {
        (
            recommendation,
            "ScaleUpStabilized",
            "recent recommendations were lower than current one, applying the lowest recent recommendation",
        )
    } else {
        (
            recommendation,
            "ScaleDownStabilized",
            "recent recommendations were higher than current one, applying the highest recent recommendation",
        )
    }
}

fn store_recommendation(
    recommendations: &mut Vec<TimestampedRecommendation>,
    old_sample: Option<usize>,
    recommendation: i32,
    now: i64,
) {
    let entry = TimestampedRecommendation { recommendation, timestamp: now };
    match old_sample.and_then(|i| recommendations.get_mut(i)) {
        Some(slot) => *slot = entry,
        None => recommendations.push(entry),
    }
}

/// `stabilizeRecommendation` (the legacy path): the largest recommendation
/// not older than the downscale window (one exactly at the cutoff counts).
pub fn stabilize_recommendation(
    recommendations: &mut Vec<TimestampedRecommendation>,
    downscale_stabilization_window: i64,
    prenormalized_desired_replicas: i32,
    now: i64,
) -> i32 {
    let cutoff = now.saturating_sub(downscale_stabilization_window);
    let mut max_recommendation = prenormalized_desired_replicas;
    let mut old_sample = None;
    for (i, rec) in recommendations.iter().enumerate() {
        if rec.timestamp < cutoff {
            old_sample = Some(i);
        } else if rec.recommendation > max_recommendation {
            max_recommendation = rec.recommendation;
        }
    }
    store_recommendation(recommendations, old_sample, prenormalized_desired_replicas, now);
    max_recommendation
}

/// `calculateScaleUpLimit`: `max(2 × current, 4)` (legacy path).
pub fn calculate_scale_up_limit(current_replicas: i32) -> i32 {
    // int32(math.Max(2.0*float64(current), 4.0))
    (2.0 * f64::from(current_replicas)).max(4.0) as i32
}

/// `convertDesiredReplicasWithRules` (legacy path): clamp to
/// `[min, min(max, max(2c, 4))]`. Returns (replicas, reason, message).
pub fn convert_desired_replicas_with_rules(
    current_replicas: i32,
    desired_replicas: i32,
    hpa_min_replicas: i32,
    hpa_max_replicas: i32,
) -> (i32, &'static str, &'static str) {
    let minimum_allowed = hpa_min_replicas;
    let scale_up_limit = calculate_scale_up_limit(current_replicas);
    let (maximum_allowed, mut condition, mut reason) = if hpa_max_replicas > scale_up_limit {
        (scale_up_limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
    } else {
        (hpa_max_replicas, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
    };
    if desired_replicas < minimum_allowed {
        condition = "TooFewReplicas";
        reason = "the desired replica count is less than the minimum replica count";
        return (minimum_allowed, condition, reason);
    } else if desired_replicas > maximum_allowed {
        return (maximum_allowed, condition, reason);
    }
    (desired_replicas, "DesiredWithinRange", "the desired count is within the acceptable range")
}

/// `getReplicasChangePerPeriod`: changes strictly newer than `now - period`.
pub fn replicas_change_per_period(period_seconds: i32, events: &[ScaleEvent], now: i64) -> i32 {
    let cutoff = now.saturating_sub(i64::from(period_seconds));
    events.iter().filter(|e| e.timestamp > cutoff).fold(0i32, |acc, e| acc.saturating_add(e.replica_change))
}

fn select_policy(rules: &HPAScalingRules) -> &str {
    rules.select_policy.as_deref().unwrap_or(SELECT_MAX)
}

/// `calculateScaleUpLimitWithScalingRules`.
pub fn calculate_scale_up_limit_with_scaling_rules(
    current_replicas: i32,
    scale_up_events: &[ScaleEvent],
    scale_down_events: &[ScaleEvent],
    rules: &HPAScalingRules,
    now: i64,
) -> i32 {
    let policy_select = select_policy(rules);
    if policy_select == SELECT_DISABLED {
        return current_replicas;
    }
    let min_change = policy_select == SELECT_MIN;
    let mut result = if min_change { i32::MAX } else { i32::MIN };
    for policy in rules.policies.as_deref().unwrap_or_default() {
        let added = replicas_change_per_period(policy.period_seconds, scale_up_events, now);
        let deleted = replicas_change_per_period(policy.period_seconds, scale_down_events, now);
        let period_start = current_replicas.saturating_sub(added).saturating_add(deleted);
        let proposed = match policy.type_.as_str() {
            POLICY_PODS => period_start.saturating_add(policy.value),
            // Rounded up, or a small percentage could never add a pod.
            POLICY_PERCENT => ceil_i32(f64::from(period_start) * (1.0 + f64::from(policy.value) / 100.0)),
            // API validation admits only Pods and Percent.
            _ => continue,
        };
        result = if min_change { result.min(proposed) } else { result.max(proposed) };
    }
    result
}

/// `calculateScaleDownLimitWithBehaviors`.
pub fn calculate_scale_down_limit_with_behaviors(
    current_replicas: i32,
    scale_up_events: &[ScaleEvent],
    scale_down_events: &[ScaleEvent],
    rules: &HPAScalingRules,
    now: i64,
) -> i32 {
    let policy_select = select_policy(rules);
    if policy_select == SELECT_DISABLED {
        return current_replicas;
    }
    let min_change = policy_select == SELECT_MIN;
    let mut result = if min_change { i32::MIN } else { i32::MAX };
    for policy in rules.policies.as_deref().unwrap_or_default() {
        let added = replicas_change_per_period(policy.period_seconds, scale_up_events, now);
        let deleted = replicas_change_per_period(policy.period_seconds, scale_down_events, now);
        let period_start = current_replicas.saturating_sub(added).saturating_add(deleted);
        let proposed = match policy.type_.as_str() {
            POLICY_PODS => period_start.saturating_sub(policy.value),
            // int32(float64(start) * (1 - value/100)): truncated.
            POLICY_PERCENT => (f64::from(period_start) * (1.0 - f64::from(policy.value) / 100.0)) as i32,
            _ => continue,
        };
        result = if min_change { result.max(proposed) } else { result.min(proposed) };
    }
    result
}

/// `convertDesiredReplicasWithBehaviorRate`: the rate limits, then min/max.
/// Returns (replicas, reason, message).
#[allow(clippy::too_many_arguments)]
pub fn convert_desired_replicas_with_behavior_rate(
    scale_up: &HPAScalingRules,
    scale_down: &HPAScalingRules,
    scale_up_events: &[ScaleEvent],
    scale_down_events: &[ScaleEvent],
    min_replicas: i32,
    max_replicas: i32,
    current_replicas: i32,
    desired_replicas: i32,
    now: i64,
) -> (i32, &'static str, &'static str) {
    if desired_replicas > current_replicas {
        let mut limit = calculate_scale_up_limit_with_scaling_rules(
            current_replicas,
            scale_up_events,
            scale_down_events,
            scale_up,
            now,
        );
        if limit < current_replicas {
            // No further scale-up until the events leave their periods.
            limit = current_replicas;
        }
        let (maximum_allowed, reason, message) = if max_replicas > limit {
            (limit, "ScaleUpLimit", "the desired replica count is increasing faster than the maximum scale rate")
        } else {
            (max_replicas, "TooManyReplicas", "the desired replica count is more than the maximum replica count")
        };
        if desired_replicas > maximum_allowed {
            return (maximum_allowed, reason, message);
        }
    } else if desired_replicas < current_replicas {
        let mut limit = calculate_scale_down_limit_with_behaviors(
            current_replicas,
            scale_up_events,
            scale_down_events,
            scale_down,
            now,
        );
        if limit > current_replicas {
            limit = current_replicas;
        }
        let (minimum_allowed, reason, message) = if min_replicas < limit {
            (limit, "ScaleDownLimit", "the desired replica count is decreasing faster than the maximum scale rate")
        } else {
            (min_replicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count")
        };
        if desired_replicas < minimum_allowed {
            return (minimum_allowed, reason, message);
        }
    }
    (desired_replicas, "DesiredWithinRange", "the desired count is within the acceptable range")
}

/// `getLongestPolicyPeriod`.
pub fn longest_policy_period(rules: &HPAScalingRules) -> i32 {
    rules.policies.as_deref().unwrap_or_default().iter().map(|p| p.period_seconds).fold(0, i32::max)
}

/// `storeScaleEvent` for one direction: events older than the longest policy
/// period are marked outdated and the last of them is reused.
pub fn store_scale_event(events: &mut Vec<ScaleEvent>, longest_policy_period: i32, replica_change: i32, now: i64) {
    let cutoff = now.saturating_sub(i64::from(longest_policy_period));
    let mut old_sample = None;
    for (i, event) in events.iter_mut().enumerate() {
        if event.timestamp < cutoff {
            event.outdated = true;
        }
        if event.outdated {
            old_sample = Some(i);
        }
    }
    let event = ScaleEvent { replica_change, timestamp: now, outdated: false };
    match old_sample.and_then(|i| events.get_mut(i)) {
        Some(slot) => *slot = event,
        None => events.push(event),
    }
}
