import { z } from 'zod';
import { browserNeededBy, RenderSetting } from './render.ts';
import { JobProxy } from './proxy.ts';
import { ErrorCode, isRetryableCode } from './errors.ts';
import { FieldMap, FieldName, Selector } from './field-spec.ts';
import { PaginationSpec, PanelsSpec, Rules } from './rules.ts';
import { ArtifactsSpec, DEFAULT_ARTIFACTS } from './artifacts.ts';
import { FailOnWarnings } from './warnings.ts';
import { TimeZone } from './process-step.ts';
import { computeProblems } from './compute-refs.ts';
import { LevelSpec, RowsSpec } from './graph.ts';

const HttpUrl = z.url({ protocol: /^https?$/, error: 'must be an absolute http(s) URL' });

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
  /** The codes worth another attempt; default: every code marked retryable in the error table. */
  codes: z.array(ErrorCode).max(40).optional(),
}).strict();
export type RetrySpec = z.infer<typeof RetrySpec>;

/** Whether a failure with this code gets another attempt under the job's policy. */
export function retryAllowed(retry: RetrySpec, code: ErrorCode): boolean {
  return retry.codes ? retry.codes.includes(code) : isRetryableCode(code);
}

/** Detail pages: each item's link (the value of `urlField`) is visited as its own task and its fields merged in. */
export const DetailSpec = z.object({
  urlField: FieldName,
  fields: FieldMap,
  actions: Rules,
  /** Waited for before extraction; a detail page that never shows it fails with SELECTOR_TIMEOUT. */
  waitFor: Selector.optional(),
  /** One record per row of this table instead of fields merged into the item (ADR 0040). */
  rows: RowsSpec.optional(),
}).strict();
export type DetailSpec = z.infer<typeof DetailSpec>;

/**
 * One browser session across a nextLink chain (ADR 0041): each next page starts with the storage state (cookies,
 * localStorage) the previous page left, and a retry restarts from the last good page. `expired` recognises a page
 * that answers 200 but says the session is over: a soft failure, SESSION_EXPIRED.
 */
export const SessionSpec = z.object({
  keep: z.boolean(),
  expired: z.object({ text: z.string().min(1).max(200).optional(), selector: Selector.optional() }).strict()
    .refine((e) => e.text !== undefined || e.selector !== undefined, 'give text or selector').optional(),
}).strict();
export type SessionSpec = z.infer<typeof SessionSpec>;

/** Everything a task needs to run one page: the job spec minus its start URLs. */
export const TaskSpec = z.object({
  itemSelector: Selector,
  /** Matches of the item selector that are not items (skeleton placeholders, ads), for example ".skeleton". */
  itemExclude: Selector.optional(),
  fields: FieldMap,
  /** Steps run after the page loads and before extraction (waits, clicks, search forms, cookie banners). */
  actions: Rules,
  pagination: PaginationSpec.optional(),
  panels: PanelsSpec.optional(),
  /** A same-origin iframe to extract from instead of the page. */
  frame: Selector.optional(),
  /** The zone of dates and times the pages write without an offset (IANA name); without it they are read as UTC, with a warning. */
  timeZone: TimeZone.optional(),
  detail: DetailSpec.optional(),
  /** A detail task's table rows, each one record (set by the coordinator from `detail.rows`). */
  rows: RowsSpec.optional(),
  /** A navigation level's page (set by the coordinator): its items' `url` are links to follow, not records. */
  follow: z.object({ all: z.boolean() }).strict().optional(),
  wait: WaitSpec.default({ forItems: true, timeoutMs: 10_000 }),
  browser: BrowserSpec.default({ blockResources: ['image', 'font', 'media'], waitUntil: 'domcontentloaded' }),
  /** An empty listing is an error (EXTRACTION_EMPTY) unless this is true. */
  allowEmpty: z.boolean().default(false),
  /** Recognise pages that only look like success (challenges, login walls, consent overlays, soft 404s). */
  softFailures: z.boolean().default(true),
  /** Obey the site's robots.txt (its rules for the "Trawl" user agent, and its crawl-delay). */
  respectRobots: z.boolean().default(true),
  /** Traces, HAR and screenshots the fleet records per task (issue 4; ADR 0010). */
  artifacts: ArtifactsSpec.default(DEFAULT_ARTIFACTS),
  session: SessionSpec.optional(),
}).strict();
export type TaskSpec = z.infer<typeof TaskSpec>;

