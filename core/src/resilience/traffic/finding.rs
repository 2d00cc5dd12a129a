//! The N+1 finding (`multi-region.md §8`): when one backend region fails, the
//! others must carry every user region's demand. Checked on the cluster at
//! rest (the disruption lab's state before any step), for each region failing
//! in turn.

use super::config::{GlbConfig, configure};
use super::ratio::Ratio;
use super::routing::Router;
use super::timeline::{EndpointTimeline, PRE_START};
use crate::diagnostic::{Area, Diagnostic, Severity};
use crate::model::{Inventory, Loaded};

pub const CODE: &str = "glb-n-plus-one";

/// The GlobalLoadBalancer's own input errors and the N+1 findings, for `analyze`.
pub fn analyze(inventory: &Inventory) -> Vec<Diagnostic> {
    let (config, mut diagnostics) = configure(inventory);
    if let Some((config, loaded)) = config {
        let steady = crate::resilience::steady_state(inventory);
        let timeline = EndpointTimeline::from_states(inventory, &steady, &[], PRE_START);
        diagnostics.extend(n_plus_one(&config, loaded, &timeline));
    }
    diagnostics
}

/// One warning per backend region whose loss leaves the others short of the
/// total demand, with the endpoints each survivor needs.
pub fn n_plus_one(config: &GlbConfig, loaded: &Loaded, timeline: &EndpointTimeline) -> Vec<Diagnostic> {
    let backends = &config.backends;
    let total = config.total_demand();
    if backends.len() < 2 || total.is_zero() {
        return Vec::new();
    }
    let router = Router::new(config, timeline);
    let ready: Vec<usize> = (0..backends.len()).map(|b| router.ready_endpoints_at(b, 0)).collect();
    let mut out = Vec::new();
    for (r, failed) in backends.iter().enumerate() {
        let survivors: Vec<usize> = (0..backends.len()).filter(|s| *s != r).collect();
        let capacity: Ratio = survivors.iter().map(|&s| backends[s].per_endpoint() * ready[s].into()).sum();
        if capacity >= total {
            continue;
        }
        let needs: Vec<String> = survivors
            .iter()
            .filter(|&&s| !backends[s].per_endpoint().is_zero())
            .map(|&s| {
                let needed = (total / (backends[s].per_endpoint() * survivors.len().into())).ceil();
                format!("{} {needed} (has {})", backends[s].region, ready[s])
            })
            .collect();
        let names: Vec<&str> = survivors.iter().map(|&s| backends[s].region.as_str()).collect();
        let message = format!(
            "if region {} fails, {} can carry {capacity} of the {total} rps users send: {} rps short (N+1). Ready endpoints each surviving region needs to carry an equal share of all demand: {}",
            failed.region,
            names.join(", "),
            total - capacity,
            if needs.is_empty() {
                "unknown (maxRatePerEndpoint × capacityScaler is 0)".to_owned()
            } else {
                needs.join(", ")
            },
        );
        let fix = survivors
            .iter()
            .filter(|&&s| !backends[s].per_endpoint().is_zero())
            .map(|&s| {
                let needed = (total / (backends[s].per_endpoint() * survivors.len().into())).ceil();
                format!(
                    "# the workload behind {}/{} in {}\nspec:\n  replicas: {needed}\n",
                    backends[s].service_namespace, backends[s].service_name, backends[s].region
                )
            })
            .collect::<Vec<_>>()
            .join("---\n");
        out.push(
            Diagnostic::at(
                Area::Resilience,
                &loaded.origin,
                &format!("spec.backends[{r}]"),
                Severity::Warning,
                CODE,
                message,
            )
            .with_fix(&fix),
        );
    }
    out
}
