import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { Artifact, RunEvent } from '@trawl/schemas';
import { fixtureJobs, fixtureLoginFlow } from '../../fixtures/src/jobs.ts';
import { LOGIN } from '../../fixtures/src/data.ts';
import { startFleet, type FleetNode } from '../../scripts/lib/stack.ts';
import { processTree } from '../../scripts/lib/proc-tree.ts';
import { harOf, traceEvents, zipEntries } from '../../browser-fleet/test/artifact-files.ts';
import { api, followEvents, newOrg, waitForRun } from './client.ts';
import { httpProxy, type UpstreamServer } from './upstream-proxies.ts';

/** The session cookie the fixture's login form sets (fixtures/src/server.ts). */
const SESSION = 'fixture-session-ok';
/** The upstream proxy's credentials (ADR 0035): the pages go through a proxy that asks for them. */
const PROXY = { username: 'proxy-user-5d2c', password: 'proxy-pw-9b7e41a3' };
/** Each secret as typed and as it travels in a form post or a URL, and the proxy's Basic token. */
const NEEDLES = [LOGIN.user, LOGIN.password, SESSION, PROXY.username, PROXY.password].flatMap((v) => [v, encodeURIComponent(v), new URLSearchParams({ v }).toString().slice(2)])
  .concat(Buffer.from(`${PROXY.username}:${PROXY.password}`).toString('base64'));

interface Scanned { bytes: number; hits: string[] }

