//! apimachinery pkg/apis/meta/v1/validation/validation.go: label maps
//! (`ValidateLabels`) and label selectors (`ValidateLabelSelector`,
//! `ValidateLabelSelectorRequirement`), as every API group calls them on a
//! selector it stores. Creation uses the strict options: an invalid label value
//! inside `matchExpressions` is refused (`AllowInvalidLabelValueInSelector`
//! only keeps old objects valid on update; docs/semantics/validation.md §1, §2).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

use super::field::{forbidden, invalid, label_name, label_value_problems, quoted, required};
use super::{Found, Rule};

/// `ValidateLabels(labels, at)`: every error sits on `at` with the key or the
/// value as the invalid value; each is located on the entry's key. Keys in
/// sorted order (upstream ranges over a Go map, in no fixed order).
pub fn labels(labels: Option<&BTreeMap<String, String>>, at: &str, rule: &'static Rule, out: &mut Vec<Found>) {
    for (key, value) in labels.into_iter().flatten() {
        let place = format!("{at}.{key}");
        for message in label_name(at, key) {
            out.push(Found::new(rule, place.clone(), message));
        }
        for problem in label_value_problems(value) {
            out.push(Found::new(rule, place.clone(), invalid(at, &quoted(value), &problem)));
        }
    }
}

/// What of a selector to check.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Checks {
    /// Everything `ValidateLabelSelector` checks.
    All,
    /// Keys and values only: for a NetworkPolicy, whose compiler already
    /// refuses an unknown operator or a wrong number of values
    /// (`netpol-invalid`), so the operator is reported once.
    Names,
}

/// `ValidateLabelSelector(selector, {}, at)` for creation.
pub fn label_selector(selector: &LabelSelector, at: &str, checks: Checks, rule: &'static Rule, out: &mut Vec<Found>) {
    labels(selector.match_labels.as_ref(), &format!("{at}.matchLabels"), rule, out);
    for (i, requirement) in selector.match_expressions.iter().flatten().enumerate() {
        let base = format!("{at}.matchExpressions[{i}]");
        let values = requirement.values.as_deref().unwrap_or_default();
        let values_at = format!("{base}.values");
        if checks == Checks::All {
            operator_and_values(&requirement.operator, values, &base, Operators::Label, rule, out);
        }
        let key_at = format!("{base}.key");
        for message in label_name(&key_at, &requirement.key) {
            out.push(Found::new(rule, key_at.clone(), message));
        }
        for (j, value) in values.iter().enumerate() {
            let value_at = format!("{values_at}[{j}]");
            for problem in label_value_problems(value) {
                out.push(Found::new(rule, value_at.clone(), invalid(&value_at, &quoted(value), &problem)));
            }
        }
    }
}

/// The operators a requirement may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operators {
    /// A label selector's: In, NotIn, Exists, DoesNotExist.
    Label,
    /// A node selector's: those and Gt, Lt.
    Node,
}

/// The operator and value-count checks `ValidateLabelSelectorRequirement` and
/// `ValidateNodeSelectorRequirement` share: In and NotIn need values, Exists
/// and DoesNotExist forbid them, Gt and Lt (node selectors only) take exactly
/// one, anything else is "not a valid selector operator".
pub fn operator_and_values(
    operator: &str,
    values: &[String],
    base: &str,
    operators: Operators,
    rule: &'static Rule,
    out: &mut Vec<Found>,
) {
    let values_at = format!("{base}.values");
    let node = operators == Operators::Node;
    match operator {
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
        "Gt" | "Lt" if node && values.len() != 1 => out.push(Found::new(
            rule,
            values_at.clone(),
            required(&values_at, "must be specified single value when `operator` is 'Lt' or 'Gt'"),
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
        "Gt" | "Lt" if node => {}
        other => {
            let operator_at = format!("{base}.operator");
            out.push(Found::new(
                rule,
                operator_at.clone(),
                invalid(&operator_at, &quoted(other), "not a valid selector operator"),
            ));
        }
    }
}
