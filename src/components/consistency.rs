//! N-run consistency: how many tests behaved identically, what N runs can prove, the runs
//! that agree least with the others, and the run × run agreement matrix as a heat map: HTML
//! cells up to [`AGREEMENT_HTML_RUNS`] runs, a `<canvas>` beyond.

use flakelens_core::format::{confidence, percent};
use flakelens_core::metrics::consistency::run_agreements;
use gloo_events::EventListener;
use web_sys::{KeyboardEvent, MouseEvent as WebMouseEvent};
use yew::prelude::*;

use crate::chart::{fill_rect, mix_colour};
use crate::components::canvas::{css_colour, pixel_under, put_pixels};
use crate::display::SharedAnalysis;
use crate::display::{agreement_attr, heat, run_name, run_ranges, Theme};

/// Above this many runs the agreement matrix is drawn on a canvas. As HTML, each cell is an
/// element with its title: 500 runs' 250,000 cells took the page 4.1–4.9 s to build, and a
/// second long task of 2.4–3.7 s followed (`bench/browser/many-runs.mjs`).
pub const AGREEMENT_HTML_RUNS: usize = 60;
/// How many of the least agreeing runs are listed.
const LEAST_AGREEING_LISTED: usize = 10;
/// The light theme's heat colours (`--heat-hot`, `--heat-cool` in `styles/main.css`), for a
/// stylesheet that does not give them as `#rrggbb`.
const HOT: [u8; 3] = [0xb7, 0x1c, 0x1c];
const COOL: [u8; 3] = [0xe6, 0xf4, 0xea];

/// What hovering the cell of runs `i` and `j` tells: both runs and their agreement.
fn pair_text(names: &RunNames<'_>, i: usize, j: usize, value: Option<f64>) -> String {
    let pair = format!(
        "{} ({}) vs {} ({})",
        names.name(i),
        names.file(i),
        names.name(j),
        names.file(j)
    );
    match value {
        Some(v) => format!("{pair}: {} of shared tests agree", percent(Some(v))),
        None => format!("{pair}: no test in common"),
    }
}

/// The runs' names and files, by index.
struct RunNames<'a> {
    labels: Vec<&'a str>,
    files: Vec<&'a str>,
}

