//! pkg/apis/apps/validation/validation.go: Deployment, ReplicaSet, StatefulSet
//! and DaemonSet specs.

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, DeploymentStrategy, ReplicaSet, StatefulSet};
use k8s_openapi::api::core::v1::PodTemplateSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::core::{template_restart_policy, workload_template};
use super::field::{
    forbidden, int_or_percent_value, int_or_string, invalid, label_selector, nonnegative, not_supported,
    positive_int_or_percent, quoted, required, string_map,
};
use super::selector::Checks;
use super::{Found, rule};
use crate::netpol::selector::Selector;

/// The selector checks Deployments, ReplicaSets and StatefulSets make
/// (apps/validation.go `ValidateDeploymentSpec`, `ValidateReplicaSetSpec`,
/// `ValidateStatefulSetSpec`): set (`Required value` when unset); strictly
/// valid (`ValidateLabelSelector`); non-empty (`empty selector is invalid for
/// <kind>`; ReplicaSet says "deployment", as upstream's copy does); then, when
/// `LabelSelectorAsSelector` refuses it, the selector is invalid as a whole
/// (`invalid_detail`: "invalid label selector", StatefulSet says nothing), and
/// otherwise the template's labels must match it. An unset selector converts to
/// `labels.Nothing()`, which matches no labels, so the template check fails too
/// (docs/semantics/validation.md §2).
pub fn selector_and_template(
    selector: Option<&LabelSelector>,
    template: &PodTemplateSpec,
    kind_word: &str,
    invalid_detail: &str,
    out: &mut Vec<Found>,
) {
    let Some(selector) = selector else {
        out.push(Found::new(rule::SELECTOR_EMPTY, "spec.selector".into(), required("spec.selector", "")));
        template_labels_refused(template, out);
        return;
    };
    let refused = strict_selector(selector, out);
    let written = selector.match_labels.as_ref().map_or(0, |m| m.len())
        + selector.match_expressions.as_ref().map_or(0, |e| e.len());
    if written == 0 {
        out.push(Found::new(
            rule::SELECTOR_EMPTY,
            "spec.selector".into(),
            invalid("spec.selector", &label_selector(selector), &format!("empty selector is invalid for {kind_word}")),
        ));
    }
    if refused {
        out.push(Found::new(
            rule::LABEL_SELECTOR,
            "spec.selector".into(),
            invalid("spec.selector", &label_selector(selector), invalid_detail),
        ));
    } else {
        template_matches(selector, template, out);
    }
}

/// `ValidateLabelSelector` with the strict options on `spec.selector`; true
/// when it refused the selector. `LabelSelectorAsSelector` fails exactly then
/// (it builds each requirement with the same key, value and operator checks),
/// so the callers skip the template comparison as upstream does.
pub fn strict_selector(selector: &LabelSelector, out: &mut Vec<Found>) -> bool {
    let before = out.len();
    super::selector::label_selector(selector, "spec.selector", Checks::All, rule::LABEL_SELECTOR, out);
    out.len() > before
}

/// `selector.Matches(labels.Set(template.Labels))`, for a selector
/// `strict_selector` accepted.
pub fn template_matches(selector: &LabelSelector, template: &PodTemplateSpec, out: &mut Vec<Found>) {
    let Ok(compiled) = Selector::compile(selector) else { return };
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    if !compiled.is_empty() && !compiled.matches(&labels.cloned().unwrap_or_default()) {
        template_labels_refused(template, out);
    }
}

/// The template's labels do not match the selector (or it is unset: nothing matches).
fn template_labels_refused(template: &PodTemplateSpec, out: &mut Vec<Found>) {
    let labels = template.metadata.as_ref().and_then(|m| m.labels.as_ref());
    let at = "spec.template.metadata.labels";
    out.push(Found::new(
        rule::SELECTOR_MISMATCH,
        at.into(),
        invalid(at, &string_map(labels), "`selector` does not match template `labels`"),
    ));
}

fn nonnegative_field(path: &str, value: Option<i32>, out: &mut Vec<Found>) {
    if let Some(message) = nonnegative(path, value.map(i64::from)) {
        out.push(Found::new(rule::NEGATIVE, path.to_owned(), message));
    }
}

/// A controller that only runs pods forever forbids activeDeadlineSeconds.
fn no_active_deadline(template: &PodTemplateSpec, kind: &str, out: &mut Vec<Found>) {
    if template.spec.as_ref().is_some_and(|s| s.active_deadline_seconds.is_some()) {
        let at = "spec.template.spec.activeDeadlineSeconds";
        out.push(Found::new(
            rule::RESTART_POLICY,
            at.into(),
            forbidden(at, &format!("activeDeadlineSeconds in {kind} is not Supported")),
        ));
    }
}

