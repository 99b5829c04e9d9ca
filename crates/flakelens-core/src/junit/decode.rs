//! Turning the bytes of an XML file into text: byte-order marks, declared encodings, and
//! repairs of invalid input.
//!
//! Decoding follows XML 1.0 appendix F ("Autodetection of Character Encodings"): a byte-order
//! mark wins; otherwise the `encoding` of the XML declaration; otherwise UTF-8. Labels are
//! resolved with the WHATWG Encoding Standard through `encoding_rs` (so `ISO-8859-1` decodes
//! as windows-1252, its superset).
//!
//! Encodings other than UTF-8 are decoded by `encoding_rs` with the `legacy-decoders` feature
//! (on by default), and otherwise by the [`LegacyDecoder`] installed with
//! [`set_legacy_decoder`]: the browser's worker installs the browser's `TextDecoder`, which
//! implements the same standard, and so leaves encoding_rs's tables out of its wasm.

use std::borrow::Cow;
#[cfg(not(feature = "legacy-decoders"))]
use std::sync::OnceLock;

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// Decodes `bytes` (a document after its byte-order mark) from the encoding named `encoding`,
/// a name of the WHATWG Encoding Standard such as `"windows-1252"`, `"Shift_JIS"` or
/// `"UTF-16LE"`, exactly as the standard's decode does without BOM handling: each invalid
/// sequence becomes U+FFFD. Returns the text and whether any sequence was invalid, or `None`
/// when it cannot decode that encoding.
pub type LegacyDecoder = fn(encoding: &str, bytes: &[u8]) -> Option<(String, bool)>;

#[cfg(not(feature = "legacy-decoders"))]
static LEGACY_DECODER: OnceLock<LegacyDecoder> = OnceLock::new();

/// Installs the decoder for encodings other than UTF-8, used when this crate is built without
/// its `legacy-decoders` feature (with it, encoding_rs decodes them and this is never called).
/// Without either, such a document is decoded as UTF-8 and a diagnostic says so.
///
/// It is set once for the process (the browser's worker sets it at start-up).
///
/// # Errors
/// The decoder back when one was installed already.
pub fn set_legacy_decoder(decoder: LegacyDecoder) -> Result<(), LegacyDecoder> {
    #[cfg(not(feature = "legacy-decoders"))]
    return LEGACY_DECODER.set(decoder);
    #[cfg(feature = "legacy-decoders")]
    return {
        let _ = decoder;
        Ok(())
    };
}

/// The text of a file and what was done to get it.
pub(crate) struct Decoded<'a> {
    /// The document as UTF-8, without a byte-order mark.
    pub text: Cow<'a, str>,
    /// Remarks for diagnostics: (byte offset into `text`, severity is warning, message).
    pub notes: Vec<(usize, String)>,
}

/// Decodes `bytes` to text. Never fails: undecodable bytes become U+FFFD with a note.
pub(crate) fn decode(bytes: &[u8]) -> Decoded<'_> {
    decode_with(bytes, legacy_decode)
}

/// Decodes `body` from `encoding` (not UTF-8) with encoding_rs (the `legacy-decoders` feature).
#[cfg(feature = "legacy-decoders")]
fn legacy_decode(encoding: &'static Encoding, body: &[u8]) -> Option<(String, bool)> {
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    Some((text.into_owned(), had_errors))
}

/// Decodes `body` from `encoding` (not UTF-8) with the installed [`LegacyDecoder`], if any.
#[cfg(not(feature = "legacy-decoders"))]
fn legacy_decode(encoding: &'static Encoding, body: &[u8]) -> Option<(String, bool)> {
    legacy_decode_by(LEGACY_DECODER.get().copied(), encoding, body)
}

/// Decodes `body` from `encoding` (not UTF-8) with `decoder`. The replacement encoding (the
/// standard's target of labels such as `iso-2022-kr`, and not itself a label, so a
/// `TextDecoder` cannot be made for it) is decoded here, as the standard says: one U+FFFD for
/// any input.
#[cfg(any(test, not(feature = "legacy-decoders")))]
fn legacy_decode_by(
    decoder: Option<LegacyDecoder>,
    encoding: &'static Encoding,
    body: &[u8],
) -> Option<(String, bool)> {
    if encoding == encoding_rs::REPLACEMENT {
        return Some(if body.is_empty() {
            (String::new(), false)
        } else {
            ("\u{FFFD}".to_owned(), true)
        });
    }
    decoder?(encoding.name(), body)
}

