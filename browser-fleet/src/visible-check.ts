import type { Page } from 'playwright-core';
import type { TaskSpec } from '@trawl/schemas';
import { collectArgsOf, collectInPage, type CollectField, type RawValue } from '@trawl/engine';
import { evaluateFunction } from './page-function.ts';

const squash = (v: RawValue | undefined): string => (Array.isArray(v) ? v.map(squash).join('') : typeof v === 'string' ? v.replace(/\s+/g, '') : '');

/**
 * Preview warnings for `text` fields whose DOM text is not what a person sees (issue #12 §7, ADR 0033): prices
 * reordered by flex `order`, drawn by ::before, padded with hidden decoy digits. Whitespace is ignored, so layout
 * alone never warns. Each field is read both ways in one pass over the page as extraction left it.
 */
export async function visibleTextWarnings(page: Page, spec: TaskSpec): Promise<string[]> {
  if (spec.frame) return [];
  const args = collectArgsOf(spec);
  const textFields = Object.entries(args.fields).filter(([, f]) => f.source === 'text' && !f.fields && !f.labels);
  if (!textFields.length) return [];
  const both: Record<string, CollectField> = {};
  for (const [name, f] of textFields) {
    both[`t_${name}`] = f;
    both[`v_${name}`] = { ...f, source: 'visible' };
  }
  const out = await evaluateFunction(page, collectInPage, { ...args, fields: both, nextSelector: undefined });
  const warnings: string[] = [];
  for (const [name] of textFields) {
    const differ = out.items.filter((it) => squash(it[`t_${name}`]) !== squash(it[`v_${name}`]));
    const first = differ[0];
    if (!first) continue;
    warnings.push(`${name}: the text a person sees differs from the page's DOM text in ${differ.length} of ${out.items.length} items `
      + `(e.g. DOM ${JSON.stringify(first[`t_${name}`])}, seen ${JSON.stringify(first[`v_${name}`])}); "source": "visible" reads what is seen`);
  }
  return warnings;
}
