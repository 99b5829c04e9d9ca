// End-to-end test of loading and sharing: the parsing worker, progress and cancel, share
// links, single-file reports, hosted audits and runs, and hostile input (XSS, bombs).
//
// It serves dist/ on 127.0.0.1 with a tiny static server and drives headless Chromium
// (playwright-core). Every request of every browser context is logged; the test FAILS on any
// request other than the page's own assets (files that exist in dist/) and, in the hosted
// tests, the URLs the user confirmed. Numbers on the page are checked against the CLI's JSON
// for the same files.
//
// Environment (all optional; `cargo xtask test` sets the first three):
//   FLAKELENS_DIST     the built page            (default <repo>/dist)
//   FLAKELENS_CLI      the `flakelens` binary    (default <repo>/target/release/flakelens)
//   FLAKELENS_OUTPUT   where screenshots go      (default <repo>/test-output/e2e; this test
//                      writes into its sharing/ folder)
//   FLAKELENS_REPORTS  the example reports       (default <repo>/examples/reports)
//   CHROMIUM           the browser               (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS     the whole test's limit    (default 300000)
//
// Prints one line per check and ends with "N passed, M failed"; exits 1 on any failure.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { chromium } from 'playwright-core';

import { Abort, CHROMIUM_FLAGS, check, currentView, fail, finish, pass, serveDir } from './_harness.mjs';
import * as harness from './_harness.mjs';


const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const env = process.env;
const DIST = path.resolve(env.FLAKELENS_DIST || path.join(repo, 'dist'));
const CLI = path.resolve(env.FLAKELENS_CLI || path.join(repo, 'target', 'release', 'flakelens'));
const OUTPUT = path.join(path.resolve(env.FLAKELENS_OUTPUT || path.join(repo, 'test-output', 'e2e')), 'sharing');
const REPORTS = path.resolve(env.FLAKELENS_REPORTS || path.join(repo, 'examples', 'reports'));
const CHROMIUM = env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(env.E2E_TIMEOUT_MS || 300_000);
/** How long one wait for the page (load, parse, render) may take. */
const WAIT_MS = 60_000;

/** The harness's `gotoView` with this file's time-out (a missing link is skipped). */
const gotoView = (page, view) => harness.gotoView(page, view, WAIT_MS, { ifPresent: true });
/** The harness's `waitForSummary` with this file's time-out. */
const waitForSummary = (page, runs) => harness.waitForSummary(page, runs, WAIT_MS, { ifPresent: true });
/** The longest main-thread task allowed while the example loads, in milliseconds. */
const LONG_TASK_LIMIT_MS = 200;


const XSS_IMG = '<img src=x onerror="window.__xss=1">';
const XSS_SCRIPT = '<script>window.__xss=1</script>';
const XSS_URL = 'javascript:window.__xss=1';

// ---------------------------------------------------------------------------------------
// Reporting


// ---------------------------------------------------------------------------------------
// Static servers


const baseOf = (server) => `http://127.0.0.1:${server.address().port}`;

// ---------------------------------------------------------------------------------------
// The CLI

function cli(args, { json = false } = {}) {
  const out = spawnSync(CLI, args, { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 120_000, cwd: REPORTS });
  if (out.error) throw new Abort(`cannot run ${CLI}: ${out.error.message}`);
  if (out.status !== 0 && out.status !== 2) throw new Abort(`${CLI} ${args[0]} exited with ${out.status}:\n${out.stderr}`);
  if (!json) return out.stdout;
  try {
    return JSON.parse(out.stdout);
  } catch (e) {
    throw new Abort(`${CLI} ${args.join(' ')} printed no valid JSON (${e.message})`);
  }
}

/** `flakelens analyze FILES --json`, run in the example folder (relative names stay relative). */
const analyzeWithCli = (files) => cli(['analyze', ...files, '--json'], { json: true });

const percent = (ratio) => (ratio === null || ratio === undefined ? 'n/a' : `${(ratio * 100).toFixed(1)}%`);
const badge = (status) => ({ pass: 'PASS', fail: 'FAIL', 'not-applicable': 'n/a' })[status] ?? `(${status})`;

/** What the summary and criteria must show for an audit or `analyze --json` output. */
function expected(audit) {
  const t = audit.totals;
  return {
    summary: { runs: String(t.runs), tests: String(t.tests), flaky: String(t.flaky), broken: String(t.broken), consistency: percent(t.consistency), claim: t.claim },
    criteria: audit.criteria.map((c) => ({ id: c.id, target: c.target, actual: c.actual, status: badge(c.status) })),
  };
}

// ---------------------------------------------------------------------------------------
// The page

/** Reads the summary figures and the criteria table. */
function readShown(page) {
  return page.evaluate(() => {
    const text = (el) => (el ? el.textContent.trim() : '(missing)');
    const summary = (name) => text(document.querySelector(`[data-testid=summary-${name}]`));
    return {
      summary: {
        runs: summary('runs'), tests: summary('tests'), flaky: summary('flaky'), broken: summary('broken'),
        consistency: summary('consistency'), claim: summary('claim'),
      },
      criteria: [...document.querySelectorAll('[data-criterion]')].map((tr) => ({
        id: tr.getAttribute('data-criterion'),
        target: text(tr.querySelector('[data-testid=criterion-target]')),
        actual: text(tr.querySelector('[data-testid=criterion-actual]')),
        status: text(tr.querySelector('[data-testid=criterion-status]')),
      })),
    };
  });
}




