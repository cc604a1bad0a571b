import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobSpec, LoginFlow, Task, taskSpecOf, type StorageState, type TaskLogin } from '@trawl/schemas';
import { DATA, LOGIN, fixtureJobs, fixtureLoginFlow, fixtureStorageState, startFixtureSite, type FixtureSite } from '@trawl/fixtures';
import { BrowserPool } from '../src/pool.ts';
import { runTask } from '../src/runner.ts';
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

async function runWithLogin(login: TaskLogin) {
  const spec = JobSpec.parse({ ...fixtureJobs(site.url).login.spec, wait: { forItems: true, timeoutMs: 1000 } });
  const task = Task.parse({ runId: 'run_l', orgId: 'org_l', taskId: 'tsk_l', attempt: 1, leaseToken: 'l', url: spec.startUrls[0], depth: 0,
    spec: taskSpecOf(spec), login: { id: 'lgn_1' }, deadline: Date.now() + 20_000, edgeUrl: 'http://127.0.0.1:9', leaseMs: 3000 });
  const saved: StorageState[] = [];
  const result = await runTask(task, pool, { nodeId: 'n', login: { load: async () => login, save: async (s) => { saved.push(s); } } });
  return { result, saved };
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
});
