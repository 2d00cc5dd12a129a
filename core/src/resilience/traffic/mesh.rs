//! Istio locality load balancing as Envoy runs it (`multi-region.md §6`): the
//! priorities istiod gives each locality (istio/istio
//! `pilot/pkg/networking/core/loadbalancer/loadbalancer.go`: `LbPriority`,
//! `applyLocalityFailover`, `applyFailoverPriorities`), outlier ejection's cap
//! (envoy `source/common/upstream/outlier_detection_impl.cc`, `ejectHost`) and
//! the per-priority load with panic (envoy `load_balancer_impl.cc`:
//! `recalculatePerPriorityState`, `distributeLoad`, `recalculatePerPriorityPanic`,
//! `recalculateLoadInTotalPanic`).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::config::selects;
use super::objects::DestinationRule;
use super::ratio::Ratio;
use super::timeline::{EndpointHistory, EndpointState, EndpointTimeline};

/// Envoy's default overprovisioning factor, in percent (1.4).
const OVERPROVISIONING_PERCENT: u64 = 140;
/// Envoy's default `healthy_panic_threshold` when Istio sets none.
const ENVOY_DEFAULT_PANIC_PERCENT: u64 = 50;
/// Istio's default `outlierDetection.maxEjectionPercent`.
const ISTIO_DEFAULT_MAX_EJECTION_PERCENT: u64 = 10;

/// One Envoy priority level of the report.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PriorityReport {
    pub priority: usize,
    /// `region/zone[/subzone]`, sorted.
    pub localities: Vec<String>,
    pub hosts: usize,
    pub healthy: usize,
    pub health: u64,
    pub load: u64,
    pub panic: bool,
}

/// One DestinationRule seen from one mesh client (`mesh[]`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MeshReport {
    pub host: String,
    pub client: String,
    pub ejected: Vec<String>,
    pub priorities: Vec<PriorityReport>,
    /// Share of requests per pod name; zero shares omitted.
    pub host_share: BTreeMap<String, Ratio>,
    pub error_fraction: Ratio,
}

/// A host (endpoint) as Envoy sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MeshHost {
    pub name: String,
    pub region: String,
    pub zone: String,
    pub subzone: String,
    pub labels: BTreeMap<String, String>,
    /// Answers with 5xx or not at all (what outlier detection counts).
    pub failing: bool,
}

/// The locality settings of one DestinationRule, as istiod reads them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LocalityPolicy {
    /// `trafficPolicy.outlierDetection` is set ("failover needs outlier detection").
    pub outlier_detection: bool,
    pub enabled: Option<bool>,
    pub distribute: bool,
    /// `(from, to)` regions.
    pub failover: Vec<(String, String)>,
    pub failover_priority: Vec<String>,
    pub max_ejection_percent: Option<u64>,
    pub min_health_percent: Option<u64>,
}

impl LocalityPolicy {
    pub fn of(rule: &DestinationRule) -> LocalityPolicy {
        let policy = rule.spec.traffic_policy.as_ref();
        let locality = policy.and_then(|p| p.load_balancer.as_ref()).and_then(|l| l.locality_lb_setting.as_ref());
        let outlier = policy.and_then(|p| p.outlier_detection.as_ref());
        let percent = |v: Option<i64>| v.map(|v| u64::try_from(v.clamp(0, 100)).unwrap_or(0));
        LocalityPolicy {
            outlier_detection: outlier.is_some(),
            enabled: locality.and_then(|l| l.enabled),
            distribute: locality.is_some_and(|l| l.distribute.as_ref().is_some_and(|d| !d.is_empty())),
            failover: locality
                .map(|l| l.failover.iter().map(|f| (f.from.clone(), f.to.clone())).collect())
                .unwrap_or_default(),
            failover_priority: locality.map(|l| l.failover_priority.clone()).unwrap_or_default(),
            max_ejection_percent: percent(outlier.and_then(|o| o.max_ejection_percent)),
            min_health_percent: percent(outlier.and_then(|o| o.min_health_percent)),
        }
    }
}

