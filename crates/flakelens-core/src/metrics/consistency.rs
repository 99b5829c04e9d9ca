//! How much the runs agree: N-run consistency and the run × run agreement matrix.

use serde::{Deserialize, Serialize};

use super::stats;
use crate::model::Outcome;
use crate::words::{zero_bytes, HIGH_BITS};

/// Consistency of a set of runs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Consistency {
    /// N: how many runs.
    pub runs: usize,
    /// Tests that executed in at least one run.
    pub executed_tests: usize,
    /// Executed tests with the same outcome in every run in which they appear (a run that
    /// lacks a test, such as a truncated report, neither breaks nor makes its consistency).
    pub identical_tests: usize,
    /// `identical_tests / executed_tests`, a ratio in \[0, 1\]; `None` with no executed test.
    pub identical_share: Option<f64>,
    /// What N runs can prove: a test that passed in all N runs has a failure rate below
    /// 1 − α^(1/N) at the configured confidence. `None` when N = 0.
    pub bound_95: Option<f64>,
    /// `agreement[i][j]`: among the tests present in both run i and run j, the share with
    /// the same outcome, a ratio in \[0, 1\]; `None` when the runs share no test.
    pub agreement: Vec<Vec<Option<f64>>>,
}

/// Outcome codes for fast column comparison: 0 absent, 1..=4 the outcomes.
fn code(outcome: Option<Outcome>) -> u8 {
    match outcome {
        None => 0,
        Some(Outcome::Passed) => 1,
        Some(Outcome::Failed) => 2,
        Some(Outcome::Errored) => 3,
        Some(Outcome::Skipped) => 4,
    }
}

/// Of the tests in two runs' columns of outcome codes ([`code`]): how many are in both runs,
/// and how many of those have the same code in both. Eight tests at a time (a word of codes);
/// the pairs of runs grow as the square of the runs (500 runs: 124,750 pairs).
fn agreement_counts(a: &[u8], b: &[u8]) -> (u64, u64) {
    // Test by test: a column longer than the other has nothing to pair its last codes with.
    let shared = a.len().min(b.len());
    let (a, b) = (&a[..shared], &b[..shared]);
    let ((a_words, a_rest), (b_words, b_rest)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    let (mut common, mut same) = (0u64, 0u64);
    for (x, y) in a_words.iter().zip(b_words) {
        let (x, y) = (u64::from_le_bytes(*x), u64::from_le_bytes(*y));
        let both = !(zero_bytes(x) | zero_bytes(y)) & HIGH_BITS;
        common += u64::from(both.count_ones());
        same += u64::from((both & zero_bytes(x ^ y)).count_ones());
    }
    for (x, y) in a_rest.iter().zip(b_rest) {
        let both = u64::from(*x != 0 && *y != 0);
        common += both;
        same += both & u64::from(x == y);
    }
    (common, same)
}

/// Computes consistency from each test's outcomes (one entry per run, run order).
pub fn consistency<'a>(
    tests: impl IntoIterator<Item = &'a [Option<Outcome>]>,
    runs: usize,
    confidence: f64,
) -> Consistency {
    // Run-major outcome codes, so each pair of runs compares two contiguous columns. A test
    // with the same outcome in every run agrees in every pair of runs: it is counted once
    // (`uniform`) and left out of the columns. Most tests of a suite are such, and the pairs
    // grow as the square of the runs (500 runs: 124,750 pairs).
    let mut columns: Vec<Vec<u8>> = vec![Vec::new(); runs];
    let mut uniform: u64 = 0;
    let mut executed_tests = 0;
    let mut identical_tests = 0;
    for outcomes in tests {
        if outcomes.iter().flatten().any(|o| o.is_executed()) {
            executed_tests += 1;
            // Identical in every run in which the test appears: a run that lacks it (a
            // truncated report, a test added later) says nothing about its consistency.
            let mut present = outcomes.iter().flatten();
            let first = present.next();
            if first.is_some_and(|f| present.all(|o| o == f)) {
                identical_tests += 1;
            }
        }
        let in_every_run = outcomes.len() == runs && outcomes.iter().all(Option::is_some);
        if in_every_run && outcomes.iter().all(|o| *o == outcomes[0]) {
            uniform += 1;
            continue;
        }
        // A test with fewer outcomes than runs is absent from the last ones: its column
        // entries are written all the same, so that position k is test k in every column.
        for (r, column) in columns.iter_mut().enumerate() {
            column.push(code(outcomes.get(r).copied().flatten()));
        }
    }
    let mut agreement = vec![vec![None; runs]; runs];
    for i in 0..runs {
        for j in i..runs {
            let (common, same) = agreement_counts(&columns[i], &columns[j]);
            let (common, same) = (common + uniform, same + uniform);
            let share = (common > 0).then(|| same as f64 / common as f64);
            agreement[i][j] = share;
            agreement[j][i] = share;
        }
    }
    Consistency {
        runs,
        executed_tests,
        identical_tests,
        identical_share: (executed_tests > 0)
            .then(|| identical_tests as f64 / executed_tests as f64),
        bound_95: stats::zero_failure_upper_bound(
            u32::try_from(runs).unwrap_or(u32::MAX),
            confidence,
        ),
        agreement,
    }
}

