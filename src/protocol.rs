//! The messages between the page (`engine.rs`) and its worker (`worker.rs`, run by
//! `src/bin/flakelens-worker.rs`): what the page asks, what the engine answers.
//!
//! Both binaries compile this module; only the worker compiles the engine itself, so the
//! page's wasm carries none of the reading and analysis code.
//!
//! Messages cross the worker boundary as bincode. The core's types skip empty fields when
//! serialized, which bincode cannot read back, so they travel as JSON text inside the
//! bincode message; except the tests of an analysis, the bulk of what the page receives,
//! which travel as bincode of their own (`flakelens-wire`).

use flakelens_core::audit::{Criteria, CriterionResult, Generator, Privacy, SummaryTables};
use flakelens_core::share::Fit;
use serde::{Deserialize, Serialize};

/// The bytes of one part of a message, copied once into wasm memory: a `Uint8Array` (a
/// request, a reply, the tests beside a reply) or an `ArrayBuffer` (a file's bytes, sent or
/// read again; a share link as the browser compressed it).
/// `Uint8Array::new` on a `Uint8Array` copies it in JavaScript first: in the page's CPU
/// profile of a load of 100,000 tests × 20 runs (`bench/browser/profile-worker.mjs --page`;
/// BENCHMARKS.md, "One UTF-8 check, one copy of each message"), that second copy of the
/// chunks of tests took about 100 ms of the main thread.
#[cfg(target_arch = "wasm32")]
pub fn bytes_of(part: &wasm_bindgen::JsValue) -> Vec<u8> {
    use wasm_bindgen::JsCast;
    match part.dyn_ref::<js_sys::Uint8Array>() {
        Some(array) => array.to_vec(),
        None => js_sys::Uint8Array::new(part).to_vec(),
    }
}

/// A request to the engine.
#[derive(Debug, Serialize, Deserialize)]
pub enum Request {
    /// Answered with [`Reply::Ready`]: the worker has started.
    Ping,
    /// Answered with [`Reply::Ready`] once the worker has read, joined and analyzed a few
    /// small reports it makes itself, and let go of them: sent when the user starts to pick
    /// or drag files, so that the browser has compiled the hot code with its optimizing
    /// compiler before the files come. Changes nothing the engine holds.
    WarmUp,
    /// Read one file; its runs are staged until [`Request::Commit`].
    Parse {
        /// The name to show for the file (its path inside a dropped folder).
        name: String,
        /// How many files the load it is part of has: the expected number of runs, which
        /// sizes the first analysis's per-run vectors once.
        load_files: usize,
        /// False when the load will replace the runs held (the example): its names need not
        /// differ from theirs. Runs are told apart by file name (labels, exclusions, the runs
        /// table), so a file named like one held or staged before it is renamed.
        keeps_held: bool,
        /// Its bytes (dropped as soon as read). Not encoded: they travel beside the message
        /// as a transferred `ArrayBuffer` (see `engine.rs`), so no one copies them byte by byte.
        #[serde(skip)]
        bytes: Vec<u8>,
        /// The picked or dropped file itself (a `File` is a `Blob`), posted beside the
        /// message, not encoded: the engine keeps it to read the file again, instead of a
        /// copy of its bytes. `None` for fetched files, whose bytes the engine copies.
        #[serde(skip)]
        file: Option<web_sys::Blob>,
    },
    /// Read an audit (nothing else) of at most `limit` bytes: a hosted `?audit=` URL.
    ParseAudit {
        /// Its bytes, beside the message like [`Request::Parse`]'s.
        #[serde(skip)]
        bytes: Vec<u8>,
        /// The size limit in bytes.
        limit: usize,
    },
    /// Add the staged runs to the held ones, after replacing the held ones as `base` says.
    Commit(Base),
    /// Forget every run (held and staged).
    Clear,
    /// Analyze the held runs with these options (`AnalysisOptions` as JSON); answered with
    /// [`Reply::Analyzed`], then the tests come with [`Request::Tests`].
    Analyze(String),
    /// The tests of the last analysis from `start` on, as the page shows them: at most 750,
    /// and no more once they pass 1 MiB (at least one; the worker's `TESTS_PER_CHUNK` and
    /// `CHUNK_BYTES`).
    Tests {
        /// The first test's index.
        start: usize,
    },
    /// The runs in detail (stack traces and outputs included) and the durations per run of
    /// the test with this id: what [`Reply::Tests`] leaves out.
    Details(String),
    /// An audit as JSON ([`Reply::AuditJson`]): `of` with the text `privacy` allows.
    Audit {
        /// Which audit.
        of: AuditOf,
        /// The text it may hold.
        privacy: Privacy,
    },
    /// The fragment of a share link ([`Reply::ShareLink`]): `of` (all its text) fitted by
    /// `flakelens_core::share::ShareFitting` with the text `privacy` allows, stripped to fit
    /// the link budget, and compressed by the browser's `CompressionStream`.
    ShareLink {
        /// Which audit.
        of: AuditOf,
        /// The text it may hold.
        privacy: Privacy,
    },
    /// What a single-file report of `of` with the text `privacy` allows embeds
    /// ([`Reply::SingleFile`]). The page makes the report of it and its own files: the
    /// worker's wasm then holds neither the report's template nor SHA-256.
    SingleFile {
        /// Which audit.
        of: AuditOf,
        /// The text it may hold.
        privacy: Privacy,
    },
    /// Remove every system-out and system-err from the held runs (to save memory).
    DropOutputs,
    /// Parse a rules file (flakelens JSON or Allure `categories.json`) and compile its
    /// rules: answered with [`Reply::Rules`].
    CheckRules(String),
    /// Read the audit a single-file report embeds (its JSON text, untrusted): answered with
    /// [`Reply::Audit`] or [`Reply::AuditError`].
    ReadAudit(String),
    /// Read the audit of a share link from the page's fragment (`#...audit=...`): answered
    /// with [`Reply::Audit`], [`Reply::AuditError`], or [`Reply::NoAudit`] when the fragment
    /// holds no share link after all.
    SharedAudit(String),
}

