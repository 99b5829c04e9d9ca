//! The tests of an analysis as flakelens' worker sends them to its page (`Reply::Tests` in
//! flakelens-web's `src/protocol.rs`): bincode, not JSON.
//!
//! A crate of its own so that the page decodes at opt-level 3 while the rest of its wasm is
//! built for size (`"z"`; the workspace's `Cargo.toml` sets this crate to 3 in the
//! `web-release` profile). [`decode_tests`] is compiled here; [`encode_test`], which only the
//! worker calls, is `#[inline]`, so it is compiled in the worker's crate, at `"z"`.
//!
//! At 100,000 tests × 20 runs the page decoded about 180 MB of JSON in 183 chunks (1.1–1.3 s)
//! and the worker spent about as long writing it, on every load and every re-analysis: each
//! test's outcomes and attempts are words ("passed"), its metrics decimal numbers. Bincode
//! writes them as one-byte tags and eight-byte floats, and a test's per-run columns
//! (outcomes, attempts, flaky flags) travel as byte strings, which bincode reads in one piece
//! (`WireRuns`).
//!
//! The core's types leave empty fields out when serialized (the audit's JSON stays small),
//! which bincode cannot read back: it reads fields by position. So the tests travel as
//! `WireTest`, whose fields are always written (those of the test that travel, below).
//! Both ends are built from one crate revision (the page and its worker), so the layout needs
//! no version.
//!
//! Only what the page's lists, filters and search read travels. A test's runs in detail (each
//! failed or retried run's attempts, with their messages, traces and outputs) and its
//! duration in each run are left out: the detail panel asks for them (`Request::Details`),
//! and they were a third of what the page held for each test (at 20,000 tests × 50 runs,
//! 834 of 2,454 bytes, by a counting allocator around [`decode_tests`]). For the search, the
//! distinct messages of those attempts travel instead ([`ShownTest::messages`]).

use std::sync::Arc;

use flakelens_core::categories::{CategoryMatch, Confidence, Signals, TestCategories};
use flakelens_core::metrics::test_metrics::{DurationStats, FlagHit, TestMetrics};
use flakelens_core::{
    AttemptsPerRun, CasePositions, Counts, DurationsPerRun, FailureExample, Interner, Outcome,
    TestSummary, Verdict,
};
use serde::{Deserialize, Serialize};

/// [`TestSummary`] as it travels: every field but its runs in detail and its durations per run.
#[derive(Serialize, Deserialize)]
struct WireTest {
    id: Arc<str>,
    suite: Arc<str>,
    classname: Arc<str>,
    name: Arc<str>,
    file: Option<String>,
    runs: WireRuns,
    counts: Counts,
    failure_rate: Option<f64>,
    verdict: Verdict,
    first_failure: Option<FailureExample>,
    metrics: WireMetrics,
    flags: Vec<FlagHit>,
    categories: (String, Vec<WireMatch>),
    signals: Option<Box<Signals>>,
    /// [`TestSummary::distinct_messages`] (see [`ShownTest::messages`]).
    messages: Vec<Arc<str>>,
}

/// A test as the page receives it: the [`TestSummary`] without its runs in detail
/// (`details` is empty) and without its durations per run (`durations_seconds` is empty),
/// and what the search needs of the details.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownTest {
    /// The test.
    pub test: TestSummary,
    /// [`TestSummary::distinct_messages`] of the test as the worker held it: what the search
    /// looks in besides the test's own fields.
    pub messages: Vec<Arc<str>>,
}

/// A test's per-run columns as byte strings, read in bulk rather than value by value. At
/// 100,000 tests × 20 runs, reading them value by value (a serde call for each run of each
/// column) was about half of the page's decoding, and the decoding is most of what the page
/// does after the worker's analysis. The durations per run do not travel (see the module's
/// documentation).
#[derive(Serialize, Deserialize)]
struct WireRuns {
    /// Per run: 0 when the test has no testcase in it, else its outcome's [`outcome_code`].
    #[serde(with = "serde_bytes")]
    outcomes: Vec<u8>,
    /// Per run: its number of attempts (LEB128), then their outcome codes.
    #[serde(with = "serde_bytes")]
    attempts: Vec<u8>,
    /// Per run: 1 when the test was flaky within it, else 0.
    #[serde(with = "serde_bytes")]
    flaky_in_run: Vec<u8>,
}

