import type { ItemData } from '@trawl/schemas';

/** The dedupe key of an item: its key fields joined, or null when the job has none. Runs in any runtime (no DOM). */
export function dedupeKeyOf(item: ItemData, keyFields: readonly string[] | undefined): string | null {
  if (!keyFields?.length) return null;
  return keyFields.map((k) => JSON.stringify(item[k] ?? null)).join('|');
}