/** The text of the diagnostics panel (on its view, if the page has views). */
async function diagnosticsText(page) {
  await gotoView(page, 'diagnostics');
  const text = await page.evaluate(() => document.querySelector('[data-testid=diagnostics]')?.textContent ?? '');
  await gotoView(page, 'overview');
  return text;
}

function checkSame(label, shown, audit) {
  const want = expected(audit);
  check(`${label}: summary figures and claim match the CLI (${Object.values(want.summary).slice(0, 5).join(' / ')})`,
    JSON.stringify(shown.summary) === JSON.stringify(want.summary),
    `page: ${JSON.stringify(shown.summary)}\nCLI:  ${JSON.stringify(want.summary)}`);
  check(`${label}: criteria match the CLI (${want.criteria.map((c) => `${c.id} ${c.status}`).join(', ')})`,
    want.criteria.length > 0 && JSON.stringify(shown.criteria) === JSON.stringify(want.criteria),
    `page: ${JSON.stringify(shown.criteria)}\nCLI:  ${JSON.stringify(want.criteria)}`);
}

/** The value of `#share-link` after clicking "Copy share link" (on the overview). */
async function copyShareLink(page) {
  await gotoView(page, 'overview');
  await page.click('#copy-share-link');
  await page.waitForSelector('#share-link', { timeout: WAIT_MS });
  await page.waitForSelector('[data-testid=share-note]', { timeout: WAIT_MS }).catch(() => {});
  return page.inputValue('#share-link');
}

/** Saves the file the page offers when `selector` (on the overview) is clicked. */
async function download(page, selector, file) {
  await gotoView(page, 'overview');
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), page.click(selector)]);
  await dl.saveAs(file);
  return file;
}

/** `flakelens gen`'s runs of `tests` tests in `dir`, their paths in order. */
function generateRuns(dir, tests, runs, timeout = 60_000) {
  const { files, error } = harness.generateRuns(CLI, dir, tests, runs, timeout);
  if (error !== null) throw new Abort(`flakelens gen failed: ${error}`);
  return files;
}

/** Raw DEFLATE + base64url, as `flakelens_core::share::fragment_of` expects it. */
const fragmentOf = (json) => `audit=${zlib.deflateRawSync(Buffer.from(json)).toString('base64url')}`;

/** What the page shows now, and whether any script ran or any element was injected. */
function readHostileNow(page) {
  return page.evaluate(() => ({
    xss: window.__xss,
    text: document.body.innerText,
    imgs: [...document.querySelectorAll('img')].map((i) => i.getAttribute('src')),
    scripts: document.querySelectorAll('body script').length,
    jsLinks: [...document.querySelectorAll('[href], [src], [action], [formaction]')]
      .filter((el) => /^\s*javascript:/i.test(el.getAttribute('href') || el.getAttribute('src') || el.getAttribute('action') || el.getAttribute('formaction') || '')).length,
  }));
}

/**
 * Renders everything that shows test texts (every view, if the page has views; each test's
 * detail panel, so messages and output are rendered too) and collects what it showed.
 */
async function readHostile(page) {
  const seen = [];
  const views = (await currentView(page)) === null ? [null] : ['overview', 'tests', 'consistency', 'categories', 'runs', 'diagnostics'];
  for (const view of views) {
    if (view !== null) await gotoView(page, view);
    seen.push(await readHostileNow(page));
    if (view === 'tests' || view === null) {
      const count = (await page.$$('tr[data-test-id]')).length;
      for (let i = 0; i < count; i += 1) {
        const rows = await page.$$('tr[data-test-id]');
        if (!rows[i]) break;
        await rows[i].click().catch(() => {});
        await page.waitForTimeout(150);
        seen.push(await readHostileNow(page));
        if (view === 'tests') await gotoView(page, 'tests');
      }
    }
  }
  if (views[0] !== null) await gotoView(page, 'overview');
  return {
    xss: seen.map((s) => s.xss).find((x) => x !== undefined),
    text: seen.map((s) => s.text).join('\n'),
    imgs: [...new Set(seen.flatMap((s) => s.imgs))],
    jsLinks: Math.max(...seen.map((s) => s.jsLinks)),
  };
}

// ---------------------------------------------------------------------------------------
// Inputs

function exampleFiles() {
  const index = JSON.parse(fs.readFileSync(path.join(REPORTS, 'index.json'), 'utf8'));
  return index.files;
}