/// An outcome's code in [`WireRuns`]: 1 to 4 (0 is "no testcase").
fn outcome_code(outcome: Outcome) -> u8 {
    match outcome {
        Outcome::Passed => 1,
        Outcome::Failed => 2,
        Outcome::Errored => 3,
        Outcome::Skipped => 4,
    }
}

/// The outcome of an [`outcome_code`].
fn outcome_of(code: u8) -> Result<Outcome, String> {
    match code {
        1 => Ok(Outcome::Passed),
        2 => Ok(Outcome::Failed),
        3 => Ok(Outcome::Errored),
        4 => Ok(Outcome::Skipped),
        _ => Err(format!("no outcome has the code {code}")),
    }
}

impl WireRuns {
    #[inline]
    fn of(
        outcomes: &[Option<Outcome>],
        attempts: &AttemptsPerRun,
        flaky_in_run: &[bool],
    ) -> WireRuns {
        let mut runs = WireRuns {
            outcomes: Vec::with_capacity(outcomes.len()),
            attempts: Vec::with_capacity(attempts.len() * 2),
            flaky_in_run: Vec::with_capacity(flaky_in_run.len()),
        };
        for outcome in outcomes {
            runs.outcomes.push(outcome.map_or(0, outcome_code));
        }
        for run in attempts.iter() {
            let mut count = run.len();
            // LEB128: seven bits a byte, the high bit set on all but the last.
            while count >= 0x80 {
                runs.attempts.push((count & 0x7f) as u8 | 0x80);
                count >>= 7;
            }
            runs.attempts.push(count as u8);
            for &outcome in run {
                runs.attempts.push(outcome_code(outcome));
            }
        }
        for &flaky in flaky_in_run {
            runs.flaky_in_run.push(u8::from(flaky));
        }
        runs
    }

