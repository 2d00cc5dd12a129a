//! The Eviction API (`POST …/pods/<name>/eviction`), as
//! `pkg/registry/core/pod/storage/eviction.go` answers it
//! (`docs/semantics/disruption.md` §3), and plain deletion, which never looks
//! at budgets.

use super::cluster::{Cluster, Timer};
use super::report::{Cause, Event, EvictionRecord};

/// `maxDisruptedPodSize` in eviction.go.
const MAX_DISRUPTED_PODS: usize = 2000;

impl Cluster<'_> {
    /// Deletes a pod gracefully: Terminating now, gone after the shutdown time
    /// (capped by its grace period), or never while its node is down (§5.5).
    pub fn delete_pod(&mut self, index: usize, grace_override: Option<i64>) {
        let now = self.now;
        let shutdown = self.settings.pod_shutdown_seconds;
        let pod = &self.pods[index];
        if pod.gone() || pod.terminating() {
            return;
        }
        let grace = grace_override.filter(|g| *g >= 0).unwrap_or(pod.grace_seconds);
        let node = pod.node();
        let node_up = node.is_none_or(|n| self.nodes[n].machine_up);
        let (namespace, name) = (pod.namespace.clone(), pod.name.clone());
        self.set_terminating(index, now);
        self.pods[index].ready = false;
        if node.is_none() {
            // An unbound pod has no kubelet to wait for.
            self.set_gone(index);
            self.event(Event::new(now, "PodDeleted").pod(&namespace, &name));
            return;
        }
        if node_up {
            let delay = shutdown.min(grace).max(0);
            self.set_timer(index, Timer::Gone, Some(now + delay));
        }
        self.event(Event::new(now, "PodTerminating").pod(&namespace, &name));
        if node_up && shutdown.min(grace) <= 0 {
            self.set_gone(index);
            self.event(Event::new(now, "PodDeleted").pod(&namespace, &name));
        }
    }

    /// One eviction call (§3); records it and returns the record.
    pub fn evict(&mut self, namespace: &str, name: &str, dry_run: bool, drain: Option<&str>) -> EvictionRecord {
        let record = self.evict_unrecorded(namespace, name, dry_run, drain);
        self.evictions.push(record.clone());
        record
    }

    fn evict_unrecorded(&mut self, namespace: &str, name: &str, dry_run: bool, drain: Option<&str>) -> EvictionRecord {
        let t = self.now;
        let mut record = EvictionRecord {
            t,
            namespace: namespace.to_owned(),
            pod: name.to_owned(),
            pdb: None,
            code: 201,
            allowed: None,
            decremented: false,
            dry_run,
            message: None,
            causes: Vec::new(),
            drain: drain.map(str::to_owned),
        };
        let Some(index) = self.pods.iter().position(|p| !p.gone() && p.namespace == namespace && p.name == name) else {
            record.code = 404;
            record.message = Some(format!("pods {name:?} not found"));
            return record;
        };
        let pod = &self.pods[index];
        // 1. canIgnorePDB: finished, pending or already terminating.
        if matches!(pod.phase.as_str(), "Succeeded" | "Failed" | "Pending") || pod.terminating() {
            if !dry_run {
                self.delete_pod(index, None);
            }
            return record;
        }
        // 2. The budgets that select the pod.
        let pdbs = std::rc::Rc::clone(&pod.budgets);
        if pdbs.len() > 1 {
            record.code = 500;
            record.message = Some(
                "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support."
                    .to_owned(),
            );
            return record;
        }
        let Some(&pdb_index) = pdbs.first() else {
            if !dry_run {
                self.delete_pod(index, None);
            }
            return record;
        };
        let status = self.pdb_status(pdb_index);
        let pdb_name = self.pdbs[pdb_index].name.clone();
        record.pdb = Some(pdb_name.clone());
        record.allowed = Some(status.allowed);
        // 3. An unready pod: AlwaysAllow, or IfHealthyBudget with the budget met.
        if !pod.ready {
            let always = self.pdbs[pdb_index].always_allow;
            if always || (status.current >= status.desired && status.desired > 0) {
                if !dry_run {
                    self.delete_pod(index, None);
                }
                return record;
            }
        }
        // 4. checkAndDecrement.
        let forbidden = |message: &str| format!("poddisruptionbudget.policy {pdb_name:?} is forbidden: {message}");
        if status.allowed < 0 {
            record.code = 403;
            record.message = Some(forbidden("pdb disruptions allowed is negative"));
            return record;
        }
        if status.disrupted.len() > MAX_DISRUPTED_PODS {
            record.code = 403;
            record.message =
                Some(forbidden("DisruptedPods map too big - too many evictions not confirmed by PDB controller"));
            return record;
        }
        if status.allowed == 0 {
            record.code = 429;
            record.message = Some("Cannot evict pod as it would violate the pod's disruption budget.".to_owned());
            record.causes.push(Cause {
                reason: "DisruptionBudget".to_owned(),
                message: format!(
                    "The disruption budget {pdb_name} needs {} healthy pods and has {} currently",
                    status.desired, status.current
                ),
            });
            return record;
        }
        if !dry_run {
            record.decremented = true;
            self.pdbs[pdb_index].disrupted.insert(name.to_owned(), t);
            self.delete_pod(index, None);
        }
        record
    }
}
