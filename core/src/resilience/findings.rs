//! What `analyze` says about resilience (`docs/semantics/disruption.md` §11):
//! budgets that block every drain, budgets an autoscaler can starve, and
//! replicas nothing keeps out of one zone. One replica and a Service in front
//! of pods without a readiness probe are the best-practice rules
//! `single-replica` and `readiness-probe-missing` (`core/src/security/practices.rs`);
//! the single-replica predicate lives here and practices calls it.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::PodSpec;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::Settings;
use super::cluster::{Cluster, ZONE_LABEL};
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Inventory, Kind, Object, Workload};

/// Pods the steady-state check builds at most (larger inputs skip the budget findings).
const MAX_STEADY_STATE_PODS: usize = 50_000;

/// A replicated kind asking for fewer than two pods: any disruption is an outage.
pub fn is_single_replica(workload: &Workload) -> bool {
    matches!(workload.kind, Kind::Deployment | Kind::StatefulSet | Kind::ReplicaSet | Kind::ReplicationController)
        && workload.replicas.is_some_and(|r| r < 2)
}

pub fn findings(inventory: &Inventory) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if inventory.of_kind(Kind::PodDisruptionBudget).next().is_some() {
        blocking_budgets(inventory, &mut out);
        budgets_against_autoscalers(inventory, &mut out);
    }
    single_zone_replicas(inventory, &mut out);
    out
}

fn budget_path(pdb: &k8s_openapi::api::policy::v1::PodDisruptionBudget) -> &'static str {
    match pdb.spec.as_ref() {
        Some(spec) if spec.max_unavailable.is_some() => "spec.maxUnavailable",
        Some(spec) if spec.min_available.is_some() => "spec.minAvailable",
        _ => "spec",
    }
}

/// Steady state: every pod of the input and of every workload running and Ready.
fn blocking_budgets(inventory: &Inventory, out: &mut Vec<Diagnostic>) {
    let mut cluster = Cluster::new(inventory, Settings::default());
    for loaded in &inventory.objects {
        if let Object::Pod(pod) = &loaded.object {
            cluster.add_input_pod(loaded, pod);
        }
    }
    let mut expected = 0usize;
    for c in 0..cluster.controllers.len() {
        if cluster.controllers[c].kind == Kind::DaemonSet {
            continue;
        }
        expected += usize::try_from(cluster.controllers[c].replicas.max(0)).unwrap_or(0);
        if expected > MAX_STEADY_STATE_PODS {
            return;
        }
        for p in cluster.expand(c) {
            let pod = &mut cluster.pods[p];
            pod.phase = "Running".to_owned();
            pod.ready = true;
        }
    }
    for (i, pdb) in cluster.pdbs.iter().enumerate() {
        let pods = cluster.pods_of_pdb(i);
        let Some(&first) = pods.first() else { continue };
        // Steady state: only budgets whose pods are all healthy.
        if pods.iter().any(|&p| !cluster.pods[p].ready || cluster.pods[p].terminating()) {
            continue;
        }
        let status = cluster.pdb_status(i);
        if status.allowed > 0 {
            continue;
        }
        let loaded = &inventory.objects[pdb.object];
        let Object::PodDisruptionBudget(object) = &loaded.object else { continue };
        // A budget without minAvailable or maxUnavailable is the best-practice
        // rule `pdb-policy-missing`, which says why it blocks.
        if object.spec.as_ref().is_none_or(|s| s.min_available.is_none() && s.max_unavailable.is_none()) {
            continue;
        }
        let pod = &cluster.pods[first];
        let why = match &status.sync_error {
            Some(error) => format!("its status cannot be computed ({error})"),
            None => format!("it needs {} healthy pods and has {}", status.desired, status.current),
        };
        out.push(
            Diagnostic::at(
                Area::Resilience,
                &loaded.origin,
                budget_path(object),
                Severity::Warning,
                "pdb-blocks-drain",
                format!(
                    "PodDisruptionBudget {:?} allows no disruption with every pod healthy ({why}): every drain of their nodes blocks, printing `error when evicting pods/{:?} -n {:?} (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.`",
                    pdb.name, pod.name, pod.namespace
                ),
            )
            .with_fix("spec:\n  maxUnavailable: 1"),
        );
    }
}

