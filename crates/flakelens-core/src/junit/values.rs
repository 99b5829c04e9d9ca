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
#[inline]
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
#[inline]
fn plain_number(text: &str) -> Option<f64> {
    if let Some(v) = short_decimal(text) {
        return Some(v);
    }
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

/// `digits[.digits]` with at most 15 digits in all, as `str::parse::<f64>` reads it, without
/// its general machinery: such a number is an integer below 2^53 divided by a power of ten
/// below 10^22, both exact in an `f64`, so one division gives the correctly rounded value
/// (Clinger's fast path: W. D. Clinger, "How to Read Floating Point Numbers Accurately",
/// PLDI 1990). `None` for anything else. Most `time` attributes look like `0.123`.
#[inline]
fn short_decimal(text: &str) -> Option<f64> {
    const POWERS_OF_TEN: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (whole, fraction) = match text.split_once('.') {
        Some((whole, fraction)) => (whole, fraction),
        None => (text, ""),
    };
    let digits = whole.len() + fraction.len();
    if whole.is_empty() || digits > 15 {
        return None;
    }
    let mut mantissa: u64 = 0;
    for b in whole.bytes().chain(fraction.bytes()) {
        if !b.is_ascii_digit() {
            return None;
        }
        mantissa = mantissa * 10 + u64::from(b - b'0');
    }
    // Below 10^15, so exact as an f64.
    Some(mantissa as f64 / POWERS_OF_TEN[fraction.len()])
}

/// `^\d{1,3}(,\d{3})+(\.\d+)?$`: digits grouped by commas in threes, then an optional fraction.
#[inline]
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

    proptest::proptest! {
        /// The short path reads exactly what `str::parse` reads, bit for bit, where it
        /// answers; and it answers for every plain decimal of up to 15 digits.
        #[test]
        fn short_decimals_read_as_parse_reads_them(
            whole in "[0-9]{1,15}",
            fraction in proptest::option::of("[0-9]{0,15}"),
        ) {
            let text = match &fraction {
                Some(f) => format!("{whole}.{f}"),
                None => whole.clone(),
            };
            let expected: f64 = text.parse().expect("digits with at most one point");
            match short_decimal(&text) {
                Some(v) => proptest::prop_assert_eq!(v.to_bits(), expected.to_bits(), "{}", text),
                None => proptest::prop_assert!(text.len() - usize::from(fraction.is_some()) > 15),
            }
        }

        /// Anything else is left to `str::parse`. (It says nothing when the short path
        /// declines: `short_decimals_read_as_parse_reads_them` checks where it must answer.)
        #[test]
        fn short_decimals_refuse_the_rest(text in "[-+eE.0-9 ,]{0,20}") {
            if let Some(v) = short_decimal(&text) {
                proptest::prop_assert_eq!(Some(v.to_bits()), text.parse::<f64>().ok().map(f64::to_bits));
                proptest::prop_assert!(text.bytes().all(|b| b.is_ascii_digit() || b == b'.'));
            }
        }
    }

    #[test]
    fn short_decimals_by_hand() {
        assert_eq!(short_decimal("0.123"), Some(0.123));
        assert_eq!(short_decimal("12"), Some(12.0));
        assert_eq!(short_decimal("1."), Some(1.0));
        assert_eq!(
            short_decimal("999999999999999"),
            Some(999_999_999_999_999.0)
        );
        for refused in [
            "",
            ".5",
            "-1",
            "1e3",
            "1.2.3",
            "1,5",
            "1234567890123456",
            " 1",
        ] {
            assert_eq!(short_decimal(refused), None, "{refused}");
        }
    }

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

/// A run or testcase timestamp, as read from a report.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Timestamp {
    /// ISO 8601: `YYYY-MM-DDTHH:MM:SS[.fff]`, followed by the UTC offset (`+01:00`, or `Z`)
    /// when the report gave one.
    pub iso: String,
    /// Minutes east of UTC, or `None` when the report gave no zone (jest-junit, gtest): the
    /// time is then local to the machine that wrote it, and unknown here.
    pub utc_offset_minutes: Option<i32>,
    /// Seconds since 1970-01-01T00:00:00Z, for ordering. A time without a zone is read as if
    /// it were UTC, so compare such times only with each other.
    pub epoch_seconds: f64,
}

