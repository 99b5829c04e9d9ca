//! Exit status and error reporting of `flakelens analyze`.

use crate::common::{analyze_json, flakelens};

#[test]
fn no_readable_report_exits_2_with_a_clear_line() {
    let out = flakelens(&["analyze", "no/such/file.xml"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no/such/file.xml: error: cannot read file"),
        "{stderr}"
    );
}

#[test]
fn a_bad_file_is_a_diagnostic_and_the_others_load() {
    let dir = std::env::temp_dir().join(format!("flakelens-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let good = dir.join("good.xml");
    let bad = dir.join("bad.xml");
    std::fs::write(
        &good,
        r#"<testsuite name="s"><testcase name="t"/></testsuite>"#,
    )
    .expect("write");
    std::fs::write(&bad, "<testsuites>\n  <testsuite name=\"s\">\n    <testcase name=\"a\"/>\n    <testcase name=\"b\">\n").expect("write");
    let json = analyze_json(&[good.to_str().expect("utf-8"), bad.to_str().expect("utf-8")]);
    std::fs::remove_dir_all(&dir).ok();
    // Both files give a run: bad.xml keeps its two testcases and is marked partial.
    let runs = json["runs"].as_array().expect("runs[]");
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[1]["partial"], true);
    assert_eq!(runs[1]["counts"]["tests"], 2);
    let d = &json["diagnostics"][0];
    assert!(d["file"].as_str().unwrap_or("").ends_with("bad.xml"));
    // The file ends after the newline of line 4: line 5, column 1.
    assert_eq!(
        (&d["line"], &d["column"], &d["severity"]),
        (&5.into(), &1.into(), &"error".into())
    );
    assert!(d["message"]
        .as_str()
        .unwrap_or("")
        .contains("expected </testcase>"));
}

fn temp_dir(tag: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("flakelens-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// `flakelens analyze -o` of the sequential and the parallel example runs: the audits
/// `dir/seq.EXT` and `dir/par.EXT` (EXT `json` or `json.gz`).
fn example_audits(dir: &std::path::Path, ext: &str) -> (std::path::PathBuf, std::path::PathBuf) {
    let seq = dir.join(format!("seq.{ext}"));
    let par = dir.join(format!("par.{ext}"));
    for (folder, out) in [
        ("examples/reports/sequential", &seq),
        ("examples/reports/parallel", &par),
    ] {
        let status = flakelens(&["analyze", folder, "-o", out.to_str().expect("utf-8")]).status;
        assert_eq!(status.code(), Some(0), "analyze {folder}");
    }
    (seq, par)
}

/// `flakelens merge INPUTS -o OUT`, which must succeed.
fn merge_into(inputs: &[&std::path::Path], out: &std::path::Path) {
    let mut args = vec!["merge"];
    args.extend(inputs.iter().map(|p| p.to_str().expect("utf-8")));
    args.extend(["-o", out.to_str().expect("utf-8")]);
    let done = flakelens(&args);
    assert_eq!(
        done.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&done.stderr)
    );
}

#[test]
fn check_exits_0_when_all_pass_1_when_any_fails_2_on_bad_input() {
    let dir = temp_dir("check");
    // The examples have flaky tests: the default criteria fail.
    let out = flakelens(&[
        "check",
        "examples/reports/sequential",
        "examples/reports/parallel",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("FAIL  Flaky tests: target 0, actual 6"),
        "{stdout}"
    );
    assert!(
        stdout.ends_with("2 of 6 criteria passed, 4 failed\n"),
        "{stdout}"
    );

    // Criteria with only "at least N runs" (the others turned off).
    let min_runs_only = |path: &std::path::Path, runs: u32| {
        std::fs::write(
            path,
            format!(
                r#"{{"max_flaky_tests": null, "min_runs": {runs}, "min_consistency": null,
                    "parallel_agrees": null, "max_markers": null, "max_failure_rate_bound": null}}"#
            ),
        )
        .expect("write");
    };
    // Criteria that the examples meet: only "at least 20 runs".
    let criteria = dir.join("criteria.json");
    min_runs_only(&criteria, 20);
    let c = criteria.to_str().expect("utf-8");
    let out = flakelens(&[
        "check",
        "examples/reports/sequential",
        "examples/reports/parallel",
        "--criteria",
        c,
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );

    // An audit file is checked as written.
    let audit = dir.join("audit.json");
    let a = audit.to_str().expect("utf-8");
    let out = flakelens(&[
        "analyze",
        "examples/reports/sequential",
        "-o",
        a,
        "--criteria",
        c,
    ]);
    assert_eq!(out.status.code(), Some(0));
    // 10 runs < 20: the stored criteria fail.
    assert_eq!(flakelens(&["check", a]).status.code(), Some(1));
    // `--criteria` evaluates other criteria on the audit's analysis: at least 10 runs pass.
    let ten = dir.join("ten.json");
    min_runs_only(&ten, 10);
    let t = ten.to_str().expect("utf-8");
    let out = flakelens(&["check", a, "--criteria", t]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout)
            .contains("PASS  Runs analyzed: target ≥ 10, actual 10"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A criteria file that cannot be read is bad input, for an audit too.
    let out = flakelens(&["check", a, "--criteria", "no/such-criteria.json"]);
    assert_eq!(out.status.code(), Some(2));

    // Bad input: a broken audit, a wrong schema, a bad criteria file, nothing readable.
    let bad = dir.join("bad.json");
    std::fs::write(&bad, r#"{"schema": "flakelens-audit/9"}"#).expect("write");
    let out = flakelens(&["check", bad.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("at schema: expected \"flakelens-audit/1\", found \"flakelens-audit/9\""),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "one clear line: {stderr}");
    std::fs::write(&criteria, r#"{"min_runs": "many"}"#).expect("write");
    let out = flakelens(&["check", "examples/reports/sequential", "--criteria", c]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at min_runs: invalid type"));
    assert_eq!(flakelens(&["check", "no/such.xml"]).status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn merge_of_shards_equals_analyzing_everything() {
    let dir = temp_dir("merge");
    let (seq, par) = example_audits(&dir, "json");
    let all = dir.join("all.json");
    merge_into(&[&seq, &par], &all);
    let merged: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&all).expect("merged")).expect("json");
    let direct = analyze_json(&["examples/reports/sequential", "examples/reports/parallel"]);
    assert_eq!(merged["totals"], direct["totals"]);
    assert_eq!(merged["tests"].as_array().map(Vec::len), Some(19));
    for (m, d) in merged["tests"]
        .as_array()
        .into_iter()
        .flatten()
        .zip(direct["tests"].as_array().into_iter().flatten())
    {
        assert_eq!(
            (&m["id"], &m["counts"], &m["metrics"]),
            (&d["id"], &d["counts"], &d["metrics"])
        );
    }
    // The same audit twice overlaps: exit 2, one line.
    let out = flakelens(&[
        "merge",
        seq.to_str().expect("utf-8"),
        seq.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn gzipped_audits_are_written_merged_and_read_back() {
    let dir = temp_dir("merge-gz");
    let (seq, par) = example_audits(&dir, "json.gz");
    let all = dir.join("all.json.gz");
    for written in [&seq, &par] {
        // gzip's magic bytes (RFC 1952 section 2.3.1), not pretty JSON.
        let bytes = std::fs::read(written).expect("written");
        assert_eq!(&bytes[..2], &[0x1f, 0x8b]);
    }
    merge_into(&[&seq, &par], &all);
    // `check` reads the gzipped merged audit: 20 runs, and the example suite has flaky
    // tests, so a criterion fails (exit 1), not bad input (2).
    let out = flakelens(&["check", all.to_str().expect("utf-8")]);
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("20"), "{table}");
    // A gzip file that holds no audit is refused with the file's name.
    let junk = dir.join("junk.json.gz");
    std::fs::copy(&seq, &junk).expect("copy");
    let mut bytes = std::fs::read(&junk).expect("read");
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&junk, bytes).expect("write");
    let out = flakelens(&[
        "merge",
        junk.to_str().expect("utf-8"),
        par.to_str().expect("utf-8"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("junk.json.gz"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn summary_prints_markdown() {
    let out = flakelens(&[
        "summary",
        "examples/reports/sequential",
        "examples/reports/parallel",
        "--view-url",
        "https://example.invalid/view",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.starts_with("## flakelens: ❌ not stable"));
    assert!(md.contains("| Flaky tests | 0 | 6 | ❌ FAIL |"), "{md}");
    assert!(md.contains("| Async wait / timeout |"), "{md}");
    assert!(md.ends_with("[Open the full audit](https://example.invalid/view)\n"));
}

#[test]
fn a_reader_that_goes_away_is_not_an_error() {
    // `flakelens analyze … --json | head -1`: the pipe closes before the audit is written.
    for args in [
        &["analyze", "examples/reports/sequential", "--json"][..],
        &["analyze", "examples/reports/sequential"][..],
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_flakelens"))
            .args(args)
            .current_dir(crate::common::repo())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        drop(child.stdout.take());
        let out = child.wait_with_output().expect("wait");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn audits_among_several_inputs_are_named_and_no_run_prints_no_summary() {
    let dir = temp_dir("two-audits");
    let (seq, par) = example_audits(&dir, "json.gz");
    for command in ["check", "summary"] {
        let out = flakelens(&[
            command,
            seq.to_str().expect("utf-8"),
            par.to_str().expect("utf-8"),
        ]);
        assert_eq!(out.status.code(), Some(2), "{command}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("seq.json.gz is an audit") && stderr.contains("flakelens merge"),
            "{command}: {stderr}"
        );
    }
    // No readable run: exit 2, the reason on stderr, no empty summary on stdout.
    let out = flakelens(&["analyze", "no/such/file.xml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
#[cfg(target_os = "linux")]
fn an_audit_that_cannot_be_written_exits_2_naming_the_file() {
    // /dev/full takes every open and fails every write (ENOSPC). The audit is written on a
    // second thread (whose ordering of errors the CLI's unit tests check); its error must
    // reach the user, for a plain and for a gzipped audit (a `.gz` link to /dev/full).
    let full = std::path::Path::new("/dev/full");
    assert!(full.exists(), "Linux has /dev/full");
    let dir = temp_dir("full");
    let runs = dir.join("runs");
    let out = flakelens(&[
        "gen",
        "--tests",
        "2000",
        "--runs",
        "5",
        "-o",
        runs.to_str().expect("utf-8"),
    ]);
    assert!(out.status.success(), "{out:?}");
    let gz = dir.join("audit.json.gz");
    std::os::unix::fs::symlink(full, &gz).expect("symlink");
    for target in [full, gz.as_path()] {
        let target = target.to_str().expect("utf-8");
        let out = flakelens(&["analyze", runs.to_str().expect("utf-8"), "-o", target]);
        assert_eq!(out.status.code(), Some(2), "{target}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains(&format!("cannot write {target}: No space left on device")),
            "{stderr}"
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn gen_flat_writes_the_same_tests_in_one_level_of_suites() {
    let dir = temp_dir("gen-flat");
    let (nested, flat) = (dir.join("nested"), dir.join("flat"));
    for (folder, extra) in [(&nested, None), (&flat, Some("--flat"))] {
        let mut args = vec!["gen", "--tests", "300", "--runs", "4", "--seed", "5"];
        args.extend(extra);
        args.extend(["-o", folder.to_str().expect("utf-8")]);
        let out = flakelens(&args);
        assert!(out.status.success(), "{out:?}");
    }
    // One level of suites: no <testsuite> opens before the last one closed.
    let first = std::fs::read_to_string(flat.join("run-001.xml")).expect("a flat run");
    let mut depth = 0i32;
    for line in first.lines().map(str::trim_start) {
        if line.starts_with("<testsuite ") {
            depth += 1;
            assert_eq!(depth, 1, "a nested suite: {line}");
        } else if line.starts_with("</testsuite>") {
            depth -= 1;
        }
    }
    assert_eq!(
        first.matches("<testsuite ").count(),
        8,
        "300 tests are 8 classes"
    );
    // The same tests with the same outcomes: only the suite part of each id differs.
    let tests_of = |folder: &std::path::Path| -> Vec<(String, String, serde_json::Value)> {
        let audit = analyze_json(&[folder.to_str().expect("utf-8")]);
        let mut tests: Vec<_> = audit["tests"]
            .as_array()
            .expect("tests")
            .iter()
            .map(|t| {
                (
                    t["classname"].as_str().expect("a classname").to_owned(),
                    t["name"].as_str().expect("a name").to_owned(),
                    t["outcomes"].clone(),
                )
            })
            .collect();
        tests.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        tests
    };
    let nested_tests = tests_of(&nested);
    assert_eq!(nested_tests.len(), 300);
    assert_eq!(tests_of(&flat), nested_tests);
    std::fs::remove_dir_all(&dir).ok();
}
