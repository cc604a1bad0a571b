import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { fleetPaths, signRequest } from '@trawl/schemas';
import { loadConfig } from '../src/config.ts';
import { silentLogger } from '../src/log.ts';
import type { BrowserPool } from '../src/pool.ts';
import { startFleetNode, type FleetNode } from '../src/server.ts';
import { startTestPool } from './test-pool.ts';
import { startHostileSite } from './hostile-site.ts';

const SECRET = 'test-secret-0123456789abcdef';
let pool: BrowserPool;
let node: FleetNode;

beforeAll(async () => {
  pool = await startTestPool();
  node = await startFleetNode(loadConfig({ FLEET_SECRET: SECRET, FLEET_PORT: '0', FLEET_SLOTS: '1', FLEET_WARM_CONTEXTS: '0' }), { log: silentLogger, pool });
});
afterAll(async () => {
  await node?.close();
  await pool?.close();
});

async function open(sessionId: string, sign = true): Promise<Response> {
  const text = JSON.stringify({ sessionId, orgId: 'org_a', policy: { allowDomains: [], denyDomains: [] }, deadline: Date.now() + 60_000 });
  const headers = { 'content-type': 'application/json', ...(sign ? await signRequest(SECRET, 'POST', fleetPaths.sessions, text) : {}) };
  return fetch(`${node.url}${fleetPaths.sessions}`, { method: 'POST', headers, body: text });
}

/** 101 and the socket, or the refusal's status. */
function attach(sessionId: string, secret: string): Promise<{ status: number; ws: WebSocket }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${node.url.replace(/^http/, 'ws')}${fleetPaths.sessionCdp(sessionId)}`, { headers: { authorization: `Bearer ${secret}` } });
    ws.on('open', () => resolve({ status: 101, ws }));
    ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
    ws.on('error', reject);
  });
}

/** The node's side of browser sessions (ADR 0039): signed opening, one slot each, a CDP socket opened once with its secret. */
describe('fleet node browser sessions', () => {
  it('opens only for the edge, holds a slot, and attaches once with the secret', async () => {
    expect((await open('brs_unsigned', false)).status).toBe(401);
    const res = await open('brs_one');
    expect(res.status).toBe(201);
    const { secret, nodeId } = await res.json() as { secret: string; nodeId: string };
    expect(nodeId).toBe(node.nodeId);
    expect(node.health().free).toBe(0);
    const busy = await open('brs_two');
    expect(busy.status).toBe(503);
    expect(((await busy.json()) as { error: { code: string } }).error.code).toBe('FLEET_BUSY');

    expect((await attach('brs_one', `${secret.slice(0, -2)}xx`)).status).toBe(401);
    expect((await attach('brs_other', secret)).status).toBe(401);
    const first = await attach('brs_one', secret);
    expect(first.status).toBe(101);
    // Spent: the same secret opens nothing a second time.
    expect((await attach('brs_one', secret)).status).toBe(401);

    // The session's browser answers, through the filter.
    const answer = new Promise<{ result?: { targetId?: string }; error?: { message: string } }>((resolve) => first.ws.once('message', (d) => resolve(JSON.parse(String(d)))));
    first.ws.send(JSON.stringify({ id: 1, method: 'Target.createTarget', params: { url: 'file:///etc/passwd' } }));
    expect((await answer).error?.message).toMatch(/^Trawl: Target\.createTarget: only http\(s\) URLs/);

    // The program leaves: the browser and the slot go.
    first.ws.close();
    for (let i = 0; i < 100 && node.health().free === 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(node.health().free).toBe(1);
    expect((await open('brs_three')).status).toBe(201);
  });
});

describe('fleet node browser sessions: downloads', () => {
  it('keeps downloads off the node\'s disk even when a raw-CDP program asks for them', async () => {
    const target = mkdtempSync(join(tmpdir(), 'trawl-dl-'));
    // Writable by the browser's own user, so only the session's rules can keep the file out.
    chmodSync(target, 0o777);
    const site = await startHostileSite();
    const n = await startFleetNode(loadConfig({ FLEET_SECRET: SECRET, FLEET_PORT: '0', FLEET_SLOTS: '1', FLEET_WARM_CONTEXTS: '0', FLEET_EGRESS_ALLOW: new URL(site.url).host }), { log: silentLogger, pool });
    try {
      const text = JSON.stringify({ sessionId: 'brs_dl', orgId: 'org_a', policy: { allowDomains: [], denyDomains: [] }, deadline: Date.now() + 60_000 });
      const res = await fetch(`${n.url}${fleetPaths.sessions}`, { method: 'POST', body: text, headers: { 'content-type': 'application/json', ...(await signRequest(SECRET, 'POST', fleetPaths.sessions, text)) } });
      const { secret } = await res.json() as { secret: string };
      const ws = new WebSocket(`${n.url.replace(/^http/, 'ws')}${fleetPaths.sessionCdp('brs_dl')}`, { headers: { authorization: `Bearer ${secret}` } });
      await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
      const events: string[] = [];
      ws.on('message', (d) => events.push(String(d)));
      let id = 0;
      const send = async (method: string, params: Record<string, unknown>) => {
        const mine = ++id;
        ws.send(JSON.stringify({ id: mine, method, params }));
        for (let i = 0; i < 200; i++) {
          const hit = events.map((e) => JSON.parse(e) as { id?: number; result?: Record<string, unknown> }).find((e) => e.id === mine);
          if (hit) return hit.result ?? {};
          await new Promise((r) => setTimeout(r, 25));
        }
        throw new Error(`no answer to ${method}`);
      };
      const { browserContextId } = await send('Target.createBrowserContext', {});
      await send('Browser.setDownloadBehavior', { behavior: 'allow', downloadPath: target, browserContextId });
      await send('Target.createTarget', { url: `${site.url}/attachment`, browserContextId });
      await new Promise((r) => setTimeout(r, 2000));
      expect(readdirSync(target)).toEqual([]);
      ws.close();
    } finally {
      await n.close();
      await site.close();
      rmSync(target, { recursive: true, force: true });
    }
  });
});
