//! pkg/apis/core/validation/validation.go: a pod's tolerations
//! (`ValidateTolerations`, from `ValidatePodSpec`) and a Node's taints
//! (`validateNodeTaints`, from `ValidateNode`), with `validateTaintEffect`.
//! Where upstream prints a whole toleration or taint, the value is the JSON
//! of the internal type, whose fields keep Go's names (no JSON tags).

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::{Node, Taint, Toleration};

use super::field::{self, duplicate, invalid, json_string, label_value_problems, not_supported, quoted, required};
use super::{Found, rule};

/// The effects `validateTaintEffect` accepts, in its order.
const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// `validateTaintEffect`: empty only where allowed, else one of the three.
fn taint_effect(effect: &str, allow_empty: bool, at: &str, rule: &'static super::Rule, out: &mut Vec<Found>) {
    if effect.is_empty() {
        if !allow_empty {
            out.push(Found::new(rule, at.into(), required(at, "")));
        }
        return;
    }
    if !TAINT_EFFECTS.contains(&effect) {
        out.push(Found::new(rule, at.into(), not_supported(at, &json_string(effect), &TAINT_EFFECTS)));
    }
}

/// `ValidateLabelName` as findings of `rule`.
fn label_name(key: &str, at: &str, rule: &'static super::Rule, out: &mut Vec<Found>) {
    out.extend(field::label_name(at, key).into_iter().map(|message| Found::new(rule, at.into(), message)));
}

/// `ValidateTolerations` under `base` (`spec.tolerations` or a template's).
pub fn tolerations(list: &[Toleration], base: &str, out: &mut Vec<Found>) {
    let rule = rule::TOLERATION;
    for (i, toleration) in list.iter().enumerate() {
        let at = format!("{base}[{i}]");
        let key = toleration.key.as_deref().unwrap_or_default();
        let operator = toleration.operator.as_deref().unwrap_or_default();
        let value = toleration.value.as_deref().unwrap_or_default();
        let effect = toleration.effect.as_deref().unwrap_or_default();
        if !key.is_empty() {
            label_name(key, &format!("{at}.key"), rule, out);
        }
        let operator_at = format!("{at}.operator");
        if key.is_empty() && operator != "Exists" {
            out.push(Found::new(
                rule,
                operator_at.clone(),
                invalid(
                    &operator_at,
                    &json_string(operator),
                    "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
                ),
            ));
        }
        if toleration.toleration_seconds.is_some() && effect != "NoExecute" {
            let effect_at = format!("{at}.effect");
            out.push(Found::new(
                rule,
                effect_at.clone(),
                invalid(&effect_at, &json_string(effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"),
            ));
        }
        match operator {
            "" | "Equal" => {
                let problems = label_value_problems(value);
                if !problems.is_empty() {
                    out.push(Found::new(
                        rule,
                        operator_at.clone(),
                        invalid(&operator_at, &quoted(value), &problems.join(";")),
                    ));
                }
            }
            "Exists" => {
                if !value.is_empty() {
                    let seconds = toleration.toleration_seconds.map_or_else(|| "null".to_owned(), |s| s.to_string());
                    let whole = format!(
                        "{{\"Key\":{},\"Operator\":{},\"Value\":{},\"Effect\":{},\"TolerationSeconds\":{seconds}}}",
                        json_string(key),
                        json_string(operator),
                        json_string(value),
                        json_string(effect)
                    );
                    out.push(Found::new(
                        rule,
                        operator_at.clone(),
                        invalid(&operator_at, &whole, "value must be empty when `operator` is 'Exists'"),
                    ));
                }
            }
            other => out.push(Found::new(
                rule,
                operator_at.clone(),
                not_supported(&operator_at, &json_string(other), &["Equal", "Exists"]),
            )),
        }
        taint_effect(effect, true, &format!("{at}.effect"), rule, out);
    }
}

/// The JSON of an internal `core.Taint`, as a duplicate prints it.
fn taint_json(taint: &Taint) -> String {
    let time = taint.time_added.as_ref().and_then(|t| serde_json::to_string(t).ok()).unwrap_or_else(|| "null".into());
    format!(
        "{{\"Key\":{},\"Value\":{},\"Effect\":{},\"TimeAdded\":{time}}}",
        json_string(&taint.key),
        json_string(taint.value.as_deref().unwrap_or_default()),
        json_string(&taint.effect)
    )
}

/// `ValidateNode`'s `validateNodeTaints`: keys are label names, values label
/// values, effects required and known, each (key, effect) once.
pub fn node(node: &Node, out: &mut Vec<Found>) {
    let rule = rule::NODE_TAINT;
    let taints = node.spec.as_ref().and_then(|s| s.taints.as_deref()).unwrap_or_default();
    let mut seen: BTreeSet<(&str, &str)> = BTreeSet::new();
    for (i, taint) in taints.iter().enumerate() {
        let at = format!("spec.taints[{i}]");
        label_name(&taint.key, &format!("{at}.key"), rule, out);
        let value = taint.value.as_deref().unwrap_or_default();
        let problems = label_value_problems(value);
        if !problems.is_empty() {
            let value_at = format!("{at}.value");
            out.push(Found::new(rule, value_at.clone(), invalid(&value_at, &quoted(value), &problems.join(";"))));
        }
        taint_effect(&taint.effect, false, &format!("{at}.effect"), rule, out);
        if !seen.insert((taint.key.as_str(), taint.effect.as_str())) {
            out.push(Found::new(
                rule,
                at.clone(),
                format!("{}: taints must be unique by key and effect pair", duplicate(&at, &taint_json(taint))),
            ));
        }
    }
}
