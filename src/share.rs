//! Sharing an analysis without uploading it: a link that carries the audit in its fragment,
//! and the single-file report (the page and the audit in one HTML file).
//!
//! The single-file report is the core's (`flakelens_core::report`, as `flakelens report`
//! writes it) made from the page's own wasm-bindgen glue, wasm and CSS and its worker's glue
//! and wasm: fetched from the page's own origin (nowhere else), or, in a single-file report,
//! taken from the page itself.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use flakelens_core::audit::Privacy;
use flakelens_core::report::{
    single_file_around, AppFiles, APP_WASM_ID, WORKER_GLUE_ID, WORKER_WASM_ID,
};
use flakelens_core::share::Fit;
use gloo_net::http::Request;
use wasm_bindgen::JsCast;

use crate::engine::{self, WORKER_SCRIPT, WORKER_WASM};
use crate::protocol::AuditOf;

/// The files of the built page a single-file report embeds (`flakelens_core::report`).
struct AppParts {
    /// The page's wasm-bindgen glue.
    glue: String,
    /// The page's wasm.
    wasm: Vec<u8>,
    /// The page's CSS.
    css: String,
    /// The worker's glue.
    worker_glue: String,
    /// The worker's wasm.
    worker_wasm: Vec<u8>,
}

/// Where the start-up code `flakelens_core::report` appends to the glue begins.
const REPORT_BOOT_START: &str = "\nconst encoded = document.getElementById('flakelens-wasm')";

/// The page's address without its fragment and without `?audit=` / `?runs=` (a shared link
/// carries its audit and must not ask to fetch another).
fn page_address() -> Result<String, String> {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .ok_or("the page has no address")?;
    let url = web_sys::Url::new(&href).map_err(|_| "the page's address is not a URL")?;
    url.search_params().delete("audit");
    url.search_params().delete("runs");
    url.set_hash("");
    Ok(url.href().trim_end_matches('#').to_owned())
}

/// A share link for the audit `of` with the text `privacy` allows, and how it was made to
/// fit `flakelens_core::share::SHARE_LINK_BUDGET` (by the engine, which holds the audit);
/// with [`Fit::TooLarge`] the link is too long to share.
///
/// # Errors
/// A message when the page's address cannot be read or the engine cannot make the audit.
pub async fn share_link(of: AuditOf, privacy: Privacy) -> Result<(String, Fit), String> {
    let (fragment, fit) = engine::share_fragment(of, privacy).await?;
    Ok((format!("{}#{fragment}", page_address()?), fit))
}

fn document() -> Result<web_sys::Document, String> {
    web_sys::window()
        .and_then(|w| w.document())
        .ok_or_else(|| "no document".to_owned())
}

/// The base64 data block `id`, decoded.
pub(crate) fn data_block(
    document: &web_sys::Document,
    id: &str,
) -> Option<Result<Vec<u8>, base64::DecodeError>> {
    let text = document.get_element_by_id(id)?.text_content()?;
    Some(STANDARD.decode(text.trim()))
}

/// In a single-file report the page is already one file: its parts are in the page.
fn parts_of_report(document: &web_sys::Document) -> Option<AppParts> {
    let wasm = data_block(document, APP_WASM_ID)?.ok()?;
    let worker_glue = String::from_utf8(data_block(document, WORKER_GLUE_ID)?.ok()?).ok()?;
    let worker_wasm = data_block(document, WORKER_WASM_ID)?.ok()?;
    let script = document
        .query_selector("script[type=module]")
        .ok()??
        .text_content()?;
    let glue = script[..script.rfind(REPORT_BOOT_START)?].to_owned();
    let css = document
        .query_selector("style")
        .ok()
        .flatten()
        .and_then(|s| s.text_content())
        .unwrap_or_default();
    Some(AppParts {
        glue,
        wasm,
        css,
        worker_glue,
        worker_wasm,
    })
}

/// The `href`s (absolute) of the page's `<link>` elements matching `selector`.
fn link_hrefs(document: &web_sys::Document, selector: &str) -> Vec<String> {
    let Ok(list) = document.query_selector_all(selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<web_sys::HtmlLinkElement>().ok())
        .map(|l| l.href())
        .collect()
}

