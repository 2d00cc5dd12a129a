//! Minimal verified fixes (netpol.md §45): for one pair, port and protocol and
//! a wanted verdict, single-object edits — a label added to or removed from a
//! pod template or namespace, a peer added to a rule, a port added or
//! narrowed, a rule removed, a new policy — each written as an RFC 6902 patch
//! against the object's document and kept only if the engine, rebuilt on the
//! patched input, gives the wanted verdict. Its side effects (every other
//! cluster pair whose verdict on the same port and protocol changes) come from
//! the connectivity diff of the input and the patched input.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::sync::Arc;

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::diff::port_changes;
use super::endpoint::{Endpoint, EndpointRef, object_endpoint};
use super::engine::{Engine, NamespaceEntry};
use super::explain::{ExplainError, parse_endpoint, resolve_endpoint};
use super::policy::{Direction, NamespaceScope, PeerKind, Policy, PortMatch, PortSpec, compile_object};
use super::selector::{Op, Selector};
use super::{NetpolOptions, Protocol};
use crate::diagnostic::Diagnostic;
use crate::model::{Inventory, Kind, Loaded, NAMESPACE_NAME_LABEL, Object};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "kebab-case")]
pub enum FixKind {
    AddLabel,
    RemoveLabel,
    AddPeer,
    AddPort,
    NarrowPort,
    NewPolicy,
    RemoveRule,
}

impl FixKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FixKind::AddLabel => "add-label",
            FixKind::RemoveLabel => "remove-label",
            FixKind::AddPeer => "add-peer",
            FixKind::AddPort => "add-port",
            FixKind::NarrowPort => "narrow-port",
            FixKind::NewPolicy => "new-policy",
            FixKind::RemoveRule => "remove-rule",
        }
    }
}

/// One RFC 6902 operation (only `add`, `remove` and `replace` are needed).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Clone, Debug, PartialEq, Eq, Hash)]
pub struct PatchOp {
    pub op: &'static str,
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional, type = "JsonValue"))]
    pub value: Option<Value>,
}

impl PatchOp {
    fn add(path: String, value: Value) -> PatchOp {
        PatchOp { op: "add", path, value: Some(value) }
    }

    fn remove(path: String) -> PatchOp {
        PatchOp { op: "remove", path, value: None }
    }

    fn replace(path: String, value: Value) -> PatchOp {
        PatchOp { op: "replace", path, value: Some(value) }
    }
}

/// Another pair whose verdict on the same port and protocol the fix changes.
pub use super::diff::{PortChange as SideEffect, PortChanges as SideEffects};

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct Fix {
    pub kind: FixKind,
    /// `namespace/name[Kind]`, or `name[Kind]` for cluster-scoped kinds.
    pub object: String,
    /// Applied to the object's document as loaded, or to `{}` for a new object.
    pub patch: Vec<PatchOp>,
    /// The changed fragment of the patched document.
    pub yaml: String,
    pub file: Option<String>,
    /// 1-based line of the object's first line.
    pub line: Option<usize>,
    /// Every other pair whose verdict on the port changes, by source, then destination.
    #[cfg_attr(feature = "ts", ts(as = "Vec<SideEffect>"))]
    pub side_effects: SideEffects,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Clone, Debug, PartialEq)]
pub struct FixReport {
    pub now: bool,
    pub want: bool,
    pub fixes: Vec<Fix>,
}

#[derive(Clone, Debug)]
pub struct FixQuery {
    pub from: String,
    pub to: String,
    pub port: u16,
    pub protocol: Protocol,
    /// Whether the connection should be allowed.
    pub want: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub enum FixError {
    /// The source (`argument` is `from`) or the destination (`to`) names no
    /// endpoint; each front end names the argument its own way (`--from`, `options.from`).
    Endpoint { argument: &'static str, error: ExplainError },
    /// The same endpoint twice: loopback is always allowed (netpol.md §34).
    SameEndpoint { id: String },
    /// Both external.
    BothExternal,
}

impl fmt::Display for FixError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FixError::Endpoint { argument, error } => write!(f, "{argument}: {error}"),
            FixError::SameEndpoint { id } => {
                write!(
                    f,
                    "the source and the destination both name {id}: a pod may always reach itself (no fix applies)"
                )
            }
            FixError::BothExternal => {
                write!(f, "the source and the destination are both external: no policy governs that traffic")
            }
        }
    }
}

impl std::error::Error for FixError {}

/// JSON Pointer escaping (RFC 6901): `~` as `~0`, `/` as `~1`.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Which object a candidate patches.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Target {
    /// Index into `Inventory::objects`.
    Existing(usize),
    /// A new object of this kind (namespace, name).
    New(Kind, Option<String>, String),
}

#[derive(Clone, Debug)]
struct Candidate {
    kind: FixKind,
    target: Target,
    patch: Vec<PatchOp>,
}

/// An object as its document: the typed object serialised again (the fields a
/// patch touches are spelled as the input spells them).
pub(crate) fn document(object: &Object) -> Option<Value> {
    let value = match object {
        Object::Pod(o) => serde_json::to_value(o),
        Object::Deployment(o) => serde_json::to_value(o),
        Object::StatefulSet(o) => serde_json::to_value(o),
        Object::DaemonSet(o) => serde_json::to_value(o),
        Object::ReplicaSet(o) => serde_json::to_value(o),
        Object::ReplicationController(o) => serde_json::to_value(o),
        Object::Job(o) => serde_json::to_value(o),
        Object::CronJob(o) => serde_json::to_value(o),
        Object::Namespace(o) => serde_json::to_value(o),
        Object::NetworkPolicy(o) => serde_json::to_value(o),
        _ => return None,
    };
    value.ok()
}

pub(crate) fn pointer_tokens(path: &str) -> Vec<String> {
    path.split('/').skip(1).map(|t| t.replace("~1", "/").replace("~0", "~")).collect()
}

