//! The scheduling subset (`docs/semantics/disruption.md` §7): upstream's
//! filters in plugin order (`pkg/scheduler/apis/config/v1/default_plugins.go`)
//! with their reasons, the `FitError` message, and kubeplay's deterministic
//! choice among feasible nodes (§7.3, a stand-in for scoring).

use std::cell::OnceCell;
use std::cmp::{Ordering, Reverse};
use std::collections::{BTreeMap, BinaryHeap, HashMap, HashSet};
use std::rc::Rc;

use k8s_openapi::api::core::v1::{NodeSelectorRequirement, PodAffinityTerm, PodSpec, TopologySpreadConstraint};

use super::cluster::{
    Cluster, NodeCapacity, NodeSim, PodSim, SchedulingFailure, Taint, UNSCHEDULABLE_TAINT, tolerated,
};
use super::report::{Event, NodeFilters, Reasons, SchedulingRecord};
use crate::netpol::selector::Selector;

pub const REASON_UNSCHEDULABLE: &str = "node(s) were unschedulable";
pub const REASON_TAINT: &str = "node(s) had untolerated taint(s)";
pub const REASON_AFFINITY: &str = "node(s) didn't match Pod's node affinity/selector";
pub const REASON_SPREAD: &str = "node(s) didn't match pod topology spread constraints";
pub const REASON_SPREAD_LABEL: &str = "node(s) didn't match pod topology spread constraints (missing required label)";
pub const REASON_POD_AFFINITY: &str = "node(s) didn't match pod affinity rules";
pub const REASON_POD_ANTI_AFFINITY: &str = "node(s) didn't match pod anti-affinity rules";
pub const REASON_EXISTING_ANTI_AFFINITY: &str = "node(s) didn't satisfy existing pods anti-affinity rules";

/// Every reason a filter gives, in the order a node's reasons are listed
/// (see [`Reasons`]): the node-only filters', NodeResourcesFit's (pods, cpu,
/// memory, as `fitsRequest` checks them), PodTopologySpread's, InterPodAffinity's.
pub const FILTER_REASONS: [&str; 11] = [
    REASON_UNSCHEDULABLE,
    REASON_TAINT,
    REASON_AFFINITY,
    "Too many pods",
    "Insufficient cpu",
    "Insufficient memory",
    REASON_SPREAD_LABEL,
    REASON_SPREAD,
    REASON_POD_AFFINITY,
    REASON_POD_ANTI_AFFINITY,
    REASON_EXISTING_ANTI_AFFINITY,
];
const UNSCHEDULABLE: Reasons = Reasons::one(0);
const TAINT: Reasons = Reasons::one(1);
const AFFINITY: Reasons = Reasons::one(2);
const TOO_MANY_PODS: Reasons = Reasons::one(3);
const INSUFFICIENT_CPU: Reasons = Reasons::one(4);
const INSUFFICIENT_MEMORY: Reasons = Reasons::one(5);
const SPREAD_LABEL: Reasons = Reasons::one(6);
const SPREAD: Reasons = Reasons::one(7);
const POD_AFFINITY: Reasons = Reasons::one(8);
const POD_ANTI_AFFINITY: Reasons = Reasons::one(9);
const EXISTING_ANTI_AFFINITY: Reasons = Reasons::one(10);

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
    node.taints()
        .iter()
        .any(|t| (t.effect == "NoSchedule" || t.effect == "NoExecute") && !tolerated(&pod.tolerations, t))
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
    required_terms(spec, anti).iter().collect()
}

/// The pod's required (anti-)affinity terms, empty when it has none.
fn required_terms(spec: &PodSpec, anti: bool) -> &[PodAffinityTerm] {
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
    terms.map(Vec::as_slice).unwrap_or_default()
}

/// A required pod (anti-)affinity term with its selector compiled once per attempt.
struct Term<'s> {
    term: &'s PodAffinityTerm,
    selector: Option<Selector>,
}

impl<'s> Term<'s> {
    fn compile(term: &'s PodAffinityTerm) -> Self {
        Term { term, selector: term.label_selector.as_ref().and_then(|s| Selector::compile(s).ok()) }
    }

    fn key(&self) -> &'s str {
        &self.term.topology_key
    }

    /// The term's selector matches `other` (namespaces: the term's list, or
    /// the owning pod's namespace when empty).
    fn matches(&self, owner_namespace: &str, other: &PodSim) -> bool {
        let term = self.term;
        let namespaces = term.namespaces.as_deref().unwrap_or_default();
        let in_namespace = if namespaces.is_empty() && term.namespace_selector.is_none() {
            other.namespace == owner_namespace
        } else {
            namespaces.contains(&other.namespace) || term.namespace_selector.is_some()
        };
        in_namespace && self.selector.as_ref().is_some_and(|s| s.matches(&other.labels))
    }
}

/// The node-only filters (1. NodeUnschedulable, 2. TaintToleration, 3.
/// NodeAffinity): what they answer depends on the pod's spec and tolerations
/// and on the node's cordon, taints and labels only. Empty when the node passes.
fn node_only_filters(pod: &PodSim, node: &NodeSim) -> Reasons {
    if node.unschedulable() && !tolerated(&pod.tolerations, &Taint::new(UNSCHEDULABLE_TAINT, "NoSchedule")) {
        return UNSCHEDULABLE;
    }
    if untolerated_schedule_taint(node, pod) {
        return TAINT;
    }
    if !matches_node_affinity(&pod.spec, &node.labels) {
        return AFFINITY;
    }
    Reasons::NONE
}

