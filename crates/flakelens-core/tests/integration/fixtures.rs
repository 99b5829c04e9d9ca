//! Every `tests/fixtures/**/*.xml` is a test: it must have a hand-written `*.expected.json`
//! beside it (and every expected file an XML file), and `read_report` must produce exactly
//! what that file says. Every key of an expected file is checked, and a key the harness does
//! not know fails the fixture, so no expectation can be silently ignored.
//!
//! Keys of an expected file (`_why`, `run` and `diagnostics` are required; the others are
//! optional and need `"run": true`):
//! - `_why`: the hand-worked values and their arithmetic;
//! - `run`: whether the reader returns a run;
//! - `diagnostics`: every diagnostic, in order, as `{severity, message_contains, line?,
//!   column?}`;
//! - `partial`: [`Run::partial`]; `testcase_elements`: the number of `<testcase>` elements;
//! - `total_time_seconds`: the sum of the tests' times, or `null` when none is readable;
//! - `dialect`: the [`Dialect`] kebab name (`"pytest-xunit2"`);
//! - `timestamp`: `{"iso": .., "utc_offset_minutes": .. or null}`, or `null` for none;
//! - `hostname`: a string, or `null` for none;
//! - `counts`: the run's [`Counts`](flakelens_core::Counts);
//! - `outcomes`: `{id: outcome}` for every test; `outcomes_in_order`: `[[id, outcome]]` for
//!   every test, in the run's order;
//! - `names`: every test's `name`, in the run's order (entity and encoding decoding);
//! - `flaky_ids`: the ids of the tests with `flaky_in_run`, in the run's order;
//! - `attempts`: `{id: number of attempts}`; `attempt_outcomes`: `{id: [outcome of each
//!   attempt]}`;
//! - `failures`: `{id: [{message, type, body_starts_with}]}`, every failure of every attempt;
//! - `system_out_contains`: `{id: text}` that the final attempt's `<system-out>` contains.
//!
//! [`Run::partial`]: flakelens_core::Run::partial
//! [`Dialect`]: flakelens_core::junit::Dialect
#![expect(
    clippy::disallowed_methods,
    reason = "the tests, unlike the core, read fixture files"
)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, Diagnostic, Run, Severity, TestCase};
use serde_json::{Map, Value};

/// Keys every expected file has.
const REQUIRED_KEYS: &[&str] = &["_why", "run", "diagnostics"];
/// Keys that describe the run, so only make sense with `"run": true`.
const RUN_KEYS: &[&str] = &[
    "partial",
    "testcase_elements",
    "total_time_seconds",
    "dialect",
    "timestamp",
    "hostname",
    "counts",
    "outcomes",
    "outcomes_in_order",
    "names",
    "flaky_ids",
    "attempts",
    "attempt_outcomes",
    "failures",
    "system_out_contains",
];
/// How many fixtures there are at least; guards against the walk silently finding none.
const MIN_FIXTURES: usize = 41;

const EXPECTED_SUFFIX: &str = ".expected.json";

