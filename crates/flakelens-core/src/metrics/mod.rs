//! Stability metrics.

pub mod stats;
