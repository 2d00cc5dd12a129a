//! Best-practice findings, each with a stable id, a severity, the ids of the
//! equivalent checks in kube-score, Polaris, kubescape and kube-linter, the exact
//! location and a fix hint as a YAML snippet. Rule sources:
//! `docs/semantics/best-practice-checks.md`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec};
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Inventory, Kind, Workload};
use crate::netpol::Engine;
use crate::netpol::policy::DefaultDeny;

/// A rule of the catalogue.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    pub severity: Severity,
    pub title: String,
    /// Equivalent check ids: `kube-score`, `polaris`, `kubescape`, `kube-linter`
    /// (absent when the tool has none).
    pub equivalents: BTreeMap<String, Vec<String>>,
}

struct RuleDef {
    id: &'static str,
    severity: Severity,
    title: &'static str,
    kube_score: &'static [&'static str],
    polaris: &'static [&'static str],
    kubescape: &'static [&'static str],
    kube_linter: &'static [&'static str],
}

const RULES: &[RuleDef] = &[
    RuleDef {
        id: "container-requests-missing",
        severity: Severity::Warning,
        title: "CPU or memory request missing",
        kube_score: &["container-resources"],
        polaris: &["cpuRequestsMissing", "memoryRequestsMissing"],
        kubescape: &["C-0268", "C-0269"],
        kube_linter: &["unset-cpu-requirements"],
    },
    RuleDef {
        id: "container-limits-missing",
        severity: Severity::Warning,
        title: "CPU or memory limit missing",
        kube_score: &["container-resources"],
        polaris: &["cpuLimitsMissing", "memoryLimitsMissing"],
        kubescape: &["C-0009", "C-0270", "C-0271"],
        kube_linter: &["unset-memory-requirements"],
    },
    RuleDef {
        id: "image-tag-unpinned",
        severity: Severity::Warning,
        title: "Image tag is `latest` or missing",
        kube_score: &["container-image-tag"],
        polaris: &["tagNotSpecified"],
        kubescape: &["C-0075"],
        kube_linter: &["latest-tag"],
    },
    RuleDef {
        id: "readiness-probe-missing",
        severity: Severity::Warning,
        title: "Readiness probe missing",
        kube_score: &["pod-probes"],
        polaris: &["readinessProbeMissing"],
        kubescape: &["C-0018"],
        kube_linter: &["no-readiness-probe"],
    },
    RuleDef {
        id: "liveness-probe-missing",
        severity: Severity::Info,
        title: "Liveness probe missing",
        kube_score: &["pod-probes"],
        polaris: &["livenessProbeMissing"],
        kubescape: &["C-0056"],
        kube_linter: &["no-liveness-probe"],
    },
    RuleDef {
        id: "root-filesystem-writable",
        severity: Severity::Warning,
        title: "Root filesystem is writable",
        kube_score: &["container-security-context-readonlyrootfilesystem"],
        polaris: &["notReadOnlyRootFilesystem"],
        kubescape: &["C-0017"],
        kube_linter: &["no-read-only-root-fs"],
    },
    RuleDef {
        id: "service-account-token-automounted",
        severity: Severity::Info,
        title: "Service-account token is mounted automatically",
        kube_score: &[],
        polaris: &["automountServiceAccountToken"],
        kubescape: &["C-0034"],
        kube_linter: &[],
    },
    RuleDef {
        id: "host-path-volume",
        severity: Severity::Error,
        title: "hostPath volume",
        kube_score: &[],
        polaris: &["hostPathSet"],
        kubescape: &["C-0048"],
        kube_linter: &["sensitive-host-mounts"],
    },
    RuleDef {
        id: "privileged-container",
        severity: Severity::Error,
        title: "Privileged container",
        kube_score: &["container-security-context-privileged"],
        polaris: &["runAsPrivileged"],
        kubescape: &["C-0057"],
        kube_linter: &["privileged-container"],
    },
    RuleDef {
        id: "privilege-escalation-allowed",
        severity: Severity::Warning,
        title: "allowPrivilegeEscalation is not false",
        kube_score: &[],
        polaris: &["privilegeEscalationAllowed"],
        kubescape: &["C-0016"],
        kube_linter: &["privilege-escalation-container"],
    },
    RuleDef {
        id: "run-as-root-allowed",
        severity: Severity::Warning,
        title: "Container may run as root",
        kube_score: &["container-security-context-user-group-id"],
        polaris: &["runAsRootAllowed"],
        kubescape: &["C-0013"],
        kube_linter: &["run-as-non-root"],
    },
    RuleDef {
        id: "capabilities-not-dropped",
        severity: Severity::Warning,
        title: "Capabilities not dropped (drop: [ALL])",
        kube_score: &[],
        polaris: &["insecureCapabilities"],
        kubescape: &["C-0046"],
        kube_linter: &["drop-net-raw-capability"],
    },
    RuleDef {
        id: "seccomp-profile-missing",
        severity: Severity::Warning,
        title: "No seccomp profile",
        kube_score: &["container-seccomp-profile"],
        polaris: &["linuxHardening"],
        kubescape: &["C-0210"],
        kube_linter: &[],
    },
    RuleDef {
        id: "host-namespace-shared",
        severity: Severity::Error,
        title: "Host network, PID or IPC namespace shared",
        kube_score: &[],
        polaris: &["hostNetworkSet", "hostPIDSet", "hostIPCSet"],
        kubescape: &["C-0041", "C-0038"],
        kube_linter: &["host-network", "host-pid", "host-ipc"],
    },
    RuleDef {
        id: "host-port",
        severity: Severity::Warning,
        title: "hostPort used",
        kube_score: &[],
        polaris: &["hostPortSet"],
        kubescape: &["C-0044"],
        kube_linter: &[],
    },
    RuleDef {
        id: "image-pull-policy-not-always",
        severity: Severity::Info,
        title: "imagePullPolicy is not Always",
        kube_score: &["container-image-pull-policy"],
        polaris: &["pullPolicyNotAlways"],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "sidecar-shared-volume-writable",
        severity: Severity::Warning,
        title: "Logging sidecar mounts the shared volume writable",
        kube_score: &[],
        polaris: &[],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "probes-identical",
        severity: Severity::Warning,
        title: "Readiness and liveness probes are identical",
        kube_score: &["pod-probes-identical"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "proc-mount-unmasked",
        severity: Severity::Error,
        title: "procMount is not Default",
        kube_score: &[],
        polaris: &["procMount"],
        kubescape: &[],
        kube_linter: &["unsafe-proc-mount"],
    },
    RuleDef {
        id: "unsafe-sysctls",
        severity: Severity::Error,
        title: "Unsafe sysctls",
        kube_score: &[],
        polaris: &[],
        kubescape: &[],
        kube_linter: &["unsafe-sysctls"],
    },
    RuleDef {
        id: "windows-host-process",
        severity: Severity::Error,
        title: "Windows HostProcess container",
        kube_score: &[],
        polaris: &["hostProcess"],
        kubescape: &["C-0202"],
        kube_linter: &[],
    },
    RuleDef {
        id: "single-replica",
        severity: Severity::Info,
        title: "Only one replica",
        kube_score: &["deployment-replicas"],
        polaris: &["deploymentMissingReplicas"],
        kubescape: &[],
        kube_linter: &["minimum-three-replicas"],
    },
    RuleDef {
        id: "pod-not-selected-by-ingress-policy",
        severity: Severity::Warning,
        title: "No NetworkPolicy isolates the pod's ingress",
        kube_score: &["pod-networkpolicy"],
        polaris: &["missingNetworkPolicy"],
        kubescape: &["C-0260"],
        kube_linter: &["non-isolated-pod"],
    },
    RuleDef {
        id: "pod-not-selected-by-egress-policy",
        severity: Severity::Info,
        title: "No NetworkPolicy isolates the pod's egress",
        kube_score: &["pod-networkpolicy"],
        polaris: &["missingNetworkPolicy"],
        kubescape: &["C-0260"],
        kube_linter: &[],
    },
    RuleDef {
        id: "namespace-without-default-deny",
        severity: Severity::Warning,
        title: "Namespace has no default-deny NetworkPolicy",
        kube_score: &[],
        polaris: &[],
        kubescape: &["C-0206"],
        kube_linter: &[],
    },
    RuleDef {
        id: "deployment-strategy-recreate",
        severity: Severity::Warning,
        title: "Deployment behind a Service does not roll out gradually",
        kube_score: &["deployment-strategy"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &[],
    },
    // Info, not kube-score's CRITICAL: every container of every example lacks it, and
    // the warnings a learner must see (security, probes, budgets) would drown.
    RuleDef {
        id: "ephemeral-storage-unset",
        severity: Severity::Info,
        title: "Ephemeral-storage request or limit missing",
        kube_score: &["container-ephemeral-storage-request-and-limit"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "requests-not-equal-limits",
        severity: Severity::Info,
        title: "Requests differ from limits",
        kube_score: &[
            "container-resource-requests-equal-limits",
            "container-cpu-requests-equal-limits",
            "container-memory-requests-equal-limits",
            "container-ephemeral-storage-request-equals-limit",
        ],
        polaris: &[],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "cronjob-starting-deadline-missing",
        severity: Severity::Warning,
        title: "CronJob has no startingDeadlineSeconds",
        kube_score: &["cronjob-has-deadline"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "host-anti-affinity-missing",
        severity: Severity::Info,
        title: "Replicas may all be scheduled on one node",
        kube_score: &["deployment-has-host-podantiaffinity", "statefulset-has-host-podantiaffinity"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &["no-anti-affinity"],
    },
    RuleDef {
        id: "pod-disruption-budget-missing",
        severity: Severity::Warning,
        title: "No PodDisruptionBudget selects the replicas",
        kube_score: &["deployment-has-poddisruptionbudget", "statefulset-has-poddisruptionbudget"],
        polaris: &["missingPodDisruptionBudget"],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "replicas-set-under-hpa",
        severity: Severity::Warning,
        title: "Deployment scaled by an HPA also sets replicas",
        kube_score: &["deployment-targeted-by-hpa-does-not-have-replicas-configured"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "statefulset-service-missing",
        severity: Severity::Warning,
        title: "StatefulSet has no headless Service for its serviceName",
        kube_score: &["statefulset-has-servicename"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "topology-spread-without-selector",
        severity: Severity::Warning,
        title: "Topology spread constraint without labelSelector",
        kube_score: &["pod-topology-spread-constraints"],
        polaris: &["topologySpreadConstraint"],
        kubescape: &[],
        kube_linter: &[],
    },
    // Findings on objects that are not workloads (`object_findings`).
    RuleDef {
        id: "service-selects-no-pod",
        severity: Severity::Warning,
        title: "Service selector matches no pod",
        kube_score: &["service-targets-pod"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &["dangling-service"],
    },
    RuleDef {
        id: "ingress-service-missing",
        severity: Severity::Warning,
        title: "Ingress backend names no Service port of the input",
        kube_score: &["ingress-targets-service"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &["dangling-ingress"],
    },
    RuleDef {
        id: "service-type-node-port",
        severity: Severity::Info,
        title: "Service of type NodePort",
        kube_score: &["service-type"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &["exposed-services"],
    },
    RuleDef {
        id: "pdb-policy-missing",
        severity: Severity::Warning,
        title: "PodDisruptionBudget sets neither minAvailable nor maxUnavailable",
        kube_score: &["poddisruptionbudget-has-policy"],
        polaris: &[],
        kubescape: &[],
        kube_linter: &[],
    },
    RuleDef {
        id: "autoscaler-min-replicas-low",
        severity: Severity::Info,
        title: "HorizontalPodAutoscaler may scale down to one replica",
        kube_score: &["horizontalpodautoscaler-replicas"],
        polaris: &["hpaMinAvailability"],
        kubescape: &[],
        kube_linter: &["hpa-minimum-three-replicas"],
    },
];

/// The rule catalogue, for SARIF `rules` and listings.
pub fn rules() -> Vec<Rule> {
    RULES
        .iter()
        .map(|r| {
            let mut equivalents = BTreeMap::new();
            for (tool, ids) in [
                ("kube-score", r.kube_score),
                ("polaris", r.polaris),
                ("kubescape", r.kubescape),
                ("kube-linter", r.kube_linter),
            ] {
                if !ids.is_empty() {
                    equivalents.insert(tool.to_owned(), ids.iter().map(|s| (*s).to_owned()).collect());
                }
            }
            Rule { id: r.id.to_owned(), severity: r.severity, title: r.title.to_owned(), equivalents }
        })
        .collect()
}

fn severity_of(id: &str) -> Severity {
    RULES.iter().find(|r| r.id == id).map_or(Severity::Warning, |r| r.severity)
}

struct Sink<'w, 'a> {
    workload: &'w Workload<'a>,
    out: Vec<Diagnostic>,
}

impl Sink<'_, '_> {
    fn push(&mut self, id: &str, path: &str, message: String, fix: &str) {
        self.push_as(severity_of(id), id, path, message, fix);
    }

    /// A finding at another severity than its rule's default.
    fn push_as(&mut self, severity: Severity, id: &str, path: &str, message: String, fix: &str) {
        let origin = &self.workload.loaded.origin;
        self.out.push(Diagnostic::at(Area::Security, origin, path, severity, id, message).with_fix(fix));
    }
}

/// Well-known log shippers: a container whose name or image mentions one of these
/// and only reads a volume another container writes is a logging sidecar.
const LOG_SHIPPERS: &[&str] =
    &["fluent", "filebeat", "promtail", "vector", "logstash", "log-forwarder", "logshipper", "log-shipper"];

fn is_log_shipper(c: &Container) -> bool {
    let name = c.name.to_lowercase();
    let image = c.image.as_deref().unwrap_or("").to_lowercase();
    LOG_SHIPPERS.iter().any(|s| name.contains(s) || image.contains(s))
}

/// `name:latest`, `name` (no tag) or a digest-less `registry:5000/name` count as unpinned.
fn image_unpinned(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        None => true,
        Some((_, tag)) => tag == "latest" || tag.is_empty(),
    }
}

/// Findings for one workload (Pod or template) of the inventory.
pub fn findings(inventory: &Inventory, network: &NetworkContext<'_>, workload: &Workload<'_>) -> Vec<Diagnostic> {
    let mut sink = Sink { workload, out: Vec::new() };
    let Some(spec) = workload.template.spec.as_ref() else {
        return sink.out;
    };
    let base = workload.pod_spec_path();
    let is_job = matches!(workload.kind, Kind::Job | Kind::CronJob);

    // One finding per shared host namespace, each at its own field.
    for (on, field, what) in [
        (spec.host_network, "hostNetwork", "network"),
        (spec.host_pid, "hostPID", "PID"),
        (spec.host_ipc, "hostIPC", "IPC"),
    ] {
        if on == Some(true) {
            sink.push(
                "host-namespace-shared",
                &format!("{base}.{field}"),
                format!("the pod shares the host's {what} namespace ({field}: true)"),
                &format!("{field}: false"),
            );
        }
    }
    for (i, v) in spec.volumes.iter().flatten().enumerate() {
        if let Some(hp) = &v.host_path {
            sink.push(
                "host-path-volume",
                &format!("{base}.volumes[{i}].hostPath"),
                format!("volume {:?} mounts the node's {} (hostPath)", v.name, hp.path),
                &format!("volumes:\n- name: {}\n  emptyDir: {{}}", v.name),
            );
        }
    }
    for (i, sysctl) in
        spec.security_context.as_ref().and_then(|sc| sc.sysctls.as_ref()).into_iter().flatten().enumerate()
    {
        if !super::pss::is_safe_sysctl(&sysctl.name, super::pss::NEWEST_POLICY_MINOR) {
            sink.push(
                "unsafe-sysctls",
                &format!("{base}.securityContext.sysctls[{i}].name"),
                format!("sysctl {:?} is not in the safe set", sysctl.name),
                "# remove the sysctl, or run the workload on nodes that allow it (kubelet --allowed-unsafe-sysctls)",
            );
        }
    }
    if spec.security_context.as_ref().and_then(|sc| sc.windows_options.as_ref()).and_then(|w| w.host_process)
        == Some(true)
    {
        sink.push(
            "windows-host-process",
            &format!("{base}.securityContext.windowsOptions.hostProcess"),
            "the pod runs as a Windows HostProcess pod with host access".to_owned(),
            "securityContext:\n  windowsOptions:\n    hostProcess: false",
        );
    }
    // The resilience analysis owns the replica predicate (disruption.md §11); an HPA whose
    // minReplicas keeps two or more replicas answers it.
    if crate::resilience::findings::is_single_replica(workload)
        && autoscaler_floor(inventory, workload).is_none_or(|min| min < 2)
    {
        sink.push(
            "single-replica",
            "spec.replicas",
            format!("{} {:?} runs a single replica: any disruption is an outage", workload.kind, workload.name),
            "replicas: 3",
        );
    }
    if spec.automount_service_account_token != Some(false) {
        let sa_name = spec.service_account_name.as_deref().unwrap_or("default");
        let sa_disables = inventory.objects.iter().any(|o| match &o.object {
            crate::model::Object::ServiceAccount(sa) => {
                o.name() == sa_name
                    && o.namespace() == Some(workload.namespace)
                    && sa.automount_service_account_token == Some(false)
            }
            _ => false,
        });
        if !sa_disables {
            sink.push(
                "service-account-token-automounted",
                &base,
                format!("the service-account token of {sa_name:?} is mounted into every container"),
                "automountServiceAccountToken: false",
            );
        }
    }
    let pod_sc = spec.security_context.as_ref();
    let pod_seccomp = pod_sc.and_then(|sc| sc.seccomp_profile.as_ref()).is_some_and(|s| s.type_ != "Unconfined");

    let services = selecting_services(inventory, workload);
    deployment_strategy(&mut sink, workload, &services);
    replicated_workload(&mut sink, inventory, workload, spec, &base);
    cronjob_deadline(&mut sink, workload);
    topology_spread(&mut sink, spec, &base);
    let lists: [(&str, &[Container]); 2] =
        [("initContainers", spec.init_containers.as_deref().unwrap_or_default()), ("containers", &spec.containers)];
    for (field, list) in lists {
        for (i, c) in list.iter().enumerate() {
            let cpath = format!("{base}.{field}[{i}]");
            let is_init = field == "initContainers";
            let sidecar = is_init && c.restart_policy.as_deref() == Some("Always");
            let context =
                ContainerContext { plain_init: is_init && !sidecar, is_job, pod_seccomp, services: &services };
            container_findings(&mut sink, spec, c, &cpath, &context);
        }
    }
    sidecar_writable_mounts(&mut sink, spec, &base);
    network_policy_coverage(&mut sink, network, workload);
    sink.out
}

/// The lowest replica count an HPA of the workload's namespace keeps it at
/// (`minReplicas`, default 1), if one targets it: the HPA controller scales
/// the target up to that floor whatever `spec.replicas` says.
fn autoscaler_floor(inventory: &Inventory, workload: &Workload<'_>) -> Option<i32> {
    inventory
        .objects
        .iter()
        .filter(|o| o.namespace() == Some(workload.namespace))
        .filter_map(|o| match &o.object {
            crate::model::Object::HorizontalPodAutoscaler(hpa) => Some(&hpa.spec),
            _ => None,
        })
        .filter(|spec| {
            spec.scale_target_ref.kind == workload.kind.as_str() && spec.scale_target_ref.name == workload.name
        })
        .map(|spec| spec.min_replicas.unwrap_or(1))
        .max()
}

/// The pull policy the API server gives a container that sets none
/// (`SetDefaults_Container`, pkg/apis/core/v1/defaults.go): Always when the
/// image's tag is `latest` — which an image without tag or digest is
/// (`parsers.ParseImageName`) —, IfNotPresent otherwise.
fn effective_pull_policy(c: &Container) -> &str {
    if let Some(policy) = c.image_pull_policy.as_deref().filter(|p| !p.is_empty()) {
        return policy;
    }
    let image = c.image.as_deref().unwrap_or_default();
    let (name, digest) = match image.split_once('@') {
        Some((name, _)) => (name, true),
        None => (image, false),
    };
    let last = name.rsplit('/').next().unwrap_or(name);
    let tag = last.rsplit_once(':').map(|(_, tag)| tag);
    match tag {
        Some("latest") => "Always",
        None if !digest => "Always",
        _ => "IfNotPresent",
    }
}

/// The Services of the workload's namespace whose selector matches its pod labels
/// (a Service without a selector selects no pods).
fn selecting_services<'i>(inventory: &'i Inventory, workload: &Workload<'_>) -> Vec<&'i str> {
    let labels = workload.template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
    inventory
        .services()
        .filter(|(loaded, _)| loaded.namespace() == Some(workload.namespace))
        .filter(|(_, service)| crate::netpol::service::selects_pods(service, &labels))
        .map(|(loaded, _)| loaded.name())
        .collect()
}

/// kube-score's `deployment-strategy`: a Deployment that a Service sends
/// traffic to and replaces its pods with `Recreate` (all old pods stopped
/// before any new one starts) drops that traffic during every rollout. Which
/// Services select the pods is decided as the API server does (a Service
/// without a selector selects none), where kube-score counts an empty selector
/// as matching.
fn deployment_strategy(sink: &mut Sink<'_, '_>, workload: &Workload<'_>, services: &[&str]) {
    let crate::model::Object::Deployment(deployment) = &workload.loaded.object else { return };
    let strategy = deployment.spec.strategy.as_ref().and_then(|s| s.type_.as_deref()).unwrap_or("RollingUpdate");
    let Some(service) = services.first() else { return };
    if strategy != "RollingUpdate" {
        sink.push(
            "deployment-strategy-recreate",
            "spec.strategy.type",
            format!(
                "Deployment {:?} uses the {strategy} strategy while Service {service:?} sends it traffic: every rollout stops all pods before new ones start",
                workload.name
            ),
            "strategy:\n  type: RollingUpdate\n  rollingUpdate:\n    maxUnavailable: 0\n    maxSurge: 1",
        );
    }
}

/// The node, zone and region topology keys kube-score accepts as spreading
/// replicas apart (`hasPodAntiAffinity`, score/apps/apps.go).
const SPREADING_TOPOLOGY_KEYS: [&str; 3] =
    ["kubernetes.io/hostname", "topology.kubernetes.io/region", "topology.kubernetes.io/zone"];

/// kube-score's Deployment and StatefulSet checks: host anti-affinity, a
/// PodDisruptionBudget, a static `replicas` under an HPA, and the StatefulSet's
/// headless Service (score/apps/apps.go, score/disruptionbudget). kube-score
/// evaluates a workload without `replicas` as replicated; the API server
/// defaults it to 1, so kubeplay evaluates only workloads that run two or more
/// replicas, by `spec.replicas` or an HPA's `minReplicas`.
fn replicated_workload(
    sink: &mut Sink<'_, '_>,
    inventory: &Inventory,
    workload: &Workload<'_>,
    spec: &PodSpec,
    base: &str,
) {
    use crate::model::Object;
    if !matches!(workload.kind, Kind::Deployment | Kind::StatefulSet) {
        return;
    }
    let kind = workload.kind.as_str();
    let name = workload.name;
    let floor = autoscaler_floor(inventory, workload);
    if let Object::Deployment(deployment) = &workload.loaded.object
        && floor.is_some()
        && let Some(replicas) = deployment.spec.replicas
    {
        sink.push(
            "replicas-set-under-hpa",
            "spec.replicas",
            format!(
                "Deployment {name:?} is scaled by a HorizontalPodAutoscaler but sets replicas: {replicas}: every apply resets it to {replicas} until the HPA scales it again"
            ),
            "# remove spec.replicas: the HorizontalPodAutoscaler owns the replica count",
        );
    }
    let replicated = workload.replicas.is_some_and(|r| r >= 2) || floor.is_some_and(|min| min >= 2);
    let labels = workload.template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
    if replicated {
        let spreads = spec.affinity.as_ref().and_then(|a| a.pod_anti_affinity.as_ref()).is_some_and(|anti| {
            let required = anti.required_during_scheduling_ignored_during_execution.iter().flatten();
            let preferred = anti
                .preferred_during_scheduling_ignored_during_execution
                .iter()
                .flatten()
                .map(|w| &w.pod_affinity_term);
            required.chain(preferred).any(|term| {
                SPREADING_TOPOLOGY_KEYS.contains(&term.topology_key.as_str())
                    && term
                        .label_selector
                        .as_ref()
                        .and_then(|s| crate::netpol::selector::Selector::compile(s).ok())
                        .is_some_and(|s| s.matches(&labels))
            })
        });
        if !spreads {
            let selector = labels.iter().map(|(k, v)| format!("          {k}: {v}")).collect::<Vec<_>>().join("\n");
            sink.push(
                "host-anti-affinity-missing",
                &format!("{base}.affinity"),
                format!(
                    "{kind} {name:?} runs several replicas but no podAntiAffinity term selecting its own pods keeps them on different nodes: one node failure can take them all"
                ),
                &format!(
                    "affinity:\n  podAntiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n    - weight: 100\n      podAffinityTerm:\n        topologyKey: kubernetes.io/hostname\n        labelSelector:\n          matchLabels:\n{}",
                    selector.replace("          ", "            ")
                ),
            );
        }
        if crate::resilience::pdb::budgets_selecting(inventory, workload.namespace, &labels).is_empty() {
            sink.push(
                "pod-disruption-budget-missing",
                "metadata.name",
                format!(
                    "no PodDisruptionBudget in namespace {:?} selects the pods of {kind} {name:?}: a node drain may evict all its replicas at once",
                    workload.namespace
                ),
                &format!(
                    "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: {name}\nspec:\n  maxUnavailable: 1\n  selector:\n    matchLabels:\n{}",
                    labels.iter().map(|(k, v)| format!("      {k}: {v}")).collect::<Vec<_>>().join("\n")
                ),
            );
        }
    }
    if let Object::StatefulSet(statefulset) = &workload.loaded.object {
        let service_name = statefulset.spec.service_name.as_deref().unwrap_or_default();
        let headless = inventory.services().any(|(loaded, service)| {
            loaded.namespace() == Some(workload.namespace)
                && loaded.name() == service_name
                && service.spec.as_ref().and_then(|s| s.cluster_ip.as_deref()) == Some("None")
                && crate::netpol::service::selects_pods(service, &labels)
        });
        if !headless {
            sink.push(
                "statefulset-service-missing",
                "spec.serviceName",
                if service_name.is_empty() {
                    format!(
                        "StatefulSet {name:?} sets no spec.serviceName: its pods get no stable DNS names (name a headless Service, clusterIP: None, that selects them)"
                    )
                } else {
                    format!(
                        "StatefulSet {name:?}: the input has no headless Service (clusterIP: None) named {service_name:?} selecting its pods, without which they get no stable DNS names"
                    )
                },
                &format!(
                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: {}\nspec:\n  clusterIP: None\n  selector:\n{}",
                    if service_name.is_empty() { name } else { service_name },
                    labels.iter().map(|(k, v)| format!("    {k}: {v}")).collect::<Vec<_>>().join("\n")
                ),
            );
        }
    }
}

/// kube-score's `cronjob-has-deadline` (score/cronjob/cronjob.go): without
/// `startingDeadlineSeconds`, a scheduled run that could not start on time
/// (the controller was down, or `concurrencyPolicy: Forbid` held it back) is
/// started however late it is (pkg/controller/cronjob/utils.go,
/// `mostRecentScheduleTime`). (`cronjob-restartpolicy` is the API-server
/// refusal `restart-policy-unsupported`: a Job template's restartPolicy must
/// be OnFailure or Never.)
fn cronjob_deadline(sink: &mut Sink<'_, '_>, workload: &Workload<'_>) {
    let crate::model::Object::CronJob(cronjob) = &workload.loaded.object else { return };
    if cronjob.spec.starting_deadline_seconds.is_none() {
        sink.push(
            "cronjob-starting-deadline-missing",
            "spec",
            format!(
                "CronJob {:?} sets no startingDeadlineSeconds: a run that could not start on time is started however late it is",
                workload.name
            ),
            "startingDeadlineSeconds: 200",
        );
    }
}

/// kube-score's `pod-topology-spread-constraints` (score/podtopologyspreadconstraints):
/// a constraint without `labelSelector` counts no pods in any domain, so it
/// spreads nothing. kube-score's other conditions (maxSkew or minDomains 0, no
/// topologyKey, an unknown whenUnsatisfiable) are refusals of the API server,
/// reported by input validation.
fn topology_spread(sink: &mut Sink<'_, '_>, spec: &PodSpec, base: &str) {
    for (i, constraint) in spec.topology_spread_constraints.iter().flatten().enumerate() {
        if constraint.label_selector.is_none() {
            sink.push(
                "topology-spread-without-selector",
                &format!("{base}.topologySpreadConstraints[{i}]"),
                format!(
                    "topology spread constraint {i} ({}) has no labelSelector: it counts no pods, so it spreads nothing",
                    constraint.topology_key
                ),
                "labelSelector:\n  matchLabels:\n    app: <the pod's app label>",
            );
        }
    }
}

/// What a container's findings depend on beyond the container itself.
struct ContainerContext<'s> {
    /// An init container that runs to completion (not a native sidecar).
    plain_init: bool,
    is_job: bool,
    pod_seccomp: bool,
    /// Services selecting the pod.
    services: &'s [&'s str],
}

fn container_findings(
    sink: &mut Sink<'_, '_>,
    spec: &PodSpec,
    c: &Container,
    cpath: &str,
    context: &ContainerContext<'_>,
) {
    let ContainerContext { plain_init, is_job, pod_seccomp, services } = *context;
    // A pod is Ready only when every container (and sidecar) is: another
    // container's readiness probe already holds the whole pod back from its
    // Services until that container is ready.
    let ready_sibling = spec
        .containers
        .iter()
        .chain(spec.init_containers.iter().flatten().filter(|s| s.restart_policy.as_deref() == Some("Always")))
        .find(|other| other.name != c.name && other.readiness_probe.is_some())
        .map(|other| other.name.as_str());
    let name = &c.name;
    let sc = c.security_context.as_ref();
    let pod_sc = spec.security_context.as_ref();
    let resources = c.resources.as_ref();
    let has = |map: Option<&BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>>, key: &str| {
        map.is_some_and(|m| m.contains_key(key))
    };
    let requests = resources.and_then(|r| r.requests.as_ref());
    let limits = resources.and_then(|r| r.limits.as_ref());
    let missing_requests: Vec<&str> =
        ["cpu", "memory"].into_iter().filter(|k| !has(requests, k) && !has(limits, k)).collect();
    if !missing_requests.is_empty() {
        sink.push(
            "container-requests-missing",
            &format!("{cpath}.resources"),
            format!("container {name:?} has no {} request", missing_requests.join(" or ")),
            "resources:\n  requests:\n    cpu: 100m\n    memory: 128Mi",
        );
    }
    let missing_limits: Vec<&str> = ["cpu", "memory"].into_iter().filter(|k| !has(limits, k)).collect();
    if !missing_limits.is_empty() {
        sink.push(
            "container-limits-missing",
            &format!("{cpath}.resources"),
            format!("container {name:?} has no {} limit", missing_limits.join(" or ")),
            "resources:\n  limits:\n    memory: 256Mi",
        );
    }
    ephemeral_storage(sink, c, cpath, requests, limits);
    let image = c.image.as_deref().unwrap_or("");
    if image_unpinned(image) {
        sink.push(
            "image-tag-unpinned",
            &format!("{cpath}.image"),
            format!("container {name:?} uses image {image:?} without a fixed tag"),
            &format!(
                "image: {}:1.2.3  # or pin a digest: @sha256:…",
                image.rsplit_once(':').filter(|(_, t)| !t.contains('/')).map_or(image, |(n, _)| n)
            ),
        );
    }
    let pull_policy = effective_pull_policy(c);
    if pull_policy != "Always" {
        let message = if c.image_pull_policy.as_deref().is_some_and(|p| !p.is_empty()) {
            format!("container {name:?} sets imagePullPolicy: {pull_policy}, not Always")
        } else {
            format!(
                "container {name:?} gets imagePullPolicy: IfNotPresent from the API server (its image has a tag other than latest or a digest), not Always"
            )
        };
        sink.push(
            "image-pull-policy-not-always",
            &format!("{cpath}.imagePullPolicy"),
            message,
            "imagePullPolicy: Always",
        );
    }
    if !plain_init && !is_job {
        // A readiness probe decides whether a Service sends the pod traffic, so it
        // matters only behind one: kube-score's pod-probes skips pods no Service
        // selects; Polaris, kubescape and kube-linter flag them anyway (kept as info).
        if c.readiness_probe.is_none() {
            let fix = "readinessProbe:\n  httpGet:\n    path: /ready\n    port: 8080";
            match (services.first(), ready_sibling) {
                (Some(service), Some(sibling)) => sink.push_as(
                    Severity::Info,
                    "readiness-probe-missing",
                    cpath,
                    format!(
                        "container {name:?} has no readiness probe; container {sibling:?}'s readiness probe already keeps the pod out of Service {service:?} until {sibling:?} is ready (this container counts as ready once it runs)"
                    ),
                    fix,
                ),
                (Some(service), None) => sink.push(
                    "readiness-probe-missing",
                    cpath,
                    format!(
                        "container {name:?} has no readiness probe: Service {service:?} sends it traffic before it is ready"
                    ),
                    fix,
                ),
                (None, _) => sink.push_as(
                    Severity::Info,
                    "readiness-probe-missing",
                    cpath,
                    format!(
                        "container {name:?} has no readiness probe; no Service selects this pod, so it gets no traffic to hold back (kube-score skips the check)"
                    ),
                    fix,
                ),
            }
        }
        if c.liveness_probe.is_none() {
            sink.push(
                "liveness-probe-missing",
                cpath,
                format!("container {name:?} has no liveness probe"),
                "livenessProbe:\n  httpGet:\n    path: /healthz\n    port: 8080",
            );
        }
    }
    if sc.and_then(|s| s.read_only_root_filesystem) != Some(true) {
        sink.push(
            "root-filesystem-writable",
            &format!("{cpath}.securityContext.readOnlyRootFilesystem"),
            format!("container {name:?} can write to its root filesystem"),
            "securityContext:\n  readOnlyRootFilesystem: true",
        );
    }
    if sc.and_then(|s| s.privileged) == Some(true) {
        sink.push(
            "privileged-container",
            &format!("{cpath}.securityContext.privileged"),
            format!("container {name:?} runs privileged"),
            "securityContext:\n  privileged: false",
        );
    }
    if sc.and_then(|s| s.allow_privilege_escalation) != Some(false) {
        sink.push(
            "privilege-escalation-allowed",
            &format!("{cpath}.securityContext.allowPrivilegeEscalation"),
            format!("container {name:?} does not set allowPrivilegeEscalation: false"),
            "securityContext:\n  allowPrivilegeEscalation: false",
        );
    }
    // Polaris runAsRootAllowed: runAsNonRoot true or runAsUser ≥ 1, container over pod.
    let non_root = sc.and_then(|s| s.run_as_non_root).or(pod_sc.and_then(|s| s.run_as_non_root));
    let user = sc.and_then(|s| s.run_as_user).or(pod_sc.and_then(|s| s.run_as_user));
    if non_root != Some(true) && user.is_none_or(|u| u <= 0) {
        sink.push(
            "run-as-root-allowed",
            &format!("{cpath}.securityContext.runAsNonRoot"),
            format!("container {name:?} may run as root"),
            "securityContext:\n  runAsNonRoot: true\n  runAsUser: 10001",
        );
    }
    if !sc.and_then(|s| s.capabilities.as_ref()).is_some_and(|caps| caps.drop.iter().flatten().any(|d| d == "ALL")) {
        sink.push(
            "capabilities-not-dropped",
            &format!("{cpath}.securityContext.capabilities.drop"),
            format!("container {name:?} keeps the default Linux capabilities"),
            "securityContext:\n  capabilities:\n    drop: [\"ALL\"]",
        );
    }
    let container_seccomp = sc.and_then(|s| s.seccomp_profile.as_ref()).is_some_and(|s| s.type_ != "Unconfined");
    if !pod_seccomp && !container_seccomp {
        sink.push(
            "seccomp-profile-missing",
            &format!("{cpath}.securityContext.seccompProfile"),
            format!(
                "container {name:?} has no seccomp profile (only the seccompProfile field counts; the alpha annotations are ignored since v1.27)"
            ),
            "securityContext:\n  seccompProfile:\n    type: RuntimeDefault",
        );
    }
    if let (Some(readiness), Some(liveness)) = (&c.readiness_probe, &c.liveness_probe)
        && readiness == liveness
    {
        sink.push(
            "probes-identical",
            &format!("{cpath}.livenessProbe"),
            format!("container {name:?} uses the same probe for readiness and liveness: a slow dependency restarts it instead of taking it out of rotation"),
            "livenessProbe:\n  httpGet:\n    path: /healthz  # cheaper than readiness, no dependency checks\n    port: 8080\n  failureThreshold: 6",
        );
    }
    if let Some(pm) = sc.and_then(|s| s.proc_mount.as_deref()).filter(|pm| *pm != "Default") {
        sink.push(
            "proc-mount-unmasked",
            &format!("{cpath}.securityContext.procMount"),
            format!("container {name:?} sets procMount {pm:?}: /proc is not masked"),
            "securityContext:\n  procMount: Default",
        );
    }
    if sc.and_then(|s| s.windows_options.as_ref()).and_then(|w| w.host_process) == Some(true) {
        sink.push(
            "windows-host-process",
            &format!("{cpath}.securityContext.windowsOptions.hostProcess"),
            format!("container {name:?} runs as a Windows HostProcess container"),
            "securityContext:\n  windowsOptions:\n    hostProcess: false",
        );
    }
    for (i, p) in c.ports.iter().flatten().enumerate() {
        if let Some(hp) = p.host_port.filter(|&hp| hp != 0) {
            sink.push(
                "host-port",
                &format!("{cpath}.ports[{i}].hostPort"),
                format!("container {name:?} binds host port {hp}"),
                &format!(
                    "ports:\n- containerPort: {}  # expose it through a Service instead of hostPort",
                    p.container_port
                ),
            );
        }
    }
}

/// A log shipper that mounts, writable, a volume another container also mounts:
/// it only needs to read what the application writes.
type ResourceMap = BTreeMap<String, k8s_openapi::apimachinery::pkg::api::resource::Quantity>;

/// kube-score's `container-ephemeral-storage-request-and-limit` (critical
/// without a limit, warning without a request: a warning here) and its optional
/// requests-equal-limits checks (score/container/container.go). kube-score
/// reads the written requests; the API server copies a limit into a missing
/// request (`SetDefaults_ResourceList`), so kubeplay compares the request the
/// container gets, and a limit alone never differs from it.
fn ephemeral_storage(
    sink: &mut Sink<'_, '_>,
    c: &Container,
    cpath: &str,
    requests: Option<&ResourceMap>,
    limits: Option<&ResourceMap>,
) {
    const EPHEMERAL: &str = "ephemeral-storage";
    let name = &c.name;
    let get = |map: Option<&ResourceMap>, key: &str| {
        map.and_then(|m| m.get(key)).and_then(|q| crate::quantity::Quantity::parse(&q.0).ok())
    };
    let limit = get(limits, EPHEMERAL);
    let request = get(requests, EPHEMERAL).or_else(|| limit.clone());
    // A limit alone is never short of a request: the API server copies it.
    if limit.is_none() {
        let missing = if request.is_none() { "request or limit" } else { "limit" };
        sink.push(
            "ephemeral-storage-unset",
            &format!("{cpath}.resources"),
            format!("container {name:?} has no ephemeral-storage {missing}: its logs and writable layer can fill the node's disk"),
            "resources:\n  requests:\n    ephemeral-storage: 1Gi\n  limits:\n    ephemeral-storage: 2Gi",
        );
    }
    let differing: Vec<String> = ["cpu", "memory", EPHEMERAL]
        .into_iter()
        .filter_map(|key| {
            let limit = get(limits, key);
            let request = get(requests, key).or_else(|| limit.clone());
            match (&request, &limit) {
                (None, None) => None,
                (Some(r), Some(l)) if r == l => None,
                _ => Some(format!(
                    "{key} request {} against limit {}",
                    request.as_ref().map_or_else(|| "none".to_owned(), |q| q.to_string()),
                    limit.as_ref().map_or_else(|| "none".to_owned(), |q| q.to_string())
                )),
            }
        })
        .collect();
    if !differing.is_empty() {
        // The fix keeps the container's own sizes: each request becomes its
        // limit, and a request without a limit becomes the limit too.
        let (mut requests_fix, mut limits_fix) = (String::new(), String::new());
        for key in ["cpu", "memory", EPHEMERAL] {
            if let Some(size) = get(limits, key).or_else(|| get(requests, key)) {
                requests_fix.push_str(&format!("\n    {key}: {size}"));
                limits_fix.push_str(&format!("\n    {key}: {size}"));
            }
        }
        sink.push(
            "requests-not-equal-limits",
            &format!("{cpath}.resources"),
            format!(
                "container {name:?}: {}; the pod is not Guaranteed and may use more than it reserved when the node is busy",
                differing.join(", ")
            ),
            &format!("resources:\n  requests:{requests_fix}\n  limits:{limits_fix}"),
        );
    }
}

fn sidecar_writable_mounts(sink: &mut Sink<'_, '_>, spec: &PodSpec, base: &str) {
    let mut all: Vec<(String, &Container)> = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        if c.restart_policy.as_deref() == Some("Always") {
            all.push((format!("{base}.initContainers[{i}]"), c));
        }
    }
    for (i, c) in spec.containers.iter().enumerate() {
        all.push((format!("{base}.containers[{i}]"), c));
    }
    for (path, c) in &all {
        if !is_log_shipper(c) {
            continue;
        }
        for (m, mount) in c.volume_mounts.iter().flatten().enumerate() {
            if mount.read_only == Some(true) {
                continue;
            }
            let shared_with: Vec<&str> = all
                .iter()
                .filter(|(_, other)| other.name != c.name)
                .filter(|(_, other)| other.volume_mounts.iter().flatten().any(|om| om.name == mount.name))
                .map(|(_, other)| other.name.as_str())
                .collect();
            if shared_with.is_empty() {
                continue;
            }
            sink.push(
                "sidecar-shared-volume-writable",
                &format!("{path}.volumeMounts[{m}]"),
                format!(
                    "log sidecar {:?} mounts volume {:?} (written by {}) writable; it only needs to read it",
                    c.name,
                    mount.name,
                    shared_with.iter().map(|n| format!("{n:?}")).collect::<Vec<_>>().join(", ")
                ),
                &format!("volumeMounts:\n- name: {}\n  mountPath: {}\n  readOnly: true", mount.name, mount.mount_path),
            );
        }
    }
}

// ---------------------------------------------------------------------------
// NetworkPolicy coverage, as the netpol engine decides it: only valid policies
// count, selectors and `policyTypes` defaulting are the engine's.

/// What the NetworkPolicy findings read from the netpol engine, gathered once
/// per analysis.
pub struct NetworkContext<'e> {
    engine: &'e Engine,
    default_deny: BTreeMap<&'e str, DefaultDeny>,
}

impl<'e> NetworkContext<'e> {
    pub fn new(engine: &'e Engine) -> Self {
        NetworkContext { engine, default_deny: engine.default_deny_by_namespace() }
    }
}

fn network_policy_coverage(sink: &mut Sink<'_, '_>, network: &NetworkContext<'_>, workload: &Workload<'_>) {
    // A Pod in phase Succeeded or Failed is no endpoint of the engine: it takes
    // no part in traffic (netpol.md §36), so what isolates it does not matter.
    let Some(endpoint) = network.engine.endpoint_index(&workload.loaded.id()) else {
        return;
    };
    let isolation = network.engine.isolation(endpoint);
    let host_network = network.engine.endpoints.get(endpoint).is_some_and(|e| e.host_network);
    let default_deny = network.default_deny.get(workload.namespace).copied().unwrap_or_default();
    let meta_path = if workload.template_path.is_empty() {
        "metadata".to_owned()
    } else {
        format!("{}.metadata", workload.template_path)
    };
    for (isolated, id, direction, traffic, policy_type) in [
        (isolation.ingress, "pod-not-selected-by-ingress-policy", "ingress", "inbound", "Ingress"),
        (isolation.egress, "pod-not-selected-by-egress-policy", "egress", "outbound", "Egress"),
    ] {
        if isolated {
            continue;
        }
        // No selector matches a pod on the host's network, so no policy isolates it (netpol.md §35).
        let message = if host_network {
            format!(
                "the pods use the host's network, which no NetworkPolicy isolates: all {traffic} traffic is allowed"
            )
        } else {
            format!(
                "no NetworkPolicy in namespace {:?} selects these pods for {direction}: all {traffic} traffic is allowed",
                workload.namespace
            )
        };
        sink.push(
            id,
            &format!("{meta_path}.labels"),
            message,
            &format!(
                "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny-{direction}\nspec:\n  podSelector: {{}}\n  policyTypes: [{policy_type}]"
            ),
        );
    }
    if !default_deny.ingress {
        sink.push(
            "namespace-without-default-deny",
            "metadata",
            format!("namespace {:?} has no default-deny ingress NetworkPolicy (empty podSelector, no ingress rules)", workload.namespace),
            "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress, Egress]",
        );
    }
}

// ---------------------------------------------------------------------------
// Findings on objects that are not workloads: Services, PodDisruptionBudgets
// and HorizontalPodAutoscalers (kube-score's service, disruptionbudget and hpa
// checks). A NetworkPolicy that selects no pod is the netpol lint's
// `netpol-selects-nothing`, an HPA whose target is missing the scaling lab's
// `hpa-target-missing`, each said once, where its analysis lives.

/// The best-practice findings of one object that is not a workload.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ObjectFindings {
    /// `ns/name[Kind]`.
    pub id: String,
    pub kind: Kind,
    #[serde(with = "crate::render::contract::practice_findings")]
    #[cfg_attr(feature = "ts", ts(as = "Vec<crate::render::contract::practice_findings::Contract<'static>>"))]
    pub findings: Vec<Diagnostic>,
}

/// A finding about `loaded` at `path`, at its rule's severity.
fn object_finding(loaded: &crate::model::Loaded, id: &str, path: &str, message: String, fix: &str) -> Diagnostic {
    Diagnostic::at(Area::Security, &loaded.origin, path, severity_of(id), id, message).with_fix(fix)
}

/// Findings for every Service, Ingress, PodDisruptionBudget and
/// HorizontalPodAutoscaler of the inventory, in input order (objects without
/// findings are left out).
pub fn object_findings(inventory: &Inventory, network: &NetworkContext<'_>) -> Vec<ObjectFindings> {
    use crate::model::Object;
    let services = crate::pods::Services::of(inventory);
    let mut out = Vec::new();
    for loaded in &inventory.objects {
        let findings = match &loaded.object {
            Object::Service(service) => service_findings(loaded, service, network),
            Object::Ingress(ingress) => ingress_findings(loaded, ingress, &services),
            Object::PodDisruptionBudget(pdb) => pdb_findings(loaded, pdb),
            Object::HorizontalPodAutoscaler(hpa) => autoscaler_findings(loaded, hpa),
            _ => continue,
        };
        if !findings.is_empty() {
            out.push(ObjectFindings { id: loaded.id(), kind: loaded.kind(), findings });
        }
    }
    out
}

/// kube-score's `service-targets-pod` and `service-type` (score/service/service.go).
/// Which pods a Service selects is the NetworkPolicy engine's view of the
/// input (every Pod that takes part in traffic and one representative per
/// workload template), matched as the endpoints controller does
/// (`netpol::service::selects_pods`): a Service without a selector selects no
/// pods on purpose (its endpoints are written by hand), so it is not flagged,
/// where kube-score reads the empty selector as matching every pod of the
/// namespace. As with `netpol-selects-nothing`, an input without any pod or
/// workload gets no finding: it shows only part of the cluster.
fn service_findings(
    loaded: &crate::model::Loaded,
    service: &k8s_openapi::api::core::v1::Service,
    network: &NetworkContext<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let spec = service.spec.as_ref();
    let service_type = spec.and_then(|s| s.type_.as_deref()).unwrap_or("ClusterIP");
    let namespace = loaded.namespace().unwrap_or(crate::model::DEFAULT_NAMESPACE);
    let selector = spec.and_then(|s| s.selector.as_ref()).filter(|s| !s.is_empty());
    if let Some(selector) = selector
        && service_type != "ExternalName"
        && !network.engine.endpoints.is_empty()
        && !network
            .engine
            .endpoints
            .iter()
            .any(|e| e.namespace == namespace && crate::netpol::service::selects_pods(service, &e.labels))
    {
        let pairs = selector.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",");
        out.push(object_finding(
            loaded,
            "service-selects-no-pod",
            "spec.selector",
            format!(
                "Service {:?} selects no pod: nothing in namespace {namespace:?} carries the labels {pairs}, so it has no endpoints and connections to it fail",
                loaded.name()
            ),
            "# make spec.selector match the labels of the pod template it serves:\nselector:\n  app: <the pods' app label>",
        ));
    }
    if service_type == "NodePort" {
        out.push(object_finding(
            loaded,
            "service-type-node-port",
            "spec.type",
            format!(
                "Service {:?} is of type NodePort: every node opens its port to whoever can reach a node, and with the default externalTrafficPolicy: Cluster the pods see a node's address instead of the client's, so NetworkPolicies cannot tell clients apart",
                loaded.name()
            ),
            "type: ClusterIP  # and expose it through an Ingress or a LoadBalancer Service",
        ));
    }
    out
}

/// kube-linter's `dangling-ingress` (templates/danglingingress): every Service
/// backend, the default one and each path's, names a Service of the
/// Ingress's namespace with a port of that number, or a port of that name.
/// kube-score's `ingress-targets-service` (score/ingress/ingress.go) checks
/// the paths only, and counts a port named by number as found whenever the
/// Service has an unnamed port (its name comparison runs when the numbers
/// differ); kubeplay follows kube-linter's exact comparison. Resource
/// backends are not Services and are not checked. As with
/// `service-selects-no-pod`, an input without any Service gets no finding:
/// it shows only part of the cluster.
fn ingress_findings(
    loaded: &crate::model::Loaded,
    ingress: &k8s_openapi::api::networking::v1::Ingress,
    services: &crate::pods::Services<'_>,
) -> Vec<Diagnostic> {
    if services.is_empty() {
        return Vec::new();
    }
    let Some(spec) = &ingress.spec else { return Vec::new() };
    // Each backend with where it is and the requests it serves.
    let paths = spec.rules.iter().flatten().enumerate().flat_map(|(i, rule)| {
        let host = rule.host.as_deref().unwrap_or_default();
        rule.http.iter().flat_map(move |http| {
            http.paths.iter().enumerate().map(move |(j, path)| {
                let route = format!("{host}{}", path.path.as_deref().unwrap_or("/"));
                (format!("spec.rules[{i}].http.paths[{j}].backend"), format!("requests for {route:?}"), &path.backend)
            })
        })
    });
    let backends = spec
        .default_backend
        .iter()
        .map(|b| ("spec.defaultBackend".to_owned(), "requests no rule matches".to_owned(), b))
        .chain(paths);
    let namespace = loaded.namespace().unwrap_or(crate::model::DEFAULT_NAMESPACE);
    let mut out = Vec::new();
    for (at, requests, backend) in backends {
        let Some(wanted) = &backend.service else { continue };
        let port = wanted.port.as_ref();
        let port_name = port.and_then(|p| p.name.as_deref()).filter(|n| !n.is_empty());
        let port_number = port.and_then(|p| p.number).unwrap_or_default();
        let named = services.named(namespace, &wanted.name);
        let ports = named.and_then(|s| s.spec.as_ref()).and_then(|s| s.ports.as_ref());
        let has_port = ports.is_some_and(|ports| {
            ports.iter().any(|p| match port_name {
                Some(name) => p.name.as_deref() == Some(name),
                None => p.port == port_number,
            })
        });
        if has_port {
            continue;
        }
        let port_text = port_name.map_or_else(|| format!("port {port_number}"), |name| format!("port named {name:?}"));
        let (message, fix) = match named {
            None => (
                format!(
                    "Ingress {:?} routes {requests} to Service {:?}, which is not in namespace {namespace:?} of the input: the controller answers them with 503",
                    loaded.name(),
                    wanted.name
                ),
                format!(
                    "# create the Service, or name an existing one:\nservice:\n  name: <a Service in {namespace}>\n  port:\n    number: <one of its ports>"
                ),
            ),
            Some(_) => {
                let known: Vec<&k8s_openapi::api::core::v1::ServicePort> =
                    ports.iter().flat_map(|p| p.iter()).collect();
                let listed: Vec<String> = known
                    .iter()
                    .map(|p| p.name.as_deref().map_or_else(|| p.port.to_string(), |n| format!("{} ({n})", p.port)))
                    .collect();
                let fix = match known.first() {
                    Some(first) => format!("port:\n  number: {}", first.port),
                    None => "# the Service has no ports: add the one its pods serve".to_owned(),
                };
                (
                    format!(
                        "Ingress {:?} routes {requests} to {port_text} of Service {:?}, which has no such port (its ports: {}): the controller has no endpoints for them and answers 503",
                        loaded.name(),
                        wanted.name,
                        if listed.is_empty() { "none".to_owned() } else { listed.join(", ") }
                    ),
                    fix,
                )
            }
        };
        out.push(object_finding(loaded, "ingress-service-missing", &format!("{at}.service"), message, &fix));
    }
    out
}

/// kube-score's `poddisruptionbudget-has-policy` (score/disruptionbudget):
/// neither `minAvailable` nor `maxUnavailable`. policy/v1 defaults neither
/// (policy/v1beta1 defaulted minAvailable to 1), and the disruption
/// controller then expects 0 pods and allows 0 disruptions
/// (`resilience::pdb`, disruption.md §2.2): every eviction of a pod the
/// budget selects is refused.
fn pdb_findings(
    loaded: &crate::model::Loaded,
    pdb: &k8s_openapi::api::policy::v1::PodDisruptionBudget,
) -> Vec<Diagnostic> {
    let spec = pdb.spec.as_ref();
    if spec.is_some_and(|s| s.min_available.is_some() || s.max_unavailable.is_some()) {
        return Vec::new();
    }
    vec![object_finding(
        loaded,
        "pdb-policy-missing",
        "spec",
        format!(
            "PodDisruptionBudget {:?} sets neither minAvailable nor maxUnavailable: the disruption controller expects no pods and allows 0 disruptions, so every eviction of the pods it selects is refused and node drains block",
            loaded.name()
        ),
        "spec:\n  maxUnavailable: 1",
    )]
}

/// kube-score's `horizontalpodautoscaler-replicas` (score/hpa/hpa.go):
/// `minReplicas`, default 1, below 2. Polaris' `hpaMinAvailability` flags only
/// a written minReplicas below 2, kube-linter's `hpa-minimum-three-replicas`
/// one below 3. (`horizontalpodautoscaler-has-target` is the scaling lab's
/// `hpa-target-missing`.)
fn autoscaler_findings(
    loaded: &crate::model::Loaded,
    hpa: &k8s_openapi::api::autoscaling::v2::HorizontalPodAutoscaler,
) -> Vec<Diagnostic> {
    let min = hpa.spec.min_replicas.unwrap_or(1);
    // minReplicas 0 or less is the API server's refusal (`hpa-replicas`).
    if min != 1 {
        return Vec::new();
    }
    let written =
        if hpa.spec.min_replicas.is_some() { "sets minReplicas: 1" } else { "sets no minReplicas (default 1)" };
    vec![object_finding(
        loaded,
        "autoscaler-min-replicas-low",
        if hpa.spec.min_replicas.is_some() { "spec.minReplicas" } else { "spec" },
        format!(
            "HorizontalPodAutoscaler {:?} {written}: at low load it scales {} {:?} down to a single replica, and any disruption is then an outage",
            loaded.name(),
            hpa.spec.scale_target_ref.kind,
            hpa.spec.scale_target_ref.name
        ),
        "minReplicas: 2",
    )]
}
