//! What the windowed tables (the tests table, the runs table above 100 runs) share: the
//! spacers that stand for the rows not rendered, and the height of the scrolled part,
//! measured as it scrolls.

use web_sys::Element;
use yew::prelude::*;

/// A `<tbody>` whose one row stands for `rows` rows of `row_height` pixels not rendered
/// (above or below the window; 0 px high at an end), across `columns` columns. Spacers sit in
/// tbody elements of their own, always there: Yew matches a list of siblings by key only when
/// every one has a key, else by place from the end, which rebuilt every row the window moved
/// past (and dropped the text typed into a row's field).
pub fn spacer(rows: usize, row_height: f64, columns: usize) -> Html {
    html! {
        <tbody class="spacer" aria-hidden="true">
            <tr class="spacer" style={format!("height: {}px", rows as f64 * row_height)}>
                <td colspan={columns.to_string()}></td>
            </tr>
        </tbody>
    }
}

/// Keeps `viewport` at the height of `el`, the scrolled element, once it is laid out: a change
/// of a pixel or less is not one (it would render the table again for nothing).
pub fn measure_viewport(el: &Element, viewport: &UseStateHandle<f64>) {
    let height = f64::from(el.client_height());
    if height > 0.0 && (height - **viewport).abs() > 1.0 {
        viewport.set(height);
    }
}
