//! Throughput of the whole job and its parts on generated runs, next to the limit: a
//! quick-xml `read_event` loop that only tokenizes, with no per-event allocation.
//!
//! Input: `FLAKELENS_BENCH_TESTS` tests × `FLAKELENS_BENCH_RUNS` runs (default 20,000 × 5,
//! about 33 MB), generated in memory by `flakelens_core::generate`.
//! Run: `cargo bench -p flakelens-core --bench throughput`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use flakelens_core::generate::{generate_run, GenSpec};
use flakelens_core::input::read_input_interned;
use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, Interner};
use quick_xml::events::Event;
use quick_xml::Reader;

fn spec() -> GenSpec {
    let var = |name: &str, default: usize| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    GenSpec {
        tests: var("FLAKELENS_BENCH_TESTS", 20_000),
        runs: var("FLAKELENS_BENCH_RUNS", 5),
        seed: 1,
    }
}

/// The limit: tokenize every event, count them, allocate nothing per event.
fn tokenize_only(text: &str) -> usize {
    let mut reader = Reader::from_str(text);
    let mut events = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) | Err(_) => return events,
            Ok(_) => events += 1,
        }
    }
}

fn throughput(c: &mut Criterion) {
    let spec = spec();
    let files: Vec<String> = (0..spec.runs).map(|r| generate_run(&spec, r)).collect();
    let bytes: usize = files.iter().map(String::len).sum();
    let mut group = c.benchmark_group(format!("{}x{}", spec.runs, spec.tests));
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("tokenize_only", |b| {
        b.iter(|| files.iter().map(|f| tokenize_only(f)).sum::<usize>())
    });
    group.bench_function("parse", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|f| {
                    read_report("r.xml", f.as_bytes())
                        .run
                        .map_or(0, |r| r.testcases.len())
                })
                .sum::<usize>()
        })
    });
    let runs: Vec<_> = files
        .iter()
        .filter_map(|f| read_report("r.xml", f.as_bytes()).run)
        .collect();
    group.bench_function("metrics", |b| {
        b.iter(|| Analysis::from_runs(&runs, Vec::new()).totals.tests)
    });
    group.bench_function("whole_job", |b| {
        b.iter(|| {
            // As the CLI does: one interner for every file.
            let mut interner = Interner::default();
            Analysis::from_reads(files.iter().enumerate().flat_map(|(i, f)| {
                read_input_interned(&format!("run-{i}.xml"), f.as_bytes(), &mut interner)
            }))
            .totals
            .tests
        })
    });
    group.finish();
}

criterion_group!(benches, throughput);
criterion_main!(benches);
