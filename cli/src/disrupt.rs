//! `kubeplay disrupt [--format json|text] FILE...`: plays the input's
//! `ChaosScenario` (or none: the cluster at rest) through the disruption lab
//! and prints the report (`docs/semantics/disruption.md` §10). Exit status 0
//! when a report is produced, whatever it says; 2 with `{"error": …}` for
//! input the lab cannot run on.

use clap::Args;
use kubeplay_core::Loading;
use kubeplay_core::resilience::report::{Event, Stream};
use kubeplay_core::resilience::{Disruption, Options, load_refusal, simulate};

use crate::input::load;
use crate::{EXIT_OK, EXIT_USAGE, TextOrJson};

#[derive(Args, Debug)]
pub struct DisruptArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    /// Manifest files (Nodes, workloads, PodDisruptionBudgets and at most one ChaosScenario); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &DisruptArgs) -> Result<u8, String> {
    let loading = load(&args.files)?;
    if let Some(status) = refuse_load_errors(&loading, args.format) {
        return Ok(status);
    }
    match simulate(&loading.inventory, Options::default()) {
        Ok(report) => {
            match args.format {
                TextOrJson::Json => {
                    outln!("{}", kubeplay_core::render::json::disrupt(&report).map_err(|e| e.to_string())?);
                }
                TextOrJson::Text => print_text(&report),
            }
            Ok(EXIT_OK)
        }
        Err(error) => {
            if let Some(d) = error.to_diagnostic() {
                eprintln!("{}", d.to_text());
            }
            Ok(refuse(args.format, &error.message))
        }
    }
}

/// A manifest that did not load would silently change the lab: refuse, with
/// every error on stderr and the first as the `error`.
pub fn refuse_load_errors(loading: &Loading, format: TextOrJson) -> Option<u8> {
    let refusal = load_refusal(loading)?;
    for d in loading.diagnostics.iter().filter(|d| d.is_error()).chain(&refusal.undecodable) {
        eprintln!("{}", d.to_text());
    }
    Some(refuse(format, &refusal.message))
}

/// `{"error": …}` (or `error: …` as text) and exit status 2.
pub fn refuse(format: TextOrJson, message: &str) -> u8 {
    match format {
        TextOrJson::Json => match kubeplay_core::render::json::refusal(message) {
            Ok(json) => outln!("{json}"),
            Err(error) => eprintln!("kubeplay: {error}"),
        },
        TextOrJson::Text => outln!("error: {message}"),
    }
    EXIT_USAGE
}

/// One event as the text report prints it (also `kubeplay failover`'s).
pub fn describe(event: &Event) -> String {
    let mut parts = vec![event.kind.to_owned()];
    if let (Some(ns), Some(pod)) = (&event.namespace, &event.pod) {
        parts.push(format!("pod/{ns}/{pod}"));
    }
    if let Some(node) = &event.node {
        parts.push(format!("node/{node}"));
    }
    if let Some(zone) = &event.zone {
        parts.push(format!("zone/{zone}"));
    }
    if let Some(region) = &event.region {
        parts.push(format!("region/{region}"));
    }
    if let Some(alert) = &event.alert {
        parts.push(format!("alert/{alert}"));
    }
    if let Some(message) = &event.message {
        parts.push(format!("— {message}"));
    }
    parts.join(" ")
}

/// Time-ordered: events, and each drain's output as kubectl prints it
/// (`$` lines on stdout, `!` lines on stderr).
fn print_text(report: &Disruption) {
    // (t, events before it, tie-break, text): a drain line follows the events
    // made before it was printed.
    let mut lines: Vec<(i64, usize, usize, String)> = Vec::new();
    for (i, event) in report.events.iter().enumerate() {
        lines.push((event.t, i, 0, describe(event)));
    }
    for drain in &report.drains {
        for line in &drain.lines {
            let mark = if line.stream == Stream::Stdout { "$" } else { "!" };
            lines.push((line.t, line.events, 1, format!("{mark} {}", line.text)));
        }
    }
    for e in report.evictions.iter().filter(|e| e.drain.is_none()) {
        let message = e.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
        lines.push((e.t, usize::MAX, 2, format!("Eviction {}/{} → {}{message}", e.namespace, e.pod, e.code)));
    }
    lines.sort_by_key(|(t, events, tie, _)| (*t, *events, *tie));
    for (t, _, _, line) in &lines {
        outln!("t={t:<6} {line}");
    }
    outln!();
    outln!("at t={}:", report.final_state.t);
    for pdb in &report.final_state.pdbs {
        outln!(
            "  pdb {}/{}: expected {}, desired {}, healthy {}, allowed {} ({})",
            pdb.namespace,
            pdb.name,
            pdb.expected_pods,
            pdb.desired_healthy,
            pdb.current_healthy,
            pdb.disruptions_allowed,
            pdb.condition.reason
        );
    }
    for w in &report.final_state.workloads {
        outln!("  {} {}/{}: {}/{} ready", w.kind, w.namespace, w.name, w.ready, w.desired);
    }
    for d in &report.drains {
        outln!("  drain {}: {}", d.node, d.result);
    }
    for a in &report.alerts {
        outln!(
            "  alert {}: {} (pending {:?}, firing {:?}, resolved {:?})",
            a.name,
            a.state,
            a.pending_at,
            a.firing_at,
            a.resolved_at
        );
    }
}
