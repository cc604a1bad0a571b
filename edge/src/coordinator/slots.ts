/** Politeness slots (politeness.ts): what a dispatch must acquire, and what a finished task gives back. */
import type { Task } from '@trawl/schemas';
import type { RunMeta } from './store.ts';
import { configOf } from '../env.ts';
import { isFinalStatus } from '@trawl/schemas';
import { slotWaitIsCurrent, slotWaitersToWake } from './machine.ts';
import { acquireSlots, releaseSlots } from './politeness.ts';
import { emit } from './event-stream.ts';
import type { RunContext } from './run-context.ts';

const WAIT_MESSAGES = {
  busy: (site: string) => `Waiting for a free slot for ${site} (the site's or the organization's concurrency limit)`,
  spacing: (site: string) => `Spacing requests to ${site} (politeness delay)`,
  turn: (site: string) => `Waiting for a turn on ${site}: other organizations' pages share the site's slots`,
} as const;

/**
 * Politeness: each dispatch needs a slot of the organization's task cap and of the target site's concurrency
 * and spacing, shared by every run of every organization. A task without a slot goes back to pending until then.
 */
export async function admit(c: RunContext, meta: RunMeta, messages: Task[], now: number, leaseMs = configOf(c.env).dispatchTimeoutMs): Promise<Task[]> {
  if (!meta.politeness || messages.length === 0) return messages;
  // A slot outlives its lease's wait and the page (a slot whose task vanished comes back on its own).
  const ttlMs = meta.spec.limits.taskTimeoutMs + leaseMs;
  const answers = await acquireSlots(c.env, meta.orgId, messages.map((m) => ({ url: m.url, token: m.leaseToken, wake: { runId: meta.runId, taskId: m.taskId, attempt: m.attempt } })), meta.politeness, ttlMs);
  const admitted: Task[] = [];
  messages.forEach((m, i) => {
    const answer = answers[i]!;
    if (answer.granted) { admitted.push(m); return; }
    const t = c.store.getTask(m.taskId);
    if (!t || t.leaseToken !== m.leaseToken || t.status !== 'queued') return;
    c.store.updateTask({ ...t, status: 'pending', attempt: t.attempt - 1, leaseToken: null, leaseDeadline: null, notBefore: now + answer.retryInMs });
    c.waitingForSlot.set(t.taskId, now + answer.retryInMs);
    if (!c.waitNoticed.has(`${t.taskId}:${answer.reason}`)) {
      c.waitNoticed.add(`${t.taskId}:${answer.reason}`);
      emit(c, { type: 'task.waiting', taskId: t.taskId, url: t.url, data: { site: answer.site, reason: answer.reason, retryInMs: answer.retryInMs },
        message: WAIT_MESSAGES[answer.reason](answer.site) });
    }
  });
  return admitted;
}

export function freeSlot(c: RunContext, task: { url: string; leaseToken: string | null }): Promise<void> {
  return freeSlots(c, [task]);
}

/** The slots of ended tasks (a batch of results frees all of its own in one call per limiter, ADR 0061). */
export async function freeSlots(c: RunContext, tasks: ReadonlyArray<{ url: string; leaseToken: string | null }>): Promise<void> {
  const meta = c.store.getMeta();
  const held = tasks.flatMap((t) => (t.leaseToken ? [{ url: t.url, token: t.leaseToken }] : []));
  if (!meta?.politeness || held.length === 0) return;
  // A slot of this run came free: its tasks waiting for one may go at the next pump, not at their retry time.
  const now = Date.now();
  const waiting = [...c.waitingForSlot.keys()].map((id) => c.store.getTask(id));
  for (const t of slotWaitersToWake(c.waitingForSlot, waiting, now)) c.store.updateTask({ ...t, notBefore: now });
  c.waitingForSlot.clear();
  await releaseSlots(c.env, meta.orgId, held).catch((err: unknown) => c.log.warn('releasing a slot failed', { err: String(err) }));
}

/**
 * A limiter's wake-up (ADR 0060): a slot may be free for this task, refused at dispatch `attempt`. Only a task still
 * waiting from that refusal goes now (one that has since run and failed waits its announced retry delay, issue #10);
 * the alarm dispatches it, so the limiter's call returns at once.
 */
export async function wakeForSlot(c: RunContext, taskId: string, attempt: number): Promise<boolean> {
  const t = c.store.getTask(taskId);
  const now = Date.now();
  if (!t || !slotWaitIsCurrent(t, attempt, now) || isFinalStatus(c.store.getMeta()?.status ?? 'cancelled')) return false;
  c.store.updateTask({ ...t, notBefore: now });
  await c.ctx.storage.setAlarm(now);
  return true;
}
