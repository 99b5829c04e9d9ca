//! `cargo xtask bench`: flakelens and its peers, side by side, on the same files in one run.
//!
//! 1. Builds the release CLI and the programs of `bench/rust` (the quick-xml tokenize-only
//!    limit and the `quick-junit` crate's reader).
//! 2. Generates the input with `flakelens gen --tests N --runs R` (default 20,000 × 10, about
//!    66 MB) into `<target>/bench-input/NxR`, and the same runs with `--flat` into
//!    `<target>/bench-input/NxR-flat` for the quick-junit crate's reader, which skips nested
//!    suites; flakelens runs on that copy too, and the reader is compared with that run.
//! 3. Installs the peers when missing or out of date: `bench/peers/.venv` from
//!    `requirements.txt` (pip), `bench/peers/node_modules` from `package-lock.json` (`npm ci`).
//! 4. Runs every tool on the directory under `/usr/bin/time -f '%e %M'`, round-robin so that
//!    other load on the machine spreads over all of them: the best of `--reps` (default 3)
//!    runs for a tool whose first run took under [`SLOW_SECONDS`], one run otherwise; each
//!    timed run right after an untimed one of the same tool ([`warm_then_measure`]).
//! 5. Runs `node bench/wasm/run.mjs DIR` when that script exists (flakelens compiled to wasm,
//!    in headless Chromium) and adds its row, installing what it needs when missing (the
//!    wasm32 target, wasm-bindgen-cli, Chromium, the e2e npm packages).
//! 6. Writes `bench/results/latest.md` and `bench/results/NxR.md` (machine, load, date,
//!    input, the table, the targets of the performance issue) and the table into README.md and BENCHMARKS.md between the
//!    `<!-- bench:side-by-side:begin -->` and `<!-- bench:side-by-side:end -->` markers, and
//!    prints it. `--quick` (2,000 × 5, one run each) writes `<target>/bench-quick.md` only.
//!
//! Wall time is this process's monotonic clock around each child (`/usr/bin/time`'s `%e` has
//! 10 ms steps, too coarse for the fast rows; it is still read, as a check); peak RSS is
//! `/usr/bin/time`'s `%M` (KiB). MB are 10^6 bytes.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::{cmd, target_dir};

/// A tool whose first run takes at least this long (seconds) is run once.
pub const SLOW_SECONDS: f64 = 30.0;

/// The wasm script gets this long before it is stopped.
const WASM_TIMEOUT: Duration = Duration::from_secs(10 * 60);

const TIME: &str = "/usr/bin/time";
const BEGIN: &str = "<!-- bench:side-by-side:begin -->";
const END: &str = "<!-- bench:side-by-side:end -->";

/// What `cargo xtask bench` was asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Tests per generated run (`--tests`).
    pub tests: usize,
    /// Generated runs, one file each (`--runs`).
    pub runs: usize,
    /// Runs of each fast tool; the best counts (`--reps`).
    pub reps: usize,
    /// A small input and one run each, written outside the repository (`--quick`).
    pub quick: bool,
}

/// Parses the arguments after `bench`: `[--tests N] [--runs R] [--reps K] [--quick]`
/// (`--flag=value` works too). `--quick` changes the defaults to 2,000 × 5 and 1 rep; values
/// given explicitly win.
pub fn parse_args(args: &[String]) -> Result<Options> {
    let (mut tests, mut runs, mut reps, mut quick) = (None, None, None, false);
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag, Some(value.to_owned())),
            None => (arg.as_str(), None),
        };
        let slot = match flag {
            "--quick" if inline.is_none() => {
                quick = true;
                continue;
            }
            "--tests" => &mut tests,
            "--runs" => &mut runs,
            "--reps" => &mut reps,
            _ => bail!(
                "unexpected argument `{arg}` \
                 (usage: cargo xtask bench [--tests N] [--runs R] [--reps K] [--quick])"
            ),
        };
        let value = match inline {
            Some(value) => value,
            None => args
                .next()
                .with_context(|| format!("`{flag}` needs a value"))?
                .clone(),
        };
        let n: usize = value
            .parse()
            .with_context(|| format!("`{flag} {value}`: not a whole number"))?;
        if n == 0 {
            bail!("`{flag}` must be at least 1");
        }
        *slot = Some(n);
    }
    let (d_tests, d_runs, d_reps) = if quick {
        (2_000, 5, 1)
    } else {
        (20_000, 10, 3)
    };
    Ok(Options {
        tests: tests.unwrap_or(d_tests),
        runs: runs.unwrap_or(d_runs),
        reps: reps.unwrap_or(d_reps),
        quick,
    })
}

