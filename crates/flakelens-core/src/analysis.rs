//! Joining runs by test identity: per-test outcomes, counts, failure rates and verdicts.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::{Add, AddAssign};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::attempts::AttemptsPerRun;
use crate::categories::{
    category_breakdown, default_categories, default_rules, suite_tree, Category, CategoryRow,
    Evidence, FailureText, RuleSet, Signals, SuiteNode, TestCategories, TreeLeaf,
};
use crate::diagnostic::Diagnostic;
use crate::durations::DurationsPerRun;
use crate::junit::ReadOutput;
use crate::metrics::clusters::{co_failure_clusters, Cluster};
use crate::metrics::consistency::{consistency, Consistency};
use crate::metrics::groups::{compare, groups, guess_label, Group, GroupComparison};
use crate::metrics::stats;
use crate::metrics::test_metrics::{
    flags_with, test_metrics, test_metrics_with, Flag, FlagHit, FlagRules, MetricsCache,
    TestMetrics,
};
use crate::model::{Outcome, Run, TestCase, TestKey};
use crate::options::{AnalysisOptions, RunOrder};
use crate::positions::CasePositions;
use crate::text::{DetailTexts, SharedText};

/// Outcome counts of a set of test results.
///
/// For a run, `tests` is the number of distinct tests in it. For one test across runs,
/// `tests` is the number of runs in which it appeared. Always
/// `tests == passed + failed + errored + skipped`; `flaky` counts the passed results that
/// needed a retry (a subset of `passed`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    tests: u32,
    passed: u32,
    failed: u32,
    errored: u32,
    skipped: u32,
    flaky: u32,
}

impl Counts {
    /// Adds one result; `flaky_in_run` marks a pass after failed attempts.
    pub fn record(&mut self, outcome: Outcome, flaky_in_run: bool) {
        self.tests += 1;
        match outcome {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Errored => self.errored += 1,
            Outcome::Skipped => self.skipped += 1,
        }
        if flaky_in_run && outcome == Outcome::Passed {
            self.flaky += 1;
        }
    }
    /// All results counted.
    pub fn tests(&self) -> u32 {
        self.tests
    }
    /// Results that passed.
    pub fn passed(&self) -> u32 {
        self.passed
    }
    /// Results with a `<failure>` (and no `<error>`).
    pub fn failed(&self) -> u32 {
        self.failed
    }
    /// Results with an `<error>`.
    pub fn errored(&self) -> u32 {
        self.errored
    }
    /// Results that did not run.
    pub fn skipped(&self) -> u32 {
        self.skipped
    }
    /// Passed results that needed a retry: flaky within the run.
    pub fn flaky(&self) -> u32 {
        self.flaky
    }
    /// Results that ran: passed + failed + errored.
    pub fn executed(&self) -> u32 {
        self.passed + self.failed + self.errored
    }
    /// Results that failed or errored.
    pub fn failures(&self) -> u32 {
        self.failed + self.errored
    }
}

impl AddAssign for Counts {
    fn add_assign(&mut self, rhs: Counts) {
        self.tests += rhs.tests;
        self.passed += rhs.passed;
        self.failed += rhs.failed;
        self.errored += rhs.errored;
        self.skipped += rhs.skipped;
        self.flaky += rhs.flaky;
    }
}

impl Add for Counts {
    type Output = Counts;
    fn add(mut self, rhs: Counts) -> Counts {
        self += rhs;
        self
    }
}

/// What the runs say about one test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Both passed and failed (or errored) across the runs, or passed on retry within a run.
    Flaky,
    /// Failed or errored in every run in which it executed: stable-fail.
    Broken,
    /// Passed in every run in which it executed.
    StablePass,
    /// Never executed: skipped (or not run) in every run in which it appeared.
    Skipped,
}

impl Verdict {
    /// The kebab-case name used in JSON and in the page.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Flaky => "flaky",
            Verdict::Broken => "broken",
            Verdict::StablePass => "stable-pass",
            Verdict::Skipped => "skipped",
        }
    }
}

/// One run (one report file) in an [`Analysis`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The file name the run was read from.
    pub file: String,
    /// Outcome counts over the run's distinct tests.
    pub counts: Counts,
    /// Sum of the readable `time` attributes of the run's `<testcase>` elements, in seconds
    /// (every rerun element included); `None` when no testcase has a readable time.
    pub total_time_seconds: Option<f64>,
    /// True when the file was malformed and only part of it was read.
    pub partial: bool,
    /// How many `<testcase>` elements the file holds (more than `counts.tests` when tests
    /// were rerun as repeated elements).
    pub testcase_elements: usize,
    /// The producer, guessed from the report's shape.
    pub dialect: crate::junit::Dialect,
    /// The report's timestamp, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<crate::junit::Timestamp>,
    /// The report's hostname, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Suite-level `<property>` elements of the report.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<crate::Property>,
    /// The run's group label (`sequential`, `parallel`, a folder name, or `all`).
    pub label: String,
    /// Where the label came from: `user`, `guessed` (from the path or properties), `folder`
    /// or `default`.
    pub label_source: String,
}

/// The first failure seen for a test: enough to show why it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureExample {
    /// Index of the run (in [`Analysis::runs`]) it came from.
    pub run: usize,
    /// The `message` attribute, if any.
    pub message: Option<String>,
    /// The `type` attribute, if any.
    #[serde(rename = "type")]
    pub failure_type: Option<String>,
}

/// One test across all runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestSummary {
    /// Display id: `suite/classname::name` (see [`TestKey::id`]).
    pub id: Arc<str>,
    /// The innermost suite name.
    pub suite: Arc<str>,
    /// The classname, or the suite name when the testcase had none.
    pub classname: Arc<str>,
    /// The testcase name.
    pub name: Arc<str>,
    /// The testcase's `file` attribute (pytest xunit1, PHPUnit, jest with `addFileAttribute`),
    /// from the first run that gave one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// One entry per run, in run order: the outcome, or `None` when the test is absent from
    /// that run.
    pub outcomes: Vec<Option<Outcome>>,
    /// One entry per run, in run order: the outcome of every attempt in that run, oldest
    /// first (one entry when there was no retry; empty when the test is absent). Packed; it
    /// serializes as a list of lists.
    pub attempts: AttemptsPerRun,
    /// Counts over the runs in which the test appeared.
    pub counts: Counts,
    /// (failed + errored) / executed runs, a ratio in \[0, 1\]; `None` when it never executed.
    pub failure_rate: Option<f64>,
    /// The verdict from the outcomes.
    pub verdict: Verdict,
    /// The first failure's message and type, if it ever failed (a failed attempt counts).
    pub first_failure: Option<FailureExample>,
    /// One entry per run, in run order: true when the test passed on retry in that run.
    pub flaky_in_run: Vec<bool>,
    /// One entry per run, in run order: the test's time in that run in seconds (the sum over
    /// its `<testcase>` elements), or `None` when absent or not given.
    pub durations_seconds: DurationsPerRun,
    /// Stability metrics with their uncertainty.
    pub metrics: TestMetrics,
    /// Verdict flags with the rule that raised each; more than one may hold.
    pub flags: Vec<FlagHit>,
    /// Root-cause categories with their evidence; empty for tests that never failed.
    pub categories: TestCategories,
    /// Run-level facts the categorization used; `None` when there are none (held apart: 4
    /// bytes for a test without them, where the facts take 60 in wasm).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "signals_or_none"
    )]
    pub signals: Option<Box<Signals>>,
    /// Per run, the index of the test in that run's testcases (its position), for looking up
    /// the texts categories read and for leaving runs out of a join; packed (2 bytes a run
    /// while the runs are of at most 65,535 testcases); empty in a finished analysis; not
    /// serialized. Read it with [`TestSummary::case_position`].
    #[serde(skip)]
    pub case_index: CasePositions,
    /// Per run, what happened in detail when the test failed or was retried there (`None`
    /// for plain passes, skips and absences); empty when no run needs details. The fields
    /// follow CTRF's test object (`status`, `retries`, `flaky`, `retryAttempts`): see
    /// `docs/audit-format.md`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<Option<RunDetail>>,
}

/// One attempt of a test in a run, in the audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptDetail {
    /// 1-based attempt number within the run.
    pub attempt: u32,
    /// The attempt's outcome.
    pub status: Outcome,
    /// Its duration in seconds, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<f64>,
    /// The first failure's message (left out for privacy when asked). Shared: the same text
    /// in several runs of an analysis is stored once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<std::sync::Arc<str>>,
    /// The first failure's type; shared like `message`.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub failure_type: Option<std::sync::Arc<str>>,
    /// The first failure's body: the stack trace (left out for privacy when asked); shared
    /// like `message`, and held compressed when the join packs its texts
    /// ([`IncrementalAnalysis::packing_texts`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace: Option<SharedText>,
    /// `system-out` (left out for privacy when asked); held like `trace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdout: Option<SharedText>,
    /// `system-err` (left out for privacy when asked); held like `trace`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stderr: Option<SharedText>,
}

/// A test's result in one run, in detail; modelled on CTRF's test object.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunDetail {
    /// The final status in the run.
    pub status: Outcome,
    /// Attempts after the first (CTRF `retries`).
    pub retries: u32,
    /// True when it passed after failed attempts (CTRF `flaky`).
    pub flaky: bool,
    /// Every attempt, oldest first, the final one included (CTRF `retryAttempts` holds the
    /// ones before the final).
    pub attempts: Vec<AttemptDetail>,
}

impl RunDetail {
    /// The details of one test in one run, or `None` when a plain pass or skip says all.
    pub fn of(case: &crate::TestCase) -> Option<RunDetail> {
        RunDetail::of_interned(case, &mut DetailTexts::default())
    }

    /// [`RunDetail::of`] with messages, types, traces and outputs taken from `texts`, so
    /// details of many runs that hold the same text share one copy.
    pub fn of_interned(case: &crate::TestCase, texts: &mut DetailTexts) -> Option<RunDetail> {
        if !case.outcome.is_failure() && case.attempts.len() < 2 {
            return None;
        }
        let attempts = case
            .attempts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let first = a.failures.first();
                AttemptDetail {
                    attempt: u32::try_from(i + 1).unwrap_or(u32::MAX),
                    status: a.outcome,
                    duration_seconds: a.time_seconds,
                    message: first.and_then(|f| Some(texts.intern(f.message.as_deref()?))),
                    failure_type: first
                        .and_then(|f| Some(texts.intern(f.failure_type.as_deref()?))),
                    trace: first
                        .filter(|f| !f.body.is_empty())
                        .map(|f| texts.trace(&f.body)),
                    stdout: a.system_out.as_ref().map(|t| texts.output(t)),
                    stderr: a.system_err.as_ref().map(|t| texts.output(t)),
                }
            })
            .collect::<Vec<_>>();
        Some(RunDetail {
            status: case.outcome,
            retries: u32::try_from(attempts.len().saturating_sub(1)).unwrap_or(u32::MAX),
            flaky: case.flaky_in_run,
            attempts,
        })
    }

    /// Drops messages, traces and output (the audit's privacy option).
    pub fn strip_text(&mut self) {
        for a in &mut self.attempts {
            a.message = None;
            a.trace = None;
            a.stdout = None;
            a.stderr = None;
        }
    }
}

/// Reads a test's `signals`: none when they are empty (`{}` or `null`), as they are held.
fn signals_or_none<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<Box<Signals>>, D::Error> {
    Ok(Option::<Signals>::deserialize(deserializer)?.and_then(held_signals))
}

/// `signals` as [`TestSummary::signals`] holds them: none when there are none.
fn held_signals(signals: Signals) -> Option<Box<Signals>> {
    (signals != Signals::default()).then(|| Box::new(signals))
}

impl TestSummary {
    /// Drops the `system-out` and `system-err` of every attempt in its details.
    pub fn drop_outputs(&mut self) {
        for detail in self.details.iter_mut().flatten() {
            for attempt in &mut detail.attempts {
                attempt.stdout = None;
                attempt.stderr = None;
            }
        }
    }

