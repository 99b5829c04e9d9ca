//! A test's duration in every run, as small SVG bars coloured by the run's outcome.

use flakelens_core::format::seconds;
use flakelens_core::Outcome;
use yew::prelude::*;

use crate::chart::{bar_width, value_ticks};
use crate::display::run_name;

/// Props of [`DurationChart`].
#[derive(Properties, PartialEq)]
pub struct DurationChartProps {
    /// One entry per run: the duration in seconds, `None` when absent or not given.
    pub durations: Vec<Option<f64>>,
    /// One entry per run: the outcome.
    pub outcomes: Vec<Option<Outcome>>,
    /// One entry per run: its group label.
    pub labels: Vec<String>,
}

const HEIGHT: f64 = 120.0;
const LEFT: f64 = 52.0;
const BOTTOM: f64 = 18.0;
const TOP: f64 = 8.0;

/// The chart; nothing when no run gave a time.
#[function_component(DurationChart)]
pub fn duration_chart(props: &DurationChartProps) -> Html {
    let max = props
        .durations
        .iter()
        .flatten()
        .copied()
        .fold(0.0_f64, f64::max);
    if props.durations.iter().all(Option::is_none) {
        return html! { <p class="hint">{"No run gave this test a time."}</p> };
    }
    let ticks = value_ticks(max, 3);
    let scale_max = ticks.last().copied().unwrap_or(1.0);
    let n = props.durations.len().max(1);
    let slot = (14.0_f64).max(480.0 / n as f64).min(28.0);
    let width = LEFT + slot * n as f64 + 8.0;
    let plot = HEIGHT - TOP - BOTTOM;
    let y = |v: f64| HEIGHT - BOTTOM - bar_width(v, scale_max, plot);
    html! {
        <svg class="duration-chart" data-testid="duration-chart" viewBox={format!("0 0 {width} {HEIGHT}")}
            width={width.to_string()} role="img" aria-label={format!("Duration per run, longest {}", seconds(max))}>
            { for ticks.iter().map(|&t| html! {
                <g class="tick">
                    <line x1={LEFT.to_string()} x2={(width - 4.0).to_string()} y1={y(t).to_string()} y2={y(t).to_string()} />
                    <text x={(LEFT - 4.0).to_string()} y={(y(t) + 4.0).to_string()} text-anchor="end">{seconds(t)}</text>
                </g>
            }) }
            { for props.durations.iter().enumerate().map(|(i, d)| {
                let x = LEFT + slot * i as f64;
                let outcome = props.outcomes.get(i).copied().flatten().map_or("absent", Outcome::as_str);
                let label = props.labels.get(i).map_or("", String::as_str);
                html! {
                    <g class={classes!("duration", outcome)} data-run={i.to_string()}
                        data-seconds={d.map(|v| format!("{v}"))}>
                        <title>{format!("{}: {} ({outcome})", run_name(i, label), d.map_or_else(|| "no time".to_owned(), seconds))}</title>
                        if let Some(v) = d {
                            <rect x={(x + 2.0).to_string()} y={y(*v).to_string()} width={(slot - 4.0).to_string()}
                                height={(HEIGHT - BOTTOM - y(*v)).max(1.0).to_string()} rx="1" />
                        }
                        <text class="run-number" x={(x + slot / 2.0).to_string()} y={(HEIGHT - 4.0).to_string()}
                            text-anchor="middle">{i + 1}</text>
                    </g>
                }
            }) }
        </svg>
    }
}
