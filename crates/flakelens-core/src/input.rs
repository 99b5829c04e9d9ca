//! Any file a user drops: sniffed by content, never by name.
//!
//! # Architecture
//!
//! [`read_input`] looks at the first bytes and dispatches:
//! - gzip (`1F 8B`): inflated (bounded), then sniffed again;
//! - zip (`PK\x03\x04`, what CI artifact downloads are): every entry that looks like a
//!   report is read as one run, named `archive.zip/path/in/archive`;
//! - JSON (`{`): a CTRF report (<https://ctrf.io>), read as one run;
//! - anything else: a JUnit XML report ([`crate::junit::read_report`]), which says "not a
//!   JUnit report" for plain text and foreign XML.
//!
//! Like the reader, this never fails and never panics: problems become diagnostics.

use std::borrow::Cow;
use std::io::Read;
use std::sync::Arc;

use serde::Deserialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::junit::{self, Dialect, ReadOutput, Timestamp};
use crate::model::{
    Attempt, Attempts, Failure, FailureKind, Interner, Outcome, Run, TestCase, TestKey,
};

/// Largest inflated size of one gzip file or zip entry, in bytes (1 GiB): a bound against
/// decompression bombs.
pub const MAX_INFLATED_BYTES: u64 = 1 << 30;
/// How deep archives may nest (a zip of gzip files is depth 2).
const MAX_ARCHIVE_DEPTH: u32 = 3;

/// Reads one dropped or named file into zero or more runs.
///
/// A plain report gives one [`ReadOutput`]; a zip gives one per report inside it; a file that
/// is none of these gives one output with no run and an error diagnostic.
///
/// # Examples
///
/// ```
/// use flakelens_core::input::read_input;
///
/// let outputs = read_input("plain.xml", b"<testsuite name='s'><testcase name='t'/></testsuite>");
/// assert_eq!(outputs.len(), 1);
/// assert!(outputs[0].run.is_some());
/// ```
pub fn read_input(name: &str, bytes: &[u8]) -> Vec<ReadOutput> {
    read_input_interned(name, bytes, &mut Interner::default())
}

/// [`read_input`] with test identities taken from `interner`: read every file of an analysis
/// with one interner and each distinct suite, classname and name is allocated once, however
/// many runs hold it.
pub fn read_input_interned(name: &str, bytes: &[u8], interner: &mut Interner) -> Vec<ReadOutput> {
    read_input_with(name, bytes, interner, junit::read_report_interned)
}

/// A JUnit XML reader: `(file name, bytes, interner) -> ReadOutput`. Either
/// [`junit::read_report_interned`] or the same code compiled in another crate (the worker's
/// `flakelens-fast-reader`, built for speed where the rest of the worker is built for size).
pub type ReportReader = fn(&str, &[u8], &mut Interner) -> ReadOutput;

/// [`read_input_interned`] with each JUnit XML report, plain or found in a gzip or zip
/// archive, read by `read_report`. Same outputs, in the same order.
pub fn read_input_with(
    name: &str,
    bytes: &[u8],
    interner: &mut Interner,
    read_report: ReportReader,
) -> Vec<ReadOutput> {
    let mut outputs = Vec::new();
    read_at_depth(name, bytes, 0, &mut outputs, interner, read_report);
    outputs
}

fn read_at_depth(
    name: &str,
    bytes: &[u8],
    depth: u32,
    outputs: &mut Vec<ReadOutput>,
    interner: &mut Interner,
    read_report: ReportReader,
) {
    if bytes.starts_with(&[0x1F, 0x8B]) {
        if depth >= MAX_ARCHIVE_DEPTH {
            return outputs.push(failed(name, "archives nested too deeply; not read"));
        }
        let mut inflated = Vec::new();
        let mut decoder = flate2::read::MultiGzDecoder::new(bytes).take(MAX_INFLATED_BYTES + 1);
        match decoder.read_to_end(&mut inflated) {
            Ok(_) if inflated.len() as u64 > MAX_INFLATED_BYTES => outputs.push(failed(
                name,
                "gzip content is larger than 1 GiB when inflated; not read",
            )),
            Ok(_) => read_at_depth(name, &inflated, depth + 1, outputs, interner, read_report),
            Err(e) => outputs.push(failed(name, &format!("not a readable gzip file: {e}"))),
        }
        return;
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        if depth >= MAX_ARCHIVE_DEPTH {
            return outputs.push(failed(name, "archives nested too deeply; not read"));
        }
        return read_zip(name, bytes, depth, outputs, interner, read_report);
    }
    if first_meaningful_byte(bytes) == Some(b'{') {
        return outputs.push(read_ctrf(name, bytes, interner));
    }
    outputs.push(read_report(name, bytes, interner))
}

