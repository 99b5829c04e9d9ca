//! Component tests in a browser (wasm-bindgen-test, headless Chromium): each test renders one
//! component into a fresh `<div>` with a small analysis made by the core, lets Yew's scheduler
//! run (`sleep(Duration::ZERO)`, no fixed waits), and reads the DOM.
//!
//! Run: `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web`
//! (`.cargo/config.toml` makes `wasm-bindgen-test-runner` the runner).
//!
//! The page is a binary crate, so the modules under test are compiled into this test crate by
//! path, with the same module names they have in the page.
#![cfg(target_arch = "wasm32")]
// The page's modules are only partly used here.
#![allow(dead_code, unused_imports)]

#[path = "../src/chart.rs"]
mod chart;
#[path = "../src/display.rs"]
mod display;
#[path = "../src/text_decoder.rs"]
mod text_decoder;
// The worker's engine, with its unit tests (`worker::tests`), and what it uses.
#[path = "../src/protocol.rs"]
mod protocol;
#[path = "../src/rules.rs"]
mod rules;
#[path = "../src/wire.rs"]
mod wire;
#[path = "../src/worker.rs"]
mod worker;

// An inline module with a path: its modules are read from src/components/.
#[path = "../src/components"]
mod components {
    pub mod canvas;
    pub mod comparison;
    pub mod consistency;
    pub mod diagnostics;
    pub mod filter_bar;
    pub mod flag_chips;
    pub mod lazy_text;
    pub mod nav_bar;
    pub mod outcome_strip;
    pub mod rate_histogram;
    pub mod run_failures;
    pub mod test_heatmap;
    pub mod test_table;
    pub mod windowed;
}

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use flakelens_core::junit::read_report;
use flakelens_core::metrics::groups::{GroupComparison, TestComparison};
use flakelens_core::{Analysis, Diagnostic, Outcome, Severity};
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement};
use yew::platform::time::sleep;
use yew::prelude::*;

use components::comparison::{ComparisonProps, ComparisonTable, COMPARISON_ROWS};
use components::consistency::{ConsistencyPanel, ConsistencyProps, AGREEMENT_HTML_RUNS};
use components::diagnostics::{DiagnosticsPanel, DiagnosticsProps};
use components::filter_bar::{FilterBar, FilterBarProps};
use components::lazy_text::{LazyText, LazyTextProps};
use components::nav_bar::{NavBar, NavBarProps};
use components::outcome_strip::{
    OutcomeStrip, OutcomeStripProps, CELL_PER_RUN_UP_TO, MERGED_CELLS_AT_MOST,
};
use components::rate_histogram::{RateHistogram, RateHistogramProps};
use components::run_failures::{RunFailures, RunFailuresProps};
use components::test_heatmap::{TestHeatmap, TestHeatmapProps};
use components::test_table::{TestTable, TestTableProps};
use display::route::{Filter, Query, Route, Sort, SortKey, View};
use display::SharedAnalysis;

wasm_bindgen_test_configure!(run_in_browser);

/// Renders `C` with `props` into a new `<div>` in the body and lets the scheduler run.
async fn render<C>(props: C::Properties) -> Element
where
    C: BaseComponent,
{
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("appended");
    yew::Renderer::<C>::with_root_and_props(root.clone(), props).render();
    settle().await;
    root
}

/// Lets Yew run what a render or an event scheduled.
async fn settle() {
    sleep(Duration::ZERO).await;
}

