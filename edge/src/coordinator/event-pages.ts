/**
 * A run's event history read a page at a time (issue #15 §3). A WebSocket subscriber that joins late gets every
 * event after its cursor, then live ones: the whole history is paged through, not its first page only (a late
 * subscriber of a long run used to get the oldest 5,000 events and silently miss the rest).
 */

/** Events read from SQLite per page: bounded memory per read, whatever the history's length. */
export const EVENT_PAGE_SIZE = 5000;

/**
 * Every event after `after`, in order, read through `read` a page at a time. The Durable Object calls it without
 * awaiting anything in between, so no live event can be appended mid-way: no gap, no duplicate at the seam.
 */
export function* eventsAfterAll<T extends { seq: number }>(read: (after: number, limit: number) => T[], after: number, pageSize = EVENT_PAGE_SIZE): Generator<T> {
  let cursor = after;
  for (;;) {
    const page = read(cursor, pageSize);
    yield* page;
    const last = page.at(-1);
    if (page.length < pageSize || !last) return;
    cursor = last.seq;
  }
}

/** The page size: a test stack lowers it (EVENT_PAGE_SIZE) so a short run's history spans many pages. */
export function pageSizeOf(env: { EVENT_PAGE_SIZE?: string }): number {
  const n = Number(env.EVENT_PAGE_SIZE);
  return Number.isInteger(n) && n >= 1 && n <= EVENT_PAGE_SIZE ? n : EVENT_PAGE_SIZE;
}
