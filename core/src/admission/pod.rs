//! A pod as admission sees it: containers with parsed requests and limits, the
//! API defaulting that runs before admission, and the effective pod requests
//! and limits of component-helpers `resource/helpers.go` (`PodRequests`,
//! `PodLimits`, KEP-753 sidecar formula).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container as K8sContainer, PodSpec, ResourceRequirements};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity as K8sQuantity;

use crate::quantity::Quantity;

/// Resource name → quantity, sorted by name like upstream's printed lists.
pub type ResourceList = BTreeMap<String, Quantity>;

/// A quantity field that did not parse: where it is, what it says, why.
#[derive(Clone, Debug, PartialEq)]
pub struct BadQuantity {
    pub path: String,
    pub text: String,
    pub error: String,
}

/// Parses a k8s-openapi resource map (trimming like the API's JSON decoder does).
pub fn parse_list(map: Option<&BTreeMap<String, K8sQuantity>>, path: &str, bad: &mut Vec<BadQuantity>) -> ResourceList {
    let mut list = ResourceList::new();
    for (name, raw) in map.into_iter().flatten() {
        match Quantity::parse(raw.0.trim()) {
            Ok(q) => {
                list.insert(name.clone(), q);
            }
            Err(error) => {
                bad.push(BadQuantity { path: format!("{path}[{name}]"), text: raw.0.clone(), error: error.to_string() })
            }
        }
    }
    list
}

/// `addResourceList`: adds `new` into `list` key by key.
pub fn add_into(list: &mut ResourceList, new: &ResourceList) {
    for (name, q) in new {
        let sum = match list.get(name) {
            Some(existing) => existing.checked_add(q).unwrap_or_else(|| existing.clone()),
            None => q.clone(),
        };
        list.insert(name.clone(), sum);
    }
}

/// `maxResourceList`: keeps the larger of each key.
pub fn max_into(list: &mut ResourceList, new: &ResourceList) {
    for (name, q) in new {
        if list.get(name).is_none_or(|existing| q > existing) {
            list.insert(name.clone(), q.clone());
        }
    }
}

/// One container or init container.
#[derive(Clone, Debug, PartialEq)]
pub struct Container {
    pub name: String,
    /// An init container with `restartPolicy: Always` (a native sidecar).
    pub sidecar: bool,
    pub requests: ResourceList,
    pub limits: ResourceList,
    /// Path of the container relative to the object, e.g. `spec.template.spec.containers[0]`.
    pub path: String,
}

/// A pod's resource-relevant content.
#[derive(Clone, Debug, PartialEq)]
pub struct PodModel {
    pub name: String,
    pub namespace: String,
    pub containers: Vec<Container>,
    pub init_containers: Vec<Container>,
    /// `spec.overhead`, or the RuntimeClass's `overhead.podFixed`.
    pub overhead: ResourceList,
    /// Pod-level `spec.resources` (PodLevelResources).
    pub pod_requests: ResourceList,
    pub pod_limits: ResourceList,
    pub priority_class_name: Option<String>,
    pub active_deadline_seconds: Option<i64>,
    pub cross_namespace_affinity: bool,
    /// `status.phase` is Succeeded or Failed.
    pub terminal: bool,
    /// Path of the pod spec relative to the object (`spec`, `spec.template.spec`).
    pub spec_path: String,
}

fn container(c: &K8sContainer, path: String, init: bool, bad: &mut Vec<BadQuantity>) -> Container {
    let resources = c.resources.as_ref();
    Container {
        name: c.name.clone(),
        sidecar: init && c.restart_policy.as_deref() == Some("Always"),
        requests: parse_list(resources.and_then(|r| r.requests.as_ref()), &format!("{path}.resources.requests"), bad),
        limits: parse_list(resources.and_then(|r| r.limits.as_ref()), &format!("{path}.resources.limits"), bad),
        path,
    }
}

