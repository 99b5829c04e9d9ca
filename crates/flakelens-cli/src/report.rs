//! `flakelens report`: one self-contained HTML file holding the built app and an audit.
//!
//! The file opens from `file://` with no network: the wasm is embedded as base64 in a data
//! block, the wasm-bindgen glue and the start-up code in one inline module script, the CSS in
//! a `<style>`, and the audit JSON in `<script type="application/json"
//! id="flakelens-audit">`, which the app reads at start-up. A Content-Security-Policy allows
//! exactly that script by its SHA-256 hash, WebAssembly compilation, and nothing else: no
//! connection, no other script, no frame, no form.

use std::path::Path;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The built app's three files, as Trunk writes them into `dist/`.
struct App {
    glue: String,
    wasm: Vec<u8>,
    css: String,
}

fn find(dir: &Path, suffix: &str) -> Result<std::path::PathBuf, String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| format!("cannot read the app folder {}: {e} (build it with `trunk build --release`, or pass --app DIR)", dir.display()))?;
    entries
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_file() && p.to_string_lossy().ends_with(suffix))
        .ok_or_else(|| {
            format!(
                "no *{suffix} in the app folder {} (build it with `trunk build --release`)",
                dir.display()
            )
        })
}

fn load_app(dir: &Path) -> Result<App, String> {
    let read = |p: std::path::PathBuf| {
        std::fs::read(&p).map_err(|e| format!("cannot read {}: {e}", p.display()))
    };
    let wasm = read(find(dir, "_bg.wasm")?)?;
    let glue = String::from_utf8_lossy(&read(find(dir, ".js")?)?).into_owned();
    let css = String::from_utf8_lossy(&read(find(dir, ".css")?)?).into_owned();
    if !glue.contains("__wbg_init") {
        return Err("the app's JavaScript is not wasm-bindgen output (no __wbg_init)".to_owned());
    }
    Ok(App { glue, wasm, css })
}

/// Text safe inside a `<script>` data block: no `<` at all (`\u003c` in JSON strings, where
/// alone it can occur), so no `</script>` or `<!--` can end the block early.
fn embeddable_json(json: &str) -> String {
    json.replace('<', "\\u003c")
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Builds the single-file report from the app folder and the audit JSON.
pub fn single_file(app_dir: &Path, audit_json: &str, title: &str) -> Result<String, String> {
    let app = load_app(app_dir)?;
    let script = format!(
        "{}\nconst encoded = document.getElementById('flakelens-wasm').textContent.trim();\nconst bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));\nawait __wbg_init({{ module_or_path: bytes }});\n",
        app.glue
    );
    let hash = STANDARD.encode(Sha256::digest(script.as_bytes()));
    let csp = format!(
        "default-src 'none'; script-src 'sha256-{hash}' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'; frame-src 'none'"
    );
    Ok(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"color-scheme\" content=\"light dark\">\n<meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n<title>{}</title>\n<style>{}</style>\n<script type=\"application/json\" id=\"flakelens-audit\">{}</script>\n<script type=\"application/octet-stream\" id=\"flakelens-wasm\">{}</script>\n<script type=\"module\">{script}</script>\n</head>\n<body>\n<noscript>This flakelens report needs JavaScript and WebAssembly.</noscript>\n</body>\n</html>\n",
        escape_html(title),
        app.css.replace("</style", "<\\/style"),
        embeddable_json(audit_json),
        STANDARD.encode(&app.wasm),
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
        // Still the same JSON.
        let a: serde_json::Value = serde_json::from_str(json).expect("json");
        let b: serde_json::Value = serde_json::from_str(&safe).expect("json");
        assert_eq!(a, b);
    }
}
