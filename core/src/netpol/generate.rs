//! NetworkPolicies generated from wanted flows (netpol.md §46): a default deny
//! per namespace (with DNS egress to kube-dns unless turned off), and per
//! group of pods that share namespace and labels one policy allowing exactly
//! its wanted incoming and outgoing flows, selectors built from the pods'
//! labels. The result is verified with the engine (connection sets of every
//! pair, all ports) before it is returned.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::connections::{ConnectionIndex, Connections};
use super::endpoint::Endpoint;
use super::engine::Engine;
use super::explain::parse_endpoint;
use super::policy::Direction;
use super::{NetpolOptions, Protocol};
use crate::model::{Inventory, Kind, Loaded, NAMESPACE_NAME_LABEL};

/// A port number 1–65535 (the flows file's `port`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowPort(pub u16);

impl<'de> Deserialize<'de> for FlowPort {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let number = i64::deserialize(deserializer)?;
        u16::try_from(number)
            .ok()
            .filter(|n| *n >= 1)
            .map(FlowPort)
            .ok_or_else(|| serde::de::Error::custom(format!("port {number} is outside 1–65535")))
    }
}

/// TCP, UDP or SCTP, exactly (the flows file's `protocol`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct FlowProtocol(pub Protocol);

impl<'de> Deserialize<'de> for FlowProtocol {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        match text.as_str() {
            "TCP" => Ok(FlowProtocol(Protocol::TCP)),
            "UDP" => Ok(FlowProtocol(Protocol::UDP)),
            "SCTP" => Ok(FlowProtocol(Protocol::SCTP)),
            _ => Err(serde::de::Error::custom(format!("unknown protocol `{text}` (expected TCP, UDP or SCTP)"))),
        }
    }
}

fn default_protocol() -> FlowProtocol {
    FlowProtocol(Protocol::TCP)
}

fn default_dns() -> bool {
    true
}

#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Flow {
    pub from: String,
    pub to: String,
    pub port: FlowPort,
    #[serde(default = "default_protocol")]
    pub protocol: FlowProtocol,
}

/// `{flows: [{from, to, port, protocol}], dns: true}`.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Flows {
    pub flows: Vec<Flow>,
    #[serde(default = "default_dns")]
    pub dns: bool,
}

/// Reads a flows file; the error names the line and column.
pub fn parse_flows(text: &str) -> Result<Flows, String> {
    crate::load::from_yaml(text).map_err(|e| {
        let place = e.line_column.map(|(line, column)| format!("line {line}, column {column}: ")).unwrap_or_default();
        // The place is said once, first.
        let message = e.message;
        // The shape is spelled out only where the shape is wrong.
        let shape = ["unknown field", "missing field", "invalid type", "unknown variant"];
        if shape.iter().any(|s| message.contains(s)) {
            format!("{place}{message} (expected {{flows: [{{from: ID, to: ID, port: 80, protocol: TCP}}], dns: true}})")
        } else {
            format!("{place}{message}")
        }
    })
}