/// What replaces the held runs before staged runs are added.
#[derive(Debug, Serialize, Deserialize)]
pub enum Base {
    /// Keep them.
    Keep,
    /// Drop them.
    Clear,
    /// Replace them with the runs of this audit (JSON).
    Audit(String),
}

/// Which audit a request means.
#[derive(Debug, Serialize, Deserialize)]
pub enum AuditOf {
    /// The audit of the last analysis, with these criteria (`Criteria` as JSON) and title.
    Analysis {
        /// `Criteria` as JSON.
        criteria: String,
        /// The audit's title.
        title: Option<String>,
    },
    /// This audit, as JSON (a summary-only audit the page shows, as [`Reply::Audit`] carried
    /// it).
    Json(String),
}

/// What the page shows of an audit besides its analysis: the audit's other fields, less its
/// schema, privacy and extensions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuditMeta {
    /// Who wrote the audit.
    pub generator: Generator,
    /// The audit's title.
    pub title: Option<String>,
    /// The evaluated criteria, as stored.
    pub criteria: Vec<CriterionResult>,
    /// The criteria configuration.
    pub criteria_config: Criteria,
    /// A summary-only audit's tables.
    pub summary: Option<SummaryTables>,
}

/// The engine's answer to one [`Request`].
#[derive(Debug, Serialize, Deserialize)]
pub enum Reply {
    /// The answer to [`Request::Ping`].
    Ready,
    /// A file was read as reports (or none).
    Reads {
        /// Its diagnostics, `Vec<Diagnostic>` as JSON.
        diagnostics: String,
        /// How many runs it gave (staged).
        runs: usize,
    },
    /// The file was a flakelens audit, read without error.
    Audit {
        /// The audit as JSON. Its analysis is read from it as an `Analysis` (which ignores
        /// the audit's other keys), so the page never decodes an `Audit`.
        json: String,
        /// [`AuditMeta`] as JSON.
        meta: String,
    },
    /// The file looked like an audit but could not be read, or the audit, share link or
    /// single file asked for could not be made: why.
    AuditError(String),
    /// Done; the totals the engine holds now.
    Held(Held),
    /// The analysis without its tests (`Analysis` as JSON with `tests` empty), how many tests
    /// it has, and the file names of every held run (excluded ones too), in order.
    Analyzed {
        /// `Analysis` as JSON, `tests` empty.
        head: String,
        /// `analysis.tests.len()`.
        tests: usize,
        /// Every held run's file name.
        run_files: Vec<String>,
    },
    /// A chunk of tests, stack traces and outputs left out.
    Tests {
        /// The tests, each written by `wire::encode_test` (read with `wire::decode_tests`).
        /// Not encoded: they travel beside the message as a transferred buffer
        /// ([`Reply::payload_mut`]), so they are copied once on each side, not twice.
        #[serde(skip)]
        tests: Vec<u8>,
        /// The index after the last test in it: where the next chunk starts (it holds the
        /// tests from the `start` asked for to here).
        end: usize,
    },
    /// [`TestRuns`] as JSON; `null` when no test has that id.
    Details(String),
    /// An audit as JSON text.
    AuditJson(String),
    /// A share link's fragment (`audit=...`, without the `#`) and how it was made to fit.
    ShareLink {
        /// The fragment.
        fragment: String,
        /// Whole, stripped of messages and output, or too large even so.
        fit: Fit,
    },
    /// What a single-file report embeds: the audit as JSON, and the report's title
    /// (`flakelens_core::report::report_title`).
    SingleFile {
        /// The audit as JSON, made embeddable (`flakelens_core::report::embeddable_json`).
        json: String,
        /// The report's title.
        title: String,
    },
    /// The rules of [`Request::CheckRules`] (`RulesFile` as JSON), or why they cannot be
    /// applied (the parser's message, or the compiler's naming the rule).
    Rules(Result<String, String>),
    /// The fragment of [`Request::SharedAudit`] holds no audit.
    NoAudit,
}

