//! The audit JSON: a versioned, self-describing document of an analysis and its success
//! criteria, which the page renders, the CLI checks and merges, and teams share.
//!
//! # Architecture
//!
//! - [`Audit`] is the document. A **full** audit flattens an [`Analysis`] into its top level
//!   (so `runs[]`, `tests[]` and `diagnostics[]` keep the names of `flakelens analyze
//!   --json`) and adds the schema, the generator, the privacy choices and the criteria. A
//!   **summary-only** audit, like a hand-written stability report, has no runs or tests: only
//!   [`SummaryTables`] and criteria. The page renders both.
//! - `criteria.rs`: [`Criteria`] (configurable, with defaults taken from the hand-written
//!   audit teams write today) and their [`CriterionResult`]s.
//! - `merge.rs`: audits of disjoint run sets merge into the audit of all runs: the runs are
//!   rebuilt from the per-test data and analyzed again, so counts add and every rate is
//!   recomputed from the counts.
//! - `markdown.rs`: the pull-request comment.
//!
//! Reading ([`Audit::from_json`]) checks the size, the schema version and every field's
//! type, and names the JSON path of a fault. Unknown top-level fields are kept in
//! [`Audit::extensions`] and written back; unknown nested fields are ignored, except in
//! `criteria_config` and `options.rules`, where an unknown field is an error: a misspelt
//! criterion or rule would otherwise silently change a verdict.

mod criteria;
mod markdown;
mod merge;
mod sniff;

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

pub use criteria::{Criteria, CriterionResult, CriterionStatus};
pub use markdown::markdown_summary;
pub use merge::{merge, runs_of, AuditMerger};
pub use sniff::{gzipped_audit, looks_like_audit};

use crate::analysis::Analysis;

/// The schema identifier this version writes and reads.
pub const SCHEMA: &str = "flakelens-audit/1";
/// Largest audit document read, in bytes (256 MiB).
pub const MAX_AUDIT_BYTES: usize = 256 << 20;

/// Who wrote the audit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generator {
    /// Tool name.
    pub name: String,
    /// Tool version.
    pub version: String,
}

impl Default for Generator {
    fn default() -> Self {
        Generator {
            name: "flakelens".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }
    }
}

/// What text the audit holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Privacy {
    /// Failure messages and stack traces are included.
    pub messages: bool,
    /// `system-out` and `system-err` are included.
    pub output: bool,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            messages: true,
            output: true,
        }
    }
}

/// One row of a summary-only audit's inventory: tests by area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InventoryRow {
    /// The area, module or kind of test ("Property tests", "API integration").
    pub area: String,
    /// How many tests it holds.
    pub tests: u64,
    /// A remark, such as "84 invariants".
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One row of a summary-only audit's root-cause table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CategoryCount {
    /// The category's name.
    pub name: String,
    /// Flaky tests in it (zero rows are kept).
    pub tests: u64,
    /// Why, or what prevents it ("unique_resource_name fixture prevents").
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// One stability figure: a way the suite was run and what happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StabilityRow {
    /// "Sequential execution", "Parallel execution", "10-run consistency".
    pub name: String,
    /// How many runs, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runs: Option<u64>,
    /// Parallel workers, when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workers: Option<u64>,
    /// Share of tests with identical outcomes, a ratio in \[0, 1\], when stated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consistency: Option<f64>,
    /// The result in words ("all pass").
    pub result: String,
}

/// The tables of a summary-only audit (no per-test data).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SummaryTables {
    /// Tests by area.
    pub inventory: Vec<InventoryRow>,
    /// Root-cause categories with counts, zero rows included.
    pub categories: Vec<CategoryCount>,
    /// Stability figures.
    pub stability: Vec<StabilityRow>,
    /// `@flaky`-style markers or quarantined tests, when counted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub markers: Option<u64>,
    /// Free text: conclusions, prevention patterns.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The audit document (`"schema": "flakelens-audit/1"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Audit {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Who wrote it.
    #[serde(default)]
    pub generator: Generator,
    /// A title, such as "Phase 6 flaky test audit".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// What text it holds.
    #[serde(default)]
    pub privacy: Privacy,
    /// The success criteria, evaluated.
    #[serde(default)]
    pub criteria: Vec<CriterionResult>,
    /// The criteria configuration they were evaluated with.
    #[serde(default)]
    pub criteria_config: Criteria,
    /// Summary tables (the only content of a summary-only audit).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<SummaryTables>,
    /// The analysis; empty in a summary-only audit.
    #[serde(flatten)]
    pub analysis: Analysis,
    /// Unknown top-level fields, kept and written back unchanged.
    #[serde(flatten)]
    pub extensions: BTreeMap<String, serde_json::Value>,
}

