/** Dispatch: what may run now gets a lease and goes to a node (in an answer or through the queue); the next alarm is armed. */
import {
  artifactsForAttempt, detailTaskSpecOf, isFinalStatus, levelTaskSpecOf, randomString, taskSpecOf, traceparentOf, type JobSpec, type Task,
} from '@trawl/schemas';
import { configOf } from '../env.ts';
import type { RunMeta } from './store.ts';
import { nextWake, pickDispatchable, type TaskRow } from './machine.ts';
import { siteOf } from './politeness.ts';
import { applyHolds, withinSiteLimits } from './site-backoff.ts';
import { admit, freeSlot } from './slots.ts';
import { laneOf, laneRoom, pickByLane, type Lane } from './render-lanes.ts';
import { countedLeases } from './ahead.ts';
import { mayHandBackNow } from './hand-back.ts';
import { finish } from './finishing.ts';
import { leaseMs, requireMeta, type RunContext } from './run-context.ts';
import { taskMessagesOf } from '../queue/messages.ts';

/**
 * Dispatches what may run now, ends the run when nothing is left, and arms the next alarm. The first `handBack`
 * dispatched tasks are returned for the caller to hand to a node directly; the rest go to the queue.
 */
export async function pump(c: RunContext, handBack = 0): Promise<Task[]> {
  const meta = requireMeta(c);
  if (isFinalStatus(meta.status)) return [];
  const now = Date.now();
  const live = c.store.liveTasks();
  if (live.length === 0) {
    await finish(c, { kind: 'drained' });
    return [];
  }
  const { dispatchTimeoutMs } = configOf(c.env);
  // Held sites' tasks are not due yet; a site that asked to slow down gets fewer pages at once (site-backoff.ts).
  const sites = meta.sites ?? {};
  const held = applyHolds(live, sites, siteOf);
  // Browser pages up to the job's concurrency, fast-path pages up to FAST_FANOUT times that (render-lanes.ts); a task
  // handed ahead counts once the page it waits for is done (ahead.ts).
  const leases = held.flatMap((t) => ((t.status === 'queued' || t.status === 'running') && t.leaseToken ? [t.leaseToken] : []));
  const after = c.ahead.afterOfAll(leases);
  const inFlight = countedLeases(leases, (l) => after.get(l) ?? null);
  const room = laneRoom(meta.spec.render, inFlight, meta.spec.concurrency, (l) => c.fastLeases.has(l));
  const admitted = await leaseAndAdmit(c, meta, held, room, now, { deadlineMs: dispatchTimeoutMs });
  const handed = admitted.slice(0, handBack);
  const queued = admitted.slice(handBack);
  if (queued.length) {
    try {
      // Several tasks to a message, offered to a node together (ADR 0064): one consumer pass and offer per batch.
      await c.env.TASKS.sendBatch(taskMessagesOf(queued).map((body) => ({ body })));
    } catch (err) {
      c.log.error('queue send failed; tasks go back to pending', { runId: meta.runId, err: String(err) });
      for (const m of queued) {
        const t = c.store.getTask(m.taskId);
        if (t && t.leaseToken === m.leaseToken) c.store.updateTask({ ...t, status: 'pending', leaseToken: null, leaseDeadline: null, notBefore: now + 1000 });
        await freeSlot(c, { url: m.url, leaseToken: m.leaseToken });
      }
    }
  }
  await c.ctx.storage.setAlarm(nextWake(applyHolds(c.store.liveTasks(), sites, siteOf), meta.deadline, now));
  return handed;
}

/**
 * Picks what may run now within `room`, leases it (queued, until `deadlineMs` from now) and takes its politeness
 * slots: the tasks a node may be given, in order. A task the limiters refuse waits (slots.ts).
 */
