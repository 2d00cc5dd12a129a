//! `kubeplay check [--format json|text|sarif] [--pss-version vX.Y|latest] FILE... | -`

use clap::{Args, ValueEnum};
use kubeplay_core::diagnostic::Diagnostic;
use kubeplay_core::netpol::{Engine, NetpolOptions};
use kubeplay_core::render;
use kubeplay_core::security::pss::PolicyVersion;
use kubeplay_core::security::{self, Options, SecuritySection};

use crate::input::{exit_status, load, report_errors};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CheckFormat {
    #[default]
    Text,
    Json,
    Sarif,
}

#[derive(Args, Debug)]
pub struct CheckArgs {
    /// Output format: text, the JSON contract, or SARIF 2.1.0.
    #[arg(long, value_enum, default_value_t)]
    format: CheckFormat,
    /// Pod Security Standards version: `latest` or `v1.N` (v1.0 … newer are clamped to the newest policy).
    #[arg(long, default_value = "latest", value_parser = PolicyVersion::parse_argument)]
    pss_version: PolicyVersion,
    /// Manifest files (YAML or JSON, multi-document); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &CheckArgs) -> Result<u8, String> {
    let loading = load(&args.files)?;
    let load_errors = report_errors(&loading.diagnostics);
    let engine = Engine::new(&loading.inventory, &NetpolOptions::default());
    let section = security::analyze(&loading.inventory, &engine, &Options { pss_version: args.pss_version });
    match args.format {
        CheckFormat::Json => outln!("{}", render::json::check(&section).map_err(|e| e.to_string())?),
        CheckFormat::Sarif => outln!("{}", render::json::sarif(&section).map_err(|e| e.to_string())?),
        CheckFormat::Text => print_text(&section),
    }
    let failing = section.workloads.iter().any(|w| !w.restricted.pass);
    Ok(exit_status(failing || load_errors))
}

fn print_text(section: &SecuritySection) {
    for w in &section.workloads {
        outln!("{} ({}:{})", w.id, w.location.file, w.location.span.line);
        for (name, verdict) in [("baseline", &w.baseline), ("restricted", &w.restricted)] {
            if verdict.pass {
                outln!("  {name:<10} pass");
            } else {
                outln!("  {name:<10} FAIL {}", verdict.failing.join(", "));
                for f in &verdict.failures {
                    outln!(
                        "    {}:{}:{}: {} ({})",
                        f.location.file,
                        f.location.span.line,
                        f.location.span.column,
                        f.reason,
                        f.detail
                    );
                }
            }
        }
        if let Some(message) = &w.restricted.message {
            outln!("  {message}");
        }
        let a = &w.admission;
        match &a.rejection {
            Some(rejection) => outln!("  apply (enforce {}): rejected: {rejection}", a.enforce),
            None => outln!("  apply (enforce {}): admitted", a.enforce),
        }
        for warning in a.warnings.iter().chain(&w.api_warnings) {
            outln!("    Warning: {warning}");
        }
        if let Some(psp) = &w.psp {
            match (&psp.chosen, &psp.rejection) {
                (Some(chosen), _) => outln!("  PodSecurityPolicy: admitted by {chosen:?}"),
                (None, Some(rejection)) => outln!("  PodSecurityPolicy: {rejection}"),
                (None, None) => {}
            }
            if let Some(access) = &psp.access {
                outln!("    {}", access.note);
            }
            for e in &psp.evaluations {
                for m in &e.mutations {
                    outln!("    {} mutates {m}", e.policy);
                }
                for error in &e.errors {
                    outln!("    {} rejects: {error}", e.policy);
                }
                if !e.authorized {
                    outln!("    {} is not usable by this pod's service account", e.policy);
                }
                for error in &e.provider_errors {
                    outln!("    {} is skipped (no provider can be built): {error}", e.policy);
                }
                if let Some(pod) = &e.mutated_pod {
                    outln!("    pod as mutated by {}: {pod}", e.policy);
                }
            }
        }
        print_findings(section, &w.findings);
    }
    for o in &section.objects {
        outln!("{}", o.id);
        print_findings(section, &o.findings);
    }
    for ns in &section.namespaces {
        outln!(
            "namespace {:?}: enforce {}, audit {}, warn {}",
            ns.name,
            ns.policy.enforce,
            ns.policy.audit,
            ns.policy.warn
        );
        for error in &ns.policy.errors {
            outln!("  invalid label: {error}");
        }
        for warning in &ns.label_warnings {
            outln!("  Warning: {warning}");
        }
    }
    for p in &section.psp_policies {
        for problem in &p.problems {
            outln!("PodSecurityPolicy {:?} ({}:{}): {problem}", p.name, p.location.file, p.location.span.line);
        }
    }
    let failing = section.workloads.iter().filter(|w| !w.restricted.pass).count();
    outln!(
        "{} workloads checked at Pod Security Standards {}; {} fail restricted",
        section.workloads.len(),
        section.pss_version,
        failing
    );
}

/// Best-practice findings with the other tools' ids and the fix.
fn print_findings(section: &SecuritySection, findings: &[Diagnostic]) {
    for f in findings {
        outln!("  {}", f.to_text());
        if let Some(rule) = section.rules.iter().find(|r| r.id == f.code)
            && !rule.equivalents.is_empty()
        {
            let same: Vec<String> =
                rule.equivalents.iter().map(|(tool, ids)| format!("{tool} {}", ids.join("/"))).collect();
            outln!("    same as: {}", same.join("; "));
        }
        if let Some(fix) = &f.fix {
            outln!("    fix: {}", fix.replace('\n', "\n         "));
        }
    }
}
