//! pkg/apis/core/validation/validation.go: pod specs (containers, ports, env,
//! volumes and mounts, probes, restart policy), Services and
//! ReplicationControllers; and the API server's pod warnings
//! (pkg/api/pod/warnings.go).

use std::collections::{BTreeMap, BTreeSet};

use k8s_openapi::api::core::v1::{
    Container, LifecycleHandler, Namespace, PodSpec, PodTemplateSpec, Probe, ReplicationController, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::field::{
    duplicate, forbidden, invalid, nonnegative, not_supported, port_name_problems, port_num_or_name, port_num_problems,
    qualified_name_problems, quoted, required, string_map, too_many,
};
use super::{Found, rule};
use crate::load::NameRule;

/// `supportedPortProtocols`, sorted as `sets.List` returns them.
const PORT_PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
const RESTART_POLICIES: [&str; 3] = ["Always", "OnFailure", "Never"];
/// The same policies sorted, as `sets.List` names them in a container's message.
const CONTAINER_RESTART_POLICIES: [&str; 3] = ["Always", "Never", "OnFailure"];

/// `ValidateDNS1123Label`: one `Invalid` per message of the name function.
fn dns1123_label(path: &str, value: &str) -> Vec<String> {
    NameRule::Dns1123Label.problems(value).iter().map(|p| invalid(path, &quoted(value), p)).collect()
}

/// `validateContainerRestartPolicy` as Kubernetes 1.37 runs it: a container's
/// own `restartPolicy` and `restartPolicyRules` (ContainerRestartRules, on by
/// default since 1.35; the RestartAllContainers action and rules on sidecars,
/// on by default since 1.36). See docs/semantics/validation.md §9.
fn restart_rules(c: &Container, path: &str, out: &mut Vec<Found>) {
    let rules = c.restart_policy_rules.as_deref().unwrap_or_default();
    let mut push = |at: String, message: String| out.push(Found::new(rule::CONTAINER_POLICY, at, message));
    let at = format!("{path}.restartPolicy");
    match c.restart_policy.as_deref() {
        None if rules.is_empty() => return,
        None => push(at.clone(), required(&at, "must specify restartPolicy when restart rules are used")),
        Some(policy) if !CONTAINER_RESTART_POLICIES.contains(&policy) => {
            push(at.clone(), not_supported(&at, &quoted(policy), &CONTAINER_RESTART_POLICIES))
        }
        Some(_) => {}
    }
    let list = format!("{path}.restartPolicyRules");
    // Upstream used field.TooLong ("bytes") for both counts until
    // kubernetes/kubernetes#137135; the list limits are item counts.
    if rules.len() > 20 {
        push(list.clone(), too_many(&list, rules.len(), 20));
    }
    for (i, rule) in rules.iter().enumerate() {
        let at = format!("{list}[{i}]");
        if !["Restart", "RestartAllContainers"].contains(&rule.action.as_str()) {
            // Upstream lists only Restart as supported, whichever it accepts.
            let action = format!("{at}.action");
            push(action.clone(), not_supported(&action, &quoted(&rule.action), &["Restart"]));
        }
        let Some(exit_codes) = &rule.exit_codes else {
            let field = format!("{at}.exitCodes");
            push(field.clone(), required(&field, "must be specified"));
            continue;
        };
        if !["In", "NotIn"].contains(&exit_codes.operator.as_str()) {
            let field = format!("{at}.exitCodes.operator");
            push(field.clone(), not_supported(&field, &quoted(&exit_codes.operator), &["In", "NotIn"]));
        }
        let values = exit_codes.values.as_deref().unwrap_or_default();
        if values.len() > 255 {
            let field = format!("{at}.exitCodes.values");
            push(field.clone(), too_many(&field, values.len(), 255));
        }
    }
}

/// `ValidatePodTemplateSpec` → `ValidatePodSpec`, the parts kubeplay checks.
/// `base` is the path of the pod spec (`spec` for a Pod, `spec.template.spec`
/// for a workload); `pod_meta` is set for a Pod and adds what only a Pod
/// gets: `validateContainerOnlyForPod` (an image is required), the names of
/// the claims its ephemeral volumes create, and the pod strategy's merge of
/// affinity `matchLabelKeys` into the selectors before validation.
pub fn pod_spec(spec: &PodSpec, base: &str, pod_meta: Option<&ObjectMeta>, out: &mut Vec<Found>) {
    let no_labels = BTreeMap::new();
    let pod_labels = pod_meta.map(|meta| meta.labels.as_ref().unwrap_or(&no_labels));
    let pod_name = pod_meta.and_then(|meta| meta.name.as_deref()).filter(|n| !n.is_empty());
    let pod = Pod {
        volumes: super::volumes::volumes(spec, base, pod_name, out),
        claims: resource_claims(spec, base, out),
        is_pod: pod_labels.is_some(),
        // hostUsers defaults to true (the pod shares the host's user namespace).
        host_users: spec.host_users != Some(false),
        // SetDefaults_PodSpec: 30 s.
        grace_period: spec.termination_grace_period_seconds.unwrap_or(30),
        restart_policy: "",
    };
    // SetDefaults_PodSpec: the restart policy defaults to Always.
    let restart_policy = spec.restart_policy.as_deref().filter(|p| !p.is_empty()).unwrap_or("Always");
    let pod = Pod { restart_policy, ..pod };
    let containers = &spec.containers;
    let init = spec.init_containers.as_deref().unwrap_or_default();
    // validateContainers then validateInitContainers: one name space for both,
    // regular containers first (an init container repeating one is the duplicate).
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for (i, c) in containers.iter().enumerate() {
        let path = format!("{base}.containers[{i}]");
        container(c, &path, &pod, out);
        if !names.insert(c.name.as_str()) {
            out.push(Found::new(
                rule::CONTAINER_NAME,
                format!("{path}.name"),
                duplicate(&format!("{path}.name"), &quoted(&c.name)),
            ));
        }
        restart_rules(c, &path, out);
    }
    for (i, c) in init.iter().enumerate() {
        let path = format!("{base}.initContainers[{i}]");
        container(c, &path, &pod, out);
        // validateInitContainerRestartPolicy: with both restart-rule gates on,
        // the same checks as a regular container's, sidecars included.
        restart_rules(c, &path, out);
        if names.contains(c.name.as_str()) {
            out.push(Found::new(
                rule::CONTAINER_NAME,
                format!("{path}.name"),
                duplicate(&format!("{path}.name"), &quoted(&c.name)),
            ));
        } else if !c.name.is_empty() {
            names.insert(c.name.as_str());
        }
        // A regular init container runs to completion before the pod is ready;
        // only a restartable one (a sidecar) may have probes or lifecycle hooks.
        if c.restart_policy.as_deref() != Some("Always") {
            for (field, set) in [
                ("lifecycle", c.lifecycle.is_some()),
                ("livenessProbe", c.liveness_probe.is_some()),
                ("readinessProbe", c.readiness_probe.is_some()),
                ("startupProbe", c.startup_probe.is_some()),
            ] {
                if set {
                    let at = format!("{path}.{field}");
                    out.push(Found::new(
                        rule::INIT_CONTAINER_PROBE,
                        at.clone(),
                        forbidden(&at, "may not be set for init containers without restartPolicy=Always"),
                    ));
                }
            }
        }
    }
    if let Some(policy) = spec.restart_policy.as_deref()
        && !RESTART_POLICIES.contains(&policy)
    {
        let at = format!("{base}.restartPolicy");
        out.push(Found::new(rule::RESTART_POLICY, at.clone(), not_supported(&at, &quoted(policy), &RESTART_POLICIES)));
    }
    // The rest in ValidatePodSpec's order.
    super::dns::dns_policy(spec, base, out);
    super::selector::labels(spec.node_selector.as_ref(), &format!("{base}.nodeSelector"), rule::NODE_SELECTOR, out);
    super::security_context::pod(spec, base, out);
    if let Some(affinity) = &spec.affinity {
        super::placement::affinity(affinity, &format!("{base}.affinity"), pod_labels, out);
    }
    super::dns::dns_config(spec, base, out);
    super::dns::readiness_gates(spec, base, out);
    if let Some(constraints) = &spec.topology_spread_constraints {
        super::placement::topology_spread_constraints(constraints, &format!("{base}.topologySpreadConstraints"), out);
    }
    super::security_context::windows_host_process(spec, base, out);
    super::security_context::host_users(spec, base, out);
    super::dns::names(spec, base, out);
    if let Some(tolerations) = &spec.tolerations {
        super::taints::tolerations(tolerations, &format!("{base}.tolerations"), out);
    }
    super::dns::host_aliases(spec, base, out);
    super::dns::priority_class_name(spec, base, out);
    pod_spec_fields(spec, base, out);
    if let Some(overhead) = &spec.overhead {
        let at = format!("{base}.overhead");
        super::resources::overhead(overhead, &at, &at, rule::CONTAINER_RESOURCE, out);
    }
    super::security_context::os(spec, base, out);
}

/// `validateContainerCommon`, then the probes and hooks (checked for every
/// container here; an init container that may not have them is refused for
/// having them by the caller).
fn container(c: &Container, path: &str, pod: &Pod, out: &mut Vec<Found>) {
    let name_path = format!("{path}.name");
    if c.name.is_empty() {
        out.push(Found::new(rule::CONTAINER_NAME, name_path.clone(), required(&name_path, "")));
    } else {
        for message in dns1123_label(&name_path, &c.name) {
            out.push(Found::new(rule::CONTAINER_NAME, name_path.clone(), message));
        }
    }
    if pod.is_pod && c.image.as_deref().unwrap_or_default().is_empty() {
        let at = format!("{path}.image");
        out.push(Found::new(rule::CONTAINER_IMAGE, at.clone(), required(&at, "")));
    }
    // Defaulted to File when empty.
    if let Some(policy) = c.termination_message_policy.as_deref().filter(|p| !p.is_empty()) {
        one_of(policy, &format!("{path}.terminationMessagePolicy"), &["File", "FallbackToLogsOnError"], out);
    }
    container_ports(c, path, out);
    super::env::env(c, path, out);
    super::volumes::mounts(c, path, &pod.volumes, out);
    super::volumes::devices(c, path, &pod.volumes, out);
    // validatePullPolicy; defaulted (Always for :latest or no tag) when empty.
    if let Some(policy) = c.image_pull_policy.as_deref().filter(|p| !p.is_empty()) {
        one_of(policy, &format!("{path}.imagePullPolicy"), &["Always", "IfNotPresent", "Never"], out);
    }
    container_resources(c, path, &pod.claims, out);
    resize_policy(c, path, pod.restart_policy, out);
    // validateContainerCommon ends with the container's security context.
    if let Some(context) = &c.security_context {
        super::security_context::container(context, path, pod.host_users, out);
    }
    for (field, probe) in [
        ("livenessProbe", &c.liveness_probe),
        ("readinessProbe", &c.readiness_probe),
        ("startupProbe", &c.startup_probe),
    ] {
        if let Some(probe) = probe {
            self::probe(probe, &format!("{path}.{field}"), field, out);
        }
    }
    if let Some(lifecycle) = &c.lifecycle {
        for (field, hook) in [("postStart", &lifecycle.post_start), ("preStop", &lifecycle.pre_stop)] {
            if let Some(hook) = hook {
                lifecycle_handler(hook, &format!("{path}.lifecycle.{field}"), pod.grace_period, out);
            }
        }
    }
}

/// `validateContainerPorts`: names are IANA service names, unique within the
/// container; containerPort required and in range; hostPort in range; protocol
/// one of SCTP, TCP, UDP (defaulted to TCP when absent).
fn container_ports(c: &Container, path: &str, out: &mut Vec<Found>) {
    let mut names = BTreeSet::new();
    for (i, port) in c.ports.iter().flatten().enumerate() {
        let at = format!("{path}.ports[{i}]");
        if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
            let name_path = format!("{at}.name");
            let problems = port_name_problems(name);
            if !problems.is_empty() {
                for problem in problems {
                    out.push(Found::new(
                        rule::CONTAINER_PORT,
                        name_path.clone(),
                        invalid(&name_path, &quoted(name), &problem),
                    ));
                }
            } else if !names.insert(name) {
                out.push(Found::new(rule::CONTAINER_PORT, name_path.clone(), duplicate(&name_path, &quoted(name))));
            }
        }
        let port_path = format!("{at}.containerPort");
        if port.container_port == 0 {
            out.push(Found::new(rule::CONTAINER_PORT, port_path.clone(), required(&port_path, "")));
        } else {
            for problem in port_num_problems(i64::from(port.container_port)) {
                out.push(Found::new(
                    rule::CONTAINER_PORT,
                    port_path.clone(),
                    invalid(&port_path, &port.container_port.to_string(), &problem),
                ));
            }
        }
        if let Some(host_port) = port.host_port.filter(|p| *p != 0) {
            let host_path = format!("{at}.hostPort");
            for problem in port_num_problems(i64::from(host_port)) {
                out.push(Found::new(
                    rule::CONTAINER_PORT,
                    host_path.clone(),
                    invalid(&host_path, &host_port.to_string(), &problem),
                ));
            }
        }
        protocol(port.protocol.as_deref(), &format!("{at}.protocol"), rule::CONTAINER_PORT, out);
    }
}

