//! Hash routes: the view the page shows and the test table's query, kept in the URL fragment
//! so that reloading, bookmarking and the back button work on static hosting and from
//! `file://`: `#/tests?q=race&filter=flaky&sort=failure_rate-desc`.
//!
//! The fragment is `&`-separated. Its first part may be the path (`/overview`, `/tests`,
//! `/tests/<url-encoded test id>`, `/consistency`, `/categories`, `/runs`, `/diagnostics`), with
//! the first query parameter after a `?`; the other parts are `key=value` parameters. The keys
//! this module owns are `q`, `filter`, `sort`, `cat` and `group`; every other part (the share
//! link's `audit=...`) is kept verbatim, in place, so writing the route never drops it.
//!
//! Applying a query to an analysis (filters, search, sort) is here too. Plain Rust with native
//! unit tests.

use std::cmp::Ordering;

use flakelens_core::{Analysis, TestSummary, Verdict};

/// Which view the page shows.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum View {
    /// Criteria, key figures, charts.
    #[default]
    Overview,
    /// The test table.
    Tests,
    /// The test table with one test's detail open.
    Test(String),
    /// Test × run heat map, run × run agreement, groups compared.
    Consistency,
    /// Root-cause categories and the suite tree.
    Categories,
    /// The runs table.
    Runs,
    /// Everything the reader rejected, recovered or reinterpreted.
    Diagnostics,
}

/// The views in the nav bar, in order.
pub const NAV: [View; 6] = [
    View::Overview,
    View::Tests,
    View::Consistency,
    View::Categories,
    View::Runs,
    View::Diagnostics,
];

impl View {
    /// The path segment: `overview`, `tests`, ...; `tests` for a test's detail too.
    pub fn slug(&self) -> &'static str {
        match self {
            View::Overview => "overview",
            View::Tests | View::Test(_) => "tests",
            View::Consistency => "consistency",
            View::Categories => "categories",
            View::Runs => "runs",
            View::Diagnostics => "diagnostics",
        }
    }

    /// The nav bar's label.
    pub fn title(&self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Tests | View::Test(_) => "Tests",
            View::Consistency => "Consistency",
            View::Categories => "Categories and suites",
            View::Runs => "Runs",
            View::Diagnostics => "Diagnostics",
        }
    }

    fn from_path(path: &str) -> View {
        let path = path.trim_start_matches('/');
        let (head, tail) = path.split_once('/').unwrap_or((path, ""));
        match head {
            "tests" if !tail.is_empty() => View::Test(decode(tail)),
            "tests" => View::Tests,
            "consistency" => View::Consistency,
            "categories" => View::Categories,
            "runs" => View::Runs,
            "diagnostics" => View::Diagnostics,
            _ => View::Overview,
        }
    }
}

/// A status chip of the test table. Selected chips combine with "or".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Filter {
    /// Verdict flaky.
    Flaky,
    /// Verdict broken.
    Broken,
    /// Failed or errored in at least one run.
    Failed,
    /// Passed on retry in at least one run.
    Retried,
}

/// Every chip, in display order.
pub const FILTERS: [Filter; 4] = [
    Filter::Flaky,
    Filter::Broken,
    Filter::Failed,
    Filter::Retried,
];

impl Filter {
    /// The fragment spelling.
    pub fn slug(self) -> &'static str {
        match self {
            Filter::Flaky => "flaky",
            Filter::Broken => "broken",
            Filter::Failed => "failed",
            Filter::Retried => "retried",
        }
    }

    /// The chip's label.
    pub fn label(self) -> &'static str {
        match self {
            Filter::Flaky => "flaky",
            Filter::Broken => "broken",
            Filter::Failed => "failed",
            Filter::Retried => "passed on retry",
        }
    }

    fn parse(text: &str) -> Option<Filter> {
        FILTERS.into_iter().find(|f| f.slug() == text)
    }

    /// True when `test` passes this chip.
    pub fn keeps(self, test: &TestSummary) -> bool {
        match self {
            Filter::Flaky => test.verdict == Verdict::Flaky,
            Filter::Broken => test.verdict == Verdict::Broken,
            Filter::Failed => test.counts.failures() > 0,
            Filter::Retried => test.flaky_in_run.iter().any(|&f| f),
        }
    }
}

/// A sortable column of the test table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SortKey {
    /// The test's name, then its id.
    Name,
    /// Flaky, broken, stable-pass, skipped.
    Verdict,
    /// Runs the test appeared in.
    Runs,
    /// Passed runs.
    Passed,
    /// Failed runs.
    Failed,
    /// Errored runs.
    Errored,
    /// Skipped runs.
    Skipped,
    /// Failure rate (never executed sorts lowest).
    FailureRate,
    /// The Wilson interval: its upper bound, then its lower bound.
    Interval,
    /// The primary category's id.
    Category,
    /// How many flags, then their names.
    Flags,
}

