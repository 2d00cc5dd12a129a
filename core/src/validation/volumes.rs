//! pkg/apis/core/validation/validation.go: a pod's volumes (`ValidateVolumes`,
//! `validateVolumeSource` and the source validators of the kinds people write:
//! emptyDir, hostPath, secret, configMap, persistentVolumeClaim, nfs,
//! downwardAPI, projected, csi, ephemeral, image) and a container's mounts
//! (`ValidateVolumeMounts`). The other, mostly removed in-tree sources (cloud
//! disks, iSCSI, RBD, Ceph, …) are checked in `in_tree_volumes.rs`.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    Container, DownwardAPIVolumeFile, KeyToPath, PodSpec, Volume, VolumeMount, VolumeProjection,
};

use super::env::{VOLUME_FIELD_PATHS, object_field_selector, resource_field_selector};
use super::field::{
    forbidden, has_backsteps, invalid, local_descending_path_problems, not_found, not_supported, quoted, required,
    too_long,
};
use super::{Found, Rule, rule};
use crate::load::NameRule;

/// `fileModeErrorMsg`.
const FILE_MODE: &str = "must be a number between 0 and 0777 (octal), both inclusive";
/// `supportedHostPathTypes`, as `sets.List` sorts them (the unset type is "").
const HOST_PATH_TYPES: [&str; 8] =
    ["", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"];
const PULL_POLICIES: [&str; 3] = ["Always", "IfNotPresent", "Never"];

fn push(out: &mut Vec<Found>, rule: &'static Rule, at: &str, message: String) {
    out.push(Found::new(rule, at.to_owned(), message));
}

/// `ValidateVolumes`: each volume's source, then its name (set, a DNS label,
/// unique). Only a volume without any error is known to the containers'
/// mounts (upstream adds it to the map they look names up in only then), so a
/// mount of a refused volume is also "not found". For a Pod (`pod_name`),
/// the claim an ephemeral volume creates is named `<pod>-<volume>`: that name
/// must be a valid PersistentVolume name, and no volume may mount it as a
/// PersistentVolumeClaim. Returns the volumes without errors.
pub fn volumes<'a>(
    spec: &'a PodSpec,
    base: &str,
    pod_name: Option<&str>,
    out: &mut Vec<Found>,
) -> BTreeMap<&'a str, &'a Volume> {
    let volumes = spec.volumes.as_deref().unwrap_or_default();
    let created_claims: BTreeSet<String> = match pod_name {
        Some(pod) => volumes.iter().filter(|v| v.ephemeral.is_some()).map(|v| format!("{pod}-{}", v.name)).collect(),
        None => BTreeSet::new(),
    };
    let mut known = BTreeMap::new();
    for (i, volume) in volumes.iter().enumerate() {
        let at = format!("{base}.volumes[{i}]");
        let mut errors = Vec::new();
        source(volume, &at, pod_name, &mut errors);
        let name_at = format!("{at}.name");
        if volume.name.is_empty() {
            push(&mut errors, rule::VOLUME_NAME, &name_at, required(&name_at, ""));
        } else {
            for problem in NameRule::Dns1123Label.problems(&volume.name) {
                push(&mut errors, rule::VOLUME_NAME, &name_at, invalid(&name_at, &quoted(&volume.name), &problem));
            }
        }
        if known.contains_key(volume.name.as_str()) {
            push(&mut errors, rule::VOLUME_NAME, &name_at, super::field::duplicate(&name_at, &quoted(&volume.name)));
        }
        if errors.is_empty() {
            known.insert(volume.name.as_str(), volume);
        }
        out.extend(errors);
        if let Some(claim) = volume.persistent_volume_claim.as_ref().filter(|c| created_claims.contains(&c.claim_name))
        {
            let claim_at = format!("{at}.persistentVolumeClaim.claimName");
            let detail = "must not reference a PVC that gets created for an ephemeral volume";
            push(out, rule::VOLUME_SOURCE, &claim_at, invalid(&claim_at, &quoted(&claim.claim_name), detail));
        }
    }
    known
}