/// Applies `add`, `remove` and `replace` as RFC 6902 defines them; `None`
/// when a path does not resolve.
pub fn apply_patch(document: &Value, patch: &[PatchOp]) -> Option<Value> {
    let mut doc = document.clone();
    for op in patch {
        let tokens = pointer_tokens(&op.path);
        let Some((last, parents)) = tokens.split_last() else {
            // The whole document.
            match op.op {
                "add" | "replace" => doc = op.value.clone()?,
                _ => return None,
            }
            continue;
        };
        let mut parent = &mut doc;
        for token in parents {
            parent = match parent {
                Value::Object(map) => map.get_mut(token)?,
                Value::Array(items) => items.get_mut(token.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        match (parent, op.op) {
            (Value::Object(map), "add") => {
                map.insert(last.clone(), op.value.clone()?);
            }
            (Value::Object(map), "replace") => {
                *map.get_mut(last)? = op.value.clone()?;
            }
            (Value::Object(map), "remove") => {
                map.remove(last)?;
            }
            (Value::Array(items), "add") => {
                let value = op.value.clone()?;
                if last == "-" {
                    items.push(value);
                } else {
                    let index: usize = last.parse().ok()?;
                    if index > items.len() {
                        return None;
                    }
                    items.insert(index, value);
                }
            }
            (Value::Array(items), "replace") => {
                *items.get_mut(last.parse::<usize>().ok()?)? = op.value.clone()?;
            }
            (Value::Array(items), "remove") => {
                let index: usize = last.parse().ok()?;
                if index >= items.len() {
                    return None;
                }
                items.remove(index);
            }
            _ => return None,
        }
    }
    Some(doc)
}

/// The pair's verdict in `engine` on one port and protocol.
pub fn verdict(engine: &Engine, from: &EndpointRef, to: &EndpointRef, port: u16, protocol: Protocol) -> bool {
    let view = engine.view(port, protocol);
    let index = |r: &EndpointRef| engine.endpoint_index(&r.to_string());
    let range = |r: &EndpointRef| r.range().and_then(Result::ok);
    match (from.is_external(), to.is_external()) {
        (false, false) => match (index(from), index(to)) {
            (Some(s), Some(d)) => engine.allowed(&view, s, d),
            _ => false,
        },
        (false, true) => match (index(from), range(to)) {
            (Some(s), Some(r)) => engine.to_external_allowed(&view, s, &r),
            _ => false,
        },
        (true, false) => match (range(from), index(to)) {
            (Some(r), Some(d)) => engine.from_external_allowed(&view, d, &r),
            _ => false,
        },
        (true, true) => true,
    }
}

/// A label change on one object.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum LabelEdit {
    Set(String, String),
    Remove(String),
}

/// The fewest label edits that make `selector` match `labels`; `None` when
/// they contradict each other.
fn edits_to_match(selector: &Selector, labels: &BTreeMap<String, String>) -> Option<Vec<LabelEdit>> {
    let mut edits = Vec::new();
    let mut changed = labels.clone();
    for requirement in &selector.requirements {
        if requirement.matches(&changed) {
            continue;
        }
        let key = requirement.key.clone();
        match &requirement.op {
            Op::In(values) => {
                let value = values.first()?.clone();
                changed.insert(key.clone(), value.clone());
                edits.push(LabelEdit::Set(key, value));
            }
            Op::Exists => {
                changed.insert(key.clone(), "true".to_owned());
                edits.push(LabelEdit::Set(key, "true".to_owned()));
            }
            Op::NotIn(_) | Op::DoesNotExist => {
                changed.remove(&key);
                edits.push(LabelEdit::Remove(key));
            }
        }
    }
    selector.matches(&changed).then_some(edits)
}

/// Single label removals that make a matching `selector` stop matching.
fn removals_to_unmatch(selector: &Selector, labels: &BTreeMap<String, String>) -> Vec<LabelEdit> {
    let mut out = BTreeSet::new();
    for requirement in &selector.requirements {
        if requirement.needs_key() && labels.contains_key(&requirement.key) {
            out.insert(LabelEdit::Remove(requirement.key.clone()));
        }
    }
    out.into_iter().collect()
}

/// The JSON Pointer of an endpoint's labels inside its object's document.
fn labels_pointer(loaded: &Loaded) -> Option<String> {
    let workload = loaded.workload()?;
    let template = workload.template_path;
    let base = if template.is_empty() {
        String::new()
    } else {
        template.split('.').map(|t| format!("/{}", escape(t))).collect()
    };
    Some(format!("{base}/metadata/labels"))
}

/// Keys a workload's own selector reads: changing them would orphan its pods
/// (the API server requires the selector to match the template).
fn workload_selector_keys(document: &Value) -> BTreeSet<String> {
    let mut keys = BTreeSet::new();
    let selector = &document["spec"]["selector"];
    if let Some(map) = selector.get("matchLabels").and_then(Value::as_object) {
        keys.extend(map.keys().cloned());
    }
    for expression in selector.get("matchExpressions").and_then(Value::as_array).into_iter().flatten() {
        if let Some(key) = expression.get("key").and_then(Value::as_str) {
            keys.insert(key.to_owned());
        }
    }
    // A bare map (ReplicationController's selector).
    if let Some(map) =
        selector.as_object().filter(|m| !m.contains_key("matchLabels") && !m.contains_key("matchExpressions"))
    {
        keys.extend(map.keys().cloned());
    }
    keys
}

/// Label edits on an object whose labels live at `pointer` (present or not).
fn label_patch(document: &Value, pointer: &str, edits: &[LabelEdit]) -> Option<Vec<PatchOp>> {
    let existing = document.pointer(pointer).and_then(Value::as_object).cloned();
    let mut ops = Vec::new();
    match existing {
        None => {
            let mut map = Map::new();
            for edit in edits {
                match edit {
                    LabelEdit::Set(k, v) => {
                        map.insert(k.clone(), json!(v));
                    }
                    LabelEdit::Remove(_) => return None,
                }
            }
            ops.push(PatchOp::add(pointer.to_owned(), Value::Object(map)));
        }
        Some(map) => {
            for edit in edits {
                match edit {
                    LabelEdit::Set(k, v) if map.contains_key(k) => {
                        ops.push(PatchOp::replace(format!("{pointer}/{}", escape(k)), json!(v)))
                    }
                    LabelEdit::Set(k, v) => ops.push(PatchOp::add(format!("{pointer}/{}", escape(k)), json!(v))),
                    LabelEdit::Remove(k) if map.contains_key(k) => {
                        ops.push(PatchOp::remove(format!("{pointer}/{}", escape(k))))
                    }
                    LabelEdit::Remove(_) => return None,
                }
            }
        }
    }
    Some(ops)
}

fn label_kind(edits: &[LabelEdit]) -> FixKind {
    if edits.iter().all(|e| matches!(e, LabelEdit::Remove(_))) { FixKind::RemoveLabel } else { FixKind::AddLabel }
}

struct Context<'a> {
    inventory: &'a Inventory,
    engine: &'a Engine,
    from: Endpoint,
    to: Endpoint,
    port: u16,
    protocol: Protocol,
}

impl Context<'_> {
    /// Label edits on a cluster endpoint's pod template.
    fn endpoint_labels(&self, endpoint: &Endpoint, edits: &[LabelEdit], out: &mut Vec<Candidate>) {
        if edits.is_empty() {
            return;
        }
        let Some(index) = endpoint.object else { return };
        let Some(loaded) = self.inventory.objects.get(index) else { return };
        let (Some(document), Some(pointer)) = (document(&loaded.object), labels_pointer(loaded)) else { return };
        if loaded.kind() != Kind::Pod {
            let reserved = workload_selector_keys(&document);
            let touches = |e: &LabelEdit| match e {
                LabelEdit::Set(k, _) | LabelEdit::Remove(k) => reserved.contains(k),
            };
            if edits.iter().any(touches) {
                return;
            }
        }
        if let Some(patch) = label_patch(&document, &pointer, edits) {
            out.push(Candidate { kind: label_kind(edits), target: Target::Existing(index), patch });
        }
    }

    /// Label edits on a namespace, declared or implicit.
    fn namespace_labels(&self, namespace: &str, edits: &[LabelEdit], out: &mut Vec<Candidate>) {
        if edits.is_empty()
            || edits
                .iter()
                .any(|e| matches!(e, LabelEdit::Set(k, _) | LabelEdit::Remove(k) if k == NAMESPACE_NAME_LABEL))
        {
            return;
        }
        let Some(info) = self.inventory.namespace(namespace) else { return };
        match info.declared_by {
            Some(index) => {
                let Some(document) = self.inventory.objects.get(index).and_then(|l| document(&l.object)) else {
                    return;
                };
                if let Some(patch) = label_patch(&document, "/metadata/labels", edits) {
                    out.push(Candidate { kind: label_kind(edits), target: Target::Existing(index), patch });
                }
            }
            None => {
                let mut labels = Map::new();
                for edit in edits {
                    match edit {
                        LabelEdit::Set(k, v) => {
                            labels.insert(k.clone(), json!(v));
                        }
                        LabelEdit::Remove(_) => return,
                    }
                }
                let value =
                    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace, "labels": labels}});
                out.push(Candidate {
                    kind: FixKind::AddLabel,
                    target: Target::New(Kind::Namespace, None, namespace.to_owned()),
                    patch: vec![PatchOp::add(String::new(), value)],
                });
            }
        }
    }

    /// Single label edits on both endpoints and their namespaces, for what
    /// the targeted candidates miss (a label that makes another policy select
    /// a pod, or stop selecting it).
    fn any_label(&self, out: &mut Vec<Candidate>) {
        let (pods, namespaces) = vocabularies(self.engine);
        for endpoint in [&self.from, &self.to] {
            if endpoint.is_external() {
                continue;
            }
            for edit in single_edits(&pods, &endpoint.labels) {
                self.endpoint_labels(endpoint, &[edit], out);
            }
        }
        let mut seen = BTreeSet::new();
        for endpoint in [&self.from, &self.to] {
            if endpoint.is_external() || !seen.insert(endpoint.namespace.clone()) {
                continue;
            }
            let labels = self.inventory.namespace(&endpoint.namespace).map(|n| n.labels.clone()).unwrap_or_default();
            for edit in single_edits(&namespaces, &labels) {
                self.namespace_labels(&endpoint.namespace, &[edit], out);
            }
        }
    }

    /// Peers that select `endpoint` from a policy in `policy_namespace`: by
    /// one of its labels or all of them, across namespaces by name; an
    /// external endpoint by its address.
    fn peers_for(&self, endpoint: &Endpoint, policy_namespace: &str) -> Vec<Value> {
        if let Some(range) = &endpoint.range {
            let _ = range;
            let EndpointRef::External(address) = &endpoint.reference else { return Vec::new() };
            let cidr = if address.contains('/') {
                address.clone()
            } else if address.contains(':') {
                format!("{address}/128")
            } else {
                format!("{address}/32")
            };
            return vec![json!({"ipBlock": {"cidr": cidr}})];
        }
        let mut pod_selectors: Vec<Value> =
            endpoint.labels.iter().map(|(k, v)| json!({"matchLabels": {k: v}})).collect();
        if endpoint.labels.len() > 1 {
            pod_selectors.push(json!({"matchLabels": endpoint.labels}));
        }
        if endpoint.namespace != policy_namespace {
            pod_selectors.push(json!({}));
        }
        pod_selectors
            .into_iter()
            .map(|pods| {
                if endpoint.namespace == policy_namespace {
                    json!({"podSelector": pods})
                } else {
                    let namespaces = json!({"matchLabels": {NAMESPACE_NAME_LABEL: endpoint.namespace}});
                    if pods == json!({}) {
                        json!({"namespaceSelector": namespaces})
                    } else {
                        json!({"podSelector": pods, "namespaceSelector": namespaces})
                    }
                }
            })
            .collect()
    }

    /// `base`, or `base-2`, `base-3`… when a NetworkPolicy of that name exists.
    fn unused_name(&self, namespace: &str, base: &str) -> String {
        let taken = |name: &str| {
            self.inventory
                .network_policies()
                .any(|(loaded, _)| loaded.name() == name && loaded.namespace().unwrap_or("default") == namespace)
        };
        let mut name = base.to_owned();
        let mut n = 2;
        while taken(&name) {
            name = format!("{base}-{n}");
            n += 1;
        }
        name
    }

    fn port_entry(&self) -> Value {
        json!({"protocol": self.protocol.as_str(), "port": self.port})
    }

    /// The subject and peer of one direction: egress is the source's side,
    /// ingress the destination's.
    fn sides(&self, direction: Direction) -> (&Endpoint, &Endpoint) {
        match direction {
            Direction::Egress => (&self.from, &self.to),
            Direction::Ingress => (&self.to, &self.from),
        }
    }

    fn side_allows(&self, direction: Direction) -> bool {
        let (subject, _) = self.sides(direction);
        let Some(index) = self.engine.endpoint_index(&subject.id) else {
            return true;
        };
        let view = self.engine.view(self.port, self.protocol);
        let Some(&class) = self.engine.class_of().get(index) else { return true };
        let Some(side) = self.engine.side(&view, direction, class) else { return true };
        let (_, peer) = self.sides(direction);
        match &peer.range {
            Some(range) => side.allows_external(range),
            None => self
                .engine
                .endpoint_index(&peer.id)
                .and_then(|i| self.engine.class_of().get(i))
                .is_some_and(|c| side.allows_class(*c)),
        }
    }

    /// Policies (index) selecting the subject of `direction` and governing it.
    fn governing(&self, direction: Direction) -> Vec<usize> {
        let (subject, _) = self.sides(direction);
        let Some(class) = self.engine.endpoint_index(&subject.id).and_then(|i| self.engine.class_of().get(i).copied())
        else {
            return Vec::new();
        };
        (0..self.engine.policies.len())
            .filter(|p| {
                self.engine.selected.get(*p).is_some_and(|s| s.contains(class))
                    && self.engine.policies.get(*p).is_some_and(|policy| policy.rules(direction).is_some())
            })
            .collect()
    }

    /// Whether a rule's ports cover the query's port on this pair (named
    /// ports resolve on the destination).
    fn rule_covers_port(&self, rule: &super::policy::Rule) -> bool {
        match rule.port_match(self.port, self.protocol) {
            PortMatch::None => false,
            PortMatch::All => true,
            PortMatch::Named(names) => {
                names.iter().any(|(name, protocol)| self.to.resolve(name, *protocol) == Some(self.port))
            }
        }
    }

    fn rule_pointer(&self, direction: Direction, rule: usize) -> String {
        format!("/spec/{}/{rule}", direction.field())
    }

    /// Candidates that open one blocked side.
    fn allow_side(&self, direction: Direction, out: &mut Vec<Candidate>) {
        let (subject, peer) = self.sides(direction);
        for p in self.governing(direction) {
            let Some(policy) = self.engine.policies.get(p) else { continue };
            let Some(rules) = policy.rules(direction) else { continue };
            for (ri, rule) in rules.iter().enumerate() {
                let pointer = self.rule_pointer(direction, rule.index);
                let peer_matches = self.engine.rule_side(p, direction, ri).is_some_and(|side| {
                    match (&peer.range, peer_class(self.engine, peer)) {
                        (Some(range), _) => side.allows_external(range),
                        (None, Some(class)) => side.allows_class(class),
                        _ => false,
                    }
                });
                let covers = self.rule_covers_port(rule);
                if peer_matches
                    && !covers
                    && let Some(entries) = &rule.ports
                    && !entries.is_empty()
                {
                    out.push(Candidate {
                        kind: FixKind::AddPort,
                        target: Target::Existing(policy.object),
                        patch: vec![PatchOp::add(format!("{pointer}/ports/-"), self.port_entry())],
                    });
                }
                if covers && !peer_matches {
                    let Some(peers) = &rule.peers else { continue };
                    // Label the peer (or its namespace) so that an existing peer entry matches it.
                    if peer.range.is_none() {
                        for entry in peers {
                            let PeerKind::Pods { namespaces, pods } = &entry.kind else { continue };
                            let namespace_labels =
                                self.inventory.namespace(&peer.namespace).map(|n| n.labels.clone()).unwrap_or_default();
                            let namespace_edits = match namespaces {
                                NamespaceScope::Own if peer.namespace == policy.namespace => Some(Vec::new()),
                                NamespaceScope::Own => None,
                                NamespaceScope::Selector(selector) => edits_to_match(selector, &namespace_labels),
                            };
                            let pod_edits = edits_to_match(pods, &peer.labels);
                            match (namespace_edits, pod_edits) {
                                (Some(n), Some(p)) if n.is_empty() => self.endpoint_labels(peer, &p, out),
                                (Some(n), Some(p)) if p.is_empty() => self.namespace_labels(&peer.namespace, &n, out),
                                _ => {}
                            }
                        }
                    }
                    for value in self.peers_for(peer, &policy.namespace) {
                        out.push(Candidate {
                            kind: FixKind::AddPeer,
                            target: Target::Existing(policy.object),
                            patch: vec![PatchOp::add(format!("{pointer}/{}/-", direction.peers_field()), value)],
                        });
                    }
                }
            }
        }
        // A new policy in the subject's namespace allowing exactly the peer on the port.
        if subject.range.is_none() {
            let mut selectors: Vec<Value> =
                subject.labels.iter().map(|(k, v)| json!({"matchLabels": {k: v}})).collect();
            if subject.labels.len() > 1 {
                selectors.push(json!({"matchLabels": subject.labels}));
            }
            for selector in selectors {
                for peer_value in self.peers_for(peer, &subject.namespace) {
                    let name = self.unused_name(
                        &subject.namespace,
                        &format!(
                            "allow-{}-{}-{}-{}",
                            direction.field(),
                            peer.name.replace(['.', '/', ':'], "-").to_lowercase(),
                            self.protocol.as_str().to_lowercase(),
                            self.port
                        ),
                    );
                    let rule = json!({direction.peers_field(): [peer_value], "ports": [self.port_entry()]});
                    out.push(new_policy(&subject.namespace, name, selector.clone(), direction, rule));
                }
            }
        }
    }

    /// Candidates that close one allowing side.
    fn deny_side(&self, direction: Direction, out: &mut Vec<Candidate>) {
        let (subject, peer) = self.sides(direction);
        let governing = self.governing(direction);
        if governing.is_empty() {
            // Not isolated: a policy selecting the subject that allows every
            // other port and protocol, so only this port closes.
            if subject.range.is_some() {
                return;
            }
            let selector = if subject.labels.is_empty() { json!({}) } else { json!({"matchLabels": subject.labels}) };
            let rule = json!({"ports": complement_ports(self.port, self.protocol)});
            let name = self.unused_name(
                &subject.namespace,
                &format!("deny-{}-{}-{}", direction.field(), self.protocol.as_str().to_lowercase(), self.port),
            );
            out.push(new_policy(&subject.namespace, name, selector, direction, rule));
            return;
        }
        for p in governing {
            let Some(policy) = self.engine.policies.get(p) else { continue };
            let Some(rules) = policy.rules(direction) else { continue };
            for (ri, rule) in rules.iter().enumerate() {
                let peer_matches = self.engine.rule_side(p, direction, ri).is_some_and(|side| {
                    match (&peer.range, peer_class(self.engine, peer)) {
                        (Some(range), _) => side.allows_external(range),
                        (None, Some(class)) => side.allows_class(class),
                        _ => false,
                    }
                });
                if !peer_matches || !self.rule_covers_port(rule) {
                    continue;
                }
                let pointer = self.rule_pointer(direction, rule.index);
                out.push(Candidate {
                    kind: FixKind::RemoveRule,
                    target: Target::Existing(policy.object),
                    patch: vec![PatchOp::remove(pointer.clone())],
                });
                // Narrow the ports: every other port the rule allowed stays allowed.
                let narrowed = match &rule.ports {
                    None => Some(complement_ports(self.port, self.protocol)),
                    Some(entries) => narrow_entries(entries, self.port, self.protocol),
                };
                if let Some(ports) = narrowed
                    && !ports.is_empty()
                {
                    let op = if rule.ports.is_some() {
                        PatchOp::replace(format!("{pointer}/ports"), Value::Array(ports))
                    } else {
                        PatchOp::add(format!("{pointer}/ports"), Value::Array(ports))
                    };
                    out.push(Candidate {
                        kind: FixKind::NarrowPort,
                        target: Target::Existing(policy.object),
                        patch: vec![op],
                    });
                }
                // Take away the label (or namespace label) an allowing peer entry relies on.
                if peer.range.is_none() {
                    for entry in rule.peers.iter().flatten() {
                        let PeerKind::Pods { namespaces, pods } = &entry.kind else { continue };
                        if pods.matches(&peer.labels) {
                            for edit in removals_to_unmatch(pods, &peer.labels) {
                                self.endpoint_labels(peer, &[edit], out);
                            }
                        }
                        if let NamespaceScope::Selector(selector) = namespaces
                            && let Some(info) = self.inventory.namespace(&peer.namespace)
                        {
                            for edit in removals_to_unmatch(selector, &info.labels) {
                                self.namespace_labels(&peer.namespace, &[edit], out);
                            }
                        }
                    }
                }
            }
        }
    }
}

