/** The run's end: its outcome and warnings against the previous run and the preview, then results and the D1 row (persist.ts). */
import { finalOutcome, type EndReason } from './machine.ts';
import { persistRun } from './persist.ts';
import { previewShape, previousRunShape } from './run-rows.ts';
import { baselineWarnings, previewWarnings } from './baseline.ts';
import { warningFailure } from './warnings.ts';
import { notifyRunEvent, runEndEvents } from '../notify/run-end.ts';
import { sendNotices } from './end-notices.ts';
import { emit, endStreams } from './event-stream.ts';
import { countsOf, fillRatesOf, runWarnings } from './run-figures.ts';
import { freeSlot } from './slots.ts';
import { requireMeta, type RunContext } from './run-context.ts';

export async function finish(c: RunContext, reason: EndReason): Promise<void> {
  const inFlight = c.store.liveTasks().filter((t) => t.status === 'queued' || t.status === 'running');
  const meta = requireMeta(c);
  const now = Date.now();
  const counts = countsOf(c, meta);
  const fillRates = fillRatesOf(c, meta);
  const previous = await previousRunShape(c.env, meta).catch((err: unknown) => {
    c.log.warn('reading the previous run failed; no comparison', { err: String(err) });
    return null;
  });
  const preview = await previewShape(c.env, meta).catch((err: unknown) => {
    c.log.warn('reading the job\'s preview failed; no comparison', { err: String(err) });
    return null;
  });
  const shape = { items: counts.items, fillRates };
  const warnings = [...runWarnings(c, meta), ...baselineWarnings(shape, previous), ...previewWarnings(shape, c.details.listingPagesSucceeded(), preview)];
  const ended = finalOutcome(counts, reason, c.store.firstError());
  // A run that would succeed fails on the warnings its job lists (its items are still written).
  const failure = ended.status === 'succeeded' ? warningFailure(warnings, meta.spec.failOnWarnings) : null;
  const outcome = failure ? { status: 'failed' as const, error: failure } : ended;
  c.store.putMeta({ ...meta, status: outcome.status, error: outcome.error, finishedAt: now, cancelRequested: reason.kind === 'cancelled', warnings, fillRates });
  for (const w of warnings) emit(c, { type: 'run.warning', level: 'warn', message: w.message, data: { ...w } });
  emit(c, { type: 'run.finished', level: outcome.status === 'succeeded' ? 'info' : 'warn',
    message: `Run ${outcome.status}: ${counts.items} item(s) from ${counts.pagesSucceeded} page(s), ${counts.pagesFailed} failed${warnings.length ? `, ${warnings.length} warning(s)` : ''}`,
    data: { status: outcome.status, counts, error: outcome.error, warnings } });
  await Promise.all(inFlight.map((t) => freeSlot(c, t)));
  // The end events to notify are kept before anything is written, so no failure after this loses them (ADR 0066).
  c.store.endNotices.put({ events: runEndEvents({ status: outcome.status, warnings: runWarnings(c, requireMeta(c)) }), tries: 0, nextAt: 0 });
  await persist(c);
}

/** Writes results, the event log and the D1 row; retried by the alarm until it succeeds. */
export async function persist(c: RunContext): Promise<void> {
  const meta = requireMeta(c);
  try {
    await persistRun(c.env, meta, countsOf(c, meta), runWarnings(c, meta), c.store);
    c.store.putMeta({ ...requireMeta(c), persisted: true });
    // After the run is in D1 (ADR 0046); a failure to notify never holds the run back: the alarm tries again.
    const retryAt = await notifyEnd(c);
    endStreams(c, meta.status);
    if (retryAt === null) await c.ctx.storage.deleteAlarm();
    else await c.ctx.storage.setAlarm(retryAt);
  } catch (err) {
    c.log.error('persisting the run failed; retrying', { runId: meta.runId, err: String(err) });
    await c.ctx.storage.setAlarm(Date.now() + 2000);
  }
}

/**
 * Sends the run's end events still pending (end-notices.ts); the time to try again when some failed, else null.
 * Called after persisting and by the alarm of a persisted run.
 */
export async function notifyEnd(c: RunContext): Promise<number | null> {
  const meta = requireMeta(c);
  const run = { ...meta, finishedAt: meta.finishedAt ?? meta.createdAt, counts: countsOf(c, meta), warnings: runWarnings(c, meta) };
  const out = await sendNotices(c.store.endNotices, (event) => notifyRunEvent(c.env, run, event), Date.now, c.log, meta.runId);
  return out.kind === 'retry' ? out.at : null;
}
