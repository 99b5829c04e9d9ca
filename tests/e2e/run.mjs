// End-to-end test: the built page (dist/) in headless Chromium against the native CLI.
//
// It serves dist/ on 127.0.0.1 with a tiny static server, drops the example reports into the
// page's own file input, and checks every number the page renders against
// `flakelens analyze --json` on the same files. Then the "Load example" button (whose file names
// carry the sequential/parallel folders, so the page sees two groups): the claim, intervals,
// flags, groups, comparison, agreement matrix and the test detail panel. Then a drop with a
// truncated XML file and a plain-text file. Then the features over the example: root-cause
// categories (chart, table with zero rows, filtering, the Category column, the suite tree), the
// rules editor (a bad pattern, then a user rule, against `analyze --rules`), the success
// criteria, relabelled and excluded runs (against `--label` / `--exclude`), the audit JSON round
// trip (download, then drop the file in a fresh context) and the seed summary-only audit. Every
// request the page makes must go to the local server. The page shows one view at a time
// (`#/overview`, `#/tests`, ...); the readers below open the view that holds what they read
// (through the nav bar) and come back. tests/e2e/views.mjs tests the views themselves.
//
// Environment (all optional; `cargo xtask test` sets the first three):
//   FLAKELENS_DIST     the built page            (default <repo>/dist)
//   FLAKELENS_CLI      the `flakelens` binary    (default <repo>/target/release/flakelens)
//   FLAKELENS_OUTPUT   where screenshots go      (default <repo>/test-output/e2e)
//   FLAKELENS_REPORTS  the example reports       (default <repo>/examples/reports)
//   CHROMIUM           the browser               (default /usr/bin/chromium)
//   E2E_TIMEOUT_MS     the whole test's limit    (default 120000)
//
// Prints one line per check and ends with "N passed, M failed"; exits 1 on any failure.

import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

import { chromium } from 'playwright-core';

import { Abort, CHROMIUM_FLAGS, check, fail, finish, pass, serveDir } from './_harness.mjs';
import * as harness from './_harness.mjs';


const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..', '..');
const env = process.env;
const DIST = path.resolve(env.FLAKELENS_DIST || path.join(repo, 'dist'));
const CLI = path.resolve(env.FLAKELENS_CLI || path.join(repo, 'target', 'release', 'flakelens'));
const OUTPUT = path.resolve(env.FLAKELENS_OUTPUT || path.join(repo, 'test-output', 'e2e'));
const REPORTS = path.resolve(env.FLAKELENS_REPORTS || path.join(repo, 'examples', 'reports'));
const CHROMIUM = env.CHROMIUM || '/usr/bin/chromium';
const TIMEOUT_MS = Number(env.E2E_TIMEOUT_MS || 120_000);
/** How long one wait for the page (load, parse, render) may take. */
const WAIT_MS = 30_000;

/** The harness's `gotoView` with this file's time-out. */
const gotoView = (page, view) => harness.gotoView(page, view, WAIT_MS);
/** The harness's `waitForSummary` with this file's time-out. */
const waitForSummary = (page, runs) => harness.waitForSummary(page, runs, WAIT_MS);


// ---------------------------------------------------------------------------------------
// Reporting


// ---------------------------------------------------------------------------------------
// Static server for dist/


// ---------------------------------------------------------------------------------------
// The CLI's view: what the page must show

/**
 * Runs `flakelens analyze <files> --json` (plus `extra` options, in `cwd`) and parses its
 * output.
 */
function analyzeWithCli(files, extra = [], cwd = undefined) {
  const out = spawnSync(CLI, ['analyze', ...files, ...extra, '--json'], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    timeout: 60_000,
    cwd,
  });
  if (out.error) throw new Abort(`cannot run ${CLI}: ${out.error.message}`);
  // Exit 2 means "no run could be read"; the JSON is still printed.
  if (out.status !== 0 && out.status !== 2) {
    throw new Abort(`${CLI} analyze exited with ${out.status}:\n${out.stderr}`);
  }
  try {
    return JSON.parse(out.stdout);
  } catch (e) {
    throw new Abort(`${CLI} analyze --json printed no valid JSON (${e.message}):\n${out.stdout.slice(0, 500)}`);
  }
}

const percent = (ratio) => (ratio === null || ratio === undefined ? 'n/a' : `${(ratio * 100).toFixed(1)}%`);
/** flakelens_core::format::percent exactly: round(r × 1000) / 10 with one decimal. */
const corePercent = (ratio) => `${(Math.round(ratio * 1000) / 10).toFixed(1)}%`;
/** The page's 95% interval cell: `low–high` (en dash), or `n/a`. */
const interval = (bounds) => (bounds ? `${corePercent(bounds[0])}–${corePercent(bounds[1])}` : 'n/a');

function expectedSummary(analysis) {
  const t = analysis.totals;
  return {
    runs: String(t.runs),
    tests: String(t.tests),
    flaky: String(t.flaky),
    broken: String(t.broken),
    consistency: percent(t.consistency),
    claim: t.claim,
  };
}

function expectedRow(test) {
  return {
    id: test.id,
    verdict: test.verdict,
    failureRate: percent(test.failure_rate),
    counts: ['passed', 'failed', 'errored', 'skipped'].map((k) => String(test.counts[k])).join(' '),
    outcomes: test.outcomes.map((o) => o ?? 'absent').join(' '),
    wilson: interval(test.metrics.wilson_95),
    flags: test.flags.map((f) => f.flag).join(' '),
    flagRules: test.flags.map((f) => f.rule).join(' | '),
  };
}

// ---------------------------------------------------------------------------------------
// The page's view



/** Runs `read` on `view`, then goes back to the view shown before. */
async function inView(page, view, read) {
  const before = await gotoView(page, view);
  try {
    return await read();
  } finally {
    if (before !== null && before !== view) await gotoView(page, before);
  }
}


/** Reads everything the DOM contract exposes: the overview's figures, the test table's rows
 * and the diagnostics (each on its view). */
async function readPage(page) {
  const summary = await inView(page, 'overview', () => page.evaluate(() => {
    const text = (el) => (el ? el.textContent.trim() : '(missing)');
    const summary = (name) => text(document.querySelector(`[data-testid=summary-${name}]`));
    return {
      runs: summary('runs'),
      tests: summary('tests'),
      flaky: summary('flaky'),
      broken: summary('broken'),
      consistency: summary('consistency'),
      claim: summary('claim'),
    };
  }));
  const rows = await inView(page, 'tests', () => page.evaluate(() => {
    const text = (el) => (el ? el.textContent.trim() : '(missing)');
    return [...document.querySelectorAll('[data-testid=tests] tr[data-test-id]')].map((tr) => {
      const cell = (name) => text(tr.querySelector(`[data-testid=${name}]`));
      return {
        id: tr.getAttribute('data-test-id'),
        verdict: cell('verdict'),
        failureRate: cell('failure-rate'),
        counts: ['passed', 'failed', 'errored', 'skipped'].map((k) => cell(`count-${k}`)).join(' '),
        outcomes: [...tr.querySelectorAll('[data-outcome]')].map((el) => el.getAttribute('data-outcome')).join(' '),
        wilson: cell('wilson'),
        flags: [...tr.querySelectorAll('[data-testid=flag]')].map((el) => el.textContent.trim()).join(' '),
        flagRules: [...tr.querySelectorAll('[data-testid=flag]')].map((el) => el.getAttribute('title')).join(' | '),
        category: cell('category'),
      };
    });
  }));
  const diagnostics = await inView(page, 'diagnostics', () => page.evaluate(() => {
    const panel = document.querySelector('[data-testid=diagnostics]');
    return panel ? [...panel.querySelectorAll('li')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()) : [];
  }));
  return { summary, rows, diagnostics };
}

// ---------------------------------------------------------------------------------------
// Comparisons

function checkSummary(label, shown, analysis) {
  const want = expectedSummary(analysis);
  for (const key of Object.keys(want)) {
    check(`${label}: summary ${key} = ${want[key]}`, shown.summary[key] === want[key], `page shows ${shown.summary[key]}`);
  }
}