    /// True when `flag` is among the test's flags.
    pub fn has_flag(&self, flag: &Flag) -> bool {
        self.flags.iter().any(|hit| &hit.flag == flag)
    }

    /// The distinct messages of the attempts in its details, in order of first appearance,
    /// without its first failure's message (what a search over a test's messages needs
    /// besides [`TestSummary::first_failure`]). A flaky test that failed the same way in many
    /// runs gives its message once. Found by a scan rather than a sort or a hash set, which
    /// would add their code to the browser's worker for lists of a few messages (texts
    /// interned by a join are one allocation, compared by pointer first). Past
    /// [`TestSummary::DISTINCT_MESSAGES`] distinct ones the rest are given as they come, so
    /// the scan stays linear in the attempts: a message repeated there is still a message of
    /// the test.
    pub fn distinct_messages(&self) -> Vec<Arc<str>> {
        let first = self
            .first_failure
            .as_ref()
            .and_then(|f| f.message.as_deref());
        let mut messages: Vec<Arc<str>> = Vec::new();
        let attempts = self.details.iter().flatten().flat_map(|d| &d.attempts);
        for message in attempts.filter_map(|a| a.message.as_ref()) {
            let seen = messages
                .iter()
                .take(Self::DISTINCT_MESSAGES)
                .any(|m| Arc::ptr_eq(m, message) || **m == **message);
            if !seen && Some(&**message) != first {
                messages.push(Arc::clone(message));
            }
        }
        messages
    }

    /// How many distinct messages [`TestSummary::distinct_messages`] compares each message
    /// with.
    pub const DISTINCT_MESSAGES: usize = 64;
}

/// Suite-wide figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    /// Number of runs (files read as reports, after exclusions).
    pub runs: usize,
    /// Number of distinct tests across all runs.
    pub tests: usize,
    /// Tests that executed in at least one run.
    pub executed_tests: usize,
    /// Tests whose verdict is [`Verdict::Flaky`].
    pub flaky: usize,
    /// Tests that passed on retry within at least one run (some are also flaky across runs).
    pub flaky_in_run: usize,
    /// Tests whose verdict is [`Verdict::Broken`].
    pub broken: usize,
    /// Tests whose verdict is [`Verdict::StablePass`].
    pub stable_pass: usize,
    /// Tests whose verdict is [`Verdict::Skipped`].
    pub skipped: usize,
    /// Executed tests with the same outcome in every run in which they appear.
    pub consistent_tests: usize,
    /// `consistent_tests / executed_tests`, a ratio in \[0, 1\]; `None` with no executed test.
    pub consistency: Option<f64>,
    /// The honest claim the runs support, in one sentence.
    pub claim: String,
}

/// The analysis of many runs of one suite.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Analysis {
    /// The options it was computed with.
    pub options: AnalysisOptions,
    /// The runs, in run order (file order, or by timestamp when so chosen).
    pub runs: Vec<RunSummary>,
    /// The tests: flaky first, then broken, stable-pass and skipped; flaky tests ranked by
    /// entropy, then flip rate, then failure rate (most unstable first); then by id.
    pub tests: Vec<TestSummary>,
    /// Suite-wide figures.
    pub totals: Totals,
    /// N-run consistency and the run × run agreement matrix.
    pub consistency: Consistency,
    /// The groups of runs, in order of first appearance.
    pub groups: Vec<Group>,
    /// Every pair of groups compared test by test.
    pub comparisons: Vec<GroupComparison>,
    /// Co-failure clusters, largest first.
    pub clusters: Vec<Cluster>,
    /// Every category known (defaults and the user's), in display order.
    pub category_list: Vec<Category>,
    /// Failing or flaky tests per primary category, zero rows included.
    pub categories: Vec<CategoryRow>,
    /// The suite / module tree with metrics at each level.
    pub suite_tree: SuiteNode,
    /// Every diagnostic of every file, in file order, then the analysis's own.
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis {
    /// The analysis of no run, with default options, keeping `diagnostics`: equal to
    /// `Analysis::from_runs(&[], diagnostics)`, but built directly, so a caller that only
    /// needs an empty analysis (the page, before the worker answers) does not link the
    /// analysis and its rule engine.
    pub fn empty(diagnostics: Vec<Diagnostic>) -> Analysis {
        let category_list = default_categories();
        let categories = category_breakdown(&category_list, []);
        Analysis {
            options: AnalysisOptions::default(),
            runs: Vec::new(),
            tests: Vec::new(),
            totals: Totals {
                claim: NO_RUN_CLAIM.to_owned(),
                ..Totals::default()
            },
            consistency: Consistency::default(),
            groups: Vec::new(),
            comparisons: Vec::new(),
            clusters: Vec::new(),
            category_list,
            categories,
            suite_tree: SuiteNode::default(),
            diagnostics,
        }
    }

    /// Analyzes the outputs of [`crate::junit::read_report`] or [`crate::input::read_input`],
    /// one per file, in run order, with default options.
    ///
    /// Files that yielded no run (not a report, unreadable) contribute only diagnostics.
    pub fn from_reads(reads: impl IntoIterator<Item = ReadOutput>) -> Analysis {
        Analysis::from_reads_with(reads, &AnalysisOptions::default())
    }

    /// [`Analysis::from_reads`] with options.
    pub fn from_reads_with(
        reads: impl IntoIterator<Item = ReadOutput>,
        options: &AnalysisOptions,
    ) -> Analysis {
        let reads = reads.into_iter();
        let expected_runs = reads.size_hint().0;
        Analysis::from_reads_expecting(reads, expected_runs, options)
    }

    /// [`Analysis::from_reads_with`] when about `expected_runs` runs will come (the number
    /// of files, say) but the iterator cannot tell: each test's per-run vectors are then
    /// allocated once. Only a capacity hint: any value gives the same analysis.
    pub fn from_reads_expecting(
        reads: impl IntoIterator<Item = ReadOutput>,
        expected_runs: usize,
        options: &AnalysisOptions,
    ) -> Analysis {
        let mut join = IncrementalAnalysis::new(options.clone(), expected_runs);
        for read in reads {
            join.push(read);
        }
        join.finish()
    }

    /// Analyzes runs, in the order given, with default options.
    pub fn from_runs(runs: &[Run], diagnostics: Vec<Diagnostic>) -> Analysis {
        Analysis::from_runs_with(runs, diagnostics, &AnalysisOptions::default())
    }

    /// Analyzes runs with options, keeping `diagnostics` alongside.
    ///
    /// The reader already merges the `<testcase>` elements of one identity into one
    /// [`crate::TestCase`]; should a run still hold one identity twice, the later entry wins.
    pub fn from_runs_with(
        runs: &[Run],
        diagnostics: Vec<Diagnostic>,
        options: &AnalysisOptions,
    ) -> Analysis {
        let (joined, diagnostics) = join_runs(runs, diagnostics, options);
        joined.analyze(diagnostics, options)
    }
}

/// The join of [`Analysis::from_runs_with`]: the runs `options` keeps, in its order, with
/// its identity, joined by test; `diagnostics` with the join's notes added.
fn join_runs(
    runs: &[Run],
    mut diagnostics: Vec<Diagnostic>,
    options: &AnalysisOptions,
) -> (Joined, Vec<Diagnostic>) {
    let mut selected: Vec<&Run> = runs
        .iter()
        .filter(|r| !options.excluded_runs.contains(&r.file))
        .collect();
    if options.run_order == RunOrder::Timestamp {
        let missing = selected.iter().filter(|r| r.timestamp.is_none()).count();
        if missing > 0 {
            diagnostics.push(Diagnostic::whole_file(
                "",
                crate::Severity::Info,
                format!("{missing} run(s) have no timestamp; they follow the timestamped runs in file order"),
            ));
        }
        // A stable sort keeps file order among equal or missing timestamps.
        selected.sort_by(|a, b| match (&a.timestamp, &b.timestamp) {
            (Some(x), Some(y)) => x.epoch_seconds.total_cmp(&y.epoch_seconds),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        });
    }
    let prepared = crate::prepare::prepare(&selected, options, &mut diagnostics);
    if let Some(prepared) = &prepared {
        selected = prepared.iter().collect();
    }
    let mut joiner = Joiner {
        runs_hint: selected.len(),
        ..Joiner::default()
    };
    for run in selected {
        joiner.add(run);
    }
    (joiner.finish(), diagnostics)
}

/// Runs joined by test identity, before the cross-run figures.
#[derive(Clone)]
struct Joined {
    run_summaries: Vec<RunSummary>,
    tests: Vec<TestSummary>,
    /// Per run, the cases with at least one failure, by ascending position in the run.
    failing: Vec<Vec<(u32, FailingCase)>>,
    /// Whether [`Joined::without_runs`] gives the join the runs left would give: the runs
    /// were joined as they came (no shard merged, no key rebuilt, file order, the reader's
    /// identity), no run held a test twice, and every test has one `file` in all its runs.
    runs_removable: bool,
}

impl Joined {
    /// The join of the runs left when the runs named `excluded` are taken out, equal to
    /// joining those alone when [`Joined::runs_removable`]: tests keep the order in which
    /// the runs left first show them, and a test no run left has is dropped.
    fn without_runs(&self, excluded: &[String]) -> Joined {
        let kept: Vec<bool> = self
            .run_summaries
            .iter()
            .map(|run| !excluded.contains(&run.file))
            .collect();
        let mut run_summaries = self.run_summaries.clone();
        keep_runs(&mut run_summaries, &kept);
        let mut failing = self.failing.clone();
        keep_runs(&mut failing, &kept);
        let kept_runs: Vec<usize> = (0..kept.len()).filter(|&run| kept[run]).collect();
        // Each test left, in the order the runs left first show it: by the first run left
        // that has it, then by its position there (no run has a test twice, so positions
        // differ).
        let mut order: Vec<&TestSummary> = Vec::with_capacity(self.tests.len());
        let mut placed = vec![false; self.tests.len()];
        let mut at: Vec<Option<&TestSummary>> = Vec::new();
        for &run in &kept_runs {
            at.clear();
            for (test, placed) in self.tests.iter().zip(&mut placed) {
                let position = test.case_position(run);
                let (false, Some(Some(_)), Some(position)) =
                    (*placed, test.outcomes.get(run), position)
                else {
                    continue;
                };
                *placed = true;
                let position = position as usize;
                if at.len() <= position {
                    at.resize(position + 1, None);
                }
                at[position] = Some(test);
            }
            order.extend(at.iter().flatten());
        }
        let tests = order
            .into_iter()
            .map(|test| {
                let mut test = test.clone();
                keep_runs(&mut test.outcomes, &kept);
                keep_runs(&mut test.flaky_in_run, &kept);
                test.durations_seconds.keep_runs(&kept);
                test.case_index.keep_runs(&kept);
                let mut attempts = AttemptsPerRun::with_capacity(kept_runs.len());
                for &run in &kept_runs {
                    attempts.push(test.attempts.get(run).unwrap_or_default().iter().copied());
                }
                test.attempts = attempts;
                keep_runs(&mut test.details, &kept);
                if test.details.iter().all(Option::is_none) {
                    test.details = Vec::new();
                }
                test.count_runs();
                test.first_failure = test
                    .outcomes
                    .iter()
                    .zip(&test.flaky_in_run)
                    .position(|(outcome, flaky)| outcome.is_some_and(Outcome::is_failure) || *flaky)
                    .map(|run| {
                        let failure = test
                            .case_position(run)
                            .and_then(|position| failing_case_at(&failing, run, position))
                            .and_then(FailingCase::first_failure);
                        FailureExample {
                            run,
                            message: failure.and_then(|f| f.message.as_deref().map(str::to_owned)),
                            failure_type: failure
                                .and_then(|f| f.failure_type.as_deref().map(str::to_owned)),
                        }
                    });
                test
            })
            .collect();
        Joined {
            run_summaries,
            tests,
            failing,
            runs_removable: self.runs_removable,
        }
    }
}