/// Every sortable column, in table order.
pub const SORT_KEYS: [SortKey; 11] = [
    SortKey::Name,
    SortKey::Verdict,
    SortKey::Runs,
    SortKey::Passed,
    SortKey::Failed,
    SortKey::Errored,
    SortKey::Skipped,
    SortKey::FailureRate,
    SortKey::Interval,
    SortKey::Category,
    SortKey::Flags,
];

impl SortKey {
    /// The fragment spelling.
    pub fn slug(self) -> &'static str {
        match self {
            SortKey::Name => "name",
            SortKey::Verdict => "verdict",
            SortKey::Runs => "runs",
            SortKey::Passed => "passed",
            SortKey::Failed => "failed",
            SortKey::Errored => "errored",
            SortKey::Skipped => "skipped",
            SortKey::FailureRate => "failure_rate",
            SortKey::Interval => "interval",
            SortKey::Category => "category",
            SortKey::Flags => "flags",
        }
    }

    /// Numbers sort highest first on the first click; text lowest first.
    pub fn first_desc(self) -> bool {
        !matches!(self, SortKey::Name | SortKey::Verdict | SortKey::Category)
    }

    fn compare(self, a: &TestSummary, b: &TestSummary) -> Ordering {
        match self {
            SortKey::Name => a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)),
            SortKey::Verdict => a.verdict.cmp(&b.verdict),
            SortKey::Runs => a.counts.tests().cmp(&b.counts.tests()),
            SortKey::Passed => a.counts.passed().cmp(&b.counts.passed()),
            SortKey::Failed => a.counts.failed().cmp(&b.counts.failed()),
            SortKey::Errored => a.counts.errored().cmp(&b.counts.errored()),
            SortKey::Skipped => a.counts.skipped().cmp(&b.counts.skipped()),
            SortKey::FailureRate => cmp_option(a.failure_rate, b.failure_rate),
            SortKey::Interval => {
                let upper = |t: &TestSummary| t.metrics.wilson_95.map(|w| w[1]);
                let lower = |t: &TestSummary| t.metrics.wilson_95.map(|w| w[0]);
                cmp_option(upper(a), upper(b)).then_with(|| cmp_option(lower(a), lower(b)))
            }
            SortKey::Category => a.categories.primary.cmp(&b.categories.primary),
            SortKey::Flags => a.flags.len().cmp(&b.flags.len()).then_with(|| {
                let names =
                    |t: &TestSummary| t.flags.iter().map(|f| f.flag.name()).collect::<Vec<_>>();
                names(a).cmp(&names(b))
            }),
        }
    }
}

/// `None` lowest, then by value (NaN never occurs in the core's ratios; it sorts as equal).
fn cmp_option(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
    }
}

/// A column and a direction: `failure_rate-desc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sort {
    /// The column.
    pub key: SortKey,
    /// Highest (or last) first.
    pub desc: bool,
}

impl Sort {
    fn parse(text: &str) -> Option<Sort> {
        let (key, dir) = text.rsplit_once('-').unwrap_or((text, "asc"));
        let key = SORT_KEYS.into_iter().find(|k| k.slug() == key)?;
        let desc = match dir {
            "asc" => false,
            "desc" => true,
            _ => return None,
        };
        Some(Sort { key, desc })
    }

    fn slug(self) -> String {
        format!(
            "{}-{}",
            self.key.slug(),
            if self.desc { "desc" } else { "asc" }
        )
    }

    /// What clicking the header of `key` does to `current`: a new column starts in its natural
    /// direction, the same column flips, and a third click goes back to the core's order.
    pub fn cycle(current: Option<Sort>, key: SortKey) -> Option<Sort> {
        match current {
            Some(s) if s.key == key && s.desc != key.first_desc() => None,
            Some(s) if s.key == key => Some(Sort { key, desc: !s.desc }),
            _ => Some(Sort {
                key,
                desc: key.first_desc(),
            }),
        }
    }
}

/// The test table's query: search text, status chips, sort, category and group.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Query {
    /// Case-insensitive text searched in ids and failure messages.
    pub q: String,
    /// Status chips, in [`FILTERS`] order, without repeats.
    pub filters: Vec<Filter>,
    /// The sort; `None` is the core's order (flaky first).
    pub sort: Option<Sort>,
    /// Only tests whose primary category is this id.
    pub cat: Option<String>,
    /// Only tests that failed in a run of the group with this label.
    pub group: Option<String>,
}

impl Query {
    /// The query with chip `filter` switched on or off.
    pub fn toggled(&self, filter: Filter) -> Query {
        let mut next = self.clone();
        if next.filters.contains(&filter) {
            next.filters.retain(|f| *f != filter);
        } else {
            next.filters.push(filter);
            next.filters.sort();
        }
        next
    }

    /// True when nothing narrows the table.
    pub fn is_unfiltered(&self) -> bool {
        self.q.trim().is_empty()
            && self.filters.is_empty()
            && self.cat.is_none()
            && self.group.is_none()
    }
}

