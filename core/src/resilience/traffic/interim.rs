//! TEMPORARY adapter, to be replaced by the disruption engine's per-instant
//! states (`docs/semantics/disruption.md`): it builds an [`EndpointTimeline`]
//! from the manifests at t = 0 and a few fault steps, so the traffic lab runs
//! before the cluster model lands.
//!
//! What it does, and no more: Nodes and the `ChaosScenario` are read straight
//! from the input texts (their kinds belong to the cluster model, which is not
//! merged yet); pods given in the input are bound by `spec.nodeName`; a
//! Deployment, StatefulSet, ReplicaSet or ReplicationController without pods
//! is expanded to `<name>-<i>` pods in the region its template pins, placed
//! round-robin over that region's nodes by name (not the scheduler); the steps
//! `NodeFailure`, `ZoneFailure`, `RegionFailure`, `NodeRecover`, `FailRequests`
//! and `NetemDelay` change serving, failing and delay at their instant.
//! Readiness does not follow a node failure here (no node lifecycle, no
//! eviction, no replacements, no probes under netem): the disruption engine
//! supplies those. Other step actions are refused rather than ignored.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;
use serde_json::json;

use super::timeline::{EndpointHistory, EndpointState, EndpointTimeline, PRE_START};
use crate::load::{Input, split_documents};
use crate::model::{Inventory, Kind};

pub const REGION_LABEL: &str = "topology.kubernetes.io/region";
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
pub const SUBZONE_LABEL: &str = "topology.istio.io/subzone";
pub const HOSTNAME_LABEL: &str = "kubernetes.io/hostname";

