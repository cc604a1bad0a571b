import type { ItemData } from '@trawl/schemas';

/** The dedupe key of an item: its key fields joined, or null when the job has none. Runs in any runtime (no DOM). */
export function dedupeKeyOf(item: ItemData, keyFields: readonly string[] | undefined): string | null {
  if (!keyFields?.length) return null;
  return keyFields.map((k) => JSON.stringify(item[k] ?? null)).join('|');
}

const empty = (v: unknown): boolean => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/**
 * One record from two readings of the same item (panels in `merge` mode, `dedupeKeep: "merge"`): the first reading's
 * values stay, its empty fields (null, "", []) are filled from the second. Idempotent, so a result applied twice
 * changes nothing.
 */
export function fillEmpty(first: ItemData, second: ItemData): ItemData {
  const out: ItemData = { ...first };
  for (const [k, v] of Object.entries(second)) if (empty(out[k]) && !empty(v)) out[k] = v;
  return out;
}
