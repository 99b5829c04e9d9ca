//! `flakelens`: the command-line interface, a thin shell over `flakelens-core`.
//!
//! It reads files, hands their bytes to the core and prints what the core returns. Data goes
//! to stdout, progress and diagnostics to stderr.
//!
//! Exit status: 0 success (for `check`: every criterion passed), 1 a criterion failed
//! (`check` only), 2 bad input or usage.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flakelens_core::audit::{
    looks_like_audit, markdown_summary, Audit, AuditMerger, MAX_AUDIT_BYTES,
};
use flakelens_core::generate::{generate_run_laid_out, GenSpec, SuiteLayout};
use flakelens_core::{
    input, junit, Analysis, AnalysisOptions, Diagnostic, IncrementalAnalysis, Severity,
};
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;

mod args;
mod report;
mod text;

use args::{AnalysisArgs, AuditArgs};

/// mimalloc instead of the system allocator, for everything this process allocates (the
/// core's work included): `analyze -o` takes 20-33% less time at 66, 332 and 686 MB of
/// reports, for more peak RSS, as freed pages go back to the system later (75-80 MB became
/// 103-153 MB at 66 MB, 363-372 MB became 416-435 MB at 686 MB; BENCHMARKS.md, "Whole
/// process"). The core crate sets no allocator; the page (wasm) keeps Rust's default.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Find flaky tests in the JUnit XML reports of many runs of one test suite.
#[derive(Parser)]
#[command(name = "flakelens", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyze test reports, one file per run, in the order given.
    ///
    /// Reads JUnit XML (any dialect, any encoding), CTRF JSON, gzip files and zip archives
    /// (every report inside is one run); the content decides, not the file name. A folder is
    /// read recursively, its files in name order. A file that cannot be read or parsed is
    /// reported as a diagnostic and the other files are still analyzed.
    /// Prints a text summary, or the audit JSON with --json; -o writes the audit to a file.
    /// Exit status: 0 when at least one run was read, 2 when none was.
    Analyze {
        /// Report files or folders; each report is one run.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print the audit JSON (schema flakelens-audit/1) on stdout instead of a summary.
        #[arg(long)]
        json: bool,
        /// Write the audit JSON to this file, compact (the text summary still goes to
        /// stdout; `--json` prints it indented). A name ending in `.gz` compresses it with
        /// gzip, which every command that takes an audit reads back.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
        #[command(flatten)]
        options: AnalysisArgs,
        #[command(flatten)]
        audit: AuditArgs,
    },
    /// Evaluate the success criteria of an audit, or of reports analyzed on the spot.
    ///
    /// Prints the criteria table. Exit status: 0 when every criterion passes, 1 when any
    /// fails, 2 on bad input.
    Check {
        /// One audit JSON file, or report files and folders.
        #[arg(required = true, value_name = "AUDIT|FILE")]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        options: AnalysisArgs,
        #[command(flatten)]
        audit: AuditArgs,
    },
    /// Merge audits of disjoint run sets (for example one per CI shard) into one.
    ///
    /// Counts add and every rate is recomputed from the counts. A run in two audits is an
    /// error. Exit status: 0 merged, 2 bad input.
    Merge {
        /// Audit JSON files.
        #[arg(required = true, value_name = "AUDIT")]
        audits: Vec<PathBuf>,
        /// Write the merged audit here (default: stdout); a name ending in `.gz` writes it
        /// compressed with gzip.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Write one self-contained HTML report: the app and the audit, with no external
    /// request. It opens from file:// with no network, so it can be attached to a CI
    /// artifact or an email. Needs the built app (`trunk build --release` writes `dist/`).
    Report {
        /// One audit JSON file, or report files and folders.
        #[arg(required = true, value_name = "AUDIT|FILE")]
        inputs: Vec<PathBuf>,
        /// The HTML file to write.
        #[arg(short, long, value_name = "FILE")]
        output: PathBuf,
        /// The built app's folder.
        #[arg(long, value_name = "DIR", default_value = "dist")]
        app: PathBuf,
        #[command(flatten)]
        options: AnalysisArgs,
        #[command(flatten)]
        audit: AuditArgs,
    },
    /// Write deterministic, realistic JUnit runs for benchmarks and scale tests.
    ///
    /// Nested suites (or flat ones, `--flat`), 40–80-character names, about 3% failures with
    /// stack traces, 2% skipped, 5% with 1–4 KB of system-out, properties, and some tests
    /// flaky across runs. 50 runs of 20,000 tests are about 330 MB. Same arguments, same
    /// bytes.
    Gen {
        /// Tests per run.
        #[arg(long, default_value_t = 20_000)]
        tests: usize,
        /// Number of runs (one file each).
        #[arg(long, default_value_t = 50)]
        runs: usize,
        /// Seed of the pseudo-random choices.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// One level of suites, one per class (as Maven Surefire writes them), each with the
        /// module's hostname and properties, instead of class suites nested in module suites.
        /// The testcases are the same, byte for byte. For readers that skip nested suites,
        /// such as the quick-junit crate's.
        #[arg(long)]
        flat: bool,
        /// Folder to write run-001.xml, run-002.xml, ... into (created if missing).
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
    },
    /// Print Markdown for a pull-request comment: the criteria table, the flaky and broken
    /// tests with their rule and category, and a link to the hosted view.
    Summary {
        /// One audit JSON file, or report files and folders.
        #[arg(required = true, value_name = "AUDIT|FILE")]
        inputs: Vec<PathBuf>,
        /// The URL of the hosted audit view, linked at the end.
        #[arg(long, value_name = "URL")]
        view_url: Option<String>,
        #[command(flatten)]
        options: AnalysisArgs,
        #[command(flatten)]
        audit: AuditArgs,
    },
}

