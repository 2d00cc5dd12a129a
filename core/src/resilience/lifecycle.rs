//! Involuntary disruption (`docs/semantics/disruption.md` §5): node failure
//! and recovery, the node lifecycle controller's detection, zone states and
//! rate-limited NoExecute tainting
//! (`pkg/controller/nodelifecycle/node_lifecycle_controller.go`), and the
//! taint manager's evictions (`pkg/controller/tainteviction/taint_eviction.go`).

use std::collections::BTreeMap;

use super::cluster::{Cluster, NodeReady, Taint, Timer, UNREACHABLE_TAINT, tolerated};
use super::report::Event;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ZoneState {
    Normal,
    PartialDisruption,
    FullDisruption,
}

/// Per zone key: when the rate limiter lets the next node be tainted.
#[derive(Default, Debug)]
pub struct TaintLimiter {
    pub next_allowed: BTreeMap<(String, String), i64>,
    pub stopped_reported: bool,
}

impl Cluster<'_> {
    /// A `NodeFailure` (§5): the machine stops; the API notices later.
    pub fn fail_node(&mut self, n: usize) {
        let now = self.now;
        let node = &mut self.nodes[n];
        if !node.machine_up {
            return;
        }
        node.machine_up = false;
        node.failed_at = Some(now);
        let name = node.name.clone();
        self.event(Event::new(now, "NodeDown").node(&name));
    }

    /// `NodeRecover` (§5.6): Ready again, taints gone, terminating pods vanish.
    pub fn recover_node(&mut self, n: usize) {
        let now = self.now;
        let node = &mut self.nodes[n];
        if node.machine_up && node.ready == NodeReady::True {
            return;
        }
        let was_not_ready = node.ready != NodeReady::True;
        node.machine_up = true;
        node.failed_at = None;
        node.queued_for_taint = false;
        node.ready = NodeReady::True;
        let name = node.name.clone();
        self.remove_taints(n, |t| t.key == UNREACHABLE_TAINT || t.key == super::cluster::NOT_READY_TAINT);
        if was_not_ready {
            self.event(Event::new(now, "NodeReady").node(&name));
        }
        let startup = self.settings.pod_startup_seconds;
        for i in self.bound.on_node_in_order(n) {
            let pod = &self.pods[i];
            if pod.terminating() {
                self.set_gone(i);
                self.set_timer(i, Timer::Gone, None);
                let (ns, nm) = (self.pods[i].namespace.clone(), self.pods[i].name.clone());
                self.event(Event::new(now, "PodDeleted").pod(&ns, &nm));
                continue;
            }
            self.set_timer(i, Timer::Taint, None);
            let pod = &mut self.pods[i];
            pod.marked_not_ready = false;
            if pod.started && !pod.fixed_not_ready {
                if !pod.ready {
                    pod.ready = true;
                    let (ns, nm) = (pod.namespace.clone(), pod.name.clone());
                    self.event(Event::new(now, "PodReady").pod(&ns, &nm));
                }
            } else if !pod.started
                && pod.ready_at().is_none_or(|t| t < now)
                && !pod.fixed_not_ready
                && pod.phase == "Running"
            {
                // Scheduled while the machine was down: starts now.
                self.set_timer(i, Timer::Ready, Some(now + startup));
            }
        }
    }

    /// Step 3 of an instant: nodes whose grace period ends now become NotReady.
    pub fn detect_failures(&mut self) {
        let now = self.now;
        let grace = self.settings.node_monitor_grace_period_seconds;
        for n in 0..self.nodes.len() {
            let node = &self.nodes[n];
            let Some(failed) = node.failed_at else { continue };
            if node.ready != NodeReady::True || failed + grace != now || !self.api_reachable_for_node(Some(n)) {
                continue;
            }
            let node = &mut self.nodes[n];
            node.ready = NodeReady::Unknown;
            node.queued_for_taint = true;
            let name = node.name.clone();
            self.add_taint(n, Taint::new(UNREACHABLE_TAINT, "NoSchedule"));
            self.event(Event::new(now, "NodeNotReady").node(&name).message("Kubelet stopped posting node status."));
            self.event(Event::new(now, "TaintAdded").node(&name).message(format!("{UNREACHABLE_TAINT}:NoSchedule")));
            // MarkPodsNotReady.
            for i in self.bound.on_node_in_order(n) {
                let pod = &mut self.pods[i];
                pod.marked_not_ready = true;
                if pod.ready {
                    pod.ready = false;
                    let (ns, nm) = (pod.namespace.clone(), pod.name.clone());
                    self.event(Event::new(now, "PodNotReady").pod(&ns, &nm));
                }
            }
        }
    }

    /// Step 3: pods whose toleration of the NoExecute taint ran out now.
    pub fn taint_evictions(&mut self) {
        let now = self.now;
        for i in self.due(Timer::Taint, now) {
            if self.pods[i].taint_deadline() == Some(now) && !self.pods[i].gone() && !self.pods[i].terminating() {
                self.set_timer(i, Timer::Taint, None);
                let (ns, nm) = (self.pods[i].namespace.clone(), self.pods[i].name.clone());
                let node = self.node_name(&self.pods[i]).unwrap_or_default().to_owned();
                self.event(
                    Event::new(now, "TaintManagerEviction").pod(&ns, &nm).node(&node).message("DeletionByTaintManager"),
                );
                self.delete_pod(i, None);
            }
        }
    }

    /// `ComputeZoneState` over the nodes of one control plane.
    fn zone_states(&self, region: Option<&str>) -> BTreeMap<(String, String), (ZoneState, usize)> {
        let mut counts: BTreeMap<(String, String), (usize, usize)> = BTreeMap::new();
        for node in &self.nodes {
            if region.is_some_and(|r| r != node.region) {
                continue;
            }
            let entry = counts.entry(node.zone_key()).or_default();
            entry.0 += 1;
            if node.ready != NodeReady::True {
                entry.1 += 1;
            }
        }
        counts
            .into_iter()
            .map(|(zone, (size, not_ready))| {
                let state = if not_ready == size {
                    ZoneState::FullDisruption
                } else if not_ready > 2 && (not_ready as f64) / (size as f64) >= self.settings.unhealthy_zone_threshold
                {
                    ZoneState::PartialDisruption
                } else {
                    ZoneState::Normal
                };
                (zone, (state, size))
            })
            .collect()
    }

    /// Step 6: NoExecute tainting per zone at the zone's rate (§5.3, §5.4).
    pub fn taint_zones(&mut self, limiter: &mut TaintLimiter) {
        let regions: Vec<Option<String>> = if self.settings.cluster_per_region() {
            let mut r: Vec<String> = self.nodes.iter().map(|n| n.region.clone()).collect();
            r.sort();
            r.dedup();
            r.into_iter().filter(|r| !self.control_plane_down.contains(r)).map(Some).collect()
        } else {
            vec![None]
        };
        for region in regions {
            let states = self.zone_states(region.as_deref());
            if states.is_empty() {
                continue;
            }
            if states.values().all(|(s, _)| *s == ZoneState::FullDisruption) {
                // Master disruption mode: stop, and take NoExecute taints off.
                self.master_disruption(region.as_deref(), limiter);
                continue;
            }
            for (zone, (state, size)) in states {
                let interval = match state {
                    ZoneState::Normal | ZoneState::FullDisruption => rate_interval(self.settings.node_eviction_rate),
                    ZoneState::PartialDisruption if size as i64 > self.settings.large_cluster_size_threshold => {
                        rate_interval(self.settings.secondary_node_eviction_rate)
                    }
                    ZoneState::PartialDisruption => None,
                };
                let Some(interval) = interval else { continue };
                loop {
                    let due = limiter.next_allowed.get(&zone).copied().unwrap_or(i64::MIN);
                    if due > self.now {
                        break;
                    }
                    let Some(n) = self.nodes.iter().position(|node| {
                        node.queued_for_taint && node.zone_key_ref() == (zone.0.as_str(), zone.1.as_str())
                    }) else {
                        break;
                    };
                    self.add_no_execute(n);
                    limiter.next_allowed.insert(zone.clone(), self.now + interval);
                }
            }
        }
    }

    /// The next instant the tainting step has work (for the time loop).
    pub fn next_taint_time(&self, limiter: &TaintLimiter) -> Option<i64> {
        self.nodes
            .iter()
            .filter(|n| n.queued_for_taint)
            .filter_map(|n| limiter.next_allowed.get(&n.zone_key()).copied())
            .filter(|&t| t > self.now)
            .min()
    }

    fn master_disruption(&mut self, region: Option<&str>, limiter: &mut TaintLimiter) {
        let now = self.now;
        let mut removed = false;
        for n in 0..self.nodes.len() {
            if region.is_some_and(|r| r != self.nodes[n].region) {
                continue;
            }
            let taken_off = self.remove_taints(n, |t| t.key == UNREACHABLE_TAINT && t.effect == "NoExecute");
            removed |= taken_off > 0;
            if taken_off > 0 {
                self.nodes[n].queued_for_taint = true;
                // Every pod object placed there, gone ones too (their
                // deadline is read by nothing once they are gone).
                for i in 0..self.pods.len() {
                    if self.pods[i].node() == Some(n) {
                        self.set_timer(i, Timer::Taint, None);
                    }
                }
            }
        }
        if !limiter.stopped_reported || removed {
            limiter.stopped_reported = true;
            let mut event = Event::new(now, "NoExecuteTaintingStopped")
                .message("every zone is fully disrupted: the node lifecycle controller stops evicting");
            if let Some(r) = region {
                event = event.region(r);
            }
            self.event(event);
        }
    }

    fn add_no_execute(&mut self, n: usize) {
        let now = self.now;
        let taint = Taint::new(UNREACHABLE_TAINT, "NoExecute");
        self.nodes[n].queued_for_taint = false;
        self.add_taint(n, taint.clone());
        let name = self.nodes[n].name.clone();
        self.event(Event::new(now, "TaintAdded").node(&name).message(format!("{UNREACHABLE_TAINT}:NoExecute")));
        for i in self.bound.on_node_in_order(n) {
            let pod = &self.pods[i];
            if pod.terminating() {
                continue;
            }
            // getMinTolerationTime: not tolerated → now; forever → never; else the smallest seconds.
            let matching: Vec<Option<i64>> =
                pod.tolerations.iter().filter(|t| t.tolerates(&taint)).map(|t| t.seconds).collect();
            let deadline = if !tolerated(&pod.tolerations, &taint) {
                Some(now)
            } else if matching.iter().any(Option::is_none) {
                None
            } else {
                matching.iter().flatten().min().map(|s| now + (*s).max(0))
            };
            self.set_timer(i, Timer::Taint, deadline);
        }
        self.taint_evictions();
    }
}

/// Seconds between two taints at `rate` per second (token bucket, burst 1).
fn rate_interval(rate: f64) -> Option<i64> {
    if rate.is_finite() && rate > 0.0 { Some(((1.0 / rate).ceil() as i64).max(1)) } else { None }
}
