//! The worker's decoder for documents in encodings other than UTF-8 (UTF-16, windows-1252,
//! Shift_JIS, GBK, ...): the browser's `TextDecoder`, which implements the WHATWG Encoding
//! Standard, the same standard as the encoding_rs decoders the CLI uses. The worker builds
//! the core without its `legacy-decoders` feature and installs [`browser_decode`] with
//! `flakelens_core::junit::set_legacy_decoder`, which keeps encoding_rs's tables (about
//! 130 KB gzipped) out of the worker's wasm.

/// Decodes `bytes` (a document after its byte-order mark) from the encoding named `encoding`
/// (a name from the Encoding Standard, which is also one of its labels): the text, and
/// whether any byte sequence was invalid (each becomes U+FFFD, as the standard's decode
/// does). `None` when the browser has no decoder for that name.
///
/// A first strict pass (`fatal: true`) tells whether the bytes are valid; only when it throws
/// are the bytes decoded again with replacement characters.
pub fn browser_decode(encoding: &str, bytes: &[u8]) -> Option<(String, bool)> {
    match text_decoder(encoding, true)?.decode_with_u8_array(bytes) {
        Ok(text) => Some((text, false)),
        Err(_) => text_decoder(encoding, false)?
            .decode_with_u8_array(bytes)
            .ok()
            .map(|text| (text, true)),
    }
}

fn text_decoder(encoding: &str, fatal: bool) -> Option<web_sys::TextDecoder> {
    let options = web_sys::TextDecoderOptions::new();
    options.set_fatal(fatal);
    // The core has already removed the document's byte-order mark; a second one is text
    // (U+FEFF), as in the standard's "decode without BOM handling". web-sys has no setter.
    js_sys::Reflect::set(&options, &"ignoreBOM".into(), &true.into()).ok()?;
    web_sys::TextDecoder::new_with_label_and_options(encoding, &options).ok()
}
