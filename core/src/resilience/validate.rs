//! Invalid scenarios (`docs/semantics/disruption.md` §9, §10): unknown nodes,
//! zones, regions, pods or actions, negative or unordered times, too many
//! steps or seconds, and ClusterPerRegion workloads that pin no region
//! (`multi-region.md` §2.3). Each error is located at the offending field.

use k8s_openapi::api::core::v1::PodSpec;

use super::cluster::{Cluster, REGION_LABEL};
use super::scenario::{ACTIONS, ChaosScenario};
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Kind, Loaded};
use crate::source::Location;

pub const MAX_STEPS: usize = 100_000;
pub const MAX_SECONDS: i64 = 10_000_000;

/// Why the lab cannot run: the message `kubeplay disrupt` prints as
/// `{"error": …}`, and where in the input it comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub message: String,
    pub location: Option<Location>,
}

impl ScenarioError {
    pub fn to_diagnostic(&self) -> Option<Diagnostic> {
        self.location.clone().map(|l| {
            Diagnostic::new(Area::Resilience, Severity::Error, "chaos-scenario-invalid", self.message.clone(), l)
        })
    }
}

/// The one region a pod spec pins: `nodeSelector` or a required node affinity `In` with one value.
pub fn pinned_region(spec: &PodSpec) -> Option<String> {
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
    let mut regions = terms.iter().map(|term| {
        term.match_expressions.iter().flatten().find_map(|e| {
            (e.key == REGION_LABEL && e.operator == "In" && e.values.as_ref().is_some_and(|v| v.len() == 1))
                .then(|| e.values.as_ref().map(|v| v[0].clone()))
                .flatten()
        })
    });
    let first = regions.next()??;
    regions.all(|r| r.as_deref() == Some(first.as_str())).then_some(first)
}

fn error(loaded: &Loaded, path: &str, message: String) -> ScenarioError {
    ScenarioError { message, location: Some(loaded.origin.location(path)) }
}

/// Checks the scenario against the cluster it will run on.
pub fn check_scenario(cluster: &Cluster, loaded: &Loaded, scenario: &ChaosScenario) -> Result<(), ScenarioError> {
    let name = loaded.name();
    let spec = scenario.spec.clone().unwrap_or_default();
    let steps = spec.steps.unwrap_or_default();
    if steps.len() > MAX_STEPS {
        return Err(error(
            loaded,
            "spec.steps",
            format!("ChaosScenario {name}: {} steps, at most {MAX_STEPS} are allowed", steps.len()),
        ));
    }
    let horizon = cluster.settings.horizon_seconds;
    if !(0..=MAX_SECONDS).contains(&horizon) {
        return Err(error(
            loaded,
            "spec.settings.horizonSeconds",
            format!(
                "ChaosScenario {name}: spec.settings.horizonSeconds must be between 0 and {MAX_SECONDS}, got {horizon}"
            ),
        ));
    }
    for (i, t) in spec.observe_at.iter().flatten().enumerate() {
        if !(0..=MAX_SECONDS).contains(t) {
            return Err(error(
                loaded,
                &format!("spec.observeAt[{i}]"),
                format!(
                    "ChaosScenario {name}: spec.observeAt[{i}] must be between 0 and {MAX_SECONDS} seconds, got {t}"
                ),
            ));
        }
    }
    let mut previous = 0;
    for (i, step) in steps.iter().enumerate() {
        let path = format!("spec.steps[{i}]");
        if step.at < 0 {
            return Err(error(
                loaded,
                &format!("{path}.at"),
                format!("ChaosScenario {name}: {path}.at must not be negative, got {}", step.at),
            ));
        }
        if step.at > MAX_SECONDS {
            return Err(error(
                loaded,
                &format!("{path}.at"),
                format!("ChaosScenario {name}: {path}.at must be at most {MAX_SECONDS} seconds, got {}", step.at),
            ));
        }
        if step.at < previous {
            return Err(error(
                loaded,
                &format!("{path}.at"),
                format!(
                    "ChaosScenario {name}: steps must be in time order: {path}.at is {} after a step at {previous}",
                    step.at
                ),
            ));
        }
        previous = step.at;
        if !ACTIONS.contains(&step.action.as_str()) {
            return Err(error(
                loaded,
                &format!("{path}.action"),
                format!(
                    "ChaosScenario {name}: {path}.action: unknown action {:?} (one of {})",
                    step.action,
                    ACTIONS.join(", ")
                ),
            ));
        }
        let need = |field: &str, value: &Option<String>| -> Result<String, ScenarioError> {
            value.clone().ok_or_else(|| {
                error(loaded, &path, format!("ChaosScenario {name}: {path} ({}) needs `{field}`", step.action))
            })
        };
        let node_exists = |node: &str, field: &str| -> Result<(), ScenarioError> {
            if cluster.node_index.contains_key(node) {
                Ok(())
            } else {
                Err(error(
                    loaded,
                    &format!("{path}.{field}"),
                    format!("ChaosScenario {name}: {path}.{field}: node {node:?} not found"),
                ))
            }
        };
        match step.action.as_str() {
            "Drain" | "Cordon" | "Uncordon" | "NodeFailure" => node_exists(&need("node", &step.node)?, "node")?,
            "ZoneFailure" => check_zone(cluster, loaded, &path, name, &need("zone", &step.zone)?)?,
            "RegionFailure" => check_region(cluster, loaded, &path, name, &need("region", &step.region)?)?,
            "NodeRecover" => match (&step.node, &step.zone, &step.region) {
                (Some(node), _, _) => node_exists(node, "node")?,
                (None, Some(zone), _) => check_zone(cluster, loaded, &path, name, zone)?,
                (None, None, Some(region)) => check_region(cluster, loaded, &path, name, region)?,
                _ => {
                    return Err(error(
                        loaded,
                        &path,
                        format!("ChaosScenario {name}: {path} (NodeRecover) needs `node`, `zone` or `region`"),
                    ));
                }
            },
            "Evict" => {
                let pod = need("pod", &step.pod)?;
                let namespace = step.namespace.clone().unwrap_or_else(|| "default".to_owned());
                if !cluster.pods.iter().any(|p| p.namespace == namespace && p.name == pod) {
                    return Err(error(
                        loaded,
                        &format!("{path}.pod"),
                        format!("ChaosScenario {name}: {path}.pod: pod \"{namespace}/{pod}\" not found"),
                    ));
                }
            }
            _ => {}
        }
        if step.action == "Drain"
            && let Some(selector) = &step.pod_selector
            && super::drain::parse_pod_selector(selector).is_none()
        {
            return Err(error(
                loaded,
                &format!("{path}.podSelector"),
                "--pod-selector=<pod_selector> must be a valid label selector".to_owned(),
            ));
        }
    }
    for (i, alert) in spec.alerts.iter().flatten().enumerate() {
        if alert.condition != "ReadyReplicasBelow" {
            return Err(error(
                loaded,
                &format!("spec.alerts[{i}].condition"),
                format!(
                    "ChaosScenario {name}: spec.alerts[{i}].condition: unknown condition {:?} (one of ReadyReplicasBelow)",
                    alert.condition
                ),
            ));
        }
        if alert.for_seconds.is_some_and(|s| s < 0) {
            return Err(error(
                loaded,
                &format!("spec.alerts[{i}].forSeconds"),
                format!("ChaosScenario {name}: spec.alerts[{i}].forSeconds must not be negative"),
            ));
        }
    }
    Ok(())
}

