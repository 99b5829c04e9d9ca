//! Scale and layout maths for the page's charts and its virtualized table: plain Rust with
//! native unit tests, so the views only place what these functions compute.

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

/// Bars of the flakiness distribution: ten of 10 points each for failure rates in (0%, 100%),
/// as (0–10%], (10–20%], … (90–100%), then one for exactly 100% (broken).
pub const RATE_BINS: usize = 11;

/// The bar of the flakiness distribution for a failure rate: `None` for a test that never
/// failed (0%) or never executed. Rates are compared in whole permille, as the page prints
/// them to one decimal of a percent, so 30% falls in (20–30%] despite floating point.
pub fn rate_bin(rate: Option<f64>) -> Option<usize> {
    let rate = rate.filter(|r| r.is_finite() && *r > 0.0)?;
    if rate >= 1.0 {
        return Some(RATE_BINS - 1);
    }
    // In (0, 1) after the checks above, so the cast cannot truncate; kept in 1..=999.
    let permille = ((rate * 1000.0).round() as usize).clamp(1, 999);
    Some(permille.div_ceil(100) - 1)
}

/// The label under a bar of the flakiness distribution.
pub fn rate_bin_label(bin: usize) -> String {
    match bin {
        b if b + 1 >= RATE_BINS => "100%".to_owned(),
        0 => "≤10%".to_owned(),
        b => format!("{}–{}%", b * 10, b * 10 + 10),
    }
}

/// How many failure rates fall in each bar, and how many are 0% (not drawn).
pub fn rate_histogram(rates: impl Iterator<Item = Option<f64>>) -> ([u64; RATE_BINS], u64) {
    let mut bins = [0u64; RATE_BINS];
    let mut zero = 0;
    for rate in rates {
        match rate_bin(rate) {
            Some(b) => bins[b] += 1,
            None if rate == Some(0.0) => zero += 1,
            None => {}
        }
    }
    (bins, zero)
}

/// Tick values for an axis of seconds (or any positive measure) from 0 to at least `max`, in
/// about `target` nice steps; `[0, 1]` when `max` is not positive.
pub fn value_ticks(max: f64, target: u32) -> Vec<f64> {
    if !max.is_finite() || max <= 0.0 {
        return vec![0.0, 1.0];
    }
    let step = nice_step(max / f64::from(target.max(1)));
    let mut ticks = vec![0.0];
    let mut i = 1.0;
    loop {
        // Multiplying (not adding) keeps rounding errors from adding up over many steps.
        let value = step * i;
        ticks.push(value);
        if value >= max * (1.0 - 1e-9) {
            return ticks;
        }
        i += 1.0;
    }
}

/// Maps `value` from `domain` to `range` linearly; the middle of `range` when the domain is
/// empty (one run, or every run at the same time).
pub fn linear(value: f64, domain: (f64, f64), range: (f64, f64)) -> f64 {
    let span = domain.1 - domain.0;
    if !span.is_finite() || span.abs() < f64::EPSILON {
        return (range.0 + range.1) / 2.0;
    }
    range.0 + (value - domain.0) / span * (range.1 - range.0)
}

/// Where each run goes on the timeline, from 0 to 1: by timestamp when every run has one and
/// they differ, else by its index. The bool says which (true: by time).
pub fn timeline_positions(epochs: &[Option<f64>]) -> (Vec<f64>, bool) {
    let times: Option<Vec<f64>> = epochs.iter().copied().collect();
    if let Some(times) = times {
        let low = times.iter().copied().fold(f64::INFINITY, f64::min);
        let high = times.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if high > low {
            return (
                times
                    .iter()
                    .map(|&t| linear(t, (low, high), (0.0, 1.0)))
                    .collect(),
                true,
            );
        }
    }
    let n = epochs.len();
    let last = n.saturating_sub(1) as f64;
    (
        (0..n)
            .map(|i| linear(i as f64, (0.0, last), (0.0, 1.0)))
            .collect(),
        false,
    )
}

