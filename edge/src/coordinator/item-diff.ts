/**
 * The change feed's comparison (ADR 0045): this run's items against the job's previous complete, successful run,
 * by dedupe key. Context fields and fields marked `ignoreForChanges` are left out, whitespace-only differences are
 * no change, and an item is reported removed only where this run saw its page. Pure; change-feed.ts does the I/O.
 */
import type { ChangeLine, ItemData, JobSpec, RunChanges } from '@trawl/schemas';
import { profiledFields } from './drift.ts';

/** One item as a run's snapshot keeps it: its dedupe key, the listing page it came from, and its values. */
export interface SnapshotItem { k: string; p: string; d: ItemData }

/** What this run fetched: listing pages that succeeded, and whether any page failed for good. */
export interface PagesSeen { ok: ReadonlySet<string>; failed: number }

/** The fields the feed compares: listing and detail fields, minus context fields and `ignoreForChanges` ones. */
export function comparedFields(spec: JobSpec): string[] {
  return Object.entries(profiledFields(spec)).filter(([, f]) => f.context === undefined && !f.ignoreForChanges).map(([name]) => name);
}

/** A value with every run of whitespace in its strings made one space and the ends trimmed. */
export function normalized(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\s+/g, ' ').trim();
  if (Array.isArray(v)) return v.map(normalized);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalized(x)]));
  return v;
}

const same = (a: unknown, b: unknown) => JSON.stringify(normalized(a ?? null)) === JSON.stringify(normalized(b ?? null));
const pick = (d: ItemData, fields: readonly string[]) => Object.fromEntries(fields.map((f) => [f, d[f] ?? null]));

export interface Diff { lines: ChangeLine[]; summary: RunChanges }

/**
 * Compares `current` with `previous` (null on the job's first run: every item is added, and listed so its history starts). Removed items whose page
 * this run did not fetch fine are withheld when any page failed; a run with no failed page saw the whole listing.
 */
export function diffItems(previous: ReadonlyMap<string, SnapshotItem> | null, current: Iterable<SnapshotItem>, fields: readonly string[],
  seen: PagesSeen, baselineRunId?: string): Diff {
  const lines: ChangeLine[] = [];
  const left = new Map(previous ?? []);
  for (const it of current) {
    const before = left.get(it.k);
    left.delete(it.k);
    if (!before) {
      lines.push({ change: 'added', key: it.k, before: null, after: pick(it.d, fields), fields: [...fields] });
      continue;
    }
    // A field the item lacks entirely (a detail page that failed this time) was not seen: not a change.
    const changed = fields.filter((f) => f in it.d && !same(before.d[f], it.d[f]));
    if (changed.length) lines.push({ change: 'changed', key: it.k, before: pick(before.d, changed), after: pick(it.d, changed), fields: changed });
  }
  let withheld = 0;
  for (const gone of left.values()) {
    if (seen.failed > 0 && !seen.ok.has(gone.p)) { withheld++; continue; }
    lines.push({ change: 'removed', key: gone.k, before: pick(gone.d, fields), after: null, fields: [...fields] });
  }
  const count = (c: ChangeLine['change']) => lines.filter((l) => l.change === c).length;
  const summary: RunChanges = {
    added: count('added'), changed: count('changed'), removed: count('removed'),
    ...(baselineRunId ? { baselineRunId } : {}),
    ...(withheld ? { removalsWithheld: `${seen.failed} page(s) failed: ${withheld} item(s) of pages not fetched this run are not reported removed` } : {}),
  };
  return { lines, summary };
}

