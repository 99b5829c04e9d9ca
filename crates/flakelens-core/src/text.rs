//! The long texts of a test's details (stack traces, `system-out`, `system-err`), shared
//! between runs and, when asked, held deflated in memory.
//!
//! A 20,000-test suite run 50 times keeps about 30,000 failing attempts' traces and outputs:
//! 37 MB of the 332 MB the reports take, most of the browser worker's memory after the join
//! (BENCHMARKS.md, "Not done"). Deflated one by one they take about a fifth of that. The
//! browser's worker asks for it ([`DetailTexts::packing`]); the CLI keeps them plain.
//!
//! Deflate is RFC 1951: `miniz_oxide` deflates (the backend `flate2` uses; its own API is
//! needed to choose the block type) and `flate2` inflates. One compressor is kept for all the
//! texts, and each text ends with a full flush, which makes its bytes decodable on their own.
//! That costs a few bytes per text instead of building a compressor, about 300 KB of tables,
//! for each one.
//!
//! Each text is coded with deflate's fixed Huffman codes (RFC 1951, 3.2.6) rather than codes
//! built for it (a text of about a kilobyte is one block; miniz_oxide ends a block every
//! 64 KB of codes, so a long output takes several). For texts of about a kilobyte, building
//! and writing the codes was most of the work: on 2,991 stack traces of a `flakelens gen`
//! report (3.1 MB), fixed codes deflate 2.7 times faster (166 against 62 MB/s natively,
//! level 1) into 9% more bytes (22.7% of the text against 20.8%). BENCHMARKS.md, "The
//! worker's own work".

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use flate2::{Decompress, FlushDecompress};
use miniz_oxide::deflate::core::{
    compress, create_comp_flags_from_zip_params, CompressionStrategy, CompressorOxide, TDEFLFlush,
    TDEFLStatus,
};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::Interner;

/// A shared, immutable text: a stack trace or an attempt's output. Cloning it shares it.
///
/// It is held either as it is or deflated ([`DetailTexts::packing`]); [`SharedText::text`]
/// reads it either way. It serializes as a JSON string, equals another by its text, and
/// reads back from JSON as it is.
#[derive(Clone)]
pub struct SharedText(Held);

#[derive(Clone)]
enum Held {
    Plain(Arc<str>),
    /// The text's length in bytes (4 bytes, little-endian), then its raw deflate stream
    /// ending with a full flush.
    Deflated(Arc<[u8]>),
}

impl SharedText {
    /// The text.
    pub fn text(&self) -> Cow<'_, str> {
        self.prefix(usize::MAX)
    }

    /// At most the first `max_bytes` bytes of the text, cut back to a character boundary.
    /// A deflated text is inflated only that far.
    pub fn prefix(&self, max_bytes: usize) -> Cow<'_, str> {
        match &self.0 {
            Held::Plain(text) => Cow::Borrowed(prefix_of(text, max_bytes)),
            Held::Deflated(bytes) => Cow::Owned(inflate(bytes, max_bytes)),
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        match &self.0 {
            Held::Plain(text) => text.len(),
            Held::Deflated(bytes) => plain_len(bytes),
        }
    }

    /// True for the empty text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when it is held deflated.
    pub fn is_deflated(&self) -> bool {
        matches!(self.0, Held::Deflated(_))
    }

    /// The text as a shared `str`: the same allocation when it is held as it is.
    pub fn to_arc(&self) -> Arc<str> {
        match &self.0 {
            Held::Plain(text) => Arc::clone(text),
            Held::Deflated(_) => Arc::from(self.text()),
        }
    }
}

impl From<Arc<str>> for SharedText {
    fn from(text: Arc<str>) -> SharedText {
        SharedText(Held::Plain(text))
    }
}

impl From<&str> for SharedText {
    fn from(text: &str) -> SharedText {
        SharedText(Held::Plain(Arc::from(text)))
    }
}

impl From<String> for SharedText {
    fn from(text: String) -> SharedText {
        SharedText(Held::Plain(Arc::from(text)))
    }
}

impl PartialEq for SharedText {
    fn eq(&self, other: &SharedText) -> bool {
        match (&self.0, &other.0) {
            (Held::Plain(a), Held::Plain(b)) => a == b,
            _ => self.len() == other.len() && self.text() == other.text(),
        }
    }
}

impl Eq for SharedText {}

impl PartialEq<str> for SharedText {
    fn eq(&self, other: &str) -> bool {
        self.len() == other.len() && self.text() == other
    }
}

