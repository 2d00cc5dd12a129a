//! pkg/api/pod/warnings.go (`warningsForPodSpecAndMeta`): what the API server
//! accepts in a pod or pod template but answers with a `Warning:` line, in its
//! order. Deprecated node labels are pkg/api/node/util.go's. A spread
//! constraint without a label selector is left to the best-practice rule
//! `topology-spread-without-selector`, so it is reported once.

use std::collections::{BTreeSet, HashMap};

use k8s_openapi::api::core::v1::{Container, NodeSelectorTerm, PodSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use super::field::{label_value_problems, quoted};
use super::{Found, Rule, rule};

/// `deprecatedNodeLabels`.
const DEPRECATED_NODE_LABELS: [(&str, &str); 8] = [
    ("beta.kubernetes.io/arch", "deprecated since v1.14; use \"kubernetes.io/arch\" instead"),
    ("beta.kubernetes.io/os", "deprecated since v1.14; use \"kubernetes.io/os\" instead"),
    (
        "failure-domain.beta.kubernetes.io/region",
        "deprecated since v1.17; use \"topology.kubernetes.io/region\" instead",
    ),
    ("failure-domain.beta.kubernetes.io/zone", "deprecated since v1.17; use \"topology.kubernetes.io/zone\" instead"),
    ("beta.kubernetes.io/instance-type", "deprecated since v1.17; use \"node.kubernetes.io/instance-type\" instead"),
    ("app.kubernetes.io/created-by", "deprecated since v1.9"),
    ("scheduler.alpha.kubernetes.io/preferAvoidPods", "deprecated since v1.22; use Taints and Tolerations instead"),
    ("node-role.kubernetes.io/master", "use \"node-role.kubernetes.io/control-plane\" instead"),
];

/// `deprecatedAnnotations`.
const DEPRECATED_ANNOTATIONS: [(&str, &str); 3] = [
    (
        "scheduler.alpha.kubernetes.io/critical-pod",
        "non-functional in v1.16+; use the \"priorityClassName\" field instead",
    ),
    ("security.alpha.kubernetes.io/sysctls", "non-functional in v1.11+; use the \"sysctls\" field instead"),
    ("security.alpha.kubernetes.io/unsafe-sysctls", "non-functional in v1.11+; use the \"sysctls\" field instead"),
];

fn node_label_deprecation(key: &str) -> Option<&'static str> {
    DEPRECATED_NODE_LABELS.iter().find(|(label, _)| *label == key).map(|(_, message)| *message)
}

fn push(out: &mut Vec<Found>, rule: &'static Rule, at: String, message: String) {
    out.push(Found::new(rule, at, message));
}