/// `ValidateDeploymentSpec`.
pub fn deployment(deployment: &Deployment, selector_set: bool, out: &mut Vec<Found>) {
    let spec = &deployment.spec;
    nonnegative_field("spec.replicas", spec.replicas, out);
    selector_and_template(
        selector_set.then_some(&spec.selector),
        &spec.template,
        "deployment",
        "invalid label selector",
        out,
    );
    workload_template(&spec.template, "spec.template", &["Always"], out);
    no_active_deadline(&spec.template, "ReplicaSet", out);
    if let Some(strategy) = &spec.strategy {
        deployment_strategy(strategy, out);
    }
    nonnegative_field("spec.minReadySeconds", spec.min_ready_seconds, out);
    nonnegative_field("spec.revisionHistoryLimit", spec.revision_history_limit, out);
    if let Some(deadline) = spec.progress_deadline_seconds {
        nonnegative_field("spec.progressDeadlineSeconds", Some(deadline), out);
        if deadline <= spec.min_ready_seconds.unwrap_or(0) {
            let at = "spec.progressDeadlineSeconds";
            out.push(Found::new(
                rule::DEPLOYMENT_STRATEGY,
                at.into(),
                invalid(at, &deadline.to_string(), "must be greater than minReadySeconds"),
            ));
        }
    }
}

/// `ValidateDeploymentStrategy` after `SetDefaults_Deployment` (type
/// RollingUpdate; maxUnavailable and maxSurge 25% when absent).
fn deployment_strategy(strategy: &DeploymentStrategy, out: &mut Vec<Found>) {
    match strategy.type_.as_deref().unwrap_or("RollingUpdate") {
        "Recreate" => {
            if strategy.rolling_update.is_some() {
                let at = "spec.strategy.rollingUpdate";
                out.push(Found::new(
                    rule::DEPLOYMENT_STRATEGY,
                    at.into(),
                    forbidden(at, "may not be specified when strategy `type` is 'Recreate'"),
                ));
            }
        }
        "RollingUpdate" => {
            let Some(rolling) = &strategy.rolling_update else { return };
            let default = k8s_openapi::apimachinery::pkg::util::intstr::IntOrString::String("25%".into());
            let unavailable = rolling.max_unavailable.clone().unwrap_or_else(|| default.clone());
            let surge = rolling.max_surge.clone().unwrap_or(default);
            let unavailable_path = "spec.strategy.rollingUpdate.maxUnavailable";
            for message in positive_int_or_percent(unavailable_path, &unavailable, true) {
                out.push(Found::new(rule::DEPLOYMENT_STRATEGY, unavailable_path.into(), message));
            }
            let surge_path = "spec.strategy.rollingUpdate.maxSurge";
            for message in positive_int_or_percent(surge_path, &surge, false) {
                out.push(Found::new(rule::DEPLOYMENT_STRATEGY, surge_path.into(), message));
            }
            if int_or_percent_value(&unavailable) == 0 && int_or_percent_value(&surge) == 0 {
                out.push(Found::new(
                    rule::DEPLOYMENT_STRATEGY,
                    unavailable_path.into(),
                    invalid(unavailable_path, &int_or_string(&unavailable), "may not be 0 when `maxSurge` is 0"),
                ));
            }
        }
        other => out.push(Found::new(
            rule::DEPLOYMENT_STRATEGY,
            "spec.strategy.type".into(),
            not_supported("spec.strategy", &quoted(other), &["Recreate", "RollingUpdate"]),
        )),
    }
}

/// `ValidateReplicaSetSpec`.
pub fn replica_set(replica_set: &ReplicaSet, selector_set: bool, out: &mut Vec<Found>) {
    let spec = &replica_set.spec;
    nonnegative_field("spec.replicas", spec.replicas, out);
    nonnegative_field("spec.minReadySeconds", spec.min_ready_seconds, out);
    let Some(template) = &spec.template else { return };
    selector_and_template(
        selector_set.then_some(&spec.selector),
        template,
        "deployment",
        "invalid label selector",
        out,
    );
    workload_template(template, "spec.template", &["Always"], out);
    no_active_deadline(template, "ReplicaSet", out);
}

