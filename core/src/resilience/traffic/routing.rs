//! The global load balancer at one instant: Proxy mode (`multi-region.md §4`),
//! DNS mode (§5), the latency model (§7) and the failover summary (§8). Pure
//! functions of a [`GlbConfig`] and an [`EndpointTimeline`].

use std::collections::BTreeMap;

use serde::Serialize;

use super::config::{Affinity, GlbConfig, Mode, selects};
use super::ratio::Ratio;
use super::timeline::{EndpointHistory, EndpointTimeline, PRE_START};

/// One backend region at one instant (`regions[]` of the JSON contract).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RegionObservation {
    pub region: String,
    pub api_reachable: bool,
    pub ready_endpoints: usize,
    /// Proxy mode only (`null` in DNS mode).
    pub lb_healthy_endpoints: Option<usize>,
    pub capacity_rps: Ratio,
    /// Proxy: at least one LB-healthy endpoint; DNS: the region's health check.
    pub healthy: bool,
    /// Some endpoint is Ready and answers (the region is "up", §5.1).
    pub serving: bool,
    pub load_rps: Ratio,
    /// `null` when the capacity is 0.
    pub utilization: Option<Ratio>,
}

/// Where one user region's demand goes at one instant (`routing[]`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserRouting {
    pub user_region: String,
    /// rps per backend region; zero entries omitted.
    pub allocations: BTreeMap<String, Ratio>,
    pub error_rps: Ratio,
    pub unserved_rps: Ratio,
    /// Over successful requests; `null` when none succeed.
    pub mean_latency_ms: Option<Ratio>,
}

/// The lab at one observed instant (`timeline[]`).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Observation {
    pub t: i64,
    pub regions: Vec<RegionObservation>,
    pub routing: Vec<UserRouting>,
    /// Load above capacity, for regions with capacity and more load than it.
    pub overload_rps: BTreeMap<String, Ratio>,
}

/// One backend region that stopped being up (`failover[]`, §8).
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FailoverSummary {
    pub region: String,
    pub failed_at: i64,
    pub detected_at: i64,
    pub complete_by: i64,
    pub moved_rps: Ratio,
    pub sessions_broken_rps: Ratio,
    pub total_demand_rps: Ratio,
    pub survivor_capacity_rps: Ratio,
    pub shortfall_rps: Ratio,
    /// N+1 sizing per surviving region; `null` when its per-endpoint rate is 0.
    pub endpoints_needed_per_survivor: BTreeMap<String, Option<i64>>,
}

/// A region's "up" (some endpoint Ready and serving) over time, from
/// [`PRE_START`], with consecutive equal values merged.
type UpHistory = Vec<(i64, bool)>;

/// The routing engine over one load balancer and one timeline.
pub struct Router<'a> {
    config: &'a GlbConfig,
    timeline: &'a EndpointTimeline,
    /// Per backend, the indices of its endpoint pods in the timeline.
    members: Vec<Vec<usize>>,
    up: Vec<UpHistory>,
    /// Instants where some region's DNS health may change, sorted.
    dns_breaks: Vec<i64>,
}