/// Filter 4, NodeResourcesFit (fit.go `fitsRequest`): the pod count first,
/// then cpu and memory, free being allocatable minus requested, exact in i128
/// (Go's int64 would wrap on a hostile sum; nothing here may). `load` is the
/// node's (pods, cpu requested, memory requested).
// `inline(always)`: the size-optimised wasm build would otherwise make each
// of these a call per node per pod (they run 40 M times in the bench).
#[inline(always)]
fn resources_fit(pod: &PodSim, capacity: &NodeCapacity, load: (usize, i128, i128)) -> Reasons {
    let (pods_on_node, cpu_used, mem_used) = load;
    let too_many = pods_on_node as i64 + 1 > capacity.max_pods;
    let cpu_short = pod.cpu_milli > 0 && i128::from(pod.cpu_milli) > i128::from(capacity.cpu_milli) - cpu_used;
    let memory_short = pod.memory > 0 && i128::from(pod.memory) > i128::from(capacity.memory) - mem_used;
    // Written out, not as a loop over an array: that loop stays a call per
    // item in the size-optimised wasm build.
    let mut reasons = Reasons::NONE;
    if too_many {
        reasons = reasons.with(TOO_MANY_PODS);
    }
    if cpu_short {
        reasons = reasons.with(INSUFFICIENT_CPU);
    }
    if memory_short {
        reasons = reasons.with(INSUFFICIENT_MEMORY);
    }
    reasons
}

/// Whether a node with these counts and CPU (used after placement,
/// allocatable) comes before the one kept: smaller counts, or equal counts
/// and a strictly smaller CPU fraction (§7.3; the name is the offer order).
#[inline(always)]
fn comes_before(counts: Ordering, cpu: (i128, i128), kept_cpu: (i128, i128)) -> bool {
    match counts {
        Ordering::Less => true,
        Ordering::Greater => false,
        Ordering::Equal => fraction_order(cpu, kept_cpu) == Ordering::Less,
    }
}

/// How two CPU fractions (used after placement, allocatable ≥ 1) compare,
/// exactly, by their cross products.
#[inline(always)]
fn fraction_order(a: (i128, i128), b: (i128, i128)) -> Ordering {
    // Real sizes fit in 31 bits, where the cross products are exact in i64:
    // wasm32 has no 128-bit multiply (each is a call), and this runs once per
    // feasible node per pod.
    let small = |v: i128| (0..1 << 31).contains(&v);
    if small(a.0) && small(a.1) && small(b.0) && small(b.1) {
        ((a.0 as i64) * (b.1 as i64)).cmp(&((b.0 as i64) * (a.1 as i64)))
    } else {
        (a.0 * b.1).cmp(&(b.0 * a.1))
    }
}

/// `a.cmp(&b)`, written out: the array's `Ord` is a slice comparison, a
/// call per node per pod in the size-optimised wasm build.
#[inline(always)]
fn pair_order(a: [i64; 2], b: [i64; 2]) -> Ordering {
    a[0].cmp(&b[0]).then(a[1].cmp(&b[1]))
}

/// The last failed attempt of a pod whose failure its class decides
/// ([`Cluster::fails_by_class`]), keyed by (class, controller, scheduling
/// epoch): the next pod with the same key finds exactly the same, so it
/// takes this instead of filtering every node again. A pending workload's
/// replicas are tried again after every item, and without this each try
/// filters every node (a million tries for ten thousand pending replicas).
///
/// It holds the failure as recorded, so a hit neither tallies the refusals
/// again nor copies them; the refusing nodes are shared with the records.
/// (It sits beside [`Cluster::after_item`]'s per-pod skip, which covers a
/// pod tried again in the same epoch whatever decides its failure; this one
/// covers the class's other pods, and the attempts `populate` makes.)
#[derive(Debug)]
pub struct FailureMemo {
    key: (usize, Option<usize>, u64),
    failure: SchedulingFailure,
    refused: Rc<[(u32, Reasons)]>,
}

/// A feasible node as the choice (§7.3) compares nodes of one zone, whose
/// count of the controller's pods is the same: the controller's pods on it,
/// its CPU fraction after placement, then its rank in name order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Offer {
    on_node: i64,
    cpu: (i128, i128),
    rank: u32,
}

impl Ord for Offer {
    fn cmp(&self, other: &Self) -> Ordering {
        self.on_node
            .cmp(&other.on_node)
            .then_with(|| fraction_order(self.cpu, other.cpu))
            .then(self.rank.cmp(&other.rank))
    }
}

impl PartialOrd for Offer {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// §7.3's order of two feasible nodes without spread constraints, each
/// with its zone's count of the controller's pods: that count, then the
/// node's [`Offer`] order. The tight loop in `place` compares the same
/// (its offers come in rank order, so it needs no rank) with `pair_order`
/// and `comes_before`, kept apart because the size-optimised wasm build
/// runs that loop about a tenth slower through this one; a debug build
/// checks that the two agree on every chained placement.
fn choice_order(a: (i64, &Offer), b: (i64, &Offer)) -> Ordering {
    a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1))
}