impl fmt::Debug for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.text(), f)
    }
}

impl fmt::Display for SharedText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

impl Serialize for SharedText {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text())
    }
}

impl<'de> Deserialize<'de> for SharedText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<SharedText, D::Error> {
        Arc::<str>::deserialize(deserializer).map(SharedText::from)
    }
}

fn prefix_of(text: &str, max_bytes: usize) -> &str {
    if text.len() <= max_bytes {
        return text;
    }
    let mut end = max_bytes;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// The length prefix of a deflated text (0 for bytes too short to hold one, which
/// [`TextPacker`] never makes).
fn plain_len(bytes: &[u8]) -> usize {
    bytes
        .first_chunk::<4>()
        .map_or(0, |len| u32::from_le_bytes(*len) as usize)
}

thread_local! {
    /// One inflater, reset for each text: making one allocates about 40 KB of tables.
    static INFLATER: RefCell<Decompress> = RefCell::new(Decompress::new(false));
}

/// Inflates at most `max_bytes` of a deflated text. The bytes were made by [`TextPacker`]
/// from a `str`, so they inflate to valid UTF-8; were they ever damaged, what inflates is
/// kept and the rest is lost, with invalid bytes replaced (U+FFFD), rather than a panic.
fn inflate(bytes: &[u8], max_bytes: usize) -> String {
    let want = plain_len(bytes).min(max_bytes);
    let mut out = Vec::with_capacity(want);
    INFLATER.with(|inflater| {
        let mut inflater = inflater.borrow_mut();
        inflater.reset(false);
        // The stream has no final block: inflating stops when the input or the room in `out`
        // runs out, which is the end either way.
        let stream = bytes.get(4..).unwrap_or_default();
        let _ = inflater.decompress_vec(stream, &mut out, FlushDecompress::Sync);
    });
    match String::from_utf8(out) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let mut out = e.into_bytes();
            // A prefix may end inside a character: cut it there.
            if want < plain_len(bytes) && out.len() - valid < 4 {
                out.truncate(valid);
            }
            String::from_utf8_lossy(&out).into_owned()
        }
    }
}

/// Deflates texts one by one with one compressor, each decodable on its own, and shares a
/// text seen before.
struct TextPacker {
    /// Level 1 (greedy matching), raw deflate, fixed Huffman codes only.
    compressor: Box<CompressorOxide>,
    /// Texts packed so far, by a hash of their plain text: one entry per hash (a collision
    /// only costs sharing).
    seen: rustc_hash::FxHashMap<u64, SharedText>,
    hasher: rustc_hash::FxBuildHasher,
    out: Vec<u8>,
    min_len: usize,
}

/// The length prefix of a packed text, in bytes.
const PREFIX_BYTES: usize = 4;

/// The most room (bytes) the packer keeps for deflating between texts.
const SCRATCH_KEPT_BYTES: usize = 64 * 1024;

impl TextPacker {
    fn new(min_len: usize) -> TextPacker {
        // Negative window bits: a raw deflate stream, without zlib's header.
        let flags = create_comp_flags_from_zip_params(1, -15, CompressionStrategy::Fixed as i32);
        TextPacker {
            compressor: Box::new(CompressorOxide::new(flags)),
            seen: rustc_hash::FxHashMap::default(),
            hasher: rustc_hash::FxBuildHasher,
            out: Vec::new(),
            min_len,
        }
    }

    /// The shared text: deflated when it is long enough and deflating saves room, else
    /// `None`.
    fn pack(&mut self, text: &str) -> Option<SharedText> {
        if text.len() < self.min_len || u32::try_from(text.len()).is_err() {
            return None;
        }
        let hash = self.hasher.hash_one(text);
        if let Some(seen) = self.seen.get(&hash) {
            if seen == text {
                return Some(seen.clone());
            }
        }
        let shared = self
            .deflate(text)
            .map(|packed| SharedText(Held::Deflated(Arc::from(packed))));
        // The scratch room is as long as the longest text packed: a long output's is let go.
        if self.out.capacity() > SCRATCH_KEPT_BYTES {
            self.out = Vec::new();
        }
        let shared = shared?;
        self.seen.insert(hash, shared.clone());
        Some(shared)
    }

