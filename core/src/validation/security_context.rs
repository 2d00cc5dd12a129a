//! pkg/apis/core/validation/validation.go: the security contexts of a pod
//! (`validatePodSpecSecurityContext`, with `validateSysctls`,
//! `ValidateHostSysctl`, `validateFSGroupChangePolicy`,
//! `validateSupplementalGroupsPolicy`, `validateSELinuxChangePolicy`) and of a
//! container (`ValidateSecurityContext`), and what both share:
//! `validateSeccompProfileField`, `ValidateAppArmorProfileField` and
//! `validateWindowsSecurityContextOptions`. Not checked: `privileged` against
//! the API server's `--allow-privileged` flag (a cluster setting kubeplay does
//! not know), and the OS-specific checks that need `spec.os`
//! (docs/semantics/validation.md §5).

use k8s_openapi::api::core::v1::{
    AppArmorProfile, PodSpec, SeccompProfile, SecurityContext, WindowsSecurityContextOptions,
};

use super::field::{
    duplicate, invalid, json_string, local_descending_path_problems, not_supported, quoted, required, too_long,
};
use super::{Found, rule};
use crate::load::NameRule;

/// `validation.InclusiveRangeError(0, math.MaxInt32)` of `IsValidUserID` / `IsValidGroupID`.
const ID_RANGE: &str = "must be between 0 and 2147483647, inclusive";
/// `SysctlMaxLength`.
const SYSCTL_MAX_LENGTH: usize = 253;
/// `sysctlContainSlashRegexp` as `%s` prints it.
const SYSCTL_REGEX: &str = r"^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";

fn push(out: &mut Vec<Found>, at: &str, message: String) {
    out.push(Found::new(rule::SECURITY_CONTEXT, at.to_owned(), message));
}

/// A user or group id in 0..=MaxInt32 (`IsValidUserID`, `IsValidGroupID`).
fn id(value: Option<i64>, at: &str, out: &mut Vec<Found>) {
    if let Some(value) = value.filter(|v| !(0..=i64::from(i32::MAX)).contains(v)) {
        push(out, at, invalid(at, &value.to_string(), ID_RANGE));
    }
}

/// `validatePodSpecSecurityContext` under `base` (the pod spec's path).
pub fn pod(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    let Some(context) = &spec.security_context else { return };
    let at = format!("{base}.securityContext");
    id(context.fs_group, &format!("{at}.fsGroup"), out);
    id(context.run_as_user, &format!("{at}.runAsUser"), out);
    id(context.run_as_group, &format!("{at}.runAsGroup"), out);
    for (i, group) in context.supplemental_groups.iter().flatten().enumerate() {
        id(Some(*group), &format!("{at}.supplementalGroups[{i}]"), out);
    }
    // In the internal type hostPID, hostNetwork and hostIPC live in the
    // security context; the versioned pod spec holds them.
    if spec.share_process_namespace == Some(true) && spec.host_pid == Some(true) {
        let share_at = format!("{at}.shareProcessNamespace");
        push(out, &share_at, invalid(&share_at, "true", "ShareProcessNamespace and HostPID cannot both be enabled"));
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, sysctl) in context.sysctls.iter().flatten().enumerate() {
        let name_at = format!("{at}.sysctls[{i}].name");
        let name = sysctl.name.as_str();
        if name.is_empty() {
            push(out, &name_at, required(&name_at, ""));
        } else if !is_sysctl_name(name) {
            push(
                out,
                &name_at,
                invalid(
                    &name_at,
                    &quoted(name),
                    &format!("must have at most {SYSCTL_MAX_LENGTH} characters and match regex {SYSCTL_REGEX}"),
                ),
            );
        } else if names.contains(name) {
            push(out, &name_at, duplicate(&name_at, &quoted(name)));
        }
        // ValidateHostSysctl: a namespaced sysctl would change the host's own.
        match sysctl_namespace(name) {
            Some(SysctlNamespace::Net) if spec.host_network == Some(true) => {
                push(out, &name_at, invalid(&name_at, &quoted(name), "may not be specified when 'hostNetwork' is true"))
            }
            Some(SysctlNamespace::Ipc) if spec.host_ipc == Some(true) => {
                push(out, &name_at, invalid(&name_at, &quoted(name), "may not be specified when 'hostIPC' is true"))
            }
            _ => {}
        }
        names.insert(name);
    }
    if let Some(policy) = context.fs_group_change_policy.as_deref() {
        one_of(policy, &format!("{at}.fsGroupChangePolicy"), &["Always", "OnRootMismatch"], out);
    }
    if let Some(profile) = &context.seccomp_profile {
        seccomp(profile, &format!("{at}.seccompProfile"), out);
    }
    if let Some(options) = &context.windows_options {
        windows(options, &format!("{at}.windowsOptions"), out);
    }
    if let Some(profile) = &context.app_armor_profile {
        app_armor(profile, &format!("{at}.appArmorProfile"), out);
    }
    if let Some(policy) = context.supplemental_groups_policy.as_deref() {
        one_of(policy, &format!("{at}.supplementalGroupsPolicy"), &["Merge", "Strict"], out);
    }
    // Every valid value: a cluster without the SELinuxMount feature accepts only
    // Recursive, but kubeplay cannot know the cluster's features.
    if let Some(policy) = context.se_linux_change_policy.as_deref() {
        one_of(policy, &format!("{at}.seLinuxChangePolicy"), &["MountOption", "Recursive"], out);
    }
}