/**
 * Compares the table with the CLI. `withFlags`: also the flag chips, which depend on the group
 * labels and so match only when the page sees the same folders as the CLI.
 */
function checkTable(label, shown, analysis, withFlags = false) {
  const want = analysis.tests.map(expectedRow);
  const wantIds = want.map((r) => r.id);
  const shownIds = shown.rows.map((r) => r.id);
  const sameOrder = wantIds.length === shownIds.length && wantIds.every((id, i) => id === shownIds[i]);
  let detail = `page has ${shownIds.length} rows, CLI has ${wantIds.length} tests`;
  const firstDiff = wantIds.findIndex((id, i) => id !== shownIds[i]);
  if (firstDiff >= 0) detail += `\nfirst difference at row ${firstDiff}: page ${shownIds[firstDiff]} / CLI ${wantIds[firstDiff]}`;
  check(`${label}: table has ${wantIds.length} rows in the CLI's order`, sameOrder, detail);

  const byId = new Map(shown.rows.map((r) => [r.id, r]));
  const fields = [
    ['verdict', 'verdicts'],
    ['failureRate', 'failure rates'],
    ['counts', 'counts (passed failed errored skipped)'],
    ['outcomes', 'outcome strips'],
    ['wilson', '95% intervals'],
    ...(withFlags ? [['flags', 'flag chips (in order)'], ['flagRules', 'flag rules (chip titles)']] : []),
  ];
  for (const [field, what] of fields) {
    const diffs = [];
    for (const row of want) {
      const got = byId.get(row.id);
      const value = got ? got[field] : '(no row)';
      if (value !== row[field]) diffs.push(`${row.id}: page "${value}", CLI "${row[field]}"`);
    }
    const more = diffs.length > 5 ? `\n... and ${diffs.length - 5} more` : '';
    check(`${label}: ${what} match for all ${want.length} tests`, diffs.length === 0, diffs.slice(0, 5).join('\n') + more);
  }
}

const squash = (s) => s.replace(/\s+/g, ' ').trim();

/** How many of `files` the page renames: each named like one before it (the page is given
 * names, not paths; the CLI is given paths, so it renames none). */
const renamedCount = (files) => files.filter((f, i) => files.slice(0, i).some((g) => path.basename(g) === path.basename(f))).length;

function checkDiagnostics(label, shown, analysis) {
  const want = analysis.diagnostics;
  // The page's notes of files renamed (`name (2)`), which the CLI has no reason to make.
  const isRename = (li) => li.includes('another file loaded is also named');
  const renamed = shown.renamed ?? 0;
  const renames = shown.diagnostics.filter(isRename);
  check(
    `${label}: the diagnostics panel notes the ${renamed} files named like an earlier one, renamed`,
    renames.length === renamed && renames.every((li) => /\(\d+\)/.test(li)),
    `page lists ${renames.length}:\n${renames.join('\n')}`,
  );
  const own = shown.diagnostics.filter((li) => !isRename(li));
  check(
    `${label}: diagnostics panel lists the CLI's ${want.length} diagnostics`,
    own.length === want.length,
    `page lists ${own.length}:\n${own.join('\n')}`,
  );
  const missing = want.filter((d) => {
    // The page knows files by name only; the CLI by the path it was given.
    const name = path.basename(d.file);
    const where = d.line > 0 ? `${name}:${d.line}:${d.column}` : name;
    return !own.some((li) => li.includes(where) && li.includes(squash(d.message)));
  });
  if (want.length > 0) {
    check(
      `${label}: each diagnostic shows its file:line:column and message`,
      missing.length === 0,
      missing.map((d) => `not shown: ${path.basename(d.file)}:${d.line}:${d.column}: ${d.message}`).join('\n'),
    );
  }
}

// ---------------------------------------------------------------------------------------
// Scenarios

async function openPage(page, base) {
  await page.goto(`${base}/`, { waitUntil: 'load' });
  await page.waitForSelector('#file-input', { state: 'attached', timeout: WAIT_MS });
}

async function dropFiles(page, base, label, files) {
  const analysis = analyzeWithCli(files);
  await openPage(page, base);
  await page.setInputFiles('#file-input', files);
  const late = await waitForSummary(page, analysis.totals.runs);
  check(`${label}: page finished loading ${files.length} files`, late === null, late);
  const shown = await readPage(page);
  shown.renamed = renamedCount(files);
  return { analysis, shown };
}

async function scenarioExampleFiles(page, base, reportFiles) {
  const label = `drop ${reportFiles.length} example files`;
  const { analysis, shown } = await dropFiles(page, base, label, reportFiles);
  checkSummary(label, shown, analysis);
  checkTable(label, shown, analysis);
  checkDiagnostics(label, shown, analysis);
  await page.screenshot({ path: path.join(OUTPUT, 'dropped-files.png'), fullPage: true });
  return analysis;
}

async function scenarioLoadExample(page, base, analysis) {
  const label = 'load example';
  await openPage(page, base);
  await page.click('#load-example');
  const late = await waitForSummary(page, analysis.totals.runs);
  check(`${label}: page finished loading`, late === null, late);
  const shown = await readPage(page);
  checkSummary(label, shown, analysis);
  checkTable(label, shown, analysis, true);
  await page.screenshot({ path: path.join(OUTPUT, 'example.png'), fullPage: true });
  const sections = await readSections(page);
  checkGroups(label, sections, analysis);
  checkConsistency(label, sections, analysis);
  await inView(page, 'consistency', async () => {
    await page.locator('[data-testid=groups]').screenshot({ path: path.join(OUTPUT, 'groups.png') });
    await page.locator('[data-testid=consistency]').screenshot({ path: path.join(OUTPUT, 'consistency.png') });
  });
  await checkDetail(label, page, analysis);
  await checkCriteria(label, page, analysis);
  await checkCategories(label, page, analysis);
}

/** Reads the groups, comparison and consistency sections. */
async function readSections(page) {
  const runs = await inView(page, 'runs', () => page.evaluate(() => ({
    runsTableRows: document.querySelectorAll('[data-testid=runs] tr[data-run]').length,
    runLabels: [...document.querySelectorAll('[data-testid=runs] [data-testid=run-label]')].map((el) => el.textContent.trim()),
  })));
  const sections = await inView(page, 'consistency', () => page.evaluate(() => {
    const text = (el) => (el ? el.textContent.trim() : '(missing)');
    const groups = [...document.querySelectorAll('[data-testid=groups] tr[data-group]')].map((tr) => ({
      label: tr.getAttribute('data-group'),
      runs: text(tr.querySelector('[data-testid=group-runs]')),
      failures: text(tr.querySelector('[data-testid=group-failures]')),
      executions: text(tr.querySelector('[data-testid=group-executions]')),
    }));
    const comparisons = [...document.querySelectorAll('[data-testid=comparison]')].map((div) => ({
      a: div.getAttribute('data-a'),
      b: div.getAttribute('data-b'),
      rows: [...div.querySelectorAll('tr[data-id]')].map((tr) => ({
        id: tr.getAttribute('data-id'),
        sensitive: tr.getAttribute('data-testid') === 'sensitive',
        counts: `${text(tr.querySelector('[data-testid=a-count]'))} ${text(tr.querySelector('[data-testid=b-count]'))}`,
        fisher: text(tr.querySelector('[data-testid=fisher-p]')),
        rule: text(tr.querySelector('[data-testid=rule]')),
      })),
    }));
    const matrix = document.querySelector('[data-testid=consistency] [data-testid=agreement]');
    const agreement = matrix
      ? [...matrix.querySelectorAll('tbody tr')].map((tr) =>
          [...tr.querySelectorAll('td[data-agreement]')].map((td) => td.getAttribute('data-agreement')))
      : null;
    return {
      hasGroups: document.querySelector('[data-testid=groups]') !== null,
      hasConsistency: document.querySelector('[data-testid=consistency]') !== null,
      bound: text(document.querySelector('[data-testid=consistency-bound]')),
      groups,
      comparisons,
      agreement,
    };
  }));
  return { ...sections, ...runs };
}

