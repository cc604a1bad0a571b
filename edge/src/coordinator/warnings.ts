/**
 * A run's warnings from its aggregates (ADR 0028): values the processing steps could not read, items dropped for
 * an empty required field, URLs found but not fetched. Pure, so the table tests pin the codes and counts.
 */
import { ERRORS, type DroppedItems, type FailOnWarnings, type Failure, type FramedAction, type PaginationUnfinished, type RunCounts, type RunWarning, type UnparsedValues } from '@trawl/schemas';

export interface WarningInputs {
  unparsed: readonly UnparsedValues[];
  dropped: readonly DroppedItems[];
  /** Steps whose element was only inside an iframe they do not name; absent in runs from before (ADR 0038). */
  framed?: readonly FramedAction[];
  skipped: RunCounts['skipped'];
  /** Pages whose in-task pagination stopped with its control still usable, counted per step, selector and reason. */
  pagination?: ReadonlyArray<PaginationUnfinished & { count: number }>;
  /** Detail fields whose selector matched several elements, with the pages and the most matches on one (#12 §7). */
  ambiguous?: ReadonlyArray<{ field: string; pages: number; most: number }>;
  /** Pages that failed for good because the site said the session expired, per step (navigate, resume; ADR 0041). */
  expired?: ReadonlyArray<{ step: string; count: number }>;
  /** `text` fields whose DOM text differed from what is seen on sampled listing items, with pages and an example. */
  visible?: ReadonlyArray<{ field: string; pages: number; dom: string; seen: string }>;
  /** Pages a job forced onto the fast path (`render: "http"`) that looked like they need a browser (ADR 0049). */
  renderLost?: number;
}

const STOPS: Record<PaginationUnfinished['reason'], string> = {
  maxClicks: 'at maxClicks', maxPages: 'at maxPages', maxScrolls: 'at maxScrolls while items were still coming',
  noChange: 'because a click changed nothing within settleMs',
  containerNotScrolled: 'scrolling the window, but the items sit in a scrollable container with more below (set pagination.container)',
};

/** Skip reasons that lose data; `duplicate` (a page already in the run) loses nothing, so it is no warning. */
const LOSSY_SKIPS = { maxPages: 'limits.maxPages was reached', maxItems: 'limits.maxItems was reached' } as const;

export function warningsOf(input: WarningInputs): RunWarning[] {
  const out: RunWarning[] = [];
  for (const u of merged(input.unparsed)) {
    // Not a null: a time read as UTC because neither the job nor the step gave a zone (ADR 0038). One per field.
    if (u.reason === 'noZone') {
      out.push({ code: 'DATE_WITHOUT_ZONE', field: u.field, reason: u.step, count: u.count, example: u.example,
        message: `${u.count} value(s) of ${u.field} had a time without a zone and were read as UTC, e.g. "${u.example}"; set the job's timeZone` });
      continue;
    }
    out.push({ code: 'VALUES_UNPARSED', field: u.field, reason: u.step, count: u.count, example: u.example,
      message: `${u.count} value(s) of ${u.field} left null by the ${u.step} step (${u.reason}), e.g. "${u.example}"` });
  }
  for (const f of input.framed ?? []) {
    out.push({ code: 'ACTION_IN_FRAME', reason: `actions.${f.rule}`, count: f.count, example: f.frame,
      message: `${f.count} page(s): rule ${f.rule + 1} (${f.do}) found its element only inside iframe ${f.frame}; give the step "frame": "${f.frame}"` });
  }
  for (const d of sumBy(input.dropped, (x) => x.field)) {
    out.push({ code: 'ITEMS_DROPPED', field: d.key, count: d.count, message: `${d.count} item(s) dropped: required field ${d.key} was empty` });
  }
  for (const [reason, why] of Object.entries(LOSSY_SKIPS) as Array<[keyof typeof LOSSY_SKIPS, string]>) {
    const n = input.skipped[reason];
    if (n > 0) out.push({ code: 'URLS_SKIPPED', reason, count: n, message: `${n} URL(s) found but not fetched: ${why}` });
  }
  for (const p of input.pagination ?? []) {
    const still = p.reason === 'containerNotScrolled' ? `: ${p.selector}` : p.step === 'infiniteScroll' ? '' : ` while ${p.selector} was still visible and enabled`;
    out.push({ code: 'PAGINATION_UNFINISHED', step: p.step, selector: p.selector, reason: p.reason, count: p.count,
      message: `${p.step} stopped ${STOPS[p.reason]}${still} on ${p.count} page(s): items were probably left behind` });
  }
  for (const a of input.ambiguous ?? []) {
    out.push({ code: 'DETAIL_AMBIGUOUS', field: a.field, count: a.pages, reason: 'detail.fields',
      message: `${a.pages} detail page(s): ${a.field} matched up to ${a.most} elements and took the first; narrow its selector, or use detail.rows for one record per row` });
  }
  for (const e of input.expired ?? []) {
    const fix = e.step === 'resume' ? 'the last good page\'s next link was gone when the retry restarted from it' : 'set session.keep so each page keeps the session the previous one left';
    out.push({ code: 'SESSION_EXPIRED', reason: e.step, step: e.step, count: e.count,
      message: `${e.count} page(s) failed for good (final attempts) because the site said the session expired at step ${e.step}: ${fix} (session.keep, ADR 0041)` });
  }
  for (const v of input.visible ?? []) {
    out.push({ code: 'VISIBLE_TEXT_DIFFERS', field: v.field, count: v.pages, example: v.dom,
      message: `${v.pages} page(s): ${v.field}'s DOM text differs from what a person sees on sampled items (e.g. DOM ${JSON.stringify(v.dom)}, seen ${JSON.stringify(v.seen)}); give it "source": "visible" to read what is seen` });
  }
  if (input.renderLost) {
    out.push({ code: 'RENDERED_WITHOUT_BROWSER', reason: 'render.http', count: input.renderLost,
      message: `${input.renderLost} page(s) were read without a browser (render "http") though they run scripts and gave no items: their records are probably missing; use render "auto" or "browser"` });
  }
  return out;
}

/** The failure a run ends with when the job fails on one of its warnings, or null. */
export function warningFailure(warnings: readonly RunWarning[], failOn: FailOnWarnings | undefined): Failure | null {
  if (!failOn) return null;
  const hit = warnings.filter((w) => failOn === true || failOn.includes(w.code));
  if (hit.length === 0) return null;
  const codes = [...new Set(hit.map((w) => w.code))].join(', ');
  return { code: 'RUN_WARNINGS', message: `The run ended with warnings the job fails on: ${codes}`, hint: ERRORS.RUN_WARNINGS.hint };
}

/** Unparsed values summed per field, step and reason; the first example seen is kept. */
function merged(list: readonly UnparsedValues[]): UnparsedValues[] {
  const by = new Map<string, UnparsedValues>();
  for (const u of list) {
    const key = `${u.field}\u0000${u.step}\u0000${u.reason}`;
    const prev = by.get(key);
    by.set(key, prev ? { ...prev, count: prev.count + u.count } : { ...u });
  }
  return [...by.values()];
}

function sumBy<T extends { count: number }>(list: readonly T[], keyOf: (x: T) => string): Array<{ key: string; count: number }> {
  const by = new Map<string, number>();
  for (const x of list) by.set(keyOf(x), (by.get(keyOf(x)) ?? 0) + x.count);
  return [...by].map(([key, count]) => ({ key, count }));
}
