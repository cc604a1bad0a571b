import { compileExpression, compilePattern, type FieldSpec, type ProcessStep } from '@trawl/schemas';
import { readDate } from './dates.ts';
import { readCurrency, readNumber } from './number.ts';
import { readDuration } from './duration.ts';
import type { StepProblem } from './unparsed.ts';

export { parseNumber, parseCurrency, readNumber, readCurrency } from './number.ts';
export { parseDate, readDate } from './dates.ts';
export { durationSeconds, readDuration } from './duration.ts';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export interface ProcessContext {
  /** The page's base URL, for absoluteUrl. */
  baseUrl: string;
  /** When the page was fetched (epoch ms), for relative dates. */
  now?: number;
  /** Told of each non-empty text a number, currency or date step leaves null, so the run can warn about it. */
  onUnparsed?: (problem: StepProblem) => void;
  /** The job's zone for times written without an offset (a date step's own `timeZone` wins). */
  timeZone?: string;
  /** The item's fields built so far, for a date step's `from`. */
  item?: Readonly<Record<string, unknown>>;
}

/** The value, reporting why non-empty text gave none. */
function reported<T>(r: { value: T | null; problem?: StepProblem['reason'] }, step: StepProblem['step'], raw: string, ctx: ProcessContext): T | null {
  if (r.value === null && r.problem && raw.trim() !== '') ctx.onUnparsed?.({ step, reason: r.problem, raw });
  return r.value;
}

/** A date step: relative forms count from the `from` field's date when there is one; a time without a zone is reported. */
function dateOf(s: string, step: Extract<ProcessStep, { op: 'date' }>, ctx: ProcessContext): Value {
  let now = ctx.now ?? Date.now();
  if (step.from !== undefined) {
    const base = ctx.item?.[step.from];
    const ms = typeof base === 'string' ? Date.parse(base) : NaN;
    if (Number.isNaN(ms)) return reported({ value: null, problem: 'unreadable' }, 'date', s, ctx);
    now = ms;
  }
  const r = readDate(s, { ...step, timeZone: step.timeZone ?? ctx.timeZone }, now);
  if (r.value !== null && r.noZone) ctx.onUnparsed?.({ step: 'date', reason: 'noZone', raw: s });
  return reported(r, 'date', s, ctx);
}

const isObject = (v: Value): v is { [key: string]: Value } => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Applies one post-processing step. Lists are processed element by element, except by `join`. */
export function applyStep(value: Value, step: ProcessStep, ctx: ProcessContext): Value {
  if (step.op === 'join') {
    if (!Array.isArray(value)) return value;
    const parts = value.filter((v) => v !== null && v !== '').map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)));
    return parts.length ? parts.join(step.separator) : null;
  }
  if (Array.isArray(value)) return value.map((v) => applyStep(v, step, ctx));
  if (step.op === 'default') return value === null || value === '' ? step.value : value;
  // Objects come from nested fields or earlier json/currency steps: string steps leave them as they are.
  if (value === null || isObject(value)) return value;
  // Text-only steps leave numbers and booleans alone: the default trim must not turn `const: 3` into "3".
  if (typeof value !== 'string' && (step.op === 'trim' || step.op === 'lowercase' || step.op === 'uppercase')) return value;
  const s = typeof value === 'string' ? value : String(value);
  switch (step.op) {
    case 'trim':
      return s.replace(/[\s\u00a0\u2007\u202f\u200b]+/g, ' ').trim();
    case 'lowercase':
      return s.toLowerCase();
    case 'uppercase':
      return s.toUpperCase();
    case 'number':
      return typeof value === 'number' ? value : reported(readNumber(s, step), 'number', s, ctx);
    case 'currency': {
      const money = reported(readCurrency(s, step), 'currency', s, ctx);
      return money ? { amount: money.amount, currency: money.currency } : null;
    }
    case 'date':
      return dateOf(s, step, ctx);
    case 'duration': {
      const d = readDuration(s, step.unit);
      if (d === null && s.trim()) ctx.onUnparsed?.({ step: 'duration', reason: 'unreadable', raw: s });
      return d;
    }
    case 'absoluteUrl':
      try {
        return s.trim() ? new URL(s.trim(), ctx.baseUrl).href : null;
      } catch {
        return reported({ value: null, problem: 'unreadable' }, 'absoluteUrl', s, ctx);
      }
    case 'regex': {
      // Linear-time engine (ADR 0022). The DFA-only test answers most non-matches several times faster than exec's NFA.
      // Text the pattern does not match becomes null, and is reported: post-processing never empties a field silently.
      const c = compilePattern(step.pattern);
      if (!c.ok || !c.re.test(s)) return reported({ value: null, problem: 'noMatch' }, 'regex', s, ctx);
      return c.re.exec(s)?.[step.group] ?? null;
    }
    case 'replace': {
      const c = compilePattern(step.pattern);
      if (!c.ok) return null;
      return c.re.test(s) ? c.re.matcher(s).replaceAll(step.with) : s;
    }
    case 'split':
      return s.split(step.separator).map((p) => p.trim()).filter((p) => p !== '');
    case 'json':
      try {
        return JSON.parse(s) as Value;
      } catch {
        return reported({ value: null, problem: 'unreadable' }, 'json', s, ctx);
      }
  }
}

function computeLoops(expr: string | undefined): boolean {
  if (expr === undefined) return false;
  const c = compileExpression(expr);
  return c.ok && c.loops;
}

/**
 * True when a field or one of its nested fields runs a user pattern (`regex`, `replace`, a regex label) or an
 * expression that walks lists (its cost grows with the page's values): the fleet runs those in a worker under a CPU
 * budget (ADR 0022, 0033, 0038).
 */
export function usesPattern(field: Pick<FieldSpec, 'process' | 'fields' | 'compute' | 'labelMatch'>): boolean {
  return computeLoops(field.compute) || field.labelMatch === 'regex' || field.process.some((s) => s.op === 'regex' || s.op === 'replace')
    || Object.values(field.fields ?? {}).some(usesPattern);
}

/** Applies a field's steps in order to its raw value. */
export function processField(raw: Value, field: Pick<FieldSpec, 'process'>, ctx: ProcessContext): Value {
  let v: Value = raw;
  for (const step of field.process) v = applyStep(v, step, ctx);
  return v;
}

/** Empty for the required-field check: null, blank text, an empty list. */
export function isEmptyValue(v: Value | undefined): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}