function checkGroups(label, shown, analysis) {
  const want = analysis.groups;
  check(`${label}: groups section is shown`, shown.hasGroups, 'no [data-testid=groups]');
  const wantGroups = want.map((g) => `${g.label}: ${g.runs.length} runs, ${g.failures}/${g.executions} failed`);
  const gotGroups = shown.groups.map((g) => `${g.label}: ${g.runs} runs, ${g.failures}/${g.executions} failed`);
  check(
    `${label}: groups table shows ${want.length} groups with the CLI's failure counts`,
    want.length === 2 && JSON.stringify(wantGroups) === JSON.stringify(gotGroups),
    `page: ${JSON.stringify(gotGroups)}\nCLI:  ${JSON.stringify(wantGroups)}`,
  );
  check(
    `${label}: one comparison table per pair of groups`,
    shown.comparisons.length === analysis.comparisons.length,
    `page ${shown.comparisons.length}, CLI ${analysis.comparisons.length}`,
  );
  const diffs = [];
  analysis.comparisons.forEach((c, i) => {
    const got = shown.comparisons[i];
    if (!got || got.a !== c.a || got.b !== c.b) {
      diffs.push(`comparison ${i}: page ${got?.a} vs ${got?.b}, CLI ${c.a} vs ${c.b}`);
      return;
    }
    const byId = new Map(got.rows.map((r) => [r.id, r]));
    if (got.rows.length !== c.tests.length) diffs.push(`${c.a} vs ${c.b}: page ${got.rows.length} rows, CLI ${c.tests.length}`);
    for (const t of c.tests) {
      const row = byId.get(t.id);
      const counts = `${t.a_failures}/${t.a_runs} ${t.b_failures}/${t.b_runs}`;
      const fisher = t.fisher_p.toFixed(3);
      const sensitive = t.sensitive_to !== null && t.sensitive_to !== undefined;
      if (!row) diffs.push(`${t.id}: no row`);
      else if (row.counts !== counts || row.fisher !== fisher || row.sensitive !== sensitive || (t.rule && !row.rule.includes(t.rule))) {
        diffs.push(`${t.id}: page ${JSON.stringify(row)}, CLI ${counts} p=${fisher} sensitive=${sensitive} ${t.rule ?? ''}`);
      }
    }
  });
  check(`${label}: comparison rows match the CLI (k/n, Fisher p, sensitivity and rule)`, diffs.length === 0, diffs.slice(0, 5).join('\n'));
  const pristine = shown.comparisons.flatMap((c) => c.rows).find((r) => r.id.endsWith('::test_default_price_pristine_config'));
  check(
    `${label}: test_default_price_pristine_config carries data-testid="sensitive"`,
    pristine !== undefined && pristine.sensitive && /parallel/.test(pristine.rule),
    `row: ${JSON.stringify(pristine)}`,
  );
}

function checkConsistency(label, shown, analysis) {
  const c = analysis.consistency;
  const n = c.runs;
  check(`${label}: consistency section is shown`, shown.hasConsistency, 'no [data-testid=consistency]');
  const bound = `a test that passed in all ${n} runs has a failure rate below ${corePercent(c.bound_95)} (95%)`;
  check(`${label}: consistency bound reads "${bound}"`, shown.bound === bound, `page: ${shown.bound}`);
  const m = shown.agreement || [];
  const square = m.length === n && m.every((row) => row.length === n);
  check(`${label}: agreement matrix has ${n}×${n} cells`, square, `rows: ${m.length}, lengths: ${m.map((r) => r.length).join(',')}`);
  const diffs = [];
  for (let i = 0; i < n; i += 1) {
    for (let j = 0; j < n; j += 1) {
      const v = c.agreement[i][j];
      const want = v === null ? 'none' : v.toFixed(4);
      const got = m[i]?.[j];
      if (got !== want) diffs.push(`[${i}][${j}]: page ${got}, CLI ${want}`);
    }
  }
  check(`${label}: data-agreement equals consistency.agreement (4 decimals)`, diffs.length === 0, diffs.slice(0, 5).join('\n'));
  check(
    `${label}: runs table lists ${analysis.runs.length} runs with the CLI's group labels`,
    shown.runsTableRows === analysis.runs.length && JSON.stringify(shown.runLabels) === JSON.stringify(analysis.runs.map((r) => r.label)),
    `page: ${shown.runsTableRows} rows, labels ${JSON.stringify(shown.runLabels)}`,
  );
}

/** Screenshots the whole detail panel (a fixed drawer): the viewport grows to its height. */
async function screenshotPanel(page, file) {
  const viewport = page.viewportSize();
  const height = await page.evaluate(() => document.querySelector('[data-testid=test-detail]')?.scrollHeight ?? 0);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, height + 8) });
  await page.locator('[data-testid=test-detail]').screenshot({ path: path.join(OUTPUT, file) });
  await page.setViewportSize(viewport);
}

/** Reads the open detail panel: its metric rows, flags and attempts. */
function readDetail(page) {
  return page.evaluate(() => {
    const panel = document.querySelector('[data-testid=test-detail]');
    if (!panel) return null;
    return {
      title: panel.querySelector('h2')?.textContent.trim(),
      metrics: [...panel.querySelectorAll('[data-metric]')].map((el) => el.getAttribute('data-metric')),
      flags: [...panel.querySelectorAll('[data-testid=detail-flag]')].map((li) => li.textContent.replace(/\s+/g, ' ').trim()),
      attempts: [...panel.querySelectorAll('[data-testid=attempts] [data-attempts]')].map((el) => el.getAttribute('data-attempts')),
      focusInside: panel.contains(document.activeElement),
    };
  });
}

async function checkDetail(label, page, analysis) {
  const rowButton = (id) => page.locator(`[data-testid=tests] tr[data-test-id="${id.replace(/["\\]/g, '\\$&')}"] button.name`);
  await gotoView(page, 'tests');
  const checkOne = (what, test, detail) => {
    if (!check(`${label}: detail panel opens for ${what} ${test.name}`, detail !== null && detail.title === test.name, `panel: ${JSON.stringify(detail)}`)) return;
    const want = Object.keys(test.metrics);
    check(
      `${label}: detail of ${test.name} has one data-metric row per TestMetrics field in the JSON (${want.length})`,
      JSON.stringify(detail.metrics) === JSON.stringify(want),
      `page: ${detail.metrics.join(', ')}\nJSON: ${want.join(', ')}`,
    );
    const flags = test.flags.map((f) => `${f.flag}: ${f.rule}`);
    check(`${label}: detail of ${test.name} lists its flags with their rules`, JSON.stringify(detail.flags) === JSON.stringify(flags),
      `page: ${JSON.stringify(detail.flags)}\nCLI:  ${JSON.stringify(flags)}`);
    const attempts = test.attempts.map((a, i) => (a.length > 0 ? a.join(' ') : test.outcomes[i] ?? ''));
    check(`${label}: detail of ${test.name} shows each run's attempts`, JSON.stringify(detail.attempts) === JSON.stringify(attempts),
      `page: ${JSON.stringify(detail.attempts)}\nCLI:  ${JSON.stringify(attempts)}`);
  };

  // A flaky test, opened from the keyboard: its name is a real button.
  const flaky = analysis.tests.find((t) => t.id.endsWith('::test_default_price_pristine_config'))
    ?? analysis.tests.find((t) => t.verdict === 'flaky');
  if (!check(`${label}: the CLI lists a flaky test to open`, flaky !== undefined, 'no flaky test')) return;
  await rowButton(flaky.id).focus();
  await page.keyboard.press('Enter');
  // The runs in detail and the durations come from the worker when the panel opens.
  await page.waitForSelector('[data-testid=test-detail][data-details=full]', { timeout: WAIT_MS }).catch(() => {});
  const detail = await readDetail(page);
  checkOne('flaky test', flaky, detail);
  check(`${label}: focus moves into the detail panel`, detail?.focusInside === true, 'focus stayed outside');
  await screenshotPanel(page, 'test-detail.png');

  // A stable test, opened by clicking while the panel is open: its upper bound appears.
  const stable = analysis.tests.find((t) => t.verdict === 'stable-pass');
  if (stable) {
    await rowButton(stable.id).click();
    await page.waitForFunction((name) => document.querySelector('[data-testid=test-detail] h2')?.textContent.trim() === name,
      stable.name, { timeout: WAIT_MS }).catch(() => {});
    checkOne('stable test', stable, await readDetail(page));
  }

  await page.keyboard.press('Escape');
  const closed = await page
    .waitForSelector('[data-testid=test-detail]', { state: 'detached', timeout: WAIT_MS })
    .then(() => true, () => false);
  check(`${label}: Esc closes the detail panel`, closed, 'the panel is still open');
  const refocused = await page.evaluate(() => document.activeElement?.closest('tr[data-test-id]')?.getAttribute('data-test-id') ?? null);
  const last = stable ?? flaky;
  check(`${label}: focus returns to the last opened test's name after closing`, refocused === last.id, `focus is on ${refocused}`);

  // The close button works too; the panel in dark mode for the screenshot.
  await page.emulateMedia({ colorScheme: 'dark' });
  await inView(page, 'consistency', () => page.locator('[data-testid=consistency]').screenshot({ path: path.join(OUTPUT, 'consistency-dark.png') }));
  await rowButton(flaky.id).click();
  await page.waitForSelector('[data-testid=test-detail]', { timeout: WAIT_MS });
  await screenshotPanel(page, 'test-detail-dark.png');
  await page.click('[data-testid=test-detail] button.close');
  const closedByButton = await page
    .waitForSelector('[data-testid=test-detail]', { state: 'detached', timeout: WAIT_MS })
    .then(() => true, () => false);
  check(`${label}: the close button closes the detail panel`, closedByButton, 'the panel is still open');
  await page.emulateMedia({ colorScheme: 'light' });
}

