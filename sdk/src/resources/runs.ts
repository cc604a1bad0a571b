/** Runs: start, read, wait, cancel; their live events, logs, results (streamed records) and artifacts. */
import type { TrawlClient } from '@trawl/client';
import { everyPage, unwrap } from '../call.ts';
import { errorFromAnswer, networkError } from '../errors.ts';
import { runEvents, type EventSource, type EventStreamOptions, type RunEvent } from '../events.ts';
import type { ArtifactList, ResultFormat, ResultRecord, Run, RunList, RunQuery } from '../types.ts';
import { jsonLines } from '../lines.ts';

const ENDED = new Set(['succeeded', 'partial', 'failed', 'cancelled']);
export const runEnded = (run: Pick<Run, 'status'>) => ENDED.has(run.status);

export class Runs {
  constructor(private readonly api: TrawlClient, private readonly events_: EventSource) {}

  /** Starts a run of a saved job. */
  start(jobId: string): Promise<Run> {
    return unwrap(this.api.POST('/v1/jobs/{id}/runs', { params: { path: { id: jobId } } }));
  }

  list(query: RunQuery = {}): Promise<RunList> {
    return unwrap(this.api.GET('/v1/runs', { params: { query } }));
  }

  all(query: Omit<RunQuery, 'cursor'> = {}): AsyncGenerator<RunList['data'][number]> {
    return everyPage((cursor) => this.list({ ...query, ...(cursor ? { cursor } : {}) }));
  }

  get(id: string): Promise<Run> {
    return unwrap(this.api.GET('/v1/runs/{id}', { params: { path: { id } } }));
  }

  cancel(id: string): Promise<Run> {
    return unwrap(this.api.POST('/v1/runs/{id}/cancel', { params: { path: { id } } }));
  }

  /** Resolves with the run once it ended (follows the event stream, then reads the run). */
  async wait(id: string, opts: Omit<EventStreamOptions, 'after'> = {}): Promise<Run> {
    for await (const _ of this.events(id, opts)) { /* drain until stream.end */ }
    return this.get(id);
  }

  /** Live events, history first; reconnects and resumes from the last seq after a dropped connection. */
  events(id: string, opts: EventStreamOptions = {}): AsyncGenerator<RunEvent, void, undefined> {
    return runEvents(this.events_, id, opts);
  }

  /** The run's event log (kept after the run), as events. */
  async logs(id: string, after = 0): Promise<RunEvent[]> {
    const text = await unwrap(this.api.GET('/v1/runs/{id}/logs', { params: { path: { id }, query: { after } }, parseAs: 'text' }));
    return text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as RunEvent);
  }

  /** The finished run's records, parsed one at a time as they stream in (memory stays flat for large runs). */
  async *results(id: string, opts: { signal?: AbortSignal } = {}): AsyncGenerator<ResultRecord, void, undefined> {
    const body = await this.download(id, 'jsonl', opts);
    for await (const line of jsonLines(body)) yield JSON.parse(line) as ResultRecord;
  }

  /** The finished run's results as a byte stream in the format asked for. */
  async download(id: string, format: ResultFormat = 'jsonl', opts: { signal?: AbortSignal } = {}): Promise<ReadableStream<Uint8Array>> {
    let res: Awaited<ReturnType<TrawlClient['GET']>>;
    try {
      res = await this.api.GET('/v1/runs/{id}/results', { params: { path: { id }, query: { format } }, parseAs: 'stream', ...(opts.signal ? { signal: opts.signal } : {}) });
    } catch (e) {
      throw networkError(e);
    }
    if (!res.response.ok || !res.data) throw errorFromAnswer(res.response.status, res.error);
    return res.data as ReadableStream<Uint8Array>;
  }

  artifacts(id: string): Promise<ArtifactList> {
    return unwrap(this.api.GET('/v1/runs/{id}/artifacts', { params: { path: { id } } }));
  }

  /** One artifact's bytes (trace, HAR, screenshot). */
  async artifact(artifactId: string): Promise<Blob> {
    return unwrap(this.api.GET('/v1/artifacts/{id}', { params: { path: { id: artifactId } }, parseAs: 'blob' }));
  }
}
