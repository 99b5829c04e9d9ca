//! Success criteria: target, actual, PASS/FAIL and the evidence.
//!
//! The defaults are those of the hand-written stability audits teams write today (zero
//! flaky tests; every test stable over at least 10 runs; parallel execution as stable as
//! sequential; zero `@flaky` markers), plus an honest statistical one: an upper bound on
//! every test's failure rate.

use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, Verdict};
use crate::format::{confidence, percent};
use crate::metrics::test_metrics::Flag;

/// Which criteria apply and their targets. `None` turns a criterion off.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Criteria {
    /// At most this many flaky tests (across runs or within a run). Default 0.
    pub max_flaky_tests: Option<u64>,
    /// At least this many runs. Default 10.
    pub min_runs: Option<u64>,
    /// At least this share of executed tests identical in every run, a ratio in \[0, 1\].
    /// Default 1 (all consistent).
    pub min_consistency: Option<f64>,
    /// The parallel group agrees with the sequential one: no test fails only or
    /// significantly more in one group, and the parallel group has no flaky test that the
    /// sequential one lacks. Default on; not applicable with fewer than two groups.
    pub parallel_agrees: Option<bool>,
    /// At most this many `@flaky`-style markers or quarantined tests, when the audit lists
    /// them. Default 0.
    pub max_markers: Option<u64>,
    /// Every test's failure-rate upper bound (the Wilson interval's high end, at the
    /// analysis's confidence) below this ratio. Default 0.3, which 10 clean runs meet
    /// (25.9%); tighten it together with `min_runs`.
    pub max_failure_rate_bound: Option<f64>,
}

impl Default for Criteria {
    fn default() -> Self {
        Criteria {
            max_flaky_tests: Some(0),
            min_runs: Some(10),
            min_consistency: Some(1.0),
            parallel_agrees: Some(true),
            max_markers: Some(0),
            max_failure_rate_bound: Some(0.3),
        }
    }
}

/// A criterion's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionStatus {
    /// Met.
    Pass,
    /// Not met.
    Fail,
    /// Nothing to judge (for example one group only, or no markers listed).
    NotApplicable,
}

/// One evaluated criterion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CriterionResult {
    /// Stable id: `flaky-tests`, `runs`, `consistency`, `parallel`, `markers`,
    /// `failure-rate-bound`, or the author's own in a hand-written audit.
    pub id: String,
    /// The criterion in words.
    pub name: String,
    /// The target, in words ("0", "≥ 10", "100%").
    pub target: String,
    /// What was found, in words.
    pub actual: String,
    /// The verdict.
    pub status: CriterionStatus,
    /// Why: the numbers and the tests behind the verdict.
    pub evidence: String,
}

fn result(
    id: &str,
    name: &str,
    target: String,
    actual: String,
    pass: Option<bool>,
    evidence: String,
) -> CriterionResult {
    CriterionResult {
        id: id.to_owned(),
        name: name.to_owned(),
        target,
        actual,
        status: match pass {
            Some(true) => CriterionStatus::Pass,
            Some(false) => CriterionStatus::Fail,
            None => CriterionStatus::NotApplicable,
        },
        evidence,
    }
}

/// Names of the first few tests, for evidence.
fn some_names<'a>(names: impl Iterator<Item = &'a str>) -> String {
    let all: Vec<&str> = names.collect();
    let mut text = all.iter().take(5).copied().collect::<Vec<_>>().join(", ");
    if all.len() > 5 {
        text.push_str(&format!(" and {} more", all.len() - 5));
    }
    text
}

/// A maximum count as a target: `0`, or `≤ 10`.
fn at_most(max: u64) -> String {
    if max == 0 {
        "0".to_owned()
    } else {
        format!("≤ {max}")
    }
}

impl Criteria {
    /// Reads a criteria file (JSON with the fields of [`Criteria`]).
    ///
    /// # Errors
    /// A message naming the JSON path of the fault (without the `json-paths` feature: its
    /// line and column).
    pub fn from_json(text: &str) -> Result<Criteria, String> {
        #[cfg(feature = "json-paths")]
        return {
            let mut de = serde_json::Deserializer::from_str(text);
            serde_path_to_error::deserialize(&mut de)
                .map_err(|e| format!("at {}: {}", e.path(), e.inner()))
        };
        #[cfg(not(feature = "json-paths"))]
        return serde_json::from_str(text).map_err(|e| e.to_string());
    }

