//! Root-cause categories on the demo suite, and the CLI's rules file.

use serde_json::Value;

use crate::common::{analyze_json, flakelens};

fn example_args() -> Vec<&'static str> {
    vec!["examples/reports/sequential", "examples/reports/parallel"]
}

#[test]
fn each_planted_source_lands_in_its_category() {
    let json = analyze_json(&example_args());
    let category = |name: &str| -> String {
        let tests = json["tests"].as_array().expect("tests[]");
        let t = tests.iter().find(|t| t["name"] == name).expect("test");
        t["categories"]["primary"].as_str().unwrap_or("").to_owned()
    };
    // The planted sources (examples/README.md) and the category each belongs to.
    for (test, expected) in [
        ("test_event_ack_within_timeout", "async-wait"),
        ("test_counter_threads_race", "concurrency"),
        ("test_invoice_timestamps_same_second", "time"),
        ("test_ticket_ids_are_unique", "non-deterministic-data"),
        ("test_default_price_pristine_config", "test-order"),
        ("test_peer_echo_without_readiness_check", "network"),
        // A plain bug is not explained by any rule.
        ("test_page_count_includes_partial_page", "unknown"),
        // Tests that never failed get no category.
        ("test_json_roundtrip", ""),
    ] {
        assert_eq!(category(test), expected, "{test}");
    }
    // The breakdown lists every default category, zero rows included.
    let rows = json["categories"].as_array().expect("categories[]");
    assert_eq!(rows.len(), 10);
    let row = |id: &str| {
        rows.iter()
            .find(|r| r["id"] == id)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(row("resource-leak")["tests"], 0);
    assert_eq!(row("unknown")["tests"], 1);
    // The async test failed in 9 of its 20 runs (README table: 6 + 3).
    assert_eq!(row("async-wait")["failures"], 9);
}

#[test]
fn a_rules_file_adds_a_category_and_a_bad_pattern_is_an_error() {
    let dir = std::env::temp_dir().join(format!("flakelens-rules-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let good = dir.join("rules.json");
    std::fs::write(
        &good,
        r#"{"categories": [{"id": "known-bug", "name": "Known bug"}],
            "rules": [{"name": "page count", "category": "known-bug", "message": "page_count\\("}]}"#,
    )
    .expect("write");
    let bad = dir.join("bad.json");
    std::fs::write(
        &bad,
        r#"{"rules": [{"name": "broken rule", "category": "x", "body": "[unclosed"}]}"#,
    )
    .expect("write");
    let mut args = example_args();
    args.extend(["--rules", good.to_str().expect("utf-8")]);
    let json = analyze_json(&args);
    let tests = json["tests"].as_array().expect("tests[]");
    let bug = tests
        .iter()
        .find(|t| t["name"] == "test_page_count_includes_partial_page")
        .expect("test");
    assert_eq!(bug["categories"]["primary"], "known-bug");
    assert!(bug["categories"]["matches"][0]["evidence"]
        .as_str()
        .unwrap_or("")
        .starts_with("matched message /page_count(/"));

    let out = flakelens(&[
        "analyze",
        "examples/reports/sequential",
        "--rules",
        bad.to_str().expect("utf-8"),
    ]);
    std::fs::remove_dir_all(&dir).ok();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("rule \"broken rule\": body pattern is invalid"),
        "{stderr}"
    );
}
