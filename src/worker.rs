//! The engine: it reads files, keeps the runs and analyzes them, in the worker.
//!
//! Only the worker (`src/bin/flakelens-worker.rs`) compiles this module: it runs one
//! [`Engine`] for the page's whole life and answers each [`Request`] with one [`Reply`], in
//! order; the page (`engine.rs`) sends the requests (`protocol.rs`) and never runs the engine
//! itself, so no reading or analysis code is in the page's wasm.
//!
//! The engine keeps the runs read, the last analysis in full, and sends the page only what
//! it renders: the analysis without stack traces and outputs, in
//! chunks of tests (so no task on the page decodes more than one chunk); a test's full
//! details when its detail panel opens; an audit when one is saved or shared.
//!
//! It keeps no file's runs parsed: each file is kept as the picked `File` (a reference to the
//! file on disk; a fetched file as a `Blob` copy, JavaScript's memory, which the browser may
//! page to disk), and what wasm memory keeps of its runs is their join
//! ([`JoinedRuns`]: per test, its outcome, attempts, duration and details in each run),
//! beside the last analysis. An analysis of all the join's runs is lent the join's tests
//! rather than a copy of them, and gives them back when the next analysis is made
//! ([`JoinedRuns::analysis`]), so the two are not held twice. An analysis whose options
//! differ only in what is applied after the join (confidence, thresholds, group labels,
//! rules), or that leaves more runs out, is made from the join alone
//! ([`JoinedRuns::analyze`] tells when). Any other (a run taken back
//! in after a join that left it out; files added to the held runs) reads every file again,
//! one at a time, so that memory holds about one run while the join streams through them.
//! An audit's runs are kept parsed; so is a file's when the browser refuses to make its
//! `Blob`.

use flakelens_core::audit::{
    gzipped_audit, looks_like_audit, runs_of, Audit, Criteria, Privacy, MAX_AUDIT_BYTES,
};
use flakelens_core::input::read_input_with;
use flakelens_core::junit::ReadOutput;
use flakelens_core::report::{embeddable_json, report_title};
use flakelens_core::share::{decode_fragment, ShareError, ShareFitting, SHARE_LINK_BUDGET};
use flakelens_core::{
    Analysis, AnalysisOptions, Diagnostic, IncrementalAnalysis, Interner, JoinedRuns, Run,
};
use flakelens_core::{Severity, TestSummary};

use crate::protocol::{test_runs_json, AuditMeta, AuditOf, Base, Held, Reply, Request};
use crate::wire::encode_test;

/// How many tests one [`Reply::Tests`] carries at most: small enough that the page decodes a
/// chunk in well under 100 ms even on a busy machine (set when chunks were JSON: 1,500 tests
/// took up to 190 ms on a loaded 2-core machine; as bincode (`flakelens-wire`), 750 tests of 20 runs
/// take at most 15–28 ms).
pub const TESTS_PER_CHUNK: usize = 750;

/// The size (bytes) past which a [`Reply::Tests`] takes no more tests. The flaky and broken
/// tests, ranked first, carry their failures' messages in every run: at 20,000 tests × 50
/// runs their chunks of 750 were 4 to 7 MB of JSON, which cost the page that long to decode
/// and the worker 15 MB of memory to write.
pub const CHUNK_BYTES: usize = 1 << 20;

/// Where some of the held runs come from, in the order of the runs.
enum Source {
    /// The next this-many runs of [`Engine::runs`] (or of the staged runs), kept parsed.
    Parsed(usize),
    /// A file kept as it was read, read again at each analysis.
    Stored(Stored),
}

/// A file whose runs are not kept: the picked `File` (a reference to the file on disk), or
/// for a fetched file a `Blob` copy of its bytes; either is outside wasm memory.
struct Stored {
    /// The file's name, as read.
    name: String,
    /// The file's bytes.
    blob: web_sys::Blob,
    /// The file names of the runs it gave when first read, in order.
    files: Vec<String>,
    /// Its runs lose their system-out and system-err when read again
    /// ([`Request::DropOutputs`]).
    strip_outputs: bool,
}

/// Runs in order: parsed ones and files kept as `Blob`s.
#[derive(Default)]
struct Runs {
    parsed: Vec<Run>,
    sources: Vec<Source>,
}

impl Runs {
    fn push_parsed(&mut self, run: Run) {
        self.parsed.push(run);
        match self.sources.last_mut() {
            Some(Source::Parsed(n)) => *n += 1,
            _ => self.sources.push(Source::Parsed(1)),
        }
    }

    fn append(&mut self, other: &mut Runs) {
        self.parsed.append(&mut other.parsed);
        self.sources.append(&mut other.sources);
    }

    fn len(&self) -> usize {
        self.sources
            .iter()
            .map(|s| match s {
                Source::Parsed(n) => *n,
                Source::Stored(stored) => stored.files.len(),
            })
            .sum()
    }

    /// The names of the files the runs came from (a kept file's, or a parsed run's own), and
    /// of every run.
    fn names(&self) -> std::collections::HashSet<String> {
        let mut names: std::collections::HashSet<String> = self.files().into_iter().collect();
        names.extend(self.sources.iter().filter_map(|s| match s {
            Source::Stored(stored) => Some(stored.name.clone()),
            Source::Parsed(_) => None,
        }));
        names
    }

    /// Every run's file name, in order.
    fn files(&self) -> Vec<String> {
        let mut parsed = self.parsed.iter();
        let mut files = Vec::with_capacity(self.len());
        for source in &self.sources {
            match source {
                Source::Parsed(n) => files.extend(parsed.by_ref().take(*n).map(|r| r.file.clone())),
                Source::Stored(stored) => files.extend(stored.files.iter().cloned()),
            }
        }
        files
    }

