//! ResourceQuota: which quotas apply to an object (apiserver `pkg/quota/v1/generic`
//! `Matches`, k/k `pkg/quota/v1/evaluator/core/pods.go` scopes), what an object
//! is charged (pods.go `PodUsageFunc`, services.go, persistent_volume_claims.go,
//! object counts), the "must specify" rule (pods.go `Constraints`) and the check
//! itself (apiserver `pkg/admission/plugin/resourcequota/controller.go` `CheckRequest`).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::ResourceQuota;

use super::pod::{BadQuantity, PodModel, ResourceList, add_into, parse_list};
use crate::diagnostic::FieldError;
use crate::quantity::Quantity;

/// One scope requirement: `spec.scopes` entries become `Exists` requirements.
#[derive(Clone, Debug, PartialEq)]
pub struct ScopeRequirement {
    pub scope: String,
    pub operator: String,
    pub values: Vec<String>,
}

/// A stored quota with its current usage.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaModel {
    pub name: String,
    pub hard: ResourceList,
    pub used: ResourceList,
    pub scopes: Vec<ScopeRequirement>,
}

/// What quota evaluation needs to know about one object.
#[derive(Clone, Debug, PartialEq)]
pub enum Subject {
    Pod(Box<PodModel>),
    Service { type_: String, ports: i64 },
    Claim { requests: ResourceList, storage_class: Option<String>, attributes_class: Option<String> },
    Other,
}

/// An object as quota sees it: its resource (`pods`, `deployments.apps`) and content.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaObject {
    /// `<plural>` for the core group, `<plural>.<group>` otherwise.
    pub resource: String,
    pub subject: Subject,
}

/// Core resources whose plain name is also a legacy object-count quota.
const LEGACY_COUNTS: &[&str] = &[
    "pods",
    "services",
    "persistentvolumeclaims",
    "configmaps",
    "secrets",
    "replicationcontrollers",
    "resourcequotas",
];

/// Names quota validation checks per container (the "must specify" rule).
const MUST_SPECIFY: &[&str] = &["cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"];

impl QuotaModel {
    pub fn from_object(rq: &ResourceQuota, bad: &mut Vec<BadQuantity>) -> Self {
        let spec = rq.spec.as_ref();
        let hard = parse_list(spec.and_then(|s| s.hard.as_ref()), "spec.hard", bad);
        let mut scopes: Vec<ScopeRequirement> = spec
            .and_then(|s| s.scopes.as_ref())
            .into_iter()
            .flatten()
            .map(|scope| ScopeRequirement { scope: scope.clone(), operator: "Exists".into(), values: Vec::new() })
            .collect();
        let expressions = spec.and_then(|s| s.scope_selector.as_ref()).and_then(|s| s.match_expressions.as_ref());
        scopes.extend(expressions.into_iter().flatten().map(|e| ScopeRequirement {
            scope: e.scope_name.clone(),
            operator: e.operator.clone(),
            values: e.values.clone().unwrap_or_default(),
        }));
        // The quota controller starts `status.used` at zero for every hard name.
        let used = hard.keys().map(|k| (k.clone(), Quantity::zero())).collect();
        QuotaModel { name: rq.metadata.name.clone().unwrap_or_default(), hard, used, scopes }
    }

    /// `Matches`: some hard name is tracked for the object, and every scope matches.
    pub fn matches(&self, object: &QuotaObject) -> bool {
        self.hard.keys().any(|name| tracks(object, name)) && self.scopes.iter().all(|s| scope_matches(s, object))
    }

    /// The hard names the object's evaluator tracks (`MatchingResources`).
    pub fn matching_names(&self, object: &QuotaObject) -> Vec<&str> {
        self.hard.keys().filter(|name| tracks(object, name)).map(String::as_str).collect()
    }

