//! Telling an audit JSON (plain or gzipped) from a report by its content, before reading it.
//! The page's worker and the CLI both decide with these.

/// The schema prefix every flakelens audit version starts with.
const AUDIT_SCHEMA_PREFIX: &[u8] = b"flakelens-audit/";

/// True when `bytes` look like a flakelens audit: a JSON object (after an optional UTF-8 BOM
/// and whitespace) with a `"schema"` key whose value starts with `flakelens-audit/`. Any
/// version matches, so that a newer audit gets the reader's "wrong schema" error rather than
/// being read as a report.
pub fn looks_like_audit(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let start = skip_whitespace(bytes, 0);
    if bytes.get(start) != Some(&b'{') {
        return false;
    }
    const KEY: &[u8] = b"\"schema\"";
    let mut from = start;
    while let Some(offset) = find(&bytes[from..], KEY) {
        let after_key = from + offset + KEY.len();
        let colon = skip_whitespace(bytes, after_key);
        if bytes.get(colon) == Some(&b':') {
            let value = skip_whitespace(bytes, colon + 1);
            if bytes.get(value) == Some(&b'"')
                && bytes[value + 1..].starts_with(AUDIT_SCHEMA_PREFIX)
            {
                return true;
            }
        }
        from = after_key;
    }
    false
}

/// The JSON of a gzipped audit (`audit.json.gz`, as `flakelens analyze -o NAME.gz` writes
/// it), inflated to at most `limit` + 1 bytes (the audit reader reports more as too large).
/// `None` when `bytes` are not gzip, or hold something else, such as a gzipped report, which
/// is then read as a report. Only the first 64 KiB are inflated to decide, so a large
/// gzipped report is not inflated twice.
pub fn gzipped_audit(bytes: &[u8], limit: usize) -> Option<Vec<u8>> {
    use std::io::Read;
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return None;
    }
    let inflate = |max: u64| {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(bytes)
            .take(max)
            .read_to_end(&mut out)
            .ok()
            .map(|_| out)
    };
    if !looks_like_audit(&inflate(64 << 10)?) {
        return None;
    }
    inflate(limit as u64 + 1)
}

fn skip_whitespace(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audits_are_recognized_by_their_schema() {
        assert!(looks_like_audit(br#"{"schema": "flakelens-audit/1"}"#));
        assert!(looks_like_audit(
            b"\xEF\xBB\xBF \n{\n  \"title\": \"x\",\n  \"schema\" :\n \"flakelens-audit/1\" }"
        ));
        // Another version is still an audit: the reader explains the version mismatch.
        assert!(looks_like_audit(br#"{"schema":"flakelens-audit/2"}"#));
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        use std::io::Write;
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(bytes).expect("in memory");
        encoder.finish().expect("in memory")
    }

    #[test]
    fn gzipped_audits_are_inflated_and_other_files_are_not() {
        let audit = br#"{"schema": "flakelens-audit/1", "tests": []}"#;
        assert_eq!(
            gzipped_audit(&gzip(audit), 1 << 20).as_deref(),
            Some(&audit[..])
        );
        // Over the limit: inflated to limit + 1 bytes, for the reader's "too large" error.
        assert_eq!(gzipped_audit(&gzip(audit), 10).map(|v| v.len()), Some(11));
        assert_eq!(gzipped_audit(audit, 1 << 20), None);
        assert_eq!(gzipped_audit(&gzip(b"<testsuites/>"), 1 << 20), None);
        // Damaged gzip: not an audit here; the report reader names the fault.
        assert_eq!(gzipped_audit(&[0x1f, 0x8b, 8, 0, 0], 1 << 20), None);
    }

    #[test]
    fn reports_and_other_json_are_not_audits() {
        assert!(!looks_like_audit(b"<testsuites/>"));
        assert!(!looks_like_audit(br#"{"results": {"tests": []}}"#));
        assert!(!looks_like_audit(br#"{"schema": "ctrf/1"}"#));
        // Inside a string, the key is escaped.
        assert!(!looks_like_audit(
            br#"{"message": "\"schema\": \"flakelens-audit/1\""}"#
        ));
        assert!(!looks_like_audit(br#"["schema", "flakelens-audit/1"]"#));
        assert!(!looks_like_audit(b""));
        assert!(!looks_like_audit(br#"{"schema""#));
    }
}
