//! The class-level engine (issue 3 §2). Endpoints that no selector, named port,
//! ipBlock or node rule can tell apart form one equivalence class; selectors are
//! evaluated once per distinct (selector, namespaces) into [`ClassSet`]s through
//! a label index; a [`PortView`] then holds, for one destination port and
//! protocol, each isolated class's allowed peers. Pod pairs are answered from
//! classes on demand: no pod × pod matrix is ever built.

use std::collections::{BTreeMap, BTreeSet};

use super::classes::{ClassSet, FastMap};
use super::endpoint::{Endpoint, NamedPort, endpoints};

use super::ip::{IpRange, RangeSet};
use super::policy::{Direction, NamespaceScope, PeerKind, Policy, PortMatch, PortSpec, Rule, compile};
use super::selector::{Op, Selector};
use super::{NetpolOptions, Protocol};
use crate::diagnostic::Diagnostic;
use crate::model::Inventory;

/// One equivalence class of in-cluster endpoints.
#[derive(Clone, Debug)]
pub struct Class {
    /// Index (into [`Engine::endpoints`]) of the endpoint that stands for the class.
    pub representative: usize,
    pub members: Vec<usize>,
    /// Index into [`Engine::namespaces`].
    pub namespace: usize,
    /// Which distinct ipBlocks (of all policies) contain an IP of these pods.
    pub ip_blocks: Vec<u32>,
}

/// What one side (a class's ingress or egress) allows for one port view.
#[derive(Clone, Debug, Default)]
pub struct Side {
    pub all_classes: bool,
    pub classes: ClassSet,
    pub all_external: bool,
    pub external: RangeSet,
}

impl Side {
    fn add(&mut self, other: &Side, universe: usize) {
        if other.all_classes {
            self.all_classes = true;
            self.classes = ClassSet::default();
        } else if !self.all_classes {
            self.classes.union_with(&other.classes, universe);
        }
        if other.all_external {
            self.all_external = true;
            self.external = RangeSet::default();
        } else if !self.all_external {
            self.external.union_with(&other.external);
        }
    }

    pub fn allows_class(&self, class: u32) -> bool {
        self.all_classes || self.classes.contains(class)
    }

    pub fn allows_external(&self, range: &IpRange) -> bool {
        self.all_external || self.external.covers(range)
    }
}

/// Per class: `None` when the class is not isolated in that direction.
#[derive(Clone, Debug)]
pub struct PortView {
    pub port: u16,
    pub protocol: Protocol,
    pub ingress: Vec<Option<Side>>,
    pub egress: Vec<Option<Side>>,
}

#[derive(Clone, Debug)]
pub struct NamespaceEntry {
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

pub struct Engine {
    pub options: NetpolOptions,
    /// In-cluster endpoints, sorted by id.
    pub endpoints: Vec<Endpoint>,
    pub policies: Vec<Policy>,
    /// Problems that made policies invalid.
    pub diagnostics: Vec<Diagnostic>,
    pub namespaces: Vec<NamespaceEntry>,
    pub classes: Vec<Class>,
    /// Endpoint index → class id.
    pub class_of: Vec<u32>,
    /// Policy index → classes it selects.
    pub selected: Vec<ClassSet>,
    /// Policy index → [ingress, egress] → rule index → peers the rule matches.
    rule_peers: Vec<[Vec<Side>; 2]>,
    pub ingress_isolated: Vec<bool>,
    pub egress_isolated: Vec<bool>,
    /// (name, protocol, number) → classes whose pods have that named port.
    named_index: FastMap<String, FastMap<(Protocol, u16), Vec<u32>>>,
    /// Whether any hostNetwork endpoint exists (then node names matter).
    has_host_network: bool,
}

fn direction_slot(direction: Direction) -> usize {
    match direction {
        Direction::Ingress => 0,
        Direction::Egress => 1,
    }
}

impl Engine {
    pub fn new(inventory: &Inventory, options: &NetpolOptions) -> Engine {
        let (policies, diagnostics) = compile(inventory);
        let endpoints = endpoints(inventory);
        let namespaces: Vec<NamespaceEntry> = inventory
            .namespaces
            .iter()
            .map(|n| NamespaceEntry { name: n.name.clone(), labels: n.labels.clone() })
            .collect();
        Engine::build(options.clone(), endpoints, policies, diagnostics, namespaces)
    }

