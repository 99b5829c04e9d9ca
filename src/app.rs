//! The root component: wires the loader and the state to the routed views, keeps the URL
//! fragment and the state in step, and handles the page's keyboard shortcuts.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_events::EventListener;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{HtmlElement, KeyboardEvent};
use yew::prelude::*;

use crate::components::audit_download::AuditDownload;
use crate::components::categories::Categories;
use crate::components::category_chart::CategoryChart;
use crate::components::clusters::{self, Clusters};
use crate::components::confirm_fetch::ConfirmFetch;
use crate::components::consistency::ConsistencyPanel;
use crate::components::criteria::CriteriaTable;
use crate::components::diagnostics::DiagnosticsPanel;
use crate::components::drop_zone::DropZone;
use crate::components::filter_bar;
use crate::components::groups::Groups;
use crate::components::load_progress::{use_load_progress, LoadProgress};
use crate::components::nav_bar::NavBar;
use crate::components::rate_histogram::RateHistogram;
use crate::components::rules_editor::RulesEditor;
use crate::components::runs::RunsTable;
use crate::components::runs_timeline::RunsTimeline;
use crate::components::share_link::ShareLink;
use crate::components::suite_tree::SuiteTree;
use crate::components::summary::Summary;
use crate::components::summary_audit::SummaryAudit;
use crate::components::test_detail::TestDetail;
use crate::components::test_heatmap::TestHeatmap;
use crate::components::test_table::TestTable;
use crate::components::theme_toggle::ThemeToggle;
use crate::components::window_keydown;
use crate::display::route::{others, search_text, step_cursor, visible, Query, Route, View};
use crate::display::SharedAnalysis;
use crate::dropped::Dropped;
use crate::engine;
use crate::loader::{self, Loaded};
use crate::state::{memory_budget, Action, State, Theme};

/// Where the theme choice is kept.
const THEME_KEY: &str = "flakelens-theme";

/// The page's URL fragment, `""` when there is none.
fn location_hash() -> String {
    web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default()
}

/// The theme stored by the toggle, if any.
fn stored_theme() -> Option<Theme> {
    let storage = web_sys::window()?.local_storage().ok()??;
    Theme::parse(&storage.get_item(THEME_KEY).ok()??)
}

/// Shows `route` in the address bar: a new history entry when the view changes, the same
/// entry when only the query does. Parts of the fragment owned by others (`audit=`) stay.
fn write_route(route: &Route) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let current = location_hash();
    let shown = Route::parse(&current);
    if shown == *route {
        return;
    }
    let fragment = route.to_fragment(&others(&current));
    let written = window.history().and_then(|history| {
        if shown.view == route.view {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&fragment))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(&fragment))
        }
    });
    if written.is_err() {
        // Some file:// pages refuse the History API; the hash itself always works.
        let _ = window.location().set_hash(&fragment);
    }
}

/// Sets `data-theme` on `<html>` and remembers the choice; `None` follows the system.
fn apply_theme(theme: Option<Theme>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    if let Some(root) = window.document().and_then(|d| d.document_element()) {
        let _ = match theme {
            Some(t) => root.set_attribute("data-theme", t.as_str()),
            None => root.remove_attribute("data-theme"),
        };
    }
    if let Ok(Some(storage)) = window.local_storage() {
        let _ = match theme {
            Some(t) => storage.set_item(THEME_KEY, t.as_str()),
            None => storage.remove_item(THEME_KEY),
        };
    }
}

/// What the keyboard handler needs from the latest render.
struct KeyContext {
    view: View,
    analysis: Option<Rc<flakelens_core::Analysis>>,
    shown: Rc<Vec<usize>>,
    cursor: Option<String>,
}

/// True for elements that take typed text or handle Enter themselves.
fn is_interactive(target: Option<web_sys::EventTarget>, typing_only: bool) -> bool {
    let Some(el) = target.and_then(|t| t.dyn_into::<HtmlElement>().ok()) else {
        return false;
    };
    let tag = el.tag_name().to_ascii_lowercase();
    let typing =
        matches!(tag.as_str(), "input" | "textarea" | "select") || el.is_content_editable();
    typing || (!typing_only && matches!(tag.as_str(), "button" | "a" | "summary"))
}