/** A JUnit report whose names, messages and output are hostile. */
function hostileReport(run) {
  const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const failing = run % 2 === 0;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites>
  <testsuite name="${esc(XSS_SCRIPT)}" tests="3">
    <testcase classname="${esc(XSS_URL)}" name="${esc(XSS_IMG)}" time="0.1">
      ${failing ? `<failure message="${esc(XSS_IMG)}" type="${esc(XSS_URL)}">${esc(XSS_SCRIPT)}\n${esc(XSS_URL)}</failure>` : ''}
      <system-out>${esc(XSS_IMG)} ${esc(XSS_SCRIPT)}</system-out>
    </testcase>
    <testcase classname="pkg.${esc(XSS_IMG)}" name="${esc(XSS_URL)}" time="0.1"/>
    <testcase classname="pkg" name="${esc(XSS_SCRIPT)}" time="0.1"><system-err>${esc(XSS_URL)}</system-err></testcase>
  </testsuite>
</testsuites>
`;
}

// ---------------------------------------------------------------------------------------
// Scenarios

async function scenarioWorker(ctx) {
  const label = 'worker';
  const files = exampleFiles();
  const audit = analyzeWithCli(files);
  const page = await ctx.page({
    init: () => {
      window.__longtasks = [];
      new PerformanceObserver((list) => {
        for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
      }).observe({ type: 'longtask', buffered: true });
    },
  });
  await page.goto(`${ctx.base}/`, { waitUntil: 'load' });
  await page.waitForSelector('#load-example', { timeout: WAIT_MS });
  await page.waitForTimeout(500);
  const start = await page.evaluate(() => performance.now());
  await page.click('#load-example');
  const late = await waitForSummary(page, audit.totals.runs);
  const end = await page.evaluate(() => performance.now());
  check(`${label}: the example's ${files.length} files load`, late === null, late);
  checkSame(label, await readShown(page), audit);
  const workerRequests = ctx.requests.filter((u) => u.includes('/worker/flakelens-worker'));
  check(`${label}: the files are parsed in a Web Worker (worker script and wasm fetched)`,
    workerRequests.some((u) => u.endsWith('flakelens-worker.js')) && workerRequests.some((u) => u.endsWith('flakelens-worker_bg.wasm')),
    `worker requests: ${JSON.stringify(workerRequests)}`);
  const tasks = await page.evaluate(([s, e]) => window.__longtasks.filter((t) => t.start + t.duration >= s && t.start <= e), [start, end]);
  const longest = tasks.reduce((m, t) => Math.max(m, t.duration), 0);
  console.log(`       loading the example took ${Math.round(end - start)} ms; ${tasks.length} long tasks, the longest ${Math.round(longest)} ms`);
  check(`${label}: no main-thread task over ${LONG_TASK_LIMIT_MS} ms while loading (longest ${Math.round(longest)} ms)`,
    longest <= LONG_TASK_LIMIT_MS, JSON.stringify(tasks));
  await page.screenshot({ path: path.join(OUTPUT, 'example-via-worker.png'), fullPage: true });
  return audit;
}

async function scenarioNoWorker(ctx) {
  const label = 'no worker';
  // A browser that refuses workers: the page has no engine of its own, so it must say so.
  const page = await ctx.page({
    fresh: true,
    init: () => {
      window.Worker = function Worker() { throw new Error('workers are refused here'); };
    },
  });
  await page.goto(`${ctx.base}/`, { waitUntil: 'load' });
  await page.waitForSelector('#load-example', { timeout: WAIT_MS });
  await page.click('#load-example');
  const status = await page.waitForFunction(() => {
    const s = document.querySelector('p.status');
    return s && /could not start/.test(s.textContent) ? s.textContent : null;
  }, null, { timeout: WAIT_MS }).then((h) => h.jsonValue()).catch(() => null);
  check(`${label}: the page says plainly that the worker could not start, and why`,
    status !== null && /workers are refused here/.test(status) && /only in that worker/.test(status), status ?? 'no such message');
  const summary = await page.$('[data-testid=summary-runs]');
  check(`${label}: and shows no analysis (none runs on the page)`, summary === null, 'a summary is shown');
  await page.close();
}

async function scenarioProgressCancel(ctx, scratch) {
  const label = 'progress and cancel';
  // Files big enough (about 2.6 MB each) that the worker is still reading when Cancel is
  // clicked: with 2,000 tests a file, a faster engine read all 30 before the click.
  const files = generateRuns(path.join(scratch, 'gen'), 8000, 30, 120_000);
  const page = await ctx.page();
  await page.goto(`${ctx.base}/`, { waitUntil: 'load' });
  await page.waitForSelector('#file-input', { state: 'attached', timeout: WAIT_MS });
  await page.setInputFiles('#file-input', files);
  const bar = await page.waitForSelector('[data-testid=load-progress]', { timeout: WAIT_MS }).then(() => true, () => false);
  check(`${label}: a progress bar appears for a drop of ${files.length} files`, bar, 'no [data-testid=load-progress]');
  await page.waitForFunction(() => Number(document.querySelector('[data-testid=load-files]')?.getAttribute('data-done') ?? 0) >= 1, null, { timeout: WAIT_MS }).catch(() => {});
  await page.locator('[data-testid=load-progress]').screenshot({ path: path.join(OUTPUT, 'progress.png') }).catch(() => {});
  // Once a few files are done, read the progress and click Cancel in the same frame, in the
  // page, so the load cannot finish in between.
  const { during, doneAtClick } = await page.evaluate(() => new Promise((resolve) => {
    const done = () => Number(document.querySelector('[data-testid=load-files]')?.getAttribute('data-done') ?? 0);
    const poll = () => {
      const cancel = document.querySelector('#cancel-load');
      if (done() < 3 && cancel) {
        requestAnimationFrame(poll);
        return;
      }
      const during = {
        files: document.querySelector('[data-testid=load-files]')?.textContent.trim(),
        bytes: document.querySelector('[data-testid=load-bytes]')?.textContent.trim(),
        bar: document.querySelector('[data-testid=load-progress-bar]')?.getAttribute('value'),
        cancel: cancel !== null,
      };
      cancel?.click();
      resolve({ during, doneAtClick: cancel ? done() : -1 });
    };
    poll();
  }));
  check(`${label}: it shows files and bytes done ("${during.files}", "${during.bytes}")`,
    during.cancel && /^\d+ of 30 files$/.test(during.files ?? '') && /MB of [\d.]+ MB$/.test(during.bytes ?? ''), JSON.stringify(during));
  const ended = await page.waitForFunction(() => document.querySelector('[data-testid=load-progress]') === null
    && document.querySelector('#app[data-busy]') === null && document.querySelector('[data-testid=summary-runs]') !== null, null, { timeout: WAIT_MS })
    .then(() => true, () => false);
  const shown = await readShown(page);
  const kept = Number(shown.summary.runs);
  // The worker has at most two files at the click: the one it reads and the next, queued.
  check(`${label}: Cancel stops after the files the worker has and keeps the runs read so far (${doneAtClick} done at the click, ${kept} of ${files.length} kept)`,
    ended && kept >= 3 && kept >= doneAtClick && kept <= doneAtClick + 2, `ended: ${ended}, runs shown: ${shown.summary.runs}, done at the click: ${doneAtClick}`);
  if (kept > 0 && kept < files.length) {
    checkSame(`${label}: the ${kept} runs kept`, shown, analyzeWithCli(files.slice(0, kept)));
    const note = (await diagnosticsText(page)).includes('loading was cancelled');
    check(`${label}: a diagnostic says the load was cancelled`, note, 'no "loading was cancelled" text');
    await page.screenshot({ path: path.join(OUTPUT, 'cancelled.png'), fullPage: true });
    // Dropping the rest adds them to the open analysis.
    await page.setInputFiles('#file-input', files.slice(kept));
    const late = await waitForSummary(page, files.length);
    check(`${label}: dropping the other ${files.length - kept} files adds them to the open analysis`, late === null, late);
    if (late === null) checkSame(`${label}: all ${files.length} runs`, await readShown(page), analyzeWithCli(files));
  }
}

