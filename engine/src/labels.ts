import { compilePattern, type FieldSpec } from '@trawl/schemas';
import type { RawValue } from './collect.ts';

/**
 * Fields by label (ADR 0033): the page gives every label/value pair of the item, labels already lowercased with
 * whitespace collapsed and a trailing colon dropped; here the field's label picks among them. Matching happens
 * outside the page because a `regex` label runs on RE2 (pattern.ts), which the page does not have.
 */
const normLabel = (s: string): string => s.replace(/\s+/g, ' ').trim().toLowerCase().replace(/\s*[:\uff1a]$/, '');

/** A test for page labels, or null when the pattern cannot run (validation refuses those first). */
export function labelMatcher(field: Pick<FieldSpec, 'label' | 'labelMatch'>): ((label: string) => boolean) | null {
  if (field.label === undefined) return null;
  const want = normLabel(field.label);
  if (field.labelMatch === 'contains') return (l) => l.includes(want);
  if (field.labelMatch === 'regex') {
    const c = compilePattern(`(?i)${field.label}`);
    return c.ok ? (l) => c.re.test(l) : null;
  }
  return (l) => l === want;
}

/** The value (or with `all` every value) whose label matches; no matching label is null (or an empty list). */
export function pickByLabel(raw: RawValue, field: Pick<FieldSpec, 'label' | 'labelMatch' | 'all'>): RawValue {
  const match = labelMatcher(field);
  const pairs = Array.isArray(raw) ? raw : [];
  const values = match ? pairs.filter((p): p is [string, RawValue] => Array.isArray(p) && typeof p[0] === 'string' && match(p[0])).map((p) => p[1] ?? null) : [];
  const found = values.filter((v) => v !== null);
  return field.all ? found : (found[0] ?? null);
}
