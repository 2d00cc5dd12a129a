//! Every problem kubeplay finds is data: a [`Diagnostic`] with a stable code and a
//! location. Analysis never fails; it returns a result plus diagnostics.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::source::{Location, Origin};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// Which analysis made a finding; front ends group and filter by it. Set where
/// the finding is made, never derived from its code. A new analysis adds its
/// own area (front ends size their per-area counts by `Area::ALL`).
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum Area {
    /// Reading the manifests: YAML, schema, names, limits.
    Input,
    /// NetworkPolicy: policies the API server rejects, and the lint.
    NetworkPolicy,
    /// LimitRange and ResourceQuota admission.
    Resources,
    /// Best practices of Pods and workload templates.
    Security,
    /// HorizontalPodAutoscaler and VerticalPodAutoscaler: targets, metrics, modes, quota headroom.
    Scaling,
    /// Surviving failure: disruption budgets, spread, failover capacity across regions.
    Resilience,
}

impl Area {
    pub const ALL: [Area; 6] =
        [Area::Input, Area::NetworkPolicy, Area::Resources, Area::Security, Area::Scaling, Area::Resilience];

    pub fn label(self) -> &'static str {
        match self {
            Area::Input => "input",
            Area::NetworkPolicy => "network policy",
            Area::Resources => "resources",
            Area::Security => "security",
            Area::Scaling => "scaling",
            Area::Resilience => "resilience",
        }
    }
}

/// One finding about the input: what is wrong (`severity`, a stable `code`, a
/// `message`), which analysis found it, where, and optionally how to fix it.
///
/// Its serde form is the whole value (`area` and `fix` included); the JSON
/// contracts that print diagnostics without them (`analyze`'s `diagnostics`,
/// `security.workloads[].findings`, `kubeplay check`) name their shape in
/// `render::contract`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Diagnostic {
    pub severity: Severity,
    /// Stable kebab-case identifier, e.g. `yaml-syntax`, `type-mismatch`; a
    /// best-practice finding's rule id.
    pub code: String,
    pub area: Area,
    pub message: String,
    /// Where: `end_line`/`end_column` let editors underline the whole node.
    #[serde(flatten)]
    pub location: Location,
    /// A YAML snippet that fixes it, where one is known.
    pub fix: Option<String>,
}

impl Diagnostic {
    pub fn new(area: Area, severity: Severity, code: &str, message: impl Into<String>, location: Location) -> Self {
        Diagnostic { severity, code: code.to_owned(), area, message: message.into(), location, fix: None }
    }

    /// A diagnostic about a field of a loaded object, located at that field
    /// (or the nearest enclosing node the source map knows).
    pub fn at(
        area: Area,
        origin: &Origin,
        path: &str,
        severity: Severity,
        code: &str,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic::new(area, severity, code, message, origin.location(path))
    }

    /// The same finding with a fix (an empty snippet is no fix).
    pub fn with_fix(self, fix: &str) -> Self {
        Diagnostic { fix: (!fix.is_empty()).then(|| fix.to_owned()), ..self }
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