/// istio `LbPriority`: 0 same region, zone and subzone; 1 same region and zone;
/// 2 same region; 3 elsewhere.
pub fn lb_priority(client: &MeshHost, host: &MeshHost) -> usize {
    match (client.region == host.region, client.zone == host.zone, client.subzone == host.subzone) {
        (true, true, true) => 0,
        (true, true, false) => 1,
        (true, false, _) => 2,
        (false, _, _) => 3,
    }
}

/// The raw priority of every host before compaction (istiod, §6.2), as a pair
/// ordered lexicographically: the `failoverPriority` level (0 without it), then
/// the locality level. istiod applies `failover` inside each `failoverPriority`
/// group when both are set (`applyFailoverPriorities` then `applyLocalityFailover`).
pub fn raw_priorities(policy: &LocalityPolicy, client: &MeshHost, hosts: &[MeshHost]) -> Vec<(usize, usize)> {
    let active = policy.outlier_detection && policy.enabled != Some(false) && !policy.distribute;
    if !active {
        return vec![(0, 0); hosts.len()];
    }
    let by_labels = !policy.failover_priority.is_empty();
    let by_locality = !by_labels || !policy.failover.is_empty();
    hosts
        .iter()
        .map(|host| {
            let label_level =
                if by_labels { failover_priority_level(&policy.failover_priority, client, host) } else { 0 };
            let locality_level = if by_locality { locality_level(policy, client, host) } else { 0 };
            (label_level, locality_level)
        })
        .collect()
}

/// `failoverPriority`: the number of labels minus the leading ones that match
/// (`key=value` matches that value; `key` matches the client's own value).
fn failover_priority_level(labels: &[String], client: &MeshHost, host: &MeshHost) -> usize {
    let matched = labels
        .iter()
        .take_while(|entry| match entry.split_once('=') {
            Some((key, value)) => host.labels.get(key).map(String::as_str) == Some(value),
            None => host.labels.get(entry.as_str()).is_some_and(|v| client.labels.get(entry.as_str()) == Some(v)),
        })
        .count();
    labels.len() - matched
}

/// `LbPriority`, with `failover` sending regions other than the client
/// region's `to` down to 4 (`applyLocalityFailover`).
fn locality_level(policy: &LocalityPolicy, client: &MeshHost, host: &MeshHost) -> usize {
    let priority = lb_priority(client, host);
    if priority != 3 {
        return priority;
    }
    match policy.failover.iter().find(|(from, _)| *from == client.region) {
        Some((_, to)) if *to != host.region => 4,
        _ => 3,
    }
}

/// Distinct priorities renumbered 0, 1, 2, … in order (Envoy needs them consecutive).
pub fn compact<K: Ord + Copy>(raw: &[K]) -> Vec<usize> {
    let levels: BTreeSet<K> = raw.iter().copied().collect();
    let index: BTreeMap<K, usize> = levels.into_iter().enumerate().map(|(i, level)| (level, i)).collect();
    raw.iter().map(|r| index.get(r).copied().unwrap_or(0)).collect()
}

/// Failing hosts ejected in name order while `100·(ejected+1)/N ≤ max` (§6.3).
pub fn ejected(policy: &LocalityPolicy, hosts: &[MeshHost]) -> Vec<usize> {
    if !policy.outlier_detection {
        return Vec::new();
    }
    let max = policy.max_ejection_percent.unwrap_or(ISTIO_DEFAULT_MAX_EJECTION_PERCENT);
    let n = hosts.len() as u64;
    let mut failing: Vec<usize> = (0..hosts.len()).filter(|&i| hosts[i].failing).collect();
    crate::sort::sort_by(&mut failing, |a, b| hosts[*a].name.cmp(&hosts[*b].name));
    let mut out = Vec::new();
    for index in failing {
        if 100 * (out.len() as u64 + 1) <= max * n {
            out.push(index);
        } else {
            break;
        }
    }
    out
}

/// Per priority: `(hosts, healthy)`.
pub type Levels = Vec<(u64, u64)>;

