//! Merging audits of disjoint run sets.

use std::collections::HashSet;
use std::sync::Arc;

use super::{Audit, AuditError, Privacy};
use crate::analysis::{RunDetail, RunStream};
use crate::model::{Attempt, Failure, FailureKind, Outcome, Run, TestCase, TestKey};
use crate::options::IdentityOptions;
use crate::text::SharedText;

/// Rebuilds the runs an audit describes, from its per-test outcomes, attempts, durations
/// and details, so that it can be analyzed again (with other options, or merged). What the
/// audit left out (passing tests' output, text removed for privacy) stays out.
pub fn runs_of(audit: &Audit) -> Vec<Run> {
    let a = &audit.analysis;
    let mut runs: Vec<Run> = a
        .runs
        .iter()
        .map(|r| Run {
            file: r.file.clone(),
            dialect: r.dialect,
            testcases: Vec::new(),
            testcase_elements: r.testcase_elements,
            partial: r.partial,
            timestamp: r.timestamp.clone(),
            hostname: r.hostname.clone(),
            properties: r.properties.clone(),
        })
        .collect();
    for test in &a.tests {
        // One key per test, shared by its runs.
        let key = TestKey::new(
            Arc::clone(&test.suite),
            Arc::clone(&test.classname),
            Arc::clone(&test.name),
        );
        for (r, outcome) in test.outcomes.iter().enumerate() {
            let (Some(outcome), Some(run)) = (outcome, runs.get_mut(r)) else {
                continue;
            };
            let detail: Option<&RunDetail> = test.details.get(r).and_then(Option::as_ref);
            let attempts = match detail {
                Some(d) => d
                    .attempts
                    .iter()
                    .map(|a| Attempt {
                        outcome: a.status,
                        time_seconds: a.duration_seconds,
                        failures: if a.status.is_failure() {
                            vec![Failure {
                                kind: if a.status == Outcome::Errored {
                                    FailureKind::Error
                                } else {
                                    FailureKind::Failure
                                },
                                message: a.message.as_deref().map(str::to_owned),
                                failure_type: a.failure_type.as_deref().map(str::to_owned),
                                body: a
                                    .trace
                                    .as_ref()
                                    .map(|t| t.text().into_owned())
                                    .unwrap_or_default(),
                            }]
                        } else {
                            Vec::new()
                        },
                        skip_message: None,
                        system_out: a.stdout.as_ref().map(SharedText::to_arc),
                        system_err: a.stderr.as_ref().map(SharedText::to_arc),
                    })
                    .collect(),
                None => test
                    .attempts
                    .get(r)
                    .filter(|list| !list.is_empty())
                    .map(|list| {
                        list.iter()
                            .map(|o| Attempt {
                                outcome: *o,
                                time_seconds: None,
                                failures: Vec::new(),
                                skip_message: None,
                                system_out: None,
                                system_err: None,
                            })
                            .collect()
                    })
                    .unwrap_or_else(|| {
                        smallvec::smallvec![Attempt {
                            outcome: *outcome,
                            time_seconds: None,
                            failures: Vec::new(),
                            skip_message: None,
                            system_out: None,
                            system_err: None,
                        }]
                    }),
            };
            run.testcases.push(TestCase {
                key: key.clone(),
                suite_path: std::sync::Arc::from(""),
                classname_given: true,
                outcome: *outcome,
                flaky_in_run: test.flaky_in_run.get(r).copied().unwrap_or(false),
                attempts,
                time_seconds: test.durations_seconds.get(r),
                elements: 1,
                file: test.file.clone(),
                line: None,
                properties: Vec::new(),
            });
        }
    }
    runs
}

