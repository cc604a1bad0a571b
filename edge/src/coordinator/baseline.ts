/**
 * A run against the job's previous successful run (ADR 0028) and its last preview (ADR 0031): far fewer items, or a
 * field that used to be filled and now mostly is not, usually means the site changed under the selectors while every
 * page still "worked" (or, against the preview, that loading stopped early).
 */
import type { FieldStats, FillRates, ItemData, RunWarning } from '@trawl/schemas';

export interface RunShape { items: number; fillRates: FillRates }

/** Fewer than this share of the previous run's items is FEWER_ITEMS. */
export const FEWER_ITEMS_RATIO = 0.5;
/** A fill rate this many points (0-1) below the previous run's is FILL_RATE_DROP. */
export const FILL_RATE_DROP = 0.3;
/** Below this many items a run is too small to compare rates or counts against. */
export const MIN_ITEMS = 3;

export function baselineWarnings(current: RunShape, previous: RunShape | null): RunWarning[] {
  return compare(current, previous, "the job's previous successful run", {});
}

/**
 * The same comparison against the job's last listing preview (ADR 0031): a preview ran one page, so the run's items
 * are taken per listing page; the warnings carry `reason: "preview"`.
 */
export function previewWarnings(current: RunShape, listingPages: number, preview: RunShape | null): RunWarning[] {
  if (listingPages < 1) return [];
  const perPage = Math.round((current.items / listingPages) * 10) / 10;
  return compare({ items: perPage, fillRates: current.fillRates }, preview, "the job's last preview (items per page)", { reason: 'preview' });
}

function compare(current: RunShape, previous: RunShape | null, against: string, extra: Pick<RunWarning, 'reason'>): RunWarning[] {
  if (!previous || previous.items < MIN_ITEMS) return [];
  const out: RunWarning[] = [];
  if (current.items < previous.items * FEWER_ITEMS_RATIO) {
    out.push({ code: 'FEWER_ITEMS', count: Math.round(current.items), previous: previous.items, ...extra,
      message: `${current.items} item(s), far fewer than the ${previous.items} of ${against}` });
  }
  if (current.items === 0) return out;
  for (const [field, before] of Object.entries(previous.fillRates)) {
    const now = current.fillRates[field];
    if (now === undefined || before - now < FILL_RATE_DROP) continue;
    out.push({ code: 'FILL_RATE_DROP', field, rate: now, previous: before, ...extra,
      message: `${field} filled in ${pct(now)} of items, down from ${pct(before)} in ${against}` });
  }
  return out;
}

/**
 * Counts, per field, the items whose value is present (not null, not an empty string or list), and for the drift
 * guard (drift.ts, ADR 0045) the filled values' types, distinct values (up to DISTINCT_CAP) and numeric range.
 */
export class FillCounter {
  private readonly filled = new Map<string, number>();
  private readonly profiles = new Map<string, { types: Record<string, number>; values: Set<string>; min: number | null; max: number | null }>();
  private items = 0;

  constructor(private readonly fields: readonly string[]) {}

  add(item: ItemData): void {
    this.items++;
    for (const f of this.fields) {
      const v = item[f];
      if (!present(v)) continue;
      this.filled.set(f, (this.filled.get(f) ?? 0) + 1);
      const p = this.profiles.get(f) ?? { types: {}, values: new Set<string>(), min: null, max: null };
      const type = Array.isArray(v) ? 'list' : typeof v;
      p.types[type] = (p.types[type] ?? 0) + 1;
      if (p.values.size < DISTINCT_CAP) p.values.add(JSON.stringify(v));
      if (typeof v === 'number' && Number.isFinite(v)) {
        p.min = p.min === null ? v : Math.min(p.min, v);
        p.max = p.max === null ? v : Math.max(p.max, v);
      }
      this.profiles.set(f, p);
    }
  }

  rates(): FillRates {
    if (this.items === 0) return {};
    return Object.fromEntries(this.fields.map((f) => [f, round((this.filled.get(f) ?? 0) / this.items)]));
  }

  /** Per field: items, filled, type mix, distinct values and numeric range (the spec and selector are the caller's). */
  stats(): Record<string, Omit<FieldStats, 'spec' | 'selector'>> {
    return Object.fromEntries(this.fields.map((f) => {
      const p = this.profiles.get(f);
      return [f, { items: this.items, filled: this.filled.get(f) ?? 0, types: p?.types ?? {}, distinct: p?.values.size ?? 0, min: p?.min ?? null, max: p?.max ?? null }];
    }));
  }
}

/** Distinct values are counted up to this many: enough to tell "all the same" from "all different". */
export const DISTINCT_CAP = 1000;

const present = (v: unknown): boolean => v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0);
const round = (x: number) => Math.round(x * 1000) / 1000;
const pct = (x: number) => `${Math.round(x * 100)}%`;
