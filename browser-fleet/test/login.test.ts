import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSpec, LoginFlow, Task, taskSpecOf, type StorageState, type TaskLogin } from '@trawl/schemas';
import { DATA, LOGIN, fixtureJobs, fixtureLoginFlow, fixtureStorageState, startFixtureSite, type FixtureSite } from '@trawl/fixtures';
import { gunzipSync } from 'node:zlib';
import { unzipSync } from 'fflate';
import { ArtifactRecorder, type RecordedFile } from '../src/artifacts/recorder.ts';
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
import { Secrets } from '../src/secrets.ts';
import { startTestPool } from './test-pool.ts';

let pool: BrowserPool;
let site: FixtureSite;
beforeAll(async () => {
  [pool, site] = await Promise.all([
    startTestPool(),
    startFixtureSite(),
  ]);
});
afterAll(async () => {
  await Promise.all([pool?.close(), site?.close()]);
});

async function runWithLogin(login: TaskLogin, record = false) {
  const artifacts = record ? { trace: 'always', har: 'always', screenshots: 'each-step' } : undefined;
  const spec = JobSpec.parse({ ...fixtureJobs(site.url).login.spec, wait: { forItems: true, timeoutMs: 1000 }, ...(artifacts ? { artifacts } : {}) });
  const task = Task.parse({ runId: 'run_l', orgId: 'org_l', taskId: 'tsk_l', attempt: 1, leaseToken: 'l', url: spec.startUrls[0], depth: 0,
    spec: taskSpecOf(spec), login: { id: 'lgn_1' }, deadline: Date.now() + 20_000, edgeUrl: 'http://127.0.0.1:9', leaseMs: 3000 });
  const saved: StorageState[] = [];
  const secrets = new Secrets();
  const recorder = record ? await ArtifactRecorder.create(task.spec.artifacts, secrets) : null;
  const result = await runTask(task, pool, { nodeId: 'n', secrets, observer: recorder ?? undefined, login: { load: async () => login, save: async (s) => { saved.push(s); } } });
  const files = await recorder?.collect(result.outcome === 'failed') ?? [];
  return { result, saved, files };
}

/** Every needle found in the files, their unpacked contents (gzip, zip) and the result (events included). */
function leaks(files: RecordedFile[], result: unknown, needles: string[]): string[] {
  const hits: string[] = [];
  const scan = (label: string, bytes: Uint8Array): void => {
    const text = Buffer.from(bytes).toString('latin1');
    for (const n of needles) if (text.includes(n)) hits.push(`${label}: ${n}`);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) scan(`${label}>gunzip`, gunzipSync(bytes));
    if (bytes[0] === 0x50 && bytes[1] === 0x4b) for (const [name, inner] of Object.entries(unzipSync(bytes))) scan(`${label}>${name}`, inner);
  };
  for (const f of files) scan(f.name, f.bytes);
  scan('result', Buffer.from(JSON.stringify(result)));
  return hits;
}
const sku = (items: Array<Record<string, unknown>>) => items.map((i) => i.sku);

describe('stored logins', () => {
  it('a stored session opens the gated page', async () => {
    const { result, saved } = await runWithLogin({ storageState: fixtureStorageState(site.url), credential: null, flow: null });
    expect(sku(result.items)).toEqual(DATA.login.map((r) => r.sku));
    expect(saved).toEqual([]);
  });

  it('a credential logs in first when there is no session, and the new session is saved', async () => {
    const { result, saved } = await runWithLogin({ storageState: null, credential: { username: LOGIN.user, password: LOGIN.password }, flow: LoginFlow.parse(fixtureLoginFlow(site.url)) });
    expect(sku(result.items)).toEqual(DATA.login.map((r) => r.sku));
    expect(saved).toHaveLength(1);
    expect(saved[0]?.cookies).toEqual([expect.objectContaining({ name: 'session', value: 'fixture-session-ok' })]);
  });

  it('a stale session with a credential logs in again; without one it is LOGIN_REQUIRED', async () => {
    const stale = fixtureStorageState(site.url, false);
    const again = await runWithLogin({ storageState: stale, credential: { username: LOGIN.user, password: LOGIN.password }, flow: LoginFlow.parse(fixtureLoginFlow(site.url)) });
    expect(again.result.outcome).toBe('succeeded');
    expect(again.saved).toHaveLength(1);
    const stuck = await runWithLogin({ storageState: stale, credential: null, flow: null });
    expect(stuck.result.error).toMatchObject({ code: 'LOGIN_REQUIRED', soft: true });
  });

  it('a wrong password is LOGIN_REQUIRED, and the password never shows in the failure', async () => {
    const { result, saved } = await runWithLogin({ storageState: null, credential: { username: LOGIN.user, password: 'hunter2-wrong' }, flow: LoginFlow.parse(fixtureLoginFlow(site.url)) });
    expect(result.error?.code).toBe('LOGIN_REQUIRED');
    expect(JSON.stringify(result)).not.toContain('hunter2-wrong');
    expect(saved).toEqual([]);
  });

  it('recorded at always, a stale session logged in again leaks no credential or cookie; the first visit is still pictured', async () => {
    const stale = fixtureStorageState(site.url, false);
    const { result, files } = await runWithLogin({ storageState: stale, credential: { username: LOGIN.user, password: LOGIN.password }, flow: LoginFlow.parse(fixtureLoginFlow(site.url)) }, true);
    expect(result.outcome).toBe('succeeded');
    // Before the login: the login wall (navigate, wait); none of the login; after it: the task's own steps.
    expect(files.filter((f) => f.kind === 'screenshot').map((f) => f.name)).toEqual(['step-1-navigate.png', 'step-2-wait.png', 'step-3-navigate.png', 'step-4-wait.png', 'step-5-extract.png']);
    expect(files.filter((f) => f.kind !== 'screenshot').map((f) => f.kind).toSorted()).toEqual(['har', 'trace']);
    expect(leaks(files, result, [LOGIN.user, LOGIN.password, encodeURIComponent(LOGIN.user), 'correct+horse', 'fixture-session-ok'])).toEqual([]);
  });

  it('a failed login recorded at always leaves no screenshot of the form and no typed value anywhere', async () => {
    const { result, files } = await runWithLogin({ storageState: null, credential: { username: LOGIN.user, password: 'hunter2-wrong' }, flow: LoginFlow.parse(fixtureLoginFlow(site.url)) }, true);
    expect(result.error?.code).toBe('LOGIN_REQUIRED');
    expect(files.map((f) => f.kind).toSorted()).toEqual(['har', 'trace']);
    expect(leaks(files, result, [LOGIN.user, 'hunter2-wrong', encodeURIComponent(LOGIN.user)])).toEqual([]);
  });
});
