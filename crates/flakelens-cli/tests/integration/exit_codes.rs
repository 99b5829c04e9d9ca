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
