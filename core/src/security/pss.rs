//! Pod Security Standards exactly as `k8s.io/pod-security-admission` evaluates them:
//! the 19 check ids, their version history (v1.0 … v1.37), the restricted twins that
//! override baseline checks, and the library's reason/detail wording.
//!
//! Upstream: `staging/src/k8s.io/pod-security-admission/policy/check_*.go`,
//! `policy/registry.go` (check order, overrides), `policy/checks.go` (aggregation),
//! `policy/visitor.go` (init, regular, then ephemeral containers). Semantics:
//! `docs/semantics/pod-security-standards.md`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use k8s_openapi::api::core::v1::{ContainerPort, Lifecycle, LifecycleHandler, PodSpec, Probe, SecurityContext, Volume};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use serde::{Deserialize, Serialize};

/// The newest policy version the library defines (`sysctls` gained a v1.37 entry).
pub const NEWEST_POLICY_MINOR: u32 = 37;

/// A Pod Security Standards level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Privileged,
    Baseline,
    Restricted,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }

    /// Parses a label value exactly as `api.ParseLevel` does (case-sensitive).
    pub fn parse(value: &str) -> Option<Level> {
        match value {
            "privileged" => Some(Level::Privileged),
            "baseline" => Some(Level::Baseline),
            "restricted" => Some(Level::Restricted),
            _ => None,
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A policy version: `latest` or `v1.N`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PolicyVersion {
    Latest,
    Minor(u32),
}

impl PolicyVersion {
    /// Parses `latest` or `v1.N` with upstream's regex `^v1\.([0-9]|[1-9][0-9]*)$`
    /// (`api.ParseVersion`): `1.25`, `v1.025` and `v2.0` are invalid.
    pub fn parse(value: &str) -> Option<PolicyVersion> {
        if value == "latest" {
            return Some(PolicyVersion::Latest);
        }
        let digits = value.strip_prefix("v1.")?;
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if digits.len() > 1 && digits.starts_with('0') {
            return None;
        }
        digits.parse().ok().map(PolicyVersion::Minor)
    }

    /// The minor version whose checks apply: `latest` and anything newer than the
    /// newest policy are clamped to it (`EvaluatePod` in `policy/registry.go`).
    pub fn effective_minor(self) -> u32 {
        match self {
            PolicyVersion::Latest => NEWEST_POLICY_MINOR,
            PolicyVersion::Minor(minor) => minor.min(NEWEST_POLICY_MINOR),
        }
    }
}

impl fmt::Display for PolicyVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyVersion::Latest => f.write_str("latest"),
            PolicyVersion::Minor(minor) => write!(f, "v1.{minor}"),
        }
    }
}

impl Serialize for PolicyVersion {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PolicyVersion {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PolicyVersion::parse(&text).ok_or_else(|| serde::de::Error::custom(format!("invalid policy version {text:?}")))
    }
}

/// One failing check, with the library's wording and the fields that caused it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckFailure {
    /// The library's check id, e.g. `allowPrivilegeEscalation`.
    pub id: String,
    /// `ForbiddenReason`, e.g. `allowPrivilegeEscalation != false`.
    pub reason: String,
    /// `ForbiddenDetail`, e.g. `container "app" must set securityContext.allowPrivilegeEscalation=false`.
    pub detail: String,
    /// Offending fields, relative to the pod (`spec.containers[0].securityContext`,
    /// `metadata.annotations`): where to point the user. A missing field is given by
    /// the path it should have, which locates to its nearest existing ancestor.
    pub paths: Vec<String>,
}

/// The result of evaluating one pod at one level and version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub level: Level,
    pub version: PolicyVersion,
    /// Failing checks in upstream order: baseline ids sorted, then restricted ids sorted.
    pub failures: Vec<CheckFailure>,
}

impl Evaluation {
    pub fn allowed(&self) -> bool {
        self.failures.is_empty()
    }

    pub fn failing_ids(&self) -> Vec<String> {
        self.failures.iter().map(|f| f.id.clone()).collect()
    }