/// `ValidateSecurityContext` for the container at `container_at`; `host_users`
/// is the pod's `hostUsers` (true unless set to false).
pub fn container(context: &SecurityContext, container_at: &str, host_users: bool, out: &mut Vec<Found>) {
    let at = format!("{container_at}.securityContext");
    id(context.run_as_user, &format!("{at}.runAsUser"), out);
    id(context.run_as_group, &format!("{at}.runAsGroup"), out);
    if let Some(proc_mount) = context.proc_mount.as_deref() {
        let proc_at = format!("{at}.procMount");
        one_of(proc_mount, &proc_at, &["Default", "Unmasked"], out);
        if host_users && proc_mount == "Unmasked" {
            push(out, &proc_at, invalid(&proc_at, &quoted(proc_mount), "`hostUsers` must be false to use `Unmasked`"));
        }
    }
    if let Some(profile) = &context.seccomp_profile {
        seccomp(profile, &format!("{at}.seccompProfile"), out);
    }
    if context.allow_privilege_escalation == Some(false) {
        if context.privileged == Some(true) {
            push(
                out,
                &format!("{at}.allowPrivilegeEscalation"),
                invalid(
                    &at,
                    &context_json(context),
                    "cannot set `allowPrivilegeEscalation` to false and `privileged` to true",
                ),
            );
        }
        let added = context.capabilities.as_ref().and_then(|c| c.add.as_deref()).unwrap_or_default();
        // One error per CAP_SYS_ADMIN added, as upstream loops.
        for _ in added.iter().filter(|c| *c == "CAP_SYS_ADMIN") {
            push(
                out,
                &format!("{at}.allowPrivilegeEscalation"),
                invalid(
                    &at,
                    &context_json(context),
                    "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN",
                ),
            );
        }
    }
    if let Some(options) = &context.windows_options {
        windows(options, &format!("{at}.windowsOptions"), out);
    }
    if let Some(profile) = &context.app_armor_profile {
        app_armor(profile, &format!("{at}.appArmorProfile"), out);
    }
}

/// A value from a fixed set, else `NotSupported` listing the set (sorted as
/// upstream's `sets.List` or its literal list gives it).
fn one_of(value: &str, at: &str, valid: &[&str], out: &mut Vec<Found>) {
    if !valid.contains(&value) {
        push(out, at, not_supported(at, &quoted(value), valid));
    }
}

