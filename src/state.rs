//! The app's state, the actions that change it, and the reducer. All maths is the core's, and
//! runs in the engine (`engine.rs`: the worker).
//!
//! The engine keeps the runs; the page keeps the options and the analysis the engine sent.
//! A change of options (a run's group label, an excluded run, the categorization rules)
//! bumps [`State::analysis_request`]; the app then asks the engine to analyze again and
//! dispatches [`Action::Analyzed`]. A loaded full audit is shown as it was written until an
//! option changes; the engine rebuilt its runs with `audit::runs_of` for that.

use std::rc::Rc;

use flakelens_core::audit::{Criteria, CriterionResult};
use flakelens_core::categories::RulesFile;
use flakelens_core::{Analysis, AnalysisOptions, Diagnostic};
use yew::Reducible;

use crate::display::route::{Query, Route, View};
use crate::loader::{Loaded, LoadedAudit};
use crate::protocol::Held;

/// Above this many bytes of input held by the engine, the page warns and offers to drop
/// system-out/err (256 MiB: a conservative mark. The page and its worker took about 1.2×
/// the input at 332 MB (Chromium's renderer RSS, with copies of the files as `Blob`s),
/// 0.56× at 1 GB and 0.41× at 2 GB, at bcab959; 1.1× at 332 MB since the worker keeps the
/// picked files by reference; browsers give one page 1–4 GiB). `?budget=MIB` in
/// the page's address sets another value (the end-to-end test uses it).
pub const MEMORY_BUDGET_BYTES: u64 = 256 << 20;

/// [`MEMORY_BUDGET_BYTES`], or the `?budget=` of the page's address (in MiB).
pub fn memory_budget() -> u64 {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|search| {
            web_sys::UrlSearchParams::new_with_str(&search)
                .ok()?
                .get("budget")?
                .trim()
                .parse::<u64>()
                .ok()
        })
        .map_or(MEMORY_BUDGET_BYTES, |mib| mib << 20)
}

pub use crate::display::Theme;

/// Everything the page shows.
#[derive(Clone, Default, PartialEq)]
pub struct State {
    /// The file names of the runs the engine holds, in the order they were added (excluded
    /// runs included).
    run_files: Rc<Vec<String>>,
    /// What the engine holds: runs, input bytes, whether outputs were dropped.
    pub held: Held,
    /// Bumped to ask the app to have the engine analyze the runs with `options` (0: never).
    pub analysis_request: u32,
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
    /// `search_text` of every test of `analysis` (the analysis it was built for, and the
    /// texts), when the engine's answer built it.
    pub search_index: Option<(Rc<Analysis>, Rc<Vec<String>>)>,
    /// The evaluated criteria of `analysis` (as stored, for a loaded audit).
    pub criteria: Rc<Vec<CriterionResult>>,
    /// A loaded summary-only audit: shown instead of the analysis views.
    pub summary_audit: Option<Rc<LoadedAudit>>,
    /// The title of a loaded audit, kept in the audit the page writes.
    pub title: Option<String>,
    /// The rules file text last applied (empty: the default rules only).
    pub rules_text: String,
    /// Why the last "Apply" of rules failed; the analysis is unchanged.
    pub rules_error: Option<String>,
    /// The view shown and the test table's query, mirrored in the URL fragment.
    pub route: Route,
    /// The test the keyboard cursor (`j`/`k`) is on in the test table.
    pub cursor: Option<String>,
    /// Bumped to ask the test table to focus its cursor row (after `j`/`k`, or after the
    /// detail closes): a request, carried out by an effect.
    pub focus_cursor: u32,
    /// True while the cursor row should keep focus (after `j`/`k`, or after the detail
    /// closes) until Esc: the table gives it back if a re-render dropped it.
    pub hold_cursor_focus: bool,
    /// Bumped to ask for the search box to take focus (`/`).
    pub focus_search: u32,
    /// The theme chosen with the toggle; `None` follows the system.
    pub theme: Option<Theme>,
    /// True while files are being read.
    pub busy: bool,
    /// A one-line status, such as "reading 3 of 20 files".
    pub status: Option<String>,
}

