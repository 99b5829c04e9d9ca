//! One coloured cell per run; with many runs, one cell per stretch of runs with the same
//! outcome, or per group of runs when the stretches are too many.

use std::rc::Rc;

use flakelens_core::Outcome;
use yew::prelude::*;

use crate::display::{outcome_name, strip_cells, StripCell};

/// Up to this many runs a strip has a cell per run; above, a cell stands for several runs, as
/// wide as they are: a stretch of runs with the same outcome, or a group of runs
/// ([`MERGED_CELLS_AT_MOST`]). One element per run made the tests view build 20,000 cells for
/// 40 rows at 500 runs (about 120 ms of the switch then, and as much layout).
pub const CELL_PER_RUN_UP_TO: usize = 60;

/// Above [`CELL_PER_RUN_UP_TO`] runs a strip has at most this many cells: one per stretch of
/// equal outcomes while they fit, else one per group of runs ([`strip_cells`]). A test that
/// fails one run in five has about 160 stretches in 500 runs, and the tests view built them
/// all for each of its 40 rows (77-100 ms to switch to it at 5,000 tests × 500 runs, most of
/// it in the DOM, after the cell per run had gone).
pub const MERGED_CELLS_AT_MOST: usize = 60;

/// Props of [`OutcomeStrip`].
#[derive(Properties, PartialEq)]
pub struct OutcomeStripProps {
    /// One outcome per run, `None` where the test is absent.
    pub outcomes: Vec<Option<Outcome>>,
    /// The run file names, for the cells' tooltips (shared by every row).
    pub files: Rc<Vec<String>>,
}

/// A row of cells coloured by outcome: one per run up to [`CELL_PER_RUN_UP_TO`] runs; above,
/// at most [`MERGED_CELLS_AT_MOST`], each standing for a stretch of runs with the same
/// outcome or for a group of runs. Each cell's `data-outcome` names the outcome it shows, a
/// merged cell's `data-runs` says how many runs it stands for, and a group with more than one
/// outcome (class `mixed`) says how many runs had each in `data-counts` (`failed:1
/// passed:8`), fills the share of its runs with the outcome it shows (`--share`), and the
/// rest with passes, or with the next outcome when none passed (class `rest-NAME`).
#[function_component(OutcomeStrip)]
pub fn outcome_strip(props: &OutcomeStripProps) -> Html {
    let file = |i: usize| props.files.get(i).map(String::as_str).unwrap_or("");
    if props.outcomes.len() > CELL_PER_RUN_UP_TO {
        let cells = strip_cells(&props.outcomes, MERGED_CELLS_AT_MOST);
        let described: Vec<String> = cells.iter().map(describe).collect();
        return html! {
            <span class="strip merged" role="img" aria-label={described.join(", ")}>
                { for cells.iter().zip(&described).map(|(cell, text)| {
                    let last = cell.first + cell.runs - 1;
                    let files = match cell.runs {
                        1 => file(cell.first).to_owned(),
                        _ => format!("{} … {}", file(cell.first), file(last)),
                    };
                    let rest = cell.rest().map(|name| format!("rest-{name}"));
                    let (mixed, counts, style) = if cell.is_mixed() {
                        let counts = cell.counts.iter().map(|(name, n)| format!("{name}:{n}"));
                        (
                            Some("mixed"),
                            Some(counts.collect::<Vec<_>>().join(" ")),
                            format!("flex-grow: {}; --share: {:.1}%", cell.runs, 100.0 * cell.shown_share()),
                        )
                    } else {
                        (None, None, format!("flex-grow: {}", cell.runs))
                    };
                    html! {
                        <span class={classes!("cell", cell.shown(), mixed, rest)} data-outcome={cell.shown()}
                            data-runs={cell.runs.to_string()} data-counts={counts}
                            style={style} title={format!("{text} ({files})")}></span>
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

/// What a cell of a merged strip stands for, such as `runs 1–9: 1 failed, 8 passed`.
fn describe(cell: &StripCell) -> String {
    let runs = match cell.runs {
        1 => format!("run {}", cell.first + 1),
        n => format!("runs {}–{}", cell.first + 1, cell.first + n),
    };
    if cell.is_mixed() {
        let counts: Vec<String> = cell
            .counts
            .iter()
            .map(|(name, n)| format!("{n} {name}"))
            .collect();
        format!("{runs}: {}", counts.join(", "))
    } else {
        format!("{runs}: {}", cell.shown())
    }
}
