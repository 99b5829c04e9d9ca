//! The page's side of the engine (`worker.rs`): one long-lived worker that holds the runs and
//! the analysis. The page never runs the engine itself; where no worker can start it says so.
//!
//! A page served over http(s) starts the worker from `worker/flakelens-worker.js` beside it;
//! a single-file report (`flakelens_core::report`, opened from `file://` with no network)
//! carries the worker's glue and wasm in two data blocks, and starts it from a `blob:` URL
//! made of the glue, sending the wasm as the first message.
//!
//! Requests are answered in order, one reply each. If the worker dies (out of memory, most
//! likely), every waiting request fails with a plain-words message, and the next request
//! starts a new, empty worker.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::pin::pin;
use std::rc::Rc;

use flakelens_core::audit::Privacy;
use flakelens_core::categories::RulesFile;
use flakelens_core::report::{APP_WASM_ID, WORKER_GLUE_ID, WORKER_WASM_ID};
use flakelens_core::share::Fit;
use flakelens_core::{Analysis, AnalysisOptions};
use futures::channel::oneshot;
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, ErrorEvent, MessageEvent, Url, Worker};

use crate::protocol::{self, AuditOf, Base, Held, Reply, Request, TestRuns};

/// The worker's script, relative to the page (`data-target-path="worker"` in `index.html`);
/// its wasm is [`WORKER_WASM`] beside it.
pub const WORKER_SCRIPT: &str = "worker/flakelens-worker.js";
/// The worker's wasm, relative to the page.
pub const WORKER_WASM: &str = "worker/flakelens-worker_bg.wasm";
/// How long the worker may take to start before the page gives up.
const WORKER_START_MS: u32 = 20_000;
/// What a single-file report's worker runs after its glue: it waits for its wasm (the first
/// message) and starts; a failure to start is thrown where the page sees it (an `error`
/// event on the worker).
const EMBEDDED_WORKER_START: &str = "\nself.onmessage = (e) => {\n  self.onmessage = null;\n  wasm_bindgen({ module_or_path: e.data }).catch((err) => setTimeout(() => { throw err; }));\n};\n";

type Answer = Result<Reply, String>;