/// `validateVolumeSource`: exactly one source, in upstream's order (a second
/// one is "may not specify more than 1 volume type" under its own name, as
/// upstream spells it), and the checks of the first.
fn source(volume: &Volume, at: &str, pod_name: Option<&str>, out: &mut Vec<Found>) {
    let rule = rule::VOLUME_SOURCE;
    // (upstream's child name, set) in validateVolumeSource's order.
    let sources: [(&str, bool); 30] = [
        ("emptyDir", volume.empty_dir.is_some()),
        ("hostPath", volume.host_path.is_some()),
        ("gitRepo", volume.git_repo.is_some()),
        ("gcePersistentDisk", volume.gce_persistent_disk.is_some()),
        ("awsElasticBlockStore", volume.aws_elastic_block_store.is_some()),
        ("secret", volume.secret.is_some()),
        ("nfs", volume.nfs.is_some()),
        ("iscsi", volume.iscsi.is_some()),
        ("glusterfs", volume.glusterfs.is_some()),
        ("flocker", volume.flocker.is_some()),
        ("persistentVolumeClaim", volume.persistent_volume_claim.is_some()),
        ("rbd", volume.rbd.is_some()),
        ("cinder", volume.cinder.is_some()),
        ("cephFS", volume.cephfs.is_some()),
        ("quobyte", volume.quobyte.is_some()),
        ("downwarAPI", volume.downward_api.is_some()),
        ("fc", volume.fc.is_some()),
        ("flexVolume", volume.flex_volume.is_some()),
        ("configMap", volume.config_map.is_some()),
        ("azureFile", volume.azure_file.is_some()),
        ("vsphereVolume", volume.vsphere_volume.is_some()),
        ("photonPersistentDisk", volume.photon_persistent_disk.is_some()),
        ("portworxVolume", volume.portworx_volume.is_some()),
        ("azureDisk", volume.azure_disk.is_some()),
        ("storageos", volume.storageos.is_some()),
        ("projected", volume.projected.is_some()),
        ("scaleIO", volume.scale_io.is_some()),
        ("csi", volume.csi.is_some()),
        ("ephemeral", volume.ephemeral.is_some()),
        ("image", volume.image.is_some()),
    ];
    let mut first = None;
    for (name, set) in sources {
        if !set {
            continue;
        }
        if first.is_some() {
            let extra_at = format!("{at}.{name}");
            push(out, rule, &extra_at, forbidden(&extra_at, "may not specify more than 1 volume type"));
        } else {
            first = Some(name);
        }
    }
    // emptyDir is checked even when a later source is the one refused.
    if let Some(size) = volume.empty_dir.as_ref().and_then(|e| e.size_limit.as_ref())
        && crate::quantity::Quantity::parse(size.0.trim()).is_ok_and(|q| q.sign() < 0)
    {
        let size_at = format!("{at}.emptyDir.sizeLimit");
        push(out, rule, &size_at, forbidden(&size_at, "SizeLimit field must be a valid resource quantity"));
    }
    match first {
        // SetDefaults_Volume: a volume without a source is an emptyDir.
        None => {}
        Some("hostPath") => host_path(volume, at, out),
        Some("secret") => {
            let Some(secret) = volume.secret.as_ref() else { return };
            let source_at = format!("{at}.secret");
            if secret.secret_name.as_deref().unwrap_or_default().is_empty() {
                let name_at = format!("{source_at}.secretName");
                push(out, rule, &name_at, required(&name_at, ""));
            }
            mode(secret.default_mode, &format!("{source_at}.defaultMode"), out);
            for (i, item) in secret.items.iter().flatten().enumerate() {
                key_to_path(item, &format!("{source_at}.items[{i}]"), out);
            }
        }
        Some("nfs") => {
            let Some(nfs) = volume.nfs.as_ref() else { return };
            let source_at = format!("{at}.nfs");
            if nfs.server.is_empty() {
                let server_at = format!("{source_at}.server");
                push(out, rule, &server_at, required(&server_at, ""));
            }
            let path_at = format!("{source_at}.path");
            if nfs.path.is_empty() {
                push(out, rule, &path_at, required(&path_at, ""));
            }
            if !nfs.path.starts_with('/') {
                push(out, rule, &path_at, invalid(&path_at, &quoted(&nfs.path), "must be an absolute path"));
            }
        }
        Some("persistentVolumeClaim") => {
            let Some(claim) = volume.persistent_volume_claim.as_ref() else { return };
            if claim.claim_name.is_empty() {
                let name_at = format!("{at}.persistentVolumeClaim.claimName");
                push(out, rule, &name_at, required(&name_at, ""));
            }
        }
        Some("downwarAPI") => {
            let Some(downward) = volume.downward_api.as_ref() else { return };
            let source_at = format!("{at}.downwardAPI");
            mode(downward.default_mode, &format!("{source_at}.defaultMode"), out);
            // Upstream checks each file under the source's own path.
            for (i, file) in downward.items.iter().flatten().enumerate() {
                downward_file(file, &source_at, &format!("{source_at}.items[{i}]"), out);
            }
        }
        Some("configMap") => {
            let Some(config_map) = volume.config_map.as_ref() else { return };
            let source_at = format!("{at}.configMap");
            if config_map.name.is_empty() {
                let name_at = format!("{source_at}.name");
                push(out, rule, &name_at, required(&name_at, ""));
            }
            mode(config_map.default_mode, &format!("{source_at}.defaultMode"), out);
            for (i, item) in config_map.items.iter().flatten().enumerate() {
                key_to_path(item, &format!("{source_at}.items[{i}]"), out);
            }
        }
        Some("projected") => {
            let Some(projected) = volume.projected.as_ref() else { return };
            let source_at = format!("{at}.projected");
            mode(projected.default_mode, &format!("{source_at}.defaultMode"), out);
            projection_sources(projected.sources.as_deref().unwrap_or_default(), &source_at, out);
        }
        Some("csi") => {
            let Some(csi) = volume.csi.as_ref() else { return };
            let driver_at = format!("{at}.csi.driver");
            let driver = csi.driver.as_str();
            // ValidateCSIDriverName.
            if driver.is_empty() {
                push(out, rule, &driver_at, required(&driver_at, ""));
            }
            if driver.len() > 63 {
                push(out, rule, &driver_at, too_long(&driver_at, 63));
            }
            for problem in NameRule::Dns1123Subdomain.problems(&driver.to_lowercase()) {
                push(out, rule, &driver_at, invalid(&driver_at, &quoted(driver), &problem));
            }
            if let Some(secret) = &csi.node_publish_secret_ref {
                let name = secret.name.as_str();
                if name.is_empty() {
                    let name_at = format!("{at}.csi.nodePublishSecretRef.name");
                    push(out, rule, &name_at, required(&name_at, ""));
                } else {
                    // Upstream's path drops nodePublishSecretRef here.
                    let name_at = format!("{at}.csi.name");
                    for problem in NameRule::Dns1123Subdomain.problems(name) {
                        push(
                            out,
                            rule,
                            &format!("{at}.csi.nodePublishSecretRef.name"),
                            invalid(&name_at, &quoted(name), &problem),
                        );
                    }
                }
            }
        }
        Some("ephemeral") => {
            let Some(ephemeral) = volume.ephemeral.as_ref() else { return };
            let template_at = format!("{at}.ephemeral.volumeClaimTemplate");
            match &ephemeral.volume_claim_template {
                None => push(out, rule, &template_at, required(&template_at, "")),
                Some(template) => {
                    // ValidatePersistentVolumeClaimTemplate: labels (annotations
                    // are checked by the loader), then the claim's spec.
                    if let Some(meta) = &template.metadata {
                        let meta_at = format!("{template_at}.metadata");
                        super::selector::labels(meta.labels.as_ref(), &format!("{meta_at}.labels"), rule, out);
                        // validateFieldAllowList: only labels and annotations.
                        let set = [
                            ("name", meta.name.as_deref().is_some_and(|v| !v.is_empty())),
                            ("generateName", meta.generate_name.as_deref().is_some_and(|v| !v.is_empty())),
                            ("namespace", meta.namespace.as_deref().is_some_and(|v| !v.is_empty())),
                            ("selfLink", meta.self_link.as_deref().is_some_and(|v| !v.is_empty())),
                            ("uid", meta.uid.as_deref().is_some_and(|v| !v.is_empty())),
                            ("resourceVersion", meta.resource_version.as_deref().is_some_and(|v| !v.is_empty())),
                            ("generation", meta.generation.is_some_and(|g| g != 0)),
                            ("creationTimestamp", meta.creation_timestamp.is_some()),
                            ("deletionTimestamp", meta.deletion_timestamp.is_some()),
                            ("deletionGracePeriodSeconds", meta.deletion_grace_period_seconds.is_some()),
                            ("ownerReferences", meta.owner_references.as_ref().is_some_and(|o| !o.is_empty())),
                            ("finalizers", meta.finalizers.as_ref().is_some_and(|f| !f.is_empty())),
                            ("managedFields", meta.managed_fields.as_ref().is_some_and(|m| !m.is_empty())),
                        ];
                        for (field, _) in set.iter().filter(|(_, set)| *set) {
                            let field_at = format!("{meta_at}.{field}");
                            push(out, rule, &field_at, forbidden(&field_at, "cannot be set"));
                        }
                    }
                    super::resources::persistent_volume_claim_spec(&template.spec, &format!("{template_at}.spec"), out);
                }
            }
            // The claim's name, checked when the pod's name is known (a Pod).
            if let Some(pod) = pod_name.filter(|_| !volume.name.is_empty()) {
                let claim = format!("{pod}-{}", volume.name);
                let name_at = format!("{at}.name");
                for problem in NameRule::Dns1123Subdomain.problems(&claim) {
                    let detail = format!("PVC name {}: {problem}", quoted(&claim));
                    push(out, rule, &name_at, invalid(&name_at, &quoted(&volume.name), &detail));
                }
            }
        }
        Some("image") => {
            let Some(image) = volume.image.as_ref() else { return };
            // The pull policy was defaulted when empty; only a Pod needs the
            // reference (a template may leave it to the admission of its pods),
            // which ValidateVolumes is told by `ResourceIsPod`: not known here,
            // so the reference is not checked.
            if let Some(policy) = image.pull_policy.as_deref().filter(|p| !p.is_empty() && !PULL_POLICIES.contains(p)) {
                let policy_at = format!("{at}.image.pullPolicy");
                push(out, rule, &policy_at, not_supported(&policy_at, &quoted(policy), &PULL_POLICIES));
            }
        }
        Some(other) => super::in_tree_volumes::source(volume, other, at, out),
    }
}

