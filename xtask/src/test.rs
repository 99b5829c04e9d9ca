//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.
//!
//! The order goes from cheap to expensive so a formatting slip fails in seconds, not after
//! a release build: fmt, clippy (host, then wasm32), tests, docs, the wasm32 build of the
//! core, the release CLI, `trunk build --release` into `dist/`, and last the end-to-end test
//! in headless Chromium, which compares the page against the CLI on the example reports.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Result};

use crate::{cmd, target_dir, tools};

struct Step {
    name: String,
    command: Command,
}

fn step(name: impl Into<String>, command: Command) -> Step {
    Step {
        name: name.into(),
        command,
    }
}

fn cargo(args: &[&str]) -> Command {
    let mut command = cmd::cargo();
    command.args(args);
    command
}

fn steps(root: &Path) -> Vec<Step> {
    let mut steps = vec![
        step("rustfmt", cargo(&["fmt", "--all", "--check"])),
        step(
            "clippy (host)",
            cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        // The CLI and xtask are native-only, so wasm32 checks the crates that run in the page.
        step(
            "clippy (wasm32)",
            cargo(&[
                "clippy",
                "-p",
                "flakelens-core",
                "-p",
                "flakelens-fast-reader",
                "-p",
                "flakelens-wire",
                "-p",
                "flakelens-web",
                "--target",
                "wasm32-unknown-unknown",
                "--",
                "-D",
                "warnings",
            ]),
        ),
        // The core as the worker builds it: without encoding_rs's decoders (the browser's
        // TextDecoder is installed instead; `legacy-decoders` in crates/flakelens-core).
        step(
            "clippy (core without legacy-decoders)",
            cargo(&[
                "clippy",
                "-p",
                "flakelens-core",
                "--no-default-features",
                "--lib",
                "--tests",
                "--",
                "-D",
                "warnings",
            ]),
        ),
    ];
    if tools::nextest_available() {
        steps.push(step(
            "tests (nextest)",
            cargo(&["nextest", "run", "--workspace"]),
        ));
        steps.push(step("doctests", cargo(&["test", "--workspace", "--doc"])));
    } else {
        steps.push(step("tests", cargo(&["test", "--workspace"])));
    }
    steps.push(step(
        "core unit tests without legacy-decoders",
        cargo(&[
            "test",
            "-p",
            "flakelens-core",
            "--no-default-features",
            "--lib",
        ]),
    ));
    let mut doc = cargo(&["doc", "--workspace", "--no-deps"]);
    doc.env("RUSTDOCFLAGS", "-D warnings");
    steps.push(step("rustdoc", doc));
    steps.push(step(
        "core for wasm32",
        cargo(&[
            "build",
            "-p",
            "flakelens-core",
            "--target",
            "wasm32-unknown-unknown",
        ]),
    ));
    // Component tests: wasm-bindgen-test in headless Chromium (the runner is installed with
    // wasm-bindgen-cli; .cargo/config.toml names it).
    let mut components = cargo(&[
        "test",
        "-p",
        "flakelens-web",
        "--target",
        "wasm32-unknown-unknown",
        "--test",
        "web",
    ]);
    components.env("CHROMEDRIVER", "/usr/bin/chromedriver");
    steps.push(step(
        "component tests (wasm-bindgen-test, Chromium)",
        components,
    ));
    steps.push(step(
        "CLI release build",
        cargo(&["build", "--release", "-p", "flakelens-cli"]),
    ));
    steps.push(step(
        "instruction counts (callgrind) vs bench/icount-baseline.json",
        cargo(&["xtask", "icount"]),
    ));
    let mut trunk = tools::trunk_command();
    trunk.args(["build", "--release", "--dist", "dist"]);
    steps.push(step("trunk build --release", trunk));
    // Every tests/e2e/*.mjs is an end-to-end test (files starting with `_` are helpers).
    let mut scripts: Vec<String> = std::fs::read_dir(root.join("tests/e2e"))
        .map(|dir| {
            dir.flatten()
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".mjs") && !n.starts_with('_'))
                .collect()
        })
        .unwrap_or_default();
    scripts.sort();
    for script in scripts {
        let mut e2e = Command::new("node");
        e2e.env("FLAKELENS_DIST", root.join("dist"))
            .env("FLAKELENS_CLI", target_dir(root).join("release/flakelens"))
            .env("FLAKELENS_OUTPUT", root.join("test-output/e2e"))
            .arg(format!("tests/e2e/{script}"));
        steps.push(step(format!("end-to-end (Chromium): {script}"), e2e));
    }
    steps
}

pub fn test(root: &Path) -> Result<()> {
    let started = now();
    tools::setup(root, tools::Needs::all())?;
    let mut steps = steps(root);
    let total = steps.len();
    for (i, step) in steps.iter_mut().enumerate() {
        let number = i + 1;
        println!("\n==> xtask test: step {number}/{total}: {}", step.name);
        let step_started = now();
        if let Err(e) = cmd::run(&mut step.command, root) {
            println!(
                "xtask test: FAILED at step {number}/{total}: {} ({e:#})",
                step.name
            );
            bail!("step {number}/{total} ({}) failed", step.name);
        }
        println!(
            "==> step {number}/{total} passed: {} ({:.0} s)",
            step.name,
            step_started.elapsed().as_secs_f64()
        );
    }
    println!(
        "\nxtask test: all {total} steps passed in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[allow(
    clippy::disallowed_methods,
    reason = "the clock ban protects the wasm32 core; xtask is native and only times its steps"
)]
fn now() -> Instant {
    Instant::now()
}
