import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';
import {
  decideSlot, emptySlotState, pruned, releaseSlot, subjectLimits,
  type SlotAnswer, type SlotRequest, type SlotState, type SubjectOverride,
} from './slot-decision.ts';

export type { SlotAnswer, SlotRequest, SubjectOverride } from './slot-decision.ts';

const STATE_KEY = 'slots';

/**
 * Concurrency and spacing for one subject shared by every run, fleet node and organization: a target site
 * (`site:<registrable domain>`) or an organization's pages in flight (`org:<org>`). Decisions are slot-decision.ts;
 * this object keeps its state in its own storage and writes it with every change, so an eviction, a restart or a
 * deploy loses neither the slots held nor the time of the last start. A holder that dies frees its slot when the
 * slot's lease runs out.
 */
export class SlotLimiter extends DurableObject<Env> {
  private state: SlotState;
  /** Which incarnation answers (a restart or eviction makes a new one): lets a test see the restart happened. */
  private readonly instanceId = crypto.randomUUID();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.state = ctx.storage.kv.get<SlotState>(STATE_KEY) ?? emptySlotState();
  }

  acquire(req: SlotRequest, now = Date.now()): SlotAnswer {
    const { answer, state } = decideSlot(this.state, req, now, Math.random());
    this.save(state);
    return answer;
  }

  release(token: string): void {
    this.save(releaseSlot(this.state, token));
  }

  /** Several requests of one caller at one instant, decided in order as separate calls would be (ADR 0061): one write. */
  acquireMany(reqs: SlotRequest[], now = Date.now()): SlotAnswer[] {
    let state = this.state;
    const answers = reqs.map((req) => {
      const d = decideSlot(state, req, now, Math.random());
      state = d.state;
      return d.answer;
    });
    this.save(state);
    return answers;
  }

  releaseMany(tokens: string[]): void {
    this.save(tokens.reduce(releaseSlot, this.state));
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

  private save(state: SlotState): void {
    this.state = state;
    // Synchronous SQLite-backed storage: the answer leaves only after the write is durable (output gate).
    this.ctx.storage.kv.put(STATE_KEY, state);
  }
}