/// Envoy's per-priority health, load and panic (§6.4).
pub fn priority_loads(levels: &Levels, panic_threshold: u64) -> Vec<(u64, u64, bool)> {
    let health: Vec<u64> = levels
        .iter()
        .map(|&(hosts, healthy)| (OVERPROVISIONING_PERCENT * healthy).checked_div(hosts).map_or(0, |h| h.min(100)))
        .collect();
    let total = health.iter().sum::<u64>().min(100);
    let mut load = vec![0u64; levels.len()];
    if total == 0 && panic_threshold == 0 {
        // Panic disabled and nothing available: everything to P=0.
        if let Some(first) = load.first_mut() {
            *first = 100;
        }
        return health.into_iter().zip(load).map(|(h, l)| (h, l, false)).collect();
    }
    if total > 0 {
        let mut remaining = 100u64;
        let mut first_loaded = None;
        for (i, h) in health.iter().enumerate() {
            load[i] = remaining.min((h * 100).checked_div(total).unwrap_or(0));
            remaining -= load[i];
            if load[i] > 0 && first_loaded.is_none() {
                first_loaded = Some(i);
            }
        }
        if let Some(first) = first_loaded {
            load[first] += remaining;
        }
    } else if let Some(first) = load.first_mut() {
        *first = 100;
    }
    let panic: Vec<bool> = levels
        .iter()
        .map(|&(hosts, healthy)| {
            // Panic per priority only matters below 100 % total availability.
            total < 100 && {
                let healthy_percent =
                    if hosts == 0 { Ratio::ZERO } else { Ratio::new(100 * i128::from(healthy), i128::from(hosts)) };
                healthy_percent < Ratio::int(i64::try_from(panic_threshold).unwrap_or(100))
            }
        })
        .collect();
    if !panic.is_empty() && panic.iter().all(|p| *p) {
        // Total panic: load follows the host counts.
        let all_hosts: u64 = levels.iter().map(|(hosts, _)| hosts).sum();
        if all_hosts > 0 {
            let mut remaining = 100u64;
            for (i, (hosts, _)) in levels.iter().enumerate() {
                load[i] = (100 * hosts).checked_div(all_hosts).unwrap_or(0);
                remaining -= load[i];
            }
            if let Some(first) = levels.iter().position(|(hosts, _)| *hosts > 0) {
                load[first] += remaining;
            }
        }
    }
    health.into_iter().zip(load).zip(panic).map(|((h, l), p)| (h, l, p)).collect()
}

/// The whole report for one rule, one client and the hosts Envoy was sent.
pub fn mesh_report(
    host_name: &str,
    client_name: &str,
    policy: &LocalityPolicy,
    client: &MeshHost,
    hosts: &[MeshHost],
) -> MeshReport {
    let priorities = compact(&raw_priorities(policy, client, hosts));
    let ejected_hosts = ejected(policy, hosts);
    let levels_count = priorities.iter().max().map_or(0, |m| m + 1);
    let mut levels: Levels = vec![(0, 0); levels_count];
    for (i, p) in priorities.iter().enumerate() {
        levels[*p].0 += 1;
        if !ejected_hosts.contains(&i) {
            levels[*p].1 += 1;
        }
    }
    let panic_threshold =
        if policy.outlier_detection { policy.min_health_percent.unwrap_or(0) } else { ENVOY_DEFAULT_PANIC_PERCENT };
    let loads = priority_loads(&levels, panic_threshold);
    let mut host_share = BTreeMap::new();
    let mut error_fraction = Ratio::ZERO;
    let mut reports = Vec::new();
    for (level, &(health, load, panic)) in loads.iter().enumerate() {
        let members: Vec<usize> = (0..hosts.len()).filter(|i| priorities[*i] == level).collect();
        let pool: Vec<usize> = if panic {
            members.clone()
        } else {
            members.iter().copied().filter(|i| !ejected_hosts.contains(i)).collect()
        };
        let level_load = Ratio::new(i128::from(load), 100);
        if pool.is_empty() {
            error_fraction = error_fraction + level_load;
        } else if load > 0 {
            let share = level_load / pool.len().into();
            for i in &pool {
                *host_share.entry(hosts[*i].name.clone()).or_insert(Ratio::ZERO) =
                    host_share.get(&hosts[*i].name).copied().unwrap_or_default() + share;
                if hosts[*i].failing {
                    error_fraction = error_fraction + share;
                }
            }
        }
        let localities: BTreeSet<String> = members
            .iter()
            .map(|i| {
                let h = &hosts[*i];
                if h.subzone.is_empty() {
                    format!("{}/{}", h.region, h.zone)
                } else {
                    format!("{}/{}/{}", h.region, h.zone, h.subzone)
                }
            })
            .collect();
        reports.push(PriorityReport {
            priority: level,
            localities: localities.into_iter().collect(),
            hosts: levels[level].0 as usize,
            healthy: levels[level].1 as usize,
            health,
            load,
            panic,
        });
    }
    let mut ejected_names: Vec<String> = ejected_hosts.iter().map(|i| hosts[*i].name.clone()).collect();
    ejected_names.sort();
    MeshReport {
        host: host_name.to_owned(),
        client: client_name.to_owned(),
        ejected: ejected_names,
        priorities: reports,
        host_share,
        error_fraction,
    }
}

