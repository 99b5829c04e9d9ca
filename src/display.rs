//! Small pure formatting helpers for the views, built on the core's `format` so the page and
//! the CLI print the same figures. Plain Rust with native unit tests.

use flakelens_core::audit::CriterionStatus;
use flakelens_core::categories::Confidence;
use flakelens_core::format::percent;
use flakelens_core::Analysis;

/// A failure-rate interval such as `25.8%–65.8%`; `n/a` when there is none.
pub fn interval(bounds: Option<[f64; 2]>) -> String {
    match bounds {
        Some([low, high]) => format!("{}–{}", percent(Some(low)), percent(Some(high))),
        None => "n/a".to_owned(),
    }
}

/// A difference of two ratios in signed percentage points with one decimal: `+30.0`, `-40.0`,
/// `0.0`. Rounds as [`percent`] does.
pub fn signed_points(difference: f64) -> String {
    let magnitude = percent(Some(difference.abs()));
    let number = magnitude.trim_end_matches('%');
    let sign = if number == "0.0" {
        ""
    } else if difference < 0.0 {
        "-"
    } else {
        "+"
    };
    format!("{sign}{number}")
}

/// A difference with its interval, `[difference, low, high]`, as `-40.0 pp [-68.7, -3.8]`.
pub fn difference(value: Option<[f64; 3]>) -> String {
    match value {
        Some([d, low, high]) => format!(
            "{} pp [{}, {}]",
            signed_points(d),
            signed_points(low),
            signed_points(high)
        ),
        None => "n/a".to_owned(),
    }
}

/// How a run is named on the page: its 1-based number and its group label, `#3 sequential`.
pub fn run_name(index: usize, label: &str) -> String {
    format!("#{} {label}", index + 1)
}

/// An agreement ratio as the page's `data-agreement` attribute: 4 decimals, or `none`.
pub fn agreement_attr(value: Option<f64>) -> String {
    value.map_or_else(|| "none".to_owned(), |v| format!("{v:.4}"))
}

/// How "hot" a heat-map cell is, as a CSS percentage from 0 (the runs agree on every shared
/// test) to 100 (they agree on half of them or fewer). Agreement between runs of one suite is
/// usually high, so the scale spends its range on the top half.
pub fn heat(agreement: f64) -> u8 {
    let t = ((1.0 - agreement) / 0.5).clamp(0.0, 1.0);
    // In [0, 100] after the clamp, so the cast cannot truncate.
    (t * 100.0).round() as u8
}

/// A criterion's badge text: `PASS`, `FAIL` or `n/a`.
pub fn criterion_badge(status: CriterionStatus) -> &'static str {
    match status {
        CriterionStatus::Pass => "PASS",
        CriterionStatus::Fail => "FAIL",
        CriterionStatus::NotApplicable => "n/a",
    }
}

/// A criterion's CSS class: `pass`, `fail` or `na`.
pub fn criterion_class(status: CriterionStatus) -> &'static str {
    match status {
        CriterionStatus::Pass => "pass",
        CriterionStatus::Fail => "fail",
        CriterionStatus::NotApplicable => "na",
    }
}

/// A match's confidence as its JSON spelling: `low`, `medium` or `high`.
pub fn confidence_label(confidence: Confidence) -> &'static str {
    match confidence {
        Confidence::Low => "low",
        Confidence::Medium => "medium",
        Confidence::High => "high",
    }
}

/// The display name of a category id: from the analysis's category list, else its breakdown
/// row, else the id itself; empty for the empty id (a test that never failed).
pub fn category_name(analysis: &Analysis, id: &str) -> String {
    if id.is_empty() {
        return String::new();
    }
    analysis
        .category_list
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.name.clone())
        .or_else(|| {
            analysis
                .categories
                .iter()
                .find(|r| r.id == id)
                .map(|r| r.name.clone())
        })
        .unwrap_or_else(|| id.to_owned())
}

/// An optional count for a table cell: the number, or `—`.
pub fn optional_count(value: Option<u64>) -> String {
    value.map_or_else(|| "—".to_owned(), |v| v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_and_points() {
        assert_eq!(
            interval(Some([0.258_197_858, 0.657_914_657])),
            "25.8%–65.8%"
        );
        assert_eq!(interval(None), "n/a");
        assert_eq!(signed_points(0.3), "+30.0");
        assert_eq!(signed_points(-0.4), "-40.0");
        assert_eq!(signed_points(-0.000_1), "0.0");
        assert_eq!(
            difference(Some([-0.4, -0.687_326, -0.038_386])),
            "-40.0 pp [-68.7, -3.8]"
        );
        assert_eq!(difference(None), "n/a");
    }

    #[test]
    fn runs_agreement_and_heat() {
        assert_eq!(run_name(0, "sequential"), "#1 sequential");
        assert_eq!(agreement_attr(Some(16.0 / 19.0)), "0.8421");
        assert_eq!(agreement_attr(Some(1.0)), "1.0000");
        assert_eq!(agreement_attr(None), "none");
        assert_eq!(heat(1.0), 0);
        assert_eq!(heat(0.75), 50);
        assert_eq!(heat(0.5), 100);
        assert_eq!(heat(0.0), 100);
    }

    #[test]
    fn badges_and_names() {
        assert_eq!(criterion_badge(CriterionStatus::Pass), "PASS");
        assert_eq!(criterion_badge(CriterionStatus::Fail), "FAIL");
        assert_eq!(criterion_badge(CriterionStatus::NotApplicable), "n/a");
        assert_eq!(criterion_class(CriterionStatus::NotApplicable), "na");
        assert_eq!(confidence_label(Confidence::High), "high");
        assert_eq!(optional_count(Some(4)), "4");
        assert_eq!(optional_count(None), "—");
        let analysis = Analysis::from_runs(&[], Vec::new());
        // The default taxonomy is listed even with no run.
        assert_eq!(
            category_name(&analysis, "network"),
            "External dependency / network"
        );
        assert_eq!(category_name(&analysis, "known-bug"), "known-bug");
        assert_eq!(category_name(&analysis, ""), "");
    }
}
