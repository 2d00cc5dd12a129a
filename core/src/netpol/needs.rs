//! Traffic the manifests themselves say a pod needs, checked against the
//! policies (the engine's verdicts, nothing of its own):
//! - a Service port whose target port on a backend no peer may reach (info:
//!   locking a port down can be deliberate, as in the "allow traffic only to
//!   a port" recipe);
//! - a `prometheus.io/port` scrape port the input's Prometheus pods may not reach;
//! - a URL naming a Service of the input in a container's environment
//!   (`LOKI_URL: http://loki:3100`) that the pod may not connect to.
//!
//! Sidecars are where these bite (a metrics port or a proxy port beside the
//! app's, a log shipper's egress), so messages name the container's role.
//! Each finding carries a fix: the smallest new policies that open what is
//! blocked, and the `kubeplay fix` command that lists verified alternatives.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{Container, PodSpec};

use super::Protocol;
use super::engine::{Engine, PortView};
use super::policy::Direction;
use super::service::{ServiceInfo, services};
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Inventory, Kind, Workload};

pub const SERVICE_PORT_UNREACHABLE: &str = "netpol-service-port-unreachable";
pub const SCRAPE_BLOCKED: &str = "netpol-scrape-blocked";
pub const ENV_ENDPOINT_BLOCKED: &str = "netpol-env-endpoint-blocked";

struct Context<'a> {
    engine: &'a Engine,
    inventory: &'a Inventory,
    views: BTreeMap<(u16, Protocol), std::sync::Arc<PortView>>,
    isolating: BTreeMap<(u32, bool), Vec<String>>,
}

impl Context<'_> {
    fn view(&mut self, port: u16, protocol: Protocol) -> &PortView {
        let engine = self.engine;
        self.views.entry((port, protocol)).or_insert_with(|| engine.view(port, protocol))
    }

    fn allowed(&mut self, s: usize, d: usize, port: u16, protocol: Protocol) -> bool {
        let engine = self.engine;
        let view = self.view(port, protocol);
        engine.allowed(view, s, d)
    }

    /// No peer at all (pod or address) may open a connection to `d` on this port.
    fn nobody_reaches(&mut self, d: usize, port: u16, protocol: Protocol) -> bool {
        let engine = self.engine;
        let Some(&class) = engine.class_of().get(d) else { return false };
        let view = self.view(port, protocol);
        engine.side(view, Direction::Ingress, class).is_some_and(|side| {
            !side.all_classes && side.classes.is_empty() && !side.all_external && side.external.is_empty()
        })
    }

    /// Policies that isolate endpoint `e` in `direction`, by id (the same for
    /// its whole class, so kept per class).
    fn isolating(&mut self, e: usize, direction: Direction) -> Vec<String> {
        let Some(&class) = self.engine.class_of().get(e) else { return Vec::new() };
        let engine = self.engine;
        self.isolating
            .entry((class, direction == Direction::Egress))
            .or_insert_with(|| {
                engine
                    .policies
                    .iter()
                    .zip(&engine.selected)
                    .filter(|(p, selected)| p.rules(direction).is_some() && selected.contains(class))
                    .map(|(p, _)| p.id())
                    .collect()
            })
            .clone()
    }

    /// The smallest new policies that let endpoint `s` open `port` on `d`:
    /// one for each side that blocks (egress of `s`, ingress of `d`), each
    /// selecting the pods by all their labels. Built as text so the page does
    /// not carry the fix engine (it serialises every kind); `kubeplay fix`
    /// verifies alternatives, and the tests apply these and re-check.
    fn fix(&mut self, s: usize, d: usize, port: u16, protocol: Protocol) -> String {
        let engine = self.engine;
        let (Some(source), Some(destination)) = (engine.endpoints.get(s), engine.endpoints.get(d)) else {
            return String::new();
        };
        let command = format!(
            "# other fixes, each verified: kubeplay fix --from {} --to {} --port {port}/{protocol} --want allow",
            source.id, destination.id
        );
        let (Some(&sc), Some(&dc)) = (engine.class_of().get(s), engine.class_of().get(d)) else { return command };
        let view = self.view(port, protocol);
        let egress_blocks = engine.side(view, Direction::Egress, sc).is_some_and(|side| !side.allows_class(dc));
        let ingress_blocks = engine.side(view, Direction::Ingress, dc).is_some_and(|side| !side.allows_class(sc));
        if source.labels.is_empty() && egress_blocks || destination.labels.is_empty() && ingress_blocks {
            return format!("# a policy selects pods by label: label the pods first\n{command}");
        }
        let mut policies = Vec::new();
        if egress_blocks {
            policies.push(new_policy(Direction::Egress, source, destination, port, protocol));
        }
        if ingress_blocks {
            policies.push(new_policy(Direction::Ingress, destination, source, port, protocol));
        }
        format!("{command}\n{}", policies.join("\n---\n"))
    }
}

