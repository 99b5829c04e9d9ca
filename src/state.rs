//! The app's state, the actions that change it, and the reducer. All maths is the core's.
//!
//! The raw runs are kept, so that a change of options (a run's group label, an excluded run,
//! the categorization rules) analyzes them again. A loaded full audit is shown as it was
//! written until an option changes; its runs are rebuilt with `audit::runs_of` for that.

use std::rc::Rc;

use flakelens_core::audit::{runs_of, Audit, Criteria, CriterionResult};
use flakelens_core::categories::RulesFile;
use flakelens_core::junit::ReadOutput;
use flakelens_core::{Analysis, AnalysisOptions, Diagnostic, Run};
use yew::Reducible;

use crate::loader::Loaded;
use crate::rules::parse_rules;

/// Everything the page shows.
#[derive(Clone, Default, PartialEq)]
pub struct State {
    /// The runs read so far, in the order they were added (excluded runs included).
    runs: Rc<Vec<Run>>,
    /// Diagnostics of every file read so far, including files that yielded no run.
    diagnostics: Rc<Vec<Diagnostic>>,
    /// True when `diagnostics` came from a loaded audit, so they hold the analysis's own
    /// diagnostics too (removed on re-analysis, which makes them again).
    diagnostics_from_audit: bool,
    /// The options of the analysis: group labels, excluded runs, rules.
    pub options: AnalysisOptions,
    /// The success criteria the analysis is judged by.
    pub criteria_config: Criteria,
    /// The analysis of `runs`; `None` before any file was read. For a summary-only audit, an
    /// analysis without runs holding the diagnostics of the drop, if any.
    pub analysis: Option<Rc<Analysis>>,
    /// The evaluated criteria of `analysis` (as stored, for a loaded audit).
    pub criteria: Rc<Vec<CriterionResult>>,
    /// A loaded summary-only audit: shown instead of the analysis views.
    pub summary_audit: Option<Rc<Audit>>,
    /// The title of a loaded audit, kept in the audit the page writes.
    pub title: Option<String>,
    /// The rules file text last applied (empty: the default rules only).
    pub rules_text: String,
    /// Why the last "Apply" of rules failed; the analysis is unchanged.
    pub rules_error: Option<String>,
    /// The category id the test table is filtered to.
    pub category_filter: Option<String>,
    /// True while files are being read.
    pub busy: bool,
    /// A one-line status, such as "reading 3 of 20 files".
    pub status: Option<String>,
    /// The id of the test whose detail panel is open.
    pub selected: Option<String>,
}

/// What can happen to the state.
pub enum Action {
    /// Files are being read; the text says how far.
    Progress(String),
    /// Add these read files to the current set and analyze again; an audit among them
    /// replaces the current set first.
    Add(Box<Loaded>),
    /// Replace the current set with these read files, with default options.
    Replace(Vec<ReadOutput>),
    /// Loading failed before any file was read (for example the example could not be fetched).
    Failed(String),
    /// Forget everything.
    Clear,
    /// Open the detail panel of the test with this id.
    Select(String),
    /// Close the detail panel.
    Deselect,
    /// Show only the tests whose primary category is this id (`None`: all tests).
    FilterCategory(Option<String>),
    /// Parse, check and apply a rules file (flakelens JSON or Allure `categories.json`);
    /// empty text goes back to the default rules.
    ApplyRules(String),
    /// Put the run read from `file` in the group `label`; an empty label restores the guess.
    SetLabel {
        /// The run's file name.
        file: String,
        /// The new group label.
        label: String,
    },
    /// Include the run read from `file` in the analysis, or leave it out.
    SetIncluded {
        /// The run's file name.
        file: String,
        /// False to exclude it.
        included: bool,
    },
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Progress(status) => {
                next.busy = true;
                next.status = Some(status);
            }
            Action::Failed(message) => {
                next.busy = false;
                next.status = Some(message);
            }
            Action::Select(id) => next.selected = Some(id),
            Action::Deselect => next.selected = None,
            Action::Clear => return Rc::new(State::default()),
            Action::FilterCategory(id) => next.category_filter = id,
            Action::Replace(reads) => {
                next = State::default();
                next.add_reads(reads);
                next.analyze();
            }
            Action::Add(loaded) => next.add(*loaded),
            Action::ApplyRules(text) => match parse_rules(&text) {
                Ok(rules) => {
                    next.options.rules = rules;
                    next.rules_text = text;
                    next.rules_error = None;
                    next.reanalyze_if_loaded();
                }
                Err(message) => next.rules_error = Some(message),
            },
            Action::SetLabel { file, label } => {
                let label = label.trim();
                if label.is_empty() {
                    next.options.run_labels.remove(&file);
                } else {
                    next.options.run_labels.insert(file, label.to_owned());
                }
                next.reanalyze_if_loaded();
            }
            Action::SetIncluded { file, included } => {
                next.options.excluded_runs.retain(|f| *f != file);
                if !included {
                    next.options.excluded_runs.push(file);
                }
                next.reanalyze_if_loaded();
            }
        }
        Rc::new(next)
    }
}

