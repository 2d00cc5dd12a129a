//! `kubeplay failover [--format json|text] FILE...`: the traffic lab of
//! `docs/semantics/multi-region.md` (JSON contract in its §10 for the shape;
//! exit 0 with a report, 2 with `{"error": …}` for invalid input).

use clap::Args;
use kubeplay_core::resilience::traffic::Ratio;
use kubeplay_core::resilience::traffic::lab::{FailoverReport, failover_inventory};

use crate::disrupt::{describe, refuse, refuse_load_errors};
use crate::input::load;
use crate::{EXIT_OK, TextOrJson};

#[derive(Args, Debug)]
pub struct FailoverArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t)]
    format: TextOrJson,
    /// Manifest files (with at most one GlobalLoadBalancer and one ChaosScenario), or - for standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

/// As `kubeplay disrupt`: a report and exit 0, or `{"error": …}` and exit 2
/// (with the located diagnostic on stderr).
pub fn run(args: &FailoverArgs) -> Result<u8, String> {
    let loading = load(&args.files)?;
    if let Some(status) = refuse_load_errors(&loading, args.format) {
        return Ok(status);
    }
    let report = match failover_inventory(&loading.inventory) {
        Ok(report) => report,
        Err(error) => {
            if let Some(d) = &error.diagnostic {
                eprintln!("{}", d.to_text());
            }
            return Ok(refuse(args.format, &error.message));
        }
    };
    match args.format {
        TextOrJson::Json => {
            outln!("{}", kubeplay_core::render::json::failover(&report).map_err(|e| e.to_string())?);
        }
        TextOrJson::Text => out!("{}", text(&report)),
    }
    Ok(EXIT_OK)
}

fn opt(value: Option<Ratio>) -> String {
    value.map_or_else(|| "-".to_owned(), |v| v.to_string())
}

fn yes(value: bool) -> &'static str {
    if value { "yes" } else { "no" }
}

/// Rows padded to their columns' widths.
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| rows.iter().filter_map(|r| r.get(c)).map(|s| s.chars().count()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> =
            row.iter().enumerate().map(|(c, s)| format!("{s:<width$}", width = widths[c])).collect();
        out.push_str("  ");
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

/// The same facts as the JSON, one table per observed time.
fn text(report: &FailoverReport) -> String {
    let mut out = String::new();
    match (report.mode, &report.health_check) {
        (Some(mode), Some(check)) => out.push_str(&format!(
            "global load balancer: {mode} mode, health checks every {}s (unhealthy after {}, healthy after {})\n",
            check.interval_seconds, check.unhealthy_threshold, check.healthy_threshold
        )),
        _ => out.push_str("no GlobalLoadBalancer in the input\n"),
    }
    for observation in &report.timeline {
        out.push_str(&format!("\nt={}s\n", observation.t));
        if observation.regions.is_empty() {
            continue;
        }
        let mut rows = vec![
            ["region", "api", "ready", "lb-healthy", "capacity", "healthy", "serving", "load", "utilization"]
                .map(str::to_owned)
                .to_vec(),
        ];
        for r in &observation.regions {
            rows.push(vec![
                r.region.clone(),
                if r.api_reachable { "up" } else { "down" }.to_owned(),
                r.ready_endpoints.to_string(),
                r.lb_healthy_endpoints.map_or_else(|| "-".to_owned(), |n| n.to_string()),
                r.capacity_rps.to_string(),
                yes(r.healthy).to_owned(),
                yes(r.serving).to_owned(),
                r.load_rps.to_string(),
                opt(r.utilization),
            ]);
        }
        out.push_str(&table(&rows));
        let mut rows =
            vec![["user region", "allocations", "errors", "unserved", "latency ms"].map(str::to_owned).to_vec()];
        for u in &observation.routing {
            let allocations: Vec<String> = u.allocations.iter().map(|(r, rps)| format!("{r} {rps}")).collect();
            rows.push(vec![
                u.user_region.clone(),
                if allocations.is_empty() { "-".to_owned() } else { allocations.join(", ") },
                u.error_rps.to_string(),
                u.unserved_rps.to_string(),
                opt(u.mean_latency_ms),
            ]);
        }
        out.push_str(&table(&rows));
        for (region, rps) in &observation.overload_rps {
            out.push_str(&format!("  overload: {region} {rps} rps above capacity\n"));
        }
    }
    for f in &report.failover {
        let needed: Vec<String> = f
            .endpoints_needed_per_survivor
            .iter()
            .map(|(r, n)| format!("{r} {}", n.map_or_else(|| "-".to_owned(), |n| n.to_string())))
            .collect();
        out.push_str(&format!(
            "\nfailover of {}: failed at {}s, detected at {}s, complete by {}s; {} rps moved, {} rps of sessions broken; demand {} rps, survivors' capacity {} rps, shortfall {} rps; endpoints needed per survivor: {}\n",
            f.region,
            f.failed_at,
            f.detected_at,
            f.complete_by,
            f.moved_rps,
            f.sessions_broken_rps,
            f.total_demand_rps,
            f.survivor_capacity_rps,
            f.shortfall_rps,
            needed.join(", ")
        ));
    }
    for m in &report.mesh {
        out.push_str(&format!("\nmesh: {} from {}\n", m.host, m.client));
        let mut rows =
            vec![["priority", "localities", "hosts", "healthy", "health", "load", "panic"].map(str::to_owned).to_vec()];
        for p in &m.priorities {
            rows.push(vec![
                p.priority.to_string(),
                p.localities.join(" "),
                p.hosts.to_string(),
                p.healthy.to_string(),
                p.health.to_string(),
                format!("{}%", p.load),
                yes(p.panic).to_owned(),
            ]);
        }
        out.push_str(&table(&rows));
        if !m.ejected.is_empty() {
            out.push_str(&format!("  ejected: {}\n", m.ejected.join(", ")));
        }
        out.push_str(&format!("  error fraction: {}\n", m.error_fraction));
    }
    // The cluster's side, as `kubeplay disrupt` prints its events.
    if !report.cluster.events.is_empty() {
        out.push_str("\ncluster events:\n");
        for event in &report.cluster.events {
            out.push_str(&format!("t={:<6} {}\n", event.t, describe(event)));
        }
    }
    out
}
