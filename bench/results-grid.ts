/**
 * The web app's results grid with 100,000 rows in real Chromium (a benchmark, not a test): time to the first rows,
 * scroll frame time (p95 over 3 s of continuous scrolling), and the time to apply a filter. The built app
 * (site/dist) is served as the Worker would; the API answers (/v1/me, the run, its JSON lines) are generated here,
 * so the figures are the grid's own, not the pipeline's.
 *
 *   node --import tsx bench/results-grid.ts [--rows 100000]
 */
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { ROOT, buildSiteIfStale } from '../scripts/lib/stack.ts';
import { chromium } from './lib/playwright.ts';
import { percentile, round, table } from './lib/stats.ts';

const rowsArg = process.argv.indexOf('--rows');
const ROWS = rowsArg > 0 ? Number(process.argv[rowsArg + 1]) : 100_000;
const DIST = join(ROOT, 'site', 'dist');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };

await buildSiteIfStale();
const lines: string[] = [];
for (let i = 0; i < ROWS; i++) {
  lines.push(JSON.stringify({ sku: `SKU-${String(i).padStart(6, '0')}`, name: `Product ${i}`, price: (i % 997) + 0.99, category: ['tools', 'garden', 'kitchen', 'toys'][i % 4], url: `https://shop.example/p/${i}` }));
}
const jsonl = `${lines.join('\n')}\n`;
const me = { user: { id: 'usr_b', email: 'b@example.test', name: 'Bench' }, org: { id: 'org_b', name: 'Bench' }, role: 'owner', permissions: ['jobs:read', 'runs:read', 'results:read'], via: 'session', memberships: [{ orgId: 'org_b', name: 'Bench', role: 'owner' }], sessionTtlMs: null };
const run = { id: 'run_bench', jobId: 'job_bench', status: 'succeeded', trigger: 'api', counts: { pagesSucceeded: 5000, pagesFailed: 0, pagesPending: 0, items: ROWS, retries: 0, pagesSoftFailed: 0 }, error: null, createdAt: Date.now(), startedAt: Date.now(), finishedAt: Date.now(), durationMs: 1, changes: null };

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  const json = (body: unknown) => { res.writeHead(200, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (url.pathname === '/v1/me') return json(me);
  if (url.pathname === '/v1/runs/run_bench') return json(run);
  if (url.pathname === '/v1/runs/run_bench/results') { res.writeHead(200, { 'content-type': 'application/x-ndjson' }); return res.end(jsonl); }
  let file = join(DIST, url.pathname);
  if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
  if (!file.startsWith(DIST) || !existsSync(file)) { res.writeHead(404); return res.end(); }
  res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
  res.end(readFileSync(file));
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
const results: Array<[string, number, string]> = [];
try {
  for (let round_ = 0; round_ < 3; round_++) {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const t0 = Date.now();
    await page.goto(`${base}/app/results/?run=run_bench`);
    await page.locator('.grid-row').first().waitFor({ timeout: 120_000 });
    const firstRows = Date.now() - t0;
    // A string, not a function: tsx would wrap the inner arrow in a helper the page does not have.
    const frames = await page.evaluate(`new Promise((done) => {
      const body = document.querySelector('[data-testid="grid-body"]');
      const deltas = [];
      let last = performance.now();
      const end = last + 3000;
      requestAnimationFrame(function step(now) {
        deltas.push(now - last); last = now;
        body.scrollTop += 900;
        if (now < end) requestAnimationFrame(step); else done(deltas.slice(1));
      });
    })`) as number[];
    const filterMs = await page.evaluate(async () => {
      const input = document.querySelector<HTMLInputElement>('[data-testid="results-filter"]')!;
      const t = performance.now();
      input.value = 'SKU-0999';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t;
    });
    const count = await page.getByTestId('results-count').textContent();
    results.push([`round ${round_ + 1}`, firstRows, `${round(percentile(frames, 0.95), 1)} ms p95 (${frames.length} frames) · filter ${round(filterMs)} ms (${count})`]);
    await page.close();
  }
} finally {
  await browser.close();
  server.close();
}
console.log(`results grid, ${ROWS} rows, real Chromium (headless)`);
console.log(table(['round', 'first rows ms', 'scroll frame time · filter'], results));
