//! Label selectors as apimachinery evaluates them (pkg/labels/selector.go,
//! `Requirement.Matches`): all requirements ANDed, the empty selector matches
//! everything, and NotIn / DoesNotExist match objects that lack the key.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Op {
    In(Vec<String>),
    NotIn(Vec<String>),
    Exists,
    DoesNotExist,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Requirement {
    pub key: String,
    pub op: Op,
}

impl Requirement {
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        match (&self.op, value) {
            (Op::In(values), Some(v)) => values.contains(v),
            (Op::In(_), None) => false,
            // selector.go: `case selection.NotIn: if !ls.Has(r.key) { return true }`.
            (Op::NotIn(_), None) => true,
            (Op::NotIn(values), Some(v)) => !values.contains(v),
            (Op::Exists, v) => v.is_some(),
            (Op::DoesNotExist, v) => v.is_none(),
        }
    }

    /// The requirement can only match objects that carry the key.
    pub fn needs_key(&self) -> bool {
        matches!(self.op, Op::In(_) | Op::Exists)
    }
}

/// A matchExpressions entry that apimachinery's `ValidateLabelSelector` rejects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SelectorError {
    /// In or NotIn without values.
    MissingValues { key: String, operator: String },
    /// Exists or DoesNotExist with values.
    UnexpectedValues { key: String, operator: String },
    /// An operator other than In, NotIn, Exists, DoesNotExist.
    UnknownOperator { key: String, operator: String },
}

impl fmt::Display for SelectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SelectorError::MissingValues { key, operator } => {
                write!(f, "matchExpressions `{key}` {operator}: `values` must be non-empty for In and NotIn")
            }
            SelectorError::UnexpectedValues { key, operator } => {
                write!(f, "matchExpressions `{key}` {operator}: `values` must be empty for Exists and DoesNotExist")
            }
            SelectorError::UnknownOperator { key, operator } => write!(
                f,
                "matchExpressions `{key}`: operator `{operator}` is not one of In, NotIn, Exists, DoesNotExist (case-sensitive)"
            ),
        }
    }
}

impl std::error::Error for SelectorError {}

/// A compiled selector; requirements sorted so equal selectors compare equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Selector {
    pub requirements: Vec<Requirement>,
}

impl Selector {
    /// Compiles a LabelSelector, rejecting what apimachinery's
    /// `ValidateLabelSelector` rejects (unknown operator, In/NotIn without values,
    /// Exists/DoesNotExist with values).
    pub fn compile(selector: &LabelSelector) -> Result<Selector, SelectorError> {
        let mut requirements = Vec::new();
        for (key, value) in selector.match_labels.iter().flatten() {
            requirements.push(Requirement { key: key.clone(), op: Op::In(vec![value.clone()]) });
        }
        for expression in selector.match_expressions.iter().flatten() {
            let values = expression.values.clone().unwrap_or_default();
            let (key, operator) = (expression.key.clone(), expression.operator.clone());
            let op = match expression.operator.as_str() {
                "In" | "NotIn" if values.is_empty() => return Err(SelectorError::MissingValues { key, operator }),
                "Exists" | "DoesNotExist" if !values.is_empty() => {
                    return Err(SelectorError::UnexpectedValues { key, operator });
                }
                "In" => Op::In(values),
                "NotIn" => Op::NotIn(values),
                "Exists" => Op::Exists,
                "DoesNotExist" => Op::DoesNotExist,
                _ => return Err(SelectorError::UnknownOperator { key, operator }),
            };
            requirements.push(Requirement { key: expression.key.clone(), op });
        }
        requirements.sort();
        requirements.dedup();
        Ok(Selector { requirements })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.requirements.iter().map(|r| r.key.as_str())
    }

    /// `app=web, tier in (a, b), !legacy`, as kubectl writes selectors; `{}` for empty.
    pub fn describe(&self) -> String {
        if self.requirements.is_empty() {
            return "{} (everything)".to_owned();
        }
        let parts: Vec<String> = self
            .requirements
            .iter()
            .map(|r| match &r.op {
                Op::In(values) if values.len() == 1 => format!("{}={}", r.key, values.join("")),
                Op::In(values) => format!("{} in ({})", r.key, values.join(", ")),
                Op::NotIn(values) => format!("{} notin ({})", r.key, values.join(", ")),
                Op::Exists => r.key.clone(),
                Op::DoesNotExist => format!("!{}", r.key),
            })
            .collect();
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn expr(key: &str, operator: &str, values: &[&str]) -> LabelSelectorRequirement {
        LabelSelectorRequirement {
            key: key.to_owned(),
            operator: operator.to_owned(),
            values: if values.is_empty() { None } else { Some(values.iter().map(|v| (*v).to_owned()).collect()) },
        }
    }

    #[test]
    fn operators_follow_apimachinery() {
        let sel =
            |e| Selector::compile(&LabelSelector { match_expressions: Some(vec![e]), match_labels: None }).unwrap();
        let notin = sel(expr("env", "NotIn", &["prod"]));
        assert!(notin.matches(&labels(&[])), "NotIn matches a missing key");
        assert!(!notin.matches(&labels(&[("env", "prod")])));
        let dne = sel(expr("env", "DoesNotExist", &[]));
        assert!(dne.matches(&labels(&[("app", "x")])));
        assert!(!dne.matches(&labels(&[("env", "")])));
        let exists = sel(expr("env", "Exists", &[]));
        assert!(exists.matches(&labels(&[("env", "")])));
        let r#in = sel(expr("env", "In", &["a", "b"]));
        assert!(r#in.matches(&labels(&[("env", "b")])));
        assert!(!r#in.matches(&labels(&[])));
    }

    #[test]
    fn invalid_selectors_are_rejected() {
        let cases = [
            (expr("a", "In", &[]), "matchExpressions `a` In: `values` must be non-empty for In and NotIn"),
            (
                expr("a", "Exists", &["x"]),
                "matchExpressions `a` Exists: `values` must be empty for Exists and DoesNotExist",
            ),
            (
                expr("a", "in", &["x"]),
                "matchExpressions `a`: operator `in` is not one of In, NotIn, Exists, DoesNotExist (case-sensitive)",
            ),
        ];
        for (e, message) in cases {
            let error =
                Selector::compile(&LabelSelector { match_expressions: Some(vec![e]), match_labels: None }).unwrap_err();
            assert_eq!(error.to_string(), message);
        }
    }
}