impl State {
    /// The file names of every run read, excluded ones included, in order.
    pub fn run_files(&self) -> Vec<String> {
        self.runs.iter().map(|r| r.file.clone()).collect()
    }

    fn add(&mut self, loaded: Loaded) {
        let Loaded { reads, audit } = loaded;
        let adds_runs = reads.iter().any(|r| r.run.is_some());
        if let Some((_, audit)) = audit {
            self.load_audit(audit);
            if !adds_runs {
                // Only diagnostics besides the audit: show them, keep the audit's numbers.
                let extra: Vec<Diagnostic> =
                    reads.into_iter().flat_map(|r| r.diagnostics).collect();
                if !extra.is_empty() {
                    Rc::make_mut(&mut self.diagnostics).extend(extra.iter().cloned());
                    let mut shown = self
                        .analysis
                        .as_deref()
                        .cloned()
                        .unwrap_or_else(|| Analysis::from_runs(&[], Vec::new()));
                    shown.diagnostics.extend(extra);
                    self.analysis = Some(Rc::new(shown));
                }
                return;
            }
        }
        if !adds_runs && self.summary_audit.is_some() {
            Rc::make_mut(&mut self.diagnostics)
                .extend(reads.into_iter().flat_map(|r| r.diagnostics));
            self.analysis = Some(Rc::new(Analysis::from_runs(
                &[],
                (*self.diagnostics).clone(),
            )));
            self.busy = false;
            self.status = None;
            return;
        }
        if self.summary_audit.take().is_some() {
            // Runs replace a summary-only audit: it has nothing to add them to.
            self.title = None;
            self.criteria_config = Criteria::default();
        }
        self.add_reads(reads);
        self.analyze();
    }

    fn add_reads(&mut self, reads: Vec<ReadOutput>) {
        let runs = Rc::make_mut(&mut self.runs);
        let diagnostics = Rc::make_mut(&mut self.diagnostics);
        for read in reads {
            diagnostics.extend(read.diagnostics);
            runs.extend(read.run);
        }
    }

    /// Replaces everything with a loaded audit: a summary-only one is shown as such; a full one
    /// shows its stored analysis and criteria, and keeps its runs for re-analysis.
    fn load_audit(&mut self, audit: Audit) {
        let mut next = State {
            title: audit.title.clone(),
            criteria_config: audit.criteria_config.clone(),
            criteria: Rc::new(audit.criteria.clone()),
            ..State::default()
        };
        if audit.is_summary_only() {
            next.summary_audit = Some(Rc::new(audit));
            *self = next;
            return;
        }
        next.runs = Rc::new(runs_of(&audit));
        next.diagnostics = Rc::new(audit.analysis.diagnostics.clone());
        next.diagnostics_from_audit = true;
        if audit.analysis.options.rules != RulesFile::default() {
            next.rules_text =
                serde_json::to_string_pretty(&audit.analysis.options.rules).unwrap_or_default();
        }
        next.options = audit.analysis.options.clone();
        next.analysis = Some(Rc::new(audit.analysis));
        *self = next;
    }

    /// Re-analyzes after an option changed, when there is something to analyze.
    fn reanalyze_if_loaded(&mut self) {
        if self.analysis.is_some() && self.summary_audit.is_none() {
            self.analyze();
        }
    }

    /// Analyzes the runs with the options, evaluates the criteria and keeps the open test and
    /// the category filter when they are still there.
    fn analyze(&mut self) {
        let mut analysis = Analysis::from_runs_with(&self.runs, Vec::new(), &self.options);
        let own = std::mem::take(&mut analysis.diagnostics);
        if self.diagnostics_from_audit {
            // An audit's diagnostics end with the analysis's own; this analysis makes its own.
            let base = Rc::make_mut(&mut self.diagnostics);
            for d in &own {
                if let Some(i) = base.iter().rposition(|b| b == d) {
                    base.remove(i);
                }
            }
            self.diagnostics_from_audit = false;
        }
        analysis.diagnostics = (*self.diagnostics).clone();
        analysis.diagnostics.extend(own);
        self.criteria = Rc::new(self.criteria_config.evaluate(&analysis));
        self.selected = self
            .selected
            .take()
            .filter(|id| analysis.tests.iter().any(|t| &t.id == id));
        self.category_filter = self
            .category_filter
            .take()
            .filter(|id| analysis.categories.iter().any(|c| &c.id == id));
        self.analysis = Some(Rc::new(analysis));
        self.busy = false;
        self.status = None;
    }
}