/// `validateHostPathVolumeSource`.
fn host_path(volume: &Volume, at: &str, out: &mut Vec<Found>) {
    let Some(host_path) = volume.host_path.as_ref() else { return };
    let path_at = format!("{at}.hostPath.path");
    if host_path.path.is_empty() {
        return push(out, rule::VOLUME_SOURCE, &path_at, required(&path_at, ""));
    }
    // validatePathNoBacksteps.
    if has_backsteps(&host_path.path) {
        push(out, rule::VOLUME_SOURCE, &path_at, invalid(&path_at, &quoted(&host_path.path), "must not contain '..'"));
    }
    if let Some(kind) = host_path.type_.as_deref().filter(|t| !HOST_PATH_TYPES.contains(t)) {
        let type_at = format!("{at}.hostPath.type");
        push(out, rule::VOLUME_SOURCE, &type_at, not_supported(&type_at, &quoted(kind), &HOST_PATH_TYPES));
    }
}

/// A file mode in 0..=0777.
fn mode(mode: Option<i32>, at: &str, out: &mut Vec<Found>) {
    if let Some(mode) = mode.filter(|m| !(0..=0o777).contains(m)) {
        push(out, rule::VOLUME_SOURCE, at, invalid(at, &mode.to_string(), FILE_MODE));
    }
}

