//! Connectivity diff between two inputs ("before" and "after"): for every
//! ordered pair of distinct endpoints, the full connection set on each side
//! (netpol.md §44), reporting the pairs whose sets differ.
//!
//! It scales by never comparing pairs that cannot have changed. An endpoint
//! present on both sides can only see its outgoing connections change when a
//! policy selecting it (on either side) for egress changed, or when the
//! endpoint itself or its namespace's labels changed; likewise for incoming
//! connections and ingress. Only those rows and columns are computed, and
//! within them destinations are taken class by class (the pair of the
//! endpoint's before and after classes), expanding to pods only where the
//! class pair's sets differ.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::Protocol;
use super::classes::FastMap;
use super::connections::{ConnectionIndex, Connections};
use super::endpoint::Endpoint;
use super::engine::{Engine, Ragged, SideRef};
use super::ip::IpRange;
use super::policy::{Direction, PeerKind, Policy, Rule};
use super::selector::Selector;

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Nothing was allowed before.
    Added,
    /// Nothing is allowed after.
    Removed,
    /// Something before and after, but not the same.
    Changed,
}

impl ChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Removed => "removed",
            ChangeKind::Changed => "changed",
        }
    }
}

/// Which side only an endpoint exists on.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum EndpointChange {
    Added,
    Removed,
}

impl EndpointChange {
    pub fn as_str(self) -> &'static str {
        match self {
            EndpointChange::Added => "added",
            EndpointChange::Removed => "removed",
        }
    }
}

/// One ordered pair whose connection set differs.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct Change {
    #[serde(rename = "type")]
    pub kind: ChangeKind,
    pub source: String,
    pub destination: String,
    #[cfg_attr(feature = "ts", ts(as = "super::connections::ConnectionsShape"))]
    pub before: Connections,
    #[cfg_attr(feature = "ts", ts(as = "super::connections::ConnectionsShape"))]
    pub after: Connections,
    /// Whether the source or destination exists on one side only.
    pub endpoint: Option<EndpointChange>,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct EndpointChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// The diff contract: changes sorted by source, then destination (byte
/// strings); every endpoint present on one side only.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Clone, Debug, Default, PartialEq, Eq)]
pub struct Diff {
    pub changes: Vec<Change>,
    pub endpoints: EndpointChanges,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty() && self.endpoints.added.is_empty() && self.endpoints.removed.is_empty()
    }
}

/// An address range outside the cluster that no ipBlock of either side divides.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExternalRange {
    /// `external:<first>-<last>`.
    pub id: String,
    pub range: IpRange,
}

fn address_text(v6: bool, value: u128) -> String {
    if v6 {
        Ipv6Addr::from(value).to_string()
    } else {
        Ipv4Addr::from(u32::try_from(value).unwrap_or(u32::MAX)).to_string()
    }
}

/// The disjoint ranges that every ipBlock (cidr minus except) of the given
/// engines cuts IPv4 and IPv6 into, IPv4 first, each family ascending: on every
/// one of them each ipBlock either holds every address or none.
pub fn external_ranges(engines: &[&Engine]) -> Vec<ExternalRange> {
    let mut out = Vec::new();
    for (v6, max) in [(false, u128::from(u32::MAX)), (true, u128::MAX)] {
        // Cut points: the first address of each piece after the first.
        let mut cuts: Vec<u128> = Vec::new();
        for engine in engines {
            for policy in &engine.policies {
                for rule in policy.ingress.iter().chain(policy.egress.iter()).flatten() {
                    for peer in rule.peers.iter().flatten() {
                        if let PeerKind::IpBlock { addresses, .. } = &peer.kind {
                            for range in addresses.ranges().iter().filter(|r| r.v6 == v6) {
                                cuts.push(range.lo);
                                if range.hi < max {
                                    cuts.push(range.hi + 1);
                                }
                            }
                        }
                    }
                }
            }
        }
        cuts.retain(|c| *c > 0);
        crate::sort::sort(&mut cuts);
        cuts.dedup();
        let mut lo = 0u128;
        for hi_next in cuts.into_iter().map(Some).chain([None]) {
            let hi = hi_next.map_or(max, |next| next - 1);
            let range = IpRange { v6, lo, hi };
            out.push(ExternalRange {
                id: format!("external:{}-{}", address_text(v6, lo), address_text(v6, hi)),
                range,
            });
            if let Some(next) = hi_next {
                lo = next;
            }
        }
    }
    out
}

/// What of a policy decides traffic (its place in the input aside).
fn policy_content(policy: &Policy) -> (&Selector, &Option<Vec<Rule>>, &Option<Vec<Rule>>) {
    (&policy.selector, &policy.ingress, &policy.egress)
}

fn namespace_labels<'e>(engine: &'e Engine, name: &str) -> Option<&'e BTreeMap<String, String>> {
    engine.namespaces.iter().find(|n| n.name == name).map(|n| &n.labels)
}

/// Everything of an endpoint that a rule can observe.
fn same_endpoint(a: &Endpoint, b: &Endpoint) -> bool {
    // Engines built from one list of endpoints share it.
    std::ptr::eq(a, b)
        || a.namespace == b.namespace
            && a.labels == b.labels
            && a.ports == b.ports
            && a.ips == b.ips
            && a.host_network == b.host_network
            && a.node == b.node
}

