//! The success criteria: target, actual, PASS/FAIL and the evidence, first on the page.

use std::rc::Rc;

use flakelens_core::audit::{CriterionResult, CriterionStatus};
use yew::prelude::*;

use crate::display::{criterion_badge, criterion_class};

/// Props of [`CriteriaTable`].
#[derive(Properties, PartialEq)]
pub struct CriteriaProps {
    /// The evaluated criteria, in order.
    pub criteria: Rc<Vec<CriterionResult>>,
    /// Shown under the table (the download controls).
    #[prop_or_default]
    pub children: Html,
}

/// The criteria table with the overall verdict.
#[function_component(CriteriaTable)]
pub fn criteria_table(props: &CriteriaProps) -> Html {
    let criteria = &props.criteria;
    let failed = criteria
        .iter()
        .filter(|c| c.status == CriterionStatus::Fail)
        .count();
    let overall = if criteria.is_empty() {
        "No criteria to judge.".to_owned()
    } else if failed == 0 {
        "Every criterion passes.".to_owned()
    } else {
        format!("{failed} of {} criteria fail.", criteria.len())
    };
    html! {
        <section class="criteria" data-testid="criteria" aria-labelledby="criteria-title">
            <h2 id="criteria-title">{"Success criteria"}</h2>
            <p class={classes!("overall", if failed == 0 { "pass" } else { "fail" })}
                data-testid="criteria-overall">{overall}</p>
            if !criteria.is_empty() {
                <div class="scroll">
                    <table class="criteria-table">
                        <thead>
                            <tr>
                                <th scope="col">{"Criterion"}</th>
                                <th scope="col">{"Target"}</th>
                                <th scope="col">{"Actual"}</th>
                                <th scope="col">{"Status"}</th>
                                <th scope="col">{"Evidence"}</th>
                            </tr>
                        </thead>
                        <tbody>
                            { for criteria.iter().map(|c| html! {
                                <tr data-criterion={c.id.clone()}>
                                    <th scope="row">{&c.name}</th>
                                    <td class="nowrap" data-testid="criterion-target">{&c.target}</td>
                                    <td data-testid="criterion-actual">{&c.actual}</td>
                                    <td>
                                        <span class={classes!("badge", criterion_class(c.status))}
                                            data-testid="criterion-status">{criterion_badge(c.status)}</span>
                                    </td>
                                    <td class="evidence" data-testid="criterion-evidence">{&c.evidence}</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            }
            {props.children.clone()}
        </section>
    }
}
