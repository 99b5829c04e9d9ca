//! `icount <parse|analysis|whole|many-runs>`: one part of the job on a fixed small input, for
//! counting instructions under callgrind (`cargo xtask icount`, baseline
//! `bench/icount-baseline.json`).
//!
//! Input: [`TESTS`] tests × [`RUNS`] runs, seed [`SEED`], generated in memory by
//! `flakelens_core::generate` (about 3.3 MB of JUnit XML). Only the work inside the
//! `counted_*` functions is meant to be counted: `cargo xtask icount` runs callgrind with
//! `--collect-atstart=no --toggle-collect=icount::counted_*`, so generating the input (and,
//! for `analysis`, parsing it) is left out.
//!
//! - `parse`: `junit::read_report` on every run.
//! - `analysis`: `Analysis::from_runs` on the parsed runs (metrics, categories, clusters).
//! - `whole`: `input::read_input` on every file, then `Analysis::from_reads`, as the CLI and
//!   the page do.
//! - `many-runs`: `Analysis::from_runs` on [`MANY_RUNS_TESTS`] tests × [`MANY_RUNS`] runs
//!   (seed [`SEED`], about 19 MB, parsed outside the count): the parts of the analysis that
//!   grow with the runs (the run × run agreement matrix, the co-failure clusters).
//!
//! Prints the number of tests found, so a broken input shows up as a wrong count.

use std::hint::black_box;

use flakelens_core::generate::{generate_run, read_generated, GenSpec};
use flakelens_core::input::read_input;
use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, Run};

/// Tests per run in the fixed input.
const TESTS: usize = 2_000;
/// Runs in the fixed input.
const RUNS: usize = 5;
/// Generator seed of the fixed input.
const SEED: u64 = 1;
/// Tests per run in the `many-runs` input.
const MANY_RUNS_TESTS: usize = 100;
/// Runs in the `many-runs` input: as many as users run a suite to measure it.
const MANY_RUNS: usize = 500;

fn main() {
    let mode = std::env::args().nth(1).unwrap_or_default();
    let spec = GenSpec {
        tests: TESTS,
        runs: RUNS,
        seed: SEED,
    };
    let files = || -> Vec<String> { (0..RUNS).map(|r| generate_run(&spec, r)).collect() };
    let tests = match mode.as_str() {
        "parse" => counted_parse(black_box(&files())),
        "analysis" => {
            // Parsed from files held until the count ends: the baseline was counted with the
            // allocator in that state (parsed from files dropped one by one, the same
            // analysis counts 2.3% more instructions in the allocator).
            let files = files();
            let runs: Vec<Run> = files
                .iter()
                .enumerate()
                .filter_map(|(i, f)| read_report(&format!("run-{i}.xml"), f.as_bytes()).run)
                .collect();
            counted_analysis(black_box(&runs))
        }
        "whole" => counted_whole(black_box(&files())),
        "many-runs" => {
            let spec = GenSpec {
                tests: MANY_RUNS_TESTS,
                runs: MANY_RUNS,
                seed: SEED,
            };
            counted_analysis(black_box(&parsed_runs(&spec)))
        }
        _ => {
            eprintln!("usage: icount <parse|analysis|whole|many-runs>");
            std::process::exit(2);
        }
    };
    println!("{mode}: {tests} tests");
}

/// The runs of `spec`, generated and parsed outside the count (`run-0.xml`, ...), each file
/// dropped once parsed.
fn parsed_runs(spec: &GenSpec) -> Vec<Run> {
    read_generated(spec, |r| format!("run-{r}.xml"))
        .into_iter()
        .filter_map(|read| read.run)
        .collect()
}

/// Parses every file; returns the number of testcases read.
#[inline(never)]
fn counted_parse(files: &[String]) -> usize {
    files
        .iter()
        .enumerate()
        .map(|(i, f)| {
            read_report(&format!("run-{i}.xml"), f.as_bytes())
                .run
                .map_or(0, |r| r.testcases.len())
        })
        .sum()
}

/// Analyzes parsed runs; returns the number of distinct tests.
#[inline(never)]
fn counted_analysis(runs: &[Run]) -> usize {
    Analysis::from_runs(runs, Vec::new()).totals.tests
}

/// Reads and analyzes every file; returns the number of distinct tests.
#[inline(never)]
fn counted_whole(files: &[String]) -> usize {
    Analysis::from_reads(
        files
            .iter()
            .enumerate()
            .flat_map(|(i, f)| read_input(&format!("run-{i}.xml"), f.as_bytes())),
    )
    .totals
    .tests
}
