//! The boundary between the cluster and the traffic lab: every pod's state at
//! every instant (`multi-region.md §2.1`). The disruption engine's per-instant
//! [`ClusterState`]s fill an [`EndpointTimeline`]
//! ([`EndpointTimeline::from_states`]); the routing engine reads nothing else
//! about pods.
//!
//! Times are integer seconds from the scenario start. A state holds from its
//! instant on and is the state *after* everything that happens at that instant
//! (`disruption.md §8.2`); [`PRE_START`] stands for the steady state before the
//! scenario, so that a change at 0 is a change.

use std::collections::{BTreeMap, HashMap};

use k8s_openapi::api::core::v1::Node;

use crate::model::{Inventory, Object};
use crate::resilience::cluster::{HOSTNAME_LABEL, REGION_LABEL, ZONE_LABEL};
use crate::resilience::report::{ClusterState, PodState};

/// Istio's subzone label, the third level of a locality (`multi-region.md §6`).
pub const SUBZONE_LABEL: &str = "topology.istio.io/subzone";

/// The instant of the state a pod had before the scenario started.
pub const PRE_START: i64 = i64::MIN;

/// What one pod is doing at one instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EndpointState {
    /// The pod object exists and is not terminating.
    pub active: bool,
    /// Kubernetes `Ready` (what an EndpointSlice publishes as `ready`).
    pub ready: bool,
    /// The process answers (false from the instant its node fails, while
    /// terminating or gone, before a new pod is Ready).
    pub serving: bool,
    /// The app answers every request with a 5xx (`FailRequests`).
    pub failing: bool,
    /// netem delay on packets leaving the pod, in milliseconds.
    pub delay_ms: u32,
    pub jitter_ms: u32,
}

impl EndpointState {
    /// A pod that does not exist (before it is created, after it is gone).
    pub const GONE: EndpointState =
        EndpointState { active: false, ready: false, serving: false, failing: false, delay_ms: 0, jitter_ms: 0 };
    /// A Running, Ready pod that answers.
    pub const UP: EndpointState =
        EndpointState { active: true, ready: true, serving: true, failing: false, delay_ms: 0, jitter_ms: 0 };

    /// Ready and answering: a pod that keeps its region "up" (§5.1).
    pub fn up(&self) -> bool {
        self.active && self.ready && self.serving
    }
}

/// One pod over the scenario: who it is, where it runs, and its states.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EndpointHistory {
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    /// The node it is bound to; empty when unbound (never an endpoint).
    pub node: String,
    /// The node's `topology.kubernetes.io/region`, `…/zone` and
    /// `topology.istio.io/subzone` (empty when absent).
    pub region: String,
    pub zone: String,
    pub subzone: String,
    /// The node's labels (topology labels and `kubernetes.io/hostname`), which
    /// Istio's `failoverPriority` reads as the endpoint's own.
    pub node_labels: BTreeMap<String, String>,
    /// `(from, state)` in time order; before the first entry the pod does not
    /// exist. Pods present at the start begin at [`PRE_START`].
    pub states: Vec<(i64, EndpointState)>,
}

impl EndpointHistory {
    /// The state after everything at `t`.
    pub fn at(&self, t: i64) -> EndpointState {
        let index = self.states.partition_point(|(from, _)| *from <= t);
        if index == 0 { EndpointState::GONE } else { self.states[index - 1].1 }
    }

    /// The state just before `t` (what a check at `t` sees).
    pub fn before(&self, t: i64) -> EndpointState {
        if t == PRE_START { EndpointState::GONE } else { self.at(t - 1) }
    }

    /// The last instant `≤ t` at which `serving` changed, with its new value;
    /// `None` when it never changed (the initial value has held throughout).
    pub fn last_serving_change(&self, t: i64) -> Option<(i64, bool)> {
        let seen = &self.states[..self.states.partition_point(|(from, _)| *from <= t)];
        for index in (0..seen.len()).rev() {
            let (from, state) = seen[index];
            // A pod created after the start was "not serving" before it existed;
            // the steady state before the start is no change.
            let previous = match index {
                0 if from == PRE_START => return None,
                0 => false,
                _ => seen[index - 1].1.serving,
            };
            if previous != state.serving {
                return Some((from, state.serving));
            }
        }
        None
    }
}