/// A port's protocol: an empty one is defaulted to TCP
/// (`SetDefaults_ContainerPort`, `SetDefaults_Service`), so only an unknown
/// value is refused.
pub(super) fn protocol(protocol: Option<&str>, at: &str, rule: &'static super::Rule, out: &mut Vec<Found>) {
    if let Some(p) = protocol.filter(|p| !p.is_empty() && !PORT_PROTOCOLS.contains(p)) {
        out.push(Found::new(rule, at.to_owned(), not_supported(at, &quoted(p), &PORT_PROTOCOLS)));
    }
}

/// `validateEnv`: a name is required and, with relaxed environment variable
/// validation (GA since 1.34), any printable ASCII but `=` (`IsRelaxedEnvVarName`).
/// `validateProbe`: exactly one handler (`validateHandler`), non-negative
/// numbers, and a successThreshold of 1 for liveness and startup probes.
fn probe(probe: &Probe, path: &str, kind: &str, out: &mut Vec<Found>) {
    let handlers = [
        ("exec", probe.exec.is_some()),
        ("httpGet", probe.http_get.is_some()),
        ("tcpSocket", probe.tcp_socket.is_some()),
        ("grpc", probe.grpc.is_some()),
    ];
    handler_count(&handlers, path, out);
    if let Some(get) = &probe.http_get {
        handler_port(&get.port, &format!("{path}.httpGet.port"), out);
    }
    if let Some(socket) = &probe.tcp_socket {
        handler_port(&socket.port, &format!("{path}.tcpSocket.port"), out);
    }
    for (field, value) in [
        ("initialDelaySeconds", probe.initial_delay_seconds),
        ("timeoutSeconds", probe.timeout_seconds),
        ("periodSeconds", probe.period_seconds),
        ("successThreshold", probe.success_threshold),
        ("failureThreshold", probe.failure_threshold),
    ] {
        let at = format!("{path}.{field}");
        if let Some(message) = nonnegative(&at, value.map(i64::from)) {
            out.push(Found::new(rule::PROBE, at, message));
        }
    }
    // SetDefaults_Probe turns a successThreshold of 0 into 1.
    if kind != "readinessProbe"
        && let Some(threshold) = probe.success_threshold.filter(|t| *t != 1 && *t != 0)
    {
        let at = format!("{path}.successThreshold");
        out.push(Found::new(rule::PROBE, at.clone(), invalid(&at, &threshold.to_string(), "must be 1")));
    }
    if kind == "readinessProbe" && probe.termination_grace_period_seconds.is_some() {
        let at = format!("{path}.terminationGracePeriodSeconds");
        out.push(Found::new(
            rule::PROBE,
            at.clone(),
            invalid(
                &at,
                &probe.termination_grace_period_seconds.unwrap_or_default().to_string(),
                "must not be set for readinessProbes",
            ),
        ));
    }
}