/// `validateSeccompProfileField`.
fn seccomp(profile: &SeccompProfile, at: &str, out: &mut Vec<Found>) {
    let type_at = format!("{at}.type");
    match profile.type_.as_str() {
        "Localhost" | "RuntimeDefault" | "Unconfined" => {}
        "" => push(out, &type_at, required(&type_at, "type is required when seccompProfile is set")),
        other => {
            push(out, &type_at, not_supported(&type_at, &quoted(other), &["Localhost", "RuntimeDefault", "Unconfined"]))
        }
    }
    let local_at = format!("{at}.localhostProfile");
    match (profile.type_.as_str(), profile.localhost_profile.as_deref()) {
        ("Localhost", None) => push(out, &local_at, required(&local_at, "must be set when seccomp type is Localhost")),
        ("Localhost", Some(path)) => {
            for problem in local_descending_path_problems(path) {
                push(out, &local_at, invalid(&local_at, &quoted(path), problem));
            }
        }
        (_, Some(path)) => {
            // Upstream prints the whole (internal, untagged) profile.
            let value =
                format!("{{\"Type\":{},\"LocalhostProfile\":{}}}", json_string(&profile.type_), json_string(path));
            push(out, &local_at, invalid(&local_at, &value, "can only be set when seccomp type is Localhost"));
        }
        (_, None) => {}
    }
}

/// `ValidateAppArmorProfileField`.
fn app_armor(profile: &AppArmorProfile, at: &str, out: &mut Vec<Found>) {
    let local_at = format!("{at}.localhostProfile");
    match profile.type_.as_str() {
        "Localhost" => match profile.localhost_profile.as_deref() {
            None => push(out, &local_at, required(&local_at, "must be set when AppArmor type is Localhost")),
            Some(local) => {
                if local.trim() != local {
                    push(out, &local_at, invalid(&local_at, &quoted(local), "must not be padded with whitespace"));
                } else if local.is_empty() {
                    push(out, &local_at, required(&local_at, "must be set when AppArmor type is Localhost"));
                }
                // PATH_MAX - 1.
                if local.len() > 4095 {
                    push(out, &local_at, too_long(&local_at, 4095));
                }
            }
        },
        "RuntimeDefault" | "Unconfined" => {
            if let Some(local) = profile.localhost_profile.as_deref() {
                push(
                    out,
                    &local_at,
                    invalid(&local_at, &quoted(local), "can only be set when AppArmor type is Localhost"),
                );
            }
        }
        "" => {
            let type_at = format!("{at}.type");
            push(out, &type_at, required(&type_at, "type is required when appArmorProfile is set"));
        }
        other => {
            let type_at = format!("{at}.type");
            push(
                out,
                &type_at,
                not_supported(&type_at, &quoted(other), &["Localhost", "RuntimeDefault", "Unconfined"]),
            );
        }
    }
}

/// `maxGMSACredentialSpecLengthInKiB`, `maxRunAsUserNameDomainLength`,
/// `maxRunAsUserNameUserLength`.
const MAX_GMSA_KIB: usize = 64;
const MAX_DOMAIN_LENGTH: usize = 256;
const MAX_USER_LENGTH: usize = 104;