/// Whether two lists of deciding rules ([`Engine::deciding_rules`]) are the
/// same set: what a direction allows is the union of its rules, so order and
/// repetition do not matter.
fn same_rule_sets(before: Option<Vec<&Rule>>, after: Option<Vec<&Rule>>) -> bool {
    match (before, after) {
        (None, None) => true,
        (Some(x), Some(y)) => x.iter().all(|r| y.contains(r)) && y.iter().all(|r| x.contains(r)),
        _ => false,
    }
}

/// Rows (sources) and columns (destinations) whose sets may differ, per engine endpoint.
struct Dirty {
    rows: Vec<bool>,
    columns: Vec<bool>,
}

type Contents<'a> = Vec<(&'a Selector, &'a Option<Vec<Rule>>, &'a Option<Vec<Rule>>)>;

/// Policies by namespace and name, of those with an id in `ids`: their contents and indexes.
fn policies_by_id<'e>(
    engine: &'e Engine,
    ids: &BTreeSet<(&str, &str)>,
) -> BTreeMap<(&'e str, &'e str), (Contents<'e>, Vec<usize>)> {
    let mut map: BTreeMap<(&str, &str), (Contents<'_>, Vec<usize>)> = BTreeMap::new();
    for (index, policy) in engine.policies.iter().enumerate() {
        let id = (policy.namespace.as_str(), policy.name.as_str());
        if ids.contains(&id) {
            let entry = map.entry(id).or_default();
            entry.0.push(policy_content(policy));
            entry.1.push(index);
        }
    }
    map
}

/// Marks the endpoints selected by each policy whose content differs between
/// the two sides (or that exists on one side only).
fn mark_policy_changes(before: &Engine, after: &Engine, dirty: [&mut Dirty; 2]) {
    // Policies are compared by id. The lists usually differ in a few places
    // (a fix's verification: one), so only the ids of the policies between
    // the longest common prefix and suffix can differ; each such id is then
    // compared with all its policies on both sides.
    let alike = |(a, b): (&Arc<Policy>, &Arc<Policy>)| {
        Arc::ptr_eq(a, b) || a.namespace == b.namespace && a.name == b.name && policy_content(a) == policy_content(b)
    };
    let (old_list, new_list) = (&before.policies, &after.policies);
    let prefix = old_list.iter().zip(new_list.iter()).take_while(|pair| alike(*pair)).count();
    let (old_rest, new_rest) = (old_list.get(prefix..).unwrap_or_default(), new_list.get(prefix..).unwrap_or_default());
    let suffix = old_rest.iter().rev().zip(new_rest.iter().rev()).take_while(|pair| alike(*pair)).count();
    let (old_middle, new_middle) = (
        old_rest.get(..old_rest.len() - suffix).unwrap_or_default(),
        new_rest.get(..new_rest.len() - suffix).unwrap_or_default(),
    );
    let ids: BTreeSet<(&str, &str)> =
        old_middle.iter().chain(new_middle).map(|p| (p.namespace.as_str(), p.name.as_str())).collect();
    if ids.is_empty() {
        return;
    }
    let (old, new) = (policies_by_id(before, &ids), policies_by_id(after, &ids));
    let [dirty_before, dirty_after] = dirty;
    let mark = |engine: &Engine, dirty: &mut Dirty, indexes: &[usize]| {
        for &index in indexes {
            let (Some(policy), Some(selected)) = (engine.policies.get(index), engine.selected.get(index)) else {
                continue;
            };
            selected.for_each(|class| {
                for &member in engine.members(class) {
                    if policy.egress.is_some()
                        && let Some(flag) = dirty.rows.get_mut(member as usize)
                    {
                        *flag = true;
                    }
                    if policy.ingress.is_some()
                        && let Some(flag) = dirty.columns.get_mut(member as usize)
                    {
                        *flag = true;
                    }
                }
            });
        }
    };
    for (key, (contents, indexes)) in &old {
        if new.get(key).is_none_or(|(other, _)| other != contents) {
            mark(before, dirty_before, indexes);
        }
    }
    for (key, (contents, indexes)) in &new {
        if old.get(key).is_none_or(|(other, _)| other != contents) {
            mark(after, dirty_after, indexes);
        }
    }
}

/// An endpoint present on both sides: its index in each engine.
#[derive(Clone, Copy)]
struct Common {
    before: usize,
    after: usize,
}

/// How two engines' endpoints line up: those on both sides, those on one, which
/// common endpoints' rows (as a source) and columns (as a destination) may have
/// changed, and the common endpoints grouped by (before class, after class).
struct Alignment {
    common: Vec<Common>,
    only_before: Vec<usize>,
    only_after: Vec<usize>,
    /// Per common endpoint.
    rows: Vec<bool>,
    columns: Vec<bool>,
    /// Joint classes: (before class, after class) and their members (indexes into `common`).
    joint_keys: Vec<(u32, u32)>,
    joint_members: Ragged<u32>,
    /// Per endpoint of each side, the place of its id among the ids of both
    /// sides together (ascending byte order): pairs order by these numbers
    /// as they would by their ids.
    before_rank: Vec<u32>,
    after_rank: Vec<u32>,
    ranks: usize,
}

impl Alignment {
    fn of(before: &Engine, after: &Engine) -> Alignment {
        // Endpoints are sorted by id on both sides: merge.
        let mut common: Vec<Common> = Vec::new();
        let mut only_before: Vec<usize> = Vec::new();
        let mut only_after: Vec<usize> = Vec::new();
        let mut before_rank = vec![0u32; before.endpoints.len()];
        let mut after_rank = vec![0u32; after.endpoints.len()];
        let mut rank = 0u32;
        if Arc::ptr_eq(&before.endpoints, &after.endpoints) {
            // One list (a fix's verification): every endpoint is its own match.
            let count = before.endpoints.len();
            common = (0..count).map(|k| Common { before: k, after: k }).collect();
            before_rank = (0..count as u32).collect();
            after_rank.clone_from(&before_rank);
            rank = count as u32;
        } else {
            let (mut i, mut j) = (0, 0);
            loop {
                let (on_before, on_after) = match (before.endpoints.get(i), after.endpoints.get(j)) {
                    (Some(b), Some(a)) => match b.id.cmp(&a.id) {
                        std::cmp::Ordering::Equal => (true, true),
                        std::cmp::Ordering::Less => (true, false),
                        std::cmp::Ordering::Greater => (false, true),
                    },
                    (Some(_), None) => (true, false),
                    (None, Some(_)) => (false, true),
                    (None, None) => break,
                };
                match (on_before, on_after) {
                    (true, true) => common.push(Common { before: i, after: j }),
                    (true, false) => only_before.push(i),
                    _ => only_after.push(j),
                }
                if on_before {
                    if let Some(slot) = before_rank.get_mut(i) {
                        *slot = rank;
                    }
                    i += 1;
                }
                if on_after {
                    if let Some(slot) = after_rank.get_mut(j) {
                        *slot = rank;
                    }
                    j += 1;
                }
                rank += 1;
            }
        }

        let fresh = |engine: &Engine| Dirty {
            rows: vec![false; engine.endpoints.len()],
            columns: vec![false; engine.endpoints.len()],
        };
        let (mut dirty_before, mut dirty_after) = (fresh(before), fresh(after));
        mark_policy_changes(before, after, [&mut dirty_before, &mut dirty_after]);
        let mut namespace_changed: FastMap<&str, bool> = FastMap::default();
        // Endpoints are sorted by id, so namespaces come in runs.
        let mut last_namespace: Option<(&str, bool)> = None;
        let mut same_rules: FastMap<(u32, u32), u32> = FastMap::default();
        let mut rows = vec![false; common.len()];
        let mut columns = vec![false; common.len()];
        for (c, pair) in common.iter().enumerate() {
            let (Some(b), Some(a)) = (before.endpoints.get(pair.before), after.endpoints.get(pair.after)) else {
                continue;
            };
            let namespace = match last_namespace {
                Some((name, changed)) if name == b.namespace => changed,
                _ => {
                    let changed = *namespace_changed.entry(b.namespace.as_str()).or_insert_with(|| {
                        namespace_labels(before, &b.namespace) != namespace_labels(after, &b.namespace)
                    });
                    last_namespace = Some((b.namespace.as_str(), changed));
                    changed
                }
            };
            let changed = namespace || !same_endpoint(b, a);
            let flag = |d: &Dirty, index: usize, rows: bool| {
                let list = if rows { &d.rows } else { &d.columns };
                list.get(index).copied().unwrap_or(false)
            };
            let row = flag(&dirty_before, pair.before, true) || flag(&dirty_after, pair.after, true);
            let column = flag(&dirty_before, pair.before, false) || flag(&dirty_after, pair.after, false);
            // An endpoint unchanged itself, marked only because a changed policy
            // selects it, keeps its connections in a direction when the same
            // rules decide it there on both sides (a policy that adds nothing,
            // such as a second default deny, removed or added).
            let classes = (
                before.class_of().get(pair.before).copied().unwrap_or(0),
                after.class_of().get(pair.after).copied().unwrap_or(0),
            );
            // Per class pair: bit 0 egress decided alike, bit 1 ingress.
            let alike = if changed || !(row || column) {
                0
            } else {
                *same_rules.entry(classes).or_insert_with(|| {
                    let same = |direction: Direction| {
                        same_rule_sets(
                            before.deciding_rules(classes.0, direction),
                            after.deciding_rules(classes.1, direction),
                        )
                    };
                    u32::from(same(Direction::Egress)) | u32::from(same(Direction::Ingress)) << 1
                })
            };
            if let Some(flag) = rows.get_mut(c) {
                *flag = changed || (row && alike & 1 == 0);
            }
            if let Some(flag) = columns.get_mut(c) {
                *flag = changed || (column && alike & 2 == 0);
            }
        }

        let mut joint_index: FastMap<(u32, u32), u32> = FastMap::default();
        let mut joint_keys: Vec<(u32, u32)> = Vec::new();
        let joint_of: Vec<u32> = if std::ptr::eq(before.class_of(), after.class_of()) {
            // One classification (a fix's verification): the joint classes are its classes.
            joint_keys = (0..before.class_count() as u32).map(|c| (c, c)).collect();
            before.class_of().to_vec()
        } else {
            common
                .iter()
                .map(|pair| {
                    let key = (
                        before.class_of().get(pair.before).copied().unwrap_or(0),
                        after.class_of().get(pair.after).copied().unwrap_or(0),
                    );
                    let next = joint_keys.len() as u32;
                    let id = *joint_index.entry(key).or_insert(next);
                    if id == next {
                        joint_keys.push(key);
                    }
                    id
                })
                .collect()
        };
        let joint_members = Ragged::grouped(&joint_of, joint_keys.len());
        Alignment {
            common,
            only_before,
            only_after,
            rows,
            columns,
            joint_keys,
            joint_members,
            before_rank,
            after_rank,
            ranks: rank as usize,
        }
    }

    /// The rank of a common endpoint (an index into `common`).
    fn common_rank(&self, member: u32) -> u32 {
        self.common.get(member as usize).and_then(|p| self.before_rank.get(p.before)).copied().unwrap_or(0)
    }

    fn is_row(&self, member: u32) -> bool {
        self.rows.get(member as usize).copied().unwrap_or(false)
    }

    fn is_column(&self, member: u32) -> bool {
        self.columns.get(member as usize).copied().unwrap_or(false)
    }

    /// The dirty rows and columns among one joint class's members.
    fn dirty(&self, members: &[u32]) -> (Vec<u32>, Vec<u32>) {
        let rows = members.iter().copied().filter(|m| self.is_row(*m)).collect();
        let columns = members.iter().copied().filter(|m| self.is_column(*m)).collect();
        (rows, columns)
    }

    /// Every ordered pair of distinct common endpoints that may have changed,
    /// side by side: for each joint class with dirty rows (then with dirty
    /// columns), `emit(side, walk)` is called. `walk(changed)` fills
    /// `changed` with the joint classes whose value against the side's own
    /// class differs, as (other joint class, before, after); the values
    /// come from `toward(side)`, which gives them for another joint class's
    /// key (the other end: a destination for rows, a source for columns).
    /// `emit` may skip the walk when it knows the answer already. The dirty
    /// rows of one joint class share every comparison, as do its dirty
    /// columns; a pair whose source and destination are both dirty is in a
    /// block of rows only (see [`ChangedBlock`]).
    fn for_each_changed_side<T: PartialEq, W: FnMut((u32, u32)) -> (T, T)>(
        &self,
        mut toward: impl FnMut(OwnSide<'_>) -> W,
        mut emit: impl FnMut(OwnSide<'_>, &mut dyn FnMut(&mut Vec<(usize, T, T)>)),
    ) {
        for (&own_key, own_members) in self.joint_keys.iter().zip(self.joint_members.rows()) {
            let (own_rows, own_columns) = self.dirty(own_members);
            for (rows, own_list) in [(true, &own_rows), (false, &own_columns)] {
                if own_list.is_empty() {
                    continue;
                }
                let side = OwnSide { key: own_key, rows, own_list };
                let mut walk = |changed: &mut Vec<(usize, T, T)>| {
                    changed.clear();
                    let mut value = toward(side);
                    for (other, &key) in self.joint_keys.iter().enumerate() {
                        let (x, y) = value(key);
                        if x != y {
                            changed.push((other, x, y));
                        }
                    }
                };
                emit(side, &mut walk);
            }
        }
    }

    /// A block's pairs of common endpoints (indexes into `common`), as (source, destination).
    fn block_pairs(&self, block: ChangedBlock<'_>, mut pair: impl FnMut(u32, u32)) {
        for &o in block.own_list {
            for &m in block.members.iter().filter(|m| **m != o) {
                if block.rows {
                    pair(o, m);
                } else if !self.is_row(m) {
                    pair(m, o);
                }
            }
        }
    }
}

/// One joint class's dirty rows (`rows`: as sources) or dirty columns (as
/// destinations), as [`Alignment::for_each_changed_side`] walks them.
#[derive(Clone, Copy)]
struct OwnSide<'a> {
    /// (before class, after class).
    key: (u32, u32),
    rows: bool,
    own_list: &'a [u32],
}

/// Pairs of common endpoints that change alike. With `rows`: from each of
/// `own_list` (the dirty rows of a joint class) to each of `members`.
/// Otherwise: from each of `members` that is not a dirty row to each of
/// `own_list` (the dirty columns of a joint class). Never an endpoint with
/// itself.
#[derive(Clone, Copy)]
struct ChangedBlock<'a> {
    rows: bool,
    own_list: &'a [u32],
    members: &'a [u32],
}

/// The connectivity diff of two engines built with the same options.
pub fn diff(before: &Engine, after: &Engine) -> Diff {
    let externals = external_ranges(&[before, after]);
    let alignment = Alignment::of(before, after);
    let Alignment { common, only_before, only_after, joint_keys, joint_members, .. } = &alignment;

    let mut old = ConnectionIndex::new(before);
    let mut new = ConnectionIndex::new(after);
    let mut changes: Vec<Change> = Vec::new();
    let id_of = |c: u32| common.get(c as usize).and_then(|p| before.endpoints.get(p.before)).map(|e| e.id.clone());
    let mut push = |source: String, destination: String, old_set: Connections, new_set: Connections, endpoint| {
        let kind = if old_set.is_empty() {
            ChangeKind::Added
        } else if new_set.is_empty() {
            ChangeKind::Removed
        } else {
            ChangeKind::Changed
        };
        changes.push(Change { kind, source, destination, before: old_set, after: new_set, endpoint });
    };

    let mut changed = Vec::new();
    alignment.for_each_changed_side(
        |side| {
            let (own, old, new) = (side.key, &old, &new);
            move |(b, a): (u32, u32)| {
                if side.rows {
                    (old.between_classes_once(own.0, b), new.between_classes_once(own.1, a))
                } else {
                    (old.between_classes_once(b, own.0), new.between_classes_once(a, own.1))
                }
            }
        },
        |side, walk| {
            walk(&mut changed);
            for (other, x, y) in &changed {
                let members = joint_members.row(*other);
                let block = ChangedBlock { rows: side.rows, own_list: side.own_list, members };
                alignment.block_pairs(block, |s, d| {
                    if let (Some(source), Some(destination)) = (id_of(s), id_of(d)) {
                        push(source, destination, x.clone(), y.clone(), None);
                    }
                })
            }
        },
    );
    // Common endpoints and the external ranges.
    for (&(bc, ac), own_members) in joint_keys.iter().zip(joint_members.rows()) {
        let (own_rows, own_columns) = alignment.dirty(own_members);
        for external in &externals {
            if !own_rows.is_empty() {
                let (x, y) = (old.to_external(bc, &external.range), new.to_external(ac, &external.range));
                if x != y {
                    for &r in &own_rows {
                        if let Some(source) = id_of(r) {
                            push(source, external.id.clone(), x.clone(), y.clone(), None);
                        }
                    }
                }
            }
            if !own_columns.is_empty() {
                let (x, y) = (old.from_external(&external.range, bc), new.from_external(&external.range, ac));
                if x != y {
                    for &d in &own_columns {
                        if let Some(destination) = id_of(d) {
                            push(external.id.clone(), destination, x.clone(), y.clone(), None);
                        }
                    }
                }
            }
        }
    }

    // Endpoints on one side only: every connection they have there.
    for (engine, index, only, mark) in
        [(before, &mut old, only_before, EndpointChange::Removed), (after, &mut new, only_after, EndpointChange::Added)]
    {
        let mut one_sided = vec![false; engine.endpoints.len()];
        for &x in only {
            if let Some(flag) = one_sided.get_mut(x) {
                *flag = true;
            }
        }
        for &x in only {
            let (Some(&cx), Some(endpoint)) = (engine.class_of().get(x), engine.endpoints.get(x)) else {
                continue;
            };
            let sides = |set: Connections| match mark {
                EndpointChange::Removed => (set, Connections::none()),
                EndpointChange::Added => (Connections::none(), set),
            };
            for k in 0..engine.class_count() as u32 {
                let outgoing = index.between_classes(cx, k);
                let incoming = index.between_classes(k, cx);
                for &m in engine.members(k) {
                    let m = m as usize;
                    let Some(other) = engine.endpoints.get(m).filter(|_| m != x) else {
                        continue;
                    };
                    if !outgoing.is_empty() {
                        let (p, q) = sides(outgoing.clone());
                        push(endpoint.id.clone(), other.id.clone(), p, q, Some(mark));
                    }
                    // A one-sided source reports this pair in its own row.
                    if !incoming.is_empty() && !one_sided.get(m).copied().unwrap_or(true) {
                        let (p, q) = sides(incoming.clone());
                        push(other.id.clone(), endpoint.id.clone(), p, q, Some(mark));
                    }
                }
            }
            for external in &externals {
                let outgoing = index.to_external(cx, &external.range);
                if !outgoing.is_empty() {
                    let (p, q) = sides(outgoing);
                    push(endpoint.id.clone(), external.id.clone(), p, q, Some(mark));
                }
                let incoming = index.from_external(&external.range, cx);
                if !incoming.is_empty() {
                    let (p, q) = sides(incoming);
                    push(external.id.clone(), endpoint.id.clone(), p, q, Some(mark));
                }
            }
        }
    }

    // Sorted through indexes (the one sort of indexes core already has: a sort
    // of `Change` itself would be one more copy of the sort in the page).
    let key = |i: usize| changes.get(i).map(|c| (c.source.as_str(), c.destination.as_str()));
    let mut order: Vec<usize> = (0..changes.len()).collect();
    crate::sort::sort_by(&mut order, |&a, &b| key(a).cmp(&key(b)));
    let mut slots: Vec<Option<Change>> = changes.into_iter().map(Some).collect();
    let changes: Vec<Change> = order.into_iter().filter_map(|i| slots.get_mut(i).and_then(Option::take)).collect();
    let ids = |engine: &Engine, list: &[usize]| -> Vec<String> {
        list.iter().filter_map(|i| engine.endpoints.get(*i)).map(|e| e.id.clone()).collect()
    };
    Diff { changes, endpoints: EndpointChanges { added: ids(after, only_after), removed: ids(before, only_before) } }
}

/// One ordered pair of cluster endpoints whose verdict on one port changed
/// (a fix's side effect). The ids are shared, not copied: a fix that isolates
/// a namespace changes millions of pairs among a few thousand endpoints.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[cfg_attr(feature = "ts", ts(rename = "SideEffect"))]
#[derive(Serialize, Clone, Debug, PartialEq, Eq)]
pub struct PortChange {
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub source: Arc<str>,
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub destination: Arc<str>,
    pub port: u16,
    pub protocol: Protocol,
    pub before: bool,
    pub after: bool,
}

/// The pairs of cluster endpoints (externals aside) whose verdict on one
/// destination port and protocol differs between two engines: what [`diff`]
/// reports, read at that port from each engine's view of the port instead of
/// whole connection sets. A fix that isolates a namespace changes millions of
/// pairs among a few hundred blocks, so they are held as blocks and listed,
/// sorted like [`diff`], only when read ([`PortChanges::to_vec`],
/// [`PortChanges::first`]) or serialised (as a list of [`PortChange`]).
#[derive(Clone, Debug)]
pub struct PortChanges {
    port: u16,
    protocol: Protocol,
    /// Endpoint ids by rank: both engines' ids in ascending byte order.
    ids: Arc<[Arc<str>]>,
    /// Lists of ranks, ascending, that blocks name.
    groups: Vec<Vec<u32>>,
    blocks: Vec<PairBlock>,
    /// Pairs (as ranks) left out of the blocks (a fix's own pair).
    excluded: Vec<(u32, u32)>,
    len: usize,
}

/// Every pair of distinct endpoints from a group of sources to a group of
/// destinations, with the verdict before (after is the opposite).
#[derive(Clone, Copy, Debug)]
struct PairBlock {
    sources: u32,
    destinations: u32,
    before: bool,
}

impl PortChanges {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn group(&self, id: u32) -> &[u32] {
        self.groups.get(id as usize).map_or(&[], Vec::as_slice)
    }

    /// Adds a block of pairs; `sources` and `destinations` are groups.
    fn push(&mut self, sources: u32, destinations: u32, before: bool) {
        let (s, d) = (self.group(sources), self.group(destinations));
        // Pairs of one endpoint with itself are not changes.
        let shared = s.iter().filter(|rank| d.binary_search(rank).is_ok()).count();
        let count = s.len() * d.len() - shared;
        if count > 0 {
            self.len += count;
            self.blocks.push(PairBlock { sources, destinations, before });
        }
    }

    /// Leaves out the pair from `source` to `destination` (ids), if it changed.
    pub fn remove_pair(&mut self, source: &str, destination: &str) {
        let ranks = |id: &str| {
            let first = self.ids.partition_point(|x| &**x < id);
            first..first + self.ids.get(first..).map_or(0, |rest| rest.iter().take_while(|x| &***x == id).count())
        };
        for s in ranks(source) {
            for d in ranks(destination) {
                let (s, d) = (s as u32, d as u32);
                let listed = s != d
                    && self.blocks.iter().any(|b| {
                        self.group(b.sources).binary_search(&s).is_ok()
                            && self.group(b.destinations).binary_search(&d).is_ok()
                    });
                if listed && !self.excluded.contains(&(s, d)) {
                    self.excluded.push((s, d));
                    self.len -= 1;
                }
            }
        }
    }

    /// Each block's first `limit` pairs (all of them with `usize::MAX`), in order.
    fn ranked(&self, limit: usize) -> Vec<RankedChange> {
        let mut changes: Vec<RankedChange> = Vec::new();
        for block in &self.blocks {
            let mut taken = 0;
            'block: for &s in self.group(block.sources) {
                for &d in self.group(block.destinations) {
                    if taken == limit {
                        break 'block;
                    }
                    if s != d && !self.excluded.contains(&(s, d)) {
                        changes.push((s, d, block.before, !block.before));
                        taken += 1;
                    }
                }
            }
        }
        order_by_ranks(changes, self.ids.len())
    }

    /// Every changed pair, by source id, then destination id.
    pub fn to_vec(&self) -> Vec<PortChange> {
        self.first(usize::MAX)
    }

    /// The first `count` of [`PortChanges::to_vec`], without listing the rest.
    pub fn first(&self, count: usize) -> Vec<PortChange> {
        let id = |rank: u32| self.ids.get(rank as usize).cloned().unwrap_or_else(|| Arc::from(""));
        let (port, protocol) = (self.port, self.protocol);
        self.ranked(count)
            .into_iter()
            .take(count)
            .map(|(s, d, before, after)| PortChange {
                source: id(s),
                destination: id(d),
                port,
                protocol,
                before,
                after,
            })
            .collect()
    }
}