/// `ValidateLocalNonReservedPath`: a local descending path, not starting
/// with `..`.
fn local_non_reserved_path(path: &str, at: &str, out: &mut Vec<Found>) {
    for problem in local_descending_path_problems(path) {
        push(out, rule::VOLUME_SOURCE, at, invalid(at, &quoted(path), problem));
    }
    if path.starts_with("..") && !path.starts_with("../") {
        push(out, rule::VOLUME_SOURCE, at, invalid(at, &quoted(path), "must not start with '..'"));
    }
}

/// `validateKeyToPath`.
fn key_to_path(item: &KeyToPath, at: &str, out: &mut Vec<Found>) {
    let key_at = format!("{at}.key");
    if item.key.is_empty() {
        push(out, rule::VOLUME_SOURCE, &key_at, required(&key_at, ""));
    }
    let path_at = format!("{at}.path");
    if item.path.is_empty() {
        push(out, rule::VOLUME_SOURCE, &path_at, required(&path_at, ""));
    }
    local_non_reserved_path(&item.path, &path_at, out);
    mode(item.mode, &format!("{at}.mode"), out);
}

/// `validateDownwardAPIVolumeFile` under `at` (the source's path, as upstream
/// names it); the findings are located on the item at `item`.
fn downward_file(file: &DownwardAPIVolumeFile, at: &str, item: &str, out: &mut Vec<Found>) {
    let before = out.len();
    downward_file_checks(file, at, out);
    for found in &mut out[before..] {
        found.path = match found.path.strip_prefix(at) {
            Some(rest) => format!("{item}{rest}"),
            None => item.to_owned(),
        };
    }
}

