//! Alerts with Prometheus `for:` semantics (`docs/semantics/disruption.md` §9):
//! evaluated every `alertEvaluationIntervalSeconds`, pending at the first
//! evaluation where the condition holds, firing once it has held for `for`,
//! resolved at the first evaluation where it no longer holds.

use super::cluster::Cluster;
use super::report::{AlertRecord, Event};
use super::scenario::AlertRule;

#[derive(Debug)]
pub struct AlertRun {
    pub rule: AlertRule,
    pub record: AlertRecord,
}

impl AlertRun {
    pub fn new(rule: AlertRule) -> Self {
        AlertRun {
            record: AlertRecord {
                name: rule.name.clone(),
                state: "inactive",
                pending_at: None,
                firing_at: None,
                resolved_at: None,
                active_since: None,
            },
            rule,
        }
    }
}

impl Cluster<'_> {
    /// Ready pods of the alert's workload as its cluster's API reports them.
    fn alert_holds(&self, rule: &AlertRule) -> bool {
        let namespace = rule.workload.namespace.as_deref().unwrap_or("default");
        let Some(c) = self.controllers.iter().position(|c| {
            c.kind.as_str() == rule.workload.kind && c.name == rule.workload.name && c.namespace == namespace
        }) else {
            return false;
        };
        let ready = self.pods.iter().filter(|p| !p.gone() && p.ready && self.owned_by(p, c)).count() as i64;
        match rule.condition.as_str() {
            "ReadyReplicasBelow" => ready < rule.threshold,
            _ => false,
        }
    }

    /// The pod belongs to controller `c`, directly or through a ReplicaSet it controls.
    pub fn owned_by(&self, pod: &super::cluster::PodSim, c: usize) -> bool {
        pod.controller.is_some_and(|own| own == c || self.owned_by_controller(own, c))
    }

    /// Controller `own` is controlled by controller `c` (a ReplicaSet by its Deployment).
    pub fn owned_by_controller(&self, own: usize, c: usize) -> bool {
        let parent = &self.controllers[c];
        self.controllers[own]
            .controlled_by
            .as_ref()
            .is_some_and(|r| r.kind == parent.kind.as_str() && r.name == parent.name)
            && self.controllers[own].namespace == parent.namespace
    }

    pub fn evaluate_alert(&mut self, alert: &mut AlertRun) {
        let t = self.now;
        let holds = self.alert_holds(&alert.rule);
        let for_seconds = alert.rule.for_seconds.unwrap_or(0);
        let record = &mut alert.record;
        match (holds, record.active_since) {
            (true, None) => {
                record.active_since = Some(t);
                record.pending_at = Some(t);
                record.resolved_at = None;
                record.state = "pending";
                self.event(Event::new(t, "AlertPending").alert(&record.name));
                if for_seconds == 0 {
                    record.state = "firing";
                    record.firing_at = Some(t);
                    self.event(Event::new(t, "AlertFiring").alert(&record.name));
                }
            }
            (true, Some(since)) => {
                if record.state == "pending" && t - since >= for_seconds {
                    record.state = "firing";
                    record.firing_at = Some(t);
                    self.event(Event::new(t, "AlertFiring").alert(&record.name));
                }
            }
            (false, Some(_)) => {
                if record.state == "firing" {
                    record.resolved_at = Some(t);
                    self.event(Event::new(t, "AlertResolved").alert(&record.name));
                }
                record.state = "inactive";
                record.active_since = None;
            }
            (false, None) => {}
        }
    }
}