/// The failing case at `position` in run `run` of a join's `failing` lists; `None` when the
/// case there had no failure (only those are kept).
fn failing_case_at(
    failing: &[Vec<(u32, FailingCase)>],
    run: usize,
    position: u32,
) -> Option<&FailingCase> {
    let cases = failing.get(run)?;
    let at = cases.binary_search_by_key(&position, |(p, _)| *p).ok()?;
    Some(&cases[at].1)
}

/// Keeps the entries of a per-run vector whose run is `kept`.
pub(crate) fn keep_runs<T>(values: &mut Vec<T>, kept: &[bool]) {
    let mut run = 0;
    values.retain(|_| {
        run += 1;
        kept.get(run - 1).copied().unwrap_or(true)
    });
}

/// What categorization reads of a case that failed in a run: its failures' texts and the
/// attempts' `system-err`. The texts are interned with the details' ones, so a trace kept
/// here and in [`RunDetail`] is stored once; the rest of the case is dropped with its run.
#[derive(Clone)]
struct FailingCase {
    attempts: Vec<FailingAttempt>,
}

#[derive(Clone)]
struct FailingAttempt {
    failures: Vec<KeptFailure>,
    system_err: Option<SharedText>,
}

#[derive(Clone)]
struct KeptFailure {
    message: Option<Arc<str>>,
    failure_type: Option<Arc<str>>,
    body: SharedText,
}

impl FailingCase {
    /// What categories read of `case`. `detail`, the case's [`RunDetail`] in the join, holds
    /// each attempt's first failure's texts and its `system-err` already shared (and
    /// compressed when packing): they are taken from there, not shared a second time.
    fn of(case: &TestCase, detail: Option<&RunDetail>, texts: &mut DetailTexts) -> FailingCase {
        let attempts = case
            .attempts
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let said = detail.and_then(|d| d.attempts.get(i));
                let failures = a
                    .failures
                    .iter()
                    .enumerate()
                    .map(|(j, f)| match said.filter(|_| j == 0) {
                        Some(first) => KeptFailure {
                            message: first.message.clone(),
                            failure_type: first.failure_type.clone(),
                            body: match &first.trace {
                                Some(trace) => trace.clone(),
                                None => texts.trace(&f.body),
                            },
                        },
                        None => KeptFailure {
                            message: f.message.as_deref().map(|m| texts.intern(m)),
                            failure_type: f.failure_type.as_deref().map(|t| texts.intern(t)),
                            body: texts.trace(&f.body),
                        },
                    })
                    .collect();
                let system_err = match said {
                    Some(said) => said.stderr.clone(),
                    None => a.system_err.as_ref().map(|t| texts.output(t)),
                };
                FailingAttempt {
                    failures,
                    system_err,
                }
            })
            .collect();
        FailingCase { attempts }
    }

    /// The first failure of any attempt, oldest first.
    fn first_failure(&self) -> Option<&KeptFailure> {
        self.attempts.iter().flat_map(|a| &a.failures).next()
    }
}

impl Joined {
    /// Everything after the join: metrics, flags, groups, consistency, clusters,
    /// categories, the suite tree.
    fn analyze(self, diagnostics: Vec<Diagnostic>, options: &AnalysisOptions) -> Analysis {
        let Joined {
            run_summaries,
            tests,
            failing,
            runs_removable: _,
        } = self;
        analyze_joined(run_summaries, tests, &failing, diagnostics, options, false).0
    }
}

/// Everything after the join: metrics, flags, groups, consistency, clusters, categories,
/// the suite tree. With `lending`, also returns what it takes to put the analysis's tests
/// back in the join's order ([`Lent`]); without, the tests' run positions are freed as soon
/// as the categories are made.
fn analyze_joined(
    mut run_summaries: Vec<RunSummary>,
    mut tests: Vec<TestSummary>,
    failing: &[Vec<(u32, FailingCase)>],
    mut diagnostics: Vec<Diagnostic>,
    options: &AnalysisOptions,
    lending: bool,
) -> (Analysis, Option<Lent>) {
    note_unrelated_runs(&run_summaries, &tests, &mut diagnostics);
    label_runs(&mut run_summaries, options);
    let labels: Vec<String> = run_summaries.iter().map(|r| r.label.clone()).collect();

    let mut flag_rules = FlagRules::default();
    let mut metrics_cache = MetricsCache::default();
    for test in &mut tests {
        test.metrics = test_metrics_with(
            &test.outcomes,
            &test.durations_seconds,
            options,
            &mut metrics_cache,
        );
        test.flags = flags_with(
            &test.outcomes,
            &test.flaky_in_run,
            &test.metrics,
            options,
            &mut flag_rules,
        );
    }
    let groups = groups(&labels, tests.iter().map(|t| t.outcomes.as_slice()));
    let mut comparisons = Vec::new();
    for (i, a) in groups.iter().enumerate() {
        for b in &groups[i + 1..] {
            comparisons.push(compare(
                a,
                b,
                tests.iter().map(|t| (t.id.as_ref(), t.outcomes.as_slice())),
                options.confidence,
                options.significance,
            ));
        }
    }
    // The group-sensitive flags, found first so that the index by id borrows the ids
    // (and is not built at all when no test is sensitive to a group).
    let sensitive: Vec<(&str, &String, &String)> = comparisons
        .iter()
        .flat_map(|c| &c.tests)
        .filter_map(|row| {
            Some((
                row.id.as_str(),
                row.sensitive_to.as_ref()?,
                row.rule.as_ref()?,
            ))
        })
        .collect();
    if !sensitive.is_empty() {
        let by_id: HashMap<&str, usize> = tests
            .iter()
            .enumerate()
            .map(|(i, t)| (t.id.as_ref(), i))
            .collect();
        let hits: Vec<(usize, Flag, String)> = sensitive
            .into_iter()
            .filter_map(|(id, group, rule)| {
                Some((
                    *by_id.get(id)?,
                    Flag::GroupSensitive(group.clone()),
                    rule.clone(),
                ))
            })
            .collect();
        for (i, flag, rule) in hits {
            if !tests[i].has_flag(&flag) {
                tests[i].flags.push(FlagHit { flag, rule });
            }
        }
    }
    let consistency = consistency(
        tests.iter().map(|t| t.outcomes.as_slice()),
        run_summaries.len(),
        options.confidence,
    );
    let clusters = co_failure_clusters(
        tests.iter().map(|t| (t.id.as_ref(), t.outcomes.as_slice())),
        options.cluster_similarity,
    );
    let mut totals = Totals {
        runs: run_summaries.len(),
        tests: tests.len(),
        executed_tests: consistency.executed_tests,
        consistent_tests: consistency.identical_tests,
        consistency: consistency.identical_share,
        ..Totals::default()
    };
    for test in &tests {
        match test.verdict {
            Verdict::Flaky => totals.flaky += 1,
            Verdict::Broken => totals.broken += 1,
            Verdict::StablePass => totals.stable_pass += 1,
            Verdict::Skipped => totals.skipped += 1,
        }
        if test.counts.flaky() > 0 {
            totals.flaky_in_run += 1;
        }
    }
    // The order is found by sorting keys, then the summaries are put in that order in
    // place: sorting the (large) summaries themselves moved each many times, and
    // collecting them into a new vector held two copies of the array at the peak.
    let rank = |t: &TestSummary| {
        (
            t.verdict,
            t.metrics.entropy.unwrap_or(0.0),
            t.metrics.flip_rate.unwrap_or(0.0),
            t.failure_rate.unwrap_or(0.0),
        )
    };
    // The position is the last key, so every key differs and an unstable sort gives
    // the stable order; the keys sit together, not behind each summary.
    let mut ranked: Vec<_> = tests
        .iter()
        .enumerate()
        .map(|(i, t)| (rank(t), t.id.as_ref(), i))
        .collect();
    ranked.sort_unstable_by(|(ra, id_a, i), (rb, id_b, j)| {
        ra.0.cmp(&rb.0)
            .then_with(|| rb.1.total_cmp(&ra.1))
            .then_with(|| rb.2.total_cmp(&ra.2))
            .then_with(|| rb.3.total_cmp(&ra.3))
            .then_with(|| crate::model::compare_text(id_a, id_b))
            .then_with(|| i.cmp(j))
    });
    let order: Vec<usize> = ranked.into_iter().map(|(_, _, i)| i).collect();
    let places = lending.then(|| order.clone());
    put_in_order(&mut tests, order);
    totals.claim = claim(&totals, &tests, options);
    let (category_list, categories) = categorize(
        failing,
        &run_summaries,
        &mut tests,
        options,
        &mut diagnostics,
    );
    // The positions served the categories' signals and are no use past them, but to the
    // join the tests may go back to: at 20,000 tests × 50 runs they are 4 MB.
    let case_index: Vec<CasePositions> = tests
        .iter_mut()
        .map(|test| std::mem::take(&mut test.case_index))
        .filter(|_| lending)
        .collect();
    let suite_tree = suite_tree(tests.iter().map(|t| TreeLeaf {
        suite: &t.suite,
        classname: &t.classname,
        flaky: t.verdict == Verdict::Flaky,
        broken: t.verdict == Verdict::Broken,
        executions: u64::from(t.counts.executed()),
        failures: u64::from(t.counts.failures()),
    }));
    let analysis = Analysis {
        options: options.clone(),
        runs: run_summaries,
        tests,
        totals,
        consistency,
        groups,
        comparisons,
        clusters,
        category_list,
        categories,
        suite_tree,
        diagnostics,
    };
    let lent = places.map(|places| Lent {
        places,
        ids: analysis.tests.iter().map(|t| Arc::clone(&t.id)).collect(),
        case_index,
        outputs_dropped: false,
    });
    (analysis, lent)
}

/// The tests an analysis was lent, back in the join's order with their run positions, and
/// without what the analysis gave them (flags, categories, signals: a later analysis sets
/// them again, and one whose rules do not compile must not find the old categories).
fn take_back(mut tests: Vec<TestSummary>, lent: Lent) -> Vec<TestSummary> {
    let Lent {
        places,
        ids: _,
        case_index,
        outputs_dropped,
    } = lent;
    for (test, case_index) in tests.iter_mut().zip(case_index) {
        test.case_index = case_index;
        test.flags = Vec::new();
        test.categories = TestCategories::default();
        test.signals = None;
        if outputs_dropped {
            test.drop_outputs();
        }
    }
    // Position `places[k]` gets the test at `k`.
    let mut back = vec![0; places.len()];
    for (k, &place) in places.iter().enumerate() {
        if let Some(slot) = back.get_mut(place) {
            *slot = k;
        }
    }
    put_in_order(&mut tests, back);
    tests
}

/// Rearranges `items` in place so that position `k` holds the item that was at `order[k]`;
/// `order` must be a permutation of the positions. Follows each cycle of the permutation
/// with swaps, so no second array is allocated.
fn put_in_order<T>(items: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for start in 0..items.len().min(order.len()) {
        let mut current = start;
        while order[current] != DONE {
            let next = order[current];
            order[current] = DONE;
            if next == start || next >= items.len() {
                break;
            }
            items.swap(current, next);
            current = next;
        }
    }
}

/// An analysis made one run at a time, as the runs arrive: the join of
/// [`Analysis::from_reads_expecting`] (which is built on it), for a caller that gets its runs
/// over time. The browser's worker feeds one while it reads a load's files, so the load's
/// first analysis needs no second read of them.
///
/// The result equals [`Analysis::from_runs_with`] on the same runs in the same order.
pub struct IncrementalAnalysis {
    stream: RunStream,
    options: AnalysisOptions,
    runs: usize,
}

impl IncrementalAnalysis {
    /// An empty analysis with `options`; `expected_runs` (0 if unknown) sizes each test's
    /// per-run vectors once instead of letting them grow.
    pub fn new(options: AnalysisOptions, expected_runs: usize) -> IncrementalAnalysis {
        let mut stream = RunStream::new(&options);
        // A bound, so that a wild hint cannot reserve more than a few pages per test.
        stream.joiner.runs_hint = expected_runs.min(4096);
        IncrementalAnalysis {
            stream,
            options,
            runs: 0,
        }
    }

