//! Every problem kubeplay finds is data: a [`Diagnostic`] with a stable code and a
//! location. Analysis never fails; it returns a result plus diagnostics.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::{Origin, Span};

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

/// One finding about the input. `line`/`column` are 1-based; `doc` is the 1-based
/// number of the document in its file (0 when the finding is about the whole file).
/// `end_line`/`end_column` (exclusive) let editors underline the whole node.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case identifier, e.g. `yaml-syntax`, `type-mismatch`.
    pub code: String,
    pub message: String,
    pub file: String,
    pub doc: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    /// Field path inside the document, e.g. `spec.template.spec.containers[0].ports[1].containerPort`.
    pub path: Option<String>,
}

impl Diagnostic {
    pub fn new(
        severity: Severity,
        code: &str,
        message: impl Into<String>,
        file: &str,
        doc: usize,
        span: Span,
        path: Option<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code: code.to_owned(),
            message: message.into(),
            file: file.to_owned(),
            doc,
            line: span.line,
            column: span.column,
            end_line: span.end_line,
            end_column: span.end_column,
            path,
        }
    }

    /// A diagnostic about a field of a loaded object, located at that field
    /// (or the nearest enclosing node the source map knows).
    pub fn at(origin: &Origin, path: &str, severity: Severity, code: &str, message: impl Into<String>) -> Self {
        let span = origin.locate(path);
        Diagnostic::new(severity, code, message, &origin.file, origin.doc, span, Some(origin.full_path(path)))
    }

    /// Where it points, for sorting: file, line, column.
    pub fn position(&self) -> (&str, usize, usize) {
        (self.file.as_str(), self.line, self.column)
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file:line:column: severity[code]: message`, as compilers print.
    pub fn to_text(&self) -> String {
        format!(
            "{}:{}:{}: {}[{}]: {}",
            self.file,
            self.line,
            self.column,
            self.severity.as_str(),
            self.code,
            self.message
        )
    }
}

/// One thing wrong with one field: the path of the field inside the object
/// (`spec.ingress[0].ports[1].port`) and the message, as validation produces
/// them before they are located and become [`Diagnostic`]s.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldError {
    pub path: String,
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl fmt::Display) -> Self {
        FieldError { path: path.into(), message: message.to_string() }
    }
}

/// Go's `%q` (`strconv.Quote`), for the values upstream's messages quote.
pub(crate) fn go_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
