//! Resilience findings for `analyze` (filled in below).
