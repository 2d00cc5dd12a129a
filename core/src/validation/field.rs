//! `k8s.io/apimachinery/pkg/util/validation/field`: the error types the API
//! server's validation functions return, printed as `(*field.Error).Error()`
//! prints them (`<path>: <type>[: <value>][: <detail>]`). Values: numbers
//! plainly, strings quoted (`%q`), anything composite (maps, structs,
//! `IntOrString`) as JSON since Kubernetes 1.34 (kubernetes/kubernetes#132314;
//! internal types have no JSON tags, so their fields keep Go's names).

use std::collections::BTreeMap;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::diagnostic::go_quote;

/// `field.Required`: `<path>: Required value[: detail]`.
pub fn required(path: &str, detail: &str) -> String {
    with_detail(format!("{path}: Required value"), detail)
}

/// `field.Forbidden`: `<path>: Forbidden: detail`.
pub fn forbidden(path: &str, detail: &str) -> String {
    with_detail(format!("{path}: Forbidden"), detail)
}

/// `field.Invalid`: `<path>: Invalid value: <value>: detail`.
pub fn invalid(path: &str, value: &str, detail: &str) -> String {
    with_detail(format!("{path}: Invalid value: {value}"), detail)
}

/// `field.Invalid` with `field.OmitValueType{}` as its value: `<path>: Invalid value: detail`.
pub fn invalid_omitting_value(path: &str, detail: &str) -> String {
    format!("{path}: Invalid value: {detail}")
}

/// `field.TooMany`: `<path>: Too many: <actual>: must have at most <max> items`.
pub fn too_many(path: &str, actual: usize, max: usize) -> String {
    let unit = if max == 1 { "item" } else { "items" };
    format!("{path}: Too many: {actual}: must have at most {max} {unit}")
}

/// `field.Duplicate`: `<path>: Duplicate value: <value>`.
pub fn duplicate(path: &str, value: &str) -> String {
    format!("{path}: Duplicate value: {value}")
}

/// `field.NotFound`: `<path>: Not found: <value>`.
pub fn not_found(path: &str, value: &str) -> String {
    format!("{path}: Not found: {value}")
}

/// `field.NotSupported`: `<path>: Unsupported value: <value>: supported values: "a", "b"`.
pub fn not_supported(path: &str, value: &str, valid: &[&str]) -> String {
    let quoted: Vec<String> = valid.iter().map(|v| go_quote(v)).collect();
    format!("{path}: Unsupported value: {value}: supported values: {}", quoted.join(", "))
}

/// `field.TooLong` with a byte limit: the value is omitted from the message
/// (apimachinery since Kubernetes 1.32).
pub fn too_long(path: &str, max_bytes: usize) -> String {
    let unit = if max_bytes == 1 { "byte" } else { "bytes" };
    format!("{path}: Too long: may not be more than {max_bytes} {unit}")
}

fn with_detail(head: String, detail: &str) -> String {
    if detail.is_empty() { head } else { format!("{head}: {detail}") }
}

/// A string value as the messages print it (`%q`).
pub fn quoted(value: &str) -> String {
    go_quote(value)
}

/// A list of strings as a field error prints it (JSON since 1.34).
pub fn string_list<S: AsRef<str>>(values: impl IntoIterator<Item = S>) -> String {
    let items: Vec<String> = values.into_iter().map(|v| json_string(v.as_ref())).collect();
    format!("[{}]", items.join(","))
}

