/**
 * The run's event stream: every event is stored (the log) and sent to the WebSocket subscribers; a subscriber resumes
 * from a cursor with the backlog first (event-pages.ts), then live events.
 */
import { isFinalStatus, type RunEvent, type RunEventInput } from '@trawl/schemas';
import type { TaskRow } from './machine.ts';
import { eventsAfterAll, pageSizeOf } from './event-pages.ts';
import type { RunContext } from './run-context.ts';

const BACKLOG_LIMIT = 5000;

export function emit(c: RunContext, e: RunEventInput): RunEvent {
  const event = c.store.appendEvent(e, Date.now());
  const json = JSON.stringify(event);
  for (const ws of c.ctx.getWebSockets()) {
    try { ws.send(json); } catch { /* a closed socket is dropped by the runtime */ }
  }
  return event;
}

/** A node's progress events. Task and run lifecycle events are the coordinator's own: a node's are kept as log lines. */
export function emitNodeEvents(c: RunContext, task: TaskRow, events: readonly RunEventInput[]): void {
  for (const e of events) {
    const type = e.type.startsWith('task.') || e.type.startsWith('run.') ? 'log' : e.type;
    emit(c, { ...e, type, taskId: task.taskId, url: e.url ?? task.url });
  }
}

export function eventLog(c: RunContext, after: number, limit: number): { lines: string[]; lastSeq: number } {
  const events = c.store.eventsAfter(after, Math.min(limit, BACKLOG_LIMIT));
  return { lines: events.map((e) => JSON.stringify(e)), lastSeq: events.at(-1)?.seq ?? after };
}

/** WebSocket subscribers: `?after=<seq>` resumes from a cursor; the backlog is sent first, then live events. */
export async function subscribe(c: RunContext, request: Request): Promise<Response> {
  if (request.headers.get('upgrade')?.toLowerCase() !== 'websocket') return new Response('expected a WebSocket upgrade', { status: 426 });
  const after = Number(new URL(request.url).searchParams.get('after') ?? '0');
  const pair = new WebSocketPair();
  const [client, server] = [pair[0], pair[1]];
  c.ctx.acceptWebSocket(server);
  // The whole history after the cursor, a page at a time, then live events (event-pages.ts).
  const read = (from: number, limit: number) => c.store.eventsAfter(from, limit);
  for (const e of eventsAfterAll(read, Number.isFinite(after) ? after : 0, pageSizeOf(c.env))) server.send(JSON.stringify(e));
  const meta = c.store.getMeta();
  if (meta && isFinalStatus(meta.status)) server.send(JSON.stringify({ type: 'stream.end', status: meta.status }));
  return new Response(null, { status: 101, webSocket: client });
}

/** Tells every subscriber the stream ended (after the run is persisted). */
export function endStreams(c: RunContext, status: string): void {
  for (const ws of c.ctx.getWebSockets()) {
    try { ws.send(JSON.stringify({ type: 'stream.end', status })); } catch { /* gone */ }
  }
}
