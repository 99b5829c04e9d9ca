//! `cargo xtask`: developer tasks for flakelens.
//!
//! - `cargo xtask setup`: install the pinned tools that are missing.
//! - `cargo xtask serve [--port N]`: build and serve the page with `trunk serve`.
//! - `cargo xtask test`: every check CI runs, in order, failing fast (`.ci/run` calls this).
//!
//! Only `std` and `anyhow`: the task runner must build before anything else is installed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{bail, Context, Result};

mod bench;
mod cmd;
mod csp;
mod icount;
mod serve;
mod test;
mod tools;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  setup [--web]      install the pinned tools that are missing (wasm32 target, trunk,
                     wasm-bindgen-cli, chromium, the e2e npm packages; --web: only what
                     building the page needs)
  serve [--port N]   trunk serve the page on http://127.0.0.1:N (default 8080)
  test               fmt, clippy (host + wasm32), tests, docs, builds, trunk build, e2e
  csp [INDEX_HTML]   add the Content-Security-Policy to a built index.html (a Trunk hook)
  icount [--update]  callgrind instruction counts of parse, analysis and whole job on a fixed
                     input vs bench/icount-baseline.json (+10% fails); --update rewrites it
  bench [--tests N] [--runs R] [--reps K] [--quick]
                     flakelens and its peers side by side on `flakelens gen` files
                     (default 20000 x 10); writes bench/results/latest.md";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = repo_root()?;
    tools::put_cargo_bin_on_path();
    match args.first().map(String::as_str) {
        Some("setup") => match args.get(1).map(String::as_str) {
            Some("--web") => {
                no_more_args(&args[2..])?;
                tools::setup(&root, tools::Needs::web())
            }
            _ => {
                no_more_args(&args[1..])?;
                tools::setup(&root, tools::Needs::all())
            }
        },
        Some("serve") => serve::serve(&root, serve::parse_port(&args[1..])?),
        Some("test") => {
            no_more_args(&args[1..])?;
            test::test(&root)
        }
        Some("csp") => csp::csp(&args[1..]),
        Some("icount") => icount::icount(&root, icount::parse_update(&args[1..])?),
        Some("bench") => bench::bench(&root, &bench::parse_args(&args[1..])?),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            Ok(())
        }
        Some(other) => bail!("unknown task `{other}`\n\n{USAGE}"),
        None => bail!("no task given\n\n{USAGE}"),
    }
}

fn no_more_args(rest: &[String]) -> Result<()> {
    match rest.first() {
        Some(extra) => bail!("unexpected argument `{extra}`\n\n{USAGE}"),
        None => Ok(()),
    }
}

/// The workspace root: the parent of this crate's directory.
fn repo_root() -> Result<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .context("xtask has no parent directory")?;
    Ok(root.to_path_buf())
}

/// Cargo's target directory: `$CARGO_TARGET_DIR`, else `<root>/target`.
fn target_dir(root: &Path) -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => root.join(dir),
        _ => root.join("target"),
    }
}
