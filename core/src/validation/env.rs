//! pkg/apis/core/validation/validation.go: a container's environment
//! (`ValidateEnv` with `validateEnvVarValueFrom`, `ValidateEnvFrom`) and the
//! downward API selectors it shares with volumes (`validateObjectFieldSelector`,
//! `validateContainerResourceFieldSelector`, `validateContainerResourceDivisor`),
//! with pkg/apis/core/pods/helpers.go `ConvertDownwardAPIFieldLabel`.

use k8s_openapi::api::core::v1::{Container, ObjectFieldSelector, ResourceFieldSelector};

use super::config::key_problems;
use super::field::{invalid, not_supported, qualified_name_problems, quoted, required};
use super::{Found, rule};
use crate::load::NameRule;

/// `validEnvDownwardAPIFieldPathExpressions`, sorted.
pub const ENV_FIELD_PATHS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// `validVolumeDownwardAPIFieldPathExpressions`, sorted.
pub const VOLUME_FIELD_PATHS: &[&str] =
    &["metadata.annotations", "metadata.labels", "metadata.name", "metadata.namespace", "metadata.uid"];

/// `validContainerResourceFieldPathExpressions`, sorted.
const RESOURCE_FIELD_PATHS: &[&str] = &[
    "limits.cpu",
    "limits.ephemeral-storage",
    "limits.memory",
    "requests.cpu",
    "requests.ephemeral-storage",
    "requests.memory",
];

/// The labels `ConvertDownwardAPIFieldLabel` accepts for a v1 pod (`spec.host`
/// is read as `spec.nodeName`).
const CONVERTIBLE_LABELS: &[&str] = &[
    "metadata.annotations",
    "metadata.labels",
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.serviceAccountName",
    "spec.schedulerName",
    "status.phase",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
    "spec.terminationGracePeriodSeconds",
];

fn push(out: &mut Vec<Found>, at: &str, message: String) {
    out.push(Found::new(rule::ENV_SOURCE, at.to_owned(), message));
}

/// `ValidateEnv`: names set and valid (relaxed validation, on by default since
/// Kubernetes 1.32: printable ASCII other than `=`), then each `valueFrom`.
pub fn env(c: &Container, path: &str, out: &mut Vec<Found>) {
    for (i, var) in c.env.iter().flatten().enumerate() {
        let base = format!("{path}.env[{i}]");
        let at = format!("{base}.name");
        if var.name.is_empty() {
            out.push(Found::new(rule::ENV_NAME, at.clone(), required(&at, "")));
        } else if let Some(problem) = env_var_name_problem(&var.name) {
            out.push(Found::new(rule::ENV_NAME, at.clone(), invalid(&at, &quoted(&var.name), problem)));
        }
        let Some(source) = &var.value_from else { continue };
        let at = format!("{base}.valueFrom");
        let mut sources = 0;
        if let Some(field_ref) = &source.field_ref {
            sources += 1;
            object_field_selector(field_ref, ENV_FIELD_PATHS, &format!("{at}.fieldRef"), out);
        }
        if let Some(resource_ref) = &source.resource_field_ref {
            sources += 1;
            resource_field_selector(resource_ref, &format!("{at}.resourceFieldRef"), false, out);
        }
        for (field, reference) in [
            ("configMapKeyRef", source.config_map_key_ref.as_ref().map(|r| (&r.name, &r.key))),
            ("secretKeyRef", source.secret_key_ref.as_ref().map(|r| (&r.name, &r.key))),
        ] {
            let Some((name, key)) = reference else { continue };
            sources += 1;
            // validateConfigMapKeySelector / validateSecretKeySelector: both
            // names through ValidateSecretName (an empty one fails too).
            let name_at = format!("{at}.{field}.name");
            for problem in NameRule::Dns1123Subdomain.problems(name) {
                push(out, &name_at, invalid(&name_at, &quoted(name), &problem));
            }
            let key_at = format!("{at}.{field}.key");
            if key.is_empty() {
                push(out, &key_at, required(&key_at, ""));
            } else {
                for problem in key_problems(key) {
                    push(out, &key_at, invalid(&key_at, &quoted(key), problem));
                }
            }
        }
        // A file reference (the EnvFiles feature, off by default) counts as a
        // source, so kubeplay does not call it missing.
        sources += usize::from(source.file_key_ref.is_some());
        let has_value = var.value.as_deref().is_some_and(|v| !v.is_empty());
        let detail = match sources {
            0 => Some("must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"),
            _ if has_value => Some("may not be specified when `value` is not empty"),
            1 => None,
            _ => Some("may not have more than one field specified at a time"),
        };
        if let Some(detail) = detail {
            push(out, &at, invalid(&at, "\"\"", detail));
        }
    }
    env_from(c, path, out);
}

