//! `kubeplay fix FILE... --from ID --to ID --port P/PROTO --want allow|deny [--format json|text]`
//!
//! The smallest single-object edits that give one connection the wanted
//! verdict, each verified by re-running the engine on the patched input
//! (`docs/semantics/netpol.md` §45). JSON is exactly `{"now", "want", "fixes"}`.

use clap::{Args, ValueEnum};
use kubeplay_core::netpol::fix::{FixError, FixQuery, FixReport, fix_with_engine};
use kubeplay_core::netpol::{Engine, Protocol};

use crate::TextOrJson;
use crate::input::{exit_status, load, report_errors};
use crate::netpol_args::{PolicyOptions, parse_port_protocol};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    Allow,
    Deny,
}

#[derive(Args, Debug)]
pub struct FixArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Json)]
    format: TextOrJson,
    /// Source: `ns/name` (Pod), `ns/name[Deployment]` (workload) or `external:IP_OR_CIDR`.
    #[arg(long)]
    from: String,
    /// Destination, as for --from.
    #[arg(long)]
    to: String,
    /// Destination port and protocol, e.g. `5000/TCP` (protocol defaults to TCP).
    #[arg(long, value_parser = parse_port_protocol)]
    port: (u16, Protocol),
    /// The verdict wanted for the connection.
    #[arg(long, value_enum)]
    want: Want,
    #[command(flatten)]
    policy: PolicyOptions,
    /// Manifest files (YAML or JSON, multi-document); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &FixArgs) -> Result<u8, String> {
    let loading = load(&args.files)?;
    let options = args.policy.options();
    let engine = Engine::new(&loading.inventory, &options);
    let errors = report_errors(&loading.diagnostics) | report_errors(&engine.diagnostics);
    let (port, protocol) = args.port;
    let query =
        FixQuery { from: args.from.clone(), to: args.to.clone(), port, protocol, want: args.want == Want::Allow };
    let report = fix_with_engine(&loading.inventory, &engine, &options, &query).map_err(|error| match error {
        FixError::Endpoint { argument, error } => format!("--{argument}: {error}"),
        other => other.to_string(),
    })?;
    match args.format {
        TextOrJson::Json => outln!("{}", kubeplay_core::render::json::fix(&report).map_err(|e| e.to_string())?),
        TextOrJson::Text => out!("{}", text(&report, &query)),
    }
    Ok(exit_status(errors))
}

fn verdict(allowed: bool) -> &'static str {
    if allowed { "allowed" } else { "denied" }
}

fn text(report: &FixReport, query: &FixQuery) -> String {
    let mut out = format!(
        "{} → {} on {}/{}: now {}, wanted {}\n",
        query.from,
        query.to,
        query.port,
        query.protocol,
        verdict(report.now),
        verdict(report.want)
    );
    if report.now == report.want {
        out.push_str("nothing to change\n");
        return out;
    }
    if report.fixes.is_empty() {
        out.push_str("no single-object change reaches it\n");
    }
    for (i, fix) in report.fixes.iter().enumerate() {
        let place = match (&fix.file, fix.line) {
            (Some(file), Some(line)) => format!("{file}:{line}"),
            _ => "new object".to_owned(),
        };
        out.push_str(&format!(
            "\n{}. {} on {} ({place}), {} side effect(s)\n",
            i + 1,
            fix.kind.as_str(),
            fix.object,
            fix.side_effects.len()
        ));
        for line in fix.yaml.lines() {
            out.push_str(&format!("   {line}\n"));
        }
        for effect in fix.side_effects.to_vec() {
            out.push_str(&format!(
                "   also: {} → {} becomes {}\n",
                effect.source,
                effect.destination,
                verdict(effect.after)
            ));
        }
    }
    out
}
