/** The RunCoordinator's own SQLite: tasks (the frontier), items, events and the run's meta row. */
import type { BlockedRequest, EgressPolicy, Failure, FillRates, ItemData, JobSpec, RunEvent, RunEventInput, RunStatus, RunWarning } from '@trawl/schemas';
import { fillEmpty } from '@trawl/engine/keys';
import type { TaskRow, TaskStatus } from './machine.ts';
import type { Politeness } from './politeness.ts';
import type { SiteState } from './site-backoff.ts';
import type { NoticeStore, PendingNotices } from './end-notices.ts';

export interface RunMeta {
  runId: string;
  orgId: string;
  jobId: string;
  spec: JobSpec;
  status: RunStatus;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  deadline: number;
  edgeUrl: string;
  policy?: EgressPolicy;
  politeness?: Politeness;
  error: Failure | null;
  retries: number;
  items: number;
  /** Set once results, logs and the D1 row are written after the run ended. */
  persisted: boolean;
  cancelRequested: boolean;
  /** Sites that asked the run to slow down (429, 503 with Retry-After), by site: site-backoff.ts. */
  sites?: Record<string, SiteState>;
  /** Set when the run ends (ADR 0028): its warnings, including those against the job's previous run, and its fill rates. */
  warnings?: RunWarning[];
  fillRates?: FillRates;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL UNIQUE, url TEXT NOT NULL, depth INTEGER NOT NULL,
  status TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0, failures INTEGER NOT NULL DEFAULT 0,
  lease_token TEXT, lease_deadline INTEGER, not_before INTEGER NOT NULL DEFAULT 0, error TEXT,
  kind TEXT NOT NULL DEFAULT 'page', UNIQUE (url, kind));
