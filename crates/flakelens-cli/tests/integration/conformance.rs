//! Conformance with `../shared`: real JUnit files from public projects (`corpus/junit`, with
//! `EXPECTED.json`) and small shapes that broke other tools (`cases/*.expected.json`). Each
//! file is run through `flakelens analyze FILE --json` and compared with its expected values;
//! the test prints "N/M match" and fails on any mismatch. Without `../shared` it prints that it
//! was skipped and passes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::{Map, Value};

use crate::common::{analyze_json, repo};

fn shared() -> Option<PathBuf> {
    let dir = repo().join("../shared");
    dir.is_dir().then_some(dir)
}

/// What one file's analysis says, in the shape the expectations use.
struct Seen {
    runs: usize,
    errors: usize,
    counts: Map<String, Value>,
    total_time: Option<f64>,
    testcase_elements: Option<u64>,
    /// `classname::name` → (outcome, attempts, flaky in run, time).
    tests: BTreeMap<String, (String, usize, bool, Option<f64>)>,
}

fn seen(file: &std::path::Path) -> Seen {
    let json = analyze_json(&[file.to_str().expect("utf-8 path")]);
    let runs = json["runs"].as_array().cloned().unwrap_or_default();
    let first = runs.first().cloned().unwrap_or(Value::Null);
    let mut tests = BTreeMap::new();
    for t in json["tests"].as_array().into_iter().flatten() {
        let id = format!(
            "{}::{}",
            t["classname"].as_str().unwrap_or(""),
            t["name"].as_str().unwrap_or("")
        );
        tests.insert(
            id,
            (
                t["outcomes"][0].as_str().unwrap_or("absent").to_owned(),
                t["attempts"][0].as_array().map_or(0, Vec::len),
                t["flaky_in_run"][0].as_bool().unwrap_or(false),
                t["durations_seconds"][0].as_f64(),
            ),
        );
    }
    Seen {
        runs: runs.len(),
        errors: json["diagnostics"]
            .as_array()
            .map_or(0, |d| d.iter().filter(|d| d["severity"] == "error").count()),
        counts: first["counts"].as_object().cloned().unwrap_or_default(),
        total_time: first["total_time_seconds"].as_f64(),
        testcase_elements: first["testcase_elements"].as_u64(),
        tests,
    }
}

fn close(a: Option<f64>, b: Option<f64>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => (a - b).abs() < 1e-6,
        (None, None) => true,
        _ => false,
    }
}