/// A one-line error and exit status 2.
fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("flakelens: {message}");
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze {
            files,
            json,
            output,
            options,
            audit,
        } => run_analyze(&files, json, output.as_deref(), &options, &audit),
        Command::Check {
            inputs,
            options,
            audit,
        } => load(&inputs, &options, &audit).and_then(|audit| {
            print_text(&text::criteria_table(&audit))?;
            Ok(if audit.passed() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }),
        Command::Merge { audits, output } => run_merge(&audits, output.as_deref()),
        Command::Report {
            inputs,
            output,
            app,
            options,
            audit,
        } => load(&inputs, &options, &audit).and_then(|audit| {
            let title = flakelens_core::report::report_title(&audit);
            let html = report::single_file(&app, &audit.to_json(), &title)?;
            write_file(&output, &html)?;
            eprintln!(
                "flakelens: wrote {} ({:.1} MB)",
                output.display(),
                html.len() as f64 / 1e6
            );
            Ok(ExitCode::SUCCESS)
        }),
        Command::Gen {
            tests,
            runs,
            seed,
            flat,
            output,
        } => {
            let layout = if flat {
                SuiteLayout::Flat
            } else {
                SuiteLayout::Nested
            };
            run_gen(GenSpec { tests, runs, seed }, layout, &output)
        }
        Command::Summary {
            inputs,
            view_url,
            options,
            audit,
        } => load(&inputs, &options, &audit).and_then(|audit| {
            print_text(&markdown_summary(&audit, view_url.as_deref()))?;
            Ok(ExitCode::SUCCESS)
        }),
    };
    result.unwrap_or_else(fail)
}

/// Expands folders into their files (recursively, in name order); files stay as given.
fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
                .map(|dir| dir.flatten().map(|e| e.path()).collect())
                .unwrap_or_default();
            entries.sort();
            out.extend(expand(&entries));
        } else {
            out.push(path.clone());
        }
    }
    out
}

/// Calls `work` on each item on reader threads and hands the results to `consume` in the
/// items' order, so that reading and parsing (the readers) overlap what `consume` does with
/// the results (this thread). Reader k takes items k, k + readers, ...; each hands over one
/// result at a time, so at most two results per reader wait in memory. Each reader has its
/// own `S` (such as an interner). When `consume` fails the readers stop and its error is
/// returned.
fn in_order_on_readers<T: Sync, S: Default, R: Send, E>(
    items: &[T],
    work: impl Fn(&T, &mut S) -> R + Sync,
    mut consume: impl FnMut(usize, R) -> Result<(), E>,
) -> Result<(), E> {
    let readers = std::thread::available_parallelism()
        .map_or(1, |n| n.get().saturating_sub(1))
        .clamp(1, 8);
    std::thread::scope(|scope| {
        let receivers: Vec<_> = (0..readers)
            .map(|k| {
                let (sender, receiver) = std::sync::mpsc::sync_channel(1);
                let work = &work;
                scope.spawn(move || {
                    let mut state = S::default();
                    for item in items.iter().skip(k).step_by(readers) {
                        if sender.send(work(item, &mut state)).is_err() {
                            return;
                        }
                    }
                });
                receiver
            })
            .collect();
        for i in 0..items.len() {
            // A reader that ended early (it cannot: `work` returns every fault as a value)
            // gives nothing.
            if let Ok(result) = receivers[i % readers].recv() {
                consume(i, result)?;
            }
        }
        // Returning drops the receivers, which unblocks any reader still waiting.
        Ok(())
    })
}