/// Go's `encoding/json` text of a string: as serde_json writes it, plus the
/// HTML-safe escapes Go adds for `<`, `>`, `&` and the line and paragraph separators.
pub fn json_string(value: &str) -> String {
    serde_json::Value::String(value.to_owned())
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
        .replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// A `map[string]string` as a field error prints a composite value since
/// Kubernetes 1.34 (kubernetes/kubernetes#132314): JSON, keys sorted; `null`
/// for an absent map.
pub fn string_map(map: Option<&BTreeMap<String, String>>) -> String {
    match map {
        None => "null".to_owned(),
        Some(map) => {
            let entries: Vec<String> =
                map.iter().map(|(k, v)| format!("{}:{}", json_string(k), json_string(v))).collect();
            format!("{{{}}}", entries.join(","))
        }
    }
}

/// A `metav1.LabelSelector` as JSON (both fields `omitempty`).
pub fn label_selector(selector: &LabelSelector) -> String {
    let mut fields = Vec::new();
    if let Some(labels) = selector.match_labels.as_ref().filter(|m| !m.is_empty()) {
        fields.push(format!("\"matchLabels\":{}", string_map(Some(labels))));
    }
    if let Some(expressions) = selector.match_expressions.as_ref().filter(|e| !e.is_empty()) {
        let items: Vec<String> = expressions
            .iter()
            .map(|e| {
                let values = match e.values.as_ref().filter(|v| !v.is_empty()) {
                    Some(values) => {
                        format!(",\"values\":[{}]", values.iter().map(|v| json_string(v)).collect::<Vec<_>>().join(","))
                    }
                    None => String::new(),
                };
                format!("{{\"key\":{},\"operator\":{}{values}}}", json_string(&e.key), json_string(&e.operator))
            })
            .collect();
        fields.push(format!("\"matchExpressions\":[{}]", items.join(",")));
    }
    format!("{{{}}}", fields.join(","))
}

/// An `intstr.IntOrString` as its JSON: the number, or the quoted string.
pub fn int_or_string(value: &IntOrString) -> String {
    match value {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => json_string(s),
    }
}

/// `qualifiedNameErrMsg` of apimachinery's `IsQualifiedName` as `RegexError`
/// prints it, with its examples and `qualifiedNameFmt`.
const QUALIFIED_NAME_MESSAGE: &str = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

/// `validation.IsQualifiedName`: an optional DNS subdomain prefix and `/`,
/// then a name of at most 63 characters; upstream's messages in its order.
pub fn qualified_name_problems(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let parts: Vec<&str> = value.split('/').collect();
    let name = match parts.as_slice() {
        [name] => *name,
        [prefix, name] => {
            if prefix.is_empty() {
                problems.push("prefix part must be non-empty".to_owned());
            } else {
                let prefix_problems = crate::load::NameRule::Dns1123Subdomain.problems(prefix);
                problems.extend(prefix_problems.iter().map(|p| format!("prefix part {p}")));
            }
            *name
        }
        _ => {
            problems.push(format!(
                "a qualified name {QUALIFIED_NAME_MESSAGE} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
            ));
            return problems;
        }
    };
    if name.is_empty() {
        problems.push("name part must be non-empty".to_owned());
    } else if name.len() > 63 {
        problems.push("name part must be no more than 63 characters".to_owned());
    }
    if !matches_qualified_name(name) {
        problems.push(format!("name part {QUALIFIED_NAME_MESSAGE}"));
    }
    problems
}

/// `ValidateLabelName`: one `field.Invalid` on `path` per message of
/// `IsQualifiedName` (a Go `string`, so printed with `%q`).
pub fn label_name(path: &str, key: &str) -> Vec<String> {
    qualified_name_problems(key).iter().map(|problem| invalid(path, &quoted(key), problem)).collect()
}

/// `validation.IsValidLabelValue`: empty, or a qualified name part of at
/// most 63 characters; upstream's messages in its order.
pub fn label_value_problems(value: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if value.len() > 63 {
        problems.push("must be no more than 63 characters".to_owned());
    }
    if !value.is_empty() && !matches_qualified_name(value) {
        problems.push("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_owned());
    }
    problems
}

/// `^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$` (`qualifiedNameFmt`), any length.
fn matches_qualified_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    match (bytes.first(), bytes.last()) {
        (Some(first), Some(last)) => {
            first.is_ascii_alphanumeric()
                && last.is_ascii_alphanumeric()
                && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        }
        _ => false,
    }
}

/// `netutils.ParseIPSloppy`: an IPv6 address, or an IPv4 address whose
/// parts may carry leading zeros (read as decimal).
pub fn parse_ip_sloppy(text: &str) -> Option<std::net::IpAddr> {
    if text.contains(':') {
        return text.parse::<std::net::Ipv6Addr>().ok().map(std::net::IpAddr::V6);
    }
    let mut octets = [0u8; 4];
    let mut parts = text.split('.');
    for octet in &mut octets {
        let part = parts.next()?;
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        *octet = part.parse::<u32>().ok().filter(|n| *n <= 255).and_then(|n| u8::try_from(n).ok())?;
    }
    if parts.next().is_some() {
        return None;
    }
    Some(std::net::IpAddr::V4(std::net::Ipv4Addr::from(octets)))
}

/// The address as Go's `net.IP` predicates and `String()` see it (`To4`):
/// an IPv4-mapped IPv6 address is its IPv4 address.
pub fn go_to4(ip: std::net::IpAddr) -> std::net::IpAddr {
    match ip {
        std::net::IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, std::net::IpAddr::V4),
        v4 => v4,
    }
}

/// Whether `netutils.ParseIPSloppy` reads the text.
pub fn is_ip_sloppy(text: &str) -> bool {
    parse_ip_sloppy(text).is_some()
}

/// `validatePathNoBacksteps`: no `..` element.
pub fn has_backsteps(path: &str) -> bool {
    path.split('/').any(|part| part == "..")
}

/// `validateLocalDescendingPath`'s messages in its order: relative, and no
/// `..` element (seccomp profiles, volume items, mount sub paths).
pub fn local_descending_path_problems(path: &str) -> Vec<&'static str> {
    let mut problems = Vec::new();
    if path.starts_with('/') {
        problems.push("must be a relative path");
    }
    if has_backsteps(path) {
        problems.push("must not contain '..'");
    }
    problems
}

/// `validation.IsValidPortNum`.
pub fn port_num_problems(port: i64) -> Vec<String> {
    if (1..=65535).contains(&port) { Vec::new() } else { vec!["must be between 1 and 65535, inclusive".to_owned()] }
}

