//! `kubeplay quantity [--format json|text] [--] Q...`: how the API server reads quantities.

use clap::Args;
use kubeplay_core::quantity::QuantityReport;

use crate::TextOrJson;
use crate::input::exit_status;

#[derive(Args, Debug)]
pub struct QuantityArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    /// Quantities such as 1.5Gi, 250m, 1e3 (negative values may need `--` first).
    #[arg(required = true, allow_hyphen_values = true)]
    quantities: Vec<String>,
}

pub fn run(args: &QuantityArgs) -> Result<u8, String> {
    let reports: Vec<QuantityReport> = args.quantities.iter().map(|q| QuantityReport::of(q)).collect();
    match args.format {
        TextOrJson::Json => {
            outln!("{}", kubeplay_core::render::json::quantity(&reports).map_err(|e| e.to_string())?);
        }
        TextOrJson::Text => {
            let show = |v: Option<i64>| v.map_or_else(|| "overflow".to_owned(), |v| v.to_string());
            for r in &reports {
                match (&r.canonical, &r.error) {
                    (Some(canonical), _) => {
                        outln!("{:?} = {canonical} (value {}, milli {})", r.input, show(r.value), show(r.milli_value))
                    }
                    (None, error) => {
                        outln!("{:?}: invalid: {}", r.input, error.as_deref().unwrap_or(""))
                    }
                }
            }
        }
    }
    Ok(exit_status(!reports.iter().all(|r| r.valid)))
}