/// `validateWindowsSecurityContextOptions`.
fn windows(options: &WindowsSecurityContextOptions, at: &str, out: &mut Vec<Found>) {
    if let Some(name) = options.gmsa_credential_spec_name.as_deref() {
        let name_at = format!("{at}.gmsaCredentialSpecName");
        for problem in NameRule::Dns1123Subdomain.problems(name) {
            push(out, &name_at, invalid(&name_at, &quoted(name), &problem));
        }
    }
    if let Some(spec) = options.gmsa_credential_spec.as_deref() {
        let spec_at = format!("{at}.gmsaCredentialSpec");
        if spec.is_empty() {
            push(out, &spec_at, invalid(&spec_at, &quoted(spec), "gmsaCredentialSpec cannot be an empty string"));
        } else if spec.len() > MAX_GMSA_KIB * 1024 {
            let detail = format!("gmsaCredentialSpec size must be under {MAX_GMSA_KIB} KiB");
            push(out, &spec_at, invalid(&spec_at, &quoted(spec), &detail));
        }
    }
    let Some(name) = options.run_as_user_name.as_deref() else { return };
    let name_at = format!("{at}.runAsUserName");
    let mut fail = |detail: &str| push(out, &name_at, invalid(&name_at, &quoted(name), detail));
    let parts: Vec<&str> = name.split('\\').collect();
    if name.is_empty() {
        fail("runAsUserName cannot be an empty string");
    } else if name.chars().any(|c| c.is_ascii_control()) {
        fail("runAsUserName cannot contain control characters");
    } else if parts.len() > 2 {
        fail("runAsUserName cannot contain more than one backslash");
    } else {
        let (domain, user) = match parts.as_slice() {
            [domain, user] => (Some(*domain), *user),
            _ => (None, name),
        };
        if domain.is_some_and(|d| d.len() >= MAX_DOMAIN_LENGTH) {
            fail(&format!("runAsUserName's Domain length must be under {MAX_DOMAIN_LENGTH} characters"));
        }
        if domain.is_some_and(|d| !is_netbios_domain(d) && !is_dns_domain(d)) {
            fail("runAsUserName's Domain doesn't match the NetBios nor the DNS format");
        }
        if user.is_empty() {
            fail("runAsUserName's User cannot be empty");
        } else if user.len() > MAX_USER_LENGTH {
            fail(&format!("runAsUserName's User length must not be longer than {MAX_USER_LENGTH} characters"));
        }
        if !user.is_empty() && user.chars().all(|c| c == '.' || c == ' ') {
            fail("runAsUserName's User cannot contain only periods or spaces");
        }
        if user.chars().any(|c| "\"/\\:;|=,+*?<>@[]".contains(c)) {
            fail(r#"runAsUserName's User cannot contain the following characters: "/\:;|=,+*?<>@[]"#);
        }
    }
}

/// `validNetBiosRegex`: 1-15 characters, none of `\ / : * ? " < > |`, not
/// starting with a dot.
fn is_netbios_domain(domain: &str) -> bool {
    let forbidden = |c: char| "\\/:*?\"<>|".contains(c);
    let count = domain.chars().count();
    (1..=15).contains(&count) && !domain.starts_with('.') && !domain.chars().any(forbidden)
}

/// `validWindowsUserDomainDNSRegex`: dot-separated labels of 1-63 letters,
/// digits and dashes, starting and ending with a letter or digit.
fn is_dns_domain(domain: &str) -> bool {
    domain.split('.').all(|label| {
        let bytes = label.as_bytes();
        (1..=63).contains(&bytes.len())
            && bytes[0].is_ascii_alphanumeric()
            && bytes[bytes.len() - 1].is_ascii_alphanumeric()
            && bytes.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'-')
    })
}

/// `IsValidSysctlName`: at most 253 characters of segments
/// `[a-z0-9]([-_a-z0-9]*[a-z0-9])?` joined by `.` or `/`.
fn is_sysctl_name(name: &str) -> bool {
    name.len() <= SYSCTL_MAX_LENGTH
        && name.split(['.', '/']).all(|segment| {
            let bytes = segment.as_bytes();
            !bytes.is_empty()
                && is_sysctl_end(bytes[0])
                && is_sysctl_end(bytes[bytes.len() - 1])
                && bytes.iter().all(|&b| is_sysctl_end(b) || b == b'-' || b == b'_')
        })
}

fn is_sysctl_end(b: u8) -> bool {
    b.is_ascii_lowercase() || b.is_ascii_digit()
}

/// The kernel namespaces `ValidateHostSysctl` cares about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum SysctlNamespace {
    Net,
    Ipc,
}

/// component-helpers node/util/sysctl `GetNamespace`: the name in dotted form
/// (`NormalizeName` swaps `.` and `/` when `/` comes first), cut at a `*`,
/// then the known IPC names and the `net.` / `fs.mqueue.` prefixes.
fn sysctl_namespace(name: &str) -> Option<SysctlNamespace> {
    let normalized: String = match name.find(['.', '/']) {
        Some(i) if name.as_bytes()[i] == b'/' => name
            .chars()
            .map(|c| match c {
                '.' => '/',
                '/' => '.',
                c => c,
            })
            .collect(),
        _ => name.to_owned(),
    };
    let name = normalized.split('*').next().unwrap_or_default();
    const IPC_NAMES: [&str; 10] = [
        "kernel.sem",
        "kernel.shmall",
        "kernel.shmmax",
        "kernel.shmmni",
        "kernel.shm_rmid_forced",
        "kernel.shm",
        "kernel.msgmax",
        "kernel.msgmnb",
        "kernel.msgmni",
        "kernel.msg",
    ];
    if IPC_NAMES.contains(&name) || name.starts_with("fs.mqueue.") {
        Some(SysctlNamespace::Ipc)
    } else if name.starts_with("net.") {
        Some(SysctlNamespace::Net)
    } else {
        None
    }
}

