//! The audit as Markdown, for a pull-request comment.

use super::{Audit, CriterionStatus};
use crate::analysis::Verdict;
use crate::format::percent;

/// Escapes text for a Markdown table cell: pipes, and characters that start HTML or
/// formatting, so a test name cannot inject markup into the comment.
fn cell(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' | '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(c);
            }
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// Markdown for a pull-request comment: the claim, the criteria table, the flaky and broken
/// tests with their rule and category, and links to the hosted view when given.
pub fn markdown_summary(audit: &Audit, view_url: Option<&str>) -> String {
    let mut md = String::new();
    let passed = audit.passed();
    md.push_str(&format!(
        "## flakelens: {}\n\n",
        if passed {
            "✅ stable"
        } else {
            "❌ not stable"
        }
    ));
    let claim = &audit.analysis.totals.claim;
    if !claim.is_empty() {
        md.push_str(&format!("{}.\n\n", cell(claim)));
    }
    if !audit.criteria.is_empty() {
        md.push_str("| Criterion | Target | Actual | Status |\n|---|---|---|---|\n");
        for c in &audit.criteria {
            let status = match c.status {
                CriterionStatus::Pass => "✅ PASS",
                CriterionStatus::Fail => "❌ FAIL",
                CriterionStatus::NotApplicable => "n/a",
            };
            md.push_str(&format!(
                "| {} | {} | {} | {status} |\n",
                cell(&c.name),
                cell(&c.target),
                cell(&c.actual)
            ));
        }
        md.push('\n');
    }
    let names: std::collections::HashMap<&str, &str> = audit
        .analysis
        .category_list
        .iter()
        .map(|c| (c.id.as_str(), c.name.as_str()))
        .collect();
    let unstable: Vec<_> = audit
        .analysis
        .tests
        .iter()
        .filter(|t| matches!(t.verdict, Verdict::Flaky | Verdict::Broken))
        .collect();
    if !unstable.is_empty() {
        md.push_str("| Test | Verdict | Failure rate | Rule | Category |\n|---|---|---|---|---|\n");
        for t in unstable.iter().take(50) {
            let rule = t
                .flags
                .iter()
                .map(|f| format!("{}: {}", f.flag.name(), f.rule))
                .collect::<Vec<_>>()
                .join("; ");
            let category = names
                .get(t.categories.primary.as_str())
                .copied()
                .unwrap_or(t.categories.primary.as_str());
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} |\n",
                cell(&t.id),
                t.verdict.as_str(),
                percent(t.failure_rate),
                cell(&rule),
                cell(category)
            ));
        }
        if unstable.len() > 50 {
            md.push_str(&format!("\n…and {} more.\n", unstable.len() - 50));
        }
        md.push('\n');
    }
    if let Some(url) = view_url {
        md.push_str(&format!("[Open the full audit]({url})\n"));
    }
    md
}
