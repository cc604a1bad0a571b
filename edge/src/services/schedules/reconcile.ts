import type { Cron } from 'croner';
import { slotsBetween } from './cron.ts';

export type CatchUp = 'latest' | 'none';
export type Overlap = 'skip' | 'queue' | 'allow';

/** What reconciling needs of a schedule; `cursor` is the last slot (ms) already decided. */
export interface ScheduleState {
  id: string;
  cron: Cron;
  catchUp: CatchUp;
  overlap: Overlap;
  jitterSeconds: number;
  cursor: number;
  /** A slot held back by `overlap: "queue"` until the job's current run ends (at most one waits). */
  queuedSlot: number | null;
}

export type Decision =
  | { slot: number; action: 'start' }
  | { slot: number; action: 'queue' }
  | { slot: number; action: 'skip'; reason: 'missed' | 'overlap' };

/**
 * A slot whose start time is at most this old is on time: a late or missed tick (the trigger runs every minute, and
 * Cloudflare may deliver one late or not at all) still starts it. Older slots are "missed" and follow `catchUp`.
 */
export const GRACE_MS = 5 * 60_000;
/** A schedule that was not reconciled for a long time decides at most this many slots per tick (the rest next tick). */
export const MAX_SLOTS_PER_TICK = 500;

/** A fixed offset in [0, jitterSeconds) per schedule (FNV-1a of its id): the same job always starts at the same offset. */
export function jitterOffsetMs(id: string, jitterSeconds: number): number {
  if (jitterSeconds <= 0) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193) >>> 0;
  return h % (jitterSeconds * 1000);
}

/**
 * Decides every slot due since the schedule's cursor. Pure (the clock is an argument): the caller claims each decided
 * slot in D1 under a unique (schedule, slot) key, so a doubled tick that decides the same slot again starts nothing.
 * `jobActive`: the job has a run queued or running now.
 */
export function reconcile(s: ScheduleState, nowMs: number, jobActive: boolean): { decisions: Decision[]; cursor: number } {
  const offset = jitterOffsetMs(s.id, s.jitterSeconds);
  const due = slotsBetween(s.cron, s.cursor, nowMs - offset, MAX_SLOTS_PER_TICK);
  const decisions: Decision[] = [];
  let active = jobActive;
  if (s.queuedSlot !== null && !active) {
    decisions.push({ slot: s.queuedSlot, action: 'start' });
    active = true;
  }
  let queued = s.queuedSlot !== null && decisions.length === 0;
  const onTime = due.filter((slot) => nowMs - (slot + offset) <= GRACE_MS);
  const missed = due.filter((slot) => nowMs - (slot + offset) > GRACE_MS);
  // Missed slots collapse into their latest, and only when no on-time slot supersedes it in this same tick.
  const latestMissed = s.catchUp === 'latest' && onTime.length === 0 ? missed.at(-1) : undefined;
  for (const slot of due) {
    if (!onTime.includes(slot) && slot !== latestMissed) {
      decisions.push({ slot, action: 'skip', reason: 'missed' });
    } else if (!active || s.overlap === 'allow') {
      decisions.push({ slot, action: 'start' });
      active = true;
    } else if (s.overlap === 'queue' && !queued) {
      decisions.push({ slot, action: 'queue' });
      queued = true;
    } else {
      decisions.push({ slot, action: 'skip', reason: 'overlap' });
    }
  }
  return { decisions, cursor: due.at(-1) ?? s.cursor };
}
