/**
 * Extraction benchmark (not a test): `node --import tsx bench/extraction.ts [--reps 5] [--patterns]`.
 * `--patterns` adds a `regex` and a `replace` field to the 2,000-item spec (user patterns, ADR 0022).
 * 1. A 2,000-item page through the runner: items per second of the extract step, and the task as a whole.
 * 2. The same fields read with one Playwright locator call per field and item (the alternative ADR 0005 rejects).
 * 3. The overhead of each dynamic-loading rule: task time per fixture pattern against a plain one-page listing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { JobSpec, Task, taskSpecOf, type JobSpecInput } from '@trawl/schemas';
import { buildItems, collectArgsOf, collectInPage } from '@trawl/engine';
import { evaluateFunction } from '../browser-fleet/src/page-function.ts';
import { fixtureJobs, records, startFixtureSite } from '@trawl/fixtures';
import { BrowserPool } from '../browser-fleet/src/pool.ts';
import { runTask } from '../browser-fleet/src/runner.ts';
import { silentLogger } from '../browser-fleet/src/log.ts';
import { defaultChromiumPath } from '../browser-fleet/src/chromium-path.ts';

const { values: args } = parseArgs({ options: { reps: { type: 'string', default: '5' }, items: { type: 'string', default: '2000' }, patterns: { type: 'boolean', default: false } } });
const reps = Number(args.reps);
const N = Number(args.items);
const p50 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;

const rows = records('BIG', 'Big item', N).map((r) => `<li class="product" data-sku="${r.sku}"><a class="name" href="/p/${r.sku}">${r.name}</a>`
  + ` <span class="price">$${r.price.toFixed(2)}</span><span class="date">${r.sku.endsWith('0') ? '3 days ago' : '2024-03-05'}</span></li>`).join('');
const bigHtml = `<!doctype html><html><body><ul>${rows}</ul></body></html>`;
const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(bigHtml));
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const bigUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

const pool = await new BrowserPool({ browsers: 1, chromiumPath: defaultChromiumPath(), log: silentLogger }).start();
const site = await startFixtureSite();
let seq = 0;
async function timeTask(input: JobSpecInput, url?: string) {
  const spec = JobSpec.parse(input);
  const task = Task.parse({ runId: 'run_b', orgId: 'org_b', taskId: `tsk_${++seq}`, attempt: 1, leaseToken: `l${seq}`, url: url ?? spec.startUrls[0],
    depth: 0, spec: taskSpecOf(spec), deadline: Date.now() + 60_000, edgeUrl: 'http://127.0.0.1:9', leaseMs: 3000 });
  const r = await runTask(task, pool, { nodeId: 'bench' });
  if (r.outcome !== 'succeeded') throw new Error(`${url ?? spec.startUrls[0]}: ${r.error?.code} ${r.error?.message}`);
  return { total: r.timings.totalMs, extract: r.timings.extractMs ?? 0, navigate: r.timings.navigateMs ?? 0, wait: r.timings.waitMs ?? 0, items: r.items.length };
}

try {
  const bigSpec: JobSpecInput = { startUrls: [bigUrl], itemSelector: 'li.product', fields: {
    sku: { source: 'attr', attr: 'data-sku', required: true }, name: { selector: '.name', required: true },
    price: { selector: '.price', process: [{ op: 'number' }] }, url: { selector: 'a.name', source: 'attr', attr: 'href', process: [{ op: 'absoluteUrl' }] },
    date: { selector: '.date', process: [{ op: 'date' }] }, name2: { selector: 'role=link' }, fetched: { context: 'fetchedAt' },
    ...(args.patterns ? {
      skuNumber: { source: 'attr', attr: 'data-sku', process: [{ op: 'regex', pattern: '(\\d+)$' }] },
      slug: { selector: '.name', process: [{ op: 'replace', pattern: '\\s+', with: '-' }, { op: 'lowercase' }] },
    } : {}),
  } };
  const big = [];
  for (let i = 0; i < reps; i++) big.push(await timeTask(bigSpec));
  const ex = p50(big.map((b) => b.extract));
  console.log(`\n## ${N}-item page, ${args.patterns ? '9 fields (CSS, attr, role=, number, date, absoluteUrl, context, regex, replace)' : '7 fields (CSS, attr, role=, number, date, absoluteUrl, context)'}, ${reps} runs`);
  console.log(`extract p50 ${ex} ms → ${Math.round((N / ex) * 1000)} items/s; whole task p50 ${p50(big.map((b) => b.total))} ms `
    + `(navigate ${p50(big.map((b) => b.navigate))} ms, wait ${p50(big.map((b) => b.wait))} ms); items ${big[0]?.items}`);

  // The rejected alternative: one Playwright round trip per field and item (measured on 200 items, 3 fields).
  const context = await pool.newContext({});
  const page = await context.newPage();
  await page.goto(bigUrl);
  // Post-processing alone (Node, no page round trip): where the pattern engine's cost shows.
  const taskSpec = taskSpecOf(JobSpec.parse(bigSpec));
  const raw = await evaluateFunction(page, collectInPage, collectArgsOf(taskSpec));
  const post: number[] = [];
  for (let i = 0; i < reps * 4; i++) {
    const t0 = performance.now();
    buildItems(raw, taskSpec);
    post.push(performance.now() - t0);
  }
  console.log(`post-processing alone (buildItems, ${N} items) p50 ${p50(post).toFixed(1)} ms over ${reps * 4} runs`);
  const t = performance.now();
  const loc = page.locator('li.product');
  for (let i = 0; i < 200; i++) {
    const item = loc.nth(i);
    await item.getAttribute('data-sku');
    await item.locator('.name').first().innerText();
    await item.locator('.price').first().innerText();
  }
  const perItem = (performance.now() - t) / 200;
  await context.close();
  console.log(`per-locator reads: ${perItem.toFixed(2)} ms per item for 3 fields → ${Math.round(1000 / perItem)} items/s`);

  const jobs = fixtureJobs(site.url, `bench-${Date.now()}`);
  const cases: Array<[string, JobSpecInput]> = [
    ['plain listing (baseline)', { ...jobs.numbered.spec, pagination: undefined }],
    ['waitFor rule', { ...jobs.numbered.spec, pagination: undefined, actions: [{ do: 'waitFor', selector: 'li.product' }] }],
    ['networkIdle (idle page)', { ...jobs.numbered.spec, pagination: undefined, actions: [{ do: 'networkIdle', idleMs: 500 }] }],
    ['networkIdle (busy page, cap 800 ms)', jobs.busy.spec],
    ['dismiss (nothing there, 1 s wait)', { ...jobs.numbered.spec, pagination: undefined, actions: [{ do: 'dismiss', selector: '#cookie' }] }],
    ['nextButton (3 pages in-task)', jobs.jsNext.spec],
    ['loadMore (4 clicks)', jobs.loadMore.spec],
    ['infiniteScroll (5 batches, idle 400 ms)', jobs.scroll.spec],
    ['panels (3 tabs)', jobs.tabs.spec],
    ['skeleton wait (SPA)', jobs.spa.spec],
    ['iframe', jobs.iframe.spec],
    ['shadow DOM + role=', jobs.shadow.spec],
  ];
  console.log(`\n## Rule overhead: task time p50 of ${reps} runs (fixture pages)`);
  let base = 0;
  for (const [name, spec] of cases) {
    const times: number[] = [];
    for (let i = 0; i < reps; i++) times.push((await timeTask(spec)).total);
    const m = p50(times);
    if (!base) base = m;
    console.log(`${name.padEnd(42)} ${String(m).padStart(6)} ms   (+${m - base} ms)`);
  }
} finally {
  await pool.close();
  await site.close();
  server.close();
}