/// The first byte after a UTF-8 byte-order mark and white space.
fn first_meaningful_byte(bytes: &[u8]) -> Option<u8> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

fn failed(name: &str, message: &str) -> ReadOutput {
    ReadOutput {
        run: None,
        diagnostics: vec![Diagnostic::whole_file(name, Severity::Error, message)],
    }
}

fn read_zip(
    name: &str,
    bytes: &[u8],
    depth: u32,
    outputs: &mut Vec<ReadOutput>,
    interner: &mut Interner,
    read_report: ReportReader,
) {
    let archive = match rawzip::ZipArchive::from_slice(bytes) {
        Ok(archive) => archive,
        Err(e) => return outputs.push(failed(name, &format!("not a readable zip file: {e}"))),
    };
    let mut skipped = 0usize;
    let before = outputs.len();
    let mut entries = archive.entries();
    for index in 0.. {
        let header = match entries.next_entry() {
            Ok(Some(header)) => header,
            Ok(None) => break,
            // The central directory is read in order: past a damaged record, no later
            // entry can be found.
            Err(e) => {
                outputs.push(failed(
                    name,
                    &format!(
                        "the zip's directory cannot be read at its entry {} (counting from 1): {e}; it and any after it were not read",
                        index + 1
                    ),
                ));
                break;
            }
        };
        if header.is_dir() {
            continue;
        }
        // Names are UTF-8 in the archives CI tools write; an older archive's code-page name
        // is shown with U+FFFD where it is not, and the entry's first output says so.
        let inner = String::from_utf8_lossy(header.file_path().as_bytes());
        let renamed = matches!(inner, Cow::Owned(_));
        let entry_name = format!("{name}/{inner}");
        if header.uncompressed_size_hint() > MAX_INFLATED_BYTES {
            outputs.push(failed(
                &entry_name,
                "zip entry is larger than 1 GiB when inflated; not read",
            ));
            continue;
        }
        let content = match inflate_entry(&archive, &header) {
            Ok(content) => content,
            Err(message) => {
                outputs.push(failed(&entry_name, &message));
                continue;
            }
        };
        if looks_like_report(&content) {
            let first = outputs.len();
            read_at_depth(
                &entry_name,
                &content,
                depth + 1,
                outputs,
                interner,
                read_report,
            );
            if let Some(output) = outputs.get_mut(first).filter(|_| renamed) {
                output.diagnostics.insert(
                    0,
                    Diagnostic::whole_file(
                        &entry_name,
                        Severity::Info,
                        "this zip entry's name is not valid UTF-8 (older archivers wrote names in a code page); its invalid bytes are shown as U+FFFD",
                    ),
                );
            }
        } else {
            skipped += 1;
        }
    }
    if skipped > 0 || outputs.len() == before {
        let severity = if outputs.len() == before {
            Severity::Error
        } else {
            Severity::Info
        };
        let message = if outputs.len() == before {
            format!("no JUnit or CTRF report in this zip ({skipped} other file(s))")
        } else {
            format!("{skipped} file(s) in this zip are not reports and were skipped")
        };
        outputs.push(ReadOutput {
            run: None,
            diagnostics: vec![Diagnostic::whole_file(name, severity, message)],
        });
    }
}

/// The inflated bytes of a stored or deflated zip entry, checked against the sizes and the
/// CRC-32 its headers give (APPNOTE.TXT 4.4.7), or why it cannot be read. At most
/// [`MAX_INFLATED_BYTES`] are inflated.
fn inflate_entry(
    archive: &rawzip::ZipSliceArchive<&[u8]>,
    header: &rawzip::ZipFileHeaderRecord<'_>,
) -> Result<Vec<u8>, String> {
    let entry = archive
        .get_entry(header.wayfinder())
        .map_err(|e| format!("zip entry cannot be read: {e}"))?;
    let method = header.compression_method();
    let data: Box<dyn Read + '_> = if method == rawzip::CompressionMethod::STORE {
        Box::new(entry.data())
    } else if method == rawzip::CompressionMethod::DEFLATE {
        Box::new(flate2::bufread::DeflateDecoder::new(entry.data()))
    } else {
        return Err(format!(
            "zip entry is compressed with method {method}; only stored and deflated entries are read; not read"
        ));
    };
    let mut content = Vec::new();
    let read = entry
        .verifying_reader(data)
        .take(MAX_INFLATED_BYTES + 1)
        .read_to_end(&mut content);
    match read {
        Ok(_) if content.len() as u64 > MAX_INFLATED_BYTES => {
            Err("zip entry is larger than 1 GiB when inflated; not read".to_owned())
        }
        Ok(_) => Ok(content),
        Err(e) => Err(format!(
            "zip entry is damaged (its data, size or CRC-32): {e}"
        )),
    }
}

