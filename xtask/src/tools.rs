//! `cargo xtask setup`: make sure the pinned tools are installed, installing the missing ones.
//!
//! Each step prints one line saying what it found or installed. Versions are checked by
//! running the tool (`trunk --version`, `wasm-bindgen --version`), never assumed.
//!
//! Nothing here downloads from anywhere but the package registries: Trunk cannot fetch its
//! own tools on the build machines, so `wasm-bindgen-cli` comes from crates.io at exactly the
//! version `Cargo.lock` pins, and Trunk uses the copy on `PATH`.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context, Result};

use crate::cmd;

/// The Trunk release the project builds with.
pub const TRUNK_VERSION: &str = "0.21.14";
const WASM_TARGET: &str = "wasm32-unknown-unknown";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Which groups of tools a task needs.
#[derive(Clone, Copy)]
pub struct Needs {
    /// wasm32 target, trunk and wasm-bindgen-cli: to build the page.
    pub web: bool,
    /// Chromium and the e2e npm packages: to run the end-to-end test.
    pub browser: bool,
    /// Say how `cargo xtask test` will run the tests (cargo-nextest is optional), and
    /// valgrind for the instruction-count check.
    pub tests: bool,
}

impl Needs {
    pub fn all() -> Self {
        Needs {
            web: true,
            browser: true,
            tests: true,
        }
    }

    pub fn web() -> Self {
        Needs {
            web: true,
            browser: false,
            tests: false,
        }
    }
}

pub fn setup(root: &Path, needs: Needs) -> Result<()> {
    if needs.web {
        wasm_target(root)?;
        wasm_bindgen(root)?;
        trunk(root)?;
    }
    if needs.browser {
        chromium()?;
        e2e_packages(root)?;
    }
    if needs.tests {
        valgrind()?;
        if nextest_available() {
            report("cargo-nextest", "found, tests run with `cargo nextest run`");
        } else {
            report("cargo-nextest", "not found, tests run with `cargo test`");
        }
    }
    Ok(())
}

/// What `bench/wasm/run.mjs` needs (the wasm32 target and wasm-bindgen-cli to build its
/// module, Chromium and the e2e npm packages to run it), installed when missing. Not trunk:
/// the benchmark's module is built without it.
pub fn setup_wasm_bench(root: &Path) -> Result<()> {
    wasm_target(root)?;
    wasm_bindgen(root)?;
    chromium()?;
    e2e_packages(root)
}

/// Prepends `$CARGO_HOME/bin` to `PATH` (for this process and its children) when missing,
/// so tools that `cargo install` just put there are found.
pub fn put_cargo_bin_on_path() {
    let Some(bin) = cargo_home().map(|home| home.join("bin")) else {
        return;
    };
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if dirs.contains(&bin) {
        return;
    }
    dirs.insert(0, bin);
    if let Ok(joined) = std::env::join_paths(dirs) {
        // Single-threaded at this point: nothing else reads the environment concurrently.
        std::env::set_var("PATH", joined);
    }
}

/// `trunk` without its online update check. It finds wasm-bindgen on `PATH` (installed by
/// [`setup`] at the Cargo.lock version), so it has nothing to download, as long as
/// `index.html` turns wasm-opt off (`data-wasm-opt="0"`). `TRUNK_OFFLINE` is not set: it would
/// also pass `--offline` to cargo, which fails on a fresh machine with an empty crate cache.
pub fn trunk_command() -> Command {
    let mut command = Command::new("trunk");
    command.env("TRUNK_SKIP_VERSION_CHECK", "true");
    command
}

/// Whether `cargo nextest` can be used.
pub fn nextest_available() -> bool {
    cmd::on_path("cargo-nextest")
}

fn cargo_home() -> Option<PathBuf> {
    match std::env::var_os("CARGO_HOME") {
        Some(home) if !home.is_empty() => Some(PathBuf::from(home)),
        _ => std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cargo")),
    }
}

fn report(tool: &str, what: &str) {
    println!("setup: {tool}: {what}");
}

fn wasm_target(root: &Path) -> Result<()> {
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(root)
        .output()
        .context("cannot run `rustup target list --installed`")?;
    let listed = String::from_utf8_lossy(&installed.stdout)
        .lines()
        .any(|line| line.trim() == WASM_TARGET);
    if listed {
        report(WASM_TARGET, "found");
        return Ok(());
    }
    cmd::run(
        Command::new("rustup").args(["target", "add", WASM_TARGET]),
        root,
    )?;
    report(WASM_TARGET, "installed");
    Ok(())
}

fn wasm_bindgen(root: &Path) -> Result<()> {
    let wanted = locked_version(root, "wasm-bindgen")?;
    let found = tool_version("wasm-bindgen");
    if found.as_deref() == Some(wanted.as_str()) {
        report(
            "wasm-bindgen-cli",
            &format!("found {wanted} (matches Cargo.lock)"),
        );
        return Ok(());
    }
    // Deliberately without `--locked` (the project's build notes say so); only the version of
    // the CLI itself has to match the `wasm-bindgen` crate in Cargo.lock.
    cmd::run(
        cmd::cargo().args(["install", "wasm-bindgen-cli", "--version", &wanted]),
        root,
    )?;
    check_installed("wasm-bindgen", &wanted)?;
    report(
        "wasm-bindgen-cli",
        &format!(
            "installed {wanted} (was {})",
            found.as_deref().unwrap_or("missing")
        ),
    );
    Ok(())
}

