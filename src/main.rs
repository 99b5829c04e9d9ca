//! flakelens in the browser: a thin Yew shell over `flakelens-core`.
//!
//! Trunk builds this binary for `wasm32-unknown-unknown`. All reading and analysis happens in
//! the core, run by the worker (`src/bin/flakelens-worker.rs`); this binary hands it the
//! files, keeps the state and renders it.

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(any(target_arch = "wasm32", test))]
mod chart;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(any(target_arch = "wasm32", test))]
mod display;
#[cfg(target_arch = "wasm32")]
mod download;
#[cfg(target_arch = "wasm32")]
mod dropped;
#[cfg(target_arch = "wasm32")]
mod engine;
#[cfg(target_arch = "wasm32")]
mod loader;
#[cfg(target_arch = "wasm32")]
mod protocol;
// The rules check runs in the worker (`src/bin/flakelens-worker.rs` compiles it); its tests
// run here, natively.
#[cfg(test)]
mod rules;
// When the next file goes to the worker; tested here, natively.
#[cfg(any(target_arch = "wasm32", test))]
mod send_ahead;
#[cfg(target_arch = "wasm32")]
mod share;
#[cfg(target_arch = "wasm32")]
mod state;
// Compiled by the worker too; tested here, natively.
#[cfg(any(target_arch = "wasm32", test))]
mod wire;

#[cfg(target_arch = "wasm32")]
fn main() {
    yew::Renderer::<app::App>::new().render();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!(
        "flakelens-web is the browser app: build it with `trunk build` or run `cargo xtask serve`."
    );
    std::process::exit(2);
}
