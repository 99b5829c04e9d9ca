//! The page's side of the engine (`worker.rs`): one long-lived worker that holds the runs and
//! the analysis, or, where no worker can run (a single-file report opened from `file://`),
//! the same [`Engine`] on the page.
//!
//! Requests are answered in order, one reply each. If the worker dies (out of memory, most
//! likely), every waiting request fails with a plain-words message, and the next request
//! starts a new, empty worker.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::pin::pin;
use std::rc::Rc;

use flakelens_core::{Analysis, AnalysisOptions};
use flakelens_core::{RunDetail, TestSummary};
use futures::channel::oneshot;
use futures::future::{select, Either};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use web_sys::{Blob, BlobPropertyBag, ErrorEvent, MessageEvent, Url, Worker};

use crate::worker::{Base, Engine, Held, Reply, Request};

/// The worker's script, relative to the page (`data-target-path="worker"` in `index.html`);
/// its wasm is `worker/flakelens-worker_bg.wasm` beside it.
const WORKER_SCRIPT: &str = "worker/flakelens-worker.js";
/// How long the worker may take to start before the page reads files itself.
const WORKER_START_MS: u32 = 20_000;

type Answer = Result<Reply, String>;

/// A running worker and the requests waiting for its answers, oldest first.
struct Remote {
    worker: Worker,
    pending: RefCell<VecDeque<oneshot::Sender<Answer>>>,
    dead: RefCell<Option<String>>,
    ready: Cell<bool>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

enum Conn {
    Remote(Rc<Remote>),
    Local(Box<RefCell<Engine>>),
}

thread_local! {
    static CONN: RefCell<Option<Rc<Conn>>> = const { RefCell::new(None) };
    static READY: RefCell<Option<oneshot::Sender<()>>> = const { RefCell::new(None) };
    static STARTING: Cell<bool> = const { Cell::new(false) };
}

/// True where the worker can be loaded: a page served over http(s), not a single-file report
/// (whose Content-Security-Policy allows no worker and which has no worker file beside it).
fn worker_possible() -> bool {
    let Some(window) = web_sys::window() else {
        return false;
    };
    let served = matches!(
        window.location().protocol().as_deref(),
        Ok("http:") | Ok("https:")
    );
    let report = window
        .document()
        .and_then(|d| d.get_element_by_id("flakelens-wasm"))
        .is_some();
    served && !report
}

/// Why the worker stopped, in plain words.
fn death_message(detail: &str) -> String {
    format!(
        "The worker that reads and analyzes the files stopped ({detail}); most likely the browser ran out of memory for this tab. What it held is lost: load fewer or smaller files, or tick \"drop system-out/err\" before loading."
    )
}

/// Starts the worker and waits until it says it is ready; `None` when it cannot start.
async fn spawn() -> Option<Rc<Remote>> {
    let window = web_sys::window()?;
    let href = window.location().href().ok()?;
    let script = Url::new_with_base(WORKER_SCRIPT, &href).ok()?.href();
    let wasm = script.replace(".js", "_bg.wasm");
    let parts = Array::of1(&format!(r#"importScripts("{script}");wasm_bindgen("{wasm}");"#).into());
    let options = BlobPropertyBag::new();
    options.set_type("application/javascript");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = Url::create_object_url_with_blob(&blob).ok()?;
    let worker = Worker::new(&url).ok()?;
    let _ = Url::revoke_object_url(&url);

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
                let answer = bincode::deserialize::<Reply>(&Uint8Array::new(&data).to_vec())
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
            ready: Cell::new(false),
            _on_message: on_message,
            _on_error: on_error,
        }
    });
    let timeout = pin!(TimeoutFuture::new(WORKER_START_MS));
    match select(ready_rx, timeout).await {
        Either::Left((Ok(()), _)) => {
            remote.ready.set(true);
            Some(remote)
        }
        _ => {
            remote.worker.terminate();
            None
        }
    }
}

/// The connection, started on first use: the worker, or the page's own engine.
async fn conn() -> Rc<Conn> {
    loop {
        if let Some(conn) = CONN.with(|c| c.borrow().clone()) {
            let alive = match &*conn {
                Conn::Remote(r) => r.dead.borrow().is_none(),
                Conn::Local(_) => true,
            };
            if alive {
                return conn;
            }
        }
        if !STARTING.with(Cell::get) {
            break;
        }
        // Another request is starting the worker: wait for it, keeping the order of requests.
        TimeoutFuture::new(10).await;
    }
    STARTING.with(|s| s.set(true));
    let conn = Rc::new(match worker_possible() {
        true => match spawn().await {
            Some(remote) => Conn::Remote(remote),
            None => Conn::Local(Box::new(RefCell::new(Engine::default()))),
        },
        false => Conn::Local(Box::new(RefCell::new(Engine::default()))),
    });
    CONN.with(|c| *c.borrow_mut() = Some(conn.clone()));
    STARTING.with(|s| s.set(false));
    conn
}

