/**
 * Detail pages in the coordinator's SQLite, beside the RunStore's tables: which tasks are detail tasks, which
 * listing items each detail URL belongs to (several items may share one page), and counters the run reports.
 */
import type { ItemData } from '@trawl/schemas';
import { mergeDetail } from './machine.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS detail_tasks (task_id TEXT PRIMARY KEY);
CREATE TABLE IF NOT EXISTS detail_links (url TEXT NOT NULL, item_key TEXT NOT NULL, PRIMARY KEY (url, item_key));
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL);
`;

export class DetailStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** Queues a detail task per new URL and links every item to its URL. Returns how many tasks were new. */
  addDetails(entries: Array<{ taskId: string; url: string; depth: number; itemKey: string }>, now: number): number {
    let added = 0;
    for (const e of entries) {
      this.sql.exec('INSERT OR IGNORE INTO detail_links (url, item_key) VALUES (?, ?)', e.url, e.itemKey);
      const fresh = this.sql.exec('INSERT OR IGNORE INTO tasks (task_id, url, depth, status, not_before, kind) VALUES (?, ?, ?, ?, ?, ?)',
        e.taskId, e.url, e.depth, 'pending', now, 'detail').rowsWritten > 0;
      if (fresh) {
        this.sql.exec('INSERT INTO detail_tasks (task_id) VALUES (?)', e.taskId);
        added++;
      }
    }
    return added;
  }

  detailCount(): number {
    return Number(this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM detail_tasks').one().n);
  }

  /** Listing pages (not detail pages) that succeeded: what items per page are counted over. */
  listingPagesSucceeded(): number {
    return Number(this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tasks WHERE status = 'succeeded' AND kind != 'detail'").one().n);
  }

  isDetail(taskId: string): boolean {
    return this.sql.exec('SELECT 1 FROM detail_tasks WHERE task_id = ?', taskId).toArray().length > 0;
  }

  /** Whether an item with this key was stored (items beyond maxItems were not, and get no detail task). */
  hasItem(key: string): boolean {
    return this.sql.exec('SELECT 1 FROM items WHERE key = ?', key).toArray().length > 0;
  }

  /** Merges a detail page's fields into every item linked to its URL; returns how many items changed. */
  mergeInto(url: string, detail: ItemData | undefined): number {
    let merged = 0;
    const keys = this.sql.exec<{ item_key: string }>('SELECT item_key FROM detail_links WHERE url = ?', url).toArray();
    for (const { item_key: key } of keys) {
      const row = this.sql.exec<{ data: string }>('SELECT data FROM items WHERE key = ?', key).toArray()[0];
      if (!row) continue;
      const next = JSON.stringify(mergeDetail(JSON.parse(row.data) as ItemData, detail));
      if (next !== row.data) {
        this.sql.exec('UPDATE items SET data = ? WHERE key = ?', next, key);
        merged++;
      }
    }
    return merged;
  }

  bump(name: string, by = 1): void {
    if (by === 0) return;
    this.sql.exec('INSERT INTO counters (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = n + excluded.n', name, by);
  }

  counter(name: string): number {
    return Number(this.sql.exec<{ n: number }>('SELECT n FROM counters WHERE name = ?', name).toArray()[0]?.n ?? 0);
  }
}
