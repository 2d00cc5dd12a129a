//! PodDisruptionBudget status as the disruption controller computes it
//! (`docs/semantics/disruption.md` §2; upstream
//! `pkg/controller/disruption/disruption.go`: `getExpectedScale`, the finders,
//! `countHealthyPods`, `buildDisruptedPodMap`, `updatePdbStatus`, `failSafe`).
//! The lab's controller is instantaneous: status is computed when asked.

use std::collections::BTreeSet;

use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::cluster::{Cluster, PdbSim, PodSim};
use super::report::{Condition, PdbEvent, PdbRow};
use crate::model::Kind;

/// `DeletionTimeout`: a disruptedPods entry older than this is dropped.
pub const DELETION_TIMEOUT_SECONDS: i64 = 120;

/// The computed status of one budget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PdbStatus {
    pub expected: i64,
    pub desired: i64,
    pub current: i64,
    pub allowed: i64,
    pub disrupted: Vec<String>,
    pub unmanaged: Vec<String>,
    /// `Some(error)` when the sync failed (failSafe).
    pub sync_error: Option<String>,
}

impl PdbSim {
    /// §2.1: same namespace, selector matches (null or invalid: nothing; `{}`: everything).
    pub fn selects(&self, pod: &PodSim) -> bool {
        pod.namespace == self.namespace && self.selector.as_ref().is_some_and(|s| s.matches(&pod.labels))
    }
}

/// The budgets of the input that select pods with these labels in this
/// namespace, by the lab's own selection (§2.1), for the best-practice rule
/// `pod-disruption-budget-missing`.
pub fn budgets_selecting<'i>(
    inventory: &'i crate::model::Inventory,
    namespace: &str,
    labels: &std::collections::BTreeMap<String, String>,
) -> Vec<&'i str> {
    inventory
        .objects
        .iter()
        .filter(|o| o.namespace().unwrap_or("default") == namespace)
        .filter(|o| match &o.object {
            crate::model::Object::PodDisruptionBudget(pdb) => {
                super::cluster::budget_selector(pdb).is_some_and(|s| s.matches(labels))
            }
            _ => false,
        })
        .map(|o| o.name())
        .collect()
}

/// `GetScaledValueFromIntOrPercent(roundUp=true)`; a malformed percentage is an error.
pub fn scaled(value: &IntOrString, total: i64) -> Result<i64, String> {
    match value {
        IntOrString::Int(i) => Ok(i64::from(*i)),
        IntOrString::String(s) => {
            let percent: i64 = s
                .strip_suffix('%')
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| "invalid value for IntOrString: invalid type: string is not a percentage".to_owned())?;
            // ceil(total * percent / 100) in integers.
            Ok((total * percent + 99).div_euclid(100))
        }
    }
}