/// (key, values) that pod selectors and namespace selectors read, each value
/// list ending in one value no selector names.
type Vocabulary = BTreeMap<String, BTreeSet<String>>;

fn add_selector(vocabulary: &mut Vocabulary, selector: &Selector) {
    for requirement in &selector.requirements {
        let values = vocabulary.entry(requirement.key.clone()).or_default();
        if let Op::In(list) | Op::NotIn(list) = &requirement.op {
            values.extend(list.iter().cloned());
        }
    }
}

fn vocabularies(engine: &Engine) -> (Vocabulary, Vocabulary) {
    let (mut pods, mut namespaces) = (Vocabulary::new(), Vocabulary::new());
    for policy in &engine.policies {
        add_selector(&mut pods, &policy.selector);
        for rule in policy.ingress.iter().chain(policy.egress.iter()).flatten() {
            for peer in rule.peers.iter().flatten() {
                if let PeerKind::Pods { namespaces: scope, pods: selector } = &peer.kind {
                    add_selector(&mut pods, selector);
                    if let NamespaceScope::Selector(selector) = scope {
                        add_selector(&mut namespaces, selector);
                    }
                }
            }
        }
    }
    (pods, namespaces)
}

/// Every single label edit a selector can observe: each key set to each value
/// selectors name or to one they do not, or removed.
fn single_edits(vocabulary: &Vocabulary, labels: &BTreeMap<String, String>) -> Vec<LabelEdit> {
    let mut out = Vec::new();
    for (key, values) in vocabulary {
        let unnamed = (0..).map(|n| format!("other-{n}")).find(|v| !values.contains(v)).unwrap_or_default();
        for value in values.iter().cloned().chain([unnamed]) {
            if labels.get(key) != Some(&value) {
                out.push(LabelEdit::Set(key.clone(), value));
            }
        }
        if labels.contains_key(key) {
            out.push(LabelEdit::Remove(key.clone()));
        }
    }
    out
}

