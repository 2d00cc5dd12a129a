//! One pod's containers as the kubelet runs them: what each container is
//! (plain init container, native sidecar, app container), the order they start
//! and stop in, how the pod's requests add up (with the numbers), which
//! container a Service port or a probe lands on, and which volumes containers
//! share and who may write them. Rules and upstream sources:
//! `docs/semantics/sidecars.md`.
//!
//! Pure description of the input: the verdicts on traffic to and from these
//! containers are the NetworkPolicy engine's (`netpol::needs`), the
//! admission of the requests is `admission`'s.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec, Probe, Volume};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde::{Deserialize, Serialize};

use crate::admission::{Aggregate, PodModel, ResourceList};
use crate::model::{Inventory, Kind, Object, Workload};
use crate::netpol::Protocol;
use crate::quantity::Quantity;
use crate::source::Location;

/// What a container is to the kubelet.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// An init container that runs to completion before the next one starts.
    Init,
    /// An init container with `restartPolicy: Always`: started in the init
    /// sequence, kept running, stopped after the app containers.
    Sidecar,
    /// An entry of `containers`.
    App,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Init => "init container",
            Role::Sidecar => "native sidecar",
            Role::App => "container",
        }
    }
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ContainerEntry {
    pub name: String,
    pub role: Role,
    pub image: Option<String>,
    pub location: Location,
}

/// One step of starting or stopping the pod.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Phase {
    /// The containers this step starts or stops.
    pub containers: Vec<String>,
    /// What happens, and what the next step waits for.
    pub what: String,
}

/// One resource's sum: the formula with the numbers.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct ResourceSum {
    /// `cpu` or `memory`.
    pub resource: String,
    /// `app 100m + log-forwarder 50m = 150m`: app containers and native sidecars.
    pub running: String,
    /// Each init container's footprint while it runs (`setup 200m + istio 50m = 250m`).
    pub init: Vec<String>,
    /// The pod's request as quota and the scheduler count it (overhead included).
    pub pod: String,
    /// How `pod` follows from the lines above.
    pub formula: String,
}

/// Who sends traffic to one port of the pod.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PortUse {
    pub port: u16,
    pub protocol: Protocol,
    /// The port's name where it has one.
    pub name: Option<String>,
    /// The container that declares it; `None`: no container declares the
    /// number, so whatever listens there gets the traffic, if anything does.
    pub container: Option<String>,
    /// `Service api:80`, `readinessProbe of app`.
    pub reached_by: Vec<String>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Mount {
    pub container: String,
    pub path: String,
    /// Whether the container can write there: not `readOnly`, and not a
    /// volume the kubelet always mounts read-only.
    pub writable: bool,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct VolumeUse {
    pub name: String,
    /// `emptyDir`, `configMap`, `persistentVolumeClaim`, …
    pub source: String,
    pub mounts: Vec<Mount>,
}

/// One pod (or workload template) with more than one container.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct PodAnatomy {
    /// `namespace/name[Kind]`.
    pub object: String,
    pub location: Location,
    /// In declaration order: init containers (and sidecars) first.
    pub containers: Vec<ContainerEntry>,
    pub start: Vec<Phase>,
    pub stop: Vec<Phase>,
    pub requests: Vec<ResourceSum>,
    pub ports: Vec<PortUse>,
    /// Volumes mounted by at least one container.
    pub volumes: Vec<VolumeUse>,
    /// Consequences worth knowing (a Job that cannot complete, a probe that
    /// checks another container's port).
    pub notes: Vec<String>,
}

/// Every pod and workload template with more than one container, in input order.
pub fn anatomies(inventory: &Inventory) -> Vec<PodAnatomy> {
    let services = Services::of(inventory);
    inventory
        .objects
        .iter()
        .filter(|o| match &o.object {
            // Decided before building the workload, which copies a bare Pod.
            Object::Pod(pod) => several_containers(pod.spec.as_ref()),
            _ => true,
        })
        .filter_map(|o| o.workload())
        .filter(|w| several_containers(w.template.spec.as_ref()))
        .filter_map(|w| anatomy(&services, &w))
        .collect()
}