/// `{"k": "v", …}`: labels as a YAML flow mapping, every key and value quoted.
fn flow_labels(labels: &BTreeMap<String, String>) -> String {
    let quote = |t: &str| serde_json::to_string(t).unwrap_or_default();
    let pairs: Vec<String> = labels.iter().map(|(k, v)| format!("{}: {}", quote(k), quote(v))).collect();
    format!("{{{}}}", pairs.join(", "))
}

/// A NetworkPolicy in `subject`'s namespace selecting `subject`'s pods and
/// allowing `direction` traffic with `peer`'s pods on one port.
fn new_policy(
    direction: Direction,
    subject: &super::Endpoint,
    peer: &super::Endpoint,
    port: u16,
    protocol: Protocol,
) -> String {
    let (kind, key, verb) = match direction {
        Direction::Egress => ("Egress", "egress", "to"),
        Direction::Ingress => ("Ingress", "ingress", "from"),
    };
    let mut name: String = format!("allow-{key}-{}-{}-{port}", subject.name, peer.name)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect();
    name.truncate(63);
    let name = name.trim_end_matches('-');
    let namespace_selector = if peer.namespace == subject.namespace {
        String::new()
    } else {
        format!(
            "    - namespaceSelector:\n        matchLabels: {}\n      podSelector:\n",
            flow_labels(&BTreeMap::from([(crate::model::NAMESPACE_NAME_LABEL.to_owned(), peer.namespace.clone())]))
        )
    };
    let peer_selector = if namespace_selector.is_empty() {
        format!("    - podSelector:\n        matchLabels: {}\n", flow_labels(&peer.labels))
    } else {
        format!("{namespace_selector}        matchLabels: {}\n", flow_labels(&peer.labels))
    };
    format!(
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: {name}\n  namespace: {}\nspec:\n  podSelector:\n    matchLabels: {}\n  policyTypes: [{kind}]\n  {key}:\n  - {verb}:\n{peer_selector}    ports:\n    - {{protocol: {protocol}, port: {port}}}",
        subject.namespace,
        flow_labels(&subject.labels),
    )
}

/// Every finding, in endpoint order.
pub fn findings(engine: &Engine, inventory: &Inventory) -> Vec<Diagnostic> {
    if engine.policies.is_empty() {
        return Vec::new();
    }
    let mut cx = Context { engine, inventory, views: BTreeMap::new(), isolating: BTreeMap::new() };
    let mut out = Vec::new();
    let all_services = services(engine, inventory);
    // Each endpoint's workload, built once (a bare Pod's is a copy).
    let workloads: Vec<Option<Workload<'_>>> = engine
        .endpoints
        .iter()
        .map(|e| e.object.and_then(|i| inventory.objects.get(i)).and_then(|o| o.workload()))
        .collect();
    service_ports(&mut cx, &workloads, &all_services, &mut out);
    scrapes(&mut cx, &workloads, &mut out);
    env_endpoints(&mut cx, &workloads, &all_services, &mut out);
    out
}

/// `, which native sidecar envoy serves`: who declares `port` on the pod, for messages.
fn owner(spec: Option<&PodSpec>, port: u16) -> String {
    let declares = |c: &Container| c.ports.iter().flatten().any(|p| p.container_port == i32::from(port));
    let Some(spec) = spec else { return String::new() };
    if let Some(c) = spec.init_containers.iter().flatten().find(|c| crate::pods::is_sidecar(c) && declares(c)) {
        return format!(", which native sidecar {} serves", c.name);
    }
    match spec.containers.iter().find(|c| declares(c)) {
        Some(c) => format!(", which container {} serves", c.name),
        None => String::new(),
    }
}

