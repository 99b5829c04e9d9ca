//! Reading files into the core: dropped or picked files (reports, or a flakelens audit), the
//! bundled example runs, an audit embedded in a single-file report or carried by a share
//! link, and audits or runs hosted elsewhere (after the user confirms the origin).
//!
//! The page never parses reports itself: each file's bytes go to the engine (`engine.rs`: the
//! worker, `worker.rs`), read by it one file at a time in order (the next file, and small
//! files, sent ahead of their answers), and are dropped; the engine keeps the runs, the page
//! only their diagnostics. [`commit`] then adds the runs read to the ones held. Progress
//! (files and bytes) is published to [`subscribe_progress`] listeners; [`cancel_loading`]
//! stops a load after the files the worker already has and keeps what was read.

use std::cell::RefCell;

use flakelens_core::{Analysis, Diagnostic, Severity};
use gloo_net::http::{Request, Response};
use js_sys::Uint8Array;
use serde::Deserialize;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{ReadableStreamDefaultReader, ReferrerPolicy, RequestCredentials, RequestMode};
use yew::Callback;

use crate::dropped::{self, Dropped};
use crate::engine;
use crate::protocol::{AuditMeta, Base, Held, Reply};
use crate::send_ahead;

/// Where Trunk copies `examples/reports` (see `index.html`), relative to the page.
const EXAMPLE_BASE: &str = "reports/";
/// Largest hosted audit read (`?audit=`), in bytes.
pub const MAX_HOSTED_AUDIT_BYTES: usize = 64 << 20;
/// Largest total of hosted runs read (`?runs=`), in bytes; reading stops beyond it.
pub const MAX_HOSTED_RUNS_BYTES: usize = 512 << 20;
/// Largest `index.json` of hosted runs, in bytes.
const MAX_INDEX_BYTES: usize = 4 << 20;

/// What a drop held: the diagnostics of every file, how many runs the engine staged, and the
/// audit to show, if the drop held one.
#[derive(Default)]
pub struct Loaded {
    /// Diagnostics of every file, in file order (files that could not be read give one).
    pub diagnostics: Vec<Diagnostic>,
    /// Runs read and staged in the engine (added to the held runs by [`commit`]).
    pub runs: usize,
    /// The last audit read without error, with its file name.
    pub audit: Option<(String, LoadedAudit)>,
}

/// An audit the engine read and validated, as the page keeps it: the page never decodes an
/// `Audit` (its code stays in the worker), only the audit's analysis and [`AuditMeta`].
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedAudit {
    /// The audit as the engine wrote it: handed back to the engine for its runs ([`commit`]
    /// takes it out), or kept to share a summary-only audit as it is.
    pub json: String,
    /// What the page shows of it besides the analysis.
    pub meta: AuditMeta,
    /// Its analysis.
    pub analysis: Analysis,
}

impl LoadedAudit {
    /// True for an audit with only summary tables (`Audit::is_summary_only`).
    pub fn is_summary_only(&self) -> bool {
        self.analysis.runs.is_empty() && self.meta.summary.is_some()
    }
}

// ---------------------------------------------------------------------------------------
// Progress and cancel

/// How far a load is.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Progress {
    /// Files read so far.
    pub files_done: usize,
    /// Files to read.
    pub files_total: usize,
    /// Bytes read so far.
    pub bytes_done: u64,
    /// Bytes to read, as far as known (files fetched from a server count once fetched).
    pub bytes_total: u64,
    /// The file being read.
    pub current: String,
    /// True once the user asked to stop: the current file is finished, then the load ends.
    pub cancelling: bool,
}

#[derive(Default)]
struct Hub {
    current: Option<Progress>,
    cancel: bool,
    next_id: usize,
    listeners: Vec<(usize, Callback<Option<Progress>>)>,
}

thread_local! {
    static HUB: RefCell<Hub> = RefCell::new(Hub::default());
}

/// Calls `listener` with the progress of the current load now and on every change (`None`:
/// no load running). Returns an id for [`unsubscribe_progress`].
pub fn subscribe_progress(listener: Callback<Option<Progress>>) -> usize {
    let (id, now) = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        hub.next_id += 1;
        let id = hub.next_id;
        hub.listeners.push((id, listener.clone()));
        (id, hub.current.clone())
    });
    listener.emit(now);
    id
}