fn lifecycle_handler(hook: &LifecycleHandler, path: &str, grace_period: i64, out: &mut Vec<Found>) {
    let handlers = [
        ("exec", hook.exec.is_some()),
        ("httpGet", hook.http_get.is_some()),
        ("tcpSocket", hook.tcp_socket.is_some()),
        ("sleep", hook.sleep.is_some()),
    ];
    handler_count(&handlers, path, out);
    if let Some(get) = &hook.http_get {
        handler_port(&get.port, &format!("{path}.httpGet.port"), out);
    }
    // validateSleepAction, for a sleep that is the only handler: 0 up to the
    // grace period (zero allowed: PodLifecycleSleepActionAllowZero is on by
    // default since Kubernetes 1.33).
    let first = handlers.iter().find(|(_, set)| *set).map(|(field, _)| *field);
    if let (Some("sleep"), Some(sleep)) = (first, &hook.sleep)
        && !(0..=grace_period).contains(&sleep.seconds)
    {
        let at = format!("{path}.sleep");
        let detail = format!("must be non-negative and less than terminationGracePeriodSeconds ({grace_period})");
        out.push(Found::new(rule::PROBE, at.clone(), invalid(&at, &sleep.seconds.to_string(), &detail)));
    }
}

/// `validateHandler`: the second and later handler types are forbidden, none
/// at all is required.
fn handler_count(handlers: &[(&str, bool)], path: &str, out: &mut Vec<Found>) {
    let mut seen = 0;
    for (field, set) in handlers {
        if !set {
            continue;
        }
        if seen > 0 {
            let at = format!("{path}.{field}");
            out.push(Found::new(rule::PROBE, at.clone(), forbidden(&at, "may not specify more than 1 handler type")));
        }
        seen += 1;
    }
    if seen == 0 {
        out.push(Found::new(rule::PROBE, path.to_owned(), required(path, "must specify a handler type")));
    }
}