    /// Makes the join hold the details' stack traces and outputs compressed in memory
    /// ([`DetailTexts::packing`]): about a fifth of their size, for the time it takes to
    /// compress them as they are joined and to decompress them where they are read (categories,
    /// the audit, the browser's detail panels). The analysis is the same. Texts of runs
    /// added before this call stay as they are.
    pub fn packing_texts(mut self) -> IncrementalAnalysis {
        self.stream.joiner.texts = DetailTexts::packing();
        self
    }

    /// Adds the next file's read: its run, if any, and its diagnostics (kept beside the
    /// analysis).
    pub fn push(&mut self, read: ReadOutput) {
        self.stream.diagnostics.extend(read.diagnostics);
        if let Some(run) = read.run {
            self.runs += 1;
            self.stream.push(run, &self.options);
        }
    }

    /// Adds the next run without taking it: joined at once when it can be, else copied.
    pub fn push_run(&mut self, run: &Run) {
        self.runs += 1;
        self.stream.push_ref(run, &self.options);
    }

    /// How many runs were added (runs the options exclude included).
    pub fn runs(&self) -> usize {
        self.runs
    }

    /// The options it analyzes with.
    pub fn options(&self) -> &AnalysisOptions {
        &self.options
    }

    /// The analysis of every run added.
    pub fn finish(self) -> Analysis {
        self.stream.finish(&self.options)
    }

    /// The runs added, joined, to analyze with these options or others that join them the
    /// same way ([`JoinedRuns::analyze`]).
    pub fn finish_joined(self) -> JoinedRuns {
        let (joined, diagnostics) = self.stream.finish_joined(&self.options);
        JoinedRuns {
            joined,
            diagnostics,
            options: self.options,
            lent: None,
        }
    }
}

/// Runs joined by test identity, before any cross-run figure: what an analysis is made of
/// once its runs are read. Keeping one lets the same runs be analyzed again with other
/// options without reading them again: confidence, thresholds, windows, group labels and
/// categorization rules are applied after the join, and runs can be left out of it
/// ([`JoinedRuns::joins_as`] tells when). Another run order or identity needs the runs
/// read again.
///
/// It holds every test's per-run outcomes, attempts, durations and details, and the texts
/// categories read of each failing case (shared with the details), so it takes about as
/// much memory as the analysis made of it, and much less than the parsed runs.
#[derive(Clone)]
pub struct JoinedRuns {
    joined: Joined,
    /// The reads' diagnostics and the join's notes.
    diagnostics: Vec<Diagnostic>,
    /// The options it was joined with.
    options: AnalysisOptions,
    /// Set while the join's tests are lent to the last analysis made of it
    /// ([`JoinedRuns::analysis`]).
    lent: Option<Lent>,
}

/// What puts the tests of an analysis made of every run of a join back in the join: the
/// analysis sorts them and drops their run positions.
#[derive(Clone)]
struct Lent {
    /// For each test of the analysis, in its order, its place in the join.
    places: Vec<usize>,
    /// Each test's id, in the analysis's order: the analysis given back must hold these
    /// very texts (the same allocations) in this order.
    ids: Vec<Arc<str>>,
    /// Each test's `case_index`, in the analysis's order.
    case_index: Vec<CasePositions>,
    /// Set when the join's outputs were dropped while the tests were lent: the tests drop
    /// theirs when taken back.
    outputs_dropped: bool,
}

impl Lent {
    /// True when `analysis` holds the tests lent, in the order they were lent in.
    fn lent_to(&self, analysis: &Analysis) -> bool {
        analysis.tests.len() == self.ids.len()
            && analysis
                .tests
                .iter()
                .zip(&self.ids)
                .all(|(test, id)| Arc::ptr_eq(&test.id, id))
    }
}

impl JoinedRuns {
    /// Whether an analysis with `options` can be made from these joined runs
    /// ([`JoinedRuns::analyze`]): the same run order and identity, every run excluded here
    /// still excluded, and, when more are excluded, runs that were joined as they came (no
    /// shard merged, no key rebuilt, file order, the reader's identity), with no test twice
    /// in one run and no test whose `file` differs between runs.
    pub fn joins_as(&self, options: &AnalysisOptions) -> bool {
        let excluded_here = |file: &String| self.options.excluded_runs.contains(file);
        self.options.run_order == options.run_order
            && self.options.identity == options.identity
            && self
                .options
                .excluded_runs
                .iter()
                .all(|file| options.excluded_runs.contains(file))
            && (self.joined.runs_removable || options.excluded_runs.iter().all(excluded_here))
    }

    /// The analysis with the options it was joined with: [`IncrementalAnalysis::finish`]'s;
    /// `None` while the join's tests are lent to an analysis ([`JoinedRuns::is_lent`]).
    ///
    /// It is made of the join's own test summaries rather than a copy (at 20,000 tests × 50
    /// runs the copy is about 20 MB in wasm), so the join holds no tests until
    /// [`JoinedRuns::analyze`] is given this analysis back.
    pub fn analysis(&mut self) -> Option<Analysis> {
        if self.is_lent() {
            return None;
        }
        let options = self.options.clone();
        Some(self.lend(&options))
    }

    /// The analysis with `options` (which leave out no more runs), lent the join's tests.
    fn lend(&mut self, options: &AnalysisOptions) -> Analysis {
        let tests = std::mem::take(&mut self.joined.tests);
        let (analysis, lent) = analyze_joined(
            self.joined.run_summaries.clone(),
            tests,
            &self.joined.failing,
            self.diagnostics.clone(),
            options,
            true,
        );
        self.lent = lent;
        analysis
    }

    /// True while the join's tests are lent to an analysis ([`JoinedRuns::analysis`]).
    pub fn is_lent(&self) -> bool {
        self.lent.is_some()
    }

    /// The analysis with `options`, equal to [`Analysis::from_runs_with`] on the runs
    /// joined (the runs `options` excludes left out); `None` when the runs must be read
    /// again for it ([`JoinedRuns::joins_as`]).
    ///
    /// `previous` is the last analysis made of this join, given back: when the join lent it
    /// its tests, they are taken back from it first; otherwise it is dropped before the new
    /// analysis is made. A join that lent its tests and is not given that analysis (the
    /// same tests, in the same order) keeps waiting for it and returns `None`. When
    /// `options` leaves out no more runs than the join, the new analysis is lent the tests
    /// in turn; otherwise it gets a copy of them.
    pub fn analyze(
        &mut self,
        options: &AnalysisOptions,
        previous: Option<Analysis>,
    ) -> Option<Analysis> {
        match (self.lent.take(), previous) {
            (Some(lent), Some(previous)) if lent.lent_to(&previous) => {
                self.joined.tests = take_back(previous.tests, lent);
            }
            (Some(lent), _) => {
                self.lent = Some(lent);
                return None;
            }
            (None, previous) => drop(previous),
        }
        if !self.joins_as(options) {
            return None;
        }
        let more: Vec<String> = options
            .excluded_runs
            .iter()
            .filter(|file| !self.options.excluded_runs.contains(file))
            .cloned()
            .collect();
        if more.is_empty() {
            return Some(self.lend(options));
        }
        Some(
            self.joined
                .without_runs(&more)
                .analyze(self.diagnostics.clone(), options),
        )
    }

    /// Drops every attempt's `system-out` and `system-err`, as reading the runs again without
    /// them would: from the details and from the texts categories read. Tests lent to an
    /// analysis drop theirs when they are taken back (the analysis keeps them until then,
    /// unless its holder drops them too).
    pub fn drop_outputs(&mut self) {
        self.joined
            .tests
            .iter_mut()
            .for_each(TestSummary::drop_outputs);
        if let Some(lent) = self.lent.as_mut() {
            lent.outputs_dropped = true;
        }
        for (_, case) in self.joined.failing.iter_mut().flatten() {
            for attempt in &mut case.attempts {
                attempt.system_err = None;
            }
        }
    }
}

/// Runs joined as they arrive, for [`IncrementalAnalysis`] and the audit merger.
///
/// Streaming: each run is joined as it arrives and dropped, keeping only the cases that
/// failed, so memory holds one run at a time rather than all of them. From the first run
/// that may need preparing (a shard, or a re-keying that changes a key) on, runs are kept
/// and prepared together as `from_runs_with` would. With timestamp order or a non-default
/// identity every run is needed before the first is joined, so all are kept.
pub(crate) struct RunStream {
    joiner: Joiner,
    /// The runs kept: all of them when `hold_all`, else those from the first that may need
    /// preparing on.
    tail: Vec<Run>,
    hold_all: bool,
    /// Diagnostics to keep beside the analysis.
    pub(crate) diagnostics: Vec<Diagnostic>,
}

impl RunStream {
    /// An empty stream for `options` (its run order and identity decide whether runs can be
    /// joined as they arrive).
    pub(crate) fn new(options: &AnalysisOptions) -> RunStream {
        RunStream {
            joiner: Joiner::default(),
            tail: Vec::new(),
            hold_all: options.run_order == RunOrder::Timestamp || !options.identity.is_default(),
            diagnostics: Vec::new(),
        }
    }

    /// What to do with the next run: skip it (excluded), join it now, or keep it for
    /// [`RunStream::finish`].
    fn take(&self, run: &Run, options: &AnalysisOptions) -> Take {
        if self.hold_all {
            // `from_runs_with` applies the exclusions.
            return Take::Keep;
        }
        if options.excluded_runs.contains(&run.file) {
            return Take::Skip;
        }
        if self.tail.is_empty()
            && crate::prepare::logical_run(&run.file).is_none()
            && crate::prepare::keys_unchanged(run)
        {
            Take::Join
        } else {
            Take::Keep
        }
    }

    /// Adds the next run; runs that `options` excludes are skipped.
    pub(crate) fn push(&mut self, run: Run, options: &AnalysisOptions) {
        match self.take(&run, options) {
            Take::Skip => {}
            Take::Join => self.joiner.add(&run),
            Take::Keep => self.tail.push(run),
        }
    }

    /// [`RunStream::push`] without taking the run: it is copied only when it must be kept.
    pub(crate) fn push_ref(&mut self, run: &Run, options: &AnalysisOptions) {
        match self.take(run, options) {
            Take::Skip => {}
            Take::Join => self.joiner.add(run),
            Take::Keep => self.tail.push(run.clone()),
        }
    }

    /// The analysis of every run pushed.
    pub(crate) fn finish(self, options: &AnalysisOptions) -> Analysis {
        let (joined, diagnostics) = self.finish_joined(options);
        joined.analyze(diagnostics, options)
    }

    /// Every run pushed, joined, and the diagnostics to keep beside its analysis.
    fn finish_joined(self, options: &AnalysisOptions) -> (Joined, Vec<Diagnostic>) {
        let RunStream {
            mut joiner,
            tail,
            hold_all,
            mut diagnostics,
        } = self;
        if hold_all {
            let (mut joined, diagnostics) = join_runs(&tail, diagnostics, options);
            joined.runs_removable = false;
            return (joined, diagnostics);
        }
        // A run that may need preparing (a shard, a key to rebuild, a test twice) and every
        // run after it are joined here: then runs cannot be left out of the join.
        let prepared = !tail.is_empty();
        if prepared {
            let refs: Vec<&Run> = tail.iter().collect();
            match crate::prepare::prepare(&refs, options, &mut diagnostics) {
                Some(prepared) => prepared.iter().for_each(|r| joiner.add(r)),
                None => tail.iter().for_each(|r| joiner.add(r)),
            }
        }
        let mut joined = joiner.finish();
        joined.runs_removable &= !prepared;
        (joined, diagnostics)
    }
}

/// What a [`RunStream`] does with a run.
enum Take {
    Skip,
    Join,
    Keep,
}

