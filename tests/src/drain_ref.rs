//! An independent, second-by-second reference for `kubectl drain` against a
//! PodDisruptionBudget, written from `docs/semantics/disruption.md` (§2.2
//! budget status, §3 eviction, §4 drain, §6 replacement, §7.3 placement, §8
//! time) without calling core's resilience module. One Deployment (pods
//! `<name>-<i>`), one budget over it, nodes with CPU and zones, one drain at
//! t = 0; the reference steps every second up to the horizon.

use std::fmt::Write as _;

#[derive(Clone, Debug)]
pub struct RefNode {
    pub name: String,
    pub zone: String,
    pub cpu_milli: i64,
}

#[derive(Clone, Copy, Debug)]
pub enum Budget {
    MinAvailable(i64),
    MaxUnavailable(i64),
}

#[derive(Clone, Debug)]
pub struct RefCluster {
    pub nodes: Vec<RefNode>,
    pub replicas: i64,
    pub cpu_milli: i64,
    pub budget: Budget,
    /// Index of the node drained at t = 0.
    pub drained: usize,
    pub horizon: i64,
}

/// What the reference predicts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RefOutcome {
    /// (t, pod, HTTP code) of every eviction call, in order.
    pub evictions: Vec<(i64, String, u16)>,
    /// When the drain printed `node/<n> drained`.
    pub drained_at: Option<i64>,
    /// (pod, node, ready) of every pod at the horizon, sorted by name.
    pub final_pods: Vec<(String, Option<String>, bool)>,
}

#[derive(Clone, Debug)]
struct Pod {
    name: String,
    node: Option<usize>,
    running: bool,
    ready: bool,
    terminating: bool,
    gone_at: Option<i64>,
    ready_at: Option<i64>,
}

/// Pods of the Deployment in the zone, on the node, CPU used after placement,
/// allocatable CPU, node name.
type PlaceKey = (i64, i64, i64, i64, String);

struct Sim<'c> {
    c: &'c RefCluster,
    pods: Vec<Pod>,
    cordoned: Vec<bool>,
    next_index: i64,
    evictions: Vec<(i64, String, u16)>,
}

impl Sim<'_> {
    /// Pod objects that exist (terminating ones included).
    fn alive(&self) -> impl Iterator<Item = &Pod> {
        self.pods.iter().filter(|p| !p.gone())
    }

    /// §7.3 without spread constraints: fewest pods of the Deployment in the
    /// node's zone, then on the node, then the lowest CPU fraction, then the name.
    fn place(&self, now: i64) -> Option<usize> {
        let _ = now;
        let mut best: Option<(usize, PlaceKey)> = None;
        for (n, node) in self.c.nodes.iter().enumerate() {
            if self.cordoned[n] {
                continue;
            }
            let used: i64 = self.alive().filter(|p| p.node == Some(n)).count() as i64 * self.c.cpu_milli;
            if self.c.cpu_milli > 0 && self.c.cpu_milli > node.cpu_milli - used {
                continue;
            }
            let in_zone = self
                .alive()
                .filter(|p| !p.terminating && p.node.is_some_and(|m| self.c.nodes[m].zone == node.zone))
                .count() as i64;
            let on_node = self.alive().filter(|p| !p.terminating && p.node == Some(n)).count() as i64;
            let key = (in_zone, on_node, used + self.c.cpu_milli, node.cpu_milli, node.name.clone());
            let better = match &best {
                None => true,
                Some((_, b)) => (key.0, key.1)
                    .cmp(&(b.0, b.1))
                    .then_with(|| (i128::from(key.2) * i128::from(b.3)).cmp(&(i128::from(b.2) * i128::from(key.3))))
                    .then_with(|| key.4.cmp(&b.4))
                    .is_lt(),
            };
            if better {
                best = Some((n, key));
            }
        }
        best.map(|(n, _)| n)
    }

    /// Controller then scheduler (§6, §7), after every item.
    fn reconcile(&mut self, now: i64, initial: bool) {
        let active = self.pods.iter().filter(|p| !p.gone() && !p.terminating).count() as i64;
        for _ in active..self.c.replicas {
            let name = format!("api-{}", self.next_index);
            self.next_index += 1;
            self.pods.push(Pod {
                name,
                node: None,
                running: false,
                ready: false,
                terminating: false,
                gone_at: None,
                ready_at: None,
            });
        }
        for i in 0..self.pods.len() {
            if self.pods[i].gone() || self.pods[i].node.is_some() || self.pods[i].terminating {
                continue;
            }
            if let Some(n) = self.place(now) {
                let pod = &mut self.pods[i];
                pod.node = Some(n);
                if initial {
                    pod.running = true;
                    pod.ready = true;
                } else {
                    pod.ready_at = Some(now + 10);
                }
            }
        }
    }

    /// §2.2 for this one budget: (desired, current, allowed).
    fn budget(&self) -> (i64, i64, i64) {
        let selected: Vec<&Pod> = self.pods.iter().filter(|p| !p.gone()).collect();
        let (expected, desired) = match self.c.budget {
            Budget::MinAvailable(m) => (selected.len() as i64, m),
            Budget::MaxUnavailable(m) => (self.c.replicas, (self.c.replicas - m).max(0)),
        };
        let current = selected.iter().filter(|p| !p.terminating && p.ready).count() as i64;
        let allowed = if expected <= 0 { 0 } else { (current - desired).max(0) };
        (desired, current, allowed)
    }

    /// §3 for a Running pod of the budget.
    fn evict(&mut self, now: i64, name: &str) -> u16 {
        let Some(i) = self.pods.iter().position(|p| !p.gone() && p.name == name) else { return 404 };
        let pod = &self.pods[i];
        let code = if !pod.running || pod.terminating {
            201
        } else if !pod.ready {
            let (desired, current, _) = self.budget();
            if current >= desired && desired > 0 { 201 } else { self.by_budget() }
        } else {
            self.by_budget()
        };
        if code == 201 {
            let pod = &mut self.pods[i];
            pod.terminating = true;
            pod.ready = false;
            pod.gone_at = Some(now + 1);
        }
        self.evictions.push((now, name.to_owned(), code));
        code
    }

    fn by_budget(&self) -> u16 {
        if self.budget().2 == 0 { 429 } else { 201 }
    }
}

