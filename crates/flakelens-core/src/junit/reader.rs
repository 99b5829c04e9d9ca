//! The streaming JUnit XML reader.
//!
//! The functions on a load's hot path are `#[inline]`: that makes each one compiled in the
//! crate that calls it, so the worker's `flakelens-fast-reader` crate, built at opt-level 3
//! while the rest of the worker is built at `"z"` for size, gets the whole reader at 3
//! (BENCHMARKS.md, "The reader at opt-level 3 in the worker"). The cold ones (diagnostics,
//! pytest's repeats, the summary at the end) are not, and stay in the core at `"z"`.

use std::borrow::Cow;
use std::collections::HashSet;

use std::sync::Arc;

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::utils::is_whitespace;
use quick_xml::{Reader, XmlVersion};
use rustc_hash::FxHashMap as HashMap;

use super::decode::decode;
use super::dialect::Signals;
use super::values::{parse_seconds, parse_timestamp, SecondsValue, TimestampValue};
use super::{Dialect, Timestamp};
use crate::diagnostic::{line_column, Diagnostic, Severity};
use crate::model::{
    Attempt, Attempts, Failure, FailureKind, Interner, Outcome, Property, Run, TestCase, TestKey,
};
use crate::words::{splat, zero_bytes, HIGH_BITS};

/// Elements deeper than this are not read: it bounds memory on hostile input.
const MAX_DEPTH: usize = 4096;
/// At most this many diagnostics of one repetitive kind per file; the rest are summed up.
const MAX_REPEATED_NOTES: usize = 10;

/// What [`read_report`] made of one file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOutput {
    /// The run, or `None` when the file is not a JUnit report or nothing could be read.
    pub run: Option<Run>,
    /// Everything rejected, recovered or reinterpreted, in document order.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads one JUnit XML report (one run) from the bytes of one file.
///
/// `file` is the name used in the run and in diagnostics. The bytes may be UTF-8 (with or
/// without a byte-order mark), UTF-16 with a byte-order mark, or any encoding the XML
/// declaration names (ISO-8859-1, windows-1252, ...). Testcases are found at any nesting depth
/// under a root `<testsuites>`, `<testsuite>` or `<testrun>` (Eclipse); counts come from
/// `<testcase>` elements only. Several `<testcase>` elements with one identity, and
/// `flaky*`/`rerun*` children, become the [`Attempt`]s of one [`TestCase`].
///
/// This function never panics and never fails. Faults become diagnostics with 1-based line
/// and column:
/// - malformed XML: an error naming what was expected; the testcases read before the fault
///   are kept and the run is marked [`Run::partial`];
/// - a root element other than the three above, or no markup at all: an error
///   "not a JUnit report", and no run;
/// - reinterpreted values (such as `time="1,234.5"`), undecodable bytes, invalid control
///   characters, elements outside a testcase: warnings;
/// - repeated identities and suite attributes that disagree with the elements: info.
///
/// A `<!DOCTYPE>` is skipped and no entity it declares is ever expanded or fetched.
///
/// # Examples
///
/// ```
/// use flakelens_core::{junit::read_report, Outcome};
///
/// let xml = br#"<testsuites><testsuite name="math">
///   <testcase classname="Calc" name="adds" time="0.2"/>
///   <testcase classname="Calc" name="divides"><error message="div by zero"/></testcase>
/// </testsuite></testsuites>"#;
/// let out = read_report("run-1.xml", xml);
/// let run = out.run.unwrap();
/// assert_eq!(run.testcases.len(), 2);
/// assert_eq!(run.testcases[1].outcome, Outcome::Errored);
/// assert!(out.diagnostics.is_empty());
/// ```
pub fn read_report(file: &str, bytes: &[u8]) -> ReadOutput {
    read_report_interned(file, bytes, &mut Interner::default())
}

/// [`read_report`] with test identities (suite, classname, name) taken from `interner`, so
/// runs read with one interner share the text of the identities they have in common.
#[inline]
pub fn read_report_interned(file: &str, bytes: &[u8], interner: &mut Interner) -> ReadOutput {
    let decoded = decode(bytes);
    let mut reader = JunitReader::new(file, &decoded.text, interner);
    for (offset, note) in decoded.notes {
        reader.warning_at(offset as u64, note);
    }
    reader.notes_end = reader.diagnostics.len();
    reader.read()
}

/// The byte offset of the `<` of a start tag whose event ended at `end`.
#[inline]
fn tag_start(e: &BytesStart<'_>, end: u64, empty: bool) -> u64 {
    // `<` + content + `>`, and a `/` before the `>` for an empty element.
    let len = e.len() as u64 + 2 + u64::from(empty);
    end.saturating_sub(len)
}

/// Text-only children whose content is delivered to the parent when they close.
#[derive(Clone, Copy, PartialEq)]
enum TextKind {
    SystemOut,
    SystemErr,
    StackTrace,
    Time,
}

#[derive(Clone, Copy, PartialEq)]
enum RetryKind {
    /// `flakyFailure`/`flakyError`: a failed attempt before the final pass.
    Flaky,
    /// `rerunFailure`/`rerunError`: a further failed attempt.
    Rerun,
}

struct RetryBuilder {
    kind: RetryKind,
    failure: Failure,
    /// The `<stackTrace>` child's text (Surefire, Gradle); when present it is the body, not
    /// the indentation around the child elements.
    stack_trace: Option<String>,
    time_seconds: Option<f64>,
    system_out: Option<String>,
    system_err: Option<String>,
}

/// An open element on the reader's stack.
#[allow(clippy::large_enum_variant)] // see `TestCase`
enum Frame {
    /// `<testsuites>`, `<testsuite>` or `<testrun>`.
    Suite {
        /// The name used in test identities.
        name: Arc<str>,
        /// The `tests` attribute, to compare with the elements found.
        tests_attr: Option<usize>,
        /// `testcase_elements` when the suite opened.
        elements_before: usize,
        /// Where the suite's start tag is.
        at: u64,
        /// A number unique to this suite element in the file.
        instance: usize,
        /// The names of the enclosing suites and this one, joined by ` › `; shared by the
        /// suite's testcases.
        path: Arc<str>,
    },
    /// Not boxed: one allocation less per testcase; the stack is a few frames deep.
    TestCase(TestCaseBuilder),
    /// A `<failure>` or `<error>` inside a testcase, collecting its text.
    Result(Failure),
    Retry(Box<RetryBuilder>),
    Text(TextKind, String),
    Properties {
        on_testcase: bool,
    },
    Property {
        name: String,
        value: Option<String>,
        text: String,
    },
    /// Any other element; its content is skipped.
    Other,
}

struct TestCaseBuilder {
    key: TestKey,
    /// False when the classname was missing or empty (the suite name stands in).
    classname_given: bool,
    /// The enclosing suite element's instance number and path.
    suite_instance: usize,
    suite_path: Arc<str>,
    at: u64,
    time_seconds: Option<f64>,
    child_time: Option<String>,
    not_run: bool,
    skipped: bool,
    skip_message: Option<String>,
    failures: Vec<Failure>,
    retries: Vec<RetryBuilder>,
    system_out: Option<String>,
    system_err: Option<String>,
    file: Option<String>,
    line: Option<u32>,
    properties: Vec<Property>,
}

/// Appends to shared text (a rare path: pytest's call and teardown output joined).
#[inline]
fn append_shared(target: &mut Option<Arc<str>>, text: &str) {
    *target = Some(match target.take() {
        Some(existing) => Arc::from(format!("{existing}{text}")),
        None => Arc::from(text),
    });
}

#[inline]
fn append(target: &mut Option<String>, text: String) {
    match target {
        Some(existing) => existing.push_str(&text),
        None => *target = Some(text),
    }
}

impl TestCaseBuilder {
    /// The attempts this one element records, oldest first.
    #[inline]
    fn attempts(self) -> (TestCaseBuilderRest, Attempts) {
        let has = |kind| self.failures.iter().any(|f| f.kind == kind);
        let outcome = if has(FailureKind::Error) {
            Outcome::Errored
        } else if has(FailureKind::Failure) {
            Outcome::Failed
        } else if self.skipped || self.not_run {
            Outcome::Skipped
        } else {
            Outcome::Passed
        };
        let retry_attempt = |r: RetryBuilder| Attempt {
            outcome: match r.failure.kind {
                FailureKind::Failure => Outcome::Failed,
                FailureKind::Error => Outcome::Errored,
            },
            time_seconds: r.time_seconds,
            failures: vec![r.failure],
            skip_message: None,
            system_out: r.system_out.map(Arc::from),
            system_err: r.system_err.map(Arc::from),
        };
        // One attempt is held inline; with retries, exactly as many as there are (a held run
        // keeps every test's attempts, and a vector grown by pushes starts at room for four).
        let mut attempts = Attempts::with_capacity(self.retries.len() + 1);
        let mut failures = self.failures;
        failures.shrink_to_fit();
        let this = Attempt {
            outcome,
            time_seconds: self.time_seconds,
            failures,
            skip_message: self.skip_message,
            system_out: self.system_out.map(Arc::from),
            system_err: self.system_err.map(Arc::from),
        };
        if self.retries.is_empty() {
            // Almost every testcase: no retries to split.
            attempts.push(this);
        } else {
            let (flaky, rerun): (Vec<_>, Vec<_>) = self
                .retries
                .into_iter()
                .partition(|r| r.kind == RetryKind::Flaky);
            attempts.extend(flaky.into_iter().map(retry_attempt));
            attempts.push(this);
            attempts.extend(rerun.into_iter().map(retry_attempt));
        }
        (
            TestCaseBuilderRest {
                key: self.key,
                classname_given: self.classname_given,
                suite_instance: self.suite_instance,
                suite_path: self.suite_path,
                at: self.at,
                time_seconds: self.time_seconds,
                file: self.file,
                line: self.line,
                properties: self.properties,
            },
            attempts,
        )
    }
}

