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
    /// NetworkPolicy reachability summary; its lint findings are in `diagnostics`.
    #[serde(default)]
    pub netpol: crate::netpol::summary::NetpolSummary,
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
    let mut diagnostics = loading.diagnostics;
    let engine = crate::netpol::Engine::new(&loading.inventory, &crate::netpol::NetpolOptions::default());
    let netpol = crate::netpol::summary::summarize(&engine, &loading.inventory);
    diagnostics.extend(crate::netpol::lint::lint(&engine, &loading.inventory));
    diagnostics.sort_by(|a, b| (a.file.as_str(), a.line, a.column).cmp(&(b.file.as_str(), b.line, b.column)));
    Report { kubeplay: crate::VERSION.to_owned(), objects, diagnostics, netpol }
}
