//! A summary-only audit (no runs, only tables, like a hand-written stability report): its
//! title, criteria, root causes with zero rows and notes, inventory, stability, markers and
//! notes.

use std::rc::Rc;

use flakelens_core::format::percent;
use yew::prelude::*;

use crate::components::criteria::CriteriaTable;
use crate::display::optional_count;
use crate::loader::LoadedAudit;

/// Props of [`SummaryAudit`].
#[derive(Properties, PartialEq)]
pub struct SummaryAuditProps {
    /// The audit.
    pub audit: Rc<LoadedAudit>,
}

/// The whole audit, criteria first.
#[function_component(SummaryAudit)]
pub fn summary_audit(props: &SummaryAuditProps) -> Html {
    let audit = &props.audit.meta;
    let tables = audit.summary.clone().unwrap_or_default();
    let title = audit
        .title
        .clone()
        .unwrap_or_else(|| "Summary-only audit".to_owned());
    let inventory_total: u64 = tables.inventory.iter().map(|r| r.tests).sum();
    html! {
        <section class="summary-audit" data-testid="summary-audit" aria-labelledby="audit-title">
            <h2 id="audit-title" data-testid="audit-title">{title}</h2>
            <p class="hint">
                {format!("A summary-only audit by {} {}: its authors' tables and criteria, with no runs or per-test data to recompute them from.",
                    audit.generator.name, audit.generator.version)}
            </p>
            <CriteriaTable criteria={Rc::new(audit.criteria.clone())} />
            <h3>{"Root causes"}</h3>
            <table class="audit-table">
                <thead><tr>
                    <th scope="col">{"Category"}</th><th scope="col" class="num">{"Flaky tests"}</th><th scope="col">{"Note"}</th>
                </tr></thead>
                <tbody>
                    { for tables.categories.iter().map(|c| html! {
                        <tr data-testid="category-count" class={classes!((c.tests == 0).then_some("zero"))}>
                            <th scope="row">{&c.name}</th>
                            <td class="num" data-testid="count">{c.tests}</td>
                            <td data-testid="note">{&c.note}</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <h3>{"Inventory"}</h3>
            <p class="hint">{format!("{} areas; the rows add up to {inventory_total} (totals and their parts are listed alike).", tables.inventory.len())}</p>
            <table class="audit-table">
                <thead><tr>
                    <th scope="col">{"Area"}</th><th scope="col" class="num">{"Tests"}</th><th scope="col">{"Note"}</th>
                </tr></thead>
                <tbody>
                    { for tables.inventory.iter().map(|r| html! {
                        <tr data-testid="inventory-row">
                            <th scope="row" data-testid="area">{&r.area}</th>
                            <td class="num" data-testid="tests">{r.tests}</td>
                            <td data-testid="note">{&r.note}</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <h3>{"Stability"}</h3>
            <table class="audit-table">
                <thead><tr>
                    <th scope="col">{"Execution"}</th><th scope="col" class="num">{"Runs"}</th>
                    <th scope="col" class="num">{"Workers"}</th><th scope="col" class="num">{"Consistency"}</th>
                    <th scope="col">{"Result"}</th>
                </tr></thead>
                <tbody>
                    { for tables.stability.iter().map(|r| html! {
                        <tr data-testid="stability-row">
                            <th scope="row" data-testid="name">{&r.name}</th>
                            <td class="num" data-testid="runs">{optional_count(r.runs)}</td>
                            <td class="num" data-testid="workers">{optional_count(r.workers)}</td>
                            <td class="num" data-testid="consistency">{r.consistency.map_or_else(|| "—".to_owned(), |c| percent(Some(c)))}</td>
                            <td data-testid="result">{&r.result}</td>
                        </tr>
                    }) }
                </tbody>
            </table>
            <p data-testid="audit-markers">
                {"Flaky markers: "}<strong>{tables.markers.map_or_else(|| "not counted".to_owned(), |m| m.to_string())}</strong>
            </p>
            if !tables.notes.is_empty() {
                <h3>{"Notes"}</h3>
                <ul class="audit-notes">
                    { for tables.notes.iter().map(|n| html! { <li data-testid="audit-note">{n}</li> }) }
                </ul>
            }
        </section>
    }
}