/// Joins runs by test identity, one run at a time: per-run summaries and per-test outcomes,
/// counts, verdicts. Per-test vectors grow with the runs and are padded at the end.
struct Joiner {
    run_summaries: Vec<RunSummary>,
    tests: Vec<TestSummary>,
    index: rustc_hash::FxHashMap<TestKey, usize>,
    /// Per test, the last run (plus one) it was counted in: each test counts once per run.
    counted_in: Vec<usize>,
    failing: Vec<Vec<(u32, FailingCase)>>,
    /// Messages, types, traces and outputs of the details, each distinct text once.
    texts: DetailTexts,
    /// How many runs are expected, if known (0 if not): a new test's per-run vectors are
    /// allocated for that many at once instead of growing run by run.
    runs_hint: usize,
    /// The metrics of a test with no runs yet, computed once and copied into each new test
    /// (the real figures replace them after the join).
    no_metrics: Option<TestMetrics>,
    /// Cleared when a test's `file` differs between runs: which runs gave a test its `file`
    /// is not kept, so the join without some runs cannot be told from this one
    /// ([`Joined::runs_removable`]).
    runs_removable: bool,
}

impl TestSummary {
    /// True when the test's suite, classname and name are `key`'s own allocations. False
    /// says nothing: equal texts held apart are still the same test.
    fn has_key(&self, key: &TestKey) -> bool {
        Arc::ptr_eq(&self.name, key.name())
            && Arc::ptr_eq(&self.classname, key.classname())
            && Arc::ptr_eq(&self.suite, key.suite())
    }

    /// A test with no run yet, its per-run vectors allocated for `runs` runs.
    fn empty(key: &TestKey, metrics: TestMetrics, runs: usize) -> TestSummary {
        TestSummary {
            id: key.id().into(),
            suite: Arc::clone(key.suite()),
            classname: Arc::clone(key.classname()),
            name: Arc::clone(key.name()),
            file: None,
            outcomes: Vec::with_capacity(runs),
            attempts: AttemptsPerRun::with_capacity(runs),
            flaky_in_run: Vec::with_capacity(runs),
            durations_seconds: DurationsPerRun::with_capacity(runs),
            counts: Counts::default(),
            failure_rate: None,
            verdict: Verdict::Skipped,
            first_failure: None,
            metrics,
            flags: Vec::new(),
            categories: TestCategories::default(),
            signals: None,
            case_index: CasePositions::with_capacity(runs),
            details: Vec::new(),
        }
    }

    /// The test's position in run `run`'s testcases; `None` when it is absent from that run
    /// (or the analysis is finished: see [`TestSummary::case_index`]).
    pub fn case_position(&self, run: usize) -> Option<u32> {
        self.case_index.get(run)
    }

    /// Sets what `case`, at `position` in run `run`, says of the test in that run: appended
    /// after the runs it was absent from, or, for a test seen before in the same run, in
    /// place of what the earlier testcase said.
    fn record_run(&mut self, run: usize, case: &TestCase, position: usize) {
        self.pad_runs(run);
        let attempts = case.attempts.iter().map(|a| a.outcome);
        if self.outcomes.len() == run {
            self.outcomes.push(Some(case.outcome));
            self.attempts.push(attempts);
            self.flaky_in_run.push(case.flaky_in_run);
            self.durations_seconds.push(case.time_seconds);
            self.case_index.push(Some(position));
        } else {
            self.outcomes[run] = Some(case.outcome);
            self.attempts.set_last(attempts);
            self.flaky_in_run[run] = case.flaky_in_run;
            self.durations_seconds.set(run, case.time_seconds);
            self.case_index.set(run, Some(position));
        }
    }

    /// Pads the per-run vectors to `runs` entries.
    fn pad_runs(&mut self, runs: usize) {
        if self.outcomes.len() < runs {
            self.outcomes.resize(runs, None);
            self.attempts.pad_to(runs);
            self.flaky_in_run.resize(runs, false);
            self.durations_seconds.resize(runs);
            self.case_index.resize(runs);
        }
    }

    /// Sets the counts, failure rate and verdict from the per-run outcomes.
    fn count_runs(&mut self) {
        let mut counts = Counts::default();
        for (outcome, flaky) in self.outcomes.iter().zip(&self.flaky_in_run) {
            if let Some(outcome) = outcome {
                counts.record(*outcome, *flaky);
            }
        }
        self.counts = counts;
        self.failure_rate = (counts.executed() > 0)
            .then(|| f64::from(counts.failures()) / f64::from(counts.executed()));
        self.verdict = match (counts.passed() > 0, counts.failures() > 0) {
            _ if counts.flaky() > 0 => Verdict::Flaky,
            (true, true) => Verdict::Flaky,
            (false, true) => Verdict::Broken,
            (true, false) => Verdict::StablePass,
            (false, false) => Verdict::Skipped,
        };
    }

    /// Frees the room the per-run vectors reserved beyond the runs (none when the number of
    /// runs was known in advance; up to half when they grew run by run).
    fn shrink_runs(&mut self) {
        self.outcomes.shrink_to_fit();
        self.attempts.shrink_to_fit();
        self.flaky_in_run.shrink_to_fit();
        self.durations_seconds.shrink_to_fit();
        self.case_index.shrink_to_fit();
    }
}

impl Default for Joiner {
    fn default() -> Joiner {
        Joiner {
            run_summaries: Vec::new(),
            tests: Vec::new(),
            index: rustc_hash::FxHashMap::default(),
            counted_in: Vec::new(),
            failing: Vec::new(),
            texts: DetailTexts::default(),
            runs_hint: 0,
            no_metrics: None,
            runs_removable: true,
        }
    }
}

impl Joiner {
    fn add(&mut self, run: &Run) {
        let run_index = self.run_summaries.len();
        let mut counts = Counts::default();
        let mut total_time_seconds: Option<f64> = None;
        let mut seen_in_run: Vec<usize> = Vec::with_capacity(run.testcases.len());
        if self.tests.is_empty() {
            // Most tests are in the first run: one exact allocation, instead of doubling
            // (which leaves up to half the array unused and copies it on each growth).
            self.tests.reserve_exact(run.testcases.len());
        }
        let mut kept: Vec<(u32, FailingCase)> = Vec::new();
        // The test after the last one found. Tests are numbered in the order they were
        // first seen, and the runs of one suite list their testcases in much the same
        // order, so that test is tried before the index: a look at the next entry instead
        // of a probe at a random place in a table of every test (a tenth of the join at
        // 100,000 tests in wasm). It only shortcuts the index: a test is taken from it only
        // when its three texts are the testcase key's own allocations (interned), which no
        // other test can share.
        let mut next_slot = 0;
        for (position, case) in run.testcases.iter().enumerate() {
            if let Some(t) = case.time_seconds {
                *total_time_seconds.get_or_insert(0.0) += t;
            }
            let predicted = Some(next_slot)
                .filter(|&slot| self.tests.get(slot).is_some_and(|t| t.has_key(&case.key)));
            let slot = match predicted.or_else(|| self.index.get(&case.key).copied()) {
                Some(slot) => slot,
                None => {
                    let metrics = self
                        .no_metrics
                        .get_or_insert_with(|| {
                            test_metrics(
                                &[],
                                &DurationsPerRun::default(),
                                &AnalysisOptions::default(),
                            )
                        })
                        .clone();
                    let runs = self.runs_hint.max(run_index + 1);
                    self.tests
                        .push(TestSummary::empty(&case.key, metrics, runs));
                    self.counted_in.push(0);
                    self.index.insert(case.key.clone(), self.tests.len() - 1);
                    self.tests.len() - 1
                }
            };
            next_slot = slot + 1;
            let seen_before = self.counted_in[slot] != 0;
            if self.counted_in[slot] != run_index + 1 {
                self.counted_in[slot] = run_index + 1;
                seen_in_run.push(slot);
            }
            let test = &mut self.tests[slot];
            if seen_before && test.file != case.file {
                self.runs_removable = false;
            }
            if test.file.is_none() {
                test.file.clone_from(&case.file);
            }
            test.record_run(run_index, case, position);
            self.texts.for_test(slot);
            let detailed = match RunDetail::of_interned(case, &mut self.texts) {
                Some(detail) => {
                    if test.details.len() <= run_index {
                        test.details.resize(run_index + 1, None);
                    }
                    test.details[run_index] = Some(detail);
                    true
                }
                None => false,
            };
            let mut failures = case.failures();
            let first = failures.next();
            if (case.outcome.is_failure() || case.flaky_in_run) && test.first_failure.is_none() {
                test.first_failure = Some(FailureExample {
                    run: run_index,
                    message: first.and_then(|f| f.message.clone()),
                    failure_type: first.and_then(|f| f.failure_type.clone()),
                });
            }
            // Only the failing cases' texts are kept: categories read them.
            if let (Some(_), Ok(position)) = (first, u32::try_from(position)) {
                // This case's detail; not one an earlier testcase of the same identity left.
                let detail = self.tests[slot]
                    .details
                    .get(run_index)
                    .and_then(Option::as_ref)
                    .filter(|_| detailed);
                kept.push((position, FailingCase::of(case, detail, &mut self.texts)));
            }
        }
        for &slot in &seen_in_run {
            if let Some(outcome) = self.tests[slot].outcomes[run_index] {
                counts.record(outcome, self.tests[slot].flaky_in_run[run_index]);
            }
        }
        self.run_summaries.push(RunSummary {
            file: run.file.clone(),
            counts,
            total_time_seconds,
            partial: run.partial,
            testcase_elements: run.testcase_elements,
            dialect: run.dialect,
            timestamp: run.timestamp.clone(),
            hostname: run.hostname.clone(),
            properties: run.properties.clone(),
            label: String::new(),
            label_source: String::new(),
        });
        self.failing.push(kept);
    }

    fn finish(mut self) -> Joined {
        let run_count = self.run_summaries.len();
        for test in &mut self.tests {
            test.pad_runs(run_count);
            test.shrink_runs();
            if !test.details.is_empty() {
                test.details.resize(run_count, None);
                test.details.shrink_to_fit();
            }
            test.count_runs();
        }
        Joined {
            run_summaries: self.run_summaries,
            tests: self.tests,
            failing: self.failing,
            runs_removable: self.runs_removable,
        }
    }
}

/// Gives every run a group label: the user's, else one guessed from its path and properties,
/// else its folder when the runs come from several folders of two or more runs each, else
/// `all`.
fn label_runs(summaries: &mut [RunSummary], options: &AnalysisOptions) {
    let folder = |file: &str| file.rsplit_once('/').map(|(dir, _)| dir.to_owned());
    let mut per_folder: HashMap<String, usize> = HashMap::new();
    for run in summaries.iter() {
        if let Some(dir) = folder(&run.file) {
            *per_folder.entry(dir).or_insert(0) += 1;
        }
    }
    let folders_usable = per_folder.len() >= 2
        && per_folder.values().all(|&n| n >= 2)
        && summaries.iter().all(|r| folder(&r.file).is_some());
    for summary in summaries.iter_mut() {
        let run = &*summary;
        let (label, source) = if let Some(label) = options.run_labels.get(&run.file) {
            (label.clone(), "user")
        } else if let Some(label) = guess_label(&run.file, &run.properties) {
            (label, "guessed")
        } else if let (true, Some(dir)) = (folders_usable, folder(&run.file)) {
            let last = dir.rsplit('/').next().unwrap_or(&dir).to_owned();
            (last, "folder")
        } else {
            ("all".to_owned(), "default")
        };
        summary.label = label;
        summary.label_source = source.to_owned();
    }
}

/// The claim of an analysis of no run.
const NO_RUN_CLAIM: &str = "no run read yet";

