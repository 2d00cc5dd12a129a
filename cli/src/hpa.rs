//! `kubeplay hpa [--format json|text] FILE...`: the input's `HPASimulation`
//! run through the HPA controller, one step per reconcile. The JSON contract
//! is `kubeplay_core::render::hpa` (`docs/semantics/hpa.md §5`); problems in
//! the input go to stderr.

use clap::Args;
use kubeplay_core::render::hpa::text;
use kubeplay_core::scaling::hpa::simulation::simulate;

use crate::TextOrJson;
use crate::input::{exit_status, load, report_errors};

#[derive(Args, Debug)]
pub struct HpaArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    /// Manifest files with an HPASimulation, its HPA and target (YAML or JSON); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &HpaArgs) -> Result<u8, String> {
    let loading = load(&args.files)?;
    let run = simulate(&loading.inventory);
    let mut errors = report_errors(&loading.diagnostics);
    errors |= report_errors(&run.diagnostics);
    if !run.found {
        eprintln!("kubeplay: the input has no HPASimulation (apiVersion kubeplay.dev/v1alpha1) to run");
        errors = true;
    }
    match args.format {
        TextOrJson::Json => {
            outln!("{}", kubeplay_core::render::json::hpa(run.timeline.as_ref()).map_err(|e| e.to_string())?);
        }
        TextOrJson::Text => match &run.timeline {
            Some(timeline) => out!("{}", text(timeline)),
            None => outln!("no simulation ran"),
        },
    }
    Ok(exit_status(errors || run.timeline.is_none()))
}