async function scenarioChangedOnDisk(ctx, scratch) {
  const label = 'a file changed on disk';
  // The worker keeps each picked file as the browser's `File`, not a copy of its bytes, and
  // reads it again when files are added to the held runs. A file changed since it was picked
  // cannot be read again: its runs are left out, and a diagnostic names it.
  const files = generateRuns(path.join(scratch, 'changed'), 60, 4);
  const page = await ctx.page();
  await page.goto(`${ctx.base}/`, { waitUntil: 'load' });
  await page.waitForSelector('#file-input', { state: 'attached', timeout: WAIT_MS });
  await page.setInputFiles('#file-input', files.slice(0, 3));
  const late = await waitForSummary(page, 3);
  check(`${label}: three files load`, late === null, late);
  // The second file is rewritten (its length and time change), then a fourth file is added.
  await new Promise((r) => setTimeout(r, 1100));
  fs.appendFileSync(files[1], '\n<!-- changed -->\n');
  await page.setInputFiles('#file-input', [files[3]]);
  // The summary says 3 runs before and after: wait for the diagnostic, then for the page.
  const changed = path.basename(files[1]);
  await gotoView(page, 'diagnostics');
  const noted = await page.waitForFunction(() => (document.querySelector('[data-testid=diagnostics]')?.textContent ?? '')
    .includes('changed on disk since it was picked'), null, { timeout: WAIT_MS }).then(() => true, () => false);
  await gotoView(page, 'overview');
  const lateAdded = noted ? await waitForSummary(page, 3) : 'no diagnostic came';
  const diagnostics = await diagnosticsText(page);
  check(`${label}: adding a fourth file leaves the changed one out (3 runs shown)`, lateAdded === null, lateAdded);
  check(`${label}: a diagnostic names ${changed} and says it changed on disk`,
    diagnostics.includes(changed) && diagnostics.includes('changed on disk since it was picked'), diagnostics.slice(0, 600));
  if (lateAdded === null) checkSame(`${label}: the other three runs`, await readShown(page), analyzeWithCli([files[0], files[2], files[3]]));
}

async function scenarioShareRoundTrip(ctx, example) {
  const label = 'share link';
  const page = await ctx.page();
  await page.goto(`${ctx.base}/`, { waitUntil: 'load' });
  await page.click('#load-example');
  await waitForSummary(page, example.totals.runs);
  const link = await copyShareLink(page);
  const note = await page.textContent('[data-testid=share-note]').catch(() => '');
  await page.locator('[data-testid=share]').screenshot({ path: path.join(OUTPUT, 'share-link.png') });
  const url = new URL(link);
  check(`${label}: the link is the page's address with #audit= (${link.length} characters)`,
    `${url.origin}${url.pathname}` === `${ctx.base}/` && url.hash.startsWith('#audit=') && link.length <= 64 * 1024 + 100,
    link.slice(0, 200));
  check(`${label}: the page says the link travels in the fragment`, /never send|never sent/.test(note), note);
  // A fresh browser context: no storage, nothing carried over.
  const fresh = await ctx.page({ fresh: true });
  const before = ctx.server.log.length;
  await fresh.goto(link, { waitUntil: 'load' });
  const late = await waitForSummary(fresh, example.totals.runs);
  check(`${label}: opened in a new browser context, it shows the analysis`, late === null, late);
  checkSame(`${label}: opened`, await readShown(fresh), example);
  const sent = ctx.server.log.slice(before).filter((u) => u.includes('audit'));
  check(`${label}: the fragment is never sent to the server`, sent.length === 0, sent.join('\n'));
  await fresh.screenshot({ path: path.join(OUTPUT, 'share-link-opened.png'), fullPage: true });
}

/**
 * Links that do not fit whole. The worker fits them (`flakelens_core::share::ShareFitting`)
 * and the browser compresses them (`CompressionStream`): 520 tests × 5 runs of `flakelens
 * gen` give a link over the 64 KiB budget whole (300 tests: 43.0 KB, 400: 55.0 KB) and of
 * 63.4 KB without messages and output, in Chromium 2026-11-30; 2,000 tests fit neither.
 */
