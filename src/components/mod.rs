//! One component per file.

pub mod attempt_strip;
pub mod clusters;
pub mod comparison;
pub mod consistency;
pub mod diagnostics;
pub mod drop_zone;
pub mod flag_chips;
pub mod groups;
pub mod metric_list;
pub mod outcome_strip;
pub mod runs;
pub mod summary;
pub mod test_detail;
pub mod test_table;