    /// Evaluates the criteria on a full analysis.
    pub fn evaluate(&self, analysis: &Analysis) -> Vec<CriterionResult> {
        let t = &analysis.totals;
        let mut out = Vec::new();
        if let Some(max) = self.max_flaky_tests {
            let flaky: Vec<&str> = analysis
                .tests
                .iter()
                .filter(|x| x.verdict == Verdict::Flaky)
                .map(|x| x.id.as_ref())
                .collect();
            out.push(result(
                "flaky-tests",
                "Flaky tests",
                at_most(max),
                flaky.len().to_string(),
                Some(flaky.len() as u64 <= max),
                if flaky.is_empty() {
                    format!("no test both passed and failed in {} runs", t.runs)
                } else {
                    format!("flaky: {}", some_names(flaky.into_iter()))
                },
            ));
        }
        if let Some(min) = self.min_runs {
            out.push(result(
                "runs",
                "Runs analyzed",
                format!("≥ {min}"),
                t.runs.to_string(),
                Some(t.runs as u64 >= min),
                format!("{} report file(s) read as runs", t.runs),
            ));
        }
        if let Some(min) = self.min_consistency {
            let pass = t.consistency.map(|c| c >= min - 1e-12);
            out.push(result(
                "consistency",
                &format!("All tests consistent over {} runs", t.runs),
                percent(Some(min)),
                percent(t.consistency),
                pass,
                format!(
                    "{} of {} executed tests had the same outcome in every run in which they appear",
                    t.consistent_tests, t.executed_tests
                ),
            ));
        }
        if self.parallel_agrees == Some(true) {
            out.push(self.parallel(analysis));
        }
        if let Some(max) = self.max_markers {
            let markers: Vec<&str> = analysis
                .tests
                .iter()
                .filter(|x| x.flags.iter().any(|f| f.flag == Flag::FlakyInRun))
                .map(|x| x.id.as_ref())
                .collect();
            // Retries that hid a failure are the markers a report can show (pytest
            // `@flaky`/`--reruns`, Surefire `rerunFailingTestsCount`).
            out.push(result(
                "markers",
                "Tests passing only on retry (@flaky markers, reruns)",
                at_most(max),
                markers.len().to_string(),
                Some(markers.len() as u64 <= max),
                if markers.is_empty() {
                    "no test needed a retry to pass".to_owned()
                } else {
                    format!("passed on retry: {}", some_names(markers.into_iter()))
                },
            ));
        }
        if let Some(max) = self.max_failure_rate_bound {
            let level = confidence(analysis.options.confidence);
            let worst = analysis
                .tests
                .iter()
                .filter_map(|x| x.metrics.wilson_95.map(|w| (w[1], x)))
                .max_by(|a, b| a.0.total_cmp(&b.0));
            out.push(match worst {
                Some((bound, test)) => result(
                    "failure-rate-bound",
                    &format!("Every test's failure rate below the target ({level} upper bound)"),
                    format!("< {}", percent(Some(max))),
                    percent(Some(bound)),
                    Some(bound < max),
                    format!(
                        "highest upper bound: {} ({} failures in {} runs)",
                        test.id, test.metrics.failures, test.metrics.runs_executed
                    ),
                ),
                None => result(
                    "failure-rate-bound",
                    "Every test's failure rate below the target",
                    format!("< {}", percent(Some(max))),
                    "n/a".to_owned(),
                    None,
                    "no test executed".to_owned(),
                ),
            });
        }
        out
    }

    fn parallel(&self, analysis: &Analysis) -> CriterionResult {
        let name = "Parallel execution as stable as sequential";
        let parallel = analysis
            .groups
            .iter()
            .find(|g| g.label.to_ascii_lowercase().contains("parallel"));
        let Some(parallel) = parallel.filter(|_| analysis.groups.len() >= 2) else {
            return result(
                "parallel",
                name,
                "agree".to_owned(),
                "n/a".to_owned(),
                None,
                "needs a parallel group and another group to compare with".to_owned(),
            );
        };
        let sensitive: Vec<&str> = analysis
            .tests
            .iter()
            .filter(|x| {
                x.flags
                    .iter()
                    .any(|f| matches!(&f.flag, Flag::GroupSensitive(_)))
            })
            .map(|x| x.id.as_ref())
            .collect();
        let others_flaky: usize = analysis
            .groups
            .iter()
            .filter(|g| g.label != parallel.label)
            .map(|g| g.flaky_tests)
            .max()
            .unwrap_or(0);
        let pass = sensitive.is_empty() && parallel.flaky_tests <= others_flaky;
        result(
            "parallel",
            name,
            "agree".to_owned(),
            if pass {
                "agree".to_owned()
            } else {
                "differ".to_owned()
            },
            Some(pass),
            if sensitive.is_empty() {
                format!(
                    "{} runs in {}: {} flaky tests there vs at most {} in the other groups",
                    parallel.runs.len(),
                    parallel.label,
                    parallel.flaky_tests,
                    others_flaky
                )
            } else {
                format!("group-sensitive: {}", some_names(sensitive.into_iter()))
            },
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_maximum_count_reads_as_at_most() {
        let criteria = Criteria {
            max_flaky_tests: Some(10),
            max_markers: Some(0),
            ..Criteria::default()
        };
        let results = criteria.evaluate(&Analysis::empty(Vec::new()));
        let target = |id: &str| {
            results
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.target.clone())
        };
        assert_eq!(target("flaky-tests").as_deref(), Some("≤ 10"));
        assert_eq!(target("markers").as_deref(), Some("0"));
    }
}
