//! flakelens's worker: a Web Worker that reads the files the page hands it, keeps the runs
//! and analyzes them, so that the page never freezes (see `src/worker.rs`, the engine,
//! `src/protocol.rs`, the messages, and `src/engine.rs`, the page's side).
//!
//! Trunk builds this binary for `wasm32-unknown-unknown` (`data-type="worker"` in
//! `index.html`); the page spawns it from `worker/flakelens-worker.js`.
//!
//! Protocol: once its message handler is set, the worker posts the string `"ready"`; then
//! every message from the page is `[request, bytes, file]`: one bincode-encoded `Request` (a
//! `Uint8Array`) and, for a file, its bytes (an `ArrayBuffer`, transferred) and the picked
//! `File` itself when there is one (not transferred: a `File` is a reference), answered with
//! exactly one message `[reply, bytes]`: a bincode-encoded `Reply` and, for a chunk of tests,
//! its bytes (both buffers transferred, not copied), in order.
//!
//! Requests are answered one at a time, in the order they came. Most are answered at once;
//! a share link waits for the browser's `CompressionStream` (the worker carries no
//! deflater), and the requests that come meanwhile wait in a queue behind it. When no request
//! waits, the worker writes the chunk of tests the page asks for next, so that it is ready
//! when asked (`Engine::write_ahead`).

#[cfg(target_arch = "wasm32")]
#[path = "../protocol.rs"]
mod protocol;
#[cfg(target_arch = "wasm32")]
#[path = "../rules.rs"]
mod rules;
#[cfg(target_arch = "wasm32")]
#[path = "../text_decoder.rs"]
mod text_decoder;
#[cfg(target_arch = "wasm32")]
#[path = "../wire.rs"]
mod wire;
#[cfg(target_arch = "wasm32")]
#[path = "../worker.rs"]
mod worker;

