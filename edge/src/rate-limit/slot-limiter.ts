import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import { createLogger } from '../lib/log.ts';
import { lineChanges, nextLookAt, type Sleeper } from './slot-waiters.ts';
import {
  decideSlot, emptySlotState, pruned, releaseAndWake, releaseSlot, subjectLimits, wakeForFree,
  type SlotAnswer, type SlotRequest, type SlotState, type SubjectOverride,
} from './slot-decision.ts';

export type { SlotAnswer, SlotRequest, SubjectOverride } from './slot-decision.ts';

const STATE_KEY = 'slots';
/** Each sleeper under a key of its own: the line (up to 1,000) is not rewritten with every decision. */
const LINE_PREFIX = 'line:';
const log = createLogger({ component: 'slot-limiter' });

/**
 * Concurrency and spacing for one subject shared by every run, fleet node and organization: a target site
 * (`site:<registrable domain>`) or an organization's pages in flight (`org:<org>`). Decisions are slot-decision.ts;
 * this object keeps its state in its own storage and writes it with every change, so an eviction, a restart or a
 * deploy loses neither the slots held nor the time of the last start. A holder that dies frees its slot when the
 * slot's lease runs out. Tasks refused a slot sleep in its line and a release wakes the next ones (ADR 0060).
 */
export class SlotLimiter extends DurableObject<Env> {
  private state: SlotState;
  /** Which incarnation answers (a restart or eviction makes a new one): lets a test see the restart happened. */
  private readonly instanceId = crypto.randomUUID();
  /** The alarm this incarnation armed (null: none known; after an eviction the next look arms one again). */
  private alarmAt: number | null = null;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    const stored = ctx.storage.kv.get<SlotState>(STATE_KEY) ?? emptySlotState();
    const sleepers = [...ctx.storage.kv.list<Sleeper>({ prefix: LINE_PREFIX })].map(([, x]) => x).sort((a, b) => a.since - b.since);
    this.state = { ...stored, sleepers };
  }

  async acquire(req: SlotRequest, now = Date.now()): Promise<SlotAnswer> {
    const { answer, state } = decideSlot(this.state, req, now, Math.random());
    this.save(state);
    if (!answer.granted) await this.lookAgain(false);
    return answer;
  }

  /**
   * Gives a slot back. A slot that was in use (`wake`) wakes the tasks next in line for the slots free now; a slot
   * given back at once because the site refused the task (politeness.ts) frees nothing anyone waited for.
   */
  async release(token: string, wake = true, now = Date.now()): Promise<void> {
    if (!wake) {
      this.save(releaseSlot(this.state, token));
      return;
    }
    await this.wakeNext(releaseAndWake(this.state, token, now));
  }

  /** A slot still free after a wake-up (the woken did not ask in time), or freed by a dead holder, goes to the next in line. */
  override async alarm(): Promise<void> {
    this.alarmAt = null;
    await this.wakeNext(wakeForFree(this.state, Date.now()));
  }

  private async wakeNext({ wake, state }: { wake: Sleeper[]; state: SlotState }): Promise<void> {
    this.save(state);
    // Not awaited: a coordinator's wake-up only arms its alarm, but the releasing caller need not wait for it.
    if (wake.length) this.ctx.waitUntil(this.wakeAll(wake));
    await this.lookAgain(wake.length > 0);
  }

  /** Arms the alarm for the next look (nextLookAt), unless an earlier one is armed already. */
  private async lookAgain(woke: boolean): Promise<void> {
    const at = nextLookAt(this.state, woke, Date.now());
    if (at === null || (this.alarmAt !== null && this.alarmAt <= at)) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  /** Several requests of one caller at one instant, decided in order as separate calls would be (ADR 0061): one write. */
  async acquireMany(reqs: SlotRequest[], now = Date.now()): Promise<SlotAnswer[]> {
    let state = this.state;
    const answers = reqs.map((req) => {
      const d = decideSlot(state, req, now, Math.random());
      state = d.state;
      return d.answer;
    });
    this.save(state);
    if (answers.some((a) => !a.granted)) await this.lookAgain(false);
    return answers;
  }

  /** Several slots given back at once (ADR 0061); `wake` as for `release`, the wake-ups decided once for all of them. */
  async releaseMany(tokens: string[], wake = true, now = Date.now()): Promise<void> {
    const state = tokens.reduce(releaseSlot, this.state);
    if (!wake) return this.save(state);
    await this.wakeNext(wakeForFree(state, now));
  }

  /** Operator settings for this subject (null: back to the deployment's defaults). */
  configure(override: SubjectOverride | null): void {
    this.save({ ...this.state, override: override && (override.maxConcurrent !== null || override.minDelayMs !== null) ? override : null });
  }

  /** For the operator, the stats page and tests: what this subject holds now and its effective limits. */
  describe(defaults: { maxConcurrent: number; minDelayMs: number }, now = Date.now()) {
    const s = pruned(this.state, now);
    const byOrg: Record<string, number> = {};
    for (const h of s.holders) byOrg[h.org] = (byOrg[h.org] ?? 0) + 1;
    return { instanceId: this.instanceId, inUse: s.holders.length, byOrg, waiting: s.waiters.map((w) => w.org), lastStartAt: s.lastStartAt, override: s.override, ...subjectLimits(s, defaults, now) };
  }

  /** For tests and operators: drops this object's memory as an eviction would; what it knows is in storage. */
  restart(): void {
    this.ctx.abort('restarted by the operator');
  }

  /** Tells each woken task's coordinator to ask again now; one that does not answer wakes at its fallback retry. */
  private async wakeAll(next: Sleeper[]): Promise<void> {
    await Promise.all(next.map(async (x) => {
      const coordinator = this.env.RUN_COORDINATOR.get(this.env.RUN_COORDINATOR.idFromName(x.runId));
      await coordinator.wakeForSlot(x.taskId, x.attempt).catch((err: unknown) => log.warn('waking a run for a slot failed', { runId: x.runId, err: String(err) }));
    }));
  }

  private save(state: SlotState): void {
    const { put, drop } = lineChanges(this.state.sleepers ?? [], state.sleepers ?? []);
    this.state = state;
    // Synchronous SQLite-backed storage: the answer leaves only after the write is durable (output gate).
    const { sleepers: _line, ...rest } = state;
    this.ctx.storage.kv.put(STATE_KEY, rest);
    for (const x of put) this.ctx.storage.kv.put(`${LINE_PREFIX}${x.taskId}`, x);
    for (const id of drop) this.ctx.storage.kv.delete(`${LINE_PREFIX}${id}`);
  }
}
