import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { RunEvent } from '@trawl/schemas';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { api, followEvents, newOrg, waitForRun } from './client.ts';

/**
 * Read-only share links (ADR 0036): an outsider reads one run's board, events and (when the link says so) results
 * with the link's token and nothing else; every way around it is refused.
 */
type Err = { error: { code: string; message: string; hint: string } };

/** What the outsider's socket gives: every event until the end of the stream (and what a ping got back). */
function followShared(token: string, sendFirst: string[] = []): Promise<{ events: RunEvent[]; replies: string[] }> {
  return new Promise((resolve, reject) => {
    const events: RunEvent[] = [];
    const replies: string[] = [];
    const ws = new WebSocket(`${inject('edgeUrl').replace(/^http/, 'ws')}/v1/shared/events?token=${token}`);
    const timer = setTimeout(() => { ws.terminate(); reject(new Error('no end of the shared stream')); }, 60_000);
    ws.on('open', () => { for (const m of sendFirst) ws.send(m); });
    let ended = false;
    // The end of the stream, and an answer to each ping sent (a finished run's stream may end before the ping is read).
    const done = () => { if (ended && replies.length === sendFirst.filter((m) => m === 'ping').length) { clearTimeout(timer); ws.close(); resolve({ events, replies }); } };
    ws.on('message', (data) => {
      const text = String(data);
      if (text === 'pong') { replies.push(text); done(); return; }
      const msg = JSON.parse(text) as RunEvent | { type: 'stream.end' };
      if (msg.type === 'stream.end') ended = true; else events.push(msg as RunEvent);
      done();
    });
    ws.on('unexpected-response', (_req, res) => { clearTimeout(timer); reject(new Error(`refused: ${res.statusCode}`)); });
    ws.on('error', reject);
  });
}

