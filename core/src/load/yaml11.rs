//! Plain scalars as kubectl reads them. kubectl (and Helm, and client-go's
//! YAML decoder) turns YAML into JSON through sigs.k8s.io/yaml, whose go-yaml
//! v2 resolves an unquoted, untagged scalar by YAML 1.1 rules
//! (`goyaml.v2/resolve.go`, `resolve`): `yes`/`no`/`on`/`off`/`y`/`n` are
//! booleans, `0400` is octal, `1_000` is 1000. serde_yaml resolves by YAML 1.2,
//! where all of those are strings, so `defaultMode: 0400` (256, a valid mode)
//! would be refused as "a string, expected an integer". The rules are in
//! docs/semantics/yaml.md.
//!
//! [`read_plain`] is go-yaml's resolution; [`needs_rereading`] says whether
//! serde_yaml may have read the scalar differently, so only those few are
//! looked up and replaced in the value (see [`apply`]).

use serde_yaml::{Number, Value};

/// One step of a path inside a document.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Key(String),
    Index(usize),
}

/// What go-yaml v2 makes of a plain scalar (before JSON encoding).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Reading {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// Past 64 bits (go-yaml keeps a big.Int), or a string.
    Other,
}

/// A plain scalar whose YAML 1.1 reading is to replace what serde_yaml made of it.
#[derive(Clone, Debug, PartialEq)]
pub struct Reread {
    pub path: Vec<Step>,
    pub text: String,
    pub reading: Reading,
}

/// go-yaml v2's `resolve` for an untagged plain scalar.
pub fn read_plain(text: &str) -> Reading {
    match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Reading::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Reading::Bool(false);
        }
        "" | "~" | "null" | "Null" | "NULL" => return Reading::Null,
        ".nan" | ".NaN" | ".NAN" => return Reading::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Reading::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Reading::Float(f64::NEG_INFINITY),
        _ => {}
    }
    match text.as_bytes().first() {
        // Not in the table: maybe a plain float (Go's ParseFloat on the text as is).
        Some(b'.') => match go_float(text) {
            Some(f) => Reading::Float(f),
            None => Reading::Other,
        },
        Some(b'0'..=b'9' | b'+' | b'-') => {
            // Timestamps (`2001-12-14`) come back as strings when decoded
            // into an untyped value, and no timestamp reads as a number.
            let plain: std::borrow::Cow<'_, str> =
                if text.contains('_') { text.replace('_', "").into() } else { text.into() };
            match go_parse_int(&plain) {
                Ok(i) => return Reading::Int(i),
                Err(IntError::Range) => {
                    if let Some(u) = go_parse_uint(&plain) {
                        return Reading::Uint(u);
                    }
                    // go-yaml keeps a big.Int when the digits are valid.
                    return Reading::Other;
                }
                Err(IntError::Syntax) => {}
            }
            // `0b…` and `-0b…` are retried in base 2 upstream: go_parse_int
            // already read them (Go's base 0 knows the prefix).
            match go_float(&plain) {
                Some(f) => Reading::Float(f),
                None => Reading::Other,
            }
        }
        _ => Reading::Other,
    }
}

/// Whether serde_yaml (YAML 1.2) may read this plain scalar otherwise than
/// go-yaml does, or the JSON go-yaml's value becomes differs from it: only
/// these are looked up in the value. Generous on purpose; [`apply`] replaces
/// only what differs.
pub fn needs_rereading(text: &str, reading: Reading) -> bool {
    match reading {
        Reading::Bool(_) => !matches!(text, "true" | "True" | "TRUE" | "false" | "False" | "FALSE"),
        Reading::Null => false,
        Reading::Int(_) | Reading::Uint(_) => !is_plain_decimal(text),
        // Non-finite floats make kubectl fail (JSON has no NaN); left as read.
        Reading::Float(f) => f.is_finite() && !is_plain_fraction(text),
        Reading::Other => text.parse::<f64>().is_ok(),
    }
}

/// `-?(0|[1-9][0-9]*)`: read alike by both.
fn is_plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) && (digits == "0" || !digits.starts_with('0'))
}

/// `-?(0|[1-9][0-9]*)\.[0-9]*[1-9]`: a float with a fraction, read alike by both.
fn is_plain_fraction(text: &str) -> bool {
    match text.split_once('.') {
        Some((whole, fraction)) => {
            is_plain_decimal(whole)
                && !fraction.is_empty()
                && fraction.bytes().all(|b| b.is_ascii_digit())
                && !fraction.bytes().all(|b| b == b'0')
        }
        None => false,
    }
}