async function scenarioShareLinkFits(ctx, scratch) {
  const label = 'share link over the budget';
  const generate = (tests) => generateRuns(path.join(scratch, `share-${tests}`), tests, 5);
  const load = async (files) => {
    const page = await ctx.page();
    await page.goto(`${ctx.base}/`, { waitUntil: 'load' });
    await page.waitForSelector('#file-input', { state: 'attached', timeout: WAIT_MS });
    await page.setInputFiles('#file-input', files);
    const late = await waitForSummary(page, files.length);
    if (late !== null) throw new Abort(`${label}: ${late}`);
    return page;
  };
  const page = await load(generate(520));
  await gotoView(page, 'overview');
  // The worker answers in order from a queue while the browser compresses the link: an
  // audit asked for in the same task as the link must come too, and both must be right.
  const [saved] = await Promise.all([
    page.waitForEvent('download', { timeout: WAIT_MS }).catch(() => null),
    page.evaluate(() => {
      document.querySelector('#copy-share-link').click();
      document.querySelector('#download-audit').click();
    }),
  ]);
  await page.waitForSelector('[data-testid=share-note]', { timeout: WAIT_MS }).catch(() => {});
  const note = await page.textContent('[data-testid=share-note]').catch(() => '');
  const link = await page.inputValue('#share-link', { timeout: 1000 }).catch(() => null);
  if (link === null) {
    check(`${label}: 520 tests: a link is made`, false, note);
    return;
  }
  const fragment = new URL(link).hash.slice(1);
  check(`${label}: 520 tests: the link leaves messages and output out to fit (${fragment.length} bytes of fragment)`,
    fragment.startsWith('audit=') && fragment.length <= 64 * 1024 && /were left out so that the link fits under 64 KiB/.test(note),
    `${fragment.length} bytes; note: ${note}`);
  let audit = null;
  try {
    audit = JSON.parse(zlib.inflateRawSync(Buffer.from(fragment.slice('audit='.length), 'base64url')).toString('utf8'));
  } catch (e) {
    check(`${label}: 520 tests: the fragment is raw DEFLATE of audit JSON`, false, String(e));
  }
  const downloaded = saved === null ? null : await saved.path().then((file) => JSON.parse(fs.readFileSync(file, 'utf8')), () => null);
  check(`${label}: the audit asked for while the link was compressed is the whole audit (messages kept)`,
    downloaded?.totals?.tests === 520 && downloaded?.privacy?.messages === true && JSON.stringify(downloaded).includes('but was'),
    JSON.stringify({ tests: downloaded?.totals?.tests, privacy: downloaded?.privacy }));
  if (audit !== null) {
    const text = JSON.stringify(audit);
    check(`${label}: 520 tests: the audit in it says so, and holds no failure message, trace or output`,
      audit.privacy?.messages === false && audit.privacy?.output === false && audit.totals?.tests === 520
        && !text.includes('but was') && !text.includes('\\tat com.example') && !text.includes('processed batch'),
      JSON.stringify({ privacy: audit.privacy, tests: audit.totals?.tests }));
  }
  const fresh = await ctx.page({ fresh: true });
  await fresh.goto(link, { waitUntil: 'load' });
  const late = await waitForSummary(fresh, 5);
  check(`${label}: 520 tests: the link opens`, late === null, late);
  const large = await load(generate(2000));
  await gotoView(large, 'overview');
  await large.click('#copy-share-link');
  const tooLarge = await large.waitForFunction(() => /too large for a link/.test(document.querySelector('[data-testid=share-note]')?.textContent ?? ''),
    null, { timeout: WAIT_MS }).then(() => true, () => false);
  const shown = await large.$('#share-link');
  check(`${label}: 2,000 tests: no link, and the page says to download the audit instead`, tooLarge && shown === null,
    await large.textContent('[data-testid=share-note]').catch(() => ''));
}

/** A `blob:` URL made by a `file://` page itself (its origin is opaque or `file://`). */
const isLocalBlob = (url) => url.startsWith('blob:null/') || url.startsWith('blob:file://');

async function openOffline(ctx, file, label, audit) {
  const page = await ctx.page({ fresh: true, offline: true, file });
  const fileUrl = pathToFileURL(file).href;
  const seen = [];
  page.context().on('request', (req) => seen.push(req.url()));
  await page.goto(fileUrl, { waitUntil: 'load' });
  const late = await waitForSummary(page, audit.totals.runs);
  check(`${label}: opens from file:// with networking off`, late === null, late);
  checkSame(label, await readShown(page), audit);
  // The engine runs in a worker started from a blob: URL of the embedded worker.
  const started = Date.now();
  while (page.workers().length === 0 && Date.now() - started < WAIT_MS) await page.waitForTimeout(100);
  const workers = page.workers().map((w) => w.url());
  check(`${label}: the engine runs in a worker started from a blob: URL (${workers.length} worker)`,
    workers.length === 1 && isLocalBlob(workers[0]), `workers: ${JSON.stringify(workers)}`);
  const left = seen.filter((u) => u !== fileUrl && !u.startsWith('data:') && !isLocalBlob(u));
  check(`${label}: no request leaves the file:// page (${seen.length} requests: the file and its own blob:/data: URLs)`,
    left.length === 0, left.join('\n'));
  return page;
}

