//! Golden tests of the stability metrics on small multi-run sets. Every expected value is
//! worked out by hand in the comments (with a calculator for square roots and logarithms),
//! not copied from the code's output.

use flakelens_core::junit::read_report;
use flakelens_core::metrics::test_metrics::Flag;
use flakelens_core::{Analysis, AnalysisOptions, Outcome, TestSummary};
use proptest::prelude::*;

/// One run per string: each char is a test's outcome in that run, in the order of `names`
/// ('P' passed, 'F' failed, 'E' errored, 'S' skipped, '-' absent).
fn analyze_with(names: &[&str], runs: &[&str], options: &AnalysisOptions) -> Analysis {
    let reads = runs.iter().enumerate().map(|(r, outcomes)| {
        let cases: String = names
            .iter()
            .zip(outcomes.chars())
            .map(|(name, o)| match o {
                'P' => format!(r#"<testcase classname="k" name="{name}" time="1"/>"#),
                'F' => format!(r#"<testcase classname="k" name="{name}" time="2"><failure message="f"/></testcase>"#),
                'E' => format!(r#"<testcase classname="k" name="{name}" time="2"><error message="e"/></testcase>"#),
                'S' => format!(r#"<testcase classname="k" name="{name}"><skipped/></testcase>"#),
                _ => String::new(),
            })
            .collect();
        let xml = format!(r#"<testsuite name="s">{cases}</testsuite>"#);
        read_report(&format!("run-{r}.xml"), xml.as_bytes())
    });
    Analysis::from_reads_with(reads, options)
}

fn analyze(names: &[&str], runs: &[&str]) -> Analysis {
    analyze_with(names, runs, &AnalysisOptions::default())
}

fn test<'a>(a: &'a Analysis, name: &str) -> &'a TestSummary {
    a.tests
        .iter()
        .find(|t| &*t.name == name)
        .unwrap_or_else(|| panic!("no test {name}"))
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn every_metric_of_a_flaky_test() {
    // t: P F P P F -> n = 5 executed, k = 2 failed.
    let a = analyze(&["t"], &["P", "F", "P", "P", "F"]);
    let m = &test(&a, "t").metrics;
    assert_eq!((m.runs_executed, m.failures), (5, 2));
    assert_eq!(m.failure_rate, Some(0.4));
    // Wilson, z = 1.959964, z² = 3.841459, z²/n = 0.768292:
    // centre = (0.4 + 0.384146) / 1.768292 = 0.443449
    // half = (1.959964 / 1.768292) * sqrt(0.4 * 0.6 / 5 + 3.841459 / 100) = 1.108393 * 0.293964
    //      = 0.325828 -> [0.117621, 0.769276].
    let [lo, hi] = m.wilson_95.expect("n > 0");
    assert!(
        (lo - 0.117621).abs() < 1e-5 && (hi - 0.769276).abs() < 1e-5,
        "{lo} {hi}"
    );
    assert_eq!(m.upper_bound_95, None);
    // Flips: P>F, F>P, P>P (none), P>F: 3 of 4 transitions.
    assert_eq!(m.flip_rate, Some(0.75));
    // H(0.4) = -(0.4 log2 0.4 + 0.6 log2 0.6) = 0.528771 + 0.442179 = 0.970951 bits.
    assert!((m.entropy.unwrap_or(0.0) - 0.970951).abs() < 1e-6);
    // One window of 5 runs: the weighted entropy is that window's entropy.
    assert!((m.entropy_weighted.unwrap_or(0.0) - 0.970951).abs() < 1e-6);
    // Beta(1 + 2, 1 + 3): mean 3 / 7.
    assert!(close(m.posterior_mean, 3.0 / 7.0));
    // P(p > 1%) = P(Bin(6, 0.01) <= 2) = 0.99^6 + 6(0.01)(0.99^5) + 15(0.0001)(0.99^4)
    //           = 0.941480 + 0.057059 + 0.001441 = 0.999980.
    assert!((m.posterior_exceedance - 0.999980).abs() < 1e-6);
    // It has already failed: "runs still needed to see a failure" no longer applies.
    assert_eq!(m.runs_needed, None);
    // Durations: passes take 1 s, failures 2 s: 1, 2, 1, 1, 2 -> mean 1.4, median 1,
    // p95 rank ceil(4.75) = 5 -> 2; sd = sqrt((3(0.16) + 2(0.36)) / 4) = sqrt(0.3) -> cv 0.391230.
    let d = m.durations.as_ref().expect("times given");
    assert!(close(d.mean_seconds, 1.4));
    assert_eq!((d.median_seconds, d.p95_seconds), (1.0, 2.0));
    assert!((d.cv.unwrap_or(0.0) - 0.3f64.sqrt() / 1.4).abs() < 1e-12);
    let flags: Vec<String> = test(&a, "t").flags.iter().map(|f| f.flag.name()).collect();
    assert_eq!(flags, ["flaky-across-runs"]);
    assert_eq!(
        test(&a, "t").flags[0].rule,
        "passed in 3 and failed in 2 of 5 executed runs"
    );
}

#[test]
fn interval_edge_cases() {
    // n = 0: all skipped or absent.
    // k = 0: P P P P -> Wilson low exactly 0; exact bound 1 - 0.05^(1/4) = 0.527129.
    // k = n: E F F -> Wilson high exactly 1; broken (3 of 3 = 100% >= 80%).
    let a = analyze(&["none", "zero", "all"], &["SPE", "-PF", "SPF", "SP-"]);
    let none = &test(&a, "none").metrics;
    assert_eq!(
        (none.runs_executed, none.failure_rate, none.wilson_95),
        (0, None, None)
    );
    assert_eq!((none.flip_rate, none.entropy), (None, None));
    // Beta(1,1) prior alone: mean 1/2.
    assert_eq!(none.posterior_mean, 0.5);
    assert_eq!(test(&a, "none").flags[0].flag, Flag::NotRun);

    let zero = &test(&a, "zero").metrics;
    assert_eq!(zero.wilson_95.map(|w| w[0]), Some(0.0));
    assert!((zero.upper_bound_95.unwrap_or(0.0) - 0.527129).abs() < 1e-6);
    assert_eq!(
        test(&a, "zero").flags[0].rule,
        "passed in all 4 executed runs; failure rate < 52.7% (95%)"
    );

    let all = &test(&a, "all").metrics;
    assert_eq!((all.runs_executed, all.failures), (3, 3));
    assert_eq!(all.wilson_95.map(|w| w[1]), Some(1.0));
    assert_eq!(all.entropy, Some(0.0));
    assert_eq!(all.flip_rate, Some(0.0));
    assert_eq!(test(&a, "all").flags[0].flag, Flag::Broken);
}

#[test]
fn ties_are_broken_by_flip_rate_then_failure_rate_then_id() {
    // a: P F P F (rate 0.5, flips 3/3); b: P P F F (rate 0.5, flips 1/3); c = a's twin.
    // Entropies tie at 1 bit; a and c beat b on flip rate; a before c by id.
    // d: P F P P (rate 0.25) comes after them.
    let a = analyze(&["b", "c", "a", "d"], &["PPPP", "PFFF", "FPPP", "FFFP"]);
    let order: Vec<&str> = a.tests.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(order, ["a", "c", "b", "d"]);
}

#[test]
fn skips_do_not_count_as_runs() {
    // P S S F S P: 3 executed runs, 1 failure; flips over P F P = 2 of 2.
    let a = analyze(&["t"], &["P", "S", "S", "F", "S", "P"]);
    let m = &test(&a, "t").metrics;
    assert_eq!((m.runs_executed, m.failures), (3, 1));
    assert_eq!(m.flip_rate, Some(1.0));
    assert_eq!(test(&a, "t").counts.skipped(), 3);
}

#[test]
fn user_labels_make_groups_and_a_sensitive_test() {
    // Runs 0-2 labelled "serial", 3-5 "pool". t fails only in the pool runs, 3 of 3.
    let mut options = AnalysisOptions::default();
    for r in 0..6 {
        let label = if r < 3 { "serial" } else { "pool" };
        options
            .run_labels
            .insert(format!("run-{r}.xml"), label.to_owned());
    }
    let a = analyze_with(&["t", "u"], &["PP", "PP", "PP", "FP", "FP", "FP"], &options);
    assert_eq!(a.groups.len(), 2);
    assert_eq!(
        (a.groups[0].label.as_str(), a.groups[0].failures),
        ("serial", 0)
    );
    assert_eq!(
        (a.groups[1].label.as_str(), a.groups[1].failures),
        ("pool", 3)
    );
    assert_eq!(a.runs[0].label_source, "user");
    // Fisher 0/3 vs 3/3: the observed table and its mirror each have probability
    // 1 / C(6,3) = 1/20: p = 0.1.
    let row = &a.comparisons[0].tests[0];
    assert!(close(row.fisher_p, 0.1));
    let t = test(&a, "t");
    assert!(t.has_flag(&Flag::GroupSensitive("pool".into())));
    // t failed in each of its last 3 executed runs: broken too (3 of 6 is below 80%).
    assert!(t.has_flag(&Flag::Broken));
    // Consistency: t differs between runs, u is identical: 1 of 2. Bound for 6 runs:
    // 0.05^(1/6) = exp(ln 0.05 / 6) = exp(-2.995732 / 6) = exp(-0.499289) = 0.606962,
    // so 1 - 0.606962 = 0.393038.
    assert_eq!(a.consistency.identical_share, Some(0.5));
    assert!((a.consistency.bound_95.unwrap_or(0.0) - 0.393038).abs() < 1e-6);
    // Runs 0 and 3 share t and u; t differs: 1/2.
    assert_eq!(a.consistency.agreement[0][3], Some(0.5));
}

#[test]
fn the_claim_for_a_clean_suite() {
    // 10 runs, nothing fails: 1 - 0.05^(1/10) = 0.258866 -> "25.9%".
    let a = analyze(&["a", "b"], &["PP"; 10]);
    assert_eq!(
        a.totals.claim,
        "no flaky test seen in 10 runs: each test's failure rate is below 25.9% (95%)"
    );
}

/// Outcome matrices: 1..=6 tests, 1..=8 runs, any outcome or absence.
fn matrix() -> impl Strategy<Value = (usize, Vec<String>)> {
    (1usize..=6, 1usize..=8).prop_flat_map(|(tests, runs)| {
        (
            Just(tests),
            proptest::collection::vec(
                proptest::collection::vec(
                    prop_oneof![Just('P'), Just('F'), Just('E'), Just('S'), Just('-')],
                    tests,
                )
                .prop_map(|v| v.into_iter().collect::<String>()),
                runs,
            ),
        )
    })
}

const NAMES: [&str; 6] = ["a", "b", "c", "d", "e", "f"];

proptest! {
    #[test]
    fn every_rate_is_a_ratio((tests, runs) in matrix()) {
        let refs: Vec<&str> = runs.iter().map(String::as_str).collect();
        let a = analyze(&NAMES[..tests], &refs);
        let in_unit = |x: f64| (0.0..=1.0).contains(&x);
        for t in &a.tests {
            let m = &t.metrics;
            for x in [m.failure_rate, m.flip_rate, m.entropy, m.entropy_weighted,
                      m.flip_rate_weighted, m.upper_bound_95].into_iter().flatten() {
                prop_assert!(in_unit(x), "{x}");
            }
            prop_assert!(in_unit(m.posterior_mean) && in_unit(m.posterior_exceedance));
            if let Some([lo, hi]) = m.wilson_95 {
                prop_assert!(in_unit(lo) && in_unit(hi) && lo <= hi);
            }
        }
        for x in [a.totals.consistency, a.consistency.identical_share].into_iter().flatten() {
            prop_assert!(in_unit(x));
        }
        for row in a.consistency.agreement.iter().flatten().flatten() {
            prop_assert!(in_unit(*row));
        }
        for g in &a.groups {
            if let Some(x) = g.failure_rate { prop_assert!(in_unit(x)); }
        }
    }

    #[test]
    fn file_order_changes_only_order_metrics((tests, runs) in matrix(), seed in any::<u64>()) {
        let refs: Vec<&str> = runs.iter().map(String::as_str).collect();
        let forward = analyze(&NAMES[..tests], &refs);
        // A deterministic shuffle of the runs.
        let mut shuffled = refs.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let other = analyze(&NAMES[..tests], &shuffled);
        prop_assert_eq!(forward.tests.len(), other.tests.len());
        for t in &forward.tests {
            let u = test(&other, &t.name);
            prop_assert_eq!(t.counts, u.counts);
            prop_assert_eq!(t.failure_rate, u.failure_rate);
            prop_assert_eq!(t.verdict, u.verdict);
            prop_assert_eq!(t.metrics.wilson_95, u.metrics.wilson_95);
            prop_assert_eq!(t.metrics.entropy, u.metrics.entropy);
            prop_assert_eq!(t.metrics.posterior_mean, u.metrics.posterior_mean);
            prop_assert_eq!(t.metrics.upper_bound_95, u.metrics.upper_bound_95);
        }
        prop_assert_eq!(forward.totals.consistency, other.totals.consistency);
    }

    #[test]
    fn two_halves_add_up_to_the_whole((tests, runs) in matrix(), cut in 0usize..8) {
        let refs: Vec<&str> = runs.iter().map(String::as_str).collect();
        let cut = cut.min(refs.len());
        let all = analyze(&NAMES[..tests], &refs);
        let first = analyze(&NAMES[..tests], &refs[..cut]);
        let second = analyze(&NAMES[..tests], &refs[cut..]);
        for t in &all.tests {
            let part = |a: &Analysis| {
                a.tests.iter().find(|u| u.name == t.name).map(|u| u.counts).unwrap_or_default()
            };
            prop_assert_eq!(t.counts, part(&first) + part(&second));
        }
        let run_total = |a: &Analysis| a.runs.iter().fold(flakelens_core::Counts::default(), |acc, r| acc + r.counts);
        prop_assert_eq!(run_total(&all), run_total(&first) + run_total(&second));
    }
}

#[test]
fn outcome_codes_are_what_the_helper_writes() {
    let a = analyze(&["t"], &["E"]);
    assert_eq!(test(&a, "t").outcomes, vec![Some(Outcome::Errored)]);
}