/// Reads and analyzes report files, reporting progress on stderr for long inputs.
fn analyze_files(files: &[PathBuf], options: &AnalysisOptions) -> Analysis {
    let files = expand(files);
    let total = files.len();
    let mut analysis = IncrementalAnalysis::new(options.clone(), total);
    let mut bytes_read: u64 = 0;
    // Identity text is allocated once across the runs each reader reads.
    let Ok(()) = in_order_on_readers(
        &files,
        |path, interner: &mut flakelens_core::Interner| read_file(path, interner),
        |i, (outputs, size)| {
            bytes_read += size;
            if total >= 50 && ((i + 1) % 50 == 0 || i + 1 == total) {
                eprintln!(
                    "flakelens: read {} of {total} files ({:.1} MB)",
                    i + 1,
                    bytes_read as f64 / 1e6
                );
            }
            outputs.into_iter().for_each(|read| analysis.push(read));
            Ok::<(), std::convert::Infallible>(())
        },
    );
    analysis.finish()
}

/// One file read and handed to the core: its reads, and its size in bytes. The bytes are
/// dropped as soon as the core has read them; a file that cannot be read is a diagnostic.
fn read_file(
    path: &Path,
    interner: &mut flakelens_core::Interner,
) -> (Vec<junit::ReadOutput>, u64) {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => (
            input::read_input_interned(&name, &bytes, interner),
            bytes.len() as u64,
        ),
        Err(e) => (
            vec![junit::ReadOutput {
                run: None,
                diagnostics: vec![Diagnostic::whole_file(
                    &name,
                    Severity::Error,
                    format!("cannot read file: {e}"),
                )],
            }],
            0,
        ),
    }
}

fn build_audit(analysis: Analysis, audit_args: &AuditArgs) -> Result<Audit, String> {
    let mut audit = Audit::new(analysis, audit_args.criteria()?, audit_args.privacy());
    audit.title = audit_args.title.clone();
    Ok(audit)
}

fn write_file(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// Writes an audit as compact JSON, compressed with gzip when the path ends in `.gz` (a CI
/// artifact: about 1/40 of the indented size). Compact because an audit file is read by
/// programs: indenting a 20,000-test, 10-run audit made it 62 MB instead of 38 MB and its
/// writing over a quarter of the instructions of `analyze -o`. The JSON is streamed into
/// the file, never held whole in memory.
fn write_audit(path: &Path, audit: &Audit) -> Result<(), String> {
    let gzipped = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("gz"));
    let error = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let file = std::fs::File::create(path).map_err(error)?;
    let serialize = |out: &mut Pieces| serialize_audit(out, audit, false);
    if gzipped {
        // The writer thread compresses too: compressing takes longer than serializing.
        let encoder = write_on_thread(GzEncoder::new(file, Compression::default()), serialize)
            .map_err(error)?;
        encoder.finish().map_err(error)?.flush().map_err(error)
    } else {
        write_on_thread(file, serialize)
            .map_err(error)?
            .flush()
            .map_err(error)
    }
}

/// The size of the pieces [`write_on_thread`] hands over, in bytes.
const PIECE_BYTES: usize = 1 << 20;

/// Calls `produce` with a writer whose bytes a second thread writes to `sink`, in pieces of
/// [`PIECE_BYTES`], so that producing (serializing an audit) and writing (the kernel's copy,
/// or compressing) overlap. At most five pieces exist at once: two queued, one waiting to be
/// queued, one being written and one being filled. Returns `sink` once all is written. The
/// sink's error comes first: when it fails, `produce` only sees the thread gone.
fn write_on_thread<W: Write + Send>(
    sink: W,
    produce: impl FnOnce(&mut Pieces) -> std::io::Result<()>,
) -> std::io::Result<W> {
    std::thread::scope(|scope| {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let writer = scope.spawn(move || {
            let mut sink = sink;
            for piece in receiver {
                sink.write_all(&piece)?;
            }
            Ok(sink)
        });
        let mut pieces = Pieces {
            buffer: Vec::with_capacity(PIECE_BYTES),
            sender,
        };
        let produced = produce(&mut pieces).and_then(|()| pieces.flush());
        // Hanging up ends the writer's loop.
        drop(pieces);
        let written = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::Error::other("the writer thread panicked")));
        written.and_then(|sink| produced.map(|()| sink))
    })
}