/// Stops calling the listener registered under `id`.
pub fn unsubscribe_progress(id: usize) {
    HUB.with(|hub| hub.borrow_mut().listeners.retain(|(i, _)| *i != id));
}

/// Asks the running load to stop after the files the worker already has; what was read is
/// kept.
pub fn cancel_loading() {
    let current = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        hub.cancel = true;
        if let Some(p) = hub.current.as_mut() {
            p.cancelling = true;
        }
        hub.current.clone()
    });
    publish(current);
}

fn cancelled() -> bool {
    HUB.with(|hub| hub.borrow().cancel)
}

fn publish(progress: Option<Progress>) {
    let listeners: Vec<Callback<Option<Progress>>> = HUB.with(|hub| {
        let mut hub = hub.borrow_mut();
        if let (Some(next), Some(now)) = (progress.as_ref(), hub.current.as_ref()) {
            if now.cancelling && !next.cancelling {
                // Keep showing "stopping" until the load ends.
                let mut next = next.clone();
                next.cancelling = true;
                hub.current = Some(next);
            } else {
                hub.current = Some(next.clone());
            }
        } else {
            hub.current = progress.clone();
        }
        hub.listeners.iter().map(|(_, l)| l.clone()).collect()
    });
    let current = HUB.with(|hub| hub.borrow().current.clone());
    for listener in listeners {
        listener.emit(current.clone());
    }
}

// ---------------------------------------------------------------------------------------
// The parsing worker

/// The audit carried by [`Reply::Audit`], already validated by the engine (`Audit::from_json`
/// there): its analysis is the audit's JSON read as an `Analysis`, whose fields are the
/// audit's (flattened) and which ignores the others.
fn audit_of(json: String, meta: &str) -> Result<LoadedAudit, String> {
    let garbage = |e: serde_json::Error| format!("the parsing worker answered garbage: {e}");
    let analysis = serde_json::from_str(&json).map_err(garbage)?;
    let meta = serde_json::from_str(meta).map_err(garbage)?;
    Ok(LoadedAudit {
        json,
        meta,
        analysis,
    })
}

/// Collects what the worker made of files into a [`Loaded`].
type Collector = Loaded;

impl Loaded {
    fn add(&mut self, name: &str, answer: Result<Reply, String>) {
        match answer {
            Ok(Reply::Reads { diagnostics, runs }) => {
                match serde_json::from_str::<Vec<Diagnostic>>(&diagnostics) {
                    Ok(diagnostics) => self.diagnostics.extend(diagnostics),
                    Err(e) => self.diagnostics.push(unreadable(
                        name,
                        format!("the worker answered garbage: {e}"),
                    )),
                }
                self.runs += runs;
            }
            Ok(Reply::Audit { json, meta }) => match audit_of(json, &meta) {
                Ok(read) => {
                    if let Some((previous, _)) = self.audit.replace((name.to_owned(), read)) {
                        self.diagnostics.push(Diagnostic::whole_file(
                            &previous,
                            Severity::Warning,
                            format!(
                                "several audits were dropped; showing the last one, {name} (combine audits with `flakelens merge`)"
                            ),
                        ));
                    }
                }
                Err(e) => self.diagnostics.push(unreadable(name, e)),
            },
            Ok(Reply::AuditError(message)) => self.diagnostics.push(unreadable(name, message)),
            Ok(other) => self.diagnostics.push(unreadable(
                name,
                format!("the worker answered out of turn: {other:?}"),
            )),
            Err(message) => self.diagnostics.push(unreadable(name, message)),
        }
    }

    fn into_loaded(self) -> Loaded {
        self
    }

    /// What the held runs become before the runs read are added: an audit's runs replace
    /// them (a summary-only audit has none), else they stay, or go when `replace`. A full
    /// audit's JSON goes to the engine (the page shows its analysis, already read), so the
    /// page does not hold a second copy while the engine reads it.
    fn base(&mut self, replace: bool) -> Base {
        match &mut self.audit {
            Some((_, audit)) if !audit.is_summary_only() => {
                Base::Audit(std::mem::take(&mut audit.json))
            }
            Some(_) => Base::Clear,
            None if replace => Base::Clear,
            None => Base::Keep,
        }
    }
}