// ---------------------------------------------------------------------------------------
// Criteria, categories, rules, run labels, audits

/** Reads the criteria rows inside `scope` (a CSS selector; the whole page by default). */
async function readCriteria(page, scope = 'body') {
  const view = scope === '[data-testid=criteria]' ? 'overview' : null;
  const read = () => page.evaluate((scope) => [...document.querySelectorAll(`${scope} [data-criterion]`)].map((tr) => {
    const cell = (name) => tr.querySelector(`[data-testid=${name}]`)?.textContent.trim() ?? '(missing)';
    return {
      id: tr.getAttribute('data-criterion'),
      name: tr.querySelector('th')?.textContent.trim(),
      target: cell('criterion-target'),
      actual: cell('criterion-actual'),
      status: cell('criterion-status'),
      evidence: cell('criterion-evidence'),
    };
  }), scope);
  return view ? inView(page, view, read) : read();
}

const badge = (status) => ({ pass: 'PASS', fail: 'FAIL', 'not-applicable': 'n/a' })[status] ?? `(${status})`;

function expectedCriteria(criteria) {
  return criteria.map((c) => ({ id: c.id, name: c.name, target: c.target, actual: c.actual, status: badge(c.status), evidence: c.evidence }));
}

async function checkCriteria(label, page, analysis) {
  await gotoView(page, 'overview');
  const shown = await readCriteria(page, '[data-testid=criteria]');
  const want = expectedCriteria(analysis.criteria);
  check(
    `${label}: criteria table lists the CLI's ${want.length} criteria with their statuses (${want.map((c) => `${c.id} ${c.status}`).join(', ')})`,
    want.length === 6 && JSON.stringify(shown) === JSON.stringify(want),
    `page: ${JSON.stringify(shown)}\nCLI:  ${JSON.stringify(want)}`,
  );
  const first = await page.evaluate(() => {
    const sections = [...document.querySelectorAll('#app > section, #app > h2')];
    return sections.find((el) => !el.classList.contains('drop-zone'))?.getAttribute('data-testid') ?? null;
  });
  check(`${label}: the criteria table is the first section after the drop zone`, first === 'criteria', `first: ${first}`);
  await page.locator('[data-testid=criteria]').screenshot({ path: path.join(OUTPUT, 'criteria.png') });
}

/** Reads the category table. */
function readCategoryTable(page) {
  return inView(page, 'categories', () => page.evaluate(() => [...document.querySelectorAll('[data-testid=categories] tr[data-category-row]')].map((tr) => ({
    id: tr.getAttribute('data-category-row'),
    name: tr.querySelector('[data-category]')?.textContent.trim(),
    tests: tr.querySelector('[data-testid=category-tests]')?.textContent.trim(),
    failures: tr.querySelector('[data-testid=category-failures]')?.textContent.trim(),
    share: tr.querySelector('[data-testid=category-share]')?.textContent.trim(),
  }))));
}

const sharePercent = (ratio) => (ratio === null || ratio === undefined ? 'n/a' : corePercent(ratio));

function expectedCategoryTable(analysis) {
  return analysis.categories.map((c) => ({ id: c.id, name: c.name, tests: String(c.tests), failures: String(c.failures), share: sharePercent(c.share) }));
}

/** The Category column the page must show for each test: the primary category's name. */
function expectedCategoryCells(analysis) {
  const names = new Map(analysis.category_list.map((c) => [c.id, c.name]));
  for (const row of analysis.categories) if (!names.has(row.id)) names.set(row.id, row.name);
  return new Map(analysis.tests.map((t) => [t.id, t.categories.primary ? names.get(t.categories.primary) ?? t.categories.primary : '']));
}

function checkCategoryTable(label, shown, analysis) {
  const want = expectedCategoryTable(analysis);
  check(
    `${label}: category table has the CLI's ${want.length} rows (zero rows included) with tests, failures and share`,
    JSON.stringify(shown) === JSON.stringify(want),
    `page: ${JSON.stringify(shown)}\nCLI:  ${JSON.stringify(want)}`,
  );
}

function checkCategoryCells(label, rows, analysis) {
  const want = expectedCategoryCells(analysis);
  const diffs = rows.filter((r) => r.category !== want.get(r.id)).map((r) => `${r.id}: page "${r.category}", CLI "${want.get(r.id)}"`);
  check(`${label}: each test's Category cell is its primary category in the JSON (${rows.length} rows)`,
    rows.length === analysis.tests.length && diffs.length === 0, diffs.slice(0, 5).join('\n') || `rows: ${rows.length}`);
}

