import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyRequest } from '@trawl/schemas';

export interface Recorded {
  path: string;
  /** What the path names: heartbeat, start, events, result, release. */
  kind: string;
  body: unknown;
  /** verifyRequest's answer for the shared secret: null means the signature is good. */
  signature: string | null;
  receivedAt: number;
  /** When the answer was sent (undefined while it is held back by delayFor). */
  answeredAt?: number;
}

/** Plays the edge's side of the fleet protocol and records every call it receives. */
export interface RecordingEdge {
  url: string;
  calls: Recorded[];
  /** Status to answer per kind, or per `kind:taskId` (default 200 with {ok:true}). */
  statusFor: Map<string, number>;
  /** Fields added to the next 200 answer of a kind, once (e.g. a task handed back with a result). */
  answerOnce: Map<string, Record<string, unknown>>;
  /** Milliseconds to hold back the answer per kind (a slow edge). */
  delayFor: Map<string, number>;
  /** Resolves with the first call (already received or future) that matches. */
  waitFor(match: (r: Recorded) => boolean, timeoutMs?: number): Promise<Recorded>;
  close(): Promise<void>;
}

export async function startRecordingEdge(secret: string): Promise<RecordingEdge> {
  const calls: Recorded[] = [];
  const statusFor = new Map<string, number>();
  const answerOnce = new Map<string, Record<string, unknown>>();
  const delayFor = new Map<string, number>();
  let waiters: Array<{ match: (r: Recorded) => boolean; resolve: (r: Recorded) => void }> = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const path = new URL(req.url ?? '/', 'http://x').pathname;
        const headers = { get: (n: string) => (typeof req.headers[n] === 'string' ? req.headers[n] : null) };
        const signature = await verifyRequest(secret, headers, req.method ?? '', path, text);
        const kind = path.split('/').at(-1) ?? '';
        const rec: Recorded = { path, kind, body: parseBody(text), signature, receivedAt: Date.now() };
        calls.push(rec);
        const delay = delayFor.get(kind) ?? 0;
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        // `kind:taskId` answers one task's calls apart (a stale lease inside a batch offer); else the kind's status.
        const status = statusFor.get(`${kind}:${path.split('/').at(-2) ?? ''}`) ?? statusFor.get(kind) ?? 200;
        res.writeHead(status, { 'content-type': 'application/json' });
        const extra = status === 200 ? answerOnce.get(kind) : undefined;
        answerOnce.delete(kind);
        res.end(JSON.stringify(status === 200 ? { ok: true, ...extra } : { error: { code: 'LEASE_LOST', message: 'stale', hint: '' } }));
        rec.answeredAt = Date.now();
        waiters = waiters.filter((w) => (w.match(rec) ? (w.resolve(rec), false) : true));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    statusFor,
    answerOnce,
    delayFor,
    waitFor(match, timeoutMs = 10_000) {
      const seen = calls.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('expected edge call did not arrive')), timeoutMs);
        waiters.push({ match, resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        } });
      });
    },
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** JSON bodies as values; an artifact upload (PNG, zip) is recorded by its size, not parsed. */
function parseBody(text: string): unknown {
  try {
    return JSON.parse(text || 'null');
  } catch {
    return { bytes: text.length };
  }
}
