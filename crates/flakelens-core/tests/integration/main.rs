//! Integration tests of flakelens-core: one binary, one module per concern.

mod analysis;
mod fixtures;
mod metrics;
mod robustness;