async function checkCategories(label, page, analysis) {
  checkCategoryTable(label, await readCategoryTable(page), analysis);
  check(`${label}: the category table of the example has 10 rows, 3 of them zero`,
    analysis.categories.length === 10 && analysis.categories.filter((c) => c.tests === 0).length === 3,
    `CLI rows: ${analysis.categories.map((c) => `${c.id}=${c.tests}`).join(', ')}`);
  await gotoView(page, 'categories');
  const bars = await page.evaluate(() => document.querySelectorAll('[data-testid=category-chart] [data-chart-category]').length);
  check(`${label}: the chart draws one bar per category (${analysis.categories.length})`, bars === analysis.categories.length, `bars: ${bars}`);
  const shown = await readPage(page);
  checkCategoryCells(label, shown.rows, analysis);
  const titles = await inView(page, 'tests', () => page.evaluate(() => Object.fromEntries([...document.querySelectorAll('tr[data-test-id]')].map((tr) =>
    [tr.getAttribute('data-test-id'), tr.querySelector('[data-testid=category]')?.getAttribute('title') ?? '']))));
  const badTitles = analysis.tests.filter((t) => t.categories.matches.length > 0).filter((t) => {
    const m = t.categories.matches[0];
    const title = titles[t.id] ?? '';
    return !(title.includes(m.rule) && title.includes(m.confidence) && title.includes(m.evidence));
  });
  check(`${label}: each Category cell's title gives the primary match's rule, confidence and evidence`, badTitles.length === 0,
    badTitles.map((t) => `${t.id}: "${titles[t.id]}"`).join('\n'));

  // Filtering by a category: clicking it opens the tests view, filtered.
  await page.click('[data-testid=categories] [data-category=network]');
  await page.waitForSelector('[data-testid=category-filter]', { timeout: WAIT_MS }).catch(() => {});
  const networkIds = analysis.tests.filter((t) => t.categories.primary === 'network').map((t) => t.id);
  const filtered = (await readPage(page)).rows.map((r) => r.id);
  check(
    `${label}: clicking the network category leaves only its test (${networkIds.map((id) => id.split('::').pop()).join(', ')})`,
    JSON.stringify(filtered) === JSON.stringify(networkIds) && networkIds.length === 1 && networkIds[0].endsWith('::test_peer_echo_without_readiness_check'),
    `page rows: ${JSON.stringify(filtered)}\nCLI network tests: ${JSON.stringify(networkIds)}`,
  );
  const chip = await page.evaluate(() => document.querySelector('[data-testid=category-filter]')?.textContent.trim() ?? null);
  check(`${label}: the active filter is shown`, chip !== null && chip.includes('External dependency / network'), `chip: ${chip}`);
  await inView(page, 'categories', () => page.locator('[data-testid=categories]').screenshot({ path: path.join(OUTPUT, 'categories.png') }));
  await page.click('[data-testid=clear-filter]');
  await page.waitForSelector('[data-testid=category-filter]', { state: 'detached', timeout: WAIT_MS }).catch(() => {});
  const cleared = (await readPage(page)).rows.length;
  check(`${label}: "clear filter" shows every test again`, cleared === analysis.tests.length, `rows: ${cleared}`);
  // Clicking the same category twice also resets (the first click opens the tests view).
  await gotoView(page, 'categories');
  await page.click('[data-testid=categories] [data-category=network]');
  await page.waitForSelector('[data-testid=category-filter]', { timeout: WAIT_MS }).catch(() => {});
  await gotoView(page, 'categories');
  await page.click('[data-testid=categories] [data-category=network]');
  const toggled = (await readPage(page)).rows.length;
  check(`${label}: clicking the active category again resets the filter`, toggled === analysis.tests.length, `rows: ${toggled}`);

  // The detail panel lists every match.
  const multi = analysis.tests.find((t) => t.categories.matches.length > 1) ?? analysis.tests.find((t) => t.categories.matches.length > 0);
  await gotoView(page, 'tests');
  await page.locator(`tr[data-test-id="${multi.id}"] button.name`).click();
  await page.waitForSelector('[data-testid=test-detail]', { timeout: WAIT_MS });
  const matches = await page.evaluate(() => [...document.querySelectorAll('[data-testid=test-detail] [data-testid=detail-category]')].map((li) => ({
    category: li.getAttribute('data-category'),
    rule: li.querySelector('[data-testid=match-rule]')?.textContent.trim(),
    confidence: li.querySelector('[data-testid=match-confidence]')?.textContent.trim(),
    evidence: li.querySelector('[data-testid=match-evidence]')?.textContent.trim(),
  })));
  const wantMatches = multi.categories.matches.map((m) => ({ category: m.category, rule: m.rule, confidence: `${m.confidence} confidence`, evidence: m.evidence }));
  check(`${label}: the detail of ${multi.name} lists all ${wantMatches.length} category matches with rule, confidence and evidence`,
    JSON.stringify(matches) === JSON.stringify(wantMatches), `page: ${JSON.stringify(matches)}\nCLI:  ${JSON.stringify(wantMatches)}`);
  await page.keyboard.press('Escape');

  // The suite tree.
  await gotoView(page, 'categories');
  const tree = await page.evaluate(() => {
    const root = document.querySelector('[data-testid=suite-tree] [data-testid=suite-root]');
    const cell = (el, name) => el?.querySelector(`:scope > summary [data-testid=${name}], :scope > [data-testid=${name}]`)?.textContent.trim();
    return root ? {
      tests: cell(root, 'node-tests'), flaky: cell(root, 'node-flaky'), broken: cell(root, 'node-broken'),
      failures: cell(root, 'node-failures'), rate: cell(root, 'node-failure-rate'),
      nodes: document.querySelectorAll('[data-testid=suite-tree] [data-testid=suite-node]').length,
    } : null;
  });
  const r = analysis.suite_tree;
  const wantTree = { tests: String(r.tests), flaky: String(r.flaky), broken: String(r.broken), failures: `${r.failures} / ${r.executions}`, rate: sharePercent(r.failure_rate) };
  check(`${label}: the suite tree's root shows ${r.tests} tests, ${r.flaky} flaky, ${r.broken} broken, ${r.failures}/${r.executions} failures`,
    tree !== null && r.tests === 19 && Object.keys(wantTree).every((k) => tree[k] === wantTree[k]),
    `page: ${JSON.stringify(tree)}\nCLI:  ${JSON.stringify(wantTree)}`);
  check(`${label}: the suite tree shows nodes below the root`, (tree?.nodes ?? 0) > 0, `nodes: ${tree?.nodes}`);
  await page.locator('[data-testid=suite-tree]').screenshot({ path: path.join(OUTPUT, 'suite-tree.png') });
}

/** Loads the example through the button and waits for it. */
async function loadExample(page, base, runs) {
  await openPage(page, base);
  await page.click('#load-example');
  return waitForSummary(page, runs);
}

/** The example's report paths relative to REPORTS, as the page names them. */
function exampleNames() {
  return JSON.parse(fs.readFileSync(path.join(REPORTS, 'index.json'), 'utf8')).files.map((f) => (typeof f === 'string' ? f : f.path));
}

async function scenarioRules(page, base, analysis, scratch) {
  const label = 'rules editor';
  const late = await loadExample(page, base, analysis.totals.runs);
  check(`${label}: example loaded`, late === null, late);
  const before = await readPage(page);
  const categoriesBefore = await readCategoryTable(page);

  // A rule whose pattern does not compile: an error naming it, nothing else changes.
  const bad = '{"rules": [{"name": "unbalanced group", "category": "network", "message": "(refused"}]}';
  await gotoView(page, 'categories');
  await page.fill('#rules-text', bad);
  await page.click('#apply-rules');
  const error = await page.waitForSelector('[data-testid=rules-error]', { timeout: WAIT_MS }).then((el) => el.textContent(), () => null);
  check(`${label}: a bad pattern shows an error naming the rule`, error !== null && error.includes('unbalanced group') && /pattern is invalid/.test(error),
    `error: ${error}`);
  const after = await readPage(page);
  check(`${label}: after the error the summary and the table are unchanged`,
    JSON.stringify(after.summary) === JSON.stringify(before.summary) && JSON.stringify(after.rows) === JSON.stringify(before.rows),
    `before: ${JSON.stringify(before.summary)}\nafter:  ${JSON.stringify(after.summary)}`);
  check(`${label}: after the error the category table is unchanged`,
    JSON.stringify(await readCategoryTable(page)) === JSON.stringify(categoriesBefore), 'the category table changed');
  await page.locator('[data-testid=rules-editor]').screenshot({ path: path.join(OUTPUT, 'rules-error.png') });

  // A user rule with its own category, against `flakelens analyze --rules`.
  const rules = '{"categories":[{"id":"known-bug","name":"Known bug"}],"rules":[{"name":"page count","category":"known-bug","message":"page_count\\\\("}]}';
  const rulesFile = path.join(scratch, 'rules.json');
  fs.writeFileSync(rulesFile, rules);
  const want = analyzeWithCli(exampleNames(), ['--rules', rulesFile], REPORTS);
  await page.fill('#rules-text', rules);
  await page.click('#apply-rules');
  await gotoView(page, 'tests');
  const applied = await page.waitForFunction(() => {
    const row = [...document.querySelectorAll('tr[data-test-id]')].find((tr) => tr.getAttribute('data-test-id').endsWith('::test_page_count_includes_partial_page'));
    return row?.querySelector('[data-testid=category]')?.textContent.trim() === 'Known bug';
  }, null, { timeout: WAIT_MS }).then(() => true, () => false);
  const pageCount = want.tests.find((t) => t.id.endsWith('::test_page_count_includes_partial_page'));
  check(`${label}: test_page_count_includes_partial_page shows "Known bug" (CLI: ${pageCount?.categories.primary})`,
    applied && pageCount?.categories.primary === 'known-bug', `applied: ${applied}`);
  const shown = await readPage(page);
  checkCategoryCells(label, shown.rows, want);
  checkCategoryTable(label, await readCategoryTable(page), want);
  checkSummary(label, shown, want);
  await gotoView(page, 'categories');
  const noError = await page.evaluate(() => document.querySelector('[data-testid=rules-error]') === null);
  check(`${label}: the error is gone after a good Apply`, noError, 'rules-error still shown');
  await page.locator('[data-testid=rules-editor]').screenshot({ path: path.join(OUTPUT, 'rules-editor.png') });
}