fn peer_class(engine: &Engine, endpoint: &Endpoint) -> Option<u32> {
    engine.endpoint_index(&endpoint.id).and_then(|i| engine.class_of().get(i).copied())
}

/// Port entries for every port of every protocol except `port`/`protocol`.
fn complement_ports(port: u16, protocol: Protocol) -> Vec<Value> {
    let mut out = Vec::new();
    for other in [Protocol::TCP, Protocol::UDP, Protocol::SCTP] {
        if other != protocol {
            out.push(json!({"protocol": other.as_str()}));
        }
    }
    out.extend(range_entries(protocol, 1, u32::from(port).saturating_sub(1)));
    out.extend(range_entries(protocol, u32::from(port) + 1, 65535));
    out
}

fn range_entries(protocol: Protocol, lo: u32, hi: u32) -> Option<Value> {
    match lo.cmp(&hi) {
        std::cmp::Ordering::Greater => None,
        std::cmp::Ordering::Equal => Some(json!({"protocol": protocol.as_str(), "port": lo})),
        std::cmp::Ordering::Less => Some(json!({"protocol": protocol.as_str(), "port": lo, "endPort": hi})),
    }
}

/// A rule's port entries without `port`/`protocol`: ranges split around it,
/// a protocol-wide entry split into two ranges; `None` when a named port
/// covers it (narrowing a name changes every pod's meaning of it).
fn narrow_entries(entries: &[super::policy::PortEntry], port: u16, protocol: Protocol) -> Option<Vec<Value>> {
    let mut out = Vec::new();
    for entry in entries {
        let proto = entry.protocol.as_str();
        match &entry.spec {
            _ if entry.protocol != protocol => out.push(entry_value(entry)),
            PortSpec::Any => {
                out.extend(range_entries(protocol, 1, u32::from(port).saturating_sub(1)));
                out.extend(range_entries(protocol, u32::from(port) + 1, 65535));
            }
            PortSpec::Range(lo, hi) if *lo <= port && port <= *hi => {
                out.extend(range_entries(protocol, u32::from(*lo), u32::from(port).saturating_sub(1)));
                out.extend(range_entries(protocol, u32::from(port) + 1, u32::from(*hi)));
            }
            PortSpec::Range(..) => out.push(entry_value(entry)),
            PortSpec::Named(name) => out.push(json!({"protocol": proto, "port": name})),
        }
    }
    Some(out)
}

