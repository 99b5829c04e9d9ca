//! Every field of a test's `TestMetrics`, each with its value and a one-line explanation.

use flakelens_core::format::{confidence, percent, seconds};
use flakelens_core::metrics::test_metrics::TestMetrics;
use flakelens_core::AnalysisOptions;
use yew::prelude::*;

use crate::display::interval;

/// Props of [`MetricList`].
#[derive(Properties, PartialEq)]
pub struct MetricListProps {
    /// The metrics to explain.
    pub metrics: TestMetrics,
    /// The options they were computed with (confidence, windows, thresholds).
    pub options: AnalysisOptions,
}

/// One metric: the field name (for `data-metric`), a label, the value and what it means.
struct Line {
    field: &'static str,
    label: String,
    value: String,
    meaning: String,
}

fn line(field: &'static str, label: &str, value: String, meaning: String) -> Line {
    Line {
        field,
        label: label.to_owned(),
        value,
        meaning,
    }
}

fn bits(value: Option<f64>) -> String {
    value.map_or_else(|| "n/a".to_owned(), |v| format!("{v:.3} bits"))
}

/// The lines in field order. Optional fields the core leaves out of its JSON
/// (`upper_bound_95`, `runs_needed`, `durations`) are left out here too.
fn lines(m: &TestMetrics, o: &AnalysisOptions) -> Vec<Line> {
    let level = confidence(o.confidence);
    let (n, k) = (m.runs_executed, m.failures);
    let mut out = vec![
        line("runs_executed", "Executed runs (n)", n.to_string(),
            "Runs in which the test passed, failed or errored; skipped and absent runs count nowhere.".to_owned()),
        line("failures", "Failures (k)", k.to_string(),
            "Executed runs that failed or errored; a pass on retry counts as a pass.".to_owned()),
        line("failure_rate", "Failure rate (k / n)", percent(m.failure_rate),
            "The share of executed runs that failed: what these runs saw, not the true rate.".to_owned()),
        line("wilson_95", &format!("Wilson {level} interval"), interval(m.wilson_95),
            "The range the true failure rate lies in, given these runs (Wilson score interval).".to_owned()),
    ];
    if let Some(bound) = m.upper_bound_95 {
        out.push(line("upper_bound_95", &format!("Upper bound ({level})"), percent(Some(bound)),
            format!("Never failed in {n} runs, so with {level} confidence its failure rate is below this (about 3/n: the rule of three).")));
    }
    if let Some(needed) = m.runs_needed {
        out.push(line("runs_needed", "Runs still needed", needed.to_string(),
            format!("No failure seen yet: more runs to see one with {level} probability if the test failed {} of the time.",
                percent(Some(o.target_failure_rate)))));
    }
    out.extend([
        line("flip_rate", "Flip rate", percent(m.flip_rate),
            "How often one executed run's pass/fail differs from the previous one's: 0% never switches, 100% alternates.".to_owned()),
        line("entropy", "Entropy", bits(m.entropy),
            "How unpredictable pass/fail is: 0 bits always the same, 1 bit a coin toss.".to_owned()),
        line("entropy_weighted", "Weighted entropy", bits(m.entropy_weighted),
            format!("Entropy per window of {} executed runs, recent windows weighted more (λ = {}): is it still unstable lately?",
                o.window_runs, o.weight_lambda)),
        line("flip_rate_weighted", "Weighted flip rate", percent(m.flip_rate_weighted),
            format!("Flip rate per window of {} executed runs, weighted the same way.", o.window_runs)),
        line("posterior_mean", "Posterior mean", percent(Some(m.posterior_mean)),
            "Best single guess of the failure rate from these runs and a uniform prior: (k + 1) / (n + 2).".to_owned()),
        line("posterior_exceedance", &format!("P(rate > {})", percent(Some(o.posterior_threshold))),
            percent(Some(m.posterior_exceedance)),
            format!("How likely the true failure rate is above {}, under that posterior (like Meta's flakiness score, not the same).",
                percent(Some(o.posterior_threshold)))),
    ]);
    if let Some(d) = &m.durations {
        let cv =
            d.cv.map_or_else(|| "n/a".to_owned(), |cv| format!("{cv:.2}"));
        out.push(line("durations", "Duration",
            format!("mean {}\nmedian {}\np95 {}\nCV {cv}", seconds(d.mean_seconds),
                seconds(d.median_seconds), seconds(d.p95_seconds)),
            format!("Time per run over the {} runs that gave one; CV (spread / mean) near 0 means steady timing.", d.samples)));
    }
    out
}

/// A table of every metric.
#[function_component(MetricList)]
pub fn metric_list(props: &MetricListProps) -> Html {
    html! {
        <table class="metrics">
            <tbody>
                { for lines(&props.metrics, &props.options).into_iter().map(|l| html! {
                    <tr data-metric={l.field}>
                        <th scope="row">
                            <span class="metric-label">{l.label}</span>
                            <span class="explain">{l.meaning}</span>
                        </th>
                        <td class="num">{l.value}</td>
                    </tr>
                }) }
            </tbody>
        </table>
    }
}
