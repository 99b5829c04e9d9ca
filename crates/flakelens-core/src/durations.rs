//! [`DurationsPerRun`]: a test's time in each run, packed.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// For one test, its time in each run in seconds: one entry per run, in run order, `None`
/// when the test is absent from the run or its report gave no time.
///
/// Packed: 8 bytes a run, where `Vec<Option<f64>>` takes 16 (at 20,000 tests × 50 runs,
/// 8 MB instead of 16 MB, in every copy of the analysis). A missing time is held as NaN,
/// which no time can be: the reader keeps finite times only and JSON has no NaN; a NaN
/// given to [`DurationsPerRun::set`] or [`DurationsPerRun::push`] reads back as `None`.
/// Serializes as a list of numbers and nulls, `[0.5, null, 1.25]`, the audit's
/// `durations_seconds`.
#[derive(Debug, Clone, Default)]
pub struct DurationsPerRun {
    seconds: Vec<f64>,
}

impl DurationsPerRun {
    /// Empty, with room for `runs` runs.
    pub fn with_capacity(runs: usize) -> DurationsPerRun {
        DurationsPerRun {
            seconds: Vec::with_capacity(runs),
        }
    }

    /// The number of runs.
    pub fn len(&self) -> usize {
        self.seconds.len()
    }

    /// Whether it has no run.
    pub fn is_empty(&self) -> bool {
        self.seconds.is_empty()
    }

    /// The time in run `run` in seconds; `None` when not given or past the last run.
    pub fn get(&self, run: usize) -> Option<f64> {
        self.seconds.get(run).copied().filter(|t| !t.is_nan())
    }

    /// Sets the time in run `run` (which must exist, see [`DurationsPerRun::resize`]).
    ///
    /// # Panics
    /// When `run` is past the last run.
    pub fn set(&mut self, run: usize, seconds: Option<f64>) {
        self.seconds[run] = seconds.unwrap_or(f64::NAN);
    }

    /// Appends the next run's time.
    pub fn push(&mut self, seconds: Option<f64>) {
        self.seconds.push(seconds.unwrap_or(f64::NAN));
    }

    /// Makes it `runs` runs long, new runs without a time.
    pub fn resize(&mut self, runs: usize) {
        self.seconds.resize(runs, f64::NAN);
    }

    /// Frees the room reserved beyond its runs.
    pub fn shrink_to_fit(&mut self) {
        self.seconds.shrink_to_fit();
    }

    /// Keeps the runs whose entry in `kept` is true (and any run past its end).
    pub(crate) fn keep_runs(&mut self, kept: &[bool]) {
        crate::analysis::keep_runs(&mut self.seconds, kept);
    }

    /// Each run's time in seconds, in run order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<f64>> + '_ {
        self.seconds.iter().map(|&t| (!t.is_nan()).then_some(t))
    }
}

impl PartialEq for DurationsPerRun {
    /// Equal when each run's time is equal, runs without a time alike.
    fn eq(&self, other: &DurationsPerRun) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl FromIterator<Option<f64>> for DurationsPerRun {
    fn from_iter<I: IntoIterator<Item = Option<f64>>>(runs: I) -> DurationsPerRun {
        DurationsPerRun {
            seconds: runs.into_iter().map(|t| t.unwrap_or(f64::NAN)).collect(),
        }
    }
}

impl From<Vec<Option<f64>>> for DurationsPerRun {
    fn from(runs: Vec<Option<f64>>) -> DurationsPerRun {
        runs.into_iter().collect()
    }
}

impl Serialize for DurationsPerRun {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter())
    }
}

impl<'de> Deserialize<'de> for DurationsPerRun {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<DurationsPerRun, D::Error> {
        Vec::<Option<f64>>::deserialize(deserializer).map(DurationsPerRun::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_run_without_a_time_reads_back_as_none() {
        let mut d = DurationsPerRun::with_capacity(3);
        d.push(Some(0.5));
        d.push(None);
        d.push(Some(0.0));
        assert_eq!(d.len(), 3);
        assert_eq!(d.get(0), Some(0.5));
        assert_eq!(d.get(1), None);
        assert_eq!(d.get(2), Some(0.0));
        assert_eq!(d.get(3), None);
        d.set(2, None);
        d.set(1, Some(f64::NAN));
        assert_eq!(d.iter().collect::<Vec<_>>(), vec![Some(0.5), None, None]);
        d.resize(5);
        assert_eq!(d.get(4), None);
        assert_eq!(d.len(), 5);
    }

    #[test]
    fn serializes_as_numbers_and_nulls() {
        let d = DurationsPerRun::from(vec![Some(0.5), None, Some(1.25)]);
        let json = serde_json::to_string(&d).expect("serialize");
        assert_eq!(json, "[0.5,null,1.25]");
        let back: DurationsPerRun = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, d);
        assert!(serde_json::from_str::<DurationsPerRun>("[0.5,\"x\"]").is_err());
    }

    #[test]
    fn equality_is_per_run() {
        let a = DurationsPerRun::from(vec![None, Some(1.0)]);
        assert_eq!(a, DurationsPerRun::from(vec![None, Some(1.0)]));
        assert_ne!(a, DurationsPerRun::from(vec![None, Some(2.0)]));
        assert_ne!(a, DurationsPerRun::from(vec![Some(1.0), None]));
        assert_ne!(a, DurationsPerRun::from(vec![None, Some(1.0), None]));
    }

    proptest! {
        /// Whatever goes in comes out, and runs left out go.
        #[test]
        fn holds_what_a_vector_of_options_holds(
            runs in proptest::collection::vec(proptest::option::of(-1.0e9f64..1.0e9), 0..40),
            kept in proptest::collection::vec(any::<bool>(), 40),
        ) {
            let mut packed = DurationsPerRun::from(runs.clone());
            prop_assert_eq!(packed.iter().collect::<Vec<_>>(), runs.clone());
            for (run, &time) in runs.iter().enumerate() {
                prop_assert_eq!(packed.get(run), time);
            }
            packed.keep_runs(&kept);
            let expected: Vec<Option<f64>> = runs
                .iter()
                .enumerate()
                .filter(|&(run, _)| kept[run])
                .map(|(_, &t)| t)
                .collect();
            prop_assert_eq!(packed.iter().collect::<Vec<_>>(), expected);
        }
    }
}