/// `/` focuses the search; `j`/`k` move the cursor in the test table (the open detail
/// follows); Enter opens the cursor's detail; Esc leaves a text field or drops focus (the
/// detail panel closes itself on Esc).
#[hook]
fn use_keyboard(context: Rc<RefCell<KeyContext>>, dispatcher: UseReducerDispatcher<State>) {
    use_effect_with((), move |()| {
        let on_key = move |e: &KeyboardEvent| {
            if e.ctrl_key() || e.meta_key() || e.alt_key() || e.default_prevented() {
                return;
            }
            let ctx = context.borrow();
            let in_tests = matches!(ctx.view, View::Tests | View::Test(_));
            let detail_open = matches!(ctx.view, View::Test(_));
            match e.key().as_str() {
                "/" if !is_interactive(e.target(), true) && ctx.analysis.is_some() => {
                    e.prevent_default();
                    dispatcher.dispatch(Action::FocusSearch);
                }
                key @ ("j" | "k") if in_tests && !is_interactive(e.target(), true) => {
                    let Some(analysis) = &ctx.analysis else {
                        return;
                    };
                    e.prevent_default();
                    let position = ctx.cursor.as_ref().and_then(|id| {
                        ctx.shown
                            .iter()
                            .position(|&i| *analysis.tests[i].id == **id)
                    });
                    let delta = if key == "j" { 1 } else { -1 };
                    if let Some(next) = step_cursor(ctx.shown.len(), position, delta) {
                        let id = analysis.tests[ctx.shown[next]].id.to_string();
                        dispatcher.dispatch(if detail_open {
                            Action::Select(id)
                        } else {
                            Action::SetCursor(id)
                        });
                    }
                }
                "Enter" if in_tests && !detail_open && !is_interactive(e.target(), false) => {
                    if let Some(id) = ctx.cursor.clone() {
                        e.prevent_default();
                        dispatcher.dispatch(Action::Select(id));
                    }
                }
                "Escape" if !detail_open => {
                    // Keep what was typed (a search box would clear itself without telling).
                    if is_interactive(e.target(), true) {
                        e.prevent_default();
                    }
                    let active = web_sys::window()
                        .and_then(|w| w.document())
                        .and_then(|d| d.active_element())
                        .and_then(|el| el.dyn_into::<HtmlElement>().ok());
                    if let Some(el) = active {
                        let _ = el.blur();
                    }
                    dispatcher.dispatch(Action::ReleaseFocus);
                }
                _ => {}
            }
        };
        let listener = window_keydown(on_key);
        move || drop(listener)
    });
}

/// Follows the URL fragment: typed, back and forward.
#[hook]
fn use_hash_routing(dispatcher: UseReducerDispatcher<State>, route: Route) {
    use_effect_with((), move |()| {
        let listeners: Vec<EventListener> = web_sys::window()
            .map(|w| {
                ["hashchange", "popstate"]
                    .into_iter()
                    .map(|event| {
                        let dispatcher = dispatcher.clone();
                        EventListener::new(&w, event, move |_| {
                            dispatcher.dispatch(Action::Navigated(Route::parse(&location_hash())));
                        })
                    })
                    .collect()
            })
            .unwrap_or_default();
        // Removed from the window when dropped, that is when the effect is cleaned up.
        move || drop(listeners)
    });
    use_effect_with(route, write_route);
}

/// Caches a value computed from the analysis (by identity) and a key.
type Cache<K, V> = Rc<RefCell<Option<(Rc<flakelens_core::Analysis>, K, Rc<V>)>>>;

fn cached<K: PartialEq + Clone, V>(
    cache: &Cache<K, V>,
    analysis: &Rc<flakelens_core::Analysis>,
    key: &K,
    make: impl FnOnce() -> V,
) -> Rc<V> {
    if let Some((a, k, v)) = &*cache.borrow() {
        if Rc::ptr_eq(a, analysis) && k == key {
            return v.clone();
        }
    }
    let value = Rc::new(make());
    *cache.borrow_mut() = Some((analysis.clone(), key.clone(), value.clone()));
    value
}

/// Runs `task` when the browser is idle (`requestIdleCallback`), so that a click or a key
/// press goes first; after a zero timeout where there is no such call (Safari).
fn when_idle(task: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let callback = Closure::once_into_js(task);
    let function: &js_sys::Function = callback.unchecked_ref();
    if window.request_idle_callback(function).is_err() {
        let _ = window.set_timeout_with_callback(function);
    }
}

/// Adds the runs `loaded` staged in the engine, then shows `loaded` (replacing what was
/// shown when `replace`).
async fn commit_and(dispatcher: &UseReducerDispatcher<State>, mut loaded: Loaded, replace: bool) {
    match loader::commit(&mut loaded, replace).await {
        Ok(held) => {
            dispatcher.dispatch(Action::Held(held));
            dispatcher.dispatch(if replace {
                Action::Replace(Box::new(loaded))
            } else {
                Action::Add(Box::new(loaded))
            });
        }
        Err(message) => dispatcher.dispatch(Action::EngineFailed(message)),
    }
}