/// Why an audit document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuditError {
    /// Larger than [`MAX_AUDIT_BYTES`] (or the caller's limit).
    #[error("the audit is {size} bytes, more than the limit of {limit} bytes")]
    TooLarge {
        /// Its size in bytes.
        size: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Not JSON, or a field of the wrong type.
    #[error("at {path}: {message}")]
    Invalid {
        /// Where the fault is: its JSON path, such as `tests[3].metrics.failure_rate`; or
        /// `line L column C` in the document when it is not JSON at all, and for every fault
        /// when this crate is built without its `json-paths` feature (as in the browser).
        path: String,
        /// What was wrong.
        message: String,
    },
    /// Another schema, or another version of this one.
    #[error("at schema: expected \"{SCHEMA}\", found {found}")]
    WrongSchema {
        /// What the document says (JSON text).
        found: String,
    },
}

impl Audit {
    /// A full audit of `analysis`, its criteria evaluated, with the text `privacy` allows.
    pub fn new(analysis: Analysis, criteria: Criteria, privacy: Privacy) -> Audit {
        let results = criteria.evaluate(&analysis);
        let mut audit = Audit {
            schema: SCHEMA.to_owned(),
            generator: Generator::default(),
            title: None,
            privacy: Privacy::default(),
            criteria: results,
            criteria_config: criteria,
            summary: None,
            analysis,
            extensions: BTreeMap::new(),
        };
        audit.restrict(privacy);
        audit
    }

    /// Leaves out the text `privacy` excludes: failure messages and traces (with the evidence
    /// quotes that repeat them), and `system-out`/`system-err`. Text already left out stays
    /// out.
    pub fn restrict(&mut self, privacy: Privacy) {
        self.privacy.messages &= privacy.messages;
        self.privacy.output &= privacy.output;
        let (messages, output) = (self.privacy.messages, self.privacy.output);
        for test in &mut self.analysis.tests {
            if !messages {
                if let Some(first) = &mut test.first_failure {
                    first.message = None;
                }
                for m in &mut test.categories.matches {
                    // Evidence quotes the matched message; keep only which rule matched.
                    if m.run.is_some() {
                        m.evidence =
                            format!("matched a failure text (rule {}; text left out)", m.rule);
                    }
                }
            }
            for detail in test.details.iter_mut().flatten() {
                for a in &mut detail.attempts {
                    if !messages {
                        a.message = None;
                        a.trace = None;
                    }
                    if !output {
                        a.stdout = None;
                        a.stderr = None;
                    }
                }
            }
        }
    }

    /// True for a summary-only audit: no runs, only tables.
    pub fn is_summary_only(&self) -> bool {
        self.analysis.runs.is_empty() && self.summary.is_some()
    }

    /// True when every criterion passed (criteria that do not apply are not failures).
    pub fn passed(&self) -> bool {
        self.criteria
            .iter()
            .all(|c| c.status != CriterionStatus::Fail)
    }

    /// Reads an audit from JSON text, at most [`MAX_AUDIT_BYTES`].
    ///
    /// # Errors
    /// [`AuditError`] naming the JSON path: too large, not JSON, a wrong type, or another
    /// schema version.
    pub fn from_json(text: &str) -> Result<Audit, AuditError> {
        Audit::from_json_limited(text, MAX_AUDIT_BYTES)
    }

