//! Co-failure clusters: tests that fail in the same runs, often from one shared cause.

use yew::prelude::*;

use crate::display::run_name;
use crate::display::SharedAnalysis;

/// Props of [`Clusters`].
#[derive(Properties, PartialEq)]
pub struct ClustersProps {
    /// The analysis whose clusters to list.
    pub analysis: SharedAnalysis,
}

/// One entry per cluster, largest first; nothing when there is none.
#[function_component(Clusters)]
pub fn clusters(props: &ClustersProps) -> Html {
    let analysis = &props.analysis;
    if analysis.clusters.is_empty() {
        return html! {};
    }
    let runs = |indices: &[usize]| -> String {
        if indices.is_empty() {
            return "none".to_owned();
        }
        indices
            .iter()
            .map(|&i| run_name(i, analysis.runs.get(i).map_or("", |r| r.label.as_str())))
            .collect::<Vec<_>>()
            .join(", ")
    };
    html! {
        <section class="clusters" data-testid="clusters" aria-labelledby="clusters-title">
            <h2 id="clusters-title">{"Co-failure clusters"}</h2>
            <p class="hint">
                {format!("Tests whose sets of failing runs overlap by at least {:.0}% (Jaccard); \
                  they often share one cause, such as a slow network or a shared resource.",
                  analysis.options.cluster_similarity * 100.0)}
            </p>
            <ol>
                { for analysis.clusters.iter().map(|cluster| html! {
                    <li data-testid="cluster">
                        <p>
                            {format!("{} tests; all failed in: ", cluster.tests.len())}
                            <span data-testid="cluster-shared">{runs(&cluster.shared_runs)}</span>
                            {"; any failed in: "}
                            <span>{runs(&cluster.any_runs)}</span>
                        </p>
                        <ul>
                            { for cluster.tests.iter().map(|id| html! { <li><code>{id}</code></li> }) }
                        </ul>
                    </li>
                }) }
            </ol>
        </section>
    }
}
