//! The runs on a line: one mark per run, placed by its timestamp when every run has one (else
//! by its number), coloured by how many tests failed in it. Positions come from `chart.rs`.

use flakelens_core::format::seconds;
use yew::prelude::*;

use crate::chart::{bar_width, linear, timeline_positions};
use crate::display::{run_name, SharedAnalysis};

/// Props of [`RunsTimeline`].
#[derive(Properties, PartialEq)]
pub struct RunsTimelineProps {
    /// The analysis whose runs to place.
    pub analysis: SharedAnalysis,
}

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 110.0;
const PAD: f64 = 24.0;
const BASE: f64 = 70.0;
const MAX_BAR: f64 = 50.0;

/// The figure.
#[function_component(RunsTimeline)]
pub fn runs_timeline(props: &RunsTimelineProps) -> Html {
    let runs = &props.analysis.runs;
    let epochs: Vec<Option<f64>> = runs
        .iter()
        .map(|r| r.timestamp.as_ref().map(|t| t.epoch_seconds))
        .collect();
    let (positions, by_time) = timeline_positions(&epochs);
    let max_failures = runs.iter().map(|r| r.counts.failures()).max().unwrap_or(0);
    let x = |p: f64| linear(p, (0.0, 1.0), (PAD, WIDTH - PAD));
    let stamps = || runs.iter().filter_map(|r| r.timestamp.as_ref());
    let by_epoch = |a: &&flakelens_core::junit::Timestamp,
                    b: &&flakelens_core::junit::Timestamp| {
        a.epoch_seconds.total_cmp(&b.epoch_seconds)
    };
    let first = stamps().min_by(by_epoch).map(|t| t.iso.clone());
    let last = stamps().max_by(by_epoch).map(|t| t.iso.clone());
    html! {
        <figure class="chart-card" data-testid="runs-timeline" data-by={if by_time { "time" } else { "index" }}>
            <figcaption>
                {format!("{} runs {}; bar height and colour: failed + errored tests (most: {max_failures})",
                    runs.len(), if by_time { "by timestamp" } else { "in order" })}
            </figcaption>
            <svg class="timeline" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                aria-label={format!("Failures per run: {}", runs.iter().enumerate()
                    .map(|(i, r)| format!("{} {}", run_name(i, &r.label), r.counts.failures())).collect::<Vec<_>>().join(", "))}>
                <line class="axis" x1={PAD.to_string()} x2={(WIDTH - PAD).to_string()} y1={BASE.to_string()} y2={BASE.to_string()} />
                { for runs.iter().zip(&positions).enumerate().map(|(i, (run, &p))| {
                    let failures = run.counts.failures();
                    let h = bar_width(f64::from(failures), f64::from(max_failures), MAX_BAR).max(2.0);
                    let cx = x(p);
                    let when = run.timestamp.as_ref().map_or_else(|| "no timestamp".to_owned(), |t| t.iso.clone());
                    let time = run.total_time_seconds.map_or_else(|| "—".to_owned(), seconds);
                    html! {
                        <g class={classes!("run-mark", if failures == 0 { "clean" } else { "failing" })}
                            data-run={i.to_string()} data-failures={failures.to_string()}>
                            <title>{format!("{} · {} · {when} · {failures} failed or errored of {} · {time}",
                                run_name(i, &run.label), run.file, run.counts.tests())}</title>
                            <rect x={(cx - 4.0).to_string()} y={(BASE - h).to_string()} width="8" height={h.to_string()} rx="1" />
                            <text x={cx.to_string()} y={(BASE + 14.0).to_string()} text-anchor="middle">{i + 1}</text>
                        </g>
                    }
                }) }
                if let (true, Some(first), Some(last)) = (by_time, first, last) {
                    <text class="axis-note" x={PAD.to_string()} y={(HEIGHT - 6.0).to_string()}>{first}</text>
                    <text class="axis-note" x={(WIDTH - PAD).to_string()} y={(HEIGHT - 6.0).to_string()} text-anchor="end">{last}</text>
                }
            </svg>
        </figure>
    }
}
