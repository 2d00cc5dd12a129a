//! `kubeplay probe [--format json|table] FILE... --port P --protocol TCP|UDP|SCTP [--external IP_OR_CIDR]...`
//!
//! JSON is exactly `{"port", "protocol", "pods", "allowed"}` (`docs/semantics/netpol.md`): other
//! tools parse it. Error diagnostics go to stderr and make the exit status 1.

use clap::{Args, ValueEnum};
use kubeplay_core::netpol::{Engine, Probe, ProbeQuery, Protocol, ip::parse_ip_or_cidr, probe_engine};

use crate::input::{exit_status, load, report_errors};
use crate::netpol_args::{PolicyOptions, parse_protocol};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ProbeFormat {
    #[default]
    Json,
    Table,
}

#[derive(Args, Debug)]
pub struct ProbeArgs {
    /// Output format: JSON, or a truth table (`.` allowed, `X` denied) as cyclonus prints.
    #[arg(long, value_enum, default_value_t)]
    format: ProbeFormat,
    /// Destination port.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    port: u16,
    /// TCP, UDP or SCTP (any case).
    #[arg(long, value_parser = parse_protocol, default_value = "TCP")]
    protocol: Protocol,
    /// An address outside the cluster, as an IP or CIDR (repeatable).
    #[arg(long = "external", value_name = "IP_OR_CIDR")]
    externals: Vec<String>,
    #[command(flatten)]
    policy: PolicyOptions,
    /// Manifest files (YAML or JSON, multi-document); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &ProbeArgs) -> Result<u8, String> {
    for external in &args.externals {
        parse_ip_or_cidr(external).map_err(|e| format!("--external {e}"))?;
    }
    let loading = load(&args.files)?;
    let engine = Engine::new(&loading.inventory, &args.policy.options());
    let errors = report_errors(&loading.diagnostics) | report_errors(&engine.diagnostics);
    let query = ProbeQuery { port: args.port, protocol: args.protocol, externals: args.externals.clone() };
    let probe = probe_engine(&engine, &query);
    match args.format {
        ProbeFormat::Json => outln!("{}", kubeplay_core::render::json::probe(&probe).map_err(|e| e.to_string())?),
        ProbeFormat::Table => out!("{}", truth_table(&probe)),
    }
    Ok(exit_status(errors))
}

/// The grid cyclonus prints: sources down, destinations across.
pub fn truth_table(probe: &Probe) -> String {
    let corner = format!("{}/{}", probe.protocol, probe.port);
    let first = probe.pods.iter().map(|p| p.chars().count()).chain([corner.chars().count()]).max().unwrap_or(0);
    let widths: Vec<usize> = probe.pods.iter().map(|p| p.chars().count()).collect();
    let rule = {
        let mut line = format!("+{}", "-".repeat(first + 2));
        for w in &widths {
            line.push_str(&format!("+{}", "-".repeat(w + 2)));
        }
        line.push_str("+\n");
        line
    };
    let mut out = rule.clone();
    out.push_str(&format!("| {corner:<first$} "));
    for pod in &probe.pods {
        out.push_str(&format!("| {pod} "));
    }
    out.push_str("|\n");
    out.push_str(&rule);
    for (i, from) in probe.pods.iter().enumerate() {
        out.push_str(&format!("| {from:<first$} "));
        for (j, w) in widths.iter().enumerate() {
            let allowed = probe.allowed.get(i).and_then(|row| row.get(j)).copied().unwrap_or(false);
            let mark = if allowed { "." } else { "X" };
            out.push_str(&format!("| {mark:<w$} "));
        }
        out.push_str("|\n");
    }
    out.push_str(&rule);
    out
}
