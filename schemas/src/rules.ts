import { z } from 'zod';
import { Selector } from './field-spec.ts';

const Timeout = z.number().int().min(50).max(120_000).optional();
/** A same-origin iframe the step acts inside (like the spec's `frame` for extraction), for walls and forms in frames. */
const frame = Selector.optional();

/**
 * Rule DSL 1.0: steps the fleet runs on a page after it loads and before extraction, in order. Waits fail the task
 * (SELECTOR_TIMEOUT) when they time out, except `networkIdle`, whose cap is a ceiling, not an error: pages with
 * analytics beacons or long polling never go idle.
 */
export const Rule = z.discriminatedUnion('do', [
  z.object({ do: z.literal('waitFor'), frame, selector: Selector, state: z.enum(['attached', 'visible', 'hidden', 'detached']).default('visible'), timeoutMs: Timeout }).strict(),
  z.object({ do: z.literal('waitForText'), frame, text: z.string().min(1).max(500), timeoutMs: Timeout }).strict(),
  /** Waits until the page URL contains `contains`. */
  z.object({ do: z.literal('waitForUrl'), contains: z.string().min(1).max(2000), timeoutMs: Timeout }).strict(),
  z.object({ do: z.literal('networkIdle'), idleMs: z.number().int().min(100).max(10_000).default(500), capMs: z.number().int().min(100).max(60_000).default(5000) }).strict(),
  z.object({ do: z.literal('delay'), ms: z.number().int().min(1).max(30_000) }).strict(),
  /** `optional`: a missing element is skipped instead of failing the task. */
  z.object({ do: z.literal('click'), frame, selector: Selector, optional: z.boolean().default(false), timeoutMs: Timeout }).strict(),
  z.object({ do: z.literal('fill'), frame, selector: Selector, value: z.string().max(10_000), timeoutMs: Timeout }).strict(),
  z.object({ do: z.literal('select'), frame, selector: Selector, value: z.string().max(1000), timeoutMs: Timeout }).strict(),
  z.object({ do: z.literal('press'), frame, key: z.string().min(1).max(50), selector: Selector.optional() }).strict(),
  /** Clicks overlays such as cookie banners away when they show up within `timeoutMs`; never fails. */
  z.object({ do: z.literal('dismiss'), frame, selector: Selector, timeoutMs: z.number().int().min(0).max(30_000).default(1000) }).strict(),
]);
export type Rule = z.infer<typeof Rule>;
export type RuleInput = z.input<typeof Rule>;

export const Rules = z.array(Rule).max(50).default([]);

export const PaginationSpec = z.discriminatedUnion('type', [
  /** A link (href) to the next page: each page is its own task. */
  z.object({ type: z.literal('nextLink'), selector: Selector }).strict(),
  /**
   * A button driven by script (no href): clicked within the task until it is gone or disabled. After each click the
   * items must change (item set, first item) and then hold still with no request in flight and no `loading` marker
   * shown; `settleMs` caps that wait.
   */
  z.object({
    type: z.literal('nextButton'), selector: Selector, maxPages: z.number().int().min(1).max(1000).default(50),
    settleMs: z.number().int().min(0).max(30_000).default(5000), loading: Selector.optional(),
  }).strict(),
  /** `template` with `{n}`, from..to: every page is a task of its own from the start. */
  z.object({
    type: z.literal('urlTemplate'), template: z.string().includes('{n}', { message: 'the template needs {n}' }).max(2000),
    from: z.number().int().min(0).default(1), to: z.number().int().min(0),
  }).strict().refine((p) => p.to >= p.from && p.to - p.from < 10_000, { message: 'to must be ≥ from, at most 10000 pages', path: ['to'] }),
  /**
   * A "load more" control clicked until it has been gone (or disabled) for `settleMs` with no request in flight, or
   * `maxClicks`. The selector is looked up afresh before every click, so a control replaced by a spinner and drawn
   * again as a new element is found again.
   */
  z.object({
    type: z.literal('loadMore'), selector: Selector, maxClicks: z.number().int().min(1).max(1000).default(50),
    settleMs: z.number().int().min(0).max(30_000).default(5000), loading: Selector.optional(),
  }).strict(),
  /**
   * Scrolls the window (or `container`) to the end until its height and the items have held still for `idleMs` with
   * no request in flight, or `maxScrolls`. `virtualized`: the list recycles a fixed set of row elements, so rows are
   * collected by key as they pass (ordered by `rowIndexAttr`, else aria-rowindex or data-index).
   */
  z.object({
    type: z.literal('infiniteScroll'), maxScrolls: z.number().int().min(1).max(1000).default(50), idleMs: z.number().int().min(100).max(30_000).default(1500),
    container: Selector.optional(), virtualized: z.boolean().default(false), loading: Selector.optional(),
    rowIndexAttr: z.string().regex(/^[a-zA-Z][\w:-]{0,63}$/, 'an attribute name').optional(),
  }).strict(),
]);
export type PaginationSpec = z.infer<typeof PaginationSpec>;

/**
 * Tabs and accordions: each match of `selector` is clicked in turn and the items are extracted after each click.
 * `items` (the default) takes each panel's items as items of their own; `merge` makes one record per item of the
 * page from every panel (a product's specs, reviews and Q&A tabs): each panel fills the fields still empty (ADR 0033).
 */
export const PANEL_MODES = ['items', 'merge'] as const;
export const PanelsSpec = z.object({
  selector: Selector,
  /** Waited for after each click (for example the active panel's items). */
  waitFor: Selector.optional(),
  settleMs: z.number().int().min(0).max(10_000).default(100),
  mode: z.enum(PANEL_MODES).optional(),
}).strict();
export type PanelsSpec = z.infer<typeof PanelsSpec>;
