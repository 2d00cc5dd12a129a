//! Traffic across regions (`docs/semantics/multi-region.md`): a global load
//! balancer in Proxy or DNS mode over the pods of each backend region, the
//! latency users see, the failover summary, Istio locality routing on Envoy
//! priorities, and the N+1 finding.
//!
//! The engine reads pods only through an [`EndpointTimeline`] (every pod's
//! state at every instant), which the disruption lab's per-instant cluster
//! states fill (`super::simulate` with a timeline).

pub mod config;
pub mod finding;
pub mod lab;
pub mod mesh;
pub mod objects;
pub mod ratio;
pub mod routing;
pub mod timeline;

pub use config::{GlbConfig, Mode};
pub use lab::{FailoverReport, failover};
pub use objects::{DestinationRule, GlobalLoadBalancer};
pub use ratio::Ratio;
pub use routing::{FailoverSummary, Observation, Router};
pub use timeline::{EndpointHistory, EndpointState, EndpointTimeline, PRE_START};
