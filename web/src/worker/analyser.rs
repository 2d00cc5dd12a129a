//! The analysing side: runs an analysis, keeps it (the report and the
//! NetworkPolicy engine), builds each view's type from it, and answers the
//! page's questions about it. Plain Rust with no browser in it: the worker
//! entry and the in-page fallback both drive it, and it is tested natively.

use std::rc::Rc;

use kubeplay_core::netpol::explain::{ExplainQuery, Explanation, SideExplanation};
use kubeplay_core::netpol::fix::{Fix, FixKind, FixQuery, FixReport};
use kubeplay_core::netpol::{ProbeQuery, Protocol};
use kubeplay_core::{Area, Diagnostic, Input, Report, Severity};

use super::protocol::*;

/// The last analysis, kept where it ran.
struct Kept {
    run: u32,
    /// The text analysed: fixes are found on it and written into it.
    text: String,
    report: Report,
    engine: kubeplay_core::netpol::Engine,
    /// The last fixes proposed, for [`Request::ApplyFix`].
    fixes: Option<FixReport>,
}

/// The file name the page's text is loaded under.
const EDITOR_FILE: &str = "manifest.yaml";

/// The text analyses are compared with, and its NetworkPolicy engine.
struct Baseline {
    engine: kubeplay_core::netpol::Engine,
    /// Error diagnostics in it (what loaded is compared).
    errors: usize,
}

#[derive(Default)]
pub struct Analyser {
    kept: Option<Kept>,
    baseline: Option<Baseline>,
}

/// Why a question about an analysis has no answer.
const NOTHING_KEPT: &str = "no analysis has finished yet";

/// At most `budget` findings, shared fairly between areas (a hundred thousand
/// best-practice findings must not hide the NetworkPolicy lint): each area gets
/// an equal share, and what one does not use goes to the others. Within an area
/// errors come first, then warnings, then info; the result is in line order.
fn cut_fairly(mut all: Vec<&Diagnostic>, budget: usize) -> Vec<&Diagnostic> {
    if all.len() <= budget {
        return all;
    }
    kubeplay_core::sort::sort_by_key(&mut all, |f| f.severity);
    let mut by_area: Vec<Vec<&Diagnostic>> = Area::ALL.iter().map(|_| Vec::new()).collect();
    for finding in all {
        let index = Area::ALL.iter().position(|a| *a == finding.area).unwrap_or(0);
        if let Some(list) = by_area.get_mut(index) {
            list.push(finding);
        }
    }
    let mut take = vec![0usize; by_area.len()];
    let mut left = budget;
    loop {
        let open: Vec<usize> = (0..by_area.len()).filter(|&a| take[a] < by_area[a].len()).collect();
        if open.is_empty() || left == 0 {
            break;
        }
        let share = (left / open.len()).max(1);
        for a in open {
            let extra = share.min(by_area[a].len() - take[a]).min(left);
            take[a] += extra;
            left -= extra;
        }
    }
    let mut kept: Vec<&Diagnostic> =
        by_area.into_iter().zip(take).flat_map(|(list, n)| list.into_iter().take(n)).collect();
    kubeplay_core::sort::sort_by(&mut kept, |a, b| a.position().cmp(&b.position()));
    kept
}

fn counts(report: &Report, findings: &[&Diagnostic]) -> Counts {
    let severity = |s: Severity| findings.iter().filter(|f| f.severity == s).count();
    let area = |a: Area| findings.iter().filter(|f| f.area == a).count();
    Counts {
        objects: report.objects.len(),
        endpoints: report.netpol.endpoints,
        findings: findings.len(),
        findings_by_severity: [severity(Severity::Error), severity(Severity::Warning), severity(Severity::Info)],
        findings_by_area: Area::ALL.map(area),
        workloads: report.security.workloads.len(),
        restricted_failing: report.security.workloads.iter().filter(|w| !w.restricted.pass).count(),
        admissions: report.admission.objects.len(),
        rejected: report
            .admission
            .objects
            .iter()
            .filter(|d| d.result == kubeplay_core::admission::Outcome::Rejected)
            .count(),
    }
}

/// The editor's marks: errors first when cut, so a cut never hides one behind info.
fn marks(report: &Report) -> Vec<Mark> {
    let mut diagnostics: Vec<&kubeplay_core::Diagnostic> = report.diagnostics.iter().collect();
    kubeplay_core::sort::sort_by_key(&mut diagnostics, |d| d.severity);
    diagnostics.truncate(FINDINGS_SHOWN);
    kubeplay_core::sort::sort_by(&mut diagnostics, |a, b| a.position().cmp(&b.position()));
    diagnostics
        .into_iter()
        .map(|d| Mark { severity: d.severity, message: d.message.clone(), span: d.location.span })
        .collect()
}

/// The findings list's rows: only the findings kept by the cut are copied.
fn finding_rows(findings: Vec<&Diagnostic>) -> Vec<FindingRow> {
    cut_fairly(findings, FINDINGS_SHOWN)
        .into_iter()
        .map(|d| FindingRow {
            area: d.area,
            severity: d.severity,
            code: d.code.clone(),
            message: d.message.clone(),
            location: d.location.clone(),
            fix: d.fix.clone(),
        })
        .collect()
}

/// The reference entries of the codes the rows show, from core's rule tables.
fn rule_cards(rows: &[FindingRow]) -> Vec<RuleCard> {
    kubeplay_core::render::rules::rule_reference()
        .into_iter()
        .filter(|rule| rows.iter().any(|row| row.code == rule.id))
        .map(|rule| RuleCard {
            equivalents: rule.equivalents.iter().map(|(tool, ids)| format!("{tool}: {}", ids.join(", "))).collect(),
            id: rule.id,
            severity: rule.severity,
            checks: rule.checks,
            upstream: rule.upstream,
            why: rule.why,
        })
        .collect()
}

/// used / hard as a percentage for the bar (display only; exact values are printed).
fn percent(used: &kubeplay_core::quantity::Quantity, hard: &kubeplay_core::quantity::Quantity) -> f64 {
    match (used.milli_value(), hard.milli_value()) {
        (Some(u), Some(h)) if h > 0 => (u as f64 / h as f64 * 100.0).clamp(0.0, 100.0),
        (Some(u), Some(0)) if u > 0 => 100.0,
        _ => 0.0,
    }
}

/// `cpu 250m, memory 256Mi` from a resource list, `—` when empty.
fn resource_list(list: &kubeplay_core::admission::ResourceList) -> String {
    if list.is_empty() {
        return "—".to_owned();
    }
    list.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", ")
}

fn resources(report: &Report, mut pods: Vec<kubeplay_core::pods::PodAnatomy>) -> ResourcesView {
    let admission = &report.admission;
    let quotas = admission
        .quotas
        .iter()
        .map(|quota| QuotaView {
            namespace: quota.namespace.clone(),
            name: quota.name.clone(),
            rows: quota
                .hard
                .iter()
                .map(|(resource, hard)| {
                    let zero = kubeplay_core::quantity::Quantity::zero();
                    let used = quota.used.get(resource).unwrap_or(&zero);
                    QuotaRow {
                        resource: resource.clone(),
                        used: used.to_string(),
                        hard: hard.to_string(),
                        percent: percent(used, hard),
                    }
                })
                .collect(),
        })
        .collect();
    let decisions = admission
        .objects
        .iter()
        .take(ADMISSIONS_SHOWN)
        .map(|d| DecisionView {
            kind: d.kind.to_string(),
            namespace: d.namespace.clone(),
            name: d.name.clone(),
            admitted: d.result == kubeplay_core::admission::Outcome::Admitted,
            message: d.message.clone(),
            annotation: d.annotation.clone(),
            containers: match &d.effective {
                Some(kubeplay_core::admission::Effective::Pod(containers)) => containers
                    .iter()
                    .map(|(name, r)| ContainerResources {
                        name: name.clone(),
                        requests: resource_list(&r.requests),
                        limits: resource_list(&r.limits),
                    })
                    .collect(),
                _ => Vec::new(),
            },
        })
        .collect();
    let pods_total = pods.len();
    pods.truncate(PODS_SHOWN);
    ResourcesView { quotas, decisions, pods, pods_total }
}

fn security(report: &Report) -> SecurityView {
    let workloads = report
        .security
        .workloads
        .iter()
        .take(WORKLOADS_SHOWN)
        .map(|w| WorkloadView {
            id: w.id.clone(),
            line: w.location.span.line,
            baseline_pass: w.baseline.pass,
            restricted_pass: w.restricted.pass,
            restricted_message: w.restricted.message.clone().filter(|_| !w.restricted.pass),
            failures: w
                .restricted
                .failures
                .iter()
                .map(|f| CheckFailure {
                    id: f.id.clone(),
                    reason: f.reason.clone(),
                    line: f.location.span.line,
                    end_line: f.location.span.end_line,
                })
                .collect(),
            psp: w.psp.as_ref().map(|psp| match (&psp.rejection, &psp.chosen) {
                (Some(rejection), _) => PspView::Rejected(rejection.clone()),
                (None, Some(chosen)) => PspView::AdmittedBy(chosen.clone()),
                (None, None) => PspView::NoneApplies,
            }),
            practices: w
                .findings
                .iter()
                .map(|f| PracticeView {
                    severity: f.severity,
                    id: f.code.clone(),
                    message: f.message.clone(),
                    fix: f.fix.clone().unwrap_or_default(),
                    line: f.location.span.line,
                    end_line: f.location.span.end_line,
                })
                .collect(),
        })
        .collect();
    SecurityView { pss_version: report.security.pss_version.to_string(), workloads }
}