/// How a tool tells how much it read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Count {
    /// The audit written with `-o`: the sum of its runs' `testcase_elements`.
    Audit,
    /// A JSON line on stdout with `testcases` (and `rejected`).
    Testcases,
    /// A JSON line on stdout with `events` (the tokenizer counts events, not testcases).
    Events,
}

struct Tool {
    name: String,
    program: OsString,
    args: Vec<OsString>,
    dir: PathBuf,
    count: Count,
    best: Option<Measure>,
    runs: usize,
    note: Option<String>,
    /// Runs on the flat copy of the input (`flakelens gen --flat`), and is compared with
    /// flakelens on that copy.
    flat: bool,
}

#[derive(Debug, Clone)]
struct Measure {
    wall: f64,
    rss_kib: u64,
    read: String,
}

/// Seconds and KiB from `/usr/bin/time -f '%e %M'` output: the last non-empty line (GNU time
/// writes "Command exited with non-zero status N" first when the command fails).
pub fn parse_time(text: &str) -> Result<(f64, u64)> {
    let line = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .context("/usr/bin/time wrote nothing")?;
    let mut words = line.split_whitespace();
    let (Some(secs), Some(kib), None) = (words.next(), words.next(), words.next()) else {
        bail!("unexpected /usr/bin/time line `{line}` (wanted `%e %M`)");
    };
    let secs: f64 = secs
        .parse()
        .with_context(|| format!("`{secs}` is not seconds"))?;
    let kib: u64 = kib.parse().with_context(|| format!("`{kib}` is not KiB"))?;
    Ok((secs, kib))
}

/// The number after `"key":` in a one-line JSON object written by our own programs, or
/// `None` when the key is missing or not followed by a number.
pub fn json_number(text: &str, key: &str) -> Option<f64> {
    let needle = format!("\"{key}\":");
    let start = text.find(&needle)? + needle.len();
    let rest = text[start..].trim_start();
    let end = rest
        .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}

/// The string after the first `"key":` in a JSON document, without escapes (`None` when the
/// key is missing or its value is not a plain string).
pub fn json_string(text: &str, key: &str) -> Option<String> {
    let needle = format!("\"{key}\":");
    let start = text.find(&needle)? + needle.len();
    let rest = text[start..].trim_start().strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    (rest.as_bytes()[end] == b'"').then(|| rest[..end].to_owned())
}

/// The sum of every `"key": N` in a document (the audit is pretty-printed, one key a line).
pub fn sum_key(text: &str, key: &str) -> u64 {
    let needle = format!("\"{key}\":");
    text.match_indices(&needle)
        .filter_map(|(i, _)| {
            let rest = text[i + needle.len()..].trim_start();
            let end = rest
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len());
            rest[..end].parse::<u64>().ok()
        })
        .sum()
}