    /// [`Audit::from_json`] with a size limit in bytes.
    ///
    /// # Errors
    /// As [`Audit::from_json`].
    pub fn from_json_limited(text: &str, limit: usize) -> Result<Audit, AuditError> {
        if text.len() > limit {
            return Err(AuditError::TooLarge {
                size: text.len(),
                limit,
            });
        }
        // The top level is split into raw JSON slices that borrow the text: no tree of
        // `serde_json::Value`s (building and dropping one cost more than the typed read).
        let top: IndexMap<String, &RawValue> =
            serde_json::from_str(text).map_err(|e| AuditError::Invalid {
                path: format!("line {} column {}", e.line(), e.column()),
                message: without_position(e.to_string()),
            })?;
        // The schema first, so a document of another version gets that error rather than a
        // confusing type error deeper down.
        match top.get("schema") {
            Some(raw) => match serde_json::from_str::<&str>(raw.get()) {
                Ok(s) if s == SCHEMA => {}
                _ => {
                    return Err(AuditError::WrongSchema {
                        found: raw.get().to_owned(),
                    })
                }
            },
            None => {
                return Err(AuditError::WrongSchema {
                    found: "nothing (no schema field)".to_owned(),
                })
            }
        }
        // Deserialize the head and the analysis separately, each from an object of its own
        // keys: `flatten` would hide the JSON path of a fault inside the analysis.
        let mut head = Rebuilt::new(text, 0);
        let mut body = Rebuilt::new(text, text.len());
        let mut extensions = BTreeMap::new();
        for (key, raw) in &top {
            let target = if HEAD_KEYS.contains(&key.as_str()) {
                &mut head
            } else if ANALYSIS_KEYS.contains(&key.as_str()) {
                &mut body
            } else {
                let value = serde_json::from_str(raw.get()).map_err(|e| AuditError::Invalid {
                    path: key.clone(),
                    message: e.to_string(),
                })?;
                extensions.insert(key.clone(), value);
                continue;
            };
            target.push(key, raw);
        }
        drop(top);
        let head: AuditHead = path_error(&head.finish())?;
        let analysis: Analysis = path_error(&body.finish())?;
        Ok(Audit {
            schema: head.schema,
            generator: head.generator,
            title: head.title,
            privacy: head.privacy,
            criteria: head.criteria,
            criteria_config: head.criteria_config,
            summary: head.summary,
            analysis,
            extensions,
        })
    }

    /// Writes the audit as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|e| json_error(&e))
    }

    /// Writes the audit as JSON without indentation: the same document, about a third
    /// smaller (for machine-read files such as CI artifacts).
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|e| json_error(&e))
    }
}

/// serde_json's message without its trailing " at line L column C": the error's path says
/// where instead.
fn without_position(message: String) -> String {
    match message.rsplit_once(" at line ") {
        Some((head, _)) => head.to_owned(),
        None => message,
    }
}

/// Serializing plain data cannot fail; say so in the output rather than panic if it ever does.
fn json_error(e: &serde_json::Error) -> String {
    format!("{{\"schema\": \"{SCHEMA}\", \"error\": \"{e}\"}}")
}

/// A JSON object rebuilt from members of a document (borrowed slices of it), and where each
/// member's value came from, so that a position in the object can be told in the document.
struct Rebuilt<'a> {
    document: &'a str,
    text: String,
    /// Each value's offset in `text` and in `document`, in order.
    values: Vec<(usize, usize)>,
}

impl<'a> Rebuilt<'a> {
    fn new(document: &'a str, capacity: usize) -> Rebuilt<'a> {
        let mut text = String::with_capacity(capacity + 2);
        text.push('{');
        Rebuilt {
            document,
            text,
            values: Vec::new(),
        }
    }

    /// Adds the member `key`: `value`, a slice of the document.
    fn push(&mut self, key: &str, value: &RawValue) {
        if self.text.len() > 1 {
            self.text.push(',');
        }
        self.text
            .push_str(&serde_json::Value::from(key).to_string());
        self.text.push(':');
        let in_document = (value.get().as_ptr() as usize)
            .saturating_sub(self.document.as_ptr() as usize)
            .min(self.document.len());
        self.values.push((self.text.len(), in_document));
        self.text.push_str(value.get());
    }

    fn finish(mut self) -> Rebuilt<'a> {
        self.text.push('}');
        self
    }

    /// The document's `(line, column)` of serde_json's `(line, column)` in the rebuilt text.
    /// Both count as serde_json does: lines from 1, columns in bytes from the line's start.
    #[cfg_attr(feature = "json-paths", allow(dead_code))]
    fn document_position(&self, line: usize, column: usize) -> (usize, usize) {
        let line_start = match line {
            0 | 1 => 0,
            n => self
                .text
                .match_indices('\n')
                .nth(n - 2)
                .map_or(self.text.len(), |(i, _)| i + 1),
        };
        let at = (line_start + column.saturating_sub(1)).min(self.text.len());
        // The value `at` falls in (a fault is always inside one; the separators between them
        // are our own).
        let (in_text, in_document) = self
            .values
            .iter()
            .rev()
            .find(|(in_text, _)| *in_text <= at)
            .copied()
            .unwrap_or((0, 0));
        let at = (in_document + (at - in_text)).min(self.document.len());
        let before = &self.document.as_bytes()[..at];
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |i| i + 1);
        (
            memchr::memchr_iter(b'\n', before).count() + 1,
            at - line_start + 1,
        )
    }
}