/// A container's security context as a field error prints it: the internal
/// type as JSON, Go's field names in declaration order (pkg/apis/core/types.go).
fn context_json(context: &SecurityContext) -> String {
    fn optional<T>(value: Option<T>, print: impl Fn(T) -> String) -> String {
        value.map_or_else(|| "null".to_owned(), print)
    }
    let string = |s: &String| json_string(s);
    let strings = |list: &Vec<String>| super::field::string_list(list);
    let capabilities = optional(context.capabilities.as_ref(), |c| {
        format!("{{\"Add\":{},\"Drop\":{}}}", optional(c.add.as_ref(), strings), optional(c.drop.as_ref(), strings))
    });
    let se_linux = optional(context.se_linux_options.as_ref(), |o| {
        format!(
            "{{\"User\":{},\"Role\":{},\"Type\":{},\"Level\":{}}}",
            json_string(o.user.as_deref().unwrap_or_default()),
            json_string(o.role.as_deref().unwrap_or_default()),
            json_string(o.type_.as_deref().unwrap_or_default()),
            json_string(o.level.as_deref().unwrap_or_default())
        )
    });
    let windows = optional(context.windows_options.as_ref(), |o| {
        format!(
            "{{\"GMSACredentialSpecName\":{},\"GMSACredentialSpec\":{},\"RunAsUserName\":{},\"HostProcess\":{}}}",
            optional(o.gmsa_credential_spec_name.as_ref(), string),
            optional(o.gmsa_credential_spec.as_ref(), string),
            optional(o.run_as_user_name.as_ref(), string),
            optional(o.host_process, |b| b.to_string())
        )
    });
    let profile = |type_: &str, local: Option<&String>| {
        format!("{{\"Type\":{},\"LocalhostProfile\":{}}}", json_string(type_), optional(local, string))
    };
    let flag = |value: Option<bool>| optional(value, |b| b.to_string());
    let number = |value: Option<i64>| optional(value, |n| n.to_string());
    format!(
        "{{\"Capabilities\":{capabilities},\"Privileged\":{},\"SELinuxOptions\":{se_linux},\"WindowsOptions\":{windows},\"RunAsUser\":{},\"RunAsGroup\":{},\"RunAsNonRoot\":{},\"ReadOnlyRootFilesystem\":{},\"AllowPrivilegeEscalation\":{},\"ProcMount\":{},\"SeccompProfile\":{},\"AppArmorProfile\":{}}}",
        flag(context.privileged),
        number(context.run_as_user),
        number(context.run_as_group),
        flag(context.run_as_non_root),
        flag(context.read_only_root_filesystem),
        flag(context.allow_privilege_escalation),
        optional(context.proc_mount.as_ref(), string),
        optional(context.seccomp_profile.as_ref(), |p| profile(&p.type_, p.localhost_profile.as_ref())),
        optional(context.app_armor_profile.as_ref(), |p| profile(&p.type_, p.localhost_profile.as_ref())),
    )
}

/// `validateHostUsers`: a pod with its own user namespace (`hostUsers: false`)
/// may not share the host's network, PID or IPC namespace (upstream names the
/// last two fields `HostPID` and `HostIPC` in its paths).
pub fn host_users(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    if spec.host_users != Some(false) {
        return;
    }
    for (field, location, set) in [
        ("hostNetwork", "hostNetwork", spec.host_network),
        ("HostPID", "hostPID", spec.host_pid),
        ("HostIPC", "hostIPC", spec.host_ipc),
    ] {
        if set == Some(true) {
            let at = format!("{base}.{field}");
            let message = super::field::forbidden(&at, "when `pod.Spec.HostUsers` is false");
            out.push(Found::new(rule::SECURITY_CONTEXT, format!("{base}.{location}"), message));
        }
    }
}

