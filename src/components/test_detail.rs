//! The detail panel of one test (`#/tests/<id>`): its flags with their rules, root cause,
//! each run's attempts and duration, what each failing run said (message, trace, output) and
//! the lines that differ, every metric explained, and "Copy as Markdown issue". Esc or the
//! close button closes it; the test table then puts focus back on the test's row.
//!
//! The page's tests hold neither their runs in detail (messages, traces, outputs) nor their
//! durations per run (see `flakelens-wire`): the panel asks the engine for them when it opens, says
//! it is waiting until they arrive (or why none came), and then shows them. An audit read on
//! the page holds them itself.

use std::rc::Rc;

use flakelens_core::{Analysis, TestSummary};

use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, KeyboardEvent};

use super::window_keydown;
use yew::prelude::*;

use crate::components::attempt_strip::AttemptStrip;
use crate::components::copy_issue::CopyIssue;
use crate::components::duration_chart::DurationChart;
use crate::components::flag_chips::FlagChips;
use crate::components::metric_list::MetricList;
use crate::components::run_failures::RunFailures;
use crate::display::{category_name, confidence_label, SharedAnalysis};
use crate::engine;
use crate::protocol::TestRuns;

/// The engine's answer for one test of one analysis: the one-test analysis with its runs in
/// detail and durations, or why there is none.
type Full = Option<(SharedAnalysis, String, Result<SharedAnalysis, String>)>;

/// True when the page's copy of `test` was sent without its runs in detail and durations
/// (`wire::ShownTest`), so only the engine's answer has them. An audit read on the page holds
/// them itself.
fn held_by_engine(analysis: &Analysis, test: &TestSummary) -> bool {
    !analysis.runs.is_empty() && test.durations_seconds.len() != analysis.runs.len()
}

/// The engine's answer as a one-test analysis, when it is for `analysis`'s runs: an answer
/// from an analysis made since (runs left out while this one is shown) has other runs.
fn answer_for(analysis: &Analysis, index: usize, runs: TestRuns) -> Result<Analysis, String> {
    let per_run = analysis.runs.len();
    let details_fit = runs.details.is_empty() || runs.details.len() == per_run;
    if runs.durations_seconds.len() != per_run || !details_fit {
        return Err(
            "The engine has analyzed the runs again since: this test's runs are not those shown."
                .to_owned(),
        );
    }
    Ok(with_details(analysis, index, runs))
}

/// A one-test analysis: `analysis` with only the test `index`, its runs in detail and its
/// durations per run the engine's (what the panel's failures and duration chart and "Copy as
/// Markdown issue" show; the page's tests do not hold them).
fn with_details(analysis: &Analysis, index: usize, runs: TestRuns) -> Analysis {
    let mut one = Analysis::empty(Vec::new());
    one.options = analysis.options.clone();
    one.runs = analysis.runs.clone();
    one.totals = analysis.totals.clone();
    one.category_list = analysis.category_list.clone();
    one.categories = analysis.categories.clone();
    let mut test = analysis.tests[index].clone();
    test.details = runs.details;
    test.durations_seconds = runs.durations_seconds;
    one.tests = vec![test];
    one
}

/// Asks the engine for the full details of test `id` of `analysis` whenever either changes.
#[hook]
fn use_full_details(analysis: SharedAnalysis, id: String) -> Full {
    let full = use_state(|| None::<(SharedAnalysis, String, Result<SharedAnalysis, String>)>);
    {
        let full = full.clone();
        use_effect_with((analysis, id), move |(analysis, id)| {
            let (analysis, id) = (analysis.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer = engine::details(&id).await;
                let Some(index) = analysis.tests.iter().position(|t| *t.id == *id) else {
                    return;
                };
                let one = match answer {
                    Ok(Some(runs)) => answer_for(&analysis, index, runs),
                    // The page's own copy is whole (an audit read on the page): nothing to say.
                    Ok(None) if !held_by_engine(&analysis, &analysis.tests[index]) => return,
                    Ok(None) => Err("The engine no longer holds this test's runs.".to_owned()),
                    Err(why) => Err(why),
                };
                let one = one.map(|one| SharedAnalysis(Rc::new(one)));
                full.set(Some((analysis, id, one)));
            });
        });
    }
    (*full).clone()
}

/// Props of [`TestDetail`].
#[derive(Properties, PartialEq)]
pub struct TestDetailProps {
    /// The analysis holding the test.
    pub analysis: SharedAnalysis,
    /// The id of the test to show.
    pub id: String,
    /// Called to close the panel.
    pub on_close: Callback<()>,
}

/// Calls `on_close` when Escape is pressed anywhere on the page while the panel is open.
#[hook]
fn use_escape(on_close: Callback<()>) {
    use_effect_with(on_close, |on_close| {
        let on_close = on_close.clone();
        let on_key = move |e: &KeyboardEvent| {
            if e.key() == "Escape" {
                on_close.emit(());
            }
        };
        let listener = window_keydown(on_key);
        move || drop(listener)
    });
}

