/**
 * The picker's test of a load-more or tab control (ADR 0053): what each press or each tab added, read from the
 * in-page steps a listing preview logs (`page.step` data of the runner's loadMore and panels loops), on the page
 * shown and on a sample page. Pure, so the app and the unit tests share it.
 */

export type ControlKind = 'loadMore' | 'panels';

/** One press of a load-more control (label "1", "2"...) or one tab (its text), and how many items it added. */
export interface ControlStep { label: string; added: number }

interface StepLike { data?: Record<string, unknown> }

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * Per press or per tab, the items it added. Load-more: the runner logs the items before each click ("clicked …
 * (n)") and after it ("after click n"); a tab's step carries the items so far, so a tab adds the difference.
 */
export function controlSteps(kind: ControlKind, steps: readonly StepLike[]): ControlStep[] {
  const out: ControlStep[] = [];
  if (kind === 'panels') {
    let before = 0;
    for (const s of steps) {
      const items = num(s.data?.items);
      if (s.data?.step !== 'panels' || items === null || typeof s.data.panel !== 'string') continue;
      out.push({ label: s.data.panel, added: items - before });
      before = items;
    }
    return out;
  }
  const before = new Map<number, number>();
  for (const s of steps) {
    const clicks = num(s.data?.clicks);
    const items = num(s.data?.items);
    if (s.data?.step !== 'loadMore' || clicks === null || items === null || s.data.end) continue;
    if (s.data.action === 'click') before.set(clicks, items);
    else if (before.has(clicks)) out.push({ label: String(clicks), added: items - before.get(clicks)! });
  }
  return out;
}

/** Whether the control did something on the page shown and on the sample page: "this page only" is worth a flag. */
export type ControlVerdict = 'everywhere' | 'shownOnly' | 'sampleOnly' | 'nowhere' | 'noSample';

export function controlVerdict(shown: readonly ControlStep[], sample: readonly ControlStep[] | null): ControlVerdict {
  const did = (s: readonly ControlStep[]): boolean => s.some((x) => x.added > 0);
  if (sample === null) return did(shown) ? 'noSample' : 'nowhere';
  if (did(shown) && did(sample)) return 'everywhere';
  if (did(shown)) return 'shownOnly';
  return did(sample) ? 'sampleOnly' : 'nowhere';
}
