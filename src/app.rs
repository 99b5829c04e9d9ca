//! The root component: wires the loader and the state to the views.

use std::rc::Rc;

use yew::prelude::*;

use crate::components::clusters::Clusters;
use crate::components::consistency::ConsistencyPanel;
use crate::components::diagnostics::DiagnosticsPanel;
use crate::components::drop_zone::DropZone;
use crate::components::groups::Groups;
use crate::components::runs::RunsTable;
use crate::components::summary::Summary;
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
                let reads = loader::read_dropped(files, progress).await;
                dispatcher.dispatch(Action::Add(reads));
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

    let analysis = state.analysis.clone();
    html! {
        <main id="app" data-busy={state.busy.then_some("true")}>
            <header class="masthead">
                <h1>{"flakelens"}</h1>
                <p class="tagline">
                    {"Drop the JUnit XML reports of many runs of one test suite and see which tests are flaky. Everything is computed in this page; nothing is uploaded."}
                </p>
            </header>
            <DropZone {on_files} {on_example} {on_clear} busy={state.busy}
                has_data={analysis.is_some()} />
            if let Some(status) = &state.status {
                <p class="status" role="status">{status}</p>
            }
            if let Some(analysis) = analysis.map(SharedAnalysis) {
                <Summary analysis={analysis.clone()} />
                <DiagnosticsPanel analysis={analysis.clone()} />
                <TestTable analysis={analysis.clone()} selected={state.selected.clone()}
                    on_select={(*on_select).clone()} />
                <Groups analysis={analysis.clone()} />
                <ConsistencyPanel analysis={analysis.clone()} />
                <Clusters analysis={analysis.clone()} />
                <RunsTable analysis={analysis.clone()} />
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
