//! Lenient readers for attribute values that producers write in many forms.

/// What [`parse_seconds`] made of a `time` attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum SecondsValue {
    /// A plain decimal number of seconds, read as written.
    Exact(f64),
    /// A number read after reinterpreting the text; the note says how (for a diagnostic).
    Reinterpreted(f64, String),
    /// Empty or unreadable; the note says why (for a diagnostic), `None` for an empty value.
    Unreadable(Option<String>),
}

/// Reads a duration in seconds from a JUnit `time` attribute.
///
/// Accepted forms, and what each becomes (seconds):
/// - a plain decimal or scientific number: `0.5`, `4.5e-05`;
/// - a thousands separator before a decimal point: `1,234.5` → 1234.5 (older Surefire);
/// - a decimal comma with no point: `0,03` → 0.03 (locale-formatted Surefire and TestNG);
/// - a unit suffix: `80.803us` → 8.0803e-5, `12ms` → 0.012, `3s` → 3 (Kotlin `Duration`);
///
/// Every form but the first is [`SecondsValue::Reinterpreted`]. A negative value is kept
/// as written and reported as reinterpreted so the caller flags it. An empty value, or one
/// that is none of these, is [`SecondsValue::Unreadable`]; the result is never NaN or
/// infinite.
pub fn parse_seconds(raw: &str) -> SecondsValue {
    let text = raw.trim();
    if text.is_empty() {
        return SecondsValue::Unreadable(None);
    }
    if let Some(v) = plain_number(text) {
        return if v < 0.0 {
            SecondsValue::Reinterpreted(v, format!("negative time \"{raw}\" kept as {v} s"))
        } else {
            SecondsValue::Exact(v)
        };
    }
    if is_thousands_grouped(text) {
        if let Some(v) = plain_number(&text.replace(',', "")) {
            return SecondsValue::Reinterpreted(
                v,
                format!("time \"{raw}\" read as {v} s (',' as a thousands separator)"),
            );
        }
    }
    if text.matches(',').count() == 1 && !text.contains('.') {
        if let Some(v) = plain_number(&text.replace(',', ".")) {
            return SecondsValue::Reinterpreted(
                v,
                format!("time \"{raw}\" read as {v} s (',' as a decimal separator)"),
            );
        }
    }
    for (suffix, scale) in [("us", 1e-6), ("µs", 1e-6), ("ms", 1e-3), ("s", 1.0)] {
        if let Some(number) = text.strip_suffix(suffix) {
            if let Some(v) = plain_number(number.trim_end()) {
                let seconds = v * scale;
                return SecondsValue::Reinterpreted(
                    seconds,
                    format!("time \"{raw}\" read as {seconds} s (unit suffix '{suffix}')"),
                );
            }
        }
    }
    SecondsValue::Unreadable(Some(format!(
        "time \"{raw}\" is not a number of seconds; the time is unknown"
    )))
}

/// A finite `f64` written with ASCII digits, an optional sign, point and exponent.
fn plain_number(text: &str) -> Option<f64> {
    let ok = !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'))
        && text.bytes().any(|b| b.is_ascii_digit());
    if !ok {
        return None;
    }
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// `^\d{1,3}(,\d{3})+(\.\d+)?$`: digits grouped by commas in threes, then an optional fraction.
fn is_thousands_grouped(text: &str) -> bool {
    let (whole, fraction) = match text.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (text, None),
    };
    if fraction.is_some_and(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let mut groups = whole.split(',');
    let first_ok = groups
        .next()
        .is_some_and(|g| (1..=3).contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit()));
    let rest: Vec<&str> = groups.collect();
    first_ok
        && !rest.is_empty()
        && rest
            .iter()
            .all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
        // "1,234" alone is ambiguous (1.234 in a comma-decimal locale); only a trailing
        // fraction makes the comma a thousands separator for certain.
        && fraction.is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seconds(raw: &str) -> Option<f64> {
        match parse_seconds(raw) {
            SecondsValue::Exact(v) | SecondsValue::Reinterpreted(v, _) => Some(v),
            SecondsValue::Unreadable(_) => None,
        }
    }

    #[test]
    fn plain_values_are_exact() {
        assert_eq!(parse_seconds("0.5"), SecondsValue::Exact(0.5));
        assert_eq!(parse_seconds("33"), SecondsValue::Exact(33.0));
        assert_eq!(
            parse_seconds("4.50611114501953e-05"),
            SecondsValue::Exact(4.50611114501953e-05)
        );
    }

    #[test]
    fn locale_and_unit_forms_are_reinterpreted() {
        // Values worked out by hand from the examples.
        assert_eq!(seconds("1,234.5"), Some(1234.5));
        assert_eq!(seconds("2,120.532"), Some(2120.532));
        assert_eq!(seconds("0,03"), Some(0.03));
        assert!((seconds("80.803us").unwrap_or(0.0) - 8.0803e-5).abs() < 1e-12);
        assert_eq!(seconds("12ms"), Some(0.012));
        assert!(matches!(
            parse_seconds("0,03"),
            SecondsValue::Reinterpreted(..)
        ));
    }

    #[test]
    fn unreadable_values_are_never_nan() {
        assert_eq!(parse_seconds(""), SecondsValue::Unreadable(None));
        assert!(matches!(
            parse_seconds("<<computed>>"),
            SecondsValue::Unreadable(Some(_))
        ));
        assert!(matches!(parse_seconds("NaN"), SecondsValue::Unreadable(_)));
        assert!(matches!(parse_seconds("inf"), SecondsValue::Unreadable(_)));
        assert!(matches!(
            parse_seconds("1e999"),
            SecondsValue::Unreadable(_)
        ));
        // Ambiguous grouping without a fraction is not guessed.
        assert!(matches!(
            parse_seconds("1,234,5"),
            SecondsValue::Unreadable(_)
        ));
    }

    #[test]
    fn negative_time_is_kept_and_flagged() {
        assert!(matches!(
            parse_seconds("-0.1"),
            SecondsValue::Reinterpreted(v, _) if v == -0.1
        ));
    }
}
