//! Integration tests of flakelens-core: one binary, one module per concern.

mod analysis;
mod audit;
mod categories;
mod fixtures;
mod identity;
mod metrics;
mod robustness;
mod schema;
