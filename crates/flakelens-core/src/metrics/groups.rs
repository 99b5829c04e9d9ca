//! Groups of runs (such as sequential and parallel) and how a test fares in each.

use serde::{Deserialize, Serialize};

use super::stats;
use crate::model::{Outcome, Property};

/// One group of runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// The label, such as `sequential` or `parallel`.
    pub label: String,
    /// Indices into the analysis's runs.
    pub runs: Vec<usize>,
    /// Test results that executed in these runs (a test in 10 runs counts 10).
    pub executions: u64,
    /// Of those, the ones that failed or errored.
    pub failures: u64,
    /// `failures / executions`, a ratio in \[0, 1\]; `None` with no execution.
    pub failure_rate: Option<f64>,
    /// Tests that both passed and failed within this group's runs.
    pub flaky_tests: usize,
    /// Executed tests with the same outcome in every run of the group, as a share.
    pub identical_share: Option<f64>,
}

/// One test's failures in two groups, compared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestComparison {
    /// The test id.
    pub id: String,
    /// Failures (failed or errored runs) in group a.
    pub a_failures: u32,
    /// Executed runs in group a.
    pub a_runs: u32,
    /// Failures in group b.
    pub b_failures: u32,
    /// Executed runs in group b.
    pub b_runs: u32,
    /// Failure-rate difference a − b with its Newcombe hybrid score interval (Newcombe 1998,
    /// method 10), as \[difference, low, high\]; `None` when a group has no executed run.
    pub difference: Option<[f64; 3]>,
    /// Two-sided Fisher's exact test p-value for the 2×2 table.
    pub fisher_p: f64,
    /// The group in which this test fails only, or significantly more (Fisher p below the
    /// significance level); `None` when neither.
    pub sensitive_to: Option<String>,
    /// Why `sensitive_to` was set, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
}

/// Two groups compared test by test (tests that never failed in either are left out).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupComparison {
    /// Label of group a.
    pub a: String,
    /// Label of group b.
    pub b: String,
    /// The tests that failed at least once in a or b.
    pub tests: Vec<TestComparison>,
}

/// Guesses a run's group label from its file path and properties: `parallel` for paths or
/// properties that mention `parallel`, `xdist`, `concurrent`, `-n 4` / `n4`, `workers-4` or
/// `-j4`; `sequential` for `sequential`, `serial`, `seq`. `None` when nothing says.
pub fn guess_label(file: &str, properties: &[Property]) -> Option<String> {
    let mut texts = vec![file.to_ascii_lowercase()];
    texts.extend(
        properties
            .iter()
            .map(|p| format!("{} {}", p.name, p.value).to_ascii_lowercase()),
    );
    for text in &texts {
        let tokens: Vec<&str> = text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        let numbered = |t: &str, prefix: &str| {
            t.strip_prefix(prefix)
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && n != "1")
        };
        let parallel = tokens.iter().enumerate().any(|(i, t)| {
            matches!(*t, "parallel" | "xdist" | "concurrent")
                || numbered(t, "n")
                || numbered(t, "j")
                || numbered(t, "workers")
                || numbered(t, "w")
                || (matches!(*t, "n" | "workers" | "j")
                    && tokens
                        .get(i + 1)
                        .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()) && *n != "1"))
        });
        if parallel {
            return Some("parallel".to_owned());
        }
        if tokens
            .iter()
            .any(|t| matches!(*t, "sequential" | "serial" | "seq"))
        {
            return Some("sequential".to_owned());
        }
    }
    None
}

