//! One column per run with a cell per attempt, oldest on top: shows retries within a run.

use flakelens_core::{AttemptsPerRun, Outcome};
use yew::prelude::*;

use crate::display::run_name;

/// Props of [`AttemptStrip`].
#[derive(Properties, PartialEq)]
pub struct AttemptStripProps {
    /// One entry per run: the run's outcome for the test, `None` where it is absent.
    pub outcomes: Vec<Option<Outcome>>,
    /// One entry per run: every attempt's outcome, oldest first (empty when absent).
    pub attempts: AttemptsPerRun,
    /// One entry per run: its file name and group label.
    pub runs: Vec<(String, String)>,
}

/// The strip; each column's tooltip names the run and spells out its attempts.
#[function_component(AttemptStrip)]
pub fn attempt_strip(props: &AttemptStripProps) -> Html {
    html! {
        <ol class="attempt-strip" data-testid="attempts">
            { for props.outcomes.iter().enumerate().map(|(i, outcome)| {
                let attempts: Vec<Outcome> = match props.attempts.get(i) {
                    Some(a) if !a.is_empty() => a.to_vec(),
                    _ => outcome.iter().copied().collect(),
                };
                let names: Vec<&str> = attempts.iter().map(|a| a.as_str()).collect();
                let (file, label) = props.runs.get(i).cloned().unwrap_or_default();
                let said = if names.is_empty() { "absent".to_owned() } else { names.join(", then ") };
                let title = format!("{} · {file}: {said}", run_name(i, &label));
                // A gap where a new group of runs starts (sequential, then parallel).
                let group_start = i > 0 && props.runs.get(i - 1).is_some_and(|(_, l)| *l != label);
                html! {
                    <li class={classes!("run-column", (attempts.len() > 1).then_some("retried"),
                        group_start.then_some("group-start"))}
                        data-run={i.to_string()} data-attempts={names.join(" ")}
                        title={title.clone()} aria-label={title}>
                        if attempts.is_empty() {
                            <span class="attempt absent"></span>
                        }
                        { for attempts.iter().map(|a| html! {
                            <span class={classes!("attempt", a.as_str())}></span>
                        }) }
                        <span class="run-number" aria-hidden="true">{i + 1}</span>
                    </li>
                }
            }) }
        </ol>
    }
}