/// Compares one expectation (with alternatives already laid over it) to what was seen;
/// returns the differences.
fn differences(e: &Map<String, Value>, s: &Seen) -> Vec<String> {
    let mut bad = Vec::new();
    let is_junit = e.get("is_junit").and_then(Value::as_bool).unwrap_or(true)
        && e.get("must_parse").and_then(Value::as_bool).unwrap_or(true);
    if !is_junit {
        let tests = s.counts.get("tests").and_then(Value::as_u64).unwrap_or(0);
        if tests != 0 || s.errors == 0 {
            bad.push(format!(
                "expected no tests and an error; got {tests} tests, {} errors",
                s.errors
            ));
        }
        return bad;
    }
    if s.runs != 1 {
        bad.push(format!("{} runs, expected 1", s.runs));
        return bad;
    }
    // Count keys, under the corpus's and the cases' spellings.
    for (ours, theirs) in [
        ("tests", &["tests"][..]),
        ("passed", &["passed"]),
        ("failed", &["failed", "failures"]),
        ("errored", &["errored", "errors"]),
        ("skipped", &["skipped"]),
        ("flaky", &["flaky_in_run", "flaky"]),
    ] {
        for key in theirs {
            if let Some(want) = e.get(*key).and_then(Value::as_u64) {
                let got = s.counts.get(ours).and_then(Value::as_u64);
                if got != Some(want) {
                    bad.push(format!("{ours} {got:?} != {want}"));
                }
            }
        }
    }
    if let Some(want) = e.get("testcase_elements").and_then(Value::as_u64) {
        if s.testcase_elements != Some(want) {
            bad.push(format!(
                "testcase_elements {:?} != {want}",
                s.testcase_elements
            ));
        }
    }
    if let Some(want) = e.get("total_time_seconds") {
        let acceptable: Vec<Option<f64>> = match e.get("acceptable_total_time_seconds") {
            Some(Value::Array(list)) => list.iter().map(Value::as_f64).collect(),
            _ => vec![want.as_f64()],
        };
        // A file with no testcase may say 0.0 or null.
        let no_tests = s.counts.get("tests").and_then(Value::as_u64) == Some(0);
        let ok = acceptable.iter().any(|a| close(s.total_time, *a))
            || (no_tests && want.is_null() && close(s.total_time, Some(0.0)));
        if !ok {
            bad.push(format!(
                "total time {:?} not in {acceptable:?}",
                s.total_time
            ));
        }
    }
    for key in ["distinct_ids", "distinct_test_ids"] {
        if let Some(Value::Array(want)) = e.get(key) {
            let want: BTreeSet<&str> = want.iter().filter_map(Value::as_str).collect();
            let got: BTreeSet<&str> = s.tests.keys().map(String::as_str).collect();
            if want != got {
                bad.push(format!("ids {got:?} != {want:?}"));
            }
        }
    }
    if let Some(Value::Object(want)) = e.get("attempts") {
        for (id, n) in want {
            let got = find(s, id).map(|t| t.1);
            if got.map(|g| g as u64) != n.as_u64() {
                bad.push(format!("attempts of {id}: {got:?} != {n}"));
            }
        }
    }
    for key in ["flaky_ids", "flaky_tests"] {
        if let Some(Value::Array(want)) = e.get(key) {
            let want: BTreeSet<&str> = want.iter().filter_map(Value::as_str).collect();
            let got: BTreeSet<&str> = s
                .tests
                .iter()
                .filter(|(_, t)| t.2)
                .map(|(id, _)| id.as_str())
                .collect();
            if want != got {
                bad.push(format!("flaky ids {got:?} != {want:?}"));
            }
        }
    }
    if let Some(Value::Object(want)) = e.get("non_passed_outcomes") {
        for (id, outcome) in want {
            let ours = match outcome.as_str() {
                Some("failure") => "failed",
                Some("error") => "errored",
                Some(other) => other,
                None => "",
            };
            let got = find(s, id).map(|t| t.0.as_str());
            if got != Some(ours) {
                bad.push(format!("outcome of {id}: {got:?} != {ours}"));
            }
        }
        let non_passed = s.tests.values().filter(|t| t.0 != "passed").count();
        if non_passed != want.len() {
            bad.push(format!(
                "{non_passed} non-passed tests, expected {}",
                want.len()
            ));
        }
    }
    if let Some(Value::Object(want)) = e.get("case_status") {
        for (id, status) in want {
            let got = find(s, id).map(|t| t.0.as_str());
            if got != status.as_str() {
                bad.push(format!("status of {id}: {got:?} != {status}"));
            }
        }
    }
    if let Some(Value::Object(want)) = e.get("case_time_seconds") {
        for (id, secs) in want {
            let got = find(s, id).and_then(|t| t.3);
            if !close(got, secs.as_f64()) {
                bad.push(format!("time of {id}: {got:?} != {secs}"));
            }
        }
    }
    if let Some(Value::Object(want)) = e.get("acceptable_case_time_seconds") {
        for (id, options) in want {
            let got = find(s, id).and_then(|t| t.3);
            let ok = options
                .as_array()
                .is_some_and(|o| o.iter().any(|v| close(got, v.as_f64())));
            if !ok {
                bad.push(format!("time of {id}: {got:?} not in {options}"));
            }
        }
    }
    if let Some(id) = e
        .get("testcase_directly_in_outer_suite")
        .and_then(Value::as_str)
    {
        if find(s, id).is_none() {
            bad.push(format!("{id} not found"));
        }
    }
    for (key, name) in [
        ("outcome_testDisabledNotRun", "testDisabledNotRun"),
        ("preferred_outcome_testArithmetic", "testArithmetic"),
    ] {
        if let Some(want) = e.get(key).and_then(Value::as_str) {
            let got = find(s, name).map(|t| t.0.as_str());
            if got != Some(want) {
                bad.push(format!("{name}: {got:?} != {want}"));
            }
        }
    }
    bad
}

