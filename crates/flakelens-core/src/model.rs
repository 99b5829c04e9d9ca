//! The data one JUnit report yields: a [`Run`] of [`TestCase`]s.

use serde::{Deserialize, Serialize};

/// The outcome of one test in one run.
///
/// When a testcase carries several result children the precedence is
/// error > failure > skipped > passed, as in the JUnit XML conventions of Jenkins and Ant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Ran and passed: no `<failure>`, `<error>` or `<skipped>` child.
    Passed,
    /// Ran and failed an assertion: a `<failure>` child.
    Failed,
    /// Ran and raised an unexpected error: an `<error>` child.
    Errored,
    /// Did not run: a `<skipped>` child.
    Skipped,
}

impl Outcome {
    /// True for [`Outcome::Failed`] and [`Outcome::Errored`].
    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Errored)
    }

    /// True when the test ran: passed, failed or errored.
    pub fn is_executed(self) -> bool {
        !matches!(self, Outcome::Skipped)
    }

    /// The lowercase name used in JSON and in the page.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Errored => "errored",
            Outcome::Skipped => "skipped",
        }
    }
}

/// Which result element a [`Failure`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureKind {
    /// A `<failure>` element: an assertion failed.
    Failure,
    /// An `<error>` element: an unexpected exception.
    Error,
}

/// One `<failure>` or `<error>` element of a testcase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Which element it was.
    pub kind: FailureKind,
    /// The `message` attribute, if present.
    pub message: Option<String>,
    /// The `type` attribute (often an exception class), if present.
    #[serde(rename = "type")]
    pub failure_type: Option<String>,
    /// The element's text (usually a stack trace), with CDATA sections joined; empty when absent.
    pub body: String,
}

/// The identity of a test: innermost suite name, classname and name.
///
/// The same classname and name in two suites (for example two browsers or two projects) are
/// two tests. When a testcase has no `classname` (or an empty one), the innermost suite name
/// stands in for it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct TestKey {
    /// Name of the innermost enclosing `<testsuite>`; empty when it has none.
    pub suite: String,
    /// The `classname` attribute, or the suite name when it is missing or empty.
    pub classname: String,
    /// The `name` attribute.
    pub name: String,
}

impl TestKey {
    /// The display id: `suite/classname::name`.
    pub fn id(&self) -> String {
        format!("{}/{}::{}", self.suite, self.classname, self.name)
    }
}

/// One `<testcase>` element as read from one report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    /// Who the test is.
    pub key: TestKey,
    /// The outcome, by the precedence error > failure > skipped > passed.
    pub outcome: Outcome,
    /// The `time` attribute in seconds, when present and readable.
    pub time_seconds: Option<f64>,
    /// Every `<failure>` and `<error>` child, in document order.
    pub failures: Vec<Failure>,
    /// The `message` attribute of a `<skipped>` child, if any.
    pub skip_message: Option<String>,
}

/// One JUnit report file: one run of the suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// The file name as given to the reader.
    pub file: String,
    /// Every `<testcase>` element, in document order.
    pub testcases: Vec<TestCase>,
    /// True when the file was malformed and only the testcases read before the fault are kept.
    pub partial: bool,
}