/// A view with its query: everything the fragment holds besides other parties' keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Route {
    /// The view.
    pub view: View,
    /// The test table's query (kept across views).
    pub query: Query,
}

impl Route {
    /// This route on another view, with the same query.
    pub fn with_view(&self, view: View) -> Route {
        Route {
            view,
            query: self.query.clone(),
        }
    }

    /// Reads a fragment (with or without its `#`). Unknown views read as the overview,
    /// unknown chips and sorts are ignored.
    pub fn parse(fragment: &str) -> Route {
        let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
        let mut route = Route::default();
        for (i, part) in fragment.split('&').enumerate() {
            let param = if i == 0 && part.starts_with('/') {
                let (path, param) = part.split_once('?').unwrap_or((part, ""));
                route.view = View::from_path(path);
                param
            } else {
                part
            };
            let Some((key, value)) = param.split_once('=') else {
                continue;
            };
            let value = decode(value);
            match key {
                "q" => route.query.q = value,
                "filter" => {
                    let mut filters: Vec<Filter> =
                        value.split(',').filter_map(Filter::parse).collect();
                    filters.sort();
                    filters.dedup();
                    route.query.filters = filters;
                }
                "sort" => route.query.sort = Sort::parse(&value),
                "cat" if !value.is_empty() => route.query.cat = Some(value),
                "group" if !value.is_empty() => route.query.group = Some(value),
                _ => {}
            }
        }
        route
    }

    /// The fragment, with its `#`: the path, this route's parameters (empty ones left out),
    /// then `others` (parts owned by someone else, such as `audit=...`) as they were.
    pub fn to_fragment(&self, others: &[String]) -> String {
        let mut path = format!("#/{}", self.view.slug());
        if let View::Test(id) = &self.view {
            path.push('/');
            path.push_str(&encode(id));
        }
        let q = &self.query;
        let mut params: Vec<String> = Vec::new();
        if !q.q.is_empty() {
            params.push(format!("q={}", encode(&q.q)));
        }
        if !q.filters.is_empty() {
            let slugs: Vec<&str> = q.filters.iter().map(|f| f.slug()).collect();
            params.push(format!("filter={}", slugs.join(",")));
        }
        if let Some(sort) = q.sort {
            params.push(format!("sort={}", sort.slug()));
        }
        if let Some(cat) = &q.cat {
            params.push(format!("cat={}", encode(cat)));
        }
        if let Some(group) = &q.group {
            params.push(format!("group={}", encode(group)));
        }
        let mut out = path;
        if !params.is_empty() {
            out.push('?');
            out.push_str(&params.join("&"));
        }
        for other in others {
            out.push('&');
            out.push_str(other);
        }
        out
    }
}

/// The parts of a fragment that are not this module's: `audit=...` and unknown keys, verbatim.
pub fn others(fragment: &str) -> Vec<String> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    fragment
        .split('&')
        .enumerate()
        .filter_map(|(i, part)| {
            let param = if i == 0 && part.starts_with('/') {
                part.split_once('?').map_or("", |(_, p)| p)
            } else {
                part
            };
            let key = param.split_once('=').map_or(param, |(k, _)| k);
            let ours = matches!(key, "q" | "filter" | "sort" | "cat" | "group");
            (!param.is_empty() && !ours).then(|| param.to_owned())
        })
        .collect()
}

/// Percent-encodes everything but `A-Z a-z 0-9 - . _ ~` (UTF-8 bytes).
pub fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Decodes `%XX` escapes (UTF-8; invalid sequences become U+FFFD, a stray `%` stays).
pub fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                // Two hex digits make a byte.
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// What the search looks in for one test besides its id (see [`search_matches`]), lowercased:
/// its file, and the type and message of every failure the analysis kept (the first
/// failure, and each run's attempts). A test whose id is not ASCII has its id lowercased in
/// front. Empty for most tests, which holds no allocation: at 100,000 tests, a copy of every
/// id was 15 MB of the page's memory.
pub fn search_text(test: &TestSummary) -> String {
    search_text_with(test, test.distinct_messages().iter().map(|m| &**m))
}

/// [`search_text`] of a test whose runs in detail stayed in the worker, with `messages` (its
/// attempts' messages, as [`crate::wire::ShownTest::messages`]) in their place.
pub fn search_text_with<'a>(
    test: &TestSummary,
    messages: impl IntoIterator<Item = &'a str>,
) -> String {
    let mut text = String::new();
    let mut add = |s: Option<&str>| {
        if let Some(s) = s {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(s);
        }
    };
    if !test.id.is_ascii() {
        add(Some(&test.id));
    }
    add(test.file.as_deref());
    if let Some(f) = &test.first_failure {
        add(f.failure_type.as_deref());
        add(f.message.as_deref());
    }
    for message in messages {
        add(Some(message));
    }
    text.to_lowercase()
}