/** Every byte of `blob` and of whatever it unpacks to (gzip, zip, zip inside zip) checked for every needle. */
function scan(label: string, blob: Uint8Array, into: Scanned): void {
  into.bytes += blob.byteLength;
  const text = Buffer.from(blob).toString('latin1');
  for (const n of new Set(NEEDLES)) if (text.includes(Buffer.from(n).toString('latin1'))) into.hits.push(`${label}: ${n}`);
  if (blob[0] === 0x1f && blob[1] === 0x8b) scan(`${label}>gunzip`, gunzipSync(blob), into);
  if (blob[0] === 0x50 && blob[1] === 0x4b) for (const [name, bytes] of Object.entries(zipEntries(blob))) scan(`${label}>${name}`, bytes, into);
}

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; bytes: Uint8Array }> {
  const res = await fetch(url, { headers });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** A /proc file of a process, or '' once it is gone. */
function procFile(pid: string, name: 'status' | 'cmdline'): string {
  try {
    return readFileSync(`/proc/${pid}/${name}`, 'utf8');
  } catch {
    return '';
  }
}
const status = (pid: string): string => procFile(pid, 'status');
const cmdline = (pid: string): string => procFile(pid, 'cmdline');
const field = (text: string, name: string): string => new RegExp(`^${name}:\\s*(\\S+)`, 'm').exec(text)?.[1] ?? '';

/** Issue #9 part 3: a run that logs in with a stored credential, every artifact at `always`, leaks none of it. */
describe('stored secrets never reach an artifact, an event, a log or a result', () => {
  let org: Awaited<ReturnType<typeof newOrg>>;
  let viewer = '';
  let fleet: FleetNode;
  let upstream: UpstreamServer;
  const scanned: Scanned = { bytes: 0, hits: [] };
  const runs: Array<{ runId: string; done: Record<string, unknown>; artifacts: Artifact[]; events: RunEvent[] }> = [];

  beforeAll(async () => {
    upstream = await httpProxy(PROXY);
    [org, fleet] = await Promise.all([newOrg('Secrets'), startFleet({ edgeUrl: inject('edgeUrl'), secret: inject('fleetSecret'), allow: [...inject('fleetAllow'), upstream.hostPort], slots: 1 })]);
    const proxy = await api(org.key, 'POST', '/v1/proxies', { name: 'upstream', url: upstream.url, ...PROXY });
    expect(proxy.status, proxy.text).toBe(201);
    const key = await api(org.key, 'POST', '/v1/keys', { kind: 'secret', name: 'viewer', role: 'viewer', scopes: ['*'] });
    expect(key.status, key.text).toBe(201);
    viewer = String(key.body.key);
    const login = await api(org.key, 'POST', '/v1/logins', {
      name: 'fixture shop', credential: { username: LOGIN.user, password: LOGIN.password }, flow: fixtureLoginFlow(inject('fixtureUrl')),
    });
    expect(login.status, login.text).toBe(201);
    const spec = { ...fixtureJobs(inject('fixtureUrl')).login.spec, login: { id: String(login.body.id) }, retry: { maxAttempts: 1 },
      artifacts: { trace: 'always', har: 'always', screenshots: 'each-step' }, proxy: { pool: [String(proxy.body.id)] } };
    const job = await api(org.key, 'POST', '/v1/jobs', { name: 'Orders, recorded', spec });
    expect(job.status, job.text).toBe(201);
    // The first run logs in with the credential; the second starts with the session the first one saved.
    for (let i = 0; i < 2; i++) {
      const started = await api(org.key, 'POST', `/v1/jobs/${String(job.body.id)}/runs`);
      const runId = String(started.body.id);
      const done = await waitForRun(org.key, runId);
      const events = await followEvents(org.key, runId);
      const list = await api<{ data: Artifact[] }>(org.key, 'GET', `/v1/runs/${runId}/artifacts`);
      runs.push({ runId, done, artifacts: list.body.data, events });
    }
  });
  afterAll(async () => {
    await fleet?.stop();
    await upstream?.close();
  });

  it('both runs succeed and record a trace, a HAR and screenshots that still show the task', async () => {
    for (const r of runs) {
      expect(r.done).toMatchObject({ status: 'succeeded', counts: { items: 3 } });
      expect(new Set(r.artifacts.map((a) => a.kind))).toEqual(new Set(['trace', 'har', 'screenshot']));
    }
    expect(runs[0]!.events.some((e) => e.message.includes('new session is saved'))).toBe(true);
    const first = runs[0]!.artifacts;
    const har = harOf((await download(first.find((a) => a.kind === 'har')!.url)).bytes, false);
    const orders = `${inject('fixtureUrl')}/account/orders`;
    // The task's own page is there (status 200: the session worked), the login form's post is not.
    expect(har.log.entries.filter((e) => e.request.url === orders).map((e) => e.response.status)).toContain(200);
    expect(har.log.entries.filter((e) => e.request.url.startsWith(`${inject('fixtureUrl')}/login`))).toEqual([]);
    const trace = traceEvents(zipEntries((await download(first.find((a) => a.kind === 'trace')!.url)).bytes));
    const gotos = trace.filter((e) => e.type === 'before' && e.method === 'goto').map((e) => (e.params as { url: string }).url);
    expect(gotos).toEqual([orders]);
  });

  it('scans every byte of every artifact, event, log line, result and server log: 0 hits', async () => {
    for (const r of runs) {
      for (const a of r.artifacts) {
        const signed = await download(a.url);
        const byKey = await download(`${inject('edgeUrl')}/v1/artifacts/${a.id}`, { authorization: `Bearer ${org.key}` });
        const byViewer = await download(`${inject('edgeUrl')}/v1/artifacts/${a.id}`, { authorization: `Bearer ${viewer}` });
        // Viewers keep the download they had (runs:read); what changed is what the files hold.
        expect([signed.status, byKey.status, byViewer.status]).toEqual([200, 200, 200]);
        expect(Buffer.from(byViewer.bytes).equals(Buffer.from(signed.bytes))).toBe(true);
        scan(`${r.runId}/${a.name}`, signed.bytes, scanned);
        scan(`${r.runId}/${a.name} (key)`, byKey.bytes, scanned);
      }
      for (const path of [`/v1/runs/${r.runId}`, `/v1/runs/${r.runId}/logs`, `/v1/runs/${r.runId}/artifacts`,
        ...['jsonl', 'json', 'csv'].map((f) => `/v1/runs/${r.runId}/results?format=${f}`)]) {
        const res = await api(viewer, 'GET', path);
        expect(res.status, path).toBe(200);
        scan(path, utf8(res.text), scanned);
      }
      scan(`${r.runId} events`, utf8(JSON.stringify(r.events)), scanned);
    }
    scan('fleet log', utf8(fleet.proc.output()), scanned);
    scan('edge log', readFileSync(inject('edgeLogPath')), scanned);
    scan('logins list', utf8((await api(org.key, 'GET', '/v1/logins')).text), scanned);
    scan('proxies list', utf8((await api(org.key, 'GET', '/v1/proxies')).text), scanned);
    // The pages did go through the proxy that asked for the credentials.
    expect(upstream.log.filter((l) => l.startsWith(`GET ${inject('fixtureUrl')}/account/orders`)).length).toBeGreaterThanOrEqual(2);
    console.log(`secrets scan: ${scanned.bytes} bytes scanned, ${scanned.hits.length} hits`);
    expect(scanned.hits).toEqual([]);
    expect(scanned.bytes).toBeGreaterThan(50_000);
  });

  it('no command line on this machine carries the fleet secret (the browsers\' user can read every /proc/*/cmdline)', () => {
    const secret = inject('fleetSecret');
    const carriers: string[] = [];
    let seen = 0;
    for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
      const line = cmdline(pid);
      if (!line) continue;
      seen++;
      if (line.includes(secret)) carriers.push(line.replaceAll('\0', ' ').slice(0, 120));
    }
    expect(seen).toBeGreaterThan(10);
    expect(carriers).toEqual([]);
  });

  it('the real node\'s browsers run sandboxed as another user, who cannot read the node\'s environment (part 4)', async () => {
    const health = (await (await fetch(`${fleet.url}/health`)).json()) as { sandbox: boolean; chromiumUser: string | null };
    expect(health).toMatchObject({ sandbox: true, chromiumUser: 'trawl-chromium' });
    const node = String(fleet.proc.child.pid);
    // The browser's processes, not the root watchdog that kills them if the node dies (its arguments name the profile dir).
    const browsers = processTree(Number(node)).slice(1).map(String).filter((pid) => cmdline(pid).includes('chromium') && !cmdline(pid).includes('trawl-watchdog'));
    expect(browsers.length).toBeGreaterThanOrEqual(3);
    const uids = new Set(browsers.map((pid) => field(status(pid), 'Uid')));
    const nodeUid = field(status(node), 'Uid');
    expect(uids.size).toBe(1);
    expect([...uids][0]).not.toBe(nodeUid);
    // The control: root reads the node's environment and finds the secret there.
    expect(readFileSync(`/proc/${node}/environ`, 'utf8')).toContain(inject('fleetSecret'));
    const uid = Number([...uids][0]);
    const gid = Number(field(status(browsers[0]!), 'Gid'));
    const cat = spawnSync('cat', [`/proc/${node}/environ`], { uid, gid, encoding: 'utf8', env: {} });
    expect([cat.status, cat.stdout.includes(inject('fleetSecret'))]).toEqual([1, false]);
    expect(cat.stderr).toContain('Permission denied');
  });
});

