//! The table of tests, flaky first.

use flakelens_core::format::{confidence, percent};
use flakelens_core::TestSummary;
use yew::prelude::*;

use crate::app::SharedAnalysis;
use crate::components::flag_chips::FlagChips;
use crate::components::outcome_strip::OutcomeStrip;
use crate::display::{category_name, confidence_label, interval};

/// Props of [`TestTable`].
#[derive(Properties, PartialEq)]
pub struct TestTableProps {
    /// The analysis whose tests to list.
    pub analysis: SharedAnalysis,
    /// The id of the test whose detail panel is open, if any.
    pub selected: Option<String>,
    /// Called with a test's id when its name is clicked.
    pub on_select: Callback<String>,
    /// Show only the tests whose primary category is this id.
    pub filter: Option<String>,
    /// Called to show every test again.
    pub on_clear_filter: Callback<()>,
}

/// One row per test, in the core's order: flaky, broken, stable, skipped.
#[function_component(TestTable)]
pub fn test_table(props: &TestTableProps) -> Html {
    let files: Vec<String> = props.analysis.runs.iter().map(|r| r.file.clone()).collect();
    let level = confidence(props.analysis.options.confidence);
    let analysis = &props.analysis;
    let shown: Vec<&TestSummary> = analysis
        .tests
        .iter()
        .filter(|t| {
            props
                .filter
                .as_ref()
                .is_none_or(|id| &t.categories.primary == id)
        })
        .collect();
    html! {
        <section class="tests" aria-label="Tests">
            <h2>{"Tests"}</h2>
            <p class="hint">{"Click a test's name for every metric, its flags, its root-cause matches and each run's attempts."}</p>
            if let Some(id) = &props.filter {
                <p class="filter-chip" data-testid="category-filter">
                    {format!("Category: {} · {} of {} tests ", category_name(analysis, id), shown.len(), analysis.tests.len())}
                    <button type="button" class="secondary small" data-testid="clear-filter"
                        onclick={props.on_clear_filter.reform(|_: MouseEvent| ())}>{"clear filter"}</button>
                </p>
            }
            <table>
                <thead>
                    <tr>
                        <th scope="col">{"Test"}</th>
                        <th scope="col">{"Verdict"}</th>
                        <th scope="col">{"Runs"}</th>
                        <th scope="col" class="num" title="Passed">{"Pass"}</th>
                        <th scope="col" class="num" title="Failed">{"Fail"}</th>
                        <th scope="col" class="num" title="Errored">{"Error"}</th>
                        <th scope="col" class="num" title="Skipped">{"Skip"}</th>
                        <th scope="col" class="num" title="(failed + errored) / executed runs">{"Failure rate"}</th>
                        <th scope="col" class="num"
                            title={format!("Wilson {level} interval: the range the true failure rate lies in, given these runs")}>
                            {format!("{level} interval")}
                        </th>
                        <th scope="col" title="Root-cause category; hover it for the rule, its confidence and the matched text">{"Category"}</th>
                        <th scope="col" title="Verdict flags; hover a flag for the rule that raised it">{"Flags"}</th>
                    </tr>
                </thead>
                <tbody>
                    if shown.is_empty() {
                        <tr><td colspan="11" class="muted">{"No test in this category."}</td></tr>
                    }
                    { for shown.iter().map(|t| {
                        let open = props.selected.as_deref() == Some(t.id.as_str());
                        row(analysis, t, &files, open, &props.on_select)
                    }) }
                </tbody>
            </table>
        </section>
    }
}

fn row(
    analysis: &SharedAnalysis,
    test: &TestSummary,
    files: &[String],
    open: bool,
    on_select: &Callback<String>,
) -> Html {
    let verdict = test.verdict.as_str();
    let failure = test.first_failure.as_ref().map(|f| {
        let text = match (&f.failure_type, &f.message) {
            (Some(t), Some(m)) => format!("{t}: {m}"),
            (Some(t), None) => t.clone(),
            (None, Some(m)) => m.clone(),
            (None, None) => "(no message)".to_owned(),
        };
        let shown: String = text.chars().take(240).collect();
        html! { <div class="failure-message" title={text}>{shown}</div> }
    });
    let category_title = test.categories.matches.first().map(|m| {
        format!(
            "rule {} · {} confidence · {}",
            m.rule,
            confidence_label(m.confidence),
            m.evidence
        )
    });
    let onclick = {
        let id = test.id.clone();
        on_select.reform(move |_: MouseEvent| id.clone())
    };
    html! {
        <tr data-test-id={test.id.clone()} class={classes!(verdict, open.then_some("selected"))}>
            <th scope="row" class="test-name">
                <button type="button" class="name" {onclick} aria-controls="test-detail"
                    aria-expanded={if open { "true" } else { "false" }}
                    title="Show every metric of this test">{&test.name}</button>
                <div class="classname">{format!("{} · {}", test.suite, test.classname)}</div>
                {failure}
            </th>
            <td><span class={classes!("verdict", verdict)} data-testid="verdict">{verdict}</span></td>
            <td><OutcomeStrip outcomes={test.outcomes.clone()} files={files.to_vec()} /></td>
            <td class="num" data-testid="count-passed">{test.counts.passed()}</td>
            <td class="num" data-testid="count-failed">{test.counts.failed()}</td>
            <td class="num" data-testid="count-errored">{test.counts.errored()}</td>
            <td class="num" data-testid="count-skipped">{test.counts.skipped()}</td>
            <td class="num" data-testid="failure-rate">{percent(test.failure_rate)}</td>
            <td class="num nowrap" data-testid="wilson">{interval(test.metrics.wilson_95)}</td>
            <td data-testid="category" data-category-id={test.categories.primary.clone()} title={category_title}>
                {category_name(analysis, &test.categories.primary)}
            </td>
            <td><FlagChips flags={test.flags.clone()} /></td>
        </tr>
    }
}
