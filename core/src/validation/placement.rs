//! pkg/apis/core/validation/validation.go: where a pod may run. Node
//! affinity (`validateNodeAffinity`: `ValidateNodeSelector`,
//! `ValidateNodeSelectorTerm`, `ValidateNodeSelectorRequirement`,
//! `ValidateNodeFieldSelectorRequirement`, `ValidatePreferredSchedulingTerms`),
//! pod (anti-)affinity terms (`validatePodAffinityTerm`: label and namespace
//! selectors, namespaces, `matchLabelKeys` / `mismatchLabelKeys`, topology key,
//! weight) and topology spread constraints (`validateTopologySpreadConstraints`),
//! from `ValidatePodSpec`, with the options of a create (invalid label values
//! refused wherever upstream has an option to allow them for old objects).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    Affinity, NodeSelectorTerm, PodAffinityTerm, TopologySpreadConstraint, WeightedPodAffinityTerm,
};

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::field::{
    duplicate, forbidden, invalid, json_string, label_name, label_value_problems, not_supported, quoted, required,
};
use super::selector::{Checks, Operators, label_selector, operator_and_values};
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

/// `ValidateNodeSelectorTerm`: `ValidateNodeSelectorRequirement` for each of
/// the term's `matchExpressions` (their values must be label values unless
/// `any_values`: a preferred term may name values no node has), then
/// `ValidateNodeFieldSelectorRequirement` for each of its `matchFields`.
fn node_selector_term(term: &NodeSelectorTerm, base: &str, any_values: bool, out: &mut Vec<Found>) {
    let rule = rule::NODE_AFFINITY;
    for (j, requirement) in term.match_expressions.iter().flatten().enumerate() {
        let at = format!("{base}.matchExpressions[{j}]");
        let values = requirement.values.as_deref().unwrap_or_default();
        let values_at = format!("{at}.values");
        operator_and_values(&requirement.operator, values, &at, Operators::Node, rule, out);
        let key_at = format!("{at}.key");
        for message in label_name(&key_at, &requirement.key) {
            out.push(Found::new(rule, key_at.clone(), message));
        }
        if !any_values {
            for (k, value) in values.iter().enumerate() {
                let value_at = format!("{values_at}[{k}]");
                for problem in label_value_problems(value) {
                    out.push(Found::new(rule, value_at.clone(), invalid(&value_at, &quoted(value), &problem)));
                }
            }
        }
    }
    for (j, requirement) in term.match_fields.iter().flatten().enumerate() {
        let at = format!("{base}.matchFields[{j}]");
        let values = requirement.values.as_deref().unwrap_or_default();
        let values_at = format!("{at}.values");
        match requirement.operator.as_str() {
            "In" | "NotIn" if values.len() != 1 => out.push(Found::new(
                rule,
                values_at.clone(),
                required(
                    &values_at,
                    "must be only one value when `operator` is 'In' or 'NotIn' for node field selector",
                ),
            )),
            "In" | "NotIn" => {}
            other => {
                let operator_at = format!("{at}.operator");
                out.push(Found::new(
                    rule,
                    operator_at.clone(),
                    invalid(&operator_at, &json_string(other), "not a valid selector operator"),
                ));
            }
        }
        // `nodeFieldSelectorValidators`: a node's name is the only field, and
        // each value must be a node name (a DNS subdomain).
        if requirement.key == "metadata.name" {
            for (k, value) in values.iter().enumerate() {
                let value_at = format!("{values_at}[{k}]");
                for problem in NameRule::Dns1123Subdomain.problems(value) {
                    out.push(Found::new(rule, value_at.clone(), invalid(&value_at, &quoted(value), &problem)));
                }
            }
        } else {
            let key_at = format!("{at}.key");
            out.push(Found::new(
                rule,
                key_at.clone(),
                invalid(&key_at, &quoted(&requirement.key), "not a valid field selector key"),
            ));
        }
    }
}