/** Reads the groups table: label -> "runs executions failures". */
function readGroups(page) {
  return inView(page, 'consistency', () => page.evaluate(() => [...document.querySelectorAll('[data-testid=groups] tr[data-group]')].map((tr) => {
    const cell = (name) => tr.querySelector(`[data-testid=${name}]`)?.textContent.trim();
    return `${tr.getAttribute('data-group')}: ${cell('group-runs')} runs, ${cell('group-failures')}/${cell('group-executions')} failed`;
  })));
}

async function scenarioRunLabels(page, base, analysis) {
  const label = 'run labels';
  const late = await loadExample(page, base, analysis.totals.runs);
  check(`${label}: example loaded`, late === null, late);
  const names = exampleNames();
  const moved = names.find((n) => n.startsWith('parallel/'));
  const dropped = names[0];

  // Move one parallel run into the sequential group.
  await gotoView(page, 'runs');
  const input = page.locator(`[data-testid=runs] tr[data-file="${moved}"] [data-testid=run-label-input]`);
  await input.fill('sequential');
  await input.press('Enter');
  await gotoView(page, 'consistency');
  await page.waitForFunction(() => document.querySelector('[data-testid=groups] tr[data-group=sequential] [data-testid=group-runs]')?.textContent.trim() === '11',
    null, { timeout: WAIT_MS }).catch(() => {});
  const relabelled = analyzeWithCli(names, ['--label', `${moved}=sequential`], REPORTS);
  const want = relabelled.groups.map((g) => `${g.label}: ${g.runs.length} runs, ${g.failures}/${g.executions} failed`);
  const got = await readGroups(page);
  check(`${label}: relabelling ${moved} as sequential gives the CLI's groups (${want.join('; ')})`,
    JSON.stringify(got) === JSON.stringify(want) && want[0].startsWith('sequential: 11 runs'), `page: ${JSON.stringify(got)}\nCLI:  ${JSON.stringify(want)}`);
  await gotoView(page, 'runs');
  const source = await page.evaluate((file) => document.querySelector(`[data-testid=runs] tr[data-file="${file}"]`)?.textContent ?? '', moved);
  check(`${label}: the relabelled run shows its label came from the user`, source.includes('sequential') && source.includes('(user)'), `row: ${source}`);

  // Leave one run out.
  await gotoView(page, 'runs');
  await page.locator(`[data-testid=runs] tr[data-file="${dropped}"] [data-testid=run-include]`).uncheck();
  const lateExcluded = await waitForSummary(page, analysis.totals.runs - 1);
  check(`${label}: excluding ${dropped} drops the runs figure by one`, lateExcluded === null, lateExcluded);
  const excluded = analyzeWithCli(names, ['--label', `${moved}=sequential`, '--exclude', dropped], REPORTS);
  const shown = await readPage(page);
  checkSummary(`${label} (one run excluded)`, shown, excluded);
  checkTable(`${label} (one run excluded)`, shown, excluded, true);
  await gotoView(page, 'runs');
  const row = await page.evaluate((file) => {
    const tr = document.querySelector(`[data-testid=runs] tr[data-file="${file}"]`);
    return tr ? { excluded: tr.classList.contains('excluded'), checked: tr.querySelector('[data-testid=run-include]')?.checked } : null;
  }, dropped);
  check(`${label}: the excluded run stays listed, unticked`, row?.excluded === true && row?.checked === false, `row: ${JSON.stringify(row)}`);
  await page.locator('[data-testid=runs]').screenshot({ path: path.join(OUTPUT, 'runs.png') });

  // And back in.
  await gotoView(page, 'runs');
  await page.locator(`[data-testid=runs] tr[data-file="${dropped}"] [data-testid=run-include]`).check();
  const lateBack = await waitForSummary(page, analysis.totals.runs);
  check(`${label}: including it again restores ${analysis.totals.runs} runs`, lateBack === null, lateBack);
}

/** Clicks "Download audit JSON" and saves the file; returns its path. */
async function downloadAudit(page, file) {
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT_MS }), page.click('#download-audit')]);
  await download.saveAs(file);
  return download.suggestedFilename();
}

/** Everything the round trip compares. */
async function readViews(page) {
  return {
    ...(await readPage(page)),
    criteria: await readCriteria(page, '[data-testid=criteria]'),
    categories: await readCategoryTable(page),
    sections: await readSections(page),
  };
}

async function scenarioRoundTrip(withPage, base, analysis, scratch) {
  const label = 'audit round trip';
  const file = path.join(scratch, 'flakelens-audit.json');
  const privateFile = path.join(scratch, 'flakelens-audit-private.json');
  const original = await withPage(async (page) => {
    const late = await loadExample(page, base, analysis.totals.runs);
    check(`${label}: example loaded`, late === null, late);
    const name = await downloadAudit(page, file);
    check(`${label}: the download is named flakelens-audit.json`, name === 'flakelens-audit.json', `name: ${name}`);
    await page.uncheck('#audit-messages');
    await downloadAudit(page, privateFile);
    return readViews(page);
  });
  let audit = null;
  try {
    audit = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`${label}: the downloaded audit is JSON`, e.message);
  }
  if (audit) {
    check(`${label}: the download is a flakelens-audit/1 document with ${analysis.totals.runs} runs and the criteria`,
      audit.schema === 'flakelens-audit/1' && audit.runs.length === analysis.totals.runs && audit.criteria.length === 6,
      `schema ${audit.schema}, runs ${audit.runs?.length}, criteria ${audit.criteria?.length}`);
    const checked = spawnSync(CLI, ['check', file], { encoding: 'utf8', timeout: 60_000 });
    check(`${label}: \`flakelens check\` reads the page's audit (exit 1: some criteria fail)`, checked.status === 1,
      `exit ${checked.status}\n${checked.stdout}${checked.stderr}`);
  }
  try {
    const priv = JSON.parse(fs.readFileSync(privateFile, 'utf8'));
    const leaks = priv.tests.filter((t) => t.first_failure?.message
      || (t.details ?? []).some((d) => d?.attempts.some((a) => a.message || a.trace)));
    check(`${label}: with "include messages" unticked the audit holds no failure message or trace`,
      priv.privacy.messages === false && leaks.length === 0, `privacy ${JSON.stringify(priv.privacy)}; leaks in ${leaks.map((t) => t.id).join(', ')}`);
  } catch (e) {
    fail(`${label}: the private audit is JSON`, e.message);
  }

  // Opens a fresh page, drops `audit` into it and reads the views once it is loaded.
  const loadAudit = async (page, audit, what) => {
    await openPage(page, base);
    await page.setInputFiles('#file-input', audit);
    const late = await waitForSummary(page, analysis.totals.runs);
    check(`${label}: the page loads ${what}`, late === null, late);
    return readViews(page);
  };
  await withPage(async (page) => {
    const loaded = await loadAudit(page, file, 'the downloaded audit');
    for (const key of ['summary', 'rows', 'criteria', 'categories', 'sections', 'diagnostics']) {
      check(`${label}: after loading, the ${key} equal the original's`, JSON.stringify(loaded[key]) === JSON.stringify(original[key]),
        `original: ${JSON.stringify(original[key]).slice(0, 600)}\nloaded:   ${JSON.stringify(loaded[key]).slice(0, 600)}`);
    }
    checkSummary(label, loaded, analysis);
    // The loaded audit can still be relabelled: its runs were rebuilt.
    const names = exampleNames();
    const moved = names.find((n) => n.startsWith('parallel/'));
    await gotoView(page, 'runs');
    const input = page.locator(`[data-testid=runs] tr[data-file="${moved}"] [data-testid=run-label-input]`);
    await input.fill('sequential');
    await input.press('Enter');
    await gotoView(page, 'consistency');
    await page.waitForFunction(() => document.querySelector('[data-testid=groups] tr[data-group=sequential] [data-testid=group-runs]')?.textContent.trim() === '11',
      null, { timeout: WAIT_MS }).catch(() => {});
    const want = analyzeWithCli(names, ['--label', `${moved}=sequential`], REPORTS).groups
      .map((g) => `${g.label}: ${g.runs.length} runs, ${g.failures}/${g.executions} failed`);
    const got = await readGroups(page);
    check(`${label}: a loaded audit can be relabelled (groups equal the CLI's)`, JSON.stringify(got) === JSON.stringify(want),
      `page: ${JSON.stringify(got)}\nCLI:  ${JSON.stringify(want)}`);
  });

  // The same audit gzipped (as `flakelens analyze -o audit.json.gz` writes it) loads alike.
  const gzFile = path.join(scratch, 'flakelens-audit.json.gz');
  fs.writeFileSync(gzFile, zlib.gzipSync(fs.readFileSync(file)));
  await withPage(async (page) => {
    const loaded = await loadAudit(page, gzFile, 'the audit gzipped');
    check(`${label}: the gzipped audit's rows equal the original's`, JSON.stringify(loaded.rows) === JSON.stringify(original.rows),
      `original: ${JSON.stringify(original.rows).slice(0, 600)}\nloaded:   ${JSON.stringify(loaded.rows).slice(0, 600)}`);
  });
}

