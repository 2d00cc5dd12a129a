//! The migration view: for each PodSecurityPolicy field, the Pod Security
//! Standards level and check that cover it.

use serde::{Deserialize, Serialize};

/// The migration view: for each PSP field, the PSS level and check that covers it.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MigrationRow {
    pub field: String,
    /// `baseline`, `restricted`, or `none` when PSS has no equivalent.
    pub level: String,
    pub checks: Vec<String>,
    pub note: String,
}

/// Follows the docs page "Mapping PodSecurityPolicies to Pod Security Standards".
pub fn migration_table() -> Vec<MigrationRow> {
    let row = |field: &str, level: &str, checks: &[&str], note: &str| MigrationRow {
        field: field.to_owned(),
        level: level.to_owned(),
        checks: checks.iter().map(|c| (*c).to_owned()).collect(),
        note: note.to_owned(),
    };
    vec![
        row("privileged", "baseline", &["privileged"], "false is baseline"),
        row("defaultAddCapabilities", "baseline", &["capabilities_baseline"], "mutating; PSS never adds capabilities"),
        row(
            "allowedCapabilities",
            "baseline",
            &["capabilities_baseline", "capabilities_restricted"],
            "baseline: default set; restricted: only NET_BIND_SERVICE",
        ),
        row(
            "requiredDropCapabilities",
            "restricted",
            &["capabilities_restricted"],
            "restricted requires drop: [ALL]; PSS never adds drops",
        ),
        row(
            "volumes",
            "restricted",
            &["hostPathVolumes", "restrictedVolumes"],
            "baseline forbids hostPath; restricted allows configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret",
        ),
        row("hostNetwork", "baseline", &["hostNamespaces"], ""),
        row("hostPID", "baseline", &["hostNamespaces"], ""),
        row("hostIPC", "baseline", &["hostNamespaces"], ""),
        row("hostPorts", "baseline", &["hostPorts"], "PSS allows no host ports at all"),
        row("allowedHostPaths", "baseline", &["hostPathVolumes"], "PSS forbids every hostPath"),
        row("allowedFlexVolumes", "restricted", &["restrictedVolumes"], "flexVolume is not allowed at restricted"),
        row("allowedCSIDrivers", "restricted", &["restrictedVolumes"], "csi is allowed, drivers are not restricted"),
        row("readOnlyRootFilesystem", "none", &[], "not checked by PSS"),
        row(
            "runAsUser",
            "restricted",
            &["runAsNonRoot", "runAsUser"],
            "MustRunAsNonRoot ~ restricted; PSS does not default runAsNonRoot",
        ),
        row("runAsGroup", "none", &[], "not checked by PSS"),
        row("supplementalGroups", "none", &[], "not checked by PSS"),
        row("fsGroup", "none", &[], "not checked by PSS"),
        row(
            "allowPrivilegeEscalation",
            "restricted",
            &["allowPrivilegeEscalation"],
            "PSS requires an explicit false (no defaulting)",
        ),
        row(
            "defaultAllowPrivilegeEscalation",
            "restricted",
            &["allowPrivilegeEscalation"],
            "mutating; write the value explicitly",
        ),
        row(
            "seLinux",
            "baseline",
            &["seLinuxOptions"],
            "only container_t, container_init_t, container_kvm_t (+container_engine_t); no user/role",
        ),
        row("allowedProcMountTypes", "baseline", &["procMount", "procMount_restricted"], "only Default"),
        row("allowedUnsafeSysctls", "baseline", &["sysctls"], "only the safe set"),
        row("forbiddenSysctls", "baseline", &["sysctls"], "only the safe set"),
        row("runtimeClass", "none", &[], "not checked by PSS"),
        row(
            "annotation seccomp allowedProfileNames",
            "restricted",
            &["seccompProfile_baseline", "seccompProfile_restricted"],
            "baseline: RuntimeDefault/Localhost if set; restricted: must be set",
        ),
        row(
            "annotation seccomp defaultProfileName",
            "restricted",
            &["seccompProfile_restricted"],
            "mutating; set seccompProfile.type explicitly",
        ),
        row(
            "annotation apparmor allowedProfileNames",
            "baseline",
            &["appArmorProfile"],
            "runtime/default or localhost/*",
        ),
        row("annotation apparmor defaultProfileName", "none", &[], "mutating; no PSS equivalent"),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_psp_field_has_a_migration_row() {
        let rows = migration_table();
        for field in [
            "privileged",
            "allowPrivilegeEscalation",
            "requiredDropCapabilities",
            "volumes",
            "hostNetwork",
            "hostIPC",
            "hostPID",
            "hostPorts",
            "runAsUser",
            "readOnlyRootFilesystem",
            "seLinux",
            "allowedHostPaths",
        ] {
            assert!(rows.iter().any(|r| r.field == field), "{field}");
        }
        let known: Vec<&str> = crate::security::pss::all_checks().iter().map(|c| c.id).collect();
        assert!(rows.iter().flat_map(|r| r.checks.iter()).all(|c| known.contains(&c.as_str())));
    }
}
