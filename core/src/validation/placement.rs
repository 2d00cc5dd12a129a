//! pkg/apis/core/validation/validation.go: where a pod may run. Node
//! affinity (`validateNodeAffinity`: `ValidateNodeSelector`,
//! `ValidateNodeSelectorRequirement`, `ValidatePreferredSchedulingTerms`) and
//! topology spread constraints (`validateTopologySpreadConstraints`), from
//! `ValidatePodSpec`. Checked: the operators and the values they take, the
//! keys, the weights, and every field of a spread constraint except its
//! `matchLabelKeys` and label selector; pod (anti-)affinity terms
//! (`validatePodAffinityTerm`) for their namespaces, topology key and weight,
//! not yet their selectors and label keys; node field selectors (`matchFields`)
//! are not checked yet.

use k8s_openapi::api::core::v1::{
    Affinity, NodeSelectorTerm, PodAffinityTerm, TopologySpreadConstraint, WeightedPodAffinityTerm,
};

use super::field::{duplicate, forbidden, invalid, json_string, label_name, not_supported, quoted, required};
use super::{Found, rule};
use crate::load::NameRule;

/// `isNotPositiveErrorMsg`.
const NOT_POSITIVE: &str = "must be greater than zero";

/// A preferred term's weight, 1-100 (`ValidatePreferredSchedulingTerms`,
/// `validateWeightedPodAffinityTerms`), under the term at `at`.
fn weight(weight: i32, at: &str, rule: &'static super::Rule, out: &mut Vec<Found>) {
    if !(1..=100).contains(&weight) {
        let weight_at = format!("{at}.weight");
        out.push(Found::new(
            rule,
            weight_at.clone(),
            invalid(&weight_at, &weight.to_string(), "must be in the range 1-100"),
        ));
    }
}