    /// `AggregateCheckResult.ForbiddenDetail()`: `reason (detail), reason (detail)`.
    pub fn forbidden_detail(&self) -> String {
        self.failures
            .iter()
            .map(|f| {
                let reason = if f.reason.is_empty() { "unknown forbidden reason" } else { f.reason.as_str() };
                if f.detail.is_empty() { reason.to_owned() } else { format!("{reason} ({})", f.detail) }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// `level:version` as the API server prints it, e.g. `restricted:latest`.
    pub fn level_version(&self) -> String {
        format!("{}:{}", self.level, self.version)
    }

    /// The enforce message body: `violates PodSecurity "restricted:latest": …`
    /// (`None` when the pod is allowed).
    pub fn violation_message(&self) -> Option<String> {
        (!self.allowed())
            .then(|| format!("violates PodSecurity \"{}\": {}", self.level_version(), self.forbidden_detail()))
    }

    /// The warn/audit form: `would violate PodSecurity "…": …`.
    pub fn would_violate_message(&self) -> Option<String> {
        self.violation_message().map(|m| format!("would {}", m.replacen("violates", "violate", 1)))
    }
}

/// Evaluates a pod (its metadata and spec) at a level and version. `privileged`
/// runs no checks.
pub fn evaluate(metadata: &ObjectMeta, spec: &PodSpec, level: Level, version: PolicyVersion) -> Evaluation {
    let minor = version.effective_minor();
    // API defaulting the server applies before admission and that changes results:
    // a volume without a source becomes emptyDir (pkg/apis/core/v1/defaults.go).
    let spec = defaulted(spec);
    let pod = PodView::new(metadata, &spec);
    let failures = checks_for(level, minor)
        .into_iter()
        .filter_map(|check| {
            (check.run)(&pod, minor).map(|(reason, detail, paths)| CheckFailure {
                id: check.id.to_owned(),
                reason,
                detail,
                paths,
            })
        })
        .collect();
    Evaluation { level, version, failures }
}

fn defaulted(spec: &PodSpec) -> std::borrow::Cow<'_, PodSpec> {
    let sourceless = |v: &Volume| volume_source_type(v).is_none();
    if spec.volumes.as_ref().is_some_and(|vs| vs.iter().any(sourceless)) {
        let mut owned = spec.clone();
        for volume in owned.volumes.iter_mut().flatten() {
            if sourceless(volume) {
                volume.empty_dir = Some(Default::default());
            }
        }
        std::borrow::Cow::Owned(owned)
    } else {
        std::borrow::Cow::Borrowed(spec)
    }
}

/// Static description of one check, for listings (`kubeplay check` text, the
/// migration view).
#[derive(Clone, Copy, Debug)]
pub struct CheckInfo {
    pub id: &'static str,
    pub level: Level,
    /// First policy minor version in which the check exists.
    pub since: u32,
    /// The baseline check this restricted check replaces at restricted.
    pub overrides: Option<&'static str>,
}

type RunFn = fn(&PodView<'_>, u32) -> Option<(String, String, Vec<String>)>;

struct CheckDef {
    info: CheckInfo,
    run: RunFn,
}

struct ActiveCheck {
    id: &'static str,
    run: RunFn,
}

const fn def(id: &'static str, level: Level, since: u32, overrides: Option<&'static str>, run: RunFn) -> CheckDef {
    CheckDef { info: CheckInfo { id, level, since, overrides }, run }
}

const CHECKS: &[CheckDef] = &[
    def("appArmorProfile", Level::Baseline, 0, None, app_armor_profile),
    def("capabilities_baseline", Level::Baseline, 0, None, capabilities_baseline),
    def("hostNamespaces", Level::Baseline, 0, None, host_namespaces),
    def("hostPathVolumes", Level::Baseline, 0, None, host_path_volumes),
    def("hostPorts", Level::Baseline, 0, None, host_ports),
    def("hostProbesAndHostLifecycle", Level::Baseline, 34, None, host_probes_and_host_lifecycle),
    def("privileged", Level::Baseline, 0, None, privileged),
    def("procMount", Level::Baseline, 0, None, proc_mount_baseline),
    def("seLinuxOptions", Level::Baseline, 0, None, se_linux_options),
    def("seccompProfile_baseline", Level::Baseline, 0, None, seccomp_profile_baseline),
    def("sysctls", Level::Baseline, 0, None, sysctls),
    def("windowsHostProcess", Level::Baseline, 0, None, windows_host_process),
    def("allowPrivilegeEscalation", Level::Restricted, 8, None, allow_privilege_escalation),
    def("capabilities_restricted", Level::Restricted, 22, Some("capabilities_baseline"), capabilities_restricted),
    def("procMount_restricted", Level::Restricted, 35, Some("procMount"), proc_mount_restricted),
    def("restrictedVolumes", Level::Restricted, 0, Some("hostPathVolumes"), restricted_volumes),
    def("runAsNonRoot", Level::Restricted, 0, None, run_as_non_root),
    def("runAsUser", Level::Restricted, 23, None, run_as_user),
    def(
        "seccompProfile_restricted",
        Level::Restricted,
        19,
        Some("seccompProfile_baseline"),
        seccomp_profile_restricted,
    ),
];

/// All 19 checks, baseline first, each group sorted by id (upstream's order).
pub fn all_checks() -> Vec<CheckInfo> {
    CHECKS.iter().map(|c| c.info).collect()
}

/// Ids of the checks that run at a level and (effective) minor version, in order.
pub fn check_ids_for(level: Level, minor: u32) -> Vec<&'static str> {
    checks_for(level, minor).into_iter().map(|c| c.id).collect()
}

fn checks_for(level: Level, minor: u32) -> Vec<ActiveCheck> {
    let active = |c: &&CheckDef| c.info.since <= minor;
    let overridden: BTreeSet<&str> = match level {
        Level::Restricted => CHECKS
            .iter()
            .filter(active)
            .filter(|c| c.info.level == Level::Restricted)
            .filter_map(|c| c.info.overrides)
            .collect(),
        _ => BTreeSet::new(),
    };
    let wanted = |c: &&CheckDef| match level {
        Level::Privileged => false,
        Level::Baseline => c.info.level == Level::Baseline,
        Level::Restricted => c.info.level == Level::Restricted || !overridden.contains(c.info.id),
    };
    // CHECKS is already in upstream order (baseline sorted, then restricted sorted).
    CHECKS.iter().filter(active).filter(wanted).map(|c| ActiveCheck { id: c.info.id, run: c.run }).collect()
}

// ---------------------------------------------------------------------------
// Pod view: containers in visiting order with their paths.

/// The fields every check reads from one container (regular, init or ephemeral).
struct ContainerView<'a> {
    name: &'a str,
    /// `spec.initContainers[0]`, `spec.containers[1]`, `spec.ephemeralContainers[0]`.
    path: String,
    security_context: Option<&'a SecurityContext>,
    ports: &'a [ContainerPort],
    liveness_probe: Option<&'a Probe>,
    readiness_probe: Option<&'a Probe>,
    startup_probe: Option<&'a Probe>,
    lifecycle: Option<&'a Lifecycle>,
}

impl ContainerView<'_> {
    fn sc_path(&self, field: &str) -> String {
        format!("{}.securityContext.{field}", self.path)
    }
}

struct PodView<'a> {
    metadata: &'a ObjectMeta,
    spec: &'a PodSpec,
    containers: Vec<ContainerView<'a>>,
}

impl<'a> PodView<'a> {
    fn new(metadata: &'a ObjectMeta, spec: &'a PodSpec) -> Self {
        let mut containers = Vec::new();
        // Upstream visitContainers order: init, regular, ephemeral.
        for (field, list) in
            [("initContainers", spec.init_containers.as_deref()), ("containers", Some(spec.containers.as_slice()))]
        {
            for (i, c) in list.unwrap_or_default().iter().enumerate() {
                containers.push(ContainerView {
                    name: &c.name,
                    path: format!("spec.{field}[{i}]"),
                    security_context: c.security_context.as_ref(),
                    ports: c.ports.as_deref().unwrap_or_default(),
                    liveness_probe: c.liveness_probe.as_ref(),
                    readiness_probe: c.readiness_probe.as_ref(),
                    startup_probe: c.startup_probe.as_ref(),
                    lifecycle: c.lifecycle.as_ref(),
                });
            }
        }
        for (i, c) in spec.ephemeral_containers.as_deref().unwrap_or_default().iter().enumerate() {
            containers.push(ContainerView {
                name: &c.name,
                path: format!("spec.ephemeralContainers[{i}]"),
                security_context: c.security_context.as_ref(),
                ports: c.ports.as_deref().unwrap_or_default(),
                liveness_probe: c.liveness_probe.as_ref(),
                readiness_probe: c.readiness_probe.as_ref(),
                startup_probe: c.startup_probe.as_ref(),
                lifecycle: c.lifecycle.as_ref(),
            });
        }
        PodView { metadata, spec, containers }
    }

