//! Run-level signals that categorize tests when their messages say nothing.

use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, AnalysisOptions, TestSummary};

fn test<'a>(a: &'a Analysis, name: &str) -> &'a TestSummary {
    a.tests.iter().find(|t| &*t.name == name).expect("test")
}

fn case(name: &str, failed: bool) -> String {
    if failed {
        format!(
            r#"<testcase classname="k" name="{name}"><failure message="assert False"/></testcase>"#
        )
    } else {
        format!(r#"<testcase classname="k" name="{name}"/>"#)
    }
}

#[test]
fn failing_with_many_others_is_systemic() {
    // 10 tests; in runs 1 and 3 all of them fail (the network went away); t0 fails only
    // then. Each time 9 others of 10 executed failed: >= 5 and >= 30%.
    let reads = (0..4).map(|r| {
        let all_fail = r % 2 == 1;
        let cases: String = (0..10).map(|i| case(&format!("t{i}"), all_fail)).collect();
        read_report(
            &format!("r{r}.xml"),
            format!("<testsuite name='s'>{cases}</testsuite>").as_bytes(),
        )
    });
    let a = Analysis::from_reads(reads);
    let t0 = test(&a, "t0");
    assert_eq!(t0.categories.primary, "infrastructure");
    assert_eq!(t0.categories.matches[0].rule, "co-failure-with-many-tests");
    assert_eq!(
        t0.categories.matches[0].evidence,
        "in 2 of its 2 failing runs, at least 5 other tests and 30% of the executed tests failed too"
    );
}

#[test]
fn failures_contiguous_in_time() {
    // Timestamps in hours 0..6; t fails in hours 2, 3, 4 only, u passes throughout.
    let reads = (0..6).map(|h| {
        let xml = format!(
            "<testsuite name='s' timestamp='2026-03-08T0{h}:00:00Z'>{}{}</testsuite>",
            case("t", (2..=4).contains(&h)),
            case("u", false)
        );
        read_report(&format!("r{h}.xml"), xml.as_bytes())
    });
    let a = Analysis::from_reads(reads);
    let t = test(&a, "t");
    assert_eq!(t.categories.primary, "time");
    assert_eq!(
        t.signals.as_ref().and_then(|s| s.time_cluster.as_deref()),
        Some("failed in all 3 runs between 2026-03-08T02:00:00Z and 2026-03-08T04:00:00Z, passed before and after")
    );
    // A failing test no signal speaks for holds none, and its JSON names none.
    let reads = (0..6).map(|h| {
        let xml = format!("<testsuite name='s'>{}</testsuite>", case("t", h % 2 == 0));
        read_report(&format!("r{h}.xml"), xml.as_bytes())
    });
    let a = Analysis::from_reads(reads);
    let t = test(&a, "t");
    assert_eq!(t.counts.failures(), 3);
    assert!(t.signals.is_none(), "{:?}", t.signals);
    let mut json = serde_json::to_value(t).expect("serializes");
    assert!(json.get("signals").is_none(), "{json}");
    // Empty signals written by hand read as none, as the analysis holds them.
    json["signals"] = serde_json::json!({});
    let back: TestSummary = serde_json::from_value(json).expect("deserializes");
    assert!(back.signals.is_none());
    assert_eq!(&back, t);
}

#[test]
fn position_in_the_run_decides() {
    // Four tests per run. t ran last (position 3 of 4 = 75%) when it failed, first (0%)
    // when it passed.
    let runs = [(true, false), (false, true), (true, false), (false, true)];
    let reads = runs.iter().enumerate().map(|(r, &(first, failed))| {
        let others: String = ["a", "b", "c"].iter().map(|n| case(n, false)).collect();
        let cases = if first {
            format!("{}{others}", case("t", failed))
        } else {
            format!("{others}{}", case("t", failed))
        };
        read_report(
            &format!("r{r}.xml"),
            format!("<testsuite name='s'>{cases}</testsuite>").as_bytes(),
        )
    });
    let a = Analysis::from_reads(reads);
    let t = test(&a, "t");
    assert_eq!(t.categories.primary, "test-order");
    assert_eq!(t.categories.matches[0].rule, "position-in-run-decides");
    assert_eq!(
        t.signals.as_ref().and_then(|s| s.order_position.as_deref()),
        Some("it ran later in the run whenever it failed (positions 75.0%–75.0% of the run) and earlier whenever it passed (0.0%–0.0%)")
    );
}

#[test]
fn failing_only_in_parallel_runs_is_isolation() {
    let reads = (0..6).map(|r| {
        let label = if r < 3 { "sequential" } else { "parallel" };
        let xml = format!("<testsuite name='s'>{}</testsuite>", case("t", r >= 4));
        read_report(&format!("{label}/r{r}.xml"), xml.as_bytes())
    });
    let a = Analysis::from_reads_with(reads, &AnalysisOptions::default());
    let t = test(&a, "t");
    assert_eq!(t.categories.primary, "test-order");
    assert_eq!(t.categories.matches[0].rule, "fails-in-parallel-only");
    assert!(t.categories.matches[0]
        .evidence
        .starts_with("fails only in parallel: 2 of 3 vs 0 of 3 in sequential"));
}

#[test]
fn the_suite_tree_has_metrics_at_each_level() {
    let xml = r#"<testsuite name="pytest">
        <testcase classname="tests.api.test_users" name="a"><failure/></testcase>
        <testcase classname="tests.api.test_users" name="b"/>
        <testcase classname="tests.ui.test_login" name="c"/></testsuite>"#;
    let a = Analysis::from_reads([read_report("r.xml", xml.as_bytes())]);
    let root = &a.suite_tree;
    assert_eq!((root.tests, root.failures), (3, 1));
    let tests = &root.children[0].children[0];
    assert_eq!(tests.name, "tests");
    let api = tests
        .children
        .iter()
        .find(|c| c.name == "api")
        .expect("api");
    assert_eq!(
        (api.tests, api.failures, api.failure_rate),
        (2, 1, Some(0.5))
    );
}
