/**
 * A run's event stream over its WebSocket, resumed after a dropped connection from the last seq received
 * (`?after=`), so the list has no gap and no repeat. The server sends the history after the cursor first, then live
 * events, then `{"type":"stream.end"}` once the run is over.
 */
import type { RunEvent } from '@trawl/schemas';

export interface EventStream { close(): void; /** Drops the socket as a network failure would (tests use it). */ drop(): void }

export function followRun(runId: string, handlers: { onEvent: (e: RunEvent) => void; onEnd: () => void; onState: (s: 'open' | 'reconnecting' | 'ended') => void }): EventStream {
  let lastSeq = 0;
  let socket: WebSocket | null = null;
  let stopped = false;
  let attempt = 0;
  const connect = () => {
    const url = `${location.origin.replace(/^http/, 'ws')}/v1/runs/${encodeURIComponent(runId)}/events?after=${lastSeq}`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => { attempt = 0; handlers.onState('open'); };
    ws.onmessage = (msg) => {
      const event = JSON.parse(String(msg.data)) as RunEvent | { type: 'stream.end' };
      if (event.type === 'stream.end') { stopped = true; handlers.onState('ended'); handlers.onEnd(); ws.close(); return; }
      const e = event as RunEvent;
      if (e.seq <= lastSeq) return; // a resend after a reconnect race: never shown twice
      lastSeq = e.seq;
      handlers.onEvent(e);
    };
    ws.onclose = () => {
      if (stopped || socket !== ws) return;
      handlers.onState('reconnecting');
      // Back off a little, up to 5 s, and resume from the last seq received.
      setTimeout(connect, Math.min(5000, 250 * 2 ** attempt++));
    };
  };
  connect();
  return {
    close() { stopped = true; socket?.close(); },
    drop() { socket?.close(); },
  };
}
