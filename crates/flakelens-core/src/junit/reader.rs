//! The streaming JUnit XML reader.

use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::values::{parse_seconds, SecondsValue};
use crate::diagnostic::{line_column, Diagnostic, Severity};
use crate::model::{Failure, FailureKind, Outcome, Run, TestCase, TestKey};

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
/// `file` is the name used in the run and in diagnostics. The input must be UTF-8 (a leading
/// byte-order mark is skipped). Testcases are found at any nesting depth under a root
/// `<testsuites>` or `<testsuite>`; counts come from `<testcase>` elements only.
///
/// This function never panics and never fails. Faults become diagnostics with 1-based line
/// and column:
/// - malformed XML: an error naming what was expected; the testcases read before the fault
///   are kept and the run is marked [`Run::partial`];
/// - a root element other than `<testsuites>`/`<testsuite>`, or no markup at all: an error
///   "not a JUnit report", and no run;
/// - reinterpreted values (such as `time="1,234.5"`): warnings.
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
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let (line, column) = line_column(bytes, e.valid_up_to());
            return ReadOutput {
                run: None,
                diagnostics: vec![Diagnostic {
                    file: file.to_owned(),
                    line,
                    column,
                    severity: Severity::Error,
                    message: "invalid UTF-8: expected a UTF-8 encoded JUnit XML report".to_owned(),
                }],
            };
        }
    };
    JunitReader::new(file, text).read()
}

/// The byte offset of the `<` of a start tag whose event ended at `end`.
fn tag_start(e: &BytesStart<'_>, end: u64, empty: bool) -> u64 {
    // `<` + content + `>`, and a `/` before the `>` for an empty element.
    let len = e.len() as u64 + 2 + u64::from(empty);
    end.saturating_sub(len)
}

/// An open element on the reader's stack.
enum Frame {
    /// `<testsuites>` or `<testsuite>`, with the suite's name (empty when absent).
    Suite { name: String },
    /// An open `<testcase>`.
    TestCase(TestCaseBuilder),
    /// A `<failure>` or `<error>` inside a testcase, collecting its text.
    Result(Failure),
    /// Any other element; its content is skipped.
    Other,
}

struct TestCaseBuilder {
    key: TestKey,
    time_seconds: Option<f64>,
    status_not_run: bool,
    skipped: bool,
    skip_message: Option<String>,
    failures: Vec<Failure>,
}

impl TestCaseBuilder {
    fn finish(self) -> TestCase {
        let has = |kind| self.failures.iter().any(|f| f.kind == kind);
        let outcome = if has(FailureKind::Error) {
            Outcome::Errored
        } else if has(FailureKind::Failure) {
            Outcome::Failed
        } else if self.skipped || self.status_not_run {
            Outcome::Skipped
        } else {
            Outcome::Passed
        };
        TestCase {
            key: self.key,
            outcome,
            time_seconds: self.time_seconds,
            failures: self.failures,
            skip_message: self.skip_message,
        }
    }
}

struct JunitReader<'a> {
    file: &'a str,
    input: &'a str,
    reader: Reader<&'a [u8]>,
    stack: Vec<Frame>,
    testcases: Vec<TestCase>,
    diagnostics: Vec<Diagnostic>,
    root_seen: bool,
    root_closed: bool,
    unnamed: usize,
}

/// Why reading stopped early.
enum Stop {
    /// The file is not a JUnit report: no run.
    NotJunit,
    /// Malformed XML: keep what was read, mark it partial.
    Malformed,
}