/// What [`parse_timestamp`] made of a `timestamp` attribute.
#[derive(Debug, Clone, PartialEq)]
pub enum TimestampValue {
    /// ISO 8601 / RFC 3339, with or without a zone, read as written.
    Exact(Timestamp),
    /// Read after reinterpreting the text (RFC 1123, a date alone, a space for the `T`); the
    /// note says how.
    Reinterpreted(Timestamp, String),
    /// Not a time, or Go's zero time `0001-01-01T00:00:00Z` (which means "unknown"); the note
    /// says why.
    Unreadable(String),
}

/// Reads a timestamp in the forms producers write: RFC 3339 (`2024-01-09T07:50:12.664+00:00`,
/// `...Z`), ISO 8601 without a zone (`2008-04-23T13:25:46`, jest-junit and gtest), RFC 1123 /
/// RFC 2822 (`Sat, 03 Dec 2022 23:10:07 GMT`, mocha), a date alone, and a space instead of the
/// `T`. Source of the forms: RFC 3339 §5.6, RFC 2822 §3.3.
pub fn parse_timestamp(raw: &str) -> TimestampValue {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    let text = raw.trim();
    if text.is_empty() {
        return TimestampValue::Unreadable("empty timestamp".to_owned());
    }
    let zoned = |dt: DateTime<chrono::FixedOffset>| {
        let offset = dt.offset().local_minus_utc() / 60;
        Timestamp {
            iso: dt.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
            utc_offset_minutes: Some(offset),
            epoch_seconds: dt.timestamp() as f64 + f64::from(dt.timestamp_subsec_micros()) / 1e6,
        }
    };
    let naive = |dt: NaiveDateTime| {
        let utc = dt.and_utc();
        Timestamp {
            iso: format!("{dt:?}"),
            utc_offset_minutes: None,
            epoch_seconds: utc.timestamp() as f64 + f64::from(utc.timestamp_subsec_micros()) / 1e6,
        }
    };
    if let Ok(dt) = DateTime::parse_from_rfc3339(text) {
        if dt.timestamp() <= -62_135_596_800 {
            return TimestampValue::Unreadable(format!(
                "timestamp \"{raw}\" is the zero time (no timestamp recorded)"
            ));
        }
        return TimestampValue::Exact(zoned(dt));
    }
    // chrono's format parser skips spaces, so rule them out for the exact form.
    if !text.contains(char::is_whitespace) {
        if let Ok(dt) = text.parse::<NaiveDateTime>() {
            return TimestampValue::Exact(naive(dt));
        }
    }
    if let Ok(dt) = DateTime::parse_from_rfc2822(text) {
        return TimestampValue::Reinterpreted(
            zoned(dt),
            format!("timestamp \"{raw}\" read as RFC 1123"),
        );
    }
    let respaced = text.replacen("T ", "T", 1).replacen(' ', "T", 1);
    if respaced != text {
        if let Ok(dt) = DateTime::parse_from_rfc3339(&respaced) {
            return TimestampValue::Reinterpreted(
                zoned(dt),
                format!("timestamp \"{raw}\" is not ISO 8601; read as {respaced}"),
            );
        }
        if let Ok(dt) = respaced.parse::<NaiveDateTime>() {
            return TimestampValue::Reinterpreted(
                naive(dt),
                format!("timestamp \"{raw}\" is not ISO 8601; read as {respaced}"),
            );
        }
    }
    if let Ok(date) = text.parse::<NaiveDate>() {
        if let Some(dt) = date.and_hms_opt(0, 0, 0) {
            return TimestampValue::Reinterpreted(
                naive(dt),
                format!("timestamp \"{raw}\" has no time of day; read as midnight"),
            );
        }
    }
    TimestampValue::Unreadable(format!("timestamp \"{raw}\" is not a date and time"))
}

#[cfg(test)]
mod timestamp_tests {
    use super::*;

    fn exact(raw: &str) -> Timestamp {
        match parse_timestamp(raw) {
            TimestampValue::Exact(t) => t,
            other => panic!("{raw}: {other:?}"),
        }
    }

    #[test]
    fn rfc3339_with_zone() {
        let t = exact("2024-01-09T07:50:12.664+00:00");
        assert_eq!(t.iso, "2024-01-09T07:50:12.664Z");
        assert_eq!(t.utc_offset_minutes, Some(0));
        // 2024-01-09T07:50:12Z is 1704786612 s after the epoch.
        assert!((t.epoch_seconds - 1_704_786_612.664).abs() < 1e-6);
        let t = exact("2022-01-01T01:00:00+01:00");
        assert_eq!(t.utc_offset_minutes, Some(60));
        assert_eq!(t.epoch_seconds, 1_640_995_200.0);
    }

