/**
 * End-of-run notifications that survive failure (ADR 0066), on a real D1 (workerd through Miniflare, the schema from
 * db/migrations) and a real queue producer that a test makes fail a given number of times. A run's end events are
 * kept until each is emitted; tried again after a failure or a partial success, they record one delivery per
 * endpoint and event, and queue each delivery once.
 */
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { jobs, notificationDeliveries, notificationEndpoints, notificationSubscriptions, organizations } from '@trawl/db';
import { emptyCounts, type JobSpec, type NotificationEventName } from '@trawl/schemas';
import type { Env } from '../src/env.ts';
import { createLogger } from '../src/lib/log.ts';
import { createDb } from '../src/services/context.ts';
import { deliveryIdOf } from '../src/notify/delivery-id.ts';
import { notifyRunEvent, type EndedRun } from '../src/notify/run-end.ts';
import type { NotifyMessage } from '../src/notify/messages.ts';
import { NOTICE_MAX_TRIES, noticePauseMs, sendNotices, type NoticeOutcome, type NoticeStore, type PendingNotices } from '../src/coordinator/end-notices.ts';

declare global {
  interface ImportMeta { glob(pattern: string, options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string> }
}
const MIGRATIONS = import.meta.glob('../../db/migrations/*.sql', { query: '?raw', import: 'default', eager: true });

const T0 = 1_800_000_000_000;
/** Each step of an emit tried twice, 1 ms apart: one failed emit is two failed queue sends. */
const FAST = { tries: 2, pauseMs: 1 };

/** The real queue producer, failing its first `failures` sends; what it did queue, by delivery id. */
class FlakyQueue {
  sent: string[] = [];
  calls = 0;
  constructor(private readonly real: Queue<NotifyMessage>, private failures: number) {}
  failNext(n: number): void { this.failures = n; }
  async sendBatch(messages: Iterable<MessageSendRequest<NotifyMessage>>): Promise<void> {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      throw new Error('queue unavailable (test)');
    }
    const list = [...messages];
    await this.real.sendBatch(list);
    this.sent.push(...list.map((m) => m.body.deliveryId));
  }
}

class MemoryNotices implements NoticeStore {
  constructor(public value: PendingNotices | null) {}
  get() { return this.value; }
  put(p: PendingNotices) { this.value = structuredClone(p); }
  clear() { this.value = null; }
}

let mf: Miniflare;
let d1: D1Database;
let realQueue: Queue<NotifyMessage>;
const envWith = (queue: FlakyQueue): Env => ({ ENVIRONMENT: 'test', DB: d1, NOTIFICATIONS: queue }) as unknown as Env;

beforeAll(async () => {
  mf = new Miniflare({ workers: [{ config: {
    name: 'end-notices', compatibilityDate: '2025-01-01',
    manifest: { mainModule: 'worker.js', modules: { 'worker.js': { type: 'esm', contents: 'export default { fetch() { return new Response(null, { status: 204 }); } };' } } },
    env: { DB: { type: 'd1' }, NOTIFICATIONS: { type: 'queue', name: 'trawl-notifications' } },
  } }] });
  d1 = await mf.getD1Database('DB') as unknown as D1Database;
  realQueue = await mf.getQueueProducer<NotifyMessage>('NOTIFICATIONS') as unknown as Queue<NotifyMessage>;
  for (const [, text] of Object.entries(MIGRATIONS).toSorted(([a], [b]) => a.localeCompare(b))) {
    for (const stmt of text.split('--> statement-breakpoint')) if (stmt.trim()) await d1.prepare(stmt).run();
  }
}, 60_000);
afterAll(async () => { await mf?.dispose(); });

/** An organization with a job and `endpoints` webhook endpoints, each subscribed to `events`; the run that ended. */
async function seed(name: string, endpoints: number, events: NotificationEventName[]): Promise<{ run: EndedRun; endpointIds: string[] }> {
  const db = createDb({ DB: d1 } as unknown as Env);
  const orgId = `org_${name}`;
  const jobId = `job_${name}`;
  await db.insert(organizations).values({ id: orgId, name, createdAt: T0 });
  await db.insert(jobs).values({ id: jobId, orgId, name: `Job ${name}`, spec: {} as JobSpec, createdAt: T0, updatedAt: T0 });
  const endpointIds = Array.from({ length: endpoints }, (_, i) => `nep_${name}${i}`);
  for (const id of endpointIds) {
    await db.insert(notificationEndpoints).values({ id, orgId, kind: 'webhook', name: id, url: `https://hooks.example.com/${id}`, createdBy: 'usr_test', createdAt: T0, updatedAt: T0 });
    for (const event of events) await db.insert(notificationSubscriptions).values({ orgId, jobId, event, endpointId: id, createdAt: T0 });
  }
  const run: EndedRun = { runId: `run_${name}`, orgId, jobId, status: 'succeeded', error: null, warnings: [], finishedAt: T0 + 5000,
    counts: { ...emptyCounts(), items: 20, pagesSucceeded: 1 } };
  return { run, endpointIds };
}

async function deliveriesOf(runId: string) {
  const rows = await createDb({ DB: d1 } as unknown as Env).select().from(notificationDeliveries).where(eq(notificationDeliveries.runId, runId));
  return rows.map((r) => ({ id: r.id, event: r.event, endpointId: r.endpointId })).toSorted((a, b) => `${a.event}${a.endpointId}`.localeCompare(`${b.event}${b.endpointId}`));
}

