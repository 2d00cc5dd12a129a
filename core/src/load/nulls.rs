//! A `null` where Kubernetes' Go type has no "absent" (a string, a number, a
//! struct held by value, a map or list element): the API server decodes JSON
//! with sigs.k8s.io/json, a fork of `encoding/json`, whose `literalStore`
//! leaves the zero value there ("ignore null for primitives/string"), and a
//! map or list element decoded from `null` is stored as that zero value. So
//! `annotations: {a: null}` is created as `a: ""`, `args: [x, null]` as
//! `["x", ""]`, `limits: {cpu: null}` as a zero quantity. serde refuses a
//! unit value for those types; the loader puts the zero value in place and
//! reads the object again (`docs/semantics/yaml.md` §5).

use serde_yaml::{Mapping, Value};

use super::typed::{Segment, TypedError};
use super::yaml11::{Step, lookup};

/// How many nulls one object may have filled: each is a typed read of the
/// object again, so a hostile document with a million of them stops here
/// and gets the type error, as before.
pub const MAX_FILLED: usize = 64;

/// Puts Go's zero value where `error` says a typed read met a `null`; false
/// when the error is another one (or the path does not lead to a null).
pub fn fill_zero(root: &mut Value, error: &TypedError) -> bool {
    let message = error.error.to_string();
    let Some(expected) = message.strip_prefix("invalid type: unit value, expected ") else { return false };
    let Some(zero) = zero_value(expected) else { return false };
    let mut path = Vec::new();
    for segment in &error.path.segments {
        path.push(match segment {
            Segment::Map { key } => Step::Key(key.clone()),
            Segment::Seq { index } => Step::Index(*index),
            _ => return false,
        });
    }
    let Some(node) = lookup(root, &path) else { return false };
    if !node.is_null() {
        return false;
    }
    *node = zero;
    true
}

/// Go's zero value for the type serde expected, as the JSON it encodes to.
fn zero_value(expected: &str) -> Option<Value> {
    Some(match expected {
        "a string" => Value::String(String::new()),
        "a boolean" => Value::Bool(false),
        // resource.Quantity's UnmarshalJSON makes `null` a zero quantity.
        "Quantity" => Value::String("0".to_owned()),
        "a sequence" => Value::Sequence(Vec::new()),
        "a map" => Value::Mapping(Mapping::new()),
        _ if expected.starts_with("struct ") => Value::Mapping(Mapping::new()),
        // i32, u64, f64, …
        _ if matches!(expected.as_bytes(), [b'i' | b'u' | b'f', b'0'..=b'9', ..]) => Value::Number(0.into()),
        _ => return None,
    })
}
