//! Tests per root-cause category as a horizontal bar chart in SVG. The scale comes from
//! `chart.rs`; this file only places it.

use flakelens_core::categories::CategoryRow;
use flakelens_core::format::percent;
use yew::prelude::*;

use crate::chart::{bar_width, count_ticks, truncate};

/// Props of [`CategoryChart`].
#[derive(Properties, PartialEq)]
pub struct CategoryChartProps {
    /// The breakdown rows, in display order.
    pub rows: Vec<CategoryRow>,
    /// The category the test table is filtered to, drawn highlighted.
    pub active: Option<String>,
}

const WIDTH: f64 = 720.0;
const LABEL_WIDTH: f64 = 300.0;
const VALUE_ROOM: f64 = 40.0;
const AXIS_HEIGHT: f64 = 22.0;
const ROW_HEIGHT: f64 = 24.0;
const BAR_HEIGHT: f64 = 16.0;
const LABEL_CHARS: usize = 46;

/// One bar per category, zero rows included, with a count axis on top.
#[function_component(CategoryChart)]
pub fn category_chart(props: &CategoryChartProps) -> Html {
    let max = props.rows.iter().map(|r| r.tests as u64).max().unwrap_or(0);
    let ticks = count_ticks(max, 4);
    let scale_max = ticks.last().copied().unwrap_or(1) as f64;
    let plot = WIDTH - LABEL_WIDTH - VALUE_ROOM;
    let height = AXIS_HEIGHT + ROW_HEIGHT * props.rows.len() as f64 + 4.0;
    let x = |v: f64| LABEL_WIDTH + bar_width(v, scale_max, plot);
    html! {
        <svg class="bar-chart" data-testid="category-chart" viewBox={format!("0 0 {WIDTH} {height}")}
            role="img" aria-labelledby="category-chart-title">
            <title id="category-chart-title">{"Failing or flaky tests per root-cause category"}</title>
            { for ticks.iter().map(|&t| {
                let tx = x(t as f64);
                html! {
                    <g class="tick">
                        <line x1={tx.to_string()} x2={tx.to_string()} y1={(AXIS_HEIGHT - 4.0).to_string()}
                            y2={(height - 2.0).to_string()} />
                        <text x={tx.to_string()} y={(AXIS_HEIGHT - 8.0).to_string()} text-anchor="middle">{t}</text>
                    </g>
                }
            }) }
            { for props.rows.iter().enumerate().map(|(i, row)| {
                let y = AXIS_HEIGHT + ROW_HEIGHT * i as f64;
                let w = bar_width(row.tests as f64, scale_max, plot);
                let active = props.active.as_deref() == Some(row.id.as_str());
                let tip = format!("{}: {} test(s), {} failure(s), {} of categorized tests",
                    row.name, row.tests, row.failures, percent(row.share));
                html! {
                    <g class={classes!("bar-row", active.then_some("active"), (row.tests == 0).then_some("zero"))}
                        data-chart-category={row.id.clone()}>
                        <title>{tip}</title>
                        <text class="bar-label" x={(LABEL_WIDTH - 8.0).to_string()}
                            y={(y + ROW_HEIGHT / 2.0 + 4.0).to_string()} text-anchor="end">
                            {truncate(&row.name, LABEL_CHARS)}
                        </text>
                        <rect class="bar" x={LABEL_WIDTH.to_string()} y={(y + (ROW_HEIGHT - BAR_HEIGHT) / 2.0).to_string()}
                            width={w.to_string()} height={BAR_HEIGHT.to_string()} rx="2" />
                        <text class="bar-value" x={(LABEL_WIDTH + w + 6.0).to_string()}
                            y={(y + ROW_HEIGHT / 2.0 + 4.0).to_string()}>{row.tests}</text>
                    </g>
                }
            }) }
        </svg>
    }
}