/// `validateOS`, then `validateLinux` or `validateWindows`: what the chosen
/// operating system cannot honour, for the pod and every container (init
/// containers first, as `VisitContainersWithPath` walks them).
pub fn os(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    let Some(os) = &spec.os else { return };
    let at = format!("{base}.os");
    let mut forbid = |path: String, detail: &str| {
        out.push(Found::new(rule::SECURITY_CONTEXT, path.clone(), super::field::forbidden(&path, detail)));
    };
    let containers = super::warnings::containers(spec, base);
    match os.name.as_str() {
        "" => {
            let name_at = format!("{at}.name");
            out.push(Found::new(rule::SECURITY_CONTEXT, name_at.clone(), required(&name_at, "cannot be empty")));
        }
        "linux" => {
            const DETAIL: &str = "windows options cannot be set for a linux pod";
            if spec.security_context.as_ref().is_some_and(|s| s.windows_options.is_some()) {
                forbid(format!("{base}.securityContext.windowsOptions"), DETAIL);
            }
            for (path, c) in &containers {
                if c.security_context.as_ref().is_some_and(|s| s.windows_options.is_some()) {
                    forbid(format!("{path}.securityContext.windowsOptions"), DETAIL);
                }
            }
        }
        "windows" => {
            const DETAIL: &str = "cannot be set for a windows pod";
            if let Some(context) = &spec.security_context {
                let fields = [
                    ("securityContext.appArmorProfile", context.app_armor_profile.is_some()),
                    ("securityContext.seLinuxOptions", context.se_linux_options.is_some()),
                    ("hostUsers", spec.host_users.is_some()),
                    ("hostPID", spec.host_pid == Some(true)),
                    ("hostIPC", spec.host_ipc == Some(true)),
                    ("securityContext.seccompProfile", context.seccomp_profile.is_some()),
                    ("securityContext.fsGroup", context.fs_group.is_some()),
                    ("securityContext.fsGroupChangePolicy", context.fs_group_change_policy.is_some()),
                    ("securityContext.sysctls", context.sysctls.as_ref().is_some_and(|s| !s.is_empty())),
                    ("shareProcessNamespace", spec.share_process_namespace.is_some()),
                    ("securityContext.runAsUser", context.run_as_user.is_some()),
                    ("securityContext.runAsGroup", context.run_as_group.is_some()),
                    ("securityContext.supplementalGroups", context.supplemental_groups.is_some()),
                    ("securityContext.supplementalGroupsPolicy", context.supplemental_groups_policy.is_some()),
                    ("securityContext.seLinuxChangePolicy", context.se_linux_change_policy.is_some()),
                ];
                for (field, _) in fields.iter().filter(|(_, set)| *set) {
                    forbid(format!("{base}.{field}"), DETAIL);
                }
            }
            for (path, c) in &containers {
                let Some(context) = &c.security_context else { continue };
                let fields = [
                    ("appArmorProfile", context.app_armor_profile.is_some()),
                    ("seLinuxOptions", context.se_linux_options.is_some()),
                    ("seccompProfile", context.seccomp_profile.is_some()),
                    ("capabilities", context.capabilities.is_some()),
                    ("readOnlyRootFilesystem", context.read_only_root_filesystem.is_some()),
                    ("privileged", context.privileged.is_some()),
                    ("allowPrivilegeEscalation", context.allow_privilege_escalation.is_some()),
                    ("procMount", context.proc_mount.is_some()),
                    ("runAsUser", context.run_as_user.is_some()),
                    ("runAsGroup", context.run_as_group.is_some()),
                ];
                for (field, _) in fields.iter().filter(|(_, set)| *set) {
                    forbid(format!("{path}.securityContext.{field}"), DETAIL);
                }
            }
        }
        other => out.push(Found::new(
            rule::SECURITY_CONTEXT,
            at.clone(),
            not_supported(&at, &quoted(other), &["linux", "windows"]),
        )),
    }
}