fn entry_value(entry: &super::policy::PortEntry) -> Value {
    let protocol = entry.protocol.as_str();
    match &entry.spec {
        PortSpec::Any => json!({"protocol": protocol}),
        PortSpec::Range(lo, hi) if lo == hi => json!({"protocol": protocol, "port": lo}),
        PortSpec::Range(lo, hi) => json!({"protocol": protocol, "port": lo, "endPort": hi}),
        PortSpec::Named(name) => json!({"protocol": protocol, "port": name}),
    }
}

/// A candidate's object after its patch: its index in the input (one past the
/// end for a new object), the object it replaces, and the patched object and
/// document; `None` when the patch does not apply or the result is not a valid
/// object of its kind.
fn apply_candidate<'i>(
    inventory: &'i Inventory,
    candidate: &Candidate,
) -> Option<(usize, Option<&'i Loaded>, Loaded, Value)> {
    let (index, original, kind, base, origin) = match &candidate.target {
        Target::Existing(index) => {
            let loaded = inventory.objects.get(*index)?;
            (*index, Some(loaded), loaded.kind(), document(&loaded.object)?, loaded.origin.clone())
        }
        Target::New(kind, _, _) => {
            (inventory.objects.len(), None, *kind, json!({}), inventory.objects.first()?.origin.clone())
        }
    };
    let value = apply_patch(&base, &candidate.patch)?;
    let changed = Loaded { object: crate::load::object_from_json(kind, &value)?, origin, invalid: Vec::new() };
    Some((index, original, changed, value))
}

