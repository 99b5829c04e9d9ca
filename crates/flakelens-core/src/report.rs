//! The single-file report: the built app and an audit in one HTML document.
//!
//! It opens from `file://` with no network: the page's wasm is embedded as base64 in a data
//! block, its wasm-bindgen glue and the start-up code in one inline module script, the CSS in
//! a `<style>`, and the audit JSON in `<script type="application/json"
//! id="flakelens-audit">`, which the app reads at start-up. The worker that reads and
//! analyzes (its glue and wasm, base64 in two more data blocks) is started by the page from a
//! `blob:` URL it makes of its glue, and gets its wasm by message. A
//! Content-Security-Policy allows exactly the inline script by its SHA-256 hash, WebAssembly
//! compilation, workers from `blob:` URLs, and nothing else: no connection, no other script,
//! no frame, no form (a `blob:` worker inherits this policy). The CLI (`flakelens report`)
//! and the page ("download as single file") both build it here.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The `id` of the data block holding the page's wasm (base64); its presence is what tells a
/// single-file report from a served page.
pub const APP_WASM_ID: &str = "flakelens-wasm";
/// The `id` of the data block holding the worker's glue (base64 of its UTF-8 text).
pub const WORKER_GLUE_ID: &str = "flakelens-worker-js";
/// The `id` of the data block holding the worker's wasm (base64).
pub const WORKER_WASM_ID: &str = "flakelens-worker-wasm";

/// The built app, as Trunk writes it: the page's wasm-bindgen JavaScript glue, wasm and CSS,
/// and the worker's glue and wasm (`worker/flakelens-worker.js` and `_bg.wasm`).
#[derive(Debug, Clone, Copy)]
pub struct AppFiles<'a> {
    /// The page's glue module's text (it defines `__wbg_init`).
    pub glue: &'a str,
    /// The page's `_bg.wasm` bytes.
    pub wasm: &'a [u8],
    /// The stylesheet's text.
    pub css: &'a str,
    /// The worker's glue (wasm-bindgen `no-modules` output: a classic script that defines
    /// the global `wasm_bindgen`).
    pub worker_glue: &'a str,
    /// The worker's `_bg.wasm` bytes.
    pub worker_wasm: &'a [u8],
}

/// Text safe inside a `<script>` data block: no `<` at all (`\u003c` in JSON strings, where
/// alone it can occur in JSON), so no `</script>` or `<!--` can end the block early.
pub fn embeddable_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The inline module script: the glue, then the wasm decoded from its data block.
fn boot_script(glue: &str) -> String {
    format!(
        "{glue}\nconst encoded = document.getElementById('{APP_WASM_ID}').textContent.trim();\nconst bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));\nawait __wbg_init({{ module_or_path: bytes }});\n"
    )
}

/// The Content-Security-Policy of the report, allowing `script` by its SHA-256 and workers
/// from `blob:` URLs (the page makes its worker's script into one; the worker inherits this
/// policy, so it too may compile wasm and connect nowhere).
pub fn report_policy(script: &str) -> String {
    let hash = STANDARD.encode(Sha256::digest(script.as_bytes()));
    format!(
        "default-src 'none'; script-src 'sha256-{hash}' 'wasm-unsafe-eval'; worker-src blob:; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'"
    )
}

/// A single-file report's title: the audit's, else "flakelens report: " and its claim.
pub fn report_title(audit: &crate::audit::Audit) -> String {
    audit
        .title
        .clone()
        .unwrap_or_else(|| format!("flakelens report: {}", audit.analysis.totals.claim))
}

/// Builds the single-file report: [`single_file_around`]'s two parts around the audit's
/// JSON made embeddable ([`embeddable_json`]).
///
/// # Errors
/// As [`single_file_around`].
pub fn single_file_html(
    app: AppFiles<'_>,
    audit_json: &str,
    title: &str,
) -> Result<String, String> {
    let (head, tail) = single_file_around(app, title)?;
    Ok(format!("{head}{}{tail}", embeddable_json(audit_json)))
}

