//! Every `tests/fixtures/**/*.xml` is a test: it must have a hand-written `*.expected.json`
//! beside it, and `read_report` must produce exactly what that file says.
#![expect(
    clippy::disallowed_methods,
    reason = "the tests, unlike the core, read fixture files"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, Severity};
use serde_json::Value;

fn fixtures() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("fixtures folder is readable")
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "xml") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures"),
        &mut out,
    );
    out
}

#[test]
fn every_fixture_matches_its_hand_written_expectation() {
    let files = fixtures();
    assert!(files.len() >= 9, "fixtures went missing: {files:?}");
    let mut failures = Vec::new();
    for xml in &files {
        if let Err(why) = check(xml) {
            failures.push(format!("{}: {why}", xml.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} fixtures differ:\n{}",
        failures.len(),
        files.len(),
        failures.join("\n")
    );
}

fn check(xml: &Path) -> Result<(), String> {
    let expected_path = xml.with_extension("expected.json");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(&expected_path)
            .map_err(|_| format!("no {} beside it", expected_path.display()))?,
    )
    .map_err(|e| format!("bad expected JSON: {e}"))?;
    let bytes = std::fs::read(xml).map_err(|e| e.to_string())?;
    let name = xml.file_name().and_then(|n| n.to_str()).unwrap_or("?");
    let out = read_report(name, &bytes);

    let want_run = expected["run"].as_bool().ok_or("expected.run missing")?;
    if out.run.is_some() != want_run {
        return Err(format!(
            "run present = {}, expected {want_run}; diagnostics {:?}",
            out.run.is_some(),
            out.diagnostics
        ));
    }
    check_diagnostics(&expected["diagnostics"], &out.diagnostics)?;
    let Some(run) = out.run else { return Ok(()) };

    if let Some(partial) = expected.get("partial").and_then(Value::as_bool) {
        if run.partial != partial {
            return Err(format!("partial = {}, expected {partial}", run.partial));
        }
    }
    if let Some(n) = expected.get("testcase_elements").and_then(Value::as_u64) {
        if run.testcases.len() as u64 != n {
            return Err(format!(
                "{} testcase elements, expected {n}",
                run.testcases.len()
            ));
        }
    }
    let times: Vec<f64> = run
        .testcases
        .iter()
        .filter_map(|t| t.time_seconds)
        .collect();
    match expected.get("total_time_seconds") {
        Some(Value::Null) if !times.is_empty() => {
            return Err(format!("times {times:?}, expected none readable"))
        }
        Some(Value::Number(n)) => {
            let want = n.as_f64().unwrap_or(f64::NAN);
            let got: f64 = times.iter().sum();
            if (got - want).abs() > 1e-9 {
                return Err(format!("total time {got}, expected {want}"));
            }
        }
        _ => {}
    }
    if let Some(order) = expected.get("outcomes_in_order").and_then(Value::as_array) {
        let got: Vec<(String, &str)> = run
            .testcases
            .iter()
            .map(|t| (t.key.id(), t.outcome.as_str()))
            .collect();
        let want: Vec<(String, &str)> = order
            .iter()
            .map(|pair| {
                (
                    pair[0].as_str().unwrap_or("").to_owned(),
                    pair[1].as_str().unwrap_or(""),
                )
            })
            .collect();
        if got != want {
            return Err(format!("outcomes {got:?}, expected {want:?}"));
        }
    }
    let analysis = Analysis::from_runs(std::slice::from_ref(&run), Vec::new());
    if let Some(counts) = expected.get("counts") {
        let got = serde_json::to_value(analysis.runs[0].counts).map_err(|e| e.to_string())?;
        if &got != counts {
            return Err(format!("counts {got}, expected {counts}"));
        }
    }
    if let Some(outcomes) = expected.get("outcomes").and_then(Value::as_object) {
        let got: BTreeMap<String, &str> = analysis
            .tests
            .iter()
            .map(|t| (t.id.clone(), t.outcomes[0].map_or("absent", |o| o.as_str())))
            .collect();
        let want: BTreeMap<String, &str> = outcomes
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or("")))
            .collect();
        if got != want {
            return Err(format!("outcomes {got:?}, expected {want:?}"));
        }
    }
    if let Some(failures) = expected.get("failures").and_then(Value::as_object) {
        for (id, want) in failures {
            let case = run
                .testcases
                .iter()
                .find(|t| &t.key.id() == id)
                .ok_or(format!("no testcase {id}"))?;
            let want = want.as_array().ok_or("failures entry is not a list")?;
            let got_failures: Vec<_> = case.failures().collect();
            if got_failures.len() != want.len() {
                return Err(format!(
                    "{id}: {} failures, expected {}",
                    got_failures.len(),
                    want.len()
                ));
            }
            for (got, want) in got_failures.iter().zip(want) {
                if got.message.as_deref() != want["message"].as_str() {
                    return Err(format!(
                        "{id}: message {:?}, expected {}",
                        got.message, want["message"]
                    ));
                }
                if got.failure_type.as_deref() != want["type"].as_str() {
                    return Err(format!(
                        "{id}: type {:?}, expected {}",
                        got.failure_type, want["type"]
                    ));
                }
                let start = want["body_starts_with"].as_str().unwrap_or("");
                if !got.body.starts_with(start) {
                    return Err(format!(
                        "{id}: body {:?} does not start with {start:?}",
                        got.body
                    ));
                }
            }
        }
    }
    Ok(())
}

fn check_diagnostics(want: &Value, got: &[flakelens_core::Diagnostic]) -> Result<(), String> {
    let want = want.as_array().ok_or("expected.diagnostics missing")?;
    if want.len() != got.len() {
        return Err(format!(
            "{} diagnostics, expected {}: {got:?}",
            got.len(),
            want.len()
        ));
    }
    for (w, g) in want.iter().zip(got) {
        let severity = match g.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        if w["severity"].as_str() != Some(severity) {
            return Err(format!("severity of {g}, expected {}", w["severity"]));
        }
        if let Some(line) = w.get("line").and_then(Value::as_u64) {
            if u64::from(g.line) != line {
                return Err(format!("line of {g}, expected {line}"));
            }
        }
        if let Some(column) = w.get("column").and_then(Value::as_u64) {
            if u64::from(g.column) != column {
                return Err(format!("column of {g}, expected {column}"));
            }
        }
        let needle = w["message_contains"].as_str().unwrap_or("");
        if !g.message.contains(needle) {
            return Err(format!("message of {g} lacks {needle:?}"));
        }
    }
    Ok(())
}
