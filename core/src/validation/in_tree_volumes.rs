//! pkg/apis/core/validation/validation.go: the fields of the in-tree cloud and
//! network volume sources (`validateGitRepoVolumeSource`,
//! `validateGCEPersistentDiskVolumeSource`, `validateISCSIVolumeSource`, …),
//! reached from `validateVolumeSource` for the first source a volume sets.
//! Mostly required names, IDs and addresses; besides those, the partitions and
//! LUNs of disks (0-255), iSCSI qualified names (iqn/eui/naa formats) and the
//! secret CHAP needs, Fibre Channel's WWNs or WWIDs, FlexVolume options
//! outside the reserved `kubernetes.io` / `k8s.io` namespaces, Quobyte
//! registries of host:port pairs, Azure disk caching modes, kinds and URIs,
//! and StorageOS names that are DNS labels. The API server defaults some
//! fields before validating (iSCSI interface, RBD pool, user and keyring,
//! Azure disk caching mode, kind, fsType and readOnly, ScaleIO storage mode
//! and fsType): those are never required, and an Azure disk without a kind is
//! a `Shared` blob disk whose URI must be an `https://` one.

use k8s_openapi::api::core::v1::Volume;

use super::field::{invalid, local_descending_path_problems, not_supported, quoted, required};
use super::{Found, rule};
use crate::load::NameRule;

/// `pdPartitionErrorMsg`: upstream's text says 1, its check allows 0.
const PD_PARTITION: &str = "must be between 1 and 255, inclusive";
/// `validation.InclusiveRangeError(0, 255)`.
const LUN_RANGE: &str = "must be between 0 and 255, inclusive";
const QUOBYTE_REGISTRY: &str = "must be a host:port pair or multiple pairs separated by commas";
/// `supportedCachingModes` and `supportedDiskKinds` of `validateAzureDisk`, sorted.
const AZURE_CACHING_MODES: [&str; 3] = ["None", "ReadOnly", "ReadWrite"];
const AZURE_DISK_KINDS: [&str; 3] = ["Dedicated", "Managed", "Shared"];
const AZURE_MANAGED_URI: &str =
    "/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}";
const AZURE_BLOB_URI: &str = "https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd";

/// Collects the findings of one source under its path.
struct Checks<'a> {
    base: String,
    out: &'a mut Vec<Found>,
}

impl Checks<'_> {
    fn at(&self, field: &str) -> String {
        format!("{}.{field}", self.base)
    }

    /// A finding located at `place` (a field of the manifest) with `message`.
    fn push(&mut self, place: &str, message: String) {
        self.out.push(Found::new(rule::VOLUME_SOURCE, place.to_owned(), message));
    }

    /// `field.Required(<source>.<field>, detail)` when `empty`.
    fn required_if(&mut self, empty: bool, field: &str, detail: &str) {
        if empty {
            let at = self.at(field);
            self.push(&at, required(&at, detail));
        }
    }

    /// `field.Invalid(<source>.<field>, value, detail)`.
    fn invalid(&mut self, field: &str, value: &str, detail: &str) {
        let at = self.at(field);
        self.push(&at, invalid(&at, value, detail));
    }

    /// `ValidateDNS1123Label` on `<source>.<field>`.
    fn dns_label(&mut self, field: &str, value: &str) {
        for problem in NameRule::Dns1123Label.problems(value) {
            self.invalid(field, &quoted(value), &problem);
        }
    }
}

