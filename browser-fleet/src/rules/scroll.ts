import type { FieldSpec, ItemData, TaskSpec } from '@trawl/schemas';
import { mergeUnparsed, type Extraction } from '@trawl/engine';
import { countItems, extractOnce, itemSignature, type Target } from './extract.ts';
import type { InTask, PageCtx } from './paginate.ts';
import { STILL_MS, settle, sleep } from './settle.ts';
import type { StepEnd } from './step-log.ts';
import type { PageTools } from './tools.ts';

type Scroll = InTask<'infiniteScroll'>;
interface Box { top: number; height: number; client: number }
type Move = 'end' | 'page' | 'read';

/**
 * Scrolls the window, or the container `selector` names (any selector syntax), to its end ('end'), down by most of its
 * height ('page'), or not at all ('read'), and answers with where it is. The container is looked up afresh each time.
 */
async function scrollBox(target: Target, selector: string | undefined, how: Move, tools: PageTools): Promise<Box> {
  return tools.race(target.locator(selector ?? ':root').first().evaluate(moveInPage, how, { timeout: tools.budget(5000) }));
}

/** Runs in the page: the root element stands for the document's scrolling element. */
function moveInPage(el: Element, how: Move): Box {
  const box = el === document.documentElement ? (document.scrollingElement ?? el) : el;
  if (how === 'end') box.scrollTop = box.scrollHeight;
  if (how === 'page') box.scrollTop += Math.max(1, Math.floor(box.clientHeight * 0.8));
  return { top: box.scrollTop, height: box.scrollHeight, client: box.clientHeight };
}

/**
 * Scrolls to the end until the height and the items have held still for idleMs with no request in flight (a slow
 * load that lands meanwhile counts), or for 4 × idleMs whatever the network does (pages that poll), or maxScrolls.
 */
export async function scrollToEnd(c: PageCtx, p: Scroll): Promise<void> {
  const { target, spec, tools, log } = c;
  const where = p.container ?? 'window';
  let scrolls = 0;
  let items = await countItems(target, spec, tools);
  let grew = true;
  let reason: StepEnd['reason'] = 'done';
  while (grew) {
    if (scrolls >= p.maxScrolls) {
      reason = 'maxScrolls';
      break;
    }
    const before = { items, height: (await scrollBox(target, p.container, 'end', tools)).height };
    scrolls++;
    const started = Date.now();
    const probe = async () => ({ items: await countItems(target, spec, tools), height: (await scrollBox(target, p.container, 'read', tools)).height });
    grew = await settle(probe, (s, still) => {
      if (s.items > before.items || s.height > before.height) return still.quiet >= Math.min(STILL_MS, p.idleMs) || still.same >= p.idleMs ? true : null;
      return still.quiet >= p.idleMs || Date.now() - started >= p.idleMs * 4 ? false : null;
    }, { ...c, loading: p.loading });
    items = await countItems(target, spec, tools);
    log.step(`scrolled ${where} (${scrolls}): ${items} item(s)`, { step: 'infiniteScroll', action: 'scroll', container: where, scrolls, items });
  }
  // The window was scrolled, but the items may live in a scrollable box of their own that still has more below.
  const box = reason === 'done' && !p.container ? await unscrolledBox(target, spec.itemSelector, tools) : null;
  if (box) {
    log.end({ step: 'infiniteScroll', selector: box, reason: 'containerNotScrolled', controlVisible: true, steps: scrolls, items });
    return;
  }
  // At maxScrolls after a scroll that still brought items, the list had more to give.
  log.end({ step: 'infiniteScroll', selector: where, reason, controlVisible: reason === 'maxScrolls' && grew, steps: scrolls, items });
}

/** The scrollable ancestor of the first item that has more content below (described as #id or tag.class), or null. */
async function unscrolledBox(target: Target, itemSelector: string, tools: PageTools): Promise<string | null> {
  const first = target.locator(itemSelector).first();
  if ((await tools.race(first.count())) === 0) return null;
  return tools.race(first.evaluate(boxInPage, null, { timeout: tools.budget(2000) })).catch(() => null);
}

