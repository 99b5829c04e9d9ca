//! Reading JUnit XML reports.
//!
//! # Architecture
//!
//! [`read_report`] takes the bytes of one file, decodes them to text (`decode.rs`: byte-order
//! marks, declared encodings) and streams the text through quick-xml's pull parser. It keeps a
//! stack of open elements (never a DOM, and never recursion, so deep nesting cannot overflow
//! the stack) and builds one [`TestCase`](crate::TestCase) per test identity, from the
//! `<testcase>` elements found at any depth under a `<testsuites>`, `<testsuite>` or
//! `<testrun>` root. Reruns inside the run become [`Attempt`](crate::Attempt)s. Suite
//! attributes such as `tests=` are never used for counting. `dialect.rs` guesses the producer
//! from signals gathered on the way; `values.rs` reads times and timestamps leniently.
//!
//! Reading never fails: every fault becomes a [`Diagnostic`](crate::Diagnostic). A malformed
//! file keeps the testcases read before the fault and is marked partial; a file that is not a
//! JUnit report yields no run and an error diagnostic. External entities are never resolved.

mod decode;
mod dialect;
mod reader;
mod values;

pub use decode::{set_legacy_decoder, LegacyDecoder};
pub use dialect::Dialect;
pub use reader::{read_report, read_report_interned, ReadOutput};
pub use values::{parse_seconds, parse_timestamp, SecondsValue, Timestamp, TimestampValue};
