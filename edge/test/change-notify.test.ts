import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { RunChanges } from '@trawl/schemas';
import type { Env } from '../src/env.ts';

// The notification seam itself (edge/src/notify/emit.ts) is another helper's: here only what reaches it is checked.
const sent = vi.hoisted(() => [] as Array<{ event: string; runId?: string; data: Record<string, unknown> }>);
vi.mock('../src/notify/emit.ts', () => ({ emitNotification: async (_env: unknown, n: { event: string; runId?: string; data: Record<string, unknown> }) => { sent.push(n); } }));
const { announceChanges, announceFeed } = await import('../src/coordinator/change-feed.ts');

const env = {} as Env;
const meta = { orgId: 'org_1', jobId: 'job_1', runId: 'run_2' };
const changes: RunChanges = { added: 1, changed: 2, removed: 0, baselineRunId: 'run_1' };
const finding = { field: 'price', selector: '.price', check: 'fillRate' as const, before: '100%', now: '0%', message: 'price (.price): filled in 0%' };

describe('change and drift notifications', () => {
  beforeEach(() => { sent.length = 0; });

  it('a run with changes against a baseline: changes.found with the counts', async () => {
    await announceFeed(env, meta, { changes, suspect: null, fieldStats: {} });
    expect(sent).toEqual([{ ...meta, event: 'changes.found', data: { added: 1, changed: 2, removed: 0 } }]);
  });

  it('no changes, or a job\'s first run (nothing compared): nothing', async () => {
    await announceFeed(env, meta, { changes: { added: 0, changed: 0, removed: 0, baselineRunId: 'run_1' }, suspect: null, fieldStats: {} });
    await announceFeed(env, meta, { changes: { added: 5, changed: 0, removed: 0 }, suspect: null, fieldStats: {} });
    await announceFeed(env, meta, { changes: null, suspect: null, fieldStats: {} });
    expect(sent).toEqual([]);
  });

  it('a suspect run: drift.detected, and changes.found held', async () => {
    await announceFeed(env, meta, { changes, suspect: { findings: [finding], acceptedAt: null, acceptedBy: null }, fieldStats: {} });
    expect(sent).toEqual([{ ...meta, event: 'drift.detected', data: { findings: [finding] } }]);
  });

  it('accepting releases the held changes.found', async () => {
    await announceChanges(env, meta, changes);
    expect(sent.map((n) => n.event)).toEqual(['changes.found']);
  });
});
