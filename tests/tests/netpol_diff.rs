//! The connectivity diff against the engine's own truth tables: on random
//! clusters and one random edit of each (a policy added, removed or edited,
//! labels changed, a pod removed), every ordered pair of endpoints (pods,
//! workloads and the external ranges) is probed on every port that starts a
//! port atom of either side; the diff must list exactly the pairs whose
//! verdicts differ on some port, with connection sets that agree with the
//! probes on every one of those ports.

use std::collections::{BTreeMap, BTreeSet};

use kubeplay_core::netpol::diff::{ChangeKind, EndpointChange, diff, external_ranges, port_changes};
use kubeplay_core::netpol::engine::PortView;
use kubeplay_core::netpol::ip::IpRange;
use kubeplay_core::netpol::policy::Direction;
use kubeplay_core::netpol::{Engine, NetpolOptions, Protocol};
use kubeplay_core::{Input, Severity, load};
use kubeplay_tests::netpol_mutate::{Mutation, copy_policy, mutate};
use kubeplay_tests::netpol_random::random_cluster;

fn engine(yaml: &str, seed: u64) -> Engine {
    let loading = load(&[Input::new("random.yaml", yaml)]);
    let errors: Vec<&str> =
        loading.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.message.as_str()).collect();
    assert!(errors.is_empty(), "seed {seed}: {errors:?}\n{yaml}");
    Engine::new(&loading.inventory, &NetpolOptions::default())
}

/// Where a probe row or column comes from on one side.
#[derive(Clone, Copy)]
enum Slot {
    Cluster(usize),
    External(IpRange),
}

/// The verdict of the engine's own per-port view for one pair.
fn verdict(engine: &Engine, view: &PortView, from: Option<Slot>, to: Option<Slot>) -> bool {
    match (from, to) {
        (Some(Slot::Cluster(s)), Some(Slot::Cluster(d))) => engine.allowed(view, s, d),
        (Some(Slot::Cluster(s)), Some(Slot::External(range))) => engine.to_external_allowed(view, s, &range),
        (Some(Slot::External(range)), Some(Slot::Cluster(d))) => engine.from_external_allowed(view, d, &range),
        (Some(Slot::External(_)), Some(Slot::External(_))) => true,
        // An endpoint that does not exist on this side has no connections.
        _ => false,
    }
}

fn slots(engine: &Engine, externals: &[(String, IpRange)]) -> BTreeMap<String, Slot> {
    let mut out: BTreeMap<String, Slot> =
        engine.endpoints.iter().enumerate().map(|(i, e)| (e.id.clone(), Slot::Cluster(i))).collect();
    for (id, range) in externals {
        out.insert(id.clone(), Slot::External(*range));
    }
    out
}

/// What one comparison saw: pairs that differ, and ports on which
/// `port_changes` found changes while a direction was peer-blind on both
/// sides (where it reuses one side's walk for others).
#[derive(Default)]
struct Checked {
    differing: usize,
    blind_ports: usize,
}

