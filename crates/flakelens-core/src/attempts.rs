//! [`AttemptsPerRun`]: a test's attempt outcomes, run by run, packed.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::Outcome;

/// For one test, the outcome of every attempt in each run, oldest first: one entry per run,
/// in run order (one outcome when there was no retry; none when the test is absent).
///
/// Packed. While no run has more than one attempt (most tests, in most suites), one byte a
/// run: the attempt's outcome or none. Once a run has more, the outcomes of all runs in one
/// vector (a byte each) and where each run's outcomes end (four bytes a run). A vector per
/// run took 24 bytes plus a heap block each: at 20,000 tests × 50 runs about 45 MB, against
/// 1 MB now when no test is retried. Serializes as a list with one list of outcomes per run,
/// `[["failed", "passed"], ["passed"], []]`, the audit's `attempts`.
#[derive(Debug, Clone)]
pub struct AttemptsPerRun(Packing);

/// How [`AttemptsPerRun`] holds its runs.
#[derive(Debug, Clone)]
enum Packing {
    /// Every run has at most one attempt: per run, its outcome, or `None` for no attempt.
    Single(Vec<Option<Outcome>>),
    /// Some run has more than one.
    Many(Many),
}

/// Runs with any number of attempts.
#[derive(Debug, Clone)]
struct Many {
    /// Every run's attempts, in run order.
    outcomes: Vec<Outcome>,
    /// Per run, the end of its outcomes in `outcomes` (its start is the previous run's end).
    ends: Vec<u32>,
}

impl Many {
    /// The runs of a [`Packing::Single`], with room for as many runs as it had.
    fn of(single: &[Option<Outcome>], runs: usize) -> Many {
        let mut many = Many {
            outcomes: Vec::with_capacity(runs + 1),
            ends: Vec::with_capacity(runs),
        };
        for &attempt in single {
            many.push(attempt);
        }
        many
    }

    fn get(&self, run: usize) -> Option<&[Outcome]> {
        let end = usize::try_from(*self.ends.get(run)?).ok()?;
        let start = match run.checked_sub(1) {
            Some(previous) => usize::try_from(self.ends[previous]).ok()?,
            None => 0,
        };
        self.outcomes.get(start..end)
    }

    fn push(&mut self, attempts: impl IntoIterator<Item = Outcome>) {
        self.outcomes.extend(attempts);
        self.ends.push(self.end());
    }

    /// Removes the last run, if any.
    fn pop(&mut self) {
        if self.ends.pop().is_some() {
            let start = self.ends.last().map_or(0, |&end| end as usize);
            self.outcomes.truncate(start);
        }
    }

    /// Where the outcomes end now.
    fn end(&self) -> u32 {
        u32::try_from(self.outcomes.len()).unwrap_or(u32::MAX)
    }
}

impl Default for AttemptsPerRun {
    fn default() -> AttemptsPerRun {
        AttemptsPerRun(Packing::Single(Vec::new()))
    }
}

/// Equal when they hold the same attempts in the same runs, however packed.
impl PartialEq for AttemptsPerRun {
    fn eq(&self, other: &AttemptsPerRun) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for AttemptsPerRun {}

impl AttemptsPerRun {
    /// No run yet, with room for `runs` runs.
    pub fn with_capacity(runs: usize) -> AttemptsPerRun {
        AttemptsPerRun(Packing::Single(Vec::with_capacity(runs)))
    }

    /// The number of runs.
    pub fn len(&self) -> usize {
        match &self.0 {
            Packing::Single(runs) => runs.len(),
            Packing::Many(many) => many.ends.len(),
        }
    }

    /// True when there is no run.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The attempts of run `run` (index from 0), oldest first; `None` past the last run.
    pub fn get(&self, run: usize) -> Option<&[Outcome]> {
        match &self.0 {
            Packing::Single(runs) => runs.get(run).map(Option::as_slice),
            Packing::Many(many) => many.get(run),
        }
    }

    /// Every run's attempts, in run order.
    pub fn iter(&self) -> impl Iterator<Item = &[Outcome]> + '_ {
        (0..self.len()).map(|run| self.get(run).unwrap_or_default())
    }