#[cfg(target_arch = "wasm32")]
fn main() {
    use std::cell::{Cell, RefCell};
    use std::collections::VecDeque;
    use std::rc::Rc;

    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    // Documents in encodings other than UTF-8 are decoded by the browser (the core is built
    // without encoding_rs's decoders here). Nothing else installs one, so this cannot fail.
    let _ = flakelens_core::junit::set_legacy_decoder(text_decoder::browser_decode);
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let worker = Rc::new(Worker {
        engine: RefCell::new(worker::Engine::default()),
        waiting: RefCell::new(VecDeque::new()),
        answering: Cell::new(false),
        scope: scope.clone(),
    });
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        worker.waiting.borrow_mut().push_back(e.data());
        if !worker.answering.replace(true) {
            wasm_bindgen_futures::spawn_local(Rc::clone(&worker).answer_waiting());
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

/// The engine and the messages waiting for it.
#[cfg(target_arch = "wasm32")]
struct Worker {
    engine: std::cell::RefCell<worker::Engine>,
    /// Messages not yet answered, oldest first.
    waiting: std::cell::RefCell<std::collections::VecDeque<wasm_bindgen::JsValue>>,
    /// True while [`Worker::answer_waiting`] runs.
    answering: std::cell::Cell<bool>,
    scope: web_sys::DedicatedWorkerGlobalScope,
}

#[cfg(target_arch = "wasm32")]
impl Worker {
    /// Answers the waiting messages in order, until none is left; then writes the chunk of
    /// tests the page asks for next, if one is due ([`worker::Engine::write_ahead`]).
    async fn answer_waiting(self: std::rc::Rc<Self>) {
        loop {
            let next = self.waiting.borrow_mut().pop_front();
            let Some(message) = next else {
                // No message can arrive during this (it runs to its end in this task), so
                // none is left waiting unanswered when the loop ends.
                self.engine.borrow_mut().write_ahead();
                break;
            };
            let answer = handle_message(&mut self.engine.borrow_mut(), message);
            let reply = match answer {
                worker::Answer::Reply(reply) => reply,
                worker::Answer::Share(fitting, json) => share_link(fitting, json).await,
            };
            self.post(reply);
        }
        self.answering.set(false);
    }

    /// Posts `reply` and, beside it, its bytes, both transferred.
    fn post(&self, mut reply: protocol::Reply) {
        use js_sys::{Array, Uint8Array};
        let payload = reply.payload_mut().map(std::mem::take);
        let encoded = bincode::serialize(&reply).unwrap_or_default();
        drop(reply);
        let array = Uint8Array::from(encoded.as_slice());
        drop(encoded);
        let message = Array::of1(&array);
        let transfer = Array::of1(&array.buffer());
        if let Some(payload) = payload {
            let bytes = Uint8Array::from(payload.as_slice());
            drop(payload);
            message.push(&bytes);
            transfer.push(&bytes.buffer());
        }
        let _ = self.scope.post_message_with_transfer(&message, &transfer);
    }
}

/// Decodes a message from the page (`[request, bytes, file]`) and answers it.
#[cfg(target_arch = "wasm32")]
fn handle_message(engine: &mut worker::Engine, message: wasm_bindgen::JsValue) -> worker::Answer {
    use js_sys::Array;
    use wasm_bindgen::JsCast;
    let message: Array = message.unchecked_into();
    let bytes = protocol::bytes_of(&message.get(0));
    let mut request = match bincode::deserialize::<protocol::Request>(&bytes) {
        Ok(request) => request,
        Err(e) => {
            return worker::Answer::Reply(protocol::Reply::AuditError(format!(
                "the worker got a garbled request: {e}"
            )))
        }
    };
    drop(bytes);
    let payload = message.get(1);
    if let Some(bytes) = request.payload_mut() {
        if !payload.is_undefined() {
            *bytes = protocol::bytes_of(&payload);
        }
    }
    let file = message.get(2);
    if let Some(slot) = request.file_mut() {
        if file.is_instance_of::<web_sys::Blob>() {
            *slot = Some(file.unchecked_into());
        }
    }
    drop(message);
    engine.handle(request)
}

/// Fits a share link, compressing each JSON the fitting asks for with the browser's
/// `CompressionStream("deflate-raw")`.
#[cfg(target_arch = "wasm32")]
async fn share_link(
    mut fitting: Box<flakelens_core::share::ShareFitting>,
    mut json: String,
) -> protocol::Reply {
    loop {
        // The JSON is handed over (and its copies dropped) before the compression is awaited:
        // a large audit is held once, by the browser's stream, while it is compressed.
        let compressed = match deflate_raw(json).await {
            Ok(compressed) => compressed,
            Err(why) => {
                return protocol::Reply::AuditError(format!(
                    "this browser could not compress the share link: {why}"
                ))
            }
        };
        match fitting.offer(flakelens_core::share::fragment_of(&compressed)) {
            Ok((fragment, fit)) => return protocol::Reply::ShareLink { fragment, fit },
            Err(next) => json = next,
        }
    }
}

/// `text` as raw DEFLATE (RFC 1951), by the browser: `new Response(new Blob([text])
/// .stream().pipeThrough(new CompressionStream("deflate-raw"))).arrayBuffer()`.
/// `CompressionStream` with "deflate-raw" needs Chrome and Edge 103+, Firefox 113+, Safari
/// 16.4+; elsewhere this fails with the browser's reason.
#[cfg(target_arch = "wasm32")]
async fn deflate_raw(text: String) -> Result<Vec<u8>, String> {
    use js_sys::{Array, Reflect, Uint8Array};
    use wasm_bindgen::{JsCast, JsValue};
    // The thrown error's message (a `TypeError`'s), not its debug form with a stack.
    let why = |e: JsValue| match e.dyn_ref::<js_sys::Error>() {
        Some(error) => String::from(error.message()),
        None => e
            .as_string()
            .unwrap_or_else(|| "an unknown error".to_owned()),
    };
    let constructor: js_sys::Function =
        Reflect::get(&js_sys::global(), &"CompressionStream".into())
            .map_err(why)?
            .dyn_into()
            .map_err(|_| "it has no CompressionStream".to_owned())?;
    let stream =
        Reflect::construct(&constructor, &Array::of1(&"deflate-raw".into())).map_err(why)?;
    let parts = Array::of1(&Uint8Array::from(text.as_bytes()));
    drop(text);
    let blob = web_sys::Blob::new_with_u8_array_sequence(&parts).map_err(why)?;
    drop(parts);
    let source = blob.stream();
    drop(blob);
    let pipe_through: js_sys::Function = Reflect::get(&source, &"pipeThrough".into())
        .map_err(why)?
        .dyn_into()
        .map_err(|_| "its streams cannot be piped".to_owned())?;
    let compressed: web_sys::ReadableStream = pipe_through
        .call1(&source, &stream)
        .map_err(why)?
        .unchecked_into();
    let response =
        web_sys::Response::new_with_opt_readable_stream(Some(&compressed)).map_err(why)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(response.array_buffer().map_err(why)?)
        .await
        .map_err(why)?;
    Ok(protocol::bytes_of(&buffer))
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("flakelens-worker is the page's Web Worker: Trunk builds it with the page.");
    std::process::exit(2);
}
