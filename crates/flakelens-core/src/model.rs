//! The data one JUnit report yields: a [`Run`] of [`TestCase`]s, each with its [`Attempt`]s.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::junit::{Dialect, Timestamp};

/// The outcome of one test in one run, or of one attempt.
///
/// When a testcase carries several result children the precedence is
/// error > failure > skipped > passed. `skipped` also covers `status="notrun"` and
/// `"disabled"`: such tests never count as passed and never enter a failure rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// Ran and passed (possibly after failed attempts: see [`TestCase::flaky_in_run`]).
    Passed,
    /// Ran and failed an assertion: a `<failure>` child.
    Failed,
    /// Ran and raised an unexpected error: an `<error>` child.
    Errored,
    /// Did not run: `<skipped>`, or a status such as `notrun` or `disabled`.
    Skipped,
}

impl Outcome {
    /// True for [`Outcome::Failed`] and [`Outcome::Errored`].
    pub fn is_failure(self) -> bool {
        matches!(self, Outcome::Failed | Outcome::Errored)
    }

    /// True when the test ran: passed, failed or errored.
    pub fn is_executed(self) -> bool {
        !matches!(self, Outcome::Skipped)
    }

    /// The lowercase name used in JSON and in the page.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Errored => "errored",
            Outcome::Skipped => "skipped",
        }
    }
}

/// Which result element a [`Failure`] came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FailureKind {
    /// `<failure>`, `<flakyFailure>` or `<rerunFailure>`: an assertion failed.
    Failure,
    /// `<error>`, `<flakyError>` or `<rerunError>`: an unexpected exception.
    Error,
}

/// One failure or error element.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Failure {
    /// Which kind of element it was.
    pub kind: FailureKind,
    /// The `message` attribute, if present.
    pub message: Option<String>,
    /// The `type` attribute (often an exception class), if present.
    #[serde(rename = "type")]
    pub failure_type: Option<String>,
    /// The element's text, or its `<stackTrace>` child's (Surefire reruns), with CDATA
    /// sections joined; empty when absent.
    pub body: String,
}

/// A testcase's attempts, oldest first: held inline while there is one, as for almost every
/// testcase (no allocation of its own), on the heap when a run retried it. Serialized as a list.
pub type Attempts = smallvec::SmallVec<[Attempt; 1]>;

/// One attempt of a test within one run.
///
/// Reruns inside a run are written in four ways, all read into attempts: `<flakyFailure>` /
/// `<flakyError>` children (failed attempts before a pass: Surefire, Gradle, nextest),
/// `<rerunFailure>` / `<rerunError>` children (further failed attempts), several `<testcase>`
/// elements with the same identity (gotestsum `--rerun-fails`, pytest-rerunfailures), or
/// nothing at all (Playwright: one attempt is all that is visible).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    /// The outcome of this attempt.
    pub outcome: Outcome,
    /// Its `time` in seconds, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_seconds: Option<f64>,
    /// Its `<failure>`/`<error>` (or `flaky*`/`rerun*`) elements, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<Failure>,
    /// The `message` of its `<skipped>` element, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skip_message: Option<String>,
    /// Its `<system-out>` text, if any. Shared (not copied) with the analysis's details, as
    /// it may be megabytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_out: Option<Arc<str>>,
    /// Its `<system-err>` text, if any; shared like `system_out`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_err: Option<Arc<str>>,
}

/// The identity of a test: innermost suite name, classname and name.
///
/// The same classname and name in two suites (for example two browsers or two projects) are
/// two tests. When a testcase has no `classname` (or an empty one), the innermost suite name
/// stands in for it.
///
/// The strings are shared: the reader gives every testcase of a suite the same suite text,
/// and with an [`Interner`] the same text across runs is allocated once (see
/// [`crate::input::read_input_interned`]). Equality and order compare the text.
///
/// The key's hash is computed once, when it is made ([`TestKey::new`]), and hashing a key
/// writes only that number: a key is hashed several times on its way from the reader to the
/// join (the reader's index, the check for repeated identities, the join's index), and
/// hashing the three texts each time, from wherever they sit in memory, was about a tenth
/// of the whole job. Equal keys have equal hashes, so equality compares the hashes first.
/// Serializes as its three texts.
#[derive(Clone, Serialize, Deserialize)]
#[serde(from = "KeyTexts", into = "KeyTexts")]
pub struct TestKey {
    suite: Arc<str>,
    classname: Arc<str>,
    name: Arc<str>,
    hash: u64,
}

/// The serialized form of a [`TestKey`].
#[derive(Serialize, Deserialize)]
struct KeyTexts {
    suite: Arc<str>,
    classname: Arc<str>,
    name: Arc<str>,
}

