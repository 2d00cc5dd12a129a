//! `kubeplay failover`'s report (`multi-region.md §10`): the load balancer at
//! every observed instant, the failover summary, the mesh report and the
//! cluster the timeline came from.

use serde::Serialize;

use super::config::{GlbConfig, configure, service_selector};
use super::interim::{ClusterInput, build_timeline, read_cluster_input, state_json};
use super::mesh::{MeshReport, mesh_reports};
use super::routing::{FailoverSummary, Observation, Router};
use super::timeline::EndpointTimeline;
use crate::diagnostic::Diagnostic;
use crate::load::{Input, Loading, load};
use crate::model::Object;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheckReport {
    pub interval_seconds: i64,
    pub unhealthy_threshold: i64,
    pub healthy_threshold: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailoverReport {
    /// `Proxy` or `DNS`; `null` without a GlobalLoadBalancer.
    pub mode: Option<&'static str>,
    pub health_check: Option<HealthCheckReport>,
    pub timeline: Vec<Observation>,
    pub failover: Vec<FailoverSummary>,
    pub mesh: Vec<MeshReport>,
    /// `{"final": STATE, "events": [...]}`, as `kubeplay disrupt` prints them (`disruption.md`).
    pub cluster: serde_json::Value,
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
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())
        }
        serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// The lab over the inputs: `Err` with the message of `{"error": …}` for
/// invalid input (exit status 2), else the report and the loader's diagnostics.
pub fn failover(inputs: &[Input<'_>]) -> Result<(FailoverReport, Vec<Diagnostic>), String> {
    let loading = load(inputs);
    let cluster = read_cluster_input(inputs)?;
    let report = failover_loaded(&loading, &cluster)?;
    Ok((report, loading.diagnostics))
}

/// [`failover`] over what was already loaded and read.
pub fn failover_loaded(loading: &Loading, cluster: &ClusterInput) -> Result<FailoverReport, String> {
    let (config, diagnostics) = configure(&loading.inventory);
    if let Some(error) = diagnostics.iter().find(|d| d.is_error()) {
        return Err(error.message.clone());
    }
    cluster.validate()?;
    super::interim::check_cluster_per_region(&loading.inventory, cluster)?;
    let (timeline, events) = build_timeline(&loading.inventory, cluster);
    for (index, client) in cluster.scenario.mesh_clients.iter().enumerate() {
        if !timeline.pods.iter().any(|p| p.namespace == client.namespace && p.name == client.pod) {
            return Err(format!(
                "ChaosScenario meshClients[{index}]: pod {}/{} does not exist",
                client.namespace, client.pod
            ));
        }
    }
    let config = config.map(|(config, _)| config);
    Ok(run(config.as_ref(), loading, cluster, &timeline, events))
}

fn run(
    config: Option<&GlbConfig>,
    loading: &Loading,
    cluster: &ClusterInput,
    timeline: &EndpointTimeline,
    events: Vec<serde_json::Value>,
) -> FailoverReport {
    let observe_at = cluster.observe_at();
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
    let rules: Vec<(String, &super::objects::DestinationRule)> = loading
        .inventory
        .objects
        .iter()
        .filter_map(|o| match &o.object {
            Object::DestinationRule(rule) => Some((o.namespace().unwrap_or_default().to_owned(), rule.as_ref())),
            _ => None,
        })
        .collect();
    let clients: Vec<(String, String)> =
        cluster.scenario.mesh_clients.iter().map(|c| (c.namespace.clone(), c.pod.clone())).collect();
    let selectors = |ns: &str, name: &str| service_selector(&loading.inventory, ns, name);
    let mesh = mesh_reports(
        &rules,
        &selectors,
        &clients,
        timeline,
        cluster.scenario.send_unhealthy_endpoints,
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
        cluster: serde_json::json!({"final": state_json(timeline, timeline.horizon), "events": events}),
    }
}