#[derive(Clone, Debug, PartialEq)]
pub enum GenerateError {
    /// A flow's id names no pod or workload (flow index, 0-based; which end).
    UnknownEndpoint { flow: usize, end: &'static str, id: String, hint: String },
    /// External endpoints are not generated for.
    External { flow: usize, id: String },
    /// Two pods no label selector can tell apart are treated differently.
    Indistinguishable { wanted: String, unwanted: String, example: String },
    /// The engine disagrees with the generated policies' intent (a bug: nothing is printed).
    Unverified { source: String, destination: String, want: String, have: String },
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenerateError::UnknownEndpoint { flow, end, id, hint } => {
                write!(f, "flows[{flow}].{end}: {hint}")?;
                let _ = id;
                Ok(())
            }
            GenerateError::External { flow, id } => write!(
                f,
                "flows[{flow}]: `{id}` is outside the cluster; generated policies cover flows between pods and workloads only"
            ),
            GenerateError::Indistinguishable { wanted, unwanted, example } => write!(
                f,
                "{wanted} and {unwanted} have the same namespace and labels, so no label selector can tell them apart, \
                 but the flows treat them differently ({example})"
            ),
            GenerateError::Unverified { source, destination, want, have } => write!(
                f,
                "the generated policies failed verification: {source} → {destination} is allowed {have}, the flows want {want}"
            ),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Pods that share a namespace and labels.
#[derive(Clone, Debug)]
struct Group {
    namespace: String,
    labels: BTreeMap<String, String>,
    members: Vec<usize>,
}

/// A selector that matches exactly the group's pods among the input's pods of
/// its namespace: its labels, and DoesNotExist for keys others carry but it lacks.
fn exact_selector(group: &Group, groups: &[Group]) -> Value {
    let mut absent = BTreeSet::new();
    for other in groups.iter().filter(|g| g.namespace == group.namespace) {
        for key in other.labels.keys() {
            if !group.labels.contains_key(key) {
                absent.insert(key.clone());
            }
        }
    }
    let mut selector = Map::new();
    if !group.labels.is_empty() {
        selector.insert("matchLabels".into(), json!(group.labels));
    }
    if !absent.is_empty() {
        let expressions: Vec<Value> = absent.iter().map(|k| json!({"key": k, "operator": "DoesNotExist"})).collect();
        selector.insert("matchExpressions".into(), Value::Array(expressions));
    }
    Value::Object(selector)
}

fn peer(group: &Group, groups: &[Group], policy_namespace: &str) -> Value {
    let pods = exact_selector(group, groups);
    if group.namespace == policy_namespace {
        json!({"podSelector": pods})
    } else {
        json!({"podSelector": pods, "namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: group.namespace}}})
    }
}

/// A port entry: the destination group's port name when all its pods declare
/// the same one for that number and protocol, else the number.
fn port_entry(destination: &Group, endpoints: &[Endpoint], port: u16, protocol: Protocol) -> Value {
    let names: BTreeSet<Option<&str>> = destination
        .members
        .iter()
        .map(|m| {
            endpoints.get(*m).and_then(|e| {
                e.ports
                    .iter()
                    .find(|p| p.number == port && p.protocol == protocol && !p.name.is_empty())
                    .map(|p| p.name.as_str())
            })
        })
        .collect();
    match names.into_iter().collect::<Vec<_>>().as_slice() {
        [Some(name)] => json!({"protocol": protocol.as_str(), "port": name}),
        _ => json!({"protocol": protocol.as_str(), "port": port}),
    }
}

fn dns_rule() -> Value {
    json!({
        "to": [{
            "namespaceSelector": {"matchLabels": {NAMESPACE_NAME_LABEL: "kube-system"}},
            "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
        }],
        "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
    })
}

fn is_kube_dns(endpoint: &Endpoint) -> bool {
    endpoint.namespace == "kube-system" && endpoint.labels.get("k8s-app").map(String::as_str) == Some("kube-dns")
}

/// A generated policy and what it allows, in words.
#[derive(Clone, Debug, PartialEq)]
pub struct Generated {
    pub policy: Value,
    pub comment: String,
}

fn policy(namespace: &str, name: &str, spec: Value) -> Value {
    json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": spec,
    })
}

/// A DNS-1123 name from labels: `allow-app-web`.
fn group_name(group: &Group, taken: &mut BTreeSet<(String, String)>) -> String {
    let mut base: String = group
        .labels
        .iter()
        .map(|(k, v)| format!("{}-{v}", k.rsplit('/').next().unwrap_or(k)))
        .collect::<Vec<_>>()
        .join("-")
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() || c == '-' { c } else { '-' })
        .collect();
    base = base.trim_matches('-').to_owned();
    base.truncate(40);
    let base = if base.is_empty() { "allow-unlabelled".to_owned() } else { format!("allow-{base}") };
    let base = base.trim_end_matches('-').to_owned();
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert((group.namespace.clone(), name.clone())) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// The flows as (source, destination, protocol, port) by endpoint index; a
/// flow from a pod to itself is dropped (a pod always reaches itself).
fn wanted_flows(engine: &Engine, flows: &Flows) -> Result<BTreeSet<(usize, usize, Protocol, u16)>, GenerateError> {
    let mut wanted: BTreeSet<(usize, usize, Protocol, u16)> = BTreeSet::new();
    for (i, flow) in flows.flows.iter().enumerate() {
        let resolve = |end: &'static str, id: &str| -> Result<usize, GenerateError> {
            let reference = parse_endpoint(engine, id).map_err(|e| GenerateError::UnknownEndpoint {
                flow: i,
                end,
                id: id.to_owned(),
                hint: e.to_string(),
            })?;
            if reference.is_external() {
                return Err(GenerateError::External { flow: i, id: id.to_owned() });
            }
            engine.endpoint_index(id).ok_or_else(|| GenerateError::UnknownEndpoint {
                flow: i,
                end,
                id: id.to_owned(),
                hint: format!("`{id}` names no pod or workload"),
            })
        };
        let s = resolve("from", &flow.from)?;
        let d = resolve("to", &flow.to)?;
        if s != d {
            wanted.insert((s, d, flow.protocol.0, flow.port.0));
        }
    }

    Ok(wanted)
}

/// The policies for exactly `flows` among the input's pods (its own policies
/// set aside), verified by the engine.
pub fn generate(
    inventory: &Inventory,
    options: &NetpolOptions,
    flows: &Flows,
) -> Result<Vec<Generated>, GenerateError> {
    let without = without_policies(inventory, Vec::new());
    let engine = Engine::new(&without, options);
    let endpoints = &engine.endpoints;
    let wanted = wanted_flows(&engine, flows)?;

    // Groups: (namespace, labels).
    let mut group_index: BTreeMap<(&str, &BTreeMap<String, String>), usize> = BTreeMap::new();
    let mut groups: Vec<Group> = Vec::new();
    let mut group_of = vec![0usize; endpoints.len()];
    for (i, e) in endpoints.iter().enumerate() {
        let next = groups.len();
        let g = *group_index.entry((e.namespace.as_str(), &e.labels)).or_insert(next);
        if g == next {
            groups.push(Group { namespace: e.namespace.clone(), labels: e.labels.clone(), members: Vec::new() });
        }
        if let (Some(group), Some(slot)) = (groups.get_mut(g), group_of.get_mut(i)) {
            group.members.push(i);
            *slot = g;
        }
    }
    let group_of_endpoint = |i: usize| group_of.get(i).copied().unwrap_or(0);
    // Group-level flows must expand to exactly the wanted flows.
    let block: BTreeSet<(usize, usize, Protocol, u16)> =
        wanted.iter().map(|(s, d, p, n)| (group_of_endpoint(*s), group_of_endpoint(*d), *p, *n)).collect();
    for &(gs, gd, protocol, port) in &block {
        let (Some(sources), Some(destinations)) = (groups.get(gs), groups.get(gd)) else { continue };
        for &s in &sources.members {
            for &d in &destinations.members {
                if s == d || wanted.contains(&(s, d, protocol, port)) {
                    continue;
                }
                // Name a wanted flow of the same block that differs in one end.
                let witness = wanted
                    .iter()
                    .find(|(ws, wd, p, n)| {
                        *p == protocol && *n == port && group_of_endpoint(*ws) == gs && group_of_endpoint(*wd) == gd
                    })
                    .copied();
                let id = |i: usize| endpoints.get(i).map(|e| e.id.clone()).unwrap_or_default();
                let (wanted_end, unwanted_end) = match witness {
                    Some((ws, _, _, _)) if ws != s => (id(ws), id(s)),
                    Some((_, wd, _, _)) => (id(wd), id(d)),
                    None => (id(s), id(d)),
                };
                let example = match witness {
                    Some((ws, wd, p, n)) => {
                        format!("{} → {} on {n}/{p} is wanted, {} → {} is not", id(ws), id(wd), id(s), id(d))
                    }
                    None => String::new(),
                };
                return Err(GenerateError::Indistinguishable { wanted: wanted_end, unwanted: unwanted_end, example });
            }
        }
    }

    // Per group: incoming rules by source group, outgoing by destination group.
    let mut incoming: BTreeMap<usize, BTreeMap<usize, BTreeSet<(Protocol, u16)>>> = BTreeMap::new();
    let mut outgoing: BTreeMap<usize, BTreeMap<usize, BTreeSet<(Protocol, u16)>>> = BTreeMap::new();
    for &(gs, gd, protocol, port) in &block {
        incoming.entry(gd).or_default().entry(gs).or_default().insert((protocol, port));
        outgoing.entry(gs).or_default().entry(gd).or_default().insert((protocol, port));
    }
    let namespaces: BTreeSet<&str> = groups.iter().map(|g| g.namespace.as_str()).collect();
    let mut out = Vec::new();
    let mut taken: BTreeSet<(String, String)> = BTreeSet::new();
    for namespace in &namespaces {
        taken.insert(((*namespace).to_owned(), "default-deny".to_owned()));
        let mut spec = json!({"podSelector": {}, "policyTypes": ["Ingress", "Egress"]});
        let comment = if flows.dns {
            spec["egress"] = json!([dns_rule()]);
            format!(
                "Denies all traffic to and from pods in {namespace}, except DNS (UDP and TCP 53) to kube-dns in kube-system."
            )
        } else {
            format!("Denies all traffic to and from pods in {namespace}.")
        };
        out.push(Generated { policy: policy(namespace, "default-deny", spec), comment });
    }
    for (g, group) in groups.iter().enumerate() {
        let dns_server = flows.dns && group.members.iter().any(|m| endpoints.get(*m).is_some_and(is_kube_dns));
        let has_in = incoming.contains_key(&g) || dns_server;
        let has_out = outgoing.contains_key(&g);
        if !has_in && !has_out {
            continue;
        }
        let mut spec = Map::new();
        spec.insert("podSelector".into(), exact_selector(group, &groups));
        let mut types = Vec::new();
        let mut said = Vec::new();
        if has_in {
            types.push("Ingress");
            let mut rules = Vec::new();
            // Sources with the same ports share one rule.
            for (ports, sources) in by_ports(incoming.get(&g)) {
                let peers: Vec<Value> =
                    sources.iter().filter_map(|s| groups.get(*s)).map(|s| peer(s, &groups, &group.namespace)).collect();
                let entries: Vec<Value> = ports.iter().map(|(p, n)| port_entry(group, endpoints, *n, *p)).collect();
                rules.push(json!({"from": peers, "ports": entries}));
                let names: Vec<String> = sources.iter().filter_map(|s| groups.get(*s)).map(describe).collect();
                said.push(format!("from {} on {}", names.join(" and "), describe_ports(&ports)));
            }
            if dns_server {
                rules.push(json!({"from": [{"namespaceSelector": {}}], "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}]}));
                said.push("DNS (UDP and TCP 53) from every namespace".to_owned());
            }
            spec.insert("ingress".into(), Value::Array(rules));
        }
        if has_out {
            types.push("Egress");
            let mut rules = Vec::new();
            for (gd, ports) in outgoing.get(&g).into_iter().flatten() {
                let Some(destination) = groups.get(*gd) else { continue };
                // Named ports resolve on each destination, so destinations keep their own rules.
                let entries: Vec<Value> =
                    ports.iter().map(|(p, n)| port_entry(destination, endpoints, *n, *p)).collect();
                rules.push(json!({"to": [peer(destination, &groups, &group.namespace)], "ports": entries}));
                said.push(format!("to {} on {}", describe(destination), describe_ports(ports)));
            }
            spec.insert("egress".into(), Value::Array(rules));
        }
        spec.insert("policyTypes".into(), json!(types));
        let name = group_name(group, &mut taken);
        let comment = format!("Allows {} {}.", describe(group), said.join("; "));
        out.push(Generated { policy: policy(&group.namespace, &name, Value::Object(spec)), comment });
    }

    verify_wanted(inventory, options, &out, &wanted, flows.dns)?;
    Ok(out)
}

/// Multi-document YAML ready to apply, each policy under a comment saying what it allows.
pub fn to_yaml(generated: &[Generated]) -> String {
    let mut out = String::new();
    for (i, g) in generated.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        out.push_str(&format!("# {}\n", g.comment));
        out.push_str(&crate::load::to_yaml(&g.policy));
    }
    out
}

/// Peer groups keyed by the ports they are allowed on.
fn by_ports(
    peers: Option<&BTreeMap<usize, BTreeSet<(Protocol, u16)>>>,
) -> BTreeMap<BTreeSet<(Protocol, u16)>, Vec<usize>> {
    let mut out: BTreeMap<BTreeSet<(Protocol, u16)>, Vec<usize>> = BTreeMap::new();
    for (group, ports) in peers.into_iter().flatten() {
        out.entry(ports.clone()).or_default().push(*group);
    }
    out
}

fn describe(group: &Group) -> String {
    let labels: Vec<String> = group.labels.iter().map(|(k, v)| format!("{k}={v}")).collect();
    if labels.is_empty() {
        format!("unlabelled pods in {}", group.namespace)
    } else {
        format!("pods {} in {}", labels.join(","), group.namespace)
    }
}

fn describe_ports(ports: &BTreeSet<(Protocol, u16)>) -> String {
    ports.iter().map(|(p, n)| format!("{n}/{p}")).collect::<Vec<_>>().join(", ")
}

/// The input's objects without its NetworkPolicies, plus `extra`.
fn without_policies(inventory: &Inventory, extra: Vec<Loaded>) -> Inventory {
    let mut objects: Vec<Loaded> =
        inventory.objects.iter().filter(|o| o.kind() != Kind::NetworkPolicy).cloned().collect();
    objects.extend(extra);
    let namespaces = crate::load::collect_namespaces(&objects);
    Inventory { objects, namespaces }
}

/// Whether `generated` on the input (its own policies set aside) gives exactly
/// the wanted connections (plus DNS) on every port, pair by pair; see
/// [`verify_wanted`].
pub fn verify(
    inventory: &Inventory,
    options: &NetpolOptions,
    generated: &[Generated],
    flows: &Flows,
) -> Result<(), GenerateError> {
    let wanted = wanted_flows(&Engine::new(&without_policies(inventory, Vec::new()), options), flows)?;
    verify_wanted(inventory, options, generated, &wanted, flows.dns)
}

/// [`verify`] of flows by endpoint index. Pairs with a hostNetwork end are
/// not judged (no selector reaches them). Every pair that wants something is
/// checked, and every pair of classes the engine lets exchange anything:
/// those are found from each class's egress rules, so the walk costs the
/// allowed pairs, not all of them, once egress is isolated.
fn verify_wanted(
    inventory: &Inventory,
    options: &NetpolOptions,
    generated: &[Generated],
    wanted: &BTreeSet<(usize, usize, Protocol, u16)>,
    dns: bool,
) -> Result<(), GenerateError> {
    let Some(origin) = inventory.objects.first().map(|o| o.origin.clone()) else {
        return Ok(());
    };
    let mut extra = Vec::new();
    for g in generated {
        if let Some(object) = crate::load::object_from_json(Kind::NetworkPolicy, &g.policy) {
            extra.push(Loaded { object, origin: origin.clone(), invalid: Vec::new() });
        }
    }
    let engine = Engine::new(&without_policies(inventory, extra), options);
    let mut expected: BTreeMap<(usize, usize), Connections> = BTreeMap::new();
    for &(s, d, protocol, port) in wanted {
        expected.entry((s, d)).or_default().add(protocol, port, port);
    }
    let index = ConnectionIndex::new(&engine);
    let endpoints = &engine.endpoints;
    // Pairs that want something: the flows, and DNS to every kube-dns pod.
    let mut pairs: Vec<(usize, usize)> = expected.keys().copied().collect();
    for (d, destination) in endpoints.iter().enumerate() {
        if dns && is_kube_dns(destination) {
            pairs.extend((0..endpoints.len()).map(|s| (s, d)));
        }
    }
    // Pairs allowed anything: per source class, the classes its egress rules
    // name (all of them when its egress is open) that it may reach.
    let classes = engine.class_count() as u32;
    for s in 0..classes {
        let peers = index.peer_classes(Direction::Egress, s).map_or_else(|| (0..classes).collect(), |p| p.to_vec());
        for d in peers {
            if !index.between_classes_once(s, d).is_empty() {
                for &a in engine.members(s) {
                    pairs.extend(engine.members(d).iter().map(|&b| (a as usize, b as usize)));
                }
            }
        }
    }
    for (s, d) in pairs {
        let (Some(source), Some(destination), Some(&a), Some(&b)) =
            (endpoints.get(s), endpoints.get(d), engine.class_of().get(s), engine.class_of().get(d))
        else {
            continue;
        };
        if s == d || source.host_network || destination.host_network {
            continue;
        }
        let mut want = expected.get(&(s, d)).cloned().unwrap_or_default();
        if dns && is_kube_dns(destination) {
            want.add(Protocol::UDP, 53, 53);
            want.add(Protocol::TCP, 53, 53);
        }
        let have = index.between_classes_once(a, b);
        if have != want {
            return Err(GenerateError::Unverified {
                source: source.id.clone(),
                destination: destination.id.clone(),
                want: want.to_string(),
                have: have.to_string(),
            });
        }
    }
    Ok(())
}
