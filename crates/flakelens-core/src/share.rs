//! Share links: an audit carried in a URL fragment.
//!
//! The fragment is `audit=` followed by the audit JSON, compressed with raw DEFLATE (RFC
//! 1951) and encoded as unpadded base64url (RFC 4648 §5). Browsers never send the fragment
//! to a server, so the link shares data without uploading it anywhere.
//!
//! Decoding is bounded: the encoded text, the inflated JSON and the audit reader all have
//! size limits, and the audit is validated like any other before use.

use std::io::Read;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::audit::{Audit, AuditError, Privacy};

/// The fragment key before the encoded audit.
pub const FRAGMENT_KEY: &str = "audit=";
/// Largest encoded fragment accepted when decoding, in bytes (8 MiB).
pub const MAX_FRAGMENT_BYTES: usize = 8 << 20;
/// Largest inflated audit JSON accepted from a fragment, in bytes (32 MiB).
pub const MAX_INFLATED_BYTES: usize = 32 << 20;
/// Longest link worth sharing, in bytes of fragment: above it the page strips messages and
/// output, and if that is not enough it offers the audit JSON as a download instead. 64 KiB
/// keeps links usable in browsers, chat tools and issue trackers.
pub const SHARE_LINK_BUDGET: usize = 64 * 1024;

/// Why a fragment could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShareError {
    /// No `audit=` in the fragment.
    #[error("the link holds no audit (expected #audit=...)")]
    Missing,
    /// Longer than [`MAX_FRAGMENT_BYTES`] or inflating beyond [`MAX_INFLATED_BYTES`].
    #[error("the shared audit is larger than the limit of {0} bytes")]
    TooLarge(usize),
    /// Not base64url, or not DEFLATE data.
    #[error("the link is damaged: {0}")]
    Damaged(String),
    /// Inflated, but not a valid audit.
    #[error("the shared audit is invalid: {0}")]
    Invalid(AuditError),
}

/// What [`ShareFitting`] had to do to fit a link in its budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Fit {
    /// The whole audit fits.
    Whole,
    /// Messages and output were stripped to fit.
    Stripped,
    /// Even stripped it does not fit: offer the JSON as a download.
    TooLarge,
}

/// The fragment (`audit=...`, without the `#`) for audit JSON already compressed with raw
/// DEFLATE (RFC 1951) by the caller: any compressor and level will do, as long as the
/// stream inflates to the JSON.
pub fn fragment_of(compressed: &[u8]) -> String {
    format!("{FRAGMENT_KEY}{}", URL_SAFE_NO_PAD.encode(compressed))
}

/// The fragment for sharing an audit, and how it was made to fit a budget of bytes: whole,
/// or with messages and output stripped (also when the user asks with `privacy`), one
/// compression at a time. The caller compresses the JSON: the browser's worker uses the
/// browser's `CompressionStream`, which is asynchronous, so that it carries no deflater of
/// its own.
///
/// [`ShareFitting::start`] gives the JSON to compress first; [`ShareFitting::offer`] takes
/// the fragment made of it ([`fragment_of`]) and gives either the link and its [`Fit`], or
/// the JSON to compress next (messages and output stripped). It asks for at most two.
#[derive(Debug)]
pub struct ShareFitting {
    audit: Audit,
    budget: usize,
    /// What the next offer is of.
    stage: Stage,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// The audit with the text asked for, which holds messages or output to strip.
    Whole,
    /// The audit with the text asked for, which holds none to strip.
    WholeWithNothingToStrip,
    /// The audit stripped of messages and output.
    Stripped,
}

impl ShareFitting {
    /// Starts fitting `audit`, with the text `privacy` allows, into `budget` bytes of
    /// fragment; returns the audit JSON to compress first.
    pub fn start(mut audit: Audit, privacy: Privacy, budget: usize) -> (ShareFitting, String) {
        audit.restrict(privacy);
        let json = audit.to_json();
        let stage = if privacy.messages || privacy.output {
            Stage::Whole
        } else {
            Stage::WholeWithNothingToStrip
        };
        let fitting = ShareFitting {
            audit,
            budget,
            stage,
        };
        (fitting, json)
    }

