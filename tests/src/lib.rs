//! Shared helpers for the cross-crate tests: the headless-browser harness and the
//! NetworkPolicy conformance corpus with its independent reference evaluator.

pub mod browser;
pub mod drain_ref;
pub mod hpa_ref;
pub mod netpol_cases;
pub mod netpol_mutate;
pub mod netpol_random;
pub mod netpol_ref;
pub mod solutions;
