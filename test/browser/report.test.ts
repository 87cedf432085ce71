/// <reference lib="dom" />
/**
 * Browser test of the HTML report: opens a generated report from file:// in headless Chromium (Debian's chromium,
 * driven by playwright-core; `.ci/run` installs it) with the network blocked, and checks that the interactive charts
 * rendered (vega-embed SVG marks), that there were no console errors, and saves a screenshot as a test artefact.
 * Install locally with `apt-get install chromium`.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSweep } from '../../src/experiment/plan.js';
import { runSweep } from '../../src/experiment/sweep.js';
import { writeReport } from '../../src/report/writeReport.js';
import { loadScenario } from '../../src/workload/loadScenario.js';
import { runScenario } from '../../src/sim/simulation.js';

const CHROMIUM = '/usr/bin/chromium';
const root = resolve(new URL('../..', import.meta.url).pathname);
const artefacts = join(root, 'test-artifacts');
const tmp = mkdtempSync(join(tmpdir(), 'kubesim-browser-'));
let browser: Browser;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); .ci/run does`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(artefacts, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function open(file: string, screenshot: string) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  const errors: string[] = [];
  const requests: string[] = [];
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('pageerror', (e) => errors.push(e.message));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file://')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(`file://${file}`);
  await page.waitForFunction(() => document.querySelectorAll('section.chart').length > 0 && document.querySelectorAll('section.chart.live').length === document.querySelectorAll('section.chart').length, undefined, { timeout: 30_000 });
  const live = await page.$$eval('section.chart .interactive svg .mark-line path, section.chart .interactive svg .mark-rect path, section.chart .interactive svg .mark-rule line', (els) => els.length);
  const charts = await page.$$eval('section.chart', (els) => els.length);
  const staticHidden = await page.$$eval('section.chart .static', (els) => els.every((e) => getComputedStyle(e).display === 'none'));
  // Every url(#id) a live chart uses resolves to exactly one element, inside that live chart (gradients, clips).
  const danglingRefs = await page.$$eval('section.chart .interactive svg [fill*="url("], section.chart .interactive svg [clip-path*="url("]', (els) =>
    els.filter((e) => {
      const attr = (e.getAttribute('fill')?.includes('url(') ? e.getAttribute('fill') : e.getAttribute('clip-path'))!;
      const ref = /#([^)"']+)/.exec(attr)![1]!;
      const targets = document.querySelectorAll(`[id="${ref}"]`);
      return targets.length !== 1 || !e.closest('.interactive')!.contains(targets[0]!);
    }).length,
  );
  // How a person meets the page: what the first screen shows, whether anything is wider than the page, the axes.
  const reading = await page.evaluate(() => {
    const headline = document.querySelector('#headline, #changes, #summary');
    const firstChart = document.querySelector('section.chart');
    const timeLabels = Array.from(document.querySelectorAll('section.chart .interactive svg .role-axis-label text')).map((t) => t.textContent ?? '').filter((t) => /^\d+:\d\d$/.test(t));
    return {
      opensWith: headline?.id,
      headlineBottom: headline === null ? Infinity : headline.getBoundingClientRect().bottom,
      firstChartTop: firstChart === null ? Infinity : firstChart.getBoundingClientRect().top,
      pageOverflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      foldedSummary: document.querySelector('details#full-summary') !== null && !(document.querySelector('details#full-summary') as HTMLDetailsElement).open,
      emptySummaryCells: Array.from(document.querySelectorAll('#full-summary #summary td')).filter((td) => (td.textContent ?? '').trim() === '').length,
      timeLabels: timeLabels.length,
      eventRules: document.querySelectorAll('section.chart .interactive svg .mark-rule line').length,
    };
  });
  await page.screenshot({ path: join(artefacts, screenshot.replace('.png', '-first-screen.png')) });
  await page.screenshot({ path: join(artefacts, screenshot), fullPage: true });
  await page.close();
  return { errors, requests, live, charts, staticHidden, danglingRefs, reading };
}

describe('report.html in a browser', () => {
  it('a run report renders its interactive charts offline with no console errors', async () => {
    const out = join(tmp, 'quickstart');
    await runScenario(loadScenario(join(root, 'workloads/quickstart.yaml'), { overrides: ['duration=30m'] }), { outDir: out });
    const file = await writeReport(out);
    const r = await open(file, 'report-run.png');
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.charts).toBeGreaterThanOrEqual(5);
    expect(r.live).toBeGreaterThan(5);
    expect(r.staticHidden).toBe(true);
    expect(r.danglingRefs).toBe(0);
  }, 120_000);

  it('a run report opens with its headline figures on the first screen, marks the scenario events on h:mm axes, and folds the full summary', async () => {
    const out = join(tmp, 'zone-failure');
    await runScenario(loadScenario(join(root, 'workloads/zone-failure.yaml'), { overrides: ['duration=40m'] }), { outDir: out });
    const file = await writeReport(out);
    const r = await open(file, 'report-zone-failure.png');
    expect(r.errors).toEqual([]);
    expect(r.reading.opensWith).toBe('headline');
    expect(r.reading.headlineBottom).toBeLessThan(900); // on the first screen
    expect(r.reading.firstChartTop).toBeGreaterThan(r.reading.headlineBottom);
    expect(r.reading.pageOverflow).toBeLessThanOrEqual(0);
    expect(r.reading.foldedSummary).toBe(true);
    expect(r.reading.emptySummaryCells).toBe(0);
    expect(r.reading.timeLabels).toBeGreaterThan(10);
    expect(r.reading.eventRules).toBeGreaterThan(0); // failNodes and recovery marked
    const page = await browser.newPage();
    await page.goto(`file://${file}`);
    const figures = await page.$$eval('#headline .figure', (els) => els.map((e) => [e.querySelector('.label')!.textContent, e.querySelector('.value')!.textContent]));
    await page.close();
    expect(Object.fromEntries(figures)).toMatchObject({ simulated: '40 min', nodes: '90', 'lowest availability': expect.stringMatching(/^\d+ %$/) });
  }, 120_000);

  it('a sweep report renders per-cell charts and highlights the best cell per metric', async () => {
    const out = join(tmp, 'sweep');
    await runSweep(planSweep(join(root, 'workloads/policies-basic.yaml'), ['duration=10m', 'matrix.seeds=2']), out, { workers: 2, baseline: 'scheduler.profile=default' });
    const file = await writeReport(out);
    const r = await open(file, 'report-sweep.png');
    expect(r.errors).toEqual([]);
    expect(r.requests).toEqual([]);
    expect(r.charts).toBe(11); // 9 + availability over time and lowest availability (its scenario has Deployments)
    expect(r.live).toBeGreaterThan(9);
    const page = await browser.newPage();
    await page.goto(`file://${file}`);
    const best = await page.$$eval('#summary td.best', (els) => els.length);
    const cells = await page.$$eval('#summary tr', (els) => els.length - 1);
    await page.close();
    expect(cells).toBe(3);
    expect(best).toBeGreaterThan(0);
    // It opens with what changed against the baseline, and nothing is wider than the page.
    expect(r.reading.opensWith).toBe('changes');
    expect(r.reading.pageOverflow).toBeLessThanOrEqual(0);
  }, 120_000);
});