struct TestCaseBuilderRest {
    key: TestKey,
    classname_given: bool,
    suite_instance: usize,
    suite_path: Arc<str>,
    at: u64,
    time_seconds: Option<f64>,
    file: Option<String>,
    line: Option<u32>,
    properties: Vec<Property>,
}

/// The outcome of a test in a run from its attempts: a pass after a failure is a pass on
/// retry; otherwise the last failing attempt decides; otherwise a pass; otherwise skipped.
#[inline]
fn settle(attempts: &[Attempt]) -> (Outcome, bool) {
    let passed = attempts.iter().any(|a| a.outcome == Outcome::Passed);
    let last_failure = attempts.iter().rev().find(|a| a.outcome.is_failure());
    match (passed, last_failure) {
        (true, Some(_)) => (Outcome::Passed, true),
        (false, Some(a)) => (a.outcome, false),
        (true, None) => (Outcome::Passed, false),
        (false, None) => (Outcome::Skipped, false),
    }
}

/// Input bytes per test below which a file's `tests` count is not trusted to size the reader's
/// tables ([`JunitReader::presize`]). A file that claims more tests than its length over this
/// gets tables of that size, which grow as usual if it does hold more. A slot takes about 210
/// bytes natively (a `TestCase`, its position, its index entry), so a false count reserves at
/// most about 0.8× the file's length, freed when the file is read.
const PRESIZE_BYTES_PER_TEST: usize = 256;

struct JunitReader<'a> {
    /// Shares identity texts within the file and, when the caller keeps it, across files.
    interner: &'a mut Interner,
    file: &'a str,
    input: &'a str,
    reader: Reader<&'a [u8]>,
    stack: Vec<Frame>,
    testcases: Vec<TestCase>,
    /// Hash of a test identity → (slot in `testcases`, the suite element it was first found
    /// in); the key itself lives in `testcases`, so it is not cloned.
    index: HashMap<u64, (usize, usize)>,
    /// Identities whose hash another identity already took (rare): keyed by the identity.
    index_collisions: HashMap<TestKey, (usize, usize)>,
    suites_opened: usize,
    /// Per slot in `testcases`, where its first element starts.
    first_element_at: Vec<u64>,
    testcase_elements: usize,
    diagnostics: Vec<Diagnostic>,
    signals: Signals,
    root_seen: bool,
    root_closed: bool,
    playwright: bool,
    unnamed: usize,
    timestamp: Option<Timestamp>,
    hostname: Option<String>,
    properties: Vec<Property>,
    suite_mismatches: usize,
    ignored: HashMap<String, usize>,
    /// Tests whose empty `<testcase>` elements were read as failed pytest reruns.
    pytest_reruns: HashSet<usize>,
    /// The allocation of the last start tag's attribute list, reused by the next.
    spare_attrs: Vec<(&'static str, std::borrow::Cow<'static, str>)>,
    /// The last testcase classname interned (empty before the first).
    last_classname: Arc<str>,
    /// Where the decoder's notes end: the control-character warning goes there, as it did
    /// when it was made before reading.
    notes_end: usize,
    /// The file may hold a character reference (`&#…;`): one was met in text or an attribute
    /// value, or the file has a part that the parser does not resolve references in (a
    /// DOCTYPE, a processing instruction, an `&` in a name or the XML declaration, a tag the
    /// attribute split left to quick-xml) or did not read (after an error). Only then is the
    /// whole file searched for forbidden ones ([`forbidden_controls`]); most reports have
    /// none.
    may_hold_char_references: bool,
}

/// Why reading stopped early.
enum Stop {
    /// The file is not a JUnit report: no run.
    NotJunit,
    /// Malformed XML: keep what was read, mark it partial.
    Malformed,
}

impl<'a> JunitReader<'a> {
    #[inline]
    fn new(file: &'a str, input: &'a str, interner: &'a mut Interner) -> Self {
        let mut reader = Reader::from_str(input);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = false;
        config.allow_dangling_amp = true;
        JunitReader {
            interner,
            file,
            input,
            reader,
            stack: Vec::new(),
            testcases: Vec::new(),
            index: HashMap::default(),
            index_collisions: HashMap::default(),
            suites_opened: 0,
            first_element_at: Vec::new(),
            testcase_elements: 0,
            diagnostics: Vec::new(),
            signals: Signals::default(),
            root_seen: false,
            root_closed: false,
            playwright: false,
            unnamed: 0,
            timestamp: None,
            hostname: None,
            properties: Vec::new(),
            suite_mismatches: 0,
            ignored: HashMap::default(),
            pytest_reruns: HashSet::new(),
            spare_attrs: Vec::new(),
            last_classname: Arc::from(""),
            notes_end: 0,
            may_hold_char_references: false,
        }
    }