fn trunk(root: &Path) -> Result<()> {
    let found = tool_version("trunk");
    if found.as_deref() == Some(TRUNK_VERSION) {
        report("trunk", &format!("found {TRUNK_VERSION}"));
        return Ok(());
    }
    cmd::run(
        cmd::cargo().args(["install", "--locked", "trunk", "--version", TRUNK_VERSION]),
        root,
    )?;
    check_installed("trunk", TRUNK_VERSION)?;
    report(
        "trunk",
        &format!(
            "installed {TRUNK_VERSION} (was {})",
            found.as_deref().unwrap_or("missing")
        ),
    );
    Ok(())
}

fn chromium() -> Result<()> {
    if Path::new(CHROMIUM).exists() && Path::new("/usr/bin/chromedriver").exists() {
        let version = cmd::first_line(CHROMIUM, ["--version"]).unwrap_or_default();
        report("chromium", &format!("found {CHROMIUM} ({version})"));
        return Ok(());
    }
    let install = "apt-get update && apt-get install -y chromium chromium-driver";
    if cmd::first_line("id", ["-u"]).as_deref() != Some("0") {
        bail!("{CHROMIUM} or chromedriver is missing and xtask is not running as root; install it with:\n    sudo sh -c '{install}'");
    }
    let apt = |args: &[&str]| {
        let mut command = Command::new("apt-get");
        command.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        command
    };
    cmd::run(&mut apt(&["update"]), Path::new("/"))?;
    cmd::run(
        &mut apt(&["install", "-y", "chromium", "chromium-driver"]),
        Path::new("/"),
    )?;
    if !Path::new(CHROMIUM).exists() || !Path::new("/usr/bin/chromedriver").exists() {
        bail!("`{install}` succeeded but {CHROMIUM} or /usr/bin/chromedriver is still missing");
    }
    report(
        "chromium",
        "installed chromium and chromium-driver with apt-get",
    );
    Ok(())
}

/// valgrind, for `cargo xtask icount` (callgrind): installed with apt-get when missing.
pub fn valgrind() -> Result<()> {
    if let Some(version) = cmd::first_line("valgrind", ["--version"]) {
        report("valgrind", &format!("found {version}"));
        return Ok(());
    }
    let install = "apt-get update && apt-get install -y valgrind";
    if cmd::first_line("id", ["-u"]).as_deref() != Some("0") {
        bail!("valgrind is missing and xtask is not running as root; install it with:\n    sudo sh -c '{install}'");
    }
    for args in [&["update"][..], &["install", "-y", "valgrind"][..]] {
        let mut apt = Command::new("apt-get");
        apt.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        cmd::run(&mut apt, Path::new("/"))?;
    }
    let Some(version) = cmd::first_line("valgrind", ["--version"]) else {
        bail!("`{install}` succeeded but `valgrind --version` still fails");
    };
    report("valgrind", &format!("installed {version} with apt-get"));
    Ok(())
}

fn e2e_packages(root: &Path) -> Result<()> {
    let dir = root.join("tests/e2e");
    let Some(node) = cmd::first_line("node", ["--version"]) else {
        bail!("node is not on PATH; the end-to-end test needs Node.js 20 or later and npm");
    };
    if dir
        .join("node_modules/playwright-core/package.json")
        .is_file()
    {
        report(
            "tests/e2e npm packages",
            &format!("found node_modules (node {node})"),
        );
        return Ok(());
    }
    if !cmd::on_path("npm") {
        bail!("npm is not on PATH; it installs the end-to-end test's packages (`npm ci` in tests/e2e)");
    }
    cmd::run(
        Command::new("npm").args(["ci", "--no-audit", "--no-fund"]),
        &dir,
    )?;
    report(
        "tests/e2e npm packages",
        &format!("installed with npm ci (node {node})"),
    );
    Ok(())
}

/// The version a tool reports for `--version`: the last word of its first line, so
/// `trunk 0.21.14` gives `0.21.14`.
fn tool_version(program: &str) -> Option<String> {
    let line = cmd::first_line(program, ["--version"])?;
    line.split_whitespace().last().map(str::to_owned)
}

fn check_installed(program: &str, wanted: &str) -> Result<()> {
    match tool_version(program) {
        Some(found) if found == wanted => Ok(()),
        found => bail!(
            "installed {program} {wanted}, but `{program} --version` on PATH reports {}; \
             is another copy earlier on PATH?",
            found.as_deref().unwrap_or("nothing")
        ),
    }
}

/// The version of package `name` in `Cargo.lock`; fails unless exactly one version is locked.
fn locked_version(root: &Path, name: &str) -> Result<String> {
    let path = root.join("Cargo.lock");
    let lock = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let versions = parse_locked_versions(&lock, name);
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => bail!("Cargo.lock has no package named `{name}`"),
        many => bail!(
            "Cargo.lock has several versions of `{name}`: {}",
            many.join(", ")
        ),
    }
}

/// Every `version` of the `[[package]]` entries called `name` in a Cargo.lock text.
fn parse_locked_versions(lock: &str, name: &str) -> Vec<String> {
    let wanted_name = format!("name = \"{name}\"");
    lock.split("[[package]]")
        .filter(|block| block.lines().any(|line| line.trim() == wanted_name))
        .filter_map(|block| {
            block.lines().find_map(|line| {
                let value = line.trim().strip_prefix("version = \"")?;
                value.strip_suffix('"').map(str::to_owned)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.131"
"#;

    #[test]
    fn finds_the_locked_version_by_exact_name() {
        assert_eq!(parse_locked_versions(LOCK, "wasm-bindgen"), ["0.2.130"]);
        assert_eq!(
            parse_locked_versions(LOCK, "wasm-bindgen-macro"),
            ["0.2.131"]
        );
        assert!(parse_locked_versions(LOCK, "trunk").is_empty());
    }
}
