//! The scheduling subset (`docs/semantics/disruption.md` §7): upstream's
//! filters in plugin order (`pkg/scheduler/apis/config/v1/default_plugins.go`)
//! with their reasons, the `FitError` message, and kubeplay's deterministic
//! choice among feasible nodes (§7.3, a stand-in for scoring).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, PodAffinityTerm, PodSpec, TopologySpreadConstraint};

use super::cluster::{Cluster, NodeSim, PodSim, SchedulingFailure, Taint, UNSCHEDULABLE_TAINT, tolerated};
use super::report::{Event, Reasons, SchedulingRecord};
use crate::netpol::selector::Selector;

pub const REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";
pub const REASON_TAINT: &str = "node(s) had untolerated taint(s)";
pub const REASON_AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector";
pub const REASON_SPREAD: &str = "node(s) didn't match pod topology spread constraints";
pub const REASON_SPREAD_LABEL: &str = "node(s) didn't match pod topology spread constraints (missing required label)";
pub const REASON_POD_AFFINITY: &str = "node(s) didn't match pod affinity rules";
pub const REASON_POD_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
pub const REASON_EXISTING_ANTI_AFFINITY: &str = "node(s) didn't satisfy existing pods anti-affinity rules";

/// `nodeSelector` and required node affinity (component-helpers
/// `nodeaffinity.GetRequiredNodeAffinity`): selector labels all equal, terms
/// ORed, expressions ANDed.
pub fn matches_node_affinity(spec: &PodSpec, labels: &BTreeMap<String, String>) -> bool {
    if let Some(selector) = &spec.node_selector
        && !selector.iter().all(|(k, v)| labels.get(k) == Some(v))
    {
        return false;
    }
    let required = spec
        .affinity
        .as_ref()
        .and_then(|a| a.node_affinity.as_ref())
        .and_then(|n| n.required_during_scheduling_ignored_during_execution.as_ref());
    match required {
        None => true,
        Some(selector) => selector.node_selector_terms.iter().any(|term| {
            let expressions = term.match_expressions.as_deref().unwrap_or_default();
            let fields = term.match_fields.as_deref().unwrap_or_default();
            // An empty term matches nothing (nodeaffinity: "nil or empty term matches no objects").
            (!expressions.is_empty() || !fields.is_empty())
                && expressions.iter().all(|e| node_requirement(e, labels))
                && fields.iter().all(|f| {
                    f.key == "metadata.name"
                        && node_requirement(f, &BTreeMap::from([(f.key.clone(), labels_name(labels))]))
                })
        }),
    }
}

fn labels_name(labels: &BTreeMap<String, String>) -> String {
    labels.get(super::cluster::HOSTNAME_LABEL).cloned().unwrap_or_default()
}

fn node_requirement(r: &NodeSelectorRequirement, labels: &BTreeMap<String, String>) -> bool {
    let values = r.values.as_deref().unwrap_or_default();
    let value = labels.get(&r.key);
    match r.operator.as_str() {
        "In" => value.is_some_and(|v| values.contains(v)),
        "NotIn" => value.is_none_or(|v| !values.contains(v)),
        "Exists" => value.is_some(),
        "DoesNotExist" => value.is_none(),
        "Gt" | "Lt" => {
            let (Some(v), [bound]) = (value.and_then(|v| v.parse::<i64>().ok()), values) else { return false };
            let Ok(bound) = bound.parse::<i64>() else { return false };
            if r.operator == "Gt" { v > bound } else { v < bound }
        }
        _ => false,
    }
}

fn untolerated_schedule_taint(node: &NodeSim, pod: &PodSim) -> bool {
    node.taints.iter().any(|t| (t.effect == "NoSchedule" || t.effect == "NoExecute") && !tolerated(&pod.tolerations, t))
}

struct Spread<'s> {
    constraint: &'s TopologySpreadConstraint,
    selector: Option<Selector>,
    honor_affinity: bool,
    honor_taints: bool,
}

