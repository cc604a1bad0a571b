/**
 * The drift guard (ADR 0045): a field whose fill rate, type mix, distinct values or numeric range breaks sharply
 * against the job's recent good runs usually means the site changed its layout under the selector while every page
 * still "worked". Such a run is suspect: its change notifications wait until someone accepts it or fixes the spec.
 * Pure functions; the D1 reads and writes are change-feed.ts's.
 */
import type { DriftFinding, FieldSpec, FieldStats, JobSpec, RunFieldStats } from '@trawl/schemas';
import { FillCounter, MIN_ITEMS } from './baseline.ts';

/** A field filled in at least this share of items in every baseline run ... */
export const DRIFT_FILLED_BEFORE = 0.8;
/** ... and in at most this share now has broken. */
export const DRIFT_FILLED_NOW = 0.3;
/** One type held at least this share of filled values before, and less than DRIFT_TYPE_NOW now. */
export const DRIFT_TYPE_BEFORE = 0.9;
export const DRIFT_TYPE_NOW = 0.5;
/** Values this varied before (distinct per filled item) that are now all one value. */
export const DRIFT_DISTINCT_BEFORE = 0.5;
/** Numbers beyond this factor of the baseline's range (a price read in cents, a year read as a price). */
export const DRIFT_RANGE_FACTOR = 10;
/** How many of the job's recent good runs make the baseline. */
export const DRIFT_BASELINE_RUNS = 5;

/** The fields a run is profiled on: listing and detail fields, each with its spec (so a changed spec starts afresh). */
export function profiledFields(spec: JobSpec): Record<string, FieldSpec> {
  return { ...spec.fields, ...spec.detail?.fields };
}

export function fieldStatsOf(spec: JobSpec, items: Iterable<Record<string, unknown>>): RunFieldStats {
  const fields = profiledFields(spec);
  const counter = new FillCounter(Object.keys(fields));
  for (const item of items) counter.add(item);
  const stats = counter.stats();
  return Object.fromEntries(Object.entries(fields).filter(([, f]) => f.context === undefined && f.const === undefined)
    .map(([name, f]) => [name, { ...stats[name]!, spec: JSON.stringify(f), selector: f.selector ?? f.label ?? null }]));
}

/** Sharp breaks of the current run's fields against baseline runs that read each field the same way. */
export function driftFindings(current: RunFieldStats, baseline: readonly RunFieldStats[]): DriftFinding[] {
  const out: DriftFinding[] = [];
  for (const [field, now] of Object.entries(current)) {
    const before = baseline.map((b) => b[field]).filter((b): b is FieldStats => b !== undefined && b.spec === now.spec && b.items >= MIN_ITEMS);
    if (before.length === 0 || now.items < MIN_ITEMS) continue;
    const finding = (check: DriftFinding['check'], was: string, is: string, message: string) =>
      out.push({ field, selector: now.selector, check, before: was, now: is, message: `${field}${now.selector ? ` (${now.selector})` : ''}: ${message}` });
    const fillBefore = Math.min(...before.map((b) => b.filled / b.items));
    const fillNow = now.filled / now.items;
    if (fillBefore >= DRIFT_FILLED_BEFORE && fillNow <= DRIFT_FILLED_NOW) {
      finding('fillRate', pct(fillBefore), pct(fillNow), `filled in ${pct(fillNow)} of items, at least ${pct(fillBefore)} in the job's recent good runs`);
      continue;
    }
    if (now.filled < MIN_ITEMS) continue;
    const type = dominantType(before);
    const typeShare = type ? (now.types[type] ?? 0) / now.filled : 1;
    if (type && typeShare < DRIFT_TYPE_NOW) finding('typeMix', type, mainType(now), `mostly ${mainType(now)} values now, ${type} in the job's recent good runs`);
    const variedBefore = before.every((b) => b.filled >= MIN_ITEMS && b.distinct / b.filled >= DRIFT_DISTINCT_BEFORE);
    if (variedBefore && now.distinct === 1) finding('distinct', `${Math.min(...before.map((b) => b.distinct))}+ values`, '1 value', `every item has the same value (${now.filled} items), varied values before`);
    const range = numericBreak(before, now);
    if (range) finding('numericRange', range.before, range.now, `numbers ${range.now}, far outside ${range.before} of the job's recent good runs`);
  }
  return out;
}

function dominantType(runs: readonly FieldStats[]): string | null {
  const filled = runs.reduce((n, r) => n + r.filled, 0);
  if (filled === 0) return null;
  const type = mainType({ types: sumTypes(runs) });
  const share = runs.reduce((n, r) => n + (r.types[type] ?? 0), 0) / filled;
  return share >= DRIFT_TYPE_BEFORE && runs.every((r) => r.filled === 0 || (r.types[type] ?? 0) / r.filled >= DRIFT_TYPE_BEFORE) ? type : null;
}

function sumTypes(runs: readonly FieldStats[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of runs) for (const [t, n] of Object.entries(r.types)) out[t] = (out[t] ?? 0) + n;
  return out;
}

const mainType = (s: Pick<FieldStats, 'types'>): string => Object.entries(s.types).sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'none';

function numericBreak(before: readonly FieldStats[], now: FieldStats): { before: string; now: string } | null {
  const lows = before.map((b) => b.min).filter((v): v is number => v !== null);
  const highs = before.map((b) => b.max).filter((v): v is number => v !== null);
  if (lows.length === 0 || now.min === null || now.max === null) return null;
  const lo = Math.min(...lows);
  const hi = Math.max(...highs);
  const above = hi > 0 && now.min > hi * DRIFT_RANGE_FACTOR;
  const below = lo > 0 && now.max < lo / DRIFT_RANGE_FACTOR;
  return above || below ? { before: `${lo}..${hi}`, now: `${now.min}..${now.max}` } : null;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;