fn side(title: &str, side: &SideExplanation) -> SideView {
    let span = |line: usize, end_line: usize| (line, end_line.max(line));
    let lines = if side.matches.is_empty() {
        side.policies
            .iter()
            .map(|p| {
                let (line, end_line) = span(p.location.span.line, p.location.span.end_line);
                RuleLine { text: format!("policy {} selects it (line {line})", p.policy), line, end_line }
            })
            .collect()
    } else {
        side.matches
            .iter()
            .map(|m| {
                let (line, end_line) = span(m.location.span.line, m.location.span.end_line);
                RuleLine { text: format!("{} (lines {line}–{end_line})", m.text), line, end_line }
            })
            .collect()
    };
    SideView { title: title.to_owned(), allowed: side.allowed, text: side.text.clone(), lines }
}

fn explain_on(engine: &kubeplay_core::netpol::Engine, query: &FlowQuery) -> Result<ExplainView, String> {
    ExplainQuery::parse(engine, &query.from, &query.to, query.port, query.protocol)
        .and_then(|core_query| kubeplay_core::netpol::explain::explain(engine, &core_query))
        .map(|e| explain_view(&e))
        .map_err(|e| e.to_string())
}

fn diff_view(diff: &kubeplay_core::netpol::diff::Diff, baseline_errors: usize) -> DiffView {
    use kubeplay_core::netpol::diff::ChangeKind;
    let count = |kind: ChangeKind| diff.changes.iter().filter(|c| c.kind == kind).count();
    DiffView {
        added: count(ChangeKind::Added),
        removed: count(ChangeKind::Removed),
        changed: count(ChangeKind::Changed),
        rows: diff
            .changes
            .iter()
            .take(CHANGES_SHOWN)
            .map(|c| ChangeRow {
                kind: c.kind,
                source: c.source.clone(),
                destination: c.destination.clone(),
                before: c.before.to_string(),
                after: c.after.to_string(),
                endpoint: c.endpoint,
                at: c.before.first_difference(&c.after),
            })
            .collect(),
        endpoints_added: diff.endpoints.added.clone(),
        endpoints_removed: diff.endpoints.removed.clone(),
        baseline_errors,
    }
}

fn fix_option(index: usize, fix: &Fix) -> FixOption {
    let object = &fix.object;
    let title = match fix.kind {
        FixKind::AddLabel => format!("Add a label to {object}"),
        FixKind::RemoveLabel => format!("Remove a label from {object}"),
        FixKind::AddPeer => format!("Add a peer to a rule of {object}"),
        FixKind::AddPort => format!("Add the port to a rule of {object}"),
        FixKind::NarrowPort => format!("Narrow the ports of a rule of {object}"),
        FixKind::NewPolicy => format!("Add the NetworkPolicy {object}"),
        FixKind::RemoveRule => format!("Remove a rule of {object}"),
    };
    let mut side_effects: Vec<String> = fix
        .side_effects
        .first(SIDE_EFFECTS_SHOWN)
        .into_iter()
        .map(|e| {
            let verb = if e.after { "allows" } else { "denies" };
            format!("also {verb} {} → {} on {}/{}", e.source, e.destination, e.port, e.protocol)
        })
        .collect();
    if fix.side_effects.len() > SIDE_EFFECTS_SHOWN {
        side_effects.push(format!("and {} more flows", fix.side_effects.len() - SIDE_EFFECTS_SHOWN));
    }
    FixOption { index, kind: fix.kind.as_str().to_owned(), title, yaml: fix.yaml.clone(), line: fix.line, side_effects }
}

fn explain_view(e: &Explanation) -> ExplainView {
    let sides = if e.decided_by == kubeplay_core::netpol::explain::DecidedBy::Policies {
        vec![side("Egress from the source", &e.egress), side("Ingress to the destination", &e.ingress)]
    } else {
        Vec::new()
    };
    ExplainView {
        from: e.from.clone(),
        to: e.to.clone(),
        port: e.port,
        protocol: e.protocol,
        allowed: e.allowed,
        summary: e.summary.clone(),
        sides,
        notes: e.notes.clone(),
    }
}

/// Compact JSON laid out as `serde_json::to_string_pretty` lays it out (two
/// spaces, `": "`, empty containers as `[]` and `{}`). Re-indenting the text
/// spares the page's wasm a second copy of every report type's serializer
/// (for the pretty formatter) and a JSON reader for `Value`.
fn indent(compact: &str) -> String {
    let mut out = String::with_capacity(compact.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let mut chars = compact.chars().peekable();
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                if matches!(chars.peek(), Some('}' | ']')) {
                    out.extend(chars.next());
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            _ => out.push(c),
        }
    }
    out
}

/// `cpu` in millis, `memory` in Mi, other metrics as plain numbers (milli / 1000).
fn load_unit(metric: &str) -> (LoadUnit, f64) {
    match metric {
        "cpu" => (LoadUnit::Milli, 1.0),
        "memory" | "ephemeral-storage" => (LoadUnit::Mebibytes, 1.0 / (1000.0 * 1024.0 * 1024.0)),
        _ => (LoadUnit::Plain, 1.0 / 1000.0),
    }
}

fn milli_of(quantity: &kubeplay_core::k8s_openapi::apimachinery::pkg::api::resource::Quantity) -> Option<f64> {
    kubeplay_core::quantity::Quantity::parse(&quantity.0).ok()?.milli_value().map(|m| m as f64)
}

/// One metric of the HPA as the chart draws it: its target on the chart's axis, and the load
/// that puts it exactly on target with `minReplicas` ready pods (the presets' unit).
fn metric_track(
    metric: &kubeplay_core::k8s_openapi::api::autoscaling::v2::MetricSpec,
    pod_requests: &std::collections::BTreeMap<String, i64>,
    min_replicas: i32,
) -> MetricTrack {
    let (name, target, per_pod) = match metric.type_.as_str() {
        "Resource" => metric.resource.as_ref().map(|r| (r.name.clone(), Some(&r.target), true)),
        "ContainerResource" => metric.container_resource.as_ref().map(|r| (r.name.clone(), Some(&r.target), true)),
        "Pods" => metric.pods.as_ref().map(|p| (p.metric.name.clone(), Some(&p.target), true)),
        "Object" => metric.object.as_ref().map(|o| (o.metric.name.clone(), Some(&o.target), false)),
        "External" => metric.external.as_ref().map(|e| (e.metric.name.clone(), Some(&e.target), false)),
        _ => None,
    }
    .unwrap_or((metric.type_.clone(), None, false));
    let pods = f64::from(min_replicas.max(1));
    let (unit, scale) = load_unit(&name);
    let (axis_target, label, utilization, load) = match target {
        Some(t) if t.average_utilization.is_some() => {
            let percent = f64::from(t.average_utilization.unwrap_or(0));
            // The load is the pods' total usage; the target is a percent of one pod's request.
            let load = pod_requests.get(&name).map(|request| LoadKnob {
                shape: LoadShape::Total,
                at_target: *request as f64 * percent / 100.0 * pods * scale,
                unit,
            });
            (Some(percent), format!("{percent} %"), true, load)
        }
        Some(t) if t.average_value.is_some() => {
            let value = t.average_value.as_ref().and_then(milli_of);
            let label = t.average_value.as_ref().map(|q| q.0.clone()).unwrap_or_default();
            let shape = if per_pod { LoadShape::Total } else { LoadShape::Value };
            let load = value.map(|v| LoadKnob { shape, at_target: v * pods * scale, unit });
            (value.map(|v| v / 1000.0), format!("{label} per pod"), false, load)
        }
        Some(t) => {
            let value = t.value.as_ref().and_then(milli_of);
            let label = t.value.as_ref().map(|q| q.0.clone()).unwrap_or_default();
            let load = value.map(|v| LoadKnob { shape: LoadShape::Value, at_target: v * scale, unit });
            (value.map(|v| v / 1000.0), label, false, load)
        }
        None => (None, "—".to_owned(), false, None),
    };
    MetricTrack {
        name: name.to_owned(),
        kind: metric.type_.clone(),
        target: axis_target,
        target_label: label,
        utilization,
        load,
    }
}

fn policy_text(policy: &kubeplay_core::k8s_openapi::api::autoscaling::v2::HPAScalingPolicy) -> String {
    match policy.type_.as_str() {
        "Percent" => format!("{} % per {} s", policy.value, policy.period_seconds),
        _ => format!("{} pods per {} s", policy.value, policy.period_seconds),
    }
}

fn rules_text(
    direction: &str,
    rules: Option<&kubeplay_core::k8s_openapi::api::autoscaling::v2::HPAScalingRules>,
) -> String {
    let Some(rules) = rules else { return format!("{direction}: defaults") };
    let window =
        rules.stabilization_window_seconds.map_or("300 s (the controller flag)".to_owned(), |w| format!("{w} s"));
    let policies: Vec<String> = rules.policies.iter().flatten().map(policy_text).collect();
    format!(
        "{direction}: stabilization window {window}; {} of [{}]",
        rules.select_policy.as_deref().unwrap_or("Max"),
        policies.join(", ")
    )
}

/// The reading of a metric at one reconcile: its utilization, else its average or value.
fn metric_point(metric: &kubeplay_core::scaling::hpa::simulation::StepMetric) -> MetricPoint {
    let (value, label) = match (metric.utilization, &metric.average, &metric.value) {
        (Some(percent), _, _) => (Some(f64::from(percent)), format!("{percent} %")),
        (None, Some(average), _) => (
            kubeplay_core::quantity::Quantity::parse(average)
                .ok()
                .and_then(|q| q.milli_value())
                .map(|m| m as f64 / 1000.0),
            average.to_string(),
        ),
        (None, None, Some(value)) => (
            kubeplay_core::quantity::Quantity::parse(value)
                .ok()
                .and_then(|q| q.milli_value())
                .map(|m| m as f64 / 1000.0),
            value.to_string(),
        ),
        _ => (None, "—".to_owned()),
    };
    MetricPoint { value, label, proposal: metric.proposal, error: metric.error.clone() }
}