fn spread_constraints<'s>(pod: &PodSim, spec: &'s PodSpec, hard: bool) -> Vec<Spread<'s>> {
    spec.topology_spread_constraints
        .iter()
        .flatten()
        .filter(|c| (c.when_unsatisfiable == "DoNotSchedule") == hard)
        .map(|c| {
            // matchLabelKeys: the pod's own values join the selector (PTS common.go).
            let selector = c.label_selector.as_ref().and_then(|s| {
                let mut s = s.clone();
                for key in c.match_label_keys.iter().flatten() {
                    if let Some(value) = pod.labels.get(key) {
                        s.match_labels.get_or_insert_with(Default::default).insert(key.clone(), value.clone());
                    }
                }
                Selector::compile(&s).ok()
            });
            Spread {
                constraint: c,
                selector,
                honor_affinity: c.node_affinity_policy.as_deref() != Some("Ignore"),
                honor_taints: c.node_taints_policy.as_deref() == Some("Honor"),
            }
        })
        .collect()
}

fn affinity_terms(spec: &PodSpec, anti: bool) -> Vec<&PodAffinityTerm> {
    let affinity = spec.affinity.as_ref();
    let terms = if anti {
        affinity
            .and_then(|a| a.pod_anti_affinity.as_ref())
            .and_then(|a| a.required_during_scheduling_ignored_during_execution.as_ref())
    } else {
        affinity
            .and_then(|a| a.pod_affinity.as_ref())
            .and_then(|a| a.required_during_scheduling_ignored_during_execution.as_ref())
    };
    terms.map(|t| t.iter().collect()).unwrap_or_default()
}

/// A pod affinity term's selector matches `other` (namespaces: the term's list,
/// or the owning pod's namespace when empty).
fn term_matches(term: &PodAffinityTerm, owner_namespace: &str, other: &PodSim) -> bool {
    let namespaces = term.namespaces.as_deref().unwrap_or_default();
    let in_namespace = if namespaces.is_empty() && term.namespace_selector.is_none() {
        other.namespace == owner_namespace
    } else {
        namespaces.contains(&other.namespace) || term.namespace_selector.is_some()
    };
    in_namespace
        && term
            .label_selector
            .as_ref()
            .and_then(|s| Selector::compile(s).ok())
            .is_some_and(|s| s.matches(&other.labels))
}

fn same_domain(a: &NodeSim, b: &NodeSim, key: &str) -> bool {
    matches!((a.labels.get(key), b.labels.get(key)), (Some(x), Some(y)) if x == y)
}

/// Pods bound to each node (every existing pod, terminating ones included) and
/// what the filters and the choice read of them, kept as pods are bound.
pub struct Bound {
    /// Per node, its pods.
    pub pods: Vec<Vec<usize>>,
    /// Per node, the CPU (milli) and memory its pods request.
    requested: Vec<(i64, i64)>,
    /// (node, pod) of the pods with required anti-affinity (the only pods
    /// whose own terms the scheduler checks).
    holders: Vec<(usize, usize)>,
    /// Per controller, (node, pod) of its pods.
    by_controller: Vec<Vec<(usize, usize)>>,
}

impl Bound {
    /// Records pod `index` (`pod`) as bound to `node`.
    pub fn bind(&mut self, node: usize, index: usize, pod: &PodSim) {
        self.pods[node].push(index);
        let requested = &mut self.requested[node];
        // Saturating: quantities parse up to the i64 range, and a fuzzed input
        // summed past it must not panic (Go's int64 would wrap).
        *requested = (requested.0.saturating_add(pod.cpu_milli), requested.1.saturating_add(pod.memory));
        if pod.anti_affinity {
            self.holders.push((node, index));
        }
        if let Some(list) = pod.controller.and_then(|c| self.by_controller.get_mut(c)) {
            list.push((node, index));
        }
    }
}