/// The value kubectl sends for this reading, as our deserialisers should
/// see it, or None to leave serde_yaml's reading alone. Go's encoding/json
/// writes an integral float below 1e21 without a fraction (`10`, not `10.0`),
/// so the API server reads it as an integer.
fn as_value(text: &str, reading: Reading) -> Option<Value> {
    Some(match reading {
        Reading::Null => Value::Null,
        Reading::Bool(b) => Value::Bool(b),
        Reading::Int(i) => Value::Number(Number::from(i)),
        Reading::Uint(u) => Value::Number(Number::from(u)),
        Reading::Float(f) if !f.is_finite() => return None,
        Reading::Float(f) if f.fract() == 0.0 && f.abs() < 1e21 => {
            if f >= i64::MIN as f64 && f < i64::MAX as f64 {
                Value::Number(Number::from(f as i64))
            } else if f >= 0.0 && f < u64::MAX as f64 {
                Value::Number(Number::from(f as u64))
            } else {
                Value::Number(Number::from(f))
            }
        }
        Reading::Float(f) => Value::Number(Number::from(f)),
        Reading::Other => Value::String(text.to_owned()),
    })
}

/// Replaces, in a document's value, each reread scalar whose YAML 1.1 value
/// differs from serde_yaml's. Returns the ones replaced (for diagnostics that
/// name the field), with their dotted paths.
pub fn apply(root: &mut Value, rereads: Vec<Reread>) -> Vec<(String, Reread)> {
    let mut replaced = Vec::new();
    for reread in rereads {
        let Some(wanted) = as_value(&reread.text, reread.reading) else { continue };
        let Some(node) = lookup(root, &reread.path) else { continue };
        let scalar = matches!(node, Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_));
        if scalar && *node != wanted {
            *node = wanted;
            replaced.push((dotted(&reread.path), reread));
        }
    }
    replaced
}

/// JSON has only string keys: sigs.k8s.io/yaml (`yaml.go`,
/// `convertToJSONableObject`) writes an integer key in decimal, a float key
/// as Go's `FormatFloat(f, 'g', -1, 32)` and a boolean key as `true` or
/// `false`, so `data: {404: page}` reaches the API server as `{"404": "page"}`.
/// Keys are rewritten so throughout the document; a null or collection key is
/// left for [`unsupported_key`] to refuse, as sigs.k8s.io/yaml refuses it.
pub fn stringify_keys(root: &mut Value) {
    let mut pending: Vec<&mut Value> = vec![root];
    while let Some(node) = pending.pop() {
        match node {
            Value::Mapping(map) => {
                if map.keys().any(|k| matches!(k, Value::Number(_) | Value::Bool(_))) {
                    for (key, value) in std::mem::take(map) {
                        let key = match key {
                            Value::Number(n) => Value::String(json_key(&n)),
                            Value::Bool(b) => Value::String(b.to_string()),
                            other => other,
                        };
                        map.insert(key, value);
                    }
                }
                pending.extend(map.values_mut());
            }
            Value::Sequence(items) => pending.extend(items.iter_mut()),
            Value::Tagged(tagged) => pending.push(&mut tagged.value),
            _ => {}
        }
    }
}

/// A mapping key kubectl cannot read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyProblem {
    /// sigs.k8s.io/yaml's `convertToJSONableObject` has no JSON key for it.
    Null,
    /// go-yaml v2's `decoder.mapping` refuses it (`invalid map key`).
    Collection,
}

/// The path of the first mapping (depth first, in document order) with a
/// key kubectl refuses, run after [`stringify_keys`]: only string keys are
/// left then, or the ones below.
pub fn unsupported_key(root: &Value) -> Option<(String, KeyProblem)> {
    /// A step from a collection to a child, borrowed: the path is written
    /// only for the mapping found, not for every node of every document.
    enum At<'v> {
        Key(&'v str),
        Index(usize),
    }
    // Each node with the length of its parent's trail and its own step.
    let mut pending: Vec<(usize, Option<At>, &Value)> = vec![(0, None, root)];
    let mut trail: Vec<At> = Vec::new();
    while let Some((depth, step, node)) = pending.pop() {
        trail.truncate(depth);
        trail.extend(step);
        let depth = trail.len();
        let problem = match node {
            Value::Mapping(map) => map.keys().find_map(|key| match key {
                Value::Null => Some(KeyProblem::Null),
                Value::Sequence(_) | Value::Mapping(_) => Some(KeyProblem::Collection),
                _ => None,
            }),
            _ => None,
        };
        if let Some(problem) = problem {
            let steps: Vec<Step> = trail
                .iter()
                .map(|at| match at {
                    At::Key(key) => Step::Key((*key).to_owned()),
                    At::Index(index) => Step::Index(*index),
                })
                .collect();
            return Some((dotted(&steps), problem));
        }
        match node {
            Value::Mapping(map) => {
                let children: Vec<_> =
                    map.iter().filter_map(|(k, v)| Some((depth, Some(At::Key(k.as_str()?)), v))).collect();
                pending.extend(children.into_iter().rev());
            }
            Value::Sequence(items) => {
                pending.extend(items.iter().enumerate().rev().map(|(i, v)| (depth, Some(At::Index(i)), v)));
            }
            Value::Tagged(tagged) => pending.push((depth, None, &tagged.value)),
            _ => {}
        }
    }
    None
}

