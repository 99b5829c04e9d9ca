//! Turning the bytes of an XML file into text: byte-order marks, declared encodings, and
//! repairs of invalid input.
//!
//! Decoding follows XML 1.0 appendix F ("Autodetection of Character Encodings"): a byte-order
//! mark wins; otherwise the `encoding` of the XML declaration; otherwise UTF-8. Labels are
//! resolved with the WHATWG Encoding Standard through `encoding_rs` (so `ISO-8859-1` decodes
//! as windows-1252, its superset).

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// The text of a file and what was done to get it.
pub(crate) struct Decoded<'a> {
    /// The document as UTF-8, without a byte-order mark.
    pub text: Cow<'a, str>,
    /// Remarks for diagnostics: (byte offset into `text`, severity is warning, message).
    pub notes: Vec<(usize, String)>,
}

/// Decodes `bytes` to text. Never fails: undecodable bytes become U+FFFD with a note.
pub(crate) fn decode(bytes: &[u8]) -> Decoded<'_> {
    let mut notes = Vec::new();
    let (bom_encoding, bom_len) = match Encoding::for_bom(bytes) {
        Some((encoding, len)) => (Some(encoding), len),
        None => (sniff_utf16_without_bom(bytes), 0),
    };
    let body = &bytes[bom_len..];
    let declared = declared_label(body, bom_encoding);
    let encoding = match (bom_encoding, &declared) {
        (Some(bom), Some(label)) => {
            match Encoding::for_label(label.as_bytes()) {
                Some(e) if same_family(e, bom) => {}
                Some(e) => notes.push((
                    0,
                    format!(
                        "the declaration says encoding \"{label}\" ({}) but the byte-order mark says {}; decoded as {}",
                        e.name(),
                        bom.name(),
                        bom.name()
                    ),
                )),
                None => notes.push((
                    0,
                    format!(
                        "declared encoding \"{label}\" is not a valid encoding name; decoded as {} from the byte-order mark",
                        bom.name()
                    ),
                )),
            }
            bom
        }
        (Some(bom), None) => bom,
        (None, Some(label)) => {
            match Encoding::for_label(label.as_bytes()) {
                // A UTF-16 label on bytes with no BOM that are ASCII-compatible cannot be right.
                Some(e) if e == UTF_16LE || e == UTF_16BE => {
                    notes.push((
                    0,
                    format!("declared encoding \"{label}\" but the bytes are not UTF-16; decoded as UTF-8"),
                ));
                    UTF_8
                }
                Some(e) => e,
                None => {
                    notes.push((
                    0,
                    format!("declared encoding \"{label}\" is not a known encoding; decoded as UTF-8"),
                ));
                    UTF_8
                }
            }
        }
        (None, None) => UTF_8,
    };
    if encoding == UTF_8 {
        return match std::str::from_utf8(body) {
            Ok(text) => Decoded {
                text: Cow::Borrowed(text),
                notes,
            },
            Err(e) => {
                let at = e.valid_up_to();
                let text = String::from_utf8_lossy(body).into_owned();
                notes.push((
                    at,
                    "invalid UTF-8 bytes replaced with U+FFFD (the file declares no other encoding)"
                        .to_owned(),
                ));
                Decoded {
                    text: Cow::Owned(text),
                    notes,
                }
            }
        };
    }
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        let at = text.find('\u{FFFD}').unwrap_or(0);
        notes.push((
            at,
            format!("bytes invalid in {} replaced with U+FFFD", encoding.name()),
        ));
    }
    Decoded {
        text: Cow::Owned(text.into_owned()),
        notes,
    }
}

fn same_family(a: &'static Encoding, b: &'static Encoding) -> bool {
    a == b || (a == UTF_16LE || a == UTF_16BE) && (b == UTF_16LE || b == UTF_16BE)
}

/// UTF-16 without a byte-order mark, recognised by `<\0?\0` or `\0<\0?` (XML 1.0 appendix F).
fn sniff_utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    match bytes.get(..4)? {
        [b'<', 0, b'?', 0] => Some(UTF_16LE),
        [0, b'<', 0, b'?'] => Some(UTF_16BE),
        _ => None,
    }
}

/// The `encoding` pseudo-attribute of the XML declaration, read from ASCII-compatible bytes
/// or, for UTF-16, from every other byte.
fn declared_label(body: &[u8], bom: Option<&'static Encoding>) -> Option<String> {
    let head: Vec<u8> = match bom {
        Some(e) if e == UTF_16LE => body.iter().step_by(2).take(200).copied().collect(),
        Some(e) if e == UTF_16BE => body.iter().skip(1).step_by(2).take(200).copied().collect(),
        _ => body.iter().take(200).copied().collect(),
    };
    let head = std::str::from_utf8(&head).ok().or_else(|| {
        // Only the ASCII prefix matters for the declaration.
        let end = head
            .iter()
            .position(|b| !b.is_ascii())
            .unwrap_or(head.len());
        std::str::from_utf8(&head[..end]).ok()
    })?;
    let decl = head.strip_prefix("<?xml")?;
    let decl = &decl[..decl.find("?>")?];
    let start = decl.find("encoding")? + "encoding".len();
    let rest = decl[start..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let rest = &rest[1..];
    Some(rest[..rest.find(quote)?].to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_borrowed() {
        let d = decode(b"<?xml version='1.0'?><a/>");
        assert!(matches!(d.text, Cow::Borrowed(_)));
        assert!(d.notes.is_empty());
    }

    #[test]
    fn utf8_bom_is_skipped() {
        let d = decode(b"\xEF\xBB\xBF<a/>");
        assert_eq!(d.text, "<a/>");
    }

    #[test]
    fn utf16le_with_bom_and_a_bad_label() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16 LE\"?><a n='é'/>";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let d = decode(&bytes);
        assert_eq!(d.text, text);
        assert_eq!(d.notes.len(), 1);
        assert!(d.notes[0].1.contains("not a valid encoding name"));
    }

    #[test]
    fn utf16be_with_bom() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>";
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let d = decode(&bytes);
        assert_eq!(d.text, text);
        assert!(d.notes.is_empty());
    }

    #[test]
    fn latin1_declared() {
        // 0xE9 is 'é' in ISO-8859-1 (and windows-1252); 0x80 is '€' in windows-1252.
        let d = decode(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"caf\xE9 \x80\"/>");
        assert_eq!(
            d.text,
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"café €\"/>"
        );
        assert!(d.notes.is_empty());
    }

    #[test]
    fn invalid_utf8_is_replaced_and_noted() {
        let d = decode(b"<a n=\"\xFF\"/>");
        assert_eq!(d.text, "<a n=\"\u{FFFD}\"/>");
        assert_eq!(d.notes[0].0, 6);
    }
}