/// A running worker and the requests waiting for its answers, oldest first.
struct Remote {
    worker: Worker,
    pending: RefCell<VecDeque<oneshot::Sender<Answer>>>,
    dead: RefCell<Option<String>>,
    /// The message of the worker's last `error` event.
    error: RefCell<Option<String>>,
    ready: Cell<bool>,
    /// True once [`warm_up`] has asked this worker to warm up.
    warmed: Cell<bool>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

thread_local! {
    static CONN: RefCell<Option<Rc<Remote>>> = const { RefCell::new(None) };
    static READY: RefCell<Option<oneshot::Sender<()>>> = const { RefCell::new(None) };
    static STARTING: Cell<bool> = const { Cell::new(false) };
    /// How many analyses the page has asked for: an analysis still waiting for its turn
    /// when a later one is asked for is never sent.
    static ANALYSES_ASKED: Cell<u64> = const { Cell::new(0) };
    /// Held by the analysis being made and sent, so that the next waits for it.
    static ANALYZING: Rc<futures::lock::Mutex<()>> = Rc::new(futures::lock::Mutex::new(()));
}

/// Where the worker's code comes from.
enum Source {
    /// A served page: the worker's script and wasm at these absolute URLs.
    Served { script: String, wasm: String },
    /// A single-file report: the worker's glue text and wasm bytes, from its data blocks.
    Embedded { glue: String, wasm: Vec<u8> },
}

/// The worker's data block `id`, base64-decoded; `None` when the page has no such block.
fn embedded(document: &web_sys::Document, id: &str) -> Option<Result<Vec<u8>, String>> {
    crate::share::data_block(document, id).map(|bytes| {
        bytes.map_err(|e| format!("the report's embedded worker is damaged ({id}: {e})"))
    })
}

/// True in a single-file report (the page's wasm is embedded in the document), which has no
/// files beside it: no worker file, no example reports.
pub fn is_single_file_report() -> bool {
    web_sys::window()
        .and_then(|w| w.document())
        .is_some_and(|d| d.get_element_by_id(APP_WASM_ID).is_some())
}

/// Where this page's worker comes from, or why it has none.
fn source() -> Result<Source, String> {
    let window = web_sys::window().ok_or("no window")?;
    let document = window.document().ok_or("no document")?;
    if is_single_file_report() {
        let (Some(glue), Some(wasm)) = (
            embedded(&document, WORKER_GLUE_ID),
            embedded(&document, WORKER_WASM_ID),
        ) else {
            return Err("this single-file report carries no worker (it was made by an older flakelens; make it again with `flakelens report` or \"Download as single file\")".to_owned());
        };
        let glue = String::from_utf8(glue?)
            .map_err(|_| "the report's embedded worker is damaged (its script is not UTF-8)")?;
        return Ok(Source::Embedded { glue, wasm: wasm? });
    }
    let protocol = window.location().protocol().unwrap_or_default();
    if !matches!(protocol.as_str(), "http:" | "https:") {
        return Err(format!(
            "this page was opened from {protocol}, where it cannot load {WORKER_SCRIPT}; serve its folder over http (any static server), or use a single-file report"
        ));
    }
    let href = window
        .location()
        .href()
        .map_err(|_| "the page has no address")?;
    let resolve = |path: &str| {
        Url::new_with_base(path, &href)
            .map(|u| u.href())
            .map_err(|_| format!("cannot resolve {path} against the page's address"))
    };
    Ok(Source::Served {
        script: resolve(WORKER_SCRIPT)?,
        wasm: resolve(WORKER_WASM)?,
    })
}

/// Why the worker stopped, in plain words.
fn death_message(detail: &str) -> String {
    format!(
        "The worker that reads and analyzes the files stopped ({detail}); most likely the browser ran out of memory for this tab. What it held is lost: load fewer or smaller files, or tick \"drop system-out/err\" before loading."
    )
}

/// Why no worker runs, in plain words.
fn no_worker_message(detail: &str) -> String {
    format!(
        "The worker that reads and analyzes the files could not start: {detail}. flakelens reads and analyzes only in that worker, so nothing can be loaded in this tab."
    )
}

/// A worker running `parts` (JavaScript text) from a `blob:` URL.
fn worker_of(parts: &[&str]) -> Result<Worker, String> {
    let array = Array::new();
    for part in parts {
        array.push(&JsValue::from_str(part));
    }
    let options = BlobPropertyBag::new();
    options.set_type("application/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&array, &options)
        .map_err(|_| "cannot make the worker's script".to_owned())?;
    let url = Url::create_object_url_with_blob(&blob)
        .map_err(|_| "cannot make a URL for the worker's script".to_owned())?;
    let worker = Worker::new(&url).map_err(|e| {
        let why = e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "refused".to_owned());
        format!("the browser refused to start it ({why})")
    });
    let _ = Url::revoke_object_url(&url);
    worker
}

/// Starts the worker and waits until it says it is ready.
async fn spawn() -> Result<Rc<Remote>, String> {
    let (worker, wasm) = match source()? {
        Source::Served { script, wasm } => {
            let start = format!(
                r#"importScripts({});wasm_bindgen({{ module_or_path: {} }}).catch((err) => setTimeout(() => {{ throw err; }}));"#,
                js_string(&script),
                js_string(&wasm)
            );
            (worker_of(&[&start])?, None)
        }
        Source::Embedded { glue, wasm } => (
            worker_of(&[&glue, EMBEDDED_WORKER_START])?,
            Some(Uint8Array::from(wasm.as_slice())),
        ),
    };
    let (ready_tx, ready_rx) = oneshot::channel::<()>();
    READY.with(|r| *r.borrow_mut() = Some(ready_tx));
    let remote = Rc::new_cyclic(|weak: &std::rc::Weak<Remote>| {
        let on_message = {
            let weak = weak.clone();
            Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
                let data = e.data();
                if data.is_string() {
                    if let Some(tx) = READY.with(|r| r.borrow_mut().take()) {
                        let _ = tx.send(());
                    }
                    return;
                }
                let Some(remote) = weak.upgrade() else {
                    return;
                };
                // `[reply, bytes]`: the bytes (a chunk of tests) travel beside the reply.
                let message: Array = data.unchecked_into();
                let answer = bincode::deserialize::<Reply>(&protocol::bytes_of(&message.get(0)))
                    .map(|mut reply| {
                        let payload = message.get(1);
                        if let (Some(bytes), false) = (reply.payload_mut(), payload.is_undefined())
                        {
                            *bytes = protocol::bytes_of(&payload);
                        }
                        reply
                    })
                    .map_err(|e| format!("the worker answered garbage: {e}"));
                let waiting = remote.pending.borrow_mut().pop_front();
                if let Some(tx) = waiting {
                    let _ = tx.send(answer);
                }
            })
        };
        let on_error = {
            let weak = weak.clone();
            Closure::<dyn FnMut(ErrorEvent)>::new(move |e: ErrorEvent| {
                e.prevent_default();
                let Some(remote) = weak.upgrade() else {
                    return;
                };
                let message = death_message(&e.message());
                *remote.error.borrow_mut() = Some(e.message());
                remote.worker.terminate();
                *remote.dead.borrow_mut() = Some(message.clone());
                for tx in remote.pending.borrow_mut().drain(..) {
                    let _ = tx.send(Err(message.clone()));
                }
                READY.with(|r| r.borrow_mut().take());
            })
        };
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Remote {
            worker,
            pending: RefCell::new(VecDeque::new()),
            dead: RefCell::new(None),
            error: RefCell::new(None),
            ready: Cell::new(false),
            warmed: Cell::new(false),
            _on_message: on_message,
            _on_error: on_error,
        }
    });
    if let Some(wasm) = wasm {
        let transfer = Array::of1(&wasm.buffer());
        if remote
            .worker
            .post_message_with_transfer(&wasm, &transfer)
            .is_err()
        {
            remote.worker.terminate();
            return Err("cannot hand the worker its wasm".to_owned());
        }
    }
    let timeout = pin!(TimeoutFuture::new(WORKER_START_MS));
    match select(ready_rx, timeout).await {
        Either::Left((Ok(()), _)) => {
            remote.ready.set(true);
            Ok(remote)
        }
        Either::Left((Err(_), _)) => {
            remote.worker.terminate();
            let detail = remote.error.borrow().clone().unwrap_or_default();
            Err(format!("it failed as it started ({detail})"))
        }
        Either::Right(_) => {
            remote.worker.terminate();
            Err(format!(
                "it did not answer within {} seconds",
                WORKER_START_MS / 1000
            ))
        }
    }
}