/// The writing end of [`write_on_thread`]: it gathers bytes and sends each full piece.
struct Pieces {
    buffer: Vec<u8>,
    sender: std::sync::mpsc::SyncSender<Vec<u8>>,
}

impl Write for Pieces {
    /// Sends the piece gathered so far first when `bytes` would not fit in it, so a piece
    /// never outgrows its allocation (one write larger than a piece is a piece of its own).
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.buffer.len() + bytes.len() > PIECE_BYTES {
            self.flush()?;
            if bytes.len() > PIECE_BYTES {
                self.send(bytes.to_vec())?;
                return Ok(bytes.len());
            }
        }
        self.buffer.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    /// serde_json writes every token with `write_all`, most of a few bytes. Inlined into
    /// its calls, a token that fits is copied into the piece with one length check, not
    /// through the default's loop around [`Pieces::write`] (an `analyze -o` of 2,000 tests
    /// × 5 runs took 18% fewer instructions: BENCHMARKS.md).
    #[inline(always)]
    fn write_all(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        if self.buffer.len() + bytes.len() <= PIECE_BYTES {
            self.buffer.extend_from_slice(bytes);
            return Ok(());
        }
        self.write_past_piece(bytes)
    }

    /// Sends what is gathered. It is written once the thread gets to it, not on return.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let piece = std::mem::replace(&mut self.buffer, Vec::with_capacity(PIECE_BYTES));
        self.send(piece)
    }
}

impl Pieces {
    /// `write_all` of bytes that do not fit in the piece being filled: out of line, as it
    /// happens about once per [`PIECE_BYTES`].
    #[cold]
    #[inline(never)]
    fn write_past_piece(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.write(bytes).map(drop)
    }

    fn send(&mut self, piece: Vec<u8>) -> std::io::Result<()> {
        self.sender
            .send(piece)
            .map_err(|_| std::io::Error::other("the writer thread stopped"))
    }
}

/// Prints an audit as pretty JSON on stdout, followed by a newline.
fn print_audit(audit: &Audit) -> Result<(), String> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let written = serialize_audit(&mut out, audit, true)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    stdout_result(written)
}

/// Prints text on stdout.
fn print_text(text: &str) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    stdout_result(out.write_all(text.as_bytes()).and_then(|()| out.flush()))
}

/// A reader that went away (`flakelens analyze … | head`) is not an error: the output it
/// wanted was written. Any other failure to write is.
fn stdout_result(written: std::io::Result<()>) -> Result<(), String> {
    match written {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to stdout: {e}"))
        }
        _ => Ok(()),
    }
}

/// The audit's JSON (the same document as [`Audit::to_json`]) into a writer.
fn serialize_audit(out: &mut impl Write, audit: &Audit, pretty: bool) -> std::io::Result<()> {
    let written = if pretty {
        serde_json::to_writer_pretty(&mut *out, audit)
    } else {
        serde_json::to_writer(&mut *out, audit)
    };
    // Keep the kind of an I/O error (a closed pipe) that serde_json wraps.
    written.map_err(|e| match e.io_error_kind() {
        Some(kind) => std::io::Error::new(kind, e),
        None => std::io::Error::other(e),
    })
}

/// A file's text, gunzipped first when its content is gzip (an `audit.json.gz`). At most
/// [`MAX_AUDIT_BYTES`] + 1 bytes are decompressed, so a decompression bomb stops there and
/// the audit reader reports it as too large.
fn read_text_maybe_gzip(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bytes = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        GzDecoder::new(bytes.as_slice())
            .take(MAX_AUDIT_BYTES as u64 + 1)
            .read_to_end(&mut out)
            .map_err(|e| format!("{}: not valid gzip: {e}", path.display()))?;
        out
    } else {
        bytes
    };
    // Valid UTF-8 (an audit flakelens wrote) becomes the string without a copy.
    Ok(String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

/// Whether a path names a file that may hold an audit (`.json`, `.gz`), worth sniffing.
fn may_be_audit(path: &Path) -> bool {
    path.is_file()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("gz"))
}