/// Adds the runs `loaded` staged in the engine to the runs it holds: after the runs of the
/// audit `loaded` holds, else after the held runs (none when `replace`).
///
/// # Errors
/// The engine's message when it stopped.
pub async fn commit(loaded: &mut Loaded, replace: bool) -> Result<Held, String> {
    engine::commit(loaded.base(replace)).await
}

/// Where a file's bytes come from.
enum Source {
    /// A dropped or picked file.
    File(web_sys::File),
    /// A URL: the page's own asset, or a hosted run on the origin the user confirmed.
    Url(String),
}

struct Item {
    name: String,
    source: Source,
}

/// Reads `items` one at a time through the worker, publishing progress and stopping early
/// when cancelled or when `budget` bytes (in total) have been read.
async fn read_items(
    items: Vec<Item>,
    mut collector: Collector,
    budget: Option<usize>,
    keeps_held: bool,
    progress: &dyn Fn(String),
) -> Loaded {
    HUB.with(|hub| hub.borrow_mut().cancel = false);
    let total = items.len();
    let mut state = Progress {
        files_total: total,
        ..Progress::default()
    };
    let mut sizing = Sizing::of(&items);
    sizing.step(&mut state);
    publish(Some(state.clone()));
    let mut used: usize = 0;
    // The files sent to the worker whose answers are still to come, oldest first: the page
    // reads the next file meanwhile, so the worker does not wait for it (at 686 MB it waited
    // 1.9 s of 9.3), and the next file and small files go ahead of their answers
    // ([`send_ahead`]).
    let mut in_flight = InFlight::default();
    let mut items = items.into_iter().enumerate();
    while let Some((index, item)) = items.next() {
        if cancelled() {
            settle(&mut in_flight, &mut collector, &mut state).await;
            collector
                .diagnostics
                .push(cancelled_note(&item.name, items.len()));
            break;
        }
        state.current = item.name.clone();
        progress(format!("reading {} of {total}: {}", index + 1, item.name));
        publish(Some(state.clone()));
        let mut picked: Option<web_sys::Blob> = None;
        let bytes = match item.source {
            Source::File(file) => {
                picked = Some(file.clone().into());
                read_file(file).await
            }
            Source::Url(url) => {
                let limit = budget.map_or(usize::MAX, |b| b.saturating_sub(used));
                match fetch_limited(&url, limit).await {
                    Ok(bytes) => {
                        state.bytes_total += bytes.len() as u64;
                        Ok(Uint8Array::from(bytes.as_slice()).buffer())
                    }
                    Err(FetchError::TooLarge { .. }) if budget.is_some() => {
                        settle(&mut in_flight, &mut collector, &mut state).await;
                        collector.diagnostics.push(unreadable(
                            &item.name,
                            format!(
                                "stopped here: the runs are larger than the limit of {} MiB in total; this file and {} more were not read",
                                budget.unwrap_or(0) >> 20,
                                items.len()
                            ),
                        ));
                        break;
                    }
                    Err(e) => Err(e.to_string()),
                }
            }
        };
        // Earlier files' answers come first (answers are collected in the files' order), as
        // many as this file needs room for; all of them before a file that cannot be read,
        // whose diagnostic then follows theirs.
        let size = bytes
            .as_ref()
            .map_or(usize::MAX, |b| b.byte_length() as usize);
        while in_flight.full_for(size) {
            settle_oldest(&mut in_flight, &mut collector, &mut state).await;
        }
        publish(Some(state.clone()));
        // Cancel stops after the files the worker has: this one, read meanwhile, is not sent.
        if cancelled() {
            collector
                .diagnostics
                .push(cancelled_note(&item.name, items.len()));
            break;
        }
        match bytes {
            Ok(bytes) => {
                let size = bytes.byte_length() as usize;
                used += size;
                state.bytes_done += size as u64;
                let request = crate::protocol::Request::Parse {
                    name: item.name.clone(),
                    load_files: total,
                    keeps_held,
                    bytes: Vec::new(),
                    file: None,
                };
                match engine::start_call_with(request, Some(bytes), picked).await {
                    Ok(pending) => in_flight.push(item.name, pending, size),
                    Err(message) => {
                        collector.add(&item.name, Err(message));
                        state.files_done += 1;
                    }
                }
            }
            Err(e) => {
                collector.diagnostics.push(unreadable(&item.name, e));
                state.files_done += 1;
            }
        }
        // While the worker reads this file.
        sizing.step(&mut state);
        publish(Some(state.clone()));
    }
    settle(&mut in_flight, &mut collector, &mut state).await;
    publish(None);
    HUB.with(|hub| hub.borrow_mut().cancel = false);
    collector.into_loaded()
}

