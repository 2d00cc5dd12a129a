//! Checks the API server makes on every object that the typed model does not:
//! unknown fields, names, labels, duplicates.

use std::collections::HashMap;

use serde_yaml::Value;

use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Kind, Loaded, Object, ObjectRef};
use crate::source::{Origin, join_index, join_key};

pub fn missing_name(value: &Value) -> bool {
    let metadata = value.get("metadata");
    let has = |field: &str| metadata.and_then(|m| m.get(field)).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
    !has("name") && !has("generateName")
}

/// Fields present in the input but absent after a typed round trip are fields the
/// schema does not know. `null` values are skipped: the API treats them as absent.
pub fn unknown_fields(input: &Value, known: &serde_json::Value, path: String, out: &mut Vec<String>) {
    match (input, known) {
        (Value::Mapping(mapping), serde_json::Value::Object(object)) => {
            for (key, value) in mapping {
                let Some(key) = key.as_str() else { continue };
                if value.is_null() || (path.is_empty() && (key == "apiVersion" || key == "kind")) {
                    continue;
                }
                let child = join_key(&path, key);
                match object.get(key) {
                    None => out.push(child),
                    Some(known_value) => unknown_fields(value, known_value, child, out),
                }
            }
        }
        (Value::Sequence(items), serde_json::Value::Array(known_items)) => {
            for (index, (item, known_item)) in items.iter().zip(known_items).enumerate() {
                unknown_fields(item, known_item, join_index(&path, index), out);
            }
        }
        _ => {}
    }
}

/// RFC 1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric.
/// (`k8s.io/apimachinery/pkg/util/validation/validation.go`, `IsDNS1123Label`.)
pub fn is_dns1123_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// RFC 1123 subdomain: dot-separated labels, at most 253 characters (`IsDNS1123Subdomain`).
pub fn is_dns1123_subdomain(name: &str) -> bool {
    name.len() <= 253 && name.split('.').all(is_dns1123_label)
}

/// RFC 1035 label: like a 1123 label but starting with a letter (`IsDNS1035Label`),
/// required of Service names.
pub fn is_dns1035_label(name: &str) -> bool {
    is_dns1123_label(name) && name.as_bytes()[0].is_ascii_lowercase()
}

/// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`, at most 63 characters: label values
/// and the name part of label keys (`IsValidLabelValue`, `IsQualifiedName`).
fn is_qualified_name_part(part: &str) -> bool {
    let bytes = part.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Why a label key is invalid, if it is.
pub fn label_key_problem(key: &str) -> Option<String> {
    let (prefix, name) = match key.split_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, key),
    };
    if let Some(prefix) = prefix
        && !is_dns1123_subdomain(prefix)
    {
        return Some(format!("the prefix `{prefix}` must be a DNS subdomain (lowercase, digits, '-', '.')"));
    }
    if !is_qualified_name_part(name) {
        return Some(
            "the name part must be 63 characters or less, start and end with a letter or digit, and contain only letters, digits, '-', '_' and '.'".to_owned(),
        );
    }
    None
}

pub fn label_value_problem(value: &str) -> Option<String> {
    if value.is_empty() || is_qualified_name_part(value) {
        None
    } else {
        Some("a label value must be empty or 63 characters or less, start and end with a letter or digit, and contain only letters, digits, '-', '_' and '.'".to_owned())
    }
}

pub fn names_and_labels(object: &Object, origin: &Origin, out: &mut Vec<Diagnostic>) {
    let metadata = object.metadata();
    if let Some(name) = &metadata.name {
        let (valid, rule) = match object.kind() {
            Kind::Namespace => {
                (is_dns1123_label(name), "a DNS-1123 label (lowercase letters, digits and '-', at most 63)")
            }
            Kind::Service => (
                is_dns1035_label(name),
                "a DNS-1035 label (starts with a letter; lowercase letters, digits and '-', at most 63)",
            ),
            _ => (
                is_dns1123_subdomain(name),
                "a DNS-1123 subdomain (lowercase letters, digits, '-' and '.', at most 253)",
            ),
        };
        if !valid {
            out.push(Diagnostic::at(
                Area::Input,
                origin,
                "metadata.name",
                Severity::Error,
                "invalid-name",
                format!("{} name `{name}` is invalid: it must be {rule}", object.kind()),
            ));
        }
    }
    if let Some(namespace) = &metadata.namespace
        && !is_dns1123_label(namespace)
    {
        out.push(Diagnostic::at(
            Area::Input,
            origin,
            "metadata.namespace",
            Severity::Error,
            "invalid-name",
            format!("namespace `{namespace}` is invalid: it must be a DNS-1123 label"),
        ));
    }
    for (key, value) in metadata.labels.iter().flatten() {
        let path = format!("metadata.labels.{key}");
        if let Some(problem) = label_key_problem(key) {
            out.push(Diagnostic::at(
                Area::Input,
                origin,
                &path,
                Severity::Error,
                "invalid-label",
                format!("label key `{key}` is invalid: {problem}"),
            ));
        }
        if let Some(problem) = label_value_problem(value) {
            out.push(Diagnostic::at(
                Area::Input,
                origin,
                &path,
                Severity::Error,
                "invalid-label",
                format!("label `{key}: {value}` is invalid: {problem}"),
            ));
        }
    }
}

/// The same object (group, kind, namespace, name) twice: the later one replaces the
/// earlier, as a second `kubectl apply` of it would.
pub fn deduplicate(objects: Vec<Loaded>, out: &mut Vec<Diagnostic>) -> Vec<Loaded> {
    // The kind fixes the group: one served version per kind.
    let mut last_index: HashMap<ObjectRef, usize> = HashMap::new();
    let key = Loaded::reference;
    for (index, object) in objects.iter().enumerate() {
        if let Some(previous) = last_index.insert(key(object), index) {
            let earlier = &objects[previous].origin;
            out.push(Diagnostic::at(
                Area::Input,
                &object.origin,
                "metadata.name",
                Severity::Warning,
                "duplicate-object",
                format!(
                    "{} `{}` is defined again (first at {}:{}); the later definition replaces the earlier",
                    object.kind(),
                    object.id(),
                    earlier.location.file,
                    earlier.location.span.line
                ),
            ));
        }
    }
    objects
        .into_iter()
        .enumerate()
        .filter(|(index, o)| last_index.get(&key(o)) == Some(index))
        .map(|(_, o)| o)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_names() {
        assert!(is_dns1123_label("my-app-1"));
        assert!(!is_dns1123_label("My-App"));
        assert!(!is_dns1123_label("-a"));
        assert!(!is_dns1123_label(&"a".repeat(64)));
        assert!(is_dns1123_subdomain("a.b-c.d"));
        assert!(!is_dns1123_subdomain("a..b"));
        assert!(is_dns1035_label("api"));
        assert!(!is_dns1035_label("1api"));
    }

    #[test]
    fn labels() {
        assert_eq!(label_key_problem("app.kubernetes.io/name"), None);
        assert_eq!(label_key_problem("tier"), None);
        assert!(label_key_problem("Bad_Prefix/x").is_some());
        assert!(label_key_problem("-x").is_some());
        assert_eq!(label_value_problem(""), None);
        assert_eq!(label_value_problem("v1.2_beta-3"), None);
        assert!(label_value_problem("has space").is_some());
        assert!(label_value_problem(&"a".repeat(64)).is_some());
    }
}
