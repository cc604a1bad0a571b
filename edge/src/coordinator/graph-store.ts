/**
 * The crawl graph in the coordinator's SQLite (ADR 0040), beside the RunStore's tables: which page tasks are
 * navigation-level pages (and of which level), and detail pages whose table rows replace their listing item.
 */
import type { ItemData, RowsSpec } from '@trawl/schemas';

const SCHEMA = 'CREATE TABLE IF NOT EXISTS level_tasks (task_id TEXT PRIMARY KEY, level INTEGER NOT NULL);';

export class GraphStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  /** Marks page tasks as pages of a level (a task id not in the tasks table, a URL already known, is skipped). */
  mark(taskIds: readonly string[], level: number): void {
    for (const id of taskIds) {
      if (this.sql.exec('SELECT 1 FROM tasks WHERE task_id = ?', id).toArray().length) {
        this.sql.exec('INSERT OR IGNORE INTO level_tasks (task_id, level) VALUES (?, ?)', id, level);
      }
    }
  }

  levelOf(taskId: string): number | null {
    const row = this.sql.exec<{ level: number }>('SELECT level FROM level_tasks WHERE task_id = ?', taskId).toArray()[0];
    return row ? Number(row.level) : null;
  }

  countAt(level: number): number {
    return Number(this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM level_tasks WHERE level = ?', level).one().n);
  }

  /**
   * Replaces every listing item linked to a detail URL by one record per table row: the row's fields, the detail
   * page's own, and the item's inherited ones. The rows keep the item's place in the results (between it and the
   * next item) and its key with "#n". Returns [records written, rows left out for maxItems].
   */
  expandRows(url: string, rows: readonly ItemData[], spec: RowsSpec, maxItems: number): [number, number] {
    let written = 0;
    let skipped = 0;
    const keys = this.sql.exec<{ item_key: string }>('SELECT item_key FROM detail_links WHERE url = ?', url).toArray();
    for (const { item_key: key } of keys) {
      const item = this.sql.exec<{ task_seq: number; idx: number; url: string; data: string }>('SELECT task_seq, idx, url, data FROM items WHERE key = ?', key).toArray()[0];
      if (!item || rows.length === 0) continue;
      const listing = JSON.parse(item.data) as ItemData;
      const inherited = spec.inherit ? Object.fromEntries(spec.inherit.map((f) => [f, listing[f] ?? null])) : listing;
      const room = maxItems - Number(this.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM items').one().n) + 1;
      const kept = rows.slice(0, Math.max(1, room));
      skipped += rows.length - kept.length;
      this.sql.exec('DELETE FROM items WHERE key = ?', key);
      kept.forEach((row, n) => {
        this.sql.exec('INSERT OR REPLACE INTO items (key, task_seq, idx, url, data) VALUES (?, ?, ?, ?, ?)',
          `${key}#${n + 1}`, item.task_seq, Number(item.idx) + (n + 1) / (kept.length + 1), item.url, JSON.stringify({ ...inherited, ...row }));
        written++;
      });
    }
    return [written, skipped];
  }
}
