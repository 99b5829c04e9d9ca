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

/// The tests that failed in either group, with the sensitivity rule where one fired.
#[function_component(ComparisonTable)]
pub fn comparison_table(props: &ComparisonProps) -> Html {
    let Some(c) = props.analysis.comparisons.get(props.index) else {
        return html! {};
    };
    let level = confidence(props.analysis.options.confidence);
    let by_id: HashMap<&str, &TestSummary> =
        props.analysis.tests.iter().map(|t| (&*t.id, t)).collect();
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
                            { for c.tests.iter().map(|t| {
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
            }
        </div>
    }
}
