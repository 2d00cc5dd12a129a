//! The class-level engine. Endpoints that no selector, named port,
//! ipBlock or node rule can tell apart form one equivalence class; selectors are
//! evaluated once per distinct (selector, namespaces) into [`ClassSet`]s through
//! a label index; a [`PortView`] then holds, for one destination port and
//! protocol, each isolated class's allowed peers. Pod pairs are answered from
//! classes on demand: no pod × pod matrix is ever built.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, OnceLock};

use super::classes::{ClassSet, FastMap};
use super::endpoint::{Endpoint, endpoints};

use super::ip::{IpRange, RangeSet};
use super::policy::{
    DefaultDeny, Direction, NamespaceScope, PeerKind, Policy, PortMatch, PortSpec, Rule, compile,
    default_deny_by_namespace,
};
use super::selector::{Op, Selector};
use super::{NetpolOptions, Protocol};
use crate::diagnostic::Diagnostic;
use crate::model::Inventory;

/// One equivalence class of in-cluster endpoints.
#[derive(Clone, Debug)]
pub struct Class {
    /// Index (into [`Engine::endpoints`]) of the endpoint that stands for the class.
    pub representative: usize,
    /// Index into [`Engine::namespaces`].
    pub namespace: usize,
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

/// Where one class's allowed peers in one direction are kept.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SideRef {
    /// The class is not isolated in that direction.
    Open,
    /// Exactly one rule applies: that rule's peers, shared with the engine
    /// (policy index, rule index), not copied per class.
    Rule(u32, u32),
    /// Index into [`PortView::sides`]: nothing allowed (0), a union of several
    /// rules, or an egress rule narrowed to a named port.
    View(u32),
}

/// Per class and direction, a [`SideRef`]; resolve it with [`Engine::side`].
#[derive(Clone, Debug)]
pub struct PortView {
    pub port: u16,
    pub protocol: Protocol,
    pub ingress: Vec<SideRef>,
    pub egress: Vec<SideRef>,
    /// Sides built for this view; 0 allows nothing.
    pub sides: Vec<Side>,
}

/// A class's side while a view is built: shared sides are copied before the
/// first union into them.
#[derive(Clone, Copy)]
enum Building {
    Open,
    Deny,
    Rule(u32, u32),
    Shared(u32),
    Owned(u32),
}

#[derive(Clone, Debug, PartialEq)]
pub struct NamespaceEntry {
    pub name: String,
    pub labels: BTreeMap<String, String>,
}

/// Whether an endpoint is isolated for each direction (see [`Engine::class_isolation`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Isolation {
    pub ingress: bool,
    pub egress: bool,
}

pub struct Engine {
    pub options: NetpolOptions,
    /// In-cluster endpoints, sorted by id; shared, so that an engine built for
    /// a changed policy (a fix's verification) does not copy them.
    pub endpoints: Arc<[Endpoint]>,
    /// Shared, so that an engine built for one changed policy copies none.
    pub policies: Vec<Arc<Policy>>,
    /// Problems that made policies invalid.
    pub diagnostics: Vec<Diagnostic>,
    pub namespaces: Vec<NamespaceEntry>,
    /// The endpoints' classes and the indexes over them; shared with the
    /// engine this one was built beside when it reads the same labels.
    classification: Arc<Classification>,
    /// Policy index → classes it selects.
    pub selected: Vec<ClassSet>,
    /// Policy index → [ingress, egress] → rule index → peers the rule matches.
    rule_peers: Vec<[Vec<Side>; 2]>,
    /// Class id → isolated for ingress / egress (read through [`Engine::class_isolation`]).
    ingress_isolated: Vec<bool>,
    egress_isolated: Vec<bool>,
    /// Whether any hostNetwork endpoint exists (then node names matter).
    has_host_network: bool,
    /// The endpoints' ids, made once when asked for (see [`Engine::endpoint_ids`]).
    endpoint_ids: OnceLock<Arc<[Arc<str>]>>,
    /// The view last built: a fix's verification asks for the same port of
    /// the same engines several times.
    last_view: Mutex<Option<Arc<PortView>>>,
}

/// Endpoints grouped into classes, and the indexes selector evaluation reads,
/// for one list of endpoints, the namespaces' names and what policies read
/// of pods (the vocabulary): everything of an engine that does not depend on
/// which policies there are beyond that.
struct Classification {
    /// What it was built for: namespaces by index, the vocabulary's label
    /// keys and port names by id, its ipBlocks by id, and whether ipBlocks
    /// match pod IPs.
    namespace_names: Vec<String>,
    keys: Vec<String>,
    port_names: Vec<String>,
    blocks: Vec<RangeSet>,
    ips_matter: bool,
    classes: Vec<Class>,
    /// Endpoint index → class id.
    class_of: Vec<u32>,
    /// Class id → its endpoints' indexes, ascending (see [`Engine::members`]).
    members: Ragged<u32>,
    /// Class id → its labels (only keys some selector reads) as (key id, pair id).
    class_labels: Ragged<(u32, u32)>,
    /// Key id → value → pair id, for every (key, value) some pod carries.
    pairs: Vec<FastMap<Box<str>, u32>>,
    /// Class id → whether its pods are hostNetwork ones.
    host_network: Vec<bool>,
    postings: Postings,
    /// Namespace index → its non-hostNetwork classes.
    namespace_classes: Vec<Vec<u32>>,
    /// ipBlock id → the classes whose pods it holds.
    block_sets: Vec<ClassSet>,
    /// (name, protocol, number) → classes whose pods have that named port.
    named_index: FastMap<String, FastMap<(Protocol, u16), Vec<u32>>>,
}

