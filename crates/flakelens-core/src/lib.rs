//! # flakelens-core
//!
//! The pure analysis core of flakelens. It reads JUnit XML reports of many runs of one test
//! suite and says, per test, what happened in every run and whether the test is flaky.
//!
//! # Overview
//!
//! - [`junit::read_report`] stream-parses one JUnit XML document (the bytes of one file, which
//!   is one run) into a [`Run`] plus [`Diagnostic`]s. It never panics and never fails: bad
//!   input becomes diagnostics that name the file, line and column.
//! - [`Analysis::from_runs`] joins runs by test identity and computes per-test outcomes,
//!   counts, failure rates and verdicts, per-run counts, and suite-wide consistency.
//!
//! The crate does no I/O and reads no clock: it takes bytes and returns data, so the browser
//! app and the native CLI share it unchanged.
//!
//! # Examples
//!
//! ```
//! use flakelens_core::{junit, Analysis, Verdict};
//!
//! let run1 = br#"<testsuite name="s"><testcase classname="C" name="t" time="0.5"/></testsuite>"#;
//! let run2 = br#"<testsuite name="s"><testcase classname="C" name="t"><failure message="boom"/></testcase></testsuite>"#;
//! let reads = vec![junit::read_report("run1.xml", run1), junit::read_report("run2.xml", run2)];
//! let analysis = Analysis::from_reads(reads);
//! assert_eq!(&*analysis.tests[0].id, "s/C::t");
//! assert_eq!(analysis.tests[0].verdict, Verdict::Flaky);
//! assert_eq!(analysis.tests[0].failure_rate, Some(0.5));
//! ```
#![warn(missing_docs)]

mod analysis;
mod attempts;
pub mod audit;
pub mod categories;
mod diagnostic;
mod durations;
pub mod format;
pub mod generate;
pub mod input;
pub mod junit;
pub mod metrics;
mod model;
pub mod options;
mod positions;
mod prepare;
pub mod report;
pub mod share;
mod text;
mod u32_per_run;
mod words;

pub use analysis::{
    Analysis, AttemptDetail, Counts, FailureExample, IncrementalAnalysis, JoinedRuns, RunDetail,
    RunSummary, TestSummary, Totals, Verdict,
};
pub use attempts::AttemptsPerRun;
pub use diagnostic::{Diagnostic, Severity};
pub use durations::DurationsPerRun;
pub use model::{
    Attempt, Failure, FailureKind, Interner, Outcome, Property, Run, TestCase, TestKey,
};
pub use options::{AnalysisOptions, IdentityOptions, RunOrder, SuitePart};
pub use positions::CasePositions;
pub use text::{DetailTexts, SharedText};