/// A JavaScript string literal of `text` (JSON's quoting is JavaScript's).
fn js_string(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".to_owned())
}

/// The worker, started on first use (and again after it died). Where it cannot start, every
/// request fails with [`no_worker_message`]; the next request tries again.
async fn conn() -> Result<Rc<Remote>, String> {
    loop {
        if let Some(remote) = CONN.with(|c| c.borrow().clone()) {
            if remote.dead.borrow().is_none() {
                return Ok(remote);
            }
        }
        if !STARTING.with(Cell::get) {
            break;
        }
        // Another request is starting the worker: wait for it, keeping the order of requests.
        TimeoutFuture::new(10).await;
    }
    STARTING.with(|s| s.set(true));
    let started = spawn().await;
    CONN.with(|c| *c.borrow_mut() = started.as_ref().ok().cloned());
    STARTING.with(|s| s.set(false));
    started.map_err(|detail| no_worker_message(&detail))
}

/// Sends `request` now; the receiver gets the answer.
fn send(remote: &Remote, request: Request) -> oneshot::Receiver<Answer> {
    send_with(remote, request, None, None)
}

/// Sends `request` with `payload`, the bytes of a file (which the request does not encode),
/// transferred to the worker, and `file`, the picked file itself (a reference, not copied).
fn send_with(
    remote: &Remote,
    request: Request,
    payload: Option<js_sys::ArrayBuffer>,
    file: Option<web_sys::Blob>,
) -> oneshot::Receiver<Answer> {
    let (tx, rx) = oneshot::channel();
    if let Some(message) = remote.dead.borrow().clone() {
        let _ = tx.send(Err(message));
        return rx;
    }
    match bincode::serialize(&request) {
        Ok(bytes) => {
            drop(request);
            let array = Uint8Array::from(bytes.as_slice());
            drop(bytes);
            let message = Array::of1(&array);
            let transfer = Array::of1(&array.buffer());
            if let Some(payload) = payload {
                message.push(&payload);
                transfer.push(&payload);
            }
            if let Some(file) = file {
                message.set(2, file.into());
            }
            remote.pending.borrow_mut().push_back(tx);
            if remote
                .worker
                .post_message_with_transfer(&message, &transfer)
                .is_err()
            {
                if let Some(tx) = remote.pending.borrow_mut().pop_back() {
                    let _ = tx.send(Err("cannot send to the worker".to_owned()));
                }
            }
        }
        Err(e) => {
            let _ = tx.send(Err(format!("cannot encode the request: {e}")));
        }
    }
    rx
}

