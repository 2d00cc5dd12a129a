//! Resilience: what a cluster and its traffic do under failure
//! (`docs/semantics/disruption.md`, `docs/semantics/multi-region.md`).

pub mod traffic;
