//! The engine: it reads files, keeps the runs and analyzes them, in the worker.
//!
//! Only the worker (`src/bin/flakelens-worker.rs`) compiles this module: it runs one
//! [`Engine`] for the page's whole life and answers each [`Request`] with one [`Reply`], in
//! order; the page (`engine.rs`) sends the requests (`protocol.rs`) and never runs the engine
//! itself, so no reading or analysis code is in the page's wasm.
//!
//! The engine keeps every run read (never a file's bytes), the last analysis in full, and
//! sends the page only what it renders: the analysis without stack traces and outputs, in
//! chunks of tests (so no task on the page decodes more than one chunk); a test's full
//! details when its detail panel opens; an audit when one is saved or shared.

use flakelens_core::audit::{
    gzipped_audit, looks_like_audit, runs_of, Audit, Criteria, Privacy, MAX_AUDIT_BYTES,
};
use flakelens_core::input::read_input_interned;
use flakelens_core::share::{decode_fragment, ShareError};
use flakelens_core::{Analysis, AnalysisOptions, Diagnostic, Interner, Run};
use flakelens_core::{AttemptDetail, RunDetail, TestSummary};

use crate::protocol::{Base, Held, Reply, Request, TESTS_PER_CHUNK};

/// The runs read, and the last analysis of them.
#[derive(Default)]
pub struct Engine {
    runs: Vec<Run>,
    staged: Vec<Run>,
    staged_bytes: u64,
    held: Held,
    analysis: Option<Analysis>,
    /// Test identities shared across the runs held: each suite, classname and name is
    /// allocated once, not once per run.
    interner: Interner,
}

impl Request {
    /// The bytes that travel beside the message (a file's), if any.
    pub fn payload_mut(&mut self) -> Option<&mut Vec<u8>> {
        match self {
            Request::Parse { bytes, .. } | Request::ParseAudit { bytes, .. } => Some(bytes),
            _ => None,
        }
    }
}

impl Engine {
    /// Answers one request. Never fails; faults are diagnostics or messages.
    pub fn handle(&mut self, request: Request) -> Reply {
        match request {
            Request::Ping => Reply::Ready,
            Request::Parse { name, bytes } => self.parse(&name, bytes),
            Request::ParseAudit { bytes, limit } => parse_audit(bytes, limit),
            Request::Commit(base) => {
                match base {
                    Base::Keep => {}
                    Base::Clear => self.forget_held(),
                    Base::Audit(json) => {
                        self.forget_held();
                        if let Ok(audit) = serde_json::from_str::<Audit>(&json) {
                            self.runs = runs_of(&audit);
                            // Shown as written until an option changes.
                            self.analysis = Some(audit.analysis);
                        }
                    }
                }
                self.runs.append(&mut self.staged);
                self.held.input_bytes += std::mem::take(&mut self.staged_bytes);
                self.held.runs = self.runs.len();
                Reply::Held(self.held)
            }
            Request::Clear => {
                self.forget_held();
                self.staged.clear();
                self.staged_bytes = 0;
                Reply::Held(self.held)
            }
            Request::Analyze(options) => self.analyze(&options),
            Request::Tests { start } => Reply::Tests(self.tests_chunk(start)),
            Request::Details(id) => {
                let details = self
                    .analysis
                    .as_ref()
                    .and_then(|a| a.tests.iter().find(|t| t.id == id))
                    .map(|t| &t.details);
                Reply::Details(serde_json::to_string(&details).unwrap_or_default())
            }
            Request::Audit {
                criteria,
                title,
                messages,
                output,
            } => {
                let criteria: Criteria = serde_json::from_str(&criteria).unwrap_or_default();
                let analysis = self
                    .analysis
                    .clone()
                    .unwrap_or_else(|| Analysis::from_runs(&[], Vec::new()));
                let mut audit = Audit::new(analysis, criteria, Privacy { messages, output });
                audit.title = title;
                Reply::AuditJson(audit.to_json())
            }
            Request::ReadAudit(text) => match Audit::from_json(text.trim()) {
                Ok(audit) => Reply::Audit(serde_json::to_string(&audit).unwrap_or_default()),
                Err(e) => Reply::AuditError(e.to_string()),
            },
            Request::SharedAudit(fragment) => shared_audit(&fragment),
            Request::DropOutputs => {
                for run in self.runs.iter_mut().chain(self.staged.iter_mut()) {
                    for case in &mut run.testcases {
                        for attempt in &mut case.attempts {
                            attempt.system_out = None;
                            attempt.system_err = None;
                        }
                    }
                }
                if let Some(analysis) = self.analysis.as_mut() {
                    for test in &mut analysis.tests {
                        for detail in test.details.iter_mut().flatten() {
                            for attempt in &mut detail.attempts {
                                attempt.stdout = None;
                                attempt.stderr = None;
                            }
                        }
                    }
                }
                self.held.outputs_dropped = true;
                Reply::Held(self.held)
            }
        }
    }

    fn forget_held(&mut self) {
        self.runs = Vec::new();
        self.analysis = None;
        self.held = Held::default();
        self.interner = Interner::default();
    }