/// A candidate's change to the input, compiled once: the patched document,
/// and the policy, endpoint and namespaces that [`Engine::new`] would compile
/// from the patched input in place of the original object's.
struct Change {
    /// The changed object's index in the input (one past the end for a new object).
    index: usize,
    document: Value,
    /// Whether the original object compiled to a valid policy (which the change replaces).
    replaces_policy: bool,
    policy: Option<Policy>,
    /// Whether the endpoints change: the original object had one or the changed one has.
    moves_endpoint: bool,
    endpoint: Option<Endpoint>,
    /// The patched input's namespaces, when the change touches them.
    namespaces: Option<Vec<NamespaceEntry>>,
    /// The patched input's engine built from scratch, to check the others against.
    #[cfg(debug_assertions)]
    full: Engine,
}

/// A candidate compiled against the input; `None` when the patch does not
/// apply, the result is not a valid object of its kind, or the patched object
/// is invalid where the original was not (more errors): the API server would
/// reject it.
fn change(inventory: &Inventory, engine: &Engine, candidate: &Candidate) -> Option<Change> {
    let (index, original, changed, document) = apply_candidate(inventory, candidate)?;
    // Policies are compiled in input order: the changed object's takes its place.
    let compiled = |loaded: Option<&Loaded>| loaded.and_then(|l| compile_object(index, l));
    let (was, now) = (compiled(original), compiled(Some(&changed)));
    let errors =
        |c: &Option<Result<Policy, Vec<Diagnostic>>>| c.as_ref().map_or(0, |r| r.as_ref().err().map_or(0, Vec::len));
    let rejected = errors(&now) > errors(&was);
    #[cfg(debug_assertions)]
    let full = Engine::new(&patched_inventory(inventory, index, &changed), &engine.options);
    #[cfg(debug_assertions)]
    assert_eq!(full.diagnostics.len() > engine.diagnostics.len(), rejected, "verification rejects as a rebuild does");
    if rejected {
        return None;
    }
    let endpoint_was = original.and_then(|l| object_endpoint(index, l));
    let endpoint = object_endpoint(index, &changed);
    // Namespaces change with a Namespace object, or with an object in a namespace not seen yet.
    let known = |namespace: Option<&str>| namespace.is_none_or(|n| engine.namespaces.iter().any(|e| e.name == n));
    let namespaces = (changed.kind() == Kind::Namespace || !known(changed.namespace())).then(|| {
        let objects = (0..inventory.objects.len().max(index + 1))
            .filter_map(|i| if i == index { Some(&changed) } else { inventory.objects.get(i) });
        crate::load::collect_namespaces(objects)
            .into_iter()
            .map(|n| NamespaceEntry { name: n.name, labels: n.labels })
            .collect()
    });
    Some(Change {
        index,
        document,
        replaces_policy: matches!(was, Some(Ok(_))),
        policy: now.and_then(Result::ok),
        moves_endpoint: endpoint_was.is_some() || endpoint.is_some(),
        endpoint,
        namespaces,
        #[cfg(debug_assertions)]
        full,
    })
}

