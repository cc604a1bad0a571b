import { DurableObject } from 'cloudflare:workers';
import type { Env } from '../env.ts';

export interface Take { allowed: boolean; limit: number; remaining: number; resetMs: number }

/**
 * A token bucket per subject (an API key or an organization): `limit` tokens, refilled evenly over a minute.
 * One object per subject makes the count hold across every isolate and location; state lives in memory only,
 * so a restarted object simply starts full.
 */
export class RateLimiter extends DurableObject<Env> {
  private tokens = -1;
  private updatedAt = 0;

  take(limit: number, now = Date.now()): Take {
    const perMs = limit / 60_000;
    if (this.tokens < 0) this.tokens = limit;
    this.tokens = Math.min(limit, this.tokens + (now - this.updatedAt) * perMs);
    this.updatedAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return { allowed: true, limit, remaining: Math.floor(this.tokens), resetMs: Math.ceil((limit - this.tokens) / perMs) };
    }
    return { allowed: false, limit, remaining: 0, resetMs: Math.ceil((1 - this.tokens) / perMs) };
  }
}
