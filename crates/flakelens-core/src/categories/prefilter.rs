//! Literal prefilters: a cheap test that rules a regex out before the regex engine runs.
//!
//! `regex-lite` has no literal optimizations: its PikeVM walks every byte of every text
//! with every rule, which was most of the analysis time. Most rules are alternations of
//! literals (`ECONNREFUSED|Connection refused|...`), and most failure texts contain none of
//! them. [`Prefilter::of`] reads a pattern (already compiled, so known to be valid
//! `regex-lite` syntax) and derives *needles*: literal strings such that every match of the
//! pattern contains at least one of them. A text that contains no needle cannot match, and
//! the regex is not run; otherwise the regex decides, so results never change.
//!
//! The derivation is conservative: any construct it does not model (verbose mode, hex
//! escapes, `\b{..}`) gives no prefilter, and case-insensitivity anywhere in the pattern
//! makes every needle case-insensitive (ASCII only, as `regex-lite`'s `(?i)` is).

use memchr::memmem::Finder;

/// Needles of one pattern: a match contains at least one of them.
#[derive(Debug, Clone)]
pub(crate) struct Prefilter {
    /// Needles are lowercase and searched in the ASCII-lowercased text.
    case_insensitive: bool,
    finders: Vec<Finder<'static>>,
}

impl Prefilter {
    /// The prefilter of a valid `regex-lite` pattern, or `None` when no literal is required.
    pub(crate) fn of(pattern: &str) -> Option<Prefilter> {
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            at: 0,
            case_insensitive: false,
        };
        let req = parser.alternation()?;
        if parser.at != parser.chars.len() {
            return None;
        }
        let needles = req.best()?;
        if needles.is_empty() || needles.iter().any(String::is_empty) {
            return None;
        }
        let case_insensitive = parser.case_insensitive;
        let finders = needles
            .iter()
            .map(|n| {
                let n = if case_insensitive {
                    n.to_ascii_lowercase()
                } else {
                    n.clone()
                };
                Finder::new(n.as_bytes()).into_owned()
            })
            .collect();
        Some(Prefilter {
            case_insensitive,
            finders,
        })
    }

    /// True when the pattern needs the ASCII-lowercased text.
    pub(crate) fn case_insensitive(&self) -> bool {
        self.case_insensitive
    }

    /// False when `text` cannot match. `text` must be ASCII-lowercased when
    /// [`Prefilter::case_insensitive`] holds.
    pub(crate) fn may_match(&self, text: &str) -> bool {
        let bytes = text.as_bytes();
        self.finders.iter().any(|f| f.find(bytes).is_some())
    }
}

/// What a sub-pattern guarantees about every text it matches.
#[derive(Debug, Clone, Default)]
struct Req {
    /// The one string it always matches (zero-width assertions match ""), if it is fixed.
    exact: Option<String>,
    /// Every match contains one of these; `None` when nothing is guaranteed.
    any_of: Option<Vec<String>>,
}

impl Req {
    fn opaque() -> Req {
        Req::default()
    }

    fn exact(s: String) -> Req {
        Req {
            any_of: (!s.is_empty()).then(|| vec![s.clone()]),
            exact: Some(s),
        }
    }

    /// The needles this requirement gives, preferring the fixed string.
    fn best(&self) -> Option<Vec<String>> {
        match (&self.exact, &self.any_of) {
            (Some(s), _) if !s.is_empty() => Some(vec![s.clone()]),
            (_, Some(set)) if !set.is_empty() && set.iter().all(|s| !s.is_empty()) => {
                Some(set.clone())
            }
            _ => None,
        }
    }
}

/// Better needles: the shortest needle longer, then fewer needles.
fn better(a: &[String], b: &[String]) -> bool {
    let shortest = |s: &[String]| s.iter().map(String::len).min().unwrap_or(0);
    (shortest(a), std::cmp::Reverse(a.len())) > (shortest(b), std::cmp::Reverse(b.len()))
}

struct Parser {
    chars: Vec<char>,
    at: usize,
    case_insensitive: bool,
}

