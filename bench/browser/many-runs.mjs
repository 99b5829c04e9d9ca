// Loads every file of a folder into the built page (dist/) in headless Chromium, then switches
// to each view in turn and times it: many runs (hundreds of files) make wide views, such as the
// run × run agreement matrix, rather than long ones.
//
//   node bench/browser/many-runs.mjs DIR [--profile VIEW]
//
//   --profile VIEW  record Chromium's CPU profile of the page while switching to VIEW (its
//                   first visit) into /tmp/many-runs-VIEW.cpuprofile
//
// For each view (its first and second visit): the time from the nav link's click until the
// view shows (polled every animation frame, in the page) and the main thread's long tasks
// (PerformanceObserver `longtask`) during the switch and 300 ms after it. It measures; it
// asserts nothing. Environment: FLAKELENS_DIST (default <repo>/dist), CHROMIUM (default
// /usr/bin/chromium).
//
// Example: flakelens gen --tests 5000 --runs 500 -o /tmp/gen5k500 (801 MB), then
// node bench/browser/many-runs.mjs /tmp/gen5k500.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { CHROMIUM_FLAGS, recordLongTasksAndHeap, serveDir, waitForSummary } from '../../tests/e2e/_harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const require = createRequire(path.join(repo, 'tests', 'e2e', 'package.json'));
const { chromium } = require('playwright-core');

const DIST = path.resolve(process.env.FLAKELENS_DIST || path.join(repo, 'dist'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const VIEWS = ['tests', 'consistency', 'categories', 'runs', 'diagnostics', 'overview'];

const args = process.argv.slice(2);
const pi = args.indexOf('--profile');
const PROFILE = pi >= 0 ? args.splice(pi, 2)[1] : null;
const dir = args[0];
if (!dir) {
  console.error('usage: node bench/browser/many-runs.mjs DIR [--profile VIEW]');
  process.exit(2);
}
const files = fs.readdirSync(dir).sort().map((f) => path.join(dir, f));
const bytes = files.reduce((sum, f) => sum + fs.statSync(f).size, 0);

const server = await serveDir(DIST);
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await recordLongTasksAndHeap(context);
  const page = await context.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  await page.waitForSelector('#file-input', { state: 'attached' });
  const started = Date.now();
  await page.setInputFiles('#file-input', files);
  const failed = await waitForSummary(page, files.length, 1_800_000);
  if (failed) throw new Error(`the page did not show the ${files.length} runs: ${failed}`);
  const loadTasks = await page.evaluate(() => window.__longTasks.slice());
  console.log(`${files.length} files, ${(bytes / 1e6).toFixed(0)} MB: loaded in ${((Date.now() - started) / 1000).toFixed(1)} s; long tasks ${loadTasks.map((t) => t.toFixed(0)).join(' ') || 'none'}`);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  const rows = [];
  for (const visit of [1, 2]) {
    for (const view of VIEWS) {
      const profiling = PROFILE === view && visit === 1;
      if (profiling) await cdp.send('Profiler.start');
      const before = await page.evaluate(() => window.__longTasks.length);
      const ms = await page.evaluate(async (v) => {
        const t0 = performance.now();
        document.querySelector(`nav a[data-view=${v}]`).click();
        await new Promise((resolve) => {
          const poll = () => (document.querySelector(`#app[data-view=${v}]`) ? resolve() : requestAnimationFrame(poll));
          poll();
        });
        return performance.now() - t0;
      }, view);
      await page.waitForTimeout(300);
      if (profiling) {
        const { profile } = await cdp.send('Profiler.stop');
        fs.writeFileSync(`/tmp/many-runs-${view}.cpuprofile`, JSON.stringify(profile));
      }
      const tasks = await page.evaluate((b) => window.__longTasks.slice(b), before);
      rows.push({ view, visit, ms: Math.round(ms), long_tasks: tasks.map(Math.round) });
      console.log(`${view.padEnd(12)} visit ${visit}: ${ms.toFixed(0).padStart(6)} ms; long tasks ${tasks.map((t) => t.toFixed(0)).join(' ') || 'none'}`);
    }
  }
  console.log(JSON.stringify({ files: files.length, bytes, load_long_tasks: loadTasks.map(Math.round), views: rows }));
} finally {
  await browser.close();
  server.close();
}