/// A workload's replicas placed one after another (the controller creating
/// them, then the scheduler taking them in turn): when nothing but the last
/// replica's binding changed since the last attempt, the next replica finds
/// the same refusing nodes and the same feasible ones, with only the chosen
/// node's and its zone's counts moved. So instead of filtering every node
/// again, the chain keeps the feasible nodes per zone in a heap, least
/// first, and updates the one node that changed: O(log nodes) per replica
/// instead of O(nodes). It serves only the pods `place`'s tight loop serves
/// (no spread constraint, no inter-pod term, a node-only table) and clusters
/// whose node names are unique; a debug build checks each answer against
/// the full filtering.
#[derive(Debug)]
pub struct PlacementChain {
    /// (class, controller) of the replicas it serves.
    key: (usize, Option<usize>),
    /// (nodes, pods) versions right after its last binding.
    versions: (u64, u64),
    /// Built at the second attempt in a row (a lone pod never pays for it).
    state: Option<ChainState>,
}

#[derive(Debug)]
struct ChainState {
    candidates: usize,
    refused: Vec<(u32, Reasons)>,
    /// Per zone, the controller's pods in it (as `ChoiceCounts::Controller`).
    in_zone: Vec<i64>,
    /// Per zone (one more for a zone number past `in_zone`, counted 0), its
    /// feasible nodes, least first.
    feasible: Vec<BinaryHeap<Reverse<Offer>>>,
}

impl ChainState {
    /// The zone's count of the controller's pods.
    fn count(&self, zone: usize) -> i64 {
        self.in_zone.get(zone).copied().unwrap_or(0)
    }

    /// The least feasible node over every zone, with its zone.
    fn least(&self) -> Option<(usize, Offer)> {
        let mut best: Option<(usize, Offer)> = None;
        for (zone, heap) in self.feasible.iter().enumerate() {
            let Some(&Reverse(offer)) = heap.peek() else { continue };
            if best.is_none_or(|(kept_zone, kept)| {
                choice_order((self.count(zone), &offer), (self.count(kept_zone), &kept)).is_lt()
            }) {
                best = Some((zone, offer));
            }
        }
        best
    }
}

/// Per pod class ([`PodSim::class`]), the node-only filters' answer for each
/// node and the node version it was computed at, so a workload's replicas
/// (one class) do not each ask every node again. A class gets its table on
/// its second attempt (a lone input pod never needs one).
#[derive(Debug, Default)]
pub struct NodeFilterCache {
    classes: Vec<ClassFilters>,
}

#[derive(Debug, Default)]
struct ClassFilters {
    attempts: u32,
    /// [`Cluster::nodes_version`] when the table was last brought up to date.
    seen: Option<u64>,
    /// Per node by rank in name order, its version plus one when `answers`
    /// was computed (0: never).
    versions: Vec<u64>,
    answers: Vec<Reasons>,
    /// How many of `answers` refuse: the least a record's refusing nodes
    /// hold, so its list is allocated once.
    refusing: usize,
}

impl NodeFilterCache {
    /// Brings the table of `pod`'s class up to date; false while the class has none.
    fn refresh(&mut self, pod: &PodSim, nodes: &[NodeSim], by_name: &[NodeCapacity], nodes_version: u64) -> bool {
        if self.classes.len() <= pod.class {
            self.classes.resize_with(pod.class + 1, ClassFilters::default);
        }
        let class = &mut self.classes[pod.class];
        class.attempts = class.attempts.saturating_add(1);
        if class.attempts < 2 {
            return false;
        }
        if class.seen != Some(nodes_version) {
            class.versions.resize(by_name.len(), 0);
            class.answers.resize(by_name.len(), Reasons::NONE);
            for (r, capacity) in by_name.iter().enumerate() {
                let node = &nodes[capacity.index];
                if class.versions[r] != node.version + 1 {
                    class.versions[r] = node.version + 1;
                    class.answers[r] = node_only_filters(pod, node);
                }
            }
            class.refusing = class.answers.iter().filter(|a| !a.is_empty()).count();
            class.seen = Some(nodes_version);
        }
        true
    }

    /// The table of a class that [`NodeFilterCache::refresh`] said has one,
    /// with how many of its nodes refuse.
    fn answers(&self, class: usize) -> (&[Reasons], usize) {
        let class = &self.classes[class];
        (&class.answers, class.refusing)
    }
}

/// Per hard topology spread constraint, what filter 5 compares a node with:
/// the matching pods per domain over the eligible nodes, the global minimum
/// and whether the pod matches itself (PTS filtering.go `PreFilter`). None
/// of it depends on the node being filtered, so it is counted once per attempt.
struct SpreadCounts<'c> {
    counts: HashMap<&'c str, i64>,
    global_min: i64,
    self_match: i64,
}

/// What filter 6 (InterPodAffinity) compares a node with, gathered once per
/// attempt over the bound pods (interpodaffinity/filtering.go `PreFilter`):
/// per term, the topology values of the nodes holding a matching pod.
struct InterPod<'c> {
    /// The pod's required affinity terms: (term, values, a matching pod exists anywhere).
    affinity: Vec<(Term<'c>, HashSet<&'c str>, bool)>,
    /// The pod's required anti-affinity terms with their values.
    anti: Vec<(Term<'c>, HashSet<&'c str>)>,
    /// (topology key, value) domains where a bound pod's anti-affinity term matches this pod.
    existing: Vec<(&'c str, &'c str)>,
}

