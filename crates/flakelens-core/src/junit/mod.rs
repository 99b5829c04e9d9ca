//! Reading JUnit XML reports.
//!
//! # Architecture
//!
//! [`read_report`] takes the bytes of one file and streams them through quick-xml's pull
//! parser. It keeps a stack of open elements (never a DOM, and never recursion, so deep
//! nesting cannot overflow the stack) and builds one [`TestCase`](crate::TestCase) per
//! `<testcase>` element found at any depth under a `<testsuites>` or `<testsuite>` root.
//! Suite attributes such as `tests=` are never used for counting.
//!
//! Reading never fails: every fault becomes a [`Diagnostic`](crate::Diagnostic). A malformed
//! file keeps the testcases read before the fault and is marked partial; a file that is not a
//! JUnit report yields no run and an error diagnostic. External entities are never resolved.

mod reader;
mod values;

pub use reader::{read_report, ReadOutput};
pub use values::{parse_seconds, SecondsValue};
