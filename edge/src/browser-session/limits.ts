import type { SessionEndReason } from '@trawl/schemas';

/** What the BrowserSession object knows to decide its limits. */
export interface SessionClock {
  startedAt: number;
  budgetMs: number;
  idleMs: number;
  /** The program's last message (or the start). */
  lastActivityAt: number;
}

export type LimitDecision = { kind: 'end'; reason: Extract<SessionEndReason, 'budget' | 'idle'> } | { kind: 'wait'; until: number };

/** Whether the session's time budget or idle timeout is up at `now`, and if not, when to look again. Pure. */
export function checkLimits(c: SessionClock, now: number): LimitDecision {
  const budgetEnd = c.startedAt + c.budgetMs;
  const idleEnd = c.lastActivityAt + c.idleMs;
  if (now >= budgetEnd) return { kind: 'end', reason: 'budget' };
  if (now >= idleEnd) return { kind: 'end', reason: 'idle' };
  return { kind: 'wait', until: Math.min(budgetEnd, idleEnd) };
}

/** The browser time a session is charged: from its start to its end (or to now while it runs), never more than its budget allows past the check. */
export function browserMsOf(startedAt: number, endedAt: number | null, now: number): number {
  return Math.max(0, (endedAt ?? now) - startedAt);
}
