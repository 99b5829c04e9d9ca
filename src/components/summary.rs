//! The headline figures.

use flakelens_core::format::percent;
use yew::prelude::*;

use crate::display::SharedAnalysis;

/// Props of [`Summary`].
#[derive(Properties, PartialEq)]
pub struct SummaryProps {
    /// The analysis to summarize.
    pub analysis: SharedAnalysis,
}

/// Runs, tests, flaky, broken and consistency, then the claim the runs support.
#[function_component(Summary)]
pub fn summary(props: &SummaryProps) -> Html {
    let t = &props.analysis.totals;
    let figure = |testid: &'static str, label: &'static str, value: String, hint: String| {
        html! {
            <div class="figure" title={hint}>
                <span class="figure-value" data-testid={testid}>{value}</span>
                <span class="figure-label">{label}</span>
            </div>
        }
    };
    html! {
        <section class="summary" aria-label="Summary">
            {figure("summary-runs", "runs", t.runs.to_string(),
                "Report files read; each file is one run".to_owned())}
            {figure("summary-tests", "tests", t.tests.to_string(),
                format!("Distinct tests (suite + classname + name); {} executed at least once", t.executed_tests))}
            <div class={classes!("figure", (t.flaky > 0).then_some("alert"))}
                title="Tests that both passed and failed across the runs">
                <span class="figure-value" data-testid="summary-flaky">{t.flaky}</span>
                <span class="figure-label">{"flaky"}</span>
            </div>
            <div class={classes!("figure", (t.broken > 0).then_some("warn"))}
                title="Tests that failed in every run in which they executed">
                <span class="figure-value" data-testid="summary-broken">{t.broken}</span>
                <span class="figure-label">{"broken"}</span>
            </div>
            {figure("summary-consistency", "consistency", percent(t.consistency),
                format!("{} of {} executed tests had the same outcome in every run", t.consistent_tests, t.executed_tests))}
            <p class="claim" data-testid="summary-claim">{&t.claim}</p>
        </section>
    }
}
