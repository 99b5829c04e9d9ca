//! Saving text the page made as a file: a Blob, an object URL and a temporary
//! `<a download>`. Nothing leaves the machine.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

/// How long the object URL stays valid after the click, in milliseconds: long enough for the
/// browser to start saving, then the Blob is released.
const REVOKE_AFTER_MS: u32 = 60_000;

/// Offers `text` as a download named `file_name` with the MIME type `mime`.
///
/// # Errors
/// The browser's error when the Blob, the URL or the link cannot be made.
pub fn save_text(file_name: &str, text: &str, mime: &str) -> Result<(), JsValue> {
    save_texts(file_name, &[text], mime)
}

/// Offers the texts `parts`, one after the other, as one download named `file_name` with the
/// MIME type `mime`, without joining them in the page's memory.
///
/// # Errors
/// The browser's error when the Blob, the URL or the link cannot be made.
pub fn save_texts(file_name: &str, parts: &[&str], mime: &str) -> Result<(), JsValue> {
    let parts: js_sys::Array = parts.iter().map(|part| JsValue::from_str(part)).collect();
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| JsValue::from_str("no document"))?;
    let body = document
        .body()
        .ok_or_else(|| JsValue::from_str("no body"))?;
    let link: HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    link.set_href(&url);
    link.set_download(file_name);
    link.set_hidden(true);
    body.append_child(&link)?;
    link.click();
    body.remove_child(&link)?;
    gloo_timers::callback::Timeout::new(REVOKE_AFTER_MS, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
