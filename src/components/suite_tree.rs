//! The suite / module tree: tests, flaky, broken, failures / executions and failure rate at
//! every level, as collapsible nodes. A node's children are rendered only while it is open,
//! so huge suites stay cheap.

use flakelens_core::categories::SuiteNode;
use flakelens_core::format::percent;
use web_sys::Element;
use yew::prelude::*;

use crate::display::SharedAnalysis;

/// Props of [`SuiteTree`].
#[derive(Properties, PartialEq)]
pub struct SuiteTreeProps {
    /// The analysis holding the tree.
    pub analysis: SharedAnalysis,
}

/// The section with its column heads and the root node.
#[function_component(SuiteTree)]
pub fn suite_tree(props: &SuiteTreeProps) -> Html {
    html! {
        <section class="suite-tree" data-testid="suite-tree" aria-labelledby="suite-tree-title">
            <h2 id="suite-tree-title">{"By suite and module"}</h2>
            <p class="hint">
                {"The suite, then the classname split into packages and modules. Failures / executions count every run of every test below."}
            </p>
            <div class="tree-row tree-head" aria-hidden="true">
                <span>{"Suite / module"}</span><span class="num">{"Tests"}</span>
                <span class="num">{"Flaky"}</span><span class="num">{"Broken"}</span>
                <span class="num">{"Failures / executions"}</span><span class="num">{"Failure rate"}</span>
            </div>
            <TreeNode analysis={props.analysis.clone()} path={Vec::<usize>::new()} only_child=true />
        </section>
    }
}

/// Props of [`TreeNode`].
#[derive(Properties, PartialEq)]
struct TreeNodeProps {
    analysis: SharedAnalysis,
    /// Child indices from the root to this node.
    path: Vec<usize>,
    /// True when the node has no siblings: it opens with its parent.
    only_child: bool,
}

fn find<'a>(root: &'a SuiteNode, path: &[usize]) -> Option<&'a SuiteNode> {
    path.iter().try_fold(root, |node, &i| node.children.get(i))
}

/// One node: a leaf row, or a `<details>` whose children appear while it is open.
#[function_component(TreeNode)]
fn tree_node(props: &TreeNodeProps) -> Html {
    let depth = props.path.len();
    // The first two levels start open, and so does a chain of only children below them
    // (`pytest` › `tests` › modules), which costs one row each.
    let open = use_state(|| depth < 2 || props.only_child);
    let Some(node) = find(&props.analysis.suite_tree, &props.path) else {
        return html! {};
    };
    let is_root = depth == 0;
    let name = if is_root {
        "All tests".to_owned()
    } else {
        node.name.clone()
    };
    let row = html! {
        <>
            <span class="tree-name" style={format!("--depth: {depth}")}>{name}</span>
            <span class="num" data-testid="node-tests">{node.tests}</span>
            <span class="num" data-testid="node-flaky">{node.flaky}</span>
            <span class="num" data-testid="node-broken">{node.broken}</span>
            <span class="num" data-testid="node-failures">{format!("{} / {}", node.failures, node.executions)}</span>
            <span class="num" data-testid="node-failure-rate">{percent(node.failure_rate)}</span>
        </>
    };
    let testid = if is_root { "suite-root" } else { "suite-node" };
    if node.children.is_empty() {
        return html! {
            <div class="tree-row tree-leaf" data-testid={testid} data-name={node.name.clone()}>{row}</div>
        };
    }
    let ontoggle = {
        let open = open.clone();
        Callback::from(move |e: Event| {
            open.set(e.target_unchecked_into::<Element>().has_attribute("open"));
        })
    };
    html! {
        <details class="tree-node" data-testid={testid} data-name={node.name.clone()} open={*open} {ontoggle}>
            <summary class="tree-row">{row}</summary>
            if *open {
                { for (0..node.children.len()).map(|i| {
                    let mut path = props.path.clone();
                    path.push(i);
                    let only_child = node.children.len() == 1;
                    html! { <TreeNode analysis={props.analysis.clone()} {path} {only_child} /> }
                }) }
            }
        </details>
    }
}
