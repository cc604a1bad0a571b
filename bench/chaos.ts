/**
 * Chaos on a local stack, 127.0.0.1 only (issue #15 §4, ADR 0048; see bench/README.md):
 *
 *   node --import tsx bench/chaos.ts [--runs 3] [--nodes 3] [--echo]      (--runs 50 is the full setting)
 *
 * kill-9: N runs of the slow demo catalog (3 pages, 60 products, each page held 1.5 s), with the README's retry
 * policy; during each run one fleet node (picked at random) is SIGKILLed, with its browsers, at a random moment
 * while it holds a task, and a fresh node takes its place. Per run: completed or not, items lost and duplicated
 * against the catalog, node losses recorded. sigstop: a node is SIGSTOPped while it holds a task, past its lease;
 * the task finishes elsewhere; SIGCONT: its late result must be refused and the items be the winner's.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunEvent } from '@trawl/schemas';
import { createOrg, hostPorts, nodeProcessOf, startEdge, startFleet, type FleetNode } from '../scripts/lib/stack.ts';
import { demoJobSpec } from '../scripts/lib/demo-job.ts';
import { demoCatalog, startDemoSite } from '../demo/src/server.ts';
import { followResuming } from './lib/chaos-stack.ts';

const { values: args } = parseArgs({ options: {
  runs: { type: 'string', default: '3' }, nodes: { type: 'string', default: '3' }, echo: { type: 'boolean', default: false },
} });
const RUNS = Number(args.runs);
const NODES = Number(args.nodes);
const README_RETRY = { maxAttempts: 3, codes: ['HTTP_5XX', 'RATE_LIMITED', 'NAVIGATION_TIMEOUT', 'BLOCKED_BY_SITE'] };

const persistDir = mkdtempSync(join(tmpdir(), 'trawl-chaos-'));
const secret = randomBytes(24).toString('hex');
const adminToken = randomBytes(24).toString('hex');
const demo = await startDemoSite();
const edge = await startEdge({ persistDir, echo: args.echo, vars: {
  ENVIRONMENT: 'test', FLEET_SECRET: secret, ADMIN_TOKEN: adminToken, LEASE_MS: '3000', DISPATCH_TIMEOUT_MS: '20000', QUEUE_RETRY_MAX_DELAY_S: '1',
  SITE_MAX_CONCURRENT: '64', SITE_MIN_DELAY_MS: '0', ORG_MAX_TASKS_IN_FLIGHT: '64', ORG_MAX_CONCURRENT_RUNS: '100',
} });
const org = await createOrg(edge.url, adminToken, 'Chaos');
let serial = 0;
const fleet = new Map<string, FleetNode>();
const addNode = async (): Promise<void> => {
  const nodeId = `chaos-${++serial}`;
  fleet.set(nodeId, await startFleet({ edgeUrl: edge.url, secret, allow: hostPorts(demo.url), slots: 2, nodeId, echo: args.echo }));
};

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; text: string }> {
  const res = await fetch(`${edge.url}${path}`, { method, headers: { authorization: `Bearer ${org.key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try { parsed = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: res.status, body: parsed, text };
}

/** Follows a run's events to its end, calling `on` for each (reconnecting with its cursor if the socket drops). */
const follow = (runId: string, on: (e: RunEvent) => void): Promise<RunEvent[]> => followResuming(() => edge.url, org.key, runId, 180_000, on).then((r) => r.events);

async function startRun(name: string): Promise<string> {
  const spec = { ...demoJobSpec(demo.url, 'catalog-js'), concurrency: 1, actions: [{ do: 'delay', ms: 1500 }], retry: README_RETRY };
  const job = await api('POST', '/v1/jobs', { name, spec });
  return String((await api('POST', `/v1/jobs/${String(job.body.id)}/runs`)).body.id);
}

async function outcome(runId: string) {
  let run = await api('GET', `/v1/runs/${runId}`);
  for (let i = 0; i < 120 && ['queued', 'running'].includes(String(run.body.status)); i++) {
    await new Promise((r) => setTimeout(r, 250));
    run = await api('GET', `/v1/runs/${runId}`);
  }
  const rows = (await api('GET', `/v1/runs/${runId}/results?format=jsonl`)).text.trim().split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { sku: string }).sku);
  const expected = new Set(demoCatalog().map((p) => p.sku));
  return { status: String(run.body.status), lost: [...expected].filter((s) => !rows.includes(s)).length, duplicated: rows.length - new Set(rows).size };
}

const results: Array<{ scenario: string; status: string; lost: number; duplicated: number; losses: number; note: string }> = [];
try {
  await Promise.all(Array.from({ length: NODES }, addNode));
  for (let r = 0; r < RUNS; r++) {
    const runId = await startRun(`kill-${r}`);
    const page = 1 + Math.floor(Math.random() * 3);
    let done: Promise<void> | null = null;
    const events = await follow(runId, (e) => {
      if (done || e.type !== 'task.started' || !e.url?.includes(`page-${page}`)) return;
      const id = String(e.data?.nodeId);
      done = new Promise((res) => setTimeout(res, Math.random() * 1500)).then(() => fleet.get(id)!.kill()).then(() => { fleet.delete(id); return addNode(); });
    });
    await done;
    const o = await outcome(runId);
    results.push({ scenario: 'kill-9', ...o, losses: events.filter((e) => e.type === 'task.released').length, note: `page-${page}` });
    console.log(JSON.stringify(results.at(-1)));
  }
  // SIGSTOP a node holding a task past its lease; the task finishes elsewhere; SIGCONT: its late result is refused.
  const runId = await startRun('sigstop');
  let stopped: { pid: number; id: string } | null = null;
  const events = await follow(runId, (e) => {
    if (stopped || e.type !== 'task.started' || !e.url?.includes('page-2')) return;
    const id = String(e.data?.nodeId);
    const pid = nodeProcessOf(fleet.get(id)!.proc.child.pid!);
    process.kill(pid, 'SIGSTOP');
    stopped = { pid, id };
    setTimeout(() => process.kill(pid, 'SIGCONT'), 8000);
  });
  await new Promise((r) => setTimeout(r, 9000));
  const o = await outcome(runId);
  const page2 = events.filter((e) => e.url?.includes('page-2') && e.type.startsWith('task.')).map((e) => e.type).join(' ');
  results.push({ scenario: 'sigstop', ...o, losses: events.filter((e) => e.type === 'task.released').length, note: page2 });
  console.log(JSON.stringify(results.at(-1)));
} finally {
  await Promise.all([...fleet.values()].map((n) => n.stop(5000)));
  await edge.stop();
  await demo.close();
  rmSync(persistDir, { recursive: true, force: true });
}
const kills = results.filter((r) => r.scenario === 'kill-9');
console.log(`\nkill-9: ${kills.filter((r) => r.status === 'succeeded').length}/${kills.length} runs succeeded, items lost ${kills.reduce((n, r) => n + r.lost, 0)}, duplicated ${kills.reduce((n, r) => n + r.duplicated, 0)}, node losses ${kills.reduce((n, r) => n + r.losses, 0)}`);
for (const r of results.filter((x) => x.scenario === 'sigstop')) console.log(`sigstop: ${r.status}, lost ${r.lost}, duplicated ${r.duplicated}, page-2 events: ${r.note}`);