    /// Usage masked to this quota's hard names.
    pub fn charge(&self, usage: &ResourceList) -> ResourceList {
        usage.iter().filter(|(k, _)| self.hard.contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    /// Recomputes `used` from stored objects (the quota controller's recount).
    pub fn recount<'a>(&mut self, objects: impl Iterator<Item = &'a QuotaObject>) {
        let mut used: ResourceList = self.hard.keys().map(|k| (k.clone(), Quantity::zero())).collect();
        for object in objects {
            if self.matches(object) {
                add_into(&mut used, &self.charge(&usage(object)));
            }
        }
        self.used = used;
    }
}

/// `standardQuotaResources` (pkg/apis/core/helper/helpers.go), plus huge pages.
pub(crate) fn is_standard_quota_resource(name: &str) -> bool {
    const STANDARD: &[&str] = &[
        "cpu",
        "memory",
        "ephemeral-storage",
        "requests.cpu",
        "requests.memory",
        "requests.storage",
        "requests.ephemeral-storage",
        "limits.cpu",
        "limits.memory",
        "limits.ephemeral-storage",
        "pods",
        "services",
        "replicationcontrollers",
        "resourcequotas",
        "secrets",
        "persistentvolumeclaims",
        "configmaps",
        "services.nodeports",
        "services.loadbalancers",
    ];
    STANDARD.contains(&name) || name.starts_with("hugepages-") || name.starts_with("requests.hugepages-")
}

/// `IsStandardResourceQuotaScope` (pkg/apis/core/helper/helpers.go):
/// VolumeAttributesClass since 1.34.
pub(crate) const STANDARD_SCOPES: &[&str] = &[
    "Terminating",
    "NotTerminating",
    "BestEffort",
    "NotBestEffort",
    "PriorityClass",
    "CrossNamespacePodAffinity",
    "VolumeAttributesClass",
];

/// `IsResourceQuotaScopeValidForResource`.
pub(crate) fn scope_valid_for_resource(scope: &str, resource: &str) -> bool {
    let pod_count = resource == "pods";
    let pod_compute =
        matches!(resource, "cpu" | "memory" | "limits.cpu" | "limits.memory" | "requests.cpu" | "requests.memory");
    match scope {
        "Terminating" | "NotTerminating" | "NotBestEffort" | "PriorityClass" | "CrossNamespacePodAffinity" => {
            pod_count || pod_compute
        }
        "BestEffort" => pod_count,
        "VolumeAttributesClass" => matches!(resource, "persistentvolumeclaims" | "requests.storage"),
        _ => true,
    }
}

/// `validateResourceQuotaScopes` (pkg/apis/core/validation/validation.go): the
/// field errors of `spec.scopes`, in upstream's order.
pub fn validate_scopes(scopes: &[String], hard: &ResourceList) -> Vec<String> {
    // A list prints as JSON since Kubernetes 1.34 (kubernetes/kubernetes#132314),
    // where it was Go's %#v of the internal type.
    let value =
        format!("[{}]", scopes.iter().map(|s| crate::validation::field::json_string(s)).collect::<Vec<_>>().join(","));
    let mut errors = Vec::new();
    let mut invalid = |detail: &str| errors.push(format!("spec.scopes: Invalid value: {value}: {detail}"));
    for scope in scopes {
        if !STANDARD_SCOPES.contains(&scope.as_str()) {
            invalid("unsupported scope");
        }
        for name in hard.keys() {
            if is_standard_quota_resource(name) && !scope_valid_for_resource(scope, name) {
                invalid("unsupported scope applied to resource");
            }
        }
    }
    let has = |s: &str| scopes.iter().any(|x| x == s);
    for (a, b) in [("BestEffort", "NotBestEffort"), ("NotTerminating", "Terminating")] {
        if has(a) && has(b) {
            invalid("conflicting scopes");
        }
    }
    errors
}

/// Whether the object's evaluator tracks a quota resource name.
fn tracks(object: &QuotaObject, name: &str) -> bool {
    if name == format!("count/{}", object.resource) {
        return true;
    }
    match &object.subject {
        // podResources, the hugepages prefixes, and `requests.<extended resource>`.
        Subject::Pod(_) => {
            matches!(
                name,
                "pods"
                    | "cpu"
                    | "memory"
                    | "ephemeral-storage"
                    | "requests.cpu"
                    | "requests.memory"
                    | "requests.ephemeral-storage"
                    | "limits.cpu"
                    | "limits.memory"
                    | "limits.ephemeral-storage"
            ) || name.starts_with("hugepages-")
                || name.starts_with("requests.hugepages-")
                || name.strip_prefix("requests.").is_some_and(is_extended_resource)
        }
        Subject::Service { .. } => matches!(name, "services" | "services.loadbalancers" | "services.nodeports"),
        Subject::Claim { .. } => {
            matches!(name, "persistentvolumeclaims" | "requests.storage")
                || name.ends_with(".storageclass.storage.k8s.io/requests.storage")
                || name.ends_with(".storageclass.storage.k8s.io/persistentvolumeclaims")
        }
        Subject::Other => LEGACY_COUNTS.contains(&name) && name == object.resource,
    }
}

/// `podMatchesScopeFunc` and `pvcMatchesScopeFunc`; other evaluators match
/// no scope at all.
fn scope_matches(requirement: &ScopeRequirement, object: &QuotaObject) -> bool {
    let pod = match &object.subject {
        Subject::Pod(pod) => pod,
        // A claim matches only VolumeAttributesClass, by its class name as a
        // label over which the requirement is evaluated; a claim without one
        // matches no requirement. On create only `spec` can name the class.
        Subject::Claim { attributes_class: Some(class), .. } if requirement.scope == "VolumeAttributesClass" => {
            return !class.is_empty() && class_matches(requirement, class);
        }
        _ => return false,
    };
    let terminating = pod.active_deadline_seconds.is_some_and(|s| s >= 0);
    match requirement.scope.as_str() {
        "Terminating" => terminating,
        "NotTerminating" => !terminating,
        "BestEffort" => pod.is_best_effort(),
        "NotBestEffort" => !pod.is_best_effort(),
        "CrossNamespacePodAffinity" => pod.cross_namespace_affinity,
        // The key is always present: a pod without a class has "".
        "PriorityClass" => class_matches(requirement, pod.priority_class_name.as_deref().unwrap_or("")),
        _ => false,
    }
}

/// A class-name scope's requirement, evaluated as a label selector over
/// `{<scope>: <class>}`.
fn class_matches(requirement: &ScopeRequirement, class: &str) -> bool {
    let listed = requirement.values.iter().any(|v| v == class);
    match requirement.operator.as_str() {
        "Exists" => !class.is_empty(),
        "In" => listed,
        "NotIn" => !listed,
        _ => false,
    }
}

/// What an object is charged (zeros removed).
pub fn usage(object: &QuotaObject) -> ResourceList {
    let mut usage = ResourceList::new();
    let one = Quantity::from_int(1);
    usage.insert(format!("count/{}", object.resource), one.clone());
    match &object.subject {
        Subject::Pod(pod) => {
            // count/pods tracks every pod; terminal pods are charged nothing else.
            if !pod.terminal {
                usage.insert("pods".into(), one);
                pod_compute_usage(&pod.requests(true), &pod.limits(true), &mut usage);
            }
        }
        Subject::Service { type_, ports } => {
            usage.insert("services".into(), one.clone());
            if type_ == "NodePort" || type_ == "LoadBalancer" {
                usage.insert("services.nodeports".into(), Quantity::from_int(*ports));
            }
            if type_ == "LoadBalancer" {
                usage.insert("services.loadbalancers".into(), one);
            }
        }
        Subject::Claim { requests, storage_class, .. } => {
            usage.insert("persistentvolumeclaims".into(), one.clone());
            let storage = requests.get("storage");
            if let Some(storage) = storage {
                usage.insert("requests.storage".into(), storage.clone());
            }
            if let Some(class) = storage_class {
                let prefix = format!("{class}.storageclass.storage.k8s.io/");
                usage.insert(format!("{prefix}persistentvolumeclaims"), one);
                if let Some(storage) = storage {
                    usage.insert(format!("{prefix}requests.storage"), storage.clone());
                }
            }
        }
        Subject::Other => {
            if LEGACY_COUNTS.contains(&object.resource.as_str()) {
                usage.insert(object.resource.clone(), one);
            }
        }
    }
    usage.retain(|_, q| !q.is_zero());
    usage
}

/// `podComputeUsageHelper`: requests feed both the bare and the `requests.` names.
fn pod_compute_usage(requests: &ResourceList, limits: &ResourceList, usage: &mut ResourceList) {
    for name in ["cpu", "memory", "ephemeral-storage"] {
        if let Some(q) = requests.get(name) {
            usage.insert(name.into(), q.clone());
            usage.insert(format!("requests.{name}"), q.clone());
        }
        if let Some(q) = limits.get(name) {
            usage.insert(format!("limits.{name}"), q.clone());
        }
    }
    for (name, q) in requests {
        if name.starts_with("hugepages-") {
            usage.insert(name.clone(), q.clone());
            usage.insert(format!("requests.{name}"), q.clone());
        } else if is_extended_resource(name) {
            usage.insert(format!("requests.{name}"), q.clone());
        }
    }
}

/// `IsExtendedResourceName`: a domain-qualified name outside kubernetes.io, or a
/// DRA device class's implicit extended resource (`deviceclass.resource.kubernetes.io/…`).
fn is_extended_resource(name: &str) -> bool {
    if name.starts_with("requests.") || !name.contains('/') {
        return false;
    }
    name.starts_with("deviceclass.resource.kubernetes.io/") || !name.contains("kubernetes.io/")
}

/// `Constraints`: with cpu/memory quota'd, every container must state them.
/// Returns `must specify …` or nothing.
pub fn must_specify(required: &[&str], pod: &PodModel) -> Option<FieldError> {
    if pod.has_pod_level_resources() {
        return None;
    }
    let required: BTreeSet<&str> = required.iter().copied().filter(|n| MUST_SPECIFY.contains(n)).collect();
    let mut missing: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut first_path = None;
    for c in pod.all_containers() {
        let mut usage = ResourceList::new();
        pod_compute_usage(&c.requests, &c.limits, &mut usage);
        for name in &required {
            if !usage.contains_key(*name) {
                missing.entry(name).or_default().insert(c.name.as_str());
                first_path.get_or_insert_with(|| format!("{}.resources", c.path));
            }
        }
    }
    if missing.is_empty() {
        return None;
    }
    let clauses: Vec<String> = missing
        .iter()
        .map(|(name, containers)| format!("{name} for: {}", containers.iter().copied().collect::<Vec<_>>().join(",")))
        .collect();
    Some(FieldError::new(first_path.unwrap_or_default(), format!("must specify {}", clauses.join("; "))))
}

/// `prettyPrint`: `name=value` sorted, joined by commas.
pub fn pretty(list: &ResourceList) -> String {
    list.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

/// Why a quota refused an object.
#[derive(Clone, Debug, PartialEq)]
pub struct QuotaRefusal {
    /// Without the `<resource> "<name>" is forbidden: ` prefix.
    pub message: String,
    /// Relative path to point at, when there is a more precise one than the object.
    pub path: Option<String>,
}

/// `CheckRequest` for one create over the namespace's quotas (name order);
/// commits the usage to every matching quota when admitted.
pub fn check_and_commit(quotas: &mut BTreeMap<String, QuotaModel>, object: &QuotaObject) -> Result<(), QuotaRefusal> {
    let matching: Vec<String> = quotas.values().filter(|q| q.matches(object)).map(|q| q.name.clone()).collect();
    if let Subject::Pod(pod) = &object.subject {
        for name in &matching {
            let Some(quota) = quotas.get(name) else {
                continue;
            };
            if let Some(missing) = must_specify(&quota.matching_names(object), pod) {
                return Err(QuotaRefusal {
                    message: format!("failed quota: {name}: {}", missing.message),
                    path: Some(missing.path),
                });
            }
        }
    }
    let delta = usage(object);
    let mut updated = Vec::new();
    for name in &matching {
        let Some(quota) = quotas.get(name) else {
            continue;
        };
        let requested = quota.charge(&delta);
        let mut new_used = quota.used.clone();
        add_into(&mut new_used, &requested);
        let exceeded: BTreeSet<&String> = requested
            .keys()
            .filter(|k| matches!((new_used.get(*k), quota.hard.get(*k)), (Some(u), Some(h)) if u > h))
            .collect();
        if !exceeded.is_empty() {
            let mask = |list: &ResourceList| -> ResourceList {
                list.iter().filter(|(k, _)| exceeded.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect()
            };
            return Err(QuotaRefusal {
                message: format!(
                    "exceeded quota: {name}, requested: {}, used: {}, limited: {}",
                    pretty(&mask(&requested)),
                    pretty(&mask(&quota.used)),
                    pretty(&mask(&quota.hard))
                ),
                path: None,
            });
        }
        updated.push((name.clone(), new_used));
    }
    for (name, used) in updated {
        if let Some(quota) = quotas.get_mut(&name) {
            quota.used = used;
        }
    }
    Ok(())
}