/// The checks of the in-tree source `name` (upstream's child name) of `volume`,
/// under the volume's path `at`.
pub fn source(volume: &Volume, name: &str, at: &str, out: &mut Vec<Found>) {
    // Upstream validates the CephFS source under `cephfs`, as the field is
    // spelled in the manifest, though it names it `cephFS` elsewhere.
    let child = if name == "cephFS" { "cephfs" } else { name };
    let mut c = Checks { base: format!("{at}.{child}"), out };
    match name {
        "gitRepo" => {
            let Some(git) = volume.git_repo.as_ref() else { return };
            c.required_if(git.repository.is_empty(), "repository", "");
            let directory = git.directory.as_deref().unwrap_or_default();
            for problem in local_descending_path_problems(directory) {
                c.invalid("directory", &quoted(directory), problem);
            }
        }
        "gcePersistentDisk" => {
            let Some(disk) = volume.gce_persistent_disk.as_ref() else { return };
            c.required_if(disk.pd_name.is_empty(), "pdName", "");
            partition(&mut c, disk.partition);
        }
        "awsElasticBlockStore" => {
            let Some(disk) = volume.aws_elastic_block_store.as_ref() else { return };
            c.required_if(disk.volume_id.is_empty(), "volumeID", "");
            partition(&mut c, disk.partition);
        }
        "iscsi" => {
            let Some(iscsi) = volume.iscsi.as_ref() else { return };
            c.required_if(iscsi.target_portal.is_empty(), "targetPortal", "");
            let iqn = iscsi.iqn.as_str();
            if iqn.is_empty() {
                c.required_if(true, "iqn", "");
            } else if let Some(detail) = iscsi_name_problem(iqn) {
                c.invalid("iqn", &quoted(iqn), detail);
            }
            if !(0..=255).contains(&iscsi.lun) {
                c.invalid("lun", &iscsi.lun.to_string(), LUN_RANGE);
            }
            let chap = iscsi.chap_auth_discovery == Some(true) || iscsi.chap_auth_session == Some(true);
            c.required_if(chap && iscsi.secret_ref.is_none(), "secretRef", "");
            if let Some(initiator) = iscsi.initiator_name.as_deref() {
                // Upstream spells the path `initiatorname`; the finding sits on
                // the manifest's `initiatorName`.
                let upstream_at = c.at("initiatorname");
                let place = c.at("initiatorName");
                if let Some(detail) = iscsi_name_problem(initiator) {
                    c.push(&place, invalid(&upstream_at, &quoted(initiator), detail));
                }
            }
        }
        "glusterfs" => {
            let Some(gluster) = volume.glusterfs.as_ref() else { return };
            c.required_if(gluster.endpoints.is_empty(), "endpoints", "");
            c.required_if(gluster.path.is_empty(), "path", "");
        }
        "flocker" => {
            let Some(flocker) = volume.flocker.as_ref() else { return };
            let name = flocker.dataset_name.as_deref().unwrap_or_default();
            let uuid = flocker.dataset_uuid.as_deref().unwrap_or_default();
            let base = c.base.clone();
            if name.is_empty() && uuid.is_empty() {
                c.push(&base, required(&base, "one of datasetName and datasetUUID is required"));
            }
            if !name.is_empty() && !uuid.is_empty() {
                let detail = "datasetName and datasetUUID can not be specified simultaneously";
                c.push(&base, invalid(&base, "\"resource\"", detail));
            }
            if name.contains('/') {
                c.invalid("datasetName", &quoted(name), "must not contain '/'");
            }
        }
        "rbd" => {
            let Some(rbd) = volume.rbd.as_ref() else { return };
            c.required_if(rbd.monitors.is_empty(), "monitors", "");
            c.required_if(rbd.image.is_empty(), "image", "");
        }
        "cinder" => {
            let Some(cinder) = volume.cinder.as_ref() else { return };
            c.required_if(cinder.volume_id.is_empty(), "volumeID", "");
            c.required_if(cinder.secret_ref.as_ref().is_some_and(|s| s.name.is_empty()), "secretRef.name", "");
        }
        "cephFS" => {
            let Some(ceph) = volume.cephfs.as_ref() else { return };
            c.required_if(ceph.monitors.is_empty(), "monitors", "");
        }
        "quobyte" => {
            let Some(quobyte) = volume.quobyte.as_ref() else { return };
            let tenant = quobyte.tenant.as_deref().unwrap_or_default();
            if quobyte.registry.is_empty() {
                c.required_if(true, "registry", QUOBYTE_REGISTRY);
            } else if tenant.len() >= 65 {
                c.required_if(true, "tenant", "must be a UUID and may not exceed a length of 64 characters");
            } else {
                // One finding per pair net.SplitHostPort refuses, each with the whole registry.
                for pair in quobyte.registry.split(',') {
                    if !splits_host_port(pair) {
                        c.invalid("registry", &quoted(&quobyte.registry), QUOBYTE_REGISTRY);
                    }
                }
            }
            c.required_if(quobyte.volume.is_empty(), "volume", "");
        }
        "fc" => {
            let Some(fc) = volume.fc.as_ref() else { return };
            let wwns = fc.target_wwns.as_deref().unwrap_or_default();
            let wwids = fc.wwids.as_deref().unwrap_or_default();
            c.required_if(
                wwns.is_empty() && wwids.is_empty(),
                "targetWWNs",
                "must specify either targetWWNs or wwids, but not both",
            );
            if !wwns.is_empty() && !wwids.is_empty() {
                let value = super::field::string_list(wwns);
                c.invalid("targetWWNs", &value, "targetWWNs and wwids can not be specified simultaneously");
            }
            if !wwns.is_empty() {
                match fc.lun {
                    None => c.required_if(true, "lun", "lun is required if targetWWNs is specified"),
                    Some(lun) if !(0..=255).contains(&lun) => c.invalid("lun", &lun.to_string(), LUN_RANGE),
                    Some(_) => {}
                }
            }
        }
        "flexVolume" => {
            let Some(flex) = volume.flex_volume.as_ref() else { return };
            c.required_if(flex.driver.is_empty(), "driver", "");
            // Upstream walks a Go map (no fixed order); these go in key order.
            for key in flex.options.iter().flat_map(|o| o.keys()) {
                let namespace = key.split_once('/').map_or(key.as_str(), |(namespace, _)| namespace);
                let normalized = format!(".{}", namespace.to_lowercase());
                if normalized.ends_with(".kubernetes.io") || normalized.ends_with(".k8s.io") {
                    let upstream_at = c.at(&format!("options[{key}]"));
                    let place = c.at(&format!("options.{key}"));
                    c.push(
                        &place,
                        invalid(&upstream_at, &quoted(key), "kubernetes.io and k8s.io namespaces are reserved"),
                    );
                }
            }
        }
        "azureFile" => {
            let Some(azure) = volume.azure_file.as_ref() else { return };
            c.required_if(azure.secret_name.is_empty(), "secretName", "");
            c.required_if(azure.share_name.is_empty(), "shareName", "");
        }
        "vsphereVolume" => {
            let Some(vsphere) = volume.vsphere_volume.as_ref() else { return };
            c.required_if(vsphere.volume_path.is_empty(), "volumePath", "");
        }
        "photonPersistentDisk" => {
            let Some(photon) = volume.photon_persistent_disk.as_ref() else { return };
            c.required_if(photon.pd_id.is_empty(), "pdID", "");
        }
        "portworxVolume" => {
            let Some(portworx) = volume.portworx_volume.as_ref() else { return };
            c.required_if(portworx.volume_id.is_empty(), "volumeID", "");
        }
        "azureDisk" => {
            let Some(azure) = volume.azure_disk.as_ref() else { return };
            c.required_if(azure.disk_name.is_empty(), "diskName", "");
            c.required_if(azure.disk_uri.is_empty(), "diskURI", "");
            // Defaulted to ReadWrite when absent.
            if let Some(mode) = azure.caching_mode.as_deref().filter(|m| !AZURE_CACHING_MODES.contains(m)) {
                let mode_at = c.at("cachingMode");
                c.push(&mode_at, not_supported(&mode_at, &quoted(mode), &AZURE_CACHING_MODES));
            }
            // Defaulted to Shared when absent.
            let kind = azure.kind.as_deref().unwrap_or("Shared");
            let kind_at = c.at("kind");
            if !AZURE_DISK_KINDS.contains(&kind) {
                c.push(&kind_at, not_supported(&kind_at, &quoted(kind), &AZURE_DISK_KINDS));
            }
            let uri = azure.disk_uri.as_str();
            let uri_at = c.at("diskURI");
            if kind == "Managed" && !uri.starts_with("/subscriptions/") {
                c.push(&uri_at, not_supported(&uri_at, &quoted(uri), &[AZURE_MANAGED_URI]));
            }
            if kind != "Managed" && !uri.starts_with("https://") {
                c.push(&uri_at, not_supported(&uri_at, &quoted(uri), &[AZURE_BLOB_URI]));
            }
        }
        "storageos" => {
            let Some(storageos) = volume.storageos.as_ref() else { return };
            let name = storageos.volume_name.as_deref().unwrap_or_default();
            if name.is_empty() {
                c.required_if(true, "volumeName", "");
            } else {
                c.dns_label("volumeName", name);
            }
            let namespace = storageos.volume_namespace.as_deref().unwrap_or_default();
            if !namespace.is_empty() {
                c.dns_label("volumeNamespace", namespace);
            }
            c.required_if(storageos.secret_ref.as_ref().is_some_and(|s| s.name.is_empty()), "secretRef.name", "");
        }
        "scaleIO" => {
            let Some(scale_io) = volume.scale_io.as_ref() else { return };
            c.required_if(scale_io.gateway.is_empty(), "gateway", "");
            c.required_if(scale_io.system.is_empty(), "system", "");
            c.required_if(scale_io.volume_name.as_deref().unwrap_or_default().is_empty(), "volumeName", "");
        }
        _ => {}
    }
}

