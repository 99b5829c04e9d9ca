//! `cargo xtask icount [--update]`: the instruction-count regression check.
//!
//! Builds `crates/flakelens-core/examples/icount.rs` in release and runs each of its modes
//! (parse, analysis, whole job, on a fixed generated input of 2,000 tests × 5 runs; the
//! analysis again on 100 tests × 500 runs) under
//! `valgrind --tool=callgrind`, counting only the measured part (`--toggle-collect`). Each
//! count (`Ir`, instructions executed) is compared with the committed baseline
//! [`BASELINE`] as a ratio: above `1 + TOLERANCE` fails; below `1 - TOLERANCE` passes with a
//! note to re-baseline. Instruction counts do not depend on the machine's load, so this check
//! is not a timed test; they do move with the compiler, the dependencies and valgrind's
//! CPU model, so a toolchain bump may need `--update` too.
//!
//! `--update` writes the counts just measured to the baseline instead of comparing.

use std::path::Path;
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::{cmd, target_dir, tools};

/// The committed baseline, relative to the repository root.
pub const BASELINE: &str = "bench/icount-baseline.json";
/// Allowed relative change either way before the check fails (slower) or asks for an update
/// (faster).
pub const TOLERANCE: f64 = 0.10;
/// The example's modes, each counted separately.
const MODES: [&str; 4] = ["parse", "analysis", "whole", "many-runs"];
/// What the baseline measures, written into it.
const ABOUT: &str =
    "callgrind Ir (instructions executed) of crates/flakelens-core/examples/icount.rs \
on 2,000 tests x 5 runs (seed 1; many-runs: the analysis of 100 tests x 500 runs), release \
profile; checked by `cargo xtask icount`, rewritten by `cargo xtask icount --update`";

/// How a measured count compares with its baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Verdict {
    /// Within the tolerance.
    Same,
    /// More than the tolerance above the baseline: a regression.
    Slower,
    /// More than the tolerance below the baseline: the baseline should be updated.
    Faster,
}

/// Compares `measured` with `baseline` as the ratio `measured / baseline`.
pub fn judge(baseline: u64, measured: u64, tolerance: f64) -> Verdict {
    if baseline == 0 {
        return if measured == 0 {
            Verdict::Same
        } else {
            Verdict::Slower
        };
    }
    let ratio = measured as f64 / baseline as f64;
    if ratio > 1.0 + tolerance {
        Verdict::Slower
    } else if ratio < 1.0 - tolerance {
        Verdict::Faster
    } else {
        Verdict::Same
    }
}

/// Parses the arguments after `icount`: nothing, or `--update`.
pub fn parse_update(args: &[String]) -> Result<bool> {
    match args {
        [] => Ok(false),
        [flag] if flag == "--update" => Ok(true),
        [other, ..] => bail!("unexpected argument `{other}` (icount takes only --update)"),
    }
}