    fn drop_outputs(&mut self) {
        for run in &mut self.parsed {
            strip_run_outputs(run);
        }
        for source in &mut self.sources {
            if let Source::Stored(stored) = source {
                stored.strip_outputs = true;
            }
        }
    }
}

/// The runs read, and the last analysis of them.
#[derive(Default)]
pub struct Engine {
    runs: Runs,
    staged: Runs,
    staged_bytes: u64,
    held: Held,
    analysis: Option<Analysis>,
    /// The runs held, joined as the last analysis that read them joined them: later analyses
    /// are made from it when they can be ([`JoinedRuns::analyze`]), without reading or
    /// joining the runs again. Its tests may be lent to `analysis`: the two go together.
    joined: Option<JoinedRuns>,
    /// Test identities shared across the runs held: each suite, classname and name is
    /// allocated once, not once per run.
    interner: Interner,
    /// The analysis of the runs being staged, with default options, made as they are read
    /// when nothing is held: the load's first analysis, used by [`Request::Analyze`] when the
    /// load is committed as read and analyzed with those options (the page analyzes a new
    /// set with default options), so no file kept as a `Blob` is read twice for it.
    first_analysis: Option<IncrementalAnalysis>,
    /// The chunk of tests the page asks for next, and whether it is written yet
    /// ([`Engine::write_ahead`]). Any request but that chunk's drops it.
    ahead: Option<TestsAhead>,
}

/// The chunk of the last analysis's tests that the page asks for next. The page asks for a
/// chunk once it has the one before, and decodes that one meanwhile; the worker writes the
/// chunk before the request comes, so that the page, not a round trip, sets the pace.
enum TestsAhead {
    /// The chunk from this index on comes next; not written yet.
    Due(usize),
    /// The chunk from `start` to `end`, written ([`shown_tests`]).
    Written {
        start: usize,
        bytes: Vec<u8>,
        end: usize,
    },
}

impl Request {
    /// The bytes that travel beside the message (a file's), if any.
    pub fn payload_mut(&mut self) -> Option<&mut Vec<u8>> {
        match self {
            Request::Parse { bytes, .. } | Request::ParseAudit { bytes, .. } => Some(bytes),
            _ => None,
        }
    }

    /// Where the file posted beside the message goes (`Request::Parse`'s), if anywhere.
    pub fn file_mut(&mut self) -> Option<&mut Option<web_sys::Blob>> {
        match self {
            Request::Parse { file, .. } => Some(file),
            _ => None,
        }
    }
}

/// What the engine answers a request with.
pub enum Answer {
    /// The reply.
    Reply(Reply),
    /// A share link, still to be fitted: the worker compresses `json` with the browser's
    /// `CompressionStream` (the worker carries no deflater) and offers the fragment to the
    /// fitting, which answers with the [`Reply::ShareLink`] or the next JSON to compress.
    Share(Box<ShareFitting>, String),
}

