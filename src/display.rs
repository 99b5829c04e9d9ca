//! Small pure formatting helpers for the views, built on the core's `format` so the page and
//! the CLI print the same figures. Plain Rust with native unit tests.

use std::rc::Rc;

use flakelens_core::audit::CriterionStatus;
use flakelens_core::categories::Confidence;
use flakelens_core::format::{percent, seconds};
use flakelens_core::{Analysis, Outcome, TestSummary};

// The hash routes. Declared here rather than in `main.rs` (which the loading work owned while
// the views were built), so that `cargo test` runs its unit tests natively; it can move to
// `main.rs` as `mod route;` (then `crate::display::route` becomes `crate::route`).
#[path = "route.rs"]
pub mod route;

/// An analysis shared between components, compared by identity so that re-renders are cheap.
#[derive(Clone)]
pub struct SharedAnalysis(pub Rc<Analysis>);

impl PartialEq for SharedAnalysis {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// One value made from an analysis, kept across components mounting and unmounting until
/// another analysis asks (the filter bar's chip counts, the clusters' list): see
/// [`per_analysis`]. The `Weak` keeps the analysis's allocation, so a pointer match is that
/// analysis.
#[cfg(target_arch = "wasm32")]
pub type PerAnalysis<T> = std::cell::RefCell<Option<(std::rc::Weak<Analysis>, T)>>;

/// The value `slot` holds for `analysis`, else `make`'s, kept there for the next call.
#[cfg(target_arch = "wasm32")]
pub fn per_analysis<T: Clone>(
    slot: &'static std::thread::LocalKey<PerAnalysis<T>>,
    analysis: &Rc<Analysis>,
    make: impl FnOnce() -> T,
) -> T {
    slot.with(|slot| {
        let mut slot = slot.borrow_mut();
        if let Some((of, value)) = &*slot {
            if std::rc::Weak::ptr_eq(of, &Rc::downgrade(analysis)) {
                return value.clone();
            }
        }
        let value = make();
        *slot = Some((Rc::downgrade(analysis), value.clone()));
        value
    })
}

impl std::ops::Deref for SharedAnalysis {
    type Target = Analysis;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

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

/// One line of a line diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffLine {
    /// In both texts.
    Same(String),
    /// Only in the first text.
    Removed(String),
    /// Only in the second text.
    Added(String),
}

/// Lines compared per text at most; longer texts are cut (the diff is for reading).
pub const DIFF_MAX_LINES: usize = 400;

/// A line diff of `a` and `b` by longest common subsequence: shared lines in order, with the
/// lines only in `a` (removed) before the lines only in `b` (added) at each change.
pub fn line_diff(a: &str, b: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = a.lines().take(DIFF_MAX_LINES).collect();
    let b: Vec<&str> = b.lines().take(DIFF_MAX_LINES).collect();
    let (n, m) = (a.len(), b.len());
    // lcs[i][j]: the length of the longest common subsequence of a[i..] and b[j..].
    let mut lcs = vec![vec![0u16; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::with_capacity(n.max(m));
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    let flush =
        |out: &mut Vec<DiffLine>, removed: &mut Vec<DiffLine>, added: &mut Vec<DiffLine>| {
            out.append(removed);
            out.append(added);
        };
    while i < n || j < m {
        if i < n && j < m && a[i] == b[j] {
            flush(&mut out, &mut removed, &mut added);
            out.push(DiffLine::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if j < m && (i == n || lcs[i][j + 1] >= lcs[i + 1][j]) {
            added.push(DiffLine::Added(b[j].to_owned()));
            j += 1;
        } else {
            removed.push(DiffLine::Removed(a[i].to_owned()));
            i += 1;
        }
    }
    flush(&mut out, &mut removed, &mut added);
    out
}

/// A failing run's text: its run index, the first failed attempt's type, message and trace.
#[derive(Clone, Debug, PartialEq)]
pub struct FailureText {
    /// Index into the analysis's runs.
    pub run: usize,
    /// `type: message`, `message`, `type` or `(no message)`.
    pub headline: String,
    /// The stack trace, if the report gave one.
    pub trace: Option<String>,
}

/// The message of the first failed attempt of every run in which `test` failed or was
/// retried, in run order.
pub fn failure_texts(test: &TestSummary) -> Vec<FailureText> {
    test.details
        .iter()
        .enumerate()
        .filter_map(|(run, detail)| {
            let attempt = detail
                .as_ref()?
                .attempts
                .iter()
                .find(|a| a.status.is_failure())?;
            let headline = match (&attempt.failure_type, &attempt.message) {
                (Some(t), Some(m)) => format!("{t}: {m}"),
                (Some(t), None) => t.to_string(),
                (None, Some(m)) => m.to_string(),
                (None, None) => "(no message)".to_owned(),
            };
            Some(FailureText {
                run,
                headline,
                trace: attempt.trace.as_ref().map(|t| t.text().into_owned()),
            })
        })
        .collect()
}

/// The distinct failure headlines with the runs that gave each, in order of first appearance.
pub fn distinct_headlines(texts: &[FailureText]) -> Vec<(String, Vec<usize>)> {
    let mut out: Vec<(String, Vec<usize>)> = Vec::new();
    for t in texts {
        match out.iter_mut().find(|(h, _)| *h == t.headline) {
            Some((_, runs)) => runs.push(t.run),
            None => out.push((t.headline.clone(), vec![t.run])),
        }
    }
    out
}

/// Backslash-escapes Markdown's special characters (CommonMark lets any ASCII punctuation be
/// escaped) and folds line breaks into spaces, so untrusted text stays one plain line: no
/// links, images, HTML, emphasis, table cells or mentions.
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '{' | '}' | '[' | ']' | '<' | '>' | '(' | ')' | '#' | '+'
            | '-' | '.' | '!' | '|' | '~' | '@' | '&' => {
                out.push('\\');
                out.push(c);
            }
            '\r' | '\n' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The longest run of backticks in `text`.
fn longest_backtick_run(text: &str) -> usize {
    let (mut longest, mut current) = (0, 0);
    for c in text.chars() {
        if c == '`' {
            current += 1;
            longest = longest.max(current);
        } else {
            current = 0;
        }
    }
    longest
}

/// `text` as a Markdown code span on one line, fenced with more backticks than it holds.
pub fn md_code(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    let fence = "`".repeat(longest_backtick_run(&one_line) + 1);
    let pad = if one_line.starts_with('`') || one_line.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{one_line}{pad}{fence}")
}

/// `text` as a fenced code block with `info` (`text`, `diff`), fenced with more backticks than
/// it holds so it cannot close the block early.
pub fn md_block(info: &str, text: &str) -> String {
    let fence = "`".repeat((longest_backtick_run(text) + 1).max(3));
    let body = text.trim_end_matches(['\n', '\r']);
    format!("{fence}{info}\n{body}\n{fence}\n")
}

/// A GitHub-style issue about one test, in Markdown: what it is, how often it fails, its
/// category, every run's outcome, the first failure and the lines that differ between the
/// failing runs' messages. Every text from a report is escaped or fenced.
pub fn markdown_issue(analysis: &Analysis, test: &TestSummary) -> String {
    let mut md = String::new();
    let kind = match test.verdict.as_str() {
        "flaky" => "Flaky test",
        "broken" => "Broken test",
        _ => "Test",
    };
    md.push_str(&format!("## {kind}: {}\n\n", md_escape(&test.name)));
    md.push_str(&format!("- **Test id:** {}\n", md_code(&test.id)));
    md.push_str(&format!("- **Verdict:** {}\n", test.verdict.as_str()));
    md.push_str(&format!(
        "- **Failures:** {} of {} executed runs ({}; 95% interval {})\n",
        test.counts.failures(),
        test.counts.executed(),
        percent(test.failure_rate),
        interval(test.metrics.wilson_95)
    ));
    if !test.categories.primary.is_empty() {
        let name = category_name(analysis, &test.categories.primary);
        match test.categories.matches.first() {
            Some(m) => md.push_str(&format!(
                "- **Category:** {} (rule {}, {} confidence)\n",
                md_escape(&name),
                md_code(&m.rule),
                confidence_label(m.confidence)
            )),
            None => md.push_str(&format!("- **Category:** {}\n", md_escape(&name))),
        }
    }
    if !test.flags.is_empty() {
        let flags: Vec<String> = test.flags.iter().map(|f| md_code(&f.flag.name())).collect();
        md.push_str(&format!("- **Flags:** {}\n", flags.join(", ")));
    }
    md.push_str("\n### Runs\n\n| Run | File | Outcome | Attempts | Duration |\n| --- | --- | --- | --- | --- |\n");
    for (i, run) in analysis.runs.iter().enumerate() {
        let outcome = test.outcomes.get(i).copied().flatten();
        let attempts: Vec<&str> = test
            .attempts
            .get(i)
            .map(|a| a.iter().map(|o| o.as_str()).collect())
            .unwrap_or_default();
        let duration = test
            .durations_seconds
            .get(i)
            .map_or_else(|| "—".to_owned(), seconds);
        md.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            md_escape(&run_name(i, &run.label)),
            md_escape(&run.file),
            outcome.map_or("absent", Outcome::as_str),
            if attempts.is_empty() {
                "—".to_owned()
            } else {
                attempts.join(" → ")
            },
            duration
        ));
    }
    let texts = failure_texts(test);
    if let Some(first) = texts.first() {
        let run = analysis
            .runs
            .get(first.run)
            .map_or("", |r| r.label.as_str());
        md.push_str(&format!(
            "\n### First failure ({})\n\n",
            md_escape(&run_name(first.run, run))
        ));
        md.push_str(&md_block("text", &first.headline));
        if let Some(trace) = &first.trace {
            md.push_str("\n<details><summary>Stack trace</summary>\n\n");
            md.push_str(&md_block("text", trace));
            md.push_str("\n</details>\n");
        }
    }
    let distinct = distinct_headlines(&texts);
    if distinct.len() > 1 {
        md.push_str("\n### Lines that differ between failing runs\n\n");
        let base = &distinct[0].0;
        let mut diff = String::new();
        for (other, _) in distinct.iter().skip(1).take(5) {
            for line in line_diff(base, other) {
                match line {
                    DiffLine::Same(_) => {}
                    DiffLine::Removed(l) => diff.push_str(&format!("- {l}\n")),
                    DiffLine::Added(l) => diff.push_str(&format!("+ {l}\n")),
                }
            }
        }
        md.push_str(&md_block("diff", &diff));
    }
    md.push_str(&format!(
        "\n_From flakelens, over {} runs._\n",
        analysis.runs.len()
    ));
    md
}

/// An outcome's name, `absent` where the test is not in the run.
pub fn outcome_name(outcome: Option<Outcome>) -> &'static str {
    outcome.map_or("absent", Outcome::as_str)
}

/// The stretches of consecutive runs with the same outcome, in run order: (first run, how
/// many runs, the outcome's name, `absent` where the test is).
pub fn outcome_stretches(outcomes: &[Option<Outcome>]) -> Vec<(usize, usize, &'static str)> {
    let mut stretches: Vec<(usize, usize, &'static str)> = Vec::new();
    for (i, o) in outcomes.iter().enumerate() {
        let name = outcome_name(*o);
        match stretches.last_mut() {
            Some((_, len, last)) if *last == name => *len += 1,
            _ => stretches.push((i, 1, name)),
        }
    }
    stretches
}

/// The outcomes a cell of a merged strip can show, the first present in its runs winning:
/// a failure is never hidden by the passes around it.
const SHOWN_FIRST: [&str; 5] = ["failed", "errored", "skipped", "absent", "passed"];

/// One cell of an outcome strip with many runs: runs `first..first + runs` and how many of
/// them had each outcome (in [`SHOWN_FIRST`] order, none with 0). It shows the first of them
/// ([`StripCell::shown`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripCell {
    /// The first run (0-based).
    pub first: usize,
    /// How many runs it stands for.
    pub runs: usize,
    /// Runs per outcome name, in [`SHOWN_FIRST`] order, only those with runs (at least one).
    pub counts: Vec<(&'static str, usize)>,
}

impl StripCell {
    /// The outcome it is coloured by: the first of [`SHOWN_FIRST`] among its runs.
    pub fn shown(&self) -> &'static str {
        self.counts.first().map_or("absent", |&(name, _)| name)
    }

    /// More than one outcome among its runs.
    pub fn is_mixed(&self) -> bool {
        self.counts.len() > 1
    }

    /// The outcome of the rest of its runs, drawn above the share it shows: `passed` when
    /// any of them passed, else the next outcome after the one it shows; `None` when it is
    /// not mixed.
    pub fn rest(&self) -> Option<&'static str> {
        if !self.is_mixed() {
            return None;
        }
        let passed = self.counts.iter().any(|(name, _)| *name == "passed");
        Some(if passed { "passed" } else { self.counts[1].0 })
    }

    /// The share of its runs with the outcome it shows, in [0, 1].
    pub fn shown_share(&self) -> f64 {
        let shown = self.counts.first().map_or(0, |&(_, n)| n);
        shown as f64 / self.runs.max(1) as f64
    }
}

/// The cells of an outcome strip of many runs, at most `max_cells` of them (`max_cells` ≥ 1):
/// one per stretch of equal outcomes while there are at most `max_cells` stretches; else the
/// runs in groups of ⌈runs / `max_cells`⌉ (so at most `max_cells` groups, the last one
/// shorter), each showing the first outcome of [`SHOWN_FIRST`] among its runs, and
/// neighbouring groups of one and the same outcome merged. A strip of 500 runs of a test
/// that fails one run in five had about 160 stretches, one element each; the groups keep the
/// elements a row has to a bound whatever the runs, and keep every failure visible.
pub fn strip_cells(outcomes: &[Option<Outcome>], max_cells: usize) -> Vec<StripCell> {
    let stretches = outcome_stretches(outcomes);
    if stretches.len() <= max_cells {
        return stretches
            .into_iter()
            .map(|(first, runs, name)| StripCell {
                first,
                runs,
                counts: vec![(name, runs)],
            })
            .collect();
    }
    let group = outcomes.len().div_ceil(max_cells.max(1));
    let mut cells: Vec<StripCell> = Vec::new();
    for (g, runs) in outcomes.chunks(group).enumerate() {
        let mut per_name = [0usize; SHOWN_FIRST.len()];
        for o in runs {
            let name = outcome_name(*o);
            if let Some(k) = SHOWN_FIRST.iter().position(|n| *n == name) {
                per_name[k] += 1;
            }
        }
        let counts: Vec<(&'static str, usize)> = SHOWN_FIRST
            .iter()
            .zip(per_name)
            .filter(|&(_, n)| n > 0)
            .map(|(&name, n)| (name, n))
            .collect();
        let cell = StripCell {
            first: g * group,
            runs: runs.len(),
            counts,
        };
        match cells.last_mut() {
            Some(last) if !last.is_mixed() && !cell.is_mixed() && last.shown() == cell.shown() => {
                last.runs += cell.runs;
                last.counts[0].1 += cell.runs;
            }
            _ => cells.push(cell),
        }
    }
    cells
}

/// Runs by name, consecutive runs with the same label as one range: `#1–#250 seq, #251 par,
/// #253 par`, or "none". At 500 runs a co-failure cluster of broken tests listed every run
/// one by one. `labels[i]` is run i's label; `indices` ascending.
pub fn run_ranges(indices: &[usize], labels: &[&str]) -> String {
    if indices.is_empty() {
        return "none".to_owned();
    }
    let label = |i: usize| labels.get(i).copied().unwrap_or("");
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for &i in indices {
        match ranges.last_mut() {
            Some((_, last)) if *last + 1 == i && label(*last) == label(i) => *last = i,
            _ => ranges.push((i, i)),
        }
    }
    ranges
        .iter()
        .map(|&(first, last)| match first == last {
            true => run_name(first, label(first)),
            false => format!("#{}–{}", first + 1, run_name(last, label(last))),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The colour theme the user chose with the toggle; without a choice the page follows
/// `prefers-color-scheme`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Theme {
    /// Dark text on light backgrounds.
    Light,
    /// Light text on dark backgrounds.
    Dark,
}

impl Theme {
    /// The `data-theme` value and the localStorage value.
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    /// Reads a stored value.
    pub fn parse(text: &str) -> Option<Theme> {
        match text {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    /// The other theme.
    pub fn flipped(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn themes_are_stored_by_name() {
        for theme in [Theme::Light, Theme::Dark] {
            assert_eq!(Theme::parse(theme.as_str()), Some(theme));
            assert_ne!(theme.flipped(), theme);
            assert_eq!(theme.flipped().flipped(), theme);
        }
        assert_eq!(Theme::parse("dark"), Some(Theme::Dark));
        assert_eq!(Theme::parse("sepia"), None);
    }

    #[test]
    fn runs_named_in_ranges_of_one_label() {
        let labels = ["seq", "seq", "seq", "par", "par", "par"];
        assert_eq!(
            run_ranges(&[0, 1, 2, 3, 4], &labels),
            "#1–#3 seq, #4–#5 par"
        );
        assert_eq!(
            run_ranges(&[0, 2, 3, 5], &labels),
            "#1 seq, #3 seq, #4 par, #6 par"
        );
        assert_eq!(run_ranges(&[4], &labels), "#5 par");
        assert_eq!(run_ranges(&[], &labels), "none");
        // A run past the labels has none.
        assert_eq!(run_ranges(&[6, 7], &labels), "#7–#8 ");
    }

    #[test]
    fn stretches_of_equal_outcomes() {
        let (p, f) = (Some(Outcome::Passed), Some(Outcome::Failed));
        assert_eq!(
            outcome_stretches(&[p, p, f, None, None, p]),
            vec![
                (0, 2, "passed"),
                (2, 1, "failed"),
                (3, 2, "absent"),
                (5, 1, "passed")
            ]
        );
        assert!(outcome_stretches(&[]).is_empty());
    }

    #[test]
    fn strip_cells_are_the_stretches_while_they_fit() {
        let (p, f) = (Some(Outcome::Passed), Some(Outcome::Failed));
        let cells = strip_cells(&[p, p, f, None, None, p], 4);
        let cell = |first, runs, shown| StripCell {
            first,
            runs,
            counts: vec![(shown, runs)],
        };
        assert_eq!(
            cells,
            vec![
                cell(0, 2, "passed"),
                cell(2, 1, "failed"),
                cell(3, 2, "absent"),
                cell(5, 1, "passed")
            ]
        );
        assert!(strip_cells(&[], 4).is_empty());
    }

    #[test]
    fn strip_cells_group_runs_beyond_the_bound_and_keep_every_failure() {
        let (p, f, e, s) = (
            Some(Outcome::Passed),
            Some(Outcome::Failed),
            Some(Outcome::Errored),
            Some(Outcome::Skipped),
        );
        // 23 runs, 3 cells at most: groups of 8, 8 and 7 runs. Group 1 (runs 0-7) has one
        // failure among passes; group 2 (8-15) passes only; group 3 (16-22) has an error, a
        // skip and an absence.
        let mut outcomes = vec![p; 23];
        outcomes[5] = f;
        outcomes[17] = e;
        outcomes[18] = s;
        outcomes[22] = None;
        let cells = strip_cells(&outcomes, 3);
        assert_eq!(
            cells,
            vec![
                StripCell {
                    first: 0,
                    runs: 8,
                    counts: vec![("failed", 1), ("passed", 7)]
                },
                StripCell {
                    first: 8,
                    runs: 8,
                    counts: vec![("passed", 8)]
                },
                StripCell {
                    first: 16,
                    runs: 7,
                    counts: vec![("errored", 1), ("skipped", 1), ("absent", 1), ("passed", 4)]
                },
            ]
        );
        assert_eq!(
            cells.iter().map(StripCell::shown).collect::<Vec<_>>(),
            ["failed", "passed", "errored"]
        );
        assert!(cells[0].is_mixed() && !cells[1].is_mixed());
        assert_eq!(
            (cells[0].rest(), cells[1].rest(), cells[2].rest()),
            (Some("passed"), None, Some("passed"))
        );
        // No pass in a group: the rest is the next outcome.
        let cell = &strip_cells(&[f, s, f, s, s, f], 1)[0];
        assert_eq!(cell.counts, vec![("failed", 3), ("skipped", 3)]);
        assert_eq!((cell.shown(), cell.rest()), ("failed", Some("skipped")));
        assert!((cells[0].shown_share() - 1.0 / 8.0).abs() < 1e-12);
        // 500 runs failing in every fifth run: at most 60 cells, each of 9 runs (the last 5)
        // showing its failures, their runs adding up to 500.
        let outcomes: Vec<_> = (0..500).map(|r| if r % 5 == 0 { f } else { p }).collect();
        let cells = strip_cells(&outcomes, 60);
        assert_eq!(cells.len(), 56);
        assert!(cells.iter().all(|c| c.shown() == "failed" && c.is_mixed()));
        assert_eq!(cells.iter().map(|c| c.runs).sum::<usize>(), 500);
        assert_eq!(cells.last().map(|c| (c.first, c.runs)), Some((495, 5)));
        // One failure in 500 runs: in one cell, the whole strip; in two of 250 runs, the
        // second; with room for three, its three stretches exactly.
        let mut outcomes = vec![p; 500];
        outcomes[250] = f;
        let cells = |max| -> Vec<_> {
            strip_cells(&outcomes, max)
                .iter()
                .map(|c| (c.first, c.runs, c.shown()))
                .collect()
        };
        assert_eq!(cells(1), vec![(0, 500, "failed")]);
        assert_eq!(cells(2), vec![(0, 250, "passed"), (250, 250, "failed")]);
        assert_eq!(
            cells(3),
            vec![(0, 250, "passed"), (250, 1, "failed"), (251, 249, "passed")]
        );
        // Pure neighbouring groups merge: failing in every fifth run of the first 400 (160
        // stretches), then passing. Groups of 9: the 44 up to run 395 each hold a failure,
        // the 12 from run 396 on pass only and are one cell.
        let outcomes: Vec<_> = (0..500)
            .map(|r| if r < 400 && r % 5 == 0 { f } else { p })
            .collect();
        let cells = strip_cells(&outcomes, 60);
        assert_eq!(cells.len(), 45);
        assert!(cells[..44]
            .iter()
            .all(|c| c.shown() == "failed" && c.runs == 9));
        assert_eq!(
            cells[44],
            StripCell {
                first: 396,
                runs: 104,
                counts: vec![("passed", 104)]
            }
        );
    }

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
    #[test]
    fn shared_analyses_compare_by_identity() {
        let a = SharedAnalysis(Rc::new(Analysis::from_runs(&[], Vec::new())));
        let b = SharedAnalysis(Rc::new(Analysis::from_runs(&[], Vec::new())));
        assert!(a == a.clone());
        assert!(a != b);
        assert_eq!(a.tests.len(), 0);
    }

    #[test]
    fn line_diffs() {
        use DiffLine::*;
        assert_eq!(
            line_diff("a\nb\nc", "a\nx\nc"),
            vec![
                Same("a".into()),
                Removed("b".into()),
                Added("x".into()),
                Same("c".into())
            ]
        );
        assert_eq!(line_diff("same", "same"), vec![Same("same".into())]);
        assert_eq!(line_diff("", "new"), vec![Added("new".into())]);
        assert_eq!(line_diff("old", ""), vec![Removed("old".into())]);
        // An inserted line in the middle keeps both ends shared.
        assert_eq!(
            line_diff("x\ny", "x\nz\ny"),
            vec![Same("x".into()), Added("z".into()), Same("y".into())]
        );
        // Values that change between runs.
        let d = line_diff(
            "AssertionError: 3 != 4\nat test.py:10",
            "AssertionError: 5 != 4\nat test.py:10",
        );
        assert_eq!(
            d,
            vec![
                Removed("AssertionError: 3 != 4".into()),
                Added("AssertionError: 5 != 4".into()),
                Same("at test.py:10".into())
            ]
        );
        // Long texts are cut, not slow.
        let long: String = (0..5000).map(|i| format!("{i}\n")).collect();
        assert_eq!(line_diff(&long, &long).len(), DIFF_MAX_LINES);
    }

    #[test]
    fn markdown_escaping() {
        assert_eq!(md_escape("a*b_c"), "a\\*b\\_c");
        assert_eq!(
            md_escape("[x](javascript:alert(1)) <img src=x> @team |"),
            "\\[x\\]\\(javascript:alert\\(1\\)\\) \\<img src=x\\> \\@team \\|"
        );
        assert_eq!(md_escape("two\nlines"), "two lines");
        assert_eq!(md_escape("# heading"), "\\# heading");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x`"), "`` `x` ``");
        assert_eq!(md_code("plain"), "`plain`");
        assert_eq!(
            md_block("text", "x\n```\ny\n"),
            "````text\nx\n```\ny\n````\n"
        );
        assert_eq!(md_block("diff", "- a"), "```diff\n- a\n```\n");
    }

    fn flaky_analysis() -> Analysis {
        use flakelens_core::junit::read_report;
        let run = |file: &str, body: &str| {
            let xml = format!("<testsuite name=\"s\">{body}</testsuite>");
            read_report(file, xml.as_bytes()).run.expect("a run")
        };
        let fail = |m: &str| {
            format!(
                "<testcase classname=\"m\" name=\"t|*x*\" time=\"0.5\"><failure type=\"AssertionError\" message=\"{m}\">Traceback\n  line 1\n```</failure></testcase>"
            )
        };
        let runs = vec![
            run("a.xml", &fail("got 3 [see](http://x)")),
            run(
                "b.xml",
                "<testcase classname=\"m\" name=\"t|*x*\" time=\"0.25\"/>",
            ),
            run("c.xml", &fail("got 5 [see](http://x)")),
        ];
        Analysis::from_runs(&runs, Vec::new())
    }

    #[test]
    fn failure_texts_and_headlines() {
        let analysis = flaky_analysis();
        let test = &analysis.tests[0];
        let texts = failure_texts(test);
        assert_eq!(texts.len(), 2);
        assert_eq!(texts[0].run, 0);
        assert_eq!(texts[0].headline, "AssertionError: got 3 [see](http://x)");
        assert_eq!(texts[1].run, 2);
        assert!(texts[0]
            .trace
            .as_deref()
            .is_some_and(|t| t.starts_with("Traceback")));
        let distinct = distinct_headlines(&texts);
        assert_eq!(distinct.len(), 2);
        assert_eq!(distinct[1].1, vec![2]);
    }

    #[test]
    fn a_markdown_issue_escapes_what_reports_say() {
        let analysis = flaky_analysis();
        let md = markdown_issue(&analysis, &analysis.tests[0]);
        assert!(md.starts_with("## Flaky test: t\\|\\*x\\*\n"), "{md}");
        assert!(md.contains("- **Test id:** `s/m::t|*x*`\n"), "{md}");
        assert!(
            md.contains("- **Failures:** 2 of 3 executed runs (66.7%; 95% interval"),
            "{md}"
        );
        assert!(
            md.contains("| \\#1 all | a\\.xml | failed | failed | 0.500 s |"),
            "{md}"
        );
        assert!(
            md.contains("| \\#2 all | b\\.xml | passed | passed | 0.250 s |"),
            "{md}"
        );
        // The trace holds three backticks: its fence has four.
        assert!(
            md.contains("````text\nTraceback\n  line 1\n```\n````\n"),
            "{md}"
        );
        assert!(md.contains("```diff\n- AssertionError: got 3 [see](http://x)\n+ AssertionError: got 5 [see](http://x)\n```\n"), "{md}");
        // The message appears only inside fenced blocks: twice in the diff, once as the first
        // failure.
        assert_eq!(md.matches("](http").count(), 3, "{md}");
    }
}
