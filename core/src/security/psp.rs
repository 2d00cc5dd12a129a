//! PodSecurityPolicy (policy/v1beta1, removed in Kubernetes 1.25) simulated as the
//! admission plugin decided: for each policy, copy the pod, apply the policy's
//! defaults (mutation), validate the copy; prefer a policy that admits the pod
//! unchanged, else the first by name that admits the mutated pod.
//!
//! Upstream (v1.15–v1.24 shape): `pkg/security/podsecuritypolicy/provider.go`
//! (`MutatePod`/`ValidatePod`), `.../capabilities/capabilities.go`,
//! `.../user/{nonroot,mustrunas}.go`, `.../seccomp/strategy.go`,
//! `.../apparmor/strategy.go`, `plugin/pkg/admission/security/podsecuritypolicy/admission.go`
//! and kubernetes/kubernetes#52849 (policy order). Spec note:
//! `/work/shared/spec/pod-security-policy.md`. Messages follow that last plugin:
//! `PodSecurityPolicy: unable to admit pod: [...]`, seccomp errors on
//! `pod.metadata.annotations[...]` (the spec note quotes the older v1.6 wording
//! `unable to validate against any pod security policy`). Not simulated: RBAC `use`
//! permissions (every given policy is a candidate), seLinux, sysctls, flexVolume and
//! CSI driver lists, runtimeClass, runAsGroup, and the range validation of fsGroup
//! and supplementalGroups (their MustRunAs defaults are applied).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{Capabilities, Pod, PodSpec, SecurityContext};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

use super::pss::volume_source_type;
use crate::model::{PodSecurityPolicySpec, RunAsStrategyOptions};

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
    out
}

