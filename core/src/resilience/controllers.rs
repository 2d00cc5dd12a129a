//! Controllers replacing pods (`docs/semantics/disruption.md` §6) and the
//! expansion of workloads given without pods (§1.3), named `<name>-<i>` as
//! admission names a workload's pods (`admission.md`).

use std::collections::HashSet;
use std::fmt::Write as _;
use std::rc::Rc;

use super::cluster::{Cluster, Taint, tolerated};
use super::report::Event;
use super::scheduler::matches_node_affinity;
use crate::model::Kind;

/// Pods a controller may create in one lab (a cap against hostile replica counts).
pub const MAX_PODS_PER_CONTROLLER: i32 = 10_000;
/// Pod objects one lab holds at most, every pod it ever created included.
pub const MAX_LAB_PODS: usize = 200_000;

impl Cluster<'_> {
    fn create_pod(&mut self, controller: usize, name: String) -> usize {
        let c = &self.controllers[controller];
        let namespace = c.namespace.clone();
        let pod = self.new_pod(
            &namespace,
            name.clone(),
            Rc::clone(&c.pod_labels),
            Rc::clone(&c.pod_annotations),
            Some(Rc::clone(&c.pod_owner)),
            Some(controller),
            Rc::clone(&c.pod_spec),
            false,
        );
        let index = self.insert_pod(pod);
        self.event(Event::new(self.now, "PodCreated").pod(&namespace, &name));
        index
    }

    /// §1.3: expands every controller that has no pod in the input, in input
    /// order; the new pods are Ready at t = 0. Returns the new pods.
    pub fn expand(&mut self, controller: usize) -> Vec<usize> {
        let c = &self.controllers[controller];
        // A Deployment whose ReplicaSet is given expands through it.
        let has_child = self.controllers.iter().any(|o| {
            o.namespace == c.namespace
                && o.controlled_by.as_ref().is_some_and(|r| r.kind == c.kind.as_str() && r.name == c.name)
        });
        let has_pods = c.owns_pods;
        if has_child || has_pods {
            return Vec::new();
        }
        let name = c.name.clone();
        if c.kind == Kind::DaemonSet {
            let spec = c.template.spec.clone().unwrap_or_default();
            let mut created = Vec::new();
            for n in 0..self.nodes.len() {
                let node = &self.nodes[n];
                if !matches_node_affinity(&spec, &node.labels) {
                    continue;
                }
                let pod_name = format!("{name}-{}", node.name);
                let index = self.create_pod(controller, pod_name);
                let node = &self.nodes[n];
                let fits = !node.taints().iter().any(|t: &Taint| {
                    (t.effect == "NoSchedule" || t.effect == "NoExecute")
                        && !tolerated(&self.pods[index].tolerations, t)
                });
                if fits {
                    self.bind_pod(index, n);
                    created.push(index);
                } else {
                    self.set_gone(index);
                    self.events.pop();
                }
            }
            return created;
        }
        let replicas = c.replicas.clamp(0, MAX_PODS_PER_CONTROLLER);
        let room = i32::try_from(MAX_LAB_PODS.saturating_sub(self.pods.len())).unwrap_or(i32::MAX);
        (0..replicas.min(room)).map(|i| self.create_pod(controller, format!("{name}-{i}"))).collect()
    }

    /// §6 after every item: ReplicaSets, Deployments and ReplicationControllers
    /// top up to `replicas`; StatefulSets recreate an ordinal once its old pod
    /// object is gone. Returns the new pods (to be scheduled).
    pub fn reconcile_controllers(&mut self) -> Vec<usize> {
        let mut created = Vec::new();
        for c in 0..self.controllers.len() {
            let controller = &self.controllers[c];
            let kind = controller.kind;
            if !matches!(kind, Kind::Deployment | Kind::ReplicaSet | Kind::ReplicationController | Kind::StatefulSet) {
                continue;
            }
            if controller.region.as_ref().is_some_and(|r| self.control_plane_down.contains(r)) {
                continue;
            }
            // Only controllers that own pods in the lab act (a Deployment given with its ReplicaSet does not).
            if !controller.owns_pods {
                continue;
            }
            let replicas = controller.replicas.clamp(0, MAX_PODS_PER_CONTROLLER);
            // Nothing to do (the usual case, checked after every item): no
            // pod counted short.
            if controller.active_pods >= i64::from(replicas) {
                continue;
            }
            let name = controller.name.clone();
            if kind == Kind::StatefulSet {
                // The ordinals without a pod object, found before any is
                // created (a new pod takes its own ordinal's name only). This
                // runs after every item while a replica is terminating, over
                // up to MAX_PODS_PER_CONTROLLER ordinals: names are borrowed
                // and written into one buffer, not cloned.
                let existing: HashSet<&str> = self
                    .pods
                    .iter()
                    .filter(|p| !p.gone() && p.namespace == controller.namespace)
                    .map(|p| p.name.as_str())
                    .collect();
                let mut pod_name = String::new();
                let mut missing: Vec<String> = Vec::new();
                for i in 0..replicas {
                    pod_name.clear();
                    let _ = write!(pod_name, "{name}-{i}");
                    if !existing.contains(pod_name.as_str()) {
                        missing.push(pod_name.clone());
                    }
                }
                for pod_name in missing {
                    if self.pods.len() < MAX_LAB_PODS {
                        created.push(self.create_pod(c, pod_name));
                    }
                }
                continue;
            }
            let mut missing = i64::from(replicas) - controller.active_pods;
            if missing <= 0 {
                continue;
            }
            // A name once used is not reused (the §8.3 example's api-4, not
            // api-0); used names only accumulate, so the search resumes where
            // the last one ended.
            let mut i = self.controllers[c].next_name;
            while missing > 0 && self.pods.len() < MAX_LAB_PODS {
                let pod_name = format!("{name}-{i}");
                let namespace = &self.controllers[c].namespace;
                if !self.pod_names.get(namespace).is_some_and(|names| names.contains(&pod_name)) {
                    created.push(self.create_pod(c, pod_name));
                    missing -= 1;
                }
                i += 1;
            }
            self.controllers[c].next_name = i;
        }
        created
    }
}