/// Runs the whole benchmark (see the module documentation).
pub fn bench(root: &Path, opts: &Options) -> Result<()> {
    if !Path::new(TIME).is_file() {
        bail!("{TIME} (GNU time) is missing: `apt-get install time`");
    }
    let target = target_dir(root);
    let peers = root.join("bench/peers");

    // 1. Builds.
    cmd::run(
        cmd::cargo().args(["build", "--release", "--locked", "-p", "flakelens-cli"]),
        root,
    )?;
    let bench_target = target.join("bench-rust");
    cmd::run(
        cmd::cargo()
            .args(["build", "--release", "--locked", "--manifest-path"])
            .arg(root.join("bench/rust/Cargo.toml"))
            .arg("--target-dir")
            .arg(&bench_target),
        root,
    )?;
    let flakelens = target.join("release/flakelens");
    let bins = bench_target.join("release");

    // 2. Input.
    let input = target
        .join("bench-input")
        .join(format!("{}x{}", opts.tests, opts.runs));
    if input.exists() {
        std::fs::remove_dir_all(&input)
            .with_context(|| format!("cannot clear {}", input.display()))?;
    }
    cmd::run(
        Command::new(&flakelens)
            .args(["gen", "--tests", &opts.tests.to_string()])
            .args(["--runs", &opts.runs.to_string(), "-o"])
            .arg(&input),
        root,
    )?;
    // The same runs with one level of suites, for the quick-junit crate's reader, which
    // skips nested suites (and so reads no testcase of the nested files).
    let flat_input = input.with_file_name(format!("{}x{}-flat", opts.tests, opts.runs));
    if flat_input.exists() {
        std::fs::remove_dir_all(&flat_input)
            .with_context(|| format!("cannot clear {}", flat_input.display()))?;
    }
    cmd::run(
        Command::new(&flakelens)
            .args(["gen", "--flat", "--tests", &opts.tests.to_string()])
            .args(["--runs", &opts.runs.to_string(), "-o"])
            .arg(&flat_input),
        root,
    )?;
    let bytes = Sizes {
        nested: dir_bytes(&input)?,
        flat: dir_bytes(&flat_input)?,
    };
    let work = target.join("bench-work");
    std::fs::create_dir_all(&work)?;
    let audit = work.join("flakelens-audit.json");
    let flat_audit = work.join("flakelens-audit-flat.json");

    // 3. Peers.
    let python = install_python_peers(&peers)?;
    install_node_peers(&peers)?;

    // 4. Measurements.
    let load_before = load_average();
    let inputs = Inputs {
        nested: &input,
        flat: &flat_input,
        audit: &audit,
        flat_audit: &flat_audit,
    };
    let mut tools = tool_list(&flakelens, &bins, &python, &peers, &inputs, root);
    for rep in 0..opts.reps {
        for tool in &mut tools {
            let slow = tool.best.as_ref().is_some_and(|m| m.wall >= SLOW_SECONDS);
            if rep > 0 && slow {
                continue;
            }
            let tool_audit = if tool.flat { &flat_audit } else { &audit };
            let m = warm_then_measure(tool, tool_audit)
                .with_context(|| format!("running `{}`", tool.name))?;
            println!(
                "bench: {:<28} run {}: {:>8.3} s  {:>7.0} MB peak RSS  {}",
                tool.name,
                rep + 1,
                m.wall,
                kib_to_mb(m.rss_kib),
                m.read
            );
            tool.runs += 1;
            if tool.best.as_ref().is_none_or(|b| m.wall < b.wall) {
                tool.best = Some(m);
            }
        }
    }

    let load_after = load_average();

    // 5. The wasm row, when its script exists.
    let wasm = wasm_row(root, &input);

    // 6. Report.
    let versions = versions(root, &python, &peers);
    let load = (load_before, load_after);
    let report = render(root, opts, bytes, &tools, &wasm, &versions, load);
    println!("\n{report}");
    if opts.quick {
        let out = target.join("bench-quick.md");
        std::fs::write(&out, &report)?;
        println!(
            "bench: --quick: wrote {} (bench/results/latest.md is kept)",
            out.display()
        );
    } else {
        let results = root.join("bench/results");
        std::fs::create_dir_all(&results)?;
        for name in [
            "latest.md".to_owned(),
            format!("{}x{}.md", opts.tests, opts.runs),
        ] {
            std::fs::write(results.join(&name), &report)?;
            println!("bench: wrote bench/results/{name}");
        }
        let excerpt = excerpt(&report);
        for doc in ["README.md", "BENCHMARKS.md"] {
            match replace_between_markers(&root.join(doc), &excerpt)? {
                true => println!("bench: updated the table in {doc}"),
                false => println!("bench: {doc} has no {BEGIN} marker; left as it is"),
            }
        }
    }
    Ok(())
}

/// What the tools read and where flakelens writes its audits.
struct Inputs<'a> {
    /// `flakelens gen`'s files, nested suites.
    nested: &'a Path,
    /// The same runs written with `--flat`.
    flat: &'a Path,
    /// flakelens' audit of `nested`.
    audit: &'a Path,
    /// flakelens' audit of `flat`.
    flat_audit: &'a Path,
}

/// The bytes of each input, for MB/s.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    nested: u64,
    flat: u64,
}

