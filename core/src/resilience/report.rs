//! What the lab reports: the `kubeplay disrupt` JSON contract
//! (`docs/semantics/disruption.md` §10) as serde types, and the per-instant
//! [`ClusterState`] other analyses (traffic across regions) consume.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Settings;

/// One thing that happened, at second `t`. Only the fields that apply are set.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ChaosEvent"))]
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Event {
    pub t: i64,
    #[serde(rename = "type")]
    pub kind: &'static str,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alert: Option<String>,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl Event {
    pub fn new(t: i64, kind: &'static str) -> Self {
        Event { t, kind, ..Event::default() }
    }
    pub fn node(self, node: &str) -> Self {
        Event { node: Some(node.to_owned()), ..self }
    }
    pub fn pod(self, namespace: &str, pod: &str) -> Self {
        Event { namespace: Some(namespace.to_owned()), pod: Some(pod.to_owned()), ..self }
    }
    pub fn zone(self, zone: &str) -> Self {
        Event { zone: Some(zone.to_owned()), ..self }
    }
    pub fn region(self, region: &str) -> Self {
        Event { region: Some(region.to_owned()), ..self }
    }
    pub fn alert(self, alert: &str) -> Self {
        Event { alert: Some(alert.to_owned()), ..self }
    }
    pub fn message(self, message: impl Into<String>) -> Self {
        Event { message: Some(message.into()), ..self }
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EvictionCause"))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cause {
    pub reason: String,
    pub message: String,
}

/// One call of the Eviction API (§3).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EvictionRecord {
    pub t: i64,
    pub namespace: String,
    pub pod: String,
    /// The budget that decided, if one selects the pod.
    pub pdb: Option<String>,
    pub code: u16,
    /// The budget's `disruptionsAllowed` at the call (`null` without one).
    pub allowed: Option<i64>,
    /// Whether the call took one disruption from the budget.
    pub decremented: bool,
    pub dry_run: bool,
    pub message: Option<String>,
    pub causes: Vec<Cause>,
    /// The node whose drain made the call.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drain: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrainFlags {
    pub ignore_daemonsets: bool,
    pub delete_emptydir_data: bool,
    pub force: bool,
    pub disable_eviction: bool,
    pub grace_period_seconds: i64,
    pub timeout_seconds: i64,
    pub skip_wait_for_delete_timeout_seconds: i64,
    pub pod_selector: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// One `kubectl drain` (§4) with what it printed.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DrainRecord {
    pub node: String,
    pub flags: DrainFlags,
    pub started_at: i64,
    pub completed_at: Option<i64>,
    /// `drained`, `failed`, or `blocked` (still retrying at the horizon).
    pub result: &'static str,
    pub to_evict: Vec<String>,
    pub ignored: Vec<String>,
    pub skipped: Vec<String>,
    pub warnings: Vec<String>,
    pub errors: Vec<String>,
    pub stdout: Vec<String>,
    pub stderr: Vec<String>,
    /// Every printed line with its second, for the time-ordered text report.
    #[serde(skip)]
    pub lines: Vec<DrainLine>,
}

/// One line a drain printed, placed among the events for the text report.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DrainLine {
    pub t: i64,
    /// How many events of the report precede it.
    pub events: usize,
    pub stream: Stream,
    pub text: String,
}

/// One scheduling decision (§7).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SchedulingRecord {
    pub t: i64,
    pub namespace: String,
    pub pod: String,
    pub node: Option<String>,
    pub message: Option<String>,
    /// Each node that failed, with the reasons of its first failing filter.
    #[cfg_attr(feature = "ts", ts(as = "BTreeMap<String, Vec<String>>"))]
    pub filters: NodeFilters,
}

/// A scheduling record's refusing nodes with their reasons, in node-name
/// order, one entry per name; printed as the map `{node: [reason, …]}`. A
/// record often lists a whole zone's nodes and a run makes thousands of
/// records, so an entry is a node's rank in name order and a reason set, and
/// the names are one table all records share.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeFilters {
    /// Node names by rank in name order.
    pub names: std::rc::Rc<[String]>,
    /// (rank, reasons), ranks increasing; shared by consecutive records
    /// that list the same (a failed zone's nodes refuse every pod alike).
    pub refused: std::rc::Rc<[(u32, Reasons)]>,
}

impl Serialize for NodeFilters {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(
            self.refused
                .iter()
                .map(|&(rank, reasons)| (self.names.get(rank as usize).map_or("", String::as_str), reasons)),
        )
    }
}

/// The reasons of a node's first failing filter: a set of upstream's fixed
/// texts ([`super::scheduler::FILTER_REASONS`]), listed in that table's order
/// (a node refused for resources lists pods, cpu, memory in that order, as
/// `fitsRequest` does; every other filter gives one reason).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Reasons(u16);

impl Reasons {
    pub const NONE: Reasons = Reasons(0);

    /// The set holding the reason at `index` in [`super::scheduler::FILTER_REASONS`].
    pub const fn one(index: usize) -> Reasons {
        Reasons(1 << index)
    }