    /// The outcomes, attempts and flags, or what in the bytes is not a column.
    #[allow(clippy::type_complexity)]
    fn columns(self) -> Result<(Vec<Option<Outcome>>, AttemptsPerRun, Vec<bool>), String> {
        let outcomes = self
            .outcomes
            .iter()
            .map(|&code| (code != 0).then(|| outcome_of(code)).transpose())
            .collect::<Result<Vec<_>, _>>()?;
        let mut attempts = AttemptsPerRun::with_capacity(outcomes.len());
        let mut bytes = self.attempts.iter();
        while bytes.len() > 0 {
            // A count of at most 28 bits (four bytes): more attempts than bytes anyway.
            let mut count = 0usize;
            let mut shift = 0;
            loop {
                let byte = bytes.next().ok_or("the attempts end inside a count")?;
                if shift > 21 {
                    return Err("an attempt count too long".to_owned());
                }
                count |= usize::from(byte & 0x7f) << shift;
                if byte & 0x80 == 0 {
                    break;
                }
                shift += 7;
            }
            let (codes, rest) = bytes
                .as_slice()
                .split_at_checked(count)
                .ok_or("the attempts end inside a run")?;
            // Checked first, then pushed without a vector of their own: two million runs at
            // 100,000 tests × 20 runs.
            for &code in codes {
                outcome_of(code)?;
            }
            attempts.push(codes.iter().filter_map(|&code| outcome_of(code).ok()));
            bytes = rest.iter();
        }
        let flaky_in_run = self
            .flaky_in_run
            .iter()
            .map(|&f| match f {
                0 => Ok(false),
                1 => Ok(true),
                _ => Err(format!("a flaky flag of {f}")),
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok((outcomes, attempts, flaky_in_run))
    }
}

/// [`TestMetrics`] with every field.
#[derive(Serialize, Deserialize)]
struct WireMetrics {
    runs_executed: u32,
    failures: u32,
    failure_rate: Option<f64>,
    wilson_95: Option<[f64; 2]>,
    upper_bound_95: Option<f64>,
    runs_needed: Option<u64>,
    flip_rate: Option<f64>,
    entropy: Option<f64>,
    entropy_weighted: Option<f64>,
    flip_rate_weighted: Option<f64>,
    posterior_mean: f64,
    posterior_exceedance: f64,
    durations: Option<DurationStats>,
}

/// [`CategoryMatch`] with every field.
#[derive(Serialize, Deserialize)]
struct WireMatch {
    category: String,
    rule: String,
    confidence: Confidence,
    evidence: String,
    run: Option<usize>,
}

impl WireTest {
    /// The test as the page's lists show it. Every field is named (no `..`), so a field added
    /// to [`TestSummary`] fails to compile here until it is carried.
    #[inline]
    fn of(test: &TestSummary) -> WireTest {
        let TestSummary {
            id,
            suite,
            classname,
            name,
            file,
            outcomes,
            attempts,
            counts,
            failure_rate,
            verdict,
            first_failure,
            flaky_in_run,
            // Asked for by the detail panel, with the runs in detail.
            durations_seconds: _,
            metrics,
            flags,
            categories,
            signals,
            case_index: _,
            // Asked for by the detail panel; their distinct messages travel, for the search.
            details: _,
        } = test;
        let TestMetrics {
            runs_executed,
            failures,
            failure_rate: metrics_failure_rate,
            wilson_95,
            upper_bound_95,
            runs_needed,
            flip_rate,
            entropy,
            entropy_weighted,
            flip_rate_weighted,
            posterior_mean,
            posterior_exceedance,
            durations,
        } = metrics;
        WireTest {
            id: Arc::clone(id),
            suite: Arc::clone(suite),
            classname: Arc::clone(classname),
            name: Arc::clone(name),
            file: file.clone(),
            runs: WireRuns::of(outcomes, attempts, flaky_in_run),
            counts: *counts,
            failure_rate: *failure_rate,
            verdict: *verdict,
            first_failure: first_failure.clone(),
            metrics: WireMetrics {
                runs_executed: *runs_executed,
                failures: *failures,
                failure_rate: *metrics_failure_rate,
                wilson_95: *wilson_95,
                upper_bound_95: *upper_bound_95,
                runs_needed: *runs_needed,
                flip_rate: *flip_rate,
                entropy: *entropy,
                entropy_weighted: *entropy_weighted,
                flip_rate_weighted: *flip_rate_weighted,
                posterior_mean: *posterior_mean,
                posterior_exceedance: *posterior_exceedance,
                durations: durations.clone(),
            },
            flags: flags.clone(),
            categories: (
                categories.primary.clone(),
                categories
                    .matches
                    .iter()
                    .map(|m| {
                        let CategoryMatch {
                            category,
                            rule,
                            confidence,
                            evidence,
                            run,
                        } = m;
                        WireMatch {
                            category: category.clone(),
                            rule: rule.clone(),
                            confidence: *confidence,
                            evidence: evidence.clone(),
                            run: *run,
                        }
                    })
                    .collect(),
            ),
            signals: signals.clone(),
            messages: test.distinct_messages(),
        }
    }

    /// The test, or what in the bytes is not one; its suite and classname shared through
    /// `names`.
    fn into_shown(self, names: &mut Interner) -> Result<ShownTest, String> {
        let WireMetrics {
            runs_executed,
            failures,
            failure_rate: metrics_failure_rate,
            wilson_95,
            upper_bound_95,
            runs_needed,
            flip_rate,
            entropy,
            entropy_weighted,
            flip_rate_weighted,
            posterior_mean,
            posterior_exceedance,
            durations,
        } = self.metrics;
        let (primary, matches) = self.categories;
        let (outcomes, attempts, flaky_in_run) = self.runs.columns()?;
        let test = TestSummary {
            id: self.id,
            suite: names.intern(&self.suite),
            classname: names.intern(&self.classname),
            name: self.name,
            file: self.file,
            outcomes,
            attempts,
            counts: self.counts,
            failure_rate: self.failure_rate,
            verdict: self.verdict,
            first_failure: self.first_failure,
            flaky_in_run,
            durations_seconds: DurationsPerRun::default(),
            metrics: TestMetrics {
                runs_executed,
                failures,
                failure_rate: metrics_failure_rate,
                wilson_95,
                upper_bound_95,
                runs_needed,
                flip_rate,
                entropy,
                entropy_weighted,
                flip_rate_weighted,
                posterior_mean,
                posterior_exceedance,
                durations,
            },
            flags: self.flags,
            categories: TestCategories {
                primary,
                matches: matches
                    .into_iter()
                    .map(|m| CategoryMatch {
                        category: m.category,
                        rule: m.rule,
                        confidence: m.confidence,
                        evidence: m.evidence,
                        run: m.run,
                    })
                    .collect(),
            },
            signals: self.signals,
            case_index: CasePositions::default(),
            details: Vec::new(),
        };
        Ok(ShownTest {
            test,
            messages: self.messages,
        })
    }
}

/// The bincode options of both ends: integers (lengths, enum tags, counts) as varints, most
/// of them one byte, so a test's outcomes and attempts take about a byte each per run.
#[inline]
fn options() -> impl bincode::Options {
    use bincode::Options;
    bincode::DefaultOptions::new().allow_trailing_bytes()
}

/// Appends `test` to `out` as the page's lists show it (see [`ShownTest`]), for
/// [`decode_tests`]. Fails only if bincode does (it does not, writing to a `Vec`).
// Inline: compiled in the crate that calls it (the worker's, at "z"), not here at 3.
#[inline]
pub fn encode_test(test: &TestSummary, out: &mut Vec<u8>) -> Result<(), String> {
    use bincode::Options;
    options()
        .serialize_into(out, &WireTest::of(test))
        .map_err(|e| e.to_string())
}

/// The `count` tests [`encode_test`] wrote into `bytes`, in order. Each suite and classname is
/// one allocation for all the tests `names` sees (pass the same interner for every chunk of an
/// analysis): at 100,000 tests they were two of each test's five allocations for its names.
/// Errors (a message) when the bytes are not that many tests, or hold more.
pub fn decode_tests(
    bytes: &[u8],
    count: usize,
    names: &mut Interner,
) -> Result<Vec<ShownTest>, String> {
    // Room for the count given, but no more than the bytes could hold (a test takes well
    // over 16 bytes): a garbled count cannot reserve much.
    let mut tests = Vec::with_capacity(count.min(bytes.len() / 16));
    let mut reader = bincode::Deserializer::from_slice(bytes, options());
    for _ in 0..count {
        let test = WireTest::deserialize(&mut reader).map_err(|e| e.to_string())?;
        tests.push(test.into_shown(names)?);
    }
    // Nothing may follow the last test.
    if u8::deserialize(&mut reader).is_ok() {
        return Err(format!("bytes left after {count} tests"));
    }
    Ok(tests)
}

/// The tests' oracles, which flakelens-web's tests of the worker and the page use too (the
/// `testing` feature).
#[cfg(any(test, feature = "testing"))]
pub mod testing {
    use super::*;
    use flakelens_core::generate::{read_generated, GenSpec};
    use flakelens_core::Analysis;

    /// `flakelens gen`'s 400 tests × 15 runs, analyzed: failures with messages and traces,
    /// flaky tests, categories, outputs.
    pub fn analysis() -> Analysis {
        let spec = GenSpec {
            tests: 400,
            runs: 15,
            seed: 11,
        };
        Analysis::from_reads(read_generated(&spec, |run| format!("run-{run}.xml")))
    }

    /// The oracle: the test without its runs in detail and durations per run, and nothing
    /// else changed; beside it, every message of its attempts that is not its first
    /// failure's, each where it first appears.
    pub fn shown(test: &TestSummary) -> ShownTest {
        let all: Vec<&Arc<str>> = test
            .details
            .iter()
            .flatten()
            .flat_map(|d| &d.attempts)
            .filter_map(|a| a.message.as_ref())
            .collect();
        let first = test
            .first_failure
            .as_ref()
            .and_then(|f| f.message.as_deref());
        let messages = all
            .iter()
            .enumerate()
            .filter(|&(i, m)| all.iter().position(|n| n == m) == Some(i))
            .filter(|(_, m)| first != Some(&m[..]))
            .map(|(_, m)| Arc::clone(m))
            .collect();
        let mut test = test.clone();
        test.case_index = CasePositions::default();
        test.details.clear();
        test.durations_seconds = DurationsPerRun::default();
        ShownTest { test, messages }
    }
}

#[cfg(test)]
mod tests {
    use super::testing::{analysis, shown};
    use super::*;

    fn encoded(tests: &[TestSummary]) -> Vec<u8> {
        let mut bytes = Vec::new();
        for test in tests {
            encode_test(test, &mut bytes).expect("bincode writes to a Vec");
        }
        bytes
    }

    #[test]
    fn tests_read_back_as_written_less_their_runs_in_detail_and_durations() {
        let analysis = analysis();
        let tests = &analysis.tests;
        // The input has what could be lost: every optional part somewhere.
        assert!(tests.iter().any(|t| t.first_failure.is_some()));
        assert!(tests.iter().any(|t| !t.categories.matches.is_empty()));
        assert!(tests.iter().any(|t| t.metrics.durations.is_some()));
        assert!(tests.iter().any(|t| t.metrics.runs_needed.is_some()));
        assert!(tests
            .iter()
            .any(|t| t.durations_seconds.iter().any(|d| d.is_some())));
        let details = tests.iter().flat_map(|t| t.details.iter().flatten());
        assert!(details
            .flat_map(|d| &d.attempts)
            .any(|a| a.trace.is_some() && a.message.is_some()));

        let decoded = decode_tests(&encoded(tests), tests.len(), &mut Interner::default())
            .expect("the tests written");
        let expected: Vec<ShownTest> = tests.iter().map(shown).collect();
        assert_eq!(decoded, expected);
        // The runs in detail and the durations were left out, not carried.
        assert!(decoded
            .iter()
            .all(|t| t.test.details.is_empty() && t.test.durations_seconds.is_empty()));
    }

    #[test]
    fn messages_travel_once_each_without_the_first_failures() {
        let analysis = analysis();
        let mut test = analysis
            .tests
            .iter()
            .find(|t| t.details.iter().flatten().count() >= 2)
            .expect("a test with two runs in detail")
            .clone();
        test.first_failure = Some(FailureExample {
            message: Some("boom".to_owned()),
            failure_type: Some("AssertionError".to_owned()),
            run: 0,
        });
        let messages = ["boom", "late: 2 s", "boom", "late: 2 s", "refused"];
        let attempts = test
            .details
            .iter_mut()
            .flatten()
            .flat_map(|d| &mut d.attempts);
        let mut set = 0;
        for (attempt, message) in attempts.zip(messages.iter().cycle()) {
            attempt.message = Some(Arc::from(*message));
            set += 1;
        }
        assert!(set >= 2, "{set} attempts");
        let decoded = decode_tests(
            &encoded(std::slice::from_ref(&test)),
            1,
            &mut Interner::default(),
        )
        .expect("one test");
        // "boom" is the first failure's; the others once each, in order.
        let mut expected: Vec<Arc<str>> = vec![Arc::from("late: 2 s")];
        if set >= 5 {
            expected.push(Arc::from("refused"));
        }
        assert_eq!(decoded[0].messages, expected);
        assert!(!decoded[0].messages.is_empty());
    }

    #[test]
    fn the_fields_json_leaves_out_when_empty_read_back_when_set() {
        let analysis = analysis();
        let mut test = analysis.tests[0].clone();
        test.file = Some("tests/test_a.py".to_owned());
        test.signals = Some(Box::new(Signals {
            co_failure: Some("fails with 3 others".to_owned()),
            ..Signals::default()
        }));
        test.metrics.upper_bound_95 = None;
        test.metrics.durations = None;
        let decoded = decode_tests(
            &encoded(std::slice::from_ref(&test)),
            1,
            &mut Interner::default(),
        )
        .expect("one test");
        assert_eq!(decoded, vec![shown(&test)]);
    }

    #[test]
    fn per_run_columns_read_back_with_gaps_and_long_runs() {
        let analysis = analysis();
        let mut test = analysis.tests[0].clone();
        test.outcomes = vec![None, Some(Outcome::Skipped), Some(Outcome::Errored)];
        let mut attempts = AttemptsPerRun::default();
        attempts.push([]);
        // 300 attempts: a count of two LEB128 bytes.
        attempts.push(
            vec![Outcome::Failed; 299]
                .into_iter()
                .chain([Outcome::Passed]),
        );
        attempts.push([Outcome::Errored]);
        test.attempts = attempts;
        test.flaky_in_run = vec![false, true, false];
        let detail = analysis
            .tests
            .iter()
            .flat_map(|t| t.details.iter().flatten())
            .next()
            .cloned();
        assert!(detail.is_some(), "the input has a run detail");
        test.details = vec![None, None, detail];
        let decoded = decode_tests(
            &encoded(std::slice::from_ref(&test)),
            1,
            &mut Interner::default(),
        )
        .expect("one test");
        assert_eq!(decoded, vec![shown(&test)]);
        assert_eq!(
            decoded[0].test.attempts.get(1).map(<[Outcome]>::len),
            Some(300)
        );
    }

    #[test]
    fn garbled_columns_are_an_error() {
        let runs = |outcomes: &[u8], attempts: &[u8]| WireRuns {
            outcomes: outcomes.to_vec(),
            attempts: attempts.to_vec(),
            flaky_in_run: Vec::new(),
        };
        assert!(runs(&[0, 4], &[0, 1, 4]).columns().is_ok());
        assert!(runs(&[5], &[]).columns().is_err(), "no such outcome");
        assert!(runs(&[], &[2, 1]).columns().is_err(), "a run cut short");
        assert!(runs(&[], &[0x80]).columns().is_err(), "a count cut short");
        assert!(runs(&[], &[1, 0]).columns().is_err(), "no such attempt");
        let too_long = [0x80, 0x80, 0x80, 0x80, 0x01];
        assert!(runs(&[], &too_long).columns().is_err(), "a count too long");
        let flags = |f: &[u8]| WireRuns {
            flaky_in_run: f.to_vec(),
            ..runs(&[], &[])
        };
        assert!(flags(&[0, 1]).columns().is_ok());
        assert!(flags(&[2]).columns().is_err(), "no such flag");
    }

    #[test]
    fn suites_and_classnames_are_shared_across_the_chunks_of_an_analysis() {
        let analysis = analysis();
        let tests = &analysis.tests;
        let mut names = Interner::default();
        // Cut inside a suite, so that it has tests in both chunks.
        let cut = (tests.len() / 2..tests.len())
            .find(|&i| tests[i - 1].suite == tests[i].suite)
            .expect("a suite with two tests");
        let (first, second) = tests.split_at(cut);
        let mut decoded = decode_tests(&encoded(first), first.len(), &mut names).expect("first");
        decoded.extend(decode_tests(&encoded(second), second.len(), &mut names).expect("second"));
        let expected: Vec<ShownTest> = tests.iter().map(shown).collect();
        assert_eq!(decoded, expected);
        // One allocation per distinct text: equal suites and classnames are the same `Arc`,
        // across the two chunks too.
        let (a, b) = (&decoded[cut - 1].test, &decoded[cut].test);
        assert!(Arc::ptr_eq(&a.suite, &b.suite));
        for t in decoded.iter().map(|t| &t.test) {
            if t.classname == t.suite {
                assert!(Arc::ptr_eq(&t.classname, &t.suite));
            }
        }
        let distinct: std::collections::BTreeSet<&str> = tests
            .iter()
            .flat_map(|t| [&*t.suite, &*t.classname])
            .collect();
        assert_eq!(names.len(), distinct.len());
    }

    #[test]
    fn short_or_long_bytes_are_an_error_not_a_panic() {
        let analysis = analysis();
        let tests = &analysis.tests[..3];
        let bytes = encoded(tests);
        assert!(
            decode_tests(&bytes, 4, &mut Interner::default()).is_err(),
            "a test missing"
        );
        assert!(
            decode_tests(&bytes, 2, &mut Interner::default()).is_err(),
            "a test left over"
        );
        assert!(
            decode_tests(&bytes[..bytes.len() - 1], 3, &mut Interner::default()).is_err(),
            "cut short"
        );
        assert!(
            decode_tests(&[0xff; 64], 1, &mut Interner::default()).is_err(),
            "garbage"
        );
        assert_eq!(
            decode_tests(&[], 0, &mut Interner::default()),
            Ok(Vec::new())
        );
    }
}