/// Merges audits of disjoint run sets into the audit of all runs, in the order given.
///
/// The runs are rebuilt from each audit's per-test data and analyzed again with the first
/// audit's options (each run keeps its group label), so counts add and every rate, interval
/// and criterion is recomputed. The merged audit keeps text only where every input did.
/// To merge many large audits without holding them all, use [`AuditMerger`].
///
/// # Errors
/// A summary-only audit (nothing per test to merge), or a run that appears in two audits
/// (merging it would count it twice); the error names the run.
pub fn merge(audits: &[Audit]) -> Result<Audit, AuditError> {
    let mut merger = AuditMerger::default();
    for audit in audits {
        merger.add(audit)?;
    }
    Ok(merger.finish())
}

/// [`merge`] one audit at a time: each audit's runs are rebuilt and joined as it is added,
/// so the caller can drop the audit (its JSON and its analysis) before reading the next. The
/// memory held is that of a streaming analysis of the same reports (the failing cases of
/// every run); with timestamp order, every rebuilt run is kept until [`AuditMerger::finish`],
/// which must see them all to order them.
///
/// ```
/// # use flakelens_core::audit::{Audit, AuditMerger};
/// # fn parts() -> Vec<Audit> { Vec::new() }
/// let mut merger = AuditMerger::default();
/// for audit in parts() {
///     merger.add(&audit)?;
/// }
/// let merged: Audit = merger.finish();
/// # Ok::<(), flakelens_core::audit::AuditError>(())
/// ```
#[derive(Default)]
pub struct AuditMerger {
    added: usize,
    seen: HashSet<String>,
    /// The rebuilt runs, joined as they are added (see [`RunStream`]).
    stream: Option<RunStream>,
    options: Option<crate::AnalysisOptions>,
    criteria: Option<super::Criteria>,
    privacy: Privacy,
}

impl std::fmt::Debug for AuditMerger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditMerger")
            .field("added", &self.added)
            .field("runs", &self.seen.len())
            .finish_non_exhaustive()
    }
}

impl AuditMerger {
    /// How many audits were added.
    pub fn added(&self) -> usize {
        self.added
    }

    /// Adds the runs of one audit. The first audit's options and criteria apply to the
    /// merged audit.
    ///
    /// # Errors
    /// As [`merge`]: a summary-only audit, or a run already added; nothing of the audit is
    /// added then.
    pub fn add(&mut self, audit: &Audit) -> Result<(), AuditError> {
        let index = self.added + 1;
        if audit.analysis.runs.is_empty() && audit.summary.is_some() {
            return Err(AuditError::Invalid {
                path: format!("audit {index} (runs)"),
                message: "a summary-only audit has no runs to merge".to_owned(),
            });
        }
        let mut files = HashSet::new();
        for r in &audit.analysis.runs {
            if self.seen.contains(&r.file) || !files.insert(r.file.clone()) {
                return Err(AuditError::Invalid {
                    path: format!("audit {index} (runs)"),
                    message: format!(
                        "run \"{}\" is in more than one audit; merged audits must cover disjoint runs",
                        r.file
                    ),
                });
            }
        }
        let options = self.options.get_or_insert_with(|| {
            let mut options = audit.analysis.options.clone();
            options.identity = IdentityOptions::default();
            options.excluded_runs.clear();
            options
        });
        for r in &audit.analysis.runs {
            options.run_labels.insert(r.file.clone(), r.label.clone());
        }
        self.criteria
            .get_or_insert_with(|| audit.criteria_config.clone());
        self.seen.extend(files);
        self.privacy.messages &= audit.privacy.messages;
        self.privacy.output &= audit.privacy.output;
        let stream = self.stream.get_or_insert_with(|| RunStream::new(options));
        for run in runs_of(audit) {
            stream.push(run, options);
        }
        stream
            .diagnostics
            .extend(audit.analysis.diagnostics.iter().cloned());
        self.added += 1;
        Ok(())
    }

    /// Analyzes every added run again and returns the merged audit.
    pub fn finish(self) -> Audit {
        let options = self.options.unwrap_or_default();
        let stream = self.stream.unwrap_or_else(|| RunStream::new(&options));
        let analysis = stream.finish(&options);
        Audit::new(analysis, self.criteria.unwrap_or_default(), self.privacy)
    }
}
