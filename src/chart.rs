//! Scale maths for the page's SVG charts: plain Rust with native unit tests, so the views only
//! place what these functions compute.

/// The smallest "nice" step (1, 2 or 5 times a power of ten) that is at least `raw`; 1 for a
/// `raw` that is not a positive finite number.
pub fn nice_step(raw: f64) -> f64 {
    if !raw.is_finite() || raw <= 0.0 {
        return 1.0;
    }
    let magnitude = 10f64.powf(raw.log10().floor());
    let fraction = raw / magnitude;
    let nice = if fraction <= 1.0 {
        1.0
    } else if fraction <= 2.0 {
        2.0
    } else if fraction <= 5.0 {
        5.0
    } else {
        10.0
    };
    nice * magnitude
}

/// Tick values for an axis of counts from 0 to at least `max`: about `target` steps of a nice
/// whole number (never less than 1), the last tick at or above `max`. Always at least two
/// ticks, so an all-zero chart still has a scale (0 and 1).
pub fn count_ticks(max: u64, target: u32) -> Vec<u64> {
    let steps = f64::from(target.max(1));
    // Counts are far below 2^53, so the conversions are exact.
    let step = nice_step(max as f64 / steps).max(1.0).round() as u64;
    let mut ticks = vec![0];
    let mut value = 0;
    while value < max || ticks.len() < 2 {
        value += step;
        ticks.push(value);
    }
    ticks
}

/// The length of a bar for `value` on a scale from 0 to `max` drawn `width` long, clamped to
/// \[0, `width`\]; 0 when `max` is not positive.
pub fn bar_width(value: f64, max: f64, width: f64) -> f64 {
    if max.is_nan() || max <= 0.0 || !value.is_finite() {
        return 0.0;
    }
    (value / max).clamp(0.0, 1.0) * width
}

/// `text` cut to at most `max` characters, with an ellipsis when cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps() {
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(1.2), 2.0);
        assert_eq!(nice_step(2.5), 5.0);
        assert_eq!(nice_step(7.0), 10.0);
        assert_eq!(nice_step(23.0), 50.0);
        assert_eq!(nice_step(0.0), 1.0);
        assert_eq!(nice_step(f64::NAN), 1.0);
    }

    #[test]
    fn count_ticks_cover_the_maximum_in_whole_steps() {
        // Everything zero: still a 0..1 scale.
        assert_eq!(count_ticks(0, 4), vec![0, 1]);
        // max 1 over 4 steps: a raw step of 0.25 becomes 1 (counts are whole).
        assert_eq!(count_ticks(1, 4), vec![0, 1]);
        assert_eq!(count_ticks(3, 4), vec![0, 1, 2, 3]);
        // 9 / 4 = 2.25 -> step 5: 0, 5, 10.
        assert_eq!(count_ticks(9, 4), vec![0, 5, 10]);
        // 20 / 4 = 5 -> step 5.
        assert_eq!(count_ticks(20, 4), vec![0, 5, 10, 15, 20]);
        // 1234 / 4 = 308.5 -> step 500.
        assert_eq!(count_ticks(1234, 4), vec![0, 500, 1000, 1500]);
    }

    #[test]
    fn bars_scale_and_clamp() {
        assert_eq!(bar_width(1.0, 4.0, 400.0), 100.0);
        assert_eq!(bar_width(4.0, 4.0, 400.0), 400.0);
        assert_eq!(bar_width(0.0, 4.0, 400.0), 0.0);
        assert_eq!(bar_width(9.0, 4.0, 400.0), 400.0);
        assert_eq!(bar_width(-1.0, 4.0, 400.0), 0.0);
        assert_eq!(bar_width(1.0, 0.0, 400.0), 0.0);
        assert_eq!(bar_width(f64::NAN, 4.0, 400.0), 0.0);
    }

    #[test]
    fn truncation() {
        assert_eq!(truncate("Network", 10), "Network");
        assert_eq!(truncate("Fixture / test-order", 10), "Fixture /…");
        assert_eq!(truncate("ééééé", 5), "ééééé");
    }
}
