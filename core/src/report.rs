//! The one serde `Report` that every front end (CLI, web, JS API) renders.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{Input, Loading, load};
use crate::model::Kind;
use crate::source::Location;

/// One loaded object, as listed in reports.
// TypeScript: declared as `render::contract::shapes::ObjectSummary` (the location keys its contract prints).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(as = "crate::render::contract::shapes::ObjectSummary"))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct ObjectSummary {
    pub kind: Kind,
    #[serde(rename = "apiVersion")]
    pub api_version: String,
    pub namespace: Option<String>,
    pub name: String,
    /// Where the object starts; the contract prints `file, doc, line`.
    #[serde(flatten, serialize_with = "crate::render::contract::object_start")]
    pub location: Location,
}

#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
pub struct Report {
    /// The kubeplay version that produced the report.
    pub kubeplay: String,
    pub objects: Vec<ObjectSummary>,
    /// Loading, NetworkPolicy and admission findings; the contract prints them
    /// without `area` and `fix`.
    #[cfg_attr(feature = "ts", ts(as = "Vec<crate::render::contract::diagnostics::Contract<'static>>"))]
    #[serde(with = "crate::render::contract::diagnostics")]
    pub diagnostics: Vec<Diagnostic>,
    /// NetworkPolicy reachability summary; its lint findings are in `diagnostics`.
    #[serde(default)]
    pub netpol: crate::netpol::summary::NetpolSummary,
    /// Admission in input order (LimitRange defaults, quota) and final quota usage;
    /// its findings are among `diagnostics`.
    pub admission: crate::admission::Admission,
    /// Pod Security Standards, admission, PodSecurityPolicy and best-practice findings.
    #[serde(default)]
    pub security: crate::security::SecuritySection,
}

impl Report {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| d.severity == Severity::Error)
    }
}

/// Loads the inputs and analyses them. Never fails: problems are diagnostics.
pub fn analyze(inputs: &[Input<'_>]) -> Report {
    analyze_loading(&load(inputs))
}

/// Analyses what was loaded; for front ends that also query the inventory
/// (check an exercise) without loading twice.
pub fn analyze_loading(loading: &Loading) -> Report {
    analyze_keeping_engine(loading).report
}

/// The scaling labs as [`analyze_with_progress`] runs them: each only when the
/// input has its simulation object.
pub struct ScalingRuns {
    /// The input's `HPASimulation` run.
    pub hpa: Option<crate::scaling::hpa::simulation::SimulationRun>,
    /// The input's `VPASimulation` runs.
    pub vpa: Option<crate::scaling::vpa::VpaRun>,
}

/// The scaling labs alone, for a front end that redraws the Scaling view (a
/// load slider moved) before the whole analysis of the same text catches up.
pub fn scaling_runs(inventory: &crate::model::Inventory) -> ScalingRuns {
    let has = |kind: crate::model::Kind| inventory.objects.iter().any(|o| o.kind() == kind);
    ScalingRuns {
        hpa: has(crate::model::Kind::HPASimulation).then(|| crate::scaling::hpa::simulation::simulate(inventory)),
        vpa: has(crate::model::Kind::VPASimulation).then(|| crate::scaling::vpa::simulate(inventory)),
    }
}

/// The report plus the NetworkPolicy engine it was computed with, so front ends
/// can ask further questions (a truth table for another port, explain a flow,
/// the graph) without building the engine again.
pub struct Analysis {
    pub report: Report,
    pub engine: crate::netpol::Engine,
    /// The input's `HPASimulation` run, when it has one (its input problems are in the
    /// report's diagnostics; the timeline is for front ends that draw it).
    pub hpa_simulation: Option<crate::scaling::hpa::simulation::SimulationRun>,
    /// The input's `VPASimulation` runs, likewise.
    pub vpa_simulation: Option<crate::scaling::vpa::VpaRun>,
    /// The disruption lab played back (with the load balancer over it) when the
    /// input has a `ChaosScenario`, a `GlobalLoadBalancer` or a few Nodes to
    /// break; an invalid scenario's located error is in the report's diagnostics.
    pub resilience:
        Option<Result<crate::resilience::traffic::lab::Playback, crate::resilience::traffic::lab::FailoverError>>,
}

/// Nodes up to which an input without a `ChaosScenario` is still played back
/// (the cluster at rest, for a front end to break).
pub const PLAYBACK_MAX_NODES: usize = 200;

/// Every located finding of a report, in file and line order: its diagnostics
/// (loading, NetworkPolicy, admission) and the best-practice findings of every
/// Pod and workload template and of the other objects (Services, budgets,
/// autoscalers). Pod Security verdicts are not findings of their
/// own: they are the `security` section.
pub fn findings(report: &Report) -> Vec<&Diagnostic> {
    let mut all: Vec<&Diagnostic> = report
        .diagnostics
        .iter()
        .chain(report.security.workloads.iter().flat_map(|w| &w.findings))
        .chain(report.security.objects.iter().flat_map(|o| &o.findings))
        .collect();
    crate::sort::sort_by(&mut all, |a, b| a.position().cmp(&b.position()));
    all
}

/// The steps of one analysis, in the order they run, for front ends that show
/// progress on large inputs.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// Building the NetworkPolicy engine, its summary and lint findings.
    NetworkPolicies,
    /// Pod Security Standards, PodSecurityPolicy, best practices.
    Security,
    /// LimitRange defaulting and ResourceQuota admission, in apply order.
    Resources,
}

