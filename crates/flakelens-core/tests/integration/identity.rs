//! Identity options, shard merging and run order.

use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, AnalysisOptions, RunOrder, Severity, SuitePart};

fn read(file: &str, xml: &str) -> flakelens_core::junit::ReadOutput {
    read_report(file, xml.as_bytes())
}

const NESTED: &str = r#"<testsuites name="all"><testsuite name="api">
  <testsuite name="users"><testcase classname="U" name="lists[page-1]" file="u.py"/>
    <testcase classname="U" name="lists[page-2]" file="u.py"><failure/></testcase>
    <testcase name="no_class"/></testsuite></testsuite></testsuites>"#;

#[test]
fn default_identity_is_innermost_suite_classname_name() {
    let a = Analysis::from_reads([read("r.xml", NESTED)]);
    let mut ids: Vec<&str> = a.tests.iter().map(|t| t.id.as_ref()).collect();
    ids.sort();
    // No classname: the suite name stands in.
    assert_eq!(
        ids,
        [
            "users/U::lists[page-1]",
            "users/U::lists[page-2]",
            "users/users::no_class"
        ]
    );
}

#[test]
fn suite_path_file_and_no_classname() {
    let mut options = AnalysisOptions::default();
    options.identity.suite = SuitePart::Path;
    options.identity.include_file = true;
    let a = Analysis::from_reads_with([read("r.xml", NESTED)], &options);
    let mut ids: Vec<&str> = a.tests.iter().map(|t| t.id.as_ref()).collect();
    ids.sort();
    // The path is all › api › users; the file joins it after " @ "; the classname stand-in
    // follows the chosen suite part.
    assert_eq!(
        ids,
        [
            "all › api › users @ u.py/U::lists[page-1]",
            "all › api › users @ u.py/U::lists[page-2]",
            "all › api › users/all › api › users::no_class",
        ]
    );
    let mut options = AnalysisOptions::default();
    options.identity.suite = SuitePart::None;
    options.identity.ignore_classname = true;
    let a = Analysis::from_reads_with([read("r.xml", NESTED)], &options);
    assert!(a.tests.iter().any(|t| &*t.id == "/::no_class"));
}

#[test]
fn stripping_parameters_is_a_reported_collision() {
    let mut options = AnalysisOptions::default();
    options.identity.strip_parameters = true;
    let a = Analysis::from_reads_with([read("r.xml", NESTED)], &options);
    // lists[page-1] (passed) and lists[page-2] (failed) become one test; the worse outcome
    // wins; a warning names both.
    let lists = a
        .tests
        .iter()
        .find(|t| &*t.name == "lists")
        .expect("merged test");
    assert_eq!(lists.counts.failed(), 1);
    assert_eq!(a.totals.tests, 2);
    let warning = a
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Warning)
        .expect("a collision warning");
    assert!(warning
        .message
        .contains("users/U::lists[page-1] and users/U::lists[page-2] both map to users/U::lists"));
}

#[test]
fn shards_merge_into_one_logical_run() {
    // Run 1 in two shards; run 2 whole. t is in shard 1, u in shard 2; nextest-style
    // partitions list the other shard's test as skipped.
    let shard1 = r#"<testsuite name="s"><testcase name="t"/><testcase name="u"><skipped/></testcase></testsuite>"#;
    let shard2 = r#"<testsuite name="s"><testcase name="t"><skipped/></testcase><testcase name="u"><failure/></testcase></testsuite>"#;
    let whole = r#"<testsuite name="s"><testcase name="t"/><testcase name="u"/></testsuite>"#;
    let a = Analysis::from_reads([
        read("run-1/shard-1-of-2.xml", shard1),
        read("run-1/shard-2-of-2.xml", shard2),
        read("run-2/all.xml", whole),
    ]);
    assert_eq!(a.totals.runs, 2);
    assert_eq!(a.runs[0].file, "run-1/shard-*.xml");
    // The executed result wins over the other shard's skip: t passed, u failed in run 1.
    let u = a.tests.iter().find(|t| &*t.name == "u").expect("u");
    assert_eq!(u.counts.failed(), 1);
    assert_eq!(u.counts.skipped(), 0);
    assert_eq!(a.runs[0].counts.tests(), 2);
    assert!(a
        .diagnostics
        .iter()
        .any(|d| d.message.starts_with("2 shards merged")));
}

#[test]
fn runs_ordered_by_timestamp() {
    let at = |ts: &str, outcome: &str| {
        format!(
            r#"<testsuite name="s" timestamp="{ts}"><testcase name="t">{outcome}</testcase></testsuite>"#
        )
    };
    let reads = [
        read("b.xml", &at("2026-01-02T00:00:00Z", "")),
        read("a.xml", &at("2026-01-01T00:00:00Z", "<failure/>")),
        read(
            "c.xml",
            r#"<testsuite name="s"><testcase name="t"/></testsuite>"#,
        ),
    ];
    let options = AnalysisOptions {
        run_order: RunOrder::Timestamp,
        ..AnalysisOptions::default()
    };
    let a = Analysis::from_reads_with(reads, &options);
    let files: Vec<&str> = a.runs.iter().map(|r| r.file.as_str()).collect();
    // a (Jan 1) before b (Jan 2); c has no timestamp and goes last, with a note.
    assert_eq!(files, ["a.xml", "b.xml", "c.xml"]);
    assert!(a
        .diagnostics
        .iter()
        .any(|d| d.message.contains("1 run(s) have no timestamp")));
    // Order matters for the flip rate: F P P has one flip of two.
    assert_eq!(a.tests[0].metrics.flip_rate, Some(0.5));
}

#[test]
fn excluded_runs_are_left_out() {
    let options = AnalysisOptions {
        excluded_runs: vec!["bad.xml".to_owned()],
        ..AnalysisOptions::default()
    };
    let a = Analysis::from_reads_with(
        [
            read(
                "good.xml",
                r#"<testsuite name="s"><testcase name="t"/></testsuite>"#,
            ),
            read(
                "bad.xml",
                r#"<testsuite name="s"><testcase name="t"><failure/></testcase></testsuite>"#,
            ),
        ],
        &options,
    );
    assert_eq!(a.totals.runs, 1);
    assert_eq!(a.totals.flaky, 0);
}
