//! Breakdowns: by category, and by suite / module tree.

use serde::{Deserialize, Serialize};

use super::rules::Category;

/// One row of the category breakdown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryRow {
    /// The category id.
    pub id: String,
    /// Its display name.
    pub name: String,
    /// Tests whose primary category this is.
    pub tests: usize,
    /// Their failed or errored runs, summed.
    pub failures: u64,
    /// `tests` / all categorized (failing or flaky) tests, a ratio in \[0, 1\]; `None` when no
    /// test is categorized.
    pub share: Option<f64>,
}

/// Counts tests and failures per primary category. Every category appears, in the given
/// order, including those with zero tests (the audit style: "Race conditions: 0"); a
/// category id used by a rule but not listed is appended.
pub fn category_breakdown<'a>(
    categories: &[Category],
    tests: impl IntoIterator<Item = (&'a str, u64)>,
) -> Vec<CategoryRow> {
    let mut rows: Vec<CategoryRow> = categories
        .iter()
        .map(|c| CategoryRow {
            id: c.id.clone(),
            name: c.name.clone(),
            tests: 0,
            failures: 0,
            share: None,
        })
        .collect();
    let mut total = 0usize;
    for (primary, failures) in tests {
        if primary.is_empty() {
            continue;
        }
        total += 1;
        let row = match rows.iter().position(|r| r.id == primary) {
            Some(i) => &mut rows[i],
            None => {
                rows.push(CategoryRow {
                    id: primary.to_owned(),
                    name: primary.to_owned(),
                    tests: 0,
                    failures: 0,
                    share: None,
                });
                rows.last_mut().expect("just pushed")
            }
        };
        row.tests += 1;
        row.failures += failures;
    }
    for row in &mut rows {
        row.share = (total > 0).then(|| row.tests as f64 / total as f64);
    }
    rows
}

/// A node of the suite tree: a package, module, class or suite, with the same metrics at
/// each level.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SuiteNode {
    /// This level's name (one path segment); empty for the root.
    pub name: String,
    /// Tests below this node.
    pub tests: usize,
    /// Flaky tests below.
    pub flaky: usize,
    /// Broken tests below.
    pub broken: usize,
    /// Executed results below (a test in 10 runs counts 10).
    pub executions: u64,
    /// Failed or errored results below.
    pub failures: u64,
    /// `failures / executions`, a ratio in \[0, 1\]; `None` with no execution.
    pub failure_rate: Option<f64>,
    /// Child nodes, by name.
    pub children: Vec<SuiteNode>,
}

/// One test's place and figures, for [`suite_tree`].
#[derive(Debug, Clone, Copy)]
pub struct TreeLeaf<'a> {
    /// Suite name.
    pub suite: &'a str,
    /// Classname.
    pub classname: &'a str,
    /// Flaky verdict.
    pub flaky: bool,
    /// Broken verdict.
    pub broken: bool,
    /// Executed runs.
    pub executions: u64,
    /// Failed runs.
    pub failures: u64,
}

/// Splits a classname or suite into tree segments: on `.`, `/`, `\`, `::` and ` › `.
fn segments(text: &str) -> Vec<&str> {
    text.split(['.', '/', '\\', ':', '›'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// Builds the tree: the suite, then the classname split into packages and modules (the
/// classname alone when it repeats the suite, as when it stands in for a missing one).
pub fn suite_tree<'a>(leaves: impl IntoIterator<Item = TreeLeaf<'a>>) -> SuiteNode {
    let mut root = SuiteNode::default();
    // The previous leaf's path, each segment with its child's index: neighbouring tests
    // mostly share a package, and children are only appended until `finish`, so an index
    // found under the same parent stays right.
    let mut previous: Vec<(&str, usize)> = Vec::new();
    for leaf in leaves {
        let path = path_of(&leaf);
        let mut node = &mut root;
        add(node, &leaf);
        let mut same_parent = true;
        let depth_reached = path.len();
        for (depth, segment) in path.into_iter().enumerate() {
            let known = previous
                .get(depth)
                .filter(|(name, _)| same_parent && *name == segment)
                .map(|&(_, i)| i);
            same_parent = known.is_some();
            let i = known.unwrap_or_else(|| child_named(node, segment));
            match previous.get_mut(depth) {
                Some(slot) => *slot = (segment, i),
                None => previous.push((segment, i)),
            }
            node = &mut node.children[i];
            add(node, &leaf);
        }
        previous.truncate(depth_reached);
    }
    finish(&mut root);
    root
}

/// A test's levels in the tree: its suite (unless empty or the same as the classname), then
/// the classname's segments.
fn path_of<'a>(leaf: &TreeLeaf<'a>) -> Vec<&'a str> {
    let mut path: Vec<&str> = Vec::new();
    if !leaf.suite.is_empty() && leaf.suite != leaf.classname {
        path.push(leaf.suite);
    }
    path.extend(segments(leaf.classname));
    path
}

