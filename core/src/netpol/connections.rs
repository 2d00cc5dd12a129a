//! The full set of connections one endpoint may open to another: every
//! protocol and port range at once, named ports resolved on the destination.
//! Where [`Engine::view`] answers one port for every pair, this answers every
//! port for one pair, from the same compiled rules and class sets (so the two
//! agree by construction on the per-port verdict; tests check it).

use std::fmt;

use serde::ser::{SerializeMap, SerializeStruct};
use serde::{Serialize, Serializer};

use super::Protocol;
use super::classes::{ClassSet, FastMap};
use super::endpoint::Endpoint;
use super::engine::{Engine, Isolation, Side};
use super::ip::IpRange;
use super::policy::{Direction, PortSpec, Rule};

/// Protocols in the order connection sets list them: by name, as byte strings.
pub const PROTOCOLS_BY_NAME: [Protocol; 3] = [Protocol::SCTP, Protocol::TCP, Protocol::UDP];

fn slot(protocol: Protocol) -> usize {
    match protocol {
        Protocol::SCTP => 0,
        Protocol::TCP => 1,
        Protocol::UDP => 2,
    }
}

const FULL: (u16, u16) = (1, u16::MAX);

/// Per protocol, sorted disjoint port ranges within 1–65535 with touching
/// ranges merged, so equal sets compare equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Connections {
    ranges: [Vec<(u16, u16)>; 3],
}

impl Connections {
    pub fn none() -> Connections {
        Connections::default()
    }

    /// Every port of every protocol.
    pub fn all() -> Connections {
        Connections { ranges: [vec![FULL], vec![FULL], vec![FULL]] }
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.iter().all(Vec::is_empty)
    }

    pub fn is_all(&self) -> bool {
        self.ranges.iter().all(|r| r.as_slice() == [FULL])
    }

    pub fn contains(&self, port: u16, protocol: Protocol) -> bool {
        self.ranges.get(slot(protocol)).is_some_and(|r| r.iter().any(|(lo, hi)| *lo <= port && port <= *hi))
    }

    /// Adds `first..=last` of `protocol` (port 0 is not a port: it is dropped).
    pub fn add(&mut self, protocol: Protocol, first: u16, last: u16) {
        let first = first.max(1);
        if first > last {
            return;
        }
        let Some(list) = self.ranges.get_mut(slot(protocol)) else {
            return;
        };
        list.push((first, last));
        crate::sort::sort(list);
        let mut merged: Vec<(u16, u16)> = Vec::with_capacity(list.len());
        for (lo, hi) in list.drain(..) {
            match merged.last_mut() {
                Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
                _ => merged.push((lo, hi)),
            }
        }
        *list = merged;
    }

    pub fn add_protocol(&mut self, protocol: Protocol) {
        self.add(protocol, FULL.0, FULL.1);
    }

    pub fn union_with(&mut self, other: &Connections) {
        for protocol in PROTOCOLS_BY_NAME {
            for (lo, hi) in other.ranges.get(slot(protocol)).into_iter().flatten() {
                self.add(protocol, *lo, *hi);
            }
        }
    }

    pub fn intersect(&self, other: &Connections) -> Connections {
        let mut out = Connections::none();
        for (i, (a, b)) in self.ranges.iter().zip(&other.ranges).enumerate() {
            let (mut x, mut y) = (0, 0);
            let mut list = Vec::new();
            while let (Some(&(alo, ahi)), Some(&(blo, bhi))) = (a.get(x), b.get(y)) {
                let (lo, hi) = (alo.max(blo), ahi.min(bhi));
                if lo <= hi {
                    list.push((lo, hi));
                }
                if ahi < bhi { x += 1 } else { y += 1 }
            }
            if let Some(slot) = out.ranges.get_mut(i) {
                *slot = list;
            }
        }
        out
    }