/// More than one container, init containers included.
fn several_containers(spec: Option<&PodSpec>) -> bool {
    spec.is_some_and(|s| s.containers.len() + s.init_containers.as_ref().map_or(0, Vec::len) > 1)
}

/// The input's Services by namespace, gathered once per analysis.
pub struct Services<'a> {
    by_namespace: BTreeMap<&'a str, Vec<(&'a str, &'a k8s_openapi::api::core::v1::Service)>>,
}

impl<'a> Services<'a> {
    pub fn of(inventory: &'a Inventory) -> Services<'a> {
        let mut by_namespace: BTreeMap<&str, Vec<_>> = BTreeMap::new();
        for loaded in &inventory.objects {
            if let Object::Service(service) = &loaded.object {
                let namespace = loaded.namespace().unwrap_or(crate::model::DEFAULT_NAMESPACE);
                by_namespace.entry(namespace).or_default().push((loaded.name(), &**service));
            }
        }
        Services { by_namespace }
    }

    /// The Service `name` of `namespace`, if the input has it.
    pub fn named(&self, namespace: &str, name: &str) -> Option<&'a k8s_openapi::api::core::v1::Service> {
        self.by_namespace.get(namespace)?.iter().find(|(n, _)| *n == name).map(|(_, service)| *service)
    }

    /// Whether the input has no Service at all.
    pub fn is_empty(&self) -> bool {
        self.by_namespace.is_empty()
    }
}

/// One workload's pod.
pub fn anatomy(services: &Services<'_>, workload: &Workload<'_>) -> Option<PodAnatomy> {
    let spec = workload.template.spec.as_ref()?;
    let loaded = workload.loaded;
    let spec_path = workload.pod_spec_path();
    let mut containers = Vec::new();
    for (i, c) in spec.init_containers.iter().flatten().enumerate() {
        let role = if is_sidecar(c) { Role::Sidecar } else { Role::Init };
        containers.push(entry(c, role, loaded.origin.location(&format!("{spec_path}.initContainers[{i}]"))));
    }
    for (i, c) in spec.containers.iter().enumerate() {
        containers.push(entry(c, Role::App, loaded.origin.location(&format!("{spec_path}.containers[{i}]"))));
    }
    let mut notes = Vec::new();
    if matches!(workload.kind, Kind::Job | Kind::CronJob) && spec.containers.len() > 1 {
        notes.push(format!(
            "A Job's pod succeeds only when every entry of `containers` has exited: {} of them here, so a helper that never exits (a log shipper, a proxy) keeps the Job from completing. As a native sidecar it is stopped once the app containers are done.",
            spec.containers.len()
        ));
    }
    let ports = ports(services, workload, spec, &mut notes);
    Some(PodAnatomy {
        object: loaded.id(),
        location: loaded.origin.location.clone(),
        containers,
        start: start_order(spec),
        stop: stop_order(spec),
        requests: requests(workload, spec),
        ports,
        volumes: volumes(spec),
        notes,
    })
}

fn entry(c: &Container, role: Role, location: Location) -> ContainerEntry {
    ContainerEntry { name: c.name.clone(), role, image: c.image.clone(), location }
}

/// An init container with `restartPolicy: Always` (KEP-753).
pub fn is_sidecar(c: &Container) -> bool {
    c.restart_policy.as_deref() == Some("Always")
}

fn has_post_start(c: &Container) -> bool {
    c.lifecycle.as_ref().is_some_and(|l| l.post_start.is_some())
}

fn has_pre_stop(c: &Container) -> bool {
    c.lifecycle.as_ref().is_some_and(|l| l.pre_stop.is_some())
}