// `rows` and `follow` are set by the coordinator on detail and level tasks, never by a job (ADR 0040).
export const JobSpec = TaskSpec.omit({ rows: true, follow: true }).extend({
  startUrls: z.array(HttpUrl).min(1, 'give at least one start URL').max(10_000),
  /** Navigation levels before the listing (category pages and the like): one job walks the whole graph (ADR 0040). */
  levels: z.array(LevelSpec).min(1).max(5).optional(),
  /** Fields whose values identify an item within a run and across runs. */
  dedupeKey: z.array(FieldName).min(1).max(5).optional(),
  /**
   * Which record a repeated dedupe key leaves (ADR 0033): `first` (the default) keeps the first one seen and drops
   * later ones whole; `last` replaces it with the latest; `merge` keeps the first and fills its empty fields from repeats.
   */
  dedupeKeep: z.enum(['first', 'last', 'merge']).optional(),
  concurrency: z.number().int().min(1).max(64).default(2),
  limits: LimitsSpec.default({ maxPages: 1000, maxItems: 1_000_000, taskTimeoutMs: 60_000, runTimeoutMs: 3600_000 }),
  retry: RetrySpec.default({ maxAttempts: 3 }),
  /** A stored login of the organization (POST /v1/logins): each task's browser context starts with its session. */
  login: z.object({ id: z.string().min(1).max(64) }).strict().optional(),
  /** Upstream proxies of the organization (POST /v1/proxies) the pages go through, after Trawl's own egress check (ADR 0035). */
  proxy: JobProxy.optional(),
  /** A run that would succeed but ends with these warnings (all of them when `true`) ends failed, RUN_WARNINGS (ADR 0028). */
  failOnWarnings: FailOnWarnings.optional(),
  /** Browser, HTTP with a server-side DOM, or chosen per site by comparing both (ADR 0049). */
  render: RenderSetting.default('browser'),
}).strict().superRefine((spec, ctx) => {
  const needs = spec.render === 'http' ? browserNeededBy(spec) : null;
  if (needs) ctx.addIssue({ code: 'custom', path: ['render'], message: `render "http" reads pages without a browser, but this job's ${needs} needs one: use render "auto" or "browser"` });
  for (const [i, k] of (spec.dedupeKey ?? []).entries()) {
    if (!(k in spec.fields)) ctx.addIssue({ code: 'custom', path: ['dedupeKey', i], message: `"${k}" is not a field` });
  }
  if (spec.dedupeKeep && !spec.dedupeKey) {
    ctx.addIssue({ code: 'custom', path: ['dedupeKeep'], message: 'dedupeKeep needs a dedupeKey: name the fields that identify an item, e.g. "dedupeKey": ["sku"]' });
  }
  if (spec.panels?.mode === 'merge') {
    for (const [name, f] of Object.entries(spec.fields)) {
      if (f.context === 'panel') ctx.addIssue({ code: 'custom', path: ['fields', name, 'context'], message: 'panels mode "merge" makes one record from every panel, so no single panel label applies: drop this field or use mode "items"' });
    }
  }
  if (spec.detail && !(spec.detail.urlField in spec.fields)) {
    ctx.addIssue({ code: 'custom', path: ['detail', 'urlField'], message: `"${spec.detail.urlField}" is not a field` });
  }
  for (const name of Object.keys(spec.detail?.fields ?? {})) {
    if (name in spec.fields) ctx.addIssue({ code: 'custom', path: ['detail', 'fields', name], message: `"${name}" is already a listing field` });
  }
  for (const [i, l] of (spec.levels ?? []).entries()) {
    if (spec.levels?.findIndex((x) => x.name === l.name) !== i) ctx.addIssue({ code: 'custom', path: ['levels', i, 'name'], message: `another level is named "${l.name}"` });
  }
  if (spec.pagination?.type === 'urlTemplate' && spec.levels) {
    ctx.addIssue({ code: 'custom', path: ['pagination', 'type'], message: 'a urlTemplate lists pages up front, but with levels the listing pages are found by the last level\'s links: use nextLink' });
  }
  const rows = spec.detail?.rows;
  for (const [i, f] of (rows?.inherit ?? []).entries()) {
    if (!(f in spec.fields)) ctx.addIssue({ code: 'custom', path: ['detail', 'rows', 'inherit', i], message: `"${f}" is not a listing field` });
  }
  for (const f of Object.keys(rows?.columns ?? {})) {
    if (f in spec.fields || f in (spec.detail?.fields ?? {})) ctx.addIssue({ code: 'custom', path: ['detail', 'rows', 'columns', f], message: `"${f}" is already a listing or detail field` });
  }
  for (const p of computeProblems(spec.fields, ['fields'])) ctx.addIssue({ code: 'custom', ...p });
  for (const p of computeProblems(spec.detail?.fields ?? {}, ['detail', 'fields'])) ctx.addIssue({ code: 'custom', ...p });
  if (spec.session?.keep && spec.pagination?.type !== 'nextLink') {
    ctx.addIssue({ code: 'custom', path: ['session', 'keep'], message: 'session.keep carries a session along a chain of next links: it needs pagination of type "nextLink"' });
  }
  if (spec.pagination?.type === 'urlTemplate') {
    const { template, from, to } = spec.pagination;
    if (!URL.canParse(template.replace('{n}', String(from)))) ctx.addIssue({ code: 'custom', path: ['pagination', 'template'], message: 'must be an absolute URL' });
    if (spec.startUrls.length + to - from + 1 > spec.limits.maxPages) ctx.addIssue({ code: 'custom', path: ['pagination', 'to'], message: 'more pages than limits.maxPages' });
  }
});
export type JobSpec = z.infer<typeof JobSpec>;
export type JobSpecInput = z.input<typeof JobSpec>;

