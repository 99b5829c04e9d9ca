//! Two groups compared test by test: failures in each, the difference and Fisher's test.

use std::collections::HashMap;

use flakelens_core::format::confidence;
use flakelens_core::TestSummary;
use yew::prelude::*;

use crate::display::difference;
use crate::display::SharedAnalysis;

/// Props of [`ComparisonTable`].
#[derive(Properties, PartialEq)]
pub struct ComparisonProps {
    /// The analysis holding the comparison.
    pub analysis: SharedAnalysis,
    /// Which of `analysis.comparisons`.
    pub index: usize,
}

/// How many rows a comparison shows before "Show all": at 100,000 tests × 20 runs, two groups
/// have about 15,000 tests that failed in either, and laying out that many rows took the
/// page 1.6 s after each re-analysis.
pub const COMPARISON_ROWS: usize = 200;

/// The tests that failed in either group, with the sensitivity rule where one fired: the
/// group-sensitive ones first, then the others, in the analysis's order; the first
/// [`COMPARISON_ROWS`] until "Show all" is pressed.
#[function_component(ComparisonTable)]
pub fn comparison_table(props: &ComparisonProps) -> Html {
    let show_all = use_state(|| false);
    let Some(c) = props.analysis.comparisons.get(props.index) else {
        return html! {};
    };
    let level = confidence(props.analysis.options.confidence);
    let limit = if *show_all {
        usize::MAX
    } else {
        COMPARISON_ROWS
    };
    let shown: Vec<_> = c
        .tests
        .iter()
        .filter(|t| t.sensitive_to.is_some())
        .chain(c.tests.iter().filter(|t| t.sensitive_to.is_none()))
        .take(limit)
        .collect();
    let by_id: HashMap<&str, &TestSummary> = {
        let wanted: std::collections::HashSet<&str> = shown.iter().map(|t| t.id.as_str()).collect();
        props
            .analysis
            .tests
            .iter()
            .filter(|t| wanted.contains(&*t.id))
            .map(|t| (&*t.id, t))
            .collect()
    };
    let hidden = c.tests.len() - shown.len();
    let title_id = format!("comparison-{}", props.index);
    html! {
        <div class="comparison" data-testid="comparison" data-a={c.a.clone()} data-b={c.b.clone()}>
            <h3 id={title_id.clone()}>{format!("{} vs {}", c.a, c.b)}</h3>
            if c.tests.is_empty() {
                <p class="hint">{"No test failed in either group."}</p>
            } else {
                <p class="hint">
                    {format!("Tests that failed in either group. k/n: failed of executed runs. \
                      Difference: {a} − {b} failure rate in percentage points, with its {level} interval \
                      (Newcombe). Fisher p: how likely so uneven a split would be by chance alone.",
                      a = c.a, b = c.b)}
                </p>
                <div class="scroll">
                    <table aria-labelledby={title_id}>
                        <thead>
                            <tr>
                                <th scope="col">{"Test"}</th>
                                <th scope="col" class="num">{format!("{} k/n", c.a)}</th>
                                <th scope="col" class="num">{format!("{} k/n", c.b)}</th>
                                <th scope="col" class="num">{format!("Difference [{level}]")}</th>
                                <th scope="col" class="num">{"Fisher p"}</th>
                                <th scope="col">{"Sensitivity"}</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for shown.iter().map(|t| {
                                let sensitive = t.sensitive_to.is_some();
                                html! {
                                    <tr data-id={t.id.clone()} class={classes!(sensitive.then_some("sensitive-row"))}
                                        data-testid={sensitive.then_some("sensitive")}>
                                        <th scope="row" class="test-name" title={t.id.clone()}>
                                            if let Some(test) = by_id.get(t.id.as_str()) {
                                                <div class="name">{&test.name}</div>
                                                <div class="classname">{format!("{} · {}", test.suite, test.classname)}</div>
                                            } else {
                                                <div class="name">{&t.id}</div>
                                            }
                                        </th>
                                        <td class="num" data-testid="a-count">{format!("{}/{}", t.a_failures, t.a_runs)}</td>
                                        <td class="num" data-testid="b-count">{format!("{}/{}", t.b_failures, t.b_runs)}</td>
                                        <td class="num nowrap" data-testid="difference">{difference(t.difference)}</td>
                                        <td class="num" data-testid="fisher-p">{format!("{:.3}", t.fisher_p)}</td>
                                        <td data-testid="rule">
                                            if let Some(group) = &t.sensitive_to {
                                                <span class="flag sensitive">{format!("{group}-sensitive")}</span>
                                                {" "}
                                            }
                                            {t.rule.clone().unwrap_or_default()}
                                        </td>
                                    </tr>
                                }
                            }) }
                        </tbody>
                    </table>
                </div>
                if hidden > 0 {
                    <p class="hint" data-testid="comparison-more">
                        {format!("{} of {} tests shown. ", shown.len(), c.tests.len())}
                        <button type="button" data-testid="comparison-show-all"
                            onclick={let show_all = show_all.clone(); move |_| show_all.set(true)}>
                            {format!("Show all {}", c.tests.len())}
                        </button>
                    </p>
                }
            }
        </div>
    }
}
