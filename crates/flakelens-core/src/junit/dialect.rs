//! Guessing which tool wrote a report, from its shape.
//!
//! The dialect is informational (shown per run, and in `runs[].dialect`) and tunes a few
//! readings (Playwright's project in the identity). Detection uses signals gathered while
//! streaming; see `junit-dialects.md` in the shared guides for what each producer writes.

use serde::{Deserialize, Serialize};

/// The producer of a JUnit report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Dialect {
    /// Maven Surefire or Failsafe (root `<testsuite>` with Surefire's schema or rerun elements).
    Surefire,
    /// Gradle (root `<testsuite>` with `hostname`, no schema).
    Gradle,
    /// pytest `--junitxml` with `junit_family=xunit1` (`file`/`line` on testcases).
    PytestXunit1,
    /// pytest `--junitxml` with the default `xunit2`.
    PytestXunit2,
    /// go-junit-report (suites with `id` and a `go.version` property).
    GoJunitReport,
    /// gotestsum `--junitfile` (a `go.version` property, no suite `id`).
    Gotestsum,
    /// jest-junit (`<testsuites name="jest tests">`).
    JestJunit,
    /// mocha-junit-reporter (`Mocha Tests`).
    Mocha,
    /// karma-junit-reporter (a `browser.fullName` property).
    Karma,
    /// Vitest's JUnit reporter (`vitest tests`).
    Vitest,
    /// Playwright's JUnit reporter (root with an `id` attribute).
    Playwright,
    /// PHPUnit `--log-junit` (`class`/`assertions` on testcases).
    Phpunit,
    /// googletest (`AllTests`, `status`/`result` on testcases).
    Googletest,
    /// Catch2 (`status="run"` and a `random-seed` property).
    Catch2,
    /// CTest `--output-junit` (`status="fail"`, `disabled` counts).
    Ctest,
    /// Bazel `test.xml` (suite names like `//pkg:target` or paths, no classname).
    Bazel,
    /// cargo-nextest (root with a `uuid`).
    Nextest,
    /// Ant's AntUnit (counts and time as child elements).
    Antunit,
    /// xUnit.net through a JUnit logger (suite names ending in `.dll`).
    XunitNet,
    /// Eclipse's `<testrun>` export.
    Eclipse,
    /// A CTRF JSON report (not XML).
    Ctrf,
    /// None of the above: the common JUnit XML superset.
    Generic,
}

impl Dialect {
    /// The kebab-case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Dialect::Surefire => "surefire",
            Dialect::Gradle => "gradle",
            Dialect::PytestXunit1 => "pytest-xunit1",
            Dialect::PytestXunit2 => "pytest-xunit2",
            Dialect::GoJunitReport => "go-junit-report",
            Dialect::Gotestsum => "gotestsum",
            Dialect::JestJunit => "jest-junit",
            Dialect::Mocha => "mocha",
            Dialect::Karma => "karma",
            Dialect::Vitest => "vitest",
            Dialect::Playwright => "playwright",
            Dialect::Phpunit => "phpunit",
            Dialect::Googletest => "googletest",
            Dialect::Catch2 => "catch2",
            Dialect::Ctest => "ctest",
            Dialect::Bazel => "bazel",
            Dialect::Nextest => "nextest",
            Dialect::Antunit => "antunit",
            Dialect::XunitNet => "xunit-net",
            Dialect::Eclipse => "eclipse",
            Dialect::Ctrf => "ctrf",
            Dialect::Generic => "generic",
        }
    }
}

/// What the reader noticed while streaming, for [`Signals::dialect`].
#[derive(Debug, Default, Clone)]
pub(crate) struct Signals {
    pub root: String,
    pub root_name: Option<String>,
    pub root_has_id: bool,
    pub root_has_uuid: bool,
    pub first_suite_name: Option<String>,
    pub surefire_schema: bool,
    pub suite_has_id: bool,
    pub suite_has_hostname: bool,
    pub suite_has_disabled: bool,
    pub go_version_property: bool,
    pub browser_property: bool,
    pub catch2_property: bool,
    pub testcase_has_class_or_assertions: bool,
    pub testcase_has_file_line: bool,
    pub testcase_without_classname: bool,
    pub status_run: bool,
    pub status_fail: bool,
    pub gtest_result: bool,
    pub retry_elements: bool,
    pub count_children: bool,
}

impl Signals {
    /// The most likely producer.
    pub fn dialect(&self) -> Dialect {
        let root_name = self.root_name.as_deref().unwrap_or("");
        let suite = self.first_suite_name.as_deref().unwrap_or("");
        if self.root == "testrun" {
            return Dialect::Eclipse;
        }
        if self.root_has_uuid {
            return Dialect::Nextest;
        }
        if root_name == "pytest tests" || suite == "pytest" {
            return if self.testcase_has_file_line {
                Dialect::PytestXunit1
            } else {
                Dialect::PytestXunit2
            };
        }
        match root_name {
            "jest tests" => return Dialect::JestJunit,
            "vitest tests" => return Dialect::Vitest,
            "Mocha Tests" => return Dialect::Mocha,
            "AllTests" if self.gtest_result || self.status_run => return Dialect::Googletest,
            _ => {}
        }
        if self.go_version_property {
            return if self.suite_has_id {
                Dialect::GoJunitReport
            } else {
                Dialect::Gotestsum
            };
        }
        if self.browser_property {
            return Dialect::Karma;
        }
        if self.catch2_property {
            return Dialect::Catch2;
        }
        if self.count_children {
            return Dialect::Antunit;
        }
        // Gradle writes hostname and timestamp on its root <testsuite>, Surefire never does;
        // both write rerun elements (Gradle with `mergeReruns`).
        let gradle = self.root == "testsuite" && self.suite_has_hostname && !self.surefire_schema;
        if self.surefire_schema || (self.root == "testsuite" && self.retry_elements && !gradle) {
            return Dialect::Surefire;
        }
        if self.root == "testsuites" && self.root_has_id {
            return Dialect::Playwright;
        }
        if self.retry_elements && !gradle {
            return Dialect::Surefire;
        }
        if self.testcase_has_class_or_assertions {
            return Dialect::Phpunit;
        }
        if self.gtest_result {
            return Dialect::Googletest;
        }
        // Bazel's generated test.xml has status="run" too, but no classname; Catch2 and CTest
        // always write one.
        if self.testcase_without_classname && (suite.starts_with("//") || suite.contains('/')) {
            return Dialect::Bazel;
        }
        if self.status_fail || (self.suite_has_disabled && self.status_run) {
            return Dialect::Ctest;
        }
        if self.status_run {
            return Dialect::Catch2;
        }
        if suite.ends_with(".dll") {
            return Dialect::XunitNet;
        }
        if self.root == "testsuite" && self.suite_has_hostname {
            return Dialect::Gradle;
        }
        Dialect::Generic
    }
}