fn spec_of<'w>(workloads: &'w [Option<Workload<'_>>], e: usize) -> Option<&'w PodSpec> {
    workloads.get(e)?.as_ref()?.template.spec.as_ref()
}

fn service_ports(
    cx: &mut Context<'_>,
    workloads: &[Option<Workload<'_>>],
    all: &[ServiceInfo],
    out: &mut Vec<Diagnostic>,
) {
    let by_id: BTreeMap<String, &crate::model::Loaded> =
        cx.inventory.objects.iter().filter(|o| o.kind() == Kind::Service).map(|o| (o.id(), o)).collect();
    for service in all {
        let Some(loaded) = by_id.get(&service.id).copied() else { continue };
        for (k, port) in service.ports.iter().enumerate() {
            for backend in &port.backends {
                let (Some(target), Some(d)) = (backend.target_port, cx.engine.endpoint_index(&backend.endpoint)) else {
                    continue;
                };
                if !cx.nobody_reaches(d, target, port.protocol) {
                    continue;
                }
                let spec = spec_of(workloads, d);
                let open: Vec<String> = cx
                    .engine
                    .endpoints
                    .get(d)
                    .map(|e| e.ports.iter().map(|p| p.number).collect::<Vec<_>>())
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|n| *n != target && !cx.nobody_reaches(d, *n, port.protocol))
                    .map(|n| n.to_string())
                    .collect();
                let open = if open.is_empty() {
                    String::new()
                } else {
                    format!(" (of its ports, only {} may be reached)", open.join(", "))
                };
                let policies = cx.isolating(d, Direction::Ingress).join(", ");
                let message = format!(
                    "Service {} port {} sends traffic to {}:{target}/{}{}, but no pod or address may reach that port: {policies} isolate{} the pod for ingress and no ingress rule allows {target}{open}",
                    service.name,
                    port.port,
                    backend.endpoint,
                    port.protocol,
                    owner(spec, target),
                    if policies.contains(", ") { "" } else { "s" },
                );
                let fix = format!(
                    "# add to an ingress rule of {policies} that admits the Service's clients:\nports:\n- protocol: {}\n  port: {target}",
                    port.protocol
                );
                out.push(
                    Diagnostic::at(
                        Area::NetworkPolicy,
                        &loaded.origin,
                        &format!("spec.ports[{k}]"),
                        Severity::Info,
                        SERVICE_PORT_UNREACHABLE,
                        message,
                    )
                    .with_fix(&fix),
                );
                // One finding per Service port: its other backends share the policies' verdict or not, and the first says it.
                break;
            }
        }
    }
}

/// Prometheus servers among the endpoints: by the labels its charts and
/// operators set, or by an image named `prometheus`.
fn is_prometheus(workloads: &[Option<Workload<'_>>], engine: &Engine, e: usize) -> bool {
    let Some(endpoint) = engine.endpoints.get(e) else { return false };
    let labelled =
        ["app", "app.kubernetes.io/name"].iter().any(|k| endpoint.labels.get(*k).is_some_and(|v| v == "prometheus"));
    labelled
        || spec_of(workloads, e).is_some_and(|s| {
            s.containers.iter().any(|c| {
                c.image.as_deref().is_some_and(|image| {
                    let path = image.split(['@']).next().unwrap_or(image);
                    let name = path.rsplit('/').next().unwrap_or(path);
                    name.split(':').next() == Some("prometheus")
                })
            })
        })
}

fn scrapes(cx: &mut Context<'_>, workloads: &[Option<Workload<'_>>], out: &mut Vec<Diagnostic>) {
    let servers: Vec<usize> =
        (0..cx.engine.endpoints.len()).filter(|e| is_prometheus(workloads, cx.engine, *e)).collect();
    for d in 0..cx.engine.endpoints.len() {
        let Some(workload) = workloads.get(d).and_then(Option::as_ref) else { continue };
        let loaded = workload.loaded;
        let annotations = workload.template.metadata.as_ref().and_then(|m| m.annotations.as_ref());
        let get = |key: &str| annotations.and_then(|a| a.get(key)).map(|v| v.trim().to_owned());
        if get("prometheus.io/scrape").as_deref() != Some("true") {
            continue;
        }
        let Some(port) = get("prometheus.io/port").and_then(|p| p.parse::<u16>().ok()) else { continue };
        let path = if workload.template_path.is_empty() {
            "metadata.annotations".to_owned()
        } else {
            format!("{}.metadata.annotations", workload.template_path)
        };
        let target = cx.engine.endpoints[d].id.clone();
        let spec = workload.template.spec.as_ref();
        let blocked_from: Option<usize> = if servers.is_empty() {
            cx.nobody_reaches(d, port, Protocol::TCP).then_some(usize::MAX)
        } else {
            let reached = servers.iter().any(|s| cx.allowed(*s, d, port, Protocol::TCP));
            (!reached).then_some(servers[0])
        };
        let Some(server) = blocked_from else { continue };
        let policies = cx.isolating(d, Direction::Ingress).join(", ");
        let (who, fix) = if server == usize::MAX {
            (
                "no pod or address may reach it".to_owned(),
                format!("# add port {port} to an ingress rule of {policies} that admits Prometheus"),
            )
        } else {
            let from = cx.engine.endpoints[server].id.clone();
            let fix = cx.fix(server, d, port, Protocol::TCP);
            (format!("Prometheus ({from}) may not reach it"), fix)
        };
        let message = format!(
            "{target} asks to be scraped on port {port} (prometheus.io/port){}, but {who}: {policies} isolate{} the pod for ingress and no ingress rule admits port {port} from there",
            owner(spec, port),
            if policies.contains(", ") { "" } else { "s" },
        );
        out.push(
            Diagnostic::at(Area::NetworkPolicy, &loaded.origin, &path, Severity::Warning, SCRAPE_BLOCKED, message)
                .with_fix(&fix),
        );
    }
}

/// A URL (`scheme://host[:port][/…]`) or `host:port` naming a Service of the
/// input, as the pod's DNS search path resolves it: `svc`, `svc.ns`,
/// `svc.ns.svc`, `svc.ns.svc.cluster.local`. The port defaults by scheme.
fn service_target(value: &str, namespace: &str) -> Option<(String, String, u16)> {
    let value = value.trim();
    let (scheme, rest) = match value.split_once("://") {
        Some((scheme, rest)) => (Some(scheme.to_ascii_lowercase()), rest),
        None => (None, value),
    };
    let authority = rest.split(['/', '?', '#']).next()?;
    let authority = authority.rsplit('@').next()?;
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, Some(port.parse::<u16>().ok()?)),
        None => (authority, None),
    };
    let port = match (port, scheme.as_deref()) {
        (Some(p), _) => p,
        (None, Some("http" | "ws")) => 80,
        (None, Some("https" | "wss")) => 443,
        _ => return None,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let labels: Vec<&str> = host.split('.').collect();
    let (name, ns) = match labels.as_slice() {
        [name] => (*name, namespace),
        [name, ns] | [name, ns, "svc"] | [name, ns, "svc", "cluster", "local"] => (*name, *ns),
        _ => return None,
    };
    if name.is_empty() || ns.is_empty() {
        return None;
    }
    Some((ns.to_owned(), name.to_owned(), port))
}

