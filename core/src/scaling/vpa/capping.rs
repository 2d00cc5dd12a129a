//! Adapting a recommendation to a VPA's policy and to a pod (`vpa.md §3.2`,
//! `§3.3`, `§3.4`): upstream's `pkg/utils/vpa/capping.go`,
//! `pkg/utils/vpa/limit_and_request_scaling.go`,
//! `pkg/utils/limitrange/limit_range_calculator.go` and the admission
//! controller's `recommendation_provider.go`.
//!
//! Upstream reads `ResourceList.Cpu()` / `.Memory()`, which give a zero
//! quantity for a missing entry; the helpers here do the same.

use std::collections::BTreeMap;

use super::estimator::{CPU, ContainerRecommendation, MEMORY};
use crate::admission::ResourceList;
use crate::quantity::Quantity;

/// One `resourcePolicy.containerPolicies[]` entry, quantities parsed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContainerPolicy {
    /// `*` is the default entry.
    pub container_name: String,
    /// `mode: Off`.
    pub mode_off: bool,
    pub min_allowed: Option<ResourceList>,
    pub max_allowed: Option<ResourceList>,
    /// `None`: the default, cpu and memory.
    pub controlled_resources: Option<Vec<String>>,
    /// `controlledValues: RequestsOnly` (the default is RequestsAndLimits).
    pub requests_only: bool,
}

/// `spec.resourcePolicy`; `present` is false when the VPA has none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodResourcePolicy {
    pub present: bool,
    pub containers: Vec<ContainerPolicy>,
}

impl PodResourcePolicy {
    /// `GetContainerResourcePolicy`: the entry naming the container, else the
    /// last `*` entry.
    pub fn for_container(&self, name: &str) -> Option<&ContainerPolicy> {
        let mut default = None;
        for policy in &self.containers {
            if policy.container_name == name {
                return Some(policy);
            }
            if policy.container_name == "*" {
                default = Some(policy);
            }
        }
        default
    }

    pub fn is_off(&self, name: &str) -> bool {
        self.for_container(name).is_some_and(|p| p.mode_off)
    }

    /// `GetControlledResources`: cpu and memory unless the policy names others.
    pub fn controlled_resources(&self, name: &str) -> Vec<String> {
        match self.for_container(name).and_then(|p| p.controlled_resources.clone()) {
            Some(resources) => resources,
            None => vec![CPU.to_owned(), MEMORY.to_owned()],
        }
    }

    pub fn requests_only(&self, name: &str) -> bool {
        self.for_container(name).is_some_and(|p| p.requests_only)
    }
}

/// `ResourceList.Cpu()` and friends: a zero quantity when absent.
fn get(list: &ResourceList, resource: &str) -> Quantity {
    list.get(resource).cloned().unwrap_or_else(Quantity::zero)
}

fn value(q: &Quantity) -> i64 {
    q.value().unwrap_or(if q.sign() < 0 { i64::MIN } else { i64::MAX })
}

fn milli(q: &Quantity) -> i64 {
    q.milli_value().unwrap_or(if q.sign() < 0 { i64::MIN } else { i64::MAX })
}

/// `maybeCapToMin`: raised to a non-zero minimum.
fn cap_to_min(recommended: &Quantity, resource: &str, min: Option<&ResourceList>) -> Option<Quantity> {
    let min = min?.get(resource)?;
    (!min.is_zero() && recommended < min).then(|| min.clone())
}

/// `maybeCapToMax`: lowered to a non-zero maximum.
fn cap_to_max(recommended: &Quantity, resource: &str, max: Option<&ResourceList>) -> Option<Quantity> {
    let max = max?.get(resource)?;
    (!max.is_zero() && recommended > max).then(|| max.clone())
}

