//! Autoscaling semantics: the HorizontalPodAutoscaler controller's algorithm
//! and its simulation over time (`hpa`, `docs/semantics/hpa.md`), the
//! VerticalPodAutoscaler's recommender, admission capping and updater (`vpa`,
//! `docs/semantics/vpa.md`), and the located HPA findings `analyze` reports
//! (`findings`). Pure library code: time is a number the caller passes in.

pub mod findings;
pub mod hpa;
pub mod vpa;

pub use findings::findings;