/** The part of a job spec every task carries (start URLs and run-level settings stay with the coordinator). */
export function taskSpecOf(spec: JobSpec): TaskSpec {
  const { itemSelector, itemExclude, fields, actions, pagination, panels, frame, timeZone, detail, wait, browser, allowEmpty, softFailures, respectRobots, artifacts, session } = spec;
  return { itemSelector, itemExclude, fields, actions, pagination, panels, frame, timeZone, detail, wait, browser, allowEmpty, softFailures, respectRobots, artifacts, session };
}

/** A detail page is a one-item page: the document is the item, the detail fields are its fields. */
export function detailTaskSpecOf(spec: JobSpec): TaskSpec | null {
  if (!spec.detail) return null;
  const { fields, actions, waitFor, rows } = spec.detail;
  return {
    itemSelector: ':root', fields, actions, rows, wait: { selector: waitFor, forItems: false, timeoutMs: spec.wait.timeoutMs },
    browser: spec.browser, timeZone: spec.timeZone, allowEmpty: false, softFailures: spec.softFailures, respectRobots: spec.respectRobots, artifacts: spec.artifacts,
  };
}

/** A navigation level's page: its items are the links that lead on (`url`, the href), its `next` its own pagination. */
export function levelTaskSpecOf(spec: JobSpec, level: number): TaskSpec | null {
  const l = spec.levels?.[level];
  if (!l) return null;
  return {
    itemSelector: l.links.selector, follow: { all: l.links.all },
    fields: { url: { source: 'attr', attr: 'href', all: false, required: true, process: [{ op: 'absoluteUrl' }] } },
    actions: [], pagination: l.next ? { type: 'nextLink', selector: l.next } : undefined,
    wait: { forItems: true, timeoutMs: spec.wait.timeoutMs },
    browser: spec.browser, allowEmpty: false, softFailures: spec.softFailures, respectRobots: spec.respectRobots, artifacts: spec.artifacts,
  };
}

/** Every page a run starts with: the start URLs, then a URL template's pages in order, without repeats. */
export function initialUrls(spec: JobSpec): string[] {
  const urls = [...spec.startUrls];
  if (spec.pagination?.type === 'urlTemplate') {
    for (let n = spec.pagination.from; n <= spec.pagination.to; n++) urls.push(spec.pagination.template.replaceAll('{n}', String(n)));
  }
  return [...new Set(urls)].slice(0, spec.limits.maxPages);
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
