/**
 * What the built, lazy node (ADR 0065) costs and saves, per way of running it: the fleet node process from the
 * sources under tsx (as before) and built (browser-fleet/dist, plain node). For each: time to "FLEET READY", the
 * node process's RSS and PSS idle (no browser yet), the first browser task's latency (offer → result at the edge: it
 * launches Chromium), a second one on the running browser, and one after the browser was stopped for idleness.
 * A recording edge plays the edge's side (browser-fleet/test/recording-edge.ts); the page is the test site's listing.
 *
 *   node --import tsx bench/node-start.ts [--rounds 3] [--idle-ms 2000]
 */
import { parseArgs } from 'node:util';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import type { Task, TaskResult } from '@trawl/schemas';
import { makeTask } from '../browser-fleet/test/fixtures.ts';
import { startNodeProcess, type NodeProcess } from '../browser-fleet/test/node-process.ts';
import { startRecordingEdge, type RecordingEdge } from '../browser-fleet/test/recording-edge.ts';
import { startTestSite } from '../browser-fleet/test/test-server.ts';
import { ROOT } from '../scripts/lib/stack.ts';
import { processTree } from './lib/rss.ts';
import { pssBytes } from './lib/rss.ts';
import { rssBytes } from '../scripts/lib/proc-tree.ts';
import { mean, round, table } from './lib/stats.ts';

const { values: args } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, 'idle-ms': { type: 'string', default: '2000' } } });
const SECRET = 'bench-secret-0123456789abcdef0123';
const idleMs = Number(args['idle-ms']);
const MB = 2 ** 20;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

spawnSync(process.execPath, [join(ROOT, 'browser-fleet', 'build.mjs')], { stdio: 'inherit' });
const [edge, site] = await Promise.all([startRecordingEdge(SECRET), startTestSite()]);

async function taskMs(node: NodeProcess, runId: string): Promise<number> {
  const task: Task = makeTask(`${site.url}/listing`, { runId, orgId: 'org_bench', edgeUrl: edge.url, deadline: Date.now() + 30_000 }, { pagination: undefined }); // no task.render: a browser task
  const t = performance.now();
  const offered = await node.offer(task);
  if (offered.status !== 202) throw new Error(`offer answered ${offered.status}`);
  const r = await edge.waitFor((c) => c.kind === 'result' && c.path.includes(`/tasks/${task.taskId}/`), 40_000);
  const result = r.body as TaskResult;
  if (result.outcome !== 'succeeded') throw new Error(`task ${result.outcome}: ${JSON.stringify(result.error)}`);
  return performance.now() - t;
}

const browserCount = (pid: number): number => processTree(pid).length - 1;

interface Row { mode: string; readyMs: number; idleRssMb: number; idlePssMb: number; idleProcs: number; coldMs: number; warmMs: number; afterIdleMs: number; stoppedProcs: number; busyRssMb: number }

async function measure(mode: 'tsx' | 'built', round: number, edgeRef: RecordingEdge): Promise<Row> {
  const t = performance.now();
  const node = await startNodeProcess(mode === 'built' ? 'main.mjs' : 'main.ts', {
    FLEET_SECRET: SECRET, TRAWL_EDGE_URL: edgeRef.url, FLEET_EGRESS_ALLOW: new URL(site.url).host, FLEET_CHROMIUM_NO_SANDBOX: 'true', FLEET_BROWSER_IDLE_MS: String(idleMs),
  });
  const readyMs = performance.now() - t;
  try {
    const pid = node.child.pid!;
    await sleep(1000);
    const idle = { rss: rssBytes(pid), pss: pssBytes(pid), procs: browserCount(pid) };
    const coldMs = await taskMs(node, `run_cold_${mode}_${round}`);
    const warmMs = await taskMs(node, `run_warm_${mode}_${round}`);
    const busyRss = rssBytes(pid);
    // Warm contexts close after 5 s without a take, then the browser after idleMs without a context.
    await sleep(5000 + idleMs + 1500);
    const stoppedProcs = browserCount(pid);
    const afterIdleMs = await taskMs(node, `run_after_${mode}_${round}`);
    return { mode, readyMs, idleRssMb: idle.rss / MB, idlePssMb: idle.pss / MB, idleProcs: idle.procs, coldMs, warmMs, afterIdleMs, stoppedProcs, busyRssMb: busyRss / MB };
  } finally {
    await node.stop();
  }
}

const rows: Row[] = [];
try {
  for (let i = 0; i < Number(args.rounds); i++) {
    for (const mode of ['tsx', 'built'] as const) {
      const r = await measure(mode, i, edge);
      console.log(JSON.stringify(r));
      rows.push(r);
    }
  }
} finally {
  await Promise.all([edge.close(), site.close()]);
}
const avg = (mode: string, k: keyof Row): number => round(mean(rows.filter((r) => r.mode === mode).map((r) => r[k] as number)));
console.log(table(['mode', 'ready ms', 'idle node RSS MB', 'idle node PSS MB', 'browser procs idle', 'first task ms (launch)', 'second task ms', 'after idle stop ms', 'procs after idle', 'node RSS after 2 tasks MB'],
  ['tsx', 'built'].map((m) => [m, avg(m, 'readyMs'), avg(m, 'idleRssMb'), avg(m, 'idlePssMb'), avg(m, 'idleProcs'), avg(m, 'coldMs'), avg(m, 'warmMs'), avg(m, 'afterIdleMs'), avg(m, 'stoppedProcs'), avg(m, 'busyRssMb')])));
console.log(`load ${(await import('node:fs')).readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`);
