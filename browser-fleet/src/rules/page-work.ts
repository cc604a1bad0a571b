import { errors, type Page } from 'playwright-core';
import { TrawlError, type AmbiguousField, type Discovered, type DroppedItems, type FramedAction, type ItemData, type PaginationUnfinished, type Task, type UnparsedValues, type VisibleDiffers } from '@trawl/schemas';
import { tableRowsInPage } from '@trawl/engine';
import { evaluateFunction } from '../page-function.ts';
import { visibleDiffersOf } from '../visible-check.ts';
import { runRules } from './actions.ts';
import { countItems, extractionTarget, type Target } from './extract.ts';
import { NetworkTracker } from './network.ts';
import { collectSignals } from './page-signals.ts';
import { collectAll } from './paginate.ts';
import { classifyPage } from './soft-failure.ts';
import { StepLog } from './step-log.ts';
import type { PageTools } from './tools.ts';
import { waitAttached } from './wait-attached.ts';

export interface PageOutcome {
  items: ItemData[];
  discovered: Discovered[];
  /** Values the number, currency or date steps could not read (reported with the result, see ADR 0026). */
  unparsed: UnparsedValues[];
  /** Items left out for an empty required field, per field (the run's ITEMS_DROPPED warning, ADR 0028). */
  dropped: DroppedItems[];
  /** Steps whose element was only inside an iframe they do not name (ACTION_IN_FRAME, ADR 0038). */
  framed: FramedAction[];
  /** In-task pagination that stopped on a limit with its control still usable (PAGINATION_UNFINISHED). */
  paginationUnfinished?: PaginationUnfinished;
  /** A detail page's fields whose selector matched several elements (DETAIL_AMBIGUOUS, #12 §7). */
  ambiguous?: AmbiguousField[];
  /** A listing page's `text` fields whose DOM text differs from what is seen on its first items (VISIBLE_TEXT_DIFFERS). */
  visibleDiffers?: VisibleDiffers[];
}

/**
 * Everything after a page has loaded: the spec's rules, the wait for items, extraction (with in-task pagination
 * or panels), the look-alike-success checks, and the pages and detail links it leads to. Throws TrawlErrors with
 * the code to record; a soft failure carries `soft` so the coordinator counts it apart.
 */
export async function workPage(page: Page, task: Task, tools: PageTools): Promise<PageOutcome> {
  const { spec } = task;
  const tracker = new NetworkTracker(page);
  try {
    let framed: FramedAction[] = [];
    if (spec.actions.length) {
      await tools.enter('actions');
      framed = await runRules(page, spec.actions, tools, tracker);
    }
    await tools.enter('wait');
    const target = await extractionTarget(page, spec, tools);
    const selector = spec.wait.selector ?? (spec.wait.forItems ? spec.itemSelector : undefined);
    if (selector) {
      const t = performance.now();
      try {
        const timeout = tools.budget(spec.wait.timeoutMs);
        // A traced attempt waits through Playwright, so the trace shows the wait with its locator (wait-attached.ts).
        await tools.race(spec.artifacts.trace === 'off'
          ? waitAttached(target, selector, timeout)
          : target.waitForSelector(selector, { state: 'attached', timeout }).then(() => undefined));
        const ms = tools.lap('waitMs', t);
        tools.emit('page.waited', `waited for ${selector} ${ms} ms`, { selector, ms });
      } catch (error) {
        // Waiting for the items themselves is not a rule of its own: when they never come the page is empty,
        // which extraction reports (EXTRACTION_EMPTY, or success with allowEmpty). An explicit wait.selector fails.
        if (spec.wait.selector || tools.deadlineBound() || !(error instanceof errors.TimeoutError)) throw error;
        const ms = tools.lap('waitMs', t);
        tools.emit('page.waited', `no element matched ${selector} within ${ms} ms`, { selector, ms, matched: false }, 'warn');
      }
    }

    await tools.enter('extract');
    const t = performance.now();
    const steps = new StepLog(tools);
    const extraction = await collectAll(target, spec, tools, tracker, steps);
    const extractMs = tools.lap('extractMs', t);
    tools.emit('items.extracted', `extracted ${extraction.items.length} items`, {
      count: extraction.items.length, matched: extraction.matched, incomplete: extraction.incomplete.length, ms: extractMs,
      ...(extraction.incomplete.length ? { firstIncomplete: extraction.incomplete.slice(0, 5) } : {}),
      ...(extraction.unparsed.length ? { unparsed: extraction.unparsed.slice(0, 10) } : {}),
    });

    if (spec.softFailures) {
      const found = extraction.items.length > 0;
      const soft = classifyPage(await tools.race(evaluateFunction(page, collectSignals, !found)), found);
      if (soft) throw new TrawlError(soft.code, soft.message, { soft: true, kind: soft.kind });
    }
    if (extraction.items.length === 0 && extraction.incomplete.length > 0) {
      const missing = [...new Set(extraction.incomplete.flatMap((x) => x.missing))].join(', ');
      const field = extraction.incomplete[0]?.missing[0];
      throw new TrawlError('EXTRACTION_EMPTY', `${extraction.incomplete.length} item(s) matched but required fields came out empty: ${missing}`, { soft: true, kind: 'empty-fields', field });
    }
    if (extraction.items.length === 0 && !spec.allowEmpty) {
      throw new TrawlError('EXTRACTION_EMPTY', `no items matched ${spec.itemSelector} (${extraction.matched} matched before visibility and required-field checks)`);
    }
    const items = spec.rows ? await rowsOf(target, spec.rows, extraction.items[0] ?? {}, tools) : extraction.items;
    // A navigation level's items are its links: they lead to pages, they are not records.
    return { items: spec.follow ? [] : items, discovered: discoveredOf(task, items, extraction.nextUrl, page.url()), unparsed: extraction.unparsed,
      dropped: droppedOf(extraction.incomplete), framed, paginationUnfinished: steps.unfinished(),
      ...(task.kind === 'detail' && !spec.rows ? { ambiguous: await ambiguousOf(target, spec, tools) } : {}),
      // A sample of a listing's items, read both ways; the check only informs, so its own failure never fails the page.
      ...(task.kind !== 'detail' && !spec.follow && items.length ? { visibleDiffers: await tools.race(visibleDiffersOf(page, spec)).catch(() => []) } : {}) };
  } finally {
    tracker.dispose();
  }
}