    /// Takes the fragment made of the JSON last given.
    ///
    /// # Errors
    /// `Err(json)`: the whole audit does not fit, and `json` (messages and output stripped)
    /// is to be compressed and offered next. The fragment made of that one is always taken,
    /// as [`Fit::Stripped`] or, when it does not fit either, [`Fit::TooLarge`]; so is the
    /// first when `privacy` already left both out.
    pub fn offer(&mut self, fragment: String) -> Result<(String, Fit), String> {
        let fits = fragment.len() <= self.budget;
        match (self.stage, fits) {
            (Stage::Whole | Stage::WholeWithNothingToStrip, true) => Ok((fragment, Fit::Whole)),
            (Stage::Whole, false) => {
                self.stage = Stage::Stripped;
                self.audit.restrict(Privacy {
                    messages: false,
                    output: false,
                });
                Err(self.audit.to_json())
            }
            (Stage::WholeWithNothingToStrip, false) => Ok((fragment, Fit::TooLarge)),
            (Stage::Stripped, true) => Ok((fragment, Fit::Stripped)),
            (Stage::Stripped, false) => Ok((fragment, Fit::TooLarge)),
        }
    }
}

/// Reads the audit in a URL fragment (with or without the leading `#`; other `&`-separated
/// keys such as view state are ignored).
///
/// # Errors
/// [`ShareError`]: no audit, too large, damaged, or an invalid audit (naming the JSON path).
pub fn decode_fragment(fragment: &str) -> Result<Audit, ShareError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    let encoded = fragment
        .split('&')
        .find_map(|part| part.strip_prefix(FRAGMENT_KEY))
        .ok_or(ShareError::Missing)?;
    if encoded.len() > MAX_FRAGMENT_BYTES {
        return Err(ShareError::TooLarge(MAX_FRAGMENT_BYTES));
    }
    let compressed = URL_SAFE_NO_PAD
        .decode(encoded.trim_end_matches('='))
        .map_err(|e| ShareError::Damaged(format!("not base64url: {e}")))?;
    let mut json = String::new();
    flate2::read::DeflateDecoder::new(compressed.as_slice())
        .take(MAX_INFLATED_BYTES as u64 + 1)
        .read_to_string(&mut json)
        .map_err(|e| ShareError::Damaged(format!("not compressed audit JSON: {e}")))?;
    if json.len() > MAX_INFLATED_BYTES {
        return Err(ShareError::TooLarge(MAX_INFLATED_BYTES));
    }
    Audit::from_json_limited(&json, MAX_INFLATED_BYTES).map_err(ShareError::Invalid)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::audit::Criteria;
    use crate::junit::read_report;
    use crate::Analysis;

    /// Audit JSON as a fragment: raw DEFLATE by flate2 at `level`, then [`fragment_of`].
    fn fragment_at(json: &str, level: flate2::Compression) -> String {
        let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), level);
        encoder.write_all(json.as_bytes()).expect("in memory");
        fragment_of(&encoder.finish().expect("in memory"))
    }

    /// Audit JSON as a fragment, at flate2's best level.
    fn encode_fragment(json: &str) -> String {
        fragment_at(json, flate2::Compression::best())
    }

    /// [`ShareFitting`] run to its end with [`encode_fragment`].
    fn share_fragment(audit: &Audit, privacy: Privacy, budget: usize) -> (String, Fit) {
        let (mut fitting, mut json) = ShareFitting::start(audit.clone(), privacy, budget);
        loop {
            match fitting.offer(encode_fragment(&json)) {
                Ok(done) => return done,
                Err(next) => json = next,
            }
        }
    }

    fn audit() -> Audit {
        let reads = (0..5).map(|r| {
            let xml = format!(
                r#"<testsuite name="s"><testcase name="t"><failure message="m{r}">{}</failure></testcase><testcase name="u"/></testsuite>"#,
                "trace line\n".repeat(50)
            );
            read_report(&format!("r{r}.xml"), xml.as_bytes())
        });
        Audit::new(
            Analysis::from_reads(reads),
            Criteria::default(),
            Privacy::default(),
        )
    }

    #[test]
    fn round_trip() {
        let a = audit();
        let fragment = encode_fragment(&a.to_json());
        assert!(fragment.starts_with("audit="));
        assert!(fragment[6..]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        let back = decode_fragment(&format!("#view=tests&{fragment}")).expect("decodes");
        assert_eq!(back.to_json(), a.to_json());
    }

    #[test]
    fn too_large_links_strip_then_give_up() {
        let a = audit();
        let (whole, fit) = share_fragment(&a, Privacy::default(), usize::MAX);
        assert_eq!(fit, Fit::Whole);
        let (stripped, fit) = share_fragment(&a, Privacy::default(), whole.len() - 1);
        assert_eq!(fit, Fit::Stripped);
        let back = decode_fragment(&stripped).expect("decodes");
        assert!(!back.privacy.messages && !back.privacy.output);
        assert!(!back.to_json().contains("trace line"));
        let (_, fit) = share_fragment(&a, Privacy::default(), 10);
        assert_eq!(fit, Fit::TooLarge);
    }

    /// Another compressor (here flate2 at its fastest level, not the best that
    /// `encode_fragment` uses) fits the same way, and its links read back.
    #[test]
    fn fitting_takes_any_raw_deflate() {
        let fast = |json: &str| fragment_at(json, flate2::Compression::fast());
        let a = audit();
        let (mut fitting, json) = ShareFitting::start(a.clone(), Privacy::default(), usize::MAX);
        let (whole, fit) = fitting.offer(fast(&json)).expect("fits whole");
        assert_eq!(fit, Fit::Whole);
        assert_eq!(
            decode_fragment(&whole).expect("decodes").to_json(),
            a.to_json()
        );
        // One byte short of the whole link: the stripped JSON is asked for, then taken.
        let (mut fitting, json) =
            ShareFitting::start(a.clone(), Privacy::default(), whole.len() - 1);
        let stripped_json = fitting.offer(fast(&json)).expect_err("does not fit whole");
        assert!(!stripped_json.contains("trace line"));
        let (stripped, fit) = fitting.offer(fast(&stripped_json)).expect("taken");
        assert_eq!(fit, Fit::Stripped);
        assert!(
            !decode_fragment(&stripped)
                .expect("decodes")
                .privacy
                .messages
        );
        // Nothing fits: the stripped link is given, as too large.
        let (mut fitting, json) = ShareFitting::start(a.clone(), Privacy::default(), 10);
        let stripped_json = fitting.offer(fast(&json)).expect_err("does not fit whole");
        let (_, fit) = fitting.offer(fast(&stripped_json)).expect("taken");
        assert_eq!(fit, Fit::TooLarge);
        // Asked for without messages and output, a link that does not fit is too large at
        // once: there is nothing left to strip.
        let none = Privacy {
            messages: false,
            output: false,
        };
        let (mut fitting, json) = ShareFitting::start(a.clone(), none, 10);
        let (_, fit) = fitting.offer(fast(&json)).expect("taken at once");
        assert_eq!(fit, Fit::TooLarge);
        let (mut fitting, json) = ShareFitting::start(a, none, usize::MAX);
        assert_eq!(fitting.offer(fast(&json)).expect("taken").1, Fit::Whole);
    }

    #[test]
    fn hostile_fragments_are_errors() {
        assert_eq!(decode_fragment("#view=tests"), Err(ShareError::Missing));
        assert!(matches!(
            decode_fragment("audit=%%%"),
            Err(ShareError::Damaged(_))
        ));
        assert!(matches!(
            decode_fragment("audit=AAAA"),
            Err(ShareError::Damaged(_))
        ));
        // Valid compression of something that is not an audit.
        let not_audit = encode_fragment(r#"{"schema": "evil", "x": "<script>alert(1)</script>"}"#);
        assert!(matches!(
            decode_fragment(&not_audit),
            Err(ShareError::Invalid(_))
        ));
        // A bomb: 64 MiB of zeros compresses to a few KB but must not be inflated whole.
        let bomb = encode_fragment(&" ".repeat(64 << 20));
        assert!(bomb.len() < 200_000);
        assert_eq!(
            decode_fragment(&bomb),
            Err(ShareError::TooLarge(MAX_INFLATED_BYTES))
        );
    }
}
