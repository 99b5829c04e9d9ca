//! Matching tests against rules.

use regex_lite::Regex;
use serde::{Deserialize, Serialize};

use super::prefilter::Prefilter;
use super::rules::{Confidence, Rule, Signal};

/// Characters of matched text kept as evidence.
const EVIDENCE_CHARS: usize = 160;

/// A rule whose pattern does not compile.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("rule \"{rule}\": {field} pattern is invalid: {message}")]
pub struct RuleError {
    /// The rule's name.
    pub rule: String,
    /// Which matcher: `message`, `type`, `body`, `system_err` or `test_name`.
    pub field: &'static str,
    /// What the regex engine said.
    pub message: String,
}

/// A compiled pattern and the literals any match of it contains.
struct Matcher {
    regex: Regex,
    prefilter: Option<Prefilter>,
}

impl Matcher {
    /// The first match in `text`; `lower` is `text` ASCII-lowercased, when computed.
    fn find<'t>(&self, text: &'t str, lower: Option<&str>) -> Option<regex_lite::Match<'t>> {
        if let Some(p) = &self.prefilter {
            let haystack = match (p.case_insensitive(), lower) {
                (false, _) => Some(text),
                (true, lower) => lower,
            };
            if haystack.is_some_and(|h| !p.may_match(h)) {
                return None;
            }
        }
        self.regex.find(text)
    }
}

struct Compiled {
    rule: Rule,
    message: Option<Matcher>,
    failure_type: Option<Matcher>,
    body: Option<Matcher>,
    system_err: Option<Matcher>,
    test_name: Option<Matcher>,
}

/// Compiled rules, highest priority first.
pub struct RuleSet {
    rules: Vec<Compiled>,
    /// True when some text matcher's prefilter is case-insensitive.
    lowercase: bool,
}

/// A failure's texts ASCII-lowercased (same byte offsets), for case-insensitive prefilters.
struct Lowered {
    message: String,
    failure_type: String,
    body: String,
    system_err: String,
}

impl Lowered {
    fn of(f: &FailureText<'_>) -> Lowered {
        Lowered {
            message: f.message.unwrap_or("").to_ascii_lowercase(),
            failure_type: f.failure_type.unwrap_or("").to_ascii_lowercase(),
            body: f.body.to_ascii_lowercase(),
            system_err: f.system_err.unwrap_or("").to_ascii_lowercase(),
        }
    }
}

impl std::fmt::Debug for RuleSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleSet")
            .field("rules", &self.rules.len())
            .finish()
    }
}

/// One failure text of a test: a failed or errored attempt in some run.
#[derive(Debug, Clone, Copy, Default)]
pub struct FailureText<'a> {
    /// Run index.
    pub run: usize,
    /// The `message` attribute.
    pub message: Option<&'a str>,
    /// The `type` attribute.
    pub failure_type: Option<&'a str>,
    /// The body (stack trace).
    pub body: &'a str,
    /// The attempt's `system-err`.
    pub system_err: Option<&'a str>,
}

/// Run-level facts about a test, each with the sentence that explains it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Signals {
    /// Fails only or significantly more in a parallel group.
    pub parallel_sensitive: Option<String>,
    /// Fails mostly together with many other tests.
    pub co_failure: Option<String>,
    /// Failures contiguous in time.
    pub time_cluster: Option<String>,
    /// Position in the run separates failures from passes.
    pub order_position: Option<String>,
    /// Messages differ only in their values between runs.
    pub varying_values: Option<String>,
}

impl Signals {
    fn get(&self, signal: Signal) -> Option<&str> {
        match signal {
            Signal::ParallelSensitive => self.parallel_sensitive.as_deref(),
            Signal::CoFailure => self.co_failure.as_deref(),
            Signal::TimeCluster => self.time_cluster.as_deref(),
            Signal::OrderPosition => self.order_position.as_deref(),
            Signal::VaryingValues => self.varying_values.as_deref(),
        }
    }
}