impl From<KeyTexts> for TestKey {
    fn from(texts: KeyTexts) -> TestKey {
        TestKey::new(texts.suite, texts.classname, texts.name)
    }
}

impl From<TestKey> for KeyTexts {
    fn from(key: TestKey) -> KeyTexts {
        KeyTexts {
            suite: key.suite,
            classname: key.classname,
            name: key.name,
        }
    }
}

impl TestKey {
    /// The key of `suite`, `classname` and `name`, its hash computed once.
    #[inline]
    pub fn new(suite: Arc<str>, classname: Arc<str>, name: Arc<str>) -> TestKey {
        use std::hash::{BuildHasher, Hash, Hasher};
        let mut hasher = rustc_hash::FxBuildHasher.build_hasher();
        suite.hash(&mut hasher);
        classname.hash(&mut hasher);
        name.hash(&mut hasher);
        let hash = hasher.finish();
        TestKey {
            suite,
            classname,
            name,
            hash,
        }
    }

    /// Name of the innermost enclosing suite; empty when it has none. For Playwright reports
    /// it is prefixed by the project (`chromium › tests/a.spec.ts`).
    pub fn suite(&self) -> &Arc<str> {
        &self.suite
    }

    /// The `classname` attribute, or the suite name when it is missing or empty.
    pub fn classname(&self) -> &Arc<str> {
        &self.classname
    }

    /// The `name` attribute.
    pub fn name(&self) -> &Arc<str> {
        &self.name
    }

    /// The same key in another suite.
    pub fn with_suite(self, suite: Arc<str>) -> TestKey {
        TestKey::new(suite, self.classname, self.name)
    }

    /// The same key with another name.
    pub fn with_name(self, name: Arc<str>) -> TestKey {
        TestKey::new(self.suite, self.classname, name)
    }
}

impl std::fmt::Debug for TestKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestKey")
            .field("suite", &self.suite)
            .field("classname", &self.classname)
            .field("name", &self.name)
            .finish()
    }
}

impl PartialEq for TestKey {
    #[inline]
    fn eq(&self, other: &TestKey) -> bool {
        // Interned texts are the same allocation, which settles it without reading the
        // text: `Arc`'s own equality does not look at the pointers when the content is
        // unsized (`str`), so every lookup of an interned key compared its three texts byte
        // by byte, which wasm does one byte at a time. Texts held apart are compared as the
        // interner compares them.
        fn same(a: &Arc<str>, b: &Arc<str>) -> bool {
            Arc::ptr_eq(a, b) || same_text(a, b)
        }
        self.hash == other.hash
            && same(&self.name, &other.name)
            && same(&self.classname, &other.classname)
            && same(&self.suite, &other.suite)
    }
}

impl Eq for TestKey {}

impl std::hash::Hash for TestKey {
    #[inline]
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_u64(self.hash);
    }
}

impl PartialOrd for TestKey {
    fn partial_cmp(&self, other: &TestKey) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for TestKey {
    /// By suite, then classname, then name.
    fn cmp(&self, other: &TestKey) -> std::cmp::Ordering {
        (&self.suite, &self.classname, &self.name).cmp(&(
            &other.suite,
            &other.classname,
            &other.name,
        ))
    }
}

/// A set of shared strings: [`Interner::intern`] returns the same allocation for the same
/// text, so test identities read from many runs are stored once.
///
/// Reports of the same suite name their suites, classnames and tests in much the same
/// order run after run, so the text interned right after the last one asked for is
/// compared before the text is hashed: when it matches, as it mostly does from the second
/// run on, the hash and the probe at a random place in the table are skipped.
///
/// Memory: one `Arc<str>` per distinct text, held until the interner is dropped, and its
/// place in the order first interned (12 bytes per text in wasm32).
#[derive(Debug, Default, Clone)]
pub struct Interner {
    /// Each text and its index in `order`.
    texts: rustc_hash::FxHashMap<Arc<str>, u32>,
    /// The texts in the order they were first interned.
    order: Vec<Arc<str>>,
    /// The index of the text returned last.
    last: Option<u32>,
}

impl Interner {
    /// The shared copy of `text`, allocated on its first use.
    #[inline]
    pub fn intern(&mut self, text: &str) -> Arc<str> {
        let next = self.last.map_or(0, |last| last as usize + 1);
        if let Some(expected) = self.order.get(next) {
            if same_text(expected, text) {
                self.last = u32::try_from(next).ok();
                return Arc::clone(expected);
            }
        }
        if let Some((shared, &index)) = self.texts.get_key_value(text) {
            self.last = Some(index);
            return Arc::clone(shared);
        }
        let shared: Arc<str> = Arc::from(text);
        // Past u32::MAX texts (not reachable within wasm32's memory) the order stops
        // growing and only the table is used.
        if let Ok(index) = u32::try_from(self.order.len()) {
            self.order.push(Arc::clone(&shared));
            self.texts.insert(Arc::clone(&shared), index);
            self.last = Some(index);
        } else {
            self.texts.insert(Arc::clone(&shared), u32::MAX);
            self.last = None;
        }
        shared
    }

