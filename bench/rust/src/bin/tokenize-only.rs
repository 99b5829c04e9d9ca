//! The limit for a streaming reader: read every file, run quick-xml's `read_event_into`
//! loop with one reused buffer and no allocation per event, count the events.
//!
//! Usage: `tokenize-only DIR_OR_FILE...`. Prints one JSON line:
//! `{"files":N,"bytes":N,"events":N,"errors":N}` (errors: files whose XML quick-xml rejected;
//! their events up to the fault are counted).

use std::process::ExitCode;

use quick_xml::events::Event;
use quick_xml::Reader;

fn main() -> ExitCode {
    let Some(files) = flakelens_bench_peers::files_from_args("tokenize-only") else {
        return ExitCode::FAILURE;
    };
    let (mut bytes, mut events, mut errors) = (0usize, 0usize, 0usize);
    let mut buf = Vec::with_capacity(64 * 1024);
    for path in &files {
        let data = match std::fs::read(path) {
            Ok(data) => data,
            Err(e) => {
                eprintln!("tokenize-only: {}: {e}", path.display());
                errors += 1;
                continue;
            }
        };
        bytes += data.len();
        let mut reader = Reader::from_reader(data.as_slice());
        loop {
            buf.clear();
            match reader.read_event_into(&mut buf) {
                Ok(Event::Eof) => break,
                Ok(_) => events += 1,
                Err(_) => {
                    errors += 1;
                    break;
                }
            }
        }
    }
    println!(
        "{{\"files\":{},\"bytes\":{bytes},\"events\":{events},\"errors\":{errors}}}",
        files.len()
    );
    ExitCode::SUCCESS
}