/// Every file under `tests/fixtures`, sorted.
fn fixture_files() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("fixtures folder is readable")
            .map(|e| e.expect("directory entry").path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else {
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

fn file_name(path: &Path) -> &str {
    path.file_name().and_then(|n| n.to_str()).unwrap_or("?")
}

#[test]
fn every_fixture_matches_its_hand_written_expectation() {
    let files = fixture_files();
    let xmls: Vec<&PathBuf> = files
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    assert!(
        xmls.len() >= MIN_FIXTURES,
        "fixtures went missing: only {} found",
        xmls.len()
    );
    let mut failures = Vec::new();
    for path in &files {
        let name = file_name(path);
        if let Some(stem) = name.strip_suffix(EXPECTED_SUFFIX) {
            if !path.with_file_name(format!("{stem}.xml")).is_file() {
                failures.push(format!("{}: no {stem}.xml beside it", path.display()));
            }
        } else if !name.ends_with(".xml") {
            failures.push(format!(
                "{}: neither a fixture (.xml) nor an expectation ({EXPECTED_SUFFIX})",
                path.display()
            ));
        }
    }
    for xml in &xmls {
        if let Err(why) = check(xml) {
            failures.push(format!("{}: {why}", xml.display()));
        }
    }
    assert!(
        failures.is_empty(),
        "{} problem(s) in {} fixtures:\n{}",
        failures.len(),
        xmls.len(),
        failures.join("\n")
    );
}

fn check(xml: &Path) -> Result<(), String> {
    let expected_path = xml.with_extension("expected.json");
    let text = std::fs::read_to_string(&expected_path)
        .map_err(|_| format!("no {} beside it", file_name(&expected_path)))?;
    let expected: Value =
        serde_json::from_str(&text).map_err(|e| format!("bad expected JSON: {e}"))?;
    let expected = expected
        .as_object()
        .ok_or("the expected file is not a JSON object")?;
    check_keys(expected)?;

    let bytes = std::fs::read(xml).map_err(|e| e.to_string())?;
    let out = read_report(file_name(xml), &bytes);

    let want_run = expected["run"].as_bool().ok_or("run is not a boolean")?;
    if out.run.is_some() != want_run {
        return Err(format!(
            "run present = {}, expected {want_run}; diagnostics {:?}",
            out.run.is_some(),
            out.diagnostics
        ));
    }
    check_diagnostics(&expected["diagnostics"], &out.diagnostics)?;
    let Some(run) = out.run else { return Ok(()) };
    let analysis = Analysis::from_runs(std::slice::from_ref(&run), Vec::new());
    for (key, want) in expected {
        check_key(key, want, &run, &analysis).map_err(|e| format!("{key}: {e}"))?;
    }
    Ok(())
}

/// Rejects unknown keys, missing required keys, an empty `_why`, and run keys on a file that
/// expects no run.
fn check_keys(expected: &Map<String, Value>) -> Result<(), String> {
    for key in REQUIRED_KEYS {
        if !expected.contains_key(*key) {
            return Err(format!("the expected file lacks \"{key}\""));
        }
    }
    if expected["_why"]
        .as_str()
        .is_none_or(|w| w.trim().is_empty())
    {
        return Err("_why must explain the hand-worked values".to_owned());
    }
    let want_run = expected["run"].as_bool() == Some(true);
    for key in expected.keys() {
        let known = REQUIRED_KEYS.contains(&key.as_str()) || RUN_KEYS.contains(&key.as_str());
        if !known {
            return Err(format!(
                "unknown key \"{key}\": the harness would never check it"
            ));
        }
        if !want_run && RUN_KEYS.contains(&key.as_str()) {
            return Err(format!(
                "\"{key}\" cannot be checked when no run is expected"
            ));
        }
    }
    Ok(())
}

fn check_key(key: &str, want: &Value, run: &Run, analysis: &Analysis) -> Result<(), String> {
    match key {
        "_why" | "run" | "diagnostics" => Ok(()),
        "partial" => same(&Value::Bool(run.partial), want),
        "testcase_elements" => same(&Value::from(run.testcase_elements), want),
        "dialect" => same(&Value::from(run.dialect.as_str()), want),
        "hostname" => same(&run.hostname.clone().map_or(Value::Null, Value::from), want),
        "timestamp" => {
            let got = run.timestamp.as_ref().map_or(
                Value::Null,
                |t| serde_json::json!({"iso": t.iso, "utc_offset_minutes": t.utc_offset_minutes}),
            );
            same(&got, want)
        }
        "total_time_seconds" => check_total_time(run, want),
        "counts" => {
            let got = serde_json::to_value(analysis.runs[0].counts).map_err(|e| e.to_string())?;
            same(&got, want)
        }
        "outcomes" => {
            let got: BTreeMap<String, &str> = analysis
                .tests
                .iter()
                .map(|t| {
                    (
                        t.id.to_string(),
                        t.outcomes[0].map_or("absent", |o| o.as_str()),
                    )
                })
                .collect();
            same(&serde_json::to_value(got).map_err(|e| e.to_string())?, want)
        }
        "outcomes_in_order" => {
            let got: Vec<Value> = run
                .testcases
                .iter()
                .map(|t| serde_json::json!([t.key.id(), t.outcome.as_str()]))
                .collect();
            same(&Value::Array(got), want)
        }
        "names" => {
            let got: Vec<Value> = run
                .testcases
                .iter()
                .map(|t| Value::from(&**t.key.name()))
                .collect();
            same(&Value::Array(got), want)
        }
        "flaky_ids" => {
            let got: Vec<Value> = run
                .testcases
                .iter()
                .filter(|t| t.flaky_in_run)
                .map(|t| Value::from(t.key.id()))
                .collect();
            same(&Value::Array(got), want)
        }
        "attempts" => per_test(run, want, |case, want| {
            same(&Value::from(case.attempts.len()), want)
        }),
        "attempt_outcomes" => per_test(run, want, |case, want| {
            let got: Vec<Value> = case
                .attempts
                .iter()
                .map(|a| Value::from(a.outcome.as_str()))
                .collect();
            same(&Value::Array(got), want)
        }),
        "failures" => per_test(run, want, check_failures),
        "system_out_contains" => per_test(run, want, |case, want| {
            let needle = want.as_str().ok_or("the expected text is not a string")?;
            let out = case
                .attempts
                .last()
                .and_then(|a| a.system_out.as_deref())
                .ok_or("the final attempt has no system-out")?;
            if out.contains(needle) {
                Ok(())
            } else {
                Err(format!("system-out {out:?} lacks {needle:?}"))
            }
        }),
        other => Err(format!("unknown key \"{other}\"")),
    }
}

fn same(got: &Value, want: &Value) -> Result<(), String> {
    if got == want {
        Ok(())
    } else {
        Err(format!("got {got}, expected {want}"))
    }
}

fn check_total_time(run: &Run, want: &Value) -> Result<(), String> {
    let times: Vec<f64> = run
        .testcases
        .iter()
        .filter_map(|t| t.time_seconds)
        .collect();
    match want {
        Value::Null if times.is_empty() => Ok(()),
        Value::Null => Err(format!("times {times:?}, expected none readable")),
        Value::Number(n) => {
            let want = n.as_f64().unwrap_or(f64::NAN);
            if times.is_empty() {
                return Err(format!("no readable time, expected {want}"));
            }
            let got: f64 = times.iter().sum();
            if (got - want).abs() > 1e-9 {
                return Err(format!("total time {got}, expected {want}"));
            }
            Ok(())
        }
        _ => Err("expected a number or null".to_owned()),
    }
}

/// Applies `check` to each `{id: value}` entry; every id must be a test of the run.
fn per_test(
    run: &Run,
    want: &Value,
    check: impl Fn(&TestCase, &Value) -> Result<(), String>,
) -> Result<(), String> {
    let want = want.as_object().ok_or("expected an object {id: ..}")?;
    if want.is_empty() {
        return Err("an empty object checks nothing".to_owned());
    }
    for (id, value) in want {
        let case = run
            .testcases
            .iter()
            .find(|t| &t.key.id() == id)
            .ok_or(format!("no test {id}"))?;
        check(case, value).map_err(|e| format!("{id}: {e}"))?;
    }
    Ok(())
}

fn check_failures(case: &TestCase, want: &Value) -> Result<(), String> {
    let want = want.as_array().ok_or("the failures entry is not a list")?;
    let got: Vec<_> = case.failures().collect();
    if got.len() != want.len() {
        return Err(format!("{} failures, expected {}", got.len(), want.len()));
    }
    for (got, want) in got.iter().zip(want) {
        let want = want.as_object().ok_or("a failure is not an object")?;
        for key in want.keys() {
            if !matches!(key.as_str(), "message" | "type" | "body_starts_with") {
                return Err(format!("unknown failure key \"{key}\""));
            }
        }
        let field = |key: &str| -> Result<Option<&str>, String> {
            match want.get(key) {
                Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s.as_str())),
                _ => Err(format!("failure \"{key}\" must be a string or null")),
            }
        };
        if got.message.as_deref() != field("message")? {
            return Err(format!(
                "message {:?}, expected {:?}",
                got.message,
                field("message")?
            ));
        }
        if got.failure_type.as_deref() != field("type")? {
            return Err(format!(
                "type {:?}, expected {:?}",
                got.failure_type,
                field("type")?
            ));
        }
        let start = field("body_starts_with")?.ok_or("body_starts_with must be a string")?;
        if !got.body.starts_with(start) {
            return Err(format!("body {:?} does not start with {start:?}", got.body));
        }
    }
    Ok(())
}