/// `validateLabelKeys` for `matchLabelKeys` or `mismatchLabelKeys` at `at`:
/// forbidden without a label selector, otherwise each a label name.
fn label_keys(keys: &[String], at: &str, selector: Option<&LabelSelector>, out: &mut Vec<Found>) {
    if keys.is_empty() {
        return;
    }
    if selector.is_none() {
        out.push(Found::new(
            rule::POD_AFFINITY,
            at.to_owned(),
            forbidden(at, "must not be specified when labelSelector is not set"),
        ));
        return;
    }
    for (i, key) in keys.iter().enumerate() {
        let key_at = format!("{at}[{i}]");
        for message in label_name(&key_at, key) {
            out.push(Found::new(rule::POD_AFFINITY, key_at.clone(), message));
        }
    }
}

/// `validateMatchLabelKeysAndMismatchLabelKeys` for the term at `base`. For a
/// Pod (`pod_labels` set) the API server has already appended to the selector
/// one `In` expression per matchLabelKeys key the pod carries and one `NotIn`
/// per mismatchLabelKeys key (pkg/registry/core/pod/strategy.go,
/// `applyMatchLabelKeysAndMismatchLabelKeys`); a template is validated as written
/// (docs/semantics/validation.md §3).
fn match_label_keys(
    term: &PodAffinityTerm,
    base: &str,
    pod_labels: Option<&BTreeMap<String, String>>,
    out: &mut Vec<Found>,
) {
    let rule = rule::POD_AFFINITY;
    let match_keys = term.match_label_keys.as_deref().unwrap_or_default();
    let mismatch_keys = term.mismatch_label_keys.as_deref().unwrap_or_default();
    let selector = term.label_selector.as_ref();
    label_keys(match_keys, &format!("{base}.matchLabelKeys"), selector, out);
    label_keys(mismatch_keys, &format!("{base}.mismatchLabelKeys"), selector, out);
    if let Some(selector) = selector {
        let written = selector.match_expressions.iter().flatten().map(|e| e.key.as_str());
        let merged = pod_labels.into_iter().flat_map(|labels| {
            match_keys.iter().chain(mismatch_keys).filter(|k| labels.contains_key(*k)).map(String::as_str)
        });
        // A key of matchLabelKeys that the selector names a second time, in
        // matchExpressions after matchLabels or an earlier expression. Upstream's
        // path is the term's own, indexed by the key's position in
        // matchLabelKeys (`fldPath.Index(i)`); the finding is located on that key.
        let mut seen: BTreeSet<&str> = selector.match_labels.iter().flatten().map(|(key, _)| key.as_str()).collect();
        for key in written.chain(merged) {
            if let Some(i) = match_keys.iter().rposition(|k| k == key)
                && seen.contains(key)
            {
                out.push(Found::new(
                    rule,
                    format!("{base}.matchLabelKeys[{i}]"),
                    invalid(&format!("{base}[{i}]"), &quoted(key), "exists in both matchLabelKeys and labelSelector"),
                ));
            }
            seen.insert(key);
        }
    }
    for (i, key) in match_keys.iter().enumerate() {
        if mismatch_keys.contains(key) {
            let at = format!("{base}.matchLabelKeys[{i}]");
            out.push(Found::new(
                rule,
                at.clone(),
                invalid(&at, &quoted(key), "exists in both matchLabelKeys and mismatchLabelKeys"),
            ));
        }
    }
}