/// The page's origin (`https://host:port`).
fn page_origin() -> Result<String, String> {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .ok_or_else(|| "the page has no origin".to_owned())
}

/// `path` resolved against the page's address.
fn page_relative(path: &str) -> Result<String, String> {
    let href = web_sys::window()
        .and_then(|w| w.location().href().ok())
        .ok_or("the page has no address")?;
    web_sys::Url::new_with_base(path, &href)
        .map(|u| u.href())
        .map_err(|_| format!("cannot resolve {path} against the page's address"))
}

/// The bytes at `url`, which must be on the page's own origin (the page's own files; a
/// report is never made of anyone else's code).
async fn fetch_own(url: &str) -> Result<Vec<u8>, String> {
    let origin = web_sys::Url::new(url)
        .map(|u| u.origin())
        .map_err(|_| format!("{url} is not a URL"))?;
    if origin != page_origin()? {
        return Err(format!(
            "{url} is not on the page's own origin; a single-file report is made only of the page's own files"
        ));
    }
    let response = Request::get(url)
        .send()
        .await
        .map_err(|e| format!("cannot fetch the page's own file {url}: {e}"))?;
    if !response.ok() {
        return Err(format!(
            "cannot fetch the page's own file {url}: the server answered {}",
            response.status()
        ));
    }
    response
        .binary()
        .await
        .map_err(|e| format!("cannot read the page's own file {url}: {e}"))
}

/// The page's glue, wasm and CSS, fetched from the page's own origin (Trunk names them in
/// `<link rel="modulepreload">`, `<link rel="preload" as="fetch">` and `<link
/// rel="stylesheet">`), and the worker's glue and wasm (beside the page, see `engine.rs`).
async fn parts_of_page(document: &web_sys::Document) -> Result<AppParts, String> {
    let glue_url = link_hrefs(document, "link[rel=modulepreload]")
        .into_iter()
        .find(|h| h.ends_with(".js"))
        .ok_or("the page names no JavaScript glue (link rel=modulepreload)")?;
    let wasm_url = link_hrefs(document, "link[rel=preload][as=fetch]")
        .into_iter()
        .find(|h| h.ends_with("_bg.wasm"))
        .unwrap_or_else(|| glue_url.replace(".js", "_bg.wasm"));
    let glue = String::from_utf8_lossy(&fetch_own(&glue_url).await?).into_owned();
    if !glue.contains("__wbg_init") {
        return Err("the page's JavaScript is not wasm-bindgen output (no __wbg_init)".to_owned());
    }
    let wasm = fetch_own(&wasm_url).await?;
    let mut css = String::new();
    for url in link_hrefs(document, "link[rel=stylesheet]") {
        css.push_str(&String::from_utf8_lossy(&fetch_own(&url).await?));
    }
    let worker_glue =
        String::from_utf8_lossy(&fetch_own(&page_relative(WORKER_SCRIPT)?).await?).into_owned();
    let worker_wasm = fetch_own(&page_relative(WORKER_WASM)?).await?;
    Ok(AppParts {
        glue,
        wasm,
        css,
        worker_glue,
        worker_wasm,
    })
}

/// The single-file report of the audit `of` with the text `privacy` allows, in three parts
/// to be written one after the other: the HTML before the audit, the audit's JSON (made
/// embeddable by the engine) and the HTML after it. Joined, they are the same HTML as
/// `flakelens report`, made from the page's own files and the audit the engine gives. Its
/// title is the audit's, else "flakelens report: CLAIM".
///
/// # Errors
/// A plain-words message when the page's own files cannot be fetched or the engine cannot
/// make the audit.
pub async fn single_file_report(of: AuditOf, privacy: Privacy) -> Result<[String; 3], String> {
    let document = document()?;
    let parts = match parts_of_report(&document) {
        Some(parts) => parts,
        None => parts_of_page(&document).await?,
    };
    let (json, title) = engine::single_file(of, privacy).await?;
    let files = AppFiles {
        glue: &parts.glue,
        wasm: &parts.wasm,
        css: &parts.css,
        worker_glue: &parts.worker_glue,
        worker_wasm: &parts.worker_wasm,
    };
    let (head, tail) = single_file_around(files, &title)?;
    Ok([head, json, tail])
}