    #[inline]
    fn read(mut self) -> ReadOutput {
        let stop = loop {
            let event = match self.reader.read_event() {
                Ok(event) => event,
                Err(e) => {
                    let at = self.reader.error_position();
                    self.error_at(at, format!("malformed XML: {e}"));
                    break Some(Stop::Malformed);
                }
            };
            let at = self.reader.buffer_position();
            let step = match event {
                Event::Start(e) => self.start(&e, tag_start(&e, at, false), false),
                Event::Empty(e) => self.start(&e, tag_start(&e, at, true), true),
                Event::End(_) => {
                    self.end();
                    Ok(())
                }
                // Text between the elements of a suite or testcase (indentation, mostly) is
                // not read, so not decoded either.
                Event::Text(_) if !self.collects_text() => Ok(()),
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.text(&content, at)
                }
                Event::CData(t) => {
                    let content = t.xml10_content();
                    self.text(&content, at)
                }
                Event::GeneralRef(r) => {
                    self.may_hold_char_references |= r.starts_with('#');
                    self.reference(&r, at)
                }
                Event::DocType(_) => {
                    self.may_hold_char_references = true;
                    self.warning_at(
                        at,
                        "<!DOCTYPE> ignored: entities it declares are never expanded or fetched"
                            .to_owned(),
                    );
                    Ok(())
                }
                Event::Eof => break self.eof(),
                Event::PI(_) => {
                    self.may_hold_char_references = true;
                    Ok(())
                }
                Event::Decl(d) => {
                    self.may_hold_char_references |= d.contains('&');
                    Ok(())
                }
                Event::Comment(_) => Ok(()),
            };
            if let Err(stop) = step {
                break Some(stop);
            }
        };
        if matches!(stop, Some(Stop::NotJunit)) {
            // Decoding remarks about a file that is no report at all are noise.
            self.diagnostics.retain(|d| d.severity == Severity::Error);
            return ReadOutput {
                run: None,
                diagnostics: self.diagnostics,
            };
        }
        // What was not read may hold references too.
        self.may_hold_char_references |= stop.is_some();
        self.note_control_characters();
        // A truncated or malformed file: close what is still open so nothing read is lost.
        while let Some(frame) = self.stack.pop() {
            self.close(frame);
        }
        if stop.is_some() && self.testcases.is_empty() {
            // Nothing was recovered: an error, not an empty run.
            return ReadOutput {
                run: None,
                diagnostics: self.diagnostics,
            };
        }
        let dialect = self.signals.dialect();
        if matches!(dialect, Dialect::PytestXunit1 | Dialect::PytestXunit2) {
            self.reread_pytest_repeats();
        }
        self.summarize();
        // Held runs keep this vector: no room for tests that never come.
        self.testcases.shrink_to_fit();
        ReadOutput {
            run: Some(Run {
                file: self.file.to_owned(),
                dialect,
                testcases: self.testcases,
                testcase_elements: self.testcase_elements,
                partial: stop.is_some(),
                timestamp: self.timestamp,
                hostname: self.hostname,
                properties: self.properties,
            }),
            diagnostics: self.diagnostics,
        }
    }

    /// Handles a start tag whose `<` is at byte `at`.
    #[inline]
    fn start(&mut self, e: &BytesStart<'_>, at: u64, empty: bool) -> Result<(), Stop> {
        let name = e.name();
        let name = name.as_ref();
        let a = self.attributes(e, at);
        let e = &a;
        if !self.root_seen {
            self.root(e, name, at)?;
        } else if self.root_closed {
            self.error_at(
                at,
                format!("malformed XML: junk after the document element: a second root <{name}>"),
            );
            return Err(Stop::Malformed);
        }
        if self.stack.len() >= MAX_DEPTH {
            self.error_at(
                at,
                format!("elements nested deeper than {MAX_DEPTH} levels; the rest of the file is not read"),
            );
            return Err(Stop::Malformed);
        }
        let frame = match (self.stack.last(), name) {
            (None | Some(Frame::Suite { .. }), "testsuites" | "testsuite" | "testrun") => {
                self.suite(e, at)
            }
            (None | Some(Frame::Suite { .. }), "testcase") => Frame::TestCase(self.testcase(e, at)),
            (Some(Frame::Suite { .. }), "properties") => Frame::Properties { on_testcase: false },
            (Some(Frame::TestCase(_)), "properties") => Frame::Properties { on_testcase: true },
            (Some(Frame::Properties { .. }), "property") => Frame::Property {
                name: e.owned("name").unwrap_or_default(),
                value: e.owned("value"),
                text: String::new(),
            },
            (Some(Frame::TestCase(_)), "failure" | "error") => Frame::Result(self.failure(e, name)),
            (
                Some(Frame::TestCase(_)),
                "flakyFailure" | "flakyError" | "rerunFailure" | "rerunError",
            ) => {
                self.signals.retry_elements = true;
                let kind = if name.starts_with("flaky") {
                    RetryKind::Flaky
                } else {
                    RetryKind::Rerun
                };
                let time_seconds = self.seconds(e, at);
                Frame::Retry(Box::new(RetryBuilder {
                    kind,
                    failure: self.failure(e, name),
                    stack_trace: None,
                    time_seconds,
                    system_out: None,
                    system_err: None,
                }))
            }
            (Some(Frame::TestCase(_)), "skipped") => {
                let message = e.get("message");
                if let Some(Frame::TestCase(tc)) = self.stack.last_mut() {
                    tc.skipped = true;
                    if tc.skip_message.is_none() {
                        tc.skip_message = message.map(str::to_owned);
                    }
                }
                Frame::Other
            }
            (Some(Frame::TestCase(_) | Frame::Retry(_)), "system-out") => {
                Frame::Text(TextKind::SystemOut, String::new())
            }
            (Some(Frame::TestCase(_) | Frame::Retry(_)), "system-err") => {
                Frame::Text(TextKind::SystemErr, String::new())
            }
            (Some(Frame::Retry(_) | Frame::Result(_)), "stackTrace") => {
                Frame::Text(TextKind::StackTrace, String::new())
            }
            (Some(Frame::TestCase(_)), "time") => {
                self.signals.count_children = true;
                Frame::Text(TextKind::Time, String::new())
            }
            (Some(Frame::Suite { name: suite, .. }), "failure" | "error") => {
                let suite = suite.clone();
                self.warning_at(
                    at,
                    format!("an <{name}> directly under suite \"{suite}\", outside any testcase, is not counted as a test"),
                );
                Frame::Other
            }
            (Some(Frame::Suite { .. }), "tests" | "failures" | "errors" | "skipped" | "time") => {
                self.signals.count_children = true;
                Frame::Other
            }
            (Some(Frame::Suite { .. }), "system-out" | "system-err") => Frame::Other,
            (Some(Frame::TestCase(_)), "testcase" | "testsuite") => {
                self.warning_at(at, format!("a <{name}> inside a <testcase> is not counted"));
                Frame::Other
            }
            (Some(Frame::Suite { .. } | Frame::TestCase(_)), other) => {
                self.may_hold_char_references |= other.contains('&');
                *self.ignored.entry(other.to_owned()).or_insert(0) += 1;
                Frame::Other
            }
            (_, other) => {
                self.may_hold_char_references |= other.contains('&');
                Frame::Other
            }
        };
        self.spare_attrs = recycle(a.list);
        if empty {
            self.close(frame);
        } else {
            self.stack.push(frame);
        }
        Ok(())
    }

    /// Checks the root element and notes its signals.
    fn root(&mut self, e: &Attrs<'_>, name: &str, at: u64) -> Result<(), Stop> {
        if !matches!(name, "testsuites" | "testsuite" | "testrun") {
            self.error_at(
                at,
                format!(
                    "not a JUnit report: the root element is <{name}>, expected <testsuites> or <testsuite>"
                ),
            );
            return Err(Stop::NotJunit);
        }
        self.root_seen = true;
        self.signals.root = name.to_owned();
        self.signals.root_name = e.owned("name");
        self.signals.root_has_id = e.has("id");
        self.signals.root_has_uuid = e.has("uuid");
        self.playwright = name == "testsuites" && self.signals.root_has_id;
        Ok(())
    }

    #[inline]
    fn suite(&mut self, e: &Attrs<'_>, at: u64) -> Frame {
        let mut name = e.owned("name").unwrap_or_default();
        let hostname = e.get("hostname");
        if self.stack.is_empty() {
            // The root: its name is a suite name only for a root <testsuite>.
        } else if self.signals.first_suite_name.is_none() {
            self.signals.first_suite_name = Some(name.clone());
        }
        if !self.stack.is_empty() || self.signals.root != "testsuites" {
            self.signals.suite_has_id |= e.has("id");
            self.signals.suite_has_hostname |= hostname.is_some();
            self.signals.suite_has_disabled |= e.has("disabled");
            if self.signals.first_suite_name.is_none() {
                self.signals.first_suite_name = Some(name.clone());
            }
        }
        if let Some(schema) = e.get("xsi:noNamespaceSchemaLocation") {
            self.signals.surefire_schema |= schema.contains("surefire");
        }
        if self.timestamp.is_none() {
            if let Some(raw) = e.get("timestamp") {
                self.timestamp = self.timestamp_value(raw, at);
            }
        }
        if self.hostname.is_none() {
            self.hostname = hostname.filter(|h| !h.is_empty()).map(str::to_owned);
        }
        if self.playwright {
            if let Some(project) = hostname.filter(|h| !h.is_empty()) {
                name = format!("{project} › {name}");
            }
        }
        self.suites_opened += 1;
        let path: Arc<str> = match self.stack.iter().rev().find_map(|f| match f {
            Frame::Suite { path, .. } => Some(&**path),
            _ => None,
        }) {
            Some(parent) if !parent.is_empty() => Arc::from(format!("{parent} › {name}")),
            _ => Arc::from(name.as_str()),
        };
        let tests_attr = e.get("tests").and_then(|t| t.trim().parse().ok());
        if let Some(claimed) = tests_attr {
            self.presize(claimed);
        }
        Frame::Suite {
            name: self.interner.intern(&name),
            instance: self.suites_opened,
            path,
            tests_attr,
            elements_before: self.testcase_elements,
            at,
        }
    }

    /// Sizes the per-test tables once, for the first suite element's `tests` count (the
    /// root's, usually), so they do not grow by doubling and rehashing as the file is read.
    /// The count is the file's claim, untrusted: it is capped at one test per
    /// [`PRESIZE_BYTES_PER_TEST`] of input, and room the allocator refuses is not an error
    /// (the tables then grow as they would have).
    fn presize(&mut self, claimed: usize) {
        if self.testcases.capacity() > 0 {
            return;
        }
        let tests = claimed.min(self.input.len() / PRESIZE_BYTES_PER_TEST);
        let _ = self.testcases.try_reserve_exact(tests);
        let _ = self.first_element_at.try_reserve_exact(tests);
        let _ = self.index.try_reserve(tests);
    }

    #[inline]
    fn testcase(&mut self, e: &Attrs<'_>, at: u64) -> TestCaseBuilder {
        self.testcase_elements += 1;
        let (suite, suite_instance, suite_path) = self
            .stack
            .iter()
            .rev()
            .find_map(|f| match f {
                Frame::Suite {
                    name,
                    instance,
                    path,
                    ..
                } => Some((Arc::clone(name), *instance, Arc::clone(path))),
                _ => None,
            })
            .unwrap_or_else(|| (Arc::from(""), 0, Arc::from("")));
        let a = TestcaseAttrs::of(e);
        let classname = a.classname.filter(|c| !c.is_empty());
        let classname_given = classname.is_some();
        self.signals.testcase_without_classname |= classname.is_none();
        let classname = match classname {
            // Consecutive testcases mostly share their classname: the last one is compared
            // before the interner hashes it.
            Some(classname) if crate::model::same_text(&self.last_classname, classname) => {
                Arc::clone(&self.last_classname)
            }
            Some(classname) => {
                let shared = self.interner.intern(classname);
                self.last_classname = Arc::clone(&shared);
                shared
            }
            None => Arc::clone(&suite),
        };
        let name = match a.name {
            Some(name) => self.interner.intern(name),
            None => {
                self.unnamed += 1;
                let stand_in = format!("(unnamed testcase #{})", self.unnamed);
                self.warning_at(
                    at,
                    format!("<testcase> has no name attribute; kept as \"{stand_in}\""),
                );
                Arc::from(stand_in)
            }
        };
        let time_seconds = a.time.and_then(|raw| self.seconds_value(raw, at));
        let TestcaseAttrs {
            status,
            result,
            ignored,
            file,
            line,
            class_or_assertions,
            ..
        } = a;
        self.signals.testcase_has_class_or_assertions |= class_or_assertions;
        self.signals.testcase_has_file_line |= file.is_some() && line.is_some();
        self.signals.gtest_result |= result.is_some();
        match status {
            Some("run") => self.signals.status_run = true,
            Some("fail" | "failed") => self.signals.status_fail = true,
            _ => {}
        }
        let not_run = matches!(status, Some("notrun" | "disabled" | "skipped" | "ignored"))
            || matches!(result, Some("suppressed" | "skipped"))
            || ignored == Some("true");
        TestCaseBuilder {
            key: TestKey::new(suite, classname, name),
            classname_given,
            suite_instance,
            suite_path,
            at,
            time_seconds,
            child_time: None,
            not_run,
            skipped: false,
            skip_message: None,
            failures: Vec::new(),
            retries: Vec::new(),
            system_out: None,
            system_err: None,
            file: file.map(str::to_owned),
            line: line.and_then(|l| l.trim().parse().ok()),
            properties: Vec::new(),
        }
    }

    #[inline]
    fn failure(&mut self, e: &Attrs<'_>, name: &str) -> Failure {
        let kind = if name.ends_with("rror") {
            FailureKind::Error
        } else {
            FailureKind::Failure
        };
        Failure {
            kind,
            message: e.owned("message"),
            failure_type: e.owned("type"),
            body: String::new(),
        }
    }

    #[inline]
    fn seconds(&mut self, e: &Attrs<'_>, at: u64) -> Option<f64> {
        let raw = e.get("time")?;
        self.seconds_value(raw, at)
    }

    #[inline]
    fn seconds_value(&mut self, raw: &str, at: u64) -> Option<f64> {
        match parse_seconds(raw) {
            SecondsValue::Exact(v) => Some(v),
            SecondsValue::Reinterpreted(v, note) => {
                self.warning_at(at, note);
                Some(v)
            }
            SecondsValue::Unreadable(note) => {
                if let Some(note) = note {
                    self.warning_at(at, note);
                }
                None
            }
        }
    }

    fn timestamp_value(&mut self, raw: &str, at: u64) -> Option<Timestamp> {
        match parse_timestamp(raw) {
            TimestampValue::Exact(t) => Some(t),
            TimestampValue::Reinterpreted(t, note) => {
                self.info_at(at, note);
                Some(t)
            }
            TimestampValue::Unreadable(note) => {
                self.info_at(at, note);
                None
            }
        }
    }

    #[inline]
    fn end(&mut self) {
        if let Some(frame) = self.stack.pop() {
            self.close(frame);
        }
    }

    /// Finishes a popped frame, handing its data to its parent.
    #[inline]
    fn close(&mut self, frame: Frame) {
        match frame {
            Frame::TestCase(tc) => self.finish_testcase(tc),
            Frame::Result(failure) => {
                if let Some(Frame::TestCase(tc)) = self.stack.last_mut() {
                    tc.failures.push(failure);
                }
            }
            Frame::Retry(mut retry) => {
                if let Some(stack_trace) = retry.stack_trace.take() {
                    retry.failure.body = stack_trace;
                }
                if let Some(Frame::TestCase(tc)) = self.stack.last_mut() {
                    tc.retries.push(*retry);
                }
            }
            Frame::Text(kind, text) => self.deliver_text(kind, text),
            Frame::Property { name, value, text } => {
                let value = value.unwrap_or_else(|| text.trim().to_owned());
                self.signals.go_version_property |= name == "go.version";
                self.signals.browser_property |= name == "browser.fullName";
                self.signals.catch2_property |= name == "random-seed";
                let property = Property { name, value };
                let on_testcase = matches!(
                    self.stack.last(),
                    Some(Frame::Properties { on_testcase: true })
                );
                if on_testcase {
                    if let Some(Frame::TestCase(tc)) = self
                        .stack
                        .iter_mut()
                        .rev()
                        .find(|f| matches!(f, Frame::TestCase(_)))
                    {
                        tc.properties.push(property);
                    }
                } else if !self.properties.contains(&property) {
                    self.properties.push(property);
                }
            }
            Frame::Suite {
                name,
                tests_attr,
                elements_before,
                at,
                ..
            } => {
                let found = self.testcase_elements - elements_before;
                if let Some(claimed) = tests_attr.filter(|&n| n != found) {
                    self.suite_mismatches += 1;
                    if self.suite_mismatches <= MAX_REPEATED_NOTES {
                        self.info_at(
                            at,
                            format!("suite \"{name}\" says tests=\"{claimed}\" but holds {found} <testcase> elements; counts come from the elements"),
                        );
                    }
                }
            }
            Frame::Properties { .. } | Frame::Other => {}
        }
        if self.stack.is_empty() && self.root_seen {
            self.root_closed = true;
        }
    }

    #[inline]
    fn deliver_text(&mut self, kind: TextKind, text: String) {
        match (kind, self.stack.last_mut()) {
            (TextKind::SystemOut, Some(Frame::TestCase(tc))) => append(&mut tc.system_out, text),
            (TextKind::SystemErr, Some(Frame::TestCase(tc))) => append(&mut tc.system_err, text),
            (TextKind::SystemOut, Some(Frame::Retry(r))) => append(&mut r.system_out, text),
            (TextKind::SystemErr, Some(Frame::Retry(r))) => append(&mut r.system_err, text),
            (TextKind::StackTrace, Some(Frame::Retry(r))) => append(&mut r.stack_trace, text),
            (TextKind::StackTrace, Some(Frame::Result(f))) => f.body.push_str(&text),
            (TextKind::Time, Some(Frame::TestCase(tc))) => tc.child_time = Some(text),
            _ => {}
        }
    }

    #[inline]
    fn finish_testcase(&mut self, mut tc: TestCaseBuilder) {
        if tc.time_seconds.is_none() {
            if let Some(raw) = tc.child_time.take() {
                let at = tc.at;
                tc.time_seconds = self.seconds_value(&raw, at);
            }
        }
        let (mut rest, attempts) = tc.attempts();
        // The identity is hashed once (twice after a collision below).
        let mut hash = key_hash(&rest.key);
        let mut found = self.lookup(&rest.key, hash);
        if let Some((slot, instance)) = found {
            if instance != rest.suite_instance && **rest.key.suite() != *rest.suite_path {
                // The same identity in another suite element (two browsers whose innermost
                // suites share a name, say) is a different test, not a rerun: qualify it
                // with its suite path.
                let first = self.testcases[slot].key.id();
                rest.key = rest.key.with_suite(Arc::clone(&rest.suite_path));
                self.warning_at(
                    rest.at,
                    format!(
                        "identity collision: {first} also appears in suite path \"{}\"; kept apart as {}",
                        rest.suite_path,
                        rest.key.id()
                    ),
                );
                hash = key_hash(&rest.key);
                found = self.lookup(&rest.key, hash);
            }
        }
        self.finish_testcase_rest(rest, attempts, hash, found);
    }

    /// Adds a testcase element's attempts to its test (a rerun in the same suite element), or
    /// starts the test. `hash` is the identity's [`key_hash`], `found` its [`Self::lookup`].
    #[inline]
    fn finish_testcase_rest(
        &mut self,
        rest: TestCaseBuilderRest,
        attempts: Attempts,
        hash: u64,
        found: Option<(usize, usize)>,
    ) {
        if let Some((slot, _)) = found {
            let case = &mut self.testcases[slot];
            case.attempts.extend(attempts);
            case.elements += 1;
            case.time_seconds = match (case.time_seconds, rest.time_seconds) {
                (Some(a), Some(b)) => Some(a + b),
                (a, b) => a.or(b),
            };
            (case.outcome, case.flaky_in_run) = settle(&case.attempts);
            return;
        }
        let (outcome, flaky_in_run) = settle(&attempts);
        let entry = (self.testcases.len(), rest.suite_instance);
        match self.index.entry(hash) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(entry);
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.index_collisions.insert(rest.key.clone(), entry);
            }
        }
        self.first_element_at.push(rest.at);
        self.testcases.push(TestCase {
            key: rest.key,
            suite_path: rest.suite_path,
            classname_given: rest.classname_given,
            outcome,
            flaky_in_run,
            attempts,
            time_seconds: rest.time_seconds,
            elements: 1,
            file: rest.file,
            line: rest.line,
            properties: rest.properties,
        });
    }

    /// The slot and first suite instance of a test identity already read; `hash` is its
    /// [`key_hash`].
    #[inline]
    fn lookup(&self, key: &TestKey, hash: u64) -> Option<(usize, usize)> {
        let &(slot, instance) = self.index.get(&hash)?;
        if self.testcases[slot].key == *key {
            return Some((slot, instance));
        }
        self.index_collisions.get(key).copied()
    }

    /// True when [`Self::text`] keeps or checks text at this point: inside a result, a text
    /// child or a property, or outside the document element.
    #[inline]
    fn collects_text(&self) -> bool {
        matches!(
            self.stack.last(),
            None | Some(
                Frame::Result(_) | Frame::Retry(_) | Frame::Text(..) | Frame::Property { .. }
            )
        )
    }

    #[inline]
    fn text(&mut self, content: &str, at: u64) -> Result<(), Stop> {
        match self.stack.last_mut() {
            Some(Frame::Result(failure)) => failure.body.push_str(content),
            Some(Frame::Retry(retry)) => retry.failure.body.push_str(content),
            Some(Frame::Text(_, text)) | Some(Frame::Property { text, .. }) => {
                text.push_str(content)
            }
            None if !content.trim().is_empty() => {
                let start = at.saturating_sub(content.len() as u64);
                if self.root_seen {
                    self.error_at(
                        start,
                        "malformed XML: text after the document element".to_owned(),
                    );
                    return Err(Stop::Malformed);
                }
                self.error_at(
                    start,
                    "not a JUnit report: the file starts with text, expected an XML document with a <testsuites> or <testsuite> root".to_owned(),
                );
                return Err(Stop::NotJunit);
            }
            _ => {}
        }
        Ok(())
    }

    fn reference(&mut self, r: &BytesRef<'_>, at: u64) -> Result<(), Stop> {
        let resolved: Option<String> = match r.resolve_char_ref() {
            Ok(Some(c)) => Some(c.to_string()),
            Ok(None) => quick_xml::escape::resolve_predefined_entity(r).map(str::to_owned),
            Err(_) => None,
        };
        let text = match resolved {
            Some(text) => text,
            None => {
                let raw = format!("&{};", &**r);
                self.warning_at(
                    at.saturating_sub(raw.len() as u64),
                    format!("undefined entity reference {raw} kept as literal text"),
                );
                raw
            }
        };
        self.text(&text, at)
    }

    fn eof(&mut self) -> Option<Stop> {
        if !self.root_seen {
            self.error_at(
                self.input.len() as u64,
                "not a JUnit report: no XML element found, expected a <testsuites> or <testsuite> root"
                    .to_owned(),
            );
            return Some(Stop::NotJunit);
        }
        if let Some(open) = self.open_element_name() {
            self.error_at(
                self.input.len() as u64,
                format!("malformed XML: unexpected end of file, expected </{open}>"),
            );
            return Some(Stop::Malformed);
        }
        None
    }

    fn open_element_name(&self) -> Option<&'static str> {
        self.stack.last().map(|f| match f {
            Frame::Suite { .. } => "testsuite",
            Frame::TestCase(_) => "testcase",
            Frame::Result(f) => match f.kind {
                FailureKind::Failure => "failure",
                FailureKind::Error => "error",
            },
            Frame::Retry(_) => "flakyFailure or rerunFailure",
            Frame::Text(TextKind::SystemOut, _) => "system-out",
            Frame::Text(TextKind::SystemErr, _) => "system-err",
            Frame::Text(TextKind::StackTrace, _) => "stackTrace",
            Frame::Text(TextKind::Time, _) => "time",
            Frame::Properties { .. } => "properties",
            Frame::Property { .. } => "property",
            Frame::Other => "element",
        })
    }

    /// Rereads pytest tests that appear more than once, because pytest writes some single
    /// executions as several `<testcase>` elements with one identity:
    /// - a call failure then a teardown error: pytest's `LogXML` closes the failed testcase
    ///   and opens a second one for `<error message="failed on teardown with ...">` (it counts
    ///   the pair once, `cnt_double_fail_tests`). The pair is one attempt: errored, both
    ///   messages kept.
    /// - pytest-rerunfailures (16.6.1, and some older versions) writes every rerun attempt as
    ///   a `<testcase>` with no result child. A rerun only follows a failure, so every element
    ///   before the last that reads as passed is a failed attempt.
    fn reread_pytest_repeats(&mut self) {
        let mut merged = 0;
        for slot in 0..self.testcases.len() {
            let case = &mut self.testcases[slot];
            if case.elements < 2 {
                continue;
            }
            let mut attempts = Attempts::with_capacity(case.attempts.len());
            let mut teardown_merged = false;
            for attempt in std::mem::take(&mut case.attempts) {
                match attempts.last_mut() {
                    Some(call)
                        if call.outcome == Outcome::Failed
                            && is_pytest_teardown_error(&attempt) =>
                    {
                        call.outcome = Outcome::Errored;
                        call.failures.extend(attempt.failures);
                        call.time_seconds = match (call.time_seconds, attempt.time_seconds) {
                            (Some(a), Some(b)) => Some(a + b),
                            (a, b) => a.or(b),
                        };
                        if let Some(out) = attempt.system_out {
                            append_shared(&mut call.system_out, &out);
                        }
                        if let Some(err) = attempt.system_err {
                            append_shared(&mut call.system_err, &err);
                        }
                        teardown_merged = true;
                    }
                    _ => attempts.push(attempt),
                }
            }
            let mut reruns = false;
            if let Some((_, earlier)) = attempts.split_last_mut() {
                for attempt in earlier.iter_mut().filter(|a| a.outcome == Outcome::Passed) {
                    attempt.outcome = Outcome::Failed;
                    reruns = true;
                }
            }
            case.attempts = attempts;
            (case.outcome, case.flaky_in_run) = settle(&case.attempts);
            let id = case.key.id();
            if reruns {
                self.pytest_reruns.insert(slot);
            }
            if teardown_merged {
                merged += 1;
                if merged <= MAX_REPEATED_NOTES {
                    let at = self.first_element_at.get(slot).copied().unwrap_or(0);
                    self.info_at(
                        at,
                        format!("pytest wrote the call failure and the teardown error of {id} as two <testcase> elements; read as one attempt"),
                    );
                }
            }
        }
        if merged > MAX_REPEATED_NOTES {
            self.push_file_note(
                Severity::Info,
                format!(
                    "{} more pytest tests have a call failure and a teardown error as two <testcase> elements",
                    merged - MAX_REPEATED_NOTES
                ),
            );
        }
    }

    /// End-of-file notes: repeated identities, ignored elements, capped repetitions.
    fn summarize(&mut self) {
        let mut repeated = 0;
        for slot in 0..self.testcases.len() {
            let case = &self.testcases[slot];
            if case.elements < 2 || case.attempts.len() < 2 {
                // One element, or several that make one attempt (pytest's teardown error).
                continue;
            }
            repeated += 1;
            if repeated > MAX_REPEATED_NOTES {
                continue;
            }
            let outcomes: Vec<&str> = case.attempts.iter().map(|a| a.outcome.as_str()).collect();
            let message = format!(
                "test {} appears {} times in this run ({}); read as attempts of one test (reruns), counted once as {}{}{}",
                case.key.id(),
                case.elements,
                outcomes.join(", "),
                case.outcome.as_str(),
                if case.flaky_in_run { " (flaky: passed on retry)" } else { "" },
                if self.pytest_reruns.contains(&slot) {
                    "; pytest-rerunfailures writes a rerun as a <testcase> with no result, so the earlier ones without a result are failed attempts"
                } else {
                    ""
                },
            );
            let at = self.first_element_at.get(slot).copied().unwrap_or(0);
            self.info_at(at, message);
        }
        if repeated > MAX_REPEATED_NOTES {
            self.push_file_note(
                Severity::Info,
                format!(
                    "{} more tests appear more than once in this run",
                    repeated - MAX_REPEATED_NOTES
                ),
            );
        }
        if self.suite_mismatches > MAX_REPEATED_NOTES {
            self.push_file_note(
                Severity::Info,
                format!(
                    "{} more suites have a tests= attribute that disagrees with their elements",
                    self.suite_mismatches - MAX_REPEATED_NOTES
                ),
            );
        }
        if self.signals.count_children {
            self.push_file_note(
                Severity::Info,
                "counts or time given as child elements (<tests>, <failures>, <time>); a testcase's <time> is read, suite counts are ignored".to_owned(),
            );
        }
        let mut ignored: Vec<(String, usize)> = self.ignored.drain().collect();
        ignored.sort();
        for (name, count) in ignored {
            self.push_file_note(
                Severity::Info,
                format!("{count} unknown <{name}> element(s) skipped"),
            );
        }
    }

    /// Warns once about control characters the document's XML version forbids (such as ESC,
    /// raw or as `&#27;`), which are kept.
    fn note_control_characters(&mut self) {
        let version = if declares_xml_1_1(self.input) {
            "1.1"
        } else {
            "1.0"
        };
        let references = version == "1.0" && self.may_hold_char_references;
        if let Some((first, code, count)) = forbidden_controls(self.input, references) {
            let warning = self.diagnostic_at(
                first,
                Severity::Warning,
                format!(
                    "{count} control character(s) that XML {version} forbids (the first is U+{code:04X}) kept as text"
                ),
            );
            let at = self.notes_end.min(self.diagnostics.len());
            self.diagnostics.insert(at, warning);
        }
    }

    /// Parses a start tag's attributes once, unescaped and normalized. A malformed
    /// attribute is reported (once) and the rest of the tag's attributes are skipped.
    #[inline]
    fn attributes<'e>(&mut self, e: &'e BytesStart<'_>, at: u64) -> Attrs<'e> {
        let mut list = recycle(std::mem::take(&mut self.spare_attrs));
        let mut problem = None;
        // Well-formed attributes, the usual case, are split here (`split_attributes`); anything
        // else is left to quick-xml's iterator, which says what is wrong.
        let references = &mut self.may_hold_char_references;
        let split = split_attributes(e.attributes_raw(), |key, value, plain| {
            if plain {
                list.push((key, Cow::Borrowed(value)));
            } else {
                push_normalized_attribute(
                    &mut list,
                    &mut problem,
                    references,
                    key,
                    Cow::Borrowed(value),
                );
            }
        });
        if !split {
            // A tag this unusual may hold `&#` outside any value.
            *references = true;
            list.clear();
            problem = None;
            for attr in e.attributes().with_checks(false) {
                match attr {
                    Ok(attr) => push_normalized_attribute(
                        &mut list,
                        &mut problem,
                        references,
                        attr.key.0,
                        attr.value,
                    ),
                    Err(err) => {
                        problem = Some(format!("malformed attribute: {err}"));
                        break;
                    }
                }
            }
        }
        if let Some(problem) = problem {
            self.warning_at(at, problem);
        }
        Attrs { list }
    }

    fn error_at(&mut self, offset: u64, message: String) {
        self.push_diagnostic(offset, Severity::Error, message);
    }

    fn warning_at(&mut self, offset: u64, message: String) {
        self.push_diagnostic(offset, Severity::Warning, message);
    }

    fn info_at(&mut self, offset: u64, message: String) {
        self.push_diagnostic(offset, Severity::Info, message);
    }

    fn push_file_note(&mut self, severity: Severity, message: String) {
        self.diagnostics
            .push(Diagnostic::whole_file(self.file, severity, message));
    }

    fn push_diagnostic(&mut self, offset: u64, severity: Severity, message: String) {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let diagnostic = self.diagnostic_at(offset, severity, message);
        self.diagnostics.push(diagnostic);
    }

    /// A diagnostic about this file at byte `offset` of its text (line and column from it).
    fn diagnostic_at(&self, offset: usize, severity: Severity, message: String) -> Diagnostic {
        let (line, column) = line_column(self.input.as_bytes(), offset);
        Diagnostic {
            file: self.file.to_owned(),
            line,
            column,
            severity,
            message,
        }
    }
}