/// `validateWindowsHostProcessPod`: a container's `hostProcess` agrees with
/// the pod's when both are set; if any container (init, regular or ephemeral,
/// explicitly or inherited from the pod) is a HostProcess container, all
/// must be, and the pod must use the host network. Upstream also forbids them
/// when the API server runs without `--allow-privileged`, a cluster setting
/// kubeplay does not know (as for `privileged`).
pub fn windows_host_process(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    let host_process = |options: Option<&WindowsSecurityContextOptions>| options.and_then(|o| o.host_process);
    let pod = host_process(spec.security_context.as_ref().and_then(|c| c.windows_options.as_ref()));
    let mut containers = 0;
    let mut host_process_containers = 0;
    let mut visit = |context: Option<&SecurityContext>, path: String| {
        containers += 1;
        let own = host_process(context.and_then(|c| c.windows_options.as_ref()));
        if let (Some(pod), Some(own)) = (pod, own)
            && pod != own
        {
            let at = format!("{path}.securityContext.windowsOptions.hostProcess");
            let detail = format!("pod hostProcess value must be identical if both are specified, was {pod}");
            push(out, &at, invalid(&at, &own.to_string(), &detail));
        }
        if own.unwrap_or(pod == Some(true)) {
            host_process_containers += 1;
        }
    };
    // podshelper.VisitContainersWithPath: init containers, containers, ephemeral containers.
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        visit(c.security_context.as_ref(), format!("{base}.initContainers[{i}]"));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        visit(c.security_context.as_ref(), format!("{base}.containers[{i}]"));
    }
    for (i, c) in spec.ephemeral_containers.iter().flatten().enumerate() {
        visit(c.security_context.as_ref(), format!("{base}.ephemeralContainers[{i}]"));
    }
    if host_process_containers == 0 {
        return;
    }
    if host_process_containers != containers {
        let detail = "If pod contains any hostProcess containers then all containers must be HostProcess containers";
        push(out, base, invalid(base, "\"\"", detail));
    }
    if spec.host_network != Some(true) {
        let at = format!("{base}.hostNetwork");
        push(out, &at, invalid(&at, "false", "hostNetwork must be true if pod contains any hostProcess containers"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctl_names_follow_upstreams_regex_and_length() {
        // TestIsValidSysctlName.
        for good in ["a.b.c.d", "a", "a_b", "a-b", "abc", "abc.def", "a/b/c/d", "a/b.c", "a".repeat(253).as_str()] {
            assert!(is_sysctl_name(good), "{good}");
        }
        for bad in [
            "",
            "*",
            "ä",
            "a_",
            "_",
            "__",
            "_a",
            "_a._b",
            "-",
            ".",
            "a.",
            ".a",
            "a.b.",
            "a*.b",
            "a*b",
            "*a",
            "a.*",
            "*",
            "abc*",
            "a.abc*",
            "a.b.*",
            "Abc",
            "/",
            "/a",
            "a/abc*",
            "a/b/*",
            "a".repeat(254).as_str(),
        ] {
            assert!(!is_sysctl_name(bad), "{bad}");
        }
    }

    #[test]
    fn sysctl_namespaces_are_read_as_the_kubelet_reads_them() {
        assert_eq!(sysctl_namespace("net.ipv4.ip_forward"), Some(SysctlNamespace::Net));
        assert_eq!(sysctl_namespace("net/ipv4/conf/eno2.100/rp_filter"), Some(SysctlNamespace::Net));
        assert_eq!(sysctl_namespace("kernel.shm_rmid_forced"), Some(SysctlNamespace::Ipc));
        assert_eq!(sysctl_namespace("fs.mqueue.msg_max"), Some(SysctlNamespace::Ipc));
        assert_eq!(sysctl_namespace("kernel.msg*"), Some(SysctlNamespace::Ipc));
        assert_eq!(sysctl_namespace("kernel.pid_max"), None);
        assert_eq!(sysctl_namespace("network"), None);
    }
}
