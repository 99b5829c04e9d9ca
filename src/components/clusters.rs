//! Co-failure clusters: tests that fail in the same runs, often from one shared cause.
//!
//! A cluster can list thousands of tests (100,000 generated tests give clusters of thousands),
//! so the list is built with plain DOM calls once per analysis and kept: leaving the view and
//! coming back puts the same nodes back instead of rendering them again. Every test id goes in
//! as text (`textContent`, text nodes), never as markup.

use std::cell::RefCell;
use std::rc::Rc;

use flakelens_core::Analysis;
use web_sys::{Document, Element};
use yew::prelude::*;

use crate::display::run_ranges;
use crate::display::{per_analysis, PerAnalysis, SharedAnalysis};

/// Props of [`Clusters`].
#[derive(Properties, PartialEq)]
pub struct ClustersProps {
    /// The analysis whose clusters to list.
    pub analysis: SharedAnalysis,
}

thread_local! {
    /// The `<ol>` built for the analysis last shown (`None` when the DOM refused to make it).
    static BUILT: PerAnalysis<Option<Element>> = const { RefCell::new(None) };
}

/// `<ol>` with one `<li data-testid="cluster">` per cluster: a line with the shared and the
/// any-failed runs, then every test id in `<ul><li><code>`.
fn build(document: &Document, analysis: &Analysis) -> Option<Element> {
    let element = |tag: &str| document.create_element(tag).ok();
    let ol = element("ol")?;
    // One `<li><code>` made once, cloned for every test.
    let item = element("li")?;
    let code = element("code")?;
    item.append_child(&code).ok()?;
    // The runs named by label, consecutive runs of one label as a range (`#1–#500 all`).
    let labels: Vec<&str> = analysis.runs.iter().map(|r| r.label.as_str()).collect();
    for cluster in &analysis.clusters {
        let li = element("li")?;
        li.set_attribute("data-testid", "cluster").ok()?;
        let p = element("p")?;
        p.append_with_str_1(&format!("{} tests; all failed in: ", cluster.tests.len()))
            .ok()?;
        let shared = element("span")?;
        shared.set_attribute("data-testid", "cluster-shared").ok()?;
        shared.set_text_content(Some(&run_ranges(&cluster.shared_runs, &labels)));
        p.append_child(&shared).ok()?;
        p.append_with_str_1("; any failed in: ").ok()?;
        let any = element("span")?;
        any.set_text_content(Some(&run_ranges(&cluster.any_runs, &labels)));
        p.append_child(&any).ok()?;
        li.append_child(&p).ok()?;
        let ul = element("ul")?;
        for id in &cluster.tests {
            let entry = item.clone_node_with_deep(true).ok()?;
            entry.first_child()?.set_text_content(Some(id));
            ul.append_child(&entry).ok()?;
        }
        li.append_child(&ul).ok()?;
        ol.append_child(&li).ok()?;
    }
    Some(ol)
}

/// The list for `analysis`: the one built before if it was for this analysis, else a new one
/// (the app builds it in the background as soon as an analysis arrives).
pub fn cluster_list(analysis: &Rc<Analysis>) -> Option<Element> {
    let document = web_sys::window()?.document()?;
    per_analysis(&BUILT, analysis, || build(&document, analysis))
}

/// One entry per cluster, largest first; nothing when there is none.
#[function_component(Clusters)]
pub fn clusters(props: &ClustersProps) -> Html {
    let analysis = &props.analysis;
    if analysis.clusters.is_empty() {
        return html! {};
    }
    let list =
        cluster_list(&analysis.0).map_or_else(|| html! { <ol></ol> }, |ol| Html::VRef(ol.into()));
    html! {
        <section class="clusters" data-testid="clusters" aria-labelledby="clusters-title">
            <h2 id="clusters-title">{"Co-failure clusters"}</h2>
            <p class="hint">
                {format!("Tests whose sets of failing runs overlap by at least {:.0}% (Jaccard); \
                  they often share one cause, such as a slow network or a shared resource.",
                  analysis.options.cluster_similarity * 100.0)}
            </p>
            {list}
        </section>
    }
}
