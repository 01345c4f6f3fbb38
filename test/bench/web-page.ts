/**
 * The setup page's weight (what a phone downloads, gzip) and its time to first render in headless
 * Chromium, against a baseline measured in the same run: a one-line HTML page from a bare node:http
 * server. Run: `npm run build && node --import tsx test/bench/web-page.ts [--runs 5]`.
 */
import { createServer } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPage } from '../../appliance/web/page-routes.js';
import { launchBrowser, type TestBrowser } from '../support/browser.js';
import { OutpostProcess } from '../support/outpost-process.js';
import { fmt, median, note, numberFlag, printTable } from './bench-kit.js';

const BUDGET_GZIP_BYTES = 150 * 1024;

async function timings(browser: TestBrowser, url: string, ready: string): Promise<{ fcp: number; ready: number }> {
  const page = await browser.context.newPage();
  try {
    await page.goto(url);
    await page.waitForSelector(ready, { state: 'attached' });
    return await page.evaluate(() => {
      const fcp = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? Number.NaN;
      return { fcp, ready: performance.now() };
    });
  } finally {
    await page.close();
  }
}

async function main(): Promise<void> {
  const runs = numberFlag('runs', 5);
  const files = loadPage();
  const raw = [...files.values()].reduce((n, f) => n + f.body.length, 0);
  const gzip = [...files.values()].reduce((n, f) => n + f.gzip.length, 0);
  printTable('Page weight (every file the page loads)', ['file', 'bytes', 'gzip'], [
    ...[...files].map(([name, f]) => [name, fmt(f.body.length), fmt(f.gzip.length)]),
    ['total', fmt(raw), fmt(gzip)],
  ]);
  note(`budget ${fmt(BUDGET_GZIP_BYTES)} bytes gzip: ${gzip <= BUDGET_GZIP_BYTES ? 'within' : 'OVER'} (${fmt((100 * gzip) / BUDGET_GZIP_BYTES, 1)} %)`);

  const baseline = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><h1 id="ready">Outpost</h1>'));
  await new Promise<void>((resolve) => baseline.listen(0, '127.0.0.1', resolve));
  const baseUrl = `http://127.0.0.1:${(baseline.address() as { port: number }).port}/`;
  const dir = mkdtempSync(join(tmpdir(), 'outpost-bench-web-'));
  const outpost = new OutpostProcess(['--scenario', 'factory', '--data', dir]);
  const browser = await launchBrowser({ width: 412, height: 915 });
  try {
    await outpost.start();
    await outpost.waitHealthy();
    const cookie = ((await outpost.adminHeaders()).cookie ?? '').split('=');
    await browser.context.addCookies([{ name: cookie[0]!, value: cookie[1]!, url: outpost.httpUrl! }]);
    const rows: { base: number[]; fcp: number[]; dash: number[] } = { base: [], fcp: [], dash: [] };
    for (let i = 0; i < runs; i++) {
      rows.base.push((await timings(browser, baseUrl, '#ready')).fcp);
      const t = await timings(browser, outpost.httpUrl!, '#devices tr[data-device]');
      rows.fcp.push(t.fcp);
      rows.dash.push(t.ready);
    }
    printTable(`Time to render, ms after navigation start (median of ${runs}, headless Chromium, loopback)`, ['page', 'first contentful paint', 'devices table filled'], [
      ['baseline: one-line HTML, bare node:http', fmt(median(rows.base), 1), '–'],
      ['outpost page, logged in, factory scenario', fmt(median(rows.fcp), 1), fmt(median(rows.dash), 1)],
    ]);
  } finally {
    await browser.close();
    await outpost.stop();
    baseline.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