CREATE INDEX IF NOT EXISTS tasks_status ON tasks(status);
CREATE TABLE IF NOT EXISTS items (key TEXT PRIMARY KEY, task_seq INTEGER NOT NULL, idx INTEGER NOT NULL, url TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS items_order ON items(task_seq, idx);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY AUTOINCREMENT, ts INTEGER NOT NULL, body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS blocked (seq INTEGER PRIMARY KEY AUTOINCREMENT, task_id TEXT NOT NULL, attempt INTEGER NOT NULL, ts INTEGER NOT NULL, body TEXT NOT NULL);
`;

type Row = Record<string, SqlStorageValue>;

export class RunStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
    // A run started before tasks had a kind keeps its URL-unique table; it gains the column (and the old keying).
    if (!sql.exec<{ name: string }>('PRAGMA table_info(tasks)').toArray().some((c) => c.name === 'kind')) {
      sql.exec("ALTER TABLE tasks ADD COLUMN kind TEXT NOT NULL DEFAULT 'page'");
    }
  }

  getMeta(): RunMeta | null {
    return this.#metaValue<RunMeta>('run');
  }

  putMeta(meta: RunMeta): void {
    this.#putMetaValue('run', meta);
  }

  /** The run's end notifications still to send (end-notices.ts, ADR 0066): a meta row beside the run's own. */
  readonly endNotices: NoticeStore = {
    get: () => this.#metaValue<PendingNotices>('end-notices'),
    put: (p) => this.#putMetaValue('end-notices', p),
    clear: () => void this.sql.exec('DELETE FROM meta WHERE k = ?', 'end-notices'),
  };

  #metaValue<T>(k: string): T | null {
    const row = this.sql.exec<{ v: string }>('SELECT v FROM meta WHERE k = ?', k).toArray()[0];
    return row ? (JSON.parse(row.v) as T) : null;
  }

  #putMetaValue(k: string, v: unknown): void {
    this.sql.exec('INSERT OR REPLACE INTO meta (k, v) VALUES (?, ?)', k, JSON.stringify(v));
  }

  /**
   * Adds URLs to the frontier, keyed by URL and kind: a listing page and a detail page at the same URL are two
   * tasks (ADR 0027). A URL already in it as that kind is skipped. Returns how many were new.
   */
  addTasks(entries: Array<{ taskId: string; url: string; depth: number }>, now: number, kind: 'page' | 'detail' = 'page'): number {
    let added = 0;
    for (const e of entries) {
      added += this.sql.exec('INSERT OR IGNORE INTO tasks (task_id, url, depth, status, not_before, kind) VALUES (?, ?, ?, ?, ?, ?)',
        e.taskId, e.url, e.depth, 'pending', now, kind).rowsWritten > 0 ? 1 : 0;
    }
    return added;
  }

  /** Listing pages in the frontier (what maxPages bounds). */
  pageCount(): number {
    return Number(this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tasks WHERE kind = 'page'").one().n);
  }

  hasPage(url: string): boolean {
    return this.sql.exec("SELECT 1 FROM tasks WHERE url = ? AND kind = 'page'", url).toArray().length > 0;
  }

  getTask(taskId: string): TaskRow | null {
    const row = this.sql.exec<Row>('SELECT * FROM tasks WHERE task_id = ?', taskId).toArray()[0];
    return row ? toTask(row) : null;
  }

  liveTasks(): TaskRow[] {
    return this.sql.exec<Row>("SELECT * FROM tasks WHERE status IN ('pending','queued','running')").toArray().map(toTask);
  }

  statusCounts(): Record<TaskStatus, number> {
    const out: Record<TaskStatus, number> = { pending: 0, queued: 0, running: 0, succeeded: 0, failed: 0 };
    for (const r of this.sql.exec<{ status: TaskStatus; n: number }>('SELECT status, COUNT(*) AS n FROM tasks GROUP BY status')) {
      out[r.status] = Number(r.n);
    }
    return out;
  }

  firstError(): Failure | null {
    const row = this.sql.exec<{ error: string }>("SELECT error FROM tasks WHERE status = 'failed' AND error IS NOT NULL ORDER BY seq LIMIT 1").toArray()[0];
    return row ? (JSON.parse(row.error) as Failure) : null;
  }

  updateTask(t: TaskRow): void {
    this.sql.exec('UPDATE tasks SET status = ?, attempt = ?, failures = ?, lease_token = ?, lease_deadline = ?, not_before = ?, error = ? WHERE task_id = ?',
      t.status, t.attempt, t.failures, t.leaseToken, t.leaseDeadline, t.notBefore, t.error ? JSON.stringify(t.error) : null, t.taskId);
  }

  /**
   * Inserts items by key. A key already stored keeps its place in the results and, per `keep` (the job's dedupeKeep,
   * ADR 0033): `first` leaves it as it is, `last` takes the repeat's values (fields only the stored one has, such as
   * merged detail fields, stay), `merge` fills its empty fields from the repeat. Each is idempotent. Returns how many were new.
   */
  addItems(taskSeq: number, url: string, items: Array<{ key: string; data: ItemData }>, limit: number, keep: JobSpec['dedupeKeep'] = 'first'): number {
    let added = 0;
    let total = this.itemCount();
    for (const [idx, it] of items.entries()) {
      const stored = keep === 'first' ? undefined : this.sql.exec<{ data: string }>('SELECT data FROM items WHERE key = ?', it.key).toArray()[0];
      if (stored) {
        const old = JSON.parse(stored.data) as ItemData;
        const next = JSON.stringify(keep === 'last' ? { ...old, ...it.data } : fillEmpty(old, it.data));
        if (next !== stored.data) this.sql.exec('UPDATE items SET data = ? WHERE key = ?', next, it.key);
        continue;
      }
      if (total >= limit) break;
      const n = this.sql.exec('INSERT OR IGNORE INTO items (key, task_seq, idx, url, data) VALUES (?, ?, ?, ?, ?)',
        it.key, taskSeq, idx, url, JSON.stringify(it.data)).rowsWritten;
      if (n > 0) { added++; total++; }
    }
    return added;
  }

  itemCount(): number {
    return Number(this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM items').one().n);
  }

  /** Items in page order, a page at a time (for writing results without holding them all). */
  *itemPages(pageSize = 1000): Generator<Array<{ key: string; data: string; url: string }>> {
    let after = { seq: -1, idx: -1 };
    for (;;) {
      const rows = this.sql.exec<{ key: string; data: string; url: string; task_seq: number; idx: number }>(
        'SELECT key, data, url, task_seq, idx FROM items WHERE (task_seq, idx) > (?, ?) ORDER BY task_seq, idx LIMIT ?',
        after.seq, after.idx, pageSize).toArray();
      if (rows.length === 0) return;
      const last = rows[rows.length - 1]!;
      after = { seq: Number(last.task_seq), idx: Number(last.idx) };
      yield rows.map((r) => ({ key: r.key, data: r.data, url: r.url }));
    }
  }

  /** Listing pages fetched fine, and how many pages failed for good: where the change feed may count removals. */
  pageOutcomes(): { ok: Set<string>; failed: number } {
    const ok = this.sql.exec<{ url: string }>("SELECT url FROM tasks WHERE kind = 'page' AND status = 'succeeded'").toArray().map((r) => r.url);
    return { ok: new Set(ok), failed: this.statusCounts().failed };
  }

  appendEvent(e: RunEventInput, now: number): RunEvent {
    const ts = e.ts ?? now;
    const body = { ...e, level: e.level ?? 'info', ts };
    const { seq } = this.sql.exec<{ seq: number }>('INSERT INTO events (ts, body) VALUES (?, ?) RETURNING seq', ts, JSON.stringify(body)).one();
    return { ...body, seq: Number(seq) } as RunEvent;
  }

  eventsAfter(seq: number, limit: number): RunEvent[] {
    return this.sql.exec<{ seq: number; body: string }>('SELECT seq, body FROM events WHERE seq > ? ORDER BY seq LIMIT ?', seq, limit)
      .toArray().map((r) => ({ ...(JSON.parse(r.body) as Omit<RunEvent, 'seq'>), seq: Number(r.seq) }));
  }

  /** Requests the fleet's egress proxy refused, per attempt, capped per run so a hostile page cannot fill storage. */
  addBlocked(taskId: string, attempt: number, entries: BlockedRequest[], now: number, cap = 1000): number {
    let room = cap - Number(this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM blocked').one().n);
    let added = 0;
    for (const e of entries) {
      if (room-- <= 0) break;
      this.sql.exec('INSERT INTO blocked (task_id, attempt, ts, body) VALUES (?, ?, ?, ?)', taskId, attempt, now, JSON.stringify(e));
      added++;
    }
    return added;
  }

  blockedRequests(limit: number): Array<BlockedRequest & { taskId: string; attempt: number; ts: number }> {
    return this.sql.exec<{ task_id: string; attempt: number; ts: number; body: string }>('SELECT task_id, attempt, ts, body FROM blocked ORDER BY seq LIMIT ?', limit)
      .toArray().map((r) => ({ ...(JSON.parse(r.body) as BlockedRequest), taskId: r.task_id, attempt: Number(r.attempt), ts: Number(r.ts) }));
  }
}

function toTask(r: Row): TaskRow {
  return {
    taskId: String(r.task_id), seq: Number(r.seq), url: String(r.url), depth: Number(r.depth),
    status: r.status as TaskStatus, attempt: Number(r.attempt), failures: Number(r.failures),
    leaseToken: r.lease_token === null ? null : String(r.lease_token),
    leaseDeadline: r.lease_deadline === null ? null : Number(r.lease_deadline),
    notBefore: Number(r.not_before), error: r.error ? (JSON.parse(String(r.error)) as Failure) : null,
  };
}