/// The one-sentence claim the runs support.
fn claim(totals: &Totals, tests: &[TestSummary], options: &AnalysisOptions) -> String {
    use crate::format::percent;
    let confidence = crate::format::confidence(options.confidence);
    let n = totals.runs;
    if n == 0 {
        return NO_RUN_CLAIM.to_owned();
    }
    if totals.flaky == 0 && totals.broken == 0 {
        // The weakest bound: the test with the fewest executed runs.
        let fewest = tests
            .iter()
            .map(|t| t.metrics.runs_executed)
            .filter(|&r| r > 0)
            .min();
        return match fewest.and_then(|r| stats::zero_failure_upper_bound(r, options.confidence).map(|b| (r, b))) {
            Some((r, bound)) if r as usize == n => format!(
                "no flaky test seen in {n} runs: each test's failure rate is below {} ({confidence})",
                percent(Some(bound))
            ),
            Some((r, bound)) => format!(
                "no flaky test seen in {n} runs; the least-run test executed in {r}, so each test's failure rate is below {} ({confidence})",
                percent(Some(bound))
            ),
            None => format!("no test executed in {n} runs"),
        };
    }
    let worst = tests.iter().find(|t| t.verdict == Verdict::Flaky);
    let mut sentence = format!(
        "{} flaky and {} broken of {} tests in {n} runs",
        totals.flaky, totals.broken, totals.tests
    );
    if let Some(t) = worst {
        if let (Some(rate), Some([lo, hi])) = (t.failure_rate, t.metrics.wilson_95) {
            sentence.push_str(&format!(
                "; the most unstable, {}, fails in {} of runs ({confidence} interval {}–{})",
                t.name,
                percent(Some(rate)),
                percent(Some(lo)),
                percent(Some(hi))
            ));
        }
    }
    sentence
}

/// Distinct failing texts sampled per test for categorization: enough to match, bounded on
/// huge runs.
const MAX_FAILURES_SAMPLED: usize = 3;
/// Bytes of a failure body (stack trace) that rules look at.
const MAX_BODY_SCANNED: usize = 4 * 1024;

/// A failure categorization reads, with its texts as read: decompressed when held compressed.
struct SampledFailure<'a> {
    run: usize,
    failure: &'a KeptFailure,
    /// The first [`MAX_BODY_SCANNED`] bytes of the body.
    body: Cow<'a, str>,
    /// The first [`MAX_BODY_SCANNED`] bytes of the attempt's `system-err`.
    system_err: Option<Cow<'a, str>>,
}

