//! pkg/apis/core/validation/validation.go: PersistentVolumeClaims, and the
//! parts of ResourceQuotas and LimitRanges admission does not already check
//! (admission reports a quota's `spec.scopes` and a LimitRange's
//! min/default/max/ratio comparisons, `admission/quota.rs` and
//! `admission/limitranger.rs`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    LimitRange, PersistentVolumeClaim, PersistentVolumeClaimSpec, ResourceQuota, ResourceQuotaSpec, ScopeSelector,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use super::field::{duplicate, forbidden, invalid, not_supported, qualified_name_problems, quoted, required};
use super::selector::Checks;
use super::{Found, rule};
use crate::admission::quota::{STANDARD_SCOPES, is_standard_quota_resource, scope_valid_for_resource};
use crate::load::NameRule;
use crate::quantity::Quantity;
use crate::source::join_key;

/// `supportedAccessModes`, sorted as `sets.List` returns them.
const ACCESS_MODES: [&str; 4] = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
/// `supportedVolumeModes`, sorted.
const VOLUME_MODES: [&str; 2] = ["Block", "Filesystem"];

/// A PersistentVolumeClaim: its spec (after the PVC strategy normalised its
/// data sources, docs/semantics/validation.md §7).
pub fn persistent_volume_claim(pvc: &PersistentVolumeClaim, out: &mut Vec<Found>) {
    let no_spec = PersistentVolumeClaimSpec::default();
    claim_spec(pvc.spec.as_ref().unwrap_or(&no_spec), "spec", true, out);
}

/// The spec of an ephemeral volume's claim template, at `base`: validated as
/// written (no strategy normalises a template's data sources).
pub fn persistent_volume_claim_spec(spec: &PersistentVolumeClaimSpec, base: &str, out: &mut Vec<Found>) {
    claim_spec(spec, base, false, out);
}

/// `ValidatePersistentVolumeClaimSpec` at `base`: at least one access mode, each
/// supported and ReadWriteOncePod alone; a positive storage request; a
/// storageClassName that can name a StorageClass; a supported volumeMode; the
/// data sources.
fn claim_spec(spec: &PersistentVolumeClaimSpec, base: &str, normalize: bool, out: &mut Vec<Found>) {
    let modes = spec.access_modes.as_deref().unwrap_or_default();
    if modes.is_empty() {
        let at = &format!("{base}.accessModes");
        out.push(Found::new(rule::PVC_SPEC, at.clone(), required(at, "at least 1 access mode is required")));
    }
    // ValidatePersistentVolumeClaimSpec: the selector right after the modes are
    // required, before each mode is checked.
    if let Some(selector) = &spec.selector {
        super::selector::label_selector(selector, &format!("{base}.selector"), Checks::All, rule::LABEL_SELECTOR, out);
    }
    let (mut read_write_once_pod, mut others) = (false, false);
    for (i, mode) in modes.iter().enumerate() {
        if !ACCESS_MODES.contains(&mode.as_str()) {
            out.push(Found::new(
                rule::PVC_SPEC,
                format!("{base}.accessModes[{i}]"),
                not_supported(&format!("{base}.accessModes"), &quoted(mode), &ACCESS_MODES),
            ));
        } else if mode == "ReadWriteOncePod" {
            read_write_once_pod = true;
        } else {
            others = true;
        }
    }
    if read_write_once_pod && others {
        let at = &format!("{base}.accessModes");
        out.push(Found::new(
            rule::PVC_SPEC,
            at.clone(),
            forbidden(at, "may not use ReadWriteOncePod with other access modes"),
        ));
    }
    // Upstream's path skips `requests`: `spec.resources[storage]`.
    let storage_path = &format!("{base}.resources[storage]");
    match spec.resources.as_ref().and_then(|r| r.requests.as_ref()).and_then(|r| r.get("storage")) {
        None => out.push(Found::new(rule::PVC_SPEC, format!("{base}.resources"), required(storage_path, ""))),
        Some(raw) => {
            // A quantity that does not parse is refused when decoding, not here.
            if let Some(q) = parse(raw).filter(|q| q.sign() <= 0) {
                out.push(Found::new(
                    rule::PVC_SPEC,
                    format!("{base}.resources.requests.storage"),
                    invalid(storage_path, &quoted(&q.canonical()), "must be greater than zero"),
                ));
            }
        }
    }
    // ValidateClassName: a StorageClass's name, so a DNS subdomain.
    if let Some(class) = spec.storage_class_name.as_deref().filter(|c| !c.is_empty()) {
        let at = &format!("{base}.storageClassName");
        for problem in NameRule::Dns1123Subdomain.problems(class) {
            out.push(Found::new(rule::PVC_SPEC, at.clone(), invalid(at, &quoted(class), &problem)));
        }
    }
    if let Some(mode) = spec.volume_mode.as_deref()
        && !VOLUME_MODES.contains(&mode)
    {
        let at = &format!("{base}.volumeMode");
        out.push(Found::new(rule::PVC_SPEC, at.clone(), not_supported(at, &quoted(mode), &VOLUME_MODES)));
    }
    data_sources(spec, base, normalize, out);
}

