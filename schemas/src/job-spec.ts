import { z } from 'zod';
import { ArtifactsSpec, DEFAULT_ARTIFACTS } from './artifacts.ts';

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });

/** Post-processing steps applied in order to a field's raw value (issue 3 grows this list). */
export const ProcessStep = z.discriminatedUnion('op', [
  z.object({ op: z.literal('trim') }).strict(),
  z.object({ op: z.literal('number') }).strict(),
  z.object({ op: z.literal('absoluteUrl') }).strict(),
  z.object({ op: z.literal('lowercase') }).strict(),
  z.object({ op: z.literal('uppercase') }).strict(),
  z.object({
    op: z.literal('regex'),
    pattern: z.string().min(1).refine(isValidRegex, 'not a valid regular expression'),
    group: z.number().int().min(0).default(1),
  }).strict(),
  z.object({
    op: z.literal('replace'),
    pattern: z.string().min(1).refine(isValidRegex, 'not a valid regular expression'),
    with: z.string(),
  }).strict(),
  z.object({ op: z.literal('default'), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) }).strict(),
]);
export type ProcessStep = z.infer<typeof ProcessStep>;

function isValidRegex(p: string): boolean {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
}

/** One output field of an item: where its value is, what to read, how to clean it. */
export const FieldSpec = z.object({
  /** CSS selector relative to the item; omitted means the item element itself. */
  selector: z.string().min(1).optional(),
  /** What to read: visible text (default), the HTML, or an attribute. */
  source: z.enum(['text', 'html', 'attr']).default('text'),
  attr: z.string().min(1).optional(),
  /** All matches as a list instead of the first one. */
  all: z.boolean().default(false),
  /** A missing required field is reported, not silently empty. */
  required: z.boolean().default(false),
  process: z.array(ProcessStep).max(20).default([{ op: 'trim' }]),
}).strict().refine((f) => f.source !== 'attr' || f.attr, { message: 'source "attr" needs attr', path: ['attr'] });
export type FieldSpec = z.infer<typeof FieldSpec>;
export type FieldSpecInput = z.input<typeof FieldSpec>;

const FieldName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/, 'field names are letters, digits and _, starting with a letter or _');

export const PaginationSpec = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('nextLink'),
    /** CSS selector of the link (an element with href) to the next page. */
    selector: z.string().min(1),
  }).strict(),
]);
export type PaginationSpec = z.infer<typeof PaginationSpec>;

export const WaitSpec = z.object({
  /** Wait for this selector before extracting (defaults to the item selector when `forItems`). */
  selector: z.string().min(1).optional(),
  forItems: z.boolean().default(true),
  timeoutMs: z.number().int().min(100).max(120_000).default(10_000),
}).strict();

export const BrowserSpec = z.object({
  /** Resource types the browser does not fetch: faster and lighter when images and fonts are not needed. */
  blockResources: z.array(z.enum(['image', 'font', 'media', 'stylesheet'])).default(['image', 'font', 'media']),
  waitUntil: z.enum(['commit', 'domcontentloaded', 'load', 'networkidle']).default('domcontentloaded'),
  userAgent: z.string().max(500).optional(),
}).strict();

export const LimitsSpec = z.object({
  maxPages: z.number().int().min(1).max(100_000).default(1000),
  maxItems: z.number().int().min(1).max(10_000_000).default(1_000_000),
  taskTimeoutMs: z.number().int().min(1000).max(600_000).default(60_000),
  runTimeoutMs: z.number().int().min(5000).max(24 * 3600_000).default(3600_000),
}).strict();

export const RetrySpec = z.object({
  maxAttempts: z.number().int().min(1).max(10).default(3),
}).strict();

/** Everything a task needs to run one page: the job spec minus its start URLs. */
export const TaskSpec = z.object({
  itemSelector: z.string().min(1),
  fields: z.record(FieldName, FieldSpec).refine((f) => Object.keys(f).length > 0, 'define at least one field')
    .refine((f) => Object.keys(f).length <= 200, 'at most 200 fields'),
  pagination: PaginationSpec.optional(),
  wait: WaitSpec.default({ forItems: true, timeoutMs: 10_000 }),
  browser: BrowserSpec.default({ blockResources: ['image', 'font', 'media'], waitUntil: 'domcontentloaded' }),
  /** An empty listing is an error (EXTRACTION_EMPTY) unless this is true. */
  allowEmpty: z.boolean().default(false),
  /** Traces, HAR and screenshots the fleet records per task (issue 4; ADR 0010). */
  artifacts: ArtifactsSpec.default(DEFAULT_ARTIFACTS),
}).strict();
export type TaskSpec = z.infer<typeof TaskSpec>;

export const JobSpec = TaskSpec.extend({
  startUrls: z.array(HttpUrl).min(1, 'give at least one start URL').max(10_000),
  /** Fields whose values identify an item within a run and across runs. */
  dedupeKey: z.array(FieldName).min(1).max(5).optional(),
  concurrency: z.number().int().min(1).max(64).default(2),
  limits: LimitsSpec.default({ maxPages: 1000, maxItems: 1_000_000, taskTimeoutMs: 60_000, runTimeoutMs: 3600_000 }),
  retry: RetrySpec.default({ maxAttempts: 3 }),
}).strict().superRefine((spec, ctx) => {
  for (const [i, k] of (spec.dedupeKey ?? []).entries()) {
    if (!(k in spec.fields)) ctx.addIssue({ code: 'custom', path: ['dedupeKey', i], message: `"${k}" is not a field` });
  }
});
export type JobSpec = z.infer<typeof JobSpec>;
export type JobSpecInput = z.input<typeof JobSpec>;

/** The part of a job spec every task carries (start URLs and run-level settings stay with the coordinator). */
export function taskSpecOf(spec: JobSpec): TaskSpec {
  const { itemSelector, fields, pagination, wait, browser, allowEmpty, artifacts } = spec;
  return { itemSelector, fields, pagination, wait, browser, allowEmpty, artifacts };
}

export const JobInput = z.object({
  name: z.string().trim().min(1).max(200),
  spec: JobSpec,
}).strict();
export type JobInput = z.infer<typeof JobInput>;

export const JobPatch = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  spec: JobSpec.optional(),
}).strict();

export const Job = z.object({
  id: z.string(),
  name: z.string(),
  spec: JobSpec,
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Job = z.infer<typeof Job>;
