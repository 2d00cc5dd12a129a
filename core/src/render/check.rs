//! The `kubeplay check --format json` contract: per Pod or workload template,
//! the PSS verdicts and messages, the PodSecurityPolicy evaluations and the
//! best-practice findings. Its key names are fixed; it borrows from the
//! [`SecuritySection`] it is made of.

use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::security::psp::PspEvaluation;
use crate::security::{LevelVerdict, SecuritySection};
use crate::source::Location;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Debug, PartialEq)]
pub struct CheckOutput<'a> {
    pub workloads: Vec<CheckWorkload<'a>>,
    /// Objects that are not workloads and have best-practice findings; the
    /// key is absent when there are none.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub objects: Vec<CheckObject<'a>>,
}

/// A Service, PodDisruptionBudget or HorizontalPodAutoscaler with findings.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Debug, PartialEq)]
pub struct CheckObject<'a> {
    pub id: &'a str,
    pub findings: Vec<CheckFinding<'a>>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Debug, PartialEq)]
pub struct CheckWorkload<'a> {
    pub id: &'a str,
    pub pss: CheckPss<'a>,
    pub pss_messages: CheckPssMessages<'a>,
    pub psp: &'a [PspEvaluation],
    pub findings: Vec<CheckFinding<'a>>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Debug, PartialEq)]
pub struct CheckPss<'a> {
    pub baseline: CheckLevel<'a>,
    pub restricted: CheckLevel<'a>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Debug, PartialEq)]
pub struct CheckLevel<'a> {
    pub pass: bool,
    pub failing: &'a [String],
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Debug, PartialEq)]
pub struct CheckPssMessages<'a> {
    pub baseline: Option<&'a str>,
    pub restricted: Option<&'a str>,
}

impl<'a> CheckLevel<'a> {
    fn of(verdict: &'a LevelVerdict) -> Self {
        CheckLevel { pass: verdict.pass, failing: &verdict.failing }
    }
}

/// A best-practice finding: `id, severity, message, file, doc, line, column, fix`.
// TypeScript: declared as `contract::shapes::CheckFinding` (the location keys it prints).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "super::contract::shapes::CheckFinding"))]
#[derive(Serialize, Debug, PartialEq)]
pub struct CheckFinding<'a> {
    pub id: &'a str,
    pub severity: Severity,
    pub message: &'a str,
    #[serde(flatten, serialize_with = "super::contract::check_finding")]
    pub location: &'a Location,
    /// Empty when the finding has none.
    pub fix: &'a str,
}

impl<'a> CheckFinding<'a> {
    fn of(finding: &'a Diagnostic) -> Self {
        CheckFinding {
            id: &finding.code,
            severity: finding.severity,
            message: &finding.message,
            location: &finding.location,
            fix: finding.fix.as_deref().unwrap_or(""),
        }
    }
}

/// The JSON contract of `kubeplay check`.
pub fn output(section: &SecuritySection) -> CheckOutput<'_> {
    CheckOutput {
        workloads: section
            .workloads
            .iter()
            .map(|w| CheckWorkload {
                id: &w.id,
                pss: CheckPss { baseline: CheckLevel::of(&w.baseline), restricted: CheckLevel::of(&w.restricted) },
                pss_messages: CheckPssMessages {
                    baseline: w.baseline.message.as_deref(),
                    restricted: w.restricted.message.as_deref(),
                },
                psp: w.psp.as_ref().map_or(&[], |d| d.evaluations.as_slice()),
                findings: w.findings.iter().map(CheckFinding::of).collect(),
            })
            .collect(),
        objects: section
            .objects
            .iter()
            .map(|o| CheckObject { id: &o.id, findings: o.findings.iter().map(CheckFinding::of).collect() })
            .collect(),
    }
}