function boxInPage(item: Element): string | null {
  for (let el = item.parentElement; el && el !== document.body && el !== document.documentElement; el = el.parentElement) {
    const overflow = getComputedStyle(el).overflowY;
    if ((overflow === 'auto' || overflow === 'scroll') && el.scrollTop + el.clientHeight < el.scrollHeight - 1) {
      return el.id ? `#${el.id}` : [el.tagName.toLowerCase(), ...Array.from(el.classList).slice(0, 3)].join('.');
    }
  }
  return null;
}

/**
 * The current view once it has held still. Rows still placeholders then (a block whose load had not started when the
 * view was first still) get up to 4 × idleMs more: moving on would skip them for good.
 */
async function stillView(c: PageCtx, p: Scroll, passSpec: TaskSpec): Promise<Extraction> {
  const { target, spec, tools } = c;
  const started = Date.now();
  for (;;) {
    await settle(async () => [await itemSignature(target, spec, tools), (await scrollBox(target, p.container, 'read', tools)).height],
      (_s, still) => (still.quiet >= Math.min(STILL_MS, p.idleMs) || still.same >= p.idleMs * 4 ? true : null), { ...c, loading: p.loading });
    const pass = await extractOnce(target, passSpec, tools);
    if (pass.incomplete.length === 0 || Date.now() - started >= p.idleMs * 4) return pass;
    await tools.race(sleep(100));
  }
}

const attr = (a: string): FieldSpec => ({ source: 'attr', attr: a, all: false, required: false, process: [{ op: 'trim' }] });
const ROW_ATTR = '__trawlRowIndex';
const ROW_DATA = '__trawlDataIndex';

/**
 * A virtualised list (a fixed set of row elements recycled as it scrolls: react-window, TanStack Virtual): the DOM
 * never holds every row, so rows are collected by key as they pass. The key is the row index (rowIndexAttr, else
 * aria-rowindex, else data-index), or the item itself; DOM order is not row order, so the result is sorted by index.
 * Each view is extracted once it has held still (rows in a block still loading are placeholders: rows whose required
 * fields are empty are not items, and `itemExclude` or `loading` say what a placeholder looks like).
 */
export async function collectVirtual(c: PageCtx, p: Scroll): Promise<Extraction> {
  const { target, spec, tools, log } = c;
  const passSpec = { ...spec, fields: { ...spec.fields, [ROW_ATTR]: attr(p.rowIndexAttr ?? 'aria-rowindex'), [ROW_DATA]: attr('data-index') } };
  const rows = new Map<string, { index: number; item: ItemData }>();
  let out: Extraction = { items: [], incomplete: [], matched: 0, nextUrl: null, unparsed: [] };
  let scrolls = 0;
  let placeholders = 0;
  let reason: StepEnd['reason'] = 'done';
  for (;;) {
    const box = await scrollBox(target, p.container, 'read', tools);
    const pass = await stillView(c, p, passSpec);
    let fresh = 0;
    for (const raw of pass.items) {
      const { [ROW_ATTR]: a, [ROW_DATA]: d, ...item } = raw;
      const index = Number(a ?? d ?? Number.NaN);
      const key = Number.isFinite(index) ? `#${index}` : JSON.stringify(item);
      if (rows.has(key)) continue;
      rows.set(key, { index: Number.isFinite(index) ? index : Number.MAX_SAFE_INTEGER, item });
      fresh++;
    }
    placeholders = pass.incomplete.length;
    // Unread values are counted once per row: only from views that brought new rows.
    if (fresh) out = { ...out, matched: rows.size, nextUrl: pass.nextUrl ?? out.nextUrl, unparsed: mergeUnparsed(out.unparsed, pass.unparsed) };
    log.step(`view at ${box.top}px: ${fresh} new row(s), ${rows.size} so far`, { step: 'infiniteScroll', action: 'scroll', container: p.container ?? 'window', scrolls, items: rows.size, fresh, placeholders });
    const now = await scrollBox(target, p.container, 'read', tools);
    if (now.top + now.client >= now.height - 1) break;
    if (scrolls >= p.maxScrolls) {
      reason = 'maxScrolls';
      break;
    }
    await scrollBox(target, p.container, 'page', tools);
    scrolls++;
  }
  const items = [...rows.values()].toSorted((a, b) => a.index - b.index).map((r) => r.item);
  log.end({ step: 'infiniteScroll', selector: p.container ?? 'window', reason, controlVisible: reason === 'maxScrolls', steps: scrolls, items: items.length });
  return { ...out, items, matched: Math.max(out.matched, items.length) };
}
