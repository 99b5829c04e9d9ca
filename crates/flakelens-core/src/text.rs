//! The long texts of a test's details (stack traces, `system-out`, `system-err`), shared
//! between runs and, when asked, held compressed in memory.
//!
//! A 20,000-test suite run 50 times keeps about 30,000 failing attempts' traces and outputs:
//! 37 MB of the 332 MB the reports take, most of the browser worker's memory after the join
//! (BENCHMARKS.md, "Not done"). Compressed, a test's later ones against its first (below),
//! they take about an eighth of that (a fifth one by one). The browser's worker asks for it
//! ([`DetailTexts::packing`]); the CLI keeps them plain.
//!
//! Each text is one LZ4 block (the LZ4 block format,
//! <https://github.com/lz4/lz4/blob/dev/doc/lz4_Block_format.md>), made and read by
//! `lz4_flex`. A test's first text of a kind (its base) is a block decodable on its own, and
//! making one costs only clearing an 8 KB hash table. Before, each text was raw deflate
//! (RFC 1951) ending with a full flush, and every full flush cleared the deflater's 128 KB of
//! hash chains. On 60,000 traces like `flakelens gen`'s, natively, LZ4 compresses at
//! 1,300 MB/s against 175 MB/s, into 21.7% of the text against 20.0%, and decompresses them
//! all in 11 ms. A block is decompressed whole, also for a prefix. BENCHMARKS.md, "The kept
//! texts as LZ4 blocks; share links compressed by the browser".
//!
//! A test that fails in many runs fails in much the same words each time: its later traces
//! (and outputs) are compressed with its first one as LZ4's dictionary (its "base"), which
//! the block format allows (a match may reach back into text before the block). On
//! `flakelens gen`'s 50 runs × 20,000 tests, the 32,342 distinct texts (36.9 MB) take 9.3 MB
//! one by one and 4.4 MB so. Reading such a text decompresses its base first. Only a text of
//! at most 64 KiB becomes a base: LZ4 reaches back no further than that, so a longer one
//! would cost its whole decompression for each text read against it.

use std::borrow::Cow;
use std::fmt;
use std::hash::BuildHasher;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::Interner;

/// A shared, immutable text: a stack trace or an attempt's output. Cloning it shares it.
///
/// It is held either as it is or compressed ([`DetailTexts::packing`]); [`SharedText::text`]
/// reads it either way. It serializes as a JSON string, equals another by its text, and
/// reads back from JSON as it is.
#[derive(Clone)]
pub struct SharedText(Held);

#[derive(Clone)]
enum Held {
    Plain(Arc<str>),
    /// The text's length in bytes (4 bytes, little-endian), then its LZ4 block.
    Compressed(Arc<[u8]>),
    /// A text compressed with another text of the same test as the dictionary.
    AgainstBase(Arc<AgainstBase>),
}

/// A text compressed with its base's text as LZ4's dictionary.
struct AgainstBase {
    /// The base: a [`Held::Compressed`] text's bytes (never itself compressed against one,
    /// so reading a text decompresses at most two blocks).
    base: Arc<[u8]>,
    /// The text's length in bytes (4 bytes, little-endian), then its LZ4 block, whose
    /// matches may reach into the base's text.
    packed: Box<[u8]>,
}