/// The picked files' sizes, for the progress bar's total, asked for a slice at a time: each
/// `File.size` of a picked file is a synchronous call into the browser, and 500 of them took
/// 174 ms, in a long task of 342 ms before the first file was read. Until every file is
/// sized, the bar counts files.
struct Sizing {
    files: Vec<web_sys::File>,
    next: usize,
    sum: u64,
}

impl Sizing {
    /// Files sized per step: 32 took about 11 ms.
    const PER_STEP: usize = 32;

    fn of(items: &[Item]) -> Sizing {
        let files = items
            .iter()
            .filter_map(|i| match &i.source {
                Source::File(f) => Some(f.clone()),
                Source::Url(_) => None,
            })
            .collect();
        Sizing {
            files,
            next: 0,
            sum: 0,
        }
    }

    /// Sizes the next files; once the last is sized, adds their total to `state.bytes_total`
    /// (once).
    fn step(&mut self, state: &mut Progress) {
        if self.files.is_empty() {
            return;
        }
        let end = (self.next + Self::PER_STEP).min(self.files.len());
        self.sum += self.files[self.next..end]
            .iter()
            .map(|f| f.size() as u64)
            .sum::<u64>();
        self.next = end;
        if end == self.files.len() {
            state.bytes_total += self.sum;
            self.files = Vec::new();
        }
    }
}

/// The diagnostic of a load cancelled before `name` and `more` files after it were read.
fn cancelled_note(name: &str, more: usize) -> Diagnostic {
    Diagnostic::whole_file(
        name,
        Severity::Warning,
        format!("loading was cancelled: this file and {more} more were not read"),
    )
}

/// The files sent to the worker whose answers are still to come, oldest first; when the next
/// may be sent is [`send_ahead::must_wait`]'s rule.
#[derive(Default)]
struct InFlight {
    /// Name, answer to come and size in bytes of each file sent.
    files: std::collections::VecDeque<(String, engine::Pending, usize)>,
}

impl InFlight {
    /// True when a file of `size` bytes must wait for the oldest answer before it is sent.
    fn full_for(&self, size: usize) -> bool {
        send_ahead::must_wait(self.files.iter().map(|&(_, _, size)| size), size)
    }

    fn push(&mut self, name: String, pending: engine::Pending, size: usize) {
        self.files.push_back((name, pending, size));
    }
}

/// Waits for the answer about the oldest file sent, if any, and collects it.
async fn settle_oldest(in_flight: &mut InFlight, collector: &mut Collector, state: &mut Progress) {
    if let Some((name, pending, _)) = in_flight.files.pop_front() {
        collector.add(&name, pending.answer().await);
        state.files_done += 1;
    }
}

/// Waits for the answers about every file sent, in order, and collects them.
async fn settle(in_flight: &mut InFlight, collector: &mut Collector, state: &mut Progress) {
    while !in_flight.files.is_empty() {
        settle_oldest(in_flight, collector, state).await;
    }
}

/// The bytes of `file`, left in JavaScript (they go to the worker as they are).
async fn read_file(file: web_sys::File) -> Result<js_sys::ArrayBuffer, String> {
    JsFuture::from(file.array_buffer())
        .await
        .map(|b| b.unchecked_into())
        .map_err(|e| format!("cannot read file: {e:?}"))
}

// ---------------------------------------------------------------------------------------
// Dropped files and the example

