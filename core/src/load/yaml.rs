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
    quote_for_kubectl(&serde_yaml::to_string(value).unwrap_or_default())
}

/// serde_yaml writes a string plain when YAML 1.2 reads it back as that
/// string, but kubectl reads plain scalars by YAML 1.1 (docs/semantics/yaml.md):
/// the label value `no` it writes would reach the API server as `false`. So
/// each plain key or value that kubectl would read as something else than
/// the string serde_yaml meant is single-quoted. Block scalars' lines are text
/// and stay as they are.
fn quote_for_kubectl(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // The indentation of a block scalar's header line while inside its text.
    let mut block: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches('\n');
        let indent = body.len() - body.trim_start().len();
        if let Some(header) = block {
            if body.trim().is_empty() || indent > header {
                out.push_str(line);
                continue;
            }
            block = None;
        }
        // Past the indentation and any `- ` sequence markers.
        let mut start = indent;
        while body[start..].starts_with("- ") {
            start += 2;
        }
        let content = &body[start..];
        let (key, value) = match content.find(": ") {
            Some(at) if !content.starts_with(['\'', '"']) => (Some(&content[..at]), &content[at + 2..]),
            _ => match content.strip_suffix(':') {
                Some(key) if !content.starts_with(['\'', '"']) => (Some(key), ""),
                _ => (None, content),
            },
        };
        if value.starts_with(['|', '>']) {
            block = Some(indent);
        }
        out.push_str(&body[..start]);
        if let Some(key) = key {
            push_scalar(&mut out, key);
            out.push(':');
            if !value.is_empty() {
                out.push(' ');
            }
        }
        push_scalar(&mut out, value);
        out.push_str(&line[body.len()..]);
    }
    out
}

/// A plain scalar as written, single-quoted when kubectl would read it as no
/// string though serde_yaml reads it as one (`yes`, `off`, `1_000`).
fn push_scalar(out: &mut String, scalar: &str) {
    let rereads = super::yaml11::read_plain(scalar) != super::yaml11::Reading::Other
        // Read by the loader's reader: one value reader in the page, not two.
        && matches!(
            serde_yaml::from_str::<super::value::LastKeyWins>(scalar),
            Ok(super::value::LastKeyWins(serde_yaml::Value::String(_)))
        );
    if rereads {
        out.push('\'');
        out.push_str(scalar);
        out.push('\'');
    } else {
        out.push_str(scalar);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_kubectl_would_read_otherwise_are_quoted() {
        let value = serde_json::json!({
            "labels": {"enabled": "no", "on": "y", "count": "1_000", "mode": "0400", "app": "web"},
            "replicas": 3, "flag": true, "ratio": 0.5,
            "items": ["yes", "Off", "plain"],
            "script": "yes\nno\n",
        });
        let text = to_yaml(&value);
        for quoted in ["enabled: 'no'", "'on': 'y'", "count: '1_000'", "mode: '0400'", "- 'yes'", "- 'Off'"] {
            assert!(text.contains(quoted), "{quoted} in\n{text}");
        }
        for plain in ["app: web", "replicas: 3", "flag: true", "ratio: 0.5", "- plain", "  yes\n  no\n"] {
            assert!(text.contains(plain), "{plain} in\n{text}");
        }
        // What kubectl reads is what was written.
        let back: serde_json::Value = from_yaml(&text).expect("reads back");
        assert_eq!(back, value);
    }
}
