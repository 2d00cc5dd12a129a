//! The disruption lab (`docs/semantics/disruption.md`): what a drain, an
//! eviction, a killed pod or a lost node, zone or region does to a cluster
//! described by manifests, second by second, driven by a `ChaosScenario`.
//!
//! One module per concern: [`cluster`] (the model, §1), [`pdb`] (budget
//! status, §2), [`eviction`] (§3), [`drain`] (§4), [`lifecycle`] (node
//! failure and taint-based eviction, §5), [`controllers`] (replacement, §6),
//! [`scheduler`] (§7), [`alerts`] (§9), [`scenario`] and [`validate`] (the
//! scenario and its errors), [`findings`] (what `analyze` reports), and this
//! module's time loop (§8). [`simulate`] returns the `kubeplay disrupt`
//! report; [`report::ClusterState`] is what traffic analyses read per instant.
//! [`traffic`] is the traffic across regions (`docs/semantics/multi-region.md`).

pub mod alerts;
pub mod cluster;
pub mod controllers;
pub mod drain;
pub mod eviction;
pub mod findings;
pub mod lifecycle;
pub mod pdb;
pub mod report;
pub mod scenario;
pub mod scheduler;
pub mod traffic;
pub mod validate;

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use self::alerts::AlertRun;
use self::cluster::{Cluster, NodeReady, Timer};
use self::drain::DrainRun;
use self::lifecycle::TaintLimiter;
pub use self::report::{ClusterState, Disruption, NodePlace, PodState};
use self::report::{DrainFlags, Event, NodeRow, PodRow, StateRow, WorkloadRow};
use self::scenario::{ChaosScenario, Step};
pub use self::validate::ScenarioError;
use crate::diagnostic::Diagnostic;
use crate::model::{Inventory, Kind, Loaded, Object};
use crate::netpol::selector::Selector;

/// The effective settings (§8.1), as the report prints them.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ChaosSettings"))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Settings {
    pub start_time: String,
    #[serde(skip)]
    pub start_unix: i64,
    pub horizon_seconds: i64,
    pub node_monitor_grace_period_seconds: i64,
    pub node_eviction_rate: f64,
    pub secondary_node_eviction_rate: f64,
    pub unhealthy_zone_threshold: f64,
    pub large_cluster_size_threshold: i64,
    pub default_not_ready_toleration_seconds: i64,
    pub default_unreachable_toleration_seconds: i64,
    pub evict_error_retry_delay_seconds: i64,
    pub pod_shutdown_seconds: i64,
    pub pod_startup_seconds: i64,
    pub alert_evaluation_interval_seconds: i64,
    pub topology: String,
    pub observe_at: Vec<i64>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            start_time: "1970-01-01T00:00:00Z".to_owned(),
            start_unix: 0,
            horizon_seconds: 900,
            node_monitor_grace_period_seconds: 50,
            node_eviction_rate: 0.1,
            secondary_node_eviction_rate: 0.01,
            unhealthy_zone_threshold: 0.55,
            large_cluster_size_threshold: 50,
            default_not_ready_toleration_seconds: 300,
            default_unreachable_toleration_seconds: 300,
            evict_error_retry_delay_seconds: 5,
            pod_shutdown_seconds: 1,
            pod_startup_seconds: 10,
            alert_evaluation_interval_seconds: 60,
            topology: "SingleCluster".to_owned(),
            observe_at: Vec::new(),
        }
    }
}

impl Settings {
    pub fn cluster_per_region(&self) -> bool {
        self.topology == "ClusterPerRegion"
    }

