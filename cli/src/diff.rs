//! `kubeplay diff [--format json|text|md|csv] --before FILE... --after FILE... [--exit-code]`
//!
//! The connectivity diff of two inputs (`docs/semantics/netpol.md` §44). JSON is
//! exactly `{"changes": [...], "endpoints": {"added", "removed"}}`; the other
//! formats print the same rows. Exit status: 1 when either input has an error
//! diagnostic (what loaded is still diffed), else 3 with `--exit-code` when
//! something changed, else 0.

use clap::{Args, ValueEnum};
use kubeplay_core::netpol::Engine;
use kubeplay_core::netpol::diff::{Change, Diff, diff};

use crate::input::{load, report_errors};
use crate::netpol_args::PolicyOptions;
use crate::{EXIT_FINDINGS, EXIT_OK};

/// Exit status with `--exit-code` when the connectivity changed.
pub const EXIT_CHANGED: u8 = 3;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum DiffFormat {
    #[default]
    Json,
    Text,
    Md,
    Csv,
}

#[derive(Args, Debug)]
pub struct DiffArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: DiffFormat,
    /// The manifests before the change (YAML or JSON, multi-document; `-` reads standard input).
    #[arg(long, num_args = 1.., required = true, value_name = "FILE")]
    before: Vec<String>,
    /// The manifests after the change.
    #[arg(long, num_args = 1.., required = true, value_name = "FILE")]
    after: Vec<String>,
    /// Exit with status 3 when the connectivity changed (as `git diff --exit-code`).
    #[arg(long)]
    exit_code: bool,
    #[command(flatten)]
    policy: PolicyOptions,
}

pub fn run(args: &DiffArgs) -> Result<u8, String> {
    if args.before.iter().chain(&args.after).filter(|f| *f == "-").count() > 1 {
        return Err("--before and --after cannot both read standard input (-)".to_owned());
    }
    let old = load(&args.before)?;
    let new = load(&args.after)?;
    let options = args.policy.options();
    let (before, after) = (Engine::new(&old.inventory, &options), Engine::new(&new.inventory, &options));
    let errors = report_errors(&old.diagnostics)
        | report_errors(&before.diagnostics)
        | report_errors(&new.diagnostics)
        | report_errors(&after.diagnostics);
    let result = diff(&before, &after);
    let out = match args.format {
        DiffFormat::Json => format!("{}\n", kubeplay_core::render::json::diff(&result).map_err(|e| e.to_string())?),
        DiffFormat::Text => text(&result),
        DiffFormat::Md => markdown(&result),
        DiffFormat::Csv => csv(&result),
    };
    out!("{out}");
    Ok(if errors {
        EXIT_FINDINGS
    } else if args.exit_code && !result.is_empty() {
        EXIT_CHANGED
    } else {
        EXIT_OK
    })
}

fn endpoint_text(change: &Change) -> &'static str {
    change.endpoint.map_or("", |e| e.as_str())
}

pub fn text(d: &Diff) -> String {
    let mut out = String::new();
    for c in &d.changes {
        out.push_str(&format!(
            "diff-type: {}, source: {}, destination: {}, before: {}, after: {}",
            c.kind.as_str(),
            c.source,
            c.destination,
            c.before,
            c.after
        ));
        if let Some(endpoint) = c.endpoint {
            out.push_str(&format!(", endpoint: {}", endpoint.as_str()));
        }
        out.push('\n');
    }
    for (mark, list) in [("added", &d.endpoints.added), ("removed", &d.endpoints.removed)] {
        for id in list {
            out.push_str(&format!("endpoint {mark}: {id}\n"));
        }
    }
    if d.is_empty() {
        out.push_str("no connectivity changes\n");
    }
    out
}

/// Markdown cells: `|` escaped, so ids and sets never break the table.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

pub fn markdown(d: &Diff) -> String {
    let mut out =
        String::from("| diff-type | source | destination | before | after | endpoint |\n|---|---|---|---|---|---|\n");
    for c in &d.changes {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} |\n",
            c.kind.as_str(),
            cell(&c.source),
            cell(&c.destination),
            c.before,
            c.after,
            endpoint_text(c)
        ));
    }
    for (mark, list) in [("added", &d.endpoints.added), ("removed", &d.endpoints.removed)] {
        if !list.is_empty() {
            out.push_str(&format!("\nEndpoints {mark}:\n\n"));
            for id in list {
                out.push_str(&format!("- `{id}`\n"));
            }
        }
    }
    out
}

/// RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) { format!("\"{}\"", text.replace('"', "\"\"")) } else { text.to_owned() }
}

pub fn csv(d: &Diff) -> String {
    let mut out = String::from("diff-type,source,destination,before,after,endpoint\n");
    for c in &d.changes {
        let fields = [
            c.kind.as_str().to_owned(),
            c.source.clone(),
            c.destination.clone(),
            c.before.to_string(),
            c.after.to_string(),
            endpoint_text(c).to_owned(),
        ];
        out.push_str(&fields.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","));
        out.push('\n');
    }
    out
}
