//! The single-file report: the built app and an audit in one HTML document.
//!
//! It opens from `file://` with no network: the wasm is embedded as base64 in a data
//! block, the wasm-bindgen glue and the start-up code in one inline module script, the CSS in
//! a `<style>`, and the audit JSON in `<script type="application/json"
//! id="flakelens-audit">`, which the app reads at start-up. A Content-Security-Policy allows
//! exactly that script by its SHA-256 hash, WebAssembly compilation, and nothing else: no
//! connection, no other script, no frame, no form. The CLI (`flakelens report`) and the
//! page ("download as single file") both build it here.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The built app, as Trunk writes it: the wasm-bindgen JavaScript glue, the wasm, the CSS.
#[derive(Debug, Clone, Copy)]
pub struct AppFiles<'a> {
    /// The glue module's text (it defines `__wbg_init`).
    pub glue: &'a str,
    /// The `_bg.wasm` bytes.
    pub wasm: &'a [u8],
    /// The stylesheet's text.
    pub css: &'a str,
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
        "{glue}\nconst encoded = document.getElementById('flakelens-wasm').textContent.trim();\nconst bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));\nawait __wbg_init({{ module_or_path: bytes }});\n"
    )
}

/// The Content-Security-Policy of the report, allowing `script` by its SHA-256.
pub fn report_policy(script: &str) -> String {
    let hash = STANDARD.encode(Sha256::digest(script.as_bytes()));
    format!(
        "default-src 'none'; script-src 'sha256-{hash}' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'"
    )
}

/// Builds the single-file report.
///
/// # Errors
/// A message when `app.glue` is not wasm-bindgen output (no `__wbg_init`).
pub fn single_file_html(
    app: AppFiles<'_>,
    audit_json: &str,
    title: &str,
) -> Result<String, String> {
    if !app.glue.contains("__wbg_init") {
        return Err("the app's JavaScript is not wasm-bindgen output (no __wbg_init)".to_owned());
    }
    let script = boot_script(app.glue);
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n<title>{}</title>\n<style>{}</style>\n<script type=\"application/json\" id=\"flakelens-audit\">{}</script>\n<script type=\"application/octet-stream\" id=\"flakelens-wasm\">{}</script>\n<script type=\"module\">{script}</script>\n</head>\n<body>\n<noscript>This flakelens report needs JavaScript and WebAssembly.</noscript>\n</body>\n</html>\n",
        report_policy(&script),
        escape_html(title),
        app.css.replace("</style", "<\\/style"),
        embeddable_json(audit_json),
        STANDARD.encode(app.wasm),
    ))
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

    #[test]
    fn title_and_style_are_escaped_and_only_the_boot_script_is_allowed() {
        let app = AppFiles {
            glue: "async function __wbg_init(m) {}",
            wasm: b"\0asm",
            css: "a{}</style><script>x()</script>",
        };
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
}