async function scenarioSingleFile(ctx, scratch, example) {
  // The CLI's report.
  const report = path.join(scratch, 'cli-report.html');
  cli(['report', 'sequential', 'parallel', '--app', DIST, '-o', report]);
  const folders = analyzeWithCli(['sequential', 'parallel']);
  const page = await openOffline(ctx, report, 'single-file report (CLI)', folders);
  await page.screenshot({ path: path.join(OUTPUT, 'cli-report.png'), fullPage: true });
  // No reports/ folder sits beside a report: it offers no example it could not fetch.
  check('single-file report: no "Load example" button', await page.locator('#load-example').count() === 0,
    'the button is shown');

  // The report's own "Download as single file" (its parts are in the page).
  const again = await download(page, '#download-single-file', path.join(scratch, 'from-report.html'));
  const againPage = await openOffline(ctx, again, 'single file made by a single-file report', folders);
  await againPage.close();
  // Files dropped into a report are read and analyzed by its blob: worker, offline.
  await page.setInputFiles('#file-input', path.join(REPORTS, exampleFiles()[0]));
  const lateDrop = await waitForSummary(page, folders.totals.runs + 1);
  check('single-file report: a file dropped into it is read and analyzed by its worker, offline', lateDrop === null, lateDrop);

  // The hosted page's "Download as single file".
  const hosted = await ctx.page();
  await hosted.goto(`${ctx.base}/`, { waitUntil: 'load' });
  await hosted.click('#load-example');
  await waitForSummary(hosted, example.totals.runs);
  const made = await download(hosted, '#download-single-file', path.join(scratch, 'page-report.html'));
  const html = fs.readFileSync(made, 'utf8');
  check('download as single file: one self-contained HTML (embedded audit, wasm and worker, a CSP without connections, workers only from blob:)',
    html.includes('id="flakelens-audit"') && html.includes('id="flakelens-wasm"') && html.includes('id="flakelens-worker-js"')
      && html.includes('id="flakelens-worker-wasm"') && html.includes("connect-src 'none'") && html.includes('worker-src blob:;') && !/<script[^>]+src=/.test(html),
    html.slice(0, 400));
  const cliOfSame = path.join(scratch, 'cli-same.html');
  cli(['report', ...exampleFiles(), '--app', DIST, '-o', cliOfSame]);
  const headOf = (h) => h.slice(0, h.indexOf('<script type="application/json"'));
  check('download as single file: its head (CSP, script hash, CSS) is byte for byte the CLI report\'s',
    headOf(html).replace(/<title>.*<\/title>/, '') === headOf(fs.readFileSync(cliOfSame, 'utf8')).replace(/<title>.*<\/title>/, ''),
    'heads differ');
  const opened = await openOffline(ctx, made, 'download as single file', example);
  await opened.screenshot({ path: path.join(OUTPUT, 'page-report.png'), fullPage: true });
}

async function scenarioXss(ctx, scratch) {
  const label = 'XSS';
  const files = [1, 2, 3].map((run) => {
    const file = path.join(scratch, `hostile-${run}.xml`);
    fs.writeFileSync(file, hostileReport(run));
    return file;
  });
  const audit = analyzeWithCli(files);
  const page = await ctx.page();
  await page.goto(`${ctx.base}/`, { waitUntil: 'load' });
  await page.setInputFiles('#file-input', files);
  const late = await waitForSummary(page, audit.totals.runs);
  check(`${label}: the hostile report loads`, late === null, late);
  const shown = await readHostile(page);
  await page.screenshot({ path: path.join(OUTPUT, 'xss.png'), fullPage: true });
  check(`${label}: no script ran (window.__xss undefined), no image or javascript: link was injected`,
    shown.xss === undefined && !shown.imgs.includes('x') && shown.jsLinks === 0,
    JSON.stringify({ xss: shown.xss, imgs: shown.imgs, jsLinks: shown.jsLinks }));
  check(`${label}: the hostile names appear literally as text`,
    shown.text.includes(XSS_IMG) && shown.text.includes(XSS_SCRIPT) && shown.text.includes(XSS_URL),
    shown.text.slice(0, 600));
  // Its share link, opened elsewhere.
  const link = await copyShareLink(page);
  const fresh = await ctx.page({ fresh: true });
  await fresh.goto(link, { waitUntil: 'load' });
  const lateShared = await waitForSummary(fresh, audit.totals.runs);
  const sharedShown = await readHostile(fresh);
  check(`${label}: its share link opens, runs no script and shows the names literally`,
    lateShared === null && sharedShown.xss === undefined && !sharedShown.imgs.includes('x') && sharedShown.jsLinks === 0
      && sharedShown.text.includes(XSS_IMG) && sharedShown.text.includes(XSS_SCRIPT),
    JSON.stringify({ late: lateShared, xss: sharedShown.xss, imgs: sharedShown.imgs }));
  // Its single-file report (the CLI's), offline.
  const report = path.join(scratch, 'hostile-report.html');
  cli(['report', ...files, '--app', DIST, '-o', report]);
  const offline = await openOffline(ctx, report, `${label}: single-file report of the hostile runs`, audit);
  const offlineShown = await readHostile(offline);
  check(`${label}: the single-file report runs no script and shows the names literally`,
    offlineShown.xss === undefined && !offlineShown.imgs.includes('x') && offlineShown.text.includes(XSS_IMG),
    JSON.stringify({ xss: offlineShown.xss, imgs: offlineShown.imgs }));
  return audit;
}

