//! One coloured cell per run.

use std::rc::Rc;

use flakelens_core::Outcome;
use yew::prelude::*;

/// Props of [`OutcomeStrip`].
#[derive(Properties, PartialEq)]
pub struct OutcomeStripProps {
    /// One outcome per run, `None` where the test is absent.
    pub outcomes: Vec<Option<Outcome>>,
    /// The run file names, for the cells' tooltips (shared by every row).
    pub files: Rc<Vec<String>>,
}

/// A row of cells, one per run, coloured by outcome.
#[function_component(OutcomeStrip)]
pub fn outcome_strip(props: &OutcomeStripProps) -> Html {
    html! {
        <span class="strip" role="img"
            aria-label={props.outcomes.iter().map(|o| label(*o)).collect::<Vec<_>>().join(", ")}>
            { for props.outcomes.iter().enumerate().map(|(i, o)| {
                let name = label(*o);
                let file = props.files.get(i).map(String::as_str).unwrap_or("");
                html! {
                    <span class={classes!("cell", name)} data-outcome={name}
                        title={format!("run {} ({file}): {name}", i + 1)}></span>
                }
            }) }
        </span>
    }
}

fn label(outcome: Option<Outcome>) -> &'static str {
    outcome.map_or("absent", Outcome::as_str)
}