/** The status a socket open with this token gets: 101 when it upgrades, else the refusal's. */
function sharedUpgrade(token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${inject('edgeUrl').replace(/^http/, 'ws')}/v1/shared/events?token=${encodeURIComponent(token)}`);
    ws.on('upgrade', (res) => { resolve(res.statusCode ?? 0); ws.terminate(); });
    ws.on('unexpected-response', (_req, res) => { resolve(res.statusCode ?? 0); res.resume(); ws.terminate(); });
    ws.on('error', reject);
  });
}

/** Moves a share's expiry into the past in the local stack's D1 file (the only way to age a link without waiting an hour). */
function expireShare(id: string): void {
  const dir = join(dirname(inject('edgeLogPath')), 'v3', 'd1', 'miniflare-D1DatabaseObject');
  const file = readdirSync(dir).find((f) => f.endsWith('.sqlite'));
  // workerd holds the same file: wait for its write lock rather than fail with 'database is locked'.
  const db = new DatabaseSync(join(dir, file!), { timeout: 10_000 });
  try { expect(db.prepare('UPDATE run_shares SET expires_at = ? WHERE id = ?').run(Date.now() - 1000, id).changes).toBe(1); } finally { db.close(); }
}

describe('share links for people outside the organization', () => {
  let fleet: FleetNode;
  let org: Awaited<ReturnType<typeof newOrg>>;
  let other: Awaited<ReturnType<typeof newOrg>>;
  let runA = '';
  let runB = '';
  beforeAll(async () => {
    [org, other, fleet] = await Promise.all([newOrg('Shares'), newOrg('Shares other'),
      startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: inject('fleetAllow'), slots: 2 })]);
    const demo = inject('demoUrl');
    // One listing page of the demo shop (20 products) and one missing page (404): a partial run with one HTTP_4XX.
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'Shared demo', spec: {
      startUrls: [`${demo}/catalog/page-1.html`, `${demo}/status/404`], itemSelector: '#products li.product',
      fields: { sku: { source: 'attr', attr: 'data-sku', required: true }, name: { selector: '.name' } },
      retry: { maxAttempts: 1 },
    } });
    expect(job.status, job.text).toBe(201);
    const started = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    runA = String(started.body.id);
    await waitForRun(org.key, runA);
    const second = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
    runB = String(second.body.id);
    expect((await api(org.key, 'POST', `/v1/runs/${runB}/cancel`)).status).toBe(200);
  });
  afterAll(async () => { await fleet?.stop(); });

  it('shows the board, the events with failures reduced to their code, and no results unless the link says so', async () => {
    const made = await api(org.key, 'POST', `/v1/runs/${runA}/shares`, { expiresInHours: 2 });
    expect(made.status, made.text).toBe(201);
    const token = String(made.body.token);
    expect(token).toMatch(/^trawl_share_[0-9a-z]{40}$/);
    expect(made.body.url).toBe(`${inject('edgeUrl')}/app/share/?token=${token}`);
    expect(made.body).toMatchObject({ runId: runA, showResults: false, active: true, revokedAt: null });
    expect(Number(made.body.expiresAt) - Number(made.body.createdAt)).toBe(2 * 3_600_000);

    const board = await api<{ share: { showResults: boolean }; run: Record<string, unknown> }>(null, 'GET', `/v1/shared/run?token=${token}`);
    expect(board.status, board.text).toBe(200);
    const member = await api(org.key, 'GET', `/v1/runs/${runA}`);
    expect(board.body.run).toEqual({
      id: runA, jobName: 'Shared demo', status: 'partial', counts: member.body.counts, error: member.body.error, warnings: member.body.warnings,
      createdAt: member.body.createdAt, startedAt: member.body.startedAt, finishedAt: member.body.finishedAt, durationMs: member.body.durationMs,
    });
    expect(board.body.run.counts).toMatchObject({ items: 20, pagesSucceeded: 1, pagesFailed: 1 });

    // The same events as a member's socket, each reduced: no node names, timings or item data; a failure keeps its code.
    const [shared, full] = await Promise.all([followShared(token, ['ping', JSON.stringify({ type: 'cancel' })]), followEvents(org.key, runA)]);
    expect(shared.replies).toEqual(['pong']);
    expect(shared.events.map((e) => e.seq)).toEqual(full.map((e) => e.seq));
    for (const [i, e] of shared.events.entries()) {
      const f = full[i]!;
      const error = (f.data as { error?: { code: string; message: string } } | undefined)?.error;
      const { data: _d, ...rest } = f;
      expect(e).toEqual(error ? { ...rest, data: { error: { code: error.code, message: error.message } } } : rest);
    }
    expect(shared.events.filter((e) => e.type === 'task.failed').map((e) => (e.data as { error: { code: string } }).error.code)).toEqual(['HTTP_4XX']);

    const results = await api<Err>(null, 'GET', `/v1/shared/results?token=${token}`);
    expect([results.status, results.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const withResults = await api(org.key, 'POST', `/v1/runs/${runA}/shares`, { expiresInHours: 1, showResults: true });
    const items = await api<Array<{ sku: string }>>(null, 'GET', `/v1/shared/results?token=${String(withResults.body.token)}`);
    expect(items.status, items.text).toBe(200);
    expect(items.body).toEqual((await api(org.key, 'GET', `/v1/runs/${runA}/results?format=json`)).body);
    expect(items.body.length).toBe(20);
  });

  it('refuses forged, revoked and expired tokens, on reads and on the socket, with 401 SHARE_LINK_INVALID', async () => {
    const make = async () => {
      const res = await api(org.key, 'POST', `/v1/runs/${runA}/shares`, { expiresInHours: 1 });
      expect(res.status, res.text).toBe(201);
      return { id: String(res.body.id), token: String(res.body.token) };
    };
    const revoked = await make();
    const expired = await make();
    const good = await make();
    expect((await api(org.key, 'DELETE', `/v1/shares/${revoked.id}`)).body).toMatchObject({ id: revoked.id, active: false });
    expect((await api<Err>(org.key, 'DELETE', `/v1/shares/${revoked.id}`)).body.error.code).toBe('CONFLICT');
    expireShare(expired.id);
    const forged = `${good.token.slice(0, -1)}${good.token.endsWith('a') ? 'b' : 'a'}`;
    const cases: Array<[string, string]> = [
      [revoked.token, 'This share link was revoked'], [expired.token, 'This share link has expired'], [forged, 'This share link is not valid'],
      ['', 'This share link is not valid'], [good.id, 'This share link is not valid'],
    ];
    for (const [token, message] of cases) {
      for (const path of ['/v1/shared/run', '/v1/shared/results']) {
        const res = await api<Err>(null, 'GET', `${path}?token=${encodeURIComponent(token)}`);
        expect([res.status, res.body.error.code, res.body.error.message], `${path} ${token.slice(0, 16)}`).toEqual([401, 'SHARE_LINK_INVALID', message]);
        expect(res.body.error.hint).toBe('The share link is unknown, expired or revoked: ask the person who shared the run for a new link.');
      }
      expect(await sharedUpgrade(token)).toBe(401);
    }
    expect((await api(null, 'GET', `/v1/shared/run?token=${good.token}`)).status).toBe(200);
    expect(await sharedUpgrade(good.token)).toBe(101);
    // Stored as a hash only: the list never shows a token.
    const list = await api<{ data: Record<string, unknown>[] }>(org.key, 'GET', `/v1/runs/${runA}/shares`);
    expect(list.body.data.some((s) => 'token' in s || 'tokenHash' in s)).toBe(false);
    expect(list.body.data.find((s) => s.id === expired.id)).toMatchObject({ active: false, revokedAt: null });
  });

  it('opens only its own run, writes nothing, and is no key: not for run B, not as a bearer, not from another organization', async () => {
    const share = await api(org.key, 'POST', `/v1/runs/${runA}/shares`, { expiresInHours: 1, showResults: true });
    const token = String(share.body.token);
    // The run comes from the token alone: naming another run changes nothing.
    const board = await api<{ run: { id: string } }>(null, 'GET', `/v1/shared/run?token=${token}&id=${runB}&runId=${runB}`);
    expect(board.body.run.id).toBe(runA);
    // As a bearer key, on any member route, for either run: 401, and run B is not cancelled by it.
    for (const [method, path] of [['GET', `/v1/runs/${runB}`], ['GET', `/v1/runs/${runA}`], ['POST', `/v1/runs/${runA}/shares`], ['DELETE', `/v1/shares/${String(share.body.id)}`], ['GET', `/v1/runs/${runA}/artifacts`]] as const) {
      expect((await api(token, method, path, method === 'POST' ? { expiresInHours: 1 } : undefined)).status, `${method} ${path}`).toBe(401);
    }
    // The shared paths answer reads only.
    for (const method of ['POST', 'PUT', 'DELETE']) expect((await api(null, method, `/v1/shared/run?token=${token}`, {})).status, method).toBe(404);
    // Another organization's owner cannot list, make or revoke this run's links.
    expect((await api(other.key, 'GET', `/v1/runs/${runA}/shares`)).status).toBe(404);
    expect((await api(other.key, 'POST', `/v1/runs/${runA}/shares`, { expiresInHours: 1 })).status).toBe(404);
    expect((await api(other.key, 'DELETE', `/v1/shares/${String(share.body.id)}`)).status).toBe(404);
    expect((await api(null, 'GET', `/v1/shared/run?token=${token}`)).status).toBe(200);
  });

  it('lets a Viewer list links but not make or revoke them, and refuses bad input with 400 INVALID_REQUEST', async () => {
    const viewer = await api(org.key, 'POST', '/v1/keys', { kind: 'secret', name: 'v', role: 'viewer', scopes: ['*'] });
    const v = String(viewer.body.key);
    expect((await api(v, 'GET', `/v1/runs/${runA}/shares`)).status).toBe(200);
    expect((await api<Err>(v, 'POST', `/v1/runs/${runA}/shares`, { expiresInHours: 1 })).body.error.code).toBe('FORBIDDEN');
    for (const body of [{ expiresInHours: 0 }, { expiresInHours: 721 }, { expiresInHours: 1.5 }, {}, { expiresInHours: 1, artifacts: true }]) {
      const res = await api<Err>(org.key, 'POST', `/v1/runs/${runA}/shares`, body);
      expect([res.status, res.body.error.code], JSON.stringify(body)).toEqual([400, 'INVALID_REQUEST']);
    }
    const audit = await api<{ data: { action: string }[] }>(org.key, 'GET', '/v1/audit?limit=100');
    expect(audit.body.data.filter((a) => a.action.startsWith('run.share.')).map((a) => a.action).toSorted())
      .toEqual([...Array(6).fill('run.share.create'), 'run.share.revoke']);
  });
});
