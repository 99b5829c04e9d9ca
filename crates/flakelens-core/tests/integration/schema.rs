//! The JSON Schema of the audit (`schema/flakelens-audit-1.schema.json`): full audits, the
//! example reports' audit and the hand-written seed summary validate; broken documents do
//! not.
#![expect(
    clippy::disallowed_methods,
    reason = "the tests, unlike the core, read the schema, the examples and the seed audit"
)]

use std::path::{Path, PathBuf};

use flakelens_core::audit::{Audit, Criteria, CriterionStatus, Privacy};
use flakelens_core::junit::read_report;
use flakelens_core::{Analysis, Outcome, Verdict};
use serde_json::{json, Value};

/// The repository root (two levels above this crate).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(relative: &str) -> String {
    let path = root().join(relative);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}

fn schema() -> Value {
    serde_json::from_str(&read("schema/flakelens-audit-1.schema.json")).expect("the schema is JSON")
}

fn validator() -> jsonschema::Validator {
    jsonschema::draft202012::new(&schema()).expect("the schema compiles")
}

/// Every schema error, one per line with its JSON path.
fn errors(validator: &jsonschema::Validator, document: &Value) -> Vec<String> {
    validator
        .iter_errors(document)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect()
}

#[track_caller]
fn assert_valid(validator: &jsonschema::Validator, json: &str) {
    let document: Value = serde_json::from_str(json).expect("the audit is JSON");
    let errors = errors(validator, &document);
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
}

#[track_caller]
fn assert_invalid(validator: &jsonschema::Validator, document: &Value, why: &str) {
    assert!(
        !validator.is_valid(document),
        "the schema accepted a document with {why}"
    );
}

#[test]
fn the_schema_is_a_valid_draft_2020_12_schema() {
    let schema = schema();
    assert!(jsonschema::draft202012::meta::is_valid(&schema));
    assert_eq!(
        schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    assert_eq!(schema["properties"]["schema"]["const"], "flakelens-audit/1");
    assert_eq!(schema["required"], json!(["schema"]));
}

/// One JUnit report: `a` flaky within the run (a `<flakyFailure>` rerun, then a pass), `b`
/// failing in the parallel runs only, `c` erroring in run 2, `d` always skipped, `e` passing.
fn report(label: &str, run: usize) -> String {
    let parallel = label == "parallel";
    let b = if parallel {
        r#"<testcase classname="pkg.Shared" name="b" time="0.2"><failure message="expected 1, found 2" type="AssertionError">at Shared.b(Shared.java:9)</failure><system-out>port 8080 in use</system-out><system-err>warning</system-err></testcase>"#
    } else {
        r#"<testcase classname="pkg.Shared" name="b" time="0.2"/>"#
    };
    let c = if run == 2 {
        r#"<testcase classname="pkg.Db" name="c" time="1.5"><error message="connection refused" type="java.net.ConnectException">stack of c</error></testcase>"#
    } else {
        r#"<testcase classname="pkg.Db" name="c" time="1.25"/>"#
    };
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="suite" tests="5" timestamp="2026-01-0{run}T10:00:00Z" hostname="ci-{label}">
  <properties><property name="workers" value="{workers}"/></properties>
  <testcase classname="pkg.Clock" name="a" time="0.5">
    <flakyFailure message="timed out after 100 ms" type="TimeoutError"><stackTrace>at Clock.a(Clock.java:3)</stackTrace><system-out>retrying</system-out></flakyFailure>
  </testcase>
  {b}
  {c}
  <testcase classname="pkg.Skip" name="d"><skipped message="not on CI"/></testcase>
  <testcase classname="pkg.Ok" name="e" time="0.01"/>
</testsuite>"#,
        workers = if parallel { 4 } else { 1 },
    )
}

/// Five sequential and five parallel runs of [`report`].
fn small_analysis() -> Analysis {
    let mut reads = Vec::new();
    for label in ["sequential", "parallel"] {
        for run in 1..=5 {
            let name = format!("{label}/run-{run}.xml");
            reads.push(read_report(&name, report(label, run).as_bytes()));
        }
    }
    Analysis::from_reads(reads)
}

#[test]
fn a_full_audit_with_reruns_and_details_validates() {
    let validator = validator();
    let audit = Audit::new(small_analysis(), Criteria::default(), Privacy::default());
    // What the documents exercise: attempts and details, errors, skips, groups.
    let a = audit
        .analysis
        .tests
        .iter()
        .find(|t| &*t.name == "a")
        .expect("a");
    let detail = a.details[0].as_ref().expect("a was retried in run 1");
    assert_eq!((detail.retries, detail.flaky), (1, true));
    assert_eq!(detail.attempts[0].status, Outcome::Failed);
    assert_eq!(
        detail.attempts[0].message.as_deref(),
        Some("timed out after 100 ms")
    );
    let b = audit
        .analysis
        .tests
        .iter()
        .find(|t| &*t.name == "b")
        .expect("b");
    assert!(
        b.has_flag(
            &flakelens_core::metrics::test_metrics::Flag::GroupSensitive("parallel".to_owned())
        ),
        "{:?}",
        b.flags
    );
    assert!(audit
        .analysis
        .tests
        .iter()
        .any(|t| t.verdict == Verdict::Skipped));
    assert_eq!(audit.analysis.groups.len(), 2);
    assert!(!audit.analysis.comparisons.is_empty());
    let json = audit.to_json();
    assert!(json.contains("\"retries\": 1"), "{json}");
    assert!(json.contains("\"parallel-sensitive\""), "{json}");
    assert!(json.contains("port 8080 in use"), "{json}");
    assert_valid(&validator, &json);

    // Privacy off: no message, trace or output; still valid.
    let private = Audit::new(
        small_analysis(),
        Criteria::default(),
        Privacy {
            messages: false,
            output: false,
        },
    );
    let json = private.to_json();
    for secret in ["timed out after", "port 8080", "stack of c", "retrying"] {
        assert!(!json.contains(secret), "{secret} leaked");
    }
    assert!(json.contains("\"attempts\": ["), "{json}");
    assert_valid(&validator, &json);

    // What the reader writes back validates too.
    let back = Audit::from_json(&json).expect("reads back");
    assert_valid(&validator, &back.to_json());
}

