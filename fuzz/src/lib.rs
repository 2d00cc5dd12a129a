//! Shared parts of kubeplay's fuzz targets (`fuzz_targets/*.rs`):
//!
//! - [`generator`]: a structure-aware generator (driven by libFuzzer's bytes through
//!   `arbitrary::Unstructured`) writing mostly valid manifests of every kind core
//!   reads, as YAML text, so the engines behind the loader are reached;
//! - [`check`]: the assertions every target makes about core's answers;
//! - the code under test that does not live in a library crate, compiled in from
//!   its own file so the fuzzer runs exactly what ships: the analysis worker's
//!   message handling (`web/` is a binary crate),
//!   and the pair-by-pair NetworkPolicy reference evaluator of the tests crate
//!   (whose library also holds the browser harness, too heavy to instrument).

pub mod check;
pub mod generator;
pub mod input;

/// The share links (`#k1.…`) the page reads and writes, from core.
pub use kubeplay_core::render::share;

/// `web/src/layout.rs`: the worker's analyser builds the traffic view with it.
#[path = "../../web/src/layout.rs"]
#[allow(dead_code)]
mod layout;

pub mod worker;

/// `tests/src/netpol_ref.rs`: the reference the `netpol` target holds the engine to.
#[path = "../../tests/src/netpol_ref.rs"]
pub mod netpol_ref;
