//! Drawing a picture computed pixel by pixel onto a `<canvas>`: the heat maps whose cells are
//! too many for HTML elements.

use wasm_bindgen::{Clamped, JsCast};
use web_sys::{CanvasRenderingContext2d, Element, HtmlCanvasElement, ImageData, MouseEvent};
use yew::NodeRef;

use crate::chart::canvas_pixel;

/// Puts `pixels` (RGBA, `width` × `height`, row by row) onto the canvas behind `canvas`.
/// Does nothing when the canvas is not mounted or the sizes do not match.
pub fn put_pixels(canvas: &NodeRef, pixels: &[u8], width: usize, height: usize) {
    let context = canvas
        .cast::<HtmlCanvasElement>()
        .and_then(|c| c.get_context("2d").ok().flatten())
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok());
    let (Ok(w), Ok(h)) = (u32::try_from(width), u32::try_from(height)) else {
        return;
    };
    if let (Some(context), Ok(image)) = (
        context,
        ImageData::new_with_u8_clamped_array_and_sh(Clamped(pixels), w, h),
    ) {
        let _ = context.put_image_data(&image, 0.0, 0.0);
    }
}

/// The colour the stylesheet gives the custom property `name` (such as `--heat-hot`) at
/// `element`, when it is written `#rrggbb`; it follows the theme.
pub fn css_colour(element: &Element, name: &str) -> Option<[u8; 3]> {
    let style = web_sys::window()?.get_computed_style(element).ok()??;
    crate::chart::hex_colour(&style.get_property_value(name).ok()?)
}

/// The pixel (x, y) of a `width` × `height` canvas under the pointer of `e`, an event on the
/// canvas; the canvas may be scaled by CSS. `None` when the event's target is no canvas.
pub fn pixel_under(e: &MouseEvent, width: usize, height: usize) -> Option<(usize, usize)> {
    let canvas = e.target()?.dyn_into::<HtmlCanvasElement>().ok()?;
    Some((
        canvas_pixel(e.offset_x(), canvas.client_width(), width),
        canvas_pixel(e.offset_y(), canvas.client_height(), height),
    ))
}