/// True when an attribute value holds something that XML attribute-value normalization
/// changes: a reference (`&`) or a tab, line feed or carriage return (XML 1.0 §3.3.3). Most
/// values hold neither, and a vectorized search for them is much cheaper than normalizing.
#[inline]
fn needs_normalizing(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    memchr::memchr(b'&', bytes).is_some() || memchr::memchr3(b'\t', b'\n', b'\r', bytes).is_some()
}

/// Adds an attribute to `list`, its value normalized (XML 1.0 §3.3.3) when it holds a
/// reference or a tab or line end. A value that cannot be normalized is kept raw, and
/// `problem` says why. `may_hold_char_references` is set when the value holds `&#`.
#[inline]
fn push_normalized_attribute<'e>(
    list: &mut Vec<(&'e str, Cow<'e, str>)>,
    problem: &mut Option<String>,
    may_hold_char_references: &mut bool,
    key: &'e str,
    value: Cow<'e, str>,
) {
    if !needs_normalizing(&value) {
        list.push((key, value));
        return;
    }
    *may_hold_char_references |= value.contains("&#");
    let attr = quick_xml::events::attributes::Attribute {
        key: quick_xml::name::QName(key),
        value,
    };
    let value = match attr.normalized_value(XmlVersion::Implicit1_0) {
        Ok(v) => v,
        Err(err) => {
            *problem = Some(format!("attribute {key}: {err}; the raw value is kept"));
            attr.value.clone()
        }
    };
    list.push((key, value));
}