impl Classification {
    fn build(
        endpoints: &[Endpoint],
        namespaces: &[NamespaceEntry],
        namespace_index: &FastMap<&str, usize>,
        vocabulary: &Vocabulary<'_>,
        ips_matter: bool,
        has_host_network: bool,
    ) -> Classification {
        let Classified { classes, class_of, class_labels, members, block_classes, pairs, pair_count } =
            classify(endpoints, vocabulary, namespace_index, ips_matter, has_host_network);
        let universe = classes.len();

        // Indexes for selector evaluation, over interned (key, value) pairs.
        let host_network: Vec<bool> =
            classes.iter().map(|c| endpoints.get(c.representative).is_some_and(|e| e.host_network)).collect();
        let postings = Postings::build(&class_labels, &host_network, pair_count);
        let mut namespace_classes: Vec<Vec<u32>> = vec![Vec::new(); namespaces.len()];
        let mut named_index: FastMap<String, FastMap<(Protocol, u16), Vec<u32>>> = FastMap::default();
        for (id, class) in classes.iter().enumerate() {
            let Some(rep) = endpoints.get(class.representative) else {
                continue;
            };
            let id = id as u32;
            // Named ports resolve on any destination, hostNetwork pods included.
            for port in &rep.ports {
                if vocabulary.port_names.contains_key(port.name.as_str()) {
                    let by_port = match named_index.get_mut(port.name.as_str()) {
                        Some(by_port) => by_port,
                        None => named_index.entry(port.name.clone()).or_default(),
                    };
                    by_port.entry((port.protocol, port.number)).or_default().push(id);
                }
            }
            if rep.host_network {
                // netpol.md §35: selectors never match hostNetwork pods.
                continue;
            }
            if let Some(list) = namespace_classes.get_mut(class.namespace) {
                list.push(id);
            }
        }
        // Each distinct ipBlock's classes, as a set built once.
        let block_sets: Vec<ClassSet> =
            block_classes.into_iter().map(|ids| ClassSet::from_sorted(ids, universe)).collect();
        Classification {
            namespace_names: namespaces.iter().map(|n| n.name.clone()).collect(),
            keys: vocabulary.keys_by_id().into_iter().map(str::to_owned).collect(),
            port_names: vocabulary.port_names_by_id().into_iter().map(str::to_owned).collect(),
            blocks: vocabulary.blocks.iter().map(|b| (*b).clone()).collect(),
            ips_matter,
            classes,
            class_of,
            members,
            class_labels,
            pairs,
            host_network,
            postings,
            namespace_classes,
            block_sets,
            named_index,
        }
    }