    pub fn build(
        options: NetpolOptions,
        endpoints: Vec<Endpoint>,
        policies: Vec<Policy>,
        diagnostics: Vec<Diagnostic>,
        namespaces: Vec<NamespaceEntry>,
    ) -> Engine {
        // What selectors and ports can observe: only these go into class keys.
        let mut label_keys: BTreeSet<&str> = BTreeSet::new();
        let mut port_names: BTreeSet<&str> = BTreeSet::new();
        // Distinct ipBlock address sets: a pod's class records which of them
        // contain one of its IPs, not the IPs themselves.
        let mut blocks: Vec<&RangeSet> = Vec::new();
        for policy in &policies {
            label_keys.extend(policy.selector.keys());
            for rule in policy.ingress.iter().chain(policy.egress.iter()).flatten() {
                for peer in rule.peers.iter().flatten() {
                    match &peer.kind {
                        PeerKind::Pods { pods, .. } => label_keys.extend(pods.keys()),
                        PeerKind::IpBlock { addresses, .. } => {
                            if !blocks.contains(&addresses) {
                                blocks.push(addresses);
                            }
                        }
                    }
                }
                for entry in rule.ports.iter().flatten() {
                    if let PortSpec::Named(name) = &entry.spec {
                        port_names.insert(name);
                    }
                }
            }
        }
        let ips_matter = !blocks.is_empty() && options.ip_block_matches_pod_ips;
        let has_host_network = endpoints.iter().any(|e| e.host_network);
        let namespace_index: FastMap<&str, usize> =
            namespaces.iter().enumerate().map(|(i, n)| (n.name.as_str(), i)).collect();

        // Class keys are compared field by field against each class's
        // representative, bucketed by an FNV hash: no allocation per endpoint.
        let mut buckets: FastMap<u64, Vec<u32>> = FastMap::default();
        let mut classes: Vec<Class> = Vec::new();
        let mut class_of = Vec::with_capacity(endpoints.len());
        for (index, endpoint) in endpoints.iter().enumerate() {
            let namespace = namespace_index.get(endpoint.namespace.as_str()).copied().unwrap_or(usize::MAX);
            let hash = {
                use std::hash::{Hash, Hasher};
                let mut h = super::classes::Fnv::default();
                namespace.hash(&mut h);
                projected_labels(endpoint, &label_keys).for_each(|kv| kv.hash(&mut h));
                projected_ports(endpoint, &port_names).for_each(|p| p.hash(&mut h));
                signature(endpoint, &blocks, ips_matter).for_each(|b| b.hash(&mut h));
                endpoint.host_network.hash(&mut h);
                node_of(endpoint, has_host_network).hash(&mut h);
                h.finish()
            };
            let bucket = buckets.entry(hash).or_default();
            let found = bucket.iter().copied().find(|id| {
                let Some(class) = classes.get(*id as usize) else {
                    return false;
                };
                let Some(rep) = endpoints.get(class.representative) else {
                    return false;
                };
                class.namespace == namespace
                    && rep.host_network == endpoint.host_network
                    && node_of(rep, has_host_network) == node_of(endpoint, has_host_network)
                    && projected_labels(rep, &label_keys).eq(projected_labels(endpoint, &label_keys))
                    && projected_ports(rep, &port_names).eq(projected_ports(endpoint, &port_names))
                    && class.ip_blocks.iter().copied().eq(signature(endpoint, &blocks, ips_matter))
            });
            let id = match found {
                Some(id) => id,
                None => {
                    let id = classes.len() as u32;
                    classes.push(Class {
                        representative: index,
                        members: Vec::new(),
                        namespace,
                        ip_blocks: signature(endpoint, &blocks, ips_matter).collect(),
                    });
                    bucket.push(id);
                    id
                }
            };
            if let Some(class) = classes.get_mut(id as usize) {
                class.members.push(index);
            }
            class_of.push(id);
        }
        let universe = classes.len();

        // Indexes for selector evaluation.
        let mut label_index: FastMap<(&str, &str), Vec<u32>> = FastMap::default();
        let mut namespace_classes: Vec<Vec<u32>> = vec![Vec::new(); namespaces.len()];
        let mut named_index: FastMap<String, FastMap<(Protocol, u16), Vec<u32>>> = FastMap::default();
        let mut block_classes: Vec<Vec<u32>> = vec![Vec::new(); blocks.len()];
        for (id, class) in classes.iter().enumerate() {
            let Some(rep) = endpoints.get(class.representative) else {
                continue;
            };
            let id = id as u32;
            for block in &class.ip_blocks {
                if let Some(list) = block_classes.get_mut(*block as usize) {
                    list.push(id);
                }
            }
            // Named ports resolve on any destination, hostNetwork pods included.
            for port in &rep.ports {
                if port_names.contains(port.name.as_str()) {
                    named_index
                        .entry(port.name.clone())
                        .or_default()
                        .entry((port.protocol, port.number))
                        .or_default()
                        .push(id);
                }
            }
            if rep.host_network {
                // Rule 35: selectors never match hostNetwork pods.
                continue;
            }
            if let Some(list) = namespace_classes.get_mut(class.namespace) {
                list.push(id);
            }
            for (k, v) in &rep.labels {
                if label_keys.contains(k.as_str()) {
                    label_index.entry((k.as_str(), v.as_str())).or_default().push(id);
                }
            }
        }

        // Each distinct ipBlock's classes, as a set built once.
        let block_sets: Vec<ClassSet> =
            block_classes.into_iter().map(|ids| ClassSet::from_unsorted(ids, universe)).collect();
        let mut evaluator = SelectorEvaluator {
            endpoints: &endpoints,
            classes: &classes,
            namespaces: &namespaces,
            label_index: &label_index,
            namespace_classes: &namespace_classes,
            pod_memo: FastMap::default(),
            namespace_memo: FastMap::default(),
            universe,
        };
        let mut selected = Vec::with_capacity(policies.len());
        let mut rule_peers = Vec::with_capacity(policies.len());
        let mut ingress_isolated = vec![false; universe];
        let mut egress_isolated = vec![false; universe];
        for policy in &policies {
            let own = namespace_index.get(policy.namespace.as_str()).copied();
            let own_list: Vec<usize> = own.into_iter().collect();
            let set = evaluator.pods(&policy.selector, &own_list);
            for id in set.to_vec() {
                if policy.ingress.is_some()
                    && let Some(flag) = ingress_isolated.get_mut(id as usize)
                {
                    *flag = true;
                }
                if policy.egress.is_some()
                    && let Some(flag) = egress_isolated.get_mut(id as usize)
                {
                    *flag = true;
                }
            }
            selected.push(set);
            let mut per_direction: [Vec<Side>; 2] = [Vec::new(), Vec::new()];
            for direction in [Direction::Ingress, Direction::Egress] {
                for rule in policy.rules(direction).into_iter().flatten() {
                    let side = evaluator.rule_side(rule, &own_list, &blocks, &block_sets);
                    per_direction[direction_slot(direction)].push(side);
                }
            }
            rule_peers.push(per_direction);
        }
        Engine {
            options,
            endpoints,
            policies,
            diagnostics,
            namespaces,
            classes,
            class_of,
            selected,
            rule_peers,
            ingress_isolated,
            egress_isolated,
            named_index,
            has_host_network,
        }
    }

