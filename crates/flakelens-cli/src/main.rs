//! `flakelens`: the command-line interface, a thin shell over `flakelens-core`.
//!
//! It reads files, hands their bytes to the core and prints what the core returns.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use flakelens_core::categories::{parse_rules_file, RuleSet, RulesFile};
use flakelens_core::{
    input, junit, Analysis, AnalysisOptions, Diagnostic, IdentityOptions, RunOrder, Severity,
    SuitePart,
};

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
        #[command(flatten)]
        options: AnalysisArgs,
    },
}

/// Options of the analysis; each default is the core's documented default.
#[derive(clap::Args)]
struct AnalysisArgs {
    /// Confidence level of intervals and bounds, in (0, 1).
    #[arg(long, default_value_t = 0.95, value_name = "LEVEL")]
    confidence: f64,
    /// Flag a test broken when it fails in at least this share of its executed runs.
    #[arg(long, default_value_t = 0.8, value_name = "SHARE")]
    broken_share: f64,
    /// Also flag a test broken when its last K executed runs all failed (0: off).
    #[arg(long, default_value_t = 3, value_name = "K")]
    broken_last_k: u32,
    /// Order runs by the files' order or by the reports' timestamps.
    #[arg(long, value_enum, default_value_t = Order::File)]
    order: Order,
    /// Put a run in a group: FILE=LABEL (repeatable). Unlabelled runs get a label guessed
    /// from their path and properties (sequential, parallel, a folder), or "all".
    #[arg(long = "label", value_name = "FILE=LABEL", value_parser = parse_label)]
    labels: Vec<(String, String)>,
    /// Leave a run out (repeatable).
    #[arg(long = "exclude", value_name = "FILE")]
    excluded: Vec<String>,
    /// Which suite name identifies a test: the innermost suite, the whole suite path, or none.
    #[arg(long, value_enum, default_value_t = IdentitySuite::Innermost)]
    identity_suite: IdentitySuite,
    /// Identify tests without their classname.
    #[arg(long)]
    ignore_classname: bool,
    /// Add the testcase's file attribute to its identity.
    #[arg(long)]
    include_file: bool,
    /// Strip parameters ("[...]" or "(...)") from test names, so the cases of a
    /// parameterized test count as one test (collisions are reported).
    #[arg(long)]
    strip_parameters: bool,
    /// Root-cause rules: a flakelens rules JSON file ({"rules": [...]}) or Allure's
    /// categories.json. Its rules rank above the defaults.
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Order {
    File,
    Timestamp,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum IdentitySuite {
    Innermost,
    Path,
    None,
}

fn parse_label(text: &str) -> Result<(String, String), String> {
    match text.rsplit_once('=') {
        Some((file, label)) if !file.is_empty() && !label.is_empty() => {
            Ok((file.to_owned(), label.to_owned()))
        }
        _ => Err(format!("expected FILE=LABEL, got \"{text}\"")),
    }
}

impl AnalysisArgs {
    fn options(&self) -> Result<AnalysisOptions, String> {
        if !(self.confidence > 0.0 && self.confidence < 1.0) {
            return Err(format!(
                "--confidence must be between 0 and 1, got {}",
                self.confidence
            ));
        }
        if !(self.broken_share > 0.0 && self.broken_share <= 1.0) {
            return Err(format!(
                "--broken-share must be in (0, 1], got {}",
                self.broken_share
            ));
        }
        let rules = match &self.rules {
            None => RulesFile::default(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read rules file {}: {e}", path.display()))?;
                let file = parse_rules_file(&text)
                    .map_err(|e| format!("rules file {}: {e}", path.display()))?;
                RuleSet::compile(&file.rules)
                    .map_err(|e| format!("rules file {}: {e}", path.display()))?;
                file
            }
        };
        Ok(AnalysisOptions {
            rules,
            confidence: self.confidence,
            broken_share: self.broken_share,
            broken_last_k: self.broken_last_k,
            run_order: match self.order {
                Order::File => RunOrder::FileOrder,
                Order::Timestamp => RunOrder::Timestamp,
            },
            run_labels: self.labels.iter().cloned().collect(),
            excluded_runs: self.excluded.clone(),
            identity: IdentityOptions {
                suite: match self.identity_suite {
                    IdentitySuite::Innermost => SuitePart::Innermost,
                    IdentitySuite::Path => SuitePart::Path,
                    IdentitySuite::None => SuitePart::None,
                },
                ignore_classname: self.ignore_classname,
                include_file: self.include_file,
                strip_parameters: self.strip_parameters,
            },
            ..AnalysisOptions::default()
        })
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Analyze {
            files,
            json,
            options,
        } => match options.options() {
            Ok(options) => analyze(&files, json, &options),
            Err(message) => {
                eprintln!("flakelens: {message}");
                ExitCode::from(2)
            }
        },
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

fn analyze(files: &[PathBuf], json: bool, options: &AnalysisOptions) -> ExitCode {
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
    let analysis = Analysis::from_reads_with(reads, options);
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
