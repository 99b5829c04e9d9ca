//! The parsing worker: the bytes of one file in, what the core read out.
//!
//! Both binaries compile this module: the worker (`src/bin/flakelens-worker.rs`) registers
//! [`ParseWorker`], the page spawns it (see `loader.rs`) and falls back to [`parse`] on its
//! own thread only where no worker can run (a single-file report opened from `file://`).
//!
//! Messages cross the worker boundary with gloo-worker's bincode codec. The core's types skip
//! empty fields when serialized, which bincode cannot read back, so the reads travel as JSON
//! text inside the bincode message.

use flakelens_core::audit::Audit;
use flakelens_core::input::read_input;
use flakelens_core::{Diagnostic, Run};
use gloo_worker::oneshot::oneshot;
use serde::{Deserialize, Serialize};

use crate::sniff::looks_like_audit;

/// A job for the worker.
#[derive(Debug, Serialize, Deserialize)]
pub enum Job {
    /// Answered with [`Parsed::Ready`]: the worker has started.
    Ping,
    /// Read one file.
    Parse {
        /// The name to show for the file (its path inside a dropped folder).
        name: String,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// Read an audit (nothing else) of at most `limit` bytes: a hosted `?audit=` URL.
    ParseAudit {
        /// Its bytes.
        bytes: Vec<u8>,
        /// The size limit in bytes.
        limit: usize,
    },
}

/// What the worker answers.
#[derive(Debug, Serialize, Deserialize)]
pub enum Parsed {
    /// The answer to [`Job::Ping`].
    Ready,
    /// The file was a report (or several, or none): `Vec<ReadOutput>` as JSON.
    Reads(String),
    /// The file was a flakelens audit, read without error: the audit as JSON.
    Audit(String),
    /// The file looked like an audit but could not be read: why.
    AuditError(String),
}

/// [`flakelens_core::junit::ReadOutput`] as it crosses the worker boundary (the core's type is not serializable;
/// its parts are).
#[derive(Serialize, Deserialize)]
pub struct WireRead {
    /// `ReadOutput::run`.
    pub run: Option<Run>,
    /// `ReadOutput::diagnostics`.
    pub diagnostics: Vec<Diagnostic>,
}

/// Reads one file like the page always has: a flakelens audit by its content, anything else
/// with [`read_input`] (JUnit XML, CTRF, zip, gzip). Never fails; faults are diagnostics.
pub fn parse(name: &str, bytes: Vec<u8>) -> Parsed {
    if !looks_like_audit(&bytes) {
        let reads: Vec<WireRead> = read_input(name, &bytes)
            .into_iter()
            .map(|r| WireRead {
                run: r.run,
                diagnostics: r.diagnostics,
            })
            .collect();
        drop(bytes);
        return Parsed::Reads(serde_json::to_string(&reads).unwrap_or_else(|_| "[]".to_owned()));
    }
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    match Audit::from_json(text.trim_start_matches('\u{feff}')) {
        Ok(audit) => {
            drop(text);
            Parsed::Audit(serde_json::to_string(&audit).unwrap_or_default())
        }
        Err(e) => Parsed::AuditError(format!("cannot read the audit: {e}")),
    }
}

/// Reads `bytes` as an audit of at most `limit` bytes.
pub fn parse_audit(bytes: Vec<u8>, limit: usize) -> Parsed {
    if bytes.len() > limit {
        return Parsed::AuditError(format!(
            "the file is {} bytes, more than the limit of {limit} bytes",
            bytes.len()
        ));
    }
    if !looks_like_audit(&bytes) {
        return Parsed::AuditError(
            "the file is not a flakelens audit (no \"schema\": \"flakelens-audit/1\")".to_owned(),
        );
    }
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    match Audit::from_json_limited(text.trim_start_matches('\u{feff}'), limit) {
        Ok(audit) => Parsed::Audit(serde_json::to_string(&audit).unwrap_or_default()),
        Err(e) => Parsed::AuditError(format!("the audit is invalid: {e}")),
    }
}

/// Does one job: what the worker runs, and what the page runs where no worker can.
pub fn run(job: Job) -> Parsed {
    match job {
        Job::Ping => Parsed::Ready,
        Job::Parse { name, bytes } => parse(&name, bytes),
        Job::ParseAudit { bytes, limit } => parse_audit(bytes, limit),
    }
}

/// The worker: one [`Job`] in, one [`Parsed`] out.
#[oneshot]
pub async fn ParseWorker(job: Job) -> Parsed {
    run(job)
}
