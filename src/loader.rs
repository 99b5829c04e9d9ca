//! Reading files into the core: dropped or picked files, and the bundled example runs.

use flakelens_core::input::read_input;
use flakelens_core::junit::ReadOutput;
use flakelens_core::{Diagnostic, Severity};
use gloo_net::http::Request;
use serde::Deserialize;

use crate::dropped::{self, Dropped};

/// Where Trunk copies `examples/reports` (see `index.html`), relative to the page.
const EXAMPLE_BASE: &str = "reports/";

/// Reads dropped or picked files one at a time, yielding to the browser between files so the
/// page can paint progress. Each file's bytes are dropped as soon as the core has read them.
/// A zip or gzip file may hold several reports, so one file may give several outputs.
pub async fn read_dropped(dropped: Dropped, progress: impl Fn(String)) -> Vec<ReadOutput> {
    let (files, unreadable_entries) = dropped::files(dropped).await;
    let total = files.len();
    let mut reads: Vec<ReadOutput> = unreadable_entries
        .iter()
        .map(|name| unreadable(name, "cannot read this dropped entry".to_owned()))
        .collect();
    for (i, named) in files.into_iter().enumerate() {
        progress(format!("reading {} of {total}: {}", i + 1, named.name));
        gloo_timers::future::TimeoutFuture::new(0).await;
        let file = gloo_file::File::from(named.file);
        match gloo_file::futures::read_as_bytes(&file).await {
            Ok(bytes) => reads.extend(read_input(&named.name, &bytes)),
            Err(e) => reads.push(unreadable(&named.name, format!("cannot read file: {e}"))),
        }
    }
    reads
}

#[derive(Deserialize)]
struct ExampleIndex {
    files: Vec<String>,
}

/// Fetches the bundled example reports (the page's own assets) and reads them.
///
/// # Errors
/// A message when the example index cannot be fetched or read. A single report that cannot be
/// fetched becomes a diagnostic instead.
pub async fn read_example(progress: impl Fn(String)) -> Result<Vec<ReadOutput>, String> {
    let index_url = format!("{EXAMPLE_BASE}index.json");
    let index: ExampleIndex = Request::get(&index_url)
        .send()
        .await
        .map_err(|e| format!("cannot fetch {index_url}: {e}"))?
        .json()
        .await
        .map_err(|e| format!("cannot read {index_url}: {e}"))?;
    let total = index.files.len();
    let mut reads = Vec::with_capacity(total);
    for (i, name) in index.files.iter().enumerate() {
        progress(format!("loading example {} of {total}: {name}", i + 1));
        let url = format!("{EXAMPLE_BASE}{name}");
        let bytes = match Request::get(&url).send().await {
            Ok(response) if response.ok() => response.binary().await.map_err(|e| e.to_string()),
            Ok(response) => Err(format!("HTTP {}", response.status())),
            Err(e) => Err(e.to_string()),
        };
        reads.extend(match bytes {
            Ok(bytes) => read_input(name, &bytes),
            Err(e) => vec![unreadable(
                name,
                format!("cannot fetch example report: {e}"),
            )],
        });
    }
    Ok(reads)
}

fn unreadable(name: &str, message: String) -> ReadOutput {
    ReadOutput {
        run: None,
        diagnostics: vec![Diagnostic::whole_file(name, Severity::Error, message)],
    }
}
