// Opens the live dashboard of a running `crescendo serve` in headless Chromium and checks what
// it shows: the demo scenario's services for a global admin, updates as ticks pass over ONE
// event stream, the forecast line next to the load, a decision's trace opened by keyboard, the
// audit log, a what-if run started from the page and its report, that a tenant operator's
// token shows that tenant only (its what-if runs too), and that a viewer cannot start runs.
// Asserts on content; no request leaves the server's origin.
//
//   node check_dashboard.mjs URL ADMIN_TOKEN TENANT_TOKEN TENANT VIEWER_TOKEN
// Exit code 0 when every check passes, 1 otherwise (each check printed).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, adminToken, tenantToken, tenant, viewerToken] = process.argv.slice(2);
if (!viewerToken) {
  console.error('usage: node check_dashboard.mjs URL ADMIN_TOKEN TENANT_TOKEN TENANT VIEWER_TOKEN');
  process.exit(2);
}
const origin = new URL(url).origin;
const failures = [];
const check = (ok, what) => {
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
};

const profile = mkdtempSync(join(tmpdir(), 'crescendo-dashboard-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function open(token) {
  const page = await context.newPage();
  const errors = [];
  const foreign = [];
  const streams = [];  // the requests to /api/v1/events
  page.on('request', (r) => { if (new URL(r.url()).pathname === '/api/v1/events') streams.push(r.url()); });
  page.on('console', (msg) => { if (msg.type() === 'error') errors.push(msg.text()); });
  page.on('pageerror', (err) => errors.push(String(err)));
  await page.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith(origin)) return route.continue();
    foreign.push(u);
    return route.abort();
  });
  await page.goto(url, { waitUntil: 'load' });
  // Keyboard only: focus the token field, type, press Enter.
  await page.focus('#token');
  await page.keyboard.type(token);
  await page.keyboard.press('Enter');
  try {
    await page.waitForSelector('section.tenant', { timeout: 20000 });
  } catch (err) {
    throw new Error(`no tenant shown; status "${await page.textContent('#status')}", errors ${errors}`);
  }
  return { page, errors, foreign, streams };
}

const tick = async (page) => Number((await page.textContent('#status')).match(/tick (\d+)/)?.[1] ?? -1);

