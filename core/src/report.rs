//! The one serde `Report` that every front end (CLI, web, JS API) renders.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Input, load};

/// One loaded object, as listed in reports.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ObjectSummary {
    pub kind: String,
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub namespace: Option<String>,
    pub name: String,
    pub file: String,
    pub doc: usize,
    pub line: usize,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Report {
    /// The kubeplay version that produced the report.
    pub kubeplay: String,
    pub objects: Vec<ObjectSummary>,
    pub diagnostics: Vec<Diagnostic>,
    /// Pod Security Standards, admission, PodSecurityPolicy and best-practice findings.
    #[serde(default)]
    pub security: crate::security::SecuritySection,
    /// Admission in input order (LimitRange defaults, quota) and final quota usage;
    /// its findings are among `diagnostics`.
    pub admission: crate::admission::Admission,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Loads the inputs and analyses them. Never fails: problems are diagnostics.
pub fn analyze(inputs: &[Input<'_>]) -> Report {
    let loading = load(inputs);
    let objects = loading
        .inventory
        .objects
        .iter()
        .map(|o| ObjectSummary {
            kind: o.kind().to_owned(),
            api_version: o.object.api_version().to_owned(),
            namespace: o.namespace().map(str::to_owned),
            name: o.name().to_owned(),
            file: o.origin.file.clone(),
            doc: o.origin.doc,
            line: o.origin.span.line,
        })
        .collect();
    let security = crate::security::analyze(&loading.inventory, &crate::security::Options::default());
    let admitted = crate::admission::admit(&loading.inventory);
    let mut diagnostics = loading.diagnostics;
    diagnostics.extend(admitted.findings);
    diagnostics.sort_by(|a, b| (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column)));
    Report { kubeplay: crate::VERSION.to_owned(), objects, diagnostics, admission: admitted.admission, security }
}
