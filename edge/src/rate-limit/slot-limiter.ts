import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';

export interface SlotRequest {
  token: string;
  maxConcurrent: number;
  /** Minimum time between two starts, plus up to `jitterMs` more at random. */
  minDelayMs: number;
  jitterMs: number;
  /** A slot not released within this time is taken back (its holder died). */
  ttlMs: number;
}
export type SlotAnswer = { granted: true } | { granted: false; retryInMs: number; reason: 'busy' | 'spacing' };

/**
 * Concurrency and spacing for one subject shared by every run and fleet node: a target site of an organization
 * (`site:<org>:<registrable domain>`) or an organization as a whole (`org:<org>`). In memory: an evicted object
 * starts empty, which errs on the side of letting work through rather than blocking it forever.
 */
export class SlotLimiter extends DurableObject<Env> {
  private readonly held = new Map<string, number>();
  private nextStartAt = 0;

  acquire(req: SlotRequest, now = Date.now()): SlotAnswer {
    for (const [token, expires] of this.held) if (expires <= now) this.held.delete(token);
    if (this.held.has(req.token)) return { granted: true };
    if (this.held.size >= req.maxConcurrent) {
      const soonest = Math.min(...this.held.values());
      // Slots are usually released long before they expire; ask again soon (a release in the same run wakes it sooner).
      return { granted: false, retryInMs: Math.max(250, Math.min(1000, soonest - now)), reason: 'busy' };
    }
    if (now < this.nextStartAt) return { granted: false, retryInMs: this.nextStartAt - now, reason: 'spacing' };
    this.held.set(req.token, now + req.ttlMs);
    this.nextStartAt = now + req.minDelayMs + Math.floor(Math.random() * (req.jitterMs + 1));
    return { granted: true };
  }

  release(token: string): void {
    this.held.delete(token);
  }

  /** For tests and the stats page: how many slots are held now. */
  inUse(now = Date.now()): number {
    for (const [token, expires] of this.held) if (expires <= now) this.held.delete(token);
    return this.held.size;
  }
}
