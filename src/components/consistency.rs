//! N-run consistency: how many tests behaved identically, what N runs can prove, and the
//! run × run agreement matrix as a heat map.

use flakelens_core::format::{confidence, percent};
use yew::prelude::*;

use crate::display::SharedAnalysis;
use crate::display::{agreement_attr, heat, run_name};

/// Props of [`ConsistencyPanel`].
#[derive(Properties, PartialEq)]
pub struct ConsistencyProps {
    /// The analysis whose consistency to show.
    pub analysis: SharedAnalysis,
}

/// Contiguous runs with one label, for the header row above the matrix: (label, how many).
fn label_spans(labels: &[&str]) -> Vec<(String, usize)> {
    let mut spans: Vec<(String, usize)> = Vec::new();
    for label in labels {
        match spans.last_mut() {
            Some((last, n)) if last == label => *n += 1,
            _ => spans.push(((*label).to_owned(), 1)),
        }
    }
    spans
}

/// The figures, the bound sentence and the matrix.
#[function_component(ConsistencyPanel)]
pub fn consistency_panel(props: &ConsistencyProps) -> Html {
    let analysis = &props.analysis;
    let c = &analysis.consistency;
    let level = confidence(analysis.options.confidence);
    let n = c.runs;
    let labels: Vec<&str> = analysis.runs.iter().map(|r| r.label.as_str()).collect();
    let files: Vec<&str> = analysis.runs.iter().map(|r| r.file.as_str()).collect();
    let name = |i: usize| run_name(i, labels.get(i).copied().unwrap_or(""));
    let bound = match c.bound_95 {
        Some(b) => format!(
            "a test that passed in all {n} runs has a failure rate below {} ({level})",
            percent(Some(b))
        ),
        None => "no run, so no bound".to_owned(),
    };
    let several_groups = analysis.groups.len() > 1;
    html! {
        <section class="consistency" data-testid="consistency" aria-labelledby="consistency-title">
            <h2 id="consistency-title">{"Consistency"}</h2>
            <p>
                <span data-testid="consistency-runs">{format!("N = {n} runs")}</span>{" · "}
                <span data-testid="consistency-identical">
                    {format!("{} of {} executed tests identical in every run ({})",
                        c.identical_tests, c.executed_tests, percent(c.identical_share))}
                </span>
            </p>
            <p class="bound" data-testid="consistency-bound">{bound}</p>
            if n > 0 {
                <p class="hint">
                    {"Agreement of two runs: the share of the tests present in both with the same outcome. \
                      Darker cells mean the two runs disagree more; hover a cell for its figures."}
                </p>
                <div class="scroll">
                    <table class="heatmap" data-testid="agreement" aria-label="Run by run agreement">
                        <thead>
                            if several_groups {
                                <tr class="group-row">
                                    <td></td>
                                    { for label_spans(&labels).into_iter().map(|(label, span)| html! {
                                        <th scope="colgroup" colspan={span.to_string()}>{label}</th>
                                    }) }
                                </tr>
                            }
                            <tr>
                                <td></td>
                                { for (0..n).map(|j| html! {
                                    <th scope="col" title={format!("{} · {}", name(j), files.get(j).copied().unwrap_or(""))}>
                                        {j + 1}
                                    </th>
                                }) }
                            </tr>
                        </thead>
                        <tbody>
                            { for (0..n).map(|i| html! {
                                <tr>
                                    <th scope="row" title={files.get(i).copied().unwrap_or("").to_owned()}>{name(i)}</th>
                                    { for (0..n).map(|j| {
                                        let value = c.agreement.get(i).and_then(|row| row.get(j)).copied().flatten();
                                        let pair = format!("{} ({}) vs {} ({})",
                                            name(i), files.get(i).copied().unwrap_or(""),
                                            name(j), files.get(j).copied().unwrap_or(""));
                                        let (title, style) = match value {
                                            Some(v) => (format!("{pair}: {} of shared tests agree", percent(Some(v))),
                                                Some(format!("--heat: {}%", heat(v)))),
                                            None => (format!("{pair}: no test in common"), None),
                                        };
                                        html! {
                                            <td class={classes!("heat", value.is_none().then_some("none"))}
                                                data-agreement={agreement_attr(value)} {title} {style}
                                                aria-label={percent(value)}></td>
                                        }
                                    }) }
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                <p class="legend" aria-hidden="true">
                    <span>{"100% agree"}</span><span class="legend-bar"></span><span>{"50% or less"}</span>
                </p>
            }
        </section>
    }
}
