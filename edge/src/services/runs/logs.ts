import { isFinalStatus } from '@trawl/schemas';
import { logsKey } from '../../lib/storage-keys.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { coordinatorOf, getRunRow, refuseExpired } from './runs.ts';

const PAGE = 1000;
const headers = { 'content-type': 'application/x-ndjson; charset=utf-8' };

/**
 * A run's event log as JSON lines: after the run, the file persist.ts wrote (logs/{runId}.jsonl, streamed from
 * R2); while it runs (or before that file exists), straight from its coordinator, paged so no page is large.
 */
export async function readRunLogs(ctx: ActorContext, runId: string, after = 0): Promise<Response> {
  authorize(ctx, 'runs:read');
  const run = await getRunRow(ctx, runId);
  refuseExpired(run);
  if (isFinalStatus(run.status) && after === 0) {
    const object = await ctx.env.BUCKET.get(logsKey(runId));
    if (object && object.customMetadata?.orgId === ctx.actor.orgId) return new Response(object.body, { headers: { ...headers, 'x-trawl-log-source': 'archive' } });
  }
  const coordinator = coordinatorOf(ctx, runId);
  const enc = new TextEncoder();
  let cursor = after;
  const body = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      const { lines, lastSeq } = await coordinator.eventLog(cursor, PAGE);
      if (lines.length === 0) return ctl.close();
      cursor = lastSeq;
      ctl.enqueue(enc.encode(lines.map((l) => `${l}\n`).join('')));
      if (lines.length < PAGE) ctl.close();
    },
  });
  return new Response(body, { headers: { ...headers, 'x-trawl-log-source': 'live' } });
}
