//! The runs: one row per report file, in run order. Each run's group label can be changed
//! and each run left out of the analysis; both re-analyze. Above [`ALL_ROWS_UP_TO`] runs the
//! table is windowed: rows have a fixed height and only those in view (and a few either side)
//! are in the DOM, between two spacer rows.

use std::rc::Rc;

use flakelens_core::format::seconds;
use flakelens_core::RunSummary;
use web_sys::{Element, HtmlInputElement};
use yew::prelude::*;

use crate::chart::virtual_window;
use crate::components::windowed::{measure_viewport, spacer};
use crate::display::SharedAnalysis;

/// Up to this many runs every row is in the DOM. At 500 runs, 500 rows (each with a checkbox
/// and a text field) took about 110 ms to build and a 250 ms layout after it.
pub const ALL_ROWS_UP_TO: usize = 100;
/// A windowed table's row height in pixels (`.runs-table.windowed tbody tr` in the
/// stylesheet says the same).
const ROW_HEIGHT: f64 = 40.0;
/// Rows rendered beyond each edge of the visible part.
const OVERSCAN: usize = 10;
/// The height assumed before the scroll container is measured.
const DEFAULT_VIEWPORT: f64 = 900.0;

/// Props of [`RunsTable`].
#[derive(Properties, PartialEq)]
pub struct RunsProps {
    /// The analysis whose runs to list.
    pub analysis: SharedAnalysis,
    /// Every run read, excluded ones included, by file name in the order read.
    pub files: Rc<Vec<String>>,
    /// Runs left out of the analysis.
    pub excluded: Vec<String>,
    /// Called with (file, label) when a run is relabelled; an empty label restores the guess.
    pub on_label: Callback<(String, String)>,
    /// Called with (file, included) when a run's checkbox changes.
    pub on_include: Callback<(String, bool)>,
}

/// File, group label and where it came from, dialect, timestamp, counts and partial.
#[function_component(RunsTable)]
pub fn runs_table(props: &RunsProps) -> Html {
    // The first row in view and how many rows fit: a scroll within a row changes neither,
    // and renders nothing.
    let first_row = use_state_eq(|| 0usize);
    let viewport = use_state_eq(|| DEFAULT_VIEWPORT);
    let runs = &props.analysis.runs;
    // Each file's first run, found once per analysis: 500 files searched row by row were
    // 125,000 comparisons.
    let run_of = use_memo(props.analysis.clone(), |analysis| {
        let mut run_of: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for (i, run) in analysis.runs.iter().enumerate() {
            run_of.entry(run.file.clone()).or_insert(i);
        }
        run_of
    });
    let total = props.files.len();
    let windowed = total > ALL_ROWS_UP_TO;
    let (start, end) = if windowed {
        // Fewer files than before (a smaller load) leave the first row past the end until
        // the browser's own scroll event: the window is taken from the last rows then.
        let visible = (*viewport / ROW_HEIGHT).ceil() as usize;
        let first = (*first_row).min(total.saturating_sub(visible));
        virtual_window(
            first as f64 * ROW_HEIGHT,
            *viewport,
            ROW_HEIGHT,
            total,
            OVERSCAN,
        )
    } else {
        (0, total)
    };
    let onscroll = windowed.then(|| {
        let (first_row, viewport) = (first_row.clone(), viewport.clone());
        Callback::from(move |e: Event| {
            let el = e.target_unchecked_into::<Element>();
            // Non-negative, so the cast only drops the fraction.
            first_row.set((f64::from(el.scroll_top().max(0)) / ROW_HEIGHT).floor() as usize);
            measure_viewport(&el, &viewport);
        })
    });
    html! {
        <section class="runs" data-testid="runs" aria-labelledby="runs-title">
            <h2 id="runs-title">{"Runs"}</h2>
            <p class="hint">
                {"Untick a run to leave it out; type a group label and press Enter to move a run to another group (such as sequential or parallel). Each change analyzes again."}
            </p>
            <div class={classes!("scroll", windowed.then_some("table-scroll"))} {onscroll}
                data-testid="runs-scroll">
                <table class={classes!("runs-table", windowed.then_some("windowed"))}
                    aria-rowcount={(total + 1).to_string()}>
                    <thead>
                        <tr aria-rowindex="1">
                            <th scope="col" title="Included in the analysis">{"Use"}</th>
                            <th scope="col" class="num">{"#"}</th>
                            <th scope="col">{"File"}</th>
                            <th scope="col" title="The run's group label, and where it came from">{"Group"}</th>
                            <th scope="col" title="The producer, guessed from the report's shape">{"Dialect"}</th>
                            <th scope="col">{"Timestamp"}</th>
                            <th scope="col" class="num">{"Tests"}</th>
                            <th scope="col" class="num">{"Pass"}</th>
                            <th scope="col" class="num">{"Fail"}</th>
                            <th scope="col" class="num">{"Error"}</th>
                            <th scope="col" class="num">{"Skip"}</th>
                            <th scope="col" class="num" title="Sum of the testcases' times">{"Time"}</th>
                            <th scope="col" title="Malformed file: only the testcases before the fault were read">{"Partial"}</th>
                        </tr>
                    </thead>
                    if windowed {
                        { spacer(start, ROW_HEIGHT, 13) }
                    }
                    <tbody>
                        { for props.files[start..end].iter().enumerate().map(|(k, file)| {
                            // Keyed by place and file, so a row scrolled into view is never
                            // another run's row reused, with the text typed in its field.
                            let place = start + k;
                            let key = format!("{place}:{file}");
                            let row_index = (place + 2).to_string();
                            let checkbox = include_box(file, &props.on_include, props.excluded.contains(file));
                            match run_of.get(file.as_str()).copied() {
                                Some(i) => run_row(i, &runs[i], checkbox, &props.on_label, key, row_index),
                                None => {
                                    let why = if props.excluded.contains(file) {
                                        "left out of the analysis"
                                    } else {
                                        "merged with other shards into one run"
                                    };
                                    html! {
                                        <tr class="excluded" data-file={file.clone()} {key} aria-rowindex={row_index}>
                                            <td>{checkbox}</td>
                                            <td class="num">{"—"}</td>
                                            <td class="file"><code>{file}</code></td>
                                            <td colspan="10" class="muted">{why}</td>
                                        </tr>
                                    }
                                }
                            }
                        }) }
                    </tbody>
                    if windowed {
                        { spacer(total - end, ROW_HEIGHT, 13) }
                    }
                </table>
            </div>
        </section>
    }
}