    fn is_windows(&self) -> bool {
        self.spec.os.as_ref().is_some_and(|os| os.name == "windows")
    }

    /// `relaxPolicyForUserNamespacePod`: `hostUsers: false`.
    fn user_namespaced(&self) -> bool {
        self.spec.host_users == Some(false)
    }

    fn annotations(&self) -> impl Iterator<Item = (&'a String, &'a String)> {
        self.metadata.annotations.iter().flatten()
    }

    fn annotation(&self, key: &str) -> Option<&'a String> {
        self.metadata.annotations.as_ref().and_then(|a| a.get(key))
    }
}

// ---------------------------------------------------------------------------
// Wording helpers (policy/helpers.go).

fn join_quote(items: &[impl AsRef<str>]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let inner: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("\"{}\"", inner.join("\", \""))
}

fn pluralize<'s>(singular: &'s str, plural: &'s str, count: usize) -> &'s str {
    if count == 1 { singular } else { plural }
}

/// `container "a"` / `containers "a", "b"`.
fn containers_phrase(names: &[&str]) -> String {
    format!("{} {}", pluralize("container", "containers", names.len()), join_quote(names))
}

/// Go's `%q` for the annotation values upstream formats with `%s=%q`.
pub(crate) fn go_quote(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if c.is_control() => {
                if (c as u32) <= 0xffff {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

type Outcome = Option<(String, String, Vec<String>)>;

fn fail(reason: &str, detail: String, paths: Vec<String>) -> Outcome {
    Some((reason.to_owned(), detail, paths))
}

// ---------------------------------------------------------------------------
// Baseline checks.

/// check_privileged.go
fn privileged(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let bad: Vec<&ContainerView<'_>> =
        pod.containers.iter().filter(|c| c.security_context.and_then(|sc| sc.privileged) == Some(true)).collect();
    if bad.is_empty() {
        return None;
    }
    let names: Vec<&str> = bad.iter().map(|c| c.name).collect();
    fail(
        "privileged",
        format!("{} must not set securityContext.privileged=true", containers_phrase(&names)),
        bad.iter().map(|c| c.sc_path("privileged")).collect(),
    )
}

/// check_hostNamespaces.go
fn host_namespaces(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut set = Vec::new();
    let mut paths = Vec::new();
    for (on, text, field) in [
        (pod.spec.host_network, "hostNetwork=true", "spec.hostNetwork"),
        (pod.spec.host_pid, "hostPID=true", "spec.hostPID"),
        (pod.spec.host_ipc, "hostIPC=true", "spec.hostIPC"),
    ] {
        if on == Some(true) {
            set.push(text);
            paths.push(field.to_owned());
        }
    }
    if set.is_empty() { None } else { fail("host namespaces", set.join(", "), paths) }
}

/// check_hostPathVolumes.go
fn host_path_volumes(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for (i, v) in pod.spec.volumes.iter().flatten().enumerate() {
        if v.host_path.is_some() {
            names.push(v.name.as_str());
            paths.push(format!("spec.volumes[{i}].hostPath"));
        }
    }
    if names.is_empty() {
        return None;
    }
    fail("hostPath volumes", format!("{} {}", pluralize("volume", "volumes", names.len()), join_quote(&names)), paths)
}

/// check_hostPorts.go: ports are collected in a string set, so sorted as strings.
fn host_ports(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut ports = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        let mut valid = true;
        for (i, p) in c.ports.iter().enumerate() {
            if let Some(host_port) = p.host_port.filter(|&hp| hp != 0) {
                valid = false;
                ports.insert(host_port.to_string());
                paths.push(format!("{}.ports[{i}].hostPort", c.path));
            }
        }
        if !valid {
            names.push(c.name);
        }
    }
    if names.is_empty() {
        return None;
    }
    let ports: Vec<String> = ports.into_iter().collect();
    fail(
        "hostPort",
        format!(
            "{} {} {} {}",
            containers_phrase(&names),
            pluralize("uses", "use", names.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        ),
        paths,
    )
}

const DEFAULT_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// check_capabilities_baseline.go: exact spelling, so `chown` and `CAP_CHOWN` fail.
fn capabilities_baseline(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut caps = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        let Some(capabilities) = c.security_context.and_then(|sc| sc.capabilities.as_ref()) else {
            continue;
        };
        let mut valid = true;
        for (i, cap) in capabilities.add.iter().flatten().enumerate() {
            if !DEFAULT_CAPABILITIES.contains(&cap.as_str()) {
                valid = false;
                caps.insert(cap.as_str());
                paths.push(c.sc_path(&format!("capabilities.add[{i}]")));
            }
        }
        if !valid {
            names.push(c.name);
        }
    }
    if names.is_empty() {
        return None;
    }
    let caps: Vec<&str> = caps.into_iter().collect();
    fail(
        "non-default capabilities",
        format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&names),
            join_quote(&caps)
        ),
        paths,
    )
}

/// check_appArmorProfile.go: fields (pod and containers) and the beta annotations.
fn app_armor_profile(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let allowed_type = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let mut setters = Vec::new();
    let mut values = BTreeSet::new();
    let mut paths = Vec::new();
    if let Some(profile) = pod.spec.security_context.as_ref().and_then(|sc| sc.app_armor_profile.as_ref())
        && !allowed_type(&profile.type_)
    {
        setters.push("pod".to_owned());
        values.insert(profile.type_.clone());
        paths.push("spec.securityContext.appArmorProfile.type".to_owned());
    }
    let mut names = Vec::new();
    for c in &pod.containers {
        if let Some(profile) = c.security_context.and_then(|sc| sc.app_armor_profile.as_ref())
            && !allowed_type(&profile.type_)
        {
            names.push(c.name);
            values.insert(profile.type_.clone());
            paths.push(c.sc_path("appArmorProfile.type"));
        }
    }
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    let mut value_list: Vec<String> = values.into_iter().collect();
    let mut forbidden_annotations = Vec::new();
    for (key, value) in pod.annotations() {
        let allowed = value.is_empty() || value == "runtime/default" || value.starts_with("localhost/");
        if key.starts_with("container.apparmor.security.beta.kubernetes.io/") && !allowed {
            forbidden_annotations.push(format!("{key}={}", go_quote(value)));
            paths.push(format!("metadata.annotations.{key}"));
        }
    }
    if !forbidden_annotations.is_empty() {
        forbidden_annotations.sort();
        let count = forbidden_annotations.len();
        value_list.extend(forbidden_annotations);
        setters.push(pluralize("annotation", "annotations", count).to_owned());
    }
    if setters.is_empty() {
        return None;
    }
    Some((
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", value_list.len()).to_owned(),
        format!("{} must not set AppArmor profile type to {}", setters.join(" and "), join_quote(&value_list)),
        paths,
    ))
}