/// The warnings for the pod spec at `base` whose metadata (annotations) is
/// `meta` at `meta_base`; `template` for a pod template (its AppArmor
/// annotations warn here, a Pod's when the API server rewrites them).
pub fn pod(
    spec: &PodSpec,
    base: &str,
    meta: Option<&ObjectMeta>,
    meta_base: &str,
    template: bool,
    out: &mut Vec<Found>,
) {
    let warn = rule::POD_WARNING;
    let annotations = meta.and_then(|m| m.annotations.as_ref());
    for key in spec.node_selector.iter().flatten().map(|(key, _)| key) {
        if let Some(message) = node_label_deprecation(key) {
            let at = format!("{base}.nodeSelector[{key}]");
            push(out, warn, format!("{base}.nodeSelector.{key}"), format!("{at}: {message}"));
        }
    }
    if let Some(node) = spec.affinity.as_ref().and_then(|a| a.node_affinity.as_ref()) {
        if let Some(required) = &node.required_during_scheduling_ignored_during_execution {
            let terms_at = format!(
                "{base}.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms"
            );
            for (i, term) in required.node_selector_terms.iter().enumerate() {
                node_selector_term(term, &format!("{terms_at}[{i}]"), false, out);
            }
        }
        let preferred_at = format!("{base}.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution");
        for (i, term) in node.preferred_during_scheduling_ignored_during_execution.iter().flatten().enumerate() {
            // Invalid label values are accepted in preferred terms, with a warning.
            node_selector_term(&term.preference, &format!("{preferred_at}[{i}].preference"), true, out);
        }
    }
    for (i, constraint) in spec.topology_spread_constraints.iter().flatten().enumerate() {
        let at = format!("{base}.topologySpreadConstraints[{i}]");
        if let Some(message) = node_label_deprecation(&constraint.topology_key) {
            let key_at = format!("{at}.topologyKey");
            push(out, warn, key_at.clone(), format!("{key_at}: {} is {message}", constraint.topology_key));
        }
        // Upstream also warns "a null labelSelector results in matching no pod"
        // here; the best-practice rule topology-spread-without-selector reports
        // that condition already (with kube-score's and Polaris' ids), once.
    }
    for (key, message) in DEPRECATED_ANNOTATIONS {
        if annotations.is_some_and(|a| a.contains_key(key)) {
            let at = format!("{meta_base}.annotations[{key}]");
            push(out, warn, format!("{meta_base}.annotations.{key}"), format!("{at}: {message}"));
        }
    }
    volume_plugins(spec, base, out);
    token_paths(spec, base, out);
    let mut ips = BTreeSet::new();
    for (i, alias) in spec.host_aliases.iter().flatten().enumerate() {
        if !ips.insert(alias.ip.as_str()) {
            let at = format!("{base}.hostAliases[{i}].ip");
            push(out, warn, at.clone(), format!("{at}: duplicate ip {}", quoted(&alias.ip)));
        }
    }
    let secrets = spec.image_pull_secrets.as_deref().unwrap_or_default();
    let mut names = BTreeSet::new();
    for (i, secret) in secrets.iter().enumerate() {
        if !names.insert(secret.name.as_str()) {
            let at = format!("{base}.imagePullSecrets[{i}].name");
            push(out, warn, at.clone(), format!("{at}: duplicate name {}", quoted(&secret.name)));
        }
    }
    for (i, secret) in secrets.iter().enumerate().filter(|(_, s)| s.name.is_empty()) {
        let at = format!("{base}.imagePullSecrets[{i}].name");
        push(out, warn, at.clone(), format!("{at}: invalid empty name {}", quoted(&secret.name)));
    }
    for resource in ["memory", "ephemeral-storage"] {
        if let Some(value) = spec.overhead.as_ref().and_then(|o| o.get(resource)) {
            fractional_bytes(
                &value.0,
                &format!("{base}.overhead[{resource}]"),
                &format!("{base}.overhead.{resource}"),
                out,
            );
        }
    }
    let pod_seccomp_field = spec.security_context.as_ref().is_some_and(|s| s.seccomp_profile.is_some());
    if !pod_seccomp_field && annotations.is_some_and(|a| a.contains_key(SECCOMP_POD)) {
        let at = format!("{meta_base}.annotations[{SECCOMP_POD}]");
        let message = format!("{at}: non-functional in v1.27+; use the \"seccompProfile\" field instead");
        push(out, warn, format!("{meta_base}.annotations.{SECCOMP_POD}"), message);
    }
    let pod_app_armor_field = spec.security_context.as_ref().is_some_and(|s| s.app_armor_profile.is_some());
    let visited = containers(spec, base);
    for (path, c) in &visited {
        let context = c.security_context.as_ref();
        let key = format!("{SECCOMP_CONTAINER}{}", c.name);
        if context.is_none_or(|s| s.seccomp_profile.is_none()) && annotations.is_some_and(|a| a.contains_key(&key)) {
            let at = format!("{meta_base}.annotations[{key}]");
            let message = format!("{at}: non-functional in v1.27+; use the \"seccompProfile\" field instead");
            push(out, warn, format!("{meta_base}.annotations.{key}"), message);
        }
        let key = format!("{APP_ARMOR_CONTAINER}{}", c.name);
        let app_armor_field = pod_app_armor_field || context.is_some_and(|s| s.app_armor_profile.is_some());
        if template && !app_armor_field && annotations.is_some_and(|a| a.contains_key(&key)) {
            let at = format!("{meta_base}.annotations[{key}]");
            let message = format!("{at}: deprecated since v1.30; use the \"appArmorProfile\" field instead");
            push(out, warn, format!("{meta_base}.annotations.{key}"), message);
        }
        let resources = c.resources.as_ref();
        for (field, list) in [
            ("limits", resources.and_then(|r| r.limits.as_ref())),
            ("requests", resources.and_then(|r| r.requests.as_ref())),
        ] {
            for resource in ["memory", "ephemeral-storage"] {
                if let Some(value) = list.and_then(|l| l.get(resource)) {
                    let at = format!("{path}.resources.{field}[{resource}]");
                    fractional_bytes(&value.0, &at, &format!("{path}.resources.{field}.{resource}"), out);
                }
            }
        }
        env_duplicates(c, path, out);
    }
    ports(&visited, out);
    if spec.termination_grace_period_seconds.is_some_and(|g| g < 0) {
        let at = format!("{base}.terminationGracePeriodSeconds");
        push(
            out,
            warn,
            at.clone(),
            format!("{at}: must be >= 0; negative values are invalid and will be treated as 1"),
        );
    }
    if let Some(affinity) = &spec.affinity {
        for (field, terms) in [
            (
                "podAffinity",
                affinity.pod_affinity.as_ref().map(|a| {
                    (
                        &a.required_during_scheduling_ignored_during_execution,
                        &a.preferred_during_scheduling_ignored_during_execution,
                    )
                }),
            ),
            (
                "podAntiAffinity",
                affinity.pod_anti_affinity.as_ref().map(|a| {
                    (
                        &a.required_during_scheduling_ignored_during_execution,
                        &a.preferred_during_scheduling_ignored_during_execution,
                    )
                }),
            ),
        ] {
            let Some((required, preferred)) = terms else { continue };
            let at = format!("{base}.affinity.{field}");
            for (i, _) in required.iter().flatten().enumerate().filter(|(_, t)| t.label_selector.is_none()) {
                let term_at = format!("{at}.requiredDuringSchedulingIgnoredDuringExecution[{i}]");
                push(
                    out,
                    warn,
                    term_at.clone(),
                    format!("{term_at}.labelSelector: a null labelSelector results in matching no pod"),
                );
            }
            for (i, _) in
                preferred.iter().flatten().enumerate().filter(|(_, t)| t.pod_affinity_term.label_selector.is_none())
            {
                let term_at = format!("{at}.preferredDuringSchedulingIgnoredDuringExecution[{i}].podAffinityTerm");
                push(
                    out,
                    warn,
                    term_at.clone(),
                    format!("{term_at}.labelSelector: a null labelSelector results in matching no pod"),
                );
            }
        }
    }
}