fn handler_port(port: &IntOrString, at: &str, out: &mut Vec<Found>) {
    for message in port_num_or_name(at, port) {
        out.push(Found::new(rule::PROBE, at.to_owned(), message));
    }
}

/// `ValidatePodTemplateSpecForRC` and `ValidateReplicationControllerSpec`:
/// the selector (defaulted from the template's labels when empty) must be
/// non-empty and match the template; restartPolicy Always.
pub fn replication_controller(rc: &ReplicationController, out: &mut Vec<Found>) {
    let Some(spec) = &rc.spec else { return };
    if let Some(message) = nonnegative("spec.replicas", spec.replicas.map(i64::from)) {
        out.push(Found::new(rule::NEGATIVE, "spec.replicas".into(), message));
    }
    if let Some(message) = nonnegative("spec.minReadySeconds", spec.min_ready_seconds.map(i64::from)) {
        out.push(Found::new(rule::NEGATIVE, "spec.minReadySeconds".into(), message));
    }
    let template_labels = spec.template.as_ref().and_then(|t| t.metadata.as_ref()).and_then(|m| m.labels.as_ref());
    // SetDefaults_ReplicationController: an empty selector becomes the template's labels.
    let selector = match spec.selector.as_ref().filter(|s| !s.is_empty()) {
        Some(selector) => Some(selector),
        None => template_labels,
    };
    match selector.filter(|s| !s.is_empty()) {
        None => out.push(Found::new(rule::SELECTOR_EMPTY, "spec.selector".into(), required("spec.selector", ""))),
        Some(selector) => {
            let labels = template_labels.cloned().unwrap_or_default();
            if spec.template.is_some() && !selector.iter().all(|(k, v)| labels.get(k) == Some(v)) {
                let at = "spec.template.metadata.labels";
                out.push(Found::new(
                    rule::SELECTOR_MISMATCH,
                    at.into(),
                    invalid(at, &string_map(template_labels), "`selector` does not match template `labels`"),
                ));
            }
        }
    }
    if let Some(template) = &spec.template {
        workload_template(template, "spec.template", &["Always"], out);
    }
}