    fn from_scenario(loaded: Option<&Loaded>, scenario: Option<&ChaosScenario>) -> Result<Settings, ScenarioError> {
        let mut s = Settings::default();
        let Some((loaded, spec)) = loaded.zip(scenario.and_then(|s| s.spec.as_ref())) else { return Ok(s) };
        let name = loaded.name();
        if let Some(observe) = &spec.observe_at {
            s.observe_at = observe.clone();
            crate::sort::sort(&mut s.observe_at);
            s.observe_at.dedup();
        }
        let Some(input) = &spec.settings else { return Ok(s) };
        let bad = |field: &str, message: String| ScenarioError {
            message: format!("ChaosScenario {name}: spec.settings.{field} {message}"),
            location: Some(loaded.origin.location(&format!("spec.settings.{field}"))),
        };
        if let Some(start) = &input.start_time {
            let parsed: k8s_openapi::jiff::Timestamp =
                start.parse().map_err(|_| bad("startTime", format!("must be an RFC 3339 time, got {start:?}")))?;
            s.start_time = start.clone();
            s.start_unix = parsed.as_second();
        }
        let seconds = |field: &str, value: Option<i64>, default: i64, min: i64| -> Result<i64, ScenarioError> {
            match value {
                None => Ok(default),
                Some(v) if (min..=validate::MAX_SECONDS).contains(&v) => Ok(v),
                Some(v) => {
                    Err(bad(field, format!("must be between {min} and {} seconds, got {v}", validate::MAX_SECONDS)))
                }
            }
        };
        s.horizon_seconds = seconds("horizonSeconds", input.horizon_seconds, s.horizon_seconds, 0)?;
        s.node_monitor_grace_period_seconds =
            seconds("nodeMonitorGracePeriodSeconds", input.node_monitor_grace_period_seconds, 50, 0)?;
        s.large_cluster_size_threshold =
            seconds("largeClusterSizeThreshold", input.large_cluster_size_threshold, 50, 0)?;
        s.default_not_ready_toleration_seconds =
            seconds("defaultNotReadyTolerationSeconds", input.default_not_ready_toleration_seconds, 300, 0)?;
        s.default_unreachable_toleration_seconds =
            seconds("defaultUnreachableTolerationSeconds", input.default_unreachable_toleration_seconds, 300, 0)?;
        s.evict_error_retry_delay_seconds =
            seconds("evictErrorRetryDelaySeconds", input.evict_error_retry_delay_seconds, 5, 1)?;
        s.pod_shutdown_seconds = seconds("podShutdownSeconds", input.pod_shutdown_seconds, 1, 0)?;
        s.pod_startup_seconds = seconds("podStartupSeconds", input.pod_startup_seconds, 10, 0)?;
        s.alert_evaluation_interval_seconds =
            seconds("alertEvaluationIntervalSeconds", input.alert_evaluation_interval_seconds, 60, 1)?;
        let fraction = |field: &str, value: Option<f64>, default: f64| -> Result<f64, ScenarioError> {
            match value {
                None => Ok(default),
                Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
                Some(v) => Err(bad(field, format!("must be a number at least 0, got {v}"))),
            }
        };
        s.node_eviction_rate = fraction("nodeEvictionRate", input.node_eviction_rate, 0.1)?;
        s.secondary_node_eviction_rate =
            fraction("secondaryNodeEvictionRate", input.secondary_node_eviction_rate, 0.01)?;
        s.unhealthy_zone_threshold = fraction("unhealthyZoneThreshold", input.unhealthy_zone_threshold, 0.55)?;
        if let Some(topology) = &input.topology {
            if topology != "SingleCluster" && topology != "ClusterPerRegion" {
                return Err(bad("topology", format!("must be SingleCluster or ClusterPerRegion, got {topology:?}")));
            }
            s.topology = topology.clone();
        }
        Ok(s)
    }
}

/// What to compute beyond the contract.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Keep a [`ClusterState`] for every instant at which something changed.
    pub timeline: bool,
    /// Keep the API's view (`STATE`: pods, budgets, nodes, workloads) at every
    /// instant at which it changed, for front ends that play the run back.
    pub rows: bool,
    /// Leave out the API's view at the scenario's observed instants (the
    /// `disrupt` contract's `snapshots`), for callers that do not read it
    /// (the traffic lab observes through the timeline).
    pub skip_snapshots: bool,
}

/// Why the labs refuse an input: its message (the first error as text) and
/// the errors beyond the loader's (those come with the loading).
#[derive(Clone, Debug)]
pub struct Refusal {
    pub message: String,
    pub undecodable: Vec<Diagnostic>,
}

