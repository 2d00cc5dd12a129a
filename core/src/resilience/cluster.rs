//! The cluster model of the disruption lab (`docs/semantics/disruption.md` §1):
//! nodes, pods (given, or expanded from workloads as `<name>-<i>`), the
//! controllers that own them and the budgets that guard them, built from an
//! [`Inventory`]. Everything the other modules change lives here.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use k8s_openapi::api::core::v1::{Node, Pod, PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::Settings;
use super::report::Event;
use crate::admission::PodModel;
use crate::model::{Inventory, Kind, Loaded, Object};
use crate::netpol::selector::Selector;

pub const REGION_LABEL: &str = "topology.kubernetes.io/region";
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";
pub const UNREACHABLE_TAINT: &str = "node.kubernetes.io/unreachable";
pub const NOT_READY_TAINT: &str = "node.kubernetes.io/not-ready";
pub const UNSCHEDULABLE_TAINT: &str = "node.kubernetes.io/unschedulable";
pub const MIRROR_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// A node taint: `key[=value]:Effect`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taint {
    pub key: String,
    pub value: String,
    pub effect: String,
}

impl Taint {
    pub fn new(key: &str, effect: &str) -> Self {
        Taint { key: key.to_owned(), value: String::new(), effect: effect.to_owned() }
    }

    /// `key:Effect`, as the report lists taints.
    pub fn describe(&self) -> String {
        format!("{}:{}", self.key, self.effect)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Toleration {
    pub key: String,
    pub operator: String,
    pub value: String,
    pub effect: String,
    pub seconds: Option<i64>,
}

impl Toleration {
    /// `ToleratesTaint` (k8s.io/api core/v1 toleration.go): an empty effect
    /// matches every effect, an empty key with `Exists` every key, `Exists`
    /// ignores the value, `Equal` (the default) compares it.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if !self.effect.is_empty() && self.effect != taint.effect {
            return false;
        }
        if !self.key.is_empty() && self.key != taint.key {
            return false;
        }
        match self.operator.as_str() {
            "Exists" => true,
            "" | "Equal" => self.value == taint.value,
            _ => false,
        }
    }

    fn exists(key: &str, effect: &str, seconds: Option<i64>) -> Self {
        Toleration {
            key: key.to_owned(),
            operator: "Exists".to_owned(),
            value: String::new(),
            effect: effect.to_owned(),
            seconds,
        }
    }
}

pub fn tolerated(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations.iter().any(|t| t.tolerates(taint))
}

#[derive(Clone, Debug, PartialEq, Eq, Copy)]
pub enum NodeReady {
    True,
    Unknown,
}

#[derive(Clone, Debug)]
pub struct NodeSim {
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub region: String,
    pub zone: String,
    /// Cordoned. This and `taints` change only through [`Cluster::set_unschedulable`],
    /// [`Cluster::add_taint`] and [`Cluster::remove_taints`], which move `version`.
    unschedulable: bool,
    taints: Vec<Taint>,
    /// Changes whenever its cordon or taints do (what the scheduler's
    /// per-node filter results depend on besides the pod and the labels).
    pub version: u64,
    pub cpu_milli: i64,
    pub memory: i64,
    pub max_pods: i64,
    pub ready: NodeReady,
    /// The machine runs (false from a failure step until its recovery).
    pub machine_up: bool,
    pub failed_at: Option<i64>,
    /// Queued for the NoExecute taint of its zone since (§5.2).
    pub queued_for_taint: bool,
    pub index: usize,
    /// Its zone key as a number (nodes of one region and zone share it), for
    /// per-zone counts without hashing strings.
    pub zone_id: usize,
}

impl NodeSim {
    pub fn unschedulable(&self) -> bool {
        self.unschedulable
    }

    pub fn taints(&self) -> &[Taint] {
        &self.taints
    }

    /// The zone key the node lifecycle controller uses: region and zone labels.
    pub fn zone_key(&self) -> (String, String) {
        (self.region.clone(), self.zone.clone())
    }

    /// [`NodeSim::zone_key`], borrowed.
    pub fn zone_key_ref(&self) -> (&str, &str) {
        (&self.region, &self.zone)
    }
}

/// A node's fixed facts the scheduler reads for every pod it places.
#[derive(Clone, Copy, Debug)]
pub struct NodeCapacity {
    pub index: usize,
    pub zone_id: usize,
    /// Its region's number in [`Cluster::region_ids`].
    pub region: usize,
    pub max_pods: i64,
    pub cpu_milli: i64,
    pub memory: i64,
}

/// What a failed scheduling attempt found: how many nodes were candidates and,
/// by reason in order, how many refused for it. The `FailedScheduling` message
/// is made from exactly this, so an attempt that finds the same is not recorded
/// again, and nothing is formatted for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulingFailure {
    pub candidates: usize,
    pub refusals: Vec<(&'static str, usize)>,
}

impl SchedulingFailure {
    /// The scheduler's message: `0/<n> nodes are available: <count> <reason>, ….`
    /// (the parts sorted as text, as upstream sorts them).
    pub fn message(&self) -> String {
        if self.candidates == 0 {
            // disruption.md §7.1: no node at all fails before the filters.
            return "no nodes available to schedule pods".to_owned();
        }
        let mut parts: Vec<String> = self.refusals.iter().map(|(r, c)| format!("{c} {r}")).collect();
        parts.sort();
        format!("0/{} nodes are available: {}.", self.candidates, parts.join(", "))
    }
}

