/**
 * Two lanes of a run's tasks in flight (ADR 0058). The job's `concurrency` bounds the pages open in a browser;
 * pages that go the fast path (ADR 0049: no browser, a fetch and a DOM parse on the node) are bounded by
 * FAST_FANOUT times as many, so the round trips of one task (queue, offer, start, result: most of a fast task's
 * time) overlap with other tasks' instead of capping the run. Politeness per site and the organization's cap are
 * applied to every task after this (withinSiteLimits, admit), whatever its lane.
 */
import type { TaskRender } from '@trawl/schemas';
import type { RenderChoice } from './render-choice.ts';

/**
 * Fast-path tasks in flight per unit of the job's concurrency. 8, not 4 (ADR 0070): at 4 a run's fast tasks came
 * in waves that the node finished before the coordinator had applied the last wave's results, so node and edge took
 * turns; twice as many keep the node busy while the edge works.
 */
export const FAST_FANOUT = 8;

export type Lane = 'browser' | 'http';

export const laneOf = (mode: TaskRender): Lane => (mode === 'http' || mode === 'http-only' ? 'http' : 'browser');

/**
 * Room left in each lane, given the tasks in flight (their lease tokens) and which leases went the fast way. A job
 * that always renders in the browser has no http lane.
 */
export function laneRoom(render: 'auto' | 'browser' | 'http', inFlightLeases: ReadonlyArray<string | null>, concurrency: number, isFast: (leaseToken: string) => boolean): Record<Lane, number> {
  const fast = render === 'browser' ? 0 : inFlightLeases.filter((l) => l !== null && isFast(l)).length;
  return {
    browser: Math.max(0, concurrency - (inFlightLeases.length - fast)),
    http: render === 'browser' ? 0 : Math.max(0, concurrency * FAST_FANOUT - fast),
  };
}

/** Candidates looked at beyond the rooms' sum when one lane is full: a pump costs O(room), not O(frontier). */
export const SCAN_SLACK = 32;

/**
 * Candidates in order, each taken when its lane has room: `peek` says how a task would render now (pure), `commit`
 * records the choice of a task taken (the ledger's recheck cadence counts it), so the next peek sees it.
 */
export function pickByLane<T>(candidates: readonly T[], room: Record<Lane, number>, peek: (t: T) => RenderChoice, commit: (t: T, c: RenderChoice) => void): Array<{ task: T; render: RenderChoice }> {
  const left = { ...room };
  const out: Array<{ task: T; render: RenderChoice }> = [];
  for (const t of candidates.slice(0, room.browser + room.http + SCAN_SLACK)) {
    if (left.browser <= 0 && left.http <= 0) break;
    const render = peek(t);
    const lane = laneOf(render.mode);
    if (left[lane] <= 0) continue;
    commit(t, render);
    left[lane]--;
    out.push({ task: t, render });
  }
  return out;
}

/** Which dispatches (lease tokens) went the fast way, in the coordinator's SQLite: a lease is one dispatch. */
export class FastLeases {
  constructor(private readonly sql: SqlStorage) {
    sql.exec('CREATE TABLE IF NOT EXISTS fast_leases (lease_token TEXT PRIMARY KEY)');
  }

  add(leaseToken: string): void {
    this.sql.exec('INSERT OR IGNORE INTO fast_leases (lease_token) VALUES (?)', leaseToken);
  }

  has(leaseToken: string): boolean {
    return this.sql.exec('SELECT 1 FROM fast_leases WHERE lease_token = ?', leaseToken).toArray().length > 0;
  }
}