/// Start order (sidecars.md §1): init containers one at a time; a native
/// sidecar lets the next one start once it is started (its startupProbe
/// passed, its postStart hook returned); then the app containers in spec order
/// without waiting for each other, except that a postStart hook holds the next.
fn start_order(spec: &PodSpec) -> Vec<Phase> {
    let mut phases = Vec::new();
    for c in spec.init_containers.iter().flatten() {
        let what = if is_sidecar(c) {
            let gate = if c.startup_probe.is_some() {
                "once its startupProbe has succeeded"
            } else if has_post_start(c) {
                "once its postStart hook has returned"
            } else {
                "as soon as it has been started (no startupProbe: nothing waits for it to be ready)"
            };
            format!("native sidecar: starts, keeps running; the next container starts {gate}")
        } else {
            "init container: runs to completion; the next container starts only after it exits with 0".to_owned()
        };
        phases.push(Phase { containers: vec![c.name.clone()], what });
    }
    let mut group: Vec<String> = Vec::new();
    for c in &spec.containers {
        group.push(c.name.clone());
        if has_post_start(c) {
            phases.push(Phase {
                containers: std::mem::take(&mut group),
                what: format!(
                    "started in spec order without waiting for each other; {}'s postStart hook holds the next container until it returns",
                    c.name
                ),
            });
        }
    }
    if !group.is_empty() {
        let what = if group.len() == 1 {
            "app container: starts once everything above is up".to_owned()
        } else {
            "app containers: started one after the other in spec order, none waiting for another to be ready — a helper among them may come up after the app sends its first request".to_owned()
        };
        phases.push(Phase { containers: group, what });
    }
    phases
}

/// Stop order (sidecars.md §2): the app containers together, then the native
/// sidecars one by one in reverse order of declaration.
fn stop_order(spec: &PodSpec) -> Vec<Phase> {
    let grace = spec.termination_grace_period_seconds.unwrap_or(30);
    let mut phases = Vec::new();
    let apps: Vec<String> = spec.containers.iter().map(|c| c.name.clone()).collect();
    let hooks: Vec<&str> = spec.containers.iter().filter(|c| has_pre_stop(c)).map(|c| c.name.as_str()).collect();
    let hooks =
        if hooks.is_empty() { String::new() } else { format!(" (after the preStop hook of {})", hooks.join(", ")) };
    let what = if apps.len() > 1 {
        format!(
            "all get SIGTERM at the same time{hooks}, then SIGKILL once the {grace} s grace period is over: a helper among them may exit before the app has flushed its last logs or requests"
        )
    } else {
        format!("gets SIGTERM{hooks}, then SIGKILL once the {grace} s grace period is over")
    };
    phases.push(Phase { containers: apps, what });
    let sidecars: Vec<&Container> = spec.init_containers.iter().flatten().filter(|c| is_sidecar(c)).collect();
    for c in sidecars.iter().rev() {
        phases.push(Phase {
            containers: vec![c.name.clone()],
            what: "native sidecar: gets SIGTERM only after every app container has exited (sidecars in reverse order of declaration), so it serves the app to the end".to_owned(),
        });
    }
    phases
}

fn requests(workload: &Workload<'_>, spec: &PodSpec) -> Vec<ResourceSum> {
    let mut bad = Vec::new();
    let mut model = PodModel::from_spec(workload.name, workload.namespace, spec, "spec", None, &mut bad);
    // Every pod the API server stores has its missing requests copied from limits.
    model.apply_api_defaults();
    let sums = model.request_sums();
    let effective = model.requests(true);
    ["cpu", "memory"].into_iter().map(|resource| resource_sum(resource, &model, &sums, &effective)).collect()
}

fn amount(list: &ResourceList, resource: &str) -> String {
    list.get(resource).map_or_else(|| "0".to_owned(), Quantity::to_string)
}