/// [`commit_and`] without waiting: the loaded audit shows at once, the engine takes its runs
/// in the background.
fn add_committed(dispatcher: UseReducerDispatcher<State>, loaded: Loaded, replace: bool) {
    wasm_bindgen_futures::spawn_local(async move {
        commit_and(&dispatcher, loaded, replace).await;
    });
}

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(|| State::starting(Route::parse(&location_hash()), stored_theme()));
    use_hash_routing(state.dispatcher(), state.route.clone());
    use_effect_with(state.theme, |theme| apply_theme(*theme));
    // An audit the page carries (a single-file report, or a share link's `#audit=`).
    {
        let dispatcher = state.dispatcher();
        use_effect_with((), move |()| {
            wasm_bindgen_futures::spawn_local(async move {
                match loader::startup_audit().await {
                    Some(Ok(loaded)) => commit_and(&dispatcher, loaded, false).await,
                    Some(Err(message)) => dispatcher.dispatch(Action::Failed(message)),
                    None => {}
                }
            });
        });
    }
    // The engine analyzes the runs it holds whenever the state asks for it.
    {
        let dispatcher = state.dispatcher();
        let options = state.options.clone();
        use_effect_with(state.analysis_request, move |&request| {
            if request > 0 {
                wasm_bindgen_futures::spawn_local(async move {
                    match engine::analyze(&options).await {
                        // A later request superseded it before its turn.
                        Ok(None) => {}
                        Ok(Some(engine::Analyzed {
                            analysis,
                            run_files,
                            search_index,
                        })) => dispatcher.dispatch(Action::Analyzed {
                            request,
                            analysis: Box::new(analysis),
                            run_files,
                            search_index: Rc::new(search_index),
                        }),
                        Err(message) => dispatcher.dispatch(Action::EngineFailed(message)),
                    }
                });
            }
        });
    }
    // What the tests and consistency views build from every test of an analysis (the chips'
    // counts, the co-failure clusters' list) is made while the page is idle once the analysis
    // arrives, one task each, so the first switch to those views does not wait for it (a
    // switch made before that builds it as before).
    use_effect_with(state.analysis.clone().map(SharedAnalysis), |analysis| {
        if let Some(SharedAnalysis(analysis)) = analysis {
            let analysis = Rc::downgrade(analysis);
            when_idle(move || {
                if let Some(analysis) = analysis.upgrade() {
                    filter_bar::chip_counts(&analysis);
                }
                when_idle(move || {
                    if let Some(analysis) = analysis.upgrade() {
                        clusters::cluster_list(&analysis);
                    }
                });
            });
        }
    });
    let progress = use_load_progress();
    // `/`: the search box takes focus once the tests view is rendered.
    use_effect_with(state.focus_search, |request| {
        if *request > 0 {
            let input = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.get_element_by_id("search"))
                .and_then(|el| el.dyn_into::<web_sys::HtmlInputElement>().ok());
            if let Some(input) = input {
                let _ = input.focus();
                input.select();
            }
        }
    });

    // The search index and the shown list are made only when a view needs them, once per
    // analysis (and query).
    let index_cache: Cache<(), Vec<String>> = use_mut_ref(|| None);
    let shown_cache: Cache<Query, Vec<usize>> = use_mut_ref(|| None);
    if state.analysis.is_none() {
        // Let go of what an analysis the page no longer shows left here (a re-analysis above
        // the memory budget clears the analysis first so that it is not held twice).
        *index_cache.borrow_mut() = None;
        *shown_cache.borrow_mut() = None;
    }
    let view = state.route.view.clone();
    let needs_list = matches!(view, View::Tests | View::Test(_) | View::Consistency);
    let shown: Rc<Vec<usize>> = match (&state.analysis, needs_list) {
        (Some(analysis), true) => {
            let index = match &state.search_index {
                // Built by the engine's answer, chunk by chunk.
                Some((of, index)) if Rc::ptr_eq(of, analysis) => index.clone(),
                _ => cached(&index_cache, analysis, &(), || {
                    analysis.tests.iter().map(search_text).collect()
                }),
            };
            cached(&shown_cache, analysis, &state.route.query, || {
                visible(analysis, &state.route.query, &index)
            })
        }
        _ => Rc::new(Vec::new()),
    };

    let keys = use_mut_ref(|| KeyContext {
        view: View::Overview,
        analysis: None,
        shown: Rc::new(Vec::new()),
        cursor: None,
    });
    *keys.borrow_mut() = KeyContext {
        view: view.clone(),
        analysis: state.analysis.clone(),
        shown: shown.clone(),
        cursor: state.cursor.clone(),
    };
    use_keyboard(keys, state.dispatcher());

    let on_files = {
        let dispatcher = state.dispatcher();
        Callback::from(move |files: Dropped| {
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let progress = {
                    let d = dispatcher.clone();
                    move |s: String| d.dispatch(Action::Progress(s))
                };
                let loaded = loader::read_dropped(files, progress).await;
                commit_and(&dispatcher, loaded, false).await;
            });
        })
    };
    let on_example = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let progress = {
                    let d = dispatcher.clone();
                    move |s: String| d.dispatch(Action::Progress(s))
                };
                match loader::read_example(progress).await {
                    Ok(loaded) => commit_and(&dispatcher, loaded, true).await,
                    Err(message) => dispatcher.dispatch(Action::Failed(message)),
                }
            });
        })
    };
    let on_clear = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| {
            dispatcher.dispatch(Action::Clear);
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match engine::clear().await {
                    Ok(held) => dispatcher.dispatch(Action::Held(held)),
                    Err(message) => dispatcher.dispatch(Action::EngineFailed(message)),
                }
            });
        })
    };
    let on_hosted = {
        let dispatcher = state.dispatcher();
        Callback::from(move |loaded| add_committed(dispatcher.clone(), loaded, false))
    };
    let on_drop_outputs = {
        let dispatcher = state.dispatcher();
        Callback::from(move |_: MouseEvent| {
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match engine::drop_outputs().await {
                    Ok(held) => dispatcher.dispatch(Action::Held(held)),
                    Err(message) => dispatcher.dispatch(Action::EngineFailed(message)),
                }
            });
        })
    };
    let budget = memory_budget();
    // Built once, so the detail panel's Esc listener is not re-registered on every render.
    let on_select = use_memo((), {
        let dispatcher = state.dispatcher();
        move |()| Callback::from(move |id: String| dispatcher.dispatch(Action::Select(id)))
    });
    let on_close = use_memo((), {
        let dispatcher = state.dispatcher();
        move |()| Callback::from(move |()| dispatcher.dispatch(Action::Deselect))
    });
    let on_query = {
        let dispatcher = state.dispatcher();
        Callback::from(move |q: Query| dispatcher.dispatch(Action::SetQuery(q)))
    };
    let on_filter = {
        let dispatcher = state.dispatcher();
        Callback::from(move |id: Option<String>| dispatcher.dispatch(Action::FilterCategory(id)))
    };
    let on_theme = {
        let dispatcher = state.dispatcher();
        Callback::from(move |t: Option<Theme>| dispatcher.dispatch(Action::SetTheme(t)))
    };
    let on_apply_rules = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| {
            let dispatcher = dispatcher.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match engine::check_rules(&text).await {
                    Ok(rules) => dispatcher.dispatch(Action::ApplyRules { text, rules }),
                    Err(message) => dispatcher.dispatch(Action::EngineFailed(message)),
                }
            });
        })
    };
    let on_label = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(file, label): (String, String)| {
            dispatcher.dispatch(Action::SetLabel { file, label })
        })
    };
    let on_include = {
        let dispatcher = state.dispatcher();
        Callback::from(move |(file, included): (String, bool)| {
            dispatcher.dispatch(Action::SetIncluded { file, included })
        })
    };

    let analysis = state.analysis.clone().map(SharedAnalysis);
    let has_data = analysis.is_some() || state.summary_audit.is_some();
    let routed = state.summary_audit.is_none() && analysis.is_some();
    let content = if let Some(audit) = state.summary_audit.clone() {
        html! {
            <>
                <SummaryAudit audit={audit.clone()} />
                <ShareLink summary_audit={Some(audit)} title={state.title.clone()} />
                if let Some(analysis) = analysis.clone() {
                    <DiagnosticsPanel {analysis} />
                }
            </>
        }
    } else if let Some(analysis) = analysis.clone() {
        match &view {
            View::Overview => html! {
                <>
                    if let Some(title) = &state.title {
                        <h2 class="audit-title" data-testid="audit-title">{title}</h2>
                    }
                    <CriteriaTable criteria={state.criteria.clone()}><></></CriteriaTable>
                    // The figures and the claim right under the criteria: the first screen
                    // answers "is it stable, and which tests are flaky?"; exports come last.
                    <Summary analysis={analysis.clone()} />
                    <section class="charts" aria-label="Charts">
                        <RateHistogram analysis={analysis.clone()} />
                        <figure class="chart-card">
                            <figcaption>
                                {"Failing or flaky tests per root-cause category · "}
                                <a href={state.route.with_view(View::Categories).to_fragment(&others(&location_hash()))}>
                                    {"categories"}
                                </a>
                            </figcaption>
                            <CategoryChart rows={analysis.categories.clone()} active={state.route.query.cat.clone()} />
                        </figure>
                        <RunsTimeline analysis={analysis.clone()} />
                    </section>
                    <section class="exports" aria-label="Save and share">
                        <AuditDownload analysis={analysis.clone()} criteria={state.criteria_config.clone()}
                            title={state.title.clone()} />
                        <ShareLink analysis={Some(analysis.clone())} criteria={state.criteria_config.clone()}
                            title={state.title.clone()} />
                    </section>
                </>
            },
            View::Tests | View::Test(_) => html! {
                <>
                    <TestTable analysis={analysis.clone()} shown={shown.clone()} query={state.route.query.clone()}
                        selected={state.selected().map(str::to_owned)} cursor={state.cursor.clone()}
                        focus_cursor={state.focus_cursor} hold_focus={state.hold_cursor_focus}
                        on_select={(*on_select).clone()} {on_query} />
                    if let Some(id) = state.selected() {
                        <TestDetail analysis={analysis.clone()} id={id.to_owned()} on_close={(*on_close).clone()} />
                    }
                </>
            },
            View::Consistency => html! {
                <>
                    <ConsistencyPanel analysis={analysis.clone()} theme={state.theme} />
                    <TestHeatmap analysis={analysis.clone()} shown={shown.clone()}
                        filtered={!state.route.query.is_unfiltered()} on_select={(*on_select).clone()} />
                    <Groups analysis={analysis.clone()} />
                    <Clusters analysis={analysis.clone()} />
                </>
            },
            View::Categories => html! {
                <>
                    <Categories analysis={analysis.clone()} filter={state.route.query.cat.clone()} {on_filter} />
                    <SuiteTree analysis={analysis.clone()} />
                    <RulesEditor rules_text={state.rules_text.clone()} error={state.rules_error.clone()}
                        on_apply={on_apply_rules} />
                </>
            },
            View::Runs => html! {
                <RunsTable analysis={analysis.clone()} files={state.run_files()}
                    excluded={state.options.excluded_runs.clone()} {on_label} {on_include} />
            },
            View::Diagnostics => {
                html! { <DiagnosticsPanel analysis={analysis.clone()} full=true /> }
            }
        }
    } else {
        html! {}
    };
    html! {
        <main id="app" data-busy={state.busy.then_some("true")} data-view={routed.then_some(view.slug())}>
            <header class="masthead">
                <div>
                    <h1>{"flakelens"}</h1>
                    <p class="tagline">
                        {"Which tests are flaky? Drop the JUnit XML reports of many runs of one suite, or a flakelens audit JSON. Everything is computed in this page; nothing is uploaded."}
                    </p>
                </div>
                <ThemeToggle theme={state.theme} on_change={on_theme} />
            </header>
            if let Some(analysis) = analysis.clone().filter(|_| routed) {
                <NavBar route={state.route.clone()} others={others(&location_hash())}
                    tests={analysis.tests.len()} flaky={analysis.totals.flaky}
                    diagnostics={analysis.diagnostics.len()} />
            }
            <DropZone {on_files} {on_example} {on_clear} busy={state.busy} {has_data}
                example={!crate::engine::is_single_file_report()}
                on_intent={Callback::from(|()| crate::engine::warm_up())} />
            <LoadProgress {progress} on_cancel={Callback::from(|()| loader::cancel_loading())} />
            <ConfirmFetch on_loaded={on_hosted} />
            if state.over_budget(budget) {
                <div class="memory-warning" role="alert" data-testid="memory-warning">
                    <p>
                        {format!("The reports loaded are {} MB, more than this page's memory budget of {} MB: the tab may run out of memory. Outputs (system-out and system-err) are usually most of that.",
                            state.held.input_bytes / 1_000_000, budget / 1_000_000)}
                    </p>
                    <button type="button" data-testid="drop-outputs" onclick={on_drop_outputs}>
                        {"Drop system-out/err"}
                    </button>
                </div>
            }
            if state.held.outputs_dropped {
                <p class="hint" data-testid="outputs-dropped">{"System-out and system-err were dropped to save memory; files loaded from now on lose theirs too."}</p>
            }
            if let Some(status) = &state.status {
                <p class="status" role="status">{status}</p>
            }
            {content}
        </main>
    }
}
