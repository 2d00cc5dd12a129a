//! (generator comes next)
