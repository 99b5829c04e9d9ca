//! `native <dir> [--repeat N]`: flakelens' whole job (`flakelens_wasm_bench::whole_job`, the
//! same calls as the wasm build) on every regular file of `dir`, sorted by name, read into
//! memory first. Prints one JSON line:
//! `{"mb_per_s":..,"seconds":..,"bytes":..,"peak_rss_bytes":..,"repeat":N,"summary":{..}}`.
//!
//! `seconds` is the best of `N` repeats (default 3) of the job alone (no disk I/O); MB are
//! 10^6 bytes. `peak_rss_bytes` is the process's `VmHWM` (Linux), which includes the files
//! held in memory for the repeats; 0 where unavailable.

use std::path::PathBuf;
use std::time::Instant;

use flakelens_wasm_bench::whole_job;

fn main() {
    if let Err(e) = run() {
        eprintln!("native: {e}");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut dir = None;
    let mut repeat = 3usize;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--repeat" => {
                repeat = args
                    .next()
                    .and_then(|n| n.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--repeat needs a positive number")?;
            }
            _ if dir.is_none() => dir = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    let dir = dir.ok_or("usage: native <dir> [--repeat N]")?;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .map_err(|e| format!("cannot read {}: {e}", dir.display()))?
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    let files: Vec<(String, Vec<u8>)> = paths
        .iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            std::fs::read(path)
                .map(|bytes| (name, bytes))
                .map_err(|e| format!("cannot read {}: {e}", path.display()))
        })
        .collect::<Result<_, _>>()?;
    let bytes: usize = files.iter().map(|(_, b)| b.len()).sum();
    let mut best = f64::INFINITY;
    let mut summary = None;
    for _ in 0..repeat {
        let started = Instant::now();
        // The copy mirrors the wasm side, which copies each file into wasm memory.
        let found = whole_job(
            files
                .iter()
                .map(|(name, bytes)| (name.clone(), || bytes.to_vec())),
        );
        best = best.min(started.elapsed().as_secs_f64());
        summary = Some(found);
    }
    let summary = summary.ok_or("no repeat ran")?;
    println!(
        "{{\"mb_per_s\":{:.2},\"seconds\":{:.4},\"bytes\":{},\"peak_rss_bytes\":{},\"repeat\":{},\"summary\":{}}}",
        bytes as f64 / 1e6 / best,
        best,
        bytes,
        peak_rss_bytes(),
        repeat,
        summary.to_json()
    );
    Ok(())
}

/// `VmHWM` from `/proc/self/status` in bytes, 0 when unavailable.
fn peak_rss_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status.lines().find_map(|line| {
                let kb = line.strip_prefix("VmHWM:")?.trim().strip_suffix("kB")?;
                kb.trim().parse::<u64>().ok()
            })
        })
        .map_or(0, |kb| kb * 1024)
}
