//! Reading files into the core: dropped or picked files (reports, or a flakelens audit), and
//! the bundled example runs.

use flakelens_core::audit::Audit;
use flakelens_core::input::read_input;
use flakelens_core::junit::ReadOutput;
use flakelens_core::{Diagnostic, Severity};
use gloo_net::http::Request;
use serde::Deserialize;

use crate::dropped::{self, Dropped};
use crate::sniff::looks_like_audit;

/// Where Trunk copies `examples/reports` (see `index.html`), relative to the page.
const EXAMPLE_BASE: &str = "reports/";

/// What a drop held: report reads (one per run, or diagnostics only), and the audit to show,
/// if the drop held one.
pub struct Loaded {
    /// Reports read, in file order; files that could not be read give diagnostics only.
    pub reads: Vec<ReadOutput>,
    /// The last audit read without error, with its file name.
    pub audit: Option<(String, Audit)>,
}

/// Reads dropped or picked files one at a time, yielding to the browser between files so the
/// page can paint progress. Each file's bytes are dropped as soon as the core has read them.
/// A zip or gzip file may hold several reports, so one file may give several outputs. A file
/// whose content is a flakelens audit (`"schema": "flakelens-audit/…"`) is read as one; an
/// audit that cannot be read becomes a diagnostic naming the JSON path of the fault.
pub async fn read_dropped(dropped: Dropped, progress: impl Fn(String)) -> Loaded {
    let (files, unreadable_entries) = dropped::files(dropped).await;
    let total = files.len();
    let mut reads: Vec<ReadOutput> = unreadable_entries
        .iter()
        .map(|name| unreadable(name, "cannot read this dropped entry".to_owned()))
        .collect();
    let mut audit: Option<(String, Audit)> = None;
    for (i, named) in files.into_iter().enumerate() {
        progress(format!("reading {} of {total}: {}", i + 1, named.name));
        gloo_timers::future::TimeoutFuture::new(0).await;
        let file = gloo_file::File::from(named.file);
        let bytes = match gloo_file::futures::read_as_bytes(&file).await {
            Ok(bytes) => bytes,
            Err(e) => {
                reads.push(unreadable(&named.name, format!("cannot read file: {e}")));
                continue;
            }
        };
        if !looks_like_audit(&bytes) {
            reads.extend(read_input(&named.name, &bytes));
            continue;
        }
        let text = String::from_utf8(bytes)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        match Audit::from_json(text.trim_start_matches('\u{feff}')) {
            Ok(read) => {
                if let Some((previous, _)) = audit.replace((named.name.clone(), read)) {
                    reads.push(ReadOutput {
                        run: None,
                        diagnostics: vec![Diagnostic::whole_file(
                            &previous,
                            Severity::Warning,
                            format!(
                                "several audits were dropped; showing the last one, {} (combine audits with `flakelens merge`)",
                                named.name
                            ),
                        )],
                    });
                }
            }
            Err(e) => reads.push(unreadable(
                &named.name,
                format!("cannot read the audit: {e}"),
            )),
        }
    }
    Loaded { reads, audit }
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
