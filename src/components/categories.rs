//! Root-cause categories: tests and failures per category as a chart and a table (zero rows
//! included); clicking a category filters the test table.

use flakelens_core::format::percent;
use yew::prelude::*;

use crate::components::category_chart::CategoryChart;
use crate::display::SharedAnalysis;

/// Props of [`Categories`].
#[derive(Properties, PartialEq)]
pub struct CategoriesProps {
    /// The analysis whose breakdown to show.
    pub analysis: SharedAnalysis,
    /// The category the test table is filtered to.
    pub filter: Option<String>,
    /// Called with a category id to filter to, or `None` to show every test.
    pub on_filter: Callback<Option<String>>,
}

/// The section: hint, chart and table.
#[function_component(Categories)]
pub fn categories(props: &CategoriesProps) -> Html {
    let rows = &props.analysis.categories;
    let categorized: usize = rows.iter().map(|r| r.tests).sum();
    html! {
        <section class="categories" data-testid="categories" aria-labelledby="categories-title">
            <h2 id="categories-title">{"Root-cause categories"}</h2>
            <p class="hint">
                {format!("Each failing or flaky test ({categorized} here) gets the category of the highest-ranked rule that matches its failure texts or run-level signals; \
                  the test table's Category column and the test detail show the rule, its confidence and the matched text. \
                  Click a category to list only its tests.")}
            </p>
            <CategoryChart rows={rows.clone()} active={props.filter.clone()} />
            <div class="scroll">
                <table class="category-table">
                    <thead>
                        <tr>
                            <th scope="col">{"Category"}</th>
                            <th scope="col" class="num" title="Failing or flaky tests whose primary category this is">{"Tests"}</th>
                            <th scope="col" class="num" title="Their failed or errored runs, summed">{"Failures"}</th>
                            <th scope="col" class="num" title="Tests / all categorized tests">{"Share"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for rows.iter().map(|row| {
                            let active = props.filter.as_deref() == Some(row.id.as_str());
                            let onclick = {
                                let id = row.id.clone();
                                props.on_filter.reform(move |_: MouseEvent| (!active).then(|| id.clone()))
                            };
                            let description = props.analysis.category_list.iter()
                                .find(|c| c.id == row.id).map(|c| c.description.clone()).unwrap_or_default();
                            html! {
                                <tr data-category-row={row.id.clone()}
                                    class={classes!(active.then_some("active"), (row.tests == 0).then_some("zero"))}>
                                    <th scope="row">
                                        <button type="button" class="link" data-category={row.id.clone()} {onclick}
                                            aria-pressed={if active { "true" } else { "false" }}
                                            title={if active { "Show every test".to_owned() } else { format!("Show only these tests. {description}") }}>
                                            {&row.name}
                                        </button>
                                    </th>
                                    <td class="num" data-testid="category-tests">{row.tests}</td>
                                    <td class="num" data-testid="category-failures">{row.failures}</td>
                                    <td class="num" data-testid="category-share">{percent(row.share)}</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
