//! The analysis runs in a Web Worker, so the page never freezes.
//!
//! The worker is this same wasm module instantiated a second time: `web/worker.js`
//! imports the page's JS glue and is handed the already compiled
//! `WebAssembly.Module`, so nothing is downloaded or compiled twice; `main` sees
//! there is no window and renders nothing. The worker keeps the last analysis
//! and answers the page's questions about it — a truth table, an explanation, a
//! download — so only what the page draws crosses between threads.
//!
//! - [`protocol`]: the messages and the view types, depending on nothing of the app;
//! - [`analyser`]: runs analyses and builds the views (no browser in it);
//! - [`entry`]: the worker's side, called from `web/worker.js`;
//! - [`client`]: the page's side, with the in-page fallback;
//! - [`runs`]: which analysis is in flight and which text each answer is about.

pub mod analyser;
pub mod client;
pub mod entry;
pub mod protocol;
pub mod runs;
