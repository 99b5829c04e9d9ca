//! The table of tests: sortable columns, and virtualized: rows have a fixed height and only
//! the rows in view (plus a few either side) are in the DOM, between two spacer rows, so
//! 100,000 tests scroll smoothly.

use std::rc::Rc;

use flakelens_core::format::{confidence, percent};
use flakelens_core::TestSummary;
use wasm_bindgen::JsCast;
use web_sys::{Element, FocusOptions, HtmlElement};
use yew::prelude::*;

use crate::chart::{scroll_into_view, virtual_window};
use crate::components::filter_bar::FilterBar;
use crate::components::flag_chips::FlagChips;
use crate::components::outcome_strip::OutcomeStrip;
use crate::components::windowed::{measure_viewport, spacer};
use crate::display::route::{Query, Sort, SortKey};
use crate::display::{category_name, confidence_label, interval, SharedAnalysis};

/// Every row's height in pixels (`.test-table tbody tr` in the stylesheet says the same).
pub const ROW_HEIGHT: f64 = 64.0;
/// Rows rendered beyond each edge of the visible part.
const OVERSCAN: usize = 8;
/// The sticky header's height in pixels, for scrolling a row into view below it.
const HEADER_HEIGHT: f64 = 40.0;
/// The height assumed before the scroll container is measured.
const DEFAULT_VIEWPORT: f64 = 900.0;

/// Props of [`TestTable`].
#[derive(Properties, PartialEq)]
pub struct TestTableProps {
    /// The analysis whose tests to list.
    pub analysis: SharedAnalysis,
    /// The tests to show (indices into `analysis.tests`), in order: the query applied.
    pub shown: Rc<Vec<usize>>,
    /// The query that made `shown`.
    pub query: Query,
    /// The id of the test whose detail panel is open, if any.
    pub selected: Option<String>,
    /// The test the keyboard cursor is on.
    pub cursor: Option<String>,
    /// Changes when the cursor row should take focus (a change while the table is shown;
    /// the value it mounts with is not a request).
    pub focus_cursor: u32,
    /// True while the cursor row should keep focus: a re-render that moves its row in the
    /// DOM (which drops focus) gives it back.
    pub hold_focus: bool,
    /// Called with a test's id when its name is clicked.
    pub on_select: Callback<String>,
    /// Called with a changed query (search, chips, sort).
    pub on_query: Callback<Query>,
}

const COLUMNS: [(SortKey, &str, &str, bool); 11] = [
    (SortKey::Name, "Test", "", false),
    (SortKey::Verdict, "Verdict", "", false),
    (
        SortKey::Runs,
        "Runs",
        "One cell per run; sorts by the runs the test appeared in",
        false,
    ),
    (SortKey::Passed, "Pass", "Passed", true),
    (SortKey::Failed, "Fail", "Failed", true),
    (SortKey::Errored, "Error", "Errored", true),
    (SortKey::Skipped, "Skip", "Skipped", true),
    (
        SortKey::FailureRate,
        "Failure rate",
        "(failed + errored) / executed runs",
        true,
    ),
    (SortKey::Interval, "interval", "", true),
    (
        SortKey::Category,
        "Category",
        "Root-cause category; hover it for the rule, its confidence and the matched text",
        false,
    ),
    (
        SortKey::Flags,
        "Flags",
        "Verdict flags; hover a flag for the rule that raised it",
        false,
    ),
];