/// A budget with an integer minAvailable at or above its autoscaler's minReplicas.
fn budgets_against_autoscalers(inventory: &Inventory, out: &mut Vec<Diagnostic>) {
    for hpa_loaded in inventory.of_kind(Kind::HorizontalPodAutoscaler) {
        let Object::HorizontalPodAutoscaler(hpa) = &hpa_loaded.object else { continue };
        let spec = &hpa.spec;
        let min_replicas = i64::from(spec.min_replicas.unwrap_or(1));
        let namespace = hpa_loaded.namespace().unwrap_or("default");
        let target = inventory.objects.iter().find(|o| {
            o.kind().as_str() == spec.scale_target_ref.kind
                && o.name() == spec.scale_target_ref.name
                && o.namespace() == Some(namespace)
        });
        let Some(workload) = target.and_then(|t| t.workload()) else { continue };
        let labels = workload.template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
        for pdb_loaded in inventory.of_kind(Kind::PodDisruptionBudget) {
            let Object::PodDisruptionBudget(pdb) = &pdb_loaded.object else { continue };
            if pdb_loaded.namespace() != Some(namespace) {
                continue;
            }
            let Some(pdb_spec) = pdb.spec.as_ref() else { continue };
            let selects = pdb_spec
                .selector
                .as_ref()
                .and_then(|s| crate::netpol::selector::Selector::compile(s).ok())
                .is_some_and(|s| s.matches(&labels));
            let min_available = match &pdb_spec.min_available {
                Some(IntOrString::Int(n)) if pdb_spec.max_unavailable.is_none() => i64::from(*n),
                Some(IntOrString::String(s)) if s == "100%" && pdb_spec.max_unavailable.is_none() => min_replicas,
                _ => continue,
            };
            if selects && min_available >= min_replicas {
                out.push(
                    Diagnostic::at(
                        Area::Resilience,
                        &pdb_loaded.origin,
                        "spec.minAvailable",
                        Severity::Warning,
                        "pdb-min-available-at-hpa-min",
                        format!(
                            "PodDisruptionBudget {:?} keeps {min_available} pods available while HorizontalPodAutoscaler {:?} may scale {} {:?} down to {min_replicas}: at that size no pod can be evicted and drains block",
                            pdb_loaded.name(),
                            hpa_loaded.name(),
                            workload.kind,
                            workload.name
                        ),
                    )
                    .with_fix("spec:\n  maxUnavailable: 1"),
                );
            }
        }
    }
}

/// Something keeps replicas apart across zones: a DoNotSchedule spread
/// constraint or required anti-affinity on the zone label.
fn spreads_over_zones(spec: &PodSpec) -> bool {
    let spread = spec
        .topology_spread_constraints
        .iter()
        .flatten()
        .any(|c| c.topology_key == ZONE_LABEL && c.when_unsatisfiable == "DoNotSchedule");
    let anti = spec
        .affinity
        .as_ref()
        .and_then(|a| a.pod_anti_affinity.as_ref())
        .and_then(|a| a.required_during_scheduling_ignored_during_execution.as_ref())
        .is_some_and(|terms| terms.iter().any(|t| t.topology_key == ZONE_LABEL));
    spread || anti
}

/// Only when the input describes nodes in several zones: then a zone outage is a question it can answer.
fn single_zone_replicas(inventory: &Inventory, out: &mut Vec<Diagnostic>) {
    let zones: BTreeSet<&str> =
        inventory.of_kind(Kind::Node).filter_map(|n| n.labels().get(ZONE_LABEL).map(String::as_str)).collect();
    if zones.len() < 2 {
        return;
    }
    for loaded in &inventory.objects {
        let Some(workload) = loaded.workload() else { continue };
        if !matches!(
            workload.kind,
            Kind::Deployment | Kind::StatefulSet | Kind::ReplicaSet | Kind::ReplicationController
        ) || workload.replicas.is_none_or(|r| r < 2)
            || crate::resilience::cluster::controller_of(loaded.object.metadata()).is_some()
        {
            continue;
        }
        let spec = workload.template.spec.clone().unwrap_or_default();
        if spreads_over_zones(&spec) {
            continue;
        }
        out.push(
            Diagnostic::at(
                Area::Resilience,
                &loaded.origin,
                &workload.pod_spec_path(),
                Severity::Warning,
                "replicas-in-one-zone",
                format!(
                    "{} {:?}: nothing keeps its {} replicas out of a single zone (no DoNotSchedule topology spread constraint or required anti-affinity on {ZONE_LABEL}): one zone outage can take them all",
                    workload.kind,
                    workload.name,
                    workload.replicas.unwrap_or(0)
                ),
            )
            .with_fix(&format!(
                "topologySpreadConstraints:\n- maxSkew: 1\n  topologyKey: {ZONE_LABEL}\n  whenUnsatisfiable: DoNotSchedule\n  labelSelector:\n    matchLabels: {{}}  # the pod's labels"
            )),
        );
    }
}