    /// The length prefix and the deflated bytes, or `None` when they would not be smaller.
    fn deflate(&mut self, text: &str) -> Option<&[u8]> {
        let input = text.as_bytes();
        let len = u32::try_from(input.len()).ok()?.to_le_bytes();
        // Room for the text as it is: deflated bytes that do not fit are not kept anyway.
        self.out.clear();
        self.out.resize(PREFIX_BYTES + input.len(), 0);
        self.out[..PREFIX_BYTES].copy_from_slice(&len);
        let (status, consumed, written) = compress(
            &mut self.compressor,
            input,
            &mut self.out[PREFIX_BYTES..],
            TDEFLFlush::Full,
        );
        let done = status == TDEFLStatus::Okay
            && consumed == input.len()
            && PREFIX_BYTES + written < input.len();
        if !done {
            // Incompressible (the room ran out, the flush still pending) or an error: the
            // compressor is reset so the next text starts clean, and this one stays plain.
            self.compressor.reset();
            return None;
        }
        self.out.truncate(PREFIX_BYTES + written);
        Some(self.out.as_slice())
    }
}

/// Where a join's detail texts come from: messages and failure types interned, and stack
/// traces and outputs shared, deflated when [`DetailTexts::packing`] asks for it.
///
/// Memory: one copy of each distinct message, type and trace (a trace deflated takes about
/// a fifth of its length: 1,041 bytes on average in `flakelens gen`'s reports, 205 deflated),
/// and a hash-table entry for each.
#[derive(Default)]
pub struct DetailTexts {
    interner: Interner,
    packer: Option<TextPacker>,
}

impl fmt::Debug for DetailTexts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DetailTexts")
            .field("interned", &self.interner.len())
            .field("packing", &self.packer.is_some())
            .finish()
    }
}

impl DetailTexts {
    /// Texts of at least this many bytes are deflated when packing: shorter ones save little.
    pub const PACK_FROM_BYTES: usize = 256;

    /// Detail texts that deflate each stack trace and output of at least
    /// [`DetailTexts::PACK_FROM_BYTES`] bytes, when deflating makes it smaller.
    pub fn packing() -> DetailTexts {
        DetailTexts {
            interner: Interner::default(),
            packer: Some(TextPacker::new(DetailTexts::PACK_FROM_BYTES)),
        }
    }

    /// The shared copy of a message or failure type.
    pub fn intern(&mut self, text: &str) -> Arc<str> {
        self.interner.intern(text)
    }

    /// The shared copy of a stack trace.
    pub fn trace(&mut self, text: &str) -> SharedText {
        match self.packer.as_mut().and_then(|p| p.pack(text)) {
            Some(packed) => packed,
            None => SharedText::from(self.interner.intern(text)),
        }
    }

