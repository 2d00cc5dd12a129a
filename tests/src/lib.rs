//! Shared helpers for the cross-crate tests.

pub mod pss_fixtures;