/// A number key as sigs.k8s.io/yaml writes it: integers in decimal, floats as
/// the shortest float32 text in `%g` form (`1.5`, `1`, `1e+06`).
fn json_key(number: &Number) -> String {
    if let Some(i) = number.as_i64() {
        return i.to_string();
    }
    if let Some(u) = number.as_u64() {
        return u.to_string();
    }
    let f = number.as_f64().unwrap_or(0.0) as f32;
    if f.is_nan() {
        return ".nan".to_owned();
    }
    if f.is_infinite() {
        return if f > 0.0 { ".inf" } else { "-.inf" }.to_owned();
    }
    // Shortest digits that read back as this float32, then Go's %g layout:
    // an exponent below -4 or of 6 and more (the shortest form's precision)
    // is written as mantissa e±XX.
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..6).contains(&exponent) {
        let sign = if exponent < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exponent.abs());
    }
    format!("{f}")
}

/// The node at `path`, if the path leads to one.
pub fn lookup<'v>(root: &'v mut Value, path: &[Step]) -> Option<&'v mut Value> {
    let mut node = root;
    for step in path {
        node = match (node, step) {
            (Value::Mapping(map), Step::Key(key)) => map.get_mut(key.as_str())?,
            (Value::Sequence(items), Step::Index(i)) => items.get_mut(*i)?,
            _ => return None,
        };
    }
    Some(node)
}

/// The path in the syntax of source maps and serde_path_to_error.
pub fn dotted(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        out = match step {
            Step::Key(key) => crate::source::join_key(&out, key),
            Step::Index(i) => crate::source::join_index(&out, *i),
        };
    }
    out
}

/// What a reading is, in words, for a diagnostic.
pub fn describe(reading: Reading) -> String {
    match reading {
        Reading::Null => "null".to_owned(),
        Reading::Bool(b) => format!("the boolean {b}"),
        Reading::Int(i) => format!("the number {i}"),
        Reading::Uint(u) => format!("the number {u}"),
        // Whole floats become integers (§3); i64 holds those a field can.
        Reading::Float(f) if f.fract() == 0.0 && f.abs() < 9e18 => format!("the number {}", f as i64),
        Reading::Float(f) => format!("the number {f}"),
        Reading::Other => "a string".to_owned(),
    }
}

enum IntError {
    Syntax,
    Range,
}

/// Go's `strconv.ParseInt(s, 0, 64)`: an optional sign, then `0x`/`0X`
/// (hex), `0o`/`0O` or a leading `0` (octal), `0b`/`0B` (binary), else
/// decimal. Underscores are gone already (go-yaml removes them first).
fn go_parse_int(text: &str) -> Result<i64, IntError> {
    let (negative, unsigned) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let magnitude = go_parse_magnitude(unsigned)?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 { Ok((magnitude as i64).wrapping_neg()) } else { Err(IntError::Range) }
    } else {
        i64::try_from(magnitude).map_err(|_| IntError::Range)
    }
}

/// Go's `strconv.ParseUint(s, 0, 64)` (no sign allowed).
fn go_parse_uint(text: &str) -> Option<u64> {
    if text.starts_with(['+', '-']) {
        return None;
    }
    go_parse_magnitude(text).ok()
}

fn go_parse_magnitude(text: &str) -> Result<u64, IntError> {
    let bytes = text.as_bytes();
    let (radix, digits) = match bytes {
        [b'0', b'x' | b'X', ..] => (16, &text[2..]),
        [b'0', b'o' | b'O', ..] => (8, &text[2..]),
        [b'0', b'b' | b'B', ..] => (2, &text[2..]),
        [b'0', _, ..] => (8, &text[1..]),
        _ => (10, text),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(IntError::Syntax);
    }
    u64::from_str_radix(digits, radix).map_err(|_| IntError::Range)
}