/// A controller's pod template: the pod spec, then the restart policies the
/// controller allows (the default is Always).
pub fn workload_template(template: &PodTemplateSpec, path: &str, allowed: &[&str], out: &mut Vec<Found>) {
    pod_template(template, path, out);
    template_restart_policy(template, path, allowed, out);
}

/// `ValidatePodTemplateSpec`: the pod spec and its warnings, and no ephemeral
/// containers; the controller's restart policy check is the caller's.
pub fn pod_template(template: &PodTemplateSpec, path: &str, out: &mut Vec<Found>) {
    if let Some(spec) = &template.spec {
        pod_spec(spec, &format!("{path}.spec"), None, out);
        super::warnings::pod(
            spec,
            &format!("{path}.spec"),
            template.metadata.as_ref(),
            &format!("{path}.metadata"),
            true,
            out,
        );
        // ValidatePodTemplateSpec: ephemeral containers are added to running pods only.
        if spec.ephemeral_containers.as_ref().is_some_and(|e| !e.is_empty()) {
            let at = format!("{path}.spec.ephemeralContainers");
            let message = forbidden(&at, "ephemeral containers not allowed in pod template");
            out.push(Found::new(rule::POD_SPEC_FIELD, at, message));
        }
    }
}

/// The controller-specific restart policy check, made after the pod spec's own.
pub fn template_restart_policy(template: &PodTemplateSpec, path: &str, allowed: &[&str], out: &mut Vec<Found>) {
    let policy = template.spec.as_ref().and_then(|s| s.restart_policy.as_deref()).unwrap_or("Always");
    if !allowed.contains(&policy) {
        let at = format!("{path}.spec.restartPolicy");
        out.push(Found::new(rule::RESTART_POLICY, at.clone(), not_supported(&at, &quoted(policy), allowed)));
    }
}

/// `ValidateNamespace`: each of `spec.finalizers` through `validateFinalizerName`,
/// a qualified name (apimachinery `ValidateFinalizerName`) that, without a
/// `/` prefix, must be a standard finalizer (`validateKubeFinalizerName`,
/// `helper.IsStandardFinalizerName`). Every error is on `spec.finalizers`.
pub fn namespace(namespace: &Namespace, out: &mut Vec<Found>) {
    const STANDARD_FINALIZERS: [&str; 3] = ["kubernetes", "orphan", "foregroundDeletion"];
    let at = "spec.finalizers";
    let finalizers = namespace.spec.as_ref().and_then(|s| s.finalizers.as_deref()).unwrap_or_default();
    for (i, finalizer) in finalizers.iter().enumerate() {
        let place = format!("{at}[{i}]");
        for problem in qualified_name_problems(finalizer) {
            out.push(Found::new(rule::NAMESPACE_FINALIZER, place.clone(), invalid(at, &quoted(finalizer), &problem)));
        }
        if !finalizer.contains('/') && !STANDARD_FINALIZERS.contains(&finalizer.as_str()) {
            out.push(Found::new(
                rule::NAMESPACE_FINALIZER,
                place,
                invalid(at, &quoted(finalizer), "name is neither a standard finalizer name nor is it fully qualified"),
            ));
        }
    }
}