/// Splits the attributes of a start tag (`raw`: what follows the tag's name) into keys and raw
/// values and hands each to `found`, in order, as quick-xml's attribute iterator (XML mode,
/// without the duplicate check) would find them. Returns false, having handed over some or
/// none, when `raw` is anything but `key="value"` or `key='value'` pairs (whitespace allowed
/// around the `=` and between pairs; no `&` in a key): the caller then reads the tag with
/// quick-xml, which reports what is wrong. A value is read eight bytes at a time
/// ([`closing_quote`]), where quick-xml visits each byte: values (test names, classnames)
/// are most of a tag. Whitespace is quick-xml's own (`quick_xml::utils::is_whitespace`).
#[inline]
fn split_attributes<'e>(raw: &'e str, mut found: impl FnMut(&'e str, &'e str, bool)) -> bool {
    let bytes = raw.as_bytes();
    let mut at = 0;
    loop {
        at = skip_whitespace(bytes, at);
        if at == bytes.len() {
            return true;
        }
        // The key runs to the first `=` or whitespace; whitespace may come before the `=`.
        // A key with `&` is left to quick-xml too (the caller then looks for references).
        let key_start = at;
        let Some(key_end) = bytes[at..]
            .iter()
            .position(|&b| b == b'=' || b == b'&' || is_whitespace(b))
            .map(|p| at + p)
        else {
            return false;
        };
        at = skip_whitespace(bytes, key_end);
        if key_end == key_start || bytes.get(at) != Some(&b'=') || bytes[key_end] == b'&' {
            return false;
        }
        at = skip_whitespace(bytes, at + 1);
        let quote = match bytes.get(at) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return false,
        };
        let value_start = at + 1;
        let Some((length, plain)) = closing_quote(&bytes[value_start..], quote) else {
            return false;
        };
        let value_end = value_start + length;
        // Every boundary is an ASCII byte, so both slices are whole characters.
        let (Some(key), Some(value)) =
            (raw.get(key_start..key_end), raw.get(value_start..value_end))
        else {
            return false;
        };
        found(key, value, plain);
        at = value_end + 1;
    }
}