/// `SeccompPodAnnotationKey`, `SeccompContainerAnnotationKeyPrefix`,
/// `DeprecatedAppArmorAnnotationKeyPrefix`.
const SECCOMP_POD: &str = "seccomp.security.alpha.kubernetes.io/pod";
const SECCOMP_CONTAINER: &str = "container.seccomp.security.alpha.kubernetes.io/";
const APP_ARMOR_CONTAINER: &str = "container.apparmor.security.beta.kubernetes.io/";

/// Init containers, then containers (`VisitContainersWithPath`), with their paths.
pub(super) fn containers<'a>(spec: &'a PodSpec, base: &str) -> Vec<(String, &'a Container)> {
    let init =
        spec.init_containers.iter().flatten().enumerate().map(|(i, c)| (format!("{base}.initContainers[{i}]"), c));
    let regular = spec.containers.iter().enumerate().map(|(i, c)| (format!("{base}.containers[{i}]"), c));
    init.chain(regular).collect()
}

/// `GetWarningsForNodeSelectorTerm`: deprecated keys, and (for preferred
/// terms) values that are not label values.
fn node_selector_term(term: &NodeSelectorTerm, at: &str, check_values: bool, out: &mut Vec<Found>) {
    for (i, expression) in term.match_expressions.iter().flatten().enumerate() {
        let key_at = format!("{at}.matchExpressions[{i}].key");
        if let Some(message) = node_label_deprecation(&expression.key) {
            push(out, rule::POD_WARNING, key_at.clone(), format!("{key_at}: {} is {message}", expression.key));
        }
        if check_values {
            for (j, value) in expression.values.iter().flatten().enumerate() {
                let value_at = format!("{at}.matchExpressions[{i}].values[{j}]");
                for problem in label_value_problems(value) {
                    push(
                        out,
                        rule::POD_WARNING,
                        value_at.clone(),
                        format!("{value_at}: {value} is invalid, {problem}"),
                    );
                }
            }
        }
    }
}