/// A manifest that did not load would silently change the lab, and so would a
/// pod or workload the API server cannot decode (a quantity that does not
/// parse: [`crate::admission::undecodable`]), so the labs (`disrupt`,
/// `failover`) refuse such input.
pub fn load_refusal(loading: &crate::Loading) -> Option<Refusal> {
    let undecodable = crate::admission::undecodable(&loading.inventory);
    let first = loading.diagnostics.iter().find(|d| d.is_error()).or(undecodable.first())?;
    Some(Refusal { message: first.to_text(), undecodable })
}

/// Runs the lab over the input (§1–§9). An invalid scenario is an error with
/// the contract's message and its location.
pub fn simulate(inventory: &Inventory, options: Options) -> Result<Disruption, ScenarioError> {
    let scenarios: Vec<(&Loaded, &ChaosScenario)> = inventory
        .objects
        .iter()
        .filter_map(|o| match &o.object {
            Object::ChaosScenario(s) => Some((o, s.as_ref())),
            _ => None,
        })
        .collect();
    if scenarios.len() > 1 {
        return Err(ScenarioError {
            message: format!("at most one ChaosScenario per input, got {}", scenarios.len()),
            location: Some(scenarios[1].0.origin.location("")),
        });
    }
    let scenario = scenarios.first().copied();
    let settings = Settings::from_scenario(scenario.map(|s| s.0), scenario.map(|s| s.1))?;
    let mut cluster = Cluster::new(inventory, settings);
    if cluster.settings.cluster_per_region() {
        validate::check_cluster_per_region(&mut cluster)?;
    }
    populate(&mut cluster);
    if let Some((loaded, s)) = scenario {
        validate::check_scenario(&cluster, loaded, s)?;
    }
    let spec = scenario.and_then(|s| s.1.spec.clone()).unwrap_or_default();
    let steps = spec.steps.unwrap_or_default();
    let mut run = Run {
        drains: Vec::new(),
        alerts: spec.alerts.unwrap_or_default().into_iter().map(AlertRun::new).collect(),
        limiter: TaintLimiter::default(),
        snapshots: BTreeMap::new(),
        timeline: Vec::new(),
        changed_since_evaluation: true,
    };
    let initial = cluster.state_row();
    let before_start = options.timeline.then(|| cluster.cluster_state());
    let mut rows: Vec<StateRow> = Vec::new();
    let observe: BTreeSet<i64> = cluster.settings.observe_at.iter().copied().collect();
    let end = cluster.settings.horizon_seconds.max(observe.iter().next_back().copied().unwrap_or(0));
    let mut next_step = 0;
    let mut t = 0;
    let mut last_state: Option<ClusterState> = None;
    let mut last_signature: Option<TimelineSignature> = None;
    loop {
        cluster.now = t;
        cluster.instant(&mut run, &steps, &mut next_step, observe.contains(&t) && !options.skip_snapshots);
        if options.timeline {
            // Equal signatures mean equal states; a different one is only a
            // candidate (a pod replaced by one of the same name and place).
            let signature = cluster.timeline_signature();
            if last_signature.as_ref() != Some(&signature) {
                let state = cluster.cluster_state();
                if last_state
                    .as_ref()
                    .is_none_or(|last| last.pods != state.pods || last.api_reachable != state.api_reachable)
                {
                    run.timeline.push(state.clone());
                    last_state = Some(state);
                }
                last_signature = Some(signature);
            }
        }
        if options.rows {
            let row = cluster.state_row();
            let changed = rows.last().unwrap_or(&initial);
            if (&changed.pods, &changed.pdbs, &changed.nodes) != (&row.pods, &row.pdbs, &row.nodes) || rows.is_empty() {
                rows.push(row);
            }
        }
        let Some(next) = cluster.next_instant(&run, &steps, next_step, &observe).filter(|&n| n <= end) else { break };
        t = next;
    }
    cluster.now = end;
    if cfg!(debug_assertions) {
        cluster.assert_indexes();
    }
    for drain in &mut run.drains {
        if !drain.finished {
            drain.record.result = "blocked";
        }
    }
    let mut final_state = cluster.state_row();
    final_state.t = end;
    let mut events = std::mem::take(&mut cluster.events);
    crate::sort::sort_by_key(&mut events, |e| e.t);
    Ok(Disruption {
        settings: cluster.settings.clone(),
        initial,
        final_state,
        snapshots: run.snapshots,
        events,
        evictions: std::mem::take(&mut cluster.evictions),
        drains: run.drains.into_iter().map(|d| d.record).collect(),
        scheduling: std::mem::take(&mut cluster.scheduling),
        alerts: run.alerts.into_iter().map(|a| a.record).collect(),
        before_start,
        timeline: run.timeline,
        rows,
        places: cluster
            .nodes
            .iter()
            .map(|n| NodePlace { name: n.name.clone(), region: n.region.clone(), zone: n.zone.clone() })
            .collect(),
    })
}

