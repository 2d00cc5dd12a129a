//! Autoscaling semantics: the HorizontalPodAutoscaler controller's algorithm
//! and its simulation over time (`hpa`, `docs/semantics/hpa.md`), the
//! VerticalPodAutoscaler's recommender, admission capping and updater (`vpa`,
//! `docs/semantics/vpa.md`), each with the located findings `analyze`
//! reports. Pure library code: time is a number the caller passes in.

pub mod hpa;
pub mod vpa;
