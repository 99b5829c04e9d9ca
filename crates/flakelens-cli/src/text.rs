//! The plain-text summary printed by `flakelens analyze`.

use std::io::{self, Write};

use flakelens_core::format::percent;
use flakelens_core::{Analysis, Outcome, Verdict};

/// Writes the summary: totals, then one line per flaky or broken test with its outcome strip.
pub fn write_summary(out: &mut impl Write, analysis: &Analysis) -> io::Result<()> {
    let t = &analysis.totals;
    let consistency = percent(t.consistency);
    writeln!(
        out,
        "{} runs, {} tests: {} flaky, {} broken, {} stable, {} skipped; consistency {consistency} ({} of {} executed tests identical in every run)",
        t.runs, t.tests, t.flaky, t.broken, t.stable_pass, t.skipped, t.consistent_tests, t.executed_tests
    )?;
    let errors = analysis
        .diagnostics
        .iter()
        .filter(|d| d.severity == flakelens_core::Severity::Error)
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
            let strip: String = test.outcomes.iter().map(|o| outcome_char(*o)).collect();
            let rate = percent(test.failure_rate);
            writeln!(out, "  {strip}  {rate:>6} failed  {}", test.id)?;
        }
    }
    writeln!(
        out,
        "\noutcome strip: one character per run: . passed, F failed, E errored, s skipped, - absent"
    )
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
