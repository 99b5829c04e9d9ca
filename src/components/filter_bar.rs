//! Above the test table: the search box (`/` focuses it, see `app.rs`), the status chips, the category and
//! group chips, and how many tests are shown.

use std::cell::RefCell;
use std::rc::Rc;

use flakelens_core::Analysis;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::display::route::{count_chips, ChipCounts, Query, FILTERS};
use crate::display::{category_name, per_analysis, PerAnalysis, SharedAnalysis};

/// Props of [`FilterBar`].
#[derive(Properties, PartialEq)]
pub struct FilterBarProps {
    /// The analysis, for the chips' counts and the category and group names.
    pub analysis: SharedAnalysis,
    /// The current query.
    pub query: Query,
    /// How many tests the query keeps.
    pub shown: usize,
    /// Called with the changed query.
    pub on_query: Callback<Query>,
}

thread_local! {
    /// The counts of the analysis last shown.
    static COUNTS: PerAnalysis<Rc<ChipCounts>> = const { RefCell::new(None) };
}

/// [`count_chips`] of `analysis`, computed once per analysis (the app computes it in the
/// background as soon as an analysis arrives).
pub fn chip_counts(analysis: &Rc<Analysis>) -> Rc<ChipCounts> {
    per_analysis(&COUNTS, analysis, || Rc::new(count_chips(analysis)))
}

/// The search box and the chips.
#[function_component(FilterBar)]
pub fn filter_bar(props: &FilterBarProps) -> Html {
    let analysis = &props.analysis;
    // The chips' counts scan every test: once per analysis, not on every query change, nor
    // every time the tests view is shown again.
    let counts = chip_counts(&analysis.0);
    let query = &props.query;
    let oninput = {
        let (query, on_query) = (query.clone(), props.on_query.clone());
        Callback::from(move |e: InputEvent| {
            let mut next = query.clone();
            next.q = e.target_unchecked_into::<HtmlInputElement>().value();
            on_query.emit(next);
        })
    };
    let chip = |label: String,
                testid: &'static str,
                value: String,
                pressed: bool,
                count: usize,
                next: Query| {
        let onclick = props.on_query.reform(move |_: MouseEvent| next.clone());
        html! {
            <button type="button" class="chip" data-testid={testid} data-value={value}
                aria-pressed={if pressed { "true" } else { "false" }} {onclick}>
                {label}<span class="chip-count">{count}</span>
            </button>
        }
    };
    let status_chips = FILTERS.into_iter().enumerate().map(|(i, f)| {
        let count = counts.0.get(i).copied().unwrap_or(0);
        chip(
            f.label().to_owned(),
            "filter-chip",
            f.slug().to_owned(),
            query.filters.contains(&f),
            count,
            query.toggled(f),
        )
    });
    let category_chips = analysis.categories.iter().filter(|c| c.tests > 0).map(|c| {
        let active = query.cat.as_deref() == Some(c.id.as_str());
        let mut next = query.clone();
        next.cat = (!active).then(|| c.id.clone());
        chip(
            c.name.clone(),
            "category-chip",
            c.id.clone(),
            active,
            c.tests,
            next,
        )
    });
    let group_chips = (analysis.groups.len() > 1).then(|| {
        html! {
            <div class="chip-row" role="group" aria-label="Failed in a group of runs">
                <span class="chip-label">{"Failed in"}</span>
                { for analysis.groups.iter().enumerate().map(|(i, g)| {
                    let active = query.group.as_deref() == Some(g.label.as_str());
                    let mut next = query.clone();
                    next.group = (!active).then(|| g.label.clone());
                    let count = counts.1.get(i).copied().unwrap_or(0);
                    chip(g.label.clone(), "group-chip", g.label.clone(), active, count, next)
                }) }
            </div>
        }
    });
    let clear_all = {
        let next = Query {
            sort: query.sort,
            ..Query::default()
        };
        props.on_query.reform(move |_: MouseEvent| next.clone())
    };
    let clear_category = {
        let mut next = query.clone();
        next.cat = None;
        props.on_query.reform(move |_: MouseEvent| next.clone())
    };
    html! {
        <div class="filter-bar">
            <div class="search-row">
                <label for="search" class="visually-hidden">{"Search tests"}</label>
                <input id="search" type="search" value={query.q.clone()} {oninput}
                    placeholder="Search ids and messages  ( / )" autocomplete="off" spellcheck="false"
                    aria-describedby="shown-count" />
                <p id="shown-count" class="shown-count" data-testid="shown-count" data-count={props.shown.to_string()}
                    role="status">
                    {format!("{} of {} tests", props.shown, analysis.tests.len())}
                </p>
                if !query.is_unfiltered() {
                    <button type="button" class="secondary small" data-testid="clear-all" onclick={clear_all}>
                        {"clear filters"}
                    </button>
                }
            </div>
            <div class="chip-row" role="group" aria-label="Show only">
                <span class="chip-label">{"Show"}</span>
                { for status_chips }
            </div>
            <div class="chip-row" role="group" aria-label="Root-cause category">
                <span class="chip-label">{"Category"}</span>
                { for category_chips }
            </div>
            {group_chips}
            if let Some(id) = &query.cat {
                <p class="filter-chip" data-testid="category-filter">
                    {format!("Category: {} · {} of {} tests ", category_name(analysis, id), props.shown, analysis.tests.len())}
                    <button type="button" class="secondary small" data-testid="clear-filter"
                        onclick={clear_category}>{"clear filter"}</button>
                </p>
            }
        </div>
    }
}