impl Engine {
    /// Answers one request. Never fails; faults are diagnostics or messages.
    pub fn handle(&mut self, request: Request) -> Answer {
        if !matches!(request, Request::Tests { .. }) {
            // A chunk written ahead serves only the request for it; any other request may
            // change the tests, or shows the page went elsewhere. Let go of it first, so it
            // is never held beside another request's work.
            self.ahead = None;
        }
        let reply = match request {
            Request::Ping => Reply::Ready,
            Request::WarmUp => {
                warm_up();
                Reply::Ready
            }
            Request::Parse {
                name,
                load_files,
                keeps_held,
                bytes,
                file,
            } => self.parse(&name, keeps_held, load_files, bytes, file),
            Request::ParseAudit { bytes, limit } => parse_audit(bytes, limit),
            Request::Commit(base) => {
                // The first analysis is of the staged runs alone: right when they become all
                // the runs held.
                if !matches!(base, Base::Clear) && self.runs.len() > 0 {
                    self.first_analysis = None;
                }
                if self.staged.len() > 0 || !matches!(base, Base::Keep) {
                    // The runs held change.
                    self.joined = None;
                }
                match base {
                    Base::Keep => {}
                    Base::Clear => self.forget_held(),
                    Base::Audit(json) => {
                        self.first_analysis = None;
                        self.forget_held();
                        if let Ok(audit) = own_audit(&json) {
                            for run in runs_of(&audit) {
                                self.runs.push_parsed(run);
                            }
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
                self.staged = Runs::default();
                self.staged_bytes = 0;
                self.first_analysis = None;
                Reply::Held(self.held)
            }
            Request::Analyze(options) => self.analyze(&options),
            Request::Tests { start } => {
                let written = match self.ahead.take() {
                    Some(TestsAhead::Written {
                        start: written,
                        bytes,
                        end,
                    }) if written == start => Some((bytes, end)),
                    // Written for another start (or only due): let go of it before writing.
                    _ => None,
                };
                let (tests, end) = written.unwrap_or_else(|| self.tests_chunk(start));
                if end > start && end < self.tests().len() {
                    self.ahead = Some(TestsAhead::Due(end));
                }
                Reply::Tests { tests, end }
            }
            Request::Details(id) => {
                let test = self
                    .analysis
                    .as_ref()
                    .and_then(|a| a.tests.iter().find(|t| *t.id == *id));
                Reply::Details(test.map_or_else(|| "null".to_owned(), test_runs_json))
            }
            Request::Audit { of, privacy } => match self.audit(of, privacy) {
                Ok(audit) => Reply::AuditJson(audit.to_json()),
                Err(e) => Reply::AuditError(e),
            },
            Request::ShareLink { of, privacy } => match self.audit(of, Privacy::default()) {
                Ok(audit) => {
                    let (fitting, json) = ShareFitting::start(audit, privacy, SHARE_LINK_BUDGET);
                    return Answer::Share(Box::new(fitting), json);
                }
                Err(e) => Reply::AuditError(e),
            },
            Request::SingleFile { of, privacy } => match self.audit(of, privacy) {
                Ok(audit) => Reply::SingleFile {
                    title: report_title(&audit),
                    json: embeddable_json(&audit.to_json()),
                },
                Err(e) => Reply::AuditError(e),
            },
            Request::ReadAudit(text) => match Audit::from_json(text.trim()) {
                Ok(audit) => audit_reply(&audit),
                Err(e) => Reply::AuditError(e.to_string()),
            },
            Request::SharedAudit(fragment) => shared_audit(&fragment),
            Request::CheckRules(text) => Reply::Rules(
                crate::rules::parse_rules(&text)
                    .and_then(|rules| serde_json::to_string(&rules).map_err(|e| e.to_string())),
            ),
            Request::DropOutputs => {
                self.first_analysis = None;
                self.runs.drop_outputs();
                self.staged.drop_outputs();
                if let Some(joined) = self.joined.as_mut() {
                    joined.drop_outputs();
                }
                if let Some(analysis) = self.analysis.as_mut() {
                    analysis
                        .tests
                        .iter_mut()
                        .for_each(TestSummary::drop_outputs);
                }
                self.held.outputs_dropped = true;
                Reply::Held(self.held)
            }
        };
        Answer::Reply(reply)
    }

    /// The audit `of` means, with the text `privacy` allows: the last analysis's (with its
    /// stack traces and outputs, which the page's copy lacks), or the page's audit as it is.
    fn audit(&self, of: AuditOf, privacy: Privacy) -> Result<Audit, String> {
        match of {
            AuditOf::Analysis { criteria, title } => {
                let criteria: Criteria = serde_json::from_str(&criteria).unwrap_or_default();
                let analysis = self
                    .analysis
                    .clone()
                    .unwrap_or_else(|| Analysis::empty(Vec::new()));
                let mut audit = Audit::new(analysis, criteria, privacy);
                audit.title = title;
                Ok(audit)
            }
            AuditOf::Json(json) => {
                let mut audit =
                    own_audit(&json).map_err(|e| format!("the page sent garbage: {e}"))?;
                audit.restrict(privacy);
                Ok(audit)
            }
        }
    }

    fn forget_held(&mut self) {
        self.runs = Runs::default();
        self.analysis = None;
        self.joined = None;
        self.held = Held::default();
        self.interner = Interner::default();
    }

    /// `name`, or, when a file of that name is staged in this load or held (and the load
    /// `keeps_held`), `name (2)`, `name (3)`, …: the first not taken. Runs are told apart by
    /// file name, so two files of one name (`junit.xml` from two CI jobs, `run-01.xml` from
    /// two folders picked one after the other) would be one run twice in the runs table.
    fn unique_name(&self, name: &str, keeps_held: bool) -> String {
        let mut taken: std::collections::HashSet<String> = self.staged.names();
        if keeps_held {
            taken.extend(self.runs.names());
        }
        if !taken.contains(name) {
            return name.to_owned();
        }
        (2..)
            .map(|k| format!("{name} ({k})"))
            .find(|candidate| !taken.contains(candidate))
            .unwrap_or_else(|| name.to_owned())
    }

    /// Reads one file's `bytes` like the page always has: a flakelens audit by its content,
    /// anything else with [`read_input_with`] (JUnit XML, CTRF, zip, gzip), as the file
    /// [`Engine::unique_name`] names it (a note among its diagnostics when that is not
    /// `given_name`). Keeps `file` (or, without it, a copy of the bytes as a `Blob`) to read it
    /// again.
    fn parse(
        &mut self,
        given_name: &str,
        keeps_held: bool,
        load_files: usize,
        bytes: Vec<u8>,
        file: Option<web_sys::Blob>,
    ) -> Reply {
        let name = self.unique_name(given_name, keeps_held);
        let name = name.as_str();
        if self.staged.len() == 0 {
            // A load starts.
            self.first_analysis = (self.runs.len() == 0).then(|| {
                IncrementalAnalysis::new(AnalysisOptions::default(), load_files).packing_texts()
            });
        }
        let bytes = gzipped_audit(&bytes, MAX_AUDIT_BYTES).unwrap_or(bytes);
        if looks_like_audit(&bytes) {
            // An audit's runs replace what was read.
            self.first_analysis = None;
            let text = String::from_utf8(bytes)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
            return match Audit::from_json(text.trim_start_matches('\u{feff}')) {
                Ok(audit) => {
                    drop(text);
                    audit_reply(&audit)
                }
                Err(e) => Reply::AuditError(format!("cannot read the audit: {e}")),
            };
        }
        let size = bytes.len() as u64;
        // The picked file itself costs no copy (at 686 MB, copying the bytes into Blobs took
        // 5% of the load, and as much browser memory as the files).
        let blob = file.or_else(|| blob_of(&bytes));
        let reads = read_input_with(
            name,
            &bytes,
            &mut self.interner,
            flakelens_fast_reader::read_report_interned,
        );
        let mut diagnostics: Vec<Diagnostic> = Vec::new();
        if name != given_name {
            diagnostics.push(Diagnostic::whole_file(
                name,
                Severity::Info,
                format!("another file loaded is also named \"{given_name}\": this one's runs are named \"{name}\" (the runs table, labels and exclusions tell runs apart by name)"),
            ));
        }
        let mut files = Vec::new();
        let mut runs = 0;
        for read in reads {
            diagnostics.extend(read.diagnostics);
            if let Some(mut run) = read.run {
                runs += 1;
                if self.held.outputs_dropped {
                    strip_run_outputs(&mut run);
                }
                if blob.is_some() {
                    // Dropped now: read again only by an analysis that joins the runs
                    // another way.
                    files.push(run.file.clone());
                    if let Some(first) = self.first_analysis.as_mut() {
                        first.push(ReadOutput {
                            run: Some(run),
                            diagnostics: Vec::new(),
                        });
                    }
                    continue;
                }
                if let Some(first) = self.first_analysis.as_mut() {
                    first.push_run(&run);
                }
                self.staged.push_parsed(run);
            }
        }
        // The file's bytes are let go only now, after its runs were joined: freed before,
        // the join's long-lived allocations (the runs' details, the compressed texts) were
        // placed in the room they left, and the next file's bytes, as large, no longer fit
        // there, so the wasm memory grew by a file's size (at 686 MB: 267 MB instead of
        // 240 MB; BENCHMARKS.md, "The kept texts as LZ4 blocks").
        drop(bytes);
        if runs > 0 {
            self.staged_bytes += size;
            if let Some(blob) = blob {
                self.staged.sources.push(Source::Stored(Stored {
                    name: name.to_owned(),
                    blob,
                    files,
                    strip_outputs: self.held.outputs_dropped,
                }));
            }
        }
        Reply::Reads {
            diagnostics: serde_json::to_string(&diagnostics).unwrap_or_else(|_| "[]".to_owned()),
            runs,
        }
    }

    fn analyze(&mut self, options: &str) -> Reply {
        let options: AnalysisOptions = serde_json::from_str(options).unwrap_or_default();
        // Given back to the join, which may have lent it its tests.
        let previous = self.analysis.take();
        let first = self
            .first_analysis
            .take()
            .filter(|first| first.options() == &options && first.runs() == self.runs.len());
        let reused = self
            .joined
            .as_mut()
            .and_then(|joined| joined.analyze(&options, previous));
        let analysis = match reused {
            Some(analysis) => analysis,
            None => {
                self.joined = None;
                let mut joined = match first {
                    Some(first) => first.finish_joined(),
                    None => self.join_held(&options),
                };
                // A join just made has lent its tests to nothing yet.
                let analysis = joined.analysis().unwrap_or_else(|| {
                    Analysis::empty(vec![Diagnostic::whole_file(
                        "analysis",
                        Severity::Error,
                        "the joined runs were already lent to an analysis: load the files again",
                    )])
                });
                self.joined = Some(joined);
                analysis
            }
        };
        let mut analysis = analysis;
        let head = head_of(&mut analysis);
        let reply = Reply::Analyzed {
            head,
            tests: analysis.tests.len(),
            run_files: self.runs.files(),
        };
        if !analysis.tests.is_empty() {
            self.ahead = Some(TestsAhead::Due(0));
        }
        self.analysis = Some(analysis);
        reply
    }

    /// Writes the chunk of tests the page asks for next, if one is due and not yet written.
    /// The worker calls this when no request waits: after an analysis, and after each chunk
    /// sent, so that the next one is written while the page decodes the last. At 20,000
    /// tests × 50 runs the worker sat idle for about half of the tests' transfer, and the
    /// page a quarter, each waiting for the other's message; written ahead, the transfer
    /// (the analysis's reply to the last test decoded) took a median 189 ms instead of
    /// 228 ms (six loads of each, alternated). Wasm memory holds at most one chunk, as
    /// before: a chunk written ahead is let go of before any other request is handled, and
    /// before another chunk is written.
    pub fn write_ahead(&mut self) {
        if let Some(TestsAhead::Due(start)) = self.ahead {
            let (bytes, end) = self.tests_chunk(start);
            self.ahead = Some(TestsAhead::Written { start, bytes, end });
        }
    }

    /// The tests of the last analysis (none without one).
    fn tests(&self) -> &[TestSummary] {
        self.analysis.as_ref().map_or(&[][..], |a| &a.tests[..])
    }

    /// The held runs joined, in order: parsed runs by reference, and each file kept as a
    /// `Blob` read again (its diagnostics were reported when it was first read), its runs
    /// dropped once joined. A file that cannot be read again is left out, with a diagnostic
    /// that says so.
    fn join_held(&mut self, options: &AnalysisOptions) -> JoinedRuns {
        let Engine { runs, interner, .. } = self;
        let mut join = IncrementalAnalysis::new(options.clone(), runs.len());
        // Runs kept parsed keep their texts plain, and the join shares them; compressed, the
        // join would hold copies beside them. Runs read again from `Blob`s are dropped once
        // joined, so their texts are worth compressing.
        if runs.sources.iter().any(|s| matches!(s, Source::Stored(_))) {
            join = join.packing_texts();
        }
        let mut parsed = runs.parsed.iter();
        for source in &runs.sources {
            match source {
                Source::Parsed(n) => parsed.by_ref().take(*n).for_each(|run| join.push_run(run)),
                // Every run of it is excluded: the join would skip them.
                Source::Stored(stored)
                    if stored
                        .files
                        .iter()
                        .all(|f| options.excluded_runs.contains(f)) => {}
                Source::Stored(stored) => {
                    let (reads, bytes) = reread(stored, interner);
                    reads.into_iter().for_each(|read| join.push(read));
                    // Let go after the join, as when the file was first read (`parse`).
                    drop(bytes);
                }
            }
        }
        join.finish_joined()
    }

    /// The tests from `start` on as the page shows them (see [`Request::Tests`]), and the
    /// index after the last one sent.
    fn tests_chunk(&self, start: usize) -> (Vec<u8>, usize) {
        shown_tests(self.tests(), start, TESTS_PER_CHUNK, CHUNK_BYTES)
    }
}

/// `tests[start..]` as the page's lists show them, each written by [`encode_test`]: at most
/// `max_tests` of them, and no more once the bytes are `max_bytes` long (at least one, if any
/// is left); and the index after the last one. Each test is written as it is made ready, into
/// one buffer sized for the budget.
fn shown_tests(
    tests: &[TestSummary],
    start: usize,
    max_tests: usize,
    max_bytes: usize,
) -> (Vec<u8>, usize) {
    let last = tests.len().min(start.saturating_add(max_tests));
    let mut bytes = Vec::with_capacity(max_bytes.saturating_add(max_bytes / 4));
    let mut end = start.min(last);
    while end < last && (end == start || bytes.len() < max_bytes) {
        if encode_test(&tests[end], &mut bytes).is_err() {
            return (Vec::new(), start);
        }
        end += 1;
    }
    (bytes, end)
}

/// The analysis as JSON without its tests, which go to the page in chunks
/// ([`Reply::Analyzed`]'s head).
fn head_of(analysis: &mut Analysis) -> String {
    let tests = std::mem::take(&mut analysis.tests);
    let head = serde_json::to_string(&*analysis).unwrap_or_default();
    analysis.tests = tests;
    head
}

/// How many runs [`warm_up`] reads, and the testcases in each.
const WARM_UP_RUNS: usize = 3;
const WARM_UP_TESTS: usize = 2_000;
/// How many times [`warm_up`] analyzes its join.
const WARM_UP_ANALYSES: usize = 3;

/// Reads and joins [`WARM_UP_RUNS`] small reports of its own ([`warm_up_report`]) as a load
/// does (the same reader, a join that packs its texts), analyzes the join
/// [`WARM_UP_ANALYSES`] times and writes its head and tests for the page each time, and drops
/// it all: [`Request::WarmUp`]. Nothing of the engine's is touched.
///
/// Why: V8 runs a wasm function with its baseline compiler (Liftoff) until the function has
/// run enough to be compiled again by its optimizing one (TurboFan), on background threads,
/// and a call that is running keeps the code it started with. Loading 332 MB cold, the first
/// three files took 215, 80 and 78 ms in the worker against about 40 ms for each later one,
/// and about 0.9 s of TurboFan compiling shared the machine's cores with the load
/// (BENCHMARKS.md, "Warming the worker up while the user picks files"). Done while the user
/// is still choosing files, that happens before they come.
fn warm_up() {
    let mut interner = Interner::default();
    let mut join =
        IncrementalAnalysis::new(AnalysisOptions::default(), WARM_UP_RUNS).packing_texts();
    for run in 0..WARM_UP_RUNS {
        let xml = warm_up_report(run);
        let name = format!("warm-up-{run}.xml");
        for read in read_input_with(
            &name,
            xml.as_bytes(),
            &mut interner,
            flakelens_fast_reader::read_report_interned,
        ) {
            join.push(read);
        }
    }
    let mut joined = join.finish_joined();
    let mut analysis = joined.analysis();
    // The analysis is one long call, which keeps the code it started with: analyzed again,
    // it runs the optimized code its first run had V8 compile.
    for _ in 0..WARM_UP_ANALYSES {
        let Some(mut done) = analysis.take() else {
            break;
        };
        head_of(&mut done);
        let mut start = 0;
        while start < done.tests.len() {
            let (_, end) = shown_tests(&done.tests, start, TESTS_PER_CHUNK, CHUNK_BYTES);
            if end == start {
                break;
            }
            start = end;
        }
        analysis = joined.analyze(&AnalysisOptions::default(), Some(done));
    }
}

/// Run `run` of the warm-up's suite as JUnit XML: [`WARM_UP_TESTS`] testcases in suites of
/// 100, of which about 3% fail (with a message and a stack trace, different tests in each
/// run, so some are flaky), 2% are skipped and 5% print a few hundred bytes to `system-out`:
/// the shapes `flakelens gen` writes, much smaller.
fn warm_up_report(run: usize) -> String {
    use std::fmt::Write as _;
    let mut xml = String::with_capacity(WARM_UP_TESTS * 320);
    xml.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"warm-up\">\n");
    for suite in 0..WARM_UP_TESTS / 100 {
        let _ = writeln!(
            xml,
            "  <testsuite name=\"warm.up.Suite{suite}\" tests=\"100\" timestamp=\"2026-01-01T00:00:0{run}\">"
        );
        for case in 0..100 {
            let i = suite * 100 + case;
            let _ = write!(
                xml,
                "    <testcase classname=\"warm.up.Suite{suite}\" name=\"test_{i}_checks_what_a_test_of_an_ordinary_suite_checks\" time=\"0.{:03}\"",
                (i * 37 + run * 11) % 1000
            );
            if (i + run).is_multiple_of(33) {
                let _ = write!(
                    xml,
                    ">\n      <failure message=\"expected &lt;{i}&gt; but was &lt;{}&gt;\" type=\"AssertionError\">AssertionError: expected {i}\n\tat warm.up.Suite{suite}.test_{i}(Suite{suite}.java:{case})\n\tat org.junit.runners.ParentRunner.run(ParentRunner.java:413)\n\tat org.junit.runner.JUnitCore.run(JUnitCore.java:137)</failure>\n    </testcase>\n",
                    i + run + 1
                );
            } else if i % 50 == 1 {
                xml.push_str(
                    ">\n      <skipped message=\"not on this platform\"/>\n    </testcase>\n",
                );
            } else if i % 20 == 2 {
                let _ = write!(xml, ">\n      <system-out>");
                for line in 0..8 {
                    let _ = writeln!(xml, "[run {run}] step {line} of test {i}: connecting to 127.0.0.1:{} &amp; waiting", 5000 + line);
                }
                xml.push_str("</system-out>\n    </testcase>\n");
            } else {
                xml.push_str("/>\n");
            }
        }
        xml.push_str("  </testsuite>\n");
    }
    xml.push_str("</testsuites>\n");
    xml
}

/// A `Blob` holding a copy of `bytes`, or `None` when the browser refuses to make one.
fn blob_of(bytes: &[u8]) -> Option<web_sys::Blob> {
    let array = js_sys::Uint8Array::from(bytes);
    web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&array)).ok()
}