/// A value from a fixed set, else `NotSupported` listing the set.
fn one_of(value: &str, at: &str, valid: &[&str], out: &mut Vec<Found>) {
    if !valid.contains(&value) {
        out.push(Found::new(rule::CONTAINER_POLICY, at.to_owned(), not_supported(at, &quoted(value), valid)));
    }
}

/// `validateResizePolicy`: cpu or memory, each once, with NotRequired or
/// RestartContainer (only NotRequired in a pod that never restarts). Upstream
/// reports all but the duplicate on the list's own path.
fn resize_policy(c: &Container, path: &str, restart_policy: &str, out: &mut Vec<Found>) {
    const RESOURCES: [&str; 2] = ["cpu", "memory"];
    const POLICIES: [&str; 2] = ["NotRequired", "RestartContainer"];
    let at = format!("{path}.resizePolicy");
    let mut seen = BTreeSet::new();
    for (i, policy) in c.resize_policy.iter().flatten().enumerate() {
        let place = format!("{at}[{i}]");
        let mut push = |message: String| out.push(Found::new(rule::CONTAINER_POLICY, place.clone(), message));
        if !seen.insert(policy.resource_name.as_str()) {
            push(duplicate(&place, &quoted(&policy.resource_name)));
        }
        match policy.resource_name.as_str() {
            "" => push(required(&at, "")),
            name if !RESOURCES.contains(&name) => push(not_supported(&at, &quoted(name), &RESOURCES)),
            _ => {}
        }
        match policy.restart_policy.as_str() {
            "" => push(required(&at, "")),
            name if !POLICIES.contains(&name) => push(not_supported(&at, &quoted(name), &POLICIES)),
            _ => {}
        }
        if restart_policy == "Never" && policy.restart_policy != "NotRequired" {
            push(invalid(
                &at,
                &quoted(&policy.restart_policy),
                "must be 'NotRequired' when `restartPolicy` is 'Never'",
            ));
        }
    }
}

/// `ValidateContainerResourceRequirements`, the parts admission does not own
/// (it checks the values against each other, after LimitRange defaults): each
/// name a container resource (`validateContainerResourceName`), an extended
/// resource a whole number (`ValidateResourceQuantityValue`), and huge pages
/// only beside cpu or memory. Names in sorted order, limits first.
fn container_resources(c: &Container, path: &str, claims: &BTreeSet<&str>, out: &mut Vec<Found>) {
    let Some(resources) = &c.resources else { return };
    let rule = rule::CONTAINER_RESOURCE;
    let mut huge_pages = false;
    let mut cpu_or_memory = false;
    for (field, list) in [("limits", &resources.limits), ("requests", &resources.requests)] {
        for (name, quantity) in list.iter().flatten() {
            let at = format!("{path}.resources.{field}[{name}]");
            let place = format!("{path}.resources.{field}.{name}");
            for problem in super::resources::container_resource_name_problems(name) {
                out.push(Found::new(rule, place.clone(), invalid(&at, &quoted(name), &problem)));
            }
            let parsed = crate::quantity::Quantity::parse(quantity.0.trim()).ok();
            if super::resources::is_integer_resource(name)
                && let Some(q) = parsed.as_ref().filter(|q| q.milli_value().is_some_and(|m| m % 1000 != 0))
            {
                out.push(Found::new(rule, place.clone(), invalid(&at, &quoted(&q.canonical()), "must be an integer")));
            }
            // validateResourceQuantityHugePageValue: a whole number of pages
            // (IsHugePageResourceValueDivisible).
            if let Some(size) = name.strip_prefix("hugepages-")
                && let Some(q) = &parsed
            {
                let page = crate::quantity::Quantity::parse(size).ok().filter(|p| p.sign() > 0);
                let divisible = page
                    .and_then(|p| p.milli_value().filter(|m| m % 1000 == 0).and(p.value()))
                    .zip(q.value())
                    .is_some_and(|(page, value)| page != 0 && value % page == 0);
                if !divisible {
                    let detail = format!("{} is not positive integer multiple of {name}", q.canonical());
                    out.push(Found::new(rule, place.clone(), invalid(&at, &quoted(&q.canonical()), &detail)));
                }
            }
            huge_pages |= name.starts_with("hugepages-");
            cpu_or_memory |= matches!(name.as_str(), "cpu" | "memory");
        }
    }
    if huge_pages && !cpu_or_memory {
        let at = format!("{path}.resources");
        out.push(Found::new(rule, at.clone(), forbidden(&at, "HugePages require cpu or memory")));
    }
    claim_references(resources.claims.as_deref().unwrap_or_default(), &format!("{path}.resources.claims"), claims, out);
}

