//! The JSON contracts' shapes where they differ from the data's own serde form.
//!
//! The report types derive their serde form, and that form is the `analyze`
//! contract, except in two ways named here:
//! - A [`Location`] serialised flat gives `file, doc, line, column, end_line,
//!   end_column, path`. Some contracts were written with fewer keys (an
//!   object's `file, doc, line`; an explanation's `file, line, column,
//!   end_line, path`) and stay byte-identical: the holder names one of the
//!   location shapes below with `#[serde(serialize_with = …)]` (plus `flatten`
//!   where the keys sit inline). Read back, the keys it lacks are empty.
//! - A [`Diagnostic`] carries its `area` and `fix`, which the contracts that
//!   list diagnostics never printed: [`diagnostics`] and [`practice_findings`]
//!   are their shapes, used with `#[serde(with = …)]`.

use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Deserializer, Serialize};

use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::source::Location;

#[derive(Clone, Copy)]
enum Key {
    File,
    Doc,
    Line,
    Column,
    EndLine,
    Path,
}

fn keys<S: Serializer>(location: &Location, keys: &[Key], serializer: S) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(Some(keys.len()))?;
    for key in keys {
        match key {
            Key::File => map.serialize_entry("file", &location.file)?,
            Key::Doc => map.serialize_entry("doc", &location.doc)?,
            Key::Line => map.serialize_entry("line", &location.span.line)?,
            Key::Column => map.serialize_entry("column", &location.span.column)?,
            Key::EndLine => map.serialize_entry("end_line", &location.span.end_line)?,
            Key::Path => map.serialize_entry("path", &location.path)?,
        }
    }
    map.end()
}

/// `file, doc, line`: where an object starts (analyze `objects[]`,
/// `security.workloads[]`).
pub fn object_start<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    keys(location, &[Key::File, Key::Doc, Key::Line], serializer)
}

/// `file, line`: analyze `security.psp_policies[]`.
pub fn file_line<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    keys(location, &[Key::File, Key::Line], serializer)
}

/// `file, doc, line, column`: a `kubeplay check` finding.
pub fn check_finding<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    keys(location, &[Key::File, Key::Doc, Key::Line, Key::Column], serializer)
}

/// `{file, line, column, end_line, path}`: a policy, rule or Service in an
/// explanation (`explain`), as a nested object.
pub fn explanation<S: Serializer>(location: &Location, serializer: S) -> Result<S::Ok, S::Error> {
    keys(location, &[Key::File, Key::Line, Key::Column, Key::EndLine, Key::Path], serializer)
}

/// `analyze`'s `diagnostics[]`: `severity, code, message` and the whole
/// location; no `area`, no `fix`.
///
/// Read back (only the web page reads a report back, for its editor marks) the
/// contract cannot say which analysis made each diagnostic: they come back as
/// [`Area::Input`]. Whoever needs areas takes them from `report::findings` on
/// the side that ran the analysis.
pub mod diagnostics {
    use super::*;