impl Cluster<'_> {
    /// The nodes a pod may be scheduled to: all, or its region's under ClusterPerRegion.
    fn candidate_nodes(&self, pod: &PodSim) -> Vec<usize> {
        let region = pod.controller.and_then(|c| self.controllers[c].region.clone()).or_else(|| {
            self.settings.cluster_per_region().then(|| super::validate::pinned_region(&pod.spec)).flatten()
        });
        (0..self.nodes.len()).filter(|&n| region.as_ref().is_none_or(|r| &self.nodes[n].region == r)).collect()
    }

    /// The reasons a node fails, from the first failing filter; empty when it fits.
    fn filter(&self, pod: &PodSim, node: &NodeSim, bound: &Bound) -> Reasons {
        let spec = &pod.spec;
        // 1. NodeUnschedulable.
        if node.unschedulable && !tolerated(&pod.tolerations, &Taint::new(UNSCHEDULABLE_TAINT, "NoSchedule")) {
            return Cow::Borrowed(&[REASON_UNSCHEDULABLE]);
        }
        // 2. TaintToleration.
        if untolerated_schedule_taint(node, pod) {
            return Cow::Borrowed(&[REASON_TAINT]);
        }
        // 3. NodeAffinity.
        if !matches_node_affinity(spec, &node.labels) {
            return Cow::Borrowed(&[REASON_AFFINITY]);
        }
        // 4. NodeResourcesFit (fit.go fitsRequest): pod count first, then cpu and memory.
        let on_node = &bound.pods[node.index];
        let mut reasons = Vec::new();
        if on_node.len() as i64 + 1 > node.max_pods {
            reasons.push("Too many pods");
        }
        let (cpu_used, mem_used) = bound.requested[node.index];
        if pod.cpu_milli > 0 && pod.cpu_milli > node.cpu_milli.saturating_sub(cpu_used) {
            reasons.push("Insufficient cpu");
        }
        if pod.memory > 0 && pod.memory > node.memory.saturating_sub(mem_used) {
            reasons.push("Insufficient memory");
        }
        if !reasons.is_empty() {
            return Cow::Owned(reasons);
        }
        // 5. PodTopologySpread (DoNotSchedule).
        let hard = spread_constraints(pod, spec, true);
        if !hard.is_empty()
            && let Some(reason) = self.spread_reason(pod, node, &hard, bound)
        {
            return Cow::Owned(vec![reason]);
        }
        // 6. InterPodAffinity.
        if let Some(reason) = self.inter_pod_reason(pod, node, bound) {
            return Cow::Owned(vec![reason]);
        }
        Cow::Borrowed(&[])
    }

    /// PTS filtering.go: counts per domain over eligible nodes, skew against the global minimum.
    fn spread_reason(
        &self,
        pod: &PodSim,
        node: &NodeSim,
        constraints: &[Spread],
        bound: &Bound,
    ) -> Option<&'static str> {
        let keys: Vec<&str> = constraints.iter().map(|c| c.constraint.topology_key.as_str()).collect();
        if keys.iter().any(|k| !node.labels.contains_key(*k)) {
            return Some(REASON_SPREAD_LABEL);
        }
        for c in constraints {
            let key = c.constraint.topology_key.as_str();
            let mut counts: HashMap<&str, i64> = HashMap::new();
            for other in &self.nodes {
                if !keys.iter().all(|k| other.labels.contains_key(*k)) {
                    continue;
                }
                if c.honor_affinity && !matches_node_affinity(&pod.spec, &other.labels) {
                    continue;
                }
                if c.honor_taints && untolerated_schedule_taint(other, pod) {
                    continue;
                }
                let value = other.labels[key].as_str();
                let matching = bound.pods[other.index]
                    .iter()
                    .map(|&i| &self.pods[i])
                    .filter(|p| {
                        p.namespace == pod.namespace
                            && !p.terminating()
                            && c.selector.as_ref().is_some_and(|s| s.matches(&p.labels))
                    })
                    .count() as i64;
                *counts.entry(value).or_insert(0) += matching;
            }
            let min_domains = i64::from(c.constraint.min_domains.unwrap_or(1));
            let global_min =
                if (counts.len() as i64) < min_domains { 0 } else { counts.values().copied().min().unwrap_or(0) };
            let self_match = i64::from(c.selector.as_ref().is_some_and(|s| s.matches(&pod.labels)));
            let here = counts.get(node.labels[key].as_str()).copied().unwrap_or(0);
            if here + self_match - global_min > i64::from(c.constraint.max_skew) {
                return Some(REASON_SPREAD);
            }
        }
        None
    }

    /// interpodaffinity/filtering.go Filter: affinity, then the pod's
    /// anti-affinity, then existing pods' anti-affinity.
    fn inter_pod_reason(&self, pod: &PodSim, node: &NodeSim, bound: &Bound) -> Option<&'static str> {
        let placed = || {
            bound
                .pods
                .iter()
                .enumerate()
                .flat_map(move |(n, pods)| pods.iter().map(move |&i| (&self.nodes[n], &self.pods[i])))
        };
        let affinity = affinity_terms(&pod.spec, false);
        if !affinity.is_empty() {
            let satisfied = affinity.iter().all(|term| {
                placed().any(|(n, p)| same_domain(n, node, &term.topology_key) && term_matches(term, &pod.namespace, p))
            });
            // A pod matching its own terms may start the group when no pod matches anywhere.
            let nobody = affinity.iter().all(|term| !placed().any(|(_, p)| term_matches(term, &pod.namespace, p)));
            let self_match = affinity.iter().all(|term| term_matches(term, &pod.namespace, pod))
                && affinity.iter().all(|term| node.labels.contains_key(&term.topology_key));
            if !(satisfied || (nobody && self_match)) {
                return Some(REASON_POD_AFFINITY);
            }
        }
        for term in affinity_terms(&pod.spec, true) {
            if placed().any(|(n, p)| same_domain(n, node, &term.topology_key) && term_matches(term, &pod.namespace, p))
            {
                return Some(REASON_POD_ANTI_AFFINITY);
            }
        }
        for &(n, i) in &bound.holders {
            let (n, existing) = (&self.nodes[n], &self.pods[i]);
            for term in affinity_terms(&existing.spec, true) {
                if same_domain(n, node, &term.topology_key) && term_matches(term, &existing.namespace, pod) {
                    return Some(REASON_EXISTING_ANTI_AFFINITY);
                }
            }
        }
        None
    }

    /// Pods bound to each node (every existing pod, terminating ones included).
    pub fn bound_pods(&self) -> Bound {
        let mut bound = Bound {
            pods: vec![Vec::new(); self.nodes.len()],
            requested: vec![(0, 0); self.nodes.len()],
            holders: Vec::new(),
            by_controller: vec![Vec::new(); self.controllers.len()],
        };
        for (i, p) in self.pods.iter().enumerate() {
            if let (false, Some(n)) = (p.gone, p.node) {
                bound.bind(n, i, p);
            }
        }
        bound
    }

    /// Schedules one pending pod (§7): binds it or records why not.
    pub fn schedule(&mut self, index: usize, bound: &mut Bound) -> bool {
        let pod = &self.pods[index];
        let candidates = self.candidate_nodes(pod);
        // Each refusing node with its reasons, by node index: the names are
        // only cloned for a record, and a pod that keeps failing for the
        // same reasons (the usual case while nothing changes) makes none.
        let mut refused: Vec<(usize, Reasons)> = Vec::new();
        let mut feasible = Vec::new();
        for &n in &candidates {
            let reasons = self.filter(pod, &self.nodes[n], bound);
            if reasons.is_empty() {
                feasible.push(n);
            } else {
                refused.push((n, reasons));
            }
        }
        let t = self.now;
        let Some(chosen) = self.choose(pod, &feasible, bound) else {
            let mut refusals: Vec<(&'static str, usize)> = Vec::new();
            for (_, reasons) in &refused {
                for &r in reasons.iter() {
                    match refusals.iter_mut().find(|(known, _)| *known == r) {
                        Some((_, count)) => *count += 1,
                        None => refusals.push((r, 1)),
                    }
                }
            }
            crate::sort::sort_by(&mut refusals, |a, b| a.0.cmp(b.0));
            let failure = SchedulingFailure { candidates: candidates.len(), refusals };
            if self.pods[index].last_schedule_failure.as_ref() != Some(&failure) {
                let message = failure.message();
                let (namespace, name) = (self.pods[index].namespace.clone(), self.pods[index].name.clone());
                let filters = self.filter_map(refused);
                self.pods[index].last_schedule_failure = Some(failure);
                self.event(Event::new(t, "FailedScheduling").pod(&namespace, &name).message(message.clone()));
                self.scheduling.push(SchedulingRecord {
                    t,
                    namespace,
                    pod: name,
                    node: None,
                    message: Some(message),
                    filters,
                });
            }
            return false;
        };
        let (namespace, name) = (pod.namespace.clone(), pod.name.clone());
        let filters = self.filter_map(refused);
        let node_name = self.nodes[chosen].name.clone();
        let pod = &mut self.pods[index];
        pod.node = Some(chosen);
        pod.last_schedule_failure = None;
        bound.bind(chosen, index, &self.pods[index]);
        self.event(Event::new(t, "PodScheduled").pod(&namespace, &name).node(&node_name));
        self.scheduling.push(SchedulingRecord {
            t,
            namespace,
            pod: name,
            node: Some(node_name),
            message: None,
            filters,
        });
        true
    }

    /// A scheduling record's filters: node name → the reasons it refused.
    fn filter_map(&self, refused: Vec<(usize, Reasons)>) -> BTreeMap<String, Reasons> {
        refused.into_iter().map(|(n, reasons)| (self.nodes[n].name.clone(), reasons)).collect()
    }

    /// §7.3: smallest (spread counts | controller pods in zone, on node), CPU fraction, name.
    fn choose(&self, pod: &PodSim, feasible: &[usize], bound: &Bound) -> Option<usize> {
        let mut constraints = spread_constraints(pod, &pod.spec, true);
        constraints.extend(spread_constraints(pod, &pod.spec, false));
        // Without constraints: pods of the same controller per zone and per node, counted once.
        let mut same_in_zone = vec![0i64; self.zones];
        let mut same_on_node = vec![0i64; self.nodes.len()];
        if constraints.is_empty()
            && let Some(controller) = pod.controller
        {
            for &(n, i) in &bound.by_controller[controller] {
                if !self.pods[i].terminating() {
                    same_on_node[n] += 1;
                    if let Some(count) = same_in_zone.get_mut(self.nodes[n].zone_id) {
                        *count += 1;
                    }
                }
            }
        }
        // The spread counts (or controller pods in zone, on node) of node `n`, into `counts`.
        let fill_counts = |n: usize, counts: &mut Vec<i64>| {
            counts.clear();
            let node = &self.nodes[n];
            if constraints.is_empty() {
                counts.push(same_in_zone.get(node.zone_id).copied().unwrap_or(0));
                counts.push(same_on_node[n]);
                return;
            }
            counts.extend(constraints.iter().map(|c| {
                let key = c.constraint.topology_key.as_str();
                let Some(value) = node.labels.get(key) else { return i64::MAX };
                self.nodes
                    .iter()
                    .filter(|o| o.labels.get(key) == Some(value))
                    .flat_map(|o| bound.pods[o.index].iter())
                    .map(|&i| &self.pods[i])
                    .filter(|p| {
                        p.namespace == pod.namespace
                            && !p.terminating()
                            && c.selector.as_ref().is_some_and(|s| s.matches(&p.labels))
                    })
                    .count() as i64
            }));
        };
        // CPU requested after placement and allocatable CPU (compared as a fraction).
        let cpu = |n: usize| {
            (i128::from(bound.requested[n].0) + i128::from(pod.cpu_milli), i128::from(self.nodes[n].cpu_milli.max(1)))
        };
        let mut best: Option<(usize, Vec<i64>)> = None;
        let mut counts = Vec::new();
        for &n in feasible {
            fill_counts(n, &mut counts);
            let better = match &best {
                None => true,
                Some((b, best_counts)) => {
                    let ((used, allocatable), (best_used, best_allocatable)) = (cpu(n), cpu(*b));
                    counts
                        .cmp(best_counts)
                        .then_with(|| (used * best_allocatable).cmp(&(best_used * allocatable)))
                        .then_with(|| self.nodes[n].name.cmp(&self.nodes[*b].name))
                        .is_lt()
                }
            };
            if better {
                match &mut best {
                    Some((b, best_counts)) => {
                        *b = n;
                        std::mem::swap(best_counts, &mut counts);
                    }
                    None => best = Some((n, std::mem::take(&mut counts))),
                }
            }
        }
        best.map(|(n, _)| n)
    }
}
