/**
 * The decisions of a SlotLimiter as a pure function of its stored state: concurrency and spacing for one subject
 * (a target site shared by every organization, or one organization's pages in flight), shared fairly among the
 * organizations that ask. The Durable Object only loads the state, applies this, and stores what changed.
 */

import { WAKE_FALLBACK_MS, pickWakes, withSleeper, withoutSleeper, type Sleeper, type WakeRef } from './slot-waiters.ts';

export interface Holder { token: string; org: string; expiresAt: number }
/** An organization refused a slot lately: it is owed a turn while it keeps asking (until `expiresAt`). */
export interface Waiter { org: string; cap: number; readyAt: number; expiresAt: number }
/** What the operator set for this subject (admin route); null fields fall back to the deployment's defaults. */
export interface SubjectOverride { maxConcurrent: number | null; minDelayMs: number | null }

export interface SlotState {
  holders: Holder[];
  waiters: Waiter[];
  /** Last start per organization (its own spacing, and whose turn it is). */
  lastStartByOrg: Record<string, number>;
  lastStartAt: number;
  /** The earliest next start for anyone: the last start plus the delay and its jitter, drawn at that start. */
  nextStartAt: number;
  /** The longest robots.txt crawl-delay any run reported for this subject, and until when it applies. */
  crawlDelayMs: number;
  crawlDelayUntil: number;
  override: SubjectOverride | null;
  /** Tasks refused a slot that wait to be woken, oldest first (slot-waiters.ts; absent in state stored before). */
  sleepers?: Sleeper[];
  /** The subject's limit at the last decision: how many slots a release may find free. */
  limit?: number;
}

export interface SlotRequest {
  token: string;
  /** The organization asking; slots are shared fairly among organizations. */
  org: string;
  /** The subject's limit for everyone: the operator's default (an override of this subject replaces it). */
  maxConcurrent: number;
  /** This organization's own cap here (its policy); never more than the subject's limit. */
  orgMaxConcurrent: number;
  /** Minimum time between two starts for everyone (the operator's default; an override replaces it). */
  minDelayMs: number;
  /** Minimum time between two starts of this organization (its policy); the shared delay applies as well. */
  orgMinDelayMs: number;
  /** A robots.txt crawl-delay the asking run learnt for this subject: it then applies to everyone for a day. */
  crawlDelayMs?: number;
  /** A slot not released within this time is taken back (its holder died). */
  ttlMs: number;
  /** Whom to wake when a slot comes free; with it a refused task sleeps instead of asking again soon. */
  wake?: WakeRef;
}

export type SlotAnswer = { granted: true } | { granted: false; retryInMs: number; reason: 'busy' | 'spacing' | 'turn' };

/** How long an organization stays owed a turn after the retry time it was given (a late alarm, a slow pump). */
export const WAITER_GRACE_MS = 1500;
const CRAWL_DELAY_TTL_MS = 24 * 3600_000;
const FORGET_ORG_AFTER_MS = 3600_000;
const JITTER_RATIO = 0.5;

export const emptySlotState = (): SlotState => ({
  holders: [], waiters: [], lastStartByOrg: {}, lastStartAt: 0, nextStartAt: 0, crawlDelayMs: 0, crawlDelayUntil: 0, override: null,
});

/** The effective limit and delay of the subject now. */
export function subjectLimits(s: SlotState, req: Pick<SlotRequest, 'maxConcurrent' | 'minDelayMs'>, now: number) {
  const crawl = s.crawlDelayUntil > now ? s.crawlDelayMs : 0;
  return { limit: s.override?.maxConcurrent ?? req.maxConcurrent, delayMs: Math.max(s.override?.minDelayMs ?? req.minDelayMs, crawl) };
}

/** Drops expired slots (their holders died), waiters that stopped asking, and organizations long idle. */
export function pruned(s: SlotState, now: number): SlotState {
  const lastStartByOrg = Object.fromEntries(Object.entries(s.lastStartByOrg).filter(([, at]) => at > now - FORGET_ORG_AFTER_MS));
  const sleepers = s.sleepers?.filter((x) => x.expiresAt > now);
  return { ...s, holders: s.holders.filter((h) => h.expiresAt > now), waiters: s.waiters.filter((w) => w.expiresAt > now), lastStartByOrg, sleepers };
}