async function scenarioMaliciousLinks(ctx, scratch) {
  const label = 'malicious share link';
  // A hand-built audit with script in names and texts: valid, so it is shown, as text.
  const audit = analyzeWithCli(exampleFiles());
  audit.title = XSS_SCRIPT;
  for (const t of audit.tests) {
    t.name = `${XSS_IMG} ${t.name}`;
    t.classname = XSS_URL;
  }
  const crafted = `${ctx.base}/#${fragmentOf(JSON.stringify(audit))}`;
  const page = await ctx.page({ fresh: true });
  await page.goto(crafted, { waitUntil: 'load' });
  const late = await waitForSummary(page, audit.totals.runs);
  const shown = await readHostile(page);
  check(`${label}: script in names is shown as text, never run`,
    late === null && shown.xss === undefined && !shown.imgs.includes('x') && shown.jsLinks === 0 && shown.text.includes(XSS_IMG) && shown.text.includes(XSS_SCRIPT),
    JSON.stringify({ late, xss: shown.xss, imgs: shown.imgs, jsLinks: shown.jsLinks }));
  await page.screenshot({ path: path.join(OUTPUT, 'malicious-link.png'), fullPage: true });

  const cases = [
    ['a decompression bomb (64 MiB of spaces)', fragmentOf(' '.repeat(64 << 20)), /larger than the limit/],
    ['damaged base64', 'audit=%%%<script>', /damaged/],
    ['JSON that is not an audit', fragmentOf(`{"schema": "evil", "x": "${XSS_SCRIPT}"}`), /invalid/],
  ];
  for (const [what, fragment, want] of cases) {
    const p = await ctx.page({ fresh: true });
    const t0 = Date.now();
    await p.goto(`${ctx.base}/#${fragment}`, { waitUntil: 'load' });
    const status = await p.waitForFunction(() => document.querySelector('.status')?.textContent.trim() || null, null, { timeout: WAIT_MS })
      .then((h) => h.jsonValue(), () => null);
    const hostile = await readHostileNow(p);
    check(`${label}: ${what} is refused in plain words ("${(status ?? '').slice(0, 90)}"), in ${Date.now() - t0} ms, with no script run`,
      status !== null && want.test(status) && hostile.xss === undefined && !hostile.imgs.includes('x'),
      JSON.stringify({ status, xss: hostile.xss }));
    await p.close();
  }
}

async function scenarioHosted(ctx, scratch, example) {
  const label = 'hosted audit';
  // The audit, written by the CLI, on another origin that allows cross-origin reads.
  const hostedDir = path.join(scratch, 'hosted');
  fs.mkdirSync(hostedDir, { recursive: true });
  cli(['analyze', ...exampleFiles(), '-o', path.join(hostedDir, 'audit.json')]);
  fs.cpSync(REPORTS, path.join(hostedDir, 'reports'), { recursive: true });
  const corsServer = await serveDir(hostedDir, { cors: true });
  const plainServer = await serveDir(hostedDir);
  const other = baseOf(corsServer);
  try {
    const auditUrl = `${other}/audit.json`;
    ctx.allow(auditUrl);
    const page = await ctx.page({ fresh: true });
    await page.goto(`${ctx.base}/?audit=${encodeURIComponent(auditUrl)}`, { waitUntil: 'load' });
    await page.waitForSelector('#confirm-load', { timeout: WAIT_MS });
    await page.waitForTimeout(1000);
    const origin = await page.textContent('[data-testid=fetch-origin]');
    check(`${label}: the page asks first, showing the origin ${origin}`, origin === other, origin);
    check(`${label}: nothing is fetched before Load`, corsServer.log.length === 0, corsServer.log.join('\n'));
    await page.locator('[data-testid=confirm-fetch]').screenshot({ path: path.join(OUTPUT, 'confirm-fetch.png') });
    await page.click('#confirm-load');
    const late = await waitForSummary(page, example.totals.runs);
    check(`${label}: after Load, the audit is shown`, late === null, late);
    checkSame(`${label}: loaded`, await readShown(page), example);
    check(`${label}: exactly the confirmed URL was fetched from ${other}`,
      corsServer.log.length === 1 && corsServer.log[0] === '/audit.json', corsServer.log.join('\n'));

    // Cancel: nothing is fetched.
    const declined = await ctx.page({ fresh: true });
    const logBefore = corsServer.log.length;
    await declined.goto(`${ctx.base}/?audit=${encodeURIComponent(auditUrl)}`, { waitUntil: 'load' });
    await declined.click('#confirm-cancel');
    await declined.waitForTimeout(500);
    check(`${label}: Cancel fetches nothing and removes the question`,
      corsServer.log.length === logBefore && (await declined.$('#confirm-load')) === null, corsServer.log.slice(logBefore).join('\n'));

    // Hosted runs: index.json and the files it lists, on the confirmed origin.
    const runsUrl = `${other}/reports/index.json`;
    ctx.allow(runsUrl, ...exampleFiles().map((f) => `${other}/reports/${f}`));
    const runs = await ctx.page({ fresh: true });
    await runs.goto(`${ctx.base}/?runs=${encodeURIComponent(runsUrl)}`, { waitUntil: 'load' });
    await runs.click('#confirm-load');
    const lateRuns = await waitForSummary(runs, example.totals.runs);
    check('hosted runs: ?runs=<index.json> loads the runs it lists after Load', lateRuns === null, lateRuns);
    if (lateRuns === null) checkSame('hosted runs', await readShown(runs), example);

    // Errors, in plain words.
    const errorOf = async (url) => {
      ctx.allow(url);
      const p = await ctx.page({ fresh: true });
      await p.goto(`${ctx.base}/?audit=${encodeURIComponent(url)}`, { waitUntil: 'load' });
      await p.click('#confirm-load');
      const text = await p.waitForSelector('[data-testid=fetch-error]', { timeout: WAIT_MS }).then((el) => el.textContent(), () => '(no error shown)');
      await p.close();
      return text;
    };
    const cors = await errorOf(`${baseOf(plainServer)}/audit.json`);
    check(`${label}: a server without CORS gets the CORS explanation ("${cors.slice(0, 120)}")`,
      cors.includes(`the server at ${baseOf(plainServer)} does not allow this page to read the file (CORS)`) && cors.includes('enable CORS'), cors);
    const missing = await errorOf(`${other}/missing.json`);
    check(`${label}: a missing file gets "the server answered 404 Not Found" ("${missing.slice(0, 120)}")`,
      missing.includes('the server answered 404 Not Found'), missing);
    const notAudit = await errorOf(`${other}/reports/index.json`);
    check(`${label}: a file that is not an audit is refused ("${notAudit.slice(0, 120)}")`, /not a flakelens audit/.test(notAudit), notAudit);
    const p = await ctx.page({ fresh: true });
    await p.goto(`${ctx.base}/?audit=${encodeURIComponent('javascript:window.__xss=1')}`, { waitUntil: 'load' });
    const refused = await p.waitForSelector('[data-testid=fetch-error]', { timeout: WAIT_MS }).then((el) => el.textContent(), () => '');
    check(`${label}: a javascript: address is refused without a Load button`,
      /not an http\(s\) URL/.test(refused) && (await p.$('#confirm-load')) === null && (await p.evaluate(() => window.__xss)) === undefined, refused);
  } finally {
    corsServer.close();
    plainServer.close();
  }
}