/// Every pod of the scenario, and which regions' control planes answer when.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct EndpointTimeline {
    pub pods: Vec<EndpointHistory>,
    /// Per region, `(from, reachable)` in time order; a region absent here (or
    /// before its first entry) has a reachable API. Only `ClusterPerRegion`
    /// scenarios stop a region's API (`multi-region.md §2.3`).
    pub api_reachable: BTreeMap<String, Vec<(i64, bool)>>,
    /// The last simulated instant (`ChaosScenario.spec.settings.horizonSeconds`).
    pub horizon: i64,
}

impl EndpointTimeline {
    pub fn api_reachable(&self, region: &str, t: i64) -> bool {
        let Some(changes) = self.api_reachable.get(region) else { return true };
        let index = changes.partition_point(|(from, _)| *from <= t);
        index == 0 || changes[index - 1].1
    }

    /// Every instant at which some pod's state changes, sorted, without
    /// [`PRE_START`].
    pub fn change_instants(&self) -> Vec<i64> {
        let mut instants: Vec<i64> =
            self.pods.iter().flat_map(|p| p.states.iter().map(|(t, _)| *t)).filter(|t| *t != PRE_START).collect();
        crate::sort::sort(&mut instants);
        instants.dedup();
        instants
    }
}

impl EndpointState {
    /// What traffic sees of one pod the disruption engine reports.
    fn of(pod: &PodState) -> EndpointState {
        EndpointState {
            active: !pod.terminating,
            ready: pod.ready,
            serving: pod.serving,
            failing: pod.failing,
            delay_ms: u32::try_from(pod.netem_delay_ms.max(0)).unwrap_or(u32::MAX),
            jitter_ms: u32::try_from(pod.netem_jitter_ms.max(0)).unwrap_or(u32::MAX),
        }
    }
}

