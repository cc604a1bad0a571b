/**
 * Restart `wrangler dev` in the middle of runs (issue #15 §4, ADR 0057; see bench/README.md):
 *
 *   node --import tsx bench/chaos-restart.ts [--runs 6] [--restarts 2] [--nodes 3] [--echo]
 *
 * N runs of the slow demo catalog (3 pages, 60 products, each page held 1.5 s) start at once, each with a live
 * WebSocket subscriber that reconnects with its cursor (`?after=<last seq>`) whenever the socket drops. While
 * pages are in flight the edge is stopped and started again on the same port and persist dir, `--restarts` times.
 * Per run: completed or not, items lost and duplicated against the catalog, and the union of the subscriber's
 * events: sequence numbers missing from 1..max and received twice.
 */
import { parseArgs } from 'node:util';
import { catalogSkus, followResuming, outcome, README_RETRY, seqGaps, startChaosStack, startRun } from './lib/chaos-stack.ts';
import { demoJobSpec } from '../scripts/lib/demo-job.ts';

const { values: args } = parseArgs({ options: {
  runs: { type: 'string', default: '6' }, restarts: { type: 'string', default: '2' }, nodes: { type: 'string', default: '3' }, echo: { type: 'boolean', default: false },
} });
const stack = await startChaosStack({ SITE_MAX_CONCURRENT: '64', SITE_MIN_DELAY_MS: '0', ORG_MAX_TASKS_IN_FLIGHT: '64', ORG_MAX_CONCURRENT_RUNS: '100' }, args.echo);
try {
  const org = await stack.createOrg('Restart');
  await Promise.all(Array.from({ length: Number(args.nodes) }, () => stack.addNode()));
  const spec = { ...demoJobSpec(stack.demo.url, 'catalog-js'), concurrency: 1, actions: [{ do: 'delay', ms: 1500 }], retry: README_RETRY };
  const runIds = await Promise.all(Array.from({ length: Number(args.runs) }, (_, i) => startRun(stack.url, org.key, `restart-${i}`, spec)));
  let succeededPages = 0;
  const follows = runIds.map((id) => followResuming(() => stack.url, org.key, id, 600_000, (e) => { if (e.type === 'task.succeeded') succeededPages++; }));
  const downtimes: number[] = [];
  for (let r = 0; r < Number(args.restarts); r++) {
    // Restart once some pages are done and others are in flight (1, then 1 + runs, ... pages finished).
    const target = 1 + r * runIds.length;
    while (succeededPages < target) await new Promise((res) => setTimeout(res, 100));
    downtimes.push(await stack.restartEdge());
    console.log(JSON.stringify({ restart: r + 1, afterPages: succeededPages, downMs: downtimes.at(-1) }));
  }
  const followed = await Promise.all(follows);
  type Row = Awaited<ReturnType<typeof outcome>> & { runId: string; reconnects: number; events: number; missingSeq: number; duplicatedSeq: number; nodeLosses: number };
  const rows: Row[] = [];
  for (const [i, id] of runIds.entries()) {
    const o = await outcome(stack.url, org.key, id, catalogSkus());
    const gaps = seqGaps(followed[i]!.events);
    const releases = followed[i]!.events.filter((e) => e.type === 'task.released').length;
    rows.push({ runId: id, ...o, reconnects: followed[i]!.reconnects, events: followed[i]!.events.length, missingSeq: gaps.missing.length, duplicatedSeq: gaps.duplicated.length, nodeLosses: releases });
    console.log(JSON.stringify(rows.at(-1)));
  }
  const sum = (k: 'lost' | 'duplicated' | 'missingSeq' | 'duplicatedSeq' | 'nodeLosses') => rows.reduce((n, r) => n + r[k], 0);
  console.log(`\nrestart-edge: ${rows.filter((r) => r.status === 'succeeded').length}/${rows.length} runs succeeded across ${downtimes.length} restarts (down ${downtimes.map((d) => `${(d / 1000).toFixed(1)} s`).join(', ')}), items lost ${sum('lost')}, duplicated ${sum('duplicated')}; events missing ${sum('missingSeq')}, received twice ${sum('duplicatedSeq')}; subscriber reconnects ${rows.map((r) => r.reconnects).join('/')}; node losses ${sum('nodeLosses')}`);
} finally {
  await stack.close();
}
