//! The `kubeplay` binary: reads files or stdin, asks kubeplay-core, prints text,
//! JSON, DOT or Markdown. It routes and renders; all policy logic lives in core.

// Standard output goes through `out!`/`outln!`, never `print!` (see `write_stdout`).
#![deny(clippy::print_stdout)]

/// `print!` for standard output that ends the process quietly when the reader
/// has gone (`kubeplay … | head`), as Unix tools do, instead of panicking on
/// the broken pipe ([`write_stdout`]).
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::write_stdout(format_args!($($arg)*))
    };
}

/// `println!` through [`write_stdout`], as [`out!`].
macro_rules! outln {
    () => {
        $crate::write_stdout(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::write_stdout(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod admit;
mod analyze;
mod check;
mod diff;
mod disrupt;
mod explain;
mod failover;
mod fix;
mod generate;
mod graph;
mod hpa;
mod input;
mod netpol_args;
mod probe;
mod quantity;
mod rules;
mod vpa;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

/// Exit status: 0 no error diagnostic, 1 at least one, 2 usage or I/O error.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Writes to standard output. A reader that closed the pipe wanted no more:
/// the process ends with status 0, as ripgrep and most Unix tools do (Rust
/// ignores SIGPIPE, so `print!` would panic instead). Any other write error
/// is an I/O error (status 2).
pub fn write_stdout(text: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if let Err(error) = std::io::stdout().lock().write_fmt(text) {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(i32::from(EXIT_OK));
        }
        eprintln!("kubeplay: cannot write standard output: {error}");
        std::process::exit(i32::from(EXIT_USAGE));
    }
}

#[derive(Parser, Debug)]
#[command(
    name = "kubeplay",
    version,
    about = "Understand Kubernetes manifests offline: traffic, resources, security, scaling",
    after_help = "Exit status: 0 when the input has no error diagnostic; 1 when it has one (the output is still printed), and for `check` also when a workload fails the restricted Pod Security Standard, for `admit` when an object is rejected, for `quantity` when a quantity is invalid; 2 for a usage error, a file that cannot be read, or input a lab refuses (`disrupt`, `failover`)."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Load manifests and report objects and diagnostics.
    Analyze(analyze::AnalyzeArgs),
    /// Pod Security Standards, PodSecurityPolicy and best-practice checks.
    ///
    /// Exits 1 when the input has an error diagnostic or a workload fails the
    /// restricted Pod Security Standard (a CI gate), 2 for usage or I/O errors.
    Check(check::CheckArgs),
    /// Parse quantities as the API server does: canonical form, Value, MilliValue.
    Quantity(quantity::QuantityArgs),
    /// Apply manifests in order through LimitRange and ResourceQuota admission.
    Admit(admit::AdmitArgs),
    /// NetworkPolicy truth table for one destination port and protocol.
    Probe(probe::ProbeArgs),
    /// Why one connection is allowed or denied, rule by rule.
    Explain(explain::ExplainArgs),
    /// The NetworkPolicy reachability graph (DOT or JSON).
    Graph(graph::GraphArgs),
    /// VerticalPodAutoscaler recommendation, admission and updater over a VPASimulation.
    Vpa(vpa::VpaArgs),
    /// Traffic across regions under failure: a global load balancer, latency, failover, mesh.
    Failover(failover::FailoverArgs),
    /// Connectivity diff of two inputs: every pair whose allowed connections changed.
    Diff(diff::DiffArgs),
    /// The smallest verified edits that allow (or deny) one connection.
    Fix(fix::FixArgs),
    /// NetworkPolicies for exactly the wanted flows, verified before printing.
    Generate(generate::GenerateArgs),
    /// Every rule kubeplay reports: id, area, severity, what it checks, upstream or equivalents.
    Rules(rules::RulesArgs),
    /// Simulate a HorizontalPodAutoscaler over time (an HPASimulation of the input).
    Hpa(hpa::HpaArgs),
    /// Play a ChaosScenario: drains, evictions, node/zone/region failures, budgets, rescheduling.
    Disrupt(disrupt::DisruptArgs),
}

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum TextOrJson {
    #[default]
    Text,
    Json,
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(if error.use_stderr() { EXIT_USAGE } else { EXIT_OK });
        }
    };
    let result = match cli.command {
        Command::Analyze(args) => analyze::run(&args),
        Command::Check(args) => check::run(&args),
        Command::Quantity(args) => quantity::run(&args),
        Command::Admit(args) => admit::run(&args),
        Command::Probe(args) => probe::run(&args),
        Command::Explain(args) => explain::run(&args),
        Command::Graph(args) => graph::run(&args),
        Command::Vpa(args) => vpa::run(&args),
        Command::Failover(args) => failover::run(&args),
        Command::Diff(args) => diff::run(&args),
        Command::Fix(args) => fix::run(&args),
        Command::Generate(args) => generate::run(&args),
        Command::Rules(args) => rules::run(&args),
        Command::Hpa(args) => hpa::run(&args),
        Command::Disrupt(args) => disrupt::run(&args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("kubeplay: {message}");
            ExitCode::from(EXIT_USAGE)
        }
    }
}
