//! `kubectl drain NODE` (`docs/semantics/disruption.md` §4; kubectl
//! `pkg/drain/{drain,filters,cordon}.go` and `pkg/cmd/drain/drain.go`): cordon,
//! the pod filters, evictions retried every 5 s on 429, waiting for deletion,
//! and the lines kubectl prints.

use std::collections::BTreeMap;

use super::cluster::{Cluster, MIRROR_ANNOTATION};
use super::report::{DrainFlags, DrainLine, DrainRecord, Event, Stream};
use crate::netpol::selector::Selector;

#[derive(Clone, Debug, PartialEq, Eq)]
enum PodProgress {
    /// An eviction (or deletion) attempt is due at this second.
    Due(i64),
    /// Accepted; waiting for the object (this uid) to be gone.
    Waiting(u64),
    Done,
    Failed(String),
}

/// A drain in progress.
#[derive(Debug)]
pub struct DrainRun {
    pub record: DrainRecord,
    pods: Vec<(String, String, PodProgress)>,
    pub finished: bool,
}

enum Filtered {
    Delete,
    Warn(String),
    Keep(String),
    Skip,
    Error(String),
}

/// `fmt` of a Go `time.Duration` in whole seconds: `5s`, `1m0s`, `1h0m0s`.
pub fn go_duration(seconds: i64) -> String {
    let (h, m, s) = (seconds / 3600, (seconds % 3600) / 60, seconds % 60);
    if h > 0 {
        format!("{h}h{m}m{s}s")
    } else if m > 0 {
        format!("{m}m{s}s")
    } else {
        format!("{s}s")
    }
}

/// A `--pod-selector` in kubectl's text form (`a=b,c!=d,e`), as a selector.
pub fn parse_pod_selector(text: &str) -> Option<Selector> {
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};
    let mut selector = LabelSelector::default();
    let mut expressions = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let requirement = |key: &str, operator: &str, values: Option<Vec<String>>| LabelSelectorRequirement {
            key: key.trim().to_owned(),
            operator: operator.to_owned(),
            values,
        };
        if let Some((k, v)) = part.split_once("!=") {
            expressions.push(requirement(k, "NotIn", Some(vec![v.trim().to_owned()])));
        } else if let Some((k, v)) = part.split_once("==").or_else(|| part.split_once('=')) {
            selector.match_labels.get_or_insert_with(BTreeMap::new).insert(k.trim().to_owned(), v.trim().to_owned());
        } else if let Some(k) = part.strip_prefix('!') {
            expressions.push(requirement(k, "DoesNotExist", None));
        } else {
            expressions.push(requirement(part, "Exists", None));
        }
    }
    if !expressions.is_empty() {
        selector.match_expressions = Some(expressions);
    }
    Selector::compile(&selector).ok()
}

impl DrainRun {
    /// A stdout line; `events` is how many events precede it (for interleaving).
    fn out(&mut self, t: i64, events: usize, line: String) {
        self.record.stdout.push(line.clone());
        self.record.lines.push(DrainLine { t, events, stream: Stream::Stdout, text: line });
    }
    fn err(&mut self, t: i64, events: usize, line: String) {
        self.record.stderr.push(line.clone());
        self.record.lines.push(DrainLine { t, events, stream: Stream::Stderr, text: line });
    }
}

/// `utilerrors.NewAggregate(...).Error()`: one message alone, several in brackets.
fn aggregate(errors: &[String]) -> String {
    if errors.len() == 1 { errors[0].clone() } else { format!("[{}]", errors.join(", ")) }
}