/// Builds the groups from one label per run, in order of first appearance, and their stats
/// from each test's outcomes (one entry per run).
pub fn groups<'a>(
    labels: &[String],
    tests: impl IntoIterator<Item = &'a [Option<Outcome>]> + Clone,
) -> Vec<Group> {
    let mut order: Vec<&String> = Vec::new();
    for label in labels {
        if !order.contains(&label) {
            order.push(label);
        }
    }
    order
        .into_iter()
        .map(|label| {
            let runs: Vec<usize> = (0..labels.len()).filter(|&i| &labels[i] == label).collect();
            let (mut executions, mut failures, mut flaky, mut executed, mut identical) =
                (0u64, 0u64, 0usize, 0usize, 0usize);
            for outcomes in tests.clone() {
                let picked: Vec<Option<Outcome>> = runs
                    .iter()
                    .map(|&r| outcomes.get(r).copied().flatten())
                    .collect();
                let ran: Vec<Outcome> = picked
                    .iter()
                    .flatten()
                    .copied()
                    .filter(|o| o.is_executed())
                    .collect();
                let failed = ran.iter().filter(|o| o.is_failure()).count();
                executions += ran.len() as u64;
                failures += failed as u64;
                if failed > 0 && failed < ran.len() {
                    flaky += 1;
                }
                if !ran.is_empty() {
                    executed += 1;
                    let mut present = picked.iter().flatten();
                    let first = present.next();
                    if first.is_some_and(|f| present.all(|o| o == f)) {
                        identical += 1;
                    }
                }
            }
            Group {
                label: label.clone(),
                runs,
                executions,
                failures,
                failure_rate: (executions > 0).then(|| failures as f64 / executions as f64),
                flaky_tests: flaky,
                identical_share: (executed > 0).then(|| identical as f64 / executed as f64),
            }
        })
        .collect()
}