impl Parser {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.at).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.at + offset).copied()
    }

    /// `a|b|c` up to the end or a closing `)`. `None`: a construct that is not modelled.
    fn alternation(&mut self) -> Option<Req> {
        let mut branches = vec![self.concatenation()?];
        while self.peek() == Some('|') {
            self.at += 1;
            branches.push(self.concatenation()?);
        }
        if branches.len() == 1 {
            return branches.pop();
        }
        let mut union = Vec::new();
        for b in &branches {
            match b.best() {
                Some(needles) => union.extend(needles),
                None => return Some(Req::opaque()),
            }
        }
        Some(Req {
            exact: None,
            any_of: Some(union),
        })
    }

    fn concatenation(&mut self) -> Option<Req> {
        let mut exact = Some(String::new());
        let mut run = String::new();
        let mut best: Option<Vec<String>> = None;
        let consider = |candidate: Vec<String>, best: &mut Option<Vec<String>>| {
            if candidate.is_empty() || candidate.iter().any(String::is_empty) {
                return;
            }
            if best.as_ref().is_none_or(|b| better(&candidate, b)) {
                *best = Some(candidate);
            }
        };
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            let atom = self.atom()?;
            let min = self.quantifier()?;
            let atom = match min {
                None => atom,
                // Repeated: one copy at least when min >= 1, but no longer a fixed string.
                Some(m) if m >= 1 => Req {
                    exact: None,
                    any_of: atom.best(),
                },
                Some(_) => Req::opaque(),
            };
            match &atom.exact {
                Some(s) => {
                    run.push_str(s);
                    if let Some(e) = exact.as_mut() {
                        e.push_str(s);
                    }
                }
                None => {
                    exact = None;
                    if !run.is_empty() {
                        consider(vec![std::mem::take(&mut run)], &mut best);
                    }
                    if let Some(set) = atom.any_of {
                        consider(set, &mut best);
                    }
                }
            }
        }
        if !run.is_empty() {
            consider(vec![run], &mut best);
        }
        Some(Req {
            exact,
            any_of: best,
        })
    }

    /// A quantifier after an atom: `Some(Some(min))`, `Some(None)` when there is none, and
    /// `None` for a form that is not modelled.
    fn quantifier(&mut self) -> Option<Option<u32>> {
        let min = match self.peek() {
            Some('?') | Some('*') => {
                self.at += 1;
                Some(0)
            }
            Some('+') => {
                self.at += 1;
                Some(1)
            }
            Some('{') => {
                self.at += 1;
                let start = self.at;
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.at += 1;
                }
                let min: u32 = self.chars[start..self.at]
                    .iter()
                    .collect::<String>()
                    .parse()
                    .ok()?;
                while self.peek().is_some_and(|c| c.is_ascii_digit() || c == ',') {
                    self.at += 1;
                }
                if self.peek() != Some('}') {
                    return None;
                }
                self.at += 1;
                Some(min)
            }
            _ => return Some(None),
        };
        // Lazy forms (`??`, `*?`, `+?`, `{n}?`) match the same texts.
        if self.peek() == Some('?') {
            self.at += 1;
        }
        if matches!(self.peek(), Some('?' | '*' | '+' | '{')) {
            return None;
        }
        Some(min)
    }

    fn atom(&mut self) -> Option<Req> {
        let c = self.peek()?;
        self.at += 1;
        match c {
            '(' => self.group(),
            '[' => {
                self.class()?;
                Some(Req::opaque())
            }
            '.' => Some(Req::opaque()),
            '^' | '$' => Some(Req::exact(String::new())),
            '\\' => self.escape(),
            '?' | '*' | '+' | '{' | ')' | '|' => None,
            other => Some(Req::exact(other.to_string())),
        }
    }

    fn group(&mut self) -> Option<Req> {
        if self.peek() == Some('?') {
            self.at += 1;
            match self.peek() {
                Some('P') if self.peek_at(1) == Some('<') => {
                    self.skip_name()?;
                }
                Some('<') => {
                    self.skip_name()?;
                }
                _ => {
                    // Flags: `(?flags)` or `(?flags:...)`.
                    loop {
                        match self.peek()? {
                            'x' => return None,
                            'i' => {
                                self.case_insensitive = true;
                                self.at += 1;
                            }
                            c if c.is_ascii_alphabetic() || c == '-' => self.at += 1,
                            ')' => {
                                self.at += 1;
                                return Some(Req::exact(String::new()));
                            }
                            ':' => {
                                self.at += 1;
                                break;
                            }
                            _ => return None,
                        }
                    }
                }
            }
        }
        let inner = self.alternation()?;
        if self.peek() != Some(')') {
            return None;
        }
        self.at += 1;
        Some(inner)
    }

    /// Skips `P<name>` or `<name>` of a named group.
    fn skip_name(&mut self) -> Option<()> {
        while self.peek()? != '>' {
            self.at += 1;
        }
        self.at += 1;
        Some(())
    }

    /// Skips a bracketed class (the `[` is consumed). `regex-lite` has no nested classes,
    /// only POSIX names like `[:alpha:]` inside.
    fn class(&mut self) -> Option<()> {
        if self.peek() == Some('^') {
            self.at += 1;
        }
        while self.peek() == Some('-') {
            self.at += 1;
        }
        if self.peek() == Some(']') {
            self.at += 1;
        }
        loop {
            match self.peek()? {
                '\\' => self.at += 2,
                '[' if self.peek_at(1) == Some(':') => {
                    self.at += 2;
                    while !(self.peek()? == ':' && self.peek_at(1) == Some(']')) {
                        self.at += 1;
                    }
                    self.at += 2;
                }
                ']' => {
                    self.at += 1;
                    return Some(());
                }
                _ => self.at += 1,
            }
        }
    }

    fn escape(&mut self) -> Option<Req> {
        let c = self.peek()?;
        self.at += 1;
        let literal = |c: char| Some(Req::exact(c.to_string()));
        match c {
            'd' | 'D' | 's' | 'S' | 'w' | 'W' => Some(Req::opaque()),
            'b' if self.peek() == Some('{') => None,
            'b' | 'B' | 'A' | 'z' | '<' | '>' => Some(Req::exact(String::new())),
            'n' => literal('\n'),
            't' => literal('\t'),
            'r' => literal('\r'),
            'f' => literal('\x0C'),
            'v' => literal('\x0B'),
            'a' => literal('\x07'),
            c if c.is_ascii() && !c.is_ascii_alphanumeric() => literal(c),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles(pattern: &str) -> Option<(bool, Vec<String>)> {
        let mut parser = Parser {
            chars: pattern.chars().collect(),
            at: 0,
            case_insensitive: false,
        };
        let req = parser.alternation()?;
        Some((parser.case_insensitive, req.best()?))
    }

    #[test]
    fn literals_and_alternations() {
        assert_eq!(needles("abc"), Some((false, vec!["abc".into()])));
        assert_eq!(
            needles(r"(?i)\bDST\b|daylight saving"),
            Some((true, vec!["DST".into(), "daylight saving".into()]))
        );
        // The longest fixed run of a concatenation.
        assert_eq!(
            needles(r"Timeout of \d+ ?ms exceeded"),
            Some((false, vec!["Timeout of ".into()]))
        );
        assert_eq!(
            needles(r"new Thread\(|go func\("),
            Some((false, vec!["new Thread(".into(), "go func(".into()]))
        );
        // A required group wins over a shorter fixed run.
        assert_eq!(
            needles(r"(memory|handle) leak"),
            Some((false, vec!["memory".into(), "handle".into()]))
        );
    }

    #[test]
    fn no_prefilter_when_nothing_is_required() {
        assert_eq!(needles("a|b?"), None);
        assert_eq!(needles(r"\d+"), None);
        assert_eq!(needles(".*"), None);
        assert!(Prefilter::of("(?x) a b").is_none());
        assert!(Prefilter::of(r"\x41").is_none());
        assert!(Prefilter::of("abc|").is_none());
    }

    #[test]
    fn optional_parts_are_not_required() {
        // "(is )?" may be absent, so it breaks the fixed run: "disk " and "full" are the
        // candidates, the longer wins.
        assert_eq!(
            needles(r"disk (is )?full"),
            Some((false, vec!["disk ".into()]))
        );
        assert_eq!(needles(r"ab{0,3}"), Some((false, vec!["a".into()])));
    }

    #[test]
    fn flags_anywhere_make_needles_case_insensitive() {
        let p = Prefilter::of("quickcheck|(?i)random seed").expect("a prefilter");
        assert!(p.case_insensitive());
        assert!(p.may_match("a random seed"));
        assert!(p.may_match("quickcheck"));
        assert!(!p.may_match("nothing here"));
    }

    #[test]
    fn classes_are_skipped() {
        assert_eq!(
            needles(r"fixture '[^']+' not found"),
            Some((false, vec!["' not found".into()]))
        );
        assert_eq!(
            needles(r"[[:alpha:]\]]x(yz)"),
            Some((false, vec!["xyz".into()]))
        );
    }

    #[test]
    fn every_default_text_rule_has_a_prefilter() {
        for rule in crate::categories::default_rules() {
            for pattern in [
                &rule.message,
                &rule.body,
                &rule.failure_type,
                &rule.system_err,
            ]
            .into_iter()
            .flatten()
            {
                assert!(Prefilter::of(pattern).is_some(), "{}: {pattern}", rule.name);
            }
        }
    }

    /// Pieces of the default patterns (split at metacharacters), digits and punctuation:
    /// texts built from them often match.
    fn fragments() -> Vec<String> {
        let mut out: Vec<String> = vec![
            " ".into(),
            "7".into(),
            "42".into(),
            "(".into(),
            ")".into(),
            "'".into(),
            ":".into(),
            "\n".into(),
        ];
        for rule in crate::categories::default_rules() {
            for pattern in [&rule.message, &rule.body].into_iter().flatten() {
                for piece in pattern.split(|c: char| "|()?*+[]\\{}^$.".contains(c)) {
                    if !piece.is_empty() {
                        out.push(piece.to_owned());
                    }
                }
            }
        }
        out
    }

    proptest::proptest! {
        /// The prefilter never rules out a text the regex matches.
        #[test]
        fn never_rules_out_a_match(
            picks in proptest::collection::vec((0usize..10_000, proptest::bool::ANY), 0..12)
        ) {
            let fragments = fragments();
            let text: String = picks
                .iter()
                .map(|&(i, upper)| {
                    let f = &fragments[i % fragments.len()];
                    if upper { f.to_ascii_uppercase() } else { f.to_ascii_lowercase() }
                })
                .collect();
            for rule in crate::categories::default_rules() {
                for pattern in [&rule.message, &rule.body].into_iter().flatten() {
                    let regex = regex_lite::Regex::new(pattern).expect("defaults compile");
                    if let (true, Some(p)) = (regex.is_match(&text), Prefilter::of(pattern)) {
                        let hay = if p.case_insensitive() { text.to_ascii_lowercase() } else { text.clone() };
                        proptest::prop_assert!(p.may_match(&hay), "{pattern} on {text:?}");
                    }
                }
            }
        }
    }
}
