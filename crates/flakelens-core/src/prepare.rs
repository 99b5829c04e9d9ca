//! Preparing runs for cross-run statistics: the chosen test identity, and shards of one
//! logical run merged into one run.

use std::collections::HashMap;
use std::sync::Arc;

use crate::diagnostic::{Diagnostic, Severity};
use crate::model::{Outcome, Run, TestCase, TestKey};
use crate::options::{AnalysisOptions, IdentityOptions, SuitePart};

/// Most identity-collision diagnostics per analysis; the rest are counted in one line.
const MAX_COLLISION_NOTES: usize = 20;

/// The runs to analyze: `None` when nothing changes (default identity, no shards), else the
/// re-keyed and merged runs. Diagnostics say what was merged.
pub(crate) fn prepare(
    runs: &[&Run],
    options: &AnalysisOptions,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Vec<Run>> {
    let shard_keys: Vec<Option<String>> = runs.iter().map(|r| logical_run(&r.file)).collect();
    let mut shard_groups: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, key) in shard_keys.iter().enumerate() {
        if let Some(key) = key {
            shard_groups.entry(key.as_str()).or_default().push(i);
        }
    }
    let has_shards = shard_groups.values().any(|g| g.len() > 1);
    if options.identity.is_default() && !has_shards {
        return None;
    }
    let mut out: Vec<Run> = Vec::with_capacity(runs.len());
    let mut merged_into: HashMap<&str, usize> = HashMap::new();
    let mut collisions = 0usize;
    for (i, run) in runs.iter().enumerate() {
        let run = rekey(run, &options.identity, diagnostics, &mut collisions);
        match shard_keys[i].as_deref() {
            Some(key) if shard_groups.get(key).is_some_and(|g| g.len() > 1) => {
                if let Some(&slot) = merged_into.get(key) {
                    let target: &mut Run = &mut out[slot];
                    merge_shard(target, run);
                } else {
                    merged_into.insert(key, out.len());
                    let mut first = run;
                    first.file = key.to_owned();
                    out.push(first);
                }
            }
            _ => out.push(run),
        }
    }
    for (key, members) in &shard_groups {
        if members.len() > 1 {
            let files: Vec<&str> = members.iter().map(|&i| runs[i].file.as_str()).collect();
            diagnostics.push(Diagnostic::whole_file(
                key,
                Severity::Info,
                format!(
                    "{} shards merged into one logical run before cross-run statistics: {}",
                    members.len(),
                    files.join(", ")
                ),
            ));
        }
    }
    if collisions > MAX_COLLISION_NOTES {
        diagnostics.push(Diagnostic::whole_file(
            "",
            Severity::Warning,
            format!(
                "{} more identity collisions under the chosen identity",
                collisions - MAX_COLLISION_NOTES
            ),
        ));
    }
    Some(out)
}

/// The logical run a shard file belongs to: its path with the shard part replaced by
/// `shard-*`, for names like `shard-2-of-4`, `shard_2_of_4` (Bazel), `shard2`; `None` for a
/// file that is not a shard.
pub(crate) fn logical_run(file: &str) -> Option<String> {
    let lower = file.to_ascii_lowercase();
    let start = lower.find("shard")?;
    let rest = &lower[start + "shard".len()..];
    let mut end = start + "shard".len();
    let bytes = rest.as_bytes();
    let mut i = 0;
    while i < bytes.len() && matches!(bytes[i], b'-' | b'_' | b'.') {
        i += 1;
    }
    let digits_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    if i == digits_start {
        return None;
    }
    end += i;
    // An optional "of N" / "-of-N" / "_of_N" / "-N".
    let tail = &lower[end..];
    for sep in ["-of-", "_of_", "of", "-", "_"] {
        if let Some(after) = tail.strip_prefix(sep) {
            let n = after.bytes().take_while(u8::is_ascii_digit).count();
            if n > 0 {
                end += sep.len() + n;
                break;
            }
        }
    }
    Some(format!("{}shard-*{}", &file[..start], &file[end..]))
}

/// True when preparing `run` under the default identity changes nothing: every key is what
/// [`identity`] gives (a testcase without a classname has its suite there) and no two
/// testcases share one. Such a run can be joined before the others are read.
pub(crate) fn keys_unchanged(run: &Run) -> bool {
    let mut seen: rustc_hash::FxHashSet<&TestKey> = rustc_hash::FxHashSet::default();
    seen.reserve(run.testcases.len());
    run.testcases.iter().all(|case| {
        (case.classname_given || case.key.classname() == case.key.suite()) && seen.insert(&case.key)
    })
}

/// A test's key under the chosen identity.
pub(crate) fn identity(case: &TestCase, options: &IdentityOptions) -> TestKey {
    let mut suite: Arc<str> = match options.suite {
        SuitePart::Innermost => Arc::clone(case.key.suite()),
        SuitePart::Path if !case.suite_path.is_empty() => Arc::clone(&case.suite_path),
        SuitePart::Path => Arc::clone(case.key.suite()),
        SuitePart::None => Arc::from(""),
    };
    if options.include_file {
        if let Some(file) = &case.file {
            suite = Arc::from(format!("{suite} @ {file}"));
        }
    }
    let classname = if options.ignore_classname {
        Arc::from("")
    } else if case.classname_given {
        Arc::clone(case.key.classname())
    } else {
        Arc::clone(&suite)
    };
    let name = if options.strip_parameters {
        let stripped = strip_parameters(case.key.name());
        if stripped.len() == case.key.name().len() {
            Arc::clone(case.key.name())
        } else {
            Arc::from(stripped)
        }
    } else {
        Arc::clone(case.key.name())
    };
    TestKey::new(suite, classname, name)
}