impl PodModel {
    /// Builds the model from a pod spec; unparsable quantities are collected in `bad`.
    pub fn from_spec(
        name: &str,
        namespace: &str,
        spec: &PodSpec,
        spec_path: &str,
        runtime_overhead: Option<&ResourceList>,
        bad: &mut Vec<BadQuantity>,
    ) -> Self {
        let containers = spec
            .containers
            .iter()
            .enumerate()
            .map(|(i, c)| container(c, format!("{spec_path}.containers[{i}]"), false, bad))
            .collect();
        let init_containers = spec
            .init_containers
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| container(c, format!("{spec_path}.initContainers[{i}]"), true, bad))
            .collect();
        let mut overhead = parse_list(spec.overhead.as_ref(), &format!("{spec_path}.overhead"), bad);
        if overhead.is_empty()
            && let Some(fixed) = runtime_overhead
        {
            overhead = fixed.clone();
        }
        let pod_level: Option<&ResourceRequirements> = spec.resources.as_ref();
        let affinity = spec.affinity.as_ref();
        let cross_namespace_affinity = affinity.is_some_and(|a| {
            let terms = a
                .pod_affinity
                .iter()
                .flat_map(|p| {
                    p.required_during_scheduling_ignored_during_execution.iter().flatten().chain(
                        p.preferred_during_scheduling_ignored_during_execution
                            .iter()
                            .flatten()
                            .map(|w| &w.pod_affinity_term),
                    )
                })
                .chain(a.pod_anti_affinity.iter().flat_map(|p| {
                    p.required_during_scheduling_ignored_during_execution.iter().flatten().chain(
                        p.preferred_during_scheduling_ignored_during_execution
                            .iter()
                            .flatten()
                            .map(|w| &w.pod_affinity_term),
                    )
                }))
                .collect::<Vec<_>>();
            terms.iter().any(|t| t.namespaces.as_ref().is_some_and(|n| !n.is_empty()) || t.namespace_selector.is_some())
        });
        PodModel {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            containers,
            init_containers,
            overhead,
            pod_requests: parse_list(
                pod_level.and_then(|r| r.requests.as_ref()),
                &format!("{spec_path}.resources.requests"),
                bad,
            ),
            pod_limits: parse_list(
                pod_level.and_then(|r| r.limits.as_ref()),
                &format!("{spec_path}.resources.limits"),
                bad,
            ),
            priority_class_name: spec.priority_class_name.clone().filter(|n| !n.is_empty()),
            active_deadline_seconds: spec.active_deadline_seconds,
            cross_namespace_affinity,
            terminal: false,
            spec_path: spec_path.to_owned(),
        }
    }

    pub fn all_containers(&self) -> impl Iterator<Item = &Container> {
        self.containers.iter().chain(&self.init_containers)
    }

    /// `SetDefaults_Pod` (pkg/apis/core/v1/defaults.go): every limit missing from
    /// requests is copied there, for containers and init containers. Pods only,
    /// never templates — but every pod a controller creates gets it too.
    pub fn apply_api_defaults(&mut self) {
        for c in self.containers.iter_mut().chain(self.init_containers.iter_mut()) {
            for (name, limit) in &c.limits {
                c.requests.entry(name.clone()).or_insert_with(|| limit.clone());
            }
        }
    }

    pub fn has_pod_level_resources(&self) -> bool {
        !self.pod_requests.is_empty() || !self.pod_limits.is_empty()
    }

    /// The container requests summed as [`PodModel::requests`] sums them, with
    /// each step kept (before pod-level resources and overhead).
    pub fn request_sums(&self) -> Aggregate {
        aggregate(self, |c| &c.requests)
    }

    /// `PodRequests` with overhead (quota) or without it (`podRequests` of the LimitRanger).
    pub fn requests(&self, with_overhead: bool) -> ResourceList {
        let mut total = aggregate(self, |c| &c.requests).total;
        override_pod_level(&mut total, &self.pod_requests);
        if with_overhead {
            add_into(&mut total, &self.overhead);
        }
        total
    }

    /// `PodLimits`: overhead is added only to limits that are set and non-zero.
    pub fn limits(&self, with_overhead: bool) -> ResourceList {
        let mut total = aggregate(self, |c| &c.limits).total;
        override_pod_level(&mut total, &self.pod_limits);
        if with_overhead {
            for (name, extra) in &self.overhead {
                if let Some(limit) = total.get_mut(name)
                    && !limit.is_zero()
                    && let Some(sum) = limit.checked_add(extra)
                {
                    *limit = sum;
                }
            }
        }
        total
    }

    /// `GetPodQOS` is BestEffort: no cpu or memory request or limit anywhere.
    pub fn is_best_effort(&self) -> bool {
        let relevant =
            |list: &ResourceList| list.iter().any(|(name, q)| (name == "cpu" || name == "memory") && !q.is_zero());
        let containers_set = self.all_containers().any(|c| relevant(&c.requests) || relevant(&c.limits));
        !(containers_set || relevant(&self.pod_requests) || relevant(&self.pod_limits))
    }
}

/// Pod-level resources replace the container aggregate for cpu and memory.
fn override_pod_level(total: &mut ResourceList, pod_level: &ResourceList) {
    for (name, q) in pod_level {
        if name == "cpu" || name == "memory" {
            total.insert(name.clone(), q.clone());
        }
    }
}

/// How [`aggregate`] reaches a pod's total, kept for front ends that show the
/// sum with its numbers (see `crate::pods`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Aggregate {
    /// App containers plus native sidecars: what runs once the pod is up.
    pub running: ResourceList,
    /// Per init container, in order: its footprint while it runs (a plain init
    /// container plus the sidecars started before it; a sidecar's running sum
    /// of sidecars).
    pub init_footprints: Vec<ResourceList>,
    /// The per-resource maximum of `init_footprints`.
    pub init_peak: ResourceList,
    /// The per-resource maximum of `running` and `init_peak`.
    pub total: ResourceList,
}

/// `AggregateContainerRequests`/`AggregateContainerLimits`: app containers and
/// sidecars summed; each init container's footprint is itself plus the sidecars
/// started before it (a sidecar's is the running sum of sidecars); the result is
/// the per-resource maximum of the two.
fn aggregate(pod: &PodModel, pick: impl Fn(&Container) -> &ResourceList) -> Aggregate {
    let mut running = ResourceList::new();
    for c in &pod.containers {
        add_into(&mut running, pick(c));
    }
    let mut sidecars = ResourceList::new();
    let mut init_peak = ResourceList::new();
    let mut init_footprints = Vec::with_capacity(pod.init_containers.len());
    for c in &pod.init_containers {
        let footprint = if c.sidecar {
            add_into(&mut running, pick(c));
            add_into(&mut sidecars, pick(c));
            sidecars.clone()
        } else {
            let mut footprint = ResourceList::new();
            add_into(&mut footprint, pick(c));
            add_into(&mut footprint, &sidecars);
            footprint
        };
        max_into(&mut init_peak, &footprint);
        init_footprints.push(footprint);
    }
    let mut total = running.clone();
    max_into(&mut total, &init_peak);
    Aggregate { running, init_footprints, init_peak, total }
}