/// What can happen to the state.
pub enum Action {
    /// Files are being read; the text says how far.
    Progress(String),
    /// Add these read files to the current set and analyze again; an audit among them
    /// replaces the current set first.
    Add(Box<Loaded>),
    /// Replace the current set with these read files, with default options.
    Replace(Box<Loaded>),
    /// The engine analyzed the runs for this request: the analysis and every run's file name.
    Analyzed {
        /// The [`State::analysis_request`] it answers; older answers are ignored.
        request: u32,
        /// The analysis, as the page shows it.
        analysis: Box<Analysis>,
        /// Every held run's file name, excluded ones included.
        run_files: Vec<String>,
        /// `search_text` of every test, in order.
        search_index: Rc<Vec<String>>,
    },
    /// What the engine holds now.
    Held(Held),
    /// The engine stopped (the worker died): what it held is lost; the text says why.
    EngineFailed(String),
    /// Loading failed before any file was read (for example the example could not be fetched).
    Failed(String),
    /// Forget everything.
    Clear,
    /// Open the detail panel of the test with this id (the tests view with its detail).
    Select(String),
    /// Close the detail panel (back to the tests view) and put focus on its row.
    Deselect,
    /// The URL fragment changed (typed, back or forward): show what it says.
    Navigated(Route),
    /// Replace the test table's query (search, chips, sort, group).
    SetQuery(Query),
    /// Show only the tests whose primary category is this id (`None`: all tests); a category
    /// chosen in the categories view opens the tests view.
    FilterCategory(Option<String>),
    /// Put the keyboard cursor on this test and focus its row.
    SetCursor(String),
    /// Let focus go (Esc outside the detail): the cursor row stops holding it.
    ReleaseFocus,
    /// Ask for the search box to take focus (and show the tests view).
    FocusSearch,
    /// Choose a theme (`None`: follow the system).
    SetTheme(Option<Theme>),
    /// Apply a rules file (flakelens JSON or Allure `categories.json`) as the engine parsed
    /// and checked it, or show why it cannot be applied; empty text goes back to the default
    /// rules.
    ApplyRules {
        /// The text applied.
        text: String,
        /// Its rules, or why they cannot be applied.
        rules: Result<RulesFile, String>,
    },
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
            Action::Select(id) => {
                next.hold_cursor_focus = false;
                next.cursor = Some(id.clone());
                next.route.view = View::Test(id);
            }
            Action::Deselect => {
                if matches!(next.route.view, View::Test(_)) {
                    next.route.view = View::Tests;
                    next.focus_cursor = next.focus_cursor.wrapping_add(1);
                    next.hold_cursor_focus = true;
                }
            }
            Action::Navigated(route) => {
                if route == self.route {
                    return self;
                }
                if let View::Test(id) = &route.view {
                    next.cursor = Some(id.clone());
                }
                next.route = route;
            }
            Action::SetQuery(query) => next.route.query = query,
            Action::FilterCategory(id) => {
                if id.is_some() && next.route.view == View::Categories {
                    next.route.view = View::Tests;
                }
                next.route.query.cat = id;
            }
            Action::ReleaseFocus => {
                if !self.hold_cursor_focus {
                    return self;
                }
                next.hold_cursor_focus = false;
            }
            Action::SetCursor(id) => {
                next.hold_cursor_focus = true;
                next.cursor = Some(id);
                next.focus_cursor = next.focus_cursor.wrapping_add(1);
            }
            Action::FocusSearch => {
                next.hold_cursor_focus = false;
                if !matches!(next.route.view, View::Tests | View::Test(_)) {
                    next.route.view = View::Tests;
                }
                next.focus_search = next.focus_search.wrapping_add(1);
            }
            Action::SetTheme(theme) => next.theme = theme,
            Action::Clear => {
                // Forget the data; keep where the user is and how the page looks.
                let mut cleared = State {
                    route: self.route.clone(),
                    theme: self.theme,
                    analysis_request: self.analysis_request,
                    ..State::default()
                };
                if matches!(cleared.route.view, View::Test(_)) {
                    cleared.route.view = View::Tests;
                }
                return Rc::new(cleared);
            }
            Action::Replace(loaded) => {
                next = State {
                    route: self.route.clone(),
                    theme: self.theme,
                    analysis_request: self.analysis_request,
                    held: self.held,
                    ..State::default()
                };
                next.diagnostics = Rc::new(loaded.diagnostics);
                next.request_analysis();
            }
            Action::Analyzed {
                request,
                analysis,
                run_files,
                search_index,
            } => {
                if request != self.analysis_request || self.summary_audit.is_some() {
                    return self;
                }
                next.run_files = Rc::new(run_files);
                next.analyzed(*analysis);
                if let Some(shown) = &next.analysis {
                    next.search_index = Some((shown.clone(), search_index));
                }
            }
            Action::Held(held) => {
                if held == self.held {
                    return self;
                }
                next.held = held;
            }
            Action::EngineFailed(message) => {
                next = State {
                    route: self.route.clone(),
                    theme: self.theme,
                    analysis_request: self.analysis_request,
                    status: Some(message),
                    ..State::default()
                };
                if matches!(next.route.view, View::Test(_)) {
                    next.route.view = View::Tests;
                }
            }
            Action::Add(loaded) => next.add(*loaded),
            Action::ApplyRules { text, rules } => match rules {
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
    /// The state before any file is read: on `route` (from the URL), with the stored theme.
    pub fn starting(route: Route, theme: Option<Theme>) -> State {
        State {
            route,
            theme,
            ..State::default()
        }
    }

    /// The id of the test whose detail is open, if any.
    pub fn selected(&self) -> Option<&str> {
        match &self.route.view {
            View::Test(id) => Some(id),
            _ => None,
        }
    }

    /// The file names of every run read, excluded ones included, in order.
    pub fn run_files(&self) -> Rc<Vec<String>> {
        self.run_files.clone()
    }

    /// True when the input held passed the memory budget and outputs are still held.
    pub fn over_budget(&self, budget: u64) -> bool {
        self.held.input_bytes > budget && !self.held.outputs_dropped
    }

    fn add(&mut self, loaded: Loaded) {
        let Loaded {
            diagnostics: extra,
            runs,
            audit,
        } = loaded;
        let adds_runs = runs > 0;
        if let Some((_, audit)) = audit {
            self.load_audit(audit);
            if !adds_runs {
                // Only diagnostics besides the audit: show them, keep the audit's numbers.
                if !extra.is_empty() {
                    Rc::make_mut(&mut self.diagnostics).extend(extra.iter().cloned());
                    let mut shown = self
                        .analysis
                        .as_deref()
                        .cloned()
                        .unwrap_or_else(|| Analysis::empty(Vec::new()));
                    shown.diagnostics.extend(extra);
                    self.analysis = Some(Rc::new(shown));
                }
                return;
            }
        }
        if !adds_runs && self.summary_audit.is_some() {
            Rc::make_mut(&mut self.diagnostics).extend(extra);
            self.analysis = Some(Rc::new(Analysis::empty((*self.diagnostics).clone())));
            self.busy = false;
            self.status = None;
            return;
        }
        if self.summary_audit.take().is_some() {
            // Runs replace a summary-only audit: it has nothing to add them to.
            self.title = None;
            self.criteria_config = Criteria::default();
        }
        Rc::make_mut(&mut self.diagnostics).extend(extra);
        if adds_runs && self.analysis.is_some() && self.held.input_bytes > memory_budget() {
            // Files added above the memory budget: the analysis shown is let go before the
            // next one arrives, which would otherwise be held beside it (45 MB instead of
            // 24 MB at 332 MB; the page and its worker together must stay within a quarter
            // of the input). A change of options keeps it: the runs table stays usable.
            self.analysis = None;
            self.search_index = None;
        }
        self.request_analysis();
    }

    /// Asks for the runs to be analyzed again (by the app, through the engine).
    fn request_analysis(&mut self) {
        self.analysis_request = self.analysis_request.wrapping_add(1);
        self.busy = true;
        self.status = Some("analyzing…".to_owned());
    }

    /// Replaces everything with a loaded audit: a summary-only one is shown as such; a full one
    /// shows its stored analysis and criteria, and keeps its runs for re-analysis.
    fn load_audit(&mut self, audit: LoadedAudit) {
        let mut next = State {
            route: self.route.clone(),
            theme: self.theme,
            title: audit.meta.title.clone(),
            criteria_config: audit.meta.criteria_config.clone(),
            criteria: Rc::new(audit.meta.criteria.clone()),
            analysis_request: self.analysis_request,
            held: self.held,
            ..State::default()
        };
        if audit.is_summary_only() {
            next.summary_audit = Some(Rc::new(audit));
            *self = next;
            return;
        }
        let analysis = audit.analysis;
        next.run_files = Rc::new(analysis.runs.iter().map(|r| r.file.clone()).collect());
        next.diagnostics = Rc::new(analysis.diagnostics.clone());
        next.diagnostics_from_audit = true;
        if analysis.options.rules != RulesFile::default() {
            next.rules_text =
                serde_json::to_string_pretty(&analysis.options.rules).unwrap_or_default();
        }
        next.options = analysis.options.clone();
        next.analysis = Some(Rc::new(analysis));
        *self = next;
    }

    /// Re-analyzes after an option changed, when there is something to analyze.
    fn reanalyze_if_loaded(&mut self) {
        if self.analysis.is_some() && self.summary_audit.is_none() {
            self.request_analysis();
        }
    }

    /// Takes the engine's analysis of the runs: adds the diagnostics, evaluates the criteria
    /// and keeps the open test and the category filter when they are still there.
    fn analyzed(&mut self, mut analysis: Analysis) {
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
        if let View::Test(id) = &self.route.view {
            if !analysis.tests.iter().any(|t| *t.id == **id) {
                self.route.view = View::Tests;
            }
        }
        self.cursor = self
            .cursor
            .take()
            .filter(|id| analysis.tests.iter().any(|t| *t.id == **id));
        let query = &mut self.route.query;
        query.cat = query
            .cat
            .take()
            .filter(|id| analysis.categories.iter().any(|c| &c.id == id));
        query.group = query
            .group
            .take()
            .filter(|label| analysis.groups.iter().any(|g| &g.label == label));
        self.analysis = Some(Rc::new(analysis));
        self.busy = false;
        self.status = None;
    }
}