/// The runs of a file kept as a `Blob`, read again (without diagnostics), or one diagnostic
/// naming the file when it cannot be read; and the file's bytes, which the caller lets go
/// once it has joined the runs (freed before, the join's allocations would take the room
/// the next file's bytes need: see `Engine::parse`).
fn reread(stored: &Stored, interner: &mut Interner) -> (Vec<ReadOutput>, Vec<u8>) {
    let bytes = web_sys::FileReaderSync::new()
        .and_then(|reader| reader.read_as_array_buffer(&stored.blob))
        .map(|buffer| crate::protocol::bytes_of(&buffer));
    let bytes = match bytes {
        Ok(bytes) => bytes,
        Err(e) => {
            let why = e.as_string().unwrap_or_else(|| format!("{e:?}"));
            let reads = unreadable_again(
                stored,
                &format!(
                    "it changed on disk since it was picked, or the browser let go of it: {why}"
                ),
            );
            return (reads, Vec::new());
        }
    };
    let mut reads = read_input_with(
        &stored.name,
        &bytes,
        interner,
        flakelens_fast_reader::read_report_interned,
    );
    // The same file gives the same runs. Other runs (a file rewritten without the browser
    // noticing: same size and time) would not match the run names the page holds.
    let files = reads
        .iter()
        .filter_map(|r| r.run.as_ref())
        .map(|r| r.file.as_str());
    if !files.eq(stored.files.iter().map(String::as_str)) {
        let reads = unreadable_again(
            stored,
            "it changed on disk since it was picked: it no longer gives the same runs",
        );
        return (reads, bytes);
    }
    for read in &mut reads {
        read.diagnostics = Vec::new();
        if let (Some(run), true) = (read.run.as_mut(), stored.strip_outputs) {
            strip_run_outputs(run);
        }
    }
    (reads, bytes)
}

