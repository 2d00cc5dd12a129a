//! `kubeplay failover`'s report (`multi-region.md §10`): the load balancer at
//! every observed instant, the failover summary, the mesh report and the
//! cluster the timeline came from. The cluster is the disruption lab's
//! (`disruption.md`): it plays the `ChaosScenario`, and its per-instant states
//! are the traffic engine's [`EndpointTimeline`].

use serde::Serialize;

use super::config::{GlbConfig, configure, service_selector};
use super::mesh::{MeshReport, mesh_reports};
use super::routing::{FailoverSummary, Observation, Router};
use super::timeline::EndpointTimeline;
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::load::{Input, load};
use crate::model::{Inventory, Object};
use crate::resilience::report::{Event, StateRow};
use crate::resilience::scenario::ChaosScenarioSpec;
use crate::resilience::{Disruption, Options, simulate};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheckReport {
    pub interval_seconds: i64,
    pub unhealthy_threshold: i64,
    pub healthy_threshold: i64,
}

/// The report's `cluster`: the disruption lab's `final` STATE and `events`,
/// the very types `kubeplay disrupt` prints (`disruption.md §10`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ClusterReport {
    #[serde(rename = "final")]
    pub final_state: StateRow,
    pub events: Vec<Event>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailoverReport {
    /// `Proxy` or `DNS`; `null` without a GlobalLoadBalancer.
    pub mode: Option<&'static str>,
    pub health_check: Option<HealthCheckReport>,
    pub timeline: Vec<Observation>,
    pub failover: Vec<FailoverSummary>,
    pub mesh: Vec<MeshReport>,
    pub cluster: ClusterReport,
}

impl FailoverReport {
    /// The JSON contract: every object's keys sorted.
    pub fn to_json(&self) -> serde_json::Value {
        sort_keys(serde_json::to_value(self).unwrap_or_default())
    }
}

