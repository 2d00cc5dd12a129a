//! Autoscaling semantics: the HorizontalPodAutoscaler controller's algorithm
//! (`hpa`, `docs/semantics/hpa.md`). Pure library code: callers hand in the
//! spec, pods and metric samples of one reconcile and get the decision back.

pub mod hpa;