/// `IsRelaxedEnvVarName`: printable ASCII other than `=`.
fn env_var_name_problem(name: &str) -> Option<&'static str> {
    (!name.bytes().all(|b| (b' '..=b'~').contains(&b) && b != b'='))
        .then_some("a valid environment variable name must consist only of printable ASCII characters other than '='")
}

/// `ValidateEnvFrom`: a valid prefix, exactly one of `configMapRef` and
/// `secretRef` (upstream reports the count on `envFrom` itself), each naming
/// its object (a DNS subdomain, checked as a name prefix).
fn env_from(c: &Container, path: &str, out: &mut Vec<Found>) {
    let list_at = format!("{path}.envFrom");
    for (i, source) in c.env_from.iter().flatten().enumerate() {
        let at = format!("{list_at}[{i}]");
        if let Some(prefix) = source.prefix.as_deref().filter(|p| !p.is_empty()) {
            let prefix_at = format!("{at}.prefix");
            if let Some(problem) = env_var_name_problem(prefix) {
                push(out, &prefix_at, invalid(&prefix_at, &quoted(prefix), problem));
            }
        }
        let references = [
            ("configMapRef", source.config_map_ref.as_ref().map(|r| &r.name)),
            ("secretRef", source.secret_ref.as_ref().map(|r| &r.name)),
        ];
        for (field, name) in references {
            let Some(name) = name else { continue };
            let name_at = format!("{at}.{field}.name");
            if name.is_empty() {
                push(out, &name_at, required(&name_at, ""));
            } else {
                for problem in NameRule::Dns1123Subdomain.prefix_problems(name) {
                    push(out, &name_at, invalid(&name_at, &quoted(name), &problem));
                }
            }
        }
        match references.iter().filter(|(_, name)| name.is_some()).count() {
            0 => push(out, &at, invalid(&list_at, "\"\"", "must specify one of: `configMapRef` or `secretRef`")),
            1 => {}
            _ => push(out, &at, invalid(&list_at, "\"\"", "may not have more than one field specified at a time")),
        }
    }
}

/// `fieldpath.SplitMaybeSubscriptedPath`: `path['subscript']`.
fn split_subscript(field_path: &str) -> Option<(&str, &str)> {
    let inner = field_path.strip_suffix("']")?;
    let (path, subscript) = inner.split_once("['")?;
    (!path.is_empty()).then_some((path, subscript))
}

