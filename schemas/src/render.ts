import { z } from 'zod';

/**
 * How a job's pages are rendered (issue #15 §1, ADR 0049): `browser` (Chromium, the default), `http` (fetched over
 * HTTP and read on a server-side DOM, never a browser), or `auto` (Trawl compares both ways per site and uses the
 * fast path only where the records come out identical).
 */
export const RenderSetting = z.enum(['auto', 'browser', 'http']);
export type RenderSetting = z.infer<typeof RenderSetting>;

/**
 * What the coordinator asks of one task: `browser`; `http` (fast path, falling back to the browser on any sign it
 * needs one); `http-only` (a job that forced `http`: no fallback, what is lost is reported); `compare` (both ways,
 * the browser's records are kept, the comparison is reported).
 */
export const TaskRender = z.enum(['browser', 'http', 'http-only', 'compare']);
export type TaskRender = z.infer<typeof TaskRender>;

/** Why a page went the way it went; one counter per reason in the run's counts. */
export const RENDER_REASONS = [
  'forced-browser', 'forced-http', 'spec-needs-browser', 'sampling', 'identical', 'differs', 'site-differs', 'recheck',
  'fast-path', 'fallback-empty', 'fallback-soft-failure', 'fallback-shadow-dom', 'fallback-error', 'lost-empty-with-scripts',
] as const;
export const RenderReason = z.enum(RENDER_REASONS);
export type RenderReason = z.infer<typeof RenderReason>;

/** The task result's account of how its page was rendered. */
export const RenderReport = z.object({
  /** The way whose records the result carries. */
  mode: z.enum(['http', 'browser']),
  reason: RenderReason,
  /** In `compare`: whether the fast path's records equalled the browser's. */
  compared: z.enum(['identical', 'differs']).optional(),
  /** In `http-only`: the page looked like it needs a browser (scripts and no items), so records may be missing. */
  lost: z.boolean().optional(),
});
export type RenderReport = z.infer<typeof RenderReport>;

/** The run's pages by the way they were rendered, and why (RunCounts.render). */
export const RenderCounts = z.object({
  http: z.number().int(),
  browser: z.number().int(),
  reasons: z.record(z.string(), z.number().int()),
});
export type RenderCounts = z.infer<typeof RenderCounts>;

interface RenderedSpec {
  actions?: readonly unknown[];
  pagination?: { type: string } | undefined;
  panels?: unknown;
  frame?: string | undefined;
  rows?: unknown;
  fields: Record<string, { source?: string; fields?: RenderedSpec['fields'] }>;
  session?: { keep: boolean } | undefined;
  login?: unknown;
  detail?: { actions?: readonly unknown[]; fields: RenderedSpec['fields']; rows?: unknown } | undefined;
}

const visibleField = (fields: RenderedSpec['fields']): string | null => {
  for (const [name, f] of Object.entries(fields)) {
    if (f.source === 'visible') return name;
    const inner = f.fields ? visibleField(f.fields) : null;
    if (inner) return `${name}.${inner}`;
  }
  return null;
};

/**
 * What in a spec only a browser can do, or null: steps (actions), pagination by script, panels, frames, table rows,
 * text as drawn (`source: "visible"`), a stored login or a kept session. Checked on the job (save and dispatch) and on
 * each task's own spec (a detail task's actions), so such a page never takes the fast path.
 */
export function browserNeededBy(spec: RenderedSpec): string | null {
  if (spec.actions?.length) return 'actions';
  if (spec.pagination && spec.pagination.type !== 'nextLink') return `pagination ${spec.pagination.type}`;
  if (spec.panels) return 'panels';
  if (spec.frame) return 'frame';
  if (spec.rows) return 'rows';
  if (spec.login) return 'login';
  if (spec.session?.keep) return 'session.keep';
  const visible = visibleField(spec.fields);
  if (visible) return `fields.${visible} source "visible"`;
  if (spec.detail) {
    if (spec.detail.actions?.length) return 'detail.actions';
    if (spec.detail.rows) return 'detail.rows';
    const v = visibleField(spec.detail.fields);
    if (v) return `detail.fields.${v} source "visible"`;
  }
  return null;
}
