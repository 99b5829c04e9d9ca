//! Integration tests of the `flakelens` binary: one test binary, one module per concern.

mod categories;
mod common;
mod conformance;
mod examples;
mod exit_codes;
mod report;
