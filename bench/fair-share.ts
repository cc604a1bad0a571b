/**
 * Many organizations' runs at once (issue #15 §4, ADR 0057; see bench/README.md):
 *
 *   node --import tsx bench/fair-share.ts [--orgs 20] [--runs 50] [--nodes 3] [--slots 2] [--site-max 6] [--echo]
 *
 * Every organization queues all its runs at once (the organizations side by side), each run one fast demo product
 * page (one item, that product's name), against `--nodes` fleet nodes. All pages are on one site, whose
 * concurrency (`--site-max`, the fleet's slots by default) is what the organizations share. Per organization:
 * runs completed, time to its first and last completion; and how fair the share was at the moment half of all runs
 * were done: completions per organization then (min, max) and Jain's index over them (1 = perfectly even).
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { call, startChaosStack } from './lib/chaos-stack.ts';
import { demoCatalog } from '../demo/src/server.ts';

const { values: args } = parseArgs({ options: {
  orgs: { type: 'string', default: '20' }, runs: { type: 'string', default: '50' }, nodes: { type: 'string', default: '3' },
  slots: { type: 'string', default: '2' }, 'site-max': { type: 'string' }, echo: { type: 'boolean', default: false },
  'max-min': { type: 'string', default: '60' },
} });
const ORGS = Number(args.orgs);
const RUNS = Number(args.runs);
const siteMax = args['site-max'] ?? String(Number(args.nodes) * Number(args.slots));
const FINAL = new Set(['succeeded', 'failed', 'partial', 'cancelled']);

const stack = await startChaosStack({
  SITE_MAX_CONCURRENT: siteMax, SITE_MIN_DELAY_MS: '0', ORG_MAX_TASKS_IN_FLIGHT: '32', ORG_MAX_CONCURRENT_RUNS: String(RUNS),
  RATE_LIMIT_KEY_PER_MIN: '100000', RATE_LIMIT_ORG_PER_MIN: '100000', DISPATCH_TIMEOUT_MS: '120000', QUEUE_RETRY_MAX_DELAY_S: '30',
}, args.echo);
try {
  await Promise.all(Array.from({ length: Number(args.nodes) }, () => stack.addNode(Number(args.slots))));
  const products = demoCatalog();
  const orgs = await Promise.all(Array.from({ length: ORGS }, async (_, i) => {
    const org = await stack.createOrg(`Fair ${i}`);
    const product = products[i % products.length]!;
    const spec = { startUrls: [`${stack.demo.url}${product.url}`], itemSelector: 'body', fields: { name: { selector: 'h1', required: true } }, concurrency: 1 };
    const job = await call(stack.url, org.key, 'POST', '/v1/jobs', { name: `fair-${i}`, spec });
    return { i, key: org.key, jobId: String(job.body.id), name: product.name, runIds: [] as string[] };
  }));
  const t0 = Date.now();
  await Promise.all(orgs.map(async (o) => {
    for (let r = 0; r < RUNS; r++) {
      const res = await call(stack.url, o.key, 'POST', `/v1/jobs/${o.jobId}/runs`);
      if (res.status !== 201) throw new Error(`org ${o.i} run ${r}: ${res.status} ${res.text}`);
      o.runIds.push(String(res.body.id));
    }
  }));
  const queuedMs = Date.now() - t0;
  console.log(`queued ${ORGS * RUNS} runs in ${(queuedMs / 1000).toFixed(1)} s`);
  type Row = { id: string; status: string; finishedAt: number | null; counts?: { items?: number } };
  const finals = new Map<number, Row[]>();
  // The edge must keep answering while every run waits its turn: /health latency and the load, at every poll.
  const healthMs: number[] = [];
  const loads: number[] = [];
  for (;;) {
    const h0 = Date.now();
    const health = await fetch(`${stack.url}/health`, { signal: AbortSignal.timeout(30_000) }).then((r) => r.status, () => 0);
    healthMs.push(Date.now() - h0);
    loads.push(loadavg()[0]!);
    let done = 0;
    for (const o of orgs) {
      const page = await call(stack.url, o.key, 'GET', '/v1/runs?limit=200');
      const rows = (page.body.data as Row[]).filter((r) => FINAL.has(r.status));
      finals.set(o.i, rows);
      done += rows.length;
    }
    console.log(`${((Date.now() - t0) / 1000).toFixed(0)} s: ${done}/${ORGS * RUNS} done; /health ${health} in ${healthMs.at(-1)} ms; load ${loads.at(-1)!.toFixed(2)}`);
    if (done === ORGS * RUNS || Date.now() - t0 > Number(args['max-min']) * 60_000) break;
    await new Promise((r) => setTimeout(r, 5000));
  }
  const all = [...finals.values()].flat().filter((r) => r.finishedAt !== null).map((r) => r.finishedAt!).sort((a, b) => a - b);
  const half = all[Math.ceil(all.length / 2) - 1] ?? 0;
  const perOrg = orgs.map((o) => {
    const rows = finals.get(o.i) ?? [];
    const times = rows.map((r) => r.finishedAt ?? 0).sort((a, b) => a - b);
    return {
      org: o.i, completed: rows.filter((r) => r.status === 'succeeded').length, failed: rows.filter((r) => r.status !== 'succeeded').length,
      items: rows.reduce((n, r) => n + (r.counts?.items ?? 0), 0), firstS: +((times[0]! - t0) / 1000).toFixed(1), lastS: +((times.at(-1)! - t0) / 1000).toFixed(1),
      atHalf: times.filter((t) => t <= half).length,
    };
  });
  for (const p of perOrg) console.log(JSON.stringify(p));
  const x = perOrg.map((p) => p.atHalf);
  const pct = (v: number[], p: number) => [...v].sort((a, b) => a - b)[Math.min(v.length - 1, Math.floor(v.length * p))]!;
  const jain = x.reduce((a, b) => a + b, 0) ** 2 / (x.length * x.reduce((a, b) => a + b * b, 0));
  const firsts = perOrg.map((p) => p.firstS);
  const lasts = perOrg.map((p) => p.lastS);
  console.log(`\nfair-share: ${perOrg.reduce((n, p) => n + p.completed, 0)}/${ORGS * RUNS} runs succeeded (${perOrg.reduce((n, p) => n + p.failed, 0)} not), items ${perOrg.reduce((n, p) => n + p.items, 0)} (expected ${ORGS * RUNS}); `
    + `queued in ${(queuedMs / 1000).toFixed(1)} s, all done in ${((all.at(-1)! - t0) / 1000).toFixed(1)} s; first completion per org ${Math.min(...firsts)}-${Math.max(...firsts)} s, last ${Math.min(...lasts)}-${Math.max(...lasts)} s; `
    + `at half (${((half - t0) / 1000).toFixed(1)} s) completions per org min ${Math.min(...x)} max ${Math.max(...x)}, Jain's index ${jain.toFixed(3)}; `
    + `/health median ${pct(healthMs, 0.5)} ms, max ${Math.max(...healthMs)} ms; load average median ${pct(loads, 0.5).toFixed(2)}, max ${Math.max(...loads).toFixed(2)}`);
} finally {
  await stack.close();
}
