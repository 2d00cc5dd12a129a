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

impl ChaosScenario {
    /// A new scenario with no steps, for a front end that starts one.
    pub fn named(name: &str) -> ChaosScenario {
        ChaosScenario {
            metadata: ObjectMeta { name: Some(name.to_owned()), ..ObjectMeta::default() },
            spec: Some(ChaosScenarioSpec::default()),
        }
    }

    /// Adds `step` after every step at or before its time, so steps stay in time order (§9).
    pub fn insert_step(&mut self, step: Step) {
        let steps = self.spec.get_or_insert_with(ChaosScenarioSpec::default).steps.get_or_insert_with(Vec::new);
        let index = steps.partition_point(|s| s.at <= step.at);
        steps.insert(index, step);
    }

    /// The scenario as one YAML document (apiVersion and kind first, one flow
    /// mapping per step), for front ends that write it back into the input.
    pub fn document(&self) -> String {
        let mut out = String::from("apiVersion: kubeplay.dev/v1alpha1\nkind: ChaosScenario\n");
        out.push_str(&crate::load::to_yaml(&serde_json::json!({ "metadata": self.metadata })));
        let Some(spec) = &self.spec else { return out };
        out.push_str("spec:\n");
        let mut rest = spec.clone();
        let steps = rest.steps.take();
        let alerts = rest.alerts.take();
        for line in crate::load::to_yaml(&rest).lines().filter(|l| *l != "{}") {
            out.push_str(&format!("  {line}\n"));
        }
        if let Some(alerts) = alerts {
            out.push_str("  alerts:\n");
            for alert in alerts {
                out.push_str(&format!("  - {}\n", flow(&serde_json::to_value(alert).unwrap_or_default())));
            }
        }
        if let Some(steps) = steps {
            out.push_str("  steps:\n");
            for step in steps {
                out.push_str(&format!("  - {}\n", flow(&serde_json::to_value(step).unwrap_or_default())));
            }
        }
        out
    }
}

/// A JSON value as a YAML flow node: plain scalars where YAML reads them back
/// as the same string, JSON's double quotes (valid YAML) otherwise.
fn flow(value: &serde_json::Value) -> String {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            // `at` and `action` (a step's when and what) and `name` lead; the rest in key order.
            let first = |k: &str| ["at", "action", "name"].iter().position(|f| *f == k).unwrap_or(3);
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            crate::sort::sort_by_key(&mut entries, |(k, _)| first(k));
            let items: Vec<String> = entries.iter().map(|(k, v)| format!("{}: {}", flow_str(k), flow(v))).collect();
            format!("{{{}}}", items.join(", "))
        }
        Value::Array(items) => format!("[{}]", items.iter().map(flow).collect::<Vec<_>>().join(", ")),
        Value::String(s) => flow_str(s),
        other => other.to_string(),
    }
}

fn flow_str(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "null" | "yes" | "no" | "on" | "off" | "y" | "n" | "nan" | "inf"
        );
    if plain { s.to_owned() } else { serde_json::Value::String(s.to_owned()).to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_added_to_a_scenario_reads_back_in_time_order() {
        let text = "apiVersion: kubeplay.dev/v1alpha1\nkind: ChaosScenario\nmetadata: {name: lab}\nspec:\n  settings: {horizonSeconds: 600}\n  alerts:\n  - {name: A, condition: ReadyReplicasBelow, threshold: 3, workload: {kind: Deployment, name: api}}\n  steps:\n  - {at: 60, action: RegionFailure, region: east}\n";
        let loading = crate::load(&[crate::load::Input::new("s.yaml", text)]);
        let Some(crate::model::Object::ChaosScenario(scenario)) = loading.inventory.objects.first().map(|o| &o.object)
        else {
            panic!("a scenario: {:?}", loading.diagnostics)
        };
        let mut scenario = scenario.as_ref().clone();
        let mut selector = std::collections::BTreeMap::new();
        selector.insert("app".to_owned(), "true".to_owned());
        scenario.insert_step(Step {
            at: 30,
            action: "KillPod".to_owned(),
            namespace: Some("shop".to_owned()),
            label_selector: Some(LabelSelector { match_labels: Some(selector), ..LabelSelector::default() }),
            seed: Some(0),
            ..Step::default()
        });
        let document = scenario.document();
        assert!(document.contains("  - {at: 30, action: KillPod, labelSelector: {matchLabels: {app: \"true\"}}, namespace: shop, seed: 0}\n  - {at: 60, action: RegionFailure, region: east}\n"), "{document}");
        let again = crate::load(&[crate::load::Input::new("s.yaml", &document)]);
        assert!(again.diagnostics.is_empty(), "{:?}", again.diagnostics);
        let Some(crate::model::Object::ChaosScenario(read)) = again.inventory.objects.first().map(|o| &o.object) else {
            panic!("a scenario")
        };
        assert_eq!(read.as_ref(), &scenario);
    }
}
