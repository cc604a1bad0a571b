/** What the run's stores add up to: its counts, its warnings so far and its fill rates. */
import type { RunCounts, RunWarning } from '@trawl/schemas';
import type { RunMeta } from './store.ts';
import { FillCounter } from './baseline.ts';
import { warningsOf } from './warnings.ts';
import type { RunContext } from './run-context.ts';

export function countsOf(c: RunContext, meta: RunMeta): RunCounts {
  const s = c.store.statusCounts();
  const skipped = { maxPages: c.details.counter('skipped.maxPages'), maxItems: c.details.counter('skipped.maxItems'), duplicate: c.details.counter('skipped.duplicate') };
  return { pagesSucceeded: s.succeeded, pagesFailed: s.failed, pagesPending: s.pending + s.queued + s.running, items: c.store.itemCount(), retries: meta.retries,
    pagesSoftFailed: c.details.counter('softFailures'), skipped, render: c.render.counts() };
}

/** The run's warnings: fixed when it ended, else what its results say so far. */
export function runWarnings(c: RunContext, meta: RunMeta): RunWarning[] {
  if (meta.warnings) return meta.warnings;
  return warningsOf({ unparsed: c.warningInputs.unparsed(), dropped: c.warningInputs.dropped(), framed: c.warningInputs.framed(),
    skipped: countsOf(c, meta).skipped, pagination: c.warningInputs.pagination(), ambiguous: c.warningInputs.ambiguous(),
    expired: c.warningInputs.expired(), visible: c.warningInputs.visible(), renderLost: c.render.lost() });
}

export function fillRatesOf(c: RunContext, meta: RunMeta) {
  const counter = new FillCounter([...Object.keys(meta.spec.fields), ...Object.keys(meta.spec.detail?.fields ?? {}), ...Object.keys(meta.spec.detail?.rows?.columns ?? {})]);
  for (const page of c.store.itemPages()) for (const it of page) counter.add(JSON.parse(it.data) as Record<string, unknown>);
  return counter.rates();
}