fn check_zone(cluster: &Cluster, loaded: &Loaded, path: &str, name: &str, zone: &str) -> Result<(), ScenarioError> {
    if cluster.nodes.iter().any(|n| n.zone == zone) {
        Ok(())
    } else {
        Err(error(
            loaded,
            &format!("{path}.zone"),
            format!("ChaosScenario {name}: {path}.zone: no node in zone {zone:?}"),
        ))
    }
}

fn check_region(cluster: &Cluster, loaded: &Loaded, path: &str, name: &str, region: &str) -> Result<(), ScenarioError> {
    if cluster.nodes.iter().any(|n| n.region == region) {
        Ok(())
    } else {
        Err(error(
            loaded,
            &format!("{path}.region"),
            format!("ChaosScenario {name}: {path}.region: no node in region {region:?}"),
        ))
    }
}

/// multi-region.md §2.3 (c): under ClusterPerRegion every workload but
/// DaemonSets, and every unbound bare pod, pins exactly one region.
pub fn check_cluster_per_region(cluster: &mut Cluster) -> Result<(), ScenarioError> {
    for c in 0..cluster.controllers.len() {
        let controller = &cluster.controllers[c];
        if controller.kind == Kind::DaemonSet {
            continue;
        }
        let spec = controller.template.spec.clone().unwrap_or_default();
        match pinned_region(&spec) {
            Some(region) => cluster.controllers[c].region = Some(region),
            None => {
                let loaded = &cluster.inventory.objects[controller.object];
                return Err(error(
                    loaded,
                    &format!("{}.spec", loaded.workload().map_or("spec.template", |w| w.template_path)),
                    format!(
                        "topology ClusterPerRegion: {} {}/{} must select exactly one region (nodeSelector or required node affinity on topology.kubernetes.io/region)",
                        controller.kind, controller.namespace, controller.name
                    ),
                ));
            }
        }
    }
    for loaded in cluster.inventory.of_kind(Kind::Pod) {
        let Some(workload) = loaded.workload() else { continue };
        let spec = workload.template.spec.clone().unwrap_or_default();
        let owned = crate::resilience::cluster::controller_of(loaded.object.metadata()).is_some();
        if spec.node_name.is_none() && !owned && pinned_region(&spec).is_none() {
            return Err(error(
                loaded,
                "spec",
                format!(
                    "topology ClusterPerRegion: Pod {}/{} must select exactly one region (nodeSelector or required node affinity on topology.kubernetes.io/region)",
                    workload.namespace, workload.name
                ),
            ));
        }
    }
    Ok(())
}