/// The single-file report before the audit and after it: the report is `head`, the audit's
/// JSON made embeddable ([`embeddable_json`]), then `tail`. The page writes the three to a
/// file without joining them in memory.
///
/// # Errors
/// A message when `app.glue` is not wasm-bindgen output (no `__wbg_init`), or
/// `app.worker_glue` is not wasm-bindgen `no-modules` output (no `wasm_bindgen`).
pub fn single_file_around(app: AppFiles<'_>, title: &str) -> Result<(String, String), String> {
    if !app.glue.contains("__wbg_init") {
        return Err("the app's JavaScript is not wasm-bindgen output (no __wbg_init)".to_owned());
    }
    if !app.worker_glue.contains("wasm_bindgen") {
        return Err(
            "the worker's JavaScript is not wasm-bindgen no-modules output (no wasm_bindgen)"
                .to_owned(),
        );
    }
    let script = boot_script(app.glue);
    let head = format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<title>{}</title>\n<style>{}</style>\n<script type=\"application/json\" id=\"flakelens-audit\">",
        report_policy(&script),
        escape_html(title),
        app.css.replace("</style", "<\\/style"),
    );
    let tail = format!(
        "</script>\n<script type=\"application/octet-stream\" id=\"{APP_WASM_ID}\">{}</script>\n<script type=\"application/octet-stream\" id=\"{WORKER_GLUE_ID}\">{}</script>\n<script type=\"application/octet-stream\" id=\"{WORKER_WASM_ID}\">{}</script>\n<script type=\"module\">{script}</script>\n</head>\n<body>\n<noscript>This flakelens report needs JavaScript and WebAssembly.</noscript>\n</body>\n</html>\n",
        STANDARD.encode(app.wasm),
        STANDARD.encode(app.worker_glue),
        STANDARD.encode(app.worker_wasm),
    );
    Ok((head, tail))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_cannot_close_its_block() {
        let json = r#"{"name": "</script><script>alert(1)</script><!--"}"#;
        let safe = embeddable_json(json);
        assert!(!safe.contains('<'));
        assert_eq!(
            safe,
            r#"{"name": "\u003c/script>\u003cscript>alert(1)\u003c/script>\u003c!--"}"#
        );
    }

    /// A small app: the glues are the least that passes the wasm-bindgen checks.
    fn app() -> AppFiles<'static> {
        AppFiles {
            glue: "async function __wbg_init(m) {}",
            wasm: b"\0asm",
            css: "a{}</style><script>x()</script>",
            worker_glue: "let wasm_bindgen;",
            worker_wasm: b"\0asm\x01",
        }
    }

    #[test]
    fn title_and_style_are_escaped_and_only_the_boot_script_is_allowed() {
        let app = app();
        let html = single_file_html(app, "{}", "<b>title</b>").expect("html");
        assert!(html.contains("<title>&lt;b&gt;title&lt;/b&gt;</title>"));
        assert!(!html.contains("</style><script>x()"));
        let script = boot_script(app.glue);
        assert!(html.contains(&report_policy(&script)));
        assert!(single_file_html(
            AppFiles {
                glue: "nope",
                ..app
            },
            "{}",
            "t"
        )
        .is_err());
    }

    #[test]
    fn the_worker_is_embedded_as_base64_data_blocks() {
        let html = single_file_html(app(), "{}", "t").expect("html");
        // base64 of "let wasm_bindgen;" and of 00 61 73 6d 01 (worked out outside this code).
        assert!(html.contains(
            "<script type=\"application/octet-stream\" id=\"flakelens-worker-js\">bGV0IHdhc21fYmluZGdlbjs=</script>"
        ));
        assert!(html.contains(
            "<script type=\"application/octet-stream\" id=\"flakelens-worker-wasm\">AGFzbQE=</script>"
        ));
        // The page's own wasm, 00 61 73 6d.
        assert!(html.contains("id=\"flakelens-wasm\">AGFzbQ==</script>"));
        // A worker's glue that is not wasm-bindgen's no-modules output is refused.
        assert!(single_file_html(
            AppFiles {
                worker_glue: "export default function init() {}",
                ..app()
            },
            "{}",
            "t"
        )
        .is_err());
    }

    #[test]
    fn the_policy_allows_blob_workers_and_no_connection_or_eval() {
        let policy = report_policy("x");
        // SHA-256("x") = 2d7116…4881 (hex), here in base64 (worked out outside this code).
        assert!(policy.contains(
            "script-src 'sha256-LXEWQrcmsEQBYnyp+6wy9chTD7GQPMTbAiWHF5IaSIE=' 'wasm-unsafe-eval';"
        ));
        assert!(policy.contains("worker-src blob:;"));
        assert!(policy.contains("default-src 'none';"));
        assert!(policy.contains("connect-src 'none';"));
        assert!(!policy.contains("'unsafe-eval'"));
        assert!(!policy.contains("script-src 'unsafe-inline'"));
    }
}
