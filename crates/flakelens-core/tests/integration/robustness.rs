//! Bad input: it never panics, loses nothing it can keep, and says what happened.

use flakelens_core::input::read_input;
use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, Outcome, Severity};
use proptest::prelude::*;

const GOOD: &str =
    r#"<testsuite name="s"><testcase classname="c" name="t" time="0.1"/></testsuite>"#;

#[test]
fn one_bad_file_among_a_hundred_good_ones() {
    // 100 good runs and 1 truncated file that has no testcase yet: 100 runs, 1 error.
    let mut reads = Vec::new();
    for i in 0..50 {
        reads.extend(read_input(&format!("good-{i}.xml"), GOOD.as_bytes()));
    }
    reads.extend(read_input(
        "bad.xml",
        b"<?xml version='1.0'?><testsuites><testsu",
    ));
    for i in 50..100 {
        reads.extend(read_input(&format!("good-{i}.xml"), GOOD.as_bytes()));
    }
    let analysis = Analysis::from_reads(reads);
    assert_eq!(analysis.totals.runs, 100);
    let errors: Vec<_> = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].file, "bad.xml");
    assert_eq!(analysis.tests[0].counts.passed(), 100);
}

#[test]
fn deep_nesting_is_bounded_not_a_stack_overflow() {
    // 100,000 nested suites: reading stops at 4096 levels with an error, without recursion.
    let depth = 100_000;
    let xml = format!(
        "{}<testcase name='deep'/>{}",
        "<testsuite name='n'>".repeat(depth),
        "</testsuite>".repeat(depth)
    );
    let out = read_report("deep.xml", xml.as_bytes());
    // The only testcase lies below the limit, so nothing is recovered: no run, one error.
    assert!(out.run.is_none());
    assert_eq!(out.diagnostics.len(), 1);
    assert!(out.diagnostics[0].message.contains("deeper than 4096"));
    assert_eq!(out.diagnostics[0].line, 1);
    // The 4097th start tag begins at byte 4096 * 20: column 81921.
    assert_eq!(out.diagnostics[0].column, 4096 * 20 + 1);
}

#[test]
fn entities_are_never_expanded_from_a_doctype() {
    // "Billion laughs": entities declared in the DOCTYPE are not expanded at all.
    let xml = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<testsuite name="s"><testcase classname="c" name="&lol3;"><failure message="&xxe;"/></testcase></testsuite>"#;
    let out = read_report("lolz.xml", xml.as_bytes());
    let run = out.run.expect("a run");
    assert_eq!(&**run.testcases[0].key.name(), "&lol3;");
    let failure = run.testcases[0].failures().next().expect("a failure");
    assert_eq!(failure.message.as_deref(), Some("&xxe;"));
    let messages: Vec<&str> = out.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("<!DOCTYPE> ignored")));
}

#[test]
fn huge_system_out_is_kept_whole_and_never_copied() {
    let out_text = "x".repeat(8 << 20);
    let xml = format!(
        "<testsuite name='s'><testcase name='t'><failure/><system-out>{out_text}</system-out></testcase></testsuite>"
    );
    let run = read_report("big.xml", xml.as_bytes()).run.expect("a run");
    let attempt = &run.testcases[0].attempts[0];
    let kept = attempt.system_out.clone().expect("output kept");
    assert_eq!(kept.len(), 8 << 20);
    assert_eq!(run.testcases[0].outcome, Outcome::Failed);
    // The analysis's per-run detail shares the reader's text instead of copying it.
    let analysis = Analysis::from_runs(std::slice::from_ref(&run), Vec::new());
    let detail = analysis.tests[0].details[0]
        .as_ref()
        .expect("a failing run has details");
    let shared = detail.attempts[0]
        .stdout
        .as_ref()
        .expect("output in the detail");
    assert!(std::sync::Arc::ptr_eq(&shared.to_arc(), &kept));
}

#[test]
fn not_reports_say_so() {
    for (name, bytes) in [
        (
            "nunit.xml",
            &b"<?xml version='1.0'?><test-run><test-case/></test-run>"[..],
        ),
        ("suites.xml", b"<suites><suite><case/></suite></suites>"),
        ("notes.txt", b"just some text\n"),
        ("empty.xml", b""),
        ("binary.bin", &[0u8, 159, 146, 150, 1, 2, 3]),
    ] {
        let out = read_input(name, bytes);
        assert!(out.iter().all(|o| o.run.is_none()), "{name} gave a run");
        let diagnostic = &out[0].diagnostics[0];
        assert_eq!(diagnostic.severity, Severity::Error, "{name}");
        assert!(
            diagnostic.message.contains("not a JUnit report"),
            "{name}: {}",
            diagnostic.message
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// Any bytes give runs or diagnostics, never a panic.
    #[test]
    fn any_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let outputs = read_input("fuzz.xml", &bytes);
        prop_assert!(!outputs.is_empty());
        for output in &outputs {
            prop_assert!(output.run.is_some() || !output.diagnostics.is_empty());
        }
    }

    /// Report-shaped text with random damage never panics, and every run's counts add up.
    #[test]
    fn damaged_reports_never_panic(
        cut in 0usize..400,
        junk in "[<>&;/=\"' a-z\\]\\[!?-]{0,12}",
    ) {
        let xml = r#"<?xml version="1.0" encoding="UTF-8"?><testsuites><testsuite name="s" tests="3"><testcase classname="c" name="a" time="1,5"><failure message="m">body<![CDATA[x]]></failure></testcase><testcase name="b"><skipped/></testcase><testcase classname="c" name="a"><flakyFailure/></testcase></testsuite></testsuites>"#;
        let cut = cut.min(xml.len());
        let damaged = format!("{}{junk}{}", &xml[..cut], &xml[cut..]);
        let analysis = Analysis::from_reads(read_input("d.xml", damaged.as_bytes()));
        for run in &analysis.runs {
            let c = run.counts;
            prop_assert_eq!(c.tests(), c.passed() + c.failed() + c.errored() + c.skipped());
        }
    }
}