/// The deprecated and removed in-tree volume plugins (upstream spells the
/// StorageOS path `storageOS`).
fn volume_plugins(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    for (i, volume) in spec.volumes.iter().flatten().enumerate() {
        let plugins = [
            (
                "photonPersistentDisk",
                volume.photon_persistent_disk.is_some(),
                "deprecated in v1.11, non-functional in v1.16+",
            ),
            ("gitRepo", volume.git_repo.is_some(), "deprecated in v1.11"),
            ("scaleIO", volume.scale_io.is_some(), "deprecated in v1.16, non-functional in v1.22+"),
            ("flocker", volume.flocker.is_some(), "deprecated in v1.22, non-functional in v1.25+"),
            ("storageOS", volume.storageos.is_some(), "deprecated in v1.22, non-functional in v1.25+"),
            ("quobyte", volume.quobyte.is_some(), "deprecated in v1.22, non-functional in v1.25+"),
            ("glusterfs", volume.glusterfs.is_some(), "deprecated in v1.25, non-functional in v1.26+"),
            ("cephfs", volume.cephfs.is_some(), "deprecated in v1.28, non-functional in v1.31+"),
            ("rbd", volume.rbd.is_some(), "deprecated in v1.28, non-functional in v1.31+"),
        ];
        // Upstream checks an ephemeral volume's claim spec between glusterfs and cephfs.
        let (before, after) = plugins.split_at(7);
        for (field, _, message) in before.iter().filter(|(_, set, _)| *set) {
            let at = format!("{base}.volumes[{i}].{field}");
            push(out, rule::POD_WARNING, format!("{base}.volumes[{i}]"), format!("{at}: {message}"));
        }
        if let Some(template) = volume.ephemeral.as_ref().and_then(|e| e.volume_claim_template.as_ref()) {
            let at = format!("{base}.volumes[{i}].ephemeral.volumeClaimTemplate.spec");
            super::create_warnings::claim_spec(&template.spec, &at, &at, rule::POD_WARNING, out);
        }
        for (field, _, message) in after.iter().filter(|(_, set, _)| *set) {
            let at = format!("{base}.volumes[{i}].{field}");
            push(out, rule::POD_WARNING, format!("{base}.volumes[{i}]"), format!("{at}: {message}"));
        }
    }
}

/// Projected files whose path is a service account token's path (upstream's
/// paths name the source kind, not the source's index).
fn token_paths(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    let volumes = spec.volumes.as_deref().unwrap_or_default();
    let tokens: BTreeSet<&str> = volumes
        .iter()
        .filter_map(|v| v.projected.as_ref())
        .flat_map(|p| p.sources.iter().flatten())
        .filter_map(|s| s.service_account_token.as_ref().map(|t| t.path.as_str()))
        .collect();
    if tokens.is_empty() {
        return;
    }
    for (i, volume) in volumes.iter().enumerate() {
        let Some(projected) = &volume.projected else { continue };
        let at = format!("{base}.volumes[{i}].projected.sources");
        for (k, source) in projected.sources.iter().flatten().enumerate() {
            let place = format!("{at}[{k}]");
            let mut clash = |kind: &str, j: usize, path: &str| {
                if tokens.contains(path) {
                    let message =
                        format!("{at}.{kind}[{j}]: has duplicated path with ServiceAccountToken {}", quoted(path));
                    push(out, rule::POD_WARNING, place.clone(), message);
                }
            };
            for (j, item) in source.config_map.iter().flat_map(|c| c.items.iter().flatten()).enumerate() {
                clash("configMap", j, &item.path);
            }
            for (j, item) in source.secret.iter().flat_map(|s| s.items.iter().flatten()).enumerate() {
                clash("secrets", j, &item.path);
            }
            for (j, item) in source.downward_api.iter().flat_map(|d| d.items.iter().flatten()).enumerate() {
                clash("downwardAPI", j, &item.path);
            }
            if let Some(bundle) = &source.cluster_trust_bundle
                && tokens.contains(bundle.path.as_str())
            {
                let message = format!(
                    "{at}.ClusterTrustBundle: has duplicated path with ServiceAccountToken {}",
                    quoted(&bundle.path)
                );
                push(out, rule::POD_WARNING, place.clone(), message);
            }
        }
    }
}

