//! pkg/apis/core/validation/validation.go: ConfigMaps and Secrets (their keys,
//! their size, and the keys a Secret's type requires).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{ConfigMap, Secret};

use super::field::{invalid, quoted, required, too_long};
use super::{Found, rule};
use crate::source::join_key;

/// `corev1.MaxSecretSize`, which also bounds a ConfigMap (1 MiB).
const MAX_SIZE: usize = 1024 * 1024;

/// `configMapKeyFmt` and `configMapKeyErrMsg` of `IsConfigMapKey`, with its examples.
const KEY_MESSAGE: &str = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

/// `validation.IsConfigMapKey`: at most 253 characters of `[-._a-zA-Z0-9]`,
/// and not `.`, `..` or starting with `..` (it names a file in a volume).
pub(super) fn key_problems(key: &str) -> Vec<&'static str> {
    let mut problems = Vec::new();
    if key.len() > 253 {
        problems.push("must be no more than 253 characters");
    }
    if key.is_empty() || !key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_')) {
        problems.push(KEY_MESSAGE);
    }
    if key == "." {
        problems.push("must not be '.'");
    } else if key == ".." {
        problems.push("must not be '..'");
    } else if key.starts_with("..") {
        problems.push("must not start with '..'");
    }
    problems
}

fn check_key(field: &str, key: &str, located: &str, out: &mut Vec<Found>) {
    let at = format!("{field}[{key}]");
    for problem in key_problems(key) {
        out.push(Found::new(rule::CONFIG_KEY, located.to_owned(), invalid(&at, &quoted(key), problem)));
    }
}

/// `ValidateConfigMap`: every key of `data` and `binaryData` valid, no key in
/// both, and everything together at most 1 MiB.
pub fn config_map(config_map: &ConfigMap, out: &mut Vec<Found>) {
    let data = config_map.data.as_ref();
    let binary = config_map.binary_data.as_ref();
    let mut total = 0usize;
    for (key, value) in data.into_iter().flatten() {
        let located = join_key("data", key);
        check_key("data", key, &located, out);
        if binary.is_some_and(|b| b.contains_key(key)) {
            out.push(Found::new(
                rule::CONFIG_KEY,
                located,
                invalid(&format!("data[{key}]"), &quoted(key), "duplicate of key present in binaryData"),
            ));
        }
        total = total.saturating_add(value.len());
    }
    for (key, value) in binary.into_iter().flatten() {
        check_key("binaryData", key, &join_key("binaryData", key), out);
        total = total.saturating_add(value.0.len());
    }
    if total > MAX_SIZE {
        // Upstream's path is `field.NewPath("")` (the whole object), which
        // prints as `[]`: a step with neither a name nor an index.
        out.push(Found::new(rule::CONFIG_SIZE, String::new(), too_long("[]", MAX_SIZE)));
    }
}

/// `ValidateSecret`. The API server validates the internal object, where
/// `stringData` has been merged into `data` (a `stringData` key wins), so a
/// `stringData` key is checked, counted and reported as `data[key]`.
pub fn secret(secret: &Secret, out: &mut Vec<Found>) {
    // Key → (its bytes, where it is written).
    let mut data: BTreeMap<&str, (&[u8], String)> = BTreeMap::new();
    for (key, value) in secret.data.iter().flatten() {
        data.insert(key, (value.0.as_slice(), join_key("data", key)));
    }
    for (key, value) in secret.string_data.iter().flatten() {
        data.insert(key, (value.as_bytes(), join_key("stringData", key)));
    }
    let mut total = 0usize;
    for (key, (bytes, located)) in &data {
        let size = bytes.len();
        check_key("data", key, located, out);
        total = total.saturating_add(size);
    }
    if total > MAX_SIZE {
        out.push(Found::new(rule::CONFIG_SIZE, "data".into(), too_long("data", MAX_SIZE)));
    }
    let mut require = |key: &str| {
        let at = format!("data[{key}]");
        out.push(Found::new(rule::SECRET_TYPE_KEYS, "data".into(), required(&at, "")));
    };
    match secret.type_.as_deref().unwrap_or_default() {
        "kubernetes.io/service-account-token" => {
            let name = "kubernetes.io/service-account.name";
            let annotations = secret.metadata.annotations.as_ref();
            if annotations.and_then(|a| a.get(name)).is_none_or(|v| v.is_empty()) {
                out.push(Found::new(
                    rule::SECRET_TYPE_KEYS,
                    "metadata.annotations".into(),
                    required(&format!("metadata.annotations[{name}]"), ""),
                ));
            }
        }
        kind @ ("kubernetes.io/dockercfg" | "kubernetes.io/dockerconfigjson") => {
            let key = if kind == "kubernetes.io/dockercfg" { ".dockercfg" } else { ".dockerconfigjson" };
            match data.get(key) {
                None => require(key),
                Some((bytes, located)) => {
                    if let Some(problem) = json_object_problem(bytes) {
                        let at = format!("data[{key}]");
                        out.push(Found::new(
                            rule::SECRET_TYPE_KEYS,
                            located.clone(),
                            invalid(&at, &quoted("<secret contents redacted>"), &problem),
                        ));
                    }
                }
            }
        }
        // Either may be empty, but one of them must be there.
        "kubernetes.io/basic-auth" if !data.contains_key("username") && !data.contains_key("password") => {
            require("username");
            require("password");
        }
        "kubernetes.io/ssh-auth" if data.get("ssh-privatekey").is_none_or(|(bytes, _)| bytes.is_empty()) => {
            require("ssh-privatekey")
        }
        "kubernetes.io/tls" => {
            for key in ["tls.crt", "tls.key"] {
                if !data.contains_key(key) {
                    require(key);
                }
            }
        }
        _ => {}
    }
}