/// One scheduling attempt's view of the pod: its constraints, compiled
/// once, and what filters 5 and 6 need, counted when a node first gets there.
struct Attempt<'c> {
    pod: &'c PodSim,
    hard: Vec<Spread<'c>>,
    spread: OnceCell<Vec<SpreadCounts<'c>>>,
    inter: OnceCell<InterPod<'c>>,
    /// Filter 6 has something to check (the pod's terms, or a bound pod's anti-affinity).
    inter_needed: bool,
}

/// What the filters found for one pod: candidates, refusing nodes with their
/// reasons (in node-name order) and the node chosen.
struct Placement {
    candidates: usize,
    /// (rank in name order, reasons).
    refused: Vec<(u32, Reasons)>,
    chosen: Option<usize>,
    /// Found by the tight loop (or a chain standing in for it): the
    /// attempts a [`PlacementChain`] can serve.
    tight: bool,
    /// The chain the tight loop built, when asked to.
    chain: Option<ChainState>,
}

impl Cluster<'_> {
    /// The region a pod must be scheduled in: its controller's, or under
    /// ClusterPerRegion the one its spec pins (the others' nodes are not candidates).
    fn pinned_region(&self, pod: &PodSim) -> Option<String> {
        pod.controller
            .and_then(|c| self.controllers[c].region.clone())
            .or_else(|| self.settings.cluster_per_region().then(|| super::validate::pinned_region(&pod.spec)).flatten())
    }

    /// Filters every candidate node for `pod` and chooses among the feasible
    /// (§7). `node_only` is the class's table of filters 1–3, when it has one.
    /// With `build_chain`, the tight loop also keeps what a
    /// [`PlacementChain`] needs (when the node names are unique).
    fn place<'c>(&'c self, pod: &'c PodSim, node_only: Option<(&[Reasons], usize)>, build_chain: bool) -> Placement {
        let region = self.pinned_region(pod);
        let hard = spread_constraints(pod, &pod.spec, true);
        let inter_needed = self.inter_pod_needed(pod);
        let attempt = Attempt { pod, hard, spread: OnceCell::new(), inter: OnceCell::new(), inter_needed };
        let (node_only, refusing) = match node_only {
            Some((answers, refusing)) => (Some(answers), refusing),
            None => (None, 0),
        };
        let mut placement =
            Placement { candidates: 0, refused: Vec::with_capacity(refusing), chosen: None, tight: false, chain: None };
        let mut chooser = Chooser::new(self, pod);
        let region = region.map(|r| self.region_ids.get(&r).copied().unwrap_or(usize::MAX));
        if let (Some(answers), true, false, ChoiceCounts::Controller { in_zone, on_node }) =
            (node_only, attempt.hard.is_empty(), attempt.inter_needed, &chooser.counts)
        {
            // The usual pod (a workload's replica without spread or inter-pod
            // terms): the same filters and choice as below, in one tight loop.
            let mut kept: Option<(usize, [i64; 2], (i128, i128))> = None;
            let unique_names = || self.name_group_start.iter().enumerate().all(|(r, &start)| start == r);
            // Per zone (one more for a zone number past the counts), its feasible nodes.
            let mut offers: Option<Vec<BinaryHeap<Reverse<Offer>>>> =
                (build_chain && unique_names()).then(|| vec![BinaryHeap::new(); in_zone.len() + 1]);
            for (r, capacity) in self.nodes_by_name.iter().enumerate() {
                if region.is_some_and(|region| capacity.region != region) {
                    continue;
                }
                placement.candidates += 1;
                let load = self.bound.load_at_rank(r);
                let mut reasons = answers[r];
                if reasons.is_empty() {
                    reasons = resources_fit(pod, capacity, load);
                }
                if !reasons.is_empty() {
                    self.refuse(&mut placement.refused, r, reasons);
                    continue;
                }
                let pair = [in_zone.get(capacity.zone_id).copied().unwrap_or(0), on_node[capacity.index]];
                let cpu = (load.1 + i128::from(pod.cpu_milli), i128::from(capacity.cpu_milli.max(1)));
                if let Some(offers) = &mut offers {
                    offers[capacity.zone_id.min(in_zone.len())].push(Reverse(Offer {
                        on_node: pair[1],
                        cpu,
                        rank: r as u32,
                    }));
                }
                if kept.is_none_or(|(_, kept_pair, kept_cpu)| comes_before(pair_order(pair, kept_pair), cpu, kept_cpu))
                {
                    kept = Some((capacity.index, pair, cpu));
                }
            }
            placement.chosen = kept.map(|(n, _, _)| n);
            placement.tight = true;
            placement.chain = offers.map(|offers| ChainState {
                candidates: placement.candidates,
                refused: placement.refused.clone(),
                in_zone: in_zone.clone(),
                feasible: offers,
            });
            return placement;
        }
        // In name order: a record's refusing nodes come sorted, and the
        // choice's last criterion, the name, is the order of the offers.
        // A pinned region no node has leaves no candidate.
        for (r, capacity) in self.nodes_by_name.iter().enumerate() {
            let n = capacity.index;
            if region.is_some_and(|r| capacity.region != r) {
                continue;
            }
            placement.candidates += 1;
            let code = match node_only {
                Some(answers) => answers[r],
                None => node_only_filters(pod, &self.nodes[n]),
            };
            let reasons = if code.is_empty() { self.node_filters(&attempt, r, capacity) } else { code };
            if reasons.is_empty() {
                chooser.offer(r, capacity);
            } else {
                self.refuse(&mut placement.refused, r, reasons);
            }
        }
        placement.chosen = chooser.best.as_ref().map(|(n, _)| *n);
        placement
    }

    /// Adds the node of rank `r` to the refusing ones. Of two nodes with one
    /// name the later one's reasons are kept, as a map keyed by name keeps them.
    fn refuse(&self, refused: &mut Vec<(u32, Reasons)>, r: usize, reasons: Reasons) {
        match refused.last_mut() {
            Some(last) if last.0 as usize >= self.name_group_start[r] => *last = (r as u32, reasons),
            _ => refused.push((r as u32, reasons)),
        }
    }

    /// Filters 4–6 for a node that passed the node-only ones: the reasons
    /// of the first that fails; empty when the node fits.
    fn node_filters<'c>(&'c self, attempt: &Attempt<'c>, rank: usize, capacity: &NodeCapacity) -> Reasons {
        let pod = attempt.pod;
        let n = capacity.index;
        // 4. NodeResourcesFit (fit.go fitsRequest): pod count first, then cpu
        // and memory (free = allocatable - requested, exact in i128: Go's
        // int64 would wrap on a hostile sum, and nothing here may).
        let resources = resources_fit(pod, capacity, self.bound.load_at_rank(rank));
        if !resources.is_empty() {
            return resources;
        }
        let node = &self.nodes[n];
        // 5. PodTopologySpread (DoNotSchedule).
        if !attempt.hard.is_empty()
            && let Some(reason) = self.spread_reason(attempt, node)
        {
            return reason;
        }
        // 6. InterPodAffinity.
        if attempt.inter_needed
            && let Some(reason) = self.inter_pod_reason(attempt, node)
        {
            return reason;
        }
        Reasons::NONE
    }

    /// PTS filtering.go: counts per domain over eligible nodes, skew against the global minimum.
    fn spread_reason<'c>(&'c self, attempt: &Attempt<'c>, node: &NodeSim) -> Option<Reasons> {
        let keys = || attempt.hard.iter().map(|c| c.constraint.topology_key.as_str());
        if keys().any(|k| !node.labels.contains_key(k)) {
            return Some(SPREAD_LABEL);
        }
        let pod = attempt.pod;
        let counted = attempt.spread.get_or_init(|| {
            attempt
                .hard
                .iter()
                .map(|c| {
                    let key = c.constraint.topology_key.as_str();
                    let mut counts: HashMap<&'c str, i64> = HashMap::new();
                    for other in &self.nodes {
                        if !keys().all(|k| other.labels.contains_key(k)) {
                            continue;
                        }
                        if c.honor_affinity && !matches_node_affinity(&pod.spec, &other.labels) {
                            continue;
                        }
                        if c.honor_taints && untolerated_schedule_taint(other, pod) {
                            continue;
                        }
                        let matching = self.matching_on_node(other.index, pod, c.selector.as_ref());
                        *counts.entry(other.labels[key].as_str()).or_insert(0) += matching;
                    }
                    let min_domains = i64::from(c.constraint.min_domains.unwrap_or(1));
                    let global_min = if (counts.len() as i64) < min_domains {
                        0
                    } else {
                        counts.values().copied().min().unwrap_or(0)
                    };
                    let self_match = i64::from(c.selector.as_ref().is_some_and(|s| s.matches(&pod.labels)));
                    SpreadCounts { counts, global_min, self_match }
                })
                .collect()
        });
        for (c, counted) in attempt.hard.iter().zip(counted) {
            let key = c.constraint.topology_key.as_str();
            let here = counted.counts.get(node.labels[key].as_str()).copied().unwrap_or(0);
            if here + counted.self_match - counted.global_min > i64::from(c.constraint.max_skew) {
                return Some(SPREAD);
            }
        }
        None
    }

    /// The pods bound to node `n` that a spread constraint counts: the pod's
    /// namespace, not terminating, matching the constraint's selector.
    fn matching_on_node(&self, n: usize, pod: &PodSim, selector: Option<&Selector>) -> i64 {
        self.bound
            .on_node(n)
            .iter()
            .map(|&i| &self.pods[i])
            .filter(|p| {
                p.namespace == pod.namespace && !p.terminating() && selector.is_some_and(|s| s.matches(&p.labels))
            })
            .count() as i64
    }

    /// interpodaffinity/filtering.go Filter: affinity, then the pod's
    /// anti-affinity, then existing pods' anti-affinity.
    fn inter_pod_reason<'c>(&'c self, attempt: &Attempt<'c>, node: &NodeSim) -> Option<Reasons> {
        let pod = attempt.pod;
        let inter = attempt.inter.get_or_init(|| self.inter_pod_domains(pod));
        let in_domains =
            |key: &str, values: &HashSet<&str>| node.labels.get(key).is_some_and(|v| values.contains(v.as_str()));
        if !inter.affinity.is_empty() {
            let satisfied = inter.affinity.iter().all(|(term, values, _)| in_domains(term.key(), values));
            // A pod matching its own terms may start the group when no pod matches anywhere.
            let nobody = inter.affinity.iter().all(|(_, _, anywhere)| !anywhere);
            let self_match = inter.affinity.iter().all(|(term, _, _)| term.matches(&pod.namespace, pod))
                && inter.affinity.iter().all(|(term, _, _)| node.labels.contains_key(term.key()));
            if !(satisfied || (nobody && self_match)) {
                return Some(POD_AFFINITY);
            }
        }
        if inter.anti.iter().any(|(term, values)| in_domains(term.key(), values)) {
            return Some(POD_ANTI_AFFINITY);
        }
        if inter.existing.iter().any(|&(key, value)| node.labels.get(key).is_some_and(|v| v == value)) {
            return Some(EXISTING_ANTI_AFFINITY);
        }
        None
    }

    /// [`InterPod`] for `pod` over the bound pods (every existing pod, terminating ones included).
    fn inter_pod_domains<'c>(&'c self, pod: &'c PodSim) -> InterPod<'c> {
        let placed = || {
            (0..self.nodes.len())
                .flat_map(move |n| self.bound.on_node(n).iter().map(move |&i| (&self.nodes[n], &self.pods[i])))
        };
        let domains = |term: &Term| -> (HashSet<&'c str>, bool) {
            let mut values = HashSet::new();
            let mut anywhere = false;
            for (n, p) in placed() {
                if term.matches(&pod.namespace, p) {
                    anywhere = true;
                    if let Some(v) = n.labels.get(term.key()) {
                        values.insert(v.as_str());
                    }
                }
            }
            (values, anywhere)
        };
        let affinity = affinity_terms(&pod.spec, false)
            .into_iter()
            .map(|t| {
                let term = Term::compile(t);
                let (values, anywhere) = domains(&term);
                (term, values, anywhere)
            })
            .collect();
        let anti = affinity_terms(&pod.spec, true)
            .into_iter()
            .map(|t| {
                let term = Term::compile(t);
                let (values, _) = domains(&term);
                (term, values)
            })
            .collect();
        let mut existing = Vec::new();
        for &(n, i) in self.bound.holders() {
            let (n, holder) = (&self.nodes[n], &self.pods[i]);
            for t in affinity_terms(&holder.spec, true) {
                let term = Term::compile(t);
                if term.matches(&holder.namespace, pod)
                    && let Some(value) = n.labels.get(term.key())
                {
                    existing.push((term.key(), value.as_str()));
                }
            }
        }
        InterPod { affinity, anti, existing }
    }

    /// Schedules one pending pod (§7): binds it or records why not.
    pub fn schedule(&mut self, index: usize) -> bool {
        let memo_key = self.fails_by_class(&self.pods[index]).then(|| {
            let epoch = self.scheduling_epoch_now();
            let pod = &self.pods[index];
            (pod.class, pod.controller, epoch)
        });
        if let (Some(key), Some(memo)) = (&memo_key, &self.failure_memo)
            && memo.key == *key
        {
            if self.failure_is_news(index, &memo.failure) {
                let (failure, refused) = (memo.failure.clone(), Rc::clone(&memo.refused));
                self.record_failure(index, failure, refused);
            }
            return false;
        }
        let nodes_version = self.nodes_version();
        let cached = self.node_filter_cache.refresh(&self.pods[index], &self.nodes, &self.nodes_by_name, nodes_version);
        let node_only = if cached { Some(self.node_filter_cache.answers(self.pods[index].class)) } else { None };
        let chain_key = (self.pods[index].class, self.pods[index].controller);
        let previous = self
            .placement_chain
            .take()
            .filter(|chain| chain.key == chain_key && chain.versions == (nodes_version, self.pods_version()));
        let follows = previous.is_some();
        let mut chain = previous.and_then(|chain| chain.state);
        let placement = match &chain {
            Some(state) => self.chained_placement(state, index, node_only),
            None => self.place(&self.pods[index], node_only, follows),
        };
        let Placement { candidates, refused, chosen, tight, chain: built } = placement;
        if built.is_some() {
            chain = built;
        }
        let t = self.now;
        let Some(chosen) = chosen else {
            let mut refusals: Vec<(&'static str, usize)> = Vec::new();
            for (_, reasons) in &refused {
                for r in reasons.iter() {
                    match refusals.iter_mut().find(|(known, _)| *known == r) {
                        Some((_, count)) => *count += 1,
                        None => refusals.push((r, 1)),
                    }
                }
            }
            crate::sort::sort_by(&mut refusals, |a, b| a.0.cmp(b.0));
            let failure = SchedulingFailure { candidates, refusals };
            let news = self.failure_is_news(index, &failure);
            if let Some(key) = memo_key {
                let refused = self.shared_refused(refused);
                self.failure_memo = Some(FailureMemo { key, failure: failure.clone(), refused: Rc::clone(&refused) });
                if news {
                    self.record_failure(index, failure, refused);
                }
            } else if news {
                let refused = self.shared_refused(refused);
                self.record_failure(index, failure, refused);
            }
            return false;
        };
        let (namespace, name) = (self.pods[index].namespace.clone(), self.pods[index].name.clone());
        let refused = self.shared_refused(refused);
        let filters = self.filters_record(refused);
        let node_name = self.nodes[chosen].name.clone();
        self.pods[index].last_schedule_failure = None;
        self.bind_pod(index, chosen);
        if tight {
            let state = chain.and_then(|state| self.advance_chain(state, index, chosen));
            let versions = (self.nodes_version(), self.pods_version());
            self.placement_chain = Some(PlacementChain { key: chain_key, versions, state });
        }
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

    /// The placement a chain stands for: what the tight loop would find
    /// (a debug build runs the loop and compares).
    fn chained_placement(&self, state: &ChainState, index: usize, node_only: Option<(&[Reasons], usize)>) -> Placement {
        let chosen = state.least().map(|(_, offer)| self.nodes_by_name[offer.rank as usize].index);
        let placement = Placement {
            candidates: state.candidates,
            refused: state.refused.clone(),
            chosen,
            tight: true,
            chain: None,
        };
        if cfg!(debug_assertions) {
            let full = self.place(&self.pods[index], node_only, false);
            debug_assert!(full.tight, "a chain serves only the tight loop's pods");
            debug_assert_eq!(
                (full.candidates, &full.refused, full.chosen),
                (placement.candidates, &placement.refused, placement.chosen),
                "a chain finds what the filters find"
            );
        }
        placement
    }

    /// The chain after pod `index` was bound to node `chosen`: that node's
    /// offer and its zone's count moved (the pod is its controller's), or
    /// the node now refuses for resources. None when the chosen node is not
    /// the least of its zone (it always is; the chain is dropped otherwise).
    fn advance_chain(&self, mut state: ChainState, index: usize, chosen: usize) -> Option<ChainState> {
        let pod = &self.pods[index];
        let zone_id = self.nodes[chosen].zone_id;
        let zone = zone_id.min(state.in_zone.len());
        let Reverse(offer) = state.feasible.get_mut(zone)?.pop()?;
        let rank = offer.rank as usize;
        let capacity = self.nodes_by_name.get(rank).filter(|capacity| capacity.index == chosen)?;
        let counted = i64::from(pod.controller.is_some());
        if let Some(count) = state.in_zone.get_mut(zone_id) {
            *count += counted;
        }
        let load = self.bound.load_at_rank(rank);
        let reasons = resources_fit(pod, capacity, load);
        if reasons.is_empty() {
            let cpu = (load.1 + i128::from(pod.cpu_milli), offer.cpu.1);
            state.feasible[zone].push(Reverse(Offer { on_node: offer.on_node + counted, cpu, rank: offer.rank }));
        } else {
            let at = state.refused.partition_point(|&(r, _)| r < offer.rank);
            state.refused.insert(at, (offer.rank, reasons));
        }
        Some(state)
    }

    /// Whether `failure` differs from what pod `index`'s last attempt found:
    /// the same failure is not recorded again, and nothing is formatted for it.
    fn failure_is_news(&self, index: usize, failure: &SchedulingFailure) -> bool {
        self.pods[index].last_schedule_failure.as_ref() != Some(failure)
    }

    /// Records that pod `index` found no node: its event and scheduling record.
    fn record_failure(&mut self, index: usize, failure: SchedulingFailure, refused: Rc<[(u32, Reasons)]>) {
        let t = self.now;
        let message = failure.message();
        let (namespace, name) = (self.pods[index].namespace.clone(), self.pods[index].name.clone());
        self.last_refused = Rc::clone(&refused);
        let filters = self.filters_record(refused);
        self.pods[index].last_schedule_failure = Some(failure);
        self.event(Event::new(t, "FailedScheduling").pod(&namespace, &name).message(message.clone()));
        self.scheduling.push(SchedulingRecord { t, namespace, pod: name, node: None, message: Some(message), filters });
    }

    /// Whether the inter-pod filter (§7, filter 5) has anything to check for
    /// `pod`: terms of its own, or a bound pod with anti-affinity.
    fn inter_pod_needed(&self, pod: &PodSim) -> bool {
        !required_terms(&pod.spec, false).is_empty()
            || !required_terms(&pod.spec, true).is_empty()
            || !self.bound.holders().is_empty()
    }

    /// Whether the nodes that refuse `pod`, and why, are decided by its
    /// class and controller alone, given the cluster: no hard topology
    /// spread constraint and no inter-pod term of its own, and no bound pod
    /// with anti-affinity (those read the pod's labels, which differ per
    /// pod). Soft constraints only choose among nodes that fit.
    fn fails_by_class(&self, pod: &PodSim) -> bool {
        pod.spec.topology_spread_constraints.iter().flatten().all(|c| c.when_unsatisfiable != "DoNotSchedule")
            && !self.inter_pod_needed(pod)
    }

    /// The refusing nodes in name order as a shared list: the previous
    /// record's when the two are the same, so a zone's refusals are held
    /// once rather than once per pod.
    fn shared_refused(&mut self, refused: Vec<(u32, Reasons)>) -> Rc<[(u32, Reasons)]> {
        if *self.last_refused != refused[..] {
            self.last_refused = Rc::from(refused);
        }
        Rc::clone(&self.last_refused)
    }

    /// A scheduling record's filters: the node names and the refusing nodes.
    fn filters_record(&self, refused: Rc<[(u32, Reasons)]>) -> NodeFilters {
        NodeFilters { names: Rc::clone(&self.node_names), refused }
    }
}

/// §7.3, kubeplay's stand-in for scoring: among the feasible nodes, the
/// smallest (spread counts, or the pod's controller's pods in the node's zone
/// and on the node), then CPU requested after placement as a fraction of
/// allocatable, then name. Nodes are offered in name order as the filters
/// pass them, so a node offered later wins only when strictly smaller on the
/// first two (on a tie the one kept has the smaller name, or the same name
/// and a smaller index).
struct Chooser<'c> {
    cluster: &'c Cluster<'c>,
    pod: &'c PodSim,
    counts: ChoiceCounts<'c>,
    /// The node kept so far with its counts and (CPU used, allocatable).
    best: Option<(usize, ChoiceKey)>,
    /// Scratch for the key of the node offered.
    key: Vec<i64>,
}

