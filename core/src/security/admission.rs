//! What Pod Security Admission does on apply, from the namespace's labels:
//! `pod-security.kubernetes.io/{enforce,audit,warn}` and their `-version`.
//!
//! Upstream: `k8s.io/pod-security-admission/api/helpers.go` (`PolicyToEvaluate`),
//! `admission/admission.go` (pods are enforced; workload templates only get
//! audit annotations and warnings).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use super::pss::{Evaluation, Level, PolicyVersion, evaluate};

pub const ENFORCE_LEVEL_LABEL: &str = "pod-security.kubernetes.io/enforce";
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";
pub const AUDIT_LEVEL_LABEL: &str = "pod-security.kubernetes.io/audit";
pub const AUDIT_VERSION_LABEL: &str = "pod-security.kubernetes.io/audit-version";
pub const WARN_LEVEL_LABEL: &str = "pod-security.kubernetes.io/warn";
pub const WARN_VERSION_LABEL: &str = "pod-security.kubernetes.io/warn-version";

/// One mode's level and version.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LevelVersion {
    pub level: Level,
    pub version: PolicyVersion,
}

impl std::fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.level, self.version)
    }
}

/// The policy a namespace's labels select, after upstream's fallbacks.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NamespacePolicy {
    pub enforce: LevelVersion,
    pub audit: LevelVersion,
    pub warn: LevelVersion,
    /// Labels that failed to parse (the namespace itself would be rejected).
    pub errors: Vec<String>,
}

impl NamespacePolicy {
    /// The cluster defaults of a stock `PodSecurityConfiguration`: privileged/latest.
    pub fn privileged() -> Self {
        let p = LevelVersion { level: Level::Privileged, version: PolicyVersion::Latest };
        NamespacePolicy { enforce: p, audit: p, warn: p, errors: Vec::new() }
    }

    /// `PolicyToEvaluate`: invalid enforce level fails closed (restricted), invalid
    /// audit/warn levels fail open (privileged), invalid versions mean latest; an
    /// explicit enforce stricter than warn raises warn to it when warn is unset.
    pub fn from_labels(labels: &BTreeMap<String, String>) -> Self {
        let mut p = NamespacePolicy::privileged();
        let mut errors = Vec::new();
        let level = |key: &str, fallback: Level, errors: &mut Vec<String>| {
            labels.get(key).map(|value| {
                Level::parse(value).unwrap_or_else(|| {
                    errors.push(format!(
                        "{key}: Invalid value: {value:?}: must be one of privileged, baseline, restricted"
                    ));
                    fallback
                })
            })
        };
        let enforce_level = level(ENFORCE_LEVEL_LABEL, Level::Restricted, &mut errors);
        let audit_level = level(AUDIT_LEVEL_LABEL, Level::Privileged, &mut errors);
        let warn_level = level(WARN_LEVEL_LABEL, Level::Privileged, &mut errors);
        let version = |key: &str, errors: &mut Vec<String>| {
            labels.get(key).map(|value| {
                PolicyVersion::parse(value).unwrap_or_else(|| {
                    errors.push(format!("{key}: Invalid value: {value:?}: must be 'latest' or 'v1.x'"));
                    PolicyVersion::Latest
                })
            })
        };
        let enforce_version = version(ENFORCE_VERSION_LABEL, &mut errors);
        let audit_version = version(AUDIT_VERSION_LABEL, &mut errors);
        let warn_version = version(WARN_VERSION_LABEL, &mut errors);
        if let Some(l) = enforce_level {
            p.enforce.level = l;
        }
        if let Some(v) = enforce_version {
            p.enforce.version = v;
        }
        if let Some(l) = audit_level {
            p.audit.level = l;
        }
        if let Some(v) = audit_version {
            p.audit.version = v;
        }
        if let Some(l) = warn_level {
            p.warn.level = l;
        }
        if let Some(v) = warn_version {
            p.warn.version = v;
        }
        let enforce_valid = labels.get(ENFORCE_LEVEL_LABEL).and_then(|v| Level::parse(v)).is_some();
        if warn_level.is_none() && enforce_valid && p.enforce.level > p.warn.level {
            p.warn.level = p.enforce.level;
            if warn_version.is_none() {
                p.warn.version = p.enforce.version;
            }
        }
        p.errors = errors;
        p
    }
}

/// What happens when the object is applied in its namespace.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmissionOutcome {
    /// `enforce` level:version, and whether the request is rejected (Pods only).
    pub enforce: String,
    pub rejected: bool,
    /// `pods "x" is forbidden: violates PodSecurity "…": …` when rejected.
    pub rejection: Option<String>,
    /// Warnings returned to the client (`would violate PodSecurity …`).
    pub warnings: Vec<String>,
    /// Audit annotations added to the audit event.
    pub audit_annotations: BTreeMap<String, String>,
}

/// Applies a namespace policy to a Pod (`is_pod`) or a workload's pod template.
/// Pods violating `enforce` are rejected; templates get only warnings and audit
/// annotations; no warning is sent when the request is already rejected.
pub fn admit(
    policy: &NamespacePolicy,
    name: &str,
    metadata: &ObjectMeta,
    spec: &PodSpec,
    is_pod: bool,
) -> AdmissionOutcome {
    let run = |lv: LevelVersion| -> Evaluation { evaluate(metadata, spec, lv.level, lv.version) };
    let mut audit_annotations = BTreeMap::new();
    let mut rejection = None;
    if is_pod {
        audit_annotations.insert("pod-security.kubernetes.io/enforce-policy".to_owned(), policy.enforce.to_string());
        if let Some(message) = run(policy.enforce).violation_message() {
            rejection = Some(format!("pods {name:?} is forbidden: {message}"));
        }
    }
    if let Some(message) = run(policy.audit).would_violate_message() {
        audit_annotations.insert("pod-security.kubernetes.io/audit-violations".to_owned(), message);
    }
    if !policy.errors.is_empty() {
        audit_annotations.insert("error".to_owned(), format!("Failed to parse policy: {}", policy.errors.join(", ")));
    }
    let mut warnings = Vec::new();
    if rejection.is_none()
        && let Some(message) = run(policy.warn).would_violate_message()
    {
        warnings.push(message);
    }
    AdmissionOutcome {
        enforce: policy.enforce.to_string(),
        rejected: rejection.is_some(),
        rejection,
        warnings,
        audit_annotations,
    }
}