/// A controller reference as the pod carries it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnerRef {
    pub api_version: String,
    pub kind: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct PodSim {
    pub namespace: String,
    pub name: String,
    /// Tells apart two pods of the same name (a StatefulSet ordinal recreated).
    pub uid: u64,
    /// Shared with the other pods of its controller (never changed in a run).
    pub labels: Rc<BTreeMap<String, String>>,
    pub annotations: Rc<BTreeMap<String, String>>,
    pub owner: Option<Rc<OwnerRef>>,
    pub spec: Rc<PodSpec>,
    /// Where it is bound. This and the five fields below it change only
    /// through [`Cluster`]'s methods (`bind_pod`, `set_gone`, `set_terminating`,
    /// `set_gone_at`, `set_ready_at`, `set_taint_deadline`), which keep the
    /// indexes the time loop and the scheduler read ([`Cluster::bound`], the
    /// timers, the controllers' counts) true.
    node: Option<usize>,
    pub phase: String,
    pub ready: bool,
    /// The status came from the input and says not Ready: it stays so (§1).
    pub fixed_not_ready: bool,
    /// Marked not Ready by the node lifecycle controller (node unreachable).
    pub marked_not_ready: bool,
    deleting_since: Option<i64>,
    gone_at: Option<i64>,
    gone: bool,
    ready_at: Option<i64>,
    /// Has been Ready once since it started (a new pod is not serving before).
    pub started: bool,
    pub cpu_milli: i64,
    pub memory: i64,
    /// Shared by the pods of one spec (see [`Cluster::spec_facts`]).
    pub tolerations: Rc<[Toleration]>,
    pub local_storage: bool,
    pub grace_seconds: i64,
    pub failing: bool,
    pub delay_ms: i64,
    pub jitter_ms: i64,
    /// When the taint manager deletes it (§5.4).
    taint_deadline: Option<i64>,
    /// Index of the controller in [`Cluster::controllers`] that owns it.
    pub controller: Option<usize>,
    /// The last failed attempt recorded, so a pending pod is reported once per change.
    pub last_schedule_failure: Option<SchedulingFailure>,
    /// The [`Cluster::scheduling_epoch`] its last attempt failed in: until the
    /// scheduler's inputs change, another attempt would find the same.
    pub failed_in_epoch: Option<u64>,
    /// Pod objects the input gave (not created by the lab).
    pub from_input: bool,
    /// Has required pod anti-affinity terms (the scheduler checks only these pods' terms).
    pub anti_affinity: bool,
    /// The budgets (indices in [`Cluster::pdbs`]) that select it. Labels and
    /// budgets never change during a run, so this is decided once.
    pub budgets: Rc<[usize]>,
    /// Pods of one class have the same spec and tolerations (a controller's
    /// pods share theirs): the node-only filters answer them alike.
    pub class: usize,
}

impl PodSim {
    pub fn exists(&self) -> bool {
        !self.gone
    }

    /// The pod object is gone from the API (it never comes back).
    pub fn gone(&self) -> bool {
        self.gone
    }

    /// The node it is bound to (once bound, always: pods never move).
    pub fn node(&self) -> Option<usize> {
        self.node
    }

    pub fn deleting_since(&self) -> Option<i64> {
        self.deleting_since
    }

    /// When a terminating pod's object disappears (its kubelet confirmed).
    pub fn gone_at(&self) -> Option<i64> {
        self.gone_at
    }

    /// When a started container turns Ready.
    pub fn ready_at(&self) -> Option<i64> {
        self.ready_at
    }

    pub fn taint_deadline(&self) -> Option<i64> {
        self.taint_deadline
    }

    /// Counts toward its controller's replicas (§6): exists, not terminating, not finished.
    fn active(&self) -> bool {
        !self.gone && !self.terminating() && !self.finished()
    }

    pub fn terminating(&self) -> bool {
        self.deleting_since.is_some()
    }

    pub fn finished(&self) -> bool {
        self.phase == "Succeeded" || self.phase == "Failed"
    }

    pub fn id(&self) -> String {
        format!("{}/{}", self.namespace, self.name)
    }
}

/// A pod-producing object the lab replaces pods for or reads replicas from.
#[derive(Clone, Debug)]
pub struct ControllerSim {
    pub kind: Kind,
    pub namespace: String,
    pub name: String,
    pub replicas: i32,
    pub template: Rc<PodTemplateSpec>,
    /// The template's spec, labels and annotations and the owner reference,
    /// shared by every pod the controller creates.
    pub pod_spec: Rc<PodSpec>,
    pub pod_labels: Rc<BTreeMap<String, String>>,
    pub pod_annotations: Rc<BTreeMap<String, String>>,
    pub pod_owner: Rc<OwnerRef>,
    /// For a ReplicaSet: the Deployment that controls it.
    pub controlled_by: Option<OwnerRef>,
    /// The input index of the object.
    pub object: usize,
    /// The region it pins (ClusterPerRegion, multi-region.md §2.3).
    pub region: Option<String>,
    /// Every `<name>-<i>` below this index is taken (names are never freed),
    /// so the search for a new pod's name starts here.
    pub next_name: usize,
    /// Some pod object of the lab has it as its controller (gone ones too).
    pub owns_pods: bool,
    /// Its pods that count toward `replicas` ([`PodSim::active`]), kept by
    /// the [`Cluster`] methods that change them.
    pub active_pods: i64,
}

#[derive(Clone, Debug)]
pub struct PdbSim {
    pub namespace: String,
    pub name: String,
    /// `None`: a null selector or an invalid one, which select nothing (§2.1).
    pub selector: Option<Selector>,
    pub min_available: Option<IntOrString>,
    pub max_unavailable: Option<IntOrString>,
    pub always_allow: bool,
    /// `status.disruptedPods`: pod name → time it was recorded.
    pub disrupted: BTreeMap<String, i64>,
    /// Status fields a failed sync leaves as they were.
    pub last: (i64, i64, i64),
    pub object: usize,
}

/// Label-set hash → (a pod holding that namespace and those labels, the budgets selecting it).
type BudgetMemo = HashMap<u64, Vec<(usize, Rc<[usize]>)>>;

/// What the lab reads from a pod spec (see [`Cluster::spec_facts`]).
#[derive(Debug)]
struct SpecFacts {
    /// Its number among the memo's entries: pods with the same one pass or
    /// fail the scheduler's node-only filters alike (see `Cluster::schedule`).
    class: usize,
    cpu_milli: i64,
    memory: i64,
    tolerations: Rc<[Toleration]>,
    local_storage: bool,
    anti_affinity: bool,
}

/// (the spec's address, DaemonSet pod, namespace) → the spec and its facts.
type SpecMemo = HashMap<(usize, bool, String), (Rc<PodSpec>, Rc<SpecFacts>)>;

