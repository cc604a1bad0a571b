import type { FieldSpec, ProcessStep } from '@trawl/schemas';

export type Value = string | number | boolean | null | Value[];

export interface ProcessContext {
  /** The page's base URL, for absoluteUrl. */
  baseUrl: string;
}

/** Applies one post-processing step. Lists are processed element by element. */
export function applyStep(value: Value, step: ProcessStep, ctx: ProcessContext): Value {
  if (Array.isArray(value)) return value.map((v) => applyStep(v, step, ctx));
  if (step.op === 'default') return value === null || value === '' ? step.value : value;
  if (value === null) return null;
  const s = typeof value === 'string' ? value : String(value);
  switch (step.op) {
    case 'trim':
      return s.replace(/[\s\u00a0\u2007\u202f]+/g, ' ').trim();
    case 'lowercase':
      return s.toLowerCase();
    case 'uppercase':
      return s.toUpperCase();
    case 'number':
      return parseNumber(s);
    case 'absoluteUrl':
      try {
        return new URL(s.trim(), ctx.baseUrl).href;
      } catch {
        return null;
      }
    case 'regex': {
      const m = new RegExp(step.pattern).exec(s);
      return m ? (m[step.group] ?? null) : null;
    }
    case 'replace':
      return s.replace(new RegExp(step.pattern, 'g'), step.with);
  }
}

/**
 * Parses "$1,299.00", "1.234,56 €", "₩12,900", "-3.5%". The last separator followed by one or two
 * digits is the decimal mark; other separators group thousands. Returns null when no number is found.
 */
export function parseNumber(input: string): number | null {
  const m = /-?\d[\d.,'\s\u00a0\u202f]*/.exec(input);
  if (!m) return null;
  let digits = m[0].replace(/[\s\u00a0\u202f']/g, '').replace(/[.,]+$/, '');
  const negative = digits.startsWith('-') || /^\s*\(.*\)\s*$/.test(input);
  digits = digits.replace('-', '');
  const lastSep = Math.max(digits.lastIndexOf('.'), digits.lastIndexOf(','));
  let normalized: string;
  if (lastSep === -1) normalized = digits;
  else {
    const tail = digits.slice(lastSep + 1);
    const head = digits.slice(0, lastSep).replace(/[.,]/g, '');
    const sepCount = (digits.match(/[.,]/g) ?? []).length;
    const isDecimal = tail.length !== 3 || (sepCount === 1 && digits[lastSep] === '.' && head.length > 3)
      || (sepCount > 1 && digits[lastSep] !== digits[digits.search(/[.,]/)]);
    normalized = isDecimal ? `${head}.${tail}` : `${head}${tail}`;
  }
  const n = Number(normalized);
  if (!Number.isFinite(n)) return null;
  return negative ? -n : n;
}

/** Applies a field's steps in order to its raw value. */
export function processField(raw: string | string[] | null, field: FieldSpec, ctx: ProcessContext): Value {
  let v: Value = raw;
  for (const step of field.process) v = applyStep(v, step, ctx);
  return v;
}