    pub fn with(self, other: Reasons) -> Reasons {
        Reasons(self.0 | other.0)
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The texts, in table order.
    pub fn iter(self) -> impl Iterator<Item = &'static str> {
        let reasons = super::scheduler::FILTER_REASONS;
        (0..reasons.len()).filter(move |i| self.0 & (1 << i) != 0).map(move |i| reasons[i])
    }
}

impl Serialize for Reasons {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertRecord {
    pub name: String,
    /// `inactive`, `pending` or `firing` at the end.
    pub state: &'static str,
    pub pending_at: Option<i64>,
    pub firing_at: Option<i64>,
    pub resolved_at: Option<i64>,
    pub active_since: Option<i64>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PodRow {
    pub namespace: String,
    pub name: String,
    pub node: Option<String>,
    pub phase: String,
    pub ready: bool,
    pub deleting: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PdbCondition"))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Condition {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub status: &'static str,
    pub reason: &'static str,
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PdbEvent {
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub reason: &'static str,
    pub message: String,
}

/// A PodDisruptionBudget's status as the disruption controller writes it (§2).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PdbRow {
    pub namespace: String,
    pub name: String,
    pub expected_pods: i64,
    pub desired_healthy: i64,
    pub current_healthy: i64,
    pub disruptions_allowed: i64,
    pub disrupted_pods: Vec<String>,
    pub unmanaged_pods: Vec<String>,
    pub condition: Condition,
    pub events: Vec<PdbEvent>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeRow {
    pub name: String,
    pub ready: &'static str,
    pub unschedulable: bool,
    pub taints: Vec<String>,
    /// The machine runs (false from a failure step to its recovery), whatever
    /// the API shows; not part of the JSON contract.
    #[serde(skip)]
    pub machine_up: bool,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadRow {
    pub kind: String,
    pub namespace: String,
    pub name: String,
    pub desired: i64,
    pub ready: i64,
    pub ready_by_zone: BTreeMap<String, i64>,
    pub ready_by_region: BTreeMap<String, i64>,
}

/// `STATE` of the contract: what the API shows at second `t`.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StateRow {
    pub t: i64,
    pub pods: Vec<PodRow>,
    pub pdbs: Vec<PdbRow>,
    pub nodes: Vec<NodeRow>,
    pub workloads: Vec<WorkloadRow>,
}

/// The whole `kubeplay disrupt` report (§10).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Disruption {
    pub settings: Settings,
    pub initial: StateRow,
    #[serde(rename = "final")]
    pub final_state: StateRow,
    pub snapshots: BTreeMap<String, StateRow>,
    pub events: Vec<Event>,
    pub evictions: Vec<EvictionRecord>,
    pub drains: Vec<DrainRecord>,
    pub scheduling: Vec<SchedulingRecord>,
    pub alerts: Vec<AlertRecord>,
    /// The cluster before anything of the scenario happens (what `initial`
    /// shows), when a timeline is asked for; not part of the JSON contract.
    #[serde(skip)]
    pub before_start: Option<ClusterState>,
    /// Every instant at which something changed, when asked for
    /// ([`super::Options::timeline`]); not part of the JSON contract.
    #[serde(skip)]
    pub timeline: Vec<ClusterState>,
    /// The API's view at every instant at which it changed (the first at 0),
    /// when asked for ([`super::Options::rows`]); not part of the JSON contract.
    #[serde(skip)]
    pub rows: Vec<StateRow>,
    /// Every node with its region and zone (§1's labels), in input order.
    #[serde(skip)]
    pub places: Vec<NodePlace>,
}

/// Where a node stands (`topology.kubernetes.io/region` and `zone`, §1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NodePlace {
    pub name: String,
    pub region: String,
    pub zone: String,
}

/// One pod as traffic sees it at an instant (multi-region.md §2.1).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PodState {
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub node: Option<String>,
    pub zone: Option<String>,
    pub region: Option<String>,
    /// The object exists and is terminating (it still exists while terminating).
    pub terminating: bool,
    /// The Ready condition as the API publishes it (false while terminating).
    pub ready: bool,
    /// The process answers: false from its node's failure on, while
    /// terminating, and before a new pod is Ready.
    pub serving: bool,
    /// Answers every request with a 5xx (a `FailRequests` step).
    pub failing: bool,
    /// `NetemDelay`: added to packets leaving the pod.
    pub netem_delay_ms: i64,
    pub netem_jitter_ms: i64,
    /// The API of the pod's cluster answers (false only under ClusterPerRegion
    /// while its region's control plane is down).
    pub api_reachable: bool,
}

/// The cluster at one instant, after everything that happens at it (§8.2):
/// every existing pod (gone pods are absent), sorted by namespace and name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterState {
    pub t: i64,
    pub pods: Vec<PodState>,
    /// Region → whether its API answers.
    pub api_reachable: BTreeMap<String, bool>,
}

impl ClusterState {
    pub fn pod(&self, namespace: &str, name: &str) -> Option<&PodState> {
        self.pods
            .binary_search_by(|p| (p.namespace.as_str(), p.name.as_str()).cmp(&(namespace, name)))
            .ok()
            .map(|i| &self.pods[i])
    }
}