    /// Adds a run with these attempts.
    pub fn push(&mut self, attempts: impl IntoIterator<Item = Outcome>) {
        // Fused: the second `next` below may follow a `None`.
        let mut attempts = attempts.into_iter().fuse();
        match &mut self.0 {
            Packing::Many(many) => many.push(attempts),
            Packing::Single(runs) => {
                let first = attempts.next();
                let Some(second) = attempts.next() else {
                    runs.push(first);
                    return;
                };
                // The first run retried: one byte a run no longer holds the runs.
                let mut many = Many::of(runs, runs.capacity().max(runs.len() + 1));
                many.push(first.into_iter().chain([second]).chain(attempts));
                self.0 = Packing::Many(many);
            }
        }
    }

    /// Replaces the attempts of the last run (adds a run when there is none).
    pub fn set_last(&mut self, attempts: impl IntoIterator<Item = Outcome>) {
        match &mut self.0 {
            Packing::Single(runs) => {
                runs.pop();
            }
            Packing::Many(many) => many.pop(),
        }
        self.push(attempts);
    }

    /// Adds runs without attempts until there are `runs` runs.
    pub fn pad_to(&mut self, runs: usize) {
        match &mut self.0 {
            Packing::Single(single) => {
                if single.len() < runs {
                    single.resize(runs, None);
                }
            }
            Packing::Many(many) => {
                let end = many.end();
                if many.ends.len() < runs {
                    many.ends.resize(runs, end);
                }
            }
        }
    }

    /// Frees the room reserved beyond what it holds.
    pub fn shrink_to_fit(&mut self) {
        match &mut self.0 {
            Packing::Single(runs) => runs.shrink_to_fit(),
            Packing::Many(many) => {
                many.outcomes.shrink_to_fit();
                many.ends.shrink_to_fit();
            }
        }
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

    #[test]
    fn runs_without_retries_take_a_byte_each_until_one_is_retried() {
        let mut a = AttemptsPerRun::with_capacity(50);
        for run in 0..49 {
            a.push(if run % 7 == 3 { vec![] } else { vec![Passed] });
        }
        assert!(matches!(&a.0, Packing::Single(runs) if runs.len() == 49));
        a.push([Failed, Failed, Passed]);
        assert!(matches!(&a.0, Packing::Many(_)));
        assert_eq!(a.len(), 50);
        assert_eq!(a.get(3), Some(&[][..]));
        assert_eq!(a.get(48), Some(&[Passed][..]));
        assert_eq!(a.get(49), Some(&[Failed, Failed, Passed][..]));
        // Equal to the same runs held one byte a run.
        a.set_last([Passed]);
        let mut single = AttemptsPerRun::default();
        for run in 0..50 {
            single.push(if run % 7 == 3 { vec![] } else { vec![Passed] });
        }
        assert!(matches!(&single.0, Packing::Single(_)));
        assert_eq!(a, single);
        single.pad_to(52);
        assert_ne!(a, single, "two runs more");
    }

    /// What [`AttemptsPerRun`] is asked to do, for the model test.
    #[derive(Debug, Clone)]
    enum Step {
        Push(Vec<Outcome>),
        SetLast(Vec<Outcome>),
        PadTo(usize),
    }

    fn step() -> impl Strategy<Value = Step> {
        let attempts = || proptest::collection::vec(outcome(), 0..4);
        prop_oneof![
            4 => attempts().prop_map(Step::Push),
            1 => attempts().prop_map(Step::SetLast),
            1 => (0usize..16).prop_map(Step::PadTo),
        ]
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

        /// Any sequence of pushes, replacements of the last run and padding holds what a
        /// vector per run holds, whichever way it is packed at each step.
        #[test]
        fn holds_what_a_vector_per_run_holds(steps in proptest::collection::vec(step(), 0..24)) {
            let mut packed = AttemptsPerRun::with_capacity(4);
            let mut model: Vec<Vec<Outcome>> = Vec::new();
            for step in steps {
                match step {
                    Step::Push(attempts) => {
                        packed.push(attempts.iter().copied());
                        model.push(attempts);
                    }
                    Step::SetLast(attempts) => {
                        packed.set_last(attempts.iter().copied());
                        model.pop();
                        model.push(attempts);
                    }
                    Step::PadTo(runs) => {
                        packed.pad_to(runs);
                        if model.len() < runs {
                            model.resize(runs, Vec::new());
                        }
                    }
                }
                let unpacked: Vec<Vec<Outcome>> = packed.iter().map(<[Outcome]>::to_vec).collect();
                prop_assert_eq!(&unpacked, &model);
                prop_assert_eq!(packed.get(model.len()), None);
                prop_assert_eq!(&packed, &AttemptsPerRun::from(model.clone()));
            }
        }
    }
}