/// A PVC's data source as validation sees it: `dataSource` and `dataSourceRef`
/// hold the same four fields (the first has no namespace). `written` is the
/// field the manifest set, where a finding about it is located.
struct DataSource<'a> {
    api_group: Option<&'a str>,
    kind: &'a str,
    name: &'a str,
    namespace: Option<&'a str>,
    written: String,
}

/// `validateDataSource` / `validateDataSourceRef` and their agreement, after
/// the PVC strategy's `NormalizeDataSources` (pkg/api/persistentvolumeclaim/util.go):
/// a `dataSource` alone is copied to `dataSourceRef`, and a `dataSourceRef`
/// without a namespace to `dataSource`, so a mistake in the one written is
/// reported for both fields, as the API server answers (docs/semantics/validation.md §7).
fn data_sources(spec: &PersistentVolumeClaimSpec, base: &str, normalize: bool, out: &mut Vec<Found>) {
    let local = spec.data_source.as_ref().map(|d| DataSource {
        api_group: d.api_group.as_deref(),
        kind: &d.kind,
        name: &d.name,
        namespace: None,
        written: format!("{base}.dataSource"),
    });
    let reference = spec.data_source_ref.as_ref().map(|d| DataSource {
        api_group: d.api_group.as_deref(),
        kind: &d.kind,
        name: &d.name,
        namespace: d.namespace.as_deref(),
        written: format!("{base}.dataSourceRef"),
    });
    let cross_namespace = reference.as_ref().is_some_and(|r| r.namespace.is_some_and(|n| !n.is_empty()));
    let (local, reference) = match (local, reference) {
        (Some(local), None) if normalize => {
            let copy = DataSource { namespace: None, written: local.written.clone(), ..local };
            (Some(local), Some(copy))
        }
        (None, Some(reference)) if normalize && !cross_namespace => {
            let copy = DataSource { namespace: None, written: reference.written.clone(), ..reference };
            (Some(copy), Some(reference))
        }
        pair => pair,
    };
    if let Some(local) = &local {
        data_source(local, &format!("{base}.dataSource"), out);
    }
    if let Some(reference) = &reference {
        data_source(reference, &format!("{base}.dataSourceRef"), out);
    }
    match (&local, &reference) {
        (Some(local), Some(_)) if cross_namespace => out.push(Found::new(
            rule::PVC_SPEC,
            local.written.clone(),
            invalid(
                base,
                &format!("{base}.dataSource"),
                "may not be specified when dataSourceRef.namespace is specified",
            ),
        )),
        (Some(local), Some(reference))
            if (local.api_group, local.kind, local.name) != (reference.api_group, reference.kind, reference.name) =>
        {
            out.push(Found::new(
                rule::PVC_SPEC,
                local.written.clone(),
                invalid(base, &format!("{base}.dataSource"), "must match dataSourceRef"),
            ))
        }
        _ => {}
    }
}