/// The partition of a GCE or AWS disk (0 when absent).
fn partition(c: &mut Checks<'_>, partition: Option<i32>) {
    let partition = partition.unwrap_or_default();
    if !(0..=255).contains(&partition) {
        c.invalid("partition", &partition.to_string(), PD_PARTITION);
    }
}

/// What `validateISCSIVolumeSource` finds in a set IQN or initiator name: a
/// name starting with iqn, eui or naa must match that prefix's format
/// (`iscsiInitiatorIqnRegex`, `…EuiRegex`, `…NaaRegex`).
fn iscsi_name_problem(name: &str) -> Option<&'static str> {
    let valid = if name.starts_with("iqn") {
        matches_iqn(name)
    } else if let Some(rest) = name.strip_prefix("eui") {
        any_char_then_alnum(rest, 16)
    } else if let Some(rest) = name.strip_prefix("naa") {
        any_char_then_alnum(rest, 32)
    } else {
        return Some("must be valid format starting with iqn, eui, or naa");
    };
    (!valid).then_some("must be valid format")
}

/// `iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$`, unanchored at its start.
fn matches_iqn(name: &str) -> bool {
    name.match_indices("iqn.").any(|(i, _)| {
        let Some(rest) = name.get(i + 4..) else { return false };
        let bytes = rest.as_bytes();
        let date = bytes.len() > 8
            && bytes.iter().take(4).all(u8::is_ascii_digit)
            && bytes.get(4) == Some(&b'-')
            && bytes.iter().skip(5).take(2).all(u8::is_ascii_digit)
            && bytes.get(7) == Some(&b'.');
        let Some(tail) = rest.get(8..).filter(|_| date) else { return false };
        // The authority cannot hold ':', so it ends at the first one.
        let Some((authority, suffix)) = tail.split_once(':') else { return false };
        !authority.is_empty()
            && authority.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
            && !suffix.is_empty()
            && !suffix.chars().any(|ch| ",;*&$|\t\n\u{c}\r ".contains(ch))
    })
}

