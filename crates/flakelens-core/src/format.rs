//! Number formatting shared by the page and the CLI, so both show the same figures.

/// Formats a ratio in \[0, 1\] as a percentage with one decimal, such as `85.0%`; `n/a` for
/// `None`. Ties round away from zero (`0.0625` → `6.3%`), as JavaScript's `toFixed` does.
///
/// ```
/// use flakelens_core::format::percent;
/// assert_eq!(percent(Some(0.85)), "85.0%");
/// assert_eq!(percent(Some(1.0 / 3.0)), "33.3%");
/// assert_eq!(percent(None), "n/a");
/// ```
pub fn percent(ratio: Option<f64>) -> String {
    match ratio {
        Some(r) => format!("{:.1}%", (r * 1000.0).round() / 10.0),
        None => "n/a".to_owned(),
    }
}

/// Formats a confidence level such as 0.95 as `95%` (one decimal only when needed: `99.5%`).
///
/// ```
/// use flakelens_core::format::confidence;
/// assert_eq!(confidence(0.95), "95%");
/// assert_eq!(confidence(0.995), "99.5%");
/// ```
pub fn confidence(level: f64) -> String {
    let tenths = (level * 1000.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0}%")
    } else {
        format!("{tenths:.1}%")
    }
}

/// Formats seconds for people: `0.042 s`, `12.3 s`, `4 min 05 s`.
///
/// ```
/// use flakelens_core::format::seconds;
/// assert_eq!(seconds(0.0421), "0.042 s");
/// assert_eq!(seconds(12.34), "12.3 s");
/// assert_eq!(seconds(245.0), "4 min 05 s");
/// ```
pub fn seconds(value: f64) -> String {
    if value < 10.0 {
        format!("{value:.3} s")
    } else if value < 60.0 {
        format!("{value:.1} s")
    } else {
        let whole = value.round() as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounds_ties_up() {
        assert_eq!(percent(Some(0.0625)), "6.3%");
        assert_eq!(percent(Some(0.0)), "0.0%");
        assert_eq!(percent(Some(1.0)), "100.0%");
    }
}
