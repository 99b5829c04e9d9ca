//! Running the binary.

use std::path::{Path, PathBuf};
use std::process::Output;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `flakelens` with `args`.
pub fn flakelens(args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_flakelens"))
        .args(args)
        .current_dir(repo())
        .output()
        .expect("the flakelens binary runs")
}

/// Runs `flakelens analyze ARGS --json` and parses stdout.
pub fn analyze_json(args: &[&str]) -> serde_json::Value {
    let mut all = vec!["analyze"];
    all.extend_from_slice(args);
    all.push("--json");
    let out = flakelens(&all);
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    })
}