impl<'a> JunitReader<'a> {
    fn new(file: &'a str, input: &'a str) -> Self {
        let mut reader = Reader::from_str(input);
        let config = reader.config_mut();
        config.check_end_names = true;
        config.check_comments = false;
        config.allow_dangling_amp = true;
        JunitReader {
            file,
            input,
            reader,
            stack: Vec::new(),
            testcases: Vec::new(),
            diagnostics: Vec::new(),
            root_seen: false,
            root_closed: false,
            unnamed: 0,
        }
    }

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
                Event::Text(t) => {
                    let content = t.xml10_content();
                    self.text(&content, at)
                }
                Event::CData(t) => {
                    let content = t.xml10_content();
                    self.text(&content, at)
                }
                Event::GeneralRef(r) => self.reference(&r, at),
                Event::Eof => break self.eof(),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => Ok(()),
            };
            if let Err(stop) = step {
                break Some(stop);
            }
        };
        match stop {
            Some(Stop::NotJunit) => ReadOutput {
                run: None,
                diagnostics: self.diagnostics,
            },
            Some(Stop::Malformed) if !self.root_seen => ReadOutput {
                run: None,
                diagnostics: self.diagnostics,
            },
            partial => {
                let partial = matches!(partial, Some(Stop::Malformed));
                // A truncated file: close the testcases still open so none read is lost.
                while let Some(frame) = self.stack.pop() {
                    self.close(frame);
                }
                ReadOutput {
                    run: Some(Run {
                        file: self.file.to_owned(),
                        testcases: self.testcases,
                        partial,
                    }),
                    diagnostics: self.diagnostics,
                }
            }
        }
    }

    /// Handles a start tag whose `<` is at byte `at`.
    fn start(&mut self, e: &BytesStart<'_>, at: u64, empty: bool) -> Result<(), Stop> {
        let name = e.name();
        let name = name.as_ref();
        if !self.root_seen {
            if name != "testsuites" && name != "testsuite" {
                self.error_at(
                    at,
                    format!(
                        "not a JUnit report: the root element is <{name}>, expected <testsuites> or <testsuite>"
                    ),
                );
                return Err(Stop::NotJunit);
            }
            self.root_seen = true;
        } else if self.root_closed {
            self.error_at(
                at,
                format!("malformed XML: junk after the document element: a second root <{name}>"),
            );
            return Err(Stop::Malformed);
        }
        let frame = match (self.stack.last(), name) {
            (None | Some(Frame::Suite { .. }), "testsuites" | "testsuite") => Frame::Suite {
                name: self.attribute(e, "name", at).unwrap_or_default(),
            },
            (None | Some(Frame::Suite { .. }), "testcase") => Frame::TestCase(self.testcase(e, at)),
            (Some(Frame::TestCase(_)), "failure" | "error") => {
                let kind = if name == "failure" {
                    FailureKind::Failure
                } else {
                    FailureKind::Error
                };
                Frame::Result(Failure {
                    kind,
                    message: self.attribute(e, "message", at),
                    failure_type: self.attribute(e, "type", at),
                    body: String::new(),
                })
            }
            (Some(Frame::TestCase(_)), "skipped") => {
                let message = self.attribute(e, "message", at);
                if let Some(Frame::TestCase(tc)) = self.stack.last_mut() {
                    tc.skipped = true;
                    if tc.skip_message.is_none() {
                        tc.skip_message = message;
                    }
                }
                Frame::Other
            }
            _ => Frame::Other,
        };
        if empty {
            self.close(frame);
        } else {
            self.stack.push(frame);
        }
        Ok(())
    }

    fn testcase(&mut self, e: &BytesStart<'_>, at: u64) -> TestCaseBuilder {
        let suite = self
            .stack
            .iter()
            .rev()
            .find_map(|f| match f {
                Frame::Suite { name } => Some(name.clone()),
                _ => None,
            })
            .unwrap_or_default();
        let classname = self
            .attribute(e, "classname", at)
            .filter(|c| !c.is_empty())
            .unwrap_or_else(|| suite.clone());
        let name = match self.attribute(e, "name", at) {
            Some(name) => name,
            None => {
                self.unnamed += 1;
                let stand_in = format!("(unnamed testcase #{})", self.unnamed);
                self.warning_at(
                    at,
                    format!("<testcase> has no name attribute; kept as \"{stand_in}\""),
                );
                stand_in
            }
        };
        let time_seconds = match self.attribute(e, "time", at) {
            None => None,
            Some(raw) => match parse_seconds(&raw) {
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
            },
        };
        let status_not_run = self
            .attribute(e, "status", at)
            .is_some_and(|s| matches!(s.as_str(), "notrun" | "disabled" | "skipped"));
        TestCaseBuilder {
            key: TestKey {
                suite,
                classname,
                name,
            },
            time_seconds,
            status_not_run,
            skipped: false,
            skip_message: None,
            failures: Vec::new(),
        }
    }

    fn end(&mut self) {
        if let Some(frame) = self.stack.pop() {
            self.close(frame);
        }
        if self.stack.is_empty() {
            self.root_closed = true;
        }
    }

    /// Finishes a popped frame, handing its data to its parent.
    fn close(&mut self, frame: Frame) {
        match frame {
            Frame::TestCase(tc) => self.testcases.push(tc.finish()),
            Frame::Result(failure) => {
                if let Some(Frame::TestCase(tc)) = self.stack.last_mut() {
                    tc.failures.push(failure);
                }
            }
            Frame::Suite { .. } | Frame::Other => {}
        }
        if self.stack.is_empty() && self.root_seen {
            self.root_closed = true;
        }
    }

    fn text(&mut self, content: &str, at: u64) -> Result<(), Stop> {
        match self.stack.last_mut() {
            Some(Frame::Result(failure)) => {
                failure.body.push_str(content);
                Ok(())
            }
            None if !content.trim().is_empty() => {
                if self.root_seen {
                    self.error_at(
                        at.saturating_sub(content.len() as u64),
                        "malformed XML: text after the document element".to_owned(),
                    );
                    Err(Stop::Malformed)
                } else {
                    self.error_at(
                        at.saturating_sub(content.len() as u64),
                        "not a JUnit report: the file starts with text, expected an XML document with a <testsuites> or <testsuite> root".to_owned(),
                    );
                    Err(Stop::NotJunit)
                }
            }
            _ => Ok(()),
        }
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
                    at,
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
            Frame::Other => "element",
        })
    }

    /// The unescaped value of attribute `key`, or `None` when absent. A malformed attribute
    /// is reported and skipped.
    fn attribute(&mut self, e: &BytesStart<'_>, key: &str, at: u64) -> Option<String> {
        let mut found = None;
        let mut problem = None;
        for attr in e.attributes().with_checks(false) {
            match attr {
                Ok(attr) if attr.key.as_ref() == key => {
                    found = Some(match attr.normalized_value(XmlVersion::Implicit1_0) {
                        Ok(v) => v.into_owned(),
                        Err(err) => {
                            problem =
                                Some(format!("attribute {key}: {err}; the raw value is kept"));
                            attr.value.to_string()
                        }
                    });
                    break;
                }
                Ok(_) => {}
                Err(err) => {
                    problem = Some(format!("malformed attribute: {err}"));
                    break;
                }
            }
        }
        if let Some(problem) = problem {
            self.warning_at(at, problem);
        }
        found
    }

    fn error_at(&mut self, offset: u64, message: String) {
        self.push_diagnostic(offset, Severity::Error, message);
    }

    fn warning_at(&mut self, offset: u64, message: String) {
        self.push_diagnostic(offset, Severity::Warning, message);
    }

    fn push_diagnostic(&mut self, offset: u64, severity: Severity, message: String) {
        let offset = usize::try_from(offset).unwrap_or(usize::MAX);
        let (line, column) = line_column(self.input.as_bytes(), offset);
        self.diagnostics.push(Diagnostic {
            file: self.file.to_owned(),
            line,
            column,
            severity,
            message,
        });
    }
}
