/**
 * Every queue message delivered twice (issue #15 §4, ADR 0057; see bench/README.md):
 *
 *   node --import tsx bench/chaos-twice.ts [--runs 200] [--parallel 10] [--nodes 3] [--lease 3000] [--off] [--echo]
 *
 * The edge runs with TEST_DELIVER_TWICE=true (a test stack only: production ignores it), so the tasks consumer
 * offers every task twice and the dead-letter consumer reports every dead letter twice. N small runs (page 1 of
 * the demo catalog: 20 products, no dedupe key, so a result applied twice would show as duplicated rows), `--parallel`
 * at a time. Per run: status and items against that page's products (lost, duplicated, unexpected). The fleet's
 * finished-task counter shows the copies ran. `--off` runs the same without the switch, for comparison.
 * Every run's events are read back after its end: each node loss (a `task.released` with code NODE_LOST) is counted
 * by its reason, which names the code path that counted it (the alarm's expired lease, queued or running; the
 * dead-letter report; a node's NODE_LOST result), and a failed run's page gets its event timeline printed.
 * `--lease` sets LEASE_MS (3000 by default, as in every chaos script; the production default is 30000).
 */
import { parseArgs } from 'node:util';
import { catalogPage } from '../demo/src/catalog.ts';
import { demoJobSpec } from '../scripts/lib/demo-job.ts';
import { readFileSync } from 'node:fs';
import { followResuming, outcome, README_RETRY, startChaosStack, startRun } from './lib/chaos-stack.ts';

const { values: args } = parseArgs({ options: {
  runs: { type: 'string', default: '200' }, parallel: { type: 'string', default: '10' }, nodes: { type: 'string', default: '3' },
  lease: { type: 'string', default: '3000' }, off: { type: 'boolean', default: false }, echo: { type: 'boolean', default: false },
} });
const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const loads: string[] = [loadavg()];
const sampler = setInterval(() => loads.push(loadavg()), 30_000);
const stack = await startChaosStack({
  SITE_MAX_CONCURRENT: '64', SITE_MIN_DELAY_MS: '0', ORG_MAX_TASKS_IN_FLIGHT: '64', ORG_MAX_CONCURRENT_RUNS: '100',
  RATE_LIMIT_KEY_PER_MIN: '100000', RATE_LIMIT_ORG_PER_MIN: '100000', LEASE_MS: args.lease, ...(args.off ? {} : { TEST_DELIVER_TWICE: 'true' }),
}, args.echo);

async function tasksFinished(): Promise<number> {
  let total = 0;
  for (const node of stack.nodes.values()) {
    const text = await (await fetch(`${node.url}/metrics`)).text();
    for (const m of text.matchAll(/^trawl_fleet_tasks_total(?:\{[^}]*\})? (\d+)$/gm)) total += Number(m[1]);
  }
  return total;
}

/** A run's node losses by reason (the code path that counted each), and its events when it did not succeed. */
async function lossesOf(key: string, runId: string, losses: Map<string, number>, print: boolean): Promise<number> {
  const { events } = await followResuming(() => stack.url, key, runId, 60_000);
  let n = 0;
  for (const e of events) {
    const data = (e.data ?? {}) as { code?: string; reason?: string };
    if (e.type === 'task.released' && data.code === 'NODE_LOST') {
      n++;
      losses.set(data.reason ?? '?', (losses.get(data.reason ?? '?') ?? 0) + 1);
    }
  }
  if (print) for (const e of events) if (e.taskId) console.log(`  ${e.seq} ${new Date(e.ts).toISOString().slice(11, 23)} ${e.type} ${e.message}`);
  return n;
}

try {
  const org = await stack.createOrg('Twice');
  await Promise.all(Array.from({ length: Number(args.nodes) }, () => stack.addNode()));
  const { dedupeKey: _none, pagination: _one, ...spec } = { ...demoJobSpec(stack.demo.url, 'catalog-js'), retry: README_RETRY };
  const expected = catalogPage(1).map((p) => p.sku);
  const total = Number(args.runs);
  const rows: Array<Awaited<ReturnType<typeof outcome>> & { nodeLosses: number }> = [];
  const losses = new Map<string, number>();
  const t0 = Date.now();
  let next = 0;
  await Promise.all(Array.from({ length: Number(args.parallel) }, async () => {
    while (next < total) {
      const i = next++;
      const runId = await startRun(stack.url, org.key, `twice-${i}`, spec);
      const o = await outcome(stack.url, org.key, runId, expected);
      const bad = o.status !== 'succeeded' || o.lost > 0 || o.duplicated > 0 || o.unexpected > 0 || o.items !== expected.length;
      if (bad) console.log(JSON.stringify({ i, runId, ...o }));
      rows.push({ ...o, nodeLosses: await lossesOf(org.key, runId, losses, bad) });
      if (rows.length % 20 === 0) console.log(`${rows.length}/${total} runs in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  }));
  const finished = await tasksFinished();
  const sum = (k: 'lost' | 'duplicated' | 'unexpected' | 'items' | 'nodeLosses') => rows.reduce((n, r) => n + r[k], 0);
  console.log(`\ndeliver-twice ${args.off ? 'OFF' : 'ON'}: ${rows.filter((r) => r.status === 'succeeded').length}/${rows.length} runs succeeded in ${((Date.now() - t0) / 1000).toFixed(0)} s; `
    + `runs with exactly the page's ${expected.length} items ${rows.filter((r) => r.items === expected.length && !r.lost && !r.duplicated).length}; items ${sum('items')} (expected ${total * expected.length}), `
    + `lost ${sum('lost')}, duplicated ${sum('duplicated')}, unexpected ${sum('unexpected')}; tasks finished on the nodes ${finished} for ${total} pages`);
  console.log(`lease ${args.lease} ms; node losses ${sum('nodeLosses')} in ${rows.filter((r) => r.nodeLosses > 0).length} runs, by reason: ${JSON.stringify(Object.fromEntries(losses))}`);
  console.log(`load average (1/5/15 min) every 30 s: ${[...loads, loadavg()].join(' | ')}`);
} finally {
  clearInterval(sampler);
  await stack.close();
}