impl<'a> RunNames<'a> {
    fn of(analysis: &'a flakelens_core::Analysis) -> RunNames<'a> {
        RunNames {
            labels: analysis.runs.iter().map(|r| r.label.as_str()).collect(),
            files: analysis.runs.iter().map(|r| r.file.as_str()).collect(),
        }
    }

    fn name(&self, i: usize) -> String {
        run_name(i, self.labels.get(i).copied().unwrap_or(""))
    }

    fn file(&self, i: usize) -> &str {
        self.files.get(i).copied().unwrap_or("")
    }
}

/// Props of [`ConsistencyPanel`].
#[derive(Properties, PartialEq)]
pub struct ConsistencyProps {
    /// The analysis whose consistency to show.
    pub analysis: SharedAnalysis,
    /// The theme chosen (`None`: the system's), so the canvas is drawn again in its colours.
    #[prop_or_default]
    pub theme: Option<Theme>,
}

/// Contiguous runs with one label, for the header row above the matrix: (label, how many).
fn label_spans(labels: &[&str]) -> Vec<(String, usize)> {
    let mut spans: Vec<(String, usize)> = Vec::new();
    for label in labels {
        match spans.last_mut() {
            Some((last, n)) if last == label => *n += 1,
            _ => spans.push(((*label).to_owned(), 1)),
        }
    }
    spans
}

/// The figures, the bound sentence and the matrix.
#[function_component(ConsistencyPanel)]
pub fn consistency_panel(props: &ConsistencyProps) -> Html {
    let analysis = &props.analysis;
    let c = &analysis.consistency;
    let level = confidence(analysis.options.confidence);
    let n = c.runs;
    let names = RunNames::of(analysis);
    let labels = &names.labels;
    let name = |i: usize| names.name(i);
    let least = run_agreements(&c.agreement);
    let bound = match c.bound_95 {
        Some(b) => format!(
            "a test that passed in all {n} runs has a failure rate below {} ({level})",
            percent(Some(b))
        ),
        None => "no run, so no bound".to_owned(),
    };
    let several_groups = analysis.groups.len() > 1;
    html! {
        <section class="consistency" data-testid="consistency" aria-labelledby="consistency-title">
            <h2 id="consistency-title">{"Consistency"}</h2>
            <p>
                <span data-testid="consistency-runs">{format!("N = {n} runs")}</span>{" · "}
                <span data-testid="consistency-identical">
                    {format!("{} of {} executed tests identical in every run ({})",
                        c.identical_tests, c.executed_tests, percent(c.identical_share))}
                </span>
            </p>
            <p class="bound" data-testid="consistency-bound">{bound}</p>
            if n > 0 {
                if n >= 3 && !least.is_empty() {
                    <h3>{"Runs that agree least with the others"}</h3>
                    <table class="least-agreeing" data-testid="least-agreeing">
                        <thead>
                            <tr>
                                <th scope="col">{"Run"}</th>
                                <th scope="col">{"File"}</th>
                                <th scope="col" class="num">{"Mean agreement"}</th>
                                <th scope="col">{"Agrees least with"}</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for least.iter().take(LEAST_AGREEING_LISTED).map(|r| html! {
                                <tr data-run={r.run.to_string()} data-mean={agreement_attr(Some(r.mean))}>
                                    <th scope="row">{name(r.run)}</th>
                                    <td class="file"><code>{names.file(r.run)}</code></td>
                                    <td class="num" title={format!("over the {} other runs that share a test with it", r.compared_runs)}>
                                        {percent(Some(r.mean))}
                                    </td>
                                    <td data-least={r.least_agreeing.to_string()}>
                                        {format!("{} ({})", name(r.least_agreeing), percent(Some(r.least_agreement)))}
                                    </td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                }
                <p class="hint">
                    {"Agreement of two runs: the share of the tests present in both with the same outcome. \
                      Darker cells mean the two runs disagree more; hover a cell for its figures."}
                </p>
                if n > AGREEMENT_HTML_RUNS {
                    <AgreementCanvas analysis={analysis.clone()} theme={props.theme}
                        listed={n >= 3 && !least.is_empty()} />
                    if several_groups {
                        <p class="hint" data-testid="agreement-groups">
                            {"Runs by group: "}{run_ranges(&(0..n).collect::<Vec<_>>(), labels)}
                        </p>
                    }
                } else {
                    <div class="scroll">
                        <table class="heatmap" data-testid="agreement" aria-label="Run by run agreement">
                            <thead>
                                if several_groups {
                                    <tr class="group-row">
                                        <td></td>
                                        { for label_spans(labels).into_iter().map(|(label, span)| html! {
                                            <th scope="colgroup" colspan={span.to_string()}>{label}</th>
                                        }) }
                                    </tr>
                                }
                                <tr>
                                    <td></td>
                                    { for (0..n).map(|j| html! {
                                        <th scope="col" title={format!("{} · {}", name(j), names.file(j))}>
                                            {j + 1}
                                        </th>
                                    }) }
                                </tr>
                            </thead>
                            <tbody>
                                { for (0..n).map(|i| html! {
                                    <tr>
                                        <th scope="row" title={names.file(i).to_owned()}>{name(i)}</th>
                                        { for (0..n).map(|j| {
                                            let value = c.agreement.get(i).and_then(|row| row.get(j)).copied().flatten();
                                            let title = pair_text(&names, i, j, value);
                                            let style = value.map(|v| format!("--heat: {}%", heat(v)));
                                            html! {
                                                <td class={classes!("heat", value.is_none().then_some("none"))}
                                                    data-agreement={agreement_attr(value)} {title} {style}
                                                    aria-label={percent(value)}></td>
                                            }
                                        }) }
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                    </div>
                }
                <p class="legend" aria-hidden="true">
                    <span>{"100% agree"}</span><span class="legend-bar"></span><span>{"50% or less"}</span>
                </p>
            }
        </section>
    }
}

/// Props of [`AgreementCanvas`].
#[derive(Properties, PartialEq)]
struct AgreementCanvasProps {
    analysis: SharedAnalysis,
    /// The theme chosen; the canvas is drawn again when it changes.
    theme: Option<Theme>,
    /// True when the runs that agree least are listed above the canvas.
    listed: bool,
}

/// The agreement matrix as an image, one square of pixels per pair of runs, coloured as the
/// HTML cells are (the theme's `--heat-hot` and `--heat-cool`); the pair under the pointer,
/// last clicked or moved to with the arrow keys (the canvas takes focus) is told beneath it.
#[function_component(AgreementCanvas)]
fn agreement_canvas(props: &AgreementCanvasProps) -> Html {
    let canvas = use_node_ref();
    // The pair told, and whether the keyboard chose it (then the readout is announced).
    let pointed = use_state_eq(|| None::<((usize, usize), bool)>);
    // Bumped when the system's colour scheme changes, to draw again in the theme's colours.
    let scheme_changes = use_state(|| 0u32);
    {
        let scheme_changes = scheme_changes.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window()
                .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
                .map(|query| {
                    EventListener::new(&query, "change", move |_| {
                        scheme_changes.set(*scheme_changes + 1)
                    })
                });
            move || drop(listener)
        });
    }
    let agreement = &props.analysis.consistency.agreement;
    let n = agreement.len();
    let cell = (720 / n.max(1)).clamp(1, 12);
    let side = n * cell;
    {
        let (canvas, pointed) = (canvas.clone(), pointed.clone());
        let deps = (props.analysis.clone(), props.theme, *scheme_changes);
        use_effect_with(deps, move |(analysis, _, _)| {
            // Another analysis may have other runs at those places.
            pointed.set(None);
            let matrix = &analysis.consistency.agreement;
            let colour = |name, fallback| {
                canvas
                    .cast::<web_sys::Element>()
                    .and_then(|el| css_colour(&el, name))
                    .unwrap_or(fallback)
            };
            let (hot, cool) = (colour("--heat-hot", HOT), colour("--heat-cool", COOL));
            let mut pixels = vec![0u8; side * side * 4];
            for (i, row) in matrix.iter().enumerate() {
                for (j, value) in row.iter().enumerate().take(n) {
                    // A pair with no test in common stays transparent.
                    let Some(v) = value else { continue };
                    let rgba = mix_colour(hot, cool, heat(*v));
                    fill_rect(
                        &mut pixels,
                        side,
                        j * cell..(j + 1) * cell,
                        i * cell..(i + 1) * cell,
                        rgba,
                    );
                }
            }
            put_pixels(&canvas, &pixels, side, side);
        });
    }
    let point = {
        let pointed = pointed.clone();
        Callback::from(move |e: WebMouseEvent| {
            if let Some((x, y)) = pixel_under(&e, side, side) {
                pointed.set(Some(((y / cell, x / cell), false)));
            }
        })
    };
    let onkeydown = {
        let pointed = pointed.clone();
        Callback::from(move |e: KeyboardEvent| {
            let ((i, j), _) = (*pointed).unwrap_or(((0, 0), true));
            let last = n.saturating_sub(1);
            let moved = match e.key().as_str() {
                "ArrowUp" => (i.saturating_sub(1), j),
                "ArrowDown" => ((i + 1).min(last), j),
                "ArrowLeft" => (i, j.saturating_sub(1)),
                "ArrowRight" => (i, (j + 1).min(last)),
                "Home" => (i, 0),
                "End" => (i, last),
                _ => return,
            };
            e.prevent_default();
            pointed.set(Some((moved, true)));
        })
    };
    let names = RunNames::of(&props.analysis);
    let (readout, pair, value, announced) = match *pointed {
        Some(((i, j), by_keyboard)) if i < n && j < n => {
            let value = agreement[i].get(j).copied().flatten();
            (
                pair_text(&names, i, j, value),
                Some(format!("{i} {j}")),
                Some(agreement_attr(value)),
                by_keyboard,
            )
        }
        _ => (
            "Point at a cell, click it, or focus the image and use the arrow keys, for its two runs and their agreement.".to_owned(),
            None,
            None,
            false,
        ),
    };
    let listed = if props.listed {
        "; the runs that agree least with the others are listed above"
    } else {
        ""
    };
    html! {
        <>
            <div class="scroll">
                <canvas ref={canvas} class="agreement-canvas" data-testid="agreement" data-mode="canvas"
                    data-runs={n.to_string()} data-cell={cell.to_string()}
                    width={side.to_string()} height={side.to_string()} role="img" tabindex="0"
                    onmousemove={point.clone()} onclick={point} {onkeydown}
                    aria-label={format!("Run by run agreement of {n} runs, {cell} pixel(s) per pair; arrow keys move between pairs{listed}")}>
                </canvas>
            </div>
            <p class="agreement-readout" data-testid="agreement-readout" data-pair={pair}
                data-agreement={value} aria-live={if announced { "polite" } else { "off" }}>{readout}</p>
        </>
    }
}
