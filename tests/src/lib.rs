//! Shared helpers for the cross-crate tests.

pub mod netpol_cases;
pub mod netpol_random;
pub mod netpol_ref;
