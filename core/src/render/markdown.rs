//! The report as Markdown.

use std::fmt::Write as _;

use crate::report::Report;

/// The report as Markdown, for pasting into docs and pull requests.
pub fn report(report: &Report) -> String {
    let mut out =
        format!("# kubeplay report\n\nkubeplay {} · Kubernetes {}\n\n", report.kubeplay, crate::KUBERNETES_VERSION);
    let _ = writeln!(out, "## Objects ({})\n", report.objects.len());
    if !report.objects.is_empty() {
        out.push_str("| kind | namespace | name | where |\n|---|---|---|---|\n");
        for o in &report.objects {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {}:{} |",
                o.kind,
                o.namespace.as_deref().unwrap_or("—"),
                o.name,
                o.location.file,
                o.location.span.line
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "## Findings ({})\n", report.diagnostics.len());
    for d in &report.diagnostics {
        let _ = writeln!(
            out,
            "- **{}** `{}` {}:{}:{} — {}",
            d.severity.as_str(),
            d.code,
            d.location.file,
            d.location.span.line,
            d.location.span.column,
            d.message.replace('\n', " ")
        );
    }
    if !report.admission.quotas.is_empty() {
        out.push_str("\n## Quotas\n\n| namespace | quota | resource | used | hard |\n|---|---|---|---|---|\n");
        for quota in &report.admission.quotas {
            for (resource, hard) in &quota.hard {
                let used = quota.used.get(resource).map(ToString::to_string).unwrap_or_else(|| "0".to_owned());
                let _ = writeln!(out, "| {} | {} | {} | {} | {} |", quota.namespace, quota.name, resource, used, hard);
            }
        }
    }
    out
}