impl<'a> Router<'a> {
    pub fn new(config: &'a GlbConfig, timeline: &'a EndpointTimeline) -> Router<'a> {
        let members: Vec<Vec<usize>> = config
            .backends
            .iter()
            .map(|backend| {
                let Some(selector) = &backend.selector else { return Vec::new() };
                timeline
                    .pods
                    .iter()
                    .enumerate()
                    .filter(|(_, pod)| {
                        // The region is its node's; an unbound pod is no endpoint.
                        pod.namespace == backend.service_namespace
                            && !pod.region.is_empty()
                            && pod.region == backend.region
                            && selects(selector, &pod.labels)
                    })
                    .map(|(index, _)| index)
                    .collect()
            })
            .collect();
        let up: Vec<UpHistory> = members
            .iter()
            .map(|indices| {
                let mut instants: Vec<i64> =
                    indices.iter().flat_map(|&i| timeline.pods[i].states.iter().map(|(t, _)| *t)).collect();
                instants.push(PRE_START);
                crate::sort::sort(&mut instants);
                instants.dedup();
                let mut history: UpHistory = Vec::new();
                for t in instants {
                    let up = indices.iter().any(|&i| timeline.pods[i].at(t).up());
                    if history.last().is_none_or(|(_, last)| *last != up) {
                        history.push((t, up));
                    }
                }
                history
            })
            .collect();
        // A region's DNS health can only change where its "up" changes or where
        // such a change is detected (§5.1).
        let check = &config.health_check;
        let mut dns_breaks: Vec<i64> = up
            .iter()
            .flat_map(|history: &UpHistory| history.iter().skip(1))
            .flat_map(|(c, _)| {
                [*c, check.detect(*c, check.healthy_threshold), check.detect(*c, check.unhealthy_threshold)]
            })
            .collect();
        crate::sort::sort(&mut dns_breaks);
        dns_breaks.dedup();
        Router { config, timeline, members, up, dns_breaks }
    }

    fn pods(&self, backend: usize) -> impl Iterator<Item = &'a EndpointHistory> + '_ {
        self.members[backend].iter().map(|&i| &self.timeline.pods[i])
    }

    /// Whether backend region `b` is up at `t` (§5.1).
    pub fn region_up(&self, b: usize, t: i64) -> bool {
        let history = &self.up[b];
        let index = history.partition_point(|(from, _)| *from <= t);
        index > 0 && history[index - 1].1
    }

    /// The last change of the region's "up" at or before `t`, with its new value.
    fn last_up_change(&self, b: usize, t: i64) -> Option<(i64, bool)> {
        let history = &self.up[b];
        let index = history.partition_point(|(from, _)| *from <= t);
        if index <= 1 { None } else { Some(history[index - 1]) }
    }

    /// Endpoints of backend `b` that are active and Ready at `t`.
    pub fn ready_endpoints_at(&self, b: usize, t: i64) -> usize {
        self.ready_endpoints(b, t)
    }

    fn ready_endpoints(&self, b: usize, t: i64) -> usize {
        self.pods(b).filter(|p| p.at(t).active && p.at(t).ready).count()
    }

    /// LB-healthy at `t` (§4.1): active, Ready, and its serving state as the
    /// health checks have recognised it.
    fn lb_healthy(&self, pod: &EndpointHistory, t: i64) -> bool {
        let state = pod.at(t);
        if !(state.active && state.ready) {
            return false;
        }
        let check = &self.config.health_check;
        match pod.last_serving_change(t) {
            None => state.serving,
            Some((c, true)) => t >= check.detect(c, check.healthy_threshold),
            Some((c, false)) => t < check.detect(c, check.unhealthy_threshold),
        }
    }

    /// The region's health check (DNS mode, §5.1): "up" as recognised.
    pub fn dns_healthy(&self, b: usize, t: i64) -> bool {
        let check = &self.config.health_check;
        match self.last_up_change(b, t) {
            None => self.region_up(b, t),
            Some((c, true)) => t >= check.detect(c, check.healthy_threshold),
            Some((c, false)) => t < check.detect(c, check.unhealthy_threshold),
        }
    }

    /// Session affinity keeps a recovered region out of routing until its
    /// recovery is detected plus the affinity TTL (§4.4).
    fn held_by_affinity(&self, b: usize, t: i64) -> bool {
        if self.config.affinity == Affinity::None {
            return false;
        }
        let check = &self.config.health_check;
        match self.last_up_change(b, t) {
            Some((c, true)) => {
                t < check.detect(c, check.healthy_threshold).saturating_add(self.config.affinity_ttl_seconds)
            }
            _ => false,
        }
    }

    /// §7's `meanDelay` of backend `b` at `t`: the mean added delay of its up
    /// endpoints (zero without any). Exact, so the order of the sum is immaterial.
    fn mean_delay(&self, b: usize, t: i64) -> Ratio {
        let (sum, count) = self
            .pods(b)
            .map(|p| p.at(t))
            .filter(|s| s.up())
            .fold((Ratio::ZERO, 0usize), |(sum, count), s| (sum + Ratio::int(i64::from(s.delay_ms)), count + 1));
        if count == 0 { Ratio::ZERO } else { sum / count.into() }
    }

    /// §7: `rounds · (rtt + meanDelay) + processingMs`.
    fn latency(&self, rtt: Ratio, mean_delay: Ratio, b: usize) -> Ratio {
        let rounds = Ratio::int(if self.config.new_connection_per_request { 2 } else { 1 });
        rounds * (rtt + mean_delay) + self.config.backends[b].processing_ms
    }

    /// The lab at instant `t`.
    pub fn observe(&self, t: i64) -> Observation {
        match self.config.mode {
            Mode::Proxy => self.observe_proxy(t),
            Mode::Dns => self.observe_dns(t),
        }
    }

    fn observe_proxy(&self, t: i64) -> Observation {
        let n = self.config.backends.len();
        let mut lb_healthy = vec![0usize; n];
        let mut err_frac = vec![Ratio::ONE; n];
        let mut capacity = vec![Ratio::ZERO; n];
        let mut eligible_capacity = vec![None; n];
        for (b, backend) in self.config.backends.iter().enumerate() {
            // LB-healthy endpoints, and those of them that fail requests.
            let (mut healthy, mut bad) = (0usize, 0usize);
            for pod in self.pods(b).filter(|p| self.lb_healthy(p, t)) {
                healthy += 1;
                let state = pod.at(t);
                bad += usize::from(!state.serving || state.failing);
            }
            lb_healthy[b] = healthy;
            capacity[b] = backend.per_endpoint() * healthy.into();
            if healthy > 0 {
                err_frac[b] = Ratio::from(bad) / healthy.into();
                if !self.held_by_affinity(b, t) {
                    eligible_capacity[b] = Some(capacity[b]);
                }
            }
        }
        let allocation = waterfall(self.config, &eligible_capacity);
        let regions = (0..n)
            .map(|b| RegionObservation {
                lb_healthy_endpoints: Some(lb_healthy[b]),
                healthy: lb_healthy[b] > 0,
                ..self.region_common(b, t, capacity[b], &allocation.load)
            })
            .collect();
        self.finish(t, regions, &allocation, &err_frac, &capacity)
    }

    fn observe_dns(&self, t: i64) -> Observation {
        let n = self.config.backends.len();
        let mut err_frac = vec![Ratio::ONE; n];
        let mut capacity = vec![Ratio::ZERO; n];
        for (b, backend) in self.config.backends.iter().enumerate() {
            let ready: Vec<_> = self.pods(b).map(|p| p.at(t)).filter(|s| s.active && s.ready).collect();
            capacity[b] = backend.per_endpoint() * ready.len().into();
            if !ready.is_empty() {
                let bad = ready.iter().filter(|s| !s.serving || s.failing).count();
                err_frac[b] = Ratio::from(bad) / ready.len().into();
            }
        }
        let ttl = self.config.ttl_seconds;
        let mut allocation = Allocation::new(self.config.user_regions.len(), n);
        for (u, user) in self.config.user_regions.iter().enumerate() {
            // Resolver caches (§5.3): the answers given during [t − TTL, t), each
            // weighted by how long it was given; with TTL 0, the answer at t.
            let (from, to) = if ttl == 0 { (t, t + 1) } else { (t.saturating_sub(ttl), t) };
            let mut counts = vec![0i64; n];
            // The answer only changes where some region's health may change:
            // count whole stretches instead of every second.
            let start = self.dns_breaks.partition_point(|b| *b <= from);
            let mut points = vec![from];
            points.extend(self.dns_breaks[start..].iter().copied().take_while(|b| *b < to));
            points.push(to);
            for stretch in points.windows(2) {
                if let Some(b) = self.dns_answer(u, stretch[0]) {
                    counts[b] += stretch[1] - stretch[0];
                }
            }
            if counts.iter().all(|c| *c == 0) {
                allocation.unserved[u] = user.rps;
                continue;
            }
            let window_len = Ratio::int(to - from);
            for (b, count) in counts.iter().enumerate() {
                if *count > 0 {
                    allocation.add(u, b, user.rps * Ratio::int(*count) / window_len);
                }
            }
        }
        let regions = (0..n)
            .map(|b| RegionObservation {
                lb_healthy_endpoints: None,
                healthy: self.dns_healthy(b, t),
                ..self.region_common(b, t, capacity[b], &allocation.load)
            })
            .collect();
        self.finish(t, regions, &allocation, &err_frac, &capacity)
    }

    /// Route 53's answer for user region `u` at `s` (§5.2): the healthy region
    /// with the smallest RTT (ties by name); with none healthy, all count as healthy.
    pub fn dns_answer(&self, u: usize, s: i64) -> Option<usize> {
        let user = &self.config.user_regions[u];
        let candidates: Vec<(Ratio, &str, usize)> = self
            .config
            .backends
            .iter()
            .enumerate()
            .filter_map(|(b, backend)| user.rtt_ms.get(&backend.region).map(|rtt| (*rtt, backend.region.as_str(), b)))
            .collect();
        let healthy = candidates.iter().filter(|(_, _, b)| self.dns_healthy(*b, s)).min();
        healthy.or_else(|| candidates.iter().min()).map(|(_, _, b)| *b)
    }

    fn region_common(&self, b: usize, t: i64, capacity: Ratio, load: &[Ratio]) -> RegionObservation {
        let region = &self.config.backends[b].region;
        RegionObservation {
            region: region.clone(),
            api_reachable: self.timeline.api_reachable(region, t),
            ready_endpoints: self.ready_endpoints(b, t),
            lb_healthy_endpoints: None,
            capacity_rps: capacity,
            healthy: false,
            serving: self.region_up(b, t),
            load_rps: load[b],
            utilization: (!capacity.is_zero()).then(|| load[b] / capacity),
        }
    }

    fn finish(
        &self,
        t: i64,
        regions: Vec<RegionObservation>,
        allocation: &Allocation,
        err_frac: &[Ratio],
        capacity: &[Ratio],
    ) -> Observation {
        // Each backend's mean delay, made once per observation when a user is served there.
        let mut mean_delays: Vec<Option<Ratio>> = vec![None; self.config.backends.len()];
        let routing = self
            .config
            .user_regions
            .iter()
            .enumerate()
            .map(|(u, user)| {
                let mut error_rps = Ratio::ZERO;
                let mut succeeded = Ratio::ZERO;
                let mut weighted_latency = Ratio::ZERO;
                let mut allocations = BTreeMap::new();
                for (b, rps) in allocation.per_user[u].iter().enumerate() {
                    if rps.is_zero() {
                        continue;
                    }
                    let backend = &self.config.backends[b];
                    allocations.insert(backend.region.clone(), *rps);
                    error_rps = error_rps + *rps * err_frac[b];
                    let ok = *rps * (Ratio::ONE - err_frac[b]);
                    if !ok.is_zero() {
                        let rtt = user.rtt_ms.get(&backend.region).copied().unwrap_or_default();
                        succeeded = succeeded + ok;
                        let mean_delay = *mean_delays[b].get_or_insert_with(|| self.mean_delay(b, t));
                        weighted_latency = weighted_latency + ok * self.latency(rtt, mean_delay, b);
                    }
                }
                UserRouting {
                    user_region: user.name.clone(),
                    allocations,
                    error_rps,
                    unserved_rps: allocation.unserved[u],
                    mean_latency_ms: (!succeeded.is_zero()).then(|| weighted_latency / succeeded),
                }
            })
            .collect();
        let overload_rps = self
            .config
            .backends
            .iter()
            .enumerate()
            .filter(|(b, _)| !capacity[*b].is_zero() && allocation.load[*b] > capacity[*b])
            .map(|(b, backend)| (backend.region.clone(), allocation.load[b] - capacity[b]))
            .collect();
        Observation { t, regions, routing, overload_rps }
    }

    /// The failover summary (§8): one entry per backend region that stops
    /// being up during the horizon, at its first such instant.
    pub fn failovers(&self) -> Vec<FailoverSummary> {
        let config = self.config;
        let check = &config.health_check;
        let total = config.total_demand();
        let mut out = Vec::new();
        for (r, backend) in config.backends.iter().enumerate() {
            let failed_at = self.up[r]
                .windows(2)
                .find(|w| w[0].1 && !w[1].1 && w[1].0 >= 0 && w[1].0 <= self.timeline.horizon)
                .map(|w| w[1].0);
            let Some(failed_at) = failed_at else { continue };
            let detected_at = check.detect(failed_at, check.unhealthy_threshold);
            let (complete_by, moved_rps) = match config.mode {
                Mode::Proxy => {
                    // §4.3 with capacities from Ready endpoints just before the failure.
                    let before = failed_at - 1;
                    let capacity: Vec<Option<Ratio>> = (0..config.backends.len())
                        .map(|b| {
                            let ready = self.ready_endpoints(b, before);
                            (ready > 0).then(|| config.backends[b].per_endpoint() * ready.into())
                        })
                        .collect();
                    (detected_at, waterfall(config, &capacity).load[r])
                }
                Mode::Dns => {
                    let moved = config
                        .user_regions
                        .iter()
                        .filter(|user| {
                            let nearest = config
                                .backends
                                .iter()
                                .filter_map(|b| user.rtt_ms.get(&b.region).map(|rtt| (*rtt, b.region.as_str())))
                                .min();
                            nearest.is_some_and(|(_, region)| region == backend.region)
                        })
                        .map(|user| user.rps)
                        .sum();
                    (detected_at.saturating_add(config.ttl_seconds), moved)
                }
            };
            let survivors: Vec<usize> = (0..config.backends.len()).filter(|b| *b != r).collect();
            let survivor_capacity_rps = survivors
                .iter()
                .map(|&s| config.backends[s].per_endpoint() * self.ready_endpoints(s, failed_at).into())
                .sum::<Ratio>();
            let endpoints_needed_per_survivor = survivors
                .iter()
                .map(|&s| {
                    let per_endpoint = config.backends[s].per_endpoint();
                    let needed = (!per_endpoint.is_zero()).then(|| {
                        let share = total / (per_endpoint * survivors.len().into());
                        i64::try_from(share.ceil()).unwrap_or(i64::MAX)
                    });
                    (config.backends[s].region.clone(), needed)
                })
                .collect();
            out.push(FailoverSummary {
                region: backend.region.clone(),
                failed_at,
                detected_at,
                complete_by,
                moved_rps,
                sessions_broken_rps: if config.affinity == Affinity::None { Ratio::ZERO } else { moved_rps },
                total_demand_rps: total,
                survivor_capacity_rps,
                shortfall_rps: (total - survivor_capacity_rps).max(Ratio::ZERO),
                endpoints_needed_per_survivor,
            });
        }
        out
    }
}

