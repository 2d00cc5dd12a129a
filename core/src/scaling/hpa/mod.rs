//! The HorizontalPodAutoscaler controller (autoscaling/v2) as upstream runs it
//! (`docs/semantics/hpa.md`; kubernetes `pkg/controller/podautoscaler/`).
//!
//! - [`pods`]: the pods and metric samples the replica calculator reads, and
//!   upstream's `groupPods` / `calculateRequests`.
//! - [`replica_calculator`]: one metric's proposal (`replica_calculator.go`,
//!   `metrics/utilization.go`), tolerance included.
//! - [`behavior`]: API defaulting of `spec.behavior` (`pkg/apis/autoscaling/v2/defaults.go`),
//!   stabilization, rate limits and the legacy path (`horizontal.go`).
//! - [`controller`]: one reconcile (`reconcileAutoscaler`,
//!   `computeReplicasForMetrics`) with the state the controller keeps between
//!   reconciles (recommendations and scale events) and upstream's conditions.
//!
//! Time is a number of seconds on the caller's clock (no clock is read here).
//! Quantities are int64 milli-values as upstream's `MilliValue()`; ratios are
//! float64 and rounded with `ceil` exactly where upstream does.

pub mod behavior;
pub mod controller;
pub mod findings;
pub mod pods;
pub mod replica_calculator;
pub mod scenario;
pub mod simulation;
pub mod target;
pub mod v1;

pub use behavior::{ScaleEvent, TimestampedRecommendation};
pub use controller::{
    Condition, ControllerConfig, HpaController, MetricProposal, MetricReading, ReconcileInput, ReconcileOutcome,
};
pub use pods::{PodInfo, PodMetric, PodPhase, ReadyCondition};
pub use replica_calculator::{ReplicaCalculator, Tolerances};
