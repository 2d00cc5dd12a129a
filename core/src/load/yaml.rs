//! YAML in and out for the analyses that read or write a text other than a
//! manifest (a flows file, a fix's fragment, generated policies), so the parser
//! stays swappable in this one module.

use serde::Serialize;
use serde::de::DeserializeOwned;

/// Why a text did not read as `T`: the parser's message without its own
/// position suffix, and the 1-based line and column when known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub line_column: Option<(usize, usize)>,
}

/// Reads one YAML document as `T`.
pub fn from_yaml<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    serde_yaml::from_str(text).map_err(|e| {
        let message = e.to_string();
        // serde_yaml appends " at line N column M"; callers say the place once.
        let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
        YamlError { message, line_column: e.location().map(|l| (l.line(), l.column())) }
    })
}

/// A value as block YAML (empty if it cannot be written, which our types never are).
pub fn to_yaml<T: Serialize + ?Sized>(value: &T) -> String {
    serde_yaml::to_string(value).unwrap_or_default()
}