// ---------------------------------------------------------------------------------------

async function main() {
  for (const [what, p] of [['built page', path.join(DIST, 'index.html')], ['CLI', CLI], ['Chromium', CHROMIUM]]) {
    if (!fs.existsSync(p)) throw new Abort(`${what} not found at ${p}`);
  }
  fs.mkdirSync(OUTPUT, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'flakelens-sharing-'));
  const server = await serveDir(DIST);
  const base = baseOf(server);
  console.log(`serving ${DIST} at ${base}`);

  /** Requests that were not the page's own assets or a confirmed URL. */
  const unexpected = [];
  const requests = [];
  const allowed = new Set();
  const pageErrors = [];
  /** The page's own assets: files that exist in dist/, on the page's origin. */
  const isAsset = (u) => {
    if (u.origin !== base) return false;
    const rel = decodeURIComponent(u.pathname).replace(/^\/+/, '');
    const file = path.resolve(DIST, rel === '' ? 'index.html' : rel);
    return !path.relative(DIST, file).startsWith('..') && fs.existsSync(file) && fs.statSync(file).isFile();
  };
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  const contexts = [];
  let shared = null;
  const ctx = {
    base,
    server,
    requests,
    allow: (...urls) => urls.forEach((u) => allowed.add(u)),
    /**
     * A page in the shared context, or in a fresh one (`fresh`), offline (`offline`, with
     * `file` the only file:// URL it may load). `init` runs before the page's scripts.
     */
    async page({ fresh = false, offline = false, file = null, init = null } = {}) {
      let context;
      if (fresh || offline || !shared) {
        context = await browser.newContext({ viewport: { width: 1280, height: 900 }, offline, acceptDownloads: true });
        contexts.push(context);
        const fileUrl = file ? pathToFileURL(file).href : null;
        context.on('request', (req) => {
          const url = req.url();
          requests.push(url);
          const u = new URL(url);
          const ok = u.protocol === 'data:' || (u.protocol === 'blob:' && (offline ? isLocalBlob(url) : url.startsWith(`blob:${base}/`)))
            || (offline ? url === fileUrl : isAsset(u) || allowed.has(url));
          if (!ok) unexpected.push(url);
        });
        // Nothing may leave the machine even if the page tries.
        await context.route((url) => !['127.0.0.1', ''].includes(url.hostname) && url.protocol !== 'blob:', (route) => route.abort('blockedbyclient'));
        if (!fresh && !offline) shared = context;
      } else {
        context = shared;
      }
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      page.on('pageerror', (err) => pageErrors.push(String(err)));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && !/Failed to load resource|Access-Control-Allow-Origin|blocked by CORS/.test(msg.text())) {
          console.log(`       (console error: ${msg.text().slice(0, 300)})`);
        }
      });
      if (init) await page.addInitScript(init);
      return page;
    },
  };
  try {
    const example = await scenarioWorker(ctx);
    await scenarioNoWorker(ctx);
    await scenarioProgressCancel(ctx, scratch);
    await scenarioChangedOnDisk(ctx, scratch);
    await scenarioShareRoundTrip(ctx, example);
    await scenarioShareLinkFits(ctx, scratch);
    await scenarioSingleFile(ctx, scratch, example);
    await scenarioXss(ctx, scratch);
    await scenarioMaliciousLinks(ctx, scratch);
    await scenarioHosted(ctx, scratch, example);

    check(`network: all ${requests.length} requests were the page's own assets or confirmed URLs`,
      unexpected.length === 0 && requests.length > 0,
      unexpected.length > 0 ? `unexpected:\n${[...new Set(unexpected)].join('\n')}` : 'no request was recorded');
    check('page: no uncaught errors', pageErrors.length === 0, pageErrors.join('\n'));
    console.log(`screenshots in ${OUTPUT}`);
  } finally {
    for (const c of contexts) await c.close().catch(() => {});
    await browser.close().catch(() => {});
    server.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

const watchdog = setTimeout(() => {
  fail(`e2e: finished within ${TIMEOUT_MS / 1000} s`, 'timed out; stopping');
  finish();
}, TIMEOUT_MS);

try {
  await main();
} catch (e) {
  if (e instanceof Abort) fail('e2e: preconditions', e.message);
  else fail('e2e: ran to the end', e.stack || String(e));
}
clearTimeout(watchdog);
finish();
