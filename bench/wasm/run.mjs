// flakelens' whole job in wasm in headless Chromium, on the files of a directory.
//
//   node bench/wasm/run.mjs <dir> [--simd128] [--repeat N] [--no-build]
//   node bench/wasm/run.mjs <dir> --native [--repeat N] [--no-build]
//   node bench/wasm/run.mjs <dir> --all [--repeat N] [--no-build]
//
// Default: the wasm build without simd128 in headless Chromium. Prints ONE JSON line:
//   {"mb_per_s":..,"seconds":..,"bytes":..,"peak_wasm_bytes":..,"simd128":bool,"summary":{..}}
// `seconds` is the best of N (default 3) runs of the job, timed with performance.now() around
// one call into wasm (copying each file into wasm memory, read_input, Analysis::from_reads).
// The files are fetched from a local server into Uint8Arrays before timing. MB are 10^6 bytes.
// `peak_wasm_bytes` is `memory.buffer.byteLength` after the runs: wasm memory only grows, so
// that is the peak of the module's heap (the JS copies of the files are not in it).
//
// --simd128: the build with `-C target-feature=+simd128`.
// --native:  the same job natively (the crate's `native` bin), the same JSON shape but
//            `peak_rss_bytes` (VmHWM, which includes the files held in memory) in place of
//            `peak_wasm_bytes`.
// --all:     all three, as one line {"native":{..},"wasm":{..},"wasm_simd128":{..},
//            "ratio_wasm":..,"ratio_wasm_simd128":..}, ratios being wasm MB/s ÷ native MB/s.
//            The sides take turns, one job each per round, so a change in the machine's
//            load hits them alike; each keeps its best round.
//
// --profile FILE: after the timed rounds, one more job under Chromium's CPU profiler (the
//            DevTools protocol) in the first wasm page; writes FILE (a .cpuprofile, which
//            DevTools opens) and prints the 25 functions with the most self time on stderr.
//            The module keeps its function names (the bench's build is not stripped).
//
// Builds what it runs first (cargo is a no-op when nothing changed; see README.md), unless
// --no-build. Target dir: $CARGO_TARGET_DIR, else bench/wasm/target; the simd128 build goes
// to its `simd128/` subfolder so the two builds do not invalidate each other.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { CHROMIUM_FLAGS, serveDir } from '../../tests/e2e/_harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const require = createRequire(path.join(here, '../../tests/e2e/package.json'));
const { chromium } = require('playwright-core');

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const CRATE = 'flakelens_wasm_bench';

function usage(message) {
  console.error(`run.mjs: ${message}`);
  console.error('usage: node bench/wasm/run.mjs <dir> [--simd128 | --native | --all] [--repeat N] [--no-build] [--profile FILE]');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { dir: null, mode: 'wasm', repeat: 3, build: true, profile: null };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--simd128') opts.mode = 'wasm_simd128';
    else if (arg === '--native') opts.mode = 'native';
    else if (arg === '--all') opts.mode = 'all';
    else if (arg === '--no-build') opts.build = false;
    else if (arg === '--profile') {
      opts.profile = argv[(i += 1)];
      if (!opts.profile) usage('--profile needs a file name');
    }
    else if (arg === '--repeat') {
      opts.repeat = Number(argv[(i += 1)]);
      if (!Number.isInteger(opts.repeat) || opts.repeat < 1) usage('--repeat needs a positive integer');
    } else if (arg.startsWith('--')) usage(`unknown option ${arg}`);
    else if (opts.dir === null) opts.dir = path.resolve(arg);
    else usage(`unexpected argument ${arg}`);
  }
  if (opts.dir === null) usage('no directory given');
  if (!fs.existsSync(opts.dir) || !fs.statSync(opts.dir).isDirectory()) usage(`${opts.dir} is not a directory`);
  return opts;
}

function targetDir(simd) {
  const base = process.env.CARGO_TARGET_DIR ? path.resolve(process.env.CARGO_TARGET_DIR) : path.join(here, 'target');
  return simd ? path.join(base, 'simd128') : base;
}

