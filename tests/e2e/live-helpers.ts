/** Helpers for the live view tests (live-view.test.ts): a watcher's WebSocket and reading a frame's colour. */
import WebSocket from 'ws';
import { expect, inject } from 'vitest';
import type { Browser } from 'playwright-core';
import { api } from './client.ts';

export interface LiveFrame { type: 'frame'; data: string; width: number; height: number; url: string; ts: number }
export type LiveMessage = LiveFrame | { type: 'ended' };

export const wsBase = (): string => inject('edgeUrl').replace(/^http/, 'ws');

/** The status an upgrade of `path` on the edge (or on `base`) gets: 101, or the refusal's. */
export function upgradeStatusWith(path: string, headers: Record<string, string>, base = wsBase()): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}${path}`, { headers });
    ws.on('upgrade', (res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); ws.terminate(); });
    ws.on('error', reject);
  });
}

/** A watcher of a task's live view: every message it got, and a wait for the next one that matches. */
export async function watch(key: string, runId: string, taskId: string) {
  const ws = new WebSocket(`${wsBase()}/v1/runs/${runId}/tasks/${taskId}/live`, { headers: { authorization: `Bearer ${key}` } });
  const got: LiveMessage[] = [];
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  ws.on('message', (d: Buffer) => got.push(JSON.parse(String(d)) as LiveMessage));
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  const next = async <T extends LiveMessage['type']>(type: T, timeoutMs = 20_000): Promise<Extract<LiveMessage, { type: T }>> => {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const m = got.find((x) => x.type === type);
      if (m) return m as Extract<LiveMessage, { type: T }>;
      if (Date.now() > until) throw new Error(`no ${type} message within ${timeoutMs} ms (got ${got.length})`);
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  return { ws, got, next, closed };
}

/** The run's tasks in flight as the API lists them, once at least one is. */
export async function liveTasksOf(key: string, runId: string): Promise<Array<{ taskId: string; url: string; attempt: number }>> {
  for (let i = 0; i < 150; i++) {
    const res = await api<{ data: Array<{ taskId: string; url: string; attempt: number }> }>(key, 'GET', `/v1/runs/${runId}/live`);
    expect(res.status, res.text).toBe(200);
    if (res.body.data.length) return res.body.data;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`run ${runId} had no task in flight`);
}

/** The colour at the middle of a JPEG frame, decoded by a real Chromium (a canvas), as [r, g, b]. */
export async function middleColour(browser: Browser, jpegBase64: string): Promise<number[]> {
  const page = await browser.newPage();
  try {
    return await page.evaluate(async (src) => {
      const img = new Image();
      img.src = src;
      await img.decode();
      const c = document.createElement('canvas');
      [c.width, c.height] = [img.naturalWidth, img.naturalHeight];
      const g = c.getContext('2d')!;
      g.drawImage(img, 0, 0);
      return Array.from(g.getImageData(Math.floor(c.width / 2), Math.floor(c.height / 2), 1, 1).data.slice(0, 3));
    }, `data:image/jpeg;base64,${jpegBase64}`);
  } finally {
    await page.close();
  }
}

/** The node's own count of screencasts running now (GET /health), once it equals `n`. */
export async function screencastsBecome(nodeUrl: string, n: number): Promise<number> {
  let last = -1;
  for (let i = 0; i < 100; i++) {
    last = ((await (await fetch(`${nodeUrl}/health`)).json()) as { screencasts: number }).screencasts;
    if (last === n) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  return last;
}

/** A login hand-off's view socket: every message (types only, and navigated URLs), and a wait for one. */
export async function handoff(key: string, loginId: string, url: string) {
  const ws = new WebSocket(`${wsBase()}/v1/logins/${loginId}/handoff?url=${encodeURIComponent(url)}`, { headers: { authorization: `Bearer ${key}` } });
  const got: Array<{ type: string; url?: string; loginId?: string }> = [];
  ws.on('message', (d: Buffer) => got.push(JSON.parse(String(d)) as { type: string; url?: string }));
  await new Promise<void>((resolve, reject) => ws.once('open', () => resolve()).once('error', reject));
  const until = async (ok: (m: { type: string; url?: string }) => boolean, what: string): Promise<void> => {
    for (let i = 0; i < 600; i++) {
      if (got.some(ok)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no ${what} (got ${got.map((m) => m.type).join(',')})`);
  };
  const send = (m: Record<string, unknown>): void => ws.send(JSON.stringify(m));
  return { ws, got, send, until };
}
