// Opens a Crescendo HTML simulation report in headless Chromium and checks that it renders:
// no console errors, no page errors, no network requests (the report is self-contained), the
// four plots drawn with their lines, the comparison table filled, and the legend toggling lines.
//
//   node check_report.mjs REPORT.html
// Exit code 0 when every check passes, 1 otherwise (each failure printed).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const report = process.argv[2];
if (!report) {
  console.error('usage: node check_report.mjs REPORT.html');
  process.exit(2);
}

const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
};

const profile = mkdtempSync(join(tmpdir(), 'crescendo-report-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] ?? await context.newPage();
  const consoleErrors = [];
  const pageErrors = [];
  const requests = [];
  page.on('console', (msg) => { if (msg.type() === 'error') consoleErrors.push(msg.text()); });
  page.on('pageerror', (err) => pageErrors.push(String(err)));
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    requests.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(resolve(report)).href, { waitUntil: 'load' });

  const plots = await page.$$eval('figure.plot', (figures) => figures.map((f) => {
    const svg = f.querySelector('svg');
    const box = svg ? svg.getBoundingClientRect() : { width: 0, height: 0 };
    return {
      id: f.dataset.plot,
      width: box.width,
      height: box.height,
      lines: f.querySelectorAll('polyline.series').length,
      points: Array.from(f.querySelectorAll('polyline.series'))
          .reduce((n, l) => n + l.points.numberOfItems, 0),
    };
  }));
  const ids = plots.map((p) => p.id).sort().join(',');
  check(ids === 'cost,latency,load,supply', `the four plots are there (found: ${ids})`);
  for (const p of plots) {
    check(p.width > 300 && p.height > 80, `plot ${p.id} is drawn (${p.width}x${p.height} px)`);
    check(p.lines > 0 && p.points > 10, `plot ${p.id} has lines (${p.lines} lines, ${p.points} points)`);
  }
  const rows = await page.$$eval('table:first-of-type tbody tr', (r) => r.length);
  check(rows >= 1, `the comparison table has a row per strategy (${rows})`);

  // The legend toggles its series.
  const legend = page.locator('figure.plot[data-plot="supply"] .legend').nth(1);
  await legend.click();
  const hidden = await page.$$eval('figure.plot[data-plot="supply"] polyline[data-series="1"]',
      (lines) => lines.every((l) => l.style.display === 'none'));
  check(hidden, 'clicking a legend entry hides its line');

  check(consoleErrors.length === 0, `no console errors (${consoleErrors.join(' | ')})`);
  check(pageErrors.length === 0, `no page errors (${pageErrors.join(' | ')})`);
  check(requests.length === 0, `no network requests (${requests.join(' ')})`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failures.length > 0) {
  console.error(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('report renders');
