//! `flakelens`: the command-line interface, a thin shell over `flakelens-core`.
//!
//! It reads files, hands their bytes to the core and prints what the core returns.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flakelens_core::{input, junit, Analysis, Diagnostic, Severity};

mod text;

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
    /// Exit status: 0 when at least one run was read, 2 when none was.
    Analyze {
        /// Report files or folders; each report is one run.
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Print the analysis as JSON on stdout instead of a text summary.
        #[arg(long)]
        json: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Analyze { files, json } => analyze(&files, json),
    }
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

fn analyze(files: &[PathBuf], json: bool) -> ExitCode {
    let reads = expand(files).into_iter().flat_map(|path| {
        let name = path.display().to_string();
        match std::fs::read(&path) {
            // The bytes are dropped as soon as the core has read them.
            Ok(bytes) => input::read_input(&name, &bytes),
            Err(e) => vec![junit::ReadOutput {
                run: None,
                diagnostics: vec![Diagnostic::whole_file(
                    &name,
                    Severity::Error,
                    format!("cannot read file: {e}"),
                )],
            }],
        }
    });
    let analysis = Analysis::from_reads(reads);
    let mut stdout = std::io::stdout().lock();
    let written = if json {
        serde_json::to_writer_pretty(&mut stdout, &analysis)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(stdout))
    } else {
        for d in &analysis.diagnostics {
            eprintln!("{d}");
        }
        text::write_summary(&mut stdout, &analysis)
    };
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("flakelens: cannot write output: {e}");
            return ExitCode::from(2);
        }
    }
    if analysis.runs.is_empty() {
        eprintln!("flakelens: no JUnit report could be read");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