/// The lab's input limits: more steps or simulated seconds are refused.
const MAX_STEPS: usize = 100_000;
const MAX_SECONDS: i64 = 10_000_000;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeInfo {
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

impl NodeInfo {
    fn label(&self, key: &str) -> &str {
        self.labels.get(key).map_or("", String::as_str)
    }
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Scenario {
    #[serde(default)]
    pub settings: Settings,
    #[serde(default)]
    pub observe_at: Option<Vec<i64>>,
    #[serde(default)]
    pub steps: Vec<Step>,
    #[serde(default)]
    pub mesh_clients: Vec<MeshClient>,
    #[serde(default)]
    pub send_unhealthy_endpoints: bool,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    #[serde(default)]
    pub horizon_seconds: Option<i64>,
    #[serde(default)]
    pub topology: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    pub at: i64,
    pub action: String,
    #[serde(default)]
    pub node: Option<String>,
    #[serde(default)]
    pub zone: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub namespace: Option<String>,
    #[serde(default)]
    pub label_selector: Option<LabelSelector>,
    #[serde(default)]
    pub delay_ms: Option<u32>,
    #[serde(default)]
    pub jitter_ms: Option<u32>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(default)]
    pub match_labels: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
pub struct MeshClient {
    pub namespace: String,
    pub pod: String,
}

/// What the adapter read beside the inventory.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClusterInput {
    pub nodes: Vec<NodeInfo>,
    pub scenario: Scenario,
}

/// Nodes and the (at most one) ChaosScenario, read from the raw texts.
pub fn read_cluster_input(inputs: &[Input<'_>]) -> Result<ClusterInput, String> {
    let mut nodes = Vec::new();
    let mut scenarios = Vec::new();
    for input in inputs {
        for raw in split_documents(input.bytes) {
            let Ok(value) = serde_yaml::from_slice::<serde_yaml::Value>(raw.bytes) else { continue };
            let kind = value.get("kind").and_then(serde_yaml::Value::as_str).unwrap_or_default();
            let name = value
                .get("metadata")
                .and_then(|m| m.get("name"))
                .and_then(serde_yaml::Value::as_str)
                .unwrap_or_default()
                .to_owned();
            match kind {
                "Node" => {
                    let labels = value
                        .get("metadata")
                        .and_then(|m| m.get("labels"))
                        .and_then(|l| serde_yaml::from_value::<BTreeMap<String, String>>(l.clone()).ok())
                        .unwrap_or_default();
                    nodes.push(NodeInfo { name, labels });
                }
                "ChaosScenario" => {
                    let spec = value.get("spec").cloned().unwrap_or(serde_yaml::Value::Null);
                    let scenario: Scenario = if spec.is_null() {
                        Scenario::default()
                    } else {
                        serde_yaml::from_value(spec)
                            .map_err(|e| format!("{}:{}: ChaosScenario {name}: {e}", input.name, raw.first_line))?
                    };
                    scenarios.push(scenario);
                }
                _ => {}
            }
        }
    }
    if scenarios.len() > 1 {
        return Err(format!("at most one ChaosScenario per input, got {}", scenarios.len()));
    }
    nodes.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(ClusterInput { nodes, scenario: scenarios.pop().unwrap_or_default() })
}

impl ClusterInput {
    pub fn horizon(&self) -> i64 {
        self.scenario.settings.horizon_seconds.unwrap_or(900)
    }

    pub fn observe_at(&self) -> Vec<i64> {
        self.scenario.observe_at.clone().unwrap_or_else(|| vec![0])
    }

    fn cluster_per_region(&self) -> bool {
        self.scenario.settings.topology.as_deref() == Some("ClusterPerRegion")
    }

    /// The checks `disruption.md` makes on a scenario that this adapter needs.
    pub fn validate(&self) -> Result<(), String> {
        let scenario = &self.scenario;
        let horizon = self.horizon();
        if !(0..=MAX_SECONDS).contains(&horizon) {
            return Err(format!("ChaosScenario horizonSeconds must be from 0 to {MAX_SECONDS}, got {horizon}"));
        }
        if let Some(topology) = &scenario.settings.topology
            && topology != "SingleCluster"
            && topology != "ClusterPerRegion"
        {
            return Err(format!(
                "ChaosScenario settings.topology must be SingleCluster or ClusterPerRegion, got {topology}"
            ));
        }
        if scenario.steps.len() > MAX_STEPS {
            return Err(format!("ChaosScenario has {} steps, more than {MAX_STEPS}", scenario.steps.len()));
        }
        for t in self.observe_at() {
            if !(0..=MAX_SECONDS).contains(&t) {
                return Err(format!("ChaosScenario observeAt must be from 0 to {MAX_SECONDS}, got {t}"));
            }
        }
        let regions: BTreeSet<&str> = self.nodes.iter().map(|n| n.label(REGION_LABEL)).collect();
        let zones: BTreeSet<&str> = self.nodes.iter().map(|n| n.label(ZONE_LABEL)).collect();
        let mut previous = 0;
        for (index, step) in scenario.steps.iter().enumerate() {
            let at = step.at;
            if !(0..=MAX_SECONDS).contains(&at) {
                return Err(format!("ChaosScenario steps[{index}].at must be from 0 to {MAX_SECONDS}, got {at}"));
            }
            if at < previous {
                return Err(format!(
                    "ChaosScenario steps[{index}] at {at} comes before the previous step at {previous}"
                ));
            }
            previous = at;
            let target = |what: &str, name: &Option<String>, known: &dyn Fn(&str) -> bool| match name {
                Some(name) if known(name) => Ok(()),
                Some(name) => Err(format!("ChaosScenario steps[{index}]: {what} {name} does not exist")),
                None => Err(format!("ChaosScenario steps[{index}]: {} needs a {what}", step.action)),
            };
            let node_known = |name: &str| self.nodes.iter().any(|n| n.name == name);
            match step.action.as_str() {
                "NodeFailure" => target("node", &step.node, &node_known)?,
                "ZoneFailure" => target("zone", &step.zone, &|z| zones.contains(z))?,
                "RegionFailure" => target("region", &step.region, &|r| regions.contains(r))?,
                "NodeRecover" => match (&step.node, &step.zone, &step.region) {
                    (Some(_), None, None) => target("node", &step.node, &node_known)?,
                    (None, Some(_), None) => target("zone", &step.zone, &|z| zones.contains(z))?,
                    (None, None, Some(_)) => target("region", &step.region, &|r| regions.contains(r))?,
                    _ => {
                        return Err(format!(
                            "ChaosScenario steps[{index}]: NodeRecover needs exactly one of node, zone, region"
                        ));
                    }
                },
                "FailRequests" | "NetemDelay" => {
                    if step.namespace.is_none() {
                        return Err(format!("ChaosScenario steps[{index}]: {} needs a namespace", step.action));
                    }
                }
                "Drain" | "Cordon" | "Uncordon" | "Evict" | "KillPod" | "DeletePod" => {
                    return Err(format!(
                        "ChaosScenario steps[{index}]: kubeplay failover does not simulate {} steps yet (the disruption engine will)",
                        step.action
                    ));
                }
                other => return Err(format!("ChaosScenario steps[{index}]: unknown action {other}")),
            }
        }
        Ok(())
    }
}

/// `multi-region.md §2.3`: with one cluster per region, every workload except
/// DaemonSets, and every unbound bare pod, must pin exactly one region.
pub fn check_cluster_per_region(inventory: &Inventory, cluster: &ClusterInput) -> Result<(), String> {
    if !cluster.cluster_per_region() {
        return Ok(());
    }
    for workload in inventory.workloads() {
        if workload.kind == Kind::DaemonSet {
            continue;
        }
        if workload.kind == Kind::Pod {
            let metadata = workload.loaded.object.metadata();
            let bound = workload.template.spec.as_ref().is_some_and(|s| s.node_name.is_some());
            if bound || metadata.owner_references.as_ref().is_some_and(|o| !o.is_empty()) {
                continue;
            }
        }
        if pinned_region(workload.template.spec.as_ref()).is_none() {
            return Err(format!(
                "topology ClusterPerRegion: {} {}/{} must select exactly one region (nodeSelector or required node affinity on {REGION_LABEL})",
                workload.kind, workload.namespace, workload.name
            ));
        }
    }
    Ok(())
}

/// A region the pod template pins (`nodeSelector` or a required node-affinity
/// `In` with one value on `topology.kubernetes.io/region`).
fn pinned_region(spec: Option<&k8s_openapi::api::core::v1::PodSpec>) -> Option<String> {
    let spec = spec?;
    if let Some(region) = spec.node_selector.as_ref().and_then(|s| s.get(REGION_LABEL)) {
        return Some(region.clone());
    }
    let terms = &spec
        .affinity
        .as_ref()?
        .node_affinity
        .as_ref()?
        .required_during_scheduling_ignored_during_execution
        .as_ref()?
        .node_selector_terms;
    let mut values = terms
        .iter()
        .flat_map(|term| term.match_expressions.iter().flatten())
        .filter(|e| e.key == REGION_LABEL && e.operator == "In" && e.values.as_ref().is_some_and(|v| v.len() == 1));
    let first = values.next()?.values.as_ref()?.first()?.clone();
    Some(first)
}

fn placed(
    name: String,
    namespace: String,
    labels: BTreeMap<String, String>,
    node: Option<&NodeInfo>,
    region: String,
    state: EndpointState,
) -> EndpointHistory {
    let (zone, subzone, node_labels) = match node {
        Some(n) => (
            n.label(ZONE_LABEL).to_owned(),
            n.label(SUBZONE_LABEL).to_owned(),
            n.labels
                .iter()
                .filter(|(k, _)| [REGION_LABEL, ZONE_LABEL, SUBZONE_LABEL, HOSTNAME_LABEL].contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .chain(
                    std::iter::once((HOSTNAME_LABEL.to_owned(), n.label(HOSTNAME_LABEL).to_owned()))
                        .filter(|(_, v)| !v.is_empty()),
                )
                .collect(),
        ),
        None => (String::new(), String::new(), BTreeMap::new()),
    };
    let mut node_labels: BTreeMap<String, String> = node_labels;
    if let Some(n) = node {
        node_labels.entry(HOSTNAME_LABEL.to_owned()).or_insert_with(|| n.name.clone());
    }
    EndpointHistory {
        namespace,
        name,
        labels,
        node: node.map(|n| n.name.clone()).unwrap_or_default(),
        region,
        zone,
        subzone,
        node_labels,
        states: vec![(PRE_START, state)],
    }
}

/// The pods at t = 0 (before any step).
pub fn initial_pods(inventory: &Inventory, nodes: &[NodeInfo]) -> Vec<EndpointHistory> {
    let mut pods = Vec::new();
    let mut owners_with_pods: BTreeSet<(String, String)> = BTreeSet::new();
    for (loaded, pod) in inventory.pods() {
        let namespace = loaded.namespace().unwrap_or_default().to_owned();
        for owner in pod.metadata.owner_references.iter().flatten() {
            owners_with_pods.insert((namespace.clone(), owner.name.clone()));
        }
        let status = pod.status.as_ref();
        if matches!(status.and_then(|s| s.phase.as_deref()), Some("Succeeded" | "Failed")) {
            continue;
        }
        let deleting = pod.metadata.deletion_timestamp.is_some();
        // `disruption.md §1`: a bound pod without status is Running and Ready; with
        // conditions but no Ready=True it is not Ready.
        let ready = match status.and_then(|s| s.conditions.as_ref()) {
            None => true,
            Some(conditions) => conditions.iter().any(|c| c.type_ == "Ready" && c.status == "True"),
        };
        let node_name = pod.spec.as_ref().and_then(|s| s.node_name.clone());
        let node = node_name.as_ref().and_then(|n| nodes.iter().find(|node| node.name == *n));
        let region = match node {
            Some(n) => n.label(REGION_LABEL).to_owned(),
            None if node_name.is_some() => pinned_region(pod.spec.as_ref()).unwrap_or_default(),
            None => String::new(),
        };
        let state = EndpointState {
            active: !deleting,
            ready: ready && !deleting,
            serving: ready && !deleting,
            ..EndpointState::UP
        };
        let mut history = placed(loaded.name().to_owned(), namespace, loaded.labels().clone(), node, region, state);
        if node.is_none() {
            history.node = node_name.unwrap_or_default();
        }
        pods.push(history);
    }
    for workload in inventory.workloads() {
        let expands = matches!(
            workload.kind,
            Kind::Deployment | Kind::StatefulSet | Kind::ReplicaSet | Kind::ReplicationController
        );
        // A ReplicaSet owned by a Deployment in the input is that Deployment's.
        let owned = workload.loaded.object.metadata().owner_references.as_ref().is_some_and(|o| !o.is_empty());
        if !expands || owned || owners_with_pods.contains(&(workload.namespace.to_owned(), workload.name.to_owned())) {
            continue;
        }
        let Some(region) = pinned_region(workload.template.spec.as_ref()) else { continue };
        let region_nodes: Vec<&NodeInfo> = nodes.iter().filter(|n| n.label(REGION_LABEL) == region).collect();
        let labels = workload.template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
        for index in 0..usize::try_from(workload.replicas.unwrap_or(1).max(0)).unwrap_or(0) {
            let node = if region_nodes.is_empty() { None } else { Some(region_nodes[index % region_nodes.len()]) };
            pods.push(placed(
                format!("{}-{index}", workload.name),
                workload.namespace.to_owned(),
                labels.clone(),
                node,
                region.clone(),
                EndpointState::UP,
            ));
        }
    }
    pods.sort_by(|a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
    pods
}

/// What a step does to one pod's state; true when it applies to the pod.
type StateChange<'a> = dyn Fn(&EndpointHistory, &mut EndpointState) -> bool + 'a;

/// The timeline: initial pods, then the steps in order, plus the events the
/// `cluster` field of the report lists.
pub fn build_timeline(inventory: &Inventory, cluster: &ClusterInput) -> (EndpointTimeline, Vec<serde_json::Value>) {
    let mut timeline = EndpointTimeline {
        pods: initial_pods(inventory, &cluster.nodes),
        horizon: cluster.horizon(),
        ..Default::default()
    };
    let mut events = Vec::new();
    for step in &cluster.scenario.steps {
        let affected_nodes: Vec<&NodeInfo> = cluster
            .nodes
            .iter()
            .filter(|n| {
                step.node.as_deref() == Some(n.name.as_str())
                    || step.zone.as_deref().is_some_and(|z| z == n.label(ZONE_LABEL))
                    || step.region.as_deref().is_some_and(|r| r == n.label(REGION_LABEL))
            })
            .collect();
        let on_nodes = |pod: &EndpointHistory| affected_nodes.iter().any(|n| n.name == pod.node);
        let selected = |pod: &EndpointHistory| {
            step.namespace.as_deref() == Some(pod.namespace.as_str())
                && step.label_selector.as_ref().is_none_or(|s| super::config::selects(&s.match_labels, &pod.labels))
        };
        let change: Box<StateChange<'_>> = match step.action.as_str() {
            "NodeFailure" | "ZoneFailure" | "RegionFailure" => Box::new(move |p, s| {
                on_nodes(p) && {
                    s.serving = false;
                    true
                }
            }),
            "NodeRecover" => Box::new(move |p, s| {
                on_nodes(p) && {
                    s.serving = s.active && s.ready;
                    true
                }
            }),
            "FailRequests" => Box::new(move |p, s| {
                selected(p) && {
                    s.failing = true;
                    true
                }
            }),
            "NetemDelay" => Box::new(move |p, s| {
                selected(p) && {
                    s.delay_ms = step.delay_ms.unwrap_or(0);
                    s.jitter_ms = step.jitter_ms.unwrap_or(0);
                    true
                }
            }),
            _ => Box::new(|_, _| false),
        };
        for pod in &mut timeline.pods {
            let mut state = pod.at(step.at);
            if change(pod, &mut state) {
                match pod.states.last_mut() {
                    Some(last) if last.0 == step.at => last.1 = state,
                    _ => pod.states.push((step.at, state)),
                }
            }
        }
        match step.action.as_str() {
            "NodeFailure" | "ZoneFailure" | "RegionFailure" | "NodeRecover" => {
                let kind = if step.action == "NodeRecover" { "NodeReady" } else { "NodeDown" };
                for node in &affected_nodes {
                    events.push(json!({"t": step.at, "type": kind, "node": node.name}));
                }
            }
            "FailRequests" | "NetemDelay" => {
                let mut event = json!({"t": step.at, "type": step.action, "namespace": step.namespace});
                if step.action == "NetemDelay" {
                    event["delayMs"] = json!(step.delay_ms.unwrap_or(0));
                    event["jitterMs"] = json!(step.jitter_ms.unwrap_or(0));
                }
                events.push(event);
            }
            _ => {}
        }
        if cluster.cluster_per_region()
            && let Some(region) = &step.region
        {
            let reachable = match step.action.as_str() {
                "RegionFailure" => Some(false),
                "NodeRecover" => Some(true),
                _ => None,
            };
            if let Some(reachable) = reachable {
                timeline.api_reachable.entry(region.clone()).or_default().push((step.at, reachable));
                let kind = if reachable { "ControlPlaneUp" } else { "ControlPlaneDown" };
                events.push(json!({"t": step.at, "type": kind, "region": region}));
            }
        }
    }
    (timeline, events)
}

/// The pod list of a cluster state, as `kubeplay disrupt` prints it (`disruption.md`), at `t`.
pub fn state_json(timeline: &EndpointTimeline, t: i64) -> serde_json::Value {
    let pods: Vec<serde_json::Value> = timeline
        .pods
        .iter()
        .filter(|p| p.at(t) != EndpointState::GONE)
        .map(|p| {
            let s = p.at(t);
            json!({"namespace": p.namespace, "name": p.name, "node": if p.node.is_empty() { serde_json::Value::Null } else { json!(p.node) },
                   "phase": "Running", "ready": s.ready, "deleting": !s.active})
        })
        .collect();
    json!({"t": t, "pods": pods})
}