    /// The first (protocol, port), TCP first, that one set allows and the other
    /// does not: where a change between them shows. The smallest port of a
    /// difference is 1, the start of a range or the port after the end of one.
    pub fn first_difference(&self, other: &Connections) -> Option<(u16, Protocol)> {
        [Protocol::TCP, Protocol::UDP, Protocol::SCTP].into_iter().find_map(|protocol| {
            let mut candidates = vec![1u16];
            for set in [self, other] {
                for (lo, hi) in set.ranges.get(slot(protocol)).into_iter().flatten() {
                    candidates.push(*lo);
                    candidates.extend(hi.checked_add(1));
                }
            }
            candidates.sort_unstable();
            candidates
                .into_iter()
                .find(|port| *port > 0 && self.contains(*port, protocol) != other.contains(*port, protocol))
                .map(|port| (port, protocol))
        })
    }

    /// (protocol, first, last), by protocol name and then port.
    pub fn ranges(&self) -> impl Iterator<Item = (Protocol, u16, u16)> + '_ {
        PROTOCOLS_BY_NAME
            .into_iter()
            .flat_map(move |p| self.ranges.get(slot(p)).into_iter().flatten().map(move |(lo, hi)| (p, *lo, *hi)))
    }
}

/// `All Connections`, `No Connections`, or `TCP 9090,UDP 53,TCP 8000-8080`.
impl fmt::Display for Connections {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("All Connections");
        }
        if self.is_empty() {
            return f.write_str("No Connections");
        }
        for (i, (protocol, lo, hi)) in self.ranges().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if lo == hi {
                write!(f, "{protocol} {lo}")?;
            } else {
                write!(f, "{protocol} {lo}-{hi}")?;
            }
        }
        Ok(())
    }
}

struct PortRange {
    protocol: Protocol,
    from: u16,
    to: u16,
}

impl Serialize for PortRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("PortRange", 3)?;
        s.serialize_field("protocol", &self.protocol)?;
        s.serialize_field("from", &self.from)?;
        s.serialize_field("to", &self.to)?;
        s.end()
    }
}

/// A set of connections as the diff contract writes it: every port of every
/// protocol (`all`), or the port ranges allowed. (The TypeScript declaration of
/// the hand-written `Serialize` below, feature `ts`.)
#[cfg(feature = "ts")]
#[derive(ts_rs::TS)]
#[ts(rename = "Connections")]
pub struct ConnectionsShape {
    pub all: bool,
    /// Empty when `all` is true.
    pub ports: Vec<PortSpan>,
}

/// One protocol's range of ports, both ends included.
#[cfg(feature = "ts")]
#[derive(ts_rs::TS)]
pub struct PortSpan {
    pub protocol: Protocol,
    pub from: u16,
    pub to: u16,
}

/// The diff contract's `{"all": bool, "ports": [{"protocol", "from", "to"}]}`;
/// `ports` is empty when `all` is true.
impl Serialize for Connections {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let all = self.is_all();
        let ports: Vec<PortRange> = if all {
            Vec::new()
        } else {
            self.ranges().map(|(protocol, from, to)| PortRange { protocol, from, to }).collect()
        };
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("all", &all)?;
        map.serialize_entry("ports", &ports)?;
        map.end()
    }
}

/// The other end of a connection, as rules' peers match it.
#[derive(Clone, Copy, Debug)]
pub enum Peer<'a> {
    Class(u32),
    External(&'a IpRange),
}

fn side_allows(side: &Side, peer: Peer<'_>) -> bool {
    match peer {
        Peer::Class(class) => side.allows_class(class),
        Peer::External(range) => side.allows_external(range),
    }
}

/// The ports one rule allows, named ports resolved on `destination` (an
/// external destination resolves none: netpol.md §28).
fn rule_ports(rule: &Rule, destination: Option<&Endpoint>, out: &mut Connections) {
    let Some(entries) = &rule.ports else {
        *out = Connections::all();
        return;
    };
    for entry in entries {
        match &entry.spec {
            PortSpec::Any => out.add_protocol(entry.protocol),
            PortSpec::Range(lo, hi) => out.add(entry.protocol, *lo, *hi),
            PortSpec::Named(name) => {
                for port in destination.map(|d| d.ports.as_slice()).unwrap_or_default() {
                    if port.name == *name && port.protocol == entry.protocol {
                        out.add(port.protocol, port.number, port.number);
                    }
                }
            }
        }
    }
}

