//! Categories, rules, the defaults, and rule files.

use serde::{Deserialize, Serialize};

/// A root-cause category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    /// A stable kebab-case id, such as `async-wait`.
    pub id: String,
    /// The name shown to people, such as "Async wait / timeout".
    pub name: String,
    /// One line on what belongs here.
    #[serde(default)]
    pub description: String,
}

/// How much a match says: a specific error text is high, a code pattern or a run-level
/// signal is medium or low.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Confidence {
    /// A weak hint.
    Low,
    /// A likely cause.
    Medium,
    /// A specific, reliable text.
    High,
}

/// A run-level signal a rule can match on, computed from all the runs rather than one text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Signal {
    /// Fails only, or significantly more, in a group whose label mentions `parallel`.
    ParallelSensitive,
    /// Fails mostly in runs where many other tests fail too (systemic).
    CoFailure,
    /// Its failures are contiguous in run-timestamp order, with passes around them.
    TimeCluster,
    /// Its position within the run separates failing runs from passing ones.
    OrderPosition,
    /// Its failure messages are the same text with different numbers in each run.
    VaryingValues,
}

/// One categorization rule. Text matchers are regular expressions (`regex-lite` syntax)
/// searched anywhere in the text; all given matchers must match (AND); a rule with no text
/// matcher and no signal matches every failing test (a catch-all).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// A unique name, shown as the evidence ("matched message /timed out/ by rule ...").
    pub name: String,
    /// The category id it assigns.
    pub category: String,
    /// Higher wins when several rules match; user rules default above all defaults.
    #[serde(default)]
    pub priority: i32,
    /// How much a match says.
    #[serde(default = "medium")]
    pub confidence: Confidence,
    /// Pattern for the failure `message` (or, for CTRF, the message).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Pattern for the failure `type` (an exception class).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub failure_type: Option<String>,
    /// Pattern for the failure body (stack trace, pytest's source excerpt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    /// Pattern for `system-err`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_err: Option<String>,
    /// Pattern for the test name (synthetic cases such as `[build failed]`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test_name: Option<String>,
    /// A run-level signal that must hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signal: Option<Signal>,
    /// Only tests with one of these outcomes in some run: `failed`, `errored` (Allure's
    /// `broken`), `skipped`, `passed`. Default: `failed` and `errored`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statuses: Option<Vec<String>>,
    /// Only flaky tests (true) or only non-flaky ones (false), as Allure's `flaky`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flaky: Option<bool>,
    /// Match the whole text rather than any part of it (Allure's semantics).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub full_match: bool,
}

fn medium() -> Confidence {
    Confidence::Medium
}

/// The default taxonomy, in display order. `unknown` is last.
pub fn default_categories() -> Vec<Category> {
    [
        (
            "async-wait",
            "Async wait / timeout",
            "a wait, poll or deadline that was too tight for the run's speed",
        ),
        (
            "concurrency",
            "Race condition / concurrency",
            "threads or processes interleaving on shared state",
        ),
        (
            "time",
            "Time dependency",
            "depends on the wall clock, time zones or calendar boundaries",
        ),
        (
            "network",
            "External dependency / network",
            "a service, socket or host that did not answer as expected",
        ),
        (
            "non-deterministic-data",
            "Non-deterministic data",
            "randomness, unordered collections or floating point",
        ),
        (
            "test-order",
            "Fixture / test-order dependency / isolation",
            "state left by other tests, or shared fixtures and resources",
        ),
        (
            "resource-leak",
            "Resource leak",
            "files, sockets, connections or memory not released",
        ),
        (
            "infrastructure",
            "Infrastructure / environment",
            "out of memory, killed, disk full, runner lost",
        ),
        (
            "setup",
            "Setup / collection errors",
            "build failures, hook failures and collection errors reported as testcases",
        ),
        ("unknown", "Unknown", "no rule matched"),
    ]
    .into_iter()
    .map(|(id, name, description)| Category {
        id: id.to_owned(),
        name: name.to_owned(),
        description: description.to_owned(),
    })
    .collect()
}

struct R {
    name: &'static str,
    category: &'static str,
    priority: i32,
    confidence: Confidence,
    message: Option<&'static str>,
    failure_type: Option<&'static str>,
    body: Option<&'static str>,
    system_err: Option<&'static str>,
    test_name: Option<&'static str>,
    signal: Option<Signal>,
}