fn check_diagnostics(want: &Value, got: &[Diagnostic]) -> Result<(), String> {
    let want = want.as_array().ok_or("diagnostics is not a list")?;
    if want.len() != got.len() {
        return Err(format!(
            "{} diagnostics, expected {}: {got:?}",
            got.len(),
            want.len()
        ));
    }
    for (w, g) in want.iter().zip(got) {
        let w = w.as_object().ok_or("a diagnostic is not an object")?;
        for key in w.keys() {
            if !matches!(
                key.as_str(),
                "severity" | "message_contains" | "line" | "column"
            ) {
                return Err(format!("unknown diagnostic key \"{key}\""));
            }
        }
        let severity = match g.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let want_severity = w
            .get("severity")
            .and_then(Value::as_str)
            .ok_or("a diagnostic lacks its severity")?;
        if want_severity != severity {
            return Err(format!("severity of {g}, expected {want_severity}"));
        }
        for (key, got) in [("line", g.line), ("column", g.column)] {
            if let Some(value) = w.get(key) {
                let value = value
                    .as_u64()
                    .ok_or(format!("diagnostic {key} is not a number"))?;
                if u64::from(got) != value {
                    return Err(format!("{key} of {g}, expected {value}"));
                }
            }
        }
        let needle = w
            .get("message_contains")
            .and_then(Value::as_str)
            .ok_or("a diagnostic lacks message_contains")?;
        if !g.message.contains(needle) {
            return Err(format!("message of {g} lacks {needle:?}"));
        }
    }
    Ok(())
}
