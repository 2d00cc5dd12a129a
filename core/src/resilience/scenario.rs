//! `kind: ChaosScenario` (kubeplay.dev/v1alpha1): the timeline a disruption lab
//! plays (`docs/semantics/disruption.md` §9), its settings (§8.1) and their
//! validation. Every field is optional in serde so a scenario with a mistake
//! still loads and the mistake is reported here with its location, in the
//! scenario's own words, instead of as a schema error that drops the object.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ChaosScenario {
    #[serde(default)]
    pub metadata: ObjectMeta,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<ChaosScenarioSpec>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChaosScenarioSpec {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<SettingsInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observe_at: Option<Vec<i64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<Step>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alerts: Option<Vec<AlertRule>>,
    /// Pods whose sidecar's view the traffic report shows (multi-region.md §6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mesh_clients: Option<Vec<MeshClient>>,
    /// Mesh endpoints include not-Ready pods (multi-region.md §6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub send_unhealthy_endpoints: Option<bool>,
}

/// `spec.settings` as written; [`super::Settings`] is the effective form.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub horizon_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_monitor_grace_period_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_eviction_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secondary_node_eviction_rate: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unhealthy_zone_threshold: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub large_cluster_size_threshold: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_not_ready_toleration_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_unreachable_toleration_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evict_error_retry_delay_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_shutdown_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_startup_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_evaluation_interval_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub topology: Option<String>,
}

/// One step of the timeline. Which fields matter depends on `action`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    #[serde(default)]
    pub at: i64,
    #[serde(default)]
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label_selector: Option<LabelSelector>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dry_run: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore_daemonsets: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delete_emptydir_data: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub force: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_eviction: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_wait_for_delete_timeout_seconds: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pod_selector: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delay_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter_ms: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AlertRule {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub condition: String,
    #[serde(default)]
    pub threshold: i64,
    #[serde(default)]
    pub workload: AlertWorkload,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_seconds: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AlertWorkload {
    #[serde(default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    #[serde(default)]
    pub name: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MeshClient {
    #[serde(default)]
    pub namespace: String,
    #[serde(default)]
    pub pod: String,
}

/// The actions a step may name (§9).
pub const ACTIONS: &[&str] = &[
    "Drain",
    "Cordon",
    "Uncordon",
    "Evict",
    "KillPod",
    "NodeFailure",
    "ZoneFailure",
    "RegionFailure",
    "NodeRecover",
    "NetemDelay",
    "FailRequests",
];