/// `ValidateNodeSelectorRequirement` for each of a term's `matchExpressions`.
fn node_selector_term(term: &NodeSelectorTerm, base: &str, out: &mut Vec<Found>) {
    let rule = rule::NODE_AFFINITY;
    for (j, requirement) in term.match_expressions.iter().flatten().enumerate() {
        let at = format!("{base}.matchExpressions[{j}]");
        let values = requirement.values.as_deref().unwrap_or_default();
        let values_at = format!("{at}.values");
        match requirement.operator.as_str() {
            "In" | "NotIn" if values.is_empty() => out.push(Found::new(
                rule,
                values_at.clone(),
                required(&values_at, "must be specified when `operator` is 'In' or 'NotIn'"),
            )),
            "Exists" | "DoesNotExist" if !values.is_empty() => out.push(Found::new(
                rule,
                values_at.clone(),
                forbidden(&values_at, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"),
            )),
            "Gt" | "Lt" if values.len() != 1 => out.push(Found::new(
                rule,
                values_at.clone(),
                required(&values_at, "must be specified single value when `operator` is 'Lt' or 'Gt'"),
            )),
            "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt" => {}
            other => {
                let operator_at = format!("{at}.operator");
                out.push(Found::new(
                    rule,
                    operator_at.clone(),
                    invalid(&operator_at, &json_string(other), "not a valid selector operator"),
                ));
            }
        }
        let key_at = format!("{at}.key");
        for message in label_name(&key_at, &requirement.key) {
            out.push(Found::new(rule, key_at.clone(), message));
        }
    }
}

/// `validatePodAffinityTerm`: the namespaces it names (as upstream, under
/// `namespace`), and a topology key that is set and a label name (an empty
/// key gets both errors).
fn pod_affinity_term(term: &PodAffinityTerm, base: &str, out: &mut Vec<Found>) {
    let rule = rule::POD_AFFINITY;
    let namespace_at = format!("{base}.namespace");
    for (k, name) in term.namespaces.iter().flatten().enumerate() {
        for problem in NameRule::Dns1123Label.problems(name) {
            out.push(Found::new(
                rule,
                format!("{base}.namespaces[{k}]"),
                invalid(&namespace_at, &quoted(name), &problem),
            ));
        }
    }
    let key_at = format!("{base}.topologyKey");
    if term.topology_key.is_empty() {
        out.push(Found::new(rule, key_at.clone(), required(&key_at, "can not be empty")));
    }
    for message in label_name(&key_at, &term.topology_key) {
        out.push(Found::new(rule, key_at.clone(), message));
    }
}

/// `validatePodAffinity` / `validatePodAntiAffinity`: required terms, and
/// weighted terms with a weight of 1-100.
fn pod_affinity(
    required_terms: Option<&Vec<PodAffinityTerm>>,
    preferred: Option<&Vec<WeightedPodAffinityTerm>>,
    base: &str,
    out: &mut Vec<Found>,
) {
    for (i, term) in required_terms.into_iter().flatten().enumerate() {
        pod_affinity_term(term, &format!("{base}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"), out);
    }
    for (j, term) in preferred.into_iter().flatten().enumerate() {
        let at = format!("{base}.preferredDuringSchedulingIgnoredDuringExecution[{j}]");
        weight(term.weight, &at, rule::POD_AFFINITY, out);
        pod_affinity_term(&term.pod_affinity_term, &format!("{at}.podAffinityTerm"), out);
    }
}

/// `validateAffinity` under `base` (`<pod spec>.affinity`).
pub fn affinity(affinity: &Affinity, base: &str, out: &mut Vec<Found>) {
    // Upstream's order: node affinity, pod affinity, pod anti-affinity.
    if let Some(node) = &affinity.node_affinity {
        let base = format!("{base}.nodeAffinity");
        if let Some(selector) = &node.required_during_scheduling_ignored_during_execution {
            let at = format!("{base}.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms");
            if selector.node_selector_terms.is_empty() {
                out.push(Found::new(
                    rule::NODE_AFFINITY,
                    at.clone(),
                    required(&at, "must have at least one node selector term"),
                ));
            }
            for (i, term) in selector.node_selector_terms.iter().enumerate() {
                node_selector_term(term, &format!("{at}[{i}]"), out);
            }
        }
        let preferred = node.preferred_during_scheduling_ignored_during_execution.as_deref().unwrap_or_default();
        for (i, term) in preferred.iter().enumerate() {
            let at = format!("{base}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            weight(term.weight, &at, rule::NODE_AFFINITY, out);
            node_selector_term(&term.preference, &format!("{at}.preference"), out);
        }
    }
    if let Some(terms) = &affinity.pod_affinity {
        pod_affinity(
            terms.required_during_scheduling_ignored_during_execution.as_ref(),
            terms.preferred_during_scheduling_ignored_during_execution.as_ref(),
            &format!("{base}.podAffinity"),
            out,
        );
    }
    if let Some(terms) = &affinity.pod_anti_affinity {
        pod_affinity(
            terms.required_during_scheduling_ignored_during_execution.as_ref(),
            terms.preferred_during_scheduling_ignored_during_execution.as_ref(),
            &format!("{base}.podAntiAffinity"),
            out,
        );
    }
}

/// `validateTopologySpreadConstraints` under `base`
/// (`<pod spec>.topologySpreadConstraints`).
pub fn topology_spread_constraints(constraints: &[TopologySpreadConstraint], base: &str, out: &mut Vec<Found>) {
    let rule = rule::TOPOLOGY_SPREAD;
    for (i, constraint) in constraints.iter().enumerate() {
        let at = format!("{base}[{i}]");
        let mut push = |path: String, message: String| out.push(Found::new(rule, path, message));
        if constraint.max_skew <= 0 {
            let skew_at = format!("{at}.maxSkew");
            push(skew_at.clone(), invalid(&skew_at, &constraint.max_skew.to_string(), NOT_POSITIVE));
        }
        if constraint.topology_key.is_empty() {
            let key_at = format!("{at}.topologyKey");
            push(key_at.clone(), required(&key_at, "can not be empty"));
        }
        let action = constraint.when_unsatisfiable.as_str();
        if !matches!(action, "DoNotSchedule" | "ScheduleAnyway") {
            let action_at = format!("{at}.whenUnsatisfiable");
            push(
                action_at.clone(),
                not_supported(&action_at, &json_string(action), &["DoNotSchedule", "ScheduleAnyway"]),
            );
        }
        // The pair (topologyKey, whenUnsatisfiable) is one kind of constraint.
        if constraints[i + 1..]
            .iter()
            .any(|later| later.topology_key == constraint.topology_key && later.when_unsatisfiable == action)
        {
            let pair_at = format!("{at}.{{topologyKey, whenUnsatisfiable}}");
            push(at.clone(), duplicate(&pair_at, &quoted(&format!("{{{}, {action}}}", constraint.topology_key))));
        }
        if let Some(min_domains) = constraint.min_domains {
            let domains_at = format!("{at}.minDomains");
            if min_domains <= 0 {
                push(domains_at.clone(), invalid(&domains_at, &min_domains.to_string(), NOT_POSITIVE));
            }
            if action != "DoNotSchedule" {
                push(
                    domains_at.clone(),
                    invalid(
                        &domains_at,
                        &min_domains.to_string(),
                        &format!("can only use minDomains if whenUnsatisfiable=DoNotSchedule, not {action}"),
                    ),
                );
            }
        }
        for (field, policy) in [
            ("nodeAffinityPolicy", &constraint.node_affinity_policy),
            ("nodeTaintsPolicy", &constraint.node_taints_policy),
        ] {
            if let Some(policy) = policy.as_deref().filter(|p| !matches!(*p, "Honor" | "Ignore")) {
                let policy_at = format!("{at}.{field}");
                push(policy_at.clone(), not_supported(&policy_at, &json_string(policy), &["Honor", "Ignore"]));
            }
        }
    }
}