fn include_box(file: &str, on_include: &Callback<(String, bool)>, excluded: bool) -> Html {
    let onchange = {
        let file = file.to_owned();
        on_include.reform(move |e: Event| {
            (
                file.clone(),
                e.target_unchecked_into::<HtmlInputElement>().checked(),
            )
        })
    };
    html! {
        <input type="checkbox" data-testid="run-include" checked={!excluded} {onchange}
            aria-label={format!("Include {file} in the analysis")} />
    }
}

/// Run `i`'s row; `key` and `row_index` (its `aria-rowindex`) come from its place in the
/// table.
fn run_row(
    i: usize,
    r: &RunSummary,
    checkbox: Html,
    on_label: &Callback<(String, String)>,
    key: String,
    row_index: String,
) -> Html {
    let onchange = {
        let file = r.file.clone();
        let on_label = on_label.clone();
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let label = input.value().trim().to_owned();
            input.set_value("");
            if !label.is_empty() {
                on_label.emit((file.clone(), label));
            }
        })
    };
    let reset = (r.label_source == "user").then(|| {
        let file = r.file.clone();
        let onclick = on_label.reform(move |_: MouseEvent| (file.clone(), String::new()));
        html! {
            <button type="button" class="link reset-label" {onclick}
                title="Back to the guessed label">{"reset"}</button>
        }
    });
    html! {
        <tr data-run={i.to_string()} data-file={r.file.clone()} {key} aria-rowindex={row_index}>
            <td>{checkbox}</td>
            <td class="num">{i + 1}</td>
            <td class="file"><code>{&r.file}</code></td>
            <td>
                <span data-testid="run-label">{&r.label}</span>
                <span class="muted">{format!(" ({})", r.label_source)}</span>
                {" "}{reset}
                <input type="text" class="label-input" data-testid="run-label-input" placeholder="new label"
                    size="10" aria-label={format!("New group label for run {}", i + 1)} {onchange} />
            </td>
            <td>{r.dialect.as_str()}</td>
            <td class="nowrap">{r.timestamp.as_ref().map_or("—", |t| t.iso.as_str())}</td>
            <td class="num">{r.counts.tests()}</td>
            <td class="num">{r.counts.passed()}</td>
            <td class="num">{r.counts.failed()}</td>
            <td class="num">{r.counts.errored()}</td>
            <td class="num">{r.counts.skipped()}</td>
            <td class="num nowrap">{r.total_time_seconds.map_or_else(|| "—".to_owned(), seconds)}</td>
            <td>
                if r.partial {
                    <span class="verdict broken">{"partial"}</span>
                }
            </td>
        </tr>
    }
}
