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
    // Union-find over the failing tests. A component's root is its smallest index, so the
    // order in which links are found does not change the clusters.
    let mut parent: Vec<usize> = (0..failing.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    fn link(parent: &mut [usize], i: usize, j: usize) {
        let (ri, rj) = (root(parent, i), root(parent, j));
        parent[ri.max(rj)] = ri.min(rj);
    }
    // Tests with the same failing runs (Jaccard 1) are linked at once and compared with the
    // others through the first of them: most failing tests of a suite share a few sets
    // (every run, for the broken ones).
    let bits: Vec<Vec<u64>> = failing.iter().map(|(_, runs)| bit_set(runs)).collect();
    let mut first_with: std::collections::HashMap<&[u64], usize> = std::collections::HashMap::new();
    let mut distinct: Vec<usize> = Vec::new();
    for (i, set) in bits.iter().enumerate() {
        match first_with.get(set.as_slice()) {
            Some(&first) if 1.0 >= similarity => link(&mut parent, first, i),
            Some(_) => {}
            None => {
                first_with.insert(set.as_slice(), i);
                distinct.push(i);
            }
        }
    }
    // Compared by ascending size: |A ∩ B| / |A ∪ B| ≤ |A| / |B| for |A| ≤ |B|, so once that
    // bound falls under the threshold, no larger set can reach it.
    distinct.sort_by_key(|&i| failing[i].1.len());
    if similarity > 0.0 {
        link_similar_by_prefix(&failing, &bits, &distinct, similarity, |i, j| {
            link(&mut parent, i, j)
        });
    } else {
        // Every pair is similar enough, sharing a run or not.
        for (k, &i) in distinct.iter().enumerate() {
            for &j in &distinct[k + 1..] {
                if jaccard(&bits[i], &bits[j]) >= similarity {
                    link(&mut parent, i, j);
                }
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

/// Calls `link(j, i)` for each pair of the sets `distinct` (indices into `failing`, by
/// ascending size) whose Jaccard similarity is at least `similarity` (> 0), without comparing
/// every pair: the prefix filter of all-pairs similarity search (Chaudhuri, Ganti and
/// Kaushik, ICDE 2006; Bayardo, Ma and Srikant, WWW 2007). With the runs in one order (here
/// their own), two sets with |A ∩ B| ≥ α share a run among the first |A| − α + 1 runs of A
/// and the first |B| − α + 1 runs of B; similarity t gives |A ∩ B| ≥ ⌈t · max(|A|, |B|)⌉,
/// so each set's first |S| − ⌊t · |S|⌋ + 1 runs (a prefix at least that long, also when
/// t · |S| is rounded) are enough. Each set is compared once with each earlier (smaller) set
/// that shares a run of its prefix, when the size bound allows. At 100,000 tests × 20 runs,
/// comparing every pair of equal-sized sets took a quarter of the analysis's own time.
fn link_similar_by_prefix(
    failing: &[(&str, Vec<usize>)],
    bits: &[Vec<u64>],
    distinct: &[usize],
    similarity: f64,
    mut link: impl FnMut(usize, usize),
) {
    // The sets already seen whose prefix holds each run (positions in `distinct`).
    let mut with_run: Vec<Vec<usize>> = Vec::new();
    // The set each was compared with last, so a set found through several runs is compared
    // once.
    let mut compared_with = vec![usize::MAX; distinct.len()];
    for (k, &i) in distinct.iter().enumerate() {
        let runs = &failing[i].1;
        let a = runs.len();
        // In [0, a] after the clamp: the cast only drops the fraction.
        let sure = (similarity * a as f64).floor().clamp(0.0, a as f64) as usize;
        let prefix = &runs[..(a - sure + 1).min(a)];
        for &r in prefix {
            for &m in with_run.get(r).map_or(&[][..], Vec::as_slice) {
                if compared_with[m] == k {
                    continue;
                }
                compared_with[m] = k;
                let j = distinct[m];
                let b = failing[j].1.len();
                if (b as f64) / (a as f64) >= similarity
                    && jaccard(&bits[i], &bits[j]) >= similarity
                {
                    link(j, i);
                }
            }
        }
        for &r in prefix {
            if with_run.len() <= r {
                with_run.resize_with(r + 1, Vec::new);
            }
            with_run[r].push(k);
        }
    }
}

/// A set of run indices as bits, 64 runs a word.
fn bit_set(runs: &[usize]) -> Vec<u64> {
    let mut words = vec![0u64; runs.last().map_or(0, |&r| r / 64 + 1)];
    for &r in runs {
        words[r / 64] |= 1 << (r % 64);
    }
    words
}

/// |A ∩ B| / |A ∪ B| of two run sets as bits ([`bit_set`]).
fn jaccard(a: &[u64], b: &[u64]) -> f64 {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let common: u32 = short
        .iter()
        .zip(long)
        .map(|(x, y)| (x & y).count_ones())
        .sum();
    let union: u32 = short
        .iter()
        .zip(long)
        .map(|(x, y)| (x | y).count_ones())
        .sum::<u32>()
        + long[short.len()..]
            .iter()
            .map(|w| w.count_ones())
            .sum::<u32>();
    if union == 0 {
        0.0
    } else {
        f64::from(common) / f64::from(union)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition: every pair of failing tests compared, linked at the threshold, the
    /// connected groups of two or more, largest first (ties in the order of their first
    /// test); the oracle for the pruned search.
    fn clusters_by_every_pair(
        tests: &[(String, Vec<Option<Outcome>>)],
        similarity: f64,
    ) -> Vec<Vec<String>> {
        let failing: Vec<(&str, Vec<usize>)> = tests
            .iter()
            .map(|(id, o)| {
                let runs = (0..o.len())
                    .filter(|&r| o[r].is_some_and(Outcome::is_failure))
                    .collect();
                (id.as_str(), runs)
            })
            .filter(|(_, runs): &(&str, Vec<usize>)| !runs.is_empty())
            .collect();
        let mut group: Vec<usize> = (0..failing.len()).collect();
        for i in 0..failing.len() {
            for j in i + 1..failing.len() {
                let (a, b) = (&failing[i].1, &failing[j].1);
                let common = a.iter().filter(|r| b.contains(r)).count();
                let union = a.len() + b.len() - common;
                if union > 0 && common as f64 / union as f64 >= similarity {
                    let (gi, gj) = (group[i], group[j]);
                    let (keep, gone) = (gi.min(gj), gi.max(gj));
                    group
                        .iter_mut()
                        .filter(|g| **g == gone)
                        .for_each(|g| *g = keep);
                }
            }
        }
        let mut clusters: Vec<Vec<String>> = (0..failing.len())
            .map(|g| {
                (0..failing.len())
                    .filter(|&i| group[i] == g)
                    .map(|i| failing[i].0.to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|m| m.len() >= 2)
            .collect();
        clusters.sort_by_key(|c| std::cmp::Reverse(c.len()));
        clusters
    }

    proptest! {
        #[test]
        fn pruned_search_finds_the_clusters_of_every_pair(
            // 6 runs (many equal sets) and runs past one and two 64-bit words.
            outcomes in proptest::sample::select(vec![6usize, 70, 130]).prop_flat_map(|runs| {
                proptest::collection::vec(
                    proptest::collection::vec(
                        proptest::sample::select(vec![
                            None,
                            Some(Outcome::Passed),
                            Some(Outcome::Failed),
                            Some(Outcome::Errored),
                        ]),
                        runs,
                    ),
                    0..40,
                )
            }),
            similarity in proptest::sample::select(vec![0.0, 0.3, 0.5, 2.0 / 3.0, 0.7, 1.0, 1.5]),
        ) {
            let tests: Vec<(String, Vec<Option<Outcome>>)> =
                outcomes.into_iter().enumerate().map(|(i, o)| (format!("t{i}"), o)).collect();
            let found: Vec<Vec<String>> = co_failure_clusters(
                tests.iter().map(|(id, o)| (id.as_str(), o.as_slice())),
                similarity,
            )
            .into_iter()
            .map(|c| c.tests)
            .collect();
            prop_assert_eq!(found, clusters_by_every_pair(&tests, similarity));
        }
    }

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
