//! PodSecurityPolicy (policy/v1beta1, removed in Kubernetes 1.25) simulated as the
//! admission plugin decided: for each policy, copy the pod, apply the policy's
//! defaults (mutation), validate the copy; prefer a policy that admits the pod
//! unchanged, else the first by name that admits the mutated pod.
//!
//! Upstream (v1.22–v1.24 shape): `pkg/security/podsecuritypolicy/provider.go`
//! (`MutatePod`/`ValidatePod`), `factory.go`, `.../capabilities/capabilities.go`,
//! `.../user/{nonroot,mustrunas}.go`, `.../group/{mustrunas,mayrunas}.go`,
//! `.../selinux/mustrunas.go`, `.../sysctl/mustmatchpatterns.go`,
//! `.../seccomp/strategy.go`, `.../apparmor/strategy.go`, `.../util/util.go`,
//! `plugin/pkg/admission/security/podsecuritypolicy/admission.go` and
//! kubernetes/kubernetes#52849 (policy order). Semantics:
//! `docs/semantics/pod-security-policy.md`. Messages follow that last plugin:
//! `PodSecurityPolicy: unable to admit pod: [...]`, seccomp errors on
//! `pod.metadata.annotations[...]` (not the older v1.6 wording
//! `unable to validate against any pod security policy`). Evaluated: privileged,
//! capabilities, volumes with hostPath prefixes (read-only too), flexVolume and CSI
//! driver lists, host namespaces and ports, runAsUser, runAsGroup, fsGroup,
//! supplementalGroups, seLinux, sysctls, procMount, readOnlyRootFilesystem,
//! privilege escalation, runtimeClass, seccomp and AppArmor annotations. Which
//! policies a pod may use (RBAC `use`) is the caller's to say: see `rbac.rs`.

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Capabilities, Pod, PodSpec, SELinuxOptions, SecurityContext, Sysctl};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use super::pss::volume_source_type;
use crate::model::{IdRange, PodSecurityPolicySpec, RunAsStrategyOptions};

pub const SECCOMP_ALLOWED_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/allowedProfileNames";
pub const SECCOMP_DEFAULT_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/defaultProfileName";
pub const APPARMOR_ALLOWED_ANNOTATION: &str = "apparmor.security.beta.kubernetes.io/allowedProfileNames";
pub const APPARMOR_DEFAULT_ANNOTATION: &str = "apparmor.security.beta.kubernetes.io/defaultProfileName";
const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APPARMOR_CONTAINER_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

/// A policy as given to the simulation.
#[derive(Clone, Copy, Debug)]
pub struct PolicyRef<'a> {
    pub name: &'a str,
    pub annotations: Option<&'a BTreeMap<String, String>>,
    pub spec: &'a PodSecurityPolicySpec,
}

/// One policy's verdict on one pod.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PspEvaluation {
    pub policy: String,
    /// The (mutated) pod validates against this policy.
    pub admitted: bool,
    /// The policy changed the pod (so it loses to any policy admitting it unchanged).
    pub mutating: bool,
    /// What the policy defaulted, e.g. `spec.containers[0].securityContext.allowPrivilegeEscalation: set to false`.
    pub mutations: Vec<String>,
    /// Field errors in upstream's wording.
    pub errors: Vec<String>,
    /// This policy is the one the admission plugin would pick.
    pub chosen: bool,
    /// The pod after this policy's defaults (only when it changed something).
    pub mutated_pod: Option<serde_json::Value>,
    /// Why the admission plugin cannot build a provider from this policy (e.g.
    /// `ranges must be supplied for MustRunAs`): it is skipped, never admits.
    #[serde(default)]
    pub provider_errors: Vec<String>,
    /// The pod's service account may `use` this policy (RBAC; always true when the
    /// input grants nothing). An unauthorized policy is evaluated but neither chosen
    /// nor quoted in the rejection.
    #[serde(default = "authorized_by_default")]
    pub authorized: bool,
}

fn authorized_by_default() -> bool {
    true
}

/// The decision over all policies for one pod.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PspDecision {
    pub evaluations: Vec<PspEvaluation>,
    pub chosen: Option<String>,
    /// `pods "p" is forbidden: PodSecurityPolicy: unable to admit pod: [...]`.
    pub rejection: Option<String>,
    /// The pod as admitted (mutations applied, `kubernetes.io/psp` annotation set).
    pub mutated_pod: Option<serde_json::Value>,
    /// How the usable policies were chosen (RBAC `use`, or all assumed usable).
    #[serde(default)]
    pub access: Option<super::rbac::PolicyAccess>,
}

