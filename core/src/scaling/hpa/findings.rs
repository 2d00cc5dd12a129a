//! Located findings about HorizontalPodAutoscalers, for `analyze`
//! (`docs/semantics/hpa.md §6`): targets the
//! controller cannot scale, utilization metrics it cannot compute, and
//! maxReplicas beyond what quota can hold.

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;

use super::controller::defaulted_metrics;
use super::target::{Target, resolve_target};
use crate::admission::Cluster;
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Inventory, Loaded, Object};

/// Every HPA finding of the inventory, in input order; `cluster` is the
/// inventory after admission (LimitRange defaults, quota usage).
pub fn findings(inventory: &Inventory, cluster: &Cluster) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for loaded in &inventory.objects {
        let Object::HorizontalPodAutoscaler(hpa) = &loaded.object else { continue };
        // What the API server refuses (bounds, an empty target) is the validation module's
        // `hpa-replicas`; a target without kind or name has nothing to look up.
        if hpa.spec.scale_target_ref.kind.is_empty() || hpa.spec.scale_target_ref.name.is_empty() {
            continue;
        }
        match resolve_target(inventory, loaded, hpa) {
            Target::Found(target) => {
                utilization_without_request(loaded, hpa, target, cluster, &mut out);
                exceeds_quota(loaded, hpa, target, cluster, &mut out);
            }
            Target::Missing => {
                let reference = &hpa.spec.scale_target_ref;
                out.push(
                    Diagnostic::at(
                        Area::Scaling,
                        &loaded.origin,
                        "spec.scaleTargetRef",
                        Severity::Warning,
                        "hpa-target-missing",
                        format!(
                            "{} scales {} {}, which is not in the input; the controller reports FailedGetScale until it exists",
                            loaded.name(),
                            reference.kind,
                            reference.name
                        ),
                    )
                    .with_fix(&format!(
                        "# add the {} {} to the input, or point scaleTargetRef at a workload that is",
                        reference.kind, reference.name
                    )),
                );
            }
            Target::NotScalable(kind) => {
                let reference = &hpa.spec.scale_target_ref;
                out.push(
                    Diagnostic::at(
                        Area::Scaling,
                        &loaded.origin,
                        "spec.scaleTargetRef.kind",
                        Severity::Error,
                        "hpa-target-not-scalable",
                        format!(
                            "{} scales {kind} {}, which has no scale subresource; the controller cannot get its scale (only Deployment, StatefulSet, ReplicaSet and ReplicationController have one)",
                            loaded.name(),
                            reference.name
                        ),
                    )
                    .with_fix(&format!(
                        "scaleTargetRef:\n  apiVersion: apps/v1\n  kind: Deployment\n  name: {}",
                        reference.name
                    )),
                );
            }
        }
    }
    out
}

/// A Utilization target over a container without that request: the replica
/// calculator fails with "missing request for <res> in container <c>"
/// (`hpa.md §3.1` step 1), so the metric is never valid.
fn utilization_without_request(
    loaded: &Loaded,
    hpa: &HorizontalPodAutoscaler,
    target: &Loaded,
    cluster: &Cluster,
    out: &mut Vec<Diagnostic>,
) {
    let Some(pod) = target.namespace().and_then(|ns| cluster.workload_pod(target.kind(), ns, target.name())) else {
        return;
    };
    let explicit = hpa.spec.metrics.as_ref().is_some_and(|m| !m.is_empty());
    for (index, metric) in defaulted_metrics(&hpa.spec).iter().enumerate() {
        let (resource, container, target_spec) =
            match (metric.type_.as_str(), &metric.resource, &metric.container_resource) {
                ("Resource", Some(r), _) => (r.name.as_str(), None, &r.target),
                ("ContainerResource", _, Some(c)) => (c.name.as_str(), Some(c.container.as_str()), &c.target),
                _ => continue,
            };
        if target_spec.average_utilization.is_none() || target_spec.average_value.is_some() {
            continue;
        }
        // Pod-level requests answer for every container (PodLevelResources).
        if container.is_none() && pod.pod_requests.contains_key(resource) {
            continue;
        }
        let sidecars = pod.init_containers.iter().filter(|c| c.sidecar);
        let lacking = pod
            .containers
            .iter()
            .chain(sidecars)
            .filter(|c| container.is_none_or(|name| name == c.name))
            .find(|c| !c.requests.contains_key(resource));
        let Some(lacking) = lacking else { continue };
        let path = if explicit { format!("spec.metrics[{index}]") } else { "spec".to_owned() };
        out.push(
            Diagnostic::at(
                Area::Scaling,
                &loaded.origin,
                &path,
                Severity::Error,
                "hpa-utilization-without-request",
                format!(
                    "{} cannot compute {resource} utilization: container {} of {} {} has no {resource} request (the controller reports \"missing request for {resource} in container {}\"); set the request, or target an AverageValue",
                    loaded.name(),
                    lacking.name,
                    target.kind(),
                    target.name(),
                    lacking.name
                ),
            )
            .with_fix(&format!("resources:\n  requests:\n    {resource}: {}", if resource == "memory" { "128Mi" } else { "100m" })),
        );
    }
}

/// An HPA whose maxReplicas the namespace's quotas can never hold.
fn exceeds_quota(
    loaded: &Loaded,
    hpa: &HorizontalPodAutoscaler,
    target: &Loaded,
    cluster: &Cluster,
    out: &mut Vec<Diagnostic>,
) {
    let max_replicas = i64::from(hpa.spec.max_replicas);
    let Some(view) = target.namespace().and_then(|ns| cluster.workload_quotas(target.kind(), ns, target.name())) else {
        return;
    };
    for (quota, per_pod) in &view.quotas {
        // The tightest resource of this quota: how many pods of the workload it can ever hold.
        let mut tightest: Option<(i64, String)> = None;
        for (resource, each) in per_pod {
            let (Some(hard), Some(used)) = (quota.hard.get(resource), quota.used.get(resource)) else {
                continue;
            };
            let Some(headroom) = hard.checked_sub(used) else {
                continue;
            };
            let Some(extra) = headroom.div_floor(each) else {
                continue;
            };
            let fit = view.admitted + extra.max(0);
            if tightest.as_ref().is_none_or(|(best, _)| fit < *best) {
                tightest = Some((fit, format!("{resource}: each pod needs {each}, used {used} of {hard}")));
            }
        }
        if let Some((fit, detail)) = tightest
            && fit < max_replicas
        {
            out.push(Diagnostic::at(
                Area::Scaling,
                &loaded.origin,
                "spec.maxReplicas",
                Severity::Warning,
                "hpa-exceeds-quota",
                format!(
                    "{} can never reach maxReplicas {max_replicas}: quota {} holds at most {fit} pods of {} {} ({detail})",
                    loaded.name(),
                    quota.name,
                    target.kind(),
                    target.name()
                ),
            ));
        }
    }
}
