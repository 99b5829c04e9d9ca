//! One component per file.

pub mod diagnostics;
pub mod drop_zone;
pub mod outcome_strip;
pub mod summary;
pub mod test_table;