/// The index of `node`'s child named `name`, added when there is none.
fn child_named(node: &mut SuiteNode, name: &str) -> usize {
    match node.children.iter().position(|c| c.name == name) {
        Some(i) => i,
        None => {
            node.children.push(SuiteNode {
                name: name.to_owned(),
                ..SuiteNode::default()
            });
            node.children.len() - 1
        }
    }
}

fn add(node: &mut SuiteNode, leaf: &TreeLeaf<'_>) {
    node.tests += 1;
    node.flaky += usize::from(leaf.flaky);
    node.broken += usize::from(leaf.broken);
    node.executions += leaf.executions;
    node.failures += leaf.failures;
}

fn finish(node: &mut SuiteNode) {
    node.failure_rate =
        (node.executions > 0).then(|| node.failures as f64 / node.executions as f64);
    node.children
        .sort_by(|a, b| b.flaky.cmp(&a.flaky).then_with(|| a.name.cmp(&b.name)));
    for child in &mut node.children {
        finish(child);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::default_categories;
    use proptest::prelude::*;

    /// The tree by the definition: each leaf's path looked up from the root, child by child;
    /// the oracle for the remembered path.
    fn tree_by_search(leaves: &[TreeLeaf<'_>]) -> SuiteNode {
        let mut root = SuiteNode::default();
        for leaf in leaves {
            let mut node = &mut root;
            add(node, leaf);
            for segment in path_of(leaf) {
                let i = child_named(node, segment);
                node = &mut node.children[i];
                add(node, leaf);
            }
        }
        finish(&mut root);
        root
    }

    proptest! {
        /// Neighbours that share a prefix, leave it, come back, or have shorter paths.
        #[test]
        fn remembered_paths_give_the_searched_tree(
            names in proptest::collection::vec(("[abc]{0,1}", "([abc]\\.){0,3}[abc]{0,1}", any::<bool>()), 0..40)
        ) {
            let leaves: Vec<TreeLeaf<'_>> = names
                .iter()
                .map(|(suite, classname, flaky)| TreeLeaf {
                    suite,
                    classname,
                    flaky: *flaky,
                    broken: !*flaky,
                    executions: 3,
                    failures: u64::from(*flaky),
                })
                .collect();
            prop_assert_eq!(suite_tree(leaves.iter().copied()), tree_by_search(&leaves));
        }
    }

    #[test]
    fn zero_rows_are_kept() {
        let rows = category_breakdown(
            &default_categories(),
            [("network", 3), ("network", 1), ("time", 2), ("", 0)],
        );
        assert_eq!(rows.len(), 10);
        let network = rows
            .iter()
            .find(|r| r.id == "network")
            .expect("network row");
        // Two network tests with 3 + 1 failures, of 3 categorized tests.
        assert_eq!((network.tests, network.failures), (2, 4));
        assert_eq!(network.share, Some(2.0 / 3.0));
        let race = rows.iter().find(|r| r.id == "concurrency").expect("row");
        assert_eq!((race.tests, race.share), (0, Some(0.0)));
    }

    #[test]
    fn tree_levels_add_up() {
        let leaf = |suite, classname, flaky, failures| TreeLeaf {
            suite,
            classname,
            flaky,
            broken: false,
            executions: 10,
            failures,
        };
        let root = suite_tree([
            leaf("pytest", "tests.api.test_users", true, 3),
            leaf("pytest", "tests.api.test_orders", false, 0),
            leaf("pytest", "tests.ui.test_login", true, 1),
        ]);
        // root -> pytest -> tests -> {api -> {test_users, test_orders}, ui -> test_login}
        assert_eq!((root.tests, root.flaky, root.failures), (3, 2, 4));
        let tests = &root.children[0].children[0];
        assert_eq!(tests.name, "tests");
        assert_eq!(tests.failure_rate, Some(4.0 / 30.0));
        let api = &tests.children[0];
        assert_eq!((api.name.as_str(), api.tests, api.flaky), ("api", 2, 1));
        assert_eq!(api.children[0].name, "test_users");
    }
}
