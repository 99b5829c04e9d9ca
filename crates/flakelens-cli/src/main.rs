//! `flakelens`: the command-line interface, a thin shell over `flakelens-core`.
//!
//! It reads files, hands their bytes to the core and prints what the core returns.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flakelens_core::{junit, Analysis, Diagnostic, Severity};

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
    /// Analyze JUnit XML reports, one file per run, in the order given.
    ///
    /// Prints a text summary, or the analysis as JSON with --json. A file that cannot be read
    /// or parsed is reported as a diagnostic and the other files are still analyzed.
    /// Exit status: 0 when at least one run was read, 2 when none was.
    Analyze {
        /// JUnit XML report files; each file is one run.
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

fn analyze(files: &[PathBuf], json: bool) -> ExitCode {
    let reads = files.iter().map(|path| {
        let name = path.display().to_string();
        match std::fs::read(path) {
            // The bytes are dropped as soon as the core has read them.
            Ok(bytes) => junit::read_report(&name, &bytes),
            Err(e) => junit::ReadOutput {
                run: None,
                diagnostics: vec![Diagnostic::whole_file(
                    &name,
                    Severity::Error,
                    format!("cannot read file: {e}"),
                )],
            },
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
