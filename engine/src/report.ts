import type { FieldSpec, ItemData, UnparsedValues } from '@trawl/schemas';
import { fillRates } from './extract.ts';
import { unparsedWarning } from './unparsed.ts';

export interface ExtractionReport {
  fillRates: Record<string, number>;
  warnings: string[];
}

/**
 * What a spec author should look at after a page: fields that came out empty ("price empty in 18 of 20 items"),
 * selectors that matched nothing, items dropped for missing required fields, values a number, currency or date
 * step could not read ("price: 3 values left null by number…"). Same wording in previews and runs.
 */
export function reportOf(items: readonly ItemData[], fields: Record<string, FieldSpec>, matched: number, incomplete: number,
  unparsed: readonly UnparsedValues[] = []): ExtractionReport {
  const rates = fillRates(items, fields);
  const warnings: string[] = [];
  if (matched === 0) warnings.push('the item selector matched 0 elements');
  else if (items.length === 0) warnings.push(`the item selector matched ${matched} element(s) but none became an item`);
  if (incomplete > 0) warnings.push(`${incomplete} item(s) dropped: a required field was empty`);
  for (const [name, rate] of Object.entries(rates)) {
    if (items.length === 0 || rate === 1) continue;
    const empty = Math.round((1 - rate) * items.length);
    const f = fields[name];
    // A field whose text was there but unreadable did match: say it is empty, and why below.
    const matchedNothing = rate === 0 && f?.selector && !unparsed.some((u) => u.field === name);
    warnings.push(matchedNothing ? `${name}: selector "${f.selector}" matched 0 elements in ${items.length} items` : `${name} empty in ${empty} of ${items.length} items`);
  }
  for (const u of unparsed) warnings.push(unparsedWarning(u));
  return { fillRates: rates, warnings };
}