/// rps per (user region, backend), load per backend, unserved per user region.
struct Allocation {
    per_user: Vec<Vec<Ratio>>,
    load: Vec<Ratio>,
    unserved: Vec<Ratio>,
}

impl Allocation {
    fn new(users: usize, backends: usize) -> Allocation {
        Allocation {
            per_user: vec![vec![Ratio::ZERO; backends]; users],
            load: vec![Ratio::ZERO; backends],
            unserved: vec![Ratio::ZERO; users],
        }
    }

    fn add(&mut self, u: usize, b: usize, rps: Ratio) {
        self.per_user[u][b] = self.per_user[u][b] + rps;
        self.load[b] = self.load[b] + rps;
    }
}

/// kubeplay's waterfall (§4.3) over the eligible backends (`Some(capacity)`).
fn waterfall(config: &GlbConfig, capacity: &[Option<Ratio>]) -> Allocation {
    let users = &config.user_regions;
    let mut allocation = Allocation::new(users.len(), config.backends.len());
    // 1. Every (user region, eligible region with an RTT) by (rtt, user, region).
    let mut pairs: Vec<(Ratio, &str, &str, usize, usize)> = Vec::new();
    for (u, user) in users.iter().enumerate() {
        for (b, backend) in config.backends.iter().enumerate() {
            if let (Some(_), Some(rtt)) = (capacity[b], user.rtt_ms.get(&backend.region)) {
                pairs.push((*rtt, user.name.as_str(), backend.region.as_str(), u, b));
            }
        }
    }
    pairs.sort();
    // 2. Fill the closest pairs first.
    let mut demand: Vec<Ratio> = users.iter().map(|u| u.rps).collect();
    let mut room: Vec<Ratio> = capacity.iter().map(|c| c.unwrap_or_default()).collect();
    for (_, _, _, u, b) in &pairs {
        let x = demand[*u].min(room[*b]);
        if !x.is_zero() {
            allocation.add(*u, *b, x);
            demand[*u] = demand[*u] - x;
            room[*b] = room[*b] - x;
        }
    }
    // 3. What is left goes over the user region's eligible regions in proportion
    //    to their capacity (overload); 4. with no capacity at all, it is unserved.
    let mut order: Vec<usize> = (0..users.len()).collect();
    crate::sort::sort_by(&mut order, |a, b| users[*a].name.cmp(&users[*b].name));
    for u in order {
        if demand[u].is_zero() {
            continue;
        }
        let reachable: Vec<(usize, Ratio)> =
            pairs.iter().filter(|p| p.3 == u).map(|p| (p.4, capacity[p.4].unwrap_or_default())).collect();
        let total: Ratio = reachable.iter().map(|(_, c)| *c).sum();
        if total.is_zero() {
            allocation.unserved[u] = demand[u];
            continue;
        }
        for (b, c) in reachable {
            if !c.is_zero() {
                allocation.add(u, b, demand[u] * c / total);
            }
        }
    }
    allocation
}