fn all(root: &Element, selector: &str) -> Vec<Element> {
    let list = root.query_selector_all(selector).expect("a valid selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

/// The first element under `root` that `selector` matches; panics with `what` when there is
/// none.
fn one(root: &Element, selector: &str, what: &str) -> Element {
    root.query_selector(selector).ok().flatten().expect(what)
}

fn attr(el: &Element, name: &str) -> String {
    el.get_attribute(name).unwrap_or_default()
}

fn click(root: &Element, selector: &str) {
    root.query_selector(selector)
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .unwrap_or_else(|| panic!("no {selector}"))
        .click();
}

/// `tests` tests over `runs` runs: every 7th fails in odd runs (flaky, "value 3" / "value 5"),
/// every 11th fails always (broken); the rest pass.
fn analysis(tests: usize, runs: usize) -> SharedAnalysis {
    let runs: Vec<_> = (0..runs)
        .map(|r| {
            let mut xml = String::from("<testsuite name=\"s\">");
            for t in 0..tests {
                let fails = (t % 7 == 0 && r % 2 == 1) || (t % 11 == 0 && t % 7 != 0);
                if fails {
                    xml.push_str(&format!(
                        "<testcase classname=\"m{}\" name=\"t{t:05}\" time=\"0.{r}\"><failure message=\"value {}\">trace</failure></testcase>",
                        t % 3,
                        r % 4 + 2
                    ));
                } else {
                    xml.push_str(&format!(
                        "<testcase classname=\"m{}\" name=\"t{t:05}\" time=\"0.{r}\"/>",
                        t % 3
                    ));
                }
            }
            xml.push_str("</testsuite>");
            read_report(&format!("run-{r}.xml"), xml.as_bytes()).run.expect("a run")
        })
        .collect();
    SharedAnalysis(Rc::new(Analysis::from_runs(&runs, Vec::new())))
}

fn all_shown(analysis: &SharedAnalysis) -> Rc<Vec<usize>> {
    Rc::new((0..analysis.tests.len()).collect())
}

#[wasm_bindgen_test]
async fn the_nav_bar_marks_the_current_view_and_keeps_the_share_part() {
    let mut route = Route::parse("#/tests?q=x");
    route.view = View::Consistency;
    let root = render::<NavBar>(NavBarProps {
        route,
        others: vec!["audit=abc".to_owned()],
        tests: 19,
        flaky: 6,
        diagnostics: 2,
    })
    .await;
    let links = all(&root, "nav[aria-label=Views] a");
    assert_eq!(links.len(), 6);
    let current: Vec<String> = links
        .iter()
        .filter(|a| attr(a, "aria-current") == "page")
        .map(|a| attr(a, "data-view"))
        .collect();
    assert_eq!(current, vec!["consistency"]);
    assert_eq!(attr(&links[1], "href"), "#/tests?q=x&audit=abc");
    assert!(links[1]
        .text_content()
        .unwrap_or_default()
        .contains("6 flaky"));
}

#[wasm_bindgen_test]
async fn the_filter_bar_counts_its_chips_and_emits_queries() {
    let analysis = analysis(30, 4);
    let emitted: Rc<RefCell<Vec<Query>>> = Rc::default();
    let sink = emitted.clone();
    let root = render::<FilterBar>(FilterBarProps {
        analysis: analysis.clone(),
        query: Query::default(),
        shown: 30,
        on_query: Callback::from(move |q| sink.borrow_mut().push(q)),
    })
    .await;
    let flaky = one(
        &root,
        "[data-testid=filter-chip][data-value=flaky]",
        "a flaky chip",
    );
    let want = analysis
        .tests
        .iter()
        .filter(|t| t.verdict.as_str() == "flaky")
        .count();
    assert!(flaky
        .text_content()
        .unwrap_or_default()
        .ends_with(&want.to_string()));
    assert_eq!(attr(&flaky, "aria-pressed"), "false");
    click(&root, "[data-testid=filter-chip][data-value=flaky]");
    settle().await;
    assert_eq!(
        emitted.borrow().last().map(|q| q.filters.clone()),
        Some(vec![Filter::Flaky])
    );
    let count = one(&root, "[data-testid=shown-count]", "a count");
    assert_eq!(attr(&count, "data-count"), "30");
}

#[wasm_bindgen_test]
async fn the_test_table_sorts_from_its_headers() {
    let analysis = analysis(20, 4);
    let emitted: Rc<RefCell<Vec<Query>>> = Rc::default();
    let sink = emitted.clone();
    let root = render::<TestTable>(TestTableProps {
        analysis: analysis.clone(),
        shown: all_shown(&analysis),
        query: Query::default(),
        selected: None,
        cursor: None,
        focus_cursor: 0,
        hold_focus: false,
        on_select: Callback::noop(),
        on_query: Callback::from(move |q| sink.borrow_mut().push(q)),
    })
    .await;
    let rows = all(&root, "tr[data-test-id]");
    assert_eq!(rows.len(), 20);
    let ids: Vec<String> = rows.iter().map(|r| attr(r, "data-test-id")).collect();
    let want: Vec<String> = analysis.tests.iter().map(|t| t.id.to_string()).collect();
    assert_eq!(ids, want);
    let headers = all(&root, "thead th[aria-sort]");
    assert_eq!(headers.len(), 11);
    assert!(headers.iter().all(|th| attr(th, "aria-sort") == "none"));
    click(&root, "button.sort[data-sort=failure_rate]");
    settle().await;
    assert_eq!(
        emitted.borrow().last().and_then(|q| q.sort),
        Some(Sort {
            key: SortKey::FailureRate,
            desc: true
        })
    );
}

#[wasm_bindgen_test]
async fn the_test_table_renders_only_the_rows_in_view() {
    let analysis = analysis(5_000, 2);
    let root = render::<TestTable>(TestTableProps {
        analysis: analysis.clone(),
        shown: all_shown(&analysis),
        query: Query::default(),
        selected: None,
        cursor: None,
        focus_cursor: 0,
        hold_focus: false,
        on_select: Callback::noop(),
        on_query: Callback::noop(),
    })
    .await;
    let rows = all(&root, "tr[data-test-id]");
    assert!(
        !rows.is_empty() && rows.len() < 80,
        "{} rows in the DOM",
        rows.len()
    );
    let table = one(&root, ".test-table", "a table");
    assert_eq!(attr(&table, "aria-rowcount"), "5001");
    // A spacer above (0 px at the top) and one below the rendered rows, for the rest.
    let spacers: Vec<String> = all(&root, "tr.spacer")
        .iter()
        .map(|s| attr(s, "style"))
        .collect();
    assert_eq!(
        spacers,
        vec![
            "height: 0px".to_owned(),
            format!("height: {}px", (5_000 - rows.len()) * 64)
        ]
    );
    // Scrolled by twenty rows (past the eight rendered beyond the edge), the rows still in
    // view are the same elements, not rebuilt (a row's focus and state stay with its test).
    let style = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("style").ok())
        .expect("a style element");
    style.set_text_content(Some(
        ".table-scroll { max-height: 600px; overflow: auto; } .test-table tbody tr:not(.spacer) { height: 64px; }",
    ));
    root.append_child(&style).expect("appended");
    let kept = rows[15].clone();
    let id = attr(&kept, "data-test-id");
    let scroller = one(&root, ".table-scroll", "a scroller");
    scroller.set_scroll_top(20 * 64);
    scroller
        .dispatch_event(&web_sys::Event::new("scroll").expect("an event"))
        .expect("dispatched");
    settle().await;
    let first = all(&root, "tr[data-test-id]")
        .first()
        .map(|r| attr(r, "data-test-id"));
    assert_ne!(
        first.as_deref(),
        Some(attr(&rows[0], "data-test-id").as_str()),
        "the window moved"
    );
    assert!(kept.is_connected(), "the row of {id} was rebuilt");
    assert_eq!(attr(&kept, "data-test-id"), id);
}

#[wasm_bindgen_test]
async fn the_histogram_bins_failure_rates() {
    let analysis = analysis(30, 4);
    let root = render::<RateHistogram>(RateHistogramProps {
        analysis: analysis.clone(),
    })
    .await;
    let counts: Vec<u64> = all(&root, "[data-bin]")
        .iter()
        .map(|g| attr(g, "data-count").parse().unwrap_or(u64::MAX))
        .collect();
    let (bins, zero) = chart::rate_histogram(analysis.tests.iter().map(|t| t.failure_rate));
    assert_eq!(counts, bins.to_vec());
    // Flaky tests fail in 2 of 4 runs (50%: 40–50%), broken ones in all (100%).
    assert!(bins[4] > 0 && bins[10] > 0);
    let figure = one(&root, "[data-testid=rate-histogram]", "a figure");
    assert_eq!(attr(&figure, "data-zero"), zero.to_string());
}

#[wasm_bindgen_test]
async fn diagnostics_are_grouped_per_file() {
    let mut a = Analysis::from_runs(&[], Vec::new());
    a.diagnostics = vec![
        Diagnostic::whole_file("a.xml", Severity::Error, "not a report".to_owned()),
        Diagnostic::whole_file("b.xml", Severity::Warning, "odd".to_owned()),
        Diagnostic::whole_file("a.xml", Severity::Info, "note".to_owned()),
    ];
    let root = render::<DiagnosticsPanel>(DiagnosticsProps {
        analysis: SharedAnalysis(Rc::new(a)),
        full: true,
    })
    .await;
    let files: Vec<(String, usize)> = all(&root, "details.diagnostic-file")
        .iter()
        .map(|d| (attr(d, "data-file"), all(d, "li").len()))
        .collect();
    assert_eq!(
        files,
        vec![("a.xml".to_owned(), 2), ("b.xml".to_owned(), 1)]
    );
}

#[wasm_bindgen_test]
async fn long_text_is_rendered_only_when_opened() {
    let root = render::<LazyText>(LazyTextProps {
        summary: "system-out".into(),
        text: std::sync::Arc::<str>::from("line 1\nline 2"),
        testid: None,
    })
    .await;
    assert!(all(&root, "pre").is_empty());
    let details = one(&root, "details", "a details");
    details.set_attribute("open", "").expect("opened");
    details
        .dispatch_event(&web_sys::Event::new("toggle").expect("an event"))
        .expect("dispatched");
    settle().await;
    let pre = all(&root, "pre");
    assert_eq!(pre.len(), 1);
    assert_eq!(pre[0].text_content().as_deref(), Some("line 1\nline 2"));
}

#[wasm_bindgen_test]
async fn failing_runs_show_their_messages_and_the_lines_that_differ() {
    let analysis = analysis(8, 4);
    // Test 0 is flaky: it fails in runs 1 and 3 with "value 3" and "value 5".
    let root = render::<RunFailures>(RunFailuresProps {
        analysis: analysis.clone(),
        index: analysis
            .tests
            .iter()
            .position(|t| &*t.name == "t00000")
            .expect("t00000"),
    })
    .await;
    let runs: Vec<String> = all(&root, "[data-testid=run-failure]")
        .iter()
        .map(|li| attr(li, "data-run"))
        .collect();
    assert_eq!(runs, vec!["1", "3"]);
    let removed: Vec<String> = all(&root, "[data-testid=diff-removed]")
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect();
    let added: Vec<String> = all(&root, "[data-testid=diff-added]")
        .iter()
        .map(|e| e.text_content().unwrap_or_default())
        .collect();
    assert_eq!(removed, vec!["- value 3\n"]);
    assert_eq!(added, vec!["+ value 5\n"]);
}

#[wasm_bindgen_test]
async fn a_large_heat_map_is_drawn_on_a_canvas() {
    let small = analysis(10, 3);
    let root = render::<TestHeatmap>(TestHeatmapProps {
        analysis: small.clone(),
        shown: all_shown(&small),
        filtered: false,
        on_select: Callback::noop(),
    })
    .await;
    let grid = one(&root, "[data-testid=test-heatmap]", "a grid");
    assert_eq!(attr(&grid, "data-mode"), "html");
    assert_eq!(all(&root, "td[data-outcome]").len(), 30);

    let large = analysis(1_100, 20);
    let root = render::<TestHeatmap>(TestHeatmapProps {
        analysis: large.clone(),
        shown: all_shown(&large),
        filtered: false,
        on_select: Callback::noop(),
    })
    .await;
    let canvas = one(&root, "canvas[data-testid=test-heatmap]", "a canvas");
    assert_eq!(attr(&canvas, "data-mode"), "canvas");
    assert_eq!(attr(&canvas, "data-tests-per-row"), "2");
    assert!(all(&root, "td").is_empty());
}

#[wasm_bindgen_test]
async fn a_strip_of_many_runs_has_a_cell_per_stretch_of_equal_outcomes() {
    let (p, f) = (Some(Outcome::Passed), Some(Outcome::Failed));
    let files: Rc<Vec<String>> = Rc::new((0..61).map(|r| format!("run-{r}.xml")).collect());
    // 60 runs: a cell per run, whatever the outcomes.
    let root = render::<OutcomeStrip>(OutcomeStripProps {
        outcomes: vec![p; CELL_PER_RUN_UP_TO],
        files: files.clone(),
    })
    .await;
    assert_eq!(all(&root, "[data-outcome]").len(), 60);
    assert!(all(&root, "[data-runs]").is_empty());
    // 61 runs, 30 passed, one failed, 29 passed and the last absent: four cells as wide as
    // their runs.
    let mut outcomes = vec![p; 61];
    outcomes[30] = f;
    outcomes[60] = None;
    let root = render::<OutcomeStrip>(OutcomeStripProps { outcomes, files }).await;
    let cells: Vec<(String, String, String)> = all(&root, "[data-outcome]")
        .iter()
        .map(|c| {
            (
                attr(c, "data-outcome"),
                attr(c, "data-runs"),
                attr(c, "style"),
            )
        })
        .collect();
    let cell = |o: &str, n: u32| (o.to_owned(), n.to_string(), format!("flex-grow: {n}"));
    assert_eq!(
        cells,
        vec![
            cell("passed", 30),
            cell("failed", 1),
            cell("passed", 29),
            cell("absent", 1)
        ]
    );
    let failed = root.query_selector("[data-outcome=failed]").ok().flatten();
    assert_eq!(
        failed.map(|c| attr(&c, "title")),
        Some("run 31: failed (run-30.xml)".to_owned())
    );
    assert!(all(&root, ".mixed, [data-counts]").is_empty());

    // 120 runs failing in every other one: 120 stretches, more than MERGED_CELLS_AT_MOST
    // (60), so 60 groups of two runs, each one failure and one pass, filled half.
    assert_eq!(MERGED_CELLS_AT_MOST, 60);
    let files: Rc<Vec<String>> = Rc::new((0..120).map(|r| format!("run-{r}.xml")).collect());
    let outcomes: Vec<_> = (0..120).map(|r| if r % 2 == 0 { f } else { p }).collect();
    let root = render::<OutcomeStrip>(OutcomeStripProps { outcomes, files }).await;
    let cells = all(&root, "[data-outcome]");
    assert_eq!(cells.len(), 60);
    for (k, c) in cells.iter().enumerate() {
        assert_eq!(attr(c, "data-outcome"), "failed");
        assert_eq!(attr(c, "data-runs"), "2");
        assert_eq!(attr(c, "data-counts"), "failed:1 passed:1");
        assert_eq!(attr(c, "style"), "flex-grow: 2; --share: 50.0%");
        let classes = attr(c, "class");
        assert!(
            classes.split(' ').any(|class| class == "mixed"),
            "{classes}"
        );
        assert!(
            classes.split(' ').any(|class| class == "rest-passed"),
            "{classes}"
        );
        assert_eq!(
            attr(c, "title"),
            format!(
                "runs {}–{}: 1 failed, 1 passed (run-{}.xml … run-{}.xml)",
                2 * k + 1,
                2 * k + 2,
                2 * k,
                2 * k + 1
            )
        );
    }
}

#[wasm_bindgen_test]
async fn many_runs_agreement_is_a_canvas_and_the_least_agreeing_runs_are_listed() {
    // `analysis(14, runs)`: tests 0 and 7 fail in odd runs only, test 11 always. Two even
    // runs agree on all 14 tests, two odd runs too, an even and an odd run on 12 of 14.
    let few = analysis(14, 3);
    let root = render::<ConsistencyPanel>(ConsistencyProps {
        analysis: few,
        theme: None,
    })
    .await;
    assert_eq!(all(&root, "table[data-testid=agreement] td.heat").len(), 9);
    // Run 1 (odd) agrees 12/14 with runs 0 and 2; they agree (12/14 + 1) / 2 on average.
    let listed: Vec<(String, String, String)> = all(&root, "[data-testid=least-agreeing] tbody tr")
        .iter()
        .map(|r| {
            (
                attr(r, "data-run"),
                attr(r, "data-mean"),
                r.query_selector("[data-least]")
                    .ok()
                    .flatten()
                    .map(|c| attr(&c, "data-least"))
                    .unwrap_or_default(),
            )
        })
        .collect();
    let row =
        |run: &str, mean: &str, least: &str| (run.to_owned(), mean.to_owned(), least.to_owned());
    assert_eq!(
        listed,
        vec![
            row("1", "0.8571", "0"),
            row("0", "0.9286", "1"),
            row("2", "0.9286", "1")
        ]
    );

    let runs = AGREEMENT_HTML_RUNS + 1;
    let many = analysis(14, runs);
    let root = render::<ConsistencyPanel>(ConsistencyProps {
        analysis: many,
        theme: None,
    })
    .await;
    assert!(all(&root, "td.heat").is_empty());
    let canvas = one(&root, "canvas[data-testid=agreement]", "a canvas");
    assert_eq!(attr(&canvas, "data-mode"), "canvas");
    assert_eq!(attr(&canvas, "data-runs"), "61");
    // 720 / 61 = 11 pixels per pair of runs.
    assert_eq!(attr(&canvas, "data-cell"), "11");
    assert_eq!(attr(&canvas, "width"), "671");
    // 31 even runs, 30 odd. An odd run: 29 other odd runs at 1, 31 even ones at 12/14, a
    // mean of (29 + 31 × 6/7) / 60 = 389/420 = 0.92619; an even run: (30 + 30 × 6/7) / 60
    // = 13/14 = 0.92857. Ten listed, the odd runs first, by index; each agrees least with
    // run 0 (the first even run).
    let listed: Vec<(String, String)> = all(&root, "[data-testid=least-agreeing] tbody tr")
        .iter()
        .map(|r| (attr(r, "data-run"), attr(r, "data-mean")))
        .collect();
    let odd: Vec<(String, String)> = (0..10)
        .map(|k| ((2 * k + 1).to_string(), "0.9262".to_owned()))
        .collect();
    assert_eq!(listed, odd);
    // The pointer over the cell of runs 2 and 5 (an even and an odd run: 12/14).
    let rect = canvas.get_bounding_client_rect();
    let init = web_sys::MouseEventInit::new();
    init.set_bubbles(true);
    init.set_client_x((rect.left() + 11.0 * 5.0 + 5.0) as i32);
    init.set_client_y((rect.top() + 11.0 * 2.0 + 5.0) as i32);
    let moved =
        web_sys::MouseEvent::new_with_mouse_event_init_dict("mousemove", &init).expect("an event");
    canvas.dispatch_event(&moved).expect("dispatched");
    settle().await;
    let readout = one(&root, "[data-testid=agreement-readout]", "a readout");
    assert_eq!(attr(&readout, "data-pair"), "2 5");
    assert_eq!(attr(&readout, "data-agreement"), "0.8571");
    assert_eq!(
        readout.text_content().unwrap_or_default(),
        "#3 all (run-2.xml) vs #6 all (run-5.xml): 85.7% of shared tests agree"
    );
    assert_eq!(attr(&readout, "aria-live"), "off");
    // What is drawn: the pair of runs 2 and 5 (12/14 agree) and the diagonal (all agree), in
    // the light theme's heat colours (no stylesheet here: the fallback colours).
    let context: web_sys::CanvasRenderingContext2d = canvas
        .clone()
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .expect("a canvas")
        .get_context("2d")
        .ok()
        .flatten()
        .expect("a 2d context")
        .dyn_into()
        .expect("a 2d context");
    let pixel = |i: f64, j: f64| -> Vec<u8> {
        context
            .get_image_data(11.0 * j + 5.0, 11.0 * i + 5.0, 1.0, 1.0)
            .expect("pixels")
            .data()
            .0
    };
    let (hot, cool) = ([0xb7, 0x1c, 0x1c], [0xe6, 0xf4, 0xea]);
    assert_eq!(
        pixel(2.0, 5.0),
        chart::mix_colour(hot, cool, display::heat(12.0 / 14.0)).to_vec()
    );
    assert_eq!(pixel(5.0, 2.0), pixel(2.0, 5.0));
    assert_eq!(pixel(3.0, 3.0), vec![0xe6, 0xf4, 0xea, 255]);
    // The keyboard: the arrow keys move from the pair told, and the readout is announced.
    let init = web_sys::KeyboardEventInit::new();
    init.set_key("ArrowRight");
    init.set_bubbles(true);
    let key = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("an event");
    canvas.dispatch_event(&key).expect("dispatched");
    settle().await;
    assert_eq!(attr(&readout, "data-pair"), "2 6");
    assert_eq!(attr(&readout, "aria-live"), "polite");
    assert_eq!(attr(&canvas, "tabindex"), "0");
}

#[wasm_bindgen_test]
async fn a_long_comparison_shows_its_group_sensitive_rows_first_and_the_rest_on_request() {
    let base = analysis(300, 2);
    let mut with_groups = (*base.0).clone();
    // Every test failed in group a; one in 50 (6 of 300) only there.
    let rows: Vec<TestComparison> = with_groups
        .tests
        .iter()
        .enumerate()
        .map(|(i, t)| TestComparison {
            id: t.id.to_string(),
            a_failures: 1,
            a_runs: 1,
            b_failures: u32::from(i % 50 != 0),
            b_runs: 1,
            difference: None,
            fisher_p: 1.0,
            sensitive_to: (i % 50 == 0).then(|| "a".to_owned()),
            rule: None,
        })
        .collect();
    with_groups.comparisons = vec![GroupComparison {
        a: "a".to_owned(),
        b: "b".to_owned(),
        tests: rows,
    }];
    let root = render::<ComparisonTable>(ComparisonProps {
        analysis: SharedAnalysis(Rc::new(with_groups)),
        index: 0,
    })
    .await;
    let rows = all(&root, "tbody tr");
    assert_eq!(rows.len(), COMPARISON_ROWS);
    assert!(rows[..6]
        .iter()
        .all(|r| attr(r, "data-testid") == "sensitive"));
    assert!(rows[6..]
        .iter()
        .all(|r| attr(r, "data-testid") != "sensitive"));
    let more = one(
        &root,
        "[data-testid=comparison-more]",
        "a note on the rows left out",
    );
    assert!(more
        .text_content()
        .unwrap_or_default()
        .contains("200 of 300"));
    click(&root, "[data-testid=comparison-show-all]");
    settle().await;
    assert_eq!(all(&root, "tbody tr").len(), 300);
    assert!(root
        .query_selector("[data-testid=comparison-show-all]")
        .ok()
        .flatten()
        .is_none());
}

// The worker's decoder for encodings other than UTF-8. Expected texts are worked out by hand
// from the WHATWG Encoding Standard's index tables.
#[wasm_bindgen_test]
fn the_browser_decodes_encodings_other_than_utf8() {
    use text_decoder::browser_decode;
    // windows-1252: 0xE9 is 'é', 0x80 is '€'.
    assert_eq!(
        browser_decode("windows-1252", b"caf\xE9 \x80"),
        Some(("café €".to_owned(), false))
    );
    // Shift_JIS: テ 0x83 0x65, ス 0x83 0x58, ト 0x83 0x67.
    assert_eq!(
        browser_decode("Shift_JIS", &[0x83, 0x65, 0x83, 0x58, 0x83, 0x67]),
        Some(("テスト".to_owned(), false))
    );
    // UTF-16LE: an odd last byte is invalid; a byte-order mark here is text (the core has
    // removed the document's own).
    assert_eq!(
        browser_decode("UTF-16LE", &[0x41, 0x00, 0x42]),
        Some(("A\u{FFFD}".to_owned(), true))
    );
    assert_eq!(
        browser_decode("UTF-16LE", &[0xFF, 0xFE, 0x41, 0x00]),
        Some(("\u{FEFF}A".to_owned(), false))
    );
    assert_eq!(browser_decode("no-such-encoding", b"a"), None);
}

#[wasm_bindgen_test]
fn a_shift_jis_report_is_read_with_the_browsers_decoder() {
    // The core here is built without encoding_rs's decoders, as in the worker.
    let _ = flakelens_core::junit::set_legacy_decoder(text_decoder::browser_decode);
    let mut bytes = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?>\n<testsuite name=\"s\">\
        <testcase classname=\"c\" name=\""
        .to_vec();
    bytes.extend([0x83, 0x65, 0x83, 0x58, 0x83, 0x67]);
    bytes.extend(b"\"/></testsuite>");
    let read = read_report("sjis.xml", &bytes);
    assert!(read.diagnostics.is_empty(), "{:?}", read.diagnostics);
    let run = read.run.expect("a run");
    assert_eq!(&**run.testcases[0].key.name(), "テスト");
}
