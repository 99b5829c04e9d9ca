//! One coloured cell per run; with many runs, one cell per stretch of runs with the same
//! outcome.

use std::rc::Rc;

use flakelens_core::Outcome;
use yew::prelude::*;

use crate::display::{outcome_name, outcome_stretches};

/// Up to this many runs a strip has a cell per run; above, it merges each stretch of consecutive runs with the same outcome
/// into one cell, as wide as the runs it stands for. One element per run made the tests view
/// build 20,000 cells for 40 rows at 500 runs (about 120 ms of the switch, and as much layout).
pub const CELL_PER_RUN_UP_TO: usize = 60;

/// Props of [`OutcomeStrip`].
#[derive(Properties, PartialEq)]
pub struct OutcomeStripProps {
    /// One outcome per run, `None` where the test is absent.
    pub outcomes: Vec<Option<Outcome>>,
    /// The run file names, for the cells' tooltips (shared by every row).
    pub files: Rc<Vec<String>>,
}

/// A row of cells coloured by outcome: one per run, or one per stretch of runs with the same
/// outcome above [`CELL_PER_RUN_UP_TO`] runs. Each cell's `data-outcome` names the outcome,
/// and a merged cell's `data-runs` says how many runs it stands for.
#[function_component(OutcomeStrip)]
pub fn outcome_strip(props: &OutcomeStripProps) -> Html {
    let file = |i: usize| props.files.get(i).map(String::as_str).unwrap_or("");
    if props.outcomes.len() > CELL_PER_RUN_UP_TO {
        let stretches = outcome_stretches(&props.outcomes);
        let described: Vec<String> = stretches
            .iter()
            .map(|&(start, len, name)| match len {
                1 => format!("run {}: {name}", start + 1),
                _ => format!("runs {}–{}: {name}", start + 1, start + len),
            })
            .collect();
        return html! {
            <span class="strip merged" role="img" aria-label={described.join(", ")}>
                { for stretches.iter().zip(&described).map(|(&(start, len, name), text)| {
                    let files = match len {
                        1 => file(start).to_owned(),
                        _ => format!("{} … {}", file(start), file(start + len - 1)),
                    };
                    html! {
                        <span class={classes!("cell", name)} data-outcome={name} data-runs={len.to_string()}
                            style={format!("flex-grow: {len}")} title={format!("{text} ({files})")}></span>
                    }
                }) }
            </span>
        };
    }
    html! {
        <span class="strip" role="img"
            aria-label={props.outcomes.iter().map(|o| outcome_name(*o)).collect::<Vec<_>>().join(", ")}>
            { for props.outcomes.iter().enumerate().map(|(i, o)| {
                let name = outcome_name(*o);
                html! {
                    <span class={classes!("cell", name)} data-outcome={name}
                        title={format!("run {} ({}): {name}", i + 1, file(i))}></span>
                }
            }) }
        </span>
    }
}
