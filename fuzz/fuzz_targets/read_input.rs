//! Any bytes through the whole reading path (sniffing, archives, decoding, JUnit, CTRF) and
//! the analysis: it must never panic, and every run's counts must add up.
#![no_main]

use flakelens_core::{input::read_input, Analysis};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let analysis = Analysis::from_reads(read_input("fuzz.xml", data));
    for run in &analysis.runs {
        let c = run.counts;
        assert_eq!(c.tests(), c.passed() + c.failed() + c.errored() + c.skipped());
    }
});
