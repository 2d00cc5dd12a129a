//! The documents `kubeplay <command> --format json` prints, as text: the CLI
//! prints them and the JS API (`api`) returns them as its `value`, so both
//! front ends write each contract through one function (pretty or compact as
//! the contract was first printed; `tests/contracts/` freezes the bytes).
//! `Err` only when serde_json cannot write the data (a map with non-string
//! keys), which the contracts' types never have.

use serde::Serialize;
use serde_json::Error;

use crate::admission::Admission;
use crate::netpol::Probe;
use crate::netpol::diff::Diff;
use crate::netpol::fix::FixReport;
use crate::netpol::generate::Generated;
use crate::netpol::graph::Graph;
use crate::netpol::service::ConnectionExplanation;
use crate::quantity::QuantityReport;
use crate::report::Report;
use crate::resilience::Disruption;
use crate::resilience::traffic::lab::FailoverReport;
use crate::scaling::hpa::simulation::Timeline;
use crate::scaling::vpa::VpaOutput;
use crate::security::SecuritySection;

fn pretty(value: &impl Serialize) -> Result<String, Error> {
    serde_json::to_string_pretty(value)
}

/// `kubeplay analyze`: the report.
pub fn analyze(report: &Report) -> Result<String, Error> {
    pretty(report)
}

/// `kubeplay probe`: `{"port", "protocol", "pods", "allowed"}` on one line.
pub fn probe(probe: &Probe) -> Result<String, Error> {
    serde_json::to_string(probe)
}

/// `kubeplay explain`: one explanation, or one per backend of a Service.
pub fn explain(explanation: &ConnectionExplanation) -> Result<String, Error> {
    pretty(explanation)
}

/// `kubeplay graph`: nodes and edges.
pub fn graph(graph: &Graph) -> Result<String, Error> {
    pretty(graph)
}

/// `kubeplay graph --blast-radius` / `--who-can-reach`: the node ids found.
pub fn graph_nodes(nodes: &[String]) -> Result<String, Error> {
    pretty(&nodes)
}

/// `kubeplay check --format json`.
pub fn check(section: &SecuritySection) -> Result<String, Error> {
    pretty(&super::check::output(section))
}

/// `kubeplay check --format sarif`.
pub fn sarif(section: &SecuritySection) -> Result<String, Error> {
    pretty(&super::sarif::log(section))
}

/// `kubeplay admit`: every object's admission and the quotas.
pub fn admit(admission: &Admission) -> Result<String, Error> {
    pretty(admission)
}

/// `kubeplay quantity`: one entry per quantity given.
pub fn quantity(reports: &[QuantityReport]) -> Result<String, Error> {
    pretty(&reports)
}

/// `kubeplay hpa`: the simulation's steps (`None`: no simulation ran).
pub fn hpa(timeline: Option<&Timeline>) -> Result<String, Error> {
    pretty(&super::hpa::json(timeline))
}

/// `kubeplay vpa`: one VPA's output, or `{"vpas": [...]}`.
pub fn vpa(vpas: &[VpaOutput]) -> Result<String, Error> {
    pretty(&crate::scaling::vpa::to_json(vpas))
}

/// `kubeplay disrupt`: the disruption lab's report.
pub fn disrupt(report: &Disruption) -> Result<String, Error> {
    pretty(report)
}

/// `kubeplay failover`: the traffic lab's report (keys sorted, `multi-region.md` §10).
pub fn failover(report: &FailoverReport) -> Result<String, Error> {
    pretty(&report.to_json())
}

/// What `disrupt` and `failover` print for input their lab cannot run on.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Refusal<'a> {
    /// Why the lab cannot run: the first error of a manifest that did not
    /// load, or what is wrong with the scenario or the GlobalLoadBalancer.
    pub error: &'a str,
}

/// `{"error": …}` on one line: what `disrupt` and `failover` print for input
/// their lab cannot run on.
pub fn refusal(message: &str) -> Result<String, Error> {
    serde_json::to_string(&Refusal { error: message })
}

/// `kubeplay diff`: `{"changes", "endpoints"}` on one line.
pub fn diff(diff: &Diff) -> Result<String, Error> {
    serde_json::to_string(diff)
}

/// `kubeplay fix`: `{"now", "want", "fixes"}` on one line.
pub fn fix(report: &FixReport) -> Result<String, Error> {
    serde_json::to_string(report)
}

/// `kubeplay generate --format json`.
#[derive(Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GeneratedPolicies<'a> {
    /// The NetworkPolicies, as `netpol::generate` builds them (`serde_json`
    /// values; their TypeScript declaration is written by hand in `typescript.rs`).
    #[cfg_attr(feature = "ts", ts(type = "GeneratedPolicy[]"))]
    pub policies: Vec<&'a serde_json::Value>,
}

/// `kubeplay generate --format json`: `{"policies": [...]}`.
pub fn generate(generated: &[Generated]) -> Result<String, Error> {
    pretty(&GeneratedPolicies { policies: generated.iter().map(|g| &g.policy).collect() })
}