/// Where `quote` first occurs in `bytes`, and whether the bytes before it are plain: no `&`
/// and no byte below 0x20 (so attribute-value normalization has nothing to change). Eight
/// bytes at a time: one pass instead of a search for the quote and two for what
/// normalization changes. `None` when there is no `quote`.
#[inline]
fn closing_quote(bytes: &[u8], quote: u8) -> Option<(usize, bool)> {
    let (words, _) = bytes.as_chunks::<8>();
    for (i, &word) in words.iter().enumerate() {
        let word = u64::from_le_bytes(word);
        // A byte below 0x20 has none of the top three bits.
        let special = zero_bytes(word ^ splat(quote))
            | zero_bytes(word ^ splat(b'&'))
            | zero_bytes(word & splat(0xE0));
        if special != 0 {
            // The first flagged byte (the lowest: words are read little-endian).
            let first = i * 8 + (special.trailing_zeros() / 8) as usize;
            if bytes[first] == quote {
                return Some((first, true));
            }
            let end = memchr::memchr(quote, &bytes[first..])?;
            return Some((first + end, false));
        }
    }
    let tail_start = words.len() * 8;
    let tail = &bytes[tail_start..];
    let end = memchr::memchr(quote, tail)?;
    let plain = !tail[..end].iter().any(|&b| b == b'&' || b < 0x20);
    Some((tail_start + end, plain))
}

/// The first position at or after `at` that is not XML whitespace (XML 1.0 §2.3, `S`: space,
/// tab, line feed, carriage return); `bytes.len()` when only whitespace is left.
#[inline]
fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(|&b| is_whitespace(b)) {
        at += 1;
    }
    at
}

/// An empty vector that keeps `v`'s allocation for another element type of the same size and
/// alignment (the standard library collects in place), so one allocation serves every tag.
#[inline]
fn recycle<A, B>(mut v: Vec<A>) -> Vec<B> {
    v.clear();
    v.into_iter().filter_map(|_| None).collect()
}

/// The 64-bit FxHash of a test identity (the reader's index; equal keys are still compared).
#[inline]
fn key_hash(key: &TestKey) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(key)
}

/// A testcase element that holds only pytest's teardown error (`failed on teardown with ...`).
fn is_pytest_teardown_error(attempt: &Attempt) -> bool {
    attempt.outcome == Outcome::Errored
        && attempt.failures.iter().all(|f| {
            f.kind == FailureKind::Error
                && f.message
                    .as_deref()
                    .is_some_and(|m| m.starts_with("failed on teardown with "))
        })
}

/// True when the XML declaration says `version="1.1"`.
fn declares_xml_1_1(input: &str) -> bool {
    input
        .strip_prefix("<?xml")
        .and_then(|rest| rest.split("?>").next())
        .is_some_and(|decl| {
            let decl: String = decl.chars().filter(|c| !c.is_whitespace()).collect();
            decl.contains("version=\"1.1\"") || decl.contains("version='1.1'")
        })
}

/// C0 control characters other than tab, line feed and carriage return: written raw (which
/// every XML version forbids) or, when `references` is set, as a character reference such as
/// `&#27;` (XML 1.1 allows those; the reader sets it for XML 1.0 when the file may hold
/// one). References inside CDATA sections and comments are text and not counted; `&#0;` is
/// left to the parser, which rejects it. The sections are found by their openings alone,
/// even inside an attribute value (`x="<!--"`), which the reader avoids by searching only
/// when the parser met a reference or a place one could hide.
/// Returns the byte offset and code of the first, and how many there are.
fn forbidden_controls(input: &str, references: bool) -> Option<(usize, u32, usize)> {
    let bytes = input.as_bytes();
    let mut first: Option<(usize, u32)> = None;
    let mut count = 0;
    let mut note = |at: usize, code: u32| {
        if first.is_none_or(|(f, _)| at < f) {
            first = Some((at, code));
        }
        count += 1;
    };
    // Almost every file has none: a word-at-a-time check first.
    let any_raw = has_raw_control(bytes);
    if any_raw {
        for (at, &b) in bytes.iter().enumerate() {
            if forbidden_control(u32::from(b)) {
                note(at, u32::from(b));
            }
        }
    }
    // References: only a `&#` whose code is forbidden needs the exact scan below, which
    // tells text from CDATA sections and comments; most files have none.
    let candidate = |at: usize| {
        char_reference(&bytes[at..]).is_some_and(|(code, _)| code != 0 && forbidden_control(code))
    };
    if !references || !memchr::memmem::find_iter(bytes, b"&#").any(candidate) {
        return first.map(|(at, code)| (at, code, count));
    }
    let mut i = 0;
    while i < bytes.len() {
        // Sections and references start with `<` or `&`; nothing else needs a look.
        match memchr::memchr2(b'<', b'&', &bytes[i..]) {
            Some(skip) => i += skip,
            None => break,
        }
        let rest = &bytes[i..];
        let section_end: Option<&[u8]> = if rest.starts_with(b"<![CDATA[") {
            Some(b"]]>")
        } else if rest.starts_with(b"<!--") {
            Some(b"-->")
        } else {
            None
        };
        if let Some(end) = section_end {
            i += memchr::memmem::find(rest, end).map_or(rest.len(), |p| p + end.len());
        } else if let Some((code, len)) = char_reference(rest) {
            if code != 0 && forbidden_control(code) {
                note(i, code);
            }
            i += len;
        } else {
            i += 1;
        }
    }
    first.map(|(at, code)| (at, code, count))
}

/// A C0 control character other than tab, line feed and carriage return.
fn forbidden_control(code: u32) -> bool {
    code < 0x20 && !matches!(code, 0x09 | 0x0A | 0x0D)
}

/// True when some byte of `bytes` is a [`forbidden_control`] (all are below 0x20).
/// Eight bytes at a time: a word with no byte below 0x20 (most of them) is skipped whole.
/// (`as_chunks`, not `chunks_exact` with a conversion of each chunk: at the worker's
/// opt-level `"z"` that took 25 ms for a 34 MB report in wasm, this 7 ms.)
#[inline]
fn has_raw_control(bytes: &[u8]) -> bool {
    let (words, rest) = bytes.as_chunks::<8>();
    for &word in words {
        let word = u64::from_le_bytes(word);
        // Nonzero exactly when some byte is below 0x20 (the "haszero/hasless" bit trick,
        // exact for thresholds up to 0x80; see Hacker's Delight, 6-1).
        // (Four operations, where the exact `forbidden_bytes` takes about twenty: most words
        // have no byte below 0x20 at all.)
        let below_0x20 = word.wrapping_sub(splat(0x20)) & !word & HIGH_BITS;
        // Most such words hold a line feed: the exact test, still a word at a time.
        if below_0x20 != 0 && forbidden_bytes(word) != 0 {
            return true;
        }
    }
    rest.iter().any(|&b| forbidden_control(u32::from(b)))
}