fn run_analyze(
    files: &[PathBuf],
    json: bool,
    output: Option<&Path>,
    options: &AnalysisArgs,
    audit_args: &AuditArgs,
) -> Result<ExitCode, String> {
    let options = options.options()?;
    let analysis = analyze_files(files, &options);
    let no_runs = analysis.runs.is_empty();
    if !json {
        for d in &analysis.diagnostics {
            eprintln!("{d}");
        }
    }
    let audit = build_audit(analysis, audit_args)?;
    if let Some(path) = output {
        write_audit(path, &audit)?;
    }
    if json {
        // With no run, the JSON still carries the diagnostics that say why.
        print_audit(&audit)?;
    } else if !no_runs {
        print_text(&text::summary(&audit.analysis))?;
    }
    if no_runs {
        return Err("no JUnit report could be read".to_owned());
    }
    Ok(ExitCode::SUCCESS)
}

/// One audit file, or report files analyzed on the spot.
fn load(
    inputs: &[PathBuf],
    options: &AnalysisArgs,
    audit_args: &AuditArgs,
) -> Result<Audit, String> {
    if let [single] = inputs {
        if single.is_file() {
            if let Some(audit) = read_audit(single)? {
                return apply_audit_args(audit, audit_args, single);
            }
        }
    }
    // Several inputs are report files; an audit among them would only be "not a report".
    for path in inputs.iter().filter(|p| may_be_audit(p)) {
        if read_text_maybe_gzip(path).is_ok_and(|text| looks_like_audit(text.as_bytes())) {
            return Err(format!(
                "{} is an audit: give one audit, or report files; to combine audits, merge them first (`flakelens merge A.json.gz B.json.gz -o all.json.gz`)",
                path.display()
            ));
        }
    }
    let analysis = analyze_files(inputs, &options.options()?);
    if analysis.runs.is_empty() {
        for d in &analysis.diagnostics {
            eprintln!("{d}");
        }
        return Err("no JUnit report could be read".to_owned());
    }
    build_audit(analysis, audit_args)
}

/// An audit read from a file, with what `audit_args` asks of it: `--criteria` evaluates
/// those criteria on its analysis instead of the stored ones (an error for a summary-only
/// audit, which has no analysis to evaluate), `--no-messages` and `--no-output` leave that
/// text out, `--title` replaces its title. The analysis options do not apply: the audit's
/// analysis is kept as it was made.
fn apply_audit_args(
    mut audit: Audit,
    audit_args: &AuditArgs,
    path: &Path,
) -> Result<Audit, String> {
    if audit_args.criteria.is_some() {
        let criteria = audit_args.criteria()?;
        if audit.is_summary_only() {
            return Err(format!(
                "{} is a summary-only audit: it has no runs to evaluate --criteria on",
                path.display()
            ));
        }
        audit.criteria = criteria.evaluate(&audit.analysis);
        audit.criteria_config = criteria;
    }
    audit.restrict(audit_args.privacy());
    if audit_args.title.is_some() {
        audit.title.clone_from(&audit_args.title);
    }
    Ok(audit)
}

fn run_merge(paths: &[PathBuf], output: Option<&Path>) -> Result<ExitCode, String> {
    // Reader threads read and parse the audits, in order, while this thread rebuilds and
    // joins each one's runs and drops it: at most a few audits are in memory at once, never
    // all 100 of a CI fan-out.
    let mut merger = AuditMerger::default();
    in_order_on_readers(
        paths,
        |path, _: &mut ()| read_audit(path),
        |i, audit| {
            let audit = audit?.ok_or_else(|| {
                format!(
                    "{} is not an audit JSON: merge takes audits; write one per run set with `flakelens analyze FILES -o audit.json`",
                    paths[i].display()
                )
            })?;
            merger
                .add(&audit)
                .map_err(|e| format!("cannot merge {}: {e}", paths[i].display()))
        },
    )?;
    let added = merger.added();
    let merged = merger.finish();
    match output {
        Some(path) => write_audit(path, &merged)?,
        None => print_audit(&merged)?,
    }
    eprintln!(
        "flakelens: merged {} audits: {} runs, {} tests",
        added, merged.analysis.totals.runs, merged.analysis.totals.tests
    );
    Ok(ExitCode::SUCCESS)
}

