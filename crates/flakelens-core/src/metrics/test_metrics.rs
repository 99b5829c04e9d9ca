//! Per-test stability metrics and verdict flags.

use serde::{Deserialize, Serialize};

use super::stats;
use crate::durations::DurationsPerRun;
use crate::model::Outcome;
use crate::options::AnalysisOptions;

/// Duration statistics of one test over the runs in which it has a time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DurationStats {
    /// How many runs gave a time.
    pub samples: u32,
    /// Arithmetic mean, in seconds.
    pub mean_seconds: f64,
    /// Median (mean of the two middle values for an even count), in seconds.
    pub median_seconds: f64,
    /// 95th percentile by the nearest-rank method, in seconds.
    pub p95_seconds: f64,
    /// Coefficient of variation: sample standard deviation / mean, a ratio ≥ 0; `None` with
    /// fewer than 2 samples or a zero mean.
    pub cv: Option<f64>,
}

/// What the runs say about one test, with honest uncertainty.
///
/// `n` is the number of runs in which the test executed (passed, failed or errored; skipped
/// runs are "not run" and count nowhere), `k` the number of those that failed or errored. A
/// run that passed on retry counts as passed. Every ratio is in \[0, 1\]. The `_95` names are
/// at the configured confidence, 95% by default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestMetrics {
    /// n: runs in which the test executed.
    pub runs_executed: u32,
    /// k: executed runs that failed or errored.
    pub failures: u32,
    /// k / n; `None` when n = 0.
    pub failure_rate: Option<f64>,
    /// Wilson score interval for the failure rate (Wilson 1927); `None` when n = 0.
    pub wilson_95: Option<[f64; 2]>,
    /// When k = 0: the exact one-sided upper bound 1 − α^(1/n) (α = 1 − confidence; the
    /// "rule of three" is its approximation 3/n).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upper_bound_95: Option<f64>,
    /// While no failure has been seen (k = 0): more runs needed (beyond n) to see at least
    /// one failure with probability `confidence` if the true failure rate were
    /// `target_failure_rate`: max(0, ⌈ln α / ln(1 − p)⌉ − n). `None` once it has failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs_needed: Option<u64>,
    /// flips / (m − 1) over the m executed outcomes in run order, pass/fail only (errors count
    /// as failures, skips dropped); 0 when m ≤ 1 (Apple, Kowalczyk et al. 2020).
    pub flip_rate: Option<f64>,
    /// Binary entropy of the failure rate in bits, in \[0, 1\] (Apple, Kowalczyk et al. 2020).
    pub entropy: Option<f64>,
    /// Entropy per window of `window_runs` consecutive executed runs, aggregated with
    /// exponential weights λ (recent windows weigh more; Kowalczyk et al. 2020).
    pub entropy_weighted: Option<f64>,
    /// The same weighting applied to the flip rate per window.
    pub flip_rate_weighted: Option<f64>,
    /// Mean of the Beta(1 + k, 1 + n − k) posterior of the failure rate (Beta(1,1) prior).
    pub posterior_mean: f64,
    /// "PFS-like": P(failure rate > `posterior_threshold`) under that posterior. Inspired by
    /// Meta's probabilistic flakiness score; not PFS itself.
    pub posterior_exceedance: f64,
    /// Durations, when any run gave a time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub durations: Option<DurationStats>,
}

/// The runs in which a test executed, in run order: true where it failed or errored.
/// Skipped runs and absences are left out.
pub fn executed_failures(outcomes: &[Option<Outcome>]) -> Vec<bool> {
    // Sized for every run at once: collected from a filter, the vector grew by doubling (four
    // reallocations at 20 runs, for each of 100,000 tests).
    let mut executed = Vec::with_capacity(outcomes.len());
    executed.extend(
        outcomes
            .iter()
            .flatten()
            .filter(|o| o.is_executed())
            .map(|o| o.is_failure()),
    );
    executed
}

/// Computes the metrics of one test from its outcomes and durations, one entry per run in
/// run order (`None` where the test is absent).
pub fn test_metrics(
    outcomes: &[Option<Outcome>],
    durations: &DurationsPerRun,
    options: &AnalysisOptions,
) -> TestMetrics {
    test_metrics_with(outcomes, durations, options, &mut MetricsCache::default())
}