/// The bytes of `word` that are [`forbidden_control`]s, as the high bit of each such byte.
#[inline]
fn forbidden_bytes(word: u64) -> u64 {
    let below_0x20 = zero_bytes(word & splat(0xE0));
    let allowed = zero_bytes(word ^ splat(b'\t'))
        | zero_bytes(word ^ splat(b'\n'))
        | zero_bytes(word ^ splat(b'\r'));
    below_0x20 & !allowed
}

/// The code and length of a character reference (`&#27;`, `&#x1B;`) at the start of `text`.
fn char_reference(text: &[u8]) -> Option<(u32, usize)> {
    let (digits, radix, skip) = match text {
        [b'&', b'#', b'x', rest @ ..] => (rest, 16, 3),
        [b'&', b'#', rest @ ..] => (rest, 10, 2),
        _ => return None,
    };
    let end = digits.iter().take(9).position(|&b| b == b';')?;
    let number = std::str::from_utf8(&digits[..end]).ok()?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let code = u32::from_str_radix(number, radix).ok()?;
    Some((code, skip + end + 1))
}

/// The attributes of a `<testcase>` that the reader uses, found in one pass over the tag's
/// attributes (the first of a repeated name wins, as with [`Attrs::get`]).
#[derive(Default)]
struct TestcaseAttrs<'a> {
    classname: Option<&'a str>,
    name: Option<&'a str>,
    time: Option<&'a str>,
    status: Option<&'a str>,
    result: Option<&'a str>,
    ignored: Option<&'a str>,
    file: Option<&'a str>,
    line: Option<&'a str>,
    /// A `class` or `assertions` attribute is present (a dialect signal).
    class_or_assertions: bool,
}

impl<'a> TestcaseAttrs<'a> {
    #[inline]
    fn of(attrs: &'a Attrs<'_>) -> TestcaseAttrs<'a> {
        let mut found = TestcaseAttrs::default();
        for (key, value) in &attrs.list {
            let slot = match *key {
                "classname" => &mut found.classname,
                "name" => &mut found.name,
                "time" => &mut found.time,
                "status" => &mut found.status,
                "result" => &mut found.result,
                "ignored" => &mut found.ignored,
                "file" => &mut found.file,
                "line" => &mut found.line,
                "class" | "assertions" => {
                    found.class_or_assertions = true;
                    continue;
                }
                _ => continue,
            };
            if slot.is_none() {
                *slot = Some(value.as_ref());
            }
        }
        found
    }
}

/// A start tag's attributes, parsed once. Values borrow from the input unless unescaping or
/// normalizing changed them.
struct Attrs<'e> {
    list: Vec<(&'e str, std::borrow::Cow<'e, str>)>,
}

