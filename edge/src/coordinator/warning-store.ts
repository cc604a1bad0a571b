/**
 * What a run's warnings are computed from, summed in the coordinator's SQLite as results are applied so they
 * survive an eviction (ADR 0028): unparsed values per field, step and reason (first example kept), and items
 * dropped for an empty required field, per field; pages whose pagination stopped with its control still usable,
 * per step, selector and reason.
 */
import type { AmbiguousField, VisibleDiffers, DroppedItems, FramedAction, PaginationUnfinished, UnparsedValues } from '@trawl/schemas';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS unparsed (field TEXT NOT NULL, step TEXT NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL, example TEXT NOT NULL,
  PRIMARY KEY (field, step, reason));
CREATE TABLE IF NOT EXISTS dropped (field TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS framed (rule INTEGER PRIMARY KEY, what TEXT NOT NULL, frame TEXT NOT NULL, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS pagination (step TEXT NOT NULL, selector TEXT NOT NULL, reason TEXT NOT NULL, n INTEGER NOT NULL,
  PRIMARY KEY (step, selector, reason));
CREATE TABLE IF NOT EXISTS ambiguous (field TEXT PRIMARY KEY, pages INTEGER NOT NULL, most INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS expired (step TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS visible (field TEXT PRIMARY KEY, pages INTEGER NOT NULL, dom TEXT NOT NULL, seen TEXT NOT NULL);
`;

export class WarningStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(SCHEMA);
  }

  add(unparsed: readonly UnparsedValues[] = [], dropped: readonly DroppedItems[] = [], framed: readonly FramedAction[] = [], pagination?: PaginationUnfinished): void {
    for (const f of framed) {
      this.sql.exec('INSERT INTO framed (rule, what, frame, n) VALUES (?, ?, ?, ?) ON CONFLICT (rule) DO UPDATE SET n = n + excluded.n', f.rule, f.do, f.frame, f.count);
    }
    if (pagination) {
      this.sql.exec(`INSERT INTO pagination (step, selector, reason, n) VALUES (?, ?, ?, 1)
        ON CONFLICT (step, selector, reason) DO UPDATE SET n = n + 1`, pagination.step, pagination.selector, pagination.reason);
    }
    for (const u of unparsed) {
      this.sql.exec(`INSERT INTO unparsed (field, step, reason, n, example) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (field, step, reason) DO UPDATE SET n = n + excluded.n`, u.field, u.step, u.reason, u.count, u.example);
    }
    for (const d of dropped) {
      this.sql.exec('INSERT INTO dropped (field, n) VALUES (?, ?) ON CONFLICT (field) DO UPDATE SET n = n + excluded.n', d.field, d.count);
    }
  }

  /** Detail fields with several candidates: pages per field and the most matches one page had. */
  addAmbiguous(list: readonly AmbiguousField[] = []): void {
    for (const a of list) {
      this.sql.exec('INSERT INTO ambiguous (field, pages, most) VALUES (?, 1, ?) ON CONFLICT (field) DO UPDATE SET pages = pages + 1, most = MAX(most, excluded.most)', a.field, a.matches);
    }
  }

  /** Listing pages whose sampled items showed a `text` field's DOM text differing from what is seen, per field (first example kept). */
  addVisible(list: readonly VisibleDiffers[] = []): void {
    for (const v of list) {
      this.sql.exec('INSERT INTO visible (field, pages, dom, seen) VALUES (?, 1, ?, ?) ON CONFLICT (field) DO UPDATE SET pages = pages + 1', v.field, v.dom, v.seen);
    }
  }

  visible(): Array<VisibleDiffers & { pages: number }> {
    return this.sql.exec<{ field: string; pages: number; dom: string; seen: string }>('SELECT field, pages, dom, seen FROM visible ORDER BY rowid').toArray()
      .map((r) => ({ field: r.field, pages: Number(r.pages), dom: r.dom, seen: r.seen }));
  }

  /** A page that failed for good on SESSION_EXPIRED (final attempts only, so the count is pages), per step. */
  addExpired(step: string): void {
    this.sql.exec('INSERT INTO expired (step, n) VALUES (?, 1) ON CONFLICT (step) DO UPDATE SET n = n + 1', step);
  }

  expired(): Array<{ step: string; count: number }> {
    return this.sql.exec<{ step: string; n: number }>('SELECT step, n FROM expired ORDER BY rowid').toArray()
      .map((r) => ({ step: r.step, count: Number(r.n) }));
  }

  ambiguous(): Array<{ field: string; pages: number; most: number }> {
    return this.sql.exec<{ field: string; pages: number; most: number }>('SELECT field, pages, most FROM ambiguous ORDER BY rowid').toArray()
      .map((r) => ({ field: r.field, pages: Number(r.pages), most: Number(r.most) }));
  }

  unparsed(): UnparsedValues[] {
    return this.sql.exec<{ field: string; step: UnparsedValues['step']; reason: UnparsedValues['reason']; n: number; example: string }>(
      'SELECT field, step, reason, n, example FROM unparsed ORDER BY rowid').toArray()
      .map((r) => ({ field: r.field, step: r.step, reason: r.reason, count: Number(r.n), example: r.example }));
  }

  framed(): FramedAction[] {
    return this.sql.exec<{ rule: number; what: string; frame: string; n: number }>('SELECT rule, what, frame, n FROM framed ORDER BY rule').toArray()
      .map((r) => ({ rule: Number(r.rule), do: r.what, frame: r.frame, count: Number(r.n) }));
  }

  dropped(): DroppedItems[] {
    return this.sql.exec<{ field: string; n: number }>('SELECT field, n FROM dropped ORDER BY rowid').toArray()
      .map((r) => ({ field: r.field, count: Number(r.n) }));
  }

  pagination(): Array<PaginationUnfinished & { count: number }> {
    return this.sql.exec<{ step: PaginationUnfinished['step']; selector: string; reason: PaginationUnfinished['reason']; n: number }>(
      'SELECT step, selector, reason, n FROM pagination ORDER BY rowid').toArray()
      .map((r) => ({ step: r.step, selector: r.selector, reason: r.reason, count: Number(r.n) }));
  }
}