/// The one diagnostic of a file kept that cannot be read again, and why.
fn unreadable_again(stored: &Stored, why: &str) -> Vec<ReadOutput> {
    vec![ReadOutput {
        run: None,
        diagnostics: vec![Diagnostic::whole_file(
            &stored.name,
            Severity::Error,
            format!(
                "cannot read this file again ({why}); its runs are left out of this analysis — load it again"
            ),
        )],
    }]
}

fn strip_run_outputs(run: &mut Run) {
    for case in &mut run.testcases {
        for attempt in &mut case.attempts {
            attempt.system_out = None;
            attempt.system_err = None;
        }
    }
}

/// An audit the engine wrote itself (`Reply::Audit`, validated when it was first read) and
/// the page sent back: read with the one audit reader the worker links (a plain
/// `serde_json::from_str::<Audit>` would link a second copy of the analysis's decoder),
/// without the size limit of files.
fn own_audit(json: &str) -> Result<Audit, flakelens_core::audit::AuditError> {
    Audit::from_json_limited(json, usize::MAX)
}

/// [`Reply::Audit`] for an audit read without error.
fn audit_reply(audit: &Audit) -> Reply {
    let meta = AuditMeta {
        generator: audit.generator.clone(),
        title: audit.title.clone(),
        criteria: audit.criteria.clone(),
        criteria_config: audit.criteria_config.clone(),
        summary: audit.summary.clone(),
    };
    Reply::Audit {
        json: serde_json::to_string(audit).unwrap_or_default(),
        meta: serde_json::to_string(&meta).unwrap_or_default(),
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
        Ok(audit) => audit_reply(&audit),
        Err(e) => Reply::AuditError(format!("the audit is invalid: {e}")),
    }
}