/// check_seLinuxOptions.go: `container_engine_t` allowed from v1.31; `level` ignored.
fn se_linux_options(pod: &PodView<'_>, minor: u32) -> Outcome {
    let mut allowed_types = vec!["", "container_t", "container_init_t", "container_kvm_t"];
    if minor >= 31 {
        allowed_types.push("container_engine_t");
    }
    let mut bad_types = BTreeSet::new();
    let mut set_user = false;
    let mut set_role = false;
    let mut valid = |opts: &k8s_openapi::api::core::v1::SELinuxOptions| {
        let mut ok = true;
        let type_ = opts.type_.as_deref().unwrap_or("");
        if !allowed_types.contains(&type_) {
            ok = false;
            bad_types.insert(type_.to_owned());
        }
        if opts.user.as_deref().is_some_and(|u| !u.is_empty()) {
            ok = false;
            set_user = true;
        }
        if opts.role.as_deref().is_some_and(|r| !r.is_empty()) {
            ok = false;
            set_role = true;
        }
        ok
    };
    let mut setters = Vec::new();
    let mut paths = Vec::new();
    if let Some(opts) = pod.spec.security_context.as_ref().and_then(|sc| sc.se_linux_options.as_ref())
        && !valid(opts)
    {
        setters.push("pod".to_owned());
        paths.push("spec.securityContext.seLinuxOptions".to_owned());
    }
    let mut names = Vec::new();
    for c in &pod.containers {
        if let Some(opts) = c.security_context.and_then(|sc| sc.se_linux_options.as_ref())
            && !valid(opts)
        {
            names.push(c.name);
            paths.push(c.sc_path("seLinuxOptions"));
        }
    }
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    if setters.is_empty() {
        return None;
    }
    let mut data = Vec::new();
    if !bad_types.is_empty() {
        let types: Vec<String> = bad_types.into_iter().collect();
        data.push(format!("{} {}", pluralize("type", "types", types.len()), join_quote(&types)));
    }
    if set_user {
        data.push("user may not be set".to_owned());
    }
    if set_role {
        data.push("role may not be set".to_owned());
    }
    fail(
        "seLinuxOptions",
        format!("{} set forbidden securityContext.seLinuxOptions: {}", setters.join(" and "), data.join("; ")),
        paths,
    )
}

fn proc_mount_failures(pod: &PodView<'_>) -> Outcome {
    let mut names = Vec::new();
    let mut types = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        if let Some(pm) = c.security_context.and_then(|sc| sc.proc_mount.as_deref())
            && pm != "Default"
        {
            names.push(c.name);
            types.insert(pm);
            paths.push(c.sc_path("procMount"));
        }
    }
    if names.is_empty() {
        return None;
    }
    let types: Vec<&str> = types.into_iter().collect();
    fail(
        "procMount",
        format!("{} must not set securityContext.procMount to {}", containers_phrase(&names), join_quote(&types)),
        paths,
    )
}

/// check_procMount_baseline.go: from v1.35 any procMount is allowed with `hostUsers: false`.
fn proc_mount_baseline(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 35 && pod.user_namespaced() {
        return None;
    }
    proc_mount_failures(pod)
}

/// check_procMount_restricted.go: no user-namespace relaxation.
fn proc_mount_restricted(pod: &PodView<'_>, _minor: u32) -> Outcome {
    proc_mount_failures(pod)
}

const SECCOMP_POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

fn valid_seccomp_type(t: &str) -> bool {
    t == "RuntimeDefault" || t == "Localhost"
}

/// check_seccompProfile_baseline.go: annotations before v1.19, fields since.
fn seccomp_profile_baseline(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor < 19 {
        let valid = |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
        let mut forbidden = BTreeSet::new();
        let mut paths = Vec::new();
        if let Some(value) = pod.annotation(SECCOMP_POD_ANNOTATION)
            && !valid(value)
        {
            forbidden.insert(format!("{SECCOMP_POD_ANNOTATION}={}", go_quote(value)));
            paths.push(format!("metadata.annotations.{SECCOMP_POD_ANNOTATION}"));
        }
        for c in &pod.containers {
            let key = format!("{SECCOMP_CONTAINER_ANNOTATION_PREFIX}{}", c.name);
            if let Some(value) = pod.annotation(&key)
                && !valid(value)
            {
                forbidden.insert(format!("{key}={}", go_quote(value)));
                paths.push(format!("metadata.annotations.{key}"));
            }
        }
        if forbidden.is_empty() {
            return None;
        }
        let list: Vec<String> = forbidden.into_iter().collect();
        return fail(
            "seccompProfile",
            format!("forbidden {} {}", pluralize("annotation", "annotations", list.len()), list.join(", ")),
            paths,
        );
    }
    let mut setters = Vec::new();
    let mut values = BTreeSet::new();
    let mut paths = Vec::new();
    if let Some(profile) = pod.spec.security_context.as_ref().and_then(|sc| sc.seccomp_profile.as_ref())
        && !valid_seccomp_type(&profile.type_)
    {
        setters.push("pod".to_owned());
        values.insert(profile.type_.as_str());
        paths.push("spec.securityContext.seccompProfile.type".to_owned());
    }
    let mut names = Vec::new();
    for c in &pod.containers {
        if let Some(profile) = c.security_context.and_then(|sc| sc.seccomp_profile.as_ref())
            && !valid_seccomp_type(&profile.type_)
        {
            names.push(c.name);
            values.insert(profile.type_.as_str());
            paths.push(c.sc_path("seccompProfile.type"));
        }
    }
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    if setters.is_empty() {
        return None;
    }
    let values: Vec<&str> = values.into_iter().collect();
    fail(
        "seccompProfile",
        format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            setters.join(" and "),
            join_quote(&values)
        ),
        paths,
    )
}