#[test]
fn the_audit_of_the_example_reports_validates() {
    let index: Value =
        serde_json::from_str(&read("examples/reports/index.json")).expect("index.json is JSON");
    let files = index["files"].as_array().expect("files");
    assert_eq!(files.len(), 20);
    let reads = files.iter().map(|f| {
        let name = f.as_str().expect("a file name");
        read_report(name, read(&format!("examples/reports/{name}")).as_bytes())
    });
    let audit = Audit::new(
        Analysis::from_reads(reads),
        Criteria::default(),
        Privacy::default(),
    );
    assert_eq!(audit.analysis.runs.len(), 20);
    assert!(audit.analysis.totals.flaky > 0);
    assert_valid(&validator(), &audit.to_json());
}

#[test]
fn the_seed_summary_audit_loads_and_validates() {
    let text = read("examples/audits/seed-summary.json");
    let validator = validator();
    assert_valid(&validator, &text);
    let audit = Audit::from_json(&text).expect("the seed audit loads");
    assert!(audit.is_summary_only());
    assert!(audit.passed());
    assert_eq!(audit.criteria.len(), 5);
    assert!(audit
        .criteria
        .iter()
        .all(|c| c.status == CriterionStatus::Pass));
    let summary = audit.summary.as_ref().expect("summary");
    assert_eq!(summary.categories.len(), 6);
    assert!(summary.categories.iter().all(|c| c.tests == 0));
    assert!(summary.categories.iter().all(|c| !c.note.is_empty()));
    assert_eq!(summary.markers, Some(0));
    assert!(summary
        .inventory
        .iter()
        .any(|r| r.area == "Governance" && r.tests == 100));
    assert_eq!(summary.stability.len(), 3);
    assert!(summary
        .stability
        .iter()
        .any(|s| s.workers == Some(4) && s.result == "all pass"));
    assert!(summary
        .stability
        .iter()
        .any(|s| s.runs == Some(10) && s.consistency == Some(1.0)));
    // Written back (with every default filled in), it still validates.
    assert_valid(&validator, &audit.to_json());
}

#[test]
fn the_schema_rejects_broken_documents() {
    let validator = validator();
    let audit = Audit::new(small_analysis(), Criteria::default(), Privacy::default());
    let good: Value = serde_json::from_str(&audit.to_json()).expect("JSON");
    assert!(validator.is_valid(&good));

    let mut wrong_schema = good.clone();
    wrong_schema["schema"] = json!("flakelens-audit/2");
    assert_invalid(&validator, &wrong_schema, "another schema version");
    assert!(Audit::from_json(&wrong_schema.to_string()).is_err());

    let mut missing_schema = good.clone();
    missing_schema
        .as_object_mut()
        .expect("an object")
        .remove("schema");
    assert_invalid(&validator, &missing_schema, "no schema field");
    assert!(Audit::from_json(&missing_schema.to_string()).is_err());

    let mut rate = good.clone();
    rate["tests"][0]["failure_rate"] = json!(1.5);
    assert_invalid(&validator, &rate, "a failure rate of 1.5");
    let mut rate = good.clone();
    rate["tests"][0]["metrics"]["failure_rate"] = json!(1.5);
    assert_invalid(&validator, &rate, "a metrics failure rate of 1.5");

    let mut verdict = good.clone();
    verdict["tests"][0]["verdict"] = json!("wobbly");
    assert_invalid(&validator, &verdict, "the verdict \"wobbly\"");
    assert!(Audit::from_json(&verdict.to_string()).is_err());

    let mut wilson = good.clone();
    wilson["tests"][0]["metrics"]["wilson_95"] = json!([0.1, 0.2, 0.3]);
    assert_invalid(&validator, &wilson, "a three-item Wilson interval");

    let mut criteria = good.clone();
    criteria["criteria_config"]["max_flakes"] = json!(1);
    assert_invalid(&validator, &criteria, "an unknown criteria field");
    assert!(Audit::from_json(&criteria.to_string()).is_err());

    // Unknown top-level fields are allowed, as the reader keeps them.
    let mut extended = good;
    extended["x_team"] = json!({"owner": "qa"});
    assert!(validator.is_valid(&extended));
    let back = Audit::from_json(&extended.to_string()).expect("reads");
    assert_eq!(back.extensions["x_team"], json!({"owner": "qa"}));

    // The smallest documents.
    assert!(validator.is_valid(&json!({"schema": "flakelens-audit/1"})));
    assert!(validator.is_valid(&json!({"schema": "flakelens-audit/1", "summary": {}})));
}
