/**
 * Who to wake when a slot comes free (ADR 0060), as pure functions over a SlotLimiter's state. A task refused a slot
 * (`busy`, `turn`) sleeps in a bounded line here instead of asking again every 250 ms-1 s: N waiting runs used to
 * keep one limiter object and workerd busy with N polls a second. A release wakes as many sleepers as there are
 * free slots, in the round-robin order of slot-decision.ts; a long fallback retry covers a lost wake-up.
 */

/** A task refused a slot, and the run coordinator to tell when one may be free. */
export interface Sleeper { org: string; runId: string; taskId: string; attempt: number; cap: number; since: number; expiresAt: number }
/** What a caller that can be woken sends with its request (absent: it polls at the retry time, as before). */
export interface WakeRef { runId: string; taskId: string; attempt: number }
/** The minimal state the waking reads and writes (a SlotState has it). */
export interface LineState {
  holders: ReadonlyArray<{ org: string }>;
  waiters: ReadonlyArray<{ org: string; expiresAt: number }>;
  lastStartByOrg: Record<string, number>;
  sleepers?: Sleeper[];
}

/** The line's bound per subject: its state is written with every decision, so it must stay small. */
export const MAX_SLEEPERS = 1000;
/**
 * A sleeping task's own retry, only for a wake-up its coordinator never got: the limiter's alarm already hands a slot
 * still free after a wake-up, or freed by a dead holder's expiry, to the next in line. Long, because every sleeping
 * run pays it: 1,000 runs asleep ask ~3 times a second (at 60 s, 17 times: a loaded limiter's whole capacity).
 */
export const WAKE_FALLBACK_MS = 300_000;
/** A woken organization must ask within this time to keep its turn, so a lost wake-up never holds the site idle. */
export const WOKEN_GRACE_MS = 2000;

/** The line with this task in it (once, at its place if already there); null when the line is full. */
export function withSleeper(line: readonly Sleeper[], org: string, wake: WakeRef, cap: number, now: number, expiresAt: number): Sleeper[] | null {
  const at = line.findIndex((s) => s.taskId === wake.taskId);
  if (at >= 0) return line.map((s, i) => (i === at ? { ...s, attempt: wake.attempt, cap, expiresAt } : s));
  if (line.length >= MAX_SLEEPERS) return null;
  return [...line, { org, runId: wake.runId, taskId: wake.taskId, attempt: wake.attempt, cap, since: now, expiresAt }];
}

/**
 * The sleepers to wake now that `free` slots are free, and the state without them: each free slot goes to the
 * organization with the fewest slots (counting those just woken), then the one whose last start is oldest, then by
 * name, as decideSlot ranks them; within an organization the task asleep longest goes first. An organization at its
 * cap here is skipped. The woken organizations, and those with nobody left asleep, stay owed a turn only briefly.
 */
export function pickWakes<S extends LineState>(s: S, free: number, now: number): { wake: Sleeper[]; state: S } {
  let line = (s.sleepers ?? []).filter((x) => x.expiresAt > now);
  const held = new Map<string, number>();
  for (const h of s.holders) held.set(h.org, (held.get(h.org) ?? 0) + 1);
  const wake: Sleeper[] = [];
  for (let n = 0; n < free; n++) {
    let best: Sleeper | null = null;
    for (const x of line) {
      if ((held.get(x.org) ?? 0) >= x.cap) continue;
      if (!best || before(x, best, held, s.lastStartByOrg)) best = x;
    }
    if (!best) break;
    const chosen = best;
    wake.push(chosen);
    held.set(chosen.org, (held.get(chosen.org) ?? 0) + 1);
    line = line.filter((x) => x !== chosen);
  }
  const woken = new Set(wake.map((x) => x.org));
  const asleep = new Set(line.map((x) => x.org));
  const waiters = s.waiters.map((w) => (woken.has(w.org) || !asleep.has(w.org) ? { ...w, expiresAt: Math.min(w.expiresAt, now + WOKEN_GRACE_MS) } : w));
  return { wake, state: { ...s, sleepers: line, waiters } };
}

function before(a: Sleeper, b: Sleeper, held: ReadonlyMap<string, number>, lastStart: Record<string, number>): boolean {
  const rank = (x: Sleeper) => [held.get(x.org) ?? 0, lastStart[x.org] ?? Number.NEGATIVE_INFINITY] as const;
  const [ha, la] = rank(a);
  const [hb, lb] = rank(b);
  if (ha !== hb) return ha < hb;
  if (la !== lb) return la < lb;
  if (a.org !== b.org) return a.org < b.org;
  return a.since < b.since;
}

/** The line without the task that just got its slot. */
export const withoutSleeper = (line: readonly Sleeper[] | undefined, taskId: string | undefined): Sleeper[] =>
  (line ?? []).filter((s) => s.taskId !== taskId);

/** What a line change writes: the sleepers new or changed (by identity: the functions above keep the unchanged), and those gone. */
export function lineChanges(before: readonly Sleeper[], after: readonly Sleeper[]): { put: Sleeper[]; drop: string[] } {
  const old = new Map(before.map((x) => [x.taskId, x]));
  const put = after.filter((x) => old.get(x.taskId) !== x);
  for (const x of after) old.delete(x.taskId);
  return { put, drop: [...old.keys()] };
}

/**
 * When the limiter must look again while tasks sleep: after a wake-up (the woken must have asked by then), and when
 * the first slot held runs out (its holder died without a release). Null: nobody sleeps, nothing to do.
 */
export function nextLookAt(s: { holders: ReadonlyArray<{ expiresAt: number }>; sleepers?: readonly Sleeper[] }, woke: boolean, now: number): number | null {
  if (!s.sleepers?.length) return null;
  const expiry = Math.min(...s.holders.map((h) => h.expiresAt));
  const at = Math.min(expiry, woke ? now + WOKEN_GRACE_MS : Number.POSITIVE_INFINITY);
  return Number.isFinite(at) ? at : null;
}