impl PartialEq for PortChanges {
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len && self.to_vec() == other.to_vec()
    }
}

impl Serialize for PortChanges {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.to_vec().serialize(serializer)
    }
}

/// See [`PortChanges`].
pub fn port_changes(before: &Engine, after: &Engine, port: u16, protocol: Protocol) -> PortChanges {
    let alignment = Alignment::of(before, after);
    let Alignment { only_before, only_after, before_rank, after_rank, joint_members, .. } = &alignment;
    let (old_view, new_view) = (before.view(port, protocol), after.view(port, protocol));
    // One list of endpoints on both sides (a fix's verification): its ids, kept by the engine.
    let ids = if Arc::ptr_eq(&before.endpoints, &after.endpoints) {
        before.endpoint_ids()
    } else {
        let mut names: Vec<&str> = vec![""; alignment.ranks];
        for (engine, ranks) in [(before, before_rank), (after, after_rank)] {
            for (endpoint, &rank) in engine.endpoints.iter().zip(ranks) {
                if let Some(slot) = names.get_mut(rank as usize) {
                    *slot = endpoint.id.as_str();
                }
            }
        }
        names.into_iter().map(Arc::from).collect()
    };
    let mut changes =
        PortChanges { port, protocol, ids, groups: Vec::new(), blocks: Vec::new(), excluded: Vec::new(), len: 0 };

    // When every class's side in a direction allows every class or none on
    // both sides, a joint class's changes as a source (rows: ingress blind)
    // or as a destination (columns: egress blind) follow from its own sides
    // in the other direction alone: a side seen before reuses its blocks.
    let blind = |direction| before.peer_blind(&old_view, direction) && after.peer_blind(&new_view, direction);
    let blind = [blind(Direction::Egress), blind(Direction::Ingress)];
    let side_key = |side: OwnSide<'_>| {
        let direction = if side.rows { Direction::Egress } else { Direction::Ingress };
        let refs =
            (before.side_ref(&old_view, direction, side.key.0), after.side_ref(&new_view, direction, side.key.1));
        blind.get(usize::from(side.rows)).copied().unwrap_or(false).then_some((side.rows, refs))
    };
    // (rows, the sides in the other direction before and after) → (group, verdict before).
    type SideKey = (bool, (SideRef, SideRef));
    let mut seen: FastMap<SideKey, Vec<(u32, bool)>> = FastMap::default();
    let mut changed = Vec::new();
    alignment.for_each_changed_side(
        |side| {
            // Each own class's side is looked up once per walk.
            let (old_reach, new_reach) =
                (before.reach(&old_view, side.key.0, side.rows), after.reach(&new_view, side.key.1, side.rows));
            move |(b, a): (u32, u32)| (old_reach(b), new_reach(a))
        },
        |side, walk| {
            let key = side_key(side);
            let blocks = match key.and_then(|key| seen.get(&key)) {
                Some(blocks) => blocks.clone(),
                None => {
                    walk(&mut changed);
                    // Per verdict, the members of the joint classes that
                    // changed (against columns, those that are not dirty
                    // rows: their pairs are in blocks of rows) as ranks.
                    let mut blocks = Vec::new();
                    for x in [false, true] {
                        let mut ranks: Vec<u32> = changed
                            .iter()
                            .filter(|c| c.1 == x)
                            .flat_map(|c| joint_members.row(c.0))
                            .filter(|m| side.rows || !alignment.is_row(**m))
                            .map(|m| alignment.common_rank(*m))
                            .collect();
                        if !ranks.is_empty() {
                            crate::sort::sort(&mut ranks);
                            changes.groups.push(ranks);
                            blocks.push((changes.groups.len() as u32 - 1, x));
                        }
                    }
                    if let Some(key) = key {
                        seen.insert(key, blocks.clone());
                    }
                    blocks
                }
            };
            if blocks.is_empty() {
                return;
            }
            // The joint class's dirty rows or columns as ranks.
            let mut ranks: Vec<u32> = side.own_list.iter().map(|m| alignment.common_rank(*m)).collect();
            crate::sort::sort(&mut ranks);
            changes.groups.push(ranks);
            let own = changes.groups.len() as u32 - 1;
            for (other, x) in blocks {
                let (sources, destinations) = if side.rows { (own, other) } else { (other, own) };
                changes.push(sources, destinations, x);
            }
        },
    );

    // Endpoints on one side only: every pair they are allowed on there.
    for (engine, view, only, ranks, existed_before) in
        [(before, &old_view, only_before, before_rank, true), (after, &new_view, only_after, after_rank, false)]
    {
        let mut one_sided = vec![false; engine.endpoints.len()];
        for &x in only {
            if let Some(flag) = one_sided.get_mut(x) {
                *flag = true;
            }
        }
        let rank = |i: u32| ranks.get(i as usize).copied().unwrap_or(0);
        // Per class, its members' ranks: all of them, and those on both sides.
        let mut class_groups: Vec<u32> = vec![u32::MAX; engine.class_count() * 2];
        for &x in only {
            let Some(&cx) = engine.class_of().get(x) else {
                continue;
            };
            changes.groups.push(vec![rank(x as u32)]);
            let single = changes.groups.len() as u32 - 1;
            for k in 0..engine.class_count() as u32 {
                for (allowed, common_only) in
                    [(engine.class_allowed(view, cx, k), false), (engine.class_allowed(view, k, cx), true)]
                {
                    if !allowed {
                        continue;
                    }
                    let Some(slot) = class_groups.get_mut(k as usize * 2 + usize::from(common_only)) else {
                        continue;
                    };
                    if *slot == u32::MAX {
                        // A one-sided source reports a pair with another in its own row.
                        let mut list: Vec<u32> = engine
                            .members(k)
                            .iter()
                            .filter(|m| !common_only || !one_sided.get(**m as usize).copied().unwrap_or(true))
                            .map(|m| rank(*m))
                            .collect();
                        crate::sort::sort(&mut list);
                        changes.groups.push(list);
                        *slot = changes.groups.len() as u32 - 1;
                    }
                    let members = *slot;
                    let (sources, destinations) = if common_only { (members, single) } else { (single, members) };
                    changes.push(sources, destinations, existed_before);
                }
            }
        }
    }
    changes
}