/// `validateObjectFieldSelector` under `at` with the field paths allowed here.
pub fn object_field_selector(selector: &ObjectFieldSelector, allowed: &[&str], at: &str, out: &mut Vec<Found>) {
    // SetDefaults_ObjectFieldSelector: the API version defaults to v1.
    let version = selector.api_version.as_deref().filter(|v| !v.is_empty()).unwrap_or("v1");
    let path_at = format!("{at}.fieldPath");
    let label = selector.field_path.as_str();
    if label.is_empty() {
        return push(out, &path_at, required(&path_at, ""));
    }
    // ConvertDownwardAPIFieldLabel.
    let converted = if version != "v1" {
        Err(format!("unsupported pod version: {version}"))
    } else if let Some((path, _)) = split_subscript(label) {
        if matches!(path, "metadata.annotations" | "metadata.labels") {
            Ok(label)
        } else {
            Err(format!("field label does not support subscript: {label}"))
        }
    } else if label == "spec.host" {
        Ok("spec.nodeName")
    } else if CONVERTIBLE_LABELS.contains(&label) {
        Ok(label)
    } else {
        Err(format!("field label not supported: {label}"))
    };
    let internal = match converted {
        Ok(internal) => internal,
        Err(error) => {
            return push(
                out,
                &path_at,
                invalid(&path_at, &quoted(label), &format!("error converting fieldPath: {error}")),
            );
        }
    };
    match split_subscript(internal) {
        Some(("metadata.annotations", subscript)) => {
            for problem in qualified_name_problems(&subscript.to_lowercase()) {
                push(out, at, invalid(at, &quoted(&subscript.to_lowercase()), &problem));
            }
        }
        Some(("metadata.labels", subscript)) => {
            for problem in qualified_name_problems(subscript) {
                push(out, at, invalid(at, &quoted(subscript), &problem));
            }
        }
        Some((path, _)) => push(out, at, invalid(at, &quoted(path), "does not support subscript")),
        None if !allowed.contains(&internal) => {
            push(out, &path_at, not_supported(&path_at, &quoted(internal), allowed))
        }
        None => {}
    }
}

/// `validateContainerResourceFieldSelector` (a volume's must name its
/// container) and `validateContainerResourceDivisor`.
pub fn resource_field_selector(selector: &ResourceFieldSelector, at: &str, volume: bool, out: &mut Vec<Found>) {
    let resource = selector.resource.as_str();
    let hugepages = resource.starts_with("requests.hugepages-") || resource.starts_with("limits.hugepages-");
    if volume && selector.container_name.as_deref().unwrap_or_default().is_empty() {
        let name_at = format!("{at}.containerName");
        push(out, &name_at, required(&name_at, ""));
    } else if resource.is_empty() {
        let resource_at = format!("{at}.resource");
        push(out, &resource_at, required(&resource_at, ""));
    } else if !RESOURCE_FIELD_PATHS.contains(&resource) && !hugepages {
        let resource_at = format!("{at}.resource");
        push(out, &resource_at, not_supported(&resource_at, &quoted(resource), RESOURCE_FIELD_PATHS));
    }
    let Some(divisor) = selector.divisor.as_ref() else { return };
    // The divisor as Quantity.String() prints it (its canonical form); zero is unset.
    let Ok(quantity) = crate::quantity::Quantity::parse(divisor.0.trim()) else { return };
    if quantity.sign() == 0 {
        return;
    }
    let canonical = quantity.canonical();
    const SIZES: [&str; 13] = ["1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"];
    let sizes = "1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei";
    let divisor_at = format!("{at}.divisor");
    let mut refuse = |detail: String| push(out, &divisor_at, invalid(&divisor_at, &quoted(resource), &detail));
    match resource {
        "limits.cpu" | "requests.cpu" if !["1m", "1"].contains(&canonical.as_str()) => {
            refuse("only divisor's values 1m and 1 are supported with the cpu resource".to_owned())
        }
        "limits.memory" | "requests.memory" if !SIZES.contains(&canonical.as_str()) => {
            refuse(format!("only divisor's values {sizes} are supported with the memory resource"))
        }
        "limits.ephemeral-storage" | "requests.ephemeral-storage" if !SIZES.contains(&canonical.as_str()) => {
            refuse(format!("only divisor's values {sizes} are supported with the local ephemeral storage resource"))
        }
        _ => {}
    }
    if hugepages && !SIZES.contains(&canonical.as_str()) {
        refuse(format!("only divisor's values {sizes} are supported with the hugepages resource"));
    }
}