    pub fn class_count(&self) -> usize {
        self.classes.len()
    }

    pub fn representative(&self, class: u32) -> Option<&Endpoint> {
        self.classes.get(class as usize).and_then(|c| self.endpoints.get(c.representative))
    }

    pub fn endpoint_index(&self, id: &str) -> Option<usize> {
        self.endpoints.binary_search_by(|e| e.id.as_str().cmp(id)).ok()
    }

    /// Classes whose pods resolve one of `names` to `port`, memoized per view
    /// (a popular name like `http` can cover every class).
    fn named_classes_cached<'p>(
        &self,
        cache: &mut FastMap<Vec<(&'p str, Protocol)>, ClassSet>,
        names: Vec<(&'p str, Protocol)>,
        port: u16,
    ) -> ClassSet {
        if let Some(found) = cache.get(&names) {
            return found.clone();
        }
        let set = self.named_classes(&names, port);
        cache.insert(names, set.clone());
        set
    }

    fn named_classes(&self, names: &[(&str, Protocol)], port: u16) -> ClassSet {
        let mut ids = Vec::new();
        for (name, protocol) in names {
            if let Some(list) = self.named_index.get(*name).and_then(|by_port| by_port.get(&(*protocol, port))) {
                ids.extend_from_slice(list);
            }
        }
        ClassSet::from_unsorted(ids, self.classes.len())
    }

    /// Each isolated class's allowed peers for one destination port and protocol.
    pub fn view(&self, port: u16, protocol: Protocol) -> PortView {
        let universe = self.classes.len();
        let fresh =
            |isolated: &Vec<bool>| -> Vec<Option<Side>> { isolated.iter().map(|i| i.then(Side::default)).collect() };
        let mut ingress = fresh(&self.ingress_isolated);
        let mut egress = fresh(&self.egress_isolated);
        let mut named_cache = FastMap::default();
        for (pi, policy) in self.policies.iter().enumerate() {
            let (Some(selected), Some(peers)) = (self.selected.get(pi), self.rule_peers.get(pi)) else {
                continue;
            };
            if selected.is_empty() {
                continue;
            }
            for (ri, rule) in policy.ingress.iter().flatten().enumerate() {
                let Some(rule_side) = peers[0].get(ri) else {
                    continue;
                };
                let targets = match rule.port_match(port, protocol) {
                    PortMatch::None => continue,
                    PortMatch::All => selected.to_vec(),
                    // The destination is the selected pod: it must resolve the name (rule 28).
                    PortMatch::Named(names) => {
                        selected.intersect(&self.named_classes_cached(&mut named_cache, names, port), universe).to_vec()
                    }
                };
                for d in targets {
                    if let Some(Some(side)) = ingress.get_mut(d as usize) {
                        side.add(rule_side, universe);
                    }
                }
            }
            for (ri, rule) in policy.egress.iter().flatten().enumerate() {
                let Some(rule_side) = peers[1].get(ri) else {
                    continue;
                };
                let narrowed;
                let add = match rule.port_match(port, protocol) {
                    PortMatch::None => continue,
                    PortMatch::All => rule_side,
                    // The destination must resolve the name; externals never do.
                    PortMatch::Named(names) => {
                        let named = self.named_classes_cached(&mut named_cache, names, port);
                        let classes =
                            if rule_side.all_classes { named } else { rule_side.classes.intersect(&named, universe) };
                        narrowed = Side { classes, ..Side::default() };
                        &narrowed
                    }
                };
                for s in selected.to_vec() {
                    if let Some(Some(side)) = egress.get_mut(s as usize) {
                        side.add(add, universe);
                    }
                }
            }
        }
        PortView { port, protocol, ingress, egress }
    }

    /// Node traffic (rules 24 and 35): a hostNetwork pod and a pod on its node.
    pub fn is_node_traffic(&self, a: &Endpoint, b: &Endpoint) -> bool {
        self.has_host_network && (a.host_network || b.host_network) && a.node.is_some() && a.node == b.node
    }

    /// Whether class `s` may open a connection to class `d` in this view.
    pub fn class_allowed(&self, view: &PortView, s: u32, d: u32) -> bool {
        if let (Some(a), Some(b)) = (self.representative(s), self.representative(d))
            && self.is_node_traffic(a, b)
        {
            return true;
        }
        let egress_ok = match view.egress.get(s as usize) {
            Some(Some(side)) => side.allows_class(d),
            _ => true,
        };
        egress_ok
            && match view.ingress.get(d as usize) {
                Some(Some(side)) => side.allows_class(s),
                _ => true,
            }
    }

    /// Endpoint (by index) to an external range.
    pub fn to_external_allowed(&self, view: &PortView, s: usize, range: &IpRange) -> bool {
        let Some(&class) = self.class_of.get(s) else {
            return false;
        };
        match view.egress.get(class as usize) {
            Some(Some(side)) => side.allows_external(range),
            _ => true,
        }
    }

    /// An external range to an endpoint (by index).
    pub fn from_external_allowed(&self, view: &PortView, d: usize, range: &IpRange) -> bool {
        let Some(&class) = self.class_of.get(d) else {
            return false;
        };
        match view.ingress.get(class as usize) {
            Some(Some(side)) => side.allows_external(range),
            _ => true,
        }
    }

    /// Endpoint pair by index; an endpoint may always reach itself (rule 34).
    pub fn allowed(&self, view: &PortView, s: usize, d: usize) -> bool {
        if s == d {
            return true;
        }
        match (self.class_of.get(s), self.class_of.get(d)) {
            (Some(&a), Some(&b)) => self.class_allowed(view, a, b),
            _ => false,
        }
    }

    /// Disjoint (protocol, first, last) port ranges within which every rule and
    /// every named port resolves the same way: one view per atom covers all ports.
    pub fn atoms(&self) -> Vec<(Protocol, u16, u16)> {
        let mut cuts: BTreeMap<Protocol, BTreeSet<u32>> = BTreeMap::new();
        for protocol in [Protocol::TCP, Protocol::UDP, Protocol::SCTP] {
            cuts.entry(protocol).or_default().extend([1u32, 65536]);
        }
        for policy in &self.policies {
            for rule in policy.ingress.iter().chain(policy.egress.iter()).flatten() {
                for entry in rule.ports.iter().flatten() {
                    if let PortSpec::Range(lo, hi) = entry.spec {
                        cuts.entry(entry.protocol).or_default().extend([u32::from(lo), u32::from(hi) + 1]);
                    }
                }
            }
        }
        for endpoint in &self.endpoints {
            for port in &endpoint.ports {
                if !port.name.is_empty() {
                    cuts.entry(port.protocol).or_default().extend([u32::from(port.number), u32::from(port.number) + 1]);
                }
            }
        }
        let mut atoms = Vec::new();
        for (protocol, points) in cuts {
            let points: Vec<u32> = points.into_iter().collect();
            for pair in points.windows(2) {
                if let [lo, next] = pair
                    && let (Ok(lo), Ok(hi)) = (u16::try_from(*lo), u16::try_from(next - 1))
                {
                    atoms.push((protocol, lo, hi));
                }
            }
        }
        atoms
    }
}

/// Node names matter only when hostNetwork pods exist (node traffic, rule 35).
fn node_of(e: &Endpoint, has_host_network: bool) -> Option<&str> {
    if has_host_network { e.node.as_deref() } else { None }
}

fn projected_labels<'a>(
    e: &'a Endpoint,
    keys: &'a BTreeSet<&str>,
) -> impl Iterator<Item = (&'a String, &'a String)> + 'a {
    e.labels.iter().filter(move |(k, _)| keys.contains(k.as_str()))
}