async fn receive(rx: oneshot::Receiver<Answer>) -> Answer {
    rx.await.unwrap_or_else(|_| Err(death_message("no answer")))
}

/// Sends one request and waits for its answer.
pub async fn call(request: Request) -> Answer {
    call_with(request, None).await
}

/// [`call`] with the bytes of a file beside the request (`Request::Parse`, `ParseAudit`):
/// the page never copies them into its own memory when a worker runs.
pub async fn call_with(request: Request, payload: Option<js_sys::ArrayBuffer>) -> Answer {
    start_call_with(request, payload, None)
        .await?
        .answer()
        .await
}

/// A request sent whose answer is still to come ([`start_call_with`]).
pub struct Pending(oneshot::Receiver<Answer>);

impl Pending {
    /// Waits for the answer.
    pub async fn answer(self) -> Answer {
        receive(self.0).await
    }
}

/// Sends `request` (with `payload`, as [`call_with`], and `file`, the picked file those bytes
/// are, which the worker keeps to read it again) and returns without waiting for its answer,
/// so the page can do something else meanwhile (read the next file). The worker answers its
/// requests in order.
///
/// # Errors
/// The message of a worker that could not start or has stopped.
pub async fn start_call_with(
    request: Request,
    payload: Option<js_sys::ArrayBuffer>,
    file: Option<web_sys::Blob>,
) -> Result<Pending, String> {
    let remote = conn().await?;
    Ok(Pending(send_with(&remote, request, payload, file)))
}

/// The user has started to pick or drag files: starts the worker, if it is not running, and
/// asks it to warm up (`Request::WarmUp`), once per worker, without waiting for the answer.
/// The files come seconds later, by then to code the browser has optimized; a file that
/// comes sooner waits behind the warm-up (0.1–0.25 s on a cold worker at 2 cores, measured
/// in BENCHMARKS.md). A page that never asks the worker for anything does not start it:
/// opening the page fetches only its own wasm.
pub fn warm_up() {
    wasm_bindgen_futures::spawn_local(async {
        let Ok(remote) = conn().await else {
            // Said to the user by the request that needs the worker.
            return;
        };
        if !remote.warmed.replace(true) {
            // The answer (`Ready`) tells nothing: the receiver is dropped unread.
            drop(send(&remote, Request::WarmUp));
        }
    });
}

fn held_of(reply: Answer) -> Result<Held, String> {
    match reply? {
        Reply::Held(held) => Ok(held),
        other => Err(format!("the worker answered out of turn: {other:?}")),
    }
}

/// Adds the staged runs to the held ones after replacing them as `base` says.
pub async fn commit(base: Base) -> Result<Held, String> {
    held_of(call(Request::Commit(base)).await)
}

/// Forgets every run.
pub async fn clear() -> Result<Held, String> {
    held_of(call(Request::Clear).await)
}