    /// How many distinct texts it holds.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when it holds no text.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

/// `a == b`, compared eight bytes at a time. The same as `==` natively; in wasm, where
/// `==` on texts calls a `memcmp` that compares one byte at a time, it took the comparisons
/// behind the interner's guesses (names of 40-80 bytes) from 95 to 58 ms, and the reader's
/// check of the last classname from 37 to 12 ms (the worker's profile at 686 MB).
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let ((x, x_rest), (y, y_rest)) = (a.as_chunks::<8>(), b.as_chunks::<8>());
    x.iter()
        .zip(y)
        .all(|(p, q)| u64::from_ne_bytes(*p) == u64::from_ne_bytes(*q))
        && x_rest == y_rest
}

/// `a.cmp(b)` (byte order), compared eight bytes at a time, for the same reason as
/// [`same_text`]. The tests' ids share long prefixes (`suite/classname::test_`), which
/// sorting them compared one byte at a time in wasm.
pub(crate) fn compare_text(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    // The whole words both start with, skipped eight bytes at a time; the rest compared
    // as `Ord` does.
    let same_words = a
        .as_chunks::<8>()
        .0
        .iter()
        .zip(b.as_chunks::<8>().0)
        .take_while(|(p, q)| u64::from_ne_bytes(**p) == u64::from_ne_bytes(**q))
        .count();
    a[same_words * 8..].cmp(&b[same_words * 8..])
}

impl TestKey {
    /// The display id: `suite/classname::name`.
    pub fn id(&self) -> String {
        // Not `format!`: this runs once per test, and plain pushes are several times cheaper.
        let mut id =
            String::with_capacity(self.suite.len() + self.classname.len() + self.name.len() + 3);
        id.push_str(&self.suite);
        id.push('/');
        id.push_str(&self.classname);
        id.push_str("::");
        id.push_str(&self.name);
        id
    }
}

/// One test in one run: one or more `<testcase>` elements with the same identity.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestCase {
    /// Who the test is.
    pub key: TestKey,
    /// The names of all enclosing suites, outermost first, joined by ` › ` (for the
    /// suite-path identity option).
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub suite_path: Arc<str>,
    /// False when the testcase had no classname (or an empty one) and the suite name stands
    /// in for it.
    #[serde(default = "yes")]
    pub classname_given: bool,
    /// The test's outcome in the run. A test that failed and then passed within the run is
    /// [`Outcome::Passed`] with [`TestCase::flaky_in_run`] set: it is not a failure.
    pub outcome: Outcome,
    /// True when it passed after at least one failed attempt in this run.
    pub flaky_in_run: bool,
    /// Every attempt, oldest first where the report says so (at least one).
    pub attempts: Attempts,
    /// The sum of the `time` attributes of its `<testcase>` elements, in seconds; `None` when
    /// none was readable.
    pub time_seconds: Option<f64>,
    /// How many `<testcase>` elements made it (more than 1 for duplicate identities).
    pub elements: u32,
    /// The `file` attribute, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The `line` attribute, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// `<property>` children of the testcase, in document order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

fn yes() -> bool {
    true
}

impl TestCase {
    /// Every failure and error of every attempt, oldest first.
    pub fn failures(&self) -> impl Iterator<Item = &Failure> {
        self.attempts.iter().flat_map(|a| a.failures.iter())
    }
}

/// A `<property name=".." value=".."/>` (or with the value as text content).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// The `name` attribute.
    pub name: String,
    /// The `value` attribute, or the element's text when there is no `value`.
    pub value: String,
}