/// `validatePodResourceClaims`: each claim named once (a DNS label) with exactly
/// one of `resourceClaimName` and `resourceClaimTemplateName` (DNS subdomains).
/// Returns the names the containers may use.
fn resource_claims<'a>(spec: &'a PodSpec, base: &str, out: &mut Vec<Found>) -> BTreeSet<&'a str> {
    let rule = rule::CONTAINER_RESOURCE;
    let mut names = BTreeSet::new();
    for (i, claim) in spec.resource_claims.iter().flatten().enumerate() {
        let at = format!("{base}.resourceClaims[{i}]");
        let name_at = format!("{at}.name");
        if claim.name.is_empty() {
            out.push(Found::new(rule, name_at.clone(), required(&name_at, "")));
        } else if names.contains(claim.name.as_str()) {
            out.push(Found::new(rule, name_at.clone(), duplicate(&name_at, &quoted(&claim.name))));
        } else {
            for message in dns1123_label(&name_at, &claim.name) {
                out.push(Found::new(rule, name_at.clone(), message));
            }
            names.insert(claim.name.as_str());
        }
        // The internal PodResourceClaim as JSON, Go's field names.
        let optional = |v: Option<&String>| v.map_or_else(|| "null".to_owned(), |v| super::field::json_string(v));
        let value = format!(
            "{{\"Name\":{},\"ResourceClaimName\":{},\"ResourceClaimTemplateName\":{}}}",
            super::field::json_string(&claim.name),
            optional(claim.resource_claim_name.as_ref()),
            optional(claim.resource_claim_template_name.as_ref())
        );
        match (&claim.resource_claim_name, &claim.resource_claim_template_name) {
            (Some(_), Some(_)) => out.push(Found::new(
                rule,
                at.clone(),
                invalid(
                    &at,
                    &value,
                    "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified",
                ),
            )),
            (None, None) => out.push(Found::new(
                rule,
                at.clone(),
                invalid(&at, &value, "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"),
            )),
            _ => {}
        }
        for (field, name) in [
            ("resourceClaimName", &claim.resource_claim_name),
            ("resourceClaimTemplateName", &claim.resource_claim_template_name),
        ] {
            let Some(name) = name else { continue };
            let field_at = format!("{at}.{field}");
            for problem in NameRule::Dns1123Subdomain.problems(name) {
                out.push(Found::new(rule, field_at.clone(), invalid(&field_at, &quoted(name), &problem)));
            }
        }
    }
    names
}

/// `validateResourceClaimNames`: a container's `resources.claims` name claims
/// of the pod, each (with its request) once.
fn claim_references(
    references: &[k8s_openapi::api::core::v1::ResourceClaim],
    at: &str,
    claims: &BTreeSet<&str>,
    out: &mut Vec<Found>,
) {
    let rule = rule::CONTAINER_RESOURCE;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for (i, reference) in references.iter().enumerate() {
        let item_at = format!("{at}[{i}]");
        let name = reference.name.as_str();
        if name.is_empty() {
            out.push(Found::new(rule, item_at.clone(), required(&item_at, "")));
            continue;
        }
        if seen.contains(name) {
            out.push(Found::new(rule, item_at.clone(), duplicate(&item_at, &quoted(name))));
        } else {
            let request = reference.request.as_deref().unwrap_or_default();
            let mut key = name.to_owned();
            if !request.is_empty() {
                let request_at = format!("{item_at}.request");
                for message in dns1123_label(&request_at, request) {
                    out.push(Found::new(rule, request_at.clone(), message));
                }
                key = format!("{name}/{request}");
            }
            if seen.contains(&key) {
                out.push(Found::new(rule, item_at.clone(), duplicate(&item_at, &quoted(&key))));
            } else if request.is_empty() {
                // The whole claim after one of its requests: once per such request.
                let requests = seen.iter().filter(|k| k.split_once('/').is_some_and(|(n, _)| n == name)).count();
                for _ in 0..requests {
                    out.push(Found::new(rule, item_at.clone(), duplicate(&item_at, &quoted(name))));
                }
            }
            seen.insert(key);
        }
        if !claims.contains(name) {
            let names: Vec<&str> = claims.iter().copied().collect();
            let detail = if names.is_empty() {
                "must be one of the names in pod.spec.resourceClaims which is empty".to_owned()
            } else {
                format!("must be one of the names in pod.spec.resourceClaims: {}", names.join(", "))
            };
            out.push(Found::new(
                rule,
                item_at.clone(),
                format!("{}: {detail}", super::field::not_found(&item_at, &quoted(name))),
            ));
        }
    }
}

