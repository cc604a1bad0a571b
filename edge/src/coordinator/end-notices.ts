/**
 * End-of-run notifications that survive failure (ADR 0066). Before the run is persisted, its coordinator records
 * the end events still to be notified (`run.finished`/`run.failed`, `run.warnings`) in its own storage; each one
 * sent is cleared at once, and what a failure leaves is tried again by the object's alarm with a growing pause, up
 * to NOTICE_MAX_TRIES failed tries (each logged; the last as an error). Sending an event again records nothing
 * twice: its delivery ids come from (run, event, endpoint) (notify/delivery-id.ts).
 */
import type { Logger } from '../lib/log.ts';
import type { NotificationEvent } from '../notify/emit.ts';

export interface PendingNotices {
  /** Events not notified yet, in order. */
  events: NotificationEvent[];
  /** Failed tries so far. */
  tries: number;
  /** Not before (ms since the epoch); 0: at once. */
  nextAt: number;
}

/** Failed tries before the notices are given up: the pauses add up to about 45 minutes. */
export const NOTICE_MAX_TRIES = 12;
export const NOTICE_FIRST_PAUSE_MS = 2000;
export const NOTICE_MAX_PAUSE_MS = 15 * 60_000;

/** The pause after the `tries`-th failed try: 2 s, doubling, at most 15 minutes. */
export function noticePauseMs(tries: number): number {
  return Math.min(NOTICE_MAX_PAUSE_MS, NOTICE_FIRST_PAUSE_MS * 2 ** Math.max(0, tries - 1));
}

export interface NoticeStore {
  get(): PendingNotices | null;
  put(p: PendingNotices): void;
  clear(): void;
}

/** `done`: nothing left (all sent, or none recorded); `retry`: the rest waits for `at`; `gave-up`: dropped, logged. */
export type NoticeOutcome = { kind: 'done' } | { kind: 'retry'; at: number } | { kind: 'gave-up'; events: NotificationEvent[] };

/**
 * Sends the pending events in order, clearing each once it went out (so a later one's failure never sends it
 * again). Not due yet: only says when. A failure counts a try and keeps the rest for the alarm.
 */
export async function sendNotices(store: NoticeStore, send: (event: NotificationEvent) => Promise<unknown>, now: () => number, log: Logger, runId: string): Promise<NoticeOutcome> {
  const pending = store.get();
  if (!pending || pending.events.length === 0) {
    store.clear();
    return { kind: 'done' };
  }
  if (pending.nextAt > now()) return { kind: 'retry', at: pending.nextAt };
  for (let left = pending.events; left.length > 0; left = left.slice(1)) {
    const event = left[0]!;
    try {
      await send(event);
    } catch (err) {
      const tries = pending.tries + 1;
      if (tries >= NOTICE_MAX_TRIES) {
        store.clear();
        log.error('notifying the run\'s end failed for good; given up', { runId, events: left, tries, err: String(err) });
        return { kind: 'gave-up', events: left };
      }
      const at = now() + noticePauseMs(tries);
      store.put({ events: left, tries, nextAt: at });
      log.warn('notifying the run\'s end failed; the alarm tries again', { runId, event, events: left, tries, retryInMs: at - now(), err: String(err) });
      return { kind: 'retry', at };
    }
    store.put({ ...pending, events: left.slice(1) });
  }
  store.clear();
  return { kind: 'done' };
}
