//! [`DurationsPerRun`]: a test's time in each run, packed.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::u32_per_run::U32PerRun;

/// For one test, its time in each run in seconds: one entry per run, in run order, `None`
/// when the test is absent from the run or its report gave no time.
///
/// Packed, without losing a bit of any time. While every time is a whole number of
/// milliseconds that reads back as the very same `f64` (JUnit writers give seconds with three
/// decimals: surefire, Gradle, pytest, jest), the milliseconds (packed as the tests'
/// positions): 2 bytes a run while every time is under 65.535 s (most tests), else 4 bytes a
/// run while every time is under 2³² − 1 ms (about 49.7 days). From the first time that is not
/// whole milliseconds, 8 bytes a run: the seconds, NaN for none (the reader keeps finite
/// times only and JSON has no NaN; a NaN given to [`DurationsPerRun::set`] or
/// [`DurationsPerRun::push`] reads back as `None`). `Vec<Option<f64>>` takes 16 bytes a run:
/// at 20,000 tests × 50 runs 16 MB, against 2 MB here when every time is under 65.535 s.
/// Serializes as a list of numbers and nulls, `[0.5, null, 1.25]`, the audit's
/// `durations_seconds`.
#[derive(Debug, Clone)]
pub struct DurationsPerRun(Packing);

/// How [`DurationsPerRun`] holds its times.
#[derive(Debug, Clone)]
enum Packing {
    /// Every time in whole milliseconds (see [`millis_of`]).
    Millis(U32PerRun),
    /// The seconds; NaN for none.
    Seconds(Vec<f64>),
}

/// `seconds` as whole milliseconds, when that is exact: the milliseconds divided by 1,000 give
/// back the same `f64`, bit for bit (so -0.0, fractions of a millisecond, NaN and times of
/// 49.7 days or more have none).
fn millis_of(seconds: f64) -> Option<u32> {
    let millis = (seconds * 1000.0).round();
    // Under U32PerRun's none.
    if !(0.0..f64::from(U32PerRun::NONE)).contains(&millis) {
        return None;
    }
    // In range, so the cast is exact (-0.0 becomes 0, whose seconds are +0.0).
    let millis = millis as u32;
    (seconds_of(millis).to_bits() == seconds.to_bits()).then_some(millis)
}

/// The seconds of whole milliseconds.
fn seconds_of(millis: u32) -> f64 {
    f64::from(millis) / 1000.0
}

impl Default for DurationsPerRun {
    fn default() -> DurationsPerRun {
        DurationsPerRun(Packing::Millis(U32PerRun::default()))
    }
}

impl DurationsPerRun {
    /// Empty, with room for `runs` runs.
    pub fn with_capacity(runs: usize) -> DurationsPerRun {
        DurationsPerRun(Packing::Millis(U32PerRun::with_capacity(runs)))
    }

    /// The number of runs.
    pub fn len(&self) -> usize {
        match &self.0 {
            Packing::Millis(millis) => millis.len(),
            Packing::Seconds(seconds) => seconds.len(),
        }
    }

    /// Whether it has no run.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The time in run `run` in seconds; `None` when not given or past the last run.
    pub fn get(&self, run: usize) -> Option<f64> {
        match &self.0 {
            Packing::Millis(millis) => millis.get(run).map(seconds_of),
            Packing::Seconds(seconds) => seconds.get(run).copied().filter(|t| !t.is_nan()),
        }
    }

    /// Sets the time in run `run` (which must exist, see [`DurationsPerRun::resize`]).
    ///
    /// # Panics
    /// When `run` is past the last run.
    pub fn set(&mut self, run: usize, seconds: Option<f64>) {
        let seconds = seconds.filter(|t| !t.is_nan());
        let millis = self.fit(seconds);
        match &mut self.0 {
            Packing::Millis(all) => all.set(run, millis),
            Packing::Seconds(all) => all[run] = seconds.unwrap_or(f64::NAN),
        }
    }

    /// Appends the next run's time.
    pub fn push(&mut self, seconds: Option<f64>) {
        let seconds = seconds.filter(|t| !t.is_nan());
        let millis = self.fit(seconds);
        match &mut self.0 {
            Packing::Millis(all) => all.push(millis),
            Packing::Seconds(all) => all.push(seconds.unwrap_or(f64::NAN)),
        }
    }

    /// Makes the packing able to hold `seconds` (a time, not NaN, or none): seconds from now
    /// on if it is not whole milliseconds. Gives what [`Packing::Millis`] then holds for it.
    fn fit(&mut self, seconds: Option<f64>) -> Option<u32> {
        let (Packing::Millis(_), Some(time)) = (&self.0, seconds) else {
            return None;
        };
        let millis = millis_of(time);
        if millis.is_none() {
            self.make_seconds();
        }
        millis
    }

    /// Makes it `runs` runs long, new runs without a time.
    pub fn resize(&mut self, runs: usize) {
        match &mut self.0 {
            Packing::Millis(millis) => millis.resize(runs),
            Packing::Seconds(seconds) => seconds.resize(runs, f64::NAN),
        }
    }

    /// Frees the room reserved beyond its runs.
    pub fn shrink_to_fit(&mut self) {
        match &mut self.0 {
            Packing::Millis(millis) => millis.shrink_to_fit(),
            Packing::Seconds(seconds) => seconds.shrink_to_fit(),
        }
    }