/// Moves focus to `target` whenever `id` changes, unless focus is already inside it.
#[hook]
fn use_focus_on_open(id: String, target: NodeRef) {
    use_effect_with(id, move |_| {
        let document = web_sys::window().and_then(|w| w.document());
        let panel = target.cast::<HtmlElement>();
        let active = document
            .and_then(|d| d.active_element())
            .and_then(|e| e.dyn_into::<HtmlElement>().ok());
        let inside = matches!((&panel, &active), (Some(p), Some(a)) if p.contains(Some(a)));
        if let (Some(panel), false) = (panel, inside) {
            let _ = panel.focus();
        }
    });
}

/// The panel, beside the page.
#[function_component(TestDetail)]
pub fn test_detail(props: &TestDetailProps) -> Html {
    let panel = use_node_ref();
    use_escape(props.on_close.clone());
    use_focus_on_open(props.id.clone(), panel.clone());
    let full = use_full_details(props.analysis.clone(), props.id.clone());
    let analysis = &props.analysis;
    let Some(index) = analysis.tests.iter().position(|t| *t.id == *props.id) else {
        return html! {};
    };
    let test = &analysis.tests[index];
    // The runs in detail and the durations once the engine sent them. Until then, what the
    // page's test holds: everything for an audit read on the page; for runs the worker
    // analyzed, nothing, so the panel says it is waiting (or why none came) rather than that
    // no run failed or gave a time.
    let answer = match full {
        Some((of, id, answer)) if of == *analysis && id == props.id => Some(answer),
        _ => None,
    };
    let (failures, failures_index, details, missing) = match answer {
        Some(Ok(one)) => (one, 0, "full", None),
        Some(Err(why)) if held_by_engine(analysis, test) => {
            (analysis.clone(), index, "failed", Some(why))
        }
        None if held_by_engine(analysis, test) => (
            analysis.clone(),
            index,
            "waiting",
            Some("Loading this test's runs from the engine…".to_owned()),
        ),
        _ => (analysis.clone(), index, "page", None),
    };
    let durations: Vec<Option<f64>> = failures
        .tests
        .get(failures_index)
        .map(|t| t.durations_seconds.iter().collect())
        .unwrap_or_default();
    let runs: Vec<(String, String)> = analysis
        .runs
        .iter()
        .map(|r| (r.file.clone(), r.label.clone()))
        .collect();
    let verdict = test.verdict.as_str();
    let onclick = props.on_close.reform(|_: MouseEvent| ());
    html! {
        <aside id="test-detail" class="detail" role="dialog" aria-modal="false"
            aria-labelledby="test-detail-title" data-testid="test-detail"
            tabindex="-1" ref={panel} data-details={details}>
            <header class="detail-head">
                <div>
                    <h2 id="test-detail-title">{&test.name}</h2>
                    <p class="classname">{format!("{} · {}", test.suite, test.classname)}</p>
                </div>
                <button type="button" class="secondary close" {onclick}
                    aria-label="Close the test detail (Esc)" title="Close (Esc)">{"Close"}</button>
            </header>
            if missing.is_none() {
                <CopyIssue analysis={failures.clone()} index={failures_index} />
            }
            <p>
                <span class={classes!("verdict", verdict)}>{verdict}</span>
                <code class="test-id">{&test.id}</code>
            </p>
            <h3>{"Flags"}</h3>
            <FlagChips flags={test.flags.clone()} with_rules=true />
            <h3>{"Root cause"}</h3>
            if test.categories.matches.is_empty() {
                <p class="hint">{if test.categories.primary.is_empty() {
                    "Not categorized: it never failed.".to_owned()
                } else {
                    format!("{}: no rule matched.", category_name(analysis, &test.categories.primary))
                }}</p>
            } else {
                <ol class="category-matches">
                    { for test.categories.matches.iter().enumerate().map(|(i, m)| html! {
                        <li data-testid="detail-category" data-category={m.category.clone()}>
                            <span class="category-name">{category_name(analysis, &m.category)}</span>
                            if i == 0 { <span class="muted">{" (primary)"}</span> }
                            {" · rule "}<code data-testid="match-rule">{&m.rule}</code>
                            {" · "}<span class={classes!("confidence", confidence_label(m.confidence))}
                                data-testid="match-confidence">{format!("{} confidence", confidence_label(m.confidence))}</span>
                            <div class="evidence" data-testid="match-evidence">{&m.evidence}</div>
                        </li>
                    }) }
                </ol>
            }
            <h3>{"Runs and attempts"}</h3>
            <AttemptStrip outcomes={test.outcomes.clone()} attempts={test.attempts.clone()} {runs} />
            <p class="hint">
                {"One column per run, numbered in run order; a run with retries stacks its attempts, oldest on top. j and k step to the next test."}
            </p>
            <h3>{"Duration per run"}</h3>
            if let Some(why) = &missing {
                <p class="hint" data-testid="details-missing">{why.clone()}</p>
            } else {
                <DurationChart {durations} outcomes={test.outcomes.clone()}
                    labels={analysis.runs.iter().map(|r| r.label.clone()).collect::<Vec<_>>()} />
                <RunFailures analysis={failures} index={failures_index} />
            }
            <h3>{"Metrics"}</h3>
            <MetricList metrics={test.metrics.clone()} options={analysis.options.clone()} />
        </aside>
    }
}
