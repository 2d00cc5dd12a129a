//! kubeplay-core: the engine behind the kubeplay playground and CLI.
//!
//! Pure: no I/O, no clock, no randomness, and no panics on any input. Input is one
//! or more named texts; output is one serde [`report::Report`] that every front
//! end renders. See `ARCHITECTURE.md` for the map.

pub mod admission;
pub mod diagnostic;
pub mod examples;
pub mod layout;
pub mod load;
pub mod model;
pub mod netpol;
pub mod quantity;
pub mod report;
pub mod security;
pub mod source;
pub mod version;

#[cfg(feature = "wasm")]
pub mod wasm;

pub use diagnostic::{Diagnostic, Severity};
pub use load::{Input, Limits, Loading, load, load_with_limits};
pub use report::{Report, analyze, analyze_loading};
pub use version::{KUBERNETES_VERSION, VERSION};