/// `validatePodAffinityTerm`: its selectors, the namespaces it names (as
/// upstream, under `namespace`), its label keys, and a topology key that is set
/// and a label name (an empty key gets both errors).
fn pod_affinity_term(
    term: &PodAffinityTerm,
    base: &str,
    pod_labels: Option<&BTreeMap<String, String>>,
    out: &mut Vec<Found>,
) {
    let rule = rule::POD_AFFINITY;
    // ValidatePodAffinityTermSelector: both selectors first.
    if let Some(selector) = &term.label_selector {
        label_selector(selector, &format!("{base}.labelSelector"), Checks::All, rule, out);
    }
    if let Some(selector) = &term.namespace_selector {
        label_selector(selector, &format!("{base}.namespaceSelector"), Checks::All, rule, out);
    }
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
    match_label_keys(term, base, pod_labels, out);
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
    pod_labels: Option<&BTreeMap<String, String>>,
    out: &mut Vec<Found>,
) {
    for (i, term) in required_terms.into_iter().flatten().enumerate() {
        pod_affinity_term(
            term,
            &format!("{base}.requiredDuringSchedulingIgnoredDuringExecution[{i}]"),
            pod_labels,
            out,
        );
    }
    for (j, term) in preferred.into_iter().flatten().enumerate() {
        let at = format!("{base}.preferredDuringSchedulingIgnoredDuringExecution[{j}]");
        weight(term.weight, &at, rule::POD_AFFINITY, out);
        pod_affinity_term(&term.pod_affinity_term, &format!("{at}.podAffinityTerm"), pod_labels, out);
    }
}

/// `validateAffinity` under `base` (`<pod spec>.affinity`).
pub fn affinity(affinity: &Affinity, base: &str, pod_labels: Option<&BTreeMap<String, String>>, out: &mut Vec<Found>) {
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
                node_selector_term(term, &format!("{at}[{i}]"), false, out);
            }
        }
        let preferred = node.preferred_during_scheduling_ignored_during_execution.as_deref().unwrap_or_default();
        for (i, term) in preferred.iter().enumerate() {
            let at = format!("{base}.preferredDuringSchedulingIgnoredDuringExecution[{i}]");
            weight(term.weight, &at, rule::NODE_AFFINITY, out);
            // "we always allow invalid label-value for preferred affinity".
            node_selector_term(&term.preference, &format!("{at}.preference"), true, out);
        }
    }
    if let Some(terms) = &affinity.pod_affinity {
        pod_affinity(
            terms.required_during_scheduling_ignored_during_execution.as_ref(),
            terms.preferred_during_scheduling_ignored_during_execution.as_ref(),
            &format!("{base}.podAffinity"),
            pod_labels,
            out,
        );
    }
    if let Some(terms) = &affinity.pod_anti_affinity {
        pod_affinity(
            terms.required_during_scheduling_ignored_during_execution.as_ref(),
            terms.preferred_during_scheduling_ignored_during_execution.as_ref(),
            &format!("{base}.podAntiAffinity"),
            pod_labels,
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
        spread_match_label_keys(constraint, &format!("{at}.matchLabelKeys"), out);
        if let Some(selector) = &constraint.label_selector {
            label_selector(selector, &format!("{at}.labelSelector"), Checks::All, rule, out);
        }
    }
}

/// `validateMatchLabelKeysInTopologySpread`: forbidden without a label
/// selector; each key a label name that the selector does not already name.
fn spread_match_label_keys(constraint: &TopologySpreadConstraint, at: &str, out: &mut Vec<Found>) {
    let keys = constraint.match_label_keys.as_deref().unwrap_or_default();
    if keys.is_empty() {
        return;
    }
    let rule = rule::TOPOLOGY_SPREAD;
    let selector = constraint.label_selector.as_ref();
    let named: BTreeSet<&str> = selector
        .map(|s| {
            let labels = s.match_labels.iter().flatten().map(|(key, _)| key.as_str());
            labels.chain(s.match_expressions.iter().flatten().map(|e| e.key.as_str())).collect()
        })
        .unwrap_or_default();
    if selector.is_none() {
        out.push(Found::new(rule, at.to_owned(), forbidden(at, "must not be specified when labelSelector is not set")));
    }
    for (i, key) in keys.iter().enumerate() {
        let key_at = format!("{at}[{i}]");
        for message in label_name(&key_at, key) {
            out.push(Found::new(rule, key_at.clone(), message));
        }
        if named.contains(key.as_str()) {
            out.push(Found::new(
                rule,
                key_at.clone(),
                invalid(&key_at, &quoted(key), "exists in both matchLabelKeys and labelSelector"),
            ));
        }
    }
}
