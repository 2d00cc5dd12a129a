//! One policy applied to one pod, along `provider.go`'s seams: `MutatePod` and
//! `mutateContainer` apply the policy's defaults; `ValidatePod`,
//! `validatePodVolumes` and `validateContainer` judge the mutated pod.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    ContainerPort, Pod, PodSecurityContext, PodSpec, SELinuxOptions, SecurityContext, VolumeMount,
};

use super::apparmor::AppArmorStrategy;
use super::capabilities::CapabilitiesStrategy;
use super::group::GroupStrategy;
use super::seccomp::SeccompStrategy;
use super::user::{UserDefault, UserStrategy};
use super::util::{HostPathAccess, host_path_allowed};
use super::{selinux, sysctl};
use crate::model::PodSecurityPolicySpec;
use crate::security::pss::volume_source_type;

/// A policy with its strategies built (`simpleProvider`); see `factory.rs`.
pub(super) struct Provider<'a> {
    pub(super) psp: &'a PodSecurityPolicySpec,
    pub(super) run_as_user: UserStrategy<'a>,
    pub(super) run_as_group: GroupStrategy<'a>,
    pub(super) fs_group: GroupStrategy<'a>,
    pub(super) supplemental_groups: GroupStrategy<'a>,
    /// The options SELinux `MustRunAs` requires (`None`: RunAsAny).
    pub(super) se_linux: Option<&'a SELinuxOptions>,
    pub(super) seccomp: SeccompStrategy<'a>,
    pub(super) app_armor: AppArmorStrategy<'a>,
    pub(super) capabilities: CapabilitiesStrategy<'a>,
}

/// The container fields validation reads (regular, init and ephemeral alike).
struct ContainerFields<'a> {
    /// `spec.containers[0]`.
    path: String,
    name: &'a str,
    security_context: Option<&'a SecurityContext>,
    ports: Option<&'a [ContainerPort]>,
    volume_mounts: Option<&'a [VolumeMount]>,
}