/// Reads dropped or picked files one at a time in the parsing worker, so the page stays
/// responsive; progress goes to `progress` (one line) and to [`subscribe_progress`]
/// listeners (files and bytes). Each file's bytes are dropped as soon as the worker has them.
/// A zip or gzip file may hold several reports, so one file may give several outputs. A file
/// whose content is a flakelens audit (`"schema": "flakelens-audit/…"`) is read as one; an
/// audit that cannot be read becomes a diagnostic naming the JSON path of the fault.
/// [`cancel_loading`] stops after the files the worker already has (the current one and the
/// next, or up to 4 MiB or 8 small files sent ahead) and keeps what was read.
pub async fn read_dropped(dropped: Dropped, progress: impl Fn(String)) -> Loaded {
    let (files, unreadable_entries) = dropped::files(dropped).await;
    let collector = Collector {
        diagnostics: unreadable_entries
            .iter()
            .map(|name| unreadable(name, "cannot read this dropped entry".to_owned()))
            .collect(),
        ..Collector::default()
    };
    let items = files
        .into_iter()
        .map(|named| Item {
            name: named.name,
            source: Source::File(named.file),
        })
        .collect();
    read_items(items, collector, None, true, &progress).await
}

#[derive(Deserialize)]
struct RunIndex {
    files: Vec<String>,
}

/// Fetches the bundled example reports (the page's own assets) and reads them in the worker.
///
/// # Errors
/// A message when the example index cannot be fetched or read. A single report that cannot be
/// fetched becomes a diagnostic instead.
pub async fn read_example(progress: impl Fn(String)) -> Result<Loaded, String> {
    let index_url = format!("{EXAMPLE_BASE}index.json");
    let index: RunIndex = Request::get(&index_url)
        .send()
        .await
        .map_err(|e| format!("cannot fetch {index_url}: {e}"))?
        .json()
        .await
        .map_err(|e| format!("cannot read {index_url}: {e}"))?;
    let items = index
        .files
        .into_iter()
        .map(|name| Item {
            source: Source::Url(format!("{EXAMPLE_BASE}{name}")),
            name,
        })
        .collect();
    // The example replaces the runs held (`commit` with `replace`).
    Ok(read_items(items, Collector::default(), None, false, &progress).await)
}

// ---------------------------------------------------------------------------------------
// Audits carried by the page itself: a single-file report, a share link

/// The audit of a single-file report (`flakelens report`, or the page's "Download as single
/// file"): the text of `<script type="application/json" id="flakelens-audit">`, if the page
/// has one, read and validated by the worker. `Some(Err)` says in plain words why it cannot
/// be shown.
pub async fn embedded_audit() -> Option<Result<LoadedAudit, String>> {
    let element = web_sys::window()?
        .document()?
        .get_element_by_id("flakelens-audit")?;
    let text = element.text_content().unwrap_or_default();
    Some(
        match engine::call(crate::protocol::Request::ReadAudit(text)).await {
            Ok(Reply::Audit { json, meta }) => audit_of(json, &meta),
            Ok(Reply::AuditError(e)) => {
                Err(format!("This report's embedded audit cannot be read: {e}"))
            }
            Ok(_) => Err("the worker answered out of turn".to_owned()),
            Err(e) => Err(e),
        },
    )
}

/// The audit of a share link: `#audit=...` in the page's address (decoded with bounds and
/// validated like any audit, by the worker). `Some(Err)` says in plain words why it cannot be
/// shown.
pub async fn shared_audit() -> Option<Result<LoadedAudit, String>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    if !hash.contains(flakelens_core::share::FRAGMENT_KEY) {
        return None;
    }
    match engine::call(crate::protocol::Request::SharedAudit(hash)).await {
        Ok(Reply::Audit { json, meta }) => Some(audit_of(json, &meta)),
        Ok(Reply::NoAudit) => None,
        Ok(Reply::AuditError(why)) => {
            Some(Err(format!("This share link cannot be opened: {why}.")))
        }
        Ok(_) => Some(Err("the worker answered out of turn".to_owned())),
        Err(e) => Some(Err(e)),
    }
}

/// What to show at start-up, if the page carries it: the audit embedded in a single-file
/// report, else a share link's audit. Dispatch `Ok` as `Action::Add`, `Err` as
/// `Action::Failed`.
pub async fn startup_audit() -> Option<Result<Loaded, String>> {
    let (name, audit) = match embedded_audit().await {
        Some(a) => ("embedded audit", a),
        None => ("share link", shared_audit().await?),
    };
    Some(audit.map(|audit| Loaded {
        audit: Some((name.to_owned(), audit)),
        ..Loaded::default()
    }))
}

// ---------------------------------------------------------------------------------------
// Hosted audits and runs (`?audit=URL`, `?runs=URL`), fetched only after the user confirms