impl Pod {
    fn gone(&self) -> bool {
        self.gone_at == Some(i64::MIN)
    }
}

/// Runs the reference.
pub fn reference(c: &RefCluster) -> RefOutcome {
    let mut sim =
        Sim { c, pods: Vec::new(), cordoned: vec![false; c.nodes.len()], next_index: 0, evictions: Vec::new() };
    sim.reconcile(0, true);
    // Drain state: pods to evict with their next attempt (None once accepted) and whether done.
    let mut queue: Vec<(String, Option<i64>, bool)> = Vec::new();
    let mut drained_at = None;
    for t in 0..=c.horizon {
        // 1. Pod objects disappear.
        for pod in &mut sim.pods {
            if pod.gone_at == Some(t) {
                pod.gone_at = Some(i64::MIN);
            }
        }
        sim.reconcile(t, false);
        // 2. Pods become Ready; the drain polls.
        for pod in &mut sim.pods {
            if pod.ready_at == Some(t) && !pod.gone() && !pod.terminating {
                pod.ready_at = None;
                pod.running = true;
                pod.ready = true;
            }
        }
        for entry in &mut queue {
            if entry.1.is_none() && !entry.2 && !sim.pods.iter().any(|p| !p.gone() && p.name == entry.0) {
                entry.2 = true;
            }
        }
        if drained_at.is_none() && t > 0 && queue.iter().all(|e| e.2) {
            drained_at = Some(t);
        }
        sim.reconcile(t, false);
        // 4. The drain starts at 0: cordon, list sorted by name, evict in order.
        if t == 0 {
            sim.cordoned[c.drained] = true;
            let mut names: Vec<String> =
                sim.pods.iter().filter(|p| !p.gone() && p.node == Some(c.drained)).map(|p| p.name.clone()).collect();
            names.sort();
            queue = names.into_iter().map(|n| (n, Some(0), false)).collect();
            if queue.is_empty() {
                drained_at = Some(0);
            }
        }
        // 4/5. Attempts due now, in list order.
        for entry in &mut queue {
            if entry.1 != Some(t) {
                continue;
            }
            let name = entry.0.clone();
            match sim.evict(t, &name) {
                201 => entry.1 = None,
                404 => {
                    entry.1 = None;
                    entry.2 = true;
                }
                _ => entry.1 = Some(t + 5),
            }
            sim.reconcile(t, false);
        }
    }
    let mut final_pods: Vec<(String, Option<String>, bool)> = sim
        .pods
        .iter()
        .filter(|p| !p.gone())
        .map(|p| (p.name.clone(), p.node.map(|n| c.nodes[n].name.clone()), p.ready))
        .collect();
    final_pods.sort();
    RefOutcome { evictions: sim.evictions, drained_at, final_pods }
}

/// The same cluster as manifests for `kubeplay disrupt`.
pub fn manifests(c: &RefCluster) -> String {
    let mut out = String::new();
    for node in &c.nodes {
        let _ = write!(
            out,
            "apiVersion: v1\nkind: Node\nmetadata:\n  name: {}\n  labels: {{topology.kubernetes.io/region: r, topology.kubernetes.io/zone: {}}}\nstatus:\n  allocatable: {{cpu: {}m, memory: 64Gi, pods: \"110\"}}\n---\n",
            node.name, node.zone, node.cpu_milli
        );
    }
    let _ = write!(
        out,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: api}}\nspec:\n  replicas: {}\n  selector: {{matchLabels: {{app: api}}}}\n  template:\n    metadata: {{labels: {{app: api}}}}\n    spec:\n      containers:\n      - name: c\n        image: api:1\n        resources: {{requests: {{cpu: {}m}}}}\n---\n",
        c.replicas, c.cpu_milli
    );
    let budget = match c.budget {
        Budget::MinAvailable(m) => format!("minAvailable: {m}"),
        Budget::MaxUnavailable(m) => format!("maxUnavailable: {m}"),
    };
    let _ = write!(
        out,
        "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: api}}\nspec:\n  {budget}\n  selector: {{matchLabels: {{app: api}}}}\n---\n"
    );
    let _ = write!(
        out,
        "apiVersion: kubeplay.dev/v1alpha1\nkind: ChaosScenario\nmetadata: {{name: drain}}\nspec:\n  settings: {{horizonSeconds: {}}}\n  steps:\n  - {{at: 0, action: Drain, node: {}}}\n",
        c.horizon, c.nodes[c.drained].name
    );
    out
}