try {
  // A global admin sees every tenant of the demo scenario and the shared services.
  const admin = await open(adminToken);
  const { page } = admin;
  const tenants = await page.$$eval('section.tenant', (s) => s.map((x) => x.dataset.tenant).sort());
  check(tenants.join(',') === 'harmonia,kinderklang,nightowl,shared', `admin sees every tenant (${tenants})`);
  const services = await page.$$eval('tr[data-service]', (r) => [...new Set(r.map((x) => x.dataset.service))].sort());
  const demo = ['audio-analysis-worker', 'ml-inference', 'playlist-generator', 'public-api', 'user-sessions'];
  check(demo.every((s) => services.includes(s)), `the demo scenario's services are listed (${services})`);
  const replicasText = await page.textContent('section.tenant[data-tenant="harmonia"] tr[data-service="playlist-generator"] td:nth-child(2)');
  check(/^\d+ \(\d+–\d+\)$/.test(replicasText.trim()), `replicas with their bounds are shown ("${replicasText}")`);
  const sla = await page.textContent('section.tenant[data-tenant="nightowl"] .sla');
  check(/SLA: over capacity [\d.]+% of service-time/.test(sla) && /cost [\d.]+/.test(sla), `SLA and cost per tenant ("${sla}")`);

  // Updates as ticks pass: the tick in the status line grows, and so does the chart's history.
  const before = await tick(page);
  const pointsBefore = await page.$eval('tr[data-service="playlist-generator"] polyline.load', (p) => p.points.numberOfItems);
  await page.waitForFunction((t) => Number(document.querySelector('#status').textContent.match(/tick (\d+)/)?.[1]) >= t + 3, before, { timeout: 30000 });
  const after = await tick(page);
  const chartGrows = (n) => document.querySelector('tr[data-service="playlist-generator"] polyline.load').points.numberOfItems > n;
  await page.waitForFunction(chartGrows, pointsBefore, { timeout: 30000 }).catch(() => {});
  const pointsAfter = await page.$eval('tr[data-service="playlist-generator"] polyline.load', (p) => p.points.numberOfItems);
  check(after >= before + 3, `the dashboard updates as ticks pass (tick ${before} -> ${after})`);
  check(pointsAfter > pointsBefore, `the load chart grows (${pointsBefore} -> ${pointsAfter} points)`);
  check(admin.streams.length === 1, `every tick came over one events connection (${admin.streams.length} requests to /api/v1/events)`);

  // The forecast: playlist-generator scales on requests_per_second in prod's intelligent mode,
  // so its chart has a dashed forecast line beside the load, and a legend says which is which.
  const forecastPoints = (n) => document.querySelector('section.tenant[data-tenant="harmonia"] tr[data-service="playlist-generator"] polyline.forecast').points.numberOfItems >= n;
  await page.waitForFunction(forecastPoints, 3, { timeout: 30000 }).catch(() => {});
  const forecast = await page.$eval('section.tenant[data-tenant="harmonia"] tr[data-service="playlist-generator"] polyline.forecast',
    (p) => ({ points: p.points.numberOfItems, dashed: getComputedStyle(p).strokeDasharray }));
  check(forecast.points >= 3 && forecast.dashed !== 'none', `the forecast line has points and is dashed (${JSON.stringify(forecast)})`);
  const loadCell = await page.textContent('section.tenant[data-tenant="harmonia"] tr[data-service="playlist-generator"] td:nth-child(3)');
  check(/forecast [\d.]+/.test(loadCell), `the load cell shows the forecast ("${loadCell}")`);
  const legend = await page.textContent('section.tenant[data-tenant="harmonia"] .legend');
  check(legend.includes('forecast') && legend.includes('load'), `the chart's legend names load and forecast ("${legend}")`);

  // A decision's trace, by keyboard: focus the service, Enter, then open the newest decision.
  await page.focus('section.tenant[data-tenant="harmonia"] tr[data-service="playlist-generator"] button');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#details:not([hidden])');
  check(await page.evaluate(() => document.activeElement.id === 'details'), 'focus moves to the decisions');
  const title = await page.textContent('#details-title');
  check(title.includes('playlist-generator') && title.includes('harmonia'), `the decisions of the chosen service ("${title}")`);
  await page.focus('#decisions li:first-child summary');
  await page.keyboard.press('Enter');
  const steps = await page.$$eval('#decisions li:first-child table.trace tbody tr', (rows) =>
    rows.map((r) => ({ step: r.children[0].textContent, reason: r.children[3].textContent })));
  check(steps.length >= 2 && steps.every((s) => s.step.length > 0), `the newest decision shows its trace (${steps.length} steps: ${steps.map((s) => s.step).join(', ')})`);
  check(steps.some((s) => s.reason.length > 10), 'the trace gives the reasons');
  await page.keyboard.press('Escape');
  check(await page.isHidden('#details'), 'Escape closes the decisions');
  check(await page.evaluate(() => document.activeElement.dataset.key === 'prod/harmonia/harmonia/playlist-generator'),
        'focus returns to the service');

  // The audit log, for a global admin.
  const audit = await page.$$eval('#audit-rows tr', (r) => r.map((x) => x.children[3].textContent));
  check(await page.isVisible('#audit') && audit.includes('auth.login'), `the audit log is shown (${audit.length} entries)`);

  // A what-if run, by keyboard: the form's labelled fields, Enter on the start button; the run
  // is listed, finishes, and its report shows each strategy with numbers.
  await page.selectOption('#whatif-scenario', 'config');
  await page.selectOption('#whatif-tenant', 'harmonia');
  await page.fill('#whatif-strategies', 'kubernetes, predictive');
  await page.fill('#whatif-hours', '1');
  await page.focus('#whatif-start');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#whatif-runs tr[data-run]', { timeout: 10000 });
  const runId = await page.$eval('#whatif-runs tr[data-run]', (r) => r.dataset.run);
  await page.waitForSelector(`#whatif-runs tr[data-run="${runId}"][data-state="done"]`, { timeout: 120000 });
  await page.waitForSelector('#whatif-report:not([hidden]) tr[data-strategy]', { timeout: 10000 });
  const report = await page.$$eval('#whatif-report-rows tr', (rows) => rows.map((r) => ({
    strategy: r.dataset.strategy, numbers: [...r.querySelectorAll('td')].map((td) => td.textContent) })));
  check(report.map((r) => r.strategy).join(',') === 'kubernetes,predictive', `the report lists each strategy (${report.map((r) => r.strategy)})`);
  check(report.every((r) => r.numbers.length === 7 && r.numbers.every((n) => /^-?\d+(\.\d+)?$/.test(n))) &&
        report.some((r) => Number(r.numbers[4]) > 0), `the report gives cost, SLA, pod-seconds and actions as numbers (${JSON.stringify(report)})`);
  const header = await page.$$eval('#whatif-report thead th', (t) => t.map((x) => x.textContent));
  check(['cost', 'SLA violation s', 'pod-seconds', 'scaling actions'].every((h) => header.includes(h)), `the report's columns are named (${header})`);
  check(await page.evaluate(() => document.querySelector('label[for="whatif-strategies"]') !== null &&
        [...document.querySelectorAll('#whatif-form input, #whatif-form select')].every((e) => e.labels.length > 0)), 'every what-if field has a label');
  check(admin.errors.length === 0, `no console or page errors (${admin.errors})`);
  check(admin.foreign.length === 0, `nothing is fetched from another origin (${admin.foreign})`);

  // A tenant operator's token: that tenant only, no shared services, no audit log.
  const op = await open(tenantToken);
  const seen = await op.page.$$eval('section.tenant', (s) => s.map((x) => x.dataset.tenant));
  check(seen.join(',') === tenant, `a tenant operator sees only ${tenant} (${seen})`);
  const text = await op.page.textContent('main');
  const others = ['harmonia', 'kinderklang', 'shared', 'public-api', 'Harmonia Records', 'KinderKlang']
      .filter((t) => t !== tenant && text.includes(t));
  check(others.length === 0, `no other tenant appears anywhere on the page (${others})`);
  check(await op.page.isHidden('#audit'), 'the audit log is hidden from a tenant operator');
  // Its what-if view: the admin's harmonia run is not listed; it may start runs of its tenant only.
  await op.page.waitForSelector('#whatif-form:not([hidden])', { timeout: 10000 });
  const choices = await op.page.$$eval('#whatif-tenant option', (o) => o.map((x) => x.value));
  check(choices.join(',') === tenant, `the tenant operator may start runs of ${tenant} only (${choices})`);
  await op.page.fill('#whatif-strategies', 'kubernetes');
  await op.page.fill('#whatif-hours', '0.25');
  await op.page.focus('#whatif-start');
  await op.page.keyboard.press('Enter');
  await op.page.waitForSelector('#whatif-runs tr[data-run]', { timeout: 10000 });
  const opRuns = await op.page.$$eval('#whatif-runs tr[data-run]', (r) => r.map((x) => `${x.dataset.run}:${x.children[3].textContent}`));
  check(opRuns.length === 1 && opRuns[0].endsWith(`:${tenant}`) && !opRuns[0].startsWith(runId),
        `the tenant operator lists its own ${tenant} run, not the admin's harmonia run (${opRuns})`);
  check(op.errors.length === 0, `no console or page errors (${op.errors})`);

  // A viewer sees the runs it may read but no start button, and says why.
  const viewer = await open(viewerToken);
  await viewer.page.waitForSelector('#whatif-note:not([hidden])', { timeout: 10000 });
  check(await viewer.page.isHidden('#whatif-form'), 'a viewer has no what-if start button');
  check((await viewer.page.textContent('#whatif-note')).includes('operator grant'), 'a viewer is told starting needs an operator grant');
  check(viewer.errors.length === 0, `no console or page errors (${viewer.errors})`);
} catch (err) {
  check(false, `the checks ran to the end (${err})`);
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
if (failures.length) {
  console.error(`${failures.length} checks failed`);
  process.exit(1);
}
console.log('PASSED');
