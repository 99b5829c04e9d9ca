//! flakelens-core's JUnit XML reader, compiled in a crate of its own.
//!
//! The page and its worker are built at opt-level `"z"` to keep each wasm file within the
//! 400 KB (gzipped) budget, and at `"z"` the reader, most of a load's time, runs about 3×
//! slower in Chromium than natively. The reader's functions are `#[inline]` in
//! flakelens-core, so they are compiled in the crate that calls them: this one, which the
//! `web-release` profile builds at opt-level 3 (the workspace's `Cargo.toml`). The worker
//! reads through [`read_report_interned`]; everything else in the core stays at `"z"`.
//!
//! The code is the core's, so the results are the same to the bit; only its speed and size
//! differ. Natively every crate is built at opt-level 3 and this crate changes nothing.

use flakelens_core::junit::ReadOutput;
use flakelens_core::Interner;

/// [`flakelens_core::junit::read_report_interned`], compiled here: reads one JUnit XML
/// report (`bytes`, any encoding the core decodes) named `file`, taking test identities from
/// `interner`. Never panics on input; what it could not read is in the output's diagnostics.
/// Pass it to [`flakelens_core::input::read_input_with`].
#[inline(never)]
pub fn read_report_interned(file: &str, bytes: &[u8], interner: &mut Interner) -> ReadOutput {
    flakelens_core::junit::read_report_interned(file, bytes, interner)
}

#[cfg(test)]
mod tests {
    use flakelens_core::input::read_input_with;
    use flakelens_core::{Interner, Outcome};

    #[test]
    fn reads_as_the_core_reads() {
        let xml = br#"<testsuite name="s"><testcase classname="C" name="a" time="1.5"/><testcase classname="C" name="b"><failure message="boom"/></testcase></testsuite>"#;
        let out = read_input_with(
            "r.xml",
            xml,
            &mut Interner::default(),
            super::read_report_interned,
        );
        // The same output as the core's own reader gives, diagnostics included ...
        let core =
            flakelens_core::input::read_input_interned("r.xml", xml, &mut Interner::default());
        assert_eq!(out, core);
        // ... and what the report says, by hand.
        let run = out[0].run.as_ref().expect("a run");
        let cases: Vec<(&str, Outcome, Option<f64>)> = run
            .testcases
            .iter()
            .map(|c| (c.key.name().as_ref(), c.outcome, c.time_seconds))
            .collect();
        assert_eq!(
            cases,
            [
                ("a", Outcome::Passed, Some(1.5)),
                ("b", Outcome::Failed, None)
            ]
        );
    }
}
