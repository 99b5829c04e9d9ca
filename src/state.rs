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
}

impl Reducible for State {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let (mut runs, mut diagnostics) = match &action {
            Action::Add(_) => (self.runs.clone(), self.diagnostics.clone()),
            _ => (Vec::new(), Vec::new()),
        };
        match action {
            Action::Progress(status) => {
                return Rc::new(State {
                    runs: self.runs.clone(),
                    diagnostics: self.diagnostics.clone(),
                    analysis: self.analysis.clone(),
                    busy: true,
                    status: Some(status),
                })
            }
            Action::Failed(message) => {
                return Rc::new(State {
                    runs: self.runs.clone(),
                    diagnostics: self.diagnostics.clone(),
                    analysis: self.analysis.clone(),
                    busy: false,
                    status: Some(message),
                })
            }
            Action::Clear => return Rc::new(State::default()),
            Action::Add(reads) | Action::Replace(reads) => {
                for read in reads {
                    diagnostics.extend(read.diagnostics);
                    runs.extend(read.run);
                }
            }
        }
        let analysis = Analysis::from_runs(&runs, diagnostics.clone());
        Rc::new(State {
            runs,
            diagnostics,
            analysis: Some(Rc::new(analysis)),
            busy: false,
            status: None,
        })
    }
}