/** Runs the coordinator's loop as its alarm would: send, and at each `retry` move the clock to its time and send again. */
async function untilSettled(store: MemoryNotices, queue: FlakyQueue, run: EndedRun): Promise<{ outcomes: NoticeOutcome[]; pauses: number[] }> {
  let clock = T0 + 10_000;
  const outcomes: NoticeOutcome[] = [];
  const pauses: number[] = [];
  for (let i = 0; i < 20; i++) {
    const out = await sendNotices(store, (e) => notifyRunEvent(envWith(queue), run, e, FAST), () => clock, createLogger({}, () => undefined), run.runId);
    outcomes.push(out);
    if (out.kind !== 'retry') break;
    pauses.push(out.at - clock);
    clock = out.at;
  }
  return { outcomes, pauses };
}

describe('end-of-run notifications survive failure (ADR 0066)', { timeout: 60_000 }, () => {
  it('an emit failing twice, then succeeding: one delivery per endpoint, each queued once, after pauses of 2 s and 4 s', async () => {
    const { run, endpointIds } = await seed('fails', 2, ['run.finished']);
    // Two failed emits: each writes its rows, then fails both of its queue sends.
    const queue = new FlakyQueue(realQueue, 4);
    const store = new MemoryNotices({ events: ['run.finished'], tries: 0, nextAt: 0 });
    const { outcomes, pauses } = await untilSettled(store, queue, run);
    expect(outcomes.map((o) => o.kind)).toEqual(['retry', 'retry', 'done']);
    expect(pauses).toEqual([2000, 4000]);
    expect(store.value).toBeNull();
    const ids = await Promise.all(endpointIds.map((e) => deliveryIdOf(run.runId, 'run.finished', e, run.finishedAt)));
    expect(await deliveriesOf(run.runId)).toEqual(endpointIds.map((endpointId, i) => ({ id: ids[i], event: 'run.finished', endpointId })));
    expect(queue.calls).toBe(5);
    expect(queue.sent.toSorted()).toEqual(ids.toSorted());
  });

  it('a retry after a partial success records nothing twice and sends nothing again', async () => {
    const { run, endpointIds } = await seed('partial', 2, ['run.finished', 'run.warnings']);
    // run.finished goes out; run.warnings' rows are written, but its one emit fails on both queue sends.
    const queue = new FlakyQueue(realQueue, 0);
    const store = new MemoryNotices({ events: ['run.finished', 'run.warnings'], tries: 0, nextAt: 0 });
    let keptDuringWarnings: PendingNotices | null = null;
    const first = await sendNotices(store, async (e) => {
      if (e === 'run.warnings') {
        queue.failNext(2);
        keptDuringWarnings = structuredClone(store.value);
      }
      return notifyRunEvent(envWith(queue), run, e, FAST);
    }, () => T0, createLogger({}, () => undefined), run.runId);
    // run.finished was cleared as soon as it went out: an object lost while sending run.warnings would not send it again.
    expect(keptDuringWarnings).toEqual({ events: ['run.warnings'], tries: 0, nextAt: 0 });
    expect(first).toEqual({ kind: 'retry', at: T0 + 2000 });
    expect(store.value).toEqual({ events: ['run.warnings'], tries: 1, nextAt: T0 + 2000 });
    expect((await deliveriesOf(run.runId)).length).toBe(4);
    const { outcomes } = await untilSettled(store, queue, run);
    expect(outcomes.map((o) => o.kind)).toEqual(['done']);
    const expected = await Promise.all((['run.finished', 'run.warnings'] as const).flatMap((event) =>
      endpointIds.map(async (endpointId) => ({ id: await deliveryIdOf(run.runId, event, endpointId, run.finishedAt), event, endpointId }))));
    expect(await deliveriesOf(run.runId)).toEqual(expected);
    expect(queue.sent.toSorted()).toEqual(expected.map((d) => d.id).toSorted());
    // The same event emitted again once its deliveries were attempted (a crash between the emit and the clearing):
    // no row added, nothing queued.
    const db = createDb({ DB: d1 } as unknown as Env);
    await db.update(notificationDeliveries).set({ status: 'delivered', attempts: 1 }).where(and(eq(notificationDeliveries.runId, run.runId), eq(notificationDeliveries.event, 'run.finished')));
    expect(await notifyRunEvent(envWith(queue), run, 'run.finished', FAST)).toBe(0);
    expect(await deliveriesOf(run.runId)).toEqual(expected);
    expect(queue.sent.length).toBe(4);
  });

  it('gives up after NOTICE_MAX_TRIES failed tries, with growing pauses capped at 15 minutes, and says so once as an error', async () => {
    const store = new MemoryNotices({ events: ['run.failed'], tries: 0, nextAt: 0 });
    const lines: string[] = [];
    const log = createLogger({}, (line: string) => { lines.push(line); });
    let clock = T0;
    const kinds: string[] = [];
    for (let i = 0; i < NOTICE_MAX_TRIES + 2; i++) {
      const out = await sendNotices(store, () => Promise.reject(new Error('D1 unavailable (test)')), () => clock, log, 'run_x');
      kinds.push(out.kind);
      if (out.kind !== 'retry') break;
      clock = out.at;
    }
    expect(kinds).toEqual([...Array.from({ length: NOTICE_MAX_TRIES - 1 }, () => 'retry'), 'gave-up']);
    expect(store.value).toBeNull();
    expect(Array.from({ length: NOTICE_MAX_TRIES - 1 }, (_, i) => noticePauseMs(i + 1))).toEqual([2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900].map((s) => s * 1000));
    expect(lines.map((l) => (JSON.parse(l) as { level: string }).level)).toEqual([...Array.from({ length: NOTICE_MAX_TRIES - 1 }, () => 'warn'), 'error']);
  });
});