fn tool_list(
    flakelens: &Path,
    bins: &Path,
    python: &Path,
    peers: &Path,
    inputs: &Inputs,
    root: &Path,
) -> Vec<Tool> {
    let input = inputs.nested;
    let tool = |name: &str, program: &Path, args: Vec<OsString>, dir: &Path, count| Tool {
        name: name.to_owned(),
        program: program.as_os_str().to_owned(),
        args,
        dir: dir.to_path_buf(),
        count,
        best: None,
        runs: 0,
        note: None,
        flat: false,
    };
    let on_input = |script: &str| vec![OsString::from(script), input.as_os_str().to_owned()];
    let node = Path::new("node");
    let analyze = |dir: &Path, audit: &Path| -> Vec<OsString> {
        vec![
            "analyze".into(),
            dir.as_os_str().to_owned(),
            "-o".into(),
            audit.as_os_str().to_owned(),
        ]
    };
    let flat = |mut tool: Tool| {
        tool.flat = true;
        tool
    };
    // The flat copy's two rows come right after flakelens' own, so that both flakelens runs
    // meet the machine in the same state: on a virtual machine, the cost of memory a process
    // touches first moves with what ran before (after xml2js' 700 MB, flakelens' same run
    // took up to twice as long; BENCHMARKS.md, "Fresh memory").
    vec![
        tool(
            "flakelens CLI (analyze -o)",
            flakelens,
            analyze(input, inputs.audit),
            root,
            Count::Audit,
        ),
        flat(tool(
            "flakelens CLI (analyze -o), flat copy",
            flakelens,
            analyze(inputs.flat, inputs.flat_audit),
            root,
            Count::Audit,
        )),
        flat(tool(
            "quick-junit reader, flat copy",
            &bins.join("quick-junit-read"),
            vec![inputs.flat.as_os_str().to_owned()],
            root,
            Count::Testcases,
        )),
        tool(
            "quick-xml tokenize-only",
            &bins.join("tokenize-only"),
            vec![input.as_os_str().to_owned()],
            root,
            Count::Events,
        ),
        tool(
            "Python ElementTree iterparse",
            python,
            on_input("etree_iterparse_peer.py"),
            peers,
            Count::Testcases,
        ),
        tool(
            "Python junitparser",
            python,
            on_input("junitparser_peer.py"),
            peers,
            Count::Testcases,
        ),
        tool(
            "node fast-xml-parser",
            node,
            on_input("fast_xml_parser_peer.js"),
            peers,
            Count::Testcases,
        ),
        tool(
            "node xml2js (xunit-viewer's)",
            node,
            on_input("xml2js_peer.js"),
            peers,
            Count::Testcases,
        ),
    ]
}

/// Runs `tool` once untimed, then once timed ([`measure`]). On the virtual machines this was
/// measured on, the time a process takes to touch memory for the first time moves with what
/// ran before it: the same flakelens run took 0.24-0.25 s right after another flakelens run
/// and 0.35-0.49 s, up to twice as long, after xml2js' 700 MB (BENCHMARKS.md, "Fresh
/// memory"). A warm-up puts every
/// tool in the same state, its own previous run, whatever the order of the rows.
fn warm_then_measure(tool: &mut Tool, audit: &Path) -> Result<Measure> {
    measure(tool, audit)?;
    measure(tool, audit)
}