/// Compares two groups test by test. `tests` yields (id, outcomes per run).
pub fn compare<'a>(
    a: &Group,
    b: &Group,
    tests: impl IntoIterator<Item = (&'a str, &'a [Option<Outcome>])>,
    confidence: f64,
    significance: f64,
) -> GroupComparison {
    let tally = |runs: &[usize], outcomes: &[Option<Outcome>]| {
        let ran: Vec<Outcome> = runs
            .iter()
            .filter_map(|&r| outcomes.get(r).copied().flatten())
            .filter(|o| o.is_executed())
            .collect();
        let k = ran.iter().filter(|o| o.is_failure()).count();
        (
            u32::try_from(k).unwrap_or(u32::MAX),
            u32::try_from(ran.len()).unwrap_or(u32::MAX),
        )
    };
    let mut rows = Vec::new();
    for (id, outcomes) in tests {
        let (k1, n1) = tally(&a.runs, outcomes);
        let (k2, n2) = tally(&b.runs, outcomes);
        if k1 == 0 && k2 == 0 {
            continue;
        }
        let fisher_p = stats::fisher_exact_two_sided(k1, n1, k2, n2);
        let difference =
            stats::newcombe_difference(k1, n1, k2, n2, confidence).map(|(d, lo, hi)| [d, lo, hi]);
        let describe = |k: u32, n: u32| format!("{k} of {n}");
        let (sensitive_to, rule) = if n1 > 0 && n2 > 0 && k1 > 0 && k2 == 0 {
            (
                Some(a.label.clone()),
                Some(format!(
                    "fails only in {}: {} vs {} in {} (Fisher p = {:.3})",
                    a.label,
                    describe(k1, n1),
                    describe(k2, n2),
                    b.label,
                    fisher_p
                )),
            )
        } else if n1 > 0 && n2 > 0 && k2 > 0 && k1 == 0 {
            (
                Some(b.label.clone()),
                Some(format!(
                    "fails only in {}: {} vs {} in {} (Fisher p = {:.3})",
                    b.label,
                    describe(k2, n2),
                    describe(k1, n1),
                    a.label,
                    fisher_p
                )),
            )
        } else if fisher_p < significance {
            let (more, less, km, nm, kl, nl) =
                if f64::from(k1) / f64::from(n1.max(1)) > f64::from(k2) / f64::from(n2.max(1)) {
                    (&a.label, &b.label, k1, n1, k2, n2)
                } else {
                    (&b.label, &a.label, k2, n2, k1, n1)
                };
            (Some(more.clone()), Some(format!(
                "fails significantly more in {more}: {} vs {} in {less} (Fisher p = {fisher_p:.3} < {significance})",
                describe(km, nm), describe(kl, nl)
            )))
        } else {
            (None, None)
        };
        rows.push(TestComparison {
            id: id.to_owned(),
            a_failures: k1,
            a_runs: n1,
            b_failures: k2,
            b_runs: n2,
            difference,
            fisher_p,
            sensitive_to,
            rule,
        });
    }
    GroupComparison {
        a: a.label.clone(),
        b: b.label.clone(),
        tests: rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_from_paths_and_properties() {
        assert_eq!(
            guess_label("reports/parallel/run-01.xml", &[]).as_deref(),
            Some("parallel")
        );
        assert_eq!(
            guess_label("ci/pytest-n4/run.xml", &[]).as_deref(),
            Some("parallel")
        );
        assert_eq!(
            guess_label("ci/pytest -n 4/run.xml", &[]).as_deref(),
            Some("parallel")
        );
        assert_eq!(
            guess_label("ci/xdist-run3.xml", &[]).as_deref(),
            Some("parallel")
        );
        assert_eq!(
            guess_label("ci/serial/r.xml", &[]).as_deref(),
            Some("sequential")
        );
        assert_eq!(
            guess_label("sequential/run-01.xml", &[]).as_deref(),
            Some("sequential")
        );
        assert_eq!(guess_label("ci/n1/r.xml", &[]), None);
        assert_eq!(guess_label("results/run-07.xml", &[]), None);
        let props = [Property {
            name: "PYTEST_XDIST_WORKER_COUNT".into(),
            value: "4".into(),
        }];
        assert_eq!(guess_label("r.xml", &props).as_deref(), Some("parallel"));
    }

    const P: Option<Outcome> = Some(Outcome::Passed);
    const F: Option<Outcome> = Some(Outcome::Failed);

    #[test]
    fn groups_and_a_parallel_sensitive_test() {
        // Runs 0-3 sequential, 4-7 parallel.
        let labels: Vec<String> = ["seq", "seq", "seq", "seq", "par", "par", "par", "par"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let order_dependent = [P, P, P, P, F, P, F, F];
        let always = [P; 8];
        let tests: [&[Option<Outcome>]; 2] = [&order_dependent, &always];
        let g = groups(&labels, tests);
        assert_eq!(g.len(), 2);
        assert_eq!(
            (g[0].label.as_str(), g[0].executions, g[0].failures),
            ("seq", 8, 0)
        );
        // Parallel: 3 failures of 8 executions; the order-dependent test is flaky there.
        assert_eq!(
            (g[1].failures, g[1].failure_rate, g[1].flaky_tests),
            (3, Some(3.0 / 8.0), 1)
        );
        assert_eq!(g[1].identical_share, Some(0.5));
        let c = compare(
            &g[0],
            &g[1],
            [("t", &order_dependent[..]), ("u", &always[..])],
            0.95,
            0.05,
        );
        assert_eq!(c.tests.len(), 1);
        let row = &c.tests[0];
        assert_eq!(
            (row.a_failures, row.a_runs, row.b_failures, row.b_runs),
            (0, 4, 3, 4)
        );
        // Fisher, 0/4 vs 3/4: tables with margins (3 failures of 8) as extreme as observed
        // are 0/4 vs 3/4 and 3/4 vs 0/4, each C(4,3)/C(8,3) = 4/56: p = 8/56 = 1/7.
        assert!((row.fisher_p - 1.0 / 7.0).abs() < 1e-12);
        assert_eq!(row.sensitive_to.as_deref(), Some("par"));
        assert_eq!(
            row.rule.as_deref(),
            Some("fails only in par: 3 of 4 vs 0 of 4 in seq (Fisher p = 0.143)")
        );
        let d = row.difference.expect("both groups ran");
        assert_eq!(d[0], -0.75);
        assert!(d[1] < -0.75 && d[2] > -0.75);
    }
}