pub fn icount(root: &Path, update: bool) -> Result<()> {
    tools::valgrind()?;
    cmd::run(
        cmd::cargo().args([
            "build",
            "--release",
            "-p",
            "flakelens-core",
            "--example",
            "icount",
        ]),
        root,
    )?;
    let target = target_dir(root);
    let exe = target.join("release/examples/icount");
    let out_dir = target.join("icount");
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let mut measured = Vec::new();
    for mode in MODES {
        let out_file = out_dir.join(format!("callgrind.{mode}.out"));
        let mut command = Command::new("valgrind");
        command
            .arg("--tool=callgrind")
            .arg(format!("--callgrind-out-file={}", out_file.display()))
            .args(["--collect-atstart=no", "--toggle-collect=icount::counted_*"])
            .arg(&exe)
            .arg(mode);
        println!("$ {}", cmd::display(&command));
        let output = command
            .current_dir(root)
            .output()
            .context("cannot start valgrind")?;
        if !output.status.success() {
            bail!(
                "`{}` failed: {}\n{}{}",
                cmd::display(&command),
                output.status,
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let text = std::fs::read_to_string(&out_file)
            .with_context(|| format!("cannot read {}", out_file.display()))?;
        let count = total_instructions(&text).with_context(|| {
            format!("no `summary:` or `totals:` line in {}", out_file.display())
        })?;
        measured.push((mode, count));
    }
    let path = root.join(BASELINE);
    if update {
        let text = baseline_json(&measured, &valgrind_version());
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        for (mode, count) in &measured {
            println!("icount: {mode:<9} {count:>14}");
        }
        println!("icount: wrote {BASELINE}");
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).with_context(|| {
        format!(
            "cannot read {}; create it with `cargo xtask icount --update`",
            path.display()
        )
    })?;
    let baseline = parse_baseline(&text).with_context(|| format!("in {}", path.display()))?;
    report(&baseline, &measured)
}

/// Prints the table and fails on a regression or a mode missing from the baseline.
fn report(baseline: &[(String, u64)], measured: &[(&str, u64)]) -> Result<()> {
    println!(
        "\n{:<9} {:>14} {:>14} {:>8}  verdict (tolerance ±{:.0}%)",
        "mode",
        "baseline Ir",
        "measured Ir",
        "ratio",
        TOLERANCE * 100.0
    );
    let mut slower = Vec::new();
    let mut faster = Vec::new();
    for &(mode, count) in measured {
        let Some(&(_, base)) = baseline.iter().find(|(name, _)| name == mode) else {
            println!(
                "{mode:<9} {:>14} {count:>14} {:>8}  not in the baseline",
                "-", "-"
            );
            slower.push(mode);
            continue;
        };
        let verdict = judge(base, count, TOLERANCE);
        let word = match verdict {
            Verdict::Same => "ok",
            Verdict::Slower => "SLOWER",
            Verdict::Faster => "faster",
        };
        println!(
            "{mode:<9} {base:>14} {count:>14} {:>8.3}  {word}",
            count as f64 / base.max(1) as f64
        );
        match verdict {
            Verdict::Slower => slower.push(mode),
            Verdict::Faster => faster.push(mode),
            Verdict::Same => {}
        }
    }
    if !faster.is_empty() {
        println!(
            "\nicount: {} more than {:.0}% faster than the baseline; update it with \
             `cargo xtask icount --update` and commit {BASELINE}",
            faster.join(", "),
            TOLERANCE * 100.0
        );
    }
    if !slower.is_empty() {
        bail!(
            "instruction counts regressed beyond {:.0}% (or are missing from {BASELINE}): {}. \
             If the extra work is intended, run `cargo xtask icount --update` and commit \
             the baseline with the reason.",
            TOLERANCE * 100.0,
            slower.join(", ")
        );
    }
    println!("icount: within the baseline");
    Ok(())
}

/// The total `Ir` of a callgrind output file: the first number of its `summary:` line, else
/// of its `totals:` line (the first event is `Ir` unless other events were asked for).
pub fn total_instructions(callgrind_out: &str) -> Option<u64> {
    ["summary:", "totals:"].iter().find_map(|prefix| {
        callgrind_out.lines().find_map(|line| {
            line.strip_prefix(prefix)?
                .split_whitespace()
                .next()?
                .parse()
                .ok()
        })
    })
}

fn valgrind_version() -> String {
    cmd::first_line("valgrind", ["--version"]).unwrap_or_else(|| "unknown".to_owned())
}

/// The baseline file: a flat JSON object, the counts as integers, `_about` and `_valgrind`
/// as strings.
fn baseline_json(counts: &[(&str, u64)], valgrind: &str) -> String {
    let mut text = String::from("{\n");
    text.push_str(&format!("  \"_about\": \"{}\",\n", json_escape(ABOUT)));
    text.push_str(&format!("  \"_valgrind\": \"{}\"", json_escape(valgrind)));
    for (mode, count) in counts {
        text.push_str(&format!(",\n  \"{}\": {count}", json_escape(mode)));
    }
    text.push_str("\n}\n");
    text
}

fn json_escape(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The integer entries of a flat JSON object such as [`baseline_json`] writes (string entries
/// are skipped). Only what that writer produces is accepted: string keys without escapes
/// other than `\"` and `\\`, values that are strings or non-negative integers.
pub fn parse_baseline(text: &str) -> Result<Vec<(String, u64)>> {
    let body = text
        .trim()
        .strip_prefix('{')
        .and_then(|t| t.strip_suffix('}'))
        .context("the baseline is not a JSON object")?;
    let mut rest = body.trim_start();
    let mut counts = Vec::new();
    while !rest.is_empty() {
        let (key, after) = json_string(rest).context("expected a quoted key")?;
        let after = after
            .trim_start()
            .strip_prefix(':')
            .with_context(|| format!("expected `:` after \"{key}\""))?
            .trim_start();
        let after = if after.starts_with('"') {
            json_string(after)
                .with_context(|| format!("bad string value for \"{key}\""))?
                .1
        } else {
            let end = after
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(after.len());
            let count = after[..end]
                .parse()
                .with_context(|| format!("\"{key}\" is not a string or a non-negative integer"))?;
            counts.push((key.clone(), count));
            &after[end..]
        };
        let after = after.trim_start();
        rest = match after.strip_prefix(',') {
            Some(next) => next.trim_start(),
            None if after.is_empty() => after,
            None => bail!("expected `,` or `}}` after the value of \"{key}\""),
        };
    }
    Ok(counts)
}

/// A JSON string at the start of `s` (escapes `\"` and `\\` only) and what follows it.
fn json_string(s: &str) -> Option<(String, &str)> {
    let mut chars = s.strip_prefix('"')?.char_indices();
    let mut value = String::new();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &s[i + 2..])),
            '\\' => match chars.next()?.1 {
                e @ ('"' | '\\') => value.push(e),
                _ => return None,
            },
            c => value.push(c),
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_above_the_tolerance_fails() {
        // 10% over is the edge; 1,100,001 / 1,000,000 is just past it.
        assert_eq!(judge(1_000_000, 1_100_001, 0.10), Verdict::Slower);
        assert_eq!(judge(1_000_000, 2_000_000, 0.10), Verdict::Slower);
        assert_eq!(judge(0, 1, 0.10), Verdict::Slower);
    }

    #[test]
    fn a_count_within_the_tolerance_passes() {
        assert_eq!(judge(1_000_000, 1_000_000, 0.10), Verdict::Same);
        assert_eq!(judge(1_000_000, 1_099_999, 0.10), Verdict::Same);
        assert_eq!(judge(1_000_000, 900_001, 0.10), Verdict::Same);
        assert_eq!(judge(0, 0, 0.10), Verdict::Same);
    }

    #[test]
    fn a_count_below_the_tolerance_asks_for_an_update() {
        assert_eq!(judge(1_000_000, 899_999, 0.10), Verdict::Faster);
    }

    #[test]
    fn the_report_fails_on_a_regression_or_a_missing_mode() {
        let baseline = vec![("parse".to_owned(), 100), ("whole".to_owned(), 100)];
        assert!(report(&baseline, &[("parse", 105), ("whole", 50)]).is_ok());
        assert!(report(&baseline, &[("parse", 105), ("whole", 111)]).is_err());
        assert!(report(&baseline, &[("analysis", 100)]).is_err());
    }

    #[test]
    fn reads_the_totals_of_a_callgrind_file() {
        // The tail of a callgrind 3.19 output file (format: `summary:` then `totals:`).
        let out = "events: Ir\nfn=(1) main\n16 3\n\nsummary: 195414611\n\n\ntotals: 195414611\n";
        assert_eq!(total_instructions(out), Some(195_414_611));
        assert_eq!(total_instructions("totals: 42 7\n"), Some(42));
        assert_eq!(total_instructions("events: Ir\n"), None);
    }

    #[test]
    fn the_baseline_round_trips() {
        let text = baseline_json(
            &[("parse", 12), ("whole", 3_000_000_000)],
            "valgrind-3.19.0",
        );
        let counts = parse_baseline(&text).expect("written by baseline_json");
        assert_eq!(
            counts,
            [
                ("parse".to_owned(), 12),
                ("whole".to_owned(), 3_000_000_000)
            ]
        );
    }

    #[test]
    fn a_hand_written_baseline_parses_and_a_bad_one_does_not() {
        let text = "{ \"_note\": \"say \\\"hi\\\"\", \"parse\": 1 , \"whole\":2 }";
        assert_eq!(
            parse_baseline(text).expect("valid"),
            [("parse".to_owned(), 1), ("whole".to_owned(), 2)]
        );
        assert!(parse_baseline("{\"parse\": -1}").is_err());
        assert!(parse_baseline("{\"parse\": 1.5}").is_err());
        assert!(parse_baseline("[1]").is_err());
        assert!(parse_baseline("{\"parse\" 1}").is_err());
    }
}
