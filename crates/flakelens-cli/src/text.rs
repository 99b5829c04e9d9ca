//! The plain-text summary printed by `flakelens analyze`.

use std::fmt::Write;

use flakelens_core::audit::{Audit, CriterionStatus};
use flakelens_core::format::percent;
use flakelens_core::{Analysis, Outcome, Severity, Verdict};

/// The criteria table of `check`: one line per criterion.
pub fn criteria_table(audit: &Audit) -> String {
    let mut out = String::new();
    for c in &audit.criteria {
        let status = match c.status {
            CriterionStatus::Pass => "PASS",
            CriterionStatus::Fail => "FAIL",
            CriterionStatus::NotApplicable => "n/a ",
        };
        let _ = writeln!(
            out,
            "{status}  {}: target {}, actual {} ({})",
            c.name, c.target, c.actual, c.evidence
        );
    }
    let failed = audit
        .criteria
        .iter()
        .filter(|c| c.status == CriterionStatus::Fail)
        .count();
    let _ = writeln!(
        out,
        "{} of {} criteria passed{}",
        audit
            .criteria
            .iter()
            .filter(|c| c.status == CriterionStatus::Pass)
            .count(),
        audit.criteria.len(),
        if failed > 0 {
            format!(", {failed} failed")
        } else {
            String::new()
        }
    );
    out
}

/// The summary: the claim and totals, the groups, then one line per flaky or broken test
/// with its outcome strip, failure rate, interval and flags.
pub fn summary(analysis: &Analysis) -> String {
    let mut text = String::new();
    // Writing to a String cannot fail.
    let _ = write_summary(&mut text, analysis);
    text
}

fn write_summary(out: &mut String, analysis: &Analysis) -> std::fmt::Result {
    let t = &analysis.totals;
    writeln!(out, "{}.", capitalized(&t.claim))?;
    writeln!(
        out,
        "{} runs, {} tests: {} flaky, {} broken, {} stable, {} skipped; consistency {} ({} of {} executed tests identical in every run)",
        t.runs,
        t.tests,
        t.flaky,
        t.broken,
        t.stable_pass,
        t.skipped,
        percent(t.consistency),
        t.consistent_tests,
        t.executed_tests
    )?;
    if analysis.groups.len() > 1 {
        for g in &analysis.groups {
            writeln!(
                out,
                "  group {}: {} runs, failure rate {} of executions, {} flaky, {} identical",
                g.label,
                g.runs.len(),
                percent(g.failure_rate),
                g.flaky_tests,
                percent(g.identical_share)
            )?;
        }
    }
    let errors = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    if errors > 0 {
        writeln!(
            out,
            "{errors} error(s) in the files; see the diagnostics on stderr"
        )?;
    }
    for verdict in [Verdict::Flaky, Verdict::Broken] {
        let tests: Vec<_> = analysis
            .tests
            .iter()
            .filter(|test| test.verdict == verdict)
            .collect();
        if tests.is_empty() {
            continue;
        }
        writeln!(out, "\n{} ({}):", verdict.as_str(), tests.len())?;
        for test in tests {
            let strip: String = test
                .outcomes
                .iter()
                .zip(&test.flaky_in_run)
                .map(|(o, retried)| if *retried { 'r' } else { outcome_char(*o) })
                .collect();
            let interval = test
                .metrics
                .wilson_95
                .map(|[lo, hi]| format!(" [{}–{}]", percent(Some(lo)), percent(Some(hi))))
                .unwrap_or_default();
            let category = analysis
                .category_list
                .iter()
                .find(|c| c.id == test.categories.primary)
                .map(|c| format!("  [{}]", c.name))
                .unwrap_or_default();
            writeln!(
                out,
                "  {strip}  {:>6}{interval} of runs failed  {}{category}",
                percent(test.failure_rate),
                test.id
            )?;
            for hit in &test.flags {
                writeln!(out, "      {}: {}", hit.flag.name(), hit.rule)?;
            }
        }
    }
    writeln!(
        out,
        "\noutcome strip: one character per run: . passed, r passed on retry, F failed, E errored, s skipped, - absent; [low–high] is the {} Wilson interval of the failure rate; [brackets] at the end: the root-cause category",
        flakelens_core::format::confidence(analysis.options.confidence)
    )
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn outcome_char(outcome: Option<Outcome>) -> char {
    match outcome {
        Some(Outcome::Passed) => '.',
        Some(Outcome::Failed) => 'F',
        Some(Outcome::Errored) => 'E',
        Some(Outcome::Skipped) => 's',
        None => '-',
    }
}