fn check(before_yaml: &str, after_yaml: &str, label: &str, seed: u64) -> Checked {
    let (before, after) = (engine(before_yaml, seed), engine(after_yaml, seed));
    let result = diff(&before, &after);
    let externals: Vec<(String, IpRange)> =
        external_ranges(&[&before, &after]).into_iter().map(|r| (r.id, r.range)).collect();
    let (old, new) = (slots(&before, &externals), slots(&after, &externals));
    let ids: BTreeSet<&String> = old.keys().chain(new.keys()).collect();

    // Ports that start or end an atom on either side: within a joint atom every verdict is the same.
    let mut ports: BTreeSet<(Protocol, u16)> = BTreeSet::new();
    for (protocol, lo, hi) in before.atoms().into_iter().chain(after.atoms()) {
        ports.extend([(protocol, lo), (protocol, hi)]);
    }
    let views: Vec<(Protocol, u16, PortView, PortView)> =
        ports.iter().map(|&(p, n)| (p, n, before.build_view(n, p), after.build_view(n, p))).collect();

    let listed: BTreeMap<(&str, &str), _> =
        result.changes.iter().map(|c| ((c.source.as_str(), c.destination.as_str()), c)).collect();
    assert_eq!(listed.len(), result.changes.len(), "{label}: a pair listed twice");
    let sorted =
        result.changes.windows(2).all(|w| (&w[0].source, &w[0].destination) < (&w[1].source, &w[1].destination));
    assert!(sorted, "{label}: changes not sorted");

    let mut differing = 0;
    let mut blind_ports = 0;
    for from in &ids {
        for to in &ids {
            if from == to {
                continue;
            }
            let mut differs = false;
            let change = listed.get(&(from.as_str(), to.as_str()));
            for (protocol, port, old_view, new_view) in &views {
                let x = verdict(&before, old_view, old.get(*from).copied(), old.get(*to).copied());
                let y = verdict(&after, new_view, new.get(*from).copied(), new.get(*to).copied());
                differs |= x != y;
                if let Some(change) = change {
                    assert_eq!(
                        change.before.contains(*port, *protocol),
                        x,
                        "{label}: {from} → {to} before on {port}/{protocol}: {}",
                        change.before
                    );
                    assert_eq!(
                        change.after.contains(*port, *protocol),
                        y,
                        "{label}: {from} → {to} after on {port}/{protocol}: {}",
                        change.after
                    );
                }
            }
            match change {
                None => assert!(!differs, "{label}: {from} → {to} changed but is not listed"),
                Some(change) => {
                    assert!(differs, "{label}: {from} → {to} listed but no verdict differs");
                    assert_ne!(change.before, change.after, "{label}");
                    let kind = if change.before.is_empty() {
                        ChangeKind::Added
                    } else if change.after.is_empty() {
                        ChangeKind::Removed
                    } else {
                        ChangeKind::Changed
                    };
                    assert_eq!(change.kind, kind, "{label}: {from} → {to}");
                    let one_sided = if !old.contains_key(*from) || !old.contains_key(*to) {
                        Some(EndpointChange::Added)
                    } else if !new.contains_key(*from) || !new.contains_key(*to) {
                        Some(EndpointChange::Removed)
                    } else {
                        None
                    };
                    assert_eq!(change.endpoint, one_sided, "{label}: {from} → {to}");
                    differing += 1;
                }
            }
        }
    }
    // The one-port reading (what a fix's side effects use) lists, on each port,
    // exactly the pairs of cluster endpoints whose verdict there differs.
    for (protocol, port, old_view, new_view) in &views {
        let mut expected = Vec::new();
        for from in ids.iter().filter(|id| !id.starts_with("external:")) {
            for to in ids.iter().filter(|id| !id.starts_with("external:") && *id != from) {
                let x = verdict(&before, old_view, old.get(*from).copied(), old.get(*to).copied());
                let y = verdict(&after, new_view, new.get(*from).copied(), new.get(*to).copied());
                if x != y {
                    expected.push((from.to_string(), to.to_string(), x, y));
                }
            }
        }
        let changes = port_changes(&before, &after, *port, *protocol);
        let all = changes.to_vec();
        let blind = |direction| before.peer_blind(old_view, direction) && after.peer_blind(new_view, direction);
        if !all.is_empty() && (blind(Direction::Egress) || blind(Direction::Ingress)) {
            blind_ports += 1;
        }
        let listed: Vec<(String, String, bool, bool)> =
            all.iter().map(|c| (c.source.to_string(), c.destination.to_string(), c.before, c.after)).collect();
        assert_eq!(listed, expected, "{label}: port_changes on {port}/{protocol}");
        // Held as blocks: the count, any prefix and the serialised list agree with the listing.
        assert_eq!(changes.len(), all.len(), "{label}: count on {port}/{protocol}");
        for count in [0, 1, 3, all.len() / 2, all.len() + 1] {
            assert_eq!(
                changes.first(count),
                all[..count.min(all.len())],
                "{label}: first {count} on {port}/{protocol}"
            );
        }
        assert_eq!(serde_json::to_value(&changes).unwrap(), serde_json::to_value(&all).unwrap(), "{label}: JSON");
    }
    let added: Vec<&String> = new.keys().filter(|id| !old.contains_key(*id)).collect();
    let removed: Vec<&String> = old.keys().filter(|id| !new.contains_key(*id)).collect();
    assert_eq!(result.endpoints.added.iter().collect::<Vec<_>>(), added, "{label}");
    assert_eq!(result.endpoints.removed.iter().collect::<Vec<_>>(), removed, "{label}");
    Checked { differing, blind_ports }
}

#[test]
fn diff_agrees_with_the_truth_tables_of_both_sides() {
    let mut by_mutation: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut blind_ports = 0;
    for seed in 0..240 {
        let before = random_cluster(seed);
        let Some((after, mutation)) = mutate(&before, seed) else {
            continue;
        };
        let forward = check(&before, &after, &format!("seed {seed} {mutation:?}"), seed);
        let backward = check(&after, &before, &format!("seed {seed} {mutation:?} reversed"), seed);
        let entry = by_mutation.entry(format!("{mutation:?}")).or_default();
        entry.0 += 1;
        entry.1 += forward.differing + backward.differing;
        blind_ports += forward.blind_ports + backward.blind_ports;
    }
    // The reuse of walks under peer-blind directions was checked against the truth tables.
    assert!(blind_ports >= 100, "only {blind_ports} ports changed with a peer-blind direction");
    // Every kind of edit came up, and edits changed something often enough to matter.
    for mutation in [
        Mutation::PolicyAdded,
        Mutation::PolicyRemoved,
        Mutation::PolicyEdited,
        Mutation::PodLabelsChanged,
        Mutation::NamespaceLabelsChanged,
        Mutation::PodRemoved,
    ] {
        let (runs, changed) = by_mutation.get(&format!("{mutation:?}")).copied().unwrap_or_default();
        assert!(runs >= 10, "{mutation:?}: only {runs} runs");
        assert!(changed > 0, "{mutation:?}: never changed a pair");
    }
}

#[test]
fn a_redundant_copy_of_a_policy_changes_nothing() {
    // The pods the copy selects are decided by the same rules on both sides,
    // which lets the diff skip them; the truth tables confirm nothing changed.
    let mut runs = 0;
    for seed in 0..40 {
        let before = random_cluster(seed);
        let Some(after) = copy_policy(&before, seed) else {
            continue;
        };
        assert_eq!(check(&before, &after, &format!("seed {seed} copied"), seed).differing, 0, "seed {seed}");
        assert_eq!(check(&after, &before, &format!("seed {seed} copy removed"), seed).differing, 0, "seed {seed}");
        runs += 1;
    }
    assert!(runs >= 20, "only {runs} clusters had a policy to copy");
}

#[test]
fn diff_of_a_cluster_with_itself_is_empty() {
    for seed in 0..60 {
        let yaml = random_cluster(seed);
        let (a, b) = (engine(&yaml, seed), engine(&yaml, seed));
        assert!(diff(&a, &b).is_empty(), "seed {seed}");
    }
}