/// Memory and ephemeral storage come in whole bytes.
fn fractional_bytes(raw: &str, at: &str, place: &str, out: &mut Vec<Found>) {
    let Ok(quantity) = crate::quantity::Quantity::parse(raw.trim()) else { return };
    if quantity.milli_value().is_some_and(|m| m % 1000 != 0) {
        let message =
            format!("{at}: fractional byte value {} is invalid, must be an integer", quoted(&quantity.canonical()));
        push(out, rule::POD_WARNING, place.to_owned(), message);
    }
}

/// Duplicate env names: a later entry hides the earlier one, and apply's merge
/// by name may drop one of them — unless it refers to the earlier value with
/// `$(NAME)` (and is not only that reference).
fn env_duplicates(c: &Container, path: &str, out: &mut Vec<Found>) {
    let mut seen = BTreeSet::new();
    for (i, var) in c.env.iter().flatten().enumerate() {
        if seen.insert(var.name.as_str()) {
            continue;
        }
        let reference = format!("$({})", var.name);
        let value = var.value.as_deref().unwrap_or_default();
        if var.value_from.is_some() || value == reference || !value.contains(&reference) {
            let at = format!("{path}.env[{i}]");
            let message = format!(
                "{at}: hides previous definition of {}, which may be dropped when using apply",
                quoted(&var.name)
            );
            push(out, rule::ENV_DUPLICATE, at, message);
        }
    }
}

/// Ports: a hostIP without a hostPort, and the same containerPort/protocol in
/// two places.
fn ports(visited: &[(String, &Container)], out: &mut Vec<Found>) {
    let mut all_ports: HashMap<String, Vec<(String, &str, i32)>> = HashMap::new();
    for (path, c) in visited {
        for (i, port) in c.ports.iter().flatten().enumerate() {
            let at = format!("{path}.ports[{i}]");
            let host_ip = port.host_ip.as_deref().unwrap_or_default();
            let host_port = port.host_port.unwrap_or_default();
            let protocol = port.protocol.as_deref().unwrap_or("TCP");
            if !host_ip.is_empty() && host_port == 0 {
                // Go's %+v of the internal ContainerPort.
                let printed = format!(
                    "{{Name:{} HostPort:0 ContainerPort:{} Protocol:{protocol} HostIP:{host_ip}}}",
                    port.name.as_deref().unwrap_or_default(),
                    port.container_port
                );
                push(out, rule::POD_WARNING, at.clone(), format!("{at}: hostIP set without hostPort: {printed}"));
            }
            let key = format!("{}/{protocol}", port.container_port);
            let others = all_ports.entry(key).or_default();
            for (other, other_ip, other_host_port) in others.iter() {
                let message = if host_ip == *other_ip && host_port == *other_host_port {
                    Some("duplicate port definition")
                } else if host_port == 0 || *other_host_port == 0 {
                    Some("overlapping port definition")
                } else if host_port == *other_host_port && (host_ip.is_empty() != other_ip.is_empty()) {
                    Some("dangerously ambiguous port definition")
                } else {
                    None
                };
                if let Some(message) = message {
                    push(out, rule::CONTAINER_PORT_DUPLICATE, at.clone(), format!("{at}: {message} with {other}"));
                }
            }
            others.push((at, host_ip, host_port));
        }
    }
}