/// Removes every system-out and system-err from the held runs.
pub async fn drop_outputs() -> Result<Held, String> {
    held_of(call(Request::DropOutputs).await)
}

/// What [`analyze`] returns.
pub struct Analyzed {
    /// The analysis as the page shows it: its tests without their runs in detail and durations
    /// per run (see [`details`]).
    pub analysis: Analysis,
    /// The file names of every held run, excluded ones included.
    pub run_files: Vec<String>,
    /// `search_text` of every test, in order (built chunk by chunk, so that the first visit
    /// of the tests view does not build it in one task).
    pub search_index: Vec<String>,
}

/// Analyzes the held runs with `options`. The tests arrive in chunks, each decoded in its own
/// task. One analysis is made at a time: a call made while another runs waits for it, and
/// answers `Ok(None)` without asking the worker when a later call was made meanwhile (two
/// options changed in a row cost one analysis after the running one, not two). A later call
/// made while the tests arrive also ends the running one with `Ok(None)` before its next
/// chunk: its tests would be replaced at once (two runs left out in a row at 686 MB fetched
/// and decoded every test twice).
pub async fn analyze(options: &AnalysisOptions) -> Result<Option<Analyzed>, String> {
    let asked = ANALYSES_ASKED.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let turn = ANALYZING.with(Rc::clone);
    let _turn = turn.lock().await;
    if ANALYSES_ASKED.with(Cell::get) != asked {
        return Ok(None);
    }
    let options = serde_json::to_string(options).map_err(|e| e.to_string())?;
    let remote = conn().await?;
    let (head, tests, run_files) = match receive(send(&remote, Request::Analyze(options))).await? {
        Reply::Analyzed {
            head,
            tests,
            run_files,
        } => (head, tests, run_files),
        other => return Err(format!("the worker answered out of turn: {other:?}")),
    };
    let started = now_ms();
    let mut analysis: Analysis =
        serde_json::from_str(&head).map_err(|e| format!("the worker answered garbage: {e}"))?;
    drop(head);
    record_decode(now_ms() - started);
    // The worker says where each chunk ends; the next one is asked for before this one is
    // decoded. The worker has usually written it already: it writes the next chunk as soon
    // as no request waits (`Engine::write_ahead`).
    analysis.tests.reserve_exact(tests);
    let mut search_index = Vec::with_capacity(tests);
    // The tests' suites and classnames, one allocation each for the whole analysis.
    let mut names = flakelens_core::Interner::default();
    let mut next = (tests > 0).then(|| send(&remote, Request::Tests { start: 0 }));
    while let Some(rx) = next.take() {
        let Reply::Tests { tests: bytes, end } = receive(rx).await? else {
            return Err("the worker answered out of turn".to_owned());
        };
        if end <= analysis.tests.len() || end > tests {
            return Err("the worker sent no test, or more than the analysis has".to_owned());
        }
        // The chunk holds the tests from the last one received to `end` (`decode_tests`
        // refuses bytes that hold more or fewer).
        let count = end - analysis.tests.len();
        if ANALYSES_ASKED.with(Cell::get) != asked {
            // Superseded; no chunk is outstanding, so the worker's answers stay in step.
            return Ok(None);
        }
        if end < tests {
            next = Some(send(&remote, Request::Tests { start: end }));
        }
        let started = now_ms();
        let chunk = crate::wire::decode_tests(&bytes, count, &mut names)
            .map_err(|e| format!("the worker answered garbage: {e}"))?;
        drop(bytes);
        record_decode(now_ms() - started);
        for shown in chunk {
            let messages = shown.messages.iter().map(|m| &**m);
            search_index.push(crate::display::route::search_text_with(
                &shown.test,
                messages,
            ));
            analysis.tests.push(shown.test);
        }
    }
    Ok(Some(Analyzed {
        analysis,
        run_files,
        search_index,
    }))
}