    /// Keeps the runs whose entry in `kept` is true (and any run past its end).
    pub(crate) fn keep_runs(&mut self, kept: &[bool]) {
        match &mut self.0 {
            Packing::Millis(millis) => millis.keep_runs(kept),
            Packing::Seconds(seconds) => crate::analysis::keep_runs(seconds, kept),
        }
    }

    /// Each run's time in seconds, in run order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Option<f64>> + '_ {
        (0..self.len()).map(|run| self.get(run))
    }

    /// Holds the times as seconds from now on (8 bytes a run), with the room reserved kept.
    fn make_seconds(&mut self) {
        if let Packing::Millis(millis) = &self.0 {
            let mut seconds = Vec::with_capacity(millis.capacity().max(millis.len() + 1));
            seconds
                .extend((0..millis.len()).map(|run| millis.get(run).map_or(f64::NAN, seconds_of)));
            self.0 = Packing::Seconds(seconds);
        }
    }
}

impl PartialEq for DurationsPerRun {
    /// Equal when each run's time is equal, runs without a time alike, however packed.
    fn eq(&self, other: &DurationsPerRun) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl FromIterator<Option<f64>> for DurationsPerRun {
    fn from_iter<I: IntoIterator<Item = Option<f64>>>(runs: I) -> DurationsPerRun {
        let runs = runs.into_iter();
        let mut packed = DurationsPerRun::with_capacity(runs.size_hint().0);
        for time in runs {
            packed.push(time);
        }
        packed
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

    #[test]
    fn milliseconds_take_two_bytes_a_run_until_a_time_is_65_535_s_or_more() {
        let mut d = DurationsPerRun::with_capacity(4);
        for time in [Some(0.196), None, Some(0.0), Some(65.534)] {
            d.push(time);
        }
        assert!(matches!(&d.0, Packing::Millis(m) if m.is_narrow()));
        let before = d.clone();
        // 65.535 s is the 2-byte packing's "none": it takes 4 bytes.
        d.set(1, Some(65.535));
        assert!(matches!(&d.0, Packing::Millis(m) if !m.is_narrow()));
        assert_eq!(
            d.iter().collect::<Vec<_>>(),
            [Some(0.196), Some(65.535), Some(0.0), Some(65.534)]
        );
        // Equal across packings; a run without a time stays without one when widened.
        let mut widened = before.clone();
        if let Packing::Millis(millis) = &mut widened.0 {
            millis.widen();
        }
        assert!(matches!(&widened.0, Packing::Millis(m) if !m.is_narrow()));
        assert_eq!(widened, before);
        assert_eq!(widened.get(1), None);
        let mut pushed = before.clone();
        pushed.push(Some(4_294_967.294));
        assert_eq!(pushed.get(1), None);
        assert_eq!(pushed.get(4), Some(4_294_967.294));
    }

    #[test]
    fn whole_milliseconds_take_four_bytes_a_run_until_a_time_is_not() {
        let mut d = DurationsPerRun::with_capacity(4);
        for time in [Some(0.196), None, Some(0.0), Some(4_294_967.294)] {
            d.push(time);
        }
        assert!(matches!(&d.0, Packing::Millis(_)));
        assert_eq!(
            d.iter().collect::<Vec<_>>(),
            [Some(0.196), None, Some(0.0), Some(4_294_967.294)]
        );
        // Not whole milliseconds, each for its own reason; every one read back bit for bit.
        for odd in [0.0001234, -0.0, 4_294_967.295, 1e300, -0.5, 0.1 + 0.2] {
            let mut e = d.clone();
            e.set(1, Some(odd));
            assert!(matches!(&e.0, Packing::Seconds(_)), "{odd}");
            assert_eq!(e.get(1).map(f64::to_bits), Some(odd.to_bits()), "{odd}");
            assert_eq!(e.get(0), Some(0.196));
            assert_eq!(e.get(3), Some(4_294_967.294));
            let mut f = d.clone();
            f.push(Some(odd));
            assert_eq!(f.get(4).map(f64::to_bits), Some(odd.to_bits()), "{odd}");
            assert_eq!(
                f.iter().take(4).collect::<Vec<_>>(),
                d.iter().collect::<Vec<_>>()
            );
        }
        // Equal across packings.
        let mut seconds = d.clone();
        seconds.make_seconds();
        assert!(matches!(&seconds.0, Packing::Seconds(_)));
        assert_eq!(seconds, d);
    }

    proptest! {
        /// Any time, whole milliseconds or not, reads back bit for bit, in any packing.
        #[test]
        fn every_time_reads_back_bit_for_bit(
            millis in proptest::collection::vec(
                prop_oneof![0u32..70_000, 0u32..4_000_000_000, Just(65_535u32)],
                0..20,
            ),
            bits in proptest::collection::vec(any::<u64>(), 0..4),
            at in any::<prop::sample::Index>(),
        ) {
            let mut runs: Vec<Option<f64>> = millis.iter().map(|&ms| Some(f64::from(ms) / 1000.0)).collect();
            for b in bits {
                let time = f64::from_bits(b);
                let place = if runs.is_empty() { 0 } else { at.index(runs.len() + 1) };
                runs.insert(place, (!time.is_nan()).then_some(time));
            }
            let packed = DurationsPerRun::from(runs.clone());
            let back: Vec<Option<u64>> = packed.iter().map(|t| t.map(f64::to_bits)).collect();
            let expected: Vec<Option<u64>> = runs.iter().map(|t| t.map(f64::to_bits)).collect();
            prop_assert_eq!(back, expected);
        }

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