fn downward_file_checks(file: &DownwardAPIVolumeFile, at: &str, out: &mut Vec<Found>) {
    let path_at = format!("{at}.path");
    if file.path.is_empty() {
        push(out, rule::VOLUME_SOURCE, &path_at, required(&path_at, ""));
    }
    local_non_reserved_path(&file.path, &path_at, out);
    match (&file.field_ref, &file.resource_field_ref) {
        (Some(field_ref), resource_ref) => {
            let mut found = Vec::new();
            object_field_selector(field_ref, VOLUME_FIELD_PATHS, &format!("{at}.fieldRef"), &mut found);
            out.extend(found.into_iter().map(|f| Found { rule: rule::VOLUME_SOURCE, ..f }));
            if resource_ref.is_some() {
                let detail = "fieldRef and resourceFieldRef can not be specified simultaneously";
                push(out, rule::VOLUME_SOURCE, at, invalid(at, "\"resource\"", detail));
            }
        }
        (None, Some(resource_ref)) => {
            let mut found = Vec::new();
            resource_field_selector(resource_ref, &format!("{at}.resourceFieldRef"), true, &mut found);
            out.extend(found.into_iter().map(|f| Found { rule: rule::VOLUME_SOURCE, ..f }));
        }
        (None, None) => {
            push(out, rule::VOLUME_SOURCE, at, required(at, "one of fieldRef and resourceFieldRef is required"))
        }
    }
    mode(file.mode, &format!("{at}.mode"), out);
}

/// `validateProjectionSources`: each source one kind, every file path once
/// across the volume ("conflicting duplicate paths", on the volume's path).
fn projection_sources(sources: &[VolumeProjection], at: &str, out: &mut Vec<Found>) {
    let rule = rule::VOLUME_SOURCE;
    let mut paths: BTreeSet<&str> = BTreeSet::new();
    for (i, source) in sources.iter().enumerate() {
        let source_at = format!("{at}.sources[{i}]");
        let mut kinds = 0;
        let key_sources = [
            ("secret", source.secret.as_ref().map(|s| (s.name.as_str(), s.items.as_deref()))),
            ("configMap", source.config_map.as_ref().map(|c| (c.name.as_str(), c.items.as_deref()))),
        ];
        for (kind, projection) in key_sources {
            let Some((name, items)) = projection else { continue };
            kinds += 1;
            let projection_at = format!("{source_at}.{kind}");
            if name.is_empty() {
                let name_at = format!("{projection_at}.name");
                push(out, rule, &name_at, required(&name_at, ""));
            }
            for (j, item) in items.unwrap_or_default().iter().enumerate() {
                key_to_path(item, &format!("{projection_at}.items[{j}]"), out);
                if !item.path.is_empty() && !paths.insert(item.path.as_str()) {
                    push(
                        out,
                        rule,
                        &format!("{projection_at}.items[{j}].path"),
                        invalid(at, &quoted(name), "conflicting duplicate paths"),
                    );
                }
            }
        }
        if let Some(downward) = &source.downward_api {
            kinds += 1;
            let projection_at = format!("{source_at}.downwardAPI");
            for (j, file) in downward.items.iter().flatten().enumerate() {
                downward_file(file, &projection_at, &format!("{projection_at}.items[{j}]"), out);
                if !file.path.is_empty() && !paths.insert(file.path.as_str()) {
                    push(out, rule, &projection_at, invalid(at, &quoted(&file.path), "conflicting duplicate paths"));
                }
            }
        }
        if let Some(token) = &source.service_account_token {
            kinds += 1;
            let seconds_at = format!("{source_at}.serviceAccountToken.expirationSeconds");
            // Defaulted to an hour when absent.
            let seconds = token.expiration_seconds.unwrap_or(3600);
            if seconds < 600 {
                push(
                    out,
                    rule,
                    &seconds_at,
                    invalid(&seconds_at, &seconds.to_string(), "may not specify a duration less than 10 minutes"),
                );
            }
            if seconds > 1 << 32 {
                push(
                    out,
                    rule,
                    &seconds_at,
                    invalid(&seconds_at, &seconds.to_string(), "may not specify a duration larger than 2^32 seconds"),
                );
            }
            // Upstream's path for the token's path is the volume's.
            let path_at = format!("{at}.path");
            let place = format!("{source_at}.serviceAccountToken.path");
            if token.path.is_empty() {
                push(out, rule, &place, required(&path_at, ""));
            } else {
                let mut found = Vec::new();
                local_non_reserved_path(&token.path, &path_at, &mut found);
                out.extend(found.into_iter().map(|f| Found { path: place.clone(), ..f }));
            }
        }
        kinds += usize::from(source.cluster_trust_bundle.is_some()) + usize::from(source.pod_certificate.is_some());
        if kinds > 1 {
            push(out, rule, &source_at, forbidden(&source_at, "may not specify more than 1 volume type per source"));
        }
    }
}