/// `ApplyVPAPolicy` (the recommender's capping post-processor): target and
/// bounds raised to `minAllowed`, then lowered to `maxAllowed` (the global
/// maximum fills resources the VPA's `maxAllowed` does not name).
pub fn cap_to_policy(
    recommendation: &mut ContainerRecommendation,
    policy: &PodResourcePolicy,
    global_max: &ResourceList,
) {
    let container = policy.for_container(&recommendation.container_name);
    let min_allowed = container.and_then(|p| p.min_allowed.as_ref());
    let mut max_allowed = container.and_then(|p| p.max_allowed.clone());
    match &mut max_allowed {
        None if !global_max.is_empty() => max_allowed = Some(global_max.clone()),
        Some(max) => {
            for (resource, quantity) in global_max {
                max.entry(resource.clone()).or_insert_with(|| quantity.clone());
            }
        }
        None => {}
    }
    for list in [&mut recommendation.target, &mut recommendation.lower_bound, &mut recommendation.upper_bound] {
        for (resource, quantity) in list.iter_mut() {
            if let Some(capped) = cap_to_min(quantity, resource, min_allowed) {
                *quantity = capped;
            }
            if let Some(capped) = cap_to_max(quantity, resource, max_allowed.as_ref()) {
                *quantity = capped;
            }
        }
    }
}

/// The LimitRange of one type (`Container` or `Pod`) in a namespace as the VPA
/// merges them (`getLimitRangeItem`): lowest max, highest min, last default.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LimitRangeItem {
    pub min: Option<ResourceList>,
    pub max: Option<ResourceList>,
    pub default: Option<ResourceList>,
}

impl LimitRangeItem {
    /// Items `(min, max, default)` in the order the LimitRanges list them.
    pub fn merge(items: &[(Option<ResourceList>, Option<ResourceList>, Option<ResourceList>)]) -> Option<Self> {
        let mut result = LimitRangeItem::default();
        for (min, max, default) in items {
            if min.is_none() && max.is_none() && default.is_none() {
                continue;
            }
            if default.is_some() {
                result.default = default.clone();
            }
            for resource in [CPU, MEMORY] {
                merge_pick(&mut result.max, max.as_ref(), resource, |a, b| if a < b { a } else { b });
                merge_pick(&mut result.min, min.as_ref(), resource, |a, b| if a > b { a } else { b });
            }
        }
        (result.min.is_some() || result.max.is_some() || result.default.is_some()).then_some(result)
    }
}

fn merge_pick(
    result: &mut Option<ResourceList>,
    item: Option<&ResourceList>,
    resource: &str,
    pick: fn(Quantity, Quantity) -> Quantity,
) {
    let Some(item) = item else { return };
    let Some(current) = result else {
        *result = Some(item.clone());
        return;
    };
    if let Some(new) = item.get(resource) {
        let picked = match current.get(resource) {
            Some(old) => pick(old.clone(), new.clone()),
            None => new.clone(),
        };
        current.insert(resource.to_owned(), picked);
    }
}

/// A container as the capping sees it: current requests and limits
/// (`status.containerStatuses[].resources` over the spec).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ContainerResources {
    pub name: String,
    pub requests: ResourceList,
    pub limits: ResourceList,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rounding {
    None,
    Up,
    Down,
}

/// `scaleQuantityProportionallyCPU`: `scaled × result / base` in millis.
fn scale_cpu(scaled: &Quantity, base: &Quantity, result: &Quantity, rounding: Rounding) -> Quantity {
    if base.is_zero() {
        return scaled.clone();
    }
    let product = i128::from(milli(scaled)) * i128::from(milli(result));
    let divisor = i128::from(milli(base));
    let mut quotient = product.div_euclid(divisor);
    if product.rem_euclid(divisor) != 0 && rounding == Rounding::Up {
        quotient += 1;
    }
    let millis = i64::try_from(quotient).unwrap_or(i64::MAX);
    Quantity::from_scaled(i128::from(millis), -3, scaled.format()).unwrap_or_else(Quantity::zero)
}

/// `scaleQuantityProportionallyMem`: `scaled × result / base` in whole units, floor.
fn scale_memory(scaled: &Quantity, base: &Quantity, result: &Quantity) -> Quantity {
    let divisor = i128::from(value(base));
    if divisor == 0 {
        // Upstream divides by zero here; the value is left alone instead.
        return scaled.clone();
    }
    let quotient = (i128::from(value(scaled)) * i128::from(value(result))).div_euclid(divisor);
    let units = i64::try_from(quotient).unwrap_or(i64::MAX);
    Quantity::from_scaled(i128::from(units), 0, scaled.format()).unwrap_or_else(Quantity::zero)
}

