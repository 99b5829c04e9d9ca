//! The runs: one row per report file, in run order.

use flakelens_core::format::seconds;
use yew::prelude::*;

use crate::app::SharedAnalysis;

/// Props of [`RunsTable`].
#[derive(Properties, PartialEq)]
pub struct RunsProps {
    /// The analysis whose runs to list.
    pub analysis: SharedAnalysis,
}

/// File, group label and where it came from, dialect, timestamp, counts and partial.
#[function_component(RunsTable)]
pub fn runs_table(props: &RunsProps) -> Html {
    html! {
        <section class="runs" data-testid="runs" aria-labelledby="runs-title">
            <h2 id="runs-title">{"Runs"}</h2>
            <div class="scroll">
                <table>
                    <thead>
                        <tr>
                            <th scope="col" class="num">{"#"}</th>
                            <th scope="col">{"File"}</th>
                            <th scope="col" title="The run's group label, and where it came from">{"Group"}</th>
                            <th scope="col" title="The producer, guessed from the report's shape">{"Dialect"}</th>
                            <th scope="col">{"Timestamp"}</th>
                            <th scope="col" class="num">{"Tests"}</th>
                            <th scope="col" class="num">{"Pass"}</th>
                            <th scope="col" class="num">{"Fail"}</th>
                            <th scope="col" class="num">{"Error"}</th>
                            <th scope="col" class="num">{"Skip"}</th>
                            <th scope="col" class="num" title="Sum of the testcases' times">{"Time"}</th>
                            <th scope="col" title="Malformed file: only the testcases before the fault were read">{"Partial"}</th>
                        </tr>
                    </thead>
                    <tbody>
                        { for props.analysis.runs.iter().enumerate().map(|(i, r)| html! {
                            <tr data-run={i.to_string()}>
                                <td class="num">{i + 1}</td>
                                <td class="file"><code>{&r.file}</code></td>
                                <td>
                                    <span data-testid="run-label">{&r.label}</span>
                                    <span class="muted">{format!(" ({})", r.label_source)}</span>
                                </td>
                                <td>{r.dialect.as_str()}</td>
                                <td class="nowrap">{r.timestamp.as_ref().map_or("—", |t| t.iso.as_str())}</td>
                                <td class="num">{r.counts.tests()}</td>
                                <td class="num">{r.counts.passed()}</td>
                                <td class="num">{r.counts.failed()}</td>
                                <td class="num">{r.counts.errored()}</td>
                                <td class="num">{r.counts.skipped()}</td>
                                <td class="num nowrap">{r.total_time_seconds.map_or_else(|| "—".to_owned(), seconds)}</td>
                                <td>
                                    if r.partial {
                                        <span class="verdict broken">{"partial"}</span>
                                    }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </section>
    }
}
