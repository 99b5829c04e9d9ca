//! The CLI on the committed example runs in `examples/reports`.
//!
//! Two independent sources say what the right answer is: the design of the demo suite
//! (which test carries which planted flakiness source, see `examples/README.md`), and a
//! deliberately naive scan of each report's text that shares no code with the reader.

use serde_json::Value;

use crate::common::{analyze_json, repo};

fn example_files() -> Vec<String> {
    let index = std::fs::read_to_string(repo().join("examples/reports/index.json"))
        .expect("examples/reports/index.json");
    let index: Value = serde_json::from_str(&index).expect("index.json is JSON");
    index["files"]
        .as_array()
        .expect("files[]")
        .iter()
        .map(|f| format!("examples/reports/{}", f.as_str().expect("a path")))
        .collect()
}

/// Counts (tests, passed, failed, errored, skipped) by scanning the text: every
/// `<testcase` up to its end, classified by the result element it contains. Good enough for
/// pytest's simple output, and independent of the reader.
fn naive_counts(xml: &str) -> [u64; 5] {
    let mut counts = [0u64; 5];
    for chunk in xml.split("<testcase ").skip(1) {
        let end = match (chunk.find("/>"), chunk.find('>')) {
            (Some(slash), Some(gt)) if slash + 1 == gt => gt,
            _ => chunk.find("</testcase>").unwrap_or(chunk.len()),
        };
        let body = &chunk[..end];
        counts[0] += 1;
        let slot = if body.contains("<error") {
            3
        } else if body.contains("<failure") {
            2
        } else if body.contains("<skipped") {
            4
        } else {
            1
        };
        counts[slot] += 1;
    }
    counts
}

#[test]
fn run_counts_match_a_naive_scan_of_each_file() {
    let files = example_files();
    assert_eq!(files.len(), 20, "10 sequential and 10 parallel runs");
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let json = analyze_json(&args);
    let runs = json["runs"].as_array().expect("runs[]");
    assert_eq!(runs.len(), 20);
    for (run, file) in runs.iter().zip(&files) {
        assert_eq!(run["file"], file.as_str());
        let text = std::fs::read_to_string(repo().join(file)).expect("report");
        let [tests, passed, failed, errored, skipped] = naive_counts(&text);
        let c = &run["counts"];
        assert_eq!(
            [
                &c["tests"],
                &c["passed"],
                &c["failed"],
                &c["errored"],
                &c["skipped"]
            ],
            [tests, passed, failed, errored, skipped]
                .map(Value::from)
                .each_ref(),
            "{file}"
        );
        assert_eq!(run["partial"], false);
        assert_eq!(run["dialect"], "pytest-xunit2");
    }
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0));
}

#[test]
fn planted_sources_get_the_right_verdicts() {
    let files = example_files();
    let args: Vec<&str> = files.iter().map(String::as_str).collect();
    let json = analyze_json(&args);
    let verdict = |name: &str| -> String {
        let tests = json["tests"].as_array().expect("tests[]");
        let test = tests
            .iter()
            .find(|t| t["name"] == name)
            .unwrap_or_else(|| panic!("no test {name}"));
        assert_eq!(test["outcomes"].as_array().map(Vec::len), Some(20));
        test["verdict"].as_str().unwrap_or("").to_owned()
    };
    // The six planted sources, one test each (examples/README.md).
    for flaky in [
        "test_counter_threads_race",
        "test_event_ack_within_timeout",
        "test_invoice_timestamps_same_second",
        "test_ticket_ids_are_unique",
        "test_default_price_pristine_config",
        "test_peer_echo_without_readiness_check",
    ] {
        assert_eq!(verdict(flaky), "flaky", "{flaky}");
    }
    assert_eq!(verdict("test_page_count_includes_partial_page"), "broken");
    for skipped in [
        "test_refund_via_sandbox",
        "test_named_pipe_transport",
        "test_float_sum_exact",
    ] {
        assert_eq!(verdict(skipped), "skipped", "{skipped}");
    }
    assert_eq!(verdict("test_json_roundtrip"), "stable-pass");
    // The order-dependent test is stable sequentially (runs 1-10) and flips in parallel.
    let tests = json["tests"].as_array().expect("tests[]");
    let pricing = tests
        .iter()
        .find(|t| t["name"] == "test_default_price_pristine_config")
        .expect("pricing test");
    let outcomes: Vec<&str> = pricing["outcomes"]
        .as_array()
        .expect("outcomes")
        .iter()
        .map(|o| o.as_str().unwrap_or("absent"))
        .collect();
    assert!(outcomes[..10].iter().all(|o| *o == "passed"));
    assert!(outcomes[10..].contains(&"failed"));
    // Totals follow from the above: 6 flaky, 1 broken, 3 skipped.
    let totals = &json["totals"];
    assert_eq!(
        (
            &totals["runs"],
            &totals["flaky"],
            &totals["broken"],
            &totals["skipped"]
        ),
        (
            &Value::from(20),
            &Value::from(6),
            &Value::from(1),
            &Value::from(3)
        )
    );
}

#[test]
fn text_summary_names_the_flaky_tests() {
    let files = example_files();
    let mut args = vec!["analyze"];
    args.extend(files.iter().map(String::as_str));
    let out = crate::common::flakelens(&args);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("6 flaky and 1 broken of 19 tests in 20 runs"),
        "{text}"
    );
    assert!(
        text.contains("\n20 runs, 19 tests: 6 flaky, 1 broken, 9 stable, 3 skipped"),
        "{text}"
    );
    assert!(text.contains("test_counter_threads_race"));
    // The order-dependent test fails only in the parallel group: 4 of 10 vs 0 of 10.
    assert!(
        text.contains("parallel-sensitive: fails only in parallel: 4 of 10 vs 0 of 10"),
        "{text}"
    );
}