/// go-yaml's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn yaml_style_float(text: &str) -> bool {
    let rest = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", fraction)) => digits(fraction),
        Some((whole, fraction)) => digits(whole) && (fraction.is_empty() || digits(fraction)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms go-yaml passes it
/// (out of range is an error there, not an infinity).
fn go_float(text: &str) -> Option<f64> {
    if !yaml_style_float(text) {
        return None;
    }
    text.parse::<f64>().ok().filter(|f| f.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn number_and_boolean_keys_as_sigs_yaml_writes_them() {
        let mut value: Value = serde_yaml::from_str(
            "data: {404: a, 1.5: b, 2.0: c, 1000000.0: d, 0.00001: e, true: f, x: {8080: g}}\nlist: [{7: h}]",
        )
        .unwrap();
        stringify_keys(&mut value);
        let data = value.get("data").unwrap().as_mapping().unwrap();
        let keys: Vec<&str> = data.keys().filter_map(Value::as_str).collect();
        assert_eq!(keys, ["404", "1.5", "2", "1e+06", "1e-05", "true", "x"]);
        assert_eq!(value["data"]["x"]["8080"], Value::String("g".into()));
        assert_eq!(value["list"][0]["7"], Value::String("h".into()));
    }

    #[test]
    fn go_yaml_v2_readings() {
        let cases: &[(&str, Reading)] = &[
            ("yes", Reading::Bool(true)),
            ("Off", Reading::Bool(false)),
            ("y", Reading::Bool(true)),
            ("~", Reading::Null),
            ("0400", Reading::Int(256)),
            ("0777", Reading::Int(511)),
            ("-012", Reading::Int(-10)),
            ("+012", Reading::Int(10)),
            ("08", Reading::Float(8.0)),
            ("1_000", Reading::Int(1000)),
            ("0x1F", Reading::Int(31)),
            ("0o17", Reading::Int(15)),
            ("0b101", Reading::Int(5)),
            ("-0b101", Reading::Int(-5)),
            ("1e3", Reading::Float(1000.0)),
            ("1.5", Reading::Float(1.5)),
            (".5", Reading::Float(0.5)),
            ("10.", Reading::Float(10.0)),
            ("18446744073709551615", Reading::Uint(u64::MAX)),
            ("-9223372036854775808", Reading::Int(i64::MIN)),
            ("99999999999999999999", Reading::Other),
            ("1e400", Reading::Other),
            ("2001-12-14", Reading::Other),
            ("inf", Reading::Other),
            ("1Gi", Reading::Other),
            ("0x", Reading::Other),
            ("09.5", Reading::Float(9.5)),
        ];
        for (text, reading) in cases {
            assert_eq!(read_plain(text), *reading, "{text}");
        }
    }

    #[test]
    fn only_scalars_yaml_1_2_may_read_otherwise_are_looked_up() {
        for text in ["yes", "on", "N", "0400", "08", "1_000", "1e3", "10.0", "+5", "0x1F"] {
            assert!(needs_rereading(text, read_plain(text)), "{text}");
        }
        for text in ["true", "80", "-3", "0", "0.5", "1.25", "nginx", "1Gi", "~", ".inf"] {
            assert!(!needs_rereading(text, read_plain(text)), "{text}");
        }
    }

    #[test]
    fn replaces_what_differs_and_names_it() {
        let mut value: Value = serde_yaml::from_str("a: {mode: 0400, port: 80}\nb: [yes, 1e1]\n").unwrap();
        let reread = |path: Vec<Step>, text: &str| Reread { path, text: text.to_owned(), reading: read_plain(text) };
        let replaced = apply(
            &mut value,
            vec![
                reread(vec![Step::Key("a".into()), Step::Key("mode".into())], "0400"),
                reread(vec![Step::Key("b".into()), Step::Index(0)], "yes"),
                reread(vec![Step::Key("b".into()), Step::Index(1)], "1e1"),
                reread(vec![Step::Key("b".into()), Step::Index(7)], "yes"),
            ],
        );
        assert_eq!(value, serde_yaml::from_str::<Value>("a: {mode: 256, port: 80}\nb: [true, 10]\n").unwrap());
        let names: Vec<&str> = replaced.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(names, ["a.mode", "b[0]", "b[1]"]);
    }
}