    #[test]
    fn iso_without_zone_is_kept_local() {
        let t = exact("2008-04-23T13:25:46");
        assert_eq!(t.iso, "2008-04-23T13:25:46");
        assert_eq!(t.utc_offset_minutes, None);
    }

    #[test]
    fn rfc1123_and_lenient_forms() {
        match parse_timestamp("Sat, 03 Dec 2022 23:10:07 GMT") {
            TimestampValue::Reinterpreted(t, _) => {
                assert_eq!(t.iso, "2022-12-03T23:10:07Z");
            }
            other => panic!("{other:?}"),
        }
        for raw in ["2024-01-03 12:40:13", "2024-01-03T 12:40:13"] {
            match parse_timestamp(raw) {
                TimestampValue::Reinterpreted(t, _) => assert_eq!(t.iso, "2024-01-03T12:40:13"),
                other => panic!("{raw}: {other:?}"),
            }
        }
        assert!(matches!(
            parse_timestamp("2024-01-03"),
            TimestampValue::Reinterpreted(..)
        ));
    }

    #[test]
    fn fractions_keep_their_precision() {
        // chrono writes 3, 6 or 9 digits, as many as the value needs (its `%.f`).
        for (raw, iso) in [
            ("2008-04-23T13:25:46.5", "2008-04-23T13:25:46.500"),
            ("2008-04-23T13:25:46.026490", "2008-04-23T13:25:46.026490"),
            (
                "2008-04-23T13:25:46.000000001",
                "2008-04-23T13:25:46.000000001",
            ),
            ("2008-04-23T13:25:46.000", "2008-04-23T13:25:46"),
            ("0999-12-31T23:59:59", "0999-12-31T23:59:59"),
        ] {
            assert_eq!(exact(raw).iso, iso, "{raw}");
        }
    }

    proptest::proptest! {
        /// The forms without a zone read as chrono's format strings `%Y-%m-%dT%H:%M:%S%.f`
        /// and `%Y-%m-%d` read and write them (the reference, by a different path of chrono:
        /// the page's worker does not link its format-string machinery).
        #[test]
        fn naive_forms_match_the_format_strings(
            year in 1000i32..3000,
            month in 1u32..=12,
            day in 1u32..=31,
            hour in 0u32..24,
            minute in 0u32..60,
            second in 0u32..60,
            fraction in proptest::option::of("[0-9]{1,9}"),
            separator in proptest::sample::select(vec!["T", " ", "T "]),
        ) {
            use chrono::{NaiveDate, NaiveDateTime};
            const FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.f";
            let fraction = fraction.map(|f| format!(".{f}")).unwrap_or_default();
            let raw = format!(
                "{year:04}-{month:02}-{day:02}{separator}{hour:02}:{minute:02}:{second:02}{fraction}"
            );
            let respaced = raw.replacen("T ", "T", 1).replacen(' ', "T", 1);
            let expected = NaiveDateTime::parse_from_str(&respaced, FORMAT)
                .ok()
                .map(|dt| dt.format(FORMAT).to_string());
            let got = match parse_timestamp(&raw) {
                TimestampValue::Exact(t) => {
                    proptest::prop_assert_eq!(separator, "T");
                    Some(t.iso)
                }
                TimestampValue::Reinterpreted(t, _) => Some(t.iso),
                TimestampValue::Unreadable(_) => None,
            };
            proptest::prop_assert_eq!(got, expected, "{}", raw);
            let date = format!("{year:04}-{month:02}-{day:02}");
            let expected = NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                .ok()
                .map(|d| format!("{}T00:00:00", d.format("%Y-%m-%d")));
            let got = match parse_timestamp(&date) {
                TimestampValue::Reinterpreted(t, _) => Some(t.iso),
                _ => None,
            };
            proptest::prop_assert_eq!(got, expected, "{}", date);
        }
    }

    #[test]
    fn zero_and_garbage_are_unreadable() {
        assert!(matches!(
            parse_timestamp("0001-01-01T00:00:00Z"),
            TimestampValue::Unreadable(_)
        ));
        assert!(matches!(
            parse_timestamp("yesterday"),
            TimestampValue::Unreadable(_)
        ));
    }
}