/// The whole simulated cluster at the current instant.
pub struct Cluster<'a> {
    pub inventory: &'a Inventory,
    pub settings: Settings,
    pub nodes: Vec<NodeSim>,
    pub node_index: HashMap<String, usize>,
    pub pods: Vec<PodSim>,
    /// Per namespace, the name of every pod object the lab has held (gone ones
    /// too: `pods` only grows), so a controller never reuses a name (§6).
    pub pod_names: HashMap<String, HashSet<String>>,
    pub controllers: Vec<ControllerSim>,
    pub pdbs: Vec<PdbSim>,
    pub now: i64,
    pub next_uid: u64,
    pub events: Vec<Event>,
    /// Regions whose control plane is down (ClusterPerRegion).
    pub control_plane_down: std::collections::BTreeSet<String>,
    pub scheduling: Vec<super::report::SchedulingRecord>,
    pub evictions: Vec<super::report::EvictionRecord>,
    /// Per budget, every pod object it selects, in index order (gone ones too).
    pub budget_members: Vec<Vec<usize>>,
    /// The budgets selecting a (namespace, labels), by their hash, with a pod
    /// holding that key: a workload's pods share their labels, so each label
    /// set meets the selectors once, not once per pod.
    budget_memo: BudgetMemo,
    spec_memo: SpecMemo,
    /// How many distinct zone keys the nodes have ([`NodeSim::zone_id`] is below it).
    pub zones: usize,
    /// (nodes, pods) versions when the scheduling epoch was last taken, and a
    /// number that changes whenever they do (see [`Cluster::scheduling_epoch_now`]).
    scheduling_inputs: (u64, u64),
    pub scheduling_epoch: u64,
    /// Changes whenever a node's cordon or taints do.
    nodes_version: u64,
    /// Controller indices by name, in input order (see [`Cluster::controller_named`]).
    controllers_by_name: HashMap<String, Vec<usize>>,
    /// What the scheduler reads of each node for every pod, compact and in
    /// name order (the order a scheduling record lists nodes in).
    pub nodes_by_name: Vec<NodeCapacity>,
    /// Node names by rank in name order (shared by the scheduling records).
    pub node_names: Rc<[String]>,
    /// Per rank, the first rank with the same name (nodes of one name are
    /// adjacent in name order; a valid input has one node per name).
    pub name_group_start: Vec<usize>,
    /// Region name → the number [`NodeCapacity::region`] holds.
    pub region_ids: HashMap<String, usize>,
    /// The scheduler's node-only filter answers per pod class.
    pub node_filter_cache: super::scheduler::NodeFilterCache,
    /// The scheduler's per-node counts, kept between attempts so that an
    /// attempt does not allocate them (taken and put back; empty meanwhile).
    pub choice_scratch: std::cell::Cell<Vec<i64>>,
    /// The refusing nodes of the last scheduling record, which the next
    /// record shares when it lists the same.
    pub last_refused: Rc<[(u32, super::report::Reasons)]>,
    /// The scheduler's last failed attempt that the next pod of its class may reuse.
    pub failure_memo: Option<super::scheduler::FailureMemo>,
    /// The feasible nodes as the last placement of a workload's replica left
    /// them, for its next replica when nothing else changed meanwhile.
    pub placement_chain: Option<super::scheduler::PlacementChain>,
    /// The pods bound to each node and what the scheduler reads of them.
    pub bound: Bound,
    /// Pods that are neither bound nor gone, in index order (the pending
    /// pods are among them): a superset, cleaned when read.
    unbound: Vec<usize>,
    timers: Timers,
    /// Changes whenever a pod is added, bound, terminating or gone (see
    /// [`Cluster::scheduling_epoch_now`]).
    pods_version: u64,
}

/// The instants at which a pod's `gone_at`, `ready_at` or `taint_deadline`
/// falls, as (time, pod index) for pods that are not gone: the time loop
/// asks for what is due now and for the next instant instead of visiting
/// every pod object at every instant.
#[derive(Debug, Default)]
struct Timers {
    gone: BTreeSet<(i64, usize)>,
    ready: BTreeSet<(i64, usize)>,
    taint: BTreeSet<(i64, usize)>,
}

/// Which of a pod's instants a [`Timers`] set holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// `gone_at`: the object disappears.
    Gone,
    /// `ready_at`: the pod turns Ready.
    Ready,
    /// `taint_deadline`: the taint manager deletes it.
    Taint,
}

impl Timers {
    fn set(&mut self, timer: Timer) -> &mut BTreeSet<(i64, usize)> {
        match timer {
            Timer::Gone => &mut self.gone,
            Timer::Ready => &mut self.ready,
            Timer::Taint => &mut self.taint,
        }
    }

    fn get(&self, timer: Timer) -> &BTreeSet<(i64, usize)> {
        match timer {
            Timer::Gone => &self.gone,
            Timer::Ready => &self.ready,
            Timer::Taint => &self.taint,
        }
    }
}

/// Pods bound to each node (every existing pod, terminating ones included) and
/// what the scheduler's filters and choice read of them, kept as pods are
/// bound and disappear.
#[derive(Debug, Default)]
pub struct Bound {
    /// Per node, its pods and what they request (together: the scheduler
    /// reads both for every node it filters), at the node's rank in name
    /// order: the scheduler visits nodes in that order.
    per_node: Vec<NodeLoad>,
    /// Node index → its rank in name order.
    rank: Vec<usize>,
    /// (node, pod) of the pods with required anti-affinity (the only pods
    /// whose own terms the scheduler checks).
    holders: Vec<(usize, usize)>,
    /// Per controller, (node, pod) of its pods.
    by_controller: Vec<Vec<(usize, usize)>>,
}

#[derive(Clone, Debug, Default)]
struct NodeLoad {
    /// Its pods, in the order they were bound.
    pods: Vec<usize>,
    /// The CPU (milli) and memory its pods request, summed exactly
    /// (quantities parse up to the i64 range; a hostile input's sum past it
    /// is read as the largest i64, where Go's int64 would wrap).
    cpu_milli: i128,
    memory: i128,
}