/// The outcome metrics of tests whose executed runs all passed or all failed, by run count
/// and that outcome. Those depend on nothing else, and most tests of a suite are such, so
/// one analysis computes each once. Bounded: two entries per run count at most. Valid for
/// one [`AnalysisOptions`] only.
#[derive(Debug, Default)]
pub struct MetricsCache {
    uniform: std::collections::HashMap<(usize, bool), TestMetrics>,
}

/// [`test_metrics`], taking the outcome metrics of a test whose executed runs all passed or
/// all failed from `cache` (filled on first use). `cache` must only ever see `options`.
pub fn test_metrics_with(
    outcomes: &[Option<Outcome>],
    durations: &DurationsPerRun,
    options: &AnalysisOptions,
    cache: &mut MetricsCache,
) -> TestMetrics {
    let executed = executed_failures(outcomes);
    let mut metrics = match executed.first() {
        Some(&first) if executed.iter().all(|&f| f == first) => cache
            .uniform
            .entry((executed.len(), first))
            .or_insert_with(|| outcome_metrics(&executed, options))
            .clone(),
        _ => outcome_metrics(&executed, options),
    };
    metrics.durations = duration_stats(durations);
    metrics
}

/// Every metric but the durations, from the executed runs in run order (true where the
/// test failed or errored).
fn outcome_metrics(executed: &[bool], options: &AnalysisOptions) -> TestMetrics {
    let n = u32::try_from(executed.len()).unwrap_or(u32::MAX);
    let k = u32::try_from(executed.iter().filter(|f| **f).count()).unwrap_or(u32::MAX);
    let failure_rate = (n > 0).then(|| f64::from(k) / f64::from(n));
    let confidence = options.confidence;
    let runs_needed = (k == 0)
        .then(|| stats::runs_to_observe(options.target_failure_rate, confidence))
        .flatten()
        .map(|needed| needed.saturating_sub(u64::from(n)));
    let windows: Vec<&[bool]> = executed.chunks(options.window_runs.max(1)).collect();
    let window_entropy: Vec<f64> = windows
        .iter()
        .map(|w| stats::entropy(w.iter().filter(|f| **f).count() as f64 / w.len() as f64))
        .collect();
    let window_flips: Vec<f64> = windows.iter().map(|w| stats::flip_rate(w)).collect();
    TestMetrics {
        runs_executed: n,
        failures: k,
        failure_rate,
        wilson_95: stats::wilson_interval(k, n, confidence).map(|(lo, hi)| [lo, hi]),
        upper_bound_95: if k == 0 {
            stats::zero_failure_upper_bound(n, confidence)
        } else {
            None
        },
        runs_needed,
        flip_rate: (n > 0).then(|| stats::flip_rate(executed)),
        entropy: failure_rate.map(stats::entropy),
        entropy_weighted: stats::exponentially_weighted(&window_entropy, options.weight_lambda),
        flip_rate_weighted: stats::exponentially_weighted(&window_flips, options.weight_lambda),
        posterior_mean: stats::beta_posterior_mean(k, n),
        posterior_exceedance: stats::beta_posterior_exceedance(k, n, options.posterior_threshold),
        durations: None,
    }
}

/// The statistics of the finite durations (seconds), `None` when there are none; the times
/// are sorted once for the median and the 95th percentile.
fn duration_stats(durations: &DurationsPerRun) -> Option<DurationStats> {
    let mut times: Vec<f64> = Vec::with_capacity(durations.len());
    times.extend(durations.iter().flatten().filter(|t| t.is_finite()));
    if times.is_empty() {
        return None;
    }
    let mean_seconds = stats::mean(&times).unwrap_or(0.0);
    let cv = stats::coefficient_of_variation(&times);
    times.sort_unstable_by(f64::total_cmp);
    Some(DurationStats {
        samples: u32::try_from(times.len()).unwrap_or(u32::MAX),
        mean_seconds,
        median_seconds: stats::median_of_sorted(&times).unwrap_or(0.0),
        p95_seconds: stats::percentile_of_sorted(&times, 95.0).unwrap_or(0.0),
        cv,
    })
}

