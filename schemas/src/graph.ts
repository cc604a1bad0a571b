import { z } from 'zod';
import { FieldName, Selector } from './field-spec.ts';

/**
 * A navigation level of a crawl graph (issue #12 §2, ADR 0040): its pages yield links to the next level's pages
 * (the last level's lead to the job's listing pages). Start URLs are the first level's pages.
 */
export const LevelSpec = z.object({
  name: FieldName,
  /** The links that lead on: every match (`all`, the default) or only the first. Their href is read. */
  links: z.object({ selector: Selector, all: z.boolean().default(true) }).strict(),
  /** This level's own pagination: every match of this selector is a further page of the same level. */
  next: Selector.optional(),
  /** At most this many pages of this level (its pagination and the links into it); further ones are counted as skipped. */
  maxPages: z.number().int().min(1).max(100_000).default(1000),
}).strict();
export type LevelSpec = z.infer<typeof LevelSpec>;

/**
 * A detail page that emits one record per row of a table (product variants): each row is read by its header
 * (rowspan and colspan expanded), `columns` maps output fields to header texts, and every record inherits the
 * listing item's fields (`inherit`, default all) and the detail page's own fields.
 */
export const RowsSpec = z.object({
  table: Selector,
  byHeader: z.literal(true).default(true),
  /** Output field -> header text (compared case- and whitespace-insensitively; a multi-row header reads "Group Sub"). */
  columns: z.record(FieldName, z.string().trim().min(1).max(200)).refine((c) => Object.keys(c).length > 0, 'name at least one column'),
  inherit: z.array(FieldName).max(100).optional(),
}).strict();
export type RowsSpec = z.infer<typeof RowsSpec>;