impl Bound {
    fn new(rank: Vec<usize>, controllers: usize) -> Self {
        Bound {
            per_node: vec![NodeLoad::default(); rank.len()],
            rank,
            holders: Vec::new(),
            by_controller: vec![Vec::new(); controllers],
        }
    }

    fn bind(&mut self, node: usize, index: usize, pod: &PodSim) {
        let load = &mut self.per_node[self.rank[node]];
        load.pods.push(index);
        load.cpu_milli += i128::from(pod.cpu_milli);
        load.memory += i128::from(pod.memory);
        if pod.anti_affinity {
            self.holders.push((node, index));
        }
        if let Some(list) = pod.controller.and_then(|c| self.by_controller.get_mut(c)) {
            list.push((node, index));
        }
    }

    fn unbind(&mut self, node: usize, index: usize, pod: &PodSim) {
        let remove = |list: &mut Vec<(usize, usize)>| {
            if let Some(at) = list.iter().position(|&entry| entry == (node, index)) {
                list.remove(at);
            }
        };
        let load = &mut self.per_node[self.rank[node]];
        if let Some(at) = load.pods.iter().position(|&i| i == index) {
            load.pods.remove(at);
        }
        load.cpu_milli -= i128::from(pod.cpu_milli);
        load.memory -= i128::from(pod.memory);
        if pod.anti_affinity {
            remove(&mut self.holders);
        }
        if let Some(list) = pod.controller.and_then(|c| self.by_controller.get_mut(c)) {
            remove(list);
        }
    }

    /// The pods bound to node `n`, in the order they were bound.
    pub fn on_node(&self, n: usize) -> &[usize] {
        &self.per_node[self.rank[n]].pods
    }

    /// How many pods the node of rank `r` (in name order) holds, and the
    /// CPU (milli) and memory they request, exactly.
    #[inline(always)]
    pub fn load_at_rank(&self, r: usize) -> (usize, i128, i128) {
        let load = &self.per_node[r];
        (load.pods.len(), load.cpu_milli, load.memory)
    }

    /// The pods bound to node `n` in index order (the order in which the
    /// controllers that act on a node's pods visit them).
    pub fn on_node_in_order(&self, n: usize) -> Vec<usize> {
        let mut pods = self.on_node(n).to_vec();
        pods.sort_unstable();
        pods
    }

    /// (node, pod) of the bound pods with required anti-affinity terms.
    pub fn holders(&self) -> &[(usize, usize)] {
        &self.holders
    }

    /// (node, pod) of controller `c`'s bound pods.
    pub fn of_controller(&self, c: usize) -> &[(usize, usize)] {
        self.by_controller.get(c).map_or(&[], Vec::as_slice)
    }
}

impl Cluster<'_> {
    /// The scheduling epoch now: the last one while nothing the scheduler
    /// reads has changed since it was taken, else a new one. What can change
    /// during a run is, per node, its cordon and taints (labels, capacity and
    /// zones never change), and per pod whether it exists, is bound or is
    /// terminating (the bound pods, their requests and anti-affinity terms and
    /// the spread counts follow; a pod's spec, labels and controller never
    /// change): [`Cluster::nodes_version`] and [`Cluster::pods_version`] move
    /// with each of those.
    pub fn scheduling_epoch_now(&mut self) -> u64 {
        let versions = (self.nodes_version, self.pods_version);
        if self.scheduling_inputs != versions {
            self.scheduling_inputs = versions;
            self.scheduling_epoch += 1;
        }
        self.scheduling_epoch
    }

    /// Cordons (`true`) or uncordons node `n`.
    pub fn set_unschedulable(&mut self, n: usize, unschedulable: bool) {
        let node = &mut self.nodes[n];
        if node.unschedulable != unschedulable {
            node.unschedulable = unschedulable;
            self.node_changed(n);
        }
    }

    pub fn add_taint(&mut self, n: usize, taint: Taint) {
        self.nodes[n].taints.push(taint);
        self.node_changed(n);
    }

    /// Removes node `n`'s taints that `remove` picks; returns how many.
    pub fn remove_taints(&mut self, n: usize, remove: impl Fn(&Taint) -> bool) -> usize {
        let taints = &mut self.nodes[n].taints;
        let before = taints.len();
        taints.retain(|t| !remove(t));
        let removed = before - taints.len();
        if removed > 0 {
            self.node_changed(n);
        }
        removed
    }

    /// Moves whenever any node's cordon or taints change.
    pub fn nodes_version(&self) -> u64 {
        self.nodes_version
    }

    /// Changes whenever a pod is added, bound, terminating or gone.
    pub fn pods_version(&self) -> u64 {
        self.pods_version
    }

    fn node_changed(&mut self, n: usize) {
        self.nodes[n].version += 1;
        self.nodes_version += 1;
    }
}

fn parse_int_quantity(
    q: Option<&k8s_openapi::apimachinery::pkg::api::resource::Quantity>,
    milli: bool,
    default: i64,
) -> i64 {
    q.and_then(|q| crate::quantity::Quantity::parse(&q.0).ok())
        .and_then(|q| if milli { q.milli_value() } else { q.value() })
        .unwrap_or(default)
}

/// Requests of a pod spec in milli-CPU and bytes (admission.md §3.2, with overhead).
pub fn pod_requests(namespace: &str, spec: &PodSpec) -> (i64, i64) {
    let mut bad = Vec::new();
    let model = PodModel::from_spec("", namespace, spec, "spec", None, &mut bad);
    let requests = model.requests(true);
    let cpu = requests.get("cpu").and_then(|q| q.milli_value()).unwrap_or(0);
    let memory = requests.get("memory").and_then(|q| q.value()).unwrap_or(0);
    (cpu, memory)
}

pub fn controller_of(meta: &k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta) -> Option<OwnerRef> {
    meta.owner_references.iter().flatten().find(|o| o.controller == Some(true)).map(|o| OwnerRef {
        api_version: o.api_version.clone(),
        kind: o.kind.clone(),
        name: o.name.clone(),
    })
}