impl Change {
    /// The engine of the patched input, built from `engine`'s parts with only
    /// the changed object's share recomputed, without copying the input.
    /// With `pair`, only what decides the verdict between those two endpoints:
    /// them, and the policies of their namespaces (a policy selects pods of its
    /// own namespace only, netpol.md §2) — a screen far cheaper than the whole
    /// cluster.
    fn engine(&self, engine: &Engine, options: &NetpolOptions, pair: Option<[&Endpoint; 2]>) -> Engine {
        let relevant =
            |namespace: &str| pair.is_none_or(|p| p.iter().any(|e| !e.is_external() && e.namespace == namespace));
        let mut policies = Vec::new();
        let mut placed = false;
        for policy in &engine.policies {
            if !placed && policy.object >= self.index {
                placed = true;
                policies.extend(self.policy.iter().filter(|p| relevant(&p.namespace)).cloned().map(Arc::new));
                if self.replaces_policy && policy.object == self.index {
                    continue;
                }
            }
            if relevant(&policy.namespace) {
                policies.push(policy.clone());
            }
        }
        if !placed {
            policies.extend(self.policy.iter().filter(|p| relevant(&p.namespace)).cloned().map(Arc::new));
        }

        // Endpoints are sorted by id, objects in input order among equal ids.
        let kept = |e: &Endpoint| pair.is_none_or(|p| p.iter().any(|o| !o.is_external() && o.id == e.id));
        let endpoints: Arc<[Endpoint]> = if !self.moves_endpoint && pair.is_none() {
            engine.endpoints.clone()
        } else {
            let all: &[Endpoint] = &engine.endpoints;
            // The pair's endpoints are found by their ids rather than by a scan.
            let mut ids: Vec<&str> = match pair {
                Some(p) => p.iter().filter(|e| !e.is_external()).map(|e| e.id.as_str()).collect(),
                None => Vec::new(),
            };
            ids.sort_unstable();
            ids.dedup();
            let mut candidates: Vec<&Endpoint> = Vec::new();
            if pair.is_some() {
                for id in ids {
                    let first = all.partition_point(|e| e.id.as_str() < id);
                    candidates.extend(all.get(first..).unwrap_or_default().iter().take_while(|e| e.id == id));
                }
            } else {
                candidates.extend(all.iter());
            }
            let moved = |e: &Endpoint| self.moves_endpoint && e.object == Some(self.index);
            let mut list: Vec<Endpoint> = candidates.into_iter().filter(|e| !moved(e)).cloned().collect();
            if let Some(endpoint) = self.endpoint.as_ref().filter(|e| kept(e)) {
                let at = list.partition_point(|e| (e.id.as_str(), e.object) < (endpoint.id.as_str(), endpoint.object));
                list.insert(at, endpoint.clone());
            }
            list.into()
        };
        let namespaces = self.namespaces.clone().unwrap_or_else(|| engine.namespaces.clone());
        Engine::build_shared(
            options.clone(),
            endpoints,
            policies,
            Vec::new(),
            namespaces,
            pair.is_none().then_some(engine),
        )
    }
}

/// The whole input with the changed object in place. Debug builds check the
/// engine that verification builds against one built from this input.
#[cfg(debug_assertions)]
fn patched_inventory(inventory: &Inventory, index: usize, changed: &Loaded) -> Inventory {
    let mut objects = inventory.objects.clone();
    match objects.get_mut(index) {
        Some(slot) => *slot = changed.clone(),
        None => objects.push(changed.clone()),
    }
    let namespaces = crate::load::collect_namespaces(&objects);
    Inventory { objects, namespaces }
}

/// The changed fragment: the parent of the first operation's target, under
/// its key; the whole document for a new object.
fn fragment(document: &Value, patch: &[PatchOp]) -> String {
    let Some(first) = patch.first() else { return String::new() };
    let tokens = pointer_tokens(&first.path);
    let yaml = |v: &Value| crate::load::to_yaml(v);
    if tokens.is_empty() {
        return yaml(document);
    }
    // For a removal or an append, show the containing list or map.
    let keep = if first.op == "remove" || tokens.last().is_some_and(|t| t == "-" || t.parse::<usize>().is_ok()) {
        tokens.len().saturating_sub(1)
    } else {
        tokens.len()
    };
    let mut node = document;
    let mut key = String::new();
    for token in tokens.iter().take(keep) {
        let next = match node {
            Value::Object(map) => map.get(token),
            Value::Array(items) => token.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        };
        let Some(next) = next else { break };
        node = next;
        key = token.clone();
    }
    if key.is_empty() || key.parse::<usize>().is_ok() {
        yaml(node)
    } else {
        let mut map = Map::new();
        map.insert(key, node.clone());
        yaml(&Value::Object(map))
    }
}