fn measure(tool: &mut Tool, audit: &Path) -> Result<Measure> {
    let time_file =
        std::env::temp_dir().join(format!("flakelens-bench-time-{}", std::process::id()));
    let mut command = Command::new(TIME);
    command
        .arg("-o")
        .arg(&time_file)
        .args(["-f", "%e %M"])
        .arg(&tool.program)
        .args(&tool.args)
        .current_dir(&tool.dir)
        .stdin(Stdio::null());
    if tool.count == Count::Audit {
        // The text summary is not part of the measured job's output; the audit file is.
        command.stdout(Stdio::null());
    }
    let start = Instant::now();
    let out = command
        .output()
        .with_context(|| format!("cannot start `{}`", cmd::display(&command)))?;
    let wall = start.elapsed().as_secs_f64();
    let time_text = std::fs::read_to_string(&time_file).unwrap_or_default();
    let _ = std::fs::remove_file(&time_file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!(
            "`{}` failed ({}):\n{}",
            cmd::display(&command),
            out.status,
            tail(&stderr, 20)
        );
    }
    let (secs, rss_kib) = parse_time(&time_text)?;
    if (secs - wall).abs() > 0.05 + 0.05 * wall {
        println!(
            "bench: note: {} took {wall:.3} s by our clock, {secs:.2} s by /usr/bin/time",
            tool.name
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let read = match tool.count {
        Count::Audit => {
            let text = std::fs::read_to_string(audit)
                .with_context(|| format!("cannot read the audit {}", audit.display()))?;
            format!("{} testcases", sum_key(&text, "testcase_elements"))
        }
        Count::Events => {
            let events = json_number(&stdout, "events").context("no `events` in the output")?;
            format!("{events} XML events")
        }
        Count::Testcases => {
            let n = json_number(&stdout, "testcases").context("no `testcases` in the output")?;
            let rejected = json_number(&stdout, "rejected").unwrap_or(0.0);
            if n == 0.0 && rejected == 0.0 {
                tool.note = Some(
                    "accepted every file but read 0 testcases, so its time is not a \
                     comparable figure"
                        .into(),
                );
                format!("{n} testcases (see the notes)")
            } else if rejected > 0.0 {
                let first = stderr.lines().next().unwrap_or("");
                tool.note = Some(format!("rejected {rejected} files, e.g. {first}"));
                format!("{n} testcases, {rejected} files rejected")
            } else {
                format!("{n} testcases")
            }
        }
    };
    Ok(Measure {
        wall,
        rss_kib,
        read,
    })
}

/// The wasm row from `node bench/wasm/run.mjs DIR`, or why there is none.
enum Wasm {
    Row {
        seconds: f64,
        mb_per_s: f64,
        peak_wasm_bytes: f64,
    },
    Missing(String),
}

fn wasm_row(root: &Path, input: &Path) -> Wasm {
    let script = root.join("bench/wasm/run.mjs");
    if !script.is_file() {
        return Wasm::Missing("bench/wasm/run.mjs does not exist yet".into());
    }
    if let Err(e) = crate::tools::setup_wasm_bench(root) {
        return Wasm::Missing(format!("what bench/wasm/run.mjs needs is missing: {e:#}"));
    }
    println!("$ node bench/wasm/run.mjs {}", input.display());
    let child = Command::new("node")
        .arg(&script)
        .arg(input)
        .current_dir(root)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn();
    let mut child = match child {
        Ok(child) => child,
        Err(e) => return Wasm::Missing(format!("cannot start node bench/wasm/run.mjs: {e}")),
    };
    let start = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) if start.elapsed() > WASM_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Wasm::Missing(format!(
                    "bench/wasm/run.mjs did not finish in {} s",
                    WASM_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(200)),
            Err(e) => return Wasm::Missing(format!("waiting for bench/wasm/run.mjs: {e}")),
        }
    }
    let out = match child.wait_with_output() {
        Ok(out) => out,
        Err(e) => return Wasm::Missing(format!("bench/wasm/run.mjs: {e}")),
    };
    if !out.status.success() {
        return Wasm::Missing(format!("bench/wasm/run.mjs failed ({})", out.status));
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let Some(line) = stdout
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
    else {
        return Wasm::Missing("bench/wasm/run.mjs printed no JSON line".into());
    };
    match (
        json_number(line, "seconds"),
        json_number(line, "mb_per_s"),
        json_number(line, "peak_wasm_bytes"),
    ) {
        (Some(seconds), Some(mb_per_s), Some(peak_wasm_bytes)) => Wasm::Row {
            seconds,
            mb_per_s,
            peak_wasm_bytes,
        },
        _ => Wasm::Missing(format!(
            "bench/wasm/run.mjs printed `{line}`, not the expected fields"
        )),
    }
}

/// `bench/peers/.venv` with `requirements.txt` installed; returns its python.
fn install_python_peers(peers: &Path) -> Result<PathBuf> {
    let venv = peers.join(".venv");
    let python = venv.join("bin/python");
    if !python.is_file() {
        cmd::run(
            Command::new("python3").args(["-m", "venv"]).arg(&venv),
            peers,
        )?;
    }
    let wanted = std::fs::read_to_string(peers.join("requirements.txt"))?;
    let stamp = venv.join("flakelens-requirements.txt");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        cmd::run(
            Command::new(&python).args([
                "-m",
                "pip",
                "install",
                "--disable-pip-version-check",
                "--quiet",
                "-r",
                "requirements.txt",
            ]),
            peers,
        )?;
        std::fs::write(&stamp, &wanted)?;
    }
    Ok(python)
}

/// `bench/peers/node_modules` from `package-lock.json` (`npm ci`), when missing or stale.
fn install_node_peers(peers: &Path) -> Result<()> {
    let lock = std::fs::read_to_string(peers.join("package-lock.json"))?;
    let stamp = peers.join("node_modules/.flakelens-package-lock.json");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(lock.as_str()) {
        cmd::run(
            Command::new("npm").args(["ci", "--no-audit", "--no-fund"]),
            peers,
        )?;
        std::fs::write(&stamp, &lock)?;
    }
    Ok(())
}

/// The versions the figures were taken with, one `name version` a line.
fn versions(root: &Path, python: &Path, peers: &Path) -> Vec<String> {
    let line = |program: &OsString, args: &[&str], dir: &Path| -> String {
        cmd::printed(Command::new(program).args(args).current_dir(dir))
            .map(|text| text.trim().to_owned())
            .unwrap_or_else(|| "unknown".into())
    };
    let py = python.as_os_str().to_owned();
    let node: OsString = "node".into();
    let rustc: OsString = "rustc".into();
    let py_pkg = |name: &str| {
        line(
            &py,
            &[
                "-c",
                &format!("import importlib.metadata as m; print(m.version('{name}'))"),
            ],
            peers,
        )
    };
    // Read from the package's own package.json: some packages do not export that file.
    let node_pkg = |name: &str| {
        std::fs::read_to_string(peers.join("node_modules").join(name).join("package.json"))
            .ok()
            .and_then(|text| json_string(&text, "version"))
            .unwrap_or_else(|| "unknown".into())
    };
    vec![
        line(&rustc, &["--version"], root),
        format!(
            "Python {}",
            line(
                &py,
                &["-c", "import platform; print(platform.python_version())"],
                peers
            )
        ),
        format!("junitparser {}", py_pkg("junitparser")),
        format!("node {}", line(&node, &["--version"], peers)),
        format!("xml2js {}", node_pkg("xml2js")),
        format!("fast-xml-parser {}", node_pkg("fast-xml-parser")),
        "quick-xml 0.42.0 and quick-junit 0.8.0 (bench/rust/Cargo.toml)".into(),
    ]
}