/// Evaluates a pod against every policy and picks one as the plugin did.
pub fn decide(pod_name: &str, metadata: &ObjectMeta, spec: &PodSpec, policies: &[PolicyRef<'_>]) -> PspDecision {
    let mut sorted: Vec<&PolicyRef<'_>> = policies.iter().collect();
    sorted.sort_by(|a, b| a.name.cmp(b.name));
    let mut evaluations = Vec::new();
    let mut pods = Vec::new();
    for policy in &sorted {
        let (pod, evaluation) = evaluate(metadata, spec, policy);
        evaluations.push(evaluation);
        pods.push(pod);
    }
    // Prefer a policy that admits the pod unchanged; else the first by name that
    // admits the mutated pod (kubernetes/kubernetes#52849).
    let chosen = evaluations
        .iter()
        .position(|e| e.admitted && !e.mutating)
        .or_else(|| evaluations.iter().position(|e| e.admitted));
    let mut decision = PspDecision { evaluations, chosen: None, rejection: None, mutated_pod: None };
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
            let errors: Vec<String> = decision.evaluations.iter().flat_map(|e| e.errors.iter().cloned()).collect();
            // admission.go: no providers, or the errors of every policy.
            decision.rejection = Some(if policies.is_empty() {
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

/// Mutates a copy of the pod with one policy's defaults, then validates it.
fn evaluate(metadata: &ObjectMeta, spec: &PodSpec, policy: &PolicyRef<'_>) -> (Pod, PspEvaluation) {
    let psp = policy.spec;
    let annotations = policy.annotations;
    let mut pod = Pod { metadata: metadata.clone(), spec: Some(spec.clone()), status: None };
    let mut mutations = Vec::new();
    let mut errors = Vec::new();
    let run_as_user = psp.run_as_user.as_ref();

    // --- pod-level mutation: seccomp/AppArmor default profiles, group defaults.
    if let Some(default) = annotations.and_then(|a| a.get(SECCOMP_DEFAULT_ANNOTATION)) {
        let pod_annotations = pod.metadata.annotations.get_or_insert_with(Default::default);
        let has_field = spec.security_context.as_ref().is_some_and(|sc| sc.seccomp_profile.is_some());
        if !pod_annotations.contains_key(SECCOMP_POD_ANNOTATION) && !has_field {
            pod_annotations.insert(SECCOMP_POD_ANNOTATION.to_owned(), default.clone());
            mutations.push(format!("metadata.annotations[{SECCOMP_POD_ANNOTATION}]: set to {default:?}"));
        }
    }
    let pod_spec = pod.spec.get_or_insert_with(Default::default);
    for (field, strategy) in
        [("fsGroup", psp.fs_group.as_ref()), ("supplementalGroups", psp.supplemental_groups.as_ref())]
    {
        if let Some(min) = must_run_as_min(strategy) {
            let sc = pod_spec.security_context.get_or_insert_with(Default::default);
            let slot_empty = match field {
                "fsGroup" => sc.fs_group.is_none(),
                _ => sc.supplemental_groups.as_ref().is_none_or(Vec::is_empty),
            };
            if slot_empty {
                if field == "fsGroup" {
                    sc.fs_group = Some(min);
                } else {
                    sc.supplemental_groups = Some(vec![min]);
                }
                mutations.push(format!("spec.securityContext.{field}: set to {min}"));
            }
        }
    }
    let pod_sc = pod_spec.security_context.clone().unwrap_or_default();

    // --- container-level mutation.
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

    // --- validation of the mutated pod, in provider.go's ValidatePod order:
    // pod-level strategies, then ephemeral, init and regular containers.
    let spec = pod.spec.as_ref().cloned().unwrap_or_default();
    let pod_annotations = pod.metadata.annotations.clone().unwrap_or_default();
    let seccomp = SeccompStrategy::new(annotations);
    if let Some(error) =
        seccomp.validate(SECCOMP_POD_ANNOTATION, pod_annotations.get(SECCOMP_POD_ANNOTATION).map_or("", String::as_str))
    {
        errors.push(error);
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
    let allowed_volumes: Vec<String> = psp.volumes.clone().unwrap_or_default();
    for (i, v) in spec.volumes.iter().flatten().enumerate() {
        // API defaulting: a source-less volume is an emptyDir.
        let kind = volume_source_type(v).unwrap_or("emptyDir");
        if !allowed_volumes.iter().any(|a| a == "*" || a == kind) {
            errors
                .push(format!("spec.volumes[{i}]: Invalid value: {kind:?}: {kind} volumes are not allowed to be used"));
            continue;
        }
        if let (Some(host_path), Some(allowed)) = (v.host_path.as_ref(), psp.allowed_host_paths.as_ref())
            && !allowed.is_empty()
            && !allowed.iter().any(|a| a.path_prefix.as_deref().is_some_and(|p| path_has_prefix(&host_path.path, p)))
        {
            errors.push(format!(
                "spec.volumes[{i}].hostPath.pathPrefix: Invalid value: {:?}: is not allowed to be used",
                host_path.path
            ));
        }
    }
    let host_ports: Vec<(i32, i32)> = psp.host_ports.iter().flatten().map(|r| (r.min, r.max)).collect();
    // Go's %v of []HostPortRange, as the message prints it.
    let allowed_ports_text =
        format!("[{}]", host_ports.iter().map(|&(a, b)| format!("{{{a} {b}}}")).collect::<Vec<_>>().join(" "));
    let mut containers: Vec<(String, ContainerFields<'_>)> = Vec::new();
    for (i, c) in spec.ephemeral_containers.iter().flatten().enumerate() {
        containers.push((
            format!("spec.ephemeralContainers[{i}]"),
            ContainerFields { name: &c.name, security_context: c.security_context.as_ref(), ports: c.ports.as_deref() },
        ));
    }
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        containers.push((
            format!("spec.initContainers[{i}]"),
            ContainerFields { name: &c.name, security_context: c.security_context.as_ref(), ports: c.ports.as_deref() },
        ));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        containers.push((
            format!("spec.containers[{i}]"),
            ContainerFields { name: &c.name, security_context: c.security_context.as_ref(), ports: c.ports.as_deref() },
        ));
    }
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
        // AppArmor: constrained only when the policy lists allowed profiles.
        if let Some(allowed) = annotations.and_then(|a| a.get(APPARMOR_ALLOWED_ANNOTATION)) {
            let key = format!("{APPARMOR_CONTAINER_PREFIX}{}", c.name);
            let profile = pod_annotations.get(&key).map_or("", String::as_str);
            if !allowed.split(',').any(|a| a == profile) {
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
            if let Some(hp) = port.host_port.filter(|&hp| hp != 0)
                && !host_ports.iter().any(|&(a, b)| a <= hp && hp <= b)
            {
                errors.push(format!(
                    "{path}.hostPort: Invalid value: {hp}: Host port {hp} is not allowed to be used. Allowed ports: {allowed_ports_text}"
                ));
            }
        }
        if psp.read_only_root_filesystem == Some(true) && sc.read_only_root_filesystem != Some(true) {
            let value = sc.read_only_root_filesystem.map_or("\"null\"".to_owned(), |v| v.to_string());
            errors.push(format!(
                "{scp}.readOnlyRootFilesystem: Invalid value: {value}: ReadOnlyRootFilesystem must be set to true"
            ));
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
    };
    (pod, evaluation)
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

/// Go's %v of []IDRange: `[{2000 3000}]`.
fn ranges_text(strategy: Option<&RunAsStrategyOptions>) -> String {
    let ranges = strategy
        .and_then(|s| s.ranges.as_ref())
        .map(|rs| rs.iter().map(|r| format!("{{{} {}}}", r.min, r.max)).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    format!("[{ranges}]")
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
        let d = decide("p", &ObjectMeta::default(), &PodSpec::default(), &[]);
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
