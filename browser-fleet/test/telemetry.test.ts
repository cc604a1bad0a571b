import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { traceIdOf, traceparentOf } from '@trawl/schemas';
import { silentLogger } from '../src/log.ts';
import { exporterFromEnv, noSpans, type OtlpExporter } from '../src/telemetry/otlp-exporter.ts';
import { TaskSpans } from '../src/telemetry/task-spans.ts';
import { makeTask } from './fixtures.ts';

interface OtlpSpan { traceId: string; spanId: string; parentSpanId?: string; name: string; status: { code: number; message?: string }; attributes: Array<{ key: string; value: Record<string, unknown> }> }

let server: Server;
let url = '';
const received: Array<{ path: string; headers: Record<string, unknown>; body: { resourceSpans: Array<{ scopeSpans: Array<{ spans: OtlpSpan[] }> }> } }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => { text += c.toString(); });
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: JSON.parse(text) as (typeof received)[number]['body'] });
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe('OpenTelemetry spans', () => {
  it('makes no exporter when no endpoint is configured', () => {
    expect(exporterFromEnv({}, silentLogger)).toBe(noSpans);
  });

  it('exports a task span in the run\'s trace with one child span per step over OTLP/HTTP JSON', async () => {
    const exporter = exporterFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: `${url}/`, OTEL_EXPORTER_OTLP_HEADERS: 'x-team=trawl' }, silentLogger) as OtlpExporter;
    const task = makeTask('http://127.0.0.1:9/x', { runId: 'run_0mh3x2k1a9f3c7d1e8b2', taskId: 'tsk_abc', traceparent: traceparentOf('run_0mh3x2k1a9f3c7d1e8b2', 'tsk_abc') });
    const spans = new TaskSpans(task, exporter);
    await spans.step('navigate');
    await spans.step('wait');
    spans.end({ leaseToken: 'l', attempt: 1, nodeId: 'n', outcome: 'failed', items: [], discovered: [], timings: { totalMs: 5 },
      error: { code: 'SELECTOR_TIMEOUT', message: 'no match', url: task.url, attempt: 1, step: 'wait' } });
    await exporter.close();

    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/v1/traces');
    expect(received[0]!.headers['x-team']).toBe('trawl');
    const got = received[0]!.body.resourceSpans[0]!.scopeSpans[0]!.spans;
    const taskSpan = got.find((s) => s.name === 'task')!;
    expect(taskSpan.traceId).toBe(traceIdOf('run_0mh3x2k1a9f3c7d1e8b2'));
    expect(taskSpan.parentSpanId).toBe(traceparentOf('run_0mh3x2k1a9f3c7d1e8b2', 'tsk_abc').split('-')[2]);
    expect(taskSpan.status.code).toBe(2);
    expect(taskSpan.attributes).toContainEqual({ key: 'trawl.run_id', value: { stringValue: 'run_0mh3x2k1a9f3c7d1e8b2' } });
    const steps = got.filter((s) => s.name.startsWith('step '));
    expect(steps.map((s) => s.name)).toEqual(['step navigate', 'step wait']);
    for (const s of steps) expect(s.parentSpanId).toBe(taskSpan.spanId);
    expect(steps.map((s) => s.status.code)).toEqual([1, 2]);
  });
});