/// Whether the search for `needle` (lowercased) finds `test`, whose [`search_text`] is `text`:
/// in its id, ignoring case, or in `text`. The search box gives no line break; a needle with
/// one (only a hand-written `q=` in the URL can hold it) may match inside a text, such as a
/// message of several lines, but not across an ASCII id and the text after it, as it could
/// when the index held the id too.
pub fn search_matches(test: &TestSummary, text: &str, needle: &str) -> bool {
    if needle.is_empty() {
        return true;
    }
    // An ASCII id lowercases byte by byte, so it is compared without a lowercased copy; any
    // other id is in `text`.
    (test.id.is_ascii() && contains_ascii_lowercased(test.id.as_bytes(), needle.as_bytes()))
        || text.contains(needle)
}

/// Whether `haystack` (ASCII), lowercased, holds `needle` (already lowercased): each place
/// where the needle's first byte is, in either case, found with `memchr2` (simd128), then the
/// rest compared byte by byte.
fn contains_ascii_lowercased(haystack: &[u8], needle: &[u8]) -> bool {
    let Some((&first, rest)) = needle.split_first() else {
        return true;
    };
    memchr::memchr2_iter(first, first.to_ascii_uppercase(), haystack).any(|at| {
        haystack.get(at + 1..at + 1 + rest.len()).is_some_and(|w| {
            w.iter()
                .zip(rest)
                .all(|(h, n)| h.to_ascii_lowercase() == *n)
        })
    })
}

/// The indices (into `analysis.tests`) of the tests `query` keeps, in its order. `index`
/// holds [`search_text`] of every test, in the same order as `analysis.tests`.
pub fn visible(analysis: &Analysis, query: &Query, index: &[String]) -> Vec<usize> {
    let needle = query.q.trim().to_lowercase();
    let group_runs: Option<Vec<usize>> = query.group.as_ref().map(|label| {
        analysis
            .groups
            .iter()
            .find(|g| &g.label == label)
            .map(|g| g.runs.clone())
            .unwrap_or_default()
    });
    let mut shown: Vec<usize> = analysis
        .tests
        .iter()
        .enumerate()
        .filter(|(i, t)| {
            (query.filters.is_empty() || query.filters.iter().any(|f| f.keeps(t)))
                && query
                    .cat
                    .as_ref()
                    .is_none_or(|c| &t.categories.primary == c)
                && group_runs.as_ref().is_none_or(|runs| {
                    runs.iter().any(|&r| {
                        t.outcomes
                            .get(r)
                            .copied()
                            .flatten()
                            .is_some_and(|o| o.is_failure())
                    })
                })
                && (needle.is_empty()
                    || index
                        .get(*i)
                        .is_some_and(|text| search_matches(t, text, &needle)))
        })
        .map(|(i, _)| i)
        .collect();
    if let Some(sort) = query.sort {
        let tests = &analysis.tests;
        // Stable: ties keep the core's order.
        shown.sort_by(|&a, &b| {
            let order = sort.key.compare(&tests[a], &tests[b]);
            if sort.desc {
                order.reverse()
            } else {
                order
            }
        });
    }
    shown
}

/// How many tests each status chip (in [`FILTERS`] order) and each group chip (in
/// `analysis.groups` order: the tests that failed or errored in a run of the group) keeps.
pub type ChipCounts = (Vec<usize>, Vec<usize>);

/// The chips' counts, in one pass over the tests.
pub fn count_chips(analysis: &Analysis) -> ChipCounts {
    let mut status = vec![0; FILTERS.len()];
    let mut groups = vec![0; analysis.groups.len()];
    // The groups each run belongs to.
    let runs = analysis
        .groups
        .iter()
        .flat_map(|g| g.runs.iter().map(|&r| r + 1))
        .max()
        .unwrap_or(0);
    let mut groups_of_run: Vec<Vec<usize>> = vec![Vec::new(); runs];
    for (g, group) in analysis.groups.iter().enumerate() {
        for &r in &group.runs {
            groups_of_run[r].push(g);
        }
    }
    let mut failed_in = vec![false; groups.len()];
    for test in &analysis.tests {
        for (count, filter) in status.iter_mut().zip(FILTERS) {
            *count += usize::from(filter.keeps(test));
        }
        if groups.is_empty() {
            continue;
        }
        failed_in.fill(false);
        for (outcome, of_run) in test.outcomes.iter().zip(&groups_of_run) {
            if outcome.is_some_and(|o| o.is_failure()) {
                for &g in of_run {
                    failed_in[g] = true;
                }
            }
        }
        for (count, &failed) in groups.iter_mut().zip(&failed_in) {
            *count += usize::from(failed);
        }
    }
    (status, groups)
}