async function scenarioSeedAudit(page, base, scratch) {
  const label = 'seed audit';
  const seedPath = path.join(repo, 'examples', 'audits', 'seed-summary.json');
  const seed = JSON.parse(fs.readFileSync(seedPath, 'utf8'));
  await openPage(page, base);
  await page.setInputFiles('#file-input', seedPath);
  const shownUp = await page.waitForSelector('[data-testid=summary-audit]', { timeout: WAIT_MS }).then(() => true, () => false);
  if (!check(`${label}: the summary-audit section is shown`, shownUp, 'no [data-testid=summary-audit]')) return;
  const shown = await page.evaluate(() => {
    const section = document.querySelector('[data-testid=summary-audit]');
    const rows = (testid, cells) => [...section.querySelectorAll(`[data-testid=${testid}]`)].map((tr) =>
      Object.fromEntries(cells.map((c) => [c, tr.querySelector(`[data-testid=${c}]`)?.textContent.trim() ?? '(missing)'])));
    return {
      title: section.querySelector('[data-testid=audit-title]')?.textContent.trim(),
      categories: rows('category-count', ['count', 'note']).map((r, i) => ({ name: section.querySelectorAll('[data-testid=category-count] th')[i]?.textContent.trim(), ...r })),
      inventory: rows('inventory-row', ['area', 'tests', 'note']),
      stability: rows('stability-row', ['name', 'runs', 'workers', 'consistency', 'result']),
      markers: section.querySelector('[data-testid=audit-markers]')?.textContent.trim(),
      notes: [...section.querySelectorAll('[data-testid=audit-note]')].map((li) => li.textContent.trim()),
      analysisViews: document.querySelectorAll('tr[data-test-id], [data-testid=summary-runs]').length,
    };
  });
  const criteria = await readCriteria(page, '[data-testid=summary-audit]');
  check(`${label}: title "${seed.title}"`, shown.title === seed.title, `page: ${shown.title}`);
  check(`${label}: 5 criteria, all PASS, as written`,
    criteria.length === 5 && criteria.every((c) => c.status === 'PASS') && JSON.stringify(criteria) === JSON.stringify(expectedCriteria(seed.criteria)),
    `page: ${JSON.stringify(criteria)}`);
  const wantCategories = seed.summary.categories.map((c) => ({ name: c.name, count: String(c.tests), note: c.note }));
  check(`${label}: 6 root-cause rows, all 0, with their notes`,
    shown.categories.length === 6 && shown.categories.every((c) => c.count === '0') && JSON.stringify(shown.categories) === JSON.stringify(wantCategories),
    `page: ${JSON.stringify(shown.categories)}\nfile: ${JSON.stringify(wantCategories)}`);
  const wantInventory = seed.summary.inventory.map((r) => ({ area: r.area, tests: String(r.tests), note: r.note ?? '' }));
  check(`${label}: the ${wantInventory.length} inventory rows from the file`, JSON.stringify(shown.inventory) === JSON.stringify(wantInventory),
    `page: ${JSON.stringify(shown.inventory)}\nfile: ${JSON.stringify(wantInventory)}`);
  const opt = (v) => (v === undefined || v === null ? '—' : String(v));
  const wantStability = seed.summary.stability.map((r) => ({ name: r.name, runs: opt(r.runs), workers: opt(r.workers),
    consistency: r.consistency === undefined ? '—' : corePercent(r.consistency), result: r.result }));
  check(`${label}: the ${wantStability.length} stability rows from the file`, JSON.stringify(shown.stability) === JSON.stringify(wantStability),
    `page: ${JSON.stringify(shown.stability)}\nfile: ${JSON.stringify(wantStability)}`);
  check(`${label}: markers and notes`, shown.markers === `Flaky markers: ${seed.summary.markers}` && JSON.stringify(shown.notes) === JSON.stringify(seed.summary.notes),
    `markers: ${shown.markers}; notes: ${shown.notes.length}`);
  check(`${label}: no per-test views for a summary-only audit`, shown.analysisViews === 0, `elements: ${shown.analysisViews}`);
  await page.screenshot({ path: path.join(OUTPUT, 'seed-audit.png'), fullPage: true });

  // An audit with a fault, dropped onto the seed: the seed stays, the diagnostics panel names
  // the file and the fault's line and column (the worker's core is built without JSON paths:
  // `json-paths` in crates/flakelens-core/Cargo.toml).
  const broken = path.join(scratch, 'broken-audit.json');
  const brokenText = '{"schema": "flakelens-audit/1", "tests": [{"id": 3}]}';
  fs.writeFileSync(broken, brokenText);
  const faultColumn = brokenText.indexOf('3}') + 1;
  await page.setInputFiles('#file-input', broken);
  await page.waitForSelector('[data-testid=diagnostics]', { timeout: WAIT_MS }).catch(() => {});
  const diagnostics = (await readPage(page)).diagnostics;
  const seedStays = await page.evaluate(() => document.querySelector('[data-testid=summary-audit]') !== null);
  check(`${label}: a broken audit is reported in the diagnostics with its line and column; the seed stays`,
    seedStays && diagnostics.some((d) => d.includes('broken-audit.json') && d.includes(`at line 1 column ${faultColumn}: invalid type`)),
    `seed shown: ${seedStays}; diagnostics: ${JSON.stringify(diagnostics)}`);
}

// Reports in encodings other than UTF-8: the worker decodes them with the browser's
// TextDecoder, the CLI with encoding_rs. The names are worked out by hand from the WHATWG
// Encoding Standard's indexes.
async function scenarioEncodings(page, base, scratch) {
  const label = 'encodings';
  const report = (declaration, nameBytes) => Buffer.concat([
    Buffer.from(`<?xml version="1.0" encoding="${declaration}"?>\n<testsuite name="s"><testcase classname="c" name="`, 'latin1'),
    Buffer.from(nameBytes),
    Buffer.from('"/></testsuite>\n', 'latin1'),
  ]);
  const latin1 = path.join(scratch, 'latin1.xml');
  const sjis = path.join(scratch, 'sjis.xml');
  const utf16 = path.join(scratch, 'utf16.xml');
  // ISO-8859-1 is windows-1252 in the standard: 0xE9 'é', 0x80 '€'.
  fs.writeFileSync(latin1, report('ISO-8859-1', [0x63, 0x61, 0x66, 0xE9, 0x20, 0x80]));
  // Shift_JIS: テ 0x83 0x65, ス 0x83 0x58, ト 0x83 0x67.
  fs.writeFileSync(sjis, report('Shift_JIS', [0x83, 0x65, 0x83, 0x58, 0x83, 0x67]));
  // UTF-16LE with its byte-order mark.
  const text = '<?xml version="1.0" encoding="UTF-16"?>\n<testsuite name="s"><testcase classname="c" name="naïve"/></testsuite>\n';
  fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xFF, 0xFE]), Buffer.from(text, 'utf16le')]));
  const { analysis, shown } = await dropFiles(page, base, label, [latin1, sjis, utf16]);
  const ids = shown.rows.map((r) => r.id).sort();
  const expected = ['s/c::café €', 's/c::naïve', 's/c::テスト'].sort();
  check(`${label}: windows-1252, Shift_JIS and UTF-16 names read as written`,
    JSON.stringify(ids) === JSON.stringify(expected), `page: ${JSON.stringify(ids)}`);
  checkTable(label, shown, analysis);
  checkDiagnostics(label, shown, analysis);
  // (Each file is a run with a test of its own, which the diagnostics do note.)
  check(`${label}: no decoding diagnostics`,
    shown.diagnostics.length === 3 && !shown.diagnostics.some((d) => /decode|U\+FFFD|encoding/.test(d)),
    JSON.stringify(shown.diagnostics));
}