/// The section: filter bar, count, and the scrolling table.
#[function_component(TestTable)]
pub fn test_table(props: &TestTableProps) -> Html {
    let scroller = use_node_ref();
    let scroll_top = use_state(|| 0.0_f64);
    let viewport = use_state(|| DEFAULT_VIEWPORT);
    // The cursor row to focus once it is rendered.
    let pending_focus = use_mut_ref(|| None::<String>);
    let analysis = &props.analysis;
    let total = props.shown.len();

    // Back to the top when the query changes: the old offset means nothing in the new list.
    // Not on mount: the table starts at the top, and setting `scrollTop` forces a layout of
    // the whole page in the middle of the view switch.
    let mounted_query = use_mut_ref(|| props.query.clone());
    {
        let (scroller, scroll_top) = (scroller.clone(), scroll_top.clone());
        use_effect_with(props.query.clone(), move |query| {
            if *mounted_query.borrow() == *query {
                return;
            }
            *mounted_query.borrow_mut() = query.clone();
            if let Some(el) = scroller.cast::<Element>() {
                el.set_scroll_top(0);
            }
            scroll_top.set(0.0);
        });
    }
    // A focus request: scroll the cursor row into view, then focus it once rendered.
    let seen_request = use_mut_ref(|| props.focus_cursor);
    {
        let seen_request = seen_request.clone();
        let (scroller, scroll_top, viewport) =
            (scroller.clone(), scroll_top.clone(), viewport.clone());
        let pending_focus = pending_focus.clone();
        let (shown, tests) = (props.shown.clone(), props.analysis.clone());
        let cursor = props.cursor.clone();
        use_effect_with(props.focus_cursor, move |request| {
            if *seen_request.borrow() == *request {
                return;
            }
            *seen_request.borrow_mut() = *request;
            let Some(id) = cursor else { return };
            let Some(index) = shown.iter().position(|&i| *tests.tests[i].id == *id) else {
                return;
            };
            if let Some(el) = scroller.cast::<Element>() {
                let height = f64::from(el.client_height());
                let top = f64::from(el.scroll_top());
                if let Some(to) = scroll_into_view(index, ROW_HEIGHT, top, height, HEADER_HEIGHT) {
                    // Scroll offsets are whole pixels.
                    el.set_scroll_top(to.round() as i32);
                    scroll_top.set(to);
                }
                if height > 0.0 {
                    viewport.set(height);
                }
                reveal(&el);
                // Rendered already: focus now; else once the scroll has rendered it.
                if let Some(button) = row_button(&el, &id) {
                    focus_quietly(&button);
                    *pending_focus.borrow_mut() = None;
                    return;
                }
            }
            *pending_focus.borrow_mut() = Some(id);
        });
    }
    // After every render: focus the pending cursor row if it is in the DOM now, or give focus
    // back to the cursor row if the render dropped it.
    {
        let (scroller, pending_focus) = (scroller.clone(), pending_focus.clone());
        let held = props.hold_focus.then(|| props.cursor.clone()).flatten();
        use_effect(move || {
            let dropped = web_sys::window().and_then(|w| w.document()).map(|d| {
                d.active_element().is_none_or(|a| {
                    d.body()
                        .is_some_and(|b| b == *a.unchecked_ref::<HtmlElement>())
                })
            });
            let id = pending_focus
                .borrow()
                .clone()
                .or(held.filter(|_| dropped == Some(true)));
            if let (Some(id), Some(el)) = (id, scroller.cast::<Element>()) {
                if let Some(button) = row_button(&el, &id) {
                    focus_quietly(&button);
                    *pending_focus.borrow_mut() = None;
                }
            }
        });
    }

    let onscroll = {
        let (scroll_top, viewport) = (scroll_top.clone(), viewport.clone());
        Callback::from(move |e: Event| {
            let el = e.target_unchecked_into::<Element>();
            scroll_top.set(f64::from(el.scroll_top()));
            measure_viewport(&el, &viewport);
        })
    };

    let (start, end) = virtual_window(*scroll_top, *viewport, ROW_HEIGHT, total, OVERSCAN);
    let files: Rc<Vec<String>> = Rc::new(analysis.runs.iter().map(|r| r.file.clone()).collect());
    let level = confidence(analysis.options.confidence);
    let sort = props.query.sort;
    let header = |(key, label, title, num): (SortKey, &str, &str, bool)| {
        let label = if key == SortKey::Interval {
            format!("{level} interval")
        } else {
            label.to_owned()
        };
        let title = if key == SortKey::Interval {
            format!("Wilson {level} interval: the range the true failure rate lies in, given these runs")
        } else {
            title.to_owned()
        };
        let state = sort.filter(|s| s.key == key);
        let aria_sort = match state {
            Some(Sort { desc: true, .. }) => "descending",
            Some(Sort { desc: false, .. }) => "ascending",
            None => "none",
        };
        let arrow = match state {
            Some(Sort { desc: true, .. }) => "▼",
            Some(Sort { desc: false, .. }) => "▲",
            None => "",
        };
        let onclick = {
            let (query, on_query) = (props.query.clone(), props.on_query.clone());
            Callback::from(move |_: MouseEvent| {
                let mut next = query.clone();
                next.sort = Sort::cycle(query.sort, key);
                on_query.emit(next);
            })
        };
        html! {
            <th scope="col" class={classes!(num.then_some("num"), format!("col-{}", key.slug()))}
                aria-sort={aria_sort} title={(!title.is_empty()).then_some(title)}>
                <button type="button" class="sort" data-sort={key.slug()} {onclick}>
                    {label}<span class="arrow" aria-hidden="true">{arrow}</span>
                </button>
            </th>
        }
    };
    html! {
        <section class="tests" data-testid="tests" aria-labelledby="tests-title">
            <h2 id="tests-title">{"Tests"}</h2>
            <FilterBar analysis={analysis.clone()} query={props.query.clone()} shown={total}
                on_query={props.on_query.clone()} />
            <div class="table-scroll" ref={scroller} {onscroll} role="region" aria-labelledby="tests-title"
                data-testid="table-scroll">
                <table class="test-table" aria-rowcount={(total + 1).to_string()}>
                    <thead>
                        <tr aria-rowindex="1">{ for COLUMNS.into_iter().map(header) }</tr>
                    </thead>
                    // The empty note, too, sits in a tbody of its own (see `spacer`).
                    { spacer(start, ROW_HEIGHT, 11) }
                    <tbody>
                        { for props.shown[start..end].iter().enumerate().map(|(k, &i)| {
                            let test = &analysis.tests[i];
                            let open = props.selected.as_deref() == Some(&*test.id);
                            let cursor = props.cursor.as_deref() == Some(&*test.id);
                            row(analysis, test, &files, start + k, open, cursor, &props.on_select)
                        }) }
                    </tbody>
                    { spacer(total - end, ROW_HEIGHT, 11) }
                    <tbody>
                        if total == 0 {
                            <tr class="empty"><td colspan="11" class="muted">{"No test matches."}</td></tr>
                        }
                    </tbody>
                </table>
            </div>
            <p class="hint">
                {"Click a test's name, or move with j and k and press Enter, for its runs, messages, durations and every metric. / searches; Esc closes."}
            </p>
        </section>
    }
}

