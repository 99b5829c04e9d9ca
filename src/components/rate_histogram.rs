//! The flakiness distribution: how many executed tests fail how often, as an SVG histogram.
//! Tests that never failed (0%) are counted in the caption, not drawn, so the bars of the
//! failing ones stay readable. The bins and the scale come from `chart.rs`.

use yew::prelude::*;

use crate::chart::{bar_width, count_ticks, rate_bin_label, rate_histogram, RATE_BINS};
use crate::display::SharedAnalysis;

/// Props of [`RateHistogram`].
#[derive(Properties, PartialEq)]
pub struct RateHistogramProps {
    /// The analysis whose tests to count.
    pub analysis: SharedAnalysis,
}

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 220.0;
const LEFT: f64 = 44.0;
const BOTTOM: f64 = 40.0;
const TOP: f64 = 12.0;

/// The figure.
#[function_component(RateHistogram)]
pub fn rate_histogram_chart(props: &RateHistogramProps) -> Html {
    let (bins, zero) = rate_histogram(props.analysis.tests.iter().map(|t| t.failure_rate));
    let max = bins.iter().copied().max().unwrap_or(0);
    let ticks = count_ticks(max, 4);
    let scale_max = ticks.last().copied().unwrap_or(1) as f64;
    let plot_h = HEIGHT - TOP - BOTTOM;
    let slot = (WIDTH - LEFT - 8.0) / RATE_BINS as f64;
    let y = |v: f64| HEIGHT - BOTTOM - bar_width(v, scale_max, plot_h);
    let failing: u64 = bins.iter().sum();
    html! {
        <figure class="chart-card" data-testid="rate-histogram" data-zero={zero.to_string()}>
            <figcaption>
                {format!("Failure rates of the {failing} executed tests that failed at least once")}
                <span class="muted">{format!(" · {zero} never failed (0%), not drawn")}</span>
            </figcaption>
            <svg class="histogram" viewBox={format!("0 0 {WIDTH} {HEIGHT}")} role="img"
                aria-label={format!("Histogram: {}", bins.iter().enumerate()
                    .map(|(i, n)| format!("{} {n}", rate_bin_label(i))).collect::<Vec<_>>().join(", "))}>
                { for ticks.iter().map(|&t| {
                    let ty = y(t as f64);
                    html! {
                        <g class="tick">
                            <line x1={LEFT.to_string()} x2={(WIDTH - 4.0).to_string()} y1={ty.to_string()} y2={ty.to_string()} />
                            <text x={(LEFT - 6.0).to_string()} y={(ty + 4.0).to_string()} text-anchor="end">{t}</text>
                        </g>
                    }
                }) }
                { for bins.iter().enumerate().map(|(i, &n)| {
                    let x = LEFT + slot * i as f64;
                    let top = y(n as f64);
                    let label = rate_bin_label(i);
                    html! {
                        <g class={classes!("hist-bar", (i + 1 == RATE_BINS).then_some("broken"))}
                            data-bin={i.to_string()} data-count={n.to_string()}>
                            <title>{format!("{label}: {n} test(s)")}</title>
                            <rect x={(x + 3.0).to_string()} y={top.to_string()} width={(slot - 6.0).to_string()}
                                height={(HEIGHT - BOTTOM - top).to_string()} rx="2" />
                            if n > 0 {
                                <text class="bar-value" x={(x + slot / 2.0).to_string()} y={(top - 4.0).to_string()}
                                    text-anchor="middle">{n}</text>
                            }
                            <text class="bin-label" x={(x + slot / 2.0).to_string()} y={(HEIGHT - BOTTOM + 14.0).to_string()}
                                text-anchor="middle">{label.trim_end_matches('%').to_owned()}</text>
                        </g>
                    }
                }) }
                <text class="axis-title" x={(LEFT + (WIDTH - LEFT) / 2.0).to_string()} y={(HEIGHT - 6.0).to_string()}
                    text-anchor="middle">{"failure rate, % of executed runs (failed + errored)"}</text>
            </svg>
        </figure>
    }
}