    /// Reads one file like the page always has: a flakelens audit by its content, anything
    /// else with [`read_input_interned`] (JUnit XML, CTRF, zip, gzip).
    fn parse(&mut self, name: &str, bytes: Vec<u8>) -> Reply {
        let bytes = gzipped_audit(&bytes, MAX_AUDIT_BYTES).unwrap_or(bytes);
        if looks_like_audit(&bytes) {
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            return match Audit::from_json(text.trim_start_matches('\u{feff}')) {
                Ok(audit) => {
                    drop(text);
                    Reply::Audit(serde_json::to_string(&audit).unwrap_or_default())
                }
                Err(e) => Reply::AuditError(format!("cannot read the audit: {e}")),
            };
        }
        let size = bytes.len() as u64;
        let reads = read_input_interned(name, &bytes, &mut self.interner);
        drop(bytes);
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        let mut runs = 0;
        for read in reads {
            diagnostics.extend(read.diagnostics);
            if let Some(mut run) = read.run {
                if self.held.outputs_dropped {
                    strip_run_outputs(&mut run);
                }
                self.staged.push(run);
                runs += 1;
            }
        }
        if runs > 0 {
            self.staged_bytes += size;
        }
        Reply::Reads {
            diagnostics: serde_json::to_string(&diagnostics).unwrap_or_else(|_| "[]".to_owned()),
            runs,
        }
    }

    fn analyze(&mut self, options: &str) -> Reply {
        let options: AnalysisOptions = serde_json::from_str(options).unwrap_or_default();
        self.analysis = None;
        let analysis = Analysis::from_runs_with(&self.runs, Vec::new(), &options);
        let head = Analysis {
            options: analysis.options.clone(),
            runs: analysis.runs.clone(),
            tests: Vec::new(),
            totals: analysis.totals.clone(),
            consistency: analysis.consistency.clone(),
            groups: analysis.groups.clone(),
            comparisons: analysis.comparisons.clone(),
            clusters: analysis.clusters.clone(),
            category_list: analysis.category_list.clone(),
            categories: analysis.categories.clone(),
            suite_tree: analysis.suite_tree.clone(),
            diagnostics: analysis.diagnostics.clone(),
        };
        let reply = Reply::Analyzed {
            head: serde_json::to_string(&head).unwrap_or_default(),
            tests: analysis.tests.len(),
            run_files: self.runs.iter().map(|r| r.file.clone()).collect(),
        };
        self.analysis = Some(analysis);
        reply
    }

    fn tests_chunk(&self, start: usize) -> String {
        let Some(analysis) = &self.analysis else {
            return "[]".to_owned();
        };
        let end = analysis
            .tests
            .len()
            .min(start.saturating_add(TESTS_PER_CHUNK));
        let chunk: Vec<TestSummary> = analysis
            .tests
            .get(start..end)
            .unwrap_or_default()
            .iter()
            .map(shown_test)
            .collect();
        serde_json::to_string(&chunk).unwrap_or_else(|_| "[]".to_owned())
    }
}

/// A test as the page's lists show it: stack traces and outputs left out (the detail panel
/// asks for them with [`Request::Details`]); messages stay, for the search.
pub fn shown_test(test: &TestSummary) -> TestSummary {
    let details = test
        .details
        .iter()
        .map(|d| {
            d.as_ref().map(|d| RunDetail {
                status: d.status,
                retries: d.retries,
                flaky: d.flaky,
                attempts: d
                    .attempts
                    .iter()
                    .map(|a| AttemptDetail {
                        attempt: a.attempt,
                        status: a.status,
                        duration_seconds: a.duration_seconds,
                        message: a.message.clone(),
                        failure_type: a.failure_type.clone(),
                        trace: None,
                        stdout: None,
                        stderr: None,
                    })
                    .collect(),
            })
        })
        .collect();
    TestSummary {
        id: test.id.clone(),
        suite: test.suite.clone(),
        classname: test.classname.clone(),
        name: test.name.clone(),
        file: test.file.clone(),
        outcomes: test.outcomes.clone(),
        attempts: test.attempts.clone(),
        counts: test.counts,
        failure_rate: test.failure_rate,
        verdict: test.verdict,
        first_failure: test.first_failure.clone(),
        flaky_in_run: test.flaky_in_run.clone(),
        durations_seconds: test.durations_seconds.clone(),
        metrics: test.metrics.clone(),
        flags: test.flags.clone(),
        categories: test.categories.clone(),
        signals: test.signals.clone(),
        case_index: test.case_index.clone(),
        details,
    }
}

fn strip_run_outputs(run: &mut Run) {
    for case in &mut run.testcases {
        for attempt in &mut case.attempts {
            attempt.system_out = None;
            attempt.system_err = None;
        }
    }
}

/// Reads `bytes` as an audit of at most `limit` bytes.
pub fn parse_audit(bytes: Vec<u8>, limit: usize) -> Reply {
    if bytes.len() > limit {
        return Reply::AuditError(format!(
            "the file is {} bytes, more than the limit of {limit} bytes",
            bytes.len()
        ));
    }
    if !looks_like_audit(&bytes) {
        return Reply::AuditError(
            "the file is not a flakelens audit (no \"schema\": \"flakelens-audit/1\")".to_owned(),
        );
    }
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    match Audit::from_json_limited(text.trim_start_matches('\u{feff}'), limit) {
        Ok(audit) => Reply::Audit(serde_json::to_string(&audit).unwrap_or_default()),
        Err(e) => Reply::AuditError(format!("the audit is invalid: {e}")),
    }
}

/// Reads the audit of a share link's fragment: [`Reply::NoAudit`] when `audit=` is only part
/// of another parameter (a search query, say), else the audit or why it cannot be read.
fn shared_audit(fragment: &str) -> Reply {
    let why = match decode_fragment(fragment) {
        Ok(audit) => return Reply::Audit(serde_json::to_string(&audit).unwrap_or_default()),
        Err(ShareError::Missing) => return Reply::NoAudit,
        Err(ShareError::TooLarge(limit)) => format!(
            "the shared audit is larger than the limit of {} MiB",
            limit >> 20
        ),
        Err(other) => other.to_string(),
    };
    Reply::AuditError(why)
}
