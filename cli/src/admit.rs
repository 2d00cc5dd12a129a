//! `kubeplay admit [--format json|text] FILE...`: what the API server would answer
//! to each object applied in order, and the quotas' final usage.

use clap::Args;
use kubeplay_core::admission::{Admission, Outcome, admit};

use crate::TextOrJson;
use crate::input::{exit_status, load, report_errors};

#[derive(Args, Debug)]
pub struct AdmitArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    /// Manifest files (YAML or JSON, multi-document), applied in order; `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &AdmitArgs) -> Result<u8, String> {
    let loading = load(&args.files)?;
    let load_errors = report_errors(&loading.diagnostics);
    let admission = admit(&loading.inventory).admission;
    match args.format {
        TextOrJson::Json => {
            outln!("{}", kubeplay_core::render::json::admit(&admission).map_err(|e| e.to_string())?)
        }
        TextOrJson::Text => print_text(&admission),
    }
    let rejected = admission.objects.iter().any(|d| d.result == Outcome::Rejected);
    Ok(exit_status(load_errors || rejected))
}

fn print_text(admission: &Admission) {
    for d in &admission.objects {
        let id = match &d.namespace {
            Some(ns) => format!("{}/{}", ns, d.name),
            None => d.name.clone(),
        };
        let result = match d.result {
            Outcome::Admitted => "admitted",
            Outcome::Rejected => "REJECTED",
        };
        outln!("{result:<8} {} {id}", d.kind);
        if let Some(requests) = &d.pod_requests {
            let list: Vec<String> = requests.iter().map(|(k, v)| format!("{k}={v}")).collect();
            // A pod without requests (BestEffort, no LimitRange default) says so.
            let list = if list.is_empty() { "none".to_owned() } else { list.join(",") };
            outln!("         pod requests: {list}");
        }
        if let Some(annotation) = &d.annotation {
            outln!("         {annotation}");
        }
        if let Some(message) = &d.message {
            outln!("         {message}");
        }
    }
    print_quota_table(admission);
}

/// `quota <ns>/<name>:` then one `resource used / hard` line per hard limit.
pub fn print_quota_table(admission: &Admission) {
    for q in &admission.quotas {
        outln!("quota {}/{}:", q.namespace, q.name);
        for (resource, hard) in &q.hard {
            let used = q.used.get(resource).map_or_else(|| "0".to_owned(), ToString::to_string);
            outln!("  {resource:<24} {used:>12} / {hard}");
        }
    }
}