fn render(
    root: &Path,
    opts: &Options,
    bytes: Sizes,
    tools: &[Tool],
    wasm: &Wasm,
    versions: &[String],
    load: (String, String),
) -> String {
    let mb = bytes.nested as f64 / 1e6;
    let flat_mb = bytes.flat as f64 / 1e6;
    // flakelens' time on each input: the first row of each.
    let flakelens_on = |flat: bool| {
        tools
            .iter()
            .find(|t| t.flat == flat)
            .and_then(|t| t.best.as_ref())
            .map_or(f64::NAN, |m| m.wall)
    };
    let flakelens = flakelens_on(false);
    let wall_of = |name: &str| {
        tools
            .iter()
            .find(|t| t.name.starts_with(name))
            .and_then(|t| t.best.as_ref())
            .map_or(f64::NAN, |m| m.wall)
    };
    let mut s = String::new();
    let _ = writeln!(s, "# Side by side: flakelens and its peers\n");
    let _ = writeln!(
        s,
        "Written by `cargo xtask bench{}` on {}.\n",
        args_text(opts),
        date()
    );
    let _ = writeln!(s, "- Machine: {}", machine());
    let _ = writeln!(s, "- flakelens: {}", revision(root));
    let _ = writeln!(
        s,
        "- Input: `flakelens gen --tests {} --runs {}`: {} files, {:.1} MB, read from the page \
         cache; the rows marked \"flat copy\" read `flakelens gen --flat` with the same \
         arguments ({:.1} MB: the same testcases, byte for byte, in one level of suites) and \
         are compared with flakelens on that copy",
        opts.tests, opts.runs, opts.runs, mb, flat_mb
    );
    let runs = if opts.reps == 1 {
        "one run per tool, right after an untimed warm-up run of it".to_owned()
    } else {
        format!(
            "best of {} runs for a tool whose first run took under {SLOW_SECONDS} s, else one \
             run; runs interleaved across tools, each right after an untimed warm-up run of the \
             same tool",
            opts.reps
        )
    };
    let _ = writeln!(
        s,
        "- Wall time: {runs}; the whole process, from start to exit. Peak RSS: GNU time's \
         `%M`. MB = 10^6 bytes."
    );
    let _ = writeln!(
        s,
        "- Load average (1 min) before and after the runs: {} and {} on {} cores; other work \
         on the machine slows every row, so compare the ratios, measured in this one run.",
        load.0,
        load.1,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    let _ = writeln!(s, "- Versions: {}\n", versions.join("; "));
    let _ = writeln!(
        s,
        "| tool | wall s | MB/s | peak RSS MB | time ÷ flakelens (on the same input) | runs | read |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|---:|---:|---|");
    for tool in tools {
        let Some(m) = &tool.best else { continue };
        let size = if tool.flat { flat_mb } else { mb };
        let _ = writeln!(
            s,
            "| {} | {:.3} | {:.1} | {:.0} | {} | {} | {} |",
            tool.name,
            m.wall,
            size / m.wall,
            kib_to_mb(m.rss_kib),
            ratio(m.wall / flakelens_on(tool.flat)),
            tool.runs,
            m.read
        );
    }
    match wasm {
        Wasm::Row {
            seconds,
            mb_per_s,
            peak_wasm_bytes,
        } => {
            let _ = writeln!(
                s,
                "| flakelens wasm in headless Chromium (bench/wasm) | {seconds:.3} | \
                 {mb_per_s:.1} | {:.0} (wasm memory, not RSS) | {} | its own best of 3 | the \
                 in-page job, not a whole process (see the notes) |",
                peak_wasm_bytes / 1e6,
                ratio(seconds / flakelens)
            );
        }
        Wasm::Missing(why) => {
            let _ = writeln!(s, "\nNo wasm-in-Chromium row: {why}.");
        }
    }
    let _ = writeln!(
        s,
        "\nTargets of the performance issue (reported, not asserted):\n"
    );
    let target = |s: &mut String, what: &str, value: f64, goal: &str, met: bool| {
        let _ = writeln!(
            s,
            "- {what}: {} (target {goal}): {}",
            ratio(value),
            if value.is_nan() {
                "not measured"
            } else if met {
                "met"
            } else {
                "**not met**"
            }
        );
    };
    let tok = flakelens / wall_of("quick-xml tokenize-only");
    target(
        &mut s,
        "flakelens ÷ tokenize-only",
        tok,
        "at most 1.5×",
        tok <= 1.5,
    );
    let et = wall_of("Python ElementTree") / flakelens;
    target(
        &mut s,
        "ElementTree iterparse ÷ flakelens",
        et,
        "at least 6×",
        et >= 6.0,
    );
    let x2j = wall_of("node xml2js") / flakelens;
    target(
        &mut s,
        "xml2js ÷ flakelens",
        x2j,
        "at least 60×",
        x2j >= 60.0,
    );
    let mut notes: Vec<String> = tools
        .iter()
        .filter_map(|t| t.note.as_ref().map(|n| format!("- {}: {n}", t.name)))
        .collect();
    if matches!(wasm, Wasm::Row { .. }) {
        notes.push(
            "- flakelens wasm: `node bench/wasm/run.mjs DIR` times one call into wasm with \
             `performance.now()` (copying the files into wasm memory, reading, analyzing) after \
             the files were fetched into the page; no file reading from disk, no audit \
             written, no process start. Its ratio to the CLI's whole process is therefore a \
             favourable one for the wasm row."
                .into(),
        );
    }
    if !notes.is_empty() {
        let _ = writeln!(s, "\nNotes:\n\n{}", notes.join("\n"));
    }
    s
}

/// The part of the report that goes into README.md and BENCHMARKS.md: everything after the
/// title.
fn excerpt(report: &str) -> String {
    let body = report
        .split_once('\n')
        .map_or(report, |(_, rest)| rest)
        .trim();
    format!("{body}\n\nFull report: [bench/results/latest.md](bench/results/latest.md).")
}

/// Replaces the text between the markers in `doc`; `false` when the markers are missing.
fn replace_between_markers(doc: &Path, text: &str) -> Result<bool> {
    let old =
        std::fs::read_to_string(doc).with_context(|| format!("cannot read {}", doc.display()))?;
    let (Some(b), Some(e)) = (old.find(BEGIN), old.find(END)) else {
        return Ok(false);
    };
    if e < b {
        return Ok(false);
    }
    let new = format!("{}{BEGIN}\n{text}\n{}", &old[..b], &old[e..]);
    if new != old {
        std::fs::write(doc, new).with_context(|| format!("cannot write {}", doc.display()))?;
    }
    Ok(true)
}

fn args_text(opts: &Options) -> String {
    let mut s = format!(" --tests {} --runs {}", opts.tests, opts.runs);
    if opts.reps != 3 {
        let _ = write!(s, " --reps {}", opts.reps);
    }
    if opts.quick {
        s.push_str(" --quick");
    }
    s
}

fn ratio(x: f64) -> String {
    if x.is_nan() {
        "n/a".into()
    } else if x >= 10.0 {
        format!("{x:.0}×")
    } else {
        format!("{x:.2}×")
    }
}

fn kib_to_mb(kib: u64) -> f64 {
    kib as f64 * 1024.0 / 1e6
}

/// `N cores, CPU, RAM`, from the standard library and /proc.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let cpu = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name").and_then(|r| r.split_once(':')))
        .map_or("unknown CPU".to_owned(), |(_, v)| v.trim().to_owned());
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram = meminfo
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or("unknown RAM".to_owned(), |kib| {
            format!("{:.1} GiB RAM", kib / 1024.0 / 1024.0)
        });
    format!("{cores} cores ({cpu}), {ram}, {}", std::env::consts::ARCH)
}

