//! flakelens's parsing worker: a Web Worker that reads the files the page hands it, so that
//! the page never freezes (see `src/worker.rs`).
//!
//! Trunk builds this binary for `wasm32-unknown-unknown` (`data-type="worker"` in
//! `index.html`); the page spawns it from `worker/flakelens-worker.js`.

#[cfg(target_arch = "wasm32")]
#[path = "../sniff.rs"]
mod sniff;
#[cfg(target_arch = "wasm32")]
#[path = "../worker.rs"]
mod worker;

#[cfg(target_arch = "wasm32")]
fn main() {
    use gloo_worker::Registrable;
    worker::ParseWorker::registrar().register();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("flakelens-worker is the page's Web Worker: Trunk builds it with the page.");
    std::process::exit(2);
}