/// An engine with, per class, the policies selecting it, and connection sets
/// memoized per class pair.
pub struct ConnectionIndex<'e> {
    pub engine: &'e Engine,
    /// Class id → indexes of the policies selecting it, ascending.
    selecting: Vec<Vec<u32>>,
    memo: FastMap<(u32, u32), Connections>,
}

impl<'e> ConnectionIndex<'e> {
    pub fn new(engine: &'e Engine) -> ConnectionIndex<'e> {
        let mut selecting = vec![Vec::new(); engine.class_count()];
        for (policy, set) in engine.selected.iter().enumerate() {
            set.for_each(|class| {
                if let Some(list) = selecting.get_mut(class as usize) {
                    list.push(policy as u32);
                }
            });
        }
        ConnectionIndex { engine, selecting, memo: FastMap::default() }
    }

    /// What `class`'s side in `direction` allows to or from `peer`; every
    /// connection when the class is not isolated there. `destination` resolves
    /// named ports.
    fn side(&self, direction: Direction, class: u32, peer: Peer<'_>, destination: Option<&Endpoint>) -> Connections {
        let Isolation { ingress, egress } = self.engine.class_isolation(class);
        let isolated = match direction {
            Direction::Ingress => ingress,
            Direction::Egress => egress,
        };
        if !isolated {
            return Connections::all();
        }
        let mut out = Connections::none();
        for &policy in self.selecting.get(class as usize).into_iter().flatten() {
            let Some(rules) = self.engine.policies.get(policy as usize).and_then(|p| p.rules(direction)) else {
                continue;
            };
            for (index, rule) in rules.iter().enumerate() {
                let allows = self
                    .engine
                    .rule_side(policy as usize, direction, index)
                    .is_some_and(|side| side_allows(side, peer));
                if allows {
                    rule_ports(rule, destination, &mut out);
                    if out.is_all() {
                        return out;
                    }
                }
            }
        }
        out
    }

    /// The classes `class` may exchange anything with in `direction`, ports
    /// aside: a superset of the peers for which [`Self::between_classes_once`]
    /// is not empty, node traffic aside. `None` when that is every class.
    pub fn peer_classes(&self, direction: Direction, class: u32) -> Option<ClassSet> {
        let Isolation { ingress, egress } = self.engine.class_isolation(class);
        if !matches!(direction, Direction::Ingress if ingress) && !matches!(direction, Direction::Egress if egress) {
            return None;
        }
        let universe = self.engine.class_count();
        let mut peers = ClassSet::default();
        for &policy in self.selecting.get(class as usize).into_iter().flatten() {
            let count = self.engine.policies.get(policy as usize).and_then(|p| p.rules(direction)).map_or(0, Vec::len);
            for side in (0..count).filter_map(|rule| self.engine.rule_side(policy as usize, direction, rule)) {
                if side.all_classes {
                    return None;
                }
                peers.union_with(&side.classes, universe);
            }
        }
        Some(peers)
    }

    /// Connections from class `s` to class `d` (distinct endpoints; node
    /// traffic, netpol.md §24 and §35, is always allowed).
    /// Memoized: for callers that ask about the same class pair again.
    pub fn between_classes(&mut self, s: u32, d: u32) -> Connections {
        if let Some(found) = self.memo.get(&(s, d)) {
            return found.clone();
        }
        let connections = self.between_classes_once(s, d);
        self.memo.insert((s, d), connections.clone());
        connections
    }

    /// [`ConnectionIndex::between_classes`] without the memo, for a walk that
    /// asks about each class pair once (keeping millions of answers costs
    /// more than computing them).
    pub fn between_classes_once(&self, s: u32, d: u32) -> Connections {
        let engine = self.engine;
        let (from, to) = (engine.representative(s), engine.representative(d));
        match (from, to) {
            (Some(a), Some(b)) if engine.is_node_traffic(a, b) => Connections::all(),
            _ => {
                let egress = self.side(Direction::Egress, s, Peer::Class(d), to);
                if egress.is_empty() {
                    egress
                } else {
                    egress.intersect(&self.side(Direction::Ingress, d, Peer::Class(s), to))
                }
            }
        }
    }

    /// From class `s` to an address range outside the cluster (no rule
    /// divides the range: see [`super::diff::external_ranges`]).
    pub fn to_external(&self, s: u32, range: &IpRange) -> Connections {
        self.side(Direction::Egress, s, Peer::External(range), None)
    }

    /// From an address range outside the cluster to class `d`.
    pub fn from_external(&self, range: &IpRange, d: u32) -> Connections {
        self.side(Direction::Ingress, d, Peer::External(range), self.engine.representative(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_difference_is_where_a_change_shows() {
        let mut web = Connections::none();
        web.add(Protocol::TCP, 80, 80);
        web.add(Protocol::UDP, 53, 53);
        let mut wider = web.clone();
        wider.add(Protocol::TCP, 81, 90);
        assert_eq!(web.first_difference(&wider), Some((81, Protocol::TCP)));
        assert_eq!(wider.first_difference(&web), Some((81, Protocol::TCP)));
        assert_eq!(Connections::none().first_difference(&web), Some((80, Protocol::TCP)));
        assert_eq!(Connections::all().first_difference(&web), Some((1, Protocol::TCP)));
        let mut udp = Connections::none();
        udp.add(Protocol::UDP, 53, 53);
        let mut tcp_too = udp.clone();
        tcp_too.add(Protocol::TCP, 65535, 65535);
        assert_eq!(udp.first_difference(&tcp_too), Some((65535, Protocol::TCP)));
        assert_eq!(web.first_difference(&web.clone()), None);
        assert_eq!(Connections::all().first_difference(&Connections::all()), None);
    }

    #[test]
    fn sets_merge_touching_ranges_and_print_by_protocol_name() {
        let mut c = Connections::none();
        assert_eq!(c.to_string(), "No Connections");
        c.add(Protocol::UDP, 53, 53);
        c.add(Protocol::TCP, 9090, 9090);
        c.add(Protocol::TCP, 8000, 8080);
        c.add(Protocol::TCP, 8081, 8089);
        assert_eq!(c.to_string(), "TCP 8000-8089,TCP 9090,UDP 53");
        assert!(c.contains(8085, Protocol::TCP) && !c.contains(8090, Protocol::TCP));
        c.add(Protocol::SCTP, 0, 0);
        assert_eq!(c.to_string(), "TCP 8000-8089,TCP 9090,UDP 53");
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(
            json,
            r#"{"all":false,"ports":[{"protocol":"TCP","from":8000,"to":8089},{"protocol":"TCP","from":9090,"to":9090},{"protocol":"UDP","from":53,"to":53}]}"#
        );
        let mut all = Connections::none();
        for p in [Protocol::TCP, Protocol::UDP, Protocol::SCTP] {
            all.add(p, 1, 100);
            all.add(p, 101, 65535);
        }
        assert!(all.is_all());
        assert_eq!(all, Connections::all());
        assert_eq!(serde_json::to_string(&all).unwrap(), r#"{"all":true,"ports":[]}"#);
        assert_eq!(all.to_string(), "All Connections");
        let narrowed = all.intersect(&c);
        assert_eq!(narrowed, c);
        let mut other = Connections::none();
        other.add(Protocol::TCP, 8080, 9999);
        assert_eq!(c.intersect(&other).to_string(), "TCP 8080-8089,TCP 9090");
    }
}