fn env_endpoints(
    cx: &mut Context<'_>,
    workloads: &[Option<Workload<'_>>],
    all: &[ServiceInfo],
    out: &mut Vec<Diagnostic>,
) {
    let by_name: BTreeMap<(&str, &str), &ServiceInfo> =
        all.iter().map(|i| ((i.namespace.as_str(), i.name.as_str()), i)).collect();
    for s in 0..cx.engine.endpoints.len() {
        let Some(workload) = workloads.get(s).and_then(Option::as_ref) else { continue };
        let loaded = workload.loaded;
        let Some(spec) = workload.template.spec.as_ref() else { continue };
        if !spec
            .containers
            .iter()
            .chain(spec.init_containers.iter().flatten())
            .any(|c| c.env.as_ref().is_some_and(|e| !e.is_empty()))
        {
            continue;
        }
        let spec_path = workload.pod_spec_path();
        let namespace = workload.namespace.to_owned();
        let source = cx.engine.endpoints[s].id.clone();
        let containers = spec
            .init_containers
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, c)| {
                (
                    format!("{spec_path}.initContainers[{i}]"),
                    c,
                    if crate::pods::is_sidecar(c) { "native sidecar" } else { "init container" },
                )
            })
            .chain(
                spec.containers
                    .iter()
                    .enumerate()
                    .map(|(i, c)| (format!("{spec_path}.containers[{i}]"), c, "container")),
            );
        let containers: Vec<(String, &Container, &str)> = containers.collect();
        for (path, c, role) in containers {
            for (j, var) in c.env.iter().flatten().enumerate() {
                let Some(value) = var.value.as_deref() else { continue };
                let Some((ns, name, port)) = service_target(value, &namespace) else { continue };
                let Some(service) = by_name.get(&(ns.as_str(), name.as_str())).copied() else { continue };
                let Some(mapping) = service.ports.iter().find(|p| p.port == port) else { continue };
                let backends: Vec<(usize, u16)> = mapping
                    .backends
                    .iter()
                    .filter_map(|b| Some((cx.engine.endpoint_index(&b.endpoint)?, b.target_port?)))
                    .filter(|(d, _)| *d != s)
                    .collect();
                let Some(&(first, target)) = backends.first() else { continue };
                let protocol = mapping.protocol;
                if backends.iter().any(|(d, t)| cx.allowed(s, *d, *t, protocol)) {
                    continue;
                }
                let egress = cx.isolating(s, Direction::Egress);
                let ingress = cx.isolating(first, Direction::Ingress);
                let destination = cx.engine.endpoints[first].id.clone();
                let egress_allows = {
                    let engine = cx.engine;
                    let view = cx.view(target, protocol);
                    let (sc, dc) = (engine.class_of()[s], engine.class_of()[first]);
                    engine.side(view, Direction::Egress, sc).is_none_or(|side| side.allows_class(dc))
                };
                let why = if !egress_allows {
                    format!(
                        "{} restrict{} egress from {source} and none of {} egress rules allows it",
                        egress.join(", "),
                        if egress.len() > 1 { "" } else { "s" },
                        if egress.len() > 1 { "their" } else { "its" }
                    )
                } else {
                    format!(
                        "{} restrict{} ingress to {destination} and none of {} ingress rules admits it",
                        ingress.join(", "),
                        if ingress.len() > 1 { "" } else { "s" },
                        if ingress.len() > 1 { "their" } else { "its" }
                    )
                };
                let fix = cx.fix(s, first, target, protocol);
                let message = format!(
                    "{role} {} is set to reach {value} ({}), the Service {name} → {destination}:{target}/{protocol}, but the connection is denied: {why}",
                    c.name, var.name
                );
                out.push(
                    Diagnostic::at(
                        Area::NetworkPolicy,
                        &loaded.origin,
                        &format!("{path}.env[{j}].value"),
                        Severity::Warning,
                        ENV_ENDPOINT_BLOCKED,
                        message,
                    )
                    .with_fix(&fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::service_target;

    #[test]
    fn urls_name_services_as_the_pods_dns_search_path_does() {
        let t = |v: &str| service_target(v, "default");
        assert_eq!(t("http://loki:3100"), Some(("default".into(), "loki".into(), 3100)));
        assert_eq!(t("http://loki.monitoring:3100/loki/api/v1/push"), Some(("monitoring".into(), "loki".into(), 3100)));
        assert_eq!(t("https://api.prod.svc.cluster.local."), Some(("prod".into(), "api".into(), 443)));
        assert_eq!(t("db.prod.svc:5432"), Some(("prod".into(), "db".into(), 5432)));
        assert_eq!(t("http://user:pw@cache:6379"), Some(("default".into(), "cache".into(), 6379)));
        // Not a Service name: an external host, no port, a path, plain words.
        assert_eq!(t("http://example.com.evil.org:80"), None);
        assert_eq!(t("loki"), None);
        assert_eq!(t("localhost:5000").map(|(_, n, _)| n), Some("localhost".into()));
        assert_eq!(t("9095"), None);
        assert_eq!(t("a:b"), None);
    }
}