/// Scrolls the page (not the table) so that the whole table box is in the window, when a
/// cursor move would otherwise happen below or above what is visible.
fn reveal(scroller: &Element) {
    let rect = scroller.get_bounding_client_rect();
    let window_height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(f64::INFINITY);
    if rect.bottom() > window_height {
        scroller.scroll_into_view_with_bool(false);
    } else if rect.top() < 0.0 {
        scroller.scroll_into_view_with_bool(true);
    }
}

/// Focuses `element` without scrolling (the table already placed the row below its header).
fn focus_quietly(element: &HtmlElement) {
    let options = FocusOptions::new();
    options.set_prevent_scroll(true);
    let _ = element.focus_with_options(&options);
}

/// The name button of the rendered row of test `id`, if that row is in the DOM.
fn row_button(scroller: &Element, id: &str) -> Option<HtmlElement> {
    let rows = scroller.query_selector_all("tr[data-test-id]").ok()?;
    (0..rows.length())
        .filter_map(|i| rows.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .find(|tr| tr.get_attribute("data-test-id").as_deref() == Some(id))
        .and_then(|tr| tr.query_selector("button.name").ok().flatten())
        .and_then(|b| b.dyn_into::<HtmlElement>().ok())
}

fn row(
    analysis: &SharedAnalysis,
    test: &TestSummary,
    files: &Rc<Vec<String>>,
    position: usize,
    open: bool,
    cursor: bool,
    on_select: &Callback<String>,
) -> Html {
    let verdict = test.verdict.as_str();
    let failure = test.first_failure.as_ref().map(|f| {
        let text = match (&f.failure_type, &f.message) {
            (Some(t), Some(m)) => format!("{t}: {m}"),
            (Some(t), None) => t.clone(),
            (None, Some(m)) => m.clone(),
            (None, None) => "(no message)".to_owned(),
        };
        let shown: String = text.chars().take(240).collect();
        html! { <div class="failure-message" title={text}>{shown}</div> }
    });
    let category_title = test.categories.matches.first().map(|m| {
        format!(
            "rule {} · {} confidence · {}",
            m.rule,
            confidence_label(m.confidence),
            m.evidence
        )
    });
    let onclick = {
        let id = test.id.to_string();
        on_select.reform(move |_: MouseEvent| id.clone())
    };
    html! {
        <tr key={&*test.id} data-test-id={test.id.to_string()} aria-rowindex={(position + 2).to_string()}
            class={classes!(verdict, open.then_some("selected"), cursor.then_some("cursor"))}>
            <th scope="row" class="test-name">
                <button type="button" class="name" {onclick} aria-controls="test-detail"
                    aria-expanded={if open { "true" } else { "false" }}
                    title={format!("{} — show its runs, messages and metrics", test.id)}>{&test.name}</button>
                <div class="classname">{format!("{} · {}", test.suite, test.classname)}</div>
                {failure}
            </th>
            <td><span class={classes!("verdict", verdict)} data-testid="verdict">{verdict}</span></td>
            <td class="col-runs"><OutcomeStrip outcomes={test.outcomes.clone()} files={files.clone()} /></td>
            <td class="num" data-testid="count-passed">{test.counts.passed()}</td>
            <td class="num" data-testid="count-failed">{test.counts.failed()}</td>
            <td class="num" data-testid="count-errored">{test.counts.errored()}</td>
            <td class="num" data-testid="count-skipped">{test.counts.skipped()}</td>
            <td class="num" data-testid="failure-rate">{percent(test.failure_rate)}</td>
            <td class="num nowrap" data-testid="wilson">{interval(test.metrics.wilson_95)}</td>
            <td data-testid="category" data-category-id={test.categories.primary.clone()} title={category_title}>
                {category_name(analysis, &test.categories.primary)}
            </td>
            <td><FlagChips flags={test.flags.clone()} /></td>
        </tr>
    }
}