impl Stage {
    pub const ALL: [Stage; 3] = [Stage::NetworkPolicies, Stage::Security, Stage::Resources];

    pub fn label(self) -> &'static str {
        match self {
            Stage::NetworkPolicies => "network policies",
            Stage::Security => "security",
            Stage::Resources => "resources",
        }
    }
}

pub fn analyze_keeping_engine(loading: &Loading) -> Analysis {
    analyze_with_progress(loading, &mut |_| {})
}

/// [`analyze_keeping_engine`], calling `progress` as each [`Stage`] starts.
pub fn analyze_with_progress(loading: &Loading, progress: &mut dyn FnMut(Stage)) -> Analysis {
    let objects = loading
        .inventory
        .objects
        .iter()
        .map(|o| ObjectSummary {
            kind: o.kind(),
            api_version: o.object.api_version().to_owned(),
            namespace: o.namespace().map(str::to_owned),
            name: o.name().to_owned(),
            location: o.origin.location.clone(),
        })
        .collect();
    progress(Stage::NetworkPolicies);
    let engine = crate::netpol::Engine::new(&loading.inventory, &crate::netpol::NetpolOptions::default());
    let netpol = crate::netpol::summary::summarize(&engine, &loading.inventory);
    let lint = crate::netpol::lint::lint(&engine, &loading.inventory);
    progress(Stage::Security);
    let security = crate::security::analyze(&loading.inventory, &engine, &crate::security::Options::default());
    progress(Stage::Resources);
    let cluster = crate::admission::Cluster::new(&loading.inventory);
    let hpa_findings = crate::scaling::hpa::findings::findings(&loading.inventory, &cluster);
    let admitted = cluster.into_admitted();
    let mut diagnostics = loading.diagnostics.clone();
    diagnostics.extend(lint);
    diagnostics.extend(admitted.findings);
    diagnostics.extend(crate::scaling::vpa::findings(&loading.inventory));
    let has = |kind: crate::model::Kind| loading.inventory.objects.iter().any(|o| o.kind() == kind);
    let ScalingRuns { hpa: hpa_simulation, vpa: vpa_simulation } = scaling_runs(&loading.inventory);
    if let Some(run) = &vpa_simulation {
        // The lab's own input problems (durations, order, limits, unknown pods).
        diagnostics.extend(run.diagnostics.iter().cloned());
    }
    diagnostics.extend(crate::resilience::traffic::finding::analyze(&loading.inventory));
    diagnostics.extend(hpa_findings);
    if let Some(run) = &hpa_simulation {
        // The HPA lab's own input problems (durations, metrics, targets).
        diagnostics.extend(run.diagnostics.iter().cloned());
    }
    diagnostics.extend(crate::resilience::findings::findings(&loading.inventory));
    let nodes = loading.inventory.of_kind(crate::model::Kind::Node).count();
    let resilience = (has(crate::model::Kind::ChaosScenario)
        || has(crate::model::Kind::GlobalLoadBalancer)
        || (1..=PLAYBACK_MAX_NODES).contains(&nodes))
    .then(|| crate::resilience::traffic::lab::playback(&loading.inventory));
    if let Some(Err(error)) = &resilience {
        // The scenario's own input problems (unknown nodes, order, limits).
        diagnostics.extend(error.diagnostic.as_deref().cloned());
    }
    crate::sort::sort_by(&mut diagnostics, |a, b| a.position().cmp(&b.position()));
    let report = Report {
        kubeplay: crate::VERSION.to_owned(),
        objects,
        diagnostics,
        netpol,
        admission: admitted.admission,
        security,
    };
    Analysis { report, engine, hpa_simulation, vpa_simulation, resilience }
}