/// Everything known about one test that rules can match.
#[derive(Debug, Clone, Default)]
pub struct Evidence<'a> {
    /// The test's name.
    pub test_name: &'a str,
    /// Its failure texts, oldest run first (a sample is enough).
    pub failures: Vec<FailureText<'a>>,
    /// Outcomes it had in some run: `passed`, `failed`, `errored`, `skipped`.
    pub statuses: Vec<&'static str>,
    /// True when it is flaky (across runs or within one).
    pub flaky: bool,
    /// Run-level signals.
    pub signals: Signals,
}

/// One rule that matched a test.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryMatch {
    /// The category id.
    pub category: String,
    /// The rule's name.
    pub rule: String,
    /// The rule's confidence.
    pub confidence: Confidence,
    /// What matched, in words: "matched message /timed out/: \"...TimeoutError...\"".
    pub evidence: String,
    /// The run whose text matched, when a text matched.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<usize>,
}

/// The categories of one test: every match, highest priority first; the first is primary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TestCategories {
    /// The primary category id (`unknown` for a failing test no rule matched).
    pub primary: String,
    /// Every rule that matched, highest priority first.
    pub matches: Vec<CategoryMatch>,
}

fn compile(
    rule: &Rule,
    field: &'static str,
    pattern: &Option<String>,
) -> Result<Option<Matcher>, RuleError> {
    let Some(pattern) = pattern else {
        return Ok(None);
    };
    let anchored = if rule.full_match {
        format!("(?s)^(?:{pattern})$")
    } else {
        pattern.clone()
    };
    let regex = Regex::new(&anchored).map_err(|e| RuleError {
        rule: rule.name.clone(),
        field,
        message: e.to_string(),
    })?;
    Ok(Some(Matcher {
        prefilter: Prefilter::of(&anchored),
        regex,
    }))
}

/// A short excerpt of `text` from a little before `start`, on one line.
fn excerpt(text: &str, start: usize) -> String {
    let from = text[..start]
        .char_indices()
        .rev()
        .nth(40)
        .map_or(0, |(i, _)| i);
    let snippet: String = text[from..].chars().take(EVIDENCE_CHARS).collect();
    let mut one_line = snippet.split_whitespace().collect::<Vec<_>>().join(" ");
    if from > 0 {
        one_line.insert(0, '…');
    }
    one_line
}

impl RuleSet {
    /// Compiles rules. Patterns use `regex-lite` syntax; matching is linear in the text.
    ///
    /// # Errors
    /// The first rule with an invalid pattern, naming the rule and the matcher.
    pub fn compile(rules: &[Rule]) -> Result<RuleSet, RuleError> {
        let mut compiled = Vec::with_capacity(rules.len());
        for rule in rules {
            compiled.push(Compiled {
                message: compile(rule, "message", &rule.message)?,
                failure_type: compile(rule, "type", &rule.failure_type)?,
                body: compile(rule, "body", &rule.body)?,
                system_err: compile(rule, "system_err", &rule.system_err)?,
                test_name: compile(rule, "test_name", &rule.test_name)?,
                rule: rule.clone(),
            });
        }
        compiled.sort_by_key(|c| std::cmp::Reverse(c.rule.priority));
        let lowercase = compiled.iter().any(|c| {
            [&c.message, &c.failure_type, &c.body, &c.system_err]
                .iter()
                .any(|m| {
                    m.as_ref()
                        .and_then(|m| m.prefilter.as_ref())
                        .is_some_and(Prefilter::case_insensitive)
                })
        });
        Ok(RuleSet {
            rules: compiled,
            lowercase,
        })
    }

    /// The rules, highest priority first.
    pub fn rules(&self) -> impl Iterator<Item = &Rule> {
        self.rules.iter().map(|c| &c.rule)
    }

