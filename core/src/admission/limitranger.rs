//! LimitRange: item defaulting at storage (`SetDefaults_LimitRangeItem`,
//! pkg/apis/core/v1/defaults.go), object validation (`ValidateLimitRange`,
//! pkg/apis/core/validation/validation.go) and the LimitRanger admission plugin
//! (plugin/pkg/admission/limitranger/admission.go): defaults for containers,
//! min/max/maxLimitRequestRatio for Container, Pod and PersistentVolumeClaim.

use k8s_openapi::api::core::v1::LimitRange;
use serde::{Deserialize, Serialize};

use super::pod::{BadQuantity, PodModel, ResourceList, parse_list};
use crate::diagnostic::FieldError;
use crate::quantity::Quantity;

/// One `spec.limits[i]` after defaulting.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitItem {
    pub type_: String,
    pub max: ResourceList,
    pub min: ResourceList,
    pub default: ResourceList,
    pub default_request: ResourceList,
    pub max_limit_request_ratio: ResourceList,
}

/// One item of a LimitRange as an admit decision reports it: the lists it
/// has, and for Container items `default` and `defaultRequest` even when empty.
/// Fields in name order, as the JSON contract has always listed them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Default)]
pub struct EffectiveLimit {
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub default: Option<ResourceList>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(rename = "defaultRequest", skip_serializing_if = "Option::is_none", default)]
    pub default_request: Option<ResourceList>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub max: Option<ResourceList>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(rename = "maxLimitRequestRatio", skip_serializing_if = "Option::is_none", default)]
    pub max_limit_request_ratio: Option<ResourceList>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub min: Option<ResourceList>,
    #[serde(rename = "type")]
    pub type_: String,
}

/// A stored LimitRange.
#[derive(Clone, Debug, PartialEq)]
pub struct LimitRangeModel {
    pub name: String,
    pub items: Vec<LimitItem>,
}

