//! Security analysis: Pod Security Standards (as the admission library evaluates
//! them), PodSecurityPolicy simulation, and best-practice findings.

pub mod pss;
