//! Root-cause categories: why a failing or flaky test fails.
//!
//! # Architecture
//!
//! - `rules.rs`: [`Category`], [`Rule`], the default taxonomy and rules (Luo et al., "An
//!   Empirical Analysis of Flaky Tests", FSE 2014, and later work: order dependence, systemic
//!   co-failures, infrastructure), and the user's rule files (flakelens JSON, or Allure's
//!   `categories.json`).
//! - `engine.rs`: compiles rules ([`RuleSet`]) with `regex-lite`, whose matching time is
//!   linear in the input, so patterns from untrusted files cannot hang the page; matches a
//!   test's [`Evidence`] (failure texts and run-level [`Signals`]) against them.
//! - `breakdown.rs`: counts by category (zero rows included) and by suite/module tree.
//!
//! Every assignment keeps the rule, its confidence and the matched text.

mod breakdown;
mod engine;
mod prefilter;
mod rules;

pub use breakdown::{category_breakdown, suite_tree, CategoryRow, SuiteNode, TreeLeaf};
pub use engine::{
    CategoryMatch, Evidence, FailureText, RuleError, RuleSet, Signals, TestCategories,
};
pub use rules::{
    default_categories, default_rules, parse_rules_file, Category, Confidence, Rule, RulesFile,
    Signal,
};
