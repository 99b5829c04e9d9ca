//! One component per file.

pub mod attempt_strip;
pub mod audit_download;
pub mod categories;
pub mod category_chart;
pub mod clusters;
pub mod comparison;
pub mod consistency;
pub mod criteria;
pub mod diagnostics;
pub mod drop_zone;
pub mod flag_chips;
pub mod groups;
pub mod metric_list;
pub mod outcome_strip;
pub mod rules_editor;
pub mod runs;
pub mod suite_tree;
pub mod summary;
pub mod summary_audit;
pub mod test_detail;
pub mod test_table;
