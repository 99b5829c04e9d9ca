//! [`CasePositions`]: where a test stands in each run's testcases, packed.

use crate::u32_per_run::U32PerRun;

/// For one test, its position in each run's testcases (0 for the run's first testcase): one
/// entry per run, in run order, `None` where the test is absent.
///
/// Packed (as the durations' milliseconds are): 2 bytes a run while every position
/// is under 65,535 (runs of at most 65,535 testcases, most suites'), 4 bytes a run from the
/// first position that is not. At 20,000
/// tests × 50 runs that is 2 MB instead of 4 MB, held by the browser's worker for as long
/// as it keeps the join. A position of 2³² − 1 or more (which no report of that size can
/// be read into memory to hold) reads as `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CasePositions(U32PerRun);

impl CasePositions {
    /// Empty, with room for `runs` runs.
    pub fn with_capacity(runs: usize) -> CasePositions {
        CasePositions(U32PerRun::with_capacity(runs))
    }

    /// The number of runs.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether it has no run.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The position in run `run`; `None` when the test is absent from it or `run` is past
    /// the last run.
    pub fn get(&self, run: usize) -> Option<u32> {
        self.0.get(run)
    }

    /// Appends the next run's position.
    pub fn push(&mut self, position: Option<usize>) {
        self.0.push(held(position));
    }

    /// Sets the position in run `run`, which must exist (see [`CasePositions::resize`]).
    ///
    /// # Panics
    /// When `run` is past the last run.
    pub fn set(&mut self, run: usize, position: Option<usize>) {
        self.0.set(run, held(position));
    }

    /// Pads with absent runs, or cuts, to `runs` runs.
    pub fn resize(&mut self, runs: usize) {
        self.0.resize(runs);
    }

    /// Keeps the runs whose entry in `kept` is true (and any past its end).
    pub fn keep_runs(&mut self, kept: &[bool]) {
        self.0.keep_runs(kept);
    }

    /// Frees the room reserved beyond the runs.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

/// `position` as [`U32PerRun`] holds it: one of 2³² − 1 or more reads as none.
fn held(position: Option<usize>) -> Option<u32> {
    position.and_then(|p| u32::try_from(p).ok())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn narrow_until_a_position_does_not_fit() {
        let mut positions = CasePositions::with_capacity(4);
        positions.push(Some(0));
        positions.push(None);
        positions.push(Some(65_534));
        assert!(positions.0.is_narrow());
        assert_eq!(positions.get(0), Some(0));
        assert_eq!(positions.get(1), None);
        assert_eq!(positions.get(2), Some(65_534));
        assert_eq!(positions.get(3), None);
        // 65,535 is the narrow packing's "none": it takes the wide one.
        positions.push(Some(65_535));
        assert!(!positions.0.is_narrow());
        assert_eq!(
            (0..5).map(|run| positions.get(run)).collect::<Vec<_>>(),
            [Some(0), None, Some(65_534), Some(65_535), None]
        );
        positions.set(1, Some(100_000));
        positions.set(0, None);
        assert_eq!(positions.get(1), Some(100_000));
        assert_eq!(positions.get(0), None);
        // One no u32 holds, or the wide packing's "none", reads as absent.
        positions.push(Some(u32::MAX as usize));
        assert_eq!(positions.get(4), None);
    }

    #[test]
    fn equality_is_per_run_however_packed() {
        let mut widened = CasePositions::default();
        widened.push(Some(70_000));
        widened.push(Some(4));
        widened.keep_runs(&[false, true]);
        assert!(!widened.0.is_narrow());
        let mut narrow = CasePositions::default();
        narrow.push(Some(4));
        assert_eq!(widened, narrow);
        narrow.push(None);
        assert_ne!(widened, narrow);
    }

    #[test]
    fn resize_pads_with_absent_runs_and_keep_runs_drops_the_others() {
        let mut positions = CasePositions::default();
        positions.push(Some(3));
        positions.resize(3);
        positions.set(2, Some(7));
        assert_eq!(positions.len(), 3);
        assert_eq!(positions.get(1), None);
        positions.keep_runs(&[false, true, true]);
        assert_eq!(positions.len(), 2);
        assert_eq!((positions.get(0), positions.get(1)), (None, Some(7)));
    }

    #[derive(Debug, Clone)]
    enum Op {
        Push(Option<usize>),
        Set(usize, Option<usize>),
        Resize(usize),
        Keep(Vec<bool>),
    }

    fn position() -> impl Strategy<Value = Option<usize>> {
        prop_oneof![
            Just(None),
            (0..70_000usize).prop_map(Some),
            Just(Some(65_535)),
            Just(Some(65_534)),
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            position().prop_map(Op::Push),
            (0..8usize, position()).prop_map(|(run, p)| Op::Set(run, p)),
            (0..8usize).prop_map(Op::Resize),
            proptest::collection::vec(any::<bool>(), 0..8).prop_map(Op::Keep),
        ]
    }

    proptest! {
        /// Any sequence of operations gives what a plain vector of `Option<u32>` gives.
        #[test]
        fn behaves_as_a_vector_of_options(ops in proptest::collection::vec(op(), 0..40)) {
            let mut packed = CasePositions::default();
            let mut model: Vec<Option<u32>> = Vec::new();
            let as_model = |p: Option<usize>| p.map(|p| p as u32);
            for op in ops {
                match op {
                    Op::Push(p) => {
                        packed.push(p);
                        model.push(as_model(p));
                    }
                    Op::Set(run, p) if run < model.len() => {
                        packed.set(run, p);
                        model[run] = as_model(p);
                    }
                    Op::Set(..) => {}
                    Op::Resize(runs) => {
                        packed.resize(runs);
                        model.resize(runs, None);
                    }
                    Op::Keep(kept) => {
                        packed.keep_runs(&kept);
                        crate::analysis::keep_runs(&mut model, &kept);
                    }
                }
                prop_assert_eq!(packed.len(), model.len());
                for (run, want) in model.iter().enumerate() {
                    prop_assert_eq!(packed.get(run), *want);
                }
                prop_assert_eq!(packed.get(model.len()), None);
            }
        }
    }
}
