//! kubeplay-core: the engine behind the kubeplay playground and CLI.
//!
//! Pure: no I/O, no clock, no randomness, and no panics on any input. Input is one
//! or more named texts; output is one serde [`report::Report`] that every front
//! end renders. See `ARCHITECTURE.md` for the map.

// "No panics on any input" is held by the compiler too: a case that cannot occur
// falls back to a documented default, a real failure becomes a diagnostic or an
// error. Tests (and core/tests, benches) may unwrap.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::unreachable,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod admission;
pub mod api;
pub mod diagnostic;
pub mod examples;
pub mod lessons;
pub mod load;
pub mod model;
pub mod netpol;
pub mod pods;
pub mod quantity;
pub mod render;
pub mod report;
pub mod resilience;
pub mod scaling;
pub mod security;
pub mod sort;
pub mod source;
#[cfg(feature = "ts")]
pub mod typescript;
pub mod validation;
pub mod version;

#[cfg(feature = "wasm")]
pub mod wasm;

pub use diagnostic::{Area, Diagnostic, Severity};
/// The typed Kubernetes objects core's results hold (an HPA's behavior, a Pod), at the version
/// core reads, so front ends name the same types.
pub use k8s_openapi;
pub use load::{Input, Limits, Loading, load, load_with_limits};
pub use report::{Report, analyze, analyze_loading};
pub use source::Location;
pub use version::{KUBERNETES_VERSION, VERSION};
