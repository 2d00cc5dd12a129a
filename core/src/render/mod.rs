//! Presentation: how the analyses' data is written out for people and tools.
//! The analyses return data; this module formats it.
//!
//! - [`contract`] — the location keys each JSON contract prints.

pub mod contract;
