//! Integration tests of the `flakelens` binary: one test binary, one module per concern.

mod common;
mod conformance;
mod examples;
mod exit_codes;