/// What the page's address asks to load from elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostedKind {
    /// `?audit=URL`: one audit JSON.
    Audit,
    /// `?runs=URL`: an `index.json` listing report files relative to it.
    Runs,
}

/// A hosted audit or folder of runs named in the page's address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hosted {
    /// Audit or runs.
    pub kind: HostedKind,
    /// The absolute URL.
    pub url: String,
    /// Its origin (`https://example.org`), which the user confirms.
    pub origin: String,
}

/// Reads `?audit=` or `?runs=` from the page's address; makes no request. `Some(Err)` when
/// the URL cannot be used (not http or https, or a plain-http address on another machine,
/// which this page's Content-Security-Policy does not allow).
pub fn hosted_request() -> Option<Result<Hosted, String>> {
    let location = web_sys::window()?.location();
    let href = location.href().ok()?;
    let page = web_sys::Url::new(&href).ok()?;
    let params = page.search_params();
    let (kind, raw) = if let Some(url) = params.get("audit") {
        (HostedKind::Audit, url)
    } else {
        (HostedKind::Runs, params.get("runs")?)
    };
    Some(resolve_hosted(kind, &raw, &href))
}

fn resolve_hosted(kind: HostedKind, raw: &str, page: &str) -> Result<Hosted, String> {
    let what = match kind {
        HostedKind::Audit => "audit",
        HostedKind::Runs => "runs",
    };
    let url = web_sys::Url::new_with_base(raw.trim(), page)
        .map_err(|_| format!("The {what} address in this link is not a URL: {raw}"))?;
    let protocol = url.protocol();
    if protocol != "https:" && protocol != "http:" {
        return Err(format!(
            "The {what} address in this link is not an http(s) URL, so it is not loaded: {raw}"
        ));
    }
    let loopback = matches!(url.hostname().as_str(), "127.0.0.1" | "localhost" | "[::1]");
    let same_origin = web_sys::Url::new(page).is_ok_and(|p| p.origin() == url.origin());
    if protocol == "http:" && !loopback && !same_origin {
        return Err(format!(
            "The {what} address uses plain http on another machine ({}); this page only fetches https:// addresses (and http:// on this machine). Host the file over https.",
            url.origin()
        ));
    }
    Ok(Hosted {
        kind,
        origin: url.origin(),
        url: url.href(),
    })
}

/// Why a fetch failed, in plain words.
#[derive(Debug)]
enum FetchError {
    /// The request never got an answer the page may read: most likely CORS.
    Blocked { origin: String, cross_origin: bool },
    /// The server answered with an error status.
    Status { status: u16, text: String },
    /// The body is larger than the limit.
    TooLarge { limit: usize },
    /// Reading the body failed.
    Body(String),
}

impl std::fmt::Display for FetchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FetchError::Blocked {
                origin,
                cross_origin: true,
            } => write!(
                f,
                "the server at {origin} does not allow this page to read the file (CORS), or cannot be reached; host the file on the same site or enable CORS (Access-Control-Allow-Origin) on that server"
            ),
            FetchError::Blocked { origin, .. } => {
                write!(f, "the server at {origin} cannot be reached")
            }
            FetchError::Status { status, text } => {
                write!(f, "the server answered {status} {text}")
            }
            FetchError::TooLarge { limit } => write!(
                f,
                "the file is larger than the limit of {} MiB, so it was not read",
                limit >> 20
            ),
            FetchError::Body(e) => write!(f, "the download broke off: {e}"),
        }
    }
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// GETs `url` without cookies or referrer and reads at most `limit` bytes of its body.
async fn fetch_limited(url: &str, limit: usize) -> Result<Vec<u8>, FetchError> {
    let origin = web_sys::Url::new(url)
        .map(|u| u.origin())
        .unwrap_or_default();
    let cross_origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .is_none_or(|own| own != origin);
    let response: Response = Request::get(url)
        .mode(RequestMode::Cors)
        .credentials(RequestCredentials::Omit)
        .referrer_policy(ReferrerPolicy::NoReferrer)
        .send()
        .await
        .map_err(|_| FetchError::Blocked {
            origin: origin.clone(),
            cross_origin,
        })?;
    if !response.ok() {
        let status = response.status();
        let text = match response.status_text() {
            t if t.trim().is_empty() => reason_phrase(status).to_owned(),
            t => t,
        };
        return Err(FetchError::Status { status, text });
    }
    if let Some(length) = response
        .headers()
        .get("content-length")
        .and_then(|l| l.trim().parse::<usize>().ok())
    {
        if length > limit {
            return Err(FetchError::TooLarge { limit });
        }
    }
    let Some(body) = response.body() else {
        return Ok(Vec::new());
    };
    let reader: ReadableStreamDefaultReader = body.get_reader().unchecked_into();
    let mut out = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read())
            .await
            .map_err(|e| FetchError::Body(format!("{e:?}")))?;
        let done = js_sys::Reflect::get(&chunk, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true);
        if done {
            return Ok(out);
        }
        let value: Uint8Array = js_sys::Reflect::get(&chunk, &"value".into())
            .map_err(|e| FetchError::Body(format!("{e:?}")))?
            .unchecked_into();
        if out.len() + value.length() as usize > limit {
            let _ = reader.cancel();
            return Err(FetchError::TooLarge { limit });
        }
        let start = out.len();
        out.resize(start + value.length() as usize, 0);
        value.copy_to(&mut out[start..]);
    }
}