const fn r(name: &'static str, category: &'static str, priority: i32, confidence: Confidence) -> R {
    R {
        name,
        category,
        priority,
        confidence,
        message: None,
        failure_type: None,
        body: None,
        system_err: None,
        test_name: None,
        signal: None,
    }
}

/// The default rules. Each is tested on a realistic message from a real tool in this
/// module's tests. Texts are matched case-sensitively unless the pattern starts with `(?i)`.
pub fn default_rules() -> Vec<Rule> {
    use Confidence::{High, Low, Medium};
    let any_text = |rule: R, pattern: &'static str| R {
        message: Some(pattern),
        failure_type: None,
        ..rule
    };
    let rules: Vec<R> = vec![
        // Setup / collection: synthetic testcases that are not tests.
        R {
            test_name: Some(
                r"^\[(build|setup) failed\]$|^Test execution failure|^<init>$|^(setUpClass|tearDownClass|setUpModule|tearDownModule) ",
            ),
            ..r("synthetic-testcase", "setup", 100, High)
        },
        any_text(
            r("hook-or-collection-failure", "setup", 99, High),
            r#"(?i)collection failure|error collecting|ImportError while importing test module|\b(before|after)(All|Each)\b.*hook|"(before|after) (all|each)" hook|fixture '[^']+' not found|could be caused by test hooks|setup failed|build failed"#,
        ),
        // Infrastructure / environment.
        any_text(
            r("resource-exhausted-or-killed", "infrastructure", 90, High),
            r"(?i)OutOfMemoryError(: Java heap space)?|\bOOMKilled\b|Cannot allocate memory|\bMemoryError\b|\bKilled\b|SIGKILL|signal 9\b|exit code 137|No space left on device|\bENOSPC\b|disk (is )?full|runner (was )?lost|lost communication with the server|has received a shutdown signal|Segmentation fault|SIGSEGV|core dumped",
        ),
        // External dependency / network.
        any_text(
            r("connection-error", "network", 80, High),
            r"(?i)\bECONNREFUSED\b|\bECONNRESET\b|\bETIMEDOUT\b|\bEHOSTUNREACH\b|\bENOTFOUND\b|ConnectionRefusedError|ConnectionResetError|ConnectException|Connection refused|Connection reset|connection (was )?closed|UnknownHostException|Name or service not known|getaddrinfo|Temporary failure in name resolution|SSLError|SSLHandshakeException|certificate verify failed|socket hang up|Broken pipe|\b(502 Bad Gateway|503 Service Unavailable|504 Gateway Time-?out)\b|\b429 Too Many Requests\b|Too Many Requests",
        ),
        // Race condition / concurrency.
        any_text(
            r("race-detector", "concurrency", 78, High),
            r"WARNING: DATA RACE|ThreadSanitizer|data race",
        ),
        any_text(
            r("concurrent-state", "concurrency", 75, High),
            r"(?i)ConcurrentModificationException|\bdeadlock\b|race condition|InterruptedException|lost \d+ updates?|dictionary changed size during iteration|concurrent map (read and map write|writes|iteration and map write)|StaleElementReferenceException",
        ),
        // Time dependency.
        any_text(
            r("clock-and-calendar", "time", 70, Medium),
            r"(?i)\bDST\b|daylight saving|time ?zone|\btzinfo\b|ZoneId|clock skew|midnight|leap (year|second)",
        ),
        any_text(
            r("datetime-assert", "time", 68, Medium),
            r"datetime\.(datetime|date)\([^)]*\)\s*[=!]=\s*datetime\.(datetime|date)\(|expected:?\s*<?\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}[^>]*>?\s*but was:?\s*<?\d{4}-\d{2}-\d{2}",
        ),
        // Async wait / timeout.
        any_text(
            r("timeout", "async-wait", 60, High),
            r"(?i)\bTimeoutError\b|TimeoutException|WaitTimeoutException|\bFailed: Timeout >|Timeout of \d+ ?ms exceeded|Timeout \d+ ?ms exceeded|timed? ?out after|\btimed out\b|deadline exceeded|DeadlineExceeded|exceeded timeout|condition did not pass in|waiting for .* to be",
        ),
        any_text(
            r("ui-wait", "async-wait", 58, Medium),
            r"toBeVisible|toHaveText|waitForSelector|waitFor\(|locator\.[a-zA-Z]+: Timeout|element (is )?not (yet )?(visible|attached|clickable)|ElementNotInteractableException|NoSuchElementException",
        ),
        // Resource leak.
        any_text(
            r("leak", "resource-leak", 55, Medium),
            r"(?i)Too many open files|\bEMFILE\b|ResourceWarning|unclosed (file|socket|transport|connection)|(memory|handle|thread|connection|goroutine) leak|leaked (memory|handles?|threads?|connections?|goroutines?)|connection pool exhausted|pool (is )?exhausted|too many clients|Metaspace",
        ),
        // Non-deterministic data.
        any_text(
            r("property-based-shrink", "non-deterministic-data", 50, High),
            r"Falsifying example|Hypothesis|minimal failing input|proptest: |Test failed: .* minimal failing input|quickcheck|(?i)random seed|randomly-seed|seed[=:] ?\d+",
        ),
        any_text(
            r("float-tolerance", "non-deterministic-data", 48, Medium),
            r"(?i)assertAlmostEqual|not almost equal|approx\(|pytest\.approx|within tolerance|0\.30000000000000004|relative tolerance|ulps|within \d+ places",
        ),
        // Fixture / test order / isolation.
        any_text(
            r("leftover-state", "test-order", 45, Medium),
            r"(?i)already exists|Address already in use|\bEADDRINUSE\b|port \d+ (is )?(already )?in use|address in use|duplicate key value|UniqueViolation|IntegrityError|UNIQUE constraint failed|polluted|left ?over|not cleaned up|from (a|an) (previous|earlier|other) test|test isolation",
        ),
        R {
            signal: Some(Signal::ParallelSensitive),
            ..r("fails-in-parallel-only", "test-order", 40, Medium)
        },
        // Systemic: many tests fail in the same runs.
        R {
            signal: Some(Signal::CoFailure),
            ..r("co-failure-with-many-tests", "infrastructure", 22, Low)
        },
        // Code patterns in the failing test's body (pytest prints the test's source).
        R {
            body: Some(
                r"threading\.Thread|ThreadPoolExecutor|ExecutorService|new Thread\(|std::thread|tokio::spawn|go func\(|multiprocessing\.|parallelStream\(|Promise\.all\(",
            ),
            ..r("threads-in-failing-code", "concurrency", 30, Medium)
        },
        R {
            body: Some(
                r"\brandom\.(random|randint|randrange|choice|choices|sample|shuffle|uniform)\(|Math\.random\(|new Random\(|np\.random|rand::random|rand::thread_rng|faker\.",
            ),
            ..r(
                "randomness-in-failing-code",
                "non-deterministic-data",
                28,
                Medium,
            )
        },
        R {
            body: Some(
                r"time\.time\(\)|datetime\.now\(|datetime\.utcnow\(|date\.today\(|LocalDate(Time)?\.now\(|Instant\.now\(|System\.currentTimeMillis\(|new Date\(\)|Date\.now\(\)|time\.Now\(\)",
            ),
            ..r("clock-in-failing-code", "time", 26, Low)
        },
        R {
            signal: Some(Signal::VaryingValues),
            ..r(
                "values-vary-between-runs",
                "non-deterministic-data",
                20,
                Low,
            )
        },
        R {
            signal: Some(Signal::OrderPosition),
            ..r("position-in-run-decides", "test-order", 15, Low)
        },
        R {
            signal: Some(Signal::TimeCluster),
            ..r("failures-cluster-in-time", "time", 12, Low)
        },
    ];
    rules
        .into_iter()
        .map(|r| Rule {
            name: r.name.to_owned(),
            category: r.category.to_owned(),
            priority: r.priority,
            confidence: r.confidence,
            message: r.message.map(str::to_owned),
            failure_type: r.failure_type.map(str::to_owned),
            body: r.body.map(str::to_owned),
            system_err: r.system_err.map(str::to_owned),
            test_name: r.test_name.map(str::to_owned),
            signal: r.signal,
            statuses: None,
            flaky: None,
            full_match: false,
        })
        .collect()
}