impl Cluster<'_> {
    /// Cordon (§4.1) with kubectl's line; `None` when the node does not exist.
    pub fn cordon(&mut self, n: usize, cordon: bool) -> String {
        let node = &self.nodes[n];
        let name = node.name.clone();
        let (verb, already) =
            if cordon { ("cordoned", "already cordoned") } else { ("uncordoned", "already uncordoned") };
        if node.unschedulable() == cordon {
            return format!("node/{name} {already}");
        }
        self.set_unschedulable(n, cordon);
        self.event(Event::new(self.now, if cordon { "Cordon" } else { "Uncordon" }).node(&name));
        format!("node/{name} {verb}")
    }

    /// `GetPodsForDeletion` with the filters in kubectl's order (filters.go).
    fn filter_for_drain(&self, i: usize, flags: &DrainFlags) -> Filtered {
        let pod = &self.pods[i];
        let mut status = Filtered::Delete;
        // skipDeleted.
        if flags.skip_wait_for_delete_timeout_seconds > 0
            && pod.deleting_since().is_some_and(|d| self.now - d > flags.skip_wait_for_delete_timeout_seconds)
        {
            return Filtered::Skip;
        }
        // daemonSetFilter.
        if let Some(owner) = pod.owner.as_ref().filter(|o| o.kind == "DaemonSet" && o.api_version == "apps/v1") {
            if pod.finished() {
                status = Filtered::Delete;
            } else {
                let exists = self.controllers.iter().any(|c| {
                    c.kind == crate::model::Kind::DaemonSet && c.namespace == pod.namespace && c.name == owner.name
                });
                if !exists {
                    let message = format!("daemonsets.apps {:?} not found", owner.name);
                    return if flags.force { Filtered::Warn(message) } else { Filtered::Error(message) };
                }
                if !flags.ignore_daemonsets {
                    return Filtered::Error("DaemonSet-managed Pods (use --ignore-daemonsets to ignore)".to_owned());
                }
                return Filtered::Keep("ignoring DaemonSet-managed Pods".to_owned());
            }
        }
        // mirrorPodFilter.
        if pod.annotations.contains_key(MIRROR_ANNOTATION) {
            return Filtered::Skip;
        }
        // localStorageFilter.
        if pod.local_storage {
            if pod.finished() {
                status = Filtered::Delete;
            } else if !flags.delete_emptydir_data {
                return Filtered::Error("Pods with local storage (use --delete-emptydir-data to override)".to_owned());
            } else {
                status = Filtered::Warn("deleting Pods with local storage".to_owned());
            }
        }
        // unreplicatedFilter: only the last filter's status survives (a warning then Okay is lost).
        if pod.finished() || pod.owner.is_some() {
            return Filtered::Delete;
        }
        if flags.force {
            return Filtered::Warn("deleting Pods that declare no controller".to_owned());
        }
        let _ = status;
        Filtered::Error("Pods that declare no controller (use --force to override)".to_owned())
    }

    /// Starts a drain at the current instant (§4).
    pub fn start_drain(&mut self, n: usize, flags: DrainFlags) -> DrainRun {
        let t = self.now;
        let node_name = self.nodes[n].name.clone();
        let mut run = DrainRun {
            record: DrainRecord {
                node: node_name.clone(),
                flags: flags.clone(),
                started_at: t,
                completed_at: None,
                result: "blocked",
                to_evict: Vec::new(),
                ignored: Vec::new(),
                skipped: Vec::new(),
                warnings: Vec::new(),
                errors: Vec::new(),
                stdout: Vec::new(),
                stderr: Vec::new(),
                lines: Vec::new(),
            },
            pods: Vec::new(),
            finished: false,
        };
        let line = self.cordon(n, true);
        run.out(t, self.events.len(), line);
        let selector = flags.pod_selector.as_deref().map(parse_pod_selector);
        let mut on_node: Vec<usize> = (0..self.pods.len())
            .filter(|&i| !self.pods[i].gone() && self.pods[i].node() == Some(n))
            .filter(|&i| match &selector {
                Some(Some(s)) => s.matches(&self.pods[i].labels),
                Some(None) => false,
                None => true,
            })
            .collect();
        crate::sort::sort_by(&mut on_node, |&a, &b| {
            (&self.pods[a].namespace, &self.pods[a].name).cmp(&(&self.pods[b].namespace, &self.pods[b].name))
        });
        let mut warnings: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut errors: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for &i in &on_node {
            let id = self.pods[i].id();
            match self.filter_for_drain(i, &flags) {
                Filtered::Delete => run.record.to_evict.push(id),
                Filtered::Warn(message) => {
                    warnings.entry(message).or_default().push(id.clone());
                    run.record.to_evict.push(id);
                }
                Filtered::Keep(message) => {
                    warnings.entry(message).or_default().push(id.clone());
                    run.record.ignored.push(id);
                }
                Filtered::Skip => run.record.skipped.push(id),
                Filtered::Error(message) => errors.entry(message).or_default().push(id),
            }
        }
        run.record.warnings = warnings.iter().map(|(m, pods)| format!("{m}: {}", pods.join(", "))).collect();
        run.record.errors = errors.iter().map(|(m, pods)| format!("cannot delete {m}: {}", pods.join(", "))).collect();
        if !run.record.errors.is_empty() {
            let agg = aggregate(&run.record.errors);
            self.fail_drain(&mut run, &agg);
            return run;
        }
        if !run.record.warnings.is_empty() {
            let line = format!("WARNING: {}", run.record.warnings.join("; "));
            run.err(t, self.events.len(), line);
        }
        run.pods = run
            .record
            .to_evict
            .iter()
            .map(|id| {
                let (ns, name) = id.split_once('/').unwrap_or(("", id));
                (ns.to_owned(), name.to_owned(), PodProgress::Due(t))
            })
            .collect();
        self.drain_attempts(&mut run);
        self.drain_poll(&mut run);
        run
    }

    fn fail_drain(&mut self, run: &mut DrainRun, agg: &str) {
        let t = self.now;
        let node = run.record.node.clone();
        run.err(
            t,
            self.events.len(),
            format!("error: unable to drain node {node:?} due to error:{agg}, continuing command..."),
        );
        run.err(t, self.events.len(), "There are pending nodes to be drained:".to_owned());
        run.err(t, self.events.len(), format!(" {node}"));
        run.err(t, self.events.len(), format!("error: {agg}"));
        run.record.result = "failed";
        run.finished = true;
        self.event(Event::new(t, "DrainFailed").node(&node).message(agg.to_owned()));
    }

    /// Evictions due now, in list order (kubectl runs them concurrently).
    pub fn drain_attempts(&mut self, run: &mut DrainRun) -> Vec<super::report::EvictionRecord> {
        let mut records = Vec::new();
        if run.finished {
            return records;
        }
        let t = self.now;
        let flags = run.record.flags.clone();
        let retry = self.settings.evict_error_retry_delay_seconds;
        for k in 0..run.pods.len() {
            let (ns, name, progress) = run.pods[k].clone();
            if progress != PodProgress::Due(t) {
                continue;
            }
            if flags.disable_eviction {
                // deletePods: no PDB check.
                if let Some(i) = self.pods.iter().position(|p| !p.gone() && p.namespace == ns && p.name == name) {
                    let uid = self.pods[i].uid;
                    self.delete_pod(i, Some(flags.grace_period_seconds));
                    run.pods[k].2 = PodProgress::Waiting(uid);
                } else {
                    run.pods[k].2 = PodProgress::Done;
                }
                self.after_item();
                continue;
            }
            run.out(t, self.events.len(), format!("evicting pod {ns}/{name}"));
            if flags.timeout_seconds > 0 && t - run.record.started_at >= flags.timeout_seconds {
                let message = format!(
                    "error when evicting pods/{name:?} -n {ns:?}: global timeout reached: {}",
                    go_duration(flags.timeout_seconds)
                );
                run.pods[k].2 = PodProgress::Failed(message);
                continue;
            }
            let uid = self.pods.iter().find(|p| !p.gone() && p.namespace == ns && p.name == name).map(|p| p.uid);
            let record = self.evict(&ns, &name, false, Some(&run.record.node.clone()));
            match record.code {
                201 => run.pods[k].2 = PodProgress::Waiting(uid.unwrap_or(0)),
                404 => run.pods[k].2 = PodProgress::Done,
                429 => {
                    run.err(
                        t,
                        self.events.len(),
                        format!(
                            "error when evicting pods/{name:?} -n {ns:?} (will retry after {}): {}",
                            go_duration(retry),
                            record.message.clone().unwrap_or_default()
                        ),
                    );
                    run.pods[k].2 = PodProgress::Due(t + retry);
                }
                _ => {
                    run.pods[k].2 = PodProgress::Failed(format!(
                        "error when evicting pods/{name:?} -n {ns:?}: {}",
                        record.message.clone().unwrap_or_default()
                    ));
                }
            }
            records.push(record);
            self.after_item();
        }
        records
    }

    /// Waits for deletions (polled every second; kubeplay's instants land on
    /// every second a pod disappears) and finishes the drain when all are done.
    pub fn drain_poll(&mut self, run: &mut DrainRun) {
        if run.finished {
            return;
        }
        let t = self.now;
        let verb = if run.record.flags.disable_eviction { "deleted" } else { "evicted" };
        for k in 0..run.pods.len() {
            let (ns, name, progress) = run.pods[k].clone();
            if let PodProgress::Waiting(uid) = progress {
                let present = self.pods.iter().any(|p| !p.gone() && p.uid == uid);
                if !present {
                    run.out(t, self.events.len(), format!("pod/{name} {verb}"));
                    run.pods[k].2 = PodProgress::Done;
                    let _ = ns;
                }
            }
        }
        let pending = run.pods.iter().any(|(_, _, p)| matches!(p, PodProgress::Due(_) | PodProgress::Waiting(_)));
        if pending {
            return;
        }
        let failures: Vec<String> = run
            .pods
            .iter()
            .filter_map(|(_, _, p)| if let PodProgress::Failed(m) = p { Some(m.clone()) } else { None })
            .collect();
        if failures.is_empty() {
            let node = run.record.node.clone();
            run.out(t, self.events.len(), format!("node/{node} drained"));
            run.record.result = "drained";
            run.record.completed_at = Some(t);
            run.finished = true;
            self.event(Event::new(t, "DrainComplete").node(&node));
        } else {
            let agg = aggregate(&failures);
            run.record.errors.extend(failures.iter().cloned());
            let node = run.record.node.clone();
            run.err(
                t,
                self.events.len(),
                format!("There are pending pods in node {node:?} when an error occurred: {agg}"),
            );
            for (_, name, p) in run.pods.clone() {
                if let PodProgress::Failed(_) = p {
                    run.err(t, self.events.len(), format!("pod/{name}"));
                }
            }
            self.fail_drain(run, &agg);
        }
    }

    /// The next second a drain has an attempt due.
    pub fn next_drain_time(run: &DrainRun, now: i64) -> Option<i64> {
        if run.finished {
            return None;
        }
        run.pods
            .iter()
            .filter_map(|(_, _, p)| if let PodProgress::Due(t) = p { Some(*t) } else { None })
            .filter(|&t| t > now)
            .min()
    }
}