/// A test by `classname::name`, or by its bare name when that is unique.
fn find<'a>(s: &'a Seen, id: &str) -> Option<&'a (String, usize, bool, Option<f64>)> {
    if let Some(t) = s.tests.get(id) {
        return Some(t);
    }
    let mut by_name = s
        .tests
        .iter()
        .filter(|(k, _)| k.rsplit_once("::").map(|(_, n)| n) == Some(id));
    match (by_name.next(), by_name.next()) {
        (Some((_, t)), None) => Some(t),
        _ => None,
    }
}

/// The expectation and its acceptable alternatives, as complete expectations. A "reject the
/// whole file" alternative is not accepted where the primary recovers tests.
fn candidates(e: &Map<String, Value>) -> Vec<Map<String, Value>> {
    let mut out = vec![e.clone()];
    let primary_tests = e.get("tests").and_then(Value::as_u64).unwrap_or(0);
    for alt in e
        .get("acceptable_alternatives")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let Some(alt) = alt.as_object() else { continue };
        if alt.get("tests").and_then(Value::as_u64) == Some(0) && primary_tests > 0 {
            continue;
        }
        let mut merged = e.clone();
        merged.remove("acceptable_total_time_seconds");
        merged.extend(alt.clone());
        out.push(merged);
    }
    out
}

fn check(name: &str, file: &std::path::Path, e: &Map<String, Value>) -> Result<(), String> {
    let s = seen(file);
    let mut first = None;
    for candidate in candidates(e) {
        let bad = differences(&candidate, &s);
        if bad.is_empty() {
            return Ok(());
        }
        first.get_or_insert(bad);
    }
    Err(format!("{name}: {}", first.unwrap_or_default().join("; ")))
}

#[test]
fn corpus_and_cases_match_their_expected_results() {
    let Some(shared) = shared() else {
        println!("conformance: skipped, ../shared is not present");
        return;
    };
    let mut total = 0;
    let mut failures = Vec::new();

    let corpus = shared.join("corpus/junit");
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(corpus.join("EXPECTED.json")).expect("EXPECTED.json"),
    )
    .expect("EXPECTED.json is JSON");
    for (name, e) in expected.as_object().expect("an object") {
        let Some(e) = e.as_object().filter(|_| !name.starts_with('_')) else {
            continue;
        };
        total += 1;
        if let Err(why) = check(name, &corpus.join(name), e) {
            failures.push(why);
        }
    }

    let cases = shared.join("cases");
    let mut names: Vec<_> = std::fs::read_dir(&cases)
        .expect("cases/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".expected.json"))
        .collect();
    names.sort();
    for name in names {
        let stem = name.trim_end_matches(".expected.json");
        let input = std::fs::read_dir(&cases)
            .expect("cases/")
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_stem().is_some_and(|s| s == stem)
                    && p.extension().is_some_and(|x| x != "json")
            });
        let Some(input) = input else { continue };
        let e: Value = serde_json::from_str(
            &std::fs::read_to_string(cases.join(&name)).expect("expected file"),
        )
        .expect("expected JSON");
        total += 1;
        if let Err(why) = check(&name, &input, e.as_object().expect("an object")) {
            failures.push(why);
        }
    }

    for f in &failures {
        println!("mismatch: {f}");
    }
    println!("conformance: {}/{total} match", total - failures.len());
    assert!(
        total >= 30,
        "only {total} files found under {}",
        shared.display()
    );
    assert!(
        failures.is_empty(),
        "{} of {total} differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