/// `ValidateDaemonSetSpec`.
/// Unlike the others it does not require the selector: an unset one converts
/// to `labels.Nothing()`, so only the template check fails.
pub fn daemon_set(daemon_set: &DaemonSet, selector_set: bool, out: &mut Vec<Found>) {
    let spec = &daemon_set.spec;
    if !selector_set {
        template_labels_refused(&spec.template, out);
    } else if !strict_selector(&spec.selector, out) {
        template_matches(&spec.selector, &spec.template, out);
    }
    let written = spec.selector.match_labels.as_ref().map_or(0, |m| m.len())
        + spec.selector.match_expressions.as_ref().map_or(0, |e| e.len());
    if selector_set && written == 0 {
        out.push(Found::new(
            rule::SELECTOR_EMPTY,
            "spec.selector".into(),
            invalid("spec.selector", &label_selector(&spec.selector), "empty selector is invalid for daemonset"),
        ));
    }
    workload_template(&spec.template, "spec.template", &["Always"], out);
    no_active_deadline(&spec.template, "DaemonSet", out);
    nonnegative_field("spec.minReadySeconds", spec.min_ready_seconds, out);
    nonnegative_field("spec.revisionHistoryLimit", spec.revision_history_limit, out);
}

/// `ValidateStatefulSetSpec`. Upstream does not validate a StatefulSet's pod
/// spec (`ValidatePodTemplateSpecForStatefulSet` leaves it as a TODO), so only
/// the selector, the restart policy and the numbers are checked here.
pub fn stateful_set(stateful_set: &StatefulSet, selector_set: bool, out: &mut Vec<Found>) {
    let spec = &stateful_set.spec;
    // Defaulted when absent (OrderedReady, RollingUpdate, Retain): only an
    // unknown value is refused.
    if let Some(policy) = spec.pod_management_policy.as_deref()
        && !matches!(policy, "" | "OrderedReady" | "Parallel")
    {
        let at = "spec.podManagementPolicy";
        out.push(Found::new(
            rule::STATEFULSET_SPEC,
            at.into(),
            invalid(at, &quoted(policy), "must be 'OrderedReady' or 'Parallel'"),
        ));
    }
    if let Some(strategy) = &spec.update_strategy {
        let rolling = strategy.rolling_update.as_ref();
        // The internal types as JSON (Go's field names); maxUnavailable is dropped
        // before validation while MaxUnavailableStatefulSet is off (the default).
        let rolling_json =
            |partition: Option<i32>| format!("{{\"Partition\":{},\"MaxUnavailable\":null}}", partition.unwrap_or(0));
        match strategy.type_.as_deref().unwrap_or_default() {
            "" | "RollingUpdate" => {
                if let Some(partition) = rolling.and_then(|r| r.partition) {
                    nonnegative_field("spec.updateStrategy.rollingUpdate.partition", Some(partition), out);
                }
            }
            "OnDelete" => {
                if let Some(rolling) = rolling {
                    let at = "spec.updateStrategy.rollingUpdate";
                    out.push(Found::new(
                        rule::STATEFULSET_SPEC,
                        at.into(),
                        invalid(
                            at,
                            &rolling_json(rolling.partition),
                            "only allowed for updateStrategy 'RollingUpdate'",
                        ),
                    ));
                }
            }
            other => {
                let at = "spec.updateStrategy";
                let value = format!(
                    "{{\"Type\":{},\"RollingUpdate\":{}}}",
                    super::field::json_string(other),
                    rolling.map_or_else(|| "null".to_owned(), |r| rolling_json(r.partition))
                );
                out.push(Found::new(
                    rule::STATEFULSET_SPEC,
                    format!("{at}.type"),
                    invalid(at, &value, "must be 'RollingUpdate' or 'OnDelete'"),
                ));
            }
        }
    }
    if let Some(retention) = &spec.persistent_volume_claim_retention_policy {
        for (field, policy) in [("whenDeleted", &retention.when_deleted), ("whenScaled", &retention.when_scaled)] {
            if let Some(policy) = policy.as_deref().filter(|p| !matches!(*p, "" | "Retain" | "Delete")) {
                let at = format!("spec.persistentVolumeClaimRetentionPolicy.{field}");
                out.push(Found::new(
                    rule::STATEFULSET_SPEC,
                    at.clone(),
                    not_supported(&at, &quoted(policy), &["Retain", "Delete"]),
                ));
            }
        }
    }
    nonnegative_field("spec.replicas", spec.replicas, out);
    nonnegative_field("spec.minReadySeconds", spec.min_ready_seconds, out);
    if let Some(start) = spec.ordinals.as_ref().and_then(|o| o.start) {
        // Upstream's path is the one string "ordinals.start".
        if let Some(message) = nonnegative("spec.ordinals.start", Some(i64::from(start))) {
            out.push(Found::new(rule::NEGATIVE, "spec.ordinals.start".into(), message));
        }
    }
    selector_and_template(selector_set.then_some(&spec.selector), &spec.template, "statefulset", "", out);
    template_restart_policy(&spec.template, "spec.template", &["Always"], out);
    no_active_deadline(&spec.template, "StatefulSet", out);
}