impl EndpointTimeline {
    /// The timeline of a disruption run: `before` is the cluster before the
    /// scenario's first instant, `states` every instant at which something
    /// changed (in time order, each the state after everything at its instant,
    /// `disruption.md §8.2`), `horizon` the last simulated instant. Nodes are
    /// the inventory's, for the labels a locality reads.
    pub fn from_states(
        inventory: &Inventory,
        before: &ClusterState,
        states: &[ClusterState],
        horizon: i64,
    ) -> EndpointTimeline {
        let nodes: HashMap<&str, &Node> = inventory
            .objects
            .iter()
            .filter_map(|o| match &o.object {
                Object::Node(node) => Some((o.name(), node.as_ref())),
                _ => None,
            })
            .collect();
        let mut timeline = EndpointTimeline { horizon, ..Default::default() };
        // (namespace, name) → the pod's latest history.
        let mut latest: HashMap<(String, String), usize> = HashMap::new();
        let mut reachable: BTreeMap<String, bool> = BTreeMap::new();
        for (t, state) in std::iter::once((PRE_START, before)).chain(states.iter().map(|s| (s.t, s))) {
            let mut seen = vec![false; timeline.pods.len()];
            for pod in &state.pods {
                let key = (pod.namespace.clone(), pod.name.clone());
                let node = pod.node.as_deref().unwrap_or_default();
                let index = match latest.get(&key) {
                    // The same pod, or a pending pod bound since.
                    Some(&i) if timeline.pods[i].node == node || timeline.pods[i].node.is_empty() => i,
                    // A pod of the same name on another node is a new pod (a
                    // StatefulSet ordinal recreated): its own history.
                    _ => {
                        timeline.pods.push(EndpointHistory {
                            namespace: pod.namespace.clone(),
                            name: pod.name.clone(),
                            ..Default::default()
                        });
                        seen.push(false);
                        latest.insert(key, timeline.pods.len() - 1);
                        timeline.pods.len() - 1
                    }
                };
                seen[index] = true;
                let history = &mut timeline.pods[index];
                if history.states.is_empty() {
                    history.labels.clone_from(&pod.labels);
                }
                if history.node.is_empty() && !node.is_empty() {
                    bind(history, pod, nodes.get(node).and_then(|n| n.metadata.labels.as_ref()));
                }
                history.push(t, EndpointState::of(pod));
            }
            // Pods absent from the state are gone.
            for (index, history) in timeline.pods.iter_mut().enumerate() {
                if !seen.get(index).copied().unwrap_or(false) {
                    history.push(t, EndpointState::GONE);
                }
            }
            for (region, &up) in &state.api_reachable {
                if reachable.get(region).copied().unwrap_or(true) != up {
                    reachable.insert(region.clone(), up);
                    timeline.api_reachable.entry(region.clone()).or_default().push((t, up));
                }
            }
        }
        crate::sort::sort_by(&mut timeline.pods, |a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        timeline
    }
}

/// Places a history on its pod's node: region and zone as the disruption engine
/// read them, the subzone and the locality labels (which Istio's
/// `failoverPriority` reads as the endpoint's own) from the Node object.
fn bind(history: &mut EndpointHistory, pod: &PodState, node_labels: Option<&BTreeMap<String, String>>) {
    let label = |key: &str| node_labels.and_then(|l| l.get(key)).map_or("", String::as_str);
    let name = pod.node.clone().unwrap_or_default();
    history.region = pod.region.clone().unwrap_or_default();
    history.zone = pod.zone.clone().unwrap_or_default();
    history.subzone = label(SUBZONE_LABEL).to_owned();
    history.node_labels = [REGION_LABEL, ZONE_LABEL, SUBZONE_LABEL, HOSTNAME_LABEL]
        .into_iter()
        .filter(|key| !label(key).is_empty())
        .map(|key| (key.to_owned(), label(key).to_owned()))
        .collect();
    // `kubernetes.io/hostname` defaults to the node's name (disruption.md §1).
    history.node_labels.entry(HOSTNAME_LABEL.to_owned()).or_insert_with(|| name.clone());
    history.node = name;
}

impl EndpointHistory {
    /// Appends `state` from `t` unless it is the state already held.
    fn push(&mut self, t: i64, state: EndpointState) {
        match self.states.last() {
            Some((_, last)) if *last == state => {}
            // Before its first entry a pod does not exist: no need to say so.
            None if state == EndpointState::GONE => {}
            _ => self.states.push((t, state)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn history(states: &[(i64, bool)]) -> EndpointHistory {
        EndpointHistory {
            states: states.iter().map(|&(t, serving)| (t, EndpointState { serving, ..EndpointState::UP })).collect(),
            ..Default::default()
        }
    }

    #[test]
    fn states_hold_from_their_instant_and_changes_are_found() {
        let pod = history(&[(PRE_START, true), (0, false), (100, true)]);
        assert!(pod.at(-1).serving && !pod.at(0).serving && pod.at(100).serving);
        assert!(pod.before(0).serving, "a check at 0 sees the state before the change at 0");
        assert_eq!(pod.last_serving_change(-5), None, "the steady state before the start is no change");
        assert_eq!(pod.last_serving_change(50), Some((0, false)));
        assert_eq!(pod.last_serving_change(100), Some((100, true)));
        // A pod created after the start changes from "not serving".
        let new = history(&[(350, false), (360, true)]);
        assert_eq!(new.at(349), EndpointState::GONE);
        assert_eq!(new.last_serving_change(355), None);
        assert_eq!(new.last_serving_change(400), Some((360, true)));
        let born_serving = history(&[(30, true)]);
        assert_eq!(born_serving.last_serving_change(30), Some((30, true)));
    }

    fn pod(name: &str, node: Option<&str>, ready: bool, serving: bool) -> PodState {
        PodState {
            namespace: "ns".into(),
            name: name.into(),
            labels: BTreeMap::from([("app".to_owned(), "api".to_owned())]),
            node: node.map(str::to_owned),
            zone: node.map(|_| "east-a".to_owned()),
            region: node.map(|_| "east".to_owned()),
            terminating: false,
            ready,
            serving,
            failing: false,
            netem_delay_ms: 0,
            netem_jitter_ms: 0,
            api_reachable: true,
        }
    }

    fn state(t: i64, pods: Vec<PodState>, east_api: bool) -> ClusterState {
        ClusterState { t, pods, api_reachable: BTreeMap::from([("east".to_owned(), east_api)]) }
    }

    #[test]
    fn disruption_states_become_histories() {
        let text = "apiVersion: v1\nkind: Node\nmetadata:\n  name: e1\n  labels: {topology.kubernetes.io/region: east, topology.kubernetes.io/zone: east-a, topology.istio.io/subzone: rack1}\n";
        let loading = crate::load::load(&[crate::load::Input::new("n.yaml", text)]);
        let before = state(0, vec![pod("a", Some("e1"), true, true), pod("b", None, false, false)], true);
        let states = [
            // a's node fails; b is bound.
            state(0, vec![pod("a", Some("e1"), true, false), pod("b", Some("e1"), false, false)], false),
            state(10, vec![pod("a", Some("e1"), false, false), pod("b", Some("e1"), true, true)], false),
            // a is gone, then comes back on another node (a new pod of the same name).
            state(20, vec![pod("b", Some("e1"), true, true)], true),
            state(30, vec![pod("a", Some("e2"), true, true), pod("b", Some("e1"), true, true)], true),
        ];
        let timeline = EndpointTimeline::from_states(&loading.inventory, &before, &states, 900);
        assert_eq!(timeline.horizon, 900);
        let names: Vec<(&str, &str)> = timeline.pods.iter().map(|p| (p.name.as_str(), p.node.as_str())).collect();
        assert_eq!(names, [("a", "e1"), ("a", "e2"), ("b", "e1")]);
        let first = &timeline.pods[0];
        assert_eq!((first.region.as_str(), first.zone.as_str(), first.subzone.as_str()), ("east", "east-a", "rack1"));
        assert_eq!(first.node_labels.get("kubernetes.io/hostname").map(String::as_str), Some("e1"));
        assert_eq!(first.node_labels.get("topology.istio.io/subzone").map(String::as_str), Some("rack1"));
        assert!(first.before(0).up() && !first.at(0).serving && first.at(0).ready && !first.at(10).ready);
        assert_eq!(first.at(20), EndpointState::GONE);
        assert_eq!(first.at(30), EndpointState::GONE, "the new pod of that name is another history");
        assert_eq!(first.last_serving_change(15), Some((0, false)));
        let second = &timeline.pods[1];
        assert_eq!(second.at(29), EndpointState::GONE);
        assert!(second.at(30).up());
        assert_eq!(second.node_labels.get("kubernetes.io/hostname").map(String::as_str), Some("e2"), "unknown node");
        // The pending pod was bound in place: one history, up from 10.
        let bound = &timeline.pods[2];
        assert_eq!(bound.region, "east");
        assert!(!bound.before(0).up() && bound.at(10).up());
        assert_eq!(timeline.api_reachable.get("east"), Some(&vec![(0, false), (20, true)]));
    }

    #[test]
    fn api_reachability_follows_its_changes() {
        let mut timeline = EndpointTimeline::default();
        timeline.api_reachable.insert("east".into(), vec![(0, false), (300, true)]);
        assert!(timeline.api_reachable("east", -1));
        assert!(!timeline.api_reachable("east", 0));
        assert!(timeline.api_reachable("east", 300));
        assert!(timeline.api_reachable("west", 0));
    }
}
