import type { Discovered, ItemData, TaskResult, TaskSpec } from '@trawl/schemas';

/**
 * Whether the fast path's result holds the same records as the browser's (ADR 0049): the same items in the same
 * order with the same values, and the same pages and detail links discovered. Fields read from the moment of the
 * visit (`context: "fetchedAt"`) differ by nature and are left out; everything else must be equal, key order aside.
 */
export function sameRecords(fast: TaskResult, browser: TaskResult, spec: Pick<TaskSpec, 'fields'>): boolean {
  if (fast.outcome !== 'succeeded' || browser.outcome !== 'succeeded') return false;
  const moment = Object.entries(spec.fields).filter(([, f]) => f.context === 'fetchedAt').map(([name]) => name);
  const items = (list: ItemData[]): string => JSON.stringify(list.map((it) => canonical(omit(it, moment))));
  const links = (list: Discovered[]): string => JSON.stringify(list.map((d) => canonical(d as unknown as Record<string, unknown>)));
  return items(fast.items) === items(browser.items) && links(fast.discovered) === links(browser.discovered);
}

function omit(item: ItemData, names: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...item };
  for (const n of names) delete out[n];
  return out;
}

/** Objects with their keys sorted, recursively, so two equal records serialise the same way. */
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]));
}
