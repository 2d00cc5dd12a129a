//! The analysis worker's protocol and analyser (`web/src/worker/`), which have no
//! browser in them, at the same module paths as in the web app.

#[path = "../../../web/src/worker/protocol.rs"]
#[allow(dead_code)]
pub mod protocol;

#[path = "../../../web/src/worker/analyser.rs"]
#[allow(dead_code)]
pub mod analyser;
