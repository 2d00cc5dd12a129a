//! Presentation: how the analyses' data is written out for people and tools.
//! The analyses return data (a `Report`, a `SecuritySection`, a `Graph`); the
//! modules here format it, so a new output format never touches an analysis.
//!
//! - [`contract`] — where a JSON contract's shape differs from the data's own
//!   serde form: which location keys it prints, diagnostics without `area`/`fix`.
//! - [`check`] — the `kubeplay check --format json` contract.
//! - [`sarif`] — SARIF 2.1.0 for code-scanning tools.
//! - [`markdown`] — the report as Markdown.
//! - [`dot`] — the reachability graph as Graphviz DOT.
//! - [`rules`] — the rule reference (`kubeplay rules`, `docs/rules.md`).
//! - [`share`] — the playground's share links (`#k1.…`), for the page and the
//!   `<kube-play>` element alike.
//! - [`json`] — every `--format json` document as the text the CLI prints and
//!   the JS API (`api`) returns as `value`.
//!
//! The JSON of `analyze`, `probe`, `explain`, `graph`, `quantity` and `admit`
//! is the data's derived serde form (through [`contract`] where it differs).

pub mod check;
pub mod contract;
pub mod dot;
pub mod hpa;
pub mod json;
pub mod markdown;
pub mod rules;
pub mod sarif;
pub mod share;