fn scale(resource: &str, scaled: &Quantity, base: &Quantity, result: &Quantity, rounding: Rounding) -> Quantity {
    if resource == MEMORY { scale_memory(scaled, base, result) } else { scale_cpu(scaled, base, result, rounding) }
}

/// `getProportionalResourceLimit`: the limit keeping the original
/// limit/request ratio for a new request, or the reason there is none.
pub fn proportional_limit(
    resource: &str,
    original_limit: &Quantity,
    original_request: &Quantity,
    recommended_request: &Quantity,
    default_limit: &Quantity,
) -> Result<Quantity, String> {
    let limit = if value(original_limit) == 0 { default_limit } else { original_limit };
    if value(limit) == 0 {
        return Err(format!("{resource}: limit NOT set since originalLimit is nil or 0"));
    }
    if value(recommended_request) == 0 {
        return Err(format!("{resource}: limit NOT set since recommendedRequest is nil or 0"));
    }
    if value(original_request) == 0 || milli(original_request) == milli(limit) {
        return Ok(recommended_request.clone());
    }
    Ok(scale(resource, limit, original_request, recommended_request, Rounding::None))
}

/// `GetBoundaryRequest`: the request bound a LimitRange min/max implies with the
/// container's limit/request ratio (zero: no bound).
fn boundary_request(
    resource: &str,
    request: &Quantity,
    limit: &Quantity,
    boundary: &Quantity,
    default_limit: &Quantity,
) -> Quantity {
    let limit = if value(limit) == 0 { default_limit } else { limit };
    if value(limit) == 0 {
        return Quantity::zero();
    }
    if value(request) == 0 {
        return boundary.clone();
    }
    scale(resource, request, limit, boundary, Rounding::None)
}

fn boundary_list(
    container: &ContainerResources,
    boundary: Option<&ResourceList>,
    default: &ResourceList,
) -> ResourceList {
    let Some(boundary) = boundary else { return ResourceList::new() };
    [CPU, MEMORY]
        .into_iter()
        .map(|r| {
            let bound = boundary_request(
                r,
                &get(&container.requests, r),
                &get(&container.limits, r),
                &get(boundary, r),
                &get(default, r),
            );
            (r.to_owned(), bound)
        })
        .collect()
}

/// `applyContainerLimitRange`, with its annotations.
fn apply_container_limit_range(
    recommendation: &mut ResourceList,
    container: &ContainerResources,
    limit_range: Option<&LimitRangeItem>,
) -> Vec<String> {
    let mut annotations = Vec::new();
    let Some(limit_range) = limit_range else { return annotations };
    let empty = ResourceList::new();
    let default = limit_range.default.as_ref().unwrap_or(&empty);
    let max_allowed = boundary_list(container, limit_range.max.as_ref(), default);
    let mut min_allowed = boundary_list(container, limit_range.min.as_ref(), default);
    // Both the request and the limit must reach the LimitRange min.
    if let Some(min) = &limit_range.min {
        for r in [CPU, MEMORY] {
            let for_request = get(min, r);
            if for_request > get(&min_allowed, r) {
                min_allowed.insert(r.to_owned(), for_request);
            }
        }
    }
    for (resource, quantity) in recommendation.iter_mut() {
        if let Some(capped) = cap_to_min(quantity, resource, Some(&min_allowed)) {
            *quantity = capped;
            annotations.push(format!("{resource} capped to fit Min in container LimitRange"));
        }
        if let Some(capped) = cap_to_max(quantity, resource, Some(&max_allowed)) {
            *quantity = capped;
            annotations.push(format!("{resource} capped to fit Max in container LimitRange"));
        }
    }
    annotations
}

/// `applyVPAPolicy` at admission: the container policy's own min and max.
fn apply_vpa_policy(recommendation: &mut ResourceList, policy: Option<&ContainerPolicy>) -> Vec<String> {
    let mut annotations = Vec::new();
    let Some(policy) = policy else { return annotations };
    for (resource, quantity) in recommendation.iter_mut() {
        if let Some(capped) = cap_to_min(quantity, resource, policy.min_allowed.as_ref()) {
            *quantity = capped;
            annotations.push(format!("{resource} capped to minAllowed"));
        }
        if let Some(capped) = cap_to_max(quantity, resource, policy.max_allowed.as_ref()) {
            *quantity = capped;
            annotations.push(format!("{resource} capped to maxAllowed"));
        }
    }
    annotations
}