fn resource_sum(resource: &str, model: &PodModel, sums: &Aggregate, effective: &ResourceList) -> ResourceSum {
    let term = |c: &crate::admission::Container| format!("{} {}", c.name, amount(&c.requests, resource));
    let running_terms: Vec<String> =
        model.containers.iter().chain(model.init_containers.iter().filter(|c| c.sidecar)).map(term).collect();
    let running = format!("{} = {}", running_terms.join(" + "), amount(&sums.running, resource));
    let mut init = Vec::new();
    let mut sidecars_before: Vec<String> = Vec::new();
    for (c, footprint) in model.init_containers.iter().zip(&sums.init_footprints) {
        if c.sidecar {
            sidecars_before.push(term(c));
            continue;
        }
        let mut terms = vec![term(c)];
        terms.extend(sidecars_before.iter().cloned());
        init.push(format!("{} = {}", terms.join(" + "), amount(footprint, resource)));
    }
    let pod = amount(effective, resource);
    let overhead = model.overhead.get(resource).filter(|q| !q.is_zero());
    let pod_level = model.pod_requests.get(resource);
    let formula = if let Some(level) = pod_level {
        format!("pod-level resources set {resource} to {level}: the containers' sum is not used")
    } else {
        let base = if init.is_empty() {
            format!("the running containers' sum, {}", amount(&sums.running, resource))
        } else {
            format!(
                "max(running {}, largest init footprint {}) = {}",
                amount(&sums.running, resource),
                amount(&sums.init_peak, resource),
                amount(&sums.total, resource)
            )
        };
        match overhead {
            Some(extra) => format!("{base}, plus the pod overhead {extra} = {pod}"),
            None => base,
        }
    };
    ResourceSum { resource: resource.to_owned(), running, init, pod, formula }
}

/// Every declared port with who reaches it, then targets no container declares.
fn ports(services: &Services<'_>, workload: &Workload<'_>, spec: &PodSpec, notes: &mut Vec<String>) -> Vec<PortUse> {
    let running: Vec<&Container> =
        spec.init_containers.iter().flatten().filter(|c| is_sidecar(c)).chain(spec.containers.iter()).collect();
    let mut out: Vec<PortUse> = Vec::new();
    for c in &running {
        for p in c.ports.iter().flatten() {
            let (Ok(port), Ok(protocol)) =
                (u16::try_from(p.container_port), p.protocol.as_deref().unwrap_or("TCP").parse::<Protocol>())
            else {
                continue;
            };
            out.push(PortUse {
                port,
                protocol,
                name: p.name.clone(),
                container: Some(c.name.clone()),
                reached_by: Vec::new(),
            });
        }
    }
    // Resolves a number or a name (any running container's port) to a row.
    fn row<'a>(
        out: &'a mut Vec<PortUse>,
        number: Option<u16>,
        name: Option<&str>,
        protocol: Protocol,
    ) -> Option<&'a mut PortUse> {
        let found = out.iter().position(|p| {
            p.protocol == protocol
                && match (number, name) {
                    (Some(n), _) => p.port == n,
                    (None, Some(name)) => p.name.as_deref() == Some(name),
                    _ => false,
                }
        });
        match (found, number) {
            (Some(i), _) => out.get_mut(i),
            (None, Some(port)) => {
                out.push(PortUse { port, protocol, name: None, container: None, reached_by: Vec::new() });
                out.last_mut()
            }
            (None, None) => None,
        }
    }
    let labels = workload.template.metadata.as_ref().and_then(|m| m.labels.clone()).unwrap_or_default();
    let in_namespace = services.by_namespace.get(workload.namespace).map(Vec::as_slice).unwrap_or_default();
    for (service_name, service) in in_namespace {
        if !crate::netpol::service::selects_pods(service, &labels) {
            continue;
        }
        for sp in service.spec.as_ref().and_then(|s| s.ports.as_ref()).into_iter().flatten() {
            let Ok(protocol) = sp.protocol.as_deref().unwrap_or("TCP").parse::<Protocol>() else { continue };
            let label = format!("Service {service_name}:{}", sp.port);
            let target = match &sp.target_port {
                None => row(&mut out, u16::try_from(sp.port).ok(), None, protocol),
                Some(IntOrString::Int(n)) => row(&mut out, u16::try_from(*n).ok(), None, protocol),
                Some(IntOrString::String(name)) => row(&mut out, None, Some(name), protocol),
            };
            if let Some(target) = target {
                target.reached_by.push(label);
            } else if let Some(IntOrString::String(name)) = &sp.target_port {
                notes.push(format!(
                    "{label} targets the port named {name:?}, which no container of this pod declares: the Service sends it no traffic"
                ));
            }
        }
    }
    for c in &running {
        let probes = [
            ("startupProbe", &c.startup_probe),
            ("livenessProbe", &c.liveness_probe),
            ("readinessProbe", &c.readiness_probe),
        ];
        for (kind, probe) in probes {
            let Some(target) = probe.as_ref().and_then(probe_port) else { continue };
            // kubelet resolves a probe's named port among its own container's ports only.
            let number = match &target {
                IntOrString::Int(n) => u16::try_from(*n).ok(),
                IntOrString::String(name) => c
                    .ports
                    .iter()
                    .flatten()
                    .find(|p| p.name.as_deref() == Some(name.as_str()))
                    .and_then(|p| u16::try_from(p.container_port).ok()),
            };
            let label = format!("{kind} of {}", c.name);
            let Some(number) = number else {
                notes
                    .push(format!("{label} names a port {target:?} that {} does not declare: the probe fails", c.name));
                continue;
            };
            if let Some(row) = row(&mut out, Some(number), None, Protocol::TCP) {
                if let Some(owner) = row.container.as_ref().filter(|owner| **owner != c.name) {
                    notes.push(format!(
                        "{label} checks port {number}, which {owner} declares: containers share the pod's network, so it tests {owner}, not {}",
                        c.name
                    ));
                }
                row.reached_by.push(label);
            }
        }
    }
    out
}