enum ChoiceCounts<'c> {
    /// No spread constraint: per zone and per node, the pods of the pod's
    /// controller (not terminating).
    Controller { in_zone: Vec<i64>, on_node: Vec<i64> },
    /// Per constraint (hard, then soft), its spec and the matching pods per
    /// topology value over every node with the key, counted at the first offer.
    Spread { constraints: Vec<Spread<'c>>, per_value: OnceCell<Vec<HashMap<&'c str, i64>>> },
}

impl Drop for Chooser<'_> {
    fn drop(&mut self) {
        if let ChoiceCounts::Controller { on_node, .. } = &mut self.counts {
            self.cluster.choice_scratch.set(std::mem::take(on_node));
        }
    }
}

struct ChoiceKey {
    /// The controller's pods in the zone and on the node (no spread constraint).
    pair: [i64; 2],
    /// The spread counts (with constraints).
    counts: Vec<i64>,
    cpu: (i128, i128),
}

impl<'c> Chooser<'c> {
    fn new(cluster: &'c Cluster<'c>, pod: &'c PodSim) -> Self {
        let mut constraints = spread_constraints(pod, &pod.spec, true);
        constraints.extend(spread_constraints(pod, &pod.spec, false));
        let counts = if constraints.is_empty() {
            let mut in_zone = vec![0i64; cluster.zones];
            let mut on_node = cluster.choice_scratch.take();
            on_node.clear();
            on_node.resize(cluster.nodes.len(), 0);
            if let Some(controller) = pod.controller {
                for &(n, i) in cluster.bound.of_controller(controller) {
                    if !cluster.pods[i].terminating() {
                        on_node[n] += 1;
                        if let Some(count) = in_zone.get_mut(cluster.nodes[n].zone_id) {
                            *count += 1;
                        }
                    }
                }
            }
            ChoiceCounts::Controller { in_zone, on_node }
        } else {
            ChoiceCounts::Spread { constraints, per_value: OnceCell::new() }
        };
        Chooser { cluster, pod, counts, best: None, key: Vec::new() }
    }

