//! Pod Security Standards exactly as `k8s.io/pod-security-admission` evaluates them:
//! the 19 check ids, their version history (v1.0 … v1.37), the restricted twins that
//! override baseline checks, and the library's reason/detail wording.
//!
//! Laid out as upstream's `staging/src/k8s.io/pod-security-admission/policy/` is:
//! one `check_*.rs` per `check_*.go`, `registry.rs` (check order, overrides,
//! `registry.go`), `visitor.rs` (init, regular, then ephemeral containers,
//! `visitor.go`), `helpers.rs` (wording, `helpers.go`); aggregation
//! (`checks.go`) is here. Semantics: `docs/semantics/pod-security-standards.md`.

use std::collections::BTreeMap;
use std::fmt;

use k8s_openapi::api::core::v1::{PodSpec, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

mod check_allow_privilege_escalation;
mod check_app_armor_profile;
mod check_capabilities_baseline;
mod check_capabilities_restricted;
mod check_host_namespaces;
mod check_host_path_volumes;
mod check_host_ports;
mod check_host_probes_and_host_lifecycle;
mod check_privileged;
mod check_proc_mount_baseline;
mod check_proc_mount_restricted;
mod check_restricted_volumes;
mod check_run_as_non_root;
mod check_run_as_user;
mod check_se_linux_options;
mod check_seccomp_profile_baseline;
mod check_seccomp_profile_restricted;
mod check_sysctls;
mod check_windows_host_process;
mod helpers;
mod registry;
mod visitor;

#[cfg(test)]
mod tests;

pub(crate) use check_restricted_volumes::volume_source_type;
pub use check_sysctls::is_safe_sysctl;
pub use registry::{CheckInfo, all_checks, check_ids_for};

use registry::checks_for;
use visitor::PodView;

/// The newest policy version the library defines.
pub use crate::version::PSS_NEWEST_POLICY_MINOR as NEWEST_POLICY_MINOR;

/// A Pod Security Standards level.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }

    /// Parses a label value exactly as `api.ParseLevel` does (case-sensitive).
    pub fn parse(value: &str) -> Option<Level> {
        match value {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy version: `latest` or `v1.N`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(type = "string"))]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyVersion {
    Latest,
    Minor(u32),
}

impl PolicyVersion {
    /// Parses `latest` or `v1.N` with upstream's regex `^v1\.([0-9]|[1-9][0-9]*)$`
    /// (`api.ParseVersion`): `1.25`, `v1.025` and `v2.0` are invalid.
    pub fn parse(value: &str) -> Option<PolicyVersion> {
        if value == "latest" {
            return Some(PolicyVersion::Latest);
        }
        let digits = value.strip_prefix("v1.")?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if digits.len() > 1 && digits.starts_with('0') {
            return None;
        }
        digits.parse().ok().map(PolicyVersion::Minor)
    }

    /// [`PolicyVersion::parse`] for an argument (`--pss-version`, the JS API's
    /// `pssVersion`), with the message that says what is expected.
    pub fn parse_argument(value: &str) -> Result<PolicyVersion, String> {
        PolicyVersion::parse(value).ok_or_else(|| format!("invalid version {value:?}: expected `latest` or `v1.N`"))
    }

    /// The minor version whose checks apply: `latest` and anything newer than the
    /// newest policy are clamped to it (`EvaluatePod` in `policy/registry.go`).
    pub fn effective_minor(self) -> u32 {
        match self {
            PolicyVersion::Latest => NEWEST_POLICY_MINOR,
            PolicyVersion::Minor(minor) => minor.min(NEWEST_POLICY_MINOR),
        }
    }
}

impl fmt::Display for PolicyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyVersion::Latest => f.write_str("latest"),
            PolicyVersion::Minor(minor) => write!(f, "v1.{minor}"),
        }
    }
}

impl Serialize for PolicyVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PolicyVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PolicyVersion::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("invalid policy version {text:?}")))
    }
}