fn probe_port(probe: &Probe) -> Option<IntOrString> {
    if let Some(http) = &probe.http_get {
        return Some(http.port.clone());
    }
    if let Some(tcp) = &probe.tcp_socket {
        return Some(tcp.port.clone());
    }
    probe.grpc.as_ref().map(|g| IntOrString::Int(g.port))
}

fn volume_source(v: &Volume) -> &'static str {
    if v.empty_dir.is_some() {
        "emptyDir"
    } else if v.config_map.is_some() {
        "configMap"
    } else if v.secret.is_some() {
        "secret"
    } else if v.projected.is_some() {
        "projected"
    } else if v.downward_api.is_some() {
        "downwardAPI"
    } else if v.persistent_volume_claim.is_some() {
        "persistentVolumeClaim"
    } else if v.host_path.is_some() {
        "hostPath"
    } else if v.ephemeral.is_some() {
        "ephemeral"
    } else if v.csi.is_some() {
        "csi"
    } else if v.image.is_some() {
        "image"
    } else {
        "other"
    }
}

/// Volumes the kubelet mounts read-only whatever the mount says (API data
/// volumes since 1.10, image volumes always).
fn always_read_only(source: &str) -> bool {
    matches!(source, "configMap" | "secret" | "projected" | "downwardAPI" | "image")
}

fn volumes(spec: &PodSpec) -> Vec<VolumeUse> {
    let sources: BTreeMap<&str, &'static str> =
        spec.volumes.iter().flatten().map(|v| (v.name.as_str(), volume_source(v))).collect();
    let all = spec.init_containers.iter().flatten().chain(spec.containers.iter());
    let mut out: Vec<VolumeUse> = spec
        .volumes
        .iter()
        .flatten()
        .map(|v| VolumeUse { name: v.name.clone(), source: volume_source(v).to_owned(), mounts: Vec::new() })
        .collect();
    for c in all {
        for m in c.volume_mounts.iter().flatten() {
            let Some(volume) = out.iter_mut().find(|v| v.name == m.name) else { continue };
            let read_only =
                m.read_only == Some(true) || sources.get(m.name.as_str()).is_some_and(|s| always_read_only(s));
            volume.mounts.push(Mount { container: c.name.clone(), path: m.mount_path.clone(), writable: !read_only });
        }
    }
    out.retain(|v| !v.mounts.is_empty());
    out
}