fn projected_ports<'a>(e: &'a Endpoint, names: &'a BTreeSet<&str>) -> impl Iterator<Item = &'a NamedPort> + 'a {
    e.ports.iter().filter(move |p| names.contains(p.name.as_str()))
}

/// Which of the distinct ipBlocks hold one of the endpoint's IPs: rule 22
/// [convention] when `ips_matter`; hostNetwork pods (rule 35) always, their IP
/// being the node's.
fn signature<'a>(e: &'a Endpoint, blocks: &'a [&RangeSet], ips_matter: bool) -> impl Iterator<Item = u32> + 'a {
    let relevant = ips_matter || e.host_network;
    (0..blocks.len() as u32)
        .filter(move |b| relevant && blocks.get(*b as usize).is_some_and(|set| e.ips.iter().any(|a| set.contains(*a))))
}

struct SelectorEvaluator<'e> {
    endpoints: &'e [Endpoint],
    classes: &'e [Class],
    namespaces: &'e [NamespaceEntry],
    label_index: &'e FastMap<(&'e str, &'e str), Vec<u32>>,
    namespace_classes: &'e [Vec<u32>],
    /// Hash of (selector, namespaces) → evaluated entries; no cloning on a hit.
    pod_memo: FastMap<u64, Vec<(Selector, Vec<usize>, ClassSet)>>,
    namespace_memo: FastMap<Selector, Vec<usize>>,
    universe: usize,
}