/// Upstream's `namespaceMaxPodsToCheck` default.
pub const NAMESPACE_MAX_PODS_TO_CHECK: usize = 3000;

/// The warnings `kubectl label ns … pod-security.kubernetes.io/enforce=…` prints
/// when Pods already in the namespace violate the new enforce level
/// (`EvaluatePodsInNamespace` in admission/admission.go): the label change is
/// allowed; pods with the same reason list are grouped under the smallest name.
pub fn existing_pods_warnings(
    namespace: &str,
    enforce: LevelVersion,
    pods: &[(&str, &ObjectMeta, &PodSpec)],
) -> Vec<String> {
    if enforce.level == Level::Privileged {
        return Vec::new();
    }
    let total = pods.len();
    let checked = &pods[..total.min(NAMESPACE_MAX_PODS_TO_CHECK)];
    // reason list → (smallest pod name, count), in first-seen order
    let mut order: Vec<String> = Vec::new();
    let mut counts: BTreeMap<String, (String, usize)> = BTreeMap::new();
    for (name, metadata, spec) in checked {
        let evaluation = evaluate(metadata, spec, enforce.level, enforce.version);
        if evaluation.allowed() {
            continue;
        }
        let reasons = evaluation
            .failures
            .iter()
            .map(|f| if f.reason.is_empty() { "unknown forbidden reason".to_owned() } else { f.reason.clone() })
            .collect::<Vec<_>>()
            .join(", ");
        match counts.get_mut(&reasons) {
            Some((smallest, count)) => {
                if *name < smallest.as_str() {
                    *smallest = (*name).to_owned();
                }
                *count += 1;
            }
            None => {
                order.push(reasons.clone());
                counts.insert(reasons, ((*name).to_owned(), 1));
            }
        }
    }
    let mut warnings = Vec::new();
    if checked.len() < total {
        warnings.push(format!(
            "new PodSecurity enforce level only checked against the first {} of {total} existing pods",
            checked.len()
        ));
    }
    if !order.is_empty() {
        warnings.push(format!(
            "existing pods in namespace {namespace:?} violate the new PodSecurity enforce level \"{enforce}\""
        ));
    }
    let mut pod_warnings: Vec<String> = order
        .iter()
        .filter_map(|reasons| {
            counts.get(reasons).map(|(name, count)| match count {
                1 => format!("{name}: {reasons}"),
                2 => format!("{name} (and 1 other pod): {reasons}"),
                n => format!("{name} (and {} other pods): {reasons}", n - 1),
            })
        })
        .collect();
    pod_warnings.sort();
    warnings.extend(pod_warnings);
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    fn lv(level: Level, version: PolicyVersion) -> LevelVersion {
        LevelVersion { level, version }
    }

    #[test]
    fn no_labels_mean_privileged_latest_everywhere() {
        assert_eq!(NamespacePolicy::from_labels(&BTreeMap::new()), NamespacePolicy::privileged());
    }

    #[test]
    fn warn_follows_a_stricter_enforce_unless_set() {
        let p = NamespacePolicy::from_labels(&labels(&[
            (ENFORCE_LEVEL_LABEL, "baseline"),
            (ENFORCE_VERSION_LABEL, "v1.28"),
        ]));
        assert_eq!(p.warn, lv(Level::Baseline, PolicyVersion::Minor(28)));
        assert_eq!(p.audit, lv(Level::Privileged, PolicyVersion::Latest));
        let p = NamespacePolicy::from_labels(&labels(&[
            (ENFORCE_LEVEL_LABEL, "restricted"),
            (ENFORCE_VERSION_LABEL, "v1.28"),
            (WARN_VERSION_LABEL, "v1.30"),
        ]));
        assert_eq!(p.warn, lv(Level::Restricted, PolicyVersion::Minor(30)));
        let p = NamespacePolicy::from_labels(&labels(&[
            (ENFORCE_LEVEL_LABEL, "restricted"),
            (WARN_LEVEL_LABEL, "privileged"),
        ]));
        assert_eq!(p.warn.level, Level::Privileged);
    }

    #[test]
    fn invalid_labels_fail_closed_for_enforce_and_open_for_audit_and_warn() {
        let p = NamespacePolicy::from_labels(&labels(&[
            (ENFORCE_LEVEL_LABEL, "Restricted"),
            (AUDIT_LEVEL_LABEL, "strict"),
            (WARN_LEVEL_LABEL, "nope"),
            (ENFORCE_VERSION_LABEL, "1.25"),
        ]));
        assert_eq!(p.enforce, lv(Level::Restricted, PolicyVersion::Latest));
        assert_eq!(p.audit.level, Level::Privileged);
        assert_eq!(p.warn.level, Level::Privileged);
        assert_eq!(p.errors.len(), 4);
        // An invalid enforce level does not raise warn.
        let p = NamespacePolicy::from_labels(&labels(&[(ENFORCE_LEVEL_LABEL, "bogus")]));
        assert_eq!(p.warn.level, Level::Privileged);
    }
}