/// How one run agrees with the other runs: a row of the run × run agreement matrix in
/// short. With hundreds of runs the matrix is too large to read cell by cell; the runs that
/// agree least with the rest are the ones to look at (a broken environment, a bad merge, a
/// run of another suite).
#[derive(Debug, Clone, PartialEq)]
pub struct RunAgreement {
    /// The run (its index in the analysis).
    pub run: usize,
    /// The mean of its agreement with each other run it shares a test with, a ratio in
    /// \[0, 1\] (an unweighted mean over those runs).
    pub mean: f64,
    /// How many other runs share a test with it: the runs the mean is taken over.
    pub compared_runs: usize,
    /// The other run it agrees with least (the first such run on a tie).
    pub least_agreeing: usize,
    /// Its agreement with that run, a ratio in \[0, 1\].
    pub least_agreement: f64,
}

/// Each run's [`RunAgreement`] from an agreement matrix (`agreement[i][j]`, see
/// [`Consistency::agreement`]), the least agreeing first: by mean, then by run index. A run
/// that shares no test with any other run is left out. Time: one pass over the matrix.
pub fn run_agreements(agreement: &[Vec<Option<f64>>]) -> Vec<RunAgreement> {
    let mut rows: Vec<RunAgreement> = agreement
        .iter()
        .enumerate()
        .filter_map(|(run, row)| {
            let others = row
                .iter()
                .enumerate()
                .filter(|&(other, _)| other != run)
                .filter_map(|(other, value)| Some((other, (*value)?)));
            let (mut sum, mut compared_runs) = (0.0, 0usize);
            let mut least: Option<(usize, f64)> = None;
            for (other, value) in others {
                sum += value;
                compared_runs += 1;
                if least.is_none_or(|(_, lowest)| value < lowest) {
                    least = Some((other, value));
                }
            }
            let (least_agreeing, least_agreement) = least?;
            Some(RunAgreement {
                run,
                mean: sum / compared_runs as f64,
                compared_runs,
                least_agreeing,
                least_agreement,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.mean.total_cmp(&b.mean).then(a.run.cmp(&b.run)));
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Counted a word at a time, the same as test by test.
        #[test]
        fn agreement_counts_are_those_of_each_test(
            pairs in proptest::collection::vec((0u8..5, 0u8..5), 0..70),
            longer in proptest::collection::vec(0u8..5, 0..20),
            first_longer: bool,
        ) {
            let (mut a, mut b): (Vec<u8>, Vec<u8>) = pairs.iter().copied().unzip();
            let common = pairs.iter().filter(|(x, y)| *x != 0 && *y != 0).count() as u64;
            let same = pairs.iter().filter(|(x, y)| *x != 0 && x == y).count() as u64;
            // Codes past the other column's end pair with nothing.
            if first_longer { a.extend(&longer) } else { b.extend(&longer) }
            prop_assert_eq!(agreement_counts(&a, &b), (common, same));
        }
    }

    /// Any outcome or none; `None` twice as likely as each outcome, so absences are common.
    fn outcome() -> impl Strategy<Value = Option<Outcome>> {
        prop_oneof![
            2 => Just(None),
            1 => Just(Some(Outcome::Passed)),
            1 => Just(Some(Outcome::Failed)),
            1 => Just(Some(Outcome::Errored)),
            1 => Just(Some(Outcome::Skipped)),
        ]
    }

    proptest! {
        /// The agreement matrix is, pair by pair, the share of the tests present in both runs
        /// that have the same outcome in both, counted test by test. Tests drawn whole from
        /// one outcome (present in every run, so counted once as uniform) mix with any
        /// others, and some tests have fewer outcomes than runs (absent in the last ones).
        #[test]
        fn agreement_is_counted_test_by_test(
            runs in 1usize..9,
            drawn in proptest::collection::vec(
                (proptest::collection::vec(outcome(), 0..9), 0usize..5, any::<bool>()),
                0..40,
            ),
        ) {
            let tests: Vec<Vec<Option<Outcome>>> = drawn
                .into_iter()
                .map(|(mut outcomes, pick, whole)| {
                    let all = [Outcome::Passed, Outcome::Failed, Outcome::Errored, Outcome::Skipped];
                    if whole && pick < all.len() {
                        vec![Some(all[pick]); runs]
                    } else {
                        outcomes.truncate(runs);
                        outcomes
                    }
                })
                .collect();
            let c = consistency(tests.iter().map(Vec::as_slice), runs, 0.95);
            let at = |t: &Vec<Option<Outcome>>, r: usize| t.get(r).copied().flatten();
            for i in 0..runs {
                for j in 0..runs {
                    let both: Vec<&Vec<Option<Outcome>>> = tests
                        .iter()
                        .filter(|t| at(t, i).is_some() && at(t, j).is_some())
                        .collect();
                    let same = both.iter().filter(|t| at(t, i) == at(t, j)).count();
                    let expected = (!both.is_empty()).then(|| same as f64 / both.len() as f64);
                    prop_assert_eq!(c.agreement[i][j], expected, "runs {} and {}", i, j);
                }
            }
        }
    }

    const P: Option<Outcome> = Some(Outcome::Passed);
    const F: Option<Outcome> = Some(Outcome::Failed);
    const S: Option<Outcome> = Some(Outcome::Skipped);

    #[test]
    fn hand_worked_three_runs() {
        // t1: P P P (identical); t2: P F P; t3: S S S (never executed); t4: P P - (absent in
        // run 3: identical in the two runs it appears in).
        let tests: [&[Option<Outcome>]; 4] = [&[P, P, P], &[P, F, P], &[S, S, S], &[P, P, None]];
        let c = consistency(tests, 3, 0.95);
        assert_eq!((c.executed_tests, c.identical_tests), (3, 2));
        assert_eq!(c.identical_share, Some(2.0 / 3.0));
        // Runs 1 and 2 share all 4 tests; t2 differs: 3/4.
        assert_eq!(c.agreement[0][1], Some(0.75));
        // Runs 1 and 3 share t1, t2, t3 (t4 absent in run 3): all equal.
        assert_eq!(c.agreement[0][2], Some(1.0));
        // Runs 2 and 3 share t1, t2, t3; t2 differs: 2/3.
        assert_eq!(c.agreement[1][2], Some(2.0 / 3.0));
        assert_eq!(c.agreement[2][2], Some(1.0));
        // 1 - 0.05^(1/3) = 0.6316.
        assert!((c.bound_95.unwrap_or(0.0) - (1.0 - 0.05f64.powf(1.0 / 3.0))).abs() < 1e-12);
    }

    #[test]
    fn no_runs() {
        let c = consistency(std::iter::empty(), 0, 0.95);
        assert_eq!(c.identical_share, None);
        assert_eq!(c.bound_95, None);
        assert!(c.agreement.is_empty());
    }

    #[test]
    fn run_agreements_by_hand() {
        // Four runs. Run 3 shares no test with the others (None off the diagonal).
        let n = None;
        let agreement = vec![
            vec![Some(1.0), Some(0.9), Some(0.6), n],
            vec![Some(0.9), Some(1.0), Some(0.8), n],
            vec![Some(0.6), Some(0.8), Some(1.0), n],
            vec![n, n, n, Some(1.0)],
        ];
        let rows = run_agreements(&agreement);
        // Run 0: (0.9 + 0.6) / 2 = 0.75, least run 2 (0.6); run 1: (0.9 + 0.8) / 2 = 0.85,
        // least run 2 (0.8); run 2: (0.6 + 0.8) / 2 = 0.7, least run 0 (0.6).
        let got: Vec<(usize, f64, usize, (usize, f64))> = rows
            .iter()
            .map(|r| {
                (
                    r.run,
                    r.mean,
                    r.compared_runs,
                    (r.least_agreeing, r.least_agreement),
                )
            })
            .collect();
        let expected = vec![
            (2, (0.6 + 0.8) / 2.0, 2, (0, 0.6)),
            (0, (0.9 + 0.6) / 2.0, 2, (2, 0.6)),
            (1, (0.9 + 0.8) / 2.0, 2, (2, 0.8)),
        ];
        assert_eq!(got, expected);
    }

    #[test]
    fn run_agreements_ties_go_to_the_lower_run() {
        // Three runs agreeing 0.5 with each other: equal means, listed by index; each run's
        // least agreeing run is the first other one.
        let agreement = vec![
            vec![Some(1.0), Some(0.5), Some(0.5)],
            vec![Some(0.5), Some(1.0), Some(0.5)],
            vec![Some(0.5), Some(0.5), Some(1.0)],
        ];
        let rows = run_agreements(&agreement);
        let got: Vec<(usize, (usize, f64))> = rows
            .iter()
            .map(|r| (r.run, (r.least_agreeing, r.least_agreement)))
            .collect();
        assert_eq!(got, vec![(0, (1, 0.5)), (1, (0, 0.5)), (2, (0, 0.5))]);
        assert!(run_agreements(&[vec![Some(1.0)]]).is_empty());
        assert!(run_agreements(&[]).is_empty());
    }
}