/// API validation problems of a policy object itself (`validatePSPRunAsUser`, …):
/// upstream refuses to create such a PSP; we evaluate it with `RunAsAny` in place.
pub fn policy_problems(spec: &PodSecurityPolicySpec) -> Vec<String> {
    let mut out = Vec::new();
    let rule = |name: &str, value: Option<&str>, supported: &str, out: &mut Vec<String>| {
        let value = value.unwrap_or("");
        if !supported.split(", ").any(|s| s.trim_matches('"') == value) {
            out.push(format!("spec.{name}.rule: Unsupported value: {value:?}: supported values: {supported}"));
        }
    };
    rule("seLinux", spec.se_linux.as_ref().map(|s| s.rule.as_str()), "\"MustRunAs\", \"RunAsAny\"", &mut out);
    rule(
        "runAsUser",
        spec.run_as_user.as_ref().map(|s| s.rule.as_str()),
        "\"MustRunAs\", \"MustRunAsNonRoot\", \"RunAsAny\"",
        &mut out,
    );
    rule(
        "supplementalGroups",
        spec.supplemental_groups.as_ref().map(|s| s.rule.as_str()),
        "\"MayRunAs\", \"MustRunAs\", \"RunAsAny\"",
        &mut out,
    );
    rule(
        "fsGroup",
        spec.fs_group.as_ref().map(|s| s.rule.as_str()),
        "\"MayRunAs\", \"MustRunAs\", \"RunAsAny\"",
        &mut out,
    );
    // validatePSPRunAsGroup: optional; its rules are listed unsorted, and the
    // range rules need a range.
    if let Some(group) = spec.run_as_group.as_ref() {
        let ranges = group.ranges.as_deref().unwrap_or_default();
        match group.rule.as_str() {
            "RunAsAny" if !ranges.is_empty() => out.push(format!(
                "spec.runAsGroup.ranges: Invalid value: {}: Ranges must be empty",
                go_id_range_slice(group.ranges.as_deref())
            )),
            "MustRunAs" | "MayRunAs" if ranges.is_empty() => out.push(format!(
                "spec.runAsGroup.ranges: Invalid value: {}: must provide at least one range",
                go_id_range_slice(group.ranges.as_deref())
            )),
            "RunAsAny" | "MustRunAs" | "MayRunAs" => {}
            other => out.push(format!(
                "spec.runAsGroup.rule: Unsupported value: {other:?}: supported values: \"MustRunAs\", \"RunAsAny\", \"MayRunAs\""
            )),
        }
    }
    out
}

/// Go's %#v of a []policy.IDRange: `[]policy.IDRange{policy.IDRange{Min:1, Max:2}}`.
fn go_id_range_slice(ranges: Option<&[IdRange]>) -> String {
    match ranges {
        None => "[]policy.IDRange(nil)".to_owned(),
        Some(rs) => format!(
            "[]policy.IDRange{{{}}}",
            rs.iter().map(|r| format!("policy.IDRange{{Min:{}, Max:{}}}", r.min, r.max)).collect::<Vec<_>>().join(", ")
        ),
    }
}

