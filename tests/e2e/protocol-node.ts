/**
 * A fleet node that speaks the protocol by hand: it registers with the edge, accepts tasks (202) and hands
 * them to the test, which then plays start / result calls — to check the real coordinator's fencing and
 * idempotency exactly, which a real browser node cannot be made to do on cue. A preview it answers at once with an
 * empty page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inject } from 'vitest';
import { edgeInternalPaths, fleetPaths, signRequest, type PreviewResult, type Task } from '@trawl/schemas';

export interface ProtocolNode {
  nodeId: string;
  tasks: Task[];
  /** When each task reached the node (epoch ms). */
  receivedAt: Map<Task, number>;
  /** The tasks of each batch offer (ADR 0064) in arrival order, taken or not. */
  offers: Task[][];
  /** How many more tasks the node takes (a batch offer: the first that fit; a single offer past it: 503); null: all. */
  room: number | null;
  /** When the node refused an offer for want of room (a single offer answered 503, a batch of which it took none). */
  refusals: number[];
  /** The next task of this run the node was handed (tasks of other runs are ignored). */
  nextTask(runId: string, timeoutMs?: number): Promise<Task>;
  call(path: string, body: unknown, secret?: string): Promise<{ status: number; body: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A preview answer that says nothing was found on the page: the node runs no browser. */
function previewOf(body: string): PreviewResult {
  const { task } = JSON.parse(body) as { task: Task };
  return { url: task.url, outcome: 'succeeded', items: [], itemCount: 0, matched: 0, incomplete: 0, fillRates: {}, warnings: [], steps: [], discovered: [], screenshot: null, timings: { totalMs: 1 } };
}

/** Registers with the shared stack's edge, or with `edge` (a stack of a test file's own). */
export async function startProtocolNode(edge?: { url: string; secret: string }): Promise<ProtocolNode> {
  const edgeUrl = edge?.url ?? inject('edgeUrl');
  const nodeId = `protocol-${Math.random().toString(36).slice(2, 8)}`;
  const tasks: Task[] = [];
  const waiters: Array<{ runId: string; resolve: (t: Task) => void }> = [];
  const taken = new WeakSet<Task>();
  const receivedAt = new Map<Task, number>();
  const receive = (task: Task): void => {
    receivedAt.set(task, Date.now());
    tasks.push(task);
    const i = waiters.findIndex((w) => w.runId === task.runId);
    if (i >= 0) { taken.add(task); waiters.splice(i, 1)[0]!.resolve(task); }
  };
  const server: Server = createServer((req, res) => {
    let data = '';
    req.on('data', (c: Buffer) => { data += c.toString(); });
    req.on('end', () => {
      if (req.url === fleetPaths.preview) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(previewOf(data)));
      if (req.url === fleetPaths.taskBatch) {
        const offered = (JSON.parse(data) as { tasks: Task[] }).tasks;
        node.offers.push(offered);
        const took = offered.slice(0, node.room ?? offered.length);
        if (node.room !== null) node.room -= took.length;
        if (took.length === 0) node.refusals.push(Date.now());
        took.forEach(receive);
        return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ nodeId, taken: took.map((t) => t.taskId) }));
      }
      if (node.room === 0) node.refusals.push(Date.now());
      if (node.room === 0) return void res.writeHead(503, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'FLEET_BUSY' } }));
      if (node.room !== null) node.room -= 1;
      receive(JSON.parse(data) as Task);
      res.writeHead(202, { 'content-type': 'application/json' }).end(JSON.stringify({ accepted: true, nodeId }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const call = async (path: string, body: unknown, secret = edge?.secret ?? inject('fleetSecret')) => {
    const text = JSON.stringify(body);
    const res = await fetch(`${edgeUrl}${path}`, {
      method: 'POST', body: text, headers: { 'content-type': 'application/json', ...(await signRequest(secret, 'POST', path, text)) },
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };
  const beat = () => call(edgeInternalPaths.heartbeat, { nodeId, url, slots: 100, free: 100, inFlight: 0, draining: false, version: 'test' });
  const first = await beat();
  if (first.status !== 200) throw new Error(`heartbeat refused: ${JSON.stringify(first.body)}`);
  const timer = setInterval(() => void beat(), 2000);

  const node: ProtocolNode = {
    nodeId,
    tasks,
    receivedAt,
    offers: [],
    room: null,
    refusals: [],
    call,
    nextTask(runId, timeoutMs = 20_000) {
      const queued = tasks.find((t) => t.runId === runId && !taken.has(t));
      if (queued) { taken.add(queued); return Promise.resolve(queued); }
      return new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no task of ${runId} dispatched to the protocol node`)), timeoutMs);
        waiters.push({ runId, resolve: (task) => { clearTimeout(t); resolve(task); } });
      });
    },
    async close() {
      clearInterval(timer);
      await call(edgeInternalPaths.heartbeat, { nodeId, url, slots: 100, free: 0, inFlight: 0, draining: true, version: 'test' });
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  return node;
}