/// Tolerations as the pod has them after admission: the `DefaultTolerationSeconds`
/// plugin adds 300 s not-ready and unreachable NoExecute tolerations unless the
/// pod has its own; DaemonSet pods carry them without a limit plus the NoSchedule
/// ones of the DaemonSet controller (§5.4).
pub fn effective_tolerations(spec: &PodSpec, daemon: bool, settings: &Settings) -> Vec<Toleration> {
    let mut out: Vec<Toleration> = spec
        .tolerations
        .iter()
        .flatten()
        .map(|t| Toleration {
            key: t.key.clone().unwrap_or_default(),
            operator: t.operator.clone().unwrap_or_default(),
            value: t.value.clone().unwrap_or_default(),
            effect: t.effect.clone().unwrap_or_default(),
            seconds: t.toleration_seconds,
        })
        .collect();
    if daemon {
        for key in [NOT_READY_TAINT, UNREACHABLE_TAINT] {
            out.push(Toleration::exists(key, "NoExecute", None));
        }
        for key in [
            "node.kubernetes.io/disk-pressure",
            "node.kubernetes.io/memory-pressure",
            "node.kubernetes.io/pid-pressure",
            UNSCHEDULABLE_TAINT,
        ] {
            out.push(Toleration::exists(key, "NoSchedule", None));
        }
        return out;
    }
    // plugin/pkg/admission/defaulttolerationseconds: added when no toleration
    // already tolerates the taint with NoExecute.
    for (key, seconds) in [
        (NOT_READY_TAINT, settings.default_not_ready_toleration_seconds),
        (UNREACHABLE_TAINT, settings.default_unreachable_toleration_seconds),
    ] {
        let taint = Taint::new(key, "NoExecute");
        if !out.iter().any(|t| t.tolerates(&taint)) {
            out.push(Toleration::exists(key, "NoExecute", Some(seconds)));
        }
    }
    out
}

fn has_local_storage(spec: &PodSpec) -> bool {
    // A volume with no source is defaulted to emptyDir (pkg/apis/core/v1/defaults.go).
    spec.volumes.iter().flatten().any(|v| {
        v.empty_dir.is_some() || {
            let value = serde_json::to_value(v).unwrap_or_default();
            value.as_object().is_some_and(|m| m.keys().all(|k| k == "name"))
        }
    })
}

fn node_sim(index: usize, node: &Node) -> NodeSim {
    let name = node.metadata.name.clone().unwrap_or_default();
    let labels = node.metadata.labels.clone().unwrap_or_default();
    let spec = node.spec.as_ref();
    let status = node.status.as_ref();
    let allocatable = status.and_then(|s| s.allocatable.as_ref());
    let ready = status
        .and_then(|s| s.conditions.as_ref())
        .and_then(|c| c.iter().find(|c| c.type_ == "Ready"))
        .map_or(NodeReady::True, |c| if c.status == "True" { NodeReady::True } else { NodeReady::Unknown });
    NodeSim {
        region: labels.get(REGION_LABEL).cloned().unwrap_or_default(),
        zone: labels.get(ZONE_LABEL).cloned().unwrap_or_default(),
        version: 0,
        unschedulable: spec.and_then(|s| s.unschedulable).unwrap_or(false),
        taints: spec
            .and_then(|s| s.taints.as_ref())
            .into_iter()
            .flatten()
            .map(|t| Taint { key: t.key.clone(), value: t.value.clone().unwrap_or_default(), effect: t.effect.clone() })
            .collect(),
        cpu_milli: parse_int_quantity(allocatable.and_then(|a| a.get("cpu")), true, 64_000),
        memory: parse_int_quantity(allocatable.and_then(|a| a.get("memory")), false, 256 << 30),
        max_pods: parse_int_quantity(allocatable.and_then(|a| a.get("pods")), false, 110),
        ready,
        machine_up: true,
        failed_at: None,
        queued_for_taint: false,
        index,
        zone_id: 0,
        labels: {
            let mut labels = labels;
            labels.entry(HOSTNAME_LABEL.to_owned()).or_insert_with(|| name.clone());
            labels
        },
        name,
    }
}

impl<'a> Cluster<'a> {
    pub fn new(inventory: &'a Inventory, settings: Settings) -> Self {
        let mut cluster = Cluster {
            inventory,
            settings,
            nodes: Vec::new(),
            node_index: HashMap::new(),
            pods: Vec::new(),
            pod_names: HashMap::new(),
            controllers: Vec::new(),
            pdbs: Vec::new(),
            now: 0,
            next_uid: 1,
            events: Vec::new(),
            control_plane_down: Default::default(),
            scheduling: Vec::new(),
            evictions: Vec::new(),
            budget_members: Vec::new(),
            budget_memo: HashMap::new(),
            spec_memo: HashMap::new(),
            zones: 0,
            scheduling_inputs: (0, 0),
            scheduling_epoch: 0,
            nodes_version: 0,
            nodes_by_name: Vec::new(),
            region_ids: HashMap::new(),
            node_names: Rc::from([]),
            name_group_start: Vec::new(),
            controllers_by_name: HashMap::new(),
            node_filter_cache: Default::default(),
            choice_scratch: Default::default(),
            last_refused: Rc::from([]),
            failure_memo: None,
            placement_chain: None,
            bound: Bound::default(),
            unbound: Vec::new(),
            timers: Timers::default(),
            pods_version: 0,
        };
        for (i, loaded) in inventory.objects.iter().enumerate() {
            match &loaded.object {
                Object::Node(node) => {
                    let sim = node_sim(cluster.nodes.len(), node);
                    cluster.node_index.insert(sim.name.clone(), sim.index);
                    cluster.nodes.push(sim);
                }
                Object::PodDisruptionBudget(pdb) => cluster.pdbs.push(pdb_sim(i, loaded, pdb, &cluster.settings)),
                _ => {
                    if let Some(controller) = controller_sim(i, loaded) {
                        cluster.controllers.push(controller);
                    }
                }
            }
        }
        cluster.budget_members = vec![Vec::new(); cluster.pdbs.len()];
        let mut zone_ids: HashMap<(String, String), usize> = HashMap::new();
        for node in &mut cluster.nodes {
            let next = zone_ids.len();
            node.zone_id = *zone_ids.entry(node.zone_key()).or_insert(next);
        }
        cluster.zones = zone_ids.len();
        let mut by_name: Vec<usize> = (0..cluster.nodes.len()).collect();
        crate::sort::sort_by(&mut by_name, |&a, &b| cluster.nodes[a].name.cmp(&cluster.nodes[b].name));
        for node in &cluster.nodes {
            let next = cluster.region_ids.len();
            cluster.region_ids.entry(node.region.clone()).or_insert(next);
        }
        cluster.nodes_by_name = by_name
            .into_iter()
            .map(|n| {
                let node = &cluster.nodes[n];
                NodeCapacity {
                    index: n,
                    zone_id: node.zone_id,
                    region: cluster.region_ids[&node.region],
                    max_pods: node.max_pods,
                    cpu_milli: node.cpu_milli,
                    memory: node.memory,
                }
            })
            .collect();
        cluster.node_names = cluster.nodes_by_name.iter().map(|c| cluster.nodes[c.index].name.clone()).collect();
        cluster.name_group_start = (0..cluster.node_names.len())
            .scan(0, |start, r| {
                if r > 0 && cluster.node_names[r] != cluster.node_names[r - 1] {
                    *start = r;
                }
                Some(*start)
            })
            .collect();
        let mut rank = vec![0; cluster.nodes.len()];
        for (r, capacity) in cluster.nodes_by_name.iter().enumerate() {
            rank[capacity.index] = r;
        }
        cluster.bound = Bound::new(rank, cluster.controllers.len());
        for (c, controller) in cluster.controllers.iter().enumerate() {
            cluster.controllers_by_name.entry(controller.name.clone()).or_default().push(c);
        }
        cluster
    }

