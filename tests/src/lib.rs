//! Shared helpers for the cross-crate tests: the headless-browser harness.

pub mod browser;