/// `capRecommendationToContainerLimit` (`controlledValues: RequestsOnly`).
fn cap_to_container_limit(recommendation: &mut ResourceList, limits: &ResourceList) -> Vec<String> {
    let mut annotations = Vec::new();
    for (resource, limit) in limits {
        if let Some(recommended) = recommendation.get_mut(resource)
            && milli(recommended) > milli(limit)
        {
            *recommended = limit.clone();
            annotations.push(format!("{resource} capped to container limit"));
        }
    }
    annotations
}

#[derive(Clone, Copy)]
enum Field {
    Target,
    Lower,
    Upper,
}

fn field(rec: &mut ContainerRecommendation, which: Field) -> &mut ResourceList {
    match which {
        Field::Target => &mut rec.target,
        Field::Lower => &mut rec.lower_bound,
        Field::Upper => &mut rec.upper_bound,
    }
}

/// `applyPodLimitRange` for one resource and one field.
fn apply_pod_limit_range(
    recommendations: &mut [ContainerRecommendation],
    pod: &[ContainerResources],
    limit_range: &LimitRangeItem,
    resource: &str,
    which: Field,
) {
    let empty = ResourceList::new();
    let min_limit = get(limit_range.min.as_ref().unwrap_or(&empty), resource);
    let max_limit = get(limit_range.max.as_ref().unwrap_or(&empty), resource);
    let default_limit = get(limit_range.default.as_ref().unwrap_or(&empty), resource);
    let index_of = |name: &str, recs: &[ContainerRecommendation]| recs.iter().position(|r| r.container_name == name);
    let mut sum_limit = Quantity::zero();
    let mut sum_recommendation = Quantity::zero();
    for container in pod {
        let request = get(&container.requests, resource);
        let limit = get(&container.limits, resource);
        let recommendation = match index_of(&container.name, recommendations) {
            // No recommendation: the container keeps its request.
            None => request.clone(),
            Some(i) => get(field(&mut recommendations[i], which), resource),
        };
        if let Ok(container_limit) = proportional_limit(resource, &limit, &request, &recommendation, &default_limit) {
            sum_limit = sum_limit.checked_add(&container_limit).unwrap_or(sum_limit);
        }
        sum_recommendation = sum_recommendation.checked_add(&recommendation).unwrap_or(sum_recommendation);
    }
    if min_limit <= sum_limit && min_limit <= sum_recommendation && (max_limit.is_zero() || max_limit >= sum_limit) {
        return;
    }
    if min_limit > sum_recommendation && !sum_limit.is_zero() {
        for container in pod {
            let Some(i) = index_of(&container.name, recommendations) else { continue };
            let list = field(&mut recommendations[i], which);
            // Upstream writes a scaled zero into a list without the resource
            // (or panics on a missing list); such entries are left out here.
            if let Some(request) = list.get(resource).cloned() {
                let scaled = scale(resource, &request, &sum_recommendation, &min_limit, Rounding::Up);
                list.insert(resource.to_owned(), scaled);
            }
        }
        return;
    }
    if sum_limit.is_zero() {
        return;
    }
    let mut target_total = Quantity::zero();
    if min_limit > sum_limit {
        target_total = min_limit.clone();
    }
    if !max_limit.is_zero() && max_limit < sum_limit {
        target_total = max_limit.clone();
    }
    for container in pod {
        let Some(i) = index_of(&container.name, recommendations) else { continue };
        let list = field(&mut recommendations[i], which);
        if let Some(recommended) = list.get(resource).cloned() {
            let scaled = scale(resource, &recommended, &sum_limit, &target_total, Rounding::Down);
            list.insert(resource.to_owned(), scaled);
        }
    }
}

/// The recommendation processed for one pod, with the capping annotations per container.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Processed {
    pub recommendations: Vec<ContainerRecommendation>,
    pub annotations: BTreeMap<String, Vec<String>>,
}

