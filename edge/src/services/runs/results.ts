import { ApiError } from '../../lib/errors.ts';
import { resultsKey } from '../../lib/storage-keys.ts';
import { jsonlToCsv, jsonlToJsonArray } from '../../lib/formats.ts';
import type { ActorContext } from '../context.ts';
import { authorize } from '../permissions.ts';
import { getRunRow, refuseExpired } from './runs.ts';

export type ResultFormat = 'jsonl' | 'json' | 'csv';

const CONTENT_TYPES: Record<ResultFormat, string> = {
  jsonl: 'application/x-ndjson; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
};

/** Streams a finished run's results from R2 in the asked format, never holding them all in memory. */
export async function readResults(ctx: ActorContext, runId: string, format: ResultFormat): Promise<Response> {
  authorize(ctx, 'results:read');
  const run = await getRunRow(ctx, runId);
  if (run.status === 'queued' || run.status === 'running') {
    throw new ApiError('RUN_NOT_FINISHED', `Run ${runId} is ${run.status}; results are written when it ends`);
  }
  refuseExpired(run);
  const object = await ctx.env.BUCKET.get(resultsKey(runId));
  if (!object || object.customMetadata?.orgId !== ctx.actor.orgId) {
    throw new ApiError('RUN_NOT_FINISHED', `Results of run ${runId} are not written yet`);
  }
  const fields = JSON.parse(object.customMetadata?.fields ?? '[]') as string[];
  const body = format === 'jsonl' ? object.body : format === 'json' ? jsonlToJsonArray(object.body) : jsonlToCsv(object.body, fields);
  return new Response(body, {
    headers: {
      'content-type': CONTENT_TYPES[format],
      'content-disposition': `attachment; filename="${runId}.${format}"`,
      'x-trawl-items': String(run.counts.items),
    },
  });
}
