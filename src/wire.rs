//! The tests of an analysis as the worker sends them to the page: the `flakelens-wire` crate,
//! built at opt-level 3 in the `web-release` profile so that the page decodes them fast
//! while the rest of its wasm is built for size. The worker writes them
//! ([`encode_test`], compiled in the worker at `"z"`), the page reads them
//! ([`decode_tests`]).

pub use flakelens_wire::*;
