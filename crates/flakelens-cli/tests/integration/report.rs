//! `flakelens report`: one self-contained HTML file.

use base64::Engine;
use sha2::Digest;

use crate::common::flakelens;

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .map(|i| i + start.len())
        .expect("start marker");
    let to = text[from..]
        .find(end)
        .map(|i| from + i)
        .expect("end marker");
    &text[from..to]
}

#[test]
fn report_embeds_the_app_and_the_audit_and_allows_only_its_own_script() {
    let dir = std::env::temp_dir().join(format!("flakelens-report-{}", std::process::id()));
    let app = dir.join("dist");
    std::fs::create_dir_all(&app).expect("temp dir");
    // A stand-in for Trunk's output: wasm-bindgen glue, the wasm, the CSS.
    std::fs::write(
        app.join("app-1234.js"),
        "async function __wbg_init(m) {}\nexport { __wbg_init as default };\n",
    )
    .expect("write");
    std::fs::write(app.join("app-1234_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(app.join("main-1.css"), "body { color: black }").expect("write");
    // The worker, as Trunk writes it in dist/worker/ (wasm-bindgen no-modules glue).
    std::fs::create_dir_all(app.join("worker")).expect("worker dir");
    std::fs::write(
        app.join("worker/flakelens-worker.js"),
        "let wasm_bindgen = (function() {})();\n",
    )
    .expect("write");
    std::fs::write(
        app.join("worker/flakelens-worker_bg.wasm"),
        b"\0asm\x01\0\0\x02",
    )
    .expect("write");
    let out = dir.join("report.html");
    let status = flakelens(&[
        "report",
        "examples/reports/sequential",
        "examples/reports/parallel",
        "--app",
        app.to_str().expect("utf-8"),
        "-o",
        out.to_str().expect("utf-8"),
    ]);
    assert_eq!(
        status.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let html = std::fs::read_to_string(&out).expect("report");
    std::fs::remove_dir_all(&dir).ok();

    // The only executable script is allowed by its hash; nothing may be fetched.
    let script = between(&html, "<script type=\"module\">", "</script>");
    let hash =
        base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(script.as_bytes()));
    let csp = between(
        &html,
        "http-equiv=\"Content-Security-Policy\" content=\"",
        "\"",
    );
    assert!(
        csp.contains(&format!("script-src 'sha256-{hash}' 'wasm-unsafe-eval'")),
        "{csp}"
    );
    assert!(csp.starts_with("default-src 'none'") && csp.contains("connect-src 'none'"));
    assert!(
        !html.contains(" src=") && !html.contains(" href="),
        "no external resource"
    );
    assert!(script.contains("await __wbg_init({ module_or_path: bytes })"));
    // The wasm is there, base64-encoded.
    let wasm = between(&html, "id=\"flakelens-wasm\">", "</script>");
    assert_eq!(
        base64::engine::general_purpose::STANDARD
            .decode(wasm)
            .expect("base64"),
        b"\0asm\x01\0\0\0"
    );
    // The worker's glue and wasm are there, base64-encoded; workers may start from blob: only.
    let decode = |id: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(between(&html, &format!("id=\"{id}\">"), "</script>"))
            .expect("base64")
    };
    assert_eq!(
        decode("flakelens-worker-js"),
        b"let wasm_bindgen = (function() {})();\n"
    );
    assert_eq!(decode("flakelens-worker-wasm"), b"\0asm\x01\0\0\x02");
    assert!(csp.contains("worker-src blob:;"), "{csp}");
    // The audit is there, and is the CLI's audit of the same files.
    let embedded: serde_json::Value =
        serde_json::from_str(between(&html, "id=\"flakelens-audit\">", "</script>"))
            .expect("audit JSON");
    assert_eq!(embedded["schema"], "flakelens-audit/1");
    assert_eq!(embedded["totals"]["runs"], 20);
}

#[test]
fn report_without_a_built_app_says_how_to_build_it() {
    let out = flakelens(&[
        "report",
        "examples/reports/sequential",
        "--app",
        "no/such/dist",
        "-o",
        "/dev/null",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("trunk build --release"));
}