const SAFE_SYSCTLS: &[(u32, &str)] = &[
    (0, "kernel.shm_rmid_forced"),
    (0, "net.ipv4.ip_local_port_range"),
    (0, "net.ipv4.tcp_syncookies"),
    (0, "net.ipv4.ping_group_range"),
    (0, "net.ipv4.ip_unprivileged_port_start"),
    (27, "net.ipv4.ip_local_reserved_ports"),
    (29, "net.ipv4.tcp_keepalive_time"),
    (29, "net.ipv4.tcp_fin_timeout"),
    (29, "net.ipv4.tcp_keepalive_intvl"),
    (29, "net.ipv4.tcp_keepalive_probes"),
    (32, "net.ipv4.tcp_rmem"),
    (32, "net.ipv4.tcp_wmem"),
    (37, "net.ipv4.tcp_slow_start_after_idle"),
    (37, "net.ipv4.tcp_notsent_lowat"),
];

/// Whether a sysctl is in the safe set at a policy minor version.
pub fn is_safe_sysctl(name: &str, minor: u32) -> bool {
    SAFE_SYSCTLS.iter().any(|&(since, n)| since <= minor && n == name)
}

/// check_sysctls.go: names unquoted, in spec order.
fn sysctls(pod: &PodView<'_>, minor: u32) -> Outcome {
    let allowed = |name: &str| SAFE_SYSCTLS.iter().any(|&(since, n)| since <= minor && n == name);
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for (i, s) in
        pod.spec.security_context.as_ref().and_then(|sc| sc.sysctls.as_ref()).into_iter().flatten().enumerate()
    {
        if !allowed(&s.name) {
            names.push(s.name.as_str());
            paths.push(format!("spec.securityContext.sysctls[{i}].name"));
        }
    }
    if names.is_empty() { None } else { fail("forbidden sysctls", names.join(", "), paths) }
}

/// check_windowsHostProcess.go
fn windows_host_process(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        if c.security_context.and_then(|sc| sc.windows_options.as_ref()).and_then(|w| w.host_process) == Some(true) {
            names.push(c.name);
            paths.push(c.sc_path("windowsOptions.hostProcess"));
        }
    }
    let mut setters = Vec::new();
    if pod.spec.security_context.as_ref().and_then(|sc| sc.windows_options.as_ref()).and_then(|w| w.host_process)
        == Some(true)
    {
        setters.push("pod".to_owned());
        paths.insert(0, "spec.securityContext.windowsOptions.hostProcess".to_owned());
    }
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    if setters.is_empty() {
        return None;
    }
    fail(
        "hostProcess",
        format!("{} must not set securityContext.windowsOptions.hostProcess=true", setters.join(" and ")),
        paths,
    )
}

/// check_hostProbesAndhostLifecycle.go (v1.34): containers and hosts are sets, so sorted.
fn host_probes_and_host_lifecycle(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = BTreeSet::new();
    let mut hosts = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        let mut visit = |field: &str, http: Option<&Option<String>>, tcp: Option<&Option<String>>| {
            for (kind, host) in [("httpGet", http), ("tcpSocket", tcp)] {
                if let Some(Some(host)) = host
                    && !host.is_empty()
                {
                    names.insert(c.name);
                    hosts.insert(host.clone());
                    paths.push(format!("{}.{field}.{kind}.host", c.path));
                }
            }
        };
        for (field, probe) in [
            ("livenessProbe", c.liveness_probe),
            ("readinessProbe", c.readiness_probe),
            ("startupProbe", c.startup_probe),
        ] {
            if let Some(p) = probe {
                visit(field, p.http_get.as_ref().map(|h| &h.host), p.tcp_socket.as_ref().map(|t| &t.host));
            }
        }
        if let Some(lifecycle) = c.lifecycle {
            let handlers: [(&str, Option<&LifecycleHandler>); 2] = [
                ("lifecycle.postStart", lifecycle.post_start.as_ref()),
                ("lifecycle.preStop", lifecycle.pre_stop.as_ref()),
            ];
            for (field, handler) in handlers {
                if let Some(h) = handler {
                    visit(field, h.http_get.as_ref().map(|x| &x.host), h.tcp_socket.as_ref().map(|t| &t.host));
                }
            }
        }
    }
    if names.is_empty() {
        return None;
    }
    let names: Vec<&str> = names.into_iter().collect();
    let hosts: Vec<String> = hosts.into_iter().collect();
    fail(
        "probe or lifecycle host",
        format!(
            "{} {} {} {}",
            containers_phrase(&names),
            pluralize("uses", "use", names.len()),
            pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.len()),
            join_quote(&hosts)
        ),
        paths,
    )
}

// ---------------------------------------------------------------------------
// Restricted checks.

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