impl SelectorEvaluator<'_> {
    fn namespaces(&mut self, selector: &Selector) -> Vec<usize> {
        if let Some(found) = self.namespace_memo.get(selector) {
            return found.clone();
        }
        let found: Vec<usize> =
            self.namespaces.iter().enumerate().filter(|(_, n)| selector.matches(&n.labels)).map(|(i, _)| i).collect();
        self.namespace_memo.insert(selector.clone(), found.clone());
        found
    }

    /// Non-hostNetwork classes in `namespaces` whose labels match.
    fn pods(&mut self, selector: &Selector, namespaces: &[usize]) -> ClassSet {
        let key = {
            use std::hash::{BuildHasher, BuildHasherDefault};
            BuildHasherDefault::<super::classes::Fnv>::default().hash_one((selector, namespaces))
        };
        if let Some(found) = self
            .pod_memo
            .get(&key)
            .and_then(|entries| entries.iter().find(|(s, n, _)| s == selector && n == namespaces))
        {
            return found.2.clone();
        }
        // Candidates: the smallest posting list of an `In` requirement, else every
        // class of the namespaces.
        let mut best: Option<Vec<u32>> = None;
        for requirement in &selector.requirements {
            if let Op::In(values) = &requirement.op {
                let mut ids: Vec<u32> = Vec::new();
                for value in values {
                    if let Some(list) = self.label_index.get(&(requirement.key.as_str(), value.as_str())) {
                        ids.extend_from_slice(list);
                    }
                }
                if best.as_ref().is_none_or(|b| ids.len() < b.len()) {
                    best = Some(ids);
                }
            }
        }
        let candidates = match best {
            Some(ids) => ids,
            None => namespaces.iter().filter_map(|n| self.namespace_classes.get(*n)).flatten().copied().collect(),
        };
        let in_scope = |class: &Class| namespaces.contains(&class.namespace);
        let ids: Vec<u32> = candidates
            .into_iter()
            .filter(|id| {
                let Some(class) = self.classes.get(*id as usize) else {
                    return false;
                };
                let Some(rep) = self.endpoints.get(class.representative) else {
                    return false;
                };
                !rep.host_network && in_scope(class) && selector.matches(&rep.labels)
            })
            .collect();
        let set = ClassSet::from_unsorted(ids, self.universe);
        self.pod_memo.entry(key).or_default().push((selector.clone(), namespaces.to_vec(), set.clone()));
        set
    }

    fn rule_side(&mut self, rule: &Rule, own: &[usize], blocks: &[&RangeSet], block_sets: &[ClassSet]) -> Side {
        let Some(peers) = &rule.peers else {
            return Side { all_classes: true, all_external: true, ..Side::default() };
        };
        let mut side = Side::default();
        for peer in peers {
            match &peer.kind {
                PeerKind::Pods { namespaces, pods } => {
                    let scope = match namespaces {
                        NamespaceScope::Own => own.to_vec(),
                        NamespaceScope::Selector(selector) => self.namespaces(selector),
                    };
                    let set = self.pods(pods, &scope);
                    side.classes.union_with(&set, self.universe);
                }
                PeerKind::IpBlock { addresses, .. } => {
                    side.external.union_with(addresses);
                    // Rule 22 [convention]: ipBlock matches pod IPs; hostNetwork pods
                    // (rule 35) always, since their IP is the node's.
                    if let Some(set) = blocks.iter().position(|b| *b == addresses).and_then(|b| block_sets.get(b)) {
                        side.classes.union_with(set, self.universe);
                    }
                }
            }
        }
        side
    }
}