/// A rules file: flakelens's own format, or Allure's `categories.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct RulesFile {
    /// Extra categories (rules may also name default ones).
    #[serde(default)]
    pub categories: Vec<Category>,
    /// The rules; they rank above the defaults unless they set a priority.
    #[serde(default)]
    pub rules: Vec<Rule>,
    /// Drop the default rules (the default categories stay, for the zero rows).
    #[serde(default)]
    pub replace_defaults: bool,
}

/// One entry of Allure's `categories.json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct AllureCategory {
    name: String,
    #[serde(default)]
    matched_statuses: Option<Vec<String>>,
    #[serde(default)]
    message_regex: Option<String>,
    #[serde(default)]
    trace_regex: Option<String>,
    #[serde(default)]
    flaky: Option<bool>,
}

/// Priority given to the first user rule; later ones get one less each, so file order
/// decides among them (Allure: the first matching category wins).
pub(crate) const USER_PRIORITY: i32 = 1000;

/// Reads a rules file: flakelens JSON (`{"rules": [...]}`), or Allure's `categories.json` (a
/// top-level array of `{name, matchedStatuses, messageRegex, traceRegex, flaky}`). Allure's
/// regexes match the whole message or trace, as in Allure; its `broken` status is our
/// `errored`.
///
/// # Errors
/// A message naming the JSON path of the fault, when the text is not one of the two formats.
pub fn parse_rules_file(text: &str) -> Result<RulesFile, String> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') {
        let allure: Vec<AllureCategory> = serde_json::from_str(text)
            .map_err(|e| format!("not an Allure categories.json: {e}"))?;
        let mut file = RulesFile::default();
        for (i, c) in allure.into_iter().enumerate() {
            let id = slug(&c.name);
            file.categories.push(Category {
                id: id.clone(),
                name: c.name.clone(),
                description: "from Allure categories.json".to_owned(),
            });
            file.rules.push(Rule {
                name: format!("allure: {}", c.name),
                category: id,
                priority: USER_PRIORITY - i32::try_from(i).unwrap_or(0),
                confidence: Confidence::High,
                message: c.message_regex,
                failure_type: None,
                body: c.trace_regex,
                system_err: None,
                test_name: None,
                signal: None,
                statuses: c.matched_statuses.map(|s| {
                    s.into_iter()
                        .map(|s| {
                            if s == "broken" {
                                "errored".to_owned()
                            } else {
                                s
                            }
                        })
                        .collect()
                }),
                flaky: c.flaky,
                full_match: true,
            });
        }
        return Ok(file);
    }
    let mut file: RulesFile =
        serde_json::from_str(text).map_err(|e| format!("not a flakelens rules file: {e}"))?;
    for (i, rule) in file.rules.iter_mut().enumerate() {
        if rule.priority == 0 {
            rule.priority = USER_PRIORITY - i32::try_from(i).unwrap_or(0);
        }
    }
    Ok(file)
}