impl SharedText {
    /// The text.
    pub fn text(&self) -> Cow<'_, str> {
        self.prefix(usize::MAX)
    }

    /// At most the first `max_bytes` bytes of the text, cut back to a character boundary.
    /// A compressed text is decompressed whole, then cut.
    pub fn prefix(&self, max_bytes: usize) -> Cow<'_, str> {
        match &self.0 {
            Held::Plain(text) => Cow::Borrowed(prefix_of(text, max_bytes)),
            Held::Compressed(bytes) => Cow::Owned(decompress(bytes, max_bytes, b"")),
            Held::AgainstBase(text) => {
                // The base's bytes as they were compressed against: no text made of them.
                let mut base = Vec::new();
                if !decompress_into(&text.base, &mut base, b"") {
                    base.clear();
                }
                Cow::Owned(decompress(&text.packed, max_bytes, &base))
            }
        }
    }

    /// The text's length in bytes.
    pub fn len(&self) -> usize {
        match &self.0 {
            Held::Plain(text) => text.len(),
            Held::Compressed(bytes) => plain_len(bytes),
            Held::AgainstBase(text) => plain_len(&text.packed),
        }
    }

    /// True for the empty text.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// True when it is held compressed.
    pub fn is_compressed(&self) -> bool {
        !matches!(self.0, Held::Plain(_))
    }

    /// True when it is compressed against another text of its test.
    #[cfg(test)]
    pub(crate) fn is_against_base(&self) -> bool {
        matches!(self.0, Held::AgainstBase(_))
    }

    /// The text as a shared `str`: the same allocation when it is held as it is.
    pub fn to_arc(&self) -> Arc<str> {
        match &self.0 {
            Held::Plain(text) => Arc::clone(text),
            Held::Compressed(_) | Held::AgainstBase(_) => Arc::from(self.text()),
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
            // The same allocation: a text shared, not decompressed to be compared.
            (Held::Compressed(a), Held::Compressed(b)) if Arc::ptr_eq(a, b) => true,
            (Held::AgainstBase(a), Held::AgainstBase(b)) if Arc::ptr_eq(a, b) => true,
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

/// The length prefix of a compressed text (0 for bytes too short to hold one, which
/// [`TextPacker`] never makes).
fn plain_len(bytes: &[u8]) -> usize {
    bytes
        .first_chunk::<4>()
        .map_or(0, |len| u32::from_le_bytes(*len) as usize)
}

/// Decompresses at most `max_bytes` of a compressed text, made with `dictionary` (empty for
/// a text compressed on its own). The bytes were made by [`TextPacker`] from a `str`, so
/// they decompress to valid UTF-8; were they ever damaged, the text is lost (empty) or its
/// invalid bytes replaced (U+FFFD), rather than a panic.
fn decompress(bytes: &[u8], max_bytes: usize, dictionary: &[u8]) -> String {
    // A block is read whole: for a trace that is far cheaper than matching the categories'
    // rules against it.
    let mut out = Vec::new();
    if !decompress_into(bytes, &mut out, dictionary) {
        return String::new();
    }
    let mut text = String::from_utf8(out)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    // `prefix_of` cuts on a character boundary, so `truncate` cannot panic.
    let end = prefix_of(&text, max_bytes).len();
    text.truncate(end);
    text
}

/// Decompresses the whole of a compressed text's bytes, made with `dictionary` (empty for a
/// text compressed on its own), into `out` (cleared first). False, `out` then unspecified,
/// when the bytes do not decompress to the length their prefix gives.
fn decompress_into(bytes: &[u8], out: &mut Vec<u8>, dictionary: &[u8]) -> bool {
    let len = plain_len(bytes);
    let block = bytes.get(PREFIX_BYTES..).unwrap_or_default();
    // A block grows at most 255 times when decompressed (a match's length takes a byte per
    // 255); a length beyond that is damage, and must not size the output.
    if len > block.len().saturating_mul(255) {
        return false;
    }
    out.clear();
    out.resize(len, 0);
    // One decoder for both kinds of block: without a dictionary, a match that reaches
    // before the block is refused all the same.
    lz4_flex::block::decompress_into_with_dict(block, out, dictionary).ok() == Some(len)
}

/// Compresses texts one by one, and shares a text seen before. A test's first text of each
/// kind is compressed on its own and becomes its base; its later ones are compressed with the
/// base's text as the dictionary.
struct TextPacker {
    /// LZ4's hash table, cleared for each text rather than allocated.
    table: lz4_flex::block::CompressTable,
    /// Texts packed so far, by a hash of their plain text: one entry per hash (a collision
    /// only costs sharing).
    seen: rustc_hash::FxHashMap<u64, SharedText>,
    hasher: rustc_hash::FxBuildHasher,
    out: Vec<u8>,
    min_len: usize,
    /// The test whose texts are packed now ([`DetailTexts::for_test`]).
    test: Option<usize>,
    /// Each test's base of each kind, a [`Held::Compressed`] text, by [`TextPacker::base_key`]
    /// (a map of the same type as `seen`, which costs the worker's wasm no more code).
    bases: rustc_hash::FxHashMap<u64, SharedText>,
    /// The base's text, decompressed to serve as the dictionary.
    dictionary: Vec<u8>,
    /// The base `dictionary` holds the text of, if any: a case's retries and outputs, one
    /// after the other, decompress it once.
    dictionary_of: Option<Arc<[u8]>>,
}

/// Which texts of a test are compressed against each other: traces with traces, outputs
/// with outputs.
#[derive(Clone, Copy, PartialEq, Eq)]
enum TextKind {
    Trace,
    Output,
}

/// The length prefix of a packed text, in bytes.
const PREFIX_BYTES: usize = 4;

/// The most room (bytes) the packer keeps for compressing between texts.
const SCRATCH_KEPT_BYTES: usize = 64 * 1024;

/// The longest text (bytes) that becomes a base: LZ4's window, as far back as a match reaches.
const BASE_MAX_BYTES: usize = 64 * 1024;

impl TextPacker {
    fn new(min_len: usize) -> TextPacker {
        TextPacker {
            table: lz4_flex::block::CompressTable::default(),
            seen: rustc_hash::FxHashMap::default(),
            hasher: rustc_hash::FxBuildHasher,
            out: Vec::new(),
            min_len,
            test: None,
            bases: rustc_hash::FxHashMap::default(),
            dictionary: Vec::new(),
            dictionary_of: None,
        }
    }

    /// The shared text: compressed when it is long enough and compressing saves room, else
    /// `None`.
    fn pack(&mut self, text: &str, kind: TextKind) -> Option<SharedText> {
        if text.len() < self.min_len || u32::try_from(text.len()).is_err() {
            return None;
        }
        let hash = self.hasher.hash_one(text);
        if let Some(seen) = self.seen.get(&hash) {
            if seen == text {
                return Some(seen.clone());
            }
        }
        let base_key = self.test.map(|test| TextPacker::base_key(test, kind));
        let base = base_key
            .and_then(|key| self.bases.get(&key))
            .and_then(|base| match &base.0 {
                Held::Compressed(bytes) => Some(Arc::clone(bytes)),
                _ => None,
            });
        let shared = match base {
            Some(base) => self.compress_against(text, &base).map(|packed| {
                SharedText(Held::AgainstBase(Arc::new(AgainstBase {
                    base,
                    packed: Box::from(packed),
                })))
            }),
            None => {
                let packed = self
                    .compress(text)
                    .map(|packed| SharedText(Held::Compressed(Arc::from(packed))));
                if let (Some(key), Some(packed)) = (base_key, &packed) {
                    if text.len() <= BASE_MAX_BYTES {
                        self.bases.insert(key, packed.clone());
                    }
                }
                packed
            }
        };
        // The scratch room is as long as the longest text packed: a long output's is let go,
        // and so is the larger hash table a text of 64 KB or more needs.
        if self.out.capacity() > SCRATCH_KEPT_BYTES {
            self.out = Vec::new();
            self.table = lz4_flex::block::CompressTable::default();
        }
        if self.dictionary.capacity() > SCRATCH_KEPT_BYTES {
            self.dictionary = Vec::new();
            self.dictionary_of = None;
        }
        let shared = shared?;
        self.seen.insert(hash, shared.clone());
        Some(shared)
    }

    /// The key of `test`'s base of `kind` in `bases`.
    fn base_key(test: usize, kind: TextKind) -> u64 {
        (test as u64) << 1 | u64::from(kind == TextKind::Output)
    }

    /// The length prefix and the LZ4 block, or `None` when they would not be smaller.
    fn compress(&mut self, text: &str) -> Option<&[u8]> {
        let input = text.as_bytes();
        self.make_room(input.len())?;
        let written = lz4_flex::block::compress_into_with_table(
            input,
            &mut self.out[PREFIX_BYTES..],
            &mut self.table,
        )
        .ok()?;
        self.packed(input.len(), written)
    }

    /// The length prefix and an LZ4 block made with `base`'s text as the dictionary, or
    /// `None` when they would not be smaller than the text.
    fn compress_against(&mut self, text: &str, base: &Arc<[u8]>) -> Option<&[u8]> {
        let input = text.as_bytes();
        // The base was made here from a `str`, so it decompresses whole; LZ4 reads only
        // the last 64 KB of a dictionary.
        if !self
            .dictionary_of
            .as_ref()
            .is_some_and(|of| Arc::ptr_eq(of, base))
        {
            self.dictionary_of = None;
            if !decompress_into(base, &mut self.dictionary, b"") {
                return None;
            }
            self.dictionary_of = Some(Arc::clone(base));
        }
        self.make_room(input.len())?;
        let written = lz4_flex::block::compress_into_with_dict(
            input,
            &mut self.out[PREFIX_BYTES..],
            &self.dictionary,
        )
        .ok()?;
        self.packed(input.len(), written)
    }

    /// Makes `out` the length prefix of a text of `len` bytes (`None` for one of 4 GiB or
    /// more), with room behind it for the text's LZ4 block.
    fn make_room(&mut self, len: usize) -> Option<()> {
        let prefix = u32::try_from(len).ok()?.to_le_bytes();
        self.out.clear();
        self.out.resize(
            PREFIX_BYTES + lz4_flex::block::get_maximum_output_size(len),
            0,
        );
        self.out[..PREFIX_BYTES].copy_from_slice(&prefix);
        Some(())
    }

    /// The packed text in `out`, `written` bytes of block behind the prefix, or `None` when
    /// it is no smaller than the `plain_len` bytes it stands for.
    fn packed(&mut self, plain_len: usize, written: usize) -> Option<&[u8]> {
        if PREFIX_BYTES + written >= plain_len {
            return None;
        }
        self.out.truncate(PREFIX_BYTES + written);
        Some(self.out.as_slice())
    }
}

/// Where a join's detail texts come from: messages and failure types interned, and stack
/// traces and outputs shared, compressed when [`DetailTexts::packing`] asks for it.
///
/// Memory: one copy of each distinct message, type and trace (a trace compressed takes about
/// a fifth of its length on its own, 21.7% on 60,000 traces like `flakelens gen`'s, and an
/// eighth against its test's first: 4.4 of 36.9 MB at 50 runs × 20,000 tests),
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
    /// Texts of at least this many bytes are compressed when packing: shorter ones save little.
    pub const PACK_FROM_BYTES: usize = 256;

    /// Detail texts that compress each stack trace and output of at least
    /// [`DetailTexts::PACK_FROM_BYTES`] bytes, when compressing makes it smaller.
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

    /// Says that the traces and outputs given next are those of one test, `test`: any
    /// number that tells it from the other tests of the join. When packing, the test's
    /// first trace and first output are compressed on their own, and its later ones with
    /// that first one as the dictionary (about half the room on traces like
    /// `flakelens gen`'s).
    pub fn for_test(&mut self, test: usize) {
        if let Some(packer) = self.packer.as_mut() {
            packer.test = Some(test);
        }
    }

    /// The shared copy of a stack trace.
    pub fn trace(&mut self, text: &str) -> SharedText {
        match self
            .packer
            .as_mut()
            .and_then(|p| p.pack(text, TextKind::Trace))
        {
            Some(packed) => packed,
            None => SharedText::from(self.interner.intern(text)),
        }
    }

    /// An attempt's `system-out` or `system-err`: the reader's allocation itself when not
    /// compressed.
    pub fn output(&mut self, text: &Arc<str>) -> SharedText {
        match self
            .packer
            .as_mut()
            .and_then(|p| p.pack(text, TextKind::Output))
        {
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
            Held::Compressed(bytes) => bytes.len(),
            Held::AgainstBase(text) => text.packed.len(),
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
    fn long_texts_are_compressed_and_read_back() {
        let mut texts = DetailTexts::packing();
        let text = trace(3);
        let shared = texts.trace(&text);
        assert!(shared.is_compressed());
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
    fn texts_are_lz4_blocks_behind_their_length() {
        let text = trace(4);
        let shared = DetailTexts::packing().trace(&text);
        let Held::Compressed(bytes) = &shared.0 else {
            panic!("expected it compressed");
        };
        assert_eq!(bytes[..PREFIX_BYTES], (text.len() as u32).to_le_bytes());
        // The LZ4 block format: the first token's high four bits count the literals that
        // open the block (15 and more when the count goes on in the next bytes), and a
        // trace opens with more than 15 bytes before anything repeats.
        assert_eq!(bytes[PREFIX_BYTES] >> 4, 15);
        // Read by LZ4's own decoder, the block gives the text.
        let block = lz4_flex::block::decompress(&bytes[PREFIX_BYTES..], text.len());
        assert_eq!(block.ok().as_deref(), Some(text.as_bytes()));
    }

    #[test]
    fn a_long_texts_room_is_let_go() {
        let mut packer = TextPacker::new(DetailTexts::PACK_FROM_BYTES);
        let long: String = (0..20_000).map(trace).collect();
        assert!(long.len() > 4 * SCRATCH_KEPT_BYTES);
        let packed = packer.pack(&long, TextKind::Trace).expect("compressed");
        assert_eq!(packed.text(), long);
        assert!(packer.out.capacity() <= SCRATCH_KEPT_BYTES);
        // A short text's room is kept for the next.
        assert!(packer.pack(&trace(1), TextKind::Trace).is_some());
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
            (Held::Compressed(x), Held::Compressed(y)) => assert!(Arc::ptr_eq(x, y)),
            _ => panic!("expected both compressed"),
        }
        let plain = DetailTexts::default().trace(&trace(5));
        assert!(!plain.is_compressed());
    }

    #[test]
    fn short_or_incompressible_texts_stay_plain() {
        let mut texts = DetailTexts::packing();
        assert!(!texts.trace("boom").is_compressed());
        // No four bytes repeat: nothing for LZ4 to match.
        let noise: String = (0..400u32)
            .map(|i| char::from_u32(0x4e00 + (i * 7919) % 20000).unwrap_or('x'))
            .collect();
        let shared = texts.trace(&noise);
        assert_eq!(shared.text(), noise);
        // And the packer still works for the next text.
        let next = trace(9);
        assert_eq!(texts.trace(&next).text(), next);
    }

    #[test]
    fn a_tests_later_traces_are_compressed_against_its_first() {
        let mut texts = DetailTexts::packing();
        texts.for_test(7);
        let first = texts.trace(&trace(100));
        assert!(matches!(first.0, Held::Compressed(_)));
        // Another run's trace of the same test: other values and line numbers.
        let later = texts.trace(&trace(101));
        let Held::AgainstBase(against) = &later.0 else {
            panic!("expected it compressed against the first");
        };
        let Held::Compressed(base) = &first.0 else {
            unreachable!()
        };
        assert!(Arc::ptr_eq(&against.base, base));
        assert_eq!(later.text(), trace(101));
        assert_eq!(later.len(), trace(101).len());
        assert_eq!(later.prefix(20), &trace(101)[..20]);
        // Against its base it takes less room than on its own (101 bytes against 173: both
        // are short, for the trace repeats itself).
        let alone = DetailTexts::packing().trace(&trace(101));
        assert!(
            heap_bytes(&later) * 3 < heap_bytes(&alone) * 2,
            "{} against {} alone",
            heap_bytes(&later),
            heap_bytes(&alone)
        );
        // An output is not compressed against a trace: the test's first output is a base.
        let output: Arc<str> = Arc::from(trace(102).replace("\tat", "INFO"));
        assert!(matches!(texts.output(&output).0, Held::Compressed(_)));
        // Another test's first trace is compressed on its own.
        texts.for_test(8);
        assert!(matches!(texts.trace(&trace(103)).0, Held::Compressed(_)));
        // Plain texts (not packing) know no tests.
        let mut plain = DetailTexts::default();
        plain.for_test(7);
        assert!(!plain.trace(&trace(104)).is_compressed());
    }

    #[test]
    fn a_text_longer_than_lz4_reaches_back_is_no_base() {
        let mut texts = DetailTexts::packing();
        texts.for_test(1);
        let long: String = (0..1000).map(trace).collect();
        assert!(long.len() > BASE_MAX_BYTES);
        assert!(matches!(texts.trace(&long).0, Held::Compressed(_)));
        // The next trace of the test is compressed on its own, and becomes the base.
        let next = texts.trace(&trace(1));
        assert!(matches!(next.0, Held::Compressed(_)));
        let after = texts.trace(&trace(2));
        assert!(after.is_against_base());
        assert_eq!(after.text(), trace(2));
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
        assert!(shared.is_compressed());
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
        assert!(!back.is_compressed());
        assert_eq!(back, shared);
    }

    /// A block behind a length prefix, as the packer holds it.
    fn held(len: u32, block: &[u8]) -> SharedText {
        let mut bytes = len.to_le_bytes().to_vec();
        bytes.extend_from_slice(block);
        SharedText(Held::Compressed(Arc::from(bytes)))
    }

    #[test]
    fn a_damaged_length_reads_as_nothing() {
        let text = trace(6);
        let block = lz4_flex::block::compress(text.as_bytes());
        assert_eq!(held(text.len() as u32, &block).text(), text);
        // Longer than any block of this size can give: refused before it sizes anything.
        assert_eq!(held(u32::MAX, &block).text(), "");
        // A length the block does not decompress to, one byte off either way.
        assert_eq!(held(text.len() as u32 + 1, &block).text(), "");
        assert_eq!(held(text.len() as u32 - 1, &block).text(), "");
    }

    #[test]
    fn bytes_that_are_not_utf8_read_with_replacement_characters() {
        let mut bytes = vec![0xff];
        bytes.extend_from_slice("é".repeat(300).as_bytes());
        let block = lz4_flex::block::compress(&bytes);
        let damaged = held(bytes.len() as u32, &block);
        let text = damaged.text();
        assert!(
            text.starts_with('\u{fffd}') && text.ends_with('é'),
            "{text}"
        );
        // A prefix of it still ends on a character boundary: U+FFFD is 3 bytes, é 2.
        assert_eq!(damaged.prefix(6), "\u{fffd}é");
    }

    proptest! {
        /// Bytes no packer made (it cannot happen: the type is built here) read as some
        /// text, never a panic, whatever their length prefix says.
        #[test]
        fn damaged_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64)) {
            let damaged = SharedText(Held::Compressed(Arc::from(bytes)));
            let _ = damaged.text();
            let _ = damaged.prefix(3);
            let _ = damaged.len();
        }

        /// Texts of a few tests, each test's compressed against its first (which may be
        /// nothing like them): each reads back whole and cut.
        #[test]
        fn texts_against_a_base_read_back(
            texts in proptest::collection::vec(
                (0..3usize, any::<bool>(), "[a-c\t\n é€😀]{0,30}", 1..40usize),
                1..12,
            ),
            cut in 0..1200usize,
        ) {
            let mut packing = DetailTexts::packing();
            for (test, is_output, piece, repeats) in texts {
                let text = format!("{test} {}", piece.repeat(repeats));
                packing.for_test(test);
                let shared = if is_output {
                    packing.output(&Arc::from(text.as_str()))
                } else {
                    packing.trace(&text)
                };
                prop_assert_eq!(shared.text(), text.as_str());
                prop_assert_eq!(shared.len(), text.len());
                prop_assert_eq!(shared.prefix(cut), prefix_of(&text, cut));
            }
        }

        /// Texts that repeat (as traces and outputs do), with characters of one to four
        /// bytes: compressed, and read back whole and cut.
        #[test]
        fn any_text_reads_back(
            pieces in proptest::collection::vec("[a-z\t\n é€😀]{1,40}", 1..8),
            repeats in 8..40usize,
            cut in 0..2000usize,
        ) {
            let mut packing = DetailTexts::packing();
            let texts: Vec<String> = pieces.iter().map(|p| p.repeat(repeats)).collect();
            let shared: Vec<SharedText> = texts.iter().map(|t| packing.trace(t)).collect();
            for (s, t) in shared.iter().zip(&texts) {
                prop_assert!(s.is_compressed() || t.len() < DetailTexts::PACK_FROM_BYTES);
                prop_assert_eq!(s.text(), t.as_str());
                prop_assert_eq!(s.len(), t.len());
                prop_assert_eq!(s.prefix(cut), prefix_of(t, cut));
            }
        }
    }
}
