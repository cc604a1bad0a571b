/** A small API client for the end-to-end tests: real HTTP and WebSockets against wrangler dev. */
import WebSocket from 'ws';
import { inject } from 'vitest';
import type { RunEvent } from '@trawl/schemas';
import { createOrg, type OrgCredentials } from '../../scripts/lib/stack.ts';

export const edgeUrl = () => inject('edgeUrl');

export async function newOrg(name: string): Promise<OrgCredentials> {
  return createOrg(inject('edgeUrl'), inject('adminToken'), name);
}

export interface Answer<T = Record<string, unknown>> { status: number; body: T; headers: Headers; text: string }

export async function api<T = Record<string, unknown>>(key: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
  const res = await fetch(`${inject('edgeUrl')}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try { parsed = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: parsed as T, headers: res.headers, text };
}

/** Follows a run's events until the stream ends (or the timeout), returning every event in order. */
export function followEvents(key: string, runId: string, timeoutMs = 90_000, after = 0, onEvent?: (e: RunEvent) => void): Promise<RunEvent[]> {
  const url = `${inject('edgeUrl').replace(/^http/, 'ws')}/v1/runs/${runId}/events?after=${after}`;
  return new Promise((resolve, reject) => {
    const events: RunEvent[] = [];
    const ws = new WebSocket(url, { headers: { authorization: `Bearer ${key}` } });
    const timer = setTimeout(() => { ws.close(); reject(new Error(`no end of stream in ${timeoutMs} ms; got ${events.map((e) => e.type).join(',')}`)); }, timeoutMs);
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as RunEvent | { type: 'stream.end' };
      if (msg.type === 'stream.end') {
        clearTimeout(timer);
        ws.close();
        resolve(events);
      } else {
        events.push(msg as RunEvent);
        onEvent?.(msg as RunEvent);
      }
    });
    ws.on('error', (err) => { clearTimeout(timer); reject(err); });
  });
}

export async function waitForRun(key: string, runId: string, timeoutMs = 90_000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await api(key, 'GET', `/v1/runs/${runId}`);
    if (!['queued', 'running'].includes(String(body.status))) return body;
    if (Date.now() > until) throw new Error(`run ${runId} still ${String(body.status)} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