/// `Infrastructure problems` → `infrastructure-problems`.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::categories::{Evidence, FailureText, RuleSet};

    /// The category the default rules give a test failing with this message (and type).
    fn categorize(message: &str, failure_type: Option<&str>, body: &str) -> (String, String) {
        let rules = RuleSet::compile(&default_rules()).expect("defaults compile");
        let evidence = Evidence {
            test_name: "test_x",
            failures: vec![FailureText {
                run: 0,
                message: Some(message),
                failure_type,
                body,
                system_err: None,
            }],
            statuses: vec!["failed"],
            ..Evidence::default()
        };
        let found = rules.categorize(&evidence);
        let rule = found
            .matches
            .first()
            .map(|m| m.rule.clone())
            .unwrap_or_default();
        (found.primary, rule)
    }

    fn assert_rule(message: &str, category: &str, rule: &str) {
        assert_eq!(
            categorize(message, None, ""),
            (category.to_owned(), rule.to_owned()),
            "{message}"
        );
    }

    #[test]
    fn every_default_rule_on_a_real_message() {
        // go-junit-report and jest-junit synthetic testcases are matched by name below.
        assert_rule(
            "ERROR collecting tests/test_api.py - ModuleNotFoundError: No module named 'requests'",
            "setup",
            "hook-or-collection-failure",
        );
        assert_rule(
            r#""before all" hook for "renders the header""#,
            "setup",
            "hook-or-collection-failure",
        );
        assert_rule(
            "java.lang.OutOfMemoryError: Java heap space",
            "infrastructure",
            "resource-exhausted-or-killed",
        );
        assert_rule(
            "Error: Process completed with exit code 137.",
            "infrastructure",
            "resource-exhausted-or-killed",
        );
        assert_rule(
            "OSError: [Errno 28] No space left on device",
            "infrastructure",
            "resource-exhausted-or-killed",
        );
        assert_rule(
            "java.net.ConnectException: Connection refused (Connection refused)",
            "network",
            "connection-error",
        );
        assert_rule(
            "connect ECONNREFUSED 127.0.0.1:5432",
            "network",
            "connection-error",
        );
        assert_rule(
            "requests.exceptions.SSLError: HTTPSConnectionPool(host='api.example.com', port=443)",
            "network",
            "connection-error",
        );
        assert_rule(
            "WARNING: DATA RACE\nWrite at 0x00c0000a4010 by goroutine 7:\n  main.increment()",
            "concurrency",
            "race-detector",
        );
        assert_rule(
            "java.util.ConcurrentModificationException",
            "concurrency",
            "concurrent-state",
        );
        assert_rule(
            "RuntimeError: dictionary changed size during iteration",
            "concurrency",
            "concurrent-state",
        );
        assert_rule(
            "fatal error: concurrent map writes",
            "concurrency",
            "concurrent-state",
        );
        assert_rule(
            "AssertionError: expected 2024-03-10 02:30 to exist, but the clock jumped (DST)",
            "time",
            "clock-and-calendar",
        );
        // A time assert written without freezegun: the day changed between two reads.
        assert_rule(
            "assert datetime.date(2026, 11, 29) == datetime.date(2026, 11, 30)",
            "time",
            "datetime-assert",
        );
        assert_rule(
            "expected:<2024-01-31T23:59:59> but was:<2024-02-01T00:00:00>",
            "time",
            "datetime-assert",
        );
        // pytest-timeout.
        assert_rule("Failed: Timeout >5.0s", "async-wait", "timeout");
        assert_rule(
            "geb.waiting.WaitTimeoutException: condition did not pass in 600 seconds",
            "async-wait",
            "timeout",
        );
        assert_rule("Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure \"done()\" is called", "async-wait", "timeout");
        assert_rule(
            "selenium.common.exceptions.NoSuchElementException: Message: no such element",
            "async-wait",
            "ui-wait",
        );
        assert_rule(
            "OSError: [Errno 24] Too many open files",
            "resource-leak",
            "leak",
        );
        assert_rule(
            "ResourceWarning: unclosed <socket.socket fd=3, family=2, type=1>",
            "resource-leak",
            "leak",
        );
        // A Hypothesis falsifying example.
        assert_rule(
            "Falsifying example: test_sort_is_idempotent(xs=[0, -1])",
            "non-deterministic-data",
            "property-based-shrink",
        );
        assert_rule(
            "Test failed: assertion failed: a + b > a; minimal failing input: a = 0, b = 0",
            "non-deterministic-data",
            "property-based-shrink",
        );
        assert_rule(
            "AssertionError: 0.1 != 0.10000001 within 7 places (9.999999994736442e-09 difference)",
            "non-deterministic-data",
            "float-tolerance",
        );
        // A port already in use.
        assert_rule(
            "OSError: [Errno 98] Address already in use",
            "test-order",
            "leftover-state",
        );
        assert_rule("psycopg2.errors.UniqueViolation: duplicate key value violates unique constraint \"users_email_key\"", "test-order", "leftover-state");
    }

    #[test]
    fn code_patterns_in_the_body() {
        let body =
            "def test_counter():\n    workers = [threading.Thread(target=hit) for _ in range(4)]";
        assert_eq!(
            categorize("assert 7 == 8", None, body).1,
            "threads-in-failing-code"
        );
        let body = "    ids = [random.choice(range(32)) for _ in range(5)]";
        assert_eq!(
            categorize("assert 4 == 5", None, body).1,
            "randomness-in-failing-code"
        );
        let body = "    stamp = datetime.now()";
        assert_eq!(
            categorize("assert 1 == 2", None, body).1,
            "clock-in-failing-code"
        );
        assert_eq!(categorize("assert 1 == 2", None, "").0, "unknown");
    }

    #[test]
    fn synthetic_testcases_by_name() {
        let rules = RuleSet::compile(&default_rules()).expect("defaults compile");
        for name in [
            "[build failed]",
            "Test execution failure: could be caused by test hooks like 'afterAll'.",
        ] {
            let evidence = Evidence {
                test_name: name,
                failures: vec![FailureText {
                    run: 0,
                    message: Some("x"),
                    ..FailureText::default()
                }],
                statuses: vec!["errored"],
                ..Evidence::default()
            };
            assert_eq!(rules.categorize(&evidence).primary, "setup", "{name}");
        }
    }

    #[test]
    fn evidence_names_the_matched_text() {
        let rules = RuleSet::compile(&default_rules()).expect("defaults compile");
        let evidence = Evidence {
            test_name: "t",
            failures: vec![FailureText {
                run: 3,
                message: Some("requests.exceptions.ReadTimeout: Read timed out. (read timeout=5)"),
                ..FailureText::default()
            }],
            statuses: vec!["failed"],
            ..Evidence::default()
        };
        let found = rules.categorize(&evidence);
        assert_eq!(found.primary, "async-wait");
        assert_eq!(found.matches[0].run, Some(3));
        assert!(
            found.matches[0]
                .evidence
                .starts_with("matched message /timed out/ in "),
            "{}",
            found.matches[0].evidence
        );
    }

    #[test]
    fn a_bad_pattern_names_its_rule() {
        let mut rule = default_rules().remove(0);
        rule.name = "mine".into();
        rule.message = Some("(unclosed".into());
        let err = RuleSet::compile(&[rule]).expect_err("invalid");
        assert_eq!(err.rule, "mine");
        assert!(err
            .to_string()
            .starts_with("rule \"mine\": message pattern is invalid"));
    }

    #[test]
    fn allure_categories_json() {
        // The example from Allure's documentation, shortened.
        let text = r#"[
          {"name": "Ignored tests", "matchedStatuses": ["skipped"]},
          {"name": "Infrastructure problems", "matchedStatuses": ["broken", "failed"], "messageRegex": ".*bye-bye.*"},
          {"name": "Outdated tests", "matchedStatuses": ["broken"], "traceRegex": ".*FileNotFoundException.*"},
          {"name": "Product defects", "matchedStatuses": ["failed"]}
        ]"#;
        let file = parse_rules_file(text).expect("Allure format");
        assert_eq!(file.categories[1].id, "infrastructure-problems");
        assert_eq!(
            file.rules[1].statuses.as_deref(),
            Some(&["errored".to_owned(), "failed".to_owned()][..])
        );
        let rules = RuleSet::compile(&file.rules).expect("compiles");
        let evidence = |message: &'static str, status: &'static str| Evidence {
            test_name: "t",
            failures: vec![FailureText {
                run: 0,
                message: Some(message),
                ..FailureText::default()
            }],
            statuses: vec![status],
            ..Evidence::default()
        };
        assert_eq!(
            rules
                .categorize(&evidence("server said bye-bye", "errored"))
                .primary,
            "infrastructure-problems"
        );
        // Allure regexes match the whole message: "bye" alone is not ".*bye-bye.*".
        assert_eq!(
            rules.categorize(&evidence("bye", "failed")).primary,
            "product-defects"
        );
        assert_eq!(
            rules.categorize(&evidence("", "skipped")).primary,
            "ignored-tests"
        );
    }

    #[test]
    fn flakelens_rules_file_and_its_errors() {
        let file = parse_rules_file(
            r#"{"rules": [{"name": "db", "category": "network", "message": "OperationalError"}]}"#,
        )
        .expect("valid");
        assert_eq!(file.rules[0].priority, USER_PRIORITY);
        let err = parse_rules_file(
            r#"{"rules": [{"name": "db", "category": "network", "mesage": "x"}]}"#,
        )
        .expect_err("unknown field");
        assert!(err.contains("unknown field `mesage`"), "{err}");
    }
}
