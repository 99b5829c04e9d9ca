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
    use std::cell::RefCell;

    use js_sys::{Array, Uint8Array};
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::{JsCast, JsValue};
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    // Documents in encodings other than UTF-8 are decoded by the browser (the core is built
    // without encoding_rs's decoders here). Nothing else installs one, so this cannot fail.
    let _ = flakelens_core::junit::set_legacy_decoder(text_decoder::browser_decode);
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let engine = RefCell::new(worker::Engine::default());
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
        let message: Array = e.data().unchecked_into();
        let bytes = Uint8Array::new(&message.get(0)).to_vec();
        let mut reply = match bincode::deserialize::<protocol::Request>(&bytes) {
            Ok(mut request) => {
                drop(bytes);
                let payload = message.get(1);
                if let Some(bytes) = request.payload_mut() {
                    if !payload.is_undefined() {
                        *bytes = Uint8Array::new(&payload).to_vec();
                    }
                }
                let file = message.get(2);
                if let Some(slot) = request.file_mut() {
                    if file.is_instance_of::<web_sys::Blob>() {
                        *slot = Some(file.unchecked_into());
                    }
                }
                drop(message);
                engine.borrow_mut().handle(request)
            }
            Err(e) => protocol::Reply::AuditError(format!("the worker got a garbled request: {e}")),
        };
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
        let _ = reply_scope.post_message_with_transfer(&message, &transfer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    let _ = scope.post_message(&JsValue::from_str("ready"));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("flakelens-worker is the page's Web Worker: Trunk builds it with the page.");
    std::process::exit(2);
}
