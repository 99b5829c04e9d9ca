//! The `quick-junit` crate's reader (`Report::deserialize_from_str`, documented by the crate
//! as made for the reports it writes) on every file: count test suites, testcases and
//! failing testcases (failure or error), and name the files it rejects.
//!
//! Usage: `quick-junit-read DIR_OR_FILE...`. Prints one JSON line:
//! `{"files":N,"bytes":N,"testcases":N,"failures":N,"rejected":N}`, and one line per rejected
//! file on stderr.

use std::process::ExitCode;

use quick_junit::{Report, TestCaseStatus};

fn main() -> ExitCode {
    let Some(files) = flakelens_bench_peers::files_from_args("quick-junit-read") else {
        return ExitCode::FAILURE;
    };
    let (mut bytes, mut testcases, mut failures, mut rejected) = (0usize, 0usize, 0usize, 0usize);
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("quick-junit-read: rejected {}: {e}", path.display());
                rejected += 1;
                continue;
            }
        };
        bytes += text.len();
        match Report::deserialize_from_str(&text) {
            Ok(report) => {
                for suite in &report.test_suites {
                    for case in &suite.test_cases {
                        testcases += 1;
                        // Both kinds, failure and error, count as failing, as in the other peers.
                        if matches!(case.status, TestCaseStatus::NonSuccess { .. }) {
                            failures += 1;
                        }
                    }
                }
            }
            Err(e) => {
                eprintln!("quick-junit-read: rejected {}: {e}", path.display());
                rejected += 1;
            }
        }
    }
    println!(
        "{{\"files\":{},\"bytes\":{bytes},\"testcases\":{testcases},\"failures\":{failures},\"rejected\":{rejected}}}",
        files.len()
    );
    ExitCode::SUCCESS
}