impl Cluster<'_> {
    /// The controller's replica count for a pod's controller reference (§2.3).
    fn expected_scale_of(&self, pod: &PodSim) -> Result<Option<(String, i64)>, String> {
        let Some(owner) = &pod.owner else { return Ok(None) };
        let group = crate::model::api_group(&owner.api_version);
        let find = |kind: Kind, name: &str| self.controller_named(kind, &pod.namespace, name);
        let key = |kind: &str, name: &str| format!("{kind}/{name}");
        // 1. ReplicationController (core group).
        if owner.kind == "ReplicationController"
            && group.is_empty()
            && let Some(rc) = find(Kind::ReplicationController, &owner.name)
        {
            return Ok(Some((key("ReplicationController", &rc.name), i64::from(rc.replicas))));
        }
        // 2./3. ReplicaSet, through its Deployment when that exists.
        if owner.kind == "ReplicaSet"
            && (group == "apps" || group == "extensions")
            && let Some(rs) = find(Kind::ReplicaSet, &owner.name)
        {
            match rs.controlled_by.as_ref().filter(|o| o.kind == "Deployment") {
                Some(deployment_ref) => {
                    if let Some(d) = find(Kind::Deployment, &deployment_ref.name) {
                        return Ok(Some((key("Deployment", &d.name), i64::from(d.replicas))));
                    }
                }
                None => return Ok(Some((key("ReplicaSet", &rs.name), i64::from(rs.replicas)))),
            }
        }
        // 4. StatefulSet.
        if owner.kind == "StatefulSet"
            && group == "apps"
            && let Some(ss) = find(Kind::StatefulSet, &owner.name)
        {
            return Ok(Some((key("StatefulSet", &ss.name), i64::from(ss.replicas))));
        }
        // 5. The scale subresource of whatever the reference names.
        let kind = Kind::from_name(&owner.kind).filter(|k| k.api_version() == owner.api_version);
        match kind {
            Some(k @ (Kind::Deployment | Kind::ReplicaSet | Kind::StatefulSet | Kind::ReplicationController)) => {
                if let Some(c) = find(k, &owner.name) {
                    return Ok(Some((key(k.as_str(), &c.name), i64::from(c.replicas))));
                }
                Err(format!("found no controllers for pod {:?}", pod.name))
            }
            Some(k) => Err(format!("{} does not implement the scale subresource", k.resource())),
            None if matches!(
                owner.kind.as_str(),
                "ReplicationController" | "ReplicaSet" | "StatefulSet" | "Deployment"
            ) =>
            {
                Err(format!("found no controllers for pod {:?}", pod.name))
            }
            None => Err(format!("no matches for kind {:?} in version {:?}", owner.kind, owner.api_version)),
        }
    }

    /// Indexes of the pods a budget selects (every existing pod, §2.1).
    pub fn pods_of_pdb(&self, pdb_index: usize) -> Vec<usize> {
        self.budget_members
            .get(pdb_index)
            .map(|members| members.iter().copied().filter(|&i| !self.pods[i].gone()).collect())
            .unwrap_or_default()
    }

    /// §2.2 at the current instant.
    pub fn pdb_status(&self, pdb_index: usize) -> PdbStatus {
        let pdb = &self.pdbs[pdb_index];
        let pods = self.pods_of_pdb(pdb_index);
        let now = self.now;
        let expected_scale = || -> Result<(i64, Vec<String>), String> {
            let mut controllers = BTreeSet::new();
            let mut total = 0;
            let mut unmanaged = Vec::new();
            for &i in &pods {
                let pod = &self.pods[i];
                match self.expected_scale_of(pod)? {
                    None => unmanaged.push(pod.name.clone()),
                    Some((key, replicas)) => {
                        if controllers.insert(key) {
                            total += replicas;
                        }
                    }
                }
            }
            Ok((total, unmanaged))
        };
        let computed: Result<(i64, i64, Vec<String>), String> = (|| {
            if let Some(max_unavailable) = &pdb.max_unavailable {
                let (expected, unmanaged) = expected_scale()?;
                let unavailable = scaled(max_unavailable, expected)?;
                Ok((expected, (expected - unavailable).max(0), unmanaged))
            } else if let Some(IntOrString::Int(min)) = &pdb.min_available {
                Ok((pods.len() as i64, i64::from(*min), Vec::new()))
            } else if let Some(min) = &pdb.min_available {
                let (expected, unmanaged) = expected_scale()?;
                Ok((expected, scaled(min, expected)?, unmanaged))
            } else {
                Ok((0, 0, Vec::new()))
            }
        })();
        // buildDisruptedPodMap: entries of selected pods without deletionTimestamp, not expired.
        let mut disrupted = Vec::new();
        for &i in &pods {
            let pod = &self.pods[i];
            if let Some(&at) = pdb.disrupted.get(&pod.name)
                && !pod.terminating()
                && at + DELETION_TIMEOUT_SECONDS >= now
            {
                disrupted.push(pod.name.clone());
            }
        }
        disrupted.sort();
        // countHealthyPods: skip terminating pods and fresh disruptedPods entries.
        let current = pods
            .iter()
            .map(|&i| &self.pods[i])
            .filter(|p| {
                !p.terminating()
                    && pdb.disrupted.get(&p.name).is_none_or(|&at| at + DELETION_TIMEOUT_SECONDS <= now)
                    && p.ready
            })
            .count() as i64;
        match computed {
            Ok((expected, desired, unmanaged)) => {
                let allowed = if expected <= 0 { 0 } else { (current - desired).max(0) };
                PdbStatus { expected, desired, current, allowed, disrupted, unmanaged, sync_error: None }
            }
            Err(error) => {
                let (expected, desired, current) = pdb.last;
                PdbStatus {
                    expected,
                    desired,
                    current,
                    allowed: 0,
                    disrupted: pdb.disrupted.keys().cloned().collect(),
                    unmanaged: Vec::new(),
                    sync_error: Some(error),
                }
            }
        }
    }

    pub fn pdb_row(&self, pdb_index: usize) -> PdbRow {
        let status = self.pdb_status(pdb_index);
        let pdb = &self.pdbs[pdb_index];
        let mut events = Vec::new();
        if !status.unmanaged.is_empty() {
            events.push(PdbEvent {
                kind: "Warning",
                reason: "UnmanagedPods",
                message: format!(
                    "Pods selected by this PodDisruptionBudget (selector: {}) were found to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. To account for these pods please set \".spec.minAvailable\" field of the PDB to an integer value.",
                    pdb.selector.as_ref().map_or_else(|| "<none>".to_owned(), |s| s.describe())
                ),
            });
        }
        let condition = match &status.sync_error {
            Some(error) => {
                events.push(PdbEvent {
                    kind: "Warning",
                    reason: "CalculateExpectedPodCountFailed",
                    message: format!("Failed to calculate the number of expected pods: {error}"),
                });
                Condition {
                    kind: "DisruptionAllowed",
                    status: "False",
                    reason: "SyncFailed",
                    message: Some(error.clone()),
                }
            }
            None if status.allowed > 0 => {
                Condition { kind: "DisruptionAllowed", status: "True", reason: "SufficientPods", message: None }
            }
            None => Condition { kind: "DisruptionAllowed", status: "False", reason: "InsufficientPods", message: None },
        };
        PdbRow {
            namespace: pdb.namespace.clone(),
            name: pdb.name.clone(),
            expected_pods: status.expected,
            desired_healthy: status.desired,
            current_healthy: status.current,
            disruptions_allowed: status.allowed,
            disrupted_pods: status.disrupted,
            unmanaged_pods: status.unmanaged,
            condition,
            events,
        }
    }
}
