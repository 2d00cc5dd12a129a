//! `kubeplay generate FILE... --flows FLOWS.yaml [--format yaml|json]`
//!
//! NetworkPolicies for exactly the wanted flows (`docs/semantics/netpol.md`
//! §46), verified by the engine before they are printed. When no label
//! selector can express the flows, nothing is printed and the status is 1.

use clap::{Args, ValueEnum};
use kubeplay_core::netpol::generate::{GenerateError, generate, parse_flows, to_yaml};

use crate::input::{exit_status, load, report_errors};
use crate::netpol_args::PolicyOptions;
use crate::{EXIT_FINDINGS, EXIT_USAGE};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum GenerateFormat {
    #[default]
    Yaml,
    Json,
}

#[derive(Args, Debug)]
pub struct GenerateArgs {
    /// Output format: YAML ready to apply (each policy with a comment), or `{"policies": [...]}`.
    #[arg(long, value_enum, default_value_t)]
    format: GenerateFormat,
    /// The wanted flows: `{flows: [{from: ID, to: ID, port: 80, protocol: TCP}], dns: true}`.
    #[arg(long, value_name = "FLOWS.yaml")]
    flows: String,
    #[command(flatten)]
    policy: PolicyOptions,
    /// Manifest files (YAML or JSON, multi-document); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &GenerateArgs) -> Result<u8, String> {
    let text = std::fs::read_to_string(&args.flows).map_err(|e| format!("cannot read {}: {e}", args.flows))?;
    let flows = parse_flows(&text).map_err(|e| format!("{}: {e}", args.flows))?;
    let loading = load(&args.files)?;
    let errors = report_errors(&loading.diagnostics);
    let generated = match generate(&loading.inventory, &args.policy.options(), &flows) {
        Ok(generated) => generated,
        Err(error @ (GenerateError::Indistinguishable { .. } | GenerateError::Unverified { .. })) => {
            eprintln!("kubeplay: {error}");
            return Ok(EXIT_FINDINGS);
        }
        Err(error) => {
            eprintln!("kubeplay: {}: {error}", args.flows);
            return Ok(EXIT_USAGE);
        }
    };
    match args.format {
        GenerateFormat::Json => {
            outln!("{}", kubeplay_core::render::json::generate(&generated).map_err(|e| e.to_string())?)
        }
        GenerateFormat::Yaml => out!("{}", to_yaml(&generated)),
    }
    Ok(exit_status(errors))
}