/// `cappingRecommendationProcessor.Apply`: the status adapted to one pod —
/// pod LimitRange, container LimitRange, the VPA policy, `RequestsOnly`
/// limits. `None` when there is neither a recommendation nor a policy.
pub fn process_for_pod(
    status: Option<&[ContainerRecommendation]>,
    policy: &PodResourcePolicy,
    pod: &[ContainerResources],
    container_limit_range: Option<&LimitRangeItem>,
    pod_limit_range: Option<&LimitRangeItem>,
) -> Option<Processed> {
    if status.is_none() && !policy.present {
        return None;
    }
    let mut recommendations: Vec<ContainerRecommendation> = status.map(<[_]>::to_vec).unwrap_or_default();
    if let Some(pod_limit_range) = pod_limit_range {
        // insertRequestsForMissingRecommendations
        for container in pod {
            if !recommendations.iter().any(|r| r.container_name == container.name) && !container.requests.is_empty() {
                recommendations.push(ContainerRecommendation {
                    container_name: container.name.clone(),
                    target: container.requests.clone(),
                    ..ContainerRecommendation::default()
                });
            }
        }
        for which in [Field::Upper, Field::Target, Field::Lower] {
            for resource in [CPU, MEMORY] {
                apply_pod_limit_range(&mut recommendations, pod, pod_limit_range, resource, which);
            }
        }
    }
    let mut processed = Processed::default();
    for mut recommendation in recommendations {
        let Some(container) = pod.iter().find(|c| c.name == recommendation.container_name) else { continue };
        let container_policy = policy.for_container(&container.name);
        let requests_only = policy.requests_only(&container.name);
        let mut annotations = Vec::new();
        for which in [Field::Target, Field::Lower, Field::Upper] {
            let list = field(&mut recommendation, which);
            let mut notes = apply_container_limit_range(list, container, container_limit_range);
            notes.extend(apply_vpa_policy(list, container_policy));
            if requests_only {
                notes.extend(cap_to_container_limit(list, &container.limits));
            }
            if matches!(which, Field::Target) {
                annotations = notes;
            }
        }
        if !annotations.is_empty() {
            processed.annotations.insert(container.name.clone(), annotations);
        }
        processed.recommendations.push(recommendation);
    }
    Some(processed)
}

/// What the admission controller writes into one container: requests from
/// the processed target, limits scaled in proportion (`GetContainersResources`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdmittedContainer {
    pub requests: ResourceList,
    pub limits: ResourceList,
    /// Reasons a limit was not set, as upstream appends them to the annotations.
    pub limit_annotations: Vec<String>,
}

/// The requests and limits one container gets at admission; the container's
/// own values where the recommendation is silent.
pub fn admit_container(
    container: &ContainerResources,
    processed: Option<&Processed>,
    policy: &PodResourcePolicy,
    container_limit_range: Option<&LimitRangeItem>,
) -> AdmittedContainer {
    let mut admitted = AdmittedContainer {
        requests: container.requests.clone(),
        limits: container.limits.clone(),
        limit_annotations: Vec::new(),
    };
    let Some(recommendation) =
        processed.and_then(|p| p.recommendations.iter().find(|r| r.container_name == container.name))
    else {
        return admitted;
    };
    let new_requests = &recommendation.target;
    for (resource, quantity) in new_requests {
        admitted.requests.insert(resource.clone(), quantity.clone());
    }
    if policy.requests_only(&container.name) {
        return admitted;
    }
    let empty = ResourceList::new();
    let default = container_limit_range.and_then(|l| l.default.as_ref()).unwrap_or(&empty);
    let mut limits = ResourceList::new();
    let mut notes = Vec::new();
    for resource in [CPU, MEMORY] {
        match proportional_limit(
            resource,
            &get(&container.limits, resource),
            &get(&container.requests, resource),
            &get(new_requests, resource),
            &get(default, resource),
        ) {
            Ok(limit) => {
                limits.insert(resource.to_owned(), limit);
            }
            Err(note) => notes.push(note),
        }
    }
    if !limits.is_empty() {
        admitted.limits.extend(limits);
        admitted.limit_annotations = notes;
    }
    admitted
}