impl Reply {
    /// The bytes that travel beside the message (a chunk of tests'), if any.
    pub fn payload_mut(&mut self) -> Option<&mut Vec<u8>> {
        match self {
            Reply::Tests { tests, .. } => Some(tests),
            _ => None,
        }
    }
}

/// What the engine holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Held {
    /// Runs held.
    pub runs: usize,
    /// Bytes of every file read into the held runs (as read, before inflating).
    pub input_bytes: u64,
    /// True once outputs were dropped with [`Request::DropOutputs`].
    pub outputs_dropped: bool,
}

/// A test's runs in detail and its durations per run ([`Reply::Details`]): the fields of its
/// `TestSummary` that the chunks of [`Reply::Tests`] leave out.
// The page reads it and the worker writes it: each binary uses one of the two.
#[allow(dead_code)]
#[derive(Debug, Deserialize)]
pub struct TestRuns {
    /// Per run, what happened when the test failed or was retried there
    /// (`TestSummary::details`).
    pub details: Vec<Option<flakelens_core::RunDetail>>,
    /// Per run, the test's time in seconds (`TestSummary::durations_seconds`).
    pub durations_seconds: flakelens_core::DurationsPerRun,
}

/// [`TestRuns`] of `test` as JSON, written without a `Serialize` of its own (the worker has
/// the fields' encoders already).
#[allow(dead_code)]
pub fn test_runs_json(test: &flakelens_core::TestSummary) -> String {
    let details = serde_json::to_string(&test.details).unwrap_or_else(|_| "[]".to_owned());
    let durations =
        serde_json::to_string(&test.durations_seconds).unwrap_or_else(|_| "[]".to_owned());
    format!("{{\"details\":{details},\"durations_seconds\":{durations}}}")
}

// Run in Chromium with the component tests: `tests/web.rs` compiles this module in.
#[cfg(test)]
mod tests {
    use super::*;
    use flakelens_wire::testing::analysis;
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn a_tests_runs_read_back_as_the_worker_wrote_them() {
        let analysis = analysis();
        let test = analysis
            .tests
            .iter()
            .find(|t| {
                t.details.iter().flatten().count() >= 2
                    && t.durations_seconds.iter().any(|d| d.is_some())
            })
            .expect("a test with runs in detail and durations");
        let runs: TestRuns = serde_json::from_str(&test_runs_json(test)).expect("JSON");
        assert_eq!(runs.details, test.details);
        assert_eq!(runs.durations_seconds, test.durations_seconds);
        // A test the worker does not have: `null`, read as none.
        let none: Option<TestRuns> = serde_json::from_str("null").expect("JSON");
        assert!(none.is_none());
    }
}
