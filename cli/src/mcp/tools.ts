/**
 * The MCP tools: validate, preview, create (or update by name) and run a job, follow a run, read its results and
 * what changed since the job's previous run. Each server holds one SDK client, so it can do exactly what its API
 * key may; an API error comes back as a tool error with the API's code, message and hint.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { isTrawlError, runEnded, type JobSpec, type RunEvent, type Trawl } from '@trawl/sdk';
import { diffRecords } from './changes.ts';

type ToolAnswer = { content: Array<{ type: 'text'; text: string }>; structuredContent?: Record<string, unknown>; isError?: boolean };

const Spec = z.record(z.string(), z.unknown()).describe('A job spec: startUrls, itemSelector, fields, pagination… (see /v1/docs)');
const asSpec = (spec: Record<string, unknown>) => spec as unknown as JobSpec;

async function answer(work: () => Promise<Record<string, unknown>>): Promise<ToolAnswer> {
  try {
    const value = await work();
    return { content: [{ type: 'text', text: JSON.stringify(value) }], structuredContent: value };
  } catch (e) {
    if (!isTrawlError(e)) throw e;
    const error = { code: e.code, message: e.message, hint: e.hint, issues: e.issues, status: e.status };
    return { content: [{ type: 'text', text: JSON.stringify({ error }) }], isError: true };
  }
}

export function createMcpServer(trawl: Trawl, version: string): McpServer {
  const server = new McpServer({ name: 'trawl', version });
  server.registerTool('validate_job', { description: 'Check a job spec; answers the spec with defaults and warnings, or each problem with its path', inputSchema: { spec: Spec } },
    ({ spec }) => answer(async () => ({ ...await trawl.jobs.validate(asSpec(spec)) })));
  server.registerTool('preview_job', { description: 'Run a job spec on one page (no run is stored): items, fill rates, warnings', inputSchema: { spec: Spec, url: z.string().optional() } },
    ({ spec, url }) => answer(async () => ({ ...await trawl.jobs.preview({ spec: asSpec(spec), screenshot: false, ...(url ? { url } : {}) } as Parameters<Trawl['jobs']['preview']>[0]), screenshot: null })));
  server.registerTool('create_job', { description: 'Save a job by name: creates it, or changes the spec of the job with that name', inputSchema: { name: z.string(), spec: Spec } },
    ({ name, spec }) => answer(async () => {
      const { job, created } = await trawl.jobs.upsert({ name, spec: asSpec(spec) });
      return { created, job: { ...job } };
    }));
  server.registerTool('run_job', { description: 'Start a run of a saved job; with wait, answer once it ended', inputSchema: { jobId: z.string(), wait: z.boolean().default(false) } },
    ({ jobId, wait }) => answer(async () => {
      const run = await trawl.runs.start(jobId);
      return { run: { ...(wait ? await trawl.runs.wait(run.id) : run) } };
    }));
  server.registerTool('follow_run', {
    description: 'The run\'s events after a seq, until it ends or the wait is over; call again with the returned `after` to go on',
    inputSchema: { runId: z.string(), after: z.number().int().min(0).default(0), waitSeconds: z.number().min(0).max(120).default(30) },
  }, ({ runId, after, waitSeconds }) => answer(async () => {
    const events: RunEvent[] = [];
    const stop = AbortSignal.timeout(waitSeconds * 1000);
    for await (const e of trawl.runs.events(runId, { after, signal: stop })) events.push(e);
    const run = await trawl.runs.get(runId);
    return { run: { ...run }, ended: runEnded(run), after: events.at(-1)?.seq ?? after, events: events.map((e) => ({ seq: e.seq, type: e.type, level: e.level, message: e.message, url: e.url })) };
  }));
  server.registerTool('get_results', { description: 'A finished run\'s records (a window of them)', inputSchema: { runId: z.string(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(100) } },
    ({ runId, offset, limit }) => answer(async () => {
      const records: Record<string, unknown>[] = [];
      let i = 0;
      for await (const r of trawl.runs.results(runId)) {
        if (i++ >= offset) records.push(r);
        if (records.length >= limit) break;
      }
      return { runId, offset, records };
    }));
  server.registerTool('get_changes', { description: 'What changed since the job\'s previous finished run: records added, removed and changed (by the job\'s dedupeKey)', inputSchema: { runId: z.string() } },
    ({ runId }) => answer(async () => ({ ...await diffRecords(trawl, runId) })));
  return server;
}