/// `test_x[1-2]` → `test_x`, `testAdd(int, int)` → `testAdd`, `Theory(a: 1)` → `Theory`.
pub(crate) fn strip_parameters(name: &str) -> &str {
    let trimmed = name.trim_end();
    for (open, close) in [('[', ']'), ('(', ')')] {
        if trimmed.ends_with(close) {
            if let Some(at) = trimmed.find(open) {
                if at > 0 {
                    return trimmed[..at].trim_end();
                }
            }
        }
    }
    name
}

fn rekey(
    run: &Run,
    options: &IdentityOptions,
    diagnostics: &mut Vec<Diagnostic>,
    collisions: &mut usize,
) -> Run {
    let mut out = Run {
        testcases: Vec::with_capacity(run.testcases.len()),
        ..run.clone_without_testcases()
    };
    let mut index: HashMap<TestKey, (usize, TestKey)> = HashMap::new();
    for case in &run.testcases {
        let key = identity(case, options);
        if let Some((slot, first_source)) = index.get(&key) {
            *collisions += 1;
            if *collisions <= MAX_COLLISION_NOTES {
                diagnostics.push(Diagnostic::whole_file(
                    &run.file,
                    Severity::Warning,
                    format!(
                        "identity collision under the chosen identity: {} and {} both map to {}; counted as one test (the worse outcome wins)",
                        first_source.id(),
                        case.key.id(),
                        key.id()
                    ),
                ));
            }
            combine(&mut out.testcases[*slot], case);
            continue;
        }
        index.insert(key.clone(), (out.testcases.len(), case.key.clone()));
        let mut case = case.clone();
        case.key = key;
        out.testcases.push(case);
    }
    out
}

/// Two different testcases under one identity: error > failure > passed > skipped.
fn combine(target: &mut TestCase, other: &TestCase) {
    let rank = |o: Outcome| match o {
        Outcome::Errored => 3,
        Outcome::Failed => 2,
        Outcome::Passed => 1,
        Outcome::Skipped => 0,
    };
    if rank(other.outcome) > rank(target.outcome) {
        target.outcome = other.outcome;
    }
    target.flaky_in_run |= other.flaky_in_run;
    target.attempts.extend(other.attempts.iter().cloned());
    target.elements += other.elements;
    target.time_seconds = match (target.time_seconds, other.time_seconds) {
        (Some(a), Some(b)) => Some(a + b),
        (a, b) => a.or(b),
    };
}

/// Adds a shard's testcases to the logical run. A test in two shards (nextest partitions
/// list skipped tests in every shard) keeps the executed result.
fn merge_shard(target: &mut Run, shard: Run) {
    target.partial |= shard.partial;
    target.testcase_elements += shard.testcase_elements;
    if target.timestamp.is_none() {
        target.timestamp = shard.timestamp;
    }
    let index: HashMap<TestKey, usize> = target
        .testcases
        .iter()
        .enumerate()
        .map(|(i, c)| (c.key.clone(), i))
        .collect();
    for case in shard.testcases {
        match index.get(&case.key) {
            Some(&i) if target.testcases[i].outcome == Outcome::Skipped => {
                target.testcases[i] = case;
            }
            Some(&i) if case.outcome == Outcome::Skipped => {
                let _ = i;
            }
            Some(&i) => combine(&mut target.testcases[i], &case),
            None => target.testcases.push(case),
        }
    }
    for p in shard.properties {
        if !target.properties.contains(&p) {
            target.properties.push(p);
        }
    }
}

impl Run {
    fn clone_without_testcases(&self) -> Run {
        Run {
            file: self.file.clone(),
            dialect: self.dialect,
            testcases: Vec::new(),
            testcase_elements: self.testcase_elements,
            partial: self.partial,
            timestamp: self.timestamp.clone(),
            hostname: self.hostname.clone(),
            properties: self.properties.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shard_names() {
        assert_eq!(
            logical_run("ci/run-3/shard-2-of-4.xml").as_deref(),
            Some("ci/run-3/shard-*.xml")
        );
        assert_eq!(
            logical_run("bazel-testlogs/t/shard_1_of_2/test.xml").as_deref(),
            Some("bazel-testlogs/t/shard-*/test.xml")
        );
        assert_eq!(
            logical_run("run7-shard3.xml").as_deref(),
            Some("run7-shard-*.xml")
        );
        assert_eq!(logical_run("run7.xml"), None);
        assert_eq!(logical_run("sharding-notes.xml"), None);
    }

    #[test]
    fn parameters() {
        assert_eq!(strip_parameters("test_total[2-4]"), "test_total");
        assert_eq!(strip_parameters("testAdd(int, int)"), "testAdd");
        assert_eq!(strip_parameters("[weird]"), "[weird]");
        assert_eq!(strip_parameters("plain"), "plain");
    }
}