impl Attrs<'_> {
    /// The value of `key`, if present.
    #[inline]
    fn get(&self, key: &str) -> Option<&str> {
        self.list
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_ref())
    }

    /// The value of `key` as an owned string, if present.
    #[inline]
    fn owned(&self, key: &str) -> Option<String> {
        self.get(key).map(str::to_owned)
    }

    /// True when `key` is present.
    #[inline]
    fn has(&self, key: &str) -> bool {
        self.list.iter().any(|(k, _)| *k == key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Skipping normalization is safe: a value that `needs_normalizing` lets through is
        /// exactly what quick-xml's normalization returns.
        #[test]
        fn values_let_through_are_what_normalizing_gives(raw in "[a-z &;#x0-9<>'\t\n\r]{0,30}") {
            let attr = quick_xml::events::attributes::Attribute {
                key: quick_xml::name::QName("a"),
                value: std::borrow::Cow::Borrowed(raw.as_str()),
            };
            let normalized = attr.normalized_value(XmlVersion::Implicit1_0);
            match normalized {
                Ok(value) => prop_assert_eq!(value == raw, !needs_normalizing(&raw)),
                // A malformed reference: only values with `&` are normalized, so it is seen.
                Err(_) => prop_assert!(needs_normalizing(&raw)),
            }
        }
    }

    /// What quick-xml's attribute iterator (XML mode, no duplicate check) finds in the
    /// attributes `raw`: the keys and raw values, or `None` when it reports an error.
    fn quick_xml_attributes(raw: &str) -> Option<Vec<(String, String)>> {
        let tag = format!("t{raw}");
        let start = BytesStart::from_content(tag.as_str(), 1);
        start
            .attributes()
            .with_checks(false)
            .map(|a| a.ok().map(|a| (a.key.0.to_owned(), a.value.into_owned())))
            .collect()
    }

    fn split(raw: &str) -> Option<Vec<(String, String)>> {
        let mut found = Vec::new();
        split_attributes(raw, |k, v, plain| {
            assert_eq!(plain, !v.bytes().any(|b| b == b'&' || b < 0x20), "{v:?}");
            found.push((k.to_owned(), v.to_owned()));
        })
        .then_some(found)
    }

    proptest! {
        /// The closing quote is the first, and "plain" means no `&` and no control before it.
        #[test]
        fn closing_quote_is_the_first_quote(
            bytes in proptest::collection::vec(
                prop_oneof![Just(b'"'), Just(b'&'), Just(b'\n'), Just(1u8), Just(b'a'), Just(0xC3u8), Just(0x80u8)],
                0..40,
            ),
        ) {
            let expected = bytes.iter().position(|&b| b == b'"').map(|end| {
                (end, !bytes[..end].iter().any(|&b| b == b'&' || b < 0x20))
            });
            prop_assert_eq!(closing_quote(&bytes, b'"'), expected);
        }

        /// Where the split answers, it finds what quick-xml finds, and quick-xml reports no
        /// error; the tag's bytes are drawn from the characters that delimit. (It says nothing
        /// when the split declines: `well_formed_attributes_are_split` checks that it answers.)
        #[test]
        fn split_attributes_agrees_with_quick_xml(raw in "[ab=\"' \t\n\r&<>é]{0,24}") {
            if let Some(found) = split(&raw) {
                prop_assert_eq!(Some(found), quick_xml_attributes(&raw));
            }
        }

        /// Well-formed attributes, however spaced and quoted, are split, not left to quick-xml.
        #[test]
        fn well_formed_attributes_are_split(
            pairs in proptest::collection::vec(("[a-z:_]{1,6}", "[a-zé <>&;\"']{0,8}", "[ \t\n]{0,2}", "[ \t\n]{1,2}"), 0..5),
        ) {
            let mut raw = String::new();
            let mut expected = Vec::new();
            for (key, value, around_eq, before) in &pairs {
                let quote = if value.contains('"') { '\'' } else { '"' };
                let value = value.replace(quote, "");
                raw.push_str(&format!("{before}{key}{around_eq}={around_eq}{quote}{value}{quote}"));
                expected.push((key.clone(), value));
            }
            prop_assert_eq!(split(&raw), Some(expected.clone()));
            prop_assert_eq!(quick_xml_attributes(&raw), Some(expected));
        }
    }

    #[test]
    fn attributes_split_by_hand_match_the_xml() {
        assert_eq!(
            split(r#" name="a b" classname='c"d' time = "1.5""#),
            Some(vec![
                ("name".into(), "a b".into()),
                ("classname".into(), "c\"d".into()),
                ("time".into(), "1.5".into()),
            ])
        );
        // No space between two attributes: quick-xml accepts it too.
        assert_eq!(
            split(r#"a="1"b="2""#),
            Some(vec![("a".into(), "1".into()), ("b".into(), "2".into())])
        );
        // Left to quick-xml: a key without a value, an unquoted value, an unclosed quote, a
        // second word before the `=`, no key.
        for raw in [r#" a"#, r#" a=1"#, r#" a="1"#, r#" a b="1""#, r#" ="1""#] {
            assert_eq!(split(raw), None, "{raw}");
        }
    }

    #[test]
    fn a_tag_the_split_gives_up_on_midway_is_read_by_quick_xml_alone() {
        // The split normalizes `a` (a reference past U+10FFFF: a problem) before it meets the
        // unquoted `b`; quick-xml then reads the tag again, and its error is the one warning.
        let xml = r#"<testsuite name="s"><testcase name="x" a="&#x110000;" b=1/></testsuite>"#;
        let out = read_report("r.xml", xml.as_bytes());
        let run = out.run.expect("the testcase is kept");
        assert_eq!(&**run.testcases[0].key.name(), "x");
        let warnings: Vec<&str> = out.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].starts_with("malformed attribute:"),
            "{warnings:?}"
        );
    }

    #[test]
    fn a_malformed_attribute_is_still_reported() {
        let xml = r#"<testsuite name="s"><testcase classname="c" name="a" time=1/></testsuite>"#;
        let out = read_report("r.xml", xml.as_bytes());
        let run = out.run.expect("the testcase is kept");
        assert_eq!(run.testcases.len(), 1);
        assert!(
            out.diagnostics
                .iter()
                .any(|d| d.message.starts_with("malformed attribute:")),
            "{:?}",
            out.diagnostics
        );
    }

    #[test]
    fn a_false_tests_count_reserves_no_more_than_the_cap() {
        // Claims a billion tests and holds two: the tables are sized by the file's length.
        let xml = format!(
            "<testsuites tests=\"1000000000\"><testsuite name=\"s\">{}</testsuite></testsuites>",
            "<testcase classname=\"c\" name=\"a\"/>".repeat(100)
        );
        let mut interner = Interner::default();
        let mut reader = JunitReader::new("r.xml", &xml, &mut interner);
        reader.presize(1_000_000_000);
        let cap = xml.len() / PRESIZE_BYTES_PER_TEST;
        assert!(cap > 0, "the input is long enough to reserve something");
        assert!(reader.testcases.capacity() >= cap, "it reserved the cap");
        assert!(
            reader.testcases.capacity() <= cap + 8,
            "{} slots",
            reader.testcases.capacity()
        );
        assert!(reader.first_element_at.capacity() <= cap + 8);
        // An honest, smaller count is taken as it is; the first count wins.
        let mut reader = JunitReader::new("r.xml", &xml, &mut interner);
        reader.presize(3);
        reader.presize(1_000);
        assert!(
            (3..8).contains(&reader.testcases.capacity()),
            "{}",
            reader.testcases.capacity()
        );
        // And the file still reads whole.
        let run = read_report("r.xml", xml.as_bytes()).run.expect("a run");
        assert_eq!(run.testcases.len(), 1);
        assert_eq!(run.testcases[0].elements, 100);
    }

    #[test]
    fn attribute_values_are_unescaped_and_their_whitespace_normalized() {
        let xml = "<testsuite name=\"s\"><testcase classname=\"a&amp;b\" name=\"x\ty\r\nz&#9;w\"/>\
                   <testcase classname=\"plain\" name=\"p q\"/></testsuite>";
        let run = read_report("r.xml", xml.as_bytes()).run.expect("a run");
        let keys: Vec<(&str, &str)> = run
            .testcases
            .iter()
            .map(|c| (&**c.key.classname(), &**c.key.name()))
            .collect();
        // \r\n is one line end (normalized to \n by the XML parser first), so one space;
        // the character reference &#9; is kept as a tab (XML 1.0 §3.3.3).
        assert_eq!(keys, [("a&b", "x y z\tw"), ("plain", "p q")]);
    }

    /// The definition, one byte at a time.
    fn forbidden_byte(b: u8) -> bool {
        b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')
    }

    #[test]
    fn raw_control_is_found_at_every_position_of_a_word_and_in_the_tail() {
        for len in 0..20 {
            let clean = vec![b'a'; len];
            assert!(!has_raw_control(&clean), "len {len}");
            for at in 0..len {
                for control in [0x01, 0x08, 0x0B, 0x0C, 0x1B, 0x1F] {
                    let mut bytes = clean.clone();
                    bytes[at] = control;
                    assert!(has_raw_control(&bytes), "{control:#x} at {at} of {len}");
                }
                for allowed in [b'\t', b'\n', b'\r', 0x20, 0x7F, 0x80, 0xFF] {
                    let mut bytes = clean.clone();
                    bytes[at] = allowed;
                    assert!(!has_raw_control(&bytes), "{allowed:#x} at {at} of {len}");
                }
            }
        }
    }

    #[test]
    fn references_are_counted_outside_cdata_and_comments_only() {
        // Offsets by hand: `<a>` is 3 bytes, so the first reference starts at 3.
        let text = "<a>&#27;<![CDATA[&#27;]]><!-- &#x1B; -->&#x1b;&#10;</a>";
        assert_eq!(forbidden_controls(text, true), Some((3, 0x1B, 2)));
        assert_eq!(forbidden_controls(text, false), None);
        assert_eq!(forbidden_controls("<a>&#10;&#9;&#13;</a>", true), None);
        assert_eq!(
            forbidden_controls("<a>x\u{1b}</a>", true),
            Some((4, 0x1B, 1))
        );
    }

    /// The control-character warning of `xml` read as a report: its line, column and
    /// message, and its place among the diagnostics.
    fn control_warning(xml: &str) -> Option<(u32, u32, String, usize)> {
        let out = read_report("r.xml", xml.as_bytes());
        out.diagnostics
            .iter()
            .enumerate()
            .find(|(_, d)| d.message.contains("control character(s)"))
            .map(|(i, d)| (d.line, d.column, d.message.clone(), i))
    }

    #[test]
    fn forbidden_references_are_found_wherever_the_file_may_hold_them() {
        let suite = |inner: &str| format!("<testsuite name=\"s\">{inner}</testsuite>");
        // In text: 49 bytes come before the reference (`<testsuite name="s">` 20,
        // `<testcase name="a">` 19, `<failure>` 9, `x`), so it is at column 50.
        let text = suite(r#"<testcase name="a"><failure>x&#27;</failure></testcase>"#);
        let (line, column, message, _) = control_warning(&text).expect("a warning");
        assert_eq!((line, column), (1, 50));
        assert!(message.starts_with("1 control character(s)"), "{message}");
        // In an attribute value: after 20 + 17 bytes.
        let attr = suite(r#"<testcase name="a&#x1b;"/>"#);
        assert_eq!(control_warning(&attr).map(|w| (w.0, w.1)), Some((1, 38)));
        // In a processing instruction (after 20 + 4 bytes): not a reference to XML, but
        // counted, as the whole-file search always did.
        let pi = suite(r#"<?x &#27;?><testcase name="a"/>"#);
        assert_eq!(control_warning(&pi).map(|w| (w.0, w.1)), Some((1, 25)));
        // In a malformed attribute list, an attribute's key, an element's name, the XML
        // declaration: no references to XML, but counted, as the whole-file search always did.
        for elsewhere in [
            suite(r#"<testcase name="a"/><testcase name="b" &#27;/>"#),
            suite(r#"<testcase name="a" x&#27;="1"/>"#),
            suite(r#"<testcase name="a"><x&#27;/></testcase>"#),
            format!(
                "<?xml version=\"1.0\" x=\"&#27;\"?>{}",
                suite(r#"<testcase name="a"/>"#)
            ),
        ] {
            assert!(control_warning(&elsewhere).is_some(), "{elsewhere}");
        }
        // A reference inside a CDATA section is text, even after an attribute value that
        // holds `<!--` (which the whole-file search once took for a comment, counting the
        // reference in the CDATA section after it).
        for cdata in [
            suite(
                r#"<testcase name="a" x="<!--"><system-out><![CDATA[ --> &#27; ]]></system-out></testcase>"#,
            ),
            suite(
                r#"<testcase name="a" x="<![CDATA["><system-out><!-- ]]> &#27; --></system-out></testcase>"#,
            ),
        ] {
            assert_eq!(control_warning(&cdata), None, "{cdata}");
        }
        // After the point where a malformed file stops being read.
        let broken = suite(r#"<testcase name="a"/></testsuite>&#27;<x>"#);
        assert!(control_warning(&broken).is_some(), "{broken}");
        // None: an allowed reference, references in CDATA and comments, no reference.
        for none in [
            suite(r#"<testcase name="a&#10;"><system-out>&#9;</system-out></testcase>"#),
            suite(
                r#"<testcase name="a"><system-out><![CDATA[&#27;]]><!-- &#27; --></system-out></testcase>"#,
            ),
            suite(r#"<testcase name="a"/>"#),
        ] {
            assert_eq!(control_warning(&none), None, "{none}");
        }
    }

    #[test]
    fn the_control_warning_comes_after_the_decoders_notes_and_before_the_readers() {
        // A byte that is not UTF-8 (a decoder's note), a raw ESC, then a testcase without a
        // name (the reader's warning).
        let mut xml = b"<testsuite name=\"s\"><testcase name=\"a\"><system-out>\xff\x1b</system-out></testcase>".to_vec();
        xml.extend_from_slice(b"<testcase/></testsuite>");
        let out = read_report("r.xml", &xml);
        let messages: Vec<&str> = out.diagnostics.iter().map(|d| d.message.as_str()).collect();
        let at = |needle: &str| {
            messages
                .iter()
                .position(|m| m.contains(needle))
                .unwrap_or_else(|| panic!("no {needle:?} in {messages:?}"))
        };
        assert!(at("control character(s)") > 0, "{messages:?}");
        assert!(
            at("control character(s)") < at("has no name"),
            "{messages:?}"
        );
    }

    #[test]
    fn forbidden_bytes_flags_every_byte_among_any_neighbours() {
        // Every byte value at every position, among neighbours that are allowed controls,
        // forbidden ones, zero, ASCII and high bytes.
        for filler in [0x00, 0x01, 0x0A, 0x1F, 0x20, 0x7F, 0x80, 0xE0, 0xFF] {
            for at in 0..8 {
                for b in 0..=255u8 {
                    let mut bytes = [filler; 8];
                    bytes[at] = b;
                    let flags = forbidden_bytes(u64::from_le_bytes(bytes)).to_le_bytes();
                    let expected = bytes.map(|b| if forbidden_byte(b) { 0x80 } else { 0 });
                    assert_eq!(flags, expected, "{bytes:02x?}");
                }
            }
        }
    }

    proptest! {
        /// Each byte's flag is exact: no byte's value changes another's.
        #[test]
        fn forbidden_bytes_flags_exactly_the_forbidden_ones(bytes in any::<[u8; 8]>()) {
            let flags = forbidden_bytes(u64::from_le_bytes(bytes)).to_le_bytes();
            for (b, flag) in bytes.iter().zip(flags) {
                prop_assert_eq!(flag == 0x80, forbidden_byte(*b), "byte {:#04x}", b);
                prop_assert!(flag == 0 || flag == 0x80);
            }
        }

        #[test]
        fn raw_control_agrees_with_the_definition(bytes in proptest::collection::vec(any::<u8>(), 0..80)) {
            prop_assert_eq!(
                has_raw_control(&bytes),
                bytes.iter().any(|&b| forbidden_byte(b))
            );
        }
    }
}