/// [`decode`] with `legacy` for encodings other than UTF-8 (`None`: it cannot decode that one).
fn decode_with(
    bytes: &[u8],
    legacy: impl Fn(&'static Encoding, &[u8]) -> Option<(String, bool)>,
) -> Decoded<'_> {
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
    let decoded = if encoding == UTF_8 {
        None
    } else {
        let decoded = legacy(encoding, body);
        if decoded.is_none() {
            notes.push((
                0,
                format!(
                    "cannot decode {} here (this build has no decoder for it); decoded as UTF-8",
                    encoding.name()
                ),
            ));
        }
        decoded
    };
    let Some((text, had_errors)) = decoded else {
        // Checked with SIMD (wasm simd128; SSE4.2/AVX2 or NEON natively, chosen at run
        // time); the error says where the first invalid byte is, as std's does.
        return match simdutf8::compat::from_utf8(body) {
            Ok(text) => Decoded {
                text: Cow::Borrowed(text),
                notes,
            },
            Err(e) => {
                let at = e.valid_up_to();
                let text = String::from_utf8_lossy(body).into_owned();
                notes.push((
                    at,
                    if encoding == UTF_8 {
                        "invalid UTF-8 bytes replaced with U+FFFD (the file declares no other encoding)"
                            .to_owned()
                    } else {
                        "invalid UTF-8 bytes replaced with U+FFFD".to_owned()
                    },
                ));
                Decoded {
                    text: Cow::Owned(text),
                    notes,
                }
            }
        };
    };
    if had_errors {
        let at = text.find('\u{FFFD}').unwrap_or(0);
        notes.push((
            at,
            format!("bytes invalid in {} replaced with U+FFFD", encoding.name()),
        ));
    }
    Decoded {
        text: Cow::Owned(text),
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
    use proptest::prelude::*;

    proptest! {
        /// The SIMD check and std's agree: valid text is borrowed as is; invalid text is
        /// replaced, with the note at std's first invalid byte. Bodies run past 64 bytes (the
        /// SIMD blocks), the damage may fall anywhere, and a body may end inside a sequence.
        #[test]
        fn utf8_verdict_is_std_s(
            text in "[a-z<>/ \u{e9}\u{20ac}\u{1f600}]{20,300}",
            damage in proptest::option::of((any::<prop::sample::Index>(), 0x80u8..=0xFF)),
            cut in 0usize..4,
        ) {
            let mut bytes = format!("<a>{text}").into_bytes();
            if let Some((at, byte)) = damage {
                let at = at.index(bytes.len());
                bytes[at] = byte;
            }
            bytes.truncate(bytes.len() - cut.min(bytes.len()));
            let d = decode(&bytes);
            match std::str::from_utf8(&bytes) {
                Ok(valid) => {
                    prop_assert!(matches!(d.text, Cow::Borrowed(t) if t == valid));
                    prop_assert!(d.notes.is_empty());
                }
                Err(e) => {
                    prop_assert_eq!(&*d.text, &*String::from_utf8_lossy(&bytes));
                    prop_assert_eq!(d.notes.len(), 1);
                    prop_assert_eq!(d.notes[0].0, e.valid_up_to());
                }
            }
        }
    }

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
    #[cfg(feature = "legacy-decoders")]
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
    #[cfg(feature = "legacy-decoders")]
    fn utf16be_with_bom() {
        let text = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><a/>";
        let mut bytes = vec![0xFE, 0xFF];
        bytes.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        let d = decode(&bytes);
        assert_eq!(d.text, text);
        assert!(d.notes.is_empty());
    }

    #[test]
    #[cfg(feature = "legacy-decoders")]
    fn latin1_declared() {
        // 0xE9 is 'é' in ISO-8859-1 (and windows-1252); 0x80 is '€' in windows-1252.
        let d = decode(b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"caf\xE9 \x80\"/>");
        assert_eq!(
            d.text,
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"café €\"/>"
        );
        assert!(d.notes.is_empty());
    }

    /// A hand-made decoder that knows windows-1252's ASCII half, 0xE9 ('é') and 0x80 ('€').
    fn some_windows_1252(encoding: &str, bytes: &[u8]) -> Option<(String, bool)> {
        if encoding != "windows-1252" {
            return None;
        }
        let mut had_errors = false;
        let text = bytes
            .iter()
            .map(|&b| match b {
                0..=0x7F => char::from(b),
                0xE9 => 'é',
                0x80 => '€',
                _ => {
                    had_errors = true;
                    '\u{FFFD}'
                }
            })
            .collect();
        Some((text, had_errors))
    }

    #[test]
    fn an_installed_decoder_gets_the_encodings_name() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"caf\xE9 \x80\x81\"/>";
        let d = decode_with(bytes, |e, b| {
            legacy_decode_by(Some(some_windows_1252), e, b)
        });
        assert_eq!(
            d.text,
            "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><a n=\"café €\u{FFFD}\"/>"
        );
        assert_eq!(d.notes.len(), 1);
        assert_eq!(
            d.notes[0].1,
            "bytes invalid in windows-1252 replaced with U+FFFD"
        );
    }

    #[test]
    fn without_a_decoder_the_text_is_read_as_utf8_and_noted() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a n=\"\x83\x65\"/>";
        let d = decode_with(bytes, |e, b| legacy_decode_by(None, e, b));
        assert_eq!(
            d.text,
            "<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a n=\"\u{FFFD}e\"/>"
        );
        assert_eq!(
            d.notes[0].1,
            "cannot decode Shift_JIS here (this build has no decoder for it); decoded as UTF-8"
        );
        // The byte 0x83 follows the 48 bytes before it.
        assert_eq!(
            d.notes[1],
            (48, "invalid UTF-8 bytes replaced with U+FFFD".to_owned())
        );
    }

    #[test]
    fn the_replacement_encoding_gives_one_replacement_character() {
        // WHATWG Encoding Standard, "replacement decoder": one U+FFFD, then the end.
        let bytes = b"<?xml version=\"1.0\" encoding=\"iso-2022-kr\"?><a/>";
        let d = decode_with(bytes, |e, b| legacy_decode_by(None, e, b));
        assert_eq!(d.text, "\u{FFFD}");
        assert_eq!(
            d.notes[0].1,
            "bytes invalid in replacement replaced with U+FFFD"
        );
        // The same as encoding_rs's own replacement decoder, where it is built in.
        #[cfg(feature = "legacy-decoders")]
        assert_eq!(decode(bytes).text, "\u{FFFD}");
    }

    #[test]
    fn invalid_utf8_is_replaced_and_noted() {
        let d = decode(b"<a n=\"\xFF\"/>");
        assert_eq!(d.text, "<a n=\"\u{FFFD}\"/>");
        assert_eq!(d.notes[0].0, 6);
    }
}