/// The condition that held a reconcile back: an invalid metric (ScalingActive), a stabilization
/// window (AbleToScale) or a rate or min/max limit (ScalingLimited), as the HPA's status names it.
fn limiting_condition(step: &kubeplay_core::scaling::hpa::simulation::Step) -> Option<(String, String)> {
    let find = |wanted: &dyn Fn(&kubeplay_core::scaling::hpa::controller::Condition) -> bool| {
        step.conditions.iter().find(|c| wanted(c)).map(|c| (c.reason.to_string(), c.message.to_string()))
    };
    // A metric the controller could not read holds everything back; then a window; then a limit.
    find(&|c| c.type_ == "ScalingActive" && c.status == "False")
        .or_else(|| find(&|c| c.type_ == "AbleToScale" && c.reason.ends_with("Stabilized")))
        .or_else(|| find(&|c| c.type_ == "ScalingLimited" && c.status == "True"))
}

/// The Scaling tab: the HPA timeline (or why there is none) and a panel per VPA.
fn scaling(
    inventory: &kubeplay_core::model::Inventory,
    hpa: Option<&kubeplay_core::scaling::hpa::simulation::SimulationRun>,
    vpa: Option<&kubeplay_core::scaling::vpa::VpaRun>,
) -> ScalingView {
    let mut view = hpa_scaling(inventory, hpa);
    view.vpas = vpa.map(|run| run.vpas.iter().map(|v| Rc::new(vpa_panel(inventory, v))).collect()).unwrap_or_default();
    view
}

/// One VPA's panel: its recommendation with the histograms behind it, and its pods.
fn vpa_panel(
    inventory: &kubeplay_core::model::Inventory,
    output: &kubeplay_core::scaling::vpa::output::VpaOutput,
) -> VpaPanelView {
    use kubeplay_core::model::{Kind, Object};
    let vpa = inventory.of_kind(Kind::VerticalPodAutoscaler).find_map(|o| match &o.object {
        Object::VerticalPodAutoscaler(v)
            if o.name() == output.vpa.name && o.namespace().unwrap_or("default") == output.vpa.namespace =>
        {
            Some(v.as_ref())
        }
        _ => None,
    });
    let spec = vpa.and_then(|v| v.spec.as_ref());
    let target_ref = spec.map(|s| &s.target_ref);
    let written_mode = spec.and_then(|s| s.update_policy.as_ref()).and_then(|p| p.update_mode.clone());
    let effective_mode = vpa.and_then(kubeplay_core::scaling::vpa::simulation::update_mode);
    let workload = target_ref.and_then(|r| {
        inventory
            .workloads()
            .find(|w| w.namespace == output.vpa.namespace && w.name == r.name && w.kind.as_str() == r.kind)
    });
    // Base units as f64: cores and bytes.
    let bound = |text: Option<&String>| {
        text.map(|t| BoundView {
            text: t.clone(),
            value: kubeplay_core::quantity::Quantity::parse(t)
                .ok()
                .and_then(|q| q.milli_value())
                .map_or(0.0, |m| m as f64 / 1000.0),
        })
    };
    let recommendations = output.recommendation.as_ref().map(|r| r.container_recommendations.as_slice()).unwrap_or(&[]);
    let mut names: Vec<String> = recommendations.iter().map(|r| r.container_name.clone()).collect();
    for histogram in &output.usage {
        if !names.contains(&histogram.container) {
            names.push(histogram.container.clone());
        }
    }
    let containers = names
        .iter()
        .map(|name| {
            let recommendation = recommendations.iter().find(|r| &r.container_name == name);
            let template_request = |resource: &str| {
                workload.as_ref().and_then(|w| {
                    let spec = w.template.spec.as_ref()?;
                    let container = spec.containers.iter().find(|c| &c.name == name)?;
                    container.resources.as_ref()?.requests.as_ref()?.get(resource).map(|q| q.0.clone())
                })
            };
            let resources = ["cpu", "memory"]
                .iter()
                .map(|resource| {
                    let histogram = output.usage.iter().find(|h| &h.container == name && h.resource == *resource);
                    let total: f64 = histogram.map_or(0.0, |h| h.buckets.iter().map(|b| b.weight).sum());
                    VpaResourceView {
                        resource: (*resource).to_owned(),
                        request: bound(template_request(resource).as_ref()),
                        lower_bound: bound(recommendation.and_then(|r| r.lower_bound.get(*resource))),
                        target: bound(recommendation.and_then(|r| r.target.get(*resource))),
                        upper_bound: bound(recommendation.and_then(|r| r.upper_bound.get(*resource))),
                        uncapped_target: bound(recommendation.and_then(|r| r.uncapped_target.get(*resource))),
                        buckets: histogram
                            .map(|h| {
                                h.buckets
                                    .iter()
                                    .map(|b| [b.start, b.end, if total > 0.0 { b.weight / total } else { 0.0 }])
                                    .collect()
                            })
                            .unwrap_or_default(),
                        percentiles: histogram.map(|h| h.percentiles.clone()).unwrap_or_default(),
                    }
                })
                .collect();
            VpaContainerView { name: name.clone(), resources }
        })
        .collect();
    let pods = output
        .pods
        .iter()
        .map(|pod| VpaPodView {
            name: pod.name.clone(),
            admitted: pod
                .requests
                .iter()
                .map(|(container, list)| {
                    let list: Vec<String> = list.iter().map(|(resource, q)| format!("{resource} {q}")).collect();
                    format!("{container}: {}", list.join(", "))
                })
                .collect(),
            action: pod.update.action.clone(),
            reason: pod.update.reason.clone(),
        })
        .collect();
    VpaPanelView {
        vpa: format!("{}/{}", output.vpa.namespace, output.vpa.name),
        target: target_ref.map(|r| format!("{}/{}", r.kind, r.name)).unwrap_or_default(),
        mode: written_mode.or_else(|| effective_mode.map(str::to_owned)).unwrap_or_default(),
        mode_valid: effective_mode.is_some(),
        simulated: !output.usage.is_empty(),
        containers,
        pods,
        acted: output.acted.clone(),
    }
}

/// The HPA part of the Scaling tab: the input's HPA simulation, or why there is none.
fn hpa_scaling(
    inventory: &kubeplay_core::model::Inventory,
    run: Option<&kubeplay_core::scaling::hpa::simulation::SimulationRun>,
) -> ScalingView {
    let has_hpa = inventory.of_kind(kubeplay_core::model::Kind::HorizontalPodAutoscaler).next().is_some();
    let Some(run) = run else {
        let note = if has_hpa {
            "Add an HPASimulation (or pick a load preset below the chart once there is one) to watch the HPA decide over time."
        } else {
            "No HorizontalPodAutoscaler in the input."
        };
        let unsimulated = inventory
            .of_kind(kubeplay_core::model::Kind::HorizontalPodAutoscaler)
            .next()
            .map(|h| format!("{}/{}", h.namespace().unwrap_or("default"), h.name()));
        return ScalingView { hpa: None, note: Some(note.to_owned()), unsimulated, vpas: Vec::new() };
    };
    let Some(timeline) = &run.timeline else {
        return ScalingView {
            hpa: None,
            note: Some("The HPASimulation cannot run: see its errors in the findings.".to_owned()),
            unsimulated: None,
            vpas: Vec::new(),
        };
    };
    let hpa_name = match &timeline.hpa.namespace {
        Some(ns) => format!("{ns}/{}", timeline.hpa.name),
        None => timeline.hpa.name.clone(),
    };
    let behavior = match &timeline.behavior {
        Some(b) => vec![rules_text("scale up", b.scale_up.as_ref()), rules_text("scale down", b.scale_down.as_ref())],
        None => vec![
            "no behavior: the legacy path — recommendations stabilized over 5 min before scaling down,".to_owned(),
            "at most max(2 × current, 4) replicas per reconcile when scaling up".to_owned(),
        ],
    };
    let to_u32 = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    ScalingView {
        hpa: Some(Rc::new(HpaTimelineView {
            hpa: hpa_name,
            target: timeline.target.to_string(),
            min_replicas: timeline.min_replicas,
            max_replicas: timeline.max_replicas,
            duration: to_u32(timeline.duration),
            sync_period: to_u32(timeline.sync_period),
            behavior,
            legacy: timeline.behavior.is_none(),
            metrics: timeline
                .metrics
                .iter()
                .map(|m| metric_track(m, &timeline.pod_requests, timeline.min_replicas))
                .collect(),
            steps: timeline
                .steps
                .iter()
                .map(|s| HpaStepView {
                    t: to_u32(s.t),
                    current: s.current_replicas,
                    metric_desired: s.metric_desired,
                    desired: s.desired_replicas,
                    replicas: s.replicas,
                    metrics: s.metrics.iter().map(metric_point).collect(),
                    limited_by: limiting_condition(s),
                    quota: s
                        .quota
                        .as_ref()
                        .map(|q| format!("{} of {} new pods created: {}", q.created, q.requested, q.message)),
                })
                .collect(),
            peak_replicas: timeline.peak_replicas(),
            final_replicas: timeline.final_replicas(),
            first_at_max: timeline.first_at_max().map(to_u32),
            most_added_in_a_minute: kubeplay_core::scaling::hpa::simulation::most_added_within(timeline, 60),
        })),
        note: None,
        unsimulated: None,
        vpas: Vec::new(),
    }
}