    /// An attempt's `system-out` or `system-err`: the reader's allocation itself when not
    /// deflated.
    pub fn output(&mut self, text: &Arc<str>) -> SharedText {
        match self.packer.as_mut().and_then(|p| p.pack(text)) {
            Some(packed) => packed,
            None => SharedText::from(Arc::clone(text)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Bytes a text takes on the heap, without the allocator's own overhead.
    fn heap_bytes(text: &SharedText) -> usize {
        match &text.0 {
            Held::Plain(text) => text.len(),
            Held::Deflated(bytes) => bytes.len(),
        }
    }

    fn trace(seed: u32) -> String {
        let mut text = format!(
            "java.lang.AssertionError: expected {seed} but was {}\n",
            seed * 7
        );
        for frame in 0..12 {
            text.push_str(&format!(
                "\tat com.example.module{:03}.FeatureTest.invoke(FeatureTest.java:{})\n",
                seed % 17,
                seed + frame
            ));
        }
        text
    }

    #[test]
    fn long_texts_are_deflated_and_read_back() {
        let mut texts = DetailTexts::packing();
        let text = trace(3);
        let shared = texts.trace(&text);
        assert!(shared.is_deflated());
        assert_eq!(shared.text(), text);
        assert_eq!(shared.len(), text.len());
        assert!(
            heap_bytes(&shared) * 3 < text.len(),
            "{} of {}",
            heap_bytes(&shared),
            text.len()
        );
    }

    #[test]
    fn texts_are_coded_with_fixed_huffman_codes() {
        let shared = DetailTexts::packing().trace(&trace(4));
        let Held::Deflated(bytes) = &shared.0 else {
            panic!("expected it deflated");
        };
        // RFC 1951, 3.2.3: the first block's header is BFINAL (1 bit), then BTYPE (2 bits),
        // 01 for fixed codes; a full flush ends it with an empty stored block.
        assert_eq!(bytes[PREFIX_BYTES] & 0b111, 0b010);
        assert_eq!(bytes[bytes.len() - 4..], [0, 0, 0xff, 0xff]);
    }

    #[test]
    fn a_long_texts_room_is_let_go() {
        let mut packer = TextPacker::new(DetailTexts::PACK_FROM_BYTES);
        let long: String = (0..20_000).map(trace).collect();
        assert!(long.len() > 4 * SCRATCH_KEPT_BYTES);
        let packed = packer.pack(&long).expect("deflated");
        assert_eq!(packed.text(), long);
        assert!(packer.out.capacity() <= SCRATCH_KEPT_BYTES);
        // A short text's room is kept for the next.
        assert!(packer.pack(&trace(1)).is_some());
        assert!(packer.out.capacity() > 0);
    }

    #[test]
    fn each_text_reads_back_on_its_own_after_others() {
        let mut texts = DetailTexts::packing();
        let originals: Vec<String> = (0..50).map(trace).collect();
        let shared: Vec<SharedText> = originals.iter().map(|t| texts.trace(t)).collect();
        for (s, o) in shared.iter().zip(&originals).rev() {
            assert_eq!(s.text(), o.as_str());
        }
    }

    #[test]
    fn the_same_text_is_stored_once() {
        let mut texts = DetailTexts::packing();
        let a = texts.trace(&trace(5));
        let b = texts.trace(&trace(5));
        match (&a.0, &b.0) {
            (Held::Deflated(x), Held::Deflated(y)) => assert!(Arc::ptr_eq(x, y)),
            _ => panic!("expected both deflated"),
        }
        let plain = DetailTexts::default().trace(&trace(5));
        assert!(!plain.is_deflated());
    }

    #[test]
    fn short_or_incompressible_texts_stay_plain() {
        let mut texts = DetailTexts::packing();
        assert!(!texts.trace("boom").is_deflated());
        // No byte repeats in a way LZ77 or Huffman coding can use much.
        let noise: String = (0..400u32)
            .map(|i| char::from_u32(0x4e00 + (i * 7919) % 20000).unwrap_or('x'))
            .collect();
        let shared = texts.trace(&noise);
        assert_eq!(shared.text(), noise);
        // And the compressor still works for the next text.
        let next = trace(9);
        assert_eq!(texts.trace(&next).text(), next);
    }

    #[test]
    fn output_keeps_the_readers_allocation_when_plain() {
        let arc: Arc<str> = Arc::from("short output");
        let shared = DetailTexts::packing().output(&arc);
        assert!(Arc::ptr_eq(&shared.to_arc(), &arc));
    }

    #[test]
    fn prefix_stops_at_a_character_boundary() {
        let text = format!("{}é{}", "a".repeat(299), "b".repeat(300));
        let shared = DetailTexts::packing().trace(&text);
        assert!(shared.is_deflated());
        assert_eq!(shared.prefix(300), "a".repeat(299));
        assert_eq!(shared.prefix(301), format!("{}é", "a".repeat(299)));
        assert_eq!(SharedText::from(text.as_str()).prefix(300), "a".repeat(299));
    }

    #[test]
    fn serializes_as_its_text() {
        let text = trace(11);
        let shared = DetailTexts::packing().trace(&text);
        let json = serde_json::to_string(&shared).expect("serializes");
        assert_eq!(json, serde_json::to_string(&text).expect("serializes"));
        let back: SharedText = serde_json::from_str(&json).expect("deserializes");
        assert!(!back.is_deflated());
        assert_eq!(back, shared);
    }

    proptest! {
        /// Bytes no packer made (it cannot happen: the type is built here) read as some
        /// text, never a panic. (The length prefix is kept under 64 KiB: it sizes the
        /// output.)
        #[test]
        fn damaged_bytes_never_panic(mut bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            if let Some(high) = bytes.get_mut(2..4) {
                high.fill(0);
            }
            let damaged = SharedText(Held::Deflated(Arc::from(bytes)));
            let _ = damaged.text();
            let _ = damaged.prefix(3);
            let _ = damaged.len();
        }

        #[test]
        fn any_text_reads_back(texts in proptest::collection::vec(".{0,700}", 1..8)) {
            let mut packing = DetailTexts::packing();
            let shared: Vec<SharedText> = texts.iter().map(|t| packing.trace(t)).collect();
            for (s, t) in shared.iter().zip(&texts) {
                prop_assert_eq!(s.text(), t.as_str());
                prop_assert_eq!(s.len(), t.len());
                prop_assert_eq!(s.prefix(100), prefix_of(t, 100));
            }
        }
    }
}
