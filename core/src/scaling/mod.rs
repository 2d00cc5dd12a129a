//! Autoscaling semantics: the HorizontalPodAutoscaler controller's algorithm
//! (`hpa`, `docs/semantics/hpa.md`) and the VerticalPodAutoscaler's recommender,
//! admission capping and updater (`vpa`, `docs/semantics/vpa.md`). Pure library code: callers hand in the
//! spec, pods and metric samples of one reconcile and get the decision back.

pub mod hpa;
pub mod vpa;