/// The specs' simplifications (`multi-region.md §11`, `disruption.md §7.3, §8.1`) that apply to a run.
fn simplifications(mode: Option<&str>, mesh: bool) -> Vec<String> {
    let mut out = vec![
        "Time is simulated: a new pod is Ready 10 s after it is created, a deleted one gone after 1 s (disruption.md §8.1).".to_owned(),
        "The scheduler's filters are upstream's; its choice among feasible nodes is kubeplay's deterministic one (disruption.md §7.3).".to_owned(),
    ];
    match mode {
        Some("Proxy") => {
            out.push("Fill order and overflow between regions are kubeplay's; RTTs are typed in, not measured (multi-region.md §11).".to_owned());
            out.push("Health checks only see \"answers or not\"; requests are a fluid: no retries, queues or latency growth — overload is reported, not turned into errors.".to_owned());
        }
        Some(_) => {
            out.push("All DNS health checkers agree; resolver caches obey the TTL with evenly spread ages; RTTs are typed in (multi-region.md §11).".to_owned());
            out.push("Requests are a fluid: no retries, queues or latency growth — overload is reported, not turned into errors.".to_owned());
        }
        None => {}
    }
    if mesh {
        out.push(
            "The mesh is computed at the end of the run, and outlier ejection is immediate (multi-region.md §11)."
                .to_owned(),
        );
    }
    out
}

fn ratio(r: kubeplay_core::resilience::traffic::Ratio) -> f64 {
    r.to_f64_6()
}

/// The command a drain step stands for, as a person would type it.
fn drain_command(drain: &kubeplay_core::resilience::report::DrainRecord) -> String {
    let flags = &drain.flags;
    let mut command = format!("$ kubectl drain {}", drain.node);
    for (on, flag) in [
        (flags.ignore_daemonsets, "--ignore-daemonsets"),
        (flags.delete_emptydir_data, "--delete-emptydir-data"),
        (flags.force, "--force"),
        (flags.disable_eviction, "--disable-eviction"),
    ] {
        if on {
            command.push(' ');
            command.push_str(flag);
        }
    }
    if flags.grace_period_seconds >= 0 {
        command.push_str(&format!(" --grace-period={}", flags.grace_period_seconds));
    }
    if flags.timeout_seconds > 0 {
        command.push_str(&format!(" --timeout={}s", flags.timeout_seconds));
    }
    if let Some(selector) = &flags.pod_selector {
        command.push_str(&format!(" --pod-selector={selector}"));
    }
    command
}

fn event_text(e: &kubeplay_core::resilience::report::Event) -> String {
    let mut text = e.kind.to_owned();
    for part in [&e.node, &e.zone, &e.region, &e.alert].into_iter().flatten() {
        text.push(' ');
        text.push_str(part);
    }
    if let Some(pod) = &e.pod {
        text.push_str(&format!(" {}/{pod}", e.namespace.as_deref().unwrap_or("default")));
    }
    if let Some(message) = &e.message {
        text.push_str(": ");
        text.push_str(message);
    }
    text
}