/// The rest of `ValidatePodSpec` that kubeplay checks, in its order:
/// `validatePodHostNetworkDeps` (with the host network a set hostPort must be
/// the containerPort; an unset one is defaulted to it), `validateSchedulingGates`,
/// `activeDeadlineSeconds` and `ValidatePreemptionPolicy`.
fn pod_spec_fields(spec: &PodSpec, base: &str, out: &mut Vec<Found>) {
    let rule = rule::POD_SPEC_FIELD;
    if spec.host_network == Some(true) {
        for (i, c) in spec.containers.iter().enumerate() {
            for (j, port) in c.ports.iter().flatten().enumerate() {
                let host_port = port.host_port.unwrap_or_default();
                if host_port != 0 && host_port != port.container_port {
                    let at = format!("{base}.containers[{i}].ports[{j}].hostPort");
                    let detail = "must match `containerPort` when `hostNetwork` is true";
                    out.push(Found::new(rule, at.clone(), invalid(&at, &host_port.to_string(), detail)));
                }
            }
        }
    }
    let mut gates = BTreeSet::new();
    for (i, gate) in spec.scheduling_gates.iter().flatten().enumerate() {
        let at = format!("{base}.schedulingGates[{i}]");
        for problem in qualified_name_problems(&gate.name) {
            out.push(Found::new(rule, at.clone(), invalid(&at, &quoted(&gate.name), &problem)));
        }
        if !gates.insert(gate.name.as_str()) {
            out.push(Found::new(rule, at.clone(), duplicate(&at, &quoted(&gate.name))));
        }
    }
    if let Some(deadline) = spec.active_deadline_seconds.filter(|d| !(1..=i64::from(i32::MAX)).contains(d)) {
        let at = format!("{base}.activeDeadlineSeconds");
        let detail = "must be between 1 and 2147483647, inclusive";
        out.push(Found::new(rule, at.clone(), invalid(&at, &deadline.to_string(), detail)));
    }
    if let Some(policy) = spec.preemption_policy.as_deref() {
        let at = format!("{base}.preemptionPolicy");
        match policy {
            "PreemptLowerPriority" | "Never" => {}
            "" => out.push(Found::new(rule, at.clone(), required(&at, ""))),
            other => out.push(Found::new(
                rule,
                at.clone(),
                not_supported(&at, &quoted(other), &["PreemptLowerPriority", "Never"]),
            )),
        }
    }
}

/// What `ValidatePodCreate` adds for a Pod: no ephemeral containers yet, and
/// no nodeName while scheduling gates hold the pod.
pub fn pod_create(spec: &PodSpec, out: &mut Vec<Found>) {
    if spec.ephemeral_containers.as_ref().is_some_and(|e| !e.is_empty()) {
        let at = "spec.ephemeralContainers";
        out.push(Found::new(rule::POD_SPEC_FIELD, at.into(), forbidden(at, "cannot be set on create")));
    }
    let gated = spec.scheduling_gates.as_ref().is_some_and(|g| !g.is_empty());
    if gated && spec.node_name.as_deref().is_some_and(|n| !n.is_empty()) {
        let at = "spec.nodeName";
        let message = forbidden(at, "cannot be set until all schedulingGates have been cleared");
        out.push(Found::new(rule::POD_SPEC_FIELD, at.into(), message));
    }
}

/// What a pod's containers share for their own validation.
struct Pod<'a> {
    /// The volumes without errors, which mounts and devices may name.
    volumes: BTreeMap<&'a str, &'a Volume>,
    /// The names of `spec.resourceClaims`.
    claims: BTreeSet<&'a str>,
    /// A Pod rather than a template (an image is required).
    is_pod: bool,
    host_users: bool,
    /// `terminationGracePeriodSeconds`, defaulted.
    grace_period: i64,
    /// The pod's restart policy, defaulted.
    restart_policy: &'a str,
}
