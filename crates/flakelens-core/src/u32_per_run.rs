//! [`U32PerRun`]: an optional `u32` per run, 2 bytes a run while every value fits.

/// One optional `u32` per run, in run order: a test's position in each run
/// ([`crate::CasePositions`]), its time in each run in milliseconds
/// ([`crate::DurationsPerRun`]).
///
/// Packed: 2 bytes a run while every value is under 65,535, `u16::MAX` for none; 4 bytes a
/// run from the first value that is not, `u32::MAX` ([`U32PerRun::NONE`]) for none, so a value
/// of `u32::MAX` reads as none. Equal to another when each run's value is, however packed.
#[derive(Debug, Clone)]
pub(crate) struct U32PerRun(Packing);

/// How [`U32PerRun`] holds its values.
#[derive(Debug, Clone)]
enum Packing {
    /// Every value under [`NO_NARROW`]; [`NO_NARROW`] for none.
    Narrow(Vec<u16>),
    /// The values; [`U32PerRun::NONE`] for none.
    Wide(Vec<u32>),
}

/// A run without a value, in [`Packing::Narrow`].
const NO_NARROW: u16 = u16::MAX;

impl Default for U32PerRun {
    fn default() -> U32PerRun {
        U32PerRun(Packing::Narrow(Vec::new()))
    }
}

impl PartialEq for U32PerRun {
    fn eq(&self, other: &U32PerRun) -> bool {
        self.len() == other.len() && (0..self.len()).all(|run| self.get(run) == other.get(run))
    }
}

impl Eq for U32PerRun {}

impl U32PerRun {
    /// A run without a value once any value takes 4 bytes: a value equal to it reads as none.
    pub(crate) const NONE: u32 = u32::MAX;

    /// Empty, with room for `runs` runs.
    pub(crate) fn with_capacity(runs: usize) -> U32PerRun {
        U32PerRun(Packing::Narrow(Vec::with_capacity(runs)))
    }

    /// The number of runs.
    pub(crate) fn len(&self) -> usize {
        match &self.0 {
            Packing::Narrow(all) => all.len(),
            Packing::Wide(all) => all.len(),
        }
    }

    /// The room reserved, in runs.
    pub(crate) fn capacity(&self) -> usize {
        match &self.0 {
            Packing::Narrow(all) => all.capacity(),
            Packing::Wide(all) => all.capacity(),
        }
    }

    /// The value in run `run`; `None` when it has none or `run` is past the last run.
    pub(crate) fn get(&self, run: usize) -> Option<u32> {
        match &self.0 {
            Packing::Narrow(all) => all
                .get(run)
                .filter(|&&v| v != NO_NARROW)
                .map(|&v| u32::from(v)),
            Packing::Wide(all) => all.get(run).copied().filter(|&v| v != Self::NONE),
        }
    }

    /// Appends the next run's value.
    pub(crate) fn push(&mut self, value: Option<u32>) {
        match self.fit(value) {
            Packing::Narrow(all) => all.push(narrow(value)),
            Packing::Wide(all) => all.push(value.unwrap_or(Self::NONE)),
        }
    }

    /// Sets the value in run `run`, which must exist (see [`U32PerRun::resize`]).
    ///
    /// # Panics
    /// When `run` is past the last run.
    pub(crate) fn set(&mut self, run: usize, value: Option<u32>) {
        match self.fit(value) {
            Packing::Narrow(all) => all[run] = narrow(value),
            Packing::Wide(all) => all[run] = value.unwrap_or(Self::NONE),
        }
    }

    /// Pads with runs without a value, or cuts, to `runs` runs.
    pub(crate) fn resize(&mut self, runs: usize) {
        match &mut self.0 {
            Packing::Narrow(all) => all.resize(runs, NO_NARROW),
            Packing::Wide(all) => all.resize(runs, Self::NONE),
        }
    }

    /// Keeps the runs whose entry in `kept` is true (and any past its end).
    pub(crate) fn keep_runs(&mut self, kept: &[bool]) {
        match &mut self.0 {
            Packing::Narrow(all) => crate::analysis::keep_runs(all, kept),
            Packing::Wide(all) => crate::analysis::keep_runs(all, kept),
        }
    }

    /// Frees the room reserved beyond the runs.
    pub(crate) fn shrink_to_fit(&mut self) {
        match &mut self.0 {
            Packing::Narrow(all) => all.shrink_to_fit(),
            Packing::Wide(all) => all.shrink_to_fit(),
        }
    }

    /// Holds 4 bytes a run from now on, with the room reserved kept (and one run more).
    pub(crate) fn widen(&mut self) {
        if let Packing::Narrow(all) = &self.0 {
            let mut widened = Vec::with_capacity(all.capacity().max(all.len() + 1));
            widened.extend(all.iter().map(|&v| match v {
                NO_NARROW => Self::NONE,
                v => u32::from(v),
            }));
            self.0 = Packing::Wide(widened);
        }
    }

    /// True while it holds 2 bytes a run.
    #[cfg(test)]
    pub(crate) fn is_narrow(&self) -> bool {
        matches!(self.0, Packing::Narrow(_))
    }

    /// The packing, made wide first when `value` does not fit the narrow one.
    fn fit(&mut self, value: Option<u32>) -> &mut Packing {
        if value.is_some_and(|v| v >= u32::from(NO_NARROW)) {
            self.widen();
        }
        &mut self.0
    }
}

/// `value` in [`Packing::Narrow`], which [`U32PerRun::fit`] made able to hold it.
fn narrow(value: Option<u32>) -> u16 {
    value
        .and_then(|v| u16::try_from(v).ok())
        .unwrap_or(NO_NARROW)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The narrow packing's limit is tested through `CasePositions`
    // (`narrow_until_a_position_does_not_fit`) and `DurationsPerRun`.
    #[test]
    fn widening_keeps_every_value_and_equality_is_per_run() {
        let mut narrow = U32PerRun::default();
        for value in [Some(3), None, Some(65_534)] {
            narrow.push(value);
        }
        let mut wide = narrow.clone();
        wide.widen();
        assert!(narrow.is_narrow() && !wide.is_narrow());
        assert_eq!(wide, narrow);
        assert_eq!(wide.get(1), None);
        wide.push(None);
        assert_ne!(wide, narrow);
    }
}
