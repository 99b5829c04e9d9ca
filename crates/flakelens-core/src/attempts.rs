//! [`AttemptsPerRun`]: a test's attempt outcomes, run by run, packed.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::Outcome;

/// For one test, the outcome of every attempt in each run, oldest first: one entry per run,
/// in run order (one outcome when there was no retry; none when the test is absent).
///
/// Packed: the outcomes of all runs in one vector (a byte each) and where each run's end
/// (four bytes per run), instead of a vector per run (24 bytes plus a heap block each); at
/// 20,000 tests × 50 runs that is about 5 MB instead of about 45 MB. Serializes as a list
/// with one list of outcomes per run, `[["failed", "passed"], ["passed"], []]`, the audit's
/// `attempts`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AttemptsPerRun {
    outcomes: Vec<Outcome>,
    /// Per run, the end of its outcomes in `outcomes` (its start is the previous run's end).
    ends: Vec<u32>,
}

impl AttemptsPerRun {
    /// No run yet, with room for `runs` runs.
    pub fn with_capacity(runs: usize) -> AttemptsPerRun {
        AttemptsPerRun {
            outcomes: Vec::with_capacity(runs),
            ends: Vec::with_capacity(runs),
        }
    }

    /// The number of runs.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    /// True when there is no run.
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// The attempts of run `run` (index from 0), oldest first; `None` past the last run.
    pub fn get(&self, run: usize) -> Option<&[Outcome]> {
        let end = usize::try_from(*self.ends.get(run)?).ok()?;
        let start = match run.checked_sub(1) {
            Some(previous) => usize::try_from(self.ends[previous]).ok()?,
            None => 0,
        };
        self.outcomes.get(start..end)
    }

    /// Every run's attempts, in run order.
    pub fn iter(&self) -> impl Iterator<Item = &[Outcome]> + '_ {
        (0..self.len()).map(|run| self.get(run).unwrap_or_default())
    }

    /// Adds a run with these attempts.
    pub fn push(&mut self, attempts: impl IntoIterator<Item = Outcome>) {
        self.outcomes.extend(attempts);
        self.ends.push(self.end());
    }

    /// Replaces the attempts of the last run (adds a run when there is none).
    pub fn set_last(&mut self, attempts: impl IntoIterator<Item = Outcome>) {
        if self.ends.pop().is_none() {
            self.push(attempts);
            return;
        }
        let start = self
            .ends
            .last()
            .map_or(0, |&end| usize::try_from(end).unwrap_or(usize::MAX));
        self.outcomes.truncate(start);
        self.push(attempts);
    }

    /// Adds runs without attempts until there are `runs` runs.
    pub fn pad_to(&mut self, runs: usize) {
        let end = self.end();
        if self.ends.len() < runs {
            self.ends.resize(runs, end);
        }
    }

    /// Frees the room reserved beyond what it holds.
    pub fn shrink_to_fit(&mut self) {
        self.outcomes.shrink_to_fit();
        self.ends.shrink_to_fit();
    }

    /// Where the outcomes end now.
    fn end(&self) -> u32 {
        u32::try_from(self.outcomes.len()).unwrap_or(u32::MAX)
    }
}

impl From<Vec<Vec<Outcome>>> for AttemptsPerRun {
    fn from(runs: Vec<Vec<Outcome>>) -> AttemptsPerRun {
        let mut packed = AttemptsPerRun::with_capacity(runs.len());
        for attempts in runs {
            packed.push(attempts);
        }
        packed
    }
}

impl Serialize for AttemptsPerRun {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for AttemptsPerRun {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<AttemptsPerRun, D::Error> {
        Vec::<Vec<Outcome>>::deserialize(deserializer).map(AttemptsPerRun::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use Outcome::{Failed, Passed, Skipped};

    #[test]
    fn runs_keep_their_attempts_in_order() {
        let mut a = AttemptsPerRun::default();
        a.push([Failed, Passed]);
        a.pad_to(3);
        a.set_last([Skipped]);
        a.push([]);
        a.push([Passed]);
        assert_eq!(a.len(), 5);
        let runs: Vec<&[Outcome]> = a.iter().collect();
        let expected: [&[Outcome]; 5] = [&[Failed, Passed], &[], &[Skipped], &[], &[Passed]];
        assert_eq!(runs, expected);
        assert_eq!(a.get(5), None);
        // The same JSON as a list of lists, both ways.
        let json = serde_json::to_string(&a).expect("serializes");
        assert_eq!(
            json,
            r#"[["failed","passed"],[],["skipped"],[],["passed"]]"#
        );
        assert_eq!(
            serde_json::from_str::<AttemptsPerRun>(&json).expect("reads back"),
            a
        );
    }

    #[test]
    fn set_last_replaces_only_the_last_run() {
        let mut a = AttemptsPerRun::from(vec![vec![Passed], vec![Failed, Failed]]);
        a.set_last([Passed]);
        assert_eq!(a, AttemptsPerRun::from(vec![vec![Passed], vec![Passed]]));
        let mut empty = AttemptsPerRun::default();
        empty.set_last([Failed]);
        assert_eq!(empty, AttemptsPerRun::from(vec![vec![Failed]]));
    }

    fn outcome() -> impl Strategy<Value = Outcome> {
        prop_oneof![
            Just(Passed),
            Just(Failed),
            Just(Outcome::Errored),
            Just(Skipped)
        ]
    }

    proptest! {
        #[test]
        fn packs_and_unpacks_any_list_of_lists(
            runs in proptest::collection::vec(proptest::collection::vec(outcome(), 0..4), 0..12)
        ) {
            let packed = AttemptsPerRun::from(runs.clone());
            let unpacked: Vec<Vec<Outcome>> = packed.iter().map(<[Outcome]>::to_vec).collect();
            prop_assert_eq!(&unpacked, &runs);
            let json = serde_json::to_string(&packed).expect("serializes");
            prop_assert_eq!(&json, &serde_json::to_string(&runs).expect("serializes"));
        }
    }
}