const MOUNT_PROPAGATIONS: [&str; 3] = ["Bidirectional", "HostToContainer", "None"];
const RECURSIVE_READ_ONLY: [&str; 3] = ["Disabled", "Enabled", "IfPossible"];

/// `ValidateVolumeMounts` for the container at `path`.
pub fn mounts(c: &Container, path: &str, volumes: &BTreeMap<&str, &Volume>, out: &mut Vec<Found>) {
    let rule = rule::VOLUME_MOUNT;
    let list_at = format!("{path}.volumeMounts");
    let mut mount_paths = BTreeSet::new();
    for (i, mount) in c.volume_mounts.iter().flatten().enumerate() {
        let at = format!("{list_at}[{i}]");
        let name_at = format!("{at}.name");
        if mount.name.is_empty() {
            push(out, rule, &name_at, required(&name_at, ""));
        }
        let volume = volumes.get(mount.name.as_str());
        if volume.is_none() {
            push(out, rule, &name_at, not_found(&name_at, &quoted(&mount.name)));
        }
        let mount_path_at = format!("{at}.mountPath");
        if mount.mount_path.is_empty() {
            push(out, rule, &mount_path_at, required(&mount_path_at, ""));
        }
        if !mount_paths.insert(mount.mount_path.as_str()) {
            push(out, rule, &mount_path_at, invalid(&mount_path_at, &quoted(&mount.mount_path), "must be unique"));
        }
        let devices = c.volume_devices.iter().flatten();
        if devices.clone().any(|d| d.name == mount.name) {
            push(
                out,
                rule,
                &name_at,
                invalid(&name_at, &quoted(&mount.name), "must not already exist in volumeDevices"),
            );
        }
        if devices.clone().any(|d| d.device_path == mount.mount_path) {
            let detail = "must not already exist as a path in volumeDevices";
            push(out, rule, &mount_path_at, invalid(&mount_path_at, &quoted(&mount.mount_path), detail));
        }
        mount_sub_paths(mount, &at, &list_at, out);
        if let Some(propagation) = mount.mount_propagation.as_deref() {
            let propagation_at = format!("{list_at}.mountPropagation");
            let place = format!("{at}.mountPropagation");
            if !MOUNT_PROPAGATIONS.contains(&propagation) {
                push(out, rule, &place, not_supported(&propagation_at, &quoted(propagation), &MOUNT_PROPAGATIONS));
            }
            let privileged = c.security_context.as_ref().and_then(|s| s.privileged) == Some(true);
            if propagation == "Bidirectional" && !privileged {
                let detail = "Bidirectional mount propagation is available only to privileged containers";
                push(out, rule, &place, forbidden(&propagation_at, detail));
            }
        }
        if let Some(recursive) = mount.recursive_read_only.as_deref() {
            let recursive_at = format!("{list_at}.recursiveReadOnly");
            let place = format!("{at}.recursiveReadOnly");
            match recursive {
                "Disabled" => {}
                "Enabled" | "IfPossible" => {
                    if mount.read_only != Some(true) {
                        push(
                            out,
                            rule,
                            &place,
                            forbidden(&recursive_at, "may only be specified when readOnly is true"),
                        );
                    }
                    if mount.mount_propagation.as_deref().is_some_and(|p| p != "None") {
                        let detail = "may only be specified when mountPropagation is None or not specified";
                        push(out, rule, &place, forbidden(&recursive_at, detail));
                    }
                }
                other => push(out, rule, &place, not_supported(&recursive_at, &quoted(other), &RECURSIVE_READ_ONLY)),
            }
        }
    }
}

