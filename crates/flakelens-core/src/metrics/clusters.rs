//! Co-failure clusters: tests that fail together in the same runs.
//!
//! Parry et al. ("Systemic flakiness", 2025) found most flaky tests in such clusters, usually
//! with one cause (a network hiccup, a shared dependency). Two tests are linked when the
//! Jaccard similarity of their failing-run sets is at least the threshold; clusters are the
//! connected groups (single linkage) of two or more tests.

use serde::{Deserialize, Serialize};

use crate::model::Outcome;

/// A set of tests that fail in the same runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cluster {
    /// Test ids, in the analysis's order.
    pub tests: Vec<String>,
    /// Runs (indices) in which every test of the cluster failed.
    pub shared_runs: Vec<usize>,
    /// Runs in which at least one of them failed.
    pub any_runs: Vec<usize>,
}

/// Finds co-failure clusters among `tests` (id, outcomes per run).
pub fn co_failure_clusters<'a>(
    tests: impl IntoIterator<Item = (&'a str, &'a [Option<Outcome>])>,
    similarity: f64,
) -> Vec<Cluster> {
    let failing: Vec<(&str, Vec<usize>)> = tests
        .into_iter()
        .map(|(id, outcomes)| {
            let runs = outcomes
                .iter()
                .enumerate()
                .filter(|(_, o)| o.is_some_and(Outcome::is_failure))
                .map(|(i, _)| i)
                .collect::<Vec<_>>();
            (id, runs)
        })
        .filter(|(_, runs)| !runs.is_empty())
        .collect();
    // Union-find over the failing tests.
    let mut parent: Vec<usize> = (0..failing.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    for i in 0..failing.len() {
        for j in i + 1..failing.len() {
            if jaccard(&failing[i].1, &failing[j].1) >= similarity {
                let (ri, rj) = (root(&mut parent, i), root(&mut parent, j));
                parent[ri.max(rj)] = ri.min(rj);
            }
        }
    }
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); failing.len()];
    for i in 0..failing.len() {
        let r = root(&mut parent, i);
        members[r].push(i);
    }
    let mut clusters: Vec<Cluster> = members
        .into_iter()
        .filter(|m| m.len() >= 2)
        .map(|m| {
            let mut any: Vec<usize> = m.iter().flat_map(|&i| failing[i].1.clone()).collect();
            any.sort_unstable();
            any.dedup();
            let shared: Vec<usize> = any
                .iter()
                .copied()
                .filter(|r| m.iter().all(|&i| failing[i].1.binary_search(r).is_ok()))
                .collect();
            Cluster {
                tests: m.iter().map(|&i| failing[i].0.to_owned()).collect(),
                shared_runs: shared,
                any_runs: any,
            }
        })
        .collect();
    clusters.sort_by_key(|c| std::cmp::Reverse(c.tests.len()));
    clusters
}

/// |A ∩ B| / |A ∪ B| of two sorted run lists.
fn jaccard(a: &[usize], b: &[usize]) -> f64 {
    let common = a.iter().filter(|r| b.binary_search(r).is_ok()).count();
    let union = a.len() + b.len() - common;
    if union == 0 {
        0.0
    } else {
        common as f64 / union as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const P: Option<Outcome> = Some(Outcome::Passed);
    const F: Option<Outcome> = Some(Outcome::Failed);
    const E: Option<Outcome> = Some(Outcome::Errored);

    #[test]
    fn tests_failing_in_the_same_runs_cluster() {
        // a and b fail in runs 1 and 3 (Jaccard 1); c fails in runs 1, 3 and 4 (Jaccard with
        // a = 2/3 < 0.7); d fails in run 0 only.
        let a = [P, F, P, F, P];
        let b = [P, E, P, F, P];
        let c = [P, F, P, F, F];
        let d = [F, P, P, P, P];
        let clusters = co_failure_clusters(
            [("a", &a[..]), ("b", &b[..]), ("c", &c[..]), ("d", &d[..])],
            0.7,
        );
        assert_eq!(clusters.len(), 1);
        assert_eq!(clusters[0].tests, ["a", "b"]);
        assert_eq!(clusters[0].shared_runs, [1, 3]);
        // At 0.6, c joins: runs any of them failed in are 1, 3, 4; all three share 1 and 3.
        let clusters = co_failure_clusters(
            [("a", &a[..]), ("b", &b[..]), ("c", &c[..]), ("d", &d[..])],
            0.6,
        );
        assert_eq!(clusters[0].tests, ["a", "b", "c"]);
        assert_eq!(clusters[0].any_runs, [1, 3, 4]);
        assert_eq!(clusters[0].shared_runs, [1, 3]);
    }
}