/** Runs a command with output on stderr (stdout is the JSON line); exits on failure. */
function sh(command, args, env = {}) {
  console.error(`$ ${Object.entries(env).map(([k, v]) => `${k}='${v}' `).join('')}${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    cwd: here,
    env: { ...process.env, ...env },
    stdio: ['ignore', process.stderr, process.stderr],
  });
  if (result.status !== 0) {
    console.error(`run.mjs: \`${command}\` failed (${result.error || `exit ${result.status}`})`);
    process.exit(1);
  }
}

/** Builds the wasm module (and its JS glue, when the module changed) into pkg/ or pkg-simd128/. */
function buildWasm(simd) {
  const target = targetDir(simd);
  const pkg = path.join(here, simd ? 'pkg-simd128' : 'pkg');
  // The page's opt-level (the `web-release` profile of the project's Cargo.toml); the
  // native side keeps the release profile's, the CLI's.
  const env = { CARGO_TARGET_DIR: target, CARGO_PROFILE_RELEASE_OPT_LEVEL: 'z' };
  // RUSTFLAGS is set either way so a simd128 flag from the caller cannot leak into the plain build.
  env.RUSTFLAGS = simd ? '-C target-feature=+simd128' : '';
  sh('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--lib'], env);
  const wasm = path.join(target, 'wasm32-unknown-unknown/release', `${CRATE}.wasm`);
  const glued = path.join(pkg, `${CRATE}_bg.wasm`);
  if (!fs.existsSync(glued) || fs.statSync(glued).mtimeMs < fs.statSync(wasm).mtimeMs) {
    sh('wasm-bindgen', ['--target', 'web', '--no-typescript', '--out-dir', pkg, wasm]);
  }
}

function nativeBin() {
  return path.join(targetDir(false), 'release/native');
}

function buildNative() {
  sh('cargo', ['build', '--release', '--bin', 'native'], { CARGO_TARGET_DIR: targetDir(false), RUSTFLAGS: '' });
}

function runNative(dir, repeat) {
  const result = spawnSync(nativeBin(), [dir, '--repeat', String(repeat)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 1 << 20,
  });
  if (result.status !== 0) {
    console.error(`run.mjs: ${nativeBin()} failed (${result.error || `exit ${result.status}`})`);
    process.exit(1);
  }
  return JSON.parse(result.stdout.trim());
}

