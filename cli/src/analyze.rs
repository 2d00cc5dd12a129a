//! `kubeplay analyze [--format json|text] FILE... | -`

use clap::Args;

use crate::TextOrJson;
use crate::input::{exit_status, load};

#[derive(Args, Debug)]
pub struct AnalyzeArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    /// Manifest files (YAML or JSON, multi-document); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &AnalyzeArgs) -> Result<u8, String> {
    // The report carries every diagnostic, so nothing goes to stderr.
    let report = kubeplay_core::analyze_loading(&load(&args.files)?);
    match args.format {
        TextOrJson::Json => {
            outln!("{}", kubeplay_core::render::json::analyze(&report).map_err(|e| e.to_string())?);
        }
        TextOrJson::Text => {
            for diagnostic in &report.diagnostics {
                outln!("{}", diagnostic.to_text());
            }
            crate::admit::print_quota_table(&report.admission);
            let netpol = &report.netpol;
            if netpol.policies > 0 {
                outln!(
                    "NetworkPolicy: {} policies over {} pods/workloads; not isolated for ingress: {}, for egress: {}",
                    netpol.policies,
                    netpol.endpoints,
                    netpol.not_isolated_ingress.len(),
                    netpol.not_isolated_egress.len()
                );
                for ns in &netpol.namespaces_without_default_deny {
                    let missing: Vec<&str> = [(!ns.ingress).then_some("ingress"), (!ns.egress).then_some("egress")]
                        .into_iter()
                        .flatten()
                        .collect();
                    outln!("  namespace {} has no default deny for {}", ns.namespace, missing.join(" and "));
                }
                for flow in &netpol.service_flows {
                    outln!("  {flow}");
                }
            }
            let errors = report.diagnostics.iter().filter(|d| d.is_error()).count();
            outln!(
                "{} objects loaded, {} errors, {} other diagnostics",
                report.objects.len(),
                errors,
                report.diagnostics.len() - errors
            );
        }
    }
    Ok(exit_status(report.has_errors()))
}
