/**
 * The picker's detail test (ADR 0053): which detail pages to open, and the table of what they gave. Pure, so the
 * app and the unit tests share it; the pages themselves run through the preview endpoint (part "detail").
 */

/** How many items' detail pages a detail test opens: enough to see a field that only some pages carry, few enough to wait for. */
export const DETAIL_TEST_PAGES = 3;

/** The first `n` distinct http(s) detail URLs the listing's items hold in `urlField` (items without one are skipped). */
export function detailUrlsOf(items: ReadonlyArray<Record<string, unknown>>, urlField: string, n = DETAIL_TEST_PAGES): string[] {
  const out: string[] = [];
  for (const item of items) {
    const v = item[urlField];
    if (typeof v !== 'string' || !/^https?:\/\//i.test(v) || out.includes(v)) continue;
    out.push(v);
    if (out.length === n) break;
  }
  return out;
}

/** One detail page's outcome: the one item's values, or a failure with its stable error code. */
export type DetailPageOutcome = { url: string; values: Record<string, unknown> } | { url: string; error: { code: string; message: string } };

export interface DetailTestRow { url: string; values: Record<string, string>; error: { code: string; message: string } | null }
export interface DetailTestTable {
  fields: string[];
  rows: DetailTestRow[];
  /** Per field, the share of the opened pages where it was found (non-empty); a failed page counts as not found. */
  fill: Record<string, number>;
  failed: number;
}

const text = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));

/** The detail test's table: per page the fields found (or its failure), and the fill of each field over all pages. */
export function detailTestTable(fields: readonly string[], pages: readonly DetailPageOutcome[]): DetailTestTable {
  const rows: DetailTestRow[] = pages.map((p) => ('error' in p
    ? { url: p.url, values: {}, error: p.error }
    : { url: p.url, values: Object.fromEntries(fields.map((f) => [f, text(p.values[f])])), error: null }));
  const fill: Record<string, number> = {};
  for (const f of fields) fill[f] = rows.length ? rows.filter((r) => r.values[f]?.trim()).length / rows.length : 0;
  return { fields: [...fields], rows, fill, failed: rows.filter((r) => r.error).length };
}