/// Compiles the rules (a bad user pattern is an error diagnostic naming the rule; the
/// defaults still apply), computes each test's run-level signals and categorizes it, and
/// returns the category list and breakdown.
fn categorize(
    failing: &[Vec<(u32, FailingCase)>],
    summaries: &[RunSummary],
    tests: &mut [TestSummary],
    options: &AnalysisOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<Category>, Vec<CategoryRow>) {
    let mut categories = default_categories();
    let unknown = categories.pop();
    for c in &options.rules.categories {
        if !categories.iter().any(|k| k.id == c.id) {
            categories.push(c.clone());
        }
    }
    categories.extend(unknown);
    let mut rules = if options.rules.replace_defaults {
        Vec::new()
    } else {
        default_rules()
    };
    let rule_set = match RuleSet::compile(&options.rules.rules) {
        Ok(_) => {
            rules.extend(options.rules.rules.iter().cloned());
            RuleSet::compile(&rules)
        }
        Err(e) => {
            diagnostics.push(Diagnostic::whole_file(
                "rules",
                crate::Severity::Error,
                e.to_string(),
            ));
            RuleSet::compile(&default_rules())
        }
    };
    let rule_set = match rule_set {
        Ok(set) => set,
        Err(e) => {
            // The defaults always compile (a unit test checks); report rather than panic.
            diagnostics.push(Diagnostic::whole_file(
                "rules",
                crate::Severity::Error,
                e.to_string(),
            ));
            return (categories, Vec::new());
        }
    };
    // Per run: executed and failed counts, for the co-failure signal.
    let run_failures: Vec<(u32, u32)> = summaries
        .iter()
        .map(|r| (r.counts.executed(), r.counts.failures()))
        .collect();
    let case_at = |run: usize, position: u32| failing_case_at(failing, run, position);
    for test in tests.iter_mut() {
        let failing = test.counts.failures() > 0 || test.counts.flaky() > 0;
        if !failing {
            continue;
        }
        let mut run_signals = signals(test, summaries, &run_failures);
        // The texts read, decompressed when held compressed, then borrowed by the evidence.
        let mut sampled: Vec<SampledFailure<'_>> = Vec::new();
        for run_index in 0..test.case_index.len() {
            let Some(case) = test
                .case_position(run_index)
                .and_then(|p| case_at(run_index, p))
            else {
                continue;
            };
            for attempt in &case.attempts {
                for f in &attempt.failures {
                    // The same message again adds nothing but matching time.
                    let seen = sampled.iter().any(|g| {
                        g.failure.message == f.message && g.failure.failure_type == f.failure_type
                    });
                    if !seen && sampled.len() < MAX_FAILURES_SAMPLED {
                        sampled.push(SampledFailure {
                            run: run_index,
                            failure: f,
                            body: f.body.prefix(MAX_BODY_SCANNED),
                            system_err: attempt
                                .system_err
                                .as_ref()
                                .map(|e| e.prefix(MAX_BODY_SCANNED)),
                        });
                    }
                }
            }
        }
        let failures: Vec<FailureText<'_>> = sampled
            .iter()
            .map(|f| FailureText {
                run: f.run,
                message: f.failure.message.as_deref(),
                failure_type: f.failure.failure_type.as_deref(),
                body: &f.body,
                system_err: f.system_err.as_deref(),
            })
            .collect();
        // Varying values read a body only where the message is missing or empty.
        let first_failures: Vec<(usize, &KeptFailure, Cow<'_, str>)> = (0..test.case_index.len())
            .filter_map(|run_index| {
                let case = case_at(run_index, test.case_position(run_index)?)?;
                let f = case.first_failure()?;
                let body = if f.message.as_deref().is_some_and(|m| !m.is_empty()) {
                    Cow::Borrowed("")
                } else {
                    f.body.prefix(MAX_BODY_SCANNED)
                };
                Some((run_index, f, body))
            })
            .collect();
        let firsts: Vec<FailureText<'_>> = first_failures
            .iter()
            .map(|(run, f, body)| FailureText {
                run: *run,
                message: f.message.as_deref(),
                failure_type: None,
                body,
                system_err: None,
            })
            .collect();
        run_signals.varying_values = varying_values(&firsts);
        let mut statuses = Vec::new();
        for (status, present) in [
            ("passed", test.counts.passed() > 0),
            ("failed", test.counts.failed() > 0),
            ("errored", test.counts.errored() > 0),
            ("skipped", test.counts.skipped() > 0),
        ] {
            if present {
                statuses.push(status);
            }
        }
        let evidence = Evidence {
            test_name: &test.name,
            failures,
            statuses,
            flaky: test.verdict == Verdict::Flaky,
            signals: run_signals,
        };
        test.categories = rule_set.categorize(&evidence);
        test.signals = held_signals(evidence.signals);
    }
    let rows = category_breakdown(
        &categories,
        tests.iter().map(|t| {
            (
                t.categories.primary.as_str(),
                u64::from(t.counts.failures()),
            )
        }),
    );
    (categories, rows)
}

/// The run-level facts about one failing test.
fn signals(test: &TestSummary, runs: &[RunSummary], run_failures: &[(u32, u32)]) -> Signals {
    use crate::format::percent;
    let mut s = Signals::default();
    if let Some(hit) = test.flags.iter().find(
        |h| matches!(&h.flag, Flag::GroupSensitive(g) if g.to_ascii_lowercase().contains("parallel")),
    ) {
        s.parallel_sensitive = Some(hit.rule.clone());
    }
    let failing_runs: Vec<usize> = (0..test.outcomes.len())
        .filter(|&r| test.outcomes[r].is_some_and(Outcome::is_failure))
        .collect();
    // Systemic: in most of its failing runs, many other tests failed too.
    let crowded = failing_runs
        .iter()
        .filter(|&&r| {
            let (executed, failed) = run_failures[r];
            let others = failed.saturating_sub(1);
            others >= 5 && f64::from(others) >= 0.3 * f64::from(executed)
        })
        .count();
    if !failing_runs.is_empty() && crowded * 2 >= failing_runs.len() && crowded > 0 {
        s.co_failure = Some(format!(
            "in {crowded} of its {} failing runs, at least 5 other tests and 30% of the executed tests failed too",
            failing_runs.len()
        ));
    }
    // Time: failures contiguous in timestamp order, with passes before and after.
    let mut timed: Vec<(f64, bool, usize)> = (0..test.outcomes.len())
        .filter_map(|r| {
            let o = test.outcomes[r].filter(|o| o.is_executed())?;
            Some((runs[r].timestamp.as_ref()?.epoch_seconds, o.is_failure(), r))
        })
        .collect();
    timed.sort_by(|a, b| a.0.total_cmp(&b.0));
    let first_fail = timed.iter().position(|t| t.1);
    let last_fail = timed.iter().rposition(|t| t.1);
    if let (Some(a), Some(b)) = (first_fail, last_fail) {
        let contiguous = timed[a..=b].iter().all(|t| t.1);
        if contiguous && b > a && a > 0 && b + 1 < timed.len() {
            let at = |i: usize| {
                runs[timed[i].2]
                    .timestamp
                    .as_ref()
                    .map(|t| t.iso.clone())
                    .unwrap_or_default()
            };
            s.time_cluster = Some(format!(
                "failed in all {} runs between {} and {}, passed before and after",
                b - a + 1,
                at(a),
                at(b)
            ));
        }
    }
    // Position: where the test sits in its run separates failures from passes.
    let position = |r: usize| -> Option<f64> {
        let p = f64::from(test.case_position(r)?);
        let size = f64::from(runs[r].counts.tests().max(1));
        Some(p / size)
    };
    let fail_pos: Vec<f64> = failing_runs.iter().filter_map(|&r| position(r)).collect();
    let pass_pos: Vec<f64> = (0..test.outcomes.len())
        .filter(|&r| test.outcomes[r] == Some(Outcome::Passed))
        .filter_map(position)
        .collect();
    if fail_pos.len() >= 2 && pass_pos.len() >= 2 {
        let (fmin, fmax) = min_max(&fail_pos);
        let (pmin, pmax) = min_max(&pass_pos);
        if fmin > pmax || fmax < pmin {
            let (where_fail, where_pass) = if fmin > pmax {
                ("later", "earlier")
            } else {
                ("earlier", "later")
            };
            s.order_position = Some(format!(
                "it ran {where_fail} in the run whenever it failed (positions {}–{} of the run) and {where_pass} whenever it passed ({}–{})",
                percent(Some(fmin)),
                percent(Some(fmax)),
                percent(Some(pmin)),
                percent(Some(pmax))
            ));
        }
    }
    s
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}

/// "The same failure text with different values in each run": the first message of each
/// failing run, with memory addresses masked, must be equal once digits are removed and
/// differ with them. A sign of random or generated data.
fn varying_values(failures: &[FailureText<'_>]) -> Option<String> {
    let mut per_run: Vec<(usize, String)> = Vec::new();
    for f in failures {
        if per_run.iter().any(|(r, _)| *r == f.run) {
            continue;
        }
        let text = f.message.filter(|m| !m.is_empty()).unwrap_or(f.body);
        per_run.push((f.run, mask_addresses(text)));
    }
    if per_run.len() < 2 {
        return None;
    }
    // Digits, and the commas and spaces between them, collapse to one '#': "[7, 20, 4]" and
    // "{4, 7}" keep their shape whatever their length.
    let skeleton = |t: &str| {
        let mut out = String::new();
        let mut in_number = false;
        for c in t.chars() {
            if c.is_ascii_digit() || (in_number && matches!(c, ',' | ' ' | '.')) {
                if !in_number {
                    out.push('#');
                    in_number = true;
                }
            } else {
                in_number = false;
                out.push(c);
            }
        }
        out
    };
    let first = skeleton(&per_run[0].1);
    let same_shape = per_run.iter().all(|(_, t)| skeleton(t) == first);
    let distinct: std::collections::BTreeSet<&str> =
        per_run.iter().map(|(_, t)| t.as_str()).collect();
    (same_shape && distinct.len() > 1 && !first.trim().is_empty()).then(|| {
        format!(
            "its failure message has the same text with different values in {} of its {} failing runs",
            distinct.len(),
            per_run.len()
        )
    })
}

/// Replaces `0x7f3a...` addresses (which differ between processes anyway) with `0x…`.
fn mask_addresses(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        out.push_str("0x…");
        rest = rest[at + 2..].trim_start_matches(|c: char| c.is_ascii_hexdigit());
    }
    out.push_str(rest);
    out
}

/// Warns about runs that share no test with any other run: they are most likely runs of
/// another suite, dropped into the same analysis by mistake.
fn note_unrelated_runs(
    runs: &[RunSummary],
    tests: &[TestSummary],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if runs.len() < 2 {
        return;
    }
    let mut shared = vec![false; runs.len()];
    let mut unshared = runs.len();
    for test in tests {
        if unshared == 0 {
            // Every run shares a test with another: most analyses stop at the first test.
            break;
        }
        let present = || (0..runs.len()).filter(|&r| test.outcomes[r].is_some());
        if present().nth(1).is_some() {
            for r in present() {
                if !shared[r] {
                    shared[r] = true;
                    unshared -= 1;
                }
            }
        }
    }
    for (run, shared) in runs.iter().zip(shared) {
        if !shared && run.counts.tests() > 0 {
            diagnostics.push(Diagnostic::whole_file(
                &run.file,
                crate::Severity::Warning,
                "this run shares no test with the other runs: is it a run of another suite? Its tests count apart, and consistency compares each test only with its own runs".to_owned(),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{read_generated, GenSpec};
    use crate::junit::read_report;
    use proptest::prelude::*;

    #[test]
    fn empty_equals_the_analysis_of_no_run() {
        let note = Diagnostic::whole_file("x.xml", crate::Severity::Info, "a note".to_owned());
        assert_eq!(
            Analysis::empty(vec![note.clone()]),
            Analysis::from_runs(&[], vec![note])
        );
        // By hand: nothing counted, the ten default categories listed with zero rows.
        let empty = Analysis::empty(Vec::new());
        assert_eq!(empty.totals.claim, "no run read yet");
        assert_eq!(empty.category_list.len(), 10);
        assert!(empty
            .categories
            .iter()
            .all(|row| row.tests == 0 && row.share.is_none()));
    }

    #[test]
    fn put_in_order_follows_every_cycle() {
        // Two cycles (0 2 1) and (3 4), and a fixed point 5; expected by hand.
        let mut items = vec!['a', 'b', 'c', 'd', 'e', 'f'];
        put_in_order(&mut items, vec![2, 0, 1, 4, 3, 5]);
        assert_eq!(items, vec!['c', 'a', 'b', 'e', 'd', 'f']);
    }

    proptest! {
        #[test]
        fn put_in_order_equals_collecting_in_order(
            order in (0usize..40).prop_flat_map(|n| Just((0..n).collect::<Vec<_>>()).prop_shuffle())
        ) {
            let items: Vec<usize> = (100..100 + order.len()).collect();
            let collected: Vec<usize> = order.iter().map(|&i| items[i]).collect();
            let mut in_place = items.clone();
            put_in_order(&mut in_place, order);
            prop_assert_eq!(in_place, collected);
        }
    }

    #[test]
    fn a_run_holding_one_identity_twice_keeps_the_later_testcase() {
        // Two runs; the second holds `C::t` twice: failed in 2.0 s, then passed in 0.5 s.
        let first = read_report(
            "r1.xml",
            br#"<testsuite name="s"><testcase classname="C" name="t" time="1"/></testsuite>"#,
        )
        .run
        .expect("run 1");
        let mut second = read_report(
            "r2.xml",
            br#"<testsuite name="s"><testcase classname="C" name="t" time="2"><failure message="m"/></testcase></testsuite>"#,
        )
        .run
        .expect("run 2");
        let mut again = second.testcases[0].clone();
        again.outcome = Outcome::Passed;
        again.attempts.truncate(1);
        again.attempts[0].outcome = Outcome::Passed;
        again.attempts[0].failures.clear();
        again.time_seconds = Some(0.5);
        second.testcases.push(again);
        let a = Analysis::from_runs(&[first, second], Vec::new());
        assert_eq!(a.tests.len(), 1);
        let t = &a.tests[0];
        assert_eq!(
            t.outcomes,
            vec![Some(Outcome::Passed), Some(Outcome::Passed)]
        );
        assert_eq!(t.attempts.get(1), Some(&[Outcome::Passed][..]));
        assert_eq!(t.durations_seconds.get(1), Some(0.5));
        assert_eq!(t.counts.executed(), 2);
        assert_eq!(t.verdict, Verdict::StablePass);
    }

    #[test]
    fn the_join_finds_tests_whatever_their_position_and_allocation() {
        // Run 2 swaps a and b and adds d; run 3 lists them all in order. Read with one
        // interner, most testcases are found as the test after the one found before them;
        // read apart, none share an allocation and all are found through the index.
        let reports: [(&str, &str); 3] = [
            (
                "r1.xml",
                r#"<testsuite name="s"><testcase classname="C" name="a"/><testcase classname="C" name="b"/><testcase classname="C" name="c"/></testsuite>"#,
            ),
            (
                "r2.xml",
                r#"<testsuite name="s"><testcase classname="C" name="b"><failure/></testcase><testcase classname="C" name="a"/><testcase classname="C" name="c"/><testcase classname="C" name="d"/></testsuite>"#,
            ),
            (
                "r3.xml",
                r#"<testsuite name="s"><testcase classname="C" name="a"/><testcase classname="C" name="b"/><testcase classname="C" name="c"><failure/></testcase><testcase classname="C" name="d"/></testsuite>"#,
            ),
        ];
        let read = |interner: &mut crate::model::Interner| -> Vec<Run> {
            reports
                .iter()
                .map(|(name, xml)| {
                    crate::input::read_input_interned(name, xml.as_bytes(), interner)
                        .remove(0)
                        .run
                        .expect("a run")
                })
                .collect()
        };
        let mut shared = crate::model::Interner::default();
        let together = Analysis::from_runs(&read(&mut shared), Vec::new());
        let apart: Vec<Run> = (0..3)
            .map(|i| read(&mut crate::model::Interner::default()).swap_remove(i))
            .collect();
        assert_eq!(together, Analysis::from_runs(&apart, Vec::new()));
        // By hand: P passed, F failed, - absent.
        let (p, f) = (Some(Outcome::Passed), Some(Outcome::Failed));
        let mut outcomes: Vec<(&str, Vec<Option<Outcome>>)> = together
            .tests
            .iter()
            .map(|t| (&*t.name, t.outcomes.clone()))
            .collect();
        outcomes.sort_by_key(|(name, _)| *name);
        assert_eq!(
            outcomes,
            vec![
                ("a", vec![p, p, p]),
                ("b", vec![p, f, p]),
                ("c", vec![p, p, f]),
                ("d", vec![None, p, p]),
            ]
        );
    }

    /// Run file names in two folders (two group labels), one run in two shards.
    const SHARDED_RUNS: [&str; 6] = [
        "a/run-1.xml",
        "a/run-2.xml",
        "b/run-3-shard-1-of-2.xml",
        "b/run-3-shard-2-of-2.xml",
        "b/run-4.xml",
        "b/run-5.xml",
    ];

    /// `flakelens gen`'s reports of `tests` tests with `seed`, one run per name, read.
    fn generated(names: &[&str], tests: usize, seed: u64) -> Vec<ReadOutput> {
        let spec = GenSpec {
            tests,
            runs: names.len(),
            seed,
        };
        read_generated(&spec, |i| names[i].to_owned())
    }

    /// Each message once, in order, without the first failure's; past the cap of 64 compared,
    /// the rest as they come.
    #[test]
    fn distinct_messages_once_each_then_as_they_come() {
        let attempt = |message: &str| AttemptDetail {
            attempt: 1,
            status: Outcome::Failed,
            duration_seconds: None,
            message: Some(Arc::from(message)),
            failure_type: None,
            trace: None,
            stdout: None,
            stderr: None,
        };
        let detail = |messages: &[&str]| RunDetail {
            status: Outcome::Failed,
            retries: 0,
            flaky: false,
            attempts: messages.iter().map(|m| attempt(m)).collect(),
        };
        let analysis = Analysis::from_reads(generated(&["a.xml", "b.xml"], 3, 1));
        let mut test = analysis.tests[0].clone();
        test.first_failure = Some(FailureExample {
            run: 0,
            message: Some("boom".to_owned()),
            failure_type: None,
        });
        test.details = vec![
            Some(detail(&["boom", "late", "boom"])),
            None,
            Some(detail(&["late", "refused"])),
        ];
        let got: Vec<String> = test
            .distinct_messages()
            .iter()
            .map(|m| m.to_string())
            .collect();
        assert_eq!(got, ["late", "refused"]);
        // 70 distinct messages, then the 3rd and the 66th again: the 3rd is among the 64
        // compared, the 66th is not.
        let many: Vec<String> = (0..70).map(|i| format!("m{i}")).collect();
        let mut all: Vec<&str> = many.iter().map(String::as_str).collect();
        all.extend(["m2", "m65"]);
        test.details = vec![Some(detail(&all))];
        let got: Vec<String> = test
            .distinct_messages()
            .iter()
            .map(|m| m.to_string())
            .collect();
        let mut expected = many.clone();
        expected.push("m65".to_owned());
        assert_eq!(got, expected);
    }

    /// A join that holds its long texts compressed gives the same analysis, byte for byte in
    /// JSON, with the traces and outputs compressed in its details.
    #[test]
    fn packed_texts_give_the_same_analysis() {
        let names: Vec<String> = (1..=6).map(|i| format!("run-{i}.xml")).collect();
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        // Enough tests that some failing ones write system-out (5% of them).
        let reads = generated(&name_refs, 2000, 5);
        let plain = Analysis::from_reads(reads.clone());
        let mut packing =
            IncrementalAnalysis::new(AnalysisOptions::default(), reads.len()).packing_texts();
        reads.into_iter().for_each(|read| packing.push(read));
        let packed = packing.finish();
        assert_eq!(packed, plain);
        assert_eq!(
            serde_json::to_string(&packed).expect("serializes"),
            serde_json::to_string(&plain).expect("serializes")
        );
        let attempts = || {
            packed
                .tests
                .iter()
                .flat_map(|t| t.details.iter().flatten())
                .flat_map(|d| &d.attempts)
        };
        let traces: Vec<&SharedText> = attempts().filter_map(|a| a.trace.as_ref()).collect();
        let outputs: Vec<&SharedText> = attempts().filter_map(|a| a.stdout.as_ref()).collect();
        assert!(!traces.is_empty() && !outputs.is_empty());
        assert!(traces.iter().chain(&outputs).all(|t| t.is_compressed()));
        // A failing test's traces after its first are compressed against it (the join says
        // whose texts it packs).
        assert!(traces.iter().any(|t| t.is_against_base()));
        // Categories read the compressed traces: some tests are categorized by them.
        assert!(packed
            .tests
            .iter()
            .any(|t| !t.categories.matches.is_empty()));
    }

    /// Reads (streamed, each run joined as it arrives) and runs (all at once) give the same
    /// analysis, shards and excluded runs included.
    #[test]
    fn streaming_join_equals_the_whole_join() {
        let reads = generated(&SHARDED_RUNS, 300, 3);
        let runs: Vec<Run> = reads.iter().filter_map(|r| r.run.clone()).collect();
        let mut options = AnalysisOptions::default();
        for excluded in [None, Some("a/run-2.xml")] {
            options.excluded_runs = excluded.into_iter().map(str::to_owned).collect();
            let streamed = Analysis::from_reads_with(reads.clone(), &options);
            let whole = Analysis::from_runs_with(&runs, Vec::new(), &options);
            assert_eq!(streamed, whole);
            assert!(streamed
                .tests
                .iter()
                .any(|t| !t.categories.matches.is_empty()));
        }
        // Runs added by reference (copied only from the first shard on) give the same.
        for excluded in [None, Some("a/run-2.xml"), Some("b/run-4.xml")] {
            options.excluded_runs = excluded.into_iter().map(str::to_owned).collect();
            let mut incremental = IncrementalAnalysis::new(options.clone(), 0);
            runs.iter().for_each(|run| incremental.push_run(run));
            assert_eq!(incremental.runs(), runs.len());
            assert_eq!(
                incremental.finish(),
                Analysis::from_runs_with(&runs, Vec::new(), &options)
            );
        }
        // Without shards, every run is joined as it arrives.
        let plain: Vec<ReadOutput> = reads.into_iter().take(2).collect();
        let runs: Vec<Run> = plain.iter().filter_map(|r| r.run.clone()).collect();
        assert_eq!(
            Analysis::from_reads(plain),
            Analysis::from_runs(&runs, Vec::new())
        );
    }

    /// Analyzes `joined` again as the worker does: giving back the last analysis made of it
    /// (`last`), and keeping a copy of the new one there.
    fn analyze_again(
        joined: &mut JoinedRuns,
        last: &mut Option<Analysis>,
        options: &AnalysisOptions,
    ) -> Option<Analysis> {
        let analysis = joined.analyze(options, last.take());
        last.clone_from(&analysis);
        analysis
    }

    /// `runs` joined one at a time with `options`, as the worker joins a load.
    fn joined_runs(runs: &[Run], options: &AnalysisOptions) -> JoinedRuns {
        let mut incremental = IncrementalAnalysis::new(options.clone(), runs.len());
        runs.iter().for_each(|run| incremental.push_run(run));
        incremental.finish_joined()
    }

    /// The runs of [`generated`]'s reads.
    fn generated_runs(names: &[&str], tests: usize, seed: u64) -> Vec<Run> {
        generated(names, tests, seed)
            .into_iter()
            .filter_map(|read| read.run)
            .collect()
    }

    /// Joined runs analyzed again give what analyzing the runs with the new options gives,
    /// for every option applied after the join; an option that joins differently is refused.
    #[test]
    fn joined_runs_analyze_as_the_runs_would() {
        let runs = generated_runs(&SHARDED_RUNS[..5], 200, 7);
        let mut joins = vec![AnalysisOptions::default(); 4];
        joins[1].excluded_runs = vec!["a/run-2.xml".to_owned()];
        joins[2].run_order = RunOrder::Timestamp;
        joins[3].identity.strip_parameters = true;
        joins[3].identity.suite = crate::SuitePart::Path;
        for join in &joins {
            let mut joined = joined_runs(&runs, join);
            let mut last = None;
            let mut afters = vec![join.clone(); 6];
            afters[1].confidence = 0.8;
            afters[2].broken_share = 0.3;
            afters[2].broken_last_k = 1;
            afters[3].window_runs = 2;
            afters[3].weight_lambda = 0.5;
            afters[4].cluster_similarity = 0.2;
            afters[4].significance = 0.5;
            afters[5]
                .run_labels
                .insert("a/run-1.xml".to_owned(), "first".to_owned());
            for after in &afters {
                let expected = Analysis::from_runs_with(&runs, Vec::new(), after);
                assert_eq!(analyze_again(&mut joined, &mut last, after), Some(expected));
            }
            // Each changed option changes the analysis: the equalities above compare
            // analyses that differ from the join's own.
            let own = Analysis::from_runs_with(&runs, Vec::new(), join);
            for after in &afters[1..] {
                assert_ne!(Analysis::from_runs_with(&runs, Vec::new(), after), own);
            }
            for other in joins.iter().filter(|o| *o != join) {
                assert!(!joined.joins_as(other));
                assert_eq!(analyze_again(&mut joined, &mut last, other), None);
            }
            // Shards merged, timestamp order, another identity: no run can be left out of
            // these joins.
            let mut more = join.clone();
            more.excluded_runs.push("b/run-4.xml".to_owned());
            assert_eq!(analyze_again(&mut joined, &mut last, &more), None);
        }
        // Dropping outputs from the join equals reading the runs without them: the details
        // lose them, and so does categorization, here by a rule on system-err.
        let mut runs = runs;
        for case in runs.iter_mut().flat_map(|r| &mut r.testcases) {
            if case.outcome.is_failure() {
                case.attempts[0].system_err = Some("the harness said boom".into());
            }
        }
        let options = AnalysisOptions {
            rules: serde_json::from_str(
                r#"{"categories": [{"id": "boom", "name": "Boom"}],
                    "rules": [{"name": "boom in stderr", "category": "boom",
                               "system_err": "boom"}]}"#,
            )
            .expect("a valid rules file"),
            ..AnalysisOptions::default()
        };
        let mut stripped = runs.clone();
        for case in stripped.iter_mut().flat_map(|r| &mut r.testcases) {
            for attempt in &mut case.attempts {
                attempt.system_out = None;
                attempt.system_err = None;
            }
        }
        let with_outputs = Analysis::from_runs_with(&runs, Vec::new(), &options);
        let expected = Analysis::from_runs_with(&stripped, Vec::new(), &options);
        assert!(with_outputs.categories != expected.categories);
        let mut joined = joined_runs(&runs, &options);
        let mut last = None;
        assert_eq!(
            analyze_again(&mut joined, &mut last, &options),
            Some(with_outputs)
        );
        // As the worker does: the join and the analysis lent its tests drop them alike.
        joined.drop_outputs();
        if let Some(lent_to) = last.as_mut() {
            lent_to.tests.iter_mut().for_each(TestSummary::drop_outputs);
        }
        assert_eq!(
            analyze_again(&mut joined, &mut last, &options),
            Some(expected)
        );
    }

    /// The first analysis of a join is made of the join's own tests: the join then holds
    /// none, and is analyzed again only when given that analysis back.
    #[test]
    fn joined_runs_lend_their_tests_to_the_analysis() {
        let runs = generated_runs(&SHARDED_RUNS[..2], 50, 3);
        let mut joined = joined_runs(&runs, &AnalysisOptions::default());
        let expected = Analysis::from_runs(&runs, Vec::new());
        let first = joined.analysis().expect("a fresh join lends its tests");
        assert_eq!(first, expected);
        assert!(joined.is_lent());
        assert!(joined.joined.tests.is_empty());
        // Lent once, not twice.
        assert_eq!(joined.analysis(), None);
        // Not given back, or given another analysis (fewer tests; the same tests in
        // another order; equal tests from another join): refused, and the join still waits
        // for the analysis it lent its tests to.
        let mut fewer = first.clone();
        fewer.tests.pop();
        let mut reordered = first.clone();
        reordered.tests.swap(0, 1);
        let mut other_join = joined_runs(&runs, &AnalysisOptions::default());
        let equal_elsewhere = other_join.analysis();
        assert_eq!(equal_elsewhere.as_ref(), Some(&first));
        for wrong in [None, Some(fewer), Some(reordered), equal_elsewhere] {
            assert_eq!(joined.analyze(&AnalysisOptions::default(), wrong), None);
            assert!(joined.is_lent());
        }
        let relabelled = AnalysisOptions {
            confidence: 0.8,
            ..AnalysisOptions::default()
        };
        let second = joined.analyze(&relabelled, Some(first));
        assert_eq!(
            second,
            Some(Analysis::from_runs_with(&runs, Vec::new(), &relabelled))
        );
        assert!(joined.is_lent());
        // Outputs dropped from the join while its tests are lent are dropped from them when
        // they come back, whether or not the analysis's holder dropped them too.
        joined.drop_outputs();
        let mut stripped = runs.clone();
        for attempt in stripped
            .iter_mut()
            .flat_map(|r| &mut r.testcases)
            .flat_map(|c| &mut c.attempts)
        {
            attempt.system_out = None;
            attempt.system_err = None;
        }
        let third = joined.analyze(&AnalysisOptions::default(), second);
        let expected_stripped = Analysis::from_runs(&stripped, Vec::new());
        assert_ne!(expected_stripped, expected);
        assert_eq!(third, Some(expected_stripped));
    }

    /// Runs left out of joined runs give what joining the runs left gives, for every set of
    /// runs left out, with tests that some runs lack, in another order, or in one run only;
    /// a join that cannot be told apart is refused.
    #[test]
    fn joined_runs_leave_runs_out_as_a_join_without_them_would() {
        let names: Vec<String> = (1..=5).map(|i| format!("ci/run-{i}.xml")).collect();
        let name_refs: Vec<&str> = names.iter().map(String::as_str).collect();
        let mut runs = generated_runs(&name_refs, 120, 11);
        // Run 1 lacks every seventh test, run 2 has its tests in reverse order, run 3 only the
        // second half of them, and run 4 two tests no other run has (one failing).
        let mut position = 0;
        runs[0].testcases.retain(|_| {
            position += 1;
            position % 7 != 0
        });
        runs[1].testcases.reverse();
        runs[2].testcases.drain(..60);
        for (i, outcome) in [(5, Outcome::Passed), (9, Outcome::Failed)] {
            let mut case = runs[3].testcases[i].clone();
            case.key = case
                .key
                .clone()
                .with_name(format!("only in run 4 #{i}").into());
            case.outcome = outcome;
            runs[3].testcases.push(case);
        }
        let mut joined = joined_runs(&runs, &AnalysisOptions::default());
        let mut last = joined.analysis();
        let runs_all_tests = last.as_ref().map_or(0, |a| a.tests.len());
        let mut some_differ = 0;
        for set in 0u32..32 {
            let options = AnalysisOptions {
                excluded_runs: (0..5)
                    .filter(|i| set & (1 << i) != 0)
                    .map(|i| names[i].clone())
                    .collect(),
                confidence: 0.9,
                ..AnalysisOptions::default()
            };
            let expected = Analysis::from_runs_with(&runs, Vec::new(), &options);
            assert!(joined.joins_as(&options));
            if set != 0 && expected.tests.len() != runs_all_tests {
                some_differ += 1;
            }
            assert_eq!(
                analyze_again(&mut joined, &mut last, &options),
                Some(expected),
                "runs left out: {set:#b}"
            );
        }
        // The sets that leave out run 4 (or all but one of the runs with them) lose tests.
        assert!(some_differ >= 16, "{some_differ}");
        // Runs left out of a join that already left some out: only more, never fewer.
        let partial_options = AnalysisOptions {
            excluded_runs: vec![names[0].clone()],
            ..AnalysisOptions::default()
        };
        let mut partial = joined_runs(&runs, &partial_options);
        let mut last = None;
        let more = AnalysisOptions {
            excluded_runs: vec![names[0].clone(), names[2].clone()],
            ..AnalysisOptions::default()
        };
        assert_eq!(
            analyze_again(&mut partial, &mut last, &more),
            Some(Analysis::from_runs_with(&runs, Vec::new(), &more))
        );
        assert_eq!(
            analyze_again(&mut partial, &mut last, &AnalysisOptions::default()),
            None
        );
        // A test twice in one run, or a test whose file differs between runs: leaving runs
        // out is refused, other options are not.
        let leave_out = AnalysisOptions {
            excluded_runs: vec![names[1].clone()],
            ..AnalysisOptions::default()
        };
        let mut twice = runs.clone();
        let again = twice[2].testcases[0].clone();
        twice[2].testcases.push(again);
        let mut files = runs.clone();
        files[3].testcases[0].file = Some("tests/test_a.py".to_owned());
        for odd in [twice, files] {
            let mut joined = joined_runs(&odd, &AnalysisOptions::default());
            let mut last = None;
            assert!(!joined.joins_as(&leave_out));
            assert_eq!(analyze_again(&mut joined, &mut last, &leave_out), None);
            assert_eq!(
                analyze_again(&mut joined, &mut last, &AnalysisOptions::default()),
                Some(Analysis::from_runs(&odd, Vec::new()))
            );
        }
    }
}