/// The Resilience tab: the lab played back, or why there is nothing to play.
fn resilience(
    inventory: &kubeplay_core::model::Inventory,
    playback: Option<
        &Result<
            kubeplay_core::resilience::traffic::lab::Playback,
            kubeplay_core::resilience::traffic::lab::FailoverError,
        >,
    >,
) -> ResilienceView {
    use kubeplay_core::resilience::scenario::ChaosScenario;
    use kubeplay_core::resilience::traffic::lab::AT_REST;
    let scenario = inventory.objects.iter().find_map(|o| match &o.object {
        kubeplay_core::model::Object::ChaosScenario(s) => Some(s.as_ref().clone()),
        _ => None,
    });
    let playback = match playback {
        None => {
            return ResilienceView {
                note: Some(format!(
                    "Nothing to break yet: add Nodes labelled with topology.kubernetes.io/region and zone (at most {}), or a ChaosScenario — or open the Multi-region or Chaos engineering example.",
                    kubeplay_core::report::PLAYBACK_MAX_NODES
                )),
                ..ResilienceView::default()
            };
        }
        Some(Err(error)) => {
            return ResilienceView {
                note: Some(format!("The ChaosScenario cannot run: {}", error.message)),
                scenario,
                ..ResilienceView::default()
            };
        }
        Some(Ok(p)) => p,
    };
    let d = &playback.disruption;
    // Regions → zones → nodes, in name order.
    let mut tree: std::collections::BTreeMap<&str, std::collections::BTreeMap<&str, Vec<String>>> =
        std::collections::BTreeMap::new();
    for place in &d.places {
        tree.entry(place.region.as_str()).or_default().entry(place.zone.as_str()).or_default().push(place.name.clone());
    }
    let regions: Vec<RegionBox> = tree
        .into_iter()
        .map(|(region, zones)| RegionBox {
            name: region.to_owned(),
            zones: zones
                .into_iter()
                .map(|(zone, mut nodes)| {
                    nodes.sort();
                    ZoneBox { name: zone.to_owned(), nodes }
                })
                .collect(),
        })
        .collect();
    let pdbs: Vec<String> = d.initial.pdbs.iter().map(|p| format!("{}/{}", p.namespace, p.name)).collect();
    let user_regions: Vec<String> = playback
        .traffic
        .timeline
        .first()
        .map(|o| o.routing.iter().map(|r| r.user_region.clone()).collect())
        .unwrap_or_default();
    // Frames, cut to the dot budget.
    let pods_per_frame = d.timeline.iter().map(|s| s.pods.len()).max().unwrap_or(0).max(1);
    let keep = (RESILIENCE_DOTS / pods_per_frame).max(2);
    let cut = playback.instants.len() > keep;
    let before = d.before_start.as_ref();
    let frames: Vec<Frame> = playback
        .instants
        .iter()
        .take(keep)
        .enumerate()
        .map(|(i, &t)| {
            let rest = t == AT_REST;
            let row = if rest { None } else { d.rows.iter().take_while(|r| r.t <= t).last() }.unwrap_or(&d.initial);
            let state = if rest { None } else { d.timeline.iter().take_while(|s| s.t <= t).last() }.or(before);
            let nodes: Vec<NodeLook> = row
                .nodes
                .iter()
                .map(|n| NodeLook {
                    name: n.name.clone(),
                    ready: n.ready.to_owned(),
                    cordoned: n.unschedulable,
                    taints: n.taints.clone(),
                    down: !n.machine_up,
                })
                .collect();
            let node_down = |name: &str| nodes.iter().any(|n| n.name == name && (n.down || n.ready != "True"));
            let pods = state
                .map(|s| {
                    s.pods
                        .iter()
                        .map(|p| {
                            let look = if p.terminating {
                                PodLook::Terminating
                            } else if p.node.is_none() {
                                PodLook::Pending
                            } else if p.failing && p.serving {
                                PodLook::Failing
                            } else if p.serving && p.ready {
                                PodLook::Ready
                            } else if !p.serving && p.ready {
                                PodLook::Unreachable
                            } else if p.node.as_deref().is_some_and(node_down) {
                                PodLook::Down
                            } else {
                                PodLook::Starting
                            };
                            PodDot {
                                namespace: p.namespace.clone(),
                                name: p.name.clone(),
                                node: p.node.clone(),
                                look,
                                delay_ms: p.netem_delay_ms,
                            }
                        })
                        .collect()
                })
                .unwrap_or_default();
            let observation = playback.traffic.timeline.get(i);
            Frame {
                t,
                pods,
                nodes,
                pdbs: row
                    .pdbs
                    .iter()
                    .map(|p| PdbGauge {
                        allowed: p.disruptions_allowed,
                        current: p.current_healthy,
                        desired: p.desired_healthy,
                        expected: p.expected_pods,
                    })
                    .collect(),
                regions: observation
                    .map(|o| {
                        o.regions
                            .iter()
                            .map(|r| RegionLoad {
                                region: r.region.clone(),
                                ready_endpoints: r.ready_endpoints,
                                capacity_rps: ratio(r.capacity_rps),
                                load_rps: ratio(r.load_rps),
                                utilization: r.utilization.map(ratio),
                                healthy: r.healthy,
                                serving: r.serving,
                                api_reachable: r.api_reachable,
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
                routing: observation
                    .map(|o| {
                        o.routing
                            .iter()
                            .map(|r| UserRoute {
                                user_region: r.user_region.clone(),
                                allocations: r.allocations.iter().map(|(k, v)| (k.clone(), ratio(*v))).collect(),
                                error_rps: ratio(r.error_rps),
                                unserved_rps: ratio(r.unserved_rps),
                                latency_ms: r.mean_latency_ms.map(ratio),
                            })
                            .collect()
                    })
                    .unwrap_or_default(),
            }
        })
        .collect();
    let events: Vec<TimedLine> = d
        .events
        .iter()
        .take(RESILIENCE_LINES)
        .map(|e| TimedLine {
            t: e.t,
            text: event_text(e),
            bad: matches!(e.kind, "FailedScheduling" | "DrainFailed" | "AlertFiring" | "NodeDown" | "ControlPlaneDown"),
        })
        .collect();
    let mut console = Vec::new();
    for drain in &d.drains {
        console.push(TimedLine { t: drain.started_at, text: drain_command(drain), bad: false });
        console.extend(drain.lines.iter().map(|l| TimedLine {
            t: l.t,
            text: l.text.clone(),
            bad: l.stream == kubeplay_core::resilience::report::Stream::Stderr,
        }));
    }
    kubeplay_core::sort::sort_by_key(&mut console, |l| l.t);
    console.truncate(RESILIENCE_LINES);
    let failover = playback
        .traffic
        .failover
        .iter()
        .map(|f| {
            // The survivors' load once the failover is complete.
            let complete = playback.instants.iter().position(|t| *t >= f.complete_by);
            let survivor_load = complete.and_then(|i| playback.traffic.timeline.get(i)).and_then(|o| {
                o.regions
                    .iter()
                    .filter(|r| r.region != f.region)
                    .filter_map(|r| r.utilization)
                    .map(ratio)
                    .reduce(f64::max)
            });
            FailoverView {
                region: f.region.clone(),
                failed_at: f.failed_at,
                detected_at: f.detected_at,
                complete_by: f.complete_by,
                moved_rps: ratio(f.moved_rps),
                total_demand_rps: ratio(f.total_demand_rps),
                survivor_capacity_rps: ratio(f.survivor_capacity_rps),
                shortfall_rps: ratio(f.shortfall_rps),
                survivor_load,
                endpoints_needed: f.endpoints_needed_per_survivor.iter().map(|(k, v)| (k.clone(), *v)).collect(),
            }
        })
        .collect();
    let mesh: Vec<MeshView> = playback
        .traffic
        .mesh
        .iter()
        .map(|m| MeshView {
            host: m.host.clone(),
            client: m.client.clone(),
            ejected: m.ejected.clone(),
            priorities: m
                .priorities
                .iter()
                .map(|p| (p.priority, p.localities.join(", "), format!("{}/{}", p.healthy, p.hosts), p.load))
                .collect(),
            error_fraction: ratio(m.error_fraction),
        })
        .collect();
    let mut zones: Vec<String> = d.places.iter().map(|p| p.zone.clone()).filter(|z| !z.is_empty()).collect();
    zones.sort();
    zones.dedup();
    let targets = Targets {
        nodes: d.places.iter().map(|p| p.name.clone()).collect(),
        zones,
        regions: regions.iter().map(|r| r.name.clone()).filter(|r| !r.is_empty()).collect(),
        workloads: inventory
            .workloads()
            .filter(|w| w.kind != kubeplay_core::model::Kind::CronJob)
            .filter_map(|w| {
                let labels = w.template.metadata.as_ref()?.labels.clone()?;
                Some(WorkloadTarget { namespace: w.namespace.to_owned(), name: w.name.to_owned(), labels })
            })
            .collect(),
    };
    let mode = playback.traffic.mode.map(str::to_owned);
    ResilienceView {
        note: None,
        scenario: Some(scenario.unwrap_or_else(|| ChaosScenario::named("lab"))),
        topology: d.settings.topology.clone(),
        horizon: d.final_state.t,
        simplifications: simplifications(mode.as_deref(), !mesh.is_empty()),
        regions,
        frames,
        cut,
        events,
        console,
        alerts: d
            .alerts
            .iter()
            .map(|a| AlertView {
                name: a.name.clone(),
                pending_at: a.pending_at,
                firing_at: a.firing_at,
                resolved_at: a.resolved_at,
            })
            .collect(),
        pdbs,
        mode,
        user_regions,
        failover,
        mesh,
        targets,
    }
}

/// The Scaling view of `text` alone: loading and the scaling labs, nothing else
/// ([`Request::Simulate`], or the page's own thread for a small text).
pub fn scaling_preview(text: &str) -> ScalingView {
    let loading = kubeplay_core::load(&[Input::new(EDITOR_FILE, text)]);
    let runs = kubeplay_core::report::scaling_runs(&loading.inventory);
    scaling(&loading.inventory, runs.hpa.as_ref(), runs.vpa.as_ref())
}

impl Analyser {
    /// Reads one message from the page and answers it: a request is handled, anything
    /// else (not JSON, not a request) gets [`Response::Unreadable`]. Every message gets
    /// an answer and none panics (`fuzz/fuzz_targets/protocol.rs`).
    pub fn answer(&mut self, message: &str, emit: &mut dyn FnMut(Response), now_ms: &dyn Fn() -> f64) {
        match serde_json::from_str::<Request>(message) {
            Ok(request) => self.handle(request, emit, now_ms),
            Err(error) => emit(Response::Unreadable { message: format!("not a request: {error}") }),
        }
    }

    /// Answers one request; `emit` sends answers (and progress) back, `now_ms` is a clock.
    pub fn handle(&mut self, request: Request, emit: &mut dyn FnMut(Response), now_ms: &dyn Fn() -> f64) {
        match request {
            Request::Analyze { run, text, example } => self.analyze(run, &text, example.as_deref(), emit, now_ms),
            Request::Probe { run, port, protocol } => {
                let answer = self.probe(port, protocol);
                emit(Response::Probed { run: self.run().unwrap_or(run), port, protocol, answer });
            }
            Request::Explain { run, query } => {
                let explanation = match &self.kept {
                    None => Err(NOTHING_KEPT.to_owned()),
                    Some(kept) => explain_on(&kept.engine, &query),
                };
                let before = self.baseline.as_ref().map(|b| Box::new(explain_on(&b.engine, &query)));
                emit(Response::Explained { run: self.run().unwrap_or(run), query, explanation, before });
            }
            Request::Generate { run, flows, dns } => {
                let answer = self.generate(&flows, dns);
                emit(Response::Generated { run: self.run().unwrap_or(run), answer });
            }
            Request::Compare { run, before } => {
                self.baseline = before.map(|text| {
                    let loading = kubeplay_core::load(&[Input::new(EDITOR_FILE, &text)]);
                    let engine = kubeplay_core::netpol::Engine::new(
                        &loading.inventory,
                        &kubeplay_core::netpol::NetpolOptions::default(),
                    );
                    let errors = loading.diagnostics.iter().chain(&engine.diagnostics).filter(|d| d.is_error()).count();
                    Baseline { engine, errors }
                });
                emit(Response::Compared { run: self.run().unwrap_or(run), comparison: self.compare() });
            }
            Request::Fix { run, query, want } => {
                let answer = self.fix(&query, want);
                emit(Response::Fixed { run: self.run().unwrap_or(run), query, want, answer });
            }
            Request::ApplyFix { run, index } => {
                let text = self.apply_fix(run, index);
                emit(Response::FixApplied { run: self.run().unwrap_or(run), text });
            }
            Request::Simulate { preview, text } => {
                emit(Response::Simulated { preview, scaling: Rc::new(scaling_preview(&text)) });
            }
            Request::Export { run, format } => {
                let text = match &self.kept {
                    None => Err(NOTHING_KEPT.to_owned()),
                    Some(kept) => match format {
                        ExportFormat::Json => serde_json::to_string(&kept.report)
                            .map(|compact| indent(&compact))
                            .map_err(|e| e.to_string()),
                        ExportFormat::Markdown => Ok(kubeplay_core::render::markdown::report(&kept.report)),
                    },
                };
                emit(Response::Exported { run: self.run().unwrap_or(run), format, text });
            }
        }
    }

    /// The diff of the baseline and the kept analysis; `None` when not comparing.
    fn compare(&self) -> Option<Result<DiffView, String>> {
        let baseline = self.baseline.as_ref()?;
        let Some(kept) = &self.kept else { return Some(Err(NOTHING_KEPT.to_owned())) };
        Some(Ok(diff_view(&kubeplay_core::netpol::diff::diff(&baseline.engine, &kept.engine), baseline.errors)))
    }

    /// Fixes for one flow, verified by the engine (`kubeplay fix`), kept for [`Request::ApplyFix`].
    fn fix(&mut self, query: &FlowQuery, want: bool) -> Result<FixView, String> {
        let kept = self.kept.as_mut().ok_or(NOTHING_KEPT)?;
        let loading = kubeplay_core::load(&[Input::new(EDITOR_FILE, &kept.text)]);
        let fix_query = FixQuery {
            from: query.from.clone(),
            to: query.to.clone(),
            port: query.port,
            protocol: query.protocol,
            want,
        };
        let report = kubeplay_core::netpol::fix::fix_with_engine(
            &loading.inventory,
            &kept.engine,
            &kubeplay_core::netpol::NetpolOptions::default(),
            &fix_query,
        )
        .map_err(|e| e.to_string())?;
        let view = FixView {
            now: report.now,
            fixes: report.fixes.iter().take(FIXES_SHOWN).enumerate().map(|(i, f)| fix_option(i, f)).collect(),
            more: report.fixes.len().saturating_sub(FIXES_SHOWN),
        };
        kept.fixes = Some(report);
        Ok(view)
    }

    /// Policies for exactly `flows` (`kubeplay generate`), and the text with them in place of the input's own.
    fn generate(&self, flows: &[FlowQuery], dns: bool) -> Result<GeneratedView, String> {
        use kubeplay_core::netpol::generate::{Flow, FlowPort, FlowProtocol, Flows, generate, to_yaml};
        let kept = self.kept.as_ref().ok_or(NOTHING_KEPT)?;
        if flows.is_empty() {
            return Err("pick at least one flow".to_owned());
        }
        let loading = kubeplay_core::load(&[Input::new(EDITOR_FILE, &kept.text)]);
        let request = Flows {
            flows: flows
                .iter()
                .map(|f| Flow {
                    from: f.from.clone(),
                    to: f.to.clone(),
                    port: FlowPort(f.port),
                    protocol: FlowProtocol(f.protocol),
                })
                .collect(),
            dns,
        };
        let generated = generate(&loading.inventory, &kubeplay_core::netpol::NetpolOptions::default(), &request)
            .map_err(|e| e.to_string())?;
        let yaml = to_yaml(&generated);
        let replaced = loading.inventory.of_kind(kubeplay_core::model::Kind::NetworkPolicy).count();
        let text =
            kubeplay_core::netpol::apply::replace_policies(&kept.text, EDITOR_FILE, &loading, &yaml, generated.len());
        Ok(GeneratedView { yaml, policies: generated.len(), replaced, text })
    }

    fn apply_fix(&self, run: u32, index: usize) -> Result<String, String> {
        let kept =
            self.kept.as_ref().filter(|k| k.run == run).ok_or("the manifests changed since the fix was found")?;
        let fix = kept.fixes.as_ref().and_then(|r| r.fixes.get(index)).ok_or("no such fix")?;
        let loading = kubeplay_core::load(&[Input::new(EDITOR_FILE, &kept.text)]);
        kubeplay_core::netpol::apply::apply_fix(&kept.text, EDITOR_FILE, &loading, fix)
            .ok_or_else(|| "this fix could not be written into the text as it is; copy its YAML instead".to_owned())
    }

    fn run(&self) -> Option<u32> {
        self.kept.as_ref().map(|k| k.run)
    }

    fn probe(&self, port: u16, protocol: Protocol) -> Result<MatrixView, String> {
        let kept = self.kept.as_ref().ok_or(NOTHING_KEPT)?;
        let endpoints = kept.engine.endpoints.len();
        if endpoints > MATRIX_MAX_ENDPOINTS {
            return Ok(MatrixView::TooMany { endpoints });
        }
        let query = ProbeQuery { port, protocol, externals: Vec::new() };
        let probe = kubeplay_core::netpol::probe_engine(&kept.engine, &query);
        Ok(MatrixView::Table { endpoints: probe.pods, allowed: probe.allowed })
    }

    fn analyze(
        &mut self,
        run: u32,
        text: &str,
        example: Option<&str>,
        emit: &mut dyn FnMut(Response),
        now_ms: &dyn Fn() -> f64,
    ) {
        let start = now_ms();
        let elapsed = || (now_ms() - start).max(0.0) as u32;
        // Elapsed time at the start of each step, to time the steps.
        let mut marks = vec![0u32];
        emit(Response::Progress { run, step: Step::Reading, elapsed_ms: 0 });
        let loading = kubeplay_core::load(&[Input::new(EDITOR_FILE, text)]);
        let analysis = kubeplay_core::report::analyze_with_progress(&loading, &mut |stage| {
            let at = elapsed();
            marks.push(at);
            emit(Response::Progress { run, step: Step::Analysing(stage), elapsed_ms: at })
        });
        let exercise =
            example.and_then(|id| kubeplay_core::examples::check_exercise(id, &loading.inventory, &analysis));
        let notes = example
            .map(|id| kubeplay_core::lessons::notes_shown(id, &loading.inventory, &analysis))
            .unwrap_or_default();
        let tasks = kubeplay_core::lessons::interview::QUESTIONS
            .iter()
            .filter(|q| Some(q.example) == example)
            .map(|q| (q.id.to_owned(), kubeplay_core::lessons::interview::task_done(q, &loading.inventory, &analysis)))
            .collect();
        let checklist = kubeplay_core::lessons::checklist::evaluate(&loading.inventory, &analysis);
        let at = elapsed();
        marks.push(at);
        emit(Response::Progress { run, step: Step::Drawing, elapsed_ms: at });
        let kubeplay_core::report::Analysis { report, engine, hpa_simulation, vpa_simulation, resilience: playback } =
            analysis;
        let scaling = scaling(&loading.inventory, hpa_simulation.as_ref(), vpa_simulation.as_ref());
        let resilience = resilience(&loading.inventory, playback.as_ref());
        drop(playback);
        let traffic = crate::layout::traffic(&engine, &loading.inventory);
        let pods = kubeplay_core::pods::anatomies(&loading.inventory);
        let suggested_port = kubeplay_core::netpol::graph::suggested_port(&engine, &loading.inventory);
        drop(loading);
        let all = kubeplay_core::report::findings(&report);
        let outcome_counts = counts(&report, &all);
        let findings = finding_rows(all);
        let rules = rule_cards(&findings);
        let mut outcome = Outcome {
            run,
            counts: outcome_counts,
            exercise,
            notes,
            tasks,
            checklist,
            marks: self::marks(&report),
            findings,
            rules,
            traffic,
            resources: resources(&report, pods),
            security: security(&report),
            scaling: Rc::new(scaling),
            resilience,
            suggested_port,
            elapsed_ms: 0,
            step_ms: Vec::new(),
        };
        self.kept = Some(Kept { run, text: text.to_owned(), report, engine, fixes: None });
        outcome.elapsed_ms = elapsed();
        marks.push(outcome.elapsed_ms);
        outcome.step_ms = marks.windows(2).map(|w| w[1].saturating_sub(w[0])).collect();
        emit(Response::Analyzed(Box::new(outcome)));
        if let Some(comparison) = self.compare() {
            emit(Response::Compared { run, comparison: Some(comparison) });
        }
    }
}

#[cfg(test)]
mod tests {
    use kubeplay_core::netpol::diff::ChangeKind;

    use super::*;

    fn ask(analyser: &mut Analyser, request: Request) -> Vec<Response> {
        let mut answers = Vec::new();
        analyser.handle(request, &mut |r| answers.push(r), &|| 0.0);
        answers
    }

    fn example(id: &str) -> String {
        kubeplay_core::examples::example(id).unwrap().yaml.to_owned()
    }

    #[test]
    fn a_scaling_preview_is_the_scaling_view_the_analysis_of_the_same_text_draws() {
        let text = example("hpa").replace("duration: ", "podReadySeconds: 45\n  duration: ");
        let mut analyser = Analyser::default();
        let previewed = ask(&mut analyser, Request::Simulate { preview: 7, text: text.clone() });
        let [Response::Simulated { preview: 7, scaling }] = previewed.as_slice() else {
            panic!("answered {previewed:?}")
        };
        assert!(scaling.hpa.as_ref().is_some_and(|h| !h.steps.is_empty()), "{scaling:?}");
        let analysed = ask(&mut analyser, Request::Analyze { run: 1, text, example: Some("hpa".to_owned()) });
        let Some(Response::Analyzed(outcome)) = analysed.iter().find(|r| matches!(r, Response::Analyzed(_))) else {
            panic!("no analysis")
        };
        assert_eq!(outcome.scaling, *scaling);
        // Nothing to simulate: the same note the analysis gives.
        let none = ask(&mut analyser, Request::Simulate { preview: 8, text: "kind: Pod\n".to_owned() });
        assert!(matches!(none.as_slice(), [Response::Simulated { preview: 8, scaling }] if scaling.hpa.is_none()));
    }

    #[test]
    fn questions_before_any_analysis_are_answered_with_the_reason() {
        let mut analyser = Analyser::default();
        let answers = ask(&mut analyser, Request::Probe { run: 3, port: 80, protocol: Protocol::TCP });
        assert_eq!(
            answers,
            [Response::Probed { run: 3, port: 80, protocol: Protocol::TCP, answer: Err(NOTHING_KEPT.to_owned()) }]
        );
        let query = FlowQuery { from: "a".into(), to: "b".into(), port: 80, protocol: Protocol::TCP };
        let answers = ask(&mut analyser, Request::Explain { run: 3, query: query.clone() });
        assert_eq!(
            answers,
            [Response::Explained { run: 3, query, explanation: Err(NOTHING_KEPT.to_owned()), before: None }]
        );
        let answers = ask(&mut analyser, Request::Export { run: 3, format: ExportFormat::Markdown });
        assert_eq!(
            answers,
            [Response::Exported { run: 3, format: ExportFormat::Markdown, text: Err(NOTHING_KEPT.to_owned()) }]
        );
    }

    #[test]
    fn messages_are_read_and_anything_else_is_unreadable() {
        let mut analyser = Analyser::default();
        let mut answers = Vec::new();
        analyser.answer(r#"{"Probe":{"run":2,"port":80,"protocol":"TCP"}}"#, &mut |r| answers.push(r), &|| 0.0);
        assert_eq!(
            answers,
            [Response::Probed { run: 2, port: 80, protocol: Protocol::TCP, answer: Err(NOTHING_KEPT.to_owned()) }]
        );
        for garbage in ["", "null", r#"{"Probe":{}}"#, "[1,2", r#"{"Analyze":{"run":-1,"text":""}}"#, "\u{0}"] {
            let mut answers = Vec::new();
            analyser.answer(garbage, &mut |r| answers.push(r), &|| 0.0);
            assert!(
                matches!(answers.as_slice(), [Response::Unreadable { message }] if message.starts_with("not a request: ")),
                "{garbage:?}: {answers:?}"
            );
        }
    }

    #[test]
    fn an_analysis_reports_every_step_in_order_then_its_views() {
        let mut analyser = Analyser::default();
        let text = example("multi-tier-policy");
        let answers =
            ask(&mut analyser, Request::Analyze { run: 7, text, example: Some("multi-tier-policy".to_owned()) });
        let steps: Vec<usize> = answers
            .iter()
            .filter_map(|a| match a {
                Response::Progress { run: 7, step, .. } => Some(step.index()),
                _ => None,
            })
            .collect();
        assert_eq!(steps, (0..Step::COUNT).collect::<Vec<_>>());
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!("no outcome: {answers:?}") };
        assert_eq!(outcome.run, 7);
        assert_eq!(outcome.step_ms.len(), Step::COUNT);
        assert!(outcome.exercise.is_some());
        assert_eq!(outcome.counts.findings, outcome.findings.len());
        assert_eq!(outcome.counts.findings_by_area.iter().sum::<usize>(), outcome.counts.findings);
        // Each finding's code that the rule reference lists has its card, from core's tables.
        let reference = kubeplay_core::render::rules::rule_reference();
        for row in &outcome.findings {
            let listed = reference.iter().any(|r| r.id == row.code);
            assert_eq!(outcome.rules.iter().any(|card| card.id == row.code), listed, "{}", row.code);
        }
        let card = outcome.rules.iter().find(|card| card.id == "root-filesystem-writable").expect("a best practice");
        assert!(card.equivalents.iter().any(|e| e.starts_with("kube-score: ")), "{card:?}");
        let edge = outcome
            .traffic
            .edges
            .iter()
            .find(|e| e.from == "default/frontend[Deployment]" && e.to == "default/api[Deployment]")
            .expect("frontend reaches api");
        assert!(edge.allowed && edge.carries(5000, Protocol::TCP) && !edge.carries(5001, Protocol::TCP));
        assert!(outcome.traffic.reachable("default/frontend[Deployment]", true).contains("default/api[Deployment]"));
        assert!(outcome.traffic.reachable("default/api[Deployment]", false).contains("default/frontend[Deployment]"));

        // Questions about the kept analysis.
        let answers = ask(&mut analyser, Request::Probe { run: 7, port: 5000, protocol: Protocol::TCP });
        let [Response::Probed { run: 7, answer: Ok(MatrixView::Table { endpoints, allowed }), .. }] =
            answers.as_slice()
        else {
            panic!("{answers:?}")
        };
        assert!(endpoints.len() >= 3);
        assert_eq!(allowed.len(), endpoints.len());
        let query =
            FlowQuery { from: endpoints[0].clone(), to: endpoints[1].clone(), port: 5000, protocol: Protocol::TCP };
        let answers = ask(&mut analyser, Request::Explain { run: 7, query: query.clone() });
        let [Response::Explained { query: answered, explanation: Ok(view), .. }] = answers.as_slice() else {
            panic!("{answers:?}")
        };
        assert_eq!(*answered, query);
        assert_eq!((view.from.as_str(), view.to.as_str()), (query.from.as_str(), query.to.as_str()));
        assert_eq!(view.allowed, allowed[0][1]);
        let answers = ask(&mut analyser, Request::Export { run: 7, format: ExportFormat::Json });
        let [Response::Exported { text: Ok(text), .. }] = answers.as_slice() else { panic!("{answers:?}") };
        let full: Report = serde_json::from_str(text).unwrap();
        assert_eq!(kubeplay_core::report::findings(&full).len(), outcome.counts.findings);
    }

    #[test]
    fn fixes_are_found_on_the_kept_analysis_and_written_into_its_text() {
        let mut analyser = Analyser::default();
        let text = example("multi-tier-policy");
        ask(&mut analyser, Request::Analyze { run: 4, text: text.clone(), example: None });
        let query = FlowQuery {
            from: "monitoring/prometheus[Deployment]".to_owned(),
            to: "default/api[Deployment]".to_owned(),
            port: 5000,
            protocol: Protocol::TCP,
        };
        let answers = ask(&mut analyser, Request::Fix { run: 4, query: query.clone(), want: true });
        let [Response::Fixed { run: 4, want: true, answer: Ok(view), .. }] = answers.as_slice() else {
            panic!("{answers:?}")
        };
        assert!(!view.now);
        let first = &view.fixes[0];
        assert_eq!((first.kind.as_str(), first.title.as_str()), ("add-label", "Add a label to monitoring[Namespace]"));
        assert_eq!(first.line, Some(3));
        assert!(first.side_effects.is_empty());
        assert!(view.fixes.len() <= FIXES_SHOWN && view.fixes.iter().enumerate().all(|(i, f)| f.index == i));

        // Applied: the text gains the label, and analysing it allows the flow.
        let answers = ask(&mut analyser, Request::ApplyFix { run: 4, index: 0 });
        let [Response::FixApplied { run: 4, text: Ok(edited) }] = answers.as_slice() else { panic!("{answers:?}") };
        assert!(edited.contains("metadata:\n  name: monitoring\n  labels:\n    name: monitoring\n"), "{edited}");
        assert_eq!(edited.len(), text.len() + "  labels:\n    name: monitoring\n".len());
        ask(&mut analyser, Request::Analyze { run: 5, text: edited.clone(), example: None });
        let answers = ask(&mut analyser, Request::Explain { run: 5, query: query.clone() });
        let [Response::Explained { explanation: Ok(explained), .. }] = answers.as_slice() else { panic!() };
        assert!(explained.allowed);

        // A fix of an older run, an unknown index and a flow already as wanted.
        let answers = ask(&mut analyser, Request::ApplyFix { run: 4, index: 0 });
        assert!(matches!(answers.as_slice(), [Response::FixApplied { text: Err(_), .. }]), "{answers:?}");
        let answers = ask(&mut analyser, Request::ApplyFix { run: 5, index: 0 });
        assert!(matches!(answers.as_slice(), [Response::FixApplied { text: Err(_), .. }]), "{answers:?}");
        let answers = ask(&mut analyser, Request::Fix { run: 5, query, want: true });
        let [Response::Fixed { answer: Ok(view), .. }] = answers.as_slice() else { panic!() };
        assert!(view.now && view.fixes.is_empty());
        let bad = FlowQuery {
            from: "nowhere/x".to_owned(),
            to: "default/api[Deployment]".to_owned(),
            port: 1,
            protocol: Protocol::TCP,
        };
        let answers = ask(&mut analyser, Request::Fix { run: 5, query: bad, want: false });
        let [Response::Fixed { answer: Err(message), .. }] = answers.as_slice() else { panic!() };
        assert!(message.contains("nowhere/x"), "{message}");
    }

    #[test]
    fn a_baseline_is_compared_with_every_analysis_and_explains_the_flow_before() {
        let mut analyser = Analyser::default();
        let before = example("multi-tier-policy");
        // Nothing analysed yet: the comparison says so.
        let answers = ask(&mut analyser, Request::Compare { run: 0, before: Some(before.clone()) });
        assert!(matches!(answers.as_slice(), [Response::Compared { comparison: Some(Err(_)), .. }]), "{answers:?}");
        // The same text: no change. The label fix: one flow added on 5000.
        let answers = ask(&mut analyser, Request::Analyze { run: 1, text: before.clone(), example: None });
        let Some(Response::Compared { run: 1, comparison: Some(Ok(same)) }) = answers.last() else { panic!() };
        assert_eq!((same.added, same.removed, same.changed, same.rows.len()), (0, 0, 0, 0));
        let after = before.replacen(
            "metadata:\n  name: monitoring\n",
            "metadata:\n  name: monitoring\n  labels: {name: monitoring}\n",
            1,
        );
        let answers = ask(&mut analyser, Request::Analyze { run: 2, text: after, example: None });
        let Some(Response::Compared { run: 2, comparison: Some(Ok(diff)) }) = answers.last() else { panic!() };
        let (prometheus, api) = ("monitoring/prometheus[Deployment]", "default/api[Deployment]");
        let row = diff.rows.iter().find(|r| r.source == prometheus && r.destination == api).expect("the fixed flow");
        // The api's ingress admitted nothing from monitoring before: the flow is added.
        assert_eq!(row.kind, ChangeKind::Added);
        assert_eq!((row.before.as_str(), row.after.as_str()), ("No Connections", "TCP 5000"));
        assert_eq!(row.at, Some((5000, Protocol::TCP)));
        assert_eq!(diff.changed + diff.added + diff.removed, diff.rows.len());
        assert!(diff.rows.iter().all(|r| r.destination == api && r.source.starts_with("monitoring/")), "{diff:?}");
        // The flow explained now and in the baseline.
        let query = FlowQuery { from: prometheus.to_owned(), to: api.to_owned(), port: 5000, protocol: Protocol::TCP };
        let answers = ask(&mut analyser, Request::Explain { run: 2, query });
        let [Response::Explained { explanation: Ok(now), before: Some(then), .. }] = answers.as_slice() else {
            panic!("{answers:?}")
        };
        let Ok(then) = then.as_ref() else { panic!("{then:?}") };
        assert!(now.allowed && !then.allowed);
        // Stopped: no comparison, no "before".
        let answers = ask(&mut analyser, Request::Compare { run: 2, before: None });
        assert_eq!(answers, [Response::Compared { run: 2, comparison: None }]);
        let answers = ask(&mut analyser, Request::Analyze { run: 3, text: before, example: None });
        assert!(matches!(answers.last(), Some(Response::Analyzed(_))));
    }

    #[test]
    fn policies_are_generated_for_picked_flows_and_replace_the_inputs_own() {
        let mut analyser = Analyser::default();
        ask(&mut analyser, Request::Analyze { run: 1, text: example("multi-tier-policy"), example: None });
        let flow = |from: &str, to: &str, port| FlowQuery {
            from: from.to_owned(),
            to: to.to_owned(),
            port,
            protocol: Protocol::TCP,
        };
        let (frontend, api, prometheus) =
            ("default/frontend[Deployment]", "default/api[Deployment]", "monitoring/prometheus[Deployment]");
        let flows = vec![flow(frontend, api, 5000), flow(prometheus, api, 5000)];
        let answers = ask(&mut analyser, Request::Generate { run: 1, flows: flows.clone(), dns: true });
        let [Response::Generated { run: 1, answer: Ok(view) }] = answers.as_slice() else { panic!("{answers:?}") };
        assert_eq!(view.replaced, 1);
        assert!(view.policies >= 2 && view.yaml.contains("kind: NetworkPolicy"), "{view:?}");
        let text = view.text.clone().expect("the text could be edited");
        assert!(text.ends_with(&view.yaml) && !text.contains("name: multi-tier-policy"));
        // Analysed, the text allows exactly the picked flows on 5000.
        ask(&mut analyser, Request::Analyze { run: 2, text, example: None });
        let answers = ask(&mut analyser, Request::Probe { run: 2, port: 5000, protocol: Protocol::TCP });
        let [Response::Probed { answer: Ok(MatrixView::Table { endpoints, allowed }), .. }] = answers.as_slice() else {
            panic!("{answers:?}")
        };
        for (i, from) in endpoints.iter().enumerate() {
            for (j, to) in endpoints.iter().enumerate() {
                let wanted = flows.iter().any(|f| &f.from == from && &f.to == to);
                assert_eq!(allowed[i][j], wanted || i == j, "{from} → {to}");
            }
        }
        // No flows, or an unknown endpoint: a message, not a panic.
        let answers = ask(&mut analyser, Request::Generate { run: 2, flows: Vec::new(), dns: true });
        assert!(matches!(answers.as_slice(), [Response::Generated { answer: Err(_), .. }]));
        let answers = ask(&mut analyser, Request::Generate { run: 2, flows: vec![flow("x/y", api, 80)], dns: false });
        let [Response::Generated { answer: Err(message), .. }] = answers.as_slice() else { panic!() };
        assert!(message.contains("x/y"), "{message}");
    }

    #[test]
    fn resilience_plays_the_failover_story_back() {
        let mut analyser = Analyser::default();
        let answers =
            ask(&mut analyser, Request::Analyze { run: 1, text: example("multi-region-proxy"), example: None });
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!() };
        let view = &outcome.resilience;
        assert_eq!(view.note, None);
        assert_eq!(view.mode.as_deref(), Some("Proxy"));
        assert_eq!(view.regions.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["east", "west"]);
        assert_eq!(view.frames.first().map(|f| f.t), Some(-1));
        let at = |t: i64| view.frames.iter().find(|f| f.t == t).expect("an instant");
        // At rest every pod is Ready; the moment east fails its pods stop answering while its API still says Ready.
        assert!(at(-1).pods.iter().all(|p| p.look == PodLook::Ready));
        let east =
            |f: &Frame| f.pods.iter().filter(|p| p.name.starts_with("api-east")).map(|p| p.look).collect::<Vec<_>>();
        assert_eq!(east(at(60)), [PodLook::Unreachable; 3]);
        let west = |f: &Frame| f.regions.iter().find(|r| r.region == "west").cloned().expect("west");
        assert_eq!(west(at(60)).load_rps, 200.0);
        assert_eq!((west(at(70)).load_rps, west(at(70)).utilization), (450.0, Some(1.5)));
        let story = &view.failover[0];
        assert_eq!((story.failed_at, story.detected_at, story.survivor_load), (60, 70, Some(1.5)));
        assert_eq!(story.endpoints_needed, [("west".to_owned(), Some(5))]);
        // The alert evaluated inside east never fires: its cluster died with it.
        assert_eq!(view.alerts[0].firing_at, None);

        let answers =
            ask(&mut analyser, Request::Analyze { run: 2, text: example("chaos-engineering"), example: None });
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!() };
        let view = &outcome.resilience;
        assert_eq!(view.console.first().map(|l| l.text.as_str()), Some("$ kubectl drain node-1 --ignore-daemonsets"));
        assert!(
            view.console
                .iter()
                .any(|l| l.bad && l.text.contains("Cannot evict pod as it would violate the pod's disruption budget")),
            "{:?}",
            view.console
        );
        assert_eq!(view.pdbs, ["shop/web-east"]);
        assert!(view.frames.iter().filter(|f| f.t >= 0).all(|f| f.pdbs[0].allowed == 0 || f.t < 150));
        assert!(view.frames.iter().any(|f| f.pods.iter().any(|p| p.delay_ms == 100)));
    }

    #[test]
    fn a_broken_scenario_says_why_and_inputs_without_nodes_offer_nothing_to_break() {
        let mut analyser = Analyser::default();
        let text = example("chaos-engineering").replace("region: east}", "region: nowhere}");
        let answers = ask(&mut analyser, Request::Analyze { run: 1, text, example: None });
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!() };
        assert!(
            outcome.resilience.note.as_deref().is_some_and(|n| n.contains("nowhere")),
            "{:?}",
            outcome.resilience.note
        );
        assert!(outcome.findings.iter().any(|f| f.code == "chaos-scenario-invalid"));
        let answers = ask(&mut analyser, Request::Analyze { run: 2, text: example("vpa"), example: None });
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!() };
        assert!(outcome.resilience.frames.is_empty() && outcome.resilience.note.is_some());
    }

    #[test]
    fn resources_carry_the_quota_usage_and_defaulted_containers() {
        let mut analyser = Analyser::default();
        let answers = ask(&mut analyser, Request::Analyze { run: 1, text: example("production-quota"), example: None });
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!() };
        let cpu = outcome
            .resources
            .quotas
            .iter()
            .flat_map(|q| &q.rows)
            .find(|r| r.resource == "requests.cpu")
            .expect("a cpu quota");
        assert_eq!((cpu.used.as_str(), cpu.hard.as_str()), ("97", "100"));
        assert!((cpu.percent - 97.0).abs() < 1e-9);
        let web = outcome.resources.decisions.iter().find(|d| d.name == "web-0").expect("web-0");
        assert!(web.admitted);
        assert!(web.containers.iter().any(|c| c.requests.contains("cpu 250m") && c.limits.contains("cpu 500m")));
        assert!(outcome.resources.decisions.iter().any(|d| d.name == "api-24" && !d.admitted));
    }

    #[test]
    fn the_vpa_panel_carries_the_histograms_bounds_and_verdicts() {
        let mut analyser = Analyser::default();
        let answers = ask(&mut analyser, Request::Analyze { run: 1, text: example("vpa"), example: None });
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!() };
        let [panel] = outcome.scaling.vpas.as_slice() else { panic!("{:?}", outcome.scaling.vpas) };
        assert_eq!((panel.vpa.as_str(), panel.target.as_str()), ("default/api-vpa", "Deployment/api"));
        assert_eq!(panel.mode, "auto");
        assert!(!panel.mode_valid && panel.simulated);
        let [container] = panel.containers.as_slice() else { panic!() };
        let resource = |name: &str| container.resources.iter().find(|r| r.resource == name).expect(name);
        let (cpu, memory) = (resource("cpu"), resource("memory"));
        let text = |b: &Option<BoundView>| b.as_ref().map(|b| b.text.clone());
        assert_eq!((text(&cpu.target), text(&memory.target)), (Some("63m".into()), Some("250Mi".into())));
        assert_eq!((text(&cpu.request), text(&memory.request)), (Some("100m".into()), Some("256Mi".into())));
        assert!((cpu.target.as_ref().unwrap().value - 0.063).abs() < 1e-12);
        assert_eq!(memory.target.as_ref().unwrap().value, 250.0 * 1024.0 * 1024.0);
        // Steady usage: one bucket holding all the weight, around 45m.
        assert_eq!(cpu.buckets.len(), 1);
        assert!(cpu.buckets[0][0] <= 0.045 && 0.045 < cpu.buckets[0][1] && cpu.buckets[0][2] == 1.0);
        assert_eq!(cpu.percentiles.len(), 3);
        // The refused mode: admission writes nothing, and the updater says why.
        assert_eq!(panel.pods.len(), 3);
        assert!(panel.pods.iter().all(|p| p.action == "none" && p.reason.contains("not one the CRD accepts")));
        assert!(panel.pods[0].admitted[0].contains("cpu 100m"), "{:?}", panel.pods[0].admitted);
    }

    #[test]
    fn large_reports_reach_the_page_cut_with_full_counts() {
        let pods: Vec<String> = (0..300)
            .map(|i| {
                format!(
                    "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{i}, namespace: ns{}}}\nspec: {{containers: [{{name: c, image: x}}]}}\n",
                    i % 3
                )
            })
            .collect();
        let mut analyser = Analyser::default();
        let answers = ask(&mut analyser, Request::Analyze { run: 1, text: pods.join("---\n"), example: None });
        let Some(Response::Analyzed(outcome)) = answers.last() else { panic!() };
        assert_eq!(outcome.counts.workloads, 300);
        assert_eq!(outcome.counts.restricted_failing, 300);
        assert_eq!(outcome.counts.endpoints, 300);
        assert_eq!(outcome.security.workloads.len(), WORKLOADS_SHOWN);
        // 300 pods × a dozen best-practice findings: cut to what the page lists, errors first.
        assert!(outcome.counts.findings > FINDINGS_SHOWN);
        assert_eq!(outcome.findings.len(), FINDINGS_SHOWN);
        // Every area that has findings keeps some.
        for (index, area) in Area::ALL.iter().enumerate() {
            let shown = outcome.findings.iter().filter(|f| f.area == *area).count();
            assert_eq!(shown > 0, outcome.counts.findings_by_area[index] > 0, "{area:?}");
        }
        // Too many endpoints for a drawn table: the page is told how many instead.
        let answers = ask(&mut analyser, Request::Probe { run: 1, port: 80, protocol: Protocol::TCP });
        assert!(matches!(
            answers.as_slice(),
            [Response::Probed { answer: Ok(MatrixView::TooMany { endpoints: 300 }), .. }]
        ));
        // The picture is per namespace.
        assert!(outcome.traffic.aggregated);
    }

    fn finding(area: Area, severity: Severity, line: usize) -> Diagnostic {
        let span = kubeplay_core::source::Span { line, column: 1, end_line: line, end_column: 2 };
        Diagnostic::new(area, severity, "x", String::new(), kubeplay_core::Location::new("f", 1, span, None))
    }

    #[test]
    fn the_json_download_is_laid_out_as_serde_json_lays_it_out() {
        let mut analyser = Analyser::default();
        ask(&mut analyser, Request::Analyze { run: 1, text: example("restricted-psp"), example: None });
        let report = &analyser.kept.as_ref().unwrap().report;
        let compact = serde_json::to_string(report).unwrap();
        assert_eq!(indent(&compact), serde_json::to_string_pretty(report).unwrap());
        let tricky = r#"{"a":[],"b":{},"c":"x,y:{[\"\\","d":[1,{"e":null}]}"#;
        let value: serde_json::Value = serde_json::from_str(tricky).unwrap();
        assert_eq!(indent(tricky), serde_json::to_string_pretty(&value).unwrap());
    }

    #[test]
    fn a_cut_shares_the_budget_between_areas_and_keeps_errors_first() {
        let mut all: Vec<Diagnostic> = (0..1000).map(|i| finding(Area::Security, Severity::Info, i)).collect();
        all.extend((0..30).map(|i| finding(Area::NetworkPolicy, Severity::Warning, 5000 + i)));
        all.push(finding(Area::Security, Severity::Error, 9999));
        let kept = cut_fairly(all.iter().collect(), 100);
        assert_eq!(kept.len(), 100);
        // The lint keeps all 30 (under its share); security gets the rest, its one error first.
        assert_eq!(kept.iter().filter(|f| f.area == Area::NetworkPolicy).count(), 30);
        assert!(kept.iter().any(|f| f.severity == Severity::Error));
        assert!(kept.windows(2).all(|w| w[0].location.span.line <= w[1].location.span.line));
        // Under budget: nothing is cut.
        assert_eq!(cut_fairly(vec![&finding(Area::Input, Severity::Info, 1)], 100).len(), 1);
    }
}
