//! The root component: wires the loader and the state to the views.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::audit_download::AuditDownload;
use crate::components::categories::Categories;
use crate::components::clusters::Clusters;
use crate::components::consistency::ConsistencyPanel;
use crate::components::criteria::CriteriaTable;
use crate::components::diagnostics::DiagnosticsPanel;
use crate::components::drop_zone::DropZone;
use crate::components::groups::Groups;
use crate::components::rules_editor::RulesEditor;
use crate::components::runs::RunsTable;
use crate::components::suite_tree::SuiteTree;
use crate::components::summary::Summary;
use crate::components::summary_audit::SummaryAudit;
use crate::components::test_detail::TestDetail;
use crate::components::test_table::TestTable;
use crate::dropped::Dropped;
use crate::loader;
use crate::state::{Action, State};

/// The whole page.
#[function_component(App)]
pub fn app() -> Html {
    let state = use_reducer(State::default);

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
                dispatcher.dispatch(Action::Add(Box::new(loaded)));
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
                    Ok(reads) => dispatcher.dispatch(Action::Replace(reads)),
                    Err(message) => dispatcher.dispatch(Action::Failed(message)),
                }
            });
        })
    };
    let on_clear = {
        let dispatcher = state.dispatcher();
        Callback::from(move |()| dispatcher.dispatch(Action::Clear))
    };
    // Built once, so the detail panel's Esc listener is not re-registered on every render.
    let on_select = use_memo((), {
        let dispatcher = state.dispatcher();
        move |()| Callback::from(move |id: String| dispatcher.dispatch(Action::Select(id)))
    });
    let on_close = use_memo((), {
        let dispatcher = state.dispatcher();
        move |()| Callback::from(move |()| dispatcher.dispatch(Action::Deselect))
    });

    let on_filter = {
        let dispatcher = state.dispatcher();
        Callback::from(move |id: Option<String>| dispatcher.dispatch(Action::FilterCategory(id)))
    };
    let on_clear_filter = on_filter.reform(|()| None);
    let on_apply_rules = {
        let dispatcher = state.dispatcher();
        Callback::from(move |text: String| dispatcher.dispatch(Action::ApplyRules(text)))
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

    let analysis = state.analysis.clone();
    let has_data = analysis.is_some() || state.summary_audit.is_some();
    html! {
        <main id="app" data-busy={state.busy.then_some("true")}>
            <header class="masthead">
                <h1>{"flakelens"}</h1>
                <p class="tagline">
                    {"Drop the JUnit XML reports of many runs of one test suite, or a flakelens audit JSON, and see which tests are flaky. Everything is computed in this page; nothing is uploaded."}
                </p>
            </header>
            <DropZone {on_files} {on_example} {on_clear} busy={state.busy} {has_data} />
            if let Some(status) = &state.status {
                <p class="status" role="status">{status}</p>
            }
            if let Some(audit) = state.summary_audit.clone() {
                <SummaryAudit {audit} />
                if let Some(analysis) = analysis.map(SharedAnalysis) {
                    <DiagnosticsPanel {analysis} />
                }
            } else if let Some(analysis) = analysis.map(SharedAnalysis) {
                if let Some(title) = &state.title {
                    <h2 class="audit-title" data-testid="audit-title">{title}</h2>
                }
                <CriteriaTable criteria={state.criteria.clone()}>
                    <AuditDownload analysis={analysis.clone()} criteria={state.criteria_config.clone()}
                        title={state.title.clone()} />
                </CriteriaTable>
                <Summary analysis={analysis.clone()} />
                <DiagnosticsPanel analysis={analysis.clone()} />
                <Categories analysis={analysis.clone()} filter={state.category_filter.clone()}
                    on_filter={on_filter.clone()} />
                <TestTable analysis={analysis.clone()} selected={state.selected.clone()}
                    on_select={(*on_select).clone()} filter={state.category_filter.clone()}
                    {on_clear_filter} />
                <SuiteTree analysis={analysis.clone()} />
                <Groups analysis={analysis.clone()} />
                <ConsistencyPanel analysis={analysis.clone()} />
                <Clusters analysis={analysis.clone()} />
                <RunsTable analysis={analysis.clone()} files={Rc::new(state.run_files())}
                    excluded={state.options.excluded_runs.clone()} {on_label} {on_include} />
                <RulesEditor rules_text={state.rules_text.clone()} error={state.rules_error.clone()}
                    on_apply={on_apply_rules} />
                if let Some(id) = state.selected.clone() {
                    <TestDetail {analysis} {id} on_close={(*on_close).clone()} />
                }
            }
        </main>
    }
}

/// An analysis shared between components, compared by identity so that re-renders are cheap.
#[derive(Clone)]
pub struct SharedAnalysis(pub Rc<flakelens_core::Analysis>);

impl PartialEq for SharedAnalysis {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for SharedAnalysis {
    type Target = flakelens_core::Analysis;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}