/// `.[[:alnum:]]{count}$` after the prefix: any character but a newline,
/// then exactly `count` ASCII letters or digits.
fn any_char_then_alnum(rest: &str, count: usize) -> bool {
    let mut chars = rest.chars();
    chars.next().is_some_and(|first| first != '\n') && {
        let tail = chars.as_str();
        tail.len() == count && tail.bytes().all(|b| b.is_ascii_alphanumeric())
    }
}

/// Whether Go's `net.SplitHostPort` accepts `pair`: a last `:` before the
/// port, a bracketed host right before it when the pair starts with `[`,
/// otherwise no other `:`, and no stray brackets.
fn splits_host_port(pair: &str) -> bool {
    let Some(colon) = pair.rfind(':') else { return false };
    let (host_start, host_end) = if pair.starts_with('[') {
        match pair.find(']') {
            Some(end) if end + 1 == colon => (1, end + 1),
            _ => return false,
        }
    } else {
        if pair.get(..colon).is_some_and(|host| host.contains(':')) {
            return false;
        }
        (0, 0)
    };
    !pair.get(host_start..).is_some_and(|p| p.contains('[')) && !pair.get(host_end..).is_some_and(|p| p.contains(']'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iscsi_names_follow_upstream_formats() {
        assert_eq!(iscsi_name_problem("iqn.2015-02.example.com:test"), None);
        assert_eq!(
            iscsi_name_problem("xiqn.2015-02.example.com:test"),
            Some("must be valid format starting with iqn, eui, or naa")
        );
        assert_eq!(iscsi_name_problem("iqn.2015-02.example.com:test;ls;"), Some("must be valid format"));
        assert_eq!(iscsi_name_problem("iqn.2015-02.example.com"), Some("must be valid format"));
        assert_eq!(iscsi_name_problem("iqnx.iqn.2015-02.a:b"), None);
        assert_eq!(iscsi_name_problem("eui.0123456789ABCDEF"), None);
        assert_eq!(iscsi_name_problem("eui.0123456789ABCDEFGHIJ"), Some("must be valid format"));
        assert_eq!(iscsi_name_problem("naa.62004567BA64678D0123456789ABCDEF"), None);
        assert_eq!(iscsi_name_problem("naa.62004567BA_4-78D.123456789ABCDEF"), Some("must be valid format"));
    }

    #[test]
    fn host_port_pairs_split_as_go_does() {
        assert!(splits_host_port("registry:7861"));
        assert!(splits_host_port("[::1]:7861"));
        assert!(splits_host_port(":7861"));
        assert!(!splits_host_port("registry"));
        assert!(!splits_host_port("::1:7861"));
        assert!(!splits_host_port("[::1]7861"));
        assert!(!splits_host_port("a]:1"));
    }
}
