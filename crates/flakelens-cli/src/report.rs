//! `flakelens report`: reads the built app (the page and its worker) from disk and writes the
//! core's single-file report (`flakelens_core::report`).

use std::path::{Path, PathBuf};

use flakelens_core::report::{single_file_html, AppFiles};

fn find(dir: &Path, suffix: &str) -> Result<PathBuf, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "cannot read the app folder {}: {e} (build it with `trunk build --release`, or pass --app DIR)",
            dir.display()
        )
    })?;
    entries
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
        .ok_or_else(|| {
            format!(
                "no *{suffix} in the app folder {} (build it with `trunk build --release`)",
                dir.display()
            )
        })
}

/// Builds the single-file report from the app folder and the audit JSON.
pub fn single_file(app_dir: &Path, audit_json: &str, title: &str) -> Result<String, String> {
    let read =
        |p: PathBuf| std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()));
    let wasm = read(find(app_dir, "_bg.wasm")?)?;
    let glue = String::from_utf8_lossy(&read(find(app_dir, ".js")?)?).into_owned();
    let css = String::from_utf8_lossy(&read(find(app_dir, ".css")?)?).into_owned();
    // The worker that reads and analyzes (`data-target-path="worker"` in index.html).
    let worker_dir = app_dir.join("worker");
    let worker_glue =
        String::from_utf8_lossy(&read(find(&worker_dir, "flakelens-worker.js")?)?).into_owned();
    let worker_wasm = read(find(&worker_dir, "flakelens-worker_bg.wasm")?)?;
    if looks_like_debug_build(wasm.len(), worker_wasm.len()) {
        eprintln!(
            "flakelens: warning: the app in {} is {:.1} MB (page {:.1} MB, worker {:.1} MB), which looks like a debug build (`cargo xtask serve` writes one); run `trunk build --release` for a small report",
            app_dir.display(),
            (wasm.len() + worker_wasm.len()) as f64 / 1e6,
            wasm.len() as f64 / 1e6,
            worker_wasm.len() as f64 / 1e6
        );
    }
    single_file_html(
        AppFiles {
            glue: &glue,
            wasm: &wasm,
            css: &css,
            worker_glue: &worker_glue,
            worker_wasm: &worker_wasm,
        },
        audit_json,
        title,
    )
}

/// Release builds of the page and of the worker are each about 1.3 MB of wasm; debug builds
/// (what `cargo xtask serve` writes) about 7–9 MB each. Either over 4 MiB means debug.
fn looks_like_debug_build(page_wasm_bytes: usize, worker_wasm_bytes: usize) -> bool {
    const DEBUG_SIZE: usize = 4 << 20;
    page_wasm_bytes > DEBUG_SIZE || worker_wasm_bytes > DEBUG_SIZE
}

#[cfg(test)]
mod tests {
    use super::looks_like_debug_build;

    #[test]
    fn debug_builds_are_told_from_release_builds_by_size() {
        // Sizes measured on 2026-11-29: release page 1,304,322 B and worker 1,345,182 B;
        // debug page 8,364,413 B (just under the old 8 MiB limit) and worker about 7.2 MB.
        assert!(!looks_like_debug_build(1_304_322, 1_345_182));
        assert!(looks_like_debug_build(8_364_413, 7_200_000));
        assert!(looks_like_debug_build(1_304_322, 7_200_000));
    }
}