/// Why `json.Unmarshal` into a `map[string]interface{}` fails, in Go's words:
/// a syntax error (`go_json`), or a well-formed document that is not an
/// object (`null` decodes to a nil map).
fn json_object_problem(bytes: &[u8]) -> Option<String> {
    if let Some(problem) = super::go_json::syntax_error(bytes) {
        return Some(problem);
    }
    // Valid JSON: its first byte that is not a space says what it is.
    let kind = match bytes.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n'))? {
        b'{' | b'n' => return None,
        b'[' => "array",
        b'"' => "string",
        b't' | b'f' => "bool",
        _ => "number",
    };
    Some(format!("json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_map_keys_follow_is_config_map_key() {
        assert!(key_problems("app.properties").is_empty());
        assert!(key_problems("KEY_NAME-1").is_empty());
        assert_eq!(key_problems("a b"), vec![KEY_MESSAGE]);
        assert_eq!(key_problems(""), vec![KEY_MESSAGE]);
        assert_eq!(key_problems("."), vec!["must not be '.'"]);
        assert_eq!(key_problems(".."), vec!["must not be '..'"]);
        assert_eq!(key_problems("..data"), vec!["must not start with '..'"]);
        assert_eq!(key_problems(&"a".repeat(254)), vec!["must be no more than 253 characters"]);
    }

    #[test]
    fn docker_configs_must_decode_to_a_json_object() {
        assert_eq!(json_object_problem(b"{\"auths\":{}}"), None);
        assert_eq!(json_object_problem(b"null"), None);
        assert_eq!(json_object_problem(b" "), Some("unexpected end of JSON input".to_owned()));
        assert_eq!(
            json_object_problem(b"[1]"),
            Some("json: cannot unmarshal array into Go value of type map[string]interface {}".to_owned())
        );
        assert_eq!(
            json_object_problem(b"\"x\""),
            Some("json: cannot unmarshal string into Go value of type map[string]interface {}".to_owned())
        );
        // A syntax error in the words of Go's scanner.
        assert_eq!(
            json_object_problem(b"{oops"),
            Some("invalid character 'o' looking for beginning of object key string".to_owned())
        );
    }

    #[test]
    fn size_counts_data_and_binary_data_together() {
        let half = "x".repeat(MAX_SIZE / 2);
        let mut config_map = ConfigMap {
            data: Some(BTreeMap::from([("a".to_owned(), half.clone())])),
            binary_data: Some(BTreeMap::from([("b".to_owned(), k8s_openapi::ByteString(half.clone().into_bytes()))])),
            ..ConfigMap::default()
        };
        let mut out = Vec::new();
        self::config_map(&config_map, &mut out);
        assert!(out.is_empty(), "exactly 1 MiB is accepted: {out:?}");
        config_map.data = Some(BTreeMap::from([("a".to_owned(), format!("{half}x"))]));
        self::config_map(&config_map, &mut out);
        let messages: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(messages, vec!["[]: Too long: may not be more than 1048576 bytes"]);
    }
}