    /// The first controller of the input with this kind, namespace and name.
    pub fn controller_named(&self, kind: Kind, namespace: &str, name: &str) -> Option<&ControllerSim> {
        let candidates = self.controllers_by_name.get(name)?;
        candidates.iter().map(|&c| &self.controllers[c]).find(|c| c.kind == kind && c.namespace == namespace)
    }

    pub fn node_name(&self, pod: &PodSim) -> Option<&str> {
        pod.node.map(|n| self.nodes[n].name.as_str())
    }

    /// The controller index owning a pod's controller reference, by kind and name (§1.4).
    pub fn find_controller(&self, namespace: &str, owner: &OwnerRef) -> Option<usize> {
        self.controllers
            .iter()
            .position(|c| c.namespace == namespace && c.kind.as_str() == owner.kind && c.name == owner.name)
    }

    /// A pod object as the lab starts it: Pending, unbound; [`Cluster::insert_pod`]
    /// adds it. `controller` is the index in [`Cluster::controllers`] of the
    /// controller that creates it, if any (an input pod's is found from its
    /// owner reference).
    #[allow(clippy::too_many_arguments)]
    pub fn new_pod(
        &mut self,
        namespace: &str,
        name: String,
        labels: Rc<BTreeMap<String, String>>,
        annotations: Rc<BTreeMap<String, String>>,
        owner: Option<Rc<OwnerRef>>,
        controller: Option<usize>,
        spec: Rc<PodSpec>,
        from_input: bool,
    ) -> PodSim {
        let daemon = owner.as_ref().is_some_and(|o| o.kind == "DaemonSet");
        let facts = self.spec_facts(namespace, &spec, daemon);
        let pod = PodSim {
            namespace: namespace.to_owned(),
            name,
            uid: 0,
            labels,
            annotations,
            owner,
            tolerations: Rc::clone(&facts.tolerations),
            local_storage: facts.local_storage,
            grace_seconds: spec.termination_grace_period_seconds.unwrap_or(30),
            spec,
            node: None,
            phase: "Pending".to_owned(),
            ready: false,
            fixed_not_ready: false,
            marked_not_ready: false,
            deleting_since: None,
            gone_at: None,
            gone: false,
            ready_at: None,
            started: false,
            cpu_milli: facts.cpu_milli,
            memory: facts.memory,
            failing: false,
            delay_ms: 0,
            jitter_ms: 0,
            taint_deadline: None,
            controller,
            last_schedule_failure: None,
            failed_in_epoch: None,
            from_input,
            anti_affinity: facts.anti_affinity,
            budgets: Rc::from([]),
            class: facts.class,
        };
        let budgets = self.budgets_selecting(&pod);
        PodSim { budgets, ..pod }
    }

    /// What a pod's spec decides for the lab, once per spec: a controller's
    /// pods share their template's (the `Rc`), so thousands of replicas cost
    /// one computation. Keyed by the spec's address, the memo holds the `Rc`
    /// so the address is never reused while it is a key.
    fn spec_facts(&mut self, namespace: &str, spec: &Rc<PodSpec>, daemon: bool) -> Rc<SpecFacts> {
        let key = (Rc::as_ptr(spec) as usize, daemon, namespace.to_owned());
        if let Some((_, facts)) = self.spec_memo.get(&key) {
            return Rc::clone(facts);
        }
        let (cpu_milli, memory) = pod_requests(namespace, spec);
        let facts = Rc::new(SpecFacts {
            class: self.spec_memo.len(),
            cpu_milli,
            memory,
            tolerations: effective_tolerations(spec, daemon, &self.settings).into(),
            local_storage: has_local_storage(spec),
            anti_affinity: spec
                .affinity
                .as_ref()
                .and_then(|a| a.pod_anti_affinity.as_ref())
                .and_then(|a| a.required_during_scheduling_ignored_during_execution.as_ref())
                .is_some_and(|terms| !terms.is_empty()),
        });
        self.spec_memo.insert(key, (Rc::clone(spec), Rc::clone(&facts)));
        facts
    }