/// `validateDataSource` / `validateDataSourceRef` on create (an invalid API
/// group is only tolerated in an object stored before the check existed).
fn data_source(source: &DataSource, at: &str, out: &mut Vec<Found>) {
    let place = |field: &str| format!("{}.{field}", source.written);
    if source.name.is_empty() {
        let name_at = format!("{at}.name");
        out.push(Found::new(rule::PVC_SPEC, place("name"), required(&name_at, "")));
    }
    if source.kind.is_empty() {
        let kind_at = format!("{at}.kind");
        out.push(Found::new(rule::PVC_SPEC, place("kind"), required(&kind_at, "")));
    }
    let api_group = source.api_group.unwrap_or_default();
    if api_group.is_empty() && source.kind != "PersistentVolumeClaim" {
        out.push(Found::new(
            rule::PVC_SPEC,
            place("kind"),
            invalid(at, &quoted(source.kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"),
        ));
    }
    if !api_group.is_empty() {
        let group_at = format!("{at}.apiGroup");
        for problem in NameRule::Dns1123Subdomain.problems(api_group) {
            out.push(Found::new(rule::PVC_SPEC, place("apiGroup"), invalid(&group_at, &quoted(api_group), &problem)));
        }
    }
    if let Some(namespace) = source.namespace.filter(|n| !n.is_empty()) {
        let namespace_at = format!("{at}.namespace");
        for problem in NameRule::Dns1123Label.problems(namespace) {
            out.push(Found::new(
                rule::PVC_SPEC,
                place("namespace"),
                invalid(&namespace_at, &quoted(namespace), &problem),
            ));
        }
    }
}

fn parse(raw: &K8sQuantity) -> Option<Quantity> {
    Quantity::parse(raw.0.trim()).ok()
}

/// `standardResources` (pkg/apis/core/helper/helpers.go), plus huge pages.
fn is_standard_resource(name: &str) -> bool {
    const STANDARD: &[&str] = &[
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "storage",
        "requests.storage",
        "services.nodeports",
        "services.loadbalancers",
    ];
    STANDARD.contains(&name) || is_quota_huge_pages(name)
}

/// `IsQuotaHugePageResourceName`.
fn is_quota_huge_pages(name: &str) -> bool {
    name.starts_with("hugepages-") || name.starts_with("requests.hugepages-")
}

/// `IsIntegerResourceName`: object counts, and extended resources (a
/// domain other than kubernetes.io, which also covers `count/<resource>`).
pub(super) fn is_integer_resource(name: &str) -> bool {
    const INTEGER: &[&str] = &[
        "pods",
        "resourcequotas",
        "services",
        "replicationcontrollers",
        "secrets",
        "configmaps",
        "persistentvolumeclaims",
        "services.nodeports",
        "services.loadbalancers",
    ];
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    let extended =
        !native && !name.starts_with("requests.") && qualified_name_problems(&format!("requests.{name}")).is_empty();
    INTEGER.contains(&name) || extended
}

/// `validateResourceName`: a qualified name, and a standard one when it has no domain.
fn resource_name_problems(name: &str) -> Vec<&'static str> {
    if !name.contains('/') && !is_standard_resource(name) && qualified_name_problems(name).is_empty() {
        vec!["must be a standard resource type or fully qualified"]
    } else {
        Vec::new()
    }
}

/// `ValidateResourceQuotaSpec` (with `ValidateResourceQuotaResourceName` and
/// `ValidateResourceQuantityValue`) and `validateScopeSelector`.
pub fn resource_quota(quota: &ResourceQuota, out: &mut Vec<Found>) {
    let Some(spec) = &quota.spec else { return };
    for (name, raw) in spec.hard.iter().flatten() {
        let at = format!("spec.hard[{name}]");
        let located = join_key("spec.hard", name);
        let mut push = |message: String| out.push(Found::new(rule::QUOTA_HARD, located.clone(), message));
        let name_problems = qualified_name_problems(name);
        for problem in &name_problems {
            push(invalid(&at, &quoted(name), problem));
        }
        if name_problems.is_empty() {
            for problem in resource_name_problems(name) {
                push(invalid(&at, &quoted(name), problem));
            }
        }
        if !name.contains('/') && !is_standard_quota_resource(name) {
            push(invalid(&at, &quoted(name), "must be a standard resource for quota"));
        }
        let Some(q) = parse(raw) else { continue };
        if q.sign() < 0 {
            push(invalid(&at, &quoted(&q.canonical()), "must be greater than or equal to 0"));
        }
        if is_integer_resource(name) && q.milli_value().is_some_and(|m| m % 1000 != 0) {
            push(invalid(&at, &quoted(&q.canonical()), "must be an integer"));
        }
    }
    scope_selector(spec, out);
}

/// `validateScopedResourceSelectorRequirement`. Upstream's paths have no
/// index (`spec.scopeSelector.matchExpressions.operator`); the findings
/// point at the expression.
fn scope_selector(spec: &ResourceQuotaSpec, out: &mut Vec<Found>) {
    let Some(selector) = &spec.scope_selector else { return };
    let base = "spec.scopeSelector.matchExpressions";
    let expressions = selector.match_expressions.as_deref().unwrap_or_default();
    let mut scopes = BTreeSet::new();
    for (i, expression) in expressions.iter().enumerate() {
        let located = format!("{base}[{i}]");
        let mut push = |field: &str, message: String| {
            out.push(Found::new(rule::QUOTA_SCOPE_SELECTOR, join_key(&located, field), message))
        };
        let scope = expression.scope_name.as_str();
        if !STANDARD_SCOPES.contains(&scope) {
            push("scopeName", invalid(&format!("{base}.scopeName"), &quoted(scope), "unsupported scope"));
        }
        // One error per hard limit the scope cannot apply to, as upstream reports it.
        let hard = spec.hard.iter().flatten().map(|(name, _)| name.as_str());
        for _ in hard.filter(|name| is_standard_quota_resource(name) && !scope_valid_for_resource(scope, name)) {
            push("scopeName", invalid(base, &selector_json(selector), "unsupported scope applied to resource"));
        }
        let operator = expression.operator.as_str();
        let operator_path = format!("{base}.operator");
        if matches!(
            scope,
            "BestEffort" | "NotBestEffort" | "Terminating" | "NotTerminating" | "CrossNamespacePodAffinity"
        ) && operator != "Exists"
        {
            push(
                "operator",
                invalid(
                    &operator_path,
                    &quoted(operator),
                    "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
                ),
            );
        }
        let values = expression.values.as_deref().unwrap_or_default();
        let values_path = format!("{base}.values");
        match operator {
            "In" | "NotIn" if values.is_empty() => push(
                "values",
                required(
                    &values_path,
                    "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
                ),
            ),
            "Exists" | "DoesNotExist" if !values.is_empty() => push(
                "values",
                invalid(
                    &values_path,
                    &string_list(Some(values)),
                    "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
                ),
            ),
            "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
            _ => push("operator", invalid(&operator_path, &quoted(operator), "not a valid selector operator")),
        }
        scopes.insert(scope);
    }
    for (a, b) in [("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating")] {
        if scopes.contains(a) && scopes.contains(b) {
            // Upstream prints `spec.scopes` here, not the selector.
            out.push(Found::new(
                rule::QUOTA_SCOPE_SELECTOR,
                base.into(),
                invalid(base, &string_list(spec.scopes.as_deref()), "conflicting scopes"),
            ));
        }
    }
}

/// The internal `core.ScopeSelector` as JSON: Go's field names, nil as `null`.
fn selector_json(selector: &ScopeSelector) -> String {
    let expressions: Vec<String> = selector
        .match_expressions
        .iter()
        .flatten()
        .map(|e| {
            format!(
                "{{\"ScopeName\":{},\"Operator\":{},\"Values\":{}}}",
                serde_json::Value::String(e.scope_name.clone()),
                serde_json::Value::String(e.operator.clone()),
                string_list(e.values.as_deref())
            )
        })
        .collect();
    let list = match &selector.match_expressions {
        None => "null".to_owned(),
        Some(_) => format!("[{}]", expressions.join(",")),
    };
    format!("{{\"MatchExpressions\":{list}}}")
}

/// A `[]string` as JSON (`null` when nil).
fn string_list(values: Option<&[String]>) -> String {
    match values {
        None => "null".to_owned(),
        Some(values) => serde_json::to_string(values).unwrap_or_default(),
    }
}

/// `IsStandardLimitRangeType`.
const LIMIT_TYPES: [&str; 3] = ["Pod", "Container", "PersistentVolumeClaim"];

/// `validateContainerResourceName`: `validateResourceName`, then an
/// unprefixed name must be a container resource (cpu, memory,
/// ephemeral-storage, huge pages) and a prefixed one outside kubernetes.io
/// an extended resource name.
pub fn container_resource_name_problems(name: &str) -> Vec<String> {
    let mut problems = qualified_name_problems(name);
    if problems.is_empty() {
        problems.extend(resource_name_problems(name).into_iter().map(str::to_owned));
    }
    let native = !name.contains('/') || name.contains("kubernetes.io/");
    if !name.contains('/') {
        let container = matches!(name, "cpu" | "memory" | "ephemeral-storage") || name.starts_with("hugepages-");
        if !container {
            problems.push("must be a standard resource for containers".to_owned());
        }
    } else if !native && !qualified_name_problems(&format!("requests.{name}")).is_empty() {
        problems.push("doesn't follow extended resource name standard".to_owned());
    }
    problems
}

/// `validateLimitRangeResourceName`: container resource names for Pod and
/// Container items, any resource name otherwise (PVC items limit storage).
fn limit_resource_name_problems(kind: &str, name: &str) -> Vec<String> {
    if matches!(kind, "Pod" | "Container") {
        return container_resource_name_problems(name);
    }
    let mut problems = qualified_name_problems(name);
    if problems.is_empty() {
        problems.extend(resource_name_problems(name).into_iter().map(str::to_owned));
    }
    problems
}

type ResourceMap = Option<BTreeMap<String, K8sQuantity>>;

/// `ValidateLimitRange`, in upstream's order per item: the type (a qualified
/// name, a standard type when it has no domain, used once), the resource names
/// of max and min, then no default or defaultRequest for a Pod (their names
/// otherwise), a storage min or max for a PersistentVolumeClaim, and the names
/// of maxLimitRequestRatio. The value comparisons are admission's.
pub fn limit_range(limit_range: &LimitRange, out: &mut Vec<Found>) {
    let items = limit_range.spec.as_ref().map(|s| s.limits.as_slice()).unwrap_or_default();
    let mut seen = BTreeSet::new();
    for (i, item) in items.iter().enumerate() {
        let base = format!("spec.limits[{i}]");
        let type_path = format!("{base}.type");
        let kind = item.type_.as_str();
        // validateLimitRangeTypeName
        let problems = qualified_name_problems(kind);
        for problem in &problems {
            out.push(Found::new(
                rule::LIMIT_RANGE_TYPE,
                type_path.clone(),
                invalid(&type_path, &quoted(kind), problem),
            ));
        }
        if problems.is_empty() && !kind.contains('/') && !LIMIT_TYPES.contains(&kind) {
            out.push(Found::new(
                rule::LIMIT_RANGE_TYPE,
                type_path.clone(),
                invalid(&type_path, &quoted(kind), "must be a standard limit type or fully qualified"),
            ));
        }
        if !seen.insert(kind) {
            out.push(Found::new(rule::LIMIT_RANGE_TYPE, type_path.clone(), duplicate(&type_path, &quoted(kind))));
        }
        let names = |field: &str, list: &ResourceMap, out: &mut Vec<Found>| {
            for name in list.iter().flatten().map(|(name, _)| name) {
                let at = format!("{base}.{field}[{name}]");
                for problem in limit_resource_name_problems(kind, name) {
                    out.push(Found::new(
                        rule::LIMIT_RANGE_RESOURCE,
                        join_key(&format!("{base}.{field}"), name),
                        invalid(&at, &quoted(name), &problem),
                    ));
                }
            }
        };
        names("max", &item.max, out);
        names("min", &item.min, out);
        if kind == "Pod" {
            for (field, list) in [("default", &item.default), ("defaultRequest", &item.default_request)] {
                if list.as_ref().is_some_and(|l| !l.is_empty()) {
                    let at = format!("{base}.{field}");
                    out.push(Found::new(
                        rule::LIMIT_RANGE_TYPE,
                        at.clone(),
                        forbidden(&at, "may not be specified when `type` is 'Pod'"),
                    ));
                }
            }
        } else {
            names("default", &item.default, out);
            names("defaultRequest", &item.default_request, out);
        }
        let has_storage = |list: &ResourceMap| list.as_ref().is_some_and(|l| l.contains_key("storage"));
        if kind == "PersistentVolumeClaim" && !has_storage(&item.min) && !has_storage(&item.max) {
            // Upstream's path names a `limits` field the item does not have.
            out.push(Found::new(
                rule::LIMIT_RANGE_TYPE,
                base.clone(),
                required(
                    &format!("{base}.limits"),
                    "either minimum or maximum storage value is required, but neither was provided",
                ),
            ));
        }
        names("maxLimitRequestRatio", &item.max_limit_request_ratio, out);
    }
}

/// `validateOverhead` (a pod's `overhead`, a RuntimeClass's `overhead.podFixed`):
/// the list goes through `ValidateContainerResourceRequirements` as limits, so
/// upstream's messages name `<printed>.limits[<name>]`, while the findings are
/// located on `<located>.<name>`. Each name a container resource, each
/// quantity not negative (`ValidateResourceQuantityValue`) and whole for an
/// integer resource; huge pages only beside cpu or memory.
pub fn overhead(
    list: &BTreeMap<String, K8sQuantity>,
    printed: &str,
    located: &str,
    rule: &'static super::Rule,
    out: &mut Vec<Found>,
) {
    let mut huge_pages = false;
    let mut cpu_or_memory = false;
    for (name, raw) in list {
        let at = format!("{printed}.limits[{name}]");
        let place = join_key(located, name);
        for problem in container_resource_name_problems(name) {
            out.push(Found::new(rule, place.clone(), invalid(&at, &quoted(name), &problem)));
        }
        huge_pages |= name.starts_with("hugepages-");
        cpu_or_memory |= matches!(name.as_str(), "cpu" | "memory");
        // A quantity that does not parse is refused when decoding, not here.
        let Ok(q) = Quantity::parse(raw.0.trim()) else { continue };
        if q.sign() < 0 {
            out.push(Found::new(
                rule,
                place.clone(),
                invalid(&at, &quoted(&q.canonical()), "must be greater than or equal to 0"),
            ));
        }
        if is_integer_resource(name) && q.milli_value().is_some_and(|m| m % 1000 != 0) {
            out.push(Found::new(rule, place, invalid(&at, &quoted(&q.canonical()), "must be an integer")));
        }
    }
    if huge_pages && !cpu_or_memory {
        out.push(Found::new(rule, located.to_owned(), forbidden(printed, "HugePages require cpu or memory")));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_names_are_classified_as_upstream_helpers_do() {
        assert!(is_integer_resource("pods"));
        assert!(is_integer_resource("count/deployments.apps"));
        assert!(is_integer_resource("example.com/gpu"));
        assert!(!is_integer_resource("cpu"));
        assert!(!is_integer_resource("kubernetes.io/foo"));
        assert_eq!(resource_name_problems("gpus"), vec!["must be a standard resource type or fully qualified"]);
        assert!(resource_name_problems("storage").is_empty());
        assert!(resource_name_problems("example.com/gpu").is_empty());
    }

    #[test]
    fn container_resource_names_follow_validate_container_resource_name() {
        assert!(container_resource_name_problems("cpu").is_empty());
        assert!(container_resource_name_problems("hugepages-2Mi").is_empty());
        assert!(container_resource_name_problems("example.com/gpu").is_empty());
        assert!(container_resource_name_problems("kubernetes.io/anything").is_empty());
        assert_eq!(container_resource_name_problems("storage"), vec!["must be a standard resource for containers"]);
        assert_eq!(
            container_resource_name_problems("gpus"),
            vec!["must be a standard resource type or fully qualified", "must be a standard resource for containers"]
        );
        // A 252-character domain is a DNS subdomain, but not once `requests.` is put before it.
        let domain = format!("{}.{}.{}.{}", "a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(60));
        let long = format!("{domain}/gpu");
        assert_eq!(container_resource_name_problems(&long), vec!["doesn't follow extended resource name standard"]);
        assert_eq!(limit_resource_name_problems("PersistentVolumeClaim", "storage"), Vec::<String>::new());
        assert_eq!(limit_resource_name_problems("Container", "storage").len(), 1);
    }

    #[test]
    fn string_lists_and_selectors_print_as_json() {
        assert_eq!(string_list(None), "null");
        assert_eq!(string_list(Some(&["a".to_owned()])), "[\"a\"]");
        let selector = ScopeSelector {
            match_expressions: Some(vec![k8s_openapi::api::core::v1::ScopedResourceSelectorRequirement {
                scope_name: "BestEffort".into(),
                operator: "Exists".into(),
                values: None,
            }]),
        };
        assert_eq!(
            selector_json(&selector),
            "{\"MatchExpressions\":[{\"ScopeName\":\"BestEffort\",\"Operator\":\"Exists\",\"Values\":null}]}"
        );
        assert_eq!(selector_json(&ScopeSelector { match_expressions: None }), "{\"MatchExpressions\":null}");
    }
}