    /// Categorizes one test. A test with no failure and no failed attempt gets no category
    /// (an empty primary) unless a rule asks for other statuses.
    pub fn categorize(&self, evidence: &Evidence<'_>) -> TestCategories {
        let failing = evidence
            .statuses
            .iter()
            .any(|s| matches!(*s, "failed" | "errored"))
            || evidence.flaky;
        let mut matches: Vec<CategoryMatch> = Vec::new();
        let lowered: Vec<Lowered> = if self.lowercase {
            evidence.failures.iter().map(Lowered::of).collect()
        } else {
            Vec::new()
        };
        for c in &self.rules {
            let statuses_ok = match &c.rule.statuses {
                Some(wanted) => evidence
                    .statuses
                    .iter()
                    .any(|s| wanted.iter().any(|w| w == s)),
                None => failing,
            };
            if !statuses_ok || c.rule.flaky.is_some_and(|f| f != evidence.flaky) {
                continue;
            }
            if let Some(found) = self.evaluate(c, evidence, &lowered) {
                if !matches.iter().any(|m| m.category == c.rule.category) {
                    matches.push(found);
                }
            }
        }
        let primary = match matches.first() {
            Some(m) => m.category.clone(),
            None if failing => "unknown".to_owned(),
            None => String::new(),
        };
        TestCategories { primary, matches }
    }

    fn evaluate(
        &self,
        c: &Compiled,
        evidence: &Evidence<'_>,
        lowered: &[Lowered],
    ) -> Option<CategoryMatch> {
        let mut words: Vec<String> = Vec::new();
        let mut run = None;
        if let Some(signal) = c.rule.signal {
            words.push(evidence.signals.get(signal)?.to_owned());
        }
        if let Some(re) = &c.test_name {
            let lower = evidence.test_name.to_ascii_lowercase();
            let m = re.find(evidence.test_name, Some(&lower))?;
            words.push(format!("matched test name /{}/", m.as_str()));
        }
        let text_matchers = [
            ("message", &c.message),
            ("type", &c.failure_type),
            ("body", &c.body),
            ("system-err", &c.system_err),
        ];
        if text_matchers.iter().any(|(_, re)| re.is_some()) {
            // All text matchers must match the same failure.
            let found = evidence.failures.iter().enumerate().find_map(|(i, f)| {
                let mut parts = Vec::new();
                let low = lowered.get(i);
                for (field, re) in &text_matchers {
                    let Some(re) = re else { continue };
                    let (text, lower) = match *field {
                        "message" => (f.message.unwrap_or(""), low.map(|l| l.message.as_str())),
                        "type" => (
                            f.failure_type.unwrap_or(""),
                            low.map(|l| l.failure_type.as_str()),
                        ),
                        "body" => (f.body, low.map(|l| l.body.as_str())),
                        _ => (
                            f.system_err.unwrap_or(""),
                            low.map(|l| l.system_err.as_str()),
                        ),
                    };
                    // Allure's message rules see the whole failure text; so do ours when a
                    // report puts the message only in the body (jest-junit, Bazel).
                    let (text, lower, shown) = if *field == "message" && text.is_empty() {
                        (
                            f.body,
                            low.map(|l| l.body.as_str()),
                            "message (from the body)",
                        )
                    } else {
                        (text, lower, *field)
                    };
                    let m = re.find(text, lower)?;
                    let matched: String = m.as_str().chars().take(60).collect();
                    parts.push(format!(
                        "matched {shown} /{}/ in \"{}\"",
                        matched.trim(),
                        excerpt(text, m.start())
                    ));
                }
                Some((f.run, parts))
            })?;
            run = Some(found.0);
            words.extend(found.1);
        }
        if words.is_empty() {
            words.push("catch-all rule".to_owned());
        }
        Some(CategoryMatch {
            category: c.rule.category.clone(),
            rule: c.rule.name.clone(),
            confidence: c.rule.confidence,
            evidence: words.join("; "),
            run,
        })
    }
}