    /// The budgets that select `pod` (§2.1), through the memo of label sets.
    fn budgets_selecting(&mut self, pod: &PodSim) -> Rc<[usize]> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        (&pod.namespace, &pod.labels).hash(&mut hasher);
        let key = hasher.finish();
        if let Some(known) = self.budget_memo.get(&key).and_then(|entries| {
            entries.iter().find(|(holder, _)| {
                let other = &self.pods[*holder];
                other.namespace == pod.namespace && other.labels == pod.labels
            })
        }) {
            return Rc::clone(&known.1);
        }
        let budgets: Rc<[usize]> = (0..self.pdbs.len()).filter(|&b| self.pdbs[b].selects(pod)).collect();
        self.budget_memo.entry(key).or_default().push((self.pods.len(), Rc::clone(&budgets)));
        budgets
    }

    /// Gives a new pod object its index and uid and enters it in every index;
    /// returns its index.
    pub fn insert_pod(&mut self, mut pod: PodSim) -> usize {
        let index = self.pods.len();
        pod.uid = self.next_uid;
        self.next_uid += 1;
        for &b in pod.budgets.iter() {
            if let Some(members) = self.budget_members.get_mut(b) {
                members.push(index);
            }
        }
        self.pod_names.entry(pod.namespace.clone()).or_default().insert(pod.name.clone());
        if let Some(c) = pod.controller.and_then(|c| self.controllers.get_mut(c)) {
            c.owns_pods = true;
            if pod.active() {
                c.active_pods += 1;
            }
        }
        for (timer, at) in
            [(Timer::Gone, pod.gone_at), (Timer::Ready, pod.ready_at), (Timer::Taint, pod.taint_deadline)]
        {
            if let (Some(at), false) = (at, pod.gone) {
                self.timers.set(timer).insert((at, index));
            }
        }
        match (pod.gone, pod.node) {
            (false, Some(n)) => self.bound.bind(n, index, &pod),
            (false, None) => self.unbound.push(index),
            (true, _) => {}
        }
        self.pods.push(pod);
        self.pods_version += 1;
        index
    }

    /// Binds pod `i` to node `n` (the scheduler's decision, or a DaemonSet's node).
    pub fn bind_pod(&mut self, i: usize, n: usize) {
        let pod = &mut self.pods[i];
        if pod.node.is_some() {
            return;
        }
        pod.node = Some(n);
        if !pod.gone {
            self.bound.bind(n, i, &self.pods[i]);
        }
        self.pods_version += 1;
    }

    /// The pod object disappears from the API.
    pub fn set_gone(&mut self, i: usize) {
        let pod = &self.pods[i];
        if pod.gone {
            return;
        }
        if pod.active()
            && let Some(c) = pod.controller.and_then(|c| self.controllers.get_mut(c))
        {
            c.active_pods -= 1;
        }
        if let Some(n) = pod.node {
            self.bound.unbind(n, i, pod);
        }
        for (timer, at) in
            [(Timer::Gone, pod.gone_at), (Timer::Ready, pod.ready_at), (Timer::Taint, pod.taint_deadline)]
        {
            if let Some(at) = at {
                self.timers.set(timer).remove(&(at, i));
            }
        }
        self.pods[i].gone = true;
        self.pods_version += 1;
    }

    /// The pod is deleted gracefully (Terminating) from `t` on.
    pub fn set_terminating(&mut self, i: usize, t: i64) {
        let pod = &self.pods[i];
        if pod.deleting_since.is_some() {
            return;
        }
        if pod.active()
            && let Some(c) = pod.controller.and_then(|c| self.controllers.get_mut(c))
        {
            c.active_pods -= 1;
        }
        self.pods[i].deleting_since = Some(t);
        self.pods_version += 1;
    }

    /// Sets one of pod `i`'s instants (`gone_at`, `ready_at`, `taint_deadline`).
    pub fn set_timer(&mut self, i: usize, timer: Timer, at: Option<i64>) {
        let pod = &mut self.pods[i];
        let field = match timer {
            Timer::Gone => &mut pod.gone_at,
            Timer::Ready => &mut pod.ready_at,
            Timer::Taint => &mut pod.taint_deadline,
        };
        let old = std::mem::replace(field, at);
        if pod.gone || old == at {
            return;
        }
        let set = self.timers.set(timer);
        if let Some(old) = old {
            set.remove(&(old, i));
        }
        if let Some(at) = at {
            set.insert((at, i));
        }
    }

    /// The pods (not gone) whose `timer` falls at `t`, in index order.
    pub fn due(&self, timer: Timer, t: i64) -> Vec<usize> {
        self.timers.get(timer).range((t, 0)..=(t, usize::MAX)).map(|&(_, i)| i).collect()
    }

    /// The earliest instant after `t` at which a pod (not gone) has a `timer`.
    pub fn next_timer_after(&self, timer: Timer, t: i64) -> Option<i64> {
        let from = t.checked_add(1)?;
        self.timers.get(timer).range((from, 0)..).next().map(|&(at, _)| at)
    }

    /// The pods that are neither bound nor gone, in index order.
    pub fn unbound_pods(&mut self) -> Vec<usize> {
        let pods = &self.pods;
        self.unbound.retain(|&i| !pods[i].gone && pods[i].node.is_none());
        self.unbound.clone()
    }

    /// Checks that the indexes agree with the pod objects, recomputed from
    /// scratch (debug builds: every test and fuzz run ends with it).
    pub fn assert_indexes(&self) {
        let mut expected = Bound::new(self.bound.rank.clone(), self.controllers.len());
        let mut timers = Timers::default();
        let mut active = vec![0i64; self.controllers.len()];
        let mut owns = vec![false; self.controllers.len()];
        for (i, pod) in self.pods.iter().enumerate() {
            if let Some(c) = pod.controller {
                owns[c] = true;
                active[c] += i64::from(pod.active());
            }
            if pod.gone {
                continue;
            }
            if let Some(n) = pod.node {
                expected.bind(n, i, pod);
            } else {
                assert!(self.unbound.contains(&i), "unbound pod {i} missing from the list");
            }
            for (timer, at) in
                [(Timer::Gone, pod.gone_at), (Timer::Ready, pod.ready_at), (Timer::Taint, pod.taint_deadline)]
            {
                if let Some(at) = at {
                    timers.set(timer).insert((at, i));
                }
            }
        }
        let sorted = |mut v: Vec<(usize, usize)>| {
            v.sort_unstable();
            v
        };
        for (load, want) in self.bound.per_node.iter().zip(&expected.per_node) {
            let mut pods = load.pods.clone();
            pods.sort_unstable();
            assert_eq!((pods, load.cpu_milli, load.memory), (want.pods.clone(), want.cpu_milli, want.memory));
        }
        assert_eq!(sorted(self.bound.holders.clone()), sorted(expected.holders));
        for (have, want) in self.bound.by_controller.iter().zip(expected.by_controller) {
            assert_eq!(sorted(have.clone()), sorted(want));
        }
        for timer in [Timer::Gone, Timer::Ready, Timer::Taint] {
            assert_eq!(self.timers.get(timer), timers.get(timer), "{timer:?} timers");
        }
        for (c, controller) in self.controllers.iter().enumerate() {
            assert_eq!((controller.active_pods, controller.owns_pods), (active[c], owns[c]), "controller {c}");
        }
    }

    /// Adds an input Pod as §1 reads it.
    pub fn add_input_pod(&mut self, loaded: &Loaded, pod: &Pod) -> usize {
        let namespace = loaded.namespace().unwrap_or("default").to_owned();
        let spec = Rc::new(pod.spec.clone().unwrap_or_default());
        let meta = &pod.metadata;
        let owner = controller_of(meta);
        let controller = owner.as_ref().and_then(|o| self.find_controller(&namespace, o));
        let node = spec.node_name.as_deref().and_then(|n| self.node_index.get(n).copied());
        let mut p = self.new_pod(
            &namespace,
            loaded.name().to_owned(),
            Rc::new(meta.labels.clone().unwrap_or_default()),
            Rc::new(meta.annotations.clone().unwrap_or_default()),
            owner.map(Rc::new),
            controller,
            spec,
            true,
        );
        p.node = node;
        match pod.status.as_ref() {
            None => {
                // §1.1: bound and no status → Running and Ready.
                if node.is_some() {
                    p.phase = "Running".to_owned();
                    p.ready = true;
                    p.started = true;
                }
            }
            Some(status) => {
                p.phase = status.phase.clone().unwrap_or_else(|| "Pending".to_owned());
                // `IsPodReady`: a Ready condition with status True.
                p.ready = status.conditions.iter().flatten().any(|c| c.type_ == "Ready" && c.status == "True");
                p.fixed_not_ready = !p.ready;
                p.started = p.ready;
            }
        }
        if meta.deletion_timestamp.is_some() {
            p.deleting_since = Some(0);
            p.ready = false;
        }
        self.insert_pod(p)
    }

    pub fn event(&mut self, event: Event) {
        self.events.push(event);
    }

    pub fn region_of_pod(&self, pod: &PodSim) -> Option<&str> {
        pod.node.map(|n| self.nodes[n].region.as_str())
    }

    /// The API of the pod's cluster answers (always, except ClusterPerRegion
    /// with its region's control plane down).
    pub fn api_reachable_for_node(&self, node: Option<usize>) -> bool {
        match node {
            Some(n) => !self.control_plane_down.contains(&self.nodes[n].region),
            None => true,
        }
    }
}

