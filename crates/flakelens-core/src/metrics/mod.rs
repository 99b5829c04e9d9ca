//! Stability metrics: what the runs prove about each test, about groups of runs, and about
//! the suite. Formulas and their sources are in each item's docs; see also
//! `shared/guides/metrics.md`.

pub mod clusters;
pub mod consistency;
pub mod groups;
pub mod stats;
pub mod test_metrics;