/// A loaded object's id as fixes name it (`namespace/name[Kind]`; `default` when unset).
pub(crate) fn loaded_id(loaded: &Loaded) -> String {
    object_id(loaded.kind(), Some(loaded.namespace().unwrap_or("default")), loaded.name())
}

pub(crate) fn object_id(kind: Kind, namespace: Option<&str>, name: &str) -> String {
    match namespace {
        Some(namespace) if kind.is_namespaced() => format!("{namespace}/{name}[{kind}]", kind = kind.as_str()),
        _ => format!("{name}[{}]", kind.as_str()),
    }
}

/// At most this many candidates are verified (each one builds an engine).
const MAX_CANDIDATES: usize = 200;

pub fn fix(inventory: &Inventory, options: &NetpolOptions, query: &FixQuery) -> Result<FixReport, FixError> {
    let engine = Engine::new(inventory, options);
    fix_with_engine(inventory, &engine, options, query)
}

pub fn fix_with_engine(
    inventory: &Inventory,
    engine: &Engine,
    options: &NetpolOptions,
    query: &FixQuery,
) -> Result<FixReport, FixError> {
    let parse = |argument: &'static str, id: &str| {
        let reference = parse_endpoint(engine, id).map_err(|error| FixError::Endpoint { argument, error })?;
        resolve_endpoint(engine, &reference).map_err(|error| FixError::Endpoint { argument, error })
    };
    let from = parse("from", &query.from)?;
    let to = parse("to", &query.to)?;
    if from.id == to.id {
        return Err(FixError::SameEndpoint { id: from.id });
    }
    if from.is_external() && to.is_external() {
        return Err(FixError::BothExternal);
    }
    let now = verdict(engine, &from.reference, &to.reference, query.port, query.protocol);
    let context = Context { inventory, engine, from, to, port: query.port, protocol: query.protocol };
    let mut candidates = Vec::new();
    if now != query.want {
        let directions = [Direction::Egress, Direction::Ingress];
        if query.want {
            let blocked: Vec<Direction> = directions.into_iter().filter(|d| !context.side_allows(*d)).collect();
            // One object can open only one side.
            if let [direction] = blocked.as_slice() {
                context.allow_side(*direction, &mut candidates);
            }
        } else {
            for direction in directions {
                context.deny_side(direction, &mut candidates);
            }
        }
        context.any_label(&mut candidates);
    }
    let mut seen = BTreeSet::new();
    candidates
        .retain(|c| seen.insert((format!("{:?}", c.target), serde_json::to_string(&c.patch).unwrap_or_default())));
    candidates.truncate(MAX_CANDIDATES);

    let mut fixes = Vec::new();
    for candidate in candidates {
        let Some(change) = change(inventory, engine, &candidate) else {
            continue;
        };
        // Most candidates miss: screen each on the pair alone before building
        // the whole patched cluster.
        let pair = change.engine(engine, options, Some([&context.from, &context.to]));
        let screened = verdict(&pair, &context.from.reference, &context.to.reference, query.port, query.protocol);
        #[cfg(debug_assertions)]
        assert_eq!(
            screened,
            verdict(&change.full, &context.from.reference, &context.to.reference, query.port, query.protocol),
            "the pair's screen decides as the whole patched cluster does"
        );
        if screened != query.want {
            continue;
        }
        let after = change.engine(engine, options, None);
        #[cfg(debug_assertions)]
        {
            let full = &change.full;
            assert_eq!(full.policies, after.policies, "verification compiles the policies of the patched input");
            assert_eq!(*full.endpoints, *after.endpoints, "verification sees the endpoints of the patched input");
            assert_eq!(full.namespaces, after.namespaces, "verification sees the namespaces of the patched input");
        }
        // The fix is what the whole patched cluster decides, screen or not.
        if verdict(&after, &context.from.reference, &context.to.reference, query.port, query.protocol) != query.want {
            continue;
        }
        let value = change.document;
        let mut side_effects = port_changes(engine, &after, query.port, query.protocol);
        side_effects.remove_pair(&context.from.id, &context.to.id);
        let (object, file, line) = match &candidate.target {
            Target::Existing(index) => {
                let Some(loaded) = inventory.objects.get(*index) else { continue };
                let location = &loaded.origin.location;
                (loaded_id(loaded), Some(location.file.clone()), Some(location.span.line))
            }
            Target::New(kind, namespace, name) => (object_id(*kind, namespace.as_deref(), name), None, None),
        };
        fixes.push(Fix {
            kind: candidate.kind,
            object,
            yaml: fragment(&value, &candidate.patch),
            patch: candidate.patch,
            file,
            line,
            side_effects,
        });
    }
    fixes.sort_by_cached_key(|f| {
        (f.side_effects.len(), f.patch.len(), serde_json::to_string(&f.patch).map(|s| s.len()).unwrap_or(usize::MAX))
    });
    Ok(FixReport { now, want: query.want, fixes })
}

/// A candidate that adds one NetworkPolicy of one direction with one rule, selecting
/// `selector` in `namespace`.
fn new_policy(namespace: &str, name: String, selector: Value, direction: Direction, rule: Value) -> Candidate {
    let kind_name = if direction == Direction::Ingress { "Ingress" } else { "Egress" };
    let value = json!({
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"name": name, "namespace": namespace},
        "spec": {"podSelector": selector, "policyTypes": [kind_name], direction.field(): [rule]},
    });
    Candidate {
        kind: FixKind::NewPolicy,
        target: Target::New(Kind::NetworkPolicy, Some(namespace.to_owned()), name),
        patch: vec![PatchOp::add(String::new(), value)],
    }
}
