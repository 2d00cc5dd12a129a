//! The VerticalPodAutoscaler (autoscaling.k8s.io/v1) as upstream's
//! recommender, admission controller and updater run it
//! (`docs/semantics/vpa.md`; kubernetes/autoscaler `vertical-pod-autoscaler/`).
//!
//! - [`histogram`]: exponential bucket options, histograms and decaying
//!   histograms (`pkg/recommender/util/`).
//! - [`aggregate`]: per-container state: CPU samples, memory peaks per window,
//!   OOM bumps (`pkg/recommender/model/`).
//! - [`estimator`]: percentiles, margin, confidence, per-pod minimums,
//!   rounding and the status the recommender writes (`pkg/recommender/logic/`).
//! - [`capping`]: the VPA's resource policy, LimitRange capping and
//!   proportional limits (`pkg/utils/vpa/`).
//! - [`updater`]: candidates, priority order, min-replicas and eviction
//!   tolerance (`pkg/updater/`).
//! - [`simulation`]: `kind: VPASimulation` and the run over an inventory;
//!   [`output`]: the JSON contract of `kubeplay vpa`.
//! - [`findings`]: located findings for `analyze`.
//!
//! Pure: time is milliseconds on the caller's clock, no clock is read.

pub mod aggregate;
pub mod capping;
pub mod estimator;
pub mod findings;
pub mod histogram;
pub mod output;
pub mod simulation;
pub mod updater;

pub use findings::findings;
pub use output::{VpaJson, VpaOutput, to_json};
pub use simulation::{VpaRun, VpaSimulation, simulate};

/// What `kubeplay vpa` (and the JS API's `vpa`) reports beside the run: the
/// loader's diagnostics, the VPA findings and the run's own, in input order.
pub fn run_diagnostics(loading: &crate::Loading, run: &VpaRun) -> Vec<crate::Diagnostic> {
    let mut diagnostics = loading.diagnostics.clone();
    diagnostics.extend(findings(&loading.inventory));
    diagnostics.extend(run.diagnostics.iter().cloned());
    crate::sort::sort_by(&mut diagnostics, |a, b| a.position().cmp(&b.position()));
    diagnostics
}
