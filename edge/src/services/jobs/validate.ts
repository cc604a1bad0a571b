import { JobSpec, issuesOf, type ErrorIssue } from '@trawl/schemas';
import { invalid } from '../../lib/errors.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';

export interface Validation {
  ok: true;
  /** The spec as it will be stored and run: every default filled in. */
  spec: JobSpec;
  /** Valid but probably not what was meant. */
  warnings: ErrorIssue[];
}

/**
 * Validates `{ spec }` without saving it: the schema (every problem with its path, as INVALID_SPEC like create),
 * then semantic checks that only warn, because the spec runs as it is.
 */
export function validateSpec(ctx: ActorContext, body: unknown): Validation {
  authorize(ctx, 'jobs:read');
  const parsed = JobSpec.safeParse(typeof body === 'object' && body !== null ? (body as { spec?: unknown }).spec : undefined);
  // Paths start with "spec." as they do when the same spec is sent to POST /v1/jobs.
  if (!parsed.success) throw invalid('INVALID_SPEC', 'The job spec is not valid', issuesOf(parsed.error).map((i) => ({ ...i, path: `spec.${i.path}` })));
  return { ok: true, spec: parsed.data, warnings: warningsOf(parsed.data) };
}

export function warningsOf(spec: JobSpec): ErrorIssue[] {
  const out: ErrorIssue[] = [];
  if (!spec.dedupeKey) out.push({ path: 'dedupeKey', message: 'no dedupe key: repeats within a run are kept and changes across runs are not tracked' });
  if (!Object.values(spec.fields).some((f) => f.required)) {
    out.push({ path: 'fields', message: 'no required field: rows that render empty (placeholders, broken layout) are kept as empty items' });
  }
  if (spec.detail && !spec.dedupeKey) out.push({ path: 'detail', message: 'detail fields merge into items keyed by position without a dedupe key' });
  if (spec.pagination?.type === 'nextLink' && spec.limits.maxPages === 1) out.push({ path: 'limits.maxPages', message: 'maxPages 1 never follows the next link' });
  for (const [i, r] of spec.actions.entries()) {
    if (r.do === 'delay' && r.ms > 5000) out.push({ path: `actions.${i}.ms`, message: 'a long fixed delay slows every page; wait for a selector instead' });
  }
  return out;
}