/// The commit measured, and the files under `crates/` and `Cargo.*` that differ from it.
fn revision(root: &Path) -> String {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(root)
            .stdin(Stdio::null())
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim_end().to_owned())
    };
    match git(&["rev-parse", "--short=12", "HEAD"]) {
        Some(commit) => {
            // flakelens' code and the harness that measures it (not the results it writes).
            let changed: Vec<String> = git(&[
                "status",
                "--porcelain",
                "--",
                "crates",
                "Cargo.toml",
                "Cargo.lock",
                "xtask",
                "bench",
                ":(exclude)bench/results",
            ])
            .unwrap_or_default()
            .lines()
            .filter_map(|l| l.get(3..).map(str::to_owned))
            .collect();
            if changed.is_empty() {
                format!("commit {commit}")
            } else {
                format!(
                    "commit {commit}, with uncommitted changes in {}",
                    changed.join(", ")
                )
            }
        }
        None => "unknown commit (not a git checkout)".into(),
    }
}

/// The 1-minute load average from /proc/loadavg.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}

fn date() -> String {
    cmd::first_line("date", ["-u", "+%Y-%m-%d %H:%M UTC"]).unwrap_or_else(|| "unknown date".into())
}

fn dir_bytes(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))? {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_bytes(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn defaults_are_the_issue_size() {
        let o = parse_args(&[]).expect("no arguments are fine");
        assert_eq!(
            o,
            Options {
                tests: 20_000,
                runs: 10,
                reps: 3,
                quick: false
            }
        );
    }

    #[test]
    fn quick_changes_only_the_defaults() {
        let o = parse_args(&strings(&["--quick", "--runs=7"])).expect("valid");
        assert_eq!(
            o,
            Options {
                tests: 2_000,
                runs: 7,
                reps: 1,
                quick: true
            }
        );
    }

    #[test]
    fn rejects_bad_arguments() {
        assert!(parse_args(&strings(&["--runs"])).is_err());
        assert!(parse_args(&strings(&["--runs", "0"])).is_err());
        assert!(parse_args(&strings(&["--tests", "many"])).is_err());
        assert!(parse_args(&strings(&["--json"])).is_err());
        assert!(parse_args(&strings(&["--quick=yes"])).is_err());
    }

    #[test]
    fn reads_gnu_time_lines() {
        assert_eq!(parse_time("2.95 334068\n").expect("valid"), (2.95, 334_068));
        // A failing command: GNU time writes the status line first.
        let failed = "Command exited with non-zero status 2\n0.01 3968\n";
        assert_eq!(parse_time(failed).expect("valid"), (0.01, 3968));
        assert!(parse_time("").is_err());
        assert!(parse_time("0:02.95 334068 extra").is_err());
    }

    #[test]
    fn reads_numbers_from_our_json_lines() {
        let line = r#"{"files":10,"bytes":66332979,"testcases":200000,"rejected":0}"#;
        assert_eq!(json_number(line, "testcases"), Some(200_000.0));
        assert_eq!(json_number(line, "rejected"), Some(0.0));
        assert_eq!(json_number(line, "events"), None);
        let wasm = r#"{"mb_per_s": 12.5, "seconds":5.3,"peak_wasm_bytes":1.2e8}"#;
        assert_eq!(json_number(wasm, "mb_per_s"), Some(12.5));
        assert_eq!(json_number(wasm, "peak_wasm_bytes"), Some(120_000_000.0));
    }

    #[test]
    fn reads_plain_strings() {
        let doc = "{\n  \"name\": \"xml2js\",\n  \"version\": \"0.6.2\"\n}";
        assert_eq!(json_string(doc, "version").as_deref(), Some("0.6.2"));
        assert_eq!(json_string(doc, "license"), None);
        assert_eq!(json_string(r#"{"version": 6}"#, "version"), None);
        assert_eq!(json_string(r#"{"version": "a\"b"}"#, "version"), None);
    }

    #[test]
    fn sums_a_key_over_a_pretty_document() {
        let doc = "{\n  \"runs\": [\n    {\"testcase_elements\": 3},\n    {\n      \
                   \"testcase_elements\": 4\n    }\n  ]\n}";
        assert_eq!(sum_key(doc, "testcase_elements"), 7);
    }

    #[test]
    fn replaces_only_between_markers() {
        let dir = std::env::temp_dir().join(format!("xtask-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let doc = dir.join("doc.md");
        std::fs::write(&doc, format!("intro\n{BEGIN}\nold\n{END}\nrest\n")).expect("write");
        assert!(replace_between_markers(&doc, "new").expect("replace"));
        let text = std::fs::read_to_string(&doc).expect("read");
        assert_eq!(text, format!("intro\n{BEGIN}\nnew\n{END}\nrest\n"));
        std::fs::write(&doc, "no markers\n").expect("write");
        assert!(!replace_between_markers(&doc, "new").expect("no markers is fine"));
        std::fs::remove_dir_all(&dir).expect("clean up");
    }

    #[test]
    fn ratios_keep_two_figures_below_ten() {
        assert_eq!(ratio(1.234), "1.23×");
        assert_eq!(ratio(74.4), "74×");
        assert_eq!(ratio(f64::NAN), "n/a");
    }
}