impl Provider<'_> {
    /// `MutatePod`: the seccomp default profile, group defaults, SELinux options
    /// and runtime class on the pod, then every container's security context, then
    /// the AppArmor defaults. Returns what changed, in that order.
    pub(super) fn mutate_pod(&self, pod: &mut Pod) -> Vec<String> {
        let psp = self.psp;
        let mut mutations = Vec::new();
        mutations.extend(self.seccomp.generate(pod));
        let pod_spec = pod.spec.get_or_insert_with(Default::default);
        // Fills fsGroup when unset and supplementalGroups when nil (an explicit
        // empty list stays, and MustRunAs then rejects it).
        if pod_spec.security_context.as_ref().is_none_or(|sc| sc.fs_group.is_none())
            && let Some(gid) = self.fs_group.default_group()
        {
            pod_spec.security_context.get_or_insert_with(Default::default).fs_group = Some(gid);
            mutations.push(format!("spec.securityContext.fsGroup: set to {gid}"));
        }
        if pod_spec.security_context.as_ref().is_none_or(|sc| sc.supplemental_groups.is_none())
            && let Some(gid) = self.supplemental_groups.default_group()
        {
            pod_spec.security_context.get_or_insert_with(Default::default).supplemental_groups = Some(vec![gid]);
            mutations.push(format!("spec.securityContext.supplementalGroups: set to [{gid}]"));
        }
        if pod_spec.security_context.as_ref().is_none_or(|sc| sc.se_linux_options.is_none())
            && let Some(options) = self.se_linux
        {
            pod_spec.security_context.get_or_insert_with(Default::default).se_linux_options = Some(options.clone());
            mutations.push(format!("spec.securityContext.seLinuxOptions: set to {}", selinux::options_text(options)));
        }
        if let Some(default) = psp.runtime_class.as_ref().and_then(|rc| rc.default_runtime_class_name.as_ref())
            && pod_spec.runtime_class_name.is_none()
        {
            pod_spec.runtime_class_name = Some(default.clone());
            mutations.push(format!("spec.runtimeClassName: set to {default:?}"));
        }
        let pod_sc = pod_spec.security_context.clone().unwrap_or_default();
        for (i, c) in pod_spec.init_containers.iter_mut().flatten().enumerate() {
            let path = format!("spec.initContainers[{i}]");
            self.mutate_container(&path, &mut c.security_context, &pod_sc, &mut mutations);
        }
        for (i, c) in pod_spec.containers.iter_mut().enumerate() {
            let path = format!("spec.containers[{i}]");
            self.mutate_container(&path, &mut c.security_context, &pod_sc, &mut mutations);
        }
        for (i, c) in pod_spec.ephemeral_containers.iter_mut().flatten().enumerate() {
            let path = format!("spec.ephemeralContainers[{i}]");
            self.mutate_container(&path, &mut c.security_context, &pod_sc, &mut mutations);
        }
        self.app_armor.generate(pod, &mut mutations);
        mutations
    }

    /// `mutateContainer`, on the effective context (the container's, else the
    /// pod's). SELinux needs nothing here: MustRunAs has just set the pod's
    /// options, which containers inherit.
    fn mutate_container(
        &self,
        path: &str,
        sc_slot: &mut Option<SecurityContext>,
        pod_sc: &PodSecurityContext,
        mutations: &mut Vec<String>,
    ) {
        let psp = self.psp;
        let had_context = sc_slot.is_some();
        let sc = sc_slot.get_or_insert_with(Default::default);
        self.capabilities.generate(path, sc, mutations);
        // defaultAllowPrivilegeEscalation, else false when escalation is disallowed.
        if sc.allow_privilege_escalation.is_none() {
            let value = psp
                .default_allow_privilege_escalation
                .or((psp.allow_privilege_escalation == Some(false)).then_some(false));
            if let Some(value) = value {
                sc.allow_privilege_escalation = Some(value);
                mutations.push(format!("{path}.securityContext.allowPrivilegeEscalation: set to {value}"));
            }
        }
        if psp.read_only_root_filesystem == Some(true) && sc.read_only_root_filesystem.is_none() {
            sc.read_only_root_filesystem = Some(true);
            mutations.push(format!("{path}.securityContext.readOnlyRootFilesystem: set to true"));
        }
        let effective_user = sc.run_as_user.or(pod_sc.run_as_user);
        let effective_non_root = sc.run_as_non_root.or(pod_sc.run_as_non_root);
        match self.run_as_user.generate(effective_user, effective_non_root) {
            Some(UserDefault::RunAsUser(uid)) => {
                sc.run_as_user = Some(uid);
                mutations.push(format!("{path}.securityContext.runAsUser: set to {uid}"));
            }
            Some(UserDefault::RunAsNonRoot) => {
                sc.run_as_non_root = Some(true);
                mutations.push(format!("{path}.securityContext.runAsNonRoot: set to true"));
            }
            None => {}
        }
        if sc.run_as_group.or(pod_sc.run_as_group).is_none()
            && let Some(gid) = self.run_as_group.default_group()
        {
            sc.run_as_group = Some(gid);
            mutations.push(format!("{path}.securityContext.runAsGroup: set to {gid}"));
        }
        if !had_context && *sc == SecurityContext::default() {
            // Nothing was set and the policy added nothing: keep the context absent.
            *sc_slot = None;
        }
    }

    /// `ValidatePod` on the mutated pod, in upstream's order: groups, seccomp,
    /// SELinux, host namespaces, sysctls, volumes, runtime class, then init,
    /// regular and ephemeral containers (`pods.VisitContainersWithPath`).
    pub(super) fn validate_pod(&self, pod: &Pod) -> Vec<String> {
        let psp = self.psp;
        let no_spec = PodSpec::default();
        let spec = pod.spec.as_ref().unwrap_or(&no_spec);
        let pod_sc = spec.security_context.clone().unwrap_or_default();
        let pod_annotations = pod.metadata.annotations.clone().unwrap_or_default();
        let mut errors = Vec::new();
        let fs_groups: Option<Vec<i64>> = pod_sc.fs_group.map(|g| vec![g]);
        errors.extend(self.fs_group.validate("spec.securityContext.fsGroup", fs_groups.as_deref()));
        errors.extend(
            self.supplemental_groups
                .validate("spec.securityContext.supplementalGroups", pod_sc.supplemental_groups.as_deref()),
        );
        errors.extend(self.seccomp.validate_pod(&pod_annotations));
        if let Some(required) = self.se_linux {
            errors.extend(selinux::validate(
                "spec.securityContext.seLinuxOptions",
                required,
                pod_sc.se_linux_options.as_ref(),
            ));
        }
        for (on, allowed, field, what) in [
            (spec.host_network, psp.host_network, "hostNetwork", "Host network"),
            (spec.host_pid, psp.host_pid, "hostPID", "Host PID"),
            (spec.host_ipc, psp.host_ipc, "hostIPC", "Host IPC"),
        ] {
            if on == Some(true) && allowed != Some(true) {
                errors.push(format!(
                    "spec.securityContext.{field}: Invalid value: true: {what} is not allowed to be used"
                ));
            }
        }
        errors.extend(sysctl::validate(psp, pod_sc.sysctls.as_deref().unwrap_or_default()));
        let containers = containers_in_visiting_order(spec);
        errors.extend(self.validate_pod_volumes(spec, &containers));
        // An unset runtimeClassName is always allowed; `*` allows any.
        if let (Some(rc), Some(name)) = (psp.runtime_class.as_ref(), spec.runtime_class_name.as_ref())
            && !rc.allowed_runtime_class_names.iter().any(|a| a == "*" || a == name)
        {
            errors.push(format!("spec.runtimeClassName: Invalid value: {name:?}"));
        }
        for c in &containers {
            errors.extend(self.validate_container(c, &pod_sc, &pod_annotations));
        }
        errors
    }

    /// `validatePodVolumes`: the volume types, host paths (a read-only entry makes
    /// every mount of the volume, in any container, read-only) and driver lists.
    fn validate_pod_volumes(&self, spec: &PodSpec, containers: &[ContainerFields<'_>]) -> Vec<String> {
        let psp = self.psp;
        let allowed_volumes = psp.volumes.as_deref().unwrap_or_default();
        let mut errors = Vec::new();
        for (i, v) in spec.volumes.iter().flatten().enumerate() {
            // API defaulting: a source-less volume is an emptyDir.
            let kind = volume_source_type(v).unwrap_or("emptyDir");
            if !allowed_volumes.iter().any(|a| a == "*" || a == kind) {
                errors.push(format!(
                    "spec.volumes[{i}]: Invalid value: {kind:?}: {kind} volumes are not allowed to be used"
                ));
                continue;
            }
            if let Some(host_path) = v.host_path.as_ref() {
                match host_path_allowed(psp, &host_path.path) {
                    HostPathAccess::Denied => errors.push(format!(
                        "spec.volumes[{i}].hostPath.pathPrefix: Invalid value: {:?}: is not allowed to be used",
                        host_path.path
                    )),
                    HostPathAccess::ReadOnly => {
                        for c in containers {
                            for (m, mount) in c.volume_mounts.iter().flat_map(|ms| ms.iter()).enumerate() {
                                if mount.name == v.name && mount.read_only != Some(true) {
                                    errors.push(format!(
                                        "{}.volumeMounts[{m}].readOnly: Invalid value: false: must be read-only",
                                        c.path
                                    ));
                                }
                            }
                        }
                    }
                    HostPathAccess::Writable => {}
                }
            }
            // Driver allow lists apply only when they are non-empty.
            if let Some(flex) = v.flex_volume.as_ref()
                && let Some(allowed) = psp.allowed_flex_volumes.as_ref().filter(|a| !a.is_empty())
                && !allowed.iter().any(|a| a.driver == flex.driver)
            {
                errors.push(format!(
                    "spec.volumes[{i}].driver: Invalid value: {:?}: Flexvolume driver is not allowed to be used",
                    flex.driver
                ));
            }
            if let Some(csi) = v.csi.as_ref()
                && let Some(allowed) = psp.allowed_csi_drivers.as_ref().filter(|a| !a.is_empty())
                && !allowed.iter().any(|a| a.name == csi.driver)
            {
                errors.push(format!(
                    "spec.volumes[{i}].csi.driver: Invalid value: {:?}: Inline CSI driver is not allowed to be used",
                    csi.driver
                ));
            }
        }
        errors
    }

    /// `validateContainer` on the effective values (the container's, else the pod's).
    fn validate_container(
        &self,
        c: &ContainerFields<'_>,
        pod_sc: &PodSecurityContext,
        pod_annotations: &BTreeMap<String, String>,
    ) -> Vec<String> {
        let psp = self.psp;
        let mut errors = Vec::new();
        let sc = c.security_context.cloned().unwrap_or_default();
        let scp = format!("{}.securityContext", c.path);
        let user = sc.run_as_user.or(pod_sc.run_as_user);
        let non_root = sc.run_as_non_root.or(pod_sc.run_as_non_root);
        errors.extend(self.run_as_user.validate(&scp, user, non_root));
        // provider.go passes the securityContext path itself, not `.runAsGroup`.
        let groups: Option<Vec<i64>> = sc.run_as_group.or(pod_sc.run_as_group).map(|g| vec![g]);
        errors.extend(self.run_as_group.validate(&scp, groups.as_deref()));
        if let Some(required) = self.se_linux {
            let effective = sc.se_linux_options.as_ref().or(pod_sc.se_linux_options.as_ref());
            errors.extend(selinux::validate(&format!("{scp}.seLinuxOptions"), required, effective));
        }
        errors.extend(self.app_armor.validate(c.name, pod_annotations));
        errors.extend(self.seccomp.validate_container(c.name, pod_annotations));
        if sc.privileged == Some(true) && psp.privileged != Some(true) {
            errors.push(format!("{scp}.privileged: Invalid value: true: Privileged containers are not allowed"));
        }
        if let Some(pm) = sc.proc_mount.as_deref().filter(|pm| *pm != "Default")
            && !psp.allowed_proc_mount_types.iter().flatten().any(|a| a == pm)
        {
            errors.push(format!("{scp}.procMount: Invalid value: {pm:?}: ProcMountType is not allowed"));
        }
        errors.extend(self.capabilities.validate(&scp, sc.capabilities.as_ref()));
        for port in c.ports.unwrap_or_default() {
            if let Some(hp) = port.host_port.filter(|&hp| hp > 0)
                && !psp.host_ports.iter().flatten().any(|r| r.min <= hp && hp <= r.max)
            {
                errors.push(format!(
                    "{}.hostPort: Invalid value: {hp}: Host port {hp} is not allowed to be used. Allowed ports: [{}]",
                    c.path,
                    self.host_port_ranges_text()
                ));
            }
        }
        if psp.read_only_root_filesystem == Some(true) {
            match sc.read_only_root_filesystem {
                None => errors.push(format!(
                    "{scp}.readOnlyRootFilesystem: Invalid value: \"null\": ReadOnlyRootFilesystem may not be nil and must be set to true"
                )),
                Some(false) => errors.push(format!(
                    "{scp}.readOnlyRootFilesystem: Invalid value: false: ReadOnlyRootFilesystem must be set to true"
                )),
                Some(true) => {}
            }
        }
        if psp.allow_privilege_escalation == Some(false) && sc.allow_privilege_escalation != Some(false) {
            let value = sc.allow_privilege_escalation.map_or("\"null\"".to_owned(), |v| v.to_string());
            errors.push(format!(
                "{scp}.allowPrivilegeEscalation: Invalid value: {value}: Allowing privilege escalation for containers is not allowed"
            ));
        }
        errors
    }

    /// `hostPortRangesToString`: `80,443-444`.
    fn host_port_ranges_text(&self) -> String {
        self.psp
            .host_ports
            .iter()
            .flatten()
            .map(|r| if r.min == r.max { r.min.to_string() } else { format!("{}-{}", r.min, r.max) })
            .collect::<Vec<_>>()
            .join(",")
    }
}

/// Init, regular, then ephemeral containers, each with its path.
fn containers_in_visiting_order(spec: &PodSpec) -> Vec<ContainerFields<'_>> {
    let mut containers = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        containers.push(ContainerFields {
            path: format!("spec.initContainers[{i}]"),
            name: &c.name,
            security_context: c.security_context.as_ref(),
            ports: c.ports.as_deref(),
            volume_mounts: c.volume_mounts.as_deref(),
        });
    }
    for (i, c) in spec.containers.iter().enumerate() {
        containers.push(ContainerFields {
            path: format!("spec.containers[{i}]"),
            name: &c.name,
            security_context: c.security_context.as_ref(),
            ports: c.ports.as_deref(),
            volume_mounts: c.volume_mounts.as_deref(),
        });
    }
    for (i, c) in spec.ephemeral_containers.iter().flatten().enumerate() {
        containers.push(ContainerFields {
            path: format!("spec.ephemeralContainers[{i}]"),
            name: &c.name,
            security_context: c.security_context.as_ref(),
            ports: c.ports.as_deref(),
            volume_mounts: c.volume_mounts.as_deref(),
        });
    }
    containers
}