/// Evaluates a pod against every policy and picks one as the plugin did, among
/// those `authorized` says the pod may use (admission.go `computeSecurityContext`:
/// every policy is tried, only authorized ones count).
pub fn decide(
    pod_name: &str,
    metadata: &ObjectMeta,
    spec: &PodSpec,
    policies: &[PolicyRef<'_>],
    authorized: &dyn Fn(&str) -> bool,
) -> PspDecision {
    let mut sorted: Vec<&PolicyRef<'_>> = policies.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(b.name));
    let mut evaluations = Vec::new();
    let mut pods = Vec::new();
    for policy in &sorted {
        let (pod, mut evaluation) = evaluate(metadata, spec, policy);
        evaluation.authorized = authorized(policy.name);
        evaluations.push(evaluation);
        pods.push(pod);
    }
    // Prefer a policy that admits the pod unchanged; else the first by name that
    // admits the mutated pod (kubernetes/kubernetes#52849).
    let chosen = evaluations
        .iter()
        .position(|e| e.admitted && e.authorized && !e.mutating)
        .or_else(|| evaluations.iter().position(|e| e.admitted && e.authorized));
    let mut decision = PspDecision { evaluations, chosen: None, rejection: None, mutated_pod: None, access: None };
    match chosen {
        Some(i) => {
            if let (Some(e), Some(pod)) = (decision.evaluations.get_mut(i), pods.get_mut(i)) {
                e.chosen = true;
                pod.metadata
                    .annotations
                    .get_or_insert_with(Default::default)
                    .insert("kubernetes.io/psp".to_owned(), e.policy.clone());
                if pod.metadata.name.is_none() {
                    pod.metadata.name = Some(pod_name.to_owned());
                }
                decision.chosen = Some(e.policy.clone());
                decision.mutated_pod = serde_json::to_value(&*pod).ok();
            }
        }
        None => {
            let errors: Vec<String> =
                decision.evaluations.iter().filter(|e| e.authorized).flat_map(|e| e.errors.iter().cloned()).collect();
            // admission.go: no providers (none given, or none could be built), or the
            // errors of every policy.
            let no_providers = decision.evaluations.iter().all(|e| !e.provider_errors.is_empty());
            decision.rejection = Some(if no_providers {
                format!(
                    "pods {pod_name:?} is forbidden: PodSecurityPolicy: no providers available to validate pod request"
                )
            } else {
                format!(
                    "pods {pod_name:?} is forbidden: PodSecurityPolicy: unable to admit pod: [{}]",
                    errors.join(" ")
                )
            });
        }
    }
    decision
}

fn quoted_list(items: &[String]) -> String {
    // Go's %#v of a []core.Capability, as field.Invalid prints it.
    format!("[]core.Capability{{{}}}", items.iter().map(|i| format!("{i:?}")).collect::<Vec<_>>().join(", "))
}

/// Why the admission plugin could not build a provider from a policy
/// (factory.go `CreateStrategies` and the strategy constructors): such a policy
/// is skipped, so it never admits anything. A rule the API would refuse
/// ([`policy_problems`]) is evaluated as `RunAsAny` instead.
fn provider_errors(psp: &PodSecurityPolicySpec) -> Vec<String> {
    let mut out = Vec::new();
    let no_ranges = |s: &RunAsStrategyOptions| s.ranges.as_ref().is_none_or(Vec::is_empty);
    if psp.run_as_user.as_ref().is_some_and(|s| s.rule == "MustRunAs" && no_ranges(s)) {
        out.push("MustRunAs requires at least one range".to_owned());
    }
    for strategy in [psp.run_as_group.as_ref(), psp.fs_group.as_ref(), psp.supplemental_groups.as_ref()] {
        if let Some(s) = strategy.filter(|s| matches!(s.rule.as_str(), "MustRunAs" | "MayRunAs") && no_ranges(s)) {
            out.push(format!("ranges must be supplied for {}", s.rule));
        }
    }
    if psp.se_linux.as_ref().is_some_and(|s| s.rule == "MustRunAs" && s.se_linux_options.is_none()) {
        out.push("MustRunAs requires SELinuxOptions".to_owned());
    }
    out
}

/// Mutates a copy of the pod with one policy's defaults, then validates it
/// (provider.go `MutatePod`, `ValidatePod`).
fn evaluate(metadata: &ObjectMeta, spec: &PodSpec, policy: &PolicyRef<'_>) -> (Pod, PspEvaluation) {
    let psp = policy.spec;
    let annotations = policy.annotations;
    let mut pod = Pod { metadata: metadata.clone(), spec: Some(spec.clone()), status: None };
    let mut mutations = Vec::new();
    let mut errors = Vec::new();
    let provider_errors = provider_errors(psp);
    if !provider_errors.is_empty() {
        let evaluation = PspEvaluation {
            policy: policy.name.to_owned(),
            admitted: false,
            mutating: false,
            mutations,
            errors,
            chosen: false,
            mutated_pod: None,
            provider_errors,
            authorized: true,
        };
        return (pod, evaluation);
    }
    let run_as_user = psp.run_as_user.as_ref();
    let run_as_group = GroupStrategy::of(psp.run_as_group.as_ref());
    let fs_group = GroupStrategy::of(psp.fs_group.as_ref());
    let supplemental_groups = GroupStrategy::of(psp.supplemental_groups.as_ref());
    let se_linux = psp.se_linux.as_ref().filter(|s| s.rule == "MustRunAs").and_then(|s| s.se_linux_options.as_ref());

    // --- pod-level mutation: seccomp default profile, group defaults, SELinux
    // options, runtime class.
    if let Some(default) = annotations.and_then(|a| a.get(SECCOMP_DEFAULT_ANNOTATION)) {
        let pod_annotations = pod.metadata.annotations.get_or_insert_with(Default::default);
        let has_field = spec.security_context.as_ref().is_some_and(|sc| sc.seccomp_profile.is_some());
        if !pod_annotations.contains_key(SECCOMP_POD_ANNOTATION) && !has_field {
            pod_annotations.insert(SECCOMP_POD_ANNOTATION.to_owned(), default.clone());
            mutations.push(format!("metadata.annotations[{SECCOMP_POD_ANNOTATION}]: set to {default:?}"));
        }
    }
    let pod_spec = pod.spec.get_or_insert_with(Default::default);
    // provider.go fills fsGroup when unset and supplementalGroups when nil (an
    // explicit empty list stays, and MustRunAs then rejects it).
    if pod_spec.security_context.as_ref().is_none_or(|sc| sc.fs_group.is_none())
        && let Some(gid) = fs_group.default_group()
    {
        pod_spec.security_context.get_or_insert_with(Default::default).fs_group = Some(gid);
        mutations.push(format!("spec.securityContext.fsGroup: set to {gid}"));
    }
    if pod_spec.security_context.as_ref().is_none_or(|sc| sc.supplemental_groups.is_none())
        && let Some(gid) = supplemental_groups.default_group()
    {
        pod_spec.security_context.get_or_insert_with(Default::default).supplemental_groups = Some(vec![gid]);
        mutations.push(format!("spec.securityContext.supplementalGroups: set to [{gid}]"));
    }
    if pod_spec.security_context.as_ref().is_none_or(|sc| sc.se_linux_options.is_none())
        && let Some(options) = se_linux
    {
        pod_spec.security_context.get_or_insert_with(Default::default).se_linux_options = Some(options.clone());
        mutations.push(format!("spec.securityContext.seLinuxOptions: set to {}", selinux_text(options)));
    }
    if let Some(default) = psp.runtime_class.as_ref().and_then(|rc| rc.default_runtime_class_name.as_ref())
        && pod_spec.runtime_class_name.is_none()
    {
        pod_spec.runtime_class_name = Some(default.clone());
        mutations.push(format!("spec.runtimeClassName: set to {default:?}"));
    }
    let pod_sc = pod_spec.security_context.clone().unwrap_or_default();

    // --- container-level mutation, on the effective context (container, else pod).
    // SELinux options need none: MustRunAs has just set the pod's, which containers inherit.
    let default_add: Vec<String> = psp.default_add_capabilities.clone().unwrap_or_default();
    let required_drop: Vec<String> = psp.required_drop_capabilities.clone().unwrap_or_default();
    let visit = |path: String, sc_slot: &mut Option<SecurityContext>, mutations: &mut Vec<String>| {
        let had_context = sc_slot.is_some();
        let sc = sc_slot.get_or_insert_with(Default::default);
        // capabilities.go Generate: default adds (unless the container drops them) and
        // required drops are merged in; a changed list is written back as a sorted set.
        if !default_add.is_empty() || !required_drop.is_empty() {
            let current = sc.capabilities.clone().unwrap_or_default();
            let container_add: BTreeSet<String> = current.add.iter().flatten().cloned().collect();
            let container_drop: BTreeSet<String> = current.drop.iter().flatten().cloned().collect();
            let mut combined_add = container_add.clone();
            combined_add.extend(default_add.iter().filter(|c| !container_drop.contains(*c)).cloned());
            let mut combined_drop = container_drop.clone();
            combined_drop.extend(required_drop.iter().cloned());
            if combined_add.len() != container_add.len() || combined_drop.len() != container_drop.len() {
                for cap in combined_add.difference(&container_add) {
                    mutations.push(format!("{path}.securityContext.capabilities.add: added {cap}"));
                }
                for cap in combined_drop.difference(&container_drop) {
                    mutations.push(format!("{path}.securityContext.capabilities.drop: added {cap}"));
                }
                let list = |set: BTreeSet<String>| (!set.is_empty()).then(|| set.into_iter().collect::<Vec<_>>());
                sc.capabilities = Some(Capabilities { add: list(combined_add), drop: list(combined_drop) });
            }
        }
        // provider.go: defaultAllowPrivilegeEscalation, else false when escalation is disallowed.
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
        // user strategies: MustRunAs defaults the UID; MustRunAsNonRoot sets runAsNonRoot.
        let effective_user = sc.run_as_user.or(pod_sc.run_as_user);
        let effective_non_root = sc.run_as_non_root.or(pod_sc.run_as_non_root);
        match run_as_user.map(|s| s.rule.as_str()) {
            Some("MustRunAs") => {
                if effective_user.is_none()
                    && let Some(min) = must_run_as_min(run_as_user)
                {
                    sc.run_as_user = Some(min);
                    mutations.push(format!("{path}.securityContext.runAsUser: set to {min}"));
                }
            }
            Some("MustRunAsNonRoot") if effective_user.is_none() && effective_non_root.is_none() => {
                sc.run_as_non_root = Some(true);
                mutations.push(format!("{path}.securityContext.runAsNonRoot: set to true"));
            }
            _ => {}
        }
        // runAsGroup MustRunAs defaults the primary GID of each container.
        if sc.run_as_group.or(pod_sc.run_as_group).is_none()
            && let Some(gid) = run_as_group.default_group()
        {
            sc.run_as_group = Some(gid);
            mutations.push(format!("{path}.securityContext.runAsGroup: set to {gid}"));
        }
        if !had_context && *sc == SecurityContext::default() {
            // Nothing was set and the policy added nothing: keep the context absent.
            *sc_slot = None;
        }
    };
    for (i, c) in pod_spec.init_containers.iter_mut().flatten().enumerate() {
        visit(format!("spec.initContainers[{i}]"), &mut c.security_context, &mut mutations);
    }
    for (i, c) in pod_spec.containers.iter_mut().enumerate() {
        visit(format!("spec.containers[{i}]"), &mut c.security_context, &mut mutations);
    }
    for (i, c) in pod_spec.ephemeral_containers.iter_mut().flatten().enumerate() {
        visit(format!("spec.ephemeralContainers[{i}]"), &mut c.security_context, &mut mutations);
    }
    // apparmor/strategy.go Generate, from provider.go's mutateContainer (init, then
    // regular containers): a container without a profile annotation gets the default.
    if let Some(default) = annotations.and_then(|a| a.get(APPARMOR_DEFAULT_ANNOTATION)).filter(|d| !d.is_empty()) {
        let names: Vec<String> = pod
            .spec
            .iter()
            .flat_map(|s| s.init_containers.iter().flatten().chain(s.containers.iter()))
            .map(|c| c.name.clone())
            .collect();
        let pod_annotations = pod.metadata.annotations.get_or_insert_with(Default::default);
        for name in names {
            let key = format!("{APPARMOR_CONTAINER_PREFIX}{name}");
            if pod_annotations.get(&key).is_none_or(String::is_empty) {
                pod_annotations.insert(key.clone(), default.clone());
                mutations.push(format!("metadata.annotations[{key}]: set to {default:?}"));
            }
        }
    }

    // --- validation of the mutated pod, in provider.go's ValidatePod order: groups,
    // seccomp, SELinux, host namespaces, sysctls, volumes, runtime class, then init,
    // regular and ephemeral containers (pods.VisitContainersWithPath).
    let spec = pod.spec.as_ref().cloned().unwrap_or_default();
    let pod_sc = spec.security_context.clone().unwrap_or_default();
    let pod_annotations = pod.metadata.annotations.clone().unwrap_or_default();
    let fs_groups: Option<Vec<i64>> = pod_sc.fs_group.map(|g| vec![g]);
    errors.extend(fs_group.validate("spec.securityContext.fsGroup", fs_groups.as_deref()));
    errors.extend(
        supplemental_groups.validate("spec.securityContext.supplementalGroups", pod_sc.supplemental_groups.as_deref()),
    );
    let seccomp = SeccompStrategy::new(annotations);
    if let Some(error) =
        seccomp.validate(SECCOMP_POD_ANNOTATION, pod_annotations.get(SECCOMP_POD_ANNOTATION).map_or("", String::as_str))
    {
        errors.push(error);
    }
    if let Some(required) = se_linux {
        errors.extend(validate_selinux(
            "spec.securityContext.seLinuxOptions",
            required,
            pod_sc.se_linux_options.as_ref(),
        ));
    }
    for (on, field, what) in [
        (spec.host_network, "hostNetwork", "Host network"),
        (spec.host_pid, "hostPID", "Host PID"),
        (spec.host_ipc, "hostIPC", "Host IPC"),
    ] {
        let allowed = match field {
            "hostNetwork" => psp.host_network,
            "hostPID" => psp.host_pid,
            _ => psp.host_ipc,
        } == Some(true);
        if on == Some(true) && !allowed {
            errors.push(format!("spec.securityContext.{field}: Invalid value: true: {what} is not allowed to be used"));
        }
    }
    errors.extend(validate_sysctls(psp, pod_sc.sysctls.as_deref().unwrap_or_default()));
    let mut containers: Vec<(String, ContainerFields<'_>)> = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        containers.push((
            format!("spec.initContainers[{i}]"),
            ContainerFields {
                name: &c.name,
                security_context: c.security_context.as_ref(),
                ports: c.ports.as_deref(),
                volume_mounts: c.volume_mounts.as_deref(),
            },
        ));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        containers.push((
            format!("spec.containers[{i}]"),
            ContainerFields {
                name: &c.name,
                security_context: c.security_context.as_ref(),
                ports: c.ports.as_deref(),
                volume_mounts: c.volume_mounts.as_deref(),
            },
        ));
    }
    for (i, c) in spec.ephemeral_containers.iter().flatten().enumerate() {
        containers.push((
            format!("spec.ephemeralContainers[{i}]"),
            ContainerFields {
                name: &c.name,
                security_context: c.security_context.as_ref(),
                ports: c.ports.as_deref(),
                volume_mounts: c.volume_mounts.as_deref(),
            },
        ));
    }
    let allowed_volumes: Vec<String> = psp.volumes.clone().unwrap_or_default();
    for (i, v) in spec.volumes.iter().flatten().enumerate() {
        // API defaulting: a source-less volume is an emptyDir.
        let kind = volume_source_type(v).unwrap_or("emptyDir");
        if !allowed_volumes.iter().any(|a| a == "*" || a == kind) {
            errors
                .push(format!("spec.volumes[{i}]: Invalid value: {kind:?}: {kind} volumes are not allowed to be used"));
            continue;
        }
        if let Some(host_path) = v.host_path.as_ref() {
            match host_path_allowed(psp, &host_path.path) {
                HostPathAccess::Denied => errors.push(format!(
                    "spec.volumes[{i}].hostPath.pathPrefix: Invalid value: {:?}: is not allowed to be used",
                    host_path.path
                )),
                // Every mount of this volume, in any container, must then be read-only.
                HostPathAccess::ReadOnly => {
                    for (path, c) in &containers {
                        for (m, mount) in c.volume_mounts.iter().flat_map(|ms| ms.iter()).enumerate() {
                            if mount.name == v.name && mount.read_only != Some(true) {
                                errors.push(format!(
                                    "{path}.volumeMounts[{m}].readOnly: Invalid value: false: must be read-only"
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
    // An unset runtimeClassName is always allowed; `*` allows any.
    if let (Some(rc), Some(name)) = (psp.runtime_class.as_ref(), spec.runtime_class_name.as_ref())
        && !rc.allowed_runtime_class_names.iter().any(|a| a == "*" || a == name)
    {
        errors.push(format!("spec.runtimeClassName: Invalid value: {name:?}"));
    }
    let host_ports: Vec<(i32, i32)> = psp.host_ports.iter().flatten().map(|r| (r.min, r.max)).collect();
    // provider.go hostPortRangesToString: `80,443-444`.
    let allowed_ports_text = host_ports
        .iter()
        .map(|&(a, b)| if a == b { a.to_string() } else { format!("{a}-{b}") })
        .collect::<Vec<_>>()
        .join(",");
    let allowed_caps: Vec<String> = psp.allowed_capabilities.clone().unwrap_or_default();
    let any_cap = allowed_caps.iter().any(|c| c == "*");
    for (path, c) in &containers {
        let sc = c.security_context.cloned().unwrap_or_default();
        let scp = format!("{path}.securityContext");
        // user strategies validate the effective values (container, else pod).
        let user = sc.run_as_user.or(pod_sc.run_as_user);
        let non_root = sc.run_as_non_root.or(pod_sc.run_as_non_root);
        match run_as_user.map(|s| s.rule.as_str()) {
            // user/nonroot.go: the first problem only.
            Some("MustRunAsNonRoot") => {
                if user.is_none() && non_root.is_none() {
                    errors.push(format!("{scp}.runAsNonRoot: Required value: must be true"));
                } else if non_root == Some(false) {
                    errors.push(format!("{scp}.runAsNonRoot: Invalid value: false: must be true"));
                } else if user == Some(0) {
                    errors.push(format!("{scp}.runAsUser: Invalid value: 0: running with the root UID is forbidden"));
                }
            }
            Some("MustRunAs") => match user {
                None => errors.push(format!("{scp}.runAsUser: Required value")),
                Some(uid) if !in_ranges(run_as_user, uid) => {
                    errors.push(format!(
                        "{scp}.runAsUser: Invalid value: {uid}: must be in the ranges: {}",
                        ranges_text(run_as_user)
                    ));
                }
                _ => {}
            },
            _ => {}
        }
        // provider.go passes the securityContext path itself, not `.runAsGroup`.
        let groups: Option<Vec<i64>> = sc.run_as_group.or(pod_sc.run_as_group).map(|g| vec![g]);
        errors.extend(run_as_group.validate(&scp, groups.as_deref()));
        if let Some(required) = se_linux {
            let effective = sc.se_linux_options.as_ref().or(pod_sc.se_linux_options.as_ref());
            errors.extend(validate_selinux(&format!("{scp}.seLinuxOptions"), required, effective));
        }
        // apparmor/strategy.go Validate: constrained only when the policy has the
        // allowed-profiles annotation; then a container without a profile is refused
        // before the list is consulted (so a trailing comma does not allow "unset").
        if let Some(allowed) = annotations.and_then(|a| a.get(APPARMOR_ALLOWED_ANNOTATION)) {
            let key = format!("{APPARMOR_CONTAINER_PREFIX}{}", c.name);
            let profile = pod_annotations.get(&key).map_or("", String::as_str);
            if profile.is_empty() {
                errors.push(format!("pod.metadata.annotations[{key}]: Forbidden: AppArmor profile must be set"));
            } else if !allowed.split(',').any(|a| a == profile) {
                errors.push(format!(
                    "pod.metadata.annotations[{key}]: Forbidden: {profile} is not an allowed profile. Allowed values: {allowed:?}"
                ));
            }
        }
        // seccomp/strategy.go profileForContainer: the container annotation, else the pod's.
        let key = format!("{SECCOMP_CONTAINER_PREFIX}{}", c.name);
        let profile =
            pod_annotations.get(&key).or(pod_annotations.get(SECCOMP_POD_ANNOTATION)).map_or("", String::as_str);
        if let Some(error) = seccomp.validate(&key, profile) {
            errors.push(error);
        }
        if sc.privileged == Some(true) && psp.privileged != Some(true) {
            errors.push(format!("{scp}.privileged: Invalid value: true: Privileged containers are not allowed"));
        }
        if let Some(pm) = sc.proc_mount.as_deref().filter(|pm| *pm != "Default")
            && !psp.allowed_proc_mount_types.iter().flatten().any(|a| a == pm)
        {
            errors.push(format!("{scp}.procMount: Invalid value: {pm:?}: ProcMountType is not allowed"));
        }
        // capabilities/capabilities.go: case-sensitive; `*` skips every capability check.
        match sc.capabilities.as_ref() {
            None if !required_drop.is_empty() => {
                errors.push(format!(
                    "{scp}.capabilities: Invalid value: \"null\": required capabilities are not set on the securityContext"
                ));
            }
            Some(caps) if !any_cap => {
                for cap in caps.add.iter().flatten() {
                    if !default_add.contains(cap) && !allowed_caps.contains(cap) {
                        errors.push(format!(
                            "{scp}.capabilities.add: Invalid value: {cap:?}: capability may not be added"
                        ));
                    }
                }
                let drop: Vec<String> = caps.drop.clone().unwrap_or_default();
                for required in &required_drop {
                    if !drop.contains(required) {
                        errors.push(format!(
                            "{scp}.capabilities.drop: Invalid value: {}: {required} is required to be dropped but was not found",
                            quoted_list(&drop)
                        ));
                    }
                }
            }
            _ => {}
        }
        for port in c.ports.unwrap_or_default() {
            if let Some(hp) = port.host_port.filter(|&hp| hp > 0)
                && !host_ports.iter().any(|&(a, b)| a <= hp && hp <= b)
            {
                errors.push(format!(
                    "{path}.hostPort: Invalid value: {hp}: Host port {hp} is not allowed to be used. Allowed ports: [{allowed_ports_text}]"
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
    }
    let mutating = !mutations.is_empty();
    let evaluation = PspEvaluation {
        policy: policy.name.to_owned(),
        admitted: errors.is_empty(),
        mutating,
        mutations,
        errors,
        chosen: false,
        mutated_pod: if mutating { serde_json::to_value(&pod).ok() } else { None },
        provider_errors: Vec::new(),
        authorized: true,
    };
    (pod, evaluation)
}

/// The group strategies shared by `runAsGroup`, `fsGroup` and `supplementalGroups`
/// (group/{mustrunas,mayrunas,runasany}.go). A rule the API would refuse counts as
/// `RunAsAny` (see [`policy_problems`]).
#[derive(Clone, Copy, Debug)]
enum GroupStrategy<'a> {
    RunAsAny,
    MayRunAs(&'a [IdRange]),
    MustRunAs(&'a [IdRange]),
}

impl<'a> GroupStrategy<'a> {
    fn of(options: Option<&'a RunAsStrategyOptions>) -> Self {
        let ranges = options.and_then(|o| o.ranges.as_deref()).unwrap_or_default();
        match options.map(|o| o.rule.as_str()) {
            Some("MustRunAs") => GroupStrategy::MustRunAs(ranges),
            Some("MayRunAs") => GroupStrategy::MayRunAs(ranges),
            _ => GroupStrategy::RunAsAny,
        }
    }

    /// `Generate`/`GenerateSingle`: MustRunAs gives the min of the first range;
    /// MayRunAs and RunAsAny leave the field unset.
    fn default_group(self) -> Option<i64> {
        match self {
            GroupStrategy::MustRunAs(ranges) => ranges.first().map(|r| r.min),
            _ => None,
        }
    }

    /// `Validate`: MustRunAs needs at least one group; both range rules need every
    /// group inside a range. The bad value printed is the whole list (Go's %#v).
    fn validate(self, path: &str, groups: Option<&[i64]>) -> Vec<String> {
        let ranges = match self {
            GroupStrategy::RunAsAny => return Vec::new(),
            GroupStrategy::MayRunAs(ranges) | GroupStrategy::MustRunAs(ranges) => ranges,
        };
        let value = go_int64_slice(groups);
        let mut out = Vec::new();
        if matches!(self, GroupStrategy::MustRunAs(_)) && groups.is_none_or(<[i64]>::is_empty) {
            out.push(format!(
                "{path}: Invalid value: {value}: unable to validate empty groups against required ranges"
            ));
        }
        for &group in groups.unwrap_or_default() {
            if !ranges.iter().any(|r| r.min <= group && group <= r.max) {
                out.push(format!(
                    "{path}: Invalid value: {value}: group {group} must be in the ranges: {}",
                    go_ranges(ranges)
                ));
            }
        }
        out
    }
}

/// Go's %#v of a []int64, as field.Invalid prints it: `[]int64{1000, 2000}`,
/// `[]int64{}`, `[]int64(nil)`.
fn go_int64_slice(values: Option<&[i64]>) -> String {
    match values {
        None => "[]int64(nil)".to_owned(),
        Some(v) => format!("[]int64{{{}}}", v.iter().map(i64::to_string).collect::<Vec<_>>().join(", ")),
    }
}

/// Go's %v of []IDRange: `[{2000 3000} {5000 5000}]`.
fn go_ranges(ranges: &[IdRange]) -> String {
    format!("[{}]", ranges.iter().map(|r| format!("{{{} {}}}", r.min, r.max)).collect::<Vec<_>>().join(" "))
}

/// selinux/mustrunas.go `Validate`: each of level, role, type and user must equal
/// the policy's (an unset one is ""); levels compare with their categories in any order.
fn validate_selinux(path: &str, required: &SELinuxOptions, actual: Option<&SELinuxOptions>) -> Vec<String> {
    let Some(actual) = actual else {
        return vec![format!("{path}: Required value")];
    };
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut out = Vec::new();
    let fields = [
        ("level", text(&required.level), text(&actual.level)),
        ("role", text(&required.role), text(&actual.role)),
        ("type", text(&required.type_), text(&actual.type_)),
        ("user", text(&required.user), text(&actual.user)),
    ];
    for (field, wanted, found) in fields {
        let equal = if field == "level" { equal_selinux_levels(&wanted, &found) } else { wanted == found };
        if !equal {
            out.push(format!("{path}.{field}: Invalid value: {found:?}: must be {wanted}"));
        }
    }
    out
}

/// selinux/mustrunas.go `equalLevels`: `s0:c6,c0` equals `s0:c0,c6`; otherwise the
/// strings must be equal.
fn equal_selinux_levels(expected: &str, actual: &str) -> bool {
    if expected == actual {
        return true;
    }
    let (Some((expected_sensitivity, expected_categories)), Some((actual_sensitivity, actual_categories))) =
        (expected.split_once(':'), actual.split_once(':'))
    else {
        return false;
    };
    fn sorted(categories: &str) -> Vec<&str> {
        let mut v: Vec<&str> = categories.split(',').collect();
        v.sort_unstable();
        v
    }
    expected_sensitivity == actual_sensitivity && sorted(expected_categories) == sorted(actual_categories)
}

/// The SELinux options as the mutation list shows them: `{"level":"s0:c1,c2"}`.
fn selinux_text(options: &SELinuxOptions) -> String {
    serde_json::to_string(options).unwrap_or_default()
}

/// The sysctls the PSP admission plugin always allows
/// (sysctl/mustmatchpatterns.go `SafeSysctlAllowlist`, v1.22–v1.24).
pub const PSP_SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",
    "net.ipv4.ip_unprivileged_port_start",
];

/// A sysctl pattern: a name, or a prefix ending in `*` (`kernel.*`, or `*` for all).
fn sysctl_matches(pattern: &str, name: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => name.starts_with(prefix),
        None => pattern == name,
    }
}

/// sysctl/mustmatchpatterns.go `Validate`: forbidden first (even a safe sysctl can
/// be forbidden), then the safe set, then `allowedUnsafeSysctls`.
fn validate_sysctls(psp: &PodSecurityPolicySpec, sysctls: &[Sysctl]) -> Vec<String> {
    let forbidden = psp.forbidden_sysctls.as_deref().unwrap_or_default();
    let allowed_unsafe = psp.allowed_unsafe_sysctls.as_deref().unwrap_or_default();
    let mut out = Vec::new();
    for (i, sysctl) in sysctls.iter().enumerate() {
        let name = sysctl.name.as_str();
        let path = format!("pod.spec.securityContext.sysctls[{i}]");
        if forbidden.iter().any(|p| sysctl_matches(p, name)) {
            out.push(format!("{path}: Forbidden: sysctl {name:?} is not allowed"));
        } else if !PSP_SAFE_SYSCTLS.contains(&name) && !allowed_unsafe.iter().any(|p| sysctl_matches(p, name)) {
            out.push(format!("{path}: Forbidden: unsafe sysctl {name:?} is not allowed"));
        }
    }
    out
}

/// What `allowedHostPaths` grants a path (util.go `AllowsHostVolumePath`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum HostPathAccess {
    Denied,
    ReadOnly,
    Writable,
}

/// No list allows every path; a matching writable entry wins over read-only ones.
fn host_path_allowed(psp: &PodSecurityPolicySpec, path: &str) -> HostPathAccess {
    let Some(allowed) = psp.allowed_host_paths.as_ref().filter(|a| !a.is_empty()) else {
        return HostPathAccess::Writable;
    };
    let mut access = HostPathAccess::Denied;
    for entry in allowed {
        if entry.path_prefix.as_deref().is_some_and(|p| path_has_prefix(path, p)) {
            if entry.read_only != Some(true) {
                return HostPathAccess::Writable;
            }
            access = HostPathAccess::ReadOnly;
        }
    }
    access
}

/// The seccomp strategy of the PSP admission plugin (seccomp/strategy.go): it
/// reads the profile annotations. `allowedProfileNames` is split on commas
/// without trimming (a trailing comma allows "no profile"); `*` allows any.
struct SeccompStrategy<'a> {
    allowed: Option<Vec<&'a str>>,
    allowed_text: &'a str,
}

impl<'a> SeccompStrategy<'a> {
    fn new(annotations: Option<&'a BTreeMap<String, String>>) -> Self {
        let text = annotations.and_then(|a| a.get(SECCOMP_ALLOWED_ANNOTATION));
        SeccompStrategy { allowed: text.map(|t| t.split(',').collect()), allowed_text: text.map_or("", String::as_str) }
    }

    /// "Absence of this annotation means that the default cannot be changed": with
    /// no allowed profiles, any profile is forbidden.
    fn validate(&self, annotation_key: &str, profile: &str) -> Option<String> {
        let field = format!("pod.metadata.annotations[{annotation_key}]");
        let any = self.allowed.as_ref().is_some_and(|a| a.contains(&"*"));
        let listed: Vec<&str> = self.allowed.iter().flatten().copied().filter(|p| *p != "*").collect();
        if !any && listed.is_empty() && !profile.is_empty() {
            return Some(format!("{field}: Forbidden: seccomp may not be set"));
        }
        let allowed = (listed.is_empty() && profile.is_empty()) || any || listed.contains(&profile);
        (!allowed).then(|| {
            format!(
                "{field}: Forbidden: {profile} is not an allowed seccomp profile. Valid values are {}",
                self.allowed_text
            )
        })
    }
}

/// The container fields PSP validation reads (regular, init and ephemeral alike).
struct ContainerFields<'a> {
    name: &'a str,
    security_context: Option<&'a SecurityContext>,
    ports: Option<&'a [k8s_openapi::api::core::v1::ContainerPort]>,
    volume_mounts: Option<&'a [k8s_openapi::api::core::v1::VolumeMount]>,
}

fn must_run_as_min(strategy: Option<&RunAsStrategyOptions>) -> Option<i64> {
    let s = strategy?;
    if s.rule != "MustRunAs" {
        return None;
    }
    s.ranges.as_ref()?.first().map(|r| r.min)
}

fn in_ranges(strategy: Option<&RunAsStrategyOptions>, id: i64) -> bool {
    strategy.and_then(|s| s.ranges.as_ref()).is_some_and(|rs| rs.iter().any(|r| r.min <= id && id <= r.max))
}

fn ranges_text(strategy: Option<&RunAsStrategyOptions>) -> String {
    go_ranges(strategy.and_then(|s| s.ranges.as_deref()).unwrap_or_default())
}

/// allowedHostPaths prefix match on whole path components: `/foo` allows
/// `/foo/bar`, not `/fool`.
fn path_has_prefix(path: &str, prefix: &str) -> bool {
    let clean = |p: &str| p.trim_end_matches('/').to_owned();
    let (path, prefix) = (clean(path), clean(prefix));
    if prefix.is_empty() {
        return true;
    }
    path == prefix || path.strip_prefix(&prefix).is_some_and(|rest| rest.starts_with('/'))
}

/// The migration view: for each PSP field, the PSS level and check that covers it.
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
    fn host_path_prefixes_match_whole_components() {
        assert!(path_has_prefix("/foo/bar", "/foo"));
        assert!(path_has_prefix("/foo", "/foo/"));
        assert!(!path_has_prefix("/fool", "/foo"));
        assert!(path_has_prefix("/anything", "/"));
    }

    #[test]
    fn selinux_levels_compare_categories_as_sets() {
        assert!(equal_selinux_levels("s0:c6,c0", "s0:c0,c6"));
        assert!(!equal_selinux_levels("s0:c6", "s1:c6"));
        assert!(!equal_selinux_levels("s0", "s0:c0"));
        assert!(equal_selinux_levels("", ""));
    }

    #[test]
    fn sysctl_patterns_are_names_or_star_prefixes() {
        assert!(sysctl_matches("kernel.*", "kernel.msgmax"));
        assert!(sysctl_matches("*", "net.core.somaxconn"));
        assert!(!sysctl_matches("kernel.msg", "kernel.msgmax"));
        assert!(sysctl_matches("kernel.msgmax", "kernel.msgmax"));
    }

    #[test]
    fn go_values_print_as_field_errors_show_them() {
        assert_eq!(go_int64_slice(None), "[]int64(nil)");
        assert_eq!(go_int64_slice(Some(&[])), "[]int64{}");
        assert_eq!(go_int64_slice(Some(&[5000, 7])), "[]int64{5000, 7}");
        assert_eq!(go_ranges(&[IdRange { min: 1, max: 2 }, IdRange { min: 5, max: 5 }]), "[{1 2} {5 5}]");
        assert_eq!(
            go_id_range_slice(Some(&[IdRange { min: 1, max: 2 }])),
            "[]policy.IDRange{policy.IDRange{Min:1, Max:2}}"
        );
    }

    #[test]
    fn a_policy_without_rules_is_flagged_as_upstream_validation_would() {
        let problems = policy_problems(&PodSecurityPolicySpec::default());
        assert_eq!(problems.len(), 4);
        assert_eq!(
            problems[0],
            "spec.seLinux.rule: Unsupported value: \"\": supported values: \"MustRunAs\", \"RunAsAny\""
        );
    }

    #[test]
    fn no_policies_reject_with_an_empty_list() {
        let d = decide("p", &ObjectMeta::default(), &PodSpec::default(), &[], &|_| true);
        assert_eq!(
            d.rejection.as_deref(),
            Some("pods \"p\" is forbidden: PodSecurityPolicy: no providers available to validate pod request")
        );
    }

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
