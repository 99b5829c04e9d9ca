//! Tests × runs: every shown test's outcome in every run. Up to 20,000 cells it is an HTML
//! grid (one cell per outcome, the test names link to their detail); beyond, it is drawn on a
//! `<canvas>`, one pixel row standing for a bucket of tests, coloured by the share of them
//! that failed in that run.

use std::rc::Rc;

use flakelens_core::Outcome;
use web_sys::MouseEvent as WebMouseEvent;
use yew::prelude::*;

use crate::chart::{fill_rect, tests_per_row};
use crate::components::canvas::{pixel_under, put_pixels};
use crate::display::{run_name, SharedAnalysis};

/// Above this many cells the heat map is drawn on a canvas.
pub const HTML_CELL_LIMIT: usize = 20_000;
/// Pixel rows of the canvas at most.
const CANVAS_ROWS: usize = 600;

/// Props of [`TestHeatmap`].
#[derive(Properties, PartialEq)]
pub struct TestHeatmapProps {
    /// The analysis holding the tests.
    pub analysis: SharedAnalysis,
    /// The tests to draw (indices into `analysis.tests`), in the test table's order.
    pub shown: Rc<Vec<usize>>,
    /// True when the test table's filters narrow `shown`.
    pub filtered: bool,
    /// Called with a test's id to open its detail.
    pub on_select: Callback<String>,
}

/// The section.
#[function_component(TestHeatmap)]
pub fn test_heatmap(props: &TestHeatmapProps) -> Html {
    let analysis = &props.analysis;
    let runs = analysis.runs.len();
    let cells = props.shown.len() * runs;
    let note = if props.filtered {
        format!(
            "{} tests: the test table's filters apply.",
            props.shown.len()
        )
    } else {
        format!(
            "All {} tests, in the test table's order.",
            props.shown.len()
        )
    };
    html! {
        <section class="test-heatmap" data-testid="test-heatmap-section" aria-labelledby="test-heatmap-title">
            <h2 id="test-heatmap-title">{"Tests × runs"}</h2>
            <p class="hint">
                {note}{" Green passed, red failed, purple errored, grey skipped, blank absent."}
                if cells > HTML_CELL_LIMIT {
                    {" Drawn as an image: each row of pixels is a bucket of tests, redder the more of them failed in that run; click a row to open its first test."}
                }
            </p>
            if runs == 0 || props.shown.is_empty() {
                <p class="muted">{"No test to draw."}</p>
            } else if cells > HTML_CELL_LIMIT {
                <HeatCanvas analysis={analysis.clone()} shown={props.shown.clone()} on_select={props.on_select.clone()} />
            } else {
                <div class="scroll">
                    <table class="outcome-grid" data-testid="test-heatmap" data-mode="html">
                        <thead>
                            <tr>
                                <th scope="col">{"Test"}</th>
                                { for analysis.runs.iter().enumerate().map(|(i, r)| html! {
                                    <th scope="col" title={format!("{} · {}", run_name(i, &r.label), r.file)}>{i + 1}</th>
                                }) }
                            </tr>
                        </thead>
                        <tbody>
                            { for props.shown.iter().map(|&i| {
                                let test = &analysis.tests[i];
                                let onclick = {
                                    let id = test.id.to_string();
                                    props.on_select.reform(move |_: MouseEvent| id.clone())
                                };
                                html! {
                                    <tr key={&*test.id} data-test-id={test.id.to_string()}>
                                        <th scope="row"><button type="button" class="link" {onclick} title={test.id.to_string()}>{&*test.name}</button></th>
                                        { for test.outcomes.iter().map(|o| {
                                            let name = o.map_or("absent", Outcome::as_str);
                                            html! { <td class={classes!("o", name)} data-outcome={name}></td> }
                                        }) }
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

/// Props of [`HeatCanvas`].
#[derive(Properties, PartialEq)]
struct HeatCanvasProps {
    analysis: SharedAnalysis,
    shown: Rc<Vec<usize>>,
    on_select: Callback<String>,
}

/// Colour of a bucket in one run: `executed` tests ran, `failures` of them failed or errored.
fn bucket_colour(failures: u32, executed: u32, present: u32) -> [u8; 4] {
    if present == 0 {
        return [0, 0, 0, 0];
    }
    if executed == 0 {
        return [154, 160, 166, 255];
    }
    if failures == 0 {
        return [46, 133, 64, 255];
    }
    // From a light red for one failure in many to a deep red for all of them.
    let share = f64::from(failures) / f64::from(executed);
    let t = share.sqrt().clamp(0.0, 1.0);
    let mix = |a: f64, b: f64| (a + (b - a) * t).round().clamp(0.0, 255.0) as u8;
    [mix(244.0, 183.0), mix(143.0, 28.0), mix(143.0, 28.0), 255]
}

#[function_component(HeatCanvas)]
fn heat_canvas(props: &HeatCanvasProps) -> Html {
    let canvas = use_node_ref();
    let runs = props.analysis.runs.len().max(1);
    let per_row = tests_per_row(props.shown.len(), CANVAS_ROWS);
    let rows = props.shown.len().div_ceil(per_row);
    let cell_w = (720 / runs).clamp(3, 24);
    let row_h = (CANVAS_ROWS / rows.max(1)).clamp(1, 12);
    let (width, height) = (runs * cell_w, rows * row_h);
    {
        let canvas = canvas.clone();
        let (analysis, shown) = (props.analysis.clone(), props.shown.clone());
        use_effect_with((analysis.clone(), shown.clone()), move |_| {
            let mut pixels = vec![0u8; width * height * 4];
            for (b, bucket) in shown.chunks(per_row).enumerate() {
                for run in 0..runs {
                    let (mut failures, mut executed, mut present) = (0u32, 0u32, 0u32);
                    for &i in bucket {
                        if let Some(o) = analysis.tests[i].outcomes.get(run).copied().flatten() {
                            present += 1;
                            executed += u32::from(o.is_executed());
                            failures += u32::from(o.is_failure());
                        }
                    }
                    let colour = bucket_colour(failures, executed, present);
                    // One pixel of gap between runs when cells are wide enough.
                    let right = if cell_w > 4 { cell_w - 1 } else { cell_w };
                    let xs = run * cell_w..run * cell_w + right;
                    fill_rect(&mut pixels, width, xs, b * row_h..(b + 1) * row_h, colour);
                }
            }
            put_pixels(&canvas, &pixels, width, height);
        });
    }
    let onclick = {
        let (analysis, shown, on_select) = (
            props.analysis.clone(),
            props.shown.clone(),
            props.on_select.clone(),
        );
        Callback::from(move |e: WebMouseEvent| {
            // The canvas may be scaled down by CSS: the click maps back to canvas pixels.
            let Some((_, y)) = pixel_under(&e, width, height) else {
                return;
            };
            if let Some(&i) = shown.get(y / row_h * per_row) {
                on_select.emit(analysis.tests[i].id.to_string());
            }
        })
    };
    html! {
        <div class="scroll">
            <canvas ref={canvas} class="heat-canvas" data-testid="test-heatmap" data-mode="canvas"
                data-tests-per-row={per_row.to_string()} width={width.to_string()} height={height.to_string()}
                role="img" {onclick}
                aria-label={format!("{} tests in {} runs, {per_row} test(s) per row of pixels", props.shown.len(), runs)}>
            </canvas>
        </div>
    }
}