/// Where the keyboard cursor goes in a list of `len` rows: `delta` rows on from `current`
/// (clamped to the ends), or the first row (down) or last row (up) when there is none yet.
pub fn step_cursor(len: usize, current: Option<usize>, delta: isize) -> Option<usize> {
    if len == 0 {
        return None;
    }
    let last = len - 1;
    Some(match current {
        None if delta >= 0 => 0,
        None => last,
        Some(i) => i.min(last).saturating_add_signed(delta).min(last),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn views_round_trip() {
        for view in NAV {
            let route = Route {
                view: view.clone(),
                query: Query::default(),
            };
            let text = route.to_fragment(&[]);
            assert_eq!(text, format!("#/{}", view.slug()));
            assert_eq!(Route::parse(&text), route);
        }
        assert_eq!(Route::parse("").view, View::Overview);
        assert_eq!(Route::parse("#").view, View::Overview);
        assert_eq!(Route::parse("#/nonsense").view, View::Overview);
        assert_eq!(Route::parse("/runs").view, View::Runs);
    }

    #[test]
    fn names_and_switching_views() {
        let titles: Vec<&str> = NAV.iter().map(View::title).collect();
        assert_eq!(
            titles,
            [
                "Overview",
                "Tests",
                "Consistency",
                "Categories and suites",
                "Runs",
                "Diagnostics"
            ]
        );
        assert_eq!(View::Test("x".to_owned()).title(), "Tests");
        let labels: Vec<&str> = FILTERS.iter().map(|f| f.label()).collect();
        assert_eq!(labels, ["flaky", "broken", "failed", "passed on retry"]);
        let route = Route::parse("#/tests/a?q=x");
        let moved = route.with_view(View::Runs);
        assert_eq!(moved.view, View::Runs);
        assert_eq!(moved.query, route.query);
        assert_eq!(moved.to_fragment(&[]), "#/runs?q=x");
    }

    #[test]
    fn a_test_id_is_url_encoded() {
        let id = "pytest/tests.test_shop::test_price[a b/ü&x=1]";
        let route = Route {
            view: View::Test(id.to_owned()),
            query: Query::default(),
        };
        let text = route.to_fragment(&[]);
        assert_eq!(
            text,
            "#/tests/pytest%2Ftests.test_shop%3A%3Atest_price%5Ba%20b%2F%C3%BC%26x%3D1%5D"
        );
        assert_eq!(Route::parse(&text), route);
    }

    #[test]
    fn the_query_is_kept_tidy_and_read_back() {
        let text = "#/tests?q=race&filter=flaky&sort=failure_rate-desc";
        let route = Route::parse(text);
        assert_eq!(route.view, View::Tests);
        assert_eq!(route.query.q, "race");
        assert_eq!(route.query.filters, vec![Filter::Flaky]);
        assert_eq!(
            route.query.sort,
            Some(Sort {
                key: SortKey::FailureRate,
                desc: true
            })
        );
        assert_eq!(route.to_fragment(&[]), text);
        // Chips come back in canonical order without repeats; unknown ones are dropped.
        let route =
            Route::parse("#/tests?filter=retried,flaky,bogus,flaky&cat=network&group=parallel");
        assert_eq!(route.query.filters, vec![Filter::Flaky, Filter::Retried]);
        assert_eq!(route.query.cat.as_deref(), Some("network"));
        assert_eq!(
            route.to_fragment(&[]),
            "#/tests?filter=flaky,retried&cat=network&group=parallel"
        );
        // Search text with spaces and symbols.
        let q = Query {
            q: "a b&c=d #e".to_owned(),
            ..Query::default()
        };
        let route = Route {
            view: View::Tests,
            query: q,
        };
        assert_eq!(route.to_fragment(&[]), "#/tests?q=a%20b%26c%3Dd%20%23e");
        assert_eq!(Route::parse(&route.to_fragment(&[])), route);
        // A bad sort is ignored.
        assert_eq!(Route::parse("#/tests?sort=bogus-desc").query.sort, None);
        assert_eq!(Route::parse("#/tests?sort=name-sideways").query.sort, None);
    }

    #[test]
    fn audit_parts_are_ignored_and_kept() {
        let fragment = "#audit=eJxLTEoGAAJNASc";
        assert_eq!(Route::parse(fragment), Route::default());
        assert_eq!(others(fragment), vec!["audit=eJxLTEoGAAJNASc".to_owned()]);
        let fragment = "#/tests?q=x&audit=abc_-&other=1";
        let route = Route::parse(fragment);
        assert_eq!(route.query.q, "x");
        let kept = others(fragment);
        assert_eq!(kept, vec!["audit=abc_-".to_owned(), "other=1".to_owned()]);
        assert_eq!(route.to_fragment(&kept), fragment);
        // As the first parameter after the path.
        let fragment = "#/runs?audit=abc";
        assert_eq!(Route::parse(fragment).view, View::Runs);
        assert_eq!(others(fragment), vec!["audit=abc".to_owned()]);
        // The share link's decoder splits on `&`: the audit stays a part of its own.
        let written = Route::parse(fragment).to_fragment(&others(fragment));
        assert_eq!(written, "#/runs&audit=abc");
        assert!(written.split('&').any(|p| p == "audit=abc"));
    }

    #[test]
    fn decoding_is_lenient() {
        assert_eq!(decode("a%20b"), "a b");
        assert_eq!(decode("%C3%BC"), "ü");
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%FF"), "\u{fffd}");
        assert_eq!(encode("a-b_c.d~e f"), "a-b_c.d~e%20f");
    }

    #[test]
    fn sort_headers_cycle() {
        let rate = Sort::cycle(None, SortKey::FailureRate);
        assert_eq!(
            rate,
            Some(Sort {
                key: SortKey::FailureRate,
                desc: true
            })
        );
        let rate = Sort::cycle(rate, SortKey::FailureRate);
        assert_eq!(
            rate,
            Some(Sort {
                key: SortKey::FailureRate,
                desc: false
            })
        );
        assert_eq!(Sort::cycle(rate, SortKey::FailureRate), None);
        let name = Sort::cycle(rate, SortKey::Name);
        assert_eq!(
            name,
            Some(Sort {
                key: SortKey::Name,
                desc: false
            })
        );
        assert_eq!(
            Sort::cycle(name, SortKey::Name),
            Some(Sort {
                key: SortKey::Name,
                desc: true
            })
        );
    }

    #[test]
    fn chips_toggle() {
        let q = Query::default()
            .toggled(Filter::Retried)
            .toggled(Filter::Flaky);
        assert_eq!(q.filters, vec![Filter::Flaky, Filter::Retried]);
        assert!(!q.is_unfiltered());
        assert!(q
            .toggled(Filter::Flaky)
            .toggled(Filter::Retried)
            .is_unfiltered());
    }

    #[test]
    fn the_cursor_steps_and_clamps() {
        assert_eq!(step_cursor(0, None, 1), None);
        assert_eq!(step_cursor(3, None, 1), Some(0));
        assert_eq!(step_cursor(3, None, -1), Some(2));
        assert_eq!(step_cursor(3, Some(0), 1), Some(1));
        assert_eq!(step_cursor(3, Some(2), 1), Some(2));
        assert_eq!(step_cursor(3, Some(0), -1), Some(0));
        // A cursor past the end (the list shrank) comes back to the last row.
        assert_eq!(step_cursor(3, Some(9), 0), Some(2));
    }

    mod on_an_analysis {
        use flakelens_core::junit::read_report;
        use flakelens_core::Analysis;

        use super::super::*;

        fn run(file: &str, body: &str) -> flakelens_core::Run {
            let xml = format!("<testsuite name=\"s\">{body}</testsuite>");
            read_report(file, xml.as_bytes()).run.expect("a run")
        }

        /// a: flaky (fails in run 2 with "connection refused"); b: broken; c: stable;
        /// d: passes on retry in run 1.
        fn analysis() -> Analysis {
            let pass = |n: &str| format!("<testcase classname=\"m\" name=\"{n}\"/>");
            let fail = |n: &str, m: &str| {
                format!(
                    "<testcase classname=\"m\" name=\"{n}\"><failure message=\"{m}\"/></testcase>"
                )
            };
            let retried =
                "<testcase classname=\"m\" name=\"d\"><flakyFailure message=\"race\"/></testcase>";
            let runs = vec![
                run(
                    "seq/1.xml",
                    &format!("{}{}{}{retried}", pass("a"), fail("b", "boom"), pass("c")),
                ),
                run(
                    "par/2.xml",
                    &format!(
                        "{}{}{}{}",
                        fail("a", "Connection Refused"),
                        fail("b", "boom"),
                        pass("c"),
                        pass("d")
                    ),
                ),
            ];
            Analysis::from_runs(&runs, Vec::new())
        }

        fn names(analysis: &Analysis, shown: &[usize]) -> Vec<String> {
            shown
                .iter()
                .map(|&i| analysis.tests[i].name.to_string())
                .collect()
        }

        #[test]
        fn search_looks_in_the_file_attribute() {
            let runs = vec![run(
                "1.xml",
                "<testcase classname=\"m\" name=\"t\" file=\"api/users_test.py\"/><testcase classname=\"m\" name=\"u\"/>",
            )];
            let analysis = Analysis::from_runs(&runs, Vec::new());
            let index: Vec<String> = analysis.tests.iter().map(search_text).collect();
            let query = Query {
                q: "USERS_test".to_owned(),
                ..Query::default()
            };
            assert_eq!(names(&analysis, &visible(&analysis, &query, &index)), ["t"]);
        }

        /// The definition of what the search looks in: a test's whole text, lowercased, as the
        /// search index held it before it left ASCII ids out (its id, then its file and
        /// failure texts and its attempts' messages, a line each).
        fn whole_text(t: &TestSummary) -> String {
            let mut parts = vec![t.id.to_string()];
            parts.extend(t.file.clone());
            if let Some(f) = &t.first_failure {
                parts.extend(f.failure_type.clone());
                parts.extend(f.message.clone());
            }
            let attempts = t.details.iter().flatten().flat_map(|d| &d.attempts);
            parts.extend(attempts.filter_map(|a| a.message.as_deref().map(str::to_owned)));
            parts.join("\n").to_lowercase()
        }

        /// The search finds a test exactly when its whole text lowercased (its id, then its
        /// file and failure texts, a line each, as the search index held it before it left
        /// ASCII ids out) holds the needle: every substring of those texts as a needle, in
        /// any case, and needles that are in none; ids in ASCII and not (`İ` lowercases to two
        /// characters, the Kelvin sign to an ASCII `k`).
        #[test]
        fn search_finds_what_the_whole_lowercased_text_holds() {
            let ids = [
                "suite/Mod::Test_Login",
                "İstanbul/ünï::\u{212A}elvin_TEST",
                "a/b::K",
            ];
            let mut analysis = analysis();
            let template = analysis.tests[0].clone();
            analysis.tests = ids
                .iter()
                .enumerate()
                .map(|(i, id)| {
                    let mut test = template.clone();
                    test.id = (*id).into();
                    test.details.clear();
                    test.file = (i == 1).then(|| "Tests/Ünit_TEST.py".to_owned());
                    test.first_failure = (i != 2).then(|| flakelens_core::FailureExample {
                        run: 0,
                        message: Some("Expected 200 got 5XX".to_owned()),
                        failure_type: Some("AssertionError".to_owned()),
                    });
                    test
                })
                .collect();
            let mut needles: Vec<String> =
                vec!["zz".to_owned(), "k".to_owned(), "\u{212A}".to_owned()];
            for t in &analysis.tests {
                let chars: Vec<char> = whole_text(t).chars().collect();
                for start in 0..chars.len() {
                    for end in start + 1..=chars.len().min(start + 5) {
                        let needle: String = chars[start..end].iter().collect();
                        needles.push(needle.to_uppercase());
                        needles.push(needle);
                    }
                }
            }
            for t in &analysis.tests {
                let text = search_text(t);
                for needle in &needles {
                    let needle = needle.trim().to_lowercase();
                    if needle.is_empty() || needle.contains('\n') {
                        continue;
                    }
                    assert_eq!(
                        search_matches(t, &text, &needle),
                        whole_text(t).contains(&needle),
                        "{} / {needle:?}",
                        t.id
                    );
                }
            }
            // Most tests hold no text of their own: an ASCII id, no file, no failure.
            assert!(search_text(&analysis.tests[2]).is_empty());
            assert!(search_text(&analysis.tests[1]).starts_with("i̇stanbul"));
        }

        /// The page's search finds what the whole text of a test, lowercased, holds, both in a
        /// whole test (an audit read on the page) and in what travels: the needles are every
        /// message of the analysis's attempts (whole, a piece of it, and in capitals) and pieces
        /// of ids.
        #[test]
        fn the_search_finds_in_what_travels_what_it_finds_in_the_whole_tests() {
            use crate::wire::{decode_tests, encode_test};
            use flakelens_wire::testing::analysis;
            let analysis = analysis();
            let tests = &analysis.tests;
            let mut bytes = Vec::new();
            for test in tests {
                encode_test(test, &mut bytes).expect("bincode writes to a Vec");
            }
            let mut names = flakelens_core::Interner::default();
            let decoded = decode_tests(&bytes, tests.len(), &mut names).expect("all");
            let mut needles: Vec<String> = tests
                .iter()
                .flat_map(|t| t.details.iter().flatten())
                .flat_map(|d| &d.attempts)
                .filter_map(|a| a.message.as_deref())
                .flat_map(|m| {
                    let piece: String = m.chars().skip(3).take(12).collect();
                    [m.to_owned(), piece, m.to_uppercase()]
                })
                .collect();
            needles.extend(
                tests
                    .iter()
                    .take(20)
                    .map(|t| t.id.chars().skip(5).take(9).collect()),
            );
            needles.sort();
            needles.dedup();
            assert!(needles.len() > 20, "{} needles", needles.len());
            let mut found = 0;
            for needle in &needles {
                let needle = needle.trim().to_lowercase();
                for (whole, shown) in tests.iter().zip(&decoded) {
                    // The definition: the whole text, lowercased, as the index once held it.
                    let expected = whole_text(whole).contains(&needle);
                    // An audit read on the page (the whole test), and what travels.
                    let on_page = search_matches(whole, &search_text(whole), &needle);
                    let messages = shown.messages.iter().map(|m| &**m);
                    let travelled = search_matches(
                        &shown.test,
                        &search_text_with(&shown.test, messages),
                        &needle,
                    );
                    assert_eq!(on_page, expected, "{} / {needle:?}", whole.id);
                    assert_eq!(travelled, expected, "{} / {needle:?}", whole.id);
                    found += usize::from(travelled);
                }
            }
            assert!(found > needles.len(), "the needles found {found} tests");
        }

        #[test]
        fn chips_search_and_sort() {
            let analysis = analysis();
            let index: Vec<String> = analysis.tests.iter().map(search_text).collect();
            let all = visible(&analysis, &Query::default(), &index);
            assert_eq!(all.len(), 4);
            // The core's order is kept without a sort.
            assert_eq!(all, (0..4).collect::<Vec<_>>());
            let q = |f: &dyn Fn(&mut Query)| {
                let mut q = Query::default();
                f(&mut q);
                names(&analysis, &visible(&analysis, &q, &index))
            };
            let mut flaky = q(&|q| q.filters = vec![Filter::Flaky]);
            flaky.sort();
            assert_eq!(flaky, vec!["a", "d"]);
            assert_eq!(q(&|q| q.filters = vec![Filter::Broken]), vec!["b"]);
            let mut failed = q(&|q| q.filters = vec![Filter::Failed]);
            failed.sort();
            assert_eq!(failed, vec!["a", "b"]);
            assert_eq!(q(&|q| q.filters = vec![Filter::Retried]), vec!["d"]);
            // Chips combine with "or".
            let mut either = q(&|q| q.filters = vec![Filter::Broken, Filter::Retried]);
            either.sort();
            assert_eq!(either, vec!["b", "d"]);
            // Search: case-insensitive, in messages and ids.
            assert_eq!(q(&|q| q.q = "connection refused".to_owned()), vec!["a"]);
            assert_eq!(q(&|q| q.q = " M::C ".to_owned()), vec!["c"]);
            assert_eq!(q(&|q| q.q = "race".to_owned()), vec!["d"]);
            // Groups: failed in a run of that group (labels guessed from the folders).
            let labels: Vec<&str> = analysis.runs.iter().map(|r| r.label.as_str()).collect();
            let par = labels[1].to_owned();
            let mut in_par = q(&|q| q.group = Some(par.clone()));
            in_par.sort();
            assert_eq!(in_par, vec!["a", "b"]);
            assert!(q(&|q| q.group = Some("nope".to_owned())).is_empty());
            // Category: the primary one.
            let cat = analysis
                .tests
                .iter()
                .find(|t| &*t.name == "b")
                .map(|t| t.categories.primary.clone());
            assert!(q(&|q| q.cat = cat.clone()).contains(&"b".to_owned()));
            // Sorting, both ways, ties in the core's order.
            assert_eq!(
                q(&|q| q.sort = Some(Sort {
                    key: SortKey::Name,
                    desc: false
                })),
                vec!["a", "b", "c", "d"]
            );
            assert_eq!(
                q(&|q| q.sort = Some(Sort {
                    key: SortKey::Name,
                    desc: true
                })),
                vec!["d", "c", "b", "a"]
            );
            let by_rate = q(&|q| {
                q.sort = Some(Sort {
                    key: SortKey::FailureRate,
                    desc: true,
                })
            });
            assert_eq!(by_rate[0], "b");
            assert_eq!(by_rate[1], "a");
            let by_failed = q(&|q| {
                q.sort = Some(Sort {
                    key: SortKey::Failed,
                    desc: false,
                })
            });
            assert_eq!(&by_failed[2..], &["a", "b"]);
        }
    }

    /// The one pass counts what a scan per chip counts.
    #[test]
    fn chip_counts_equal_one_scan_per_chip() {
        use flakelens_core::generate::{read_generated, GenSpec};
        let spec = GenSpec {
            tests: 400,
            runs: 6,
            seed: 7,
        };
        // Two folders of three runs: two groups.
        let runs: Vec<_> = read_generated(&spec, |i| {
            let dir = if i < 3 { "seq" } else { "par" };
            format!("{dir}/run-{i}.xml")
        })
        .into_iter()
        .filter_map(|read| read.run)
        .collect();
        let analysis = Analysis::from_runs(&runs, Vec::new());
        assert_eq!(analysis.groups.len(), 2);
        let status: Vec<usize> = FILTERS
            .into_iter()
            .map(|f| analysis.tests.iter().filter(|t| f.keeps(t)).count())
            .collect();
        let groups: Vec<usize> = analysis
            .groups
            .iter()
            .map(|g| {
                analysis
                    .tests
                    .iter()
                    .filter(|t| {
                        g.runs.iter().any(|&r| {
                            t.outcomes
                                .get(r)
                                .copied()
                                .flatten()
                                .is_some_and(|o| o.is_failure())
                        })
                    })
                    .count()
            })
            .collect();
        assert!(groups.iter().all(|&n| n > 0), "{groups:?}");
        assert_eq!(count_chips(&analysis), (status, groups));
    }
}
