//! What the user can tune: thresholds, run order, groups and test identity.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// How runs are ordered for order-sensitive metrics (flip rate, weighted entropy, the last-k
/// broken rule) and for display.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RunOrder {
    /// The order the files were given in.
    #[default]
    FileOrder,
    /// By the reports' timestamps (runs without one keep their file position, after the
    /// timestamped ones; a diagnostic says so).
    Timestamp,
}

/// Thresholds and choices of the analysis. Every field has a documented default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnalysisOptions {
    /// Confidence level of intervals and bounds, a ratio in (0, 1). Default 0.95.
    pub confidence: f64,
    /// A test is flagged broken when it fails in at least this share of its executed runs,
    /// a ratio in (0, 1]. Default 0.8 (CI/CD Watch's "broken ≥ 80% fail").
    pub broken_share: f64,
    /// A test is also flagged broken when its last `broken_last_k` executed runs all failed.
    /// 0 turns the rule off. Default 3.
    pub broken_last_k: u32,
    /// The failure rate to plan for in "runs still needed to see a failure", a ratio in
    /// (0, 1). Default 0.05.
    pub target_failure_rate: f64,
    /// The threshold of the PFS-like posterior probability P(failure rate > threshold), a
    /// ratio in (0, 1). Default 0.01.
    pub posterior_threshold: f64,
    /// Runs per window for the exponentially weighted entropy and flip rate. Default 5.
    pub window_runs: usize,
    /// λ of the exponential weighting (Kowalczyk et al. 2020), in \[0, 1\]. Default 0.1.
    pub weight_lambda: f64,
    /// Significance level for "fails significantly more in one group" (Fisher's exact
    /// test). Default 0.05.
    pub significance: f64,
    /// Minimum Jaccard similarity of two tests' failing-run sets to put them in one
    /// co-failure cluster, a ratio in (0, 1]. Default 0.7.
    pub cluster_similarity: f64,
    /// How runs are ordered. Default: file order.
    pub run_order: RunOrder,
    /// Group labels chosen by the user, by run file name; they override guessed labels.
    pub run_labels: BTreeMap<String, String>,
    /// Run file names to leave out of the analysis.
    pub excluded_runs: Vec<String>,
    /// How a test's identity is built.
    pub identity: IdentityOptions,
    /// The user's categorization rules and categories, on top of (or instead of) the
    /// defaults.
    pub rules: crate::categories::RulesFile,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        AnalysisOptions {
            confidence: 0.95,
            broken_share: 0.8,
            broken_last_k: 3,
            target_failure_rate: 0.05,
            posterior_threshold: 0.01,
            window_runs: 5,
            weight_lambda: 0.1,
            significance: 0.05,
            cluster_similarity: 0.7,
            run_order: RunOrder::FileOrder,
            run_labels: BTreeMap::new(),
            excluded_runs: Vec::new(),
            identity: IdentityOptions::default(),
            rules: crate::categories::RulesFile::default(),
        }
    }
}

/// Which suite name goes into a test's identity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuitePart {
    /// The innermost enclosing suite's name (the default).
    #[default]
    Innermost,
    /// The names of all enclosing suites, outermost first, joined by ` › `.
    Path,
    /// No suite: tests are identified by classname and name only.
    None,
}

/// How a test's identity is built from a testcase. Two different testcases that map to one
/// identity are an identity collision: reported as a diagnostic, never merged silently.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct IdentityOptions {
    /// Which suite name to use.
    pub suite: SuitePart,
    /// Leave the classname out (the name alone identifies the test within its suite).
    pub ignore_classname: bool,
    /// Add the testcase's `file` attribute.
    pub include_file: bool,
    /// Strip parameters from names: a trailing `[...]` (pytest, JUnit 5) or `(...)`
    /// (JUnit 4 parameterized, xUnit theories), so all cases of one parameterized test
    /// become one test.
    pub strip_parameters: bool,
}

impl IdentityOptions {
    /// True for the identity the reader builds by itself.
    pub fn is_default(&self) -> bool {
        *self == IdentityOptions::default()
    }
}
