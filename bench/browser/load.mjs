// Loads every file of a folder into the built page (dist/) in headless Chromium, the way a
// user picks them with the file input, and reports what it cost: load time, long tasks, the
// memory-budget warning and the "Drop system-out/err" offer, worker death or tab crash, the
// summary figures, the page's JS heap, the worker's wasm memory and Chromium's RSS.
//
//   node bench/browser/load.mjs DIR [--drop-outputs | --drop-first] [--timeout S]
//
//   --drop-outputs  click "Drop system-out/err" as soon as the page offers it (after the load)
//   --drop-first    pick the files in two batches: first just enough to pass the page's memory
//                   budget (256 MiB), click "Drop system-out/err" when offered, then the rest,
//                   which the worker then reads without their outputs (what the page's own
//                   advice says: drop before loading more)
//   --timeout S     give up after S seconds of loading (default 1800)
//   --pick MS       pick the files as a user does: click "choose files" (which opens the file
//                   chooser), wait MS milliseconds (the user choosing), then choose them; the
//                   load is timed from the choice. Without it the files are set on the input
//                   directly, with no click before (as a script, not a user, can)
//
// Environment: FLAKELENS_DIST (default <repo>/dist), CHROMIUM (default /usr/bin/chromium).
// Prints readable lines on stderr and one JSON line on stdout. See README.md for the fields.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { CHROMIUM_FLAGS, recordLongTasksAndHeap, serveDir } from '../../tests/e2e/_harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const require = createRequire(path.join(repo, 'tests', 'e2e', 'package.json'));
const { chromium } = require('playwright-core');

const DIST = path.resolve(process.env.FLAKELENS_DIST || path.join(repo, 'dist'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const WORKER_GLUE = '/worker/flakelens-worker.js';
/** The page's text when the worker stops (src/engine.rs `death_message`). */
const DEATH_TEXT = 'The worker that reads and analyzes the files stopped';
/** The page's memory budget (src/state.rs MEMORY_BUDGET_BYTES). */
const BUDGET_BYTES = 256 * 2 ** 20;
const SAMPLE_MS = 500;

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--') && !/^\d+$/.test(a));
const DROP_OUTPUTS = args.includes('--drop-outputs');
const DROP_FIRST = args.includes('--drop-first');
const ti = args.indexOf('--timeout');
const TIMEOUT_MS = (ti >= 0 ? Number(args[ti + 1]) : 1800) * 1000;
const pi = args.indexOf('--pick');
const PICK_MS = pi >= 0 ? Number(args[pi + 1]) : null;
if (!dir || (DROP_OUTPUTS && DROP_FIRST)) {
  console.error('usage: node bench/browser/load.mjs DIR [--drop-outputs | --drop-first] [--timeout S] [--pick MS]');
  process.exit(2);
}
for (const [what, p] of [['built page (trunk build --release)', path.join(DIST, 'index.html')], ['worker glue', path.join(DIST, WORKER_GLUE)], ['Chromium', CHROMIUM]]) {
  if (!fs.existsSync(p)) {
    console.error(`${what} not found at ${p}`);
    process.exit(2);
  }
}
const log = (s) => console.error(s);
const mb = (b) => (b == null ? 'n/a' : `${(b / 1e6).toFixed(0)} MB`);

// ---------------------------------------------------------------------------------------
// The worker's wasm memory. The no-modules glue keeps the instance in a closure, but its
// `wasm_bindgen(...)` (the init function, which the worker's blob shim calls once) resolves
// to the instance's exports when called again after init, and wasm-bindgen always exports
// the linear memory as `memory`. So, polled in the worker's global scope:
//   (await wasm_bindgen()).memory.buffer.byteLength
// Wasm memory only grows, so the last value is the peak. The served files are not changed.
const WORKER_PROBE = async () => {
  if (typeof wasm_bindgen !== 'function') return null;
  const exports = await wasm_bindgen();
  return exports?.memory?.buffer?.byteLength ?? null;
};

// ---------------------------------------------------------------------------------------
// Chromium's processes: RSS from /proc of the browser process and all its descendants.

function chromiumRss(rootPid) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const inTree = (pid) => { for (let p = pid, n = 0; p > 1 && n < 64; p = parent.get(p), n += 1) if (p === rootPid) return true; return false; };
  let total = 0;
  let pss = 0;
  let renderer = 0;
  for (const pid of parent.keys()) {
    if (pid === rootPid || !inTree(pid)) continue;
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
      total += rss;
      try {
        const rollup = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
        pss += Number(/^Pss:\s+(\d+) kB/m.exec(rollup)?.[1] ?? 0) * 1024;
      } catch { /* gone or not readable */ }
      const cmd = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (cmd.includes('--type=renderer')) renderer = Math.max(renderer, rss);
    } catch { /* gone */ }
  }
  return { total, pss, renderer };
}

