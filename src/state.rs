//! The app's state, the actions that change it, and the reducer. All maths is the core's.

use std::rc::Rc;

use flakelens_core::junit::ReadOutput;
use flakelens_core::{Analysis, Diagnostic, Run};
use yew::Reducible;

/// Everything the page shows.
#[derive(Default, PartialEq)]
pub struct State {
    /// The runs read so far, in the order they were added.
    runs: Vec<Run>,
    /// Diagnostics of every file read so far, including files that yielded no run.
    diagnostics: Vec<Diagnostic>,
    /// The analysis of `runs`; `None` before any file was read.
    pub analysis: Option<Rc<Analysis>>,
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
    /// Add these read files to the current set and analyze again.
    Add(Vec<ReadOutput>),
    /// Replace the current set with these read files.
    Replace(Vec<ReadOutput>),
    /// Loading failed before any file was read (for example the example could not be fetched).
    Failed(String),
    /// Forget everything.
    Clear,
    /// Open the detail panel of the test with this id.
    Select(String),
    /// Close the detail panel.
    Deselect,
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let adding = matches!(action, Action::Add(_));
        let (mut runs, mut diagnostics) = match &action {
            Action::Add(_) => (self.runs.clone(), self.diagnostics.clone()),
            _ => (Vec::new(), Vec::new()),
        };
        // Keeps the runs and the analysis; changes only what the page shows around them.
        let same = |busy: bool, status: Option<String>, selected: Option<String>| State {
            runs: self.runs.clone(),
            diagnostics: self.diagnostics.clone(),
            analysis: self.analysis.clone(),
            busy,
            status,
            selected,
        };
        match action {
            Action::Progress(status) => {
                return Rc::new(same(true, Some(status), self.selected.clone()))
            }
            Action::Failed(message) => {
                return Rc::new(same(false, Some(message), self.selected.clone()))
            }
            Action::Select(id) => return Rc::new(same(self.busy, self.status.clone(), Some(id))),
            Action::Deselect => return Rc::new(same(self.busy, self.status.clone(), None)),
            Action::Clear => return Rc::new(State::default()),
            Action::Add(reads) | Action::Replace(reads) => {
                for read in reads {
                    diagnostics.extend(read.diagnostics);
                    runs.extend(read.run);
                }
            }
        }
        let analysis = Analysis::from_runs(&runs, diagnostics.clone());
        // After "Add" the open test stays open if it is still there; "Replace" starts afresh.
        let selected = if adding {
            self.selected
                .clone()
                .filter(|id| analysis.tests.iter().any(|t| &t.id == id))
        } else {
            None
        };
        Rc::new(State {
            runs,
            diagnostics,
            analysis: Some(Rc::new(analysis)),
            busy: false,
            status: None,
            selected,
        })
    }
}
