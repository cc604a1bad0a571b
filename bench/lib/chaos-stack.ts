/**
 * A chaos stack of its own (127.0.0.1 only): the demo site, `wrangler dev` on a fixed port and persist dir (so it
 * can be restarted in place: same URL for the nodes, same local D1/R2/Durable Object state), fleet nodes, and the
 * customer's view of runs (events over the WebSocket with a resume cursor, results against the catalog).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunEvent } from '@trawl/schemas';
import WebSocket from 'ws';
import { freePort } from '../../scripts/lib/proc.ts';
import { createOrg, hostPorts, startEdge, startFleet, type Edge, type FleetNode } from '../../scripts/lib/stack.ts';
import { demoCatalog, startDemoSite } from '../../demo/src/server.ts';

export const README_RETRY = { maxAttempts: 3, codes: ['HTTP_5XX', 'RATE_LIMITED', 'NAVIGATION_TIMEOUT', 'BLOCKED_BY_SITE'] };
export const catalogSkus = (): string[] => demoCatalog().map((p) => p.sku);

export interface Reply { status: number; body: Record<string, unknown>; text: string }

export async function call(edgeUrl: string, key: string, method: string, path: string, body?: unknown): Promise<Reply> {
  const res = await fetch(`${edgeUrl}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: Record<string, unknown> = {};
  try { parsed = JSON.parse(text) as Record<string, unknown>; } catch { /* not JSON */ }
  return { status: res.status, body: parsed, text };
}

export async function startChaosStack(vars: Record<string, string>, echo = false) {
  const persistDir = mkdtempSync(join(tmpdir(), 'trawl-chaos-'));
  const secret = randomBytes(24).toString('hex');
  const adminToken = randomBytes(24).toString('hex');
  const port = await freePort();
  const demo = await startDemoSite();
  const base = { ENVIRONMENT: 'test', FLEET_SECRET: secret, ADMIN_TOKEN: adminToken, LEASE_MS: '3000', DISPATCH_TIMEOUT_MS: '20000', QUEUE_RETRY_MAX_DELAY_S: '1' };
  let edge: Edge = await startEdge({ persistDir, port, echo, vars: { ...base, ...vars } });
  const nodes = new Map<string, FleetNode>();
  let serial = 0;
  const stack = {
    persistDir, demo, secret, adminToken, nodes,
    get url() { return edge.url; },
    async addNode(slots = 2, prefix = 'chaos'): Promise<string> {
      const nodeId = `${prefix}-${++serial}`;
      nodes.set(nodeId, await startFleet({ edgeUrl: edge.url, secret, allow: hostPorts(demo.url), slots, nodeId, echo }));
      return nodeId;
    },
    /** Stops `wrangler dev` and starts it again on the same port and persist dir, with these vars on top. */
    async restartEdge(more: Record<string, string> = {}): Promise<number> {
      const t0 = Date.now();
      await edge.stop();
      edge = await startEdge({ persistDir, port, echo, vars: { ...base, ...vars, ...more } });
      return Date.now() - t0;
    },
    createOrg: (name: string) => createOrg(edge.url, adminToken, name),
    async close(): Promise<void> {
      await Promise.all([...nodes.values()].map((n) => n.stop(5000)));
      await edge.stop();
      await demo.close();
      rmSync(persistDir, { recursive: true, force: true });
    },
  };
  return stack;
}
export type ChaosStack = Awaited<ReturnType<typeof startChaosStack>>;

export async function startRun(edgeUrl: string, key: string, name: string, spec: Record<string, unknown>): Promise<string> {
  const job = await call(edgeUrl, key, 'POST', '/v1/jobs', { name, spec });
  if (job.status !== 201) throw new Error(`job: ${job.status} ${job.text}`);
  const run = await call(edgeUrl, key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
  if (run.status !== 201) throw new Error(`run: ${run.status} ${run.text}`);
  return String(run.body.id);
}

/**
 * Follows a run's events to its end like a client that survives an edge restart: when the socket drops it
 * reconnects with `?after=<last seq>` until the stream ends. Returns every event received and how many times it reconnected (sockets opened after the first).
 */
export function followResuming(url: () => string, key: string, runId: string, timeoutMs: number, on: (e: RunEvent) => void = () => undefined) {
  return new Promise<{ events: RunEvent[]; reconnects: number }>((resolve, reject) => {
    const events: RunEvent[] = [];
    let opened = 0;
    let ended = false;
    const timer = setTimeout(() => { ended = true; reject(new Error(`run ${runId} did not end in ${timeoutMs} ms`)); }, timeoutMs);
    const connect = () => {
      const after = events.at(-1)?.seq ?? 0;
      const ws = new WebSocket(`${url().replace(/^http/, 'ws')}/v1/runs/${runId}/events?after=${after}`, { headers: { authorization: `Bearer ${key}` } });
      ws.on('message', (d) => {
        const m = JSON.parse(String(d)) as RunEvent | { type: 'stream.end' };
        if (m.type === 'stream.end') { ended = true; clearTimeout(timer); ws.close(); resolve({ events, reconnects: opened - 1 }); return; }
        events.push(m as RunEvent);
        on(m as RunEvent);
      });
      ws.on('open', () => { opened++; });
      ws.on('error', () => undefined);
      ws.on('close', () => { if (!ended) setTimeout(connect, 300); });
    };
    connect();
  });
}

/** Sequence numbers missing from 1..max and those received more than once. */
export function seqGaps(events: readonly RunEvent[]): { missing: number[]; duplicated: number[] } {
  const seen = new Map<number, number>();
  for (const e of events) seen.set(e.seq, (seen.get(e.seq) ?? 0) + 1);
  const max = Math.max(0, ...seen.keys());
  const missing = Array.from({ length: max }, (_, i) => i + 1).filter((s) => !seen.has(s));
  return { missing, duplicated: [...seen].filter(([, n]) => n > 1).map(([s]) => s) };
}

/** The run's final status, and its results' skus against the expected ones (lost, duplicated). */
export async function outcome(edgeUrl: string, key: string, runId: string, expected: readonly string[]) {
  let run = await call(edgeUrl, key, 'GET', `/v1/runs/${runId}`);
  for (let i = 0; i < 240 && ['queued', 'running'].includes(String(run.body.status)); i++) {
    await new Promise((r) => setTimeout(r, 250));
    run = await call(edgeUrl, key, 'GET', `/v1/runs/${runId}`);
  }
  let res = await call(edgeUrl, key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
  for (let i = 0; res.status === 409 && i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    res = await call(edgeUrl, key, 'GET', `/v1/runs/${runId}/results?format=jsonl`);
  }
  const rows = res.text.trim().split('\n').filter(Boolean).map((l) => String((JSON.parse(l) as { sku?: string }).sku));
  const want = new Set(expected);
  return {
    status: String(run.body.status), items: rows.length, lost: [...want].filter((s) => !rows.includes(s)).length,
    duplicated: rows.length - new Set(rows).size, unexpected: rows.filter((s) => !want.has(s)).length,
  };
}
