// How long the browser takes to read a folder's files into ArrayBuffers, wherever it reads
// them: the page's main thread (`File.arrayBuffer()`, what flakelens' page does), a worker's
// `FileReaderSync` and a worker's `File.arrayBuffer()`. No flakelens code runs: this
// measures the browser's share of a load, which the CLI (reading from the page cache)
// does not pay.
//
//   node bench/browser/read-files.mjs DIR [--rounds N]
//
// Serves a page of its own (written to a temporary folder) on 127.0.0.1, picks every file of
// DIR with its file input, then, N rounds (default 3), reads them all one after the other in
// each of the three ways and prints the milliseconds (`performance.now()` around the reads,
// in the thread that reads). Environment: CHROMIUM (default /usr/bin/chromium).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { CHROMIUM_FLAGS, serveDir } from '../../tests/e2e/_harness.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const require = createRequire(path.join(repo, 'tests', 'e2e', 'package.json'));
const { chromium } = require('playwright-core');

const args = process.argv.slice(2);
const roundsAt = args.indexOf('--rounds');
const rounds = roundsAt < 0 ? 3 : Number(args.splice(roundsAt, 2)[1]);
const [dir] = args;
if (!dir || !(rounds > 0)) {
  console.error('usage: node bench/browser/read-files.mjs DIR [--rounds N]');
  process.exit(2);
}
const files = fs.readdirSync(dir).filter((f) => fs.statSync(path.join(dir, f)).isFile()).sort().map((f) => path.join(dir, f));
const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);

const site = fs.mkdtempSync(path.join(os.tmpdir(), 'read-files-'));
fs.writeFileSync(path.join(site, 'index.html'), '<!doctype html><input type="file" id="files" multiple><script src="page.js"></script>');
fs.writeFileSync(path.join(site, 'page.js'), `
const picked = () => [...document.getElementById('files').files];
window.onPage = async () => {
  const t0 = performance.now();
  let n = 0;
  for (const f of picked()) n += (await f.arrayBuffer()).byteLength;
  return { ms: performance.now() - t0, bytes: n };
};
const inWorker = (how) => new Promise((resolve) => {
  const worker = new Worker('worker.js');
  worker.onmessage = (e) => { worker.terminate(); resolve(e.data); };
  worker.postMessage({ files: picked(), how });
});
window.workerSync = () => inWorker('sync');
window.workerAsync = () => inWorker('async');
`);
fs.writeFileSync(path.join(site, 'worker.js'), `
onmessage = async (e) => {
  const { files, how } = e.data;
  const t0 = performance.now();
  let n = 0;
  if (how === 'sync') {
    const reader = new FileReaderSync();
    for (const f of files) n += reader.readAsArrayBuffer(f).byteLength;
  } else {
    for (const f of files) n += (await f.arrayBuffer()).byteLength;
  }
  postMessage({ ms: performance.now() - t0, bytes: n });
};
`);

const server = await serveDir(site);
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/index.html`);
  await page.setInputFiles('#files', files);
  console.log(`${files.length} files, ${(bytes / 1e6).toFixed(0)} MB from ${dir}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const ways = [['page: File.arrayBuffer()', 'onPage'], ['worker: FileReaderSync', 'workerSync'], ['worker: File.arrayBuffer()', 'workerAsync']];
  for (let round = 1; round <= rounds; round++) {
    const line = [];
    for (const [what, fn] of ways) {
      const r = await page.evaluate(`${fn}()`);
      if (r.bytes !== bytes) throw new Error(`${what} read ${r.bytes} bytes, expected ${bytes}`);
      line.push(`${what} ${r.ms.toFixed(0)} ms (${(bytes / 1e3 / r.ms).toFixed(0)} MB/s)`);
    }
    console.log(`round ${round}: ${line.join('; ')}`);
  }
} finally {
  await browser.close();
  server.close();
  fs.rmSync(site, { recursive: true, force: true });
}