const RESTRICTED_VOLUME_TYPES_ALLOWED: &[&str] = &[
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

/// check_restrictedVolumes.go
fn restricted_volumes(pod: &PodView<'_>, _minor: u32) -> Outcome {
    let mut names = Vec::new();
    let mut types = BTreeSet::new();
    let mut paths = Vec::new();
    for (i, v) in pod.spec.volumes.iter().flatten().enumerate() {
        let kind = volume_source_type(v).unwrap_or("unknown");
        if RESTRICTED_VOLUME_TYPES_ALLOWED.contains(&kind) {
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

/// check_allowPrivilegeEscalation.go: unset fails; Windows pods exempt from v1.25.
fn allow_privilege_escalation(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 25 && pod.is_windows() {
        return None;
    }
    let bad: Vec<&ContainerView<'_>> = pod
        .containers
        .iter()
        .filter(|c| c.security_context.and_then(|sc| sc.allow_privilege_escalation) != Some(false))
        .collect();
    if bad.is_empty() {
        return None;
    }
    let names: Vec<&str> = bad.iter().map(|c| c.name).collect();
    fail(
        "allowPrivilegeEscalation != false",
        format!("{} must set securityContext.allowPrivilegeEscalation=false", containers_phrase(&names)),
        bad.iter().map(|c| c.sc_path("allowPrivilegeEscalation")).collect(),
    )
}

/// check_capabilities_restricted.go: `drop` must contain the literal `ALL`; only
/// `NET_BIND_SERVICE` may be added. Windows pods exempt from v1.25.
fn capabilities_restricted(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 25 && pod.is_windows() {
        return None;
    }
    let mut missing_drop = Vec::new();
    let mut adding = Vec::new();
    let mut forbidden = BTreeSet::new();
    let mut paths = Vec::new();
    for c in &pod.containers {
        let Some(capabilities) = c.security_context.and_then(|sc| sc.capabilities.as_ref()) else {
            missing_drop.push(c.name);
            paths.push(c.sc_path("capabilities.drop"));
            continue;
        };
        if !capabilities.drop.iter().flatten().any(|d| d == "ALL") {
            missing_drop.push(c.name);
            paths.push(c.sc_path("capabilities.drop"));
        }
        let mut added_forbidden = false;
        for (i, cap) in capabilities.add.iter().flatten().enumerate() {
            if cap != "NET_BIND_SERVICE" {
                added_forbidden = true;
                forbidden.insert(cap.as_str());
                paths.push(c.sc_path(&format!("capabilities.add[{i}]")));
            }
        }
        if added_forbidden {
            adding.push(c.name);
        }
    }
    let mut details = Vec::new();
    if !missing_drop.is_empty() {
        details
            .push(format!("{} must set securityContext.capabilities.drop=[\"ALL\"]", containers_phrase(&missing_drop)));
    }
    if !adding.is_empty() {
        let caps: Vec<&str> = forbidden.into_iter().collect();
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_phrase(&adding),
            join_quote(&caps)
        ));
    }
    if details.is_empty() { None } else { fail("unrestricted capabilities", details.join("; "), paths) }
}

/// check_runAsNonRoot.go: an explicit `false` anywhere fails (even a pod-level false
/// every container overrides); otherwise each container needs its own or the
/// pod's `true`. `hostUsers: false` exempts from v1.35.
fn run_as_non_root(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 35 && pod.user_namespaced() {
        return None;
    }
    let mut setters = Vec::new();
    let mut explicit_paths = Vec::new();
    let mut pod_true = false;
    match pod.spec.security_context.as_ref().and_then(|sc| sc.run_as_non_root) {
        Some(false) => {
            setters.push("pod".to_owned());
            explicit_paths.push("spec.securityContext.runAsNonRoot".to_owned());
        }
        Some(true) => pod_true = true,
        None => {}
    }
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    let mut implicit_paths = Vec::new();
    for c in &pod.containers {
        match c.security_context.and_then(|sc| sc.run_as_non_root) {
            Some(false) => {
                explicit.push(c.name);
                explicit_paths.push(c.sc_path("runAsNonRoot"));
            }
            Some(true) => {}
            None if !pod_true => {
                implicit.push(c.name);
                implicit_paths.push(c.sc_path("runAsNonRoot"));
            }
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(containers_phrase(&explicit));
    }
    if !setters.is_empty() {
        return fail(
            "runAsNonRoot != true",
            format!("{} must not set securityContext.runAsNonRoot=false", setters.join(" and ")),
            explicit_paths,
        );
    }
    if !implicit.is_empty() {
        return fail(
            "runAsNonRoot != true",
            format!("pod or {} must set securityContext.runAsNonRoot=true", containers_phrase(&implicit)),
            implicit_paths,
        );
    }
    None
}

/// check_runAsUser.go (v1.23): UID 0 anywhere fails; `hostUsers: false` exempts from v1.35.
fn run_as_user(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 35 && pod.user_namespaced() {
        return None;
    }
    let mut setters = Vec::new();
    let mut paths = Vec::new();
    if pod.spec.security_context.as_ref().and_then(|sc| sc.run_as_user) == Some(0) {
        setters.push("pod".to_owned());
        paths.push("spec.securityContext.runAsUser".to_owned());
    }
    let mut names = Vec::new();
    for c in &pod.containers {
        if c.security_context.and_then(|sc| sc.run_as_user) == Some(0) {
            names.push(c.name);
            paths.push(c.sc_path("runAsUser"));
        }
    }
    if !names.is_empty() {
        setters.push(containers_phrase(&names));
    }
    if setters.is_empty() {
        return None;
    }
    fail("runAsUser=0", format!("{} must not set runAsUser=0", setters.join(" and ")), paths)
}

/// check_seccompProfile_restricted.go: a valid profile on the pod or on every
/// container; annotations are not read. Windows pods exempt from v1.25.
fn seccomp_profile_restricted(pod: &PodView<'_>, minor: u32) -> Outcome {
    if minor >= 25 && pod.is_windows() {
        return None;
    }
    let mut setters = Vec::new();
    let mut values = BTreeSet::new();
    let mut explicit_paths = Vec::new();
    let mut pod_set = false;
    if let Some(profile) = pod.spec.security_context.as_ref().and_then(|sc| sc.seccomp_profile.as_ref()) {
        if valid_seccomp_type(&profile.type_) {
            pod_set = true;
        } else {
            setters.push("pod".to_owned());
            values.insert(profile.type_.as_str());
            explicit_paths.push("spec.securityContext.seccompProfile.type".to_owned());
        }
    }
    let mut explicit = Vec::new();
    let mut implicit = Vec::new();
    let mut implicit_paths = Vec::new();
    for c in &pod.containers {
        match c.security_context.and_then(|sc| sc.seccomp_profile.as_ref()) {
            Some(profile) if !valid_seccomp_type(&profile.type_) => {
                explicit.push(c.name);
                values.insert(profile.type_.as_str());
                explicit_paths.push(c.sc_path("seccompProfile.type"));
            }
            Some(_) => {}
            None if !pod_set => {
                implicit.push(c.name);
                implicit_paths.push(c.sc_path("seccompProfile"));
            }
            None => {}
        }
    }
    if !explicit.is_empty() {
        setters.push(containers_phrase(&explicit));
    }
    if !setters.is_empty() {
        let values: Vec<&str> = values.into_iter().collect();
        return fail(
            "seccompProfile",
            format!(
                "{} must not set securityContext.seccompProfile.type to {}",
                setters.join(" and "),
                join_quote(&values)
            ),
            explicit_paths,
        );
    }
    if !implicit.is_empty() {
        return fail(
            "seccompProfile",
            format!(
                "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
                containers_phrase(&implicit)
            ),
            implicit_paths,
        );
    }
    None
}

/// Per-check pass/fail summary used by reports: `{level: failing ids}`.
pub fn failing_by_level(metadata: &ObjectMeta, spec: &PodSpec, version: PolicyVersion) -> BTreeMap<Level, Evaluation> {
    [Level::Baseline, Level::Restricted].into_iter().map(|l| (l, evaluate(metadata, spec, l, version))).collect()
}

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::Pod;

    use super::*;

    fn pod(json: serde_json::Value) -> Pod {
        serde_json::from_value(json).expect("pod")
    }

    fn failing(p: &Pod, level: Level, version: &str) -> Vec<String> {
        let version = PolicyVersion::parse(version).expect("version");
        evaluate(&p.metadata, p.spec.as_ref().expect("spec"), level, version).failing_ids()
    }

    /// A pod that passes restricted at every version.
    fn restricted_pod(extra_spec: serde_json::Value) -> Pod {
        let mut spec = serde_json::json!({
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "app", "image": "app:1", "securityContext": {
                "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
        });
        if let (Some(base), Some(extra)) = (spec.as_object_mut(), extra_spec.as_object()) {
            for (k, v) in extra {
                base.insert(k.clone(), v.clone());
            }
        }
        pod(serde_json::json!({"metadata": {"name": "p"}, "spec": spec}))
    }

    #[test]
    fn version_labels_parse_as_upstream() {
        assert_eq!(PolicyVersion::parse("latest"), Some(PolicyVersion::Latest));
        assert_eq!(PolicyVersion::parse("v1.0"), Some(PolicyVersion::Minor(0)));
        assert_eq!(PolicyVersion::parse("v1.37"), Some(PolicyVersion::Minor(37)));
        for bad in ["1.25", "v1.025", "v2.0", "v1.", "V1.2", "v1.-1", "Latest", ""] {
            assert_eq!(PolicyVersion::parse(bad), None, "{bad}");
        }
        assert_eq!(PolicyVersion::Minor(99).effective_minor(), NEWEST_POLICY_MINOR);
    }

    #[test]
    fn restricted_replaces_baseline_twins_only_from_their_versions() {
        assert!(check_ids_for(Level::Restricted, 18).contains(&"seccompProfile_baseline"));
        assert!(!check_ids_for(Level::Restricted, 19).contains(&"seccompProfile_baseline"));
        assert!(check_ids_for(Level::Restricted, 21).contains(&"capabilities_baseline"));
        assert!(!check_ids_for(Level::Restricted, 22).contains(&"capabilities_baseline"));
        assert!(!check_ids_for(Level::Restricted, 0).contains(&"hostPathVolumes"));
        assert!(check_ids_for(Level::Restricted, 34).contains(&"procMount"));
        assert!(!check_ids_for(Level::Restricted, 35).contains(&"procMount"));
        assert_eq!(check_ids_for(Level::Baseline, 37).len(), 12);
        assert_eq!(check_ids_for(Level::Restricted, 37).len(), 15);
        assert!(check_ids_for(Level::Privileged, 37).is_empty());
        assert_eq!(all_checks().len(), 19);
    }

    #[test]
    fn windows_pods_are_exempt_from_three_restricted_checks_from_v1_25() {
        let windows = pod(serde_json::json!({"metadata": {"name": "w"}, "spec": {
            "os": {"name": "windows"},
            "securityContext": {"runAsNonRoot": true},
            "containers": [{"name": "app", "image": "app:1"}]}}));
        assert_eq!(
            failing(&windows, Level::Restricted, "v1.24"),
            ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]
        );
        assert!(failing(&windows, Level::Restricted, "v1.25").is_empty());
        assert!(failing(&windows, Level::Restricted, "latest").is_empty());
    }

    #[test]
    fn restricted_twins_exempt_windows_pods_from_their_baseline_checks_too() {
        // registry.go drops overridden baseline checks from restricted, and the
        // v1.25 twins allow every Windows pod: restricted passes what baseline forbids.
        let windows = pod(serde_json::json!({"metadata": {"name": "w"}, "spec": {
            "os": {"name": "windows"},
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "Unconfined"}},
            "containers": [{"name": "app", "image": "app:1", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}}));
        assert_eq!(failing(&windows, Level::Baseline, "latest"), ["capabilities_baseline", "seccompProfile_baseline"]);
        assert!(failing(&windows, Level::Restricted, "latest").is_empty());
        assert_eq!(
            failing(&windows, Level::Restricted, "v1.24"),
            ["allowPrivilegeEscalation", "capabilities_restricted", "seccompProfile_restricted"]
        );
    }

    #[test]
    fn host_users_false_relaxes_user_checks_from_v1_35() {
        let userns = pod(serde_json::json!({"metadata": {"name": "u"}, "spec": {
            "hostUsers": false,
            "securityContext": {"runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "app", "image": "app:1", "securityContext": {
                "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "procMount": "Unmasked"}}]}}));
        assert_eq!(failing(&userns, Level::Baseline, "v1.34"), ["procMount"]);
        assert!(failing(&userns, Level::Baseline, "v1.35").is_empty());
        assert_eq!(failing(&userns, Level::Restricted, "v1.34"), ["procMount", "runAsNonRoot", "runAsUser"]);
        // procMount_restricted has no user-namespace relaxation.
        assert_eq!(failing(&userns, Level::Restricted, "v1.35"), ["procMount_restricted"]);
    }

    #[test]
    fn pod_level_false_run_as_non_root_fails_even_when_containers_override_it() {
        let p = restricted_pod(serde_json::json!({
            "securityContext": {"runAsNonRoot": false, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [{"name": "app", "image": "app:1", "securityContext": {
                "runAsNonRoot": true, "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
        }));
        let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Restricted, PolicyVersion::Latest);
        assert_eq!(e.forbidden_detail(), "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)");
    }

    #[test]
    fn ephemeral_containers_and_native_sidecars_are_checked_in_visiting_order() {
        let p = restricted_pod(serde_json::json!({
            "initContainers": [{"name": "sidecar", "image": "s:1", "restartPolicy": "Always"}],
            "ephemeralContainers": [{"name": "debug", "image": "busybox:1", "securityContext": {"privileged": true}}]
        }));
        let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Restricted, PolicyVersion::Latest);
        assert_eq!(
            e.violation_message().as_deref(),
            Some(
                "violates PodSecurity \"restricted:latest\": privileged (container \"debug\" must not set securityContext.privileged=true), \
allowPrivilegeEscalation != false (containers \"sidecar\", \"debug\" must set securityContext.allowPrivilegeEscalation=false), \
unrestricted capabilities (containers \"sidecar\", \"debug\" must set securityContext.capabilities.drop=[\"ALL\"])"
            )
        );
        assert_eq!(e.failures[0].paths, ["spec.ephemeralContainers[0].securityContext.privileged"]);
    }

    #[test]
    fn wording_pluralises_and_sorts_as_upstream() {
        let p = restricted_pod(serde_json::json!({
            "hostPID": true, "hostNetwork": true,
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"},
                "sysctls": [{"name": "kernel.msgmax", "value": "1"}, {"name": "net.ipv4.tcp_rmem", "value": "1"}]},
            "containers": [
                {"name": "b", "image": "b:1", "ports": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81, "hostPort": 443}],
                 "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"], "add": ["chown", "NET_RAW"]}}},
                {"name": "a", "image": "a:1", "ports": [{"containerPort": 90, "hostPort": 9090}],
                 "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
        }));
        let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Baseline, PolicyVersion::Minor(31));
        assert_eq!(
            e.forbidden_detail(),
            "non-default capabilities (container \"b\" must not include \"NET_RAW\", \"chown\" in securityContext.capabilities.add), \
host namespaces (hostNetwork=true, hostPID=true), \
hostPort (containers \"b\", \"a\" use hostPorts 443, 8080, 9090), \
forbidden sysctls (kernel.msgmax, net.ipv4.tcp_rmem)"
        );
        // tcp_rmem became safe in v1.32.
        let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Baseline, PolicyVersion::Minor(32));
        assert!(e.forbidden_detail().ends_with("forbidden sysctls (kernel.msgmax)"));
    }

    #[test]
    fn annotations_are_quoted_like_go() {
        let p = pod(serde_json::json!({"metadata": {"name": "p", "annotations": {
            "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
            "container.apparmor.security.beta.kubernetes.io/app": "un\"confined"}},
            "spec": {"containers": [{"name": "app", "image": "app:1"}]}}));
        let e = evaluate(&p.metadata, p.spec.as_ref().expect("spec"), Level::Baseline, PolicyVersion::Minor(18));
        assert_eq!(
            e.forbidden_detail(),
            "forbidden AppArmor profile (annotation must not set AppArmor profile type to \"container.apparmor.security.beta.kubernetes.io/app=\"un\\\"confined\"\"), \
seccompProfile (forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"unconfined\")"
        );
        // From v1.19 the seccomp annotation is no longer read.
        assert_eq!(failing(&p, Level::Baseline, "v1.19"), ["appArmorProfile"]);
    }

    #[test]
    fn sourceless_volumes_are_defaulted_to_empty_dir() {
        let p = restricted_pod(serde_json::json!({"volumes": [{"name": "scratch"}]}));
        assert!(failing(&p, Level::Restricted, "latest").is_empty());
    }

    mod properties {
        use proptest::prelude::*;

        use super::*;

        fn opt_bool() -> impl Strategy<Value = Option<bool>> {
            prop_oneof![Just(None), Just(Some(true)), Just(Some(false))]
        }

        fn container() -> impl Strategy<Value = serde_json::Value> {
            (
                opt_bool(),
                opt_bool(),
                opt_bool(),
                prop::option::of(prop::sample::select(vec![0i64, 1000])),
                prop::option::of(prop::sample::select(vec!["RuntimeDefault", "Unconfined", "Localhost"])),
                prop::option::of(prop::sample::select(vec!["ALL", "NET_RAW"])),
                prop::option::of(prop::sample::select(vec!["NET_BIND_SERVICE", "SYS_ADMIN", "CHOWN"])),
                prop::option::of(prop::sample::select(vec!["Default", "Unmasked"])),
            )
                .prop_map(|(privileged, escalation, non_root, user, seccomp, drop, add, proc_mount)| {
                    let mut sc = serde_json::Map::new();
                    if let Some(v) = privileged {
                        sc.insert("privileged".into(), v.into());
                    }
                    if let Some(v) = escalation {
                        sc.insert("allowPrivilegeEscalation".into(), v.into());
                    }
                    if let Some(v) = non_root {
                        sc.insert("runAsNonRoot".into(), v.into());
                    }
                    if let Some(v) = user {
                        sc.insert("runAsUser".into(), v.into());
                    }
                    if let Some(t) = seccomp {
                        sc.insert("seccompProfile".into(), serde_json::json!({"type": t, "localhostProfile": "p"}));
                    }
                    if drop.is_some() || add.is_some() {
                        sc.insert("capabilities".into(), serde_json::json!({"drop": drop.into_iter().collect::<Vec<_>>(), "add": add.into_iter().collect::<Vec<_>>()}));
                    }
                    if let Some(pm) = proc_mount {
                        sc.insert("procMount".into(), pm.into());
                    }
                    serde_json::json!({"name": "c", "image": "i:1", "securityContext": sc})
                })
        }

        proptest! {
            /// Restricted never allows what baseline forbids: every failing baseline
            /// check also fails at restricted, or its restricted twin does.
            #[test]
            fn restricted_is_at_least_as_strict_as_baseline(
                containers in prop::collection::vec(container(), 1..3),
                host_network in opt_bool(),
                host_users in opt_bool(),
                windows in any::<bool>(),
                pod_non_root in opt_bool(),
                minor in 0u32..40,
            ) {
                let mut spec = serde_json::json!({"containers": containers});
                if let Some(v) = host_network { spec["hostNetwork"] = v.into(); }
                if let Some(v) = host_users { spec["hostUsers"] = v.into(); }
                if windows { spec["os"] = serde_json::json!({"name": "windows"}); }
                if let Some(v) = pod_non_root { spec["securityContext"] = serde_json::json!({"runAsNonRoot": v}); }
                let p = pod(serde_json::json!({"metadata": {"name": "p"}, "spec": spec}));
                let spec = p.spec.clone().unwrap_or_default();
                let version = PolicyVersion::Minor(minor);
                let baseline = evaluate(&p.metadata, &spec, Level::Baseline, version).failing_ids();
                let restricted = evaluate(&p.metadata, &spec, Level::Restricted, version).failing_ids();
                let effective = version.effective_minor();
                for id in &baseline {
                    // Upstream quirk: the restricted twins exempt Windows pods from v1.25,
                    // so the baseline checks they override are not run for them at all.
                    let windows_exempt = windows && effective >= 25
                        && (id == "capabilities_baseline" || id == "seccompProfile_baseline");
                    if windows_exempt {
                        continue;
                    }
                    let twin = all_checks().into_iter().find(|c| c.overrides == Some(id.as_str()) && c.since <= effective);
                    let covered = restricted.contains(id) || twin.is_some_and(|t| restricted.iter().any(|r| r == t.id));
                    prop_assert!(covered, "baseline {id} not covered at restricted v1.{minor}: {restricted:?}");
                }
                prop_assert!(evaluate(&p.metadata, &spec, Level::Privileged, version).allowed());
            }
        }
    }
}
