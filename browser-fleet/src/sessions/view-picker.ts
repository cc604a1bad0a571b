import type { BrowserContext, Page } from 'playwright-core';
import { JobSpec, type ViewClientMessage, type ViewServerMessage } from '@trawl/schemas';
import { buildItems, collectArgsOf, collectInPage, inPageSource, type CollectArgs, type CollectOutput } from '@trawl/engine';
import { pickerSource, scoreCandidates, type CandidateRun, type PickResult } from '@trawl/engine/picker';

type PickerMessage = Extract<ViewClientMessage, { type: 'hover' | 'pick' | 'test' }>;
export interface PickerPages { page: Page; samples: () => Promise<BrowserContext> }

const collect = (page: Page, args: CollectArgs): Promise<CollectOutput> => page.evaluate(inPageSource(collectInPage, args)) as Promise<CollectOutput>;

/** Each candidate's matches and first value per item on one page, read by the engine's own collector. */
async function runCandidates(page: Page, pick: PickResult): Promise<CandidateRun[]> {
  const item = pick.item!;
  const fields: CollectArgs['fields'] = {};
  pick.candidates.forEach((c, i) => {
    const base = { selector: c.field.selector, source: c.field.source, attr: c.field.attr };
    fields[`c${i}`] = c.field.label !== undefined ? { ...base, all: false, labels: true } : { ...base, all: true };
  });
  const raw = await collect(page, { itemSelector: item.itemSelector, itemExclude: item.itemExclude ?? undefined, fields });
  const specFields = Object.fromEntries(pick.candidates.map((c, i) => [`c${i}`, { ...c.field, all: false, required: false, process: [{ op: 'trim' as const }] }]));
  const built = buildItems(raw, { fields: specFields });
  return pick.candidates.map((c, i) => ({
    perItem: raw.items.map((r, j) => {
      const v = built.items[j]?.[`c${i}`];
      const value = v === null || v === undefined ? null : String(v);
      const matches = c.field.label !== undefined ? (value ? 1 : 0) : Array.isArray(r[`c${i}`]) ? (r[`c${i}`] as unknown[]).length : 0;
      return { matches, value };
    }),
  }));
}

/** The picker's commands on the session's page (ADR 0043): hover outlines, picks with scored candidates, tests. */
export async function pickerCommand(pages: PickerPages, m: PickerMessage, send: (m: ViewServerMessage) => void): Promise<void> {
  const { page } = pages;
  if (m.type === 'hover') {
    const r = await page.evaluate(pickerSource({ x: m.x, y: m.y, kind: 'field', hover: true, scope: m.scope })) as PickResult | null;
    return send({ type: 'highlight', rects: r?.rect ? [r.rect] : [], item: r?.items ?? [] });
  }
  if (m.type === 'pick') {
    const pick = await page.evaluate(pickerSource({ x: m.x, y: m.y, kind: m.kind, scope: m.scope })) as PickResult | null;
    if (!pick || (m.kind === 'field' || m.kind === 'detail') && !pick.item) return send({ type: 'picked', id: m.id, result: pick });
    // A page control is found on this page only: its candidates rank by stability (a generated class would not last).
    if (!pick.item) return send({ type: 'picked', id: m.id, result: { ...pick, scored: scoreCandidates(pick.candidates, pick.candidates.map(() => [{ perItem: [{ matches: 1, value: 'found' }] }])) } });
    const runs: CandidateRun[][] = pick.candidates.map(() => []);
    const add = (pageRuns: CandidateRun[]): void => pageRuns.forEach((r, i) => runs[i]!.push(r));
    add(await runCandidates(page, pick));
    // The sample pages load in a context of their own, through the same egress lane; the person's page stays as it is.
    const ctx = m.samples.length ? await pages.samples() : null;
    for (const url of m.samples) {
      const p = await ctx!.newPage();
      try {
        await p.goto(url, { waitUntil: 'domcontentloaded', timeout: 20_000 });
        add(await runCandidates(p, pick));
      } catch {
        add(pick.candidates.map(() => ({ perItem: [{ matches: 0, value: null }] })));
      } finally {
        await p.close();
      }
    }
    return send({ type: 'picked', id: m.id, result: { ...pick, scored: scoreCandidates(pick.candidates, runs) } });
  }
  send({ type: 'tested', id: m.id, result: await testSpec(page, m.spec) });
}

/** The draft's extraction on the page as it is, by the engine: the preview table's rows and the next page it found. */
async function testSpec(page: Page, draft: Record<string, unknown>): Promise<unknown> {
  const parsed = JobSpec.safeParse({ startUrls: [page.url()], ...draft });
  if (!parsed.success) return { error: parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
  const spec = parsed.data;
  const raw = await collect(page, collectArgsOf(spec));
  const built = buildItems(raw, spec);
  const controls = await page.evaluate((sels: string[]) => sels.map((s) => {
    try {
      return s.startsWith('text=') || s.startsWith('role=') || s.startsWith('//') ? -1 : document.querySelectorAll(s).length;
    } catch {
      return 0;
    }
  }), [spec.pagination && 'selector' in spec.pagination ? spec.pagination.selector : '', spec.panels?.selector ?? ''].filter(Boolean));
  return { items: built.items.slice(0, 50), itemCount: built.items.length, matched: raw.matched, nextUrl: built.nextUrl, controls };
}