/** The regular files of `dir`, sorted by name (the order the native bin uses). */
function listFiles(dir) {
  return fs
    .readdirSync(dir)
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/**
 * Opens a page, imports the module (pkg/ or pkg-simd128/) and fetches the files into it;
 * returns `once()` (one timed call, in seconds) and `finish()` (closes the page, returns the
 * wasm memory size, whether the module has simd128, the bytes and the last summary).
 */
async function openWasm(browser, pageServer, dataServer, names, simd) {
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const pageUrl = `http://127.0.0.1:${pageServer.address().port}/`;
  const dataUrl = `http://127.0.0.1:${dataServer.address().port}/`;
  // An empty page (index.html) of the server's origin; the module is imported from there.
  await page.goto(pageUrl);
  const bytes = await page.evaluate(
    async ({ moduleUrl, dataUrl, names }) => {
      const mod = await import(moduleUrl);
      const wasm = await mod.default();
      const files = await Promise.all(
        names.map(async (name) => {
          const response = await fetch(dataUrl + encodeURIComponent(name));
          if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
          return new Uint8Array(await response.arrayBuffer());
        }),
      );
      window.bench = { mod, wasm, files, summary: null };
      return files.reduce((sum, f) => sum + f.length, 0);
    },
    { moduleUrl: `${pageUrl}${simd ? 'pkg-simd128' : 'pkg'}/${CRATE}.js`, dataUrl, names },
  );
  const check = () => {
    if (errors.length > 0) throw new Error(errors.join('\n'));
  };
  return {
    bytes,
    page,
    async once() {
      const seconds = await page.evaluate(() => {
        const { mod, files } = window.bench;
        const started = performance.now();
        window.bench.summary = mod.analyze(files);
        return (performance.now() - started) / 1000;
      });
      check();
      return seconds;
    },
    async finish() {
      const end = await page.evaluate(() => ({
        peak: window.bench.wasm.memory.buffer.byteLength,
        simd: window.bench.mod.simd128(),
        summary: window.bench.summary,
      }));
      await page.close();
      check();
      return { ...end, summary: JSON.parse(end.summary) };
    },
  };
}

/**
 * One more job of `wasmPage` under the DevTools protocol's sampling profiler: writes the
 * profile to `file` and prints the functions with the most self time (samples) on stderr.
 */
async function profileOnce(wasmPage, file) {
  const cdp = await wasmPage.page.context().newCDPSession(wasmPage.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
  await cdp.send('Profiler.start');
  await wasmPage.once();
  const { profile } = await cdp.send('Profiler.stop');
  fs.writeFileSync(file, JSON.stringify(profile));
  const selfSamples = new Map();
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  for (const id of profile.samples) {
    const name = byId.get(id)?.callFrame.functionName || '(anonymous)';
    selfSamples.set(name, (selfSamples.get(name) || 0) + 1);
  }
  const total = profile.samples.length;
  const top = [...selfSamples.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
  console.error(`run.mjs: ${file}: ${total} samples; self time by function:`);
  for (const [name, n] of top) console.error(`${((100 * n) / total).toFixed(1).padStart(6)}%  ${name}`);
}

function wasmResult(bytes, times, end) {
  const seconds = Math.min(...times);
  return {
    mb_per_s: round(bytes / 1e6 / seconds, 2),
    seconds: round(seconds, 4),
    bytes,
    peak_wasm_bytes: end.peak,
    simd128: end.simd,
    repeat: times.length,
    times: times.map((t) => round(t, 4)),
    summary: end.summary,
  };
}

function nativeResult(runs) {
  const best = runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
  return {
    ...best,
    peak_rss_bytes: Math.max(...runs.map((r) => r.peak_rss_bytes)),
    repeat: runs.length,
    times: runs.map((r) => r.seconds),
  };
}

function round(x, digits) {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const wantNative = opts.mode === 'native' || opts.mode === 'all';
  const wasmModes = opts.mode === 'all' ? [false, true] : opts.mode === 'native' ? [] : [opts.mode === 'wasm_simd128'];
  if (opts.build) {
    if (wantNative) buildNative();
    for (const simd of wasmModes) buildWasm(simd);
  }
  // Round by round (native, then each wasm build, once per round), so a change in the
  // machine's load during the run hits every side alike; each side keeps its best round.
  const out = {};
  const nativeRuns = [];
  const names = listFiles(opts.dir);
  const servers = wasmModes.length > 0 ? [await serveDir(here), await serveDir(opts.dir, { cors: true })] : [];
  const browser =
    wasmModes.length > 0 ? await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS }) : null;
  try {
    const pages = [];
    for (const simd of wasmModes) pages.push(await openWasm(browser, servers[0], servers[1], names, simd));
    const times = pages.map(() => []);
    for (let round = 0; round < opts.repeat; round += 1) {
      if (wantNative) nativeRuns.push(runNative(opts.dir, 1));
      for (const [i, page] of pages.entries()) times[i].push(await page.once());
    }
    if (opts.profile && pages.length > 0) await profileOnce(pages[0], opts.profile);
    if (wantNative) out.native = nativeResult(nativeRuns);
    for (const [i, simd] of wasmModes.entries()) {
      out[simd ? 'wasm_simd128' : 'wasm'] = wasmResult(pages[i].bytes, times[i], await pages[i].finish());
    }
  } finally {
    if (browser) await browser.close();
    for (const server of servers) server.close();
  }
  if (opts.mode !== 'all') {
    console.log(JSON.stringify(out[opts.mode]));
    return;
  }
  for (const key of ['wasm', 'wasm_simd128']) {
    if (JSON.stringify(out[key].summary) !== JSON.stringify(out.native.summary)) {
      throw new Error(`${key} found ${JSON.stringify(out[key].summary)}, native ${JSON.stringify(out.native.summary)}`);
    }
  }
  out.ratio_wasm = round(out.wasm.mb_per_s / out.native.mb_per_s, 3);
  out.ratio_wasm_simd128 = round(out.wasm_simd128.mb_per_s / out.native.mb_per_s, 3);
  console.log(JSON.stringify(out));
}

main().catch((e) => {
  console.error(`run.mjs: ${e.stack || e}`);
  process.exit(1);
});