/// `validation.IsValidPortName` (IANA service names), upstream's checks in order.
pub fn port_name_problems(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if name.len() > 15 {
        problems.push("must be no more than 15 characters".to_owned());
    }
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-') {
        problems.push("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_owned());
    }
    if !name.bytes().any(|b| b.is_ascii_lowercase()) {
        problems.push("must contain at least one letter (a-z)".to_owned());
    }
    if name.contains("--") {
        problems.push("must not contain consecutive hyphens (--)".to_owned());
    }
    if !name.is_empty() && (name.starts_with('-') || name.ends_with('-')) {
        problems.push("must not begin or end with a hyphen (-)".to_owned());
    }
    problems
}

/// `ValidatePortNumOrName` (pkg/apis/core/validation): a number in range or an
/// IANA service name.
pub fn port_num_or_name(path: &str, port: &IntOrString) -> Vec<String> {
    match port {
        IntOrString::Int(n) => {
            port_num_problems(i64::from(*n)).iter().map(|p| invalid(path, &n.to_string(), p)).collect()
        }
        IntOrString::String(name) => port_name_problems(name).iter().map(|p| invalid(path, &quoted(name), p)).collect(),
    }
}

/// `ValidateNonnegativeField`.
pub fn nonnegative(path: &str, value: Option<i64>) -> Option<String> {
    value.filter(|v| *v < 0).map(|v| invalid(path, &v.to_string(), "must be greater than or equal to 0"))
}

/// `validation.IsValidPercent`: `^[0-9]+%$`.
fn percent(value: &str) -> Option<i64> {
    let digits = value.strip_suffix('%')?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then(|| digits.parse().unwrap_or(i64::MAX))
}

/// `getIntOrPercentValue` of apps validation: the number, or the percentage's number.
pub fn int_or_percent_value(value: &IntOrString) -> i64 {
    match value {
        IntOrString::Int(n) => i64::from(*n),
        IntOrString::String(s) => percent(s).unwrap_or(0),
    }
}

/// `ValidatePositiveIntOrPercent` then `IsNotMoreThan100Percent` (pkg/apis/apps/validation).
pub fn positive_int_or_percent(path: &str, value: &IntOrString, at_most_100_percent: bool) -> Vec<String> {
    let mut errors = Vec::new();
    match value {
        IntOrString::Int(n) => errors.extend(nonnegative(path, Some(i64::from(*n)))),
        IntOrString::String(s) => match percent(s) {
            None => errors.push(invalid(
                path,
                &int_or_string(value),
                "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
            )),
            Some(p) if at_most_100_percent && p > 100 => {
                errors.push(invalid(path, &int_or_string(value), "must not be greater than 100%"))
            }
            Some(_) => {}
        },
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_print_as_field_error_does() {
        assert_eq!(required("spec.ports", ""), "spec.ports: Required value");
        assert_eq!(
            not_supported("spec.template.spec.restartPolicy", &quoted("Always"), &["OnFailure", "Never"]),
            "spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\""
        );
        let labels = BTreeMap::from([("tier".to_owned(), "web".to_owned()), ("app".to_owned(), "<b>".to_owned())]);
        assert_eq!(string_map(Some(&labels)), "{\"app\":\"\\u003cb\\u003e\",\"tier\":\"web\"}");
        assert_eq!(string_map(None), "null");
        assert_eq!(
            label_selector(&LabelSelector { match_labels: Some(BTreeMap::new()), match_expressions: None }),
            "{}"
        );
        assert_eq!(int_or_string(&IntOrString::String("110%".into())), "\"110%\"");
        assert_eq!(port_name_problems("http"), Vec::<String>::new());
        assert_eq!(
            port_name_problems("-80"),
            vec!["must contain at least one letter (a-z)", "must not begin or end with a hyphen (-)"]
        );
        assert_eq!(port_name_problems("a--b"), vec!["must not contain consecutive hyphens (--)"]);
        assert_eq!(port_name_problems("Http").len(), 1);
        assert_eq!(positive_int_or_percent("x", &IntOrString::String("25%".into()), true), Vec::<String>::new());
        assert_eq!(positive_int_or_percent("x", &IntOrString::String("150%".into()), true).len(), 1);
        assert_eq!(positive_int_or_percent("x", &IntOrString::String("1.5%".into()), true).len(), 1);
        assert_eq!(too_long("data", 1048576), "data: Too long: may not be more than 1048576 bytes");
    }

    #[test]
    fn qualified_names_are_checked_as_upstream_does() {
        assert!(qualified_name_problems("cpu").is_empty());
        assert!(qualified_name_problems("example.com/gpu").is_empty());
        assert_eq!(qualified_name_problems("/gpu"), vec!["prefix part must be non-empty"]);
        assert_eq!(qualified_name_problems("a/b/c").len(), 1);
        assert!(qualified_name_problems("a/b/c")[0].starts_with("a qualified name must consist"));
        // An empty name part is reported twice, as upstream does: empty, and not matching.
        assert_eq!(qualified_name_problems("example.com/").len(), 2);
        assert_eq!(qualified_name_problems(&"a".repeat(64)), vec!["name part must be no more than 63 characters"]);
        assert_eq!(qualified_name_problems("-x"), vec![format!("name part {QUALIFIED_NAME_MESSAGE}")]);
    }
}