/// Fetches what `hosted` names (the user confirmed its origin): an audit, read in the worker
/// with a limit of [`MAX_HOSTED_AUDIT_BYTES`]; or the runs an `index.json` lists, relative to
/// it and on the same origin, read in the worker until [`MAX_HOSTED_RUNS_BYTES`] in total.
///
/// # Errors
/// A plain-words message: CORS, an HTTP status, too large, or not an audit.
pub async fn read_hosted(hosted: &Hosted, progress: impl Fn(String)) -> Result<Loaded, String> {
    match hosted.kind {
        HostedKind::Audit => {
            progress(format!("fetching the audit from {}", hosted.origin));
            let bytes = fetch_limited(&hosted.url, MAX_HOSTED_AUDIT_BYTES)
                .await
                .map_err(|e| format!("Cannot load the audit: {e}."))?;
            let name = hosted
                .url
                .rsplit('/')
                .next()
                .unwrap_or("audit.json")
                .to_owned();
            let payload = Uint8Array::from(bytes.as_slice()).buffer();
            drop(bytes);
            match engine::call_with(
                crate::protocol::Request::ParseAudit {
                    bytes: Vec::new(),
                    limit: MAX_HOSTED_AUDIT_BYTES,
                },
                Some(payload),
            )
            .await
            {
                Ok(Reply::Audit { json, meta }) => Ok(Loaded {
                    audit: Some((name, audit_of(json, &meta)?)),
                    ..Loaded::default()
                }),
                Ok(Reply::AuditError(message)) => Err(format!("Cannot load the audit: {message}.")),
                Err(message) => Err(message),
                _ => Err("Cannot load the audit: the parsing worker gave no answer.".to_owned()),
            }
        }
        HostedKind::Runs => {
            progress(format!("fetching the list of runs from {}", hosted.origin));
            let bytes = fetch_limited(&hosted.url, MAX_INDEX_BYTES)
                .await
                .map_err(|e| format!("Cannot load the runs: {e}."))?;
            let index: RunIndex = serde_json::from_slice(&bytes).map_err(|e| {
                format!("Cannot load the runs: the list is not JSON of the form {{\"files\": [...]}} ({e}).")
            })?;
            let mut collector = Collector::default();
            let mut items = Vec::new();
            for name in index.files {
                match web_sys::Url::new_with_base(&name, &hosted.url) {
                    Ok(url) if url.origin() == hosted.origin => items.push(Item {
                        name,
                        source: Source::Url(url.href()),
                    }),
                    _ => collector.diagnostics.push(unreadable(
                        &name,
                        format!(
                            "not read: the list names a file outside {}, the origin you confirmed",
                            hosted.origin
                        ),
                    )),
                }
            }
            Ok(read_items(
                items,
                collector,
                Some(MAX_HOSTED_RUNS_BYTES),
                true,
                &progress,
            )
            .await)
        }
    }
}

fn unreadable(name: &str, message: String) -> Diagnostic {
    Diagnostic::whole_file(name, Severity::Error, message)
}
