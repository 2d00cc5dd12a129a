//! Which object an HPA's `scaleTargetRef` names, and whether the controller
//! can scale it (it needs a `scale` subresource).

use k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler;

use crate::model::{Inventory, Kind, Loaded};

/// The kinds kubeplay models that serve `/scale`.
pub const SCALABLE_KINDS: &[Kind] =
    &[Kind::Deployment, Kind::StatefulSet, Kind::ReplicaSet, Kind::ReplicationController];

pub enum Target<'a> {
    Found(&'a Loaded),
    /// Nothing of that kind and name in the HPA's namespace.
    Missing,
    /// Present (or a known kind) but without a scale subresource.
    NotScalable(String),
}

pub fn resolve_target<'a>(inventory: &'a Inventory, hpa_loaded: &Loaded, hpa: &HorizontalPodAutoscaler) -> Target<'a> {
    let reference = &hpa.spec.scale_target_ref;
    let namespace = hpa_loaded.namespace();
    let kind = Kind::from_name(&reference.kind);
    if let Some(kind) = kind
        && !SCALABLE_KINDS.contains(&kind)
    {
        return Target::NotScalable(reference.kind.clone());
    }
    let found = kind.and_then(|kind| {
        inventory.objects.iter().find(|o| o.kind() == kind && o.namespace() == namespace && o.name() == reference.name)
    });
    match found {
        Some(loaded) => Target::Found(loaded),
        None => Target::Missing,
    }
}