fn controller_sim(object: usize, loaded: &Loaded) -> Option<ControllerSim> {
    let kind = loaded.kind();
    if !matches!(
        kind,
        Kind::Deployment
            | Kind::ReplicaSet
            | Kind::StatefulSet
            | Kind::ReplicationController
            | Kind::DaemonSet
            | Kind::Job
    ) {
        return None;
    }
    let workload = loaded.workload()?;
    Some(ControllerSim {
        kind,
        namespace: workload.namespace.to_owned(),
        name: workload.name.to_owned(),
        replicas: workload.replicas.unwrap_or(0),
        pod_spec: Rc::new(workload.template.spec.clone().unwrap_or_default()),
        pod_labels: Rc::new(workload.template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default()),
        pod_annotations: Rc::new(
            workload.template.metadata.as_ref().and_then(|m| m.annotations.clone()).unwrap_or_default(),
        ),
        pod_owner: Rc::new(OwnerRef {
            api_version: kind.api_version().to_owned(),
            kind: kind.as_str().to_owned(),
            name: workload.name.to_owned(),
        }),
        template: Rc::new(workload.template.into_owned()),
        controlled_by: controller_of(loaded.object.metadata()),
        object,
        region: None,
        next_name: 0,
        owns_pods: false,
        active_pods: 0,
    })
}

/// A budget's compiled selector (§2.1): `None` for a null or invalid selector,
/// which selects nothing; `{}` selects every pod of the namespace.
pub fn budget_selector(pdb: &k8s_openapi::api::policy::v1::PodDisruptionBudget) -> Option<Selector> {
    pdb.spec.as_ref().and_then(|s| s.selector.as_ref()).and_then(|s| Selector::compile(s).ok())
}

fn pdb_sim(
    object: usize,
    loaded: &Loaded,
    pdb: &k8s_openapi::api::policy::v1::PodDisruptionBudget,
    settings: &Settings,
) -> PdbSim {
    let spec = pdb.spec.as_ref();
    let status = pdb.status.as_ref();
    let disrupted = status
        .and_then(|s| s.disrupted_pods.as_ref())
        .into_iter()
        .flatten()
        .map(|(name, time)| (name.clone(), time.0.as_second() - settings.start_unix))
        .collect();
    PdbSim {
        namespace: loaded.namespace().unwrap_or("default").to_owned(),
        name: loaded.name().to_owned(),
        selector: budget_selector(pdb),
        min_available: spec.and_then(|s| s.min_available.clone()),
        max_unavailable: spec.and_then(|s| s.max_unavailable.clone()),
        always_allow: spec.and_then(|s| s.unhealthy_pod_eviction_policy.as_deref()) == Some("AlwaysAllow"),
        disrupted,
        last: status.map_or((0, 0, 0), |s| {
            (
                i64::from(s.expected_pods.unwrap_or(0)),
                i64::from(s.desired_healthy.unwrap_or(0)),
                i64::from(s.current_healthy.unwrap_or(0)),
            )
        }),
        object,
    }
}