export function discoveredOf(task: Task, items: ItemData[], next: string | null, finalUrl: string): Discovered[] {
  const out: Discovered[] = [];
  if (next && /^https?:/.test(next) && next !== finalUrl) out.push({ url: next, kind: 'page' });
  const follow = task.spec.follow;
  if (follow) {
    const links = items.map((it) => it.url).filter((u): u is string => typeof u === 'string' && /^https?:\/\//.test(u));
    for (const url of follow.all ? links : links.slice(0, 1)) out.push({ url, kind: 'link' });
  }
  const field = task.spec.detail?.urlField;
  if (field) {
    items.forEach((it, item) => {
      const url = it[field];
      if (typeof url === 'string' && /^https?:\/\//.test(url)) out.push({ url, kind: 'detail', item });
    });
  }
  return out;
}

/**
 * A detail page's table, one record per row, each with the page's own fields. No table, no rows or a header the
 * table lacks fails the task: a record set read by cell position, or silently empty, would be wrong data.
 */
async function rowsOf(target: Target, rows: NonNullable<Task['spec']['rows']>, own: ItemData, tools: PageTools): Promise<ItemData[]> {
  const read = await tools.race(evaluateFunction(target, tableRowsInPage, { table: rows.table, columns: rows.columns }));
  if (!read.found) throw new TrawlError('EXTRACTION_EMPTY', `no table matched ${rows.table}`, { field: Object.keys(rows.columns)[0] });
  if (read.missing.length) {
    const field = Object.entries(rows.columns).find(([, h]) => read.missing.includes(h))?.[0];
    throw new TrawlError('EXTRACTION_EMPTY', `the table ${rows.table} has no column headed ${read.missing.map((h) => `"${h}"`).join(', ')}`, { field });
  }
  if (!read.rows.length) throw new TrawlError('EXTRACTION_EMPTY', `the table ${rows.table} has no rows under its header`);
  return read.rows.map((r) => ({ ...own, ...r }));
}

/**
 * A detail page is one item, so a single-valued field takes the first of its matches: several (a variants table's
 * rows, a price per size) mean the record holds one candidate among many, which the run reports. Top-level fields
 * read from an element only; labels, constants and computed fields have no candidates to count.
 */
async function ambiguousOf(target: Target, spec: Task['spec'], tools: PageTools): Promise<AmbiguousField[]> {
  const out: AmbiguousField[] = [];
  for (const [field, f] of Object.entries(spec.fields)) {
    if (!f.selector || f.all || f.label || f.context || f.compute !== undefined || f.const !== undefined) continue;
    const matches = await countItems(target, { ...spec, itemSelector: f.selector, itemExclude: undefined }, tools);
    if (matches > 1) out.push({ field, matches });
  }
  return out;
}

/** Dropped items counted per missing field. */
export function droppedOf(incomplete: ReadonlyArray<{ missing: string[] }>): DroppedItems[] {
  const by = new Map<string, number>();
  for (const x of incomplete) for (const f of x.missing) by.set(f, (by.get(f) ?? 0) + 1);
  return [...by].slice(0, 200).map(([field, count]) => ({ field, count }));
}