/// The cluster at rest (§1): the input's pods, workloads expanded and
/// scheduled, all Running and Ready — the state before any scenario step, as
/// traffic analyses read it (the N+1 finding of `multi-region.md` §8).
pub fn steady_state(inventory: &Inventory) -> ClusterState {
    let mut cluster = Cluster::new(inventory, Settings::default());
    populate(&mut cluster);
    cluster.cluster_state()
}

/// One live pod in a [`TimelineSignature`]: its index, node, the five
/// flags a `PodState` derives (terminating, ready, serving, failing, API
/// reachable) and its netem delay and jitter.
type PodSignature = (usize, Option<usize>, [bool; 5], i64, i64);

/// See [`Cluster::timeline_signature`].
#[derive(PartialEq, Eq)]
struct TimelineSignature {
    pods: Vec<PodSignature>,
    control_plane_down: BTreeSet<String>,
}

struct Run {
    drains: Vec<DrainRun>,
    alerts: Vec<AlertRun>,
    limiter: TaintLimiter,
    snapshots: BTreeMap<String, StateRow>,
    timeline: Vec<ClusterState>,
    /// Something happened since the last alert evaluation.
    changed_since_evaluation: bool,
}

/// §1: input pods, then in input order the unbound pods scheduled and the
/// workloads without pods expanded and scheduled; all Running and Ready at 0.
fn populate(cluster: &mut Cluster) {
    let inventory = cluster.inventory;
    let mut input_pod = BTreeMap::new();
    for (i, loaded) in inventory.objects.iter().enumerate() {
        if let Object::Pod(pod) = &loaded.object {
            input_pod.insert(i, cluster.add_input_pod(loaded, pod));
        }
    }
    for i in 0..inventory.objects.len() {
        let new: Vec<usize> = if let Some(&p) = input_pod.get(&i) {
            let pod = &cluster.pods[p];
            if pod.node().is_none() && !pod.finished() && !pod.terminating() { vec![p] } else { Vec::new() }
        } else if let Some(c) = cluster.controllers.iter().position(|c| c.object == i) {
            cluster.expand(c)
        } else {
            Vec::new()
        };
        for p in new {
            if cluster.pods[p].node().is_none() && !cluster.schedule(p) {
                continue;
            }
            let pod = &mut cluster.pods[p];
            if !pod.from_input || pod.fixed_not_ready == pod.ready {
                // Placed at t = 0 and running (an explicit status is never advanced).
                if pod.from_input && pod.phase != "Pending" {
                    continue;
                }
                pod.phase = "Running".to_owned();
                pod.ready = true;
                pod.started = true;
            }
        }
    }
    // Placement at t = 0 is the starting point, not news; a pod that found no node is.
    cluster.events.retain(|e| e.kind == "FailedScheduling");
}