/// Deserializes a rebuilt object with the JSON path of any fault. serde_json's own "at line L
/// column C" would point into the rebuilt text, not the document: it is left out.
///
/// The object is read plainly first: tracking the path made merging 20 audits 12–16% slower.
/// Only an object with a fault is read again, with the path tracked, to name it.
#[cfg(feature = "json-paths")]
fn path_error<T: serde::de::DeserializeOwned>(rebuilt: &Rebuilt) -> Result<T, AuditError> {
    serde_json::from_str(&rebuilt.text).or_else(|_| {
        let mut de = serde_json::Deserializer::from_str(&rebuilt.text);
        serde_path_to_error::deserialize(&mut de).map_err(|e| AuditError::Invalid {
            path: e.path().to_string(),
            message: without_position(e.inner().to_string()),
        })
    })
}

/// Deserializes a rebuilt object with the document's line and column of any fault (without
/// the `json-paths` feature: its path tracking is about a fifth of the worker's wasm).
#[cfg(not(feature = "json-paths"))]
fn path_error<T: serde::de::DeserializeOwned>(rebuilt: &Rebuilt) -> Result<T, AuditError> {
    serde_json::from_str(&rebuilt.text).map_err(|e| {
        let (line, column) = rebuilt.document_position(e.line(), e.column());
        AuditError::Invalid {
            path: format!("line {line} column {column}"),
            message: without_position(e.to_string()),
        }
    })
}

/// The audit's own fields, read apart from the analysis.
#[derive(Deserialize)]
struct AuditHead {
    schema: String,
    #[serde(default)]
    generator: Generator,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    privacy: Privacy,
    #[serde(default)]
    criteria: Vec<CriterionResult>,
    #[serde(default)]
    criteria_config: Criteria,
    #[serde(default)]
    summary: Option<SummaryTables>,
}

/// Top-level keys of the audit's own fields.
const HEAD_KEYS: &[&str] = &[
    "schema",
    "generator",
    "title",
    "privacy",
    "criteria",
    "criteria_config",
    "summary",
];

/// Top-level keys of the flattened analysis.
const ANALYSIS_KEYS: &[&str] = &[
    "options",
    "runs",
    "tests",
    "totals",
    "consistency",
    "groups",
    "comparisons",
    "clusters",
    "category_list",
    "categories",
    "suite_tree",
    "diagnostics",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// A pretty audit whose fifth line is `    {"id": 3}`: `id` must be a string. The `3` is
    /// the twelfth byte of that line.
    const FAULTY: &str = "{\n  \"schema\": \"flakelens-audit/1\",\n  \"title\": \"t\",\n  \"tests\": [\n    {\"id\": 3}\n  ]\n}";

    #[test]
    fn a_fault_in_a_rebuilt_object_is_placed_in_the_document() {
        let top: IndexMap<String, &RawValue> = serde_json::from_str(FAULTY).expect("json");
        let mut body = Rebuilt::new(FAULTY, 0);
        body.push("tests", top["tests"]);
        let body = body.finish();
        assert_eq!(body.text, "{\"tests\":[\n    {\"id\": 3}\n  ]}");
        let e = serde_json::from_str::<Analysis>(&body.text).expect_err("a fault");
        // In the rebuilt text the `3` is on line 2.
        assert_eq!((e.line(), e.column()), (2, 12));
        assert_eq!(body.document_position(e.line(), e.column()), (5, 12));
        // On one line: the `3` is byte 72 of the document (71 bytes before it).
        let one_line = FAULTY.replace('\n', "");
        let top: IndexMap<String, &RawValue> = serde_json::from_str(&one_line).expect("json");
        let mut body = Rebuilt::new(&one_line, 0);
        body.push("tests", top["tests"]);
        let body = body.finish();
        let e = serde_json::from_str::<Analysis>(&body.text).expect_err("a fault");
        assert_eq!(body.document_position(e.line(), e.column()), (1, 72));
    }

    #[test]
    fn an_audit_fault_is_named_by_path_or_by_line_and_column() {
        let message = Audit::from_json(FAULTY).expect_err("a fault").to_string();
        #[cfg(feature = "json-paths")]
        assert!(
            message.starts_with("at tests[0].id: invalid type: integer `3`, expected a string"),
            "{message}"
        );
        #[cfg(not(feature = "json-paths"))]
        assert!(
            message
                .starts_with("at line 5 column 12: invalid type: integer `3`, expected a string"),
            "{message}"
        );
    }
}
