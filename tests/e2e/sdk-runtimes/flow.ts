/**
 * The one flow every runtime runs with the bundled SDK (Deno, Chromium, workerd): list jobs, create a job, start a
 * run, follow its events to the end, stream its results. Self-contained on purpose (no imports, the SDK class is
 * passed in) so Deno runs it as is, and esbuild turns it into plain JS for the browser and the Worker.
 */
interface RunEventLike { seq: number; type: string }
interface TrawlLike {
  jobs: {
    list(q?: { q?: string }): Promise<{ data: Array<{ id: string }> }>;
    create(body: { name: string; spec: unknown }): Promise<{ id: string }>;
  };
  runs: {
    start(jobId: string): Promise<{ id: string }>;
    get(runId: string): Promise<{ status: string }>;
    events(runId: string): AsyncIterable<RunEventLike>;
    results(runId: string): AsyncIterable<Record<string, unknown>>;
  };
}
type TrawlClass = new (opts: { baseUrl: string; apiKey: string }) => TrawlLike;

export interface FlowInput { baseUrl: string; apiKey: string; listQuery: string; jobName: string; spec: unknown }
export interface FlowOutput {
  listed: string[];
  jobId: string;
  runId: string;
  seqs: number[];
  lastType: string;
  status: string;
  records: Array<Record<string, unknown>>;
}

export async function sdkFlow(Trawl: TrawlClass, input: FlowInput): Promise<FlowOutput> {
  const trawl = new Trawl({ baseUrl: input.baseUrl, apiKey: input.apiKey });
  const listed = (await trawl.jobs.list({ q: input.listQuery })).data.map((j) => j.id);
  const job = await trawl.jobs.create({ name: input.jobName, spec: input.spec });
  const run = await trawl.runs.start(job.id);
  const seqs: number[] = [];
  let lastType = '';
  for await (const e of trawl.runs.events(run.id)) { seqs.push(e.seq); lastType = e.type; }
  const { status } = await trawl.runs.get(run.id);
  const records: Array<Record<string, unknown>> = [];
  for await (const r of trawl.runs.results(run.id)) records.push(r);
  return { listed, jobId: job.id, runId: run.id, seqs, lastType, status, records };
}