fn sort_keys(value: serde_json::Value) -> serde_json::Value {
    match value {
        serde_json::Value::Object(map) => {
            let mut entries: Vec<(String, serde_json::Value)> = map.into_iter().collect();
            crate::sort::sort_by(&mut entries, |a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// Why the lab cannot run (exit status 2): the message of `{"error": …}`, and
/// the located diagnostic when the input has a place for it.
#[derive(Clone, Debug, PartialEq)]
pub struct FailoverError {
    pub message: String,
    pub diagnostic: Option<Box<Diagnostic>>,
}

impl FailoverError {
    fn located(diagnostic: Diagnostic) -> Self {
        FailoverError { message: diagnostic.message.clone(), diagnostic: Some(Box::new(diagnostic)) }
    }
}

/// The lab over the texts: loads them and runs [`failover_inventory`]; `Err`
/// with the message of `{"error": …}` for input the lab cannot run on, which
/// includes a manifest that did not load (it would silently change the lab),
/// as `kubeplay disrupt` refuses it. Else the report and the loader's
/// diagnostics.
pub fn failover(inputs: &[Input<'_>]) -> Result<(FailoverReport, Vec<Diagnostic>), String> {
    let loading = load(inputs);
    if let Some(refusal) = crate::resilience::load_refusal(&loading) {
        return Err(refusal.message);
    }
    let report = failover_inventory(&loading.inventory).map_err(|e| e.message)?;
    Ok((report, loading.diagnostics))
}

/// The lab over loaded objects: the GlobalLoadBalancer checked, the disruption
/// lab run with its timeline, then routing and the mesh over that timeline.
pub fn failover_inventory(inventory: &Inventory) -> Result<FailoverReport, FailoverError> {
    let (config, diagnostics) = configure(inventory);
    if let Some(error) = diagnostics.into_iter().find(Diagnostic::is_error) {
        return Err(FailoverError::located(error));
    }
    let disruption = simulate(inventory, Options { timeline: true, skip_snapshots: true, ..Options::default() })
        .map_err(|e| FailoverError { diagnostic: e.to_diagnostic().map(Box::new), message: e.message })?;
    let timeline = endpoint_timeline(inventory, &disruption);
    let scenario = scenario_spec(inventory);
    check_mesh_clients(inventory, &scenario, &timeline)?;
    let config = config.map(|(config, _)| config);
    Ok(run(config.as_ref(), inventory, &scenario, &timeline, &disruption))
}

fn endpoint_timeline(inventory: &Inventory, disruption: &Disruption) -> EndpointTimeline {
    let horizon = disruption.final_state.t;
    let before = disruption.before_start.clone().unwrap_or_else(|| crate::resilience::steady_state(inventory));
    EndpointTimeline::from_states(inventory, &before, &disruption.timeline, horizon)
}

fn check_mesh_clients(
    inventory: &Inventory,
    scenario: &ChaosScenarioSpec,
    timeline: &EndpointTimeline,
) -> Result<(), FailoverError> {
    for (index, client) in scenario.mesh_clients.iter().flatten().enumerate() {
        if !timeline.pods.iter().any(|p| p.namespace == client.namespace && p.name == client.pod) {
            let location = inventory
                .objects
                .iter()
                .find(|o| matches!(o.object, Object::ChaosScenario(_)))
                .map(|o| o.origin.location(&format!("spec.meshClients[{index}].pod")));
            let message =
                format!("ChaosScenario meshClients[{index}]: pod {}/{} does not exist", client.namespace, client.pod);
            return Err(FailoverError {
                diagnostic: location.map(|l| {
                    Box::new(Diagnostic::new(
                        Area::Resilience,
                        Severity::Error,
                        "chaos-scenario-invalid",
                        message.clone(),
                        l,
                    ))
                }),
                message,
            });
        }
    }
    Ok(())
}

/// The instant that stands for the cluster at rest, before the scenario's
/// first instant, in [`Playback::instants`].
pub const AT_REST: i64 = -1;
/// Pods (as the input's workloads ask) up to which a playback keeps the API's
/// view at every change; beyond, only the cluster states.
pub const PLAYBACK_MAX_PODS: usize = 5_000;
/// Instants a playback keeps at most (the first ones).
pub const MAX_PLAYBACK_INSTANTS: usize = 2_000;
/// Evenly spaced instants a playback adds at most, so that a DNS cache
/// draining or a health check counting shows between two changes.
const MAX_SAMPLES: i64 = 600;

/// The lab played back, from one run: the disruption lab with its per-instant
/// states and the API's view at each change, and — with a valid
/// GlobalLoadBalancer — the load balancer observed at every instant worth
/// drawing. For front ends that animate the run (the web app's Resilience view).
pub struct Playback {
    pub disruption: Disruption,
    /// `AT_REST`, then every instant at which something changes or is
    /// detected, and evenly spaced samples, sorted.
    pub instants: Vec<i64>,
    /// The load balancer's report (`null` mode without one); its `timeline`
    /// holds one observation per entry of `instants`.
    pub traffic: FailoverReport,
    /// The input's GlobalLoadBalancer is valid (its errors are `analyze` findings).
    pub balanced: bool,
}

/// Runs the lab once for playback. An invalid scenario is an error (the
/// message `kubeplay disrupt` prints, located); an invalid GlobalLoadBalancer
/// only leaves the traffic out, as `analyze` reports its errors.
pub fn playback(inventory: &Inventory) -> Result<Playback, FailoverError> {
    let (config, diagnostics) = configure(inventory);
    let config = if diagnostics.iter().any(Diagnostic::is_error) { None } else { config.map(|(c, _)| c) };
    // The API's view per change costs a budget status per instant: only for inputs a page can draw.
    let pods: usize = inventory.workloads().map(|w| usize::try_from(w.replicas.unwrap_or(1)).unwrap_or(0)).sum();
    let disruption =
        simulate(inventory, Options { timeline: true, rows: pods <= PLAYBACK_MAX_PODS, skip_snapshots: false })
            .map_err(|e| FailoverError { diagnostic: e.to_diagnostic().map(Box::new), message: e.message })?;
    let timeline = endpoint_timeline(inventory, &disruption);
    let scenario = scenario_spec(inventory);
    check_mesh_clients(inventory, &scenario, &timeline)?;
    let mut traffic = run(config.as_ref(), inventory, &scenario, &timeline, &disruption);
    let horizon = disruption.final_state.t;
    let mut instants: Vec<i64> = vec![AT_REST];
    instants.extend(disruption.rows.iter().map(|r| r.t));
    instants.extend(disruption.timeline.iter().map(|s| s.t));
    instants.extend(disruption.events.iter().map(|e| e.t));
    instants.extend(disruption.drains.iter().flat_map(|d| d.lines.iter().map(|l| l.t)));
    instants.extend(disruption.alerts.iter().flat_map(|a| [a.pending_at, a.firing_at, a.resolved_at]).flatten());
    instants.extend(traffic.failover.iter().flat_map(|f| [f.failed_at, f.detected_at, f.complete_by]));
    if let Some(config) = &config {
        let step = config.health_check.interval_seconds.max(1).max(horizon / MAX_SAMPLES + 1);
        instants.extend((0..=horizon / step).map(|i| i * step));
    }
    instants.retain(|t| *t == AT_REST || (0..=horizon).contains(t));
    crate::sort::sort(&mut instants);
    instants.dedup();
    instants.truncate(MAX_PLAYBACK_INSTANTS);
    traffic.timeline = match &config {
        Some(config) => {
            let router = Router::new(config, &timeline);
            instants.iter().map(|t| router.observe(*t)).collect()
        }
        None => Vec::new(),
    };
    Ok(Playback { balanced: config.is_some(), disruption, instants, traffic })
}

/// The input's ChaosScenario spec (the disruption lab has refused more than one).
fn scenario_spec(inventory: &Inventory) -> ChaosScenarioSpec {
    inventory
        .objects
        .iter()
        .find_map(|o| match &o.object {
            Object::ChaosScenario(s) => Some(s.spec.clone().unwrap_or_default()),
            _ => None,
        })
        .unwrap_or_default()
}

fn run(
    config: Option<&GlbConfig>,
    inventory: &Inventory,
    scenario: &ChaosScenarioSpec,
    timeline: &EndpointTimeline,
    disruption: &Disruption,
) -> FailoverReport {
    // §10: one entry per `observeAt` time, `[0]` when none is given.
    let observe_at = if scenario.observe_at.is_some() { disruption.settings.observe_at.clone() } else { vec![0] };
    let (timeline_out, failover) = match config {
        Some(config) => {
            let router = Router::new(config, timeline);
            (observe_at.iter().map(|t| router.observe(*t)).collect(), router.failovers())
        }
        None => (
            observe_at
                .iter()
                .map(|t| Observation {
                    t: *t,
                    regions: Vec::new(),
                    routing: Vec::new(),
                    overload_rps: Default::default(),
                })
                .collect(),
            Vec::new(),
        ),
    };
    let rules: Vec<(String, &super::objects::DestinationRule)> = inventory
        .objects
        .iter()
        .filter_map(|o| match &o.object {
            Object::DestinationRule(rule) => Some((o.namespace().unwrap_or_default().to_owned(), rule.as_ref())),
            _ => None,
        })
        .collect();
    let clients: Vec<(String, String)> =
        scenario.mesh_clients.iter().flatten().map(|c| (c.namespace.clone(), c.pod.clone())).collect();
    let selectors = |ns: &str, name: &str| service_selector(inventory, ns, name);
    let mesh = mesh_reports(
        &rules,
        &selectors,
        &clients,
        timeline,
        scenario.send_unhealthy_endpoints.unwrap_or(false),
        timeline.horizon,
    );
    FailoverReport {
        mode: config.map(|c| c.mode.as_str()),
        health_check: config.map(|c| HealthCheckReport {
            interval_seconds: c.health_check.interval_seconds,
            unhealthy_threshold: c.health_check.unhealthy_threshold,
            healthy_threshold: c.health_check.healthy_threshold,
        }),
        timeline: timeline_out,
        failover,
        mesh,
        cluster: ClusterReport { final_state: disruption.final_state.clone(), events: disruption.events.clone() },
    }
}
