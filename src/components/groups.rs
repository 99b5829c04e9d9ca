//! The groups of runs (such as sequential and parallel), side by side, then each pair compared.

use flakelens_core::format::percent;
use yew::prelude::*;

use crate::components::comparison::ComparisonTable;
use crate::display::SharedAnalysis;

/// Props of [`Groups`].
#[derive(Properties, PartialEq)]
pub struct GroupsProps {
    /// The analysis whose groups to show.
    pub analysis: SharedAnalysis,
}

/// The groups table and one comparison table per pair; nothing with a single group.
#[function_component(Groups)]
pub fn groups(props: &GroupsProps) -> Html {
    let analysis = &props.analysis;
    if analysis.groups.len() < 2 {
        return html! {};
    }
    html! {
        <section class="groups" data-testid="groups" aria-labelledby="groups-title">
            <h2 id="groups-title">{"Groups"}</h2>
            <p class="hint">
                {"Runs are grouped by their label (from the file path or the report's properties). \
                  Executions count every test that ran in every run of the group."}
            </p>
            <div class="scroll">
                <table class="group-table">
                    <thead>
                        <tr>
                            <th scope="col">{"Group"}</th>
                            <th scope="col" class="num">{"Runs"}</th>
                            <th scope="col" class="num" title="Test results that executed in these runs">{"Executions"}</th>
                            <th scope="col" class="num" title="Executions that failed or errored">{"Failures"}</th>
                            <th scope="col" class="num" title="Failures / executions">{"Failure rate"}</th>
                            <th scope="col" class="num" title="Tests that both passed and failed within the group">{"Flaky tests"}</th>
                            <th scope="col" class="num" title="Executed tests with the same outcome in every run of the group">{"Identical"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for analysis.groups.iter().map(|g| {
                            let members: Vec<String> = g.runs.iter()
                                .map(|&r| format!("#{}", r + 1))
                                .collect();
                            html! {
                                <tr data-group={g.label.clone()} title={format!("runs {}", members.join(", "))}>
                                    <th scope="row">{&g.label}</th>
                                    <td class="num" data-testid="group-runs">{g.runs.len()}</td>
                                    <td class="num" data-testid="group-executions">{g.executions}</td>
                                    <td class="num" data-testid="group-failures">{g.failures}</td>
                                    <td class="num" data-testid="group-failure-rate">{percent(g.failure_rate)}</td>
                                    <td class="num" data-testid="group-flaky">{g.flaky_tests}</td>
                                    <td class="num" data-testid="group-identical">{percent(g.identical_share)}</td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            </div>
            { for analysis.comparisons.iter().enumerate().map(|(i, _)| html! {
                <ComparisonTable analysis={analysis.clone()} index={i} />
            }) }
        </section>
    }
}