/// One failing check, with the library's wording and the fields that caused it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckFailure {
    /// The library's check id, e.g. `allowPrivilegeEscalation`.
    pub id: String,
    /// `ForbiddenReason`, e.g. `allowPrivilegeEscalation != false`.
    pub reason: String,
    /// `ForbiddenDetail`, e.g. `container "app" must set securityContext.allowPrivilegeEscalation=false`.
    pub detail: String,
    /// Offending fields, relative to the pod (`spec.containers[0].securityContext`,
    /// `metadata.annotations`): where to point the user. A missing field is given by
    /// the path it should have, which locates to its nearest existing ancestor.
    pub paths: Vec<String>,
}

/// The result of evaluating one pod at one level and version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub level: Level,
    pub version: PolicyVersion,
    /// Failing checks in upstream order: baseline ids sorted, then restricted ids sorted.
    pub failures: Vec<CheckFailure>,
}

impl Evaluation {
    pub fn allowed(&self) -> bool {
        self.failures.is_empty()
    }

    pub fn failing_ids(&self) -> Vec<String> {
        self.failures.iter().map(|f| f.id.clone()).collect()
    }

    /// `AggregateCheckResult.ForbiddenDetail()`: `reason (detail), reason (detail)`.
    pub fn forbidden_detail(&self) -> String {
        self.failures
            .iter()
            .map(|f| {
                let reason = if f.reason.is_empty() { "unknown forbidden reason" } else { f.reason.as_str() };
                if f.detail.is_empty() { reason.to_owned() } else { format!("{reason} ({})", f.detail) }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `level:version` as the API server prints it, e.g. `restricted:latest`.
    pub fn level_version(&self) -> String {
        format!("{}:{}", self.level, self.version)
    }

    /// The enforce message body: `violates PodSecurity "restricted:latest": …`
    /// (`None` when the pod is allowed).
    pub fn violation_message(&self) -> Option<String> {
        (!self.allowed())
            .then(|| format!("violates PodSecurity \"{}\": {}", self.level_version(), self.forbidden_detail()))
    }

    /// The warn/audit form: `would violate PodSecurity "…": …`.
    pub fn would_violate_message(&self) -> Option<String> {
        self.violation_message().map(|m| format!("would {}", m.replacen("violates", "violate", 1)))
    }
}

/// Evaluates a pod (its metadata and spec) at a level and version. `privileged`
/// runs no checks.
pub fn evaluate(metadata: &ObjectMeta, spec: &PodSpec, level: Level, version: PolicyVersion) -> Evaluation {
    let minor = version.effective_minor();
    // API defaulting the server applies before admission and that changes results:
    // a volume without a source becomes emptyDir (pkg/apis/core/v1/defaults.go).
    let spec = defaulted(spec);
    let pod = PodView::new(metadata, &spec);
    let failures = checks_for(level, minor)
        .into_iter()
        .filter_map(|check| {
            (check.run)(&pod, minor).map(|(reason, detail, paths)| CheckFailure {
                id: check.id.to_owned(),
                reason,
                detail,
                paths,
            })
        })
        .collect();
    Evaluation { level, version, failures }
}

fn defaulted(spec: &PodSpec) -> std::borrow::Cow<'_, PodSpec> {
    let sourceless = |v: &Volume| volume_source_type(v).is_none();
    if spec.volumes.as_ref().is_some_and(|vs| vs.iter().any(sourceless)) {
        let mut owned = spec.clone();
        for volume in owned.volumes.iter_mut().flatten() {
            if sourceless(volume) {
                volume.empty_dir = Some(Default::default());
            }
        }
        std::borrow::Cow::Owned(owned)
    } else {
        std::borrow::Cow::Borrowed(spec)
    }
}

/// Per-check pass/fail summary used by reports: `{level: failing ids}`.
pub fn failing_by_level(metadata: &ObjectMeta, spec: &PodSpec, version: PolicyVersion) -> BTreeMap<Level, Evaluation> {
    [Level::Baseline, Level::Restricted].into_iter().map(|l| (l, evaluate(metadata, spec, l, version))).collect()
}