/// Reads the audit of a share link's fragment: [`Reply::NoAudit`] when `audit=` is only part
/// of another parameter (a search query, say), else the audit or why it cannot be read.
fn shared_audit(fragment: &str) -> Reply {
    let why = match decode_fragment(fragment) {
        Ok(audit) => return audit_reply(&audit),
        Err(ShareError::Missing) => return Reply::NoAudit,
        Err(ShareError::TooLarge(limit)) => format!(
            "the shared audit is larger than the limit of {} MiB",
            limit >> 20
        ),
        Err(other) => other.to_string(),
    };
    Reply::AuditError(why)
}

// Run in Chromium with the component tests: `tests/web.rs` compiles this module in.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::wire::decode_tests;
    use crate::wire::ShownTest;
    use flakelens_core::generate::{read_generated, GenSpec};
    use flakelens_core::Outcome;
    use flakelens_wire::testing::{analysis, shown as shown_test};
    use wasm_bindgen_test::wasm_bindgen_test;

    #[wasm_bindgen_test]
    fn chunks_hold_every_test_once_in_order_within_their_budget() {
        let analysis = analysis();
        let tests = &analysis.tests;
        let shown: Vec<ShownTest> = tests.iter().map(shown_test).collect();
        let (max_tests, max_bytes) = (50, 20_000);
        let mut start = 0;
        let mut got: Vec<ShownTest> = Vec::new();
        let mut cut_by_bytes = 0;
        while start < tests.len() {
            let (bytes, end) = shown_tests(tests, start, max_tests, max_bytes);
            let chunk = decode_tests(&bytes, end - start, &mut Interner::default())
                .expect("the tests written");
            // The bytes hold exactly the tests from `start` to `end`.
            assert!(
                decode_tests(&bytes, end - start + 1, &mut Interner::default()).is_err(),
                "more tests than `end` says"
            );
            assert!(!chunk.is_empty() && chunk.len() <= max_tests);
            // Under the budget before its last test was written.
            let mut last = Vec::new();
            encode_test(&tests[end - 1], &mut last).expect("bincode");
            assert!(
                bytes.len() - last.len() <= max_bytes,
                "{} bytes",
                bytes.len()
            );
            if chunk.len() < max_tests && end < tests.len() {
                cut_by_bytes += 1;
            }
            got.extend(chunk);
            start = end;
        }
        assert_eq!(got, shown);
        assert!(cut_by_bytes > 0, "the budget never cut a chunk");
        // Past the end: nothing, and the same index back.
        assert_eq!(
            shown_tests(tests, tests.len(), max_tests, max_bytes),
            (Vec::new(), tests.len())
        );
    }

    /// The chunk a [`Request::Tests`] gets: its bytes and where it ends.
    fn chunk(engine: &mut Engine, start: usize) -> (Vec<u8>, usize) {
        match engine.handle(Request::Tests { start }) {
            Answer::Reply(Reply::Tests { tests, end }) => (tests, end),
            _ => panic!("not a chunk of tests"),
        }
    }

    #[wasm_bindgen_test]
    fn chunks_written_ahead_are_the_chunks_asked_for() {
        // Three chunks or more: more tests than two chunks hold (checked below).
        let spec = GenSpec {
            tests: 2 * TESTS_PER_CHUNK + 100,
            runs: 3,
            seed: 5,
        };
        let analysis = Analysis::from_reads(read_generated(&spec, |run| format!("{run}.xml")));
        let tests = analysis.tests.clone();
        assert!(tests.len() > 2 * TESTS_PER_CHUNK, "{} tests", tests.len());
        let mut engine = Engine {
            analysis: Some(analysis),
            ..Engine::default()
        };
        let expected = |start| shown_tests(&tests, start, TESTS_PER_CHUNK, CHUNK_BYTES);
        // Without an analysis made here, nothing is due: writing ahead writes nothing.
        engine.write_ahead();
        assert!(engine.ahead.is_none());
        let (first, end) = chunk(&mut engine, 0);
        assert_eq!((first, end), expected(0));
        assert!(end < tests.len(), "one chunk holds every test");
        // The next chunk is due; written ahead, it is what the page gets for it.
        assert!(matches!(engine.ahead, Some(TestsAhead::Due(s)) if s == end));
        engine.write_ahead();
        assert!(matches!(engine.ahead, Some(TestsAhead::Written { start, .. }) if start == end));
        // The chunk served is the one written, not one written again on request: the tests
        // changed after it was written (no request can do that; this test can) are not in it.
        let analysis = engine.analysis.as_mut().expect("set");
        analysis.tests.reverse();
        let (second, after) = chunk(&mut engine, end);
        assert_eq!((second, after), expected(end));
        engine.analysis.as_mut().expect("set").tests.reverse();
        // Another request drops a chunk written ahead: the chunk asked for next is still right.
        engine.write_ahead();
        assert!(matches!(
            engine.handle(Request::Ping),
            Answer::Reply(Reply::Ready)
        ));
        assert!(engine.ahead.is_none());
        assert_eq!(chunk(&mut engine, after), expected(after));
        // A chunk asked for from elsewhere than the one written is written for that start.
        engine.write_ahead();
        assert_eq!(chunk(&mut engine, 1), expected(1));
        // After the last chunk, nothing is due.
        let mut start = 0;
        while start < tests.len() {
            engine.write_ahead();
            let (bytes, end) = chunk(&mut engine, start);
            assert_eq!((bytes, end), expected(start));
            start = end;
        }
        assert!(engine.ahead.is_none());
    }

    #[wasm_bindgen_test]
    fn the_warm_up_reports_read_as_their_shapes_say() {
        // Run 0 by hand: testcase i fails when i is a multiple of 33 (0, 33, …, 1980: 61
        // of them); is skipped when i is 1 more than a multiple of 50 (40 of them) unless it
        // fails (1551 is both: 39); prints to system-out when i is 2 more than a multiple of
        // 20 (100 of them) unless it fails (462, 1122 and 1782 do: 97). The rest pass:
        // 2,000 − 61 − 39 = 1,900.
        let xml = warm_up_report(0);
        let reads = read_input_with(
            "warm-up-0.xml",
            xml.as_bytes(),
            &mut Interner::default(),
            flakelens_fast_reader::read_report_interned,
        );
        assert_eq!(reads.len(), 1);
        assert!(
            reads[0].diagnostics.is_empty(),
            "{:?}",
            reads[0].diagnostics
        );
        let run = reads[0].run.as_ref().expect("a run");
        assert_eq!(run.testcases.len(), WARM_UP_TESTS);
        let count = |o: Outcome| run.testcases.iter().filter(|t| t.outcome == o).count();
        assert_eq!(count(Outcome::Failed), 61);
        assert_eq!(count(Outcome::Skipped), 39);
        assert_eq!(count(Outcome::Passed), 1_900);
        let outputs = run
            .testcases
            .iter()
            .filter(|t| t.attempts[0].system_out.is_some())
            .count();
        assert_eq!(outputs, 97);
        // The failures move from run to run, so the warm-up's join has flaky tests to analyze.
        assert_ne!(warm_up_report(0), warm_up_report(1));
    }

    /// Reads `bytes` as the file `name` of a load of `load_files` files, which must give one
    /// run: its diagnostics.
    fn read_file(
        engine: &mut Engine,
        name: &str,
        load_files: usize,
        keeps_held: bool,
        bytes: Vec<u8>,
    ) -> Vec<Diagnostic> {
        match engine.handle(Request::Parse {
            name: name.to_owned(),
            load_files,
            keeps_held,
            bytes,
            file: None,
        }) {
            Answer::Reply(Reply::Reads {
                diagnostics,
                runs: 1,
            }) => serde_json::from_str(&diagnostics).expect("JSON"),
            _ => panic!("not one run read"),
        }
    }

    /// Analyzes with default options: the head, the number of tests and every run's file.
    fn analyzed(engine: &mut Engine) -> (String, usize, Vec<String>) {
        match engine.handle(Request::Analyze("{}".to_owned())) {
            Answer::Reply(Reply::Analyzed {
                head,
                tests,
                run_files,
            }) => (head, tests, run_files),
            _ => panic!("not an analysis"),
        }
    }

    #[wasm_bindgen_test]
    fn a_warm_up_changes_nothing_the_engine_holds() {
        let spec = GenSpec {
            tests: 300,
            runs: 3,
            seed: 9,
        };
        let files: Vec<Vec<u8>> = (0..spec.runs)
            .map(|run| flakelens_core::generate::generate_run(&spec, run).into_bytes())
            .collect();
        let read = |engine: &mut Engine, run: usize| {
            read_file(
                engine,
                &format!("{run}.xml"),
                files.len(),
                true,
                files[run].clone(),
            )
        };
        // Commits the files read, then analyzes with default options: the head and a chunk.
        let analyze = |engine: &mut Engine| {
            engine.handle(Request::Commit(Base::Keep));
            (analyzed(engine), chunk(engine, 0))
        };
        let mut cold = Engine::default();
        (0..files.len()).for_each(|run| drop(read(&mut cold, run)));
        let cold = analyze(&mut cold);
        let mut warmed = Engine::default();
        assert!(matches!(
            warmed.handle(Request::WarmUp),
            Answer::Reply(Reply::Ready)
        ));
        assert_eq!(warmed.runs.len(), 0);
        assert!(warmed.analysis.is_none() && warmed.joined.is_none());
        (0..files.len()).for_each(|run| drop(read(&mut warmed, run)));
        assert_eq!(analyze(&mut warmed), cold);
        // And in the middle of a load, between two files.
        let mut between = Engine::default();
        read(&mut between, 0);
        between.handle(Request::WarmUp);
        (1..files.len()).for_each(|run| drop(read(&mut between, run)));
        assert_eq!(analyze(&mut between), cold);
    }

    #[wasm_bindgen_test]
    fn files_of_one_name_become_runs_of_different_names() {
        let spec = GenSpec {
            tests: 20,
            runs: 4,
            seed: 3,
        };
        let parse = |engine: &mut Engine, run: usize, name: &str, keeps_held: bool| {
            let xml = flakelens_core::generate::generate_run(&spec, run).into_bytes();
            read_file(engine, name, 2, keeps_held, xml)
        };
        let run_files = |engine: &mut Engine| analyzed(engine).2;
        let mut engine = Engine::default();
        // Two files named alike in one load (two folders' `run-01.xml`, picked together).
        assert!(parse(&mut engine, 0, "run-01.xml", true).is_empty());
        let renamed = parse(&mut engine, 1, "run-01.xml", true);
        assert_eq!(renamed.len(), 1, "{renamed:?}");
        assert_eq!(renamed[0].severity, Severity::Info);
        assert_eq!(renamed[0].file, "run-01.xml (2)");
        assert!(renamed[0].message.contains("also named \"run-01.xml\""));
        engine.handle(Request::Commit(Base::Keep));
        assert_eq!(run_files(&mut engine), ["run-01.xml", "run-01.xml (2)"]);
        // A later load that adds to them: named after both.
        parse(&mut engine, 2, "run-01.xml", true);
        engine.handle(Request::Commit(Base::Keep));
        assert_eq!(
            run_files(&mut engine),
            ["run-01.xml", "run-01.xml (2)", "run-01.xml (3)"]
        );
        // A load that replaces them (the example) keeps its names.
        assert!(parse(&mut engine, 3, "run-01.xml", false).is_empty());
        engine.handle(Request::Commit(Base::Clear));
        assert_eq!(run_files(&mut engine), ["run-01.xml"]);
    }

    #[wasm_bindgen_test]
    fn a_test_larger_than_the_budget_still_goes_alone() {
        let analysis = analysis();
        let (bytes, end) = shown_tests(&analysis.tests, 3, 50, 1);
        assert_eq!(end, 4);
        let chunk =
            decode_tests(&bytes, end - 3, &mut Interner::default()).expect("the test written");
        assert_eq!(chunk, vec![shown_test(&analysis.tests[3])]);
    }
}