/// The sub-path checks of `ValidateVolumeMounts`: relative without `..`, not
/// both `subPath` and `subPathExpr`. Upstream puts the path checks under the
/// list's path (`volumeMounts.subPath`). A sub path into an image volume is
/// allowed since 1.33 (ImageVolume beta, KEP-4639).
fn mount_sub_paths(mount: &VolumeMount, at: &str, list_at: &str, out: &mut Vec<Found>) {
    let rule = rule::VOLUME_MOUNT;
    let sub_path = mount.sub_path.as_deref().unwrap_or_default();
    let expression = mount.sub_path_expr.as_deref().unwrap_or_default();
    let descending = |value: &str, field: &str, out: &mut Vec<Found>| {
        let upstream_at = format!("{list_at}.{field}");
        let place = format!("{at}.{field}");
        for problem in local_descending_path_problems(value) {
            push(out, rule, &place, invalid(&upstream_at, &quoted(value), problem));
        }
    };
    if !sub_path.is_empty() {
        descending(sub_path, "subPath", out);
    }
    if !expression.is_empty() {
        if !sub_path.is_empty() {
            let field_at = format!("{at}.subPathExpr");
            push(
                out,
                rule,
                &field_at,
                invalid(&field_at, &quoted(expression), "subPathExpr and subPath are mutually exclusive"),
            );
        }
        descending(expression, "subPathExpr", out);
    }
}

/// `ValidateVolumeDevices` for the container at `path`: each device names a
/// known PersistentVolumeClaim or ephemeral volume once, at a unique device
/// path without `..`, neither shared with a volume mount.
pub fn devices(c: &Container, path: &str, volumes: &BTreeMap<&str, &Volume>, out: &mut Vec<Found>) {
    let rule = rule::VOLUME_MOUNT;
    let mut names = BTreeSet::new();
    let mut paths = BTreeSet::new();
    let mounts = c.volume_mounts.as_deref().unwrap_or_default();
    for (i, device) in c.volume_devices.iter().flatten().enumerate() {
        let at = format!("{path}.volumeDevices[{i}]");
        let name_at = format!("{at}.name");
        let path_at = format!("{at}.devicePath");
        let (name, device_path) = (device.name.as_str(), device.device_path.as_str());
        let volume = volumes.get(name);
        if name.is_empty() {
            push(out, rule, &name_at, required(&name_at, ""));
        }
        if names.contains(name) {
            push(out, rule, &name_at, invalid(&name_at, &quoted(name), "must be unique"));
        }
        match volume {
            Some(v) if v.persistent_volume_claim.is_none() && v.ephemeral.is_none() => {
                let detail = "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode";
                push(out, rule, &name_at, invalid(&name_at, &quoted(name), detail));
            }
            Some(_) => {}
            None => push(out, rule, &name_at, not_found(&name_at, &quoted(name))),
        }
        if device_path.is_empty() {
            push(out, rule, &path_at, required(&path_at, ""));
        }
        if paths.contains(device_path) {
            push(out, rule, &path_at, invalid(&path_at, &quoted(device_path), "must be unique"));
        }
        if !device_path.is_empty() && has_backsteps(device_path) {
            push(out, rule, &path_at, invalid(&path_at, &quoted(device_path), "can not contain backsteps ('..')"));
        } else {
            paths.insert(device_path);
        }
        if mounts.iter().any(|m| m.name == name) {
            push(out, rule, &name_at, invalid(&name_at, &quoted(name), "must not already exist in volumeMounts"));
        }
        if mounts.iter().any(|m| m.mount_path == device_path) {
            let detail = "must not already exist as a path in volumeMounts";
            push(out, rule, &path_at, invalid(&path_at, &quoted(device_path), detail));
        }
        if !name.is_empty() {
            names.insert(name);
        }
    }
}