    /// Whether this classification holds for the same endpoints under these
    /// namespaces and vocabulary: the same names and the same ids.
    fn fits(&self, namespaces: &[NamespaceEntry], vocabulary: &Vocabulary<'_>, ips_matter: bool) -> bool {
        self.ips_matter == ips_matter
            && self.namespace_names.iter().map(String::as_str).eq(namespaces.iter().map(|n| n.name.as_str()))
            && self.keys.iter().map(String::as_str).eq(vocabulary.keys_by_id())
            && self.port_names.iter().map(String::as_str).eq(vocabulary.port_names_by_id())
            && self.blocks.iter().eq(vocabulary.blocks.iter().copied())
    }
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
        let policies = policies.into_iter().map(Arc::new).collect();
        Engine::build_shared(options, endpoints.into(), policies, diagnostics, namespaces, None)
    }

    /// [`Engine::build`] over endpoints another engine may share (one copy of
    /// the code: a generic parameter here would compile the build twice).
    /// With `beside`, an engine over the same endpoints (a fix's
    /// verification), its classification is reused when the namespaces and
    /// what the policies read of pods are the same, and then so is its
    /// evaluation of every policy the two share: only a changed policy is
    /// evaluated again.
    pub(crate) fn build_shared(
        options: NetpolOptions,
        endpoints: Arc<[Endpoint]>,
        policies: Vec<Arc<Policy>>,
        diagnostics: Vec<Diagnostic>,
        namespaces: Vec<NamespaceEntry>,
        beside: Option<&Engine>,
    ) -> Engine {
        let has_host_network = endpoints.iter().any(|e| e.host_network);
        let namespace_index: FastMap<&str, usize> =
            namespaces.iter().enumerate().map(|(i, n)| (n.name.as_str(), i)).collect();
        let vocabulary = Vocabulary::of(&policies);
        let ips_matter = !vocabulary.blocks.is_empty() && options.ip_block_matches_pod_ips;
        let classification = match beside {
            Some(engine)
                if Arc::ptr_eq(&engine.endpoints, &endpoints)
                    && engine.classification.fits(&namespaces, &vocabulary, ips_matter) =>
            {
                engine.classification.clone()
            }
            _ => Arc::new(Classification::build(
                &endpoints,
                &namespaces,
                &namespace_index,
                &vocabulary,
                ips_matter,
                has_host_network,
            )),
        };
        let Classification {
            classes, class_labels, pairs, host_network, postings, namespace_classes, block_sets, ..
        } = &*classification;
        let universe = classes.len();
        let mut evaluator = SelectorEvaluator {
            vocabulary: &vocabulary,
            pairs,
            classes,
            class_labels,
            host_network,
            namespaces: &namespaces,
            postings,
            namespace_classes,
            scopes: Vec::new(),
            scope_memo: FastMap::default(),
            pod_memo: FastMap::default(),
            sets: Vec::new(),
            buffer: Vec::new(),
            universe,
        };
        let mut selected = Vec::with_capacity(policies.len());
        let mut rule_peers = Vec::with_capacity(policies.len());
        let mut ingress_isolated = vec![false; universe];
        let mut egress_isolated = vec![false; universe];
        // An engine beside this one over the same classes and namespaces (a
        // fix's verification) has evaluated every policy but the changed one:
        // those keep their results. The lists differ in one place at most, so
        // the same policy is at the cursor or just after it.
        let earlier = beside.filter(|b| Arc::ptr_eq(&b.classification, &classification) && b.namespaces == namespaces);
        let mut cursor = 0;
        for policy in &policies {
            let found = earlier.and_then(|b| {
                let at = (cursor..cursor + 2).find(|j| b.policies.get(*j).is_some_and(|p| Arc::ptr_eq(p, policy)))?;
                cursor = at + 1;
                Some((b.selected.get(at)?.clone(), b.rule_peers.get(at)?.clone()))
            });
            let own = namespace_index.get(policy.namespace.as_str()).copied();
            let (set, per_direction) = match found {
                Some(results) => results,
                None => {
                    let set_id = evaluator.pods(&policy.selector, Scope::Own(own));
                    let set = evaluator.sets.get(set_id).cloned().unwrap_or_default();
                    let mut per_direction: [Vec<Side>; 2] = [Vec::new(), Vec::new()];
                    for direction in [Direction::Ingress, Direction::Egress] {
                        for rule in policy.rules(direction).into_iter().flatten() {
                            let side = evaluator.rule_side(rule, own, block_sets);
                            per_direction[direction_slot(direction)].push(side);
                        }
                    }
                    (set, per_direction)
                }
            };
            for (governed, flags) in
                [(policy.ingress.is_some(), &mut ingress_isolated), (policy.egress.is_some(), &mut egress_isolated)]
            {
                if governed {
                    set.for_each(|id| {
                        if let Some(flag) = flags.get_mut(id as usize) {
                            *flag = true;
                        }
                    });
                }
            }
            selected.push(set);
            rule_peers.push(per_direction);
        }
        drop(evaluator);
        drop(vocabulary);
        drop(namespace_index);
        Engine {
            options,
            endpoints,
            policies,
            diagnostics,
            namespaces,
            classification,
            selected,
            rule_peers,
            ingress_isolated,
            egress_isolated,
            has_host_network,
            endpoint_ids: OnceLock::new(),
            last_view: Mutex::new(None),
        }
    }

    /// The endpoints' ids by index, shared: the side effects of every fix
    /// verified against this engine name endpoints through one copy.
    pub fn endpoint_ids(&self) -> Arc<[Arc<str>]> {
        self.endpoint_ids.get_or_init(|| self.endpoints.iter().map(|e| Arc::from(e.id.as_str())).collect()).clone()
    }

    pub fn class_count(&self) -> usize {
        self.classification.classes.len()
    }

    pub fn classes(&self) -> &[Class] {
        &self.classification.classes
    }

    /// Endpoint index → class id.
    pub fn class_of(&self) -> &[u32] {
        &self.classification.class_of
    }

    /// Indexes (into [`Engine::endpoints`]) of the class's endpoints, ascending.
    pub fn members(&self, class: u32) -> &[u32] {
        self.classification.members.row(class as usize)
    }

    /// Whether the class's pods run on the host network (selectors never
    /// match those: netpol.md §35).
    pub fn class_is_host_network(&self, class: u32) -> bool {
        self.classification.host_network.get(class as usize).copied().unwrap_or(false)
    }

    pub fn representative(&self, class: u32) -> Option<&Endpoint> {
        self.classes().get(class as usize).and_then(|c| self.endpoints.get(c.representative))
    }

    pub fn endpoint_index(&self, id: &str) -> Option<usize> {
        self.endpoints.binary_search_by(|e| e.id.as_str().cmp(id)).ok()
    }

    /// The peers one rule matches (policy index, direction, rule index), as
    /// the views share them.
    pub fn rule_side(&self, policy: usize, direction: Direction, rule: usize) -> Option<&Side> {
        self.rule_peers.get(policy).and_then(|d| d[direction_slot(direction)].get(rule))
    }

    /// Whether valid policies isolate a class's pods, per direction: a pod is
    /// isolated for a direction once any policy selecting it governs that
    /// direction (`policyTypes` after defaulting). hostNetwork pods never are,
    /// as no selector matches them.
    pub fn class_isolation(&self, class: u32) -> Isolation {
        let flag = |flags: &[bool]| flags.get(class as usize).copied().unwrap_or(false);
        Isolation { ingress: flag(&self.ingress_isolated), egress: flag(&self.egress_isolated) }
    }

    /// The rules that decide what a class's pods may send (egress) or receive
    /// (ingress): those of every policy selecting the class in that direction,
    /// in policy order; `None` when the class is not isolated there. Rules read
    /// their own namespace from their policy, which is always the class's own.
    pub fn deciding_rules(&self, class: u32, direction: Direction) -> Option<Vec<&Rule>> {
        let isolation = self.class_isolation(class);
        let isolated = match direction {
            Direction::Ingress => isolation.ingress,
            Direction::Egress => isolation.egress,
        };
        if !isolated {
            return None;
        }
        let mut rules = Vec::new();
        for (policy, set) in self.policies.iter().zip(&self.selected) {
            if let Some(list) = policy.rules(direction)
                && set.contains(class)
            {
                rules.extend(list.iter());
            }
        }
        Some(rules)
    }

    /// [`Engine::class_isolation`] of an endpoint (an index into [`Engine::endpoints`]).
    pub fn isolation(&self, endpoint: usize) -> Isolation {
        self.class_of().get(endpoint).map_or(Isolation::default(), |class| self.class_isolation(*class))
    }

    /// Per namespace with valid policies, its default denies ([`Policy::is_default_deny`]).
    pub fn default_deny_by_namespace(&self) -> BTreeMap<&str, DefaultDeny> {
        default_deny_by_namespace(self.policies.iter().map(|p| &**p))
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
            if let Some(list) =
                self.classification.named_index.get(*name).and_then(|by_port| by_port.get(&(*protocol, port)))
            {
                ids.extend_from_slice(list);
            }
        }
        ClassSet::from_unsorted(ids, self.class_count())
    }

    /// Each isolated class's allowed peers for one destination port and protocol.
    /// A class that one rule applies to shares that rule's peers; only classes
    /// that several rules apply to get a union of their own. The last view
    /// asked for is kept and handed out again for the same port.
    pub fn view(&self, port: u16, protocol: Protocol) -> Arc<PortView> {
        let mut last = self.last_view.lock().ok();
        if let Some(view) = last.as_ref().and_then(|l| l.as_ref()).filter(|v| v.port == port && v.protocol == protocol)
        {
            return view.clone();
        }
        let view = Arc::new(self.build_view(port, protocol));
        if let Some(slot) = last.as_mut() {
            **slot = Some(view.clone());
        }
        view
    }

    /// [`Engine::view`] built afresh, without the memo.
    pub fn build_view(&self, port: u16, protocol: Protocol) -> PortView {
        let universe = self.class_count();
        let fresh = |isolated: &Vec<bool>| -> Vec<Building> {
            isolated.iter().map(|i| if *i { Building::Deny } else { Building::Open }).collect()
        };
        let mut ingress = fresh(&self.ingress_isolated);
        let mut egress = fresh(&self.egress_isolated);
        let mut sides = vec![Side::default()];
        let mut named_cache = FastMap::default();
        for (pi, policy) in self.policies.iter().enumerate() {
            let (Some(selected), Some(peers)) = (self.selected.get(pi), self.rule_peers.get(pi)) else {
                continue;
            };
            if selected.is_empty() {
                continue;
            }
            for (ri, rule) in policy.ingress.iter().flatten().enumerate() {
                if peers[0].get(ri).is_none() {
                    continue;
                }
                let incoming = Building::Rule(pi as u32, ri as u32);
                match rule.port_match(port, protocol) {
                    PortMatch::None => continue,
                    PortMatch::All => selected.for_each(|d| self.add_to(&mut ingress, &mut sides, 0, d, incoming)),
                    // The destination is the selected pod: it must resolve the name (netpol.md §28).
                    PortMatch::Named(names) => selected
                        .intersect(&self.named_classes_cached(&mut named_cache, names, port), universe)
                        .for_each(|d| self.add_to(&mut ingress, &mut sides, 0, d, incoming)),
                }
            }
            for (ri, rule) in policy.egress.iter().flatten().enumerate() {
                let Some(rule_side) = peers[1].get(ri) else {
                    continue;
                };
                let incoming = match rule.port_match(port, protocol) {
                    PortMatch::None => continue,
                    PortMatch::All => Building::Rule(pi as u32, ri as u32),
                    // The destination must resolve the name; externals never do.
                    PortMatch::Named(names) => {
                        let named = self.named_classes_cached(&mut named_cache, names, port);
                        let classes =
                            if rule_side.all_classes { named } else { rule_side.classes.intersect(&named, universe) };
                        sides.push(Side { classes, ..Side::default() });
                        Building::Shared((sides.len() - 1) as u32)
                    }
                };
                selected.for_each(|s| self.add_to(&mut egress, &mut sides, 1, s, incoming));
            }
        }
        let finish = |built: Vec<Building>| -> Vec<SideRef> {
            built
                .into_iter()
                .map(|b| match b {
                    Building::Open => SideRef::Open,
                    Building::Deny => SideRef::View(0),
                    Building::Rule(p, r) => SideRef::Rule(p, r),
                    Building::Shared(i) | Building::Owned(i) => SideRef::View(i),
                })
                .collect()
        };
        PortView { port, protocol, ingress: finish(ingress), egress: finish(egress), sides }
    }

    /// Adds the peers of `incoming` (a rule or a shared view side) to class
    /// `class`'s side in direction `slot`, if the class is isolated there.
    fn add_to(&self, built: &mut [Building], sides: &mut Vec<Side>, slot: usize, class: u32, incoming: Building) {
        let Some(current) = built.get_mut(class as usize) else {
            return;
        };
        let universe = self.class_count();
        let rule_side = |p: u32, r: u32| self.rule_peers.get(p as usize).and_then(|d| d[slot].get(r as usize));
        match *current {
            Building::Open => {}
            Building::Deny => *current = incoming,
            Building::Rule(..) | Building::Shared(_) | Building::Owned(_) => {
                let target = match *current {
                    Building::Owned(i) => i as usize,
                    Building::Rule(p, r) => {
                        sides.push(rule_side(p, r).cloned().unwrap_or_default());
                        sides.len() - 1
                    }
                    Building::Shared(i) => {
                        sides.push(sides.get(i as usize).cloned().unwrap_or_default());
                        sides.len() - 1
                    }
                    _ => return,
                };
                *current = Building::Owned(target as u32);
                match incoming {
                    Building::Rule(p, r) => {
                        if let (Some(side), Some(add)) = (sides.get_mut(target), rule_side(p, r)) {
                            side.add(add, universe);
                        }
                    }
                    Building::Shared(i) => {
                        let add = sides.get(i as usize).cloned().unwrap_or_default();
                        if let Some(side) = sides.get_mut(target) {
                            side.add(&add, universe);
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// The peers a class's side allows, or `None` when it is not isolated.
    pub fn side<'a>(&'a self, view: &'a PortView, direction: Direction, class: u32) -> Option<&'a Side> {
        let slot = direction_slot(direction);
        let refs = if slot == 0 { &view.ingress } else { &view.egress };
        match refs.get(class as usize).copied().unwrap_or(SideRef::Open) {
            SideRef::Open => None,
            SideRef::Rule(p, r) => {
                self.rule_peers.get(p as usize).and_then(|d| d[slot].get(r as usize)).or_else(|| view.sides.first())
            }
            SideRef::View(i) => view.sides.get(i as usize).or_else(|| view.sides.first()),
        }
    }

    /// Where a class's side in one direction is kept in this view.
    pub fn side_ref(&self, view: &PortView, direction: Direction, class: u32) -> SideRef {
        let refs = if direction_slot(direction) == 0 { &view.ingress } else { &view.egress };
        refs.get(class as usize).copied().unwrap_or(SideRef::Open)
    }

    /// Whether every class's side in `direction` allows every class or none
    /// (and no node traffic exists): then whether a class reaches a peer in
    /// the other direction depends on the peer's side there, not on which
    /// class the peer is.
    pub fn peer_blind(&self, view: &PortView, direction: Direction) -> bool {
        !self.has_host_network
            && (0..self.class_count() as u32)
                .all(|c| self.side(view, direction, c).is_none_or(|side| side.all_classes || side.classes.is_empty()))
    }

    /// Node traffic (netpol.md §24 and §35): a hostNetwork pod and a pod on its node.
    pub fn is_node_traffic(&self, a: &Endpoint, b: &Endpoint) -> bool {
        self.has_host_network && (a.host_network || b.host_network) && a.node.is_some() && a.node == b.node
    }

    /// Whether class `s` may open a connection to class `d` in this view.
    pub fn class_allowed(&self, view: &PortView, s: u32, d: u32) -> bool {
        self.reach(view, s, true)(d)
    }

    /// [`Engine::class_allowed`] between class `own` and each other class
    /// asked: `own` is the source when `own_is_source`, else the destination.
    /// `own`'s side is looked up once, for walks over every other class.
    pub fn reach<'a>(&'a self, view: &'a PortView, own: u32, own_is_source: bool) -> impl Fn(u32) -> bool + 'a {
        let (direction, other_direction) = if own_is_source {
            (Direction::Egress, Direction::Ingress)
        } else {
            (Direction::Ingress, Direction::Egress)
        };
        let own_side = self.side(view, direction, own);
        move |other| {
            // Only hostNetwork pods make node traffic: skip the endpoint lookups without them.
            if self.has_host_network
                && let (Some(a), Some(b)) = (self.representative(own), self.representative(other))
                && self.is_node_traffic(a, b)
            {
                return true;
            }
            // The source's egress side must allow the destination, and the
            // destination's ingress side the source.
            own_side.is_none_or(|side| side.allows_class(other))
                && self.side(view, other_direction, other).is_none_or(|side| side.allows_class(own))
        }
    }

    /// Endpoint (by index) to an external range.
    pub fn to_external_allowed(&self, view: &PortView, s: usize, range: &IpRange) -> bool {
        let Some(&class) = self.class_of().get(s) else {
            return false;
        };
        self.side(view, Direction::Egress, class).is_none_or(|side| side.allows_external(range))
    }

    /// An external range to an endpoint (by index).
    pub fn from_external_allowed(&self, view: &PortView, d: usize, range: &IpRange) -> bool {
        let Some(&class) = self.class_of().get(d) else {
            return false;
        };
        self.side(view, Direction::Ingress, class).is_none_or(|side| side.allows_external(range))
    }

    /// Endpoint pair by index; an endpoint may always reach itself (netpol.md §34).
    pub fn allowed(&self, view: &PortView, s: usize, d: usize) -> bool {
        if s == d {
            return true;
        }
        match (self.class_of().get(s), self.class_of().get(d)) {
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
        for endpoint in self.endpoints.iter() {
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

/// What policies can observe of a pod, as dense ids: the label keys selectors
/// read, the port names rules name, and the distinct ipBlock address sets. Only
/// these go into class keys.
struct Vocabulary<'p> {
    keys: FastMap<&'p str, u32>,
    port_names: FastMap<&'p str, u32>,
    /// The same, listed, while there are few: a length check rejects most
    /// labels faster than hashing them.
    few_keys: Vec<(&'p str, u32)>,
    few_port_names: Vec<(&'p str, u32)>,
    blocks: Vec<&'p RangeSet>,
    block_ids: FastMap<&'p RangeSet, u32>,
}

impl<'p> Vocabulary<'p> {
    #[inline(never)]
    fn of(policies: &'p [Arc<Policy>]) -> Vocabulary<'p> {
        let mut vocabulary = Vocabulary {
            keys: FastMap::default(),
            port_names: FastMap::default(),
            few_keys: Vec::new(),
            few_port_names: Vec::new(),
            blocks: Vec::new(),
            block_ids: FastMap::default(),
        };
        let add_keys = |keys: &mut FastMap<&'p str, u32>, selector: &'p Selector| {
            for key in selector.keys() {
                let next = keys.len() as u32;
                keys.entry(key).or_insert(next);
            }
        };
        for policy in policies {
            add_keys(&mut vocabulary.keys, &policy.selector);
            for rule in policy.ingress.iter().chain(policy.egress.iter()).flatten() {
                for peer in rule.peers.iter().flatten() {
                    match &peer.kind {
                        PeerKind::Pods { pods, .. } => add_keys(&mut vocabulary.keys, pods),
                        PeerKind::IpBlock { addresses, .. } => {
                            let next = vocabulary.blocks.len() as u32;
                            vocabulary.block_ids.entry(addresses).or_insert_with(|| {
                                vocabulary.blocks.push(addresses);
                                next
                            });
                        }
                    }
                }
                for entry in rule.ports.iter().flatten() {
                    if let PortSpec::Named(name) = &entry.spec {
                        let next = vocabulary.port_names.len() as u32;
                        vocabulary.port_names.entry(name).or_insert(next);
                    }
                }
            }
        }
        let few = |map: &FastMap<&'p str, u32>| -> Vec<(&'p str, u32)> {
            if map.len() <= FEW { map.iter().map(|(k, v)| (*k, *v)).collect() } else { Vec::new() }
        };
        vocabulary.few_keys = few(&vocabulary.keys);
        vocabulary.few_port_names = few(&vocabulary.port_names);
        vocabulary
    }

    /// The label keys, in id order.
    fn keys_by_id(&self) -> Vec<&'p str> {
        in_id_order(&self.keys)
    }

    /// The port names, in id order.
    fn port_names_by_id(&self) -> Vec<&'p str> {
        in_id_order(&self.port_names)
    }

    fn key_id(&self, key: &str) -> Option<u32> {
        if self.keys.len() <= FEW {
            self.few_keys.iter().find(|(k, _)| *k == key).map(|(_, id)| *id)
        } else {
            self.keys.get(key).copied()
        }
    }

    fn port_name_id(&self, name: &str) -> Option<u32> {
        if self.port_names.len() <= FEW {
            self.few_port_names.iter().find(|(k, _)| *k == name).map(|(_, id)| *id)
        } else {
            self.port_names.get(name).copied()
        }
    }
}

/// Up to this many label keys or port names are searched by a linear scan.
const FEW: usize = 8;

/// Endpoints grouped into classes, with each class's (key id, pair id) labels.
struct Classified {
    classes: Vec<Class>,
    class_of: Vec<u32>,
    /// Class id → its labels (only keys some selector reads) as (key id, pair id).
    class_labels: Ragged<(u32, u32)>,
    /// Class id → its endpoints.
    members: Ragged<u32>,
    /// Distinct ipBlock → the classes whose pods it holds, ascending.
    block_classes: Vec<Vec<u32>>,
    /// Key id → value → pair id, for every pair some pod carries.
    pairs: Vec<FastMap<Box<str>, u32>>,
    pair_count: usize,
}

/// An interning map's names, in id order.
fn in_id_order<'p>(ids: &FastMap<&'p str, u32>) -> Vec<&'p str> {
    let mut names = vec![""; ids.len()];
    for (name, id) in ids {
        if let Some(slot) = names.get_mut(*id as usize) {
            *slot = name;
        }
    }
    names
}

const NONE: u32 = u32::MAX;

/// Groups endpoints into classes. A class key is a small vector of ids —
/// namespace, hostNetwork, node, interned (key, value) pairs, named ports,
/// ipBlocks — built in one reused buffer and looked up by slice, so an endpoint
/// whose class exists allocates nothing. (Build phases stay out of line so that
/// profiles show them apart; each runs once per build.)
#[inline(never)]
fn classify<'e>(
    endpoints: &'e [Endpoint],
    vocabulary: &Vocabulary<'_>,
    namespace_index: &FastMap<&str, usize>,
    ips_matter: bool,
    has_host_network: bool,
) -> Classified {
    // Workloads run a few replicas each: room for a class per four pods saves most rehashing.
    let expected = endpoints.len() / 4;
    let mut pairs: Vec<FastMap<Box<str>, u32>> = vec![FastMap::default(); vocabulary.keys.len()];
    let mut pair_count = 0u32;
    let mut nodes: FastMap<&'e str, u32> = FastMap::default();
    let mut index: FastMap<Box<[u32]>, u32> = FastMap::with_capacity_and_hasher(expected, Default::default());
    let mut classes: Vec<Class> = Vec::new();
    let mut class_labels: Ragged<(u32, u32)> = Ragged::default();
    let mut block_classes: Vec<Vec<u32>> = vec![Vec::new(); vocabulary.blocks.len()];
    let mut class_of = Vec::with_capacity(endpoints.len());
    let mut key: Vec<u32> = Vec::new();
    let mut labels: Vec<(u32, u32)> = Vec::new();
    let mut last_pairs: Vec<Option<(&'e str, u32)>> = vec![None; vocabulary.keys.len()];
    let mut previous: Vec<u32> = Vec::new();
    let mut previous_id = 0;
    // Endpoints are sorted by id, so namespaces come in runs.
    let mut last_namespace: Option<(&str, usize)> = None;
    for (position, endpoint) in endpoints.iter().enumerate() {
        let namespace = match last_namespace {
            Some((name, id)) if name == endpoint.namespace => id,
            _ => {
                let id = namespace_index.get(endpoint.namespace.as_str()).copied().unwrap_or(usize::MAX);
                last_namespace = Some((endpoint.namespace.as_str(), id));
                id
            }
        };
        key.clear();
        labels.clear();
        key.push(u32::try_from(namespace).unwrap_or(NONE));
        key.push(u32::from(endpoint.host_network));
        let node = match endpoint.node.as_deref() {
            Some(name) if has_host_network => {
                let next = nodes.len() as u32;
                *nodes.entry(name).or_insert(next)
            }
            _ => NONE,
        };
        key.push(node);
        for (k, v) in &endpoint.labels {
            if let Some(key_id) = vocabulary.key_id(k) {
                // Replicas are adjacent: most values repeat the previous pod's.
                let last = last_pairs.get_mut(key_id as usize);
                let pair = match last {
                    Some(Some((value, pair))) if *value == v.as_str() => *pair,
                    _ => {
                        let values = pairs.get_mut(key_id as usize);
                        let pair = match values {
                            Some(values) => match values.get(v.as_str()) {
                                Some(pair) => *pair,
                                None => {
                                    values.insert(v.as_str().into(), pair_count);
                                    pair_count += 1;
                                    pair_count - 1
                                }
                            },
                            None => NONE,
                        };
                        if let Some(slot) = last_pairs.get_mut(key_id as usize) {
                            *slot = Some((v.as_str(), pair));
                        }
                        pair
                    }
                };
                labels.push((key_id, pair));
            }
        }
        key.push(labels.len() as u32);
        key.extend(labels.iter().map(|(_, pair)| *pair));
        let ports_at = key.len();
        key.push(0);
        for port in &endpoint.ports {
            if let Some(name) = vocabulary.port_name_id(&port.name) {
                key.extend([name, port.protocol as u32, u32::from(port.number)]);
            }
        }
        let port_words = (key.len() - ports_at - 1) as u32;
        if let Some(count) = key.get_mut(ports_at) {
            *count = port_words;
        }
        let blocks_at = key.len();
        key.extend(signature(endpoint, &vocabulary.blocks, ips_matter));
        // Replicas of one workload usually share the previous pod's class.
        let found = if previous == key { Some(previous_id) } else { index.get(key.as_slice()).copied() };
        let id = match found {
            Some(id) => id,
            None => {
                let id = classes.len() as u32;
                classes.push(Class { representative: position, namespace });
                class_labels.push_row(labels.iter().copied());
                for block in key.get(blocks_at..).unwrap_or_default() {
                    if let Some(list) = block_classes.get_mut(*block as usize) {
                        list.push(id);
                    }
                }
                index.insert(key.clone().into_boxed_slice(), id);
                id
            }
        };
        class_of.push(id);
        std::mem::swap(&mut previous, &mut key);
        previous_id = id;
    }
    let members = Ragged::grouped(&class_of, classes.len());
    Classified { classes, class_of, class_labels, members, block_classes, pairs, pair_count: pair_count as usize }
}

/// Rows of varying length in one flat array (no allocation per row).
#[derive(Clone, Debug)]
pub(crate) struct Ragged<T> {
    starts: Vec<u32>,
    items: Vec<T>,
}

impl<T> Default for Ragged<T> {
    fn default() -> Self {
        Ragged { starts: vec![0], items: Vec::new() }
    }
}

impl<T: Copy> Ragged<T> {
    fn push_row(&mut self, row: impl IntoIterator<Item = T>) {
        self.items.extend(row);
        self.starts.push(self.items.len() as u32);
    }

    pub(crate) fn row(&self, i: usize) -> &[T] {
        let (Some(&lo), Some(&hi)) = (self.starts.get(i), self.starts.get(i + 1)) else {
            return &[];
        };
        self.items.get(lo as usize..hi as usize).unwrap_or_default()
    }

    pub(crate) fn rows(&self) -> impl Iterator<Item = &[T]> {
        (0..self.starts.len().saturating_sub(1)).map(|i| self.row(i))
    }
}

impl Ragged<u32> {
    /// Row g lists the positions i (ascending) with `group_of[i] == g`.
    pub(crate) fn grouped(group_of: &[u32], groups: usize) -> Ragged<u32> {
        let mut starts = vec![0u32; groups + 1];
        for g in group_of {
            if let Some(start) = starts.get_mut(*g as usize + 1) {
                *start += 1;
            }
        }
        for i in 1..starts.len() {
            let previous = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(start) = starts.get_mut(i) {
                *start += previous;
            }
        }
        let mut next = starts.clone();
        let mut items = vec![0u32; group_of.len()];
        for (i, g) in group_of.iter().enumerate() {
            if let Some(slot) = next.get_mut(*g as usize)
                && let Some(item) = items.get_mut(*slot as usize)
            {
                *item = i as u32;
                *slot += 1;
            }
        }
        Ragged { starts, items }
    }
}

/// Pair id → the (non-hostNetwork) classes carrying it, ascending; one flat array.
struct Postings {
    starts: Vec<u32>,
    classes: Vec<u32>,
}

impl Postings {
    #[inline(never)]
    fn build(class_labels: &Ragged<(u32, u32)>, host_network: &[bool], pair_count: usize) -> Postings {
        let mut starts = vec![0u32; pair_count + 1];
        let visible =
            || class_labels.rows().enumerate().filter(|(id, _)| !host_network.get(*id).copied().unwrap_or(true));
        for (_, labels) in visible() {
            for (_, pair) in labels {
                if let Some(start) = starts.get_mut(*pair as usize + 1) {
                    *start += 1;
                }
            }
        }
        for i in 1..starts.len() {
            let previous = starts.get(i - 1).copied().unwrap_or(0);
            if let Some(start) = starts.get_mut(i) {
                *start += previous;
            }
        }
        let mut next = starts.clone();
        let mut classes = vec![0u32; starts.last().copied().unwrap_or(0) as usize];
        for (id, labels) in visible() {
            for (_, pair) in labels {
                if let Some(slot) = next.get_mut(*pair as usize)
                    && let Some(entry) = classes.get_mut(*slot as usize)
                {
                    *entry = id as u32;
                    *slot += 1;
                }
            }
        }
        Postings { starts, classes }
    }

    fn get(&self, pair: u32) -> &[u32] {
        let (Some(&lo), Some(&hi)) = (self.starts.get(pair as usize), self.starts.get(pair as usize + 1)) else {
            return &[];
        };
        self.classes.get(lo as usize..hi as usize).unwrap_or_default()
    }
}

/// Which namespaces a pod selector looks in.
#[derive(Clone, Copy)]
enum Scope {
    /// The policy's own namespace (`None`: not a known namespace).
    Own(Option<usize>),
    /// Index into [`SelectorEvaluator::scopes`].
    Selected(usize),
}

/// The namespaces a namespaceSelector matched, as a list and as a mask.
struct NamespaceScopeSet {
    list: Vec<usize>,
    mask: Vec<bool>,
}

const IN: u32 = 0;
const NOT_IN: u32 = 1;
const EXISTS: u32 = 2;
const DOES_NOT_EXIST: u32 = 3;

/// A pod selector over interned ids: per requirement `[key, op, n, pair ids…]`
/// (values no pod carries left out: they can match nothing).
fn encode(selector: &Selector, vocabulary: &Vocabulary<'_>, pairs: &[FastMap<Box<str>, u32>], out: &mut Vec<u32>) {
    for requirement in &selector.requirements {
        let key = vocabulary.keys.get(requirement.key.as_str()).copied().unwrap_or(NONE);
        let (op, values) = match &requirement.op {
            Op::In(values) => (IN, values.as_slice()),
            Op::NotIn(values) => (NOT_IN, values.as_slice()),
            Op::Exists => (EXISTS, &[][..]),
            Op::DoesNotExist => (DOES_NOT_EXIST, &[][..]),
        };
        out.extend([key, op, 0]);
        let count_at = out.len() - 1;
        let before = out.len();
        let known = pairs.get(key as usize);
        out.extend(values.iter().filter_map(|v| known.and_then(|k| k.get(v.as_str())).copied()));
        let count = (out.len() - before) as u32;
        if let Some(slot) = out.get_mut(count_at) {
            *slot = count;
        }
    }
}

/// Decodes [`encode`]'s requirements: (key, op, pair ids).
fn requirements(mut encoded: &[u32]) -> impl Iterator<Item = (u32, u32, &[u32])> {
    std::iter::from_fn(move || {
        let (&[key, op, count], rest) = encoded.split_first_chunk::<3>()?;
        let (values, rest) = rest.split_at_checked(count as usize)?;
        encoded = rest;
        Some((key, op, values))
    })
}

/// apimachinery's `Requirement.Matches` over a class's interned labels.
fn matches_encoded(encoded: &[u32], labels: &[(u32, u32)]) -> bool {
    requirements(encoded).all(|(key, op, values)| {
        let value = labels.iter().find(|(k, _)| *k == key).map(|(_, pair)| *pair);
        match (op, value) {
            (IN, Some(v)) => values.contains(&v),
            (IN, None) => false,
            (NOT_IN, Some(v)) => !values.contains(&v),
            (NOT_IN, None) => true,
            (EXISTS, v) => v.is_some(),
            (_, v) => v.is_none(),
        }
    })
}

/// Which of the distinct ipBlocks hold one of the endpoint's IPs: netpol.md §22
/// [convention] when `ips_matter`; hostNetwork pods (netpol.md §35) always, their IP
/// being the node's.
fn signature<'a>(e: &'a Endpoint, blocks: &'a [&RangeSet], ips_matter: bool) -> impl Iterator<Item = u32> + 'a {
    let relevant = ips_matter || e.host_network;
    (0..blocks.len() as u32)
        .filter(move |b| relevant && blocks.get(*b as usize).is_some_and(|set| e.ips.iter().any(|a| set.contains(*a))))
}

struct SelectorEvaluator<'e, 'p> {
    vocabulary: &'e Vocabulary<'p>,
    pairs: &'e [FastMap<Box<str>, u32>],
    classes: &'e [Class],
    class_labels: &'e Ragged<(u32, u32)>,
    host_network: &'e [bool],
    namespaces: &'e [NamespaceEntry],
    postings: &'e Postings,
    namespace_classes: &'e [Vec<u32>],
    /// Distinct namespaceSelectors' matches.
    scopes: Vec<NamespaceScopeSet>,
    scope_memo: FastMap<&'p Selector, usize>,
    /// (scope, encoded selector) → index into `sets`.
    pod_memo: FastMap<Box<[u32]>, usize>,
    sets: Vec<ClassSet>,
    buffer: Vec<u32>,
    universe: usize,
}

impl<'p> SelectorEvaluator<'_, 'p> {
    fn namespaces(&mut self, selector: &'p Selector) -> Scope {
        if let Some(&found) = self.scope_memo.get(selector) {
            return Scope::Selected(found);
        }
        let mask: Vec<bool> = self.namespaces.iter().map(|n| selector.matches(&n.labels)).collect();
        let list = mask.iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| i).collect();
        let id = self.scopes.len();
        self.scopes.push(NamespaceScopeSet { list, mask });
        self.scope_memo.insert(selector, id);
        Scope::Selected(id)
    }

    /// Non-hostNetwork classes in the scope whose labels match; the index of
    /// the set in `self.sets`.
    fn pods(&mut self, selector: &Selector, scope: Scope) -> usize {
        let mut key = std::mem::take(&mut self.buffer);
        key.clear();
        match scope {
            Scope::Own(own) => key.extend([0, own.map_or(NONE, |n| u32::try_from(n).unwrap_or(NONE))]),
            Scope::Selected(id) => key.extend([1, u32::try_from(id).unwrap_or(NONE)]),
        }
        encode(selector, self.vocabulary, self.pairs, &mut key);
        if let Some(&found) = self.pod_memo.get(key.as_slice()) {
            self.buffer = key;
            return found;
        }
        let encoded = key.get(2..).unwrap_or_default();
        // Candidates: the smallest posting list of an `In` requirement, else every
        // class of the scope's namespaces.
        let mut best: Option<(usize, &[u32])> = None;
        for (_, op, values) in requirements(encoded) {
            if op == IN {
                let size: usize = values.iter().map(|v| self.postings.get(*v).len()).sum();
                if best.is_none_or(|(b, _)| size < b) {
                    best = Some((size, values));
                }
            }
        }
        let mut candidates: Vec<u32> = Vec::new();
        match best {
            Some((_, values)) => {
                for v in values {
                    candidates.extend_from_slice(self.postings.get(*v));
                }
            }
            None => {
                let own_list: [usize; 1];
                let lists: &[usize] = match scope {
                    Scope::Own(Some(n)) => {
                        own_list = [n];
                        &own_list
                    }
                    Scope::Own(None) => &[],
                    Scope::Selected(id) => self.scopes.get(id).map(|s| s.list.as_slice()).unwrap_or_default(),
                };
                for n in lists {
                    candidates.extend_from_slice(self.namespace_classes.get(*n).map(Vec::as_slice).unwrap_or_default());
                }
            }
        }
        let mask: &[bool] = match scope {
            Scope::Selected(id) => self.scopes.get(id).map(|s| s.mask.as_slice()).unwrap_or_default(),
            Scope::Own(_) => &[],
        };
        let in_scope = |namespace: usize| match scope {
            Scope::Own(own) => own == Some(namespace),
            Scope::Selected(_) => mask.get(namespace).copied().unwrap_or(false),
        };
        candidates.retain(|id| {
            let Some(class) = self.classes.get(*id as usize) else {
                return false;
            };
            let labels = self.class_labels.row(*id as usize);
            !self.host_network.get(*id as usize).copied().unwrap_or(true)
                && in_scope(class.namespace)
                && matches_encoded(encoded, labels)
        });
        let set = ClassSet::from_unsorted(candidates, self.universe);
        let id = self.sets.len();
        self.sets.push(set);
        self.pod_memo.insert(key.as_slice().into(), id);
        self.buffer = key;
        id
    }

    fn rule_side(&mut self, rule: &'p Rule, own: Option<usize>, block_sets: &[ClassSet]) -> Side {
        let Some(peers) = &rule.peers else {
            return Side { all_classes: true, all_external: true, ..Side::default() };
        };
        let mut side = Side::default();
        for peer in peers {
            match &peer.kind {
                PeerKind::Pods { namespaces, pods } => {
                    let scope = match namespaces {
                        NamespaceScope::Own => Scope::Own(own),
                        NamespaceScope::Selector(selector) => self.namespaces(selector),
                    };
                    let set = self.pods(pods, scope);
                    if let Some(set) = self.sets.get(set) {
                        side.classes.union_with(set, self.universe);
                    }
                }
                PeerKind::IpBlock { addresses, .. } => {
                    side.external.union_with(addresses);
                    // netpol.md §22 [convention]: ipBlock matches pod IPs; hostNetwork pods
                    // (netpol.md §35) always, since their IP is the node's.
                    if let Some(set) =
                        self.vocabulary.block_ids.get(addresses).and_then(|b| block_sets.get(*b as usize))
                    {
                        side.classes.union_with(set, self.universe);
                    }
                }
            }
        }
        side
    }
}
