/**
 * A run's live events as an async iterator. The edge sends the history after `?after=<seq>` and then live
 * events, ending with `{"type":"stream.end"}`; a dropped connection is reopened from the last seq seen, so the
 * caller sees every event exactly once and in order, across any number of drops.
 */
import { TrawlError } from './errors.ts';
import { openSocket, type SocketAuth, type SocketQueue } from './socket.ts';

export type RunEventLevel = 'debug' | 'info' | 'warn' | 'error';
export interface RunEvent {
  seq: number;
  ts: number;
  type: string;
  level: RunEventLevel;
  message: string;
  taskId?: string;
  url?: string;
  data?: Record<string, unknown>;
}

export interface EventStreamOptions {
  /** Start after this seq (default 0: the whole history first). */
  after?: number;
  /** Reconnections in a row without a new event before giving up (default 8). */
  maxReconnects?: number;
  /** First wait before reconnecting, doubled per failed try up to 5 s (default 250 ms). */
  reconnectDelayMs?: number;
  /** Seen at each reconnection (the CLI shows it; tests count it). */
  onReconnect?: (info: { after: number; attempt: number }) => void;
  signal?: AbortSignal;
}

export interface EventSource {
  url(path: string): string;
  auth(): SocketAuth;
  fetch: typeof fetch;
  /** Throws the API's error when the run cannot be read (a socket upgrade refused shows no status). */
  checkRun(runId: string): Promise<unknown>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function* runEvents(src: EventSource, runId: string, opts: EventStreamOptions = {}): AsyncGenerator<RunEvent, void, undefined> {
  let cursor = opts.after ?? 0;
  let failures = 0;
  const maxReconnects = opts.maxReconnects ?? 8;
  const base = opts.reconnectDelayMs ?? 250;
  for (;;) {
    if (opts.signal?.aborted) return;
    let socket: SocketQueue | null = null;
    try {
      socket = await openSocket(src.url(`/v1/runs/${encodeURIComponent(runId)}/events?after=${cursor}`), src.auth(), src.fetch);
      const onAbort = () => socket?.close();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      for (;;) {
        const m = await socket.next();
        if (m.kind === 'closed') break;
        const event = JSON.parse(m.data) as RunEvent | { type: 'stream.end' };
        if (event.type === 'stream.end') { socket.close(); return; }
        const e = event as RunEvent;
        if (e.seq <= cursor) continue;
        cursor = e.seq;
        failures = 0;
        yield e;
      }
      opts.signal?.removeEventListener('abort', onAbort);
    } catch (err) {
      // An upgrade the API refused (unknown run, no key) has no readable status: ask for the run to get its error.
      if (failures === 0) await src.checkRun(runId);
      if (err instanceof TrawlError) throw err;
    } finally {
      socket?.close();
    }
    if (opts.signal?.aborted) return;
    failures++;
    if (failures > maxReconnects) {
      throw new TrawlError(0, { code: 'EVENT_STREAM_LOST', message: `The event stream of ${runId} dropped ${failures} times in a row`, hint: `Resume later with after=${cursor}` });
    }
    opts.onReconnect?.({ after: cursor, attempt: failures });
    await sleep(Math.min(5000, base * 2 ** (failures - 1)));
  }
}