export function decideSlot(before: SlotState, req: SlotRequest, now: number, random: number): { answer: SlotAnswer; state: SlotState } {
  let s = pruned(before, now);
  if (req.crawlDelayMs && req.crawlDelayMs > (s.crawlDelayUntil > now ? s.crawlDelayMs : 0)) {
    s = { ...s, crawlDelayMs: req.crawlDelayMs, crawlDelayUntil: now + CRAWL_DELAY_TTL_MS };
  }
  if (s.holders.some((h) => h.token === req.token)) return { answer: { granted: true }, state: s };
  const { limit, delayMs } = subjectLimits(s, req, now);
  s = { ...s, limit };
  const cap = Math.min(req.orgMaxConcurrent, limit);
  const held = (org: string) => s.holders.filter((h) => h.org === org).length;
  const lastStart = (org: string) => s.lastStartByOrg[org] ?? Number.NEGATIVE_INFINITY;
  const ownReadyAt = lastStart(req.org) + req.orgMinDelayMs;
  const others = s.waiters.filter((w) => w.org !== req.org);
  const refuse = (reason: 'busy' | 'spacing' | 'turn', polled: number, owed: boolean) => {
    // Without a free slot a task that can be woken sleeps in line (the long retry is only the fallback); when
    // the line is full it polls slowly too. Spacing has an exact time: that task asks again then.
    const asleep = reason !== 'spacing' && req.wake;
    const retryInMs = asleep ? WAKE_FALLBACK_MS : polled;
    const expiresAt = now + retryInMs + WAITER_GRACE_MS;
    const sleepers = asleep ? withSleeper(s.sleepers ?? [], req.org, req.wake!, cap, now, expiresAt) ?? s.sleepers : s.sleepers;
    const waiters = owed ? [...others, { org: req.org, cap, readyAt: ownReadyAt, expiresAt }] : others;
    return { answer: { granted: false as const, retryInMs: Math.max(1, Math.round(retryInMs)), reason }, state: { ...s, waiters, sleepers } };
  };
  // Slots are usually released long before they expire; ask again soon (a release in the same run wakes it sooner).
  const busyRetry = () => Math.max(250, Math.min(1000, Math.min(...s.holders.map((h) => h.expiresAt)) - now));

  // At its own cap an organization could not use a slot, so it is owed no turn either.
  if (held(req.org) >= cap) return refuse('busy', busyRetry(), false);
  if (s.holders.length >= limit) return refuse('busy', busyRetry(), true);
  const earliest = Math.max(s.nextStartAt, s.lastStartAt + delayMs, ownReadyAt);
  if (now < earliest) return refuse('spacing', earliest - now, true);
  // Round robin among the organizations waiting and able to start now: fewest slots held first, then the one
  // whose last start is oldest. Another organization's turn keeps this one waiting, not the site idle for long:
  // a turn is owed only while its organization keeps asking.
  const rank = (org: string) => [held(org), lastStart(org), org] as const;
  const mine = rank(req.org);
  const ahead = others.some((w) => {
    if (held(w.org) >= w.cap || w.readyAt > now) return false;
    const theirs = rank(w.org);
    return theirs[0] < mine[0] || (theirs[0] === mine[0] && (theirs[1] < mine[1] || (theirs[1] === mine[1] && theirs[2] < mine[2])));
  });
  if (ahead) return refuse('turn', 250, true);

  const jitter = Math.floor(random * (Math.round(delayMs * JITTER_RATIO) + 1));
  return {
    answer: { granted: true },
    state: {
      ...s, holders: [...s.holders, { token: req.token, org: req.org, expiresAt: now + req.ttlMs }], waiters: others, sleepers: withoutSleeper(s.sleepers, req.wake?.taskId),
      lastStartByOrg: { ...s.lastStartByOrg, [req.org]: now }, lastStartAt: now, nextStartAt: now + delayMs + jitter,
    },
  };
}

export function releaseSlot(s: SlotState, token: string): SlotState {
  return { ...s, holders: s.holders.filter((h) => h.token !== token) };
}

/** Whom to wake for the slots free now (slot-waiters.ts), and the state without them. */
export function wakeForFree(s: SlotState, now: number): { wake: Sleeper[]; state: SlotState } {
  const after = pruned(s, now);
  const free = Math.max(0, (after.override?.maxConcurrent ?? after.limit ?? 0) - after.holders.length);
  return pickWakes(after, free, now);
}

/** A release that frees a slot: the slot, and whom to wake for it. */
export const releaseAndWake = (s: SlotState, token: string, now: number) => wakeForFree(releaseSlot(s, token), now);
