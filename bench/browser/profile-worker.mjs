// Loads every file of a folder into the built page (dist/) in headless Chromium, as a user
// picks them, with Chromium's CPU profiler running in the page's worker, and prints the
// functions with the most self time there (the worker reads, joins, analyzes and encodes).
//
//   node bench/browser/profile-worker.mjs DIR [--out FILE.cpuprofile] [--top N] [--page]
//
//   --page     profile the page's main thread instead (it decodes the tests and renders)
//   --relabel  after the load, profile again while the first run is labelled "first" (a
//              re-analysis from the kept join, as tests/e2e/views.mjs times it)
//
// Names: the shipped wasm has no name section (the `web-release` profile strips it), so build
// one that keeps it for this: CARGO_PROFILE_WEB_RELEASE_STRIP=false trunk build --release
// --dist DIST, then FLAKELENS_DIST=DIST. Same code, same optimization; only the names differ.
//
// The worker's profiler is reached through the page's DevTools session (`Target.setAutoAttach`
// without flattening, then `Target.sendMessageToTarget`): Playwright opens sessions for pages
// only. Environment: FLAKELENS_DIST (default <repo>/dist), CHROMIUM (default /usr/bin/chromium).

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { CHROMIUM_FLAGS, gotoView, serveDir } from '../../tests/e2e/_harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const require = createRequire(path.join(repo, 'tests', 'e2e', 'package.json'));
const { chromium } = require('playwright-core');

const DIST = path.resolve(process.env.FLAKELENS_DIST || path.join(repo, 'dist'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  if (i < 0) return null;
  const [value] = args.splice(i, 2).slice(1);
  return value;
};
const out = option('--out');
const top = Number(option('--top') ?? 30);
const pageOnly = args.includes('--page') && args.splice(args.indexOf('--page'), 1);
const relabel = args.includes('--relabel') && args.splice(args.indexOf('--relabel'), 1);
const [dir] = args;
if (!dir) {
  console.error('usage: node bench/browser/profile-worker.mjs DIR [--out FILE.cpuprofile] [--top N]');
  process.exit(2);
}
const files = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort().map((f) => path.join(dir, f));
const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);

/** Prints `what` took `seconds` and the profile's functions by self time; writes it to `file`. */
function report(what, seconds, profile, file) {
  if (file) fs.writeFileSync(file, JSON.stringify(profile));
  // Self time per function: samples × the interval between them.
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    const f = byId.get(id).callFrame;
    const name = f.functionName || `(${f.url.split('/').pop() || 'program'})`;
    self.set(name, (self.get(name) ?? 0) + dt);
    total += dt;
  });
  const whose = pageOnly ? 'page' : 'worker';
  console.log(`${files.length} files, ${(bytes / 1e6).toFixed(0)} MB: ${what} in ${seconds.toFixed(1)} s; the ${whose}'s profile covers ${(total / 1e6).toFixed(2)} s`);
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, us] of rows) {
    console.log(`${(100 * us / total).toFixed(1).padStart(5)}%  ${(us / 1e3).toFixed(0).padStart(6)} ms  ${name.slice(0, 140)}`);
  }
}

const server = await serveDir(DIST);
const base = `http://127.0.0.1:${server.address().port}`;
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS, timeout: 180_000 });
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.route((url) => new URL(url.href).origin !== base && !/^(data|blob):/.test(url.href), (route) => route.abort('blockedbyclient'));
  const page = await context.newPage();
  page.setDefaultTimeout(30 * 60_000);
  const cdp = await context.newCDPSession(page);

  // Messages to and from the worker's session, by id.
  let workerSession = null;
  let nextId = 1;
  const pending = new Map();
  const toWorker = (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    cdp.send('Target.sendMessageToTarget', { sessionId: workerSession, message: JSON.stringify({ id, method, params }) }).catch(reject);
  });
  cdp.on('Target.receivedMessageFromTarget', ({ sessionId, message }) => {
    if (sessionId !== workerSession) return;
    const m = JSON.parse(message);
    const p = pending.get(m.id);
    if (!p) return;
    pending.delete(m.id);
    if (m.error) p.reject(new Error(m.error.message)); else p.resolve(m.result);
  });
  // The worker is made when the files are picked; it waits for the profiler to start before it
  // runs (`waitForDebuggerOnStart`), so the profile covers its whole life.
  const profiling = new Promise((resolve, reject) => {
    cdp.on('Target.attachedToTarget', ({ sessionId, targetInfo }) => {
      if (targetInfo.type !== 'worker' || workerSession) return;
      workerSession = sessionId;
      (async () => {
        await toWorker('Profiler.enable');
        await toWorker('Profiler.setSamplingInterval', { interval: 500 });
        await toWorker('Profiler.start');
        await toWorker('Runtime.runIfWaitingForDebugger');
      })().then(resolve, reject);
    });
  });
  if (pageOnly) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 });
  } else {
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: false });
  }

  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForSelector('#file-input', { state: 'attached' });
  const started = Date.now();
  if (pageOnly) await cdp.send('Profiler.start');
  await page.setInputFiles('#file-input', files);
  if (!pageOnly) await profiling;
  await page.waitForFunction((runs) => document.querySelector('[data-testid=summary-runs]')?.textContent.trim() === String(runs)
    && document.querySelector('#app[data-busy]') === null, files.length, { polling: 250, timeout: 30 * 60_000 });
  const seconds = (Date.now() - started) / 1000;
  const stop = () => (pageOnly ? cdp.send('Profiler.stop') : toWorker('Profiler.stop'));
  const begin = () => (pageOnly ? cdp.send('Profiler.start') : toWorker('Profiler.start'));
  report('load', seconds, (await stop()).profile, out);

  if (relabel) {
    // As tests/e2e/views.mjs: label the first run "first" on the runs view, then wait for the
    // consistency view to show the new group.
    const first = path.basename(files[0]);
    await gotoView(page, 'runs', 60_000);
    await begin();
    const at = Date.now();
    const input = page.locator(`[data-testid=runs] tr[data-file="${first}"] [data-testid=run-label-input]`);
    await input.fill('first');
    await input.press('Enter');
    await gotoView(page, 'consistency', 60_000);
    await page.waitForFunction(() => document.querySelector('[data-testid=groups] tr[data-group=first] [data-testid=group-runs]')?.textContent.trim() === '1'
      && document.querySelector('#app[data-busy]') === null, null, { polling: 100, timeout: 30 * 60_000 });
    report('relabel', (Date.now() - at) / 1000, (await stop()).profile, out && out.replace(/(\.cpuprofile)?$/, '-relabel.cpuprofile'));
  }
} finally {
  await browser.close();
  server.close();
}