/// Sends `request` now; the receiver gets the answer.
fn send(conn: &Conn, request: Request) -> oneshot::Receiver<Answer> {
    send_with(conn, request, None)
}

/// Sends `request` with `payload`, the bytes of a file (which the request does not encode):
/// transferred to the worker, or copied into the request for the page's own engine.
fn send_with(
    conn: &Conn,
    mut request: Request,
    payload: Option<js_sys::ArrayBuffer>,
) -> oneshot::Receiver<Answer> {
    let (tx, rx) = oneshot::channel();
    match conn {
        Conn::Remote(remote) => {
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
        }
        Conn::Local(engine) => {
            if let (Some(bytes), Some(payload)) = (request.payload_mut(), payload) {
                *bytes = Uint8Array::new(&payload).to_vec();
            }
            let _ = tx.send(Ok(engine.borrow_mut().handle(request)));
        }
    }
    rx
}

async fn receive(rx: oneshot::Receiver<Answer>) -> Answer {
    rx.await.unwrap_or_else(|_| Err(death_message("no answer")))
}

/// Sends one request and waits for its answer. On the page's own engine, the page paints
/// first.
pub async fn call(request: Request) -> Answer {
    call_with(request, None).await
}

/// [`call`] with the bytes of a file beside the request (`Request::Parse`, `ParseAudit`):
/// the page never copies them into its own memory when a worker runs.
pub async fn call_with(request: Request, payload: Option<js_sys::ArrayBuffer>) -> Answer {
    let conn = conn().await;
    if matches!(&*conn, Conn::Local(_)) {
        TimeoutFuture::new(0).await;
    }
    receive(send_with(&conn, request, payload)).await
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
    /// The analysis as the page shows it (without stack traces and outputs; see [`details`]).
    pub analysis: Analysis,
    /// The file names of every held run, excluded ones included.
    pub run_files: Vec<String>,
    /// `search_text` of every test, in order (built chunk by chunk, so that the first visit
    /// of the tests view does not build it in one task).
    pub search_index: Vec<String>,
}

/// Analyzes the held runs with `options`. The tests arrive in chunks, each decoded in its own
/// task.
pub async fn analyze(options: &AnalysisOptions) -> Result<Analyzed, String> {
    let options = serde_json::to_string(options).map_err(|e| e.to_string())?;
    let conn = conn().await;
    if matches!(&*conn, Conn::Local(_)) {
        TimeoutFuture::new(0).await;
    }
    let (head, tests, run_files) = match receive(send(&conn, Request::Analyze(options))).await? {
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
    // Ask for every chunk at once: the worker encodes the next while the page decodes one.
    let chunks: Vec<_> = (0..tests)
        .step_by(crate::worker::TESTS_PER_CHUNK)
        .map(|start| send(&conn, Request::Tests { start }))
        .collect();
    analysis.tests.reserve_exact(tests);
    let mut search_index = Vec::with_capacity(tests);
    for rx in chunks {
        let Reply::Tests(json) = receive(rx).await? else {
            return Err("the worker answered out of turn".to_owned());
        };
        let started = now_ms();
        let chunk: Vec<TestSummary> =
            serde_json::from_str(&json).map_err(|e| format!("the worker answered garbage: {e}"))?;
        drop(json);
        record_decode(now_ms() - started);
        search_index.extend(chunk.iter().map(crate::display::route::search_text));
        analysis.tests.extend(chunk);
        if matches!(&*conn, Conn::Local(_)) {
            TimeoutFuture::new(0).await;
        }
    }
    Ok(Analyzed {
        analysis,
        run_files,
        search_index,
    })
}

/// The full details of the test `id` in the last analysis (stack traces and outputs too).
pub async fn details(id: &str) -> Result<Option<Vec<Option<RunDetail>>>, String> {
    match call(Request::Details(id.to_owned())).await? {
        Reply::Details(json) => {
            serde_json::from_str(&json).map_err(|e| format!("the worker answered garbage: {e}"))
        }
        other => Err(format!("the worker answered out of turn: {other:?}")),
    }
}

/// The audit of the last analysis as JSON text.
pub async fn audit_json(
    criteria: &flakelens_core::audit::Criteria,
    title: Option<String>,
    privacy: flakelens_core::audit::Privacy,
) -> Result<String, String> {
    let criteria = serde_json::to_string(criteria).map_err(|e| e.to_string())?;
    match call(Request::Audit {
        criteria,
        title,
        messages: privacy.messages,
        output: privacy.output,
    })
    .await?
    {
        Reply::AuditJson(json) => Ok(json),
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