/// The audit a file (JSON, or gzipped JSON) holds, read and parsed; `None` when its content
/// is not an audit's.
fn read_audit(path: &Path) -> Result<Option<Audit>, String> {
    let text = read_text_maybe_gzip(path)?;
    if !looks_like_audit(text.as_bytes()) {
        return Ok(None);
    }
    Audit::from_json(&text)
        .map(Some)
        .map_err(|e| format!("audit {}: {e}", path.display()))
}

fn run_gen(spec: GenSpec, layout: SuiteLayout, dir: &Path) -> Result<ExitCode, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut bytes = 0usize;
    for run in 0..spec.runs {
        let xml = generate_run_laid_out(&spec, run, layout);
        bytes += xml.len();
        write_file(&dir.join(format!("run-{:03}.xml", run + 1)), &xml)?;
        if spec.runs >= 10 && ((run + 1) % 10 == 0 || run + 1 == spec.runs) {
            eprintln!(
                "flakelens: wrote {} of {} runs ({:.1} MB)",
                run + 1,
                spec.runs,
                bytes as f64 / 1e6
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::{write_on_thread, PIECE_BYTES};
    use std::io::Write;

    /// A sink that takes `room` bytes, then fails every write. It notes the size of each
    /// write, which is one piece (`write_all` of a `Vec` is one call to a sink that takes it
    /// all).
    struct Limited {
        written: Vec<u8>,
        writes: Vec<usize>,
        room: usize,
    }

    impl Limited {
        fn with_room(room: usize) -> Limited {
            Limited {
                written: Vec::new(),
                writes: Vec::new(),
                room,
            }
        }
    }

    impl Write for Limited {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            if self.written.len() + bytes.len() > self.room {
                return Err(std::io::Error::new(std::io::ErrorKind::StorageFull, "full"));
            }
            self.written.extend_from_slice(bytes);
            self.writes.push(bytes.len());
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// `total` bytes: 0, 1, 2, ... mod 251.
    fn pattern(total: usize) -> Vec<u8> {
        (0..total).map(|i| (i % 251) as u8).collect()
    }

    /// Writes [`pattern`]`(total)` in writes of `step` bytes.
    fn produce(out: &mut impl Write, total: usize, step: usize) -> std::io::Result<()> {
        pattern(total)
            .chunks(step)
            .try_for_each(|chunk| out.write_all(chunk))
    }

    #[test]
    fn every_byte_arrives_in_order_in_pieces_that_never_outgrow_their_size() {
        let total = 5 * PIECE_BYTES + 12_345;
        let want = pattern(total);
        for step in [1_000, 7_919, PIECE_BYTES, PIECE_BYTES + 3] {
            let sink = write_on_thread(Limited::with_room(usize::MAX), |out| {
                produce(out, total, step)
            })
            .expect("written");
            assert!(sink.written == want, "step {step}: the bytes differ");
            // A piece is sent before it would pass its size, never after; a write larger
            // than a piece goes alone.
            let largest = sink.writes.iter().max().copied().unwrap_or(0);
            assert!(
                largest <= PIECE_BYTES.max(step),
                "step {step}: a piece of {largest} bytes"
            );
            assert!(
                sink.writes.len() >= total.div_ceil(PIECE_BYTES.max(step)),
                "step {step}: {} pieces",
                sink.writes.len()
            );
        }
    }

    #[test]
    fn the_sinks_error_is_returned_not_the_producers() {
        // Ten pieces against a sink with room for one and a half: the producer blocks on
        // the full queue, then sees the thread gone; the sink's own error must win.
        let sink = Limited::with_room(PIECE_BYTES + PIECE_BYTES / 2);
        let error = write_on_thread(sink, |out| produce(out, 10 * PIECE_BYTES, 4_096))
            .err()
            .expect("an error");
        assert_eq!(error.kind(), std::io::ErrorKind::StorageFull, "{error}");
        assert_eq!(error.to_string(), "full");
    }

    #[test]
    fn the_producers_error_is_returned_when_the_sink_is_fine() {
        let sink = Limited::with_room(usize::MAX);
        let error = write_on_thread(sink, |out| {
            produce(out, 3 * PIECE_BYTES, 4_096)?;
            Err(std::io::Error::other("serializing failed"))
        })
        .err()
        .expect("an error");
        assert_eq!(error.to_string(), "serializing failed");
    }
}