/// The rows of a virtualized list to render: `[start, end)` covering the `viewport` pixels
/// visible from `scroll_top`, plus `overscan` rows either side, within `0..total`.
pub fn virtual_window(
    scroll_top: f64,
    viewport: f64,
    row_height: f64,
    total: usize,
    overscan: usize,
) -> (usize, usize) {
    if total == 0 || row_height <= 0.0 {
        return (0, 0);
    }
    // Non-negative and finite after max/min, so the casts only drop the fraction.
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let visible = (viewport.max(0.0) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(total);
    let end = (first + visible + overscan).min(total);
    (start.min(end), end)
}

/// The scroll offset that brings row `index` into a viewport of `viewport` pixels showing from
/// `scroll_top` (under a sticky header of `header` pixels); `None` when it is already visible.
pub fn scroll_into_view(
    index: usize,
    row_height: f64,
    scroll_top: f64,
    viewport: f64,
    header: f64,
) -> Option<f64> {
    let top = index as f64 * row_height;
    let bottom = top + row_height;
    let visible_top = scroll_top;
    let visible_bottom = scroll_top + viewport - header;
    if top < visible_top {
        Some(top)
    } else if bottom > visible_bottom {
        Some((bottom - (viewport - header)).max(0.0))
    } else {
        None
    }
}

/// How many tests one pixel row of the canvas heat map stands for, so that `tests` rows fit in
/// `max_rows` pixel rows (at least 1).
pub fn tests_per_row(tests: usize, max_rows: usize) -> usize {
    tests.div_ceil(max_rows.max(1)).max(1)
}

/// The canvas pixel under a pointer: `offset` CSS pixels into an element shown `shown` CSS
/// pixels wide (or high) whose canvas is `pixels` wide (or high). The canvas may be scaled
/// by CSS; the result is clamped to the canvas.
pub fn canvas_pixel(offset: i32, shown: i32, pixels: usize) -> usize {
    let scaled = f64::from(offset.max(0)) * pixels as f64 / f64::from(shown.max(1));
    // Non-negative and finite, so the cast only truncates the fraction.
    (scaled.floor() as usize).min(pixels.saturating_sub(1))
}

/// Paints the pixels `xs` × `ys` of an RGBA image `width` pixels wide (row by row, four
/// bytes a pixel) in `rgba`: a cell of a heat map drawn on a canvas.
pub fn fill_rect(
    pixels: &mut [u8],
    width: usize,
    xs: std::ops::Range<usize>,
    ys: std::ops::Range<usize>,
    rgba: [u8; 4],
) {
    for y in ys {
        let row = &mut pixels[(y * width + xs.start) * 4..(y * width + xs.end) * 4];
        for pixel in row.chunks_exact_mut(4) {
            pixel.copy_from_slice(&rgba);
        }
    }
}

/// `hot` mixed into `cool` by `percent` (0 gives `cool`, 100 `hot`), channel by channel in
/// sRGB as CSS `color-mix(in srgb, hot percent%, cool)` does, opaque.
pub fn mix_colour(hot: [u8; 3], cool: [u8; 3], percent: u8) -> [u8; 4] {
    let t = f64::from(percent.min(100)) / 100.0;
    let channel = |h: u8, c: u8| (f64::from(c) + (f64::from(h) - f64::from(c)) * t).round() as u8;
    [
        channel(hot[0], cool[0]),
        channel(hot[1], cool[1]),
        channel(hot[2], cool[2]),
        255,
    ]
}

/// A CSS colour written `#rrggbb` (as the page's stylesheet writes its colours), or `None`.
pub fn hex_colour(css: &str) -> Option<[u8; 3]> {
    let hex = css.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |i: usize| u8::from_str_radix(&hex[i..i + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canvas_pixels_under_the_pointer() {
        // A 500-pixel canvas shown 250 CSS pixels wide: each CSS pixel covers two.
        assert_eq!(canvas_pixel(0, 250, 500), 0);
        assert_eq!(canvas_pixel(1, 250, 500), 2);
        assert_eq!(canvas_pixel(249, 250, 500), 498);
        // Past the edge (a border), before it, or an element not laid out: clamped.
        assert_eq!(canvas_pixel(260, 250, 500), 499);
        assert_eq!(canvas_pixel(-3, 250, 500), 0);
        assert_eq!(canvas_pixel(10, 0, 500), 499);
        assert_eq!(canvas_pixel(10, 250, 0), 0);
        // Shown at its own size.
        assert_eq!(canvas_pixel(37, 500, 500), 37);
    }

    #[test]
    fn rectangles_filled_in_an_rgba_image() {
        // A 3 × 2 image: columns 1-2 of row 1 painted, the rest left as it was.
        let mut pixels = vec![0u8; 3 * 2 * 4];
        fill_rect(&mut pixels, 3, 1..3, 1..2, [1, 2, 3, 4]);
        let mut expected = vec![0u8; 16];
        expected.extend([1, 2, 3, 4, 1, 2, 3, 4]);
        assert_eq!(pixels, expected);
        // An empty range paints nothing.
        fill_rect(&mut pixels, 3, 2..2, 0..2, [9; 4]);
        assert_eq!(pixels, expected);
    }

    #[test]
    fn colours_mixed_as_css_color_mix() {
        let (hot, cool) = ([0xb7, 0x1c, 0x1c], [0xe6, 0xf4, 0xea]);
        assert_eq!(mix_colour(hot, cool, 0), [0xe6, 0xf4, 0xea, 255]);
        assert_eq!(mix_colour(hot, cool, 100), [0xb7, 0x1c, 0x1c, 255]);
        // Half way: (183 + 230) / 2 = 206.5 → 207, (28 + 244) / 2 = 136, (28 + 234) / 2 = 131.
        assert_eq!(mix_colour(hot, cool, 50), [207, 136, 131, 255]);
        assert_eq!(mix_colour(hot, cool, 200), [0xb7, 0x1c, 0x1c, 255]);
        assert_eq!(hex_colour(" #b71c1c"), Some([0xb7, 0x1c, 0x1c]));
        assert_eq!(hex_colour("#FF6B68"), Some([0xff, 0x6b, 0x68]));
        assert_eq!(hex_colour("#fff"), None);
        assert_eq!(hex_colour("rgb(1, 2, 3)"), None);
        assert_eq!(hex_colour("#ééé"), None);
    }

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
    #[test]
    fn failure_rates_fall_in_whole_permille_bins() {
        assert_eq!(rate_bin(None), None);
        assert_eq!(rate_bin(Some(0.0)), None);
        assert_eq!(rate_bin(Some(0.0004)), Some(0));
        assert_eq!(rate_bin(Some(0.05)), Some(0));
        assert_eq!(rate_bin(Some(0.1)), Some(0));
        assert_eq!(rate_bin(Some(0.1001)), Some(0));
        assert_eq!(rate_bin(Some(0.15)), Some(1));
        // 0.3 * 1000 = 300.00000000000006: still (20–30%].
        assert_eq!(rate_bin(Some(0.3)), Some(2));
        assert_eq!(rate_bin(Some(0.95)), Some(9));
        assert_eq!(rate_bin(Some(0.9996)), Some(9));
        assert_eq!(rate_bin(Some(1.0)), Some(10));
        assert_eq!(rate_bin_label(0), "≤10%");
        assert_eq!(rate_bin_label(2), "20–30%");
        assert_eq!(rate_bin_label(10), "100%");
        let (bins, zero) = rate_histogram(
            [Some(0.0), Some(0.0), None, Some(0.5), Some(0.45), Some(1.0)].into_iter(),
        );
        assert_eq!(zero, 2);
        assert_eq!(bins, [0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1]);
    }

    #[test]
    fn value_ticks_cover_the_maximum() {
        assert_eq!(value_ticks(0.0, 4), vec![0.0, 1.0]);
        assert_eq!(value_ticks(f64::NAN, 4), vec![0.0, 1.0]);
        // 1.0 / 4 = 0.25 -> step 0.5.
        assert_eq!(value_ticks(1.0, 4), vec![0.0, 0.5, 1.0]);
        // 0.27 / 3 = 0.09 -> step 0.1 (labels round the last tick to 0.3).
        assert_eq!(
            value_ticks(0.27, 3),
            vec![0.0, 0.1, 0.2, 0.30000000000000004]
        );
        assert_eq!(value_ticks(12.0, 4), vec![0.0, 5.0, 10.0, 15.0]);
    }

    #[test]
    fn linear_scales_and_timelines() {
        assert_eq!(linear(5.0, (0.0, 10.0), (0.0, 100.0)), 50.0);
        assert_eq!(linear(5.0, (0.0, 10.0), (100.0, 0.0)), 50.0);
        assert_eq!(linear(0.0, (0.0, 10.0), (20.0, 120.0)), 20.0);
        assert_eq!(linear(3.0, (3.0, 3.0), (0.0, 100.0)), 50.0);
        assert_eq!(
            timeline_positions(&[Some(100.0), Some(300.0), Some(200.0)]),
            (vec![0.0, 1.0, 0.5], true)
        );
        // A run without a timestamp: by index.
        assert_eq!(
            timeline_positions(&[Some(100.0), None, Some(200.0)]),
            (vec![0.0, 0.5, 1.0], false)
        );
        // Every run at the same time: by index.
        assert_eq!(
            timeline_positions(&[Some(1.0), Some(1.0)]),
            (vec![0.0, 1.0], false)
        );
        assert_eq!(timeline_positions(&[None]), (vec![0.5], false));
        assert_eq!(timeline_positions(&[]), (vec![], false));
    }

    #[test]
    fn virtual_windows() {
        // 100,000 rows of 40 px, 400 px visible, 5 rows of overscan.
        assert_eq!(virtual_window(0.0, 400.0, 40.0, 100_000, 5), (0, 16));
        assert_eq!(virtual_window(4000.0, 400.0, 40.0, 100_000, 5), (95, 116));
        assert_eq!(virtual_window(4020.0, 400.0, 40.0, 100_000, 5), (95, 116));
        // The end of the list.
        assert_eq!(
            virtual_window(3_999_600.0, 400.0, 40.0, 100_000, 5),
            (99_985, 100_000)
        );
        // Scrolled past the end (the list shrank): nothing before the end is lost.
        assert_eq!(virtual_window(1e9, 400.0, 40.0, 10, 5), (10, 10));
        assert_eq!(virtual_window(0.0, 400.0, 40.0, 0, 5), (0, 0));
        assert_eq!(virtual_window(-50.0, 400.0, 40.0, 3, 5), (0, 3));
    }

    #[test]
    fn scrolling_a_row_into_view() {
        // Rows of 40 px; 400 px viewport with a 40 px header: rows 0..9 visible from 0.
        assert_eq!(scroll_into_view(3, 40.0, 0.0, 400.0, 40.0), None);
        assert_eq!(scroll_into_view(8, 40.0, 0.0, 400.0, 40.0), None);
        assert_eq!(scroll_into_view(9, 40.0, 0.0, 400.0, 40.0), Some(40.0));
        assert_eq!(scroll_into_view(2, 40.0, 200.0, 400.0, 40.0), Some(80.0));
    }

    #[test]
    fn heat_map_rows() {
        assert_eq!(tests_per_row(19, 600), 1);
        assert_eq!(tests_per_row(100_000, 600), 167);
        assert_eq!(tests_per_row(0, 600), 1);
        assert_eq!(tests_per_row(5, 0), 5);
    }
}
