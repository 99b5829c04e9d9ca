// Shared by the end-to-end tests (files starting with `_` are not tests themselves): the
// Chromium flags, the pass/fail report, a static server for a folder on 127.0.0.1, and runs
// written by `flakelens gen`.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

/**
 * `flakelens gen --tests TESTS --runs RUNS -o DIR` with the CLI at `cli`: `{ files, error }`,
 * the report files written (sorted paths), or `error` (gen's stderr) and no files.
 */
export function generateRuns(cli, dir, tests, runs, timeout) {
  const gen = spawnSync(cli, ['gen', '--tests', String(tests), '--runs', String(runs), '-o', dir], { encoding: 'utf8', timeout });
  if (gen.status !== 0) return { files: [], error: gen.stderr || `exit status ${gen.status}` };
  return { files: fs.readdirSync(dir).filter((f) => f.endsWith('.xml')).sort().map((f) => path.join(dir, f)), error: null };
}

/** Headless Chromium with no background traffic: this machine's network is closed. */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * Records, in every page of `context`, the main thread's long tasks (`window.__longTasks`, each
 * a duration in ms, from Chromium's `PerformanceObserver` `longtask` entries) and the peak of the
 * page's JS heap (`window.__heapPeak`, bytes of `performance.memory.usedJSHeapSize`, sampled
 * every 100 ms). Used by the scale part of `views.mjs` and by `bench/browser/load.mjs`.
 */
export async function recordLongTasksAndHeap(context) {
  await context.addInitScript(() => {
    window.__longTasks = [];
    window.__heapPeak = 0;
    setInterval(() => { window.__heapPeak = Math.max(window.__heapPeak, performance.memory?.usedJSHeapSize ?? 0); }, 100);
    try {
      new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push(e.duration); })
        .observe({ type: 'longtask', buffered: true });
    } catch { /* no long task API */ }
  });
}

// ---------------------------------------------------------------------------------------
// Reporting: one line per check, then "N passed, M failed".

let passed = 0;
let failed = 0;

export function pass(name) {
  passed += 1;
  console.log(`ok   ${name}`);
}

export function fail(name, detail) {
  failed += 1;
  console.log(`FAIL ${name}`);
  for (const line of String(detail).split('\n')) console.log(`       ${line}`);
}

export function check(name, ok, detail) {
  if (ok) pass(name);
  else fail(name, detail);
  return ok;
}

/** Prints the closing line and exits: 0 when something passed and nothing failed. */
export function finish() {
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed === 0 && passed > 0 ? 0 : 1);
}

/** Stops the test (counted as a failure) when a precondition makes the rest meaningless. */
export class Abort extends Error {}

// ---------------------------------------------------------------------------------------
// Static server

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.xml': 'application/xml',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.map': 'application/json',
};

/**
 * Serves `dir` on 127.0.0.1 on a free port and logs every request path in `server.log`;
 * resolves to the server once it listens. With `cors`, answers carry
 * `Access-Control-Allow-Origin: *`.
 */
export function serveDir(dir, { cors = false } = {}) {
  const log = [];
  const server = http.createServer((req, res) => {
    log.push(req.url);
    const send = (status, type, body) => {
      res.writeHead(status, {
        'Content-Type': type,
        'Cache-Control': 'no-store',
        ...(cors ? { 'Access-Control-Allow-Origin': '*' } : {}),
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(405, 'text/plain', 'method not allowed');
      return;
    }
    let urlPath;
    try {
      urlPath = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
    } catch {
      send(400, 'text/plain', 'bad request');
      return;
    }
    let file = path.resolve(dir, `.${urlPath}`);
    const rel = path.relative(dir, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      send(403, 'text/plain', 'forbidden');
      return;
    }
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
    fs.readFile(file, (err, body) => {
      if (err) {
        send(404, 'text/plain', 'not found');
        return;
      }
      send(200, CONTENT_TYPES[path.extname(file).toLowerCase()] || 'application/octet-stream', body);
    });
  });
  server.log = log;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

// ---------------------------------------------------------------------------------------
// The page's views: `#app[data-view]`, the nav links, the overview's summary.

/** The view the page shows, or null before an analysis is shown. */
export function currentView(page) {
  return page.evaluate(() => document.querySelector('#app')?.getAttribute('data-view') ?? null);
}

/**
 * Clicks the nav link of `view` and waits up to `timeout` ms until it shows; returns the view
 * shown before. Does nothing when no view is shown yet or `view` already is; with `ifPresent`,
 * nothing either when the nav has no link to `view` (a summary-only audit, a single-file report).
 */
export async function gotoView(page, view, timeout, { ifPresent = false } = {}) {
  const before = await currentView(page);
  if (before === null || before === view) return before;
  const link = `nav[aria-label=Views] a[data-view=${view}]`;
  if (ifPresent && (await page.$(link)) === null) return before;
  await page.click(link);
  await page.waitForSelector(`#app[data-view=${view}]`, { timeout });
  return before;
}

/**
 * Waits up to `timeout` ms until the page shows `runs` runs on the overview and is no longer
 * busy; null, or what it shows instead. `navigation` is passed to `gotoView`.
 */
export async function waitForSummary(page, runs, timeout, navigation = {}) {
  try {
    await page.waitForFunction(
      () => document.querySelector('#app[data-busy]') === null
        && (document.querySelector('[data-testid=summary-runs]') !== null || document.querySelector('nav[aria-label=Views]') !== null),
      null,
      { timeout },
    );
    await gotoView(page, 'overview', timeout, navigation);
    await page.waitForFunction(
      (want) => {
        const el = document.querySelector('[data-testid=summary-runs]');
        return el !== null && document.querySelector('#app[data-busy]') === null && el.textContent.trim() === want;
      },
      String(runs),
      { timeout },
    );
    return null;
  } catch {
    const state = await page.evaluate(() => ({
      summaryRuns: document.querySelector('[data-testid=summary-runs]')?.textContent.trim() ?? '(missing)',
      busy: document.querySelector('#app[data-busy]') !== null,
      view: document.querySelector('#app')?.getAttribute('data-view'),
      status: document.querySelector('.status')?.textContent.trim() ?? '',
    })).catch((e) => ({ error: String(e) }));
    return `after ${timeout / 1000} s: ${JSON.stringify(state)}`;
  }
}
