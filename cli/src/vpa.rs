//! `kubeplay vpa [--format json|text] FILE...`: every VerticalPodAutoscaler of
//! the input run through the recommender, admission and the updater over the
//! usage of its `VPASimulation` (`docs/semantics/vpa.md §7`).

use clap::Args;
use kubeplay_core::scaling::vpa::{VpaOutput, run_diagnostics, simulate};

use crate::TextOrJson;
use crate::input::{exit_status, load, report_errors};

#[derive(Args, Debug)]
pub struct VpaArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    /// Manifest files (YAML or JSON, multi-document) with the VPA, its target, and a VPASimulation; `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &VpaArgs) -> Result<u8, String> {
    let loading = load(&args.files)?;
    let run = simulate(&loading.inventory);
    let errors = report_errors(&run_diagnostics(&loading, &run));
    match args.format {
        TextOrJson::Json => {
            outln!("{}", kubeplay_core::render::json::vpa(&run.vpas).map_err(|e| e.to_string())?);
        }
        TextOrJson::Text => {
            if run.vpas.is_empty() {
                outln!("no VerticalPodAutoscaler in the input");
            }
            for vpa in &run.vpas {
                print_text(vpa);
            }
        }
    }
    Ok(exit_status(errors))
}

fn list(map: &std::collections::BTreeMap<String, String>) -> String {
    if map.is_empty() {
        return "-".to_owned();
    }
    map.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(",")
}

fn print_text(vpa: &VpaOutput) {
    outln!("VerticalPodAutoscaler {}/{}", vpa.vpa.namespace, vpa.vpa.name);
    match &vpa.recommendation {
        None => outln!("  recommendation: none"),
        Some(recommendation) => {
            outln!("  {:<16} {:<24} {:<24} {:<24} uncappedTarget", "container", "target", "lowerBound", "upperBound");
            for c in &recommendation.container_recommendations {
                outln!(
                    "  {:<16} {:<24} {:<24} {:<24} {}",
                    c.container_name,
                    list(&c.target),
                    list(&c.lower_bound),
                    list(&c.upper_bound),
                    list(&c.uncapped_target)
                );
            }
        }
    }
    for pod in &vpa.pods {
        let verdict = if pod.update.candidate { "candidate" } else { "keep" };
        outln!(
            "  pod {}: {verdict}, action {} (resourceDiff {:.3}): {}",
            pod.name,
            pod.update.action,
            pod.update.resource_diff,
            pod.update.reason
        );
        for (container, requests) in &pod.requests {
            let limits = pod.limits.get(container).map(list).unwrap_or_else(|| "-".to_owned());
            outln!("    {container}: requests {} limits {limits}", list(requests));
            for note in pod.annotations.get(container).into_iter().flatten() {
                outln!("      {note}");
            }
        }
    }
    if !vpa.update_order.is_empty() {
        outln!("  update order: {}", vpa.update_order.join(", "));
    }
    outln!("  acted this loop: {}", if vpa.acted.is_empty() { "none".to_owned() } else { vpa.acted.join(", ") });
}
