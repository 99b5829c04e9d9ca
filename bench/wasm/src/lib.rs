//! flakelens' whole job, the same calls on both sides of the wasm/native comparison: every
//! file through `flakelens_core::input::read_input_with` (sniffing, gzip/zip, JUnit or CTRF)
//! with the worker's JUnit reader, `flakelens_fast_reader` (built at opt-level 3 here as in
//! the worker, the rest at the page's `"z"`),
//! then `Analysis::from_reads_expecting` (the number of files as the expected runs, as the CLI
//! passes it) with default options: the job of the core's criterion bench
//! (`crates/flakelens-core/benches/throughput.rs`, `whole_job`).
//!
//! Each file's bytes are dropped as soon as it is read, as the page and the CLI do, so the
//! memory peak is the analysis plus the largest file, not the whole input.

use flakelens_core::input::read_input_with;
use flakelens_core::{Analysis, AnalysisOptions, Interner};

/// What one job found, to check that both sides did the same work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    /// Runs read (files that were reports, after merges).
    pub runs: usize,
    /// Distinct tests across the runs.
    pub tests: usize,
    /// Tests whose verdict is flaky.
    pub flaky: usize,
}

impl Summary {
    /// `{"runs":R,"tests":T,"flaky":F}`.
    pub fn to_json(self) -> String {
        format!(
            "{{\"runs\":{},\"tests\":{},\"flaky\":{}}}",
            self.runs, self.tests, self.flaky
        )
    }
}

/// Runs the whole job on `files`, `(name, bytes)` in run order. `bytes` is called once per
/// file and its result dropped right after that file is read.
pub fn whole_job<I, F>(files: I) -> Summary
where
    I: IntoIterator<Item = (String, F)>,
    F: FnOnce() -> Vec<u8>,
{
    let files = files.into_iter();
    // As the CLI does: the number of files is the expected number of runs (a capacity hint).
    let expected_runs = files.size_hint().0;
    let reads = files.flat_map(|(name, bytes)| {
        let bytes = bytes();
        read_input_with(
            &name,
            &bytes,
            &mut Interner::default(),
            flakelens_fast_reader::read_report_interned,
        )
    });
    let analysis =
        Analysis::from_reads_expecting(reads, expected_runs, &AnalysisOptions::default());
    Summary {
        runs: analysis.totals.runs,
        tests: analysis.totals.tests,
        flaky: analysis.totals.flaky,
    }
}

/// Whether this build has the wasm `simd128` target feature (`-C target-feature=+simd128`).
pub const SIMD128: bool = cfg!(target_feature = "simd128");

#[cfg(target_arch = "wasm32")]
mod web {
    use js_sys::{Array, Uint8Array};
    use wasm_bindgen::prelude::*;

    /// Runs the whole job on `files` (an array of `Uint8Array`, one per file, in run order)
    /// and returns the summary as JSON text `{"runs":R,"tests":T,"flaky":F}`. Each file is
    /// copied into wasm memory when its turn comes (part of the measured job, as in the
    /// page) and freed once read. Elements that are not `Uint8Array`s are read as empty files.
    #[wasm_bindgen]
    pub fn analyze(files: Array) -> String {
        super::whole_job(files.iter().enumerate().map(|(i, file)| {
            let bytes = move || {
                file.dyn_into::<Uint8Array>()
                    .map(|array| array.to_vec())
                    .unwrap_or_default()
            };
            (format!("run-{i}.xml"), bytes)
        }))
        .to_json()
    }

    /// Whether this module was built with `+simd128`.
    #[wasm_bindgen]
    pub fn simd128() -> bool {
        super::SIMD128
    }
}
