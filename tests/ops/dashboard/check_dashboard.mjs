// Opens the live dashboard of a running `crescendo serve` in headless Chromium and checks what
// it shows: the demo scenario's services for a global admin, updates as ticks pass, a
// decision's trace opened by keyboard, the audit log, and that a tenant operator's token shows
// that tenant only. Asserts on content; no request leaves the server's origin.
//
//   node check_dashboard.mjs URL ADMIN_TOKEN TENANT_TOKEN TENANT
// Exit code 0 when every check passes, 1 otherwise (each check printed).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const [url, adminToken, tenantToken, tenant] = process.argv.slice(2);
if (!tenant) {
  console.error('usage: node check_dashboard.mjs URL ADMIN_TOKEN TENANT_TOKEN TENANT');
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
  return { page, errors, foreign };
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
  check(op.errors.length === 0, `no console or page errors (${op.errors})`);
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
