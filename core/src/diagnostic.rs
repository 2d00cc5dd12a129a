//! Every problem kubeplay finds is data: a [`Diagnostic`] with a stable code and a
//! location. Analysis never fails; it returns a result plus diagnostics.

use serde::{Deserialize, Serialize};

use crate::source::{Location, Origin};

#[derive(Serialize, Deserialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// One finding about the input, at its [`Location`] (`end_line`/`end_column`
/// let editors underline the whole node).
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case identifier, e.g. `yaml-syntax`, `type-mismatch`.
    pub code: String,
    pub message: String,
    #[serde(flatten)]
    pub location: Location,
}

impl Diagnostic {
    pub fn new(severity: Severity, code: &str, message: impl Into<String>, location: Location) -> Self {
        Diagnostic { severity, code: code.to_owned(), message: message.into(), location }
    }

    /// A diagnostic about a field of a loaded object, located at that field
    /// (or the nearest enclosing node the source map knows).
    pub fn at(origin: &Origin, path: &str, severity: Severity, code: &str, message: impl Into<String>) -> Self {
        Diagnostic::new(severity, code, message, origin.location(path))
    }

    /// Where it points, for sorting: file, line, column.
    pub fn position(&self) -> (&str, usize, usize) {
        self.location.position()
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column: severity[code]: message`, as compilers print.
    pub fn to_text(&self) -> String {
        format!(
            "{}:{}:{}: {}[{}]: {}",
            self.location.file,
            self.location.span.line,
            self.location.span.column,
            self.severity.as_str(),
            self.code,
            self.message
        )
    }
}