/// The runs in detail (stack traces and outputs too) and the durations per run of the test
/// `id` in the last analysis; `None` when the worker has no such test.
pub async fn details(id: &str) -> Result<Option<TestRuns>, String> {
    match call(Request::Details(id.to_owned())).await? {
        Reply::Details(json) => {
            serde_json::from_str(&json).map_err(|e| format!("the worker answered garbage: {e}"))
        }
        other => Err(format!("the worker answered out of turn: {other:?}")),
    }
}

/// A rules file (flakelens JSON or Allure `categories.json`) parsed and its rules compiled by
/// the engine: `Ok(Err(why))` when they cannot be applied. Blank text means no user rules
/// (the defaults only), without asking the engine.
///
/// # Errors
/// The engine's message when it stopped.
pub async fn check_rules(text: &str) -> Result<Result<RulesFile, String>, String> {
    if text.trim().is_empty() {
        return Ok(Ok(RulesFile::default()));
    }
    match call(Request::CheckRules(text.to_owned())).await? {
        Reply::Rules(Ok(json)) => Ok(
            serde_json::from_str(&json).map_err(|e| format!("the worker answered garbage: {e}"))
        ),
        Reply::Rules(Err(why)) => Ok(Err(why)),
        other => Err(format!("the worker answered out of turn: {other:?}")),
    }
}

/// The audit of the last analysis with `criteria` and `title`, as a request names it.
///
/// # Errors
/// A message when the criteria cannot be encoded.
pub fn analysis_audit(
    criteria: &flakelens_core::audit::Criteria,
    title: Option<String>,
) -> Result<AuditOf, String> {
    let criteria = serde_json::to_string(criteria).map_err(|e| e.to_string())?;
    Ok(AuditOf::Analysis { criteria, title })
}

/// The audit `of` with the text `privacy` allows, as JSON text.
pub async fn audit_json(of: AuditOf, privacy: Privacy) -> Result<String, String> {
    let request = Request::Audit { of, privacy };
    match call(request).await? {
        Reply::AuditJson(json) => Ok(json),
        Reply::AuditError(why) => Err(why),
        other => Err(format!("the worker answered out of turn: {other:?}")),
    }
}

/// The fragment of a share link to the audit `of` (`audit=...`, without the `#`) with the
/// text `privacy` allows, and how it was made to fit the link budget.
pub async fn share_fragment(of: AuditOf, privacy: Privacy) -> Result<(String, Fit), String> {
    let request = Request::ShareLink { of, privacy };
    match call(request).await? {
        Reply::ShareLink { fragment, fit } => Ok((fragment, fit)),
        Reply::AuditError(why) => Err(why),
        other => Err(format!("the worker answered out of turn: {other:?}")),
    }
}

/// What the single-file report of the audit `of` with the text `privacy` allows embeds: the
/// audit as JSON made embeddable (`flakelens_core::report::embeddable_json`), and the
/// report's title.
pub async fn single_file(of: AuditOf, privacy: Privacy) -> Result<(String, String), String> {
    let request = Request::SingleFile { of, privacy };
    match call(request).await? {
        Reply::SingleFile { json, title } => Ok((json, title)),
        Reply::AuditError(why) => Err(why),
        other => Err(format!("the worker answered out of turn: {other:?}")),
    }
}

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Keeps the page's decode times of the engine's answers in `window.__flakelensDecode`
/// (`{count, max_ms, total_ms}`), which the end-to-end test prints.
fn record_decode(ms: f64) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let key = wasm_bindgen::JsValue::from_str("__flakelensDecode");
    let get = |o: &wasm_bindgen::JsValue, k: &str| {
        js_sys::Reflect::get(o, &k.into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0)
    };
    let old = js_sys::Reflect::get(&window, &key).unwrap_or_default();
    let record = js_sys::Object::new();
    let set = |k: &str, v: f64| {
        let _ = js_sys::Reflect::set(&record, &k.into(), &v.into());
    };
    set("count", get(&old, "count") + 1.0);
    set("max_ms", get(&old, "max_ms").max(ms));
    set("total_ms", get(&old, "total_ms") + ms);
    let _ = js_sys::Reflect::set(&window, &key, &record);
}
