import { z } from 'zod';

/** Stable codes of what a run did not fully manage while still ending (ADR 0028); a job may fail on them. */
export const WARNING_CODES = ['VALUES_UNPARSED', 'ITEMS_DROPPED', 'URLS_SKIPPED', 'FEWER_ITEMS', 'FILL_RATE_DROP', 'DATE_WITHOUT_ZONE', 'ACTION_IN_FRAME', 'PAGINATION_UNFINISHED', 'DETAIL_AMBIGUOUS', 'SESSION_EXPIRED', 'VISIBLE_TEXT_DIFFERS', 'RENDERED_WITHOUT_BROWSER'] as const;
export const WarningCode = z.enum(WARNING_CODES);
export type WarningCode = z.infer<typeof WarningCode>;

export const RunWarning = z.object({
  code: WarningCode,
  message: z.string(),
  /** The field it concerns (dotted for nested ones), for VALUES_UNPARSED and ITEMS_DROPPED. */
  field: z.string().optional(),
  /**
   * The processing step (VALUES_UNPARSED), the skip reason (URLS_SKIPPED), why pagination ended (PAGINATION_UNFINISHED:
   * maxClicks, maxPages, maxScrolls, noChange), or what FEWER_ITEMS / FILL_RATE_DROP compare against (previousRun, preview).
   */
  reason: z.string().optional(),
  /** PAGINATION_UNFINISHED: the pagination step (loadMore, nextButton, infiniteScroll) and its control's selector. */
  step: z.string().optional(),
  selector: z.string().optional(),
  count: z.number().int().optional(),
  /** The first raw value seen (VALUES_UNPARSED). */
  example: z.string().optional(),
  /** FEWER_ITEMS: the previous successful run's item count; FILL_RATE_DROP: that run's fill rate of the field. */
  previous: z.number().optional(),
  /** FILL_RATE_DROP: this run's fill rate of the field (0-1). */
  rate: z.number().optional(),
});
export type RunWarning = z.infer<typeof RunWarning>;

/** Items a page dropped because a required field came out empty, per field (one item may count for several). */
export const DroppedItems = z.object({ field: z.string().max(300), count: z.number().int().min(1) });
export type DroppedItems = z.infer<typeof DroppedItems>;

/** A step that found its element only inside an iframe it does not name (a `dismiss` that then did nothing, ADR 0038). */
export const FramedAction = z.object({
  /** The step's index in the spec's actions. */
  rule: z.number().int().min(0).max(49),
  do: z.string().max(20),
  /** A selector of the iframe that holds the element. */
  frame: z.string().max(1000),
  count: z.number().int().min(1),
});
export type FramedAction = z.infer<typeof FramedAction>;
/**
 * A page whose in-task pagination ended on a limit (or a click that changed nothing) while its next or load-more
 * control was still visible and enabled: items were probably left behind (PAGINATION_UNFINISHED).
 */
export const PaginationUnfinished = z.object({
  step: z.enum(['loadMore', 'nextButton', 'infiniteScroll']),
  selector: z.string().max(2000),
  /** containerNotScrolled: the window was scrolled but the items sit in a scrollable box with more below (#12 §7). */
  reason: z.enum(['maxClicks', 'maxPages', 'maxScrolls', 'noChange', 'containerNotScrolled']),
});
export type PaginationUnfinished = z.infer<typeof PaginationUnfinished>;

/** A detail field whose selector matched several elements on one detail page (one was taken: DETAIL_AMBIGUOUS, #12 §7). */
export const AmbiguousField = z.object({ field: z.string().max(300), matches: z.number().int().min(2) });
export type AmbiguousField = z.infer<typeof AmbiguousField>;

/** A `text` field whose DOM text differs from what a person sees on a sampled item of one page (VISIBLE_TEXT_DIFFERS, #12 §7). */
export const VisibleDiffers = z.object({ field: z.string().max(300), dom: z.string().max(300), seen: z.string().max(300) });
export type VisibleDiffers = z.infer<typeof VisibleDiffers>;

/** `true`: any warning fails the run; a list: only those codes do. */
export const FailOnWarnings = z.union([z.boolean(), z.array(WarningCode).max(WARNING_CODES.length)]);
export type FailOnWarnings = z.infer<typeof FailOnWarnings>;

/** Per field, the share of a run's items (0-1) whose value is neither null nor empty. */
export const FillRates = z.record(z.string(), z.number().min(0).max(1));
export type FillRates = z.infer<typeof FillRates>;