impl LimitRangeModel {
    /// Parses and applies `SetDefaults_LimitRangeItem` (Container items only):
    /// default ← max, then defaultRequest ← default, then defaultRequest ← min.
    pub fn from_object(lr: &LimitRange, bad: &mut Vec<BadQuantity>) -> Self {
        let items = lr
            .spec
            .iter()
            .flat_map(|s| s.limits.iter().enumerate())
            .map(|(i, item)| {
                let path = |field: &str| format!("spec.limits[{i}].{field}");
                let mut parsed = LimitItem {
                    type_: item.type_.clone(),
                    max: parse_list(item.max.as_ref(), &path("max"), bad),
                    min: parse_list(item.min.as_ref(), &path("min"), bad),
                    default: parse_list(item.default.as_ref(), &path("default"), bad),
                    default_request: parse_list(item.default_request.as_ref(), &path("defaultRequest"), bad),
                    max_limit_request_ratio: parse_list(
                        item.max_limit_request_ratio.as_ref(),
                        &path("maxLimitRequestRatio"),
                        bad,
                    ),
                };
                if parsed.type_ == "Container" {
                    for (k, v) in &parsed.max {
                        parsed.default.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                    for (k, v) in &parsed.default {
                        parsed.default_request.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                    for (k, v) in &parsed.min {
                        parsed.default_request.entry(k.clone()).or_insert_with(|| v.clone());
                    }
                }
                parsed
            })
            .collect();
        LimitRangeModel { name: lr.metadata.name.clone().unwrap_or_default(), items }
    }

    /// The items as the `effective` of an admit decision.
    pub fn effective(&self) -> Vec<EffectiveLimit> {
        self.items
            .iter()
            .map(|item| {
                let container = item.type_ == "Container";
                let listed = |list: &ResourceList, always: bool| (always || !list.is_empty()).then(|| list.clone());
                EffectiveLimit {
                    default: listed(&item.default, container),
                    default_request: listed(&item.default_request, container),
                    max: listed(&item.max, false),
                    max_limit_request_ratio: listed(&item.max_limit_request_ratio, false),
                    min: listed(&item.min, false),
                    type_: item.type_.clone(),
                }
            })
            .collect()
    }

    /// `ValidateLimitRange`'s value checks, per item and resource (sorted); the
    /// type and resource name checks are object validation's
    /// (`validation/resources.rs`).
    pub fn validate(&self) -> Vec<FieldError> {
        let mut failures = Vec::new();
        let one = Quantity::from_int(1);
        for (i, item) in self.items.iter().enumerate() {
            let mut keys: Vec<&String> = item
                .max
                .keys()
                .chain(item.min.keys())
                .chain(item.default.keys())
                .chain(item.default_request.keys())
                .chain(item.max_limit_request_ratio.keys())
                .collect();
            keys.sort();
            keys.dedup();
            for k in keys {
                let (min, max) = (item.min.get(k), item.max.get(k));
                let (default, default_request) = (item.default.get(k), item.default_request.get(k));
                let ratio = item.max_limit_request_ratio.get(k);
                let mut fail = |field: &str, value: &Quantity, message: String| {
                    failures.push(FieldError {
                        message: format!("spec.limits[{i}].{field}[{k}]: Invalid value: \"{value}\": {message}"),
                        path: format!("spec.limits[{i}].{field}.{k}"),
                    });
                };
                if let (Some(min), Some(max)) = (min, max)
                    && min > max
                {
                    fail("min", min, format!("min value {min} is greater than max value {max}"));
                }
                if let (Some(dr), Some(min)) = (default_request, min)
                    && min > dr
                {
                    fail("defaultRequest", dr, format!("min value {min} is greater than default request value {dr}"));
                }
                if let (Some(dr), Some(max)) = (default_request, max)
                    && dr > max
                {
                    fail("defaultRequest", dr, format!("default request value {dr} is greater than max value {max}"));
                }
                if let (Some(dr), Some(d)) = (default_request, default)
                    && dr > d
                {
                    fail(
                        "defaultRequest",
                        dr,
                        format!("default request value {dr} is greater than default limit value {d}"),
                    );
                }
                if let (Some(d), Some(min)) = (default, min)
                    && min > d
                {
                    fail("default", min, format!("min value {min} is greater than default value {d}"));
                }
                if let (Some(d), Some(max)) = (default, max)
                    && d > max
                {
                    fail("default", max, format!("default value {d} is greater than max value {max}"));
                }
                if let Some(ratio) = ratio
                    && *ratio < one
                {
                    fail("maxLimitRequestRatio", ratio, format!("ratio {ratio} is less than 1"));
                }
                // ratio > max/min, compared exactly: ratio × min > max.
                if let (Some(ratio), Some(min), Some(max)) = (ratio, min, max)
                    && let Some(product) = ratio.checked_mul(min)
                    && product > *max
                {
                    let limit = max.ratio_string(min).unwrap_or_default();
                    fail("maxLimitRequestRatio", ratio, format!("ratio {ratio} is greater than max/min = {limit}"));
                }
                // Huge pages and extended resources cannot be overcommitted: a
                // container's request must equal its limit, so the defaults must too.
                if let (Some(d), Some(dr)) = (default, default_request)
                    && !super::overcommit_allowed(k)
                    && d.cmp(dr) != std::cmp::Ordering::Equal
                {
                    fail(
                        "defaultRequest",
                        dr,
                        format!("default value {d} must equal to defaultRequest value {dr} in {k}"),
                    );
                }
            }
        }
        failures
    }

    /// `defaultContainerResourceRequirements`: later Container items override earlier ones.
    fn container_defaults(&self) -> (ResourceList, ResourceList) {
        let mut requests = ResourceList::new();
        let mut limits = ResourceList::new();
        for item in self.items.iter().filter(|i| i.type_ == "Container") {
            requests.extend(item.default_request.iter().map(|(k, v)| (k.clone(), v.clone())));
            limits.extend(item.default.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        (requests, limits)
    }

    /// `PodMutateLimitFunc`: fills missing container limits and requests from the
    /// defaults; returns the `kubernetes.io/limit-ranger` annotation if anything was set.
    pub fn mutate_pod(&self, pod: &mut PodModel) -> Option<String> {
        let (default_requests, default_limits) = self.container_defaults();
        let mut clauses = Vec::new();
        let groups = [("container", &mut pod.containers), ("init container", &mut pod.init_containers)];
        for (prefix, containers) in groups {
            for c in containers.iter_mut() {
                let mut set_limits = Vec::new();
                for (k, v) in &default_limits {
                    if !c.limits.contains_key(k) {
                        c.limits.insert(k.clone(), v.clone());
                        set_limits.push(k.clone());
                    }
                }
                let mut set_requests = Vec::new();
                for (k, v) in &default_requests {
                    if !c.requests.contains_key(k) {
                        c.requests.insert(k.clone(), v.clone());
                        set_requests.push(k.clone());
                    }
                }
                if !set_requests.is_empty() {
                    clauses.push(format!("{} request for {prefix} {}", set_requests.join(", "), c.name));
                }
                if !set_limits.is_empty() {
                    clauses.push(format!("{} limit for {prefix} {}", set_limits.join(", "), c.name));
                }
            }
        }
        (!clauses.is_empty()).then(|| format!("LimitRanger plugin set: {}", clauses.join("; ")))
    }

    /// `PodValidateLimitFunc`: Container items per container then init container,
    /// Pod items against the pod totals (no overhead).
    pub fn validate_pod(&self, pod: &PodModel) -> Vec<FieldError> {
        let mut failures = Vec::new();
        for item in &self.items {
            match item.type_.as_str() {
                "Container" => {
                    for c in pod.all_containers() {
                        let path = format!("{}.resources", c.path);
                        check_item(item, "Container", &c.requests, &c.limits, &path, &mut failures);
                    }
                }
                "Pod" => {
                    let (requests, limits) = (pod.requests(false), pod.limits(false));
                    check_item(item, "Pod", &requests, &limits, &pod.spec_path, &mut failures);
                }
                _ => {}
            }
        }
        failures
    }

    /// `PersistentVolumeClaimValidateLimitFunc`: only requests, min and max.
    pub fn validate_pvc(&self, requests: &ResourceList) -> Vec<FieldError> {
        let mut failures = Vec::new();
        let t = "PersistentVolumeClaim";
        let path = "spec.resources.requests";
        for item in self.items.iter().filter(|i| i.type_ == t) {
            for (k, enforced) in &item.min {
                if let Some(message) = min_constraint(t, k, enforced, requests, &ResourceList::new()) {
                    failures.push(FieldError { message, path: path.to_owned() });
                }
            }
            for (k, enforced) in &item.max {
                let message = match requests.get(k) {
                    None => Some(format!("maximum {k} usage per {t} is {enforced}.  No request is specified")),
                    Some(req) if req > enforced => {
                        Some(format!("maximum {k} usage per {t} is {enforced}, but request is {req}"))
                    }
                    Some(_) => None,
                };
                if let Some(message) = message {
                    failures.push(FieldError { message, path: path.to_owned() });
                }
            }
        }
        failures
    }
}

fn check_item(
    item: &LimitItem,
    limit_type: &str,
    requests: &ResourceList,
    limits: &ResourceList,
    path: &str,
    failures: &mut Vec<FieldError>,
) {
    let mut push = |message: Option<String>| {
        if let Some(message) = message {
            failures.push(FieldError { message, path: path.to_owned() });
        }
    };
    for (k, enforced) in &item.min {
        push(min_constraint(limit_type, k, enforced, requests, limits));
    }
    for (k, enforced) in &item.max {
        push(max_constraint(limit_type, k, enforced, requests, limits));
    }
    for (k, enforced) in &item.max_limit_request_ratio {
        push(ratio_constraint(limit_type, k, enforced, requests, limits));
    }
}

/// `minConstraint`: the first failing check only.
fn min_constraint(
    t: &str,
    k: &str,
    enforced: &Quantity,
    requests: &ResourceList,
    limits: &ResourceList,
) -> Option<String> {
    let Some(req) = requests.get(k) else {
        return Some(format!("minimum {k} usage per {t} is {enforced}.  No request is specified"));
    };
    if req < enforced {
        return Some(format!("minimum {k} usage per {t} is {enforced}, but request is {req}"));
    }
    match limits.get(k) {
        Some(lim) if lim < enforced => Some(format!("minimum {k} usage per {t} is {enforced}, but limit is {lim}")),
        _ => None,
    }
}

/// `maxConstraint`: the first failing check only.
fn max_constraint(
    t: &str,
    k: &str,
    enforced: &Quantity,
    requests: &ResourceList,
    limits: &ResourceList,
) -> Option<String> {
    let Some(lim) = limits.get(k) else {
        return Some(format!("maximum {k} usage per {t} is {enforced}.  No limit is specified"));
    };
    if lim > enforced {
        return Some(format!("maximum {k} usage per {t} is {enforced}, but limit is {lim}"));
    }
    match requests.get(k) {
        Some(req) if req > enforced => Some(format!("maximum {k} usage per {t} is {enforced}, but request is {req}")),
        _ => None,
    }
}

/// `limitRequestRatioConstraint`, compared exactly (newest upstream uses `Cmp`):
/// limit / request > ratio ⟺ limit > ratio × request.
fn ratio_constraint(
    t: &str,
    k: &str,
    enforced: &Quantity,
    requests: &ResourceList,
    limits: &ResourceList,
) -> Option<String> {
    let req = requests.get(k).filter(|q| !q.is_zero());
    let Some(req) = req else {
        return Some(format!(
            "{k} max limit to request ratio per {t} is {enforced}, but no request is specified or request is 0"
        ));
    };
    let lim = limits.get(k).filter(|q| !q.is_zero());
    let Some(lim) = lim else {
        return Some(format!(
            "{k} max limit to request ratio per {t} is {enforced}, but no limit is specified or limit is 0"
        ));
    };
    let exceeds = enforced.checked_mul(req).is_some_and(|allowed| *lim > allowed);
    exceeds.then(|| {
        let ratio = lim.ratio_string(req).unwrap_or_default();
        format!("{k} max limit to request ratio per {t} is {enforced}, but provided ratio is {ratio}")
    })
}
