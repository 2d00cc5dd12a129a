//! `check_restrictedVolumes.go`: only the volume types that carry no host access.

use std::collections::BTreeSet;

use k8s_openapi::api::core::v1::Volume;

use super::Level;
use super::helpers::{Outcome, fail, join_quote, pluralize};
use super::registry::CheckDef;
use super::visitor::PodView;

pub(super) const CHECK: CheckDef =
    CheckDef::new("restrictedVolumes", Level::Restricted, 0, Some("hostPathVolumes"), check);

/// Volume source type names as upstream's restrictedVolumes check spells them;
/// `None` when the volume has no source.
pub(crate) fn volume_source_type(v: &Volume) -> Option<&'static str> {
    let sources: [(bool, &str); 30] = [
        (v.config_map.is_some(), "configMap"),
        (v.csi.is_some(), "csi"),
        (v.downward_api.is_some(), "downwardAPI"),
        (v.empty_dir.is_some(), "emptyDir"),
        (v.ephemeral.is_some(), "ephemeral"),
        (v.image.is_some(), "image"),
        (v.persistent_volume_claim.is_some(), "persistentVolumeClaim"),
        (v.projected.is_some(), "projected"),
        (v.secret.is_some(), "secret"),
        (v.host_path.is_some(), "hostPath"),
        (v.gce_persistent_disk.is_some(), "gcePersistentDisk"),
        (v.aws_elastic_block_store.is_some(), "awsElasticBlockStore"),
        (v.git_repo.is_some(), "gitRepo"),
        (v.nfs.is_some(), "nfs"),
        (v.iscsi.is_some(), "iscsi"),
        (v.glusterfs.is_some(), "glusterfs"),
        (v.rbd.is_some(), "rbd"),
        (v.flex_volume.is_some(), "flexVolume"),
        (v.cinder.is_some(), "cinder"),
        (v.cephfs.is_some(), "cephfs"),
        (v.flocker.is_some(), "flocker"),
        (v.fc.is_some(), "fc"),
        (v.azure_file.is_some(), "azureFile"),
        (v.vsphere_volume.is_some(), "vsphereVolume"),
        (v.quobyte.is_some(), "quobyte"),
        (v.azure_disk.is_some(), "azureDisk"),
        (v.photon_persistent_disk.is_some(), "photonPersistentDisk"),
        (v.portworx_volume.is_some(), "portworxVolume"),
        (v.scale_io.is_some(), "scaleIO"),
        (v.storageos.is_some(), "storageos"),
    ];
    sources.iter().find(|(set, _)| *set).map(|&(_, name)| name)
}

const ALLOWED_TYPES: &[&str] = &[
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
];

fn check(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut types = BTreeSet::new();
    let mut paths = Vec::new();
    for (i, v) in pod.spec.volumes.iter().flatten().enumerate() {
        // evaluate() has already defaulted a sourceless volume to emptyDir.
        let kind = volume_source_type(v).unwrap_or("unknown");
        if ALLOWED_TYPES.contains(&kind) {
            continue;
        }
        names.push(v.name.as_str());
        types.insert(kind);
        paths.push(format!("spec.volumes[{i}]"));
    }
    if names.is_empty() {
        return None;
    }
    let types: Vec<&str> = types.into_iter().collect();
    fail(
        "restricted volume types",
        format!(
            "{} {} {} {} {}",
            pluralize("volume", "volumes", names.len()),
            join_quote(&names),
            pluralize("uses", "use", names.len()),
            pluralize("restricted volume type", "restricted volume types", types.len()),
            join_quote(&types)
        ),
        paths,
    )
}