/// A pod as a mesh host at `t`.
pub fn host_of(pod: &EndpointHistory, t: i64) -> MeshHost {
    let state = pod.at(t);
    MeshHost {
        name: pod.name.clone(),
        region: pod.region.clone(),
        zone: pod.zone.clone(),
        subzone: pod.subzone.clone(),
        labels: pod.labels.iter().chain(pod.node_labels.iter()).map(|(k, v)| (k.clone(), v.clone())).collect(),
        failing: state.failing || !state.serving,
    }
}

/// The Service a DestinationRule's `host` names: `name` (the rule's namespace),
/// `name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local`.
pub fn service_of_host(host: &str, rule_namespace: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = host.split('.').collect();
    match parts.as_slice() {
        [name] if !name.is_empty() && *name != "*" => Some((rule_namespace.to_owned(), (*name).to_owned())),
        [name, ns] | [name, ns, "svc"] | [name, ns, "svc", "cluster", "local"] if !name.is_empty() && *name != "*" => {
            Some(((*ns).to_owned(), (*name).to_owned()))
        }
        _ => None,
    }
}

/// The selector of Service `(namespace, name)`, if it has one.
pub type SelectorOf<'a> = dyn Fn(&str, &str) -> Option<BTreeMap<String, String>> + 'a;

/// Every rule × client, at the end state `t` (§6).
pub fn mesh_reports(
    rules: &[(String, &DestinationRule)],
    selectors: &SelectorOf<'_>,
    clients: &[(String, String)],
    timeline: &EndpointTimeline,
    send_unhealthy: bool,
    t: i64,
) -> Vec<MeshReport> {
    let mut out = Vec::new();
    for (rule_namespace, rule) in rules {
        let Some((namespace, name)) = service_of_host(&rule.spec.host, rule_namespace) else { continue };
        let Some(selector) = selectors(&namespace, &name) else { continue };
        let policy = LocalityPolicy::of(rule);
        let mut hosts: Vec<MeshHost> = timeline
            .pods
            .iter()
            .filter(|p| p.namespace == namespace && !p.node.is_empty() && selects(&selector, &p.labels))
            .filter(|p| {
                let s = p.at(t);
                s.active && (s.ready || send_unhealthy)
            })
            .map(|p| host_of(p, t))
            .collect();
        crate::sort::sort_by(&mut hosts, |a, b| a.name.cmp(&b.name));
        for (client_namespace, client_pod) in clients {
            // A recreated pod has one history per incarnation: the one alive at `t`.
            let mut named = timeline.pods.iter().filter(|p| p.namespace == *client_namespace && p.name == *client_pod);
            let Some(client) = named.clone().find(|p| p.at(t) != EndpointState::GONE).or_else(|| named.next()) else {
                continue;
            };
            out.push(mesh_report(&rule.spec.host, client_pod, &policy, &host_of(client, t), &hosts));
        }
    }
    out
}
