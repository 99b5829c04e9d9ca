// The bundle budget of the performance issue: each wasm file of the built page (the page's and
// the worker's) is at most 400 KB gzipped, measured as BENCHMARKS.md does (`gzip -9`, 1 KB =
// 1,000 bytes). Opening the page fetches the page's wasm; the worker's is fetched when the
// page first needs the worker, which is also checked here, in Chromium's request log.
//
// Environment: FLAKELENS_DIST (default <repo>/dist), CHROMIUM (default /usr/bin/chromium).
// Prints one line per check and ends with "N passed, M failed"; exits 1 on any failure.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

import { CHROMIUM_FLAGS, check, finish, serveDir } from './_harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const DIST = path.resolve(process.env.FLAKELENS_DIST || path.join(repo, 'dist'));
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const BUDGET_BYTES = 400_000;

/** The gzip -9 size of `file` in bytes. */
function gzippedSize(file) {
  const gzip = spawnSync('gzip', ['-9', '-c', file], { maxBuffer: 64 << 20 });
  if (gzip.status !== 0) throw new Error(`gzip -9 failed on ${file}: ${gzip.stderr}`);
  return gzip.stdout.length;
}

const wasmFiles = [
  ...fs.readdirSync(DIST).filter((f) => f.endsWith('.wasm')).map((f) => path.join(DIST, f)),
  ...fs.readdirSync(path.join(DIST, 'worker')).filter((f) => f.endsWith('.wasm')).map((f) => path.join(DIST, 'worker', f)),
];
check('dist holds the page wasm and the worker wasm', wasmFiles.length === 2, wasmFiles.join(', '));
for (const file of wasmFiles) {
  const size = gzippedSize(file);
  const name = path.relative(DIST, file);
  check(`${name}: ${size.toLocaleString('en')} bytes gzipped, at most ${BUDGET_BYTES.toLocaleString('en')}`,
    size <= BUDGET_BYTES, `${size - BUDGET_BYTES} bytes over the budget`);
}

// Opening the page costs only the page's wasm.
const server = await serveDir(DIST);
const base = `http://127.0.0.1:${server.address().port}`;
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'flakelens-bundle-'));
const browser = await chromium.launchPersistentContext(profile, {
  executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS,
});
try {
  const page = browser.pages()[0] ?? await browser.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(new URL(r.url()).pathname));
  await page.goto(`${base}/`);
  await page.waitForSelector('#load-example', { timeout: 30000 });
  await page.waitForTimeout(1000);
  const workerWasm = (list) => list.some((p) => p.startsWith('/worker/') && p.endsWith('.wasm'));
  check('opening the page fetches its own wasm and not the worker\'s',
    requests.some((p) => !p.startsWith('/worker/') && p.endsWith('.wasm')) && !workerWasm(requests),
    JSON.stringify(requests));
  await page.click('#load-example');
  await page.waitForSelector('[data-testid=summary-runs]', { timeout: 60000 }).catch(() => {});
  check('loading the example fetches the worker\'s wasm', workerWasm(requests), JSON.stringify(requests));

  // The user starting to pick files starts the worker, which warms up before they come: the
  // worker's wasm is fetched when "choose files" is pressed, and not before.
  const picking = await browser.newPage();
  const picked = [];
  picking.on('request', (r) => picked.push(new URL(r.url()).pathname));
  await picking.goto(`${base}/`);
  await picking.waitForSelector('#load-example', { timeout: 30000 });
  await picking.mouse.click(10, 10);
  await picking.waitForTimeout(500);
  check('a click elsewhere on the page does not fetch the worker\'s wasm', !workerWasm(picked), JSON.stringify(picked));
  const [chooser] = await Promise.all([picking.waitForEvent('filechooser'), picking.click('label.file-label:has(#file-input)')]);
  // The worker fetches its wasm itself: it shows in the request log, not in the page's
  // performance entries.
  for (const until = Date.now() + 30000; !workerWasm(picked) && Date.now() < until;) await picking.waitForTimeout(50);
  check('pressing "choose files" fetches the worker\'s wasm before any file is chosen', workerWasm(picked), JSON.stringify(picked));
  await chooser.setFiles([]);
  await picking.close();
} finally {
  await browser.close().catch(() => {});
  server.close();
  fs.rmSync(profile, { recursive: true, force: true });
}
finish();