// ---------------------------------------------------------------------------------------

const files = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort().map((f) => path.join(dir, f));
const sizes = files.map((f) => fs.statSync(f).size);
const bytes = sizes.reduce((a, b) => a + b, 0);
const mode = DROP_OUTPUTS ? 'drop-outputs' : DROP_FIRST ? 'drop-first' : 'plain';
log(`${files.length} files, ${mb(bytes)} (${bytes} bytes) from ${dir}; mode ${mode}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);

const result = {
  dir: path.resolve(dir), files: files.length, bytes, mode, budget_bytes: BUDGET_BYTES,
  load_average_start: os.loadavg(), outcome: null, load_seconds: null,
  memory_warning_shown: false, memory_warning_text: null, drop_offer_shown: false,
  drop_clicked: false, outputs_dropped_shown: false, drop_seconds: null,
  worker_died: false, death_message: null, tab_crashed: false, status: null,
  summary: null, long_tasks: null, page_js_heap_peak_bytes: null, page_wasm_memory_bytes: null,
  worker_wasm_memory_bytes: null, worker_wasm_memory_peak_seen_bytes: 0, worker_wasm_samples: 0, worker_wasm_timeline: [],
  chromium_rss_before_bytes: null, chromium_pss_before_bytes: null, renderer_rss_before_bytes: null,
  chromium_rss_peak_bytes: 0, chromium_pss_peak_bytes: 0, renderer_rss_peak_bytes: 0, chromium_pss_end_bytes: null, chromium_rss_end_bytes: null, renderer_rss_end_bytes: null,
  worker_glue_fetches: 0, load_average_end: null,
};

/** When the run started; the timeline's seconds count from here (page start-up included). */
const t0 = Date.now();
const server = await serveDir(DIST);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 180_000 });
// Chromium runs as a child of this node process (playwright spawns it): its processes are
// this process's descendants, this process excluded.
const rootPid = process.pid;
let sampler = null;
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route((url) => new URL(url.href).origin !== base && !/^(data|blob):/.test(url.href), (route) => route.abort('blockedbyclient'));
  await recordLongTasksAndHeap(context);
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT_MS);
  // The page's own wasm instance: trunk's loader announces its exports (memory among them)
  // in a `TrunkApplicationStarted` event.
  await page.addInitScript(() => {
    addEventListener('TrunkApplicationStarted', (e) => { window.__flakelensPageWasm = e.detail?.wasm ?? null; });
  });
  page.on('crash', () => { result.tab_crashed = true; log('the tab crashed (playwright "crash" event)'); });
  const workers = [];
  page.on('worker', (w) => { workers.push(w); w.on('close', () => { w.closed = true; }); });

  // Samples every 500 ms: Chromium's RSS, and the worker's wasm memory (polled from node; a
  // worker busy in wasm answers when it is between two requests, so a sample may lag).
  let polling = false;
  const sample = async () => {
    if (rootPid) {
      const { total, pss, renderer } = chromiumRss(rootPid);
      result.chromium_rss_peak_bytes = Math.max(result.chromium_rss_peak_bytes, total);
      result.chromium_pss_peak_bytes = Math.max(result.chromium_pss_peak_bytes, pss);
      result.renderer_rss_peak_bytes = Math.max(result.renderer_rss_peak_bytes, renderer);
    }
    if (polling) return;
    polling = true;
    try {
      for (const w of workers) {
        if (w.closed) continue;
        const n = await w.evaluate(WORKER_PROBE).catch(() => null);
        if (n != null) {
          result.worker_wasm_memory_bytes = n;
          result.worker_wasm_memory_peak_seen_bytes = Math.max(result.worker_wasm_memory_peak_seen_bytes, n);
          result.worker_wasm_samples += 1;
          const last = result.worker_wasm_timeline.at(-1);
          if (!last || last[1] !== n) result.worker_wasm_timeline.push([Number(((Date.now() - t0) / 1000).toFixed(1)), n]);
        }
      }
    } finally { polling = false; }
  };
  sampler = setInterval(() => { sample().catch(() => {}); }, SAMPLE_MS);

  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForSelector('#file-input', { state: 'attached' });

  /** Waits until the page shows `runs` runs and is idle, the worker dies, the tab crashes or time runs out. */
  const waitLoaded = async (runs, deadline) => {
    for (;;) {
      if (result.tab_crashed) return 'tab-crashed';
      const s = await page.evaluate(({ runs, death }) => {
        const text = (sel) => document.querySelector(sel)?.textContent.trim() ?? null;
        const body = document.body.innerText;
        const i = body.indexOf(death);
        return {
          loaded: text('[data-testid=summary-runs]') === String(runs) && document.querySelector('#app[data-busy]') === null,
          busy: document.querySelector('#app[data-busy]') !== null,
          death: i >= 0 ? body.slice(i, body.indexOf('\n', i) >= 0 ? body.indexOf('\n', i) : undefined) : null,
          warning: text('[data-testid=memory-warning] p'),
          offer: document.querySelector('[data-testid=drop-outputs]') !== null,
          status: text('.status'),
        };
      }, { runs, death: DEATH_TEXT }).catch((e) => ({ error: String(e) }));
      if (s.error) { if (result.tab_crashed) return 'tab-crashed'; log(`page.evaluate failed: ${s.error}`); return 'error'; }
      result.status = s.status;
      if (s.warning) { result.memory_warning_shown = true; result.memory_warning_text = s.warning; }
      if (s.offer) result.drop_offer_shown = true;
      if (s.death) { result.worker_died = true; result.death_message = s.death; return 'worker-died'; }
      if (s.loaded) return 'loaded';
      if (Date.now() > deadline) return 'timeout';
      // Every 50 ms: the load figure is late by at most that (250 ms until 1c49195).
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const clickDrop = async () => {
    const t0 = Date.now();
    await page.click('[data-testid=drop-outputs]', { timeout: 10_000 });
    result.drop_clicked = true;
    await page.waitForSelector('[data-testid=outputs-dropped]', { timeout: 600_000 });
    result.outputs_dropped_shown = true;
    result.drop_seconds = (Date.now() - t0) / 1000;
    log(`dropped outputs in ${result.drop_seconds.toFixed(1)} s`);
  };

  {
    const { total, pss, renderer } = chromiumRss(rootPid);
    result.chromium_rss_before_bytes = total;
    result.chromium_pss_before_bytes = pss;
    result.renderer_rss_before_bytes = renderer;
  }
  // With --pick: the file chooser opened by a click on "choose files", as a user opens it.
  let chooser = null;
  if (PICK_MS !== null) {
    [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('label.file-label:has(#file-input)')]);
    await page.waitForTimeout(PICK_MS);
  }
  const started = Date.now();
  result.files_picked_at_seconds = (started - t0) / 1000;
  result.pick_ms = PICK_MS;
  const deadline = started + TIMEOUT_MS;
  let outcome;
  if (DROP_FIRST) {
    let n = 0;
    for (let sum = 0; n < files.length && sum <= BUDGET_BYTES; n += 1) sum += sizes[n];
    log(`first batch: ${n} files, ${mb(sizes.slice(0, n).reduce((a, b) => a + b, 0))}`);
    await page.setInputFiles('#file-input', files.slice(0, n));
    outcome = await waitLoaded(n, deadline);
    if (outcome === 'loaded' && n < files.length) {
      if (await page.$('[data-testid=drop-outputs]')) {
        await clickDrop();
        await page.setInputFiles('#file-input', files.slice(n));
        outcome = await waitLoaded(files.length, deadline);
      } else {
        log('no "Drop system-out/err" offer after the first batch');
        outcome = 'no-offer';
      }
    }
  } else {
    if (chooser) await chooser.setFiles(files);
    else await page.setInputFiles('#file-input', files);
    outcome = await waitLoaded(files.length, deadline);
  }
  result.load_seconds = (Date.now() - started) / 1000;
  result.outcome = outcome;
  log(`outcome: ${outcome} after ${result.load_seconds.toFixed(1)} s (files picked → summary shown${DROP_FIRST ? ', both batches and the drop' : ''})`);
  if (outcome === 'loaded' && DROP_OUTPUTS) {
    await page.waitForTimeout(300);
    const s = await waitLoaded(files.length, Date.now() + 1000);
    if (await page.$('[data-testid=drop-outputs]')) await clickDrop();
    else log('no "Drop system-out/err" offer after the load');
    void s;
  }
  await sample().catch(() => {});
  if (!result.tab_crashed) {
    const end = await page.evaluate(() => ({
      tasks: window.__longTasks.slice(),
      heap: window.__heapPeak,
      wasm: window.__flakelensPageWasm?.memory?.buffer?.byteLength ?? null,
      summary: Object.fromEntries(['runs', 'tests', 'flaky', 'broken'].map((k) => [k, document.querySelector(`[data-testid=summary-${k}]`)?.textContent.trim() ?? null])),
      warning: document.querySelector('[data-testid=memory-warning] p')?.textContent.trim() ?? null,
      offer: document.querySelector('[data-testid=drop-outputs]') !== null,
      status: document.querySelector('.status')?.textContent.trim() ?? null,
    })).catch(() => null);
    if (end) {
      const t = end.tasks;
      result.long_tasks = { count: t.length, longest_ms: Math.round(t.length ? Math.max(...t) : 0), total_ms: Math.round(t.reduce((a, b) => a + b, 0)) };
      result.page_js_heap_peak_bytes = end.heap;
      result.page_wasm_memory_bytes = end.wasm;
      result.summary = end.summary;
      if (end.warning) { result.memory_warning_shown = true; result.memory_warning_text = end.warning; }
      if (end.offer) result.drop_offer_shown = true;
      result.status = end.status;
    }
  }
  if (rootPid) {
    const { total, pss, renderer } = chromiumRss(rootPid);
    result.chromium_rss_end_bytes = total;
    result.chromium_pss_end_bytes = pss;
    result.renderer_rss_end_bytes = renderer;
  }
} catch (e) {
  result.outcome = result.outcome ?? 'error';
  result.error = String(e.stack || e);
  log(`error: ${e.stack || e}`);
} finally {
  clearInterval(sampler);
  // The server's request log: how often the worker's glue was fetched.
  result.worker_glue_fetches = server.log.filter((u) => new URL(u, base).pathname === WORKER_GLUE).length;
  result.load_average_end = os.loadavg();
  await browser.close().catch(() => {});
  server.close();
}

const r = result;
log(`bytes: ${r.bytes} (${mb(r.bytes)}) in ${r.files} files`);
log(`load: ${r.load_seconds?.toFixed(1)} s, outcome ${r.outcome}${r.status ? `; status "${r.status}"` : ''}`);
if (r.long_tasks) log(`long tasks: ${r.long_tasks.count}, longest ${r.long_tasks.longest_ms} ms, total ${r.long_tasks.total_ms} ms`);
log(`memory warning shown: ${r.memory_warning_shown}${r.memory_warning_text ? ` ("${r.memory_warning_text}")` : ''}; drop offer shown: ${r.drop_offer_shown}; clicked: ${r.drop_clicked}; outputs-dropped note: ${r.outputs_dropped_shown}${r.drop_seconds != null ? ` (${r.drop_seconds.toFixed(1)} s)` : ''}`);
log(`worker died: ${r.worker_died}${r.death_message ? ` ("${r.death_message}")` : ''}; tab crashed: ${r.tab_crashed}`);
if (r.summary) log(`summary: runs ${r.summary.runs}, tests ${r.summary.tests}, flaky ${r.summary.flaky}, broken ${r.summary.broken}`);
log(`page JS heap peak (performance.memory.usedJSHeapSize, 100 ms samples): ${mb(r.page_js_heap_peak_bytes)}`);
const pct = (n) => (n != null ? `${((100 * n) / r.bytes).toFixed(1)}%` : 'n/a');
log(`worker wasm memory (memory.buffer.byteLength; only grows, so this is its peak): ${mb(r.worker_wasm_memory_bytes)} = ${pct(r.worker_wasm_memory_bytes)} of the input (${r.worker_wasm_samples} samples; glue fetched ${r.worker_glue_fetches}×)`);
log(`page wasm memory (the page's own instance, memory.buffer.byteLength at the end: its peak): ${mb(r.page_wasm_memory_bytes)} = ${pct(r.page_wasm_memory_bytes)} of the input; page and worker together ${r.page_wasm_memory_bytes != null && r.worker_wasm_memory_bytes != null ? `${mb(r.page_wasm_memory_bytes + r.worker_wasm_memory_bytes)} = ${pct(r.page_wasm_memory_bytes + r.worker_wasm_memory_bytes)}` : 'n/a'}`);
log(`worker wasm memory timeline (s since start, MB; files picked at ${r.files_picked_at_seconds?.toFixed(1)} s): ${r.worker_wasm_timeline.map(([t, n]) => `${t}:${(n / 1e6).toFixed(0)}`).join(' ')}`);
log(`renderer process RSS (page + worker; 500 ms samples): before ${mb(r.renderer_rss_before_bytes)}, peak ${mb(r.renderer_rss_peak_bytes)}, end ${mb(r.renderer_rss_end_bytes)}`);
log(`all Chromium processes, PSS sum: before ${mb(r.chromium_pss_before_bytes)}, peak ${mb(r.chromium_pss_peak_bytes)}, end ${mb(r.chromium_pss_end_bytes)}; RSS sum (counts shared pages once per process): before ${mb(r.chromium_rss_before_bytes)}, peak ${mb(r.chromium_rss_peak_bytes)}, end ${mb(r.chromium_rss_end_bytes)}`);
log(`load average: start ${r.load_average_start.map((x) => x.toFixed(2)).join(' ')}, end ${r.load_average_end.map((x) => x.toFixed(2)).join(' ')}`);
console.log(JSON.stringify(r));
process.exit(r.outcome === 'loaded' ? 0 : 1);