/// A verdict flag. More than one may hold for a test.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Flag {
    /// Passed in some executed runs and failed in others.
    FlakyAcrossRuns,
    /// Passed on retry within at least one run.
    FlakyInRun,
    /// Fails in at least `broken_share` of its executed runs, or in the last k.
    Broken,
    /// Fails only, or significantly more, in one group of runs (the group's label, e.g.
    /// "parallel"): written `parallel-sensitive`.
    GroupSensitive(String),
    /// Executed and never failed.
    Stable,
    /// Never executed.
    NotRun,
}

impl Flag {
    /// The kebab-case name used in JSON: `flaky-across-runs`, `flaky-in-run`, `broken`,
    /// `<group>-sensitive`, `stable`, `not-run`.
    pub fn name(&self) -> String {
        match self {
            Flag::FlakyAcrossRuns => "flaky-across-runs".to_owned(),
            Flag::FlakyInRun => "flaky-in-run".to_owned(),
            Flag::Broken => "broken".to_owned(),
            Flag::GroupSensitive(group) => format!("{group}-sensitive"),
            Flag::Stable => "stable".to_owned(),
            Flag::NotRun => "not-run".to_owned(),
        }
    }

    /// Reads a name written by [`Flag::name`].
    pub fn parse(name: &str) -> Option<Flag> {
        Some(match name {
            "flaky-across-runs" => Flag::FlakyAcrossRuns,
            "flaky-in-run" => Flag::FlakyInRun,
            "broken" => Flag::Broken,
            "stable" => Flag::Stable,
            "not-run" => Flag::NotRun,
            other => Flag::GroupSensitive(other.strip_suffix("-sensitive")?.to_owned()),
        })
    }
}

impl Serialize for Flag {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Flag::parse(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown flag {name}")))
    }
}

/// A flag and the rule that raised it, in words with the numbers that fired it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlagHit {
    /// The flag.
    pub flag: Flag,
    /// Why, for example "failed in 17 of 20 executed runs (85.0%) ≥ 80%".
    pub rule: String,
}

/// The flags of one test, from its outcomes in run order, whether it passed on retry in each
/// run, and its metrics. Group sensitivity is added by the group comparison.
pub fn flags(
    outcomes: &[Option<Outcome>],
    flaky_in_run: &[bool],
    metrics: &TestMetrics,
    options: &AnalysisOptions,
) -> Vec<FlagHit> {
    flags_with(
        outcomes,
        flaky_in_run,
        metrics,
        options,
        &mut FlagRules::default(),
    )
}

/// The rule texts already written for one set of options, reused across the tests of an
/// analysis: most tests are stable, and a stable test's rule depends only on its number of
/// executed runs.
#[derive(Debug, Default)]
pub struct FlagRules {
    stable: std::collections::HashMap<u32, String>,
}