/// One JUnit report: one run of the suite.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Run {
    /// The file name as given to the reader (`archive.zip/inner.xml` for files in archives).
    pub file: String,
    /// The producer, guessed from the report's shape.
    pub dialect: Dialect,
    /// One entry per distinct test, in order of first appearance.
    pub testcases: Vec<TestCase>,
    /// How many `<testcase>` elements the file holds.
    pub testcase_elements: usize,
    /// True when the file was malformed and only the testcases read before the fault are kept.
    pub partial: bool,
    /// The first `timestamp` of the root or a suite, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<Timestamp>,
    /// The first `hostname` of the root or a suite, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    /// Suite-level `<property>` elements, in document order, duplicates removed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub properties: Vec<Property>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::hash::BuildHasher;

    fn key(suite: &str, classname: &str, name: &str) -> TestKey {
        TestKey::new(suite.into(), classname.into(), name.into())
    }

    fn hash_of(key: &TestKey) -> u64 {
        rustc_hash::FxBuildHasher.hash_one(key)
    }

    proptest! {
        /// Two keys are equal exactly when their three texts are, whatever their
        /// allocations, and equal keys hash alike.
        #[test]
        fn equal_keys_are_those_with_equal_texts(
            a in proptest::array::uniform3("[ab/:]{0,3}"),
            b in proptest::array::uniform3("[ab/:]{0,3}"),
        ) {
            let (ka, kb) = (key(&a[0], &a[1], &a[2]), key(&b[0], &b[1], &b[2]));
            prop_assert_eq!(ka == kb, a == b);
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b));
            let again = key(&a[0], &a[1], &a[2]);
            prop_assert_eq!(&ka, &again);
            prop_assert_eq!(hash_of(&ka), hash_of(&again));
        }
    }

    proptest! {
        /// Whatever the order texts come in, again or not, each comes back as its first
        /// allocation, holding the same text.
        #[test]
        fn interning_returns_the_first_allocation_of_each_text(
            runs in proptest::collection::vec(proptest::collection::vec("[abc]{0,2}", 0..12), 1..5),
        ) {
            let mut interner = Interner::default();
            let mut first: std::collections::HashMap<String, Arc<str>> = Default::default();
            for text in runs.iter().flatten() {
                let shared = interner.intern(text);
                prop_assert_eq!(&*shared, text.as_str());
                let kept = first.entry(text.clone()).or_insert_with(|| Arc::clone(&shared));
                prop_assert!(Arc::ptr_eq(kept, &shared));
            }
            prop_assert_eq!(interner.len(), first.len());
        }
    }

    proptest! {
        #[test]
        fn compare_text_is_byte_order(a in "[ab\u{e9}]{0,20}", b in "[ab\u{e9}]{0,20}") {
            prop_assert_eq!(compare_text(&a, &b), a.cmp(&b));
            let longer = format!("{a}{b}");
            prop_assert_eq!(compare_text(&a, &longer), a.cmp(&longer));
        }

        #[test]
        fn same_text_is_equality(a in "[ab]{0,20}", b in "[ab]{0,20}") {
            prop_assert_eq!(same_text(&a, &b), a == b);
            prop_assert!(same_text(&a, &a.clone()));
        }
    }

    #[test]
    fn interning_a_run_again_in_another_order() {
        let mut interner = Interner::default();
        let first: Vec<Arc<str>> = ["s", "C", "a", "b", "c"].map(|t| interner.intern(t)).into();
        // The same order (each text found as the one after the last), then another, with a
        // new text among them.
        for order in [[0, 1, 2, 3, 4], [4, 2, 0, 3, 1]] {
            for i in order {
                assert!(Arc::ptr_eq(&interner.intern(&first[i]), &first[i]));
            }
        }
        let d = interner.intern("d");
        assert!(Arc::ptr_eq(&interner.intern("b"), &first[3]));
        assert!(Arc::ptr_eq(&interner.intern("d"), &d));
        assert_eq!(interner.len(), 6);
    }

    #[test]
    fn texts_that_move_between_parts_make_another_key() {
        // The parts are hashed apart, not as one concatenated text.
        assert_ne!(key("ab", "c", "d"), key("a", "bc", "d"));
        assert_ne!(hash_of(&key("ab", "c", "d")), hash_of(&key("a", "bc", "d")));
    }

    #[test]
    fn a_key_changed_is_hashed_again() {
        let moved = key("s", "C", "t").with_suite("chromium".into());
        assert_eq!(moved, key("chromium", "C", "t"));
        assert_eq!(hash_of(&moved), hash_of(&key("chromium", "C", "t")));
        let renamed = key("s", "C", "t").with_name("u".into());
        assert_eq!(renamed, key("s", "C", "u"));
        assert_eq!(hash_of(&renamed), hash_of(&key("s", "C", "u")));
    }

    #[test]
    fn serializes_as_its_three_texts() {
        let k = key("s", "C", "t");
        let json = serde_json::to_string(&k).expect("serialize");
        assert_eq!(json, r#"{"suite":"s","classname":"C","name":"t"}"#);
        let back: TestKey = serde_json::from_str(&json).expect("deserialize");
        assert_eq!(back, k);
        assert_eq!(hash_of(&back), hash_of(&k));
        assert_eq!(
            format!("{k:?}"),
            r#"TestKey { suite: "s", classname: "C", name: "t" }"#
        );
    }
}
