//! `kubeplay rules [--format text|json|md]`: every rule kubeplay reports, from
//! the tables the engine uses.

use clap::{Args, ValueEnum};
use kubeplay_core::render::rules::{markdown, rule_reference};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RulesFormat {
    #[default]
    Text,
    Json,
    Md,
}

#[derive(Args, Debug)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: RulesFormat,
}

pub fn run(args: &RulesArgs) -> Result<u8, String> {
    let rules = rule_reference();
    match args.format {
        RulesFormat::Json => outln!("{}", serde_json::to_string_pretty(&rules).map_err(|e| e.to_string())?),
        RulesFormat::Md => out!("{}", markdown(&rules)),
        RulesFormat::Text => {
            for rule in &rules {
                outln!("{} [{}, {}]: {}", rule.id, rule.area.label(), rule.severity.as_str(), rule.checks);
            }
        }
    }
    Ok(0)
}