/// True for content that may be a report: XML, JSON, UTF-16 text, or a nested archive.
fn looks_like_report(content: &[u8]) -> bool {
    content.starts_with(&[0x1F, 0x8B])
        || content.starts_with(b"PK\x03\x04")
        || content.starts_with(&[0xFF, 0xFE])
        || content.starts_with(&[0xFE, 0xFF])
        || matches!(first_meaningful_byte(content), Some(b'<' | b'{'))
}

/// CTRF (Common Test Report Format) as written by its reporters: `results.tests[]` with
/// `name`, `status`, `duration` (milliseconds), `suite` (a string, or an array from outermost
/// to innermost), `retries`, `flaky` and `retryAttempts[]` (the attempts before the final
/// one). Source: the CTRF specification, "Test Object".
#[derive(Deserialize)]
struct CtrfDocument {
    results: CtrfResults,
}

#[derive(Deserialize)]
struct CtrfResults {
    #[serde(default)]
    tool: Option<CtrfTool>,
    #[serde(default)]
    summary: Option<CtrfSummary>,
    tests: Vec<CtrfTest>,
}

#[derive(Deserialize)]
struct CtrfTool {
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct CtrfSummary {
    #[serde(default)]
    start: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct CtrfTest {
    name: String,
    status: String,
    #[serde(default)]
    duration: Option<f64>,
    #[serde(default)]
    suite: Option<CtrfSuite>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    trace: Option<String>,
    #[serde(default)]
    file_path: Option<String>,
    #[serde(default)]
    line: Option<u32>,
    #[serde(default)]
    retries: Option<u32>,
    #[serde(default)]
    flaky: Option<bool>,
    #[serde(default)]
    retry_attempts: Vec<CtrfAttempt>,
    #[serde(default)]
    stdout: Option<CtrfText>,
    #[serde(default)]
    stderr: Option<CtrfText>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CtrfSuite {
    One(String),
    Path(Vec<String>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CtrfText {
    One(String),
    Lines(Vec<String>),
}

impl CtrfText {
    fn joined(self) -> String {
        match self {
            CtrfText::One(s) => s,
            CtrfText::Lines(lines) => lines.join("\n"),
        }
    }
}

#[derive(Deserialize)]
struct CtrfAttempt {
    status: String,
    #[serde(default)]
    duration: Option<f64>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    trace: Option<String>,
}

fn ctrf_outcome(status: &str) -> Option<Outcome> {
    match status {
        "passed" => Some(Outcome::Passed),
        "failed" => Some(Outcome::Failed),
        "skipped" | "pending" => Some(Outcome::Skipped),
        _ => None,
    }
}

fn ctrf_attempt(
    outcome: Outcome,
    duration: Option<f64>,
    message: Option<String>,
    trace: Option<String>,
) -> Attempt {
    let failures = if outcome.is_failure() {
        vec![Failure {
            kind: FailureKind::Failure,
            message,
            failure_type: None,
            body: trace.unwrap_or_default(),
        }]
    } else {
        Vec::new()
    };
    Attempt {
        outcome,
        time_seconds: duration
            .filter(|d| d.is_finite() && *d >= 0.0)
            .map(|ms| ms / 1000.0),
        failures,
        skip_message: None,
        system_out: None,
        system_err: None,
    }
}

/// Reads a CTRF JSON report as one run.
fn read_ctrf(name: &str, bytes: &[u8], interner: &mut Interner) -> ReadOutput {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let doc: CtrfDocument = match serde_json::from_slice(bytes) {
        Ok(doc) => doc,
        Err(e) => {
            let message = if crate::audit::looks_like_audit(bytes) {
                "a flakelens audit, not a test report: audits are read by `flakelens check`, `report`, `summary` and `merge`, and by the page".to_owned()
            } else if e.is_data() {
                format!("not a JUnit report, and not a CTRF report either: {e}")
            } else {
                format!("not a JUnit report: malformed JSON: {e}")
            };
            return ReadOutput {
                run: None,
                diagnostics: vec![Diagnostic {
                    file: name.to_owned(),
                    line: u32::try_from(e.line()).unwrap_or(u32::MAX),
                    column: u32::try_from(e.column()).unwrap_or(u32::MAX),
                    severity: Severity::Error,
                    message,
                }],
            };
        }
    };
    let mut diagnostics = Vec::new();
    let tool = doc
        .results
        .tool
        .and_then(|t| t.name)
        .unwrap_or_else(|| "ctrf".to_owned());
    let mut testcases: Vec<TestCase> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let elements = doc.results.tests.len();
    for test in doc.results.tests {
        let suite = match test.suite {
            Some(CtrfSuite::One(s)) => s,
            Some(CtrfSuite::Path(p)) => p.join(" › "),
            None => tool.clone(),
        };
        let outcome = ctrf_outcome(&test.status).unwrap_or_else(|| {
            diagnostics.push(Diagnostic::whole_file(
                name,
                Severity::Warning,
                format!(
                    "test \"{}\" has status \"{}\"; read as skipped (not executed)",
                    test.name, test.status
                ),
            ));
            Outcome::Skipped
        });
        let mut attempts: Attempts = test
            .retry_attempts
            .into_iter()
            .map(|a| {
                let outcome = ctrf_outcome(&a.status).unwrap_or(Outcome::Skipped);
                ctrf_attempt(outcome, a.duration, a.message, a.trace)
            })
            .collect();
        if attempts.is_empty() && test.flaky == Some(true) && outcome == Outcome::Passed {
            // `retries` failed attempts came before the final pass, with no detail recorded.
            let retries = test.retries.unwrap_or(1).max(1);
            attempts.extend((0..retries).map(|_| ctrf_attempt(Outcome::Failed, None, None, None)));
        }
        let mut last = ctrf_attempt(outcome, test.duration, test.message, test.trace);
        last.system_out = test.stdout.map(|t| t.joined().into());
        last.system_err = test.stderr.map(|t| t.joined().into());
        attempts.push(last);
        let passed = attempts.iter().any(|a| a.outcome == Outcome::Passed);
        let failed = attempts.iter().any(|a| a.outcome.is_failure());
        let suite = interner.intern(&suite);
        let key = TestKey::new(Arc::clone(&suite), suite, interner.intern(&test.name));
        let time_seconds = attempts.last().and_then(|a| a.time_seconds);
        if let Some(&slot) = index.get(&key) {
            let case: &mut TestCase = &mut testcases[slot];
            case.attempts.extend(attempts);
            case.elements += 1;
            let passed = case.attempts.iter().any(|a| a.outcome == Outcome::Passed);
            let failed = case.attempts.iter().any(|a| a.outcome.is_failure());
            case.flaky_in_run = passed && failed;
            if passed {
                case.outcome = Outcome::Passed;
            }
            continue;
        }
        index.insert(key.clone(), testcases.len());
        testcases.push(TestCase {
            suite_path: Arc::clone(key.suite()),
            classname_given: true,
            key,
            outcome: if passed && failed {
                Outcome::Passed
            } else {
                outcome
            },
            flaky_in_run: passed && failed,
            attempts,
            time_seconds,
            elements: 1,
            file: test.file_path,
            line: test.line,
            properties: Vec::new(),
        });
    }
    let timestamp = doc
        .results
        .summary
        .and_then(|s| s.start)
        .and_then(|ms| chrono::DateTime::from_timestamp_millis(ms as i64))
        .map(|dt| Timestamp {
            iso: dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            utc_offset_minutes: Some(0),
            epoch_seconds: dt.timestamp_millis() as f64 / 1000.0,
        });
    ReadOutput {
        run: Some(Run {
            file: name.to_owned(),
            dialect: Dialect::Ctrf,
            testcases,
            testcase_elements: elements,
            partial: false,
            timestamp,
            hostname: None,
            properties: Vec::new(),
        }),
        diagnostics,
    }
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    const REPORT: &[u8] = b"<testsuite name='s'><testcase classname='c' name='t'/></testsuite>";

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).expect("in-memory write");
        encoder.finish().expect("in-memory gzip")
    }

    fn zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, content) in entries {
            writer
                .start_file(*name, zip::write::SimpleFileOptions::default())
                .expect("zip entry");
            writer.write_all(content).expect("in-memory write");
        }
        writer.finish().expect("in-memory zip").into_inner()
    }

    #[test]
    fn gzip_is_sniffed_not_named() {
        let out = read_input("report.bin", &gzip(REPORT));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].run.as_ref().map(|r| r.testcases.len()), Some(1));
    }

    #[test]
    fn zip_reads_every_report_and_names_entries() {
        let gz = gzip(REPORT);
        let archive = zip(&[
            ("a/run-1.xml", REPORT),
            ("b/run-2.xml.gz", &gz),
            ("logs/output.log", b"plain log text"),
        ]);
        let out = read_input("artifact.zip", &archive);
        let files: Vec<&str> = out
            .iter()
            .filter_map(|o| o.run.as_ref().map(|r| r.file.as_str()))
            .collect();
        assert_eq!(
            files,
            ["artifact.zip/a/run-1.xml", "artifact.zip/b/run-2.xml.gz"]
        );
        let notes: Vec<&Diagnostic> = out.iter().flat_map(|o| &o.diagnostics).collect();
        assert_eq!(notes.len(), 1);
        assert!(notes[0]
            .message
            .contains("1 file(s) in this zip are not reports"));
    }

    #[test]
    fn zip_without_reports_is_an_error() {
        let out = read_input("empty.zip", &zip(&[("readme.txt", b"hello")]));
        assert!(out.iter().all(|o| o.run.is_none()));
        assert_eq!(out[0].diagnostics[0].severity, Severity::Error);
    }

    /// A zip of `entries` written stored (not compressed), so a test can find and change
    /// their bytes.
    fn stored_zip(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let mut writer = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, content) in entries {
            writer.start_file(*name, options).expect("zip entry");
            writer.write_all(content).expect("in-memory write");
        }
        writer.finish().expect("in-memory zip").into_inner()
    }

    /// Where `needle` first occurs in `haystack`.
    fn find(haystack: &[u8], needle: &[u8]) -> usize {
        haystack
            .windows(needle.len())
            .position(|w| w == needle)
            .expect("the bytes are there")
    }

    fn run_files(out: &[ReadOutput]) -> Vec<&str> {
        out.iter()
            .filter_map(|o| o.run.as_ref().map(|r| r.file.as_str()))
            .collect()
    }

    fn messages(out: &[ReadOutput]) -> Vec<String> {
        out.iter()
            .flat_map(|o| &o.diagnostics)
            .map(|d| format!("{}: {}", d.file, d.message))
            .collect()
    }

    /// Checks that `out` holds the runs of `files`, in order, and one diagnostic, which
    /// starts with `note` (`file: message`).
    fn assert_runs_and_one_note(out: &[ReadOutput], files: &[&str], note: &str) {
        assert_eq!(run_files(out), files);
        let notes = messages(out);
        assert!(notes.len() == 1 && notes[0].starts_with(note), "{notes:?}");
    }

    #[test]
    fn stored_entries_are_read() {
        let out = read_input("stored.zip", &stored_zip(&[("r.xml", REPORT)]));
        assert_eq!(run_files(&out), ["stored.zip/r.xml"]);
        assert_eq!(messages(&out), Vec::<String>::new());
    }

    #[test]
    fn an_entry_whose_bytes_changed_is_left_out_and_named() {
        // The second report's classname `c` becomes `x` in its stored bytes: its CRC-32 no
        // longer matches (APPNOTE.TXT 4.4.7), so it is not read; the first still is.
        let second = b"<testsuite name='s'><testcase classname='c2' name='t'/></testsuite>";
        let mut archive = stored_zip(&[("one.xml", REPORT), ("two.xml", second)]);
        let at = find(&archive, b"classname='c2'");
        archive[at + "classname='".len()] = b'x';
        assert_runs_and_one_note(
            &read_input("changed.zip", &archive),
            &["changed.zip/one.xml"],
            "changed.zip/two.xml: zip entry is damaged (its data, size or CRC-32): Invalid checksum",
        );
    }

    #[test]
    fn an_entry_compressed_another_way_is_named_with_its_method() {
        // The compression method (APPNOTE.TXT 4.4.5) of the entry is set to 12 (bzip2) in
        // its local header (offset 8) and its central directory record (offset 10).
        let mut archive = stored_zip(&[("b.xml", REPORT), ("r.xml", REPORT)]);
        let local = find(&archive, b"PK\x03\x04");
        archive[local + 8] = 12;
        let central = find(&archive, b"PK\x01\x02");
        archive[central + 10] = 12;
        assert_runs_and_one_note(
            &read_input("bz.zip", &archive),
            &["bz.zip/r.xml"],
            "bz.zip/b.xml: zip entry is compressed with method 12",
        );
    }

    #[test]
    fn a_name_that_is_not_utf8_is_shown_with_a_replacement_and_a_note() {
        // "café.xml" as CP437 writes it (é = 0x82, APPNOTE.TXT appendix D), in the local
        // header and the central directory record alike.
        let mut archive = stored_zip(&[("caf_.xml", REPORT)]);
        for _ in 0..2 {
            let at = find(&archive, b"caf_.xml");
            archive[at + 3] = 0x82;
        }
        let out = read_input("old.zip", &archive);
        assert_runs_and_one_note(
            &out,
            &["old.zip/caf\u{FFFD}.xml"],
            "old.zip/caf\u{FFFD}.xml: this zip entry's name is not valid UTF-8",
        );
        assert_eq!(out[0].diagnostics[0].severity, Severity::Info);
    }

    #[test]
    fn a_damaged_central_directory_stops_at_the_damage_and_says_so() {
        // The second record's signature is broken: the first entry is read, and a
        // diagnostic says the second entry and any after it were not.
        let mut archive = stored_zip(&[("a.xml", REPORT), ("b.xml", REPORT)]);
        let first = find(&archive, b"PK\x01\x02");
        let second = first + 1 + find(&archive[first + 1..], b"PK\x01\x02");
        archive[second + 2] = 0;
        let out = read_input("cd.zip", &archive);
        assert_eq!(run_files(&out), ["cd.zip/a.xml"]);
        let notes = messages(&out);
        assert!(
            notes.iter().any(|n| n.starts_with(
                "cd.zip: the zip's directory cannot be read at its entry 2 (counting from 1)"
            ) && n.ends_with("it and any after it were not read")),
            "{notes:?}"
        );
    }

    #[test]
    fn broken_archives_are_diagnostics() {
        let out = read_input("cut.gz", &gzip(REPORT)[..12]);
        assert!(out[0].run.is_none());
        let out = read_input("cut.zip", b"PK\x03\x04garbage");
        assert!(out[0].run.is_none());
    }

    #[test]
    fn ctrf_run_with_retries() {
        let json = br#"{"results": {"tool": {"name": "jest"},
            "summary": {"tests": 3, "start": 1700000000000},
            "tests": [
              {"name": "adds", "status": "passed", "duration": 120, "suite": ["math", "add"]},
              {"name": "logs in", "status": "passed", "duration": 50, "retries": 1, "flaky": true,
               "retryAttempts": [{"attempt": 1, "status": "failed", "duration": 100, "message": "timeout"}]},
              {"name": "pays", "status": "failed", "duration": 10, "message": "402", "trace": "at pay()"}
            ]}}"#;
        let out = read_input("ctrf.json", json);
        let run = out[0].run.as_ref().expect("a CTRF run");
        assert_eq!(run.dialect, Dialect::Ctrf);
        assert_eq!(run.testcases[0].key.id(), "math › add/math › add::adds");
        assert_eq!(run.testcases[0].time_seconds, Some(0.12));
        let login = &run.testcases[1];
        assert!(login.flaky_in_run);
        assert_eq!(login.outcome, Outcome::Passed);
        assert_eq!(login.attempts.len(), 2);
        assert_eq!(
            login.attempts[0].failures[0].message.as_deref(),
            Some("timeout")
        );
        assert_eq!(run.testcases[2].outcome, Outcome::Failed);
        // 1700000000000 ms = 2023-11-14T22:13:20Z.
        assert_eq!(
            run.timestamp.as_ref().map(|t| t.iso.as_str()),
            Some("2023-11-14T22:13:20Z")
        );
    }

    #[test]
    fn json_that_is_not_ctrf() {
        let out = read_input("package.json", br#"{"name": "x", "version": "1.0.0"}"#);
        assert!(out[0].run.is_none());
        assert!(out[0].diagnostics[0].message.contains("not a CTRF report"));
    }

    #[test]
    fn an_audit_is_named_as_one() {
        let out = read_input(
            "audit.json",
            br#"{"schema": "flakelens-audit/1", "tests": []}"#,
        );
        assert!(out[0].run.is_none());
        assert!(
            out[0].diagnostics[0]
                .message
                .starts_with("a flakelens audit, not a test report"),
            "{:?}",
            out[0].diagnostics
        );
    }
}