/// A changed pair as (source rank, destination rank, before, after); `after`
/// is always `!before`.
type RankedChange = (u32, u32, bool, bool);

/// Orders changed pairs by source, then destination, in about linear time: a
/// counting pass by source, then each source's destinations sorted as plain
/// integers (rank and verdict in one `u32`, with the sort core already has).
/// Each ordered pair occurs once, so this is the order of their ids.
fn order_by_ranks(changes: Vec<RankedChange>, ranks: usize) -> Vec<RankedChange> {
    let mut start = vec![0usize; ranks + 1];
    for change in &changes {
        if let Some(count) = start.get_mut(change.0 as usize + 1) {
            *count += 1;
        }
    }
    for k in 1..start.len() {
        let previous = start.get(k - 1).copied().unwrap_or(0);
        if let Some(count) = start.get_mut(k) {
            *count += previous;
        }
    }
    let mut next = start.clone();
    let mut destinations = vec![0u32; changes.len()];
    for (source, destination, before, _) in changes {
        if let Some(at) = next.get_mut(source as usize) {
            if let Some(slot) = destinations.get_mut(*at) {
                *slot = destination << 1 | u32::from(before);
            }
            *at += 1;
        }
    }
    let mut out = Vec::with_capacity(destinations.len());
    for (source, bounds) in start.windows(2).enumerate() {
        let (Some(&from), Some(&to)) = (bounds.first(), bounds.get(1)) else {
            continue;
        };
        if let Some(list) = destinations.get_mut(from..to) {
            crate::sort::sort(list);
            out.extend(list.iter().map(|d| (source as u32, d >> 1, d & 1 == 1, d & 1 == 0)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::netpol::NetpolOptions;
    use crate::{Input, load};

    fn engine(yaml: &str) -> Engine {
        Engine::new(&load(&[Input::new("t.yaml", yaml)]).inventory, &NetpolOptions::default())
    }

    const PODS: &str = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x, labels: {app: a}}\nspec: {containers: [{name: c, image: i, ports: [{name: http, containerPort: 8080}]}]}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: b, namespace: x, labels: {app: b}}\nspec: {containers: [{name: c, image: i}]}\n";

    #[test]
    fn external_ranges_cut_both_sides_blocks() {
        let with_block = format!(
            "{PODS}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: x}}\nspec:\n  podSelector: {{}}\n  egress: [{{to: [{{ipBlock: {{cidr: 10.0.0.0/8, except: [10.1.0.0/16]}}}}]}}]\n"
        );
        let (a, b) = (engine(PODS), engine(&with_block));
        let ids: Vec<String> = external_ranges(&[&a, &b]).into_iter().map(|r| r.id).collect();
        assert_eq!(
            ids,
            [
                "external:0.0.0.0-9.255.255.255",
                "external:10.0.0.0-10.0.255.255",
                "external:10.1.0.0-10.1.255.255",
                "external:10.2.0.0-10.255.255.255",
                "external:11.0.0.0-255.255.255.255",
                "external:::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
            ]
        );
        let plain: Vec<String> = external_ranges(&[&a]).into_iter().map(|r| r.id).collect();
        assert_eq!(plain, ["external:0.0.0.0-255.255.255.255", "external:::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"]);
    }

    #[test]
    fn a_new_ingress_policy_removes_and_narrows() {
        let policy = format!(
            "{PODS}---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: p, namespace: x}}\nspec:\n  podSelector: {{matchLabels: {{app: a}}}}\n  ingress: [{{from: [{{podSelector: {{matchLabels: {{app: b}}}}}}], ports: [{{port: http}}]}}]\n"
        );
        let d = diff(&engine(PODS), &engine(&policy));
        let rows: Vec<String> = d
            .changes
            .iter()
            .map(|c| format!("{} {} {} {} -> {}", c.kind.as_str(), c.source, c.destination, c.before, c.after))
            .collect();
        assert_eq!(
            rows,
            [
                "removed external:0.0.0.0-255.255.255.255 x/a All Connections -> No Connections",
                "removed external:::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff x/a All Connections -> No Connections",
                "changed x/b x/a All Connections -> TCP 8080",
            ]
        );
        assert!(d.endpoints.added.is_empty() && d.endpoints.removed.is_empty());
        let same = diff(&engine(&policy), &engine(&policy));
        assert!(same.is_empty());
    }

    #[test]
    fn one_sided_endpoints_are_listed_with_their_flows() {
        let fewer = "apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: x, labels: {app: a}}\nspec: {containers: [{name: c, image: i}]}\n";
        let d = diff(&engine(fewer), &engine(PODS));
        assert_eq!(d.endpoints.added, ["x/b"]);
        assert!(d.changes.iter().all(|c| c.endpoint == Some(EndpointChange::Added) && c.kind == ChangeKind::Added));
        // x/b to x/a, x/a to x/b, and both directions with each of the two externals.
        assert_eq!(d.changes.len(), 6);
        let json = serde_json::to_string(&d.changes.first()).unwrap();
        assert_eq!(
            json,
            r#"{"type":"added","source":"external:0.0.0.0-255.255.255.255","destination":"x/b","before":{"all":false,"ports":[]},"after":{"all":true,"ports":[]},"endpoint":"added"}"#
        );
    }
}
