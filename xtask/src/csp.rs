//! `cargo xtask csp [INDEX_HTML]`: a Trunk post-build hook that adds a
//! Content-Security-Policy to the built `index.html`.
//!
//! Trunk writes one inline `<script type="module">` that loads the app; its content (file
//! names with content hashes) changes with every build, so its SHA-256 is computed here and
//! the policy allows exactly that inline script, the page's own files, WebAssembly
//! compilation and nothing else: no `unsafe-inline` script, no `eval`, no third-party
//! script, style, image or frame. `connect-src` allows the page's own origin and, for the
//! `?audit=`/`?runs=` URLs a user confirms, https and loopback origins.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The policy, given the inline script's hash.
pub fn policy(script_hash: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'sha256-{script_hash}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; \
         connect-src 'self' https: http://127.0.0.1:* http://localhost:*; \
         worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'none'"
    )
}

/// Adds (or replaces) the CSP meta element of an index.html text.
pub fn with_policy(html: &str) -> Result<String> {
    let open = "<script type=\"module\">";
    let start = html
        .find(open)
        .context("no inline module script in index.html")?
        + open.len();
    let end = start
        + html[start..]
            .find("</script>")
            .context("unterminated script")?;
    let hash = STANDARD.encode(Sha256::digest(&html.as_bytes()[start..end]));
    let meta = format!(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\" />",
        policy(&hash)
    );
    let mut out = html.to_owned();
    if let Some(old) = out.find("<meta http-equiv=\"Content-Security-Policy\"") {
        let old_end = old + out[old..].find("/>").context("unterminated meta")? + 2;
        out.replace_range(old..old_end, &meta);
    } else {
        let charset = out
            .find("<meta charset")
            .context("no <meta charset> in index.html")?;
        let after = charset + out[charset..].find('>').context("unterminated meta")? + 1;
        out.insert_str(after, &format!("\n  {meta}"));
    }
    Ok(out)
}

/// The hook: `TRUNK_STAGING_DIR/index.html`, or the path given.
pub fn csp(args: &[String]) -> Result<()> {
    let path: PathBuf = match args.first() {
        Some(p) => PathBuf::from(p),
        None => match std::env::var_os("TRUNK_STAGING_DIR") {
            Some(dir) => Path::new(&dir).join("index.html"),
            None => bail!("usage: cargo xtask csp INDEX_HTML (or run as a Trunk hook)"),
        },
    };
    let html =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    std::fs::write(&path, with_policy(&html)?)
        .with_context(|| format!("writing {}", path.display()))?;
    println!(
        "xtask csp: policy with the inline script's hash written to {}",
        path.display()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_inline_script_by_hash() {
        let html = "<html><head><meta charset=\"utf-8\" />\n<script type=\"module\">init();</script></head></html>";
        let out = with_policy(html).expect("policy added");
        let hash = STANDARD.encode(Sha256::digest(b"init();"));
        assert!(out.contains(&format!(
            "script-src 'self' 'sha256-{hash}' 'wasm-unsafe-eval'"
        )));
        assert!(
            !out.contains("unsafe-inline'; img")
                || out.contains("style-src 'self' 'unsafe-inline'")
        );
        assert!(!out.contains("script-src 'self' 'unsafe-inline'"));
        // Running it again replaces the policy instead of adding a second one.
        let again = with_policy(&out).expect("policy replaced");
        assert_eq!(again.matches("Content-Security-Policy").count(), 1);
    }
}
