//! `kubeplay graph FILE... --format dot|json [--group pod|namespace|auto] [--blast-radius ID | --who-can-reach ID]`

use clap::{Args, ValueEnum};
use kubeplay_core::netpol::{Engine, graph};

use crate::input::{exit_status, load, report_errors};
use crate::netpol_args::PolicyOptions;

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum GraphFormat {
    #[default]
    Dot,
    Json,
}

/// What a node stands for.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Grouping {
    /// One node per Pod or workload (refused past a million edges).
    #[default]
    Pod,
    /// One node per namespace: any size.
    Namespace,
    /// Per Pod or workload up to 60 nodes, else per namespace: the graph worth drawing.
    Auto,
}

#[derive(Args, Debug)]
pub struct GraphArgs {
    /// Output format: Graphviz DOT or JSON (nodes and edges with allowed ports).
    #[arg(long, value_enum, default_value_t)]
    format: GraphFormat,
    /// Nodes per Pod/workload, or per namespace (for large clusters).
    #[arg(long, value_enum, default_value_t)]
    group: Grouping,
    /// Instead of the graph, list everything this node can reach, transitively.
    #[arg(long, value_name = "ID", conflicts_with = "who_can_reach")]
    blast_radius: Option<String>,
    /// Instead of the graph, list everything that can reach this node, transitively.
    #[arg(long, value_name = "ID")]
    who_can_reach: Option<String>,
    #[command(flatten)]
    policy: PolicyOptions,
    /// Manifest files (YAML or JSON, multi-document); `-` reads standard input.
    #[arg(required = true)]
    files: Vec<String>,
}

pub fn run(args: &GraphArgs) -> Result<u8, String> {
    let loading = load(&args.files)?;
    let engine = Engine::new(&loading.inventory, &args.policy.options());
    let errors = report_errors(&loading.diagnostics) | report_errors(&engine.diagnostics);
    let g = match args.group {
        Grouping::Pod => graph::build(&engine).map_err(|e| format!("{e}: use --group namespace"))?,
        Grouping::Namespace => graph::build_by_namespace(&engine),
        Grouping::Auto => graph::picture(&engine, &loading.inventory, graph::DRAWN_NODES_MAX).graph,
    };
    let listing = match (&args.blast_radius, &args.who_can_reach) {
        (Some(id), _) => Some((id, g.blast_radius(id))),
        (_, Some(id)) => Some((id, g.who_can_reach(id))),
        _ => None,
    };
    if let Some((id, found)) = listing {
        let found = found.ok_or_else(|| format!("no node `{id}` in the graph"))?;
        match args.format {
            GraphFormat::Json => {
                outln!("{}", kubeplay_core::render::json::graph_nodes(&found).map_err(|e| e.to_string())?)
            }
            GraphFormat::Dot => found.iter().for_each(|n| outln!("{n}")),
        }
        return Ok(exit_status(errors));
    }
    match args.format {
        GraphFormat::Dot => out!("{}", kubeplay_core::render::dot::graph(&g)),
        GraphFormat::Json => outln!("{}", kubeplay_core::render::json::graph(&g).map_err(|e| e.to_string())?),
    }
    Ok(exit_status(errors))
}
