//! The table of tests, flaky first.

use flakelens_core::format::percent;
use flakelens_core::TestSummary;
use yew::prelude::*;

use crate::app::SharedAnalysis;
use crate::components::outcome_strip::OutcomeStrip;

/// Props of [`TestTable`].
#[derive(Properties, PartialEq)]
pub struct TestTableProps {
    /// The analysis whose tests to list.
    pub analysis: SharedAnalysis,
}

/// One row per test, in the core's order: flaky, broken, stable, skipped.
#[function_component(TestTable)]
pub fn test_table(props: &TestTableProps) -> Html {
    let files: Vec<String> = props.analysis.runs.iter().map(|r| r.file.clone()).collect();
    html! {
        <section class="tests" aria-label="Tests">
            <h2>{"Tests"}</h2>
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
                    </tr>
                </thead>
                <tbody>
                    { for props.analysis.tests.iter().map(|t| row(t, &files)) }
                </tbody>
            </table>
        </section>
    }
}

fn row(test: &TestSummary, files: &[String]) -> Html {
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
    html! {
        <tr data-test-id={test.id.clone()} class={verdict}>
            <th scope="row" class="test-name">
                <div class="name">{&test.name}</div>
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
        </tr>
    }
}