/**
 * A zip archive of `entries` ({ name, bytes, method: 0 stored | 8 deflated, crc? }) as
 * APPNOTE.TXT describes it: local headers and data, the central directory, its end record.
 * `crc` overrides the entry's CRC-32 (to make one that does not match its bytes).
 */
function zipArchive(entries) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const data = entry.method === 8 ? zlib.deflateRawSync(entry.bytes) : entry.bytes;
    const crc = entry.crc ?? zlib.crc32(entry.bytes);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed: 2.0
    local.writeUInt16LE(0x0800, 6); // the name is UTF-8
    local.writeUInt16LE(entry.method, 8);
    local.writeUInt16LE(0x21, 12); // 1980-01-01
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(entry.bytes.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(entry.method, 10);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(entry.bytes.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, data);
    centrals.push(central, name);
    offset += local.length + name.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

// Reports in a zip (a CI artifact as downloaded): deflated and stored entries in folders, a
// gzipped report inside it, a log that is not a report, and an entry whose bytes do not match
// its CRC-32. The worker reads the archive as the CLI does.
async function scenarioArchives(page, base, reportFiles, scratch) {
  const label = 'a zip of reports';
  const [one, two, three] = reportFiles.map((f) => fs.readFileSync(f));
  const archive = path.join(scratch, 'artifact.zip');
  fs.writeFileSync(archive, zipArchive([
    { name: 'linux/run-1.xml', bytes: one, method: 8 },
    { name: 'linux/run-2.xml', bytes: two, method: 0 },
    { name: 'mac/run-3.xml.gz', bytes: zlib.gzipSync(three), method: 0 },
    { name: 'logs/build.log', bytes: Buffer.from('compiling...\n'), method: 8 },
    { name: 'mac/run-4.xml', bytes: one, method: 8, crc: (zlib.crc32(one) ^ 1) >>> 0 },
  ]));
  const { analysis, shown } = await dropFiles(page, base, label, [archive]);
  checkSummary(label, shown, analysis);
  checkTable(label, shown, analysis);
  checkDiagnostics(label, shown, analysis);
  check(`${label}: three runs read from it, the damaged entry left out`, shown.summary.runs === '3', `runs: ${shown.summary.runs}`);
  check(`${label}: the damaged entry is named, and the log noted as skipped`,
    shown.diagnostics.some((d) => d.includes('artifact.zip/mac/run-4.xml') && d.includes('zip entry is damaged (its data, size or CRC-32)'))
      && shown.diagnostics.some((d) => d.includes('1 file(s) in this zip are not reports and were skipped')),
    JSON.stringify(shown.diagnostics));
}

async function scenarioMalformed(page, base, reportFiles, scratch) {
  const label = 'malformed files';
  const broken = path.join(scratch, 'broken.xml');
  const text = path.join(scratch, 'not-junit.txt');
  // Truncated in the middle of a test case: the XML never closes.
  fs.writeFileSync(broken, '<testsuites><testsuite name="x"><testcase name="a" classname="c">');
  fs.writeFileSync(text, 'this is a plain text file, not a JUnit XML report\n');
  const files = [reportFiles[0], broken, text, reportFiles[1]];
  const { analysis, shown } = await dropFiles(page, base, label, files);
  checkSummary(label, shown, analysis);
  checkTable(label, shown, analysis);
  checkDiagnostics(label, shown, analysis);
  const cliBroken = analysis.diagnostics.find((d) => path.basename(d.file) === 'broken.xml' && d.line > 0);
  check(
    `${label}: the CLI reports broken.xml with a line and column`,
    cliBroken !== undefined,
    `CLI diagnostics: ${JSON.stringify(analysis.diagnostics)}`,
  );
  check(
    `${label}: diagnostics panel names broken.xml:line:column`,
    shown.diagnostics.some((li) => /broken\.xml:\d+:\d+/.test(li)),
    `panel: ${JSON.stringify(shown.diagnostics)}`,
  );
  await page.screenshot({ path: path.join(OUTPUT, 'malformed.png'), fullPage: true });
}

// ---------------------------------------------------------------------------------------

function exampleReportFiles() {
  const indexPath = path.join(REPORTS, 'index.json');
  let index;
  try {
    index = JSON.parse(fs.readFileSync(indexPath, 'utf8'));
  } catch (e) {
    throw new Abort(`cannot read ${indexPath}: ${e.message}`);
  }
  const files = (index.files || []).map((f) => path.resolve(REPORTS, typeof f === 'string' ? f : f.path));
  if (files.length < 2) throw new Abort(`${indexPath} lists ${files.length} files; the test needs at least 2`);
  const missing = files.filter((f) => !fs.existsSync(f));
  if (missing.length > 0) throw new Abort(`files listed in ${indexPath} are missing:\n${missing.join('\n')}`);
  return files;
}

async function main() {
  for (const [what, p] of [
    ['built page', path.join(DIST, 'index.html')],
    ['CLI', CLI],
    ['Chromium', CHROMIUM],
  ]) {
    if (!fs.existsSync(p)) throw new Abort(`${what} not found at ${p}`);
  }
  const reportFiles = exampleReportFiles();
  fs.mkdirSync(OUTPUT, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'flakelens-e2e-'));

  const server = await serveDir(DIST);
  const base = `http://127.0.0.1:${server.address().port}`;
  console.log(`serving ${DIST} at ${base}`);

  const requests = [];
  const pageErrors = [];
  const isLocal = (url) => {
    const u = new URL(url);
    return u.protocol === 'data:' || u.origin === base;
  };
  // Playwright starts Chromium with a fresh temporary --user-data-dir of its own.
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
  /** Runs `scenario` on a page in a new, empty browser context (no storage carried over). */
  const withPage = async (scenario) => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    try {
      context.on('request', (req) => requests.push(req.url()));
      // Recorded above; and nothing may leave the machine even if the page tries.
      await context.route((url) => !isLocal(url.href), (route) => route.abort('blockedbyclient'));
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      page.on('pageerror', (err) => pageErrors.push(String(err)));
      page.on('console', (msg) => {
        if (msg.type() === 'error') console.log(`       (console error: ${msg.text()})`);
      });
      return await scenario(page);
    } finally {
      await context.close().catch(() => {});
    }
  };
  try {
    const analysis = await withPage((page) => scenarioExampleFiles(page, base, reportFiles));
    await withPage((page) => scenarioLoadExample(page, base, analysis));
    await withPage((page) => scenarioMalformed(page, base, reportFiles, scratch));
    await withPage((page) => scenarioEncodings(page, base, scratch));
    await withPage((page) => scenarioArchives(page, base, reportFiles, scratch));
    await withPage((page) => scenarioRules(page, base, analysis, scratch));
    await withPage((page) => scenarioRunLabels(page, base, analysis));
    await scenarioRoundTrip(withPage, base, analysis, scratch);
    await withPage((page) => scenarioSeedAudit(page, base, scratch));

    const foreign = requests.filter((url) => !isLocal(url));
    check(
      `network: all ${requests.length} requests went to ${base}`,
      foreign.length === 0 && requests.length > 0,
      foreign.length > 0 ? `elsewhere:\n${[...new Set(foreign)].join('\n')}` : 'no request was recorded',
    );
    check('page: no uncaught errors', pageErrors.length === 0, pageErrors.join('\n'));
    console.log(`screenshots in ${OUTPUT}`);
  } finally {
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
