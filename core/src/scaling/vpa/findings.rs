//! Findings about VerticalPodAutoscalers for `analyze` (`vpa.md §4`, `§6`):
//! an `updateMode` the CRD refuses, a target missing from the input, and an
//! HPA scaling the same workload on a resource the VPA sets.

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;

use super::capping::PodResourcePolicy;
use super::simulation::{UPDATE_MODES, resource_policy, update_mode};
use crate::diagnostic::{Area, Diagnostic, Severity, go_quote};
use crate::model::{Inventory, Loaded, Object, VerticalPodAutoscaler};

/// Every VPA finding of the inventory, in input order.
pub fn findings(inventory: &Inventory) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for loaded in &inventory.objects {
        let Object::VerticalPodAutoscaler(vpa) = &loaded.object else { continue };
        update_mode_finding(loaded, vpa, &mut out);
        let mut ignored = Vec::new();
        let policy = resource_policy(vpa, &loaded.origin, &mut ignored);
        out.extend(ignored);
        target_and_hpa_findings(inventory, loaded, vpa, &policy, &mut out);
    }
    out
}

fn update_mode_finding(loaded: &Loaded, vpa: &VerticalPodAutoscaler, out: &mut Vec<Diagnostic>) {
    if update_mode(vpa).is_some() {
        return;
    }
    let written = vpa
        .spec
        .as_ref()
        .and_then(|s| s.update_policy.as_ref())
        .and_then(|p| p.update_mode.as_deref())
        .unwrap_or_default();
    let supported: Vec<String> = UPDATE_MODES.iter().map(|m| go_quote(m)).collect();
    // The spelling the author probably meant, when only the case differs.
    let meant = UPDATE_MODES.iter().find(|m| m.eq_ignore_ascii_case(written)).copied().unwrap_or("Recreate");
    out.push(
        Diagnostic::at(
            Area::Scaling,
            &loaded.origin,
            "spec.updatePolicy.updateMode",
            Severity::Error,
            "vpa-update-mode",
            format!(
                "spec.updatePolicy.updateMode: Unsupported value: {}: supported values: {} (the VPA CRD refuses this VerticalPodAutoscaler)",
                go_quote(written),
                supported.join(", ")
            ),
        )
        .with_fix(&format!("spec:\n  updatePolicy:\n    updateMode: \"{meant}\"")),
    );
}

/// The resources an HPA scales on for the given container names: `Resource`
/// metrics count for every container, `ContainerResource` for theirs. An HPA
/// without metrics scales on CPU (autoscaling/v2 default).
fn hpa_resources(hpa: &HorizontalPodAutoscaler) -> Vec<(Option<String>, String)> {
    let Some(metrics) = hpa.spec.metrics.as_ref().filter(|m| !m.is_empty()) else {
        return vec![(None, "cpu".to_owned())];
    };
    metrics
        .iter()
        .filter_map(|metric| match metric.type_.as_str() {
            "Resource" => metric.resource.as_ref().map(|r| (None, r.name.clone())),
            "ContainerResource" => {
                metric.container_resource.as_ref().map(|r| (Some(r.container.clone()), r.name.clone()))
            }
            _ => None,
        })
        .filter(|(_, resource)| resource == "cpu" || resource == "memory")
        .collect()
}

fn target_and_hpa_findings(
    inventory: &Inventory,
    loaded: &Loaded,
    vpa: &VerticalPodAutoscaler,
    policy: &PodResourcePolicy,
    out: &mut Vec<Diagnostic>,
) {
    let Some(target_ref) = vpa.spec.as_ref().map(|s| &s.target_ref) else { return };
    let namespace = loaded.namespace();
    let target = inventory
        .objects
        .iter()
        .find(|o| o.namespace() == namespace && o.name() == target_ref.name && o.kind().as_str() == target_ref.kind);
    let simulated = |t: &&Loaded| {
        matches!(
            t.object,
            Object::Deployment(_) | Object::StatefulSet(_) | Object::ReplicaSet(_) | Object::DaemonSet(_)
        )
    };
    let Some(target) = target.filter(simulated) else {
        let (severity, code, message) = match target {
            // Upstream follows any controller with a scale subresource; the lab does not.
            Some(other) => (
                Severity::Info,
                "vpa-target-not-simulated",
                format!(
                    "the VPA's target is {} `{}`: kubeplay simulates VPAs of Deployments, StatefulSets, ReplicaSets and DaemonSets only",
                    other.kind(),
                    other.name()
                ),
            ),
            None => (
                Severity::Warning,
                "vpa-target-missing",
                format!(
                    "the VPA's target {} `{}` is not in namespace `{}` of the input, so kubeplay cannot simulate it",
                    target_ref.kind,
                    target_ref.name,
                    namespace.unwrap_or_default()
                ),
            ),
        };
        out.push(Diagnostic::at(Area::Scaling, &loaded.origin, "spec.targetRef", severity, code, message));
        return;
    };
    // `Off` only recommends; every other mode (a refused spelling included: it shows the intent) sets requests.
    let mode = vpa.spec.as_ref().and_then(|s| s.update_policy.as_ref()).and_then(|p| p.update_mode.as_deref());
    if mode == Some("Off") {
        return;
    }
    let containers: Vec<String> = target
        .workload()
        .and_then(|w| w.template.spec.as_ref().map(|s| s.containers.iter().map(|c| c.name.clone()).collect()))
        .unwrap_or_default();
    let controls = |container: &str, resource: &str| {
        !policy.is_off(container) && policy.controlled_resources(container).iter().any(|r| r == resource)
    };
    for hpa_loaded in inventory.objects.iter().filter(|o| o.namespace() == namespace) {
        let Object::HorizontalPodAutoscaler(hpa) = &hpa_loaded.object else { continue };
        let scale_ref = &hpa.spec.scale_target_ref;
        if scale_ref.kind != target_ref.kind || scale_ref.name != target_ref.name {
            continue;
        }
        let mut shared: Vec<String> = Vec::new();
        for (container, resource) in hpa_resources(hpa) {
            let overlaps = match &container {
                Some(c) => controls(c, &resource),
                None => containers.iter().any(|c| controls(c, &resource)),
            };
            if overlaps && !shared.contains(&resource) {
                shared.push(resource);
            }
        }
        if shared.is_empty() {
            continue;
        }
        let fix = if shared.len() == 2 {
            "spec:\n  updatePolicy:\n    updateMode: \"Off\"".to_owned()
        } else {
            let other = if shared[0] == "cpu" { "memory" } else { "cpu" };
            format!(
                "spec:\n  resourcePolicy:\n    containerPolicies:\n    - containerName: \"*\"\n      controlledResources: [\"{other}\"]"
            )
        };
        out.push(
            Diagnostic::at(
                Area::Scaling,
                &loaded.origin,
                "spec.targetRef",
                Severity::Warning,
                "vpa-hpa-same-resource",
                format!(
                    "HorizontalPodAutoscaler `{}` scales {} `{}` on {}, which this VPA also sets: upstream does not support an HPA and a VPA on the same CPU or memory metric (each VPA change moves the HPA's utilization)",
                    hpa_loaded.name(),
                    target_ref.kind,
                    target_ref.name,
                    shared.join(" and ")
                ),
            )
            .with_fix(&fix),
        );
    }
}