async function leaseAndAdmit(c: RunContext, meta: RunMeta, held: TaskRow[], room: Record<Lane, number>, now: number, lease: { deadlineMs: number; budgetMs?: number }): Promise<Task[]> {
  const sites = meta.sites ?? {};
  const candidates = withinSiteLimits(pickDispatchable(held, Number.MAX_SAFE_INTEGER, now), held, sites, siteOf);
  // A candidate's task spec is worked out once: for its render choice, and again in its message if it is picked.
  const specs = new Map<string, TaskSpecOf>();
  const specOf = (t: TaskRow): TaskSpecOf => {
    const known = specs.get(t.taskId);
    if (known) return known;
    const spec = specFor(c, meta.spec, t.taskId, t.attempt + 1);
    specs.set(t.taskId, spec);
    return spec;
  };
  const picked = pickByLane(candidates, room, (t) => c.render.peek(meta.spec, specOf(t), siteOf(t.url)),
    (t, choice) => c.render.commit(siteOf(t.url), choice));
  const taskMs = meta.spec.limits.taskTimeoutMs + 10_000;
  const messages: Task[] = picked.map(({ task: t, render }) => {
    const leaseToken = randomString(24);
    const attempt = t.attempt + 1;
    c.store.updateTask({ ...t, status: 'queued', attempt, leaseToken, leaseDeadline: now + lease.deadlineMs });
    if (laneOf(render.mode) === 'http') c.fastLeases.add(leaseToken);
    const spec = specOf(t);
    return {
      runId: meta.runId, orgId: meta.orgId, taskId: t.taskId, attempt, leaseToken, url: t.url, depth: t.depth, kind: c.details.isDetail(t.taskId) ? 'detail' : 'page',
      spec, render, login: meta.spec.login, session: sessionOf(c, meta, t),
      ...(meta.spec.proxy ? { proxy: { rotate: meta.spec.proxy.rotate } } : {}),
      deadline: Math.min(meta.deadline, now + (lease.budgetMs ? lease.budgetMs + taskMs : taskMs)), ...(lease.budgetMs ? { budgetMs: lease.budgetMs } : {}),
      edgeUrl: meta.edgeUrl, leaseMs: leaseMs(c), policy: meta.policy, traceparent: traceparentOf(meta.runId, t.taskId),
    };
  });
  return admit(c, meta, messages, now, lease.deadlineMs);
}

/**
 * The run's next browser task, handed ahead to the node whose page `after` just started (ADR 0069, ahead.ts): one
 * per page, beyond the job's concurrency (it counts once that page is done), only when no other node has more room
 * (the hand-back rule, ADR 0057), never to a site spaced by politeness, and within the site's backoff and politeness
 * slots like any dispatch. Its lease lasts while it waits: the page's whole budget, then a dispatch timeout.
 */
export async function handAhead(c: RunContext, after: TaskRow, nodeId: string): Promise<Task | null> {
  const meta = requireMeta(c);
  if (isFinalStatus(meta.status) || meta.spec.render === 'http' || !after.leaseToken || c.ahead.aheadOf(after.leaseToken)) return null;
  if (!await mayHandBackNow(c.env, nodeId)) return null;
  const now = Date.now();
  // Not for a site with spacing between starts: the task ahead starts when its page is done, not when its slot was
  // given, so two such starts could come closer than the spacing (politeness.ts).
  const spaced = (site: string) => meta.politeness != null
    && (configOf(c.env).siteMinDelayMs > 0 || meta.politeness.siteMinDelayMs > 0 || (meta.politeness.crawlDelays?.[site] ?? 0) > 0);
  const held = applyHolds(c.store.liveTasks(), meta.sites ?? {}, siteOf).filter((t) => t.status !== 'pending' || !spaced(siteOf(t.url)));
  const budgetMs = meta.spec.limits.taskTimeoutMs + 10_000;
  const [task] = await leaseAndAdmit(c, meta, held, { browser: 1, http: 0 }, now, { deadlineMs: budgetMs + configOf(c.env).dispatchTimeoutMs, budgetMs });
  if (!task) return null;
  c.ahead.add(task.leaseToken, task.taskId, after.leaseToken);
  return task;
}

type TaskSpecOf = ReturnType<typeof specFor>;

/** The task's spec for this attempt (a detail page's own; `on-retry` traces resolved for the attempt). */
export function specFor(c: RunContext, spec: JobSpec, taskId: string, attempt: number) {
  const level = c.graph.levelOf(taskId);
  const base = (c.details.isDetail(taskId) ? detailTaskSpecOf(spec) : level !== null ? levelTaskSpecOf(spec, level) : null) ?? taskSpecOf(spec);
  return { ...base, artifacts: artifactsForAttempt(base.artifacts, attempt, spec.retry.maxAttempts) };
}

/** What a task of a kept-session job carries: whether a state waits for it, and on a retry the last good page. */
export function sessionOf(c: RunContext, meta: RunMeta, t: TaskRow): Task['session'] {
  if (!meta.spec.session?.keep || c.details.isDetail(t.taskId)) return undefined;
  const kept = c.sessions.get(t.taskId);
  if (!kept) return { state: false };
  return { state: kept.stateEnc !== null, ...(t.failures > 0 ? { resumeFrom: kept.fromUrl } : {}) };
}