    /// One diagnostic as every contract lists it (named `Diagnostic` in the
    /// npm package's TypeScript declarations).
    #[derive(Serialize)]
    #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Diagnostic"))]
    pub struct Contract<'a> {
        severity: Severity,
        code: &'a str,
        message: &'a str,
        #[serde(flatten)]
        location: &'a Location,
    }

    #[derive(Deserialize)]
    struct ReadBack {
        severity: Severity,
        code: String,
        message: String,
        #[serde(flatten)]
        location: Location,
    }

    pub fn serialize<S: Serializer>(list: &[Diagnostic], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(list.iter().map(|d| Contract {
            severity: d.severity,
            code: &d.code,
            message: &d.message,
            location: &d.location,
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Diagnostic>, D::Error> {
        let list = Vec::<ReadBack>::deserialize(deserializer)?;
        Ok(list.into_iter().map(|d| Diagnostic::new(Area::Input, d.severity, &d.code, d.message, d.location)).collect())
    }
}

/// `security.workloads[].findings[]` of `analyze`: a best-practice finding as
/// `id` (its code), `severity, message`, the whole location and `fix` (empty
/// when none). Read back, it is a [`Area::Security`] diagnostic again.
pub mod practice_findings {
    use super::*;

    /// One best-practice finding as the contracts list it (named
    /// `PracticeFinding` in the npm package's TypeScript declarations).
    #[derive(Serialize)]
    #[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PracticeFinding"))]
    pub struct Contract<'a> {
        id: &'a str,
        severity: Severity,
        message: &'a str,
        #[serde(flatten)]
        location: &'a Location,
        fix: &'a str,
    }

    #[derive(Deserialize)]
    struct ReadBack {
        id: String,
        severity: Severity,
        message: String,
        #[serde(flatten)]
        location: Location,
        fix: String,
    }

    pub fn serialize<S: Serializer>(list: &[Diagnostic], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(list.iter().map(|d| Contract {
            id: &d.code,
            severity: d.severity,
            message: &d.message,
            location: &d.location,
            fix: d.fix.as_deref().unwrap_or(""),
        }))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<Diagnostic>, D::Error> {
        let list = Vec::<ReadBack>::deserialize(deserializer)?;
        Ok(list
            .into_iter()
            .map(|f| Diagnostic::new(Area::Security, f.severity, &f.id, f.message, f.location).with_fix(&f.fix))
            .collect())
    }
}

/// The TypeScript declarations (feature `ts`, `crate::typescript`) of the
/// contract types whose location keys are one of the shapes above: ts-rs reads
/// `flatten` but not `serialize_with`, so each holder declares itself
/// `#[ts(as = …)]` one of these, field for field its serde form with the
/// location's keys as the contract prints them. `scripts/test.sh` type-checks
/// the CLI's documents against the declarations, which catches a drift.
#[cfg(feature = "ts")]
pub mod shapes {
    use ts_rs::TS;

    use crate::diagnostic::Severity;
    use crate::model::Kind;
    use crate::security::LevelVerdict;
    use crate::security::admission::AdmissionOutcome;
    use crate::security::psp::PspDecision;

    /// [`super::object_start`].
    #[derive(TS)]
    pub struct ObjectStart {
        pub file: String,
        pub doc: usize,
        pub line: usize,
    }

    /// [`super::file_line`].
    #[derive(TS)]
    pub struct FileLine {
        pub file: String,
        pub line: usize,
    }

    /// [`super::check_finding`].
    #[derive(TS)]
    pub struct FindingStart {
        pub file: String,
        pub doc: usize,
        pub line: usize,
        pub column: usize,
    }

    /// [`super::explanation`]: where a policy, rule or Service of an
    /// explanation is.
    #[derive(TS)]
    pub struct ExplanationLocation {
        pub file: String,
        pub line: usize,
        pub column: usize,
        pub end_line: usize,
        pub path: Option<String>,
    }

    /// `crate::report::ObjectSummary`.
    #[derive(TS)]
    pub struct ObjectSummary {
        pub kind: Kind,
        #[ts(rename = "apiVersion")]
        pub api_version: String,
        pub namespace: Option<String>,
        pub name: String,
        #[ts(flatten)]
        pub location: ObjectStart,
    }

    /// `crate::security::WorkloadSecurity`.
    #[derive(TS)]
    pub struct WorkloadSecurity {
        pub id: String,
        pub kind: Kind,
        pub namespace: String,
        pub name: String,
        #[ts(flatten)]
        pub location: ObjectStart,
        pub baseline: LevelVerdict,
        pub restricted: LevelVerdict,
        pub admission: AdmissionOutcome,
        pub api_warnings: Vec<String>,
        pub psp: Option<PspDecision>,
        pub findings: Vec<super::practice_findings::Contract<'static>>,
    }

    /// `crate::security::PolicySummary`.
    #[derive(TS)]
    pub struct PolicySummary {
        pub name: String,
        #[ts(flatten)]
        pub location: FileLine,
        pub problems: Vec<String>,
    }

    /// `crate::render::check::CheckFinding`.
    #[derive(TS)]
    pub struct CheckFinding {
        pub id: String,
        pub severity: Severity,
        pub message: String,
        #[ts(flatten)]
        pub location: FindingStart,
        pub fix: String,
    }
}
