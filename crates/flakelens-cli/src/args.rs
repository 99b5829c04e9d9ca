//! Command-line options that become the core's analysis and criteria options.

use std::path::PathBuf;

use flakelens_core::audit::{Criteria, Privacy};
use flakelens_core::categories::{parse_rules_file, RuleSet, RulesFile};
use flakelens_core::{AnalysisOptions, IdentityOptions, RunOrder, SuitePart};

/// Options of the analysis; each default is the core's documented default.
#[derive(clap::Args)]
pub struct AnalysisArgs {
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
    /// The analysis options, or a one-line error.
    pub fn options(&self) -> Result<AnalysisOptions, String> {
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

/// Options of the audit document.
#[derive(clap::Args)]
pub struct AuditArgs {
    /// Success criteria: a JSON file with any of max_flaky_tests, min_runs, min_consistency,
    /// parallel_agrees, max_markers, max_failure_rate_bound (null turns one off).
    #[arg(long, value_name = "FILE")]
    pub criteria: Option<PathBuf>,
    /// Leave failure messages and stack traces out of the audit.
    #[arg(long)]
    pub no_messages: bool,
    /// Leave system-out and system-err out of the audit.
    #[arg(long)]
    pub no_output: bool,
    /// A title for the audit.
    #[arg(long)]
    pub title: Option<String>,
}

impl AuditArgs {
    /// The text the audit may hold: `--no-messages` and `--no-output` leave theirs out.
    pub fn privacy(&self) -> Privacy {
        Privacy {
            messages: !self.no_messages,
            output: !self.no_output,
        }
    }

    /// The criteria, or a one-line error.
    pub fn criteria(&self) -> Result<Criteria, String> {
        match &self.criteria {
            None => Ok(Criteria::default()),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("cannot read criteria file {}: {e}", path.display()))?;
                Criteria::from_json(&text)
                    .map_err(|e| format!("criteria file {}: {e}", path.display()))
            }
        }
    }
}