impl Cluster<'_> {
    /// Controllers (§6), then the scheduler for every pending pod (§7).
    pub fn after_item(&mut self) {
        let created = self.reconcile_controllers();
        let pending: Vec<usize> = self
            .unbound_pods()
            .into_iter()
            .filter(|&i| {
                let p = &self.pods[i];
                !p.terminating() && !p.finished()
            })
            .collect();
        if pending.is_empty() && created.is_empty() {
            return;
        }
        let startup = self.settings.pod_startup_seconds;
        // A pod that failed while the scheduler's inputs were what they are now
        // would fail alike and record nothing: it is not tried again. Binding a
        // pod changes them, so after one nothing is skipped in this pass. The
        // epoch is taken only when a pod could be skipped or has failed (a failed
        // attempt changes none of the inputs, so until a bind it is the same as
        // at the start of the pass): most passes bind every pending pod.
        let mut epoch: Option<Option<u64>> = None;
        let mut bound_any = false;
        let mut epoch_now = |cluster: &mut Self, bound_any: bool| -> Option<u64> {
            if bound_any {
                return None;
            }
            *epoch.get_or_insert_with(|| Some(cluster.scheduling_epoch_now()))
        };
        for i in pending {
            if self.pods[i]
                .controller
                .and_then(|c| self.controllers[c].region.as_deref())
                .is_some_and(|r| self.control_plane_down.contains(r))
            {
                continue;
            }
            let failed_in = self.pods[i].failed_in_epoch;
            if failed_in.is_some() && failed_in == epoch_now(self, bound_any) {
                continue;
            }
            if self.schedule(i) {
                bound_any = true;
                let n = self.pods[i].node().unwrap_or(0);
                if self.nodes[n].machine_up && !self.pods[i].fixed_not_ready {
                    self.set_timer(i, Timer::Ready, Some(self.now + startup));
                }
            } else {
                self.pods[i].failed_in_epoch = epoch_now(self, bound_any);
            }
        }
    }

    /// Everything that happens at `self.now`, in §8.2's order.
    fn instant(&mut self, run: &mut Run, steps: &[Step], next_step: &mut usize, snapshot: bool) {
        let t = self.now;
        let events_before = self.events.len();
        // 1. Pod objects disappear.
        for i in self.due(Timer::Gone, t) {
            if self.pods[i].gone_at() == Some(t) && !self.pods[i].gone() {
                self.set_gone(i);
                let (ns, name) = (self.pods[i].namespace.clone(), self.pods[i].name.clone());
                self.event(Event::new(t, "PodDeleted").pod(&ns, &name));
            }
        }
        self.after_item();
        // 2. Pods become Ready; drains poll.
        for i in self.due(Timer::Ready, t) {
            let pod = &self.pods[i];
            if pod.ready_at() == Some(t) && !pod.gone() && !pod.terminating() {
                let up = pod.node().is_some_and(|n| self.nodes[n].machine_up && self.nodes[n].ready == NodeReady::True);
                self.set_timer(i, Timer::Ready, None);
                if up {
                    let pod = &mut self.pods[i];
                    pod.phase = "Running".to_owned();
                    pod.ready = true;
                    pod.started = true;
                    let (ns, name) = (pod.namespace.clone(), pod.name.clone());
                    self.event(Event::new(t, "PodReady").pod(&ns, &name));
                }
            }
        }
        for d in 0..run.drains.len() {
            self.drain_poll(&mut run.drains[d]);
        }
        self.after_item();
        // 3. Node-monitor detections and taint evictions.
        self.detect_failures();
        self.taint_evictions();
        self.after_item();
        // 4. Scenario steps, in input order.
        while *next_step < steps.len() && steps[*next_step].at == t {
            let step = &steps[*next_step];
            *next_step += 1;
            self.apply_step(step, run);
            self.after_item();
        }
        // 5. Drain eviction retries.
        for d in 0..run.drains.len() {
            self.drain_attempts(&mut run.drains[d]);
            self.drain_poll(&mut run.drains[d]);
        }
        // 6. NoExecute tainting per zone.
        self.taint_zones(&mut run.limiter);
        self.after_item();
        // 8. Alerts.
        if self.events.len() != events_before {
            run.changed_since_evaluation = true;
        }
        if t % self.settings.alert_evaluation_interval_seconds == 0 {
            for a in 0..run.alerts.len() {
                self.evaluate_alert(&mut run.alerts[a]);
            }
            run.changed_since_evaluation = false;
        }
        // 9. Snapshots.
        if snapshot {
            run.snapshots.insert(t.to_string(), self.state_row());
        }
    }

    fn next_instant(&self, run: &Run, steps: &[Step], next_step: usize, observe: &BTreeSet<i64>) -> Option<i64> {
        let now = self.now;
        let grace = self.settings.node_monitor_grace_period_seconds;
        let interval = self.settings.alert_evaluation_interval_seconds;
        let mut candidates: Vec<i64> = Vec::new();
        candidates.extend(steps.get(next_step).map(|s| s.at));
        candidates.extend(observe.range(now + 1..).next().copied());
        for timer in [Timer::Gone, Timer::Ready, Timer::Taint] {
            candidates.extend(self.next_timer_after(timer, now));
        }
        for n in &self.nodes {
            if n.ready == NodeReady::True {
                candidates.extend(n.failed_at.map(|f| f + grace).filter(|&d| d > now));
            }
        }
        candidates.extend(self.next_taint_time(&run.limiter));
        for d in &run.drains {
            candidates.extend(Cluster::next_drain_time(d, now));
        }
        // Alerts: nothing changes between instants, so an evaluation matters only
        // after a change, or when a pending alert's `for` runs out.
        let next_eval = |t: i64| (t.max(now + 1) + interval - 1) / interval * interval;
        if run.changed_since_evaluation {
            candidates.push(next_eval(now + 1));
        }
        for alert in &run.alerts {
            if let (Some(since), "pending") = (alert.record.active_since, alert.record.state) {
                candidates.push(next_eval(since + alert.rule.for_seconds.unwrap_or(0)));
            }
        }
        candidates.into_iter().min()
    }

    fn matching_pods(
        &self,
        namespace: &str,
        selector: Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
    ) -> Vec<usize> {
        let selector = match selector {
            Some(s) => match Selector::compile(s) {
                Ok(s) => Some(s),
                Err(_) => return Vec::new(),
            },
            None => None,
        };
        let mut pods: Vec<usize> = (0..self.pods.len())
            .filter(|&i| {
                let p = &self.pods[i];
                !p.gone() && p.namespace == namespace && selector.as_ref().is_none_or(|s| s.matches(&p.labels))
            })
            .collect();
        crate::sort::sort_by(&mut pods, |&a, &b| self.pods[a].name.cmp(&self.pods[b].name));
        pods
    }

    fn unreachable(&mut self, step: &Step, node: Option<usize>) -> bool {
        if self.api_reachable_for_node(node) {
            return false;
        }
        let region = node.map(|n| self.nodes[n].region.clone()).unwrap_or_default();
        self.event(
            Event::new(self.now, "ApiUnreachable")
                .region(&region)
                .message(format!("{} refused: the API of region {region} does not answer", step.action)),
        );
        true
    }

    fn apply_step(&mut self, step: &Step, run: &mut Run) {
        let t = self.now;
        let node = step.node.as_deref().and_then(|n| self.node_index.get(n).copied());
        let namespace = step.namespace.clone().unwrap_or_else(|| "default".to_owned());
        match step.action.as_str() {
            "Drain" => {
                let Some(n) = node else { return };
                if self.unreachable(step, Some(n)) {
                    return;
                }
                let flags = DrainFlags {
                    ignore_daemonsets: step.ignore_daemonsets.unwrap_or(false),
                    delete_emptydir_data: step.delete_emptydir_data.unwrap_or(false),
                    force: step.force.unwrap_or(false),
                    disable_eviction: step.disable_eviction.unwrap_or(false),
                    grace_period_seconds: step.grace_period_seconds.unwrap_or(-1),
                    timeout_seconds: step.timeout_seconds.unwrap_or(0),
                    skip_wait_for_delete_timeout_seconds: step.skip_wait_for_delete_timeout_seconds.unwrap_or(0),
                    pod_selector: step.pod_selector.clone(),
                };
                let drain = self.start_drain(n, flags);
                run.drains.push(drain);
            }
            "Cordon" | "Uncordon" => {
                let Some(n) = node else { return };
                if !self.unreachable(step, Some(n)) {
                    self.cordon(n, step.action == "Cordon");
                }
            }
            "Evict" => {
                let pod = step.pod.clone().unwrap_or_default();
                let on = self
                    .pods
                    .iter()
                    .find(|p| !p.gone() && p.namespace == namespace && p.name == pod)
                    .and_then(|p| p.node());
                if !self.unreachable(step, on) {
                    self.evict(&namespace, &pod, step.dry_run.unwrap_or(false), None);
                }
            }
            "KillPod" => {
                let candidates: Vec<usize> = self
                    .matching_pods(&namespace, step.label_selector.as_ref())
                    .into_iter()
                    .filter(|&i| !self.pods[i].terminating() && self.api_reachable_for_node(self.pods[i].node()))
                    .collect();
                if candidates.is_empty() {
                    return;
                }
                let seed = step.seed.unwrap_or(0).rem_euclid(candidates.len() as i64) as usize;
                self.delete_pod(candidates[seed], None);
            }
            "NodeFailure" => {
                if let Some(n) = node {
                    self.fail_node(n);
                }
            }
            "ZoneFailure" => {
                let zone = step.zone.clone().unwrap_or_default();
                for n in 0..self.nodes.len() {
                    if self.nodes[n].zone == zone {
                        self.fail_node(n);
                    }
                }
            }
            "RegionFailure" => {
                let region = step.region.clone().unwrap_or_default();
                for n in 0..self.nodes.len() {
                    if self.nodes[n].region == region {
                        self.fail_node(n);
                    }
                }
                if self.settings.cluster_per_region() && self.control_plane_down.insert(region.clone()) {
                    self.event(Event::new(t, "ControlPlaneDown").region(&region));
                }
            }
            "NodeRecover" => {
                let targets: Vec<usize> = (0..self.nodes.len())
                    .filter(|&n| match (&step.node, &step.zone, &step.region) {
                        (Some(name), _, _) => &self.nodes[n].name == name,
                        (None, Some(zone), _) => &self.nodes[n].zone == zone,
                        (None, None, Some(region)) => &self.nodes[n].region == region,
                        _ => false,
                    })
                    .collect();
                if let (None, None, Some(region)) = (&step.node, &step.zone, &step.region)
                    && self.control_plane_down.remove(region)
                {
                    self.event(Event::new(t, "ControlPlaneUp").region(region));
                }
                for n in targets {
                    self.recover_node(n);
                }
            }
            "NetemDelay" | "FailRequests" => {
                let pods = self.matching_pods(&namespace, step.label_selector.as_ref());
                for &i in &pods {
                    let pod = &mut self.pods[i];
                    if step.action == "NetemDelay" {
                        pod.delay_ms = step.delay_ms.unwrap_or(0).max(0);
                        pod.jitter_ms = step.jitter_ms.unwrap_or(0).max(0);
                    } else {
                        pod.failing = true;
                    }
                }
                let mut event = Event::new(t, if step.action == "NetemDelay" { "NetemDelay" } else { "FailRequests" })
                    .message(format!("{} pod(s) in {namespace}", pods.len()));
                if step.action == "NetemDelay" {
                    event = event.message(format!(
                        "{} pod(s) in {namespace}: +{}ms delay, {}ms jitter",
                        pods.len(),
                        step.delay_ms.unwrap_or(0),
                        step.jitter_ms.unwrap_or(0)
                    ));
                }
                self.event(event);
            }
            _ => {}
        }
    }

    /// The contract's `STATE` at the current instant.
    pub fn state_row(&self) -> StateRow {
        let mut pods: Vec<PodRow> = self
            .pods
            .iter()
            .filter(|p| !p.gone())
            .map(|p| PodRow {
                namespace: p.namespace.clone(),
                name: p.name.clone(),
                node: self.node_name(p).map(str::to_owned),
                phase: p.phase.clone(),
                ready: p.ready,
                deleting: p.terminating(),
            })
            .collect();
        crate::sort::sort_by(&mut pods, |a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        let mut pdbs: Vec<_> = (0..self.pdbs.len()).map(|i| self.pdb_row(i)).collect();
        crate::sort::sort_by(&mut pdbs, |a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        let nodes = self
            .nodes
            .iter()
            .map(|n| NodeRow {
                name: n.name.clone(),
                ready: if n.ready == NodeReady::True { "True" } else { "Unknown" },
                unschedulable: n.unschedulable(),
                taints: n.taints().iter().map(|t| t.describe()).collect(),
                machine_up: n.machine_up,
            })
            .collect();
        // One pass over the pods: per controller, its live pods and its
        // Ready ones by zone and region, each counted for its own controller
        // and for the controllers that control that one (`owned_by`).
        let parents: Vec<Vec<usize>> = (0..self.controllers.len())
            .map(|own| (0..self.controllers.len()).filter(|&c| c != own && self.owned_by_controller(own, c)).collect())
            .collect();
        let mut live = vec![0i64; self.controllers.len()];
        // Per controller: Ready pods, and their count by zone and by region.
        type ReadyCounts = (i64, BTreeMap<String, i64>, BTreeMap<String, i64>);
        let mut ready: Vec<ReadyCounts> = vec![(0, BTreeMap::new(), BTreeMap::new()); self.controllers.len()];
        for p in self.pods.iter().filter(|p| !p.gone()) {
            let Some(own) = p.controller else { continue };
            live[own] += 1;
            if !p.ready {
                continue;
            }
            for &c in std::iter::once(&own).chain(&parents[own]) {
                let (count, by_zone, by_region) = &mut ready[c];
                *count += 1;
                if let Some(n) = p.node() {
                    *by_zone.entry(self.nodes[n].zone.clone()).or_insert(0) += 1;
                    *by_region.entry(self.nodes[n].region.clone()).or_insert(0) += 1;
                }
            }
        }
        let workloads = (0..self.controllers.len())
            .filter(|&c| {
                self.controllers[c].controlled_by.as_ref().is_none_or(|o| {
                    o.kind != "Deployment" || self.find_controller(&self.controllers[c].namespace, o).is_none()
                })
            })
            .map(|c| {
                let controller = &self.controllers[c];
                let (ready, ready_by_zone, ready_by_region) = std::mem::take(&mut ready[c]);
                WorkloadRow {
                    kind: controller.kind.as_str().to_owned(),
                    namespace: controller.namespace.clone(),
                    name: controller.name.clone(),
                    desired: if controller.kind == Kind::DaemonSet { live[c] } else { i64::from(controller.replicas) },
                    ready,
                    ready_by_zone,
                    ready_by_region,
                }
            })
            .collect();
        StateRow { t: self.now, pods, pdbs, nodes, workloads }
    }

    /// The per-instant view traffic analyses consume (multi-region.md §2.1).
    /// What [`Cluster::cluster_state`] compares, without its strings: each
    /// live pod (by index; its name and labels never change) with its node
    /// and the flags and delays the state derives, and the regions whose
    /// control plane is down.
    fn timeline_signature(&self) -> TimelineSignature {
        let pods = self
            .pods
            .iter()
            .enumerate()
            .filter(|(_, p)| !p.gone())
            .map(|(i, p)| {
                let node_up = p.node().is_some_and(|n| self.nodes[n].machine_up);
                let flags = [
                    p.terminating(),
                    p.ready,
                    node_up && !p.terminating() && p.started && !p.fixed_not_ready,
                    p.failing,
                    self.api_reachable_for_node(p.node()),
                ];
                (i, p.node(), flags, p.delay_ms, p.jitter_ms)
            })
            .collect();
        TimelineSignature { pods, control_plane_down: self.control_plane_down.clone() }
    }

    pub fn cluster_state(&self) -> ClusterState {
        let mut pods: Vec<PodState> = self
            .pods
            .iter()
            .filter(|p| !p.gone())
            .map(|p| {
                let node = p.node().map(|n| &self.nodes[n]);
                let node_up = node.is_some_and(|n| n.machine_up);
                PodState {
                    namespace: p.namespace.clone(),
                    name: p.name.clone(),
                    labels: (*p.labels).clone(),
                    node: node.map(|n| n.name.clone()),
                    zone: node.map(|n| n.zone.clone()),
                    region: node.map(|n| n.region.clone()),
                    terminating: p.terminating(),
                    ready: p.ready,
                    serving: node_up && !p.terminating() && p.started && !p.fixed_not_ready,
                    failing: p.failing,
                    netem_delay_ms: p.delay_ms,
                    netem_jitter_ms: p.jitter_ms,
                    api_reachable: self.api_reachable_for_node(p.node()),
                }
            })
            .collect();
        crate::sort::sort_by(&mut pods, |a, b| (&a.namespace, &a.name).cmp(&(&b.namespace, &b.name)));
        let api_reachable =
            self.nodes.iter().map(|n| (n.region.clone(), !self.control_plane_down.contains(&n.region))).collect();
        ClusterState { t: self.now, pods, api_reachable }
    }
}
