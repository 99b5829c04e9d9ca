//! The audit document: round trip, bad input, privacy, criteria, merge and Markdown.

use flakelens_core::audit::{
    markdown_summary, merge, Audit, AuditError, Criteria, CriterionStatus, Privacy, SCHEMA,
};
use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, AnalysisOptions};

/// Runs over tests a, b, c: one char per test per run ('P', 'F', 'S', '-' absent).
fn analysis(files: &[(&str, &str)]) -> Analysis {
    let reads = files.iter().map(|(file, outcomes)| {
        let cases: String = ["a", "b", "c"]
            .iter()
            .zip(outcomes.chars())
            .map(|(name, o)| match o {
                'P' => format!(r#"<testcase classname="k" name="{name}" time="0.5"/>"#),
                'F' => format!(
                    r#"<testcase classname="k" name="{name}" time="1"><failure message="boom in {file}" type="AssertionError">trace of {name}</failure><system-out>out</system-out></testcase>"#
                ),
                'S' => format!(r#"<testcase classname="k" name="{name}"><skipped/></testcase>"#),
                _ => String::new(),
            })
            .collect();
        read_report(file, format!(r#"<testsuite name="s">{cases}</testsuite>"#).as_bytes())
    });
    Analysis::from_reads_with(reads, &AnalysisOptions::default())
}

fn four_runs() -> Vec<(&'static str, &'static str)> {
    vec![
        ("r1.xml", "PPS"),
        ("r2.xml", "PFS"),
        ("r3.xml", "PPS"),
        ("r4.xml", "FPS"),
    ]
}

#[test]
fn round_trip_keeps_every_number() {
    let audit = Audit::new(
        analysis(&four_runs()),
        Criteria::default(),
        Privacy::default(),
    );
    let json = audit.to_json();
    let back = Audit::from_json(&json).expect("reads back");
    assert_eq!(back.to_json(), json);
    assert_eq!(back.schema, SCHEMA);
    assert_eq!(back.analysis.totals, audit.analysis.totals);
    assert_eq!(
        back.analysis.tests[0].metrics,
        audit.analysis.tests[0].metrics
    );
    // The per-run detail of b's failure in r2 survives: message, type, trace, output.
    let b = back
        .analysis
        .tests
        .iter()
        .find(|t| &*t.name == "b")
        .expect("b");
    let detail = b.details[1].as_ref().expect("failed in r2");
    assert_eq!(
        detail.attempts[0].message.as_deref(),
        Some("boom in r2.xml")
    );
    assert_eq!(
        detail.attempts[0]
            .trace
            .as_ref()
            .map(|t| t.text())
            .as_deref(),
        Some("trace of b")
    );
    assert_eq!(
        detail.attempts[0]
            .stdout
            .as_ref()
            .map(|t| t.text())
            .as_deref(),
        Some("out")
    );
    assert_eq!((detail.retries, detail.flaky), (0, false));
}

#[test]
fn privacy_leaves_out_messages_and_output() {
    let privacy = Privacy {
        messages: false,
        output: false,
    };
    let audit = Audit::new(analysis(&four_runs()), Criteria::default(), privacy);
    let json = audit.to_json();
    assert!(!json.contains("boom in"), "a message leaked");
    assert!(!json.contains("trace of"), "a trace leaked");
    assert!(!json.contains("\"stdout\""), "output leaked");
    // first_failure keeps only what is needed to rank; it holds the message too, so it goes.
    assert!(json.contains("\"messages\": false"));
}

#[test]
fn unknown_fields_are_kept_at_the_top_and_ignored_below() {
    let audit = Audit::new(
        analysis(&four_runs()),
        Criteria::default(),
        Privacy::default(),
    );
    let mut value: serde_json::Value = serde_json::from_str(&audit.to_json()).expect("json");
    value["x_ci"] = serde_json::json!({"pipeline": 42});
    value["totals"]["x_new_total"] = serde_json::json!(7);
    let back = Audit::from_json(&value.to_string()).expect("unknown fields are fine");
    assert_eq!(
        back.extensions.get("x_ci"),
        Some(&serde_json::json!({"pipeline": 42}))
    );
    assert_eq!(back.extensions.len(), 1);
    assert!(back.to_json().contains("\"x_ci\""));
}

#[test]
fn bad_documents_name_the_json_path() {
    let audit = Audit::new(
        analysis(&four_runs()),
        Criteria::default(),
        Privacy::default(),
    );
    let good: serde_json::Value = serde_json::from_str(&audit.to_json()).expect("json");

    let mut wrong_version = good.clone();
    wrong_version["schema"] = "flakelens-audit/2".into();
    assert_eq!(
        Audit::from_json(&wrong_version.to_string())
            .expect_err("version")
            .to_string(),
        "at schema: expected \"flakelens-audit/1\", found \"flakelens-audit/2\""
    );

    let mut wrong_type = good.clone();
    wrong_type["tests"][1]["metrics"]["failure_rate"] = "high".into();
    match Audit::from_json(&wrong_type.to_string()) {
        Err(AuditError::Invalid { path, message }) => {
            assert_eq!(path, "tests[1].metrics.failure_rate");
            assert!(
                message.contains("invalid type: string \"high\""),
                "{message}"
            );
        }
        other => panic!("{other:?}"),
    }

    assert!(matches!(
        Audit::from_json_limited(&good.to_string(), 100),
        Err(AuditError::TooLarge { limit: 100, .. })
    ));
    assert!(matches!(
        Audit::from_json("{\"schema\": \"flakelens-audit/1\", "),
        Err(AuditError::Invalid { .. })
    ));
}

#[test]
fn criteria_with_hand_worked_values() {
    // Four runs: b fails in r2, a in r4; c always skipped.
    let audit = Audit::new(
        analysis(&four_runs()),
        Criteria::default(),
        Privacy::default(),
    );
    let status = |id: &str| {
        audit
            .criteria
            .iter()
            .find(|c| c.id == id)
            .unwrap_or_else(|| panic!("criterion {id}"))
    };
    // a and b are flaky: 2 > 0.
    assert_eq!(
        (
            status("flaky-tests").actual.as_str(),
            status("flaky-tests").status
        ),
        ("2", CriterionStatus::Fail)
    );
    // 4 runs < 10.
    assert_eq!(
        (status("runs").actual.as_str(), status("runs").status),
        ("4", CriterionStatus::Fail)
    );
    // Executed tests a and b both changed outcome: 0 of 2 identical -> 0.0%.
    assert_eq!(status("consistency").actual, "0.0%");
    // One group only ("all"): not applicable.
    assert_eq!(status("parallel").status, CriterionStatus::NotApplicable);
    assert_eq!(status("markers").status, CriterionStatus::Pass);
    // Worst Wilson high end: 1 failure in 4 runs -> 0.7805 (z = 1.96:
    // centre (0.25 + 0.4802) / 1.9604 = 0.37248, half 1.96 / 1.9604 * sqrt(0.046875 + 0.060025)
    // = 0.32678 -> 0.69926). Above the 30% target.
    let bound = status("failure-rate-bound");
    assert_eq!(
        (bound.actual.as_str(), bound.status),
        ("69.9%", CriterionStatus::Fail)
    );
    assert!(!audit.passed());

    // A clean suite over 10 runs passes every criterion; the bound is 1 - 0.05^(1/10)?
    // No: the Wilson high end for 0 of 10 is z^2 / (n + z^2) = 3.8415 / 13.8415 = 27.8% < 30%.
    let clean: Vec<(String, &str)> = (0..10).map(|i| (format!("r{i}.xml"), "PPP")).collect();
    let refs: Vec<(&str, &str)> = clean.iter().map(|(f, o)| (f.as_str(), *o)).collect();
    let audit = Audit::new(analysis(&refs), Criteria::default(), Privacy::default());
    assert!(audit.passed(), "{:#?}", audit.criteria);
    let bound = audit
        .criteria
        .iter()
        .find(|c| c.id == "failure-rate-bound")
        .expect("bound");
    assert_eq!(bound.actual, "27.8%");
}

#[test]
fn a_criteria_file_and_its_errors() {
    let criteria =
        Criteria::from_json(r#"{"min_runs": 3, "max_flaky_tests": 5, "parallel_agrees": null}"#)
            .expect("valid");
    assert_eq!(criteria.min_runs, Some(3));
    assert_eq!(criteria.parallel_agrees, None);
    // Unset fields keep their defaults.
    assert_eq!(criteria.max_markers, Some(0));
    let err = Criteria::from_json(r#"{"min_runs": "ten"}"#).expect_err("wrong type");
    assert!(err.starts_with("at min_runs: invalid type"), "{err}");
}

#[test]
fn merging_two_halves_gives_the_whole() {
    let runs = four_runs();
    let whole = Audit::new(analysis(&runs), Criteria::default(), Privacy::default());
    let first = Audit::new(
        analysis(&runs[..2]),
        Criteria::default(),
        Privacy::default(),
    );
    let second = Audit::new(
        analysis(&runs[2..]),
        Criteria::default(),
        Privacy::default(),
    );
    let merged = merge(&[first, second]).expect("disjoint runs");
    assert_eq!(merged.analysis.totals, whole.analysis.totals);
    for t in &whole.analysis.tests {
        let m = merged
            .analysis
            .tests
            .iter()
            .find(|u| u.id == t.id)
            .expect("same tests");
        assert_eq!(m.counts, t.counts);
        assert_eq!(m.outcomes, t.outcomes);
        assert_eq!(m.metrics, t.metrics);
        assert_eq!(m.flags, t.flags);
    }
    assert_eq!(merged.criteria, whole.criteria);
}

#[test]
fn merging_refuses_overlaps_and_summaries() {
    let runs = four_runs();
    let a = Audit::new(
        analysis(&runs[..3]),
        Criteria::default(),
        Privacy::default(),
    );
    let b = Audit::new(
        analysis(&runs[2..]),
        Criteria::default(),
        Privacy::default(),
    );
    let err = merge(&[a, b]).expect_err("r3 twice").to_string();
    assert!(
        err.contains("run \"r3.xml\" is in more than one audit"),
        "{err}"
    );
    let summary =
        Audit::from_json(r#"{"schema": "flakelens-audit/1", "summary": {"inventory": []}}"#)
            .expect("summary-only");
    assert!(summary.is_summary_only());
    assert!(merge(&[summary]).is_err());
}

#[test]
fn markdown_escapes_untrusted_names() {
    let reads = [read_report(
        "r.xml",
        br#"<testsuite name="s"><testcase classname="k" name="x|&lt;img src=x onerror=alert(1)&gt;"><failure/></testcase></testsuite>"#,
    )];
    let audit = Audit::new(
        Analysis::from_reads(reads),
        Criteria::default(),
        Privacy::default(),
    );
    let md = markdown_summary(&audit, Some("https://example.invalid/audit"));
    assert!(md.starts_with("## flakelens: ❌ not stable\n"));
    assert!(
        md.contains("| Runs analyzed | ≥ 10 | 1 | ❌ FAIL |"),
        "{md}"
    );
    assert!(!md.contains("<img"), "{md}");
    assert!(md.contains("[Open the full audit](https://example.invalid/audit)"));
}
