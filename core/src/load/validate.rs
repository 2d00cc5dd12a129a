//! Checks the API server makes on every object that the typed model does not:
//! unknown fields, names, labels, duplicates.

use std::collections::{BTreeMap, HashMap};

use serde_yaml::Value;

use crate::diagnostic::{Area, Diagnostic, Severity, go_quote};
use crate::model::{Kind, Loaded, Object, ObjectRef};
use crate::source::{Origin, join_index, join_key};
use crate::validation::field::{label_value_problems, qualified_name_problems};

pub fn missing_name(value: &Value) -> bool {
    let metadata = value.get("metadata");
    // A name of another type is there, but wrong: the typed reading says so
    // (an unquoted `name: y` is the boolean true for kubectl).
    let has = |field: &str| match metadata.and_then(|m| m.get(field)) {
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Null) | None => false,
        Some(_) => true,
    };
    !has("name") && !has("generateName")
}

/// Whether the field at a dotted path (`spec.selector`) is missing or null.
pub fn unset(value: &Value, path: &str) -> bool {
    let mut node = value;
    for key in path.split('.') {
        match node.get(key) {
            Some(child) => node = child,
            None => return true,
        }
    }
    node.is_null()
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

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?` without a length limit: the regular
/// expression of a DNS-1123 label (`k8s.io/apimachinery/pkg/util/validation/validation.go`).
fn matches_dns1123_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.iter().all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// The subdomain regular expression: dot-separated label patterns. Upstream puts
/// no limit on each part, only on the whole (253).
fn matches_dns1123_subdomain(name: &str) -> bool {
    name.split('.').all(matches_dns1123_label)
}

/// RFC 1123 label: lowercase alphanumerics and '-', starting and ending alphanumeric,
/// at most 63 characters (`IsDNS1123Label`).
pub fn is_dns1123_label(name: &str) -> bool {
    name.len() <= DNS1123_LABEL_MAX && matches_dns1123_label(name)
}

const DNS1123_LABEL_MAX: usize = 63;
const DNS1123_SUBDOMAIN_MAX: usize = 253;

/// The name functions of the API server's validation (names.md §2), each
/// answering with upstream's messages (`k8s.io/apimachinery/pkg/util/validation/validation.go`
/// `IsDNS1123Label` / `IsDNS1123Subdomain` / `IsDNS1035Label`, and
/// `k8s.io/apimachinery/pkg/api/validate/content/path.go` `IsPathSegmentName`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameRule {
    Dns1123Subdomain,
    Dns1123Label,
    Dns1035Label,
    /// Not `.` or `..`, no `/` or `%`; no length limit and `:` is fine.
    PathSegment,
}

/// `MaxLenError`.
fn max_len_error(length: usize) -> String {
    format!("must be no more than {length} characters")
}

/// `RegexError`: the message, the examples and the regular expression.
fn regex_error(message: &str, regex: &str, examples: &[&str]) -> String {
    let examples: Vec<String> = examples.iter().map(|e| format!("'{e}', ")).collect();
    format!("{message} (e.g. {}regex used for validation is '{regex}')", examples.join(" or "))
}

const DNS1123_LABEL_REGEX: &str = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";

impl NameRule {
    /// The problems of a `generateName` prefix: the name function with
    /// `prefix = true`. DNS names mask a trailing dash (`maskTrailingDash` in
    /// k8s.io/apimachinery/pkg/api/validation/generic.go, which replaces the last
    /// two characters with `a`, as upstream does); path segments only check the
    /// forbidden substrings (`IsPathSegmentPrefix`).
    pub fn prefix_problems(self, prefix: &str) -> Vec<String> {
        match self {
            NameRule::PathSegment => ["/", "%"]
                .into_iter()
                .filter(|forbidden| prefix.contains(forbidden))
                .map(|forbidden| format!("may not contain '{forbidden}'"))
                .collect(),
            _ if prefix.len() > 1 && prefix.ends_with('-') => {
                let kept = prefix.as_bytes().get(..prefix.len() - 2).unwrap_or_default();
                self.problems(&format!("{}a", String::from_utf8_lossy(kept)))
            }
            _ => self.problems(prefix),
        }
    }

    /// Upstream's messages for an invalid name, in upstream's order; empty when valid.
    pub fn problems(self, name: &str) -> Vec<String> {
        let mut problems = Vec::new();
        match self {
            NameRule::Dns1123Subdomain => {
                if name.len() > DNS1123_SUBDOMAIN_MAX {
                    problems.push(max_len_error(DNS1123_SUBDOMAIN_MAX));
                }
                if !matches_dns1123_subdomain(name) {
                    problems.push(regex_error(
                        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character",
                        &format!("{DNS1123_LABEL_REGEX}(\\.{DNS1123_LABEL_REGEX})*"),
                        &["example.com"],
                    ));
                }
            }
            NameRule::Dns1123Label => {
                if name.len() > DNS1123_LABEL_MAX {
                    problems.push(max_len_error(DNS1123_LABEL_MAX));
                }
                if !matches_dns1123_label(name) {
                    // A valid subdomain that is not a label can only have dots.
                    problems.push(if matches_dns1123_subdomain(name) {
                        "must not contain dots".to_owned()
                    } else {
                        regex_error(
                            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character",
                            DNS1123_LABEL_REGEX,
                            &["my-name", "123-abc"],
                        )
                    });
                }
            }
            NameRule::Dns1035Label => {
                if name.len() > DNS1123_LABEL_MAX {
                    problems.push(max_len_error(DNS1123_LABEL_MAX));
                }
                if !(matches_dns1123_label(name) && name.as_bytes()[0].is_ascii_lowercase()) {
                    problems.push(regex_error(
                        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character",
                        "[a-z]([-a-z0-9]*[a-z0-9])?",
                        &["my-name", "abc-123"],
                    ));
                }
            }
            NameRule::PathSegment => {
                if name == "." || name == ".." {
                    problems.push(format!("may not be '{name}'"));
                } else {
                    for forbidden in ["/", "%"] {
                        if name.contains(forbidden) {
                            problems.push(format!("may not contain '{forbidden}'"));
                        }
                    }
                }
            }
        }
        problems
    }
}

/// The name function each kind's validation passes to `ValidateObjectMeta`
/// (names.md §3):
/// - RBAC (`pkg/apis/rbac/validation/validation.go`: `minimalNameRequirements`
///   is `path.IsValidPathSegmentName`), so `system:aggregated-metrics-reader` is valid;
/// - PodDisruptionBudget: `pkg/apis/policy/validation/validation.go` validates
///   no name, so only the generic check of `k8s.io/apiserver/pkg/registry/rest/create.go`
///   (`BeforeCreate`, path-segment names) applies;
/// - Service `ValidateServiceName` (DNS-1035 label), Namespace
///   `ValidateNamespaceName` (DNS-1123 label), both in `pkg/apis/core/validation/validation.go`;
/// - StatefulSet `ValidateStatefulSetName` (`pkg/apis/apps/validation/validation.go`):
///   a DNS-1123 label, since its pods are named after it;
/// - the rest DNS-1123 subdomains: Pod, ReplicationController, ResourceQuota,
///   LimitRange, PersistentVolumeClaim, ServiceAccount, ConfigMap, Secret (core);
///   Deployment, DaemonSet, ReplicaSet (apps); Job and CronJob (batch, with the
///   ReplicationController function); NetworkPolicy and Ingress (networking); HorizontalPodAutoscaler
///   (autoscaling); PriorityClass (scheduling); RuntimeClass (node);
///   PodSecurityPolicy (policy/v1beta1); custom resources such as
///   VerticalPodAutoscaler (apiextensions-apiserver `customresource/validator.go`).
pub fn name_rule(kind: Kind) -> NameRule {
    match kind {
        Kind::Role | Kind::ClusterRole | Kind::RoleBinding | Kind::ClusterRoleBinding | Kind::PodDisruptionBudget => {
            NameRule::PathSegment
        }
        Kind::Service => NameRule::Dns1035Label,
        Kind::Namespace | Kind::StatefulSet => NameRule::Dns1123Label,
        _ => NameRule::Dns1123Subdomain,
    }
}

/// Checks of a kind's own validation on `metadata.name` beyond its name
/// function, in upstream's words (names.md §3).
fn kind_name_problems(object: &Object, name: &str) -> Vec<String> {
    match object {
        // pkg/apis/batch/validation/validation.go ValidateCronJobCreate: the
        // controller appends an 11-character suffix to name each Job.
        Object::CronJob(_) if name.len() > 52 => vec!["must be no more than 52 characters".to_owned()],
        // ValidateJob: an Indexed Job's pods are named `<name>-<index>`, which
        // must stay a DNS-1123 label up to the last index.
        Object::Job(job) => {
            let spec = job.spec.as_ref();
            match (spec.and_then(|s| s.completion_mode.as_deref()), spec.and_then(|s| s.completions)) {
                (Some("Indexed"), Some(completions)) if completions > 0 => {
                    let hostname = format!("{name}-{}", completions - 1);
                    if is_dns1123_label(&hostname) {
                        Vec::new()
                    } else {
                        vec![format!("will not able to create pod with invalid DNS label: {hostname}")]
                    }
                }
                _ => Vec::new(),
            }
        }
        _ => Vec::new(),
    }
}

/// `pkg/apis/scheduling/validation/validation.go` ValidatePriorityClass: the
/// `system-` prefix is reserved for the built-in classes, with their exact
/// value and globalDefault (`IsKnownSystemPriorityClass` in k8s.io/api scheduling/v1).
fn priority_class_name_problem(object: &Object, name: &str) -> Option<String> {
    let Object::PriorityClass(class) = object else {
        return None;
    };
    if !name.starts_with("system-") {
        return None;
    }
    let known = [("system-node-critical", 2_000_001_000), ("system-cluster-critical", 2_000_000_000)];
    let detail = match known.iter().find(|(known_name, _)| *known_name == name) {
        None => format!("{name} is not a known system priority class"),
        Some((_, value)) if class.value.unwrap_or_default() != *value => {
            format!("value of {name} PriorityClass must be {value}")
        }
        Some(_) if class.global_default.unwrap_or(false) => {
            format!("globalDefault of {name} PriorityClass must be false")
        }
        Some(_) => return None,
    };
    Some(format!(
        "metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: {detail}"
    ))
}

/// `NewInvalid`'s text for one field of an object: `Kind "name" is invalid: `
/// then the field errors, several as `[a, b]`.
fn invalid_field(kind: Kind, name: &str, errors: &[String]) -> String {
    let joined = match errors {
        [one] => one.clone(),
        many => format!("[{}]", many.join(", ")),
    };
    format!("{kind} {} is invalid: {joined}", go_quote(name))
}

/// `ValidateObjectMeta`'s name, namespace and label checks; each field error
/// is also appended to `invalid`.
pub fn names_and_labels(object: &Object, origin: &Origin, out: &mut Vec<Diagnostic>, invalid: &mut Vec<String>) {
    let metadata = object.metadata();
    let kind = object.kind();
    let rule = name_rule(kind);
    // ValidateObjectMetaAccessor (k8s.io/apimachinery/pkg/api/validation/objectmeta.go):
    // generateName with the name function in prefix mode, then the name, which
    // for generateName is the prefix plus five generated characters.
    let generated = metadata.generate_name.as_ref().map(|prefix| format!("{prefix}xxxxx"));
    if let Some(prefix) = &metadata.generate_name {
        let errors: Vec<String> = rule
            .prefix_problems(prefix)
            .iter()
            .map(|problem| format!("metadata.generateName: Invalid value: {}: {problem}", go_quote(prefix)))
            .collect();
        if !errors.is_empty() {
            let name = metadata.name.as_deref().or(generated.as_deref()).unwrap_or_default();
            out.push(Diagnostic::at(
                Area::Input,
                origin,
                "metadata.generateName",
                Severity::Error,
                "invalid-name",
                invalid_field(kind, name, &errors),
            ));
            invalid.extend(errors);
        }
    }
    if let Some(name) = metadata.name.as_ref().or(generated.as_ref()) {
        // `field.Invalid(metadata.name, name, msg)` per message of the name function.
        let mut problems = rule.problems(name);
        problems.extend(kind_name_problems(object, name));
        let mut errors: Vec<String> = problems
            .iter()
            .map(|problem| format!("metadata.name: Invalid value: {}: {problem}", go_quote(name)))
            .collect();
        errors.extend(priority_class_name_problem(object, name));
        if !errors.is_empty() {
            let path = if metadata.name.is_some() { "metadata.name" } else { "metadata.generateName" };
            out.push(Diagnostic::at(
                Area::Input,
                origin,
                path,
                Severity::Error,
                "invalid-name",
                invalid_field(kind, name, &errors),
            ));
            invalid.extend(errors);
        }
    }
    // A cluster-scoped object's namespace is cleared before validation
    // (`BeforeCreate` in k8s.io/apiserver/pkg/registry/rest/create.go).
    if let Some(namespace) = metadata.namespace.as_ref().filter(|_| object.is_namespaced()) {
        let errors: Vec<String> = NameRule::Dns1123Label
            .problems(namespace)
            .iter()
            .map(|problem| format!("metadata.namespace: Invalid value: {}: {problem}", go_quote(namespace)))
            .collect();
        if !errors.is_empty() {
            let name = metadata.name.as_deref().unwrap_or_default();
            out.push(Diagnostic::at(
                Area::Input,
                origin,
                "metadata.namespace",
                Severity::Error,
                "invalid-name",
                invalid_field(kind, name, &errors),
            ));
            invalid.extend(errors);
        }
    }
    label_problems(object, metadata.labels.as_ref(), "metadata", origin, out, invalid);
    // The pod template's labels are validated too (`ValidateTemplateObjectMeta`
    // under `ValidatePodTemplateSpec`, pkg/apis/core/validation).
    if let Some((labels, path)) = template_labels(object) {
        label_problems(object, labels, path, origin, out, invalid);
    }
}

/// The labels of a workload's pod template and the template's metadata path.
fn template_labels(object: &Object) -> Option<(Option<&BTreeMap<String, String>>, &'static str)> {
    let template = match object {
        Object::Deployment(o) => &o.spec.template,
        Object::StatefulSet(o) => &o.spec.template,
        Object::DaemonSet(o) => &o.spec.template,
        Object::ReplicaSet(o) => o.spec.template.as_ref()?,
        Object::ReplicationController(o) => o.spec.as_ref()?.template.as_ref()?,
        Object::Job(o) => &o.spec.as_ref()?.template,
        Object::CronJob(o) => {
            let template = &o.spec.job_template.spec.as_ref()?.template;
            return Some((template.metadata.as_ref()?.labels.as_ref(), "spec.jobTemplate.spec.template.metadata"));
        }
        _ => return None,
    };
    Some((template.metadata.as_ref()?.labels.as_ref(), "spec.template.metadata"))
}

/// Invalid label keys and values (`ValidateLabels` in
/// k8s.io/apimachinery/pkg/apis/meta/v1/validation: `IsQualifiedName` for the
/// key, `IsValidLabelValue` for the value, each message a `field.Invalid` on
/// `<meta_path>.labels` with the key or the value), one diagnostic per key
/// and per value, located on the label.
fn label_problems(
    object: &Object,
    labels: Option<&BTreeMap<String, String>>,
    meta_path: &str,
    origin: &Origin,
    out: &mut Vec<Diagnostic>,
    invalid: &mut Vec<String>,
) {
    let rule = crate::validation::rule::INVALID_LABEL;
    let name = object.metadata().name.as_deref().unwrap_or_default();
    let field = format!("{meta_path}.labels");
    for (key, value) in labels.into_iter().flatten() {
        let path = format!("{field}.{key}");
        for (text, problems) in [(key, qualified_name_problems(key)), (value, label_value_problems(value))] {
            if problems.is_empty() {
                continue;
            }
            let errors: Vec<String> = problems
                .iter()
                .map(|problem| format!("{field}: Invalid value: {}: {problem}", go_quote(text)))
                .collect();
            out.push(Diagnostic::at(
                Area::Input,
                origin,
                &path,
                rule.severity,
                rule.id,
                invalid_field(object.kind(), name, &errors),
            ));
            invalid.extend(errors);
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
        assert!(NameRule::Dns1123Subdomain.problems("a.b-c.d").is_empty());
        assert_eq!(NameRule::Dns1123Subdomain.problems("a..b").len(), 1);
        // The subdomain pattern limits the whole name, not each part.
        assert!(NameRule::Dns1123Subdomain.problems(&format!("{}.b", "a".repeat(70))).is_empty());
        assert!(NameRule::Dns1035Label.problems("api").is_empty());
        assert_eq!(NameRule::Dns1035Label.problems("1api").len(), 1);
    }

    /// Upstream's messages, as k8s.io/apimachinery's validation_test.go and the
    /// API server print them.
    #[test]
    fn name_messages_are_upstreams() {
        assert_eq!(NameRule::PathSegment.problems("a/b"), vec!["may not contain '/'"]);
        assert_eq!(NameRule::PathSegment.problems("a/%"), vec!["may not contain '/'", "may not contain '%'"]);
        assert_eq!(NameRule::PathSegment.problems(".."), vec!["may not be '..'"]);
        assert!(NameRule::PathSegment.problems("system:aggregated-metrics-reader").is_empty());
        assert!(NameRule::PathSegment.problems("Any Thing_at:all").is_empty());
        assert_eq!(NameRule::Dns1123Label.problems("a.b"), vec!["must not contain dots"]);
        assert_eq!(
            NameRule::Dns1123Label.problems("A_b"),
            vec![
                "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
            ]
        );
        assert_eq!(
            NameRule::Dns1123Subdomain.problems("a:b"),
            vec![
                "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
            ]
        );
        assert_eq!(NameRule::Dns1123Subdomain.problems(&"a".repeat(254)), vec!["must be no more than 253 characters"]);
        assert_eq!(
            NameRule::Dns1035Label.problems("1st"),
            vec![
                "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
            ]
        );
        assert_eq!(NameRule::Dns1123Label.problems(&"a".repeat(64)), vec!["must be no more than 63 characters"]);
        // Prefix mode: a trailing dash is masked; path segments skip the `.`/`..` test.
        assert!(NameRule::Dns1123Subdomain.prefix_problems("migrate-").is_empty());
        assert!(NameRule::PathSegment.prefix_problems("..").is_empty());
        assert_eq!(NameRule::Dns1123Subdomain.prefix_problems("-").len(), 1);
    }

    #[test]
    fn labels() {
        assert!(qualified_name_problems("app.kubernetes.io/name").is_empty());
        assert!(qualified_name_problems("tier").is_empty());
        assert_eq!(qualified_name_problems("Bad_Prefix/x").len(), 1);
        assert_eq!(qualified_name_problems("-x").len(), 1);
        assert!(label_value_problems("").is_empty());
        assert!(label_value_problems("v1.2_beta-3").is_empty());
        assert_eq!(label_value_problems("has space").len(), 1);
        assert_eq!(label_value_problems(&"a".repeat(64)), vec!["must be no more than 63 characters"]);
    }
}