    /// A feasible node: kept when smaller than the one kept so far.
    fn offer(&mut self, rank: usize, capacity: &NodeCapacity) {
        let cluster = self.cluster;
        let n = capacity.index;
        let mut pair = [0i64; 2];
        match &self.counts {
            ChoiceCounts::Controller { in_zone, on_node } => {
                pair = [in_zone.get(capacity.zone_id).copied().unwrap_or(0), on_node[n]];
            }
            ChoiceCounts::Spread { constraints, per_value } => {
                let per_value = per_value.get_or_init(|| {
                    constraints
                        .iter()
                        .map(|c| {
                            let key = c.constraint.topology_key.as_str();
                            let mut counts: HashMap<&str, i64> = HashMap::new();
                            for other in &cluster.nodes {
                                if let Some(value) = other.labels.get(key) {
                                    *counts.entry(value.as_str()).or_insert(0) +=
                                        cluster.matching_on_node(other.index, self.pod, c.selector.as_ref());
                                }
                            }
                            counts
                        })
                        .collect()
                });
                let node = &cluster.nodes[n];
                self.key.clear();
                self.key.extend(constraints.iter().zip(per_value).map(|(c, per_value)| {
                    match node.labels.get(c.constraint.topology_key.as_str()) {
                        Some(value) => per_value.get(value.as_str()).copied().unwrap_or(0),
                        None => i64::MAX,
                    }
                }));
            }
        }
        let cpu = || {
            (cluster.bound.load_at_rank(rank).1 + i128::from(self.pod.cpu_milli), i128::from(capacity.cpu_milli.max(1)))
        };
        let Some((b, best)) = &mut self.best else {
            self.best = Some((n, ChoiceKey { pair, counts: std::mem::take(&mut self.key), cpu: cpu() }));
            return;
        };
        let by_counts = match self.counts {
            ChoiceCounts::Controller { .. } => pair_order(pair, best.pair),
            ChoiceCounts::Spread { .. } => self.key.cmp(&best.counts),
        };
        if by_counts == Ordering::Greater {
            return;
        }
        let cpu_now = cpu();
        if !comes_before(by_counts, cpu_now, best.cpu) {
            return;
        }
        *b = n;
        best.pair = pair;
        std::mem::swap(&mut best.counts, &mut self.key);
        best.cpu = cpu_now;
    }
}