/// [`flags`], reusing the rule texts in `rules` (which must come from calls with the same
/// `options`).
pub fn flags_with(
    outcomes: &[Option<Outcome>],
    flaky_in_run: &[bool],
    metrics: &TestMetrics,
    options: &AnalysisOptions,
    rules: &mut FlagRules,
) -> Vec<FlagHit> {
    use crate::format::percent;
    let n = metrics.runs_executed;
    let k = metrics.failures;
    // Most tests raise one flag: room for one, and no spare room kept (below).
    let mut hits = Vec::with_capacity(1);
    if n == 0 {
        let present = outcomes.iter().flatten().count();
        return vec![FlagHit {
            flag: Flag::NotRun,
            rule: format!("skipped or not run in all {present} run(s) in which it appears"),
        }];
    }
    if k > 0 && k < n {
        hits.push(FlagHit {
            flag: Flag::FlakyAcrossRuns,
            rule: format!("passed in {} and failed in {k} of {n} executed runs", n - k),
        });
    }
    let retried = flaky_in_run.iter().filter(|f| **f).count();
    if retried > 0 {
        hits.push(FlagHit {
            flag: Flag::FlakyInRun,
            rule: format!("passed on retry in {retried} run(s)"),
        });
    }
    let share = f64::from(k) / f64::from(n);
    let last_k = options.broken_last_k as usize;
    let executed = executed_failures(outcomes);
    if k > 0 && share >= options.broken_share {
        hits.push(FlagHit {
            flag: Flag::Broken,
            rule: format!(
                "failed in {k} of {n} executed runs ({}) ≥ {}",
                percent(Some(share)),
                percent(Some(options.broken_share))
            ),
        });
    } else if last_k > 0
        && executed.len() >= last_k
        && executed[executed.len() - last_k..].iter().all(|f| *f)
    {
        hits.push(FlagHit {
            flag: Flag::Broken,
            rule: format!("failed in each of its last {last_k} executed runs"),
        });
    }
    if k == 0 && retried == 0 {
        // The upper bound of a test with no failure depends only on `n` (and the options).
        let rule = rules.stable.entry(n).or_insert_with(|| {
            let bound = metrics
                .upper_bound_95
                .map(|b| {
                    format!(
                        "; failure rate < {} ({})",
                        percent(Some(b)),
                        crate::format::confidence(options.confidence)
                    )
                })
                .unwrap_or_default();
            format!("passed in all {n} executed runs{bound}")
        });
        hits.push(FlagHit {
            flag: Flag::Stable,
            rule: rule.clone(),
        });
    }
    // A second flag grows the room to four (at 100,000 tests, spare room was 14 MB).
    hits.shrink_to_fit();
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Option<Outcome> = Some(Outcome::Passed);
    const F: Option<Outcome> = Some(Outcome::Failed);
    const E: Option<Outcome> = Some(Outcome::Errored);
    const S: Option<Outcome> = Some(Outcome::Skipped);

    fn outcome() -> impl proptest::strategy::Strategy<Value = Option<Outcome>> {
        proptest::sample::select(vec![None, P, F, E, S])
    }

    proptest::proptest! {
        /// One cache shared by many tests of different run counts and outcomes (all passed,
        /// all failed, mixed) gives each the metrics computed from scratch.
        #[test]
        fn cached_metrics_equal_fresh_ones(
            tests in proptest::collection::vec(
                (
                    proptest::collection::vec(outcome(), 0..12),
                    proptest::collection::vec(proptest::option::of(0.0..5.0f64), 0..12),
                ),
                1..40,
            )
        ) {
            let options = AnalysisOptions::default();
            let mut cache = MetricsCache::default();
            for (outcomes, durations) in &tests {
                let durations = &DurationsPerRun::from(durations.clone());
                let cached = test_metrics_with(outcomes, durations, &options, &mut cache);
                proptest::prop_assert_eq!(cached, test_metrics(outcomes, durations, &options));
            }
        }
    }

    #[test]
    fn a_cache_tells_all_passed_from_all_failed_runs_of_the_same_count() {
        let options = AnalysisOptions::default();
        let mut cache = MetricsCache::default();
        let passed = test_metrics_with(
            &[P, P, S, P],
            &DurationsPerRun::default(),
            &options,
            &mut cache,
        );
        let failed = test_metrics_with(
            &[F, E, F],
            &DurationsPerRun::default(),
            &options,
            &mut cache,
        );
        assert_eq!((passed.runs_executed, passed.failures), (3, 0));
        assert_eq!((failed.runs_executed, failed.failures), (3, 3));
        assert_eq!(failed.failure_rate, Some(1.0));
        assert!(passed.upper_bound_95.is_some());
        assert_eq!(failed.upper_bound_95, None);
    }

    #[test]
    fn flags_name_round_trip() {
        for flag in [
            Flag::FlakyAcrossRuns,
            Flag::FlakyInRun,
            Flag::Broken,
            Flag::GroupSensitive("parallel".into()),
            Flag::Stable,
            Flag::NotRun,
        ] {
            assert_eq!(Flag::parse(&flag.name()), Some(flag));
        }
        assert_eq!(
            Flag::GroupSensitive("parallel".into()).name(),
            "parallel-sensitive"
        );
        assert_eq!(Flag::parse("nonsense"), None);
    }

    #[test]
    fn skips_and_absences_do_not_count() {
        // P S F - E P: executed P F E P -> n = 4, k = 2; flips P>F, E>P = 2 of 3.
        let outcomes = [P, S, F, None, E, P];
        let m = test_metrics(
            &outcomes,
            &DurationsPerRun::default(),
            &AnalysisOptions::default(),
        );
        assert_eq!((m.runs_executed, m.failures), (4, 2));
        assert_eq!(m.failure_rate, Some(0.5));
        assert_eq!(m.flip_rate, Some(2.0 / 3.0));
        assert_eq!(m.entropy, Some(1.0));
        // Beta(1 + 2, 1 + 2): mean 3/6.
        assert_eq!(m.posterior_mean, 0.5);
        assert!(m.upper_bound_95.is_none());
    }

    #[test]
    fn broken_by_share_and_by_last_k() {
        let options = AnalysisOptions::default();
        // 4 of 5 failed = 80% >= 80%: broken, and flaky across runs.
        let outcomes = [F, F, P, F, F];
        let m = test_metrics(&outcomes, &DurationsPerRun::default(), &options);
        let names: Vec<String> = flags(&outcomes, &[false; 5], &m, &options)
            .iter()
            .map(|h| h.flag.name())
            .collect();
        assert_eq!(names, ["flaky-across-runs", "broken"]);
        // 3 of 6 failed = 50%, but the last 3 executed runs all failed.
        let outcomes = [P, P, P, F, S, F, F];
        let m = test_metrics(&outcomes, &DurationsPerRun::default(), &options);
        let hits = flags(&outcomes, &[false; 7], &m, &options);
        assert_eq!(hits[1].flag, Flag::Broken);
        assert_eq!(hits[1].rule, "failed in each of its last 3 executed runs");
        assert_eq!(hits.capacity(), 2);
    }

    #[test]
    fn stable_states_its_bound() {
        // 10 passes: 1 - 0.05^(1/10) = 0.2589 -> "25.9%".
        let outcomes = [P; 10];
        let options = AnalysisOptions::default();
        let m = test_metrics(&outcomes, &DurationsPerRun::default(), &options);
        let hits = flags(&outcomes, &[false; 10], &m, &options);
        assert_eq!(hits.len(), 1);
        // Every test keeps its flags: no room beyond them (a pushed vector reserves four).
        assert_eq!(hits.capacity(), 1);
        assert_eq!(
            hits[0].rule,
            "passed in all 10 executed runs; failure rate < 25.9% (95%)"
        );
        // ln 0.05 / ln 0.95 = 58.4 -> 59 runs to see a 5% failure; 49 more.
        assert_eq!(m.runs_needed, Some(49));
    }

    #[test]
    fn never_executed_is_not_run() {
        let outcomes = [S, None, S];
        let options = AnalysisOptions::default();
        let m = test_metrics(&outcomes, &DurationsPerRun::default(), &options);
        assert_eq!(m.failure_rate, None);
        assert_eq!(m.wilson_95, None);
        assert_eq!(m.flip_rate, None);
        let hits = flags(&outcomes, &[false; 3], &m, &options);
        assert_eq!(hits[0].flag, Flag::NotRun);
        assert_eq!(
            hits[0].rule,
            "skipped or not run in all 2 run(s) in which it appears"
        );
    }

    #[test]
    fn durations() {
        // 1, 2, 3, 10: mean 4, median 2.5, p95 rank ceil(3.8) = 4 -> 10;
        // sample sd = sqrt(((3^2 + 2^2 + 1^2 + 6^2) / 3)) = sqrt(50/3) = 4.0825; cv = 1.0206.
        let m = test_metrics(
            &[P, P, P, P],
            &vec![Some(1.0), Some(2.0), Some(3.0), Some(10.0)].into(),
            &AnalysisOptions::default(),
        );
        let d = m.durations.expect("durations");
        assert_eq!(
            (d.samples, d.mean_seconds, d.median_seconds, d.p95_seconds),
            (4, 4.0, 2.5, 10.0)
        );
        assert!((d.cv.unwrap_or(0.0) - (50.0f64 / 3.0).sqrt() / 4.0).abs() < 1e-12);
    }

    #[test]
    fn weighted_entropy_over_windows() {
        // Window 5: [P P P P P] entropy 0, [F P F P P] p = 0.4 entropy 0.97095.
        // W = (0.97095 + 0.9 * 0) / (1 + 0.9) = 0.51103.
        let outcomes = [P, P, P, P, P, F, P, F, P, P];
        let m = test_metrics(
            &outcomes,
            &DurationsPerRun::default(),
            &AnalysisOptions::default(),
        );
        let h = -(0.4f64 * 0.4f64.log2() + 0.6 * 0.6f64.log2());
        assert!((m.entropy_weighted.unwrap_or(0.0) - h / 1.9).abs() < 1e-12);
        // Flip rates per window: 0 and 3/4 -> (0.75 + 0.9 * 0) / 1.9.
        assert!((m.flip_rate_weighted.unwrap_or(0.0) - 0.75 / 1.9).abs() < 1e-12);
    }
}
