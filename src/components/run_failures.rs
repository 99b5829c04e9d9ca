//! What each failing run said about a test: the first failed attempt's message, its stack
//! trace and output (collapsed, rendered when opened), then the lines that differ between the
//! failing runs' messages.

use yew::prelude::*;

use crate::components::lazy_text::LazyText;
use crate::display::{
    distinct_headlines, failure_texts, line_diff, run_name, DiffLine, SharedAnalysis,
};

/// Props of [`RunFailures`].
#[derive(Properties, PartialEq)]
pub struct RunFailuresProps {
    /// The analysis holding the test.
    pub analysis: SharedAnalysis,
    /// The test's index in `analysis.tests`.
    pub index: usize,
}

/// Differences shown at most (each against the first message).
const MAX_DIFFS: usize = 5;

/// The list and the diff.
#[function_component(RunFailures)]
pub fn run_failures(props: &RunFailuresProps) -> Html {
    let analysis = &props.analysis;
    let Some(test) = analysis.tests.get(props.index) else {
        return html! {};
    };
    let texts = failure_texts(test);
    let distinct = distinct_headlines(&texts);
    let label = |run: usize| run_name(run, analysis.runs.get(run).map_or("", |r| r.label.as_str()));
    let details_present = test.details.iter().any(Option::is_some);
    html! {
        <>
            <h3>{"Messages per run"}</h3>
            if !details_present {
                <p class="hint">{"No run kept details: it never failed, or the audit left messages out."}</p>
            }
            <ol class="run-failures">
                { for test.details.iter().enumerate().filter_map(|(run, d)| d.as_ref().map(|d| (run, d))).map(|(run, detail)| {
                    let file = analysis.runs.get(run).map_or("", |r| r.file.as_str());
                    html! {
                        <li data-testid="run-failure" data-run={run.to_string()}>
                            <p class="run-failure-head">
                                <strong>{label(run)}</strong>{format!(" · {file} · {}", detail.status.as_str())}
                                if detail.retries > 0 {
                                    {format!(" after {} attempts", detail.attempts.len())}
                                }
                            </p>
                            { for detail.attempts.iter().map(|a| {
                                let headline = match (&a.failure_type, &a.message) {
                                    (Some(t), Some(m)) => Some(format!("{t}: {m}")),
                                    (Some(t), None) => Some(t.to_string()),
                                    (None, Some(m)) => Some(m.to_string()),
                                    (None, None) => None,
                                };
                                html! {
                                    <div class="attempt-detail" data-attempt={a.attempt.to_string()}>
                                        if detail.attempts.len() > 1 {
                                            <span class={classes!("attempt-label", a.status.as_str())}>
                                                {format!("attempt {}: {}", a.attempt, a.status.as_str())}
                                            </span>
                                        }
                                        if let Some(h) = headline {
                                            <pre class="message" data-testid="run-message">{h}</pre>
                                        }
                                        if let Some(trace) = &a.trace {
                                            <LazyText summary="stack trace" text={trace.to_arc()} testid="trace" />
                                        }
                                        if let Some(out) = &a.stdout {
                                            <LazyText summary="system-out" text={out.to_arc()} testid="system-out" />
                                        }
                                        if let Some(err) = &a.stderr {
                                            <LazyText summary="system-err" text={err.to_arc()} testid="system-err" />
                                        }
                                    </div>
                                }
                            }) }
                        </li>
                    }
                }) }
            </ol>
            if distinct.len() > 1 {
                <h3>{"Lines that differ between failing runs"}</h3>
                <p class="hint">
                    {format!("{} different messages in {} failing runs; each is compared with the first ({}).",
                        distinct.len(), texts.len(), label(distinct[0].1[0]))}
                </p>
                <div data-testid="message-diff">
                    { for distinct.iter().skip(1).take(MAX_DIFFS).map(|(other, runs)| {
                        let names: Vec<String> = runs.iter().map(|&r| label(r)).collect();
                        html! {
                            <div class="diff-block">
                                <p class="diff-head">{format!("{} vs {}", label(distinct[0].1[0]), names.join(", "))}</p>
                                <pre class="diff">
                                    { for line_diff(&distinct[0].0, other).into_iter().map(|line| match line {
                                        DiffLine::Same(l) => html! { <span class="diff-same">{format!("  {l}\n")}</span> },
                                        DiffLine::Removed(l) => html! { <del class="diff-removed" data-testid="diff-removed">{format!("- {l}\n")}</del> },
                                        DiffLine::Added(l) => html! { <ins class="diff-added" data-testid="diff-added">{format!("+ {l}\n")}</ins> },
                                    }) }
                                </pre>
                            </div>
                        }
                    }) }
                    if distinct.len() > MAX_DIFFS + 1 {
                        <p class="hint">{format!("and {} more different messages", distinct.len() - MAX_DIFFS - 1)}</p>
                    }
                </div>
            } else if texts.len() > 1 {
                <p class="hint" data-testid="message-same">{format!("All {} failing runs gave the same message.", texts.len())}</p>
            }
        </>
    }
}
