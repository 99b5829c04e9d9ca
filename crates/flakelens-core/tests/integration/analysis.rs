//! Analysis of small multi-run sets whose expected values are worked out by hand below.

use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, Outcome, Verdict};

fn suite(cases: &str) -> String {
    format!(r#"<testsuites><testsuite name="s">{cases}</testsuite></testsuites>"#)
}

const PASS_A: &str = r#"<testcase classname="K" name="A" time="1"/>"#;
const PASS_B: &str = r#"<testcase classname="K" name="B" time="1"/>"#;
const FAIL_B: &str =
    r#"<testcase classname="K" name="B" time="1"><failure message="b"/></testcase>"#;
const FAIL_C: &str =
    r#"<testcase classname="K" name="C" time="2"><failure message="c1"/></testcase>"#;
const ERROR_C: &str =
    r#"<testcase classname="K" name="C" time="2"><error message="c3" type="IOError"/></testcase>"#;
const SKIP_D: &str = r#"<testcase classname="K" name="D"><skipped/></testcase>"#;
const PASS_E: &str = r#"<testcase classname="K" name="E" time="0.5"/>"#;
const PASS_F: &str = r#"<testcase classname="K" name="F" time="0.5"/>"#;

/// Three runs:
///
/// | test | run 1 | run 2 | run 3 |
/// |------|-------|-------|-------|
/// | A    | pass  | pass  | pass  |
/// | B    | pass  | fail  | pass  |
/// | C    | fail  | fail  | error |
/// | D    | skip  | skip  | skip  |
/// | E    | pass  | pass  |   -   |
/// | F    |   -   |   -   | pass  |
fn three_runs() -> Analysis {
    let runs = [
        suite(&[PASS_A, PASS_B, FAIL_C, SKIP_D, PASS_E].concat()),
        suite(&[PASS_A, FAIL_B, FAIL_C, SKIP_D, PASS_E].concat()),
        suite(&[PASS_A, PASS_B, ERROR_C, SKIP_D, PASS_F].concat()),
    ];
    Analysis::from_reads(
        runs.iter()
            .enumerate()
            .map(|(i, xml)| read_report(&format!("run{}.xml", i + 1), xml.as_bytes())),
    )
}

#[test]
fn verdicts_counts_and_failure_rates() {
    let a = three_runs();
    let by_name = |n: &str| {
        a.tests
            .iter()
            .find(|t| &*t.name == n)
            .unwrap_or_else(|| panic!("test {n} missing"))
    };
    // A: 3 passes of 3 executed -> stable-pass, failure rate 0/3 = 0.
    assert_eq!(by_name("A").verdict, Verdict::StablePass);
    assert_eq!(by_name("A").failure_rate, Some(0.0));
    // B: 2 passes, 1 failure -> flaky, failure rate 1/3.
    assert_eq!(by_name("B").verdict, Verdict::Flaky);
    assert_eq!(by_name("B").counts.passed(), 2);
    assert_eq!(by_name("B").counts.failed(), 1);
    assert_eq!(by_name("B").failure_rate, Some(1.0 / 3.0));
    // C: 2 failures + 1 error, never passed -> broken, failure rate 3/3 = 1.
    assert_eq!(by_name("C").verdict, Verdict::Broken);
    assert_eq!(by_name("C").counts.failed(), 2);
    assert_eq!(by_name("C").counts.errored(), 1);
    assert_eq!(by_name("C").failure_rate, Some(1.0));
    // The first failure shown for C is run 1's.
    let first = by_name("C").first_failure.clone().expect("C failed");
    assert_eq!((first.run, first.message.as_deref()), (0, Some("c1")));
    // D: skipped in all 3 -> skipped, no failure rate (0 executed runs).
    assert_eq!(by_name("D").verdict, Verdict::Skipped);
    assert_eq!(by_name("D").failure_rate, None);
    assert_eq!(by_name("D").counts.skipped(), 3);
    // E: absent from run 3; counts cover the 2 runs it appeared in.
    assert_eq!(
        by_name("E").outcomes,
        vec![Some(Outcome::Passed), Some(Outcome::Passed), None]
    );
    assert_eq!(by_name("E").counts.tests(), 2);
    assert_eq!(
        by_name("F").outcomes,
        vec![None, None, Some(Outcome::Passed)]
    );
}

#[test]
fn tests_are_listed_flaky_first() {
    // Flaky B, broken C, then stable-pass A, E, F (equal failure rate 0, by id), skipped D.
    let analysis = three_runs();
    let order: Vec<&str> = analysis.tests.iter().map(|t| t.name.as_ref()).collect();
    assert_eq!(order, ["B", "C", "A", "E", "F", "D"]);
}

#[test]
fn run_counts_and_times() {
    let a = three_runs();
    // Run 1: A, B, E pass; C fails; D skipped -> 5 tests; 1 + 1 + 2 + 0 + 0.5 = 4.5 s.
    let r1 = a.runs[0].counts;
    assert_eq!(
        (
            r1.tests(),
            r1.passed(),
            r1.failed(),
            r1.errored(),
            r1.skipped()
        ),
        (5, 3, 1, 0, 1)
    );
    assert_eq!(a.runs[0].total_time_seconds, Some(4.5));
    assert_eq!(
        a.tests[0].durations_seconds.iter().collect::<Vec<_>>(),
        vec![Some(1.0), Some(1.0), Some(1.0)]
    );
    // Run 2: A, E pass; B, C fail; D skipped.
    let r2 = a.runs[1].counts;
    assert_eq!((r2.passed(), r2.failed(), r2.skipped()), (2, 2, 1));
    // Run 3: A, B, F pass; C errors; D skipped.
    let r3 = a.runs[2].counts;
    assert_eq!((r3.passed(), r3.errored(), r3.skipped()), (3, 1, 1));
    assert_eq!(a.runs[2].file, "run3.xml");
}

#[test]
fn totals_and_consistency() {
    let t = three_runs().totals;
    assert_eq!((t.runs, t.tests), (3, 6));
    // Executed at least once: A, B, C, E, F (not D).
    assert_eq!(t.executed_tests, 5);
    assert_eq!((t.flaky, t.broken, t.stable_pass, t.skipped), (1, 1, 3, 1));
    // Identical in every run in which it appears: A (3 passes), E (2 passes, absent from run
    // 3) and F (1 pass). B flips; C is failed, failed, errored. 3 of 5 = 0.6.
    assert_eq!(t.consistent_tests, 3);
    assert_eq!(t.consistency, Some(0.6));
}

#[test]
fn same_names_in_two_suites_are_two_tests() {
    // Two browsers as two suites: the same classname and name are two tests.
    let xml = r#"<testsuites>
        <testsuite name="chromium"><testcase classname="Login" name="works"/></testsuite>
        <testsuite name="firefox"><testcase classname="Login" name="works"><failure/></testcase></testsuite>
    </testsuites>"#;
    let a = Analysis::from_reads([read_report("r.xml", xml.as_bytes())]);
    let ids: Vec<&str> = a.tests.iter().map(|t| t.id.as_ref()).collect();
    assert_eq!(ids, ["firefox/Login::works", "chromium/Login::works"]);
    assert_eq!(a.tests[0].verdict, Verdict::Broken);
}

#[test]
fn a_bad_file_does_not_stop_the_others() {
    // One good run, one file that is not XML, one good run: 2 runs, 1 error.
    let good = suite(PASS_A);
    let a = Analysis::from_reads([
        read_report("1.xml", good.as_bytes()),
        read_report("junk.xml", b"Segmentation fault (core dumped)"),
        read_report("2.xml", good.as_bytes()),
    ]);
    assert_eq!(a.totals.runs, 2);
    assert_eq!(a.diagnostics.len(), 1);
    assert_eq!(a.diagnostics[0].file, "junk.xml");
    assert_eq!(a.tests[0].outcomes.len(), 2);
}

#[test]
fn a_repeated_testcase_in_one_suite_is_a_rerun() {
    // B failed, then B passed again in the same suite element (gotestsum --rerun-fails):
    // one test with two attempts, passed on retry; not a failure, counted once.
    let xml = suite(&[FAIL_B, PASS_B].concat());
    let a = Analysis::from_reads([read_report("r.xml", xml.as_bytes())]);
    assert_eq!(a.runs[0].counts.tests(), 1);
    assert_eq!(a.runs[0].counts.passed(), 1);
    assert_eq!(a.runs[0].counts.flaky(), 1);
    assert_eq!(a.tests[0].outcomes, vec![Some(Outcome::Passed)]);
    assert_eq!(
        a.tests[0].attempts.get(0),
        Some(&[Outcome::Failed, Outcome::Passed][..])
    );
    assert_eq!(a.tests[0].attempts.len(), 1);
    assert_eq!(a.tests[0].verdict, Verdict::Flaky);
    assert_eq!(a.tests[0].failure_rate, Some(0.0));
    assert_eq!(a.diagnostics.len(), 1);
    assert!(a.diagnostics[0].message.contains("appears 2 times"));
}

#[test]
fn a_run_of_another_suite_is_pointed_out() {
    // Runs 1 and 2 share test A; run 3 holds only Z, which no other run has.
    let other = r#"<testsuites><testsuite name="other"><testcase classname="K" name="Z"/></testsuite></testsuites>"#;
    let a = Analysis::from_reads([
        read_report("1.xml", suite(PASS_A).as_bytes()),
        read_report("2.xml", suite(PASS_A).as_bytes()),
        read_report("3.xml", other.as_bytes()),
    ]);
    let warnings: Vec<&str> = a.diagnostics.iter().map(|d| d.file.as_str()).collect();
    assert_eq!(warnings, ["3.xml"]);
    assert!(a.diagnostics[0]
        .message
        .starts_with("this run shares no test with the other runs"));
}

#[test]
fn no_runs_give_no_rates() {
    let a = Analysis::from_reads([]);
    assert_eq!(a.totals.runs, 0);
    assert_eq!(a.totals.consistency, None);
    assert!(a.tests.is_empty());
}
