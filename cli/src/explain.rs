//! `kubeplay explain FILE... --from ID --to ID --port 80/TCP [--format text|json]`
//!
//! `--to` may name a Service (`ns/name[Service]`); `--port` is then the Service
//! port, and each backend pod is explained at its targetPort.

use clap::Args;
use kubeplay_core::netpol::explain::{DecidedBy, Explanation};
use kubeplay_core::netpol::service::{ConnectionExplanation, explain_connection};
use kubeplay_core::netpol::{Engine, Protocol};

use crate::TextOrJson;
use crate::input::{exit_status, load, report_errors};
use crate::netpol_args::{PolicyOptions, parse_port_protocol};

#[derive(Args, Debug)]
pub struct ExplainArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    /// Source: `ns/name` (Pod), `ns/name[Deployment]` (workload) or `external:IP_OR_CIDR`.
    #[arg(long)]
    from: String,
    /// Destination, as for --from, or a Service `ns/name[Service]`.
    #[arg(long)]
    to: String,
    /// Destination port and protocol, e.g. `80/TCP` (protocol defaults to TCP).
    #[arg(long, value_parser = parse_port_protocol)]
    port: (u16, Protocol),
    #[command(flatten)]
    policy: PolicyOptions,
    /// Manifest files (YAML or JSON, multi-document); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &ExplainArgs) -> Result<u8, String> {
    let loading = load(&args.files)?;
    let engine = Engine::new(&loading.inventory, &args.policy.options());
    let errors = report_errors(&loading.diagnostics) | report_errors(&engine.diagnostics);
    let (port, protocol) = args.port;
    let answer = explain_connection(&engine, &loading.inventory, &args.from, &args.to, port, protocol)
        .map_err(|failure| failure.error.to_string())?;
    match (args.format, &answer) {
        (TextOrJson::Json, _) => {
            outln!("{}", kubeplay_core::render::json::explain(&answer).map_err(|e| e.to_string())?)
        }
        (TextOrJson::Text, ConnectionExplanation::Direct(explanation)) => out!("{}", render(explanation)),
        (TextOrJson::Text, ConnectionExplanation::ViaService(hops)) => {
            for hop in hops {
                outln!("{}", hop.via_service.flow);
                out!("{}", render(&hop.explanation));
                outln!();
            }
        }
    }
    Ok(exit_status(errors))
}

fn render(e: &Explanation) -> String {
    let verdict = if e.allowed { "ALLOWED" } else { "DENIED" };
    let mut out = format!("{verdict}: {} → {} on {}/{}\n", e.from, e.to, e.port, e.protocol);
    if e.decided_by != DecidedBy::Policies {
        out.push_str(&format!("  {}\n", e.summary));
    } else {
        for side in [&e.egress, &e.ingress] {
            let mark = if side.allowed { "ok" } else { "blocked" };
            out.push_str(&format!("  {} of {} [{mark}]\n", side.direction.field(), side.endpoint));
            out.push_str(&format!("    {}\n", side.text));
            for m in &side.matches {
                out.push_str(&format!(
                    "    -> {}:{} ({})\n",
                    m.location.file,
                    m.location.span.line,
                    m.location.path.as_deref().unwrap_or("")
                ));
            }
        }
    }
    for note in &e.notes {
        out.push_str(&format!("  note: {note}\n"));
    }
    out
}
